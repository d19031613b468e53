"""Every row of SEED_DEFECTS.md for seeds 000, 003 and 004, on the CLI-equivalent output.

The rows are examples of defect classes; the assertions check the classes'
outcome (what must or must not appear), not the seeds' exact strings.
"""

from __future__ import annotations

import json

import pytest

from pipeline import Pipeline
from pipeline.stages.ocr_lookalikes import font_path


@pytest.fixture(scope="module")
def cleaned(seeds_dir):
    p = Pipeline("default")
    return {f.name[:3]: p.clean_file(f) for f in sorted(seeds_dir.glob("00[0-4]_*.txt"))}


def paras(res) -> list[str]:
    return [p for p in res.text.split("\n\n") if p]


def para_with(res, needle: str) -> str:
    hits = [p for p in paras(res) if needle in p]
    assert hits, f"no paragraph contains {needle!r}"
    return hits[0]


def removed(res, reason_part: str = "") -> list[dict]:
    return [r for r in res.report["removed"] if reason_part in r["reason"]]


# -- 000 Xinchang ---------------------------------------------------------
def test_000_running_head_at_most_once_as_title(cleaned):
    r = cleaned["000"]
    assert r.text.count("政府工作报告\n") <= 1
    assert not r.text.startswith("\n")


def test_000_continuation_marker_removed(cleaned):
    r = cleaned["000"]
    assert "上接5版" not in r.text and "(上接" not in r.text and "（上接" not in r.text
    assert any("上接5版" in x["text"] for x in r.report["removed"])


def test_000_page_break_joined(cleaned):
    r = cleaned["000"]
    assert "启用甬金铁路新昌北站" in para_with(r, "启用甬金")


def test_000_latex_subscript(cleaned):
    r = cleaned["000"]
    assert "PM2.5年均浓度" in r.text and "PM_{" not in r.text


# -- 003 Kaihua -----------------------------------------------------------
def test_003_vertical_headline_never_emitted_raw(cleaned):
    r = cleaned["003"]
    assert "忠奋 面实力" not in r.text and "忠奋面实力习行造" not in r.text
    assert any("忠奋" in x["text"] for x in r.report["removed"]) or any(
        f["kind"].startswith("headline") or "headline" in f["kind"] for f in r.report["flags"]
    )


def test_003_vertical_title_one_line(cleaned):
    assert "委十五届四次全体（扩大）会议召" in paras(cleaned["003"])


def test_003_column_wrap_spaces(cleaned):
    assert "2023年是全面贯彻党的二十大精神的开局之年" in cleaned["003"].text


def test_003_pull_quote_fragments_not_body(cleaned):
    ps = paras(cleaned["003"])
    for frag in ("奋", "贯", "党的", "精神的", "局之胜"):
        assert frag not in ps


def test_003_markdown_headings(cleaned):
    r = cleaned["003"]
    assert "#" not in r.text
    assert "2023年工作的总体要求" in paras(r) and "2023年全县经济社会发展预期目标" in paras(r)


def test_003_repeated_clause_once(cleaned):
    p = para_with(cleaned["003"], "重要问候精神")
    assert p.count("努力打造“重要窗口”") == 1
    assert "奋力推进“两个先行”，努力打造“重要窗口”，坚决落实" in p


def test_003_bullets(cleaned):
    ps = paras(cleaned["003"])
    assert "加快提升产业层次" in ps
    assert any(p.startswith("聚焦数字赋能") for p in ps)
    assert "■" not in cleaned["003"].text and "●" not in cleaned["003"].text


def test_003_quotes(cleaned):
    assert "“腾笼换鸟、凤凰涅槃”" in cleaned["003"].text


def test_003_sentence_period(cleaned):
    assert "争创省级高新技术开发区。" in cleaned["003"].text


def test_003_misread_numbers_before_headings(cleaned):
    r = cleaned["003"]
    ps = paras(r)
    assert "加速推进平台建设" in ps and "加大雁阵式企业培育" in ps
    assert any(p.startswith("四、突出融入融通") for p in ps)
    assert r.report["flags"], "the stray numbers are flagged"


def test_003_noisy_copy_105(cleaned):
    p = para_with(cleaned["003"], "钱江源英才计划")
    assert "巡址" not in p and "吳才开划" not in p and "吴才开划" not in p
    assert p.count("推进青年发展型县域建设") == 1


@pytest.mark.skipif(font_path() is None, reason="the look-alike evidence needs Noto Sans CJK SC")
def test_003_noisy_copy_127(cleaned):
    """Only mildly garbled (fluency alone cannot tell it from parallel phrasing), but three of
    its differences are look-alike misreadings (域/城, 全/至, 力/为)."""
    r = cleaned["003"]
    assert "况实的现代国家级主城旅游示记长的规则" not in r.text
    assert "全域旅游示范县创建，全力打造省级5A景区城" in r.text
    assert any(x["text"] == "况实的现代国家级主城旅游示记长的规则，至为" for x in removed(r, "noisy-copy"))


def test_003_interleaved_copies(cleaned):
    assert "薪火，创成中华诗词之乡，“开化纸”入围国家级" in cleaned["003"].text


def test_003_half_width_punctuation(cleaned):
    import re

    r = cleaned["003"]
    cjk = "\u4e00-\u9fff"
    assert not re.search(f"[{cjk}][,:;()][{cjk}]", r.text)


# -- 004 Changshan --------------------------------------------------------
def test_004_continuation_markers(cleaned):
    r = cleaned["004"]
    assert "紧接第二版" not in r.text and "下转第四版" not in r.text


def test_004_bold_markers(cleaned):
    r = cleaned["004"]
    assert "**" not in r.text and "依法行政纵深推进。" in r.text


def test_004_page_break_joined(cleaned):
    assert "来常调研指示精神，坚持" in para_with(cleaned["004"], "来常调研指示")


def test_004_truncation_flagged(cleaned):
    r = cleaned["004"]
    assert paras(r)[-1].rstrip().endswith("建成3家")
    assert any(f["kind"] == "truncated" for f in r.report["flags"])


# -- all: nothing unaccounted ---------------------------------------------
def test_accounting_closes(cleaned):
    for res in cleaned.values():
        assert res.report["accounting"]["unaccounted_chars"] == 0


def test_cli_run(seeds_dir, tmp_path):
    """One run through `ocrclean run` agrees with the API on the joined page break."""
    from pipeline.cli import main

    rc = main(["run", str(seeds_dir), "--out", str(tmp_path), "--quiet"])
    assert rc in (0, None)
    out = tmp_path / "000_6f68e4acd536ce7d.txt"
    assert "启用甬金铁路新昌北站" in out.read_text(encoding="utf-8")
    rep = json.loads((tmp_path / "004_fc148d41875f3703.report.json").read_text(encoding="utf-8"))
    assert any(f["kind"] == "truncated" for f in rep["flags"])
