"""`ocrclean jsonl`: the pipeline as a streaming stage for JSON Lines datasets.

One line in, one line out, in order, in constant memory: each record gets the
clean text of `--field` and its quality fields, every other field is kept as
is. A line that cannot be processed becomes an error record for that line (the
stream goes on) and the command exits 2 at the end.

"Kept as is" means byte for byte: the new fields are appended to the line's
own text, never re-serialised, so `1e400`, long floats, key order, escapes and
duplicate keys stay exactly as they were. A record that already has the
output fields is refused (its line gets an error), not overwritten; so is one
whose text field appears twice. Each record is cleaned under the per-document
time limit, like a file in `run`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from .config import Config
from .errors import OcrcleanError
from .quality import below_min_score
from .worker import document_limit, pipeline_for

MAX_LINE_BYTES = 64 * 1024 * 1024
ERROR_FIELD = "ocrclean_error"


def _lines(fh: IO[bytes], limit: int) -> Iterator[tuple[bytes, bool]]:
    """Lines without their newline; an over-long line is skipped, yielding (b"", True)."""
    while True:
        line = fh.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            while True:  # drain the rest of the line in bounded pieces
                more = fh.readline(1 << 20)
                if not more or more.endswith(b"\n"):
                    break
            yield b"", True
            continue
        yield line.rstrip(b"\r\n"), False


def quality_fields(report: dict[str, Any]) -> dict[str, Any]:
    q = report["quality"]
    acc = report["accounting"]
    return {
        "score": q["score"],
        "grade": q.get("grade"),
        "passed": q.get("passed", True),
        "min_score": q.get("min_score", 0),
        "components": q.get("components", {}),
        "flags": len(report["flags"]),
        "removed_chars": acc["removed_chars"],
        "input_chars": acc["input_chars"],
        "output_chars": acc["output_chars"],
        "version": report["pipeline"]["version"],
        "config": report["pipeline"]["config"],
    }


def _dump(value: Any) -> bytes:
    """JSON as UTF-8; a lone surrogate (in an error message) written as its escape."""
    text = json.dumps(value, ensure_ascii=False)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value).encode("ascii")


def _appended(line: bytes, empty: bool, fields: dict[str, Any]) -> bytes:
    """`line` (a JSON object's text) with `fields` added before its closing brace."""
    body = line.rstrip()[:-1].rstrip()
    extra = b", ".join(_dump(k) + b": " + _dump(v) for k, v in fields.items())
    return body + (b"" if empty else b", ") + extra + b"}"


def _error(lineno: int, message: str) -> dict[str, Any]:
    return {ERROR_FIELD: {"line": lineno, "message": message[:300]}}


def process_record(line: bytes, lineno: int, config: Config, field: str, clean_field: str,
                   quality_field: str) -> tuple[bytes, bool, bool]:
    """(the line to write, ok, passed) for one input line; `passed` is False when the record was
    cleaned but scores below `[quality] min_score`."""
    outer: list[list[tuple[str, Any]]] = []

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        outer[:] = [pairs]  # objects are built innermost first: the last one is the record
        return dict(pairs)

    try:
        rec = json.loads(line.decode("utf-8"), object_pairs_hook=pairs_hook)
    except UnicodeDecodeError as e:
        return _dump(_error(lineno, f"not valid UTF-8 (byte {e.start})")), False, True
    except (ValueError, RecursionError) as e:
        return _dump(_error(lineno, f"not valid JSON: {e}")), False, True
    if not isinstance(rec, dict):
        return _dump(_error(lineno, "not a JSON object")), False, True
    keys = [k for k, _ in outer[0]]

    def fail(message: str) -> tuple[bytes, bool, bool]:
        return _appended(line, not keys, _error(lineno, message)), False, True

    value = rec.get(field)
    if not isinstance(value, str):
        return fail(f"field {field!r} is " + ("missing" if field not in rec else f"not a string ({type(value).__name__})"))
    if keys.count(field) > 1:
        return fail(f"field {field!r} appears more than once: which one to clean is ambiguous")
    for name, option in ((clean_field, "--clean-field"), (quality_field, "--quality-field")):
        if name in rec:
            return fail(f"the record already has a {name!r} field; refusing to overwrite it (choose another {option})")
    try:
        with document_limit(config, f"<line {lineno}>"):
            res = pipeline_for(config).clean_text(value, source=f"<line {lineno}>")
    except (OcrcleanError, RecursionError, MemoryError) as e:
        return fail(f"cannot clean: {e}")
    fields = {clean_field: res.text, quality_field: quality_fields(res.report)}
    return _appended(line, not keys, fields), True, not below_min_score(res.report)


def run_jsonl(inp: IO[bytes], out: IO[bytes], config: Config, field: str = "text",
              clean_field: str | None = None, quality_field: str = "quality",
              max_line_bytes: int = MAX_LINE_BYTES, below: list[int] | None = None) -> tuple[int, int]:
    """Stream `inp` to `out`; returns (records written, error records); the line numbers
    of records below `[quality] min_score` are appended to `below` when given."""
    clean_field = clean_field or f"{field}_clean"
    n = bad = 0
    for lineno, (line, too_long) in enumerate(_lines(inp, max_line_bytes), start=1):
        if too_long:
            text, ok = _dump(_error(lineno, f"line longer than {max_line_bytes} bytes")), False
        elif not line.strip():
            continue  # blank lines carry no record
        else:
            text, ok, passed = process_record(line, lineno, config, field, clean_field, quality_field)
            if below is not None and not passed:
                below.append(lineno)
        out.write(text + b"\n")
        n += 1
        bad += not ok
    out.flush()
    return n, bad

