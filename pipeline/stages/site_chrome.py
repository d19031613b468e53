"""Site chrome and licence footers as data: the `site_chrome` table of the boilerplate stage.

Each entry of `[stages.boilerplate] site_chrome` in `configs/default.toml` is one rule:

    { rule = "wikisource-licence", start = '^本作品(?:是|来自)中华人民共和国',
      end = '(?:^|公有领域)。$', max_lines = 16, zone = "tail" }

- `start`: a regular expression searched in a non-blank line (stripped);
- `end` (optional): the block runs from the `start` line through the first line, at most
  `max_lines` non-blank lines on (the start line included), that `end` matches; with no
  such line nothing is removed. Without `end` the rule takes the one line;
- `inner` (optional, with `end`): every line between the start and the end line must
  match it (`【字号：` / `加大` / `还原` / `减小` / `】`: widget words only, never text);
- `zone`: `any`, `head` or `tail`: only the first / last `site_chrome_edge` non-blank
  lines are looked at (a licence block stands at the end of the page, never in the body);
- `phase`: `early` (default: before the built-in chrome rules) or `late` (after the
  metadata rule, which moves `来源：…` and `责任编辑：…` at the page edges into the
  report's metadata; a late rule takes such lines elsewhere).

Every line a rule takes is a recorded removal whose reason is the rule's name, so the
report says which rule took what. Blank lines are no evidence, as in every boilerplate
rule: blocks are counted in non-blank lines.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from pydantic import field_validator

from ..document import Document, Line
from ..settings import Settings

ZONES = ("any", "head", "tail")
PHASES = ("early", "late")
_KEYS = {"rule", "start", "end", "inner", "max_lines", "zone", "phase"}
Rule = tuple[str, str, str, str, int, str, str]  # name, start, end, inner, max_lines, zone, phase


@lru_cache(maxsize=8)
def _compiled(rules: tuple[Rule, ...], phase: str):
    def rx(p: str):
        return re.compile(p) if p else None

    return [
        (nm, re.compile(st), rx(en), rx(inn), n, zone)
        for nm, st, en, inn, n, zone, ph in rules
        if ph == phase
    ]


class SiteChromeRule(Settings):
    """One rule of the `site_chrome` table (the module docstring says how a rule reads)."""

    rule: str
    """The rule's name: the reason recorded for every line it takes."""
    start: str
    """A regular expression searched in a non-blank line (stripped)."""
    end: str = ""
    """Optional: the block runs through the first line it matches, at most `max_lines` lines on."""
    inner: str = ""
    """Optional, with `end`: every line between the start and the end line must match it."""
    max_lines: int = 1
    """Most non-blank lines of a block (the start line included)."""
    zone: Literal["any", "head", "tail"] = "any"
    """Where the rule looks: anywhere, or only the first / last `site_chrome_edge` non-blank lines."""
    phase: Literal["early", "late"] = "early"
    """early: before the built-in chrome rules | late: after the metadata rule."""

    @field_validator("start", "end", "inner")
    @classmethod
    def _pattern(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as e:
            raise ValueError(f"not a regular expression ({e})") from None
        return value


class SiteChromeSettings(Settings):
    """The site-chrome settings of the stage that applies the rules (boilerplate's keys)."""

    site_chrome: list[SiteChromeRule] = []
    """The rules, as data (configs/default.toml); none in code."""
    site_chrome_edge: int = 40
    """Non-blank lines a `head` / `tail` rule looks at."""


def rules_key(table: list[dict]) -> tuple[Rule, ...]:
    """The table as a hashable tuple, validated (keys, patterns, zones, phases): a bad
    rule is a ValueError naming it."""
    out = []
    for k, r in enumerate(table):
        if (
            not isinstance(r, dict)
            or not isinstance(r.get("rule"), str)
            or not isinstance(r.get("start"), str)
        ):
            raise ValueError(f"site_chrome[{k}]: a table with string keys `rule` and `start` expected")
        bad = set(r) - _KEYS
        zone, phase = r.get("zone", "any"), r.get("phase", "early")
        if bad or zone not in ZONES or phase not in PHASES:
            raise ValueError(
                f"site_chrome[{k}] ({r['rule']}): keys {', '.join(sorted(_KEYS))}; "
                f"zone one of {', '.join(ZONES)}; phase one of {', '.join(PHASES)}"
            )
        for key in ("start", "end", "inner"):
            try:
                re.compile(str(r.get(key, "")))
            except re.error as e:
                raise ValueError(f"site_chrome[{k}] ({r['rule']}): bad {key} pattern: {e}") from None
        out.append(
            (
                r["rule"],
                r["start"],
                str(r.get("end", "")),
                str(r.get("inner", "")),
                int(r.get("max_lines", 1)),
                zone,
                phase,
            )
        )
    return tuple(out)


def find(texts: list[str], table: list[dict], edge: int, phase: str = "early") -> list[tuple[int, str]]:
    """(index, rule name) of every line of `texts` (non-blank, stripped) a rule of `phase` takes."""
    if not table or not texts:
        return []
    n = len(texts)
    taken: dict[int, str] = {}
    for name, start, end, inner, max_lines, zone in _compiled(rules_key(table), phase):
        lo, hi = (0, n) if zone == "any" else (0, min(edge, n)) if zone == "head" else (max(0, n - edge), n)
        k = lo
        while k < hi:
            if k in taken or not start.search(texts[k]):
                k += 1
                continue
            last = k
            if end is not None:
                last = next((j for j in range(k, min(hi, k + max_lines)) if end.search(texts[j])), -1)
                if (
                    last < 0
                    or any(j in taken for j in range(k, last + 1))
                    or (inner is not None and not all(inner.search(texts[j]) for j in range(k + 1, last)))
                ):
                    k += 1
                    continue
            for j in range(k, last + 1):
                taken[j] = name
            k = last + 1
    return sorted(taken.items())


def remove(
    doc: Document, out: list[Line], idx: list[int], cfg: dict, stage: str, phase: str = "early"
) -> None:
    """Blank and record every line of `out` (at the non-blank indices `idx`) a rule takes."""
    texts = [out[i].text.strip() for i in idx]
    for k, name in find(texts, cfg["site_chrome"], cfg["site_chrome_edge"], phase):
        ln = out[idx[k]]
        doc.record_removal(stage, name, ln.text, ln.src)
        out[idx[k]] = Line("", ln.src, ln.page, ln.conf)
