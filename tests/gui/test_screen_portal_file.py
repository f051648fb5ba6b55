"""The portal's answer names a file; only a plain screenshot file in a portal's folder is read.

The address comes from another process on the session bus, so :func:`load_portal_file`
refuses a symbolic link, a file outside the folders portals save to, something that is not a
regular file, and a file too big to be a screenshot -- each with a named problem
(:class:`PortalFileRefused`), and without touching the file.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from app.gui import screen_portal
from app.gui.screen_portal import PortalFileRefused, load_portal_file, portal_folders


def _png(path: Path) -> Path:
    image = QImage(8, 6, QImage.Format.Format_RGB32)
    image.fill(QColor(10, 20, 30))
    assert image.save(str(path), "PNG")
    return path


def test_a_symbolic_link_is_refused_and_left_alone(qtbot: QtBot, tmp_path: Path) -> None:
    target = _png(tmp_path / "secret.png")
    link = tmp_path / "Screenshot.png"
    link.symlink_to(target)
    with pytest.raises(PortalFileRefused, match="symbolic link"):
        load_portal_file(link.as_uri())
    assert link.is_symlink() and target.exists()


def test_a_file_outside_the_portal_folders_is_refused(qtbot: QtBot, tmp_path: Path) -> None:
    pictures = tmp_path / "Pictures"
    pictures.mkdir()
    elsewhere = _png(tmp_path / "elsewhere.png")
    with pytest.raises(PortalFileRefused, match="not in a folder"):
        load_portal_file(elsewhere.as_uri(), folders=[pictures])
    assert elsewhere.exists()
    # A "Pictures/../" address is refused as not plain, whatever it resolves to.
    with pytest.raises(PortalFileRefused):
        load_portal_file((pictures / ".." / "elsewhere.png").as_uri(), folders=[pictures])
    # A link on the way (Pictures/inner -> elsewhere) does not lead out either.
    outside = tmp_path / "outside"
    outside.mkdir()
    _png(outside / "shot.png")
    (pictures / "inner").symlink_to(outside)
    with pytest.raises(PortalFileRefused, match="not in a folder"):
        load_portal_file((pictures / "inner" / "shot.png").as_uri(), folders=[pictures])
    # The same file in the folder is read.
    inside = _png(pictures / "Screenshot.png")
    assert load_portal_file(inside.as_uri(), folders=[pictures]).size().width() == 8
    assert not inside.exists()


def test_a_fifo_and_an_oversized_file_are_refused(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fifo = tmp_path / "Screenshot.png"
    os.mkfifo(fifo)
    with pytest.raises(PortalFileRefused, match="not a regular file"):
        load_portal_file(fifo.as_uri())  # a FIFO would block a plain open(); O_NONBLOCK does not
    fifo.unlink()
    big = _png(tmp_path / "big.png")
    monkeypatch.setattr(screen_portal, "MAX_PORTAL_FILE_BYTES", big.stat().st_size - 1)
    with pytest.raises(PortalFileRefused, match="too big"):
        load_portal_file(big.as_uri())
    assert big.exists()
    with pytest.raises(PortalFileRefused, match="not a file"):
        load_portal_file("file://other-host/tmp/x.png")


def test_the_portal_folders_follow_the_environment(tmp_path: Path) -> None:
    env = {
        "HOME": str(tmp_path / "home"),
        "XDG_PICTURES_DIR": str(tmp_path / "Bilder"),
        "XDG_RUNTIME_DIR": str(tmp_path / "run"),
        "XDG_CACHE_HOME": "relative/ignored",
    }
    folders = portal_folders(env)
    real = Path(os.path.realpath(tmp_path))
    assert real / "Bilder" in folders
    assert real / "home" / "Pictures" in folders
    assert real / "run" in folders
    assert Path(os.path.realpath("/tmp")) in folders
    assert not any("relative" in str(f) for f in folders)
    assert real / "home" / ".cache" not in folders  # XDG_CACHE_HOME is set, though unusable
