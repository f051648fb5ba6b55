"""Screenshots rendered from known text (Chinese and English chat/generator UIs) for OCR tests."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
CJK_SC = 2  # the face index of Noto Sans CJK SC in the collection
CJK_JP = 0
CJK_TC = 3


@dataclass(frozen=True)
class Shot:
    name: str
    language: str  # zh-Hans, zh-Hant, ja, en
    lines: tuple[str, ...]  # the text drawn, top to bottom
    prompt: str
    dark: bool


SHOTS: tuple[Shot, ...] = (
    Shot(
        "mj-discord-zh.png",
        "zh-Hans",
        (
            "Midjourney Bot  应用  今天 10:42",
            "提示词：",
            "生成奥特曼，站在城市里",
            "放大 U1  U2  变化 V1",
        ),
        "生成奥特曼，站在城市里",
        True,
    ),
    Shot(
        "jimeng-zh.png",
        "zh-Hans",
        ("即梦 图片生成", "描述：一只橘猫坐在长城上看日落", "比例 16:9  精细度 高", "立即生成"),
        "一只橘猫坐在长城上看日落",
        False,
    ),
    Shot(
        "chatgpt-en.png",
        "en",
        (
            "ChatGPT",
            "Prompt: an astronaut riding a red horse on Mars",
            "Here is your image",
            "Regenerate",
        ),
        "an astronaut riding a red horse on Mars",
        False,
    ),
    Shot(
        "discord-en.png",
        "en",
        (
            "Discord  #generations",
            "/imagine prompt: a lighthouse made of glass at dawn",
            "Job queued",
            "Upscale",
        ),
        "a lighthouse made of glass at dawn",
        True,
    ),
    Shot(
        "tw-zh.png",
        "zh-Hant",
        ("繁體中文介面", "提示語：請畫一隻貓在月亮上睡覺", "產生圖片"),
        "請畫一隻貓在月亮上睡覺",
        False,
    ),
    Shot(
        "jp.png",
        "ja",
        ("画像生成ツール", "プロンプト：桜の木の下で本を読む少女", "生成する"),
        "桜の木の下で本を読む少女",
        False,
    ),
)


def render(shot: Shot, size: tuple[int, int] = (1920, 1080), font_px: int = 30) -> Image.Image:
    bg, side, fg = (
        ((54, 57, 63), (32, 34, 37), (220, 221, 222))
        if shot.dark
        else (
            (255, 255, 255),
            (240, 242, 245),
            (30, 30, 30),
        )
    )
    img = Image.new("RGB", size, bg)
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, 260, size[1]), fill=side)
    face = {"ja": CJK_JP, "zh-Hant": CJK_TC}.get(shot.language, CJK_SC)
    font = ImageFont.truetype(str(CJK_FONT), font_px, index=face)
    y = 90
    for line in shot.lines:
        draw.text((320, y), line, font=font, fill=fg)
        y += font_px * 2 + 16
    return img


def png(shot: Shot, **kwargs: object) -> bytes:
    buf = io.BytesIO()
    render(shot, **kwargs).save(buf, "PNG")  # type: ignore[arg-type]
    return buf.getvalue()


def write_all(folder: Path) -> dict[str, Shot]:
    folder.mkdir(parents=True, exist_ok=True)
    for shot in SHOTS:
        (folder / shot.name).write_bytes(png(shot))
    return {shot.name: shot for shot in SHOTS}
