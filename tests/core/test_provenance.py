"""Tests for app.core.provenance: real files written with Pillow (and signed with
c2pa-python where C2PA is involved), read back through ``extract_provenance``."""

from __future__ import annotations

import datetime
import hashlib
import http.server
import io
import json
import shutil
import struct
import threading
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import c2pa
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from PIL import Image, PngImagePlugin

from app.core.provenance import EXTRACTOR_VERSION, extract_provenance

TRAINED = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
DIGITAL_CAPTURE = "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture"
CN_PROMPT = "生成星光侠, 长发, 插画风格"
CN_NEGATIVE = "低质量, 模糊,\n多余的手指"
A1111_SETTINGS = (
    "Steps: 28, Sampler: DPM++ 2M Karras, CFG scale: 6.5, Seed: 3141592653, Size: 512x768, "
    'Model hash: 6ce0161689, Model: starlight_v2, Lora hashes: "hair: 1a2b, style: 3c4d", '
    "Version: v1.10.1"
)
RESULT_KEYS = {
    "prompt",
    "negative_prompt",
    "parameters",
    "generator",
    "sources",
    "exif",
    "xmp",
    "png_text",
    "comfyui",
    "novelai",
    "invokeai",
    "c2pa",
    "ai_labels",
    "absent",
    "errors",
    "extractor_version",
}
FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "c2pa"


# --- file builders -----------------------------------------------------------------------


def png_bytes(
    pnginfo: PngImagePlugin.PngInfo | None = None, size: tuple[int, int] = (8, 8)
) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 60, 90)).save(buffer, "PNG", pnginfo=pnginfo)
    return buffer.getvalue()


def png_chunk(ctype: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(ctype + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + ctype + data + struct.pack(">I", crc)


def insert_after_ihdr(png: bytes, *chunks: bytes) -> bytes:
    """IHDR ends at byte 33 (8 signature + 25 chunk)."""
    return png[:33] + b"".join(chunks) + png[33:]


def insert_before_iend(png: bytes, *chunks: bytes) -> bytes:
    return png[:-12] + b"".join(chunks) + png[-12:]


def itxt(keyword: str, text: bytes, compressed: bool = False) -> bytes:
    payload = zlib.compress(text) if compressed else text
    header = keyword.encode("latin-1") + b"\x00" + bytes([int(compressed), 0]) + b"\x00\x00"
    return png_chunk(b"iTXt", header + payload)


def jpeg_bytes(exif: bytes | None = None, xmp: bytes | None = None) -> bytes:
    buffer = io.BytesIO()
    options: dict[str, Any] = {}
    if exif is not None:
        options["exif"] = exif
    if xmp is not None:
        options["xmp"] = xmp
    Image.new("RGB", (16, 16), (200, 120, 40)).save(buffer, "JPEG", **options)
    return buffer.getvalue()


def tiff_exif(
    ifd0: list[tuple[int, int, bytes]],
    exif_ifd: list[tuple[int, int, bytes]],
    order: str = ">",
) -> bytes:
    """A minimal EXIF blob ("Exif\\0\\0" + TIFF) written by hand, independent of Pillow, so
    the byte order and UserComment encoding are exactly what the test says."""
    entries0 = sorted([*ifd0, (0x8769, 4, b"")])
    ifd0_size = 2 + 12 * len(entries0) + 4
    exif_offset = 8 + ifd0_size
    data_offset = exif_offset + 2 + 12 * len(exif_ifd) + 4
    data = bytearray()

    def field(tag: int, typ: int, value: bytes) -> bytes:
        count = len(value) if typ != 4 else 1
        if tag == 0x8769:
            slot = struct.pack(order + "I", exif_offset)
        elif len(value) <= 4:
            slot = value.ljust(4, b"\x00")
        else:
            slot = struct.pack(order + "I", data_offset + len(data))
            data.extend(value)
            if len(data) % 2:
                data.append(0)
        return struct.pack(order + "HHI", tag, typ, count) + slot

    def ifd(entries: list[tuple[int, int, bytes]]) -> bytes:
        body = b"".join(field(*entry) for entry in entries)
        return struct.pack(order + "H", len(entries)) + body + b"\x00\x00\x00\x00"

    first = ifd(entries0)
    second = ifd(sorted(exif_ifd))
    head = (b"MM" if order == ">" else b"II") + struct.pack(order + "HI", 42, 8)
    return b"Exif\x00\x00" + head + first + second + bytes(data)


def ascii_tag(tag: int, text: str) -> tuple[int, int, bytes]:
    return (tag, 2, text.encode("utf-8") + b"\x00")


def user_comment(body: bytes) -> tuple[int, int, bytes]:
    return (0x9286, 7, body)


def xmp_packet(description_xml: str, extra_ns: str = "") -> bytes:
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '<rdf:Description rdf:about=""\n'
        ' xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"\n'
        ' xmlns:TC260="http://www.tc260.org.cn/ns/AIGC/1.0/"\n'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        f' xmlns:xmp="http://ns.adobe.com/xap/1.0/"{extra_ns}>\n'
        f"{description_xml}\n"
        "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    ).encode()


TC260_LABEL = {
    "Label": "1",
    "ContentProducer": "001191440300MA5STARLIGHT",
    "ProduceID": "gen-2025-0001",
    "ReservedCode1": "",
    "ContentPropagator": "001191440300MA5PLATFORM",
    "PropagateID": "prop-77",
    "ReservedCode2": "",
}


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def assert_well_formed(result: dict[str, Any]) -> None:
    """Every result: all keys, JSON without NaN, version constant."""
    assert set(result) >= RESULT_KEYS
    # The custody log hashes sorted-key, UTF-8, NaN-free JSON; the record must survive it.
    json.dumps(result, sort_keys=True, allow_nan=False, ensure_ascii=False).encode("utf-8")
    assert result["extractor_version"] == EXTRACTOR_VERSION
    assert all(isinstance(e, str) and e for e in result["errors"])


# --- A1111 / Forge -------------------------------------------------------------------------


def test_a1111_png_english_prompt_negative_and_settings_are_parsed(tmp_path: Path) -> None:
    text = (
        "a lone astronaut, (oil painting:1.2), dusk\n"
        "second prompt line\n"
        "Negative prompt: blurry, lowres\n"
        "extra negative line\n" + A1111_SETTINGS
    )
    info = PngImagePlugin.PngInfo()
    info.add_text("parameters", text)
    result = extract_provenance(write(tmp_path, "a.png", png_bytes(info)), "image/png")

    assert_well_formed(result)
    assert result["prompt"] == "a lone astronaut, (oil painting:1.2), dusk\nsecond prompt line"
    assert result["negative_prompt"] == "blurry, lowres\nextra negative line"
    params = result["parameters"]
    assert params["steps"] == 28
    assert params["sampler"] == "DPM++ 2M Karras"
    assert params["cfg_scale"] == 6.5
    assert params["seed"] == 3141592653
    assert (params["size"], params["width"], params["height"]) == ("512x768", 512, 768)
    assert params["model_hash"] == "6ce0161689"
    assert params["model"] == "starlight_v2"
    assert params["other"] == {"Lora hashes": "hair: 1a2b, style: 3c4d", "Version": "v1.10.1"}
    assert result["generator"] == "AUTOMATIC1111/Forge"
    assert "png:parameters" in result["sources"]
    assert result["png_text"]["parameters"]["text"] == text
    assert result["png_text"]["parameters"]["chunk"] == "tEXt"
    assert "generator-parameters" not in result["absent"]
    assert result["errors"] == []


@pytest.mark.parametrize("compressed", [False, True], ids=["iTXt", "compressed-iTXt"])
def test_a1111_png_chinese_prompt_comes_out_verbatim(tmp_path: Path, compressed: bool) -> None:
    text = f"{CN_PROMPT}\nNegative prompt: {CN_NEGATIVE}\n{A1111_SETTINGS}"
    info = PngImagePlugin.PngInfo()
    info.add_itxt("parameters", text, zip=compressed)
    result = extract_provenance(write(tmp_path, "cn.png", png_bytes(info)), "image/png")

    assert_well_formed(result)
    assert result["prompt"] == CN_PROMPT
    assert result["negative_prompt"] == CN_NEGATIVE
    assert result["png_text"]["parameters"]["compressed"] is compressed
    assert result["png_text"]["parameters"]["chunk"] == "iTXt"


def test_a1111_text_after_image_data_is_still_found(tmp_path: Path) -> None:
    text = f"{CN_PROMPT}\n{A1111_SETTINGS}"
    png = insert_before_iend(png_bytes(), itxt("parameters", text.encode()))
    result = extract_provenance(write(tmp_path, "late.png", png), "image/png")
    assert result["prompt"] == CN_PROMPT
    assert result["negative_prompt"] is None
    assert result["parameters"]["steps"] == 28


def test_a1111_jpeg_exif_usercomment_unicode_big_endian_chinese(tmp_path: Path) -> None:
    """AUTOMATIC1111 writes UserComment via piexif: "UNICODE\\0" + UTF-16BE in a MM TIFF."""
    text = f"{CN_PROMPT}\nNegative prompt: {CN_NEGATIVE}\n{A1111_SETTINGS}"
    exif = tiff_exif(
        [ascii_tag(0x0131, "Forge f2.0.1")],
        [user_comment(b"UNICODE\x00" + text.encode("utf-16-be"))],
    )
    result = extract_provenance(write(tmp_path, "a.jpg", jpeg_bytes(exif=exif)), "image/jpeg")

    assert_well_formed(result)
    assert result["exif"]["UserComment"] == text
    assert result["exif"]["UserCommentCharset"] == "UNICODE (UTF-16-BE)"
    assert result["prompt"] == CN_PROMPT
    assert result["negative_prompt"] == CN_NEGATIVE
    assert result["parameters"]["seed"] == 3141592653
    assert result["generator"] == "AUTOMATIC1111/Forge"
    assert {"exif", "exif:UserComment"} <= set(result["sources"])


def test_exif_usercomment_unicode_little_endian_from_intel_tiff_is_decoded(tmp_path: Path) -> None:
    """Pillow writes Intel (II) EXIF; a UTF-16LE comment there must not come out garbled."""
    text = f"{CN_PROMPT}\n{A1111_SETTINGS}"
    exif = Image.Exif()
    exif[0x0131] = "ImageTool 3"
    exif.get_ifd(0x8769)[0x9286] = b"UNICODE\x00" + text.encode("utf-16-le")
    result = extract_provenance(
        write(tmp_path, "le.jpg", jpeg_bytes(exif=exif.tobytes())), "image/jpeg"
    )

    assert result["exif"]["UserComment"] == text
    assert result["exif"]["UserCommentCharset"] == "UNICODE (UTF-16-LE)"
    assert result["prompt"] == CN_PROMPT


@pytest.mark.parametrize(
    ("header", "body", "expected"),
    [
        (b"ASCII\x00\x00\x00", b"plain comment", "plain comment"),
        (b"JIS\x00\x00\x00\x00\x00", "星光の戦士".encode("iso2022_jp")[3:-3], "星光の戦士"),
        (b"UNICODE\x00", b"\xfe\xff" + "byte order mark".encode("utf-16-be"), "byte order mark"),
    ],
    ids=["ascii", "raw-jis-x0208", "unicode-with-bom"],
)
def test_exif_usercomment_charset_header_is_honoured(
    tmp_path: Path, header: bytes, body: bytes, expected: str
) -> None:
    exif = tiff_exif([], [user_comment(header + body)], order="<")
    result = extract_provenance(write(tmp_path, "c.jpg", jpeg_bytes(exif=exif)), "image/jpeg")
    assert result["exif"]["UserComment"] == expected
    assert result["errors"] == []


def test_exif_camera_fields_are_reported(tmp_path: Path) -> None:
    exif = tiff_exif(
        [
            ascii_tag(0x010F, "StarCam"),
            ascii_tag(0x0110, "SC-1 Mark II"),
            ascii_tag(0x0131, "StarCam Firmware 1.2"),
            ascii_tag(0x0132, "2025:03:01 10:00:00"),
        ],
        [ascii_tag(0x9003, "2025:03:01 09:59:58")],
    )
    result = extract_provenance(write(tmp_path, "cam.jpg", jpeg_bytes(exif=exif)), "image/jpeg")
    assert result["exif"]["Make"] == "StarCam"
    assert result["exif"]["Model"] == "SC-1 Mark II"
    assert result["exif"]["DateTime"] == "2025:03:01 10:00:00"
    assert result["exif"]["DateTimeOriginal"] == "2025:03:01 09:59:58"
    assert result["generator"] == "StarCam Firmware 1.2"
    assert "generator-parameters" in result["absent"]
    assert result["prompt"] is None


def test_webp_exif_usercomment_and_xmp_are_read(tmp_path: Path) -> None:
    text = f"{CN_PROMPT}\n{A1111_SETTINGS}"
    exif = tiff_exif([], [user_comment(b"UNICODE\x00" + text.encode("utf-16-be"))])
    xmp = xmp_packet(f"<Iptc4xmpExt:DigitalSourceType>{TRAINED}</Iptc4xmpExt:DigitalSourceType>")
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), (1, 2, 3)).save(buffer, "WEBP", exif=exif, xmp=xmp)
    result = extract_provenance(write(tmp_path, "w.webp", buffer.getvalue()), "image/webp")

    assert_well_formed(result)
    assert result["prompt"] == CN_PROMPT
    assert result["xmp"]["digital_source_type"] == TRAINED
    assert result["xmp"]["ai_generated"] is True
    assert (result["container"]["width"], result["container"]["height"]) == (20, 10)


# --- XMP: IPTC digital source type and TC260 -----------------------------------------------


def test_xmp_iptc_source_type_and_tc260_label_in_png_are_reported(tmp_path: Path) -> None:
    label_json = json.dumps(TC260_LABEL, ensure_ascii=False)
    xmp = xmp_packet(
        f"<Iptc4xmpExt:DigitalSourceType>{TRAINED}</Iptc4xmpExt:DigitalSourceType>\n"
        f"<TC260:AIGC>{label_json}</TC260:AIGC>\n"
        "<xmp:CreatorTool>StarGen Studio 4</xmp:CreatorTool>"
    )
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", xmp.decode())
    result = extract_provenance(write(tmp_path, "x.png", png_bytes(info)), "image/png")

    assert_well_formed(result)
    assert result["xmp"]["digital_source_type"] == TRAINED
    assert result["xmp"]["ai_generated"] is True
    assert result["xmp"]["tc260_aigc"] == TC260_LABEL
    assert result["xmp"]["raw_length"] == len(xmp)
    assert {"xmp", "xmp-iptc", "tc260"} <= set(result["sources"])
    assert {"source": "xmp-iptc", "value": TRAINED, "ai_generated": True} in result["ai_labels"]
    assert {"source": "tc260", "value": TC260_LABEL, "ai_generated": None} in result["ai_labels"]
    assert result["generator"] == "StarGen Studio 4"
    assert "tc260" not in result["absent"]


def test_xmp_in_jpeg_with_attribute_form_tc260_and_camera_source_type(tmp_path: Path) -> None:
    escaped = json.dumps(TC260_LABEL).replace("&", "&amp;").replace('"', "&quot;")
    xmp = xmp_packet(
        f'<Iptc4xmpExt:DigitalSourceType rdf:resource="{DIGITAL_CAPTURE}"/>',
    ).replace(b'rdf:about=""', f'rdf:about="" TC260:AIGC="{escaped}"'.encode())
    result = extract_provenance(write(tmp_path, "x.jpg", jpeg_bytes(xmp=xmp)), "image/jpeg")

    assert result["xmp"]["tc260_aigc"] == TC260_LABEL
    assert result["xmp"]["digital_source_type"] == DIGITAL_CAPTURE
    assert result["xmp"]["ai_generated"] is False


def test_tc260_label_that_is_not_json_is_kept_raw_with_an_error(tmp_path: Path) -> None:
    xmp = xmp_packet("<TC260:AIGC>Label=1;ContentProducer=unknown</TC260:AIGC>")
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", xmp.decode())
    result = extract_provenance(write(tmp_path, "x.png", png_bytes(info)), "image/png")
    assert result["xmp"]["tc260_aigc"] == "Label=1;ContentProducer=unknown"
    assert any("TC260" in e for e in result["errors"])


def test_generic_xmp_description_is_not_taken_as_a_prompt(tmp_path: Path) -> None:
    xmp = xmp_packet(
        '<dc:description><rdf:Alt><rdf:li xml:lang="x-default">Holiday photo, beach</rdf:li>'
        "</rdf:Alt></dc:description>"
    )
    result = extract_provenance(write(tmp_path, "d.jpg", jpeg_bytes(xmp=xmp)), "image/jpeg")
    assert result["xmp"]["description"] == "Holiday photo, beach"
    assert result["prompt"] is None
    assert "generator-parameters" in result["absent"]


def test_xmp_description_holding_a1111_parameters_is_used_as_prompt(tmp_path: Path) -> None:
    text = f"{CN_PROMPT}\nNegative prompt: {CN_NEGATIVE}\n{A1111_SETTINGS}"
    escaped = text.replace("&", "&amp;").replace("<", "&lt;")
    xmp = xmp_packet(
        f'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escaped}</rdf:li></rdf:Alt>'
        "</dc:description>"
    )
    result = extract_provenance(write(tmp_path, "d.jpg", jpeg_bytes(xmp=xmp)), "image/jpeg")
    assert result["prompt"] == CN_PROMPT
    assert result["negative_prompt"] == CN_NEGATIVE
    assert "xmp:description" in result["sources"]


# --- ComfyUI, NovelAI, InvokeAI --------------------------------------------------------------


def comfy_prompt_graph() -> dict[str, Any]:
    """Negative encoder has the lower node id, and the positive goes through a
    ConditioningCombine: roles must come from the sampler's links, not node order."""
    return {
        "3": {
            "class_type": "KSampler",
            "inputs": {
                "seed": 987654321,
                "steps": 30,
                "cfg": 5.5,
                "sampler_name": "dpmpp_2m",
                "scheduler": "karras",
                "denoise": 1.0,
                "model": ["4", 0],
                "positive": ["10", 0],
                "negative": ["6", 0],
                "latent_image": ["5", 0],
            },
        },
        "4": {
            "class_type": "CheckpointLoaderSimple",
            "inputs": {"ckpt_name": "starlight_xl.safetensors"},
        },
        "5": {
            "class_type": "EmptyLatentImage",
            "inputs": {"width": 832, "height": 1216, "batch_size": 1},
        },
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "低质量, 水印", "clip": ["4", 1]}},
        "7": {"class_type": "CLIPTextEncode", "inputs": {"text": CN_PROMPT, "clip": ["4", 1]}},
        "8": {"class_type": "CLIPTextEncode", "inputs": {"text": "golden light", "clip": ["4", 1]}},
        "10": {
            "class_type": "ConditioningCombine",
            "inputs": {"conditioning_1": ["7", 0], "conditioning_2": ["8", 0]},
        },
        "11": {"class_type": "LoraLoader", "inputs": {"lora_name": "hair_style.safetensors"}},
    }


def test_comfyui_prompt_graph_roles_follow_sampler_links(tmp_path: Path) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("prompt", json.dumps(comfy_prompt_graph(), ensure_ascii=False))
    info.add_text("workflow", json.dumps({"nodes": [{"id": 3, "type": "KSampler"}], "links": []}))
    result = extract_provenance(write(tmp_path, "c.png", png_bytes(info)), "image/png")

    assert_well_formed(result)
    assert result["generator"] == "ComfyUI"
    assert result["prompt"] == CN_PROMPT
    assert result["negative_prompt"] == "低质量, 水印"
    roles = {e["node"]: e["role"] for e in result["comfyui"]["text_encodes"]}
    assert roles == {"6": "negative", "7": "positive", "8": "positive"}
    assert result["comfyui"]["checkpoints"] == ["starlight_xl.safetensors"]
    assert result["comfyui"]["loras"] == ["hair_style.safetensors"]
    assert result["comfyui"]["samplers"][0]["sampler_name"] == "dpmpp_2m"
    assert result["comfyui"]["workflow_node_count"] == 1
    params = result["parameters"]
    assert params["seed"] == 987654321
    assert params["steps"] == 30
    assert params["cfg_scale"] == 5.5
    assert params["sampler"] == "dpmpp_2m"
    assert params["model"] == "starlight_xl.safetensors"
    assert params["size"] == "832x1216"
    assert "comfyui" in result["sources"]


def test_comfyui_workflow_only_graph_is_summarised_through_its_link_table(tmp_path: Path) -> None:
    workflow = {
        "nodes": [
            {
                "id": 1,
                "type": "CheckpointLoaderSimple",
                "widgets_values": ["flux_star.safetensors"],
            },
            {
                "id": 2,
                "type": "CLIPTextEncode",
                "inputs": [{"name": "clip", "link": 1}],
                "widgets_values": ["bad anatomy"],
            },
            {
                "id": 9,
                "type": "CLIPTextEncode",
                "inputs": [{"name": "clip", "link": 2}],
                "widgets_values": [CN_PROMPT],
            },
            {
                "id": 4,
                "type": "KSampler",
                "inputs": [{"name": "positive", "link": 3}, {"name": "negative", "link": 4}],
                "widgets_values": [42, "fixed", 20, 7, "euler", "normal", 1],
            },
        ],
        "links": [
            [1, 1, 1, 2, 0, "CLIP"],
            [2, 1, 1, 9, 0, "CLIP"],
            [3, 9, 0, 4, 1, "CONDITIONING"],
            [4, 2, 0, 4, 2, "CONDITIONING"],
        ],
    }
    info = PngImagePlugin.PngInfo()
    info.add_text("workflow", json.dumps(workflow, ensure_ascii=False))
    result = extract_provenance(write(tmp_path, "wf.png", png_bytes(info)), "image/png")

    assert result["comfyui"]["graph_used"] == "workflow"
    assert result["prompt"] == CN_PROMPT
    assert result["negative_prompt"] == "bad anatomy"
    assert result["parameters"]["seed"] == 42
    assert result["parameters"]["steps"] == 20
    assert result["comfyui"]["checkpoints"] == ["flux_star.safetensors"]


def test_comfyui_prompt_that_is_not_json_is_an_error_not_a_crash(tmp_path: Path) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("prompt", '{"3": {"class_type": "KSampler", ')
    result = extract_provenance(write(tmp_path, "bad.png", png_bytes(info)), "image/png")
    assert_well_formed(result)
    assert result["comfyui"] is not None
    assert any("not valid JSON" in e for e in result["errors"])
    assert result["prompt"] is None


def test_comfyui_graph_in_webp_exif_tags_is_read(tmp_path: Path) -> None:
    """ComfyUI's WebP saver puts "prompt:{json}" in EXIF Model and the workflow in Make."""
    exif = tiff_exif(
        [
            ascii_tag(0x010F, "workflow:" + json.dumps({"nodes": [], "links": []})),
            ascii_tag(0x0110, "prompt:" + json.dumps(comfy_prompt_graph(), ensure_ascii=False)),
        ],
        [],
        order="<",
    )
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "WEBP", exif=exif)
    result = extract_provenance(write(tmp_path, "c.webp", buffer.getvalue()), "image/webp")
    assert result["generator"] == "ComfyUI"
    assert result["prompt"] == CN_PROMPT
    assert result["comfyui"]["found_in"] == "exif"


def test_lone_surrogates_from_json_escapes_cannot_break_utf8_hashing(tmp_path: Path) -> None:
    graph = comfy_prompt_graph()
    graph["7"]["inputs"]["text"] = "star\ud800light"
    info = PngImagePlugin.PngInfo()
    info.add_text("prompt", json.dumps(graph))  # ASCII escapes: "\\ud800" in the chunk
    info.add_text("Software", "NovelAI")
    info.add_text("Comment", '{"uc": "bad\\udc00", "steps": "\\ud83d"}')
    result = extract_provenance(write(tmp_path, "s.png", png_bytes(info)), "image/png")
    assert_well_formed(result)
    assert result["prompt"].startswith("star")
    assert result["novelai"]["comment"]["uc"].startswith("bad")


def test_novelai_description_comment_and_uc_are_read(tmp_path: Path) -> None:
    comment = {
        "prompt": "ignored because Description is present",
        "uc": "lowres, bad anatomy, 多余的手指",
        "steps": 28,
        "scale": 5.0,
        "seed": 2718281828,
        "sampler": "k_euler_ancestral",
        "width": 832,
        "height": 1216,
        "noise_schedule": "native",
    }
    info = PngImagePlugin.PngInfo()
    info.add_text("Title", "AI generated image")
    info.add_text("Description", CN_PROMPT)
    info.add_text("Software", "NovelAI")
    info.add_text("Source", "NovelAI Diffusion V4.5 4BDE2A90")
    info.add_text("Comment", json.dumps(comment, ensure_ascii=False))
    result = extract_provenance(write(tmp_path, "n.png", png_bytes(info)), "image/png")

    assert_well_formed(result)
    assert result["generator"] == "NovelAI"
    assert result["prompt"] == CN_PROMPT
    assert result["negative_prompt"] == "lowres, bad anatomy, 多余的手指"
    assert result["parameters"]["steps"] == 28
    assert result["parameters"]["cfg_scale"] == 5.0
    assert result["parameters"]["seed"] == 2718281828
    assert result["parameters"]["sampler"] == "k_euler_ancestral"
    assert result["parameters"]["model"] == "NovelAI Diffusion V4.5 4BDE2A90"
    assert result["novelai"]["comment"]["uc"] == comment["uc"]
    assert "novelai" in result["sources"]


def test_invokeai_metadata_is_read(tmp_path: Path) -> None:
    meta = {
        "generation_mode": "txt2img",
        "positive_prompt": CN_PROMPT,
        "negative_prompt": "模糊",
        "width": 1024,
        "height": 1024,
        "seed": 123456,
        "cfg_scale": 7.5,
        "steps": 35,
        "scheduler": "dpmpp_2m_k",
        "model": {"name": "StarXL", "hash": "blake3:abcd", "base": "sdxl", "type": "main"},
        "app_version": "5.6.0",
    }
    info = PngImagePlugin.PngInfo()
    info.add_text("invokeai_metadata", json.dumps(meta, ensure_ascii=False))
    info.add_text("invokeai_graph", "{}")
    result = extract_provenance(write(tmp_path, "i.png", png_bytes(info)), "image/png")

    assert result["generator"] == "InvokeAI"
    assert result["prompt"] == CN_PROMPT
    assert result["negative_prompt"] == "模糊"
    assert result["parameters"]["model"] == "StarXL"
    assert result["parameters"]["model_hash"] == "blake3:abcd"
    assert result["parameters"]["steps"] == 35
    assert result["invokeai"]["app_version"] == "5.6.0"
    assert result["invokeai"]["has_graph"] is True


def test_invokeai_legacy_sd_metadata_is_read(tmp_path: Path) -> None:
    legacy = {
        "model": "stable diffusion",
        "model_weights": "stable-diffusion-1.5",
        "model_hash": "cc6cb27103",
        "app_id": "invoke-ai/InvokeAI",
        "app_version": "2.3.5",
        "image": {
            "prompt": [{"prompt": "a castle at night [blurry]", "weight": 1.0}],
            "steps": 50,
            "cfg_scale": 7.5,
            "seed": 42,
            "sampler": "k_lms",
            "width": 512,
            "height": 512,
        },
    }
    info = PngImagePlugin.PngInfo()
    info.add_text("sd-metadata", json.dumps(legacy))
    result = extract_provenance(write(tmp_path, "i2.png", png_bytes(info)), "image/png")
    assert result["prompt"] == "a castle at night"  # InvokeAI 2 inline [negative] split off
    assert result["negative_prompt"] == "blurry"
    assert result["parameters"]["model"] == "stable-diffusion-1.5"
    assert result["parameters"]["sampler"] == "k_lms"


def test_a1111_parameters_take_priority_over_other_generators(tmp_path: Path) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("parameters", f"a1111 prompt\n{A1111_SETTINGS}")
    info.add_text("prompt", json.dumps(comfy_prompt_graph(), ensure_ascii=False))
    result = extract_provenance(write(tmp_path, "both.png", png_bytes(info)), "image/png")
    assert result["prompt"] == "a1111 prompt"
    assert result["generator"] == "AUTOMATIC1111/Forge"
    assert result["comfyui"]["checkpoints"] == ["starlight_xl.safetensors"]
    assert {"png:parameters", "comfyui"} <= set(result["sources"])


# --- absence and bad input -------------------------------------------------------------------


def test_plain_png_reports_what_is_absent_without_errors(tmp_path: Path) -> None:
    result = extract_provenance(write(tmp_path, "plain.png", png_bytes()), "image/png")
    assert_well_formed(result)
    assert result["errors"] == []
    assert set(result["absent"]) >= {
        "c2pa",
        "exif",
        "xmp",
        "xmp-iptc",
        "tc260",
        "generator-parameters",
        "png-text",
    }
    assert result["c2pa"] is None
    assert result["prompt"] is None
    assert result["sources"] == []
    assert result["container"]["metadata_examined"] is True
    assert result["container"]["metadata_walk_complete"] is True


def test_zero_byte_file_gives_an_error_not_an_exception(tmp_path: Path) -> None:
    result = extract_provenance(write(tmp_path, "empty.png", b""), "image/png")
    assert_well_formed(result)
    assert any("empty" in e for e in result["errors"])
    assert result["prompt"] is None


def test_missing_file_gives_an_error_that_does_not_leak_the_path(tmp_path: Path) -> None:
    result = extract_provenance(tmp_path / "nowhere.png", "image/png")
    assert_well_formed(result)
    assert len(result["errors"]) == 1
    assert str(tmp_path) not in result["errors"][0]


def test_text_file_declared_as_png_is_reported_as_not_an_image(tmp_path: Path) -> None:
    result = extract_provenance(write(tmp_path, "fake.png", b"just some text\n" * 20), "image/png")
    assert_well_formed(result)
    assert any("does not start with that format's signature" in e for e in result["errors"])
    assert result["container"]["metadata_examined"] is False


def test_non_image_file_gets_only_a_c2pa_check(tmp_path: Path) -> None:
    result = extract_provenance(
        write(tmp_path, "notes.txt", "证据说明\n".encode() * 10), "text/plain"
    )
    assert_well_formed(result)
    assert result["absent"] == ["c2pa"]
    assert result["c2pa"] is None
    assert result["container"]["format"] is None


def test_declared_media_type_disagreeing_with_the_bytes_is_reported(tmp_path: Path) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("parameters", f"mislabelled\n{A1111_SETTINGS}")
    result = extract_provenance(write(tmp_path, "x.jpg", png_bytes(info)), "image/jpeg")
    assert result["prompt"] == "mislabelled"
    assert any("declared as image/jpeg" in e for e in result["errors"])


def test_truncated_png_keeps_earlier_chunks_and_reports_truncation(tmp_path: Path) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("parameters", f"kept prompt\n{A1111_SETTINGS}")
    png = png_bytes(info, size=(64, 64))
    result = extract_provenance(write(tmp_path, "t.png", png[: len(png) - 30]), "image/png")
    assert_well_formed(result)
    assert result["prompt"] == "kept prompt"
    assert any("truncated" in e for e in result["errors"])


@pytest.mark.parametrize(
    ("name", "data", "media_type"),
    [
        ("garbage.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "image/png"),
        ("huge-length.png", b"\x89PNG\r\n\x1a\n\xff\xff\xff\xffIHDR" + b"\x00" * 40, "image/png"),
        ("garbage.jpg", b"\xff\xd8\xff" + bytes(range(256)) * 8, "image/jpeg"),
        ("tiny.jpg", b"\xff\xd8\xff\xe1\x10", "image/jpeg"),
        ("bad.webp", b"RIFF\xff\xff\xff\x7fWEBPEXIF\xff\xff\xff\x7f" + b"x" * 64, "image/webp"),
    ],
    ids=["png-garbage", "png-huge-length", "jpeg-garbage", "jpeg-tiny", "webp-bad-sizes"],
)
def test_corrupt_files_give_errors_not_exceptions(
    tmp_path: Path, name: str, data: bytes, media_type: str
) -> None:
    result = extract_provenance(write(tmp_path, name, data), media_type)
    assert_well_formed(result)
    assert result["errors"], "a corrupt file must be reported"
    assert result["container"]["metadata_walk_complete"] is False
    assert result["prompt"] is None


def test_unparsable_exif_is_an_error_and_not_reported_absent(tmp_path: Path) -> None:
    exif = b"Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08\x7f\xff" + b"\x01" * 30
    result = extract_provenance(write(tmp_path, "e.jpg", jpeg_bytes(exif=exif)), "image/jpeg")
    assert any("EXIF could not be parsed" in e for e in result["errors"])
    assert "exif" not in result["absent"]
    assert result["exif"] == {}


def test_truncated_c2pa_jpeg_is_reported_not_raised(tmp_path: Path) -> None:
    source = c2pa_fixture("C.jpg")
    data = source.read_bytes()
    result = extract_provenance(write(tmp_path, "cut.jpg", data[: len(data) // 2]), "image/jpeg")
    assert_well_formed(result)
    assert any("EOI" in e for e in result["errors"])
    assert result["c2pa"]["validation_state"] == "Invalid"
    assert "assertion.dataHash.mismatch" in result["c2pa"]["validation_status"]


def test_decompression_bomb_header_is_reported_and_metadata_still_read(tmp_path: Path) -> None:
    ihdr = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0))
    idat = png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
    params = png_chunk(b"tEXt", b"parameters\x00bomb prompt\n" + A1111_SETTINGS.encode())
    data = b"\x89PNG\r\n\x1a\n" + ihdr + params + idat + png_chunk(b"IEND", b"")
    path = write(tmp_path, "bomb.png", data)
    with pytest.raises(Image.DecompressionBombError):  # precondition: Pillow calls it a bomb
        Image.open(path)

    result = extract_provenance(path, "image/png")
    assert_well_formed(result)
    assert any("MAX_IMAGE_PIXELS" in e for e in result["errors"])
    assert result["container"]["width"] == 100_000
    assert result["prompt"] == "bomb prompt"


def test_50mb_ztxt_bomb_is_refused_within_bounds(tmp_path: Path) -> None:
    compressor = zlib.compressobj(9)
    block = b"A" * (1024 * 1024)
    deflated = b"".join(compressor.compress(block) for _ in range(50)) + compressor.flush()
    bomb = png_chunk(b"zTXt", b"bomb\x00\x00" + deflated)
    after = png_chunk(b"tEXt", b"parameters\x00after the bomb\n" + A1111_SETTINGS.encode())
    path = write(tmp_path, "ztxt.png", insert_after_ihdr(png_bytes(), bomb, after))

    started = time.monotonic()
    result = extract_provenance(path, "image/png")
    elapsed = time.monotonic() - started

    assert_well_formed(result)
    entry = result["png_text"]["bomb"]
    assert entry["refused"] is True
    assert entry["truncated"] is True
    assert len(entry["text"].encode()) <= 256 * 1024
    assert any("decompression bomb" in e for e in result["errors"])
    assert result["prompt"] == "after the bomb"
    assert len(json.dumps(result)) < 4 * 1024 * 1024
    assert elapsed < 10


def test_text_chunk_over_the_read_limit_is_recorded_but_not_read(tmp_path: Path) -> None:
    huge = png_chunk(b"tEXt", b"workflow\x00" + b"{" * (9 * 1024 * 1024))
    path = write(tmp_path, "big.png", insert_after_ihdr(png_bytes(), huge))
    result = extract_provenance(path, "image/png")
    entry = result["png_text"]["workflow"]
    assert entry["refused"] is True
    assert entry["text"] is None
    assert entry["stored_length"] == 9 * 1024 * 1024 + len("workflow") + 1
    assert any("was not read" in e for e in result["errors"])
    assert result["comfyui"] is None


@pytest.mark.parametrize(
    "payload",
    [
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
        + "".join(
            f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
            for i in range(1, 10)
        )
        + ']>\n<x:xmpmeta xmlns:x="adobe:ns:meta/">&lol9;</x:xmpmeta>',
        '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">&xxe;</x:xmpmeta>',
    ],
    ids=["billion-laughs", "external-entity"],
)
def test_hostile_xmp_with_entities_is_refused(tmp_path: Path, payload: str) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", payload)
    started = time.monotonic()
    result = extract_provenance(write(tmp_path, "lol.png", png_bytes(info)), "image/png")

    assert time.monotonic() - started < 5
    assert_well_formed(result)
    assert any("XMP packet refused" in e for e in result["errors"])
    assert result["xmp"]["digital_source_type"] is None
    # The packet exists but could not be examined, so nothing in it is claimed absent.
    assert not {"xmp", "xmp-iptc", "tc260"} & set(result["absent"])
    assert "root:" not in json.dumps(result)


def test_malformed_xmp_is_an_error(tmp_path: Path) -> None:
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>'
    result = extract_provenance(write(tmp_path, "m.jpg", jpeg_bytes(xmp=xmp)), "image/jpeg")
    assert any("not well-formed" in e for e in result["errors"])
    assert result["xmp"]["raw_length"] == len(xmp)


def test_invalid_utf8_in_itxt_is_replaced_reported_and_raw_kept(tmp_path: Path) -> None:
    raw = "星光侠".encode() + b"\xff\xfe broken"
    path = write(tmp_path, "u.png", insert_after_ihdr(png_bytes(), itxt("Comment", raw)))
    result = extract_provenance(path, "image/png")
    assert_well_formed(result)
    entry = result["png_text"]["Comment"]
    assert entry["text"].startswith("星光侠")
    assert "\ufffd" in entry["text"]
    assert entry["raw_base64"]
    assert any("not valid utf-8" in e for e in result["errors"])


def test_crc_mismatch_in_text_chunk_is_reported(tmp_path: Path) -> None:
    chunk = bytearray(png_chunk(b"tEXt", b"Comment\x00altered"))
    chunk[-1] ^= 0xFF
    path = write(tmp_path, "crc.png", insert_after_ihdr(png_bytes(), bytes(chunk)))
    result = extract_provenance(path, "image/png")
    assert result["png_text"]["Comment"]["crc_ok"] is False
    assert any("CRC" in e for e in result["errors"])


def test_oversized_text_value_is_capped_with_a_truncated_flag(tmp_path: Path) -> None:
    long_prompt = "星" * 200_000  # 600 000 UTF-8 bytes
    info = PngImagePlugin.PngInfo()
    info.add_itxt("parameters", f"{long_prompt}\n{A1111_SETTINGS}", zip=True)
    result = extract_provenance(write(tmp_path, "long.png", png_bytes(info)), "image/png")

    assert_well_formed(result)
    assert len(result["prompt"].encode()) <= 256 * 1024
    assert long_prompt.startswith(result["prompt"])
    assert result["png_text"]["parameters"]["truncated"] is True
    assert {"prompt", "png_text.parameters"} <= set(result["truncated"])
    assert result["parameters"]["steps"] == 28  # parsed from the full text before capping


def test_many_large_text_chunks_keep_the_result_bounded(tmp_path: Path) -> None:
    chunks = [
        png_chunk(
            b"zTXt", f"note{i}".encode() + b"\x00\x00" + zlib.compress(("星光" * 200_000).encode())
        )
        for i in range(12)
    ]
    path = write(tmp_path, "many.png", insert_after_ihdr(png_bytes(), *chunks))
    result = extract_provenance(path, "image/png")

    assert_well_formed(result)
    stored = sum(len((e["text"] or "").encode()) for e in result["png_text"].values())
    assert stored <= 2 * 1024 * 1024
    assert len(result["png_text"]) == 12
    assert all(e["truncated"] for e in result["png_text"].values())
    assert len(json.dumps(result, ensure_ascii=False).encode()) < 3 * 1024 * 1024


# --- determinism, serialisation, read-only ----------------------------------------------------


def test_result_is_deterministic_json_and_file_is_left_untouched(tmp_path: Path) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("parameters", f"{CN_PROMPT}\n{A1111_SETTINGS}")
    info.add_text("prompt", json.dumps(comfy_prompt_graph(), ensure_ascii=False))
    files = [write(tmp_path, "d.png", png_bytes(info))]
    if FIXTURES.is_dir():
        files.append(c2pa_fixture("CA.jpg", tmp_path))
    for path in files:
        before = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
        first = extract_provenance(path, "image/png" if path.suffix == ".png" else "image/jpeg")
        second = extract_provenance(path, "image/png" if path.suffix == ".png" else "image/jpeg")
        after = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
        encoded = json.dumps(first, sort_keys=True, ensure_ascii=False, allow_nan=False)
        assert encoded == json.dumps(second, sort_keys=True, ensure_ascii=False, allow_nan=False)
        assert json.loads(encoded) == first
        assert before == after


# --- C2PA -------------------------------------------------------------------------------------


def c2pa_fixture(name: str, tmp_path: Path | None = None) -> Path:
    source = FIXTURES / name
    if not source.is_file():
        pytest.skip(f"shared C2PA fixture {source} is not available in this checkout")
    if tmp_path is None:
        return source
    target = tmp_path / name
    shutil.copyfile(source, target)
    return target


def test_c2pa_fixture_c_jpg_reports_claim_generator_actions_and_validation(tmp_path: Path) -> None:
    result = extract_provenance(c2pa_fixture("C.jpg", tmp_path), "image/jpeg")
    assert_well_formed(result)
    manifest = result["c2pa"]
    assert "make_test_images" in manifest["claim_generator"]
    assert manifest["actions"][0]["action"] == "c2pa.created"
    assert manifest["validation_state"] in {"Valid", "Trusted", "Invalid"}
    assert "signingCredential.untrusted" in manifest["validation_status"]
    assert manifest["signer"]["issuer"] == "C2PA Test Signing Cert"
    assert manifest["signing_time"].startswith("2023-09-29")
    assert "c2pa" in result["sources"]
    assert "c2pa" not in result["absent"]
    assert result["generator"] == manifest["claim_generator"]


def test_c2pa_fixture_ca_jpg_reports_its_ingredient(tmp_path: Path) -> None:
    result = extract_provenance(c2pa_fixture("CA.jpg", tmp_path), "image/jpeg")
    manifest = result["c2pa"]
    assert "make_test_images" in manifest["claim_generator"]
    assert [a["action"] for a in manifest["actions"]] == ["c2pa.opened", "c2pa.color_adjustments"]
    assert manifest["validation_state"] is not None
    assert manifest["ingredients"][0]["title"] == "A.jpg"
    assert manifest["ingredients"][0]["relationship"] == "parentOf"


@pytest.fixture(scope="module")
def signing_chain() -> tuple[bytes, bytes]:
    """A throwaway ES256 chain: a CA, and an end-entity cert with digitalSignature and the
    emailProtection EKU, which c2pa-rs accepts for claim signing. Returns (chain, key)."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Proofshot Test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    ee_key = ec.generate_private_key(ec.SECP256R1())
    ee_cert = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.COMMON_NAME, "StarGen Signer"),
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "StarGen Test Lab"),
                ]
            )
        )
        .issuer_name(ca_name)
        .public_key(ee_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ee_key.public_key()), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    chain = ee_cert.public_bytes(serialization.Encoding.PEM) + ca_cert.public_bytes(
        serialization.Encoding.PEM
    )
    key = ee_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return chain, key


def c2pa_sign(
    chain_and_key: tuple[bytes, bytes],
    source: bytes,
    mime: str,
    remote_url: str | None = None,
) -> bytes:
    chain, key = chain_and_key
    manifest = {
        "claim_generator_info": [{"name": "StarGen", "version": "2.0"}],
        "title": "stargen-output",
        "assertions": [
            {
                "label": "c2pa.actions",
                "data": {
                    "actions": [
                        {
                            "action": "c2pa.created",
                            "digitalSourceType": TRAINED,
                            "softwareAgent": "StarGen 2.0",
                        }
                    ]
                },
            }
        ],
    }
    signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, chain, key, None))
    with (
        c2pa.Context.from_dict({"builder": {"thumbnail": {"enabled": False}}}) as context,
        c2pa.Builder(manifest, context=context) as builder,
    ):
        if remote_url is not None:
            builder.set_no_embed()
            builder.set_remote_url(remote_url)
        output = io.BytesIO()
        builder.sign(signer, mime, io.BytesIO(source), output)
    signer.close()
    return output.getvalue()


def test_self_signed_c2pa_trained_algorithmic_media_is_reported_ai_generated(
    tmp_path: Path, signing_chain: tuple[bytes, bytes]
) -> None:
    signed = c2pa_sign(signing_chain, jpeg_bytes(), "image/jpeg")
    result = extract_provenance(write(tmp_path, "signed.jpg", signed), "image/jpeg")

    assert_well_formed(result)
    manifest = result["c2pa"]
    assert manifest["ai_generated"] is True
    assert manifest["digital_source_type"] == TRAINED
    assert manifest["actions"][0]["softwareAgent"] == "StarGen 2.0"
    assert manifest["claim_generator"] == "StarGen/2.0"
    assert manifest["signer"]["common_name"] == "StarGen Signer"
    assert manifest["validation_state"] in {"Valid", "Trusted"}
    assert {"source": "c2pa", "value": TRAINED, "ai_generated": True} in result["ai_labels"]
    assert result["generator"] == "StarGen/2.0"


def test_c2pa_signed_png_keeps_a1111_prompt_and_manifest(
    tmp_path: Path, signing_chain: tuple[bytes, bytes]
) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("parameters", f"{CN_PROMPT}\nNegative prompt: {CN_NEGATIVE}\n{A1111_SETTINGS}")
    signed = c2pa_sign(signing_chain, png_bytes(info), "image/png")
    result = extract_provenance(write(tmp_path, "signed.png", signed), "image/png")

    assert result["prompt"] == CN_PROMPT
    assert result["generator"] == "AUTOMATIC1111/Forge"
    assert result["c2pa"]["ai_generated"] is True
    assert {"c2pa", "png:parameters"} <= set(result["sources"])
    assert result["errors"] == []


@pytest.fixture
def loopback_server() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server that records every request, to prove nothing is fetched."""
    requests: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            del args

    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    # shutdown() waits for the serving loop's next look: 0.05 s, not the default 0.5 s
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/manifest.c2pa", requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_remote_c2pa_manifest_is_recorded_but_never_fetched(
    tmp_path: Path, signing_chain: tuple[bytes, bytes], loopback_server: tuple[str, list[str]]
) -> None:
    url, requests = loopback_server
    signed = c2pa_sign(signing_chain, jpeg_bytes(), "image/jpeg", remote_url=url)
    result = extract_provenance(write(tmp_path, "remote.jpg", signed), "image/jpeg")

    assert_well_formed(result)
    assert requests == []
    assert result["c2pa"]["remote_url"] == url
    assert any("not fetched" in e for e in result["errors"])
    assert "c2pa-remote-reference" in result["sources"]
