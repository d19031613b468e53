"""The pre-commit hooks, run by the real `pre-commit` tool in a throw-away git repo.

The hooks are declared `repo: local` with `language: system` pointing at this
venv's `ocrclean`, so nothing is downloaded or installed: the test works offline.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLES, SHARED

BIN = Path(sys.executable).parent
OCRCLEAN = BIN / "ocrclean"
PRE_COMMIT = BIN / "pre-commit"
DIRTY = "(上接5版)\n经济增长7.5% ,  好.\n\n\n\n● 推进 高质量 发展\n"

pytestmark = pytest.mark.skipif(
    not (PRE_COMMIT.exists() and OCRCLEAN.exists() and shutil.which("git")),
    reason="needs git and pre-commit + ocrclean installed in the venv (pip install -e '.[dev]')",
)


def _seed_files(dest: Path) -> None:
    """A copy of ../shared/seeds, else of the project's sample texts, else one dirty file."""
    src = SHARED / "seeds"
    files = sorted(src.glob("*.txt")) if src.is_dir() else sorted(SAMPLES.rglob("*.txt"))
    dest.mkdir(parents=True)
    for f in files:
        shutil.copy(f, dest / f.name)
        os.chmod(dest / f.name, 0o644)
    (dest / "zz_dirty.txt").write_text(DIRTY, encoding="utf-8")


def _config(min_score: float) -> str:
    return f"""repos:
  - repo: local
    hooks:
      - id: ocrclean-fix
        name: ocrclean fix
        entry: {OCRCLEAN} check --fix
        language: system
        files: ^seeds/.*\\.txt$
      - id: ocrclean-check
        name: ocrclean check
        entry: {OCRCLEAN} check
        args: [--min-score, "{min_score:g}"]
        language: system
        files: ^seeds/.*\\.txt$
"""


def _git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=check, env=_env(repo)
    )


def _env(repo: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PRE_COMMIT_HOME=str(repo.parent / "pc-cache"),
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.org",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.org",
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        PRE_COMMIT_COLOR="never",
    )
    env.pop("GIT_DIR", None)
    env.pop("GIT_INDEX_FILE", None)
    return env


def _pre_commit(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(PRE_COMMIT), *args], cwd=repo, capture_output=True, text=True, env=_env(repo), timeout=300
    )


def test_fix_then_commit_then_check(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "commit.gpgsign", "false")
    _seed_files(repo / "seeds")
    (repo / ".pre-commit-config.yaml").write_text(_config(min_score=1), encoding="utf-8")
    before = {p.name: p.read_bytes() for p in (repo / "seeds").iterdir()}
    installed = _pre_commit(repo, "install")
    assert installed.returncode == 0, installed.stdout + installed.stderr

    _git(repo, "add", "-A")
    first = _git(repo, "commit", "-q", "-m", "add reports", check=False)
    out = first.stdout + first.stderr
    assert first.returncode != 0, out  # the fix hook rewrote files and failed, like end-of-file-fixer
    assert "Fixing seeds/zz_dirty.txt" in out
    assert "removed (" in out  # it says what it removed
    after = {p.name: p.read_bytes() for p in (repo / "seeds").iterdir()}
    assert after["zz_dirty.txt"] != before["zz_dirty.txt"]
    assert _git(repo, "rev-parse", "--verify", "HEAD", check=False).returncode != 0  # nothing committed
    assert not list((repo / "seeds").glob("*.report.json"))  # no report unless configured

    _git(repo, "add", "-A")
    second = _git(repo, "commit", "-q", "-m", "add reports", check=False)
    assert second.returncode == 0, second.stdout + second.stderr
    assert {p.name: p.read_bytes() for p in (repo / "seeds").iterdir()} == after  # idempotent

    check = _pre_commit(repo, "run", "ocrclean-check", "--all-files")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "Passed" in check.stdout


def test_check_hook_reports_path_line_kind(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "seeds").mkdir(parents=True)
    _git(repo, "init", "-q", "-b", "main")
    (repo / "seeds" / "dirty.txt").write_text(DIRTY, encoding="utf-8")
    (repo / ".pre-commit-config.yaml").write_text(_config(min_score=101), encoding="utf-8")
    _git(repo, "add", "-A")
    res = _pre_commit(repo, "run", "ocrclean-check", "--all-files")
    assert res.returncode == 1, res.stdout + res.stderr
    *lines, hint = [ln for ln in res.stdout.splitlines() if ln.startswith("seeds/dirty.txt:")]
    assert hint == "seeds/dirty.txt: not in clean form; run 'ocrclean check --fix seeds/dirty.txt' to fix it"
    assert lines and all(re.match(r"seeds/dirty\.txt:\d+: [a-z-]+: .+", ln) for ln in lines), res.stdout
    assert any(": low-score: " in ln for ln in lines)  # 101 is out of reach
    assert (repo / "seeds" / "dirty.txt").read_text(encoding="utf-8") == DIRTY  # check changes nothing


def test_hook_manifest_declares_both_hooks() -> None:
    import yaml

    hooks = {
        h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    }
    assert set(hooks) == {"ocrclean-fix", "ocrclean-check"}
    assert hooks["ocrclean-fix"]["entry"] == "ocrclean check --fix"
    assert "--fix" not in hooks["ocrclean-check"]["entry"]
    for h in hooks.values():
        assert h["language"] == "python" and h["types"] == ["text"]
