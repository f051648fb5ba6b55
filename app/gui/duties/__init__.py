"""The Duties view: the platform-duty checklist of the case (issue #20)."""

from app.gui.duties.view import DutiesView

__all__ = ["DutiesView"]
