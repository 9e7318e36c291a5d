"""A temporary Prefect API server for runs without PREFECT_API_URL, started early and stopped quietly.

Prefect would start the same server itself on the first API call, but only after importing the
server code into this process too, and its shutdown can print CancelledError noise. Starting it
here, first thing, lets its start-up overlap with our own imports; its output goes to a log file.
"""
from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

MARKER_PREFIX = ".newslake-migrated-"
SCHEMA_DIR = Path(__file__).with_name("prefect_schema")
DATABASE_URL_VARIABLES = ("PREFECT_API_DATABASE_CONNECTION_URL", "PREFECT_SERVER_DATABASE_CONNECTION_URL")


def prefect_home() -> Path:
    return Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()


def _prefect_version() -> str:
    from importlib.metadata import version
    return version("prefect")


class TemporaryServer:
    """`uvicorn prefect.server.api.server:create_app` on a free loopback port, UI and services off."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/api"
        self.home = prefect_home()
        self.home.mkdir(parents=True, exist_ok=True)
        self.marker = self.home / f"{MARKER_PREFIX}{_prefect_version()}"
        self.log_path = self.home / "newslake-temporary-server.log"
        env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
               "PREFECT__SERVER_FINAL": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
        env.pop("PREFECT_API_URL", None)
        if self._database_is_migrated(env) or create_database_from_snapshot(self.home, env):
            env["PREFECT_API_DATABASE_MIGRATE_ON_START"] = "false"
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app",
             "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "error", "--lifespan", "on"],
            env=env, stdout=self.log, stderr=self.log, stdin=subprocess.DEVNULL)

    def _database_is_migrated(self, env: dict) -> bool:
        """True when this Prefect version already migrated the default SQLite database here."""
        if any(env.get(v) for v in DATABASE_URL_VARIABLES):
            return False
        return self.marker.exists() and (self.home / "prefect.db").exists()

    def wait_ready(self, timeout_s: float = 300.0) -> str:
        """Block until /health answers; returns the API URL."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the temporary Prefect server exited ({self.proc.returncode}); "
                                   f"see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2) as r:
                    if r.status == 200:
                        self.marker.touch()
                        return self.url
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"the temporary Prefect server did not start in {timeout_s:.0f} s; see {self.log_path}")

    def stop(self) -> None:
        """Terminate the server and wait for it (killed after 10 s)."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def schema_snapshot(version: str | None = None) -> Path:
    """The bundled schema of a migrated Prefect SQLite database, for one Prefect version."""
    return SCHEMA_DIR / f"prefect-{version or _prefect_version()}.sql"


def create_database_from_snapshot(home: Path, env: dict) -> bool:
    """Give a Prefect home without a database one made from the bundled schema snapshot.

    Prefect's ~200 Alembic migrations take about 8 s on a fresh home. The snapshot is what they
    produce for this Prefect version (tests/test_server.py checks it), so this takes milliseconds.
    Returns False, changing nothing, when the home already has a database, when a database URL is
    configured, or when no snapshot matches the installed Prefect: the server then migrates as usual.
    """
    db = home / "prefect.db"
    snapshot = schema_snapshot()
    if any(env.get(v) for v in DATABASE_URL_VARIABLES) or not snapshot.exists() \
            or any(p.exists() for p in (db, Path(f"{db}-wal"), Path(f"{db}-journal"))):
        return False
    fd, tmp = tempfile.mkstemp(prefix=".prefect.db.", suffix=".tmp", dir=home)
    os.close(fd)
    try:
        con = sqlite3.connect(tmp)
        try:
            con.executescript(snapshot.read_text(encoding="utf-8"))
            con.execute("pragma journal_mode = wal")
        finally:
            con.close()
        os.link(tmp, db)  # fails if another run created it meanwhile: theirs is as good
    except (OSError, sqlite3.Error):
        return db.exists()
    finally:
        Path(tmp).unlink(missing_ok=True)
    return True


def write_schema_snapshot(dest: Path | None = None) -> Path:
    """Migrate an empty database in a scratch Prefect home with Prefect's own command and dump its schema."""
    dest = dest or schema_snapshot()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "PREFECT_HOME": home}
        for v in DATABASE_URL_VARIABLES + ("PREFECT_API_URL",):
            env.pop(v, None)
        subprocess.run([sys.executable, "-m", "prefect", "server", "database", "upgrade", "-y"], env=env,
                       check=True, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        con = sqlite3.connect(Path(home) / "prefect.db")
        try:
            text = "\n".join(con.iterdump()) + "\n"
        finally:
            con.close()
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(text, encoding="utf-8")
    return dest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


if __name__ == "__main__":  # python -m flows.server: refresh the snapshot after a Prefect upgrade
    print(write_schema_snapshot())
