"""The campaign profiles' names, outside the :mod:`app.capture.campaigns` package.

Importing anything inside that package runs its ``__init__``, which loads the output matcher
(OpenCV, NumPy); the command line offers these names as argparse choices at start-up, so they
live here and :mod:`app.capture.campaigns.profiles` re-exports them.
"""

from __future__ import annotations

PROFILE_NAMES = ("openai", "generic", "demo")
