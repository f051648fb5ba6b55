"""Procedural artwork of "Starlume" (星光侠), an invented hero, and a fake image generator.

Why this exists: Proofshot's demo and tests need a rights holder's "original works" and an
AI platform whose outputs copy them, without using anybody's real artwork. The character is
ours: a crested helmet with a trident of fins, large tilted oval eyes, a round glowing
four-pointed-star emblem on the chest, and a navy suit with orange V-sashes, gold trim and
orange gloves and boots. Everything is drawn with Pillow from a small pose model, at a
multiple of the output size and downscaled, so edges are antialiased and the same
(prompt, seed) always gives the same pixels.

Public functions:

* :func:`draw_original` -- the rights holder's works (``front``, ``flying``, ``portrait``,
  ``emblem``).
* :func:`draw_generation` -- what the demo AI platform returns for a prompt and seed: a
  look-alike of an original when the prompt names the character, otherwise an unrelated
  picture.
* :func:`a1111_parameters` -- the AUTOMATIC1111 ``parameters`` text for a generation.
"""

from __future__ import annotations

import colorsys
import hashlib
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageEnhance, ImageFilter, ImageOps

Point = tuple[float, float]
RGB = tuple[int, int, int]
RGBA = tuple[int, int, int, int]

ORIGINAL_VARIANTS: tuple[str, ...] = ("front", "flying", "portrait", "emblem")
"""Names accepted by :func:`draw_original`, in catalogue order."""

CHARACTER_KEYWORDS: tuple[str, ...] = ("starlume", "star lume", "星光侠", "星光俠")
"""Substrings (case-insensitive) that make the demo generator draw the character."""

_DESIGN = 1000.0  # design units across the shorter side of the canvas


# --------------------------------------------------------------------------- geometry


def _rotate(p: Point, degrees: float, origin: Point = (0.0, 0.0)) -> Point:
    a = math.radians(degrees)
    x, y = p[0] - origin[0], p[1] - origin[1]
    return (
        origin[0] + x * math.cos(a) - y * math.sin(a),
        origin[1] + x * math.sin(a) + y * math.cos(a),
    )


def _direction(angle: float) -> Point:
    """Unit vector for a limb angle: 0 points down the screen, positive swings to +x."""
    a = math.radians(angle)
    return (math.sin(a), math.cos(a))


def _add(p: Point, q: Point, k: float = 1.0) -> Point:
    return (p[0] + q[0] * k, p[1] + q[1] * k)


def _lerp(p: Point, q: Point, t: float) -> Point:
    return (p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t)


def _chaikin(points: Sequence[Point], iterations: int = 2) -> list[Point]:
    """Round the corners of a closed polygon (Chaikin's corner cutting)."""
    pts = list(points)
    for _ in range(iterations):
        out: list[Point] = []
        for i, p in enumerate(pts):
            q = pts[(i + 1) % len(pts)]
            out.append(_lerp(p, q, 0.25))
            out.append(_lerp(p, q, 0.75))
        pts = out
    return pts


def _ellipse(c: Point, rx: float, ry: float, angle: float = 0.0, n: int = 64) -> list[Point]:
    pts = []
    for i in range(n):
        t = 2 * math.pi * i / n
        pts.append(_rotate((c[0] + rx * math.cos(t), c[1] + ry * math.sin(t)), angle, c))
    return pts


def _capsule(p1: Point, p2: Point, r1: float, r2: float, n: int = 14) -> list[Point]:
    """A tapered limb: half-discs of radius r1 at p1 and r2 at p2 joined by straight sides."""
    dx, dy = p2[0] - p1[0], p2[1] - p1[1]
    base = math.atan2(dy, dx)
    pts: list[Point] = []
    for i in range(n + 1):
        t = base + math.pi / 2 + math.pi * i / n
        pts.append((p1[0] + r1 * math.cos(t), p1[1] + r1 * math.sin(t)))
    for i in range(n + 1):
        t = base - math.pi / 2 + math.pi * i / n
        pts.append((p2[0] + r2 * math.cos(t), p2[1] + r2 * math.sin(t)))
    return pts


def _star(c: Point, r_out: float, r_in: float, points: int, angle: float = 0.0) -> list[Point]:
    pts = []
    for i in range(points * 2):
        r = r_out if i % 2 == 0 else r_in
        t = math.radians(angle) - math.pi / 2 + math.pi * i / points
        pts.append((c[0] + r * math.cos(t), c[1] + r * math.sin(t)))
    return pts


# --------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Palette:
    """The character's colours; generations shift or swap them."""

    suit: RGB = (30, 44, 118)
    sash: RGB = (255, 112, 54)
    trim: RGB = (255, 198, 58)
    helmet: RGB = (222, 228, 240)
    eye: RGB = (255, 238, 120)
    emblem: RGB = (96, 232, 255)
    outline: RGB = (18, 20, 44)
    hair: RGB = (40, 30, 60)


@dataclass(frozen=True)
class Pose:
    """Joint angles in degrees (0 = limb points down the screen, positive swings to +x)."""

    torso_tilt: float = 0.0
    head_tilt: float = 0.0
    arm_l: tuple[float, float] = (-28.0, -12.0)  # screen-left arm: upper, fore
    arm_r: tuple[float, float] = (28.0, 12.0)
    leg_l: tuple[float, float] = (-11.0, -4.0)
    leg_r: tuple[float, float] = (11.0, 4.0)
    head_scale: float = 1.0
    long_hair: bool = False


@dataclass(frozen=True)
class _Shape:
    """One filled polygon of the figure, in design units, drawn in list order."""

    points: list[Point]
    fill: RGB | RGBA
    outline: bool = True  # takes part in the thick silhouette outline and gets an inner line
    clip: list[Point] | None = None  # drawn only where inside this polygon
    glow: bool = False  # also painted onto the blurred glow layer


@dataclass(frozen=True)
class _Place:
    """Where the figure's local origin (the pelvis) lands, its scale and its rotation."""

    x: float = 500.0
    y: float = 560.0
    scale: float = 1.0
    rotation: float = 0.0

    def apply(self, p: Point) -> Point:
        r = _rotate(p, self.rotation)
        return (self.x + r[0] * self.scale, self.y + r[1] * self.scale)


_UPPER_ARM, _FOREARM = 118.0, 108.0
_THIGH, _SHIN = 178.0, 168.0
_SHOULDER = (102.0, -232.0)
_HIP = (40.0, 14.0)
_NECK = (0.0, -268.0)
_HEAD_CENTRE = (0.0, -338.0)


def _highlight(a: Point, b: Point, r1: float, r2: float, light: Point) -> list[_Shape]:
    """Soft highlight and shadow strips inside a limb so it reads as round."""
    off = (light[0] * 0.38, light[1] * 0.38)
    hi = _capsule(_add(a, off, r1), _add(b, off, r2), r1 * 0.42, r2 * 0.42)
    sh = _capsule(_add(a, off, -r1 * 0.9), _add(b, off, -r2 * 0.9), r1 * 0.3, r2 * 0.3)
    return [
        _Shape(hi, (255, 255, 255, 46), outline=False),
        _Shape(sh, (0, 0, 30, 52), outline=False),
    ]


def _arm(shoulder: Point, angles: tuple[float, float], pal: Palette, light: Point) -> list[_Shape]:
    elbow = _add(shoulder, _direction(angles[0]), _UPPER_ARM)
    wrist = _add(elbow, _direction(angles[1]), _FOREARM)
    shapes = [
        _Shape(_capsule(shoulder, elbow, 35, 30), pal.suit),
        _Shape(_capsule(elbow, wrist, 30, 27), pal.suit),
    ]
    # orange glove covering the lower forearm, with a gold cuff
    cuff = _lerp(elbow, wrist, 0.45)
    shapes.append(_Shape(_capsule(cuff, wrist, 31, 29), pal.sash))
    shapes.append(_Shape(_capsule(_lerp(elbow, wrist, 0.42), cuff, 33, 33), pal.trim))
    shapes += _highlight(shoulder, wrist, 33, 28, light)
    fist_c = _add(wrist, _direction(angles[1]), 22)
    shapes.append(_Shape(_ellipse(fist_c, 34, 31, angles[1]), pal.sash))
    shapes.append(
        _Shape(_ellipse(_add(fist_c, light, 9), 12, 9, angles[1]), (255, 255, 255, 60), False)
    )
    # shoulder pad: a gold dome with an orange stripe
    shapes.append(_Shape(_ellipse(shoulder, 44, 36, angles[0] * 0.3), pal.trim))
    shapes.append(
        _Shape(_ellipse(_add(shoulder, (0, 8)), 30, 8, angles[0] * 0.3), pal.sash, outline=False)
    )
    shapes.append(
        _Shape(_ellipse(_add(shoulder, light, 14), 18, 10), (255, 255, 255, 80), outline=False)
    )
    return shapes


def _leg(
    hip: Point, angles: tuple[float, float], side: float, pal: Palette, light: Point
) -> list[_Shape]:
    knee = _add(hip, _direction(angles[0]), _THIGH)
    ankle = _add(knee, _direction(angles[1]), _SHIN)
    thigh = _capsule(hip, knee, 50, 38)
    shapes = [_Shape(thigh, pal.suit), _Shape(_capsule(knee, ankle, 38, 31), pal.suit)]
    # orange stripe down the outer side of the thigh, clipped to the thigh
    d = _direction(angles[0])
    normal = (d[1] * side, -d[0] * side)
    stripe = _capsule(_add(hip, normal, 40), _add(knee, normal, 30), 15, 12)
    shapes.append(_Shape(stripe, pal.sash, outline=False, clip=thigh))
    # boot from mid-shin down, gold top band, and a foot
    boot_top = _lerp(knee, ankle, 0.42)
    shapes.append(_Shape(_capsule(boot_top, ankle, 41, 34), pal.sash))
    shapes.append(_Shape(_capsule(_lerp(knee, ankle, 0.38), boot_top, 42, 41), pal.trim))
    shapes += _highlight(hip, ankle, 45, 33, light)
    d2 = _direction(angles[1])
    foot_c = _add(_add(ankle, d2, 26), (side * 14, 0))
    shapes.append(_Shape(_ellipse(foot_c, 44, 26, -d2[0] * 40), pal.sash))
    return shapes


def _torso(pal: Palette) -> list[_Shape]:
    outline = _chaikin(
        [
            (-62, -278),
            (-122, -262),
            (-134, -222),
            (-118, -150),
            (-64, -64),
            (-70, 10),
            (-52, 44),
            (0, 52),
            (52, 44),
            (70, 10),
            (64, -64),
            (118, -150),
            (134, -222),
            (122, -262),
            (62, -278),
            (0, -286),
        ],
        3,
    )
    shapes = [_Shape(outline, pal.suit)]
    # the orange V-sashes: a band from each shoulder down to the belt centre
    for s in (-1, 1):
        top, bottom = (s * 112.0, -292.0), (s * 4.0, -10.0)
        d = (bottom[0] - top[0], bottom[1] - top[1])
        n = math.hypot(*d)
        nx, ny = -d[1] / n * 22, d[0] / n * 22
        band = [(top[0] + nx, top[1] + ny), (top[0] - nx, top[1] - ny)]
        band += [(bottom[0] - nx, bottom[1] - ny), (bottom[0] + nx, bottom[1] + ny)]
        shapes.append(_Shape(band, pal.sash, outline=False, clip=outline))
        inner = 1 if (nx * -s) > 0 else -1  # the edge nearer the centre line gets a gold pin
        pin = [
            (top[0] + inner * nx, top[1] + inner * ny),
            (top[0] + inner * nx * 1.35, top[1] + inner * ny * 1.35),
            (bottom[0] + inner * nx * 1.35, bottom[1] + inner * ny * 1.35),
            (bottom[0] + inner * nx, bottom[1] + inner * ny),
        ]
        shapes.append(_Shape(pin, pal.trim, outline=False, clip=outline))
    # side shading and a chest highlight
    shapes.append(
        _Shape(_ellipse((-40, -200), 60, 70, -20), (255, 255, 255, 36), outline=False, clip=outline)
    )
    shapes.append(
        _Shape(_ellipse((120, -100), 70, 160, 15), (0, 0, 30, 60), outline=False, clip=outline)
    )
    # belt and star buckle
    belt = _chaikin([(-74, -8), (74, -8), (72, 22), (-72, 22)], 1)
    shapes.append(_Shape(belt, pal.trim, outline=False, clip=outline))
    shapes.append(_Shape(_star((0, 7), 24, 10, 4), pal.sash))
    # the round chest emblem ("star-core"): gold ring, glowing core, four-pointed star
    c = (0.0, -200.0)
    shapes.append(_Shape(_ellipse(c, 42, 42), pal.trim))
    shapes.append(_Shape(_ellipse(c, 31, 31), pal.emblem, outline=False, glow=True))
    shapes.append(_Shape(_star(c, 27, 8, 4), (255, 255, 255), outline=False, glow=True))
    shapes.append(_Shape(_ellipse(_add(c, (-12, -12)), 9, 6, -40), (255, 255, 255, 170), False))
    return shapes


_LONG_HAIR: tuple[Point, ...] = (
    (0, -424),
    (-70, -406),
    (-98, -340),
    (-120, -230),
    (-150, -120),
    (-176, 10),
    (-140, -10),
    (-150, 40),
    (-96, -40),
    (-70, -200),
    (0, -230),
    (70, -200),
    (96, -40),
    (150, 40),
    (140, -10),
    (176, 10),
    (150, -120),
    (120, -230),
    (98, -340),
    (70, -406),
)
"""The outline of long hair behind the head, in head-local units (rounded by Chaikin)."""


def _head(pal: Palette, pose: Pose) -> tuple[list[_Shape], list[_Shape]]:
    """Shapes behind the body (long hair) and the head itself."""
    c = _HEAD_CENTRE
    k = pose.head_scale

    def h(p: Point) -> Point:  # head-local -> torso-local, scaled about the neck
        q = (p[0] * k, (p[1] - c[1]) * k + c[1] - (k - 1) * 60)
        return _rotate(q, pose.head_tilt, (0.0, -290.0))

    def hs(points: list[Point]) -> list[Point]:
        return [h(p) for p in points]

    back: list[_Shape] = []
    shapes: list[_Shape] = []
    if pose.long_hair:
        hair = _chaikin(list(_LONG_HAIR), 2)
        back.append(_Shape(hs(hair), pal.hair))
        for s in (-1, 1):
            strand = [(s * 82, -360), (s * 104, -250), (s * 150, -40), (s * 118, -240)]
            back.append(_Shape(hs(strand), (255, 255, 255, 40), outline=False))
    shapes.append(_Shape(hs(_capsule((0, -300), (0, -262), 30, 34)), pal.suit))
    # crest: a central blade and two swept side fins (the trident silhouette)
    blade = [(-16, -372), (-10, -430), (0, -482), (10, -430), (16, -372)]
    for s in (-1, 1):
        fin = _chaikin([(s * 30, -380), (s * 70, -418), (s * 104, -458), (s * 62, -366)], 1)
        shapes.append(_Shape(hs(fin), pal.trim))
    shapes.append(_Shape(hs(blade), pal.trim))
    helmet = _ellipse(c, 60, 74)
    shapes.append(_Shape(hs(helmet), pal.helmet))
    # navy crown stripe continuing the blade down to the brow, orange inset line
    stripe = [(-15, -414), (15, -414), (10, -364), (0, -356), (-10, -364)]
    shapes.append(_Shape(hs(stripe), pal.suit, outline=False, clip=hs(helmet)))
    shapes.append(_Shape(hs([(-4, -412), (4, -412), (2, -368), (-2, -368)]), pal.sash, False))
    # cheek shading and a crown highlight
    shapes.append(
        _Shape(hs(_ellipse((28, -310), 44, 36, 20)), (20, 30, 80, 40), False, clip=hs(helmet))
    )
    shapes.append(_Shape(hs(_ellipse((-22, -382), 20, 12, -30)), (255, 255, 255, 120), False))
    # ear studs
    for s in (-1, 1):
        shapes.append(_Shape(hs(_ellipse((s * 60, -336), 11, 16)), pal.trim))
    # large tilted oval eyes, outer corners up
    for s in (-1, 1):
        eye_c = (s * 26.0, -342.0)
        shapes.append(_Shape(hs(_ellipse(eye_c, 25, 15, s * -22)), pal.outline, outline=False))
        shapes.append(
            _Shape(hs(_ellipse(eye_c, 21, 11.5, s * -22)), pal.eye, outline=False, glow=True)
        )
        core = _ellipse(_add(eye_c, (s * -3, -1)), 13, 6.5, s * -22)
        shapes.append(_Shape(hs(core), (255, 253, 232), outline=False))
        shapes.append(
            _Shape(hs(_ellipse(_add(eye_c, (s * -8, -4)), 5, 3, s * -22)), (255, 255, 255), False)
        )
    # a small calm mouth plate
    mouth = _chaikin([(-12, -297), (12, -297), (6, -291), (-6, -291)], 1)
    shapes.append(_Shape(hs(mouth), pal.outline, False))
    return back, shapes


def _figure(pose: Pose, pal: Palette) -> list[_Shape]:
    """All shapes of the character in pelvis-local design units, back to front."""
    light = _direction(-145)  # light from the upper left
    tilt = pose.torso_tilt

    def t(points: list[Point]) -> list[Point]:
        return [_rotate(p, tilt) for p in points]

    def tshape(s: _Shape) -> _Shape:
        return replace(s, points=t(s.points), clip=t(s.clip) if s.clip else None)

    shoulder_l = _rotate((-_SHOULDER[0], _SHOULDER[1]), tilt)
    shoulder_r = _rotate(_SHOULDER, tilt)
    hip_l, hip_r = (-_HIP[0], _HIP[1]), _HIP
    back, head = _head(pal, pose)
    shapes: list[_Shape] = [tshape(s) for s in back]  # long hair hangs behind everything
    shapes += _leg(hip_l, pose.leg_l, -1, pal, light)
    shapes += _leg(hip_r, pose.leg_r, 1, pal, light)
    shapes += [tshape(s) for s in _torso(pal)]
    shapes += [tshape(s) for s in head]
    arm_l = (pose.arm_l[0] - tilt, pose.arm_l[1] - tilt)  # limb angles turn the other way
    arm_r = (pose.arm_r[0] - tilt, pose.arm_r[1] - tilt)
    shapes += _arm(shoulder_l, arm_l, pal, light)
    shapes += _arm(shoulder_r, arm_r, pal, light)
    return shapes


# --------------------------------------------------------------------------- rendering


def _poly_mask(size: tuple[int, int], pts: Sequence[Point]) -> Image.Image:
    m = Image.new("L", size, 0)
    ImageDraw.Draw(m).polygon(list(pts), fill=255)
    return m


def _bbox(
    pts: Sequence[Point], limit: tuple[int, int], pad: int = 2
) -> tuple[int, int, int, int] | None:
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    x0, y0 = max(0, int(min(xs)) - pad), max(0, int(min(ys)) - pad)
    x1, y1 = min(limit[0], int(max(xs)) + pad + 1), min(limit[1], int(max(ys)) + pad + 1)
    if x0 >= x1 or y0 >= y1:
        return None
    return x0, y0, x1, y1


def _render_shapes(
    shapes: list[_Shape],
    size: tuple[int, int],
    place: _Place,
    design_scale: float,
    supersample: int,
    outline_rgb: RGB,
    outline_width: float = 7.0,
) -> Image.Image:
    """Draw shapes onto a transparent layer of ``size`` and return it (RGBA)."""
    ss = supersample
    big = (size[0] * ss, size[1] * ss)
    k = design_scale * ss

    def tx(points: Sequence[Point]) -> list[Point]:
        out = []
        for p in points:
            q = place.apply(p)
            out.append((q[0] * k, q[1] * k))
        return out

    layer = Image.new("RGBA", big, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    line_w = max(2, int(outline_width * k * place.scale))
    inner_w = max(1, int(line_w * 0.45))
    solid = [s for s in shapes if len(s.fill) == 3 and s.clip is None and s.outline]
    # pass 1: a thick dark silhouette behind everything
    for s in solid:
        pts = tx(s.points)
        draw.polygon(pts, fill=(*outline_rgb, 255))
        draw.line([*pts, pts[0]], fill=(*outline_rgb, 255), width=line_w, joint="curve")
    # pass 2: colours back to front, with thin inner lines
    glow_pts: list[tuple[list[Point], RGB]] = []
    for s in shapes:
        pts = tx(s.points)
        translucent = len(s.fill) == 4
        if s.clip is None and not translucent:
            draw.polygon(pts, fill=(*s.fill[:3], 255))
            if s.outline:
                draw.line([*pts, pts[0]], fill=(*outline_rgb, 255), width=inner_w, joint="curve")
        else:
            box = _bbox(pts, big)
            if box is None:
                continue
            w, h = box[2] - box[0], box[3] - box[1]
            local = [(p[0] - box[0], p[1] - box[1]) for p in pts]
            mask = _poly_mask((w, h), local)
            if s.clip is not None:
                clip_local = [(p[0] - box[0], p[1] - box[1]) for p in tx(s.clip)]
                mask = ImageChops.multiply(mask, _poly_mask((w, h), clip_local))
            region = layer.crop(box)
            alpha = s.fill[3] if translucent else 255
            over = Image.new("RGBA", (w, h), (*s.fill[:3], 0))
            over.putalpha(mask.point(lambda v, a=alpha: v * a // 255))
            # only paint where the figure already is (keeps highlights inside the body)
            region_alpha = region.getchannel("A")
            over.putalpha(ImageChops.multiply(over.getchannel("A"), region_alpha))
            layer.paste(Image.alpha_composite(region, over), box)
        if s.glow:
            glow_pts.append((pts, s.fill[:3]))
    small = layer.resize(size, Image.Resampling.LANCZOS)
    if glow_pts:
        glow = Image.new("RGBA", big, (0, 0, 0, 0))
        gd = ImageDraw.Draw(glow)
        for pts, rgb in glow_pts:
            gd.polygon(pts, fill=(*rgb, 255))
        glow = glow.resize(size, Image.Resampling.BILINEAR)
        radius = max(2.0, 14 * design_scale * place.scale)
        glow = glow.filter(ImageFilter.GaussianBlur(radius))
        under = Image.new("RGBA", size, (0, 0, 0, 0))
        under = Image.alpha_composite(under, glow)
        # glow halo sits over the figure's edge and outside it
        small = Image.alpha_composite(small, _scale_alpha(under, 0.85))
    return small


def _scale_alpha(img: Image.Image, factor: float) -> Image.Image:
    out = img.copy()
    out.putalpha(img.getchannel("A").point(lambda v: int(v * factor)))
    return out


# --------------------------------------------------------------------------- backgrounds


def _gradient(size: tuple[int, int], top: RGB, bottom: RGB, radial: bool = False) -> Image.Image:
    w, h = size
    if radial:
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        d = np.sqrt(((xx - w / 2) / (w * 0.75)) ** 2 + ((yy - h * 0.42) / (h * 0.75)) ** 2)
        t = np.clip(d, 0.0, 1.0)[..., None]
    else:
        t = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None, None]
        t = np.broadcast_to(t, (h, w, 1))
    a = np.array(top, dtype=np.float32)
    b = np.array(bottom, dtype=np.float32)
    arr = a + (b - a) * t
    return Image.fromarray(np.clip(arr + 0.5, 0, 255).astype(np.uint8), "RGB")


def _rays(img: Image.Image, centre: Point, colour: RGBA, count: int, spin: float = 0.0) -> None:
    d = ImageDraw.Draw(img, "RGBA")
    r = max(img.size) * 1.5
    for i in range(count):
        a0 = math.radians(spin + 360 * i / count)
        a1 = a0 + math.radians(360 / count / 2)
        d.polygon(
            [
                centre,
                (centre[0] + r * math.cos(a0), centre[1] + r * math.sin(a0)),
                (centre[0] + r * math.cos(a1), centre[1] + r * math.sin(a1)),
            ],
            fill=colour,
        )


def _design_frame(size: tuple[int, int]) -> tuple[float, float, float]:
    """Scale and offsets that map the 1000-unit design square onto ``size``, centred."""
    s = min(size) / _DESIGN
    return s, (size[0] - _DESIGN * s) / 2, (size[1] - _DESIGN * s) / 2


def _shadow(img: Image.Image, centre: Point, rx: float, ry: float, alpha: int = 70) -> None:
    layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
    ImageDraw.Draw(layer).ellipse(
        [centre[0] - rx, centre[1] - ry, centre[0] + rx, centre[1] + ry], fill=(10, 10, 40, alpha)
    )
    layer = layer.filter(ImageFilter.GaussianBlur(ry * 0.6))
    img.paste(Image.alpha_composite(img.convert("RGBA"), layer).convert("RGB"))


def _speed_lines(
    img: Image.Image, rng: random.Random, angle: float, colour: RGBA, n: int = 26
) -> None:
    d = ImageDraw.Draw(img, "RGBA")
    w, h = img.size
    dx, dy = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    for _ in range(n):
        x, y = rng.uniform(-0.2, 1.2) * w, rng.uniform(-0.2, 1.2) * h
        length = rng.uniform(0.15, 0.45) * w
        width = max(1, int(rng.uniform(0.003, 0.012) * w))
        d.line([(x, y), (x + dx * length, y + dy * length)], fill=colour, width=width)


def _sparkles(img: Image.Image, rng: random.Random, n: int, colour: RGBA) -> None:
    d = ImageDraw.Draw(img, "RGBA")
    w, h = img.size
    for _ in range(n):
        c = (rng.uniform(0, w), rng.uniform(0, h))
        r = rng.uniform(0.004, 0.014) * w
        d.polygon(_star(c, r, r * 0.3, 4), fill=colour)


# --------------------------------------------------------------------------- originals

_FRONT_POSE = Pose()
_FLYING_POSE = Pose(
    torso_tilt=0.0,
    head_tilt=-6.0,
    arm_l=(-12.0, -6.0),
    arm_r=(172.0, 176.0),
    leg_l=(-4.0, 8.0),
    leg_r=(6.0, 34.0),
)


def _figure_layer(
    size: tuple[int, int],
    pose: Pose,
    pal: Palette,
    place: _Place,
    supersample: int,
) -> Image.Image:
    s, ox, oy = _design_frame(size)
    shifted = replace(place, x=place.x + ox / s, y=place.y + oy / s)
    return _render_shapes(_figure(pose, pal), size, shifted, s, supersample, pal.outline)


def _emblem_shapes(pal: Palette) -> list[_Shape]:
    """The character's emblem as a standalone design, centred on (500, 500)."""
    c = (500.0, 520.0)
    shapes: list[_Shape] = []
    for s in (-1, 1):  # crest fins above the badge
        fin = _chaikin(
            [(500 + s * 70, 330), (500 + s * 170, 220), (500 + s * 250, 130), (500 + s * 170, 330)],
            1,
        )
        shapes.append(_Shape(fin, pal.trim))
    blade = [(470, 300), (485, 170), (500, 70), (515, 170), (530, 300)]
    shapes.append(_Shape(blade, pal.trim))
    shield = _ellipse(c, 300, 300)
    shapes.append(_Shape(shield, pal.suit))
    for s in (-1, 1):
        band = [
            (500 + s * 330, 380),
            (500 + s * 250, 230),
            (500 + s * 10, 760),
            (500 + s * 10, 900),
        ]
        shapes.append(_Shape(band, pal.sash, outline=False, clip=shield))
        pin = [
            (500 + s * 250, 230),
            (500 + s * 225, 220),
            (500 + s * -15, 740),
            (500 + s * 10, 760),
        ]
        shapes.append(_Shape(pin, pal.trim, outline=False, clip=shield))
    shapes.append(
        _Shape(
            _ellipse(_add(c, (-80, -90)), 160, 110, -30), (255, 255, 255, 30), False, clip=shield
        )
    )
    shapes.append(_Shape(_ellipse(c, 165, 165), pal.trim))
    shapes.append(_Shape(_ellipse(c, 122, 122), pal.emblem, outline=False, glow=True))
    shapes.append(_Shape(_star(c, 108, 30, 4), (255, 255, 255), outline=False, glow=True))
    shapes.append(_Shape(_star(c, 60, 22, 4, 45), (255, 255, 255, 150), outline=False))
    shapes.append(_Shape(_ellipse(_add(c, (-50, -50)), 34, 20, -40), (255, 255, 255, 170), False))
    for s in (-1, 1):  # small stars on the ring
        shapes.append(_Shape(_star((500 + s * 220, 700), 30, 10, 4), pal.trim))
    return shapes


def _emblem_layer(
    size: tuple[int, int], pal: Palette, place: _Place, supersample: int
) -> Image.Image:
    s, ox, oy = _design_frame(size)
    # emblem shapes are in design coordinates already; express them around (500, 500)
    shapes = [
        replace(
            sh,
            points=[(p[0] - 500, p[1] - 500) for p in sh.points],
            clip=[(p[0] - 500, p[1] - 500) for p in sh.clip] if sh.clip else None,
        )
        for sh in _emblem_shapes(pal)
    ]
    shifted = replace(place, x=place.x + ox / s, y=place.y + oy / s)
    return _render_shapes(shapes, size, shifted, s, supersample, pal.outline, outline_width=10)


def _compose(bg: Image.Image, layer: Image.Image) -> Image.Image:
    return Image.alpha_composite(bg.convert("RGBA"), layer).convert("RGB")


def draw_original(variant: str, size: tuple[int, int] = (1024, 1024)) -> Image.Image:
    """Draw one of the rights holder's original Starlume works.

    ``variant`` is one of :data:`ORIGINAL_VARIANTS`: ``front`` (standing hero pose),
    ``flying`` (diagonal flight), ``portrait`` (head and shoulders) or ``emblem`` (the
    chest-emblem design). The result is an RGB image of ``size``, identical on every call.
    """
    if variant not in ORIGINAL_VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; expected one of {ORIGINAL_VARIANTS}")
    pal = Palette()
    rng = random.Random(f"original:{variant}")
    s, _, oy = _design_frame(size)
    if variant == "front":
        bg = _gradient(size, (250, 244, 226), (176, 204, 236), radial=True)
        _rays(bg, (size[0] / 2, size[1] * 0.36), (255, 255, 255, 70), 18)
        _shadow(bg, (size[0] / 2, oy + 912 * s), 190 * s, 26 * s)
        layer = _figure_layer(size, _FRONT_POSE, pal, _Place(500, 518, 0.98), 3)
    elif variant == "flying":
        bg = _gradient(size, (32, 40, 120), (120, 180, 255))
        _sparkles(bg, rng, 40, (255, 255, 255, 170))
        _speed_lines(bg, rng, 125, (255, 255, 255, 60))
        layer = _figure_layer(size, _FLYING_POSE, pal, _Place(470, 560, 0.9, 50), 3)
    elif variant == "portrait":
        bg = _gradient(size, (255, 226, 190), (255, 150, 110), radial=True)
        _rays(bg, (size[0] / 2, size[1] * 0.4), (255, 255, 255, 50), 24, spin=4)
        layer = _figure_layer(size, _FRONT_POSE, pal, _Place(500, 1290, 2.45), 3)
    else:  # emblem
        bg = _gradient(size, (24, 28, 64), (8, 10, 28), radial=True)
        _rays(bg, (size[0] / 2, size[1] * 0.52), (255, 255, 255, 14), 16, spin=6)
        layer = _emblem_layer(size, pal, _Place(500, 480, 0.95), 3)
    return _compose(bg, layer)


# --------------------------------------------------------------------------- generations


def mentions_character(prompt: str) -> bool:
    """True when the prompt names the invented character (see :data:`CHARACTER_KEYWORDS`)."""
    low = prompt.lower()
    return any(k in low for k in CHARACTER_KEYWORDS)


def _rng(prompt: str, seed: int) -> random.Random:
    digest = hashlib.sha256(f"{seed}\x00{prompt}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _has(prompt: str, *words: str) -> bool:
    low = prompt.lower()
    return any(w in low for w in words)


def _shift_hue(rgb: RGB, degrees: float, sat: float = 1.0) -> RGB:
    h, s, v = colorsys.rgb_to_hsv(*(c / 255 for c in rgb))
    r, g, b = colorsys.hsv_to_rgb((h + degrees / 360) % 1.0, min(1.0, s * sat), v)
    return (round(r * 255), round(g * 255), round(b * 255))


_COLOUR_WORDS: dict[str, RGB] = {
    "red": (170, 30, 40),
    "红": (170, 30, 40),
    "black": (28, 28, 34),
    "黑": (28, 28, 34),
    "green": (24, 110, 70),
    "绿": (24, 110, 70),
    "purple": (92, 40, 140),
    "紫": (92, 40, 140),
    "gold": (170, 130, 30),
    "金": (170, 130, 30),
}

_HAIR_COLOURS: tuple[RGB, ...] = ((40, 30, 60), (250, 150, 190), (250, 215, 120), (70, 200, 210))


def _generated_palette(prompt: str, rng: random.Random) -> Palette:
    pal = Palette()
    hue = rng.uniform(-14, 14)
    pal = replace(
        pal,
        suit=_shift_hue(pal.suit, hue),
        sash=_shift_hue(pal.sash, hue * 0.6),
        emblem=_shift_hue(pal.emblem, hue),
        hair=rng.choice(_HAIR_COLOURS),
    )
    low = prompt.lower()
    for word, rgb in _COLOUR_WORDS.items():
        if word in low:
            pal = replace(pal, suit=rgb)
            break
    return pal


def _scene_background(size: tuple[int, int], variant: str, rng: random.Random) -> Image.Image:
    """A new backdrop for a look-alike, in the same light-and-dark layout as the original.

    A generator asked for the character tends to keep the composition of the works it
    learned from; keeping the backdrop's brightness close to the original's is what makes
    the look-alikes match their source under perceptual hashes, as real copies do.
    """
    w, h = size
    if variant == "front":
        kind = rng.choice(("sky", "studio", "rays"))
    elif variant == "flying":
        kind = rng.choice(("blue-sky", "space"))
    elif variant == "portrait":
        kind = rng.choice(("sunset-city", "peach", "rays-warm"))
    else:
        kind = rng.choice(("night", "space"))
    tint = rng.uniform(-25, 25)
    if kind == "sky":
        bg = _gradient(size, (150, 200, 250), (235, 244, 255))
        d = ImageDraw.Draw(bg, "RGBA")
        for _ in range(5):
            cx, cy = rng.uniform(0, w), rng.uniform(0.05, 0.7) * h
            for _ in range(5):
                r = rng.uniform(0.03, 0.06) * w
                x, y = cx + rng.uniform(-0.07, 0.07) * w, cy + rng.uniform(-0.02, 0.02) * h
                d.ellipse([x - r, y - r * 0.6, x + r, y + r * 0.6], fill=(255, 255, 255, 150))
    elif kind == "studio":
        bg = _gradient(size, (240, 238, 236), _shift_hue((176, 186, 214), tint), radial=True)
    elif kind == "rays":
        bg = _gradient(size, _shift_hue((255, 246, 214), tint), (200, 212, 236), radial=True)
        _rays(bg, (w / 2, h * 0.4), (255, 255, 255, 60), rng.randint(12, 20), rng.uniform(0, 20))
    elif kind == "blue-sky":
        bg = _gradient(size, _shift_hue((40, 70, 150), tint), (150, 200, 250))
        _sparkles(bg, rng, 20, (255, 255, 255, 140))
    elif kind == "space":
        bg = _gradient(
            size, (22, 24, 70), _shift_hue((80, 90, 170), tint), radial=variant == "emblem"
        )
        _sparkles(bg, rng, 60, (255, 255, 255, 190))
    elif kind == "sunset-city":
        bg = _gradient(size, (255, 190, 140), (230, 120, 110))
        d = ImageDraw.Draw(bg, "RGBA")
        x = 0.0
        while x < w:
            bw = rng.uniform(0.05, 0.12) * w
            bh = rng.uniform(0.2, 0.45) * h
            d.rectangle([x, h - bh, x + bw, h], fill=(120, 60, 90, 170))
            x += bw + rng.uniform(0, 0.01) * w
    elif kind == "peach":
        bg = _gradient(size, _shift_hue((255, 232, 200), tint), (250, 160, 120), radial=True)
        _sparkles(bg, rng, 24, (255, 255, 255, 170))
    elif kind == "rays-warm":
        bg = _gradient(size, (255, 220, 180), _shift_hue((245, 140, 100), tint), radial=True)
        _rays(bg, (w / 2, h * 0.4), (255, 255, 255, 45), rng.randint(16, 28), rng.uniform(0, 20))
    else:  # night
        bg = _gradient(size, _shift_hue((30, 30, 70), tint), (6, 8, 24), radial=True)
        _sparkles(bg, rng, 30, (255, 255, 255, 120))
    return bg


def _illustration(img: Image.Image) -> Image.Image:
    """Poster-style flat colour and inked edges: the "插画风格" look."""
    flat = ImageOps.posterize(img.filter(ImageFilter.SMOOTH_MORE), 3)
    flat = ImageEnhance.Color(flat).enhance(1.35)
    flat = ImageEnhance.Brightness(flat).enhance(1.12)
    edges = img.convert("L").filter(ImageFilter.FIND_EDGES).point(lambda v: 255 if v > 70 else 0)
    out = flat.copy()
    out.paste(Image.new("RGB", img.size, (34, 26, 44)), mask=edges)
    return Image.blend(out, Image.new("RGB", img.size, (252, 242, 222)), 0.1)


def _jitter_pose(base: Pose, rng: random.Random, amount: float) -> Pose:
    def j(pair: tuple[float, float]) -> tuple[float, float]:
        return (pair[0] + rng.uniform(-amount, amount), pair[1] + rng.uniform(-amount, amount))

    return replace(
        base,
        head_tilt=base.head_tilt + rng.uniform(-6, 6),
        arm_l=j(base.arm_l),
        arm_r=j(base.arm_r),
        leg_l=j(base.leg_l),
        leg_r=j(base.leg_r),
    )


def _choose_variant(prompt: str, rng: random.Random) -> str:
    if _has(prompt, "fly", "flight", "飞"):
        return "flying"
    if _has(prompt, "portrait", "head", "face", "头像", "特写", "脸"):
        return "portrait"
    if _has(prompt, "emblem", "logo", "badge", "标志", "徽"):
        return "emblem"
    if _has(prompt, "standing", "full body", "full-body", "站", "全身"):
        return "front"
    return rng.choices(("front", "flying", "portrait"), weights=(6, 2, 2))[0]


def generation_source(prompt: str, seed: int) -> str | None:
    """The original variant a generation copies, or None for an unrelated picture.

    Lets the demo manifest and the tests say which original work each look-alike was drawn
    from, without a similarity engine.
    """
    if not mentions_character(prompt):
        return None
    return _choose_variant(prompt, _rng(prompt, seed))


def _lookalike(prompt: str, rng: random.Random, size: tuple[int, int]) -> Image.Image:
    variant = _choose_variant(prompt, rng)
    pal = _generated_palette(prompt, rng)
    long_hair = _has(prompt, "长发", "long hair", "long-hair")
    chibi = _has(prompt, "chibi", "q版", "q-version")
    s, _, oy = _design_frame(size)
    bg = _scene_background(size, variant, rng)
    dx, dy = rng.uniform(-18, 18), rng.uniform(-15, 15)
    scale = rng.uniform(0.93, 1.05)
    rot = rng.uniform(-4, 4)
    if variant == "emblem":
        layer = _emblem_layer(size, pal, _Place(500 + dx, 480 + dy, 0.95 * scale, rot), 2)
    else:
        if variant == "front":
            base, place = _FRONT_POSE, _Place(500 + dx, 518 + dy, 0.98 * scale, rot)
            _shadow(bg, (size[0] / 2 + dx * s, oy + (912 + dy) * s), 190 * s, 26 * s, 50)
        elif variant == "flying":
            base, place = _FLYING_POSE, _Place(470 + dx, 560 + dy, 0.9 * scale, 50 + rot)
            _speed_lines(bg, rng, 125 + rot, (255, 255, 255, 50), 16)
        else:
            base, place = _FRONT_POSE, _Place(500 + dx, 1290 + dy, 2.45 * scale, rot * 0.5)
        pose = _jitter_pose(base, rng, 6.0 if variant != "portrait" else 2.0)
        pose = replace(pose, long_hair=long_hair, head_scale=1.6 if chibi else 1.0)
        layer = _figure_layer(size, pose, pal, place, 2)
    img = _compose(bg, layer)
    if _has(prompt, "插画", "illustration", "poster", "anime", "动漫", "漫画"):
        return _illustration(img)  # crisp flat colour
    return img.filter(ImageFilter.GaussianBlur(0.6))  # the soft look of a diffusion output


def _landscape(size: tuple[int, int], rng: random.Random) -> Image.Image:
    w, h = size
    warm = rng.random() < 0.5
    top, bottom = ((255, 170, 110), (255, 230, 180)) if warm else ((110, 170, 230), (220, 235, 245))
    img = _gradient(size, top, bottom)
    d = ImageDraw.Draw(img, "RGBA")
    sx, sy, sr = rng.uniform(0.2, 0.8) * w, rng.uniform(0.15, 0.35) * h, rng.uniform(0.05, 0.09) * w
    d.ellipse([sx - sr, sy - sr, sx + sr, sy + sr], fill=(255, 250, 220, 230))
    base_hue = rng.uniform(0, 360)
    for layer_i in range(4):
        horizon = (0.45 + 0.1 * layer_i) * h
        pts: list[Point] = [(0, h)]
        x = 0.0
        while x <= w:
            pts.append((x, horizon - rng.uniform(0.02, 0.16) * h * (1 - layer_i * 0.18)))
            x += rng.uniform(0.05, 0.12) * w
        pts += [(w, horizon), (w, h)]
        shade = int(150 - layer_i * 30)
        col = _shift_hue((shade // 2, shade, shade // 2 + 20), base_hue)
        d.polygon(pts, fill=(*col, 255))
    lake_top = 0.82 * h
    d.rectangle([0, lake_top, w, h], fill=(*_shift_hue((60, 110, 160), base_hue * 0.1), 255))
    for _ in range(14):
        y = rng.uniform(lake_top, h)
        x = rng.uniform(0, w)
        d.line([(x, y), (x + rng.uniform(0.05, 0.2) * w, y)], fill=(255, 255, 255, 90), width=2)
    return img


def _abstract(size: tuple[int, int], rng: random.Random) -> Image.Image:
    w, h = size
    ss = 2
    big = (w * ss, h * ss)
    hue = rng.uniform(0, 360)
    img = Image.new("RGB", big, _shift_hue((240, 232, 220), hue))
    d = ImageDraw.Draw(img, "RGBA")
    colours = [
        _shift_hue(c, hue) for c in ((230, 80, 60), (40, 90, 160), (240, 190, 60), (30, 30, 40))
    ]
    for _ in range(rng.randint(9, 15)):
        c = (*rng.choice(colours), rng.randint(150, 255))
        x, y = rng.uniform(0, big[0]), rng.uniform(0, big[1])
        r = rng.uniform(0.05, 0.25) * big[0]
        kind = rng.random()
        if kind < 0.4:
            d.ellipse([x - r, y - r, x + r, y + r], fill=c)
        elif kind < 0.75:
            d.rounded_rectangle([x - r, y - r * 0.5, x + r, y + r * 0.5], radius=r * 0.2, fill=c)
        else:
            d.line([(x - r, y - r), (x + r, y + r)], fill=c, width=int(r * 0.2))
    return img.resize(size, Image.Resampling.LANCZOS)


def _city(size: tuple[int, int], rng: random.Random) -> Image.Image:
    w, h = size
    img = _gradient(size, (14, 18, 48), (70, 50, 110))
    _sparkles(img, rng, 30, (255, 255, 255, 150))
    d = ImageDraw.Draw(img, "RGBA")
    x = -10.0
    while x < w:
        bw = rng.uniform(0.06, 0.14) * w
        bh = rng.uniform(0.25, 0.7) * h
        top = h - bh
        d.rectangle([x, top, x + bw, h], fill=(24, 26, 50, 255))
        step = max(8.0, 0.02 * w)
        wy = top + step
        while wy < h - step:
            wx = x + step * 0.6
            while wx < x + bw - step * 0.6:
                if rng.random() < 0.45:
                    d.rectangle(
                        [wx, wy, wx + step * 0.4, wy + step * 0.5], fill=(255, 220, 130, 220)
                    )
                wx += step
            wy += step * 1.1
        x += bw + rng.uniform(0.0, 0.02) * w
    return img


def _unrelated(prompt: str, rng: random.Random, size: tuple[int, int]) -> Image.Image:
    if _has(prompt, "mountain", "landscape", "lake", "山", "风景", "湖"):
        kind = "landscape"
    elif _has(prompt, "city", "night", "城市", "夜"):
        kind = "city"
    elif _has(prompt, "abstract", "shape", "抽象", "几何"):
        kind = "abstract"
    else:
        kind = rng.choice(("landscape", "city", "abstract"))
    if kind == "landscape":
        return _landscape(size, rng)
    if kind == "city":
        return _city(size, rng)
    return _abstract(size, rng)


def draw_generation(prompt: str, seed: int, size: tuple[int, int] = (768, 768)) -> Image.Image:
    """Return what the demo AI platform "generates" for ``prompt`` and ``seed``.

    When the prompt names the character (:func:`mentions_character`) the result is a
    look-alike of one original work: the same character with a new background, a small
    colour and pose shift, a different scale and crop, and the prompt's asks applied
    ("长发"/"long hair" adds flowing hair, "插画风格"/"illustration" posterises and inks,
    "飞"/"flying", "头像"/"portrait" and "标志"/"emblem" pick the composition, a colour word
    recolours the suit). Any other prompt gives an unrelated landscape, city or abstract
    picture. The same (prompt, seed, size) always gives the same pixels.
    """
    rng = _rng(prompt, seed)
    if mentions_character(prompt):
        return _lookalike(prompt, rng, size)
    return _unrelated(prompt, rng, size)


# --------------------------------------------------------------------------- metadata

DEFAULT_MODEL = "lumagen-xl-v2"
"""Model name the demo platform reports in generation parameters."""


def model_hash(model: str) -> str:
    """A short, stable, invented model hash (A1111 shows ten hex digits)."""
    return hashlib.sha256(model.encode()).hexdigest()[:10]


def a1111_parameters(
    prompt: str,
    negative: str = "",
    seed: int = 0,
    *,
    steps: int = 20,
    sampler: str = "Euler a",
    cfg_scale: float = 7,
    size: tuple[int, int] = (768, 768),
    model: str = DEFAULT_MODEL,
    extra: dict[str, str] | None = None,
) -> str:
    """The AUTOMATIC1111 ``parameters`` text for one generation.

    Layout as A1111 writes it: the prompt, then ``Negative prompt: …`` (left out when
    empty), then one line ``Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: …,
    Size: WxH, Model hash: …, Model: …`` followed by any ``extra`` fields in order.
    """
    lines = [prompt]
    if negative:
        lines.append(f"Negative prompt: {negative}")
    fields = {
        "Steps": str(steps),
        "Sampler": sampler,
        "CFG scale": f"{cfg_scale:g}",
        "Seed": str(seed),
        "Size": f"{size[0]}x{size[1]}",
        "Model hash": model_hash(model),
        "Model": model,
    }
    fields.update(extra or {})
    lines.append(", ".join(f"{k}: {v}" for k, v in fields.items()))
    return "\n".join(lines)
