"""The helpers ``summarise_comfyui`` and ``_generator_candidates`` were split into, each called
on its own with the real generator records of the corpus fixtures (ComfyUI graphs, A1111
parameters, an InvokeAI 1.x Dream line, InvokeAI and NovelAI chunks)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PIL import Image

from app.core.provenance import comfyui, extract
from app.core.provenance.limits import MAX_SUMMARY_ITEMS, MAX_TEXT_VALUE_BYTES, Truncations

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "provenance"


def _texts(name: str) -> dict[str, str]:
    """The PNG text chunks of a corpus file, as the extractor reads them."""
    with Image.open(CORPUS / name) as img:
        return dict(img.text)


def _graph(name: str = "sd-metadata/reduced/comfyui.png") -> dict[str, Any]:
    graph: dict[str, Any] = json.loads(_texts(name)["prompt"])
    return graph


def _encode(graph: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str | None], Truncations]:
    """Run ``_summarise_encoders`` the way ``summarise_comfyui`` does."""
    nodes = comfyui._nodes_from_api(graph)
    ordered = sorted(nodes, key=comfyui._order_key)
    roles = comfyui._trace_roles(nodes, ordered)
    encoders = [nid for nid in ordered if comfyui._is_text_encoder(nodes[nid])]
    summary: dict[str, Any] = {"text_encodes": []}
    truncations = Truncations()
    texts = comfyui._summarise_encoders(summary, nodes, encoders, roles, truncations)
    return summary, texts, truncations


# -- comfyui._summarise_encoders -----------------------------------------------------------


def test_encoders_of_a_real_graph_give_their_texts_and_the_roles_the_sampler_links_give() -> None:
    graph = _graph()
    summary, texts, truncations = _encode(graph)
    assert texts == {
        "PositiveCLIP_Base": graph["PositiveCLIP_Base"]["inputs"]["text"],
        "NegativeCLIP_Base": graph["NegativeCLIP_Base"]["inputs"]["text"],
    }
    assert "テスト" in texts["PositiveCLIP_Base"]  # the real text, not a re-encoding of it
    by_node = {e["node"]: e for e in summary["text_encodes"]}
    assert by_node["PositiveCLIP_Base"]["role"] == "positive"
    assert by_node["NegativeCLIP_Base"]["role"] == "negative"
    assert {e["class_type"] for e in by_node.values()} == {"CLIPTextEncode"}
    assert by_node["PositiveCLIP_Base"]["text"] == texts["PositiveCLIP_Base"]
    assert truncations.paths == []


def test_an_overlong_encoder_text_is_capped_and_named_as_truncated() -> None:
    graph = _graph()
    graph["PositiveCLIP_Base"]["inputs"]["text"] = "x" * (MAX_TEXT_VALUE_BYTES + 100)
    summary, texts, truncations = _encode(graph)
    entry = next(e for e in summary["text_encodes"] if e["node"] == "PositiveCLIP_Base")
    assert len(entry["text"].encode()) <= MAX_TEXT_VALUE_BYTES
    assert len(texts["PositiveCLIP_Base"] or "") == MAX_TEXT_VALUE_BYTES + 100  # uncut for prompts
    assert truncations.paths == ["comfyui.text_encodes[PositiveCLIP_Base].text"]


def test_more_encoders_than_the_summary_holds_are_cut_and_said_so() -> None:
    graph = _graph()
    template = graph["NegativeCLIP_Base"]
    for n in range(MAX_SUMMARY_ITEMS + 5):
        graph[f"Extra{n:03d}"] = {**template, "inputs": {**template["inputs"], "text": f"t{n}"}}
    summary, texts, truncations = _encode(graph)
    assert len(summary["text_encodes"]) == MAX_SUMMARY_ITEMS == len(texts)
    assert truncations.paths == ["comfyui.text_encodes"]


# -- extract._Gathered, _gather_text_fields, _gather_tool_records -----------------------------


def _gathered() -> extract._Gathered:
    return extract._Gathered(extract._empty_result(), Truncations())


def test_a_text_record_becomes_a_candidate_a_comfy_graph_or_an_unrecognised_field() -> None:
    found = _gathered()
    a1111 = _texts("sd-parsers/automatic1111_cropped.png")["parameters"]
    found.add_text_record(a1111, "png:parameters")
    (candidate,) = found.candidates
    assert candidate.source == "png:parameters" and candidate.format == extract.FORMAT_A1111
    assert candidate.generator and candidate.finding.prompt
    assert a1111.startswith(candidate.finding.prompt.strip())

    graph = json.dumps({"prompt": _graph()})
    found.add_text_record(graph, "exif:UserComment")
    assert len(found.candidates) == 1  # a graph waits for the ComfyUI summary
    prompt_json, workflow_json, where = found.comfy_from_json or (None, None, None)
    assert json.loads(prompt_json or "{}") == _graph() and workflow_json is None
    assert where == "exif:UserComment"

    found.add_text_record("just some words", "png:parameters")
    assert [u["field"] for u in found.result["unrecognised"]] == ["png:parameters"]


def test_text_fields_read_parameters_and_a_user_comment_and_keep_a_plain_prompt_raw() -> None:
    found = _gathered()
    texts = _texts("sd-metadata/reduced/sd-webui-hires.png")
    texts["prompt"] = "a plain prompt from another tool"
    extract._gather_text_fields(found, texts, {"UserComment": texts["parameters"]})
    assert [(c.source, c.format) for c in found.candidates] == [
        ("png:parameters", extract.FORMAT_A1111),
        ("exif:UserComment", extract.FORMAT_A1111),
    ]
    assert [u["field"] for u in found.result["unrecognised"]] == ["png:prompt"]


def test_text_fields_ignore_a_user_comment_that_is_no_generator_record() -> None:
    found = _gathered()
    extract._gather_text_fields(found, {}, {"UserComment": "Holiday 2024, Lisbon"})
    assert found.candidates == [] and found.result["unrecognised"] == []


def test_tool_records_summarise_a_real_comfyui_graph_found_in_png_chunks() -> None:
    found = _gathered()
    extract._gather_tool_records(found, _texts("sd-metadata/reduced/comfyui.png"), {})
    (candidate,) = found.candidates
    assert candidate.source == "comfyui" and candidate.generator == extract.GENERATOR_COMFYUI
    assert "hatsune miku" in (candidate.finding.prompt or "")
    comfy = found.result["comfyui"]
    assert comfy["found_in"] == "png" and comfy["graph_used"] == "prompt"
    assert comfy["samplers"][0]["seed"] == 422847914351919


def test_tool_records_fall_back_to_a_graph_a_json_text_record_carried() -> None:
    found = _gathered()
    found.comfy_from_json = (json.dumps(_graph()), None, "exif:UserComment")
    extract._gather_tool_records(found, {}, {})
    assert [c.source for c in found.candidates] == ["comfyui"]
    assert found.result["comfyui"]["found_in"] == "exif:UserComment"


def test_tool_records_read_invokeai_dream_and_novelai_chunks() -> None:
    found = _gathered()
    extract._gather_tool_records(found, _texts("sd-parsers/invokeai_dream1.png"), {})
    assert [(c.source, c.format) for c in found.candidates] == [
        ("png:Dream", extract.FORMAT_INVOKEAI_DREAM)
    ]
    found = _gathered()
    extract._gather_tool_records(found, _texts("sd-metadata/reduced/invokeai.png"), {})
    assert [c.generator for c in found.candidates] == [extract.GENERATOR_INVOKEAI]
    assert found.result["invokeai"] is not None
    found = _gathered()
    extract._gather_tool_records(found, _texts("sd-metadata/reduced/novelai-curated.png"), {})
    assert [c.generator for c in found.candidates] == [extract.GENERATOR_NOVELAI]
    assert found.result["novelai"] is not None and found.candidates[0].finding.prompt


def test_tool_records_keep_an_unreadable_dream_line_raw() -> None:
    found = _gathered()
    extract._gather_tool_records(found, {"Dream": '"an unclosed quote -s 20'}, {})
    assert found.candidates == []
    assert [u["field"] for u in found.result["unrecognised"]] == ["png:Dream"]
