"""What a stage is called with: `apply(doc, ctx)`.

A stage reads and returns the `Document`; everything else it needs comes on `ctx`:

- `ctx.settings`: its own settings (from the config; `ctx["key"]` reads one too);
- `ctx.log`: the change log bound to the stage (`removal`, `change`, `substitution`,
  `flag`), so each stage's accounting balances on its own (`core.Pipeline.process`);
- `ctx.services`: the shared, process-wide services (`lexicon`, `fluency`, `lookalikes`),
  declared in `pipeline.services`, each built once per process;
- `ctx.reapply(text, src)`, `ctx.reapply_lines(texts, srcs)`, `ctx.rejoin(texts)`: the rules
  of the stages that already ran on this document, applied to text this stage made (a
  join can make whole what those stages judged in pieces: `&am` / `p;`, `(上接` / `5版)`,
  a third `综合新` / `闻`). A second run of the pipeline would find it, so the first must.
  What they change is booked under the calling stage, with the rules' own reasons.

A stage declares the rules it offers for re-application with `@stage(..., rules=Rules(...))`;
each rule is called with a context that carries the rule's own stage's settings and note
(`ctx.note`: what that stage left for its rules when it ran) and the caller's log.

`Context` is also a read-only `Mapping` of the settings, so a stage written the old way,
`fn(doc, cfg)` reading `cfg["key"]`, keeps working unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .document import Document, nonws_len
from .services import services as shared_services

if TYPE_CHECKING:
    from .services import Services

Src = tuple[int, int]


class ChangeLog:
    """The document's change log with every entry booked under one stage."""

    __slots__ = ("doc", "stage")

    def __init__(self, doc: Document, stage: str):
        self.doc, self.stage = doc, stage

    def removal(self, reason: str, text: str, src: Src) -> None:
        """Text taken out of the output (whitespace-only text is not recorded)."""
        self.doc.record_removal(self.stage, reason, text, src)

    def change(self, rule: str, n: int = 1, delta: int = 0) -> None:
        """`n` substitutions by `rule`; `delta` = nonws chars before minus after."""
        self.doc.record_change(self.stage, rule, n, delta)

    def substitution(self, rule: str, old: str, new: str, n: int = 1) -> None:
        """One substitution of `old` by `new` (`n` counted), with its accounting delta."""
        if old != new:
            self.doc.record_change(self.stage, rule, n, nonws_len(old) - nonws_len(new))

    def flag(self, kind: str, message: str, excerpt: str, src: Src) -> None:
        self.doc.flag(kind, message, excerpt, src, self.stage)


LineRule = Callable[["Context", str, Src], str]
LinesRule = Callable[["Context", list[str], list[Src]], list[str]]
JoinsRule = Callable[["Context", list[str]], tuple[dict[int, tuple[int, str]], int]]


@dataclass(frozen=True)
class Rules:
    """The rules a stage offers to stages after it, for text they made.

    - `line(ctx, text, src) -> text`: the stage's line rules on one new piece of text;
    - `lines(ctx, texts, srcs) -> texts`: its document rules on a new list of paragraphs
      (stripped, non-empty): each text's new text, "" where the rule took it out;
    - `joins(ctx, texts) -> ({first: (last, joined text)}, joins)`: neighbours it would join.
    """

    line: LineRule | None = None
    lines: LinesRule | None = None
    joins: JoinsRule | None = None


@dataclass
class Ran:
    """A stage that ran on the document: its settings, rules and note."""

    name: str
    settings: Mapping[str, Any]
    rules: Rules | None
    note: dict[str, Any] = field(default_factory=dict)


class Context(Mapping[str, Any]):
    """The stage's settings, change log, services and the rules of the stages before it."""

    def __init__(
        self,
        doc: Document,
        stage: str,
        settings: Mapping[str, Any],
        services: Services | None = None,
        ran: list[Ran] | None = None,
        note: dict[str, Any] | None = None,
        log: ChangeLog | None = None,
    ):
        if services is None:
            services = shared_services()
        self.doc = doc
        self.stage = stage
        self.settings = settings
        self.services = services
        self.log = log or ChangeLog(doc, stage)
        self.note: dict[str, Any] = {} if note is None else note
        self.memo: dict[str, Any] = {}  # the call's scratch (e.g. a rule's per-document decision)
        self._ran = list(ran or [])
        self._rule_ctx: dict[str, Context] = {}

    # -- the settings, as a read-only mapping (old-style `fn(doc, cfg)` stages) ------
    def __getitem__(self, key: str) -> Any:
        return self.settings[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.settings)

    def __len__(self) -> int:
        return len(self.settings)

    def copy(self) -> dict[str, Any]:
        return dict(self.settings)

    def __repr__(self) -> str:
        return f"Context({self.stage!r}, ran={[r.name for r in self._ran]})"

    # -- the stages before this one ----------------------------------------------
    def ran(self, name: str) -> bool:
        """Whether stage `name` already ran on this document."""
        return any(r.name == name for r in self._ran)

    def _for(self, r: Ran) -> Context:
        """The context `r`'s rules run with: its settings, note and earlier stages, this
        stage's log (what they change is this stage's change)."""
        c = self._rule_ctx.get(r.name)
        if c is None:
            before = self._ran[: next(i for i, x in enumerate(self._ran) if x is r)]  # its own rules see the stages before it
            c = Context(self.doc, r.name, r.settings, self.services, before, r.note, self.log)
            self._rule_ctx[r.name] = c
        return c

    def reapply(self, text: str, src: Src, *, strip: bool = True) -> str:
        """The line rules of the stages already run, in their order, on `text` (a piece this
        stage made), again until none changes it; `strip`: each rule's result stripped (a
        paragraph), else edges kept (a line whose indent still counts)."""
        rules = [(r, r.rules.line) for r in self._ran if r.rules is not None and r.rules.line is not None]
        if not rules:
            return text
        while True:
            before = text
            for r, rule in rules:
                text = rule(self._for(r), text, src)
                if strip:
                    text = text.strip()
            if text == before:
                return text

    def reapply_lines(self, texts: list[str], srcs: list[Src]) -> list[str]:
        """The document rules of the stages already run on `texts` (stripped, non-empty
        paragraphs): each text's new text, "" where a rule took it out."""
        for r in self._ran:
            if r.rules is not None and r.rules.lines is not None:
                texts = r.rules.lines(self._for(r), texts, srcs)
        return texts

    def rejoin(self, texts: list[str]) -> tuple[dict[int, tuple[int, str]], int]:
        """Neighbours in `texts` that a stage already run would join: the first such
        stage's {first index: (last index, joined text)} and its number of joins."""
        for r in self._ran:
            if r.rules is not None and r.rules.joins is not None:
                merged, n = r.rules.joins(self._for(r), texts)
                if merged:
                    return merged, n
        return {}, 0


def as_context(doc: Document, stage: str, settings: Mapping[str, Any]) -> Context:
    """`settings` as a stage's context: itself when it is one, else a context of its own
    (a stage called directly, `run(doc, {...})`, as tests do: no stage ran before it)."""
    if isinstance(settings, Context):
        return settings
    return Context(doc, stage, settings)
