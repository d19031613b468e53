"""ocrclean: OCR and cleanup of Chinese government work reports.

    >>> import pipeline
    >>> res = pipeline.clean_text("(上接5版)\\n经济增长7.5% ,  好.")
    >>> res.text, res.report["quality"]["score"]
"""

from .config import Config, load_config
from .core import Pipeline, Result, clean_file, clean_text
from .document import Document, Flag, Line, Removal
from .errors import ConfigError, InputError, LimitExceeded, OcrcleanError
from .report import REPORT_SCHEMA_VERSION
from .version import __version__

__all__ = [
    "Config",
    "ConfigError",
    "Document",
    "Flag",
    "InputError",
    "LimitExceeded",
    "Line",
    "OcrcleanError",
    "Pipeline",
    "REPORT_SCHEMA_VERSION",
    "Removal",
    "Result",
    "__version__",
    "clean_file",
    "clean_text",
    "load_config",
]
