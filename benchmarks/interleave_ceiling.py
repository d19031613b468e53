"""How much of the generated `interleaved` class a text-only repair can reach at best.

`tests/damage.py` builds each case as P + noisy(span) + " " + span[:k] + Z: the
noisy copy X' Y of a span, then an exact copy X of its first k characters. By
the time dedupe sees the text the space is gone (column_spaces), so all a
repair has is the text: X' and X must share an exact seed to be found, and
where X' came out without noise (`identical`) the two copies are
indistinguishable from parallel phrasing (`X Y X Z`), which dedupe keeps by
design. The noise left inside Y can never be repaired.

For each minimum seed length this prints the best CER reduction any repair
could reach on the benchmark's interleaved class: every case whose copies share
a seed that long repaired perfectly (X in place of X', Y's noise left), with and
without the identical copies.

    python -m benchmarks.interleave_ceiling [--paragraphs 120] [--rate 0.5] [--seed 7]

The space itself is the evidence the text lacks: the `interleaved_copies`
stage runs before `column_spaces` and looks for a copy starting there.
`--seam` measures it: its CER reduction on the class for several seeds (the
stage alone, beside this ceiling), and how often it would cut clean text:
every paragraph of the corpus set in 3-7-character columns (the
`column_spaces` damage, a space every few characters, many inside repeated
phrases), each inline space judged as a seam and counted when its evidence
reaches the stage's `min_score` (a space among others) or `lone_score` (what
a lone space would need).

    python -m benchmarks.interleave_ceiling --seam [--seeds 7 11 13] [--clean-seeds 1 2]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rapidfuzz.distance import Levenshtein

import tests.damage as dmg
from benchmarks.bench_repair import NATIONAL


def _longest_common(a: str, b: str) -> int:
    """Length of the longest common substring."""
    best = 0
    for i in range(len(a)):
        for j in range(len(b)):
            n = 0
            while i + n < len(a) and j + n < len(b) and a[i + n] == b[j + n]:
                n += 1
            best = max(best, n)
    return best


def cases(paragraphs: list[str], rate: float, seed: int) -> list[tuple[str, str, int]]:
    """(span, its noisy copy, k) of every interleaved case, replayed from the generator's
    own random stream (the same calls in the same order as `tests.damage.interleaved`)."""
    out: list[tuple[str, str, int]] = []

    def record(p, rng, ctx):
        n = min(len(p) // 2, rng.randint(12, 24))
        a = dmg._cut(p, rng, 0.1, 0.5)
        span = p[a : a + n]
        k = rng.randint(n // 3, 2 * n // 3)
        noisy = dmg._noisy(span, rng, ctx["pool"], 0.08)
        out.append((span, noisy, k))
        return [p[:a] + noisy + " " + span[:k] + p[a + n :]], [p]

    expected = dmg.damage(paragraphs, "interleaved", rate, seed)
    real = dmg.CLASSES["interleaved"]
    dmg.CLASSES["interleaved"] = record
    try:
        replayed = dmg.damage(paragraphs, "interleaved", rate, seed)
    finally:
        dmg.CLASSES["interleaved"] = real
    if replayed != expected:
        raise RuntimeError("the replay no longer matches tests.damage.interleaved: update `record`")
    return out


def ceiling(found: list[tuple[str, str, int]]) -> list[str]:
    rows = ["| min seed | identical copies | best CER reduction |", "|---:|---|---:|"]
    before = after_all = 0
    per = []
    for span, noisy, k in found:
        x = span[:k]
        b = Levenshtein.distance(noisy + x, span)
        a = min(Levenshtein.distance(x + noisy[j:], span) for j in range(len(noisy) + 1))
        per.append((b, a, _longest_common(noisy[: k + 2], x), noisy[:k] == x))
        before += b
        after_all += a
    for min_seed in (4, 5, 6, 8):
        for identical in (True, False):
            after = sum(a if seed >= min_seed and (identical or not same) else b for b, a, seed, same in per)
            rows.append(
                f"| {min_seed} | {'repaired' if identical else 'left alone'} | {100 * (before - after) / before:.0f}% |"
            )
    same = sum(p[3] for p in per)
    rows.append(
        f"\n{len(per)} cases, {same} with identical copies; {before} edits before, {after_all} at best after"
    )
    return rows


def seam_repair(corpus: Path, paragraphs: int, rate: float, seeds: list[int]) -> list[str]:
    """The `interleaved_copies` stage alone on the class, per seed, beside the ceiling."""
    from pipeline.document import Document
    from pipeline.registry import get_stage

    spec = get_stage("interleaved_copies")
    rows = [
        "| seed | cases | CER before | after (stage) | reduction | ceiling |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    tb = ta = tc = 0
    for seed in seeds:
        paras = dmg.load_paragraphs(corpus, paragraphs, seed)
        damaged, clean = dmg.damage(paras, "interleaved", rate, seed)
        out = spec.fn(Document.from_text(damaged), dict(spec.defaults)).text
        (b, n), a = dmg.edits(damaged, clean), dmg.edits(out, clean)[0]
        found = cases(paras, rate, seed)
        best = sum(
            min(Levenshtein.distance(sp[:k] + noisy[j:], sp) for j in range(len(noisy) + 1))
            for sp, noisy, k in found
        )
        tb, ta, tc = tb + b, ta + a, tc + best
        rows.append(
            f"| {seed} | {len(found)} | {100 * b / n:.2f}% | {100 * a / n:.2f}% | {100 * (b - a) / b:.0f}% | {100 * (b - best) / b:.0f}% |"
        )
    rows.append(f"| all | | | | {100 * (tb - ta) / tb:.0f}% | {100 * (tb - tc) / tb:.0f}% |")
    return rows


def seam_false_alarms(corpus: Path, seeds: list[int]) -> list[str]:
    """Every inline space of the whole corpus set in narrow columns, judged as a seam."""
    from pipeline.registry import get_stage
    from pipeline.stages import interleaved_copies as ic

    cfg = dict(get_stage("interleaved_copies").defaults)
    paras = dmg.load_paragraphs(corpus, 10**9, 0)
    spaces = strong = lone = 0
    for seed in seeds:
        damaged, _ = dmg.damage(paras, "column_spaces", 1.0, seed)
        for line in damaged.split("\n"):
            comp = ic._WS.sub("", line)
            for m in ic._SEAM.finditer(line):
                spaces += 1
                f = ic.judge(comp, m.end() - sum(map(len, ic._WS.findall(line, 0, m.end()))), cfg)
                if f is not None:
                    strong += f["score"] >= float(cfg["min_score"])
                    lone += f["score"] >= float(cfg["lone_score"])
    return [
        f"clean text in narrow columns: {len(paras)} paragraphs x {len(seeds)} layouts, {spaces} inline spaces",
        f"  evidence >= min_score ({cfg['min_score']}): {strong} ({100 * strong / max(spaces, 1):.3f}%)",
        f"  evidence >= lone_score ({cfg['lone_score']}): {lone} ({100 * lone / max(spaces, 1):.3f}%)",
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--paragraphs", type=int, default=120)
    ap.add_argument("--rate", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--corpus", type=Path, default=NATIONAL)
    ap.add_argument("--seam", action="store_true", help="measure the interleaved_copies stage")
    ap.add_argument("--seeds", type=int, nargs="+", default=[7, 11, 13, 17, 19])
    ap.add_argument("--clean-seeds", type=int, nargs="+", default=[1, 2])
    a = ap.parse_args(argv)
    if not a.corpus.is_dir():
        print(f"interleave_ceiling: corpus not found at {a.corpus}", file=sys.stderr)
        return 2
    if a.seam:
        print("\n".join(seam_repair(a.corpus, a.paragraphs, a.rate, a.seeds)))
        print()
        print("\n".join(seam_false_alarms(a.corpus, a.clean_seeds)))
        return 0
    paras = dmg.load_paragraphs(a.corpus, a.paragraphs, a.seed)
    print("\n".join(ceiling(cases(paras, a.rate, a.seed))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
