"""The case database schema and its forward-only migrations.

``PRAGMA user_version`` holds the schema version. Each migration is applied once, in order,
inside a transaction; a case from a newer Proofshot is refused rather than guessed at.
Evidence tables are insert-only: triggers abort any UPDATE or DELETE, so even a bug cannot
rewrite history through this connection.
"""

from __future__ import annotations

import sqlite3

# Tables whose rows are each created by, and recorded in, one custody event. ``verify``
# replays the log and expects these rows to match the records the events carry.
LOGGED_TABLES: dict[str, str] = {
    "settings": "seq, key",
    "items": "id",
    "annotations": "id",
    "withdrawals": "seq",
    "tokens": "id",
    "attestations": "token_id, item_id",
    "captures": "id",
    "capture_items": "capture_id, item_id, role",
    "capture_marks": "id",
    "generations": "id",
    "generation_outputs": "generation_id, item_id",
    "generation_corrections": "id",
    "works": "id",
    "work_documents": "work_id, item_id",
    "charts": "id",
    "campaigns": "id",
    "campaign_tries": "id",
    "studies": "id",
    "study_protocols": "id",
    "study_runs": "id",
    "study_reviews": "id",
    "ocr_results": "id",
    "refusals": "id",
    "duty_checks": "id",
    "exhibit_register": "id",
}

_V1 = """
CREATE TABLE events (
    seq       INTEGER PRIMARY KEY,
    at_utc    TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    item_id   INTEGER,
    payload   TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL UNIQUE
);
CREATE INDEX events_item ON events(item_id);
CREATE INDEX events_action ON events(action);

CREATE TABLE settings (
    seq   INTEGER NOT NULL REFERENCES events(seq),
    key   TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (seq, key)
);

CREATE TABLE items (
    id            INTEGER PRIMARY KEY,
    seq           INTEGER NOT NULL REFERENCES events(seq),
    kind          TEXT NOT NULL,
    sha256        TEXT NOT NULL UNIQUE,
    sha512        TEXT NOT NULL,
    sm3           TEXT NOT NULL,
    size          INTEGER NOT NULL,
    media_type    TEXT NOT NULL,
    width         INTEGER,
    height        INTEGER,
    acquired_at   TEXT NOT NULL,
    local_offset  TEXT NOT NULL,
    operator      TEXT NOT NULL,
    method        TEXT NOT NULL,
    tool          TEXT NOT NULL,
    source        TEXT NOT NULL,
    source_facts  TEXT NOT NULL,
    parent_id     INTEGER REFERENCES items(id),
    provenance    TEXT NOT NULL,
    media_notes   TEXT NOT NULL
);
CREATE INDEX items_kind ON items(kind);
CREATE INDEX items_acquired ON items(acquired_at);

CREATE TABLE annotations (
    id      INTEGER PRIMARY KEY,
    seq     INTEGER NOT NULL REFERENCES events(seq),
    item_id INTEGER NOT NULL REFERENCES items(id),
    kind    TEXT NOT NULL CHECK (kind IN ('tag', 'untag', 'note', 'correction')),
    value   TEXT NOT NULL
);
CREATE INDEX annotations_item ON annotations(item_id);
CREATE INDEX annotations_value ON annotations(kind, value);

CREATE TABLE withdrawals (
    seq     INTEGER PRIMARY KEY REFERENCES events(seq),
    item_id INTEGER NOT NULL REFERENCES items(id),
    reason  TEXT NOT NULL
);
"""


def _append_only_triggers(tables: list[str], *, if_not_exists: bool = False) -> str:
    parts = []
    guard = "IF NOT EXISTS " if if_not_exists else ""
    for table in tables:
        for op in ("UPDATE", "DELETE"):
            parts.append(
                f"CREATE TRIGGER {guard}{table}_no_{op.lower()} BEFORE {op} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;"
            )
    return "\n".join(parts)


# Trusted time: RFC 3161 tokens over a batch manifest of item hashes, or over the log head.
_V2 = """
CREATE TABLE tokens (
    id              INTEGER PRIMARY KEY,
    seq             INTEGER NOT NULL REFERENCES events(seq),
    purpose         TEXT NOT NULL CHECK (purpose IN ('items', 'seal')),
    manifest        TEXT NOT NULL,
    manifest_sha256 TEXT NOT NULL,
    tsa_url         TEXT NOT NULL,
    tsa_name        TEXT NOT NULL,
    response_b64    TEXT NOT NULL,
    nonce           TEXT,
    gen_time        TEXT NOT NULL,
    serial          TEXT NOT NULL,
    policy_oid      TEXT NOT NULL,
    chain_pem       TEXT NOT NULL,
    requested_at    TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    sealed_seq      INTEGER,
    sealed_hash     TEXT
);
CREATE TABLE attestations (
    token_id INTEGER NOT NULL REFERENCES tokens(id),
    item_id  INTEGER NOT NULL REFERENCES items(id),
    seq      INTEGER NOT NULL REFERENCES events(seq),
    PRIMARY KEY (token_id, item_id)
);
CREATE INDEX attestations_item ON attestations(item_id);
"""

# Capture: a capture record ties the items of one page capture or browser session together;
# a generation binds a prompt (verbatim, as captured) to the output images it produced.
# Marks and corrections are later, separate records: what was recorded is never rewritten.
_V3 = """
CREATE TABLE captures (
    id            INTEGER PRIMARY KEY,
    seq           INTEGER NOT NULL REFERENCES events(seq),
    kind          TEXT NOT NULL,
    requested_url TEXT NOT NULL,
    final_url     TEXT NOT NULL,
    title         TEXT NOT NULL,
    started_at    TEXT NOT NULL,
    ended_at      TEXT NOT NULL,
    facts         TEXT NOT NULL
);
CREATE TABLE capture_items (
    capture_id INTEGER NOT NULL REFERENCES captures(id),
    item_id    INTEGER NOT NULL REFERENCES items(id),
    role       TEXT NOT NULL,
    seq        INTEGER NOT NULL REFERENCES events(seq),
    PRIMARY KEY (capture_id, item_id, role)
);
CREATE INDEX capture_items_item ON capture_items(item_id);
CREATE TABLE capture_marks (
    id         INTEGER PRIMARY KEY,
    seq        INTEGER NOT NULL REFERENCES events(seq),
    capture_id INTEGER NOT NULL REFERENCES captures(id),
    role       TEXT NOT NULL
);
CREATE TABLE generations (
    id              INTEGER PRIMARY KEY,
    seq             INTEGER NOT NULL REFERENCES events(seq),
    capture_id      INTEGER REFERENCES captures(id),
    prompt          TEXT NOT NULL,
    negative_prompt TEXT,
    parameters      TEXT NOT NULL,
    request_url     TEXT NOT NULL,
    job_id          TEXT,
    submitted_at    TEXT,
    returned_at     TEXT,
    binding         TEXT NOT NULL,
    facts           TEXT NOT NULL
);
CREATE TABLE generation_outputs (
    generation_id INTEGER NOT NULL REFERENCES generations(id),
    item_id       INTEGER NOT NULL REFERENCES items(id),
    seq           INTEGER NOT NULL REFERENCES events(seq),
    PRIMARY KEY (generation_id, item_id)
);
CREATE INDEX generation_outputs_item ON generation_outputs(item_id);
CREATE TABLE generation_corrections (
    id            INTEGER PRIMARY KEY,
    seq           INTEGER NOT NULL REFERENCES events(seq),
    generation_id INTEGER NOT NULL REFERENCES generations(id),
    action        TEXT NOT NULL,
    value         TEXT NOT NULL
);
"""

# Compare: original works (each backed by an original-work item), their licence documents,
# and comparison charts. A chart edit is a new row that supersedes the one before.
_V4 = """
CREATE TABLE works (
    id                INTEGER PRIMARY KEY,
    seq               INTEGER NOT NULL REFERENCES events(seq),
    item_id           INTEGER NOT NULL REFERENCES items(id),
    title             TEXT NOT NULL,
    owner             TEXT NOT NULL,
    registration      TEXT NOT NULL,
    registration_date TEXT NOT NULL,
    facts             TEXT NOT NULL,
    supersedes        INTEGER REFERENCES works(id)
);
CREATE INDEX works_item ON works(item_id);
CREATE TABLE work_documents (
    work_id INTEGER NOT NULL REFERENCES works(id),
    item_id INTEGER NOT NULL REFERENCES items(id),
    seq     INTEGER NOT NULL REFERENCES events(seq),
    role    TEXT NOT NULL,
    PRIMARY KEY (work_id, item_id)
);
CREATE TABLE charts (
    id         INTEGER PRIMARY KEY,
    seq        INTEGER NOT NULL REFERENCES events(seq),
    work_id    INTEGER NOT NULL REFERENCES works(id),
    item_id    INTEGER NOT NULL REFERENCES items(id),
    title      TEXT NOT NULL,
    metrics    TEXT NOT NULL,
    elements   TEXT NOT NULL,
    supersedes INTEGER REFERENCES charts(id)
);
"""

# Prompt campaigns: a saved prompt list x tries x parameters against one platform profile;
# each finished (or finally failed) try is one row, so a resumed campaign skips it.
_V5 = """
CREATE TABLE campaigns (
    id         INTEGER PRIMARY KEY,
    seq        INTEGER NOT NULL REFERENCES events(seq),
    name       TEXT NOT NULL,
    profile    TEXT NOT NULL,
    endpoint   TEXT NOT NULL,
    model      TEXT,
    parameters TEXT NOT NULL,
    prompts    TEXT NOT NULL,
    tries      INTEGER NOT NULL,
    facts      TEXT NOT NULL
);
CREATE TABLE campaign_tries (
    id               INTEGER PRIMARY KEY,
    seq              INTEGER NOT NULL REFERENCES events(seq),
    campaign_id      INTEGER NOT NULL REFERENCES campaigns(id),
    prompt_index     INTEGER NOT NULL,
    try_number       INTEGER NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('done', 'failed')),
    generation_id    INTEGER REFERENCES generations(id),
    exchange_item_id INTEGER REFERENCES items(id),
    error            TEXT,
    facts            TEXT NOT NULL
);
CREATE INDEX campaign_tries_campaign ON campaign_tries(campaign_id, prompt_index, try_number);
"""

# Identity: the header's application_id marks the file as a Proofshot case (``file`` and
# other tools read it); older cases without it still open, and get it on their next
# writable open.
APPLICATION_ID = 0x50526F66  # "PRof"
_V6 = f"PRAGMA application_id={APPLICATION_ID};"

# Reproduction studies (issue 18): a study, its frozen protocol versions (each backed by a
# protocol item), the campaigns run under a version, and blind review answers. All insert-only:
# a protocol change is a new version row, a changed answer a new review row. Idempotent
# (IF NOT EXISTS) so it stays self-contained when migrations are renumbered.
_V_STUDY = """
CREATE TABLE IF NOT EXISTS studies (
    id    INTEGER PRIMARY KEY,
    seq   INTEGER NOT NULL REFERENCES events(seq),
    name  TEXT NOT NULL,
    facts TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS study_protocols (
    id       INTEGER PRIMARY KEY,
    seq      INTEGER NOT NULL REFERENCES events(seq),
    study_id INTEGER NOT NULL REFERENCES studies(id),
    version  INTEGER NOT NULL,
    item_id  INTEGER NOT NULL REFERENCES items(id),
    protocol TEXT NOT NULL,
    reason   TEXT NOT NULL,
    facts    TEXT NOT NULL,
    UNIQUE (study_id, version)
);
CREATE TABLE IF NOT EXISTS study_runs (
    id             INTEGER PRIMARY KEY,
    seq            INTEGER NOT NULL REFERENCES events(seq),
    study_id       INTEGER NOT NULL REFERENCES studies(id),
    protocol_id    INTEGER NOT NULL REFERENCES study_protocols(id),
    campaign_id    INTEGER NOT NULL REFERENCES campaigns(id),
    platform_index INTEGER NOT NULL,
    schedule       TEXT NOT NULL,
    facts          TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS study_reviews (
    id          INTEGER PRIMARY KEY,
    seq         INTEGER NOT NULL REFERENCES events(seq),
    study_id    INTEGER NOT NULL REFERENCES studies(id),
    item_id     INTEGER NOT NULL REFERENCES items(id),
    reviewer    TEXT NOT NULL,
    answer      TEXT NOT NULL CHECK (answer IN ('similar', 'not_similar', 'unsure')),
    note        TEXT NOT NULL,
    reviewed_at TEXT NOT NULL,
    facts       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS study_reviews_study ON study_reviews(study_id, reviewer, item_id);
"""

# OCR: text recognised in an image item, a derived record that never changes the item. Each run
# is a new row (the latest per item is current); lines carry boxes and confidences, and the
# engine, its version and its model files' hashes are kept with them. ``ocr_fts`` is a
# full-text index (trigram, contentless) over each row's search form of the text (NFKC,
# case-folded, no spaces; see app.core.ocr.search_form), written with the row; it is an
# index, not evidence, and not logged.
# Self-contained so it can be renumbered: it only creates its own objects.
_V8_OCR = """
CREATE TABLE IF NOT EXISTS ocr_results (
    id             INTEGER PRIMARY KEY,
    seq            INTEGER NOT NULL REFERENCES events(seq),
    item_id        INTEGER NOT NULL REFERENCES items(id),
    engine         TEXT NOT NULL,
    engine_version TEXT NOT NULL,
    languages      TEXT NOT NULL,
    models         TEXT NOT NULL,
    text           TEXT NOT NULL,
    lines          TEXT NOT NULL,
    facts          TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ocr_results_item ON ocr_results(item_id);
CREATE VIRTUAL TABLE IF NOT EXISTS ocr_fts USING fts5(text, content='', tokenize='trigram');
"""

# Platform duties (issue #20): refusal responses recognised in captures and campaign tries,
# recorded as such; and each duty check run, with the findings it computed, so a later
# re-check shows what changed. Both are derived records pointing at the evidence. Written
# to be re-runnable (IF NOT EXISTS), so a case whose version was wound back still opens.
_V_DUTIES = """
CREATE TABLE IF NOT EXISTS refusals (
    id            INTEGER PRIMARY KEY,
    seq           INTEGER NOT NULL REFERENCES events(seq),
    generation_id INTEGER REFERENCES generations(id),
    try_id        INTEGER REFERENCES campaign_tries(id),
    item_id       INTEGER REFERENCES items(id),
    platform      TEXT NOT NULL,
    prompt        TEXT NOT NULL,
    status        INTEGER,
    matched       TEXT NOT NULL,
    excerpt       TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS duty_checks (
    id         INTEGER PRIMARY KEY,
    seq        INTEGER NOT NULL REFERENCES events(seq),
    platform   TEXT NOT NULL,
    checked_at TEXT NOT NULL,
    from_seq   INTEGER NOT NULL,
    to_seq     INTEGER NOT NULL,
    findings   TEXT NOT NULL
);
"""

# Exhibit register (issue 16): the number each exhibit got the first time it was exported.
# Insert-only; ``epoch`` starts over with ``export --renumber`` (a new epoch, the old rows kept).
# ``series`` is "exhibit" or "demonstrative" (PDX-1 …, numbered apart);
# ``key`` names what the exhibit is ("capture:3", "work:1", "item:12", "chart:2").
# Self-contained (IF NOT EXISTS) so it can be renumbered like the study and OCR migrations.
_V_REGISTER = """
CREATE TABLE IF NOT EXISTS exhibit_register (
    id      INTEGER PRIMARY KEY,
    seq     INTEGER NOT NULL REFERENCES events(seq),
    epoch   INTEGER NOT NULL,
    series  TEXT NOT NULL,
    key     TEXT NOT NULL,
    number  INTEGER NOT NULL,
    UNIQUE (epoch, key),
    UNIQUE (epoch, series, number)
);
"""

_CAPTURE_TABLES = [
    "captures",
    "capture_items",
    "capture_marks",
    "generations",
    "generation_outputs",
    "generation_corrections",
]

MIGRATIONS: list[str] = [
    _V1 + _append_only_triggers(["events", "settings", "items", "annotations", "withdrawals"]),
    _V2 + _append_only_triggers(["tokens", "attestations"]),
    _V3 + _append_only_triggers(_CAPTURE_TABLES),
    _V4 + _append_only_triggers(["works", "work_documents", "charts"]),
    _V5 + _append_only_triggers(["campaigns", "campaign_tries"]),
    _V6,
    _V_STUDY
    + _append_only_triggers(
        ["studies", "study_protocols", "study_runs", "study_reviews"], if_not_exists=True
    ),
    _V8_OCR + _append_only_triggers(["ocr_results"], if_not_exists=True),
    _V_DUTIES + _append_only_triggers(["refusals", "duty_checks"], if_not_exists=True),
    _V_REGISTER + _append_only_triggers(["exhibit_register"], if_not_exists=True),
]

SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection) -> int:
    """Apply pending migrations; returns the version the database is now at."""
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    for version in range(current, SCHEMA_VERSION):
        conn.executescript(
            "BEGIN IMMEDIATE;" + MIGRATIONS[version] + f"PRAGMA user_version={version + 1};COMMIT;"
        )
    return SCHEMA_VERSION
