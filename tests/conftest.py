"""Test-wide isolation: per-test config and cache folders, an in-memory keyring, offscreen Qt."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import keyring
import pytest

from tests.memory_keyring import MemoryKeyring

if TYPE_CHECKING:
    from app.gui.session import CaseSession

pytest_plugins = ["tests.tsa_server"]

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Module- and session-scoped fixtures run before the per-test isolation below: they, too,
# must never read or write the real user's settings (trusted TSA roots are kept there).
_SESSION_USER = Path(tempfile.mkdtemp(prefix="proofshot-test-user-"))
os.environ["PROOFSHOT_CONFIG_DIR"] = str(_SESSION_USER / "config")
os.environ["PROOFSHOT_CACHE_DIR"] = str(_SESSION_USER / "cache")
atexit.register(shutil.rmtree, _SESSION_USER, True)

REPO = Path(__file__).resolve().parents[1]
SHARED_FIXTURES = REPO.parent / "shared" / "fixtures"


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("PROOFSHOT_CONFIG_DIR", str(base / "config"))
    monkeypatch.setenv("PROOFSHOT_CACHE_DIR", str(base / "cache"))
    monkeypatch.setenv("PROOFSHOT_LOG_DIR", str(base / "log"))
    monkeypatch.delenv("PROOFSHOT_DEBUG", raising=False)
    monkeypatch.delenv("PROOFSHOT_OPERATOR", raising=False)
    # No test may reach a public TSA: unless a test names its loopback TSA, none is asked.
    monkeypatch.setenv("PROOFSHOT_TSA_URLS", "")
    # OCR runs in the window only where a test turns it on (tests/gui/test_ocr_gui.py).
    monkeypatch.setenv("PROOFSHOT_OCR_AUTO", "0")


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    backend = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def shared_fixtures() -> Path:
    if not SHARED_FIXTURES.is_dir():
        pytest.skip(f"third-party fixtures not present at {SHARED_FIXTURES}")
    return SHARED_FIXTURES


@pytest.fixture
def sessions() -> Iterator[list[CaseSession]]:
    """Case sessions a test opens (append them); each is closed when the test ends."""
    opened: list[CaseSession] = []
    yield opened
    for session in opened:
        session.close()
