"""Assemble the provenance record of one stored original: what the file says about where it
came from (generator prompt and settings, C2PA, XMP/IPTC and TC260 AI labels, EXIF), and
what it does not say.

The record is stored in the case and hashed into the custody log, so it must be
deterministic (the same bytes always give the same dict), JSON-serialisable and bounded in
size, and extraction must never raise: a corrupt or hostile file produces error sentences,
not a failed ingestion. Absence is recorded explicitly, because "no C2PA manifest" is
itself a finding an evidence report has to state.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any, NamedTuple

from PIL import Image

from .a1111 import looks_like_a1111
from .c2pa_manifest import C2paFinding, CaseAnchors, read_c2pa, supported_mime_types
from .comfyui import summarise_comfyui
from .containers import (
    MEDIA_TYPES,
    PNG_XMP_KEYWORD,
    ContainerScan,
    TextChunk,
    scan_container,
    sniff_format,
)
from .exif import parse_exif
from .formats import (
    FORMAT_A1111,
    FORMAT_COMFYUI_JSON,
    FORMAT_INVOKEAI_DREAM,
    FORMAT_UNRECOGNISED,
    GENERATOR_NAMES,
    UNRECOGNISED,
    a1111_finding,
    is_placeholder,
    prompt_entry,
    read_dream,
    read_text_record,
)
from .generators import GeneratorFinding, summarise_invokeai, summarise_novelai
from .limits import (
    MAX_ERRORS,
    MAX_PNG_TEXT_STORED_BYTES,
    MAX_SECTION_TEXT_BYTES,
    MAX_SUMMARY_ITEMS,
    MAX_TEXT_VALUE_BYTES,
    ParseBudget,
    Truncations,
    cap_text,
)
from .stealth import read_stealth
from .xmp import empty_xmp, parse_xmp

EXTRACTOR_VERSION = "provenance/2"

GENERATOR_A1111 = "AUTOMATIC1111/Forge"
GENERATOR_COMFYUI = "ComfyUI"
GENERATOR_INVOKEAI = "InvokeAI"
GENERATOR_NOVELAI = "NovelAI"

_DECLARED_ALIASES = {
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "image/x-png": "image/png",
}
_MAX_XMP_PACKETS = 4
_MAX_ERROR_CHARS = 1000
_EXIF_COMFY_FIELDS = ("Model", "Make", "ImageDescription", "UserComment")


def extract_provenance(
    path: Path, media_type: str, *, trust_anchors: str | CaseAnchors | None = None
) -> dict[str, Any]:
    """Extract provenance metadata from the stored original at ``path``.

    ``media_type`` is the type the ingest code sniffed or was told; the file's own magic
    bytes decide how it is parsed, and a disagreement is reported. The file is opened
    read-only and pixels are never decoded (except the alpha channel of an RGBA PNG whose
    first column carries the stealth-pnginfo signature). ``trust_anchors`` is the case's
    extra C2PA trust anchors from the user's settings (:func:`case_trust_anchors`) or PEM
    text, added to the user's trust list (``PROOFSHOT_C2PA_TRUST_ANCHORS`` or the path set
    in Settings). Never raises for bad input.
    """
    result = _empty_result()
    truncations = Truncations()
    try:
        _extract_into(Path(path), media_type or "", result, truncations, trust_anchors)
    except Exception as exc:  # last line of defence: ingestion must not fail on a file
        result["errors"].append(
            f"Provenance extraction stopped early because of an unexpected "
            f"{type(exc).__name__}: {cap_text(str(exc), 300)[0]}."
        )
    result["truncated"] = sorted(truncations.paths)
    _finish_errors(result)
    return result


def _empty_result() -> dict[str, Any]:
    return {
        "extractor_version": EXTRACTOR_VERSION,
        "prompt": None,
        "negative_prompt": None,
        "prompts": [],
        "format": None,
        "records": [],
        "conflicts": [],
        "unrecognised": [],
        "parameters": {},
        "generator": None,
        "sources": [],
        "exif": {},
        "xmp": {},
        "png_text": {},
        "comfyui": None,
        "novelai": None,
        "invokeai": None,
        "c2pa": None,
        "ai_labels": [],
        "absent": [],
        "errors": [],
        "container": {
            "format": None,
            "declared_media_type": None,
            "width": None,
            "height": None,
            "metadata_examined": False,
            "metadata_walk_complete": False,
        },
        "truncated": [],
    }


def _extract_into(
    path: Path,
    media_type: str,
    result: dict[str, Any],
    truncations: Truncations,
    trust_anchors: str | CaseAnchors | None = None,
) -> None:
    errors: list[str] = result["errors"]
    declared = media_type.split(";", 1)[0].strip().lower()
    declared = _DECLARED_ALIASES.get(declared, declared)
    result["container"]["declared_media_type"] = cap_text(declared, 256)[0] or None
    try:
        stream = open(path, "rb")  # noqa: SIM115 - closed by the with-block below
    except OSError as exc:
        errors.append(
            f"File could not be opened for reading: {exc.strerror or type(exc).__name__}."
        )
        return
    with stream:
        size = os.fstat(stream.fileno()).st_size
        if size == 0:
            errors.append("File is empty (0 bytes); there is no metadata to extract.")
            result["absent"].append("c2pa")
            return
        fmt = sniff_format(stream.read(16))
        result["container"]["format"] = fmt
        _check_declared_type(fmt, declared, errors)
        scan = scan_container(stream, size, fmt, ParseBudget()) if fmt else None
        c2pa_mime = _c2pa_format_hint(fmt, declared)
        if scan is not None and not _may_hold_c2pa(scan):
            c2pa_finding = C2paFinding(absent=True)
        else:
            c2pa_finding = read_c2pa(stream, c2pa_mime, truncations, trust_anchors)
    if scan is None:
        _apply_c2pa(result, c2pa_finding)
        return
    _assemble(result, scan, c2pa_finding, truncations, path)


def _may_hold_c2pa(scan: ContainerScan) -> bool:
    """False only when our own complete walk of a PNG/JPEG/WebP saw no place a C2PA store
    can live (PNG caBX, JPEG APP11, WebP C2PA chunk) and no XMP that could name a remote
    manifest (dcterms:provenance). Then the SDK, which would read the whole file through
    Python callbacks (most of the extraction time on a plain screenshot), is not called and
    the absence is recorded as it would have reported it."""
    if not scan.complete or scan.has_jumbf:
        return True
    packets = [*scan.xmp]
    packets += [c.text.encode("utf-8") for c in scan.text_chunks if c.text is not None]
    packets += [c.raw for c in scan.text_chunks if c.text is None and c.raw is not None]
    return any(b"provenance" in packet for packet in packets)


def _c2pa_format_hint(fmt: str | None, declared: str) -> str | None:
    """The sniffed type, else the declared one if the SDK knows it; None lets the SDK detect.
    A declared image type that the bytes contradicted is not passed on."""
    if fmt is not None:
        return MEDIA_TYPES[fmt]
    if declared in MEDIA_TYPES.values() or declared not in supported_mime_types():
        return None
    return declared


def _check_declared_type(fmt: str | None, declared: str, errors: list[str]) -> None:
    parsed_types = set(MEDIA_TYPES.values())
    if fmt is not None and declared in parsed_types and declared != MEDIA_TYPES[fmt]:
        errors.append(
            f"File was declared as {declared} but its signature is {MEDIA_TYPES[fmt]}; it was "
            "read as what its bytes are."
        )
    elif fmt is None and declared in parsed_types:
        errors.append(
            f"File was declared as {declared} but does not start with that format's signature "
            "(corrupt, truncated or not an image); only a C2PA check was made."
        )


def _apply_c2pa(result: dict[str, Any], finding: C2paFinding) -> None:
    result["errors"].extend(finding.errors)
    result["c2pa"] = finding.summary
    if finding.absent:
        result["absent"].append("c2pa")
    summary = finding.summary
    if summary is None:
        return
    if summary.get("remote_url") and summary.get("active_manifest") is None:
        result["sources"].append("c2pa-remote-reference")
        return
    result["sources"].append("c2pa")
    origin = summary.get("ai_origin")
    if isinstance(origin, dict) and origin.get("depth"):
        result["ai_labels"].append(
            {
                "source": "c2pa-ingredient",
                "value": origin["digital_source_type"],
                "ai_generated": True,
            }
        )
    if summary.get("digital_source_type"):
        result["ai_labels"].append(
            {
                "source": "c2pa",
                "value": summary["digital_source_type"],
                "ai_generated": summary.get("ai_generated"),
            }
        )


def _assemble(
    result: dict[str, Any],
    scan: ContainerScan,
    c2pa_finding: C2paFinding,
    truncations: Truncations,
    path: Path | None = None,
) -> None:
    errors: list[str] = result["errors"]
    container = result["container"]
    container.update(
        width=scan.width,
        height=scan.height,
        metadata_examined=True,
        metadata_walk_complete=scan.complete,
    )
    errors.extend(scan.errors)
    _check_pixel_count(scan, errors)
    absent: list[str] = result["absent"]

    texts = _png_text(result, scan.text_chunks, truncations)
    if scan.format == "png" and not scan.text_chunks:
        absent.append("png-text")

    exif_text: dict[str, str] = {}
    if scan.exif:
        fields, exif_text, exif_errors = parse_exif(scan.exif)
        errors.extend(exif_errors)
        result["exif"] = _store_strings(fields, "exif", truncations)
    if result["exif"]:
        result["sources"].append("exif")
    elif scan.exif is None:
        absent.append("exif")

    xmp_packets = list(scan.xmp)
    if PNG_XMP_KEYWORD in texts:
        xmp_packets.insert(0, texts[PNG_XMP_KEYWORD].encode("utf-8"))
    xmp_description = _xmp(result, xmp_packets, scan.extended_xmp, truncations)

    _apply_c2pa(result, c2pa_finding)
    if scan.has_jumbf and c2pa_finding.absent:
        errors.append("File contains a JUMBF box, but no C2PA manifest could be read from it.")

    candidates = _generator_candidates(
        result, texts, exif_text, c2pa_finding, xmp_description, truncations, scan, path
    )
    _choose_generator(result, candidates, texts, exif_text, truncations)


def _check_pixel_count(scan: ContainerScan, errors: list[str]) -> None:
    """Report a header that Pillow would refuse to decode; we never decode pixels anyway."""
    limit = Image.MAX_IMAGE_PIXELS
    if scan.width is None or scan.height is None or not limit:
        return
    pixels = scan.width * scan.height
    if pixels > limit:
        errors.append(
            f"Image header declares {scan.width}x{scan.height} = {pixels} pixels, more than "
            f"Pillow's MAX_IMAGE_PIXELS ({limit}); pixels were not decoded (possible "
            "decompression bomb)."
        )


def _png_text(
    result: dict[str, Any], chunks: list[TextChunk], truncations: Truncations
) -> dict[str, str]:
    """Store capped copies in ``png_text``; return full texts (first of each keyword) for parsing."""
    texts: dict[str, str] = {}
    stored: dict[str, Any] = result["png_text"]
    remaining = MAX_PNG_TEXT_STORED_BYTES
    for chunk in chunks:
        key = chunk.keyword
        number = 2
        while key in stored:
            key = f"{chunk.keyword} [{number}]"
            number += 1
        if chunk.text is not None and chunk.keyword not in texts:
            texts[chunk.keyword] = chunk.text
        full = chunk.text
        if full is None and chunk.refused and chunk.raw is not None:
            full = chunk.raw[:MAX_TEXT_VALUE_BYTES].decode("utf-8", "replace")
        text: str | None = None
        truncated = chunk.refused
        if full is not None:
            if remaining > 0:
                text, cut = cap_text(full, min(MAX_TEXT_VALUE_BYTES, remaining))
                remaining -= len(text.encode("utf-8"))
                truncated = truncated or cut
            else:
                truncated = True
        if truncated:
            truncations.add(f"png_text.{key}")
        entry: dict[str, Any] = {
            "chunk": chunk.chunk_type,
            "text": text,
            "truncated": truncated,
            "length": chunk.decoded_length,
            "stored_length": chunk.stored_length,
            "encoding": chunk.encoding,
            "compressed": chunk.compressed,
            "language": chunk.language,
            "translated_keyword": chunk.translated_keyword,
            "refused": chunk.refused,
            "crc_ok": chunk.crc_ok,
        }
        if chunk.lossy and chunk.raw is not None:
            entry["raw_base64"] = base64.b64encode(chunk.raw[:MAX_TEXT_VALUE_BYTES]).decode("ascii")
        stored[key] = entry
    return texts


def _store_strings(fields: dict[str, Any], prefix: str, truncations: Truncations) -> dict[str, Any]:
    out: dict[str, Any] = {}
    remaining = MAX_SECTION_TEXT_BYTES
    for key, value in fields.items():
        if isinstance(value, str):
            out[key], cut = cap_text(value, min(MAX_TEXT_VALUE_BYTES, remaining))
            remaining -= len(out[key].encode("utf-8"))
            if cut:
                truncations.add(f"{prefix}.{key}")
        else:
            out[key] = value
    return out


def _xmp(
    result: dict[str, Any], packets: list[bytes], extended: bool, truncations: Truncations
) -> str | None:
    """Parse up to a few XMP packets, keeping the first value found for each field."""
    absent: list[str] = result["absent"]
    if not packets:
        absent.extend(["xmp", "xmp-iptc", "tc260"])
        return None
    merged = empty_xmp(sum(len(p) for p in packets))
    description: str | None = None
    parsed_any = False
    for packet in packets[:_MAX_XMP_PACKETS]:
        fields, full_description, errors = parse_xmp(packet, truncations)
        result["errors"].extend(errors)
        if fields is None:
            continue
        parsed_any = True
        for key, value in fields.items():
            if key != "raw_length" and merged[key] is None:
                merged[key] = value
        if description is None:
            description = full_description
    if len(packets) > _MAX_XMP_PACKETS:
        result["errors"].append(
            f"File holds {len(packets)} XMP packets; only the first {_MAX_XMP_PACKETS} were read."
        )
    if extended:
        result["errors"].append(
            "File uses Extended XMP; the extension segments were not reassembled."
        )
    result["xmp"] = merged
    result["sources"].append("xmp")
    if merged["digital_source_type"]:
        result["sources"].append("xmp-iptc")
        result["ai_labels"].append(
            {
                "source": "xmp-iptc",
                "value": merged["digital_source_type"],
                "ai_generated": merged["ai_generated"],
            }
        )
    elif parsed_any:
        absent.append("xmp-iptc")
    if merged["tc260_aigc"] is not None:
        result["sources"].append("tc260")
        result["ai_labels"].append(
            {"source": "tc260", "value": merged["tc260_aigc"], "ai_generated": None}
        )
    elif parsed_any:
        absent.append("tc260")
    return description


def _comfy_texts(
    texts: dict[str, str], exif_text: dict[str, str]
) -> tuple[str | None, str | None, str | None]:
    """ComfyUI graphs from PNG text chunks, or from EXIF tags in WebP/JPEG: "prompt:{...}"
    (stock SaveImage WebP) or "Prompt: {...}" / "Workflow: {...}" (save-image-extended)."""
    prompt_json = texts.get("prompt")
    if prompt_json is not None and not prompt_json.lstrip().startswith("{"):
        prompt_json = None  # a plain-text "prompt" chunk from some other tool
    workflow_json = texts.get("workflow")
    if prompt_json is not None or workflow_json is not None:
        return prompt_json, workflow_json, "png"
    for name in _EXIF_COMFY_FIELDS:
        value = exif_text.get(name, "")
        lowered = value[:16].lower()
        if lowered.startswith("prompt:") and prompt_json is None:
            prompt_json = value[len("prompt:") :].lstrip()
        elif lowered.startswith("workflow:") and workflow_json is None:
            workflow_json = value[len("workflow:") :].lstrip()
    if prompt_json is not None or workflow_json is not None:
        return prompt_json, workflow_json, "exif"
    return None, None, None


class Candidate(NamedTuple):
    """One generator record found in the file: where, in which format, which generator."""

    source: str
    format: str
    generator: str | None
    finding: GeneratorFinding


_UNRECOGNISED_CHUNKS = ("generation_data", "Dream")


class _Gathered:
    """The generator records found so far, in tie-break order, and a ComfyUI graph that a
    JSON text record carried (used only when no ComfyUI text chunk holds one)."""

    def __init__(self, result: dict[str, Any], truncations: Truncations) -> None:
        self.result = result
        self.truncations = truncations
        self.candidates: list[Candidate] = []
        self.comfy_from_json: tuple[str | None, str | None, str] | None = None

    def add(self, source: str, fmt: str, generator: str | None, finding: GeneratorFinding) -> None:
        self.candidates.append(Candidate(source, fmt, generator, finding))

    def add_text_record(self, text: str, field_name: str) -> None:
        """A text field read as whichever format it recognisably is, else kept raw."""
        fmt, finding = read_text_record(text, field_name)
        if fmt == FORMAT_UNRECOGNISED:
            _add_unrecognised(self.result, field_name, text, self.truncations)
        elif fmt == FORMAT_COMFYUI_JSON:
            graphs = finding.summary["graphs"]
            self.comfy_from_json = (
                json.dumps(graphs["prompt"]) if isinstance(graphs.get("prompt"), dict) else None,
                json.dumps(graphs["workflow"])
                if isinstance(graphs.get("workflow"), dict)
                else None,
                field_name,
            )
        else:
            self.result["errors"].extend(finding.errors)
            self.add(field_name, fmt, _generator_name(fmt, finding), finding)


def _generator_candidates(
    result: dict[str, Any],
    texts: dict[str, str],
    exif_text: dict[str, str],
    c2pa_finding: C2paFinding,
    xmp_description: str | None,
    truncations: Truncations,
    scan: ContainerScan | None = None,
    path: Path | None = None,
) -> list[Candidate]:
    """Every generator record found, as (source, format, generator, finding), in the order
    used to break ties: the PNG ``parameters`` text, EXIF UserComment, ComfyUI graphs,
    InvokeAI, InvokeAI Dream, NovelAI, stealth pnginfo, C2PA, then an XMP description only when it is
    unmistakably A1111 parameters text. The detector never guesses: a text that is not
    recognisably one format is kept raw as "generator metadata in an unrecognised format"."""
    found = _Gathered(result, truncations)
    _gather_text_fields(found, texts, exif_text)
    _gather_tool_records(found, texts, exif_text)
    if scan is not None and path is not None and scan.format == "png" and not found.candidates:
        hidden, note, channel = read_stealth(path)
        if note:
            result["errors"].append(note)
        if hidden is not None:
            found.add_text_record(hidden, f"png:stealth-{channel}")
    if c2pa_finding.prompt is not None and c2pa_finding.summary is not None:
        generator = c2pa_finding.summary.get("claim_generator")
        finding = GeneratorFinding(summary={}, prompt=c2pa_finding.prompt)
        finding.prompts = [prompt_entry(c2pa_finding.prompt, "positive")]
        found.add("c2pa", "c2pa", generator, finding)
    if xmp_description is not None and looks_like_a1111(xmp_description):
        found.add("xmp:description", FORMAT_A1111, GENERATOR_A1111, a1111_finding(xmp_description))
    return found.candidates


def _gather_text_fields(found: _Gathered, texts: dict[str, str], exif_text: dict[str, str]) -> None:
    """The PNG ``parameters`` text and EXIF UserComment; other known chunks kept raw."""
    result, truncations = found.result, found.truncations
    if "parameters" in texts:
        found.add_text_record(texts["parameters"], "png:parameters")
    user_comment = exif_text.get("UserComment")
    if user_comment and (
        user_comment.lstrip().startswith("{") or looks_like_a1111_anywhere(user_comment)
    ):
        found.add_text_record(user_comment, "exif:UserComment")
    for keyword in _UNRECOGNISED_CHUNKS:
        if keyword in texts and keyword != "Dream":
            _add_unrecognised(result, f"png:{keyword}", texts[keyword], truncations)
    plain_prompt = texts.get("prompt")
    if plain_prompt is not None and not plain_prompt.lstrip().startswith("{"):
        _add_unrecognised(result, "png:prompt", plain_prompt, truncations)


def _gather_tool_records(
    found: _Gathered, texts: dict[str, str], exif_text: dict[str, str]
) -> None:
    """ComfyUI graphs, InvokeAI (and its 1.x Dream line), NovelAI: each tool's own record."""
    result, truncations = found.result, found.truncations
    prompt_json, workflow_json, where = _comfy_texts(texts, exif_text)
    if where is None and found.comfy_from_json is not None:
        prompt_json, workflow_json, where = found.comfy_from_json
    if where is not None:
        comfy = summarise_comfyui(prompt_json, workflow_json, truncations)
        comfy.summary["found_in"] = where
        result["comfyui"] = comfy.summary
        result["errors"].extend(comfy.errors)
        found.add("comfyui", "comfyui", GENERATOR_COMFYUI, comfy)
    invoke = summarise_invokeai(texts, truncations)
    if invoke is not None:
        result["invokeai"] = invoke.summary
        result["errors"].extend(invoke.errors)
        found.add("invokeai", "invokeai", GENERATOR_INVOKEAI, invoke)
    if "Dream" in texts:  # InvokeAI 1.x; 2.x files carry it beside the richer sd-metadata
        dream = read_dream(texts["Dream"])
        if dream.summary.get("label") == UNRECOGNISED:
            _add_unrecognised(result, "png:Dream", texts["Dream"], truncations)
        else:
            found.add("png:Dream", FORMAT_INVOKEAI_DREAM, GENERATOR_INVOKEAI, dream)
    novel = summarise_novelai(texts, truncations)
    if novel is not None:
        result["novelai"] = novel.summary
        result["errors"].extend(novel.errors)
        found.add("novelai", "novelai", GENERATOR_NOVELAI, novel)


def looks_like_a1111_anywhere(text: str) -> bool:
    return bool(text) and "Steps:" in text.rsplit("\n", 1)[-1]


def _generator_name(fmt: str, finding: GeneratorFinding) -> str | None:
    if fmt == FORMAT_A1111:
        version = finding.parameters.get("other", {}).get("Version", "")
        if isinstance(version, str) and version.startswith("ComfyUI"):
            return "ComfyUI (A1111-style parameters text from a save node)"
        return GENERATOR_A1111
    return GENERATOR_NAMES.get(fmt)


def _add_unrecognised(
    result: dict[str, Any], field_name: str, text: str, truncations: Truncations
) -> None:
    raw, cut = cap_text(text, MAX_TEXT_VALUE_BYTES)
    if cut:
        truncations.add(f"unrecognised[{field_name}]")
    result["unrecognised"].append({"field": field_name, "label": UNRECOGNISED, "raw": raw})
    result["errors"].append(
        f"The {field_name} field holds {UNRECOGNISED}; it was kept raw and not read."
    )


def _choose_generator(
    result: dict[str, Any],
    candidates: list[Candidate],
    texts: dict[str, str],
    exif_text: dict[str, str],
    truncations: Truncations,
) -> None:
    """Stated rule: the first record (in candidate order) whose prompt is real wins; a
    record whose prompt is missing or a placeholder such as "unknown" (written by save nodes
    that could not find it) only wins when no record has a real prompt. Every other record
    whose positive prompt differs (trailing whitespace aside) is listed in ``conflicts``."""
    for source, _, _, _ in candidates:
        if source not in result["sources"]:
            result["sources"].append(source)
    result["sources"].sort()
    if not candidates:
        result["absent"].append("generator-parameters")
    winner = next((c for c in candidates if not is_placeholder(c.finding.prompt)), None)
    if winner is None:
        winner = next((c for c in candidates if c.finding.prompt is not None), None)
    if winner is None and candidates:
        winner = candidates[0]
    for source, fmt, generator, finding in candidates:
        result["records"].append(
            {
                "source": source,
                "format": fmt,
                "generator": generator,
                "prompt": cap_text(finding.prompt, MAX_TEXT_VALUE_BYTES)[0]
                if finding.prompt is not None
                else None,
                "chosen": winner is not None and source == winner.source,
            }
        )
    if winner is not None:
        source, fmt, generator, finding = winner
        if finding.prompt is not None and is_placeholder(finding.prompt):
            result["errors"].append(
                f"The only prompt recorded ({source}) is the placeholder "
                f"{finding.prompt.strip()!r}, which the writing tool puts there when it could "
                "not find the prompt; it is not the prompt that was used."
            )
        for key, value in (
            ("prompt", finding.prompt),
            ("negative_prompt", finding.negative_prompt),
        ):
            if value is not None:
                result[key], cut = cap_text(value, MAX_TEXT_VALUE_BYTES)
                if cut:
                    truncations.add(key)
        result["parameters"] = _bounded_parameters(finding.parameters, truncations)
        result["generator"] = generator
        result["format"] = fmt
        result["prompts"] = [
            _bounded_parameters(p, truncations) for p in finding.prompts[:MAX_SUMMARY_ITEMS]
        ]
        chosen = (finding.prompt or "").rstrip()
        for other in candidates:
            if other is winner or other.finding.prompt is None:
                continue
            if other.finding.prompt.rstrip() == chosen:
                continue
            result["conflicts"].append(
                {
                    "field": "prompt",
                    "source": other.source,
                    "format": other.format,
                    "generator": other.generator,
                    "value": cap_text(other.finding.prompt, MAX_TEXT_VALUE_BYTES)[0],
                    "chosen_source": source,
                    "chosen_value": result["prompt"],
                    "rule": CHOICE_RULE,
                }
            )
    if result["generator"] is None:
        result["generator"] = _fallback_generator(result, texts, exif_text)
    result["absent"].sort()


CHOICE_RULE = (
    "first record with a real prompt, in the order: PNG parameters, EXIF UserComment, "
    "ComfyUI graph, InvokeAI, InvokeAI Dream, NovelAI, stealth pnginfo, C2PA, XMP; "
    "placeholder prompts such as 'unknown' never win over a real one"
)


def _bounded_parameters(parameters: dict[str, Any], truncations: Truncations) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in parameters.items():
        if isinstance(value, str):
            out[key], cut = cap_text(value, MAX_TEXT_VALUE_BYTES)
            if cut:
                truncations.add(f"parameters.{key}")
        elif isinstance(value, dict):
            out[key] = _bounded_parameters(value, truncations)
        else:
            out[key] = value
    return out


def _fallback_generator(
    result: dict[str, Any], texts: dict[str, str], exif_text: dict[str, str]
) -> str | None:
    """No generator record: the C2PA claim generator, then EXIF/PNG Software, then XMP
    CreatorTool name the software that made or last wrote the file."""
    c2pa_summary = result["c2pa"]
    for value in (
        c2pa_summary.get("claim_generator") if c2pa_summary else None,
        exif_text.get("Software"),
        texts.get("Software"),
        result["xmp"].get("creator_tool") if result["xmp"] else None,
    ):
        if isinstance(value, str) and value.strip():
            return cap_text(value.strip(), 1024)[0]
    return None


def _finish_errors(result: dict[str, Any]) -> None:
    errors = [cap_text(e, _MAX_ERROR_CHARS)[0] for e in result["errors"]]
    if len(errors) > MAX_ERRORS:
        omitted = len(errors) - MAX_ERRORS
        errors = [*errors[:MAX_ERRORS], f"{omitted} further problems were found and not listed."]
    result["errors"] = errors
    result["absent"] = sorted(set(result["absent"]))
    result["sources"] = sorted(set(result["sources"]))
