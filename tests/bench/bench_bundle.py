"""Benchmark: export a 500-exhibit bundle (filing PDF volumes and the archive package).

Printed beside a baseline measured in the same run: ReportLab alone laying out the same
images, one per page, at the same size, into one PDF (no text, no volumes, no archive).
Each side runs in its own child process so its peak memory is its own.
Targets: export under 60 s and under 1 GB peak memory.

A second table verifies a hostile set (#12 item 5) in a child process of its own: a folder
whose native is a symlink to /dev/zero and whose custody log is a FIFO, a FIFO and a /dev/zero
symlink given as the bundle, a zip bomb (1 GiB of zeros in a 1 MB zip), that zip damaged, a
3 GB sparse manifest and a 16 MB manifest of 100,000 entries (the largest read whole). Its
baseline is the same child importing the verifier and doing nothing else; the figures
issue #12 measured before (3.4 GB for /dev/zero, 4.2 GB for a 2.3 MB zip bomb, FIFOs hanging)
are printed beside it. Target: under 200 MB.

    .venv/bin/python tests/bench/bench_bundle.py [--exhibits N] [--workdir DIR] [--hostile-only]
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
from pathlib import Path

from common import REPO, table
from PIL import Image, ImageDraw, PngImagePlugin

PROMPTS = [
    "生成星光侠",
    "星光侠 长发",
    "Starlume flying over the city",
    "starlume portrait, red suit",
    "生成插画风格的星光侠",
]


def make_images(folder: Path, count: int) -> list[Path]:
    """768x768 PNGs like generator outputs: smooth shading, shapes, mild noise, A1111 text."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = sorted(folder.glob("*.png"))
    if len(paths) >= count:
        return paths[:count]
    rng = random.Random(7)
    noise = Image.effect_noise((768, 768), 18).convert("RGB")
    for i in range(len(paths), count):
        base = Image.linear_gradient("L").resize((768, 768)).convert("RGB")
        tint = Image.new(
            "RGB", (768, 768), (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        )
        img = Image.blend(base, tint, 0.5)
        d = ImageDraw.Draw(img)
        for _ in range(12):
            x, y = rng.randrange(700), rng.randrange(700)
            d.ellipse(
                (x, y, x + rng.randrange(30, 200), y + rng.randrange(30, 200)),
                fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)),
            )
        img = Image.blend(img, noise, 0.08)
        info = PngImagePlugin.PngInfo()
        prompt = PROMPTS[i % len(PROMPTS)]
        info.add_itxt(
            "parameters",
            f"{prompt}\nNegative prompt: lowres\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: {i}, Size: 768x768, Model: demo",
        )
        img.save(folder / f"gen-{i:04d}.png", pnginfo=info, compress_level=6)
    return sorted(folder.glob("*.png"))[:count]


def build_case(case_path: Path, images: list[Path]) -> None:
    from app.core.case import Case
    from app.core.ingest import Acquisition, commit_prepared, prepare_file

    with Case.create(case_path, title="Benchmark case", operator="Bench Operator") as case:
        batch = []
        for n, path in enumerate(images):
            batch.append(
                prepare_file(
                    case.objects,
                    path,
                    Acquisition(kind="imported-file", method="file-import", source=str(path)),
                )
            )
            if len(batch) == 100 or n == len(images) - 1:
                commit_prepared(case, batch, tags=["bench"])
                batch = []


def run_baseline(images: list[Path], out: Path) -> None:
    """ReportLab only: each image on its own page at the size the export draws it."""
    from reportlab import rl_config
    from reportlab.lib.pagesizes import LETTER
    from reportlab.platypus import Image as RLImage
    from reportlab.platypus import PageBreak, SimpleDocTemplate

    rl_config.useA85 = 0  # the same stream encoding the export uses
    width = LETTER[0] - 108
    height = min(width, (LETTER[1] - 120) * 0.5)
    story = []
    for path in images:
        story += [RLImage(str(path), width=height, height=height), PageBreak()]
    SimpleDocTemplate(str(out), pagesize=LETTER, invariant=1).build(story)


def run_export(case_path: Path, out: Path) -> dict[str, object]:
    from app.report.export import ExportJob
    from app.report.model import ExportOptions

    result = ExportJob(case_path, ExportOptions(out=out, profile="both", lang="en"), tsas=[]).run()
    return {"volumes": len(result.filing), "pages": result.pages, "exhibits": result.exhibits}


def child(mode: str, case_path: Path, images_dir: Path, out: Path, count: int) -> None:
    images = sorted(images_dir.glob("*.png"))[:count]
    start = time.perf_counter()
    info: dict[str, object] = {}
    if mode == "baseline":
        run_baseline(images, out / "baseline.pdf")
        info["bytes"] = (out / "baseline.pdf").stat().st_size
    else:
        info = run_export(case_path, out / "export")
    info["seconds"] = time.perf_counter() - start
    sys.stdout.write(json.dumps(info) + "\n")


def make_hostile_set(folder: Path) -> list[Path]:
    """The inputs issue #12 item 5 found unbounded, made fresh."""
    import zipfile

    folder.mkdir(parents=True, exist_ok=True)
    made: list[Path] = []
    tree = folder / "links-and-fifo"
    (tree / "natives").mkdir(parents=True)
    (tree / "natives" / "1.1-a.png").symlink_to("/dev/zero")
    os.mkfifo(tree / "custody-log.jsonl")
    (tree / "manifest.json").write_text(
        json.dumps({"files": [{"path": "natives/1.1-a.png", "size": 1 << 40, "sha256": "0" * 64}]})
    )
    made.append(tree)
    os.mkfifo(folder / "fifo.zip")
    made.append(folder / "fifo.zip")
    (folder / "zero.zip").symlink_to("/dev/zero")
    made.append(folder / "zero.zip")
    bomb = folder / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "archive/manifest.json",
            json.dumps({"files": [{"path": "natives/b.png", "size": 1 << 30, "sha256": "0" * 64}]}),
        )
        info = zipfile.ZipInfo("archive/natives/b.png")
        info.compress_type = zipfile.ZIP_DEFLATED  # a bare ZipInfo would be stored, not a bomb
        with zf.open(info, "w", force_zip64=True) as member:
            block = bytes(1 << 20)
            for _ in range(1024):
                member.write(block)
    made.append(bomb)
    damaged = folder / "damaged.zip"
    damaged.write_bytes(bomb.read_bytes()[: bomb.stat().st_size // 2])
    made.append(damaged)
    huge = folder / "huge-manifest"
    huge.mkdir()
    with open(huge / "manifest.json", "wb") as handle:
        handle.truncate(3 << 30)
    made.append(huge)
    big = folder / "big-manifest"
    big.mkdir()
    entries = [
        {
            "path": f"natives/exhibit-{i % 999:03d}/{i}.png",
            "size": i,
            "sha256": f"{i:064x}",
            "role": "native",
        }
        for i in range(100_000)
    ]
    text = json.dumps({"format": "proofshot-bundle-manifest/2", "files": entries})
    (big / "manifest.json").write_text(text[: 16 << 20] if len(text) > 16 << 20 else text)
    made.append(big)
    return made


def child_hostile(folder: Path, verify: bool) -> None:
    from app.report.verify_bundle import TrustAnchors, verify_bundle

    start = time.perf_counter()
    verdicts = []
    if verify:
        for path in sorted(folder.iterdir()):
            t0 = time.perf_counter()
            report = verify_bundle(path, anchors=TrustAnchors())
            verdicts.append(
                f"{path.name}: {report.verdict} (exit {report.exit_code}) in "
                f"{time.perf_counter() - t0:.2f} s; {_main_finding(report)[:90]}"
            )
    info = {"seconds": time.perf_counter() - start, "verdicts": verdicts, "peak_mb": _vm_hwm_mb()}
    sys.stdout.write(json.dumps(info) + "\n")


def _main_finding(report: object) -> str:
    """The refusal that answers a hostile input, else the first problem."""
    findings = getattr(report, "findings", [])
    hostile = ("zip-bomb", "unsafe", "too-large", "damaged-zip", "damaged")
    chosen = next((f for f in findings if f.code in hostile), None)
    return chosen.message if chosen else (findings[0].message if findings else "")


def _vm_hwm_mb() -> float:
    """This process's own peak RSS (VmHWM); ru_maxrss would include the parent's at fork."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure_hostile(folder: Path, verify: bool) -> tuple[dict[str, object], float]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    mode = "hostile" if verify else "hostile-import"
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", mode, "--out", str(folder)],
        stdout=subprocess.PIPE,
        env=env,
        cwd=REPO,
    )
    assert proc.stdout is not None
    output = proc.stdout.read()
    if proc.wait():
        raise SystemExit(f"{mode} failed")
    info = json.loads(output.decode().strip().splitlines()[-1])
    return info, float(info["peak_mb"])


def run_hostile(work: Path) -> None:
    folder = work / "hostile"
    shutil.rmtree(folder, ignore_errors=True)
    make_hostile_set(folder)
    base, base_mb = measure_hostile(folder, verify=False)
    hostile, hostile_mb = measure_hostile(folder, verify=True)
    rows = [
        ("", "seconds", "peak MB", "note"),
        ("baseline: import the verifier only", f"{base['seconds']:.1f}", f"{base_mb:.0f}", ""),
        (
            "verify-bundle on the 7 hostile inputs",
            f"{hostile['seconds']:.1f}",
            f"{hostile_mb:.0f}",
            "before #12: 3.4 GB (/dev/zero), 4.2 GB (zip bomb), FIFOs hang",
        ),
    ]
    print(table(rows))
    for verdict in hostile["verdicts"]:  # type: ignore[union-attr]
        print(f"  {verdict}")
    print(f"target: under 200 MB {'met' if hostile_mb < 200 else 'MISSED'}")


def measure(
    mode: str, case_path: Path, images_dir: Path, out: Path, count: int
) -> tuple[dict[str, object], float]:
    """Run one side in a child process; return its report (with CPU seconds) and peak RSS in MB."""
    env = {**os.environ, "PROOFSHOT_TSA_URLS": "", "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--child",
            mode,
            "--case",
            str(case_path),
            "--images",
            str(images_dir),
            "--out",
            str(out),
            "--exhibits",
            str(count),
        ],
        stdout=subprocess.PIPE,
        env=env,
        cwd=REPO,
    )
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{mode} failed with exit code {proc.returncode}")
    report = json.loads(output.decode().strip().splitlines()[-1])
    report["cpu"] = usage.ru_utime + usage.ru_stime
    return report, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--exhibits", type=int, default=500)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--child", choices=["baseline", "export", "hostile", "hostile-import"])
    parser.add_argument("--hostile-only", action="store_true")
    parser.add_argument("--case", type=Path)
    parser.add_argument("--images", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.child in ("hostile", "hostile-import"):
        child_hostile(args.out, args.child == "hostile")
        return
    if args.child:
        child(args.child, args.case, args.images, args.out, args.exhibits)
        return
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-bundle-"))
    if args.hostile_only:
        run_hostile(work)
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
        return
    images = make_images(work / "images", args.exhibits)
    run_dir = work / "run"
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    case_path = run_dir / "bench.proofshot"
    t0 = time.perf_counter()
    build_case(case_path, images)
    build_s = time.perf_counter() - t0
    base, base_mb = measure("baseline", case_path, work / "images", run_dir, args.exhibits)
    exp, exp_mb = measure("export", case_path, work / "images", run_dir, args.exhibits)
    rows = [
        ("", "seconds", "CPU s", "peak MB", "output"),
        (
            "baseline: ReportLab lays out the images",
            f"{base['seconds']:.1f}",
            f"{base['cpu']:.1f}",
            f"{base_mb:.0f}",
            f"1 PDF, {int(base['bytes']) / 1e6:.0f} MB",
        ),
        (
            "export: filing volumes + archive",
            f"{exp['seconds']:.1f}",
            f"{exp['cpu']:.1f}",
            f"{exp_mb:.0f}",
            f"{exp['volumes']} volume(s), {exp['pages']} pages, {exp['exhibits']} exhibits",
        ),
    ]
    print(
        f"{args.exhibits} exhibits (768x768 PNG each); case built in {build_s:.1f} s (not timed below)"
    )
    print(table(rows))
    ok_time = float(exp["seconds"]) < 60
    ok_mem = exp_mb < 1024
    print(
        f"targets: under 60 s {'met' if ok_time else 'MISSED'}; under 1 GB {'met' if ok_mem else 'MISSED'}"
    )
    print()
    run_hostile(work)
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
