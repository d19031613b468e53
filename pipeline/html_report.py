"""`ocrclean run --html`: a review view to read in a browser.

DIR/index.html lists every document and sorts and filters them by score, grade
and flag kind (the state sits in the URL's #fragment, so a filtered view can be
bookmarked). Each document gets DIR/html/doc-NNNN.html: the source as the reader
saw it beside the clean text, row by row (`html_align`: a row pairs source lines
with the output lines they became, so both sides scroll as one), with every
difference marked: removed text (hover for the reason and stage), substitutions
(punctuation width, t2s, look-alikes), deleted spaces (·) and joined or split
lines (↵). Flags sit on the row of their source lines. For image and PDF inputs
the page picture with the line boxes stands beside the text (`html_pages`);
hovering a row lights its boxes and a click on a box brings its row.

The source is read again with the pipeline's own reader (`read_document`), so
for scanned pages `--html` costs one more OCR pass per page (the engine cache,
`[ocr] cache_dir`, saves it); cached documents render like fresh ones. Every page
is one file: inline CSS and script, pictures as data URIs, a Content-Security-Policy
that forbids anything external, and every piece of document text HTML-escaped.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from .emit import write_atomic
from .html_align import Row, Segment, align
from .html_pages import page_pictures, svg_page
from .quality import below_min_score

MAX_CHARS = 400_000  # per side; beyond this the view is cut (the files are complete)

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
CSS = """
body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;margin:1.2em;color:#222}
h1{font-size:1.3em;word-break:break-all}h2{font-size:1.1em;margin-top:1.4em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#f3f3f3}th[data-key]{cursor:pointer}td.num{text-align:right;font-variant-numeric:tabular-nums}
.grade{font-weight:bold;padding:0 .4em;border-radius:3px}
.g-A{background:#c8f0c8}.g-B{background:#e4f3b8}.g-C{background:#fbe7a6}.g-D{background:#fbc9a0}.g-F{background:#f6a8a8}
.error{color:#a00}.controls{margin:.6em 0;display:flex;gap:1em;flex-wrap:wrap;align-items:center}
.review{display:grid;grid-template-columns:minmax(0,1fr);gap:1em}
.review.with-pages{grid-template-columns:minmax(0,2fr) minmax(0,3fr)}
.pages,.diff{border:1px solid #ccc;overflow:auto;max-height:85vh}
.page{margin:0 0 .8em 0}.page figcaption{font-size:.8em;color:#666;padding:.2em .5em}
.page svg{width:100%;height:auto;display:block}
.box{fill:rgba(30,110,230,.10);stroke:#1e6ee6;stroke-width:1.5;vector-effect:non-scaling-stroke;cursor:pointer}
.box.on{fill:rgba(255,170,0,.35);stroke:#e07000;stroke-width:3}
.row{display:grid;grid-template-columns:minmax(0,1fr) 1.6em minmax(0,1fr);border-bottom:1px solid #f0f0f0;
 font-family:"Noto Sans Mono CJK SC",monospace;font-size:.9em}
.l{display:grid;grid-template-columns:3.6em minmax(0,1fr);min-height:1.2em}
.l>span:last-child{white-space:pre-wrap;word-break:break-all}
.n{color:#999;text-align:right;padding-right:.6em;user-select:none}
.row.head{position:sticky;top:0;background:#f3f3f3;font-family:inherit;font-weight:bold;z-index:1}
.row>div{padding:.1em .3em}
.row.head>div:first-child,.row.head>div:last-child{padding-left:4em}
.row.changed{background:#fcfcf4}.row.on{outline:2px solid #e07000}
.row .fl{text-align:center}.fl span{display:inline-block;background:#f5c400;border-radius:50%;width:1.1em;height:1.1em;cursor:help}
.row.flagged{background:#fff7cc}
del.d{background:#ffc8c8;color:#900;text-decoration:line-through}
del.s{background:#ffe08a;color:#7a4a00;text-decoration:line-through}
ins.i{background:#bff0bf;color:#064;text-decoration:none}
ins.s{background:#ffe08a;color:#7a4a00;text-decoration:none}
.ws,.nl{color:#b00;font-weight:bold}
.hide-same .row:not(.changed):not(.flagged):not(.head){display:none}
.cut{color:#a00;font-style:italic;padding:.3em .6em}
"""
DOC_JS = r"""
const pane=document.querySelector('.pages'),diff=document.querySelector('.diff');
function mark(i,scroll){document.querySelectorAll('.on').forEach(e=>e.classList.remove('on'));
 const r=document.getElementById('r'+i);if(r)r.classList.add('on');
 const bs=document.querySelectorAll('.box[data-row="'+i+'"]');bs.forEach(b=>b.classList.add('on'));
 if(scroll&&pane&&bs.length){const b=bs[0].getBoundingClientRect(),p=pane.getBoundingClientRect();
  if(b.top<p.top||b.bottom>p.bottom)pane.scrollTop+=b.top-p.top-p.height/3;}}
let hold=0;  // a row chosen by click or address keeps its mark while the scroll it causes settles
function go(i){const r=document.getElementById('r'+i);if(r){hold=Date.now()+600;r.scrollIntoView({block:'center'});mark(i,true);}}
document.querySelectorAll('.box').forEach(b=>b.addEventListener('click',()=>{
 go(b.dataset.row);history.replaceState(null,'','#r'+b.dataset.row);}));
document.querySelectorAll('.row[id]').forEach(r=>r.addEventListener('mouseenter',()=>mark(r.id.slice(1),true)));
if(pane&&diff){let t=0;diff.addEventListener('scroll',()=>{if(Date.now()<hold)return;cancelAnimationFrame(t);t=requestAnimationFrame(()=>{
 const d=diff.getBoundingClientRect();let r=document.elementFromPoint(d.left+d.width/4,d.top+d.height/4);
 r=r&&r.closest('.row[id]');for(let k=0;r&&k<30&&!r.dataset.boxes;k++)r=r.nextElementSibling;
 if(r&&r.dataset.boxes)mark(r.id.slice(1),true);});});}
const at=location.hash.match(/^#r(\d+)$/);if(at)go(at[1]);
const same=document.getElementById('same');
if(same)same.addEventListener('change',()=>diff.classList.toggle('hide-same',same.checked));
"""
INDEX_JS = """
const tb=document.querySelector('table.documents tbody'),rows=[...tb.rows];
const st=Object.fromEntries(new URLSearchParams(location.hash.slice(1)));
const ctl={q:document.getElementById('q'),grade:document.getElementById('grade'),flag:document.getElementById('flag'),
 min:document.getElementById('min')};
for(const k in ctl){if(st[k])ctl[k].value=st[k];ctl[k].addEventListener('input',()=>{st[k]=ctl[k].value;apply();});}
document.querySelectorAll('th[data-key]').forEach(th=>th.addEventListener('click',()=>{
 st.dir=(st.sort===th.dataset.key&&st.dir!=='desc')?'desc':'asc';st.sort=th.dataset.key;apply();}));
function val(r,k){const v=r.dataset[k];return k==='path'||k==='grade'?(v||'~'):(v===''?-1:parseFloat(v));}
function apply(){const k=st.sort||'n',s=st.dir==='desc'?-1:1;
 rows.sort((a,b)=>{const x=val(a,k),y=val(b,k);return (x<y?-1:x>y?1:0)*s||val(a,'n')-val(b,'n');});
 let shown=0;for(const r of rows){tb.appendChild(r);
  const ok=(!st.q||r.dataset.path.toLowerCase().includes(st.q.toLowerCase()))&&(!st.grade||r.dataset.grade===st.grade)
   &&(!st.flag||(' '+r.dataset.flags+' ').includes(' '+st.flag+' '))&&(!st.min||(r.dataset.score!==''&&parseFloat(r.dataset.score)>=parseFloat(st.min)));
  r.hidden=!ok;shown+=ok;}
 document.getElementById('shown').textContent=shown;
 const h=new URLSearchParams(Object.entries(st).filter(([,v])=>v)).toString();history.replaceState(null,'',h?'#'+h:location.pathname);}
apply();
"""


def _e(s: Any) -> str:
    return html.escape("" if s is None else str(s), quote=True)


def _page(title: str, body: str, script: str = "") -> str:
    js = f"<script>{script}</script>" if script else ""
    return (f'<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}"><title>{_e(title)}</title>'
            f"<style>{CSS}</style></head><body>\n{body}\n{js}</body></html>\n")


def _grade(g: Any) -> str:
    g = str(g or "?")
    return f'<span class="grade g-{_e(g[:1])}">{_e(g)}</span>'


def _read(path: str | None) -> str | None:
    if not path:
        return None
    try:
        return Path(path).read_bytes().decode("utf-8", "replace")
    except OSError:
        return None


def _source_doc(report: dict[str, Any], config: Any) -> tuple[Any, str, int]:
    """The reader's Document for the report's input, or None; then a note (why not, or what
    differs from the run: the input's bytes, the reader's settings) and the pixel limit."""
    import hashlib

    from .config import load_config
    from .ingest import read_document

    path = report["source"].get("path")
    if not path or not Path(path).is_file():
        return None, "(the input is not at its path any more)", 0
    try:
        cfg = load_config(config if config is not None else report["pipeline"].get("config") or "default")
    except Exception:  # a config given as a dict is not findable by its name: its reader settings are rare
        cfg = load_config("default")
    try:
        doc, raw = read_document(Path(path), cfg)
    except Exception as e:  # changed or unreadable since the run: the clean side still shows
        return None, f"(the input cannot be read again: {type(e).__name__})", 0
    note = ""
    if hashlib.sha256(raw).hexdigest() != report["source"].get("sha256"):
        note = "The input has changed since this run: the source shown is today's file."
    elif cfg.digest != report["pipeline"].get("config_digest"):
        note = (f"The source was read again with config {cfg.name!r}, not the exact settings of the run "
                "(an option on the command line, say): it may differ from what the stages saw.")
    return doc, note, int(cfg.section("limits")["max_image_pixels"])


def _seg_html(op: str, text: str, other: str, why: str) -> str:
    shown = _e(text).replace(" ", '<span class="ws">·</span>') if op != "eq" and not text.strip() and text != "\n" else _e(text)
    if text == "\n":
        shown = '<span class="nl">↵</span>'
    if op == "eq":
        return shown
    if op == "del":
        return f'<del class="d" title="{_e(why)}">{shown}</del>'
    if op == "ins":
        return f'<ins class="i" title="{_e(why)}">{shown}</ins>'
    tag = "del" if why == "src" else "ins"
    tip = f"changed to {other!r}" if tag == "del" else f"was {other!r}"
    return f'<{tag} class="s" title="{_e(tip)}">{shown}</{tag}>'


def _why_removed(seg: str, line_no: tuple[int, int], removed: list[dict[str, Any]]) -> str:
    core = seg.strip()
    if seg == "\n":
        return "line break removed: joined with the next line"
    if not core:
        return "space removed"
    hits = [r for r in removed if (r.get("source_lines") or [0, 0])[0] <= line_no[1]
            and line_no[0] <= (r.get("source_lines") or [0, 0])[-1]]
    for r in hits:
        if core in (r.get("text") or "") or (r.get("text") or "").strip() in core:
            return f"removed: {r.get('reason')} ({r.get('stage')})"
    return f"removed: {hits[0].get('reason')} ({hits[0].get('stage')})" if hits else "removed by a rule (see changes below)"


def _cell(segs: list[list[Segment]], side: str, nos: list[str], line_src: list[tuple[int, int]] | None = None,
          removed: list[dict[str, Any]] | None = None) -> str:
    """One side of a row: a numbered div per line, each difference marked."""
    out = []
    for k, line in enumerate(segs):
        parts = []
        for op, text, other in line:
            if op == "sub":
                parts.append(_seg_html(op, text, other, side))
            elif op == "del":
                parts.append(_seg_html(op, text, other, _why_removed(text, line_src[k], removed or [])))
            elif op == "ins":
                parts.append(_seg_html(op, text, other, "line break added" if text == "\n" else "added"))
            else:
                parts.append(_seg_html(op, text, other, ""))
        body = "".join(parts)
        out.append(f'<div class="l"><span class="n">{nos[k] if body else ""}</span><span>{body}</span></div>')
    return "".join(out)


def _rows_html(rows: list[Row], src_nos: list[tuple[int, int]], removed: list[dict[str, Any]],
               row_flags: dict[int, list[dict[str, Any]]], boxes: dict[int, int]) -> str:
    html_rows = ['<div class="row head"><div>source</div><div></div><div>clean</div></div>']
    for i, r in enumerate(rows):
        nos = src_nos[r.src[0]:r.src[1]]
        left = _cell(r.src_segs, "src", [str(a) if a == b else f"{a}-{b}" for a, b in nos], nos, removed)
        right = _cell(r.out_segs, "out", [str(n + 1) for n in range(*r.out)])
        fl = row_flags.get(i, [])
        cls = "row" + (" changed" if r.changed else "") + (" flagged" if fl else "")
        tip = "; ".join(f"{f.get('kind')}: {f.get('message')}" for f in fl)
        badge = f'<span title="{_e(tip)}"></span>' if fl else ""
        data = f' data-boxes="{boxes[i]}"' if i in boxes else ""
        html_rows.append(f'<div class="{cls}" id="r{i}"{data}><div class="src">{left}</div>'
                         f'<div class="fl">{badge}</div><div class="out">{right}</div></div>')
    return "".join(html_rows)


def _place_flags(rows: list[Row], src_nos: list[tuple[int, int]], flags: list[dict[str, Any]]) -> dict[int, list]:
    """Each flag on the row holding its source lines (not the output line after a removal)."""
    by_src: dict[int, int] = {}
    by_out: dict[int, int] = {}
    for i, r in enumerate(rows):
        for k in range(*r.src):
            for n in range(src_nos[k][0], src_nos[k][1] + 1):
                by_src.setdefault(n, i)
        for n in range(*r.out):
            by_out.setdefault(n + 1, i)
    placed: dict[int, list] = {}
    for f in flags:
        sl = f.get("source_lines") or []
        i = next((by_src[n] for n in range(int(sl[0]), int(sl[-1]) + 1) if n in by_src), None) if sl else None
        if i is None and f.get("line"):
            i = by_out.get(int(f["line"]))
        if i is not None:
            placed.setdefault(i, []).append(f)
    return placed


def _review(report: dict[str, Any], clean: str | None, doc: Any, why: str, max_pixels: int) -> str:
    if clean is None:
        return '<div class="cut">(clean output not found)</div>'
    out_lines = clean[:MAX_CHARS].split("\n")
    if out_lines and out_lines[-1] == "":
        out_lines.pop()
    if doc is None:
        src_lines, src_nos, lines = [], [], []
        note = f'<div class="cut">{_e(why)}; the clean text alone is shown</div>'
    else:
        lines, total = [], 0
        for ln in doc.lines:
            total += len(ln.text) + 1
            if total > MAX_CHARS:
                break
            lines.append(ln)
        src_lines, src_nos = [ln.text for ln in lines], [tuple(ln.src) for ln in lines]
        note = "" if len(lines) == len(doc.lines) else f'<div class="cut">(view cut at {MAX_CHARS} characters)</div>'
    rows = align(src_lines, out_lines)
    row_of_src = {k: i for i, r in enumerate(rows) for k in range(*r.src)}
    boxes: dict[int, int] = {}
    per_page: dict[int, list[tuple[int, list[float], str]]] = {}
    for k, ln in enumerate(lines):
        bbox = ln.meta.get("bbox") if ln.meta else None
        if bbox and k in row_of_src:
            label = f"source line {ln.src[0]}" + (f" (OCR confidence {ln.conf:.0f})" if ln.conf is not None else "")
            per_page.setdefault(int(ln.page or 1), []).append((row_of_src[k], list(bbox), label))
            boxes[row_of_src[k]] = boxes.get(row_of_src[k], 0) + 1
    flags = _place_flags(rows, src_nos, report.get("flags") or []) if doc is not None else {}
    diff = f'<div class="diff">{_rows_html(rows, src_nos, report["removed"], flags, boxes)}{note}</div>'
    top = f'<p class="cut">{_e(why)}</p>' if doc is not None and why else ""
    if doc is None or report["source"].get("kind") not in ("image", "pdf"):
        return f'{top}<div class="review">{diff}</div>'
    src = report["source"]
    pics = page_pictures(src.get("path"), src.get("kind"), max_pixels)
    svgs = "".join(svg_page(n, w, h, uri, per_page.get(n, [])) for n, (w, h, uri) in enumerate(pics, start=1))
    pages = f'<div class="pages">{svgs or "<div class=cut>(no page picture)</div>"}</div>'
    return f'{top}<div class="review with-pages">{pages}{diff}</div>'


def _table(head: list[str], rows: list[list[str]], cls: str, keys: list[str] | None = None) -> str:
    th = "".join(f'<th data-key="{keys[i]}">{h}</th>' if keys and keys[i] else f"<th>{h}</th>" for i, h in enumerate(head))
    body = "".join(r if isinstance(r, str) else "<tr>" + "".join(r) + "</tr>" for r in rows)
    return f'<table class="{cls}"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


def document_page(report: dict[str, Any], clean: str | None, index_href: str, config: Any = None) -> str:
    """One document: summary, the aligned review (with pages for images and PDFs), score components, flags, removals."""
    src, q = report["source"], report["quality"]
    comps = [[f"<td>{_e(k)}</td>", f'<td class="num">{_e(v.get("value") if isinstance(v, dict) else v)}</td>',
              f'<td class="num">{_e(v.get("penalty") if isinstance(v, dict) else "")}</td>']
             for k, v in (q.get("components") or {}).items()]
    flags = [[f'<td class="num">{_e(f.get("line"))}</td>', f"<td>{_e(f.get('kind'))}</td>",
              f"<td>{_e(f.get('message'))}</td>", f"<td>{_e(f.get('excerpt'))}</td>"] for f in report["flags"]]
    removed = [[f"<td>{_e(r.get('reason'))}</td>", f"<td>{_e(r.get('stage'))}</td>",
                f'<td class="num">{_e("-".join(str(x) for x in r.get("source_lines", [])))}</td>',
                f"<td>{_e(r.get('text', '')[:300])}</td>"] for r in report["removed"]]
    changes = [[f"<td>{_e(st)}</td>", f"<td>{_e(rule)}</td>", f'<td class="num">{_e(n)}</td>']
               for st, rules in (report.get("changes") or {}).items() for rule, n in rules.items()]
    doc, why, max_pixels = _source_doc(report, config)
    review = _review(report, clean, doc, why, max_pixels)
    body = f"""<p><a href="{_e(index_href)}">&larr; all documents</a></p>
<h1>{_e(src.get("path"))}</h1>
<p class="summary">score <b class="score">{_e(q.get("score"))}</b> {_grade(q.get("grade"))} &middot;
{len(report["flags"])} flag(s) &middot; {report["accounting"]["removed_chars"]} character(s) removed &middot;
{src.get("kind")} input &middot; config {_e(report["pipeline"]["config"])} &middot; ocrclean {_e(report["pipeline"]["version"])}</p>
<h2>Source and clean text</h2>
<p class="legend controls"><span><del class="d">removed</del> <del class="s">old</del>&rarr;<ins class="s">new</ins>
<ins class="i">added</ins> <span class="ws">·</span> space <span class="nl">↵</span> line break
<span class="fl"><span></span></span> flag (hover for why)</span>
<label><input type="checkbox" id="same"> changed rows only</label></p>
{review}
<h2>Score components</h2>{_table(["component", "value", "penalty"], comps, "components")}
<h2>Flags</h2>{_table(["line", "kind", "message", "excerpt"], flags, "flags")}
<h2>Removed</h2>{_table(["reason", "stage", "source lines", "text"], removed, "removed")}
<h2>Changes by rule</h2>{_table(["stage", "rule", "count"], changes, "changes")}"""
    return _page(f"ocrclean: {src.get('path')}", body, DOC_JS)


def _index_row(i: int, oc: Any, name: str | None) -> str:
    if name is None:
        return (f'<tr data-n="{i}" data-path="{_e(oc.path)}" data-score="" data-grade="error" data-flags="" '
                f'data-nflags="" data-removed="">'
                f'<td class="num">{i}</td><td>{_e(oc.path)}</td><td></td><td></td><td></td><td></td><td></td>'
                f'<td class="error">{_e(oc.error)}</td></tr>')
    rep, q = oc.report, oc.report["quality"]
    kinds = sorted({str(f.get("kind")) for f in rep["flags"]})
    status = "cached" if oc.extra.get("cached") else "ok"
    if below_min_score(rep):
        status = f"below {q.get('min_score', 0):g}"
    return (f'<tr data-n="{i}" data-path="{_e(rep["source"]["path"])}" data-score="{_e(q["score"])}" '
            f'data-grade="{_e(str(q.get("grade"))[:1])}" data-flags="{_e(" ".join(kinds))}" '
            f'data-nflags="{len(rep["flags"])}" data-removed="{rep["accounting"]["removed_chars"]}">'
            f'<td class="num">{i}</td><td><a href="{_e(name)}">{_e(rep["source"]["path"])}</a></td>'
            f'<td class="num score">{_e(q["score"])}</td><td>{_grade(q.get("grade"))}</td>'
            f'<td class="num">{len(rep["flags"])}</td><td>{_e(", ".join(kinds))}</td>'
            f'<td class="num">{rep["accounting"]["removed_chars"]}</td><td>{status}</td></tr>')


def write_html(out_dir: Path, batch_result: Any, config: Any = None) -> Path:
    """Write DIR/index.html and DIR/html/doc-NNNN.html; returns the index path."""
    out_dir = Path(out_dir)
    rows, scores, kinds = [], [], set()
    outcomes = sorted(batch_result.outcomes, key=lambda oc: oc.path)  # stable whatever the finishing order
    for i, oc in enumerate(outcomes, start=1):
        if not oc.ok or oc.report is None:
            rows.append(_index_row(i, oc, None))
            continue
        rep = oc.report
        clean = oc.text if oc.text is not None else _read(rep["output"].get("path"))
        name = f"html/doc-{i:04d}.html"
        write_atomic(out_dir / name, document_page(rep, clean, "../index.html", config))
        scores.append(float(rep["quality"]["score"]))
        kinds.update(str(f.get("kind")) for f in rep["flags"])
        rows.append(_index_row(i, oc, name))
    mean = f"{sum(scores) / len(scores):.1f}" if scores else "n/a"
    grades = "".join(f'<option value="{g}">{g}</option>' for g in ("A", "B", "C", "D", "F", "error"))
    flag_opts = "".join(f'<option value="{_e(k)}">{_e(k)}</option>' for k in sorted(kinds))
    controls = (f'<div class="controls"><label>path <input id="q" type="search"></label>'
                f'<label>grade <select id="grade"><option value="">all</option>{grades}</select></label>'
                f'<label>flag <select id="flag"><option value="">any</option>{flag_opts}</select></label>'
                f'<label>score at least <input id="min" type="number" min="0" max="100" step="1" style="width:5em"></label>'
                f'<span><span id="shown">{len(outcomes)}</span> shown</span></div>')
    body = (f"<h1>ocrclean report</h1><p>{len(scores)} document(s), {len(batch_result.errors)} error(s), "
            f"mean score {mean}. Click a column head to sort.</p>{controls}"
            + _table(["#", "document", "score", "grade", "flags", "flag kinds", "removed", "status"], rows, "documents",
                     ["n", "path", "score", "grade", "nflags", "", "removed", ""]))
    index = out_dir / "index.html"
    write_atomic(index, _page("ocrclean report", body, INDEX_JS))
    return index

