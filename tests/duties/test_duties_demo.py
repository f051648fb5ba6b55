"""Done-when for issue #20: capture the demo platform, check its duties, re-check after a change."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from app.capture import store
from app.core.case import Case
from app.core.verify import verify_case
from app.demo.site import DemoSite
from tests.capture.conftest import REPO, cli_command, subprocess_env

pytestmark = pytest.mark.qt


def run(*args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cli_command(*args),
        cwd=REPO,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def proofshot(*args: str) -> subprocess.CompletedProcess[str]:
    import sys

    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=REPO,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def generate(site: DemoSite, case: Path, prompt: str, wait_for: str) -> dict[str, Any]:
    done = run(
        "capture",
        str(case),
        site.url + "/",
        "--fill",
        "#prompt",
        prompt,
        "--click",
        "#generate",
        "--wait-for",
        wait_for,
        "--settle",
        "0.5",  # network quiet after the wait-for step (which already saw the result)
        "--json",
    )
    assert done.returncode in (0, 2), done.stderr[-3000:]
    return json.loads(done.stdout)


def page(site: DemoSite, case: Path, path: str, role: str) -> dict[str, Any]:
    done = run("capture", str(case), site.url + path, "--settle", "0.5", "--json")
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    with Case.open(case) as c:
        store.mark_capture(c, result["page_capture"]["capture_id"], role)
    return result


def checklist(case: Path, host: str) -> dict[str, Any]:
    out = proofshot(
        "duties",
        str(case),
        "--platform",
        host,
        "--keyword",
        "星光侠",
        "--keyword",
        "Starlume",
        "--json",
    )
    assert out.returncode == 0, out.stderr
    (pd,) = json.loads(out.stdout)
    return pd


def by_duty(findings: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {f["duty"]: f for f in findings}


def test_duties_checked_from_captures_and_rechecked_after_a_change(
    demo_site: DemoSite, case_path: Path
) -> None:
    host = demo_site.url.split("//")[1]
    allowed = generate(demo_site, case_path, "生成星光侠", "#results img")
    generate(demo_site, case_path, "Starlume hero, full body", "#refusal")
    terms = page(demo_site, case_path, "/terms", "terms")
    complaint = page(demo_site, case_path, "/complaint", "complaint")

    pd = checklist(case_path, host)
    first = by_duty(pd["checklist"])
    (gen,) = allowed["generations"]
    with Case.open(case_path, read_only=True) as case:
        outputs = {o["sha256"]: o["item_id"] for o in store.list_generations(case)[0].outputs}
        caps = {c.id: c for c in store.list_captures(case)}
    labelled, unlabelled = (outputs[gen["outputs"][0]], outputs[gen["outputs"][1]])
    gen_page_items = {i["item_id"] for i in caps[allowed["page_capture"]["capture_id"]].items}
    terms_items = {i["item_id"] for i in caps[terms["page_capture"]["capture_id"]].items}
    complaint_items = {i["item_id"] for i in caps[complaint["page_capture"]["capture_id"]].items}

    # complaint channel: the generation page links to it, and the linked page was captured
    c = first["complaint"]
    assert c["finding"] == "present", c
    assert set(c["exhibits"]) & gen_page_items and set(c["exhibits"]) & complaint_items
    assert "/complaint" in c["detail"] and c["observed_to"]
    # terms page, marked, warns users about infringement
    t = first["terms"]
    assert t["finding"] == "present" and set(t["exhibits"]) & terms_items
    assert "infringe" in t["detail"]
    # explicit labels: the badge is next to the first output only; the page notice is seen
    e = first["explicit-label"]
    assert e["finding"] == "partial", e
    assert e["shares"]["outputs_checked"] == 2 and e["shares"]["outputs_with_visible_label"] == 1
    assert e["shares"]["unlabelled_items"] == [unlabelled]
    assert "本服务生成的内容由人工智能生成" in e["detail"]
    # implicit labels: TC260 + IPTC on the first output, none on the second
    i = first["implicit-label"]
    assert i["finding"] == "partial"
    assert i["shares"]["tc260"] == 1 and i["shares"]["iptc"] == 1 and i["shares"]["c2pa"] == 0
    assert i["shares"]["unlabelled_items"] == [unlabelled] and labelled in i["exhibits"]
    # keyword filtering: one prompt naming the work refused, one generated
    k = first["keyword-filter"]
    assert k["finding"] == "partial", k
    assert k["shares"]["refused_prompts"] == ["Starlume hero, full body"]
    assert k["shares"]["generated_prompts"] == ["生成星光侠"]
    (ref,) = pd["refusals"]
    assert ref["status"] == 400 and ref["prompt"] == "Starlume hero, full body"
    # the refusal rests on the platform's own answer: the archived response (session WACZ)
    archives = {i["item_id"] for c in caps.values() for i in c.items if i["role"] == "wacz"}
    assert ref["item_id"] in archives and ref["item_id"] in k["exhibits"]
    assert "content_policy" in ref["excerpt"] or "知识产权" in ref["excerpt"]

    # record the first check; the operator adds a finding of their own
    rec = proofshot(
        "duties",
        str(case_path),
        "--record",
        "--platform",
        host,
        "--keyword",
        "星光侠",
        "--keyword",
        "Starlume",
    )
    assert rec.returncode == 0, rec.stderr
    note = proofshot(
        "duties",
        str(case_path),
        "--add-finding",
        "explicit-label",
        "--platform",
        host,
        "--finding",
        "partial",
        "--item",
        str(unlabelled),
        "--note",
        "Second image has no visible AI mark on the image itself.",
    )
    assert note.returncode == 0, note.stderr

    # a bundle made now names the unlabelled output by its exhibit label
    done = proofshot(
        "export",
        str(case_path),
        "--out",
        str(case_path.parent / "first"),
        "--profile",
        "filing",
        "--json",
    )
    assert done.returncode == 0, done.stderr[-2000:]
    (pdf,) = json.loads(done.stdout)["filing"]
    text = subprocess.run(
        ["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True, check=True
    ).stdout
    heading = re.search(r"Appendix [A-J]: Platform duties\n", text)
    assert heading is not None
    first_section = " ".join(text[heading.start() :].split())
    with Case.open(case_path, read_only=True) as case:
        from app.report.model import ExportOptions, build_bundle

        first_label = build_bundle(case, ExportOptions()).item_exhibit[unlabelled]
    assert f"Outputs without it: {first_label}." in first_section
    assert "Partial" in first_section or "partial" in first_section

    # the platform changes after a notice; the same checks are repeated
    demo_site.set_behaviour("after-notice")
    generate(demo_site, case_path, "生成星光侠", "#refusal")
    again = generate(demo_site, case_path, "a mountain lake, 星光侠 style", "#refusal")
    assert again["generations"][0]["outputs"] == []
    later = generate(demo_site, case_path, "a mountain lake at dawn", "#results img")
    assert later["generations"][0]["outputs"]

    pd = checklist(case_path, host)
    assert [r["recorded"] for r in pd["rounds"]] == [True, False]
    second = by_duty(pd["rounds"][1]["findings"])
    assert second["keyword-filter"]["finding"] == "present"
    assert second["explicit-label"]["finding"] == "present"
    assert second["implicit-label"]["finding"] == "present"
    assert second["complaint"]["finding"] == "present"
    changes = {(ch["duty"], ch["was"], ch["now"]) for ch in pd["changes"]}
    assert ("keyword-filter", "partial", "present") in changes
    assert ("implicit-label", "partial", "present") in changes
    (op,) = pd["operator_findings"]
    assert op["source"] == "operator" and op["item_id"] == unlabelled and op["actor"]
    with Case.open(case_path, read_only=True) as case:
        assert verify_case(case).intact

    # the bundle: a "Platform duties" section citing exhibit labels, and the notice citing it
    out_dir = case_path.parent / "export"
    done = proofshot(
        "export",
        str(case_path),
        "--out",
        str(out_dir),
        "--profile",
        "filing",
        "--lang",
        "en+zh",
        "--json",
    )
    assert done.returncode == 0, done.stderr[-2000:]
    (pdf,) = json.loads(done.stdout)["filing"]
    text = subprocess.run(
        ["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True, check=True
    ).stdout
    section = text[text.index("Platform duties / 附录") :]
    assert "Platform: " + host in section and "平台：" + host in section
    assert "Checks over time" in section and "多次检查的变化" in section
    assert "partial (check 1) → present (check 2)" in " ".join(section.split())
    assert "Operator's finding" in section and "Interim Measures" in section
    assert "45438" in section
    assert "partial / 部分有" in section and "<br" not in section
    with Case.open(case_path, read_only=True) as case:
        from app.report.model import ExportOptions, build_bundle

        bundle = build_bundle(case, ExportOptions(lang="en+zh"))
    label = bundle.item_exhibit[unlabelled]
    assert label in section  # the unlabelled output is cited by its exhibit label
    # the notice is a separate unstamped DRAFT beside the filing (#13); it cites the findings
    draft = Path(pdf).parent.parent / "notice" / "DRAFT-platform-notice.pdf"
    notice_text = subprocess.run(
        ["pdftotext", "-layout", str(draft), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Platform duties (see the Platform duties appendix)" not in text
    notice = notice_text[notice_text.index("Platform duties (see the Platform duties appendix") :]
    assert "Keyword filtering" in notice and label.split(".")[0] in notice
