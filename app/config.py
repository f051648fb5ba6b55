"""Per-user paths and the small settings file (never secrets: those live in the keyring)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from platformdirs import PlatformDirs

_DIRS = PlatformDirs("Proofshot", "Proofshot")


def cache_dir() -> Path:
    """Thumbnails and similarity features: rebuildable, never part of a case."""
    override = os.environ.get("PROOFSHOT_CACHE_DIR")
    return Path(override) if override else Path(_DIRS.user_cache_dir)


def config_dir() -> Path:
    override = os.environ.get("PROOFSHOT_CONFIG_DIR")
    return Path(override) if override else Path(_DIRS.user_config_dir)


def log_dir() -> Path:
    """The rotating log file's folder (see :mod:`app.logs`); never inside a case."""
    override = os.environ.get("PROOFSHOT_LOG_DIR")
    return Path(override) if override else Path(_DIRS.user_log_dir)


def settings_path() -> Path:
    return config_dir() / "settings.json"


def load_settings() -> dict[str, Any]:
    """User settings; a missing or corrupt file yields defaults rather than an error."""
    try:
        data = json.loads(settings_path().read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_settings(settings: dict[str, Any]) -> None:
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(settings, indent=2, ensure_ascii=False), "utf-8")
    os.replace(tmp, path)


def default_operator() -> str:
    return os.environ.get("PROOFSHOT_OPERATOR") or str(load_settings().get("operator") or "")
