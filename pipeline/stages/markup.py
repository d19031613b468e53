"""PLACEHOLDER: replaced by the real stage."""

from ..document import Document
from ..registry import stage


@stage("markup", defaults={})
def run(doc: Document, cfg: dict) -> Document:
    return doc
