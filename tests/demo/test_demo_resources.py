"""The bundled demo case in resources/demo carries the files and metadata it promises."""

from __future__ import annotations

import hashlib
import io
import json
import re
import struct
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path
from typing import Any

import imagehash
import numpy as np
import pytest
from PIL import Image

from app.demo import OWNER, art, build_resources, metadata

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo"


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return json.loads((DEMO / "demo.json").read_text(encoding="utf-8"))


def _files(manifest: dict[str, Any], role: str) -> list[dict[str, Any]]:
    return [f for f in manifest["files"] if f["role"] == role]


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """PNG chunks as (type, payload), read by hand so the chunk *type* can be checked."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    out, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        out.append((kind, data[pos + 8 : pos + 8 + length]))
        pos += 12 + length
    return out


def _text_chunk_kind(data: bytes, key: str) -> bytes:
    for kind, payload in _chunks(data):
        if kind in (b"tEXt", b"iTXt", b"zTXt") and payload.split(b"\x00", 1)[0] == key.encode():
            return kind
    raise AssertionError(f"no text chunk {key!r}")


def test_manifest_lists_every_file_with_a_matching_sha256(manifest: dict[str, Any]) -> None:
    listed = {f["path"] for f in manifest["files"]}
    on_disk = {
        p.relative_to(DEMO).as_posix()
        for sub in ("originals", "generated", "screenshots")
        for p in (DEMO / sub).iterdir()
        if p.suffix != ".json"
    }
    assert listed == on_disk
    for entry in manifest["files"]:
        data = (DEMO / entry["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["path"]
        assert len(data) == entry["bytes"]
        assert entry["role"] in ("original-work", "generated", "screenshot")
        assert isinstance(entry["tags"], list) and entry["tags"]


def test_case_has_originals_lookalikes_unrelated_outputs_and_screenshots(
    manifest: dict[str, Any],
) -> None:
    generated = _files(manifest, "generated")
    lookalikes = [g for g in generated if g["similar_to"]]
    unrelated = [g for g in generated if "unrelated" in g["tags"]]
    assert len(_files(manifest, "original-work")) == 4
    assert 8 <= len(lookalikes) <= 12
    assert 2 <= len(unrelated) <= 3
    assert 1 <= len(_files(manifest, "screenshot")) <= 2
    prompts = {g["prompt"] for g in generated}
    assert {"生成星光侠", "星光侠 长发", "生成插画风格的星光侠"} <= prompts
    assert any(re.fullmatch(r"[ -~]+", p) for p in prompts)  # English prompts as well
    for group in ("group-1", "group-2", "group-3"):
        assert any(group in g["tags"] for g in lookalikes)


def test_demo_folder_stays_under_six_megabytes() -> None:
    total = sum(p.stat().st_size for p in DEMO.rglob("*") if p.is_file())
    assert total < 6_000_000


def test_readme_says_everything_is_invented() -> None:
    text = (DEMO / "README.md").read_text(encoding="utf-8")
    assert "invented for Proofshot" in text
    assert "same as the" in text and "project" in text


def test_works_json_records_owner_registration_and_licence_chain() -> None:
    works = json.loads((DEMO / "originals" / "works.json").read_text(encoding="utf-8"))
    assert works["owner"] == OWNER == "Lumina Studio Ltd."
    assert len(works["works"]) == 4
    for work in works["works"]:
        assert re.fullmatch(r"国作登字-\d{4}-F-\d{8}", work["registration_number"])
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", work["registration_date"])
        assert work["title"] and work["title_zh"]
        data = (DEMO / work["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == work["sha256"]
    assert len(works["licence_chain"]) >= 2
    assert works["licence_chain"][1]["from"] == OWNER


def test_originals_are_1024_pngs_with_copyright_text(manifest: dict[str, Any]) -> None:
    for entry in _files(manifest, "original-work"):
        img = Image.open(DEMO / entry["path"])
        assert img.format == "PNG"
        assert img.size == (1024, 1024)
        assert OWNER in img.info["Copyright"]


def test_a1111_pngs_carry_parameters_in_text_or_itxt_by_script(manifest: dict[str, Any]) -> None:
    entries = [g for g in _files(manifest, "generated") if g["metadata"] == "a1111-png"]
    assert len(entries) >= 8
    for entry in entries:
        data = (DEMO / entry["path"]).read_bytes()
        params = Image.open(io.BytesIO(data)).info["parameters"]
        assert params.split("\n")[0] == entry["prompt"]
        assert f"Seed: {entry['seed']}," in params
        assert "Steps: 20, Sampler: Euler a, CFG scale: 7" in params
        latin1 = all(ord(c) < 256 for c in params)
        assert _text_chunk_kind(data, "parameters") == (b"tEXt" if latin1 else b"iTXt")


def test_jpeg_carries_parameters_in_exif_user_comment_unicode(manifest: dict[str, Any]) -> None:
    (entry,) = [g for g in _files(manifest, "generated") if g["metadata"] == "a1111-jpeg"]
    img = Image.open(DEMO / entry["path"])
    assert img.format == "JPEG"
    raw = img.getexif().get_ifd(metadata.EXIF_IFD_POINTER)[metadata.EXIF_USER_COMMENT]
    assert raw[:8] == b"UNICODE\x00"
    text = raw[8:].decode("utf-16-be")
    assert text.startswith(entry["prompt"] + "\n")
    assert metadata.decode_user_comment(raw) == text


def test_comfyui_png_carries_prompt_and_workflow_graphs(manifest: dict[str, Any]) -> None:
    (entry,) = [g for g in _files(manifest, "generated") if g["metadata"] == "comfyui-png"]
    info = Image.open(DEMO / entry["path"]).info
    api = json.loads(info["prompt"])
    texts = [n["inputs"]["text"] for n in api.values() if n["class_type"] == "CLIPTextEncode"]
    assert entry["prompt"] in texts
    sampler = next(n for n in api.values() if n["class_type"] == "KSampler")
    assert sampler["inputs"]["seed"] == entry["seed"]
    workflow = json.loads(info["workflow"])
    assert {n["type"] for n in workflow["nodes"]} >= {"KSampler", "CLIPTextEncode", "SaveImage"}
    assert info["prompt"].isascii()  # ComfyUI writes json.dumps defaults: escaped, tEXt


def test_xmp_png_declares_trained_algorithmic_media_and_tc260_label(
    manifest: dict[str, Any],
) -> None:
    (entry,) = [g for g in _files(manifest, "generated") if g["metadata"] == "xmp-png"]
    data = (DEMO / entry["path"]).read_bytes()
    assert _text_chunk_kind(data, metadata.XMP_PNG_KEY) == b"iTXt"
    xmp = Image.open(io.BytesIO(data)).info[metadata.XMP_PNG_KEY]
    root = ET.fromstring(xmp[xmp.index("<x:xmpmeta") : xmp.index("</x:xmpmeta>") + 12])
    desc = root.find(".//{http://www.w3.org/1999/02/22-rdf-syntax-ns#}Description")
    assert desc is not None
    source = desc.get(f"{{{metadata.IPTC_EXT_NAMESPACE}}}DigitalSourceType")
    assert source == metadata.TRAINED_ALGORITHMIC_MEDIA
    label = json.loads(desc.get(f"{{{metadata.TC260_NAMESPACE}}}AIGC") or "")
    assert label["Label"] == "1"
    assert {"ContentProducer", "ProduceID", "ContentPropagator", "PropagateID"} <= set(label)


def test_screenshots_are_pngs_of_the_platform_page(manifest: dict[str, Any]) -> None:
    for entry in _files(manifest, "screenshot"):
        img = Image.open(DEMO / entry["path"])
        assert img.format == "PNG"
        assert img.width >= 1200 and img.height >= 600


def test_lookalikes_are_nearest_to_the_original_they_copy(manifest: dict[str, Any]) -> None:
    originals = {
        e["path"]: imagehash.phash(Image.open(DEMO / e["path"]))
        for e in _files(manifest, "original-work")
    }
    look, unrelated = [], []
    for entry in _files(manifest, "generated"):
        h = imagehash.phash(Image.open(DEMO / entry["path"]))
        distances = {path: int(h - o) for path, o in originals.items()}
        if entry["similar_to"]:
            assert min(distances, key=lambda p: distances[p]) == entry["similar_to"], entry
            look.append(distances[entry["similar_to"]])
        else:
            unrelated.append(min(distances.values()))
    assert max(look) < min(unrelated), (look, unrelated)


def test_committed_generation_matches_what_the_build_script_draws() -> None:
    gen = build_resources.GENERATIONS[0]
    committed = Image.open(DEMO / "generated" / gen.name).convert("RGB")
    redrawn = art.draw_generation(gen.prompt, gen.seed, build_resources.GENERATED_SIZE)
    diff = np.abs(np.asarray(committed, dtype=np.int16) - np.asarray(redrawn, dtype=np.int16))
    assert diff.mean() < 1.0


def test_png_text_chunks_are_well_formed(manifest: dict[str, Any]) -> None:
    for entry in manifest["files"]:
        if not entry["path"].endswith(".png"):
            continue
        for kind, payload in _chunks((DEMO / entry["path"]).read_bytes()):
            if kind == b"iTXt":
                key, rest = payload.split(b"\x00", 1)
                compressed = rest[0]
                text = rest[2:].split(b"\x00", 2)[2]
                if compressed:
                    text = zlib.decompress(text)
                assert key and text.decode("utf-8")
