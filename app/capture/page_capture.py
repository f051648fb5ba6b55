"""Capture now: the page of one tab as it is at this moment, stored as one ``page`` capture.

Split out of :class:`~app.capture.session.CaptureSession` along its seam: recording is the
session's; this module takes the page as it is now -- the viewport and the full-page
screenshots, the DOM as rendered, an MHTML snapshot, and every image shown with its bytes as
served (from the recording's exchanges, a ``data:`` or ``blob:`` URL, or the browser's
resource cache) -- and stores them through the case's writer. It speaks to the tab only
through the DevTools protocol and imports no Qt; call it off the Qt main thread.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_to_bytes

from app.capture import store
from app.capture.cdp import CdpClient, CdpError, CdpTimeout
from app.capture.devtools_guard import intrusions
from app.capture.exchanges import Exchange
from app.capture.redaction import redact_string
from app.capture.writer import CaseWriter
from app.core.case import Case
from app.core.media import image_size

log = logging.getLogger(__name__)

MAX_SCREENSHOT_SIDE = 16384
MAX_SCREENSHOT_PIXELS = 60_000_000
MAX_PAGE_IMAGES = 500

_LIST_IMAGES_JS = r"""
(function () {
  var out = [], seen = {};
  var add = function (url, how, el) {
    if (!url || seen[url]) { return; }
    seen[url] = true;
    var r = el && el.getBoundingClientRect ? el.getBoundingClientRect() : null;
    var entry = {url: url, how: how, alt: (el && el.alt) || '',
              naturalWidth: (el && el.naturalWidth) || 0, naturalHeight: (el && el.naturalHeight) || 0,
              shownWidth: r ? Math.round(r.width) : 0, shownHeight: r ? Math.round(r.height) : 0};
    if (r && r.width > 0 && r.height > 0) {
      entry.box = {x: Math.round(r.left + window.scrollX), y: Math.round(r.top + window.scrollY),
                   width: Math.round(r.width), height: Math.round(r.height)};
    }
    out.push(entry);
  };
  if ((document.contentType || '').indexOf('image/') === 0) { add(location.href, 'image-document', document.images[0]); }
  for (var i = 0; i < document.images.length && out.length < %MAX%; i++) {
    var img = document.images[i];
    add(img.currentSrc || img.src, 'img', img);
  }
  var all = document.querySelectorAll('*');
  for (var j = 0; j < all.length && out.length < %MAX%; j++) {
    var bg = getComputedStyle(all[j]).backgroundImage;
    if (bg && bg !== 'none') {
      var m, re = /url\(["']?([^"')]+)["']?\)/g;
      while ((m = re.exec(bg)) !== null) { add(new URL(m[1], document.baseURI).href, 'css-background', all[j]); }
    }
  }
  return out;
})()
""".replace("%MAX%", str(MAX_PAGE_IMAGES))

_DOCUMENT_LAYOUT_JS = r"""
(function () {
  var d = document.documentElement, b = document.body || d;
  return {width: Math.max(d.scrollWidth, b.scrollWidth), height: Math.max(d.scrollHeight, b.scrollHeight),
          device_pixel_ratio: window.devicePixelRatio || 1};
})()
"""
"""The document's size in CSS px and its device pixel ratio, read as the full-page screenshot
is taken: screenshot px = CSS px x (screenshot width / document width). Element boxes
(``images[].box``, page-submit field boxes, a script click's box) are in the same document
coordinates (``getBoundingClientRect`` plus the scroll offsets)."""

_DOM_JS = (
    "(document.doctype ? new XMLSerializer().serializeToString(document.doctype) + '\\n' : '')"
    " + document.documentElement.outerHTML"
)

_BLOB_JS = """
fetch(%s).then(r => r.arrayBuffer()).then(b => {
  var s = '', a = new Uint8Array(b);
  for (var i = 0; i < a.length; i += 32768) { s += String.fromCharCode.apply(null, a.subarray(i, i + 32768)); }
  return btoa(s);
})
"""


@dataclass
class PageCaptureOutcome:
    capture_id: int
    items: dict[str, list[int]]
    sha256: dict[int, str]
    final_url: str
    title: str
    problems: list[str]
    images: list[dict[str, Any]]
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "capture_id": self.capture_id,
            "items": self.items,
            "sha256": {str(k): v for k, v in self.sha256.items()},
            "final_url": self.final_url,
            "title": self.title,
            "problems": self.problems,
            "images": self.images,
            "seconds": round(self.seconds, 3),
        }


class PageCapture:
    """ "Capture now" for one tab: what the page shows, stored as one ``page`` capture."""

    def __init__(
        self,
        client: CdpClient,
        writer: CaseWriter,
        *,
        recorded_image: Callable[[str], Exchange | None] = lambda url: None,
        fallback: Callable[[], tuple[str, str]] = lambda: ("", ""),
        request_repaint: Callable[[], None] | None = None,
    ) -> None:
        """``recorded_image(url)`` gives a recorded exchange of that (redacted) URL, if any;
        ``fallback()`` the tab's last known URL and main frame id."""
        self.client = client
        self.writer = writer
        self._recorded_image = recorded_image
        self._fallback = fallback
        self._request_repaint = request_repaint

    def capture(
        self,
        requested_url: str = "",
        *,
        session_id: str | None = None,
        generation_ids: Callable[[], list[int]] | None = None,
    ) -> PageCaptureOutcome:
        """Take and store the page now; inside a recording, name its session and the
        generations bound so far. Blocking."""
        t0 = time.monotonic()
        started = time.time()
        problems: list[str] = []
        first_url, first_frame = self._frame_state()
        title = self._evaluate("document.title", default="") or ""
        base_facts = {
            "page_url": first_url,
            "title": title,
            "session_id": session_id,
            "recording": session_id is not None,
        }
        # The MHTML snapshot is serialised by the renderer while the browser takes the
        # screenshots: in parallel, the capture takes the longer of the two, not their sum.
        mhtml = self._start_snapshot()
        layout = self._document_layout()
        parts, viewport, page_size = self._screenshots(first_url, base_facts, problems, layout)
        parts += self._dom_and_snapshot(first_url, base_facts, mhtml, problems)
        images, image_parts, image_problems = self._page_images(first_frame, base_facts)
        parts += image_parts
        problems += image_problems
        problems += intrusions(self.client)  # another DevTools client attached

        last_url, _ = self._frame_state()
        ended = time.time()
        capture_facts: dict[str, Any] = {
            **base_facts,
            "images": images,
            "viewport": viewport,
            "page_size": page_size,
            "problems": problems,
            **({"document_layout": layout} if layout is not None else {}),
        }
        if last_url != first_url:
            capture_facts["navigated_during_capture"] = {"from": first_url, "to": last_url}
            problems.append(
                f"The page navigated away during the capture (from {first_url} to {last_url}); "
                "the items taken before and after the change are kept and say which page they show."
            )
        if generation_ids is not None:
            capture_facts["generation_ids_so_far"] = sorted(generation_ids())

        # Hash and stage the bytes here, not on the writer: a large snapshot would hold up
        # every other edit of the case meanwhile.
        objects = self.writer.submit(lambda case: case.objects).result(timeout=600)
        staged = store.prepare_parts(objects, parts, method="browser-capture")

        def write(case: Case) -> store.StoredCapture:
            return store.store_capture(
                case,
                kind="page",
                requested_url=requested_url or first_url,
                final_url=last_url,
                title=title,
                started_at=started,
                ended_at=ended,
                facts=capture_facts,
                parts=parts,
                prepared=staged,
            )

        stored = self.writer.submit(write).result(timeout=600)
        return PageCaptureOutcome(
            stored.capture_id,
            stored.items,
            stored.sha256,
            last_url,
            title,
            problems,
            images,
            time.monotonic() - t0,
        )

    def _start_snapshot(self) -> Future[dict[str, Any]]:
        mhtml: Future[dict[str, Any]] = Future()

        def snapshot() -> None:
            try:
                mhtml.set_result(
                    self.client.call("Page.captureSnapshot", {"format": "mhtml"}, timeout=60)
                )
            except BaseException as exc:
                mhtml.set_exception(exc)

        threading.Thread(target=snapshot, name="mhtml-snapshot", daemon=True).start()
        return mhtml

    def _document_layout(self) -> dict[str, Any] | None:
        """``{width, height, device_pixel_ratio}`` of the document now, or None if unread."""
        got = self._evaluate(_DOCUMENT_LAYOUT_JS, default=None)
        if not isinstance(got, dict):
            return None
        try:
            return {
                "width": int(got["width"]),
                "height": int(got["height"]),
                "device_pixel_ratio": float(got["device_pixel_ratio"]),
            }
        except (KeyError, TypeError, ValueError):
            return None

    def _screenshots(
        self,
        first_url: str,
        base_facts: dict[str, Any],
        problems: list[str],
        layout: dict[str, Any] | None = None,
    ) -> tuple[list[store.Part], dict[str, Any], list[int]]:
        """The viewport and the full-page screenshots (clipped to what a PNG may hold)."""
        parts: list[store.Part] = []
        metrics = self.client.call("Page.getLayoutMetrics")
        viewport = metrics.get("cssLayoutViewport") or metrics.get("layoutViewport") or {}
        content = metrics.get("cssContentSize") or metrics.get("contentSize") or {}
        try:
            shot = self._screenshot({"format": "png", "optimizeForSpeed": True}, timeout=20)
            parts.append(
                store.Part(
                    "screenshot-viewport",
                    base64.b64decode(shot["data"]),
                    "screenshot",
                    first_url,
                    {**base_facts, "what": "viewport screenshot", "viewport": viewport},
                )
            )
        except (CdpError, KeyError) as exc:
            problems.append(f"The viewport screenshot failed: {exc}.")
        full_w = int(max(content.get("width", 0), viewport.get("clientWidth", 0)) or 1)
        full_h = int(max(content.get("height", 0), viewport.get("clientHeight", 0)) or 1)
        clip_w = min(full_w, MAX_SCREENSHOT_SIDE)
        clip_h = min(full_h, MAX_SCREENSHOT_SIDE, max(1, MAX_SCREENSHOT_PIXELS // clip_w))
        clipped = (clip_w, clip_h) != (full_w, full_h)
        try:
            shot = self._screenshot(
                {
                    "format": "png",
                    "captureBeyondViewport": True,
                    "optimizeForSpeed": True,
                    "clip": {"x": 0, "y": 0, "width": clip_w, "height": clip_h, "scale": 1},
                },
                timeout=40,
            )
            facts = {
                **base_facts,
                "what": "full-page screenshot (beyond the viewport)",
                "page_size": [full_w, full_h],
                "captured_size": [clip_w, clip_h],
            }
            if layout is not None:
                facts["document_layout"] = layout
            if clipped:
                facts["clipped"] = (
                    f"the page is {full_w}x{full_h} CSS pixels; the screenshot covers the top-left"
                    f" {clip_w}x{clip_h} (limit {MAX_SCREENSHOT_SIDE} px a side,"
                    f" {MAX_SCREENSHOT_PIXELS} pixels)"
                )
                problems.append(
                    "The page is larger than a screenshot can hold; the full-page screenshot is clipped."
                )
            parts.append(
                store.Part(
                    "screenshot-full",
                    base64.b64decode(shot["data"]),
                    "screenshot",
                    first_url,
                    facts,
                )
            )
        except (CdpError, KeyError) as exc:
            problems.append(f"The full-page screenshot failed: {exc}.")
        return parts, viewport, [full_w, full_h]

    def _dom_and_snapshot(
        self,
        first_url: str,
        base_facts: dict[str, Any],
        mhtml: Future[dict[str, Any]],
        problems: list[str],
    ) -> list[store.Part]:
        parts: list[store.Part] = []
        dom = self._evaluate(_DOM_JS, default=None)
        if isinstance(dom, str):
            parts.append(
                store.Part(
                    "dom-html",
                    dom.encode("utf-8"),
                    "page-html",
                    first_url,
                    {**base_facts, "what": "DOM as rendered (outerHTML), UTF-8"},
                )
            )
        else:
            problems.append("The page's DOM could not be read.")
        try:
            snap = mhtml.result(timeout=90)
            parts.append(
                store.Part(
                    "mhtml",
                    str(snap.get("data", "")).encode("utf-8"),
                    "page-mhtml",
                    first_url,
                    {**base_facts, "what": "MHTML snapshot of the page and its resources"},
                )
            )
        except (CdpError, FutureTimeout) as exc:
            problems.append(f"The MHTML snapshot failed: {exc}.")
        return parts

    def _screenshot(self, params: dict[str, Any], *, timeout: float) -> dict[str, Any]:
        """A screenshot; if the compositor produces no frame in time, ask for a repaint once."""
        try:
            return self.client.call("Page.captureScreenshot", params, timeout=timeout)
        except CdpTimeout:
            if self._request_repaint is None:
                raise
            log.warning("screenshot timed out; asking the view to repaint and trying again")
            self._request_repaint()
            return self.client.call("Page.captureScreenshot", params, timeout=timeout)

    def _frame_state(self) -> tuple[str, str]:
        try:
            tree = self.client.call("Page.getFrameTree", timeout=10).get("frameTree", {})
        except CdpError:
            return self._fallback()
        frame = tree.get("frame", {})
        url, frame_id = self._fallback()
        return str(frame.get("url", url)), str(frame.get("id", frame_id))

    def _evaluate(self, expression: str, *, default: Any, await_promise: bool = False) -> Any:
        try:
            got = self.client.call(
                "Runtime.evaluate",
                {"expression": expression, "returnByValue": True, "awaitPromise": await_promise},
                timeout=30,
            )
        except CdpError:
            return default
        if got.get("exceptionDetails"):
            return default
        return got.get("result", {}).get("value", default)

    def _page_images(
        self, frame_id: str, base_facts: dict[str, Any]
    ) -> tuple[list[dict[str, Any]], list[store.Part], list[str]]:
        listed = self._evaluate(_LIST_IMAGES_JS, default=[]) or []
        images: list[dict[str, Any]] = []
        parts: list[store.Part] = []
        problems: list[str] = []
        for entry in listed:
            url = str(entry.get("url", ""))
            shown = {
                k: entry.get(k)
                for k in (
                    "how",
                    "alt",
                    "naturalWidth",
                    "naturalHeight",
                    "shownWidth",
                    "shownHeight",
                )
            }
            if isinstance(entry.get("box"), dict):
                shown["box"] = entry["box"]  # document CSS px; absent when not laid out
            data, facts, how = self._image_bytes(url, frame_id)
            info: dict[str, Any] = {"url": url[:2000], **shown, "source": how}
            if data is None:
                info["problem"] = facts.get("problem")
                problems.append(
                    f"The bytes of an image on the page could not be had ({url[:200]}): {facts.get('problem')}."
                )
                images.append(info)
                continue
            size = image_size(data)
            info["bytes"] = len(data)
            if size:
                info["width"], info["height"] = size
            images.append(info)
            parts.append(
                store.Part(
                    "image",
                    data,
                    "web-capture",
                    url if not url.startswith("data:") else f"{base_facts['page_url']}#data-url",
                    {**base_facts, **facts, "shown_on_page": shown, "bytes_from": how},
                )
            )
        return images, parts, problems

    def _image_bytes(self, url: str, frame_id: str) -> tuple[bytes | None, dict[str, Any], str]:
        if url.startswith("data:"):
            header, _, payload = url.partition(",")
            try:
                data = (
                    base64.b64decode(payload)
                    if header.endswith(";base64")
                    else unquote_to_bytes(payload)
                )
            except (binascii.Error, ValueError) as exc:
                return None, {"problem": f"unreadable data: URL ({exc})"}, "data-url"
            return data, {"note": "the image is embedded in the page as a data: URL"}, "data-url"
        ex = self._recorded_image(redact_string(url))  # exchanges are kept redacted
        if ex is not None and ex.body is not None:
            return ex.body, ex.facts(), "network (recorded exchange)"
        if url.startswith("blob:"):
            b64 = self._evaluate(_BLOB_JS % json.dumps(url), default=None, await_promise=True)
            if not isinstance(b64, str):
                return None, {"problem": "the blob: URL could not be read back"}, "blob"
            return (
                base64.b64decode(b64),
                {"note": "read back from a blob: URL made by the page script; no network facts"},
                "blob",
            )
        try:
            got = self.client.call(
                "Page.getResourceContent", {"frameId": frame_id, "url": url}, timeout=20
            )
        except CdpError as exc:
            return None, {"problem": str(exc)}, "browser resource cache"
        content = got.get("content", "")
        data = (
            base64.b64decode(content) if got.get("base64Encoded") else str(content).encode("utf-8")
        )
        return (
            data,
            {
                "url": url,
                "note": (
                    "bytes from the browser's resource cache (recording was off, so the exchange's"
                    " network facts -- IP, TLS, headers -- were not recorded)"
                ),
            },
            "browser resource cache",
        )
