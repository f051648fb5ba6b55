"""The export options' choices: profile, language, paper.

Kept apart from :mod:`app.report.model` (which re-exports them) so that the command line can
offer them as argparse choices without loading the bundle model and its chain at start-up.
"""

from __future__ import annotations

PROFILES = ("filing", "archive", "both")
LANGS = ("en", "zh", "en+zh")
PAPERS = ("letter", "a4")
