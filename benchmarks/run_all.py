"""`make bench`: every benchmark in one run, the tables printed and saved.

Each benchmark is a module run in its own process (so one's memory and
imports do not skew another's figures); their output goes to stdout and to
benchmarks/LATEST.md, which the README's benchmark section quotes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCHES = [
    ("Real text kept: regression set, real-page ground truth, real PDFs", "benchmarks.bench_real_text"),
    ("Web extractions with link-split lines", "benchmarks.bench_web_extractions"),
    ("OCR on real pages, bare engines beside ours", "benchmarks.bench_real_pages"),
    ("Text pipeline speed (issue 2)", "benchmarks.bench_text"),
    ("Layout repair (issue 3)", "benchmarks.bench_repair"),
    ("Quality calibration (issue 4)", "benchmarks.calibrate"),
    ("OCR (issue 5)", "benchmarks.bench_ocr"),
    ("PDF (issue 6)", "benchmarks.bench_pdf"),
    ("Batch and streaming (issue 7)", "benchmarks.bench_batch"),
]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--only", nargs="*", help="module names to run (default: all)")
    args = ap.parse_args()
    parts = [f"# Benchmarks, {dt.date.today().isoformat()}\n"]
    failed = []
    for title, mod in BENCHES:
        if args.only and mod.split(".")[-1] not in args.only and mod not in args.only:
            continue
        if not (ROOT / (mod.replace(".", "/") + ".py")).exists():
            print(f"== {title}: {mod} not present, skipped", flush=True)
            continue
        print(f"\n== {title} ({mod})", flush=True)
        proc = subprocess.run(
            [sys.executable, "-m", mod, "--shared", args.shared],
            cwd=ROOT,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        print(proc.stdout, flush=True)
        parts.append(
            f"\n## {title}\n\n```\n{proc.stdout.strip()}\n```\n"
            if "|" not in proc.stdout
            else f"\n## {title}\n\n{proc.stdout.strip()}\n"
        )
        if proc.returncode != 0:
            failed.append(mod)
    (ROOT / "benchmarks" / "LATEST.md").write_text("".join(parts), encoding="utf-8")
    if failed:
        print(f"benchmarks that failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
