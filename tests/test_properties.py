"""Property-based tests: real-world text shapes through ingest and the per-document path, invariants intact.

Bounded in `make test`; NEWSLAKE_PROPERTY_EXAMPLES=20000 (for example) makes a long run.
"""
import json
import os
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasks import checks, ingest, pipeline
from tasks.records import RawDoc

EXAMPLES = int(os.environ.get("NEWSLAKE_PROPERTY_EXAMPLES", "40"))
PROFILE = settings(max_examples=EXAMPLES, deadline=None, derandomize="NEWSLAKE_PROPERTY_EXAMPLES" not in os.environ,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

WORDS = ["the", "minister", "met", "talks", "arrested", "said", "on", "Tuesday", "in", "Moscow", "President",
         "Vladimir", "Putin", "Guterres", "UN", "police", "protest", "January", "5", "2024", "will", "meet",
         "agreed", "ruled", "out", "Sándor", "Sa\u0301ndor", "Zoë", "Müller", "Ørsted", "İstanbul", "ß", "Straße",
         "ﬁnance", "ﬂood", "ＡＢＣ", "Ｔｏｋｙｏ", "co\u00adoperation", "zero\u200bwidth", "a\u200db", "\u200e", "\u200f",
         "\u202eevil\u202c", "\u2066iso\u2069", "e\u0301\u0302\u0303", "👍🏽", "🇺🇦", "👩\u200d👩\u200d👧", "\ufeff",
         "GIRLS", "SOCCER", "FELIPE", "MASSA", "U.S.", "Mr.", "N.Y.", "(AP)", "—", "“quoted”", "'s", "’s",
         "\u00a0", "１２", "٣", "Ⅻ", "ǅ", "ﬀ", "Ǆemal", "İ", "ı", "ς", "ﬆ"]
SEPARATORS = [" ", " ", " ", "  ", "\t", "\u00a0", "\u2009", "\u3000"]


@st.composite
def lines(draw):
    """One line in one of the shapes rendered pages have."""
    shape = draw(st.sampled_from(["prose", "prose", "prose", "caps", "empty", "blank", "tabs", "random", "long"]))
    if shape == "empty":
        return ""
    if shape == "blank":
        return draw(st.sampled_from([" ", "\t", "   \t ", "\u00a0", "\u200b", "\u3000"]))
    if shape == "random":
        return draw(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=80))
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=30))
    seps = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(words), max_size=len(words)))
    line = "".join(w + s for w, s in zip(words, seps)).strip(" ") + draw(st.sampled_from(["", ".", ".", "!", "?", ":"]))
    if shape == "caps":
        line = line.upper()
    if shape == "tabs":
        line = "\t".join(line.split(" "))
    if shape == "long":
        line = (line + " ") * draw(st.integers(1, 400))
    return line


@st.composite
def documents(draw):
    """(text, newline) of a document: lines joined by LF, CRLF or CR, in NFC, NFD or as written."""
    body = draw(st.lists(lines(), min_size=1, max_size=40))
    newline = draw(st.sampled_from(["\n", "\n", "\r\n", "\r"]))
    form = draw(st.sampled_from([None, "NFC", "NFD"]))
    text = newline.join(body)
    return unicodedata.normalize(form, text) if form else text


def _html(text: str) -> str:
    paras = "".join(f"<p>{_esc(p)}</p>\n" for p in text.splitlines())
    return f"<html><head><title>{_esc(text.splitlines()[0] if text.splitlines() else '')}</title></head>" \
           f"<body><nav><a href='/'>Home</a></nav><article>{paras}</article></body></html>"


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _inputs(text: str) -> list[tuple[str, bytes]]:
    return [("page.txt", text.encode("utf-8")), ("page.html", _html(text).encode("utf-8")),
            ("page.json", json.dumps({"title": text.strip().split("\n")[0][:100], "maintext": text,
                                      "source_domain": "example.org"}).encode("utf-8"))]


def assert_invariants(res: pipeline.ChunkResult, n_docs: int) -> None:
    """What sql/tests checks of staging rows, re-verified from the chunk's Arrow tables."""
    assert res.failures == [], res.failures
    docs = res.tables["documents"].to_pylist()
    assert len(docs) == n_docs and len({d["doc_id"] for d in docs}) == n_docs
    body = {d["doc_id"]: d["body_text"] for d in docs}
    for e in res.tables["entities"].to_pylist():
        assert body[e["doc_id"]][e["char_start"]:e["char_end"]] == e["text"], e
        assert e["kind"] in checks.ENTITY_KINDS
    mains: dict[str, int] = {}
    for c in res.tables["event_candidates"].to_pylist():
        if c["trigger_start"] is not None:
            assert body[c["doc_id"]][c["trigger_start"]:c["trigger_end"]] == c["trigger"], c
        assert c["event_type"].upper() in checks.EVENT_TYPES
        assert c["factuality"] is None or c["factuality"] in checks.FACTUALITY
        mains[c["doc_id"]] = mains.get(c["doc_id"], 0) + bool(c["is_main"])
    assert all(n <= 1 for n in mains.values()), mains
    keys = list(zip(res.tables["lines"]["doc_id"].to_pylist(), res.tables["lines"]["line_no"].to_pylist()))
    assert len(keys) == len(set(keys))
    assert set(res.tables["lines"]["kind"].to_pylist()) <= checks.LINE_KINDS


@PROFILE
@given(documents())
def test_ingested_inputs_of_every_format_keep_the_invariants(text):
    raws = []
    for name, data in _inputs(text):
        try:
            parsed = ingest.parse_file(name, data, None)
        except ingest.BadInput:
            continue  # empty or whitespace-only input: quarantined at ingest, with its reason
        raws += [doc for _, doc in parsed if not isinstance(doc, ingest.BadInput)]
    res = pipeline.process_chunk(raws, "r-test")
    assert_invariants(res, len({r.doc_id for r in raws}))


@PROFILE
@given(documents(), st.sampled_from(["text", "json"]))
def test_text_the_ingest_did_not_normalise_keeps_the_invariants(text, fmt):
    """CR, NFD and the like straight into the per-document path (as a future ingest might hand them)."""
    if not text.strip():
        return
    res = pipeline.process_chunk([RawDoc("d1", "x.txt", fmt, text, {})], "r-test")
    assert_invariants(res, 1)


# 50k lines take minutes (clean._neighbour walks runs of undecided lines once per line): long runs only
MANY_LINES = 50_000 if "NEWSLAKE_PROPERTY_EXAMPLES" in os.environ else 2_000


def test_a_document_of_many_lines_and_a_100k_character_line():
    long_line = ("GIRLS SOCCER Sándor met Putin in Moscow on Tuesday. " * 2000)[:100_000]
    many = "\n".join(["The minister said talks ended.", "", "SPORTS", "\t"] * (MANY_LINES // 4))
    res = pipeline.process_chunk([RawDoc("d1", "a.txt", "text", long_line, {}),
                                  RawDoc("d2", "b.txt", "text", many, {})], "r-test")
    assert_invariants(res, 2)
    assert res.tables["lines"].num_rows >= MANY_LINES
