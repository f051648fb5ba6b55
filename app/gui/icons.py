"""Icons and placeholders: the app icon from resources, the rest drawn once and reused."""

from __future__ import annotations

import hashlib
from functools import cache

from PySide6.QtCore import QCoreApplication, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPen, QPixmap

from app.gui.i18n import RESOURCES
from app.gui.thumbnails import ThumbnailFailure

ICONS = RESOURCES / "icons"


def app_icon() -> QIcon:
    icon = QIcon()
    for name in ("proofshot.svg", "proofshot-256.png", "proofshot-64.png"):
        path = ICONS / name
        if path.is_file():
            icon.addFile(str(path))
    return icon


def tag_colour(tag: str) -> QColor:
    """A stable colour per tag: the same tag looks the same in every view and every session."""
    digest = hashlib.sha256(tag.encode("utf-8")).digest()
    hue = int.from_bytes(digest[:2], "big") % 360
    return QColor.fromHsv(hue, 150, 200)


def tag_text_colour(background: QColor) -> QColor:
    return QColor("#111111") if background.lightness() > 140 else QColor("#ffffff")


@cache
def placeholder(label: str, side: int, tone: str = "neutral") -> QPixmap:
    """A flat tile naming what is shown instead of a picture ("HTML", "Too large"…)."""
    colours = {
        "neutral": ("#e8eaed", "#5f6368"),
        "loading": ("#f1f3f4", "#9aa0a6"),
        "warning": ("#fce8e6", "#a50e0e"),
    }
    bg, fg = colours.get(tone, colours["neutral"])
    pix = QPixmap(side, side)
    pix.fill(QColor(bg))
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor(fg), 2))
    if tone == "warning":
        painter.drawEllipse(QRectF(side / 2 - 14, side / 2 - 40, 28, 28))
        painter.drawText(
            QRectF(side / 2 - 14, side / 2 - 40, 28, 28), Qt.AlignmentFlag.AlignCenter, "!"
        )
    font = QFont(painter.font())
    font.setPixelSize(max(10, side // 12))
    painter.setFont(font)
    painter.drawText(
        QRectF(8, side / 2, side - 16, side / 2 - 8),
        Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
        label,
    )
    painter.end()
    return pix


def media_short_label(media_type: str) -> str:
    """ "PNG", "HTML", "MP4"… from a media type, for placeholders of things not drawn."""
    sub = media_type.split("/", 1)[-1].split(";", 1)[0]
    sub = sub.removeprefix("x-").removeprefix("vnd.")
    return {"svg+xml": "SVG", "octet-stream": "BIN", "plain": "TXT"}.get(sub, sub[:8].upper())


def failure_text(failure: ThumbnailFailure) -> str:
    """The sentence a tooltip shows for a placeholder."""
    if failure.code == "too-large":
        return QCoreApplication.translate(
            "Thumbnails", "Not drawn: the image is too large to decode safely ({size})."
        ).format(size=failure.detail)
    if failure.code == "missing":
        return QCoreApplication.translate(
            "Thumbnails", "Not drawn: the original file is missing from the case."
        )
    if failure.code == "not-image":
        return QCoreApplication.translate(
            "Thumbnails", "Not an image ({type}); no picture is drawn."
        ).format(type=failure.detail)
    return QCoreApplication.translate(
        "Thumbnails", "Not drawn: the image could not be decoded ({detail})."
    ).format(detail=failure.detail)


def failure_placeholder(failure: ThumbnailFailure, side: int) -> QPixmap:
    if failure.code == "not-image":
        return placeholder(media_short_label(failure.detail), side, "neutral")
    if failure.code == "too-large":
        return placeholder(QCoreApplication.translate("Thumbnails", "Too large"), side, "warning")
    if failure.code == "missing":
        return placeholder(QCoreApplication.translate("Thumbnails", "Missing"), side, "warning")
    return placeholder(QCoreApplication.translate("Thumbnails", "Cannot decode"), side, "warning")
