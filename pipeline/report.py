"""The per-document report (OUTPUT_SPEC section 9), schema `schema/report.schema.json`."""

from __future__ import annotations

import hashlib
from bisect import bisect_left, bisect_right
from typing import Any

from .config import Config
from .document import Document, nonws_len


def output_line_map(doc: Document) -> list[tuple[tuple[int, int], int]]:
    """(source range, output line) for every emitted line, in output order."""
    out: list[tuple[tuple[int, int], int]] = []
    line_no = 1
    if doc.paragraphs:
        for ln in doc.lines:
            if ln.text.strip():
                out.append((ln.src, line_no))
                line_no += 2
        return out
    prev_blank = True
    started = False
    for ln in doc.lines:
        if ln.text.strip():
            if started and prev_blank:
                line_no += 1  # the single blank separator
            out.append((ln.src, line_no))
            line_no += 1
            started = True
            prev_blank = False
        else:
            prev_blank = True
    return out


def resolve_line(mapping: list[tuple[tuple[int, int], int]], src: tuple[int, int]) -> int | None:
    """The output line holding source range `src` (or the nearest one after it)."""
    best = None
    for (a, b), out in mapping:
        if a <= src[1] and src[0] <= b:
            return out
        if a > src[1] and best is None:
            best = out
    return best if best is not None else (mapping[-1][1] if mapping else None)


class LineResolver:
    """`resolve_line(mapping, src)` for many flags: by bisection when the source ranges
    run in output order (the usual case), so a report with many flags stays linear."""

    def __init__(self, mapping: list[tuple[tuple[int, int], int]]):
        self.mapping = mapping
        self.starts = [a for (a, _), _ in mapping]
        self.ends = [b for (_, b), _ in mapping]
        self.ordered = all(x <= y for x, y in zip(self.starts, self.starts[1:], strict=False)) and all(
            x <= y for x, y in zip(self.ends, self.ends[1:], strict=False)
        )

    def __call__(self, src: tuple[int, int]) -> int | None:
        m = self.mapping
        if not self.ordered:
            return resolve_line(m, src)
        hi = bisect_right(self.starts, src[1])  # entries [0, hi) start at or before src ends
        lo = bisect_left(self.ends, src[0])  # entries [lo, n) end at or after src starts
        if lo < hi:
            return m[lo][1]  # the first overlapping one
        if hi < len(m):
            return m[hi][1]  # the first one after it
        return m[-1][1] if m else None


def build_report(
    *,
    doc: Document,
    text: str,
    input_chars: int,
    raw: bytes,
    config: Config,
    quality: dict[str, Any],
    accounting: dict[str, dict[str, int]],
    timings: dict[str, float],
    version: str,
) -> dict[str, Any]:
    from . import REPORT_SCHEMA_VERSION

    resolve = LineResolver(output_line_map(doc))
    flags = []
    for f in [*doc.flags, *quality.pop("extra_flags", [])]:
        if f.line is None:
            f.line = resolve(f.src)
        flags.append(f.to_dict())
    flags.sort(key=lambda f: (f["line"] or 0, f["kind"]))
    removed = [r.to_dict() for r in doc.removed]
    # text a reader dropped before the stages ran (PDF running heads, say) was input too
    pre_stage = sum(nonws_len(r["text"]) for r in removed if r["stage"] not in accounting)
    in_chars = input_chars + pre_stage
    out_chars = nonws_len(text)
    removed_chars = sum(nonws_len(r["text"]) for r in removed)
    changed = int(sum(doc.delta.values()))
    return {
        "schema_version": REPORT_SCHEMA_VERSION,
        "pipeline": {"name": "ocrclean", "version": version, "config": config.name, "config_digest": config.digest},
        "source": {
            "path": doc.source,
            "sha256": hashlib.sha256(raw).hexdigest(),
            "bytes": len(raw),
            "kind": doc.kind,
            "encoding": doc.metadata.get("encoding"),
        },
        "output": {
            "path": None,
            "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "chars": len(text),
            "lines": text.count("\n"),
            "paragraphs": sum(1 for p in text.split("\n\n") if p.strip()),
        },
        "quality": quality,
        "flags": flags,
        "removed": removed,
        "changes": {stage: dict(sorted(c.items())) for stage, c in doc.changes.items()},
        "accounting": {
            "input_chars": in_chars,
            "output_chars": out_chars,
            "removed_chars": removed_chars,
            "changed_chars": changed,
            "unaccounted_chars": in_chars - out_chars - removed_chars - changed,
            "stages": accounting,
        },
        "metadata": {k: v for k, v in doc.metadata.items() if k != "encoding"},
        "pages": doc.stats.get("pages", []),
        "timings": timings,
        "errors": [],
    }
