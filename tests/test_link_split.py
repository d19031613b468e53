"""Link-split lines (issue 15): real web extractions whose inline links became lines of
their own are joined, their names never taken for running heads, no reference character
lost; real clean text (national corpus, seeds, wrapped report text) is left alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.bench_web_extractions import HELD_OUT, measure, pairs
from tests.conftest import SHARED

WEB = Path(__file__).resolve().parent / "data" / "real" / "web"
PAIRS = pairs()
CFG = {"link_max_chars": 40, "link_min_fluency": -7.0}


@pytest.fixture(scope="module")
def pipe():
    from pipeline import Pipeline

    return Pipeline("default")


def test_the_set_is_there_with_a_held_out_part():
    names = {name for name, _, _ in PAIRS}
    assert len(names) >= 7 and set(HELD_OUT) <= names
    assert (WEB / "SOURCES.md").is_file()
    for name in names:
        assert name in (WEB / "SOURCES.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name,raw,ref", PAIRS, ids=[p[0] for p in PAIRS])
def test_real_extraction_cleans_to_its_reference(pipe, name, raw, ref):
    res = pipe.clean_text(raw.read_text(encoding="utf-8"))
    want = ref.read_text(encoding="utf-8")
    cer, lost = measure(res.text, want)
    assert lost == 0, f"{name}: {lost} reference characters lost"
    assert res.text == want, f"{name}: CER {cer:.2%}"
    assert res.report["accounting"]["unaccounted_chars"] == 0
    # every removal names a rule, and none is a running head or a dedupe of a link name
    assert not {r["reason"] for r in res.report["removed"]} & {"running-head", "duplicate-paragraph"}
    again = pipe.clean_text(res.text)
    assert again.text == res.text  # idempotent on real text


def test_the_issue_case_is_one_sentence_and_no_running_head(pipe):
    raw = (WEB / "ls_2006_plan.raw.txt").read_text(encoding="utf-8")
    res = pipe.clean_text(raw)
    assert (
        "根据《建议》精神，国务院制定了《国民经济和社会发展第十一个五年规划纲要（草案）》，已提请大会审议。"
        in res.text
    )
    assert res.report["changes"]["boilerplate"]["link-split-join"] == 11  # the 11 link names


def test_link_triples_on_real_lines():
    from pipeline.stages.link_split import link_triple

    def ok(a: str, b: str, c: str) -> bool:
        return link_triple(a, b, c, CFG["link_max_chars"], CFG["link_min_fluency"])

    assert ok("根据《", "建议", "》精神，国务院制定了《")
    assert ok("《", "纲要（草案）", "》力求反映社会主义市场经济发展")  # a line that is only `《`
    assert ok("》、《", "关于预防煤矿生产安全事故的特别规定", "》等22部行政法规。")
    assert ok("本作品是中华人民共和国的", "法律", "、")  # no bracket: a short bare word
    assert ok("听取和审议了国务院总理李强所作的", "政府工作报告", "。会议充分肯定国务院过去一年的工作")
    assert ok("企业找技术、成果找市场“双向", "揭榜", "挂帅”的简称，其中")  # inside a quote (Sichuan)
    # not link splits: a sentence end before, a closer that closes nothing, a long bare line
    assert not ok("我们的目标一定能够达到！", "法律", "、")
    assert not ok("规范了信访秩序", "信访条例", "》，畅通了信访渠道")
    assert not ok("是必须实现的目标", "主要通过依法加强管理和提供服务来实现", "，约束性指标")


def test_hard_wrapped_report_text_is_left_to_the_paragraphs_stage(pipe):
    """Real report paragraphs (national corpus 1986/1993) wrapped every 16 characters:
    lines that open with a comma are wraps, not links; no link join is made there."""
    from tests.test_idempotence import _WRAPPED_A, _WRAPPED_B

    text = "\n".join(p[i : i + 16] for p in (_WRAPPED_A, _WRAPPED_B) for i in range(0, len(p), 16))
    res = pipe.clean_text(text)
    assert "link-split-join" not in res.report["changes"].get("boilerplate", {})
    assert "".join(res.text.split()) == _WRAPPED_A + _WRAPPED_B and not res.report["removed"]


def _lines_of(paths: list[Path]):
    from pipeline.document import Document

    for p in paths:
        yield p.name, Document.from_text(p.read_text(encoding="utf-8"))


def test_no_link_join_on_clean_national_corpus_and_seeds():
    from pipeline.stages.link_split import join_link_splits

    paths = sorted((SHARED / "corpus" / "national-clean").glob("*.txt")) + sorted(
        (SHARED / "seeds").glob("*.txt")
    )
    if not paths:
        pytest.skip("../shared is not beside the project")
    for name, doc in _lines_of(paths):
        out = join_link_splits(doc, list(doc.lines), CFG, "boilerplate")
        assert len(out) == len(doc.lines), name
        assert "boilerplate" not in doc.changes, name


def test_sichuan_page_link_splits_joined_and_nothing_else_changed(pipe):
    """The Sichuan page of the provincial corpus has the same damage three times:
    `成果找市场“双向` / `揭榜` / `挂帅”的简称…带技术` / `揭榜` / `；…带场景` / `揭榜` / `。`"""
    import csv

    path = SHARED / "corpus" / "provincial-2026-raw" / "2026_四川省_政府工作报告.csv"
    if not path.exists():
        pytest.skip("../shared is not beside the project")
    csv.field_size_limit(1 << 30)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        text = next(csv.DictReader(fh))["full_text"]
    res = pipe.clean_text(text)
    assert "成果找市场“双向揭榜挂帅”的简称，其中" in res.text
    assert "由技术供给方带团队、带技术揭榜；“成果找市场”" in res.text
    assert "由成果需求方带资金、带场景揭榜。" in res.text
    assert "\n揭榜\n" not in res.text
    assert res.report["changes"]["boilerplate"]["link-split-join"] == 3


def test_running_heads_never_take_a_link_name_or_a_number():
    from pipeline.stages.boilerplate import in_pair_context, running_heads

    raw = (WEB / "ls_2006_plan.raw.txt").read_text(encoding="utf-8")
    texts = [t.strip() for t in raw.split("\n") if t.strip()]
    assert texts.count("纲要（草案）") == 6 and running_heads(texts, 3, 20) == []
    k = texts.index("建议")
    assert in_pair_context(texts, k)
    # a table cell repeated down a column is no running head, nor are copies with only
    # short lines (other cells) between them
    assert running_heads(["营业收入", "23", "净利润", "23", "毛利率", "23"], 3, 20) == []
    assert running_heads(["项目", "合计", "数量", "合计", "金额", "合计"], 3, 20) == []
    # a real running head still goes: a short line a page of text apart, no context
    body = "全年研发经费投入强度达到3.2%，新引进亿元以上项目24个。"
    assert running_heads(["标题", body, "开化新闻", body, "开化新闻", body, "开化新闻"], 3, 20) == [2, 4, 6]


def test_docs_examples_run():
    """The Python examples of docs/web-extractions.md run as written."""
    import re

    doc = (Path(__file__).resolve().parents[1] / "docs" / "web-extractions.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", doc, re.S)
    assert len(blocks) >= 4
    for i, block in enumerate(blocks):
        exec(compile(block, f"docs/web-extractions.md block {i}", "exec"), {})


def test_paragraphs_join_a_split_a_later_join_made(pipe):
    """A pair cut at a link (`…根据《建议` / `》精神`) is one sentence; the paragraphs stage
    joins it (the boilerplate stage joins triples; a pair can appear once wraps are joined)."""
    from pipeline.stages.paragraphs import link_split_pair

    assert link_split_pair("党的十六届五中全会以后，国务院根据中央《", "建议")
    assert link_split_pair("国务院根据中央《建议", "》精神，深入研究和编制“十一五”规划")
    assert not link_split_pair("实施新的《信访条例》", "》畅通了信访渠道")
    res = pipe.clean_text(
        "党的十六届五中全会以后，国务院根据中央《建议\n\n》精神，深入研究和编制“十一五”规划。"
    )
    assert res.text == "党的十六届五中全会以后，国务院根据中央《建议》精神，深入研究和编制“十一五”规划。\n"


_PIECES = [
    "根据《",
    "建议",
    "》精神，",
    "《",
    "纲要（草案）",
    "》",
    "“双向",
    "揭榜",
    "挂帅”",
    "、",
    "，",
    "。",
    "政府工作报告",
    "本作品是中华人民共和国的",
    "法律",
    "Public domain",
    "false",
    "23",
    "\n",
    "\n\n",
    " ",
]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=40).map("".join))
def test_link_split_text_cleans_idempotently(pipe, text):
    from tests.test_idempotence import _check

    _check(pipe, text)


def test_yunnan_heading_cut_after_its_bracket_is_joined(pipe):
    """The Yunnan page has `（` on a line of its own before `三）改革开放持续深化、互促共进。`."""
    import csv

    path = SHARED / "corpus" / "provincial-2026-raw" / "2026_云南省_政府工作报告.csv"
    if not path.exists():
        pytest.skip("../shared is not beside the project")
    csv.field_size_limit(1 << 30)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        text = next(csv.DictReader(fh))["full_text"]
    assert "\n（\n" in text
    res = pipe.clean_text(text)
    assert "\n\n（三）改革开放持续深化、互促共进。\n\n" in res.text
