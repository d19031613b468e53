"""The `ocrclean` command as a user and a script see it: help, exit codes, stdin/stdout,
one-line errors, SIGTERM mid-run, the cache and --force."""

from __future__ import annotations

import hashlib
import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.cli import build_parser
from tests.conftest import SAMPLES

OCRCLEAN = Path(sys.executable).parent / "ocrclean"
DIRTY = "(上接5版)\n经济增长7.5% ,  好.\n\n\n\n● 推进 高质量 发展\n"


def run(*args: str, input: bytes | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([str(OCRCLEAN), *args], input=input, capture_output=True, timeout=timeout)


def test_help_of_every_command_has_an_example() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    assert {"run", "clean", "check", "jsonl", "config", "completion"} <= set(sub.choices)
    for name, p in [("ocrclean", parser), *sub.choices.items()]:
        text = p.format_help()
        assert "examples:" in text, name
        assert re.search(r"^\s+ocrclean \w+", text.split("examples:")[1], re.M), name


def test_clean_stdin_to_stdout() -> None:
    res = run("clean", "-", input=DIRTY.encode("utf-8"))
    assert res.returncode == 0 and res.stderr == b""
    out = res.stdout.decode("utf-8")
    assert out.endswith("\n") and "上接5版" not in out and "●" not in out
    again = run("clean", input=res.stdout)  # no argument means stdin; idempotent
    assert again.returncode == 0 and again.stdout == res.stdout


def test_exit_codes(tmp_path: Path) -> None:
    dirty = tmp_path / "dirty.txt"
    dirty.write_text(DIRTY, encoding="utf-8")
    assert run("check", str(dirty)).returncode == 1
    clean = tmp_path / "clean.txt"
    clean.write_bytes(run("clean", str(dirty)).stdout)
    assert run("check", str(clean)).returncode == 0
    assert run("check", str(clean), "--min-score", "101").returncode == 1
    assert run("run", str(clean), "--out", str(tmp_path / "o"), "-q").returncode == 0
    assert run("run", str(clean), "--out", str(tmp_path / "o2"), "-q", "--min-score", "101").returncode == 1
    assert run("clean", str(clean), "--config", "no-such-preset").returncode == 2
    assert run("check", str(tmp_path / "missing.txt")).returncode == 2
    assert run("frobnicate").returncode == 2  # argparse usage error


def test_batch_failure_is_one_line_and_exit_2(tmp_path: Path) -> None:
    good = tmp_path / "in" / "good.txt"
    good.parent.mkdir()
    good.write_text(DIRTY, encoding="utf-8")
    (tmp_path / "in" / "bad.pdf").write_bytes(b"%PDF-1.4 truncated")
    res = run("run", str(tmp_path / "in"), str(tmp_path / "nope.txt"), "--out", str(tmp_path / "out"), "-q")
    assert res.returncode == 2
    errors = res.stderr.decode("utf-8").strip().splitlines()
    assert len(errors) == 2, errors
    assert all(ln.startswith("ocrclean: error: ") and "Traceback" not in ln for ln in errors)
    assert (tmp_path / "out" / "good.txt").is_file()  # the others were still processed
    manifest = [json.loads(ln) for ln in (tmp_path / "out" / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(manifest) == 3 and any(m.get("errors") for m in manifest)  # the missing path is a record too


def _make_inputs(folder: Path, n: int = 16) -> None:
    """n distinct, moderately long reports built from the sample texts."""
    base = "\n\n".join(p.read_text(encoding="utf-8", errors="replace") for p in sorted((SAMPLES / "text").glob("*.txt"))
                       if p.read_bytes()[:2] not in (b"\xff\xfe", b"\xfe\xff"))
    folder.mkdir(parents=True)
    for i in range(n):
        body = "\n".join(f"第{i}号文件第{k}段。{base}" for k in range(12))
        (folder / f"r{i:03d}.txt").write_text(body, encoding="utf-8")


@pytest.mark.slow
def test_sigterm_leaves_whole_outputs_and_next_run_resumes(tmp_path: Path) -> None:
    inp, out = tmp_path / "in", tmp_path / "out"
    _make_inputs(inp)
    proc = subprocess.Popen([str(OCRCLEAN), "run", str(inp), "--out", str(out), "-q"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and len(list(out.glob("*.report.json"))) < 3 and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert b"interrupted" in err
    done = sorted(out.glob("*.txt"))
    assert 3 <= len(done) < 16, "the run ended before it could be interrupted"
    assert not [p for p in out.iterdir() if p.name.startswith(".") or p.suffix == ".tmp"]  # no half-written files
    for txt in done:  # every output is whole: its report's checksum matches
        rep = json.loads(txt.with_suffix(".report.json").read_text(encoding="utf-8"))
        assert hashlib.sha256(txt.read_bytes()).hexdigest() == rep["output"]["sha256"]
    assert (out / "manifest.jsonl").is_file()

    resumed = run("run", str(inp), "--out", str(out), timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    m = re.search(rb"(\d+) processed \((\d+) unchanged", resumed.stdout)
    assert m and int(m.group(1)) == 16 and int(m.group(2)) >= len(done), resumed.stdout[-400:]
    forced = run("run", str(inp / "r000.txt"), str(inp / "r001.txt"), "--out", str(out), "--force")
    assert forced.returncode == 0 and b"(0 unchanged" in forced.stdout


def test_check_fix_json_and_report_dir(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(DIRTY, encoding="utf-8")
    f.chmod(0o640)
    verdict = json.loads(run("check", str(f), "--json").stdout)
    assert verdict["ok"] is False and verdict["exit_code"] == 1
    (entry,) = verdict["files"]
    assert entry["clean"] is False and entry["removed_count"] >= 0 and entry["problems"] and {"line", "kind", "message"} <= set(entry["problems"][0])
    assert f.read_text(encoding="utf-8") == DIRTY  # check alone changes nothing

    fixed = run("check", "--fix", "--report-dir", str(tmp_path / "reports"), str(f))
    assert fixed.returncode == 1  # it changed the file, like end-of-file-fixer
    assert fixed.stdout.decode("utf-8").startswith(f"Fixing {f}")
    assert f.read_text(encoding="utf-8") != DIRTY and (f.stat().st_mode & 0o777) == 0o640
    assert json.loads((tmp_path / "reports" / "a.txt.report.json").read_text(encoding="utf-8"))["removed"]
    assert run("check", str(f)).returncode == 0
    assert run("check", "--fix", str(f)).returncode == 0 and f.read_text(encoding="utf-8") != DIRTY


@pytest.mark.parametrize("raw", [b"\xef\xbb\xbf\xe5\xa5\xbd\xe3\x80\x82\n", "好。\r\n".encode(), "好。".encode(), "好。\n\n".encode()])
def test_check_byte_level_problems(tmp_path: Path, raw: bytes) -> None:
    f = tmp_path / "b.txt"
    f.write_bytes(raw)
    res = run("check", str(f))
    assert res.returncode == 1
    *lines, hint = res.stdout.decode("utf-8").splitlines()
    assert lines and all(re.match(rf"{re.escape(str(f))}:\d+: [a-z-]+: ", ln) for ln in lines), lines
    assert hint == f"{f}: not in clean form; run 'ocrclean check --fix {f}' to fix it"
