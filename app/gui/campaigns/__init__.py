"""The prompt-campaign panel (Qt); the campaign logic lives in ``app.capture.campaigns``."""

from app.gui.campaigns.panel import CampaignPanel, PromptSummaryModel

__all__ = ["CampaignPanel", "PromptSummaryModel"]
