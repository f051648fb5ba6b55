"""The typed evidence record: what a capture, a generation, an exchange, an environment
check and an item's acquisition recorded, defined once and read back the same way everywhere.

The recorder and the store write the stored JSON through these classes; the report, the CLI
and the tests read it back through them. Reading keeps every key it does not know (in
``extra``, written back unchanged), and a field the record does not hold is ``None`` — never
an empty string or a zero that a report could mistake for a recorded value. ``missing()``
names those fields, and :data:`NOT_RECORDED` is the phrase a view prints for them.

Key names are the ones the recorder has always written (``remote_ip``, ``site_account``,
``tls.subject`` …); older spellings seen in stored cases (``server_ip``, ``account``) are
read as aliases, so a report never says "none recorded" for a fact the case holds.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

NOT_RECORDED = "not recorded"
NOT_RECORDED_ZH = "未记录"


def _present(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


@dataclass(frozen=True)
class Record:
    """A stored JSON object with known fields; unknown keys ride along in ``extra``."""

    ALIASES: ClassVar[dict[str, tuple[str, ...]]] = {}
    NESTED: ClassVar[dict[str, type[Record]]] = {}

    @classmethod
    def known(cls) -> list[str]:
        return [f.name for f in dataclasses.fields(cls) if f.name != "extra"]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Self:
        data = dict(data) if isinstance(data, Mapping) else {}
        values: dict[str, Any] = {}
        used: set[str] = set()
        for name in cls.known():
            for key in (name, *cls.ALIASES.get(name, ())):
                if key in data and _present(data[key]):
                    values[name] = data[key]
                    used.add(key)
                    break
            else:
                if name in data:
                    used.add(name)
            nested = cls.NESTED.get(name)
            if nested is not None and name in values:
                values[name] = (
                    nested.from_dict(values[name]) if isinstance(values[name], Mapping) else None
                )
        extra = {k: v for k, v in data.items() if k not in used}
        return cls(**values, extra=extra)  # type: ignore[call-arg]

    def as_dict(self) -> dict[str, Any]:
        """The JSON to store: known fields that hold a value, then the unknown keys as read."""
        out: dict[str, Any] = {}
        for name in self.known():
            value = getattr(self, name)
            if isinstance(value, Record):
                value = value.as_dict()
            if value is not None:
                out[name] = value
        for key, value in self.extra.items():
            out.setdefault(key, value)
        return out

    def missing(self) -> list[str]:
        """The known fields this record does not hold."""
        return [n for n in self.known() if not _present(getattr(self, n))]

    def text(self, name: str, default: str = NOT_RECORDED) -> str:
        value = getattr(self, name)
        return str(value) if _present(value) else default


@dataclass(frozen=True)
class TlsFacts(Record):
    """The TLS facts of the connection a response came over (DevTools securityDetails)."""

    protocol: str | None = None
    cipher: str | None = None
    key_exchange: str | None = None
    subject: str | None = None
    issuer: str | None = None
    valid_from: str | None = None
    valid_to: str | None = None
    san: list[str] | None = None
    fingerprint_sha256: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    ALIASES: ClassVar[dict[str, tuple[str, ...]]] = {
        "subject": ("subject_cn", "subjectName"),
        "san": ("sanList",),
        "fingerprint_sha256": ("sha256",),
    }


@dataclass(frozen=True)
class NetworkFacts(Record):
    """One exchange's network facts: where the bytes came from and over what connection."""

    url: str | None = None
    method: str | None = None
    status: int | None = None
    remote_ip: str | None = None
    remote_port: int | None = None
    http_protocol: str | None = None
    security_state: str | None = None
    tls: TlsFacts | None = None
    requested_at: str | None = None
    response_at: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    ALIASES: ClassVar[dict[str, tuple[str, ...]]] = {
        "remote_ip": ("server_ip", "ip", "remote_address"),
    }
    NESTED: ClassVar[dict[str, type[Record]]] = {"tls": TlsFacts}

    @property
    def has_connection(self) -> bool:
        return _present(self.remote_ip) or self.tls is not None


@dataclass(frozen=True)
class AcquisitionFacts(Record):
    """An item's ``source_facts``: how its bytes were had (file facts and, for a capture,
    the exchange that delivered them)."""

    url: str | None = None
    page_url: str | None = None
    name: str | None = None
    session_id: str | None = None
    what: str | None = None
    remote_ip: str | None = None
    remote_port: int | None = None
    tls: TlsFacts | None = None
    job_id: str | None = None
    prompt: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    ALIASES: ClassVar[dict[str, tuple[str, ...]]] = {"remote_ip": ("server_ip",)}
    NESTED: ClassVar[dict[str, type[Record]]] = {"tls": TlsFacts}

    @property
    def network(self) -> NetworkFacts | None:
        """The exchange's facts, when the item came over a recorded connection."""
        if not _present(self.remote_ip) and self.tls is None:
            return None
        return NetworkFacts(
            url=self.url,
            remote_ip=self.remote_ip,
            remote_port=self.remote_port,
            tls=self.tls,
            status=self.extra.get("status"),
            http_protocol=self.extra.get("http_protocol"),
        )


@dataclass(frozen=True)
class CaptureFacts(Record):
    """A capture row's ``facts``: who captured, under which account, and the main
    document's connection when the recorder saw it."""

    session_id: str | None = None
    target_url: str | None = None
    page_url: str | None = None
    operator: str | None = None
    site_account: str | None = None
    document: NetworkFacts | None = None
    exchanges: int | None = None
    problems: list[str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    ALIASES: ClassVar[dict[str, tuple[str, ...]]] = {
        "site_account": ("account",),
        "document": ("network",),
    }
    NESTED: ClassVar[dict[str, type[Record]]] = {"document": NetworkFacts}

    def with_legacy_connection(self) -> CaptureFacts:
        """Older records kept ``server_ip``/``tls`` at the top level: read them as the
        main document's connection."""
        if self.document is not None:
            return self
        legacy = NetworkFacts.from_dict(
            {k: self.extra[k] for k in ("server_ip", "remote_ip", "tls") if k in self.extra}
        )
        return dataclasses.replace(self, document=legacy) if legacy.has_connection else self


@dataclass(frozen=True)
class ClockCheck(Record):
    checked: bool | None = None
    tsa_name: str | None = None
    tsa_url: str | None = None
    gen_time: str | None = None
    offset_seconds: float | None = None
    within_tolerance: bool | None = None
    tolerance_seconds: float | None = None
    reason: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class EnvironmentRecord(Record):
    """The environment record taken when a recording starts (the 清洁性检查 facts)."""

    record: str | None = None
    session_id: str | None = None
    taken_at: str | None = None
    local_timezone: str | None = None
    operator: str | None = None
    site_account: str | None = None
    os: dict[str, Any] | None = None
    application: dict[str, Any] | None = None
    browser: dict[str, Any] | None = None
    target: dict[str, Any] | None = None
    proxy: dict[str, Any] | None = None
    hosts_file: dict[str, Any] | None = None
    dns: dict[str, Any] | None = None
    clock: ClockCheck | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    NESTED: ClassVar[dict[str, type[Record]]] = {"clock": ClockCheck}

    @property
    def clock_checked(self) -> bool:
        return self.clock is not None and bool(self.clock.checked)

    def proxies_in_use(self) -> list[str] | None:
        """Proxy settings found (None when the record holds no proxy facts)."""
        if self.proxy is None:
            return None
        found = [f"{k}={v}" for k, v in sorted((self.proxy.get("environment") or {}).items())]
        found += [f"{k}={v}" for k, v in sorted((self.proxy.get("system") or {}).items())]
        qt = self.proxy.get("qt")
        if isinstance(qt, Mapping) and qt.get("type") not in (None, "", "none", "NoProxy"):
            found.append(f"browser={qt.get('type')} {qt.get('host', '')}".strip())
        return found

    def hosts_overrides(self) -> list[str] | None:
        if self.hosts_file is None or self.hosts_file.get("readable") is False:
            return None
        return [str(e.get("text", "")) for e in self.hosts_file.get("entries") or []]

    @property
    def dns_answers(self) -> list[str] | None:
        """The resolver's answers for the target (None when not recorded or it failed)."""
        if not isinstance(self.dns, Mapping) or self.dns.get("error"):
            return None
        return [str(a) for a in self.dns.get("answers") or []]

    @property
    def browser_profile(self) -> str | None:
        if not isinstance(self.browser, Mapping):
            return None
        value = self.browser.get("profile")
        return str(value) if value else None


@dataclass(frozen=True)
class GenerationRecord(Record):
    """A generation row: the prompt as sent and the platform's answer, with the outputs as
    recorded and as the operator's corrections leave them."""

    id: int | None = None
    capture_id: int | None = None
    prompt: str | None = None
    negative_prompt: str | None = None
    parameters: Any = None
    request_url: str | None = None
    job_id: str | None = None
    submitted_at: str | None = None
    returned_at: str | None = None
    binding: Any = None
    facts: dict[str, Any] | None = None
    recorded_outputs: list[int] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def apply_corrections(recorded: list[int], corrections: list[Mapping[str, Any]]) -> list[int]:
    """Outputs as the operator's add-output / remove-output corrections leave them, in order.

    The one rule every reader (GUI, CLI, bundle) uses, so they agree on which images a
    generation produced.
    """
    current = list(dict.fromkeys(recorded))
    for c in corrections:
        action, value = c.get("action"), str(c.get("value", "")).strip()
        if not value.isdigit():
            continue
        item_id = int(value)
        if action == "add-output" and item_id not in current:
            current.append(item_id)
        elif action == "remove-output" and item_id in current:
            current.remove(item_id)
    return current


__all__ = [
    "NOT_RECORDED",
    "NOT_RECORDED_ZH",
    "AcquisitionFacts",
    "CaptureFacts",
    "ClockCheck",
    "EnvironmentRecord",
    "GenerationRecord",
    "NetworkFacts",
    "Record",
    "TlsFacts",
    "apply_corrections",
]
