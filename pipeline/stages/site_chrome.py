"""Site chrome and licence footers as data: the `site_chrome` table of the boilerplate stage.

Each entry of `[stages.boilerplate] site_chrome` in `configs/default.toml` is one rule:

    { rule = "wikisource-licence", start = '^本作品(?:是|来自)中华人民共和国',
      end = '(?:^|公有领域)。$', max_lines = 16, zone = "tail" }

- `start`: a regular expression searched in a non-blank line (stripped);
- `end` (optional): the block runs from the `start` line through the first line, at most
  `max_lines` non-blank lines on (the start line included), that `end` matches; with no
  such line nothing is removed. Without `end` the rule takes the one line;
- `zone`: `any`, `head` or `tail`: only the first / last `site_chrome_edge` non-blank
  lines are looked at (a licence block stands at the end of the page, never in the body).

Every line a rule takes is a recorded removal whose reason is the rule's name, so the
report says which rule took what. Blank lines are no evidence, as in every boilerplate
rule: blocks are counted in non-blank lines.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..document import Document, Line

ZONES = ("any", "head", "tail")


@lru_cache(maxsize=8)
def _compiled(rules: tuple[tuple[str, str, str, int, str], ...]):
    return [(name, re.compile(start), re.compile(end) if end else None, n, zone) for name, start, end, n, zone in rules]


def rules_key(table: list[dict]) -> tuple[tuple[str, str, str, int, str], ...]:
    """The table as a hashable tuple (validated: names, patterns, zones)."""
    out = []
    for k, r in enumerate(table):
        if not isinstance(r, dict) or not isinstance(r.get("rule"), str) or not isinstance(r.get("start"), str):
            raise ValueError(f"site_chrome[{k}]: a table with string keys `rule` and `start` expected")
        zone = r.get("zone", "any")
        if zone not in ZONES:
            raise ValueError(f"site_chrome[{k}] ({r['rule']}): zone must be one of {', '.join(ZONES)}")
        out.append((r["rule"], r["start"], str(r.get("end", "")), int(r.get("max_lines", 1)), zone))
    return tuple(out)


def find(texts: list[str], table: list[dict], edge: int) -> list[tuple[int, str]]:
    """(index, rule name) of every line of `texts` (non-blank, stripped) a rule takes."""
    if not table or not texts:
        return []
    n = len(texts)
    taken: dict[int, str] = {}
    for name, start, end, max_lines, zone in _compiled(rules_key(table)):
        lo, hi = (0, n) if zone == "any" else (0, min(edge, n)) if zone == "head" else (max(0, n - edge), n)
        k = lo
        while k < hi:
            if k in taken or not start.search(texts[k]):
                k += 1
                continue
            last = k
            if end is not None:
                last = next((j for j in range(k, min(hi, k + max_lines)) if end.search(texts[j])), -1)
                if last < 0 or any(j in taken for j in range(k, last + 1)):
                    k += 1
                    continue
            for j in range(k, last + 1):
                taken[j] = name
            k = last + 1
    return sorted(taken.items())


def remove(doc: Document, out: list[Line], idx: list[int], cfg: dict, stage: str) -> None:
    """Blank and record every line of `out` (at the non-blank indices `idx`) a rule takes."""
    for k, name in find([out[i].text.strip() for i in idx], cfg["site_chrome"], int(cfg["site_chrome_edge"])):
        ln = out[idx[k]]
        doc.record_removal(stage, name, ln.text, ln.src)
        out[idx[k]] = Line("", ln.src, ln.page, ln.conf)
