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
metadata values are read as the punctuation stage leaves them, and the paragraphs
stage applies the page-number and running-head rules again once lines are joined
(`page_numbers`, `running_heads`).
"""

from __future__ import annotations

import re
from collections import defaultdict

from ..document import Document, Line
from ..registry import stage
from . import site_chrome
from .link_split import join_link_splits
from .running_heads import in_pair_context, running_heads, stands_alone  # noqa: F401 (public here too)

NAME = "boilerplate"

# -- patterns ---------------------------------------------------------------
_NUM = r"[0-9一二三四五六七八九十百零〇A-Za-z]{1,4}"
CONTINUATION = re.compile(
    r"[(（]\s*(上接|紧接|接|下转|转|续)\s*(?:第\s*)?("
    + _NUM
    + r")\s*(?:版|页|面)(?:[^()（）\n]{0,8})?\s*[)）]"
)
_STRONG = re.compile(
    r"^(?:【?\s*(?:字号|字体)\s*[:：]?|下载|打印|全屏|收藏|分享(?:到)?\s*[:：]?|分享到(?:微信|微博|QQ空间|朋友圈)"
    r"|打印本页|打印此页|打印文章|关闭窗口|关闭本页|返回顶部|扫一扫在手机打开当前页|用手机扫描二维码|"
    r"》》点击图片进入专题《《|相关附件\s*>>|相关链接\s*>>|【\s*(?:打印|关闭|打印本页|关闭窗口|收藏|返回顶部)\s*】"
    r"|【\s*字[号体]\s*[:：]?[^】]{0,12}】)$"
)
_WEAK = frozenset(
    "加大 还原 减小 默认 大 中 小 】 【 | × > >> » 首页 分享 微信 微博 QQ空间 朋友圈 [ ] 打印 关闭".split()
)
_CHROME_TOKEN_SPLIT = re.compile(r"[\s|｜]+|(?<=】)|(?=【)")
_TOKEN_SEP = re.compile(r"[\s|｜【】]")  # where _CHROME_TOKEN_SPLIT can split at all
_BRACKET_CHROME = re.compile(
    r"【\s*(?:字[号体]\s*[:：]?[^】]{0,14}|打印|关闭|打印本页|关闭窗口|收藏|返回顶部)\s*】"
)
_BREAD_START = re.compile(
    r"^(?:(?:您的|您现在的|当前|所在)位置\s*[:：]?\s*(?:首页)?|首页)\s*(?:(?:[>»›/]|&gt;)\s*[^>»›/]{1,24}\s*)*$"
)
_SEP = frozenset({">", ">>", "»", "›", "/", "&gt;"})
_RELATED = re.compile(r"^(?:相关(?:报道|文档|新闻|阅读|链接|附件|稿件)|延伸阅读|推荐阅读)\s*(?:[:：»]|>>)?$")

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
_SENT_END = "。！？…”」』）)!?.；;：:"


def _rm(doc: Document, out: list[Line], i: int, reason: str) -> None:
    ln = out[i]
    doc.record_removal(NAME, reason, ln.text, ln.src)
    out[i] = Line("", ln.src, ln.page, ln.conf)


def _is_chrome_line(t: str) -> bool | None:
    """True: strong chrome; None: weak token (chrome only beside strong); False: text."""
    if _STRONG.match(t):
        return True
    if t in _WEAK:
        return None
    if not _TOKEN_SEP.search(t):
        return False  # one token, neither strong nor weak: the split below would say so too
    if "【" in t:
        t = _BRACKET_CHROME.sub(" 下载 ", t)
    toks = [x for x in _CHROME_TOKEN_SPLIT.split(t) if x]
    if len(toks) > 1 and all(_STRONG.match(x) or x in _WEAK for x in toks):
        return True if any(_STRONG.match(x) for x in toks) else None
    return False


def remove_chrome(doc: Document, out: list[Line], idx: list[int]) -> None:
    """Runs of chrome lines (blank lines ignored) that hold at least one strong token."""
    k = 0
    while k < len(idx):
        kinds = []
        j = k
        while j < len(idx):
            c = _is_chrome_line(out[idx[j]].text.strip())
            if c is False:
                break
            kinds.append(c)
            j += 1
        if any(kinds):
            for m in range(k, j):
                _rm(doc, out, idx[m], "web-chrome")
        k = max(j, k + 1)


def remove_breadcrumbs(doc: Document, out: list[Line], idx: list[int]) -> None:
    for k, i in enumerate(idx):
        t = out[i].text.strip()
        if not t or not _BREAD_START.match(t):
            continue
        inline = any(s in t for s in _SEP)
        nxt = out[idx[k + 1]].text.strip() if k + 1 < len(idx) else ""
        if not inline and nxt not in _SEP and not (t.endswith(("位置", "位置:", "位置：")) and nxt == "首页"):
            continue  # a lone `首页` is not a breadcrumb
        span = [i]
        last = t.split(">")[-1].strip() if inline else ""
        j = k + 1
        while j < len(idx):
            s = out[idx[j]].text.strip()
            if s == "首页" and j == k + 1:
                span.append(idx[j])
                j += 1
            elif s in _SEP and j + 1 < len(idx) and len(out[idx[j + 1]].text.strip()) <= 24:
                span += [idx[j], idx[j + 1]]
                last = out[idx[j + 1]].text.strip()
                j += 2
            else:
                break
        if j < len(idx) and last and out[idx[j]].text.strip() == last:
            span.append(idx[j])  # the section name repeated under the breadcrumb
        for i2 in span:
            _rm(doc, out, i2, "breadcrumb")


def remove_related_tail(doc: Document, out: list[Line], idx: list[int], cfg: dict) -> None:
    total = sum(len(out[i].text) for i in idx) or 1
    start = int(len(idx) * 0.6)
    for k in range(start, len(idx)):
        if _RELATED.match(out[idx[k]].text.strip()):
            tail = sum(len(out[i].text) for i in idx[k + 1 :])
            if tail <= max(cfg["related_tail_max_chars"], total * 0.05):
                for i in idx[k:]:
                    _rm(doc, out, i, "web-chrome")
            else:
                _rm(doc, out, idx[k], "web-chrome")
            return


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


def extract_metadata(doc: Document, out: list[Line], idx: list[int], cfg: dict) -> None:
    win = cfg["metadata_window"]
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
                    and _is_chrome_line(nxt) is False
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
                _rm(doc, out, i2, "metadata")
        elif _TIMESTAMP.match(t):
            fields.setdefault("时间", t)
            _rm(doc, out, i, "metadata")
        elif len(t) <= 80 and _CAPTION.search(t):
            fields.setdefault("图片说明", t)
            _rm(doc, out, i, "photo-caption")
        k += 1
    if not fields:
        doc.metadata.pop("fields", None)


def strip_markers(doc: Document, text: str, src: tuple[int, int], stage: str = NAME) -> str:
    """`text` without its continuation markers, each recorded and kept in
    `metadata["continuation_markers"]`; again until none is left (taking a marker out of
    another leaves one: `(上(上接5版)接5版)`). The paragraphs stage calls this on the lines
    it joins: a marker cut by a line break (`(上接` / `5版)`) is whole only then."""
    while "接" in text or "转" in text or "续" in text:
        ms = list(CONTINUATION.finditer(text))
        if not ms:
            break
        markers = doc.metadata.setdefault("continuation_markers", [])
        for m in ms:
            markers.append({"marker": m.group(0), "kind": m.group(1), "page": m.group(2), "source_line": src[0]})
            doc.record_removal(stage, "continuation-marker", m.group(0), src)
        last = ms[-1]
        before = text[: last.start()].rstrip()
        if (
            last.group(1) in ("下转", "转")
            and before
            and not text[last.end() :].strip()
            and before[-1] not in _SENT_END
        ):
            doc.flag(
                "truncated",
                "text continues on another page (下转 marker): the paragraph is cut off here",
                before[-30:],
                src,
                stage,
            )
        text = CONTINUATION.sub("", text)
    return text


def remove_continuations(doc: Document, out: list[Line]) -> None:
    chinese: bool | None = None
    for i, ln in enumerate(out):
        t = ln.text
        if not t or ("接" not in t and "转" not in t and "续" not in t):
            continue
        new = strip_markers(doc, t, ln.src)
        if new == t:
            continue
        if "markup" in doc.stats:
            # the markup stage saw the line with its marker (`---(接5版)`, `-(接5版) 政府`); a
            # second run sees it without, so its rules run again on what is left
            from .markup import clean_joined, is_chinese

            if chinese is None:
                chinese = is_chinese(doc)  # type: ignore[arg-type]
            new = clean_joined(doc, new, ln.src, NAME, chinese)
        out[i] = ln.with_text(new)


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


def remove_page_numbers(doc: Document, out: list[Line], idx: list[int]) -> None:
    for k in page_numbers([out[i].text.strip() for i in idx]):
        _rm(doc, out, idx[k], "page-number")


# a line opening with these continues the one before (a closer too: `》精神，…` after a link)
def remove_running_heads(doc: Document, out: list[Line], idx: list[int], cfg: dict) -> None:
    """Short lines repeated, each standing alone (`stands_alone`), or at page edges."""
    texts = [out[i].text.strip() for i in idx]
    edge: set[int] | None = None
    if any(out[i].page is not None for i in idx):
        by_page: defaultdict[int | None, list[int]] = defaultdict(list)
        for k, i in enumerate(idx):
            by_page[out[i].page].append(k)
        edge = {k for ks in by_page.values() for k in (ks[0], ks[-1])}
    for k in running_heads(texts, cfg["running_head_min"], cfg["running_head_max_chars"], edge):
        _rm(doc, out, idx[k], "running-head")


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
)
def run(doc: Document, cfg: dict) -> Document:
    """Link-split lines joined; web chrome, site footers, continuation markers, metadata
    lines, page numbers, running heads out."""
    out = list(doc.lines)
    if cfg["link_joins"]:
        out = join_link_splits(doc, out, cfg, NAME)
    clean_lines(doc, out, cfg)
    doc.lines = out
    # the paragraphs stage runs these rules again on the paragraphs, as a second run would
    # see them; what it is given to compare with shows whether anything changed since
    # (the texts as they are, no stripped copies: on a large input those would add up)
    doc.stats[NAME] = {"cfg": dict(cfg), "lines": [ln.text for ln in out]}
    return doc


def maybe_boilerplate(t: str) -> bool:
    """Whether any rule but the running heads could take the line `t` (stripped, non-empty)
    out: a cheap test, so that the paragraphs stage runs them again only when needed."""
    if len(t) > 160:
        return False
    return (
        _is_chrome_line(t) is not False
        or t in _SEP
        or _BREAD_START.match(t) is not None
        or _RELATED.match(t) is not None
        or _META_LINE.match(t) is not None
        or _TIMESTAMP.match(t) is not None
        or (len(t) <= 80 and _CAPTION.search(t) is not None)
        or _PAGE_NO.match(t) is not None
        or _BARE_NUM.match(t) is not None
        or CONTINUATION.search(t) is not None
    )


def clean_lines(doc: Document, out: list[Line], cfg: dict) -> None:
    """Every rule, in order, on `out` (lines are blanked or rewritten in place)."""
    for i, ln in enumerate(out):
        if ln.text and ln.text.isspace():
            out[i] = ln.with_text("")
    if cfg["continuation_markers"]:
        remove_continuations(doc, out)

    live: list[int] | None = None

    def nonblank() -> list[int]:
        # from here on lines only ever become blank (`_rm`), so filter the last list;
        # `t and not t.isspace()` is `t.strip()` without building a string
        nonlocal live
        live = [i for i in (range(len(out)) if live is None else live) if (t := out[i].text) and not t.isspace()]
        return live

    if cfg["site_chrome"]:
        site_chrome.remove(doc, out, nonblank(), cfg, NAME, "early")
    if cfg["chrome"]:
        remove_related_tail(doc, out, nonblank(), cfg)
        remove_chrome(doc, out, nonblank())
        remove_breadcrumbs(doc, out, nonblank())
    if cfg["metadata"]:
        extract_metadata(doc, out, nonblank(), cfg)
    if cfg["site_chrome"]:
        site_chrome.remove(doc, out, nonblank(), cfg, NAME, "late")
    if cfg["page_numbers"]:
        remove_page_numbers(doc, out, nonblank())
    if cfg["running_heads"]:
        remove_running_heads(doc, out, nonblank(), cfg)
