"""The Tesseract models OCR uses by default, apart from :mod:`app.core.ocr` (which re-exports
them) so that the command line can name them in its help without loading the OCR engine."""

from __future__ import annotations

# Order matters to Tesseract: the first model leads. This order measured best (ADR 0015).
DEFAULT_LANGUAGES = ("chi_sim", "eng", "jpn", "chi_tra")
