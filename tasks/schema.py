"""Arrow schemas of the Parquet tables the pipeline lands (one dataset per table)."""
import pyarrow as pa

FILES = pa.schema([
    ("file_id", pa.string()),
    ("path", pa.string()),
    ("size_bytes", pa.int64()),
    ("content_sha256", pa.string()),
    ("doc_id", pa.string()),
    ("status", pa.string()),
    ("reason", pa.string()),
    ("run_id", pa.string()),
    ("seen_at", pa.timestamp("us", tz="UTC")),
])

DOCUMENTS = pa.schema([
    ("doc_id", pa.string()),
    ("source_uri", pa.string()),
    ("source_name", pa.string()),
    ("url", pa.string()),
    ("title", pa.string()),
    ("authors", pa.list_(pa.string())),
    ("section", pa.string()),
    ("published_at", pa.date32()),
    ("published_at_origin", pa.string()),
    ("language", pa.string()),
    ("language_confidence", pa.float64()),
    ("body_text", pa.string()),
    ("n_lines", pa.int32()),
    ("n_body_lines", pa.int32()),
    ("run_id", pa.string()),
    ("rules_version", pa.string()),  # fingerprint of the extraction code and seeds/ that made the row
])

LINES = pa.schema([
    ("doc_id", pa.string()),
    ("line_no", pa.int32()),
    ("text", pa.string()),
    ("kind", pa.string()),
    ("kept", pa.bool_()),
    ("reason", pa.string()),
    ("language", pa.string()),
])

ENTITIES = pa.schema([
    ("doc_id", pa.string()),
    ("sentence_id", pa.int32()),
    ("kind", pa.string()),
    ("text", pa.string()),
    ("canonical", pa.string()),
    ("role", pa.string()),
    ("country_code", pa.string()),
    ("char_start", pa.int32()),
    ("char_end", pa.int32()),
])

# Per-document event candidates from the extractor; sql/ turns them into marts.event_records.
EVENT_CANDIDATES = pa.schema([
    ("doc_id", pa.string()),
    ("candidate_no", pa.int32()),
    ("sentence_id", pa.int32()),
    ("trigger", pa.string()),
    ("trigger_start", pa.int32()),  # offsets into body_text: body_text[trigger_start:trigger_end] == trigger
    ("trigger_end", pa.int32()),
    ("factuality", pa.string()),  # asserted | negated | future | possible
    ("event_type", pa.string()),
    ("cameo_code", pa.string()),
    ("actor1", pa.string()),
    ("actor1_role", pa.string()),
    ("actor1_country", pa.string()),
    ("actor2", pa.string()),
    ("actor2_role", pa.string()),
    ("actor2_country", pa.string()),
    ("location", pa.string()),
    ("location_country", pa.string()),
    ("event_date", pa.date32()),
    ("event_date_raw", pa.string()),
    ("date_precision", pa.string()),
    ("evidence", pa.string()),
    ("confidence", pa.float64()),
    ("is_main", pa.bool_()),
    ("is_background", pa.bool_()),
])

# The decoded input of every processed document: what re-extraction needs when the rules change
# (inputs may be gone by then), and each document's short lines, from which templates are learned.
RAW_DOCUMENTS = pa.schema([
    ("doc_id", pa.string()),
    ("source_uri", pa.string()),
    ("fmt", pa.string()),
    ("text", pa.string()),
    ("meta", pa.string()),  # JSON of RawDoc.meta
    ("source_key", pa.string()),
    ("template_lines", pa.list_(pa.string())),
    ("run_id", pa.string()),  # the run that first loaded it
])

# Learned per-source boilerplate templates (tasks/templates.py), one row per template state.
TEMPLATES = pa.schema([
    ("template_id", pa.string()),
    ("source_key", pa.string()),
    ("n_docs", pa.int64()),
    ("lines", pa.list_(pa.string())),
])

# Which template state each landed document version was cleaned with.
DOCUMENT_TEMPLATES = pa.schema([
    ("doc_id", pa.string()),
    ("source_key", pa.string()),
    ("template_id", pa.string()),
    ("run_id", pa.string()),
])

TABLES = {
    "files": FILES,
    "documents": DOCUMENTS,
    "lines": LINES,
    "entities": ENTITIES,
    "event_candidates": EVENT_CANDIDATES,
    "raw_documents": RAW_DOCUMENTS,
    "templates": TEMPLATES,
    "document_templates": DOCUMENT_TEMPLATES,
}
