"""Running a campaign: every try asked, retried politely, recorded, bound, and attested.

Work is split the way ingest splits it. Worker threads do the network round trips and the
hashing (:func:`app.core.ingest.prepare_bytes` touches no database); the thread that owns
the case commits finished tries in batches — the items first, then, in one transaction per
batch, one ``campaign.try-recorded`` event per try carrying its generation, its outputs and
its ``campaign_tries`` row — and asks the TSAs to attest each batch as soon as it is stored.

A try is finished once its row exists, and only then. Interrupting a run (pause, Ctrl+C,
a crash, SIGKILL) loses at most the tries in flight; their round trips are still stored as an
exchange item when the run stops in an orderly way. The next run of the same campaign skips
every try that has a row and asks the rest.
"""

from __future__ import annotations

import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.capture.campaigns import store
from app.capture.campaigns.credentials import Credential
from app.capture.campaigns.http import HttpClient, RateLimiter, utc_now
from app.capture.campaigns.profiles import Profile, make_profile
from app.capture.campaigns.recorder import Redactor
from app.capture.campaigns.report import record_matches
from app.capture.campaigns.settings import (
    ITEM_KIND_PROMPTS,
    METHOD,
    CampaignSpec,
    RunResult,
    RunSettings,
)
from app.capture.campaigns.tries import TryPerformer, TryResult, TryTask
from app.core import attest
from app.core.canonical import canonical_json
from app.core.case import Case
from app.core.errors import Cancelled, ProofshotError
from app.core.identity import tool_description
from app.core.ingest import Acquisition, PreparedItem, commit_prepared, prepare_bytes
from app.core.jobs import CancelToken, Progress, ProgressCallback
from app.core.tsa import TsaConfig

__all__ = ["CampaignJob", "CampaignRun", "CampaignSpec", "RunResult", "RunSettings", "run_campaign"]


# -- starting or resuming -------------------------------------------------------------------


def default_name(spec: CampaignSpec) -> str:
    return f"{spec.profile} campaign over {spec.prompts.source_name} ({utc_now()[:16]}Z)"


def open_campaign(
    case: Case,
    spec: CampaignSpec,
    credential: Credential,
    *,
    new: bool = False,
    actor: str | None = None,
) -> tuple[store.Campaign, bool]:
    """Continue the unfinished campaign over the same prompt file, or define a new one.

    Returns the campaign and whether it was resumed. An unfinished campaign with the same
    prompt file but other settings is not silently replaced: that raises
    :class:`~app.capture.campaigns.store.CampaignMismatchError` unless ``new`` is set.
    """
    profile = spec.build_profile()
    if spec.tries < 1:
        raise ProofshotError("A campaign needs at least one try per prompt.")
    facts = {
        "prompts_sha256": spec.prompts.sha256,
        "prompts_file": spec.prompts.source_name,
        "prompts_format": spec.prompts.file_format,
        "profile_config": spec.profile_config if spec.profile == "generic" else None,
        "request_url": profile.request_url,
        "credential_fingerprint_sha256": credential.fingerprint,
        "tool": tool_description(),
    }
    candidate = store.Campaign(
        0,
        0,
        spec.name,
        spec.profile,
        spec.endpoint,
        spec.model,
        profile.parameters(),
        spec.prompts.entries,
        spec.tries,
        facts,
    )
    if not new:
        unfinished = store.unfinished_with_prompts(case, spec.prompts.sha256)
        for existing in reversed(unfinished):
            if existing.identity() == candidate.identity():
                return existing, True
        if unfinished:
            other = unfinished[-1]
            raise store.CampaignMismatchError(
                f"Campaign {other.id} ({other.name}) over this prompt file is unfinished but was "
                f"defined with other settings (profile {other.profile}, endpoint {other.endpoint}, "
                f"model {other.model or '-'}, {other.tries} tries, parameters {canonical_json(other.parameters)}); "
                "run it again with those settings to continue it, or ask for a new campaign."
            )
    # Keep the prompt list itself as evidence: the file as given, hashed and attested.
    prompts_item = commit_prepared(
        case,
        [
            prepare_bytes(
                case.objects,
                spec.prompts.data,
                Acquisition(
                    kind=ITEM_KIND_PROMPTS,
                    method=METHOD,
                    source=spec.prompts.source_name,
                    source_facts={
                        "role": "campaign prompt list",
                        "format": spec.prompts.file_format,
                    },
                ),
            )
        ],
    )[0]
    facts["prompts_item_id"] = prompts_item.item_id
    campaign = store.create_campaign(
        case,
        name=spec.name or default_name(spec),
        profile=spec.profile,
        endpoint=spec.endpoint,
        model=spec.model,
        parameters=profile.parameters(),
        prompts=spec.prompts.entries,
        tries=spec.tries,
        facts=facts,
        actor=actor,
    )
    return campaign, False


def profile_for(campaign: store.Campaign) -> Profile:
    return make_profile(
        campaign.profile,
        campaign.endpoint,
        model=campaign.model,
        parameters=campaign.parameters if campaign.profile != "generic" else None,
        config=campaign.facts.get("profile_config"),
    )


# -- the run (case thread) ------------------------------------------------------------------


class _Workers:
    """Daemon threads, so a second Ctrl+C is not held up by a request in flight."""

    def __init__(
        self, count: int, perform: Callable[[TryTask], TryResult], *stops: CancelToken
    ) -> None:
        self.tasks: queue.Queue[TryTask | None] = queue.Queue()
        self.results: queue.Queue[TryResult] = queue.Queue()
        self._perform = perform
        self._stops = stops
        self._threads = [
            threading.Thread(target=self._loop, name=f"campaign-worker-{i}", daemon=True)
            for i in range(count)
        ]
        for thread in self._threads:
            thread.start()

    def _loop(self) -> None:
        while True:
            task = self.tasks.get()
            if task is None:
                return
            if any(s.cancelled for s in self._stops):  # queued ahead, never started
                self.results.put(_skipped(task))
                continue
            try:
                result = self._perform(task)
            except BaseException as exc:  # handed to the case thread, which stops the run
                result = TryResult(
                    task,
                    "interrupted",
                    str(exc),
                    None,
                    [],
                    [],
                    None,
                    None,
                    None,
                    0,
                    [],
                    0.0,
                    fatal=exc,
                )
            self.results.put(result)

    def stop(self, timeout: float = 5.0) -> None:
        for _ in self._threads:
            self.tasks.put(None)
        for thread in self._threads:
            thread.join(timeout)


class CampaignRun:
    """Runs the unfinished tries of one campaign on the calling thread, which owns ``case``."""

    def __init__(
        self,
        case: Case,
        campaign: store.Campaign,
        credential: Credential,
        settings: RunSettings | None = None,
        *,
        resumed: bool = False,
        actor: str | None = None,
    ) -> None:
        self.case = case
        self.campaign = campaign
        self.credential = credential
        self.settings = settings or RunSettings()
        self.profile = profile_for(campaign)
        self.resumed = resumed
        self.actor = actor
        self._attest_backoff = attest.Backoff(first=30.0)
        self._next_attest = 0.0
        self._tsas: list[TsaConfig] | None = None
        self._redactor = Redactor(credential)

    def remaining(self) -> list[TryTask]:
        finished = store.finished_tries(self.case, self.campaign.id)
        return [
            TryTask(p, t, entry)
            for p, entry in enumerate(self.campaign.prompts)
            for t in range(1, self.campaign.tries + 1)
            if (p, t) not in finished
        ]

    def run(
        self, progress: ProgressCallback | None = None, cancel: CancelToken | None = None
    ) -> RunResult:
        cancel = cancel or CancelToken()
        settings = self.settings
        tasks = deque(self.remaining())
        planned = self.campaign.planned
        result = RunResult(self.campaign.id, self.resumed, planned, planned - len(tasks))
        started = time.perf_counter()
        if self.profile.needs_credential and not self.credential.present:
            raise ProofshotError(
                f"The {self.campaign.profile} profile needs an API key and none was given."
            )
        self._log_run(
            "campaign.run-started",
            result,
            extra={"remaining": len(tasks), "settings": settings.as_dict()},
        )
        client = HttpClient(settings.client)
        limiter = RateLimiter(settings.rate_per_second)
        # Workers stop at our own token, set from the caller's token or when we must abort.
        stop = CancelToken()
        performer = TryPerformer(
            self.case, self.campaign, self.profile, self.credential, settings, client, limiter, stop
        )
        workers = _Workers(max(1, settings.concurrency), performer.perform, stop, cancel)
        # Tasks wait queued ahead (a batch's worth), so the workers keep asking while this
        # thread commits a batch (fsyncs dominate a commit); a pause skips them unstarted.
        ahead = max(1, settings.concurrency) + max(1, settings.batch_size)
        in_flight = 0
        batch: list[TryResult] = []
        batch_started = 0.0
        fatal: BaseException | None = None
        stopped_reason: str | None = None
        self._report(progress, result, "Starting")
        try:
            while True:
                if cancel.cancelled and not stop.cancelled:
                    stop.cancel()
                while tasks and in_flight < ahead and not stop.cancelled:
                    workers.tasks.put(tasks.popleft())
                    in_flight += 1
                if in_flight == 0:
                    break
                for got in _collect(workers.results):
                    in_flight -= 1
                    if got.fatal is not None:
                        fatal = fatal or got.fatal
                        stop.cancel()
                    elif got.status == "skipped":
                        tasks.appendleft(got.task)
                    else:
                        if got.stop_reason and not stopped_reason:
                            stopped_reason = got.stop_reason
                            stop.cancel()
                        if not batch:
                            batch_started = time.monotonic()
                        batch.append(got)
                due = batch and (
                    len(batch) >= settings.batch_size
                    or time.monotonic() - batch_started >= settings.batch_seconds
                    or in_flight == 0
                    or stop.cancelled
                )
                if due:
                    committing, batch = batch, []
                    self._commit(committing, result)
                    self._attest(result, final=False)
                    self._report(progress, result, "Recorded")
        finally:
            stop.cancel()
            if batch:
                try:
                    self._commit(batch, result)
                except BaseException:
                    for r in batch:
                        _discard(self.case, r)
                    raise
                finally:
                    batch = []
            # Idle workers leave at once; one stuck in a request is a daemon and is not waited
            # for long when the run is being abandoned (a second Ctrl+C).
            workers.stop(timeout=5.0 if in_flight == 0 else 0.2)
            client.close()
            # Anything a worker finished after we stopped listening is discarded, not lost
            # silently: its try has no row and is asked again next time.
            while True:
                try:
                    _discard(self.case, workers.results.get_nowait())
                except queue.Empty:
                    break
        if fatal is not None:
            self._log_run("campaign.run-ended", result, extra={"error": str(fatal)})
            raise fatal
        result.cancelled = cancel.cancelled
        result.stopped_reason = stopped_reason
        result.elapsed_s = time.perf_counter() - started
        finished = store.finished_tries(self.case, self.campaign.id)
        result.complete = len(finished) >= planned
        self._attest(result, final=True)
        if result.complete and settings.match:
            result.matched_outputs = record_matches(self.case, self.campaign, actor=self.actor)
        self._log_run(
            "campaign.run-ended",
            result,
            extra={"stopped_reason": stopped_reason, "cancelled": result.cancelled},
        )
        word = "Finished" if result.complete else ("Stopped" if stopped_reason else "Paused")
        self._report(progress, result, word)
        return result

    # -- helpers ----------------------------------------------------------------------------

    def _report(self, progress: ProgressCallback | None, result: RunResult, word: str) -> None:
        if progress is None:
            return
        finished = result.finished_before + result.done + result.failed
        progress(
            Progress(
                finished,
                result.planned,
                f"{word}: {result.done} done, {result.failed} failed, {result.outputs} image(s)",
            )
        )

    def _log_run(self, action: str, result: RunResult, extra: dict[str, Any] | None = None) -> None:
        facts = {
            "campaign_id": self.campaign.id,
            "resumed": result.resumed,
            "planned": result.planned,
            "finished_before": result.finished_before,
            "done": result.done,
            "failed": result.failed,
            "interrupted": result.interrupted,
            "outputs": result.outputs,
            "credential_fingerprint_sha256": self.credential.fingerprint,
            "credential_source": self.credential.source,
            **(extra or {}),
        }
        with self.case.transaction():
            self.case.log(action, facts=facts, actor=self.actor)

    def _attest(self, result: RunResult, *, final: bool) -> None:
        if not self.settings.attest:
            return
        now = time.monotonic()
        if not final and now < self._next_attest:
            return
        if self._tsas is None:
            self._tsas = list(self.settings.tsas())
        tsas = self._tsas
        if not tsas:
            result.pending_attestation = attest.pending_count(self.case)
            return
        outcome = attest.attest_pending(self.case, tsas)
        result.attested_items += outcome.attested_items
        result.pending_attestation = outcome.pending
        room = 20 - len(result.timestamp_failures)
        result.timestamp_failures.extend(outcome.failures[: max(0, room)])
        # Every TSA down: wait longer before asking again, instead of after every batch.
        delay = self._attest_backoff.record(success=not outcome.pending)
        self._next_attest = now + delay

    def _commit(self, batch: list[TryResult], result: RunResult) -> None:
        prepared: list[PreparedItem] = []
        for r in batch:
            if r.exchange is not None:
                prepared.append(r.exchange)
            prepared.extend(p for p, _ in r.outputs)
        with self.case.transaction():  # the items and their record: one transaction
            ingested = commit_prepared(self.case, prepared) if prepared else []
            ids = iter(ingested)
            placed: list[tuple[TryResult, int | None, list[int]]] = []
            for r in batch:
                exchange_id = next(ids).item_id if r.exchange is not None else None
                output_ids = [next(ids).item_id for _ in r.outputs]
                placed.append((r, exchange_id, output_ids))
                result.exchanges += 1 if exchange_id is not None else 0
            for r, exchange_id, output_ids in placed:
                if r.status == "interrupted":
                    result.interrupted += 1
                    continue
                self._log_try(r, exchange_id, output_ids)
                if r.status == "done":
                    result.done += 1
                else:
                    result.failed += 1
                    if r.error and len(result.errors) < 10:
                        result.errors.append(
                            f"prompt {r.task.prompt_index + 1}, try {r.task.try_number}: {r.error}"
                        )
                result.outputs += len(set(output_ids))

    def _scrub(self, value: Any) -> Any:
        return self._redactor.text(value) if isinstance(value, str) else value

    def _log_try(self, r: TryResult, exchange_id: int | None, output_ids: list[int]) -> None:
        case = self.case
        task = r.task
        records: dict[str, list[dict[str, Any]]] = {}
        generation_id = None
        if r.answer is not None:
            generation_id = case.next_id("generations")
            parameters = {"model": self.campaign.model, **self.campaign.parameters}
            records["generations"] = [
                {
                    "id": generation_id,
                    "capture_id": None,
                    "prompt": task.entry.prompt,
                    "negative_prompt": task.entry.negative_prompt,
                    "parameters": canonical_json(parameters),
                    "request_url": self.profile.request_url,
                    "job_id": r.answer.job_id,
                    "submitted_at": r.submitted_at,
                    "returned_at": r.returned_at,
                    "binding": "api-response",
                    "facts": canonical_json(
                        {
                            "campaign_id": self.campaign.id,
                            "prompt_index": task.prompt_index,
                            "try_number": task.try_number,
                            "profile": self.campaign.profile,
                            "exchange_item_id": exchange_id,
                            "answer": {k: v for k, v in r.answer.facts.items()},
                            "images_in_answer": len(r.answer.images),
                            "outputs_refused": [o.as_dict() for o in r.refused],
                            "credential_fingerprint_sha256": self.credential.fingerprint,
                        }
                    ),
                }
            ]
            unique = list(dict.fromkeys(output_ids))
            if unique:
                records["generation_outputs"] = [
                    {"generation_id": generation_id, "item_id": item_id} for item_id in unique
                ]
        try_id = case.next_id("campaign_tries")
        records["campaign_tries"] = [
            {
                "id": try_id,
                "campaign_id": self.campaign.id,
                "prompt_index": task.prompt_index,
                "try_number": task.try_number,
                "status": r.status,
                "generation_id": generation_id,
                "exchange_item_id": exchange_id,
                "error": r.error,
                "facts": canonical_json(
                    {
                        "attempts": r.attempts,
                        "http_statuses": r.statuses,
                        "elapsed_ms": round(r.elapsed_ms, 1),
                        "outputs_stored": len(set(output_ids)),
                        "outputs_refused": len(r.refused),
                    }
                ),
            }
        ]
        # Strings the platform chose (job ids, revised prompts, error texts) pass through
        # the redactor too: a server may echo the key anywhere.
        records = {
            table: [{k: self._scrub(v) for k, v in row.items()} for row in rows]
            for table, rows in records.items()
        }
        case.log(
            "campaign.try-recorded",
            item_id=exchange_id,
            facts={
                "campaign_id": self.campaign.id,
                "prompt_index": task.prompt_index,
                "try_number": task.try_number,
                "status": r.status,
                "outputs": list(dict.fromkeys(output_ids)),
            },
            records=records,
            actor=self.actor,
        )


def _skipped(task: TryTask) -> TryResult:
    return TryResult(task, "skipped", None, None, [], [], None, None, None, 0, [], 0.0)


def _collect(results: queue.Queue[TryResult]) -> list[TryResult]:
    """Every result ready now (waiting up to 100 ms for the first)."""
    try:
        found = [results.get(timeout=0.1)]
    except queue.Empty:
        return []
    while True:
        try:
            found.append(results.get_nowait())
        except queue.Empty:
            return found


def _discard(case: Case, result: TryResult) -> None:
    if result.exchange is not None:
        case.objects.discard(result.exchange.staged)
    for prepared, _ in result.outputs:
        case.objects.discard(prepared.staged)


# -- the job protocol -----------------------------------------------------------------------


class CampaignJob:
    """``run(progress, cancel)`` over a case folder: opens it, runs, closes (for the GUI).

    Cancelling is pausing: the tries in flight finish (or stop at their next wait), what is
    finished stays, and running the same definition again continues where this one stopped.
    """

    title = "Prompt campaign"

    def __init__(
        self,
        case_path: Path | str,
        spec: CampaignSpec,
        credential: Credential,
        settings: RunSettings | None = None,
        *,
        new: bool = False,
        actor: str | None = None,
    ) -> None:
        self.case_path = Path(case_path)
        self.spec = spec
        self.credential = credential
        self.settings = settings or RunSettings()
        self.new = new
        self.actor = actor

    def run(self, progress: ProgressCallback, cancel: CancelToken) -> RunResult:
        with Case.open(self.case_path) as case:
            return run_campaign(
                case,
                self.spec,
                self.credential,
                self.settings,
                progress=progress,
                cancel=cancel,
                new=self.new,
                actor=self.actor,
            )


def run_campaign(
    case: Case,
    spec: CampaignSpec,
    credential: Credential,
    settings: RunSettings | None = None,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    new: bool = False,
    actor: str | None = None,
) -> RunResult:
    """Define (or find) the campaign and run its unfinished tries; the one call the CLI makes."""
    if cancel is not None and cancel.cancelled:
        raise Cancelled("The campaign was cancelled before it started.")
    campaign, resumed = open_campaign(case, spec, credential, new=new, actor=actor)
    run = CampaignRun(case, campaign, credential, settings, resumed=resumed, actor=actor)
    return run.run(progress, cancel)
