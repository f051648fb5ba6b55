"""OCR of screenshots: a derived, logged record of the text an image shows. Never evidence.

The engine is Tesseract with the system's packaged models (Debian ``tesseract-ocr-chi-sim``,
``-chi-tra``, ``-jpn``, ``-eng``; see docs/decisions/0015-ocr-engine.md). It runs in process
through the ``tesserocr`` binding (its wheel carries libtesseract), one engine per worker
thread kept loaded between images, so the models are read once per worker instead of once
per image; recognition releases the GIL, so two workers use both cores. Without the binding
the system's ``tesseract`` program is run once per image instead (same models and settings).
Nothing is downloaded: the models are the packaged ``.traineddata`` files, whose SHA-256
hashes are stored with every result.

A result is a row of ``ocr_results`` written with an ``item.ocr-recognised`` custody event.
The item's bytes are only read (from the object store) and never rewritten; running OCR
again adds a new row, and the newest row for an item is its current text. ``ocr_fts`` (FTS5,
trigram tokenizer, so Chinese and Japanese substrings match) indexes the text for search.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps

from app.core.case import Case
from app.core.digests import sha256_file
from app.core.errors import ItemNotFoundError, ProofshotError
from app.core.jobs import CancelToken, Progress, ProgressCallback, no_progress
from app.core.ocr_languages import DEFAULT_LANGUAGES  # defined there for the CLI
from app.core.rows import named_cursor, named_row

try:  # the in-process engine (ADR 0015); the CLI is the fallback
    import tesserocr
except ImportError:  # pragma: no cover - depends on the environment
    tesserocr = None

ENGINE = "tesseract"
# Item kinds whose images are screen text: screenshots, page captures, and imported files
# (screen captures of outside tools reach Proofshot as imported images).
ELIGIBLE_KINDS = ("screenshot", "web-capture", "imported-file", "derived")
ELIGIBLE_MEDIA = ("image/png", "image/jpeg", "image/webp", "image/bmp", "image/tiff", "image/gif")
OCR_PROMPT_PREFIX = "Prompt recovered by OCR, confirmed by operator (not captured): "
MACHINE_NOTE = "machine-recognised text (OCR); derived from the image, not part of the evidence"
# Page segmentation 4 (one column of lines of varying size) read every rendered UI line that
# the automatic mode 3 skipped in tests (traditional Chinese lines were dropped); ADR 0015.
PSM = "4"
# Sauvola (local) thresholding: the default global Otsu threshold split a UI's two background
# shades and lost all text of dark-theme screenshots with small type (ADR 0015).
THRESHOLDING = "2"
# Chinese/Japanese pages read once per script, the best-scoring reading kept (in process only).
SCRIPT_PASS = True
# Share of kana among a page's CJK characters above which it is Japanese and read once
# (Japanese UI text has far more; the Japanese model read no kana in any Chinese test shot).
KANA_SHARE = 0.1
MIN_CONFIDENCE = 30.0  # Tesseract word confidence (0-100) below which a word is dropped


class OcrUnavailableError(ProofshotError):
    """The OCR engine or one of its language models is not installed."""


@dataclass(frozen=True)
class OcrLine:
    text: str
    box: tuple[int, int, int, int]  # left, top, width, height in image pixels
    confidence: float  # mean word confidence, 0-100

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "box": list(self.box), "confidence": self.confidence}


@dataclass(frozen=True)
class Recognition:
    lines: list[OcrLine]
    width: int
    height: int
    inverted: bool

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@dataclass(frozen=True)
class EngineInfo:
    engine: str
    version: str
    languages: tuple[str, ...]
    models: dict[str, str]  # file name -> sha256
    tessdata: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "version": self.version,
            "languages": list(self.languages),
            "models": dict(self.models),
        }


@dataclass
class OcrRecord:
    id: int
    seq: int
    item_id: int
    engine: str
    engine_version: str
    languages: list[str]
    models: dict[str, str]
    text: str
    lines: list[OcrLine]
    facts: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "seq": self.seq,
            "item_id": self.item_id,
            "engine": self.engine,
            "engine_version": self.engine_version,
            "languages": self.languages,
            "models": self.models,
            "text": self.text,
            "lines": [line.as_dict() for line in self.lines],
            "facts": self.facts,
            "note": MACHINE_NOTE,
        }


# -- the engine ----------------------------------------------------------------------------


def _tesseract() -> str:
    exe = shutil.which("tesseract")
    if not exe:
        raise OcrUnavailableError(
            "OCR needs Tesseract: install the Debian packages tesseract-ocr, tesseract-ocr-chi-sim,"
            " tesseract-ocr-chi-tra and tesseract-ocr-jpn (scripts/system-deps.sh does)."
        )
    return exe


def _tessdata_dir(exe: str | None) -> Path:
    if exe:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, check=False)
        match = re.search(r'"([^"]+)"', out.stdout + out.stderr)
        if match:
            return Path(match.group(1))
    for candidate in sorted(Path("/usr/share/tesseract-ocr").glob("*/tessdata")):
        return candidate
    raise OcrUnavailableError("Tesseract's language data folder was not found.")


def in_process() -> bool:
    """True when the ``tesserocr`` binding is installed and used (else the CLI is run)."""
    return tesserocr is not None


@lru_cache(maxsize=2)
def _engine_probe(in_process: bool) -> tuple[str, Path]:
    """The engine's version and its language data folder (runs ``tesseract`` at most twice)."""
    if in_process and tesserocr is not None:
        first = tesserocr.tesseract_version().splitlines()
        version = first[0].split()[-1] if first else "unknown"
        version += f" (tesserocr {tesserocr.__version__})"
        return version, _tessdata_dir(shutil.which("tesseract"))
    exe = _tesseract()
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False)
    first = (out.stdout or out.stderr).splitlines()
    version = first[0].split()[-1] if first else "unknown"
    return version, _tessdata_dir(exe)


@lru_cache(maxsize=64)
def _model_digest(path: str, size: int, mtime_ns: int) -> str:
    """SHA-256 of one model file, hashed once per process for each (path, size, mtime)."""
    return sha256_file(Path(path))


def model_digest(path: Path) -> str:
    """SHA-256 of a model file, cached by its path, size and modification time.

    A model replaced by a package update has a new size or time and is hashed again; an
    unchanged one is not read twice in a process (a batch in the window asks every time).
    """
    info = path.stat()
    return _model_digest(str(path), info.st_size, info.st_mtime_ns)


def engine_info(languages: tuple[str, ...] = DEFAULT_LANGUAGES) -> EngineInfo:
    """The installed engine, its version and the hashes of the models a run would use.

    The engine is asked once per process and each model file hashed once per (path, size,
    mtime) (:func:`model_digest`); still, the first call reads the models (tens of MB), so the
    window calls it in a worker. ``engine_info.cache_clear()`` forgets both.
    """
    version, tessdata = _engine_probe(tesserocr is not None)
    models: dict[str, str] = {}
    for lang in languages:
        path = tessdata / f"{lang}.traineddata"
        if not path.is_file():
            raise OcrUnavailableError(
                f"The Tesseract model {lang} is not installed (looked for {path})."
            )
        models[path.name] = model_digest(path)
    return EngineInfo(ENGINE, version, tuple(languages), models, str(tessdata))


def _engine_info_cache_clear() -> None:
    _engine_probe.cache_clear()
    _model_digest.cache_clear()


engine_info.cache_clear = _engine_info_cache_clear  # type: ignore[attr-defined]


def _is_cjk(ch: str) -> bool:
    return bool(ch) and (
        "\u3000" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\uff00" <= ch <= "\uffef"
    )


def _join_words(words: Sequence[str]) -> str:
    text = ""
    for word in words:
        if text and not (_is_cjk(text[-1]) or _is_cjk(word[0])):
            text += " "
        text += word
    return text


def _prepare(image: Image.Image) -> tuple[Image.Image, bool]:
    """Greyscale, and dark UI themes inverted to dark text on light (Tesseract's training)."""
    grey = ImageOps.grayscale(image.convert("RGB"))
    hist = grey.histogram()
    total = sum(hist) or 1
    mean = sum(i * n for i, n in enumerate(hist)) / total
    if mean < 128:
        return ImageOps.invert(grey), True
    return grey, False


def parse_tsv(tsv: str, *, min_confidence: float = MIN_CONFIDENCE) -> list[OcrLine]:
    """Tesseract's TSV words grouped into lines, each with its bounding box and confidence."""
    groups: dict[tuple[int, int, int, int], list[tuple[str, int, int, int, int, float]]] = {}
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        word = cols[11].strip()
        conf = float(cols[10])
        if not word or conf < min_confidence:
            continue
        key = (int(cols[1]), int(cols[2]), int(cols[3]), int(cols[4]))
        left, top, width, height = (int(c) for c in cols[6:10])
        groups.setdefault(key, []).append((word, left, top, width, height, conf))
    lines: list[OcrLine] = []
    for words in groups.values():
        text = _join_words([w[0] for w in words])
        left = min(w[1] for w in words)
        top = min(w[2] for w in words)
        right = max(w[1] + w[3] for w in words)
        bottom = max(w[2] + w[4] for w in words)
        conf = round(sum(w[5] for w in words) / len(words), 1)
        lines.append(OcrLine(text, (left, top, right - left, bottom - top), conf))
    lines.sort(key=lambda ln: (ln.box[1], ln.box[0]))
    return lines


def _load(image: Image.Image | bytes | Path) -> Image.Image:
    if isinstance(image, Path):
        with Image.open(image) as opened:
            opened.load()
            return opened.copy()
    if isinstance(image, bytes):
        with Image.open(io.BytesIO(image)) as opened:
            opened.load()
            return opened.copy()
    return image


# Loaded engines kept between images and jobs: idle ones by model order. A thread takes one
# out while it reads an image, so no engine is ever used by two threads at once.
_idle_engines: dict[tuple[str, ...], list[Any]] = {}
_engines_lock = threading.Lock()


@contextmanager
def _engine(languages: tuple[str, ...]) -> Iterator[Any]:
    """A loaded engine for ``languages``, taken from the idle ones or made (models read once)."""
    with _engines_lock:
        idle = _idle_engines.setdefault(languages, [])
        api = idle.pop() if idle else None
    if api is None:
        tessdata = engine_info(tuple(sorted(set(languages)))).tessdata
        api = tesserocr.PyTessBaseAPI(
            path=tessdata.rstrip("/") + "/",
            lang="+".join(languages),
            psm=int(PSM),
            oem=tesserocr.OEM.LSTM_ONLY,
        )
        api.SetVariable("thresholding_method", THRESHOLDING)
    try:
        yield api
    finally:
        api.Clear()
        with _engines_lock:
            _idle_engines[languages].append(api)


_KANA = re.compile(r"[\u3040-\u30ff]")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
TSV_HEADER = (
    "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\t"
    "left\ttop\twidth\theight\tconf\ttext\n"
)


def _han_score(api: Any) -> float:
    """Sum of the confidences of the Chinese characters just recognised: a reading that
    drops or garbles characters scores lower than one that reads them all confidently."""
    level = tesserocr.RIL.SYMBOL
    iterator = api.GetIterator()
    score = 0.0
    if iterator is None:
        return score
    while True:
        try:
            symbol = iterator.GetUTF8Text(level)
        except RuntimeError:  # an empty page has no symbol to return
            return score
        if symbol and (_HAN.search(symbol) or _KANA.search(symbol)):
            score += float(iterator.Confidence(level))
        if not iterator.Next(level):
            return score


def _read_page(prepared: Image.Image, languages: tuple[str, ...]) -> tuple[str, float]:
    with _engine(languages) as api:
        api.SetImage(prepared)
        if not api.Recognize():
            raise ProofshotError("Tesseract could not recognise the image.")
        return TSV_HEADER + str(api.GetTSVText(0)), _han_score(api)


def _script_orders(languages: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Each installed CJK model leading, with English, in the order ties are won."""
    orders = []
    for lead in ("chi_sim", "chi_tra", "jpn"):
        if lead in languages:
            orders.append((lead, "eng") if "eng" in languages else (lead,))
    return orders


def _tsv_in_process(prepared: Image.Image, languages: tuple[str, ...]) -> str:
    """Each script's model leading in turn, the best-scoring reading kept (ties go to
    simplified, then traditional Chinese). The Japanese reading comes first and decides: a
    page it finds no Chinese or Japanese character in is read once (English reads right with
    it; the Chinese models turn kana into Latin letters). All four models mixed in one pass
    let the traditional model win words of simplified text (奧 for 奥) and the Japanese one
    Chinese words (変 for 变), and cost four times one model's time; ADR 0015."""
    orders = _script_orders(languages) if SCRIPT_PASS else []
    if not orders:
        return _read_page(prepared, languages)[0]
    first = orders[-1]
    readings = {first: _read_page(prepared, first)}
    text = "".join(line.text for line in parse_tsv(readings[first][0]))
    kana, han = len(_KANA.findall(text)), len(_HAN.findall(text))
    if kana + han == 0 or kana >= KANA_SHARE * (kana + han):
        return readings[first][0]  # no CJK text, or Japanese: one pass is enough
    for order in orders[:-1]:
        readings[order] = _read_page(prepared, order)
    best = max(orders, key=lambda order: (readings[order][1], -orders.index(order)))
    return readings[best][0]


def _tsv_cli(prepared: Image.Image, languages: tuple[str, ...]) -> str:
    exe = _tesseract()
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    with tempfile.TemporaryDirectory(prefix="proofshot-ocr-") as tmp:
        src = Path(tmp) / "in.png"
        prepared.save(src, compress_level=1)
        out = subprocess.run(
            [
                exe,
                str(src),
                "stdout",
                "-l",
                "+".join(languages),
                "--psm",
                PSM,
                "-c",
                f"thresholding_method={THRESHOLDING}",
                "tsv",
            ],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
    if out.returncode != 0:
        raise ProofshotError(f"Tesseract failed: {out.stderr.strip()[:300]}")
    return out.stdout


def recognise(
    image: Image.Image | bytes | Path, languages: Sequence[str] = DEFAULT_LANGUAGES
) -> Recognition:
    """Run the engine on one image (never modified); one engine thread, so callers can pool."""
    pil = _load(image)
    prepared, inverted = _prepare(pil)
    langs = tuple(languages)
    tsv = _tsv_in_process(prepared, langs) if in_process() else _tsv_cli(prepared, langs)
    return Recognition(parse_tsv(tsv), pil.width, pil.height, inverted)


# -- the derived record ----------------------------------------------------------------------


def _row_to_record(row: sqlite3.Row) -> OcrRecord:
    lines = [
        OcrLine(d["text"], tuple(d["box"]), float(d["confidence"]))  # type: ignore[arg-type]
        for d in json.loads(row["lines"])
    ]
    return OcrRecord(
        int(row["id"]),
        int(row["seq"]),
        int(row["item_id"]),
        str(row["engine"]),
        str(row["engine_version"]),
        json.loads(row["languages"]),
        json.loads(row["models"]),
        str(row["text"]),
        lines,
        json.loads(row["facts"]),
    )


_COLUMNS = "id, seq, item_id, engine, engine_version, languages, models, text, lines, facts"


def has_ocr_tables(case: Case) -> bool:
    """False for an older case opened read-only (it is migrated when next opened for writing)."""
    row = case.conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ocr_results'"
    ).fetchone()
    return row is not None


def latest(
    case: Case, item_ids: Iterable[int] | None = None, *, up_to_seq: int | None = None
) -> dict[int, OcrRecord]:
    """The current (newest) OCR record of each item, optionally as of a custody-log position."""
    if not has_ocr_tables(case):
        return {}
    sql = f"SELECT {_COLUMNS} FROM ocr_results WHERE id IN (SELECT MAX(id) FROM ocr_results"
    params: list[Any] = []
    if up_to_seq is not None:
        sql += " WHERE seq <= ?"
        params.append(up_to_seq)
    sql += " GROUP BY item_id)"
    wanted = None if item_ids is None else {int(i) for i in item_ids}
    result: dict[int, OcrRecord] = {}
    for row in named_cursor(case.conn, sql, params):
        if wanted is None or int(row["item_id"]) in wanted:
            record = _row_to_record(row)
            result[record.item_id] = record
    return result


def eligible_items(case: Case, item_ids: Iterable[int] | None = None) -> list[int]:
    marks_kind = ", ".join("?" * len(ELIGIBLE_KINDS))
    marks_media = ", ".join("?" * len(ELIGIBLE_MEDIA))
    sql = (
        f"SELECT id FROM items WHERE kind IN ({marks_kind}) AND media_type IN ({marks_media})"
        " AND id NOT IN (SELECT item_id FROM withdrawals) ORDER BY id"
    )
    ids = [int(r["id"]) for r in named_cursor(case.conn, sql, [*ELIGIBLE_KINDS, *ELIGIBLE_MEDIA])]
    if item_ids is None:
        return ids
    wanted = [int(i) for i in item_ids]
    for item_id in wanted:
        if case.conn.execute("SELECT 1 FROM items WHERE id = ?", (item_id,)).fetchone() is None:
            raise ItemNotFoundError(f"No item {item_id} in this case.")
    eligible = set(ids)
    return [i for i in wanted if i in eligible]


def record_result(
    case: Case,
    item_id: int,
    recognition: Recognition,
    info: EngineInfo,
    *,
    seconds: float | None = None,
    actor: str | None = None,
) -> int:
    """Store one recognition as a new ``ocr_results`` row with its custody event."""
    sha = named_row(case.conn, "SELECT sha256 FROM items WHERE id = ?", (item_id,))
    if sha is None:
        raise ItemNotFoundError(f"No item {item_id} in this case.")
    facts: dict[str, Any] = {
        "item_sha256": str(sha["sha256"]),
        "image_size": [recognition.width, recognition.height],
        "inverted_for_recognition": recognition.inverted,
        "derived": True,
        "note": MACHINE_NOTE,
    }
    if seconds is not None:
        facts["seconds"] = round(seconds, 3)
    with case.transaction():
        record = {
            "id": case.next_id("ocr_results"),
            "item_id": item_id,
            "engine": info.engine,
            "engine_version": info.version,
            "languages": json.dumps(list(info.languages)),
            "models": json.dumps(info.models, sort_keys=True),
            "text": recognition.text,
            "lines": json.dumps([line.as_dict() for line in recognition.lines], ensure_ascii=False),
            "facts": json.dumps(facts, sort_keys=True, ensure_ascii=False),
        }
        case.log(
            "item.ocr-recognised",
            item_id=item_id,
            facts={
                "engine": info.engine,
                "engine_version": info.version,
                "lines": len(recognition.lines),
                "derived": True,
            },
            records={"ocr_results": [record]},
            actor=actor,
        )
        case.conn.execute(
            "INSERT INTO ocr_fts(rowid, text) VALUES (?, ?)",
            (record["id"], search_form(recognition.text)),
        )
    return int(record["id"])


@dataclass
class OcrOutcome:
    recognised: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # already had a result
    failed: dict[int, str] = field(default_factory=dict)
    cancelled: bool = False


class OcrJob:
    """OCR a set of items: engine runs on ``workers`` threads, results stored one by one.

    Workers only read image files and run the engine; the calling thread alone writes to the
    case, so the job keeps the single-writer rule. Cancelling stops after the images in
    flight; everything stored before is kept.
    """

    title = "Recognising text (OCR)"

    def __init__(
        self,
        case: Case,
        item_ids: Sequence[int] | None = None,
        *,
        languages: Sequence[str] = DEFAULT_LANGUAGES,
        workers: int | None = None,
        redo: bool = False,
        actor: str | None = None,
        on_stored: Callable[[int], None] | None = None,
    ) -> None:
        self.case = case
        self.item_ids = None if item_ids is None else list(item_ids)
        self.languages = tuple(languages)
        self.workers = workers or min(2, os.cpu_count() or 1)
        self.redo = redo
        self.actor = actor
        self.on_stored = on_stored

    def run(
        self, progress: ProgressCallback = no_progress, cancel: CancelToken | None = None
    ) -> OcrOutcome:
        import time

        cancel = cancel or CancelToken()
        info = engine_info(self.languages)
        ids = eligible_items(self.case, self.item_ids)
        outcome = OcrOutcome()
        if not self.redo:
            done = set(latest(self.case, ids))
            outcome.skipped = [i for i in ids if i in done]
            ids = [i for i in ids if i not in done]
        paths = {
            int(r["id"]): self.case.objects.path_for(str(r["sha256"]))
            for r in named_cursor(
                self.case.conn,
                f"SELECT id, sha256 FROM items WHERE id IN ({', '.join('?' * len(ids))})",
                ids,
            )
        }
        total = len(ids)
        progress(Progress(0, total, self.title))

        def work(item_id: int) -> tuple[Recognition, float]:
            started = time.monotonic()
            return recognise(paths[item_id], self.languages), time.monotonic() - started

        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="ocr") as pool:
            pending = list(ids)
            futures = {}
            while pending and len(futures) < self.workers:
                item_id = pending.pop(0)
                futures[item_id] = pool.submit(work, item_id)
            for index, item_id in enumerate(ids):
                future = futures.pop(item_id)
                try:
                    recognition, seconds = future.result()
                except Exception as exc:  # one bad image must not stop the batch
                    outcome.failed[item_id] = f"{type(exc).__name__}: {exc}"
                else:
                    record_result(
                        self.case, item_id, recognition, info, seconds=seconds, actor=self.actor
                    )
                    outcome.recognised.append(item_id)
                    if self.on_stored is not None:
                        self.on_stored(item_id)
                progress(Progress(index + 1, total, self.title))
                if cancel.cancelled:
                    for f in futures.values():
                        f.cancel()
                    outcome.cancelled = True
                    break
                if pending:
                    nxt = pending.pop(0)
                    futures[nxt] = pool.submit(work, nxt)
        return outcome


# -- search ----------------------------------------------------------------------------------


def search_ids(case: Case, text: str) -> set[int]:
    """Ids of items whose current OCR text contains ``text`` (case-insensitive)."""
    if not text or not has_ocr_tables(case):
        return set()
    return {int(r["item_id"]) for r in named_cursor(case.conn, *match_sql(text))}


def match_sql(text: str) -> tuple[str, list[Any]]:
    """SQL selecting item ids whose OCR text contains ``text``: FTS5 for 3+ characters.

    Both sides are compared in :func:`search_form`, so full-width punctuation, letter case,
    the spaces OCR drops or adds, and common traditional forms do not hide a hit.
    """
    form = search_form(text)
    if len(form) >= 3:
        phrase = '"' + form.replace('"', '""') + '"'
        return (
            "SELECT r.item_id FROM ocr_results r WHERE r.id IN"
            " (SELECT rowid FROM ocr_fts WHERE ocr_fts MATCH ?)",
            [phrase],
        )
    return ("SELECT item_id FROM ocr_results WHERE text LIKE ?", [f"%{text.strip()}%"])


# Traditional forms folded to simplified for search only (the stored text is as recognised):
# the characters of common UI and prompt words; not a full converter.
_FOLD = str.maketrans(
    "奧體語請畫隻貓覺產圖詞張長們這個來為說時會開關門見電點與對後從國際實現風場車東書學"
    "葉節藝術當動態頭髮顏給讓號線處應變質業區歲紅綠藍黃銀萬億龍鳳雲氣網頁輸選擇設計畫",
    "奥体语请画只猫觉产图词张长们这个来为说时会开关门见电点与对后从国际实现风场车东书学"
    "叶节艺术当动态头发颜给让号线处应变质业区岁红绿蓝黄银万亿龙凤云气网页输选择设计画",
)


def search_form(text: str) -> str:
    """The form OCR text is indexed and searched in: NFKC, case-folded, traditional folded,
    whitespace removed."""
    return "".join(normalise(text).casefold().translate(_FOLD).split())


# -- suggestions and prompt recovery -------------------------------------------------------

PLATFORMS: dict[str, tuple[str, ...]] = {
    "Midjourney": ("midjourney", "/imagine"),
    "Discord": ("discord",),
    "DALL·E": ("dall-e", "dall·e", "dalle"),
    "ChatGPT": ("chatgpt",),
    "Stable Diffusion": ("stable diffusion", "stablediffusion"),
    "Sora": ("sora",),
    "Runway": ("runway",),
    "Kling 可灵": ("kling", "可灵"),
    "即梦 Dreamina": ("即梦", "dreamina", "jimeng"),
    "文心一格": ("文心一格", "yige"),
    "通义万相": ("通义万相", "wanxiang", "tongyi"),
    "豆包 Doubao": ("豆包", "doubao"),
    "Leonardo": ("leonardo",),
    "Ideogram": ("ideogram",),
    "Firefly": ("firefly",),
    "NovelAI": ("novelai",),
}

PROMPT_LABEL = re.compile(
    r"^\s*(?:/imagine\s+)?(prompts?|提示词|提示語|提示语|提示詞|描述|关键词|プロンプト|プロンブト|咒语)\s*[:：]?\s*(.*)$",
    re.IGNORECASE,
)
_PROMPT_VERB = re.compile(
    r"^(生成|画|绘制|创作|請生成|请生成|描绘|generate|draw|create|paint|a |an )", re.I
)


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def suggest_tags(text: str) -> list[str]:
    """Tags suggested from recognised platform names and prompt-like lines (never applied here)."""
    low = normalise(text).lower()
    tags = [f"platform:{name}" for name, keys in PLATFORMS.items() if any(k in low for k in keys)]
    if prompt_candidates_from_text(text):
        tags.append("has-prompt-text")
    return tags


def prompt_candidates_from_text(text: str) -> list[str]:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return prompt_candidates([OcrLine(ln, (0, 0, 0, 0), 100.0) for ln in lines])


def prompt_candidates(lines: Sequence[OcrLine]) -> list[str]:
    """Lines that look like a prompt: after a "prompt"-like label, or in the label's line."""
    found: list[str] = []
    for index, line in enumerate(lines):
        match = PROMPT_LABEL.match(normalise(line.text))
        if match:
            rest = match.group(2).strip()
            if rest:
                found.append(rest)
            elif index + 1 < len(lines):
                found.append(lines[index + 1].text.strip())
    if not found:
        found = [ln.text.strip() for ln in lines if _PROMPT_VERB.match(normalise(ln.text).strip())]
    return [f for f in dict.fromkeys(found) if f]


def text_in_region(lines: Sequence[OcrLine], region: tuple[int, int, int, int]) -> str:
    """The lines whose box centre lies inside ``region`` (left, top, width, height)."""
    left, top, width, height = region
    chosen = []
    for line in lines:
        cx = line.box[0] + line.box[2] / 2
        cy = line.box[1] + line.box[3] / 2
        if left <= cx <= left + width and top <= cy <= top + height:
            chosen.append(line.text)
    return _join_lines(chosen)


def _join_lines(texts: Sequence[str]) -> str:
    out = ""
    for text in texts:
        if out and not (_is_cjk(out[-1]) or _is_cjk(text[:1])):
            out += " "
        out += text
    return out.strip()


def suggest_prompt(
    record: OcrRecord, region: tuple[int, int, int, int] | None = None
) -> str | None:
    """The prompt the inspector offers: the marked region's text, else a labelled line."""
    if region is not None:
        return text_in_region(record.lines, region) or None
    candidates = prompt_candidates(record.lines)
    return candidates[0] if candidates else None


def add_recovered_prompt(
    case: Case, item_id: int, prompt: str, *, ocr_id: int, actor: str | None = None
) -> None:
    """Store an operator-confirmed prompt read by OCR: a marked note, never a recorded prompt."""
    from app.core.items import annotation_record

    text = prompt.strip()
    if not text:
        raise ProofshotError("The prompt is empty.")
    row = named_row(case.conn, "SELECT item_id FROM ocr_results WHERE id = ?", (ocr_id,))
    if row is None or int(row["item_id"]) != item_id:
        raise ProofshotError(f"OCR result {ocr_id} is not a result for item {item_id}.")
    with case.transaction():
        case.log(
            "item.ocr-prompt-confirmed",
            item_id=item_id,
            facts={
                "recovered_by": "ocr",
                "ocr_result_id": ocr_id,
                "confirmed_by": "operator",
                "captured": False,
            },
            records={
                "annotations": [annotation_record(case, item_id, "note", OCR_PROMPT_PREFIX + text)]
            },
            actor=actor,
        )


def character_error_rate(expected: str, got: str) -> float:
    """Levenshtein distance over the expected length, after NFKC and without whitespace."""
    a = "".join(normalise(expected).split())
    b = "".join(normalise(got).split())
    if not a:
        return 0.0 if not b else 1.0
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1] / len(a)
