"""The one joiner: two pieces of text that a line break or a word gap separated, put back
together. Chinese needs nothing between the pieces; Latin words need a space.

Where the space goes depends on what was split, so it is declared, not copied: a `Joint`
says which piece ends and starts make a Latin word boundary, and whether a number split
by the break is glued back.

- `WRAP`: a hard-wrapped line of text (the paragraphs stage, the link-split joins). A
  space between Latin words (`Made in` | `China`), never inside a number (`68,` | `215`
  -> `68,215`, `20` | `25` -> `2025`) or next to Chinese.
- `PDF_WRAP`: the lines of a PDF text block (`pdf.wraps`): a space after a word, figure or
  `,.;:%)` before a Latin letter or digit; numbers not glued.
- `OCR_WORDS`: the words an OCR engine read on a line, and the lines of one OCR paragraph
  (`ocr.engines.base.join_words`): a space between two Latin/digit words, quotes and
  brackets included; numbers not glued (an engine's word gap between digits is real).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Joint:
    """When two pieces get a space between them: `ends` matches the end of the first and
    `starts` the start of the second; `glue_numbers`: not when the break splits a number
    (`1` | `2`, `68,` | `215`)."""

    ends: re.Pattern[str]
    starts: re.Pattern[str]
    glue_numbers: bool = False


WRAP = Joint(re.compile(r"[A-Za-z,;:!?)\]]$|[0-9]$"), re.compile(r"^[A-Za-z0-9(\[]"), glue_numbers=True)
PDF_WRAP = Joint(re.compile(r"[A-Za-z0-9,.;:%)]$"), re.compile(r"[A-Za-z0-9]"))
OCR_WORDS = Joint(re.compile(r"[0-9A-Za-z%.,:;)\]'\"]$"), re.compile(r"^[0-9A-Za-z(\['\"]"))


def _splits_number(a: str, b: str) -> bool:
    return b[0].isdigit() and (a[-1].isdigit() or (a[-1] in ",;:" and a[-2:-1].isdigit()))


def join(a: str, b: str, joint: Joint = WRAP) -> str:
    """`a` and `b` as one text, with a space between them when `joint` says so."""
    if joint.ends.search(a) and joint.starts.match(b):
        if joint.glue_numbers and _splits_number(a, b):
            return a + b
        return a + " " + b
    return a + b


def join_all(pieces: Iterable[str], joint: Joint) -> str:
    """The pieces, each stripped, blank ones skipped, joined left to right with `join`."""
    out = ""
    for p in pieces:
        p = p.strip()
        if p:
            out = join(out, p, joint) if out else p
    return out
