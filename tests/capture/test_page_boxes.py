"""The page script's boxes as the binder keeps them: numbers checked, attributes kept as text,
the submitter's box kept beside the fields (issue #16). The real page script's boxes are
checked on a headless capture in test_capture_crop.py."""

from __future__ import annotations

import json

from app.capture.generations import GenerationBinder, GenerationEvent, page_box


def test_page_box_accepts_four_finite_numbers_with_a_size_and_nothing_else() -> None:
    assert page_box({"x": 1.4, "y": 2.6, "width": 10, "height": 20}) == {
        "x": 1,
        "y": 3,
        "width": 10,
        "height": 20,
    }
    for bad in (
        None,
        "x",
        {"x": 0, "y": 0, "width": 0, "height": 5},
        {"x": 0, "y": 0, "width": 5},
        {"x": "nan", "y": 0, "width": 5, "height": 5},
        {"x": float("inf"), "y": 0, "width": 5, "height": 5},
        {"x": 1e12, "y": 0, "width": 5, "height": 5},
        {"x": [1], "y": 0, "width": 5, "height": 5},
    ):
        assert page_box(bad) is None, bad


def test_a_page_report_keeps_field_boxes_and_the_submitter_box() -> None:
    events: list[GenerationEvent] = []
    binder = GenerationBinder(events.append, window=0.0, idle=0.0, clock=lambda: 100.0)
    report = binder.on_page_report(
        json.dumps(
            {
                "kind": "click",
                "target": "button#go Go",
                "url": "http://127.0.0.1/",
                "at": 50.0,
                "target_box": {"x": 10, "y": 300, "width": 80, "height": 30},
                "fields": [
                    {
                        "tag": "textarea",
                        "id": "prompt",
                        "value": "a red fox",
                        "box": {"x": 10, "y": 20, "width": 600, "height": 90},
                    },
                    {"tag": "input", "id": "seed", "value": 7, "box": {"x": "evil"}},
                ],
            }
        )
    )
    assert report is not None
    assert report.target_box == {"x": 10, "y": 300, "width": 80, "height": 30}
    prompt, seed = report.fields
    assert prompt["box"] == {"x": 10, "y": 20, "width": 600, "height": 90}
    assert prompt["value"] == "a red fox" and seed["value"] == "7" and "box" not in seed
    assert report.prompt_field() is prompt
