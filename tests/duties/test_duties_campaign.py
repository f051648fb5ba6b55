"""Refusals in API prompt campaigns: recognised from the exchange record, recorded once."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.capture import store
from app.capture.campaigns import commands
from app.core import ocr
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
        # no page shows API outputs and no OCR was run yet
        assert found["explicit-label"].finding == "not checked"
        assert found["complaint"].finding == "not checked"

        # OCR of the output image: read without a label, then (a newer run) with one
        output = next(g for g in store.list_generations(case) if g.outputs).outputs[0]
        info = ocr.EngineInfo("tesseract", "5.3", ("chi_sim", "eng"), {}, "")

        def read(text: str) -> None:
            line = ocr.OcrLine(text, (0, 0, 100, 20), 91.0)
            ocr.record_result(
                case, output["item_id"], ocr.Recognition([line], 768, 768, False), info
            )

        read("lumagen-xl-v2 seed 7")
        (pd,) = checks.compute(case)
        e = {f.duty: f for f in pd.current()}["explicit-label"]
        assert e.finding == "absent" and e.shares["ocr_read"] == 1
        assert e.exhibits == [output["item_id"]] and "OCR" in e.detail
        read("AI生成 lumagen")
        (pd,) = checks.compute(case)
        e = {f.duty: f for f in pd.current()}["explicit-label"]
        assert e.finding == "present" and e.shares["ocr_with_label"] == 1

        assert checks.record_check(case, keywords=["星光侠", "Starlume"]) == [1]
        assert checks.record_check(case) == []  # nothing new since: no empty round
        (again,) = checks.compute(case)
        (recorded,) = again.refusals
        assert recorded.recorded_id == 1 and recorded.try_id == ref.try_id
        assert [r.check_id for r in again.rounds] == [1]
        assert verify_case(case).intact
