"""Benchmark: the window on a case of 10,000 items.

1. Launch to the first screen of thumbnails: a fresh process opens the case in the window
   and stops when every grid cell on screen shows its decoded thumbnail. Measured twice:
   with an empty thumbnail cache (first launch) and with the cache it left (every launch
   after). Wall time from just before the process is started, so Python, Qt and the case
   opening are all inside it.
2. The longest stall of the event loop while scrolling the whole grid, a page every 16 ms,
   from top to bottom (fetching pages and thumbnails as it goes).
3. The longest stall while importing 500 new files in the background.

A stall is measured with a precise 10 ms heartbeat timer: the longest gap between two
beats, minus the 10 ms interval. Targets: first screen under 2 s, no stall over 100 ms.

    .venv/bin/python tests/bench/bench_gui.py [--items N] [--workdir DIR]

The 10,000-item case is built once through the core (distinct small PNGs, committed in
batches) and reused from ``--workdir``; each run works on a hard-linked copy of it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import REPO, peak_rss_mb, table

FIRST_SCREEN_TARGET = 2.0
STALL_TARGET_MS = 100.0
WINDOW_SIZE = (1440, 900)


# -- building the case (parent process, no Qt) ---------------------------------------------------


def _png(i: int, rng: random.Random, size: tuple[int, int]) -> bytes:
    import io

    from PIL import Image, ImageDraw

    img = Image.new("RGB", size, (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    draw = ImageDraw.Draw(img)
    for _ in range(6):
        x0, y0 = rng.randrange(size[0]), rng.randrange(size[1])
        x1, y1 = x0 + rng.randrange(20, 160), y0 + rng.randrange(20, 120)
        fill = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)((x0, y0, x1, y1), fill=fill)
    draw.text((10, 10), f"item {i}", fill=(255, 255, 255))
    buf = io.BytesIO()
    img.save(buf, "PNG", compress_level=1)
    return buf.getvalue()


def build_case(path: Path, count: int) -> None:
    """``count`` distinct PNGs, each an item with its custody event, 500 per transaction."""
    from app.core.case import Case
    from app.core.ingest import Acquisition, commit_prepared, prepare_bytes

    rng = random.Random(4)
    tmp = path.with_name(path.name + ".building")
    shutil.rmtree(tmp, ignore_errors=True)
    t0 = time.perf_counter()
    with Case.create(tmp, title="Bench 10k", operator="bench") as case:
        case.conn.execute("PRAGMA synchronous=NORMAL")  # building only; the GUI opens it normally
        batch = []
        for i in range(count):
            acq = Acquisition(source=f"https://ai.example/gen/{i}")
            batch.append(prepare_bytes(case.objects, _png(i, rng, (384, 288)), acq))
            if len(batch) == 500 or i == count - 1:
                commit_prepared(case, batch, tags=["bench"] if i % 3 == 0 else [])
                batch = []
                print(f"  built {i + 1} items ({time.perf_counter() - t0:.0f} s)", flush=True)
    tmp.rename(path)


def linked_copy(src: Path, dst: Path) -> None:
    """A working copy: objects hard-linked (they are read-only), the database copied."""
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst, copy_function=os.link, ignore=shutil.ignore_patterns("case.sqlite*"))
    shutil.copy2(src / "case.sqlite", dst / "case.sqlite")


def make_import_files(folder: Path, count: int) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    rng = random.Random(time.time_ns())  # new bytes every run: they must import, not be duplicates
    for i in range(count):
        (folder / f"new-{i:04}.png").write_bytes(_png(100_000 + i, rng, (640, 480)))


# -- measuring (child process, with Qt) --------------------------------------------------------


def child(case: Path, launched: float, mode: str, import_dir: Path | None) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt, QTimer

    from app.__main__ import _is_gui_request  # what `proofshot CASE` runs first

    assert _is_gui_request([str(case)])
    from app.gui.application import AppController, create_application

    app, languages = create_application()
    controller = AppController(app, languages)
    assert controller.open_case(case), "the case did not open"
    window = controller.window
    assert window is not None
    window.resize(*WINDOW_SIZE)
    grid = window.evidence.grid
    model = window.model
    result: dict[str, object] = {}

    def visible_rows() -> list[int]:
        """Item rows of the grid cells inside the viewport."""
        grid_model = window.evidence.grid_model
        height = grid.viewport().height()
        top = grid.rowAt(0)
        bottom = grid.rowAt(height - 1)
        if top < 0:
            return []
        if bottom < 0:
            bottom = grid_model.rowCount() - 1
        rows = []
        for r in range(top, bottom + 1):
            for c in range(grid_model.columns):
                row = grid_model.source_row(grid_model.index(r, c))
                if row is not None:
                    rows.append(row)
        return rows

    def first_screen_ready() -> bool:
        rows = visible_rows()
        if not rows:
            return False
        for row in rows:
            s = model.summary(row)
            if s is None or window.thumbnails.pixmap(s.sha256, s.media_type) is None:
                return False
        result["cells_on_screen"] = len(rows)
        return True

    while not first_screen_ready():
        app.processEvents()
        time.sleep(0.002)
    result["first_screen_s"] = time.time() - launched
    result["first_screen_cpu_s"] = time.process_time()  # this process's CPU, whatever the load
    if mode == "first-screen":
        print(json.dumps(result), flush=True)
        controller.close_case(show_start=False)
        return

    # Heartbeat: how late does a 10 ms timer fire while the GUI works?
    beat = {"last": time.perf_counter(), "max_gap": 0.0, "beats": 0}

    def heartbeat() -> None:
        now = time.perf_counter()
        beat["max_gap"] = max(beat["max_gap"], now - beat["last"])
        beat["last"] = now
        beat["beats"] += 1

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(10)
    timer.timeout.connect(heartbeat)

    def run_until(done: Callable[[], bool], limit: float) -> float:
        beat.update(last=time.perf_counter(), max_gap=0.0, beats=0)
        timer.start()
        t0 = time.perf_counter()
        while not done() and time.perf_counter() - t0 < limit:
            app.processEvents()
            time.sleep(0.001)
        timer.stop()
        return time.perf_counter() - t0

    # 2. scroll the whole grid, a page per 16 ms
    bar = grid.verticalScrollBar()
    scroller = QTimer()
    scroller.setInterval(16)
    state = {"steps": 0}

    def step() -> None:
        state["steps"] += 1
        bar.setValue(bar.value() + grid.viewport().height())

    scroller.timeout.connect(step)
    scroller.start()

    def at_bottom() -> bool:
        return bar.value() >= bar.maximum() and not model.canFetchMore()

    seconds = run_until(at_bottom, 300)
    scroller.stop()
    result["scroll_s"] = seconds
    result["scroll_pages"] = state["steps"]
    result["rows_fetched"] = model.rowCount()
    result["scroll_max_stall_ms"] = max(0.0, beat["max_gap"] - 0.010) * 1000
    run_until(lambda: window.thumbnails.idle, 60)

    # 3. import 500 files in the background while the window stays responsive
    if import_dir is not None:
        before = window.session.item_count()
        window.imports.import_paths([import_dir])
        seconds = run_until(lambda: window.imports.last_summary is not None, 600)
        summary = window.imports.last_summary
        result["import_s"] = seconds
        result["imported"] = len(summary.imported) if summary else 0
        result["import_max_stall_ms"] = max(0.0, beat["max_gap"] - 0.010) * 1000
        result["items_after"] = window.session.item_count()
        assert result["items_after"] == before + result["imported"]
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result), flush=True)
    controller.close_case(show_start=False)


def run_child(case: Path, cache: Path, mode: str, import_dir: Path | None) -> dict[str, object]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PROOFSHOT_CACHE_DIR": str(cache),
        "PROOFSHOT_CONFIG_DIR": str(cache.parent / "config"),
    }
    args = [sys.executable, __file__, "--child", mode, "--case", str(case)]
    if import_dir is not None:
        args += ["--import-dir", str(import_dir)]
    launched = time.time()
    args += ["--launched", repr(launched)]
    out = subprocess.run(args, env=env, cwd=REPO, capture_output=True, text=True, timeout=1800)
    if out.returncode != 0:
        raise SystemExit(f"child {mode} failed:\n{out.stderr[-3000:]}")
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("{")][-1]
    return json.loads(line)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--imports", type=int, default=500)
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "proofshot-bench-gui"
    )
    parser.add_argument("--child", choices=["first-screen", "full"])
    parser.add_argument("--case", type=Path)
    parser.add_argument("--import-dir", type=Path)
    parser.add_argument("--launched", type=float)
    args = parser.parse_args()
    if args.child:
        child(args.case, args.launched, args.child, args.import_dir)
        return

    base = args.workdir / f"base-{args.items}.proofshot"
    if not (base / "case.sqlite").is_file():
        print(f"building a case of {args.items} items (once; kept in {args.workdir})")
        build_case(base, args.items)
    work = args.workdir / "run.proofshot"
    linked_copy(base, work)
    imports = args.workdir / "import"
    make_import_files(imports, args.imports)
    cache = args.workdir / "cache" / "thumbs"
    shutil.rmtree(cache.parent, ignore_errors=True)
    cache.mkdir(parents=True)

    load_before = os.getloadavg()[0]
    cold = run_child(work, cache, "first-screen", None)
    full = run_child(work, cache, "full", imports)
    shutil.rmtree(work, ignore_errors=True)

    def verdict(ok: bool) -> str:
        return "ok" if ok else "MISSED"

    rows = [("measure", "result", "target", "")]
    rows.append(
        (
            "launch -> first screen of thumbnails (empty cache)",
            f"{cold['first_screen_s']:.2f} s (CPU {cold['first_screen_cpu_s']:.2f} s)",
            f"< {FIRST_SCREEN_TARGET:.0f} s",
            verdict(cold["first_screen_s"] < FIRST_SCREEN_TARGET),
        )
    )
    rows.append(
        (
            "launch -> first screen of thumbnails (warm cache)",
            f"{full['first_screen_s']:.2f} s (CPU {full['first_screen_cpu_s']:.2f} s)",
            f"< {FIRST_SCREEN_TARGET:.0f} s",
            verdict(full["first_screen_s"] < FIRST_SCREEN_TARGET),
        )
    )
    rows.append(
        (
            f"longest stall scrolling the whole grid ({full['rows_fetched']} items, {full['scroll_pages']} pages, {full['scroll_s']:.1f} s)",
            f"{full['scroll_max_stall_ms']:.0f} ms",
            f"<= {STALL_TARGET_MS:.0f} ms",
            verdict(full["scroll_max_stall_ms"] <= STALL_TARGET_MS),
        )
    )
    rows.append(
        (
            f"longest stall importing {full['imported']} files ({full['import_s']:.1f} s)",
            f"{full['import_max_stall_ms']:.0f} ms",
            f"<= {STALL_TARGET_MS:.0f} ms",
            verdict(full["import_max_stall_ms"] <= STALL_TARGET_MS),
        )
    )
    print(
        f"{args.items} items, window {WINDOW_SIZE[0]}x{WINDOW_SIZE[1]}, {cold['cells_on_screen']} cells on the first screen"
    )
    print(table(rows))
    print(f"peak RSS of the window process {full['peak_rss_mb']:.0f} MB")
    cores = os.cpu_count() or 1
    print(
        f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after, on {cores} cores"
        " (wall-clock figures stretch when other work shares the machine)"
    )


if __name__ == "__main__":
    main()
