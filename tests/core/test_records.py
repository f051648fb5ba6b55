"""The typed evidence record reads stored JSON back without losing or inventing facts."""

from __future__ import annotations

from app.core.records import (
    NOT_RECORDED,
    AcquisitionFacts,
    CaptureFacts,
    EnvironmentRecord,
    NetworkFacts,
    apply_corrections,
)

EXCHANGE = {
    "url": "https://ai.example/pic.png",
    "remote_ip": "127.0.0.1",
    "remote_port": 8443,
    "tls": {"protocol": "TLS 1.3", "subject": "ai.example", "issuer": "CA", "ocsp": "x"},
    "request_headers": {"accept": "*/*"},
}


def test_unknown_keys_are_kept_and_written_back_unchanged() -> None:
    facts = AcquisitionFacts.from_dict(EXCHANGE)
    assert facts.extra == {"request_headers": {"accept": "*/*"}}
    assert facts.tls is not None and facts.tls.extra == {"ocsp": "x"}
    assert facts.as_dict() == EXCHANGE


def test_missing_facts_are_none_and_named_never_empty_values() -> None:
    facts = CaptureFacts.from_dict({"operator": "", "session_id": "s"})
    assert facts.operator is None and facts.site_account is None and facts.document is None
    assert "operator" in facts.missing() and "session_id" not in facts.missing()
    assert facts.text("site_account") == NOT_RECORDED


def test_exchange_facts_on_an_item_become_its_network_facts() -> None:
    net = AcquisitionFacts.from_dict(EXCHANGE).network
    assert isinstance(net, NetworkFacts)
    assert (net.remote_ip, net.remote_port) == ("127.0.0.1", 8443)
    assert net.tls is not None and (net.tls.subject, net.tls.issuer) == ("ai.example", "CA")
    assert AcquisitionFacts.from_dict({"name": "a.png"}).network is None


def test_older_spellings_are_read_as_aliases() -> None:
    facts = CaptureFacts.from_dict(
        {"account": "bob", "server_ip": "203.0.113.7", "tls": {"subject_cn": "x"}}
    ).with_legacy_connection()
    assert facts.site_account == "bob"
    assert facts.document is not None and facts.document.remote_ip == "203.0.113.7"
    assert facts.document.tls is not None and facts.document.tls.subject == "x"


def test_environment_record_reports_clock_proxy_hosts_dns_and_profile() -> None:
    env = EnvironmentRecord.from_dict(
        {
            "clock": {"checked": True, "offset_seconds": 0.2},
            "proxy": {"environment": {"https_proxy": "http://p:3128"}, "system": {}},
            "hosts_file": {"readable": True, "entries": [{"text": "1.2.3.4 ai.example"}]},
            "dns": {"answers": ["1.2.3.4"]},
            "browser": {"profile": "off-the-record"},
        }
    )
    assert env.clock_checked and env.proxies_in_use() == ["https_proxy=http://p:3128"]
    assert env.hosts_overrides() == ["1.2.3.4 ai.example"]
    assert env.dns_answers == ["1.2.3.4"] and env.browser_profile == "off-the-record"
    empty = EnvironmentRecord.from_dict({})
    assert not empty.clock_checked and empty.proxies_in_use() is None
    assert empty.hosts_overrides() is None and empty.dns_answers is None


def test_corrections_add_and_remove_outputs_in_order() -> None:
    corrections = [
        {"action": "remove-output", "value": "2"},
        {"action": "add-output", "value": "7"},
        {"action": "confirm", "value": "looks right"},
    ]
    assert apply_corrections([1, 2, 3], corrections) == [1, 3, 7]
