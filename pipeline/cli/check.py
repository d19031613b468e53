"""`ocrclean check`: are text files in clean form (the pre-commit hooks run it)?

The checking itself is `pipeline.check`; this is its command line. A file not in
clean form gets its problem lines and then the command that fixes it
(`run 'ocrclean check --fix PATH'`, with this command line's config options), so
a pre-commit user knows what to type. `--diff` prints, instead of problem lines,
a unified diff from the file to its clean form (`git apply`/`patch -p0` take it),
computed with `linediff` (near-linear) rather than difflib's cubic matcher.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import Any

from . import DIRECTORY, FILE, add_config_args, config_argv, config_from_args, dumps, error, fmt, note

CONTEXT = 3  # lines of context around a hunk, as diff -u


def add_parser(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    check = sub.add_parser(
        "check", formatter_class=fmt, parents=parents, help="check that text files are in clean form (pre-commit)",
        description="Check that each file is in clean form (cleaning it again gives the same bytes) and, with\n"
                    "--min-score, scores high enough. Problems print as 'path:line: kind: message', then the\n"
                    "command that fixes the file. Folders are searched for text files. Exit 0 all clean, 1 not\n"
                    "clean / below score / fixed, 2 a file could not be read.",
        epilog="examples:\n  ocrclean check seeds/*.txt\n  ocrclean check seeds --min-score 80 --json\n"
               "  ocrclean check --diff seeds/001.txt   # what --fix would change, as a unified diff\n"
               "  ocrclean check --fix seeds/001.txt    # rewrite in place, print what was removed",
    )
    check.add_argument("paths", nargs="+", metavar="PATH", help="text files or folders").complete = FILE  # type: ignore[attr-defined]
    check.add_argument("--json", action="store_true", help="print one JSON object with a verdict per file")
    check.add_argument("--min-score", type=float, metavar="N", help="also fail files scoring below N")
    check.add_argument("--fix", action="store_true", help="rewrite files in place to clean form (fails if it changed any)")
    check.add_argument("--diff", action="store_true",
                       help="print a unified diff of what clean form would change (not with --fix or --json)")
    check.add_argument("--report-dir", metavar="DIR", help="write DIR/<name>.report.json for each file not in clean form"
                       ).complete = DIRECTORY  # type: ignore[attr-defined]
    add_config_args(check)
    check.set_defaults(handler=cmd)


def fix_command(args: argparse.Namespace, path: str) -> str:
    """The command line that rewrites `path` in clean form with this command's config."""
    return shlex.join(["ocrclean", "check", "--fix", *config_argv(args), path])


def _lines(text: str) -> list[str]:
    """Lines with their "\\n", split on "\\n" only (a CR or U+2028 stays inside its line)."""
    parts = text.split("\n")
    out = [p + "\n" for p in parts[:-1]]
    return out + [parts[-1]] if parts[-1] else out


def _range(start: int, length: int) -> str:
    return f"{start + (length > 0)},{length}" if length != 1 else f"{start + 1}"


def unified_diff(path: str, raw: bytes, clean: str) -> str:
    """`diff -u PATH <clean form>`; hunks from `linediff.opcodes`, grouped as difflib groups them."""
    import difflib

    from ..linediff import opcodes

    class Matcher(difflib.SequenceMatcher):
        def get_opcodes(self) -> list[Any]:
            return opcodes(self.a, self.b)

    old, new = _lines(raw.decode("utf-8", "replace")), _lines(clean)
    out = [f"--- {path}\n", f"+++ {path}\n"]
    for group in Matcher(None, old, new, autojunk=False).get_grouped_opcodes(CONTEXT):
        (_, i1, _, j1, _), (_, _, i2, _, j2) = group[0], group[-1]
        out.append(f"@@ -{_range(i1, i2 - i1)} +{_range(j1, j2 - j1)} @@\n")
        for tag, a1, a2, b1, b2 in group:
            if tag == "equal":
                out += [" " + s for s in old[a1:a2]]
                continue
            out += ["-" + s for s in old[a1:a2]]
            out += ["+" + s for s in new[b1:b2]]
    return "".join(s if s.endswith("\n") else s + "\n\\ No newline at end of file\n" for s in out)


def cmd(args: argparse.Namespace) -> int:
    from ..backends.local import map_ordered
    from ..check import FileCheck, check_one, exit_code, select
    from ..errors import ConfigError
    from ..worker import stuck_error

    if args.diff and (args.fix or args.json):
        raise ConfigError("--diff cannot be combined with --fix or --json")
    config = config_from_args(args)  # with --min-score, --set, --stage
    report_dir = Path(args.report_dir) if args.report_dir else None
    files, failed, notes = select(args.paths)  # plain text only; other files are a note
    if not args.json:
        for line in notes:
            note(line)
        for fc in failed:
            error(fc.error)
    results = list(failed)

    def lost(item: tuple[Any, ...], seconds: float) -> Any:
        return FileCheck(str(item[0]), error=stuck_error(str(item[0]), config, seconds).error)

    # in a worker process, under the limits and failures of every command
    items = ((path, config, args.fix, report_dir) for path in files)
    for fc in map_ordered(check_one, items, config, 1, on_lost=lost):
        results.append(fc)
        if not args.json:
            _show(fc, args)
        fc.clean_text = None  # a folder of large files is not held in memory
    code = exit_code(results, None)
    if args.json:
        doc = {"ok": code == 0, "exit_code": code, "files": [r.to_dict() for r in results], "notes": notes}
        sys.stdout.write(dumps(doc, indent=2) + "\n")
    return code


def _show(fc: Any, args: argparse.Namespace) -> None:
    from ..check import removed_lines

    if fc.error:
        error(fc.error)
        return
    if fc.fixed:
        print(f"Fixing {fc.path} ({len(fc.problems)} change(s), {len(fc.removed)} span(s) removed)")
        for line in removed_lines(fc):
            print("  " + line)
    elif args.diff and fc.clean_text is not None:
        sys.stdout.flush()
        sys.stdout.buffer.write(unified_diff(fc.path, Path(fc.path).read_bytes(), fc.clean_text).encode("utf-8", "surrogateescape"))
        sys.stdout.buffer.flush()
    for p in fc.problems:  # after a fix or a diff, only what they do not show
        if not (fc.fixed or args.diff) or p.kind == "low-score":
            print(f"{fc.path}:{p.line}: {p.kind}: {p.message}")
    if not fc.clean and not fc.fixed:
        fix = fix_command(args, fc.path)
        print(f"{fc.path}: not in clean form; " + (f"run '{fix}' to fix it" if "'" not in fix else f"to fix it, run: {fix}"))
