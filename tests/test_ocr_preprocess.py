"""Preprocessing: minAreaRect angle conventions, skew measurement, noise estimate, upscaling."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from pipeline.ocr import DEFAULTS
from pipeline.ocr.preprocess import (
    char_height,
    ink_mask,
    noise_sigma,
    preprocess,
    rect_angle,
    to_gray,
    upscale_factor,
)


@pytest.mark.parametrize(
    "rect, expected",
    [
        (((0, 0), (100, 10), 1.5), 1.5),  # OpenCV >= 4.5.1, (0, 90]: wide rect
        (((0, 0), (10, 100), 88.5), -1.5),  # same convention, sides swapped
        (((0, 0), (100, 10), -1.5), -1.5),  # OpenCV < 4.5.1, [-90, 0)
        (((0, 0), (10, 100), -88.5), 1.5),
        (((0, 0), (100, 10), 90.0), 90.0),  # a vertical line stays vertical
        (((0, 0), (10, 100), 90.0), 0.0),
    ],
)
def test_rect_angle_is_the_long_sides_direction_in_any_convention(rect, expected):
    assert rect_angle(rect) == pytest.approx(expected)


def _text_page(angle: float, noise: float = 0.0) -> np.ndarray:
    img = np.full((700, 900), 255, np.uint8)
    for r in range(14):  # 14 "lines" of 24 px "characters"
        for c in range(28):
            x, y = 60 + c * 28, 60 + r * 40
            cv2.rectangle(img, (x, y), (x + 20, y + 22), 0, 2)
    m = cv2.getRotationMatrix2D((450, 350), angle, 1.0)
    img = cv2.warpAffine(img, m, (900, 700), borderValue=255)
    if noise:
        img = np.clip(img + np.random.default_rng(0).normal(0, noise, img.shape), 0, 255).astype(np.uint8)
    return img


@pytest.mark.parametrize("angle", [-2.0, -0.7, 0.0, 1.3, 2.0])
def test_deskew_recovers_the_rotation(angle):
    prep = preprocess(_text_page(angle, noise=10), DEFAULTS)
    assert prep.angle == pytest.approx(-angle, abs=0.15)


def test_deskew_off_leaves_the_page():
    prep = preprocess(_text_page(1.5), {**DEFAULTS, "deskew": False})
    assert prep.angle == 0.0


def test_noise_estimate_separates_clean_from_noisy():
    assert noise_sigma(_text_page(0)) < 1.0
    assert noise_sigma(_text_page(0, noise=12)) > 6.0


def test_low_resolution_input_is_upscaled_and_bbox_scale_recorded():
    small = cv2.resize(_text_page(0), None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    ch = char_height(ink_mask(small))
    assert 8 <= ch <= 14
    prep = preprocess(small, DEFAULTS)
    assert prep.scale > 1.5 and prep.char_height >= DEFAULTS["min_char_height"] - 1
    assert preprocess(small, {**DEFAULTS, "upscale": False}).scale == 1.0


def test_to_gray_accepts_bgr_bgra_and_16_bit():
    bgr = np.zeros((4, 4, 3), np.uint8)
    assert to_gray(bgr).shape == (4, 4)
    assert to_gray(np.zeros((4, 4, 4), np.uint8)).shape == (4, 4)
    assert to_gray(np.arange(16, dtype=np.uint16).reshape(4, 4) * 4000).dtype == np.uint8


def test_binarize_switch_feeds_the_engine_a_two_level_image():
    prep = preprocess(_text_page(0), {**DEFAULTS, "binarize": True})
    assert set(np.unique(prep.image)) <= {0, 255}


def test_upscale_stops_where_the_engine_would_shrink_the_page_again():
    cfg = {**DEFAULTS, "min_char_height": 24, "max_upscale": 3.0}
    assert upscale_factor(8, (1400, 1000), cfg) == 3.0  # Tesseract reads what it is given
    assert upscale_factor(8, (1400, 1000), {**cfg, "max_side": 2000}) == 3.0  # the layout needs it
    assert upscale_factor(12, (2070, 1434), {**cfg, "max_side": 2000}) == 1.0  # RapidOCR would shrink it back
    assert upscale_factor(30, (800, 600), cfg) == 1.0
