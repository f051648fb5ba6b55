"""Generation events: which prompt, sent where and when, produced which images.

Two sources tell us a prompt was submitted:

* the page: a small script (:data:`PAGE_SCRIPT`) reports the values of the text fields when
  a form is submitted, a button is clicked or Enter is pressed in a field ("as typed");
* the network: a request body with prompt-like fields -- JSON keys such as ``prompt`` or
  ``text``, Gradio's ``{"data": [...]}`` array, chat ``messages``, form fields or a query
  parameter ("as sent").

Images are bound to a generation, strongest rule first:

``same-response``  the generation's own response carries the image (base64) or names its URL;
``job-id``         the image's URL or headers carry the job id the response gave;
``time-window``    with neither, images first seen after the prompt was sent and before the
                   next prompt (within :data:`WINDOW_SECONDS`), that are not page furniture.

The operator can confirm or correct a binding later (:mod:`app.capture.store`); the binding
recorded here is never rewritten. Everything here is pure logic over
:class:`~app.capture.exchanges.Exchange` records, so it is tested without a browser.

This module holds :class:`GenerationBinder`, which decides when a generation opens and
closes; its parts live beside it and are re-exported here: the page script and its checks
(:mod:`app.capture.page_script`), prompt detection (:mod:`app.capture.prompt_finding`),
what a response says (:mod:`app.capture.response_reading`), the records a generation is
opened and closed into (:mod:`app.capture.generation_lifecycle`) and the binding rules
(:mod:`app.capture.output_matching`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from urllib.parse import urljoin

from app.capture.exchanges import Exchange, iso_utc
from app.capture.generation_lifecycle import GenerationEvent as GenerationEvent
from app.capture.generation_lifecycle import (
    OpenGeneration,
    add_as_typed,
    close_generation,
    is_done,
    open_from_report,
    open_from_request,
    response_outputs,
    sha256_hex,
    short,
)
from app.capture.generation_lifecycle import OutputImage as OutputImage
from app.capture.output_matching import MIN_OUTPUT_SIDE as MIN_OUTPUT_SIDE
from app.capture.output_matching import OutputMatcher
from app.capture.page_script import PAGE_BINDING as PAGE_BINDING
from app.capture.page_script import PAGE_SCRIPT as PAGE_SCRIPT
from app.capture.page_script import PageReport as PageReport
from app.capture.page_script import page_box as page_box
from app.capture.page_script import parse_page_report
from app.capture.prompt_finding import PromptFinding as PromptFinding
from app.capture.prompt_finding import find_prompt as find_prompt
from app.capture.prompt_finding import prompt_in_frame
from app.capture.response_reading import ResponseFacts as ResponseFacts
from app.capture.response_reading import binary_strings as binary_strings
from app.capture.response_reading import field_class as field_class
from app.capture.response_reading import image_urls_in_binary, stream_snapshot
from app.capture.response_reading import read_response as read_response
from app.core.media import image_media_type as image_media_type
from app.core.media import image_size as image_size

WINDOW_SECONDS = 60.0
"""How long after a prompt images may still be bound to it by time alone."""
IDLE_SECONDS = 8.0
"""A generation whose named outputs have all arrived, or that has seen nothing for this long
after its last output, is complete."""
REPORT_MATCH_SECONDS = 5.0
PAGE_ONLY_AFTER = 15.0
"""A page submit that no request carried becomes a generation of its own after this long."""


class GenerationBinder:
    """Turns completed exchanges and page reports into :class:`GenerationEvent` objects.

    Thread-safe: the recorder feeds exchanges from its worker, the page reports arrive on
    the DevTools dispatcher, and :meth:`tick` / :meth:`flush` come from the session.
    """

    def __init__(
        self,
        emit: Callable[[GenerationEvent], None],
        *,
        window: float = WINDOW_SECONDS,
        idle: float = IDLE_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._emit = emit
        self._window = window
        self._idle = idle
        self._clock = clock
        self._open: list[OpenGeneration] = []
        self._reports: list[PageReport] = []
        """Page reports with a prompt field not yet matched to a request."""
        self._images = OutputMatcher(window, clock)
        self._streams: dict[str, Exchange] = {}
        """Snapshots of streams still open, by request id (the last 20)."""
        self.problems: list[str] = []
        """What was not seen: prompts with no generation, images bound to nothing."""
        self._lock = threading.RLock()
        self.reports: list[PageReport] = []

    # -- inputs -----------------------------------------------------------------------------

    def on_page_report(self, payload: str) -> PageReport | None:
        report = parse_page_report(payload, self._clock())
        if report is None:
            return None
        with self._lock:
            self.reports.append(report)
            typed = report.prompt_field()
            if typed is not None:
                self._reports.append(report)
                if typed.get("value", "").strip():
                    self._images.note_submit(report.at)
        return report

    def on_exchange(self, ex: Exchange) -> None:
        with self._lock:
            self._on_exchange(ex)

    def _on_exchange(self, ex: Exchange) -> None:
        self._streams.pop(ex.request_id, None)
        if ex.body is None and ex.stream_data:
            # A stream cut off (the page aborted it once done, or recording stopped): what
            # it said before still counts.
            snapshot = stream_snapshot(ex)
            if snapshot is not None:
                self._images.follow_up(self._open, snapshot)
        finding = None
        if ex.method.upper() in ("POST", "PUT", "PATCH") or "prompt=" in ex.url:
            finding = find_prompt(ex.method, ex.url, ex.request_content_type, ex.post_data)
        if finding is not None:
            self._start(ex, finding)
        elif ex.body is None:
            # A named output that failed still counts as arrived, so the generation closes.
            self._images.output_failed(self._open, ex)
        else:
            self._images.follow_up(self._open, ex)
            if (
                ex.is_image
                and ex.url.startswith(("http://", "https://"))
                and image_media_type(ex.body) is not None
            ):
                # blob: and data: URLs are copies of bytes already seen (or inline in a
                # response): never bound from, since they carry no server, IP or TLS.
                self._images.remember(ex)
                self._images.bind_image(self._open, ex)
        self._maybe_finish()

    def on_stream(self, ex: Exchange) -> None:
        """An event stream still open: what it has said so far (outputs it names early)."""
        snapshot = stream_snapshot(ex)
        if snapshot is None:
            return
        with self._lock:
            # Kept, so that a generation whose request is read later (the recorder reads
            # bodies in a quiet moment) still finds what the stream already said.
            self._streams[ex.request_id] = snapshot
            while len(self._streams) > 20:
                self._streams.pop(next(iter(self._streams)))
            if not any(gen.request_id == ex.request_id for gen in self._open):
                self._images.follow_up(self._open, snapshot)
            self._maybe_finish()

    def on_ws_frame(
        self, socket_id: str, url: str, direction: str, payload: str | bytes, at: float
    ) -> None:
        """A WebSocket frame: a prompt when sent, image URLs named when received."""
        with self._lock:
            if direction == "sent":
                self._ws_sent(socket_id, url, payload, at)
            else:
                self._ws_received(socket_id, url, payload, at)
            self._maybe_finish()

    # -- WebSocket frames -------------------------------------------------------------------

    def _ws_sent(self, socket_id: str, url: str, payload: str | bytes, at: float) -> None:
        reports = reversed(self._reports + [r for r in self.reports[-20:]])
        finding = prompt_in_frame(payload, reports, at)
        if finding is None:
            return
        for gen in reversed(self._open):
            if gen.socket == socket_id and gen.prompt == finding.prompt and not gen.outputs:
                # The same prompt again on the same socket (a rerun, a state sync): one submit.
                gen.facts["frames_carrying_prompt"] = gen.facts.get("frames_carrying_prompt", 1) + 1
                return
        raw = payload.encode("utf-8") if isinstance(payload, str) else payload
        ex = Exchange(request_id=f"{socket_id}@{at}", url=url, method="WEBSOCKET")
        ex.started_wall = at
        ex.post_data = raw
        ex.status = 101
        self._start(ex, finding)
        gen = self._open[-1]
        gen.socket = socket_id
        gen.facts["request"]["frame_sha256"] = sha256_hex(raw)
        self._images.window_from_recent(gen)

    def _ws_received(self, socket_id: str, url: str, payload: str | bytes, at: float) -> None:
        gen = next((g for g in reversed(self._open) if g.socket == socket_id), None)
        if gen is None:
            return
        # URLs in frames are relative to the socket's origin as http(s).
        base = url.replace("ws://", "http://", 1).replace("wss://", "https://", 1)
        if isinstance(payload, str):
            named = self._ws_text_reply(gen, socket_id, url, base, payload, at)
        else:
            named = image_urls_in_binary(payload)
        for value in named:
            absolute = urljoin(base, value)
            if absolute not in gen.expected_urls and absolute not in {o.url for o in gen.outputs}:
                gen.expected_urls.append(absolute)
                gen.named_urls.append(absolute)
        if named:
            gen.returned = gen.returned or at
            gen.last_activity = self._clock()
            gen.facts.setdefault("reply_frames", 0)
            gen.facts["reply_frames"] += 1
            self._images.take_recent(gen)

    def _ws_text_reply(
        self, gen: OpenGeneration, socket_id: str, url: str, base: str, payload: str, at: float
    ) -> list[str]:
        """A text reply frame read as a JSON response: its inline images are bound at once
        (``same-response``); the image URLs it names are returned."""
        fake = Exchange(request_id=f"{socket_id}@{at}", url=base, method="WEBSOCKET")
        fake.body = payload.encode("utf-8")
        fake.response_headers = {"Content-Type": "application/json"}
        resp = read_response(fake)
        self._images.ignore(gen, resp)
        for image in resp.inline:
            gen.outputs.append(
                OutputImage(
                    image.data,
                    f"{url}#frame@{at}{image.path}",
                    "same-response",
                    at,
                    {"websocket": url, "inline_path": image.path, "frame_at": iso_utc(at)},
                )
            )
        return resp.urls

    # -- the generation request -------------------------------------------------------------

    def _start(self, ex: Exchange, finding: PromptFinding) -> None:
        """Open a generation for the request ``ex`` that carried ``finding``: the prompt as
        typed joined to it, the outputs its response carries or names bound, the images
        that came before it and streams that named its job considered."""
        now = self._clock()
        # A new prompt ends the time window of the ones before it.
        for gen in self._open:
            gen.closed_for_window = True
        resp = read_response(ex)
        gen = open_from_request(ex, finding, resp, now)
        # A prompt seen first by the page script only is now known from the network too.
        for other in list(self._open):
            if other.page_only and other.prompt == finding.prompt:
                self._open.remove(other)
                gen.window_candidates.extend(other.window_candidates)
        report = self._match_report(finding.prompt, gen.submitted)
        if report is not None:
            add_as_typed(gen, report, ex)
        self._images.note_submit(gen.submitted)
        gen.outputs.extend(response_outputs(ex, resp))
        if resp.self_image is not None:
            self._images.bound_urls.add(ex.url)
        self._images.ignore(gen, resp)
        gen.expected_urls = [u for u in resp.urls if u not in {o.url for o in gen.outputs}]
        gen.named_urls = list(resp.urls)
        # Images that arrived before this response was read (fast servers, images loaded
        # while a stream was still open) are matched now.
        self._images.take_recent(gen)
        self._open.append(gen)
        if gen.job_id:
            for snapshot in list(self._streams.values()):
                if snapshot.request_id != ex.request_id:
                    self._images.follow_up(self._open, snapshot)

    def _match_report(self, prompt: str, at: float) -> PageReport | None:
        """The latest page report near ``at`` whose prompt field holds (or is held in) the
        prompt; taken from the unmatched ones."""
        best = None
        for report in reversed(self._reports):
            if abs(report.at - at) > REPORT_MATCH_SECONDS:
                continue
            field_ = report.prompt_field()
            if field_ is None:
                continue
            value = field_.get("value", "")
            if value == prompt or (value and (value in prompt or prompt in value)):
                best = report
                break
        if best is not None:
            self._reports.remove(best)
        return best

    # -- finishing --------------------------------------------------------------------------

    def _maybe_finish(self) -> None:
        now = self._clock()
        done = [g for g in self._open if is_done(g, now, self._window, self._idle)]
        for gen in done:
            self._finish(gen)

    def tick(self) -> None:
        """Finish generations whose window has passed (called periodically)."""
        with self._lock:
            self._promote_reports(self._clock() - PAGE_ONLY_AFTER)
            self._maybe_finish()

    def _promote_reports(self, older_than: float) -> None:
        """A prompt submitted on the page that no request carried (a WebSocket site, say)
        becomes a generation of its own, bound by time; it is kept only if images follow."""
        for report in [r for r in self._reports if r.at <= older_than]:
            self._reports.remove(report)
            gen = open_from_report(report, self._clock())
            if gen is None:
                continue
            for other in self._open:
                other.closed_for_window = True
            later = [
                r.at
                for r in self.reports
                if r.at > report.at and (r.prompt_field() or {}).get("value", "").strip()
            ]
            self._images.window_from_recent(gen, min(later, default=float("inf")))
            self._open.append(gen)

    def flush(self, reason: str = "") -> None:
        """Finish every open generation with what it has (capture now, end of recording)."""
        with self._lock:
            self._promote_reports(float("inf"))
            for gen in list(self._open):
                if reason and (gen.expected_urls or not gen.outputs):
                    gen.facts["finished_early"] = reason
                self._finish(gen)
            unbound = self._images.unbound_after_submit()
            if unbound:
                self.problems.append(
                    f"{len(unbound)} image(s) arrived after a prompt was submitted but were"
                    " bound to no generation: " + ", ".join(unbound[:10])
                )

    def pending(self) -> int:
        with self._lock:
            return len(self._open)

    def _finish(self, gen: OpenGeneration) -> None:
        if gen in self._open:
            self._open.remove(gen)
        event = close_generation(gen)
        if event is None:
            # A click with text in a field, and nothing came of it: not a generation, but
            # a prompt may have gone where the recorder could not see it.
            self.problems.append(
                f"A prompt was submitted on the page ({short(gen.prompt)}) but no request"
                " carried it and no image followed: no generation was recorded for it."
            )
            return
        self._images.bound_urls.update(o.url for o in event.outputs)
        self._emit(event)
