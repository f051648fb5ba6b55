"""Refusals in browser captures read from the archived response body (the WACZ), #20."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.capture import store
from app.core.case import Case
from app.demo.site import REFUSAL_MESSAGE, DemoSite
from app.duties import checks, refusals
from tests.duties.test_duties_demo import generate


def test_a_json_refusal_is_read_from_its_error_fields_not_from_an_echoed_prompt() -> None:
    refused = json.dumps(
        {"error": REFUSAL_MESSAGE, "code": "content_policy_violation", "refused": True},
        ensure_ascii=False,
    ).encode()
    hit = refusals.from_response_body(refused)
    assert hit is not None and "涉及他人知识产权" in hit[1]
    # an answer that generated images and merely echoes a prompt with the word is no refusal
    echoed = json.dumps(
        {"job_id": "j1", "prompt": "a knight who refused to bow", "images": [{"url": "/1.png"}]}
    ).encode()
    assert refusals.from_response_body(echoed) is None
    assert refusals.from_response_body(b"") is None
    assert refusals.from_response_body(b'{"error": "rate limit, try later"}') is None


@pytest.mark.qt
def test_a_browser_refusal_is_recognised_from_the_archived_response(
    demo_site: DemoSite, case_path: Path
) -> None:
    result = generate(demo_site, case_path, "Starlume hero on a rooftop", "#refusal")
    (gen,) = result["generations"]
    assert gen["outputs"] == []
    with Case.open(case_path, read_only=True) as case:
        (found,) = checks.recognise_refusals(case)
        (session,) = [c for c in store.list_captures(case) if c.kind == "session"]
        (wacz,) = [i for i in session.items if i["role"] == "wacz"]
        assert found.generation_id == gen["id"]
        assert found.item_id == wacz["item_id"]  # read from the archive, not the page text
        assert found.status == 400
        assert "content_policy" in found.excerpt or "涉及他人知识产权" in found.excerpt
    # recorded with its own custody event when the check is recorded
    with Case.open(case_path) as case:
        checks.record_check(case)
        (row,) = refusals.recorded(case)
        assert row.item_id == wacz["item_id"] and row.generation_id == gen["id"]
