"""Per-document invariants (tasks/checks.py): repairs from body_text, and the checks that quarantine."""
import pytest

from tasks import checks, pipeline
from tasks.records import Line, RawDoc

BODY = "GIRLS SOCCER\n\nSándor met Putin in Moscow."


def test_an_entity_text_recased_elsewhere_is_taken_from_body_text():
    ents = [{"text": "Soccer", "char_start": 6, "char_end": 12, "kind": "ORG"},
            {"text": "Elsewhere", "char_start": 0, "char_end": 5, "kind": "ORG"}]
    rep = checks.repair_spans(BODY, ents, [])
    assert [e["text"] for e in ents] == ["SOCCER"]
    assert (rep.entity_texts, rep.entities_dropped) == (1, 1)


def test_a_trigger_whose_offsets_hold_other_text_loses_its_offsets():
    cands = [{"trigger": "met", "trigger_start": 21, "trigger_end": 24},
             {"trigger": "talks", "trigger_start": 0, "trigger_end": 5}]
    checks.repair_spans(BODY, [], cands)
    assert (cands[0]["trigger"], cands[0]["trigger_start"]) == ("met", 21)
    assert (cands[1]["trigger_start"], cands[1]["trigger_end"]) == (None, None)


def _doc(**kw):
    return {"doc_id": "d", "body_text": BODY, "language": "en", "published_at_origin": None, **kw}


@pytest.mark.parametrize("cands, check", [
    ([{"candidate_no": 0, "event_type": "MEET", "is_main": True}], "candidates_event_type_valid"),
    ([{"candidate_no": 0, "event_type": "CONSULT", "factuality": "maybe", "is_main": True}],
     "candidates_factuality_valid"),
    ([{"candidate_no": 0, "event_type": "CONSULT", "is_main": True},
      {"candidate_no": 1, "event_type": "ACCUSE", "is_main": True}], "marts_records_one_main_per_document"),
    ([{"candidate_no": 0, "event_type": "CONSULT", "is_main": True},
      {"candidate_no": 0, "event_type": "ACCUSE", "is_main": False}], "marts_records_unique_record_id"),
    ([{"candidate_no": 0, "event_type": "CONSULT", "is_main": True, "trigger": "met", "trigger_start": 0,
       "trigger_end": 3}], "candidates_trigger_offsets_match_body"),
])
def test_a_broken_candidate_is_named_by_its_check(cands, check):
    with pytest.raises(checks.CheckFailed, match=check):
        checks.check_document(_doc(), [], [], cands)


def test_lines_and_entities_are_checked_too():
    with pytest.raises(checks.CheckFailed, match="lines_unique_line_no: 1"):
        checks.check_document(_doc(), [Line(1, "a", "body", True), Line(1, "b", "body", True)], [], [])
    with pytest.raises(checks.CheckFailed, match="entities_offsets_match_body"):
        checks.check_document(_doc(), [], [{"text": "x", "char_start": 0, "char_end": 99, "kind": "ORG"}], [])
    checks.check_document(_doc(), [Line(1, "a", "body", True)],
                          [{"text": "SOCCER", "char_start": 6, "char_end": 12, "kind": "ORG"}],
                          [{"candidate_no": 0, "event_type": "FIGHT", "is_main": True, "factuality": "future"}])


def test_a_document_that_breaks_a_check_is_reported_and_the_others_go_on(monkeypatch):
    real = checks.check_document

    def picky(doc, lines, ents, cands):
        if doc["doc_id"] == "b":
            raise checks.CheckFailed("entities_offsets_match_body", (1, 2, "x"))
        return real(doc, lines, ents, cands)

    monkeypatch.setattr(checks, "check_document", picky)
    good = "The minister met his counterpart in Paris on Tuesday for talks about trade and security."
    res = pipeline.process_chunk([RawDoc("a", "a.txt", "text", good, {}),
                                  RawDoc("b", "b.txt", "text", good + " poison", {})], "r")
    assert res.tables["documents"]["doc_id"].to_pylist() == ["a"]
    assert res.failures == [("b.txt", "check failed: entities_offsets_match_body: (1, 2, 'x')")]


def test_the_all_caps_line_and_accented_names_give_rows_that_match_body_text():
    text = "GIRLS SOCCER\n\nSa\u0301ndor Kovács met Viktor Orbán in Budapest on Tuesday, officials said.\n"
    res = pipeline.process_chunk([RawDoc("a", "a.txt", "text", text, {})], "r")
    assert res.failures == []
    body = res.tables["documents"]["body_text"][0].as_py()
    for e in res.tables["entities"].to_pylist():
        assert body[e["char_start"]:e["char_end"]] == e["text"]


def test_documents_without_an_extraction_model_are_counted_by_language():
    de = ("Die Bundesregierung hat am Dienstag in Berlin neue Gespräche mit den Ländern angekündigt. "
          "Der Minister sagte, man werde sich nächste Woche erneut treffen und über die Finanzierung sprechen.")
    res = pipeline.process_chunk([RawDoc("a", "a.txt", "text", de, {})], "r")
    assert res.no_model == {"de": 1}


def test_alias_resolution_keeps_the_text_of_an_all_caps_span():
    """Root cause of 'Soccer' vs body 'SOCCER': the surname kept its re-cased token as text."""
    from tasks import entities as E
    body = "Jim Soccer said. GIRLS SOCCER"
    ref = E.Mention(0, "PERSON", "Jim Soccer", 0, 10, canonical="Jim Soccer", name_tokens=("Jim", "Soccer"))
    m = E.Mention(1, "PERSON", "GIRLS SOCCER", 17, 29, name_tokens=("Girls", "Soccer"))  # as _label re-cases
    E.resolve_aliases([ref, m])
    assert (m.start, m.end) == (23, 29) and m.text == body[m.start:m.end] == "SOCCER"


def test_a_date_match_ending_in_whitespace_keeps_its_span_and_text_equal():
    from tasks import dates as D
    body = "Talks ended on January 5, 2024\u2028and resumed."
    for x in D.find_dates(body):
        assert body[x.start:x.end] == x.text


def test_an_all_caps_the_before_a_city_is_no_error():
    """Found by the long hypothesis run: 'THE İSTANBUL' looked the city up with its article."""
    from tasks import pipeline as P
    raw = RawDoc("d1", "x.txt", "json", "the\nthe.\nTHE  THE İSTANBUL  THE", {})
    res = P.process_chunk([raw], "r")
    assert res.failures == [] and res.tables["documents"].num_rows == 1
