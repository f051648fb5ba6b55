"""Kill the importer (SIGKILL) at many moments; the case must always verify intact."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.core import items
from app.core.case import Case
from app.core.verify import verify_case
from tests.core.helpers import REPO, png_bytes, run_cli, write

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")


def test_sigkill_during_import_never_leaves_a_half_written_item(tmp_path: Path) -> None:
    src = tmp_path / "src"
    for i in range(150):
        write(
            src / f"{i:04}.png",
            png_bytes((i % 256, (7 * i) % 256, 99), (400, 300)) + os.urandom(20_000),
        )
    case_path = tmp_path / "Crash.proofshot"
    run_cli("init", case_path, "--operator", "Crash Tester", check=True)
    # Delays count from the importer's first progress line (it has loaded and is reading),
    # so the kills land inside the import however slow the machine is to start Python.
    delays = [0.0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8]
    counts = []
    for delay in delays:
        proc = subprocess.Popen(
            [sys.executable, "-m", "app", "import", "--no-timestamp", str(case_path), str(src)],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        assert proc.stderr is not None
        proc.stderr.readline()  # "Reading files [0/150]"
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stderr.close()
        with Case.open(case_path, read_only=True) as case:
            report = verify_case(case)
            assert report.intact, (delay, report.problems)
            for it in items.list_items(case):
                assert case.objects.path_for(it.sha256).stat().st_size == it.size
            counts.append(items.count_items(case))
    # Reopening for writing sweeps interrupted temp files; a final run completes the import.
    run_cli("import", case_path, src, check=True)
    with Case.open(case_path) as case:
        assert list(case.objects.tmp.iterdir()) == []
        assert items.count_items(case) == 150
        assert verify_case(case).intact
    assert counts == sorted(counts)  # progress only ever accumulates
    assert any(0 < c < 150 for c in counts), counts  # some kills really landed mid-import
