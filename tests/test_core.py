"""The foundation: config validation, the API, reports against the schema, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import pipeline
from pipeline import ConfigError, InputError, Pipeline, load_config
from pipeline.ingest.text import decode_bytes
from pipeline.schema import validate_report

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_TEXT = ROOT / "samples" / "text"


def test_default_config_lists_every_stage_in_order():
    cfg = load_config("default")
    assert cfg.stages[0] == "unicode_hygiene"
    assert "dedupe" in cfg.stages and "punctuation" in cfg.stages
    assert set(cfg.stage_settings) == set(cfg.stages)


@pytest.mark.parametrize(
    "bad, message",
    [
        (
            {"extends": "default", "stages": {"punctuation": {"no_such_key": 1}}},
            "unknown key(s) in [stages.punctuation]",
        ),
        ({"extends": "default", "limits": {"max_bytes": 1}}, "unknown key(s) in [limits]"),
        ({"extends": "default", "colour": "blue"}, "unknown top-level key"),
        ({"pipeline": {"stages": ["unicode_hygiene", "no_such_stage"]}}, "unknown stage 'no_such_stage'"),
    ],
)
def test_unknown_config_keys_are_clear_errors(bad, message):
    with pytest.raises(ConfigError) as exc:
        load_config(bad)
    assert message in str(exc.value)


def test_missing_config_names_the_known_presets():
    with pytest.raises(ConfigError, match="not found.*default"):
        load_config("no-such-preset")


def test_config_file_extends_default(tmp_path):
    f = tmp_path / "mine.toml"
    f.write_text('extends = "default"\n[limits]\nmax_text_bytes = 10\n', encoding="utf-8")
    cfg = load_config(f)
    assert cfg.name == "mine"
    assert cfg.section("limits")["max_text_bytes"] == 10
    assert cfg.stages == load_config("default").stages
    assert cfg.digest != load_config("default").digest


def test_clean_text_returns_text_and_a_schema_valid_report():
    res = pipeline.clean_text("中文,测试\n\n\n第二段 ")
    assert res.text.endswith("\n") and not res.text.endswith("\n\n")
    validate_report(res.report)
    assert res.report["accounting"]["unaccounted_chars"] == 0
    assert res.report["pipeline"]["config"] == "default"


def test_output_bytes_follow_the_contract():
    res = Pipeline().clean_text("\ufeff第一段结束。\r\n\r\n\r\n第二段也结束。   \n")
    assert res.text == "第一段结束。\n\n第二段也结束。\n"


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLE_TEXT.iterdir()))
def test_every_text_sample_cleans_with_a_valid_report(name):
    res = pipeline.clean_file(SAMPLE_TEXT / name)
    validate_report(res.report)
    assert res.text.strip()
    assert "\ufffd" not in res.text
    assert res.report["accounting"]["unaccounted_chars"] == 0


@pytest.mark.parametrize(
    "data, encoding",
    [
        ("政府工作报告，增长7.5%。".encode("utf-8"), "utf-8"),
        ("\ufeff政府工作报告".encode("utf-8"), "utf-8-sig"),
        ("政府工作报告，增长7.5%。".encode("gb18030"), "gb18030"),
        ("政府工作报告".encode("utf-16"), "utf-16"),
        ("政府工作报告，增长7.5%。".encode("utf-16-le"), "utf-16-le"),
    ],
)
def test_encodings_are_detected(data, encoding):
    text, enc = decode_bytes(data)
    assert text.lstrip("\ufeff").startswith("政府工作报告")
    assert enc == encoding


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "empty file"),
        (b"   \n\t\n", "only whitespace"),
        (bytes(range(256)) * 40, "binary"),
    ],
)
def test_bad_text_inputs_raise_one_line_errors(tmp_path, content, reason):
    f = tmp_path / "bad.txt"
    f.write_bytes(content)
    with pytest.raises(InputError) as exc:
        Pipeline().clean_file(f)
    assert str(f) in str(exc.value) and reason in str(exc.value)
    assert "\n" not in str(exc.value)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        Pipeline().clean_file(tmp_path / "nope.txt")


def test_batch_reports_each_bad_input_and_goes_on(tmp_path):
    src = tmp_path / "in"
    (src / "empty_dir").mkdir(parents=True)
    (src / "good.txt").write_text("经济增长7.5%。\n", encoding="utf-8")
    (src / "empty.txt").write_bytes(b"")
    (src / "binary.txt").write_bytes(bytes(range(256)) * 40)
    out = tmp_path / "out"
    before = {p: p.read_bytes() for p in src.rglob("*") if p.is_file()}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline.cli",
            "run",
            str(src),
            str(src / "empty_dir"),
            str(tmp_path / "missing"),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("ocrclean: error:")]
    assert len(errors) == 4, proc.stderr
    assert any("empty.txt: empty file" in e for e in errors)
    assert any("binary.txt" in e and "binary" in e for e in errors)
    assert any("missing: no such file" in e for e in errors)
    assert any("empty_dir: folder holds no input files" in e for e in errors)
    assert "Traceback" not in proc.stderr
    assert (out / "good.txt").read_text(encoding="utf-8") == "经济增长7.5%。\n"
    manifest = [json.loads(x) for x in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(manifest) == 5  # good, the two bad files, then the missing path and the empty folder
    assert [r["errors"][0].split(": ", 1)[1] for r in manifest[3:]] == [
        "folder holds no input files (.bmp, .csv, .htm, .html, .jpeg, .jpg, .markdown, .md, .pdf, .png, "
        ".tex, .text, .tif, .tiff, .tsv, .txt, .webp, .xhtml)",
        "no such file or directory",
    ]
    for rec in manifest:
        validate_report(rec)
    # inputs are never modified and no temp files are left behind
    assert before == {p: p.read_bytes() for p in src.rglob("*") if p.is_file()}
    assert not list(out.rglob("*.tmp"))
