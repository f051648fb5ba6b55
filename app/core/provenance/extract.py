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
import os
from pathlib import Path
from typing import Any

from PIL import Image

from .a1111 import looks_like_a1111, parse_a1111, settings_to_parameters
from .c2pa_manifest import C2paFinding, read_c2pa, supported_mime_types
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
from .generators import GeneratorFinding, summarise_invokeai, summarise_novelai
from .limits import (
    MAX_ERRORS,
    MAX_PNG_TEXT_STORED_BYTES,
    MAX_SECTION_TEXT_BYTES,
    MAX_TEXT_VALUE_BYTES,
    ParseBudget,
    Truncations,
    cap_text,
)
from .xmp import empty_xmp, parse_xmp

EXTRACTOR_VERSION = "provenance/1"

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


def extract_provenance(path: Path, media_type: str) -> dict[str, Any]:
    """Extract provenance metadata from the stored original at ``path``.

    ``media_type`` is the type the ingest code sniffed or was told; the file's own magic
    bytes decide how it is parsed, and a disagreement is reported. The file is opened
    read-only and pixels are never decoded. Never raises for bad input.
    """
    result = _empty_result()
    truncations = Truncations()
    try:
        _extract_into(Path(path), media_type or "", result, truncations)
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
    path: Path, media_type: str, result: dict[str, Any], truncations: Truncations
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
        c2pa_finding = read_c2pa(stream, c2pa_mime, truncations)
    if scan is None:
        _apply_c2pa(result, c2pa_finding)
        return
    _assemble(result, scan, c2pa_finding, truncations)


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
    if summary.get("digital_source_type"):
        result["ai_labels"].append(
            {
                "source": "c2pa",
                "value": summary["digital_source_type"],
                "ai_generated": summary.get("ai_generated"),
            }
        )


def _assemble(
    result: dict[str, Any], scan: ContainerScan, c2pa_finding: C2paFinding, truncations: Truncations
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
        result, texts, exif_text, c2pa_finding, xmp_description, truncations
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


def _a1111_finding(text: str) -> GeneratorFinding:
    parsed = parse_a1111(text)
    return GeneratorFinding(
        summary={},
        prompt=parsed.prompt,
        negative_prompt=parsed.negative_prompt,
        parameters=settings_to_parameters(parsed.settings),
    )


def _comfy_texts(
    texts: dict[str, str], exif_text: dict[str, str]
) -> tuple[str | None, str | None, str | None]:
    """ComfyUI graphs from PNG text chunks, or from EXIF tags ("prompt:{...}") in WebP/JPEG."""
    prompt_json = texts.get("prompt")
    if prompt_json is not None and not prompt_json.lstrip().startswith("{"):
        prompt_json = None  # a plain-text "prompt" chunk from some other tool
    workflow_json = texts.get("workflow")
    if prompt_json is not None or workflow_json is not None:
        return prompt_json, workflow_json, "png"
    for name in _EXIF_COMFY_FIELDS:
        value = exif_text.get(name, "")
        if value.startswith("prompt:") and prompt_json is None:
            prompt_json = value[len("prompt:") :]
        elif value.startswith("workflow:") and workflow_json is None:
            workflow_json = value[len("workflow:") :]
    if prompt_json is not None or workflow_json is not None:
        return prompt_json, workflow_json, "exif"
    return None, None, None


def _generator_candidates(
    result: dict[str, Any],
    texts: dict[str, str],
    exif_text: dict[str, str],
    c2pa_finding: C2paFinding,
    xmp_description: str | None,
    truncations: Truncations,
) -> list[tuple[str, str | None, GeneratorFinding]]:
    """Every generator record found, as (source name, generator, finding), in priority order:
    A1111/Forge, ComfyUI, InvokeAI, NovelAI, C2PA, then an XMP description only when it is
    unmistakably A1111 parameters text."""
    candidates: list[tuple[str, str | None, GeneratorFinding]] = []
    if "parameters" in texts:
        candidates.append(("png:parameters", GENERATOR_A1111, _a1111_finding(texts["parameters"])))
    user_comment = exif_text.get("UserComment")
    if user_comment and parse_a1111(user_comment).settings:
        candidates.append(("exif:UserComment", GENERATOR_A1111, _a1111_finding(user_comment)))

    prompt_json, workflow_json, where = _comfy_texts(texts, exif_text)
    if where is not None:
        comfy = summarise_comfyui(prompt_json, workflow_json, truncations)
        comfy.summary["found_in"] = where
        result["comfyui"] = comfy.summary
        result["errors"].extend(comfy.errors)
        candidates.append(("comfyui", GENERATOR_COMFYUI, comfy))

    invoke = summarise_invokeai(texts, truncations)
    if invoke is not None:
        result["invokeai"] = invoke.summary
        result["errors"].extend(invoke.errors)
        candidates.append(("invokeai", GENERATOR_INVOKEAI, invoke))

    novel = summarise_novelai(texts, truncations)
    if novel is not None:
        result["novelai"] = novel.summary
        result["errors"].extend(novel.errors)
        candidates.append(("novelai", GENERATOR_NOVELAI, novel))

    if c2pa_finding.prompt is not None and c2pa_finding.summary is not None:
        generator = c2pa_finding.summary.get("claim_generator")
        candidates.append(
            ("c2pa", generator, GeneratorFinding(summary={}, prompt=c2pa_finding.prompt))
        )

    if xmp_description is not None and looks_like_a1111(xmp_description):
        candidates.append(("xmp:description", GENERATOR_A1111, _a1111_finding(xmp_description)))
    return candidates


def _choose_generator(
    result: dict[str, Any],
    candidates: list[tuple[str, str | None, GeneratorFinding]],
    texts: dict[str, str],
    exif_text: dict[str, str],
    truncations: Truncations,
) -> None:
    """The first candidate with a prompt wins (else the first found, for its settings)."""
    for source, _, _ in candidates:
        if source not in result["sources"]:
            result["sources"].append(source)
    result["sources"].sort()
    if not candidates:
        result["absent"].append("generator-parameters")
    winner = next((c for c in candidates if c[2].prompt is not None), None)
    if winner is None and candidates:
        winner = candidates[0]
    if winner is not None:
        _, generator, finding = winner
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
    if result["generator"] is None:
        result["generator"] = _fallback_generator(result, texts, exif_text)
    result["absent"].sort()


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
