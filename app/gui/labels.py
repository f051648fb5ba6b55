"""Words for values stored in English identifiers (kinds, statuses), and how times are shown.

The stored values never change with the language; only what the user reads does. Each
label is a literal ``QCoreApplication.translate`` call so ``pyside6-lupdate`` finds it.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import QCoreApplication

from app.config import load_settings


def kind_label(kind: str) -> str:
    labels = {
        "imported-file": QCoreApplication.translate("Kinds", "Imported file"),
        "screenshot": QCoreApplication.translate("Kinds", "Screenshot"),
        "web-capture": QCoreApplication.translate("Kinds", "Web capture"),
        "page-html": QCoreApplication.translate("Kinds", "Page HTML"),
        "page-mhtml": QCoreApplication.translate("Kinds", "Page archive (MHTML)"),
        "environment": QCoreApplication.translate("Kinds", "Environment record"),
        "video": QCoreApplication.translate("Kinds", "Video"),
        "web-archive": QCoreApplication.translate("Kinds", "Web archive"),
        "original-work": QCoreApplication.translate("Kinds", "Original work"),
        "licence-document": QCoreApplication.translate("Kinds", "Licence document"),
        "api-exchange": QCoreApplication.translate("Kinds", "API exchange"),
        "derived": QCoreApplication.translate("Kinds", "Derived image"),
        "campaign-prompts": QCoreApplication.translate("Kinds", "Campaign prompt list"),
    }
    return labels.get(kind, kind)


def attestation_label(status: str) -> str:
    return {
        "attested": QCoreApplication.translate("Attestation", "Attested"),
        "pending": QCoreApplication.translate("Attestation", "Pending"),
    }.get(status, status)


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def display_zone_setting() -> str:
    """``"local"``, ``"UTC"`` or an IANA zone name, from the user's settings."""
    value = load_settings().get("display_timezone")
    return value if isinstance(value, str) and value else "local"


def display_tzinfo(zone: str | None = None) -> tzinfo:
    """The zone times are shown in (and date filters are read in)."""
    zone = zone or display_zone_setting()
    if zone == "UTC":
        return UTC
    if zone != "local":
        try:
            return ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    local = datetime.now().astimezone().tzinfo
    return local or UTC


def format_time(iso_utc: str, zone: str | None = None) -> str:
    """An ISO-8601 UTC instant shown in the chosen zone, always with its offset.

    The offset is printed so a time read off the screen can never be mistaken for another
    zone's; the stored value stays UTC.
    """
    try:
        instant = datetime.fromisoformat(iso_utc)
    except (TypeError, ValueError):
        return iso_utc
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    zone = zone or display_zone_setting()
    shown = instant.astimezone() if zone == "local" else instant.astimezone(display_tzinfo(zone))
    offset = shown.strftime("%z")
    offset = f"{offset[:3]}:{offset[3:]}" if offset else ""
    return f"{shown:%Y-%m-%d %H:%M:%S} {'UTC' if zone == 'UTC' else offset}".strip()
