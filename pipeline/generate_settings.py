"""Write the shipped config and the settings reference from the settings models.

    python -m pipeline.generate_settings           # rewrite the generated files
    python -m pipeline.generate_settings --check   # exit 1 naming each file that differs

`configs/default.toml` (and its packaged copy `pipeline/configs/default.toml`) lists
every setting of every section and stage with its description as a comment, and
`docs/settings.md` is the reference table of them all: both come from the models
(`pipeline.settings.sections`, each stage's `settings=`, or the model inferred from its
`defaults=`), so a setting is typed, defaulted and documented in one place. What is data
rather than a setting's default (the stage order of the preset, the site-chrome rules)
lives in `PRESET` below and in `data/<table>.<key>.toml`, spliced in verbatim.
`tests/test_config_generated.py` fails when a committed file differs from its generation.
"""

from __future__ import annotations

import argparse
import inspect
import json
import math
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .registry import StageSpec, all_stages
from .settings import Settings, comments_of, fields, toml_type
from .settings.sections import SECTIONS

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "settings" / "data"
CONFIG_FILES = ("configs/default.toml",)  # pipeline/configs is a link to configs/ (the packaged copy)
REFERENCE = "docs/settings.md"

# the preset `default`: its name, description and stage order (the stages' own relations,
# `after=` / `requires=`, are checked against this order when the config loads)
PRESET: dict[str, Any] = {
    "name": "default",
    "description": "Clean Chinese government work reports from text, PDF or scanned pages.",
    "stages": [
        "unicode_hygiene",
        "markup",
        "boilerplate",
        "vertical_headline",
        "fragments",
        "interleaved_copies",
        "column_spaces",
        "paragraphs",
        "ocr_lookalikes",
        "punctuation",
        "t2s",
        "dedupe",
    ],
}


# -- TOML values ------------------------------------------------------------------------
def toml_value(value: Any) -> str:
    """`value` as a TOML inline value (tomllib reads it back equal)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"no TOML for {value!r}")
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }" if value else "{}"
    raise TypeError(f"no TOML for {type(value).__name__}")


def described(spec: StageSpec) -> dict[str, str]:
    """For a stage that declares `defaults={...}`: the comments beside its keys in the source."""
    if "inferred" not in _doc(spec.settings):
        return {}
    try:
        source = inspect.getsource(inspect.getmodule(spec.fn))  # type: ignore[arg-type]
    except (OSError, TypeError):
        return {}
    start = source.find("@stage(")
    return comments_of(source[start : source.find("\ndef ", start)]) if start >= 0 else {}


def _doc(obj: Any) -> str:
    return " ".join((getattr(obj, "__doc__", None) or "").split())


def _summary(spec: StageSpec) -> str:
    doc = _doc(spec.settings) if spec.settings.__doc__ and "inferred" not in _doc(spec.settings) else ""
    return doc or " ".join(spec.doc.split()) or spec.name


def _comment(text: str, width: int = 100) -> list[str]:
    """`text` as `# ` comment lines of at most `width` characters."""
    out: list[str] = []
    line = "#"
    for word in text.split():
        if len(line) + 1 + len(word) > width and line != "#":
            out.append(line)
            line = "#"
        line += " " + word
    if line != "#":
        out.append(line)
    return out


def _table(name: str, model: type[Settings], head: str, notes: dict[str, str] | None = None) -> list[str]:
    """`[name]` with every field of `model` (described), then its sub-tables."""
    lines = ["", f"[{name}]", *_comment(head)]
    subs: list[tuple[str, type[Settings]]] = []
    for key, tp, default, desc in fields(model, notes):
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            subs.append((key, tp))
            continue
        data = DATA / f"{name}.{key}.toml"
        if data.is_file():
            lines.append(data.read_text(encoding="utf-8").rstrip("\n"))
            continue
        lines.extend(_comment(desc))
        lines.append(f"{key} = {toml_value(default)}")
    for key, sub in subs:
        lines.extend(_table(f"{name}.{key}", sub, _doc(sub)))
    return lines


def default_toml() -> str:
    """The shipped config, every setting at its default."""
    stages = all_stages()
    width = max(len(s) for s in PRESET["stages"]) + 3
    lines = [
        "# ocrclean default configuration: the stage order and every setting, at its default.",
        "# GENERATED from the settings models by `python -m pipeline.generate_settings`: edit the",
        "# models (pipeline/settings/sections.py, each stage's settings) or pipeline/generate_settings.py",
        "# and pipeline/settings/data/, then regenerate. Every key is validated when a config loads:",
        "# an unknown key, a wrong type or a stage order a stage refuses is a one-line error.",
        "# A config of your own says `extends = \"default\"` and sets only what differs.",
        f"name = {toml_value(PRESET['name'])}",
        f"description = {toml_value(PRESET['description'])}",
        "",
        "[pipeline]",
        "stages = [",
    ]
    for name in PRESET["stages"]:
        first = " ".join(stages[name].doc.split()).split(". ")[0].rstrip(".")
        lines.append(f"  {json.dumps(name) + ',':<{width}} # {first}")
    lines.append("]")
    for sec, model in SECTIONS.items():
        lines.extend(_table(sec, model, _doc(model)))
    for name in PRESET["stages"]:
        spec = stages[name]
        if spec.settings.model_fields:
            lines.extend(_table(f"stages.{name}", spec.settings, _summary(spec), described(spec)))
    return "\n".join(lines) + "\n"


# -- the reference page -----------------------------------------------------------------
def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _rows(table: str, model: type[Settings], shown: str = "", notes: dict[str, str] | None = None) -> list[str]:
    out: list[str] = []
    for key, tp, default, desc in fields(model, notes):
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            out.extend(_rows(f"{table}.{key}", tp, f"{shown}{key}."))
            continue
        if (DATA / f"{table}.{key}.toml").is_file():
            value = "(data: configs/default.toml)"
        else:
            value = f"`{_cell(toml_value(default))}`"
            if len(value) > 60:
                value = value[:56] + "…`"
        out.append(f"| `{shown}{key}` | {toml_type(tp)} | {value} | {_cell(desc)} |")
    return out


def _section_md(
    title: str, table: str, model: type[Settings], about: str, extra: list[str], notes: dict[str, str] | None = None
) -> list[str]:
    lines = ["", f"## {title}", "", about, *extra, "", "| key | type | default | what it does |", "|---|---|---|---|"]
    return lines + _rows(table, model, "", notes)


def reference_md() -> str:
    """docs/settings.md: every setting of every section and stage."""
    stages = all_stages()
    lines = [
        "# Settings reference",
        "",
        "<!-- GENERATED by `python -m pipeline.generate_settings` from the settings models: do not edit. -->",
        "",
        "Every setting of a config (`configs/default.toml`, or a TOML file of your own that says",
        '`extends = "default"` and sets only what differs), its type, its default and what it does.',
        "One source makes this page, the shipped `configs/default.toml` and the checks a config",
        "passes when it loads: the settings models (`pipeline/settings/sections.py` for the sections,",
        "each stage's `settings=` model or the model inferred from its `defaults=`). A config is",
        "validated when it loads, before any document: an unknown key, a value of the wrong type or",
        "a stage order that breaks a stage's relations is one line naming the key (or both stages):",
        "",
        "```console",
        "$ printf 'extends = \"default\"\\n[stages.dedupe]\\nmax_passes = \"four\"\\n' > mine.toml",
        "$ ocrclean clean report.txt -c mine.toml",
        "ocrclean: error: mine.toml: stages.dedupe.max_passes: expected an integer, got 'four'",
        "```",
        "",
        "Types: *integer* takes an integer only; *number* takes an integer or a decimal; *boolean*",
        "is `true` or `false` (never 0/1); strings are quoted. `after`: stages that must come",
        "before this one when both run; `requires`: stages that must run (before it) for it to work.",
        "",
        "Sections: " + ", ".join(f"[`[{s}]`](#{s})" for s in SECTIONS) + ". Stages, in the default order: "
        + ", ".join(f"[`{n}`](#{n})" for n in PRESET["stages"]) + ".",
    ]
    for sec, model in SECTIONS.items():
        lines.extend(_section_md(sec, sec, model, _doc(model), []))
    for name in PRESET["stages"]:
        spec = stages[name]
        extra = []
        if spec.after:
            extra.append("")
            extra.append("after: " + ("every other stage (it runs last)" if "*" in spec.after else ", ".join(f"`{a}`" for a in spec.after)))
        if spec.requires:
            extra.append("")
            extra.append("requires: " + ", ".join(f"`{r}`" for r in spec.requires))
        if not spec.settings.model_fields:
            lines.extend(["", f"## {name}", "", _summary(spec), *extra, "", "No settings."])
            continue
        lines.extend(_section_md(name, f"stages.{name}", spec.settings, _summary(spec), extra, described(spec)))
    return "\n".join(lines) + "\n"


def generated() -> dict[str, str]:
    """{path relative to the repository: text} of every generated file."""
    toml = default_toml()
    return {**{p: toml for p in CONFIG_FILES}, REFERENCE: reference_md()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipeline.generate_settings", description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="write nothing; exit 1 when a file differs")
    ap.add_argument("--root", type=Path, default=ROOT, help="the repository (default: this checkout)")
    args = ap.parse_args(argv)
    stale = []
    for rel, text in generated().items():
        path = args.root / rel
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(rel)
        if not args.check:
            path.write_text(text, encoding="utf-8")
    for rel in stale:
        print(f"{rel}: {'differs from its generation' if args.check else 'written'}", file=sys.stderr)
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
