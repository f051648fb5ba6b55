"""Values of the case as text on paper: numbers, C2PA manifests, AI labels, provenance findings.

Split out of :mod:`app.report.pdf` (issue #17); the exhibit and chart pages use them.
"""

from __future__ import annotations

import json
from typing import Any

from app.report.facts_labels import facts_text
from app.report.pdf_styles import ARCHIVE_REF, Lang


def value_text(value: Any) -> str:
    """A scalar as printed; anything nested as sorted JSON."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, bool | int):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def c2pa_text(c2pa: Any, lang: Lang) -> str:
    """The C2PA manifest's readable fields on one line."""
    t = lang.t
    if not isinstance(c2pa, dict) or not c2pa:
        return t("none found", "未发现")
    parts = []
    for key, label in (
        ("claim_generator", "claim generator"),
        ("digital_source_type", "digital source type"),
        ("signer", "signer"),
        ("signing_time", "signed"),
        ("validation_state", "validation"),
    ):
        if c2pa.get(key):
            parts.append(f"{label}: {value_text(c2pa[key])}")
    actions = c2pa.get("actions") or []
    if actions:
        parts.append(
            "actions: "
            + ", ".join(
                value_text(a.get("action") if isinstance(a, dict) else a) for a in actions[:10]
            )
        )
    ingredients = c2pa.get("ingredients") or []
    if ingredients:
        parts.append(f"ingredients: {len(ingredients)}")
    return "; ".join(parts) or t("present, without readable details", "存在，但无可读信息")


def provenance_findings_text(prov: dict[str, Any]) -> str:
    """Provenance issue #15's data for the report: the C2PA verdict with its reasons, an AI
    origin stated in an ingredient manifest, and generator records that disagree."""
    lines: list[str] = []
    c2pa = prov.get("c2pa") if isinstance(prov.get("c2pa"), dict) else {}
    if c2pa.get("verdict"):
        lines.append(f"C2PA verdict: {value_text(c2pa['verdict'])}")
        lines.extend(f"- {value_text(r)}" for r in (c2pa.get("verdict_reasons") or [])[:10])
    origin = c2pa.get("ai_origin")
    if isinstance(origin, dict) and origin.get("depth"):
        lines.append(
            f"AI origin in ingredient manifest: {value_text(origin.get('digital_source_type'))}"
            f" ({value_text(origin.get('generator'))})"
        )
    conflicts = prov.get("conflicts") or []
    if conflicts:
        lines.append(
            f"Prompt shown is from {value_text(conflicts[0].get('chosen_source'))}"
            f" (rule: {value_text(conflicts[0].get('rule'))}); other records say:"
        )
        lines.extend(
            f"- {value_text(c.get('source'))}: {value_text(str(c.get('value'))[:500])}"
            for c in conflicts[:10]
        )
    return "\n".join(lines)


def labels_text(labels: Any, lang: Lang) -> str:
    """The AI-generation labels found in the file, one per line."""
    if not labels:
        return lang.t("none found", "未发现")
    parts = []
    for label in labels[:10]:
        if isinstance(label, dict):
            parts.append(
                f"{label.get('source')}: {facts_text(label.get('value'), lang.t, ARCHIVE_REF)}"
            )
        else:
            parts.append(facts_text(label, lang.t, ARCHIVE_REF))
    return "\n".join(parts)
