"""Idempotence (OUTPUT_SPEC 8): cleaning a clean output changes nothing; accounting always balances."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import SHARED

SEEDS = sorted((SHARED / "seeds").glob("*.txt"))

_PIECES = [
    "政府",
    "工作",
    "报告",
    "经济",
    "增长",
    "发展",
    "各位代表",
    "一、",
    "（一）",
    "1. ",
    "第",
    "年",
    "万元",
    ",",
    ".",
    ":",
    ";",
    "!",
    "?",
    "(",
    ")",
    '"',
    "'",
    "...",
    "--",
    "。。。",
    "，",
    "。",
    "“",
    "”",
    "（",
    "）",
    "、",
    "——",
    "……",
    "7.5%",
    "1,000",
    "2020-2035",
    "11:35:15",
    "PM2.5",
    "688556.SH",
    "GDP",
    "5G",
    "Made in China",
    "http://www.gov.cn/a.html",
    "a@b.cn",
    "**",
    "# ",
    "## 2 ",
    "- ",
    "● ",
    "■",
    "<b>",
    "</b>",
    "&amp;",
    "PM_{2.5}",
    "M_2",
    "(上接5版)",
    "- 12 -",
    "来源：",
    "下载",
    " ",
    "  ",
    "\u3000",
    "\u00a0",
    "\t",
    "\n",
    "\n\n",
    "ＧＤＰ１２",
    "⼯",
    "顯著",
    "發展",
    "\u200b",
    "\ufffd",
]
_text = st.lists(st.sampled_from(_PIECES), min_size=1, max_size=60).map("".join)


@pytest.fixture(scope="module")
def pipe():
    from pipeline import Pipeline

    return Pipeline("default")


def _check(pipe, text: str) -> None:
    first = pipe.clean_text(text)
    assert first.report["accounting"]["unaccounted_chars"] == 0, first.report["accounting"]
    second = pipe.clean_text(first.text)
    assert second.text == first.text
    assert second.report["accounting"]["unaccounted_chars"] == 0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_text)
def test_cleaning_twice_changes_nothing(pipe, text):
    _check(pipe, text)


@pytest.mark.parametrize(
    "text",
    [
        "(上接5版)## 2 ",  # marker before heading markup (found by hypothesis)
        "政府,. 1. ",  # column spaces next to half-width punctuation (found by hypothesis)
        "**# 政府",  # inline markup hiding a heading (found by hypothesis)
        "1. ,政府",  # a space before a comma made full-width (found by hypothesis)
        "1. (政府",  # and before a bracket (found by hypothesis)
        "M_2...政府",  # a subscript before an ellipsis (found by hypothesis)
    ],
)
def test_found_examples_stay_idempotent(pipe, text):
    _check(pipe, text)


@pytest.mark.parametrize("path", SEEDS or [None], ids=lambda p: p.name if p else "none")
def test_seeds_idempotent_and_accounted(pipe, path):
    if path is None or not path.exists():
        pytest.skip("../shared seeds are not beside the project")
    _check(pipe, path.read_text(encoding="utf-8"))
