"""Models stage: build the DuckDB database from the landed Parquet and the SQL models in sql/.

The database is built in a temporary file next to the published one and swapped in with
os.replace, so readers always see the last complete snapshot and are never blocked. It is
written with STORAGE_VERSION v1.4.0 so DuckDB 1.x clients can open it too.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import duckdb
import pyarrow as pa

from tasks import land
from tasks.config import SEEDS_DIR, SQL_DIR, rules_version
from tasks.faults import checkpoint
from tasks.schema import TABLES

DB_NAME = "newslake.duckdb"
DEFAULT_MEMORY = "224MB"  # DuckDB's buffers in the build; operators spill to LAKE/.tmp beyond it
OOM_RETRIES = 2
STORAGE_VERSION = "v1.4.0"
MODEL_SCHEMAS_EXCLUDED = {"tests"}
SCRATCH_SCHEMAS = ("landing",)  # build-time only (views over the Parquet): dropped before the swap
SCRATCH_CATALOGS = ("intermediate",)  # build-time only tables, kept in memory: never written to the file


log = logging.getLogger(__name__)


WARN_PREFIX = "warn:"  # build counts of failing `warn` data tests: warn:<test> -> rows


class ModelError(RuntimeError):
    """A SQL model failed to build or a SQL data test returned failing rows."""


@dataclass(frozen=True)
class Model:
    """One SQL model: sql/<schema>/<name>.sql becomes table <schema>.<name>."""
    schema: str
    name: str
    path: Path
    sql: str
    reads: frozenset[str] = field(default_factory=frozenset)

    @property
    def table(self) -> str:
        return f"{self.schema}.{self.name}"


def run_sql(con: duckdb.DuckDBPyConnection, query: str, params: list | None = None) -> list[tuple]:
    """Run one statement and fetch its whole result (DuckDB 2.0 wants results finished)."""
    return con.execute(query, params).fetchall() if params is not None else con.execute(query).fetchall()


def database_path(lake: str | os.PathLike) -> Path:
    return Path(lake) / DB_NAME


def read_sql(path: Path) -> str:
    """The statement in a model file, without comments' trailing semicolons."""
    return path.read_text(encoding="utf-8").strip().rstrip(";").strip()


def referenced_tables(con: duckdb.DuckDBPyConnection, sql: str) -> set[str]:
    """schema.table names a select statement reads, from DuckDB's own parse tree."""
    tree = json.loads(run_sql(con, "select json_serialize_sql(?::varchar)", [sql])[0][0])
    if tree.get("error"):
        raise ModelError(f"cannot parse SQL: {tree.get('error_message')}")
    found: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "BASE_TABLE" and node.get("schema_name"):
                found.add(f"{node['schema_name']}.{node['table_name']}".lower())
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(tree)
    return found


def discover_models(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR) -> list[Model]:
    """Every model under sql/<schema>/, in dependency order (derived from the SQL itself)."""
    models = {}
    for path in sorted(sql_dir.glob("*/*.sql")):
        schema = path.parent.name
        if schema in MODEL_SCHEMAS_EXCLUDED:
            continue
        sql = read_sql(path)
        try:
            reads = frozenset(referenced_tables(con, sql))
        except ModelError as exc:
            raise ModelError(f"{path.relative_to(sql_dir)}: {exc}") from None
        model = Model(schema, path.stem, path, sql, reads)
        models[model.table] = model
    graph = {t: {d for d in m.reads if d in models and d != t} for t, m in models.items()}
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        raise ModelError(f"SQL models depend on each other in a cycle: {exc.args[1]}") from exc
    return [models[t] for t in order]


SEVERITIES = ("error", "warn")
_SEVERITY = re.compile(r"^\s*--\s*severity\s*:\s*(\w+)", re.M)


def data_tests(sql_dir: Path = SQL_DIR) -> list[tuple[str, str]]:
    """(name, sql) of every SQL data test: a select returning the failing rows."""
    return [(p.stem, read_sql(p)) for p in sorted((sql_dir / "tests").glob("*.sql"))]


def test_severity(sql: str) -> str:
    """A data test's severity, from its `-- severity: error|warn` comment (dbt's idea): `error` fails the
    build (structural: keys, ledger coverage), `warn` is counted and reported. Default: error."""
    m = _SEVERITY.search(sql)
    sev = m.group(1).lower() if m else "error"
    return sev if sev in SEVERITIES else "error"


def load_landing(con: duckdb.DuckDBPyConnection, lake: str | os.PathLike) -> dict[str, int]:
    """Views landing.<name> over the committed Parquet of every run (with _run_id); row counts."""
    run_sql(con, "create schema if not exists landing")
    counts = {}
    for name, schema in TABLES.items():
        files = land.committed_parts(lake, name)
        if files:
            run_sql(con,
                f"create view landing.{name} as select * exclude (filename), "
                "regexp_extract(filename, 'run-([^/\\\\]+)[/\\\\]part-', 1) as _run_id "
                f"from read_parquet({_sql_list(files)}, filename = true, union_by_name = true)")
        else:
            empty = schema.append(pa.field("_run_id", pa.string())).empty_table()
            con.register("_empty", empty)
            run_sql(con, f"create table landing.{name} as select * from _empty")
            con.unregister("_empty")
        counts[name] = run_sql(con, f"select count(*) from landing.{name}")[0][0]
    return counts


def _sql_list(paths: list[str]) -> str:
    """A SQL list literal of file paths (views cannot take bound parameters)."""
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"


def load_seeds(con: duckdb.DuckDBPyConnection, seeds_dir: Path = SEEDS_DIR) -> list[str]:
    """Every seeds/*.csv as table seeds.<stem>, so SQL models can use the reference data."""
    run_sql(con, "create schema if not exists seeds")
    names = []
    for path in sorted(seeds_dir.glob("*.csv")):
        if not re.fullmatch(r"[a-z][a-z0-9_]*", path.stem):
            continue
        run_sql(con, f"create table seeds.{path.stem} as select * from read_csv(?, header = true, "
                    "all_varchar = true)", [str(path)])
        names.append(path.stem)
    return names


def run_models(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR) -> dict[str, int]:
    """Create every model table in dependency order; returns row counts."""
    counts = {}
    catalogs = {row[0] for row in run_sql(con, "select database_name from duckdb_databases()")}
    ordered = discover_models(con, sql_dir)
    tested = set().union(*(referenced_tables(con, sql) for _, sql in data_tests(sql_dir)))
    for i, m in enumerate(ordered):
        if m.schema not in catalogs:  # an attached scratch catalog takes the schema's place
            run_sql(con, f"create schema if not exists {m.schema}")
        try:
            run_sql(con, f"create or replace table {m.table} as\n{m.sql}")
        except duckdb.Error as exc:
            raise ModelError(f"model {m.table} ({m.path.name}) failed: {exc}") from exc
        counts[m.table] = run_sql(con, f"select count(*) from {m.table}")[0][0]
        for done in finished_scratch(ordered, i, tested, scratch=set(SCRATCH_CATALOGS) & catalogs):
            run_sql(con, f"drop table {done}")
    return counts


def finished_scratch(ordered: list[Model], i: int, keep: set[str] = frozenset(),
                     scratch: set[str] = frozenset(SCRATCH_CATALOGS)) -> list[str]:
    """Tables of the attached scratch catalogs that the i-th model was the last to read (or that
    nothing reads): their memory can go before the next model."""
    later = set(keep).union(*(m.reads for m in ordered[i + 1:]))
    return [m.table for m in ordered[:i + 1]
            if m.schema in scratch and m.table not in later
            and m.table in ordered[i].reads | {ordered[i].table}]


def run_data_tests(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR,
                   warnings: dict[str, int] | None = None) -> list[str]:
    """Names and first failing rows of the `error` SQL data tests that returned rows; the failing row
    counts of `warn` tests go into `warnings` (name -> rows)."""
    failures = []
    for name, sql in data_tests(sql_dir):
        if test_severity(sql) == "warn":
            n = run_sql(con, f"select count(*) from ({sql})")[0][0]
            if n:
                log.info("SQL data test %s (severity warn): %d rows", name, n)
                if warnings is not None:
                    warnings[name] = n
            continue
        rows = run_sql(con, f"select * from ({sql}) limit 5")
        if rows:
            failures.append(f"{name}: {rows[:3]}")
    return failures


def duckdb_config(lake: str | os.PathLike, memory_limit: str | None = None) -> dict:
    """Bounded memory (spilling to the lake's scratch directory) for model builds."""
    scratch = Path(lake) / ".tmp"
    scratch.mkdir(parents=True, exist_ok=True)
    return {"memory_limit": memory_limit or memory_budget(), "temp_directory": str(scratch),
            "preserve_insertion_order": False}


def memory_budget() -> str:
    """DuckDB's memory limit for the build: NEWSLAKE_DUCKDB_MEMORY, else DEFAULT_MEMORY."""
    return os.environ.get("NEWSLAKE_DUCKDB_MEMORY") or DEFAULT_MEMORY


def doubled(limit: str) -> str:
    """A memory limit such as '224MB' or '1.5GiB', twice as large."""
    m = re.fullmatch(r"\s*([0-9.]+)\s*([A-Za-z]*)\s*", limit)
    if not m:
        raise ValueError(f"not a memory limit: {limit!r}")
    n = float(m.group(1)) * 2
    return f"{int(n) if n.is_integer() else n}{m.group(2) or 'B'}"


def build_database(lake: str | os.PathLike, run_id: str, sql_dir: Path = SQL_DIR) -> dict[str, int]:
    """build_at_limit under the memory budget; a model that runs out of it gets the build started
    again with twice the limit, up to OOM_RETRIES times, each with a warning."""
    limit = memory_budget()
    for _ in range(OOM_RETRIES):
        try:
            return build_at_limit(lake, run_id, sql_dir, limit)
        except (ModelError, duckdb.OutOfMemoryException) as exc:
            if not isinstance(exc.__cause__ if isinstance(exc, ModelError) else exc, duckdb.OutOfMemoryException):
                raise
            log.warning("the model build ran out of memory at memory_limit %s; building again with %s "
                        "(set NEWSLAKE_DUCKDB_MEMORY to start there): %s", limit, doubled(limit), exc)
            limit = doubled(limit)
    return build_at_limit(lake, run_id, sql_dir, limit)


def build_at_limit(lake: str | os.PathLike, run_id: str, sql_dir: Path = SQL_DIR,
                   memory_limit: str | None = None) -> dict[str, int]:
    """Build the whole database off to the side, test it, then swap it in atomically."""
    final = database_path(lake)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.with_name(f".{DB_NAME}.{run_id}.tmp")
    for stale in final.parent.glob(f".{DB_NAME}.*.tmp*"):
        stale.unlink(missing_ok=True)
    con = duckdb.connect(config=duckdb_config(lake, memory_limit))
    try:
        run_sql(con, "set enable_progress_bar = false")
        run_sql(con, "attach ? as lake (storage_version '" + STORAGE_VERSION + "')", [str(tmp)])
        run_sql(con, "use lake")
        for scratch in SCRATCH_CATALOGS:
            run_sql(con, f"attach ':memory:' as {scratch}")
        load_landing(con, lake)
        load_seeds(con)
        checkpoint("landing-loaded")
        counts = run_models(con, sql_dir)
        warnings: dict[str, int] = {}
        failures = run_data_tests(con, sql_dir, warnings)
        counts.update({f"{WARN_PREFIX}{k}": v for k, v in warnings.items()})
        if failures:
            raise ModelError("SQL data tests failed: " + "; ".join(failures))
        for scratch in SCRATCH_SCHEMAS:
            run_sql(con, f"drop schema if exists {scratch} cascade")
        for scratch in SCRATCH_CATALOGS:
            run_sql(con, f"detach {scratch}")
        run_sql(con, "checkpoint")
        run_sql(con, "use memory")
        run_sql(con, "detach lake")
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
        raise
    con.close()
    shutil.rmtree(Path(lake) / ".tmp", ignore_errors=True)
    _fsync(tmp)
    checkpoint("before-swap")
    os.replace(tmp, final)
    _write_stamp(lake, run_id)
    return counts


def build_and_describe(lake: str | os.PathLike, run_id: str) -> tuple[dict[str, int], dict]:
    """build_database, then lake_facts of the new database: both in the build's own process, whose
    memory goes back to the OS when it ends."""
    return build_database(lake, run_id), lake_facts(lake, run_id)


def lake_facts(lake: str | os.PathLike, run_id: str) -> dict:
    """What the run summary reports from the published database: languages, conflicting events and
    the events this run's documents touch."""
    con = duckdb.connect(str(database_path(lake)), read_only=True,
                         config={"memory_limit": memory_budget(), "threads": 1})
    try:
        langs = run_sql(con, "select language, count(*) from staging.documents group by 1 order by 2 desc, 1")
        conflicts = run_sql(con,
            "select event_id, event_type, actor1, actor2, location, n_sources, date_values "
            "from marts.events where date_conflict or location_conflict "
            "order by n_sources desc, event_id limit 10")
        touched = run_sql(con,
            "select e.event_id, e.event_type, e.actor1, e.actor2, e.location, "
            "cast(e.event_date as varchar), e.n_sources, e.n_records, e.date_conflict, e.location_conflict "
            "from marts.events e where e.event_id in (select r.event_id from marts.event_records r "
            "join staging.documents d using (doc_id) where d.run_id = ?) "
            "order by e.n_sources desc, e.event_id limit 200", [run_id])
    finally:
        con.close()
    return {"languages_in_lake": dict(langs),
            "conflicting_events": [list(map(_plain, c)) for c in conflicts],
            "touched_events": [list(map(_plain, t)) for t in touched]}


def _plain(v):
    return v if isinstance(v, (int, float, bool, type(None))) else str(v)


BUILD_STAMP = Path(".cache") / "build.json"


def build_fingerprint(sql_dir: Path = SQL_DIR, seeds_dir: Path = SEEDS_DIR) -> str:
    """Hash of every SQL model and seed table: a new one means the marts must be rebuilt."""
    h = hashlib.sha256()
    for p in sorted(list(sql_dir.glob("**/*.sql")) + list(seeds_dir.glob("*.csv"))):
        h.update(str(p.relative_to(p.parents[1])).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def is_current(lake: str | os.PathLike) -> bool:
    """True when the published database was built by the present SQL models and seeds."""
    stamp = Path(lake) / BUILD_STAMP
    if not database_path(lake).exists() or not stamp.exists():
        return False
    try:
        built = json.loads(stamp.read_text())
        return built["fingerprint"] == build_fingerprint() and built.get("rules_version") == rules_version()
    except (OSError, ValueError, KeyError):
        return False


def _write_stamp(lake: str | os.PathLike, run_id: str) -> None:
    stamp = Path(lake) / BUILD_STAMP
    stamp.parent.mkdir(parents=True, exist_ok=True)
    tmp = stamp.with_suffix(".tmp")
    tmp.write_text(json.dumps({"fingerprint": build_fingerprint(), "rules_version": rules_version(),
                               "run_id": run_id}))
    os.replace(tmp, stamp)


def append_ledger(lake: str | os.PathLike, run_id: str, ledger: pa.Table) -> dict[str, int]:
    """Only ledger rows changed: copy the database, append them to raw.files, swap the copy in."""
    final = database_path(lake)
    tmp = final.with_name(f".{DB_NAME}.{run_id}.tmp")
    shutil.copyfile(final, tmp)
    con = duckdb.connect()
    try:
        run_sql(con, "attach ? as lake", [str(tmp)])
        con.register("new_rows", ledger)
        run_sql(con, "insert into lake.raw.files by name select * from new_rows")
        con.unregister("new_rows")
        counts = dict(run_sql(con, "select 'raw.files', count(*) from lake.raw.files union all "
                                   "select 'staging.documents', count(*) from lake.staging.documents union all "
                                   "select 'marts.event_records', count(*) from lake.marts.event_records union all "
                                   "select 'marts.events', count(*) from lake.marts.events"))
        run_sql(con, "checkpoint lake")
        run_sql(con, "detach lake")
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    con.close()
    _fsync(tmp)
    checkpoint("before-swap")
    os.replace(tmp, final)
    return counts


def _fsync(path: Path) -> None:
    with open(path, "rb") as f:
        os.fsync(f.fileno())
