"""`ocrclean jsonl`: the pipeline as a streaming stage for JSON Lines datasets.

One line in, one line out, in order, in constant memory: each record gets the
clean text of `--field` and its quality fields, every other field is kept as
is. A line that cannot be processed becomes an error record for that line (the
stream goes on) and the command exits 2 at the end.

"Kept as is" means byte for byte: the new fields are appended to the line's
own text, never re-serialised, so `1e400`, long floats, key order, escapes and
duplicate keys stay exactly as they were. A record that already has the
output fields is refused (its line gets an error), not overwritten; so is one
whose text field appears twice. Each record is cleaned by `worker.run_one`, the
unit and limit policy of every command.

The command cleans records in `--jobs N` worker processes (default 1;
`backends.local.map_ordered`), like `run`: output in input order, at most 4 records
per worker in flight, each under the alarm and the watchdog; a record whose worker
dies is retried alone, then becomes an error record. Ctrl-C and SIGTERM stop the
stream (exit 130): `--out FILE` is then left as it was, and the workers die with the
command. `run_jsonl` without `jobs` cleans in the calling process (the alarm only).
"""

from __future__ import annotations

import json
import signal
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from typing import IO, Any

from .backends.local import map_ordered
from .config import Config
from .quality import below_min_score
from .report import record_fields
from .worker import Source, init_worker, run_one, stuck_error

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
    """The record's quality object: `report.record_fields` (flags as their kinds, flag_count,
    the *_chars counts) with the components, the document's metadata and the build."""
    q = report["quality"]
    f = record_fields(report)
    return {
        "score": q["score"],
        "grade": f["grade"],
        "passed": f["passed"],
        "min_score": q.get("min_score", 0),
        "components": q.get("components", {}),
        "flags": f["flags"],
        "flag_count": f["flag_count"],
        "removed_chars": f["removed_chars"],
        "input_chars": f["input_chars"],
        "output_chars": f["output_chars"],
        "metadata": report.get("metadata", {}),
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


def _error(lineno: int, message: str, kind: str = "input") -> dict[str, Any]:
    return {ERROR_FIELD: {"line": lineno, "message": message[:300], "kind": kind}}


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
    oc = run_one(Source.of_text(value, f"<line {lineno}>"), config)
    if not oc.ok:
        return _appended(line, not keys, _error(lineno, f"cannot clean: {oc.error}", oc.kind or "input")), False, True
    assert oc.report is not None
    fields = {clean_field: oc.text, quality_field: quality_fields(oc.report)}
    return _appended(line, not keys, fields), True, not below_min_score(oc.report)


def _one(line: bytes, too_long: bool, lineno: int, config: Config, names: tuple[str, str, str],
         max_line_bytes: int) -> tuple[int, bytes, bool, bool]:
    """(line number, the line to write, ok, passed) for one input line."""
    if too_long:
        return lineno, _dump(_error(lineno, f"line longer than {max_line_bytes} bytes", "limit")), False, True
    return lineno, *process_record(line, lineno, config, *names)


_JOB: dict[str, Any] = {}  # a pool worker's settings, set once by _init_job (not sent with each record)


def _init_job(parent: int, config: Config, names: tuple[str, str, str], max_line_bytes: int) -> None:
    init_worker(parent)
    _JOB.update(config=config, names=names, max_line_bytes=max_line_bytes)


def _job(line: bytes, too_long: bool, lineno: int) -> tuple[int, bytes, bool, bool]:
    return _one(line, too_long, lineno, _JOB["config"], _JOB["names"], _JOB["max_line_bytes"])


def _lost(config: Config):
    """The error record of a line whose worker died twice (`worker.stuck_error`)."""

    def lost(item: tuple[bytes, bool, int], seconds: float) -> tuple[int, bytes, bool, bool]:
        line, _, lineno = item
        oc = stuck_error(f"<line {lineno}>", config, seconds)
        err = _error(lineno, f"cannot clean: {oc.error}", oc.kind or "crash")
        try:  # it was a JSON object (it reached the cleaning): keep its fields
            rec = json.loads(line)
        except (ValueError, RecursionError):
            rec = None
        return lineno, _appended(line, not rec, err) if isinstance(rec, dict) else _dump(err), False, True

    return lost


def run_jsonl(inp: IO[bytes], out: IO[bytes], config: Config, field: str = "text",
              clean_field: str | None = None, quality_field: str = "quality",
              max_line_bytes: int = MAX_LINE_BYTES, below: list[int] | None = None,
              jobs: int | None = None) -> tuple[int, int]:
    """Stream `inp` to `out`; returns (records written, error records); the line numbers
    of records below `[quality] min_score` are appended to `below` when given. `jobs`:
    that many worker processes (see the module docstring; the command always has at
    least one), None: this process. The output bytes are the same."""
    names = (field, clean_field or f"{field}_clean", quality_field)
    items = ((line, too_long, lineno) for lineno, (line, too_long) in enumerate(_lines(inp, max_line_bytes), start=1)
             if too_long or line.strip())  # blank lines carry no record
    if jobs is not None:
        results: Iterator[tuple[int, bytes, bool, bool]] = map_ordered(
            _job, items, config, jobs, on_lost=_lost(config), initializer=_init_job,
            initargs=(config, names, max_line_bytes))
    else:
        results = (_one(*item, config, names, max_line_bytes) for item in items)
    n = bad = 0
    with closing(results):  # an interrupt or a closed stdout stops the workers now
        for lineno, text, ok, passed in results:
            if below is not None and not passed:
                below.append(lineno)
            out.write(text + b"\n")
            n += 1
            bad += not ok
    out.flush()
    return n, bad


@contextmanager
def sigterm_interrupts():
    """SIGTERM stops the stream as Ctrl-C does (exit 130, no half output file)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_term(signum, frame):  # noqa: ARG001
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)

