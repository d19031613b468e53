"""The `ocrclean` command: a thin layer over `pipeline.Pipeline` and `pipeline.batch`.

Exit codes (stable, documented in the README):
  0  every input processed (and, with --min-score, every score at or above it)
  1  processed, but some document is below --min-score / not in clean form (check)
  2  some input failed (the others were still processed), or bad usage/config
  130 interrupted (Ctrl-C / SIGTERM); outputs written so far are complete and reused next run
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from . import __version__
from .config import Config, load_config
from .errors import ConfigError, OcrcleanError

EXIT_OK, EXIT_BELOW, EXIT_FAILED, EXIT_INTERRUPTED = 0, 1, 2, 130


def one_line(msg: str) -> str:
    """`msg` on one line and inert on a terminal: control characters (a newline or an
    escape sequence in a file name; C0, DEL and C1) shown escaped."""
    return "".join(repr(c)[1:-1] if c < " " or "\x7f" <= c <= "\x9f" else c for c in msg)


def _fmt(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=32)


def add_config_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", "-c", default="default", metavar="NAME|FILE",
                   help="config preset name (configs/NAME.toml) or a TOML file (default: default)")
    p.add_argument("--ocr-engine", choices=["tesseract", "rapidocr"], help="OCR engine for images and scanned PDF pages")
    p.add_argument("--pdf-mode", choices=["auto", "text", "ocr"], help="PDF text layer: auto-validate, trust, or always OCR")


def config_from_args(args: argparse.Namespace) -> Config:
    """The config named by --config, with command-line overrides applied."""
    over: dict[str, Any] = {}
    if getattr(args, "ocr_engine", None):
        over.setdefault("ocr", {})["engine"] = args.ocr_engine
    if getattr(args, "pdf_mode", None):
        over.setdefault("pdf", {})["mode"] = args.pdf_mode
    from .quality import apply_min_score

    config = load_config(args.config) if not over else load_config({"extends": args.config, **over})
    return apply_min_score(config, getattr(args, "min_score", None))


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="ocrclean",
        formatter_class=_fmt,
        description="Clean Chinese government work reports: text, PDF and scanned pages in, clean UTF-8 and a quality report out.",
        epilog="examples:\n  ocrclean run ../shared/seeds --out out\n  ocrclean clean report.txt > clean.txt\n  cat report.txt | ocrclean clean - --report report.json",
    )
    ap.add_argument("--version", action="version", version=f"ocrclean {__version__}")
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    run = sub.add_parser(
        "run", formatter_class=_fmt, help="clean files and folders into an output folder",
        description="Clean files and folders (recursively) into --out: DIR/<stem>.txt, DIR/<stem>.report.json and DIR/manifest.jsonl.",
        epilog="examples:\n  ocrclean run ../shared/seeds --out out\n  ocrclean run scans/ reports/*.pdf --out clean --jobs 2 --min-score 80\n"
               "  ocrclean run big/ --out clean --backend ray   # on a Ray cluster (RAY_ADDRESS) or a local one",
    )
    run.add_argument("paths", nargs="+", metavar="PATH", help="input files or folders")
    run.add_argument("--out", "-o", required=True, metavar="DIR", help="output folder (created if missing)")
    run.add_argument("--jobs", "-j", type=int, default=1, metavar="N", help="worker processes (default 1)")
    run.add_argument("--backend", default="local",
                     help="where the work runs: local (default), ray, or a plugin's name (entry point ocrclean.backends)")
    run.add_argument("--force", action="store_true", help="redo inputs whose outputs are up to date")
    run.add_argument("--min-score", type=float, metavar="N", help="mark documents scoring below N; exit 1 if any")
    run.add_argument("--html", action="store_true", help="also write DIR/index.html, a report to read in a browser")
    run.add_argument("--quiet", "-q", action="store_true", help="no progress bar and no summary table")
    add_config_args(run)

    clean = sub.add_parser(
        "clean", formatter_class=_fmt, help="clean one document to stdout",
        description="Clean one document and write the clean text to stdout; '-' (or nothing) reads stdin.",
        epilog="examples:\n  ocrclean clean report.txt > clean.txt\n  curl -s URL | ocrclean clean - --report report.json",
    )
    clean.add_argument("file", nargs="?", default="-", metavar="FILE|-", help="input file, or - for stdin (default)")
    clean.add_argument("--report", metavar="FILE", help="write the JSON report to FILE ('-' for stderr)")
    add_config_args(clean)

    from . import cli_extra

    cli_extra.add_commands(sub)
    return ap


def cmd_run(args: argparse.Namespace) -> int:
    from .batch import run_batch
    from .summary import Progress, print_summary

    config = config_from_args(args)
    if args.jobs < 1:
        raise ConfigError("--jobs must be at least 1")
    with Progress(enabled=not args.quiet) as bar:
        res = run_batch(
            args.paths, args.out, config, jobs=args.jobs, backend=args.backend, force=args.force,
            progress=bar.update, on_total=bar.set_total,  # config_from_args put --min-score in config
        )
    if args.html:
        from .html_report import write_html

        write_html(Path(args.out), res)
    if not args.quiet:
        print_summary(res, min_score=args.min_score)
    for line in res.errors:
        print(f"ocrclean: error: {one_line(line)}", file=sys.stderr)
    if res.fatal:
        print(f"ocrclean: error: {one_line(res.fatal)}", file=sys.stderr)
    if res.interrupted:
        print("ocrclean: interrupted; finished outputs are complete and will be reused by the next run", file=sys.stderr)
    return res.exit_code


def cmd_clean(args: argparse.Namespace) -> int:
    from .backends.local import run_isolated
    from .emit import dump_json, write_atomic
    from .worker import Source, pipeline_for, run_one, stuck_error

    config = config_from_args(args)
    pipeline_for(config)  # a config error before reading stdin
    if args.report not in (None, "-") and args.file != "-" and _same_file(args.file, args.report):
        raise OcrcleanError(f"{args.report}: --report names the input file; refusing to overwrite it")
    if args.file == "-":
        source = Source.of_bytes(_read_stdin(int(config.section("limits")["max_text_bytes"])), "<stdin>")
    else:
        source = Source.file(args.file)
    # in a worker process, under the limits and failures of every command
    res = run_isolated(run_one, (source, config), config, lambda _, s: stuck_error(source.name, config, s))
    if not res.ok:
        raise OcrcleanError(res.error)
    sys.stdout.buffer.write(res.text.encode("utf-8"))
    sys.stdout.flush()
    if args.report == "-":
        sys.stderr.write(dump_json(res.report))
    elif args.report:
        write_atomic(Path(args.report), dump_json(res.report))
    return EXIT_OK


def _read_stdin(limit: int) -> bytes:
    """Standard input, refused past `limit` bytes (`limits.max_text_bytes`) without reading on."""
    from .errors import LimitExceeded

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


def main(argv: list[str] | None = None) -> int:
    ap = build_parser()
    args = ap.parse_args(argv)
    handler = {"run": cmd_run, "clean": cmd_clean}.get(args.command) or getattr(args, "handler", None)
    try:
        return handler(args)
    except KeyboardInterrupt:
        print("ocrclean: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except OcrcleanError as e:
        print(f"ocrclean: error: {e}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
