"""`ocrclean run`: clean files and folders into an output folder."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from . import DIRECTORY, FILE, add_config_args, add_field_arg, config_from_args, dumps, error, fmt, note

log = logging.getLogger("pipeline.cli")


def add_parser(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    run = sub.add_parser(
        "run", formatter_class=fmt, parents=parents, help="clean files and folders into an output folder",
        description="Clean files and folders (recursively) into --out: DIR/<stem>.txt, DIR/<stem>.report.json and DIR/manifest.jsonl.",
        epilog="examples:\n  ocrclean run ../shared/seeds --out out\n  ocrclean run scans/ reports/*.pdf --out clean --jobs 2 --min-score 80\n"
               "  ocrclean run seeds --out out --json | jq .mean_score\n"
               "  ocrclean run big/ --out clean --backend ray   # on a Ray cluster (RAY_ADDRESS) or a local one",
    )
    run.add_argument("paths", nargs="+", metavar="PATH", help="input files or folders").complete = FILE  # type: ignore[attr-defined]
    run.add_argument("--out", "-o", required=True, metavar="DIR",
                     help="output folder (created if missing)").complete = DIRECTORY  # type: ignore[attr-defined]
    run.add_argument("--jobs", "-j", type=int, default=1, metavar="N", help="worker processes (default 1)")
    run.add_argument("--backend", default="local",
                     help="where the work runs: local (default), ray, or a plugin's name (entry point ocrclean.backends)")
    run.add_argument("--force", action="store_true", help="redo inputs whose outputs are up to date")
    run.add_argument("--min-score", type=float, metavar="N", help="mark documents scoring below N; exit 1 if any")
    run.add_argument("--html", action="store_true", help="also write DIR/index.html, a report to read in a browser")
    run.add_argument("--quiet", "-q", action="store_true", help="no progress bar and no summary table")
    run.add_argument("--json", action="store_true", help="print the summary as one JSON object on stdout (no table)")
    add_field_arg(run)
    add_config_args(run)
    run.set_defaults(handler=cmd)


def cmd(args: argparse.Namespace) -> int:
    from ..batch import run_batch
    from ..errors import ConfigError
    from ..summary import Progress, print_summary, summary_json

    config = config_from_args(args)  # with --set/--stage/--min-score: the run's one config
    if args.jobs < 1:
        raise ConfigError("--jobs must be at least 1")
    with Progress(enabled=not (args.quiet or args.json)) as bar:
        res = run_batch(args.paths, args.out, config, jobs=args.jobs, backend=args.backend, force=args.force,
                        progress=bar.update, on_total=bar.set_total)
    if args.html:
        from ..html_report import write_html

        index = write_html(Path(args.out), res, config)  # the same effective config, not a re-read of --config
        log.info("wrote %s", index)
    if args.json:
        sys.stdout.write(dumps(summary_json(res, args.paths)) + "\n")
    elif not args.quiet:
        print_summary(res, min_score=args.min_score, inputs=args.paths)
    for line in res.notes:
        note(line)
    for line in res.errors:
        error(line)
    if res.fatal:
        error(res.fatal)
    if res.interrupted:
        log.warning("interrupted; finished outputs are complete and will be reused by the next run")
    return res.exit_code
