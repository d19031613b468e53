"""Repairs inside one paragraph: repeated clauses (`X X` -> `X`), and the driver that
tries every repair on the paragraph's exact repeats, best first."""

from __future__ import annotations

import numpy as np

from ...text.cjk import count_han_span
from .fluency import Fluency, Lazy, Prefix, prefix_of
from .interleave import interleaved
from .kgrams import text_repeats
from .noisy import noisy_copies


def candidate_edits(t: str, start: int, d: int, length: int, cfg: dict, flu: Fluency, lp, noisy: bool = True, lookalike: bool = True):
    """Candidate repairs for one repeat, best first: (gain, new text, removed text, reason)."""
    if length >= d >= int(cfg["min_repeat_chars"]) and count_han_span(t[start : start + d]) >= 4:
        # X X: an exact tandem repeat of a whole clause
        new = t[: start + d] + t[start + 2 * d :]
        return [(1.0, new, t[start + d : start + 2 * d], "repeated-clause")]
    out = []
    if length >= int(cfg["min_repeat_chars"]) and 0 < d - length <= int(cfg["max_interleave_gap"]):
        out += interleaved(t, start, d, length, cfg, flu)
    if noisy and d <= int(cfg["max_noisy_shift"]):
        out += noisy_copies(t, start, d, length, cfg, flu, lp, lookalike)
    # `noisy_copies` keeps only removals above its own minimum gains
    out = [e for e in out if e[3] != "interleaved-copy" or e[0] > float(cfg["min_fluency_gain"])]
    out.sort(key=lambda e: -e[0])
    return out


def repair_paragraph(
    text: str,
    cfg: dict,
    flu: Fluency | None = None,
    lp0: np.ndarray | None = None,
    noisy: bool = True,
    lookalike: bool = True,
) -> tuple[str, list[tuple[str, str]]]:
    """`text` with repeated clauses and copies inside it removed; and what was removed, why.

    `noisy=False`: the document prefilter found no possible noisy copy here (`noisy_suspects`),
    so only tandem repeats and interleaved copies are looked for; `lookalike=False`: none
    under a look-alike tier either (it costs an alignment per candidate)."""
    work = text
    removed: list[tuple[str, str]] = []
    k, max_shift = int(cfg["kgram"]), int(cfg["max_shift"])
    for _ in range(int(cfg["max_repairs_per_paragraph"])):
        runs = text_repeats(work, k, max_shift)
        if not runs:
            break
        flu = flu or Fluency()
        lp = Lazy(prefix_of, (flu, work))  # per-character log-probs, on demand
        if lp0 is not None and not removed:
            lp.value = Prefix(lp0)
        done = False
        for start, d, length in runs:
            edits = candidate_edits(work, start, d, length, cfg, flu, lp, noisy, lookalike and noisy)
            if edits:
                _, work, gone, reason = edits[0]
                removed.append((gone, reason))
                done = True
                break
        if not done:
            break
    return work, removed
