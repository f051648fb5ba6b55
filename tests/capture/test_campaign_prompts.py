"""Prompt lists are read verbatim, in any language, from text or CSV files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from app.capture.campaigns.prompts import PromptEntry, PromptFileError, load_prompts, parse_prompts


def test_text_list_skips_blank_lines_and_comments_and_keeps_prompts_verbatim() -> None:
    data = (
        "\ufeff# Ultraman-style prompts\n"
        "生成星光侠\n"
        "\n"
        "   \n"
        "  # an indented comment\n"
        "星光侠拼接长发  \r\n"
        "  leading spaces kept\n"
        "\\#hashtag prompt\n"
        "a line\u2028with a Unicode line separator inside\n"
    ).encode()
    plist = parse_prompts(data, "p.txt")
    assert [e.prompt for e in plist.entries] == [
        "生成星光侠",
        "星光侠拼接长发  ",
        "  leading spaces kept",
        "#hashtag prompt",
        "a line\u2028with a Unicode line separator inside",
    ]
    assert all(e.negative_prompt is None for e in plist.entries)
    assert plist.sha256 == hashlib.sha256(data).hexdigest()
    assert plist.file_format == "text"


def test_csv_list_reads_prompt_and_negative_prompt_columns_including_multiline_cells(
    tmp_path: Path,
) -> None:
    path = tmp_path / "prompts.csv"
    path.write_text(
        'id,Prompt,negative_prompt\n1,生成插画风格的星光侠,"lowres, blurry"\n2,"two\nlines",\n3,,ignored\n',
        "utf-8",
    )
    plist = load_prompts(path)
    assert plist.entries == (
        PromptEntry("生成插画风格的星光侠", "lowres, blurry"),
        PromptEntry("two\nlines", None),
    )
    assert plist.file_format == "csv"
    assert plist.source_name == "prompts.csv"


def test_csv_without_a_prompt_column_is_refused_with_the_columns_found(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("text,negative\nhello,\n", "utf-8")
    with pytest.raises(PromptFileError, match=r"no 'prompt' column.*text, negative"):
        load_prompts(path)


def test_a_file_that_is_not_utf8_is_refused_naming_the_line() -> None:
    data = b"first\n" + "第二行".encode("gb18030") + b"\n"
    with pytest.raises(PromptFileError, match="line 2"):
        parse_prompts(data, "gbk.txt")


def test_a_file_with_only_comments_is_refused() -> None:
    with pytest.raises(PromptFileError, match="no prompts"):
        parse_prompts(b"# nothing here\n\n", "empty.txt")


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(PromptFileError, match="cannot be read"):
        load_prompts(tmp_path / "nope.txt")


def test_operator_files_over_their_size_are_refused_by_name(tmp_path: Path) -> None:
    """A prompt list, study protocol or answers file that is really a huge blob is refused with
    a sentence naming the file, after reading no more than its limit."""
    from app.capture.campaigns import prompts
    from app.capture.study.protocol import MAX_PROTOCOL_BYTES, ProtocolError, load_protocol
    from app.capture.study.review import MAX_ANSWERS_BYTES, AnswersFileError, load_answers

    def blob(name: str, size: int) -> Path:
        path = tmp_path / name
        with open(path, "wb") as f:
            f.truncate(size)
        return path

    big = blob("prompts.txt", prompts.MAX_PROMPT_FILE_BYTES + 1)
    with pytest.raises(PromptFileError, match=r"prompts\.txt cannot be read \(larger than"):
        load_prompts(big)
    big = blob("study.toml", MAX_PROTOCOL_BYTES + 1)
    with pytest.raises(ProtocolError, match=r"study\.toml cannot be read \(larger than"):
        load_protocol(big)
    big = blob("answers.json", MAX_ANSWERS_BYTES + 1)
    with pytest.raises(AnswersFileError, match=r"answers\.json cannot be read \(larger than"):
        load_answers(None, None, big)  # type: ignore[arg-type]
    from app.capture.campaigns.profiles import ProfileError
    from app.cli.campaign import MAX_PROFILE_CONFIG_BYTES, _profile_config

    big = blob("profile.json", MAX_PROFILE_CONFIG_BYTES + 1)
    with pytest.raises(ProfileError, match=r"profile\.json cannot be read as JSON \(.*larger than"):
        _profile_config(str(big))
    with pytest.raises(ProfileError, match="not a regular file"):
        _profile_config("/dev/zero")
