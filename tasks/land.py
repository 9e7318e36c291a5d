"""Land stage: write a run's Arrow tables as Parquet, off to the side, then publish them atomically.

Layout: LAKE/parquet/<table>/run-<run_id>/part-<n>.parquet. A run writes into
LAKE/.staging/<run_id>/<table>/ and publishes by renaming each table directory into place,
the ledger (files) last: a run's rows count only once its ledger partition exists, so a crash
at any moment leaves either nothing visible or orphans that the next run removes.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from tasks.schema import TABLES

LEDGER = "files"


def parquet_dir(lake: str | os.PathLike) -> Path:
    return Path(lake) / "parquet"


def staging_dir(lake: str | os.PathLike, run_id: str) -> Path:
    return Path(lake) / ".staging" / run_id


class RunWriter:
    """Appends Arrow tables for one run into its staging directory, one part file per call."""

    def __init__(self, lake: str | os.PathLike, run_id: str):
        self.lake, self.run_id = Path(lake), run_id
        self.root = staging_dir(lake, run_id)
        self.parts: dict[str, int] = {}
        self.rows: dict[str, int] = {}

    def write(self, table_name: str, table: pa.Table) -> None:
        """Write one part of `table_name` (empty tables are skipped)."""
        if table.num_rows == 0:
            return
        schema = TABLES[table_name]
        table = table.select(schema.names).cast(schema)
        n = self.parts.get(table_name, 0)
        out = self.root / table_name
        out.mkdir(parents=True, exist_ok=True)
        tmp = out / f".part-{n:05d}.parquet.tmp"
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, out / f"part-{n:05d}.parquet")
        self.parts[table_name] = n + 1
        self.rows[table_name] = self.rows.get(table_name, 0) + table.num_rows

    def publish(self) -> None:
        """Move every table of this run into the lake, the ledger last; then drop the staging dir."""
        names = sorted(n for n in self.parts if n != LEDGER) + ([LEDGER] if LEDGER in self.parts else [])
        for name in names:
            dest = parquet_dir(self.lake) / name / f"run-{self.run_id}"
            dest.parent.mkdir(parents=True, exist_ok=True)
            if dest.exists():
                shutil.rmtree(dest)
            os.replace(self.root / name, dest)
            _fsync_dir(dest.parent)
        shutil.rmtree(self.root, ignore_errors=True)


def committed_runs(lake: str | os.PathLike) -> list[str]:
    """Run ids whose ledger partition was published, oldest first."""
    d = parquet_dir(lake) / LEDGER
    if not d.is_dir():
        return []
    return sorted(p.name[4:] for p in d.iterdir() if p.is_dir() and p.name.startswith("run-"))


def remove_orphans(lake: str | os.PathLike) -> list[str]:
    """Delete partitions of runs that never published their ledger, and stale staging dirs."""
    done = set(committed_runs(lake))
    removed = []
    root = parquet_dir(lake)
    if root.is_dir():
        for table in root.iterdir():
            if not table.is_dir():
                continue
            for part in table.iterdir():
                if part.name.startswith("run-") and part.name[4:] not in done:
                    shutil.rmtree(part, ignore_errors=True)
                    removed.append(str(part))
    shutil.rmtree(Path(lake) / ".staging", ignore_errors=True)
    return removed


def read_table(lake: str | os.PathLike, name: str, columns: list[str] | None = None) -> pa.Table:
    """All committed rows of one landed table (an empty table when there are none)."""
    runs = set(committed_runs(lake))
    files = sorted(str(p) for p in (parquet_dir(lake) / name).glob("run-*/part-*.parquet")
                   if p.parent.name[4:] in runs)
    schema = TABLES[name]
    if columns:
        schema = pa.schema([schema.field(c) for c in columns])
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
