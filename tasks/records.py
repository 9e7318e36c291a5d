"""The records that travel between stages (plain, picklable dataclasses)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(slots=True)
class LedgerRow:
    """One row of raw.files: what happened to one input file (or one JSONL line)."""
    file_id: str
    path: str
    size_bytes: int | None
    content_sha256: str | None
    doc_id: str | None
    status: str  # loaded | duplicate | unchanged | quarantined | skipped
    reason: str | None
    run_id: str
    seen_at: dt.datetime


@dataclass(slots=True)
class RawDoc:
    """A decoded input article before cleaning.

    fmt is 'text' (rendered text), 'html' (markup in `text`) or 'json' (news-please body in `text`).
    meta holds what the input itself says: url, title, published_at (str), source_name,
    authors (list[str]), language, section — any may be missing.
    """
    doc_id: str
    source_uri: str
    fmt: str
    text: str
    meta: dict = field(default_factory=dict)


@dataclass(slots=True)
class Line:
    """One audited input line or HTML text block (a staging.lines row without doc_id/language)."""
    line_no: int
    text: str
    kind: str
    kept: bool
    reason: str | None = None
    language: str | None = None


@dataclass(slots=True)
class CleanDoc:
    """The clean stage's result for one document."""
    lines: list[Line]
    body_text: str
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    section: str | None = None
    source_name: str | None = None
    published_raw: str | None = None  # a date line / dateline / meta date, unparsed
    meta: dict = field(default_factory=dict)  # structured metadata found in the page (HTML meta, JSON-LD)


@dataclass(slots=True)
class Document:
    """A staging.documents row in the making."""
    doc_id: str
    source_uri: str
    source_name: str | None
    url: str | None
    title: str | None
    authors: list[str]
    section: str | None
    published_at: dt.date | None
    published_at_origin: str | None  # input | text | inferred | None
    language: str
    language_confidence: float
    body_text: str
    n_lines: int
    n_body_lines: int
    run_id: str
    aux_text: str = ""  # text kept out of the body that still helps dating it (photo captions)
    rules_version: str | None = None  # fingerprint of the extraction code and seeds/ (issue 14)


@dataclass(slots=True)
class Extraction:
    """The extract stage's result for one document.

    entities: staging.entities rows (dicts with the contract columns but doc_id).
    candidates: event candidate rows (dicts, see tasks/schema.py EVENT_CANDIDATES).
    published_at / published_at_origin: set when extraction inferred or refined the date.
    """
    entities: list[dict] = field(default_factory=list)
    candidates: list[dict] = field(default_factory=list)
    published_at: dt.date | None = None
    published_at_origin: str | None = None
