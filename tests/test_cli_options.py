"""The command-line conventions of issue 18, each through the real `ocrclean` script or `main`:
--set/--stage, `config`, -v/--log-level, `run --json`, `check --diff` and its fix hint,
`completion`, the 80-column summary and `run --html` with the run's own config."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from pipeline import load_config
from pipeline.cli import main
from pipeline.cli.overrides import effective_config, parse_set, switched
from pipeline.errors import ConfigError

OCRCLEAN = Path(sys.executable).parent / "ocrclean"
DIRTY = "(上接5版)\n经济增长7.5% ,  好.\n\n\n\n● 推进 高质量 发展\n"


def run(*args: str, input: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(OCRCLEAN), *args], input=input, capture_output=True, timeout=120, cwd=cwd)


@pytest.fixture
def dirty(tmp_path: Path) -> Path:
    f = tmp_path / "dirty.txt"
    f.write_text(DIRTY, encoding="utf-8")
    return f


# --set and --stage


def test_set_parses_toml_values_and_bare_strings() -> None:
    assert parse_set("quality.min_score=80") == {"quality": {"min_score": 80}}
    assert parse_set("stages.dedupe.max_passes=8") == {"stages": {"dedupe": {"max_passes": 8}}}
    assert parse_set("ocr.deskew=false") == {"ocr": {"deskew": False}}
    assert parse_set("ocr.engine=rapidocr") == {"ocr": {"engine": "rapidocr"}}  # not TOML: a string
    assert parse_set('pdf.mode="text"') == {"pdf": {"mode": "text"}}
    assert parse_set("quality.paragraph_fluency=[-6.0, -7.5]") == {"quality": {"paragraph_fluency": [-6.0, -7.5]}}


def test_set_and_stage_reach_the_config() -> None:
    cfg = effective_config("default", ["quality.min_score=80", "stages.dedupe.max_passes=8"], ["t2s=off"])
    assert cfg.section("quality")["min_score"] == 80
    assert cfg.stage_settings["dedupe"]["max_passes"] == 8
    assert "t2s" not in cfg.stages and cfg.stages == [s for s in load_config("default").stages if s != "t2s"]


def test_stage_on_goes_back_to_its_default_place() -> None:
    order = load_config("default").stages
    without = [s for s in order if s not in ("markup", "dedupe")]
    assert switched(without, [("markup", True), ("dedupe", True)]) == order
    assert switched(order, [("t2s", True)]) == order  # already on: unchanged


@pytest.mark.parametrize(("argv", "says"), [
    (["--set", "quality.nope=1"], "--set quality.nope=1: unknown key(s) in [quality]: nope"),
    (["--set", "quality.min_score=high"], "--set quality.min_score=high: quality.min_score: expected a number, got 'high'"),
    (["--set", "stages.dedupe.nope=1"], "--set stages.dedupe.nope=1: unknown key(s) in [stages.dedupe]: nope"),
    (["--set", "quality"], "expected SECTION.KEY=VALUE"),
    (["--stage", "nosuch=off"], "unknown stage 'nosuch'"),
    (["--stage", "dedupe=maybe"], "expected NAME=off or NAME=on"),
])
def test_bad_overrides_are_one_line_config_errors(dirty: Path, argv: list[str], says: str) -> None:
    for command in (["clean", str(dirty)], ["check", str(dirty)], ["config"]):
        res = run(*command, *argv)
        assert res.returncode == 2, (command, res.stderr)
        err = res.stderr.decode("utf-8")
        assert err.startswith("ocrclean: error: ") and err.count("\n") == 1 and says in err, err
        assert res.stdout == b""


def test_stage_off_changes_the_output(dirty: Path) -> None:
    assert "●" not in run("clean", str(dirty)).stdout.decode("utf-8")
    kept = run("clean", str(dirty), "--stage", "markup=off").stdout.decode("utf-8")
    assert "●" in kept  # markup removes decorative bullets; without it the bullet stays
    report = json.loads(run("clean", str(dirty), "--stage", "markup=off", "--report", "-").stderr)
    assert "markup" not in report["timings"] and "dedupe" in report["timings"]
    assert report["pipeline"]["config_digest"] == effective_config("default", [], ["markup=off"]).digest


def test_set_min_score_marks_a_run(tmp_path: Path, dirty: Path) -> None:
    res = run("run", str(dirty), "--out", str(tmp_path / "o"), "-q", "--set", "quality.min_score=101")
    assert res.returncode == 1  # below the minimum score, as with --min-score 101


# config


def test_config_prints_loadable_toml_with_the_overrides(tmp_path: Path) -> None:
    res = run("config", "--set", "quality.min_score=80", "--stage", "t2s=off", "--set", "stages.dedupe.max_passes=8")
    assert res.returncode == 0, res.stderr
    text = res.stdout.decode("utf-8")
    assert text.startswith("# effective config (ocrclean config ")
    data = tomllib.loads(text)
    assert data["quality"]["min_score"] == 80 and data["stages"]["dedupe"]["max_passes"] == 8
    assert "t2s" not in data["pipeline"]["stages"]
    assert data["limits"]["max_pdf_pages"] == 2000  # defaults filled in
    mine = tmp_path / "mine.toml"
    mine.write_text(text, encoding="utf-8")
    back, want = load_config(mine), effective_config("default", ["quality.min_score=80", "stages.dedupe.max_passes=8"],
                                                     ["t2s=off"])
    assert back.stages == want.stages and back.stage_settings == want.stage_settings
    assert all(back.section(s) == want.section(s) for s in ("limits", "output", "quality", "ocr", "pdf"))


def test_config_of_the_default_round_trips() -> None:
    data = tomllib.loads(run("config").stdout.decode("utf-8"))
    cfg = load_config("default")
    assert data["pipeline"]["stages"] == cfg.stages
    assert {k: v for k, v in data["stages"].items()} == {k: v for k, v in cfg.stage_settings.items() if v}


# logging


def test_verbose_and_log_level(dirty: Path) -> None:
    quiet = run("clean", str(dirty))
    assert quiet.returncode == 0 and quiet.stderr == b""
    for argv in (["-v", "clean", str(dirty)], ["clean", "-v", str(dirty)], ["clean", str(dirty), "--log-level", "info"]):
        res = run(*argv)
        err = res.stderr.decode("utf-8").splitlines()
        assert res.returncode == 0 and err, argv
        assert all(ln.startswith("ocrclean: info: ") for ln in err), err
        assert any("config default" in ln for ln in err) and res.stdout == quiet.stdout
    assert run("clean", str(dirty), "-v", "--log-level", "error").stderr == b""  # --log-level wins


def test_errors_keep_their_form_at_every_level(tmp_path: Path) -> None:
    for argv in ([], ["--log-level", "error"], ["-vv"]):
        res = run("clean", str(tmp_path / "missing.txt"), *argv)
        lines = res.stderr.decode("utf-8").splitlines()
        assert res.returncode == 2
        assert [ln for ln in lines if ln.startswith("ocrclean: error: ")], lines
        if not argv or argv == ["--log-level", "error"]:
            assert len(lines) == 1, lines


# run --json and the summary table


def test_run_json_is_one_object_on_stdout(tmp_path: Path, dirty: Path) -> None:
    res = run("run", str(dirty), str(tmp_path / "missing.txt"), "--out", str(tmp_path / "o"), "--json")
    assert res.returncode == 2
    doc = json.loads(res.stdout)  # one object, nothing else on stdout
    assert doc["exit_code"] == 2 and doc["processed"] == 1 and doc["failed"] == 1
    assert doc["files"][0]["file"] == str(dirty) and doc["files"][0]["status"] == "ok"
    assert doc["removed_chars"] == doc["files"][0]["removed_chars"] > 0
    assert any("missing.txt" in e for e in doc["errors"])
    assert res.stderr.decode("utf-8").startswith("ocrclean: error: ")


def test_summary_fits_80_columns_in_input_order(tmp_path: Path) -> None:
    from rich.cells import cell_len

    deep = tmp_path / ("很长的文件夹名称" * 4) / "subfolder-with-a-long-name"
    deep.mkdir(parents=True)
    for n in ["b.txt", "a.txt", "c.txt"]:
        (deep / n).write_text(DIRTY + n + "\n", encoding="utf-8")
    (deep / "z_sub").mkdir()
    (deep / "z_sub" / "0.txt").write_text(DIRTY * 20, encoding="utf-8")  # the largest: done first, shown last
    (tmp_path / "zz.txt").write_text(DIRTY, encoding="utf-8")
    args = [str(tmp_path / "zz.txt"), str(deep)]  # the file named first, then the folder walked
    res = run("run", *args, "--out", str(tmp_path / "o"))
    assert res.returncode == 0, res.stderr
    lines = res.stdout.decode("utf-8").splitlines()
    assert lines and max(cell_len(ln) for ln in lines) <= 80, lines
    rows = [ln for ln in lines if ln.strip().endswith(" ok")]
    assert len(rows) == 5 and all("…" in r for r in rows[1:])
    shown = [r.split()[0] for r in rows]
    for path, end in zip(shown, ["/zz.txt", "/a.txt", "/b.txt", "/c.txt", "/z_sub/0.txt"], strict=True):
        assert path.endswith(end), shown


def test_elide_middle_counts_cells() -> None:
    from rich.cells import cell_len

    from pipeline.summary import elide_middle

    path = "报告/二〇二六年/政府工作报告全文.txt"
    for w in range(4, 40):
        e = elide_middle(path, w)
        assert cell_len(e) <= w and (e == path or "…" in e), (w, e)
        assert w < 14 or e.endswith("全文.txt"), (w, e)


# check --diff and the fix hint


def test_check_diff_is_a_patch_that_makes_the_clean_form(tmp_path: Path, dirty: Path) -> None:
    res = run("check", "--diff", dirty.name, cwd=tmp_path)
    assert res.returncode == 1
    out = res.stdout.decode("utf-8")
    assert out.startswith(f"--- {dirty.name}\n+++ {dirty.name}\n@@ -1,6 +1,3 @@\n")
    assert "-● 推进 高质量 发展\n+推进高质量发展\n" in out
    assert out.rstrip("\n").endswith(f"run 'ocrclean check --fix {dirty.name}' to fix it")
    patch = out[: out.rindex(f"{dirty.name}: not in clean form")]
    if shutil.which("patch"):
        subprocess.run(["patch", "-p0", "-s"], input=patch.encode("utf-8"), cwd=tmp_path, check=True)
        assert run("check", str(dirty)).returncode == 0
    assert dirty.read_bytes() != DIRTY.encode() or not shutil.which("patch")


def test_check_diff_no_newline_and_clean_files(tmp_path: Path) -> None:
    from pipeline.cli.check import unified_diff

    assert unified_diff("a", "好。".encode(), "好。\n") == "--- a\n+++ a\n@@ -1 +1 @@\n-好。\n\\ No newline at end of file\n+好。\n"
    clean = tmp_path / "c.txt"
    clean.write_text("好。\n", encoding="utf-8")
    assert run("check", "--diff", str(clean)).stdout == b""
    assert run("check", "--diff", "--fix", str(clean)).returncode == 2


def test_fix_hint_repeats_the_config_options(dirty: Path) -> None:
    res = run("check", str(dirty), "--set", "quality.min_score=10", "--stage", "t2s=off")
    hint = res.stdout.decode("utf-8").splitlines()[-1]
    assert hint == (f"{dirty}: not in clean form; run 'ocrclean check --fix --set quality.min_score=10 "
                    f"--stage t2s=off {dirty}' to fix it")
    fixed = run("check", "--fix", "--set", "quality.min_score=10", "--stage", "t2s=off", str(dirty))
    assert fixed.returncode == 1 and b"not in clean form" not in fixed.stdout
    assert run("check", str(dirty), "--set", "quality.min_score=10", "--stage", "t2s=off").returncode == 0


# completion


def test_completion_scripts() -> None:
    bash = run("completion", "bash")
    assert bash.returncode == 0
    script = bash.stdout.decode("utf-8")
    assert "complete" in script and "--log-level" in script and "--stage" in script
    for name in ("run", "clean", "check", "jsonl", "config", "completion"):
        assert re.search(rf"\b{name}\b", script)
    if shutil.which("bash"):
        subprocess.run(["bash", "-n"], input=bash.stdout, check=True)
    zsh = run("completion", "zsh").stdout.decode("utf-8")
    assert zsh.startswith("#compdef ocrclean") and "--set" in zsh
    assert run("completion", "fish").returncode == 2  # not a choice: a usage error


# --html with the run's own config


def test_html_uses_the_runs_effective_config(tmp_path: Path, dirty: Path) -> None:
    out = tmp_path / "o"
    res = run("run", str(dirty), "--out", str(out), "-q", "--html", "--stage", "t2s=off", "--set", "quality.min_score=10")
    assert res.returncode == 0, res.stderr
    page = next((out / "html").glob("doc-*.html")).read_text(encoding="utf-8")
    assert "was read again with config" not in page  # the same settings as the run, not a re-read of --config


def test_main_in_process(dirty: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "--set", "ocr.engine=rapidocr"]) == 0
    assert 'engine = "rapidocr"' in capsys.readouterr().out
    with pytest.raises(ConfigError):
        effective_config("default", ["quality.min_score=[1]"], [])


def test_path_completions_are_shtabs() -> None:
    import shtab

    from pipeline.cli import DIRECTORY, FILE
    from pipeline.cli.completion import SHELLS

    for shell in SHELLS:
        assert FILE[shell] == shtab.FILE[shell] and DIRECTORY[shell] == shtab.DIRECTORY[shell]
    assert "_shtab_compgen_dirs" in run("completion", "bash").stdout.decode("utf-8")  # --out DIR completes folders


def test_json_escapes_c1_controls_and_columns_widens_the_table(tmp_path: Path) -> None:
    import os

    from rich.cells import cell_len

    folder = tmp_path / ("a-long-folder-name-" * 4)
    folder.mkdir()
    name = "evil\x9b31m.txt"
    (folder / name).write_text(DIRTY, encoding="utf-8")
    res = run("run", str(folder), "--out", str(tmp_path / "o"), "--json")
    assert b"\xc2\x9b" not in res.stdout and json.loads(res.stdout)["files"][0]["file"] == str(folder / name)
    wide = subprocess.run([str(OCRCLEAN), "run", str(folder), "--out", str(tmp_path / "o")], capture_output=True,
                          env={**os.environ, "COLUMNS": "200"}, timeout=120)
    lines = wide.stdout.decode("utf-8").splitlines()
    assert 80 < max(cell_len(ln) for ln in lines) <= 200 and any("evil\\x9b31m.txt" in ln for ln in lines)
