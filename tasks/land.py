"""Land stage: write a run's Arrow tables as Parquet off to the side, then commit them batch by batch.

Layout: LAKE/parquet/<table>/run-<run_id>/part-<batch>-<n>.parquet. A batch is written under
LAKE/.staging/<run_id>/ and committed by moving its data parts into place and its ledger part
(table `files`) last. Data parts count only when the ledger part of the same run and batch
exists, so a crash at any moment leaves either whole batches or orphans the next run removes,
and a re-run picks up after the last committed batch.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from tasks.faults import checkpoint
from tasks.ingest import Ledger
from tasks.schema import TABLES

LEDGER = "files"
_PART = re.compile(r"part-(\d+)-(\d+)\.parquet$")


def new_run_id() -> str:
    """Sortable, unique run id: UTC time plus a random suffix."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ") + "-" + secrets.token_hex(3)


def parquet_dir(lake: str | os.PathLike) -> Path:
    return Path(lake) / "parquet"


class RunWriter:
    """Writes one run's tables: stage parts per batch, then commit the batch."""

    def __init__(self, lake: str | os.PathLike, run_id: str):
        self.lake, self.run_id = Path(lake), run_id
        self.staging = Path(lake) / ".staging" / run_id
        self.pending: list[tuple[str, Path, int]] = []  # (table, staged file, batch)
        self.rows: dict[str, int] = {}
        self._n = 0

    def write(self, table_name: str, table: pa.Table, batch_no: int) -> None:
        """Stage one part of `table_name` for batch `batch_no` (empty tables are skipped, but for the
        ledger: its part is what commits a batch, even one that only re-extracted documents)."""
        if table.num_rows == 0 and table_name != LEDGER:
            return
        schema = TABLES[table_name]
        table = table.select(schema.names).cast(schema)
        self.staging.mkdir(parents=True, exist_ok=True)
        self._n += 1
        name = f"part-{batch_no:05d}-{self._n:05d}.parquet"
        tmp = self.staging / f"{table_name}.{name}.tmp"
        pq.write_table(table, tmp, compression="zstd")
        self.pending.append((table_name, tmp, batch_no))
        self.rows[table_name] = self.rows.get(table_name, 0) + table.num_rows

    def commit(self, batch_no: int, ledger: pa.Table) -> None:
        """Move the batch's staged parts into the lake, then its ledger part: the batch is committed."""
        self.write(LEDGER, ledger, batch_no)
        mine = [p for p in self.pending if p[2] == batch_no]
        ordered = [p for p in mine if p[0] != LEDGER] + [p for p in mine if p[0] == LEDGER]
        for table_name, tmp, _batch in ordered:
            if table_name == LEDGER:
                checkpoint("before-ledger")
            dest_dir = parquet_dir(self.lake) / table_name / f"run-{self.run_id}"
            dest_dir.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, dest_dir / tmp.name[len(table_name) + 1:-len(".tmp")])
            _fsync_dir(dest_dir)
        self.pending = [p for p in self.pending if p[2] != batch_no]
        checkpoint("batch-committed")

    def staged(self, table_name: str, batch_no: int) -> list[Path]:
        """The staged (not yet committed) parts of one table and batch."""
        return [p[1] for p in self.pending if p[0] == table_name and p[2] == batch_no]

    def all_staged(self, table_name: str) -> list[Path]:
        """Every staged part of one table."""
        return [p[1] for p in self.pending if p[0] == table_name]

    def close(self) -> None:
        """Drop this run's (now empty) staging directory."""
        shutil.rmtree(self.staging, ignore_errors=True)
        try:
            self.staging.parent.rmdir()
        except OSError:
            pass


def committed_batches(lake: str | os.PathLike) -> set[tuple[str, int]]:
    """(run_id, batch_no) of every batch whose ledger part was committed."""
    d = parquet_dir(lake) / LEDGER
    out = set()
    if d.is_dir():
        for part in d.glob("run-*/part-*.parquet"):
            m = _PART.match(part.name)
            if m:
                out.add((part.parent.name[4:], int(m[1])))
    return out


def committed_parts(lake: str | os.PathLike, table_name: str) -> list[str]:
    """Paths of the Parquet parts of one table that belong to committed batches."""
    done = committed_batches(lake)
    out = []
    for part in sorted((parquet_dir(lake) / table_name).glob("run-*/part-*.parquet")):
        m = _PART.match(part.name)
        if m and (part.parent.name[4:], int(m[1])) in done:
            out.append(str(part))
    return out


def remove_orphans(lake: str | os.PathLike) -> list[str]:
    """Delete parts of batches that never committed, and stale staging directories."""
    done = committed_batches(lake)
    removed = []
    root = parquet_dir(lake)
    if root.is_dir():
        for part in sorted(root.glob("*/run-*/*")):
            m = _PART.match(part.name)
            if not m or (part.parent.name[4:], int(m[1])) not in done:
                part.unlink(missing_ok=True)
                removed.append(str(part))
        for run_dir in root.glob("*/run-*"):
            if run_dir.is_dir() and not any(run_dir.iterdir()):
                run_dir.rmdir()
    shutil.rmtree(Path(lake) / ".staging", ignore_errors=True)
    return removed


def read_run_ledger(lake: str | os.PathLike, run_id: str) -> pa.Table:
    """The committed ledger rows of one run."""
    files = [f for f in committed_parts(lake, LEDGER) if Path(f).parent.name == f"run-{run_id}"]
    if not files:
        return TABLES[LEDGER].empty_table()
    return pa.concat_tables(pq.read_table(f).cast(TABLES[LEDGER]) for f in files)


STAT_CACHE = Path(".cache") / "stat.parquet"
_STAT_SCHEMA = pa.schema([("path", pa.string()), ("size", pa.int64()), ("mtime_ns", pa.int64()),
                          ("sha256", pa.string())])


def load_ledger(lake: str | os.PathLike) -> Ledger:
    """What earlier runs of this lake recorded (latest row per path, loaded documents, stat cache)."""
    led = Ledger()
    table = read_table(lake, LEDGER, ["path", "content_sha256", "doc_id", "status", "run_id"])
    for path, sha, doc_id, status, _run in sorted(zip(*(table[c].to_pylist() for c in table.column_names)),
                                                   key=lambda r: r[4] or ""):
        led.latest[path] = (sha, doc_id, status)
        if status == "loaded" and doc_id:
            led.loaded_docs.setdefault(doc_id, path)
    led.stat_cache = read_stat_cache(lake)
    return led


def read_stat_cache(lake: str | os.PathLike) -> dict[str, tuple[int, int, str]]:
    """path -> (size, mtime_ns, sha256) of the inputs earlier runs read."""
    path = Path(lake) / STAT_CACHE
    if not path.exists():
        return {}
    try:
        t = pq.read_table(path).cast(_STAT_SCHEMA)
    except (OSError, pa.ArrowException):
        return {}  # a damaged cache only costs re-reading the inputs
    return {p: (sz, mt, sha) for p, sz, mt, sha in zip(*(t[c].to_pylist() for c in _STAT_SCHEMA.names))}


def stat_table(entries: dict[str, tuple[int, int, str]]) -> pa.Table:
    """path -> (size, mtime_ns, sha256) entries as a stat cache table (columns: no object per path)."""
    return pa.table({"path": list(entries), "size": [v[0] for v in entries.values()],
                     "mtime_ns": [v[1] for v in entries.values()], "sha256": [v[2] for v in entries.values()]},
                    schema=_STAT_SCHEMA)


def write_stat_cache(lake: str | os.PathLike, parts: list[pa.Table]) -> None:
    """Replace the stat cache atomically with the stat_table parts, which hold distinct paths; written
    part by part (call only after the run's ledger is committed)."""
    path = Path(lake) / STAT_CACHE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with pq.ParquetWriter(tmp, _STAT_SCHEMA) as writer:
        for part in parts:
            if part.num_rows:
                writer.write_table(part.cast(_STAT_SCHEMA))
    os.replace(tmp, path)


def read_table(lake: str | os.PathLike, name: str, columns: list[str] | None = None) -> pa.Table:
    """All committed rows of one landed table (an empty table when there are none)."""
    schema = TABLES[name]
    if columns:
        schema = pa.schema([schema.field(c) for c in columns])
    files = committed_parts(lake, name)
    if not files:
        return schema.empty_table()
    return pa.concat_tables(pq.read_table(f, columns=columns).cast(schema) for f in files)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
