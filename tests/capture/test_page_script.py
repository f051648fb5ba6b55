"""The page script's reports, checked before anything trusts them (app.capture.page_script)."""

from __future__ import annotations

import json

from app.capture.page_script import PAGE_BINDING, PAGE_SCRIPT, parse_page_report


def test_only_json_objects_are_reports() -> None:
    assert parse_page_report("not json", 5.0) is None
    assert parse_page_report("[1, 2]", 5.0) is None
    assert parse_page_report('"text"', 5.0) is None


def test_fields_are_clean_text_and_boxes_are_checked() -> None:
    payload = json.dumps(
        {
            "kind": "click",
            "target": "button#go Go\ud800",
            "url": "http://127.0.0.1/",
            "fields": [
                {
                    "tag": "textarea",
                    "id": "prompt",
                    "value": "a cat",
                    "box": {"x": 1, "y": 2, "width": 30, "height": 4.6},
                },
                {
                    "tag": "input",
                    "name": "neg",
                    "value": 7,
                    "box": {"x": 0, "y": 0, "width": 0, "height": 5},
                },
                "not a field",
            ],
            "target_box": {"x": "nan", "y": 0, "width": 1, "height": 1},
        }
    )
    report = parse_page_report(payload, 42.0)
    assert report is not None
    assert report.at == 42.0  # no time given: the binder's clock
    assert report.target == "button#go Go\\ud800"  # a lone surrogate kept as an escape
    assert report.target_box is None
    assert report.fields == [
        {
            "tag": "textarea",
            "id": "prompt",
            "value": "a cat",
            "box": {"x": 1, "y": 2, "width": 30, "height": 5},
        },
        {"tag": "input", "name": "neg", "value": "7"},
    ]
    assert report.prompt_field() == report.fields[0]
    assert report.negative_field() == report.fields[1]
    timed = parse_page_report(json.dumps({"at": 12.5, "fields": []}), 42.0)
    assert timed is not None and timed.at == 12.5 and timed.prompt_field() is None


def test_the_script_reports_through_the_binding_it_names() -> None:
    assert f"window.{PAGE_BINDING}" in PAGE_SCRIPT
    for event in ("'submit'", "'click'", "'keydown'"):
        assert event in PAGE_SCRIPT
