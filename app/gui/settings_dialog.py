"""Settings: operator, organisation, time-zone display, language, timestamp authorities and
their credentials, and the user's C2PA trust list.

Plain settings go to the user's settings file. Credentials go only to the system keyring
through :mod:`app.core.secrets`; the dialog says where that is, and when no keyring exists it
says that nothing was stored — there is no plaintext fallback.

The dialog is the frame -- the tabs, OK and Cancel, and saving on OK; each tab is a page of
its own in :mod:`app.gui.settings_pages` (:class:`GeneralPage`, :class:`TsaPage`,
:class:`C2paPage`), whose widgets stay reachable under the dialog's old attribute names.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.config import load_settings, save_settings
from app.gui.messages import show_message
from app.gui.settings_pages import (
    C2PA_CASE_ANCHORS_SETTING,
    C2PA_TRUST_LIST_SETTING,
    C2paPage,
    GeneralPage,
    TsaPage,
    tsa_settings,
)

__all__ = [
    "C2PA_CASE_ANCHORS_SETTING",
    "C2PA_TRUST_LIST_SETTING",
    "C2paPage",
    "GeneralPage",
    "SettingsDialog",
    "TsaPage",
]


class SettingsDialog(QDialog):
    """The settings in three tabs; plain settings saved on OK, credentials at once."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        current_language: str = "en",
        on_language: Callable[[str], None] | None = None,
        case_path: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self._case_path = case_path
        self.setObjectName("settingsDialog")
        self._on_language = on_language
        settings = load_settings()
        self.general = GeneralPage(settings, current_language, self)
        self.tsa_page = TsaPage(self)
        self.c2pa_page = C2paPage(settings, case_path, self)
        self._alias_page_widgets()
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.general, self.tr("General"))
        self.tabs.addTab(self.tsa_page, self.tr("Trusted time"))
        self.tabs.addTab(self.c2pa_page, self.tr("Content Credentials"))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)
        self.setWindowTitle(self.tr("Settings"))
        self.resize(620, 560)

    def _alias_page_widgets(self) -> None:
        """The pages' widgets under the names they had on the dialog (tests and callers)."""
        general, tsa_page, c2pa = self.general, self.tsa_page, self.c2pa_page
        self.operator, self.organisation = general.operator, general.organisation
        self.timezone, self.language = general.timezone, general.language
        self.tsa_list, self.tsa_new = tsa_page.tsa_list, tsa_page.tsa_new
        self.tsa_add, self.tsa_remove = tsa_page.tsa_add, tsa_page.tsa_remove
        self.tsa_up, self.tsa_down = tsa_page.tsa_up, tsa_page.tsa_down
        self.cred_box, self.cred_user = tsa_page.cred_box, tsa_page.cred_user
        self.cred_password, self.cred_status = tsa_page.cred_password, tsa_page.cred_status
        self.cred_save, self.cred_forget = tsa_page.cred_save, tsa_page.cred_forget
        self.where = tsa_page.where
        self.c2pa_trust_list, self.c2pa_browse = c2pa.c2pa_trust_list, c2pa.c2pa_browse
        self.c2pa_clear = c2pa.c2pa_clear
        self.case_anchors_status = c2pa.case_anchors_status
        self.case_anchors_add = c2pa.case_anchors_add
        self.case_anchors_forget = c2pa.case_anchors_forget

    # -- what the pages offer, under the dialog's old names -------------------------------------

    def tsa_urls(self) -> list[str]:
        return self.tsa_page.tsa_urls()

    def _add_tsa(self) -> None:
        """Add the typed authority (as the Add button does)."""
        self.tsa_page.add_tsa()

    keyring_available = staticmethod(TsaPage.keyring_available)

    def store_credentials(self) -> None:
        self.tsa_page.store_credentials()

    def forget_credentials(self) -> None:
        self.tsa_page.forget_credentials()

    def set_case_anchors(self, pem: str | None) -> None:
        """Replace (or with None forget) the open case's extra anchors; saved on OK."""
        self.c2pa_page.set_case_anchors(pem)

    def trust_list_problem(self) -> str | None:
        """Why the chosen trust list cannot be used, or None (an empty choice is fine)."""
        return self.c2pa_page.trust_list_problem()

    def selected_language(self) -> str:
        return self.general.selected_language()

    # -- saving -----------------------------------------------------------------------------------

    def accept(self) -> None:
        problem = self.trust_list_problem()
        if problem is not None:
            self.tabs.setCurrentIndex(2)
            show_message(self, self.tr("C2PA trust list"), problem, icon=QMessageBox.Icon.Warning)
            return
        settings = load_settings()
        self.c2pa_page.apply_to(settings)
        self.general.apply_to(settings)
        save_settings(settings)
        tsa_settings.save_tsa_urls(self.tsa_urls())
        if self._on_language is not None:
            self._on_language(self.selected_language())
        super().accept()
