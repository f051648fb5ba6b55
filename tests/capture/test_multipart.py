"""One multipart parser (app.capture.multipart) behind redaction and prompt finding."""

from __future__ import annotations

from app.capture.multipart import split_form_data
from app.capture.prompt_finding import find_prompt
from app.capture.redaction import REDACTED, redact_multipart

BODY = (
    b"preamble\r\n"
    b"--B\r\n"
    b'Content-Disposition: form-data; name="prompt"\r\n\r\n'
    b"a red fox\r\n"
    b"--B\r\n"
    b'Content-Disposition: form-data; name="api_key"\r\n\r\n'
    b"sk-secret\r\n"
    b"--B\r\n"
    b'Content-Disposition: form-data; name="init"; filename="x.png"\r\n'
    b"Content-Type: image/png\r\n\r\n"
    b"\x89PNG\r\n\x1a\n\x00\xff\r\n"
    b"--B\r\n"
    b'Content-Type: text/plain; name="notaname"\r\n\r\n'
    b"no disposition\r\n"
    b"--B--\r\n"
)


def test_fields_are_the_named_non_file_parts_and_the_pieces_join_to_the_body() -> None:
    form = split_form_data(BODY, 'multipart/form-data; BOUNDARY="B"')
    assert form is not None
    assert [(f.name, f.text()) for f in form.fields] == [
        ("prompt", "a red fox"),
        ("api_key", "sk-secret"),
    ]
    assert form.fields[0].value == b"a red fox\r\n"  # the raw value keeps its line end
    assert form.join() == BODY
    assert split_form_data(BODY, "multipart/form-data") is None


def test_text_trims_line_ends_and_decodes_leniently() -> None:
    body = b'--B\r\nContent-Disposition: form-data; name="p"\r\n\r\nhi \xff\r\n--B--'
    form = split_form_data(body, "multipart/form-data; boundary=B")
    assert form is not None and form.fields[0].text() == "hi \ufffd"


def test_redaction_and_prompt_finding_read_the_same_fields() -> None:
    ctype = "multipart/form-data; boundary=B"
    found = find_prompt("POST", "http://x/", ctype, BODY)
    assert found is not None and found.prompt == "a red fox" and found.source == "multipart:prompt"
    clean, names = redact_multipart(BODY, ctype)
    assert names == ["api_key"]
    assert b"sk-secret" not in clean and REDACTED.encode() + b"\r\n--B" in clean
    assert clean.replace(REDACTED.encode(), b"sk-secret") == BODY  # every other byte kept
    assert redact_multipart(BODY, "multipart/form-data") == (BODY, [])
    # A name outside the Content-Disposition line is no field name, for both readers.
    only_type = b'--B\r\nContent-Type: text/plain; name="prompt"\r\n\r\na cat\r\n--B--'
    assert find_prompt("POST", "http://x/", ctype, only_type) is None
