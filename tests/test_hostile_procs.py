"""No process outlives its document or its parent (issue 14, item 3).

Each run gets a marker in its environment; afterwards no process carrying the
marker may be left: not the `tesseract` child of a document stopped by its
time limit or by SIGTERM, not the pool workers of an `ocrclean run -j2` killed
with SIGKILL.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psutil
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from pagegen import PageSpec, render  # noqa: E402

from tests.test_hostile import marked_processes as marked  # noqa: E402

OCRCLEAN = [sys.executable, "-m", "pipeline.cli"]
pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")


def wait_for(pred, timeout: float, step: float = 0.1):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        got = pred()
        if got:
            return got
        time.sleep(step)
    return pred()


def tesseracts(mark: str) -> list[psutil.Process]:
    return [p for p in marked(mark) if p.name().startswith("tesseract")]


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> Path:
    """Three scanned pages that each keep Tesseract busy for seconds."""
    d = tmp_path_factory.mktemp("pages")
    from PIL import Image

    for i in range(3):
        img, _ = render(PageSpec(f"p{i}", 7 + i, columns=3, headline=0))
        img.save(d / f"page{i}.png")
    tall = Image.new(img.mode, (img.width, img.height * 3), "white")  # about 30 s of Tesseract
    for k in range(3):
        tall.paste(img, (0, img.height * k))
    (d / "tall").mkdir()
    tall.save(d / "tall" / "tall.png")
    return d


def start(args: list[str], cwd: Path, mark: str) -> subprocess.Popen:
    env = {**os.environ, "OCRCLEAN_TEST_MARK": mark, "PYTHONUTF8": "1"}
    env.pop("OCRCLEAN_DEBUG", None)
    return subprocess.Popen([*OCRCLEAN, *args], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def reap_leftovers(mark: str) -> list[str]:
    """Kill what a failed test left behind (so the suite stays clean); their names."""
    left = marked(mark)
    names = [f"{p.name()}[{p.pid}]" for p in left]
    for p in left:
        try:
            p.kill()
        except psutil.Error:
            pass
    return names


def test_time_limit_kills_tesseract(pages: Path, tmp_path: Path):
    cfg = tmp_path / "fast.toml"
    cfg.write_text('extends = "default"\n[limits]\nmax_seconds_per_document = 4\n', encoding="utf-8")
    mark = uuid.uuid4().hex
    proc = start(["run", str(pages / "page0.png"), "--out", str(tmp_path / "out"), "-c", str(cfg), "-q"], tmp_path, mark)
    try:
        saw = wait_for(lambda: tesseracts(mark), 30, 0.02)
        _, err = proc.communicate(timeout=60)
        assert saw, "tesseract never started: the test proves nothing"
        assert proc.returncode == 2 and b"took longer than 4 s" in err, err
        time.sleep(0.3)
        assert not marked(mark)
    finally:
        proc.kill()
        assert not reap_leftovers(mark)


@pytest.mark.parametrize("jobs", [1, 2])
def test_sigterm_kills_tesseract(pages: Path, tmp_path: Path, jobs: int):
    """In-process (one document) and in pool workers: SIGTERM ends the run within
    seconds, engines and workers included (the pool used to let each worker finish)."""
    mark = uuid.uuid4().hex
    what = [str(pages / "tall")] if jobs == 1 else [str(pages / "tall"), str(pages / "page2.png")]
    proc = start(["run", *what, "--out", str(tmp_path / "out"), "-q", "-j", str(jobs)], tmp_path, mark)
    try:
        assert wait_for(lambda: len(tesseracts(mark)) == jobs, 60, 0.05), "tesseract never started"
        t0 = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
        assert time.monotonic() - t0 < 10
        assert proc.returncode == 130, err
        assert b"Traceback" not in err
        assert wait_for(lambda: not marked(mark), 1), [p.name() for p in marked(mark)]
    finally:
        proc.kill()
        assert not reap_leftovers(mark)


def test_kill9_of_parent_ends_pool_workers_and_engines(pages: Path, tmp_path: Path):
    mark = uuid.uuid4().hex
    proc = start(["run", str(pages), "--out", str(tmp_path / "out"), "-q", "-j", "2"], tmp_path, mark)
    try:
        assert wait_for(lambda: tesseracts(mark), 60, 0.05), "tesseract never started"
        workers = [p for p in marked(mark) if p.pid != proc.pid and not p.name().startswith("tesseract")]
        assert workers, "no pool workers seen"
        proc.kill()
        proc.communicate(timeout=10)
        assert wait_for(lambda: not marked(mark), 10), [p.name() for p in marked(mark)]
    finally:
        proc.kill()
        assert not reap_leftovers(mark)
