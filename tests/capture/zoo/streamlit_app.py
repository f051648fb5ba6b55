"""A real Streamlit app for the zoo: a prompt box, a Generate button, two images a prompt.

Streamlit sends the prompt to the server inside a binary (protobuf) WebSocket frame and the
server answers with image URLs at ``/media/...`` in binary frames: the pattern the issue
met on real Streamlit front ends. The app writes the truth to the JSON-lines file named by
``ZOO_TRUTH``: each prompt received with the SHA-256 of each image it handed to Streamlit.
"""

from __future__ import annotations

import hashlib
import io
import json
import os

import streamlit as st
from PIL import Image
from streamlit.runtime import Runtime


def make_image() -> bytes:
    img = Image.frombytes("RGB", (96, 96), os.urandom(96 * 96 * 3))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


st.title("Zoo: Streamlit")
prompt = st.text_input("Prompt", key="prompt")
if "n" not in st.session_state:
    st.session_state.n = 0


def stored_media() -> dict[str, bytes]:
    """What Streamlit's media server holds and serves at /media/<id>.<ext> (its bytes)."""
    storage = Runtime.instance().media_file_mgr._storage
    return {fid: f.content for fid, f in storage._files_by_id.items()}


if st.button("Generate", key="go") and prompt:
    before = stored_media()
    # Streamlit re-encodes what it is given; the truth is the bytes its server will serve.
    st.image([make_image(), make_image()], width=96)
    served = [data for fid, data in stored_media().items() if fid not in before]
    with open(os.environ["ZOO_TRUTH"], "a", encoding="utf-8") as truth:
        truth.write(
            json.dumps(
                {"prompt": prompt, "images": [hashlib.sha256(i).hexdigest() for i in served]},
                ensure_ascii=False,
            )
            + "\n"
        )
    st.session_state.n += 1
    st.markdown(
        f'<div class="gen" data-n="{st.session_state.n}">done</div>', unsafe_allow_html=True
    )
