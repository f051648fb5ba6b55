"""Read the provenance fields of an XMP packet with a parser that refuses DTDs and entities.

XMP is XML taken from the evidence file itself, so it is hostile input: a "billion laughs"
entity expansion or an external entity must be refused, not expanded. defusedxml does that
on top of the standard library's expat parser, and XMP never needs a DTD, so any DTD is
refused outright.
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeET

from .limits import MAX_TEXT_VALUE_BYTES, Truncations, cap_text, json_safe
from .source_types import is_ai_source_type

IPTC_EXT_NS = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
TC260_NS = "http://www.tc260.org.cn/ns/AIGC/1.0/"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DC_NS = "http://purl.org/dc/elements/1.1/"
XMP_NS = "http://ns.adobe.com/xap/1.0/"
XML_NS = "http://www.w3.org/XML/1998/namespace"

_DST = f"{{{IPTC_EXT_NS}}}DigitalSourceType"
# Tolerate a missing trailing slash in the TC260 namespace; labels written by hand vary.
_TC260_KEYS = (f"{{{TC260_NS}}}AIGC", f"{{{TC260_NS.rstrip('/')}}}AIGC")
_CREATOR_TOOL = f"{{{XMP_NS}}}CreatorTool"
_DESCRIPTION = f"{{{DC_NS}}}description"
_RDF_RESOURCE = f"{{{RDF_NS}}}resource"
_RDF_LI = f"{{{RDF_NS}}}li"
_XML_LANG = f"{{{XML_NS}}}lang"


def empty_xmp(raw_length: int) -> dict[str, Any]:
    """The XMP result shape with nothing found."""
    return {
        "digital_source_type": None,
        "ai_generated": None,
        "tc260_aigc": None,
        "creator_tool": None,
        "description": None,
        "raw_length": raw_length,
    }


def parse_xmp(
    packet: bytes, truncations: Truncations
) -> tuple[dict[str, Any] | None, str | None, list[str]]:
    """Parse one XMP packet.

    Returns ``(fields, full description, errors)``; ``fields`` is None when the packet was
    refused or is not XML, so callers do not report properties as absent that could not be
    looked for. The full (uncapped) description is returned separately because it may
    carry generator parameters that must be parsed before capping.
    """
    result = empty_xmp(len(packet))
    data = packet.rstrip(b"\x00 \t\r\n")
    try:
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DTDForbidden:
        problem = (
            "XMP packet refused: it declares a DTD, which XMP never needs (possible "
            "entity-expansion attack)."
        )
        return None, None, [problem]
    except defusedxml.DefusedXmlException:
        problem = (
            "XMP packet refused: it declares entities or external references (possible "
            "entity-expansion attack)."
        )
        return None, None, [problem]
    except ParseError as exc:
        return None, None, [f"XMP packet is not well-formed XML: {exc}."]
    except (ValueError, RecursionError) as exc:
        return None, None, [f"XMP packet could not be parsed: {exc}."]

    errors: list[str] = []
    dst = _first_value(root, _DST)
    if dst is not None:
        dst, _ = cap_text(dst.strip(), 2048)
        result["digital_source_type"] = dst
        result["ai_generated"] = is_ai_source_type(dst)
    tc260_raw = None
    for key in _TC260_KEYS:
        tc260_raw = _first_value(root, key)
        if tc260_raw is not None:
            break
    if tc260_raw is not None:
        result["tc260_aigc"], error = parse_tc260(tc260_raw, truncations)
        if error:
            errors.append(error)
    creator = _first_value(root, _CREATOR_TOOL)
    if creator is not None:
        result["creator_tool"], cut = cap_text(creator.strip(), 4096)
        if cut:
            truncations.add("xmp.creator_tool")
    description = _description(root)
    if description is not None:
        result["description"], cut = cap_text(description, MAX_TEXT_VALUE_BYTES)
        if cut:
            truncations.add("xmp.description")
    return result, description, errors


def parse_tc260(raw: str, truncations: Truncations) -> tuple[dict[str, Any] | str, str | None]:
    """Parse the TC260:AIGC JSON (GB 45438-2025 implicit label); keep it raw if unparsable."""
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        value = None
    if isinstance(value, dict):
        return json_safe(value, "xmp.tc260_aigc", truncations, 64 * 1024), None
    text, cut = cap_text(raw, MAX_TEXT_VALUE_BYTES)
    if cut:
        truncations.add("xmp.tc260_aigc")
    return text, "XMP TC260:AIGC label is not a JSON object; it was kept as raw text."


def _first_value(root: Element, key: str) -> str | None:
    """Find an XMP simple property written either as an attribute or as an element."""
    for element in root.iter():
        if key in element.attrib:
            return element.attrib[key]
        if element.tag == key:
            if _RDF_RESOURCE in element.attrib:
                return element.attrib[_RDF_RESOURCE]
            text = "".join(element.itertext())
            return text.strip() if text.strip() else None
    return None


def _description(root: Element) -> str | None:
    """dc:description is a language alternative; prefer x-default, else the first entry."""
    for element in root.iter():
        if _DESCRIPTION in element.attrib:
            return element.attrib[_DESCRIPTION]
        if element.tag == _DESCRIPTION:
            items = [li for li in element.iter(_RDF_LI)]
            for li in items:
                if li.get(_XML_LANG) == "x-default":
                    return li.text or ""
            if items:
                return items[0].text or ""
            return element.text
    return None
