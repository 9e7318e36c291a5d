"""A run in which no input changed, done in plain Python without starting a Prefect server.

Without PREFECT_API_URL, `newslake run` starts a temporary Prefect server (seconds) for its flow
run. When the published models are current and every input is either a file whose size and mtime
equal what an earlier run read or one refused without reading it, the run has nothing to extract
or rebuild: this records its ledger rows exactly as the flow would (the same ingest, land and
ledger-append steps) and returns the summary. Otherwise it returns None and the flow runs.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from flows import summary
from tasks import ingest, land, models
from tasks.config import Settings
from tasks.lock import lake_lock


def run_if_unchanged(settings: Settings) -> dict | None:
    """The run's summary when nothing changed (its ledger rows appended), else None (nothing written)."""
    lake = settings.lake
    if not models.is_current(lake):
        return None
    started = time.perf_counter()
    with lake_lock(lake, settings.lock_timeout_s):
        if land.remove_orphans(lake) or not models.is_current(lake):
            return None
        run_id = land.new_run_id()  # under the lock, as the flow's: ledger rows sort by run
        led = land.load_ledger(lake)
        entries = ingest.discover(settings.input_paths)
        rows = []
        for e in entries:
            if not _settled(e, led):
                return None  # something to read: the flow's work
            rows.extend(ingest.ingest_entry(e, led, {}, {}, run_id, settings.max_file_bytes).rows)
        if not rows or any(r.status == "loaded" or led.changes_live_documents(r) for r in rows):
            return None  # cannot happen for settled inputs; the flow decides if it does
        writer = land.RunWriter(lake, run_id)
        writer.commit(1, summary.ledger_table(rows))
        writer.close()
        land.write_stat_cache(lake, [land.stat_table(led.take_observed()), land.stat_table(led.stat_cache)])
        counts = models.append_ledger(lake, run_id, land.read_run_ledger(lake, run_id))
        ledger_counts = summary.LedgerCounts()
        ledger_counts.add(rows)
        stats = summary.new_stats()
        result = summary.run_summary(lake, run_id, ledger_counts, stats, counts, time.perf_counter() - started)
    result["flow_run"] = "none: every input unchanged (pre-flight check, no Prefect server started)"
    return result


def _settled(entry: ingest.InputEntry, led: ingest.Ledger) -> bool:
    """True when the flow would record this input again without reading it."""
    if entry.problem:
        return True
    name = os.path.basename(entry.path)
    ext = Path(entry.path).suffix.lower()
    if name == ingest.MANIFEST or ext == ".jsonl":
        return False
    if ext not in ingest.TEXT_EXT:
        return True
    try:
        st = os.stat(entry.path)
    except OSError:
        return False
    return led.unchanged_by_stat(ingest.display_path(entry.path), st) is not None
