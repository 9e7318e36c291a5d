"""extract_document on real article excerpts: offsets, publication date inference, one lead event."""
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from tasks.extract import extract_document
from tasks.records import Document

FIXTURES = Path(__file__).parent / "fixtures" / "extract"


def make_doc(body: str, title: str | None = None, published: dt.date | None = None, language: str = "en") -> Document:
    return Document(doc_id="d", source_uri="mem://d", source_name=None, url=None, title=title, authors=[],
                    section=None, published_at=published, published_at_origin="input" if published else None,
                    language=language, language_confidence=1.0, body_text=body, n_lines=0, n_body_lines=0, run_id="r")


def fixture_doc(name: str) -> Document:
    """A fixture file: '# key: value' header lines (title, published, caption), then the body paragraphs."""
    meta, body = {}, []
    for line in (FIXTURES / name).read_text(encoding="utf-8").splitlines():
        if line.startswith("# ") and ":" in line and not body:
            key, value = line[2:].split(":", 1)
            meta[key.strip()] = value.strip()
        else:
            body.append(line)
    published = dt.date.fromisoformat(meta["published"]) if "published" in meta else None
    doc = make_doc("\n".join(body).strip(), meta.get("title"), published)
    return doc, meta


ALL = sorted(p.name for p in FIXTURES.glob("*.txt"))


@pytest.mark.parametrize("name", ALL)
def test_entity_offsets_point_at_their_text(name):
    doc, _ = fixture_doc(name)
    ext = extract_document(doc)
    assert ext.entities
    for e in ext.entities:
        assert doc.body_text[e["char_start"]:e["char_end"]] == e["text"]
        assert e["kind"] in ("PERSON", "ORG", "PLACE", "DATE")


@pytest.mark.parametrize("name", ALL)
def test_exactly_one_main_event(name):
    doc, _ = fixture_doc(name)
    cands = extract_document(doc).candidates
    assert cands
    assert sum(c["is_main"] for c in cands) == 1
    assert [c["candidate_no"] for c in cands] == list(range(len(cands)))


def test_publication_date_inferred_from_weekday_and_date():
    doc, _ = fixture_doc("moscow_2022_inkl.txt")
    ext = extract_document(doc)
    # 'on Tuesday April 26' in a future sentence: 2022 is the latest year April 26 fell on a Tuesday
    assert ext.published_at_origin == "inferred"
    assert ext.published_at == dt.date(2022, 4, 25)


def test_no_publication_date_without_evidence():
    doc, _ = fixture_doc("kazan_2024.txt")
    ext = extract_document(doc)
    assert ext.published_at is None and ext.published_at_origin is None


def test_given_publication_date_is_kept():
    doc, _ = fixture_doc("harbour_crash.txt")
    ext = extract_document(doc)
    assert ext.published_at == dt.date(2021, 6, 3) and ext.published_at_origin == "input"


def test_caption_text_helps_infer_the_date_when_the_pipeline_passes_it():
    doc, meta = fixture_doc("moscow_2022_ap.txt")
    assert extract_document(doc).published_at is None

    class WithCaption:  # a Document that also carries the dropped caption lines
        def __init__(self, d, aux):
            self.__dict__.update({k: getattr(d, k) for k in d.__slots__}, aux_text=aux)

    ext = extract_document(WithCaption(doc, meta["caption"]))
    assert ext.published_at == dt.date(2022, 4, 25)
    lavrov = [c for c in ext.candidates if c["actor2"] == "Sergey Lavrov"]
    assert lavrov and lavrov[0]["event_date"] == dt.date(2022, 4, 26)


def test_language_without_triggers_still_gives_entities():
    doc = make_doc("Der russische Präsident Wladimir Putin traf António Guterres in Moskau.", language="de")
    ext = extract_document(doc)
    assert [(c["event_type"], c["trigger"], c["sentence_id"], c["is_main"]) for c in ext.candidates] in (
        [], [("OTHER", None, None, True)])  # at most the generic headline record, no trigger-based events
    assert any(e["kind"] == "PERSON" for e in ext.entities)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_text_never_raises_and_offsets_hold(body):
    ext = extract_document(make_doc(body, title=body[:40]))
    for e in ext.entities:
        assert body[e["char_start"]:e["char_end"]] == e["text"]
    assert sum(c["is_main"] for c in ext.candidates) == (1 if ext.candidates else 0)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["Putin", "met", "Guterres", "in", "Moscow", "on", "Tuesday", "April", "26", ",", ".",
                                 "\n\n", "the", "UN", "chief", "Mr", "’s", "President", "–", "2022", "said"]),
                max_size=40))
def test_news_like_word_salad_keeps_offsets(words):
    body = " ".join(words)
    ext = extract_document(make_doc(body, published=dt.date(2022, 4, 22)))
    for e in ext.entities:
        assert body[e["char_start"]:e["char_end"]] == e["text"]


def test_headline_gives_the_main_event_when_the_body_gives_none():
    from tasks.records import Document
    doc = Document("d", "x.json", None, None, "Mass shooting at Las Vegas concert", [], None,
                   None, None, "en", 0.9, "", 0, 0, "r")
    ext = extract_document(doc)
    assert len([c for c in ext.candidates if c["is_main"]]) == 1
    main = next(c for c in ext.candidates if c["is_main"])
    assert main["sentence_id"] is None and main["evidence"] == doc.title
    assert main["location"] == "Las Vegas" and main["location_country"] == "US"
    assert ext.entities == []
