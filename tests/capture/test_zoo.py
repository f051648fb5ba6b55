"""Every delivery pattern of the zoo, through the real browser: the server's truth must match.

For each pattern two prompts are submitted in one recorded session (the steps are
fill, click, wait-for, fill, click, wait-for, as ``proofshot capture`` runs them). Each test
asserts: the prompt verbatim; exactly the images the server made for that prompt bound to
it, with the pattern's rule; no page furniture bound; the two prompts never mix; and no
WARC response record claims a body the archive does not hold.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from app.capture.script import Step, run_script
from app.capture.store import list_generations
from app.capture.warc import FACTS_URN
from app.core.case import Case
from tests.capture.zoo.sites import Zoo

pytestmark = pytest.mark.qt

PROMPTS = ("生成星光侠, 长发, 月光下", "a red fox in the snow, watercolour — 2nd")
RULES = {
    "blob-canvas": "same-response",
    "blob-img": "same-response",
    "hf": "same-response",
    "poll": "job-id",
    "sse": "same-response",
    "ws": "same-response",
    "data-url": "same-response",
    "avif": "same-response",
}


@pytest.fixture
def zoo() -> Iterator[Zoo]:
    with Zoo() as cdn, Zoo(cdn=cdn) as site:
        yield site


def two_prompts(fill: str = "#prompt", click: str = "#go") -> list[Step]:
    steps: list[Step] = []
    for n, prompt in enumerate(PROMPTS, start=1):
        steps += [
            Step("fill", fill, prompt),
            Step("click", click),
            Step("wait", f'.gen[data-n="{n}"]'),
        ]
    return steps


def check_session(case_path: Path, result: Any, zoo: Zoo, rule: str) -> list[Any]:
    truth = zoo.truth
    if zoo.cdn is not None:  # images served by the second origin count for the site
        for prompt, shas in zoo.cdn.truth.images.items():
            truth.images.setdefault(prompt, []).extend(shas)
    assert result.session is not None
    wanted = set(result.session.generation_ids)
    with Case.open(case_path, read_only=True) as case:
        gens = [g for g in list_generations(case) if g.id in wanted]
        wacz_ids = result.session.items["wacz"]
        sha = case.conn.execute("SELECT sha256 FROM items WHERE id = ?", (wacz_ids[0],)).fetchone()
        wacz = case.objects.path_for(sha[0]).read_bytes()
    gens.sort(key=lambda g: g.submitted_at or "")
    assert [g.prompt for g in gens] == list(PROMPTS) == truth.prompts
    furniture = set(truth.furniture)
    for gen in gens:
        served = set(truth.images[gen.prompt])
        assert served, gen.prompt
        bound = [o["sha256"] for o in gen.outputs]
        assert set(bound) == served, (gen.prompt, gen.facts)
        assert len(bound) == len(served)
        assert gen.binding == rule, gen.facts
        assert {o["binding"] for o in gen.facts["outputs"]} == {rule}
        assert not furniture & set(bound)
        assert not any(o["url"].startswith("blob:") for o in gen.facts["outputs"])
    no_false_bodies(wacz)
    return gens


def check_app_session(case_path: Path, result: Any, truth_path: Path) -> list[Any]:
    """A real app's session (tests/capture/zoo/*_app.py): each prompt, in order, bound to
    exactly the images the app wrote to its truth file; the generations are returned."""
    truth = [json.loads(line) for line in truth_path.read_text("utf-8").splitlines()]
    assert [t["prompt"] for t in truth] == list(PROMPTS)
    assert result.session is not None
    with Case.open(case_path, read_only=True) as case:
        gens = [g for g in list_generations(case) if g.id in result.session.generation_ids]
    gens.sort(key=lambda g: g.submitted_at or "")
    assert [g.prompt for g in gens] == list(PROMPTS), [g.facts for g in gens]
    for gen, served in zip(gens, truth, strict=True):
        assert sorted(o["sha256"] for o in gen.outputs) == sorted(served["images"]), gen.facts
    return gens


def no_false_bodies(wacz: bytes) -> None:
    """Every response record's payload is as long as its Content-Length says, and none is an
    empty 200 for a response Chromium measured (grep of the WACZ's WARC)."""
    examined = 0
    with zipfile.ZipFile(io.BytesIO(wacz)) as zf:
        names = [n for n in zf.namelist() if n.endswith(".warc.gz")]
        assert names
        for name in names:
            for record in ArchiveIterator(io.BytesIO(zf.read(name))):
                if record.rec_type != "response":
                    continue
                examined += 1
                payload = record.content_stream().read()
                declared = record.http_headers.get_header("Content-Length")
                assert declared is not None and int(declared) == len(payload)
                status = record.http_headers.get_statuscode()
                if (
                    status == "200"
                    and record.rec_headers.get_header("WARC-Target-URI").find("/api/") >= 0
                ):
                    assert payload, record.rec_headers.get_header("WARC-Target-URI")
    assert examined, "the archive holds no response record to examine"


@pytest.mark.parametrize("pattern", list(RULES))
def test_zoo_pattern_binds_exactly_the_servers_images_to_each_prompt(
    tab: Any, zoo: Zoo, pattern: str
) -> None:
    result = tab.run(
        lambda: run_script(
            tab.client, tab.session, f"{zoo.url}/{pattern}/", two_prompts(), settle=0.5
        ),
        timeout=180,
    )
    assert [s["outcome"] for s in result.steps if s["step"] == "wait"] == ["appeared"] * 2
    gens = check_session(tab.case_path, result, zoo, RULES[pattern])
    assert result.problems == [], result.problems
    if pattern == "poll":  # the related thumbnails were named, and deliberately not bound
        ignored = gens[0].facts.get("ignored_urls", {})
        assert any("/thumbs/" in url for url in ignored)
    if pattern == "sse":  # never a fragment of a token as a URL
        for gen in gens:
            assert not gen.facts.get("missing_outputs"), gen.facts
            assert all(o["url"].startswith(zoo.cdn.url) for o in gen.facts["outputs"])
    if pattern == "ws":
        assert result.session.facts["websockets"]


def test_zoo_blob_canvas_bodies_are_taken_at_the_response_stage(tab: Any, zoo: Zoo) -> None:
    result = tab.run(
        lambda: run_script(
            tab.client, tab.session, f"{zoo.url}/blob-canvas/", two_prompts()[:3], settle=0.5
        ),
        timeout=120,
    )
    assert result.session is not None
    assert result.session.facts["bodies_taken_at_response_stage"] >= 2
    with Case.open(tab.case_path, read_only=True) as case:
        gens = [g for g in list_generations(case) if g.id in result.session.generation_ids]
    facts = gens[0].facts["outputs"]
    assert len(facts) == 1 and facts[0]["sha256"] in zoo.truth.images[PROMPTS[0]]


def test_warc_of_a_websocket_session_holds_the_frames_as_a_resource_record(
    tab: Any, zoo: Zoo
) -> None:
    result = tab.run(
        lambda: run_script(
            tab.client, tab.session, f"{zoo.url}/ws/", two_prompts()[:3], settle=0.5
        ),
        timeout=120,
    )
    assert result.session is not None
    with Case.open(tab.case_path, read_only=True) as case:
        sha = case.conn.execute(
            "SELECT sha256 FROM items WHERE id = ?", (result.session.items["wacz"][0],)
        ).fetchone()[0]
        wacz = case.objects.path_for(sha).read_bytes()
    with zipfile.ZipFile(io.BytesIO(wacz)) as zf:
        warc = next(zf.read(n) for n in zf.namelist() if n.endswith(".warc.gz"))
    records = [
        (r.rec_headers, r.content_stream().read())
        for r in ArchiveIterator(io.BytesIO(warc))
        if r.rec_type == "resource"
    ]
    ws = [(h, body) for h, body in records if h.get_header("WARC-Resource-Type") == "websocket"]
    assert ws and ws[0][0].get_header("WARC-Target-URI").startswith("ws://127.0.0.1")
    lines = [json.loads(line) for line in ws[0][1].decode("utf-8").splitlines()]
    sent = [m for m in lines if m["type"] == "sent"]
    assert any(PROMPTS[0] in m["payloadData"] for m in sent)
    assert any("/media/" in m["payloadData"] for m in lines if m["type"] == "received")
    assert gzip.decompress(warc)  # a valid gzip WARC


def test_without_the_response_stage_a_consumed_body_is_recorded_missing_never_empty(
    tab: Any, zoo: Zoo
) -> None:
    """Interception off (as before #14): the blob-consumed image body is gone from
    Chromium; it must be a named problem and a metadata record, never an empty 200."""
    tab.session.intercept = False
    result = tab.run(
        lambda: run_script(
            tab.client, tab.session, f"{zoo.url}/blob-canvas/", two_prompts()[:3], settle=0.5
        ),
        timeout=120,
    )
    assert result.session is not None
    api = f"{zoo.url}/api/blob-canvas"
    missing = [p for p in result.problems if api in p and "could not be read" in p]
    assert missing, result.problems
    with Case.open(tab.case_path, read_only=True) as case:
        sha = case.conn.execute(
            "SELECT sha256 FROM items WHERE id = ?", (result.session.items["wacz"][0],)
        ).fetchone()[0]
        wacz = case.objects.path_for(sha).read_bytes()
    no_false_bodies(wacz)
    with zipfile.ZipFile(io.BytesIO(wacz)) as zf:
        warc = next(zf.read(n) for n in zf.namelist() if n.endswith(".warc.gz"))
    kinds = []
    for record in ArchiveIterator(io.BytesIO(warc)):
        if record.rec_headers.get_header("WARC-Target-URI") not in (api, FACTS_URN + api):
            continue
        kinds.append(record.rec_type)
        if record.rec_type == "metadata":
            facts = json.loads(record.content_stream().read())
            assert facts["body_missing"]["reported_length"] > 0
            assert facts["response_headers"]
    assert "response" not in kinds and {"request", "metadata"} <= set(kinds)


@pytest.mark.parametrize("pattern", ["blob-img", "ws", "sse"])
def test_zoo_over_tls_on_loopback_binds_with_the_connections_tls_facts(
    tab: Any, tmp_path: Path, pattern: str
) -> None:
    import ssl

    from tests.capture.test_tls_facts import COMMON_NAME, make_certificate

    cert_path, key_path, _cert = make_certificate(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    with Zoo(ssl_context=context) as cdn, Zoo(ssl_context=context, cdn=cdn) as site:
        assert site.url.startswith("https://127.0.0.1:")
        result = tab.run(
            lambda: run_script(
                tab.client, tab.session, f"{site.url}/{pattern}/", two_prompts(), settle=0.5
            ),
            timeout=180,
        )
        gens = check_session(tab.case_path, result, site, RULES[pattern])
    assert result.problems == [], result.problems
    with Case.open(tab.case_path, read_only=True) as case:
        for gen in gens:
            for item in gen.outputs:
                facts = json.loads(
                    case.conn.execute(
                        "SELECT source_facts FROM items WHERE id = ?", (item["item_id"],)
                    ).fetchone()[0]
                )
                assert facts["tls"]["subject"] == COMMON_NAME
                assert facts["remote_ip"] == "127.0.0.1"


def test_session_wacz_is_signed_with_the_cases_keyring_key_and_validates(
    tab: Any, zoo: Zoo, tmp_path: Path
) -> None:
    import hashlib
    import subprocess
    import sys

    from app.capture import wacz_sign
    from app.core.attest import case_id

    result = tab.run(
        lambda: run_script(
            tab.client, tab.session, f"{zoo.url}/blob-img/", two_prompts()[:3], settle=0.5
        ),
        timeout=120,
    )
    assert result.session is not None
    with Case.open(tab.case_path, read_only=True) as case:
        wacz_id = result.session.items["wacz"][0]
        sha, facts = case.conn.execute(
            "SELECT sha256, source_facts FROM items WHERE id = ?", (wacz_id,)
        ).fetchone()
        wacz = tmp_path / "session.wacz"
        wacz.write_bytes(case.objects.path_for(sha).read_bytes())
        key = wacz_sign.case_signing_key(case_id(case))
    signature = json.loads(facts)["signature"]
    assert signature["signed"] is True
    checked = wacz_sign.verify_wacz_signature(wacz)
    assert checked == {
        "hash_matches": True,
        "signed": True,
        "signature_valid": True,
        "public_key_sha256": signature["public_key_sha256"],
    }
    der = base64.b64decode(wacz_sign.public_key_b64(key.public_key()))
    assert hashlib.sha256(der).hexdigest() == signature["public_key_sha256"]
    done = subprocess.run(
        [sys.executable, "-m", "wacz", "validate", "-f", str(wacz)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # A changed datapackage (say, a WARC swapped and re-hashed) no longer matches the signature.
    tampered = tmp_path / "tampered.wacz"
    with zipfile.ZipFile(wacz) as src, zipfile.ZipFile(tampered, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "datapackage.json":
                data = data.replace(b'"title"', b'"title" ', 1)
            dst.writestr(info, data)
    assert wacz_sign.verify_wacz_signature(tampered)["signature_valid"] is False
