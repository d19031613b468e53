"""ocrclean: OCR and cleanup of Chinese government work reports.

    >>> import pipeline
    >>> res = pipeline.clean_text("(上接5版)\\n经济增长7.5% ,  好.")
    >>> res.text, res.report["quality"]["score"]
"""

__version__ = "0.2.0"
REPORT_SCHEMA_VERSION = "1.1"

from .config import Config, load_config  # noqa: E402
from .core import Pipeline, Result, clean_file, clean_text  # noqa: E402
from .document import Document, Flag, Line, Removal  # noqa: E402
from .errors import ConfigError, InputError, LimitExceeded, OcrcleanError  # noqa: E402

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
