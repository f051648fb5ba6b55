"""The page's side of generation binding: the script injected into every page, and the
checks on what it reports.

:data:`PAGE_SCRIPT` reports the values of the text fields (and their boxes) when a form is
submitted, a button is clicked or Enter is pressed in a field, through the DevTools binding
:data:`PAGE_BINDING`. A page may send anything through that binding, so nothing it says is
trusted as it comes: :func:`parse_page_report` keeps only a JSON object's known keys as
clean text and :func:`page_box` keeps only well-formed boxes. The binder
(:mod:`app.capture.generations`) matches a :class:`PageReport` to the request that carried
the same prompt ("as typed" beside "as sent").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from app.capture.exchanges import clean_text

PAGE_BINDING = "__proofshotReport"
PAGE_SCRIPT = r"""
(function () {
  if (window.__proofshotInstalled) { return; }
  window.__proofshotInstalled = true;
  var boxOf = function (el) {
    if (!el || !el.getBoundingClientRect) { return null; }
    var r = el.getBoundingClientRect();
    if (!(r.width > 0 && r.height > 0)) { return null; }
    return {x: Math.round(r.left + window.scrollX), y: Math.round(r.top + window.scrollY),
            width: Math.round(r.width), height: Math.round(r.height)};
  };
  var send = function (kind, target, submitter) {
    try {
      var fields = [];
      var nodes = document.querySelectorAll(
        'textarea, input:not([type]), input[type=text], input[type=search], [contenteditable=""], [contenteditable=true]');
      for (var i = 0; i < nodes.length && fields.length < 40; i++) {
        var el = nodes[i];
        var value = el.isContentEditable ? el.innerText : el.value;
        if (!value) { continue; }
        var label = '';
        if (el.labels && el.labels.length) { label = el.labels[0].innerText; }
        var f = {tag: el.tagName.toLowerCase(), id: el.id || '', name: el.getAttribute('name') || '',
                 placeholder: el.getAttribute('placeholder') || '',
                 aria: el.getAttribute('aria-label') || '', label: label || '', value: value};
        var fb = boxOf(el);
        if (fb) { f.box = fb; }
        fields.push(f);
      }
      var desc = '';
      if (target && target.tagName) {
        desc = target.tagName.toLowerCase() + (target.id ? '#' + target.id : '') + ' ' +
               ((target.innerText || target.value || '') + '').slice(0, 80);
      }
      var binding = window.__proofshotReport;
      if (typeof binding === 'function') {
        var report = {kind: kind, target: desc, url: location.href,
                      at: Date.now() / 1000, fields: fields};
        var tb = boxOf(submitter);
        if (tb) { report.target_box = tb; }
        binding(JSON.stringify(report));
      }
    } catch (e) { /* reporting must never break the page */ }
  };
  document.addEventListener('submit', function (e) { send('submit', e.target, e.submitter); }, true);
  document.addEventListener('click', function (e) {
    var t = e.target && e.target.closest ? e.target.closest(
      'button, input[type=submit], input[type=button], [role=button]') : null;
    if (t) { send('click', t, t); }
  }, true);
  document.addEventListener('keydown', function (e) {
    var t = e.target;
    if (e.key === 'Enter' && t && (t.tagName === 'TEXTAREA' || t.tagName === 'INPUT') &&
        (t.tagName === 'INPUT' || e.ctrlKey || e.metaKey || !e.shiftKey)) { send('enter', t); }
  }, true);
})();
"""


@dataclass
class PageReport:
    """What the page script reported at a submit: the text fields and their values."""

    kind: str
    target: str
    url: str
    at: float
    fields: list[dict[str, Any]]
    """Each field's attributes and value (text); ``box`` (document CSS px) when laid out."""
    target_box: dict[str, int] | None = None
    """The submitter's box (the clicked button, a form's submitter) when known."""

    def prompt_field(self) -> dict[str, Any] | None:
        """The field most likely to hold the prompt (named so, or the first text area)."""
        for f in self.fields:
            names = " ".join(f.get(k, "") for k in ("id", "name", "placeholder", "aria", "label"))
            if "prompt" in names.lower() and "neg" not in names.lower():
                return f
        for f in self.fields:
            if f.get("tag") == "textarea":
                return f
        return None

    def negative_field(self) -> dict[str, Any] | None:
        for f in self.fields:
            names = " ".join(f.get(k, "") for k in ("id", "name", "placeholder", "aria", "label"))
            if "neg" in names.lower():
                return f
        return None


def page_box(value: Any) -> dict[str, int] | None:
    """A box the page script reported (``{x, y, width, height}`` in document CSS px), checked:
    four finite numbers, a positive size; else None (a page may send anything)."""
    if not isinstance(value, dict):
        return None
    try:
        box = {k: round(float(value[k])) for k in ("x", "y", "width", "height")}
    except (KeyError, TypeError, ValueError, OverflowError):
        return None
    if box["width"] <= 0 or box["height"] <= 0:
        return None
    if any(abs(v) > 10_000_000 for v in box.values()):
        return None
    return box


def _report_field(raw: dict[str, Any]) -> dict[str, Any]:
    """One reported field: its attributes and value as clean text, its box checked."""
    out: dict[str, Any] = {str(k): clean_text(str(v)) for k, v in raw.items() if k != "box"}
    box = page_box(raw.get("box"))
    if box is not None:
        out["box"] = box
    return out


def parse_page_report(payload: str, now: float) -> PageReport | None:
    """The page script's JSON report as a :class:`PageReport` (``now`` when it names no
    time); None for anything that is not a JSON object."""
    try:
        data = json.loads(payload)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    fields = [_report_field(f) for f in data.get("fields", []) if isinstance(f, dict)]
    return PageReport(
        kind=str(data.get("kind", "")),
        target=clean_text(str(data.get("target", ""))),
        url=str(data.get("url", "")),
        at=float(data.get("at") or now),
        fields=fields,
        target_box=page_box(data.get("target_box")),
    )
