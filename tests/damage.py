"""A seeded damage generator: clean paragraphs in, layout-scrambled text out.

Each defect class of issue 3 is reproduced on clean corpus paragraphs, and the
clean text is returned beside the damaged one as ground truth, so repair can be
measured (`benchmarks/bench_repair.py`) and the quality score correlated with
the character error rate (issue 4).

    damaged, clean = damage(paragraphs, "fragments", rate=0.3, seed=1)

`rate` is the fraction of paragraphs that receive the defect (for "mixed",
each affected paragraph gets one class drawn at random). Paragraphs are
separated by one blank line in both texts; the clean text follows
OUTPUT_SPEC (one paragraph per line, rebuilt headline columns and titles as
their own paragraphs). Everything is deterministic for a given seed.

`cer(hyp, ref)` is the character error rate with whitespace ignored
(punctuation width counted); `cer(..., layout=True)` also counts paragraph
breaks, each line-break run being one symbol, so joins and splits show.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from rapidfuzz.distance import Levenshtein

Blocks = tuple[list[str], list[str]]  # (damaged paragraphs, clean paragraphs)

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_CLAUSE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]{5,14}")
_HALF = str.maketrans(
    {"，": ",", "。": ".", "：": ":", "；": ";", "！": "!", "？": "?", "（": "(", "）": ")"}
)
_FOLD = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF5B) if chr(c - 0xFEE0).isalnum()}  # full-width 0-9 A-Z a-z
_RUNNING_HEADS = ["政府工作报告", "2023年1月10日 星期二", "综合新闻"]


def load_paragraphs(directory: str | Path, n: int, seed: int = 0, min_chars: int = 40) -> list[str]:
    """`n` body paragraphs drawn from *.txt, normalised as the clean output must be.

    At least `min_chars` long, indentation stripped, full-width Latin letters
    and digits folded to ASCII (OUTPUT_SPEC section 5), so the ground truth is
    what the pipeline should emit.
    """
    paras: list[str] = []
    for f in sorted(Path(directory).glob("*.txt")):
        for line in f.read_text(encoding="utf-8").splitlines():
            t = line.strip().strip("\u3000").strip().translate(_FOLD)
            if len(t) >= min_chars and t[-1] in "。！？；":
                paras.append(t)
    rng = random.Random(seed)
    return rng.sample(paras, min(n, len(paras)))


def _cut(text: str, rng: random.Random, lo: float = 0.3, hi: float = 0.7) -> int:
    """A split point inside `text`, not right after sentence-final punctuation."""
    for _ in range(20):
        i = rng.randint(int(len(text) * lo), max(int(len(text) * hi), int(len(text) * lo) + 1))
        if 0 < i < len(text) and text[i - 1] not in "。！？；：" and _CJK.match(text[i]):
            return i
    return len(text) // 2


def _clauses(text: str) -> list[str]:
    return _CLAUSE.findall(text)


def _noisy(text: str, rng: random.Random, pool: str, rate: float) -> str:
    """An OCR-like copy: characters substituted or dropped at `rate`."""
    out = []
    for ch in text:
        r = rng.random()
        if r < rate * 0.7 and _CJK.match(ch):
            out.append(rng.choice(pool))
        elif r < rate:
            continue
        else:
            out.append(ch)
    return "".join(out)


# -- one function per defect class: (paragraph, rng, context) -> (damaged, clean)
def vertical_headline(p: str, rng: random.Random, ctx: dict) -> Blocks:
    """A 2-4 column vertical headline before the paragraph, read row by row."""
    cl = [c for c in _clauses(ctx["other"](rng)) if 6 <= len(c) <= 12]
    cols = cl[: rng.randint(2, 4)]
    if len(cols) < 2:
        return [p], [p]
    off = [rng.randint(0, 2) for _ in cols]
    height = max(o + len(c) for o, c in zip(off, cols, strict=True))
    rows = [
        "".join(c[r - o] for c, o in zip(cols, off, strict=True) if 0 <= r - o < len(c))
        for r in range(height)
    ]
    return [" ".join(r for r in rows if r), p], [*cols, p]


def fragments(p: str, rng: random.Random, ctx: dict) -> Blocks:
    """A vertical title set 1-3 characters per line; or pull-quote scraps (garble)."""
    if rng.random() < 0.5:
        cl = [c for c in _clauses(p) if 7 <= len(c) <= 14]
        if not cl:
            return [p], [p]
        title = rng.choice(cl)
        parts, i = [], 0
        while i < len(title):
            k = rng.randint(1, 3) if len(title) - i > 6 or rng.random() < 0.5 else len(title) - i
            parts.append(title[i : i + k])
            i += k
        return [*parts, p], [title, p]
    parts, i, want = [], rng.randint(0, 10), rng.randint(4, 6)
    while i < len(p) and len(parts) < want:  # scraps in reading order, with gaps (Kaihua 15-23)
        k = rng.randint(1, 3)
        if re.fullmatch(r"[\u4e00-\u9fff]+", p[i : i + k]):
            parts.append(p[i : i + k])
        i += k + rng.randint(2, 8)
    return [*parts, p], [p]


def column_spaces(p: str, rng: random.Random, ctx: dict) -> Blocks:
    """Narrow-column wraps flattened to spaces every 3-7 characters."""
    out, i = [], 0
    while i < len(p):
        k = rng.randint(3, 7)
        out.append(p[i : i + k])
        i += k
    return [" ".join(out)], [p]


def hard_wraps(p: str, rng: random.Random, ctx: dict) -> Blocks:
    """OCR line breaks every 10-40 characters."""
    w = rng.randint(10, 40)
    return ["\n".join(p[i : i + w] for i in range(0, len(p), w))], [p]


def page_breaks(p: str, rng: random.Random, ctx: dict) -> Blocks:
    """A paragraph cut by a page break: continuation markers, running head, page number."""
    i = _cut(p, rng)
    page = rng.randint(2, 8)
    style = rng.randrange(3)
    if style == 0:
        return [p[:i] + f"(下转第{page}版)", f"(上接第{page - 1}版)", p[i:]], [p]
    if style == 1:
        return [p[:i], rng.choice(_RUNNING_HEADS), p[i:]], [p]
    return [p[:i], f"— {page} —", p[i:]], [p]


def duplicate(p: str, rng: random.Random, ctx: dict) -> Blocks:
    """The paragraph, or a short line before it, printed twice."""
    if rng.random() < 0.7:
        return [p, p], [p]
    head = (_clauses(p) or ["附件"])[0]
    return [head, head, p], [head, p]


def repeated_clause(p: str, rng: random.Random, ctx: dict) -> Blocks:
    """One clause (comma to comma) repeated right after itself."""
    spans = [m.span() for m in re.finditer(r"[^，。；]{6,}[，；]", p)]
    if not spans:
        return [p], [p]
    a, b = rng.choice(spans)
    return [p[:b] + p[a:b] + p[b:]], [p]


def noisy_copy(p: str, rng: random.Random, ctx: dict) -> Blocks:
    """A noisy OCR copy of part of the paragraph printed as its own line after it."""
    n = min(len(p), rng.randint(15, 40))
    a = rng.randint(0, len(p) - n)
    return [p, _noisy(p[a : a + n], rng, ctx["pool"], 0.3)], [p]


def interleaved(p: str, rng: random.Random, ctx: dict) -> Blocks:
    """Two copies of a span interleaved (Kaihua 191): noisy whole copy, then a partial one."""
    n = min(len(p) // 2, rng.randint(12, 24))
    a = _cut(p, rng, 0.1, 0.5)
    span = p[a : a + n]
    k = rng.randint(n // 3, 2 * n // 3)
    return [p[:a] + _noisy(span, rng, ctx["pool"], 0.08) + " " + span[:k] + p[a + n :]], [p]


def half_width_punct(p: str, rng: random.Random, ctx: dict) -> Blocks:
    """Full-width punctuation typed as ASCII; quotes as straight `"`."""
    return [p.translate(_HALF).replace("“", '"').replace("”", '"')], [p]


CLASSES: dict[str, Callable[[str, random.Random, dict], Blocks]] = {
    f.__name__: f
    for f in (
        vertical_headline,
        fragments,
        column_spaces,
        hard_wraps,
        page_breaks,
        duplicate,
        repeated_clause,
        noisy_copy,
        interleaved,
        half_width_punct,
    )
}
DEFECT_CLASSES: tuple[str, ...] = (*CLASSES, "mixed")


def damage(paragraphs: Iterable[str], kind: str, rate: float, seed: int = 0) -> tuple[str, str]:
    """(damaged text, clean text) with `kind` applied to a `rate` share of paragraphs."""
    if kind not in DEFECT_CLASSES:
        raise ValueError(f"unknown defect class {kind!r}; known: {', '.join(DEFECT_CLASSES)}")
    paras = [p.strip() for p in paragraphs if p.strip()]
    rng = random.Random(f"{kind}:{seed}")
    pool = "".join(sorted({c for p in paras for c in p if _CJK.match(c)})) or "的"
    ctx = {"pool": pool, "other": lambda r: r.choice(paras)}
    dam: list[str] = []
    clean: list[str] = []
    for p in paras:
        if rng.random() < rate:
            fn = CLASSES[rng.choice(list(CLASSES))] if kind == "mixed" else CLASSES[kind]
            d, c = fn(p, rng, ctx)
        else:
            d, c = [p], [p]
        dam.extend(d)
        clean.extend(c)
    return "\n\n".join(dam) + "\n", "\n\n".join(clean) + "\n"


_WS = re.compile(r"\s+")


def _norm(text: str, layout: bool) -> str:
    if not layout:
        return _WS.sub("", text)
    return _WS.sub(lambda m: "¶" if "\n" in m.group(0) else "", text.strip())


def edits(hyp: str, ref: str, layout: bool = False) -> tuple[int, int]:
    """(Levenshtein edits, reference length) with whitespace ignored."""
    r = _norm(ref, layout)
    return Levenshtein.distance(_norm(hyp, layout), r), len(r)


def cer(hyp: str, ref: str, layout: bool = False) -> float:
    """Character error rate of `hyp` against `ref`, whitespace ignored."""
    e, n = edits(hyp, ref, layout)
    return e / max(n, 1)
