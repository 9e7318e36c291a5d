"""The newslake flow: ingest -> clean/language/extract per chunk -> land -> models -> summary."""
from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from concurrent.futures import Executor, Future

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote
import pyarrow as pa
import pyarrow.parquet as pq

from flows import reextract, runners, summary
from tasks import clean, ingest, land, models, pipeline, templates
from tasks.config import Settings, rules_version
from tasks.faults import checkpoint
from tasks.land import new_run_id
from tasks.lock import lake_lock
from tasks.records import LedgerRow


@task(name="discover", task_run_name="discover", cache_policy=NO_CACHE)
def discover_inputs(paths: tuple[str, ...]) -> list[ingest.InputEntry]:
    """Every input path under the given files, directories and globs."""
    entries = ingest.discover(paths)
    get_run_logger().info("discovered %d input paths", len(entries))
    return entries


@task(name="read-ledger", task_run_name="read ledger", cache_policy=NO_CACHE)
def read_ledger(lake: str) -> ingest.Ledger:
    """What earlier runs of this lake recorded, to skip unchanged inputs."""
    led = land.load_ledger(lake)
    get_run_logger().info("ledger: %d paths known from earlier runs", len(led.latest))
    return led


@task(name="ingest", task_run_name="ingest batch {batch_no}", cache_policy=NO_CACHE)
def ingest_batch(batch_no: int, entries: list[ingest.InputEntry], led: ingest.Ledger, manifest_meta: dict,
                 manifest_reasons: dict, run_id: str, max_bytes: int) -> ingest.Ingested:
    """Read, hash, decode and parse one batch of inputs into ledger rows and new documents."""
    out = ingest.Ingested()
    for e in entries:
        got = ingest.ingest_entry(e, led, manifest_meta, manifest_reasons, run_id, max_bytes)
        out.rows.extend(got.rows)
        out.docs.extend(got.docs)
    counts = Counter(r.status for r in out.rows)
    get_run_logger().info("batch %d: %d inputs, %s", batch_no, len(entries), dict(sorted(counts.items())))
    return out


def _chunks(docs: list, settings: Settings, executor: Executor) -> tuple[list[list], Executor]:
    chunks = [docs[i:i + settings.chunk_size] for i in range(0, len(docs), settings.chunk_size)]
    if len(chunks) == 1 and settings.runner != "dask":
        executor = runners.InlineExecutor()  # one chunk: starting workers would cost more than it saves
    return chunks, executor


def submit_raw_tables(docs: list, executor: Executor, settings: Settings, run_id: str) -> list[Future]:
    """Start turning a batch's decoded documents into raw_documents rows (with their template lines)."""
    chunks, executor = _chunks(docs, settings, executor)
    return [executor.submit(templates.raw_table, c, run_id) for c in chunks]


def submit_chunks(raws: pa.Table, executor: Executor, settings: Settings, run_id: str,
                  learned: dict[str, templates.Template]) -> list[Future]:
    """Start cleaning, language detection and extraction of a batch's documents, chunk by chunk."""
    docs, doc_runs = templates.raws_from_table(raws)
    chunks, executor = _chunks(docs, settings, executor)
    futures = []
    for c in chunks:
        keys = {clean.source_key(r) for r in c}
        futures.append(executor.submit(
            pipeline.process_chunk, c, run_id, settings.published_at, settings.expected_languages,
            {k: t for k, t in learned.items() if k in keys}, rules_version(),
            {r.doc_id: doc_runs[r.doc_id] for r in c}))
    return futures


@task(name="clean-language-extract", task_run_name="process batch {batch_no}", cache_policy=NO_CACHE)
def process_batch(batch_no: int, futures: list[Future], writer: land.RunWriter) -> dict:
    """Collect a batch's chunk results (clean, language, extract) and stage them as Parquet."""
    stats = summary.new_stats()
    parts: dict[str, list[pa.Table]] = {}
    for fut in futures:
        res: pipeline.ChunkResult = fut.result()
        checkpoint("chunk-processed")
        for name, table in res.tables.items():
            parts.setdefault(name, []).append(table)
        stats["documents"] += res.tables["documents"].num_rows
        stats["languages"].update(res.languages)
        stats["timings"].update(res.timings)
        stats["failures"].extend(res.failures)
        stats["repairs"].update(res.repairs)
        stats["no_model"].update(res.no_model)
    for name, tables in parts.items():  # one Parquet file per table and batch: fewer, larger row groups
        writer.write(name, pa.concat_tables(tables), batch_no)
    get_run_logger().info("batch %d: %d documents in %d chunks, languages %s", batch_no,
                          stats["documents"], len(futures), dict(stats["languages"].most_common(8)))
    return stats


@task(name="stage-raw", task_run_name="stage raw batch {batch_no}", cache_policy=NO_CACHE)
def stage_raw(batch_no: int, futures: list[Future], writer: land.RunWriter) -> int:
    """Collect a batch's raw_documents rows and stage them (committed later, with the batch)."""
    tables = [f.result() for f in futures]
    if tables:
        writer.write("raw_documents", pa.concat_tables(tables), batch_no)
    return sum(t.num_rows for t in tables)


@task(name="learn-templates", task_run_name="learn templates", cache_policy=NO_CACHE)
def learn_templates(lake: str, writer: land.RunWriter) -> dict[str, templates.Template]:
    """Per-source templates over every stored document and this run's, for the sources this run read."""
    staged = writer.all_staged("raw_documents")
    keys = set()
    for p in staged:
        keys.update(pq.read_table(p, columns=["source_key"])["source_key"].to_pylist())
    paths = [*land.committed_parts(lake, "raw_documents"), *map(str, staged)]
    learned = templates.learn_from_parquet(lake, paths, sorted(keys))
    get_run_logger().info("templates: %d sources read, %d with boilerplate lines", len(keys),
                          sum(1 for t in learned.values() if t.lines))
    return learned


@task(name="land", task_run_name="land batch {batch_no}", cache_policy=NO_CACHE)
def land_batch(batch_no: int, rows: list[LedgerRow], writer: land.RunWriter) -> None:
    """Commit a batch: its staged Parquet parts into the lake, then its ledger rows."""
    writer.commit(batch_no, summary.ledger_table(rows))
    get_run_logger().info("batch %d committed: %d ledger rows", batch_no, len(rows))


@task(name="models", task_run_name="models", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=1)
def build_models(lake: str, run_id: str, changed: bool) -> tuple[dict[str, int], dict | None]:
    """Rebuild the database (models and SQL tests) and swap it in; only append the ledger if nothing changed.
    Returns the row counts and, after a rebuild, the summary's lake facts (queried by the build's process)."""
    if not changed and models.is_current(lake):
        counts = models.append_ledger(lake, run_id, land.read_run_ledger(lake, run_id))
        get_run_logger().info("no document changed: ledger appended, models kept: %s", counts)
        return counts, None
    counts, facts = runners.in_subprocess(models.build_and_describe, lake, run_id)
    get_run_logger().info("models built: %s", counts)
    return counts, facts


@flow(name="newslake", log_prints=False)
def newslake_flow(paths: list[str] | None = None, lake: str = "lake", workers: int | None = None,
                  runner: str = "process", dask_address: str | None = None,
                  published_at: str | None = None) -> dict:
    """Ingest news inputs into the lake and rebuild its tables; returns the run summary."""
    settings = Settings(
        paths=tuple(paths or ()), lake=lake, runner=runner, dask_address=dask_address,
        published_at=dt.date.fromisoformat(published_at) if published_at else None,
        **({"workers": workers} if workers else {}),
    )
    started = time.perf_counter()
    with lake_lock(settings.lake, settings.lock_timeout_s), runners.spare_process(models.__name__):
        run_id = new_run_id()
        land.remove_orphans(settings.lake)
        led = read_ledger(settings.lake)
        entries = discover_inputs(settings.input_paths)
        manifest_meta, manifest_reasons = ingest.read_manifests(entries)
        writer = land.RunWriter(settings.lake, run_id)
        ledger_counts = summary.LedgerCounts()
        changed = False
        stats = summary.new_stats()
        stat_parts = []  # this run's file stats, batch by batch
        batches: list[tuple[int, ingest.Ingested, int]] = []  # (batch_no, ledger rows, inputs) read in pass 1
        with runners.chunk_executor(settings) as executor, summary.progress(len(entries)) as advance:
            # pass 1: read every input and stage its decoded documents (templates are learned from all of them)
            pending = None  # the previous batch: its raw rows are made in the pool while the next one is read
            first = min(settings.batch_files, settings.chunk_size * settings.workers)
            for batch_no, batch in enumerate(_batched(entries, settings.batch_files, first), 1):
                # quote(): large arguments are not walked by Prefect (that costs more than the work)
                got = ingest_batch(batch_no, quote(batch), quote(led), quote(manifest_meta),
                                   quote(manifest_reasons), run_id, settings.max_file_bytes)
                futures = submit_raw_tables(got.docs, executor, settings, run_id) if got.docs else []
                got.docs = []  # from here on, the staged raw_documents part stands for them
                if pending:
                    stage_raw(pending[0], quote(pending[1]), quote(writer))
                pending = (batch_no, futures)
                batches.append((batch_no, got, len(batch)))
                stat_parts.append(land.stat_table(led.take_observed()))
            if pending:
                stage_raw(pending[0], quote(pending[1]), quote(writer))
            learned = learn_templates(settings.lake, quote(writer))
            # documents stored by earlier runs under other rules: extracted again from their stored input
            # (before this run's batches are committed, so a failure can quarantine the path's row of this run)
            stale = reextract.stale_documents(settings.lake, rules_version())
            loaded_now = {r.doc_id for _, got, _ in batches for r in got.rows if r.status == "loaded"}
            stale = {k: v for k, v in stale.items() if k not in loaded_now}
            if stale:
                s = reextract.run(settings, executor, writer, run_id, stale, len(batches) + 1, process_batch,
                                  land_batch, ledger_counts, {r.path: r for _, got, _ in batches for r in got.rows})
                summary.add_stats(stats, s, documents=False)
                changed = changed or s["re_extracted"] > 0

            def finish(batch_no: int, rows: list, futures: list[Future], n_inputs: int, first: bool) -> None:
                nonlocal changed
                if first:
                    writer.write("templates", templates.template_table(learned), batch_no)
                if futures:
                    s = process_batch(batch_no, quote(futures), quote(writer))
                    summary.mark_failures(rows, s["failures"])
                    summary.add_stats(stats, s)
                land_batch(batch_no, quote(rows), quote(writer))
                ledger_counts.add(rows)
                changed = changed or any(led.changes_live_documents(r) for r in rows)
                advance(n_inputs)

            # pass 2: clean, detect the language and extract, batch by batch, with the run's templates
            pending = None
            for batch_no, got, n_inputs in batches:
                futures = []
                for part in writer.staged("raw_documents", batch_no):
                    futures += submit_chunks(pq.read_table(part), executor, settings, run_id, learned)
                if pending:
                    finish(*pending)
                pending = (batch_no, got.rows, futures, n_inputs, pending is None)
            if pending:
                finish(*pending)
        writer.close()
        land.write_stat_cache(settings.lake, [*stat_parts, land.stat_table(led.take_observed()),
                                              land.stat_table(led.stat_cache)])  # + paths not seen this run
        changed = changed or stats["documents"] > 0
        counts, facts = build_models(settings.lake, run_id, changed)
        checkpoint("published")
        result = summary.run_summary(settings.lake, run_id, ledger_counts, stats, counts,
                                     time.perf_counter() - started, facts)
    summary.publish_artifacts(result)
    return result


def _batched(items: list, n: int, first: int | None = None):
    """Batches of `first` items, then twice as many each time, up to n. The items are taken out of the
    list as they are handed out, so a long list of inputs is not kept through the whole run."""
    items.reverse()
    size = first or n
    while items:
        yield [items.pop() for _ in range(min(size, len(items)))]
        size = min(n, size * 2)
