"""Batch outputs: the two fsync modes give the same files, the cache trusts an output
only while its text matches its report, and a bad fsync mode is a clear config error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline import load_config
from pipeline.batch import run_batch
from pipeline.config import ConfigError
from tests.conftest import SAMPLES


def _inputs(tmp_path: Path) -> Path:
    inp = tmp_path / "in"
    inp.mkdir()
    for i, f in enumerate(sorted((SAMPLES / "text").glob("*.txt"))[:4]):
        (inp / f"r{i}.txt").write_bytes(f.read_bytes())
    return inp


def _outputs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.txt"))}


@pytest.mark.parametrize("jobs", [1, 2])
def test_fsync_modes_write_the_same_outputs(tmp_path: Path, jobs: int) -> None:
    inp = _inputs(tmp_path)
    batch = run_batch([inp], tmp_path / "batch", load_config("default"), jobs=jobs)
    per_file = run_batch([inp], tmp_path / "file", load_config({"extends": "default", "output": {"fsync": "file"}}), jobs=jobs)
    assert not batch.errors and not per_file.errors
    assert _outputs(tmp_path / "batch") == _outputs(tmp_path / "file") and len(_outputs(tmp_path / "batch")) == 4
    assert not [p for p in (tmp_path / "batch").iterdir() if p.suffix == ".tmp"]
    lines = (tmp_path / "batch" / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4 and all(json.loads(x)["output"]["sha256"] for x in lines)


def test_cache_redoes_an_output_whose_text_no_longer_matches(tmp_path: Path) -> None:
    inp, out, config = _inputs(tmp_path), tmp_path / "out", load_config("default")
    run_batch([inp], out, config, jobs=1)
    good = (out / "r0.txt").read_bytes()
    (out / "r0.txt").write_bytes(b"")  # what a power cut can leave behind a rename
    again = run_batch([inp], out, config, jobs=1)
    assert again.cached == 3  # the three whole outputs are skipped, r0 is redone
    assert (out / "r0.txt").read_bytes() == good


def test_unknown_fsync_mode_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"output\.fsync: expected one of 'batch', 'file'"):
        load_config({"extends": "default", "output": {"fsync": "always"}})
