"""The pages of the settings dialog: general, trusted time (TSAs and their credentials), and
Content Credentials (the C2PA trust list and the open case's extra anchors).

Split out of :class:`~app.gui.settings_dialog.SettingsDialog`, one widget per tab. Each page
shows its settings and knows how to write them into the settings mapping
(:meth:`GeneralPage.apply_to`, :meth:`C2paPage.apply_to`); the TSA page stores credentials in
the system keyring at once (as before) and hands its ordered list to the dialog, which saves
everything on OK. The strings keep the ``SettingsDialog`` translation context they had before
the split, so the shipped translations still apply.
"""

from __future__ import annotations

import zoneinfo
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
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
    QVBoxLayout,
    QWidget,
)

from app.core.errors import ProofshotError
from app.gui.i18n import LANGUAGES
from app.gui.lazy import deferred
from app.gui.messages import show_message

# cryptography and RFC 3161 come with these; loaded when the dialog is first opened.
c2pa_manifest = deferred("app.core.provenance.c2pa_manifest")
keyring = deferred("keyring")
secrets = deferred("app.core.secrets")
tsa = deferred("app.core.tsa")
tsa_settings = deferred("app.core.tsa_settings")

# The user's C2PA trust list (a PEM file path); the same key as
# app.core.provenance.TRUST_LIST_SETTING, named here so opening the dialog does not load c2pa.
C2PA_TRUST_LIST_SETTING = "c2pa_trust_list"
C2PA_CASE_ANCHORS_SETTING = "c2pa_case_anchors"  # = app.core.provenance.CASE_ANCHORS_SETTING
_PEM_BEGIN = b"-----BEGIN CERTIFICATE-----"
PEM_READ_LIMIT = 4 * 1024 * 1024


def read_pem_list(path: str) -> tuple[bytes | None, str | None]:
    """The bytes of a PEM certificate list at ``path`` (at most 4 MB), or why not.

    Returns ``(data, None)`` or ``(None, sentence)``; the sentence is translated.
    """
    try:
        return c2pa_manifest.read_pem_list(path), None
    except OSError as exc:
        return None, QCoreApplication.translate(
            "SettingsDialog", "The file cannot be read: {0}"
        ).format(exc.strerror or str(exc))
    except c2pa_manifest.NotAPemList:
        return None, QCoreApplication.translate(
            "SettingsDialog", "The file is not a PEM list of certificates."
        )


class GeneralPage(QWidget):
    """Operator, organisation, the time zone times are shown in, and the language."""

    def __init__(
        self, settings: dict[str, Any], current_language: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.operator = QLineEdit(str(settings.get("operator") or ""), self)
        self.operator.setObjectName("settingsOperator")
        self.organisation = QLineEdit(str(settings.get("organisation") or ""), self)
        self.organisation.setObjectName("settingsOrganisation")
        self.timezone = self._timezone_combo(str(settings.get("display_timezone") or "local"))
        self.language = QComboBox(self)
        self.language.setObjectName("settingsLanguage")
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(current_language)))
        form = QFormLayout(self)
        form.addRow(QCoreApplication.translate("SettingsDialog", "Operator name"), self.operator)
        form.addRow(QCoreApplication.translate("SettingsDialog", "Organisation"), self.organisation)
        form.addRow(QCoreApplication.translate("SettingsDialog", "Show times in"), self.timezone)
        form.addRow(QCoreApplication.translate("SettingsDialog", "Language"), self.language)
        hint = QLabel(
            QCoreApplication.translate(
                "SettingsDialog",
                "The operator name is written into the custody log for every change you make. "
                "Times are stored in UTC; this only changes how they are shown.",
            ),
            self,
        )
        hint.setWordWrap(True)
        form.addRow(hint)

    def _timezone_combo(self, zone: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName("settingsTimezone")
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.addItem(
            QCoreApplication.translate("SettingsDialog", "This computer's time zone"), "local"
        )
        combo.addItem("UTC", "UTC")
        for name in sorted(zoneinfo.available_timezones()):
            if "/" in name and not name.startswith(("Etc/", "SystemV/")):
                combo.addItem(name, name)
        combo.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        combo.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        combo.setCurrentIndex(max(0, combo.findData(zone)))
        return combo

    def selected_language(self) -> str:
        return str(self.language.currentData() or "en")

    def selected_timezone(self) -> str:
        """The zone picked, or typed exactly as one of the list's names; ``local`` by default."""
        zone = self.timezone.currentData()
        typed = self.timezone.currentText().strip()
        if typed and self.timezone.findText(typed) >= 0:
            zone = self.timezone.itemData(self.timezone.findText(typed))
        return zone or "local"

    def apply_to(self, settings: dict[str, Any]) -> None:
        settings["operator"] = self.operator.text().strip()
        settings["organisation"] = self.organisation.text().strip()
        settings["display_timezone"] = self.selected_timezone()
        settings["language"] = self.selected_language()


class TsaPage(QWidget):
    """The timestamp authorities in order, and the selected one's credentials in the keyring."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tsa_list = QListWidget(self)
        self.tsa_list.setObjectName("tsaList")
        for url in tsa_settings.tsa_urls():
            self._add_tsa_row(url)
        self.tsa_new = QLineEdit(self)
        self.tsa_new.setObjectName("tsaNew")
        self.tsa_new.setPlaceholderText("https://tsa.example/tsr")
        self.tsa_add = QPushButton(QCoreApplication.translate("SettingsDialog", "Add"), self)
        self.tsa_remove = QPushButton(QCoreApplication.translate("SettingsDialog", "Remove"), self)
        self.tsa_up = QPushButton(QCoreApplication.translate("SettingsDialog", "Move up"), self)
        self.tsa_down = QPushButton(QCoreApplication.translate("SettingsDialog", "Move down"), self)
        row = QHBoxLayout()
        row.addWidget(self.tsa_new, 1)
        row.addWidget(self.tsa_add)
        order = QHBoxLayout()
        order.addWidget(self.tsa_remove)
        order.addWidget(self.tsa_up)
        order.addWidget(self.tsa_down)
        order.addStretch(1)
        self._build_credentials()
        layout = QVBoxLayout(self)
        intro = QLabel(
            QCoreApplication.translate(
                "SettingsDialog",
                "Trusted timestamps (RFC 3161) are requested from these authorities, in this order; "
                "the next is tried when one fails.",
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self.tsa_list, 1)
        layout.addLayout(row)
        layout.addLayout(order)
        layout.addWidget(self.cred_box)
        self._connect()
        if self.tsa_list.count():
            self.tsa_list.setCurrentRow(0)
        self._show_credentials()

    def _build_credentials(self) -> None:
        self.cred_box = QGroupBox(
            QCoreApplication.translate("SettingsDialog", "Credentials for the selected authority"),
            self,
        )
        self.cred_user = QLineEdit(self)
        self.cred_user.setObjectName("credUser")
        self.cred_password = QLineEdit(self)
        self.cred_password.setObjectName("credPassword")
        self.cred_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.cred_status = QLabel(self)
        self.cred_status.setObjectName("credStatus")
        self.cred_status.setWordWrap(True)
        self.cred_save = QPushButton(
            QCoreApplication.translate("SettingsDialog", "Store in keyring"), self
        )
        self.cred_save.setObjectName("credSave")
        self.cred_forget = QPushButton(QCoreApplication.translate("SettingsDialog", "Forget"), self)
        self.where = QLabel(self)
        self.where.setObjectName("keyringWhere")
        self.where.setWordWrap(True)
        self.where.setText(self._where_text())
        cred_form = QFormLayout(self.cred_box)
        cred_form.addRow(QCoreApplication.translate("SettingsDialog", "User name"), self.cred_user)
        cred_form.addRow(
            QCoreApplication.translate("SettingsDialog", "Password"), self.cred_password
        )
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(self.cred_save)
        buttons_row.addWidget(self.cred_forget)
        buttons_row.addStretch(1)
        cred_form.addRow(buttons_row)
        cred_form.addRow(self.cred_status)
        cred_form.addRow(self.where)

    def _connect(self) -> None:
        self.tsa_add.clicked.connect(self.add_tsa)
        self.tsa_new.returnPressed.connect(self.add_tsa)
        self.tsa_remove.clicked.connect(self.remove_tsa)
        self.tsa_up.clicked.connect(lambda: self.move_tsa(-1))
        self.tsa_down.clicked.connect(lambda: self.move_tsa(1))
        self.tsa_list.currentItemChanged.connect(lambda *_: self._show_credentials())
        self.cred_save.clicked.connect(self.store_credentials)
        self.cred_forget.clicked.connect(self.forget_credentials)

    # -- TSA list ------------------------------------------------------------------------------

    def _add_tsa_row(self, url: str) -> None:
        item = QListWidgetItem(url, self.tsa_list)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)

    def add_tsa(self) -> None:
        """Add the typed address at the end (an address that is not http(s) is refused)."""
        url = self.tsa_new.text().strip()
        if not url:
            return
        if not url.startswith(("http://", "https://")):
            show_message(
                self,
                QCoreApplication.translate("SettingsDialog", "Timestamp authority"),
                QCoreApplication.translate(
                    "SettingsDialog",
                    "A timestamp authority is given by its http:// or https:// address.",
                ),
            )
            return
        self._add_tsa_row(url)
        self.tsa_new.clear()
        self.tsa_list.setCurrentRow(self.tsa_list.count() - 1)

    def remove_tsa(self) -> None:
        row = self.tsa_list.currentRow()
        if row >= 0:
            self.tsa_list.takeItem(row)

    def move_tsa(self, step: int) -> None:
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
            return QCoreApplication.translate(
                "SettingsDialog",
                "No keyring is available on this system, so credentials cannot be stored; "
                "nothing is ever written to a file instead. Authorities that need no account still work.",
            )
        return QCoreApplication.translate(
            "SettingsDialog",
            "Credentials are kept only in {where}, never in the case or in the settings file.",
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
            self.cred_status.setText(
                QCoreApplication.translate(
                    "SettingsDialog", "Credentials cannot be stored on this system."
                )
            )
            return
        try:
            auth = tsa_settings.credentials_for(url)
        except ProofshotError as exc:
            self.cred_status.setText(str(exc))
            return
        if isinstance(auth, tsa.BasicAuth):
            self.cred_user.setText(auth.user)
            self.cred_status.setText(
                QCoreApplication.translate(
                    "SettingsDialog", "Stored for {url} (user {user})."
                ).format(url=url, user=auth.user)
            )
        elif auth is not None:
            self.cred_status.setText(
                QCoreApplication.translate(
                    "SettingsDialog", "A credential header is stored for {url}."
                ).format(url=url)
            )
        else:
            self.cred_user.clear()
            self.cred_status.setText(
                QCoreApplication.translate(
                    "SettingsDialog", "No credentials stored for {url}."
                ).format(url=url)
            )

    def store_credentials(self) -> None:
        url = self._selected_url()
        if url is None:
            return
        user, password = self.cred_user.text().strip(), self.cred_password.text()
        if not user or not password:
            self.cred_status.setText(
                QCoreApplication.translate(
                    "SettingsDialog", "Enter both a user name and a password."
                )
            )
            return
        try:
            tsa_settings.store_basic_credentials(url, user, password)
        except ProofshotError as exc:
            self.cred_password.clear()
            self.cred_status.setText(QCoreApplication.translate("SettingsDialog", "Not stored."))
            show_message(
                self,
                QCoreApplication.translate("SettingsDialog", "Credentials not stored"),
                QCoreApplication.translate(
                    "SettingsDialog",
                    "The credentials were not stored, and nothing was written anywhere.",
                ),
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


class C2paPage(QWidget):
    """The user's C2PA trust list, and extra anchors kept in the settings for the open case."""

    def __init__(
        self, settings: dict[str, Any], case_path: Path | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._case_path = case_path
        form = QFormLayout(self)
        self.c2pa_trust_list = QLineEdit(str(settings.get(C2PA_TRUST_LIST_SETTING) or ""), self)
        self.c2pa_trust_list.setObjectName("c2paTrustList")
        self.c2pa_trust_list.setPlaceholderText(
            QCoreApplication.translate(
                "SettingsDialog", "No trust list: signatures can be Valid, never Trusted"
            )
        )
        self.c2pa_browse = QPushButton(
            QCoreApplication.translate("SettingsDialog", "Choose…"), self
        )
        self.c2pa_browse.setObjectName("c2paTrustListBrowse")
        self.c2pa_clear = QPushButton(QCoreApplication.translate("SettingsDialog", "Clear"), self)
        trust_row = QHBoxLayout()
        trust_row.addWidget(self.c2pa_trust_list, 1)
        trust_row.addWidget(self.c2pa_browse)
        trust_row.addWidget(self.c2pa_clear)
        form.addRow(
            QCoreApplication.translate("SettingsDialog", "C2PA trust list (PEM)"), trust_row
        )
        self._build_case_anchors(form, settings)
        hint = QLabel(
            QCoreApplication.translate(
                "SettingsDialog",
                "Content Credentials (C2PA) signed by a certificate on this list are shown as "
                "Trusted. The list is kept in your settings, not in the case, and applies to "
                "files imported from now on. The --c2pa-trust-list option overrides it.",
            ),
            self,
        )
        hint.setWordWrap(True)
        form.addRow(hint)
        self.c2pa_browse.clicked.connect(self._choose_trust_list)
        self.c2pa_clear.clicked.connect(self.c2pa_trust_list.clear)

    def _build_case_anchors(self, form: QFormLayout, settings: dict[str, Any]) -> None:
        """Extra anchors for the open case: kept in the user's settings keyed by the case
        folder, never read from the case folder itself (no row without a case)."""
        self._case_pem: str | None = None
        self._case_pem_changed = False
        self.case_anchors_status = QLabel(self)
        self.case_anchors_status.setObjectName("c2paCaseAnchors")
        self.case_anchors_add = QPushButton(
            QCoreApplication.translate("SettingsDialog", "Add from file…"), self
        )
        self.case_anchors_forget = QPushButton(
            QCoreApplication.translate("SettingsDialog", "Forget"), self
        )
        if self._case_path is not None:
            stored = settings.get(C2PA_CASE_ANCHORS_SETTING)
            key = str(Path(self._case_path).resolve())
            pem = stored.get(key) if isinstance(stored, dict) else None
            self._case_pem = pem if isinstance(pem, str) and pem else None
            case_row = QHBoxLayout()
            case_row.addWidget(self.case_anchors_status, 1)
            case_row.addWidget(self.case_anchors_add)
            case_row.addWidget(self.case_anchors_forget)
            form.addRow(
                QCoreApplication.translate("SettingsDialog", "Extra anchors for this case"),
                case_row,
            )
            self.case_anchors_add.clicked.connect(self._choose_case_anchors)
            self.case_anchors_forget.clicked.connect(lambda: self.set_case_anchors(None))
        self._show_case_anchors()

    def _choose_trust_list(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            QCoreApplication.translate("SettingsDialog", "C2PA trust list"),
            self.c2pa_trust_list.text(),
            QCoreApplication.translate(
                "SettingsDialog", "PEM certificate lists (*.pem *.crt);;All files (*)"
            ),
        )
        if path:
            self.c2pa_trust_list.setText(path)

    def _choose_case_anchors(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            QCoreApplication.translate("SettingsDialog", "Extra anchors for this case"),
            "",
            QCoreApplication.translate(
                "SettingsDialog", "PEM certificate lists (*.pem *.crt);;All files (*)"
            ),
        )
        if not path:
            return
        data, problem = read_pem_list(path)
        if data is None:
            show_message(
                self,
                QCoreApplication.translate("SettingsDialog", "Extra anchors for this case"),
                problem or "",
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
            QCoreApplication.translate(
                "SettingsDialog", "%n certificate(s) kept in your settings for this case", "", count
            )
            if count
            else QCoreApplication.translate("SettingsDialog", "None")
        )
        self.case_anchors_forget.setEnabled(bool(count))

    def trust_list_problem(self) -> str | None:
        """Why the chosen trust list cannot be used, or None (an empty choice is fine)."""
        path = self.c2pa_trust_list.text().strip()
        if not path:
            return None
        return read_pem_list(path)[1]

    def apply_to(self, settings: dict[str, Any]) -> None:
        """Write the trust list and (when changed) the case's anchors into ``settings``."""
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
