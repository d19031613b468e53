"""Subcommands beyond `run` and `clean` (check, jsonl): each adds itself here.

`add_commands(sub)` receives the argparse subparsers object; a command sets
`handler=` with `set_defaults` so `cli.main` dispatches to it.
"""

from __future__ import annotations

import argparse


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register the extra subcommands (none yet)."""
