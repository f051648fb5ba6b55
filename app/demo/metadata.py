"""Generator metadata as real tools write it, for the demo's "generated" files.

Why this exists: Proofshot's provenance extractor must read what AI tools really embed, so
the demo files and the demo site carry the same structures: AUTOMATIC1111 ``parameters``
text chunks (tEXt, or iTXt when the prompt is not Latin-1, as Pillow chooses), the same
text in a JPEG's EXIF UserComment with the ``UNICODE`` prefix (UTF-16BE, as piexif writes
it), ComfyUI ``prompt``/``workflow`` JSON graphs, and an XMP packet with the IPTC digital
source type and China's TC260 implicit AIGC label (GB 45438-2025) in the PNG iTXt chunk
``XML:com.adobe.xmp``. All values are invented.
"""

from __future__ import annotations

import io
import json
from typing import Any
from xml.sax.saxutils import quoteattr

from PIL import Image, PngImagePlugin

TRAINED_ALGORITHMIC_MEDIA = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
"""IPTC digital source type for images made by a trained model."""

TC260_NAMESPACE = "http://www.tc260.org.cn/ns/AIGC/1.0/"
"""XMP namespace of the TC260 implicit AI-generated-content label."""

IPTC_EXT_NAMESPACE = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
"""XMP namespace of the IPTC Extension schema (DigitalSourceType lives here)."""

XMP_PNG_KEY = "XML:com.adobe.xmp"
"""The iTXt keyword under which PNG files carry an XMP packet."""

EXIF_IFD_POINTER = 0x8769
EXIF_USER_COMMENT = 0x9286
EXIF_SOFTWARE = 0x0131
UNICODE_PREFIX = b"UNICODE\x00"


def tc260_label(
    producer: str, produce_id: str, propagator: str = "", propagate_id: str = ""
) -> str:
    """The JSON value of ``TC260:AIGC``: Label "1" marks content as AI-generated."""
    label = {
        "Label": "1",
        "ContentProducer": producer,
        "ProduceID": produce_id,
        "ReservedCode1": "",
        "ContentPropagator": propagator,
        "PropagateID": propagate_id,
        "ReservedCode2": "",
    }
    return json.dumps(label, ensure_ascii=False, separators=(",", ":"))


def xmp_packet(
    *,
    creator_tool: str,
    tc260_json: str | None = None,
    digital_source_type: str = TRAINED_ALGORITHMIC_MEDIA,
) -> str:
    """A complete XMP packet declaring the image AI-generated (IPTC and, optionally, TC260)."""
    attrs = [
        f"Iptc4xmpExt:DigitalSourceType={quoteattr(digital_source_type)}",
        f"xmp:CreatorTool={quoteattr(creator_tool)}",
    ]
    if tc260_json is not None:
        attrs.append(f"TC260:AIGC={quoteattr(tc260_json)}")
    joined = "\n    ".join(attrs)
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '  <rdf:Description rdf:about=""\n'
        f'    xmlns:Iptc4xmpExt="{IPTC_EXT_NAMESPACE}"\n'
        '    xmlns:xmp="http://ns.adobe.com/xap/1.0/"\n'
        f'    xmlns:TC260="{TC260_NAMESPACE}"\n'
        f"    {joined}/>\n"
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    )


def png_bytes(
    img: Image.Image,
    *,
    text: dict[str, str] | None = None,
    xmp: str | None = None,
    optimize: bool = False,
) -> bytes:
    """Encode ``img`` as PNG with text chunks and an optional XMP iTXt chunk.

    ``optimize`` trades encoding time for size: on for files committed to the repository,
    off for the demo site, which must answer quickly.

    ``text`` values go through Pillow's ``add_text``, which writes tEXt for Latin-1 text
    and iTXt otherwise -- the same choice AUTOMATIC1111 ends up with.
    """
    info = PngImagePlugin.PngInfo()
    for key, value in (text or {}).items():
        info.add_text(key, value)
    if xmp is not None:
        info.add_itxt(XMP_PNG_KEY, xmp)
    buf = io.BytesIO()
    img.save(buf, "PNG", pnginfo=info, optimize=optimize)
    return buf.getvalue()


def user_comment_unicode(text: str) -> bytes:
    """EXIF UserComment bytes with the UNICODE character-code prefix (UTF-16BE, as piexif)."""
    return UNICODE_PREFIX + text.encode("utf-16-be")


def decode_user_comment(raw: bytes) -> str:
    """Inverse of :func:`user_comment_unicode`, also accepting ASCII-prefixed comments."""
    prefix, body = raw[:8], raw[8:]
    if prefix == UNICODE_PREFIX:
        return body.decode("utf-16-be")
    return body.decode("ascii", errors="replace").rstrip("\x00")


def jpeg_bytes(img: Image.Image, *, parameters: str, software: str, quality: int = 90) -> bytes:
    """Encode ``img`` as JPEG with the generation text in EXIF UserComment, as A1111 does."""
    exif = Image.Exif()
    exif[EXIF_SOFTWARE] = software
    exif.get_ifd(EXIF_IFD_POINTER)[EXIF_USER_COMMENT] = user_comment_unicode(parameters)
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=quality, exif=exif.tobytes())
    return buf.getvalue()


def comfyui_graphs(
    prompt: str,
    negative: str,
    seed: int,
    *,
    size: tuple[int, int],
    checkpoint: str,
    steps: int = 20,
    cfg: float = 7.0,
) -> tuple[str, str]:
    """The ComfyUI ``prompt`` (API graph) and ``workflow`` (UI graph) JSON texts.

    Both are serialised with ``json.dumps`` defaults (ASCII with escapes), as ComfyUI's
    SaveImage node writes them, so non-Latin prompts appear as ``\\uXXXX`` escapes.
    """
    api = _api_graph(prompt, negative, seed, size, checkpoint, steps, cfg)
    workflow = _workflow_graph(prompt, negative, seed, size, checkpoint, steps, cfg)
    return json.dumps(api), json.dumps(workflow)


def _api_graph(
    prompt: str,
    negative: str,
    seed: int,
    size: tuple[int, int],
    checkpoint: str,
    steps: int,
    cfg: float,
) -> dict[str, Any]:
    """The executed API graph: node id -> class_type and inputs, links as [node, output]."""
    return {
        "3": {
            "inputs": {
                "seed": seed,
                "steps": steps,
                "cfg": cfg,
                "sampler_name": "euler_ancestral",
                "scheduler": "normal",
                "denoise": 1,
                "model": ["4", 0],
                "positive": ["6", 0],
                "negative": ["7", 0],
                "latent_image": ["5", 0],
            },
            "class_type": "KSampler",
            "_meta": {"title": "KSampler"},
        },
        "4": {
            "inputs": {"ckpt_name": checkpoint},
            "class_type": "CheckpointLoaderSimple",
            "_meta": {"title": "Load Checkpoint"},
        },
        "5": {
            "inputs": {"width": size[0], "height": size[1], "batch_size": 1},
            "class_type": "EmptyLatentImage",
            "_meta": {"title": "Empty Latent Image"},
        },
        "6": {
            "inputs": {"text": prompt, "clip": ["4", 1]},
            "class_type": "CLIPTextEncode",
            "_meta": {"title": "CLIP Text Encode (Prompt)"},
        },
        "7": {
            "inputs": {"text": negative, "clip": ["4", 1]},
            "class_type": "CLIPTextEncode",
            "_meta": {"title": "CLIP Text Encode (Negative)"},
        },
        "8": {
            "inputs": {"samples": ["3", 0], "vae": ["4", 2]},
            "class_type": "VAEDecode",
            "_meta": {"title": "VAE Decode"},
        },
        "9": {
            "inputs": {"filename_prefix": "ComfyUI", "images": ["8", 0]},
            "class_type": "SaveImage",
            "_meta": {"title": "Save Image"},
        },
    }


def _ui_node(nid: int, kind: str, pos: tuple[int, int], widgets: list[object]) -> dict[str, object]:
    return {
        "id": nid,
        "type": kind,
        "pos": list(pos),
        "size": [315, 120],
        "flags": {},
        "order": nid,
        "mode": 0,
        "properties": {"Node name for S&R": kind},
        "widgets_values": widgets,
    }


def _workflow_graph(
    prompt: str,
    negative: str,
    seed: int,
    size: tuple[int, int],
    checkpoint: str,
    steps: int,
    cfg: float,
) -> dict[str, Any]:
    """The editor's graph: nodes with widget values, and a separate link table."""
    return {
        "last_node_id": 9,
        "last_link_id": 9,
        "nodes": [
            _ui_node(4, "CheckpointLoaderSimple", (26, 474), [checkpoint]),
            _ui_node(5, "EmptyLatentImage", (473, 609), [size[0], size[1], 1]),
            _ui_node(6, "CLIPTextEncode", (415, 186), [prompt]),
            _ui_node(7, "CLIPTextEncode", (413, 389), [negative]),
            _ui_node(
                3,
                "KSampler",
                (863, 186),
                [seed, "fixed", steps, cfg, "euler_ancestral", "normal", 1],
            ),
            _ui_node(8, "VAEDecode", (1209, 188), []),
            _ui_node(9, "SaveImage", (1451, 189), ["ComfyUI"]),
        ],
        "links": [
            [1, 4, 0, 3, 0, "MODEL"],
            [2, 6, 0, 3, 1, "CONDITIONING"],
            [3, 7, 0, 3, 2, "CONDITIONING"],
            [4, 5, 0, 3, 3, "LATENT"],
            [5, 4, 1, 6, 0, "CLIP"],
            [6, 4, 1, 7, 0, "CLIP"],
            [7, 3, 0, 8, 0, "LATENT"],
            [8, 4, 2, 8, 1, "VAE"],
            [9, 8, 0, 9, 0, "IMAGE"],
        ],
        "groups": [],
        "config": {},
        "extra": {},
        "version": 0.4,
    }
