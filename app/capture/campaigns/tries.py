"""One try of a campaign, on a worker thread: ask, retry, poll, download, record.

A :class:`TryPerformer` turns a :class:`TryTask` (a prompt and a try number) into a
:class:`TryResult`: the exchange record and the output images, hashed and staged in the
object store but not yet in the database (:func:`app.core.ingest.prepare_bytes` touches no
database), plus what the case thread needs to bind them. Nothing here raises for a network
failure: every outcome is a result with its reason.
"""

from __future__ import annotations

import base64
import binascii
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from app.capture.campaigns import store
from app.capture.campaigns.credentials import Credential
from app.capture.campaigns.http import (
    HttpClient,
    HttpRequest,
    RateLimiter,
    RoundTrip,
    parse_retry_after,
    sleep_unless_cancelled,
)
from app.capture.campaigns.profiles import AnswerError, GenerationAnswer, ImageRef, Profile
from app.capture.campaigns.prompts import PromptEntry
from app.capture.campaigns.recorder import ExchangeRecorder, OutputRecord, Redactor
from app.capture.campaigns.settings import (
    ITEM_KIND_EXCHANGE,
    ITEM_KIND_OUTPUT,
    METHOD,
    RunSettings,
)
from app.core.backoff import delay as backoff_delay
from app.core.case import Case
from app.core.ingest import Acquisition, PreparedItem, prepare_bytes
from app.core.jobs import CancelToken
from app.core.objects import ObjectStore

RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
STOP_STATUS = frozenset({401, 403, 404, 405, 407})
"""Answers to a generation request that say the campaign itself is wrong (key, URL): asking
the other prompts would only repeat them, so the run stops and no try is marked failed."""
STOP_ERRORS = frozenset({"unreachable", "tls", "refused-url"})
REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 3


@dataclass(frozen=True)
class TryTask:
    prompt_index: int
    try_number: int
    entry: PromptEntry


@dataclass
class TryResult:
    task: TryTask
    status: str
    """``done``, ``failed``, ``interrupted`` (no row: the try is asked again next run) or
    ``skipped`` (queued but never started because the run was stopping)."""
    error: str | None
    exchange: PreparedItem | None
    outputs: list[tuple[PreparedItem, OutputRecord]]
    refused: list[OutputRecord]
    answer: GenerationAnswer | None
    submitted_at: str | None
    returned_at: str | None
    attempts: int
    statuses: list[int | str]
    elapsed_ms: float
    fatal: BaseException | None = None
    stop_reason: str | None = None
    """Set when the answer showed the campaign itself cannot work (bad key, wrong URL)."""


@dataclass(frozen=True)
class CaseFiles:
    """What workers need of the case: its object store (files only) and its operator."""

    objects: ObjectStore
    operator: str


class _Verdict:
    def __init__(
        self,
        answer: GenerationAnswer | None = None,
        error: str | None = None,
        retryable: bool = False,
        retry_after: float | None = None,
        stops_run: bool = False,
    ) -> None:
        self.answer = answer
        self.error = error
        self.retryable = retryable
        self.retry_after = retry_after
        self.stops_run = stops_run


def _status_error(trip: RoundTrip) -> str:
    assert trip.response is not None
    response = trip.response
    detail = ""
    try:
        text = response.body[:2000].decode("utf-8", "replace").strip()
    except Exception:  # pragma: no cover - decoding with "replace" does not raise
        text = ""
    if text:
        detail = ": " + " ".join(text.split())[:300]
    return f"HTTP {response.status} {response.reason}{detail}"


class TryPerformer:
    """Everything one worker needs to perform tries; shared, read-only after construction."""

    def __init__(
        self,
        case: Case | CaseFiles,
        campaign: store.Campaign,
        profile: Profile,
        credential: Credential,
        settings: RunSettings,
        client: HttpClient,
        limiter: RateLimiter,
        cancel: CancelToken,
    ) -> None:
        self.objects = case.objects
        self.operator = case.operator
        self.campaign = campaign
        self.profile = profile
        self.credential = credential
        self.settings = settings
        self.client = client
        self.limiter = limiter
        self.cancel = cancel
        self.redactor = Redactor(credential)
        self._rng = random.Random()

    def backoff(self, attempt: int) -> float:
        rng = self._rng if self.settings.jitter else None
        return backoff_delay(
            attempt, self.settings.backoff_first, self.settings.backoff_ceiling, rng=rng
        )

    def classify(self, trip: RoundTrip) -> _Verdict:
        if trip.error is not None and trip.response is None:
            retryable = trip.error_kind in ("timeout", "connection", "protocol", "unreachable")
            return _Verdict(
                error=trip.error, retryable=retryable, stops_run=trip.error_kind in STOP_ERRORS
            )
        assert trip.response is not None
        response = trip.response
        if trip.error is not None:  # an answer, but cut short (oversize, closed early)
            return _Verdict(
                error=f"HTTP {response.status}: {trip.error}",
                retryable=trip.error_kind == "protocol",
            )
        if 200 <= response.status < 300:
            try:
                return _Verdict(answer=self.profile.parse_answer(trip.request, response))
            except AnswerError as exc:
                return _Verdict(error=str(exc), retryable=exc.retryable)
        retry_after = parse_retry_after(response.header("Retry-After"))
        return _Verdict(
            error=_status_error(trip),
            retryable=response.status in RETRYABLE_STATUS,
            retry_after=retry_after if response.status in RETRYABLE_STATUS else None,
            stops_run=response.status in STOP_STATUS,
        )

    def _ask(
        self, rec: ExchangeRecorder, purpose: str, build: Callable[[], HttpRequest]
    ) -> tuple[_Verdict, int, str | None, bool]:
        """Send with retries. Returns (verdict, attempts, start of the answering attempt, interrupted)."""
        attempts = 0
        stale = 0
        while True:
            if self.cancel.cancelled or not self.limiter.acquire(self.cancel):
                return (
                    _Verdict(error="interrupted before the request was sent"),
                    attempts,
                    None,
                    True,
                )
            request = build()
            trip = self.client.send(request)
            if trip.stale_connection and stale < 2:
                stale += 1
                rec.add(trip, purpose, attempts + 1, verdict="resent at once on a new connection")
                continue
            attempts += 1
            verdict = self.classify(trip)
            rec.add(
                trip, purpose, attempts, verdict="answer used" if verdict.answer else verdict.error
            )
            if verdict.answer is not None:
                return verdict, attempts, trip.started_at, False
            if not verdict.retryable or attempts >= self.settings.max_attempts:
                if verdict.retryable:
                    verdict.error = f"{verdict.error} (gave up after {attempts} attempts)"
                return verdict, attempts, None, False
            if verdict.retry_after is not None:
                if verdict.retry_after > self.settings.max_retry_after:
                    verdict.error = (
                        f"{verdict.error} (the server asked to wait {verdict.retry_after:.0f} s, "
                        f"more than the {self.settings.max_retry_after:.0f} s limit)"
                    )
                    return verdict, attempts, None, False
                wait = verdict.retry_after
                self.limiter.hold_off(wait)
                rec.note(
                    wait_before_next_s=round(wait, 3), wait_reason="Retry-After from the server"
                )
            else:
                wait = self.backoff(attempts)
                rec.note(wait_before_next_s=round(wait, 3), wait_reason="exponential backoff")
            if not sleep_unless_cancelled(wait, self.cancel):
                return verdict, attempts, None, True

    def _poll(
        self, rec: ExchangeRecorder, answer: GenerationAnswer
    ) -> tuple[GenerationAnswer | None, str | None, bool]:
        poll = self.profile.poll_settings
        if poll is None:
            return None, "The answer is pending but the profile has no way to poll.", False
        deadline = time.monotonic() + poll.timeout
        while True:
            if not sleep_unless_cancelled(poll.interval, self.cancel):
                return None, "interrupted while waiting for the job", True
            if time.monotonic() > deadline:
                return None, f"The job was not finished after {poll.timeout:g} s of polling.", False
            built = self.profile.poll_request(answer, self.credential.value)
            if built is None:
                return None, "The answer is pending but gives no job to poll.", False
            verdict, _, _, interrupted = self._ask(rec, "poll", lambda b=built: b)
            if interrupted:
                return None, "interrupted while polling", True
            if verdict.answer is None:
                return None, verdict.error, False
            if not verdict.answer.pending:
                if not verdict.answer.job_id:
                    verdict.answer.job_id = answer.job_id
                verdict.answer.facts = {**answer.facts, **verdict.answer.facts}
                return verdict.answer, None, False

    def _download(
        self, rec: ExchangeRecorder, url: str
    ) -> tuple[bytes | None, str | None, int | None]:
        """GET an output URL (no credential is ever sent there); follows up to 3 redirects."""
        redirects = 0
        attempt = 0
        while True:
            if self.cancel.cancelled:
                return None, "interrupted before the image was fetched", None
            request = HttpRequest("GET", url, (("Accept", "image/*, */*;q=0.5"),), None)
            trip = self.client.send(request, max_bytes=self.settings.max_image_bytes)
            attempt += 1
            index = rec.add(trip, "download", attempt)
            response = trip.response
            if response is not None and trip.error is None:
                location = response.header("Location")
                if response.status in REDIRECT_STATUS and location and redirects < MAX_REDIRECTS:
                    redirects += 1
                    attempt -= 1
                    url = urljoin(url, location)
                    rec.note(verdict=f"redirected to {url}")
                    continue
                if 200 <= response.status < 300:
                    return response.body, None, index
                error = f"fetching the image failed: {_status_error(trip)}"
                retryable = response.status in RETRYABLE_STATUS
            else:
                error = f"fetching the image failed: {trip.error}"
                retryable = trip.error_kind in ("timeout", "connection", "protocol")
            rec.note(verdict=error)
            if not retryable or attempt >= self.settings.download_attempts:
                return None, error, None
            if not sleep_unless_cancelled(self.backoff(attempt), self.cancel):
                return None, "interrupted while fetching the image", None

    def _store_output(
        self, task: TryTask, ref: ImageRef, data: bytes, record: OutputRecord
    ) -> PreparedItem | None:
        if len(data) > self.settings.max_image_bytes:
            record.status, record.reason = (
                "refused",
                f"the image is larger than {self.settings.max_image_bytes} bytes",
            )
            return None
        facts = {
            "campaign_id": self.campaign.id,
            "campaign": self.campaign.name,
            "prompt_index": task.prompt_index,
            "try_number": task.try_number,
            "output_index": ref.index,
            "prompt": task.entry.prompt,
            "answer_field": ref.json_path,
            "delivered_as": "base64" if ref.kind == "b64" else "url",
            "request_url": self.profile.request_url,
        }
        if ref.kind == "url":
            facts["url"] = self.redactor.text(ref.value)
        prepared = prepare_bytes(
            self.objects,
            data,
            Acquisition(
                kind=ITEM_KIND_OUTPUT,
                method=METHOD,
                source=self.redactor.text(ref.value)
                if ref.kind == "url"
                else self.profile.request_url,
                source_facts=facts,
            ),
        )
        media = prepared.media
        record.media_type = media.media_type
        if not media.is_image:
            self.objects.discard(prepared.staged)
            record.status, record.reason = (
                "refused",
                f"the data is not an image (it is {media.media_type})",
            )
            return None
        record.sha256 = prepared.staged.digests.sha256
        record.size = prepared.staged.digests.size
        record.width, record.height = media.width, media.height
        return prepared

    def _outputs(
        self, task: TryTask, rec: ExchangeRecorder, answer: GenerationAnswer
    ) -> tuple[list[tuple[PreparedItem, OutputRecord]], list[OutputRecord]]:
        stored: list[tuple[PreparedItem, OutputRecord]] = []
        refused: list[OutputRecord] = []
        try:
            for ref in answer.images:
                record = OutputRecord(ref.index, ref.kind, ref.json_path)
                data: bytes | None
                if ref.kind == "b64":
                    text = ref.value
                    if text.startswith("data:") and "," in text:
                        text = text.split(",", 1)[1]
                    record.b64_value = ref.value
                    try:
                        data = base64.b64decode(text, validate=True)
                    except (binascii.Error, ValueError):
                        data = None
                        record.status, record.reason = "refused", "the base64 data is not valid"
                    else:
                        record.b64_exact = base64.b64encode(data).decode("ascii") == ref.value
                else:
                    record.url = self.redactor.text(ref.value)
                    data, error, trip_index = self._download(rec, ref.value)
                    record.download_trip = trip_index
                    if data is None:
                        record.status, record.reason = "refused", error
                if data is not None:
                    prepared = self._store_output(task, ref, data, record)
                    if prepared is not None:
                        stored.append((prepared, record))
                        continue
                refused.append(record)
        except BaseException:
            for prepared, _ in stored:
                self.objects.discard(prepared.staged)
            raise
        return stored, refused

    def perform(self, task: TryTask) -> TryResult:
        t0 = time.perf_counter()
        rec = ExchangeRecorder(self.credential, self._context(task))
        asked = self._answer(rec, task)
        answer, interrupted = asked.answer, asked.interrupted
        stored: list[tuple[PreparedItem, OutputRecord]] = []
        refused: list[OutputRecord] = []
        if answer is not None and not interrupted:
            stored, refused = self._outputs(task, rec, answer)
            if self.cancel.cancelled and any(
                r.reason and "interrupted" in r.reason for r in refused
            ):
                interrupted = True
        status, error = _status(answer, asked.error, stored, refused, interrupted)
        returned_at = rec.trips[-1][0].ended_at if rec.trips and answer is not None else None
        exchange: PreparedItem | None = None
        if rec.trips:
            if status == "interrupted":
                for prepared, _ in stored:
                    self.objects.discard(prepared.staged)
                stored = []
            exchange = self._exchange_item(
                task,
                rec,
                [r for _, r in stored] + refused,
                status,
                error,
                asked.stop_reason,
                answer,
            )
        _slim([r for _, r in stored] + refused, answer)
        stop_reason = asked.stop_reason
        return TryResult(
            task,
            status,
            None if error is None else self.redactor.text(error),
            exchange,
            stored,
            refused,
            answer if status != "interrupted" else None,
            asked.submitted_at,
            returned_at,
            asked.attempts,
            rec.statuses,
            (time.perf_counter() - t0) * 1000,
            stop_reason=None if stop_reason is None else self.redactor.text(stop_reason),
        )

    def _context(self, task: TryTask) -> dict[str, Any]:
        """What the exchange record says the try was: campaign, prompt, try number."""
        return {
            "campaign": {
                "id": self.campaign.id,
                "name": self.campaign.name,
                "profile": self.campaign.profile,
                "endpoint": self.campaign.endpoint,
                "model": self.campaign.model,
                "prompt_index": task.prompt_index,
                "try_number": task.try_number,
            },
            "prompt": task.entry.prompt,
            "negative_prompt": task.entry.negative_prompt,
        }

    def _answer(self, rec: ExchangeRecorder, task: TryTask) -> _Asked:
        """Ask for the generation (with retries), then poll a pending job until it is done."""
        entry = task.entry
        verdict, attempts, submitted_at, interrupted = self._ask(
            rec, "generate", lambda: self.profile.generation_request(entry, self.credential.value)
        )
        asked = _Asked(verdict.answer, verdict.error, attempts, submitted_at, interrupted)
        if asked.answer is None and not interrupted and verdict.stops_run:
            # The campaign, not this prompt, is wrong: keep the evidence, mark nothing failed.
            asked.stop_reason = verdict.error
            asked.interrupted = True
        if asked.answer is not None and asked.answer.pending and not asked.interrupted:
            asked.answer, asked.error, asked.interrupted = self._poll(rec, asked.answer)
        return asked

    def _exchange_item(
        self,
        task: TryTask,
        rec: ExchangeRecorder,
        outputs: list[OutputRecord],
        status: str,
        error: str | None,
        stop_reason: str | None,
        answer: GenerationAnswer | None,
    ) -> PreparedItem:
        """The exchange record (every round trip, the outcome) hashed and staged as an item."""
        answer_facts: dict[str, Any] = {}
        if answer is not None:
            answer_facts = {
                "job_id": answer.job_id,
                "images_in_answer": len(answer.images),
                **answer.facts,
            }
        outcome = "stopped the run" if stop_reason else status
        document = rec.document(outputs, outcome, error, answer_facts)
        return prepare_bytes(
            self.objects,
            document,
            Acquisition(
                kind=ITEM_KIND_EXCHANGE,
                method=METHOD,
                source=self.profile.request_url,
                source_facts={
                    "campaign_id": self.campaign.id,
                    "prompt_index": task.prompt_index,
                    "try_number": task.try_number,
                    "outcome": outcome,
                    "round_trips": len(rec.trips),
                    "credential_fingerprint_sha256": self.credential.fingerprint,
                },
            ),
        )


@dataclass
class _Asked:
    """The generation request's outcome, before any output is fetched."""

    answer: GenerationAnswer | None
    error: str | None
    attempts: int
    submitted_at: str | None
    interrupted: bool
    stop_reason: str | None = None


def _status(
    answer: GenerationAnswer | None,
    error: str | None,
    stored: list[tuple[PreparedItem, OutputRecord]],
    refused: list[OutputRecord],
    interrupted: bool,
) -> tuple[str, str | None]:
    """(status, error) of a try: interrupted, failed (with why) or done."""
    if interrupted:
        return "interrupted", error or "interrupted"
    if answer is None:
        return "failed", error
    if stored:
        return "done", None
    if answer.images:
        reasons = "; ".join(sorted({str(r.reason) for r in refused}))
        return (
            "failed",
            f"none of the {len(answer.images)} image(s) in the answer could be stored: {reasons}",
        )
    return "failed", "the answer held no image"


def _slim(records: list[OutputRecord], answer: GenerationAnswer | None) -> None:
    """The base64 text is in the stored items now; do not hold megabytes per waiting try."""
    for record in records:
        record.b64_value = None
    if answer is not None:
        answer.images = [
            ImageRef(i.index, i.kind, "" if i.kind == "b64" else i.value, i.json_path)
            for i in answer.images
        ]
