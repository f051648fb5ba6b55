"""What a campaign run is given and what it gives back: the definition, the run settings, the result.

Kept apart from the runner so the per-try code and the run loop share them without importing
each other.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.capture.campaigns.http import ClientSettings
from app.capture.campaigns.profiles import Profile, make_profile
from app.capture.campaigns.prompts import PromptList
from app.core.tsa import TsaConfig
from app.core.tsa_settings import tsa_configs

ITEM_KIND_EXCHANGE = "api-exchange"
ITEM_KIND_OUTPUT = "web-capture"
ITEM_KIND_PROMPTS = "campaign-prompts"
METHOD = "api-campaign"


@dataclass(frozen=True)
class CampaignSpec:
    """What to run: a profile and endpoint, a prompt list, tries and parameters."""

    profile: str
    endpoint: str
    prompts: PromptList
    tries: int = 1
    model: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    profile_config: dict[str, Any] | None = None
    name: str = ""

    def build_profile(self) -> Profile:
        return make_profile(
            self.profile,
            self.endpoint,
            model=self.model,
            parameters=self.parameters,
            config=self.profile_config,
        )


@dataclass
class RunSettings:
    """How to run it: pace, patience and limits. None of this changes what the campaign is."""

    concurrency: int = 2
    rate_per_second: float = 1.0
    """Requests per second to the platform across all workers; 0 for no limit."""
    max_attempts: int = 4
    backoff_first: float = 1.0
    backoff_ceiling: float = 60.0
    max_retry_after: float = 600.0
    """A server asking to wait longer than this makes the try fail instead of stalling."""
    download_attempts: int = 3
    max_image_bytes: int = 50 * 1024 * 1024
    batch_seconds: float = 1.0
    batch_size: int = 32
    attest: bool = True
    tsas: Callable[[], Sequence[TsaConfig]] = tsa_configs
    client: ClientSettings = field(default_factory=ClientSettings)
    match: bool = True
    jitter: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {
            "concurrency": self.concurrency,
            "rate_per_second": self.rate_per_second,
            "max_attempts": self.max_attempts,
            "backoff_first_s": self.backoff_first,
            "backoff_ceiling_s": self.backoff_ceiling,
            "max_retry_after_s": self.max_retry_after,
            "download_attempts": self.download_attempts,
            "max_image_bytes": self.max_image_bytes,
            "client": self.client.as_dict(),
        }


@dataclass
class RunResult:
    campaign_id: int
    resumed: bool
    planned: int
    finished_before: int
    done: int = 0
    failed: int = 0
    interrupted: int = 0
    outputs: int = 0
    exchanges: int = 0
    cancelled: bool = False
    complete: bool = False
    elapsed_s: float = 0.0
    attested_items: int = 0
    pending_attestation: int = 0
    timestamp_failures: list[dict[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    """The first few try errors, for a person to read."""
    matched_outputs: int = 0
    stopped_reason: str | None = None
    """Why the run stopped by itself (the platform refused the key or the URL, or could not
    be reached); no try was marked failed for it, so running again continues."""

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)
