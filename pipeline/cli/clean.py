"""`ocrclean clean`: one document to stdout."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from . import EXIT_OK, FILE, add_config_args, add_field_arg, config_from_args, fmt

log = logging.getLogger("pipeline.cli")


def add_parser(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    clean = sub.add_parser(
        "clean", formatter_class=fmt, parents=parents, help="clean one document to stdout",
        description="Clean one document and write the clean text to stdout; '-' (or nothing) reads stdin.",
        epilog="examples:\n  ocrclean clean report.txt > clean.txt\n  curl -s URL | ocrclean clean - --report report.json\n"
               "  ocrclean clean report.txt --stage dedupe=off --set quality.min_score=80",
    )
    clean.add_argument("file", nargs="?", default="-", metavar="FILE|-",
                       help="input file, or - for stdin (default)").complete = FILE  # type: ignore[attr-defined]
    clean.add_argument("--report", metavar="FILE",
                       help="write the JSON report to FILE ('-' for stderr)").complete = FILE  # type: ignore[attr-defined]
    add_field_arg(clean)
    add_config_args(clean)
    clean.set_defaults(handler=cmd)


def cmd(args: argparse.Namespace) -> int:
    from ..backends.local import run_isolated
    from ..emit import dump_json, write_atomic
    from ..errors import OcrcleanError
    from ..worker import Source, pipeline_for, run_one, stuck_error

    config = config_from_args(args)
    pipeline_for(config)  # a config error before reading stdin
    if args.report not in (None, "-") and args.file != "-" and _same_file(args.file, args.report):
        raise OcrcleanError(f"{args.report}: --report names the input file; refusing to overwrite it")
    name = "<stdin>" if args.file == "-" else args.file
    if args.file == "-":
        source = Source.of_bytes(_read_stdin(int(config.section("limits")["max_text_bytes"])), name)
    else:
        source = Source.file(args.file)
    # in a worker process, under the limits and failures of every command
    res = run_isolated(run_one, (source, config), config, lambda _, s: stuck_error(source.name, config, s))
    if not res.ok:
        raise OcrcleanError(res.error)
    sys.stdout.buffer.write(res.text.encode("utf-8"))
    sys.stdout.flush()
    log.info("%s: score %s, %d chars removed", name, res.report["quality"]["score"],
             res.report["accounting"]["removed_chars"])
    if args.report == "-":
        sys.stderr.write(dump_json(res.report))
    elif args.report:
        write_atomic(Path(args.report), dump_json(res.report))
    return EXIT_OK


def _read_stdin(limit: int) -> bytes:
    """Standard input, refused past `limit` bytes (`limits.max_text_bytes`) without reading on."""
    from ..errors import LimitExceeded

    data = sys.stdin.buffer.read(limit + 1)
    if len(data) > limit:
        raise LimitExceeded("<stdin>", f"input is over the limit of {limit} bytes (limits.max_text_bytes)")
    return data


def _same_file(a: str, b: str) -> bool:
    """`a` and `b` are one file (through links), or would be once `b` is created."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)
