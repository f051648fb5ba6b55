"""Start a third-party front end (Streamlit, Gradio) on 127.0.0.1 for a test, and stop it.

The app writes what it served to ``truth.jsonl`` (``ZOO_TRUTH``); the test compares the
capture with it. The app is started as its own process, waited for until ``ready_path``
answers as ``ready`` says, and terminated (then killed) when the test ends.
"""

from __future__ import annotations

import os
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from app.capture.devtools import free_loopback_port


@contextmanager
def served_app(
    command: Callable[[int], Sequence[str]],
    workdir: Path,
    *,
    name: str,
    ready_path: str,
    ready: Callable[[int, bytes], bool],
    env: dict[str, str] | None = None,
    timeout: float = 60.0,
) -> Iterator[tuple[str, Path]]:
    """Yield ``(url, truth_file)`` once the app started by ``command(port)`` is ready."""
    port = free_loopback_port()
    truth = workdir / "truth.jsonl"
    child_env = {**os.environ, "ZOO_TRUTH": str(truth), **(env or {})}
    child_env.pop("QTWEBENGINE_REMOTE_DEBUGGING", None)
    proc = subprocess.Popen(
        list(command(port)),
        env=child_env,
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(url + ready_path, timeout=2) as reply:
                    if ready(reply.status, reply.read()):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(f"{name} did not start")
            time.sleep(0.05)  # a refused connection costs nothing: look again soon
        yield url, truth
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
