"""The pre-flight run: nothing changed -> the flow's ledger rows, without Prefect; anything changed -> the flow."""
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from conftest import run_cli
from flows import cli
from flows.unchanged import run_if_unchanged
from tasks import models
from tasks.config import ARTICLES_DIR, Settings

LEDGER_COLUMNS = "file_id, path, size_bytes, content_sha256, doc_id, status, reason"


@pytest.fixture(scope="module")
def inbox_lake(tmp_path_factory, cli_env):
    """Three seed articles and a PDF (skipped) in an inbox, run once through the flow."""
    root = tmp_path_factory.mktemp("unchanged")
    inbox, lake = root / "inbox", root / "lake"
    inbox.mkdir()
    for src in sorted(ARTICLES_DIR.glob("*.txt"))[:3]:
        shutil.copy(src, inbox / src.name)
    (inbox / "scan.pdf").write_bytes(b"%PDF-1.4 not an article")
    first = run_cli(["run", inbox, "--lake", lake], cli_env)
    assert first.returncode == 0, first.stderr[-3000:]
    return inbox, lake


def ledger(lake: Path, run_id: str | None = None) -> list[tuple]:
    con = duckdb.connect(str(lake / "newslake.duckdb"), read_only=True)
    try:
        if run_id is None:
            return con.execute("select run_id, count(*) from raw.files group by 1 order by 1").fetchall()
        return con.execute(f"select {LEDGER_COLUMNS} from raw.files where run_id = ? order by path",
                           [run_id]).fetchall()
    finally:
        con.close()


def test_unchanged_inputs_get_the_same_ledger_rows_as_a_flow_run(inbox_lake, cli_env):
    inbox, lake = inbox_lake
    quick = run_if_unchanged(Settings(paths=(str(inbox),), lake=str(lake)))
    assert quick is not None
    assert quick["by_status"] == {"skipped": 1, "unchanged": 3}
    assert quick["documents_processed"] == 0 and quick["documents_in_lake"] == 3
    flow = run_cli(["run", inbox, "--lake", lake], cli_env)  # PREFECT_API_URL set: always the flow
    assert flow.returncode == 0, flow.stderr[-3000:]
    runs = [r for r, _ in ledger(lake)]
    assert len(runs) == 3 and runs[1] == quick["run_id"]
    assert ledger(lake, runs[1]) == ledger(lake, runs[2])
    assert sorted(r[5] for r in ledger(lake, runs[1])) == ["skipped", "unchanged", "unchanged", "unchanged"]


def test_a_touched_file_leaves_the_run_to_the_flow_and_writes_nothing(inbox_lake):
    inbox, lake = inbox_lake
    before = ledger(lake)
    victim = sorted(inbox.glob("*.txt"))[0]
    st = victim.stat()
    os.utime(victim, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    try:
        assert run_if_unchanged(Settings(paths=(str(inbox),), lake=str(lake))) is None
        assert ledger(lake) == before
    finally:
        os.utime(victim, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_new_sql_models_leave_the_run_to_the_flow(inbox_lake, monkeypatch):
    inbox, lake = inbox_lake
    monkeypatch.setattr(models, "build_fingerprint", lambda *a, **k: "models edited since the last build")
    assert run_if_unchanged(Settings(paths=(str(inbox),), lake=str(lake))) is None


def test_a_new_file_leaves_the_run_to_the_flow(inbox_lake, tmp_path):
    inbox, lake = inbox_lake
    extra = tmp_path / "late.txt"
    extra.write_text("A late article\n\nIt arrived after the first run.\n", encoding="utf-8")
    assert run_if_unchanged(Settings(paths=(str(inbox), str(extra)), lake=str(lake))) is None


def test_the_cli_without_a_prefect_server_says_no_flow_run_was_needed(inbox_lake, monkeypatch, capsys):
    inbox, lake = inbox_lake
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    assert cli.main(["run", str(inbox), "--lake", str(lake)]) == 0
    out = capsys.readouterr().out
    assert "unchanged 3" in out and "skipped 1" in out
    assert "flow run        none: every input unchanged" in out
