"""Where trust in a timestamp authority comes from: always from outside the case.

A token is trusted only when its certificate chain ends at a root certificate taken from:

1. a file the user names for this run (``--ca-file``);
2. the user's own trusted-roots file (``trusted-tsa-roots.pem`` in the settings folder,
   filled by ``proofshot timestamp --ca-file``);
3. the operating system's trust store (``ssl``'s default CA file, else ``certifi``);
   ``PROOFSHOT_SYSTEM_TRUST`` names another file, or with an empty value turns it off.

Never from the case (its database could be rewritten along with its tokens) and never from
the token's own certificates (anyone can make a self-signed root and sign with it).
"""

from __future__ import annotations

import contextlib
import os
import ssl
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from app.config import config_dir, load_settings
from app.core.errors import ProofshotError

USER_ROOTS_NAME = "trusted-tsa-roots.pem"


@dataclass(frozen=True)
class Anchor:
    cert: x509.Certificate
    source: str  # e.g. "--ca-file roots.pem", "your settings (…)", "the OS trust store (…)"

    @property
    def subject(self) -> str:
        return self.cert.subject.rfc4514_string()

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(Encoding.PEM)


@dataclass
class TrustStore:
    anchors: list[Anchor] = field(default_factory=list)

    def add_pem(self, data: bytes, source: str) -> int:
        """Add every certificate of a PEM (or DER) blob; raises ValueError when none reads."""
        if b"-----BEGIN" in data:
            certs = []
            for block in data.split(b"-----BEGIN CERTIFICATE-----")[1:]:
                try:  # one unreadable entry in a system bundle must not drop the others
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")  # e.g. old roots with odd serials
                        certs.append(
                            x509.load_pem_x509_certificate(b"-----BEGIN CERTIFICATE-----" + block)
                        )
                except ValueError:
                    continue
            if not certs:
                raise ValueError("no PEM certificate could be read")
        else:
            certs = [x509.load_der_x509_certificate(data)]
        known = {a.cert for a in self.anchors}
        added = 0
        for cert in certs:
            if cert not in known:
                self.anchors.append(Anchor(cert, source))
                known.add(cert)
                added += 1
        return added

    def candidates(self, certs: Sequence[x509.Certificate]) -> list[Anchor]:
        """The anchors that could end a chain made of ``certs`` (by subject or issuer name)."""
        names = {c.subject for c in certs} | {c.issuer for c in certs}
        return [a for a in self.anchors if a.cert.subject in names]

    def find(self, subject: str, candidates: Sequence[Anchor]) -> Anchor | None:
        return next((a for a in candidates if a.subject == subject), None)


def user_roots_path() -> Path:
    return config_dir() / USER_ROOTS_NAME


def user_root_pems() -> list[bytes]:
    try:
        data = user_roots_path().read_bytes()
    except OSError:
        return []
    return [data] if data.strip() else []


def add_user_roots(pem_data: bytes) -> int:
    """Keep root certificates in the user's trusted-roots file; returns how many were new."""
    certs = x509.load_pem_x509_certificates(pem_data)
    path = user_roots_path()
    existing = user_root_pems()
    known = set(x509.load_pem_x509_certificates(existing[0])) if existing else set()
    new = [c for c in certs if c not in known]
    if new:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = (existing[0] if existing else b"") + b"".join(
            c.public_bytes(Encoding.PEM) for c in new
        )
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(text)
        os.replace(tmp, path)
    return len(new)


def system_store_path() -> Path | None:
    override = os.environ.get("PROOFSHOT_SYSTEM_TRUST")
    if override is not None:
        return Path(override) if override.strip() else None
    cafile = ssl.get_default_verify_paths().cafile
    if cafile and Path(cafile).is_file():
        return Path(cafile)
    if os.name == "nt":
        return None  # the Windows store is read through ssl (see _add_system_roots)
    try:
        import certifi
    except ImportError:
        return None
    return Path(certifi.where())


def load_trust(ca_files: Sequence[Path | str] = (), *, system: bool = True) -> TrustStore:
    """The trust store for one run: ``--ca-file`` files, the user's roots, the OS store."""
    store = TrustStore()
    for name in ca_files:
        try:
            store.add_pem(Path(name).read_bytes(), f"--ca-file {name}")
        except (OSError, ValueError) as exc:
            raise ProofshotError(
                f"The CA file {name} cannot be read as PEM or DER certificates ({exc})."
            ) from exc
    for pem in user_root_pems():
        try:
            store.add_pem(pem, f"your trusted roots ({user_roots_path()})")
        except ValueError:
            pass  # a damaged user file trusts nothing; verify then reports tokens untrusted
    if system:
        _add_system_roots(store)
    return store


def _add_system_roots(store: TrustStore) -> None:
    """The OS store: a named bundle file (Linux, macOS with OpenSSL, the override); where
    there is none (Windows), the roots Python's ssl loads from the system; else certifi."""
    path = system_store_path()
    if path is not None:
        try:
            store.add_pem(path.read_bytes(), f"the OS trust store ({path})")
        except (OSError, ValueError):
            pass
        return
    if os.environ.get("PROOFSHOT_SYSTEM_TRUST") is not None:
        return  # turned off
    try:
        context = ssl.create_default_context()
        ders = context.get_ca_certs(binary_form=True)
    except (ssl.SSLError, OSError):
        ders = []
    for der in ders:
        with contextlib.suppress(ValueError):
            store.add_pem(bytes(der), "the OS trust store")


def max_attest_delay_hours(default: float = 24.0) -> float:
    """The user's ``max_attest_delay_hours`` setting (settings.json), else ``default``."""
    value = load_settings().get("max_attest_delay_hours")
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return float(value)
    return default
