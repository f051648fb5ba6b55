"""A reproduction study in the case: defined, frozen (item + trusted time), run, reviewed.

Every row is inserted through ``case.log(..., records=...)`` so the custody log carries it
and ``verify`` checks it. Nothing is ever changed: a changed protocol is a new version row
(``study.protocol-amended``, with its reason), a changed review answer a new review row.

The runs go through the campaign machinery unchanged: each platform of a protocol version is
one campaign whose prompt list is the version's *schedule* (every prompt x try, shuffled with
the seed, one request each), so every exchange is recorded, outputs are bound, batches are
attested and an interrupted run resumes where it stopped.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from app.capture.campaigns import store as campaign_store
from app.capture.campaigns.credentials import Credential
from app.capture.campaigns.matching import current_works
from app.capture.campaigns.prompts import PromptEntry, PromptList
from app.capture.campaigns.runner import CampaignRun, open_campaign
from app.capture.campaigns.settings import CampaignSpec, RunResult, RunSettings
from app.capture.study.protocol import Protocol, ProtocolError, schedule
from app.core import attest
from app.core.attest import WriterCall
from app.core.canonical import canonical_json
from app.core.case import Case
from app.core.errors import ProofshotError
from app.core.ingest import Acquisition, add_bytes
from app.core.jobs import CancelToken, ProgressCallback
from app.core.tsa import TsaConfig
from app.core.tsa_settings import tsa_configs

ITEM_KIND_PROTOCOL = "study-protocol"
METHOD = "study-protocol"


class StudyNotFoundError(ProofshotError):
    exit_code = 3


class StudyStateError(ProofshotError):
    """The study is not in a state for this action (not frozen, no trusted time, …)."""

    exit_code = 2


@dataclass(frozen=True)
class Study:
    id: int
    seq: int
    name: str
    facts: dict[str, Any]

    @property
    def draft(self) -> Protocol:
        return Protocol.from_dict(self.facts["draft"])


@dataclass(frozen=True)
class ProtocolVersion:
    id: int
    seq: int
    study_id: int
    version: int
    item_id: int
    protocol: Protocol
    reason: str
    facts: dict[str, Any]

    @property
    def work_ids(self) -> list[int]:
        return [int(w) for w in self.facts["work_ids"]]

    @property
    def control_work_ids(self) -> list[int]:
        return [int(w) for w in self.facts["control_work_ids"]]


@dataclass(frozen=True)
class StudyRun:
    id: int
    seq: int
    study_id: int
    protocol_id: int
    campaign_id: int
    platform_index: int
    schedule: list[dict[str, Any]]
    facts: dict[str, Any]


# -- reading ----------------------------------------------------------------------------------


def list_studies(case: Case) -> list[Study]:
    rows = case.conn.execute("SELECT id, seq, name, facts FROM studies ORDER BY id")
    return [Study(int(a), int(b), str(c), json.loads(d)) for a, b, c, d in rows]


def get_study(case: Case, study_id: int | None = None) -> Study:
    studies = list_studies(case)
    if not studies:
        raise StudyNotFoundError("The case has no study yet; start one with 'study init'.")
    if study_id is None:
        return studies[-1]
    for s in studies:
        if s.id == study_id:
            return s
    raise StudyNotFoundError(f"The case has no study {study_id}.")


def protocol_versions(case: Case, study_id: int) -> list[ProtocolVersion]:
    rows = case.conn.execute(
        "SELECT id, seq, study_id, version, item_id, protocol, reason, facts"
        " FROM study_protocols WHERE study_id = ? ORDER BY version",
        (study_id,),
    )
    return [
        ProtocolVersion(
            int(a),
            int(b),
            int(c),
            int(d),
            int(e),
            Protocol.from_dict(json.loads(f)),
            str(g),
            json.loads(h),
        )
        for a, b, c, d, e, f, g, h in rows
    ]


def current_version(case: Case, study_id: int) -> ProtocolVersion:
    versions = protocol_versions(case, study_id)
    if not versions:
        raise StudyStateError("The study's protocol is not frozen yet; run 'study freeze' first.")
    return versions[-1]


def study_runs(case: Case, study_id: int) -> list[StudyRun]:
    rows = case.conn.execute(
        "SELECT id, seq, study_id, protocol_id, campaign_id, platform_index, schedule, facts"
        " FROM study_runs WHERE study_id = ? ORDER BY id",
        (study_id,),
    )
    return [
        StudyRun(int(a), int(b), int(c), int(d), int(e), int(f), json.loads(g), json.loads(h))
        for a, b, c, d, e, f, g, h in rows
    ]


def token_time(case: Case, item_id: int) -> str | None:
    """The earliest trusted time (TSA genTime) over an item, or None when not yet attested."""
    row = case.conn.execute(
        "SELECT MIN(t.gen_time) FROM attestations a JOIN tokens t ON t.id = a.token_id"
        " WHERE a.item_id = ?",
        (item_id,),
    ).fetchone()
    return None if row is None or row[0] is None else str(row[0])


def first_request_time(case: Case, campaign_id: int) -> str | None:
    row = case.conn.execute(
        "SELECT MIN(submitted_at) FROM generations WHERE id IN"
        " (SELECT generation_id FROM campaign_tries WHERE campaign_id = ?)",
        (campaign_id,),
    ).fetchone()
    return None if row is None or row[0] is None else str(row[0])


def _parse(value: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def predates(token: str | None, request: str | None) -> bool | None:
    if token is None or request is None:
        return None
    return _parse(token) < _parse(request)


# -- defining and freezing ----------------------------------------------------------------------


def init_study(
    case: Case, protocol: Protocol, data: bytes, source: str, *, actor: str | None = None
) -> Study:
    """Record a new study with its draft protocol (not yet frozen, not yet evidence)."""
    facts = {"draft": protocol.as_dict(), "draft_sha256": protocol.sha256, "source": source}
    with case.transaction():
        sid = case.next_id("studies")
        event = case.log(
            "study.created",
            facts={"study_id": sid, "name": protocol.name, "draft_sha256": protocol.sha256},
            records={
                "studies": [{"id": sid, "name": protocol.name, "facts": canonical_json(facts)}]
            },
            actor=actor,
        )
    return Study(sid, event.seq, protocol.name, facts)


def resolve_works(case: Case, names: Sequence[str]) -> list[int]:
    """Work ids for registration numbers (or titles); every name must name a current work."""
    works = current_works(case)
    out = []
    for name in names:
        found = [w.id for w in works if name in (w.registration, w.title)]
        if not found:
            raise ProtocolError(
                f"The protocol names the work {name!r}, which is not a registered work of the case "
                "(add it with 'works add' first)."
            )
        out.append(found[0])
    return out


@dataclass
class FreezeResult:
    version: ProtocolVersion
    new: bool
    token_time: str | None
    tsa_failures: list[dict[str, str]] = field(default_factory=list)


def freeze(
    case: Case | None,
    study: Study,
    protocol: Protocol | None = None,
    data: bytes | None = None,
    *,
    reason: str = "",
    tsas: Sequence[TsaConfig] | None = None,
    actor: str | None = None,
    writer: WriterCall | None = None,
) -> FreezeResult:
    """Store the protocol as an item, record it as the next version, and have it timestamped.

    Without ``protocol`` the study's draft is frozen. Freezing what the current version
    already says changes nothing. Any other protocol after the first version is an amendment
    and needs a ``reason``; it is logged and the report lists it as a deviation. The case is
    read and written through ``writer`` (inline on ``case`` without one); the TSAs are asked
    on the calling thread.
    """
    call = writer or _inline(case)
    if protocol is None:
        protocol = study.draft
        data = None
    versions = call(lambda c: protocol_versions(c, study.id))
    if versions and versions[-1].protocol.sha256 == protocol.sha256:
        current = versions[-1]
        stamped = call(lambda c: token_time(c, current.item_id))
        if stamped is None:
            stamped = _attest(call, tsas).get("time") or call(
                lambda c: token_time(c, current.item_id)
            )
        return FreezeResult(current, False, stamped)
    if versions and not reason.strip():
        raise StudyStateError(
            f"The protocol differs from frozen version {versions[-1].version}; a change after "
            "freezing is a new, logged version: give the reason (--reason)."
        )
    frozen = protocol
    version = call(
        lambda c: _record_version(c, study, frozen, data, reason.strip(), versions, actor)
    )
    outcome = _attest(call, tsas)
    stamped = call(lambda c: token_time(c, version.item_id))
    return FreezeResult(version, True, stamped, outcome.get("failures", []))


def _record_version(
    case: Case,
    study: Study,
    protocol: Protocol,
    data: bytes | None,
    reason: str,
    versions: list[ProtocolVersion],
    actor: str | None,
) -> ProtocolVersion:
    """On the writer: the protocol item and its version row (frozen or amended), logged."""
    work_ids = resolve_works(case, protocol.works)
    control_ids = resolve_works(case, protocol.control_works)
    body = data if data is not None else (protocol.canonical() + "\n").encode("utf-8")
    version_number = versions[-1].version + 1 if versions else 1
    item = add_bytes(
        case,
        body,
        Acquisition(
            kind=ITEM_KIND_PROTOCOL,
            method=METHOD,
            source=f"study {study.id} protocol v{version_number}",
            source_facts={
                "role": "reproduction study protocol",
                "study_id": study.id,
                "version": version_number,
                "protocol_sha256": protocol.sha256,
            },
            operator=actor,
        ),
    )
    facts = {
        "protocol_sha256": protocol.sha256,
        "work_ids": work_ids,
        "control_work_ids": control_ids,
        "schedule_sha256": _sha(canonical_json(schedule(protocol))),
        "amends": versions[-1].version if versions else None,
    }
    with case.transaction():
        pid = case.next_id("study_protocols")
        row = {
            "id": pid,
            "study_id": study.id,
            "version": version_number,
            "item_id": item.item_id,
            "protocol": protocol.canonical(),
            "reason": reason,
            "facts": canonical_json(facts),
        }
        event = case.log(
            "study.protocol-amended" if versions else "study.protocol-frozen",
            item_id=item.item_id,
            facts={
                "study_id": study.id,
                "version": version_number,
                "protocol_sha256": protocol.sha256,
                "reason": reason,
            },
            records={"study_protocols": [row]},
            actor=actor,
        )
    return ProtocolVersion(
        pid, event.seq, study.id, version_number, item.item_id, protocol, reason, facts
    )


def _sha(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _inline(case: Case | None) -> WriterCall:
    """Run ``fn(case)`` at once on the calling thread (the CLI's single thread)."""
    if case is None:
        raise ValueError("A study step needs a case or a writer.")
    return lambda fn: fn(case)


def _attest(call: WriterCall, tsas: Sequence[TsaConfig] | None) -> dict[str, Any]:
    configs = list(tsas) if tsas is not None else tsa_configs()
    if not configs:
        return {"failures": [{"error": "no TSA is configured"}]}
    outcome = attest.attest_pending_via(call, configs)
    return {"failures": list(outcome.failures)}


# -- running ----------------------------------------------------------------------------------


@dataclass
class StudyRunResult:
    version: int
    runs: list[dict[str, Any]] = field(default_factory=list)
    complete: bool = False


def _schedule_prompts(study: Study, version: ProtocolVersion, platform: int) -> PromptList:
    entries = schedule(version.protocol)
    data = canonical_json(
        {
            "study_id": study.id,
            "protocol_version": version.version,
            "protocol_sha256": version.protocol.sha256,
            "platform_index": platform,
            "schedule": entries,
        }
    ).encode("utf-8")
    import hashlib

    return PromptList(
        tuple(PromptEntry(version.protocol.prompt(e["prompt_id"]).text) for e in entries),
        hashlib.sha256(data).hexdigest(),
        f"study-{study.id}-v{version.version}-platform-{platform + 1}-schedule.json",
        data,
        "study-schedule",
    )


def _ready_version(
    case: Case, study: Study, require_timestamp: bool
) -> tuple[ProtocolVersion, str | None]:
    """The current version and its trusted time, or why no request may be sent yet."""
    from app.compare.comparison import ENGINE_VERSION

    version = current_version(case, study.id)
    stamped = token_time(case, version.item_id)
    if stamped is None and require_timestamp:
        raise StudyStateError(
            f"Protocol version {version.version} has no trusted timestamp yet; run 'study freeze' "
            "again with a TSA reachable. No request is sent before the protocol is timestamped."
        )
    if version.protocol.engine != ENGINE_VERSION:
        raise StudyStateError(
            f"The protocol names similarity engine {version.protocol.engine} but this Proofshot "
            f"runs {ENGINE_VERSION}; freeze a new protocol version naming it (with a reason)."
        )
    return version, stamped


def _platform_spec(study: Study, version: ProtocolVersion, index: int) -> CampaignSpec:
    """The campaign one platform of the version runs: its schedule as the prompt list."""
    platform = version.protocol.platforms[index]
    return CampaignSpec(
        platform.profile,
        platform.endpoint,
        _schedule_prompts(study, version, index),
        tries=1,
        model=platform.model,
        parameters=platform.parameters,
        name=f"Study {study.id} ({study.name}) protocol v{version.version}, platform {index + 1}",
    )


def _define_run(
    case: Case,
    study: Study,
    version: ProtocolVersion,
    index: int,
    spec: CampaignSpec,
    credential: Credential,
    stamped: str | None,
    actor: str | None,
) -> campaign_store.Campaign:
    """On the writer: a new campaign for the platform and its ``study_runs`` row, logged."""
    campaign, _ = open_campaign(case, spec, credential, new=True, actor=actor)
    row = {
        "study_id": study.id,
        "protocol_id": version.id,
        "campaign_id": campaign.id,
        "platform_index": index,
        "schedule": canonical_json(schedule(version.protocol)),
        "facts": canonical_json(
            {
                "seed": version.protocol.seed,
                "protocol_token_time": stamped,
                "schedule_item_id": campaign.facts.get("prompts_item_id"),
            }
        ),
    }
    with case.transaction():
        rid = case.next_id("study_runs")
        case.log(
            "study.run-defined",
            facts={
                "study_id": study.id,
                "protocol_version": version.version,
                "campaign_id": campaign.id,
                "platform_index": index,
                "protocol_token_time": stamped,
            },
            records={"study_runs": [{"id": rid, **row}]},
            actor=actor,
        )
    return campaign


def run_study(
    case: Case | None,
    study: Study,
    credential_for: Any,
    settings: RunSettings | None = None,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    actor: str | None = None,
    require_timestamp: bool = True,
    writer: WriterCall | None = None,
) -> StudyRunResult:
    """Run (or continue) every platform of the current protocol version.

    ``credential_for(endpoint, needs_credential) -> Credential``. Refuses to send anything
    until the version's protocol item holds a trusted timestamp, so the token predates the
    first request; refuses when the similarity engine is not the one the protocol names.
    ``require_timestamp=False`` (the offline demo only) runs without one; the report then
    lists it as a deviation. The case is read and written through ``writer`` (inline on
    ``case`` without one); the AI services and TSAs are asked on the calling thread.
    """
    call = writer or _inline(case)
    settings = settings or RunSettings(concurrency=1)
    version, stamped = call(lambda c: _ready_version(c, study, require_timestamp))
    result = StudyRunResult(version.version)
    existing = {
        r.platform_index: r
        for r in call(lambda c: study_runs(c, study.id))
        if r.protocol_id == version.id
    }
    for index in range(len(version.protocol.platforms)):
        spec = _platform_spec(study, version, index)
        needs = spec.build_profile().needs_credential
        credential: Credential = credential_for(spec.endpoint, needs)
        run = existing.get(index)
        if run is None:
            campaign = call(
                lambda c, i=index, sp=spec, cr=credential: _define_run(
                    c, study, version, i, sp, cr, stamped, actor
                )
            )
        else:
            campaign = call(lambda c, cid=run.campaign_id: campaign_store.get_campaign(c, cid))
        outcome: RunResult | None = None
        if not call(lambda c, cp=campaign: campaign_store.is_finished(c, cp)):
            outcome = CampaignRun(
                case,
                campaign,
                credential,
                settings,
                resumed=run is not None,
                actor=actor,
                writer=call,
            ).run(progress, cancel)
        finished = bool(call(lambda c, cp=campaign: campaign_store.is_finished(c, cp)))
        result.runs.append(
            {
                "platform_index": index,
                "campaign_id": campaign.id,
                "complete": finished,
                "run": outcome.as_dict() if outcome is not None else None,
            }
        )
        if not finished:
            break
    result.complete = all(r["complete"] for r in result.runs) and len(result.runs) == len(
        version.protocol.platforms
    )
    return result
