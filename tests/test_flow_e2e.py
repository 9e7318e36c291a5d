"""End to end: `newslake run` on the bundled seeds, then the contract tables checked against the seeds' gold."""
import duckdb
import pytest

from conftest import run_cli

CONTRACT = {
    "raw.files": "file_id path size_bytes content_sha256 doc_id status reason run_id seen_at",
    "staging.documents": "doc_id source_uri source_name url title authors section published_at "
                         "published_at_origin language language_confidence body_text n_lines n_body_lines run_id "
                         "rules_version",
    "staging.lines": "doc_id line_no text kind kept reason language",
    "staging.entities": "doc_id sentence_id kind text canonical role country_code char_start char_end",
    "marts.event_records": "record_id doc_id event_id source_name event_type cameo_code actor1 actor1_role "
                           "actor2 actor2_role location location_country event_date event_date_raw "
                           "date_precision sentence_id evidence trigger trigger_start trigger_end factuality "
                           "confidence is_main is_background",
    "marts.events": "event_id event_type actor1 actor2 location event_date n_sources n_records doc_ids "
                    "date_conflict location_conflict date_values",
}
SEED_TITLES = {
    "000_793bf87cc70f2d1d.txt": "UN Chief Guterres To Meet Putin In Russia First Time Since April 2022 Amid Ukraine War",
    "001_884b6f865b7eca03.txt": "UN chief to meet with Putin, Zelenskyy to press for peace",
    "002_8c0d3fb5cfbb4bbe.txt": "The Secretary-General of the United Nations heads to Russia to meet Putin",
    "003_3a377a8fd62b2179.txt": "UN Secretary General to visit Moscow next week to meet with Vladimir Putin",
    "004_f7a9bae844b7ff95.txt": "United Nations Secretary-General visits Russia, Ukraine",
}
NOISE = ("Traceback", "| ERROR", "ERROR:", "Error logging", "CancelledError", "leaked")


@pytest.fixture(scope="module")
def seed_lake(tmp_path_factory, cli_env):
    """The seeds run twice: first as `make run` does (no Prefect server: a temporary one), then again."""
    lake = tmp_path_factory.mktemp("lake")
    standalone = {k: v for k, v in cli_env.items() if k != "PREFECT_API_URL"}
    standalone["PREFECT_HOME"] = str(tmp_path_factory.mktemp("standalone-prefect-home"))
    first = run_cli(["run", "--lake", lake], standalone)
    second = run_cli(["run", "--lake", lake], cli_env)
    return lake, first, second


def query(lake, sql, params=None):
    con = duckdb.connect(str(lake / "newslake.duckdb"), read_only=True)
    try:
        return con.execute(sql, params).fetchall() if params else con.execute(sql).fetchall()
    finally:
        con.close()


def test_run_exits_cleanly_and_prints_the_summary(seed_lake):
    _, first, _ = seed_lake
    assert first.returncode == 0, first.stderr[-3000:]
    out = first.stdout + first.stderr
    assert not [n for n in NOISE if n in out], out[-3000:]
    for label in ("files seen", "loaded 5", "documents", "languages", "event records", "events"):
        assert label in first.stdout


def test_every_contract_table_and_column_exists(seed_lake):
    lake, _, _ = seed_lake
    for table, cols in CONTRACT.items():
        schema, name = table.split(".")
        got = [r[0] for r in query(lake, "select column_name from information_schema.columns "
                                         "where table_schema = ? and table_name = ? order by ordinal_position",
                                   [schema, name])]
        assert got == cols.split(), table


def test_second_run_adds_no_rows_and_says_unchanged(seed_lake):
    lake, _, second = seed_lake
    assert second.returncode == 0, second.stderr[-3000:]
    statuses = query(lake, "select run_id, status, count(*) from raw.files group by all order by 1, 2")
    assert [(s, n) for _, s, n in statuses] == [("loaded", 5), ("unchanged", 5)]
    assert query(lake, "select count(*), count(distinct doc_id) from staging.documents") == [(5, 5)]


def test_documents_match_the_seed_gold(seed_lake):
    lake, _, _ = seed_lake
    rows = query(lake, "select regexp_extract(source_uri, '[^/]+$'), title, language, source_name, authors, "
                       "section, body_text from staging.documents")
    docs = {r[0]: r for r in rows}
    assert {k: v[1] for k, v in docs.items()} == SEED_TITLES
    assert {v[2] for v in docs.values()} == {"en"}
    standard = docs["003_3a377a8fd62b2179.txt"]
    assert standard[3:6] == ("Evening Standard", ["Elly Blake"], "World")
    assert "Sign up to read this article" not in standard[6]
    assert "The pair will hold talks at the Kremlin in Moscow on Tuesday April 26" in standard[6]


def test_lines_audit_every_input_line(seed_lake):
    lake, _, _ = seed_lake
    got = dict(query(lake, "select regexp_extract(d.source_uri, '[^/]+$'), max(l.line_no) from staging.lines l "
                           "join staging.documents d using (doc_id) group by 1"))
    for name, n in got.items():
        text = (__import__("conftest").SEED_ARTICLES / name).read_text(encoding="utf-8")
        assert n == len(text.split("\n")) or n == len(text.rstrip("\n").split("\n")), name
    skipped = query(lake, "select count(*) from staging.lines where not kept and reason is null and kind <> 'empty'")
    assert skipped == [(0,)]


def test_events_keep_kazan_2024_apart_from_moscow_2022(seed_lake):
    lake, _, _ = seed_lake
    rows = query(lake, "select regexp_extract(d.source_uri, '[^/]+$'), r.event_id, r.actor1, r.actor2, r.location "
                       "from marts.event_records r join staging.documents d using (doc_id) "
                       "where r.is_main and r.event_type = 'CONSULT'")
    mains = {r[0]: r for r in rows}
    assert set(mains) >= {"000_793bf87cc70f2d1d.txt", "002_8c0d3fb5cfbb4bbe.txt", "003_3a377a8fd62b2179.txt"}
    kazan = mains["000_793bf87cc70f2d1d.txt"][1]
    moscow = {mains[f][1] for f in ("002_8c0d3fb5cfbb4bbe.txt", "003_3a377a8fd62b2179.txt")}
    assert len(moscow) == 1 and kazan not in moscow
    n_sources = query(lake, "select n_sources from marts.events where event_id = ?", [moscow.pop()])
    assert n_sources[0][0] >= 2
