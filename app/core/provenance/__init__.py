"""Provenance extraction for stored evidence originals.

The ingest code calls :func:`extract_provenance` once per stored original; the returned
dict is stored in the case and hashed into the custody log. See
``docs/decisions/0002-provenance-extraction.md`` for why it is built the way it is.
"""

from .c2pa_manifest import (
    CASE_ANCHORS_SETTING,
    TRUST_ANCHORS_ENV,
    TRUST_LIST_SETTING,
    CaseAnchors,
    case_trust_anchors,
    set_case_trust_anchors,
)
from .extract import EXTRACTOR_VERSION, extract_provenance

__all__ = [
    "CASE_ANCHORS_SETTING",
    "EXTRACTOR_VERSION",
    "TRUST_ANCHORS_ENV",
    "TRUST_LIST_SETTING",
    "CaseAnchors",
    "case_trust_anchors",
    "extract_provenance",
    "set_case_trust_anchors",
]
