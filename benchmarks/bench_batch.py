"""Batch and streaming: `--jobs 2` vs `--jobs 1`, and `ocrclean jsonl` peak memory.

1. ../shared/corpus/national-clean (37 reports, 2.5 MB), `--repeat` copies
   of it, with --jobs 1 and --jobs 2 (--force, best of --rounds wall-clock
   runs): `run_batch` with the models loaded (the batch phase, which the
   1.7x target is about), and `ocrclean run` end to end (process start and
   ~1.5 s of model loading included, paid once whatever --jobs is). Needs
   two idle cores to mean anything.
2. `ocrclean jsonl` on a JSON Lines file of --jsonl-mb MB built from the
   corpus (one report per record, extra fields kept): peak RSS of the process
   (ru_maxrss of the child). Target: < 300 MB for 100 MB.

    python -m benchmarks.bench_batch [--shared ../shared] [--repeat 2] [--jsonl-mb 100]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OCRCLEAN = Path(sys.executable).parent / "ocrclean"


def corpus(shared: Path) -> list[Path]:
    d = shared / "corpus" / "national-clean"
    if not d.is_dir():
        sys.exit(f"bench_batch: {d} not found; run with --shared pointing at the shared data")
    return sorted(d.glob("*.txt"))


def build_inputs(files: list[Path], dest: Path, repeat: int) -> int:
    dest.mkdir(parents=True)
    for k in range(repeat):
        for f in files:
            shutil.copy(f, dest / f"{k:02d}_{f.name}")
    return len(files) * repeat


def time_run(inp: Path, out: Path, jobs: int, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        res = subprocess.run([str(OCRCLEAN), "run", str(inp), "--out", str(out), "--jobs", str(jobs), "--force", "-q"],
                             capture_output=True, text=True)
        wall = time.perf_counter() - t0
        if res.returncode != 0:
            sys.exit(f"bench_batch: ocrclean run failed: {res.stderr[-500:]}")
        best = min(best, wall)
    return best


def time_batch_phase(inp: Path, out: Path, jobs: int, rounds: int) -> float:
    """`run_batch` in this process with the models already loaded: the part that scales
    with --jobs (the CLI's ~1.5 s of interpreter start and model loading is paid once either way)."""
    from pipeline import load_config
    from pipeline.batch import run_batch
    from pipeline.worker import pipeline_for

    config = load_config("default")
    pipeline_for(config).clean_text("预热文本。")
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        res = run_batch([inp], out, config, jobs=jobs, force=True)
        best = min(best, time.perf_counter() - t0)
        if res.errors:
            sys.exit(f"bench_batch: {res.errors[0]}")
    return best


def build_jsonl(files: list[Path], dest: Path, mb: int) -> tuple[int, int]:
    """Records {"id", "title", "year", "text"} cycling through the corpus up to `mb` MB."""
    texts = [(f.stem, f.read_text(encoding="utf-8")) for f in files]
    target, size, n = mb * 1024 * 1024, 0, 0
    with open(dest, "w", encoding="utf-8") as fh:
        while size < target:
            title, text = texts[n % len(texts)]
            line = json.dumps({"id": n, "title": title, "year": title[:4], "text": text}, ensure_ascii=False) + "\n"
            fh.write(line)
            size += len(line.encode("utf-8"))
            n += 1
    return n, size


def peak_rss_jsonl(src: Path, out: Path) -> tuple[float, float, int]:
    """(peak RSS MB, seconds, exit code) of `ocrclean jsonl`, measured by a wrapper process."""
    wrapper = (
        "import resource, subprocess, sys, time\n"
        "t0 = time.perf_counter()\n"
        "rc = subprocess.run(sys.argv[1:]).returncode\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, time.perf_counter() - t0, rc)\n"
    )
    cmd = [sys.executable, "-c", wrapper, str(OCRCLEAN), "jsonl", str(src), "--field", "text", "--out", str(out)]
    res = subprocess.run(cmd, capture_output=True, text=True)
    kb, secs, rc = res.stdout.split()
    return int(kb) / 1024, float(secs), int(rc)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--repeat", type=int, default=2, help="copies of the corpus in the batch (default 2)")
    ap.add_argument("--rounds", type=int, default=2, help="timed runs per setting, best kept (default 2)")
    ap.add_argument("--jsonl-mb", type=int, default=100, help="size of the JSON Lines input (default 100)")
    ap.add_argument("--skip-batch", action="store_true")
    ap.add_argument("--skip-jsonl", action="store_true")
    args = ap.parse_args()
    files = corpus(Path(args.shared))
    ok = True
    cores = len(os.sched_getaffinity(0))
    load = os.getloadavg()[0]
    print(f"cores: {cores}, 1-min load average before: {load:.2f}")
    if load > cores - 1.5:
        print("warning: fewer than two idle cores; --jobs 2 cannot show its speed-up here")
    print()
    with tempfile.TemporaryDirectory(prefix="bench_batch.") as tmp:
        t = Path(tmp)
        if not args.skip_batch:
            n = build_inputs(files, t / "in", args.repeat)
            t1 = time_run(t / "in", t / "out1", 1, args.rounds)
            t2 = time_run(t / "in", t / "out2", 2, args.rounds)
            same = all((t / "out1" / p.name).read_bytes() == p.read_bytes() for p in (t / "out2").glob("*.txt"))
            b1 = time_batch_phase(t / "in", t / "out3", 1, args.rounds)
            b2 = time_batch_phase(t / "in", t / "out4", 2, args.rounds)
            ok &= b1 / b2 >= 1.7 and same
            print("| national corpus | documents | --jobs 1 (s) | --jobs 2 (s) | speed-up | target | outputs identical |")
            print("|---|---|---|---|---|---|---|")
            print(f"| batch phase, models loaded (x{args.repeat}) | {n} | {b1:.2f} | {b2:.2f} | {b1 / b2:.2f}x | >= 1.7x | {same} |")
            print(f"| `ocrclean run` end to end (x{args.repeat}) | {n} | {t1:.2f} | {t2:.2f} | {t1 / t2:.2f}x | | |\n")
        if not args.skip_jsonl:
            src = t / "big.jsonl"
            n, size = build_jsonl(files, src, args.jsonl_mb)
            rss, secs, rc = peak_rss_jsonl(src, t / "big.clean.jsonl")
            lines_out = sum(1 for _ in open(t / "big.clean.jsonl", "rb")) if rc == 0 else 0
            ok &= rss < 300 and rc == 0 and lines_out == n
            print("| ocrclean jsonl | records | input MB | seconds | MB/s | peak RSS (MB) | target | lines out |")
            print("|---|---|---|---|---|---|---|---|")
            print(f"| corpus records | {n} | {size / 2**20:.1f} | {secs:.1f} | {size / 2**20 / secs:.2f} | "
                  f"{rss:.0f} | < 300 | {lines_out} |")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
