"""The temporary Prefect server's database: a fresh Prefect home gets it from the bundled schema snapshot."""
import os
import re
import sqlite3

import pytest

from conftest import QUIET, SEED_ARTICLES, run_cli
from flows import server


def head_revision() -> str:
    return re.search(r"INSERT INTO \"?alembic_version\"? VALUES\('(\w+)'\)", server.schema_snapshot().read_text())[1]


def query(db, sql):
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def schema(sql: str) -> list[list[str]]:
    """The statements of a dump, each as its sorted lines: Alembic's table rebuilds order constraints at random."""
    return sorted(sorted(line.strip().rstrip(",") for line in stmt.splitlines()) for stmt in sql.split(";\n"))


@pytest.mark.slow
def test_snapshot_is_what_prefects_own_migrations_produce(tmp_path):
    fresh = server.write_schema_snapshot(tmp_path / "snapshot.sql")
    assert schema(fresh.read_text()) == schema(server.schema_snapshot().read_text()), \
        "Prefect's migrations changed: refresh the snapshot with `python -m flows.server`"


def test_fresh_home_gets_a_database_at_the_migrations_head(tmp_path):
    assert server.create_database_from_snapshot(tmp_path, {})
    db = tmp_path / "prefect.db"
    assert query(db, "select version_num from alembic_version") == [(head_revision(),)]
    tables = {r[0] for r in query(db, "select name from sqlite_master where type = 'table'")}
    assert {"flow", "flow_run", "task_run", "deployment", "log"} <= tables
    assert query(db, "pragma journal_mode") == [("wal",)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["prefect.db"]  # no scratch file left


def test_an_existing_database_is_never_touched(tmp_path):
    db = tmp_path / "prefect.db"
    db.write_bytes(b"not ours")
    assert not server.create_database_from_snapshot(tmp_path, {})
    assert db.read_bytes() == b"not ours"


def test_a_left_over_write_ahead_log_means_migrate_as_usual(tmp_path):
    (tmp_path / "prefect.db-wal").write_bytes(b"")
    assert not server.create_database_from_snapshot(tmp_path, {})
    assert not (tmp_path / "prefect.db").exists()


def test_a_configured_database_url_means_migrate_as_usual(tmp_path):
    env = {"PREFECT_SERVER_DATABASE_CONNECTION_URL": "postgresql+asyncpg://u:p@db/prefect"}
    assert not server.create_database_from_snapshot(tmp_path, env)
    assert not (tmp_path / "prefect.db").exists()


def test_another_prefect_version_means_migrate_as_usual(tmp_path, monkeypatch):
    monkeypatch.setattr(server, "_prefect_version", lambda: "0.0.0")
    assert not server.create_database_from_snapshot(tmp_path, {})
    assert not (tmp_path / "prefect.db").exists()


@pytest.mark.slow
def test_a_run_on_a_fresh_home_is_recorded_by_the_temporary_server(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NEWSLAKE_"))}
    env.update(QUIET, PREFECT_HOME=str(tmp_path / "home"))
    proc = run_cli(["run", SEED_ARTICLES / "000_793bf87cc70f2d1d.txt", "--lake", tmp_path / "lake"], env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    db = tmp_path / "home" / "prefect.db"
    assert query(db, "select version_num from alembic_version") == [(head_revision(),)]
    runs = query(db, "select f.name, r.state_type from flow_run r join flow f on f.id = r.flow_id")
    assert runs == [("newslake", "COMPLETED")]
    assert query(db, "select count(*) from task_run where state_type = 'COMPLETED'")[0][0] >= 3
