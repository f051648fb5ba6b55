"""Evidence images embedded in the PDF as their own compressed bytes, not decoded and re-encoded.

A PNG's IDAT data is already a Flate stream with PNG predictors, which PDF can read as is
(``/DecodeParms << /Predictor 15 >>``); a JPEG is already a DCT stream. Passing them through
is what img2pdf does: the PDF then holds exactly the pixel data of the native, and the export
skips the decode-and-deflate that dominates ReportLab's time on image-heavy bundles.

Only formats PDF can show directly pass through: non-interlaced PNG in grey, RGB or palette
without transparency, and baseline or progressive JPEG in grey or RGB. Anything else (alpha,
interlacing, CMYK JPEG, crops of tall screenshots) goes through ReportLab's normal path.

ReportLab has no public call for a pre-compressed image, so :func:`draw_passthrough` registers
the XObject the way ``Canvas.drawImage`` does internally; it names it after the file's SHA-256
so the same image drawn twice is stored once, and the name is stable across runs.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image
from reportlab.pdfbase import pdfdoc

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_COLOURS = {0: ("DeviceGray", 1), 2: ("DeviceRGB", 3), 3: ("Indexed", 1)}


@dataclass(frozen=True)
class PassthroughImage:
    path: Path
    kind: str  # png | jpeg
    width: int
    height: int
    bits: int
    colour_space: str
    colours: int
    palette: bytes = b""


def probe(path: Path, media_type: str) -> PassthroughImage | None:
    """What to embed for ``path`` without decoding it, or None when it must be decoded."""
    try:
        if media_type == "image/png":
            return _probe_png(path)
        if media_type == "image/jpeg":
            return _probe_jpeg(path)
    except (OSError, ValueError, struct.error, zlib.error):
        return None
    return None


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    if not data.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG")
    pos = len(PNG_SIGNATURE)
    out = []
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if len(body) != length:
            raise ValueError("truncated PNG chunk")
        out.append((kind, body))
        pos += 12 + length
        if kind == b"IEND":
            break
    return out


def _probe_png(path: Path) -> PassthroughImage | None:
    """Read chunk headers up to the first IDAT, skipping bodies (metadata can be megabytes)."""
    header = palette = b""
    transparency = False
    with open(path, "rb") as handle:
        if handle.read(8) != PNG_SIGNATURE:
            return None
        while True:
            head = handle.read(8)
            if len(head) < 8:
                return None
            length, kind = struct.unpack(">I4s", head)
            if kind == b"IDAT":
                break
            if kind in (b"IHDR", b"PLTE"):
                body = handle.read(length)
                if kind == b"IHDR":
                    header = body
                else:
                    palette = body
                handle.seek(4, 1)
            else:
                transparency = transparency or kind == b"tRNS"
                handle.seek(length + 4, 1)
    if len(header) != 13 or transparency:
        return None
    width, height, bits, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    if interlace or colour not in _PNG_COLOURS:
        return None
    if bits not in (1, 2, 4, 8, 16) or (colour == 3 and (bits == 16 or not palette)):
        return None
    if colour != 3 and bits < 8:
        return None
    space, colours = _PNG_COLOURS[colour]
    return PassthroughImage(
        path, "png", width, height, bits, space, colours, palette if colour == 3 else b""
    )


def _probe_jpeg(path: Path) -> PassthroughImage | None:
    with Image.open(path) as img:
        if img.format != "JPEG" or img.mode not in ("RGB", "L"):
            return None
        width, height = img.size
        mode = img.mode
    space, colours = ("DeviceRGB", 3) if mode == "RGB" else ("DeviceGray", 1)
    return PassthroughImage(path, "jpeg", width, height, 8, space, colours)


class _HexString:
    """A PDF hex string (``<…>``): palettes are binary, and ReportLab's strings are text."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document: Any) -> bytes:
        return b"<" + self.data.hex().encode("ascii") + b">"


class _PassthroughXObject(pdfdoc.PDFImageXObject):
    """An image XObject whose stream is the file's own compressed data."""

    def __init__(self, name: str, image: PassthroughImage) -> None:
        self.name = name
        self.image = image
        self.width = image.width
        self.height = image.height
        self.mask = None
        data = image.path.read_bytes()
        if image.kind == "png":
            self.streamContent = b"".join(body for kind, body in _chunks(data) if kind == b"IDAT")
        else:
            self.streamContent = data

    def format(self, document: Any) -> bytes:
        image = self.image
        stream = pdfdoc.PDFStream(content=self.streamContent)
        d = stream.dictionary
        d["Type"] = pdfdoc.PDFName("XObject")
        d["Subtype"] = pdfdoc.PDFName("Image")
        d["Width"] = image.width
        d["Height"] = image.height
        d["BitsPerComponent"] = image.bits
        if image.colour_space == "Indexed":
            entries = len(image.palette) // 3
            d["ColorSpace"] = pdfdoc.PDFArray(
                [
                    pdfdoc.PDFName("Indexed"),
                    pdfdoc.PDFName("DeviceRGB"),
                    entries - 1,
                    _HexString(image.palette),
                ]
            )
        else:
            d["ColorSpace"] = pdfdoc.PDFName(image.colour_space)
        if image.kind == "png":
            d["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])
            d["DecodeParms"] = pdfdoc.PDFArray(
                [
                    pdfdoc.PDFDictionary(
                        {
                            "Predictor": 15,
                            "Colors": image.colours,
                            "BitsPerComponent": image.bits,
                            "Columns": image.width,
                        }
                    )
                ]
            )
        else:
            d["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName("DCTDecode")])
        return stream.format(document)


def draw_passthrough(
    canv: Any, image: PassthroughImage, key: str, x: float, y: float, width: float, height: float
) -> None:
    """Draw ``image`` at (x, y) scaled to width × height, registering it once per document."""
    name = f"PSImg{key[:40]}"
    doc = canv._doc
    reg_name = doc.getXObjectName(name)
    if doc.idToObject.get(reg_name) is None:
        xobject = _PassthroughXObject(name, image)
        canv._setXObjects(xobject)
        doc.Reference(xobject, reg_name)
        doc.addForm(name, xobject)
    canv._currentPageHasImages = 1
    canv.saveState()
    canv.translate(x, y)
    canv.scale(width, height)
    canv._code.append(f"/{reg_name} Do")
    canv.restoreState()
    canv._formsinuse.append(name)
