"""Prompt campaigns: ask an AI platform's API with prompt lists, record every exchange as
evidence, and count how many outputs match the original works.

GUI-free. The CLI (:mod:`app.cli.campaign`) and the Qt panel (``app.gui.campaigns``) drive the same
calls::

    prompts = load_prompts("prompts.txt")
    spec = CampaignSpec("openai", "https://api.example.com", prompts, tries=3, model="m")
    credential = resolve_credential(spec.endpoint, None, required=True)  # keyring
    result = run_campaign(case, spec, credential, RunSettings(concurrency=2))
    summary = campaign_report(case, get_campaign(case, result.campaign_id))
"""

from app.capture.campaigns.credentials import (
    Credential,
    CredentialError,
    credential_from_env,
    credential_from_keyring,
    key_fingerprint,
    resolve_credential,
    store_api_key,
)
from app.capture.campaigns.http import ClientSettings
from app.capture.campaigns.matching import match_outputs
from app.capture.campaigns.profiles import (
    GENERIC_EXAMPLE,
    PROFILE_NAMES,
    ProfileError,
    make_profile,
)
from app.capture.campaigns.prompts import PromptEntry, PromptFileError, PromptList, load_prompts
from app.capture.campaigns.report import (
    campaign_report,
    campaigns_status,
    record_matches,
    render_report,
)
from app.capture.campaigns.runner import CampaignJob, CampaignRun, open_campaign, run_campaign
from app.capture.campaigns.settings import CampaignSpec, RunResult, RunSettings
from app.capture.campaigns.store import (
    Campaign,
    CampaignMismatchError,
    CampaignNotFoundError,
    get_campaign,
    latest_campaign,
    list_campaigns,
)

__all__ = [
    "GENERIC_EXAMPLE",
    "PROFILE_NAMES",
    "Campaign",
    "CampaignJob",
    "CampaignMismatchError",
    "CampaignNotFoundError",
    "CampaignRun",
    "CampaignSpec",
    "ClientSettings",
    "Credential",
    "CredentialError",
    "ProfileError",
    "PromptEntry",
    "PromptFileError",
    "PromptList",
    "RunResult",
    "RunSettings",
    "campaign_report",
    "campaigns_status",
    "credential_from_env",
    "credential_from_keyring",
    "get_campaign",
    "key_fingerprint",
    "latest_campaign",
    "list_campaigns",
    "load_prompts",
    "make_profile",
    "match_outputs",
    "open_campaign",
    "record_matches",
    "render_report",
    "resolve_credential",
    "run_campaign",
    "store_api_key",
]
