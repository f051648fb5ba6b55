"""Provenance extraction for stored evidence originals.

The ingest code calls :func:`extract_provenance` once per stored original; the returned
dict is stored in the case and hashed into the custody log. See
``docs/decisions/0002-provenance-extraction.md`` for why it is built the way it is.
"""

from .c2pa_manifest import TRUST_ANCHORS_ENV, case_trust_anchors
from .extract import EXTRACTOR_VERSION, extract_provenance

__all__ = ["EXTRACTOR_VERSION", "TRUST_ANCHORS_ENV", "case_trust_anchors", "extract_provenance"]
