"""IPTC digital source types, shared by XMP (Iptc4xmpExt:DigitalSourceType) and C2PA actions.

Only the two codes IPTC defines for generative AI count as "AI generated". Codes that may
or may not involve AI (a synthetic composite, algorithmic enhancement) are reported as
undetermined rather than guessed, because the result ends up in front of a court.
"""

from __future__ import annotations

IPTC_DST_PREFIXES = (
    "http://cv.iptc.org/newscodes/digitalsourcetype/",
    "https://cv.iptc.org/newscodes/digitalsourcetype/",
)

_AI_CODES = {"trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia"}
_UNDETERMINED_CODES = {"compositeSynthetic", "algorithmicallyEnhanced", "composite"}
_NOT_AI_CODES = {
    "digitalCapture",
    "computationalCapture",
    "negativeFilm",
    "positiveFilm",
    "print",
    "humanEdits",
    "minorHumanEdits",
    "compositeCapture",
    "digitalArt",
    "digitalCreation",
    "virtualRecording",
    "screenCapture",
    "dataDrivenMedia",
    "algorithmicMedia",
}


def source_type_code(uri: str) -> str | None:
    """The IPTC code at the end of a digital source type URI, or None if not IPTC."""
    value = uri.strip()
    for prefix in IPTC_DST_PREFIXES:
        if value.startswith(prefix):
            return value[len(prefix) :].strip("/") or None
    return None


def is_ai_source_type(uri: str | None) -> bool | None:
    """True for generative-AI source types, False for known non-AI ones, else None."""
    if not uri:
        return None
    code = source_type_code(uri)
    if code in _AI_CODES:
        return True
    if code in _NOT_AI_CODES:
        return False
    return None
