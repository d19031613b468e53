"""Writing outputs atomically: temp file in the same folder, fsync, rename.

A batch writes its files without the per-file fsync and flushes their
filesystem once at the end (`sync_folder`): two workers each calling fsync
queue on the filesystem journal, which cost `--jobs 2` a tenth of its speed.
Each file is still replaced by one rename, so a reader, an interrupt or a
killed worker never sees half a file. A new file gets the mode any other
program would give it (0666 less the umask), not mkstemp's 0600.
"""

from __future__ import annotations

import errno
import json
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO


@contextmanager
def atomic_writer(path: Path, buffering: int = -1, durable: bool = True) -> Iterator[BinaryIO]:
    """A binary file handle whose content replaces `path` only when the block ends
    without an error: readers see the old file or the new one, never half.
    `durable`: fsync before the rename (off in a batch, which syncs once at the end)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:40]}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~current_umask())
        with os.fdopen(fd, "wb", buffering=buffering) as fh:
            yield fh
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def current_umask() -> int:
    """The process umask, read without changing it (Linux /proc; elsewhere set and restored)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# a write that fails with these stops a batch: every later output would fail the same way
FULL_DISK = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


def write_problem(e: OSError) -> tuple[str, bool]:
    """(one-line reason, whether it is fatal for a whole run) for a failed write."""
    if e.errno in FULL_DISK:
        return "no space left on the device (disk full or quota exceeded)", True
    if e.errno == errno.ENAMETOOLONG:
        return "file name too long for the output file system", False
    return (e.strerror or str(e)), False


def write_atomic(path: Path, data: str | bytes, durable: bool = True) -> None:
    """Write `data` to `path` atomically (temp file in the same folder, fsync, rename)."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_writer(path, durable=durable) as fh:
        fh.write(payload)


def write_pair(text: str, report: dict[str, Any], txt: str, rep: str | None, durable: bool = True) -> str:
    """A clean text and its report, each written atomically (text first); returns the
    report's manifest line, made here so that a pool worker makes it in parallel.
    `durable`: fsync each file (`output.fsync = "file"`); a batch otherwise syncs once."""
    report["output"]["path"] = txt
    report["output"]["report_path"] = rep
    write_atomic(Path(txt), text, durable)
    if rep is not None:
        write_atomic(Path(rep), dump_json(report), durable)
    return dump_json(report, indent=None)


def sync_folder(folder: Path) -> None:
    """Flush the filesystem that holds `folder` to disk: one journal commit for a
    whole batch of files (Linux `syncfs`; `os.sync` elsewhere)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        os.sync()
        return
    try:
        if _syncfs is None or _syncfs(fd) != 0:
            os.sync()
    finally:
        os.close(fd)


def _load_syncfs():
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None


_syncfs = _load_syncfs()


_SURROGATE = re.compile("[\ud800-\udfff]")


def dump_json(obj: Any, *, indent: int | None = 2) -> str:
    """JSON that is always valid UTF-8: a lone surrogate (a file name that is not
    UTF-8, decoded with surrogateescape) is written as its `\\udcXX` escape, which
    `json.loads` turns back into the same str (and `os.fsencode` into the same bytes)."""
    text = json.dumps(obj, ensure_ascii=False, indent=indent, sort_keys=False)
    text = _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text + ("\n" if indent else "")
