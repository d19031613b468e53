"""interleaved_copies: a span read twice, the second copy starting at an inline space.

Every rule has a case of the damage it repairs and a case of clean text (real
corpus paragraphs, real seed lines) it must leave alone.
"""

from __future__ import annotations

import csv
import time
from functools import cache, lru_cache
from pathlib import Path

import pytest

from pipeline import Pipeline
from pipeline.document import Document, nonws_len
from pipeline.registry import get_stage
from pipeline.stages.interleaved_copies import NAME, judge, repair_line
from tests.conftest import SHARED
from tests.damage import damage, edits, load_paragraphs

SPEC = get_stage(NAME)
CFG = dict(SPEC.defaults)
_FOLD = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF5B)}  # full-width digits/letters, as unicode_hygiene
# the stages before this one in the default pipeline: the lines as it gets them
_BEFORE = ["unicode_hygiene", "markup", "boilerplate", "vertical_headline", "fragments"]

KAIHUA_191 = (
    '●深入挖掘弘扬好文化根脉,传承红色基因 序火,创成中华诗词之乡, "开化纸"入围国 '
    "薪火, 创成中华诗词之乡, 家级非物质文化遗产目录项目。"
)


def run(text: str) -> Document:
    return SPEC.fn(Document.from_text(text), dict(CFG))


def unchanged(text: str) -> bool:
    doc = run(text)
    return doc.text == text and not doc.removed


@cache
def corpus_paragraph(year: str, marker: str) -> str:
    """The national-corpus paragraph of `year` holding `marker`, as the stage sees it."""
    f = next((SHARED / "corpus" / "national-clean").glob(f"{year}*.txt"), None)
    if f is None:
        pytest.skip("../shared corpus is not beside the project")
    line = next(ln for ln in f.read_text(encoding="utf-8").splitlines() if marker in ln)
    return line.strip().translate(_FOLD)


def seed_line(seeds_dir: Path, n: int) -> str:
    """Line `n` (1-based) of the Kaihua seed 003."""
    return next(seeds_dir.glob("003_*.txt")).read_text(encoding="utf-8").split("\n")[n - 1]


def interleave(p: str, a: int, n: int, k: int, second: str | None = None) -> str:
    """`p` with its span p[a:a+n] read twice: the span, a space, then its first k characters
    again (or `second`), then the rest, as `tests.damage.interleaved` builds it."""
    span = p[a : a + n]
    return p[:a] + span + " " + (span[:k] if second is None else second) + p[a + n :]


# -- the damage it repairs ------------------------------------------------
def test_kaihua_191():
    """The real seed case: the noisy first copy goes, the second takes its place."""
    doc = run(KAIHUA_191)
    assert doc.text == (
        '●深入挖掘弘扬好文化根脉,传承红色基因 薪火, 创成中华诗词之乡, "开化纸"入围国 家级非物质文化遗产目录项目。'
    )
    assert [(r.text, r.reason, r.stage) for r in doc.removed] == [
        ("序火,创成中华诗词之乡,", "interleaved-copy", NAME)
    ]


def test_kaihua_191_through_the_pipeline():
    res = Pipeline("default").clean_text(KAIHUA_191)
    assert "薪火，创成中华诗词之乡，“开化纸”入围国家级非物质文化遗产目录项目。" in res.text
    mine = [(r["text"], r["reason"]) for r in res.report["removed"] if r["stage"] == NAME]
    assert mine == [("序火,创成中华诗词之乡,", "interleaved-copy")]
    assert not [r for r in res.report["removed"] if r["stage"] == "dedupe"]


@pytest.mark.parametrize(("a", "n", "k"), [(20, 16, 8), (30, 18, 9), (44, 14, 7)])
def test_identical_copies_at_a_lone_space(a, n, k):
    """A clean re-read (no OCR noise) is told from parallel phrasing by the space where it
    starts and the words it cuts: the paragraph comes back exactly."""
    p = corpus_paragraph("2004", "第三，继续推进农村税费改革")
    new, gone = repair_line(interleave(p, a, n, k), CFG)
    assert new == p and gone == [p[a : a + k]]


def test_noisy_first_copy_replaced_by_the_clean_second():
    p = corpus_paragraph("2004", "第三，继续推进农村税费改革")
    span = p[30:48]
    noisy = span[:3] + "胀" + span[4:10] + "缁" + span[11:]  # two misread characters
    new, gone = repair_line(p[:30] + noisy + " " + span[:9] + p[48:], CFG)
    assert gone == [noisy[:9]]
    assert new == p[:30] + span[:9] + noisy[9:] + p[48:]  # the noise after the copy stays


def test_garbled_second_copy_goes_first_stays():
    p = corpus_paragraph("2004", "第三，继续推进农村税费改革")
    span = p[30:48]
    garbled = span[:3] + "胀" + span[4:7] + "缁" + span[8:9]
    new, gone = repair_line(interleave(p, 30, 18, 9, second=garbled), CFG)
    assert new == p and gone == [garbled]


@pytest.mark.parametrize("seed", [7, 11])
def test_generated_interleaved_class(national_dir, seed):
    """The benchmark's class (tests.damage.interleaved): most of the damage goes, and no
    paragraph gets worse."""
    paras = load_paragraphs(national_dir, 120, seed)
    damaged, clean = damage(paras, "interleaved", 0.5, seed)
    out = run(damaged).text
    before, after = edits(damaged, clean)[0], edits(out, clean)[0]
    assert after < 0.45 * before, (before, after)
    for d, o, c in zip(damaged.split("\n\n"), out.split("\n\n"), clean.split("\n\n"), strict=True):
        assert edits(o, c)[0] <= edits(d, c)[0], (d, o)


# -- what each rule leaves alone ------------------------------------------
def test_parallel_phrasing_with_stray_spaces_stays():
    """Real repeats in the corpus (`给了我们这种有利条件` three times), a stray space put
    at each repeat: a repeated clause is not a re-read."""
    p = corpus_paragraph("1958", "给了我们这种有利条件")
    for i in range(len(p)):
        if p.startswith("给了我们这种有利条件", i) or p.startswith("也给了", i):
            assert unchanged(p[:i] + " " + p[i:]), p[max(0, i - 20) : i + 20]


def test_figures_differ_stays():
    """Parallel figures: the copies differ in a number (`增长百分之九` / `增长百分之十三`)."""
    p = corpus_paragraph("1994", "今年计划国内生产总值增长百分之九")
    i = p.index("增长百分之十三")
    assert unchanged(p[:i] + " " + p[i:])
    p = corpus_paragraph("1954", "粮食产量可以等于一九四九年的一点五倍")
    i = p.index("棉花产量可以等于")
    assert unchanged(p[:i] + " " + p[i:])


def test_space_inside_a_word_stays():
    """A column wrap inside a word (`行政 长官`) is no seam, whatever repeats around it."""
    p = corpus_paragraph("1997", "任命其为香港特别行政区行政长官")
    i = p.index("行政长官") + 2
    assert unchanged(p[:i] + " " + p[i:])


def test_copies_going_on_to_the_left_stay(seeds_dir):
    """Kaihua 139 (`生态环保督 察反馈问题`: the repeat starts before the space) and Kaihua 79
    (`(校地合作)研究院、农科院(院 地合作)研究院`: one different character before it)."""
    for n in (79, 139):
        line = seed_line(seeds_dir, n)
        assert unchanged(line), line


def test_tandem_and_long_reread_left_to_dedupe(seeds_dir):
    """Kaihua 27 (`X Y X Y`, an exact tandem repeat) and Kaihua 105 (a garbled re-read of a
    whole clause) are dedupe's: this stage leaves them as they are."""
    for n in (27, 105):
        line = seed_line(seeds_dir, n)
        assert unchanged(line), line


def test_narrow_columns_of_clean_text_stay(national_dir):
    """Clean paragraphs set in 3-7-character columns: a space every few characters, many of
    them inside a repeated phrase; only the strong tier applies there, and nothing goes."""
    paras = load_paragraphs(national_dir, 300, 5)
    damaged, _ = damage(paras, "column_spaces", 1.0, 5)
    assert not run(damaged).removed


def test_judge_refuses_without_a_copy():
    text = "推动经济实现质的有效提升和量的合理增长"
    assert judge(text, 8, CFG) is None


# -- real documents -------------------------------------------------------
@lru_cache(maxsize=1)
def _before_stage() -> Pipeline:
    return Pipeline({"pipeline": {"stages": [*_BEFORE, NAME]}})


def _provincial_texts() -> list[tuple[str, str]]:
    out = []
    csv.field_size_limit(1 << 30)
    for path in sorted((SHARED / "corpus" / "provincial-2026-raw").glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            out += [(path.name, row.get("full_text") or "") for row in csv.DictReader(fh)]
    return out


def test_real_documents_only_the_kaihua_copy(seeds_dir, national_dir):
    """The national corpus, the five seeds and the provincial pages: the one removal is the
    real copy of Kaihua 191."""
    docs = [(f.name, f.read_text(encoding="utf-8")) for f in sorted(seeds_dir.glob("*.txt"))]
    docs += [(f.name, f.read_text(encoding="utf-8")) for f in sorted(national_dir.glob("*.txt"))]
    docs += _provincial_texts()
    assert len(docs) > 40
    removed = []
    for name, text in docs:
        res = _before_stage().clean_text(text)
        removed += [(name, r["text"]) for r in res.report["removed"] if r["stage"] == NAME]
    assert [(n[:3], t) for n, t in removed] == [("003", "序火,创成中华诗词之乡,")]


# -- accounting, idempotence, cost ----------------------------------------
def test_accounting_exact_and_idempotent(national_dir):
    paras = load_paragraphs(national_dir, 120, 3)
    damaged, _ = damage(paras, "interleaved", 1.0, 3)
    doc = run(damaged)
    assert doc.removed and {r.reason for r in doc.removed} == {"interleaved-copy"}
    assert nonws_len(damaged) == nonws_len(doc.text) + doc.removed_nonws(NAME)
    again = run(doc.text)
    assert again.text == doc.text and not again.removed
    # through the whole pipeline (which checks the accounting after every stage): cleaning
    # the output again changes nothing
    pipe = Pipeline("default")
    out = pipe.clean_text(damaged).text
    assert pipe.clean_text(out).text == out


def test_clean_text_stays_on_the_fast_path(national_dir):
    """The national corpus (2.5 MB) costs about a millisecond: only lines with an inline
    space are looked at. Generous bound, for a busy machine."""
    docs = [
        Pipeline({"pipeline": {"stages": _BEFORE}}).clean_text(f.read_text(encoding="utf-8")).text
        for f in sorted(national_dir.glob("*.txt"))
    ]
    best = float("inf")
    for _ in range(3):
        ds = [Document.from_text(t) for t in docs]
        t0 = time.perf_counter()
        for d in ds:
            SPEC.fn(d, dict(CFG))
        best = min(best, time.perf_counter() - t0)
        assert not any(d.removed for d in ds)
    assert best < 0.02, best
