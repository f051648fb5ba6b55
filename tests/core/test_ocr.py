"""OCR of screenshots: a derived, logged record; search finds it; the evidence is untouched."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from app.core import ocr
from app.core.case import Case
from app.core.ingest import Acquisition, commit_prepared, prepare_bytes
from app.core.items import ItemFilter, item_state, list_items
from app.core.jobs import CancelToken
from tests.core.helpers import run_cli
from tests.core.ocr_shots import SHOTS, png, render, write_all


@pytest.fixture(scope="module")
def ocr_case(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int], dict]:
    """The rendered screenshots imported by the CLI and recognised by ``proofshot ocr``."""
    base = tmp_path_factory.mktemp("ocr")
    shots = write_all(base / "in")
    case = base / "Ocr.proofshot"
    run_cli("init", case, "--title", "OCR matter", "--operator", "Olga", check=True)
    run_cli("import", case, base / "in", "--json", check=True)
    listed = json.loads(run_cli("list", case, "--json", check=True).stdout)
    ids = {e["source_facts"]["name"]: e["id"] for e in listed}
    assert set(ids) == set(shots)
    result = run_cli("ocr", case, "--json")
    assert result.returncode == 0, result.stderr
    return case, ids, json.loads(result.stdout)


def test_ocr_is_a_logged_derived_record_naming_engine_and_models(ocr_case) -> None:
    case, ids, out = ocr_case
    assert sorted(out["recognised"]) == sorted(ids.values()) and out["failed"] == {}
    engine = out["engine"]
    assert engine["engine"] == "tesseract" and engine["version"].startswith("5.")
    tessdata = Path("/usr/share/tesseract-ocr/5/tessdata")
    for name, digest in engine["models"].items():
        assert hashlib.sha256((tessdata / name).read_bytes()).hexdigest() == digest
    assert {"chi_sim.traineddata", "chi_tra.traineddata", "jpn.traineddata"} <= set(
        engine["models"]
    )
    by_item = {rec["item_id"]: rec for rec in out["items"]}
    mj = by_item[ids["mj-discord-zh.png"]]
    assert mj["lines"] and all(
        len(ln["box"]) == 4 and 0 <= ln["confidence"] <= 100 for ln in mj["lines"]
    )
    assert "platform:Midjourney" in mj["suggested_tags"]
    log = run_cli("log", case, "--json").stdout
    assert log.count("item.ocr-recognised") == len(ids)
    # Running again recognises nothing new; --redo adds a new row, never rewrites one.
    again = json.loads(run_cli("ocr", case, "--json").stdout)
    assert again["recognised"] == [] and sorted(again["skipped"]) == sorted(ids.values())


@pytest.mark.parametrize("shot", SHOTS, ids=[s.name for s in SHOTS])
def test_every_prompt_is_found_by_list_text_and_marked_as_ocr(ocr_case, shot) -> None:
    case, ids, _ = ocr_case
    found = json.loads(run_cli("list", case, "--text", shot.prompt, "--json", check=True).stdout)
    assert [e["id"] for e in found] == [ids[shot.name]]
    assert found[0]["ocr_match"] is True
    text = run_cli("list", case, "--text", shot.prompt, check=True).stdout
    assert "[OCR]" in text


def test_search_is_not_fooled_and_short_queries_work(ocr_case) -> None:
    case, ids, _ = ocr_case
    assert json.loads(run_cli("list", case, "--text", "不存在的文字", "--json").stdout) == []
    short = json.loads(run_cli("list", case, "--text", "即梦", "--json").stdout)
    assert [e["id"] for e in short] == [ids["jimeng-zh.png"]]
    with Case.open(case, read_only=True) as c:
        hits = list_items(c, ItemFilter(text="LIGHTHOUSE made of glass"))
        assert [i.id for i in hits] == [ids["discord-en.png"]]


def test_show_json_includes_the_ocr_text_and_items_stay_intact(ocr_case, tmp_path: Path) -> None:
    case, ids, _ = ocr_case
    shown = json.loads(run_cli("show", case, str(ids["chatgpt-en.png"]), "--json").stdout)
    assert "an astronaut riding a red horse on Mars" in shown["ocr"]["text"]
    assert shown["ocr"]["note"].startswith("machine-recognised")
    assert "Olga" not in shown["ocr"]["text"]
    assert "item.ocr-recognised" in [e["action"] for e in shown["events"]]
    # The item's bytes and hash are what was imported.
    for shot in SHOTS:
        data = png(shot)
        digest = hashlib.sha256(data).hexdigest()
        assert (case / "objects" / "sha256" / digest[:2] / digest).read_bytes() == data
    verified = run_cli("verify", case, "--json")
    assert verified.returncode == 0, verified.stdout
    assert json.loads(verified.stdout)["intact"] is True


def test_ocr_rows_are_insert_only(ocr_case) -> None:
    case, _, _ = ocr_case
    conn = sqlite3.connect(case / "case.sqlite")
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("UPDATE ocr_results SET text = 'forged'")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("DELETE FROM ocr_results")
    finally:
        conn.close()


def _screenshot_case(tmp_path: Path, shot_index: int = 0) -> tuple[Case, int]:
    case = Case.create(tmp_path / "P.proofshot", operator="Olga")
    prepared = prepare_bytes(
        case.objects,
        png(SHOTS[shot_index]),
        Acquisition(kind="screenshot", method="screen-capture", source="screen"),
    )
    [result] = commit_prepared(case, [prepared])
    return case, result.item_id


def test_prompt_recovery_is_an_operator_note_never_a_recorded_prompt(tmp_path: Path) -> None:
    case, item_id = _screenshot_case(tmp_path)
    with case:
        outcome = ocr.OcrJob(case, workers=1).run()
        assert outcome.recognised == [item_id]
        record = ocr.latest(case, [item_id])[item_id]
        offered = ocr.suggest_prompt(record)
        assert offered is not None
        assert ocr.search_form(offered) == ocr.search_form("生成奥特曼，站在城市里")
        # A region marked around the third line gives that line's text.
        line = next(ln for ln in record.lines if "城市" in ln.text)
        left, top, width, height = line.box
        marked = ocr.suggest_prompt(record, (left - 5, top - 5, width + 10, height + 10))
        assert marked == line.text
        ocr.add_recovered_prompt(case, item_id, offered, ocr_id=record.id, actor="Olga")
        state = item_state(case, item_id)
        assert state.notes[-1]["text"] == ocr.OCR_PROMPT_PREFIX + offered
        event = case.conn.execute(
            "SELECT payload FROM events WHERE action = 'item.ocr-prompt-confirmed'"
        ).fetchone()
        facts = json.loads(event[0])["facts"]
        assert facts["captured"] is False and facts["recovered_by"] == "ocr"
        # Never a recorded prompt: no generation row, provenance untouched.
        assert case.conn.execute("SELECT COUNT(*) FROM generations").fetchone()[0] == 0
        with pytest.raises(ocr.ProofshotError):
            ocr.add_recovered_prompt(case, item_id, "x", ocr_id=record.id + 99)


def test_cancel_keeps_what_was_recognised(tmp_path: Path) -> None:
    case, first = _screenshot_case(tmp_path)
    with case:
        for index in (1, 2, 3):
            prepared = prepare_bytes(
                case.objects, png(SHOTS[index]), Acquisition(kind="screenshot", source="screen")
            )
            commit_prepared(case, [prepared])
        token = CancelToken()
        stored: list[int] = []

        def on_stored(item_id: int) -> None:
            stored.append(item_id)
            token.cancel()

        outcome = ocr.OcrJob(case, workers=2, on_stored=on_stored).run(cancel=token)
        assert outcome.cancelled and outcome.recognised == stored == [first]
        assert set(ocr.latest(case)) == {first}


def test_tsv_lines_and_cer() -> None:
    tsv = (
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
        "5\t1\t1\t1\t1\t1\t10\t20\t30\t10\t96\tPrompt:\n"
        "5\t1\t1\t1\t1\t2\t45\t21\t20\t10\t90\tcat\n"
        "5\t1\t1\t1\t2\t1\t10\t40\t12\t10\t91\t生成\n"
        "5\t1\t1\t1\t2\t2\t22\t40\t12\t10\t12\tnoise\n"
        "5\t1\t1\t1\t2\t3\t34\t40\t12\t10\t93\t猫\n"
    )
    lines = ocr.parse_tsv(tsv)
    assert [ln.text for ln in lines] == ["Prompt: cat", "生成猫"]
    assert lines[0].box == (10, 20, 55, 11)
    assert ocr.prompt_candidates(lines) == ["cat"]
    assert ocr.character_error_rate("生成奥特曼，站在城市里", "生成奥特曼,站在城市里") == 0.0
    assert ocr.character_error_rate("abcd", "abed") == 0.25
    assert render(SHOTS[0]).size == (1920, 1080)


@pytest.mark.parametrize("font_px", [24, 36])
def test_each_script_is_read_with_its_own_model(font_px: int) -> None:
    """Simplified text keeps simplified forms (the mixed pass read 奧 for 奥, 変 for 变),
    traditional keeps traditional, and the short last Japanese line is not dropped."""
    if not ocr.in_process():
        pytest.skip("the script passes run with the in-process engine (tesserocr)")
    texts = {shot.name: ocr.recognise(render(shot, font_px=font_px)).text for shot in SHOTS}
    simplified = ocr.normalise(texts["mj-discord-zh.png"])
    assert "生成奥特曼,站在城市里" in simplified and "奧" not in simplified
    assert "提示词" in simplified and "变化" in simplified
    assert "请" not in texts["tw-zh.png"] and "請畫一隻貓在月亮上睡覺" in texts["tw-zh.png"]
    assert texts["jp.png"].splitlines()[-1] == "生成する"
    assert "an astronaut riding a red horse on Mars" in texts["chatgpt-en.png"]


def test_engines_are_loaded_once_and_reused() -> None:
    if not ocr.in_process():
        pytest.skip("the engine pool belongs to the in-process engine (tesserocr)")
    image = render(SHOTS[0])
    ocr.recognise(image)
    counts = {order: len(apis) for order, apis in ocr._idle_engines.items()}
    ocr.recognise(image)
    assert {order: len(apis) for order, apis in ocr._idle_engines.items()} == counts
    assert ("chi_sim", "eng") in counts and ("chi_tra", "eng") in counts


def test_command_line_engine_is_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the binding the system's tesseract program reads the image, same settings."""
    monkeypatch.setattr(ocr, "tesserocr", None)
    ocr.engine_info.cache_clear()
    try:
        info = ocr.engine_info()
        assert "tesserocr" not in info.version and info.version.startswith("5.")
        text = ocr.recognise(render(SHOTS[2])).text
        assert "an astronaut riding a red horse on Mars" in text
    finally:
        ocr.engine_info.cache_clear()


def test_model_files_are_hashed_once_per_path_size_and_mtime(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch asks engine_info() each time; an unchanged model is not read again."""
    hashed: list[Path] = []
    real = ocr.sha256_file

    def counting(path: Path) -> str:
        hashed.append(Path(path))
        return real(path)

    monkeypatch.setattr(ocr, "sha256_file", counting)
    ocr.engine_info.cache_clear()
    try:
        model = tmp_path / "xyz.traineddata"
        model.write_bytes(b"model one")
        first = ocr.model_digest(model)
        assert ocr.model_digest(model) == first and hashed == [model]
        model.write_bytes(b"model two, longer")  # a package update: new size and time
        second = ocr.model_digest(model)
        assert second != first and len(hashed) == 2
        info = ocr.engine_info()
        count = len(hashed)
        assert count == 2 + len(info.models)
        assert ocr.engine_info() == info and len(hashed) == count  # no model read twice
    finally:
        ocr.engine_info.cache_clear()


def test_eligible_items_keeps_the_asked_order_and_refuses_an_unknown_id(tmp_path: Path) -> None:
    from app.core.errors import ItemNotFoundError

    case, first = _screenshot_case(tmp_path)
    with case:
        prepared = prepare_bytes(
            case.objects,
            png(SHOTS[1]),
            Acquisition(kind="screenshot", method="screen-capture", source="screen"),
        )
        [second] = commit_prepared(case, [prepared])
        assert ocr.eligible_items(case) == [first, second.item_id]
        assert ocr.eligible_items(case, [second.item_id, first]) == [second.item_id, first]
        with pytest.raises(ItemNotFoundError):
            ocr.eligible_items(case, [first, 999])


def test_an_asked_item_ocr_cannot_read_is_named_not_silently_dropped(tmp_path: Path) -> None:
    case, _shot = _screenshot_case(tmp_path)
    with case:
        prepared = prepare_bytes(
            case.objects,
            b"plain notes, not an image\n",
            Acquisition(kind="imported-file", method="file-import", source="notes.txt"),
        )
        [text_item] = commit_prepared(case, [prepared])
    path = tmp_path / "P.proofshot"
    out = run_cli("ocr", path, "--items", text_item.item_id, "--json", check=True)
    data = json.loads(out.stdout)
    assert data["not_eligible"] == [text_item.item_id] and data["recognised"] == []
    said = run_cli("ocr", path, "--items", text_item.item_id, check=True).stdout
    assert f"not read: item {text_item.item_id} is withdrawn or not an image OCR reads" in said
