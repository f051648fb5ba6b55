"""Build ``resources/demo/``: the bundled Starlume demo case (run once; outputs are committed).

Why this exists: the demo case and many tests need fixed files -- the rights holder's
original works with their registration facts, "generated" look-alikes carrying the
metadata real generators write, unrelated outputs, and screenshots of the platform -- and
those files must be reproducible from code rather than hand-made. Everything is invented.

Run: ``python -m app.demo.build_resources [--out resources/demo]``.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from app.demo import OWNER, SITE_NAME, art, metadata

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "resources" / "demo"
ORIGINAL_SIZE = (1024, 1024)
GENERATED_SIZE = (768, 768)
NEGATIVE = "lowres, blurry, bad anatomy, watermark"
LICENSEE = "Starlume Licensing (Shanghai) Co., Ltd."
CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
CJK_FONT_BOLD = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")
SITE_URL = "https://lumagen.example"

WORKS: list[dict[str, Any]] = [
    {
        "variant": "front",
        "file": "originals/starlume_front.png",
        "title": "Starlume — Hero Stance (character design, front view)",
        "title_zh": "星光侠·英雄站姿（角色设计正面图）",
        "created": "2021-03-18",
        "first_published": "2021-06-01",
        "registration_number": "国作登字-2023-F-00012345",
        "registration_date": "2023-02-14",
        "work_type": "美术作品 (artistic work)",
    },
    {
        "variant": "flying",
        "file": "originals/starlume_flying.png",
        "title": "Starlume — Skyward Flight",
        "title_zh": "星光侠·飞翔",
        "created": "2021-05-09",
        "first_published": "2021-06-01",
        "registration_number": "国作登字-2023-F-00012346",
        "registration_date": "2023-02-14",
        "work_type": "美术作品 (artistic work)",
    },
    {
        "variant": "portrait",
        "file": "originals/starlume_portrait.png",
        "title": "Starlume — Portrait",
        "title_zh": "星光侠·肖像",
        "created": "2021-07-22",
        "first_published": "2021-09-10",
        "registration_number": "国作登字-2023-F-00012347",
        "registration_date": "2023-02-14",
        "work_type": "美术作品 (artistic work)",
    },
    {
        "variant": "emblem",
        "file": "originals/starlume_emblem.png",
        "title": "Starlume Star-Core Emblem",
        "title_zh": "星光侠·星核徽章",
        "created": "2020-11-30",
        "first_published": "2021-06-01",
        "registration_number": "国作登字-2023-F-00012348",
        "registration_date": "2023-02-14",
        "work_type": "美术作品 (artistic work)",
    },
]

LICENCE_CHAIN: list[dict[str, str]] = [
    {
        "step": "1",
        "from": "Mira Chen (character designer, employee of Lumina Studio Ltd.)",
        "to": OWNER,
        "instrument": "Employment contract LS-HR-2019-031, work-for-hire clause 7.2",
        "date": "2019-09-01",
        "note": "Copyright in works created in the course of employment vests in the studio.",
    },
    {
        "step": "2",
        "from": OWNER,
        "to": LICENSEE,
        "instrument": "Exclusive Licence Agreement LS-2021-088",
        "date": "2021-12-20",
        "note": (
            "Exclusive licence for Mainland China, 2022-01-01 to 2031-12-31, covering "
            "reproduction, adaptation and information-network dissemination, with the right "
            "to enforce in the licensee's own name."
        ),
    },
    {
        "step": "3",
        "from": OWNER,
        "to": LICENSEE,
        "instrument": "Authorisation letter LS-2024-AUTH-007",
        "date": "2024-01-08",
        "note": "Confirms the licensee may bring infringement actions against AI platforms.",
    },
]


@dataclass(frozen=True)
class Generation:
    """One bundled "generated" file: what was asked, and how its metadata is carried."""

    name: str
    prompt: str
    seed: int
    container: str  # a1111-png | a1111-jpeg | comfyui-png | xmp-png
    tags: tuple[str, ...]
    negative: str = NEGATIVE


GENERATIONS: tuple[Generation, ...] = (
    Generation("gen_01_starlume.png", "生成星光侠", 12, "a1111-png", ("group-1", "plain-name")),
    Generation("gen_02_starlume_retry.png", "生成星光侠", 13, "a1111-png", ("group-1", "retry")),
    Generation("gen_03_long_hair.png", "星光侠 长发", 15, "a1111-png", ("group-2", "long-hair")),
    Generation(
        "gen_04_long_hair_en.png",
        "long hair Starlume, flowing hair",
        14,
        "a1111-png",
        ("group-2", "long-hair", "english"),
    ),
    Generation(
        "gen_05_illustration.png",
        "生成插画风格的星光侠",
        11,
        "a1111-png",
        ("group-3", "illustration-style"),
    ),
    Generation(
        "gen_06_flying.png",
        "Starlume flying over the city, dynamic pose",
        16,
        "a1111-png",
        ("group-1", "english", "flying"),
    ),
    Generation(
        "gen_07_portrait_red.png",
        "starlume portrait, red suit, highly detailed",
        14,
        "a1111-png",
        ("group-1", "english", "portrait", "recoloured"),
    ),
    Generation(
        "gen_08_emblem.png", "星光侠 标志 logo design", 11, "a1111-png", ("group-1", "emblem")
    ),
    Generation(
        "gen_09_standing.jpg",
        "Starlume hero standing, studio lighting",
        12,
        "a1111-jpeg",
        ("group-1", "english", "jpeg-exif"),
    ),
    Generation(
        "gen_10_comfyui.png",
        "星光侠, full body, best quality",
        17,
        "comfyui-png",
        ("group-1", "comfyui"),
    ),
    Generation(
        "gen_11_xmp_label.png", "星光侠 飞行", 11, "xmp-png", ("group-1", "flying", "aigc-label")
    ),
    Generation(
        "unrelated_01_lake.png", "a mountain lake at sunrise", 21, "a1111-png", ("unrelated",)
    ),
    Generation("unrelated_02_abstract.png", "抽象几何图形", 22, "a1111-png", ("unrelated",)),
    Generation(
        "unrelated_03_city.png", "城市夜景 night city skyline", 23, "a1111-png", ("unrelated",)
    ),
)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = CJK_FONT_BOLD if bold else CJK_FONT
    if path.exists():
        return ImageFont.truetype(str(path), size, index=2)  # index 2: Simplified Chinese
    return ImageFont.load_default(size)


def original_png(work: dict[str, Any]) -> bytes:
    """An original work as PNG, with title, author and copyright text chunks."""
    img = art.draw_original(work["variant"], ORIGINAL_SIZE)
    year = work["created"][:4]
    text = {
        "Title": f"{work['title']} / {work['title_zh']}",
        "Author": OWNER,
        "Copyright": f"© {year} {OWNER} All rights reserved. Invented for the Proofshot demo.",
        "Creation Time": work["created"],
    }
    return metadata.png_bytes(img, text=text, optimize=True)


def generation_bytes(gen: Generation) -> bytes:
    """A bundled generation in its container with the metadata its generator would write."""
    img = art.draw_generation(gen.prompt, gen.seed, GENERATED_SIZE)
    params = art.a1111_parameters(gen.prompt, gen.negative, gen.seed, size=GENERATED_SIZE)
    if gen.container == "a1111-png":
        return metadata.png_bytes(img, text={"parameters": params}, optimize=True)
    if gen.container == "a1111-jpeg":
        return metadata.jpeg_bytes(img, parameters=params, software="Lumagen WebUI (demo)")
    if gen.container == "comfyui-png":
        api, workflow = metadata.comfyui_graphs(
            gen.prompt,
            gen.negative,
            gen.seed,
            size=GENERATED_SIZE,
            checkpoint=f"{art.DEFAULT_MODEL}.safetensors",
        )
        return metadata.png_bytes(img, text={"prompt": api, "workflow": workflow}, optimize=True)
    if gen.container == "xmp-png":
        producer = "Lumagen Demo Platform (invented)"
        label = metadata.tc260_label(producer, f"lumagen-{gen.seed:08d}", producer, "share-0042")
        xmp = metadata.xmp_packet(creator_tool=f"{SITE_NAME} {art.DEFAULT_MODEL}", tc260_json=label)
        return metadata.png_bytes(img, xmp=xmp, optimize=True)
    raise ValueError(f"unknown container {gen.container!r}")


def _browser_frame(size: tuple[int, int], url: str, tab_title: str) -> Image.Image:
    w = size[0]
    img = Image.new("RGB", size, (243, 241, 248))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, w, 86], fill=(222, 225, 230))
    d.rounded_rectangle([12, 8, 420, 44], radius=8, fill=(255, 255, 255))
    d.ellipse([24, 18, 40, 34], fill=(94, 230, 255), outline=(30, 44, 118), width=3)
    d.text((50, 14), tab_title, font=_font(16), fill=(40, 40, 50))
    for i, c in enumerate(((237, 106, 94), (245, 191, 79), (98, 197, 84))):
        d.ellipse([w - 110 + i * 30, 18, w - 94 + i * 30, 34], fill=c)
    d.rounded_rectangle([110, 50, w - 20, 80], radius=14, fill=(255, 255, 255))
    d.text((130, 53), url, font=_font(17), fill=(50, 50, 60))
    for i, glyph in enumerate(("←", "→")):
        d.text((18 + i * 30, 52), glyph, font=_font(18), fill=(90, 90, 100))
    d.arc([80, 57, 96, 73], start=40, end=340, fill=(90, 90, 100), width=2)  # reload
    # site header
    for x in range(w):
        t = x / w
        c = (int(30 + 44 * t), int(44 + 3 * t), int(118 + 25 * t))
        d.line([(x, 86), (x, 150)], fill=c)
    d.ellipse([28, 101, 62, 135], fill=(94, 230, 255), outline=(255, 198, 58), width=4)
    d.text((76, 100), "Lumagen (demo)", font=_font(26, bold=True), fill=(255, 255, 255))
    for i, label in enumerate(("创作 Create", "Gradio UI", "AI 标识")):
        d.text((w - 380 + i * 125, 108), label, font=_font(16), fill=(223, 227, 255))
    return img


def _panel(d: ImageDraw.ImageDraw, box: tuple[int, int, int, int]) -> None:
    d.rounded_rectangle(box, radius=14, fill=(255, 255, 255), outline=(226, 224, 236))


def _footer(d: ImageDraw.ImageDraw, w: int, y: int) -> None:
    links = "用户协议 Terms      AI 生成内容标识 Labelling      投诉举报 Complaints"
    d.text((w / 2, y), links, font=_font(15), fill=(30, 44, 118), anchor="mm")
    note = "© Lumagen demo. Invented for Proofshot; not a real service."
    d.text((w / 2, y + 26), note, font=_font(13), fill=(107, 111, 138), anchor="mm")


def screenshot_create(prompt: str, seeds: tuple[int, int], job_id: str) -> Image.Image:
    """The create page after a generation: prompt, settings, two results, status "done"."""
    w, h = 1440, 1180
    img = _browser_frame((w, h), f"{SITE_URL}/", "Lumagen (demo) — AI 图像生成")
    d = ImageDraw.Draw(img)
    _panel(d, (170, 176, w - 170, 1090))
    x0 = 200
    d.text((x0, 196), "提示词 Prompt", font=_font(16, bold=True), fill=(27, 29, 58))
    d.rounded_rectangle(
        [x0, 224, w - 200, 300], radius=8, fill=(251, 251, 254), outline=(207, 208, 224)
    )
    d.text((x0 + 14, 236), prompt, font=_font(20), fill=(27, 29, 58))
    d.text((x0, 314), "反向提示词 Negative prompt", font=_font(16, bold=True), fill=(27, 29, 58))
    d.rounded_rectangle(
        [x0, 342, w - 200, 384], radius=8, fill=(251, 251, 254), outline=(207, 208, 224)
    )
    d.text((x0 + 14, 351), NEGATIVE, font=_font(17), fill=(27, 29, 58))
    half = (w - 400) // 2
    d.text((x0, 398), "种子 Seed (空 = 随机)", font=_font(16, bold=True), fill=(27, 29, 58))
    d.text((x0 + half + 16, 398), "数量 Images", font=_font(16, bold=True), fill=(27, 29, 58))
    d.rounded_rectangle(
        [x0, 426, x0 + half - 8, 468], radius=8, fill=(251, 251, 254), outline=(207, 208, 224)
    )
    d.text((x0 + 14, 435), str(seeds[0]), font=_font(17), fill=(27, 29, 58))
    d.rounded_rectangle(
        [x0 + half + 16, 426, w - 200, 468], radius=8, fill=(251, 251, 254), outline=(207, 208, 224)
    )
    d.text((x0 + half + 30, 435), "2", font=_font(17), fill=(27, 29, 58))
    d.rounded_rectangle([x0, 486, x0 + 170, 530], radius=8, fill=(255, 112, 54))
    d.text(
        (x0 + 85, 508),
        "生成 Generate",
        font=_font(17, bold=True),
        fill=(255, 255, 255),
        anchor="mm",
    )
    d.text((x0 + 186, 497), "done", font=_font(16), fill=(107, 111, 138))
    for i, seed in enumerate(seeds):
        gx = x0 + i * 440
        d.rounded_rectangle(
            [gx, 556, gx + 416, 1010], radius=10, fill=(255, 255, 255), outline=(220, 220, 232)
        )
        thumb = art.draw_generation(prompt, seed, GENERATED_SIZE).resize(
            (400, 400), Image.Resampling.LANCZOS
        )
        img.paste(thumb, (gx + 8, 564))
        d.text((gx + 8, 974), f"job {job_id} · seed {seed}", font=_font(14), fill=(107, 111, 138))
    d.text(
        (x0, 1036),
        "本服务生成的内容由人工智能生成 · Images are generated by AI.",
        font=_font(14),
        fill=(107, 111, 138),
    )
    _footer(d, w, 1120)
    return img


def screenshot_trending(items: list[tuple[str, int]]) -> Image.Image:
    """The home page's "Trending" gallery, showing look-alikes promoted by the platform."""
    w, h = 1440, 720
    img = _browser_frame((w, h), f"{SITE_URL}/#trending", "Lumagen (demo) — 热门创作")
    d = ImageDraw.Draw(img)
    _panel(d, (120, 176, w - 120, 628))
    d.text((150, 196), "热门创作 Trending", font=_font(26, bold=True), fill=(27, 29, 58))
    for i, (prompt, seed) in enumerate(items):
        gx = 150 + i * 292
        d.rounded_rectangle(
            [gx, 250, gx + 276, 600], radius=10, fill=(255, 255, 255), outline=(220, 220, 232)
        )
        thumb = art.draw_generation(prompt, seed, GENERATED_SIZE).resize(
            (260, 260), Image.Resampling.LANCZOS
        )
        img.paste(thumb, (gx + 8, 258))
        d.text((gx + 8, 530), _fit(prompt, _font(15), 258), font=_font(15), fill=(27, 29, 58))
        d.text(
            (gx + 8, 556),
            f"♥ {1200 - i * 170}   · seed {seed}",
            font=_font(13),
            fill=(107, 111, 138),
        )
    _footer(d, w, 664)
    return img


def _fit(text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, width: float) -> str:
    """Cut ``text`` with an ellipsis so it fits ``width`` pixels, as a browser caption would."""
    if font.getlength(text) <= width:
        return text
    while text and font.getlength(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=True)
    return buf.getvalue()


README = """# Proofshot demo case: Starlume (星光侠)

Everything in this folder is **invented for Proofshot** and made by code
(`python -m app.demo.build_resources`). The character Starlume (星光侠), its owner
Lumina Studio Ltd., the licensee Starlume Licensing (Shanghai) Co., Ltd., the designer,
every registration number, date and agreement, and the AI platform "Lumagen" are fictional.
Any resemblance to real works, companies or records is accidental. Licence: the same as the
Proofshot project.

The case mirrors the shape of a real dispute over an AI platform reproducing a character:
the rights holder's registered works, outputs from simple prompts (plain name, "long hair",
"illustration style") sorted into three similarity groups, unrelated outputs as controls,
and screenshots of the platform's own pages.

| folder | role | what |
| --- | --- | --- |
| `originals/` | original-work | four Starlume works (PNG, 1024x1024) and `works.json` with titles, owner, invented registration numbers (国作登字-2023-F-…), dates and the licence chain |
| `generated/` | generated | look-alikes and unrelated outputs (768x768) with generator metadata: A1111 `parameters` in PNG tEXt/iTXt, A1111 text in JPEG EXIF UserComment (`UNICODE` prefix, UTF-16BE), ComfyUI `prompt`/`workflow` JSON, and an XMP packet (iTXt `XML:com.adobe.xmp`) with IPTC DigitalSourceType `trainedAlgorithmicMedia` and a TC260 `AIGC` label |
| `screenshots/` | screenshot | screenshot-like pictures of the platform's create page and trending gallery |

`demo.json` lists every file with its role, tags, prompt, seed, SHA-256 and, for
look-alikes, the original it copies.
"""


def build(out: Path) -> dict[str, Any]:
    """Write the demo case into ``out`` (replacing its three subfolders) and return the manifest."""
    for sub in ("originals", "generated", "screenshots"):
        shutil.rmtree(out / sub, ignore_errors=True)
        (out / sub).mkdir(parents=True)
    files = [*_build_originals(out), *_build_generations(out), *_build_screenshots(out)]
    manifest = {
        "case": "Starlume demo case",
        "notice": "All content invented for Proofshot; licence: same as the project.",
        "platform": {"name": SITE_NAME, "url": SITE_URL, "model": art.DEFAULT_MODEL},
        "files": files,
    }
    (out / "demo.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (out / "README.md").write_text(README, encoding="utf-8")
    return manifest


def _build_originals(out: Path) -> list[dict[str, Any]]:
    """The four original works and ``originals/works.json``; returns their manifest entries."""
    files: list[dict[str, Any]] = []
    works_out = []
    for work in WORKS:
        data = original_png(work)
        (out / work["file"]).write_bytes(data)
        entry = {k: v for k, v in work.items() if k != "variant"}
        entry |= {
            "owner": OWNER,
            "registration_authority": "National Copyright Administration (invented record)",
            "sha256": _sha256(data),
        }
        works_out.append(entry)
        files.append(
            {
                "path": work["file"],
                "role": "original-work",
                "tags": ["starlume", work["variant"]],
                "title": work["title"],
                "registration_number": work["registration_number"],
                "prompt": None,
                "sha256": _sha256(data),
                "bytes": len(data),
            }
        )
    works_json = {
        "notice": "Invented for the Proofshot demo; no real work, company or record.",
        "character": {"name": "Starlume", "name_zh": "星光侠"},
        "owner": OWNER,
        "owner_zh": "流明工作室有限公司",
        "licensee": LICENSEE,
        "works": works_out,
        "licence_chain": LICENCE_CHAIN,
    }
    (out / "originals" / "works.json").write_text(
        json.dumps(works_json, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return files


def _build_generations(out: Path) -> list[dict[str, Any]]:
    """The generated images with their metadata; returns their manifest entries."""
    files: list[dict[str, Any]] = []
    variant_file = {w["variant"]: w["file"] for w in WORKS}
    for gen in GENERATIONS:
        data = generation_bytes(gen)
        path = f"generated/{gen.name}"
        (out / path).write_bytes(data)
        source = art.generation_source(gen.prompt, gen.seed)
        files.append(
            {
                "path": path,
                "role": "generated",
                "tags": list(gen.tags),
                "prompt": gen.prompt,
                "negative_prompt": gen.negative,
                "seed": gen.seed,
                "model": art.DEFAULT_MODEL,
                "metadata": gen.container,
                "similar_to": variant_file[source] if source else None,
                "sha256": _sha256(data),
                "bytes": len(data),
            }
        )
    return files


def _build_screenshots(out: Path) -> list[dict[str, Any]]:
    """The platform screenshots; returns their manifest entries."""
    files: list[dict[str, Any]] = []
    shots = [
        (
            "screenshots/lumagen_create_page.png",
            screenshot_create("生成星光侠", (12, 13), "job_5f2c9a41d07e8b36"),
            "生成星光侠",
            ["create-page", "prompt", "results"],
        ),
        (
            "screenshots/lumagen_trending.png",
            screenshot_trending(
                [
                    ("星光侠 长发", 15),
                    ("生成插画风格的星光侠", 11),
                    ("Starlume flying over the city, dynamic pose", 16),
                    ("a mountain lake at sunrise", 21),
                ]
            ),
            None,
            ["home-page", "trending", "recommendation"],
        ),
    ]
    for path, img, prompt, tags in shots:
        data = _png(img)
        (out / path).write_bytes(data)
        files.append(
            {
                "path": path,
                "role": "screenshot",
                "tags": tags,
                "prompt": prompt,
                "url": f"{SITE_URL}/",
                "sha256": _sha256(data),
                "bytes": len(data),
            }
        )
    return files


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: rebuild the demo case folder."""
    parser = argparse.ArgumentParser(description="Build the Proofshot demo case resources.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)
    manifest = build(args.out)
    total = sum(f["bytes"] for f in manifest["files"])
    print(f"wrote {len(manifest['files'])} files, {total / 1e6:.2f} MB, to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
