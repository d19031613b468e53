"""Site chrome and licence footers as data (issue 15): every rule of the `site_chrome`
table in configs/default.toml takes what it is for on real pages (the Wikisource set, the
provincial pages) and nothing of the report text; real clean text is never touched."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from tests.conftest import SHARED

WEB = Path(__file__).resolve().parent / "data" / "real" / "web"
PROVINCIAL = SHARED / "corpus" / "provincial-2026-raw"


@pytest.fixture(scope="module")
def pipe():
    from pipeline import Pipeline

    return Pipeline("default")


@pytest.fixture(scope="module")
def table(pipe):
    return pipe.config.stage_settings["boilerplate"]["site_chrome"]


def _page(path: Path) -> str:
    csv.field_size_limit(1 << 30)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return next(csv.DictReader(fh)).get("full_text") or ""


@pytest.fixture(scope="module")
def provincial(pipe):
    pages = sorted(PROVINCIAL.glob("*_政府工作报告.csv"))
    if not pages:
        pytest.skip("../shared is not beside the project")
    return {p.name: (_page(p), pipe.clean_text(_page(p))) for p in pages}


def test_rules_are_data_in_the_config(table):
    from pipeline.registry import get_stage

    assert get_stage("boilerplate").defaults["site_chrome"] == []  # no rule in code
    names = {r["rule"] for r in table}
    assert names == {
        "wikisource-licence",
        "wikisource-template",
        "share-widget",
        "print-widget",
        "font-size-widget",
        "editor-line",
        "source-line",
    }


def test_a_bad_rule_is_named():
    from pipeline.stages.site_chrome import rules_key

    with pytest.raises(ValueError, match="oops"):
        rules_key([{"rule": "oops", "start": "(", "zone": "any"}])
    with pytest.raises(ValueError, match="zone"):
        rules_key([{"rule": "x", "start": "a", "zone": "middle"}])


@pytest.mark.parametrize("name", ["ls_2006_footer", "ls_resolution_2025"])
def test_wikisource_licence_and_template_removed_and_recorded(pipe, name):
    raw = (WEB / f"{name}.raw.txt").read_text(encoding="utf-8")
    res = pipe.clean_text(raw)
    got = {(r["reason"], r["text"]) for r in res.report["removed"]}
    assert ("wikisource-template", "Public domain") in got and ("wikisource-template", "false") in got
    licence = "".join(t for reason, t in sorted(got) if reason == "wikisource-licence")
    assert "属于公有领域" in licence or "所以属于公有领域" in licence
    assert "公有领域" not in res.text and "Public domain" not in res.text and "false" not in res.text
    assert res.text == (WEB / f"{name}.ref.txt").read_text(encoding="utf-8")


def test_the_licence_rule_needs_its_end_line():
    """A block rule without its end line takes nothing: a report that quotes the first
    words of the licence is text."""
    from pipeline.stages.site_chrome import find

    table = [
        {
            "rule": "wikisource-licence",
            "start": "^本作品(?:是|来自)",
            "end": "(?:^|公有领域)。$",
            "max_lines": 16,
            "zone": "tail",
        }
    ]
    texts = ["本作品是中华人民共和国的", "法律", "、", "法规"]
    assert find(texts, table, 40) == []


@pytest.mark.parametrize("rule", ["share-widget", "print-widget", "font-size-widget"])
def test_widget_rules_take_real_widgets_only(provincial, rule):
    taken = [
        r["text"] for _, res in provincial.values() for r in res.report["removed"] if r["reason"] == rule
    ]
    assert taken, f"{rule} took nothing on the provincial pages"
    widget = re.compile(
        r"^[【】\s]*(?:分享到?|打印|打印本页|关闭窗口|字[体号]|大|中|小|加大|还原|减小|微信)?[:：\s|】【]*(?:微信|微博|QQ空间)?[】]*$"
    )
    for t in taken:
        assert len(t) <= 16 and widget.match(t.strip()), t


def test_late_rules_take_real_editor_and_source_lines():
    """The Qinghai page's `编辑：何继红` and `（来源：青海日报）` go into the metadata at the
    page edge; with the metadata rule off, the late table rules take the same real lines."""
    from pipeline import Pipeline

    path = PROVINCIAL / "2026_青海省_政府工作报告.csv"
    if not path.exists():
        pytest.skip("../shared is not beside the project")
    pipe = Pipeline({"extends": "default", "stages": {"boilerplate": {"metadata": False}}})
    res = pipe.clean_text(_page(path))
    got = {(r["reason"], r["text"]) for r in res.report["removed"]}
    assert ("editor-line", "编辑：何继红") in got
    assert ("source-line", "（来源：青海日报）") in got or ("source-line", "来源：青海日报") in got


def test_table_loses_no_provincial_body_text(provincial):
    """The table only renames what the built-in chrome rules took before: with the table
    off, every page cleans to the same text, and the same characters are removed."""
    from pipeline import Pipeline

    off = Pipeline({"extends": "default", "stages": {"boilerplate": {"site_chrome": []}}})
    for name, (raw, res) in provincial.items():
        base = off.clean_text(raw)
        assert res.text == base.text, name
        n = sum(len("".join(r["text"].split())) for r in res.report["removed"])
        assert n == sum(len("".join(r["text"].split())) for r in base.report["removed"]), name


def test_no_rule_fires_on_clean_national_corpus_or_seeds(table):
    from pipeline.stages.site_chrome import find

    paths = sorted((SHARED / "corpus" / "national-clean").glob("*.txt")) + sorted(
        (SHARED / "seeds").glob("*.txt")
    )
    if not paths:
        pytest.skip("../shared is not beside the project")
    for p in paths:
        texts = [t.strip() for t in p.read_text(encoding="utf-8").split("\n") if t.strip()]
        assert find(texts, table, 40, "early") == [] and find(texts, table, 40, "late") == [], p.name
