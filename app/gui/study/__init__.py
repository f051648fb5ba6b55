"""The blind review panel of a reproduction study."""

from app.gui.study.review_panel import StudyReviewPanel

__all__ = ["StudyReviewPanel"]
