"""Benchmark: the capture browser against the demo AI site (QtWebEngine, offscreen).

1. "Capture now" on the demo page after one generation: from the call until every item
   (two screenshots, DOM, MHTML, every image as served) is stored in the case.
   Target: under 3 s.
2. Page load of the demo page with recording off, on, and on without the response-stage
   interception (the recorder as it was before #14: bodies from ``Network.getResponseBody``
   only -- the baseline), each the median of several loads in alternating blocks, printed
   side by side. Recording's one-off start (environment record, DNS, encoder) is left to
   finish before the "on" loads. Target: recording adds under 20 %.
3. The zoo's delivery patterns (tests/capture/zoo): for each, the time from the click on
   Generate until the generation is stored in the case, with its output count and binding.

    .venv/bin/python tests/bench/bench_capture.py [--loads N] [--captures N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from common import table

from app.capture import devtools

devtools.enable_devtools()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if hasattr(os, "geteuid") and os.geteuid() == 0:  # Chromium will not sandbox as root
    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")
os.environ.setdefault("PROOFSHOT_TSA_URLS", "")  # no public TSA from a benchmark
os.environ.setdefault("PROOFSHOT_CACHE_DIR", tempfile.mkdtemp(prefix="proofshot-bench-cache-"))

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.capture.cdp import connect_tab  # noqa: E402
from app.capture.script import ScriptDriver  # noqa: E402
from app.capture.session import CaptureSession  # noqa: E402
from app.capture.writer import ThreadCaseWriter  # noqa: E402
from app.core.case import Case  # noqa: E402
from app.demo.site import DemoSite  # noqa: E402
from app.gui.browser.pane import BrowserPane  # noqa: E402
from tests.capture.zoo.sites import Zoo  # noqa: E402

ZOO_PATTERNS = ("blob-canvas", "blob-img", "hf", "poll", "sse", "ws", "data-url", "avif")

CAPTURE_TARGET_S = 3.0
OVERHEAD_TARGET = 0.20
START_SETTLE_S = 2.0


def _load_times(driver: ScriptDriver, url: str, n: int) -> list[float]:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        loaded, error = driver.navigate(url, 30)
        if not loaded:
            raise RuntimeError(error)
        times.append(time.perf_counter() - t0)
    return times


def measure(
    client: Any, session: CaptureSession, site: DemoSite, loads: int, rounds: int, captures: int
) -> dict[str, Any]:
    """Loads alternate in blocks (off, on, off, on, ...) so a busy machine hits both alike."""
    driver = ScriptDriver(client, session)
    url = site.url + "/"
    _load_times(driver, url, 2)  # warm up: first paint, caches
    off: list[float] = []
    on: list[float] = []
    on_plain: list[float] = []
    for _ in range(rounds):
        off += _load_times(driver, url, loads)
        for intercept, bucket in ((True, on), (False, on_plain)):
            session.intercept = intercept
            session.start_recording(url)
            time.sleep(START_SETTLE_S)  # start-up (environment record, encoder) is not load
            bucket += _load_times(driver, url, loads)
            session.stop_recording()
    session.intercept = True
    session.start_recording(url)
    driver.fill("#prompt", "生成星光侠, 长发")
    driver.click("#generate")
    driver.wait_for_selector("#results img", 30)
    session.wait_network_settled(0.5, 30)
    capture_times = []
    items = 0
    for _ in range(captures):
        outcome = session.capture_now(requested_url=url)
        capture_times.append(outcome.seconds)
        items = sum(len(v) for v in outcome.items.values())
    t0 = time.perf_counter()
    stopped = session.stop_recording()
    stop_s = time.perf_counter() - t0
    return {
        "off": off,
        "on": on,
        "on_plain": on_plain,
        "capture": capture_times,
        "items": items,
        "stop": stop_s,
        "exchanges": stopped.exchanges,
    }


def measure_zoo(client: Any, session: CaptureSession, stored: dict[str, Any]) -> list[tuple]:
    """Click -> generation stored, per delivery pattern (one prompt each, fresh session)."""
    driver = ScriptDriver(client, session)
    rows = []
    with Zoo() as cdn, Zoo(cdn=cdn) as zoo:
        for pattern in ZOO_PATTERNS:
            url = f"{zoo.url}/{pattern}/"
            session.start_recording(url)
            driver.navigate(url, 30)
            driver.wait_for_selector("#go", 30)
            driver.fill("#prompt", f"生成星光侠, {pattern}")
            stored.clear()
            event = stored.setdefault("event", threading.Event())
            t0 = time.perf_counter()
            driver.click("#go")
            got = event.wait(60)
            seconds = time.perf_counter() - t0
            facts = dict(stored.get("facts") or {})
            session.stop_recording()
            rows.append(
                (
                    f"zoo {pattern}: click -> generation stored",
                    f"{seconds:.2f} s" if got else "not stored",
                    f"{facts.get('outputs')} output(s), {facts.get('binding')}",
                )
            )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--loads", type=int, default=6, help="loads per block")
    parser.add_argument("--rounds", type=int, default=4, help="off/on block pairs")
    parser.add_argument("--captures", type=int, default=5)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="proofshot-bench-"))
    Case.create(work / "Bench.proofshot", operator="Bench").close()
    writer = ThreadCaseWriter(work / "Bench.proofshot")
    app = QApplication.instance() or QApplication([sys.argv[0]])
    pane = BrowserPane(headless=True)
    pane.resize(1280, 900)
    pane.show()
    facts = pane.browser_facts()
    box: dict[str, Any] = {}
    done = threading.Event()
    site = DemoSite(port=0)
    site.start()

    def work_thread() -> None:
        try:
            port = devtools.configured_port()
            assert port is not None
            client = connect_tab(
                port, target_id=pane.devtools_target_id(), marker_url=pane.marker_url
            )
            stored: dict[str, Any] = {}

            def notify(kind: str, info: dict[str, Any]) -> None:
                if kind == "generation" and "event" in stored:
                    stored["facts"] = info
                    stored["event"].set()

            session = CaptureSession(
                client,
                writer,
                notify=notify,
                browser_facts=lambda: dict(facts),
                request_repaint=pane.request_repaint,
                frame_source=pane.frame_source,
            )
            session.attach()
            box["result"] = measure(client, session, site, args.loads, args.rounds, args.captures)
            box["zoo"] = measure_zoo(client, session, stored)
            client.close()
        except BaseException as exc:
            box["error"] = exc
        finally:
            done.set()

    timer = QTimer()
    timer.timeout.connect(lambda: app.quit() if done.is_set() else None)
    timer.start(50)
    threading.Thread(target=work_thread, daemon=True).start()
    app.exec()
    writer.close()
    site.stop()
    pane.dispose()
    if "error" in box:
        raise box["error"]
    r = box["result"]
    off = statistics.median(r["off"])
    on = statistics.median(r["on"])
    on_plain = statistics.median(r["on_plain"])
    overhead = (on - off) / off if off else 0.0
    plain_overhead = (on_plain - off) / off if off else 0.0
    best_off, best_on = min(r["off"]), min(r["on"])
    best_overhead = (best_on - best_off) / best_off if best_off else 0.0
    capture = statistics.median(r["capture"])
    rows = [
        ("measure", "value", "target", "verdict"),
        (f"page load, recording off (median of {len(r['off'])})", f"{off * 1000:.0f} ms", "-", "-"),
        (f"page load, recording on (median of {len(r['on'])})", f"{on * 1000:.0f} ms", "-", "-"),
        (
            f"page load, recording on, no response stage = baseline (median of {len(r['on_plain'])})",
            f"{on_plain * 1000:.0f} ms",
            "-",
            "-",
        ),
        (
            "baseline recording overhead (medians, bodies from Network only)",
            f"{plain_overhead * 100:+.1f} %",
            f"< {OVERHEAD_TARGET * 100:.0f} %",
            "ok" if plain_overhead < OVERHEAD_TARGET else "OVER",
        ),
        (
            "recording overhead (medians)",
            f"{overhead * 100:+.1f} %",
            f"< {OVERHEAD_TARGET * 100:.0f} %",
            "ok" if overhead < OVERHEAD_TARGET else "OVER",
        ),
        (
            f"recording overhead (fastest loads: {best_off * 1000:.0f} vs {best_on * 1000:.0f} ms)",
            f"{best_overhead * 100:+.1f} %",
            f"< {OVERHEAD_TARGET * 100:.0f} %",
            "ok" if best_overhead < OVERHEAD_TARGET else "OVER",
        ),
        (
            f"Capture now -> {r['items']} items stored (median of {len(r['capture'])})",
            f"{capture:.2f} s",
            f"< {CAPTURE_TARGET_S:.0f} s",
            "ok" if capture < CAPTURE_TARGET_S else "OVER",
        ),
        ("Capture now, slowest", f"{max(r['capture']):.2f} s", "-", "-"),
        (
            f"stop recording -> video + WACZ stored ({r['exchanges']} exchanges)",
            f"{r['stop']:.2f} s",
            "-",
            "-",
        ),
    ]
    load1, load5, _ = os.getloadavg()
    print(
        f"Capture browser benchmark (demo site, QtWebEngine offscreen, {os.cpu_count()} cores,"
        f" load average {load1:.1f}/{load5:.1f}; a busy machine makes page loads noisy)"
    )
    print(table(rows))
    print(table([("delivery pattern", "time", "result"), *box["zoo"]]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
