"""Repair benchmark: CER before/after the default pipeline, per defect class.

Damaged copies of national-corpus paragraphs (tests/damage.py) go through the
full default Pipeline; the character error rate against the clean paragraphs
(whitespace ignored, punctuation width counted) is measured before and after.
`layout CER` also counts paragraph breaks (each line-break run one symbol), so
hard wraps and page breaks, invisible to plain CER, show up there.

    python -m benchmarks.bench_repair [--paragraphs 120] [--rate 0.5] [--seed 7]

Needs ../shared/corpus/national-clean beside the project.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from pipeline import Pipeline
from tests.damage import DEFECT_CLASSES, damage, edits, load_paragraphs

NATIONAL = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "national-clean"


def measure(paragraphs: list[str], rate: float, seed: int, pipe: Pipeline) -> list[dict]:
    """One row per defect class (and a total): edits and CER before/after."""
    rows = []
    tot = dict.fromkeys(("eb", "ea", "n", "lb", "la", "ln"), 0)
    for kind in DEFECT_CLASSES:
        damaged, clean = damage(paragraphs, kind, rate, seed)
        out = pipe.clean_text(damaged).text
        eb, n = edits(damaged, clean)
        ea, _ = edits(out, clean)
        lb, ln = edits(damaged, clean, layout=True)
        la, _ = edits(out, clean, layout=True)
        rows.append({"class": kind, "eb": eb, "ea": ea, "n": n, "lb": lb, "la": la, "ln": ln})
        if kind != "mixed":
            for k, v in zip(("eb", "ea", "n", "lb", "la", "ln"), (eb, ea, n, lb, la, ln), strict=True):
                tot[k] += v
    rows.append({"class": "overall (all but mixed)", **tot})
    return rows


def _red(before: int, after: int) -> str:
    return "n/a" if before == 0 else f"{100 * (before - after) / before:.0f}%"


def table(rows: list[dict]) -> str:
    lines = [
        "| defect class | CER before | CER after | reduction | layout CER before | after | reduction |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['class']} | {100 * r['eb'] / r['n']:.2f}% | {100 * r['ea'] / r['n']:.2f}% | {_red(r['eb'], r['ea'])} "
            f"| {100 * r['lb'] / r['ln']:.2f}% | {100 * r['la'] / r['ln']:.2f}% | {_red(r['lb'], r['la'])} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--paragraphs", type=int, default=120)
    ap.add_argument("--rate", type=float, default=0.5, help="share of paragraphs damaged")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--corpus", type=Path, default=None, help="clean corpus folder (default: SHARED/corpus/national-clean)")
    ap.add_argument("--shared", type=Path, default=NATIONAL.parents[1], help="the shared data folder")
    a = ap.parse_args(argv)
    a.corpus = a.corpus or a.shared / "corpus" / "national-clean"
    if not a.corpus.is_dir():
        print(
            f"bench_repair: corpus not found at {a.corpus} (needs ../shared beside the project)",
            file=sys.stderr,
        )
        return 2
    paras = load_paragraphs(a.corpus, a.paragraphs, a.seed)
    t = time.perf_counter()
    rows = measure(paras, a.rate, a.seed, Pipeline("default"))
    print(f"{len(paras)} paragraphs, rate {a.rate}, seed {a.seed}, {time.perf_counter() - t:.1f} s\n")
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
