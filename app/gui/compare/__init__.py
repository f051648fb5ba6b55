"""The compare workspace (Qt): an output beside the original work it resembles, with the
element chart; the similarity engine lives in ``app.compare``."""

from app.gui.compare.chart_editor import ChartEditor
from app.gui.compare.elements import ElementModel
from app.gui.compare.pair_viewer import PairViewer
from app.gui.compare.views import BlendView, ImagePanel, LinkOverlay
from app.gui.compare.workspace import CompareWorkspace

__all__ = [
    "BlendView",
    "ChartEditor",
    "CompareWorkspace",
    "ElementModel",
    "ImagePanel",
    "LinkOverlay",
    "PairViewer",
]
