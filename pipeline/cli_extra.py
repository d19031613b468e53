"""Subcommands beyond `run` and `clean` (check, jsonl): each adds itself here.

`add_commands(sub)` receives the argparse subparsers object; a command sets
`handler=` with `set_defaults` so `cli.main` dispatches to it. The handlers
live beside their logic (`check.cmd_check`, `jsonl.cmd_jsonl`) and are
imported only when the command runs, so `--help` stays fast.
"""

from __future__ import annotations

import argparse
from typing import Any


def _lazy(module: str, name: str):
    def handler(args: argparse.Namespace) -> Any:
        import importlib

        return getattr(importlib.import_module(module, __package__), name)(args)

    return handler


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register `check` and `jsonl`."""
    from .cli import _fmt, add_config_args

    check = sub.add_parser(
        "check", formatter_class=_fmt, help="check that text files are in clean form (pre-commit)",
        description="Check that each file is in clean form (cleaning it again gives the same bytes) and, with\n"
                    "--min-score, scores high enough. Problems print as 'path:line: kind: message'.\n"
                    "Folders are searched for text files. Exit 0 all clean, 1 not clean / below score / fixed,\n"
                    "2 a file could not be read.",
        epilog="examples:\n  ocrclean check seeds/*.txt\n  ocrclean check seeds --min-score 80 --json\n"
               "  ocrclean check --fix seeds/001.txt   # rewrite in place, print what was removed",
    )
    check.add_argument("paths", nargs="+", metavar="PATH", help="text files or folders")
    check.add_argument("--json", action="store_true", help="print one JSON object with a verdict per file")
    check.add_argument("--min-score", type=float, metavar="N", help="also fail files scoring below N")
    check.add_argument("--fix", action="store_true", help="rewrite files in place to clean form (fails if it changed any)")
    check.add_argument("--report-dir", metavar="DIR", help="write DIR/<name>.report.json for each file not in clean form")
    add_config_args(check)
    check.set_defaults(handler=_lazy(".check", "cmd_check"))

    jl = sub.add_parser(
        "jsonl", formatter_class=_fmt, help="clean a text field of every JSON Lines record (streaming)",
        description="Stream JSON Lines: each record gets <field>_clean (the clean text) and 'quality'\n"
                    "(score, grade, components, flags, removed_chars); every other field is kept. One line in,\n"
                    "one line out, constant memory. A bad line becomes {'ocrclean_error': {...}} and the stream\n"
                    "goes on; the exit code is then 2 (else 1 when a record is below --min-score).",
        epilog="examples:\n  ocrclean jsonl docs.jsonl --field text --out clean.jsonl\n"
               "  zcat dump.jsonl.gz | ocrclean jsonl - --field content | jq .quality.score",
    )
    jl.add_argument("input", metavar="IN|-", help="JSON Lines file, or - for stdin")
    jl.add_argument("--field", default="text", help="the field holding the text to clean (default: text)")
    jl.add_argument("--out", "-o", default="-", metavar="OUT|-", help="output file (written atomically) or - for stdout (default)")
    jl.add_argument("--clean-field", metavar="NAME", help="field for the clean text (default: <field>_clean)")
    jl.add_argument("--quality-field", default="quality", metavar="NAME", help="field for the quality object (default: quality)")
    jl.add_argument("--min-score", type=float, metavar="N", help="records scoring below N get quality.passed false; exit 1 if any")
    jl.add_argument("--jobs", "-j", type=int, default=1, metavar="N", help="worker processes (default 1); output stays in input order")
    add_config_args(jl)
    jl.set_defaults(handler=_lazy(".jsonl", "cmd_jsonl"))
