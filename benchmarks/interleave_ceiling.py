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
            rows.append(f"| {min_seed} | {'repaired' if identical else 'left alone'} | {100 * (before - after) / before:.0f}% |")
    same = sum(p[3] for p in per)
    rows.append(f"\n{len(per)} cases, {same} with identical copies; {before} edits before, {after_all} at best after")
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--paragraphs", type=int, default=120)
    ap.add_argument("--rate", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--corpus", type=Path, default=NATIONAL)
    a = ap.parse_args(argv)
    if not a.corpus.is_dir():
        print(f"interleave_ceiling: corpus not found at {a.corpus}", file=sys.stderr)
        return 2
    paras = dmg.load_paragraphs(a.corpus, a.paragraphs, a.seed)
    print("\n".join(ceiling(cases(paras, a.rate, a.seed))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
