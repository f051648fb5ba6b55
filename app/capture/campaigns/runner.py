"""Running a campaign: every try asked, retried politely, recorded, bound, and attested.

Work is split the way ingest splits it. Worker threads do the network round trips and the
hashing (:func:`app.core.ingest.prepare_bytes` touches no database); the thread that drives
the run hands finished tries to the case's writer in batches — the items first, then, in one
transaction per batch, one ``campaign.try-recorded`` event per try carrying its generation,
its outputs and its ``campaign_tries`` row — and asks the TSAs to attest each batch as soon
as it is stored. Every read and write goes through a writer call
(:data:`app.core.attest.WriterCall`): inline for the CLI, the window's single writer thread
for the GUI, which is then held for milliseconds per batch, never during a network wait.

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
from dataclasses import dataclass, field
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
from app.capture.campaigns.tries import CaseFiles, TryPerformer, TryResult, TryTask
from app.core import attest
from app.core.attest import WriterCall
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


def _campaign_facts(spec: CampaignSpec, profile: Profile, credential: Credential) -> dict[str, Any]:
    """The facts a campaign is defined by (its prompt file, endpoint, key fingerprint, tool)."""
    return {
        "prompts_sha256": spec.prompts.sha256,
        "prompts_file": spec.prompts.source_name,
        "prompts_format": spec.prompts.file_format,
        "profile_config": spec.profile_config if spec.profile == "generic" else None,
        "request_url": profile.request_url,
        "credential_fingerprint_sha256": credential.fingerprint,
        "tool": tool_description(),
    }


def _unfinished_match(
    case: Case, spec: CampaignSpec, candidate: store.Campaign
) -> store.Campaign | None:
    """The unfinished campaign over the same prompt file and settings, if any.

    Raises :class:`~app.capture.campaigns.store.CampaignMismatchError` when one over the same
    file is unfinished but defined with other settings.
    """
    unfinished = store.unfinished_with_prompts(case, spec.prompts.sha256)
    for existing in reversed(unfinished):
        if existing.identity() == candidate.identity():
            return existing
    if not unfinished:
        return None
    other = unfinished[-1]
    raise store.CampaignMismatchError(
        f"Campaign {other.id} ({other.name}) over this prompt file is unfinished but was "
        f"defined with other settings (profile {other.profile}, endpoint {other.endpoint}, "
        f"model {other.model or '-'}, {other.tries} tries, parameters {canonical_json(other.parameters)}); "
        "run it again with those settings to continue it, or ask for a new campaign."
    )


def _store_prompt_list(case: Case, spec: CampaignSpec) -> int:
    """Keep the prompt list itself as evidence: the file as given, hashed and attested."""
    acquisition = Acquisition(
        kind=ITEM_KIND_PROMPTS,
        method=METHOD,
        source=spec.prompts.source_name,
        source_facts={"role": "campaign prompt list", "format": spec.prompts.file_format},
    )
    prepared = prepare_bytes(case.objects, spec.prompts.data, acquisition)
    return commit_prepared(case, [prepared])[0].item_id


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
    facts = _campaign_facts(spec, profile, credential)
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
        existing = _unfinished_match(case, spec, candidate)
        if existing is not None:
            return existing, True
    facts["prompts_item_id"] = _store_prompt_list(case, spec)
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


# -- the run (off the writer) ------------------------------------------------------------------


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


@dataclass
class _Loop:
    """What the run loop tracks between rounds (on the thread that drives the run)."""

    tasks: deque[TryTask]
    stop: CancelToken
    ahead: int
    in_flight: int = 0
    batch: list[TryResult] = field(default_factory=list)
    batch_started: float = 0.0
    fatal: BaseException | None = None
    stopped_reason: str | None = None

    def take(self, got: TryResult) -> None:
        """One finished try from a worker: kept for the next commit, requeued or fatal."""
        self.in_flight -= 1
        if got.fatal is not None:
            self.fatal = self.fatal or got.fatal
            self.stop.cancel()
        elif got.status == "skipped":
            self.tasks.appendleft(got.task)
        else:
            if got.stop_reason and not self.stopped_reason:
                self.stopped_reason = got.stop_reason
                self.stop.cancel()
            if not self.batch:
                self.batch_started = time.monotonic()
            self.batch.append(got)

    def due(self, settings: RunSettings) -> bool:
        """Whether the collected tries should be committed now."""
        return bool(self.batch) and (
            len(self.batch) >= settings.batch_size
            or time.monotonic() - self.batch_started >= settings.batch_seconds
            or self.in_flight == 0
            or self.stop.cancelled
        )


class CampaignRun:
    """Runs the unfinished tries of one campaign.

    The calling thread drives the run and waits on the network; every read and write of
    the case goes through ``writer`` (:data:`~app.core.attest.WriterCall`). Without one, the
    run uses ``case`` inline on the calling thread (the CLI); the GUI passes a ``writer``
    bound to its single writer thread and runs this off it, so an edit made meanwhile is
    never queued behind an AI service or a TSA.
    """

    def __init__(
        self,
        case: Case | None,
        campaign: store.Campaign,
        credential: Credential,
        settings: RunSettings | None = None,
        *,
        resumed: bool = False,
        actor: str | None = None,
        writer: WriterCall | None = None,
    ) -> None:
        self.case = case
        self._writer: WriterCall = writer or _inline(case)
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
        self._files: CaseFiles | None = None

    def remaining(self) -> list[TryTask]:
        finished = self._writer(lambda case: store.finished_tries(case, self.campaign.id))
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
            extra={"remaining": len(tasks), "settings": self.settings.as_dict()},
        )
        # Tasks wait queued ahead (a batch's worth), so the workers keep asking while the
        # writer commits a batch (fsyncs dominate a commit); a pause skips them unstarted.
        concurrency = max(1, self.settings.concurrency)
        loop = _Loop(tasks, CancelToken(), concurrency + max(1, self.settings.batch_size))
        self._report(progress, result, "Starting")
        self._drive(loop, result, progress, cancel)
        if loop.fatal is not None:
            self._log_run("campaign.run-ended", result, extra={"error": str(loop.fatal)})
            raise loop.fatal
        result.cancelled = cancel.cancelled
        result.stopped_reason = loop.stopped_reason
        result.elapsed_s = time.perf_counter() - started
        self._conclude(result)
        word = "Finished" if result.complete else ("Stopped" if loop.stopped_reason else "Paused")
        self._report(progress, result, word)
        return result

    def _drive(
        self,
        loop: _Loop,
        result: RunResult,
        progress: ProgressCallback | None,
        cancel: CancelToken,
    ) -> None:
        """Feed the workers, commit what they finish, until nothing is in flight."""
        settings = self.settings
        files = self._case_files()
        client = HttpClient(settings.client)
        limiter = RateLimiter(settings.rate_per_second)
        # Workers stop at our own token, set from the caller's token or when we must abort.
        performer = TryPerformer(
            files,
            self.campaign,
            self.profile,
            self.credential,
            settings,
            client,
            limiter,
            loop.stop,
        )
        workers = _Workers(max(1, settings.concurrency), performer.perform, loop.stop, cancel)
        try:
            while True:
                if cancel.cancelled and not loop.stop.cancelled:
                    loop.stop.cancel()
                while loop.tasks and loop.in_flight < loop.ahead and not loop.stop.cancelled:
                    workers.tasks.put(loop.tasks.popleft())
                    loop.in_flight += 1
                if loop.in_flight == 0:
                    break
                for got in _collect(workers.results):
                    loop.take(got)
                if loop.due(settings):
                    committing, loop.batch = loop.batch, []
                    self._commit(committing, result)
                    self._attest(result, final=False)
                    self._report(progress, result, "Recorded")
        finally:
            self._wind_down(loop, workers, client, files, result)

    def _wind_down(
        self,
        loop: _Loop,
        workers: _Workers,
        client: HttpClient,
        files: CaseFiles,
        result: RunResult,
    ) -> None:
        """Commit what is collected, stop the workers, discard what came too late."""
        loop.stop.cancel()
        if loop.batch:
            batch, loop.batch = loop.batch, []
            try:
                self._commit(batch, result)
            except BaseException:
                for r in batch:
                    _discard(files, r)
                raise
        # Idle workers leave at once; one stuck in a request is a daemon and is not waited
        # for long when the run is being abandoned (a second Ctrl+C).
        workers.stop(timeout=5.0 if loop.in_flight == 0 else 0.2)
        client.close()
        # Anything a worker finished after we stopped listening is discarded, not lost
        # silently: its try has no row and is asked again next time.
        while True:
            try:
                _discard(files, workers.results.get_nowait())
            except queue.Empty:
                break

    # -- helpers ----------------------------------------------------------------------------

    def _case_files(self) -> CaseFiles:
        """The object store and operator, read once on the writer (workers stage files there)."""
        if self._files is None:
            self._files = self._writer(lambda case: CaseFiles(case.objects, case.operator))
        return self._files

    def _conclude(self, result: RunResult) -> None:
        """After the loop: whether the campaign is complete, trusted time, matches, the log."""
        finished = self._writer(lambda case: store.finished_tries(case, self.campaign.id))
        result.complete = len(finished) >= result.planned
        self._attest(result, final=True)
        if result.complete and self.settings.match:
            result.matched_outputs = self._writer(
                lambda case: record_matches(case, self.campaign, actor=self.actor)
            )
        self._log_run(
            "campaign.run-ended",
            result,
            extra={"stopped_reason": result.stopped_reason, "cancelled": result.cancelled},
        )

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

        def log(case: Case) -> None:
            with case.transaction():
                case.log(action, facts=facts, actor=self.actor)

        self._writer(log)

    def _attest(self, result: RunResult, *, final: bool) -> None:
        """Ask the TSAs for the stored batches: reads and stores on the writer, waits here."""
        if not self.settings.attest:
            return
        now = time.monotonic()
        if not final and now < self._next_attest:
            return
        if self._tsas is None:
            self._tsas = list(self.settings.tsas())
        tsas = self._tsas
        if not tsas:
            result.pending_attestation = self._writer(attest.pending_count)
            return
        outcome = attest.attest_pending_via(self._writer, tsas)
        result.attested_items += outcome.attested_items
        result.pending_attestation = outcome.pending
        room = 20 - len(result.timestamp_failures)
        result.timestamp_failures.extend(outcome.failures[: max(0, room)])
        # Every TSA down: wait longer before asking again, instead of after every batch.
        delay = self._attest_backoff.record(success=not outcome.pending)
        self._next_attest = now + delay

    def _commit(self, batch: list[TryResult], result: RunResult) -> None:
        """Store a batch of finished tries on the writer, in one transaction."""
        self._writer(lambda case: self._commit_on(case, batch, result))

    def _commit_on(self, case: Case, batch: list[TryResult], result: RunResult) -> None:
        prepared: list[PreparedItem] = []
        for r in batch:
            if r.exchange is not None:
                prepared.append(r.exchange)
            prepared.extend(p for p, _ in r.outputs)
        with case.transaction():  # the items and their record: one transaction
            ingested = commit_prepared(case, prepared) if prepared else []
            ids = iter(ingested)
            placed: list[tuple[TryResult, int | None, list[int]]] = []
            for r in batch:
                exchange_id = next(ids).item_id if r.exchange is not None else None
                output_ids = [next(ids).item_id for _ in r.outputs]
                placed.append((r, exchange_id, output_ids))
                result.exchanges += 1 if exchange_id is not None else 0
            for r, exchange_id, output_ids in placed:
                self._count(case, r, exchange_id, output_ids, result)

    def _count(
        self,
        case: Case,
        r: TryResult,
        exchange_id: int | None,
        output_ids: list[int],
        result: RunResult,
    ) -> None:
        """Log one placed try (unless interrupted) and count it in ``result``."""
        if r.status == "interrupted":
            result.interrupted += 1
            return
        self._log_try(case, r, exchange_id, output_ids)
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

    def _generation_rows(
        self, case: Case, r: TryResult, exchange_id: int | None, output_ids: list[int]
    ) -> tuple[int | None, dict[str, list[dict[str, Any]]]]:
        """The try's ``generations`` row and output bindings (none without an answer)."""
        if r.answer is None:
            return None, {}
        task = r.task
        generation_id = case.next_id("generations")
        parameters = {"model": self.campaign.model, **self.campaign.parameters}
        facts = {
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
        records: dict[str, list[dict[str, Any]]] = {
            "generations": [
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
                    "facts": canonical_json(facts),
                }
            ]
        }
        unique = list(dict.fromkeys(output_ids))
        if unique:
            records["generation_outputs"] = [
                {"generation_id": generation_id, "item_id": item_id} for item_id in unique
            ]
        return generation_id, records

    def _try_row(
        self,
        case: Case,
        r: TryResult,
        generation_id: int | None,
        exchange_id: int | None,
        output_ids: list[int],
    ) -> dict[str, Any]:
        """The try's ``campaign_tries`` row: what makes it finished."""
        return {
            "id": case.next_id("campaign_tries"),
            "campaign_id": self.campaign.id,
            "prompt_index": r.task.prompt_index,
            "try_number": r.task.try_number,
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

    def _log_try(
        self, case: Case, r: TryResult, exchange_id: int | None, output_ids: list[int]
    ) -> None:
        task = r.task
        generation_id, records = self._generation_rows(case, r, exchange_id, output_ids)
        records["campaign_tries"] = [self._try_row(case, r, generation_id, exchange_id, output_ids)]
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


def _inline(case: Case | None) -> WriterCall:
    """A writer call that runs ``fn(case)`` at once, on the calling thread (the CLI)."""
    if case is None:
        raise ValueError("A campaign run needs a case or a writer.")
    return lambda fn: fn(case)


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


def _discard(files: CaseFiles, result: TryResult) -> None:
    if result.exchange is not None:
        files.objects.discard(result.exchange.staged)
    for prepared, _ in result.outputs:
        files.objects.discard(prepared.staged)


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
    case: Case | None,
    spec: CampaignSpec,
    credential: Credential,
    settings: RunSettings | None = None,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    new: bool = False,
    actor: str | None = None,
    writer: WriterCall | None = None,
) -> RunResult:
    """Define (or find) the campaign and run its unfinished tries; the one call the CLI makes.

    With ``writer`` (the GUI's writer thread) ``case`` may be None: every read and write
    goes through it and the network waits stay on the calling thread.
    """
    if cancel is not None and cancel.cancelled:
        raise Cancelled("The campaign was cancelled before it started.")
    call = writer or _inline(case)
    campaign, resumed = call(lambda c: open_campaign(c, spec, credential, new=new, actor=actor))
    run = CampaignRun(
        case, campaign, credential, settings, resumed=resumed, actor=actor, writer=call
    )
    return run.run(progress, cancel)
