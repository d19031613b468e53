"""unicode_hygiene: each fix on the damage it repairs, and clean text left byte-identical."""

from __future__ import annotations

import pytest

from pipeline import Pipeline
from pipeline.stages.unicode_hygiene import fix_mojibake, fold_width


@pytest.fixture(scope="module")
def hyg():
    return Pipeline({"pipeline": {"stages": ["unicode_hygiene"]}})


def clean(p, text):
    res = p.clean_text(text)
    assert res.report["accounting"]["unaccounted_chars"] == 0
    return res


def test_clean_chinese_and_full_width_punctuation_untouched(hyg):
    text = (
        "各位代表：现在，我代表市人民政府（草案）向大会报告“工作”；请予审议！增长7.8%……——好？《报告》、‘引’"
    )
    res = clean(hyg, text)
    assert res.text == text + "\n"
    assert "unicode_hygiene" not in res.report["changes"]
    assert fix_mojibake(text) == text


def test_zero_width_and_controls_removed_and_recorded(hyg):
    res = clean(hyg, "政府\u200b工作\u2060报\ufeff告\x07书\u00ad")
    assert res.text == "政府工作报告书\n"
    reasons = [r["reason"] for r in res.report["removed"]]
    assert reasons.count("zero-width") == 4 and "control-char" in reasons


def test_odd_spaces_become_spaces(hyg):
    res = clean(hyg, "省长\u3000王予波\u00a0讲话\t完")
    assert res.text == "省长 王予波 讲话 完\n"


def test_replacement_and_private_use_each_reported(hyg):
    res = clean(hyg, "共建\ufffd实验室\ue000与\ufffd")
    assert res.text == "共建实验室与\n"
    kinds = [f["kind"] for f in res.report["flags"]]
    assert kinds.count("replacement-char") == 2 and kinds.count("private-use-char") == 1
    assert sorted(r["text"] for r in res.report["removed"]) == ["\ue000", "\ufffd", "\ufffd"]


def test_full_width_letters_digits_folded_punctuation_kept(hyg):
    res = clean(hyg, "ＧＤＰ增长１２％，ｉＰｈｏｎｅ（试点）：")
    assert res.text == "GDP增长12％，iPhone（试点）：\n"
    assert fold_width("，；（）“”！？：") == "，；（）“”！？："


def test_kangxi_and_compatibility_ideographs_unified(hyg):
    # ⼯ (U+2F2F KANGXI RADICAL WORK), ⾦ (U+2FA6), U+F914 -> 樂 (U+6A02); U+FA0E is itself unified
    res = clean(hyg, "⼯业⾦融\uf914\ufa0e")
    assert res.text == "工业金融\u6a02\ufa0e\n"


def test_mojibake_repaired(hyg):
    broken = "政府工作报告，增长7.5%".encode().decode("latin-1")
    res = clean(hyg, broken)
    assert res.text == "政府工作报告，增长7.5%\n"
    assert res.report["changes"]["unicode_hygiene"]["mojibake"] == 1


def test_legit_latin1_symbols_kept(hyg):
    text = "7×24小时，气温25°C，±5%，艾尔肯·吐尼亚孜"
    assert clean(hyg, text).text == text + "\n"


def test_nfc(hyg):
    res = clean(hyg, "Cafe\u0301 报告")
    assert res.text == "Café 报告\n"
