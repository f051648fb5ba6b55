"""Generator records in text fields: a detector that never guesses, and a reader per format.

A text field such as PNG ``parameters`` or EXIF ``UserComment`` is shared by many tools:
AUTOMATIC1111/Forge write their "parameters" text there, but Fooocus, Ruined Fooocus,
SwarmUI and Hugging Face Space exports write JSON, NovelAI (WebP) writes a JSON object of
its PNG chunks, ComfyUI save nodes write the graph as JSON, InvokeAI 1.x wrote a "Dream"
command line. :func:`read_text_record` recognises each by its structure; a value that is
none of them is kept raw and labelled "generator metadata in an unrecognised format" with
the field it came from, never read as A1111 text.

Every reader returns a :class:`GeneratorFinding` whose ``prompts`` list keeps each prompt
with its role (``positive``, ``negative``, ``regional``, ``character`` ...); the main
``prompt`` stays the positive base prompt. Base-pass parameters go in ``parameters`` and
a hires/refiner pass, when stated, in ``parameters["hires"]``.
"""

from __future__ import annotations

import json
import re
import shlex
from typing import Any

from .a1111 import parse_a1111, settings_to_parameters
from .comfyui import summarise_comfyui
from .generators import GeneratorFinding, _number, _text, novelai_from_comment
from .limits import Truncations

UNRECOGNISED = "generator metadata in an unrecognised format"

FORMAT_A1111 = "a1111"
FORMAT_SWARMUI = "swarmui"
FORMAT_FOOOCUS = "fooocus"
FORMAT_RUINED_FOOOCUS = "ruined-fooocus"
FORMAT_HF_SPACE = "hf-space"
FORMAT_NOVELAI = "novelai"
FORMAT_COMFYUI_JSON = "comfyui-json"
FORMAT_INVOKEAI_DREAM = "invokeai-dream"
FORMAT_CIVITAI = "civitai"
FORMAT_UNRECOGNISED = "unrecognised"

GENERATOR_NAMES = {
    FORMAT_A1111: "AUTOMATIC1111/Forge",
    FORMAT_SWARMUI: "SwarmUI",
    FORMAT_FOOOCUS: "Fooocus",
    FORMAT_RUINED_FOOOCUS: "RuinedFooocus",
    FORMAT_HF_SPACE: "Hugging Face Space",
    FORMAT_NOVELAI: "NovelAI",
    FORMAT_INVOKEAI_DREAM: "InvokeAI",
    FORMAT_CIVITAI: "Civitai",
}

# Values some save nodes write when they could not find the prompt (ComfyUI image-saver
# writes "unknown"); such a record is kept but never wins over one with a real prompt.
PLACEHOLDER_PROMPTS = {"", "unknown", "none", "null", "n/a"}
_MAX_JSON_CHARS = 8 * 1024 * 1024
_MAX_DREAM_CHARS = 64 * 1024
_DREAM_FLAGS = {
    "-s": ("steps", int),
    "--steps": ("steps", int),
    "-S": ("seed", int),
    "--seed": ("seed", int),
    "-W": ("width", int),
    "--width": ("width", int),
    "-H": ("height", int),
    "--height": ("height", int),
    "-C": ("cfg_scale", float),
    "--cfg_scale": ("cfg_scale", float),
    "-A": ("sampler", str),
    "--sampler": ("sampler", str),
}
_INLINE_NEGATIVE = re.compile(r"\[([^\[\]]*)\]")


def prompt_entry(text: str, role: str, **extra: Any) -> dict[str, Any]:
    """One ``prompts[]`` element: the exact text, its role, and any region/character data."""
    return {"role": role, "text": text, **extra}


def is_placeholder(prompt: str | None) -> bool:
    return prompt is None or prompt.strip().lower() in PLACEHOLDER_PROMPTS


def read_text_record(text: str, field_name: str) -> tuple[str, GeneratorFinding]:
    """Recognise the generator record held in one text field; returns (format, finding).

    ``field_name`` ("png:parameters", "exif:UserComment") only labels unrecognised data.
    """
    stripped = text.strip()
    if stripped.startswith("{") and len(stripped) <= _MAX_JSON_CHARS:
        try:
            data = json.loads(stripped)
        except (ValueError, RecursionError):
            data = None
        if isinstance(data, dict):
            return _read_json_record(data, field_name, text)
    if _is_a1111_text(text):
        return FORMAT_A1111, a1111_finding(text)
    return FORMAT_UNRECOGNISED, unrecognised_finding(text, field_name)


def unrecognised_finding(text: str, field_name: str) -> GeneratorFinding:
    return GeneratorFinding(
        summary={"label": UNRECOGNISED, "field": field_name, "raw": text},
        errors=[f"The {field_name} field holds {UNRECOGNISED}; it was kept raw and not read."],
    )


def _is_a1111_text(text: str) -> bool:
    """A1111/Forge always end the text with a settings line that has "Steps: n" among
    at least three "Key: value" pairs; anything else is not called A1111."""
    settings = parse_a1111(text).settings
    return any(key == "Steps" for key, _ in settings)


def a1111_finding(text: str) -> GeneratorFinding:
    parsed = parse_a1111(text)
    parameters = settings_to_parameters(parsed.settings)
    prompts = [prompt_entry(parsed.prompt, "positive")]
    if parsed.negative_prompt is not None:
        prompts.append(prompt_entry(parsed.negative_prompt, "negative"))
    return GeneratorFinding(
        summary={"format": FORMAT_A1111},
        prompt=parsed.prompt,
        negative_prompt=parsed.negative_prompt,
        parameters=parameters,
        prompts=prompts,
    )


def _read_json_record(
    data: dict[str, Any], field_name: str, raw: str
) -> tuple[str, GeneratorFinding]:
    if isinstance(data.get("sui_image_params"), dict):
        return FORMAT_SWARMUI, _swarmui(data)
    if data.get("metadata_scheme") == "fooocus" or (
        isinstance(data.get("version"), str) and data["version"].startswith("Fooocus")
    ):
        return FORMAT_FOOOCUS, _fooocus(data)
    if data.get("software") == "RuinedFooocus" or ("Prompt" in data and "Negative" in data):
        return FORMAT_RUINED_FOOOCUS, _ruined_fooocus(data)
    if isinstance(data.get("Comment"), str) and (
        str(data.get("Software", "")).startswith("NovelAI") or '"uc"' in data["Comment"]
    ):
        return FORMAT_NOVELAI, _novelai_json(data)
    if isinstance(data.get("prompt"), dict) or isinstance(data.get("workflow"), dict):
        return FORMAT_COMFYUI_JSON, GeneratorFinding(summary={"graphs": data})
    nodes = _api_nodes(data)
    if isinstance(data.get("extraMetadata"), str) or ("resource-stack" in data and nodes):
        return FORMAT_CIVITAI, _civitai(data, nodes)
    if nodes and len(nodes) * 2 >= len(data):  # a bare ComfyUI API graph
        return FORMAT_COMFYUI_JSON, GeneratorFinding(summary={"graphs": {"prompt": nodes}})
    if isinstance(data.get("prompt"), str) and isinstance(data.get("negative_prompt"), str):
        return FORMAT_HF_SPACE, _hf_space(data)
    return FORMAT_UNRECOGNISED, unrecognised_finding(raw, field_name)


def _finding(fmt: str, prompt: Any, negative: Any, parameters: dict[str, Any]) -> GeneratorFinding:
    prompt_text, negative_text = _text(prompt), _text(negative)
    prompts = []
    if prompt_text is not None:
        prompts.append(prompt_entry(prompt_text, "positive"))
    if negative_text is not None:
        prompts.append(prompt_entry(negative_text, "negative"))
    parameters = {k: v for k, v in parameters.items() if v is not None}
    parameters.setdefault("other", {})
    return GeneratorFinding(
        summary={"format": fmt},
        prompt=prompt_text,
        negative_prompt=negative_text,
        parameters=parameters,
        prompts=prompts,
    )


def _size(parameters: dict[str, Any], width: Any, height: Any) -> None:
    width, height = _number(width), _number(height)
    if isinstance(width, int) and isinstance(height, int):
        parameters.update(width=width, height=height, size=f"{width}x{height}")


def _size_text(parameters: dict[str, Any], value: Any, pattern: str) -> bool:
    """Width and height from a resolution string (``pattern`` captures the two numbers)."""
    match = re.fullmatch(pattern, _text(value) or "")
    if match:
        _size(parameters, int(match[1]), int(match[2]))
    return match is not None


_NUMERIC_PARAMETERS = {"steps", "cfg_scale", "seed", "clip_skip", "upscale", "denoise"}


def _pick(data: dict[str, Any], **sources: str) -> dict[str, Any]:
    """Parameters read from ``data``, each name from its own key in this format: numbers
    for the numeric names, text for the rest (None where absent or of the wrong type)."""
    return {
        name: (_number if name in _NUMERIC_PARAMETERS else _text)(data.get(key))
        for name, key in sources.items()
    }


def _swarmui(data: dict[str, Any]) -> GeneratorFinding:
    params = data["sui_image_params"]
    parameters = _pick(
        params,
        steps="steps",
        cfg_scale="cfgscale",
        seed="seed",
        sampler="sampler",
        scheduler="scheduler",
        model="model",
    )
    _size(parameters, params.get("width"), params.get("height"))
    hires = _pick(
        params,
        upscale="refinerupscale",
        upscaler="refinerupscalemethod",
        denoise="refinercontrolpercentage",
        steps="refinersteps",
        model="refinermodel",
    )
    if any(v is not None for v in hires.values()):
        parameters["hires"] = {k: v for k, v in hires.items() if v is not None}
    finding = _finding(
        FORMAT_SWARMUI, params.get("prompt"), params.get("negativeprompt"), parameters
    )
    if isinstance(params.get("swarm_version"), str):
        finding.summary["version"] = params["swarm_version"]
    return finding


def _fooocus(data: dict[str, Any]) -> GeneratorFinding:
    parameters = _pick(
        data,
        steps="steps",
        cfg_scale="guidance_scale",
        seed="seed",
        sampler="sampler",
        scheduler="scheduler",
        model="base_model",
        model_hash="base_model_hash",
    )
    _size_text(parameters, data.get("resolution"), r"\(\s*(\d+)\s*,\s*(\d+)\s*\)")
    finding = _finding(FORMAT_FOOOCUS, data.get("prompt"), data.get("negative_prompt"), parameters)
    for key in ("full_prompt", "full_negative_prompt"):
        role = "expanded-positive" if key == "full_prompt" else "expanded-negative"
        for text in data.get(key) or []:
            if isinstance(text, str):
                finding.prompts.append(prompt_entry(text, role))
    if finding.negative_prompt == "":
        finding.prompts = [p for p in finding.prompts if p["role"] != "negative" or p["text"]]
    finding.summary["version"] = _text(data.get("version"))
    return finding


def _ruined_fooocus(data: dict[str, Any]) -> GeneratorFinding:
    parameters = _pick(
        data,
        steps="steps",
        cfg_scale="cfg",
        seed="seed",
        sampler="sampler_name",
        scheduler="scheduler",
        model="base_model_name",
        model_hash="base_model_hash",
        clip_skip="clip_skip",
    )
    _size(parameters, data.get("width"), data.get("height"))
    return _finding(FORMAT_RUINED_FOOOCUS, data.get("Prompt"), data.get("Negative"), parameters)


def _hf_space(data: dict[str, Any]) -> GeneratorFinding:
    parameters = _pick(
        data,
        steps="num_inference_steps",
        cfg_scale="guidance_scale",
        seed="seed",
        sampler="sampler",
        model="Model",
        model_hash="Model hash",
    )
    if not _size_text(parameters, data.get("resolution"), r"\s*(\d+)\s*x\s*(\d+)\s*"):
        _size(parameters, data.get("width"), data.get("height"))
    if data.get("use_upscaler"):
        upscaler = data.get("use_upscaler")
        hires: dict[str, Any] = {}
        if isinstance(upscaler, dict):
            hires = _pick(
                upscaler,
                upscaler="upscale_method",
                denoise="upscaler_strength",
                upscale="upscale_by",
            )
        parameters["hires"] = {k: v for k, v in hires.items() if v is not None}
    return _finding(FORMAT_HF_SPACE, data.get("prompt"), data.get("negative_prompt"), parameters)


def _api_nodes(data: dict[str, Any]) -> dict[str, Any]:
    """The entries that are ComfyUI API-graph nodes ({"class_type", "inputs"})."""
    return {
        key: value
        for key, value in data.items()
        if isinstance(value, dict)
        and "class_type" in value
        and isinstance(value.get("inputs"), dict)
    }


def _civitai(data: dict[str, Any], nodes: dict[str, Any]) -> GeneratorFinding:
    """Civitai on-site generations (JPEG UserComment): the ComfyUI API graph that made this
    file, plus ``extraMetadata``, a JSON string with the original generation's prompt and
    settings. The original generation is the base pass; when this file's graph ran another
    sampler (hires/img2img over the original), its settings are ``parameters["hires"]``."""
    graph = summarise_comfyui(json.dumps(nodes), None, Truncations()) if nodes else None
    meta: Any = None
    if isinstance(data.get("extraMetadata"), str):
        try:
            meta = json.loads(data["extraMetadata"])
        except (ValueError, RecursionError):
            meta = None
    if not isinstance(meta, dict):
        finding = graph or GeneratorFinding(summary={})
        finding.summary = {"format": FORMAT_CIVITAI, "graph": graph.summary if graph else None}
        return finding
    parameters = _pick(
        meta,
        steps="steps",
        cfg_scale="cfgScale",
        seed="seed",
        sampler="sampler",
        model="baseModel",
        clip_skip="clipSkip",
    )
    _size(parameters, meta.get("width"), meta.get("height"))
    if graph is not None and graph.parameters.get("steps") is not None:
        later = {k: v for k, v in graph.parameters.items() if k not in ("other", "hires")}
        parameters["hires"] = later
    finding = _finding(FORMAT_CIVITAI, meta.get("prompt"), meta.get("negativePrompt"), parameters)
    finding.summary["graph"] = graph.summary if graph else None
    finding.summary["workflow"] = _text(meta.get("workflowId")) or _text(meta.get("workflow"))
    graph_prompt = (graph.prompt if graph is not None else None) or ""
    if graph_prompt and finding.prompt and graph_prompt.rstrip() != finding.prompt.rstrip():
        finding.prompts.append(prompt_entry(graph_prompt, "graph-positive"))
        finding.errors.append(
            "Civitai extraMetadata and the ComfyUI graph in the same UserComment give "
            "different prompts; the extraMetadata one is shown, the graph's is listed in "
            "prompts with role 'graph-positive'."
        )
    return finding


def _novelai_json(data: dict[str, Any]) -> GeneratorFinding:
    """NovelAI WebP/JPEG: the PNG chunks as one JSON object in UserComment."""
    texts = {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}
    finding = novelai_from_comment(texts)
    finding.summary["format"] = FORMAT_NOVELAI
    return finding


def read_dream(text: str) -> GeneratorFinding:
    """InvokeAI 1.x "Dream" chunk: a quoted prompt (negatives inline in [brackets]) and
    command-line switches."""
    if len(text) > _MAX_DREAM_CHARS:  # shlex is pure Python; a real Dream line is short
        return unrecognised_finding(text, "png:Dream")
    try:
        words = shlex.split(text)
    except ValueError:
        return unrecognised_finding(text, "png:Dream")
    if not words:
        return unrecognised_finding(text, "png:Dream")
    combined, rest = words[0], words[1:]
    parameters: dict[str, Any] = {}
    other: dict[str, str] = {}
    index = 0
    while index < len(rest):
        flag = rest[index]
        value = rest[index + 1] if index + 1 < len(rest) else ""
        if flag in _DREAM_FLAGS:
            name, kind = _DREAM_FLAGS[flag]
            try:
                parameters[name] = kind(value)
            except ValueError:
                other[flag] = value
            index += 2
        elif flag.startswith("-"):
            other[flag.lstrip("-")] = value
            index += 2
        else:
            index += 1
    if isinstance(parameters.get("width"), int) and isinstance(parameters.get("height"), int):
        parameters["size"] = f"{parameters['width']}x{parameters['height']}"
    parameters["other"] = other
    finding = split_inline_negative(combined)
    finding.parameters = parameters
    finding.summary = {"format": FORMAT_INVOKEAI_DREAM, "dream": text}
    return finding


def split_inline_negative(combined: str) -> GeneratorFinding:
    """InvokeAI 1.x/2.x put negative terms inside the prompt in [square brackets]."""
    negatives = [m.strip() for m in _INLINE_NEGATIVE.findall(combined)]
    positive = " ".join(part.strip() for part in _INLINE_NEGATIVE.split(combined)[::2]).strip()
    positive = re.sub(r"\s+,", ",", positive)
    finding = GeneratorFinding(summary={}, prompt=positive)
    finding.prompts.append(prompt_entry(positive, "positive"))
    if negatives:
        finding.negative_prompt = ", ".join(negatives)
        finding.prompts.extend(prompt_entry(n, "negative") for n in negatives)
    return finding
