"""Land: batches become visible only with their ledger part; orphans of dead runs are removed."""
import datetime as dt

import pyarrow as pa

from flows.summary import ledger_table
from tasks import land
from tasks.records import LedgerRow
from tasks.schema import DOCUMENTS


def docs_table(*doc_ids):
    rows = {n: [None] * len(doc_ids) for n in DOCUMENTS.names}
    rows["doc_id"] = list(doc_ids)
    rows["authors"] = [[] for _ in doc_ids]
    return pa.Table.from_pydict(rows, schema=DOCUMENTS)


def ledger(run_id, *paths):
    now = dt.datetime(2026, 11, 22, tzinfo=dt.timezone.utc)
    return ledger_table([LedgerRow(p, p, 1, "sha", p, "loaded", None, run_id, now) for p in paths])


def test_a_batch_counts_only_once_its_ledger_part_is_committed(tmp_path):
    w = land.RunWriter(tmp_path, "r1")
    w.write("documents", docs_table("a", "b"), 1)
    assert land.read_table(tmp_path, "documents").num_rows == 0  # staged, not visible
    w.commit(1, ledger("r1", "a", "b"))
    w.write("documents", docs_table("c"), 2)  # batch 2 never commits: the run dies here
    assert land.read_table(tmp_path, "documents")["doc_id"].to_pylist() == ["a", "b"]
    assert land.committed_batches(tmp_path) == {("r1", 1)}


def test_orphans_of_uncommitted_batches_are_removed(tmp_path):
    w = land.RunWriter(tmp_path, "r1")
    w.write("documents", docs_table("a"), 1)
    w.commit(1, ledger("r1", "a"))
    dead = land.RunWriter(tmp_path, "r2")
    dead.write("documents", docs_table("z"), 1)
    dead.pending[0][1].rename(tmp_path / "parquet" / "documents" / "run-r1" / "part-00009-00001.parquet")
    removed = land.remove_orphans(tmp_path)
    assert len(removed) == 1 and not (tmp_path / ".staging").exists()
    assert land.read_table(tmp_path, "documents")["doc_id"].to_pylist() == ["a"]


def test_stat_cache_round_trip(tmp_path):
    entries = {"/in/a.txt": (10, 123456789, "ab" * 32), "/in/b.txt": (5, 1, "cd" * 32)}
    land.write_stat_cache(tmp_path, [land.stat_table(entries)])
    assert land.read_stat_cache(tmp_path) == entries
    more = {"/in/c.txt": (7, 3, "01" * 32)}
    land.write_stat_cache(tmp_path, [land.stat_table(entries), land.stat_table({}), land.stat_table(more)])
    assert land.read_stat_cache(tmp_path) == {**entries, **more}
    land.write_stat_cache(tmp_path, [])
    assert land.read_stat_cache(tmp_path) == {}
    (tmp_path / land.STAT_CACHE).write_bytes(b"not parquet")
    assert land.read_stat_cache(tmp_path) == {}
