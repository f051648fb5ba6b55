"""Thumbnails (pixel limit, disk cache by hash), the task helper, translations, icons."""

from __future__ import annotations

import struct
import threading
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtGui import QIcon
from pytestqt.qtbot import QtBot

from app.core.jobs import Progress
from app.gui.i18n import LANGUAGES, qm_path
from app.gui.icons import ICONS, app_icon, failure_text
from app.gui.tasks import TaskRunner
from app.gui.thumbnails import (
    MAX_DECODE_PIXELS,
    ThumbnailCache,
    ThumbnailRefused,
    cache_file,
    decode_limited,
)
from tests.core.helpers import png_bytes, write

TS_DIR = Path(__file__).resolve().parents[2] / "resources" / "translations"


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares ``width`` x ``height`` but holds almost no data: a bomb's header."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("side", [9000, 40000])
def test_thumbnail_decoding_refuses_images_over_the_pixel_limit(tmp_path: Path, side: int) -> None:
    assert side * side > MAX_DECODE_PIXELS
    bomb = write(tmp_path / "bomb.png", png_header_only(side, side))
    with pytest.raises(ThumbnailRefused) as caught:
        decode_limited(bomb, 160)
    assert caught.value.failure.code == "too-large"
    assert "too large" in failure_text(caught.value.failure)


def test_damaged_image_gets_a_reason_not_a_crash(tmp_path: Path) -> None:
    broken = write(tmp_path / "broken.png", png_bytes()[:60])
    with pytest.raises(ThumbnailRefused) as caught:
        decode_limited(broken, 160)
    assert caught.value.failure.code == "undecodable"


def test_thumbnail_cache_decodes_off_the_gui_thread_and_stores_by_sha256(
    qtbot: QtBot, tmp_path: Path
) -> None:
    source = write(tmp_path / "objects" / "abc", png_bytes("red", (640, 320)))
    runner = TaskRunner()
    cache = ThumbnailCache(runner, lambda sha: source, side=160, root=tmp_path / "thumbs")
    sha = "ab" + "0" * 62
    assert cache.pixmap(sha, "image/png") is None  # scheduled, not decoded here
    with qtbot.waitSignal(cache.ready, timeout=10000) as ready:
        pass
    assert ready.args == [sha]
    pix = cache.pixmap(sha, "image/png")
    assert (pix.width(), pix.height()) == (160, 80)
    assert cache_file(tmp_path / "thumbs", sha, 160).is_file()
    assert cache.pixmap("cd" + "0" * 62, "text/html") is None
    assert cache.failure("cd" + "0" * 62).code == "not-image"
    runner.shutdown()


def test_task_runner_delivers_results_errors_and_progress_on_the_gui_thread(
    qtbot: QtBot,
) -> None:
    runner = TaskRunner(serial=True)
    gui_thread = threading.get_ident()
    seen: list[tuple[str, object, bool]] = []

    class CountJob:
        title = "count"

        def run(self, progress, cancel):  # type: ignore[no-untyped-def]
            for i in range(1, 4):
                progress(Progress(i, 3, ""))
            return threading.get_ident()

    def fail() -> None:
        raise ValueError("no")

    runner.run_job(
        CountJob(),
        lambda worker: seen.append(("done", worker, threading.get_ident() == gui_thread)),
        on_progress=lambda p: seen.append(
            ("progress", p.done, threading.get_ident() == gui_thread)
        ),
    )
    runner.run(
        fail, on_error=lambda e: seen.append(("error", str(e), threading.get_ident() == gui_thread))
    )
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    assert all(on_gui for _, _, on_gui in seen)
    kinds = [k for k, _, _ in seen]
    assert kinds[-2:] == ["done", "error"] and "progress" in kinds
    worker = next(v for k, v, _ in seen if k == "done")
    assert worker != gui_thread
    runner.shutdown()


def test_every_shipped_language_loads_and_every_string_is_translated() -> None:
    for language in LANGUAGES:
        translator = QTranslator()
        assert translator.load(str(qm_path(language))), language
    for ts_file, minimum in (
        (TS_DIR / "proofshot_zh_CN.ts", 250),
        (TS_DIR / "proofshot_en.ts", 10),
    ):
        root = ET.parse(ts_file).getroot()
        unfinished = [
            m.findtext("source")
            for m in root.iter("message")
            if m.find("translation").get("type") in ("unfinished", "vanished", "obsolete")
        ]
        assert unfinished == [], ts_file.name
        assert len(list(root.iter("message"))) >= minimum


@pytest.mark.parametrize(
    ("language", "count", "expected"),
    [("zh_CN", 12, "12 个证据项"), ("en", 1, "1 item"), ("en", 12, "12 items")],
)
def test_plural_forms_are_translated(
    qtbot: QtBot, language: str, count: int, expected: str
) -> None:
    translator = QTranslator()
    assert translator.load(str(qm_path(language)))
    app = QCoreApplication.instance()
    app.installTranslator(translator)
    try:
        text = QCoreApplication.translate("MainWindow", "%n item(s)", "", count)
    finally:
        app.removeTranslator(translator)
    assert text == expected


def test_every_icon_in_the_resources_loads(qtbot: QtBot) -> None:
    files = sorted(ICONS.iterdir())
    assert files
    for path in files:
        icon = QIcon(str(path))
        assert not icon.isNull() and not icon.pixmap(32, 32).isNull(), path.name
    assert not app_icon().isNull()
