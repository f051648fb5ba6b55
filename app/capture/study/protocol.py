"""The study protocol: a TOML file read, checked and reduced to one canonical form.

The protocol is what is frozen (stored as an item and timestamped) before the first request.
It names the platform(s), the prompts of each arm, the works to compare against and the
control works, the tries, the seed of the order, the similarity method and its thresholds,
and the review plan. ``docs/study.md`` documents every key. Prompts are kept verbatim.
"""

from __future__ import annotations

import hashlib
import random
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.canonical import canonical_json
from app.core.digests import read_capped
from app.core.errors import ProofshotError

ARMS = ("named", "descriptive", "control")
"""Test prompts naming the character, test paraphrases that don't, and unrelated controls."""
TEST_ARMS = ("named", "descriptive")
ANSWERS = ("similar", "not_similar", "unsure")
INTERVALS = ("wilson", "exact")
"""95 % Wilson score interval, or the exact Clopper–Pearson interval."""
FORMAT = "proofshot-study-protocol/1"


class ProtocolError(ProofshotError):
    """The protocol file cannot be used; the message names the key."""

    exit_code = 2


@dataclass(frozen=True)
class Platform:
    profile: str
    endpoint: str
    model: str | None
    parameters: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "endpoint": self.endpoint,
            "model": self.model,
            "parameters": self.parameters,
        }


@dataclass(frozen=True)
class StudyPrompt:
    id: str
    arm: str
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "arm": self.arm, "text": self.text}


@dataclass(frozen=True)
class Protocol:
    name: str
    seed: int
    tries: int
    platforms: tuple[Platform, ...]
    prompts: tuple[StudyPrompt, ...]
    works: tuple[str, ...]
    """Registration numbers (or titles) of the candidate works outputs are compared with."""
    control_works: tuple[str, ...]
    """Registration numbers (or titles) of unrelated works used as decoys."""
    engine: str
    matching_bands: tuple[str, ...]
    interval: str
    reviewers: int
    review_plan: str
    description: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "name": self.name,
            "description": self.description,
            "seed": self.seed,
            "tries": self.tries,
            "order": "random-interleaved",
            "platforms": [p.as_dict() for p in self.platforms],
            "prompts": [p.as_dict() for p in self.prompts],
            "works": list(self.works),
            "control_works": list(self.control_works),
            "method": {
                "engine": self.engine,
                "matching_bands": list(self.matching_bands),
                "interval": self.interval,
                "confidence": 0.95,
            },
            "review": {
                "reviewers": self.reviewers,
                "answers": list(ANSWERS),
                "blind": True,
                "plan": self.review_plan,
            },
        }

    def canonical(self) -> str:
        return canonical_json(self.as_dict())

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.canonical().encode("utf-8")).hexdigest()

    def prompt(self, prompt_id: str) -> StudyPrompt:
        for p in self.prompts:
            if p.id == prompt_id:
                return p
        raise KeyError(prompt_id)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Protocol:
        """The canonical form back (as stored in ``study_protocols.protocol``)."""
        method = data["method"]
        review = data["review"]
        return cls(
            name=str(data["name"]),
            seed=int(data["seed"]),
            tries=int(data["tries"]),
            platforms=tuple(
                Platform(p["profile"], p["endpoint"], p.get("model"), dict(p.get("parameters", {})))
                for p in data["platforms"]
            ),
            prompts=tuple(StudyPrompt(p["id"], p["arm"], p["text"]) for p in data["prompts"]),
            works=tuple(data["works"]),
            control_works=tuple(data["control_works"]),
            engine=str(method["engine"]),
            matching_bands=tuple(method["matching_bands"]),
            interval=str(method["interval"]),
            reviewers=int(review["reviewers"]),
            review_plan=str(review.get("plan", "")),
            description=str(data.get("description", "")),
        )


def schedule(protocol: Protocol) -> list[dict[str, Any]]:
    """The order of the requests: every (prompt, try) once, shuffled with the protocol's seed.

    Test and control prompts are interleaved by the shuffle; the same seed always gives the
    same order (Python's Mersenne Twister ``random.Random(seed).shuffle``, stable across
    versions for integer seeds).
    """
    entries = [
        {"prompt_id": p.id, "arm": p.arm, "try": t}
        for p in protocol.prompts
        for t in range(1, protocol.tries + 1)
    ]
    random.Random(protocol.seed).shuffle(entries)
    return entries


def _need(table: dict[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in table:
        raise ProtocolError(f"The protocol has no '{key}' in {where}.")
    value = table[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ProtocolError(f"'{key}' in {where} must be a {kind.__name__}.")
    return value


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ProtocolError(f"{where} must be a list of non-empty strings.")
    return tuple(value)


def _platforms(doc: dict[str, Any], name: str) -> tuple[Platform, ...]:
    """The ``[[platforms]]`` tables: profile, endpoint, model and parameters, at least one."""
    platforms = []
    for i, p in enumerate(_need(doc, "platforms", list, name)):
        where = f"[[platforms]] {i + 1}"
        if not isinstance(p, dict):
            raise ProtocolError(f"{where} must be a table.")
        params = p.get("parameters", {})
        if not isinstance(params, dict):
            raise ProtocolError(f"'parameters' in {where} must be a table.")
        model = p.get("model")
        platforms.append(
            Platform(
                _need(p, "profile", str, where),
                _need(p, "endpoint", str, where),
                None if model is None else str(model),
                dict(params),
            )
        )
    if not platforms:
        raise ProtocolError("The protocol names no platform ([[platforms]]).")
    return tuple(platforms)


def _prompts(doc: dict[str, Any], name: str) -> tuple[StudyPrompt, ...]:
    """The ``[[prompts]]`` tables: unique ids, known arms, a test arm and a control arm."""
    prompts: list[StudyPrompt] = []
    seen: set[str] = set()
    for i, p in enumerate(_need(doc, "prompts", list, name)):
        where = f"[[prompts]] {i + 1}"
        if not isinstance(p, dict):
            raise ProtocolError(f"{where} must be a table.")
        pid = _need(p, "id", str, where)
        arm = _need(p, "arm", str, where)
        text = _need(p, "text", str, where)
        if arm not in ARMS:
            raise ProtocolError(f"'arm' in {where} must be one of {', '.join(ARMS)}.")
        if pid in seen or not pid:
            raise ProtocolError(f"The prompt id {pid!r} in {where} is empty or used twice.")
        if not text.strip():
            raise ProtocolError(f"The prompt text in {where} is empty.")
        seen.add(pid)
        prompts.append(StudyPrompt(pid, arm, text))
    arms = {p.arm for p in prompts}
    if not arms & set(TEST_ARMS):
        raise ProtocolError("The protocol has no test prompt (arm 'named' or 'descriptive').")
    if "control" not in arms:
        raise ProtocolError("The protocol has no control prompt (arm 'control').")
    return tuple(prompts)


def _method(doc: dict[str, Any]) -> tuple[str, tuple[str, ...], str]:
    """``[method]``: the similarity engine, the bands that count as a match, the interval."""
    from app.compare.comparison import ENGINE_VERSION
    from app.compare.scoring import BANDS

    method = doc.get("method", {})
    engine = str(method.get("engine", ENGINE_VERSION))
    bands = _strings(method.get("matching_bands", ["high", "medium"]), "'matching_bands'")
    if any(b not in BANDS for b in bands):
        raise ProtocolError(f"'matching_bands' must name bands among {', '.join(BANDS)}.")
    interval = str(method.get("interval", "wilson"))
    if interval not in INTERVALS:
        raise ProtocolError(f"'interval' in [method] must be one of {', '.join(INTERVALS)}.")
    return engine, bands, interval


def parse_protocol(data: bytes, name: str = "protocol.toml") -> Protocol:
    """Read a TOML protocol; every problem is one sentence naming the key."""
    try:
        doc = tomllib.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ProtocolError(f"The protocol {name} is not valid UTF-8 TOML ({exc}).") from exc
    study = _need(doc, "study", dict, name)
    seed = _need(study, "seed", int, "[study]")
    tries = _need(study, "tries", int, "[study]")
    if tries < 1:
        raise ProtocolError("'tries' in [study] must be at least 1.")
    platforms = _platforms(doc, name)
    prompts = _prompts(doc, name)
    works = _need(doc, "works", dict, name)
    candidates = _strings(works.get("compare"), "'compare' in [works]")
    controls = _strings(works.get("controls", []), "'controls' in [works]")
    if set(candidates) & set(controls):
        raise ProtocolError("A work cannot be both compared against and a control work.")
    engine, bands, interval = _method(doc)
    review = doc.get("review", {})
    reviewers = review.get("reviewers", 1)
    if not isinstance(reviewers, int) or reviewers < 1:
        raise ProtocolError("'reviewers' in [review] must be a whole number of at least 1.")
    return Protocol(
        name=_need(study, "name", str, "[study]"),
        seed=seed,
        tries=tries,
        platforms=platforms,
        prompts=prompts,
        works=candidates,
        control_works=controls,
        engine=engine,
        matching_bands=bands,
        interval=interval,
        reviewers=reviewers,
        review_plan=str(review.get("plan", "")),
        description=str(study.get("description", "")),
    )


MAX_PROTOCOL_BYTES = 1 << 20  # a protocol is a page of TOML; a megabyte is far beyond any


def load_protocol(path: Path | str) -> tuple[Protocol, bytes]:
    path = Path(path)
    try:
        data = read_capped(path, MAX_PROTOCOL_BYTES)
    except OSError as exc:
        raise ProtocolError(f"The protocol {path} cannot be read ({exc.strerror or exc}).") from exc
    return parse_protocol(data, path.name), data
