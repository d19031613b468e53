"""CSV/TSV input: one column of every row is the text (`--field`), one output per file."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.errors import InputError
from pipeline.ingest.table import table_document
from tests.conftest import shared_path

OCRCLEAN = Path(sys.executable).parent / "ocrclean"


@pytest.mark.parametrize("name", ["2026_上海市_政府工作报告.csv", "2026_广东省_政府工作报告.csv", "2026_陕西省_政府工作报告.csv"])
def test_provincial_csv_cleans_exactly_like_its_full_text(name, pipeline_default):
    """The scraped provincial files (province, year, title, source_url, publish_date,
    full_text): the fullest column is full_text, and the clean output is exactly that of
    the full_text as a .txt file (all 31 files: identical)."""
    path = shared_path("corpus", "provincial-2026-raw", name)
    res = pipeline_default.clean_file(path)
    csv.field_size_limit(1 << 30)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        row = next(csv.DictReader(fh))
    assert res.report["metadata"]["table_field"] == "full_text"
    assert res.report["metadata"]["table_rows"] == 1
    assert res.text == pipeline_default.clean_text(row["full_text"]).text


def test_rows_are_documents_in_order_and_the_field_is_chosen():
    data = "id,body,note\n1,第一篇报告。,短\n2,,空行\n3,\"第三篇\n报告。\",短\n".encode()
    doc = table_document(data, "x.csv", ".csv", "body")
    assert doc.text == "第一篇报告。\n\n第三篇\n报告。"
    assert [ln.src for ln in doc.lines] == [(2, 2), (3, 3), (4, 4), (5, 5)]
    assert doc.metadata["table_rows"] == 3 and doc.metadata["table_rows_empty"] == 1
    # no field named: a column called "text", else the fullest
    assert table_document(b"text,other\na,bbbbbbbbbbbb\n", "t.csv", ".csv").text == "a"
    assert table_document(b"a,b\nxx,yyyy\n", "t.csv", ".csv").metadata["table_field"] == "b"


def test_tsv_uses_tabs():
    doc = table_document("标题\t正文\n报告\t经济增长，好。\n".encode(), "x.tsv", ".tsv", "正文")
    assert doc.text == "经济增长，好。"


def test_gbk_export_decodes():
    """Excel on a Chinese Windows writes CSV in GBK: it reads like a GBK text file."""
    data = "省份,全文\n浙江,各位代表：现在，我代表省人民政府向大会报告工作。\n".encode("gbk")
    doc = table_document(data, "gbk.csv", ".csv")
    assert doc.metadata["encoding"] == "gb18030" and doc.text.startswith("各位代表")


@pytest.mark.parametrize(
    "data, field, reason",
    [
        (b"a,b\n1,\xff\xfe\xfa\x80\x81 broken \xc3\x28 bytes\x00\x00\x00\x00\n" * 3, "", "binary|not text|NUL"),
        ("title,text\n报告,\"未闭合的引号\n".encode(), "", "not a well-formed CSV file at line"),
        (b"title,text\n", "", "no data rows"),
        (b"", "", "empty file"),
        (b"title,text\nx,y\n", "body", "no column 'body'.*'title', 'text'"),
        (b"title,text\nx,\ny,  \n", "text", "empty in every row"),
    ],
)
def test_bad_tables_fail_with_a_reason(data, field, reason):
    with pytest.raises(InputError, match=reason):
        table_document(data, "bad.csv", ".csv", field)


def test_field_reaches_run_and_clean(tmp_path: Path):
    src = tmp_path / "reports.csv"
    src.write_text('title,body\n报告,"经济增长7.5% ,  好."\n', encoding="utf-8")
    out = tmp_path / "out"
    res = subprocess.run([str(OCRCLEAN), "run", str(src), "--out", str(out), "--field", "title", "-q"], capture_output=True)
    assert res.returncode == 0, res.stderr
    assert (out / "reports.txt").read_text(encoding="utf-8") == "报告\n"
    res = subprocess.run([str(OCRCLEAN), "clean", str(src), "--field", "body"], capture_output=True)
    assert res.returncode == 0 and res.stdout.decode() == "经济增长7.5%，好。\n"
    res = subprocess.run([str(OCRCLEAN), "clean", str(src), "--field", "nope"], capture_output=True)
    assert res.returncode == 2 and b"no column 'nope'" in res.stderr


def test_field_is_a_config_setting():
    assert load_config({"extends": "default", "input": {"field": "full_text"}}).section("input")["field"] == "full_text"
    assert load_config("default").section("input")["field"] == ""
