"""Every `sh` block of docs/cli.md runs, as a reader would paste it (under
`bash -euo pipefail`, in a fresh folder holding a copy of `samples/`, this venv's
`bin` first on PATH), and the page names every command and option the parser has."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "cli.md"
BLOCKS = [(m.start(), m.group(1)) for m in re.finditer(r"```sh\n(.*?)\n```", PAGE.read_text(encoding="utf-8"), re.S)]


@pytest.mark.parametrize("block", BLOCKS, ids=[f"offset{b[0]}" for b in BLOCKS])
def test_sh_block_runs(tmp_path: Path, block: tuple[int, str]) -> None:
    shutil.copytree(ROOT / "samples", tmp_path / "samples")
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop("PYTHONPATH", None)
    res = subprocess.run(["bash", "-euo", "pipefail", "-c", block[1]], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, f"{block[1]}\n--- stderr:\n{res.stderr[-3000:]}"


def test_page_names_every_command_and_option() -> None:
    text = PAGE.read_text(encoding="utf-8")
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, type(parser._subparsers._group_actions[0])))
    for name, p in sub.choices.items():
        assert f"## `ocrclean {name}`" in text or name == "completion", name
        for action in p._actions:
            for opt in action.option_strings:
                if opt.startswith("--"):
                    assert f"`{opt}" in text, (name, opt)
