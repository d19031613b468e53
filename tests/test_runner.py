"""`worker.run_one` (one document, one limit policy, one failure shape) and `jsonl --jobs N`
with real worker processes: same bytes as one job, input order, a stuck record costs only
itself, SIGTERM and a killed parent leave no worker and no half file."""

from __future__ import annotations

import io
import itertools
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from pipeline import clean_text, load_config
from pipeline.document import Document
from pipeline.jsonl import ERROR_FIELD, run_jsonl
from pipeline.registry import stage
from pipeline.worker import FAILURE_KINDS, Source, hard_grace, run_one
from tests.conftest import SAMPLES

OCRCLEAN = Path(sys.executable).parent / "ocrclean"


def _utf8(p: Path) -> bool:
    try:
        p.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


TEXTS = [p for p in sorted((SAMPLES / "text").glob("*.txt")) if _utf8(p)]


@stage("runner_test_slow", defaults={})
def _slow(doc: Document, cfg: dict) -> Document:
    """Test-only stage: spins in Python on SPIN, in native code (no signal checks) on NATIVE."""
    if "SPIN" in doc.text:
        while True:
            pass
    if "NATIVE" in doc.text:
        sum(itertools.repeat(1, 10**12))
    return doc


def slow_config(seconds: float):
    return load_config({"name": "slow", "pipeline": {"stages": ["runner_test_slow"]},
                        "limits": {"max_seconds_per_document": seconds}})


def records(n: int | None = None) -> bytes:
    lines = [json.dumps({"id": i, "text": p.read_text(encoding="utf-8")}, ensure_ascii=False) for i, p in enumerate(TEXTS)]
    return ("\n".join(lines[:n]) + "\n").encode("utf-8")


def _jsonl(data: bytes, config=None, **kw) -> tuple[bytes, int, int]:
    out = io.BytesIO()
    n, bad = run_jsonl(io.BytesIO(data), out, config or load_config("default"), **kw)
    return out.getvalue(), n, bad


# -- run_one ------------------------------------------------------------------------------
def test_run_one_sources_give_the_pipeline_text(tmp_path: Path) -> None:
    cfg = load_config("default")
    raw = TEXTS[0].read_bytes()
    want = clean_text(raw.decode("utf-8")).text
    for src in (Source.file(TEXTS[0]), Source.of_bytes(raw, "<stdin>"), Source.of_text(raw.decode("utf-8"), "<line 1>")):
        oc = run_one(src, cfg)
        assert oc.ok and oc.kind is None and oc.text == want and oc.path == src.name


def test_run_one_failures_are_one_line_with_a_kind(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("经济增长。\n" * 500, encoding="utf-8")
    cases = [
        (Source.file(tmp_path / "nope.txt"), load_config("default"), "input", "no such file"),
        (Source.file(tmp_path), load_config("default"), "input", "is a directory"),
        (Source.file(big), load_config({"extends": "default", "limits": {"max_text_bytes": 100}}), "limit", "max_text_bytes"),
        (Source.of_text("SPIN 报告\n", "<line 7>"), slow_config(0.5), "timeout", "took longer than 0.5 s"),
    ]
    for src, cfg, kind, words in cases:
        oc = run_one(src, cfg)
        assert not oc.ok and oc.kind == kind and kind in FAILURE_KINDS, (src, oc)
        assert oc.error.startswith(f"{src.name}: ") and words in oc.error and "\n" not in oc.error


def test_check_and_clean_share_the_time_limit(tmp_path: Path) -> None:
    from pipeline.check import check_file

    f = tmp_path / "a.txt"
    f.write_text("SPIN 报告\n", encoding="utf-8")
    fc = check_file(f, slow_config(0.5))
    assert fc.error == f"{f}: took longer than 0.5 s (limits.max_seconds_per_document)"


# -- jsonl: the record fields ----------------------------------------------------------------
def test_jsonl_quality_carries_flag_kinds_count_and_metadata() -> None:
    text = (SAMPLES / "text" / "newspaper_page.txt").read_text(encoding="utf-8")
    res = clean_text(text)
    out, n, bad = _jsonl((json.dumps({"text": text}, ensure_ascii=False) + "\n").encode())
    q = json.loads(out)["quality"]
    assert (n, bad) == (1, 0)
    assert q["flags"] == sorted({f["kind"] for f in res.report["flags"]})
    assert q["flag_count"] == len(res.report["flags"])
    assert q["metadata"] == res.report["metadata"]
    acc = res.report["accounting"]
    assert (q["input_chars"], q["output_chars"], q["removed_chars"]) == (
        acc["input_chars"], acc["output_chars"], acc["removed_chars"])


# -- jsonl --jobs ---------------------------------------------------------------------------
def test_jobs_gives_the_same_bytes_in_input_order() -> None:
    data = records() + b'{"id": "bad"}\n\n{not json\n'
    one, n1, bad1 = _jsonl(data)
    two, n2, bad2 = _jsonl(data, jobs=2)
    assert one == two and (n1, bad1) == (n2, bad2) == (len(TEXTS) + 2, 2)
    assert [json.loads(ln).get("id") for ln in two.splitlines()[: len(TEXTS)]] == list(range(len(TEXTS)))


def test_jobs_a_stuck_record_costs_only_itself() -> None:
    """Python spin: the alarm; native spin: the worker's watchdog, then a retry alone; the
    records after it keep their place."""
    lines = [{"id": 0, "text": "好"}, {"id": 1, "text": "NATIVE 报告"}, {"id": 2, "text": "SPIN 报告"}, {"id": 3, "text": "好"}]
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines).encode()
    limit = 1.0
    t0 = time.monotonic()
    out, n, bad = _jsonl(data, slow_config(limit), jobs=2)
    assert time.monotonic() - t0 < 4 * (limit + hard_grace(limit)) + 20
    recs = [json.loads(ln) for ln in out.splitlines()]
    assert [r["id"] for r in recs] == [0, 1, 2, 3] and (n, bad) == (4, 2)
    assert "text_clean" in recs[0] and "text_clean" in recs[3]
    for r in recs[1:3]:
        err = r[ERROR_FIELD]
        assert err["kind"] == "timeout" and "took longer than 1 s" in err["message"], err


def _children(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _start(tmp_path: Path, *args: str) -> subprocess.Popen:
    proc = subprocess.Popen([str(OCRCLEAN), "jsonl", "-", "--jobs", "2", *args], stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=tmp_path)
    assert proc.stdin is not None
    proc.stdin.write(records(2))  # and keep stdin open: the command waits for more
    proc.stdin.flush()
    deadline = time.monotonic() + 120
    while len(_children(proc.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(_children(proc.pid)) >= 2, "the worker pool did not start"
    return proc


def _gone(procs: list[psutil.Process], timeout: float = 10) -> bool:
    _, alive = psutil.wait_procs(procs, timeout=timeout)
    return not alive


def test_sigterm_stops_cleanly(tmp_path: Path) -> None:
    out = tmp_path / "o" / "clean.jsonl"
    proc = _start(tmp_path, "--out", str(out))
    workers = _children(proc.pid)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert _gone(workers)
    assert not out.exists() and not list(out.parent.iterdir())  # no output, no temp file left behind


def test_workers_die_with_a_killed_parent(tmp_path: Path) -> None:
    proc = _start(tmp_path)
    workers = _children(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert _gone(workers), [w.pid for w in workers]


@pytest.mark.parametrize("jobs", ["0", "-1"])
def test_jobs_must_be_positive(jobs: str) -> None:
    res = subprocess.run([str(OCRCLEAN), "jsonl", "-", "--jobs", jobs], input=b"", capture_output=True, timeout=120)
    assert res.returncode == 2 and b"--jobs must be at least 1" in res.stderr


# -- the manifest: error kinds and the stage accounting names --------------------------------
def test_manifest_records_validate_with_error_kind_and_stage_names(tmp_path: Path) -> None:
    from pipeline.batch import run_batch
    from pipeline.schema import validate_report

    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("经济增长7.5% ,  好.\n", encoding="utf-8")
    (src / "b.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n")  # truncated
    res = run_batch([src], tmp_path / "out", load_config("default"))
    assert res.exit_code == 2
    recs = [json.loads(ln) for ln in (tmp_path / "out" / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    for rec in recs:
        validate_report(rec)
    good, bad = recs
    assert bad["error_kind"] == "input" and bad["errors"][0].startswith(str(src / "b.pdf") + ": ")
    for row in good["accounting"]["stages"].values():
        assert set(row) == {"input_chars", "output_chars", "removed_chars", "changed_chars", "unaccounted_chars"}
        assert row["unaccounted_chars"] == 0


# -- every command cleans in a worker: the watchdog ends native code for clean and check too ----
@pytest.mark.parametrize("command", ["clean", "check"])
def test_clean_and_check_stop_native_code_past_the_limit(tmp_path: Path, capsys, command: str) -> None:
    from pipeline.cli import main

    toml = tmp_path / "slow.toml"
    toml.write_text('[pipeline]\nstages = ["runner_test_slow"]\n[limits]\nmax_seconds_per_document = 1\n', encoding="utf-8")
    f = tmp_path / "a.txt"
    f.write_text("NATIVE 报告\n", encoding="utf-8")
    t0 = time.monotonic()
    code = main([command, str(f), "-c", str(toml)])
    assert time.monotonic() - t0 < 4 * (1 + hard_grace(1)) + 20
    err = capsys.readouterr().err
    assert code == 2 and f"ocrclean: error: {f}: took longer than 1 s" in err and "stuck in native code" in err, err
