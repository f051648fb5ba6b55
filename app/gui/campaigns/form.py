"""The campaign form: the platform (profile, endpoint, model, configuration, API key) and the
prompts (file, tries, requests at once, rate), turned into what a run needs.

Split out of :class:`~app.gui.campaigns.panel.CampaignPanel` along its seam: this widget only
*describes* a run -- it builds the :class:`~app.capture.campaigns.CampaignSpec`, the
:class:`~app.capture.campaigns.Credential` (storing a typed key in the system keyring when
asked) and the :class:`~app.capture.campaigns.RunSettings`, and says what it found (the stored
key's fingerprint, the prompt list's size and hash). It never starts, pauses or reads a case.

Its strings keep the ``CampaignPanel`` translation context they had before the split, so the
shipped translations still apply.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from app.capture.campaigns import (
    CampaignSpec,
    ClientSettings,
    Credential,
    RunSettings,
    load_prompts,
    store_api_key,
)
from app.capture.campaigns.credentials import credential_from_keyring, keyring_name
from app.core.errors import ProofshotError

PROFILES = ("openai", "generic", "demo")


class CampaignForm(QWidget):
    """The two boxes of the campaign panel: where to ask, and what to ask how often."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("campaignForm")
        self._build_platform()
        self._build_prompts()
        top = QHBoxLayout(self)
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.platform_box, 3)
        top.addWidget(self.prompts_box, 2)

    # -- layout ---------------------------------------------------------------------------------

    def _build_platform(self) -> None:
        self.platform_box = QGroupBox(self)
        self.profile_combo = QComboBox(self)
        self.profile_combo.setObjectName("profileCombo")
        for name in PROFILES:
            self.profile_combo.addItem(name, name)
        self.profile_combo.currentIndexChanged.connect(self.on_profile_changed)
        self.endpoint_edit = QLineEdit(self)
        self.endpoint_edit.setObjectName("endpointEdit")
        self.endpoint_edit.editingFinished.connect(self.update_key_state)
        self.model_edit = QLineEdit(self)
        self.model_edit.setObjectName("modelEdit")
        self.config_edit = QLineEdit(self)
        self.config_edit.setObjectName("profileConfigEdit")
        self.config_button = QPushButton(self)
        self.config_button.clicked.connect(self._choose_config)
        config_row = QHBoxLayout()
        config_row.addWidget(self.config_edit, 1)
        config_row.addWidget(self.config_button)
        self.key_edit = QLineEdit(self)
        self.key_edit.setObjectName("apiKeyEdit")
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember_key = QCheckBox(self)
        self.remember_key.setObjectName("rememberKey")
        self.remember_key.setChecked(True)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_edit, 1)
        key_row.addWidget(self.remember_key)
        self.key_state = QLabel(self)
        self.key_state.setObjectName("keyState")
        self.key_state.setWordWrap(True)
        platform_form = QFormLayout(self.platform_box)
        self.profile_label = QLabel(self)
        self.endpoint_label = QLabel(self)
        self.model_label = QLabel(self)
        self.config_label = QLabel(self)
        self.key_label = QLabel(self)
        platform_form.addRow(self.profile_label, self.profile_combo)
        platform_form.addRow(self.endpoint_label, self.endpoint_edit)
        platform_form.addRow(self.model_label, self.model_edit)
        platform_form.addRow(self.config_label, config_row)
        platform_form.addRow(self.key_label, key_row)
        platform_form.addRow("", self.key_state)

    def _build_prompts(self) -> None:
        self.prompts_box = QGroupBox(self)
        self.prompts_edit = QLineEdit(self)
        self.prompts_edit.setObjectName("promptsEdit")
        self.prompts_edit.editingFinished.connect(self.update_prompts_state)
        self.prompts_button = QPushButton(self)
        self.prompts_button.clicked.connect(self._choose_prompts)
        prompts_row = QHBoxLayout()
        prompts_row.addWidget(self.prompts_edit, 1)
        prompts_row.addWidget(self.prompts_button)
        self.prompts_state = QLabel(self)
        self.prompts_state.setObjectName("promptsState")
        self.tries_spin = QSpinBox(self)
        self.tries_spin.setObjectName("triesSpin")
        self.tries_spin.setRange(1, 1000)
        self.tries_spin.setValue(3)
        self.concurrency_spin = QSpinBox(self)
        self.concurrency_spin.setObjectName("concurrencySpin")
        self.concurrency_spin.setRange(1, 32)
        self.concurrency_spin.setValue(2)
        self.rate_spin = QDoubleSpinBox(self)
        self.rate_spin.setObjectName("rateSpin")
        self.rate_spin.setRange(0.0, 1000.0)
        self.rate_spin.setDecimals(2)
        self.rate_spin.setValue(1.0)
        self.new_check = QCheckBox(self)
        self.new_check.setObjectName("newCampaign")
        prompts_form = QFormLayout(self.prompts_box)
        self.prompts_label = QLabel(self)
        self.tries_label = QLabel(self)
        self.concurrency_label = QLabel(self)
        self.rate_label = QLabel(self)
        prompts_form.addRow(self.prompts_label, prompts_row)
        prompts_form.addRow("", self.prompts_state)
        prompts_form.addRow(self.tries_label, self.tries_spin)
        prompts_form.addRow(self.concurrency_label, self.concurrency_spin)
        prompts_form.addRow(self.rate_label, self.rate_spin)
        prompts_form.addRow("", self.new_check)

    def retranslate_ui(self) -> None:
        self.platform_box.setTitle(QCoreApplication.translate("CampaignPanel", "Platform"))
        self.profile_label.setText(QCoreApplication.translate("CampaignPanel", "Profile"))
        names = {
            "openai": QCoreApplication.translate("CampaignPanel", "OpenAI-compatible images API"),
            "generic": QCoreApplication.translate(
                "CampaignPanel", "Generic JSON API (configuration file)"
            ),
            "demo": QCoreApplication.translate("CampaignPanel", "Lumagen demo site"),
        }
        for i, name in enumerate(PROFILES):
            self.profile_combo.setItemText(i, names[name])
        self.endpoint_label.setText(QCoreApplication.translate("CampaignPanel", "Endpoint"))
        self.endpoint_edit.setPlaceholderText(
            QCoreApplication.translate("CampaignPanel", "https://api.example.com")
        )
        self.model_label.setText(QCoreApplication.translate("CampaignPanel", "Model"))
        self.model_edit.setPlaceholderText(QCoreApplication.translate("CampaignPanel", "optional"))
        self.config_label.setText(QCoreApplication.translate("CampaignPanel", "Configuration"))
        self.config_button.setText(QCoreApplication.translate("CampaignPanel", "Choose…"))
        self.key_label.setText(QCoreApplication.translate("CampaignPanel", "API key"))
        self.key_edit.setPlaceholderText(
            QCoreApplication.translate("CampaignPanel", "leave empty to use the key in the keyring")
        )
        self.remember_key.setText(
            QCoreApplication.translate("CampaignPanel", "Keep in the keyring")
        )
        self.prompts_box.setTitle(QCoreApplication.translate("CampaignPanel", "Prompts"))
        self.prompts_label.setText(QCoreApplication.translate("CampaignPanel", "Prompt file"))
        self.prompts_edit.setPlaceholderText(
            QCoreApplication.translate("CampaignPanel", "text (one prompt per line) or CSV")
        )
        self.prompts_button.setText(QCoreApplication.translate("CampaignPanel", "Choose…"))
        self.tries_label.setText(QCoreApplication.translate("CampaignPanel", "Tries per prompt"))
        self.concurrency_label.setText(
            QCoreApplication.translate("CampaignPanel", "Requests at once")
        )
        self.rate_label.setText(
            QCoreApplication.translate("CampaignPanel", "Requests per second (0: no limit)")
        )
        self.new_check.setText(
            QCoreApplication.translate(
                "CampaignPanel", "Start a new campaign even if one is unfinished"
            )
        )
        self.update_key_state()

    # -- what the form says about itself --------------------------------------------------------

    def on_profile_changed(self) -> None:
        generic = self.profile_combo.currentData() == "generic"
        self.config_edit.setEnabled(generic)
        self.config_button.setEnabled(generic)
        self.update_key_state()

    def update_key_state(self) -> None:
        """Say whether the keyring holds a key for the endpoint's origin (and its fingerprint)."""
        endpoint = self.endpoint_edit.text().strip()
        if not endpoint:
            self.key_state.setText("")
            return
        try:
            stored = credential_from_keyring(endpoint)
        except ProofshotError as exc:
            self.key_state.setText(str(exc))
            return
        if stored is None:
            self.key_state.setText(
                QCoreApplication.translate(
                    "CampaignPanel", "No key is stored for {origin}."
                ).format(origin=keyring_name(endpoint))
            )
        else:
            self.key_state.setText(
                QCoreApplication.translate(
                    "CampaignPanel", "A key is stored for {origin} (SHA-256 {fingerprint}…)."
                ).format(origin=keyring_name(endpoint), fingerprint=(stored.fingerprint or "")[:16])
            )

    def update_prompts_state(self) -> None:
        """Say how many prompts the chosen file holds and its hash, or why it cannot be read."""
        path = self.prompts_edit.text().strip()
        if not path:
            self.prompts_state.setText("")
            return
        try:
            plist = load_prompts(path)
        except ProofshotError as exc:
            self.prompts_state.setText(str(exc))
            return
        self.prompts_state.setText(
            QCoreApplication.translate("CampaignPanel", "{count} prompts (SHA-256 {sha}…)").format(
                count=len(plist.entries), sha=plist.sha256[:16]
            )
        )

    def _choose_prompts(self) -> None:
        dialog = QFileDialog(self, QCoreApplication.translate("CampaignPanel", "Prompt file"))
        dialog.setNameFilters(
            [
                QCoreApplication.translate("CampaignPanel", "Prompt lists (*.txt *.csv)"),
                QCoreApplication.translate("CampaignPanel", "All files (*)"),
            ]
        )
        dialog.fileSelected.connect(
            lambda p: (self.prompts_edit.setText(p), self.update_prompts_state())
        )
        dialog.open()

    def _choose_config(self) -> None:
        dialog = QFileDialog(
            self, QCoreApplication.translate("CampaignPanel", "Profile configuration")
        )
        dialog.setNameFilters(
            [
                QCoreApplication.translate("CampaignPanel", "JSON files (*.json)"),
                QCoreApplication.translate("CampaignPanel", "All files (*)"),
            ]
        )
        dialog.fileSelected.connect(self.config_edit.setText)
        dialog.open()

    # -- building the run -----------------------------------------------------------------------

    def _profile_config(self) -> dict[str, object] | None:
        """The generic profile's configuration file, read as JSON (None for other profiles)."""
        if self.profile_combo.currentData() != "generic":
            return None
        config_path = self.config_edit.text().strip()
        if not config_path:
            raise ProofshotError(
                QCoreApplication.translate(
                    "CampaignPanel", "The generic profile needs a configuration file."
                )
            )
        try:
            return json.loads(Path(config_path).read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise ProofshotError(
                QCoreApplication.translate(
                    "CampaignPanel", "The configuration file cannot be read as JSON ({reason})."
                ).format(reason=exc)
            ) from exc

    def spec(self) -> CampaignSpec:
        """The campaign the form describes; a :class:`ProofshotError` says what is missing."""
        profile = str(self.profile_combo.currentData())
        endpoint = self.endpoint_edit.text().strip()
        if not endpoint:
            raise ProofshotError(
                QCoreApplication.translate("CampaignPanel", "Enter the platform's endpoint URL.")
            )
        prompts_path = self.prompts_edit.text().strip()
        if not prompts_path:
            raise ProofshotError(
                QCoreApplication.translate("CampaignPanel", "Choose a prompt file.")
            )
        config = self._profile_config()
        self.update_prompts_state()
        spec = CampaignSpec(
            profile=profile,
            endpoint=endpoint,
            prompts=load_prompts(prompts_path),
            tries=self.tries_spin.value(),
            model=self.model_edit.text().strip() or None,
            profile_config=config,
        )
        spec.build_profile()  # refuses a bad endpoint or configuration now, not in the worker
        return spec

    def credential(self, spec: CampaignSpec) -> Credential:
        """The key typed (kept in the keyring when asked), else the stored one, else none."""
        typed = self.key_edit.text().strip()
        if typed:
            if self.remember_key.isChecked():
                store_api_key(spec.endpoint, typed)
                self.key_edit.clear()
                self.update_key_state()
                return Credential(typed, "keyring")
            return Credential(typed, "typed in the campaign panel")
        stored = credential_from_keyring(spec.endpoint)
        if stored is not None:
            return stored
        if spec.build_profile().needs_credential:
            raise ProofshotError(
                QCoreApplication.translate(
                    "CampaignPanel",
                    "Enter the API key for {origin}; it is kept in the system keyring, never in the case.",
                ).format(origin=keyring_name(spec.endpoint))
            )
        return Credential("", "none")

    def settings(self) -> RunSettings:
        return RunSettings(
            concurrency=self.concurrency_spin.value(),
            rate_per_second=self.rate_spin.value(),
            client=ClientSettings(),
        )
