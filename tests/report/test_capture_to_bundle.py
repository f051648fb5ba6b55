"""End to end: capture an AI site over HTTPS on loopback, export, and read the filing PDF.

The demo AI site is served with a throwaway self-signed certificate; the capture runs in a
child ``proofshot capture`` whose browser accepts it only because the test session passes
``--ignore-certificate-errors`` (tests/capture/conftest.py). No TSA is configured, so the
declaration must claim no timestamp. The facts the recorder wrote on the capture's own
connection (server IP, TLS subject and issuer), the operator, the prompt and the output's
SHA-256 must all reach the PDF text.
"""

from __future__ import annotations

import hashlib
import json
import re
import ssl
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.capture import store
from app.core.case import Case
from app.demo.site import DemoSite
from app.report.export import ExportJob
from app.report.model import ExportOptions
from tests.capture.conftest import REPO, cli_command, subprocess_env
from tests.capture.test_tls_facts import COMMON_NAME, make_certificate
from tests.report.conftest import pdftotext

pytestmark = pytest.mark.qt

PROMPT = "生成星光侠, 插画风格"
OPERATOR = "Ada Analyst"


@pytest.fixture
def https_demo_site(tmp_path: Path) -> Iterator[tuple[DemoSite, str]]:
    cert_path, key_path, _ = make_certificate(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    site = DemoSite(port=0)
    site.start()
    server = site._server  # the demo site's own server, its listening socket put under TLS
    assert server is not None
    server.socket = context.wrap_socket(server.socket, server_side=True)
    try:
        yield site, f"https://127.0.0.1:{site.port}"
    finally:
        site.stop()


def capture_demo(case_path: Path, url: str, prompt: str = PROMPT) -> dict:
    """A headless ``proofshot capture --json`` of the demo site's one prompt; its parsed report."""
    done = subprocess.run(
        cli_command(
            "capture",
            str(case_path),
            url + "/",
            "--fill",
            "#prompt",
            prompt,
            "--click",
            "#generate",
            "--wait-for",
            "#results img",
            "--settle",
            "0.5",  # network quiet after the wait-for step (which already saw the result)
            "--json",
        ),
        cwd=REPO,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def _section(text: str, start: str, end: str) -> str:
    begin = text.index(start)
    return text[begin : text.index(end, begin)]


def test_https_capture_exported_without_a_tsa_states_its_facts_and_claims_no_timestamp(
    https_demo_site: tuple[DemoSite, str], tmp_path: Path
) -> None:
    site, url = https_demo_site
    case_path = tmp_path / "E2E.proofshot"
    Case.create(case_path, title="End to end", operator=OPERATOR).close()
    result = capture_demo(case_path, url)
    (gen,) = result["generations"]
    assert gen["prompt"] == PROMPT
    job = site.jobs.get(gen["job_id"])
    assert job is not None
    served = hashlib.sha256(job.images[0]).hexdigest()
    assert served in gen["outputs"]
    with Case.open(case_path, read_only=True) as case:
        recorded = store.list_generations(case)[0]
        output_item = recorded.outputs[0]["item_id"]

    out = tmp_path / "out"
    exported = ExportJob(
        case_path, ExportOptions(out=out, profile="both", lang="en"), tsas=[]
    ).run()
    text = pdftotext(exported.filing[0])
    flat = " ".join(text.split())
    squashed = re.sub(r"\s+", "", text)

    assert "127.0.0.1" in flat  # the server IP, from the capture's own connection
    assert f"TLS certificate subject {COMMON_NAME}" in flat
    assert f"TLS certificate issuer {COMMON_NAME}" in flat
    assert f"naming {COMMON_NAME} issued by {COMMON_NAME}" in flat  # and in the declaration
    assert f"Operator {OPERATOR}" in flat
    assert PROMPT in flat
    assert served in squashed  # the exhibit's SHA-256, as served by the site
    assert f"item {output_item} " in flat or served in squashed

    declaration = " ".join(
        _section(text, "DECLARATION OF", "I declare under penalty of perjury").split()
    )
    for claim in (
        "RFC 3161 timestamp tokens from",
        "attest that the digests existed",
        "The custody log was sealed",
        "Every exhibited file carries at least one trusted timestamp",
    ):
        assert claim not in declaration, claim
    assert "No trusted timestamp was obtained for any exhibited file" in declaration
    assert "The custody log was not sealed with a trusted timestamp" in declaration
    assert "the trusted timestamps and the custody log" not in flat  # the cover, too
    assert "NOTICE OF INFRINGING" not in flat  # the notice is a separate draft
    # without a TSA nothing anchors the bundle: verify-bundle says so and exits 2
    assert exported.archive_folder is not None
    checked = subprocess.run(
        [sys.executable, "-m", "app", "verify-bundle", str(exported.archive_folder)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert checked.returncode == 2, checked.stdout + checked.stderr
    assert "INTACT, UNANCHORED" in checked.stdout
