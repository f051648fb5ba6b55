"""Capture records in the case: logged rows, corrections beside the record, verify intact."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image

from app.capture import store
from app.capture.generations import GenerationEvent, OutputImage
from app.core.case import Case
from app.core.verify import verify_case

PROMPT = "生成星光侠, 长发"


def png(color: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (96, 96), color).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def case(tmp_path: Path) -> Case:
    c = Case.create(tmp_path / "Store.proofshot", operator="Ada Analyst")
    yield c
    c.close()


def event(outputs: list[bytes]) -> GenerationEvent:
    return GenerationEvent(
        prompt=PROMPT,
        negative_prompt="模糊",
        parameters={"seed": 1},
        request_url="http://127.0.0.1/api/generate",
        job_id="job_1",
        submitted_at=1_700_000_000.0,
        returned_at=1_700_000_001.5,
        binding="same-response",
        outputs=[
            OutputImage(
                d,
                f"http://127.0.0.1/images/job_1/{i}.png",
                "same-response",
                1_700_000_002.0,
                {"remote_ip": "127.0.0.1"},
            )
            for i, d in enumerate(outputs)
        ],
        facts={"prompt_source": "json:prompt"},
    )


def test_a_generation_is_stored_with_its_outputs_and_verifies(case: Case) -> None:
    gen_id, items = store.store_generation(case, event([png("red"), png("blue")]), session_id="s1")
    views = store.list_generations(case)
    assert [v.id for v in views] == [gen_id]
    view = views[0]
    assert view.prompt == PROMPT and view.negative_prompt == "模糊"
    assert [o["item_id"] for o in view.outputs] == items
    kinds = {r[0] for r in case.conn.execute("SELECT kind FROM items")}
    assert kinds == {"web-capture"}
    assert verify_case(case).intact


def test_corrections_are_kept_beside_the_generation_never_over_it(case: Case) -> None:
    gen_id, items = store.store_generation(case, event([png("red"), png("blue")]), session_id="s1")
    other = store.store_generation(case, event([png("green")]), session_id="s1")[1][0]
    store.correct_generation(case, gen_id, "remove-output", str(items[1]))
    store.correct_generation(case, gen_id, "add-output", str(other))
    store.correct_generation(case, gen_id, "prompt-note", "the user typed it twice")
    store.correct_generation(case, gen_id, "confirm")
    view = store.list_generations(case)[0]
    assert [o["item_id"] for o in view.recorded_outputs] == items  # what was recorded stays
    assert [o["item_id"] for o in view.outputs] == [items[0], other]
    assert view.confirmed and [c["action"] for c in view.corrections] == [
        "remove-output",
        "add-output",
        "prompt-note",
        "confirm",
    ]
    assert (
        case.conn.execute("SELECT prompt FROM generations WHERE id = ?", (gen_id,)).fetchone()[0]
        == PROMPT
    )
    assert verify_case(case).intact


def test_bad_corrections_and_marks_are_refused(case: Case) -> None:
    gen_id, _ = store.store_generation(case, event([png("red")]), session_id="s1")
    with pytest.raises(store.CaptureError):
        store.correct_generation(case, gen_id, "rewrite-prompt", "x")
    with pytest.raises(store.CaptureError):
        store.correct_generation(case, gen_id, "add-output", "999")
    with pytest.raises(store.CaptureError):
        store.correct_generation(case, 999, "confirm")
    with pytest.raises(store.CaptureError):
        store.mark_capture(case, 1, "home")  # no capture yet


def test_a_page_capture_links_its_parts_and_can_be_marked_as_a_platform_page(case: Case) -> None:
    parts = [
        store.Part("screenshot-full", png("white"), "screenshot", "http://x/terms", {"w": 1}),
        store.Part("dom-html", b"<html>terms</html>", "page-html", "http://x/terms"),
        store.Part(
            "image", png("red"), "web-capture", "http://x/a.png", {"remote_ip": "127.0.0.1"}
        ),
    ]
    stored = store.store_capture(
        case,
        kind="page",
        requested_url="http://x/terms",
        final_url="http://x/terms",
        title="用户协议",
        started_at=1_700_000_000.0,
        ended_at=1_700_000_001.0,
        facts={"images": 1},
        parts=parts,
    )
    store.mark_capture(case, stored.capture_id, "terms")
    with pytest.raises(store.CaptureError):
        store.mark_capture(case, stored.capture_id, "favourite")
    capture = store.list_captures(case)[0]
    assert capture.title == "用户协议" and capture.marks == ["terms"]
    assert sorted(i["role"] for i in capture.items) == ["dom-html", "image", "screenshot-full"]
    logged = [
        json.loads(r[0])
        for r in case.conn.execute("SELECT payload FROM events WHERE action LIKE 'capture.%'")
    ]
    assert any("captures" in p["records"] for p in logged)
    assert verify_case(case).intact
