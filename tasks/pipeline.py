"""The per-document path (clean -> fields -> language -> extract) over a chunk, as plain Python."""
from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass, field

import pyarrow as pa

from tasks import checks, clean, extract, fields, language, templates
from tasks.config import EXTRACT_LANGUAGES
from tasks.records import Document, RawDoc
from tasks.schema import DOCUMENT_TEMPLATES, DOCUMENTS, ENTITIES, EVENT_CANDIDATES, LINES


@dataclass
class ChunkResult:
    """Arrow tables for one chunk, plus stage timings (seconds) and per-language counts."""
    tables: dict[str, pa.Table]
    timings: dict[str, float] = field(default_factory=dict)
    languages: dict[str, int] = field(default_factory=dict)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (source_uri, reason)
    repairs: dict[str, int] = field(default_factory=dict)  # entity/trigger texts re-taken from body_text
    no_model: dict[str, int] = field(default_factory=dict)  # documents per language without an extraction model


def process_document(raw: RawDoc, boilerplate: frozenset[str], run_id: str,
                     default_published: dt.date | None = None, expected: tuple[str, ...] = (),
                     timings: dict[str, float] | None = None):
    """One document through every stage: (Document, lines, Extraction)."""
    t = timings if timings is not None else defaultdict(float)
    t0 = time.perf_counter()
    cleaned = clean.clean_document(raw, boilerplate)
    t1 = time.perf_counter()
    f = fields.resolve_fields(raw.meta, cleaned)
    if f["published_at"] is None and default_published is not None:
        f["published_at"], f["published_at_origin"] = default_published, "input"
    t2 = time.perf_counter()
    lang, conf = language.document_language(cleaned.body_text, f["title"], cleaned.lines, expected)
    language.tag_lines(cleaned.lines, lang, expected)
    t3 = time.perf_counter()
    doc = Document(
        doc_id=raw.doc_id, source_uri=raw.source_uri, source_name=f["source_name"], url=f["url"],
        title=f["title"], authors=f["authors"], section=f["section"], published_at=f["published_at"],
        published_at_origin=f["published_at_origin"], language=lang, language_confidence=conf,
        body_text=cleaned.body_text, n_lines=len(cleaned.lines),
        n_body_lines=sum(1 for line in cleaned.lines if line.kept), run_id=run_id,
        aux_text="\n".join(line.text for line in cleaned.lines if line.kind == "caption"),
    )
    ext = extract.extract_document(doc)
    if doc.language not in EXTRACT_LANGUAGES:  # no model and no trigger rows: no guessed event records
        ext.candidates = []
    if ext.published_at is not None and doc.published_at is None:
        doc.published_at, doc.published_at_origin = ext.published_at, ext.published_at_origin
    t4 = time.perf_counter()
    t["clean"] += t1 - t0
    t["fields"] += t2 - t1
    t["language"] += t3 - t2
    t["extract"] += t4 - t3
    return doc, cleaned.lines, ext


def process_chunk(raws: list[RawDoc], run_id: str, default_published: dt.date | None = None,
                  expected: tuple[str, ...] = (), learned: dict[str, templates.Template] | None = None,
                  rules_version: str | None = None, doc_runs: dict[str, str] | None = None,
                  by_doc: dict[str, templates.Template] | None = None) -> ChunkResult:
    """Every stage over a chunk of documents; a document that fails, or breaks an invariant, is reported
    (and later quarantined), never fatal.

    learned: the run's templates per source key (learned over everything the run reads; None: learn from
    this chunk alone); by_doc: a document's own template state (re-extraction). doc_runs: the run that
    first loaded each document (its run_id)."""
    language.seed_langdetect()
    timings: dict[str, float] = defaultdict(float)
    t0 = time.perf_counter()
    if learned is None:
        learned = templates.learn_from_raws(raws)
    timings["boilerplate"] += time.perf_counter() - t0
    docs, ents, cands, used = [], [], [], []
    lines: dict[str, list] = {name: [] for name in LINES.names}
    langs: dict[str, int] = defaultdict(int)
    repairs: dict[str, int] = defaultdict(int)
    no_model: dict[str, int] = defaultdict(int)
    failures = []
    for raw in raws:
        key = clean.source_key(raw)
        tpl = (by_doc or {}).get(raw.doc_id) or learned.get(key) or templates.Template(key, frozenset())
        try:
            doc, doc_lines, ext = process_document(raw, tpl.lines, run_id, default_published, expected, timings)
            doc.rules_version = rules_version
            if doc_runs and raw.doc_id in doc_runs:
                doc.run_id = doc_runs[raw.doc_id]
            rep = checks.repair_spans(doc.body_text, ext.entities, ext.candidates)
            checks.check_document(_doc_row(doc), doc_lines, ext.entities, ext.candidates)
        except checks.CheckFailed as exc:
            failures.append((raw.source_uri, f"check failed: {exc}"[:500]))
            continue
        except Exception as exc:  # keep the run going; the ledger row is turned into quarantined
            failures.append((raw.source_uri, f"processing error: {exc.__class__.__name__}: {exc}"[:500]))
            continue
        for name, n in vars(rep).items():
            if n:
                repairs[name] += n
        if doc.language not in EXTRACT_LANGUAGES:
            no_model[doc.language] += 1
        langs[doc.language] += 1
        docs.append(doc)
        used.append({"doc_id": doc.doc_id, "source_key": key, "template_id": tpl.template_id,
                     "run_id": doc.run_id})
        _add_lines(lines, doc.doc_id, doc_lines)
        ents.extend({**e, "doc_id": doc.doc_id} for e in ext.entities)
        cands.extend({**c, "doc_id": doc.doc_id} for c in ext.candidates)
    t0 = time.perf_counter()
    tables = {
        "documents": _table([_doc_row(d) for d in docs], DOCUMENTS),
        "lines": pa.Table.from_pydict(lines, schema=LINES),
        "entities": _table(ents, ENTITIES),
        "event_candidates": _table(cands, EVENT_CANDIDATES),
        "document_templates": _table(used, DOCUMENT_TEMPLATES),
    }
    timings["arrow"] += time.perf_counter() - t0
    return ChunkResult(tables, dict(timings), dict(langs), failures, dict(repairs), dict(no_model))


def _add_lines(cols: dict[str, list], doc_id: str, lines: list) -> None:
    """Append a document's lines to the columns of the lines table (no row dicts: lines are many)."""
    for name, col in cols.items():
        col.extend([doc_id] * len(lines) if name == "doc_id" else [getattr(ln, name) for ln in lines])


def _doc_row(d: Document) -> dict:
    return {name: getattr(d, name) for name in DOCUMENTS.names}


def _table(rows: list[dict], schema: pa.Schema) -> pa.Table:
    cols = {name: [r.get(name) for r in rows] for name in schema.names}
    return pa.Table.from_pydict(cols, schema=schema)
