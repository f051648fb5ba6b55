"""A real Gradio app for the zoo: a Textbox prompt, a Gallery of two images a prompt.

Gradio posts ``{"data": [PROMPT], ...}`` to ``/gradio_api/queue/join`` (which answers with an
``event_id``) and delivers the result in a ``text/event-stream`` (``queue/data``) naming the
gallery's files at ``/gradio_api/file=...``. The app writes the truth to the JSON-lines file
named by ``ZOO_TRUTH``: each prompt received and the SHA-256 of each image file it returned.
Run: ``python gradio_app.py PORT``.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile

import gradio as gr
from PIL import Image

OUT = tempfile.mkdtemp(prefix="zoo-gradio-")
COUNT = {"n": 0}


def generate(prompt: str) -> tuple[list[str], str]:
    paths, shas = [], []
    for _ in range(2):
        img = Image.frombytes("RGB", (96, 96), os.urandom(96 * 96 * 3))
        path = os.path.join(OUT, f"{os.urandom(8).hex()}.png")
        img.save(path, "PNG")
        with open(path, "rb") as f:
            shas.append(hashlib.sha256(f.read()).hexdigest())
        paths.append(path)
    with open(os.environ["ZOO_TRUTH"], "a", encoding="utf-8") as truth:
        truth.write(json.dumps({"prompt": prompt, "images": shas}, ensure_ascii=False) + "\n")
    COUNT["n"] += 1
    return paths, f'<div class="gen" data-n="{COUNT["n"]}">done</div>'


demo = gr.Interface(
    fn=generate,
    inputs=gr.Textbox(label="Prompt"),
    outputs=[gr.Gallery(label="Images"), gr.HTML()],
    flagging_mode="never",
)

if __name__ == "__main__":
    demo.launch(server_name="127.0.0.1", server_port=int(sys.argv[1]), allowed_paths=[OUT])
