import json
import zipfile

from cryptography.hazmat.primitives.asymmetric import ec

from app.capture.wacz_sign import DIGEST_NAME, sign_wacz, verify_wacz_signature


def _wacz(path, digest_doc=None):
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("datapackage.json", json.dumps({"created": "2026-01-01T00:00:00Z"}))
        zf.writestr(DIGEST_NAME, json.dumps(digest_doc or {}))
    return path


def test_signed_wacz_verifies(tmp_path):
    path = _wacz(tmp_path / "a.wacz")
    sign_wacz(path, ec.generate_private_key(ec.SECP384R1()), software="t", version="1")
    result = verify_wacz_signature(path)
    assert result["signed"] and result["hash_matches"] and result["signature_valid"]


def test_malformed_signed_data_is_invalid_not_a_crash(tmp_path):
    for signed in ({"hash": "x"}, {"publicKey": "not base64!", "signature": "AA=="}):
        path = _wacz(tmp_path / "b.wacz", {"signedData": signed})
        result = verify_wacz_signature(path)
        assert result["signed"] and not result["signature_valid"]


def test_a_datapackage_bomb_is_refused_unread(tmp_path):
    """A member that inflates past the cap is refused after cap + 1 bytes, whatever its header says."""
    import pytest

    from app.capture import wacz_sign

    path = tmp_path / "bomb.wacz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("datapackage.json", b" " * (wacz_sign.MAX_PACKAGE_JSON + 10))
        zf.writestr(DIGEST_NAME, "{}")
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(ValueError, match="larger than"):
        verify_wacz_signature(path)


def test_an_ecdsa_key_of_another_kind_is_not_valid(tmp_path):
    """A signedData with an RSA public key is not a valid WACZ signature (and not an assert)."""
    import base64

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    der = rsa_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    signed = {"hash": "x", "publicKey": base64.b64encode(der).decode(), "signature": "AAAA"}
    result = verify_wacz_signature(_wacz(tmp_path / "c.wacz", {"signedData": signed}))
    assert result["signed"] and result["signature_valid"] is False


def test_signed_data_of_another_shape_or_without_its_hash_is_invalid_not_a_crash(tmp_path):
    """signedData that is no object, or that has a key and a signature but no hash, is read
    as signed and not valid (it used to raise AttributeError / KeyError)."""
    import base64

    from cryptography.hazmat.primitives import serialization

    der = (
        ec.generate_private_key(ec.SECP384R1())
        .public_key()
        .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    no_hash = {"publicKey": base64.b64encode(der).decode(), "signature": "AAAA"}
    for i, signed in enumerate(("not an object", [1], no_hash)):
        path = _wacz(tmp_path / f"d{i}.wacz", {"signedData": signed})
        result = verify_wacz_signature(path)
        assert result["signed"] and result["signature_valid"] is False
        assert result["hash_matches"] is False
