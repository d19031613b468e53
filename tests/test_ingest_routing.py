"""Which reader an input reaches (content, then suffix), what folder walks take, and how
missing paths, empty folders and unknown suffixes are reported by `run` and `check`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import Pipeline
from pipeline.config import load_config
from pipeline.discover import discover
from pipeline.ingest import sniff_kind
from tests.conftest import SAMPLES, ocr_cache_settings

OCRCLEAN = Path(sys.executable).parent / "ocrclean"
PDF = SAMPLES / "pdf" / "two_column_report.pdf"
PNG = SAMPLES / "pages" / "p6_lowres.png"


def ocrclean(*args: str, input: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(OCRCLEAN), *args], input=input, capture_output=True, timeout=300)


@pytest.mark.parametrize(
    "name, head, kind",
    [
        ("<stdin>", PDF.read_bytes()[:262], "pdf"),
        ("<stdin>", PNG.read_bytes()[:262], "image"),
        ("scan.txt", PNG.read_bytes()[:262], "image"),  # content wins over the name
        ("<stdin>", b"\xef\xbb\xbf  <!DOCTYPE html><html>", "html"),
        ("<stdin>", "经济增长".encode(), "text"),
        ("note.txt", b"BMW sales rose 5% in Shanghai", "text"),  # "BM" alone is no bitmap in a .txt
        ("page.HTM", b"<p>x</p>", "html"),
        ("a.markdown", b"# x", "markdown"),
        ("a.tsv", b"a\tb", "table"),
        ("notes.log", "经济".encode(), "text"),
        ("page.txt", b"<!DOCTYPE html><p>x</p>", "text"),  # a .txt stays text: the markup stage handles tags
    ],
)
def test_sniff_kind(name, head, kind):
    assert sniff_kind(name, head) == kind


def test_pdf_bytes_on_stdin_read_as_the_pdf_file(pipeline_default):
    data = PDF.read_bytes()
    by_bytes = pipeline_default.clean_bytes(data, "<stdin>")
    assert by_bytes.report["source"]["kind"] == "pdf" and by_bytes.report["source"]["path"] == "<stdin>"
    assert by_bytes.text == pipeline_default.clean_file(PDF).text
    res = ocrclean("clean", "-", input=data)
    assert res.returncode == 0, res.stderr
    assert res.stdout.decode("utf-8") == by_bytes.text


def test_image_bytes_on_stdin_are_ocrd():
    pipe = Pipeline(load_config({"extends": "default", "ocr": {**ocr_cache_settings(), "progress": False}}))
    res = pipe.clean_bytes(PNG.read_bytes(), "<stdin>")
    assert res.report["source"]["kind"] == "image"
    assert res.text == pipe.clean_file(PNG).text and res.text.strip()


def test_broken_pdf_on_stdin_names_stdin():
    res = ocrclean("clean", "-", input=b"%PDF-1.4 truncated")
    assert res.returncode == 2
    err = res.stderr.decode()
    assert err.startswith("ocrclean: error: <stdin>:") and "ocrclean-" not in err


def test_html_on_stdin_goes_through_the_html_reader(pipeline_default):
    page = ("<!DOCTYPE html><html><body><nav>首页 | 登录</nav><article>" + "<p>各位代表：现在，我代表政府报告工作。</p>" * 8
            + "</article></body></html>").encode()
    res = pipeline_default.clean_bytes(page, "<stdin>")
    assert res.report["metadata"]["format"] == "html" and "<p>" not in res.text


def test_folder_walk_notes_unknown_suffixes(tmp_path: Path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text("经济增长。\n", encoding="utf-8")
    (d / "b.docx").write_bytes(b"PK\x03\x04")
    (d / "Makefile").write_text("all:\n", encoding="utf-8")
    (d / ".hidden.txt").write_text("x\n", encoding="utf-8")
    found = discover([d], tmp_path / "out")
    assert [t.path.name for t in found.tasks] == ["a.txt"]
    assert found.notes == [
        f"{d / 'Makefile'}: skipped (no suffix is not an input type; name the file to read it as text)",
        f"{d / 'b.docx'}: skipped (suffix .docx is not an input type; name the file to read it as text)",
    ]
    res = ocrclean("run", str(d), "--out", str(tmp_path / "out"), "-q")
    assert res.returncode == 0
    assert res.stderr.decode().count("ocrclean: note:") == 2


def test_run_reads_a_named_file_of_unknown_suffix_by_content(tmp_path: Path):
    """A file named on the command line is meant: read by content, else as plain text; a
    binary one fails with its reason, as an error record."""
    log = tmp_path / "report.log"
    log.write_text("经济增长7.5% ,  好.\n", encoding="utf-8")
    scan = tmp_path / "scan.bin"
    scan.write_bytes(PDF.read_bytes())
    blob = tmp_path / "blob.dat"
    blob.write_bytes(bytes(range(256)) * 40)
    out = tmp_path / "out"
    res = ocrclean("run", str(log), str(scan), str(blob), "--out", str(out), "-q")
    assert res.returncode == 2
    assert (out / "report.txt").read_text(encoding="utf-8") == "经济增长7.5%，好。\n"
    manifest = [json.loads(ln) for ln in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    kinds = {Path(m["source"]["path"]).name: (m["source"].get("kind"), m.get("errors")) for m in manifest}
    assert kinds["scan.bin"][0] == "pdf"
    assert "binary" in kinds["blob.dat"][1][0]


def test_missing_paths_are_manifest_error_records_and_failures(tmp_path: Path):
    good = tmp_path / "good.txt"
    good.write_text("经济增长。\n", encoding="utf-8")
    out = tmp_path / "out"
    res = ocrclean("run", str(good), str(tmp_path / "gone.txt"), "--out", str(out))
    assert res.returncode == 2
    assert f"ocrclean: error: {tmp_path / 'gone.txt'}: no such file or directory" in res.stderr.decode()
    assert "1 processed (0 unchanged, reused), 1 failed" in res.stdout.decode()
    manifest = [json.loads(ln) for ln in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    assert manifest[-1] == {
        "schema_version": manifest[0]["schema_version"],
        "source": {"path": str(tmp_path / "gone.txt")},
        "errors": [f"{tmp_path / 'gone.txt'}: no such file or directory"],
    }
    chk = ocrclean("check", str(good), str(tmp_path / "gone.txt"), "--json")
    assert chk.returncode == 2
    files = json.loads(chk.stdout)["files"]
    assert [f["error"] for f in files if f["error"]] == [f"{tmp_path / 'gone.txt'}: no such file or directory"]


def test_run_and_check_agree_on_an_empty_folder(tmp_path: Path):
    empty = tmp_path / "empty"
    empty.mkdir()
    run = ocrclean("run", str(empty), "--out", str(tmp_path / "out"), "-q")
    chk = ocrclean("check", str(empty))
    assert run.returncode == chk.returncode == 2
    for res in (run, chk):
        lines = res.stderr.decode().strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"ocrclean: error: {empty}: folder holds no input files (")


def test_check_skips_what_has_no_clean_form(tmp_path: Path):
    """`check --fix` used to rewrite a README.md into plain text: it is now a note."""
    readme = tmp_path / "README.md"
    readme.write_text("# 标题\n\n- 一项 **加粗**\n", encoding="utf-8")
    page = tmp_path / "page.html"
    page.write_text("<p>x</p>\n", encoding="utf-8")
    before = readme.read_bytes(), page.read_bytes()
    res = ocrclean("check", "--fix", str(readme), str(page), str(tmp_path))
    assert res.returncode == 2  # the folder holds no plain text to check
    assert (readme.read_bytes(), page.read_bytes()) == before
    notes = [ln for ln in res.stderr.decode().splitlines() if ln.startswith("ocrclean: note:")]
    assert len(notes) == 4 and all("only plain text has a clean form" in n for n in notes)
    (tmp_path / "clean.txt").write_text("经济增长。\n", encoding="utf-8")
    res = ocrclean("check", "--fix", str(readme), str(tmp_path), "--json")
    assert res.returncode == 0 and readme.read_bytes() == before[0]
    assert len(json.loads(res.stdout)["notes"]) == 3
