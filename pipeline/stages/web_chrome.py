"""Web chrome: what a site's page template puts around a report (not a stage; the
boilerplate stage runs these rules).

Share/print/font-size widgets (`下载 打印 全屏 收藏 【字号：加大 还原 减小】`, `【打印】【关闭】`,
`打印本页 关闭窗口`), breadcrumbs (`当前位置：首页 > 要闻`), the `相关报道：` line and the
short link tail after it. A weak token (`大`, `中`, `小`, `>`, `|`) goes only inside a run
of chrome holding a strong one, so a vertical title set one character per line is never
touched. Every line taken is blanked and recorded (`remove_line`).
"""

from __future__ import annotations

import re

from ..context import ChangeLog
from ..document import Line

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


def remove_line(log: ChangeLog, out: list[Line], i: int, reason: str) -> None:
    """Blank line `i` of `out`, its text a recorded removal."""
    ln = out[i]
    log.removal(reason, ln.text, ln.src)
    out[i] = Line("", ln.src, ln.page, ln.conf)


def is_chrome_line(t: str) -> bool | None:
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


def remove_chrome(log: ChangeLog, out: list[Line], idx: list[int]) -> None:
    """Runs of chrome lines (blank lines ignored) that hold at least one strong token."""
    k = 0
    while k < len(idx):
        kinds = []
        j = k
        while j < len(idx):
            c = is_chrome_line(out[idx[j]].text.strip())
            if c is False:
                break
            kinds.append(c)
            j += 1
        if any(kinds):
            for m in range(k, j):
                remove_line(log, out, idx[m], "web-chrome")
        k = max(j, k + 1)


def remove_breadcrumbs(log: ChangeLog, out: list[Line], idx: list[int]) -> None:
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
            remove_line(log, out, i2, "breadcrumb")


def remove_related_tail(log: ChangeLog, out: list[Line], idx: list[int], cfg: dict) -> None:
    total = sum(len(out[i].text) for i in idx) or 1
    start = int(len(idx) * 0.6)
    for k in range(start, len(idx)):
        if _RELATED.match(out[idx[k]].text.strip()):
            tail = sum(len(out[i].text) for i in idx[k + 1 :])
            if tail <= max(cfg["related_tail_max_chars"], total * 0.05):
                for i in idx[k:]:
                    remove_line(log, out, i, "web-chrome")
            else:
                remove_line(log, out, idx[k], "web-chrome")
            return


def maybe_chrome(t: str) -> bool:
    """Whether a chrome rule could take the line `t` (stripped, non-empty): a cheap test."""
    return (
        is_chrome_line(t) is not False
        or t in _SEP
        or _BREAD_START.match(t) is not None
        or _RELATED.match(t) is not None
    )
