"""`ocrclean jsonl`: clean a text field of every JSON Lines record, streaming.

The streaming itself is `pipeline.jsonl.run_jsonl`; this is its command line.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import IO, Any

from . import EXIT_BELOW, EXIT_FAILED, EXIT_OK, FILE, add_config_args, config_from_args, error, fmt

log = logging.getLogger("pipeline.cli")


def add_parser(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    jl = sub.add_parser(
        "jsonl", formatter_class=fmt, parents=parents, help="clean a text field of every JSON Lines record (streaming)",
        description="Stream JSON Lines: each record gets <field>_clean (the clean text) and 'quality'\n"
                    "(score, grade, components, flags, removed_chars); every other field is kept. One line in,\n"
                    "one line out, constant memory. A bad line becomes {'ocrclean_error': {...}} and the stream\n"
                    "goes on; the exit code is then 2 (else 1 when a record is below --min-score).",
        epilog="examples:\n  ocrclean jsonl docs.jsonl --field text --out clean.jsonl\n"
               "  zcat dump.jsonl.gz | ocrclean jsonl - --field content | jq .quality.score",
    )
    jl.add_argument("input", metavar="IN|-", help="JSON Lines file, or - for stdin").complete = FILE  # type: ignore[attr-defined]
    jl.add_argument("--field", default="text", help="the field holding the text to clean (default: text)")
    jl.add_argument("--out", "-o", default="-", metavar="OUT|-", help="output file (written atomically) or - for stdout (default)"
                    ).complete = FILE  # type: ignore[attr-defined]
    jl.add_argument("--clean-field", metavar="NAME", help="field for the clean text (default: <field>_clean)")
    jl.add_argument("--quality-field", default="quality", metavar="NAME", help="field for the quality object (default: quality)")
    jl.add_argument("--min-score", type=float, metavar="N", help="records scoring below N get quality.passed false; exit 1 if any")
    jl.add_argument("--jobs", "-j", type=int, default=1, metavar="N", help="worker processes (default 1); output stays in input order")
    add_config_args(jl)
    jl.set_defaults(handler=cmd)


def cmd(args: argparse.Namespace) -> int:
    from ..errors import ConfigError
    from ..jsonl import ERROR_FIELD, run_jsonl, sigterm_interrupts
    from ..worker import pipeline_for

    config = config_from_args(args)
    if args.jobs < 1:
        raise ConfigError("--jobs must be at least 1")
    pipeline_for(config)  # load the pipeline before reading, so config errors come first
    below: list[int] = []
    inp = sys.stdin.buffer if args.input == "-" else open(args.input, "rb")  # noqa: SIM115
    try:
        with sigterm_interrupts():  # SIGTERM stops the stream as Ctrl-C does: exit 130, no half file
            if args.out in (None, "-"):
                n, bad = run_jsonl(inp, sys.stdout.buffer, config, args.field, args.clean_field, args.quality_field,
                                   below=below, jobs=args.jobs)
            else:
                n, bad = _to_file(inp, args.out, config, args, below)
    finally:
        if inp is not sys.stdin.buffer:
            inp.close()
    if bad:
        error(f"{bad} of {n} line(s) could not be cleaned (see the {ERROR_FIELD!r} field)")
        return EXIT_FAILED
    if below:
        log.warning("%d of %d record(s) below the minimum score (quality.passed false)", len(below), n)
        return EXIT_BELOW
    log.info("%d record(s) cleaned", n)
    return EXIT_OK


def _to_file(inp: IO[bytes], out: str, config: Any, args: argparse.Namespace, below: list[int] | None = None) -> tuple[int, int]:
    """Write through a temp file renamed at the end: an interrupted run leaves no half file."""
    from ..emit import atomic_writer
    from ..jsonl import run_jsonl

    with atomic_writer(Path(out), buffering=1 << 16) as fh:
        return run_jsonl(inp, fh, config, args.field, args.clean_field, args.quality_field, below=below,
                         jobs=args.jobs)
