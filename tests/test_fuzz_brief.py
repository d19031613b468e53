"""The atheris target, run briefly as a subprocess: no crash in ~20 s.

`make fuzz` runs the same target for 10 minutes; see the README (hostile inputs).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SECONDS = int(os.environ.get("OCRCLEAN_FUZZ_SECONDS", "20"))


def test_fuzz_text_briefly(tmp_path: Path):
    pytest.importorskip("atheris")
    scratch = tmp_path / "corpus"
    scratch.mkdir()
    cmd = [sys.executable, str(HERE / "fuzz_text.py"), f"-max_total_time={SECONDS}", "-max_len=2048",
           f"-artifact_prefix={tmp_path}/", "-print_final_stats=1", str(scratch), str(HERE / "fuzz_corpus")]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=SECONDS + 240, cwd=HERE.parent,
                         env={**os.environ, "PYTHONUTF8": "1"})
    log = res.stderr
    crashes = sorted(p.name for p in tmp_path.glob("crash-*")) + sorted(p.name for p in tmp_path.glob("timeout-*"))
    assert res.returncode == 0 and not crashes, (crashes, log[-4000:])
    runs = re.search(r"stat::number_of_executed_units:\s*(\d+)", log)
    assert runs and int(runs.group(1)) > 50, log[-2000:]
    cov = re.findall(r"cov: (\d+)", log)
    print(f"fuzz: {runs.group(1)} executions in {SECONDS} s, coverage {cov[-1] if cov else '?'} edges", file=sys.stderr)
