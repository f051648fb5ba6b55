"""Matching responses and images to the open generations, and remembering what was seen.

Rules, strongest first: an image the generation's response named (``same-response``, or
``job-id`` when a later status response named it), an image whose URL or headers carry the
job id (``job-id``), and with neither, an output-sized image first seen after the prompt was
sent and before the next one (``time-window``, a candidate used only when nothing stronger
came). A URL named in an excluded field is never bound; one in a doubtful field is left for
the operator. :class:`OutputMatcher` keeps the images seen lately, so that a generation that
opens late (a stream read once it ended, a page-only submit promoted) still considers them,
and the URLs bound, ignored and left to the operator, so that :meth:`unbound_after_submit`
can say which images came after a prompt and went nowhere.
"""

from __future__ import annotations

from collections.abc import Callable

from app.capture.exchanges import Exchange, header_value
from app.capture.generation_lifecycle import OpenGeneration, OutputImage
from app.capture.response_reading import JOB_HEADERS, ResponseFacts, body_text, read_response
from app.core.media import image_size

MIN_OUTPUT_SIDE = 64
"""Images smaller than this on either side (icons, spinners) are never bound by time."""


def output_sized(body: bytes) -> bool:
    """An image at least :data:`MIN_OUTPUT_SIDE` on both sides (read from its header)."""
    size = image_size(body)
    return size is not None and min(size) >= MIN_OUTPUT_SIDE


class OutputMatcher:
    """Binds images and status responses to open generations; remembers the images seen.

    Not thread-safe by itself: the binder calls it under its lock. The open generations are
    passed in each call (the binder owns them).
    """

    def __init__(self, window: float, clock: Callable[[], float]) -> None:
        self._window = window
        self._clock = clock
        self.recent: list[Exchange] = []
        """Images seen lately, bound or not (the last 200, within the window and 30 s)."""
        self.seen_urls: set[str] = set()
        self.bound_urls: set[str] = set()
        self.ignored_urls: dict[str, str] = {}
        """URL -> the excluded field that named it."""
        self.candidate_urls: set[str] = set()
        """URLs named in doubtful fields: the operator decides."""
        self.first_submit: float | None = None
        self.after_submit: dict[str, Exchange] = {}
        """Output-sized images first seen after a prompt was submitted, by URL."""

    # -- what was seen ----------------------------------------------------------------------

    def note_submit(self, at: float) -> None:
        """A prompt was submitted at ``at`` (images after the first one are accounted for)."""
        if self.first_submit is None or at < self.first_submit:
            self.first_submit = at

    def remember(self, ex: Exchange) -> None:
        """Keep an image exchange among the recent ones (and among those after a submit)."""
        now = self._clock()
        self.recent = [
            r for r in self.recent if (r.started_wall or now) >= now - self._window - 30
        ][-200:]
        self.recent.append(ex)
        if (
            self.first_submit is not None
            and (ex.started_wall or now) >= self.first_submit
            and output_sized(ex.body or b"")
        ):
            self.after_submit.setdefault(ex.url, ex)

    def unbound_after_submit(self) -> list[str]:
        """URLs of output-sized images that came after a submit and were bound to nothing,
        not ignored and not left to the operator; the account starts afresh."""
        unbound = [
            url
            for url in self.after_submit
            if url not in self.bound_urls
            and url not in self.ignored_urls
            and url not in self.candidate_urls
        ]
        self.after_submit.clear()
        return unbound

    def ignore(self, gen: OpenGeneration, resp: ResponseFacts) -> None:
        """The URLs a response named in excluded fields: never bound, noted on ``gen``."""
        for url, where in resp.ignored.items():
            self.ignored_urls.setdefault(url, where)
            gen.facts.setdefault("ignored_urls", {})[url] = f"named in field {where}"

    # -- images that came before the generation opened ---------------------------------------

    def take_recent(self, gen: OpenGeneration) -> None:
        """Bind images that arrived before the generation opened and that it names."""
        for ex in list(self.recent):
            if ex.url in gen.expected_urls and ex.url not in {o.url for o in gen.outputs}:
                rule = gen.expected_rule.get(ex.url, "same-response")
                gen.expected_urls.remove(ex.url)
                gen.outputs.append(
                    OutputImage(ex.body or b"", ex.url, rule, ex.finished_wall, ex.facts())
                )
                self.bound_urls.add(ex.url)

    def window_from_recent(self, gen: OpenGeneration, until: float = float("inf")) -> None:
        """Images seen after the submit, before the generation opened: time candidates."""
        taken = {c.url for c in gen.window_candidates} | {o.url for o in gen.outputs}
        for ex in self.recent:
            started = ex.started_wall or 0.0
            if ex.url in taken or ex.url in self.bound_urls or ex.url in self.ignored_urls:
                continue
            if not (gen.submitted <= started <= min(gen.submitted + self._window, until)):
                continue
            if not output_sized(ex.body or b""):
                continue
            gen.window_candidates.append(
                OutputImage(ex.body or b"", ex.url, "time-window", ex.finished_wall, ex.facts())
            )
            taken.add(ex.url)

    # -- later exchanges ---------------------------------------------------------------------

    def output_failed(self, open_gens: list[OpenGeneration], ex: Exchange) -> None:
        """A named output that failed (no body) still counts as arrived: noted missing."""
        for gen in open_gens:
            if ex.url in gen.expected_urls:
                gen.facts.setdefault("missing_outputs", []).append(
                    {"url": ex.url, "reason": ex.failure or ex.body_note or "no body"}
                )
                gen.expected_urls.remove(ex.url)
                gen.last_activity = self._clock()

    def follow_up(self, open_gens: list[OpenGeneration], ex: Exchange) -> None:
        """A polling or status response that names a job's image URLs."""
        if ex.is_image or ex.body is None:
            return
        resp = read_response(ex)
        if not resp.urls and not resp.inline and not resp.ignored:
            return
        for gen in open_gens:
            if gen.job_id and (
                resp.job_id == gen.job_id or gen.job_id in ex.url or gen.job_id in body_text(ex)
            ):
                self._follow_job(gen, ex, resp)

    def _follow_job(self, gen: OpenGeneration, ex: Exchange, resp: ResponseFacts) -> None:
        """What a status response of ``gen``'s job names: outputs expected (``job-id``),
        doubtful URLs as candidates, inline images bound at once."""
        self.ignore(gen, resp)
        for url in resp.urls:
            if resp.fields.get(url) != "output":
                # Neither an output field nor an excluded one: the operator decides.
                if url not in self.candidate_urls:
                    self.candidate_urls.add(url)
                    gen.candidates.append({"url": url, "from": ex.url, "reason": "doubtful field"})
                continue
            if url not in gen.expected_urls and url not in {o.url for o in gen.outputs}:
                gen.expected_urls.append(url)
                gen.expected_rule[url] = "job-id"
                if url not in gen.named_urls:
                    gen.named_urls.append(url)
        self.take_recent(gen)
        for image in resp.inline:
            gen.outputs.append(
                OutputImage(
                    image.data,
                    f"{ex.url}#{image.path}",
                    "job-id",
                    ex.finished_wall,
                    {**ex.facts(), "inline_path": image.path},
                )
            )
        gen.last_activity = self._clock()
        gen.facts.setdefault("status_requests", []).append(ex.url)

    def bind_image(self, open_gens: list[OpenGeneration], ex: Exchange) -> None:
        """Bind an image to the latest open generation that will have it, strongest rule
        first: named by its response, carrying its job id, then by time (first sight only)."""
        url = ex.url
        first_time = url not in self.seen_urls
        self.seen_urls.add(url)
        body = ex.body or b""
        for gen in reversed(open_gens):
            if url in gen.expected_urls:
                gen.expected_urls.remove(url)
                rule = gen.expected_rule.get(url, "same-response")
                self._bind(gen, OutputImage(body, url, rule, ex.finished_wall, ex.facts()))
                return
        if url in self.ignored_urls or url in self.candidate_urls:
            return
        headers = ex.all_response_headers()
        for gen in reversed(open_gens):
            if gen.job_id and (
                gen.job_id in url
                or any(header_value(headers, h) == gen.job_id for h in JOB_HEADERS)
            ):
                self._bind(gen, OutputImage(body, url, "job-id", ex.finished_wall, ex.facts()))
                return
        if not first_time or not output_sized(body):
            return
        for gen in reversed(open_gens):
            if gen.closed_for_window:
                continue
            started = ex.started_wall or self._clock()
            if gen.submitted <= started <= gen.submitted + self._window:
                gen.window_candidates.append(
                    OutputImage(body, url, "time-window", ex.finished_wall, ex.facts())
                )
                gen.last_activity = self._clock()
                return

    def _bind(self, gen: OpenGeneration, output: OutputImage) -> None:
        gen.outputs.append(output)
        self.bound_urls.add(output.url)
        gen.last_activity = self._clock()
