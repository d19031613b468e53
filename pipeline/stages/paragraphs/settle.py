"""After the first pass: what a second run would still join or take out, done now.

A second run sees this stage's output in clean form, whole paragraphs with one blank line
between each two. What it would find there, the first run must find too, or cleaning the
output again would change it:

- the line rules of the stages already run, again on each joined paragraph (`ctx.reapply`):
  a token or pair cut by a line break (`Ã` / `©`, `&am` / `p;`, `(上接` / `5版)`) is whole
  only once joined (`reapply_joined`);
- the break joins, judged on the two paragraph texts alone (`settle`);
- the link-split joins of the boilerplate stage (`ctx.rejoin`: `link_joins`);
- the document rules of the stages already run on the paragraphs (`ctx.reapply_lines`:
  `recheck`): `综合新` / `闻` is a third `综合新闻` only now.

What they change is booked under this stage (the context's log), with the rules' reasons.
"""

from __future__ import annotations

from ...context import Context, Src
from ...document import Line
from .evidence import _TERMINAL, Item, ends_sentence
from .joins import Decider, join_text

Groups = list[list[Item]]


def _span(g: list[Item]) -> Src:
    return (g[0].line.src[0], g[-1].line.src[1])


def reapply_joined(ctx: Context, groups: Groups, para: list[str]) -> tuple[Groups, list[str]]:
    """Every joined paragraph (joined here, or by the fragments stage) through the line
    rules of the stages already run; one the rules empty entirely is dropped."""
    out_g, out_p = [], []
    for g, t in zip(groups, para, strict=True):
        if len(g) > 1 or "joined_fragments" in g[0].line.meta:
            t = ctx.reapply(t, _span(g))
        if t:
            out_g.append(g)
            out_p.append(t)
    return out_g, out_p


def settle(
    groups: Groups, para: list[str], cfg: dict, breaks: int, ctx: Context | None = None
) -> tuple[Groups, list[str], int]:
    """Join the paragraphs a second run would join, until none is left.

    A second run sees the output in clean form, whole paragraphs on both sides of
    every break and none of this run's evidence (line kinds, markers, wrap widths,
    document statistics): `break_join` there decides on the two texts alone. The
    first run decided on the next *line*, which may have grown into a longer
    paragraph since (a title-like `度降至26微克/立方米，空气质` became a sentence), so
    the pairs are judged again that way. Joining only makes both sides longer, which
    can only allow more joins, so the sweeps stop; after the last one no pair would
    be joined, and cleaning the output again joins nothing."""
    clean = Decider([], cfg, None, ctx.services.lexicon if ctx is not None else None)
    clean.breaks_rare = False

    def plain(text: str) -> Item:
        return Item(Line(text, (0, 0)), text, False)

    def joins(a: str, b: str) -> bool:
        # most paragraphs end a sentence, most of those with `。`: `break_join`'s first test
        return a[-1] not in _TERMINAL and not ends_sentence(a) and clean.break_join(plain(a), plain(b))

    while len(groups) > 1:
        # a sweep only when some pair joins as it stands (a pair joins more easily once the
        # paragraph before it has grown, and it grows only by a join)
        if not any(joins(a, b) for a, b in zip(para, para[1:], strict=False)):
            break
        out_g, out_p = [groups[0]], [para[0]]
        for g, t in zip(groups[1:], para[1:], strict=True):
            a = out_p[-1]
            if joins(a, t):
                out_g[-1] = out_g[-1] + g
                out_p[-1] = join_text(a, t)
                if ctx is not None:
                    out_p[-1] = ctx.reapply(out_p[-1], _span(out_g[-1])) or out_p[-1]
                breaks += 1
            else:
                out_g.append(g)
                out_p.append(t)
        if len(out_g) == len(groups):
            break
        groups, para = out_g, out_p
    return groups, para, breaks


def link_joins(
    ctx: Context, groups: Groups, para: list[str], cfg: dict, breaks: int
) -> tuple[Groups, list[str], int]:
    """The joins of the stages already run (`ctx.rejoin`: the boilerplate stage's link-split
    joins) once more, on the paragraphs as a second run sees them: a join here or a
    removal can make new neighbours. Settled again after."""
    while True:
        merged, n = ctx.rejoin(para)
        if not merged:
            return groups, para, breaks
        out_g: Groups = []
        out_p: list[str] = []
        k = 0
        while k < len(para):
            last, text = merged.get(k, (k, para[k]))
            g = [it for grp in groups[k : last + 1] for it in grp]
            if last > k:
                text = ctx.reapply(text, _span(g)) or text
            out_g.append(g)
            out_p.append(text)
            k = last + 1
        groups, para = out_g, out_p
        ctx.log.change("link-split-join", n)
        if cfg["join_breaks"]:
            groups, para, breaks = settle(groups, para, cfg, breaks, ctx)


def recheck(
    ctx: Context, groups: Groups, para: list[str], cfg: dict, breaks: int
) -> tuple[Groups, list[str], int]:
    """The document rules of the stages already run (`ctx.reapply_lines`: the boilerplate
    stage's rules), on the paragraphs as a second run sees them, until they take nothing
    more; the paragraphs around what they take are settled and link-joined again."""
    while para:
        new = ctx.reapply_lines(para, [_span(g) for g in groups])
        if new == para:
            break
        groups = [g for g, t in zip(groups, new, strict=True) if t]
        para = [t for t in new if t]
        if cfg["join_breaks"]:
            groups, para, breaks = settle(groups, para, cfg, breaks, ctx)
        groups, para, breaks = link_joins(ctx, groups, para, cfg, breaks)
    return groups, para, breaks
