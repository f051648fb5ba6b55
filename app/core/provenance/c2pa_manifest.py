"""Read and summarise a C2PA manifest store with the official c2pa-python bindings.

C2PA validation (claim signatures, hashed URIs, data hashes, trust) is cryptography we
must not reimplement, so the reference SDK does it. Two of its defaults are wrong for
evidence ingestion and are switched off: ``verify.remote_manifest_fetch`` (a file can
point at a manifest on any server, and reading it would contact that server) and
``verify.ocsp_fetch``. Ingestion stays offline and the result depends only on the bytes.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import c2pa

from app.config import load_settings, save_settings

from .limits import MAX_SUMMARY_ITEMS, Truncations, cap_text, json_safe
from .source_types import is_ai_source_type

READ_SETTINGS: dict[str, Any] = {
    "verify": {"remote_manifest_fetch": False, "ocsp_fetch": False},
}
_SHORT = 4096
_REMOTE_URL = re.compile(r"from url (\S+)")


@dataclass
class C2paFinding:
    """``summary`` is None when there is no manifest; ``absent`` says whether that was a
    clean "not present" answer (as opposed to an error)."""

    summary: dict[str, Any] | None = None
    absent: bool = False
    prompt: str | None = None
    errors: list[str] = field(default_factory=list)


def supported_mime_types() -> set[str]:
    """Formats the installed SDK can read, used to decide whether to pass a format hint."""
    try:
        return set(c2pa.Reader.get_supported_mime_types())
    except c2pa.C2paError:
        return set()


TRUST_ANCHORS_ENV = "PROOFSHOT_C2PA_TRUST_ANCHORS"
# User settings (the user's settings file, never the case): the C2PA trust list's path, and
# extra anchors per case as PEM text keyed by the case folder's resolved path.
TRUST_LIST_SETTING = "c2pa_trust_list"
CASE_ANCHORS_SETTING = "c2pa_case_anchors"
_MAX_ANCHOR_BYTES = 4 * 1024 * 1024
_PEM_BEGIN = "-----BEGIN CERTIFICATE-----"


@dataclass(frozen=True)
class CaseAnchors:
    """Per-case extra anchors from the user's settings, and an anchors file found inside
    the case folder that was ignored (a case folder may come from the other side)."""

    pem: str | None = None
    ignored_file: str | None = None


def trust_list_path() -> str:
    """The user's C2PA trust list: ``PROOFSHOT_C2PA_TRUST_ANCHORS`` (set by
    ``--c2pa-trust-list``) when given, else the path chosen in Settings."""
    path = os.environ.get(TRUST_ANCHORS_ENV, "").strip()
    if path:
        return path
    value = load_settings().get(TRUST_LIST_SETTING)
    return value.strip() if isinstance(value, str) else ""


class NotAPemList(ValueError):
    """A file given as a certificate list holds none, or is larger than one may be."""


def read_pem_list(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a PEM certificate list (at most 4 MB read): OSError when the file cannot
    be read, :class:`NotAPemList` when it is larger or holds no certificate."""
    with open(path, "rb") as handle:
        data = handle.read(_MAX_ANCHOR_BYTES + 1)
    if len(data) > _MAX_ANCHOR_BYTES or _PEM_BEGIN.encode() not in data:
        raise NotAPemList(f"{path} is not a PEM certificate list")
    return data


def load_trust_anchors(extra: str | CaseAnchors | None = None) -> tuple[str | None, list[str]]:
    """The PEM trust anchors to validate against: the user's C2PA trust list (see
    :func:`trust_list_path`), plus ``extra`` (per-case anchors from the user's settings, or
    PEM text). Returns (PEM or None, problems)."""
    problems: list[str] = []
    parts: list[str] = []
    path = trust_list_path()
    if path:
        try:
            parts.append(read_pem_list(path).decode("ascii", "replace"))
        except OSError as exc:
            problems.append(
                f"C2PA trust list {path} could not be read ({exc.strerror or exc}); "
                "no trust list was applied."
            )
        except NotAPemList:
            problems.append(f"C2PA trust list {path} is not a PEM certificate list; ignored.")
    if isinstance(extra, CaseAnchors):
        if extra.ignored_file:
            problems.append(
                f"The trust-anchor file {extra.ignored_file} inside the case folder was ignored: "
                "a case folder may come from elsewhere, so only anchors kept in the user's "
                "settings are trusted."
            )
        extra = extra.pem
    if extra and _PEM_BEGIN in extra:
        parts.append(extra)
    return ("\n".join(parts) if parts else None), problems


# Older versions read per-case anchors from this file in the case folder. It is no longer
# trusted (issue #12: trust only anchors from outside the case); when present it is named in
# a note on every C2PA verdict of that case.
CASE_ANCHORS_FILE = "c2pa-trust-anchors.pem"


def _case_key(case_folder: Path) -> str:
    return str(Path(case_folder).resolve())


def case_trust_anchors(objects_root: Path) -> CaseAnchors:
    """Per-case extra C2PA trust anchors for the case whose object store is ``objects_root``
    (``<case>/objects``): PEM text kept in the user's settings under the case folder's path,
    e.g. a publisher's own root the examiner was given. A case moved to another folder keeps
    no anchors until they are set again (the safe direction)."""
    case_folder = Path(objects_root).parent
    stored = load_settings().get(CASE_ANCHORS_SETTING)
    pem = stored.get(_case_key(case_folder)) if isinstance(stored, dict) else None
    legacy = case_folder / CASE_ANCHORS_FILE
    return CaseAnchors(
        pem=pem if isinstance(pem, str) and pem else None,
        ignored_file=str(legacy) if legacy.is_file() else None,
    )


def set_case_trust_anchors(case_folder: Path, pem: str | None) -> None:
    """Keep (or with ``None`` forget) extra anchors for one case in the user's settings."""
    if pem is not None and _PEM_BEGIN not in pem:
        raise ValueError("not a PEM certificate list")
    if pem is not None and len(pem) > _MAX_ANCHOR_BYTES:
        raise ValueError("trust-anchor list too large")
    settings = load_settings()
    stored = settings.get(CASE_ANCHORS_SETTING)
    stored = dict(stored) if isinstance(stored, dict) else {}
    if pem is None:
        stored.pop(_case_key(case_folder), None)
    else:
        stored[_case_key(case_folder)] = pem
    settings[CASE_ANCHORS_SETTING] = stored
    save_settings(settings)


def _settings(anchors: str | None) -> dict[str, Any]:
    settings: dict[str, Any] = {"verify": dict(READ_SETTINGS["verify"])}
    if anchors:
        settings["trust"] = {"trust_anchors": anchors}
        settings["verify"]["verify_trust"] = True
    return settings


def read_c2pa(
    stream: BinaryIO,
    mime_type: str | None,
    truncations: Truncations,
    trust_anchors: str | CaseAnchors | None = None,
) -> C2paFinding:
    """Read the manifest store from ``stream``; never raises. ``trust_anchors`` is extra
    PEM (per-case anchors) added to the user's trust list (see :func:`load_trust_anchors`)."""
    finding = C2paFinding()
    anchors, problems = load_trust_anchors(trust_anchors)
    finding.errors.extend(problems)
    try:
        stream.seek(0)
        with c2pa.Context.from_dict(_settings(anchors)) as context:
            if mime_type:
                reader = c2pa.Reader(mime_type, stream, context=context)
            else:
                reader = c2pa.Reader(stream, context=context)
            with reader:
                store_json = reader.json()
                embedded = reader.is_embedded()
                remote_url = reader.get_remote_url()
    except (c2pa.C2paError.ManifestNotFound, c2pa.C2paError.NotSupported):
        finding.absent = True
        finding.errors.clear()  # trust-list notes matter only where there is a manifest
        return finding
    except c2pa.C2paError as exc:
        message = str(exc)
        remote = _REMOTE_URL.search(message)
        if message.startswith("Remote") and remote:
            url = cap_text(remote.group(1), _SHORT)[0]
            finding.summary = _empty_summary()
            finding.summary["remote_url"] = url
            finding.summary["embedded"] = False
            finding.errors.append(
                f"C2PA manifest is stored remotely at {url}; it was not fetched, because "
                "ingestion never contacts the network."
            )
            return finding
        reason = cap_text(message, 500)[0]
        finding.errors.append(f"C2PA manifest could not be read: {reason}.")
        finding.summary = _empty_summary()
        finding.summary.update(
            validation_state="unreadable",
            verdict="unreadable",
            verdict_reasons=[f"The C2PA library could not read the manifest: {reason}"],
        )
        return finding
    except Exception as exc:  # the native layer must never take ingestion down
        finding.errors.append(
            f"C2PA reader failed unexpectedly: {type(exc).__name__}: {cap_text(str(exc), 500)[0]}."
        )
        return finding
    try:
        store = json.loads(store_json)
    except (ValueError, RecursionError) as exc:
        finding.errors.append(f"C2PA manifest store JSON could not be parsed: {exc}.")
        return finding
    if not isinstance(store, dict):
        finding.errors.append("C2PA manifest store JSON is not an object.")
        return finding
    finding.summary, finding.prompt = _summarise(store, truncations)
    finding.summary["trust_list_applied"] = anchors is not None
    finding.summary["verdict"], finding.summary["verdict_reasons"] = _verdict(
        finding.summary["validation_state"],
        finding.summary["validation_statuses"],
        anchors is not None,
    )
    finding.summary["embedded"] = bool(embedded)
    finding.summary["remote_url"] = cap_text(remote_url, _SHORT)[0] if remote_url else None
    return finding


def _empty_summary() -> dict[str, Any]:
    return {
        "active_manifest": None,
        "manifest_count": 0,
        "claim_generator": None,
        "claim_generator_info": None,
        "claim_version": None,
        "title": None,
        "format": None,
        "instance_id": None,
        "actions": [],
        "digital_source_type": None,
        "ai_generated": None,
        "assertion_labels": [],
        "ingredients": [],
        "signer": None,
        "signing_time": None,
        "validation_state": None,
        "validation_status": [],
        "validation_results": None,
        "validation_statuses": [],
        "verdict": None,
        "verdict_reasons": [],
        "ai_origin": None,
        "trust_list_applied": False,
        "embedded": None,
        "remote_url": None,
    }


def _short(value: Any) -> str | None:
    return cap_text(value, _SHORT)[0] if isinstance(value, str) else None


def _codes(entries: Any) -> list[str]:
    if not isinstance(entries, list):
        return []
    codes = [e.get("code") for e in entries if isinstance(e, dict)]
    return [cap_text(c, 256)[0] for c in codes if isinstance(c, str)][: MAX_SUMMARY_ITEMS * 4]


def claim_generator_name(manifest: dict[str, Any]) -> str | None:
    """The v1 ``claim_generator`` string, or "name/version ..." built from claim v2's
    ``claim_generator_info`` (v2 claims no longer carry the string)."""
    if isinstance(manifest.get("claim_generator"), str):
        return _short(manifest["claim_generator"])
    info = manifest.get("claim_generator_info")
    if not isinstance(info, list):
        return None
    parts = []
    for item in info:
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            version = item.get("version")
            parts.append(f"{item['name']}/{version}" if isinstance(version, str) else item["name"])
    return _short(" ".join(parts)) if parts else None


def _summarise(
    store: dict[str, Any], truncations: Truncations
) -> tuple[dict[str, Any], str | None]:
    summary = _empty_summary()
    manifests = store.get("manifests") if isinstance(store.get("manifests"), dict) else {}
    label = store.get("active_manifest")
    summary["active_manifest"] = _short(label)
    summary["manifest_count"] = len(manifests)
    summary["validation_state"] = _short(store.get("validation_state"))
    summary["validation_status"] = _codes(store.get("validation_status"))
    results = store.get("validation_results")
    if isinstance(results, dict) and isinstance(results.get("activeManifest"), dict):
        active_results = results["activeManifest"]
        summary["validation_results"] = {
            kind: _codes(active_results.get(kind))
            for kind in ("success", "informational", "failure")
        }
    summary["validation_statuses"] = _statuses(store.get("validation_status"))
    manifest = manifests.get(label) if isinstance(label, str) else None
    if not isinstance(manifest, dict):
        return summary, None
    summary["claim_generator"] = claim_generator_name(manifest)
    if manifest.get("claim_generator_info") is not None:
        summary["claim_generator_info"] = json_safe(
            manifest["claim_generator_info"], "c2pa.claim_generator_info", truncations, 16 * 1024
        )
    summary["claim_version"] = (
        manifest.get("claim_version") if isinstance(manifest.get("claim_version"), int) else None
    )
    for key in ("title", "format", "instance_id"):
        summary[key] = _short(manifest.get(key))
    signature = manifest.get("signature_info")
    if isinstance(signature, dict):
        summary["signer"] = {
            key: _short(signature.get(key))
            for key in ("issuer", "common_name", "alg", "cert_serial_number")
        }
        summary["signing_time"] = _short(signature.get("time"))
    prompt = _actions(manifest, summary, truncations)
    _walk_ingredients(manifests, label, summary)
    summary["ingredients"] = [
        {
            "title": _short(ing.get("title")),
            "format": _short(ing.get("format")),
            "relationship": _short(ing.get("relationship")),
            "instance_id": _short(ing.get("instance_id")),
            "has_manifest": "active_manifest" in ing,
        }
        for ing in (manifest.get("ingredients") or [])[:MAX_SUMMARY_ITEMS]
        if isinstance(ing, dict)
    ]
    return summary, prompt


def _actions(
    manifest: dict[str, Any], summary: dict[str, Any], truncations: Truncations
) -> str | None:
    """Collect actions from every actions assertion; derive the source type and AI flag."""
    prompt: str | None = None
    assertions = manifest.get("assertions") if isinstance(manifest.get("assertions"), list) else []
    for assertion in assertions:
        if not isinstance(assertion, dict):
            continue
        label = assertion.get("label")
        if isinstance(label, str) and len(summary["assertion_labels"]) < MAX_SUMMARY_ITEMS:
            summary["assertion_labels"].append(_short(label))
        data = assertion.get("data")
        if not (
            isinstance(label, str) and label.startswith("c2pa.actions") and isinstance(data, dict)
        ):
            continue
        for action in data.get("actions") or []:
            if not isinstance(action, dict) or len(summary["actions"]) >= MAX_SUMMARY_ITEMS:
                continue
            index = len(summary["actions"])
            entry = {
                "action": _short(action.get("action")),
                "digitalSourceType": _short(action.get("digitalSourceType")),
                "softwareAgent": json_safe(
                    action.get("softwareAgent"),
                    f"c2pa.actions[{index}].softwareAgent",
                    truncations,
                    _SHORT,
                ),
                "when": _short(action.get("when")),
                "description": _short(action.get("description")),
            }
            summary["actions"].append(entry)
            parameters = action.get("parameters")
            if (
                prompt is None
                and isinstance(parameters, dict)
                and isinstance(parameters.get("prompt"), str)
            ):
                prompt = parameters["prompt"]
    declared = [a for a in summary["actions"] if a["digitalSourceType"]]
    created = [a for a in declared if a["action"] == "c2pa.created"]
    if declared:
        summary["digital_source_type"] = (created or declared)[0]["digitalSourceType"]
        verdicts = [is_ai_source_type(a["digitalSourceType"]) for a in declared]
        if True in verdicts:
            summary["ai_generated"] = True
        elif None in verdicts:
            summary["ai_generated"] = None
        else:
            summary["ai_generated"] = False
    return prompt


# Status codes that make the verdict Invalid (C2PA 2.x: failure codes); "untrusted" only
# keeps a file from being Trusted.
_UNTRUSTED = {"signingCredential.untrusted"}


def _statuses(entries: Any) -> list[dict[str, str | None]]:
    """Every validation status with its code, explanation and the part it concerns."""
    out: list[dict[str, str | None]] = []
    if not isinstance(entries, list):
        return out
    for entry in entries[: MAX_SUMMARY_ITEMS * 4]:
        if isinstance(entry, dict) and isinstance(entry.get("code"), str):
            out.append(
                {
                    "code": cap_text(entry["code"], 256)[0],
                    "explanation": _short(entry.get("explanation")),
                    "url": _short(entry.get("url")),
                }
            )
    return out


def _verdict(
    state: str | None, statuses: list[dict[str, str | None]], trust_list_applied: bool
) -> tuple[str | None, list[str]]:
    """Trusted / Valid / Invalid as the C2PA library decided, with the reasons in words."""
    reasons = [
        f"{s['code']}: {s['explanation'] or 'no explanation given'}"
        for s in statuses
        if s["code"] not in _UNTRUSTED
    ]
    if state == "Trusted":
        return "Trusted", ["The signing certificate chains to a trust anchor that was supplied."]
    if state == "Valid":
        note = (
            "Signature and hashes are valid, but the signing certificate is not on the trust "
            "list in use" + ("." if trust_list_applied else " (no trust list was supplied).")
        )
        return "Valid", [note, *reasons]
    if state == "Invalid":
        return "Invalid", reasons or ["The C2PA library reported the manifest invalid."]
    return state, reasons


def _walk_ingredients(manifests: dict[str, Any], active: Any, summary: dict[str, Any]) -> None:
    """Follow ingredient manifests (parentOf first) for a stated digital source type: an
    edit of an AI image says "composite" in the active manifest while the parent says
    "trainedAlgorithmicMedia"; the AI origin is reported with the manifest that states it."""
    seen: set[str] = set()
    queue: list[tuple[str, int]] = [(active, 0)] if isinstance(active, str) else []
    chain: list[dict[str, Any]] = []
    while queue and len(seen) < MAX_SUMMARY_ITEMS:
        label, depth = queue.pop(0)
        if label in seen or not isinstance(manifests.get(label), dict):
            continue
        seen.add(label)
        manifest = manifests[label]
        for source_type in _source_types(manifest):
            chain.append(
                {
                    "manifest": _short(label),
                    "depth": depth,
                    "digital_source_type": _short(source_type),
                    "generator": claim_generator_name(manifest),
                    "ai_generated": is_ai_source_type(source_type),
                }
            )
        ingredients = [i for i in manifest.get("ingredients") or [] if isinstance(i, dict)]
        ingredients.sort(key=lambda i: i.get("relationship") != "parentOf")
        for ingredient in ingredients:
            if isinstance(ingredient.get("active_manifest"), str):
                queue.append((ingredient["active_manifest"], depth + 1))
    summary["source_type_chain"] = chain
    ai = next((entry for entry in chain if entry["ai_generated"]), None)
    if ai is not None:
        summary["ai_origin"] = ai
        summary["ai_generated"] = True


def _source_types(manifest: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for assertion in manifest.get("assertions") or []:
        if not isinstance(assertion, dict):
            continue
        label, data = assertion.get("label"), assertion.get("data")
        if isinstance(label, str) and label.startswith("c2pa.actions") and isinstance(data, dict):
            for action in data.get("actions") or []:
                source_type = action.get("digitalSourceType") if isinstance(action, dict) else None
                if isinstance(source_type, str) and source_type not in found:
                    found.append(source_type)
    return found
