"""compare(): each transform of an original is found, explained, and aligned correctly."""

from __future__ import annotations

import dataclasses
import json

import cv2
import numpy as np
import pytest
from PIL import Image

from app.compare import Comparison, compare, compute_features
from app.compare.features import ImageFeatures
from app.compare.synthetic import TRANSFORMS, to_png_bytes, transformed


@pytest.fixture(scope="module")
def copies(original: Image.Image) -> dict[str, ImageFeatures]:
    return {
        name: compute_features(to_png_bytes(transformed(original, name, 11))) for name in TRANSFORMS
    }


@pytest.fixture(scope="module")
def results(original_features, copies) -> dict[str, Comparison]:
    return {name: compare(original_features, features) for name, features in copies.items()}


def test_identical_images_score_high_with_every_point_aligned(original_features) -> None:
    result = compare(original_features, original_features)
    assert result.band == "high"
    assert result.score is not None and result.score > 0.99
    assert result.alignment is not None
    assert np.allclose(result.alignment.homography, np.eye(3), atol=0.02)
    assert result.metric("phash").value == 0
    assert result.metric("ssim").value == pytest.approx(1.0, abs=0.01)


@pytest.mark.parametrize("name", list(TRANSFORMS))
def test_every_transformed_copy_is_flagged(results, name: str) -> None:
    assert results[name].band in ("high", "medium"), results[name].sentences


def test_unrelated_image_scores_low(original_features, other_features) -> None:
    result = compare(original_features, other_features)
    assert result.band == "low"
    assert result.score is not None and result.score < 0.1


def test_mirrored_copy_is_aligned_as_a_mirror(results) -> None:
    alignment = results["mirror"].alignment
    assert alignment is not None and alignment.mirrored
    assert np.linalg.det(alignment.homography[:2, :2]) < 0
    assert "mirrored" in results["mirror"].metric("keypoints").sentence
    assert not results["crop"].alignment.mirrored


def test_rotation_and_scale_are_measured(original: Image.Image, original_features) -> None:
    turned = original.rotate(8, resample=Image.Resampling.BICUBIC, expand=True, fillcolor="white")
    turned = turned.resize((turned.width * 3 // 2, turned.height * 3 // 2))
    result = compare(original_features, compute_features(to_png_bytes(turned)))
    assert result.alignment is not None
    assert abs(result.alignment.rotation_deg) == pytest.approx(8, abs=1.0)
    assert result.alignment.scale == pytest.approx(1.5, rel=0.05)
    assert "rotated 8°" in result.metric("keypoints").sentence


def test_crop_is_located_where_it_was_cut(original: Image.Image, original_features) -> None:
    box = (40, 30, 230, 200)
    result = compare(original_features, compute_features(to_png_bytes(original.crop(box))))
    assert result.alignment is not None
    outline = result.alignment.candidate_outline
    assert np.allclose(outline.min(axis=0), box[:2], atol=3)
    assert np.allclose(outline.max(axis=0), box[2:], atol=3)
    assert result.alignment.overlap_share == pytest.approx(190 * 170 / 256**2, abs=0.03)


def test_homography_maps_candidate_points_onto_original_points(results) -> None:
    for name in ("crop", "mirror", "rotate", "scale"):
        a = results[name].alignment
        assert a is not None
        mapped = cv2.perspectiveTransform(a.points_candidate.reshape(-1, 1, 2), a.homography)
        error = np.linalg.norm(mapped.reshape(-1, 2) - a.points_original, axis=1)
        assert float(np.median(error)) < 3.0, name


def test_every_metric_has_a_readable_sentence_with_its_number(results) -> None:
    result = results["crop"]
    names = [m.name for m in result.metrics]
    assert names == [
        "keypoints",
        "inlier_ratio",
        "ssim",
        "phash",
        "dhash",
        "colour_hash",
        "palette",
    ]
    keypoints = result.metric("keypoints")
    assert keypoints.sentence.startswith(f"{int(keypoints.value)} distinctive points match")
    assert "% of the original" in keypoints.sentence
    assert f"{result.metric('ssim').value:.2f}" in result.metric("ssim").sentence
    assert result.summary.startswith(f"Overall similarity {result.score:.2f}")


def test_recolouring_changes_the_palette_but_not_the_band(results) -> None:
    assert results["recolour"].metric("palette").value > results["jpeg"].metric("palette").value
    assert results["recolour"].band == "high"


def test_score_can_be_recomputed_from_the_recorded_inputs(results) -> None:
    from app.compare.scoring import score_from_inputs

    for result in results.values():
        assert score_from_inputs(result.inputs) == pytest.approx(result.score)


def test_comparison_is_reproducible(original_features, copies) -> None:
    first = compare(original_features, copies["crop_jpeg_text"]).to_dict()
    second = compare(original_features, copies["crop_jpeg_text"]).to_dict()
    assert first == second


def test_comparison_record_is_json_with_gui_geometry(results) -> None:
    record = json.loads(json.dumps(results["rotate"].to_dict()))
    alignment = record["alignment"]
    assert len(alignment["homography"]) == 3
    assert len(alignment["points_original"]) == len(alignment["points_candidate"]) > 8
    assert len(alignment["region_original"]) >= 3
    assert len(alignment["candidate_outline"]) == 4
    assert record["band"] in ("high", "medium", "low")
    assert record["engine"].startswith("proofshot-compare/")


def test_features_of_another_engine_version_cannot_be_compared(
    original_features, other_features
) -> None:
    old = dataclasses.replace(other_features, version=0)
    result = compare(original_features, old)
    assert result.score is None and result.band is None
    assert result.cannot_compare is not None and "another version" in result.cannot_compare
    assert result.summary.startswith("Cannot compare")
