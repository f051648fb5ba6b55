"""NovelAI and InvokeAI metadata: JSON in PNG text chunks, mapped to prompt and parameters.

NovelAI writes ``Software: NovelAI``, the prompt as ``Description``, the model as
``Source`` and a ``Comment`` JSON whose ``uc`` is the negative prompt. InvokeAI 2.x writes
``sd-metadata`` JSON; 3.x and later write ``invokeai_metadata`` (plus graph/workflow JSON).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from .a1111 import number
from .limits import MAX_TEXT_VALUE_BYTES, Truncations, cap_text, json_safe


@dataclass
class GeneratorFinding:
    """One generator's metadata: the stored summary plus the prompt/parameters it gave."""

    summary: dict[str, Any]
    prompt: str | None = None
    negative_prompt: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    # Every prompt with its role: {"role": "positive"|"negative"|"regional"|"character"...,
    # "text": ..., plus "region"/"center" where the format states one}.
    prompts: list[dict[str, Any]] = field(default_factory=list)


def _load_json(raw: str | None, name: str, errors: list[str]) -> Any:
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:
        errors.append(f"{name} is not valid JSON: {str(exc)[:200]}.")
        return None


def _number(value: Any) -> int | float | str | None:
    """Keep JSON numbers as numbers (finite only); numeric strings become numbers too."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, str):
        return number(value)
    return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _capped(value: str | None, path: str, truncations: Truncations) -> str | None:
    if value is None:
        return None
    text, cut = cap_text(value, MAX_TEXT_VALUE_BYTES)
    if cut:
        truncations.add(path)
    return text


def _size(parameters: dict[str, Any], width: Any, height: Any) -> None:
    if isinstance(width, int) and isinstance(height, int) and not isinstance(width, bool):
        parameters["width"], parameters["height"] = width, height
        parameters["size"] = f"{width}x{height}"


def summarise_novelai(texts: dict[str, str], truncations: Truncations) -> GeneratorFinding | None:
    """Recognise NovelAI by its Software chunk (or a NovelAI Source with a Comment)."""
    software = texts.get("Software")
    source = texts.get("Source")
    comment_raw = texts.get("Comment")
    is_novelai = (software is not None and software.strip().startswith("NovelAI")) or (
        source is not None and "NovelAI" in source and comment_raw is not None
    )
    if not is_novelai:
        return None
    finding = novelai_from_comment(texts, truncations)
    return finding


def novelai_from_comment(
    texts: dict[str, str], truncations: Truncations | None = None
) -> GeneratorFinding:
    """NovelAI's chunks (Software, Source, Title, Description, Comment JSON) -> finding.
    Used for PNG text chunks and for the same object stored as JSON in EXIF (WebP)."""
    truncations = truncations if truncations is not None else Truncations()
    software = texts.get("Software")
    source = texts.get("Source")
    comment_raw = texts.get("Comment")
    errors: list[str] = []
    comment = _load_json(comment_raw, "NovelAI Comment", errors)
    summary: dict[str, Any] = {
        "software": _capped(software, "novelai.software", truncations),
        "source": _capped(source, "novelai.source", truncations),
        "title": _capped(texts.get("Title"), "novelai.title", truncations),
        "generation_time": _capped(
            texts.get("Generation time"), "novelai.generation_time", truncations
        ),
        "description": _capped(texts.get("Description"), "novelai.description", truncations),
        "comment": None,
    }
    finding = GeneratorFinding(summary=summary, errors=errors)
    # NovelAI WebP exports pad Description with NUL characters; they are not prompt text.
    description = texts.get("Description")
    finding.prompt = description.strip("\x00") if description is not None else None
    if isinstance(comment, dict):
        summary["comment"] = json_safe(comment, "novelai.comment", truncations)
        if finding.prompt is None:
            finding.prompt = _text(comment.get("prompt"))
        finding.negative_prompt = _text(comment.get("uc"))
        parameters: dict[str, Any] = {}
        for ours, theirs in (
            ("steps", "steps"),
            ("cfg_scale", "scale"),
            ("seed", "seed"),
        ):
            value = _number(comment.get(theirs))
            if value is not None:
                parameters[ours] = value
        if isinstance(comment.get("sampler"), str):
            parameters["sampler"] = cap_text(comment["sampler"], 1024)[0]
        if isinstance(comment.get("noise_schedule"), str):
            parameters["scheduler"] = cap_text(comment["noise_schedule"], 1024)[0]
        _size(parameters, comment.get("width"), comment.get("height"))
        if source is not None:
            parameters["model"] = cap_text(source, 1024)[0]
        parameters["other"] = {}
        finding.parameters = parameters
        finding.prompts = _novelai_prompts(comment, finding.prompt, finding.negative_prompt)
    elif comment_raw is not None:
        summary["comment"] = _capped(comment_raw, "novelai.comment", truncations)
    return finding


def _novelai_prompts(
    comment: dict[str, Any], prompt: str | None, negative: str | None
) -> list[dict[str, Any]]:
    """Base prompts plus NovelAI v4 character prompts (``v4_prompt.caption.char_captions``,
    each with its centre point) and their negatives."""
    prompts: list[dict[str, Any]] = []
    if prompt is not None:
        prompts.append({"role": "positive", "text": prompt})
    if negative is not None:
        prompts.append({"role": "negative", "text": negative})
    for key, role in (("v4_prompt", "character"), ("v4_negative_prompt", "character-negative")):
        block = comment.get(key)
        caption = block.get("caption") if isinstance(block, dict) else None
        chars = caption.get("char_captions") if isinstance(caption, dict) else None
        for index, char in enumerate(chars if isinstance(chars, list) else []):
            if not isinstance(char, dict) or not isinstance(char.get("char_caption"), str):
                continue
            entry: dict[str, Any] = {"role": role, "text": char["char_caption"], "index": index}
            centers = char.get("centers")
            if isinstance(centers, list) and centers and isinstance(centers[0], dict):
                entry["center"] = {
                    axis: _number(centers[0].get(axis))
                    for axis in ("x", "y")
                    if _number(centers[0].get(axis)) is not None
                }
            prompts.append(entry)
    return prompts


def summarise_invokeai(texts: dict[str, str], truncations: Truncations) -> GeneratorFinding | None:
    """Recognise InvokeAI by its ``invokeai_metadata`` (3.x+) or ``sd-metadata`` (2.x)."""
    meta_raw = texts.get("invokeai_metadata")
    legacy_raw = texts.get("sd-metadata")
    if meta_raw is None and legacy_raw is None:
        return None
    errors: list[str] = []
    meta = _load_json(meta_raw, "InvokeAI invokeai_metadata", errors)
    legacy = _load_json(legacy_raw, "InvokeAI sd-metadata", errors)
    summary: dict[str, Any] = {
        "invokeai_metadata": json_safe(meta, "invokeai.invokeai_metadata", truncations)
        if isinstance(meta, dict)
        else None,
        "sd_metadata": json_safe(legacy, "invokeai.sd_metadata", truncations)
        if isinstance(legacy, dict)
        else None,
        "has_graph": "invokeai_graph" in texts,
        "has_workflow": "invokeai_workflow" in texts,
        "app_version": None,
    }
    finding = GeneratorFinding(summary=summary, errors=errors)
    if isinstance(meta, dict):
        _from_invokeai_metadata(meta, finding)
    elif isinstance(legacy, dict):
        _from_sd_metadata(legacy, finding)
    return finding


def _from_invokeai_metadata(meta: dict[str, Any], finding: GeneratorFinding) -> None:
    finding.prompt = _text(meta.get("positive_prompt"))
    finding.negative_prompt = _text(meta.get("negative_prompt"))
    for key, role in (
        ("positive_prompt", "positive"),
        ("negative_prompt", "negative"),
        ("positive_style_prompt", "style-positive"),
        ("negative_style_prompt", "style-negative"),
    ):
        if _text(meta.get(key)):
            finding.prompts.append({"role": role, "text": meta[key]})
    finding.summary["app_version"] = _text(meta.get("app_version"))
    parameters: dict[str, Any] = {}
    for key in ("steps", "cfg_scale", "seed"):
        value = _number(meta.get(key))
        if value is not None:
            parameters[key] = value
    if isinstance(meta.get("scheduler"), str):
        parameters["scheduler"] = cap_text(meta["scheduler"], 1024)[0]
    _size(parameters, meta.get("width"), meta.get("height"))
    model = meta.get("model")
    if isinstance(model, dict):
        name = _text(model.get("name")) or _text(model.get("model_name"))
        if name:
            parameters["model"] = cap_text(name, 1024)[0]
        if _text(model.get("hash")):
            parameters["model_hash"] = cap_text(model["hash"], 1024)[0]
    elif isinstance(model, str):
        parameters["model"] = cap_text(model, 1024)[0]
    parameters["other"] = {}
    finding.parameters = parameters


def _from_sd_metadata(legacy: dict[str, Any], finding: GeneratorFinding) -> None:
    image = legacy.get("image") if isinstance(legacy.get("image"), dict) else {}
    prompt = image.get("prompt")
    if isinstance(prompt, list):
        parts = [p.get("prompt") for p in prompt if isinstance(p, dict)]
        prompt = parts[0] if len(parts) == 1 else None
        if len(parts) > 1:
            finding.errors.append(
                "InvokeAI sd-metadata holds several weighted prompts; see invokeai.sd_metadata."
            )
    if isinstance(prompt, str):
        from .formats import split_inline_negative

        split = split_inline_negative(prompt)
        finding.prompt, finding.negative_prompt = split.prompt, split.negative_prompt
        finding.prompts = split.prompts
    finding.summary["app_version"] = _text(legacy.get("app_version"))
    parameters: dict[str, Any] = {}
    for key in ("steps", "cfg_scale", "seed"):
        value = _number(image.get(key))
        if value is not None:
            parameters[key] = value
    if isinstance(image.get("sampler"), str):
        parameters["sampler"] = cap_text(image["sampler"], 1024)[0]
    _size(parameters, image.get("width"), image.get("height"))
    for ours, theirs in (("model", "model_weights"), ("model_hash", "model_hash")):
        if _text(legacy.get(theirs)):
            parameters[ours] = cap_text(legacy[theirs], 1024)[0]
    parameters["other"] = {}
    finding.parameters = parameters
