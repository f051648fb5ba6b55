"""Other platform shapes, recorded in a real browser: a Gradio app and an OpenAI-style API."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import pytest

from app.capture import store
from app.capture.script import ScriptDriver, Step, run_script
from app.core.case import Case
from app.demo.site import DemoSite

pytestmark = pytest.mark.qt

PROMPT = "生成星光侠, 奥特曼拼接长发"


def test_gradio_data_array_prompt_is_bound_to_the_images_it_named(
    tab: Any, demo_site: DemoSite
) -> None:
    steps = [Step("fill", "#prompt", PROMPT), Step("click", "#generate")]
    result = tab.run(
        lambda: run_script(
            tab.client,
            tab.session,
            demo_site.url + "/gradio",
            steps,
            wait_for="#results img",
            settle=0.5,  # after the wait-for, as the other captures here; not the default 1 s
        ),
        timeout=120,
    )
    assert result.problems == []
    with Case.open(tab.case_path, read_only=True) as case:
        (gen,) = store.list_generations(case)
        assert gen.prompt == PROMPT and gen.facts["prompt_source"] == "gradio:data[0]"
        assert gen.binding == "same-response" and len(gen.outputs) == 2
        assert gen.parameters["data"][0] == PROMPT


def test_inline_base64_images_in_an_api_answer_are_kept_decoded_as_served(
    tab: Any, demo_site: DemoSite
) -> None:
    def run() -> Any:
        tab.session.start_recording(demo_site.url + "/")
        driver = ScriptDriver(tab.client, tab.session)
        driver.navigate(demo_site.url + "/", 20)
        answer = driver.evaluate(
            "fetch('/v1/images/generations', {method: 'POST', headers: {'Content-Type':"
            " 'application/json', 'Authorization': 'Bearer demo-key'}, body: JSON.stringify("
            f"{{prompt: {json.dumps(PROMPT, ensure_ascii=False)}, n: 1, size: '256x256',"
            " response_format: 'b64_json'})}).then(r => r.text())"
        )
        tab.session.wait_network_settled(0.3, 10)
        return answer, tab.session.stop_recording()

    answer, outcome = tab.run(run, timeout=120)
    served = base64.b64decode(json.loads(answer)["data"][0]["b64_json"])
    with Case.open(tab.case_path, read_only=True) as case:
        gens = [g for g in store.list_generations(case) if g.id in outcome.generation_ids]
        (gen,) = gens
        assert gen.prompt == PROMPT and gen.binding == "same-response"
        assert gen.outputs[0]["sha256"] == hashlib.sha256(served).hexdigest()
        item = gen.outputs[0]["item_id"]
        facts = json.loads(
            case.conn.execute("SELECT source_facts FROM items WHERE id = ?", (item,)).fetchone()[0]
        )
        assert facts["request_headers"]["Authorization"] == "[redacted by Proofshot]"
