"""`ocrclean run --html`: a report to read in a browser.

DIR/index.html lists every document (score, grade, flags, removed); each
document gets DIR/html/doc-NNNN.html with the input and the clean text side by
side, removed spans struck through in the input, flagged lines marked in the
output, and the score components. Built only from what the batch wrote (the
reports and outputs), so cached documents render like fresh ones. Every page is
self-contained (inline CSS, no scripts, no external assets) and every piece of
document text is HTML-escaped.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from .emit import write_atomic
from .quality import below_min_score

MAX_CHARS = 400_000  # per column; beyond this the view is cut (the files are complete)

CSS = """
body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;margin:1.2em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.4em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}
.grade{font-weight:bold;padding:0 .4em;border-radius:3px}
.g-A{background:#c8f0c8}.g-B{background:#e4f3b8}.g-C{background:#fbe7a6}.g-D{background:#fbc9a0}.g-F{background:#f6a8a8}
.error{color:#a00}
.side{display:grid;grid-template-columns:1fr 1fr;gap:1em}
.col{border:1px solid #ccc;overflow:auto;max-height:80vh}
.col h3{margin:0;padding:.3em .6em;background:#f3f3f3;position:sticky;top:0}
.ln{display:grid;grid-template-columns:3.5em 1fr;font-family:"Noto Sans Mono CJK SC",monospace;font-size:.9em}
.ln>span:first-child{color:#999;text-align:right;padding-right:.6em;user-select:none}
.ln>span:last-child{white-space:pre-wrap;word-break:break-all}
del.rm{background:#fdd;color:#900}
.flagged{background:#fff3b0}
.cut{color:#a00;font-style:italic;padding:.3em .6em}
"""


def _e(s: Any) -> str:
    return html.escape("" if s is None else str(s), quote=True)


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8"><title>{_e(title)}</title>'
            f"<style>{CSS}</style></head><body>\n{body}\n</body></html>\n")


def _grade(g: Any) -> str:
    g = str(g or "?")
    return f'<span class="grade g-{_e(g[:1])}">{_e(g)}</span>'


def _read(path: str | None, encoding: str | None = None) -> str | None:
    if not path:
        return None
    try:
        return Path(path).read_bytes().decode(encoding or "utf-8", "replace")
    except (OSError, LookupError):
        return None


def _marks(lines: list[str], removed: list[dict[str, Any]]) -> list[list[str | None]]:
    """Per character of the input, the title of the removal covering it (or None)."""
    marks: list[list[str | None]] = [[None] * len(s) for s in lines]
    for r in removed:
        text = r.get("text") or ""
        a, b = (r.get("source_lines") or [0, 0])[:2]
        a, b = max(1, int(a)), min(len(lines), int(b))
        if not text.strip() or a > b:
            continue
        title = f"removed: {r.get('reason')} ({r.get('stage')})"
        seg = "\n".join(lines[a - 1 : b])
        idx = seg.find(text)
        hits = list(range(idx, idx + len(text))) if idx >= 0 else _subsequence(seg, text)
        if hits:
            starts, pos = [], 0
            for n in range(a - 1, b):
                starts.append(pos)
                pos += len(lines[n]) + 1
            n = 0
            for h in hits:  # map segment offsets back onto lines
                while n + 1 < len(starts) and starts[n + 1] <= h:
                    n += 1
                k = h - starts[n]
                if k < len(lines[a - 1 + n]):
                    marks[a - 1 + n][k] = marks[a - 1 + n][k] or title
            continue
        for n in range(a - 1, b):
            s = lines[n]
            core = s.strip()
            if core and core in text:
                start = s.find(core)
                for k in range(start, start + len(core)):
                    marks[n][k] = marks[n][k] or title
            elif text.strip() in s:
                start = s.find(text.strip())
                for k in range(start, start + len(text.strip())):
                    marks[n][k] = marks[n][k] or title
    return marks


def _subsequence(seg: str, text: str) -> list[int]:
    """Offsets of `text` as a compact subsequence of `seg` (a removal taken from several
    places of one line, such as the `**` pairs of bold or the `_{}` of `PM_{2.5}`)."""
    want = [c for c in text if not c.isspace()]
    if not want or len(want) > 40:
        return []
    start = seg.find(want[0])
    while start >= 0:
        hits, i = [], start
        for c in want:
            i = seg.find(c, i)
            if i < 0 or i - start > 8 * len(want) + 40:
                hits = []
                break
            hits.append(i)
            i += 1
        if hits:
            return hits
        start = seg.find(want[0], start + 1)
    return []


def _line_html(s: str, mark: list[str | None]) -> str:
    out, k = [], 0
    while k < len(s):
        j = k
        while j < len(s) and mark[j] == mark[k]:
            j += 1
        piece = _e(s[k:j])
        out.append(f'<del class="rm" title="{_e(mark[k])}">{piece}</del>' if mark[k] else piece)
        k = j
    return "".join(out)


def _column(title: str, text: str | None, removed: list[dict[str, Any]] | None = None,
            flagged: dict[int, str] | None = None, missing: str = "") -> str:
    if text is None:
        return f'<div class="col"><h3>{_e(title)}</h3><div class="cut">{_e(missing)}</div></div>'
    cut = len(text) > MAX_CHARS
    lines = text[:MAX_CHARS].split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    marks = _marks(lines, removed or [])
    rows = []
    for n, s in enumerate(lines, start=1):
        cls, tip = "ln", ""
        if flagged and n in flagged:
            cls, tip = "ln flagged", f' title="{_e(flagged[n])}"'
        rows.append(f'<div class="{cls}" id="{title[:2].lower()}{n}"{tip}><span>{n}</span><span>{_line_html(s, marks[n - 1])}</span></div>')
    if cut:
        rows.append(f'<div class="cut">(view cut at {MAX_CHARS} characters; the file is complete)</div>')
    return f'<div class="col"><h3>{_e(title)}</h3>{"".join(rows)}</div>'


def _table(head: list[str], rows: list[list[str]], cls: str) -> str:
    th = "".join(f"<th>{h}</th>" for h in head)
    body = "".join("<tr>" + "".join(rows_i) + "</tr>" for rows_i in rows)
    return f'<table class="{cls}"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


def document_page(report: dict[str, Any], clean: str | None, index_href: str) -> str:
    """One document: score components, flags, removed spans, input | clean side by side."""
    src, q = report["source"], report["quality"]
    comps = [[f"<td>{_e(k)}</td>", f'<td class="num">{_e(v.get("value") if isinstance(v, dict) else v)}</td>',
              f'<td class="num">{_e(v.get("penalty") if isinstance(v, dict) else "")}</td>']
             for k, v in (q.get("components") or {}).items()]
    flags = [[f'<td class="num">{_e(f.get("line"))}</td>', f"<td>{_e(f.get('kind'))}</td>",
              f"<td>{_e(f.get('message'))}</td>", f"<td>{_e(f.get('excerpt'))}</td>"] for f in report["flags"]]
    removed = [[f"<td>{_e(r.get('reason'))}</td>", f"<td>{_e(r.get('stage'))}</td>",
                f'<td class="num">{_e("-".join(str(x) for x in r.get("source_lines", [])))}</td>',
                f"<td>{_e(r.get('text', '')[:300])}</td>"] for r in report["removed"]]
    flagged: dict[int, str] = {}
    for f in report["flags"]:
        if f.get("line"):
            flagged[int(f["line"])] = (flagged.get(int(f["line"]), "") + f"{f.get('kind')}: {f.get('message')} ").strip()
    raw = _read(src.get("path"), src.get("encoding")) if src.get("kind") == "text" else None
    missing = f"({src.get('kind')} input: its extracted text is not kept; removed spans are listed below)"
    body = f"""<p><a href="{_e(index_href)}">&larr; all documents</a></p>
<h1>{_e(src.get("path"))}</h1>
<p class="summary">score <b class="score">{_e(q.get("score"))}</b> {_grade(q.get("grade"))} &middot;
{len(report["flags"])} flag(s) &middot; {report["accounting"]["removed_chars"]} character(s) removed &middot;
config {_e(report["pipeline"]["config"])} &middot; ocrclean {_e(report["pipeline"]["version"])}</p>
<h2>Input and clean text</h2>
<p class="legend"><del class="rm">struck through</del>: removed (hover for why) &middot;
<span class="flagged">marked</span>: flagged line</p>
<div class="side">{_column("Input", raw, report["removed"], missing=missing)}{_column("Clean", clean, flagged=flagged, missing="(output not found)")}</div>
<h2>Score components</h2>{_table(["component", "value", "penalty"], comps, "components")}
<h2>Flags</h2>{_table(["line", "kind", "message", "excerpt"], flags, "flags")}
<h2>Removed</h2>{_table(["reason", "stage", "source lines", "text"], removed, "removed")}"""
    return _page(f"ocrclean: {src.get('path')}", body)


def write_html(out_dir: Path, batch_result: Any) -> Path:
    """Write DIR/index.html and DIR/html/doc-NNNN.html; returns the index path."""
    out_dir = Path(out_dir)
    rows = []
    scores = []
    outcomes = sorted(batch_result.outcomes, key=lambda oc: oc.path)  # stable whatever the finishing order
    for i, oc in enumerate(outcomes, start=1):
        if not oc.ok or oc.report is None:
            rows.append([f'<td class="num">{i}</td>', f"<td>{_e(oc.path)}</td>", "<td></td><td></td><td></td><td></td>",
                         f'<td class="error">{_e(oc.error)}</td>'])
            continue
        rep = oc.report
        clean = oc.text if oc.text is not None else _read(rep["output"].get("path"))
        name = f"html/doc-{i:04d}.html"
        write_atomic(out_dir / name, document_page(rep, clean, "../index.html"))
        q = rep["quality"]
        scores.append(float(q["score"]))
        status = "cached" if oc.extra.get("cached") else "ok"
        if below_min_score(rep):
            status = f"below {q.get('min_score', 0):g}"
        rows.append([f'<td class="num">{i}</td>', f'<td><a href="{_e(name)}">{_e(rep["source"]["path"])}</a></td>',
                     f'<td class="num score">{_e(q["score"])}</td>', f"<td>{_grade(q.get('grade'))}</td>",
                     f'<td class="num">{len(rep["flags"])}</td>', f'<td class="num">{rep["accounting"]["removed_chars"]}</td>',
                     f"<td>{status}</td>"])
    mean = f"{sum(scores) / len(scores):.1f}" if scores else "n/a"
    body = (f"<h1>ocrclean report</h1><p>{len(scores)} document(s), {len(batch_result.errors)} error(s), "
            f"mean score {mean}</p>"
            + _table(["#", "document", "score", "grade", "flags", "removed", "status"], rows, "documents"))
    index = out_dir / "index.html"
    write_atomic(index, _page("ocrclean report", body))
    return index
