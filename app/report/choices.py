"""The export options' choices (profile, language, paper) and the cover facts' keys.

Kept apart from :mod:`app.report.model` (which re-exports them) so that the command line can
offer them as argparse choices, and ``proofshot settings`` name the keys, without loading the
bundle model and its chain.
"""

from __future__ import annotations

PROFILES = ("filing", "archive", "both")
LANGS = ("en", "zh", "en+zh")
PAPERS = ("letter", "a4")
COVER_KEYS = (
    "caption",
    "court",
    "matter",
    "parties",
    "prepared_by",
    "declarant",
    "declarant_role",
    "platform_name",
    "platform_operator",
    "platform_url",
    "platform_contact",
    "party",
    "case_number",
    "matter_zh",
    "caption_zh",
)
"""Cover and declaration facts, read from case settings named ``bundle.<key>``."""
