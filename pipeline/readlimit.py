"""Reading a file's bytes under a size limit: shared by every reader (text, PDF, image).

A module of its own, below `ingest` and `pdf`, so that neither imports the other for it.
"""

from __future__ import annotations

from pathlib import Path

from .errors import InputError, LimitExceeded


def read_limited(path: Path, limit: int, what: str, key: str) -> bytes:
    """The file's bytes, refusing one over `limit` bytes before reading it; every
    failure is an InputError with one clear line (`what` names the kind of file,
    `key` the limits setting)."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise LimitExceeded(str(path), f"{what} is {size} bytes, over the limit of {limit} (limits.{key})")
        return path.read_bytes()
    except PermissionError:
        raise InputError(str(path), "permission denied (file is not readable)") from None
    except InputError:
        raise
    except OSError as e:
        raise InputError(str(path), f"cannot read: {e.strerror or e}") from None
