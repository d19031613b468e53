"""t2s: OpenCC t2s converts traditional characters and leaves simplified text alone."""

from __future__ import annotations

import pytest

from pipeline import Pipeline
from pipeline.errors import ConfigError


@pytest.fixture(scope="module")
def ts():
    return Pipeline({"pipeline": {"stages": ["t2s"]}})


def test_traditional_converted_and_counted(ts):
    res = ts.clean_text("政府工作報告：經濟發展穩中有進")
    assert res.text == "政府工作报告：经济发展稳中有进\n"
    assert res.report["changes"]["t2s"]["t2s"] == 6
    assert res.report["accounting"]["unaccounted_chars"] == 0


@pytest.mark.parametrize("text", ["成效显著，着力推进", "乾隆年间与天干地支", "人民代表大会，GDP增长7.5%"])
def test_simplified_untouched(ts, text):
    res = ts.clean_text(text)
    assert res.text == text + "\n"
    assert "t2s" not in res.report["changes"]


def test_only_t2s_config_accepted():
    with pytest.raises(ConfigError, match=r"stages\.t2s\.config: expected one of 't2s', 't2s.json', got 'tw2s'"):
        Pipeline({"pipeline": {"stages": ["t2s"]}, "stages": {"t2s": {"config": "tw2s"}}})  # refused when it loads
