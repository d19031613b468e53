"""Text shown on a terminal: file names and error lines may hold escape sequences."""

from __future__ import annotations


def one_line(msg: str) -> str:
    """`msg` on one line and inert on a terminal: control characters (a newline or an
    escape sequence in a file name; C0, DEL and C1) shown escaped."""
    return "".join(repr(c)[1:-1] if c < " " or "\x7f" <= c <= "\x9f" else c for c in msg)
