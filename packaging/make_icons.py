"""Render the app icon set for the installers from ``resources/icons/proofshot.svg``.

Writes, under ``packaging/icons/``:

- ``hicolor/NxN/apps/org.proofshot.Proofshot.png`` and ``hicolor/scalable/apps/….svg``: the
  freedesktop icon theme layout the .desktop file and AppStream metadata refer to;
- ``proofshot.ico`` (Windows: 16–256 px in one file) and ``proofshot.icns`` (macOS).

Each size is rendered from the vector (QtSvg) rather than scaled from one bitmap, so small
sizes stay sharp. The outputs are committed; run this again only when the SVG changes:
``QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/make_icons.py``.
"""

from __future__ import annotations

import io
import shutil
import sys
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QBuffer, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SVG = ROOT / "resources" / "icons" / "proofshot.svg"
OUT = HERE / "icons"
APP_ID = "org.proofshot.Proofshot"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(renderer: QSvgRenderer, side: int) -> Image.Image:
    image = QImage(side, side, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return Image.open(io.BytesIO(bytes(buffer.data()))).convert("RGBA")


def main() -> int:
    _app = QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"cannot render {SVG}")
    images = {side: render(renderer, side) for side in SIZES}
    for side, img in images.items():
        target = OUT / "hicolor" / f"{side}x{side}" / "apps" / f"{APP_ID}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        img.save(target, optimize=True)
    scalable = OUT / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SVG, scalable)
    images[256].save(OUT / "proofshot.ico", sizes=[(s, s) for s in ICO_SIZES])
    images[512].save(OUT / "proofshot.icns")
    print(f"wrote {len(images)} PNG sizes, the SVG, proofshot.ico and proofshot.icns to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
