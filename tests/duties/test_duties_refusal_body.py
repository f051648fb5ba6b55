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


def _wacz(path: Path, responses: list[tuple[str, int, bytes]]) -> Path:
    """A minimal WACZ: one gzipped WARC under archive/ holding the given responses."""
    import io
    import zipfile

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    warc = io.BytesIO()
    writer = WARCWriter(warc, gzip=True)
    for url, status, body in responses:
        headers = StatusAndHeaders(
            f"{status} X", [("Content-Type", "application/json")], protocol="HTTP/1.1"
        )
        writer.write_record(
            writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=headers
            )
        )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("archive/data.warc.gz", warc.getvalue())
        zf.writestr("pages/pages.jsonl", "{}\n")
    return path


def test_a_wacz_is_indexed_in_one_pass_keeping_only_the_answers_asked_for(tmp_path: Path) -> None:
    import hashlib

    api, other = "https://gen.example/api/generate", "https://gen.example/other"
    first, second = b'{"error": "refused: content policy"}', b'{"images": ["/1.png"]}'
    wacz = _wacz(
        tmp_path / "s.wacz",
        [(api, 400, first), (api, 200, second), (other, 200, b"x" * 5000)],
    )
    sha2 = hashlib.sha256(second).hexdigest()
    index = refusals.index_wacz(str(wacz), {api: {sha2}, "https://gen.example/none": set()})
    assert index.answer(api, sha2) == (200, second)  # by its body's hash
    assert index.answer(api, None) is None  # two answers and no hash: ambiguous
    assert index.count == {api: 2} and other not in index.first  # not asked for: not kept
    assert list(index.by_body) == [(api, sha2)]
    # the one-URL wrapper still answers as before
    assert refusals.response_from_wacz(wacz.read_bytes(), other, None) == (200, b"x" * 5000)
    assert refusals.response_from_wacz(b"not a zip", api, None) is None


def test_archives_are_indexed_once_per_check_and_never_through_a_link(
    tmp_path: Path, case_path: Path
) -> None:
    api = "https://gen.example/api/generate"
    wacz = _wacz(tmp_path / "s.wacz", [(api, 400, b'{"error": "refused by content policy"}')])
    with Case.open(case_path) as case:
        staged = case.objects.stage_bytes(wacz.read_bytes())
        case.objects.place(staged)
        sha = staged.digests.sha256
    with Case.open(case_path, read_only=True) as case:
        archives = checks._Archives(case, checks._load_facts(case), [])
        archives.wanted[sha] = {api: set()}
        once = archives.answers(sha)
        assert once is not None and once.answer(api, None) == (
            400,
            b'{"error": "refused by content policy"}',
        )
        assert archives.answers(sha) is once  # the second generation asking reuses the index
        target = case.objects.path_for(sha)
        moved = tmp_path / "moved.wacz"
        target.rename(moved)
        target.symlink_to(moved)  # swapped while the case is open (opening would refuse it)
        archives = checks._Archives(case, checks._load_facts(case), [])
        archives.wanted[sha] = {api: set()}
        assert archives.answers(sha) is None
        reader = checks._Reader(case)
        assert reader.bytes_within(sha, 1 << 20) is None  # a page read the same way
        with pytest.raises(OSError):
            reader.bytes(sha)  # a link in the object store is not followed
