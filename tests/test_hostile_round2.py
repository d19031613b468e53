"""Hostile inputs, round two (issue 14, items 4-8, 10, 11): each test failed before its fix."""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from pipeline import clean_text, load_config
from pipeline.check import check_file, diff_problems
from pipeline.errors import ConfigError
from pipeline.jsonl import ERROR_FIELD, run_jsonl

OCRCLEAN = [sys.executable, "-m", "pipeline.cli"]
ENV = {**os.environ, "PYTHONUTF8": "1"}
GOOD = "政府工作报告\n\n各位代表：\n\n2023年，国内生产总值增长5.2%，城镇新增就业1244万人。\n"


def ocrclean(*args: str, cwd: Path, umask: int | None = None, **kw) -> subprocess.CompletedProcess:
    pre = (lambda: os.umask(umask)) if umask is not None else None
    res = subprocess.run([*OCRCLEAN, *args], cwd=cwd, capture_output=True, env=ENV, timeout=300, preexec_fn=pre, **kw)
    assert b"Traceback" not in res.stderr, res.stderr.decode(errors="replace")[-2000:]
    return res


def err_lines(res: subprocess.CompletedProcess) -> list[str]:
    return res.stderr.decode("utf-8", "replace").splitlines()


# -- 4. check is near linear --------------------------------------------------------
def test_check_diff_is_not_cubic():
    """1000 changed paragraphs between blank lines: difflib took 123 s, here well under 2 s."""
    n = 1000
    raw = "\n\n".join(f"第{i}段经济增长{i % 7}个百分点" for i in range(n)).encode() + b"\n"
    clean = "\n\n".join(f"第{i}段经济增长{i % 7 + 1}个百分点" for i in range(n)) + "\n"
    t0 = time.monotonic()
    probs = diff_problems(raw, clean)
    assert time.monotonic() - t0 < 2
    assert [(p.line, p.kind) for p in probs[:3]] == [(1, "changed"), (3, "changed"), (5, "changed")]
    assert len(probs) == n


def test_check_runs_under_the_time_limit(tmp_path: Path):
    f = tmp_path / "a.txt"
    f.write_text("经济增长 。\n" * 2000, encoding="utf-8")
    cfg = load_config({"extends": "default", "limits": {"max_seconds_per_document": 0.001}})
    fc = check_file(f, cfg)
    assert fc.error and "max_seconds_per_document" in fc.error


# -- 5. check applies run's file checks -------------------------------------------------
def test_check_refuses_fifo_and_devices(tmp_path: Path):
    fifo = tmp_path / "fifo.txt"
    os.mkfifo(fifo)
    res = ocrclean("check", str(fifo), "/dev/zero", cwd=tmp_path)
    assert res.returncode == 2
    lines = err_lines(res)
    assert len(lines) == 2 and all("not a regular file" in ln for ln in lines), lines


def test_check_applies_the_size_limit(tmp_path: Path):
    f = tmp_path / "big.txt"
    f.write_text("经济增长。\n" * 1000, encoding="utf-8")
    fc = check_file(f, load_config({"extends": "default", "limits": {"max_text_bytes": 1000}}))
    assert fc.error and "max_text_bytes" in fc.error


# -- 6. one input never crashes the batch ------------------------------------------------
def test_batch_survives_hostile_names(tmp_path: Path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    bsrc = os.fsencode(src)
    names = [b"a" * 251 + b".txt", b"\xb9\xfa" * 120 + b".txt", b"a.md", b"ok.txt"]
    for name in names:
        with open(os.path.join(bsrc, name), "wb") as fh:
            fh.write(GOOD.encode())
    (src / "a.txt").mkdir()
    (src / "a.txt" / "b.txt").write_text(GOOD, encoding="utf-8")
    (src / "sub").mkdir()
    (src / "sub" / "x.txt").write_text(GOOD, encoding="utf-8")
    out.mkdir()
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere", out / "sub")  # a symlinked folder inside --out
    res = ocrclean("run", str(src), "--out", str(out), "-q", cwd=tmp_path)
    lines = err_lines(res)
    assert res.returncode == 2
    assert len(lines) == 1 and "sub/x.txt" in lines[0] and "symbolic link" in lines[0], lines
    assert not any((tmp_path / "elsewhere").iterdir())
    manifest = [json.loads(x) for x in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    done = [r for r in manifest if not r.get("errors")]
    assert len(done) == 5  # the four files and a.txt/b.txt
    for rec in done:
        p = Path(rec["output"]["path"])
        assert p.read_text(encoding="utf-8") == clean_text(GOOD).text
        assert len(os.fsencode(p.name)) <= 255


def test_disk_full_ends_the_run_with_one_line(tmp_path: Path):
    if not shutil.which("unshare") or os.geteuid() != 0:
        pytest.skip("needs root and unshare to mount a small tmpfs")
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    if probe.returncode:
        pytest.skip("cannot make a mount namespace here")
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    out.mkdir()
    for i in range(30):
        (src / f"d{i:02}.txt").write_text("政府工作报告。经济增长，社会稳定。\n\n" * 200, encoding="utf-8")
    script = f"mount -t tmpfs -o size=64k tmpfs {out} && exec {' '.join(OCRCLEAN)} run {src} --out {out} -q -j 2"
    res = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, env=ENV, timeout=300,
                         cwd=Path(__file__).parent.parent)
    lines = err_lines(res)
    assert res.returncode == 2 and b"Traceback" not in res.stderr
    assert len(lines) == 1 and "no space left" in lines[0], lines


# -- 7. surrogates, and jsonl keeps every other field byte for byte ----------------------
def test_lone_surrogate_is_cleaned_not_raised():
    res = clean_text("x \ud800 经济增长。")
    assert "\ud800" not in res.text and "经济增长" in res.text
    assert res.report["accounting"]["unaccounted_chars"] == 0


def _jsonl(data: bytes, **kw) -> tuple[list[bytes], int, int]:
    out = io.BytesIO()
    n, bad = run_jsonl(io.BytesIO(data), out, load_config("default"), **kw)
    return out.getvalue().splitlines(), n, bad


def test_jsonl_keeps_other_fields_byte_for_byte():
    line = b'{"text":"x \\ud800 \xe7\xbb\x8f\xe6\xb5\x8e","n":1e400,"f":0.1000000000000000055511151231257827,"d":1,"d":2}'
    lines, n, bad = _jsonl(line + b"\n")
    assert (n, bad) == (1, 0)
    assert lines[0].startswith(line[:-1] + b", ")
    rec = json.loads(lines[0])
    assert rec["text_clean"] == clean_text("x \ud800 经济").text


@pytest.mark.parametrize("line,why", [
    (b'{"text": "a", "quality": 1}', "quality"),
    (b'{"text": "a", "text_clean": "b"}', "text_clean"),
    (b'{"text": "a", "text": "b"}', "more than once"),
])
def test_jsonl_refuses_to_overwrite(line: bytes, why: str):
    lines, n, bad = _jsonl(line + b"\n")
    assert (n, bad) == (1, 1)
    assert lines[0].startswith(line[:-1])
    assert why in json.loads(lines[0])[ERROR_FIELD]["message"]


# -- 8. Big5 -------------------------------------------------------------------------------
def test_big5_is_not_read_as_gb18030(tmp_path: Path):
    from pipeline.ingest.text import decode_bytes

    trad = "政府工作報告：過去一年，國內生產總值增長百分之五點二，城鎮新增就業一千二百萬人，經濟實現回升向好。"
    text, enc = decode_bytes(trad.encode("big5"))
    assert text == trad and enc == "big5"
    simp = "政府工作报告：过去一年，国内生产总值增长百分之五点二，城镇新增就业，经济实现回升向好。"
    assert decode_bytes(simp.encode("gb18030")) == (simp, "gb18030")
    f = tmp_path / "big5.txt"
    f.write_bytes(trad.encode("big5"))
    res = ocrclean("clean", str(f), cwd=tmp_path)
    assert res.stdout.decode("utf-8").startswith("政府工作报告：过去一年，国内生产总值增长")


# -- 10. the garble model: threads and a corrupt cache ---------------------------------------
def test_garble_tables_build_once_under_threads(monkeypatch):
    """The race made likely by a slow `_build_dense`: other threads used to find `_mat` deleted."""
    from pipeline import garble

    arrays = {k: getattr(garble.model(), k) for k in ("cps", "log_start", "end_ratio", "keys", "cond")}
    build = garble._Model._build_dense
    monkeypatch.setattr(garble._Model, "_build_dense", lambda self: (build(self), time.sleep(0.05)))
    cp = garble._codepoints("政府工作报告经济增长推进改革开放深化供给侧结构性改革" * 20)
    for _ in range(2):
        m = garble._Model(arrays)
        errors: list[str] = []
        gate = threading.Barrier(4)

        def work(k: int, m=m, errors=errors, gate=gate) -> None:
            try:
                gate.wait()
                time.sleep(0.01 * k)
                m.logp_run(cp, np.zeros(cp.size, dtype=bool))
            except Exception as e:  # noqa: BLE001
                errors.append(repr(e))

        threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors


@pytest.mark.parametrize("content", [b"", b"garbage, not a zip", b"PK\x03\x04truncated", "npz-wrong-arrays"])
def test_corrupt_garble_cache_is_rebuilt(tmp_path: Path, content):
    cache = tmp_path / "cache"
    cache.mkdir()
    code = ("from pipeline import garble; p = garble._cache_file(garble._dict_path()); print(p)")
    path = Path(subprocess.run([sys.executable, "-c", code], env={**ENV, "OCRCLEAN_CACHE": str(cache)},
                               capture_output=True, text=True, check=True).stdout.strip())
    if content == "npz-wrong-arrays":
        np.savez(path.with_suffix(""), cps=np.zeros(3, dtype=np.float64))
    else:
        path.write_bytes(content)
    res = subprocess.run([*OCRCLEAN, "clean", "-"], input=GOOD.encode(), capture_output=True, timeout=300,
                         env={**ENV, "OCRCLEAN_CACHE": str(cache)})
    assert res.returncode == 0 and b"Traceback" not in res.stderr, res.stderr[-2000:]
    assert res.stdout.decode() == clean_text(GOOD).text
    with np.load(path) as z:
        assert z["cps"].dtype == np.uint32 and z["cps"].size > 1000  # rebuilt in place


# -- 11. modes, escapes, symlinks, inputs as outputs, config types, --out as input -----------
@pytest.mark.parametrize("umask,mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_outputs_follow_the_umask(tmp_path: Path, umask: int, mode: int):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(GOOD, encoding="utf-8")
    res = ocrclean("run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "-q", cwd=tmp_path, umask=umask)
    assert res.returncode == 0
    for name in ("a.txt", "a.report.json", "manifest.jsonl"):
        assert stat.S_IMODE((tmp_path / "out" / name).stat().st_mode) == mode, name


def test_summary_never_prints_escape_sequences(tmp_path: Path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "evil\x1b[2J\x1b]0;pwned\x07\x9b31m.txt").write_text(GOOD, encoding="utf-8")
    res = ocrclean("run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert res.returncode == 0
    for stream in (res.stdout, res.stderr):
        text = stream.decode("utf-8")
        assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text
    assert "\\x9b31m.txt" in res.stdout.decode("utf-8")  # shown escaped (the table cuts a long path in its middle)


def test_check_fix_writes_through_a_symlink(tmp_path: Path):
    target = tmp_path / "real.txt"
    target.write_text("经济增长 。\n", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to("real.txt")
    res = ocrclean("check", "--fix", str(link), cwd=tmp_path)
    assert res.returncode == 1
    assert link.is_symlink() and os.readlink(link) == "real.txt"
    assert target.read_text(encoding="utf-8") == "经济增长。\n"


def test_clean_refuses_report_over_its_input(tmp_path: Path):
    f = tmp_path / "x.txt"
    f.write_text("经济增长 。\n", encoding="utf-8")
    for report in ("x.txt", "./x.txt", str(f)):
        res = ocrclean("clean", "x.txt", "--report", report, cwd=tmp_path)
        assert res.returncode == 2 and "refusing to overwrite" in res.stderr.decode()
        assert f.read_text(encoding="utf-8") == "经济增长 。\n"


@pytest.mark.parametrize("toml,key", [
    ('extends = 5\n', "extends"),
    ('extends = "default"\n[limits]\nmax_text_bytes = "lots"\n', "limits.max_text_bytes"),
    ('extends = "default"\n[quality]\nmin_score = "high"\n', "quality.min_score"),
    ('extends = "default"\n[quality.weights]\nfluency = [1]\n', "quality.weights.fluency"),
    ('extends = "default"\n[output]\nwrite_report = 1\n', "output.write_report"),
    ('extends = "default"\n[stages.paragraphs]\njoin_wraps = "yes"\n', "stages.paragraphs.join_wraps"),
])
def test_config_type_errors_are_one_line(tmp_path: Path, toml: str, key: str):
    cfg = tmp_path / "c.toml"
    cfg.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_config(cfg)
    assert key in str(e.value)
    res = ocrclean("clean", "-", "-c", str(cfg), cwd=tmp_path, input=GOOD.encode())
    assert res.returncode == 2 and len(err_lines(res)) == 1 and key in err_lines(res)[0]


def test_config_numbers_stay_interchangeable():
    cfg = load_config({"extends": "default", "limits": {"max_seconds_per_document": 0.5}, "quality": {"min_score": 80}})
    assert cfg.section("limits")["max_seconds_per_document"] == 0.5


def test_out_equal_to_input_folder_never_reads_outputs_back(tmp_path: Path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.md").write_text(GOOD, encoding="utf-8")
    for _ in range(2):
        res = ocrclean("run", str(src), "--out", str(src), "-q", cwd=tmp_path)
        assert res.returncode == 0, err_lines(res)
    assert sorted(p.name for p in src.iterdir()) == ["a.md", "a.report.json", "a.txt", "manifest.jsonl"]
    manifest = (src / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(manifest) == 1 and json.loads(manifest[0])["source"]["path"].endswith("a.md")
