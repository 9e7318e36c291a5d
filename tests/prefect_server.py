"""A real Prefect server with its UI, the prefect.yaml deployment, a process worker and `newslake serve`.

A pytest plugin (`pytest_plugins = ("prefect_server",)` in test_deploy.py and test_ui_browser.py), so both
modules share one server, one deployment and the same flow runs; everything started is stopped at the end.
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
SERVED = "newslake/served"
SERVER_START_S = 240
RUN_TIMEOUT_S = 300
CLI_TIMEOUT_S = 180
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
RETRY_STATUS = {429, 503}  # the server's "try again": SQLite busy while the worker, serve and deploy write too
RETRY_DELAYS_S = (0.5, 1, 2, 4, 8, 15)


class RetryTransport(httpx.HTTPTransport):
    """Retries what the Prefect server marks as retryable, with backoff, as Prefect's own client does."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        for delay in RETRY_DELAYS_S:
            response = super().handle_request(request)
            if response.status_code not in RETRY_STATUS:
                return response
            response.read()
            response.close()
            time.sleep(delay)
        return super().handle_request(request)


@dataclass
class Stack:
    """The session's server and what runs against it, with helpers to drive it through its API."""
    api: str
    ui: str
    env: dict
    tmp: Path
    inbox: Path
    lake: Path
    n_seeds: int
    root: Path = ROOT
    logs: dict = field(default_factory=dict)
    procs: dict = field(default_factory=dict)
    deployment: dict = field(default_factory=dict)

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.api, timeout=30, transport=RetryTransport())

    def log_tail(self, name: str, n: int = 4000) -> str:
        path = self.logs.get(name)
        return f"\n--- {name} log ---\n" + (path.read_text(errors="replace")[-n:] if path and path.exists() else "")

    def cli(self, *args: str, env: dict | None = None) -> str:
        """Run a `prefect` command from the repo root against the server; returns its output."""
        proc = subprocess.run([str(BIN / "prefect"), *args], cwd=ROOT, env=env or self.env, text=True,
                              capture_output=True, timeout=CLI_TIMEOUT_S, start_new_session=True)
        out = proc.stdout + proc.stderr
        assert proc.returncode == 0, f"prefect {' '.join(args)} failed ({proc.returncode}):\n{out[-4000:]}"
        return out

    def start(self, name: str, args: list[str], env: dict | None = None) -> subprocess.Popen:
        """A background process in its own process group, logged to tmp/NAME.log, stopped at teardown."""
        self.logs[name] = self.tmp / f"{name}.log"
        with open(self.logs[name], "wb") as f:
            proc = subprocess.Popen(args, cwd=ROOT, env=env or self.env, stdout=f, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        self.procs[name] = proc
        return proc

    def run_via_cli(self, params: dict, deployment: str = DEPLOYMENT) -> str:
        """`prefect deployment run DEPLOYMENT --params JSON`; returns the new flow run's id."""
        out = self.cli("deployment", "run", deployment, "--params", json.dumps(params))
        found = re.search(r"UUID: ([0-9a-f-]{36})", out)
        assert found, out
        return found.group(1)

    def run_via_api(self, params: dict, deployment: str = DEPLOYMENT) -> str:
        """The same through the REST API (no CLI start-up cost); returns the new flow run's id."""
        with self.client() as c:
            dep = c.get(f"/deployments/name/{deployment}").json()
            r = c.post(f"/deployments/{dep['id']}/create_flow_run", json={"parameters": params})
            assert r.status_code in (200, 201), (r.status_code, r.text)
            return r.json()["id"]

    def wait_finished(self, flow_run_id: str, log: str = "worker") -> dict:
        """The flow run once it reached a terminal state (bounded)."""
        with self.client() as c:
            def done():
                run = c.get(f"/flow_runs/{flow_run_id}").json()
                return run if (run.get("state") or {}).get("type") in TERMINAL else None
            try:
                return wait_for(done, RUN_TIMEOUT_S, f"flow run {flow_run_id} to finish", interval=1)
            except AssertionError as exc:
                raise AssertionError(f"{exc}{self.log_tail(log)}") from None

    def artifacts(self, flow_run_id: str) -> dict[str, dict]:
        """The flow run's artifacts by key."""
        with self.client() as c:
            got = c.post("/artifacts/filter", json={"artifacts": {"flow_run_id": {"any_": [flow_run_id]}}})
        return {a["key"]: a for a in got.json()}

    def task_runs(self, flow_run_id: str) -> list[dict]:
        with self.client() as c:
            return c.post("/task_runs/filter", json={"task_runs": {"flow_run_id": {"any_": [flow_run_id]}},
                                                      "limit": 200}).json()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(**extra: str) -> dict:
    """This process's environment without Prefect/newslake settings, plus quiet defaults and `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NEWSLAKE_"))}
    env.update({"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}, **extra)
    return env


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
        if got := check():
            return got
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def healthy(api: str, proc: subprocess.Popen) -> bool:
    assert proc.poll() is None, f"prefect server exited with {proc.returncode}"
    try:
        return httpx.get(f"{api}/health", timeout=3).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture(scope="session")
def prefect_stack(tmp_path_factory):
    """Server (UI on) + `newslake serve` + work pool + `prefect deploy --all` from the repo root + a worker."""
    tmp = tmp_path_factory.mktemp("prefect-stack")
    inbox, lake = tmp / "inbox", tmp / "lake"
    inbox.mkdir()
    seeds = sorted(SEED_ARTICLES.glob("*.txt"))[:2]
    for src in seeds:
        shutil.copy(src, inbox / src.name)
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = clean_env(PREFECT_HOME=str(tmp / "prefect-home"), PREFECT_API_URL=api)
    stack = Stack(api=api, ui=f"http://127.0.0.1:{port}", env=env, tmp=tmp, inbox=inbox, lake=lake,
                  n_seeds=len(seeds))
    try:
        server = stack.start("server", [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1",
                                        "--port", str(port)],
                             {**env, "PREFECT_UI_ENABLED": "true", "PREFECT_UI_API_URL": api,
                              "PREFECT_SERVER_DATABASE_TIMEOUT": "60"})
        try:
            wait_for(lambda: healthy(api, server), SERVER_START_S, "the prefect server's /api/health")
        except AssertionError as exc:
            raise AssertionError(f"{exc}{stack.log_tail('server')}") from None
        stack.start("serve", [str(BIN / "newslake"), "serve", str(inbox), "--lake", str(tmp / "serve-lake"),
                              "--name", SERVED.split("/")[1]])
        stack.cli("work-pool", "create", POOL, "--type", "process")
        stack.start("worker", [str(BIN / "prefect"), "worker", "start", "--pool", POOL],
                    {**env, "PREFECT_WORKER_QUERY_SECONDS": "2"})
        # deploy as a user would from the clone; defaults point into tmp in case the hour strikes
        stack.cli("deploy", "--all", env={**env, "NEWSLAKE_INBOX": str(inbox), "NEWSLAKE_LAKE": str(lake)})
        with stack.client() as c:
            stack.deployment = c.get(f"/deployments/name/{DEPLOYMENT}").json()
            for sched in stack.deployment.get("schedules", []):  # no hourly run in the middle of the tests
                c.patch(f"/deployments/{stack.deployment['id']}/schedules/{sched['id']}",
                        json={"active": False}).raise_for_status()
        yield stack
    finally:
        for proc in reversed(stack.procs.values()):
            stop(proc)


@pytest.fixture(scope="session")
def served_run(prefect_stack):
    """`newslake serve`'s deployment once registered, and the id of a run of it (left running)."""
    proc = prefect_stack.procs["serve"]
    with prefect_stack.client() as c:
        def registered():
            assert proc.poll() is None, f"newslake serve exited{prefect_stack.log_tail('serve')}"
            r = c.get(f"/deployments/name/{SERVED}")
            return r.json() if r.status_code == 200 else None
        dep = wait_for(registered, 180, f"`newslake serve` to register {SERVED}")
    return dep, prefect_stack.run_via_api({}, SERVED)


@pytest.fixture(scope="session")
def deployment_runs(prefect_stack, served_run):
    """Worker runs of newslake/hourly on one inbox: the first loads it; then two at once, which collide.

    Returns (first, second, collided): `second` is whichever of the pair got the deployment's one
    concurrency slot and ran (finding every file unchanged), `collided` the one that did not.
    (The served run, started before, runs alongside: the session waits for the slowest, not the sum.)
    """
    params = {"paths": [str(prefect_stack.inbox)], "lake": str(prefect_stack.lake)}
    first = prefect_stack.wait_finished(prefect_stack.run_via_cli(params))
    pair = [prefect_stack.run_via_api(params) for _ in range(2)]
    second, collided = sorted((prefect_stack.wait_finished(run_id) for run_id in pair),
                              key=lambda run: run["state"]["type"] != "COMPLETED")
    return first, second, collided
