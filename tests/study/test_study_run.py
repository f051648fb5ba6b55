"""A full reproduction study against a loopback OpenAI-compatible server and a loopback TSA:
frozen and timestamped before the first request, order from the seed, scripted blind review,
rates and intervals checked against values computed here by hand."""

from __future__ import annotations

import json
import math
import os
import random
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.capture.campaigns import RunSettings
from app.capture.study import (
    StudyStateError,
    blind_set,
    freeze,
    init_study,
    parse_protocol,
    record_reviews,
    run_study,
    schedule,
    study_report,
)
from app.capture.study.stats import cohens_kappa, proportion
from app.cli.study import register
from app.core import attest
from app.core.case import Case
from app.core.verify import verify_case
from tests.capture.campaign_server import CampaignServer
from tests.study.helpers import (
    CREDENTIAL,
    LOOKALIKE,
    PROMPTS,
    add_study_works,
    fast_settings,
    protocol_toml,
    study_server,
)
from tests.tsa_server import TsaServer

Z = 1.959963984540054  # the 97.5th percentile of the standard normal


def wilson(k: int, n: int) -> tuple[float, float]:
    p = k / n
    denom = 1 + Z * Z / n
    centre = (p + Z * Z / (2 * n)) / denom
    half = Z / denom * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return centre - half, centre + half


def kappa_by_hand(a: list[str], b: list[str]) -> float:
    n = len(a)
    po = sum(x == y for x, y in zip(a, b, strict=True)) / n
    cats = set(a) | set(b)
    pe = sum((a.count(c) / n) * (b.count(c) / n) for c in cats)
    return (po - pe) / (1 - pe)


@pytest.fixture
def server() -> Iterator[CampaignServer]:
    with study_server() as srv:
        yield srv


@pytest.fixture
def case(tmp_path: Path) -> Iterator[Case]:
    with Case.create(tmp_path / "Study.proofshot", title="Study", operator="Tess Tester") as c:
        add_study_works(c, tmp_path)
        yield c


def settings() -> RunSettings:
    return fast_settings()


def test_a_study_is_frozen_timestamped_run_in_seed_order_reviewed_blind_and_reported(
    case: Case, server: CampaignServer, tsa_server: TsaServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = protocol_toml(server.url)
    protocol = parse_protocol(data)
    study = init_study(case, protocol, data, "protocol.toml")

    # Not timestamped (no TSA configured): nothing may be sent.
    monkeypatch.delenv("PROOFSHOT_TSA_URLS", raising=False)
    monkeypatch.setattr("app.capture.study.study.tsa_configs", lambda: [])
    frozen = freeze(case, study, protocol, data)
    assert frozen.new and frozen.token_time is None
    with pytest.raises(StudyStateError, match="no trusted timestamp"):
        run_study(case, study, lambda url, needed: CREDENTIAL, settings())
    assert server.generation_requests() == []

    # With the loopback TSA, freezing again timestamps the same version.
    monkeypatch.undo()
    monkeypatch.setenv("PROOFSHOT_TSA_URLS", tsa_server.url)
    attest.add_trust_anchors(case, tsa_server.ca_pem)
    again = freeze(case, study, protocol, data)
    assert not again.new and again.version.version == 1 and again.token_time
    item = case.conn.execute(
        "SELECT kind, sha256 FROM items WHERE id = ?", (again.version.item_id,)
    ).fetchone()
    assert item[0] == "study-protocol"
    assert case.objects.path_for(item[1]).read_bytes() == data  # the file as frozen

    result = run_study(case, study, lambda url, needed: CREDENTIAL, settings())
    assert result.complete

    # The order: the protocol's prompts x tries shuffled with the seed, as computed here.
    expected = [(pid, t) for pid in PROMPTS for t in (1, 2, 3)]
    random.Random(1807).shuffle(expected)
    sent = [r.prompt for r in server.generation_requests()]
    assert sent == [PROMPTS[pid][1] for pid, _ in expected]
    assert [(e["prompt_id"], e["try"]) for e in schedule(parse_protocol(data))] == expected
    assert schedule(parse_protocol(protocol_toml(server.url, seed=99))) != schedule(protocol)
    arms = [PROMPTS[pid][0] for pid, _ in expected]
    assert any(a == "control" for a in arms[:5]) and any(a != "control" for a in arms[:5])

    report = study_report(case, study)
    run = report["runs"][0]
    assert run["token_predates_first_request"] is True
    assert run["protocol_token_time"] < run["first_request_at"]

    # Tool verdicts follow the server's design: look-alikes match, unrelated images do not.
    outputs = report["outputs"]
    assert len(outputs) == 15
    for o in outputs:
        assert o["tool_match"] == (o["prompt_id"] in LOOKALIKE), o
        assert not o["decoy_match"], o
        assert o["match_seq"] is not None

    # Blind set: labels only, no prompt/arm/score; the GUI and the answers file use it.
    blind = blind_set(case, study, "Rita Reviewer")
    assert len(blind) == 15 and all(b.label.startswith("O") for b in blind)
    assert set(vars(blind[0])) == {"label", "item_id", "sha256", "work_item_ids", "work_titles"}
    by_item = {o["item_id"]: o for o in outputs}

    # Reviewer 1 (scripted by file): similar for look-alikes except one 'unsure'; calls one
    # control output similar. Reviewer 2 disagrees on two outputs.
    first_answers: dict[int, str] = {}
    for b in sorted(blind, key=lambda b: b.label):
        first_answers[b.item_id] = (
            "similar" if by_item[b.item_id]["prompt_id"] in LOOKALIKE else "not_similar"
        )
    lookalikes = sorted(i for i, o in by_item.items() if o["prompt_id"] in LOOKALIKE)
    controls = sorted(i for i, o in by_item.items() if o["arm"] == "control")
    first_answers[lookalikes[0]] = "unsure"
    first_answers[controls[0]] = "similar"
    answers_file = case.path.parent / "answers.json"
    labels = {b.item_id: b.label for b in blind}
    answers_file.write_text(
        json.dumps(
            {
                "reviewer": "Rita Reviewer",
                "answers": [
                    {
                        "output": labels[i],
                        "answer": a,
                        "note": "cape, star core" if a == "similar" else "",
                    }
                    for i, a in first_answers.items()
                ],
            }
        ),
        "utf-8",
    )
    import argparse

    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()

    def add(name: str, handler: Any, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name)
        p.set_defaults(handler=handler)
        return p

    register(add)
    case.close()
    args = parser.parse_args(["study", "review", str(case.path), "--answers", str(answers_file)])
    assert args.handler(args) == 0
    with Case.open(case.path) as reopened:
        second = dict(first_answers)
        second[lookalikes[0]] = "similar"
        second[lookalikes[1]] = "not_similar"
        assert (
            record_reviews(reopened, study, "Sam Second", [(i, a, "") for i, a in second.items()])
            == 15
        )
        report = study_report(reopened, study)
        assert verify_case(reopened).intact
        rows = reopened.conn.execute("SELECT COUNT(*) FROM study_reviews").fetchone()[0]
        assert rows == 30
        with pytest.raises(sqlite3.IntegrityError, match="study_reviews is append-only"):
            reopened.conn.execute("UPDATE study_reviews SET answer = 'similar'")

    arm = {a["arm"]: a for a in report["per_arm"]}
    # named: 3/3; descriptive: 3 of 6 (D1 look-alikes, D2 not); control 0/6.
    for name, k, n in (("named", 3, 3), ("descriptive", 3, 6), ("control", 0, 6)):
        fig = arm[name]["tool"]
        low, high = wilson(k, n)
        assert (fig["k"], fig["n"]) == (k, n)
        assert fig["low"] == pytest.approx(low, abs=1e-9) and fig["high"] == pytest.approx(
            high, abs=1e-9
        )
        assert sorted(fig["items"]) == sorted(o["item_id"] for o in outputs if o["arm"] == name)
    assert arm["descriptive"]["tool"]["rate"] == 0.5
    per_prompt = {r["prompt_id"]: r for r in report["per_prompt"]}
    assert per_prompt["D2"]["tool"]["k"] == 0 and per_prompt["D1"]["tool"]["k"] == 3
    # Human (primary reviewer = the first to answer): named 2 of 3 similar (one unsure).
    assert report["reviewers"] == ["Rita Reviewer", "Sam Second"]
    for name in ("named", "descriptive", "control"):
        ids = [o["item_id"] for o in outputs if o["arm"] == name]
        k = sum(first_answers[i] == "similar" for i in ids)
        fig = arm[name]["human"]
        assert (fig["k"], fig["n"]) == (k, len(ids))
        assert (fig["low"], fig["high"]) == pytest.approx(wilson(k, len(ids)), abs=1e-9)

    # Controls: tool false-match rate on control prompts 0/6 with its Wilson interval; decoys 0/15.
    c = report["controls"]
    assert (c["control_prompts"]["k"], c["control_prompts"]["n"]) == (0, 6)
    assert c["control_prompts"]["high"] == pytest.approx(wilson(0, 6)[1], abs=1e-9)
    assert (c["control_works"]["k"], c["control_works"]["n"]) == (0, 15)
    assert (c["control_prompts_human_similar"]["k"], c["control_prompts_human_similar"]["n"]) == (
        1,
        6,
    )

    # Tool vs primary reviewer (unsure left out): 14 pairs, one disagreement (control similar).
    th = report["tool_human_agreement"]
    assert th["n"] == 14 and th["table"] == {
        "match_similar": 5,
        "match_not_similar": 0,
        "no_match_similar": 1,
        "no_match_not_similar": 8,
    }
    tool = ["similar"] * 5 + ["not_similar"] * 9
    human = ["similar"] * 5 + ["similar"] + ["not_similar"] * 8
    assert th["kappa"] == pytest.approx(kappa_by_hand(tool, human), abs=1e-12)
    # Inter-rater over all 15 outputs, three categories.
    ir = report["inter_rater"]
    order = sorted(first_answers)
    a = [first_answers[i] for i in order]
    b = [second[i] for i in order]
    assert ir["n"] == 15 and ir["kappa"] == pytest.approx(kappa_by_hand(a, b), abs=1e-12)
    assert report["deviations"] == []

    # The bundle: a "Reproduction study" section and the en/zh methods appendix, with the
    # figures above; its pages rendered to PNG (kept in STUDY_PNG_DIR when set, to look at).
    text, pngs = render_study_bundle(case.path, case.path.parent / "bundle", tsa_server)
    assert "Reproduction study / 复现实验" in text
    assert (
        "Appendix" in text and "Reproduction study methods" in text and "复现实验方法说明" in text
    )
    low, high = wilson(3, 6)
    assert "3/6 = 50.0 %" in text and f"{low * 100:.1f} – {high * 100:.1f} %" in text
    assert "0/6 = 0.0 %" in text  # the control-prompt false-match rate
    assert f"Cohen's kappa {kappa_by_hand(tool, human):.2f}" in text
    assert "False-match rate on control prompts" in text and "工具在对照提示词上的误判率" in text
    assert pngs and all(p.stat().st_size > 1000 for p in pngs)
    keep = os.environ.get("STUDY_PNG_DIR")
    if keep:
        for p in pngs:
            shutil.copy(p, Path(keep) / p.name)


def test_exact_interval_is_clopper_pearson_and_kappa_edge_cases() -> None:
    def binom_tail_ge(k: int, n: int, p: float) -> float:
        return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k, n + 1))

    def bisect(f: Any, target: float) -> float:
        lo, hi = 0.0, 1.0
        for _ in range(200):
            mid = (lo + hi) / 2
            if f(mid) < target:
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2

    k, n = 3, 11
    low = bisect(lambda p: binom_tail_ge(k, n, p), 0.025)  # P(X >= k) = 2.5 %
    high = bisect(lambda p: -(1 - binom_tail_ge(k + 1, n, p)), -0.025)  # P(X <= k) = 2.5 %
    fig = proportion(k, n, "exact")
    assert fig["low"] == pytest.approx(low, abs=1e-9)
    assert fig["high"] == pytest.approx(high, abs=1e-9)
    assert proportion(0, 0)["rate"] is None
    assert cohens_kappa([("similar", "similar")] * 4)["kappa"] is None
    assert cohens_kappa([("a", "b"), ("b", "a")])["kappa"] == pytest.approx(-1.0)


def test_a_changed_protocol_is_a_new_logged_version_with_its_reason(
    case: Case, tsa_server: TsaServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROOFSHOT_TSA_URLS", tsa_server.url)
    attest.add_trust_anchors(case, tsa_server.ca_pem)
    data = protocol_toml("http://127.0.0.1:9")
    study = init_study(case, parse_protocol(data), data, "p.toml")
    first = freeze(case, study)
    assert first.new and first.version.version == 1 and first.token_time
    changed = protocol_toml("http://127.0.0.1:9", tries=5)
    with pytest.raises(StudyStateError, match="reason"):
        freeze(case, study, parse_protocol(changed), changed)
    second = freeze(case, study, parse_protocol(changed), changed, reason="Five tries per prompt")
    assert second.new and second.version.version == 2 and second.token_time
    report = study_report(case, study)
    assert [v["version"] for v in report["protocol"]["versions"]] == [1, 2]
    assert report["protocol"]["tries"] == 5
    assert "Protocol amended to version 2: Five tries per prompt" in report["deviations"]
    actions = [
        r[0]
        for r in case.conn.execute(
            "SELECT action FROM events WHERE action LIKE 'study.%' ORDER BY seq"
        )
    ]
    assert actions == ["study.created", "study.protocol-frozen", "study.protocol-amended"]
    assert verify_case(case).intact


def render_study_bundle(case_path: Path, out: Path, tsa: TsaServer) -> tuple[str, list[Path]]:
    """Export the filing (en+zh), return its text and PNGs (60 dpi) of the study pages."""
    import subprocess

    from app.core.tsa import TsaConfig
    from app.report.export import ExportJob
    from app.report.model import ExportOptions

    result = ExportJob(
        case_path,
        ExportOptions(out=out, profile="filing", lang="en+zh"),
        tsas=[TsaConfig(tsa.url)],
    ).run()
    pdf = result.filing[0]
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")
    wanted = [
        n
        for n, page in enumerate(pages, start=1)
        if "Reproduction study" in page and ("95 %" in page or "methods" in page.lower())
    ]
    pngs = []
    for n in wanted[:6]:
        stem = out / f"study-page-{n}"
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "60",
                "-png",
                "-f",
                str(n),
                "-l",
                str(n),
                "-singlefile",
                str(pdf),
                str(stem),
            ],
            check=True,
        )
        pngs.append(stem.with_suffix(".png"))
    return text, pngs


def test_an_interrupted_study_resumes_in_the_same_order_without_repeating_a_request(
    case: Case, server: CampaignServer, tsa_server: TsaServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.core.jobs import CancelToken, Progress

    monkeypatch.setenv("PROOFSHOT_TSA_URLS", tsa_server.url)
    attest.add_trust_anchors(case, tsa_server.ca_pem)
    data = protocol_toml(server.url, tries=2)
    study = init_study(case, parse_protocol(data), data, "p.toml")
    assert freeze(case, study).token_time
    token = CancelToken()

    def progress(p: Progress) -> None:
        if p.done >= 4:
            token.cancel()

    small_batches = settings()
    small_batches.batch_size = 2  # progress is reported per committed batch
    first = run_study(
        case, study, lambda u, n: CREDENTIAL, small_batches, progress=progress, cancel=token
    )
    assert not first.complete
    asked = len(server.generation_requests())
    assert 4 <= asked < 10
    second = run_study(case, study, lambda u, n: CREDENTIAL, settings())
    assert second.complete and second.runs[0]["campaign_id"] == first.runs[0]["campaign_id"]
    sent = [r.prompt for r in server.generation_requests()]
    assert sent == [PROMPTS[e["prompt_id"]][1] for e in schedule(parse_protocol(data))]
    assert case.conn.execute("SELECT COUNT(*) FROM study_runs").fetchone()[0] == 1
    assert study_report(case, study)["deviations"][-1] == "10 output(s) not reviewed by anyone."
