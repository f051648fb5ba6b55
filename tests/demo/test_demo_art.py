"""The invented Starlume artwork and the fake generator behave as the demo case needs."""

from __future__ import annotations

import imagehash
import numpy as np
import pytest
from PIL import Image

from app.demo import art

LOOKALIKE_CASES = [
    ("生成星光侠", 12),
    ("生成星光侠", 13),
    ("星光侠 长发", 15),
    ("生成插画风格的星光侠", 11),
    ("Starlume flying over the city, dynamic pose", 16),
    ("starlume portrait, red suit, highly detailed", 14),
    ("星光侠 标志 logo design", 11),
    ("Starlume hero standing, studio lighting", 12),
]
UNRELATED_CASES = [
    ("a mountain lake at sunrise", 21),
    ("抽象几何图形", 22),
    ("城市夜景 night city skyline", 23),
    ("a bowl of fruit on a table", 24),
]
SIZE = (512, 512)


@pytest.fixture(scope="module")
def original_hashes() -> dict[str, imagehash.ImageHash]:
    return {v: imagehash.phash(art.draw_original(v, SIZE)) for v in art.ORIGINAL_VARIANTS}


@pytest.mark.parametrize("variant", art.ORIGINAL_VARIANTS)
def test_draw_original_gives_identical_pixels_on_every_call(variant: str) -> None:
    first = art.draw_original(variant, (256, 256))
    second = art.draw_original(variant, (256, 256))
    assert first.mode == "RGB"
    assert first.size == (256, 256)
    assert first.tobytes() == second.tobytes()


def test_original_variants_are_distinct_pictures() -> None:
    images = [art.draw_original(v, (128, 128)).tobytes() for v in art.ORIGINAL_VARIANTS]
    assert len(set(images)) == len(images)


def test_draw_original_rejects_an_unknown_variant() -> None:
    with pytest.raises(ValueError, match="unknown variant"):
        art.draw_original("back-view")


def test_original_is_a_detailed_drawing_not_a_flat_fill() -> None:
    img = art.draw_original("front", (256, 256))
    assert len(img.getcolors(1 << 20) or []) > 500


def test_draw_generation_is_deterministic_for_prompt_and_seed() -> None:
    a = art.draw_generation("生成星光侠", 7, (256, 256))
    b = art.draw_generation("生成星光侠", 7, (256, 256))
    assert a.tobytes() == b.tobytes()


def test_draw_generation_differs_between_seeds_and_prompts() -> None:
    base = art.draw_generation("生成星光侠", 7, (256, 256)).tobytes()
    assert art.draw_generation("生成星光侠", 8, (256, 256)).tobytes() != base
    assert art.draw_generation("星光侠 长发", 7, (256, 256)).tobytes() != base


def test_draw_generation_honours_non_square_sizes() -> None:
    assert art.draw_generation("Starlume", 1, (320, 200)).size == (320, 200)
    assert art.draw_generation("a lake", 1, (200, 320)).size == (200, 320)


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("生成星光侠", True),
        ("STARLUME in the rain", True),
        ("star lume, portrait", True),
        ("星光俠 traditional", True),
        ("a mountain lake", False),
        ("星光 landscape", False),
    ],
)
def test_mentions_character_matches_english_and_chinese_names(prompt: str, expected: bool) -> None:
    assert art.mentions_character(prompt) is expected


def test_generation_source_follows_the_prompt_asks() -> None:
    assert art.generation_source("Starlume flying", 3) == "flying"
    assert art.generation_source("星光侠 头像", 3) == "portrait"
    assert art.generation_source("星光侠 标志", 3) == "emblem"
    assert art.generation_source("Starlume standing", 3) == "front"
    assert art.generation_source("a cat", 3) is None


def test_lookalikes_match_their_source_original_best(
    original_hashes: dict[str, imagehash.ImageHash],
) -> None:
    for prompt, seed in LOOKALIKE_CASES:
        h = imagehash.phash(art.draw_generation(prompt, seed, SIZE))
        source = art.generation_source(prompt, seed)
        assert source is not None
        distances = {v: h - o for v, o in original_hashes.items()}
        assert min(distances, key=lambda v: distances[v]) == source, (prompt, seed, distances)


def test_lookalikes_are_measurably_closer_to_the_originals_than_unrelated_outputs(
    original_hashes: dict[str, imagehash.ImageHash],
) -> None:
    def nearest(prompt: str, seed: int) -> int:
        h = imagehash.phash(art.draw_generation(prompt, seed, SIZE))
        return min(int(h - o) for o in original_hashes.values())

    look = [nearest(p, s) for p, s in LOOKALIKE_CASES]
    unrelated = [nearest(p, s) for p, s in UNRELATED_CASES]
    assert max(look) < min(unrelated), (look, unrelated)
    assert sum(look) / len(look) + 8 <= sum(unrelated) / len(unrelated)


def test_long_hair_prompt_draws_hair_around_the_figure() -> None:
    pose = art.Pose()
    plain = art._figure_layer((256, 256), pose, art.Palette(), art._Place(500, 518, 0.98), 2)
    haired = art._figure_layer(
        (256, 256), art.Pose(long_hair=True), art.Palette(), art._Place(500, 518, 0.98), 2
    )
    covered_plain = int((np.asarray(plain.getchannel("A")) > 128).sum())
    covered_hair = int((np.asarray(haired.getchannel("A")) > 128).sum())
    assert covered_hair > covered_plain * 1.05


def test_illustration_style_prompt_gives_flat_posterised_colour() -> None:
    plain = art.draw_generation("星光侠", 3, (256, 256))
    styled = art.draw_generation("生成插画风格的星光侠", 3, (256, 256))
    assert len(styled.getcolors(1 << 20) or []) * 10 < len(plain.getcolors(1 << 20) or [])


def test_colour_word_recolours_the_suit() -> None:
    img = art.draw_generation("starlume portrait, red suit", 14, (256, 256))
    r, g, b = (np.asarray(img).astype(int)[..., i] for i in range(3))
    reds = int(((r > 130) & (g < 70) & (b < 80)).sum())
    blues = int(((b > 90) & (r < 60) & (g < 70)).sum())
    assert reds > blues


def test_unrelated_prompt_gives_a_picture_far_from_every_original(
    original_hashes: dict[str, imagehash.ImageHash],
) -> None:
    img = art.draw_generation("a mountain lake at sunrise", 5, SIZE)
    assert isinstance(img, Image.Image)
    h = imagehash.phash(img)
    assert min(h - o for o in original_hashes.values()) >= 20


def test_a1111_parameters_has_the_automatic1111_layout() -> None:
    text = art.a1111_parameters("生成星光侠", "lowres, blurry", 1234)
    lines = text.split("\n")
    assert lines[0] == "生成星光侠"
    assert lines[1] == "Negative prompt: lowres, blurry"
    assert lines[2] == (
        "Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1234, Size: 768x768, "
        f"Model hash: {art.model_hash(art.DEFAULT_MODEL)}, Model: lumagen-xl-v2"
    )
    assert len(art.model_hash("x")) == 10


def test_a1111_parameters_leaves_out_an_empty_negative_prompt_and_adds_extras() -> None:
    text = art.a1111_parameters(
        "a lake", "", 5, cfg_scale=7.5, size=(512, 640), extra={"Version": "v1.6.0"}
    )
    assert "Negative prompt" not in text
    assert text.splitlines()[1].startswith("Steps: 20, Sampler: Euler a, CFG scale: 7.5, Seed: 5")
    assert "Size: 512x640" in text
    assert text.endswith(", Version: v1.6.0")
