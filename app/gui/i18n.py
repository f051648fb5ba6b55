"""Languages: which are shipped, installing their translators, and fonts that can show them.

Switching language at run time removes the old translators and installs new ones; Qt then
sends every widget a ``LanguageChange`` event, and each of our widgets answers it by calling
its ``retranslate_ui()``. Texts are never baked in at construction time only.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from app.config import load_settings

log = logging.getLogger(__name__)

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
TRANSLATIONS = RESOURCES / "translations"

# Language code -> name shown in that language (never translated: a user who cannot read the
# current language must still recognise their own).
LANGUAGES: dict[str, str] = {"en": "English", "zh_CN": "简体中文"}
DEFAULT_LANGUAGE = "en"

# Fonts that carry CJK glyphs, in order of preference, per platform; Qt falls back through the
# list so Chinese text never shows as empty boxes when the default UI font lacks it.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Microsoft YaHei UI",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "WenQuanYi Micro Hei",
    "Noto Sans SC",
)


def qm_path(language: str) -> Path:
    return TRANSLATIONS / f"proofshot_{language}.qm"


def configured_language() -> str:
    """The language saved in the settings, else the system's when we ship it, else English."""
    saved = load_settings().get("language")
    if isinstance(saved, str) and saved in LANGUAGES:
        return saved
    system = QLocale.system().name()
    if system in LANGUAGES:
        return system
    if system.startswith("zh") and ("Hans" in QLocale.system().bcp47Name() or system == "zh"):
        return "zh_CN"
    return DEFAULT_LANGUAGE


class LanguageManager:
    """Owns the installed translators of one application."""

    def __init__(self, app: QCoreApplication) -> None:
        self._app = app
        self._translators: list[QTranslator] = []
        self.language = DEFAULT_LANGUAGE

    def apply(self, language: str) -> bool:
        """Install ``language``; returns False (and stays in English) if it cannot be loaded."""
        if language not in LANGUAGES:
            language = DEFAULT_LANGUAGE
        for translator in self._translators:
            self._app.removeTranslator(translator)
        self._translators.clear()
        ours = QTranslator(self._app)
        if ours.load(str(qm_path(language))):
            # English ships a plural-forms-only file: "1 item", "2 items" instead of "item(s)".
            if language != DEFAULT_LANGUAGE:
                qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
                qt_own = QTranslator(self._app)
                if qt_own.load(f"qtbase_{language}", qt_dir):
                    self._translators.append(qt_own)
            self._translators.append(ours)
        elif language != DEFAULT_LANGUAGE:
            log.warning("translation %s not found at %s", language, qm_path(language))
            self.apply(DEFAULT_LANGUAGE)
            return False
        for translator in self._translators:
            self._app.installTranslator(translator)
        self.language = language
        QLocale.setDefault(QLocale(language if language != "en" else "en_US"))
        if isinstance(self._app, QApplication):
            apply_font_fallbacks(self._app)
        return True


def apply_font_fallbacks(app: QApplication) -> None:
    """Give the UI font a CJK fallback that exists on this machine (prompts are often Chinese).

    Done whatever the UI language: an English UI still shows Chinese prompts and tags.
    """
    available = set(QFontDatabase.families())
    font = QFont(app.font())
    families = [f for f in font.families() if f] or [font.family()]
    extra = [f for f in CJK_FAMILIES if f in available and f not in families]
    if extra:
        font.setFamilies([*families, *extra])
        app.setFont(font)
