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
