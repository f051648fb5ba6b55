"""The `make run` demo case carries duty facts, and the Duties view shows them in Chinese."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from tests.core.helpers import run_cli


@pytest.fixture(scope="module")
def demo_case(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    case = tmp_path_factory.mktemp("duties-demo") / "Demo.proofshot"
    done = run_cli("demo", case)
    assert done.returncode == 0, done.stderr
    yield case


def _checklist(case: Path) -> dict[str, Any]:
    done = run_cli("duties", case, "--json")
    assert done.returncode in (0, 2), done.stderr
    data = json.loads(done.stdout)
    platforms = data if isinstance(data, list) else data.get("platforms", [data])
    (pd,) = platforms  # the demo site's pages and the study share one platform
    return pd


def test_the_demo_case_has_duty_findings_resting_on_its_exhibits(demo_case: Path) -> None:
    pd = _checklist(demo_case)
    found = {f["duty"]: f for f in pd["checklist"]}
    assert pd["platform"].startswith("127.0.0.1:")
    assert "星光侠" in pd["keywords"]
    # the terms page, fetched and marked, warns users about infringement
    assert found["terms"]["finding"] == "present" and found["terms"]["exhibits"]
    assert "侵犯他人著作权" in found["terms"]["detail"]
    # a complaint page is marked, but no generation page shows the way there
    assert found["complaint"]["finding"] == "partial" and found["complaint"]["exhibits"]
    # the study's outputs carry TC260 and IPTC labels; no prompt naming the work was refused
    assert found["implicit-label"]["finding"] == "present"
    assert found["implicit-label"]["shares"]["outputs"] == 10
    assert found["keyword-filter"]["finding"] == "absent"
    assert found["keyword-filter"]["shares"]["generated_prompts"] == [
        "Starlume, hero stance",
        "生成星光侠",
    ]
    assert found["explicit-label"]["finding"] == "not checked"
    for key in ("terms", "complaint", "implicit-label", "keyword-filter"):
        assert found[key]["observed_from"], key
    listed = {e["id"]: e for e in json.loads(run_cli("list", demo_case, "--json").stdout)}
    for item_id in found["terms"]["exhibits"] + found["complaint"]["exhibits"]:
        assert listed[item_id]["kind"] == "web-capture"
    assert json.loads(run_cli("verify", demo_case, "--json").stdout)["intact"] is True


ALLOWED = {"AI", "AIGC", "TC260", "IPTC", "DigitalSourceType", "C2PA", "OCR", "UTC", "GB"}


def _english_words(text: str) -> list[str]:
    text = re.sub(r"“[^”]*”", "", text)  # quoted page text and prompts are evidence, kept as is
    text = re.sub(r"\d+\.\d+\.\d+\.\d+:\d+", "", text)
    return [w for w in re.findall(r"[A-Za-z][A-Za-z-]{2,}", text) if w not in ALLOWED]


@pytest.mark.qt
def test_a_chinese_window_shows_no_english_in_the_duties_view(
    qtbot: QtBot, demo_case: Path, tmp_path: Path
) -> None:
    from PySide6.QtCore import QCoreApplication, QLocale
    from PySide6.QtWidgets import QApplication, QTreeWidgetItemIterator

    from app.gui.duties.view import DutiesView, OperatorFindingDialog, _compute
    from app.gui.i18n import LanguageManager
    from app.gui.session import CaseSession

    app = QApplication.instance()
    assert app is not None
    languages = LanguageManager(app)
    assert languages.apply("zh_CN")
    session = CaseSession(demo_case, read_only=True)
    try:
        view = DutiesView(session)
        qtbot.addWidget(view)
        view.resize(1200, 520)
        view.show()
        view.set_results(_compute(demo_case))
        assert view.tree.topLevelItemCount() == 5
        shown: list[str] = [view.status.text(), view.refresh_button.text()]
        shown += [view.record_button.text(), view.finding_button.text()]
        header = view.tree.headerItem()
        shown += [header.text(c) for c in range(view.tree.columnCount())]
        it = QTreeWidgetItemIterator(view.tree)
        while it.value():
            item = it.value()
            shown += [item.text(c) for c in range(view.tree.columnCount())]
            it += 1
        for row in range(view.tree.topLevelItemCount()):  # the detail pane of each duty
            view.tree.setCurrentItem(view.tree.topLevelItem(row))
            shown.append(view.detail.toPlainText())
        assert "相关规定" in shown[-1]
        dialog = OperatorFindingDialog([view.platform.currentText()], view)
        shown.append(dialog.windowTitle())
        shown += [dialog.duty.itemText(i) for i in range(dialog.duty.count())]
        shown += [dialog.finding.itemText(i) for i in range(dialog.finding.count())]
        assert dialog.finding.itemData(0) == "present"  # stored in English, shown in Chinese
        view.grab().save(str(tmp_path / "duties-view-zh.png"))
        text = "\n".join(shown)
        assert "部分有" in text and "用户协议" in text and "重新检查" in text
        assert _english_words(text) == [], _english_words(text)
        # back in English the same view speaks English again
        languages.apply("en")
        QCoreApplication.processEvents()
        assert QLocale().language() != QLocale.Language.Chinese
        assert view.refresh_button.text() == "Re-check"
        assert view.tree.topLevelItem(0).text(1) in ("partial", "present", "absent")
    finally:
        languages.apply("en")
        session.close()
