"""Calibration of the quality score (issues 4 and 17): does it track real damage?

Prints, and checks:
1. every report in national-clean (clean text) scores at least 90;
2. generated damage: damaged copies of national paragraphs (tests/damage.py, class
   "mixed" at increasing rates) cleaned; Spearman(CER of the output, score) <= -0.85;
3. real material: our pipeline's own output on the 9 real page scans (both OCR
   engines, with and without our layout analysis) and the 2 real PDFs
   (`real_runs.py`, cached in /tmp/quality-cache); Spearman(CER of the output
   against the ground truth, score) <= -0.8 over the default config's runs (both
   engines, our layout) and the PDFs; printed apart: all runs, the held-out pages
   (their texts never looked at while tuning), and the figure with each page left
   out in turn;
4. degraded-but-real: the real pages' ground truth with columns interleaved, lines
   shuffled, wraps, mojibake, misreadings, lost characters, debris
   (`degrade_real.py`), cleaned; Spearman printed apart;
5. verse and lists: not flagged garbled;
6. the seeds' scores and flags (printed; Jinyun (002) flagged for unbalanced quotes).

    python -m benchmarks.calibrate [--shared ../shared] [--samples 4] [--paragraphs 40]

Exit status 1 when a check fails; 2 when ../shared is missing.
"""

from __future__ import annotations

import argparse
import random
import sys
import zlib
from pathlib import Path

import numpy as np

from pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[1]
RATES = (0.0, 0.1, 0.2, 0.35, 0.5, 0.7, 1.0)
DEGRADE = ("interleave", "shuffle", "misread", "lost", "mojibake", "debris")
DEGRADE_RATES = (0.05, 0.15, 0.3, 0.6)
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
    shared: Path, pipe: Pipeline, samples: int = 4, paragraphs: int = 40, kinds=("mixed", *DEGRADE), rates=RATES
) -> list[tuple[str, int, float, float, float, float]]:
    """(kind, sample, rate, CER of the damaged input, CER of its cleaned output, the
    output's score) per damaged copy of national paragraphs: the classes of
    tests/damage.py ("mixed": layout damage the stages repair) and the kinds of
    `degrade_real` (reading order, misreadings, lost characters, residue, debris: damage
    that reaches the reader), at DEGRADE_RATES."""
    from tests.damage import cer, damage, load_paragraphs

    from . import degrade_real

    nat = shared / "corpus" / "national-clean"
    out = []
    for s in range(samples):
        paras = load_paragraphs(nat, paragraphs, seed=100 + s)
        for kind in kinds:
            for r in rates if kind == "mixed" else DEGRADE_RATES:
                if kind == "mixed":
                    damaged, clean = damage(paras, kind, r, seed=s)
                else:
                    rng = random.Random(zlib.crc32(f"{s}/{kind}/{r}".encode()))
                    damaged, clean = getattr(degrade_real, kind)(paras, r, rng), "\n\n".join(paras)
                res = pipe.clean_text(damaged)
                out.append((kind, s, r, round(cer(damaged, clean), 4), round(cer(res.text, clean), 4), res.score))
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
            # share of the input the stages removed (duplicates, garble, other)
            "repaired": round(sum(q["repairs"][k] for k in ("removed_share", "duplicate_share", "garble_removed_share")), 4),
        }
    return res


def seed_checks(res: dict[str, dict]) -> dict[str, bool]:
    """The seeds as their outputs read (the score) and as their inputs were (the repair
    record): the clean Shaoxing seed grades A; Jinyun, whose output keeps lost
    characters and unpaired quotes, scores below Xinchang and Changshan; Kaihua, the
    most damaged input, has the largest repair record."""
    s = {k: v["score"] for k, v in res.items()}
    rep = {k: v["repaired"] for k, v in res.items()}
    return {
        "Shaoxing (001) scores A": s["001"] >= 90,
        "Kaihua (003) most repaired": all(rep["003"] > rep[k] for k in rep if k != "003"),
        "Jinyun (002) below Xinchang (000) and Changshan (004)": s["002"] < min(s["000"], s["004"]),
        "Jinyun (002) flagged unbalanced-quote": "unbalanced-quote" in res["002"]["flags"],
    }


def real_points(shared: Path, cache: Path | None = None) -> list[tuple[str, str, bool, float, float]]:
    """(page, variant, held out, CER of the output, score of the output) per real run."""
    from pipeline.quality import score_text

    from .real_runs import DEFAULT_CACHE, collect

    runs = collect(shared, cache or DEFAULT_CACHE, log=sys.stderr)
    return [(r.name, r.variant, r.held_out, r.cer, score_text(r.text)["score"]) for r in runs]


def degraded_points(shared: Path, pipe: Pipeline) -> list[tuple[str, str, float, float, float]]:
    """(page, kind, strength, CER of the cleaned output, its score) per degraded variant."""
    from .degrade_real import variants
    from .real_runs import cer

    out = []
    for name, kind, s, text, ref in variants(shared):
        res = pipe.clean_text(text)
        out.append((name, kind, s, round(cer(res.text, ref), 4), res.score))
    return out


VERSE = (
    "春晓\n\n春眠不觉晓，处处闻啼鸟。\n\n夜来风雨声，花落知多少。\n\n登鹳雀楼\n\n白日依山尽，黄河入海流。\n\n"
    "欲穷千里目，更上一层楼。\n\n静夜思\n\n床前明月光，疑是地上霜。\n\n举头望明月，低头思故乡。\n"
)
LIST = (
    "2024年主要预期目标\n\n地区生产总值增长6%左右\n\n一般公共预算收入增长5%\n\n城乡居民人均可支配收入增长与经济增长同步\n\n"
    "城镇调查失业率控制在5%以内\n\n居民消费价格涨幅3%左右\n\n单位生产总值能耗下降完成省下达任务\n"
)


def structure_checks() -> dict[str, dict]:
    """Score and flag kinds of a few classical poems and a list of targets, as text."""
    from pipeline.quality import score_text

    out = {}
    for name, text in (("verse", VERSE), ("list", LIST)):
        q = score_text(text)
        garbled = [p["line"] for p in q["paragraphs"] if "garbled" in p["issues"]]
        out[name] = {"score": q["score"], "grade": q["grade"], "garbled_lines": garbled}
    return out


def _rho(pts: list, x: int, y: int) -> float:
    return spearman([p[x] for p in pts], [p[y] for p in pts])


def leave_one_page_out(pts: list) -> dict[str, float]:
    """Spearman(CER, score) of the real runs `pts` ((page, variant, held, CER, score))
    with each page's runs left out in turn: no single page carries the figure."""
    return {name: _rho([p for p in pts if p[0] != name], 3, 4) for name in sorted({p[0] for p in pts})}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--samples", type=int, default=4, help="paragraph samples for the damage curve")
    ap.add_argument("--paragraphs", type=int, default=40, help="paragraphs per sample")
    ap.add_argument("--cache", type=Path, default=None, help="cache of the real runs' OCR (default /tmp/quality-cache)")
    a = ap.parse_args(argv)
    if not (a.shared / "corpus" / "national-clean").is_dir():
        print(f"{a.shared}: no corpus/national-clean here (pass --shared)", file=sys.stderr)
        return 2
    pipe = Pipeline("default")
    ok = True

    def verdict(passed: bool) -> str:
        nonlocal ok
        ok &= passed
        return "PASS" if passed else "FAIL"

    print("== 1. national-clean: every report >= 90")
    nat = national_scores(a.shared, pipe)
    for name, sc in nat:
        print(f"  {sc:5.1f}  {name}")
    low = min(sc for _, sc in nat)
    print(f"  min {low:.1f}  mean {np.mean([sc for _, sc in nat]):.1f}  -> {verdict(low >= 90)}")

    print("\n== 2. generated damage (national paragraphs, cleaned): Spearman(output CER, score) <= -0.85")
    pts = damage_points(a.shared, pipe, a.samples, a.paragraphs)
    print("  kind        sample  rate  in-CER out-CER  score")
    for k, s, r, c, oc, sc in pts:
        print(f"  {k:10s}  {s:6d}  {r:4.2f}  {c:5.3f}  {oc:6.3f}  {sc:5.1f}")
    for kind in sorted({p[0] for p in pts}):
        sub = [p for p in pts if p[0] == kind]
        print(f"  {kind:10s} mean output CER {np.mean([p[4] for p in sub]):.3f}  mean score {np.mean([p[5] for p in sub]):5.1f}"
              f"  Spearman {_rho(sub, 4, 5):6.3f}")
    mixed = [p for p in pts if p[0] == "mixed"]
    print(f"  class mixed only ({len(mixed)} copies, repaired to near-zero output CER): "
          f"Spearman(output CER, score) = {_rho(mixed, 4, 5):.3f}, (input CER, score) = {_rho(mixed, 3, 5):.3f}")
    print(f"  all kinds with debris: Spearman = {_rho(pts, 4, 5):.3f} (debris lines are a few characters:"
          " output CER ~0.005, yet a reader sees them; the score takes points for them)")
    graded = [p for p in pts if p[0] != "debris"]
    rho = _rho(graded, 4, 5)
    print(f"  all kinds but debris: Spearman(output CER, score) = {rho:.3f} over {len(graded)} copies"
          f" -> {verdict(rho <= -0.85)}")

    print("\n== 3. real runs (9 page scans x 2 engines x layout on/off, 2 PDFs): Spearman(output CER, score) <= -0.8")
    real = real_points(a.shared, a.cache)
    print("    CER  score  variant             page")
    for name, var, held, c, sc in sorted(real, key=lambda p: p[3]):
        print(f"  {c:5.3f}  {sc:5.1f}  {var:18s} {'H' if held else ' '} {name[:60]}")
    tuned = [p for p in real if not p[2]]
    held = [p for p in real if p[2]]
    default = [p for p in real if not p[1].endswith("-nolayout")]
    print(f"  tuning part ({len(tuned)} runs): {_rho(tuned, 3, 4):.3f}")
    print(f"  held out (H, {len(held)} runs): {_rho(held, 3, 4):.3f};"
          f" of them with the default config: {_rho([p for p in held if p in default], 3, 4):.3f}")
    print(f"  all {len(real)} runs, our layout and the engine's own: {_rho(real, 3, 4):.3f}")
    lopo = leave_one_page_out(default)
    print(f"  leave one page out (the default config's runs of the other pages), {len(lopo)} pages:"
          f" worst {max(lopo.values()):.3f}, mean {np.mean(list(lopo.values())):.3f}")
    rho = _rho(default, 3, 4)
    print(f"  the default config (both engines, our layout) + the 2 PDFs, {len(default)} runs:"
          f" Spearman = {rho:.3f} -> {verdict(rho <= -0.8)}")

    print("\n== 4. degraded-but-real (real pages' ground truth, damaged, cleaned): reported apart")
    deg = degraded_points(a.shared, pipe)
    for kind in sorted({p[1] for p in deg}):
        sub = [p for p in deg if p[1] == kind]
        print(f"  {kind:10s} mean CER {np.mean([p[3] for p in sub]):.3f}  mean score {np.mean([p[4] for p in sub]):5.1f}")
    print(f"  all {len(deg)} variants: Spearman(output CER, score) = {_rho(deg, 3, 4):.3f}")
    per_page = [_rho([p for p in deg if p[0] == name], 3, 4) for name in sorted({p[0] for p in deg})]
    print(f"  within a page (the pages' own text differs in kind): mean Spearman = {np.mean(per_page):.3f}"
          f" over {len(per_page)} pages")

    print("\n== 5. verse and lists: not flagged garbled")
    for name, v in structure_checks().items():
        print(f"  {name:6s} {v['score']:5.1f} {v['grade']}  garbled lines: {v['garbled_lines'] or '-'}"
              f"  -> {verdict(not v['garbled_lines'])}")

    print("\n== 6. seeds")
    res = seed_results(a.shared, pipe)
    for k, v in res.items():
        print(f"  {k} {SEEDS.get(k, '?'):9s} {v['score']:5.1f} {v['grade']}  repaired {v['repaired']:.3f}  {v['penalties']}")
        print(f"      flags: {', '.join(v['flags']) or '-'}")
    for name, passed in seed_checks(res).items():
        print(f"  {verdict(passed)}  {name}")
    print(f"\n{'ALL PASS' if ok else 'SOME CHECKS FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
