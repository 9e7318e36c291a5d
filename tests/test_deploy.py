"""Production set-up for real: prefect.yaml deployed to a server, run by a process worker, and `newslake serve`."""
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

pytest_plugins = ("prefect_server",)
pytestmark = pytest.mark.slow

STAGES = ("discover", "ingest batch 1", "process batch 1", "land batch 1", "models")
CONTRACT_TABLES = {"raw.files", "staging.documents", "staging.lines", "staging.entities",
                   "marts.event_records", "marts.events"}
PROCESSED = re.compile(r"\((\d+) processed this run\)")


def query(lake, sql):
    con = duckdb.connect(str(lake / "newslake.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_prefect_yaml_deploys_an_hourly_utc_schedule_on_the_process_pool(prefect_stack):
    dep, home = prefect_stack.deployment, str(prefect_stack.root.resolve())
    assert dep["work_pool_name"] == "newslake-process"
    assert dep["entrypoint"] == "flows/newslake.py:newslake_flow"
    assert [(s["schedule"]["cron"], s["schedule"]["timezone"]) for s in dep["schedules"]] == [("0 * * * *", "UTC")]
    assert dep["parameters"] == {"paths": [f"{prefect_stack.inbox}/"], "lake": str(prefect_stack.lake)}
    assert dep["pull_steps"] == [{"prefect.deployments.steps.set_working_directory": {"directory": home}}]
    assert dep["job_variables"]["working_dir"] == home
    assert dep["job_variables"]["command"] == f"{home}/.venv/bin/python -m prefect.engine"
    assert dep["global_concurrency_limit"]["limit"] == 1
    assert dep["concurrency_options"]["collision_strategy"] == "CANCEL_NEW"


def test_worker_runs_the_deployment_to_completion(prefect_stack, deployment_runs):
    first = deployment_runs[0]
    assert first["state"]["type"] == "COMPLETED", f"{first['state']}{prefect_stack.log_tail('worker')}"
    assert first["deployment_id"] == prefect_stack.deployment["id"]
    assert first["parameters"]["paths"] == [str(prefect_stack.inbox)]


def test_task_runs_are_named_per_stage_and_batch(prefect_stack, deployment_runs):
    names = [t["name"] for t in prefect_stack.task_runs(deployment_runs[0]["id"])]
    for stage in STAGES:
        assert any(name.startswith(stage) for name in names), (stage, names)


def test_run_summary_and_touched_events_artifacts_exist(prefect_stack, deployment_runs):
    arts, n = prefect_stack.artifacts(deployment_runs[0]["id"]), prefect_stack.n_seeds
    summary = arts["newslake-run-summary"]
    assert summary["type"] == "markdown"
    assert f"loaded {n}  duplicate 0  unchanged 0" in summary["data"]
    assert PROCESSED.search(summary["data"]).group(1) == str(n)
    assert arts["newslake-touched-events"]["type"] == "table"
    assert "event_type" in arts["newslake-touched-events"]["data"]


def test_deployment_run_builds_the_lake(prefect_stack, deployment_runs):
    lake = prefect_stack.lake
    tables = {f"{s}.{t}" for s, t in query(lake, "select table_schema, table_name from information_schema.tables")}
    assert tables >= CONTRACT_TABLES
    assert query(lake, "select count(*) from staging.documents") == [(prefect_stack.n_seeds,)]


def test_second_run_finds_every_file_unchanged_and_extracts_nothing(prefect_stack, deployment_runs):
    second, n = deployment_runs[1], prefect_stack.n_seeds
    assert second["state"]["type"] == "COMPLETED", f"{second['state']}{prefect_stack.log_tail('worker')}"
    summary = prefect_stack.artifacts(second["id"])["newslake-run-summary"]["data"]
    assert f"loaded 0  duplicate 0  unchanged {n}" in summary
    assert PROCESSED.search(summary).group(1) == "0"
    assert f"documents       {n} in lake (0 processed this run)" in summary
    names = [t["name"] for t in prefect_stack.task_runs(second["id"])]
    assert not [name for name in names if name.startswith("process batch")], names
    statuses = query(prefect_stack.lake, "select run_id, status, count(*) from raw.files group by all order by 1, 2")
    assert [(status, count) for _, status, count in statuses] == [("loaded", n), ("unchanged", n)]


def test_a_run_colliding_with_a_running_one_is_cancelled(prefect_stack, deployment_runs):
    _, second, collided = deployment_runs
    assert (second["state"]["type"], collided["state"]["type"]) == ("COMPLETED", "CANCELLED"), \
        (second["state"], collided["state"])
    assert not prefect_stack.task_runs(collided["id"])


def test_newslake_serve_registers_its_deployment_runs_it_and_pauses_on_ctrl_c(prefect_stack, served_run):
    (dep, run_id), proc = served_run, prefect_stack.procs["serve"]
    lake = prefect_stack.tmp / "serve-lake"
    assert [(s["schedule"]["cron"], s["schedule"]["timezone"], s["active"]) for s in dep["schedules"]] \
        == [("0 * * * *", "UTC", True)]
    assert dep["parameters"] == {"paths": [str(prefect_stack.inbox)], "lake": str(lake)}
    run = prefect_stack.wait_finished(run_id, "serve")
    assert run["state"]["type"] == "COMPLETED", f"{run['state']}{prefect_stack.log_tail('serve')}"
    assert query(lake, "select count(*) from staging.documents") == [(prefect_stack.n_seeds,)]
    proc.send_signal(signal.SIGINT)  # what Ctrl-C does
    proc.wait(timeout=60)
    with prefect_stack.client() as c:
        paused = c.get("/deployments/name/newslake/served").json()["paused"]
    assert paused is True, prefect_stack.log_tail("serve")


def test_serve_without_a_prefect_server_says_how_to_start_one(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    proc = subprocess.run([str(Path(sys.executable).with_name("newslake")), "serve", str(tmp_path)],
                          env={**env, "PREFECT_HOME": str(tmp_path)}, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "prefect server start" in proc.stderr and "PREFECT_API_URL" in proc.stderr
