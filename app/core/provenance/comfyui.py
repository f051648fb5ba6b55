"""Summarise ComfyUI's embedded graphs: which text went in as the prompt, with what settings.

ComfyUI stores two JSON graphs: ``prompt`` (the executed API graph, node id -> class_type
and inputs, links as ``[node_id, output]``) and ``workflow`` (the editor graph, with
``widgets_values`` and a separate link table). A graph can hold several text encoders, so
"the prompt" is the text reached by following a sampler's ``positive`` input back through
conditioning nodes; we do not guess from node order.
"""

from __future__ import annotations

import json
import math
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from .generators import GeneratorFinding
from .limits import (
    MAX_SECTION_TEXT_BYTES,
    MAX_SUMMARY_ITEMS,
    MAX_TEXT_VALUE_BYTES,
    Truncations,
    cap_text,
)

_TEXT_KEYS = ("text", "text_g", "text_l", "clip_l", "t5xxl", "prompt")
_STRING_SOURCE_KEYS = ("text", "string", "value", "prompt", "text_g")
_MAX_TRACE_DEPTH = 32
_MAX_NODES = 5000


@dataclass(frozen=True)
class _Link:
    source: str


@dataclass
class _Node:
    node_id: str
    class_type: str
    inputs: dict[str, Any] = field(default_factory=dict)
    widgets: list[Any] = field(default_factory=list)


def summarise_comfyui(
    prompt_json: str | None, workflow_json: str | None, truncations: Truncations
) -> GeneratorFinding:
    """Parse and summarise the ``prompt`` and/or ``workflow`` text chunks."""
    errors: list[str] = []
    api_graph = _load(prompt_json, "prompt", errors)
    ui_graph = _load(workflow_json, "workflow", errors)
    nodes: dict[str, _Node] = {}
    source = None
    if isinstance(api_graph, dict):
        nodes = _nodes_from_api(api_graph)
        source = "prompt"
    elif api_graph is not None:
        errors.append("ComfyUI 'prompt' JSON is not an object of nodes.")
    if not nodes and isinstance(ui_graph, dict):
        nodes = _nodes_from_workflow(ui_graph)
        source = "workflow" if nodes else source
    elif ui_graph is not None and not isinstance(ui_graph, dict):
        errors.append("ComfyUI 'workflow' JSON is not an object.")

    summary: dict[str, Any] = {
        "graph_used": source,
        "prompt_node_count": len(api_graph) if isinstance(api_graph, dict) else None,
        "workflow_node_count": (
            len(ui_graph.get("nodes", []))
            if isinstance(ui_graph, dict) and isinstance(ui_graph.get("nodes"), list)
            else None
        ),
        "text_encodes": [],
        "samplers": [],
        "checkpoints": [],
        "loras": [],
    }
    result = GeneratorFinding(summary=summary, errors=errors)
    if not nodes:
        return result

    ordered = sorted(nodes, key=_order_key)
    roles = _trace_roles(nodes, ordered)
    encoders = [nid for nid in ordered if _is_text_encoder(nodes[nid])]
    texts = _summarise_encoders(summary, nodes, encoders, roles, truncations)
    samplers = [nid for nid in ordered if _is_sampler(nodes[nid])]
    for nid in samplers[:MAX_SUMMARY_ITEMS]:
        summary["samplers"].append({"node": _label(nid), **_sampler_settings(nodes[nid], nodes)})
    summary["checkpoints"] = _collect(nodes, ordered, ("ckpt_name", "unet_name"), "Checkpoint")
    summary["loras"] = _collect(nodes, ordered, ("lora_name",), "Lora")

    base, later = _passes(nodes, ordered, samplers)
    if base is not None:
        prompts = _sampler_prompts(nodes, base, texts)
        result.prompts = prompts
        plain = [p for p in prompts if p["role"] == "positive"]
        negative = [p for p in prompts if p["role"] == "negative"]
        if plain:
            result.prompt = plain[0]["text"]
        if negative:
            result.negative_prompt = negative[0]["text"]
    else:
        positives = [nid for nid in encoders if roles.get(nid) in ("positive", "both")]
        negatives = [nid for nid in encoders if roles.get(nid) == "negative"]
        if positives:
            result.prompt = texts.get(positives[0])
        elif len(encoders) == 1 and not samplers:
            result.prompt = texts.get(encoders[0])
        if negatives:
            result.negative_prompt = texts.get(negatives[0])
    result.parameters = _parameters(summary, nodes, ordered, base, later)
    return result


def _summarise_encoders(
    summary: dict[str, Any],
    nodes: dict[str, _Node],
    encoders: list[str],
    roles: dict[str, str],
    truncations: Truncations,
) -> dict[str, str | None]:
    """Each text encoder's texts into ``summary["text_encodes"]`` (capped, within one byte
    budget for the section); returns each encoder's main text by node id."""
    texts: dict[str, str | None] = {}
    remaining = MAX_SECTION_TEXT_BYTES
    for nid in encoders[:MAX_SUMMARY_ITEMS]:
        node = nodes[nid]
        fields = _encoder_texts(node, nodes)
        texts[nid] = next((fields[k] for k in _TEXT_KEYS if fields.get(k) is not None), None)
        entry: dict[str, Any] = {
            "node": _label(nid),
            "class_type": _label(node.class_type),
            "role": roles.get(nid),
        }
        for key, value in fields.items():
            entry[key], cut = cap_text(value, min(MAX_TEXT_VALUE_BYTES, remaining))
            remaining -= len(entry[key].encode("utf-8"))
            if cut:
                truncations.add(f"comfyui.text_encodes[{_label(nid)}].{key}")
        summary["text_encodes"].append(entry)
    if len(encoders) > MAX_SUMMARY_ITEMS:
        truncations.add("comfyui.text_encodes")
    return texts


_NOT_LATENT_INPUTS = {"model", "clip", "vae", "positive", "negative", "guider", "sigmas", "sampler"}
_SAVE_HINTS = ("Save", "Preview")


def _upstream_samplers(nodes: dict[str, _Node], start: str) -> list[str]:
    """Samplers whose output feeds ``start`` through latent/image inputs, nearest first."""
    found: list[str] = []
    queue = [
        v.source
        for k, v in nodes[start].inputs.items()
        if isinstance(v, _Link) and k.lower() not in _NOT_LATENT_INPUTS
    ]
    seen: set[str] = set()
    pending = deque(queue)
    while pending and len(seen) < _MAX_NODES:
        nid = pending.popleft()
        if nid in seen or nid not in nodes:
            continue
        seen.add(nid)
        if _is_sampler(nodes[nid]):
            found.append(nid)
            continue
        pending.extend(
            v.source
            for k, v in nodes[nid].inputs.items()
            if isinstance(v, _Link) and k.lower() not in _NOT_LATENT_INPUTS
        )
    return found


def _passes(
    nodes: dict[str, _Node], ordered: list[str], samplers: list[str]
) -> tuple[str | None, str | None]:
    """(base pass, last pass) sampler ids. The last pass is the sampler nearest a SaveImage
    node (else one no other sampler consumes); the base pass is reached from it by
    following latent/image inputs back to a sampler fed by no other sampler."""
    if not samplers:
        return None, None
    samplers = samplers[:MAX_SUMMARY_ITEMS]  # each is one bounded walk; hostile graphs stay cheap
    final = None
    for nid in ordered:
        node = nodes[nid]
        if node.class_type.startswith("Save") and "images" in node.inputs:
            upstream = _upstream_samplers(nodes, nid)
            if upstream:
                final = upstream[0]
                break
    if final is None:
        consumed = {u for nid in samplers for u in _upstream_samplers(nodes, nid)}
        final = next((nid for nid in samplers if nid not in consumed), samplers[0])
    base, seen = final, {final}
    while len(seen) <= MAX_SUMMARY_ITEMS:
        upstream = [u for u in _upstream_samplers(nodes, base) if u not in seen]
        if not upstream:
            break
        base = upstream[0]
        seen.add(base)
    return base, (final if final != base else None)


def _sampler_prompts(
    nodes: dict[str, _Node], sampler_id: str, texts: dict[str, str | None]
) -> list[dict[str, Any]]:
    """Every text encoder reaching this sampler, with its role; an encoder reached through
    a ConditioningSetArea/Mask node is "regional" with the region it was given."""
    prompts: list[dict[str, Any]] = []
    sampler = nodes[sampler_id]
    for role in ("positive", "negative"):
        link = sampler.inputs.get(role)
        guider = sampler.inputs.get("guider")
        start = link if isinstance(link, _Link) else guider if isinstance(guider, _Link) else None
        if start is None:
            continue
        found: list[tuple[str, dict[str, Any] | None]] = []
        _trace_regions(nodes, start.source, role, None, 0, set(), found)
        for encoder, region in found:
            text = texts.get(encoder)
            if text is None:
                continue
            if region is not None:
                entry_role = "regional" if role == "positive" else "regional-negative"
                prompts.append({"role": entry_role, "text": text, "region": region})
            else:
                prompts.append({"role": role, "text": text})
    return prompts[:MAX_SUMMARY_ITEMS]


def _trace_regions(
    nodes: dict[str, _Node],
    node_id: str,
    role: str,
    region: dict[str, Any] | None,
    depth: int,
    seen: set[str],
    found: list[tuple[str, dict[str, Any] | None]],
) -> None:
    node = nodes.get(node_id)
    if node is None or node_id in seen or depth > _MAX_TRACE_DEPTH:
        return
    seen.add(node_id)
    if _is_text_encoder(node):
        found.append((node_id, region))
        return
    if region is None and ("SetArea" in node.class_type or "SetMask" in node.class_type):
        region = {"node": _label(node_id), "class_type": _label(node.class_type)}
        for key in ("x", "y", "width", "height", "strength"):
            value = _scalar(node.inputs.get(key), nodes, (key,))
            if value is not None:
                region[key] = value
    for name, value in sorted(node.inputs.items()):
        if not isinstance(value, _Link):
            continue
        lowered = name.lower()
        if lowered in ("positive", "negative"):
            if lowered == role:
                _trace_regions(nodes, value.source, role, region, depth + 1, seen, found)
        elif "conditioning" in lowered or lowered in ("cond", "guider", "conditioning_to"):
            _trace_regions(nodes, value.source, role, region, depth + 1, seen, found)


def _label(value: str) -> str:
    """Node ids and class names are short in real graphs; hostile ones are cut."""
    return cap_text(value, 256)[0]


def _load(text: str | None, name: str, errors: list[str]) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        errors.append(f"ComfyUI '{name}' chunk is not valid JSON: {str(exc)[:200]}.")
        return None


def _order_key(node_id: str) -> tuple[int, int, str]:
    return (0, int(node_id), "") if node_id.isdigit() and len(node_id) < 18 else (1, 0, node_id)


def _as_link(value: Any) -> _Link | None:
    if (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], str | int)
        and not isinstance(value[0], bool)
        and isinstance(value[1], int)
    ):
        return _Link(str(value[0]))
    return None


def _nodes_from_api(graph: dict[str, Any]) -> dict[str, _Node]:
    nodes: dict[str, _Node] = {}
    for node_id, raw in list(graph.items())[:_MAX_NODES]:
        if not isinstance(raw, dict):
            continue
        inputs = raw.get("inputs") if isinstance(raw.get("inputs"), dict) else {}
        converted = {str(k): (_as_link(v) or v) for k, v in inputs.items()}
        nodes[str(node_id)] = _Node(str(node_id), str(raw.get("class_type", "")), converted)
    return nodes


def _nodes_from_workflow(graph: dict[str, Any]) -> dict[str, _Node]:
    link_sources: dict[Any, str] = {}
    for link in graph.get("links") or []:
        if isinstance(link, list) and len(link) >= 4:
            link_sources[link[0]] = str(link[1])
        elif isinstance(link, dict) and "id" in link and "origin_id" in link:
            link_sources[link["id"]] = str(link["origin_id"])
    nodes: dict[str, _Node] = {}
    raw_nodes = graph.get("nodes") if isinstance(graph.get("nodes"), list) else []
    for raw in raw_nodes[:_MAX_NODES]:
        if not isinstance(raw, dict) or "id" not in raw:
            continue
        inputs: dict[str, Any] = {}
        for item in raw.get("inputs") or []:
            if isinstance(item, dict) and item.get("link") in link_sources:
                inputs[str(item.get("name"))] = _Link(link_sources[item["link"]])
        widgets = raw.get("widgets_values")
        node_id = str(raw["id"])
        nodes[node_id] = _Node(
            node_id, str(raw.get("type", "")), inputs, widgets if isinstance(widgets, list) else []
        )
    return nodes


def _is_text_encoder(node: _Node) -> bool:
    """Stock and custom encoders: CLIPTextEncode*, and prompt nodes that take a CLIP and
    output conditioning themselves (rgthree Power Prompt, Comfyroll prompt nodes...)."""
    kind = node.class_type
    if "TextEncode" in kind or "CLIPText" in kind:
        return True
    return "Prompt" in kind and any(name in ("clip", "opt_clip") for name in node.inputs)


def _is_sampler(node: _Node) -> bool:
    return "Sampler" in node.class_type and any(
        key in node.inputs for key in ("positive", "negative", "guider")
    )


def _resolve_string(value: Any, nodes: dict[str, _Node], depth: int = 0) -> str | None:
    """A literal string, or the string a linked primitive/string node holds."""
    if isinstance(value, str):
        return value
    if isinstance(value, _Link) and depth < 8:
        node = nodes.get(value.source)
        if node is None:
            return None
        folded = {name.lower(): name for name in node.inputs}
        for key in _STRING_SOURCE_KEYS:
            if key in folded:  # custom text nodes spell it "Text", "STRING" ...
                found = _resolve_string(node.inputs[folded[key]], nodes, depth + 1)
                if found is not None:
                    return found
        strings = [w for w in node.widgets if isinstance(w, str)]
        return strings[0] if strings else None
    return None


def _encoder_texts(node: _Node, nodes: dict[str, _Node]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for key in _TEXT_KEYS:
        if key in node.inputs:
            text = _resolve_string(node.inputs[key], nodes)
            if text is not None:
                fields[key] = text
    if not fields:
        strings = [w for w in node.widgets if isinstance(w, str)]
        if strings:
            fields["text"] = strings[0]
    return fields


def _trace_roles(nodes: dict[str, _Node], ordered: list[str]) -> dict[str, str]:
    """Map text-encoder node ids to "positive", "negative" or "both"."""
    roles: dict[str, str] = {}
    for nid in ordered:
        sampler = nodes[nid]
        if not _is_sampler(sampler):
            continue
        for role in ("positive", "negative"):
            found: list[str] = []
            seen: set[str] = set()
            link = sampler.inputs.get(role)
            if isinstance(link, _Link):
                _trace(nodes, link.source, role, True, 0, seen, found)
            guider = sampler.inputs.get("guider")
            if isinstance(guider, _Link):
                _trace(nodes, guider.source, role, False, 0, seen, found)
            for encoder in found:
                previous = roles.get(encoder)
                roles[encoder] = role if previous in (None, role) else "both"
    return roles


def _trace(
    nodes: dict[str, _Node],
    node_id: str,
    role: str,
    committed: bool,
    depth: int,
    seen: set[str],
    found: list[str],
) -> None:
    """Walk conditioning links back to text encoders.

    ``committed`` is False until the walk has passed through an input named ``positive``
    or ``negative``; before that (inside a guider) a bare ``conditioning`` input is the
    positive side only.
    """
    node = nodes.get(node_id)
    if node is None or node_id in seen or depth > _MAX_TRACE_DEPTH:
        return
    seen.add(node_id)
    if _is_text_encoder(node):
        found.append(node_id)
        return
    for name, value in node.inputs.items():
        if not isinstance(value, _Link):
            continue
        lowered = name.lower()
        if lowered in ("positive", "negative"):
            if lowered == role:
                _trace(nodes, value.source, role, True, depth + 1, seen, found)
        elif lowered == "guider" or (
            ("conditioning" in lowered or lowered == "cond") and (committed or role == "positive")
        ):
            _trace(nodes, value.source, role, committed, depth + 1, seen, found)


def _scalar(value: Any, nodes: dict[str, _Node], keys: tuple[str, ...]) -> Any:
    """A number/string input, following one link to a primitive node if needed."""
    if isinstance(value, _Link):
        node = nodes.get(value.source)
        if node is None:
            return None
        for key in (*keys, "value", "seed", "noise_seed"):
            inner = node.inputs.get(key)
            if inner is not None and not isinstance(inner, _Link | list | dict):
                return _scalar(inner, nodes, keys)
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    return value


_SAMPLER_FIELDS = {
    "seed": ("seed", "noise_seed"),
    "steps": ("steps",),
    "cfg": ("cfg",),
    "sampler_name": ("sampler_name",),
    "scheduler": ("scheduler",),
    "denoise": ("denoise",),
}
# KSampler's widgets_values order in the editor graph.
_KSAMPLER_WIDGETS = ("seed", None, "steps", "cfg", "sampler_name", "scheduler", "denoise")


def _sampler_settings(node: _Node, nodes: dict[str, _Node]) -> dict[str, Any]:
    settings: dict[str, Any] = {"class_type": _label(node.class_type)}
    # SamplerCustomAdvanced keeps its settings on linked nodes (noise, guider, sampler, sigmas).
    neighbours = [node] + [
        nodes[v.source] for v in node.inputs.values() if isinstance(v, _Link) and v.source in nodes
    ]
    for name, keys in _SAMPLER_FIELDS.items():
        for candidate in neighbours:
            for key in keys:
                if key in candidate.inputs:
                    value = _scalar(candidate.inputs[key], nodes, keys)
                    if value is not None:
                        settings[name] = (
                            value if not isinstance(value, str) else cap_text(value, 1024)[0]
                        )
                        break
            if name in settings:
                break
    if node.class_type == "KSampler" and len(node.widgets) >= len(_KSAMPLER_WIDGETS):
        for name, widget in zip(_KSAMPLER_WIDGETS, node.widgets, strict=False):
            value = _scalar(widget, nodes, ()) if name and name not in settings else None
            if value is not None:
                settings[name] = value if not isinstance(value, str) else cap_text(value, 1024)[0]
    return settings


def _collect(
    nodes: dict[str, _Node], ordered: list[str], keys: tuple[str, ...], class_hint: str
) -> list[str]:
    values: list[str] = []
    for nid in ordered:
        node = nodes[nid]
        found = [node.inputs[k] for k in keys if isinstance(node.inputs.get(k), str)]
        if not found and class_hint in node.class_type and "Loader" in node.class_type:
            found = [w for w in node.widgets[:1] if isinstance(w, str)]
        for value in found:
            text = cap_text(value, 1024)[0]
            if text not in values and len(values) < MAX_SUMMARY_ITEMS:
                values.append(text)
    return values


_PARAMETER_NAMES = (
    ("steps", "steps"),
    ("sampler", "sampler_name"),
    ("scheduler", "scheduler"),
    ("cfg_scale", "cfg"),
    ("seed", "seed"),
    ("denoise", "denoise"),
)


def _parameters(
    summary: dict[str, Any],
    nodes: dict[str, _Node],
    ordered: list[str],
    base: str | None = None,
    later: str | None = None,
) -> dict[str, Any]:
    """Map the base pass's settings (and latent size, checkpoint) to ``parameters``; a later
    (hires/refiner) pass goes to ``parameters["hires"]``."""
    parameters: dict[str, Any] = {}
    if base is not None:
        settings = _sampler_settings(nodes[base], nodes)
        for ours, theirs in _PARAMETER_NAMES:
            if theirs in settings:
                parameters[ours] = settings[theirs]
        if later is not None:
            settings = _sampler_settings(nodes[later], nodes)
            parameters["hires"] = {
                "node": _label(later),
                **{
                    ours: settings[theirs]
                    for ours, theirs in _PARAMETER_NAMES
                    if theirs in settings
                },
            }
    elif summary["samplers"]:
        first = summary["samplers"][0]
        for ours, theirs in (
            ("steps", "steps"),
            ("sampler", "sampler_name"),
            ("scheduler", "scheduler"),
            ("cfg_scale", "cfg"),
            ("seed", "seed"),
            ("denoise", "denoise"),
        ):
            if theirs in first:
                parameters[ours] = first[theirs]
    if summary["checkpoints"]:
        parameters["model"] = summary["checkpoints"][0]
    for nid in ordered:
        node = nodes[nid]
        if "EmptyLatent" in node.class_type or "EmptySD3Latent" in node.class_type:
            width = _scalar(node.inputs.get("width"), nodes, ("width",))
            height = _scalar(node.inputs.get("height"), nodes, ("height",))
            if isinstance(width, int) and isinstance(height, int):
                parameters["width"], parameters["height"] = width, height
                parameters["size"] = f"{width}x{height}"
            break
    if parameters:
        parameters["other"] = {}
    return parameters
