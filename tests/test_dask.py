"""--runner dask: a real Dask scheduler and two workers on loopback give the same tables as a local run."""
import os
import signal
import subprocess
import time

import pytest

from conftest import BIN, SEED_ARTICLES, free_port, run_cli, snapshot

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    port = free_port()
    address = f"127.0.0.1:{port}"
    logs = tmp_path_factory.mktemp("dask-logs")
    procs = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], stdout=open(logs / "scheduler.log", "wb"),
                              stderr=subprocess.STDOUT, start_new_session=True)]
    for i in range(2):
        procs.append(subprocess.Popen([str(BIN / "dask"), "worker", f"tcp://{address}", "--nworkers", "1",
                                       "--nthreads", "1", "--no-dashboard", "--name", f"w{i}"],
                                      stdout=open(logs / f"worker{i}.log", "wb"), stderr=subprocess.STDOUT,
                                      start_new_session=True))
    try:
        from distributed import Client
        deadline = time.monotonic() + 120
        while True:
            try:
                with Client(address, timeout=5) as client:
                    client.wait_for_workers(2, timeout=max(1, deadline - time.monotonic()))
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        yield address
    finally:
        for p in procs:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)


def test_dask_runner_matches_a_local_run(tmp_path, dask_cluster, cli_env):
    local, remote = tmp_path / "local", tmp_path / "dask"
    done = run_cli(["run", SEED_ARTICLES, "--lake", local, "--workers", "1"], cli_env)
    assert done.returncode == 0, done.stderr[-2000:]
    done = run_cli(["run", SEED_ARTICLES, "--lake", remote, "--runner", "dask", "--dask-address", dask_cluster],
                   cli_env, extra_env={"NEWSLAKE_CHUNK_SIZE": "2"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert snapshot(remote) == snapshot(local)
