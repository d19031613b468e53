"""Signs of table debris and OCR junk that only the output text shows, per paragraph
(issue 17; the real runs' worst outputs: a broker report whose two tables were read
side by side, a textbook whose formulas were read as text, margins read into lines).

- table debris: cells glued across rows or tables, a run of figures (three or
  more, or two with decimals) between two Chinese labels (`每股收益1.07 2.91 4.43 5.77营业成本1,038`: two tables
  read side by side), and chart axes read as text (`338600%%`). A reader cannot tell
  which figure belongs to which label, and the text around them is out of order;
  counted in characters (the whole paragraph). A table row read right
  (`第一组105~126 120~146`, `绝对涨幅（%）7.18 32.88 80.86`) is no debris;
- stray marks: OCR junk inside Chinese text, not words: a vertical bar, `@`, a
  backslash or caret next to a Chinese character (`|要《路鼓`, `@D胡夫`), and one or
  two Latin letters wedged between Chinese characters with a lower-case letter among
  them (`Te着眼睛`, `一lz一`; at a paragraph's start too), where a real abbreviation is upper case (`A股`, `GDP`)
  and a unit follows a figure (`163cm`);
- list items: a short line (at most 16 characters) with no mark inside, a word list, a
  heading or a table cell (`毡犊眺驰`, `2024年主要预期目标`): no sentence, so its
  characters are not judged by how probably they follow one another.
"""

from __future__ import annotations

import re

import numpy as np

_CJK = "\u3400-\u9fff\uf900-\ufaff"
_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?%?")
_FIGURE_CHARS = re.compile(r"[\d.,%％+\-–—/()（）:：×*#|~]")
# a run of figures separated by spaces, starting at a figure's start, each figure taken
# whole (possessive): found in linear time however long a row or a run of digits and dots
# is; glued when a Chinese label follows
_LABEL = re.compile(rf"[{_CJK}]")
FIGURE_RUN = re.compile(r"(?<![\d,.])-?\d[\d,.]*+%?(?:[ \t]+-?\d[\d,.]*+%?)+")  # possessive: no backtracking
_NEXT_LABEL = re.compile(rf"[{_CJK}（(]")
STRAY = re.compile(
    rf"(?<=[{_CJK}])[|@\\^_]|[|@\\^_](?=[{_CJK}])"
    rf"|(?:(?<=[{_CJK}])|^)(?=[A-Za-z]?[a-z])[A-Za-z]{{1,2}}(?=[{_CJK}])"
)


def table_chars(p: str) -> int:
    """Non-space characters of `p` if it is table debris (see the module docstring), else 0."""
    s = "".join(p.split())
    if "%%" in s and len(_FIGURE_CHARS.findall(s)) >= 0.5 * len(s):
        return len(s)  # a chart axis read as text
    for m in FIGURE_RUN.finditer(p):
        if not _NEXT_LABEL.match(p, m.end()):
            continue
        # cells, not a number split by a space (`1 9 9 3年`, `19 48年`, `51 60元`): three or
        # more figures of two or more characters, or two with a decimal point, comma or %
        figures = [n for n in _NUMBER.findall(m.group()) if len(n) >= 2]
        cells = len(figures) >= 3 or (len(figures) == 2 and all(re.search(r"[.,%]", n) for n in figures))
        if cells and _LABEL.search(p, 0, m.start()):
            return len(s)
    return 0


def stray_marks(p: str) -> int:
    """OCR junk marks inside Chinese text (see the module docstring)."""
    return len(STRAY.findall(p))


_MARK = re.compile(r"[，。；！？、,;!?]")


def is_list_item(p: str) -> bool:
    """A short line with no mark inside (see the module docstring)."""
    return len(p) <= 16 and not _MARK.search(p[:-1])


def table_counts(text: str, paras: list[str]) -> dict[str, np.ndarray]:
    """Per paragraph: table-debris characters and stray marks (each search runs only
    when the whole text has a figure or a mark it could match)."""
    n = len(paras)
    table = np.zeros(n, dtype=np.int64)
    stray = np.zeros(n, dtype=np.int64)
    if re.search(r"\d", text):
        table[:] = [table_chars(p) for p in paras]
    if re.search(r"[|@\\^_a-z]", text):
        stray[:] = [stray_marks(p) for p in paras]
    items = np.array([is_list_item(p) for p in paras], dtype=np.int64)
    return {"table": table, "stray": stray, "list_item": items}
