"""Boilerplate: what the page, not the report, put there (OUTPUT_SPEC section 6).

Each rule is a small line classifier; everything taken out is a recorded
removal, so the accounting holds and the original can be rebuilt:

- link-split lines (`根据《` / `建议` / `》精神，…`: an extractor put each inline link
  on a line of its own) are joined first (`link_split`), so a link name is never
  taken for a running head;
- site chrome and licence footers of common sources (the Wikisource licence block,
  `Public domain`/`false` template residue, share/print/font-size widgets,
  `责任编辑：…`, `来源：…`) by the `site_chrome` table of rules in the config
  (`site_chrome`), each removal named after its rule;

- web chrome: `下载 打印 全屏 收藏 【字号：加大 还原 减小】`, share buttons,
  `【打印】【关闭】`, `打印本页 关闭窗口`, breadcrumbs (`当前位置：首页 > 要闻`), the
  `相关报道：` line and the short link tail after it. A weak token (`大`, `中`,
  `小`, `>`, `|`) goes only inside a run of chrome holding a strong one, so a
  vertical title set one character per line is never touched;
- newspaper continuation markers (`(上接5版)`, `（紧接第二版）`, `(下转第四版)`),
  kept in `metadata["continuation_markers"]`; text cut off by a `下转` marker
  is flagged `truncated`;
- document metadata lines (`索引号`, `发布机构`, `发布时间`, `文号`, `来源`, `时间`,
  several on one line, or a label whose value sits on the next line) in the
  first/last lines of the document move to `metadata["fields"]`; so do
  stand-alone timestamps and photo captions (`本报记者 戴冰 摄`);
- page numbers (`- 12 -`, `第3页`, `第 3 页 共 10 页`, bare numbers standing
  alone that count up, text between them) and running heads (a short line
  standing alone, repeated at least `running_head_min` times, or at page
  starts/ends when pages are known); a running head that opens the document is
  kept once, as its title;
- lines holding only spaces become blank.

Headings (`一、…`, `（一）…`, `1. …`), sentences and a real title stay.

Cleaning is idempotent, so no rule here may decide on what the pipeline itself
changes: blank lines are no evidence (the paragraphs stage puts one between every
two paragraphs), lines are compared as the output will write them (`_head_keys`),
metadata values are read as the punctuation stage leaves them, and the stage offers
its rules to later stages (`RULES`): the paragraphs stage applies them again once lines
are joined (`ctx.reapply`: continuation markers cut by a break; `ctx.reapply_lines`:
every rule on the paragraphs; `ctx.rejoin`: the link-split joins), as a second run would.
"""

from __future__ import annotations

import re
from collections import defaultdict

from ..context import ChangeLog, Context, Rules, Src
from ..document import Document, Line
from ..registry import stage
from . import site_chrome
from .continuation import CONTINUATION, strip_markers
from .link_split import join_link_splits, link_runs
from .running_heads import in_pair_context, running_heads, stands_alone  # noqa: F401 (public here too)
from .web_chrome import (
    is_chrome_line,
    maybe_chrome,
    remove_breadcrumbs,
    remove_chrome,
    remove_line,
    remove_related_tail,
)

NAME = "boilerplate"

# -- patterns ---------------------------------------------------------------
_KEY = (
    r"索引号|主题分类|发布机构|发文机关|发布日期|发布时间|发表时间|成文日期|文号|发文字号|来源|信息来源|稿源"
    r"|时间|日期|作者|编辑|责任编辑|阅读量|阅读次数|浏览次数|点击数"
)
# a key anywhere in a metadata line, not only after a space: the punctuation stage removes
# the space before Chinese (`来源：新华社 时间：…` -> `来源：新华社时间：…`), and a second run
# must split the line the same way
_KEY_RE = re.compile(r"(" + _KEY + r")\s*[:：]")
_META_LINE = re.compile(r"^[（(]?\s*(?:" + _KEY + r")\s*[:：]")
_COUNT_KEYS = frozenset("阅读量 阅读次数 浏览次数 点击数".split())
_DATE_KEYS = frozenset("发布日期 发布时间 发表时间 成文日期 时间 日期".split())
_DATETIME = re.compile(
    r"^(?:\d{4}-\d{1,2}-\d{1,2}|\d{4}/\d{1,2}/\d{1,2}|\d{4}\.\d{1,2}\.\d{1,2}|\d{4}年\d{1,2}月\d{1,2}日)"
    r"(?:\s*\d{1,2}(?::\d{2}(?::\d{2})?|时\d{1,2}分(?:\d{1,2}秒)?))?$"
)
_TIMESTAMP = re.compile(
    r"^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s*\d{1,2}:\d{2}(?::\d{2})?|\d{4}年\d{1,2}月\d{1,2}日\s*\d{1,2}时\d{1,2}分)$"
)
_CAPTION = re.compile(r"(?:记者|摄影|通讯员)[\s\u4e00-\u9fff·/]{0,12}?\s*摄(?:影)?$|^[（(]?图[:：/]")
_PAGE_NO = re.compile(
    r"^(?:[-—–_~·]+\s*\d{1,4}\s*[-—–_~·]+|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|[Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?|\d{1,4}\s*/\s*\d{1,4}\s*页)$"
)
_BARE_NUM = re.compile(r"^\d{1,4}$")
_PAGE_NO_START = frozenset("-—–_~·第Pp0123456789")  # what a `_PAGE_NO` line can start with
def _pairs(t: str) -> list[tuple[str, str]] | None:
    """`索引号: x  发布机构: y` -> [(key, value), ...]; None unless the whole line is fields."""
    body = t.strip()
    wrapped = body[:1] in "（(" and body[-1:] in "）)"
    if wrapped:
        body = body[1:-1].strip()
    keys = list(_KEY_RE.finditer(body))
    if not keys or keys[0].start() != 0 or len(body) > 160:
        return None
    out = []
    for n, m in enumerate(keys):
        end = keys[n + 1].start() if n + 1 < len(keys) else len(body)
        val = body[m.end() : end].strip()
        # a sentence end or an ellipsis is prose (`。。。` is the `……` of the output); the
        # length without spaces, which later stages take out around Chinese
        if len(val) > 40 and len("".join(val.split())) > 40 or "。" in val or "…" in val:
            return None
        if m.group(1) in _DATE_KEYS and val and not re.match(r"^\d{4}", val):
            return None
        out.append((m.group(1), val))
    return out


def extract_metadata(log: ChangeLog, out: list[Line], idx: list[int], cfg: dict) -> None:
    win = cfg["metadata_window"]
    doc = log.doc
    fields: dict[str, str] = doc.metadata.setdefault("fields", {})
    zone = idx[:win] + [i for i in idx[-max(1, win // 3) :] if i not in idx[:win]]
    k = 0
    while k < len(zone):
        i = zone[k]
        t = out[i].text.strip()
        if not t:
            k += 1
            continue
        pairs = _pairs(t) if _META_LINE.match(t) else None
        if pairs:
            taken = [i]
            key, val = pairs[-1]
            if not val and k + 1 < len(zone) and zone[k + 1] == i + 1:  # label here, value on the next line
                nxt = out[zone[k + 1]].text.strip()
                ok_date = (key not in _DATE_KEYS or _DATETIME.match(nxt)) and (
                    key not in _COUNT_KEYS or nxt.isdigit()
                )
                if (
                    nxt
                    and len(nxt) <= 30
                    and ok_date
                    and not _META_LINE.match(nxt)
                    and is_chrome_line(nxt) is False
                ):
                    if not any(c in nxt for c in "。，；！？…"):
                        pairs[-1] = (key, nxt)
                        taken.append(zone[k + 1])
                        k += 1
            for key, val in pairs:
                if val and not fields.get(key):
                    fields[key] = val
                else:
                    fields.setdefault(key, val)
            for i2 in taken:
                remove_line(log, out, i2, "metadata")
        elif _TIMESTAMP.match(t):
            fields.setdefault("时间", t)
            remove_line(log, out, i, "metadata")
        elif len(t) <= 80 and _CAPTION.search(t):
            fields.setdefault("图片说明", t)
            remove_line(log, out, i, "photo-caption")
        k += 1
    if not fields:
        doc.metadata.pop("fields", None)


def remove_continuations(ctx: Context, out: list[Line]) -> None:
    for i, ln in enumerate(out):
        t = ln.text
        if not t or ("接" not in t and "转" not in t and "续" not in t):
            continue
        new = strip_markers(ctx.log, t, ln.src)
        if new == t:
            continue
        # the stages before saw the line with its marker (`---(接5版)`, `-(接5版) 政府`); a
        # second run sees it without, so their rules run again on what is left
        out[i] = ln.with_text(ctx.reapply(new, ln.src, strip=False))


def page_numbers(texts: list[str]) -> list[int]:
    """Which of `texts` (the non-blank lines, stripped, in order) are page numbers:
    `- 12 -`, `第3页` and kin; and bare numbers standing alone (`stands_alone`, judged
    without the former), when there are two or more, they count up, and text stands
    between any two. The paragraphs
    stage applies this again to the paragraphs (see `running_heads`)."""
    drop = [k for k, t in enumerate(texts) if t[0] in _PAGE_NO_START and _PAGE_NO.match(t)]
    rest = [k for k in range(len(texts)) if k not in set(drop)] if drop else list(range(len(texts)))
    sub = [texts[k] for k in rest]
    bare = [j for j, t in enumerate(sub) if t[0].isdigit() and _BARE_NUM.match(t) and stands_alone(sub, j)]
    nums = [int(sub[j]) for j in bare]
    # a page's text between any two (numbers on successive lines are a column: `2019` / `2020`)
    if (
        len(bare) >= 2
        and all(a < b for a, b in zip(nums, nums[1:], strict=False))
        and all(b - a > 1 for a, b in zip(bare, bare[1:], strict=False))
    ):
        drop += [rest[j] for j in bare]
    return sorted(drop)


def remove_page_numbers(log: ChangeLog, out: list[Line], idx: list[int]) -> None:
    for k in page_numbers([out[i].text.strip() for i in idx]):
        remove_line(log, out, idx[k], "page-number")


# a line opening with these continues the one before (a closer too: `》精神，…` after a link)
def remove_running_heads(log: ChangeLog, out: list[Line], idx: list[int], cfg: dict) -> None:
    """Short lines repeated, each standing alone (`stands_alone`), or at page edges."""
    texts = [out[i].text.strip() for i in idx]
    edge: set[int] | None = None
    if any(out[i].page is not None for i in idx):
        by_page: defaultdict[int | None, list[int]] = defaultdict(list)
        for k, i in enumerate(idx):
            by_page[out[i].page].append(k)
        edge = {k for ks in by_page.values() for k in (ks[0], ks[-1])}
    for k in running_heads(texts, cfg["running_head_min"], cfg["running_head_max_chars"], edge):
        remove_line(log, out, idx[k], "running-head")


def maybe_boilerplate(t: str) -> bool:
    """Whether any rule but the running heads could take the line `t` (stripped, non-empty)
    out: a cheap test, so that the rules run again on paragraphs only when needed."""
    if len(t) > 160:
        return False
    return (
        maybe_chrome(t)
        or _META_LINE.match(t) is not None
        or _TIMESTAMP.match(t) is not None
        or (len(t) <= 80 and _CAPTION.search(t) is not None)
        or _PAGE_NO.match(t) is not None
        or _BARE_NUM.match(t) is not None
        or CONTINUATION.search(t) is not None
    )


def clean_lines(ctx: Context, out: list[Line]) -> None:
    """Every rule, in order, on `out` (lines are blanked or rewritten in place)."""
    cfg, log = ctx.settings, ctx.log
    for i, ln in enumerate(out):
        if ln.text and ln.text.isspace():
            out[i] = ln.with_text("")
    if cfg["continuation_markers"]:
        remove_continuations(ctx, out)

    live: list[int] | None = None

    def nonblank() -> list[int]:
        # from here on lines only ever become blank (`remove_line`), so filter the last list;
        # `t and not t.isspace()` is `t.strip()` without building a string
        nonlocal live
        live = [i for i in (range(len(out)) if live is None else live) if (t := out[i].text) and not t.isspace()]
        return live

    if cfg["site_chrome"]:
        site_chrome.remove(log.doc, out, nonblank(), cfg, log.stage, "early")
    if cfg["chrome"]:
        remove_related_tail(log, out, nonblank(), cfg)
        remove_chrome(log, out, nonblank())
        remove_breadcrumbs(log, out, nonblank())
    if cfg["metadata"]:
        extract_metadata(log, out, nonblank(), cfg)
    if cfg["site_chrome"]:
        site_chrome.remove(log.doc, out, nonblank(), cfg, log.stage, "late")
    if cfg["page_numbers"]:
        remove_page_numbers(log, out, nonblank())
    if cfg["running_heads"]:
        remove_running_heads(log, out, nonblank(), cfg)


# -- the rules again, on text a later stage made (`ctx.reapply*`) ---------------------
def _reapply(ctx: Context, text: str, src: Src) -> str:
    """Continuation markers cut by a line break (`(上接` / `5版)`) are whole once joined."""
    return strip_markers(ctx.log, text, src) if ctx.settings["continuation_markers"] else text


def _rejoin(ctx: Context, texts: list[str]) -> tuple[dict[int, tuple[int, str]], int]:
    """The link-split joins on paragraphs: a join or a removal can make new neighbours
    (`…《建议…》精神，` grown from wrapped lines, then `发展` / `”`)."""
    return link_runs(texts, ctx.settings) if ctx.settings["link_joins"] else ({}, 0)


def _recheck(ctx: Context, texts: list[str], srcs: list[Src]) -> list[str]:
    """Every rule once more, on the paragraphs as a second run sees them (one blank line
    between each two), when the lines changed since this stage saw them.

    It saw the lines before fragments, headline columns and wrapped lines were joined:
    `综合新` / `闻` is a third `综合新闻` only now, `下` / `载` is chrome, a metadata line
    moves into the first lines of the document when the wrapped ones above it become a
    few paragraphs. Every rule runs only when some paragraph could be taken: one the stage
    never saw (joined, or changed since), one now in the first or last lines where metadata
    is looked for, a bare number (its neighbours may have changed), a related-links line
    (its share of the document may have); else only the running heads, which any join may
    complete. The choice is made at the first call and kept (`ctx.note["mode"]`)."""
    cfg, note = ctx.settings, ctx.note
    mode = note.get("mode")
    if mode is None:
        mode = "none"
        said = note.pop("lines", None)  # (popped: held no longer than needed)
        saved = [t for s in said if (t := s.strip())] if said is not None else texts
        if texts != saved:
            seen = set(saved)
            win = int(cfg["metadata_window"])
            n = len(texts)
            edge = set(range(min(win, n))) | set(range(max(0, n - max(1, win // 3)), n))
            if any(
                maybe_boilerplate(t)
                for k, t in enumerate(texts)
                if t not in seen or k in edge or (len(t) <= 4 and t.isdigit()) or t.startswith(("相关", "延伸", "推荐"))
            ):
                mode = "all"
            elif cfg["running_heads"]:
                mode = "heads"
        note["mode"] = mode
    if mode == "heads":
        drop = set(running_heads(texts, int(cfg["running_head_min"]), int(cfg["running_head_max_chars"])))
        for k in sorted(drop):
            ctx.log.removal("running-head", texts[k], srcs[k])
        return ["" if k in drop else t for k, t in enumerate(texts)] if drop else texts
    if mode == "all":
        out: list[Line] = []
        for t, src in zip(texts, srcs, strict=True):
            if out:
                out.append(Line("", src))
            out.append(Line(t, src))
        clean_lines(ctx, out)
        return [ln.text.strip() for ln in out[::2]]
    return texts


RULES = Rules(line=_reapply, lines=_recheck, joins=_rejoin)


@stage(
    NAME,
    defaults={
        "chrome": True,
        "metadata": True,
        "metadata_window": 30,
        "continuation_markers": True,
        "page_numbers": True,
        "running_heads": True,
        "running_head_min": 3,
        "running_head_max_chars": 20,
        "related_tail_max_chars": 600,
        "link_joins": True,  # lines cut at inline links joined first (`link_split`)
        "link_max_chars": 40,  # a link name on a line of its own is at most this long
        "link_min_fluency": -7.0,  # the joined text around the junctions reads at least this well
        "site_chrome": [],  # the rules as data: configs/default.toml (`site_chrome`)
        "site_chrome_edge": 40,  # non-blank lines a `head`/`tail` rule looks at
    },
    rules=RULES,
    after=("markup",),  # it reads markup's joined-text rules when markup ran
)
def run(doc: Document, ctx: Context) -> Document:
    """Link-split lines joined; web chrome, site footers, continuation markers, metadata
    lines, page numbers, running heads out."""
    out = list(doc.lines)
    if ctx.settings["link_joins"]:
        out = join_link_splits(doc, out, dict(ctx.settings), NAME)
    clean_lines(ctx, out)
    doc.lines = out
    # what this stage saw, for its rules on the paragraphs (`_recheck`): whether anything
    # changed since (the texts as they are, no stripped copies: on a large input those add up)
    ctx.note["lines"] = [ln.text for ln in out]
    return doc
