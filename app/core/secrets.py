"""Secrets live only in the OS keyring, through ``keyring``; never in a case, file or log.

When no keyring backend exists (a headless server, a locked-down desktop) we say so plainly
and store nothing: there is no plaintext fallback.
"""

from __future__ import annotations

import json
from typing import Any

import keyring
from keyring.errors import KeyringError, NoKeyringError, PasswordDeleteError

from app.core.errors import ProofshotError

TSA_SERVICE = "Proofshot TSA"
API_SERVICE = "Proofshot API"


class SecretsUnavailableError(ProofshotError):
    exit_code = 10


def backend_description() -> str:
    """Where secrets go on this machine, in words for the settings dialog."""
    try:
        backend = keyring.get_keyring()
    except KeyringError as exc:  # pragma: no cover - depends on the desktop
        return f"no usable keyring ({exc})"
    name = type(backend).__name__
    where = f"{type(backend).__module__}.{name}".lower()
    if ".fail" in where or ".null" in where:
        return "no keyring backend is available on this system; secrets cannot be stored"
    return f"the system keyring ({type(backend).__module__}.{name})"


def _unavailable(exc: Exception) -> SecretsUnavailableError:
    return SecretsUnavailableError(
        "No keyring is available on this system, so the credential was not stored anywhere; "
        f"install or unlock a keyring (Secret Service, macOS Keychain, Windows Credential Locker) and try again ({exc})."
    )


def set_secret(service: str, name: str, value: dict[str, Any]) -> None:
    try:
        keyring.set_password(service, name, json.dumps(value))
    except (NoKeyringError, KeyringError, RuntimeError) as exc:
        raise _unavailable(exc) from exc


def get_secret(service: str, name: str) -> dict[str, Any] | None:
    try:
        raw = keyring.get_password(service, name)
    except (NoKeyringError, KeyringError, RuntimeError) as exc:
        raise _unavailable(exc) from exc
    if raw is None:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return {"type": "header", "name": "Authorization", "value": raw}
    return value if isinstance(value, dict) else None


def delete_secret(service: str, name: str) -> None:
    try:
        keyring.delete_password(service, name)
    except PasswordDeleteError:
        return
    except (NoKeyringError, KeyringError, RuntimeError) as exc:
        raise _unavailable(exc) from exc
