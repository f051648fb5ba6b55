"""Builders and waits shared by the window tests."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from app.core import items
from app.core.case import Case
from app.core.ingest import Acquisition, add_bytes
from tests.core.helpers import png_bytes

A1111_PARAMETERS = (
    "生成奥特曼, ultraman standing in the rain, masterpiece\n"
    "Negative prompt: 模糊, lowres, watermark\n"
    "Steps: 28, Sampler: DPM++ 2M Karras, CFG scale: 7, Seed: 1234567, Size: 512x768, "
    "Model hash: 6ce0161689, Model: anything-v5"
)


def build_case(path: Path, count: int = 6, *, operator: str = "Alice Analyst") -> Path:
    """A case whose first item carries A1111 parameters (Chinese prompt), the rest plain PNGs."""
    with Case.create(path, title="GUI test case", operator=operator) as case:
        for i in range(count):
            text = {"parameters": A1111_PARAMETERS} if i == 0 else None
            add_bytes(
                case,
                png_bytes((20 + i * 30 % 230, 90 + i // 7, 160), size=(96, 72), text=text),
                Acquisition(source=f"https://ai.example/result/{i + 1}"),
            )
        items.add_tag(case, [1, 2], "ultraman")
        items.add_tag(case, [3], "奥特曼")
    return path


def wait_idle(qtbot: QtBot, window: object, timeout: int = 15000) -> None:
    """Until the writer, the pool and the thumbnail queue have all finished and delivered."""
    qtbot.waitUntil(
        lambda: (
            not window.session.writer.busy  # type: ignore[attr-defined]
            and not window.session.pool.busy  # type: ignore[attr-defined]
            and window.thumbnails.idle
        ),  # type: ignore[attr-defined]
        timeout=timeout,
    )


REPO = Path(__file__).resolve().parents[2]
