"""Nothing lost, nothing half-written: bad input, kill -9 at any point, concurrent runs and readers."""
import os
import shutil
import subprocess
import sys
import time

import duckdb
import pytest

from conftest import BIN, ROOT, SEED_ARTICLES, run_cli, snapshot
from make_bad_inputs import make_bad_inputs

pytestmark = pytest.mark.slow
SHARED_EVAL = ROOT.parent / "shared" / "eval"
CRASH_POINTS = ["chunk-processed", "before-ledger", "batch-committed:2", "landing-loaded", "before-swap",
                "published"]
SMALL_BATCHES = {"NEWSLAKE_BATCH_FILES": "2", "NEWSLAKE_CHUNK_SIZE": "1", "NEWSLAKE_WORKERS": "1"}


@pytest.fixture(scope="module")
def inbox(tmp_path_factory):
    d = tmp_path_factory.mktemp("inbox")
    for p in sorted(SEED_ARTICLES.iterdir()):
        shutil.copy(p, d / p.name)
    return d


@pytest.fixture(scope="module")
def reference(tmp_path_factory, inbox, cli_env):
    lake = tmp_path_factory.mktemp("reference")
    done = run_cli(["run", inbox, "--lake", lake], cli_env, extra_env=SMALL_BATCHES)
    assert done.returncode == 0, done.stderr[-2000:]
    return lake


def test_two_runs_into_two_lakes_give_identical_tables(tmp_path, inbox, reference, cli_env):
    other = tmp_path / "other"
    done = run_cli(["run", inbox, "--lake", other], cli_env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert snapshot(other) == snapshot(reference)


@pytest.mark.parametrize("point", CRASH_POINTS)
def test_kill_9_then_rerun_equals_one_uninterrupted_run(tmp_path, inbox, reference, cli_env, point):
    lake = tmp_path / "lake"
    crashed = run_cli(["run", inbox, "--lake", lake], cli_env, extra_env={**SMALL_BATCHES, "NEWSLAKE_CRASH_AT": point})
    assert crashed.returncode == -9, (point, crashed.returncode, crashed.stderr[-2000:])
    again = run_cli(["run", inbox, "--lake", lake], cli_env, extra_env=SMALL_BATCHES)
    assert again.returncode == 0, again.stderr[-2000:]
    assert "waiting" not in again.stderr  # the dead run's lock went with it
    assert snapshot(lake) == snapshot(reference)
    assert not list((lake / "parquet").glob("*/run-*/*.tmp")) and not (lake / ".staging").exists()


def test_second_writer_gives_up_with_a_clear_message_and_readers_see_the_last_snapshot(tmp_path, inbox, cli_env):
    lake = tmp_path / "lake"
    first = run_cli(["run", inbox, "--lake", lake], cli_env)
    assert first.returncode == 0
    (inbox.parent / "inbox2").mkdir(exist_ok=True)
    newer = inbox.parent / "inbox2" / "extra.txt"
    newer.write_text("Leaders met in Geneva on Tuesday.\n\nThe ministers held talks about trade and security.\n")
    env = {**cli_env, "NEWSLAKE_PAUSE_AT": "landing-loaded", "NEWSLAKE_PAUSE_SECONDS": "25"}
    slow = subprocess.Popen([str(BIN / "newslake"), "run", str(newer.parent), "--lake", str(lake)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not list(lake.glob(".newslake.duckdb.*.tmp")) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert list(lake.glob(".newslake.duckdb.*.tmp")), "the slow run never reached the model build"
        blocked = run_cli(["run", inbox, "--lake", lake], cli_env, extra_env={"NEWSLAKE_LOCK_TIMEOUT": "1"})
        assert blocked.returncode == 3 and "another newslake run" in blocked.stderr
        reader = run_cli(["sql", "select count(*) from staging.documents", "--lake", lake, "--format", "csv"],
                         cli_env, timeout=60)
        assert reader.returncode == 0 and reader.stdout.split() == ["count_star()", "5"]
        out, err = slow.communicate(timeout=300)
        assert slow.returncode == 0, err[-2000:]
    finally:
        if slow.poll() is None:
            slow.kill()
    after = run_cli(["sql", "select count(*) from staging.documents", "--lake", lake, "--format", "csv"], cli_env)
    assert after.stdout.split() == ["count_star()", "6"]


def test_every_bad_input_is_accounted_for_and_the_run_exits_0(tmp_path, cli_env):
    inputs = make_bad_inputs(tmp_path / "bad", tmp_path / "outside")
    lake = tmp_path / "lake"
    done = run_cli(["run", inputs, "--lake", lake], cli_env)
    assert done.returncode == 0, done.stderr[-3000:]
    con = duckdb.connect(str(lake / "newslake.duckdb"), read_only=True)
    rows = {os.path.relpath(p, inputs) if p.startswith(str(inputs)) else p: (s, r)
            for p, s, r in con.execute("select path, status, reason from raw.files").fetchall()}
    bodies = " ".join(b for (b,) in con.execute("select body_text from staging.documents").fetchall())
    con.close()
    on_disk = {os.path.relpath(os.path.join(d, n), inputs) for d, dirs, files in os.walk(inputs) for n in files}
    jsonl = {k for k in rows if k.startswith("mixed.jsonl#")}
    assert on_disk - {"mixed.jsonl"} <= set(rows), on_disk - set(rows)
    assert {rows[k][0] for k in jsonl} == {"loaded", "quarantined"} and len(jsonl) == 3
    expect = {"empty.txt": "quarantined", "whitespace.txt": "quarantined", "garbage.txt": "quarantined",
              "image.html": "quarantined", "too_big.txt": "quarantined", "invalid.json": "quarantined",
              "utf16.txt": "loaded", "cp1252.txt": "loaded", "latin1.txt": "loaded", "nul.txt": "loaded",
              "notes.pdf": "skipped", "escape.txt": "skipped", "loop": "skipped", "manifest.csv": "skipped",
              "deep.html": "loaded", "truncated.html": "loaded", "one_long_line.txt": "loaded"}
    assert {k: rows[k][0] for k in expect} == expect
    assert sorted(rows[k][0] for k in ("original.txt", "copy of original.txt")) == ["duplicate", "loaded"]
    assert all(r for s, r in rows.values() if s != "loaded")
    assert "outside the input root" not in bodies
    assert "Café “Zürich”" in bodies and "Señor Müller à Genève" in bodies
    if (SHARED_EVAL / "score_ledger.py").exists():
        scored = subprocess.run([sys.executable, str(SHARED_EVAL / "score_ledger.py"), "--lake", str(lake),
                                 "--inputs", str(inputs)], capture_output=True, text=True)
        assert scored.stdout.strip().splitlines()[-1].startswith(f"{inputs.name} accounted 1.000"), scored.stdout


def test_changed_file_replaces_its_rows_and_unchanged_ones_are_not_reprocessed(tmp_path, cli_env):
    inbox, lake = tmp_path / "inbox", tmp_path / "lake"
    inbox.mkdir()
    for p in sorted(SEED_ARTICLES.iterdir())[:3]:
        shutil.copy(p, inbox / p.name)
    assert run_cli(["run", inbox, "--lake", lake], cli_env).returncode == 0
    con = duckdb.connect(str(lake / "newslake.duckdb"), read_only=True)
    before = dict(con.execute("select regexp_extract(source_uri, '[^/]+$'), doc_id from staging.documents").fetchall())
    con.close()
    changed = sorted(inbox.iterdir())[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\nA late correction was added to this story.\n",
                       encoding="utf-8")
    rerun = run_cli(["run", inbox, "--lake", lake, "--json"], cli_env)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    summary = __import__("json").loads(rerun.stdout)
    assert summary["by_status"] == {"loaded": 1, "unchanged": 2} and summary["documents_processed"] == 1
    con = duckdb.connect(str(lake / "newslake.duckdb"), read_only=True)
    after = dict(con.execute("select regexp_extract(source_uri, '[^/]+$'), doc_id from staging.documents").fetchall())
    lines_of_old = con.execute("select count(*) from staging.lines where doc_id = ?", [before[changed.name]]).fetchall()
    con.close()
    assert after[changed.name] != before[changed.name] and len(after) == 3
    assert {k: v for k, v in after.items() if k != changed.name} == {k: v for k, v in before.items() if k != changed.name}
    assert lines_of_old == [(0,)]
    quiet = run_cli(["run", inbox, "--lake", lake, "--json"], cli_env)
    summary = __import__("json").loads(quiet.stdout)
    assert summary["by_status"] == {"unchanged": 3} and summary["documents_processed"] == 0
    con = duckdb.connect(str(lake / "newslake.duckdb"), read_only=True)
    reasons = con.execute("select distinct reason from raw.files where run_id = ?", [summary["run_id"]]).fetchall()
    con.close()
    assert reasons == [("content unchanged since an earlier run (same size and mtime)",)]  # not even re-read
