"""Signing a session's WACZ per the WACZ Signing and Verification spec (anonymous signature).

The WACZ made by ``wacz create`` already holds ``datapackage-digest.json`` with the SHA-256
of ``datapackage.json`` (which lists the SHA-256 of every file of the package). We add its
``signedData`` in the spec's *anonymous* form::

    {"hash": "sha256:<hex>", "created": <datapackage's created>, "software": ..., "version": ...,
     "signature": <base64 ECDSA P-384 signature of the hash string, SHA-256, raw r||s>,
     "publicKey": <base64 DER SubjectPublicKeyInfo>}

The key is per case, kept in the OS keyring (service :data:`SERVICE`, name = the case id),
never in the case or an export; its public key is in every signed WACZ and its SHA-256 in
the session's facts. ADR: docs/decisions/0012-wacz-signing.md.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from app.core.secrets import get_secret, set_secret

SERVICE = "Proofshot WACZ signing"
DIGEST_NAME = "datapackage-digest.json"
_P384_BYTES = 48


def case_signing_key(case_id: str) -> ec.EllipticCurvePrivateKey:
    """The case's WACZ signing key from the keyring, made (and stored) on first use."""
    stored = get_secret(SERVICE, case_id)
    if stored and stored.get("type") == "ecdsa-p384" and stored.get("pem"):
        key = serialization.load_pem_private_key(str(stored["pem"]).encode("ascii"), None)
        if isinstance(key, ec.EllipticCurvePrivateKey):
            return key
    key = ec.generate_private_key(ec.SECP384R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    set_secret(SERVICE, case_id, {"type": "ecdsa-p384", "pem": pem})
    return key


def public_key_b64(key: ec.EllipticCurvePublicKey) -> str:
    der = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode("ascii")


def sign_wacz(
    path: Path, key: ec.EllipticCurvePrivateKey, *, software: str, version: str
) -> dict[str, Any]:
    """Rewrite the WACZ's ``datapackage-digest.json`` with an anonymous ``signedData``."""
    with zipfile.ZipFile(path) as zf:
        datapackage = zf.read("datapackage.json")
    created = json.loads(datapackage).get("created") or dt.datetime.now(dt.UTC).isoformat()
    digest = "sha256:" + hashlib.sha256(datapackage).hexdigest()
    der = key.sign(digest.encode("utf-8"), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    raw = r.to_bytes(_P384_BYTES, "big") + s.to_bytes(_P384_BYTES, "big")
    signed = {
        "hash": digest,
        "created": created,
        "software": software,
        "version": version,
        "signature": base64.b64encode(raw).decode("ascii"),
        "publicKey": public_key_b64(key.public_key()),
    }
    document = {"path": "datapackage.json", "hash": digest, "signedData": signed}
    _replace_member(path, DIGEST_NAME, json.dumps(document, indent=2).encode("utf-8"))
    return signed


def verify_wacz_signature(path: Path) -> dict[str, Any]:
    """Check the digest and the anonymous signature; returns what was found."""
    with zipfile.ZipFile(path) as zf:
        datapackage = _read_capped(zf, "datapackage.json")
        document = json.loads(_read_capped(zf, DIGEST_NAME))
    if not isinstance(document, dict):
        raise ValueError(f"{DIGEST_NAME} is not a JSON object.")
    digest = "sha256:" + hashlib.sha256(datapackage).hexdigest()
    signed = document.get("signedData") or {}
    result: dict[str, Any] = {
        "hash_matches": document.get("hash") == digest
        and isinstance(signed, dict)
        and signed.get("hash") == digest,
        "signed": bool(signed),
        "signature_valid": False,
        "public_key_sha256": None,
    }
    if not signed:
        return result
    try:  # a signedData from elsewhere may lack a field or hold junk: not valid, not a crash
        der = base64.b64decode(signed["publicKey"])
        result["public_key_sha256"] = hashlib.sha256(der).hexdigest()
        public = serialization.load_der_public_key(der)
        raw = base64.b64decode(signed["signature"])
        signed_hash = str(signed["hash"])
    except (KeyError, TypeError, ValueError):
        return result
    half = len(raw) // 2
    signature = encode_dss_signature(
        int.from_bytes(raw[:half], "big"), int.from_bytes(raw[half:], "big")
    )
    if not isinstance(public, ec.EllipticCurvePublicKey):
        return result
    try:
        public.verify(signature, signed_hash.encode("utf-8"), ec.ECDSA(hashes.SHA256()))
        result["signature_valid"] = result["hash_matches"]
    except InvalidSignature:
        result["signature_valid"] = False
    return result


MAX_PACKAGE_JSON = 16 * 1024 * 1024
"""A WACZ's ``datapackage.json`` lists its files; more than this is not a package to trust."""


def _read_capped(zf: zipfile.ZipFile, name: str, cap: int = MAX_PACKAGE_JSON) -> bytes:
    """A member's bytes, read at most ``cap`` + 1 (a member can lie about its size)."""
    with zf.open(name) as member:
        data = member.read(cap + 1)
    if len(data) > cap:
        raise ValueError(f"{name} in the WACZ is larger than {cap} bytes; it was not read.")
    return data


def _replace_member(path: Path, name: str, data: bytes) -> None:
    """A copy of the zip with one member replaced (same order, same compression)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".wacz")
    os.close(fd)
    try:
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w") as dst:
            for info in src.infolist():
                if info.filename == name:
                    continue
                with src.open(info) as inner, dst.open(info, "w") as out:
                    shutil.copyfileobj(inner, out, 1024 * 1024)
            info = zipfile.ZipInfo(name, dt.datetime.now(dt.UTC).timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, data)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
