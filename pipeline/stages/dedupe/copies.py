"""Noisy paragraphs: a garbled paragraph that copies (part of) a neighbouring one."""

from __future__ import annotations

from rapidfuzz import fuzz

from ...text.cjk import count_han_span


def copy_alignments(texts: list[str], garbled: dict[int, float], cfg: dict) -> list[tuple]:
    """(n, j, ratio, aligned source text) for each low-fluency paragraph n and neighbour j
    whose best alignment (rapidfuzz `partial_ratio_alignment`) is close enough for a tier.

    A garbled paragraph (under `garbled_below`) is compared with `window`
    neighbours each side, a merely less fluent one with `copy_window` (its
    adjacent paragraphs, where a re-read passage lands): that keeps the cost
    on clean text, where many short paragraphs are a little below average.
    """
    out = []
    wide, near, limit = int(cfg["window"]), int(cfg["copy_window"]), float(cfg["garbled_below"])
    for n, f_par in sorted(garbled.items()):
        window = wide if f_par < limit else near
        par = texts[n]
        tiers = [t for t in cfg["copy_tiers"] if f_par < float(t[2])]
        if not tiers or count_han_span(par) < 6:
            continue
        cutoff = min(float(t[0]) for t in tiers)
        for j in range(max(0, n - window), min(len(texts), n + window + 1)):
            nb = texts[j]
            if j == n or len(nb) < 0.8 * len(par):
                continue
            al = fuzz.partial_ratio_alignment(par, nb, score_cutoff=cutoff)
            if al is not None:
                out.append((n, j, al.score, nb[al.dest_start : al.dest_end]))
    return out


def is_copy(f_par: float, ratio: float, f_src: float, cfg: dict) -> bool:
    """A paragraph that is a noisy OCR copy of the aligned passage of a neighbour.

    Judged relative to the passage it copies, not by an absolute threshold:
    under one of the `copy_tiers` (min ratio, min fluency gap, copy fluency
    below) the copy is close enough and the source more fluent by a margin; a
    loose copy must be far less fluent than its source, a close one a little.
    """
    return any(f_par < float(b) and ratio >= float(r) and f_src - f_par >= float(g) for r, g, b in cfg["copy_tiers"])
