"""The dedupe stage: its settings, and one pass of every rule until nothing changes."""

from __future__ import annotations

from ...document import Document, Line, nonws_len
from ...facts import entities, protected_line, same_facts
from ...registry import stage
from .blocks import block_repeats
from .copies import copy_alignments, is_copy
from .fluency import Fluency
from .lookalikes import lookalike_table
from .repair import repair_paragraph
from .suspects import suspects

STAGE = "dedupe"


def _warm(cfg: dict) -> None:
    """The look-alike table (a quarter of a second to load) and the dictionary's names
    (`facts.entities`, half a second) before a pool forks."""
    if cfg["within_paragraph"]:
        lookalike_table(int(cfg["lookalike_chars"]))
    if cfg["within_paragraph"] or cfg["noisy_paragraphs"]:
        entities("北京")


@stage(
    STAGE,
    defaults={
        "exact": True,  # drop repeated paragraphs
        "long_paragraph_chars": 30,  # a repeat this long is a duplicate anywhere
        "within_paragraph": True,  # repeated clauses, interleaved and noisy copies
        "noisy_paragraphs": True,  # garbled paragraphs copying a neighbour
        "window": 3,  # neighbours a garbled paragraph is compared with (each side)
        "copy_window": 1,  # and a merely less fluent one
        "kgram": 6,  # shared k-gram that makes a repeat candidate
        "max_shift": 160,  # farthest second copy inside a paragraph (chars)
        "min_repeat_chars": 8,  # shortest clause counted as repeated
        "max_interleave_gap": 20,  # most real text between interleaved copies
        "min_copy_ratio": 80,  # rapidfuzz ratio of two interleaved copies
        "max_noisy_shift": 80,  # longest noisy copy considered (chars)
        # a copy of the passage right before it, inside a paragraph: (min rapidfuzz ratio,
        # min fluency gap to the source, copy fluency below), in context
        "noisy_tiers": [[50, 1.5, -6.5], [60, 1.2, -6.5]],
        "mild_min_cjk": 14,  # a copy under the mild tier: at least this many CJK chars, no digits
        "copy_slack": 3,  # a copy up to this many characters longer or shorter than its shift
        "garbled_below": -6.5,  # fluency (in context) under which a copy counts as garbled
        "suspect_slack": 0.25,  # prefilter margin for copies a few characters longer or shorter
        "min_fluency_gain": 0.15,  # an interleave repair must make the text this much more fluent
        "min_noisy_gain": 0.3,  # and removing a noisy copy this much
        # a copy only mildly less fluent than its source, with at least `min_lookalikes`
        # look-alike misreadings among its differences (`全域` -> `主城`): (min ratio with
        # look-alikes counted as matches, min fluency gap, copy fluency below), in context
        "lookalike_tiers": [[55, 0.6, -5.6]],
        "min_lookalikes": 2,
        "min_lookalike_gain": 0.1,
        "lookalike_chars": 7000,  # characters in the look-alike table (`ocr_lookalikes`)
        "max_repairs_per_paragraph": 5,
        "sample_stride": 3,  # prefilter: every n-th CJK character scored by the garble model
        "min_samples": 6,  # a region with fewer samples is always checked exactly
        "garbled_prefilter": -5.6,  # sampled paragraph fluency under which it is checked exactly
        "copy_prefilter": -4.9,  # the same for paragraphs of at most max_copy_chars
        "max_copy_chars": 120,
        # a paragraph copying a neighbour: (min partial ratio, min fluency gap to the
        # aligned source, copy fluency below); measured on damage and the national corpus
        "copy_tiers": [[45, 1.8, -6.5], [55, 1.0, -5.5], [75, 0.5, -5.0]],
        # a paragraph is never a noisy copy when it is short (fewer CJK characters than
        # this), a title (at most copy_max_title characters, no commas or stops) or a
        # table row: `facts.protected_line`
        "copy_min_cjk": 8,
        "copy_max_title": 30,
        "max_passes": 4,  # passes until nothing changes (a removal can reveal another repeat)
    },
    warm=_warm,
    after=("*",),  # it compares paragraphs as the output will have them: it runs last
)
def run(doc: Document, cfg: dict) -> Document:
    """Remove repeated paragraphs, clauses and noisy copies, keeping the best copy.

    Repeated until a pass changes nothing (at most `max_passes`): removing a
    garbled line makes its neighbours adjacent, and repairing a clause can
    leave two paragraphs equal; a second run of the pipeline would otherwise
    find what the first left behind. Clean text takes one pass.
    """
    for _ in range(int(cfg["max_passes"])):
        before = [ln.text for ln in doc.lines]
        doc = one_pass(doc, cfg)
        if [ln.text for ln in doc.lines] == before:
            break
    return doc


def one_pass(doc: Document, cfg: dict) -> Document:
    """One pass of every dedupe rule over the document's current lines."""
    units = [i for i, ln in enumerate(doc.lines) if ln.text.strip()]
    reason_par = "duplicate-paragraph" if doc.paragraphs else "duplicate-line"
    drop: set[int] = set()
    dup_chars = 0
    if cfg["exact"]:
        keys = ["".join(doc.lines[i].text.split()) for i in units]
        drop = {units[n] for n in block_repeats(keys, units, int(cfg["long_paragraph_chars"]))}
    live = [i for i in units if i not in drop]
    texts = [doc.lines[i].text for i in live]
    flu = Fluency()
    if live and (cfg["within_paragraph"] or cfg["noisy_paragraphs"]):
        exact_lp = suspects(texts, cfg, flu)
    else:
        exact_lp = {}
    if "sums" in exact_lp:  # the garble figures of every paragraph, for the quality scoring
        cnt, tot = exact_lp["sums"]
        doc.stats["line_fluency"] = {
            t.strip(): (c, s) for t, c, s in zip(texts, cnt.tolist(), tot.tolist(), strict=True)
        }
    if cfg["within_paragraph"]:
        for n in sorted(exact_lp.get("repair", ())):
            i = live[n]
            ln = doc.lines[i]
            new, gone = repair_paragraph(
                ln.text, cfg, flu, exact_lp["lp"].get(n), n in exact_lp["noisy"], n in exact_lp["lookalike"]
            )
            if gone:
                for text, reason in gone:
                    doc.record_removal(STAGE, reason, text, ln.src)
                    dup_chars += nonws_len(text)
                doc.lines[i] = ln.with_text(new)
                texts[n] = new
    if cfg["noisy_paragraphs"]:
        garbled = exact_lp.get("garbled", {})
        pairs = copy_alignments(texts, garbled, cfg)
        f_src = flu.g.fluency_many([p[3] for p in pairs]) if pairs else []
        for (n, j, ratio, src_text), fs in zip(pairs, f_src, strict=True):
            i = live[n]
            if i in drop or live[j] in drop or not is_copy(garbled[n], ratio, fs, cfg):
                continue
            if protected_line(texts[n], int(cfg["copy_min_cjk"]), int(cfg["copy_max_title"])):
                continue  # a title, a table row, a caption or a verse line: too short to call a copy
            if not same_facts(texts[n], src_text, cut_edges=True):
                continue  # another number or name than the passage it resembles: another fact
            drop.add(i)
            doc.record_removal(STAGE, "noisy-copy", doc.lines[i].text, doc.lines[i].src)
            dup_chars += nonws_len(doc.lines[i].text)
    kept: list[Line] = []
    recorded = {(r.src, r.text) for r in doc.removed if r.stage == STAGE}
    for i, ln in enumerate(doc.lines):
        if i in drop:
            if (ln.src, ln.text) not in recorded:
                doc.record_removal(STAGE, reason_par, ln.text, ln.src)
                dup_chars += nonws_len(ln.text)
            continue
        kept.append(ln)
    doc.lines = kept
    doc.stats["duplicate_chars"] = doc.stats.get("duplicate_chars", 0) + dup_chars
    return doc
