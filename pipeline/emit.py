"""Writing outputs atomically: temp file in the same folder, fsync, rename."""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO


@contextmanager
def atomic_writer(path: Path, buffering: int = -1) -> Iterator[BinaryIO]:
    """A binary file handle whose content replaces `path` only when the block ends
    without an error: readers see the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:40]}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb", buffering=buffering) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write `data` to `path` atomically (temp file in the same folder, fsync, rename)."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_writer(path) as fh:
        fh.write(payload)


_SURROGATE = re.compile("[\ud800-\udfff]")


def dump_json(obj: Any, *, indent: int | None = 2) -> str:
    """JSON that is always valid UTF-8: a lone surrogate (a file name that is not
    UTF-8, decoded with surrogateescape) is written as its `\\udcXX` escape, which
    `json.loads` turns back into the same str (and `os.fsencode` into the same bytes)."""
    text = json.dumps(obj, ensure_ascii=False, indent=indent, sort_keys=False)
    text = _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text + ("\n" if indent else "")
