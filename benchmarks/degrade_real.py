"""Degraded-but-real variants of the real pages' ground truth (issue 17, second set).

The real page runs (`real_runs.py`) give real damage, but only as much variety as
two engines have. These variants add more, on real page text (not the national
corpus the score was first tuned on): the ground truth of each page with one kind
of damage at a few strengths. Reported apart from the real runs.

Kinds: columns interleaved (the page wrapped into two columns read across the
gutter, line by line), lines shuffled, hard wraps, mojibake and `(cid:N)` codes,
misread characters, lost characters, debris (page numbers, lone glyphs, table
cells on lines of their own).
"""

from __future__ import annotations

import random
import re
import zlib
from pathlib import Path

from pipeline.text.cjk import URO

KINDS = ("interleave", "shuffle", "wraps", "mojibake", "misread", "lost", "debris")
STRENGTHS = (0.1, 0.3, 0.6)
_CJK = re.compile(f"[{URO}]")


def _wrap(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)]


def interleave(paras: list[str], s: float, rng: random.Random) -> str:
    """The last share `s` of the paragraphs set in two columns of 18-character lines and read
    across the gutter, line by line (left and right line on one line, or one after
    the other); the rest read in order."""
    k = int(len(paras) * (1 - s))
    lines = _wrap("".join(paras[k:]), 18)
    half = (len(lines) + 1) // 2
    left, right = lines[:half], lines[half:]
    out = []
    for i in range(len(left)):
        b = right[i] if i < len(right) else ""
        out.append(left[i] + b if rng.random() < 0.5 else left[i] + "\n" + b)
    return "\n\n".join([*paras[:k], "\n".join(out)])


def shuffle(paras: list[str], s: float, rng: random.Random) -> str:
    lines = [ln for p in paras for ln in _wrap(p, 20)]
    idx = [i for i in range(len(lines)) if rng.random() < s]
    moved = [lines[i] for i in idx]
    rng.shuffle(moved)
    for i, ln in zip(idx, moved, strict=True):
        lines[i] = ln
    return "\n".join(lines)


def wraps(paras: list[str], s: float, rng: random.Random) -> str:
    out = []
    for p in paras:
        out.append("\n\n".join(_wrap(p, rng.randint(6, 20))) if rng.random() < s else p)
    return "\n\n".join(out)


def _chars(paras: list[str], s: float, rng: random.Random, fn) -> str:
    out = []
    for p in paras:
        out.append("".join(fn(c) if _CJK.match(c) and rng.random() < s * 0.5 else c for c in p))
    return "\n\n".join(out)


def mojibake(paras: list[str], s: float, rng: random.Random) -> str:
    def bad(c: str) -> str:
        if rng.random() < 0.5:
            return f"(cid:{rng.randint(1, 900)})"
        return c.encode("utf-8").decode("latin-1")

    return _chars(paras, s, rng, bad)


def misread(paras: list[str], s: float, rng: random.Random) -> str:
    pool = "".join(sorted({c for p in paras for c in p if _CJK.match(c)}))
    return _chars(paras, s * 0.6, rng, lambda c: rng.choice(pool))


def lost(paras: list[str], s: float, rng: random.Random) -> str:
    return _chars(paras, s * 0.6, rng, lambda c: "")


def debris(paras: list[str], s: float, rng: random.Random) -> str:
    out = []
    for p in paras:
        out.append(p)
        if rng.random() < s:
            out.append(rng.choice([str(rng.randint(1, 300)), rng.choice("口一丨丿、.|"), f"{rng.random() * 100:.2f}"]))
    return "\n\n".join(out)


def variants(shared: Path, seed: int = 0) -> list[tuple[str, str, float, str, str]]:
    """(page, kind, strength, damaged text, ground truth) for every page, kind and strength."""
    from .real_runs import HELD_OUT

    pages = shared / "corpus" / "real-pages"
    out = []
    for gt in sorted(pages.glob("*.all.gt.txt")):
        name = gt.name[: -len(".all.gt.txt")]
        if name in HELD_OUT:
            continue
        ref = gt.read_text(encoding="utf-8")
        paras = [p.strip() for p in ref.splitlines() if p.strip()]
        for kind in KINDS:
            for s in STRENGTHS:
                rng = random.Random(zlib.crc32(f"{seed}/{name}/{kind}/{s}".encode()))
                out.append((name, kind, s, globals()[kind](paras, s, rng), ref))
    return out
