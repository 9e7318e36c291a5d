"""A real Prefect server with its UI, the `newslake/hourly` deployment and a process worker, once per session.

Used as a pytest plugin (`pytest_plugins = ("prefect_server",)`) by test_deploy.py and test_ui_browser.py,
so both share one server, one deployment and the same two flow runs.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SEED_ARTICLES = ROOT / "seeds" / "articles"
POOL = "newslake-process"
DEPLOYMENT = "newslake/hourly"
N_SEEDS = 2
SERVER_START_S = 240
RUN_TIMEOUT_S = 300
CLI_TIMEOUT_S = 180
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


@dataclass
class Stack:
    """Where the session's server lives and what was started against it."""
    api: str
    ui: str
    env: dict
    tmp: Path
    inbox: Path
    lake: Path
    logs: dict = field(default_factory=dict)
    deployment: dict = field(default_factory=dict)

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.api, timeout=30)

    def log_tail(self, name: str, n: int = 4000) -> str:
        path = self.logs.get(name)
        return f"--- {name} log ---\n" + (path.read_text(errors="replace")[-n:] if path and path.exists() else "")

    def cli(self, *args: str, env: dict | None = None, timeout: float = CLI_TIMEOUT_S) -> str:
        """Run a `prefect` CLI command from the repo root against the server; returns its output."""
        proc = subprocess.run([str(BIN / "prefect"), *args], cwd=ROOT, env=env or self.env, text=True,
                              capture_output=True, timeout=timeout, start_new_session=True)
        out = proc.stdout + proc.stderr
        assert proc.returncode == 0, f"prefect {' '.join(args)} failed ({proc.returncode}):\n{out[-4000:]}"
        return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(**extra: str) -> dict:
    """This process's environment without Prefect/newslake settings, plus quiet defaults and `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NEWSLAKE_"))}
    env.update({"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}, **extra)
    return env


def start(args: list[str], log: Path, env: dict, cwd: Path = ROOT) -> subprocess.Popen:
    """A background process in its own process group, output to `log`."""
    with open(log, "wb") as f:
        return subprocess.Popen(args, cwd=cwd, env=env, stdout=f, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM, grace: float = 20) -> None:
    """Stop a process we started: its group, then any descendants that left the group."""
    try:
        family = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        family = []
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)
    for child in family:
        try:
            child.kill()
        except psutil.NoSuchProcess:
            pass


def wait_for(check, timeout: float, what: str, interval: float = 0.5):
    """Poll `check()` until it returns something truthy; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = check()
        if got:
            return got
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def healthy(api: str, proc: subprocess.Popen) -> bool:
    assert proc.poll() is None, f"prefect server exited with {proc.returncode}"
    try:
        return httpx.get(f"{api}/health", timeout=3).status_code == 200
    except httpx.HTTPError:
        return False


def trigger_run(stack: Stack, params: dict, deployment: str = DEPLOYMENT) -> str:
    """`prefect deployment run newslake/hourly --params ...`; returns the new flow run's id."""
    out = stack.cli("deployment", "run", deployment, "--params", json.dumps(params))
    found = re.search(r"UUID: ([0-9a-f-]{36})", out)
    assert found, out
    return found.group(1)


def wait_finished(stack: Stack, flow_run_id: str, timeout: float = RUN_TIMEOUT_S) -> dict:
    """The flow run, once it reached a terminal state (bounded)."""
    with stack.client() as c:
        def done():
            run = c.get(f"/flow_runs/{flow_run_id}").json()
            return run if (run.get("state") or {}).get("type") in TERMINAL else None
        try:
            return wait_for(done, timeout, f"flow run {flow_run_id} to finish", interval=1)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{stack.log_tail('worker')}") from None


def artifacts_of(stack: Stack, flow_run_id: str) -> dict[str, dict]:
    """The flow run's artifacts by key."""
    with stack.client() as c:
        got = c.post("/artifacts/filter", json={"artifacts": {"flow_run_id": {"any_": [flow_run_id]}}}).json()
    return {a["key"]: a for a in got}


def task_runs_of(stack: Stack, flow_run_id: str) -> list[dict]:
    with stack.client() as c:
        return c.post("/task_runs/filter", json={"task_runs": {"flow_run_id": {"any_": [flow_run_id]}},
                                                  "limit": 200}).json()


@pytest.fixture(scope="session")
def prefect_stack(tmp_path_factory):
    """Server (UI on) + work pool + `prefect deploy --all` from the repo root + a process worker."""
    tmp = tmp_path_factory.mktemp("prefect-stack")
    inbox, lake = tmp / "inbox", tmp / "lake"
    inbox.mkdir()
    for src in sorted(SEED_ARTICLES.glob("*.txt"))[:N_SEEDS]:
        shutil.copy(src, inbox / src.name)
    port = free_port()
    api, ui = f"http://127.0.0.1:{port}/api", f"http://127.0.0.1:{port}"
    env = clean_env(PREFECT_HOME=str(tmp / "prefect-home"), PREFECT_API_URL=api)
    stack = Stack(api=api, ui=ui, env=env, tmp=tmp, inbox=inbox, lake=lake)
    procs: list[subprocess.Popen] = []
    try:
        stack.logs["server"] = tmp / "server.log"
        server = start([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                       stack.logs["server"], clean_env(**env, PREFECT_UI_ENABLED="true", PREFECT_UI_API_URL=api))
        procs.append(server)
        try:
            wait_for(lambda: healthy(api, server), SERVER_START_S, "the prefect server's /api/health")
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{stack.log_tail('server')}") from None
        stack.cli("work-pool", "create", POOL, "--type", "process")
        # deploy as a user would from the clone; scheduled runs (if the hour strikes) stay in tmp
        stack.cli("deploy", "--all", env={**env, "NEWSLAKE_INBOX": str(inbox), "NEWSLAKE_LAKE": str(lake)})
        with stack.client() as c:
            stack.deployment = c.get(f"/deployments/name/{DEPLOYMENT}").json()
            for sched in stack.deployment.get("schedules", []):  # no hourly run in the middle of the tests
                c.patch(f"/deployments/{stack.deployment['id']}/schedules/{sched['id']}", json={"active": False})
        stack.logs["worker"] = tmp / "worker.log"
        procs.append(start([str(BIN / "prefect"), "worker", "start", "--pool", POOL],
                           stack.logs["worker"], {**env, "PREFECT_WORKER_QUERY_SECONDS": "2"}))
        yield stack
    finally:
        for proc in reversed(procs):
            stop(proc)


@pytest.fixture(scope="session")
def deployment_runs(prefect_stack):
    """Two deployment runs on the same inbox: the first loads it, the second finds it unchanged."""
    params = {"paths": [str(prefect_stack.inbox)], "lake": str(prefect_stack.lake)}
    runs = []
    for _ in range(2):
        run_id = trigger_run(prefect_stack, params)
        runs.append(wait_finished(prefect_stack, run_id))
    return runs
