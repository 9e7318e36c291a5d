"""Production set-up for real: prefect.yaml deployed to a server, run by a process worker, and `newslake serve`."""
import re
import signal

import duckdb
import pytest

from prefect_server import (BIN, N_SEEDS, ROOT, artifacts_of, start, stop, task_runs_of, trigger_run,
                            wait_finished, wait_for)

pytest_plugins = ("prefect_server",)
pytestmark = pytest.mark.slow

STAGES = ("discover", "ingest batch 1", "process batch 1", "land batch 1", "models")
PROCESSED = re.compile(r"\((\d+) processed this run\)")


def lake_statuses(lake):
    con = duckdb.connect(str(lake / "newslake.duckdb"), read_only=True)
    try:
        return con.execute("select run_id, status, count(*) from raw.files group by all order by 1, 2").fetchall()
    finally:
        con.close()


def test_prefect_yaml_deploys_an_hourly_utc_schedule_on_the_process_pool(prefect_stack):
    dep = prefect_stack.deployment
    assert dep["work_pool_name"] == "newslake-process"
    assert dep["entrypoint"] == "flows/newslake.py:newslake_flow"
    assert [(s["schedule"]["cron"], s["schedule"]["timezone"]) for s in dep["schedules"]] == [("0 * * * *", "UTC")]
    assert dep["parameters"] == {"paths": [f"{prefect_stack.inbox}/"], "lake": str(prefect_stack.lake)}
    home = str(ROOT.resolve())
    assert dep["pull_steps"] == [{"prefect.deployments.steps.set_working_directory": {"directory": home}}]
    assert dep["job_variables"]["working_dir"] == home
    assert dep["job_variables"]["command"] == f"{home}/.venv/bin/python -m prefect.engine"


def test_worker_runs_the_deployment_to_completion(prefect_stack, deployment_runs):
    first = deployment_runs[0]
    assert first["state"]["type"] == "COMPLETED", f"{first['state']}\n{prefect_stack.log_tail('worker')}"
    assert first["deployment_id"] == prefect_stack.deployment["id"]
    assert first["parameters"]["paths"] == [str(prefect_stack.inbox)]


def test_task_runs_are_named_per_stage_and_batch(prefect_stack, deployment_runs):
    names = [t["name"] for t in task_runs_of(prefect_stack, deployment_runs[0]["id"])]
    for stage in STAGES:
        assert any(n.startswith(stage) for n in names), (stage, names)


def test_run_summary_and_touched_events_artifacts_exist(prefect_stack, deployment_runs):
    arts = artifacts_of(prefect_stack, deployment_runs[0]["id"])
    assert arts["newslake-run-summary"]["type"] == "markdown"
    assert f"loaded {N_SEEDS}" in arts["newslake-run-summary"]["data"]
    assert PROCESSED.search(arts["newslake-run-summary"]["data"]).group(1) == str(N_SEEDS)
    assert arts["newslake-touched-events"]["type"] == "table"
    assert "event_type" in arts["newslake-touched-events"]["data"]


def test_deployment_run_builds_the_lake(prefect_stack, deployment_runs):
    con = duckdb.connect(str(prefect_stack.lake / "newslake.duckdb"), read_only=True)
    try:
        tables = {f"{s}.{t}" for s, t in con.execute(
            "select table_schema, table_name from information_schema.tables").fetchall()}
        docs = con.execute("select count(*) from staging.documents").fetchone()[0]
    finally:
        con.close()
    assert tables >= {"raw.files", "staging.documents", "staging.lines", "staging.entities",
                      "marts.event_records", "marts.events"}
    assert docs == N_SEEDS


def test_second_run_finds_every_file_unchanged_and_extracts_nothing(prefect_stack, deployment_runs):
    second = deployment_runs[1]
    assert second["state"]["type"] == "COMPLETED", second["state"]
    summary = artifacts_of(prefect_stack, second["id"])["newslake-run-summary"]["data"]
    assert f"loaded 0  duplicate 0  unchanged {N_SEEDS}" in summary
    assert PROCESSED.search(summary).group(1) == "0"
    names = [t["name"] for t in task_runs_of(prefect_stack, second["id"])]
    assert not [n for n in names if n.startswith("process batch")], names
    statuses = [(s, n) for _, s, n in lake_statuses(prefect_stack.lake)]
    assert statuses == [("loaded", N_SEEDS), ("unchanged", N_SEEDS)]


def test_newslake_serve_registers_its_deployment_runs_it_and_pauses_on_ctrl_c(prefect_stack):
    inbox, lake = prefect_stack.inbox, prefect_stack.tmp / "serve-lake"
    log = prefect_stack.tmp / "serve.log"
    proc = start([str(BIN / "newslake"), "serve", str(inbox), "--lake", str(lake), "--name", "served"],
                 log, prefect_stack.env)
    try:
        with prefect_stack.client() as c:
            def registered():
                assert proc.poll() is None, log.read_text()[-3000:]
                r = c.get("/deployments/name/newslake/served")
                return r.json() if r.status_code == 200 else None
            dep = wait_for(registered, 120, "newslake serve to register newslake/served")
            assert [(s["schedule"]["cron"], s["schedule"]["timezone"], s["active"]) for s in dep["schedules"]] \
                == [("0 * * * *", "UTC", True)]
            assert dep["parameters"] == {"paths": [str(inbox)], "lake": str(lake)}
            run = wait_finished(prefect_stack, trigger_run(prefect_stack, {}, "newslake/served"))
            assert run["state"]["type"] == "COMPLETED", f"{run['state']}\n{log.read_text()[-3000:]}"
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=60)
            paused = c.get("/deployments/name/newslake/served").json()["schedules"][0]["active"] is False
    finally:
        stop(proc)
    assert paused, log.read_text()[-3000:]
    assert (lake / "newslake.duckdb").exists()
