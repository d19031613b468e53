"""The document prefilter: which paragraphs need the expensive checks, from one k-gram
sort and one model pass over the whole document."""

from __future__ import annotations

import numpy as np

from ...garble import MIN_CJK, NEUTRAL
from ...text.cjk import is_han_array
from .fluency import DocLogp, Fluency, prefix_means, region_means
from .interleave import seam_cut
from .kgrams import codepoints, repeats
from .lookalikes import lookalike_counts
from .noisy import tier_mask

SEP = "\x00"  # between paragraphs in the joined document: no k-gram or CJK run crosses it


def noisy_suspects(start, d, length, pid, pstart, pend, prefix, cp, cfg: dict) -> tuple[np.ndarray, np.ndarray]:
    """Which repeats pair a garbled copy with a fluent source in some alignment `noisy_copies`
    tries, judged at once for all of them from exact prefix sums (`prefix`: `DocLogp.prefix`;
    `pstart`, `pend`: each repeat's paragraph bounds in the code points `cp`); a
    necessary condition of `noisy_copies`, with a margin for its
    copy lengths. A repeat only under a look-alike tier also needs the look-alikes.
    Returns the paragraphs (`pid`) with a possible noisy copy, and those of them where a
    copy under a look-alike tier is possible."""
    reps = np.maximum(d - length + 1, 0)  # a periodic run longer than its shift has no alignment
    run = np.repeat(np.arange(d.size), reps)
    a = np.arange(run.size) - np.repeat(np.cumsum(reps) - reps, reps)
    dd = d[run]
    s_cp = start[run] + dd - a
    s_src = np.maximum(s_cp - dd, pstart[run])
    c_src, m_src = prefix_means(prefix, s_src, s_cp)
    c_cp, m_cp = prefix_means(prefix, s_cp, s_cp + dd)
    slack = float(cfg["suspect_slack"])
    m_src = np.where(c_src >= 4, m_src, 0.0)
    # the copy read `slack` more fluent than measured: under a tier's bound by `slack`, and
    # within `slack` of its gap to the source
    low = tier_mask(m_src, m_cp - slack, cfg["noisy_tiers"]) & (c_cp >= 5)
    hit = np.unique(pid[run[low]])
    # the look-alike tier: a copy long enough for a plain clause (`plain_clause`, a few
    # characters' margin for the copy length), and look-alikes across the sources of the
    # alignments under the tier (alignments already under a tier above need no more)
    cs = int(cfg["copy_slack"])
    la = tier_mask(m_src, m_cp - slack, cfg["lookalike_tiers"])
    la &= (c_cp >= int(cfg["mild_min_cjk"]) - cs) & ~low
    rows = np.flatnonzero(la)
    if not rows.size:
        return hit, hit[:0]
    # rows come by repeat, alignment `a` rising: a repeat's first row has the latest copy
    # start, its last row the earliest source start
    r = run[rows]
    first = np.flatnonzero(np.diff(r, prepend=-1))
    last = np.append(first[1:], rows.size) - 1
    maybe = r[first]
    n = lookalike_counts(cp, s_src[rows[last]], s_cp[rows[first]], d[maybe], pend[maybe], cfg)
    la_pid = np.unique(pid[maybe[n >= int(cfg["min_lookalikes"])]])
    return (np.union1d(hit, la_pid) if la_pid.size else hit), la_pid


def suspects(texts: list[str], cfg: dict, flu: Fluency) -> dict:
    """Which paragraphs need the expensive checks, and their exact log-probabilities.

    * "repair": paragraphs holding a tandem repeat, an interleave candidate whose
      seam falls between two CJK characters, or a repeat near enough to be a
      noisy copy whose sampled fluencies may pair a garbled copy with a fluent one;
    * "garbled": paragraphs whose exact fluency is under `garbled_below` among
      those whose sampled fluency is low (or too short to sample);
    * "noisy": those of them where a noisy copy is possible;
    * "lookalike": those where a copy under a look-alike tier is possible;
    * "lp": exact per-character log-probabilities of the "noisy" paragraphs.
    Clean text costs one k-gram sort and one model pass (`DocLogp`).
    """
    k, max_shift = int(cfg["kgram"]), int(cfg["max_shift"])
    min_rep, gap = int(cfg["min_repeat_chars"]), int(cfg["max_interleave_gap"])
    min_s = int(cfg["min_samples"])
    joined = SEP.join(texts)
    cp = codepoints(joined)
    lens = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    ends = np.cumsum(lens + 1) - 1
    offs = ends - lens
    cjk = is_han_array(cp)
    doc_lp = DocLogp(cp, cjk, offs, ends, flu)
    spos, slp = doc_lp.sampled(int(cfg["sample_stride"]))
    csum = np.concatenate(([0.0], np.cumsum(slp)))
    repair: set[int] = set()
    noisy_hit: set[int] = set()
    lookalike: set[int] = set()
    exact: dict[int, np.ndarray] = {}
    start, d, length = repeats(cp, ends, k, max_shift)
    if start.size:
        pid = np.searchsorted(ends, start, side="right")
        tandem = (length >= d) & (d >= min_rep)
        repair.update(pid[tandem].tolist())
        inter = (length >= min_rep) & (d - length > 0) & (d - length <= gap) & ~tandem
        inter &= start + d + length < ends[pid]
        if inter.any():
            # `word_spans_break(y, z)` needs a dictionary word across the seam, so the
            # seam's two characters must be a within-word bigram of the dictionary
            s0, d0, l0 = start[inter], d[inter], length[inter]
            z0 = cp[s0 + d0 + l0].astype(np.uint64)
            seam = np.zeros(s0.size, dtype=bool)
            for a in range(1, 3):  # a = 0 aligns the exact run itself: identical copies, never repaired
                ye = s0 + d0 - a - 1
                y0 = cp[ye].astype(np.uint64)
                key = (y0 << np.uint64(21)) | z0
                seam |= (ye >= s0 + l0) & (flu.g.model().bigram_cond(key) > 0)
            pi = pid[inter]
            # then the segmentation itself, as `interleaved` tries it: most seams fail here
            for c in np.flatnonzero(seam).tolist():
                if seam_cut(joined, int(offs[pi[c]]), int(s0[c]), int(d0[c]), int(l0[c])):
                    repair.add(int(pi[c]))
        noisy = (d <= int(cfg["max_noisy_shift"])) & ~tandem
        if noisy.any():
            s0, d0, pn = start[noisy], d[noisy], pid[noisy]
            hit, la = noisy_suspects(s0, d0, length[noisy], pn, offs[pn], ends[pn], doc_lp.prefix(), cp, cfg)
            repair.update(hit.tolist())
            noisy_hit.update(hit.tolist())
            lookalike.update(la.tolist())
    sums = doc_lp.paragraph_sums()
    out: dict = {"repair": repair, "noisy": noisy_hit, "lookalike": lookalike, "garbled": {}, "lp": {}, "sums": sums}
    if cfg["noisy_paragraphs"]:
        cnt, mean = region_means(spos, csum, offs, ends)
        low = (cnt < min_s) | (mean < float(cfg["garbled_prefilter"]))
        # a copy a little less fluent than its source is only looked for in short paragraphs
        low |= (mean < float(cfg["copy_prefilter"])) & (lens <= int(cfg["max_copy_chars"]))
        cand = np.flatnonzero((lens >= 6) & low)
        if cand.size:
            n, tot = sums[0][cand], sums[1][cand]  # `garble.fluency` of each candidate
            f = np.where(n >= MIN_CJK, tot / np.maximum(n, 1), NEUTRAL)
            below = max(float(t[2]) for t in cfg["copy_tiers"])
            low = f < below
            out["garbled"] = dict(zip(cand[low].tolist(), f[low].tolist(), strict=True))
    todo = sorted(noisy_hit - exact.keys())
    if todo:
        exact.update((n, doc_lp.paragraph(n, len(texts[n]))) for n in todo)
    out["lp"] = exact
    return out
