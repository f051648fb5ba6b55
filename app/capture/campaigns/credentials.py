"""API keys for campaigns: read from the OS keyring (or, for one run, an environment variable).

The key itself is never written anywhere. What the case keeps is its SHA-256 fingerprint:
anyone holding the key can recompute the fingerprint and so prove which key made the
requests, while the case alone reveals nothing usable.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from app.core.errors import ProofshotError
from app.core.secrets import API_SERVICE, SecretsUnavailableError, get_secret, set_secret


class CredentialError(ProofshotError):
    exit_code = 10


def key_fingerprint(key: str) -> str:
    """SHA-256 (hex) of the key's UTF-8 bytes."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Credential:
    """An API key held in memory for one run; ``repr`` never shows it."""

    value: str = field(repr=False)
    source: str = "none"
    """Where it came from: ``keyring``, ``environment:VAR`` or ``none``."""

    @property
    def present(self) -> bool:
        return bool(self.value)

    @property
    def fingerprint(self) -> str | None:
        return key_fingerprint(self.value) if self.value else None

    def redaction(self) -> str:
        """What stands in the stored request wherever the key was sent."""
        return f"[REDACTED credential sha256:{self.fingerprint}]" if self.value else ""

    def facts(self) -> dict[str, str | None]:
        return {"source": self.source, "fingerprint_sha256": self.fingerprint}


NO_CREDENTIAL = Credential("", "none")


def keyring_name(endpoint: str) -> str:
    """The keyring entry for an endpoint: its origin, so one key serves every path of a host."""
    parts = urlsplit(endpoint.strip())
    if not parts.scheme or not parts.netloc:
        return endpoint.strip()
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def store_api_key(endpoint: str, key: str) -> str:
    """Keep ``key`` in the keyring for ``endpoint``'s origin; returns the key's fingerprint."""
    key = key.strip()
    if not key:
        raise CredentialError("The API key is empty; nothing was stored.")
    set_secret(API_SERVICE, keyring_name(endpoint), {"type": "api-key", "value": key})
    return key_fingerprint(key)


def credential_from_keyring(endpoint: str) -> Credential | None:
    """The key stored for ``endpoint``'s origin, or None when there is none.

    Raises :class:`~app.core.secrets.SecretsUnavailableError` when no keyring exists.
    """
    secret = get_secret(API_SERVICE, keyring_name(endpoint))
    if not secret:
        return None
    value = str(secret.get("value", ""))
    if secret.get("type") == "header" and value.lower().startswith("bearer "):
        value = value[7:]
    value = value.strip()
    return Credential(value, "keyring") if value else None


def credential_from_env(variable: str) -> Credential:
    value = os.environ.get(variable, "").strip()
    if not value:
        raise CredentialError(
            f"The environment variable {variable} is not set or empty, so there is no API key for this run."
        )
    return Credential(value, f"environment:{variable}")


def resolve_credential(endpoint: str, api_key_env: str | None, *, required: bool) -> Credential:
    """The key for a run: the named environment variable, else the keyring entry."""
    if api_key_env:
        return credential_from_env(api_key_env)
    try:
        found = credential_from_keyring(endpoint)
    except SecretsUnavailableError:
        if required:
            raise
        return NO_CREDENTIAL  # a platform without keys runs where no keyring exists
    if found is not None:
        return found
    if required:
        raise CredentialError(
            f"No API key for {keyring_name(endpoint)} is stored in the keyring; store one with "
            f"`proofshot campaign key {keyring_name(endpoint)}` or name an environment variable with --api-key-env."
        )
    return NO_CREDENTIAL
