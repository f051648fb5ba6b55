"""The one-line error text the workspaces and panels show in their status lines."""

from __future__ import annotations

from app.core.errors import ProofshotError
from app.gui.messages import status_text


def test_status_text_keeps_a_core_sentence_and_names_any_other_error() -> None:
    assert status_text(ProofshotError("The case is closed.")) == "The case is closed."
    assert status_text(OSError("disk full")) == "OSError: disk full"
    assert status_text(KeyError("x")) == "KeyError: 'x'"
