"""punctuation: full-width in Chinese context, ASCII kept for numbers, codes, URLs and Latin."""

from __future__ import annotations

import pytest

from pipeline import Pipeline


@pytest.fixture(scope="module")
def pn():
    return Pipeline({"pipeline": {"stages": ["punctuation"]}})


def run(p, text):
    res = p.clean_text(text)
    assert res.report["accounting"]["unaccounted_chars"] == 0
    assert p.clean_text(res.text).text == res.text  # idempotent
    return res


@pytest.mark.parametrize(
    ("src", "out"),
    [
        ('持续强化"腾笼换鸟、凤凰涅槃"攻坚,加快推进', "持续强化“腾笼换鸟、凤凰涅槃”攻坚，加快推进"),
        ("争创省级高新技术开发区.", "争创省级高新技术开发区。"),
        ("增长 7.5% ,  好.", "增长7.5%，好。"),
        ("发布时间:2023-03-14 11:35:15", "发布时间：2023-03-14 11:35:15"),
        ("(一)聚焦发展", "（一）聚焦发展"),
        ("次全体(扩大)会议召", "次全体（扩大）会议召"),
        ("(1)加快建设", "（1）加快建设"),
        ("他说...好的。。。--真的", "他说……好的……——真的"),
        ('"基金+基地+招商" 产业培育', "“基金+基地+招商”产业培育"),
        ('之乡, "开化纸"入围', "之乡，“开化纸”入围"),
        ('要以"开局即决战""起步即冲刺"的决心', "要以“开局即决战”“起步即冲刺”的决心"),
        ("好吗?!对;是", "好吗？！对；是"),
        ("增长12%.", "增长12%。"),
        ("GDP 增长 7.5%", "GDP增长7.5%"),
        ("5G 基站 和 GDP", "5G基站和GDP"),
        ("“八八战略” ，实施 （扩大）", "“八八战略”，实施（扩大）"),
        ("――2026年1月27日在会议上", "——2026年1月27日在会议上"),
        ("倡议'一带一路'合作", "倡议‘一带一路’合作"),
    ],
)
def test_chinese_context_full_width(pn, src, out):
    assert run(pn, src).text == out + "\n"


@pytest.mark.parametrize(
    "text",
    [
        "1,000 3.14 7.5% 2020-2035 11:35:15 PM2.5 688556.SH",
        "2021—2025年规划",
        "1. 总体要求",
        "Made in China 2025",
        '"Made in China"',
        "f(x) = 3",
        "China's growth, e.g. 5.2%",
        "见http://www.gov.cn/a,b.html?x=1;y=2和foo.bar@gov.cn",
        "各位代表：现在，我代表市人民政府（草案）向大会报告“工作”；请予审议！",
        "增长7.5%……——好？《报告》、‘引’",
    ],
)
def test_protected_text_untouched(pn, text):
    res = run(pn, text)
    assert res.text == text + "\n"
    assert "punctuation" not in res.report["changes"]


def test_unpaired_quote_kept_and_flagged(pn):
    res = run(pn, '坚决落实疫情要防住、经济要稳住、发展要安全"重要要求,紧紧围绕')
    assert res.text == '坚决落实疫情要防住、经济要稳住、发展要安全"重要要求，紧紧围绕\n'
    assert [f["kind"] for f in res.report["flags"]].count("unbalanced-quote") == 1


def test_unbalanced_full_width_quote_flagged(pn):
    res = run(pn, "坚决落实疫情要防住、经济要稳住、发展要安全”重要要求")
    assert "unbalanced-quote" in [f["kind"] for f in res.report["flags"]]


def test_counts_recorded(pn):
    res = run(pn, '他说:"好,对;行!"(一)...')
    ch = res.report["changes"]["punctuation"]
    assert ch["colon"] == 1 and ch["comma"] == 1 and ch["semicolon"] == 1 and ch["exclamation"] == 1
    assert ch["quote-double"] == 2 and ch["paren"] == 2 and ch["ellipsis"] == 1


def test_kaihua_seed_lines(pn, seeds_dir):
    lines = (seeds_dir / "003_510c41525519e6bf.txt").read_text(encoding="utf-8").split("\n")
    out45 = run(pn, lines[44]).text
    assert "“腾笼换鸟、凤凰涅槃”" in out45
    out49 = run(pn, lines[48].rstrip()).text
    assert out49.rstrip().endswith("。")


@pytest.mark.parametrize(
    ("text", "want"),
    [(",,,,,现", "，，，，，现"), ("(),(),()政府", "（），（），（）政府"), ("政府((((", "政府（（（（")],
)
def test_runs_of_marks_convert_in_one_run(pn, text, want):
    """A converted mark is context for its neighbours: a run converts from whichever end
    touches Chinese (once, not one mark per pass, which left `,，，，，现` for a second run)."""
    assert run(pn, text).text == want + "\n"


def test_converted_positions():
    from pipeline.stages.punctuation import converted_positions

    assert converted_positions("1. --告") == [3, 4]
    assert converted_positions("(93 .)4") == []  # no Chinese inside or beside
    assert converted_positions("(优良93 .)4") == [0, 7]
    assert converted_positions("1,000") == []


# -- spaces inside numbers (issue 15): an extractor's or OCR's space in `14. 70`, `22. 0%`,
# `3 000`; list numbers and numbers in Latin text keep theirs
@pytest.mark.parametrize(
    "src,out",
    [
        ("减少14. 70万条，增长22. 0%，达到3 000亿元。", "减少14.70万条，增长22.0%，达到3000亿元。"),
        ("共有12 345 678人。", "共有12345678人。"),
        ("占比达到22. 0%。", "占比达到22.0%。"),
    ],
)
def test_number_spaces_removed(pn, src, out):
    res = run(pn, src)
    assert res.text == out + "\n"
    assert res.report["changes"]["punctuation"]["number-space"] >= 1


@pytest.mark.parametrize(
    "text",
    [
        "1. 加快发展现代产业体系",  # list numbering
        "1. 2024年工作回顾",  # a list number before a year
        "任务完成。1. 70%的企业已经上线。",  # a list number after a sentence end
        "in 2019 2020 and 2021 growth was 5 %",  # Latin text
        "2019 2020 2021",  # a row of years
    ],
)
def test_number_spaces_kept_where_they_mean_something(text):
    from pipeline.stages.punctuation import join_number_spaces

    assert join_number_spaces(text) == (text, 0)


def test_number_spaces_leave_real_clean_text_alone(national_dir, seeds_dir):
    from pipeline.stages.punctuation import join_number_spaces

    for p in sorted(national_dir.glob("*.txt")) + sorted(seeds_dir.glob("*.txt")):
        for line in p.read_text(encoding="utf-8").split("\n"):
            assert join_number_spaces(line)[1] == 0, (p.name, line[:60])
