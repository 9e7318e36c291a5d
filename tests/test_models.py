"""Models: order derived from the SQL itself, SQL data tests gate the swap, 1.x-readable storage."""
import shutil
from pathlib import Path

import duckdb
import pytest

from tasks import models
from tasks.config import SQL_DIR


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_models_are_ordered_by_the_tables_they_read(tmp_path):
    write(tmp_path / "marts" / "a_last.sql", "select * from staging.b_middle")
    write(tmp_path / "staging" / "b_middle.sql", "with x as (select * from raw.z_first) select * from x")
    write(tmp_path / "raw" / "z_first.sql", "select 1 as n")
    con = duckdb.connect()
    order = [m.table for m in models.discover_models(con, tmp_path)]
    assert order == ["raw.z_first", "staging.b_middle", "marts.a_last"]
    assert models.run_models(con, tmp_path) == {"raw.z_first": 1, "staging.b_middle": 1, "marts.a_last": 1}


def test_a_cycle_is_reported(tmp_path):
    write(tmp_path / "staging" / "a.sql", "select * from staging.b")
    write(tmp_path / "staging" / "b.sql", "select * from staging.a")
    with pytest.raises(models.ModelError, match="cycle"):
        models.discover_models(duckdb.connect(), tmp_path)


def test_the_project_models_parse_and_the_marts_come_last():
    order = [m.table for m in models.discover_models(duckdb.connect(), SQL_DIR)]
    assert order.index("raw.files") < order.index("staging.documents") < order.index("marts.event_records")
    assert order.index("marts.event_records") < len(order) and "marts.events" in order


def test_failing_data_test_keeps_the_previous_database(tmp_path):
    lake, sql = tmp_path / "lake", tmp_path / "sql"
    shutil.copytree(SQL_DIR, sql)
    models.build_database(lake, "r1", sql)
    before = (lake / models.DB_NAME).read_bytes()
    write(sql / "tests" / "always_fails.sql", "select 'boom' as failure")
    with pytest.raises(models.ModelError, match="always_fails"):
        models.build_database(lake, "r2", sql)
    assert (lake / models.DB_NAME).read_bytes() == before
    assert not list(lake.glob(".newslake.duckdb.*.tmp*"))


def test_database_uses_the_storage_version_duckdb_1x_reads(tmp_path):
    models.build_database(tmp_path, "r1")
    con = duckdb.connect()
    con.execute("attach ? as lake (read_only)", [str(tmp_path / models.DB_NAME)]).fetchall()
    version = con.execute("select tags['storage_version'] from duckdb_databases() where database_name = 'lake'"
                          ).fetchall()
    tables = {r[0] for r in con.execute("select schema_name || '.' || table_name from duckdb_tables() "
                                        "where database_name = 'lake'").fetchall()}
    con.close()
    assert version == [("v1.4.0+",)]
    assert {"raw.files", "staging.documents", "marts.events"} <= tables
    assert not any(t.startswith(("landing.", "intermediate.")) for t in tables)


def test_doubled_memory_limits_keep_their_unit():
    assert models.doubled("224MB") == "448MB"
    assert models.doubled("1.5GiB") == "3GiB"
    assert models.doubled("1000000") == "2000000B"
    with pytest.raises(ValueError):
        models.doubled("lots")


def test_a_build_out_of_memory_is_started_again_with_twice_the_limit(tmp_path, monkeypatch, caplog):
    tried = []

    def build(lake, run_id, sql_dir, limit):
        tried.append(limit)
        if len(tried) == 1:
            try:
                raise duckdb.OutOfMemoryException("Out of Memory Error: could not allocate block")
            except duckdb.OutOfMemoryException as exc:
                raise models.ModelError("model x failed") from exc
        return {"raw.files": 0}

    monkeypatch.setenv("NEWSLAKE_DUCKDB_MEMORY", "100MB")
    monkeypatch.setattr(models, "build_at_limit", build)
    assert models.build_database(tmp_path, "r1") == {"raw.files": 0}
    assert tried == ["100MB", "200MB"]
    assert "building again with 200MB" in caplog.text


def test_a_build_error_other_than_memory_is_not_retried(tmp_path, monkeypatch):
    tried = []

    def build(lake, run_id, sql_dir, limit):
        tried.append(limit)
        raise models.ModelError("SQL data tests failed")

    monkeypatch.setattr(models, "build_at_limit", build)
    with pytest.raises(models.ModelError, match="data tests"):
        models.build_database(tmp_path, "r1")
    assert tried == [models.DEFAULT_MEMORY]


def test_scratch_tables_are_dropped_after_their_last_reader_only():
    def m(table, *reads):
        schema, name = table.split(".")
        return models.Model(schema, name, Path(f"{name}.sql"), "select 1", frozenset(reads))

    ordered = [m("intermediate.a"), m("intermediate.b", "intermediate.a"), m("staging.c", "intermediate.a"),
               m("marts.d", "intermediate.b")]
    assert models.finished_scratch(ordered, 0) == []
    assert models.finished_scratch(ordered, 1) == []
    assert models.finished_scratch(ordered, 2) == ["intermediate.a"]
    assert models.finished_scratch(ordered, 3) == ["intermediate.b"]
    assert models.finished_scratch(ordered, 3, keep={"intermediate.b"}) == []


def test_data_tests_have_a_severity_and_warn_tests_are_counted_not_fatal(tmp_path):
    import duckdb
    from tasks import models as M
    assert M.test_severity("-- x\n-- severity: warn\nselect 1") == "warn"
    assert M.test_severity("select 1") == "error" and M.test_severity("-- severity: loud\nselect 1") == "error"
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "a_warn.sql").write_text("-- severity: warn\nselect 1 union all select 2")
    (tmp_path / "tests" / "b_error.sql").write_text("-- severity: error\nselect 1 where false")
    con = duckdb.connect()
    warnings = {}
    assert M.run_data_tests(con, tmp_path, warnings) == [] and warnings == {"a_warn": 2}
    (tmp_path / "tests" / "c_error.sql").write_text("select 42 as bad")
    assert M.run_data_tests(con, tmp_path, {}) == ["c_error: [(42,)]"]
