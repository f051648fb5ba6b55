"""Redaction by design (#12 item 6): credentials planted every way a site or an API can carry
them never reach the case or an exported bundle in any spelling, and the record names what
was redacted.

A real headless capture of the demo site's ``/leaky`` page (proxy password in the environment,
``Ocp-Apim-Subscription-Key``, ``X-Goog-Api-Key``, ``api_key=`` and ``X-Amz-Signature=`` in
URLs, body fields ``sid``/``auth``, a response ``session`` field, an HttpOnly session cookie)
and a real campaign against the loopback campaign server (``Set-Cookie``, the API key echoed
JSON-escaped with ``\\/`` and ``\\uXXXX``, URL-encoded and in base64). Then every byte of the
case folder (database, WAL, objects, the WARC inside the WACZ unzipped and gunzipped, the
MHTML decoded) and of an exported bundle (folder, zip members, PDF text and uncompressed
streams) is searched for every planted secret in every form.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import quopri
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from app.capture.campaigns import Credential, run_campaign
from app.capture.redaction import (
    REDACTED,
    is_secret_field,
    is_secret_header,
    is_secret_param,
    redact_body,
    redact_mhtml,
    redact_url,
    redact_value,
    secret_forms,
)
from app.core.case import Case
from app.demo.site import DemoSite
from app.report.export import ExportJob
from app.report.model import ExportOptions
from tests.capture.campaign_server import CampaignServer
from tests.capture.conftest import REPO, cli_command, subprocess_env
from tests.capture.test_campaign_run import fast, spec_for

PROXY_PASSWORD = "proxypass" + "7c1e9b2f4d"
CAMPAIGN_KEY = "sk-proof/shot+" + "9f8e7d6c5b4a39281706f5e4"


# -- every spelling, computed here independently of the code under test -------------------------


def forms_of(secret: str) -> set[bytes]:
    raw = secret.encode("utf-8")
    forms = {
        secret,
        quote(secret, safe=""),
        quote_plus(secret, safe=""),
        json.dumps(secret)[1:-1],
        secret.replace("/", "\\/"),
        "".join(f"\\u{ord(c):04x}" for c in secret),
    }
    for enc in (base64.b64encode, base64.urlsafe_b64encode):
        full = enc(raw).decode()
        forms |= {full, full.rstrip("=")}
        for shift in (1, 2):  # inside a longer base64 string, at each byte alignment
            text = enc(b"\0" * shift + raw).decode().rstrip("=")
            forms.add(text[(shift * 8 + 5) // 6 : ((shift + len(raw)) * 8) // 6])
        forms.add(full[: (len(raw) * 8) // 6])
    return {f.encode() for f in forms if len(f) >= 8}


def haystacks(root: Path) -> Iterator[tuple[str, bytes]]:
    """Every file under root, plus what it holds: gzip and zip members (recursively), the
    decoded text of MHTML (quoted-printable), the text and uncompressed streams of PDFs."""
    for path in sorted(root.rglob("*")):
        if path.is_file():
            yield from _expand(str(path), path.read_bytes())


def _expand(name: str, data: bytes) -> Iterator[tuple[str, bytes]]:
    yield name, data
    if data[:2] == b"\x1f\x8b":
        try:
            yield from _expand(name + "!gunzip", gzip.decompress(data))
        except (OSError, EOFError):
            pass
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for member in zf.namelist():
                yield from _expand(f"{name}!{member}", zf.read(member))
    if b"MIME-Version" in data[:2000] and b"quoted-printable" in data:
        yield name + "!quoted-printable", quopri.decodestring(data)
    if data[:5] == b"%PDF-":
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=data, capture_output=True, timeout=60
        ).stdout
        yield name + "!pdftotext", text
        flat = subprocess.run(
            ["qpdf", "--stream-data=uncompress", "--object-streams=disable", "-", "-"],
            input=data,
            capture_output=True,
            timeout=60,
        ).stdout
        yield name + "!qpdf-uncompressed", flat


def assert_nowhere(roots: list[Path], secrets: dict[str, str]) -> int:
    """Search; returns how many files and members were searched (so a test sees it ran)."""
    forms = {name: forms_of(value) for name, value in secrets.items()}
    searched = 0
    for root in roots:
        for where, data in haystacks(root):
            searched += 1
            for name, spellings in forms.items():
                for form in spellings:
                    assert form not in data, f"planted {name} found in {where} as {form!r}"
    return searched


def export_bundle(case_path: Path, out: Path) -> Path:
    ExportJob(case_path, ExportOptions(out=out), tsas=[]).run()
    assert any(out.rglob("*.pdf")), "the export made no PDF"
    return out


# -- the rules themselves ------------------------------------------------------------------------


def test_the_deny_lists_cover_the_names_of_issue_12() -> None:
    for name in (
        "Ocp-Apim-Subscription-Key",
        "X-Goog-Api-Key",
        "X-Api-Key",
        "Authorization",
        "Proxy-Authorization",
        "Cookie",
        "Set-Cookie",
        "X-Amz-Security-Token",
        "X-Auth-Token",
        "X-Session-Id",
        "X-Client-Secret",
    ):
        assert is_secret_header(name), name
    for name in ("Content-Type", "Accept", "Access-Control-Allow-Credentials", "Author"):
        assert not is_secret_header(name), name
    for name in ("key", "api_key", "apikey", "token", "access_token", "sig", "signature"):
        assert is_secret_param(name), name
    for name in ("X-Amz-Signature", "X-Amz-Credential", "X-Goog-Signature", "sid"):
        assert is_secret_param(name), name
    for name in ("prompt", "format", "size", "page", "job_id"):
        assert not is_secret_param(name), name
    for name in ("password", "sid", "auth", "session", "token", "api_key", "sessionId"):
        assert is_secret_field(name), name
    for name in ("prompt", "negative_prompt", "author", "compass", "passage", "job_id"):
        assert not is_secret_field(name), name


def test_redaction_changes_only_the_secret_values_and_names_them() -> None:
    url, names = redact_url("https://u:pw@h.example/a?x=1&api_key=S1&X-Amz-Signature=S2#f")
    assert "pw" not in url and "S1" not in url and "S2" not in url
    assert url.startswith("https://h.example/a?x=1&api_key=") and url.endswith("#f")
    assert names == ["url userinfo", "url parameter api_key", "url parameter X-Amz-Signature"]
    body = b'{\n  "prompt": "sid: keep me",\n  "nested": {"auth": "S3", "n": 2},\n  "sid": 42\n}'
    clean, fields = redact_body(body, "text/plain")
    assert clean == body.replace(b'"S3"', f'"{REDACTED}"'.encode()).replace(
        b": 42", f': "{REDACTED}"'.encode()
    )
    assert fields == ["auth", "sid"]
    form = (
        b'--B\r\nContent-Disposition: form-data; name="prompt"\r\n\r\na cat\r\n'
        b'--B\r\nContent-Disposition: form-data; name="password"\r\n\r\nS5\r\n'
        b'--B\r\nContent-Disposition: form-data; name="f"; filename="a.png"\r\n\r\n\xff\xfe\r\n'
        b"--B--\r\n"
    )
    clean, fields = redact_body(form, "multipart/form-data; boundary=B")
    assert clean == form.replace(b"S5", REDACTED.encode()) and fields == ["password"]
    png = b"\x89PNG\r\n\x1a\n" + b"api_key=S4"
    assert redact_body(png, "image/png") == (png, [])
    for form in forms_of(CAMPAIGN_KEY):
        assert form.decode() in secret_forms(CAMPAIGN_KEY) or any(
            form.decode() in f for f in secret_forms(CAMPAIGN_KEY)
        )


def test_records_keep_proofshots_own_keys_and_lose_credentials() -> None:
    facts = {
        "session_id": "3f1c",
        "tls": {"server_signature_algorithm": 2052},
        "request_headers": {"X-Goog-Api-Key": "S6", "Accept": "*/*"},
        "problems": ["could not load http://h/x?token=S7&a=1"],
        "sid": 12345,
    }
    clean, names = redact_value(facts)
    assert clean["session_id"] == "3f1c" and clean["tls"]["server_signature_algorithm"] == 2052
    assert clean["request_headers"] == {"X-Goog-Api-Key": REDACTED, "Accept": "*/*"}
    assert "S7" not in clean["problems"][0] and clean["sid"] == REDACTED
    assert sorted(names) == ["problems[0]", "request_headers.X-Goog-Api-Key", "sid"]


def test_mhtml_parts_are_decoded_redacted_and_reencoded() -> None:
    html = '<img src="/p.png?api_key=ABCDEFGH12345678&amp;n=1">' + "x" * 90
    qp = quopri.encodestring(html.encode()).decode()
    assert "=3DABCDEFGH" in qp  # the secret is split from its name by the encoding
    mhtml = (
        "From: <Saved by Blink>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/related; type="text/html"; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: quoted-printable\r\n"
        "Content-Location: http://127.0.0.1/p?token=ZYXWVUTS87654321\r\n\r\n"
        f"{qp}\r\n--B--\r\n"
    ).encode()
    clean, names = redact_mhtml(mhtml)
    assert b"ABCDEFGH12345678" not in quopri.decodestring(clean)
    assert b"ZYXWVUTS87654321" not in clean
    assert "parameter api_key" in names and "url parameter token" in names


# -- a real capture --------------------------------------------------------------------------------


@pytest.mark.qt
def test_a_capture_of_a_leaky_page_stores_no_planted_secret_in_case_or_bundle(
    demo_site: DemoSite, case_path: Path, tmp_path: Path
) -> None:
    env = subprocess_env()
    env["HTTPS_PROXY"] = f"http://proxyuser:{PROXY_PASSWORD}@127.0.0.1:1"
    done = subprocess.run(
        cli_command(
            "capture",
            str(case_path),
            demo_site.url + "/leaky",
            "--wait-for",
            "#leaky-done",
            "--settle",
            "0.5",  # network quiet after the wait-for step (which already saw the result)
            "--json",
        ),
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    planted = dict(demo_site.planted)
    # The page really sent them (else finding nothing would prove nothing).
    paths = " ".join(r.path for r in demo_site.requests)
    assert planted["api_key"] in paths and planted["amz_signature"] in paths

    with Case.open(case_path) as case:
        kinds = {r[0] for r in case.conn.execute("SELECT kind FROM items")}
        assert {"web-archive", "page-mhtml", "page-html", "environment"} <= kinds
        # The names of what was redacted are recorded (names, never values).
        (env_sha,) = case.conn.execute(
            "SELECT sha256 FROM items WHERE kind = 'environment'"
        ).fetchone()
        environment = json.loads(case.objects.path_for(env_sha).read_bytes())
        assert environment["session_id"] != REDACTED and len(environment["session_id"]) >= 16
        (session_facts,) = case.conn.execute(
            "SELECT facts FROM captures WHERE kind = 'session'"
        ).fetchone()
        assert json.loads(session_facts)["session_id"] == environment["session_id"]
        (page_facts,) = case.conn.execute(
            "SELECT facts FROM captures WHERE kind = 'page'"
        ).fetchone()
        # The image shown is matched to its (redacted) exchange, so it keeps its network facts.
        (shown,) = [i for i in json.loads(page_facts)["images"] if "leaky.png" in i["url"]]
        assert shown["source"] == "network (recorded exchange)", shown
        assert "HTTPS_PROXY" in environment["proxy"]["userinfo_removed"]
        assert environment["proxy"]["environment"]["HTTPS_PROXY"] == "http://127.0.0.1:1"
        (dom_facts,) = case.conn.execute(
            "SELECT source_facts FROM items WHERE kind = 'page-html'"
        ).fetchone()
        assert "parameter api_key" in json.loads(dom_facts)["redacted"]
        (wacz_sha,) = case.conn.execute(
            "SELECT sha256 FROM items WHERE kind = 'web-archive'"
        ).fetchone()
        wacz = case.objects.path_for(wacz_sha).read_bytes()
    redacted: set[str] = set()
    warc_headers = b""
    for name, data in _expand("wacz", wacz):
        if name.endswith("!gunzip") and data.startswith(b"WARC/1."):
            warc_headers += data
            for line in data.split(b"\r\n"):
                if line.startswith(b'{"') and b'"redacted"' in line:
                    redacted.update(json.loads(line)["redacted"])
    for expected in (
        "request header Ocp-Apim-Subscription-Key",
        "request header X-Goog-Api-Key",
        "request header Cookie",
        "response header Set-Cookie",
        "url: url parameter api_key",
        "url: url parameter X-Amz-Signature",
        "request body sid",
        "request body auth",
        "response body session",
        "response body api_key",
        "response body parameter X-Amz-Signature",
    ):
        assert expected in redacted, (expected, sorted(redacted))
    assert b"WARC-Proofshot-Redacted: body: credentials replaced" in warc_headers

    bundle = export_bundle(case_path, tmp_path / "bundle")
    secrets = {**planted, "proxy password": PROXY_PASSWORD}
    searched = assert_nowhere([case_path, bundle], secrets)
    assert searched > 20


# -- a real campaign --------------------------------------------------------------------------------


def test_a_campaign_stores_neither_the_key_in_any_spelling_nor_the_cookie(
    tmp_path: Path,
) -> None:
    case_path = tmp_path / "Campaign.proofshot"
    with CampaignServer(api_key=CAMPAIGN_KEY) as server:
        server.plan("leaky answer", "leak")
        server.plan("signed answer", "signed-url")
        with Case.create(case_path, title="Campaign", operator="Tess Tester") as case:
            result = run_campaign(
                case,
                spec_for(server.url, "leaky answer\nsigned answer\n"),
                Credential(CAMPAIGN_KEY, "test"),
                fast(),
            )
            assert result.complete and result.failed == 0
            assert server.generation_requests()[0].header("Authorization") == (
                f"Bearer {CAMPAIGN_KEY}"
            )
            (sha,) = case.conn.execute(
                "SELECT sha256 FROM items WHERE kind = 'api-exchange'"
                " AND json_extract(source_facts, '$.prompt_index') = 0"
            ).fetchone()
            sources = [r[0] for r in case.conn.execute("SELECT source FROM items")]
            doc = json.loads(case.objects.path_for(sha).read_text("utf-8"))
        cookie = server.cookie
    response = doc["round_trips"][0]["response"]
    headers = dict(response["headers"])
    assert headers["Set-Cookie"] == REDACTED
    assert "Set-Cookie" in response["redacted"] and "body session" in response["redacted"]
    assert response["body_redacted"] and "body_sha256" not in response
    fingerprint = Credential(CAMPAIGN_KEY, "test").fingerprint
    answer = json.loads(response["body_text"])
    for field in ("echo_slash", "echo_unicode", "b64", "b64url"):
        assert answer[field] == f"[REDACTED credential sha256:{fingerprint}]", field
    assert f"sha256:{fingerprint}" in answer["blob"]
    # The signed output URL is the item's source, with its signature redacted.
    signed = [s for s in sources if "se=2030-01-01" in s]
    assert len(signed) == 1 and "sig=%5Bredacted" in signed[0]
    bundle = export_bundle(case_path, tmp_path / "bundle")
    searched = assert_nowhere([case_path, bundle], {"key": CAMPAIGN_KEY, "cookie": cookie})
    assert searched > 5
