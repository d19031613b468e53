"""Every crash, hang or escape found by the hostile suite, the property tests or
the fuzzer, pinned so it cannot come back. Each test names what went wrong."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from pipeline import InputError, Pipeline
from pipeline.batch import collect_tasks
from pipeline.cli import one_line
from pipeline.config import load_config
from pipeline.emit import dump_json
from pipeline.worker import process_path

CORPUS = Path(__file__).resolve().parent / "fuzz_corpus"


@pytest.fixture(scope="module")
def pipe() -> Pipeline:
    return Pipeline("default")


def test_non_utf8_file_name_report_is_valid_json():
    """A file name that is not UTF-8 crashed writing its report (surrogates not allowed)."""
    name = os.fsdecode(b"caf\xe9 \xd5\xfe.txt")
    text = dump_json({"source": {"path": name}, "t": "政府"})
    text.encode("utf-8")
    assert json.loads(text)["source"]["path"] == name  # and back to the same bytes
    assert os.fsencode(json.loads(text)["source"]["path"]) == b"caf\xe9 \xd5\xfe.txt"


def test_newline_in_file_name_stays_one_error_line():
    assert one_line("in/a\nb.txt: empty file") == "in/a\\nb.txt: empty file"


def test_fifo_is_refused_not_waited_on(tmp_path: Path):
    """Opening a FIFO named *.txt blocked until the document time limit."""
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    t0 = time.monotonic()
    oc = process_path(str(fifo), load_config("default"))
    assert time.monotonic() - t0 < 5
    assert not oc.ok and "not a regular file" in oc.error


def test_names_equal_after_sanitising_get_distinct_outputs(tmp_path: Path):
    """`a\\nb.txt` and `a_b.txt` (and two Latin-1 names) wrote to the same output."""
    src = tmp_path / "in"
    src.mkdir()
    for name in [b"a\nb.txt", b"a_b.txt", b"caf\xe9.txt", b"caf\xe8.txt"]:
        with open(os.path.join(os.fsencode(src), name), "wb") as fh:
            fh.write("经济增长。\n".encode())
    tasks, errors = collect_tasks([src], tmp_path / "out")
    assert not errors and len({t.rel for t in tasks}) == 4


def test_unicode_whitespace_only_file_is_refused(pipe: Pipeline):
    """Ideographic spaces and NBSP passed the bytes-level whitespace check."""
    with pytest.raises(InputError, match="only whitespace"):
        pipe.clean_bytes(" \n\u3000\u00a0\t".encode() * 50, "ws.txt")


def test_email_regex_is_linear_on_long_latin_runs(pipe: Pipeline):
    """punctuation._PROTECT rescanned a long run without `@` from every position (O(n^2)):
    a 200 KB base64 blob took minutes."""
    from pipeline.stages.punctuation import _PROTECT

    blob = "QUJD" * 50_000 + "政府"
    t0 = time.perf_counter()
    assert _PROTECT.search(blob) is None
    assert time.perf_counter() - t0 < 1.0
    assert _PROTECT.search("联系 zhang.san@gov.cn 谢谢").group() == "zhang.san@gov.cn"


@pytest.mark.parametrize("seed", sorted(p.name for p in CORPUS.glob("crash-*")) or ["none"])
def test_fuzz_crashes_stay_fixed(pipe: Pipeline, seed: str):
    """Inputs the fuzzer once crashed on (tests/fuzz_corpus/crash-*)."""
    if seed == "none":
        pytest.skip("no fuzz crash recorded")
    data = (CORPUS / seed).read_bytes()
    if not data:
        return
    try:  # the fuzz target's dispatch: first byte even -> clean_bytes, odd -> clean_text
        if data[0] % 2 == 0:
            res = pipe.clean_bytes(data[1:], seed)
        else:
            res = pipe.clean_text(data[1:].decode("utf-8", "replace"))
    except InputError:
        return
    res.text.encode("utf-8")
    assert res.report["accounting"]["unaccounted_chars"] == 0


def test_dedupe_periodic_run_shorter_than_shift(pipe: Pipeline):
    """dedupe._noisy_suspects: np.repeat with a negative count (ValueError) on a
    periodic run whose length exceeds its shift, e.g. `(((【【“` repeated (fuzzer)."""
    res = pipe.clean_text("<div>" * 200 + "深化改革" + "</div>" * 200 + "(((【【“" * 50)
    assert res.text.startswith("深化改革")


def test_pdf_bomb_refused_before_parsing(tmp_path: Path):
    """A 256 KB content stream inflating to 256 MiB: pdfminer and PDFium inflated it whole
    (2-3 GB RSS for a 1 GiB bomb). Now refused by pdf.source.check_inflation, cheaply."""
    import resource

    from hostile import pdf_bomb

    path = tmp_path / "bomb.pdf"
    path.write_bytes(pdf_bomb(256 << 20))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    oc = process_path(str(path), load_config("default"))
    assert not oc.ok and "decompression bomb" in oc.error
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100 * 1024  # KiB
