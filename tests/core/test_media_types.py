"""Stored files get the type their content shows: a WACZ is not a Word file, MHTML not e-mail."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from app.capture.warc import ArchivePage, WarcSink, package_wacz
from app.core.ingest import Acquisition, add_bytes
from app.core.media import sniff
from app.report.model import extension_for
from tests.capture.test_warc_and_environment import _exchange
from tests.core.helpers import make_case

MHTML = (
    b"From: <Saved by Blink>\r\n"
    b"Snapshot-Content-Location: https://example.test/\r\n"
    b"Subject: Example\r\n"
    b"Date: Mon, 7 Dec 2026 10:00:00 -0000\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/related;\r\n\ttype="text/html";\r\n'
    b'\tboundary="----MultipartBoundary--abc----"\r\n\r\n'
    b"------MultipartBoundary--abc----\r\nContent-Type: text/html\r\n"
    b"Content-Location: https://example.test/\r\n\r\n<html>hi</html>\r\n"
    b"------MultipartBoundary--abc------\r\n"
)
EMAIL = (
    b"From: alice@example.test\r\nTo: bob@example.test\r\nSubject: hi\r\n"
    b"MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nHello\r\n"
)


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _sniffed(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return sniff(path, data[:8192]).media_type


def _real_wacz(tmp_path: Path) -> bytes:
    sink = WarcSink(tmp_path / "s.warc.gz", session_id="abc")
    page = _exchange()
    page.url, page.resource_type, page.body = "https://example.test/", "Document", b"<html/>"
    page.response_headers = {"Content-Type": "text/html"}
    sink.write_exchange(page)
    sink.close()
    out = package_wacz(
        tmp_path / "s.warc.gz",
        tmp_path / "s.wacz",
        [ArchivePage("https://example.test/", 1_700_000_000.0, "Example")],
        title="Test",
    )
    return out.read_bytes()


def test_a_wacz_made_by_the_capture_is_stored_as_application_wacz(tmp_path: Path) -> None:
    data = _real_wacz(tmp_path)
    case = make_case(tmp_path)
    item_id = add_bytes(case, data, Acquisition(kind="web-archive", method="t", source="s")).item_id
    row = case.conn.execute("SELECT media_type FROM items WHERE id = ?", (item_id,)).fetchone()
    case.close()
    assert row[0] == "application/wacz"
    assert extension_for(row[0]) == ".wacz"


def test_zip_types_come_from_the_members_not_the_magic(tmp_path: Path) -> None:
    wacz = _zip({"datapackage.json": b"{}", "archive/data.warc.gz": b""})
    docx = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})
    plain = _zip({"notes.txt": b"hello"})
    assert _sniffed(tmp_path, "a.bin", wacz) == "application/wacz"
    assert _sniffed(tmp_path, "b.bin", docx).endswith("wordprocessingml.document")
    assert _sniffed(tmp_path, "c.bin", plain) == "application/zip"


def test_a_declared_mimetype_member_is_read_only_as_far_as_its_first_bytes(tmp_path: Path) -> None:
    epub = _zip({"mimetype": b"application/epub+zip", "OEBPS/a.xhtml": b"<html/>"})
    # A hostile "mimetype" that inflates far past a type name is never read whole.
    padded = _zip({"mimetype": b"application/x-test" + b" " * 82 + b"\x00" * 5_000_000})
    assert _sniffed(tmp_path, "d.bin", epub) == "application/epub+zip"
    assert _sniffed(tmp_path, "e.bin", padded) == "application/x-test"


def test_mhtml_is_multipart_related_and_an_email_is_not(tmp_path: Path) -> None:
    assert _sniffed(tmp_path, "page.eml", MHTML) == "multipart/related"
    assert extension_for("multipart/related") == ".mhtml"
    assert _sniffed(tmp_path, "mail.eml", EMAIL) != "multipart/related"


def test_image_media_type_of_bytes_in_memory_is_the_one_table_capture_uses() -> None:
    from app.capture import generations
    from app.core import media

    assert generations.image_media_type is media.image_media_type  # one home, re-exported
    assert media.image_media_type(b"\x89PNG\r\n\x1a\n" + b"\0" * 8) == "image/png"
    assert media.image_media_type(b"\xff\xd8\xff\xe0") == "image/jpeg"
    assert media.image_media_type(b"GIF89a....") == "image/gif"
    assert media.image_media_type(b"RIFF\0\0\0\0WEBPVP8 ") == "image/webp"
    assert media.image_media_type(b"\0\0\0\x1cftypavif") == "image/avif"
    assert media.image_media_type(b"<html>") is None
    assert media.image_media_type(b"") is None


def test_image_size_reads_the_header_and_shrugs_at_garbage() -> None:
    from PIL import Image

    from app.core.media import image_size

    buf = io.BytesIO()
    Image.new("RGB", (37, 21)).save(buf, "PNG")
    assert image_size(buf.getvalue()) == (37, 21)
    assert image_size(b"not an image") is None
