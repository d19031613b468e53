"""Errors the CLI turns into one clear line: `<path>: <reason>`."""

from __future__ import annotations


class OcrcleanError(Exception):
    """Base class: every error we expect to report without a traceback."""


class ConfigError(OcrcleanError):
    """The configuration is invalid (unknown key, bad value, missing file)."""


class InputError(OcrcleanError):
    """An input cannot be processed; `str()` is the one-line message."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class LimitExceeded(InputError):
    """An input is over a configured limit (bytes, pages, pixels, seconds)."""
