"""Small builders for core tests: cases and realistic files made on the spot."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from PIL import Image, PngImagePlugin

from app.core.case import Case

REPO = Path(__file__).resolve().parents[2]


def make_case(
    tmp_path: Path, name: str = "Test.proofshot", operator: str = "Alice Analyst"
) -> Case:
    return Case.create(tmp_path / name, title="Test case", operator=operator)


def png_bytes(
    color: str | tuple[int, int, int] = "red",
    size: tuple[int, int] = (64, 48),
    text: dict[str, str] | None = None,
) -> bytes:
    img = Image.new("RGB", size, color)
    info = PngImagePlugin.PngInfo()
    for k, v in (text or {}).items():
        info.add_itxt(k, v)
    buf = io.BytesIO()
    img.save(buf, "PNG", pnginfo=info)
    return buf.getvalue()


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def run_cli(
    *args: str | os.PathLike[str], check: bool = False, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    result = subprocess.run(
        [sys.executable, "-m", "app", *map(str, args)],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=300,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"proofshot {args} failed ({result.returncode}): {result.stderr}")
    return result
