"""Settings: operator, organisation, time-zone display, language, timestamp authorities and
their credentials, and the user's C2PA trust list.

Plain settings go to the user's settings file. Credentials go only to the system keyring
through :mod:`app.core.secrets`; the dialog says where that is, and when no keyring exists it
says that nothing was stored — there is no plaintext fallback.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.config import load_settings, save_settings
from app.core.errors import ProofshotError
from app.gui.i18n import LANGUAGES
from app.gui.lazy import deferred
from app.gui.messages import show_message

# cryptography and RFC 3161 come with these; loaded when the dialog is first opened.
keyring = deferred("keyring")
secrets = deferred("app.core.secrets")
tsa = deferred("app.core.tsa")
tsa_settings = deferred("app.core.tsa_settings")

# The user's C2PA trust list (a PEM file path); the same key as
# app.core.provenance.TRUST_LIST_SETTING, named here so opening the dialog does not load c2pa.
C2PA_TRUST_LIST_SETTING = "c2pa_trust_list"
C2PA_CASE_ANCHORS_SETTING = "c2pa_case_anchors"  # = app.core.provenance.CASE_ANCHORS_SETTING
_PEM_BEGIN = b"-----BEGIN CERTIFICATE-----"


class SettingsDialog(QDialog):
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

        # General
        self.operator = QLineEdit(str(settings.get("operator") or ""), self)
        self.operator.setObjectName("settingsOperator")
        self.organisation = QLineEdit(str(settings.get("organisation") or ""), self)
        self.organisation.setObjectName("settingsOrganisation")
        self.timezone = QComboBox(self)
        self.timezone.setObjectName("settingsTimezone")
        self.timezone.setEditable(True)
        self.timezone.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.timezone.addItem(self.tr("This computer's time zone"), "local")
        self.timezone.addItem("UTC", "UTC")
        for name in sorted(zoneinfo.available_timezones()):
            if "/" in name and not name.startswith(("Etc/", "SystemV/")):
                self.timezone.addItem(name, name)
        self.timezone.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.timezone.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        zone = str(settings.get("display_timezone") or "local")
        self.timezone.setCurrentIndex(max(0, self.timezone.findData(zone)))
        self.language = QComboBox(self)
        self.language.setObjectName("settingsLanguage")
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(current_language)))

        general = QWidget(self)
        form = QFormLayout(general)
        form.addRow(self.tr("Operator name"), self.operator)
        form.addRow(self.tr("Organisation"), self.organisation)
        form.addRow(self.tr("Show times in"), self.timezone)
        form.addRow(self.tr("Language"), self.language)
        hint = QLabel(
            self.tr(
                "The operator name is written into the custody log for every change you make. "
                "Times are stored in UTC; this only changes how they are shown."
            ),
            general,
        )
        hint.setWordWrap(True)
        form.addRow(hint)

        # Timestamp authorities
        self.tsa_list = QListWidget(self)
        self.tsa_list.setObjectName("tsaList")
        for url in tsa_settings.tsa_urls():
            self._add_tsa_row(url)
        self.tsa_new = QLineEdit(self)
        self.tsa_new.setObjectName("tsaNew")
        self.tsa_new.setPlaceholderText("https://tsa.example/tsr")
        self.tsa_add = QPushButton(self.tr("Add"), self)
        self.tsa_remove = QPushButton(self.tr("Remove"), self)
        self.tsa_up = QPushButton(self.tr("Move up"), self)
        self.tsa_down = QPushButton(self.tr("Move down"), self)
        row = QHBoxLayout()
        row.addWidget(self.tsa_new, 1)
        row.addWidget(self.tsa_add)
        order = QHBoxLayout()
        order.addWidget(self.tsa_remove)
        order.addWidget(self.tsa_up)
        order.addWidget(self.tsa_down)
        order.addStretch(1)

        self.cred_box = QGroupBox(self.tr("Credentials for the selected authority"), self)
        self.cred_user = QLineEdit(self)
        self.cred_user.setObjectName("credUser")
        self.cred_password = QLineEdit(self)
        self.cred_password.setObjectName("credPassword")
        self.cred_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.cred_status = QLabel(self)
        self.cred_status.setObjectName("credStatus")
        self.cred_status.setWordWrap(True)
        self.cred_save = QPushButton(self.tr("Store in keyring"), self)
        self.cred_save.setObjectName("credSave")
        self.cred_forget = QPushButton(self.tr("Forget"), self)
        self.where = QLabel(self)
        self.where.setObjectName("keyringWhere")
        self.where.setWordWrap(True)
        self.where.setText(self._where_text())
        cred_form = QFormLayout(self.cred_box)
        cred_form.addRow(self.tr("User name"), self.cred_user)
        cred_form.addRow(self.tr("Password"), self.cred_password)
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(self.cred_save)
        buttons_row.addWidget(self.cred_forget)
        buttons_row.addStretch(1)
        cred_form.addRow(buttons_row)
        cred_form.addRow(self.cred_status)
        cred_form.addRow(self.where)

        tsa_page = QWidget(self)
        tsa_layout = QVBoxLayout(tsa_page)
        intro = QLabel(
            self.tr(
                "Trusted timestamps (RFC 3161) are requested from these authorities, in this order; "
                "the next is tried when one fails."
            ),
            tsa_page,
        )
        intro.setWordWrap(True)
        tsa_layout.addWidget(intro)
        tsa_layout.addWidget(self.tsa_list, 1)
        tsa_layout.addLayout(row)
        tsa_layout.addLayout(order)
        tsa_layout.addWidget(self.cred_box)

        # C2PA trust list: a file of the user's, never part of a case
        c2pa_page = QWidget(self)
        c2pa_form = QFormLayout(c2pa_page)
        self.c2pa_trust_list = QLineEdit(str(settings.get(C2PA_TRUST_LIST_SETTING) or ""), self)
        self.c2pa_trust_list.setObjectName("c2paTrustList")
        self.c2pa_trust_list.setPlaceholderText(
            self.tr("No trust list: signatures can be Valid, never Trusted")
        )
        self.c2pa_browse = QPushButton(self.tr("Choose…"), self)
        self.c2pa_browse.setObjectName("c2paTrustListBrowse")
        self.c2pa_clear = QPushButton(self.tr("Clear"), self)
        trust_row = QHBoxLayout()
        trust_row.addWidget(self.c2pa_trust_list, 1)
        trust_row.addWidget(self.c2pa_browse)
        trust_row.addWidget(self.c2pa_clear)
        c2pa_form.addRow(self.tr("C2PA trust list (PEM)"), trust_row)
        # Extra anchors for the open case: kept in the user's settings keyed by the case
        # folder, never read from the case folder itself.
        self._case_pem: str | None = None
        self._case_pem_changed = False
        self.case_anchors_status = QLabel(self)
        self.case_anchors_status.setObjectName("c2paCaseAnchors")
        self.case_anchors_add = QPushButton(self.tr("Add from file…"), self)
        self.case_anchors_forget = QPushButton(self.tr("Forget"), self)
        if case_path is not None:
            stored = settings.get(C2PA_CASE_ANCHORS_SETTING)
            key = str(Path(case_path).resolve())
            pem = stored.get(key) if isinstance(stored, dict) else None
            self._case_pem = pem if isinstance(pem, str) and pem else None
            case_row = QHBoxLayout()
            case_row.addWidget(self.case_anchors_status, 1)
            case_row.addWidget(self.case_anchors_add)
            case_row.addWidget(self.case_anchors_forget)
            c2pa_form.addRow(self.tr("Extra anchors for this case"), case_row)
            self.case_anchors_add.clicked.connect(self._choose_case_anchors)
            self.case_anchors_forget.clicked.connect(lambda: self.set_case_anchors(None))
        self._show_case_anchors()
        c2pa_hint = QLabel(
            self.tr(
                "Content Credentials (C2PA) signed by a certificate on this list are shown as "
                "Trusted. The list is kept in your settings, not in the case, and applies to "
                "files imported from now on. The --c2pa-trust-list option overrides it."
            ),
            c2pa_page,
        )
        c2pa_hint.setWordWrap(True)
        c2pa_form.addRow(c2pa_hint)
        self.c2pa_browse.clicked.connect(self._choose_trust_list)
        self.c2pa_clear.clicked.connect(self.c2pa_trust_list.clear)

        self.tabs = QTabWidget(self)
        self.tabs.addTab(general, self.tr("General"))
        self.tabs.addTab(tsa_page, self.tr("Trusted time"))
        self.tabs.addTab(c2pa_page, self.tr("Content Credentials"))
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

        self.tsa_add.clicked.connect(self._add_tsa)
        self.tsa_new.returnPressed.connect(self._add_tsa)
        self.tsa_remove.clicked.connect(self._remove_tsa)
        self.tsa_up.clicked.connect(lambda: self._move_tsa(-1))
        self.tsa_down.clicked.connect(lambda: self._move_tsa(1))
        self.tsa_list.currentItemChanged.connect(lambda *_: self._show_credentials())
        self.cred_save.clicked.connect(self.store_credentials)
        self.cred_forget.clicked.connect(self.forget_credentials)
        if self.tsa_list.count():
            self.tsa_list.setCurrentRow(0)
        self._show_credentials()

    # -- TSA list ------------------------------------------------------------------------------

    def _add_tsa_row(self, url: str) -> None:
        item = QListWidgetItem(url, self.tsa_list)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)

    def _add_tsa(self) -> None:
        url = self.tsa_new.text().strip()
        if not url:
            return
        if not url.startswith(("http://", "https://")):
            show_message(
                self,
                self.tr("Timestamp authority"),
                self.tr("A timestamp authority is given by its http:// or https:// address."),
            )
            return
        self._add_tsa_row(url)
        self.tsa_new.clear()
        self.tsa_list.setCurrentRow(self.tsa_list.count() - 1)

    def _remove_tsa(self) -> None:
        row = self.tsa_list.currentRow()
        if row >= 0:
            self.tsa_list.takeItem(row)

    def _move_tsa(self, step: int) -> None:
        row = self.tsa_list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.tsa_list.count():
            return
        item = self.tsa_list.takeItem(row)
        self.tsa_list.insertItem(target, item)
        self.tsa_list.setCurrentRow(target)

    def tsa_urls(self) -> list[str]:
        return [self.tsa_list.item(i).text().strip() for i in range(self.tsa_list.count())]

    # -- credentials ------------------------------------------------------------------------------

    @staticmethod
    def keyring_available() -> bool:
        """False for keyring's "fail" and "null" backends (chosen when no keychain exists)."""
        try:
            backend = keyring.get_keyring()
        except keyring.errors.KeyringError:
            return False
        module = type(backend).__module__.lower()
        return not (module.endswith((".fail", ".null")) or "fail" in type(backend).__name__.lower())

    def _where_text(self) -> str:
        where = secrets.backend_description()
        if not self.keyring_available() or "cannot be stored" in where:
            return self.tr(
                "No keyring is available on this system, so credentials cannot be stored; "
                "nothing is ever written to a file instead. Authorities that need no account still work."
            )
        return self.tr(
            "Credentials are kept only in {where}, never in the case or in the settings file."
        ).format(where=where)

    def _selected_url(self) -> str | None:
        item = self.tsa_list.currentItem()
        return item.text().strip() if item is not None else None

    def _show_credentials(self) -> None:
        url = self._selected_url()
        self.cred_box.setEnabled(url is not None)
        self.cred_password.clear()
        if url is None:
            self.cred_status.clear()
            return
        if not self.keyring_available():
            self.cred_status.setText(self.tr("Credentials cannot be stored on this system."))
            return
        try:
            auth = tsa_settings.credentials_for(url)
        except ProofshotError as exc:
            self.cred_status.setText(str(exc))
            return
        if isinstance(auth, tsa.BasicAuth):
            self.cred_user.setText(auth.user)
            self.cred_status.setText(
                self.tr("Stored for {url} (user {user}).").format(url=url, user=auth.user)
            )
        elif auth is not None:
            self.cred_status.setText(
                self.tr("A credential header is stored for {url}.").format(url=url)
            )
        else:
            self.cred_user.clear()
            self.cred_status.setText(self.tr("No credentials stored for {url}.").format(url=url))

    def store_credentials(self) -> None:
        url = self._selected_url()
        if url is None:
            return
        user, password = self.cred_user.text().strip(), self.cred_password.text()
        if not user or not password:
            self.cred_status.setText(self.tr("Enter both a user name and a password."))
            return
        try:
            tsa_settings.store_basic_credentials(url, user, password)
        except ProofshotError as exc:
            self.cred_password.clear()
            self.cred_status.setText(self.tr("Not stored."))
            show_message(
                self,
                self.tr("Credentials not stored"),
                self.tr("The credentials were not stored, and nothing was written anywhere."),
                informative=str(exc),
                object_name="keyringError",
            )
            return
        self.cred_password.clear()
        self._show_credentials()

    def forget_credentials(self) -> None:
        url = self._selected_url()
        if url is None:
            return
        try:
            secrets.delete_secret(secrets.TSA_SERVICE, url)
        except ProofshotError as exc:
            self.cred_status.setText(str(exc))
            return
        self._show_credentials()

    # -- saving -----------------------------------------------------------------------------------

    # -- C2PA trust list --------------------------------------------------------------------

    def _choose_trust_list(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("C2PA trust list"),
            self.c2pa_trust_list.text(),
            self.tr("PEM certificate lists (*.pem *.crt);;All files (*)"),
        )
        if path:
            self.c2pa_trust_list.setText(path)

    def _choose_case_anchors(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Extra anchors for this case"),
            "",
            self.tr("PEM certificate lists (*.pem *.crt);;All files (*)"),
        )
        if not path:
            return
        try:
            with open(path, "rb") as handle:
                data = handle.read(4 * 1024 * 1024 + 1)
        except OSError as exc:
            show_message(
                self,
                self.tr("Extra anchors for this case"),
                self.tr("The file cannot be read: {0}").format(exc.strerror or str(exc)),
                icon=QMessageBox.Icon.Warning,
            )
            return
        if len(data) > 4 * 1024 * 1024 or _PEM_BEGIN not in data:
            show_message(
                self,
                self.tr("Extra anchors for this case"),
                self.tr("The file is not a PEM list of certificates."),
                icon=QMessageBox.Icon.Warning,
            )
            return
        self.set_case_anchors(data.decode("ascii", "replace"))

    def set_case_anchors(self, pem: str | None) -> None:
        """Replace (or with None forget) the open case's extra anchors; saved on OK."""
        self._case_pem = pem
        self._case_pem_changed = True
        self._show_case_anchors()

    def _show_case_anchors(self) -> None:
        count = (self._case_pem or "").count(_PEM_BEGIN.decode())
        self.case_anchors_status.setText(
            self.tr("%n certificate(s) kept in your settings for this case", "", count)
            if count
            else self.tr("None")
        )
        self.case_anchors_forget.setEnabled(bool(count))

    def trust_list_problem(self) -> str | None:
        """Why the chosen trust list cannot be used, or None (an empty choice is fine)."""
        path = self.c2pa_trust_list.text().strip()
        if not path:
            return None
        try:
            with open(path, "rb") as handle:
                head = handle.read(4 * 1024 * 1024 + 1)
        except OSError as exc:
            return self.tr("The file cannot be read: {0}").format(exc.strerror or str(exc))
        if len(head) > 4 * 1024 * 1024 or _PEM_BEGIN not in head:
            return self.tr("The file is not a PEM list of certificates.")
        return None

    def selected_language(self) -> str:
        return str(self.language.currentData() or "en")

    def accept(self) -> None:
        problem = self.trust_list_problem()
        if problem is not None:
            self.tabs.setCurrentIndex(2)
            show_message(self, self.tr("C2PA trust list"), problem, icon=QMessageBox.Icon.Warning)
            return
        settings = load_settings()
        trust_list = self.c2pa_trust_list.text().strip()
        if trust_list:
            settings[C2PA_TRUST_LIST_SETTING] = str(Path(trust_list).resolve())
        else:
            settings.pop(C2PA_TRUST_LIST_SETTING, None)
        if self._case_path is not None and self._case_pem_changed:
            stored = settings.get(C2PA_CASE_ANCHORS_SETTING)
            stored = dict(stored) if isinstance(stored, dict) else {}
            key = str(Path(self._case_path).resolve())
            if self._case_pem:
                stored[key] = self._case_pem
            else:
                stored.pop(key, None)
            settings[C2PA_CASE_ANCHORS_SETTING] = stored
        settings["operator"] = self.operator.text().strip()
        settings["organisation"] = self.organisation.text().strip()
        zone = self.timezone.currentData()
        typed = self.timezone.currentText().strip()
        if typed and self.timezone.findText(typed) >= 0:
            zone = self.timezone.itemData(self.timezone.findText(typed))
        settings["display_timezone"] = zone or "local"
        settings["language"] = self.selected_language()
        save_settings(settings)
        tsa_settings.save_tsa_urls(self.tsa_urls())
        if self._on_language is not None:
            self._on_language(self.selected_language())
        super().accept()
