"""The signed archive PDF: PAdES B-T over PDF/A-3 with the natives attached, checked by pyHanko and pdfsig."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from app.core.errors import ProofshotError
from app.report.signing import SIGNING_SERVICE, store_signing_passphrase
from app.report.verify_bundle import verify_bundle
from tests.memory_keyring import MemoryKeyring
from tests.report.conftest import Exported, anchors_for, export, make_case, run_cli
from tests.report.pki import SignerFiles, make_signer
from tests.tsa_server import TsaServer


@pytest.fixture(scope="module")
def signer(tmp_path_factory: pytest.TempPathFactory) -> SignerFiles:
    return make_signer(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def signed(
    tmp_path_factory: pytest.TempPathFactory,
    module_tsa: TsaServer,
    module_keyring: MemoryKeyring,
    signer: SignerFiles,
) -> Iterator[Exported]:
    root = tmp_path_factory.mktemp("signed")
    ids = make_case(root / "case.proofshot", module_tsa)
    store_signing_passphrase(signer.p12, signer.passphrase)
    result = export(
        root / "case.proofshot", root / "out", module_tsa, lang="en+zh", sign=signer.p12
    )
    yield Exported(root / "case.proofshot", root / "out", result, ids, module_tsa.url)


def _certs(pem: bytes) -> list[asn1_x509.Certificate]:
    return [asn1_x509.Certificate.load(der) for _, _, der in asn1_pem.unarmor(pem, multiple=True)]


def test_signed_pdf_validates_with_pyhanko_as_pades_b_t(
    signed: Exported, signer: SignerFiles, module_tsa: TsaServer
) -> None:
    assert signed.result.signed is not None
    with open(signed.result.signed, "rb") as handle:
        reader = PdfFileReader(handle)
        (sig,) = reader.embedded_signatures
        status = validate_pdf_signature(
            sig,
            signer_validation_context=ValidationContext(
                trust_roots=_certs(signer.ca_pem.read_bytes()), allow_fetching=False
            ),
            ts_validation_context=ValidationContext(
                trust_roots=_certs(module_tsa.ca_pem), allow_fetching=False
            ),
        )
    assert status.intact and status.valid and status.trusted
    assert status.coverage.name == "ENTIRE_FILE"
    assert status.timestamp_validity is not None
    assert (
        status.timestamp_validity.intact
        and status.timestamp_validity.valid
        and status.timestamp_validity.trusted
    )
    assert sig.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert "Alice Analyst (test signer)" in status.signing_cert.subject.human_friendly


def test_pdfsig_reports_the_signature_valid_over_the_whole_document(signed: Exported) -> None:
    out = subprocess.run(
        ["pdfsig", str(signed.result.signed)], capture_output=True, text=True
    ).stdout
    assert "Signature is Valid." in out
    assert "Total document signed" in out
    assert "ETSI.CAdES.detached" in out


def test_signed_pdf_is_pdfa3_with_natives_attached_as_source(signed: Exported) -> None:
    assert signed.result.signed is not None
    with pikepdf.open(signed.result.signed) as pdf:
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "3"
        assert pdf.pdf_version <= "1.7"
        names = set(pdf.attachments)
        natives = {n for n in names if n.startswith("natives/")}
        assert len(natives) >= 10
        assert {"custody-log.jsonl", "bundle.json", "tokens/tokens.json"} <= names
        af = [str(spec.get("/UF") or spec.get("/F")) for spec in pdf.Root.AF]
        assert set(af) == names
        for spec in pdf.Root.AF:
            name = str(spec.get("/UF"))
            relationship = spec.AFRelationship
            assert relationship == ("/Source" if name.startswith("natives/") else "/Supplement")
            stream = spec.EF.F
            assert "/Subtype" in stream and "/ModDate" in stream.Params


def test_verify_bundle_accepts_the_signed_pdf_alone_and_rejects_a_tampered_one(
    signed: Exported, tmp_path: Path, module_tsa: TsaServer
) -> None:
    assert signed.result.signed is not None
    report = verify_bundle(signed.result.signed, anchors=anchors_for(module_tsa))
    assert report.ok, report.problems
    assert report.verdict == "INTACT" and report.signatures[0]["timestamp_trusted"]
    assert report.kind == "pdf" and report.attachments >= 13
    assert (
        report.signatures[0]["timestamp_ok"] and report.signatures[0]["coverage"] == "ENTIRE_FILE"
    )
    assert report.chain["intact"]
    tampered = tmp_path / "tampered.pdf"
    data = bytearray(signed.result.signed.read_bytes())
    where = data.find(b"/Title")
    data[where + 8] ^= 0x01
    tampered.write_bytes(bytes(data))
    bad = verify_bundle(tampered, anchors=anchors_for(module_tsa))
    assert not bad.ok
    appended = tmp_path / "appended.pdf"
    appended.write_bytes(signed.result.signed.read_bytes() + b"\n% added later\n")
    assert run_cli("verify-bundle", appended) == 2


def test_signed_pdf_is_in_the_archive_and_its_manifest(
    signed: Exported, module_tsa: TsaServer
) -> None:
    folder = signed.result.archive_folder
    assert folder is not None and signed.result.signed is not None
    assert (
        folder / "signed" / signed.result.signed.name
    ).read_bytes() == signed.result.signed.read_bytes()
    assert f"signed/{signed.result.signed.name}" in (folder / "SHA256SUMS").read_text("utf-8")
    assert "pdfsig signed/" in (folder / "VERIFY.txt").read_text("utf-8")
    report = verify_bundle(folder, anchors=anchors_for(module_tsa))
    assert report.ok, report.problems
    assert any(s["file"].startswith("signed/") and s["ok"] for s in report.signatures)


def test_passphrase_is_never_written_to_the_case_or_the_export(
    signed: Exported, signer: SignerFiles
) -> None:
    needle = signer.passphrase.encode()
    checked = 0
    for root in (signed.case_path, signed.out):
        for path in root.rglob("*"):
            if path.is_file():
                assert needle not in path.read_bytes(), f"passphrase found in {path}"
                checked += 1
    assert checked > 20
    with pikepdf.open(signed.result.signed) as pdf:  # inside compressed attachments too
        for name, spec in pdf.attachments.items():
            assert needle not in spec.get_file().read_bytes(), name


def test_signing_without_a_passphrase_in_the_keyring_fails_plainly_and_leaves_nothing(
    tmp_path: Path, tsa_server: TsaServer, signer: SignerFiles
) -> None:
    make_case(tmp_path / "case.proofshot", tsa_server)
    with pytest.raises(ProofshotError, match="keyring"):
        export(tmp_path / "case.proofshot", tmp_path / "out", tsa_server, sign=signer.p12)
    leftovers = [p for p in (tmp_path / "out").iterdir()] if (tmp_path / "out").exists() else []
    assert leftovers == []


def test_passphrase_is_read_from_the_signing_service(
    memory_keyring: MemoryKeyring, signer: SignerFiles
) -> None:
    store_signing_passphrase(signer.p12, "s3cret")
    keys = list(memory_keyring.store)
    assert keys == [(SIGNING_SERVICE, str(signer.p12.resolve()))]
    assert "s3cret" in memory_keyring.store[keys[0]]
