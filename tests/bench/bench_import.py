"""Benchmark: import 1,000 screenshot-like 1920x1080 PNGs into a new case.

Printed beside a baseline measured in the same run: a minimal loop doing only the
irreducible work (read the file, SHA-256 it, parse the PNG header with Pillow), single
threaded. Target: the import takes at most 1.5x the baseline's time, using both cores.

Also printed: provenance extraction's share of the import (issue #15, target <= 10 %),
measured by timing every ``extract_provenance`` call the import makes (thread CPU time
and wall time) against the import's CPU and wall time. ``--rgba`` writes RGBA screenshots,
the case where the stealth-pnginfo signature check runs (one partial inflate per file).

    .venv/bin/python tests/bench/bench_import.py [--files N] [--rgba] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from common import peak_rss_mb, table, timed
from PIL import Image, ImageDraw

import app.core.ingest as ingest
from app.core.case import Case
from app.core.importer import ImportJob
from app.core.jobs import CancelToken


def make_screenshots(folder: Path, count: int, mode: str = "RGB") -> list[Path]:
    """Screenshot-like PNGs: flat UI panels, text lines, one photo-like area; all distinct."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = sorted(folder.glob("*.png"))
    if len(paths) >= count:
        return paths[:count]
    rng = random.Random(1)
    noise = Image.effect_noise((480, 360), 64).convert("RGB")
    for i in range(len(paths), count):
        img = Image.new("RGB", (1920, 1080), (245, 246, 248))
        d = ImageDraw.Draw(img)
        d.rectangle((0, 0, 1920, 64), fill=(32, 36, 48))
        d.rectangle((0, 64, 280, 1080), fill=(230, 232, 236))
        for line in range(24):
            y = 100 + line * 36
            d.text(
                (320, y),
                f"Result {i}-{line}: prompt text " + "x" * rng.randrange(10, 80),
                fill=(20, 20, 20),
            )
        img.paste(noise.rotate(i % 360), (1300, 200 + (i % 300)))
        d.rectangle((1300, 650, 1780, 700), fill=(rng.randrange(256), 120, 200))
        img.convert(mode).save(folder / f"shot-{i:05}.png", compress_level=6)
    return sorted(folder.glob("*.png"))[:count]


def baseline(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        data = path.read_bytes()
        hashlib.sha256(data).hexdigest()
        with Image.open(path) as img:
            _ = img.size
        total += len(data)
    return total


def durable_baseline(paths: list[Path], out: Path) -> int:
    """Context, not the target: the same plus the three digests and a durable copy (fsync)."""
    import os

    out.mkdir(parents=True, exist_ok=True)
    total = 0
    for n, path in enumerate(paths):
        data = path.read_bytes()
        for algo in ("sha256", "sha512", "sm3"):
            hashlib.new(algo, data).hexdigest()
        with Image.open(path) as img:
            _ = img.size
        with open(out / f"{n}.bin", "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        total += len(data)
    return total


class ProvenanceTimer:
    """Wraps the ingest module's ``extract_provenance`` to sum the time spent in it."""

    def __init__(self) -> None:
        self.cpu = 0.0
        self.wall = 0.0
        self.calls = 0
        self._lock = threading.Lock()
        self._real = ingest.extract_provenance

    def __enter__(self) -> ProvenanceTimer:
        def timed_extract(*args: Any, **kwargs: Any) -> dict[str, Any]:
            cpu0, wall0 = time.thread_time(), time.perf_counter()
            try:
                return self._real(*args, **kwargs)
            finally:
                cpu, wall = time.thread_time() - cpu0, time.perf_counter() - wall0
                with self._lock:
                    self.cpu += cpu
                    self.wall += wall
                    self.calls += 1

        ingest.extract_provenance = timed_extract  # type: ignore[assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        ingest.extract_provenance = self._real  # type: ignore[assignment]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--rgba", action="store_true", help="RGBA screenshots (alpha channel)")
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "proofshot-bench-import"
    )
    args = parser.parse_args()
    mode = "RGBA" if args.rgba else "RGB"
    folder = args.workdir / ("png-rgba" if args.rgba else "png")
    paths = make_screenshots(folder, args.files, mode)
    total_bytes = baseline(paths)  # warm the page cache so both runs read from memory
    mb = total_bytes / 1e6
    base, _ = timed("baseline (read + SHA-256 + Pillow header, 1 thread)", lambda: baseline(paths))
    shutil.rmtree(args.workdir / "copies", ignore_errors=True)
    durable, _ = timed(
        "context: + SHA-512 + SM3 + write + fsync, 1 thread",
        lambda: durable_baseline(paths, args.workdir / "copies"),
    )
    shutil.rmtree(args.workdir / "copies", ignore_errors=True)
    case_dir = args.workdir / "Bench.proofshot"
    shutil.rmtree(case_dir, ignore_errors=True)
    with Case.create(case_dir, operator="bench") as case, ProvenanceTimer() as prov:
        imp, summary = timed(
            "proofshot import (SHA-256+SHA-512+SM3, sniff, provenance, fsync, log)",
            lambda: ImportJob(case, [folder]).run(lambda p: None, CancelToken()),
        )
    assert len(summary.imported) == len(paths), summary.refused[:3]
    rows = [("run", "seconds", "files/s", "MB/s", "cores used")]
    for t in (base, durable, imp):
        rows.append(
            (
                t.label,
                f"{t.seconds:.2f}",
                f"{len(paths) / t.seconds:.0f}",
                f"{mb / t.seconds:.0f}",
                f"{t.cores_used:.2f}",
            )
        )
    print(f"{len(paths)} {mode} PNGs, 1920x1080, {mb:.0f} MB in all")
    print(table(rows))
    ratio = imp.seconds / base.seconds
    print(f"import / baseline = {ratio:.2f}x (target <= 1.5x); peak RSS {peak_rss_mb():.0f} MB")
    assert prov.calls == len(paths), prov.calls
    cpu_share = prov.cpu / imp.cpu_seconds if imp.cpu_seconds else 0.0
    wall_share = prov.wall / (imp.seconds * max(imp.cores_used, 1.0))
    print(
        f"provenance extraction: {prov.calls} calls, {prov.cpu:.2f} s CPU, {prov.wall:.2f} s "
        f"wall summed over threads ({1000 * prov.wall / prov.calls:.1f} ms/file); "
        f"share of import CPU {100 * cpu_share:.1f} %, of import wall x cores "
        f"{100 * wall_share:.1f} % (target <= 10 %)"
    )


if __name__ == "__main__":
    main()
