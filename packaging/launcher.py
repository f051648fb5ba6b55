"""Entry point of the frozen Proofshot bundle (the script PyInstaller builds around).

It does what the ``proofshot`` console script does (``app.__main__:main``), plus one option
only the installed bundle needs: ``proofshot --self-test``, which checks an installation
(the build identity, the bundled resources, QtWebEngine rendering a page) so an IT
department can confirm a deployment without opening a case. The smoke test of
``make package-check`` runs it too.
"""

from __future__ import annotations

import multiprocessing
import sys


def main() -> int:
    # A frozen child process (if any library starts one) must not start the app again.
    multiprocessing.freeze_support()
    if sys.argv[1:2] == ["--self-test"]:
        from selftest import run_self_test

        return run_self_test(sys.argv[2:])
    from app.__main__ import main as app_main

    return app_main()


if __name__ == "__main__":
    sys.exit(main())
