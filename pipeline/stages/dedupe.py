"""Dedupe inside one document: text the extraction printed twice (OUTPUT_SPEC 7).

Four kinds, cheapest first, each removal recorded with its reason:

* `duplicate-paragraph`: the same paragraph again (hashing). A long paragraph
  is a duplicate anywhere; a short one (`附件：`, a heading) only right after
  itself, because the same short heading in two sections is legitimate.
* `repeated-clause`: a span followed at once by itself (`X X` -> `X`).
* `interleaved-copy`: two copies of a span with a little real text between
  them (`X' Y X Z` -> `X Y Z`), the more fluent copy kept in first place.
* `noisy-copy`: a garbled OCR copy of the neighbouring passage, found from a
  shared k-gram and aligned with rapidfuzz; removed when it is far less
  fluent than the passage it copies. A garbled paragraph that copies a
  neighbouring paragraph goes the same way.

Cost stays linear: candidate repeats come from one vectorised k-gram hash
over the whole document (numpy sort), bounded by `max_shift`; only the rare
candidates are scored with the garble model and rapidfuzz.
"""

from __future__ import annotations

import numpy as np
from rapidfuzz import fuzz

from ..document import Document, Line, nonws_len
from ..registry import stage

STAGE = "dedupe"
_B = np.uint64(1_000_003)
_SEP = "\x00"


def _cjk_count(text: str) -> int:
    return sum("\u3400" <= c <= "\u9fff" for c in text)


def kgram_pairs(text: str, k: int, max_shift: int) -> tuple[np.ndarray, np.ndarray]:
    """(p1, p2): positions of consecutive occurrences of the same k-gram, p2 - p1 <= max_shift."""
    n = len(text)
    if n < k + 1:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    cp = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    m = n - k + 1
    h = np.zeros(m, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            h = h * _B + cp[j : j + m]
    order = np.argsort(h, kind="stable")
    hs = h[order]
    same = hs[1:] == hs[:-1]
    p1, p2 = order[:-1][same], order[1:][same]
    d = p2 - p1
    keep = (d >= k) & (d <= max_shift)
    return p1[keep], p2[keep]


def _runs(p1: np.ndarray, p2: np.ndarray, k: int) -> list[tuple[int, int, int]]:
    """Maximal exact repeats as (start, shift, length) from k-gram pairs."""
    if p1.size == 0:
        return []
    d = p2 - p1
    order = np.lexsort((p1, d))
    out: list[tuple[int, int, int]] = []
    s = prev = int(p1[order[0]])
    dd = int(d[order[0]])
    for i in order[1:].tolist():
        pi, di = int(p1[i]), int(d[i])
        if di == dd and pi == prev + 1:
            prev = pi
            continue
        out.append((s, dd, prev - s + k))
        s = prev = pi
        dd = di
    out.append((s, dd, prev - s + k))
    return sorted(out)


class _Fluency:
    """The garble model, imported lazily (it loads jieba's dictionary once)."""

    def __init__(self) -> None:
        from .. import garble

        self.g = garble

    def __call__(self, text: str) -> float:
        return self.g.fluency(text)

    def in_context(self, text: str) -> np.ndarray:
        """Per-character log-probability of `text` read in context (NaN off CJK)."""
        out = np.full(len(text), np.nan)
        pos, lp = self.g.char_logp(text)
        out[pos] = lp
        return out


class _Lazy:
    """`fn(arg)`, computed at the first call only."""

    def __init__(self, fn, arg):
        self.fn, self.arg, self.value = fn, arg, None

    def __call__(self):
        if self.value is None:
            self.value = self.fn(self.arg)
        return self.value


def _span_fluency(lp: np.ndarray, a: int, b: int) -> float:
    seg = lp[a:b]
    seg = seg[~np.isnan(seg)]
    return float(seg.mean()) if seg.size >= 4 else 0.0


def _gain(t: str, new: str, lo: int, hi: int, flu: _Fluency, pad: int = 12) -> float:
    """Fluency gain of an edit inside [lo, hi) of `t`, judged on a window around it."""
    a = max(0, lo - pad)
    b = min(len(t), hi + pad)
    return flu(new[a : b - (len(t) - len(new))]) - flu(t[a:b])


def _interleaved(t: str, start: int, d: int, length: int, cfg: dict, flu: _Fluency) -> list:
    """X' Y X Z -> X Y Z: two copies of a span with the text Y of one column between them.

    Identical copies with text between are parallel phrasing, not damage; the
    evidence is that the copies differ (OCR noise) and Y runs on into Z (a word
    spans the seam, as `入围国` + `家级` does).
    """
    from .paragraphs import word_spans_break

    out = []
    for a in range(0, 3):
        s1, s2 = start - a, start + d - a
        if s1 < 0:
            break
        x1, x2 = t[s1 : start + length], t[s2 : start + d + length]
        y, z = t[start + length : s2], t[start + d + length :]
        if x1 == x2 or fuzz.ratio(x1, x2) < float(cfg["min_copy_ratio"]) or not word_spans_break(y, z):
            continue
        for keep, drop in ((x1, x2), (x2, x1)):
            new = t[:s1] + keep + y + z
            out.append((_gain(t, new, s1, start + d + length, flu), new, drop, "interleaved-copy"))
    return out


def _noisy(t: str, start: int, d: int, length: int, cfg: dict, flu: _Fluency, lp) -> list:
    """S R -> S: R a garbled OCR copy of the passage S right before it (or the other way round).

    Garble is judged in context (per-character log-probabilities of the whole
    paragraph), so a copy cut mid-word does not look garbled by its cut alone.
    """
    out: list = []
    if _cjk_count(t[start : start + length]) < 5:
        return out
    limit, margin = float(cfg["garbled_below"]), float(cfg["fluency_margin"])
    lo, hi = max(0, start - d), min(len(t), start + 2 * d)
    if _span_fluency(lp(), lo, hi) > limit + margin:
        return out  # nothing garbled anywhere near: no noisy copy here
    for a in range(0, d - length + 1):
        s_src, s_cp = start - a, start + d - a
        if s_src < 0 or s_cp + d > len(t):
            continue
        src, cp = t[s_src:s_cp], t[s_cp : s_cp + d]
        if fuzz.ratio(src, cp) < float(cfg["min_noisy_ratio"]) or _cjk_count(cp) < 8:
            continue
        f_src, f_cp = _span_fluency(lp(), s_src, s_cp), _span_fluency(lp(), s_cp, s_cp + d)
        if f_cp < limit and f_cp + margin < f_src:
            new = t[:s_cp] + t[s_cp + d :]
            out.append((_gain(t, new, s_src, s_cp + d, flu), new, cp, "noisy-copy"))
        elif f_src < limit and f_src + margin < f_cp:
            new = t[:s_src] + t[s_cp:]
            out.append((_gain(t, new, s_src, s_cp + d, flu), new, src, "noisy-copy"))
    return out


def _edits(t: str, start: int, d: int, length: int, cfg: dict, flu: _Fluency, lp):
    """Candidate repairs for one repeat, best first: (gain, new text, removed text, reason)."""
    if length >= d >= int(cfg["min_repeat_chars"]) and _cjk_count(t[start : start + d]) >= 4:
        # X X: an exact tandem repeat of a whole clause
        new = t[: start + d] + t[start + 2 * d :]
        return [(1.0, new, t[start + d : start + 2 * d], "repeated-clause")]
    out = []
    if length >= int(cfg["min_repeat_chars"]) and 0 < d - length <= int(cfg["max_interleave_gap"]):
        out += _interleaved(t, start, d, length, cfg, flu)
    if d <= int(cfg["max_noisy_shift"]):
        out += _noisy(t, start, d, length, cfg, flu, lp)
    gain = {"interleaved-copy": float(cfg["min_fluency_gain"]), "noisy-copy": float(cfg["min_noisy_gain"])}
    out = [e for e in out if e[0] > gain[e[3]]]
    out.sort(key=lambda e: -e[0])
    return out


def repair_paragraph(
    text: str, cfg: dict, flu: _Fluency | None = None, lp0: np.ndarray | None = None
) -> tuple[str, list[tuple[str, str]]]:
    """`text` with repeated clauses and copies inside it removed; and what was removed, why."""
    work = text
    removed: list[tuple[str, str]] = []
    k, max_shift = int(cfg["kgram"]), int(cfg["max_shift"])
    for _ in range(int(cfg["max_repairs_per_paragraph"])):
        p1, p2 = kgram_pairs(work, k, max_shift)
        runs = _runs(p1, p2, k)
        if not runs:
            break
        flu = flu or _Fluency()
        lp = _Lazy(flu.in_context, work)  # per-character log-probs, computed on demand
        if lp0 is not None and not removed:
            lp.value = lp0
        done = False
        for start, d, length in runs:
            edits = _edits(work, start, d, length, cfg, flu, lp)
            if edits:
                _, work, gone, reason = edits[0]
                removed.append((gone, reason))
                done = True
                break
        if not done:
            break
    return work, removed


def _doc_logp(arg: tuple[_Fluency, list[str]]) -> list[np.ndarray]:
    """Per-character log-probabilities of every paragraph, from one pass over the document."""
    flu, texts = arg
    lp = flu.in_context("\n".join(texts))
    out, pos = [], 0
    for t in texts:
        out.append(lp[pos : pos + len(t)])
        pos += len(t) + 1
    return out


def _with_repeats(doc: Document, units: list[int], cfg: dict) -> list[int]:
    """The units holding any repeated k-gram at all: one hash pass over the whole document."""
    k = int(cfg["kgram"])
    texts = [doc.lines[i].text for i in units]
    joined = _SEP.join(texts)
    p1, p2 = kgram_pairs(joined, k, int(cfg["max_shift"]))
    if p1.size == 0:
        return []
    ends = np.cumsum([len(t) + 1 for t in texts])
    which1 = np.searchsorted(ends, p1, side="right")
    which2 = np.searchsorted(ends, p2 + k - 1, side="right")
    hit = np.unique(which1[which1 == which2])
    return [units[j] for j in hit.tolist()]


def _garbled_copy(par: str, neighbours: list[str], cfg: dict, flu: _Fluency) -> bool:
    """A garbled paragraph that is a noisy copy of a neighbouring one."""
    if _cjk_count(par) < 6 or flu(par) >= float(cfg["garbled_below"]):
        return False
    for nb in neighbours:
        if flu(nb) > flu(par) + float(cfg["fluency_margin"]):
            if fuzz.partial_ratio(par, nb) >= float(cfg["min_noisy_ratio"]) + 20:
                return True
    return False


@stage(
    STAGE,
    defaults={
        "exact": True,  # drop repeated paragraphs
        "long_paragraph_chars": 30,  # a repeat this long is a duplicate anywhere
        "within_paragraph": True,  # repeated clauses, interleaved and noisy copies
        "noisy_paragraphs": True,  # garbled paragraphs copying a neighbour
        "window": 3,  # neighbours a paragraph is compared with
        "kgram": 6,  # shared k-gram that makes a repeat candidate
        "max_shift": 160,  # farthest second copy inside a paragraph (chars)
        "min_repeat_chars": 8,  # shortest clause counted as repeated
        "max_interleave_gap": 20,  # most real text between interleaved copies
        "min_copy_ratio": 80,  # rapidfuzz ratio of two interleaved copies
        "max_noisy_shift": 80,  # longest noisy copy considered (chars)
        "min_noisy_ratio": 50,  # rapidfuzz ratio of a noisy copy to its source
        "garbled_below": -6.5,  # fluency (in context) under which a copy counts as garbled
        "fluency_margin": 1.5,  # the kept copy must be this much more fluent
        "min_fluency_gain": 0.15,  # an interleave repair must make the text this much more fluent
        "min_noisy_gain": 0.3,  # and removing a noisy copy this much
        "max_repairs_per_paragraph": 5,
    },
)
def run(doc: Document, cfg: dict) -> Document:
    """Remove repeated paragraphs, clauses and noisy copies, keeping the best copy."""
    units = [i for i, ln in enumerate(doc.lines) if ln.text.strip()]
    reason_par = "duplicate-paragraph" if doc.paragraphs else "duplicate-line"
    drop: set[int] = set()
    dup_chars = 0
    if cfg["exact"]:
        seen: dict[str, int] = {}
        prev_key = None
        for i in units:
            key = "".join(doc.lines[i].text.split())
            long = len(key) >= int(cfg["long_paragraph_chars"])
            if key == prev_key or (long and key in seen):
                drop.add(i)
            else:
                seen.setdefault(key, i)
            prev_key = key
    flu = _Fluency()
    live = [i for i in units if i not in drop]
    where = {i: n for n, i in enumerate(live)}
    doc_lp = _Lazy(_doc_logp, (flu, [doc.lines[i].text for i in live]))  # one model pass per document
    if cfg["within_paragraph"]:
        for i in _with_repeats(doc, live, cfg):
            ln = doc.lines[i]
            new, gone = repair_paragraph(ln.text, cfg, flu, doc_lp()[where[i]])
            if gone:
                flu = flu or _Fluency()
                for text, reason in gone:
                    doc.record_removal(STAGE, reason, text, ln.src)
                    dup_chars += nonws_len(text)
                doc.lines[i] = ln.with_text(new)
    if cfg["noisy_paragraphs"]:
        w = int(cfg["window"])
        scores = [_span_fluency(lp, 0, len(lp)) or flu.g.NEUTRAL for lp in doc_lp()]
        for n, i in enumerate(live):
            if scores[n] >= float(cfg["garbled_below"]):
                continue
            nbs = [doc.lines[j].text for j in live[max(0, n - w) : n + w + 1] if j != i and j not in drop]
            if _garbled_copy(doc.lines[i].text, nbs, cfg, flu):
                drop.add(i)
                doc.record_removal(STAGE, "noisy-copy", doc.lines[i].text, doc.lines[i].src)
                dup_chars += nonws_len(doc.lines[i].text)
    kept: list[Line] = []
    for i, ln in enumerate(doc.lines):
        if i in drop:
            if not any(r.src == ln.src and r.stage == STAGE and r.text == ln.text for r in doc.removed):
                doc.record_removal(STAGE, reason_par, ln.text, ln.src)
                dup_chars += nonws_len(ln.text)
            continue
        kept.append(ln)
    doc.lines = kept
    doc.stats["duplicate_chars"] = doc.stats.get("duplicate_chars", 0) + dup_chars
    return doc
