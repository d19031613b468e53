"""Calibration of the quality score (issue 4): does it track real damage?

Prints, and checks:
1. every report in national-clean (clean text) scores at least 90;
2. on damaged copies of national paragraphs (tests/damage.py, class "mixed"
   at increasing rates) the Spearman correlation between damage (CER of the
   damaged input against the clean text) and the score of the cleaned output
   is at most -0.8;
3. the seeds: Shaoxing (001) highest, Kaihua (003) lowest, Jinyun (002) below
   Xinchang (000) and Changshan (004) and flagged for unbalanced quotes.

    python -m benchmarks.calibrate [--shared ../shared] [--samples 4] [--paragraphs 40]

Exit status 1 when a check fails; 2 when ../shared is missing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[1]
RATES = (0.0, 0.1, 0.2, 0.35, 0.5, 0.7, 1.0)
SEEDS = {"000": "Xinchang", "001": "Shaoxing", "002": "Jinyun", "003": "Kaihua", "004": "Changshan"}


def rankdata(a: np.ndarray) -> np.ndarray:
    """Ranks 0..n-1, ties sharing their mean rank."""
    a = np.asarray(a, dtype=float)
    order = np.argsort(a, kind="stable")
    ranks = np.empty(a.size)
    ranks[order] = np.arange(a.size)
    _, inv = np.unique(a, return_inverse=True)
    return (np.bincount(inv, ranks) / np.bincount(inv))[inv]


def spearman(x: list[float], y: list[float]) -> float:
    """Spearman's rank correlation (Pearson on tie-averaged ranks)."""
    rx, ry = rankdata(np.asarray(x)), rankdata(np.asarray(y))
    rx, ry = rx - rx.mean(), ry - ry.mean()
    den = float(np.sqrt((rx**2).sum() * (ry**2).sum()))
    return float((rx * ry).sum() / den) if den else 0.0


def national_scores(shared: Path, pipe: Pipeline) -> list[tuple[str, float]]:
    return [(f.name, pipe.clean_file(f).score) for f in sorted((shared / "corpus" / "national-clean").glob("*.txt"))]


def damage_points(
    shared: Path, pipe: Pipeline, samples: int = 4, paragraphs: int = 40, kind: str = "mixed", rates=RATES
) -> list[tuple[int, float, float, float]]:
    """(sample, rate, CER of damaged input, score of its cleaned output) per damaged copy."""
    from tests.damage import cer, damage, load_paragraphs

    nat = shared / "corpus" / "national-clean"
    out = []
    for s in range(samples):
        paras = load_paragraphs(nat, paragraphs, seed=100 + s)
        for r in rates:
            damaged, clean = damage(paras, kind, r, seed=s)
            out.append((s, r, round(cer(damaged, clean), 4), pipe.clean_text(damaged).score))
    return out


def seed_results(shared: Path, pipe: Pipeline) -> dict[str, dict]:
    """Score, grade, penalised components and flag kinds of each seed."""
    res = {}
    for f in sorted((shared / "seeds").glob("*.txt")):
        rep = pipe.clean_file(f).report
        q = rep["quality"]
        res[f.name[:3]] = {
            "score": q["score"],
            "grade": q["grade"],
            "penalties": {k: v["penalty"] for k, v in q["components"].items() if v["penalty"]},
            "flags": sorted({fl["kind"] for fl in rep["flags"]}),
        }
    return res


def seed_checks(res: dict[str, dict]) -> dict[str, bool]:
    s = {k: v["score"] for k, v in res.items()}
    others = [k for k in s if k != "001"]
    return {
        "Shaoxing (001) highest": all(s["001"] > s[k] for k in others),
        "Kaihua (003) lowest": all(s["003"] < s[k] for k in s if k != "003"),
        "Jinyun (002) below Xinchang (000) and Changshan (004)": s["002"] < min(s["000"], s["004"]),
        "Jinyun (002) flagged unbalanced-quote": "unbalanced-quote" in res["002"]["flags"],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--samples", type=int, default=4, help="paragraph samples for the damage curve")
    ap.add_argument("--paragraphs", type=int, default=40, help="paragraphs per sample")
    a = ap.parse_args(argv)
    if not (a.shared / "corpus" / "national-clean").is_dir():
        print(f"{a.shared}: no corpus/national-clean here (pass --shared)", file=sys.stderr)
        return 2
    pipe = Pipeline("default")
    ok = True

    print("== 1. national-clean: every report >= 90")
    nat = national_scores(a.shared, pipe)
    for name, sc in nat:
        print(f"  {sc:5.1f}  {name}")
    low = min(sc for _, sc in nat)
    passed = low >= 90
    ok &= passed
    print(f"  min {low:.1f}  mean {np.mean([sc for _, sc in nat]):.1f}  -> {'PASS' if passed else 'FAIL'}")

    print("\n== 2. damage curve (class mixed): Spearman(CER, score) <= -0.8")
    pts = damage_points(a.shared, pipe, a.samples, a.paragraphs)
    print("  sample  rate    CER   score")
    for s, r, c, sc in pts:
        print(f"  {s:6d}  {r:4.2f}  {c:5.3f}  {sc:5.1f}")
    rho = spearman([p[2] for p in pts], [p[3] for p in pts])
    passed = rho <= -0.8
    ok &= passed
    print(f"  Spearman rho = {rho:.3f} over {len(pts)} copies -> {'PASS' if passed else 'FAIL'}")

    print("\n== 3. seeds")
    res = seed_results(a.shared, pipe)
    for k, v in res.items():
        print(f"  {k} {SEEDS.get(k, '?'):9s} {v['score']:5.1f} {v['grade']}  {v['penalties']}")
        print(f"      flags: {', '.join(v['flags']) or '-'}")
    for name, passed in seed_checks(res).items():
        ok &= passed
        print(f"  {'PASS' if passed else 'FAIL'}  {name}")
    print(f"\n{'ALL PASS' if ok else 'SOME CHECKS FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
