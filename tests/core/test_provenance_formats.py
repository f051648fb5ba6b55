"""The generator-format detector never guesses: unknown records are kept raw and labelled,
never read as A1111; two records give a choice by the stated rule plus a conflict; A1111
stealth pnginfo, hires passes and "CFG Scale" spelling are read as their writers mean."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from app.core.provenance import extract_provenance
from app.core.provenance.formats import UNRECOGNISED, read_text_record
from tests.core.test_provenance import (
    ascii_tag,
    jpeg_bytes,
    png_bytes,
    tiff_exif,
    user_comment,
    write,
)

JA_PROMPT = "桜の木の下の少女, 水彩画"
SETTINGS = "Steps: 28, Sampler: Euler a, CFG scale: 6.5, Seed: 42, Size: 832x1216"


def png_with(**texts: str) -> bytes:
    info = PngImagePlugin.PngInfo()
    for key, value in texts.items():
        info.add_text(key, value)
    return png_bytes(info)


@pytest.mark.parametrize(
    "text",
    [
        json.dumps({"app": "SomeNewTool", "caption": "a cat", "guidance": 3}),
        "a cat sitting on a mat, photorealistic",  # prompt-looking text with no settings line
        "a cat\nNegative prompt: dogs\nsize 512, by hand",
    ],
    ids=["unknown-json", "bare-text", "no-steps"],
)
def test_unrecognised_parameters_are_kept_raw_and_never_called_a1111(
    tmp_path: Path, text: str
) -> None:
    result = extract_provenance(write(tmp_path, "u.png", png_with(parameters=text)), "image/png")

    assert result["prompt"] is None
    assert result["format"] is None
    assert result["generator"] != "AUTOMATIC1111/Forge"
    assert result["unrecognised"] == [
        {"field": "png:parameters", "label": UNRECOGNISED, "raw": text}
    ]
    assert any(UNRECOGNISED in e and "png:parameters" in e for e in result["errors"])


def test_camera_usercomment_is_not_labelled_generator_metadata(tmp_path: Path) -> None:
    exif = tiff_exif([], [user_comment(b"ASCII\x00\x00\x00" + b"Holiday in Kyoto")])
    result = extract_provenance(write(tmp_path, "c.jpg", jpeg_bytes(exif=exif)), "image/jpeg")
    assert result["unrecognised"] == []
    assert result["prompt"] is None
    assert result["exif"]["UserComment"] == "Holiday in Kyoto"


def test_unknown_json_in_usercomment_is_labelled_with_its_tag(tmp_path: Path) -> None:
    raw = json.dumps({"generator": "Mystery", "p": JA_PROMPT}, ensure_ascii=False)
    exif = tiff_exif([], [user_comment(b"UNICODE\x00" + raw.encode("utf-16-be"))])
    result = extract_provenance(write(tmp_path, "m.jpg", jpeg_bytes(exif=exif)), "image/jpeg")
    assert [u["field"] for u in result["unrecognised"]] == ["exif:UserComment"]
    assert result["prompt"] is None


def test_json_parameters_are_unescaped_not_read_as_a1111() -> None:
    text = json.dumps({"prompt": JA_PROMPT, "negative_prompt": "低品質", "seed": 7})
    assert "\\u" in text
    fmt, finding = read_text_record(text, "png:parameters")
    assert fmt == "hf-space"
    assert finding.prompt == JA_PROMPT
    assert finding.negative_prompt == "低品質"


def test_cfg_scale_spelling_and_hires_pass_are_normalised(tmp_path: Path) -> None:
    text = (
        f"{JA_PROMPT}\nNegative prompt: blurry\nSteps: 20, Sampler: Euler, CFG Scale: 7, "
        "Seed: 99, Size: 512x768, Denoising strength: 0.4, Hires upscale: 2, Hires steps: 10, "
        "Hires upscaler: Latent"
    )
    result = extract_provenance(write(tmp_path, "h.png", png_with(parameters=text)), "image/png")
    parameters = result["parameters"]

    assert result["prompt"] == JA_PROMPT
    assert parameters["cfg_scale"] == 7
    assert "CFG Scale" not in parameters["other"]
    assert (parameters["steps"], parameters["seed"]) == (20, 99)
    assert parameters["hires"] == {"denoise": 0.4, "upscale": 2, "steps": 10, "upscaler": "Latent"}
    assert [p["role"] for p in result["prompts"]] == ["positive", "negative"]


COMFY_GRAPH = {
    "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "m.safetensors"}},
    "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "graph prompt", "clip": ["1", 1]}},
    "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "graph negative", "clip": ["1", 1]}},
    "4": {"class_type": "EmptyLatentImage", "inputs": {"width": 512, "height": 512}},
    "5": {
        "class_type": "KSampler",
        "inputs": {
            "seed": 5,
            "steps": 12,
            "cfg": 4.0,
            "sampler_name": "euler",
            "scheduler": "normal",
            "denoise": 1.0,
            "model": ["1", 0],
            "positive": ["2", 0],
            "negative": ["3", 0],
            "latent_image": ["4", 0],
        },
    },
    "6": {"class_type": "SaveImage", "inputs": {"images": ["5", 0]}},
}


def test_two_records_keep_both_choose_by_rule_and_report_the_conflict(tmp_path: Path) -> None:
    data = png_with(parameters=f"text prompt\n{SETTINGS}", prompt=json.dumps(COMFY_GRAPH))
    result = extract_provenance(write(tmp_path, "two.png", data), "image/png")

    assert result["prompt"] == "text prompt"
    assert [(r["source"], r["chosen"]) for r in result["records"]] == [
        ("png:parameters", True),
        ("comfyui", False),
    ]
    conflict = result["conflicts"][0]
    assert (conflict["source"], conflict["value"], conflict["chosen_source"]) == (
        "comfyui",
        "graph prompt",
        "png:parameters",
    )
    assert "placeholder" in conflict["rule"]


def test_placeholder_prompt_never_beats_a_real_one(tmp_path: Path) -> None:
    text = "unknown\nNegative prompt: unknown\nSteps: 20, CFG Scale: 8.0, Seed: 0, Version: ComfyUI"
    data = png_with(parameters=text, prompt=json.dumps(COMFY_GRAPH))
    result = extract_provenance(write(tmp_path, "p.png", data), "image/png")
    assert result["prompt"] == "graph prompt"
    assert result["negative_prompt"] == "graph negative"
    assert result["conflicts"][0]["value"] == "unknown"
    assert result["parameters"]["seed"] == 5


def stealth_png(text: str, compressed: bool, size: tuple[int, int] = (40, 30)) -> bytes:
    """Write text the way sd-webui-stealth-pnginfo does: alpha LSBs, column by column."""
    payload = gzip.compress(text.encode()) if compressed else text.encode()
    signature = b"stealth_pngcomp" if compressed else b"stealth_pnginfo"
    bits = "".join(f"{b:08b}" for b in signature)
    bits += f"{len(payload) * 8:032b}" + "".join(f"{b:08b}" for b in payload)
    width, height = size
    assert len(bits) <= width * height
    image = Image.effect_noise(size, 60).convert("RGBA")  # varied rows: every PNG filter
    pixels = image.load()
    for index, bit in enumerate(bits):
        x, y = divmod(index, height)
        r, g, b, _ = pixels[x, y]
        pixels[x, y] = (r, g, b, 254 | int(bit))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("compressed", "size"),
    [(False, (60, 70)), (True, (60, 70)), (False, (12, 400)), (True, (9, 1500))],
    ids=["short-plain", "short-gzip", "tall-plain", "tall-gzip"],
)
def test_stealth_pnginfo_in_alpha_is_read(
    tmp_path: Path, compressed: bool, size: tuple[int, int]
) -> None:
    """Short images wrap the signature into later columns (decoded whole); tall ones keep
    it in column 0, which is unfiltered on its own from the IDAT stream."""
    text = f"{JA_PROMPT}\nNegative prompt: blurry\n{SETTINGS}"
    path = write(tmp_path, "s.png", stealth_png(text, compressed, size))
    result = extract_provenance(path, "image/png")
    assert result["prompt"] == JA_PROMPT
    assert result["format"] == "a1111"
    assert "png:stealth-alpha" in result["sources"]
    assert result["parameters"]["seed"] == 42


def stealth_rgb_png(text: str, compressed: bool, size: tuple[int, int], mode: str) -> bytes:
    """Write text the way sd-webui-stealth-pnginfo's RGB mode does: the low bits of R, G
    and B in that order, pixel after pixel, column by column."""
    payload = gzip.compress(text.encode()) if compressed else text.encode()
    signature = b"stealth_rgbcomp" if compressed else b"stealth_rgbinfo"
    bits = "".join(f"{b:08b}" for b in signature)
    bits += f"{len(payload) * 8:032b}" + "".join(f"{b:08b}" for b in payload)
    width, height = size
    assert len(bits) <= width * height * 3
    image = Image.effect_noise(size, 60).convert(mode)
    pixels = image.load()
    for index in range(0, len(bits), 3):
        x, y = divmod(index // 3, height)
        pixel = list(pixels[x, y])
        for channel, bit in enumerate(bits[index : index + 3]):
            pixel[channel] = (pixel[channel] & 0xFE) | int(bit)
        pixels[x, y] = tuple(pixel)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("compressed", "size", "mode"),
    [
        (False, (60, 30), "RGB"),
        (True, (60, 30), "RGBA"),
        (False, (12, 400), "RGB"),
        (True, (9, 1500), "RGBA"),
    ],
    ids=["short-plain-rgb", "short-gzip-rgba", "tall-plain-rgb", "tall-gzip-rgba"],
)
def test_stealth_pnginfo_in_rgb_low_bits_is_read(
    tmp_path: Path, compressed: bool, size: tuple[int, int], mode: str
) -> None:
    """``stealth_rgbinfo`` / ``stealth_rgbcomp``: three bits per pixel in R, G, B."""
    text = f"{JA_PROMPT}\nNegative prompt: blurry\n{SETTINGS}"
    path = write(tmp_path, "s.png", stealth_rgb_png(text, compressed, size, mode))
    result = extract_provenance(path, "image/png")
    assert result["prompt"] == JA_PROMPT
    assert result["negative_prompt"] == "blurry"
    assert result["format"] == "a1111"
    assert "png:stealth-rgb" in result["sources"]
    assert result["parameters"]["seed"] == 42


def test_stealth_rgb_with_a_broken_length_is_reported(tmp_path: Path) -> None:
    data = stealth_rgb_png("x" * 40, False, (20, 200), "RGB")
    image = Image.open(io.BytesIO(data)).convert("RGB")
    pixels = image.load()
    for index in range(120, 152):  # the length field: set every bit -> far beyond the image
        x, y = divmod(index // 3, 200)
        pixel = list(pixels[x, y])
        pixel[index % 3] |= 1
        pixels[x, y] = tuple(pixel)
    out = io.BytesIO()
    image.save(out, "PNG")
    result = extract_provenance(write(tmp_path, "b.png", out.getvalue()), "image/png")
    assert result["prompt"] is None
    assert any("RGB channels" in error for error in result["errors"])


def test_rgba_png_without_stealth_signature_gives_nothing(tmp_path: Path) -> None:
    out = io.BytesIO()
    Image.new("RGBA", (300, 200), (1, 2, 3, 255)).save(out, "PNG")
    result = extract_provenance(write(tmp_path, "plain.png", out.getvalue()), "image/png")
    assert result["prompt"] is None
    assert result["errors"] == []


def test_swarmui_jpeg_usercomment_json_keeps_its_hires_apart(tmp_path: Path) -> None:
    params = {
        "sui_image_params": {
            "prompt": JA_PROMPT,
            "negativeprompt": "bad",
            "seed": 11,
            "steps": 30,
            "cfgscale": 6,
            "refinerupscale": 1.5,
            "refinercontrolpercentage": 0.3,
        }
    }
    raw = json.dumps(params)
    exif = tiff_exif(
        [ascii_tag(0x0131, "SwarmUI")],
        [user_comment(b"UNICODE\x00" + raw.encode("utf-16-le"))],
        order="<",
    )
    result = extract_provenance(write(tmp_path, "w.jpg", jpeg_bytes(exif=exif)), "image/jpeg")
    assert result["generator"] == "SwarmUI"
    assert result["prompt"] == JA_PROMPT
    assert result["parameters"]["steps"] == 30
    assert result["parameters"]["hires"] == {"upscale": 1.5, "denoise": 0.3}


def test_bare_comfyui_graph_in_usercomment_is_read_as_comfyui(tmp_path: Path) -> None:
    raw = json.dumps(COMFY_GRAPH)
    exif = tiff_exif([], [user_comment(b"UNICODE\x00" + raw.encode("utf-16-be"))])
    result = extract_provenance(write(tmp_path, "g.jpg", jpeg_bytes(exif=exif)), "image/jpeg")
    assert result["format"] == "comfyui"
    assert result["prompt"] == "graph prompt"
    assert result["comfyui"]["found_in"] == "exif:UserComment"
    assert result["unrecognised"] == []


def test_hostile_sampler_chain_and_huge_dream_line_stay_cheap(tmp_path: Path) -> None:
    import time

    graph: dict[str, object] = {
        "0": {"class_type": "EmptyLatentImage", "inputs": {"width": 8, "height": 8}},
        "t": {"class_type": "CLIPTextEncode", "inputs": {"text": "x"}},
    }
    for i in range(1, 4000):
        graph[str(i)] = {
            "class_type": "KSampler",
            "inputs": {
                "seed": i,
                "steps": 1,
                "cfg": 1,
                "positive": ["t", 0],
                "negative": ["t", 0],
                "latent_image": [str(i - 1), 0],
            },
        }
    graph["s"] = {"class_type": "SaveImage", "inputs": {"images": ["3999", 0]}}
    dream = '"' + "word " * 40_000 + '" -s 10'
    data = png_with(prompt=json.dumps(graph), Dream=dream)
    started = time.perf_counter()
    result = extract_provenance(write(tmp_path, "h.png", data), "image/png")
    assert time.perf_counter() - started < 5
    assert result["prompt"] == "x"
    assert any(u["field"] == "png:Dream" for u in result["unrecognised"])


@pytest.mark.parametrize(
    ("name", "mime"),
    [("reduced/novelai-full-3char.png", "image/png"), ("novelai-full-3char.webp", "image/webp")],
)
def test_novelai_v4_characters_keep_their_own_prompt_negative_and_place(
    name: str, mime: str
) -> None:
    """NovelAI v4 stores no character names (``char_captions`` hold only a caption and
    centres; sd-metadata's CharacterPrompt has no name either), so each character is tied
    to its negative and its centre by its position in the list."""
    corpus = Path(__file__).resolve().parents[1] / "fixtures" / "provenance" / "sd-metadata"
    result = extract_provenance(corpus / name, mime)
    chars = [p for p in result["prompts"] if p["role"] == "character"]
    negatives = {p["index"]: p for p in result["prompts"] if p["role"] == "character-negative"}
    assert [(p["index"], p["text"].strip(), p["center"]) for p in chars] == [
        (0, "girl, hatsune miku, spread arms,", {"x": 0.5, "y": 0.3}),
        (1, "girl, kagamine rin, hand up,", {"x": 0.7, "y": 0.7}),
        (2, "boy, kagamine len, hand up,", {"x": 0.3, "y": 0.7}),
    ]
    for char in chars:
        assert negatives[char["index"]]["center"] == char["center"]
    assert result["prompt"].startswith("2girls, 1boy, dancing, #テスト")


@pytest.mark.parametrize("channel", ["alpha", "rgb"])
def test_novelai_json_hidden_by_stealth_pnginfo_is_read_as_novelai(
    tmp_path: Path, channel: str
) -> None:
    """NovelAI itself writes its metadata (JSON with a ``Comment``) as ``stealth_pngcomp``
    in alpha (NovelAI/novelai-image-metadata nai_meta.py); the RGB mode carries the same."""
    comment = {"prompt": JA_PROMPT, "uc": "lowres", "steps": 28, "scale": 5.0, "seed": 1234}
    payload = json.dumps(
        {"Description": JA_PROMPT, "Software": "NovelAI", "Comment": json.dumps(comment)}
    )
    if channel == "alpha":
        data = stealth_png(payload, True, (64, 400))
    else:
        data = stealth_rgb_png(payload, True, (64, 400), "RGB")
    result = extract_provenance(write(tmp_path, "nai.png", data), "image/png")
    assert result["format"] == "novelai"
    assert result["prompt"] == JA_PROMPT
    assert result["negative_prompt"] == "lowres"
    assert result["parameters"]["seed"] == 1234
    assert result["sources"] == [f"png:stealth-{channel}"]
