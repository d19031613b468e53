"""`ocrclean jsonl`: one line in, one line out, every field kept, bad lines become error records."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from pipeline import clean_text, load_config
from pipeline.jsonl import ERROR_FIELD, run_jsonl
from tests.conftest import SAMPLES

OCRCLEAN = Path(sys.executable).parent / "ocrclean"
EXAMPLE = SAMPLES / "jsonl" / "example.jsonl"


def _run(data: bytes, **kw) -> tuple[list[dict], int, int]:
    out = io.BytesIO()
    n, bad = run_jsonl(io.BytesIO(data), out, load_config("default"), **kw)
    return [json.loads(ln) for ln in out.getvalue().decode("utf-8").splitlines()], n, bad


def test_fields_kept_and_added() -> None:
    src = [json.loads(ln) for ln in EXAMPLE.read_text(encoding="utf-8").splitlines()]
    recs, n, bad = _run(EXAMPLE.read_bytes())
    assert (n, bad) == (len(src), 0)
    for a, b in zip(src, recs, strict=True):
        assert {k: b[k] for k in a} == a  # every input field, unchanged, in order
        assert list(b)[: len(a)] == list(a)
        assert b["text_clean"] == clean_text(a["text"]).text  # the same Pipeline as the API and CLI
        q = b["quality"]
        assert 0 <= q["score"] <= 100 and q["grade"] and isinstance(q["components"], dict)


def test_bad_lines_become_error_records_and_stream_goes_on() -> None:
    good = json.dumps({"id": 1, "text": "经济增长7.5% ,  好."}, ensure_ascii=False)
    data = "\n".join([good, "{not json", "[1, 2]", '{"id": 2}', '{"id": 3, "text": 5}', good]).encode() + b"\n"
    recs, n, bad = _run(data)
    assert n == 6 and bad == 4
    assert "text_clean" in recs[0] and "text_clean" in recs[5]
    assert recs[1][ERROR_FIELD]["line"] == 2 and "JSON" in recs[1][ERROR_FIELD]["message"]
    assert recs[2][ERROR_FIELD]["message"] == "not a JSON object"
    assert recs[3]["id"] == 2 and "missing" in recs[3][ERROR_FIELD]["message"]
    assert recs[4]["id"] == 3 and "not a string" in recs[4][ERROR_FIELD]["message"]


def test_custom_fields_and_overlong_line() -> None:
    data = (json.dumps({"body": "好 ."}) + "\n" + json.dumps({"body": "x" * 5000}) + "\n").encode()
    recs, n, bad = _run(data, field="body", clean_field="clean", quality_field="q", max_line_bytes=1000)
    assert n == 2 and bad == 1
    assert "clean" in recs[0] and "q" in recs[0]
    assert "longer than" in recs[1][ERROR_FIELD]["message"]


def test_cli_stdin_stdout_and_exit_codes(tmp_path: Path) -> None:
    ok = subprocess.run([str(OCRCLEAN), "jsonl", "-", "--field", "text"], input=EXAMPLE.read_bytes(),
                        capture_output=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert len(ok.stdout.splitlines()) == len(EXAMPLE.read_bytes().splitlines())
    out = tmp_path / "o" / "clean.jsonl"
    bad = subprocess.run([str(OCRCLEAN), "jsonl", str(EXAMPLE), "--field", "nope", "--out", str(out)],
                         capture_output=True, timeout=120)
    assert bad.returncode == 2
    assert b"could not be cleaned" in bad.stderr and len(bad.stderr.splitlines()) == 1
    assert all(ERROR_FIELD in json.loads(ln) for ln in out.read_bytes().splitlines())
    assert [p.name for p in out.parent.iterdir()] == ["clean.jsonl"]  # no temp file left behind
