"""Refusals in API prompt campaigns: recognised from the exchange record, recorded once."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.capture.campaigns import commands
from app.core.case import Case
from app.core.verify import verify_case
from app.demo.site import DemoSite
from app.duties import checks


def test_a_campaign_prompt_the_platform_refuses_is_recorded_as_a_refusal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case_path = tmp_path / "Campaign.proofshot"
    Case.create(case_path, title="Campaign duties", operator="Tess Tester").close()
    prompts = tmp_path / "prompts.txt"
    prompts.write_text("生成星光侠\nStarlume hero portrait\n", "utf-8")
    with DemoSite() as site:
        host = site.url.split("//")[1]
        args = ["campaign", "run", str(case_path), "--profile", "demo", "--endpoint", site.url]
        commands.main([*args, "--prompts", str(prompts), "--rate", "0"])
    capsys.readouterr()
    with Case.open(case_path) as case:
        (pd,) = checks.compute(case, keywords=["星光侠", "Starlume"])
        assert pd.platform == host
        (ref,) = pd.refusals
        assert ref.prompt == "Starlume hero portrait" and ref.status == 400
        assert ref.try_id is not None and ref.recorded_id is None
        exchange = case.conn.execute(
            "SELECT exchange_item_id FROM campaign_tries WHERE id = ?", (ref.try_id,)
        ).fetchone()[0]
        assert ref.item_id == exchange
        found = {f.duty: f for f in pd.current()}
        k = found["keyword-filter"]
        assert k.finding == "partial" and exchange in k.exhibits
        assert k.shares["refused_prompts"] == ["Starlume hero portrait"]
        implicit = found["implicit-label"]
        # one image per try: the first output of a job is labelled even before the notice
        assert implicit.finding == "present"
        assert implicit.shares["outputs"] == implicit.shares["tc260"] == 1
        assert found["explicit-label"].finding == "not checked"  # no page shows API outputs
        assert found["complaint"].finding == "not checked"

        assert checks.record_check(case, keywords=["星光侠", "Starlume"]) == [1]
        assert checks.record_check(case) == []  # nothing new since: no empty round
        (again,) = checks.compute(case)
        (recorded,) = again.refusals
        assert recorded.recorded_id == 1 and recorded.try_id == ref.try_id
        assert [r.check_id for r in again.rounds] == [1]
        assert verify_case(case).intact
