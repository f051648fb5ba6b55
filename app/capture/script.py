"""A scripted capture: load, type, click, wait, settle, "Capture now" -- recorded throughout.

This is the headless command's logic, GUI-free: it drives the tab through DevTools the way
a person would -- focus the field and insert the text as keyboard input (so page
frameworks see real input events), click with real mouse events at the element's centre --
and records the whole run. The Qt host that provides the tab lives in
``app.gui.browser.headless``; this module never imports Qt.

Every step has a clear outcome. A page that never finishes loading, a selector that never
appears or a network that never settles is a *problem* named in the result; the capture is
still taken and the session still stored, so nothing recorded is lost.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from app.capture.cdp import CdpClient, CdpError
from app.capture.generations import page_box
from app.capture.session import CaptureSession, PageCaptureOutcome, SessionOutcome


@dataclass(frozen=True)
class Step:
    """``fill`` (selector, text), ``click`` (selector) or ``wait`` (selector to appear)."""

    kind: str
    selector: str
    text: str = ""


@dataclass
class ScriptResult:
    url: str
    loaded: bool = False
    steps: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    page: PageCaptureOutcome | None = None
    session: SessionOutcome | None = None
    popups: list[dict[str, Any]] = field(default_factory=list)
    downloads: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    incomplete: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.page is not None and self.session is not None and not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "loaded": self.loaded,
            "ok": self.ok,
            "steps": self.steps,
            "problems": self.problems,
            "page_capture": self.page.as_dict() if self.page else None,
            "session": self.session.as_dict() if self.session else None,
            "popups": self.popups,
            "downloads": self.downloads,
            "incomplete_exchanges": self.incomplete,
            "notes": self.notes,
            "seconds": round(self.seconds, 3),
        }


def _js_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


class ScriptDriver:
    """Runs the steps on one tab; every call blocks (use a non-Qt thread)."""

    def __init__(self, client: CdpClient, session: CaptureSession) -> None:
        self.client = client
        self.session = session
        self.last_click_box: dict[str, int] | None = None
        """The box of the element the last :meth:`click` clicked, in document CSS px
        (``getBoundingClientRect`` plus the scroll offsets); None when it had no size."""

    def evaluate(self, expression: str, *, timeout: float = 15.0) -> Any:
        got = self.client.call(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            timeout=timeout,
        )
        if got.get("exceptionDetails"):
            text = got["exceptionDetails"].get("exception", {}).get("description") or got[
                "exceptionDetails"
            ].get("text", "script error")
            raise CdpError(f"page script failed: {text}")
        return got.get("result", {}).get("value")

    def navigate(self, url: str, timeout: float) -> tuple[bool, str | None]:
        """Load ``url``; (finished loading in time, error text)."""
        before = (self.session.load_events, self.session.stopped_loading)
        got = self.client.call("Page.navigate", {"url": url}, timeout=timeout)
        if got.get("errorText"):
            return False, f"the page could not be loaded: {got['errorText']}"
        if got.get("isDownload"):
            return True, None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.session.load_events > before[0]:
                return True, None
            if self.session.stopped_loading > before[1]:
                return True, "the page stopped loading before it was complete"
            time.sleep(0.05)
        return False, f"the page did not finish loading within {timeout:g} s"

    def wait_for_selector(self, selector: str, timeout: float) -> bool:
        expression = f"document.querySelector({_js_string(selector)}) !== null"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.evaluate(expression, timeout=5):
                    return True
            except CdpError:
                pass  # the document is being replaced; try again
            time.sleep(0.1)
        return False

    def fill(self, selector: str, text: str) -> None:
        """Focus the element, select what it holds, and type the text as keyboard input."""
        ok = self.evaluate(
            f"(function(){{var el=document.querySelector({_js_string(selector)}); if(!el){{return false;}}"
            " el.scrollIntoView({block:'center'}); el.focus();"
            " if (el.select) { el.select(); }"
            " else if (el.isContentEditable) { document.execCommand('selectAll'); }"
            " return document.activeElement === el;})()"
        )
        if not ok:
            raise CdpError(f"the element {selector} could not be focused")
        self.client.call("Input.insertText", {"text": text})

    def click(self, selector: str) -> str:
        """Click with mouse events at the element's centre (trusted events, like a person)."""
        self.last_click_box = None
        box = self.evaluate(
            f"(function(){{var el=document.querySelector({_js_string(selector)}); if(!el){{return null;}}"
            " el.scrollIntoView({block:'center'}); var r=el.getBoundingClientRect();"
            " return {x:r.left+r.width/2, y:r.top+r.height/2, w:r.width, h:r.height,"
            " doc:{x:Math.round(r.left+window.scrollX), y:Math.round(r.top+window.scrollY),"
            " width:Math.round(r.width), height:Math.round(r.height)}};})()"
        )
        if box is None:
            raise CdpError(f"no element matches {selector}")
        self.last_click_box = page_box(box.get("doc"))
        if box["w"] <= 0 or box["h"] <= 0:
            self.evaluate(f"document.querySelector({_js_string(selector)}).click(); true")
            return "script click (the element has no size on screen)"
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            params: dict[str, Any] = {"type": kind, "x": box["x"], "y": box["y"]}
            if kind != "mouseMoved":
                params.update(button="left", clickCount=1)
            self.client.call("Input.dispatchMouseEvent", params)
        return "mouse click"


def run_step(driver: ScriptDriver, step: Step, timeout: float) -> tuple[dict[str, Any], str | None]:
    """Do one step; its record (for ``--json``: what was done, the outcome, a click's
    ``box``) and the problem it met, if any."""
    outcome: dict[str, Any] = {"step": step.kind, "selector": step.selector}
    if step.kind == "fill":
        outcome["text"] = step.text
    if step.kind == "wait":
        found = driver.wait_for_selector(step.selector, timeout)
        outcome["outcome"] = "appeared" if found else "not found"
        return outcome, None if found else f"{step.selector} did not appear within {timeout:g} s."
    if not driver.wait_for_selector(step.selector, timeout):
        outcome["outcome"] = "not found"
        return (
            outcome,
            f"No element matched {step.selector} within {timeout:g} s; the {step.kind} was not done.",
        )
    try:
        if step.kind == "fill":
            driver.fill(step.selector, step.text)
            outcome["outcome"] = "typed"
        else:
            outcome["outcome"] = driver.click(step.selector)
            if driver.last_click_box is not None:
                outcome["box"] = driver.last_click_box
    except CdpError as exc:
        outcome["outcome"] = f"failed: {exc}"
        return outcome, f"The {step.kind} on {step.selector} failed: {exc}."
    return outcome, None


def run_script(
    client: CdpClient,
    session: CaptureSession,
    url: str,
    steps: list[Step],
    *,
    wait_for: str | None = None,
    settle: float = 1.0,
    timeout: float = 30.0,
) -> ScriptResult:
    """Record, load, do the steps, wait, settle, capture, stop. Never raises for a bad page."""
    t0 = time.monotonic()
    result = ScriptResult(url=url)
    driver = ScriptDriver(client, session)
    session.start_recording(url)
    try:
        try:
            loaded, error = driver.navigate(url, timeout)
        except CdpError as exc:
            loaded, error = False, str(exc)
        result.loaded = loaded
        if error and loaded:
            result.notes.append(error[0].upper() + error[1:] + ".")
        elif error:
            result.problems.append(error[0].upper() + error[1:] + ".")
        for step in steps:
            outcome, problem = run_step(driver, step, timeout)
            result.steps.append(outcome)
            if problem:
                result.problems.append(problem)
        if wait_for and not driver.wait_for_selector(wait_for, timeout):
            result.problems.append(f"{wait_for} did not appear within {timeout:g} s.")
        deadline = time.monotonic() + timeout
        while session.downloads_pending() and time.monotonic() < deadline:
            time.sleep(0.05)
        if session.downloads_pending():
            result.problems.append(f"A download did not finish within {timeout:g} s.")
        if not session.wait_network_settled(settle, timeout):
            result.problems.append(
                f"The network did not settle within {timeout:g} s (a request was still open);"
                " it was captured as it stood."
            )
        try:
            result.page = session.capture_now(requested_url=url)
            result.problems += result.page.problems
        except CdpError as exc:
            result.problems.append(f"Capture now failed: {exc}.")
    finally:
        result.session = session.stop_recording()
        result.problems += [p for p in result.session.problems if p not in result.problems]
        result.popups = list(result.session.facts.get("popups", []))
        result.downloads = list(result.session.facts.get("downloads", []))
        result.incomplete = list(result.session.facts.get("incomplete_exchanges", []))
        for ex in result.incomplete:
            if ex["url"] == url or ex["url"].rstrip("/") == url.rstrip("/"):
                result.problems.append(
                    f"The page's own response was incomplete: {ex.get('failure') or ex.get('note') or ex.get('truncated')}."
                )
        result.seconds = time.monotonic() - t0
    return result
