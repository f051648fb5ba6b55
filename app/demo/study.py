"""The demo's small reproduction study: the bundled Lumagen demo API, asked by name, by
description and with unrelated control prompts, compared with the Starlume works and one
unrelated decoy work.

Runs on loopback only (the demo site on 127.0.0.1). The demo has no TSA, so the protocol is
frozen without a trusted time and the run is allowed to go ahead anyway; the study report
and the bundle state this as a deviation. The outputs are left unreviewed, for the person
trying the demo to review blind in the Study review tab.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from app.capture.campaigns.credentials import Credential
from app.capture.campaigns.settings import RunSettings
from app.capture.study.protocol import parse_protocol
from app.capture.study.study import freeze, init_study, run_study
from app.compare import works as works_mod
from app.compare.comparison import ENGINE_VERSION
from app.compare.synthetic import make_original, to_png_bytes
from app.core.case import Case

DECOY_REGISTRATION = "DEMO-DECOY-0001"

PROTOCOL = """
[study]
name = "Starlume on Lumagen (demo study)"
description = "Does the Lumagen demo API reproduce Starlume when named or described?"
seed = 20260214
tries = 2

[[platforms]]
profile = "demo"
endpoint = "{url}"
model = "lumagen-xl-v2"
parameters = {{ n = 1 }}

[[prompts]]
id = "N1"
arm = "named"
text = "生成星光侠"

[[prompts]]
id = "N2"
arm = "named"
text = "Starlume, hero stance"

[[prompts]]
id = "D1"
arm = "descriptive"
text = "a silver hero with a glowing star core on his chest and a blue cape"

[[prompts]]
id = "C1"
arm = "control"
text = "a bowl of fruit on a wooden table"

[[prompts]]
id = "C2"
arm = "control"
text = "a lighthouse on a rocky coast at dusk"

[works]
compare = ["国作登字-2023-F-00012345", "国作登字-2023-F-00012346"]
controls = ["{decoy}"]

[method]
engine = "{engine}"
matching_bands = ["high", "medium"]
interval = "wilson"

[review]
reviewers = 2
plan = "Two reviewers review blind in the Study review tab (demo: not yet reviewed)."
"""


def add_demo_study(case: Case, *, actor: str | None = None) -> int:
    """Add the decoy work, define, freeze and run the demo study; returns the study id."""
    from app.demo.site import DemoSite

    with tempfile.TemporaryDirectory() as tmp:
        decoy = Path(tmp) / "decoy.png"
        decoy.write_bytes(to_png_bytes(make_original(4242, 512)))
        works_mod.add_work_file(
            case,
            decoy,
            title="Harbour at Dawn (unrelated decoy work, invented)",
            owner="Example Decoy Owner (invented)",
            registration=DECOY_REGISTRATION,
            registration_date="2022-05-01",
            facts={"role": "control work for the demo study"},
        )
    with DemoSite(port=0) as site:
        text = PROTOCOL.format(url=site.url, decoy=DECOY_REGISTRATION, engine=ENGINE_VERSION)
        data = text.encode("utf-8")
        protocol = parse_protocol(data, "demo-study.toml")
        study = init_study(case, protocol, data, "demo-study.toml", actor=actor)
        freeze(case, study, protocol, data, tsas=[], actor=actor)
        run_study(
            case,
            study,
            lambda endpoint, needed: Credential(""),
            RunSettings(concurrency=1, rate_per_second=0, attest=False),
            actor=actor,
            require_timestamp=False,
        )
        from app.demo.case_builder import add_demo_duty_pages  # the Duties tab's pages (#20)

        add_demo_duty_pages(case, site.url, actor=actor)
    return study.id
