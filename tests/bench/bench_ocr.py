"""Benchmark: OCR of rendered screenshots, and search over 10,000 items' OCR text.

Three parts, each beside a baseline measured in the same run:

1. Character error rate per language (simplified and traditional Chinese, Japanese,
   English) on 1920x1080 UI screenshots rendered from known text, for Proofshot's
   recognition (in-process engine via tesserocr; greyscale, dark themes inverted, page
   segmentation 4, each script's model leading in turn, low-confidence words dropped) and
   for the engine's own command-line tool on the same images with the same
   models (``tesseract IMG stdout -l chi_sim+eng+jpn+chi_tra``, its defaults).
   Target: CER <= 3 % on rendered UI text.
2. Throughput on the machine's cores: ``OcrJob`` (2 workers, results stored with their
   custody events) against the CLI run one image at a time. Target: >= 2 screenshots/s.
3. Search: ``list --text``'s query (``items.list_items`` with an ``ItemFilter(text=…)``,
   FTS5 trigram over OCR text) on a case of 10,000 items each with OCR text, against a
   plain ``LIKE`` scan of the same text. Target: < 100 ms.

    .venv/bin/python tests/bench/bench_ocr.py [--items 10000] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import statistics
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from common import table, timed
from PIL import Image

from app.core import ocr
from app.core.case import Case
from app.core.ingest import Acquisition, commit_prepared, prepare_bytes
from app.core.items import ItemFilter, list_items
from tests.core.ocr_shots import SHOTS, Shot, render

LANGS = "+".join(ocr.DEFAULT_LANGUAGES)


def shots() -> list[tuple[Shot, int]]:
    """Every rendered shot at three text sizes (UI text from small to large)."""
    return [(shot, px) for px in (24, 30, 36) for shot in SHOTS]


def cli_text(path: Path) -> str:
    out = subprocess.run(
        ["tesseract", str(path), "stdout", "-l", LANGS], capture_output=True, text=True
    )
    return out.stdout


def cer_table(folder: Path) -> tuple[list[tuple[str, ...]], dict[str, float]]:
    per: dict[str, list[tuple[int, float, float]]] = {}
    paths = []
    folder.mkdir(parents=True)
    for index, (shot, px) in enumerate(shots()):
        path = folder / f"{index:02d}-{shot.name}"
        render(shot, font_px=px).save(path)
        paths.append((shot, path))
    with ThreadPoolExecutor(2) as pool:
        ours = list(pool.map(lambda sp: ocr.recognise(sp[1]).text, paths))
    started = time.perf_counter()
    theirs = [cli_text(p) for _, p in paths]
    totals_cli = time.perf_counter() - started
    for (shot, _), got, base in zip(paths, ours, theirs, strict=True):
        expected = "\n".join(shot.lines)
        n = len("".join(ocr.normalise(expected).split()))
        per.setdefault(shot.language, []).append(
            (
                n,
                ocr.character_error_rate(expected, got) * n,
                ocr.character_error_rate(expected, base) * n,
            )
        )
    rows = [("language", "images", "chars", "Proofshot CER", "tesseract CLI CER")]
    totals = {"ours": 0.0, "base": 0.0, "n": 0.0, "cli_seconds": totals_cli, "images": len(paths)}
    for lang, entries in per.items():
        n = sum(e[0] for e in entries)
        ours_e = sum(e[1] for e in entries)
        base_e = sum(e[2] for e in entries)
        totals["ours"] += ours_e
        totals["base"] += base_e
        totals["n"] += n
        rows.append((lang, str(len(entries)), str(n), f"{ours_e / n:.1%}", f"{base_e / n:.1%}"))
    rows.append(
        (
            "all",
            str(len(paths)),
            str(int(totals["n"])),
            f"{totals['ours'] / totals['n']:.1%}",
            f"{totals['base'] / totals['n']:.1%}",
        )
    )
    return rows, totals


def throughput(folder: Path, cli_seconds: float, cli_images: int) -> list[tuple[str, ...]]:
    folder.mkdir(parents=True)
    case = Case.create(folder / "Bench.proofshot", operator="bench")
    paths = []
    with case:
        prepared = []
        for index, shot in enumerate(SHOTS * 2):
            buf = io.BytesIO()
            img = render(shot, font_px=28 + index)
            img.save(buf, "PNG")
            path = folder / f"t{index:02d}.png"
            path.write_bytes(buf.getvalue())
            paths.append(path)
            prepared.append(
                prepare_bytes(
                    case.objects, buf.getvalue(), Acquisition(kind="screenshot", source=path.name)
                )
            )
        commit_prepared(case, prepared)
        timing, outcome = timed("ocr job", lambda: ocr.OcrJob(case, workers=2).run())
        assert len(outcome.recognised) == len(paths), outcome
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def one(p: Path) -> None:
        subprocess.run(["tesseract", str(p), "stdout", "-l", LANGS], capture_output=True, env=env)

    def two() -> None:
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(one, paths))

    cli_par, _ = timed("cli x2", two)
    n = len(paths)
    return [
        ("1920x1080 screenshots", "images", "seconds", "images/s"),
        ("Proofshot OcrJob (2 workers, stored + logged)", str(n), f"{timing.seconds:.1f}",
         f"{n / timing.seconds:.2f}"),
        ("tesseract CLI, one at a time (its defaults; part 1)", str(cli_images),
         f"{cli_seconds:.1f}", f"{cli_images / cli_seconds:.2f}"),
        ("tesseract CLI, 2 processes, 1 thread each", str(n), f"{cli_par.seconds:.1f}",
         f"{n / cli_par.seconds:.2f}"),
    ]  # fmt: skip


WORDS_ZH = [
    "生成",
    "城市",
    "奥特曼",
    "猫",
    "月亮",
    "长城",
    "日落",
    "插画",
    "风格",
    "站在",
    "一只",
    "夜晚",
    "雨",
    "花园",
    "机器人",
    "少女",
    "森林",
    "海边",
]
WORDS_EN = [
    "generate",
    "city",
    "hero",
    "cat",
    "moon",
    "wall",
    "sunset",
    "style",
    "standing",
    "night",
    "rain",
    "garden",
    "robot",
    "girl",
    "forest",
    "sea",
]
UI = ["Midjourney Bot", "今天 10:42", "Upscale U1", "放大 U2", "Regenerate", "提示词：", "Prompt:"]


def search_bench(folder: Path, count: int) -> list[tuple[str, ...]]:
    rng = random.Random(19)
    case = Case.create(folder / "Search.proofshot", operator="bench")
    info = ocr.EngineInfo("tesseract", "bench", ocr.DEFAULT_LANGUAGES, {}, "")
    needles = {f"needle-{k:03d}-奥特曼站在城市里": rng.randrange(count) for k in range(20)}
    by_item = {}
    for needle, at in needles.items():
        by_item.setdefault(at, []).append(needle)
    started = time.perf_counter()
    with case:
        for start in range(0, count, 500):
            prepared = []
            for i in range(start, min(count, start + 500)):
                img = Image.new("RGB", (4, 4), (i % 256, (i // 256) % 256, 7))
                buf = io.BytesIO()
                img.save(buf, "PNG")
                prepared.append(
                    prepare_bytes(case.objects, buf.getvalue(), Acquisition(kind="screenshot"))
                )
            commit_prepared(case, prepared)
        with case.transaction():
            for item_id in range(1, count + 1):
                lines = [rng.choice(UI)]
                for _ in range(6):
                    words = rng.sample(WORDS_ZH, 5) + rng.sample(WORDS_EN, 4)
                    lines.append(" ".join(words))
                lines += by_item.get(item_id - 1, [])
                recognition = ocr.Recognition(
                    [ocr.OcrLine(t, (0, 0, 1, 1), 90.0) for t in lines], 4, 4, False
                )
                ocr.record_result(case, item_id, recognition, info)
        build = time.perf_counter() - started

        def fts(text: str) -> list[int]:
            return [i.id for i in list_items(case, ItemFilter(text=text))]

        def like(text: str) -> list[int]:
            return [
                int(r[0])
                for r in case.conn.execute(
                    "SELECT item_id FROM ocr_results WHERE text LIKE ?", (f"%{text}%",)
                )
            ]

        fts_ms, like_ms = [], []
        for needle, at in needles.items():
            t, hits = timed("fts", lambda n=needle: fts(n))
            assert hits == [at + 1], (needle, hits)
            fts_ms.append(t.seconds * 1000)
            t, hits = timed("like", lambda n=needle: like(n))
            assert hits == [at + 1]
            like_ms.append(t.seconds * 1000)
        common_ms = [timed("c", lambda: fts("奥特曼站在"))[0].seconds * 1000 for _ in range(5)]
    return [
        (f"search over {count:,} items' OCR text", "median ms", "max ms"),
        ("list_items(text=…) incl. FTS5 (unique phrase)", f"{statistics.median(fts_ms):.1f}",
         f"{max(fts_ms):.1f}"),
        ("list_items(text=…) phrase in every item", f"{statistics.median(common_ms):.1f}",
         f"{max(common_ms):.1f}"),
        ("baseline: LIKE scan of ocr_results.text only", f"{statistics.median(like_ms):.1f}",
         f"{max(like_ms):.1f}"),
        (f"(building the case: {build:.0f} s)", "", ""),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-ocr-", dir=args.workdir))
    try:
        info = ocr.engine_info()
        print(f"engine: {info.engine} {info.version}, models {LANGS}; cores: {os.cpu_count()}")
        rows, totals = cer_table(work / "cer")
        print(table(rows))
        print()
        print(table(throughput(work / "tp", totals["cli_seconds"], int(totals["images"]))))
        print()
        print(table(search_bench(work / "search", args.items)))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
