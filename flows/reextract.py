"""Re-extraction: documents the published lake holds under other rules, processed again from their stored input.

staging.documents.rules_version names the extraction code and seeds/ that made each row
(tasks.config.rules_version). When it differs from the present one, the run reads the document's
decoded input back from the lake's raw_documents Parquet (the input file may be gone), cleans it with
the template state it was cleaned with before, and lands the new rows under this run: the staging
models take the latest landed version, so no table mixes rows of two rule versions.
"""
from __future__ import annotations

import datetime as dt
from concurrent.futures import Executor

import duckdb
import pyarrow as pa
from prefect.utilities.annotations import quote

from tasks import clean, ingest, land, models, pipeline, templates
from tasks.config import Settings, rules_version
from tasks.records import LedgerRow


def stale_documents(lake: str, version: str) -> dict[str, str | None]:
    """doc_id -> recorded template_id of the published documents made under another rules version."""
    db = models.database_path(lake)
    if not db.exists():
        return {}
    con = duckdb.connect(str(db), read_only=True, config={"memory_limit": models.memory_budget(), "threads": 1})
    try:
        has = {r[0] for r in models.run_sql(con, "select table_name from duckdb_tables() "
                                                 "where schema_name = 'staging'")}
        if "documents" not in has:
            return {}
        if "document_templates" in has:
            rows = models.run_sql(con, "select d.doc_id, any_value(t.template_id) from staging.documents as d "
                                       "left join staging.document_templates as t using (doc_id) "
                                       "where d.rules_version is distinct from ? group by 1", [version])
        else:
            rows = models.run_sql(con, "select doc_id, null from staging.documents "
                                       "where rules_version is distinct from ?", [version])
    finally:
        con.close()
    return dict(rows)


def stored_inputs(lake: str, doc_ids: list[str], batch_rows: int):
    """Record batches of the stored raw_documents rows of doc_ids (one per document, its first landing)."""
    paths = land.committed_parts(lake, "raw_documents")
    if not paths or not doc_ids:
        return
    con = duckdb.connect(config=models.duckdb_config(lake))
    try:
        con.register("wanted", pa.table({"doc_id": sorted(doc_ids)}))
        reader = con.sql(
            "select * from read_parquet(?) semi join wanted using (doc_id) "
            "qualify row_number() over (partition by doc_id order by run_id, source_uri) = 1 order by doc_id",
            params=[paths]).to_arrow_reader(batch_rows)
        for rb in reader:
            yield pa.Table.from_batches([rb])
    finally:
        con.close()


def run(settings: Settings, executor: Executor, writer: land.RunWriter, run_id: str,
        stale: dict[str, str | None], first_batch: int, process_batch, land_batch, ledger_counts,
        this_run: dict[str, LedgerRow]) -> dict:
    """Re-extract the stale documents batch by batch; a document that now fails is quarantined: its path's
    row of this run (not yet committed) says so, or a new row does when this run did not see the path."""
    from flows.summary import add_stats, new_stats
    stats = new_stats()
    if not stale:
        return stats
    ids = sorted(stale)
    recorded = templates.stored_templates(land.committed_parts(settings.lake, "templates"),
                                          {t for t in stale.values() if t and t != templates.NO_TEMPLATE})
    found = 0
    batch_no = first_batch
    for table in stored_inputs(settings.lake, ids, max(1, settings.batch_files)):
        raws, doc_runs = templates.raws_from_table(table)
        found += len(raws)
        by_source = _unrecorded_templates(settings.lake, raws, stale, recorded)
        chunks = [raws[i:i + settings.chunk_size] for i in range(0, len(raws), settings.chunk_size)]
        ex = executor if len(chunks) > 1 or settings.runner == "dask" else _inline()
        futures = []
        for c in chunks:
            per_doc = {}
            for r in c:
                tid = stale.get(r.doc_id)
                key = clean.source_key(r)
                if tid == templates.NO_TEMPLATE:
                    per_doc[r.doc_id] = templates.Template(key, frozenset())
                elif tid in recorded:
                    per_doc[r.doc_id] = templates.Template(key, recorded[tid])
                else:
                    per_doc[r.doc_id] = by_source.get(key) or templates.Template(key, frozenset())
            futures.append(ex.submit(pipeline.process_chunk, c, run_id, settings.published_at,
                                     settings.expected_languages, {}, rules_version(),
                                     {r.doc_id: doc_runs[r.doc_id] for r in c}, per_doc))
        s = process_batch(batch_no, quote(futures), quote(writer))
        rows = _failure_rows(s["failures"], {r.source_uri: r.doc_id for r in raws}, run_id, this_run)
        land_batch(batch_no, quote(rows), quote(writer))
        ledger_counts.add(rows)
        add_stats(stats, s)
        stats["re_extracted"] += s["documents"]
        batch_no += 1
    stats["not_re_extractable"] = len(ids) - found
    return stats


def _inline():
    from flows.runners import InlineExecutor
    return InlineExecutor()


def _unrecorded_templates(lake: str, raws, stale, recorded) -> dict[str, templates.Template]:
    """Templates for documents without a recorded state (landed before templates were recorded)."""
    keys = {clean.source_key(r) for r in raws if stale.get(r.doc_id) not in recorded
            and stale.get(r.doc_id) != templates.NO_TEMPLATE}
    if not keys:
        return {}
    return templates.learn_from_parquet(lake, land.committed_parts(lake, "raw_documents"), sorted(keys))


def _failure_rows(failures: list[tuple[str, str]], doc_of: dict[str, str], run_id: str,
                  this_run: dict[str, LedgerRow]) -> list[LedgerRow]:
    """Quarantine rows for documents whose re-extraction failed (their old rows must not stay live): the
    path's row of this run turns quarantined, else a new row is made (one row per path and run)."""
    now = dt.datetime.now(dt.timezone.utc)
    out = []
    for uri, reason in failures:
        why = f"re-extraction (rules changed) failed: {reason}"[:500]
        if uri in this_run:
            if this_run[uri].doc_id == doc_of.get(uri):  # else the path now holds another document
                this_run[uri].status, this_run[uri].reason = "quarantined", why
        else:
            out.append(LedgerRow(ingest.file_id(uri), uri, None, None, doc_of.get(uri), "quarantined", why,
                                 run_id, now))
    return out
