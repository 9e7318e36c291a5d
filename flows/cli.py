"""The `newslake` command: run the flow, query the lake, or serve the flow on a schedule."""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib
import json
import os
import sys

from flows import runners

QUIET_PREFECT = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
    "PREFECT_UI_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
}

# modules Prefect imports lazily during a flow run (its engines, parameter serialisation with FastAPI's
# encoder, the task-visualisation tracker, artifacts)
FLOW_RUN_IMPORTS = ("prefect.flow_engine", "prefect.task_engine", "prefect.utilities.visualization",
                    "prefect.artifacts", "fastapi.encoders")


def _temporary_server_settings() -> dict:
    """Settings for a flow run on a temporary server: no flow-run heartbeats. They let a long-lived
    server notice crashed runs; this one ends with the run, and Prefect's sync engine waits up to a
    second for the heartbeat thread's sleep when the flow returns."""
    import prefect.settings
    return {prefect.settings.PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}


def quiet_prefect() -> None:
    """Telemetry off and only warnings on the console (the UI still gets every log)."""
    for k, v in QUIET_PREFECT.items():
        os.environ.setdefault(k, v)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="newslake", description="News articles -> a DuckDB/Parquet lake of documents and events.")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="ingest inputs and rebuild the lake's tables (a Prefect flow run)")
    r.add_argument("paths", nargs="*", metavar="PATH", help="files, directories or globs (default: bundled seeds)")
    r.add_argument("--lake", default="lake", help="lake directory (default ./lake)")
    r.add_argument("--workers", type=int, default=None, help="parallel workers (default: CPU count)")
    r.add_argument("--runner", choices=("thread", "process", "dask"), default="process")
    r.add_argument("--dask-address", default=None, metavar="HOST:PORT")
    r.add_argument("--published-at", default=None, metavar="DATE", type=_iso_date,
                   help="publication date for inputs that carry none (YYYY-MM-DD)")
    r.add_argument("--json", action="store_true", help="print the summary as JSON")
    q = sub.add_parser("sql", help="run a read-only SQL query against the lake")
    q.add_argument("query")
    q.add_argument("--lake", default="lake")
    q.add_argument("--format", choices=("table", "csv", "json"), default="table")
    s = sub.add_parser("serve", help="serve the flow on a schedule from this host (flow.serve)")
    s.add_argument("paths", nargs="*", metavar="PATH", help="what each run ingests (default ./inbox)")
    s.add_argument("--lake", default="lake", help="lake directory (default ./lake)")
    s.add_argument("--cron", default="0 * * * *", help="cron schedule, UTC (default hourly: '0 * * * *')")
    s.add_argument("--name", default="hourly", help="deployment name: newslake/NAME (default hourly)")
    return p.parse_args(argv)


def _iso_date(value: str) -> str:
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


LOG_DIR = ".logs"  # under the lake: one log file per `newslake run`
KEEP_LOGS = 20


def cmd_run(a: argparse.Namespace) -> int:
    """`newslake run` with everything written to stderr (tracebacks, library noise, worker output) sent to
    a log file in the lake; the terminal gets the summary, or one line saying what failed and where the
    log is."""
    log_path, saved = _stderr_to_log(a.lake)
    terminal = os.fdopen(os.dup(saved), "w", buffering=1) if saved is not None else sys.stderr
    from tasks.lock import set_terminal
    set_terminal(terminal)
    try:
        return _cmd_run(a, terminal, log_path)
    except BaseException as exc:  # noqa: BLE001 - the one line; the log keeps the traceback
        import traceback
        traceback.print_exc()
        if isinstance(exc, KeyboardInterrupt):
            print(f"newslake: run interrupted (log: {log_path})", file=terminal)
            return 130
        print(f"newslake: run failed: {_one_line(exc)} (full log: {log_path})", file=terminal)
        return 1
    finally:
        sys.stderr.flush()
        set_terminal(None)
        if saved is not None:
            os.dup2(saved, 2)
            os.close(saved)
        if terminal is not sys.stderr:
            terminal.close()


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{exc.__class__.__name__}: {text[:300]}{'...' if len(text) > 300 else ''}"


def _stderr_to_log(lake: str) -> tuple[str, int | None]:
    """Point file descriptor 2 (this process and every worker it starts) at a new log file under the lake;
    returns its path and a duplicate of the old stderr (None when the log cannot be made)."""
    try:
        log_dir = os.path.join(lake, LOG_DIR)
        os.makedirs(log_dir, exist_ok=True)
        old = sorted(f for f in os.listdir(log_dir) if f.startswith("run-") and f.endswith(".log"))
        for f in old[:max(0, len(old) - KEEP_LOGS + 1)]:
            try:
                os.unlink(os.path.join(log_dir, f))
            except OSError:
                pass
        path = os.path.join(log_dir, f"run-{dt.datetime.now(dt.timezone.utc):%Y%m%dT%H%M%S%fZ}-{os.getpid()}.log")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    except OSError:
        return "(no log: the lake directory is not writable)", None
    sys.stderr.flush()
    saved = os.dup(2)
    os.dup2(fd, 2)
    os.close(fd)
    return os.path.abspath(path), saved


def _cmd_run(a: argparse.Namespace, terminal, log_path: str) -> int:
    quiet_prefect()
    server = None
    if not os.environ.get("PREFECT_API_URL"):
        done = _run_if_unchanged(a, terminal)
        if done is not None:
            return done
        from flows.server import TemporaryServer
        server = TemporaryServer()  # starts now; overlaps with the imports below
    warm_here = _start_workers_early(a)
    try:
        from prefect.settings import PREFECT_API_URL, temporary_settings
        from flows.newslake import newslake_flow
        from tasks.lock import LakeBusy
        for module in FLOW_RUN_IMPORTS + (runners.WARM_MODULE,) * warm_here:
            importlib.import_module(module)  # what the run would import on its way; now, while the server boots
        updates = {PREFECT_API_URL: server.wait_ready() if server else os.environ["PREFECT_API_URL"]}
        if server:
            updates.update(_temporary_server_settings())
        with temporary_settings(updates=updates):
            try:
                result = newslake_flow(paths=a.paths or None, lake=a.lake, workers=a.workers, runner=a.runner,
                                       dask_address=a.dask_address, published_at=a.published_at)
            except LakeBusy as exc:
                print(f"newslake: {exc}", file=terminal)
                return 3
    finally:
        if server:
            _drain_prefect_workers()
            server.stop()
    _print_result(a, result)
    return 0


def _run_if_unchanged(a: argparse.Namespace, terminal=None) -> int | None:
    """Exit status of a run that found every input unchanged (no Prefect server needed), else None."""
    from flows.unchanged import run_if_unchanged
    from tasks.lock import LakeBusy
    try:
        result = run_if_unchanged(_run_settings(a))
    except LakeBusy as exc:
        print(f"newslake: {exc}", file=terminal or sys.stderr)
        return 3
    except Exception:  # whatever stopped the check (say an unreadable ledger), the flow meets and reports it
        return None
    if result is None:
        return None
    _print_result(a, result)
    return 0


def _print_result(a: argparse.Namespace, result: dict) -> None:
    """The run summary on stdout: the one-screen text, or JSON with --json."""
    from flows import summary
    print(json.dumps(result, indent=2, default=str) if a.json else summary.format_summary(result))


def _run_settings(a: argparse.Namespace):
    """The settings `newslake run` gives its flow, for the checks made before the flow starts."""
    from tasks.config import Settings
    return Settings(paths=tuple(a.paths), lake=a.lake, runner=a.runner,
                    **({"workers": a.workers} if a.workers else {}))


def _start_workers_early(a: argparse.Namespace) -> bool:
    """Start the worker pool's fork server now when the run will use it (it warms up meanwhile);
    True when the stages will run in this process instead, so their caches are worth warming here."""
    settings = _run_settings(a)
    if runners.needs_pool(settings):
        runners.start_fork_server()
        return False
    return settings.runner in ("process", "thread")


def _drain_prefect_workers(timeout_s: float = 15.0) -> None:
    """Send buffered logs and events to the API before the temporary server goes away."""
    try:
        from prefect.events.worker import EventsWorker
        from prefect.logging.handlers import APILogWorker
    except ImportError:
        return
    for worker in (APILogWorker, EventsWorker):
        try:
            worker.drain_all(timeout=timeout_s)
        except Exception:  # nothing to send, or the service never started
            pass


def cmd_sql(a: argparse.Namespace) -> int:
    import duckdb
    from tasks.models import database_path
    db = database_path(a.lake)
    if not db.exists():
        print(f"newslake: no lake database at {db} (run `newslake run --lake {a.lake}` first)", file=sys.stderr)
        return 2
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error as exc:
        print(f"newslake: cannot open {db}: {exc}", file=sys.stderr)
        return 2
    try:
        cur = con.execute(a.query)
        cols = [d[0] for d in cur.description or []]
        rows = cur.fetchall()
    except duckdb.Error as exc:
        print(f"newslake: query failed: {exc}", file=sys.stderr)
        return 1
    finally:
        con.close()
    write_result(cols, rows, a.format, sys.stdout)
    return 0


def write_result(cols: list[str], rows: list[tuple], fmt: str, out) -> None:
    """Print a result set as an aligned table, CSV or JSON lines."""
    if fmt == "csv":
        w = csv.writer(out, lineterminator="\n")
        w.writerow(cols)
        w.writerows([[_cell(v) for v in r] for r in rows])
    elif fmt == "json":
        for r in rows:
            out.write(json.dumps(dict(zip(cols, r)), default=str, ensure_ascii=False) + "\n")
    else:
        cells = [[_cell(v) for v in r] for r in rows]
        widths = [min(60, max([len(c)] + [len(r[i]) for r in cells])) for i, c in enumerate(cols)]
        out.write("  ".join(c.ljust(widths[i]) for i, c in enumerate(cols)).rstrip() + "\n")
        out.write("  ".join("-" * w for w in widths) + "\n")
        for r in cells:
            out.write("  ".join(v[:60].ljust(widths[i]) for i, v in enumerate(r)).rstrip() + "\n")
        out.write(f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n")


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, (list, tuple)):
        return json.dumps(list(v), default=str, ensure_ascii=False)
    return str(v).replace("\n", "\\n")


def cmd_serve(a: argparse.Namespace) -> int:
    """Register deployment newslake/<name> (cron in UTC) and run its flow runs here until stopped."""
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "INFO")  # a service's terminal is its log
    quiet_prefect()
    from prefect.settings import get_current_settings
    if not get_current_settings().api.url:  # a temporary API server has no scheduler
        print("newslake: serve needs a Prefect server: run `prefect server start`, then "
              "export PREFECT_API_URL=http://127.0.0.1:4200/api", file=sys.stderr)
        return 2
    from prefect.schedules import Cron
    from flows.newslake import newslake_flow
    paths = [os.path.abspath(p) for p in a.paths or ["inbox"]]
    newslake_flow.serve(name=a.name, schedules=[Cron(a.cron, timezone="UTC")], limit=1, tags=["newslake"],
                        parameters={"paths": paths, "lake": os.path.abspath(a.lake)},
                        description=f"newslake serve: ingest {', '.join(paths)} on '{a.cron}' (UTC)")
    return 0


def main(argv: list[str] | None = None) -> int:
    a = parse_args(argv)
    return {"run": cmd_run, "sql": cmd_sql, "serve": cmd_serve}[a.command](a)


def console() -> None:
    """The `newslake` console script: main(), then a quick exit once a run has finished.

    When `run` returns, everything is done: the lake is written and synced, Prefect's log and event
    buffers were drained and the temporary server stopped. What remains is the interpreter freeing
    every object one by one (about 0.5 s after 22k files), which os._exit skips; a `serve` process
    or an error exit ends the usual way."""
    status = main()
    if sys.argv[1:2] == ["run"]:  # also after a failure: no library noise at interpreter exit
        import logging
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    sys.exit(status)


if __name__ == "__main__":
    console()
