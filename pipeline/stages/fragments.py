"""Runs of one-to-three-character lines: a vertical title to join, or garble to drop.

A title set vertically, one or two characters per line, comes out as a run of
tiny lines (Kaihua 3-11: `委十` / `五` / `届` / `四` / `次全体(扩大)会议召`);
the scattered characters of a pull-quote look the same (Kaihua 15-23: `奋` /
`贯` / `党的` / `精神的` / `局之胜`) but do not read as Chinese once joined.
The garble model tells them apart, scoring both the joined string and the
junctions between pieces (a title cut into pieces joins back into words; scraps
taken from across a column do not): a fluent join becomes one line (with the
one longer line that closes the title, when that keeps it fluent); a garbled
one is removed and recorded; in between it is joined and flagged. A single
short line (a heading numeral `一`, a lone `附件`) is never a run. A run whose
every line is a dictionary word of two or more characters (`评级` / `买入` /
`增持` / `中性`: a table column read one cell a line) is never garble: it is
left as it is (`facts.all_words`).
"""

from __future__ import annotations

import re

import numpy as np

from .. import garble
from ..document import Document, Line
from ..facts import all_words
from ..registry import stage
from ..settings import Number, Settings
from ..text.cjk import HAN_BMP
from .column_spaces import squeeze

NAME = "fragments"
_SENTENCE_END = re.compile(r"[。！？!?；;：:…]$")


def is_fragment(text: str, max_chars: int) -> bool:
    """A line of 1..max_chars CJK ideographs and nothing else, spaces aside: the
    column-space stage takes those out later (`区<div>生` is `区 生` here, `区生` in the
    output), so a second run would find the fragment without them."""
    s = "".join(text.split())
    return 0 < len(s) <= max_chars and re.fullmatch(rf"[{HAN_BMP}]+", s) is not None


def find_runs(lines: list[Line], max_chars: int, min_run: int) -> list[list[int]]:
    """Indices of fragment lines forming runs: successive non-blank lines, however many
    blank lines stand between them (the output puts one between every two paragraphs,
    so a limit on them would judge a second run differently)."""
    runs: list[list[int]] = []
    cur: list[int] = []
    for i, ln in enumerate(lines):
        if not ln.text.strip():
            continue
        if is_fragment(ln.text, max_chars):
            cur.append(i)
        else:
            if len(cur) >= min_run:
                runs.append(cur)
            cur = []
    if len(cur) >= min_run:
        runs.append(cur)
    return runs


def join_score(parts: list[str]) -> float:
    """Mean of the joined string's fluency and of its junction log-probabilities.

    Junctions carry most of the evidence: a vertical title cut into 1-3
    character pieces joins back mid-word, pull-quote scraps join at random.
    Too few CJK characters to judge: the neutral value.
    """
    joined = "".join(parts)
    pos, lp = garble.char_logp(joined)
    if lp.size < garble.MIN_CJK:
        return garble.NEUTRAL
    starts = np.cumsum([len(p) for p in parts])[:-1]
    at = np.isin(pos, starts)
    junction = float(lp[at].mean()) if at.any() else float(lp.mean())
    return 0.5 * (junction + float(lp.mean()))


def _tail(lines: list[Line], after: int, max_tail: int, step: int = 1) -> int | None:
    """The next non-blank line after `after` (before it, with step -1) if it could
    close (open) a vertical title."""
    for j in range(after + step, len(lines) if step > 0 else -1, step):
        t = lines[j].text.strip()
        if not t:
            continue
        if len(t) <= max_tail and not _SENTENCE_END.search(t) and " " not in squeeze(t)[0]:
            return j
        return None
    return None


class FragmentsSettings(Settings):
    """Runs of one-to-three-character lines joined, or removed as garble."""

    enabled: bool = True
    """Run the stage."""
    max_chars: int = 3
    """A fragment line has at most this many characters."""
    min_run: int = 2
    """Fewer fragment lines in a row: left alone."""
    max_tail: int = 16
    """A closing line this short may end a vertical title."""
    keep_above: Number = -5.5
    """Join score (garble model) at least this: joined, not flagged."""
    garbled_below: Number = -6.0
    """Join score below this: removed (in between: joined and flagged)."""


@stage(NAME, settings=FragmentsSettings)
def run(doc: Document, cfg: dict) -> Document:
    """Join runs of tiny lines into one line, or remove them when they are garble."""
    if not cfg["enabled"] or doc.paragraphs:
        return doc
    lines = doc.lines
    runs = find_runs(lines, cfg["max_chars"], cfg["min_run"])
    if not runs:
        return doc
    replace: dict[int, tuple[int, list[Line]]] = {}  # first index -> (last index, new lines)
    for idx in runs:
        parts = ["".join(lines[i].text.split()) for i in idx]
        start, last = idx[0], idx[-1]
        joined = "".join(parts)
        score = join_score(parts)
        if score < cfg["garbled_below"] and all_words(parts):
            continue  # table cells or list items, one a line: real words, not scraps
        if score >= cfg["garbled_below"]:  # garble never swallows a line
            # the short line that opens the title, then the one that closes it, when each
            # keeps the join fluent (`县政府召开十五` / `届` / `四` / `次全体(扩大)会议`)
            head = _tail(lines, start, cfg["max_tail"], step=-1)
            taken = any(a <= head <= b for a, (b, _) in replace.items()) if head is not None else True
            if not taken:
                with_head = [lines[head].text.strip(), *parts]
                head_score = join_score(with_head)
                if head_score >= cfg["keep_above"] and head_score >= score - 0.3:
                    parts, score, start = with_head, head_score, head
            tail = _tail(lines, last, cfg["max_tail"])
            if tail is not None:
                with_tail = [*parts, lines[tail].text.strip()]
                tail_score = join_score(with_tail)
                if tail_score >= cfg["keep_above"] and tail_score >= score - 0.3:
                    parts, score, last = with_tail, tail_score, tail
            joined = "".join(parts)
        src = (lines[start].src[0], lines[last].src[1])
        first = lines[start]
        if score < cfg["garbled_below"]:
            doc.record_removal(NAME, "garbled-fragments", joined, src)
            doc.flag(
                "garbled-fragments",
                f"fragment lines that do not read as text (fluency {score:.2f}); removed",
                joined,
                src,
                NAME,
            )
            replace[start] = (last, [])
            continue
        doc.record_change(NAME, "fragments-joined", 1, 0)
        if score < cfg["keep_above"]:
            doc.flag(
                "fragments-joined",
                f"fragment lines joined but read poorly (fluency {score:.2f}); check",
                joined,
                src,
                NAME,
            )
        kind = (
            "heading" if len(joined) <= 2 * cfg["max_tail"] and not _SENTENCE_END.search(joined) else "body"
        )
        replace[start] = (
            last,
            [Line(joined, src, first.page, first.conf, kind, {"joined_fragments": len(idx)})],
        )
    out: list[Line] = []
    i = 0
    while i < len(lines):
        if i in replace:
            last, new = replace[i]
            out.extend(new)
            i = last + 1
        else:
            out.append(lines[i])
            i += 1
    doc.lines = out
    return doc
