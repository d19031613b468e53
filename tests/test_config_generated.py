"""configs/default.toml and docs/settings.md are generated from the settings models
(`python -m pipeline.generate_settings`): the committed files must be what the models make,
and the shipped config must hold exactly the models' defaults."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from pipeline import load_config
from pipeline.generate_settings import PRESET, ROOT, generated, toml_value
from pipeline.registry import all_stages
from pipeline.settings.sections import SECTIONS


def test_committed_files_are_their_generation():
    stale = [rel for rel, text in generated().items() if (ROOT / rel).read_text(encoding="utf-8") != text]
    assert not stale, f"run `python -m pipeline.generate_settings` and commit: {', '.join(stale)}"


def test_check_mode_exits_1_on_a_stale_file(tmp_path: Path):
    for rel in generated():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("stale\n", encoding="utf-8")
    cmd = [sys.executable, "-m", "pipeline.generate_settings", "--check", "--root", str(tmp_path)]
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 1 and "configs/default.toml: differs" in res.stderr
    subprocess.run(cmd[:-3] + ["--root", str(tmp_path)], cwd=ROOT, check=True)
    assert subprocess.run(cmd, cwd=ROOT).returncode == 0


def test_the_shipped_config_holds_every_setting_at_its_default():
    data = tomllib.loads((ROOT / "configs" / "default.toml").read_text(encoding="utf-8"))
    assert data["pipeline"]["stages"] == PRESET["stages"]
    cfg = load_config("default")
    for sec, model in SECTIONS.items():
        assert data[sec] == model().model_dump() == cfg.section(sec), sec
    for name, spec in all_stages().items():
        if name in PRESET["stages"]:
            given = data.get("stages", {}).get(name, {})
            extra = {k: v for k, v in given.items() if v != spec.defaults[k]}
            assert set(extra) <= {"site_chrome"}, (name, extra)  # data, not a default
            assert set(given) == set(spec.defaults), name


def test_every_setting_is_in_the_reference():
    text = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    for name in PRESET["stages"]:
        assert f"## {name}\n" in text
        for key in all_stages()[name].defaults:
            assert f"| `{key}` |" in text, (name, key)
    for sec in SECTIONS:
        assert f"## {sec}\n" in text


def test_toml_values_read_back_equal():
    for value in (True, 0, -6.6, 1e-05, "a\"b\\c 中", [[50, 1.5, -6.5]], {"a": [1, 2]}, []):
        assert tomllib.loads(f"x = {toml_value(value)}")["x"] == value
