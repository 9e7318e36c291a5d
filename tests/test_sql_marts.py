"""The SQL models behind marts.event_records and marts.events, on synthetic staging rows."""
import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from tasks import models
from tasks.config import SQL_DIR
from tasks.schema import DOCUMENTS, ENTITIES, EVENT_CANDIDATES

FIXTURE = Path(__file__).parent / "fixtures" / "marts" / "seeds_like.json"
CANDIDATE_FIELDS = ("doc_id", "candidate_no", "event_type", "actor1", "actor2", "location", "location_country",
                    "event_date", "event_date_raw", "date_precision", "is_main", "is_background")


def _date(value):
    return dt.date.fromisoformat(value) if value else None


def _documents(rows):
    base = {f.name: None for f in DOCUMENTS}
    out = []
    for r in rows:
        d = dict(base, **r, source_uri=f"/in/{r['doc_id']}.txt", language="en", authors=[])
        d["published_at"] = _date(d["published_at"])
        out.append(d)
    return pa.Table.from_pylist(out, schema=DOCUMENTS)


def _candidates(rows):
    base = {f.name: None for f in EVENT_CANDIDATES}
    out = []
    for r in rows:  # an optional 13th field is the factuality
        c = dict(base, **dict(zip(CANDIDATE_FIELDS + ("factuality",), r)), sentence_id=0, evidence="...",
                 confidence=0.8)
        c["event_date"] = _date(c["event_date"])
        out.append(c)
    return pa.Table.from_pylist(out, schema=EVENT_CANDIDATES)


def build(tmp_path, documents, candidates):
    """An in-memory database with the staging tables, the seeds and the marts models built."""
    sql_dir = tmp_path / "sql"
    for schema in ("intermediate", "marts"):
        shutil.copytree(SQL_DIR / schema, sql_dir / schema,
                        ignore=shutil.ignore_patterns("live_documents.sql"))  # reads landing.*, built by the runner
    (sql_dir / "tests").mkdir()
    for test in SQL_DIR.glob("tests/marts_*.sql"):
        shutil.copy(test, sql_dir / "tests" / test.name)
    con = duckdb.connect()
    con.execute("create schema staging")
    for name, table in (("documents", _documents(documents)), ("event_candidates", _candidates(candidates)),
                        ("entities", ENTITIES.empty_table())):
        con.register("_t", table)
        con.execute(f"create table staging.{name} as select * from _t")
        con.unregister("_t")
    models.load_seeds(con)
    models.run_models(con, sql_dir)
    return con, models.run_data_tests(con, sql_dir)


def fetch(con, sql):
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


@pytest.fixture(scope="module")
def fixture_rows():
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def lake(tmp_path_factory, fixture_rows):
    con, failures = build(tmp_path_factory.mktemp("marts"), fixture_rows["documents"], fixture_rows["candidates"])
    records = {r["record_id"]: r for r in fetch(con, "select * from marts.event_records")}
    events = {e["event_id"]: e for e in fetch(con, "select * from marts.events")}
    return records, events, failures


def event_of(lake, record_id):
    records, events, _ = lake
    return events[records[record_id]["event_id"]]


def test_sql_data_tests_pass(lake):
    assert lake[2] == []


def test_one_record_per_candidate_with_contract_columns(lake, fixture_rows):
    records = lake[0]
    assert len(records) == len(fixture_rows["candidates"])
    assert records["d003-0"]["source_name"] == "Reuters"
    assert records["d003-0"]["event_type"] == "CONSULT"


def test_moscow_putin_merges_four_sources_and_flags_the_date_conflict(lake):
    event = event_of(lake, "d003-0")
    members = {r for r, rec in lake[0].items() if rec["event_id"] == event["event_id"]}
    assert {"d001-0", "d002-0", "d003-0", "d004-1"} <= members
    assert event["date_conflict"] is True
    assert {"2022-04-25", "2022-04-26"} <= set(event["date_values"])
    assert event["event_date"] == dt.date(2022, 4, 26)
    assert event["location"] == "Moscow"
    assert event["location_conflict"] is False


def test_kazan_2024_stays_apart_from_moscow_2022(lake):
    kazan = event_of(lake, "d000-0")
    assert kazan["event_id"] != event_of(lake, "d003-0")["event_id"]
    assert kazan["doc_ids"] == ["d000"]


def test_lavrov_and_zelenskyy_meetings_are_their_own_events(lake):
    lavrov = {event_of(lake, r)["event_id"] for r in ("d001-1", "d002-1", "d003-1", "d004-0")}
    kyiv = {event_of(lake, r)["event_id"] for r in ("d001-2", "d004-2")}
    assert len(lavrov) == 1 and len(kyiv) == 1
    assert lavrov.isdisjoint(kyiv)
    assert event_of(lake, "d003-0")["event_id"] not in lavrov | kyiv
    assert event_of(lake, "d002-1")["n_sources"] == 4


def test_background_records_join_only_events_of_their_own_date(lake):
    assert event_of(lake, "d000-1")["event_id"] == event_of(lake, "d003-0")["event_id"]  # "in April 2022"
    undated = event_of(lake, "d000-2")
    assert undated["n_records"] == 1


def test_similar_documents_merge_their_main_records(lake):
    assert event_of(lake, "d005-0")["event_id"] == event_of(lake, "d006-0")["event_id"]
    assert event_of(lake, "d007-0")["event_id"] != event_of(lake, "d005-0")["event_id"]


def test_event_ids_are_stable_when_unrelated_articles_arrive(tmp_path, fixture_rows, lake):
    docs = [d for d in fixture_rows["documents"] if d["doc_id"] in ("d000", "d002", "d003")]
    cands = [c for c in fixture_rows["candidates"] if c[0] in ("d000", "d002", "d003")]
    con, failures = build(tmp_path, docs, cands)
    assert failures == []
    small = dict(con.execute("select record_id, event_id from marts.event_records").fetchall())
    assert small["d000-0"] == lake[0]["d000-0"]["event_id"]
    assert small["d002-0"] == small["d003-0"]


@pytest.mark.parametrize("published_at, event_date, raw", [
    (None, "2022-10-24", "October 24"),  # year guessed wrong from an unknown publication date
    (None, None, None),  # nothing known but the place
])
def test_kazan_without_a_sure_year_still_splits_on_the_place(tmp_path, fixture_rows, published_at, event_date, raw):
    docs = [dict(d, published_at=published_at, published_at_origin=None) if d["doc_id"] == "d000" else d
            for d in fixture_rows["documents"]]
    cands = [[*c[:7], event_date, raw, "day" if event_date else None, *c[10:]] if c[:2] == ["d000", 0] else c
             for c in fixture_rows["candidates"]]
    con, failures = build(tmp_path, docs, cands)
    assert failures == []
    ids = dict(con.execute("select record_id, event_id from marts.event_records").fetchall())
    assert ids["d000-0"] != ids["d003-0"]
    assert ids["d002-0"] == ids["d003-0"]


def test_without_any_date_places_and_documents_still_separate_kazan(tmp_path, fixture_rows):
    docs = [dict(d, published_at=None, published_at_origin=None) for d in fixture_rows["documents"]]
    cands = [[*c[:7], None, None, None, *c[10:]] for c in fixture_rows["candidates"]]
    cands.append(["d000", 3, "CONSULT", "Guterres", "Putin", None, None, None, None, None, False, False])
    con, failures = build(tmp_path, docs, cands)
    assert failures == []
    ids = dict(con.execute("select record_id, event_id from marts.event_records").fetchall())
    assert ids["d000-0"] != ids["d003-0"]
    assert ids["d000-3"] == ids["d000-0"]  # an unplaced record joins the place its own article names
    assert ids["d001-0"] == ids["d002-0"] == ids["d003-0"] == ids["d004-1"]


def test_an_undated_placed_record_joins_a_dated_event_that_names_no_place(tmp_path, fixture_rows):
    docs = [d for d in fixture_rows["documents"] if d["doc_id"] in ("d001", "d002")]
    docs = [dict(d, published_at=None, published_at_origin=None) if d["doc_id"] == "d002" else d for d in docs]
    cands = [c for c in fixture_rows["candidates"] if c[0] in ("d001", "d002")]
    con, failures = build(tmp_path, docs, cands)
    assert failures == []
    ids = dict(con.execute("select record_id, event_id from marts.event_records").fetchall())
    assert ids["d002-0"] == ids["d001-0"]  # Moscow, undated and unpublished, joins Putin of 28 April


def test_vague_records_prefer_the_larger_undated_event_over_a_lone_dated_one(tmp_path, fixture_rows):
    docs = [d if d["doc_id"] == "d000" else dict(d, published_at=None, published_at_origin=None)
            for d in fixture_rows["documents"]]
    cands = [c if c[0] == "d000" else [*c[:7], None, None, None, *c[10:]] for c in fixture_rows["candidates"]]
    con, failures = build(tmp_path, docs, cands)
    assert failures == []
    ids = dict(con.execute("select record_id, event_id from marts.event_records").fetchall())
    assert ids["d001-0"] == ids["d002-0"] == ids["d003-0"] == ids["d004-1"]  # no place, Russia, Moscow
    assert ids["d000-0"] != ids["d003-0"]


def test_doc_links_pair_wire_copies_as_a_brute_force_cosine_does(tmp_path):
    wire = ("Guterres meets Putin in Moscow", "UN Secretary-General Antonio Guterres met Russian President "
            "Vladimir Putin in Moscow on Tuesday to discuss humanitarian corridors from Mariupol.")
    docs = [
        *({"doc_id": f"copy{i}", "title": wire[0], "body_text": wire[1], "published_at": "2022-04-26"}
          for i in range(3)),  # one wire story run by three outlets
        {"doc_id": "rewrite", "title": "Guterres and Putin meet in Moscow", "published_at": "2022-04-27",
         "body_text": "Antonio Guterres held talks with Vladimir Putin in Moscow about Mariupol corridors."},
        {"doc_id": "undated", "title": wire[0], "body_text": wire[1], "published_at": None},
        {"doc_id": "late", "title": wire[0], "body_text": wire[1], "published_at": "2022-07-01"},
        {"doc_id": "other", "title": "Flooding in Bavaria", "published_at": "2022-04-26",
         "body_text": "Heavy rain flooded villages across Bavaria, and rivers burst their banks overnight."},
    ]
    con, failures = build(tmp_path, docs, [])
    assert failures == []
    terms = {}
    for doc_id, term, weight in con.execute("select doc_id, term, weight from intermediate.doc_terms "
                                            "join intermediate.doc_numbers using (doc_no)").fetchall():
        terms.setdefault(doc_id, {})[term] = weight
    dates = dict(con.execute("select doc_id, published_at from staging.documents").fetchall())
    expected = set()
    for a in sorted(terms):
        for b in sorted(terms):
            if a < b:
                sim = sum(w * terms[b].get(t, 0.0) for t, w in terms[a].items())
                undated = dates[a] is None or dates[b] is None
                if sim >= 0.16:
                    expected.add((a, b, round(sim, 9), undated, 0 if undated else abs((dates[a] - dates[b]).days)))
    got = {(a, b, round(s, 9), u, d) for a, b, s, u, d in con.execute(
        "select a.doc_id, b.doc_id, l.similarity, l.undated, l.days_apart from intermediate.doc_links as l "
        "join intermediate.doc_numbers as a on a.doc_no = l.no_a "
        "join intermediate.doc_numbers as b on b.doc_no = l.no_b").fetchall()}
    assert got == expected
    pairs = {(a, b) for a, b, *_ in got}
    assert {("copy0", "copy1"), ("copy0", "copy2"), ("copy1", "copy2"), ("copy0", "undated")} <= pairs
    assert ("copy0", "late") in pairs  # a candidate: the scored link decides (66 days apart)
    assert not any("other" in p for p in pairs)


def _link_build(tmp_path, extra_candidates=()):
    wire = ("Guterres meets Putin in Moscow", "UN Secretary-General Antonio Guterres met Russian President "
            "Vladimir Putin in Moscow on Tuesday to discuss humanitarian corridors from Mariupol.")
    docs = [
        *({"doc_id": f"copy{i}", "title": wire[0], "body_text": wire[1], "published_at": "2022-04-26",
           "source_name": f"Outlet {i}"} for i in range(3)),
        {"doc_id": "late", "title": wire[0], "body_text": wire[1], "published_at": "2022-07-01",
         "source_name": "Outlet 9"},
    ]
    cands = [(d["doc_id"], 0, "CONSULT", "Antonio Guterres", "Vladimir Putin", "Moscow", "RU", None, None, None,
              True, False) for d in docs]
    return build(tmp_path, docs, cands + list(extra_candidates))


def test_event_links_say_why_two_records_share_an_event(tmp_path):
    con, failures = _link_build(tmp_path)
    assert failures == []
    links = {(r["doc_a"], r["doc_b"]): r for r in fetch(con, "select * from marts.event_links where kind = 'story'")}
    same = links[("copy0", "copy1")]
    assert same["merged"] and same["score"] >= 0.5 and same["event_id"] is not None
    assert same["similarity"] > 0.9 and same["days_apart"] == 0 and not same["far_apart"]
    late = links[("copy0", "late")]
    assert late["far_apart"] and not late["merged"] and late["score"] < 0.5
    ids = dict(con.execute("select doc_id, event_id from marts.event_records").fetchall())
    assert ids["copy0"] == ids["copy1"] == ids["copy2"] != ids["late"]
    n_sources = dict(con.execute("select event_id, n_sources from marts.events").fetchall())
    assert n_sources[ids["copy0"]] == 3


def test_the_weights_of_the_decision_are_seed_rows(tmp_path):
    con, _ = _link_build(tmp_path)
    features = {f for (f,) in con.execute("select feature from seeds.merge_weights").fetchall()}
    parts = {c[0] for c in con.execute("describe intermediate.event_link_scores").fetchall()}
    assert features - {"intercept", "threshold"} <= parts


def test_negated_and_possible_records_make_no_event_and_future_ones_join_theirs(tmp_path):
    extra = [("copy0", 1, "CONSULT", "Guterres", "Zelensky", "Kyiv", "UA", None, None, None, False, False, "negated"),
             ("copy1", 1, "SANCTION", "EU", "Russia", None, None, None, None, None, False, False, "possible"),
             ("copy2", 1, "CONSULT", "Antonio Guterres", "Vladimir Putin", "Moscow", "RU", None, None, None,
              False, False, "future")]
    con, failures = _link_build(tmp_path, extra)
    assert failures == []
    rows = {r["record_id"]: r for r in fetch(con, "select * from marts.event_records")}
    assert rows["copy0-1"]["event_id"] is None and rows["copy0-1"]["factuality"] == "negated"
    assert rows["copy1-1"]["event_id"] is None
    assert rows["copy2-1"]["event_id"] == rows["copy0-0"]["event_id"]
    assert rows["copy0-0"]["factuality"] == "asserted"


def test_conflicts_name_the_values_and_their_sources(lake, tmp_path, fixture_rows):
    con, _ = build(tmp_path, fixture_rows["documents"], fixture_rows["candidates"])
    event_id = event_of(lake, "d003-0")["event_id"]
    rows = con.execute("select value, source from marts.event_conflicts where event_id = ? and field = 'date'",
                       [event_id]).fetchall()
    assert ("2022-04-26", "Reuters") in rows and ("2022-04-25", "DW") in rows
    assert con.execute("select count(*) from marts.event_conflicts where field = 'location'").fetchone()[0] == 0
