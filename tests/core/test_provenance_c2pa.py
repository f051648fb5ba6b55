"""C2PA verdicts with reasons, trust anchors, ingredient AI origin and unreadable manifests,
checked against what the C2PA library itself reports on real third-party files and on
files signed here with a throwaway chain."""

from __future__ import annotations

import datetime
import io
import json
from pathlib import Path
from typing import Any

import c2pa
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.config import load_settings, save_settings
from app.core.provenance import extract_provenance, set_case_trust_anchors
from app.core.provenance.c2pa_manifest import (
    CASE_ANCHORS_FILE,
    CASE_ANCHORS_SETTING,
    READ_SETTINGS,
    TRUST_ANCHORS_ENV,
    TRUST_LIST_SETTING,
)
from tests.core.helpers import run_cli
from tests.core.test_provenance import (  # noqa: F401 - signing_chain is a fixture
    TRAINED,
    c2pa_sign,
    jpeg_bytes,
    signing_chain,
    write,
)

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "provenance"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "c2pa"
COMPOSITE = "http://cv.iptc.org/newscodes/digitalsourcetype/composite"


def library_report(path: Path, mime: str) -> dict[str, Any]:
    """What c2pa-python says about the file, read offline like the extractor does."""
    with (
        c2pa.Context.from_dict(READ_SETTINGS) as context,
        open(path, "rb") as stream,
        c2pa.Reader(mime, stream, context=context) as reader,
    ):
        return json.loads(reader.json())


def ca_pem(chain: bytes) -> str:
    """The CA certificate: the second PEM block of the test chain."""
    text = chain.decode("ascii")
    marker = "-----BEGIN CERTIFICATE-----"
    return marker + text.split(marker)[2]


REAL_FILES = [
    (SHARED / "C.jpg", "image/jpeg"),
    (SHARED / "CA.jpg", "image/jpeg"),
    (CORPUS / "c2pa-python" / "XCA.jpg", "image/jpeg"),
    (CORPUS / "c2pa-python" / "E-sig-CA.jpg", "image/jpeg"),
    (CORPUS / "sd-metadata" / "gemini_3.1pro.png", "image/png"),
]


@pytest.mark.parametrize(("path", "mime"), REAL_FILES, ids=lambda v: getattr(v, "name", v))
def test_verdict_and_every_status_match_the_c2pa_library(path: Path, mime: str) -> None:
    report = library_report(path, mime)
    manifest = extract_provenance(path, mime)["c2pa"]

    assert manifest["validation_state"] == report["validation_state"]
    expected = [
        {"code": s["code"], "explanation": s.get("explanation"), "url": s.get("url")}
        for s in report.get("validation_status", [])
    ]
    assert manifest["validation_statuses"] == expected
    assert manifest["verdict"] == report["validation_state"]
    failures = [s for s in expected if s["code"] != "signingCredential.untrusted"]
    for status in failures:  # every failure is stated in words in the reasons
        assert any(
            status["code"] in r and status["explanation"] in r for r in manifest["verdict_reasons"]
        )
    if manifest["verdict"] == "Invalid":
        assert failures


def test_invalid_real_file_reason_names_the_data_hash_mismatch() -> None:
    manifest = extract_provenance(CORPUS / "c2pa-python" / "XCA.jpg", "image/jpeg")["c2pa"]
    assert manifest["verdict"] == "Invalid"
    assert any(r.startswith("assertion.dataHash.mismatch: ") for r in manifest["verdict_reasons"])


def test_gemini_edit_finds_the_ai_origin_in_its_parent_manifest() -> None:
    """sd-metadata's own test expects aiGenerated true / trainedAlgorithmicMedia for this file;
    the active manifest only says "composite", the parent says trainedAlgorithmicMedia."""
    result = extract_provenance(CORPUS / "sd-metadata" / "gemini_3.1pro.png", "image/png")
    manifest = result["c2pa"]
    assert manifest["digital_source_type"] == COMPOSITE
    assert manifest["ai_generated"] is True
    assert manifest["ai_origin"]["digital_source_type"] == TRAINED
    assert manifest["ai_origin"]["depth"] == 1
    assert manifest["ai_origin"]["generator"].startswith("Google C2PA Core Generator Library")
    assert {"source": "c2pa-ingredient", "value": TRAINED, "ai_generated": True} in result[
        "ai_labels"
    ]


def test_prerelease_manifest_is_unreadable_with_the_library_reason() -> None:
    path = CORPUS / "c2pa-python" / "prerelease.jpg"
    with pytest.raises(c2pa.C2paError) as raised:
        library_report(path, "image/jpeg")
    manifest = extract_provenance(path, "image/jpeg")["c2pa"]
    assert manifest["validation_state"] == "unreadable"
    assert manifest["verdict"] == "unreadable"
    assert "prerelease" in str(raised.value)
    assert "prerelease" in manifest["verdict_reasons"][0]


def test_signed_file_is_valid_not_trusted_without_anchors(
    tmp_path: Path,
    signing_chain: tuple[bytes, bytes],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(TRUST_ANCHORS_ENV, raising=False)
    path = write(tmp_path, "s.jpg", c2pa_sign(signing_chain, jpeg_bytes(), "image/jpeg"))
    manifest = extract_provenance(path, "image/jpeg")["c2pa"]
    assert manifest["verdict"] == "Valid"
    assert manifest["trust_list_applied"] is False
    assert "not on the trust list" in manifest["verdict_reasons"][0]
    assert manifest["validation_statuses"][0]["code"] == "signingCredential.untrusted"
    assert manifest["validation_statuses"][0]["explanation"]


def test_per_case_anchor_makes_the_signed_file_trusted(
    tmp_path: Path,
    signing_chain: tuple[bytes, bytes],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(TRUST_ANCHORS_ENV, raising=False)
    path = write(tmp_path, "s.jpg", c2pa_sign(signing_chain, jpeg_bytes(), "image/jpeg"))
    manifest = extract_provenance(path, "image/jpeg", trust_anchors=ca_pem(signing_chain[0]))[
        "c2pa"
    ]
    assert manifest["validation_state"] == "Trusted"
    assert manifest["verdict"] == "Trusted"
    assert manifest["trust_list_applied"] is True


def test_user_trust_list_file_from_the_environment_makes_it_trusted(
    tmp_path: Path,
    signing_chain: tuple[bytes, bytes],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    anchors = tmp_path / "trust.pem"
    anchors.write_text(ca_pem(signing_chain[0]))
    monkeypatch.setenv(TRUST_ANCHORS_ENV, str(anchors))
    path = write(tmp_path, "s.jpg", c2pa_sign(signing_chain, jpeg_bytes(), "image/jpeg"))
    assert extract_provenance(path, "image/jpeg")["c2pa"]["verdict"] == "Trusted"


def unrelated_ca_pem() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Unrelated CA")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def test_an_unrelated_trust_list_leaves_the_file_untrusted(
    tmp_path: Path,
    signing_chain: tuple[bytes, bytes],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    anchors = tmp_path / "trust.pem"
    anchors.write_text(unrelated_ca_pem())
    monkeypatch.setenv(TRUST_ANCHORS_ENV, str(anchors))
    path = write(tmp_path, "s.jpg", c2pa_sign(signing_chain, jpeg_bytes(), "image/jpeg"))
    manifest = extract_provenance(path, "image/jpeg")["c2pa"]
    assert manifest["trust_list_applied"] is True
    assert manifest["verdict"] == "Valid"
    assert manifest["verdict_reasons"][0].endswith("not on the trust list in use.")
    assert manifest["validation_statuses"][0]["code"] == "signingCredential.untrusted"


def test_missing_trust_list_file_is_reported_not_fatal(
    tmp_path: Path,
    signing_chain: tuple[bytes, bytes],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(TRUST_ANCHORS_ENV, str(tmp_path / "missing.pem"))
    path = write(tmp_path, "s.jpg", c2pa_sign(signing_chain, jpeg_bytes(), "image/jpeg"))
    result = extract_provenance(path, "image/jpeg")
    assert result["c2pa"]["verdict"] == "Valid"
    assert any("trust list" in e and "could not be read" in e for e in result["errors"])


def test_signed_edit_of_an_ai_image_reports_the_ingredient_origin(
    tmp_path: Path,
    signing_chain: tuple[bytes, bytes],  # noqa: F811
) -> None:
    parent = c2pa_sign(signing_chain, jpeg_bytes(), "image/jpeg")
    chain, key = signing_chain
    manifest = {
        "claim_generator_info": [{"name": "EditApp", "version": "1.0"}],
        "title": "edited",
        "assertions": [
            {
                "label": "c2pa.actions",
                "data": {
                    "actions": [
                        {"action": "c2pa.opened", "parameters": {"ingredientIds": ["parent"]}},
                        {"action": "c2pa.edited", "digitalSourceType": COMPOSITE},
                    ]
                },
            }
        ],
    }
    signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, chain, key, None))
    with (
        c2pa.Context.from_dict({"builder": {"thumbnail": {"enabled": False}}}) as context,
        c2pa.Builder(manifest, context=context) as builder,
    ):
        builder.add_ingredient(
            {"title": "parent.jpg", "relationship": "parentOf", "label": "parent"},
            "image/jpeg",
            io.BytesIO(parent),
        )
        output = io.BytesIO()
        builder.sign(signer, "image/jpeg", io.BytesIO(parent), output)
    signer.close()
    path = write(tmp_path, "edit.jpg", output.getvalue())
    result = extract_provenance(path, "image/jpeg")["c2pa"]
    assert result["digital_source_type"] == COMPOSITE
    assert result["ai_generated"] is True
    assert result["ai_origin"] == {
        "manifest": result["ai_origin"]["manifest"],
        "depth": 1,
        "digital_source_type": TRAINED,
        "generator": "StarGen/2.0",
        "ai_generated": True,
    }


def test_cli_import_trust_list_option_and_per_case_anchors_give_trusted(
    tmp_path: Path,
    signing_chain: tuple[bytes, bytes],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(TRUST_ANCHORS_ENV, raising=False)
    signed = write(tmp_path, "s.jpg", c2pa_sign(signing_chain, jpeg_bytes(), "image/jpeg"))
    trust = tmp_path / "trust.pem"
    trust.write_text(ca_pem(signing_chain[0]))

    case = tmp_path / "Cli.proofshot"
    assert run_cli("init", case).returncode == 0
    done = run_cli("import", "--no-timestamp", "--c2pa-trust-list", trust, case, signed)
    assert done.returncode == 0, done.stderr
    shown = json.loads(run_cli("show", case, "1", "--json").stdout)
    assert shown["provenance"]["c2pa"]["verdict"] == "Trusted"

    # Per case: anchors kept in the user's settings for that case folder, no option, no
    # environment.
    other = tmp_path / "Other.proofshot"
    assert run_cli("init", other).returncode == 0
    set_case_trust_anchors(other, ca_pem(signing_chain[0]))
    assert run_cli("import", "--no-timestamp", other, signed).returncode == 0
    shown = json.loads(run_cli("show", other, "1", "--json").stdout)
    assert shown["provenance"]["c2pa"]["verdict"] == "Trusted"

    # An anchors file inside a case folder (which may come from the other side) is not
    # trusted, and the verdict says it was ignored.
    foreign = tmp_path / "Foreign.proofshot"
    assert run_cli("init", foreign).returncode == 0
    (foreign / CASE_ANCHORS_FILE).write_text(ca_pem(signing_chain[0]))
    assert run_cli("import", "--no-timestamp", foreign, signed).returncode == 0
    shown = json.loads(run_cli("show", foreign, "1", "--json").stdout)
    assert shown["provenance"]["c2pa"]["verdict"] == "Valid"
    assert any(
        CASE_ANCHORS_FILE in error and "ignored" in error for error in shown["provenance"]["errors"]
    )

    # Neither: Valid, with the reason.
    plain = tmp_path / "Plain.proofshot"
    assert run_cli("init", plain).returncode == 0
    assert run_cli("import", "--no-timestamp", plain, signed).returncode == 0
    shown = json.loads(run_cli("show", plain, "1", "--json").stdout)
    assert shown["provenance"]["c2pa"]["verdict"] == "Valid"


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "JPEG"])
def test_signed_file_of_each_format_reaches_the_sdk_and_a_plain_one_is_absent(
    tmp_path: Path,
    signing_chain: tuple[bytes, bytes],  # noqa: F811
    fmt: str,
) -> None:
    """The SDK is skipped only when the container walk saw no C2PA store: a signed file
    of every parsed format must still be found, a plain one reported absent."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 20, 30)).save(buffer, fmt)
    mime = {"PNG": "image/png", "WEBP": "image/webp", "JPEG": "image/jpeg"}[fmt]
    plain = extract_provenance(write(tmp_path, f"plain.{fmt.lower()}", buffer.getvalue()), mime)
    assert plain["c2pa"] is None and "c2pa" in plain["absent"]
    signed = c2pa_sign(signing_chain, buffer.getvalue(), mime)
    result = extract_provenance(write(tmp_path, f"signed.{fmt.lower()}", signed), mime)
    assert result["c2pa"]["verdict"] == "Valid"
    assert result["c2pa"]["ai_generated"] is True


def test_trust_list_chosen_in_settings_gives_trusted_and_the_flag_wins(
    tmp_path: Path,
    signing_chain: tuple[bytes, bytes],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The GUI stores the user's trust-list path in the user's settings; imports use it
    when no --c2pa-trust-list / environment path is given, which wins when it is."""
    monkeypatch.delenv(TRUST_ANCHORS_ENV, raising=False)
    signed = write(tmp_path, "s.jpg", c2pa_sign(signing_chain, jpeg_bytes(), "image/jpeg"))
    trust = tmp_path / "trust.pem"
    trust.write_text(ca_pem(signing_chain[0]))
    assert extract_provenance(signed, "image/jpeg")["c2pa"]["verdict"] == "Valid"

    save_settings({**load_settings(), TRUST_LIST_SETTING: str(trust)})
    assert extract_provenance(signed, "image/jpeg")["c2pa"]["verdict"] == "Trusted"

    monkeypatch.setenv(TRUST_ANCHORS_ENV, str(tmp_path / "missing.pem"))
    result = extract_provenance(signed, "image/jpeg")
    assert result["c2pa"]["verdict"] == "Valid"
    assert any("missing.pem" in error for error in result["errors"])


def test_per_case_anchors_are_keyed_by_case_and_can_be_forgotten(
    tmp_path: Path,
    signing_chain: tuple[bytes, bytes],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from app.core.provenance import case_trust_anchors

    monkeypatch.delenv(TRUST_ANCHORS_ENV, raising=False)
    pem = ca_pem(signing_chain[0])
    mine, theirs = tmp_path / "Mine.proofshot", tmp_path / "Theirs.proofshot"
    set_case_trust_anchors(mine, pem)
    assert load_settings()[CASE_ANCHORS_SETTING] == {str(mine.resolve()): pem}
    assert case_trust_anchors(mine / "objects").pem == pem
    assert case_trust_anchors(theirs / "objects").pem is None
    with pytest.raises(ValueError):
        set_case_trust_anchors(theirs, "not a certificate")
    set_case_trust_anchors(mine, None)
    assert case_trust_anchors(mine / "objects").pem is None
