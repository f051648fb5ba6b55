"""Which timestamp authorities to ask, in order, and their credentials (from the keyring).

The list lives in the user's settings file (URLs only). ``PROOFSHOT_TSA_URLS`` overrides it
for scripts and tests: space-separated URLs, or empty for "no TSA" (everything stays queued).
"""

from __future__ import annotations

import os

from app.config import load_settings, save_settings
from app.core.secrets import TSA_SERVICE, SecretsUnavailableError, get_secret, set_secret
from app.core.tsa import BasicAuth, HeaderAuth, TsaAuth, TsaConfig

DEFAULT_TSA_URLS: tuple[str, ...] = (
    "http://timestamp.digicert.com",
    "http://timestamp.sectigo.com",
    "https://freetsa.org/tsr",
    "http://time.certum.pl",
)


def tsa_urls() -> list[str]:
    env = os.environ.get("PROOFSHOT_TSA_URLS")
    if env is not None:
        return env.split()
    urls = load_settings().get("tsa_urls")
    if isinstance(urls, list) and all(isinstance(u, str) for u in urls):
        return list(urls)
    return list(DEFAULT_TSA_URLS)


def save_tsa_urls(urls: list[str]) -> None:
    settings = load_settings()
    settings["tsa_urls"] = [u.strip() for u in urls if u.strip()]
    save_settings(settings)


def credentials_for(url: str) -> TsaAuth | None:
    secret = get_secret(TSA_SERVICE, url)
    if not secret:
        return None
    if secret.get("type") == "basic":
        return BasicAuth(str(secret.get("user", "")), str(secret.get("password", "")))
    return HeaderAuth(str(secret.get("name", "Authorization")), str(secret.get("value", "")))


def store_basic_credentials(url: str, user: str, password: str) -> None:
    set_secret(TSA_SERVICE, url, {"type": "basic", "user": user, "password": password})


def store_header_credentials(url: str, name: str, value: str) -> None:
    set_secret(TSA_SERVICE, url, {"type": "header", "name": name, "value": value})


def tsa_configs(urls: list[str] | None = None, *, timeout: float = 10.0) -> list[TsaConfig]:
    """The configured TSAs with their credentials; a missing keyring means no credentials."""
    result = []
    for url in urls if urls is not None else tsa_urls():
        try:
            auth = credentials_for(url)
        except SecretsUnavailableError:  # ask without; a refusal is logged like any failure
            auth = None
        result.append(TsaConfig(url=url, auth=auth, timeout=timeout))
    return result
