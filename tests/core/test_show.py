"""`proofshot show` works on an item in every state: with and without a timestamp token."""

from __future__ import annotations

import json
from pathlib import Path

from app.core import attest
from app.core.case import Case
from app.core.tsa import TsaConfig
from tests.core.helpers import png_bytes, run_cli, write
from tests.tsa_server import TsaServer, pki_for


def _case(tmp_path: Path) -> Path:
    case = tmp_path / "Show.proofshot"
    assert run_cli("init", case, "--title", "Show", "--operator", "Dana").returncode == 0
    write(tmp_path / "in" / "a.png", png_bytes("red"))
    assert run_cli("import", case, tmp_path / "in", "--json").returncode == 0
    return case


def test_show_an_item_without_a_token_says_it_is_not_attested(tmp_path: Path) -> None:
    case = _case(tmp_path)
    text = run_cli("show", case, "1")
    assert text.returncode == 0, text.stderr
    assert "time not yet attested" in text.stdout
    shown = json.loads(run_cli("show", case, "1", "--json").stdout)
    assert shown["timestamps"] == []


def test_show_an_item_with_a_token_prints_the_tsa_gen_time(tmp_path: Path) -> None:
    case_path = _case(tmp_path)
    with TsaServer(pki_for("A"), tmp_path / "tsa") as tsa, Case.open(case_path) as case:
        attest.attest_pending(case, [TsaConfig(tsa.url)])
    text = run_cli("show", case_path, "1")
    assert text.returncode == 0, text.stderr
    assert "genTime" in text.stdout and "not yet attested" not in text.stdout
    shown = json.loads(run_cli("show", case_path, "1", "--json").stdout)
    assert len(shown["timestamps"]) == 1
    assert -2 < shown["timestamps"][0]["delay_seconds"] < 600  # genTime is whole seconds
