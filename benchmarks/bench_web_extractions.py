"""Real web extractions (tests/data/real/web): CER and reference characters lost.

For every `ls_NAME.raw.txt` with its hand-made `ls_NAME.ref.txt`: the CER of the raw
text and of the clean output against the reference (edits / reference length, NFKC,
whitespace removed), and the reference characters the output lost (deleted or replaced
in the alignment: 0 is the bar), and how many reference paragraphs the output has whole
(as a paragraph of its own: what the link-split joins restore; CER, which ignores
whitespace, does not see a line split). With `--shared`, the removals on the 31 provincial
pages, by rule, with the characters they took. Prints Markdown tables.

    python -m benchmarks.bench_web_extractions [--shared ../shared]
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter
from pathlib import Path

from .metrics import norm

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "tests" / "data" / "real" / "web"
HELD_OUT = ("ls_2005_laws", "ls_2005_reform", "ls_resolution_2025")


def measure(out: str, ref: str) -> tuple[float, int]:
    """(CER, reference characters lost) of `out` against `ref`."""
    from rapidfuzz.distance import Levenshtein

    a, b = norm(ref), norm(out)
    ops = Levenshtein.editops(a, b)
    lost = sum(op.tag in ("delete", "replace") for op in ops)
    return len(ops) / max(1, len(a)), lost


def whole(text: str, paras: list[str]) -> int:
    """How many of `paras` stand in `text` as a line of their own."""
    lines = {ln.strip() for ln in text.split("\n")}
    return sum(p.strip() in lines for p in paras)


def pairs() -> list[tuple[str, Path, Path]]:
    return [
        (p.name[: -len(".raw.txt")], p, p.with_name(p.name.replace(".raw.", ".ref.")))
        for p in sorted(WEB.glob("ls_*.raw.txt"))
    ]


def web_table() -> list[str]:
    from pipeline import Pipeline

    pipe = Pipeline("default")
    rows = [
        "| file | set | ref chars | CER raw | CER clean | ref chars lost | paragraphs whole (raw / clean / ref) | removed (rule: chars) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    tot = Counter()
    for name, raw_p, ref_p in pairs():
        raw, ref = raw_p.read_text(encoding="utf-8"), ref_p.read_text(encoding="utf-8")
        res = pipe.clean_text(raw)
        cer0, _ = measure(raw, ref)
        cer1, lost = measure(res.text, ref)
        by_rule = Counter()
        for r in res.report["removed"]:
            by_rule[r["reason"]] += len(norm(r["text"]))
        n = len(norm(ref))
        tot["ref"] += n
        tot["edits0"] += round(cer0 * n)
        tot["edits1"] += round(cer1 * n)
        tot["lost"] += lost
        kind = "held out" if name in HELD_OUT else "dev"
        rules = ", ".join(f"{k}: {v}" for k, v in sorted(by_rule.items())) or "-"
        paras = [p for p in ref.split("\n") if p.strip()]
        w0, w1 = whole(raw, paras), whole(res.text, paras)
        tot["p0"], tot["p1"], tot["p"] = tot["p0"] + w0, tot["p1"] + w1, tot["p"] + len(paras)
        rows.append(
            f"| {name} | {kind} | {n} | {cer0:.2%} | {cer1:.2%} | {lost} | {w0} / {w1} / {len(paras)} | {rules} |"
        )
    rows.append(
        f"| **all** | | {tot['ref']} | {tot['edits0'] / tot['ref']:.2%} | {tot['edits1'] / tot['ref']:.2%} "
        f"| {tot['lost']} | {tot['p0']} / {tot['p1']} / {tot['p']} | |"
    )
    return rows


def provincial_table(shared: Path) -> list[str]:
    from pipeline import Pipeline

    pipe = Pipeline("default")
    csv.field_size_limit(1 << 30)
    by_rule: Counter = Counter()
    chars: Counter = Counter()
    pages = sorted((shared / "corpus" / "provincial-2026-raw").glob("*_政府工作报告.csv"))
    for path in pages:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            text = next(csv.DictReader(fh)).get("full_text") or ""
        for r in pipe.clean_text(text).report["removed"]:
            key = f"{r['stage']}: {r['reason']}"
            by_rule[key] += 1
            chars[key] += len(norm(r["text"]))
    rows = [f"{len(pages)} provincial pages", "", "| stage: rule | removals | characters |", "|---|---|---|"]
    rows += [f"| {k} | {by_rule[k]} | {chars[k]} |" for k in sorted(by_rule)]
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = ap.parse_args()
    print("\n".join(web_table()))
    if (args.shared / "corpus" / "provincial-2026-raw").is_dir():
        print()
        print("\n".join(provincial_table(args.shared)))


if __name__ == "__main__":
    main()
