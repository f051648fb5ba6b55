"""Hostile PDFs for `proofshot bundle verify` (#17, the brief's hostile-input standard).

A signed PDF whose attachment is a compression bomb (a small Flate stream of zeros that
declares a tiny size) is named and stops reading with bounded memory; an attachment in a
filter the verifier does not decode is named, not decoded; a PDF that is a symbolic link, or
that is swapped for one between the folder walk and the check, is refused and never opened;
and a PDF is parsed at most once per library, each library with its own read position.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tracemalloc
import zlib
from pathlib import Path

import pikepdf
import pytest
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers

from app.report.verify_bundle import (
    MAX_ATTACHMENT,
    BundleReport,
    TrustAnchors,
    _Checker,
    _Folder,
    _PdfFile,
    verify_bundle,
)
from tests.report.conftest import export, make_case, run_cli
from tests.report.pki import SignerFiles, make_signer

NONE = TrustAnchors()
BOMB = 512 << 20  # what the bomb inflates to: 512 MB of zeros from about half a megabyte


def _zeros_deflated(size: int) -> bytes:
    """``size`` zero bytes, Flate-compressed a megabyte at a time (never held inflated)."""
    packer = zlib.compressobj(9)
    block = bytes(1 << 20)
    parts = [packer.compress(block) for _ in range(size >> 20)]
    return b"".join([*parts, packer.flush()])


@pytest.fixture(scope="module")
def signer(tmp_path_factory: pytest.TempPathFactory) -> SignerFiles:
    return make_signer(tmp_path_factory.mktemp("pki"))


def _signed_pdf_with(
    path: Path, signer: SignerFiles, name: str, raw: bytes, filt: pikepdf.Name
) -> Path:
    """A one-page PDF with one attachment whose stream holds ``raw`` as encoded by ``filt``,
    declaring a 10-byte size, then signed (no timestamp) so the verifier reads attachments."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.attachments[name] = pikepdf.AttachedFileSpec(pdf, b"0123456789", filename=name)
    stream = pdf.attachments[name].get_file().obj
    stream.write(raw, filter=filt)
    stream.Params = pikepdf.Dictionary(Size=10)
    plain = io.BytesIO()
    pdf.save(plain, stream_decode_level=pikepdf.StreamDecodeLevel.none, compress_streams=False)
    signer_obj = signers.SimpleSigner.load_pkcs12(
        str(signer.p12), passphrase=signer.passphrase.encode()
    )
    assert signer_obj is not None
    out = io.BytesIO()
    signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(plain.getvalue())),
        signers.PdfSignatureMetadata(field_name="Signature1"),
        signer=signer_obj,
        output=out,
    )
    path.write_bytes(out.getvalue())
    return path


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return _zeros_deflated(BOMB)


@pytest.mark.parametrize(
    ("name", "bound"),
    [
        ("bundle.json", MAX_ATTACHMENT + (32 << 20)),  # kept to be read: up to the cap
        (f"natives/exhibit-1/a-{'0' * 64}.png", 32 << 20),  # only hashed, streamed
    ],
)
def test_a_compression_bomb_attachment_is_named_with_bounded_memory(
    tmp_path: Path, signer: SignerFiles, bomb: bytes, name: str, bound: int
) -> None:
    pdf = _signed_pdf_with(tmp_path / "bomb.pdf", signer, name, bomb, pikepdf.Name.FlateDecode)
    assert pdf.stat().st_size < 2 << 20
    tracemalloc.start()
    try:
        report = verify_bundle(pdf, anchors=NONE)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.has("attachment-bomb"), report.problems
    assert any(f"Attachment {name} inflates beyond" in p for p in report.problems)
    assert report.verdict == "NOT INTACT" and report.exit_code == 2
    assert peak < bound < BOMB, f"peak {peak:,} bytes while the attachment inflates to {BOMB:,}"
    assert run_cli("verify-bundle", pdf) == 2


def test_an_attachment_in_a_filter_not_decoded_here_is_named(
    tmp_path: Path, signer: SignerFiles
) -> None:
    encoded = b"3031323334353637383930>"  # "0123456789" in ASCIIHex
    pdf = _signed_pdf_with(
        tmp_path / "hex.pdf", signer, "bundle.json", encoded, pikepdf.Name.ASCIIHexDecode
    )
    report = verify_bundle(pdf, anchors=NONE)
    assert report.has("attachment-filter"), report.problems
    assert (
        "Attachment bundle.json is encoded with /ASCIIHexDecode the verifier does not decode; "
        "it was not checked." in report.problems
    )
    assert report.exit_code == 2


def test_a_plain_flate_attachment_is_still_read_and_hashed(
    tmp_path: Path, signer: SignerFiles
) -> None:
    body = b"native bytes " * 1000
    name = f"natives/exhibit-1/a-{hashlib.sha256(body).hexdigest()}.png"
    pdf = _signed_pdf_with(
        tmp_path / "ok.pdf", signer, name, zlib.compress(body), pikepdf.Name.FlateDecode
    )
    report = verify_bundle(pdf, anchors=NONE)
    assert report.attachments == 1 and name not in report.changed
    assert not report.has("attachment-bomb") and not report.has("attachment-filter")
    wrong = f"natives/exhibit-1/a-{'1' * 64}.png"
    bad = verify_bundle(
        _signed_pdf_with(
            tmp_path / "bad.pdf", signer, wrong, zlib.compress(body), pikepdf.Name.FlateDecode
        ),
        anchors=NONE,
    )
    assert wrong in bad.changed


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("archive")
    make_case(root / "case.proofshot", None)
    result = export(root / "case.proofshot", root / "out", None, profile="archive")
    assert result.archive_folder is not None
    return Path(result.archive_folder)


def test_a_pdf_given_as_a_symlink_to_a_real_pdf_is_refused(archive: Path, tmp_path: Path) -> None:
    real = next((archive / "filing").glob("*.pdf"))
    link = tmp_path / "link.pdf"
    link.symlink_to(real)
    report = verify_bundle(link, anchors=NONE)
    assert report.exit_code == 2 and report.files_checked == 0
    assert f"{link} is a symbolic link, not a bundle; it was not opened." in report.problems


def test_a_filing_pdf_swapped_for_a_symlink_after_the_walk_is_not_followed(
    archive: Path, tmp_path: Path
) -> None:
    folder = Path(shutil.copytree(archive, tmp_path / "archive"))
    pdf = next((folder / "filing").glob("*.pdf"))
    report = BundleReport(str(folder), "folder")
    source = _Folder(folder, report)  # the walk sees a regular file
    stash = tmp_path / "real.pdf"
    os.replace(pdf, stash)
    pdf.symlink_to(stash)  # swapped between the walk and the check
    _Checker(source, report, NONE).run()
    assert f"{pdf.name} is a symbolic link; it was not followed." in report.problems
    assert report.has("unsafe")


def test_a_pdf_is_parsed_once_per_library_each_with_its_own_position(archive: Path) -> None:
    path = next((archive / "filing").glob("*.pdf"))
    with _PdfFile.opened(path) as pdf:
        first = pdf.pikepdf()
        reader = pdf.pypdf()
        text = reader.pages[0].extract_text()  # pypdf moves through the file …
        assert len(first.pages) == len(reader.pages)  # … and pikepdf still reads its own way
        assert pdf.pikepdf() is first and pdf.pypdf() is reader
        assert pdf.pyhanko() is pdf.pyhanko()
        assert pdf.sha256() == hashlib.sha256(path.read_bytes()).hexdigest()
        assert text and pikepdf.unparse_content_stream(
            pikepdf.parse_content_stream(first.pages[-1])
        )
    broken = _PdfFile(io.BytesIO(b"%PDF-1.7 not really"), "broken.pdf")
    with pytest.raises(Exception) as once:
        broken.pikepdf()
    with pytest.raises(Exception) as twice:
        broken.pikepdf()
    assert once.value is twice.value  # the failure is kept, not parsed again


def test_the_capped_decoder_on_its_own() -> None:
    from app.report.verify_bundle import _decoded, _Refused

    pdf = pikepdf.new()
    body = bytes(range(256)) * 40_000  # 10 MB that barely compresses
    plain = pikepdf.Stream(pdf, body)
    assert b"".join(_decoded(plain, "plain", limit=len(body))) == body
    with pytest.raises(_Refused) as over:
        list(_decoded(plain, "plain", limit=len(body) - 1))
    assert over.value.code == "attachment-bomb"
    assert "more than an attachment read whole may be" in over.value.message
    flate = pikepdf.Stream(pdf, b"")
    flate.write(_zeros_deflated(8 << 20), filter=pikepdf.Name.FlateDecode)  # ~8 KB -> 8 MB
    with pytest.raises(_Refused) as bomb:
        list(_decoded(flate, "zeros", limit=1 << 40))
    assert "a compression bomb" in bomb.value.message
    damaged = pikepdf.Stream(pdf, b"")
    damaged.write(b"not deflate at all", filter=pikepdf.Name.FlateDecode)
    with pytest.raises(_Refused) as broken:
        list(_decoded(damaged, "broken", limit=1 << 20))
    assert broken.value.code == "damaged"
    predictor = pikepdf.Stream(pdf, b"")
    predictor.write(zlib.compress(b"x"), filter=pikepdf.Name.FlateDecode)
    predictor.DecodeParms = pikepdf.Dictionary(Predictor=12)
    with pytest.raises(_Refused) as refused:
        list(_decoded(predictor, "predicted", limit=1 << 20))
    assert refused.value.code == "attachment-filter"
