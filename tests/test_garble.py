"""The garble model separates report prose from scrambled text, fast.

Measured on the national corpus (3512 paragraphs of 20+ characters): fluent
mean -4.80 (min -5.84); characters shuffled mean -7.25 (99% below -6.4);
read across 3 columns row by row mean -7.21. At GARBLE_THRESHOLD -6.0: no
fluent paragraph flagged, 0.1% of shuffled ones missed. Kaihua line 1 -7.39,
lines 15-23 joined -7.04; lines 3-11 joined -5.35 (a real title).
"""

from __future__ import annotations

import random
import time

import numpy as np

from pipeline import garble
from tests.damage import load_paragraphs


def test_fluent_sentence_scores_high():
    s = "我们要坚持稳中求进工作总基调，完整、准确、全面贯彻新发展理念，加快构建新发展格局。"
    assert garble.fluency(s) > -5.5
    assert not garble.is_garbled(s)


def test_scrambled_sentence_scores_low():
    s = "忠奋面实力习行造贯中彻围式有现实党事做的家山家区大有县精收样神入板嘱"
    assert garble.fluency(s) < garble.GARBLE_THRESHOLD
    assert garble.is_garbled(s)


def test_short_or_non_cjk_text_is_neutral():
    assert garble.fluency("") == garble.NEUTRAL
    assert garble.fluency("附件") == garble.NEUTRAL
    assert garble.fluency("Made in China 2025, 7.5%") == garble.NEUTRAL
    assert not garble.is_garbled("一、")


def test_fluency_many_matches_fluency():
    texts = ["", "现在，我代表国务院，向大会作政府工作报告", "序火创成中华国家级", "abc"]
    assert np.allclose(garble.fluency_many(texts), [garble.fluency(t) for t in texts])
    assert garble.fluency_many([]) == []


def test_transition_and_column_logp_agree():
    s = "政府工作报告"
    total = garble.transition_logp("", s[0]) + sum(
        garble.transition_logp(a, b) for a, b in zip(s, s[1:], strict=False)
    )
    assert abs(total - garble.column_logp(s)) < 1e-4


def test_separation_on_national_corpus(national_dir):
    paras = load_paragraphs(national_dir, 600, seed=11, min_chars=20)
    rng = random.Random(3)

    def shuffled(p: str) -> str:
        c = list(p)
        rng.shuffle(c)
        return "".join(c)

    fluent = np.array(garble.fluency_many(paras))
    scrambled = np.array(garble.fluency_many([shuffled(p) for p in paras]))
    assert -5.2 < fluent.mean() < -4.4
    assert scrambled.mean() < -6.8
    assert (fluent < garble.GARBLE_THRESHOLD).mean() <= 0.005
    assert (scrambled >= garble.GARBLE_THRESHOLD).mean() <= 0.02


def test_kaihua_garble_lines(seeds_dir):
    lines = next(seeds_dir.glob("003_*.txt")).read_text(encoding="utf-8").split("\n")
    assert garble.is_garbled(lines[0].replace(" ", ""))
    assert garble.is_garbled("".join(lines[14:23]))
    assert not garble.is_garbled("".join(lines[2:11]))


def test_scores_a_megabyte_fast():
    text = "现在，我代表国务院，向大会作政府工作报告，请予审议。\n" * 40000  # ~1 M chars
    garble.model()
    t = time.perf_counter()
    garble.char_logp(text)
    assert time.perf_counter() - t < 1.5


def test_line_stats_same_figures_whoever_computed_them():
    """Figures handed over by an earlier pass (dedupe) equal those computed afresh."""
    lines = ["过去一年，经济运行总体平稳。", "", "abc 你好", "政府工作报告", "稳中求进工作总基调"]
    n, s = garble.line_stats(lines)
    known = {lines[0]: (int(n[0]), float(s[0])), lines[3]: (int(n[3]), float(s[3]))}
    n2, s2 = garble.line_stats(lines, known)
    assert n.tolist() == n2.tolist() and s.tolist() == s2.tolist()
    assert n.tolist() == [12, 0, 2, 6, 9]
    assert s[0] / n[0] == garble.fluency(lines[0])
