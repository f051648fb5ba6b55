from __future__ import annotations

import json
from pathlib import Path

from tests.core.helpers import run_cli


def test_demo_builds_a_verifiable_case_with_works_and_prompts(tmp_path: Path) -> None:
    case = tmp_path / "Demo.proofshot"
    result = run_cli("demo", case)
    assert result.returncode == 0, result.stderr
    listed = json.loads(run_cli("list", case, "--json").stdout)
    kinds = {e["kind"] for e in listed}
    assert {"original-work", "imported-file", "screenshot"} <= kinds
    prompts = {e["provenance"]["prompt"] for e in listed if e["provenance"]["prompt"]}
    assert "生成星光侠" in prompts and any(p.isascii() for p in prompts)
    works = json.loads(run_cli("works", "list", case, "--json").stdout)
    registered = [w["registration"] for w in works]
    assert sum(r.startswith("国作登字") for r in registered) == 4
    assert "DEMO-DECOY-0001" in registered  # the demo study's control work
    # The small demo study: 5 prompts x 2 tries on the loopback demo API, with controls.
    report = json.loads(run_cli("study", "report", case, "--json").stdout)
    assert len(report["outputs"]) == 10 and {o["arm"] for o in report["outputs"]} == {
        "named",
        "descriptive",
        "control",
    }
    assert report["controls"]["control_prompts"]["n"] == 4
    assert any("no trusted timestamp" in d for d in report["deviations"])
    assert json.loads(run_cli("verify", case, "--json").stdout)["intact"] is True


def test_settings_show_and_set_the_bundle_cover_facts(tmp_path: Path) -> None:
    case = tmp_path / "S.proofshot"
    run_cli("init", case, check=True)
    done = run_cli("settings", case, "--set", "bundle.court=Guangzhou Internet Court", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["bundle.court"] == "Guangzhou Internet Court"
    assert run_cli("log", case, "--json").stdout.count("case.setting-changed") == 1
    refused = run_cli("settings", case, "--set", "password=x")
    assert refused.returncode == 1 and "known key" in refused.stderr
