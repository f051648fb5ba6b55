"""Shared pieces of the study tests: the protocol, the works, the loopback server's design."""

from __future__ import annotations

import secrets
from pathlib import Path

from app.capture.campaigns import ClientSettings, Credential, RunSettings
from app.compare.synthetic import make_original, to_png_bytes
from app.core.case import Case
from tests.capture.campaign_server import DEMO_ORIGINALS, CampaignServer, add_demo_works, add_work

KEY = "sk-study-" + secrets.token_hex(16)
CREDENTIAL = Credential(KEY, "test")

PROMPTS = {
    "N1": ("named", "生成星光侠"),
    "D1": ("descriptive", "Starlume flying over a city at night"),
    "D2": ("descriptive", "a silver hero with a glowing star core on his chest"),
    "C1": ("control", "a bowl of fruit on a wooden table"),
    "C2": ("control", "a red bicycle leaning on a brick wall"),
}
LOOKALIKE = {"N1", "D1"}  # the server answers these with transformed copies of an original


def protocol_toml(url: str, seed: int = 1807, tries: int = 3, extra: str = "") -> bytes:
    prompts = "\n".join(
        f'[[prompts]]\nid = "{pid}"\narm = "{arm}"\ntext = "{text}"\n'
        for pid, (arm, text) in PROMPTS.items()
    )
    return f"""
[study]
name = "Starlume reproduction study"
description = "Does the platform reproduce Starlume when asked by name or by description?"
seed = {seed}
tries = {tries}

[[platforms]]
profile = "openai"
endpoint = "{url}"
model = "test-model"

{prompts}

[works]
compare = ["国作登字-2023-F-00012345", "国作登字-2023-F-00012346"]
controls = ["DECOY-1", "DECOY-2"]

[method]
matching_bands = ["high", "medium"]
interval = "wilson"

[review]
reviewers = 2
plan = "Two reviewers, blind to prompt, arm and score; similar / not similar / unsure."
{extra}
""".encode()


def study_server() -> CampaignServer:
    """Look-alikes of the front view for the named prompt, of the flying pose for D1."""
    server = CampaignServer(api_key=KEY)
    server.add_match("星光侠", DEMO_ORIGINALS / "starlume_front.png")
    server.add_match("Starlume flying", DEMO_ORIGINALS / "starlume_flying.png")
    return server


def add_study_works(case: Case, folder: Path) -> None:
    """The four demo originals, and two unrelated registered works as decoys."""
    add_demo_works(case)
    for n in (1, 2):
        decoy = folder / f"decoy{n}.png"
        decoy.write_bytes(to_png_bytes(make_original(500 + n, 320)))
        add_work(case, decoy, f"Unrelated registered work {n}", f"DECOY-{n}")


def fast_settings() -> RunSettings:
    return RunSettings(
        concurrency=1,
        rate_per_second=0,
        backoff_first=0.05,
        backoff_ceiling=0.2,
        jitter=False,
        client=ClientSettings(timeout=10),
    )
