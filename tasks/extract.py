"""Extract stage: entities, dates and event candidates of one document."""
from __future__ import annotations

from tasks.records import Document, Extraction


def extract_document(doc: Document) -> Extraction:
    """Entities and event candidates found in doc.body_text (placeholder: none)."""
    return Extraction()
