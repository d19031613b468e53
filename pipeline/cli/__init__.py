"""The `ocrclean` command: a thin layer over `pipeline.Pipeline` and `pipeline.batch`.

One module per command (`run`, `clean`, `check`, `jsonl`, `config`, `completion`),
each with `add_parser(sub)` and its `cmd(args)`; this module holds the parser, the
options every command shares and `main`. Command modules import the heavy parts
(models, rich, tqdm) only when they run, so `--help` stays fast.

Exit codes (stable, documented in docs/cli.md):
  0  every input processed (and, with --min-score, every score at or above it)
  1  processed, but some document is below --min-score / not in clean form (check)
  2  some input failed (the others were still processed), or bad usage/config
  130 interrupted (Ctrl-C / SIGTERM); outputs written so far are complete and reused next run

Errors are one line on stderr, `ocrclean: error: ...`, whatever the log level;
diagnostics go through `logging` (logger `pipeline`) to stderr, WARNING and up by
default, `-v` INFO, `-vv` DEBUG, or `--log-level`.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys

from .. import __version__
from ..config import Config
from ..errors import OcrcleanError
from ..text.display import one_line  # noqa: F401 (public here too: cli.one_line)

EXIT_OK, EXIT_BELOW, EXIT_FAILED, EXIT_INTERRUPTED = 0, 1, 2, 130
COMMANDS = ("run", "clean", "check", "jsonl", "config", "completion")
LOG_LEVELS = ("debug", "info", "warning", "error")
log = logging.getLogger("pipeline.cli")
# shtab's FILE and DIRECTORY completions for the shells `completion` offers: set on path
# arguments here so that building the parser (every --help) does not import shtab
FILE = {"bash": "_shtab_compgen_files", "zsh": "_files", "tcsh": "f"}
DIRECTORY = {"bash": "_shtab_compgen_dirs", "zsh": "_files -/", "tcsh": "d"}


def error(msg: str) -> None:
    """The one-line error form scripts match on; printed whatever the log level."""
    print(f"ocrclean: error: {one_line(msg)}", file=sys.stderr)


def note(msg: str) -> None:
    """A skipped input and why (an unknown suffix): one line, printed whatever the log level."""
    print(f"ocrclean: note: {one_line(msg)}", file=sys.stderr)


def add_field_arg(p: argparse.ArgumentParser) -> None:
    """--field NAME: the CSV/TSV column holding the text (`[input] field`)."""
    p.add_argument("--field", dest="table_field", metavar="NAME",
                   help="CSV/TSV column holding the text (default: 'text', else the fullest column)")


def dumps(value: object, indent: int | None = None) -> str:
    """JSON for stdout: UTF-8 text as is, but DEL and the C1 controls escaped (json escapes
    only C0), so a file name cannot send a terminal an 8-bit escape sequence."""
    import json

    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return "".join(f"\\u{ord(c):04x}" if "\x7f" <= c <= "\x9f" else c for c in text)


def fmt(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=32)


_fmt = fmt  # the name the command modules of other branches may still use


def add_config_args(p: argparse.ArgumentParser) -> None:
    """--config, --set, --stage and the engine shortcuts: every command that builds a pipeline."""
    p = p.add_argument_group("config")  # type: ignore[assignment]
    p.add_argument("--config", "-c", default="default", metavar="NAME|FILE",
                   help="config preset name (configs/NAME.toml) or a TOML file (default: default)"
                   ).complete = FILE  # type: ignore[attr-defined]
    p.add_argument("--set", dest="sets", action="append", default=[], metavar="SECTION.KEY=VALUE",
                   help="override one setting; VALUE is a TOML value (--set quality.min_score=80, "
                        "--set stages.dedupe.max_passes=2); repeatable")
    p.add_argument("--stage", dest="stage_switches", action="append", default=[], metavar="NAME=off|on",
                   help="leave a stage out of the pipeline, or put it back in its place; repeatable")
    p.add_argument("--ocr-engine", choices=["tesseract", "rapidocr"], help="OCR engine for images and scanned PDF pages")
    p.add_argument("--pdf-mode", choices=["auto", "text", "ocr"], help="PDF text layer: auto-validate, trust, or always OCR")


def config_from_args(args: argparse.Namespace) -> Config:
    """The config named by --config, with --set, --stage, the engine options and --min-score
    applied: the one effective config a command (and its HTML index) uses."""
    from ..quality import apply_min_score
    from .overrides import effective_config

    shortcuts: list[str] = []
    if getattr(args, "ocr_engine", None):
        shortcuts.append(f"ocr.engine={args.ocr_engine}")
    if getattr(args, "pdf_mode", None):
        shortcuts.append(f"pdf.mode={args.pdf_mode}")
    if getattr(args, "table_field", None):  # a TOML string, whatever the column is called
        shortcuts.append("input.field=" + json.dumps(args.table_field, ensure_ascii=False))
    config = effective_config(args.config, [*shortcuts, *getattr(args, "sets", [])],
                              getattr(args, "stage_switches", []))
    log.info("config %s (digest %s): %d stages", config.name, config.digest, len(config.stages))
    return apply_min_score(config, getattr(args, "min_score", None))


def config_argv(args: argparse.Namespace) -> list[str]:
    """The config options of this command line, to repeat in a command it suggests."""
    out = [] if args.config == "default" else ["--config", args.config]
    for opt, dest in (("--ocr-engine", "ocr_engine"), ("--pdf-mode", "pdf_mode")):
        if getattr(args, dest, None):
            out += [opt, getattr(args, dest)]
    out += [x for s in getattr(args, "sets", []) for x in ("--set", s)]
    out += [x for s in getattr(args, "stage_switches", []) for x in ("--stage", s)]
    return out


def _log_parent() -> argparse.ArgumentParser:
    """-v and --log-level, accepted before the command and after it."""
    p = argparse.ArgumentParser(add_help=False)
    g = p.add_argument_group("logging")
    g.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS,
                   help="more diagnostics on stderr: -v info, -vv debug")
    g.add_argument("--log-level", choices=LOG_LEVELS, default=argparse.SUPPRESS,
                   help="diagnostics at this level and above (default: warning)")
    return p


def build_parser() -> argparse.ArgumentParser:
    import importlib

    parent = _log_parent()
    ap = argparse.ArgumentParser(
        prog="ocrclean", formatter_class=fmt, parents=[parent],
        description="Clean Chinese government work reports: text, PDF and scanned pages in, clean UTF-8 and a quality report out.",
        epilog="examples:\n  ocrclean run ../shared/seeds --out out\n  ocrclean clean report.txt > clean.txt\n"
               "  cat report.txt | ocrclean clean - --report report.json\n  ocrclean config --set quality.min_score=80",
    )
    ap.add_argument("--version", action="version", version=f"ocrclean {__version__}")
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS:
        importlib.import_module(f".{name}", __name__).add_parser(sub, [parent])
    return ap


def setup_logging(args: argparse.Namespace) -> None:
    """Diagnostics of the `pipeline` loggers to stderr, `ocrclean: LEVEL: message`."""
    level = getattr(args, "log_level", None)
    if level is None:
        level = {0: "warning", 1: "info"}.get(getattr(args, "verbose", 0), "debug")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter())
    root = logging.getLogger("pipeline")
    for h in list(root.handlers):
        if getattr(h, "ocrclean_cli", False):
            root.removeHandler(h)
    handler.ocrclean_cli = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level.upper())
    root.propagate = False


class _Formatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        where = f"{record.name}: " if record.levelno < logging.INFO else ""
        text = f"ocrclean: {record.levelname.lower()}: {where}{one_line(record.getMessage())}"
        if record.exc_info and record.levelno < logging.INFO:
            text += "\n" + self.formatException(record.exc_info)
        return text


def main(argv: list[str] | None = None) -> int:
    ap = build_parser()
    args = ap.parse_args(argv)
    setup_logging(args)
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        print("ocrclean: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except OcrcleanError as e:
        log.debug("where the error came from", exc_info=True)
        error(str(e))
        return EXIT_FAILED

