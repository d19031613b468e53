"""Every code block of README.md runs, as a reader would paste it.

Shell blocks run under `bash -euo pipefail` in a fresh folder holding a copy of
`samples/`, with this venv's `bin` first on PATH; Python blocks run with this
interpreter in such a folder; TOML blocks must load as configs; YAML blocks must
parse and name hooks that `.pre-commit-hooks.yaml` declares. A block preceded by
`<!-- readme-test: skip (reason) -->` is left out (keep that rare). Relative links
must point at files that exist.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
FENCE = re.compile(r"(?P<before>[^\n]*)\n```(?P<lang>[a-z]*)\n(?P<body>.*?)\n```", re.S)
SKIP = re.compile(r"<!--\s*readme-test:\s*skip\b")


def blocks() -> list[tuple[int, str, str, bool]]:
    """(line number, language, body, skipped) for every fenced block."""
    text = README.read_text(encoding="utf-8")
    out = []
    for m in FENCE.finditer(text):
        line = text.count("\n", 0, m.start("lang")) + 1
        out.append((line, m.group("lang"), m.group("body"), bool(SKIP.search(m.group("before")))))
    return out


BLOCKS = blocks()


def _id(b: tuple[int, str, str, bool]) -> str:
    return f"line{b[0]}-{b[1] or 'plain'}"


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "samples", tmp_path / "samples")
    return tmp_path


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop("PYTHONPATH", None)  # the installed package, as a user has it
    return env


def test_readme_has_blocks_and_few_skips() -> None:
    assert len(BLOCKS) >= 8
    assert sum(b[3] for b in BLOCKS) <= 2, "skip markers are for blocks that cannot run here"
    assert len(README.read_text(encoding="utf-8").splitlines()) <= 260


@pytest.mark.parametrize("block", BLOCKS, ids=[_id(b) for b in BLOCKS])
def test_block_runs(block: tuple[int, str, str, bool], workdir: Path) -> None:
    line, lang, body, skipped = block
    if skipped:
        pytest.skip(f"README line {line}: marked readme-test: skip")
    if lang in ("sh", "bash", "shell", "console"):
        res = subprocess.run(["bash", "-euo", "pipefail", "-c", body], cwd=workdir, env=_env(),
                             capture_output=True, text=True, timeout=600)
        assert res.returncode == 0, f"README line {line}:\n{body}\n--- stderr\n{res.stderr[-3000:]}"
    elif lang == "python":
        res = subprocess.run([sys.executable, "-c", body], cwd=workdir, env=_env(),
                             capture_output=True, text=True, timeout=600)
        assert res.returncode == 0, f"README line {line}:\n{body}\n--- stderr\n{res.stderr[-3000:]}"
    elif lang == "toml":
        from pipeline.config import load_config

        tomllib.loads(body)
        cfg_file = workdir / "readme.toml"
        cfg_file.write_text(body, encoding="utf-8")
        load_config(cfg_file)  # unknown keys are errors
    elif lang == "yaml":
        yaml = pytest.importorskip("yaml")
        doc = yaml.safe_load(body)
        declared = {h["id"] for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
        used = {h["id"] for r in doc["repos"] for h in r["hooks"]}
        assert used <= declared, used - declared
    else:
        pytest.fail(f"README line {line}: a ```{lang} block this test cannot run; give it a language or a skip marker")


def test_readme_links_resolve() -> None:
    text = README.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if "://" in target:
            continue
        assert (ROOT / target).exists(), target
