"""Shared test set-up: one quiet, isolated Prefect server per session, and the seed articles."""
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED_ARTICLES = ROOT / "seeds" / "articles"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BIN = Path(sys.executable).parent
QUIET = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 180) -> None:
    import httpx
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"prefect server exited with {proc.returncode}")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError("prefect server did not become healthy in time")


@pytest.fixture(scope="session")
def prefect_api(tmp_path_factory):
    """A `prefect server start` on a free loopback port (UI off) shared by the CLI tests."""
    home = tmp_path_factory.mktemp("prefect-home")
    port = free_port()
    env = {**os.environ, **QUIET, "PREFECT_HOME": str(home), "PREFECT_UI_ENABLED": "false",
           "PREFECT_SERVER_DATABASE_TIMEOUT": "60"}
    env.pop("PREFECT_API_URL", None)
    proc = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}/api"
    try:
        wait_healthy(url, proc)
        yield {"url": url, "home": str(home)}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def cli_env(prefect_api):
    """Environment for running the `newslake` console script against the session's server."""
    env = {**os.environ, **QUIET, "PREFECT_HOME": prefect_api["home"], "PREFECT_API_URL": prefect_api["url"]}
    for k in [k for k in env if k.startswith("NEWSLAKE_")]:
        env.pop(k)
    return env


def snapshot(lake: Path) -> dict:
    """Table contents that must not depend on run ids, timings, runners or retries."""
    import duckdb
    con = duckdb.connect(str(Path(lake) / "newslake.duckdb"), read_only=True)
    try:
        q = lambda sql: sorted(map(repr, con.execute(sql).fetchall()))  # noqa: E731
        return {
            "documents": q("select * exclude (run_id) from staging.documents"),
            "lines": q("select * from staging.lines"),
            "entities": q("select * from staging.entities"),
            "event_records": q("select * from marts.event_records"),
            "events": q("select * from marts.events"),
            "live_files": q("select path, doc_id from raw.files qualify row_number() over "
                            "(partition by path order by run_id desc) = 1 "
                            "and status in ('loaded', 'unchanged', 'duplicate')"),
        }
    finally:
        con.close()


def run_cli(args, env, cwd=None, timeout=600, extra_env=None):
    """Run `newslake ARGS` with the venv's console script; returns the CompletedProcess."""
    proc = subprocess.Popen([str(BIN / "newslake"), *map(str, args)], env={**env, **(extra_env or {})}, cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    finally:
        try:  # a killed run may leave children (process pool workers) behind
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, _without_binding_noise(err))


def _without_binding_noise(text: str) -> str:
    """stderr without nanobind's shutdown leak report (printed by DuckDB's bindings after a failure)."""
    return "\n".join(line for line in (text or "").splitlines()
                     if not line.startswith(("nanobind:", " - leaked", "See https://nanobind")))
