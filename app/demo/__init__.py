"""Demo content for Proofshot: an invented character and a fake text-to-image site.

Everything here is made up for the product's demo case and its tests. The character
"Starlume" (星光侠), its owner "Lumina Studio Ltd." and the site "Lumagen" do not exist;
they stand in for a rights holder's works and an AI platform that reproduces them, so the
capture, comparison and report pipeline can be shown and tested without anyone's real
artwork and without the internet.
"""

from __future__ import annotations

CHARACTER_NAMES: tuple[str, ...] = ("Starlume", "星光侠")
"""Names under which the invented character is known (English, Chinese)."""

OWNER = "Lumina Studio Ltd."
"""The invented rights holder of the Starlume works."""

SITE_NAME = "Lumagen (demo)"
"""The invented AI image platform served by :mod:`app.demo.site`."""
