"""Trusted time for a case: attest new items and seal the custody log with RFC 3161 tokens.

Items arriving together are attested together. The datum sent to the TSA is a canonical text
manifest, one ``<sha256>  item-<id>`` line per item, sorted, UTF-8, LF line ends. One token
then covers the whole batch, and anyone can check one item with ``sha256sum`` (is its hash a
line of the manifest?) and ``openssl ts -verify -data manifest.txt`` (did the TSA sign that
manifest at genTime?). The manifest bytes are stored with the token.

A seal attests the head of the custody log (its sequence number and hash): every event up to
it existed at genTime. Seals ask at least two TSAs when two answer.

Nothing here blocks capture: items without a token are "pending", every failed attempt is a
custody event, and callers retry with :class:`Backoff`.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import hashlib
import json
import re
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from app.core import custody
from app.core import items as items_mod
from app.core import trust as trust_mod
from app.core import tsa as tsa_mod
from app.core.backoff import Backoff as Backoff  # re-exported: callers use attest.Backoff
from app.core.case import Case
from app.core.jobs import CancelToken
from app.core.problems import Problem, VerifyReport
from app.core.rows import named_rows
from app.core.tsa import (
    MAX_CLOCK_OFFSET,
    TimestampToken,
    TsaConfig,
    TsaError,
    clock_offset,
    verify_timestamp,
)

MAX_ITEMS_PER_TOKEN = 5000
TRUST_ANCHORS_SETTING = "tsa_trust_anchors"


# -- manifests ------------------------------------------------------------------------------


def items_manifest(rows: Sequence[tuple[int, str]]) -> str:
    """The canonical batch manifest for (item id, sha256) pairs."""
    return "".join(sorted(f"{sha}  item-{item_id}\n" for item_id, sha in rows))


_LINE = re.compile(r"^([0-9a-f]{64})  item-(\d+)$")


def parse_items_manifest(text: str) -> dict[int, str]:
    result: dict[int, str] = {}
    for line in text.splitlines():
        match = _LINE.match(line)
        if match:
            result[int(match.group(2))] = match.group(1)
    return result


def seal_manifest(case_id: str, seq: int, head_hash: str) -> str:
    return (
        f"Proofshot custody log seal\ncase-id: {case_id}\nhead-seq: {seq}\nhead-hash: {head_hash}\n"
    )


def case_id(case: Case) -> str:
    row = case.conn.execute("SELECT payload FROM events WHERE seq = 1").fetchone()
    return str(json.loads(row[0])["facts"].get("case_id", "")) if row else ""


# -- queries --------------------------------------------------------------------------------


def pending_items(case: Case, limit: int | None = None) -> list[tuple[int, str]]:
    sql = (
        "SELECT id, sha256 FROM items WHERE id NOT IN (SELECT item_id FROM attestations)"
        " AND id NOT IN (SELECT item_id FROM withdrawals) ORDER BY id"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [(int(i), str(s)) for i, s in case.conn.execute(sql)]


def pending_count(case: Case) -> int:
    return items_mod.count_pending_attestations(case)


def attestation_status(case: Case, item_ids: Sequence[int] | None = None) -> dict[int, str]:
    """'attested' or 'pending' per item ("time not yet attested" in the user's words)."""
    ids = (
        item_ids
        if item_ids is not None
        else [int(r[0]) for r in case.conn.execute("SELECT id FROM items")]
    )
    return items_mod.attestation_status(case, ids)


@dataclass(frozen=True)
class TokenSummary:
    id: int
    purpose: str
    tsa_url: str
    tsa_name: str
    gen_time: str
    serial: str
    policy_oid: str
    requested_at: str
    received_at: str
    manifest_sha256: str
    sealed_seq: int | None
    sealed_hash: str | None
    item_count: int

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


_TOKEN_COLUMNS = (
    "t.id, t.purpose, t.tsa_url, t.tsa_name, t.gen_time, t.serial, t.policy_oid, t.requested_at,"
    " t.received_at, t.manifest_sha256, t.sealed_seq, t.sealed_hash,"
    " (SELECT COUNT(*) FROM attestations a WHERE a.token_id = t.id) AS item_count"
)


def list_tokens(case: Case, *, item_id: int | None = None) -> list[TokenSummary]:
    cursor = case.conn.cursor()
    cursor.row_factory = sqlite3.Row  # by column name, not position (13 columns)
    if item_id is None:
        rows = cursor.execute(f"SELECT {_TOKEN_COLUMNS} FROM tokens t ORDER BY t.id")
    else:
        rows = cursor.execute(
            f"SELECT {_TOKEN_COLUMNS} FROM tokens t JOIN attestations x ON x.token_id = t.id"
            " WHERE x.item_id = ? ORDER BY t.id",
            (item_id,),
        )
    return [TokenSummary(**dict(r)) for r in rows]


# -- requesting -----------------------------------------------------------------------------


@dataclass
class AttestOutcome:
    tokens: list[int] = field(default_factory=list)
    attested_items: int = 0
    pending: int = 0
    failures: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _chain_pem(token: TimestampToken) -> str:
    return "".join(p.decode("ascii") if isinstance(p, bytes) else str(p) for p in token.certs_pem)


def _token_record(
    case: Case,
    purpose: str,
    manifest: str,
    token: TimestampToken,
    requested_at: dt.datetime,
    sealed: tuple[int, str] | None,
) -> dict[str, Any]:
    received = token.received_at or _now()
    return {
        "id": case.next_id("tokens"),
        "purpose": purpose,
        "manifest": manifest,
        "manifest_sha256": hashlib.sha256(manifest.encode("utf-8")).hexdigest(),
        "tsa_url": token.tsa_url,
        "tsa_name": token.tsa_name,
        "response_b64": base64.b64encode(token.response_der).decode("ascii"),
        "nonce": None if token.nonce is None else str(token.nonce),
        "gen_time": _iso(token.gen_time),
        "serial": token.serial_hex,
        "policy_oid": token.policy_oid,
        "chain_pem": _chain_pem(token),
        "requested_at": _iso(requested_at),
        "received_at": _iso(received),
        "sealed_seq": sealed[0] if sealed else None,
        "sealed_hash": sealed[1] if sealed else None,
    }


def _log_failure(case: Case, tsa: TsaConfig, error: TsaError, purpose: str, count: int) -> None:
    with case.transaction():
        case.log(
            "timestamp.attempt-failed",
            facts={
                "tsa_url": tsa.url,
                "purpose": purpose,
                "items": count,
                "reason": error.reason,
                "retryable": error.retryable,
            },
        )


def _ask(
    case: Case,
    data: str,
    tsa: TsaConfig,
    ca_pems: Sequence[bytes],
    purpose: str,
    count: int,
    outcome: AttestOutcome,
) -> tuple[TimestampToken, dt.datetime] | None:
    requested_at = _now()
    try:
        token = tsa_mod.request_timestamp(data.encode("utf-8"), tsa, ca_pems=ca_pems)
    except TsaError as exc:
        outcome.failures.append({"tsa_url": tsa.url, "reason": exc.reason})
        _log_failure(case, tsa, exc, purpose, count)
        return None
    return token, requested_at


def attest_pending(
    case: Case,
    tsas: Sequence[TsaConfig],
    *,
    ca_pems: Sequence[bytes] = (),
    max_items_per_token: int = MAX_ITEMS_PER_TOKEN,
    cancel: CancelToken | None = None,
) -> AttestOutcome:
    """Attest every pending item, a batch manifest per token, TSAs tried in order."""
    outcome = AttestOutcome()
    anchors = list(ca_pems)  # strict only with roots given for this run; verify judges trust
    while True:
        batch = pending_items(case, limit=max_items_per_token)
        if not batch or not tsas or (cancel is not None and cancel.cancelled):
            break
        manifest = items_manifest(batch)
        got = None
        for tsa in tsas:
            got = _ask(case, manifest, tsa, anchors, "items", len(batch), outcome)
            if got:
                break
        if got is None:
            break  # every TSA failed: the batch stays pending, to be retried later
        token, requested_at = got
        record = store_items_token(case, manifest, token, requested_at, [i for i, _ in batch])
        outcome.tokens.append(record["id"])
        outcome.attested_items += len(batch)
    outcome.pending = pending_count(case)
    return outcome


def store_items_token(
    case: Case,
    manifest: str,
    token: TimestampToken,
    requested_at: dt.datetime,
    item_ids: Sequence[int],
) -> dict[str, Any]:
    """Record a token over a batch manifest and the items it covers, in one event."""
    with case.transaction():
        record = _token_record(case, "items", manifest, token, requested_at, None)
        case.log(
            "timestamp.attested",
            facts={
                "tsa_url": token.tsa_url,
                "items": len(item_ids),
                "gen_time": record["gen_time"],
                "serial": record["serial"],
            },
            records={
                "tokens": [record],
                "attestations": [
                    {"token_id": record["id"], "item_id": item_id} for item_id in item_ids
                ],
            },
        )
    return record


def log_failed_request(
    case: Case, tsa: TsaConfig, error: TsaError, *, purpose: str = "items", count: int = 0
) -> None:
    """Log a TSA request made elsewhere (off the writer thread) that failed, as ``_ask`` does."""
    _log_failure(case, tsa, error, purpose, count)


@dataclass
class PendingBatch:
    """One attempt split off the writer: read (writer or view), asked (anywhere), stored (writer)."""

    item_ids: list[int]
    manifest: str
    anchors: list[bytes] = field(default_factory=list)
    token: TimestampToken | None = None
    requested_at: dt.datetime | None = None
    failures: list[tuple[TsaConfig, TsaError]] = field(default_factory=list)


def read_batch(
    case: Case, *, ca_pems: Sequence[bytes] = (), limit: int = MAX_ITEMS_PER_TOKEN
) -> PendingBatch | None:
    """Step 1: the next pending batch (a few rows), or None when nothing is pending."""
    pending = pending_items(case, limit=limit)
    if not pending:
        return None
    return PendingBatch([i for i, _ in pending], items_manifest(pending), list(ca_pems))


def ask_tsas(batch: PendingBatch, tsas: Sequence[TsaConfig]) -> PendingBatch:
    """Step 2, off the writer: no database, only the network; TSAs tried in order."""
    for tsa in tsas:
        requested_at = _now()
        try:
            batch.token = tsa_mod.request_timestamp(
                batch.manifest.encode("utf-8"), tsa, ca_pems=batch.anchors
            )
        except TsaError as exc:
            batch.failures.append((tsa, exc))
            continue
        batch.requested_at = requested_at
        break
    return batch


def store_batch(case: Case, batch: PendingBatch) -> AttestOutcome:
    """Step 3, on the writer: the token (or each failed request) in the case, in milliseconds."""
    outcome = AttestOutcome()
    for tsa, error in batch.failures:
        outcome.failures.append({"tsa_url": tsa.url, "reason": error.reason})
        _log_failure(case, tsa, error, "items", len(batch.item_ids))
    if batch.token is not None and batch.requested_at is not None:
        record = store_items_token(
            case, batch.manifest, batch.token, batch.requested_at, batch.item_ids
        )
        outcome.tokens.append(record["id"])
        outcome.attested_items = len(batch.item_ids)
    outcome.pending = pending_count(case)
    return outcome


WriterCall = Callable[[Callable[[Case], Any]], Any]
"""``store(fn)`` runs ``fn(case)`` where the case is written and returns its result: inline
(the CLI, one thread) or handed to the GUI's single writer thread and waited for."""


def attest_pending_via(
    store: WriterCall,
    tsas: Sequence[TsaConfig],
    *,
    ca_pems: Sequence[bytes] = (),
    max_items_per_token: int = MAX_ITEMS_PER_TOKEN,
    cancel: CancelToken | None = None,
) -> AttestOutcome:
    """:func:`attest_pending` in three steps per batch, so only the reads and stores use
    ``store`` (the writer) and the network waits happen on the calling thread."""
    outcome = AttestOutcome()
    while tsas and not (cancel is not None and cancel.cancelled):
        batch = store(lambda case: read_batch(case, ca_pems=ca_pems, limit=max_items_per_token))
        if batch is None:
            break
        ask_tsas(batch, tsas)
        stored: AttestOutcome = store(lambda case, b=batch: store_batch(case, b))
        outcome.failures += stored.failures
        outcome.tokens += stored.tokens
        outcome.attested_items += stored.attested_items
        if not stored.tokens:
            break  # every TSA failed: the batch stays pending, to be retried later
    outcome.pending = store(pending_count)
    return outcome


@dataclass
class SealRequest:
    """One seal split off the writer: the head read (writer), asked (anywhere), stored (writer).

    If other events are logged between reading the head and storing the tokens, the seal
    still records exactly what it sealed (``seq`` and ``head_hash`` of the manifest sent to
    the TSA), which is correct: the token vouches for the log up to that event, and verify
    reports the events after it as not yet sealed.
    """

    seq: int
    head_hash: str
    manifest: str
    anchors: list[bytes] = field(default_factory=list)
    answers: list[tuple[TsaConfig, TimestampToken, dt.datetime]] = field(default_factory=list)
    failures: list[tuple[TsaConfig, TsaError]] = field(default_factory=list)


def read_seal(case: Case, *, ca_pems: Sequence[bytes] = ()) -> SealRequest:
    """Step 1, on the writer (or a reader): the custody log's head and its seal manifest."""
    seq, head_hash = custody.head(case.conn)
    return SealRequest(seq, head_hash, seal_manifest(case_id(case), seq, head_hash), list(ca_pems))


def ask_seal(request: SealRequest, tsas: Sequence[TsaConfig], *, want: int = 2) -> SealRequest:
    """Step 2, off the writer: ask TSAs in order until ``want`` answered; no database."""
    for tsa in tsas:
        if len(request.answers) >= want:
            break
        requested_at = _now()
        try:
            token = tsa_mod.request_timestamp(
                request.manifest.encode("utf-8"), tsa, ca_pems=request.anchors
            )
        except TsaError as exc:
            request.failures.append((tsa, exc))
            continue
        request.answers.append((tsa, token, requested_at))
    return request


def store_seal(case: Case, request: SealRequest) -> AttestOutcome:
    """Step 3, on the writer: each failed request and each seal token, in milliseconds."""
    outcome = AttestOutcome()
    for tsa, error in request.failures:
        outcome.failures.append({"tsa_url": tsa.url, "reason": error.reason})
        _log_failure(case, tsa, error, "seal", 0)
    sealed = (request.seq, request.head_hash)
    for tsa, token, requested_at in request.answers:
        with case.transaction():
            record = _token_record(case, "seal", request.manifest, token, requested_at, sealed)
            case.log(
                "log.sealed",
                facts={
                    "tsa_url": tsa.url,
                    "sealed_seq": request.seq,
                    "sealed_hash": request.head_hash,
                    "gen_time": record["gen_time"],
                },
                records={"tokens": [record]},
            )
        outcome.tokens.append(record["id"])
    outcome.pending = pending_count(case)
    return outcome


def seal_log_via(
    store: WriterCall,
    tsas: Sequence[TsaConfig],
    *,
    ca_pems: Sequence[bytes] = (),
    want: int = 2,
) -> AttestOutcome:
    """:func:`seal_log` with the network waits on the calling thread, reads and stores via ``store``."""
    request: SealRequest = store(lambda case: read_seal(case, ca_pems=ca_pems))
    ask_seal(request, tsas, want=want)
    return store(lambda case: store_seal(case, request))  # type: ignore[no-any-return]


def seal_log(
    case: Case, tsas: Sequence[TsaConfig], *, ca_pems: Sequence[bytes] = (), want: int = 2
) -> AttestOutcome:
    """Attest the custody log's head with up to ``want`` TSAs (two when two answer).

    All three steps on the calling thread; a GUI uses :func:`seal_log_via` instead.
    """
    return seal_log_via(lambda fn: fn(case), tsas, ca_pems=ca_pems, want=want)


# -- trust anchors ---------------------------------------------------------------------------

MAX_ATTEST_DELAY = dt.timedelta(hours=24)
"""Beyond this gap between an item's acquisition and its first timestamp, verify warns."""

# Events that may follow the last seal without changing what it sealed.
_AFTER_SEAL_OK = frozenset({"log.sealed", "case.verified", "timestamp.attempt-failed"})


def trust_anchors(case: Case | None = None) -> list[bytes]:
    """The user's own trusted roots (never the case's): what requests are checked against."""
    return trust_mod.user_root_pems()


def add_trust_anchors(case: Case | None, pem_data: bytes) -> int:
    """Trust these roots from now on, in the user's settings (the case keeps no trust).

    ``case`` is ignored; it stays in the signature for existing callers.
    """
    return trust_mod.add_user_roots(pem_data)


def _case_stored_roots(case: Case) -> int:
    pem = case.settings().get(TRUST_ANCHORS_SETTING, "")
    return pem.count("-----BEGIN CERTIFICATE-----")


def _certs(chain_pem: str, response_der: bytes) -> list[x509.Certificate]:
    certs: list[x509.Certificate] = []
    blob = (chain_pem or "").encode("ascii", "replace")  # a case's text may be anything
    if blob.strip():
        with contextlib.suppress(ValueError):
            certs.extend(x509.load_pem_x509_certificates(blob))
    try:
        token = tsa_mod.parse_timestamp_response(response_der)
        for pem in token.certs_pem:
            certs.extend(x509.load_pem_x509_certificates(pem))
    except (TsaError, ValueError):
        pass
    return certs


# -- verification ---------------------------------------------------------------------------


def check_tokens(
    case: Case,
    report: VerifyReport,
    *,
    trust: trust_mod.TrustStore | None = None,
    max_attest_delay: dt.timedelta | None = None,
) -> None:
    """Registered with ``verify``: every token re-verified offline against its manifest.

    Trust comes only from ``trust`` (``--ca-file``, the user's roots, the OS store), never
    from the case or the token: a token whose chain ends elsewhere is a problem.
    """
    store = trust if trust is not None else trust_mod.load_trust()
    stored = _case_stored_roots(case)
    if stored:
        report.notes.append(
            f"The case carries {stored} root certificate(s) in its settings (kept by an older "
            "Proofshot); they are not used as trust anchors: trust comes from outside the case."
        )
    items = {int(i): str(s) for i, s in case.conn.execute("SELECT id, sha256 FROM items")}
    covered: dict[int, set[int]] = {}
    for token_id, item_id in case.conn.execute("SELECT token_id, item_id FROM attestations"):
        covered.setdefault(int(token_id), set()).add(int(item_id))
    rows = named_rows(
        case.conn,
        "SELECT id, purpose, manifest, manifest_sha256, tsa_name, response_b64, nonce, chain_pem,"
        " received_at, sealed_seq, sealed_hash, gen_time FROM tokens ORDER BY id",
    )
    for row in rows:
        label = f"Token {row['id']} ({row['tsa_name'] or 'TSA'})"
        _check_token_bytes(report, store, row, label)
        if row["purpose"] == "items":
            _check_items_manifest(report, row, label, items, covered.get(int(row["id"]), set()))
        elif row["purpose"] == "seal":
            _check_seal_manifest(case, report, row, label)
    _warn_after_seal(case, report)
    limit = max_attest_delay or dt.timedelta(
        hours=trust_mod.max_attest_delay_hours(MAX_ATTEST_DELAY.total_seconds() / 3600)
    )
    _warn_late_attestations(case, report, limit)


def _check_token_bytes(
    report: VerifyReport, store: trust_mod.TrustStore, row: sqlite3.Row, label: str
) -> None:
    """One stored token: its manifest unaltered, its signature valid, its chain trusted."""
    data = (row["manifest"] or "").encode("utf-8", "surrogatepass")
    if hashlib.sha256(data).hexdigest() != row["manifest_sha256"]:
        report.add(
            Problem("token-manifest-altered", f"{label}: its stored manifest was altered.", None)
        )
    try:  # a rewritten row is reported as a malformed token, not a crash of verify
        response = base64.b64decode(row["response_b64"] or "")
    except (binascii.Error, TypeError):
        response = b""
    candidates = store.candidates(_certs(row["chain_pem"], response))
    nonce = row["nonce"]
    result = verify_timestamp(
        response,
        data,
        expected_nonce=int(nonce) if nonce else None,
        ca_pems=[a.pem for a in candidates],
    )
    top = result.chain[-1] if result.chain else "no certificate"
    anchor = store.find(top, candidates)
    trusted = anchor is not None and not any(c in ("untrusted", "no-anchor") for c in result.codes)
    entry: dict[str, Any] = {
        "id": int(row["id"]),
        "purpose": row["purpose"],
        "tsa_name": row["tsa_name"],
        "gen_time": row["gen_time"],
        "trusted": trusted,
        "anchor_subject": anchor.subject if trusted and anchor else None,
        "anchor_source": anchor.source if trusted and anchor else None,
    }
    if trusted and anchor is not None:
        entry["anchor"] = f"chains to '{anchor.subject}' from {anchor.source}"
    else:
        entry["anchor"] = f"untrusted: chains to a certificate not in the trust store ('{top}')"
        report.add(
            Problem(
                "token-untrusted",
                f"{label}: untrusted: its chain ends at '{top}', a certificate not in the "
                "trust store (OS store, your trusted roots or --ca-file); certificates kept "
                "in the case or in the token never count.",
            )
        )
    report.tokens.append(entry)
    for text, code in zip(result.problems, result.codes, strict=True):
        if code not in ("untrusted", "no-anchor"):
            report.add(Problem("token-invalid", f"{label}: {text}"))
    if result.gen_time is not None and row["received_at"]:
        offset = clock_offset(result.gen_time, dt.datetime.fromisoformat(row["received_at"]))
        if abs(offset) > MAX_CLOCK_OFFSET:
            report.notes.append(
                f"{label}: the local clock differed from the TSA's genTime by {offset.total_seconds():+.0f} s (over two minutes)."
            )


def _check_items_manifest(
    report: VerifyReport,
    row: sqlite3.Row,
    label: str,
    items: dict[int, str],
    covered: set[int],
) -> None:
    """An items token's manifest still lists each item it covers with the item's SHA-256."""
    listed = parse_items_manifest(row["manifest"])
    for item_id in sorted(covered):
        if listed.get(item_id) != items.get(item_id):
            report.add(
                Problem(
                    "token-manifest-mismatch",
                    f"{label}: item {item_id}'s SHA-256 is not the one the token attests.",
                    item_id,
                )
            )


def _check_seal_manifest(case: Case, report: VerifyReport, row: sqlite3.Row, label: str) -> None:
    """A seal token's sealed head is still in the log, and its manifest describes this case."""
    sealed_seq, sealed_hash = row["sealed_seq"], row["sealed_hash"]
    found = case.conn.execute("SELECT hash FROM events WHERE seq = ?", (sealed_seq,)).fetchone()
    if found is None or found[0] != sealed_hash:
        report.add(
            Problem(
                "seal-mismatch",
                f"{label}: the sealed log head (event {sealed_seq}) no longer matches the log.",
            )
        )
    elif seal_manifest(case_id(case), int(sealed_seq), str(sealed_hash)) != row["manifest"]:
        report.add(
            Problem(
                "seal-mismatch",
                f"{label}: the seal manifest does not describe this case's log.",
            )
        )


def _warn_after_seal(case: Case, report: VerifyReport) -> None:
    row = case.conn.execute("SELECT MAX(sealed_seq) FROM tokens WHERE purpose = 'seal'").fetchone()
    if row is None or row[0] is None:
        return
    last = int(row[0])
    after = [
        (int(seq), str(action))
        for seq, action in case.conn.execute(
            "SELECT seq, action FROM events WHERE seq > ? ORDER BY seq", (last,)
        )
        if action not in _AFTER_SEAL_OK
    ]
    if after:
        actions = sorted({a for _, a in after})
        report.warn(
            "events-after-seal",
            f"{len(after)} custody event(s) came after the last seal (event {last}), from event "
            f"{after[0][0]} on ({', '.join(actions)}); no sealed timestamp vouches for them yet. "
            "Seal again with `proofshot timestamp --seal`.",
        )


def _warn_late_attestations(case: Case, report: VerifyReport, limit: dt.timedelta) -> None:
    rows = case.conn.execute(
        "SELECT i.id, i.acquired_at, MIN(t.gen_time) FROM items i"
        " JOIN attestations a ON a.item_id = i.id JOIN tokens t ON t.id = a.token_id"
        " WHERE t.purpose = 'items' GROUP BY i.id ORDER BY i.id"
    )
    for item_id, acquired_at, first in rows:
        try:
            gap = dt.datetime.fromisoformat(first) - dt.datetime.fromisoformat(acquired_at)
        except (TypeError, ValueError):
            continue
        if gap > limit:
            hours = gap.total_seconds() / 3600
            report.warn(
                "late-attestation",
                f"Item {item_id}: its first timestamp ({first}) came {hours:.1f} h after its "
                f"recorded acquisition ({acquired_at}), more than the {limit.total_seconds() / 3600:g} h "
                "allowed; the timestamp proves only that it existed by then.",
                int(item_id),
            )


# -- export ---------------------------------------------------------------------------------


def _split_chain(chain_pem: str) -> tuple[str, str]:
    """(self-signed roots, the rest) as PEM text, for openssl's -CAfile and -untrusted."""
    roots, rest = [], []
    if chain_pem.strip():
        for cert in x509.load_pem_x509_certificates(chain_pem.encode("ascii")):
            pem = cert.public_bytes(Encoding.PEM).decode("ascii")
            (roots if cert.issuer == cert.subject else rest).append(pem)
    return "".join(roots), "".join(rest)


def token_file_stem(token_id: int, tsa_url: str) -> str:
    host = re.sub(r"[^A-Za-z0-9.-]+", "-", re.sub(r"^\w+://", "", tsa_url)).strip("-")[:40] or "tsa"
    return f"token-{token_id:04d}-{host}"


_VERIFY_HEADER = [
    "Checking Proofshot timestamp tokens with stock tools",
    "",
    "Each token-NNNN-*.tsr is an RFC 3161 reply from a timestamp authority (TSA). It signs the",
    "SHA-256 of the manifest beside it (token-NNNN-*.txt). For an item manifest, each line is",
    "'<sha256>  item-<id>': hash the item's file with sha256sum and look for that line.",
    "",
]


def export_tokens(case: Case, outdir: Path) -> dict[str, Any]:
    """Write every token with its manifest, chain and the commands to check it, plus tokens.json."""
    outdir.mkdir(parents=True, exist_ok=True)
    store = trust_mod.load_trust()
    mapping: dict[str, list[str]] = {}
    tokens_out = []
    verify_lines = list(_VERIFY_HEADER)
    rows = named_rows(
        case.conn,
        "SELECT id, purpose, manifest, tsa_url, tsa_name, response_b64, chain_pem, gen_time, serial,"
        " policy_oid, sealed_seq, sealed_hash FROM tokens ORDER BY id",
    )
    for row in rows:
        stem = token_file_stem(int(row["id"]), row["tsa_url"])
        verify_lines += _export_token_files(outdir, store, row, stem)
        if row["purpose"] == "items":
            for item_id in parse_items_manifest(row["manifest"]):
                mapping.setdefault(str(item_id), []).append(stem)
        tokens_out.append(
            {
                "name": stem,
                "id": row["id"],
                "purpose": row["purpose"],
                "tsa_url": row["tsa_url"],
                "gen_time": row["gen_time"],
                "serial": row["serial"],
            }
        )
    (outdir / "VERIFY.txt").write_text("\n".join(verify_lines) + "\n", "utf-8")
    index = {"items": mapping, "tokens": tokens_out}
    (outdir / "tokens.json").write_text(
        json.dumps(index, indent=2, ensure_ascii=False) + "\n", "utf-8"
    )
    return index


def _export_token_files(
    outdir: Path, store: trust_mod.TrustStore, row: sqlite3.Row, stem: str
) -> list[str]:
    """One token's .tsr, .txt, .chain.pem and .ca.pem; returns its lines of VERIFY.txt."""
    response = base64.b64decode(row["response_b64"])
    chain_pem = row["chain_pem"]
    (outdir / f"{stem}.tsr").write_bytes(response)
    (outdir / f"{stem}.txt").write_bytes(row["manifest"].encode("utf-8"))
    _roots, rest = _split_chain(chain_pem)
    (outdir / f"{stem}.chain.pem").write_text(rest or chain_pem, "ascii")
    # Only a root this machine trusts from outside the case; never the token's own.
    anchors = store.candidates(_certs(chain_pem, response))
    ca_text = "".join(a.pem.decode("ascii") for a in anchors)
    ca_name = f"{stem}.ca.pem"
    (outdir / ca_name).write_text(ca_text, "ascii")
    lines = [
        f"== {stem}: {row['purpose']}, TSA {row['tsa_name']} <{row['tsa_url']}>, genTime {row['gen_time']}, serial {row['serial']}, policy {row['policy_oid']}",
        f"openssl ts -verify -data {stem}.txt -in {stem}.tsr -CAfile {ca_name} -untrusted {stem}.chain.pem",
        f"openssl ts -reply -in {stem}.tsr -text   # shows genTime, serial, policy, TSA name",
    ]
    if not ca_text.strip():
        lines.append(
            f"# {ca_name} is empty: the exporting machine does not trust this TSA's root; put the TSA's published root certificate there."
        )
    else:
        sources = "; ".join(sorted({a.source for a in anchors}))
        lines.append(
            f"# {ca_name} is the root the exporting machine trusted ({sources}); compare its fingerprint with the one the TSA publishes."
        )
    if row["purpose"] == "items":
        lines.append(f"sha256sum ITEM_FILE   # the printed hash must be a line of {stem}.txt")
    else:
        lines.append(
            f"# seals the custody log at event {row['sealed_seq']} (hash {row['sealed_hash']})"
        )
    return [*lines, ""]
