"""`ocrclean config`: the effective config, as TOML, after --config, --set and --stage.

Every section is printed in full, its defaults filled in, so the output shows
what a run would use and loads back as a config file with the same settings
(`ocrclean config --set ... > mine.toml; ocrclean run --config mine.toml ...`).
"""

from __future__ import annotations

import argparse
import shlex
import sys
from typing import Any

from . import EXIT_OK, add_config_args, config_argv, config_from_args, fmt

SECTIONS = ("limits", "output", "quality", "ocr", "pdf")


def add_parser(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "config", formatter_class=fmt, parents=parents, help="print the effective config as TOML",
        description="Print the config a command would use, after --config, --set and --stage, as TOML:\n"
                    "every stage's settings and every section, defaults filled in.",
        epilog="examples:\n  ocrclean config\n  ocrclean config --set quality.min_score=80 --stage dedupe=off > mine.toml\n"
               "  ocrclean run seeds --out out --config mine.toml",
    )
    add_config_args(p)
    p.set_defaults(handler=cmd)


def effective_data(config: Any) -> dict[str, Any]:
    """The config as the table a TOML file would hold: name, order, sections, stage settings."""
    data: dict[str, Any] = {"name": config.name}
    if isinstance(config.raw.get("description"), str):
        data["description"] = config.raw["description"]
    data["pipeline"] = {"stages": list(config.stages)}
    for sec in SECTIONS:
        data[sec] = config.section(sec)
    data["stages"] = {name: config.stage_settings[name] for name in config.stages if config.stage_settings.get(name)}
    return data


def cmd(args: argparse.Namespace) -> int:
    import tomli_w

    config = config_from_args(args)
    how = shlex.join(["ocrclean", "config", *config_argv(args)])
    head = f"# effective config ({how}), digest {config.digest}\n"
    sys.stdout.write(head + tomli_w.dumps(effective_data(config)))
    return EXIT_OK
