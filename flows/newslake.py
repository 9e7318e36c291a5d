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

from flows import runners, summary
from tasks import ingest, land, models, pipeline
from tasks.config import Settings
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


def submit_chunks(docs: list, executor: Executor, settings: Settings, run_id: str) -> list[Future]:
    """Start cleaning, language detection and extraction of a batch's documents, chunk by chunk."""
    chunks = [docs[i:i + settings.chunk_size] for i in range(0, len(docs), settings.chunk_size)]
    if len(chunks) == 1 and settings.runner != "dask":
        executor = runners.InlineExecutor()  # one chunk: starting workers would cost more than it saves
    return [executor.submit(pipeline.process_chunk, c, run_id, settings.published_at,
                            settings.expected_languages) for c in chunks]


@task(name="clean-language-extract", task_run_name="process batch {batch_no}", cache_policy=NO_CACHE)
def process_batch(batch_no: int, futures: list[Future], writer: land.RunWriter) -> dict:
    """Collect a batch's chunk results (clean, language, extract) and stage them as Parquet."""
    stats = {"documents": 0, "languages": Counter(), "timings": Counter(), "failures": []}
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
    for name, tables in parts.items():  # one Parquet file per table and batch: fewer, larger row groups
        writer.write(name, pa.concat_tables(tables), batch_no)
    get_run_logger().info("batch %d: %d documents in %d chunks, languages %s", batch_no,
                          stats["documents"], len(futures), dict(stats["languages"].most_common(8)))
    return stats


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
        stats = {"documents": 0, "languages": Counter(), "timings": Counter(), "failures": []}
        stat_parts = []  # this run's file stats, batch by batch
        with runners.chunk_executor(settings) as executor, summary.progress(len(entries)) as advance:

            def finish(batch_no: int, got: ingest.Ingested, futures: list[Future], n_inputs: int) -> None:
                nonlocal changed
                if futures:
                    s = process_batch(batch_no, quote(futures), quote(writer))
                    summary.mark_failures(got.rows, s["failures"])
                    for k in ("documents", "failures"):
                        stats[k] += s[k]
                    stats["languages"].update(s["languages"])
                    stats["timings"].update(s["timings"])
                land_batch(batch_no, quote(got.rows), quote(writer))
                stat_parts.append(land.stat_table(led.take_observed()))
                ledger_counts.add(got.rows)
                changed = changed or any(led.changes_live_documents(r) for r in got.rows)
                advance(n_inputs)

            pending = None  # the previous batch: its chunks run in the pool while the next one is read
            # a first batch of one chunk per worker gets the pool going while the next batch is read;
            # batches then double up to batch_files, so reading one never keeps the workers waiting
            first = min(settings.batch_files, settings.chunk_size * settings.workers)
            for batch_no, batch in enumerate(_batched(entries, settings.batch_files, first), 1):
                # quote(): large arguments are not walked by Prefect (that costs more than the work)
                got = ingest_batch(batch_no, quote(batch), quote(led), quote(manifest_meta),
                                   quote(manifest_reasons), run_id, settings.max_file_bytes)
                futures = submit_chunks(got.docs, executor, settings, run_id) if got.docs else []
                if pending:
                    finish(*pending)
                pending = (batch_no, got, futures, len(batch))
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
