"""Atheris fuzz target for the text pipeline: bytes in, clean UTF-8 or one InputError out.

    python tests/fuzz_text.py -max_total_time=600            # make fuzz
    python tests/fuzz_text.py tests/fuzz_corpus -runs=1000   # from the seeds

The first input byte picks the entry point (`Pipeline.clean_bytes`, which
decodes, or `Pipeline.clean_text` on the bytes decoded as UTF-8). Checked on every
input: no exception but `InputError`, output that is valid UTF-8 with one trailing
newline, and the accounting invariant (no unaccounted character). A crash writes
`crash-<sha1>` (libFuzzer's `-artifact_prefix`, default `tests/fuzz_corpus/`);
turn each into a test in tests/test_regressions.py.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import atheris

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

with atheris.instrument_imports(include=["pipeline"]):
    import pipeline  # noqa: F401
    from pipeline import InputError, Pipeline
    from pipeline.ingest import text as _text  # noqa: F401
    from pipeline.registry import all_stages

    all_stages()  # import (and instrument) every stage module

PIPE: Pipeline | None = None


def check(res) -> None:
    text = res.text
    text.encode("utf-8")
    if text and (not text.endswith("\n") or text.endswith("\n\n")):
        raise AssertionError(f"bad ending: {text[-10:]!r}")
    if "\r" in text:
        raise AssertionError("carriage return in output")
    unacc = res.report["accounting"]["unaccounted_chars"]
    if unacc != 0 and os.environ.get("FUZZ_ACCOUNTING", "1") == "1":
        raise AssertionError(f"{unacc} unaccounted characters")


def TestOneInput(data: bytes) -> None:  # noqa: N802 - the name atheris expects
    global PIPE
    if PIPE is None:
        PIPE = Pipeline("default")
    if not data:
        return
    mode, body = data[0] % 2, data[1:]
    if mode == 0:
        try:
            res = PIPE.clean_bytes(body, "fuzz")
        except InputError as e:
            if "\n" in str(e):
                raise AssertionError(f"multi-line error: {e!r}") from None
            return
    else:
        res = PIPE.clean_text(body.decode("utf-8", "replace"))
    check(res)


def main(argv: list[str]) -> None:
    args = list(argv)
    if not any(a.startswith("-artifact_prefix=") for a in args):
        args.append(f"-artifact_prefix={HERE / 'fuzz_corpus'}/")
    if not any(a.startswith("-max_len=") for a in args):
        args.append("-max_len=4096")
    if not any(not a.startswith("-") for a in args[1:]):
        # libFuzzer writes new finds into the first folder: a scratch one, never the seeds
        scratch = Path(os.environ.get("TMPDIR", "/tmp")) / "ocrclean-fuzz-corpus"
        scratch.mkdir(exist_ok=True)
        args += [str(scratch), str(HERE / "fuzz_corpus")]
    atheris.Setup(args, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
