"""Campaign runs against a local OpenAI-compatible server: recording, retries, failures,
resuming, the secret, TLS facts, other profiles, matching and trusted time."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from app.capture.campaigns import (
    CampaignMismatchError,
    CampaignSpec,
    ClientSettings,
    Credential,
    ProfileError,
    RunSettings,
    campaign_report,
    get_campaign,
    match_outputs,
    run_campaign,
)
from app.capture.campaigns.profiles import make_profile
from app.capture.campaigns.prompts import parse_prompts
from app.capture.campaigns.runner import CampaignRun, open_campaign
from app.core import attest
from app.core.case import Case
from app.core.jobs import CancelToken, Progress
from app.core.verify import verify_case
from app.demo.site import DemoSite
from tests.capture.campaign_server import CampaignServer, add_demo_works
from tests.tsa_server import TsaServer

KEY = "sk-proofshot-" + secrets.token_hex(20)
CREDENTIAL = Credential(KEY, "test")


@pytest.fixture
def server() -> Iterator[CampaignServer]:
    with CampaignServer(api_key=KEY) as srv:
        yield srv


@pytest.fixture
def case(tmp_path: Path) -> Iterator[Case]:
    with Case.create(
        tmp_path / "Campaign.proofshot", title="Campaign", operator="Tess Tester"
    ) as c:
        yield c


def fast(**overrides: Any) -> RunSettings:
    values: dict[str, Any] = {
        "concurrency": 2,
        "rate_per_second": 0,
        "backoff_first": 0.05,
        "backoff_ceiling": 0.2,
        "jitter": False,
        "match": False,
        "client": ClientSettings(timeout=5),
    }
    values.update(overrides)
    return RunSettings(**values)


def spec_for(url: str, text: str, tries: int = 1, **kw: Any) -> CampaignSpec:
    return CampaignSpec(
        "openai",
        url,
        parse_prompts(text.encode(), "prompts.txt"),
        tries=tries,
        model="test-model",
        **kw,
    )


def tries_rows(case: Case, campaign_id: int = 1) -> list[dict[str, Any]]:
    cur = case.conn.execute(
        "SELECT prompt_index, try_number, status, generation_id, exchange_item_id, error, facts"
        " FROM campaign_tries WHERE campaign_id = ? ORDER BY prompt_index, try_number",
        (campaign_id,),
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def exchange(case: Case, prompt_index: int, try_number: int = 1) -> dict[str, Any]:
    row = case.conn.execute(
        "SELECT i.sha256 FROM campaign_tries t JOIN items i ON i.id = t.exchange_item_id"
        " WHERE t.prompt_index = ? AND t.try_number = ?",
        (prompt_index, try_number),
    ).fetchone()
    return json.loads(case.objects.path_for(row[0]).read_text("utf-8"))


def cancel_after(finished: int) -> tuple[CancelToken, Any]:
    token = CancelToken()

    def progress(p: Progress) -> None:
        if p.done >= finished:
            token.cancel()

    return token, progress


# -- recording ------------------------------------------------------------------------------


def test_every_try_is_recorded_with_its_exchange_generation_and_outputs(
    case: Case, server: CampaignServer
) -> None:
    prompts = "生成星光侠\n星光侠拼接长发\nStarlume, illustration style\n"
    result = run_campaign(case, spec_for(server.url, prompts, tries=2), CREDENTIAL, fast())
    assert (result.done, result.failed, result.complete, result.outputs) == (6, 0, True, 6)
    rows = tries_rows(case)
    assert [(r["prompt_index"], r["try_number"]) for r in rows] == [
        (p, t) for p in range(3) for t in (1, 2)
    ]
    assert all(r["status"] == "done" and r["error"] is None for r in rows)
    gens = case.conn.execute(
        "SELECT id, prompt, parameters, request_url, job_id, submitted_at, returned_at, binding"
        " FROM generations ORDER BY id"
    ).fetchall()
    assert len(gens) == 6
    assert {g[1] for g in gens} == {"生成星光侠", "星光侠拼接长发", "Starlume, illustration style"}
    assert all(g[3] == server.url + "/v1/images/generations" for g in gens)
    assert all(g[7] == "api-response" and g[4].startswith("req_") for g in gens)
    assert all(g[5] <= g[6] for g in gens)
    assert json.loads(gens[0][2]) == {"model": "test-model"}
    outputs = case.conn.execute(
        "SELECT i.kind, i.method, i.media_type, i.source_facts FROM generation_outputs o"
        " JOIN items i ON i.id = o.item_id"
    ).fetchall()
    assert len(outputs) == 6
    assert all(o[:3] == ("web-capture", "api-campaign", "image/png") for o in outputs)
    assert {json.loads(o[3])["prompt"] for o in outputs} == {g[1] for g in gens}
    kinds = dict(case.conn.execute("SELECT kind, COUNT(*) FROM items GROUP BY kind").fetchall())
    assert kinds == {"web-capture": 6, "api-exchange": 6, "campaign-prompts": 1}
    # The prompt went on the wire verbatim, and the record shows the same bytes.
    bodies = {json.loads(r.body)["prompt"] for r in server.generation_requests()}
    assert "生成星光侠" in bodies
    doc = exchange(case, 0)
    assert doc["prompt"] == "生成星光侠"
    assert '"prompt":"生成星光侠"' in doc["round_trips"][0]["request"]["body_text"]
    assert doc["outputs"][0]["status"] == "stored"
    actions = [r[0] for r in case.conn.execute("SELECT action FROM events ORDER BY seq")]
    assert actions.count("campaign.try-recorded") == 6
    assert actions.count("campaign.created") == 1 and "campaign.run-ended" in actions
    report = verify_case(case)
    assert report.intact, report.problems


def test_base64_images_in_the_record_are_replaced_by_item_hashes_that_rebuild_the_body(
    case: Case, server: CampaignServer
) -> None:
    run_campaign(case, spec_for(server.url, "a lake\n"), CREDENTIAL, fast())
    doc = exchange(case, 0)
    response = doc["round_trips"][0]["response"]
    (omitted,) = response["omitted_base64"]
    image = case.objects.path_for(omitted["item_sha256"]).read_bytes()
    rebuilt = response["body_text"].replace(omitted["marker"], base64.b64encode(image).decode())
    assert hashlib.sha256(rebuilt.encode()).hexdigest() == response["body_sha256"]
    assert len(doc["round_trips"][0]["response"]["body_text"]) < 1000


# -- the secret -----------------------------------------------------------------------------


def test_the_api_key_is_never_stored_anywhere_in_the_case(
    case: Case, server: CampaignServer
) -> None:
    server.plan("echo", "echo-key")
    server.plan("fine", "echo-key-ok")
    spec = spec_for(server.url, "echo\nfine\n")
    stopped = run_campaign(case, spec, CREDENTIAL, fast())
    # A 401 says the key is wrong: the run stops and marks no try failed.
    assert stopped.stopped_reason is not None and "HTTP 401" in stopped.stopped_reason
    assert "REDACTED" in stopped.stopped_reason and KEY not in stopped.stopped_reason
    assert stopped.failed == 0 and not stopped.complete
    resumed = run_campaign(case, spec, CREDENTIAL, fast())
    assert resumed.resumed and resumed.complete and resumed.failed == 0
    # The platform did get the key...
    assert all(r.header("Authorization") == f"Bearer {KEY}" for r in server.generation_requests())
    # ...and echoed it back in an error, yet nothing of the case holds it in any spelling.
    forms = [KEY.encode(), quote(KEY, safe="").encode(), KEY[4:].encode()]
    case.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
    for path in case.path.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not any(f in data for f in forms), f"key found in {path}"
    fingerprint = CREDENTIAL.fingerprint
    (sha,) = case.conn.execute(
        "SELECT sha256 FROM items WHERE kind = 'api-exchange'"
        " AND json_extract(source_facts, '$.outcome') = 'stopped the run'"
    ).fetchone()
    doc = json.loads(case.objects.path_for(sha).read_text("utf-8"))
    assert doc["credential"]["fingerprint_sha256"] == fingerprint
    headers = dict(doc["round_trips"][0]["request"]["headers"])
    assert headers["Authorization"] == f"Bearer [REDACTED credential sha256:{fingerprint}]"
    assert f"sha256:{fingerprint}" in doc["round_trips"][0]["response"]["body_text"]
    assert doc["outcome"] == "stopped the run"
    job_id, facts = case.conn.execute(
        "SELECT job_id, facts FROM generations WHERE prompt = 'fine'"
    ).fetchone()
    assert job_id == f"req-[REDACTED credential sha256:{fingerprint}]"
    assert "asked with key [REDACTED" in json.loads(facts)["answer"]["revised_prompts"][0]


def test_an_unreachable_platform_stops_the_run_without_failing_any_try(case: Case) -> None:
    result = run_campaign(
        case, spec_for("http://127.0.0.1:9", "one\ntwo\n"), CREDENTIAL, fast(max_attempts=2)
    )
    assert result.stopped_reason is not None and "Could not reach" in result.stopped_reason
    assert (result.done, result.failed, result.complete) == (0, 0, False)
    assert tries_rows(case) == []
    kinds = [r[0] for r in case.conn.execute("SELECT kind FROM items")]
    assert "api-exchange" in kinds  # the attempts themselves are kept as evidence


# -- retries --------------------------------------------------------------------------------


def test_429_with_retry_after_is_honoured_before_asking_again(
    case: Case, server: CampaignServer
) -> None:
    server.plan("busy", "429:1", "ok")
    run_campaign(case, spec_for(server.url, "busy\n"), CREDENTIAL, fast())
    first, second = server.generation_requests("busy")
    assert second.at - first.at >= 0.95
    (row,) = tries_rows(case)
    assert row["status"] == "done" and json.loads(row["facts"])["http_statuses"] == [429, 200]
    trip = exchange(case, 0)["round_trips"][0]
    assert trip["response"]["status"] == 429
    assert (
        trip["wait_before_next_s"] == 1.0 and trip["wait_reason"] == "Retry-After from the server"
    )


def test_server_errors_timeouts_dropped_connections_and_malformed_json_are_retried(
    case: Case, server: CampaignServer
) -> None:
    server.plan("e500", "500", "ok")
    server.plan("e503", "503", "ok")
    server.plan("hang", "hang:5", "ok")
    server.plan("close", "close", "ok")
    server.plan("bad json", "malformed", "ok")
    settings = fast(client=ClientSettings(timeout=0.5))
    result = run_campaign(
        case, spec_for(server.url, "e500\ne503\nhang\nclose\nbad json\n"), CREDENTIAL, settings
    )
    assert (result.done, result.failed) == (5, 0)
    statuses = [json.loads(r["facts"])["http_statuses"] for r in tries_rows(case)]
    assert statuses == [[500, 200], [503, 200], ["timeout", 200], ["connection", 200], [200, 200]]
    malformed = exchange(case, 4)["round_trips"][0]
    assert "not valid JSON" in malformed["verdict"]
    assert malformed["response"]["body_text"].startswith('{"created": 1')


def test_a_try_that_keeps_failing_is_failed_after_the_attempt_limit_and_not_asked_again(
    case: Case, server: CampaignServer
) -> None:
    server.plan("doomed", *["500"] * 10)
    text = "doomed\n" + "".join(f"fine {i}\n" for i in range(4))
    cancel, progress = cancel_after(2)
    spec = spec_for(server.url, text)
    first = run_campaign(
        case,
        spec,
        CREDENTIAL,
        fast(concurrency=1, max_attempts=3, batch_size=1),
        progress=progress,
        cancel=cancel,
    )
    assert not first.complete and first.failed == 1
    (failed,) = [r for r in tries_rows(case) if r["status"] == "failed"]
    assert failed["prompt_index"] == 0 and "gave up after 3 attempts" in failed["error"]
    assert len(server.generation_requests("doomed")) == 3
    second = run_campaign(case, spec, CREDENTIAL, fast(max_attempts=3))
    assert second.resumed and second.complete and second.campaign_id == first.campaign_id
    assert len(server.generation_requests("doomed")) == 3


# -- answers that cannot be used ---------------------------------------------------------------


def test_unusable_answers_fail_with_their_reason_and_keep_the_evidence(
    case: Case, server: CampaignServer
) -> None:
    for prompt, action in [
        ("words", "not-image"),
        ("huge", "oversize:300000"),
        ("nothing", "empty"),
        ("gone", "url-404"),
        ("refused", "400"),
    ]:
        server.plan(prompt, action)
    settings = fast(client=ClientSettings(timeout=5, max_response_bytes=100_000))
    text = "words\nhuge\nnothing\ngone\nrefused\n"
    result = run_campaign(case, spec_for(server.url, text), CREDENTIAL, settings)
    assert (result.done, result.failed, result.outputs) == (0, 5, 0)
    rows = tries_rows(case)
    errors = [r["error"] for r in rows]
    assert "not an image (it is text/plain)" in errors[0]
    assert "larger than 100000 bytes" in errors[1]
    assert errors[2] == "the answer held no image"
    assert "HTTP 404" in errors[3]
    assert "HTTP 400" in errors[4] and "safety system" in errors[4]
    # Answers the platform did give are bound to their prompt; refusals are not generations.
    with_generation = [r["generation_id"] is not None for r in rows]
    assert with_generation == [True, False, True, True, False]
    assert all(r["exchange_item_id"] is not None for r in rows)
    gone = exchange(case, 3)
    assert [t["purpose"] for t in gone["round_trips"]] == ["generate", "download"]
    assert gone["round_trips"][1]["response"]["status"] == 404
    assert gone["outputs"][0]["status"] == "refused"
    huge = exchange(case, 1)["round_trips"][0]["response"]
    assert huge["truncated_at_limit"] and huge["body_size"] == 100_000
    assert (
        case.conn.execute("SELECT COUNT(*) FROM items WHERE kind = 'web-capture'").fetchone()[0]
        == 0
    )
    assert verify_case(case).intact


def test_url_answers_are_fetched_without_the_key_following_redirects(
    case: Case, server: CampaignServer
) -> None:
    server.plan("by url", "url")
    server.plan("moved", "url-redirect")
    result = run_campaign(case, spec_for(server.url, "by url\nmoved\n"), CREDENTIAL, fast())
    assert (result.done, result.outputs) == (2, 2)
    downloads = [r for r in server.received if r.method == "GET"]
    assert len(downloads) == 3  # one plain, one redirect and its target
    assert all(r.header("Authorization") is None for r in downloads)
    moved = exchange(case, 1)
    purposes = [(t["purpose"], t["response"]["status"]) for t in moved["round_trips"]]
    assert purposes == [("generate", 200), ("download", 302), ("download", 200)]
    stored = moved["round_trips"][2]["response"]["body_stored_as_item_sha256"]
    assert stored == moved["outputs"][0]["sha256"]
    item_source = case.conn.execute(
        "SELECT source FROM items WHERE sha256 = ?", (stored,)
    ).fetchone()[0]
    assert "/redirect/" in item_source


# -- resuming -------------------------------------------------------------------------------


def test_an_interrupted_campaign_resumes_without_repeating_finished_tries(
    case: Case, server: CampaignServer
) -> None:
    server.delay = 0.05
    text = "".join(f"prompt {i}\n" for i in range(6))
    spec = spec_for(server.url, text, tries=2)
    cancel, progress = cancel_after(3)
    first = run_campaign(
        case, spec, CREDENTIAL, fast(batch_size=1), progress=progress, cancel=cancel
    )
    assert first.cancelled and not first.complete
    finished_first = {(r["prompt_index"], r["try_number"]) for r in tries_rows(case)}
    assert 3 <= len(finished_first) < 12
    asked_before = len(server.generation_requests())
    second = run_campaign(case, spec, CREDENTIAL, fast())
    assert second.resumed and second.campaign_id == first.campaign_id
    assert second.finished_before == len(finished_first)
    rows = tries_rows(case)
    assert sorted((r["prompt_index"], r["try_number"]) for r in rows) == [
        (p, t) for p in range(6) for t in (1, 2)
    ]
    assert len(server.generation_requests()) - asked_before == 12 - len(finished_first)
    assert case.conn.execute("SELECT COUNT(*) FROM campaigns").fetchone()[0] == 1
    assert verify_case(case).intact


def test_an_unfinished_campaign_with_other_settings_is_not_silently_replaced(
    case: Case, server: CampaignServer
) -> None:
    text = "one\ntwo\nthree\n"
    cancel, progress = cancel_after(1)
    run_campaign(
        case,
        spec_for(server.url, text),
        CREDENTIAL,
        fast(concurrency=1, batch_size=1),
        progress=progress,
        cancel=cancel,
    )
    with pytest.raises(CampaignMismatchError, match="unfinished"):
        run_campaign(case, spec_for(server.url, text, tries=3), CREDENTIAL, fast())
    fresh = run_campaign(case, spec_for(server.url, text, tries=3), CREDENTIAL, fast(), new=True)
    assert fresh.campaign_id == 2 and fresh.complete and not fresh.resumed


def test_a_finished_campaign_run_again_starts_a_new_campaign(
    case: Case, server: CampaignServer
) -> None:
    spec = spec_for(server.url, "again\n")
    assert run_campaign(case, spec, CREDENTIAL, fast()).campaign_id == 1
    second = run_campaign(case, spec, CREDENTIAL, fast())
    assert second.campaign_id == 2 and not second.resumed


# -- other profiles and TLS -------------------------------------------------------------------


def test_generic_profile_polls_the_job_until_it_is_done(case: Case, server: CampaignServer) -> None:
    config = {
        "url": "{endpoint}/jobs",
        "headers": {"X-Api-Key": "{api_key}"},
        "body": {"prompt": "{prompt}", "format": "b64", "quality": "high"},
        "image_b64_paths": ["result.images[*].b64"],
        "image_url_paths": ["result.images[*].url"],
        "job_id_path": "job_id",
        "poll": {
            "url": "{endpoint}/jobs/{job_id}",
            "interval": 0.05,
            "timeout": 10,
            "status_path": "status",
            "done_values": ["done"],
        },
    }
    spec = CampaignSpec(
        "generic",
        server.url,
        parse_prompts("生成星光侠\n".encode(), "p.txt"),
        profile_config=config,
    )
    result = run_campaign(case, spec, CREDENTIAL, fast())
    assert (result.done, result.outputs) == (1, 1)
    doc = exchange(case, 0)
    assert [t["purpose"] for t in doc["round_trips"]] == ["generate", "poll", "poll", "poll"]
    assert doc["answer"]["job_id"].startswith("job_") and doc["answer"]["job_status"] == "done"
    for trip in doc["round_trips"]:
        assert dict(trip["request"]["headers"])["X-Api-Key"].startswith("[REDACTED credential")
    gen = case.conn.execute("SELECT job_id, prompt FROM generations").fetchone()
    assert gen == (doc["answer"]["job_id"], "生成星光侠")


def test_generic_profile_refuses_a_key_written_into_its_configuration() -> None:
    config = {"headers": {"Authorization": "Bearer sk-literal"}, "image_b64_paths": ["x"]}
    with pytest.raises(ProfileError, match=r"\{api_key\}"):
        make_profile("generic", "http://127.0.0.1:1", config=config)


def test_demo_profile_runs_against_the_bundled_demo_site(case: Case) -> None:
    with DemoSite() as site:
        spec = CampaignSpec(
            "demo", site.url, parse_prompts("生成星光侠\n".encode(), "p.txt"), tries=2
        )
        result = run_campaign(case, spec, Credential("", "none"), fast())
    assert (result.done, result.outputs) == (2, 2)
    job_ids = [r[0] for r in case.conn.execute("SELECT job_id FROM generations")]
    assert all(j.startswith("job_") for j in job_ids)


def test_tls_facts_of_the_answering_connection_are_in_the_exchange_record(
    case: Case, tmp_path: Path
) -> None:
    with CampaignServer(api_key=KEY, tls_dir=tmp_path / "tls") as srv:
        settings = fast(client=ClientSettings(timeout=5, ca_file=str(srv.ca_file)))
        run_campaign(case, spec_for(srv.url, "secure\n"), CREDENTIAL, settings)
    connection = exchange(case, 0)["round_trips"][0]["connection"]
    assert connection["remote_ip"] == "127.0.0.1" and connection["scheme"] == "https"
    tls = connection["tls"]
    assert tls["protocol"].startswith("TLSv1.")
    assert "IP:127.0.0.1" in tls["certificate"]["subject_alt_names"]
    assert "Campaign Test Platform" in tls["certificate"]["subject"]


# -- matching and time -----------------------------------------------------------------------


def test_outputs_are_matched_against_the_works_and_summarised_per_prompt(
    case: Case, server: CampaignServer
) -> None:
    works = add_demo_works(case)
    server.add_demo_matches()
    text = "生成星光侠\nStarlume flying over the city\na mountain lake at dawn\n"
    result = run_campaign(case, spec_for(server.url, text, tries=2), CREDENTIAL, fast(match=True))
    assert result.matched_outputs == 6
    report = campaign_report(case, get_campaign(case, result.campaign_id))
    assert report["matching"]["all_recorded"]
    front, flying, lake = report["prompts"]
    assert front["outputs"] == 2 and front["outputs_matching"] == 2
    assert front["matches"]["high"] + front["matches"]["medium"] == 2
    assert front["best_match"]["work_id"] == works["starlume_front"]
    assert flying["best_match"]["work_id"] == works["starlume_flying"]
    assert lake["outputs"] == 2 and lake["outputs_matching"] == 0 and lake["best_match"] is None
    assert report["totals"]["outputs_matching"] == 4
    events = case.conn.execute(
        "SELECT payload FROM events WHERE action = 'campaign.outputs-matched'"
    ).fetchall()
    assert len(events) == 1
    recorded = json.loads(events[0][0])["facts"]
    assert sorted(recorded["works"]) == sorted(works.values()) and len(recorded["results"]) == 6
    # The isolated engine call answers the same for any item list.
    direct = match_outputs(case, front["output_items"])
    assert all(m[0]["work_id"] == works["starlume_front"] for m in direct.values())


def test_each_batch_is_attested_by_the_tsa_right_after_it_is_stored(
    case: Case, server: CampaignServer, tsa_server: TsaServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROOFSHOT_TSA_URLS", tsa_server.url)
    attest.add_trust_anchors(case, tsa_server.ca_pem)
    result = run_campaign(case, spec_for(server.url, "one\ntwo\n", tries=2), CREDENTIAL, fast())
    assert result.complete and result.pending_attestation == 0
    assert attest.pending_count(case) == 0
    rows = case.conn.execute(
        "SELECT i.acquired_at, MIN(t.gen_time) FROM items i JOIN attestations a ON a.item_id = i.id"
        " JOIN tokens t ON t.id = a.token_id WHERE i.kind = 'web-capture' GROUP BY i.id"
    ).fetchall()
    assert len(rows) == 4
    for acquired, gen_time in rows:
        delay = dt.datetime.fromisoformat(gen_time) - dt.datetime.fromisoformat(acquired)
        assert abs(delay.total_seconds()) < 30
    assert verify_case(case).intact


def test_a_campaign_run_object_lists_only_the_tries_still_to_do(
    case: Case, server: CampaignServer
) -> None:
    spec = spec_for(server.url, "a\nb\n", tries=2)
    run_campaign(case, spec, CREDENTIAL, fast())
    campaign, resumed = open_campaign(case, spec_for(server.url, "a\nb\n", tries=3), CREDENTIAL)
    assert not resumed and campaign.id == 2
    assert len(CampaignRun(case, campaign, CREDENTIAL).remaining()) == 6
    finished = get_campaign(case, 1)
    assert CampaignRun(case, finished, CREDENTIAL).remaining() == []
