"""The Stage protocol: `apply(doc, ctx)`, the bound change log, services, re-applied rules."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np

from pipeline import Pipeline, clean_text
from pipeline.context import ChangeLog, Context, Ran, Rules
from pipeline.document import Document, Line
from pipeline.registry import get_stage, stage
from pipeline.services import services

ROOT = Path(__file__).resolve().parents[1]
STAGES = ROOT / "pipeline" / "stages"


def _doc_blocks() -> list[str]:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text[text.index("## Writing a stage") :]
    section = section[: section.index("\n## ", 5)]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def test_the_documented_third_party_stage_runs_as_documented():
    """docs/architecture.md, "Writing a stage": both blocks, as they stand, pass."""
    stage_code, use_code = _doc_blocks()
    exec(compile(stage_code, "architecture.md:stage", "exec"), {"__name__": "footnote_example"})
    exec(compile(use_code, "architecture.md:use", "exec"), {})


def test_log_is_bound_to_the_stage():
    doc = Document.from_text("甲乙")
    log = ChangeLog(doc, "mine")
    log.removal("why", "甲", (1, 1))
    log.substitution("rule", "乙乙", "乙")
    log.flag("look", "a message", "excerpt", (1, 1))
    assert [(r.stage, r.reason) for r in doc.removed] == [("mine", "why")]
    assert doc.changes["mine"]["rule"] == 1 and doc.delta["mine"] == 1
    assert doc.flags[0].stage == "mine"


def test_context_is_a_mapping_of_the_settings_so_old_stages_work():
    seen: dict = {}

    @stage("ctx_test_old_style", defaults={"word": "甲"})
    def _old(doc: Document, cfg: dict) -> Document:
        seen.update(dict(cfg), got=cfg["word"], default=cfg.get("nope", 1))
        doc.record_removal("ctx_test_old_style", "old", cfg["word"], (1, 1))
        doc.lines = [ln.with_text(ln.text.replace(cfg["word"], "")) for ln in doc.lines]
        return doc

    p = Pipeline({"name": "old", "pipeline": {"stages": ["ctx_test_old_style"]}})
    r = p.clean_text("甲乙丙\n")
    assert r.text == "乙丙\n" and seen == {"word": "甲", "got": "甲", "default": 1}
    assert r.report["accounting"]["unaccounted_chars"] == 0


def test_a_stage_called_with_a_plain_dict_gets_a_context_of_its_own():
    spec = get_stage("markup")
    doc = spec.fn(Document.from_text("**加粗**文字"), {})
    assert doc.lines[0].text == "加粗文字"
    assert {r.stage for r in doc.removed} == {"markup"}


def test_reapply_runs_earlier_rules_and_books_under_the_caller():
    doc = Document.from_text("x")
    ran = [Ran("markup", {}, get_stage("markup").rules), Ran("column_spaces", {"enabled": True},
                                                           get_stage("column_spaces").rules)]
    ctx = Context(doc, "paragraphs", {}, ran=ran)
    assert ctx.ran("markup") and not ctx.ran("boilerplate")
    out = ctx.reapply("经济&am" + "p;社会 发展 **成效**", (3, 4))
    assert out == "经济&社会发展成效"
    assert {r.stage for r in doc.removed} == {"paragraphs"}
    assert {r.reason for r in doc.removed} == {"markdown-bold"}
    assert set(doc.changes["paragraphs"]) >= {"html-entity", "column-space", "removed:markdown-bold"}
    # a disabled stage's rule does nothing
    off = Context(doc, "paragraphs", {}, ran=[Ran("column_spaces", {"enabled": False},
                                                  get_stage("column_spaces").rules)])
    assert off.reapply("经济 发展", (1, 1)) == "经济 发展"


def test_rules_see_only_the_stages_before_their_own():
    calls: list[tuple[str, str]] = []

    def line(ctx: Context, text: str, src) -> str:
        calls.append((ctx.stage, ctx.reapply("&amp;", src)))
        return text

    doc = Document.from_text("x")
    ran = [Ran("markup", {}, get_stage("markup").rules), Ran("mine", {}, Rules(line=line))]
    Context(doc, "later", {}, ran=ran).reapply("文字", (1, 1))
    assert calls and calls[0] == ("mine", "&")  # its own rules saw markup's, before it


def test_boilerplate_rules_again_on_joined_paragraphs_booked_under_paragraphs():
    # a continuation marker cut by a line break is whole only once the lines are joined
    text = "过去一年，全县坚持稳中求进工作总基调，经济运行稳中有进（上\n接5版）推动高质量发展取得新成效。\n"
    r = clean_text(text)
    assert "接5版" not in r.text
    assert any(x["stage"] == "paragraphs" and x["reason"] == "continuation-marker" for x in r.report["removed"])
    assert r.report["accounting"]["unaccounted_chars"] == 0


def test_no_config_channel_in_doc_stats():
    r = clean_text("# 标题\n\n(上接5版)正文内容，推动发展。\n")
    assert not any(isinstance(v, dict) and "cfg" in v for v in r.document.stats.values())
    assert "boilerplate" not in r.document.stats and "markup" not in r.document.stats


def test_services_are_built_once_and_shared():
    sv = services()
    assert sv is services()
    assert sv.lexicon.freq.get("发展", 0) > 0 and sv.lexicon.cut("高质量发展") == ["高质量", "发展"]
    key = np.array([(ord("发") << 21) | ord("展")], dtype=np.uint64)
    assert sv.fluency.bigram_cond(key)[0] > 0
    assert Context(Document.from_text(""), "s", {}).services is sv


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            mod = node.module or ""
            out |= {mod} | {f"{mod}.{a.name}" if mod else a.name for a in node.names}
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
    return out


def test_boilerplate_and_markup_do_not_import_each_other():
    assert not any("markup" in m for m in _imports(STAGES / "boilerplate.py"))
    assert not any("boilerplate" in m for m in _imports(STAGES / "markup.py"))


def test_no_stage_reaches_into_another_stages_private_names():
    pat = re.compile(r"\b_bigram_cond|\b_word_freq\b|markup import _TRIGGER|\[\"cfg\"\]|booking|Booked|Seams")
    skip = {"dedupe.py"}  # helper `split` owns dedupe (its `_bigram_cond` goes with its split)
    for path in STAGES.rglob("*.py"):
        if path.name not in skip:
            assert not pat.search(path.read_text(encoding="utf-8")), path


def test_modules_stay_small():
    for path in [STAGES / "boilerplate.py", *sorted((STAGES / "paragraphs").glob("*.py"))]:
        assert len(path.read_text(encoding="utf-8").splitlines()) < 400, path


def test_a_rule_context_keeps_the_callers_log():
    doc = Document.from_text("x")
    ran = [Ran("markup", {}, get_stage("markup").rules)]
    ctx = Context(doc, "caller", {}, ran=ran)
    assert ctx._for(ran[0]).log is ctx.log and ctx._for(ran[0]).stage == "markup"
    line = Line("**x**", (1, 1))
    assert ctx.reapply(line.text, line.src) == "x" and doc.removed[0].stage == "caller"


def test_run_stages_gives_each_stage_its_context():
    """Stage by stage, the same text as `process`: the paragraphs stage applies the earlier
    stages' rules to what it joins (here a continuation marker cut by a line break)."""
    text = "过去一年，全县坚持稳中求进工作总基调，经济运行稳中有进（上\n接5版）推动高质量发展取得新成效。\n"
    p = Pipeline("default")
    steps = list(p.run_stages(Document.from_text(text)))
    assert [spec.name for spec, _ in steps] == p.config.stages
    from pipeline.core import finalize_text

    assert finalize_text(steps[-1][1]) == p.clean_text(text).text
