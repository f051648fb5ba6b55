import subprocess
import sys

from tests.core.helpers import REPO


def test_importing_the_core_and_cli_does_not_load_qt() -> None:
    code = (
        "import sys\n"
        "import app.core, app.cli, app.core.case, app.core.ingest, app.core.verify, app.core.importer\n"
        "for name in ('app.compare', 'app.report', 'app.capture'):\n"
        "    try:\n        __import__(name)\n    except ModuleNotFoundError:\n        pass\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
