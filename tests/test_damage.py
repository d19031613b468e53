"""The damage generator: every class, deterministic, clean text as ground truth."""

from __future__ import annotations

import pytest

from tests.damage import CLASSES, DEFECT_CLASSES, cer, damage, edits

PARAS = [
    "现在，我代表国务院，向大会作政府工作报告，请予审议，并请全国政协各位委员提出意见。",
    "过去一年，我们坚持稳中求进工作总基调，扎实做好“六稳”工作，全面落实“六保”任务，经济运行总体平稳。",
    "加快建设现代化产业体系，推动制造业高端化、智能化、绿色化发展，培育壮大战略性新兴产业。",
    "深入实施乡村振兴战略，巩固拓展脱贫攻坚成果，稳定粮食播种面积，提高农业综合生产能力。",
]


def test_classes_listed():
    assert set(DEFECT_CLASSES) == {*CLASSES, "mixed"}
    with pytest.raises(ValueError):
        damage(PARAS, "nope", 0.5)


@pytest.mark.parametrize("kind", DEFECT_CLASSES)
def test_every_class_damages_and_is_deterministic(kind):
    d1, c1 = damage(PARAS * 3, kind, 1.0, seed=4)
    d2, c2 = damage(PARAS * 3, kind, 1.0, seed=4)
    assert (d1, c1) == (d2, c2)
    assert d1 != c1
    if kind not in ("hard_wraps", "column_spaces"):
        assert cer(d1, c1) > 0
    assert cer(d1, c1, layout=True) > 0 or kind == "column_spaces"


def test_rate_zero_is_identity_and_rate_scales():
    d, c = damage(PARAS * 5, "mixed", 0.0, seed=1)
    assert d == c
    low = edits(*damage(PARAS * 10, "duplicate", 0.2, seed=1))[0]
    high = edits(*damage(PARAS * 10, "duplicate", 0.8, seed=1))[0]
    assert high > low


def test_cer_ignores_whitespace_counts_width():
    assert cer("a b\nc", "abc") == 0
    assert cer("发展,稳定", "发展，稳定") == pytest.approx(0.2)
    assert cer("甲\n\n乙", "甲乙", layout=True) == pytest.approx(0.5)
