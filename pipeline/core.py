"""The Pipeline: ingest, run the configured stages in order, score, report.

One object serves the CLI, the Python API, the pre-commit hooks and every
batch backend, so there is exactly one code path from input to output.
"""

from __future__ import annotations

import hashlib
import re
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Any

from .config import Config, load_config
from .context import Context, Ran
from .document import Document, nonws_len
from .quality import score_document
from .registry import StageSpec, get_stage
from .report import build_report
from .version import __version__


@dataclass
class Result:
    """Clean text plus its report (a JSON-ready dict) and the final Document."""

    text: str
    report: dict[str, Any]
    document: Document = field(repr=False)

    @property
    def score(self) -> float:
        return float(self.report["quality"]["score"])


def finalize_text(doc: Document) -> str:
    """The emitted bytes' text: NFC, no trailing spaces, one paragraph per line,
    exactly one blank line between paragraphs, exactly one trailing newline."""
    paras: list[str] = []
    if doc.paragraphs:
        paras = [ln.text.strip() for ln in doc.lines if ln.text.strip()]
    else:
        block: list[str] = []
        for ln in doc.lines:
            t = ln.text.strip()
            if t:
                block.append(t)
            elif block:
                paras.append("\n".join(block))
                block = []
        if block:
            paras.append("\n".join(block))
    text = "\n\n".join(paras)
    text = unicodedata.normalize("NFC", text)
    return text + "\n" if text else ""


class _NonWsCache(dict):
    """`nonws_len(doc.text)` for the per-stage accounting without joining and rescanning
    the whole text twice a stage: the separators are whitespace, so it is the sum over
    line texts, and a line a stage left alone is a dict hit. Stale texts are dropped
    once they outnumber the live ones, so memory stays linear in the input."""

    __slots__ = ()

    def __missing__(self, text: str) -> int:
        n = self[text] = nonws_len(text)
        return n

    def total(self, doc: Document) -> int:
        texts = list(map(_TEXT, doc.lines))
        if len(self) > 2 * len(texts) + 1024:
            live = {t: self[t] for t in texts if t in self}
            self.clear()
            self.update(live)
        return sum(map(self.__getitem__, texts))


_TEXT = attrgetter("text")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class Pipeline:
    """The configured stages, ready to clean documents.

    >>> p = Pipeline("default")
    >>> p.clean_text("经济增长7.5% ,  好.").text
    '经济增长7.5%，好。\\n'
    """

    def __init__(self, config: Config | str | Path | dict[str, Any] | None = None):
        self.config = load_config(config)
        self.steps = [(get_stage(name), self.config.stage_settings[name]) for name in self.config.stages]

    def warm(self) -> Pipeline:
        """Load every lazily loaded model now (jieba's dictionary, the garble tables,
        OpenCC) by cleaning a small sample that reaches them. A process pool forks
        after this, so no worker pays the loading again for its first document."""
        sample = (
            "示范县政府工作报告\n\n(上接5版)\n\n过去一年，全县坚持稳中求进,经济增长6.1%.推进新\n\n"
            "型工业化，启用“城北物流中心”。\n"
        )
        import numpy.ma  # noqa: F401  (np.unique imports it at first use: 10 ms)

        from . import garble
        from .services import services

        garble.warm()
        services().lexicon.warm()
        for spec, settings in self.steps:
            if spec.warm is not None:
                spec.warm(settings)
        self.clean_text(sample)
        return self

    # -- entry points ---------------------------------------------------
    def clean_text(self, text: str, source: str = "<text>") -> Result:
        """Clean a str already in memory. A lone surrogate (from a JSON `\\ud800` escape or
        a surrogateescape decode) is no character: it becomes U+FFFD, as undecodable bytes do."""
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if not text.isascii():
            text = _LONE_SURROGATE.sub("\ufffd", text)
        doc = Document.from_text(text, source=source, kind="text")
        raw = text.encode("utf-8")
        return self.process(doc, raw)

    def clean_bytes(self, data: bytes, source: str = "<stdin>") -> Result:
        """Clean raw bytes: PDF and image bytes are recognised by content, then `source`'s
        suffix picks the reader (.html, .md, .csv), else text (encoding detected)."""
        from .ingest import bytes_document

        return self.process(bytes_document(data, source, self.config), data)

    def clean_file(self, path: str | Path) -> Result:
        """Clean one file of any supported kind (text, PDF, image)."""
        from .ingest import read_document

        t0 = time.perf_counter()
        doc, raw = read_document(Path(path), self.config)
        t_in = time.perf_counter() - t0
        res = self.process(doc, raw)
        res.report["timings"]["ingest"] = round(t_in, 4)
        res.report["timings"]["total"] = round(res.report["timings"]["total"] + t_in, 4)
        return res

    # -- the work -------------------------------------------------------
    def run_stages(self, doc: Document) -> Iterator[tuple[StageSpec, Document]]:
        """The configured stages on `doc`, one at a time: (stage, document after it). Each
        stage gets its context, as in `process` (no accounting, no score): for tools that
        look at the text between stages."""
        ran: list[Ran] = []
        for spec, settings in self.steps:
            doc = _apply(spec, settings, doc, ran)
            yield spec, doc

    def process(self, doc: Document, raw: bytes) -> Result:
        timings: dict[str, float] = {}
        accounting: dict[str, dict[str, int]] = {}
        t_start = time.perf_counter()
        counts = _NonWsCache()
        after = input_chars = counts.total(doc)
        ran: list[Ran] = []  # the stages run so far, whose rules the next ones may apply again
        for spec, settings in self.steps:
            before = after
            removed_before = doc.removed_nonws(spec.name)
            t0 = time.perf_counter()
            doc = _apply(spec, settings, doc, ran)
            timings[spec.name] = round(time.perf_counter() - t0, 4)
            after = counts.total(doc)
            removed = doc.removed_nonws(spec.name) - removed_before
            changed = int(doc.delta.get(spec.name, 0))
            accounting[spec.name] = {
                "chars_in": before,
                "chars_out": after,
                "removed": removed,
                "changed": changed,
                "unaccounted": before - after - removed - changed,
            }
        text = finalize_text(doc)
        t0 = time.perf_counter()
        quality = score_document(doc, text, self.config.section("quality"))
        timings["quality"] = round(time.perf_counter() - t0, 4)
        timings["total"] = round(time.perf_counter() - t_start, 4)
        report = build_report(
            doc=doc,
            text=text,
            input_chars=input_chars,
            raw=raw,
            config=self.config,
            quality=quality,
            accounting=accounting,
            timings=timings,
            version=__version__,
        )
        return Result(text, report, doc)


def _apply(spec: StageSpec, settings: dict[str, Any], doc: Document, ran: list[Ran]) -> Document:
    """Stage `spec` on `doc` with its context; `ran` (the stages run so far, whose rules the
    next ones may apply again) gets it appended."""
    note: dict[str, Any] = {}
    doc = spec.fn(doc, Context(doc, spec.name, settings, ran=ran, note=note))
    ran.append(Ran(spec.name, settings, spec.rules, note))
    return doc


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_DEFAULT: dict[str, Pipeline] = {}


def default_pipeline(config: Config | str | Path | dict[str, Any] | None = None) -> Pipeline:
    """A cached Pipeline for a config name (building one loads jieba and OpenCC)."""
    if config is None or isinstance(config, str):
        key = config or "default"
        if key not in _DEFAULT:
            _DEFAULT[key] = Pipeline(key)
        return _DEFAULT[key]
    return Pipeline(config)


def clean_text(text: str, config: Config | str | Path | dict[str, Any] | None = None) -> Result:
    """Clean `text` with `config` (default: configs/default.toml). Returns a Result."""
    return default_pipeline(config).clean_text(text)


def clean_file(path: str | Path, config: Config | str | Path | dict[str, Any] | None = None) -> Result:
    """Clean the file at `path` (text, PDF or image). Returns a Result."""
    return default_pipeline(config).clean_file(path)
