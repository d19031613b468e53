"""Text-pipeline speed: ocrclean against its nearest peers on the same inputs.

Runs on ../shared/corpus/national-clean (2.46 MB): the whole ocrclean text
pipeline (every stage and the quality scoring) on one core, data-juicer's
five-mapper chain (in the bench-only venv .bench/dj, made by `make bench`),
and ftfy.fix_text alone. Then linearity (one report vs the same report
repeated 20 times in one file) and peak memory of `ocrclean clean` on a 50 MB
input. Prints a Markdown table.

    python -m benchmarks.bench_text [--shared ../shared] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DJ_PY = ROOT / ".bench" / "dj" / "bin" / "python"


def corpus_files(shared: Path) -> list[Path]:
    d = shared / "corpus" / "national-clean"
    if not d.is_dir():
        sys.exit(f"bench_text: {d} not found; run with --shared pointing at the shared data")
    return sorted(d.glob("*.txt"))


def time_ocrclean(texts: list[str], repeat: int) -> float:
    from pipeline import Pipeline

    pipe = Pipeline("default")
    pipe.clean_text("预热文本。")  # load jieba/OpenCC/garble tables outside the timing
    return best_cpu(pipe.clean_text, texts, repeat)


def time_ftfy(texts: list[str], repeat: int) -> float:
    import ftfy

    return best_cpu(ftfy.fix_text, texts, repeat)


def best_cpu(fn, texts: list[str], repeat: int) -> float:
    """CPU seconds of `fn` over every text, the best of `repeat` passes."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        for t in texts:
            fn(t)
        best = min(best, time.process_time() - t0)
    return best


def time_dj(files: list[Path], repeat: int) -> float | None:
    if not DJ_PY.exists():
        print(f"(data-juicer venv {DJ_PY} missing: `make bench` creates it)", file=sys.stderr)
        return None
    best = float("inf")
    for _ in range(repeat):
        proc = subprocess.run(
            [str(DJ_PY), str(Path(__file__).with_name("dj_chain.py")), *map(str, files)],
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            print(proc.stderr[-2000:], file=sys.stderr)
            return None
        best = min(best, json.loads(proc.stdout.strip().splitlines()[-1])["seconds"])
    return best


def linearity(text: str) -> tuple[float, float]:
    from pipeline import Pipeline

    pipe = Pipeline("default")
    pipe.clean_text("预热文本。")
    t0 = time.process_time()
    for _ in range(3):
        pipe.clean_text(text)
    one = (time.process_time() - t0) / 3
    big = "\n".join([text] * 20)
    t0 = time.process_time()
    pipe.clean_text(big)
    return one, time.process_time() - t0


def peak_memory_mb(texts: list[str], target_mb: int = 50) -> tuple[float, float]:
    """Peak RSS (MB) and seconds of `ocrclean clean` on a ~50 MB file."""
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "big.txt"
        blob = "\n".join(texts)
        n = max(1, int(target_mb * 1024 * 1024 / len(blob.encode("utf-8"))) + 1)
        with open(big, "w", encoding="utf-8") as fh:
            for _ in range(n):
                fh.write(blob + "\n")
        size = big.stat().st_size / 1e6
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "pipeline.cli", "clean", str(big)], stdout=subprocess.DEVNULL, check=True
        )
        secs = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return peak, secs, size


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-memory", action="store_true")
    args = ap.parse_args()
    files = corpus_files(Path(args.shared))
    texts = [f.read_text(encoding="utf-8") for f in files]
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    ours = time_ocrclean(texts, args.repeat)
    ff = time_ftfy(texts, args.repeat)
    dj = time_dj(files, args.repeat)
    rows = [
        ("ocrclean (all stages + quality)", ours),
        ("data-juicer 5-mapper chain", dj),
        ("ftfy.fix_text alone", ff),
    ]
    print(
        f"\nText pipeline throughput, national corpus ({len(files)} files, {mb:.2f} MB), one core, best of {args.repeat}\n"
    )
    print("| tool | CPU seconds | MB/s | vs data-juicer |")
    print("|---|---:|---:|---:|")
    for name, secs in rows:
        if secs is None:
            print(f"| {name} | n/a | n/a | n/a |")
            continue
        ratio = f"{dj / secs:.2f}x" if dj else "n/a"
        print(f"| {name} | {secs:.2f} | {mb / secs:.2f} | {ratio} |")
    sample = max(texts, key=len)
    one, twenty = linearity(sample)
    print(
        f"\nLinearity: one report ({len(sample.encode()) / 1e3:.0f} kB) {one:.3f} s; repeated 20x in one file "
        f"{twenty:.3f} s = {twenty / one:.1f}x one report (target at most 22x)"
    )
    if not args.skip_memory:
        peak, secs, size = peak_memory_mb(texts)
        print(
            f"Peak memory: `ocrclean clean` on a {size:.0f} MB file: {peak:.0f} MB RSS, {secs:.1f} s "
            f"(target under 500 MB)"
        )


if __name__ == "__main__":
    main()
