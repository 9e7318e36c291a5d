"""The trained English pipeline models/en: loads, and parses simple news sentences as extraction needs."""

from pathlib import Path

import pytest

spacy = pytest.importorskip("spacy")

MODEL = Path(__file__).resolve().parent.parent / "models" / "en"


@pytest.fixture(scope="module")
def nlp():
    return spacy.load(MODEL)


def _token(doc, text):
    return next(t for t in doc if t.text == text)


def _entity_of(doc, token):
    return next((e for e in doc.ents if e.start <= token.i < e.end), None)


def test_pipeline_components_and_labels(nlp):
    assert nlp.pipe_names == ["tok2vec", "tagger", "morphologizer", "trainable_lemmatizer", "parser", "ner"]
    assert {"PERSON", "ORG", "PLACE"} <= set(nlp.get_pipe("ner").labels)
    assert {"nsubj", "nsubj:pass", "obj", "obl", "nmod:poss", "compound", "appos", "conj", "aux"} <= set(
        nlp.get_pipe("parser").labels)


def test_meeting_sentence_roles_and_entities(nlp):
    doc = nlp("Maria Lopez met Daniel Okafor on Tuesday in Nairobi.")
    met = _token(doc, "met")
    assert met.lemma_ == "meet"
    assert met.pos_ == "VERB" and met.tag_ == "VBD"
    deps = {child.dep_: child for child in met.children}
    assert {"nsubj", "obj", "obl"} <= set(deps)
    subj, obj = _entity_of(doc, deps["nsubj"]), _entity_of(doc, deps["obj"])
    assert subj is not None and subj.text == "Maria Lopez" and subj.label_ == "PERSON"
    assert obj is not None and obj.text == "Daniel Okafor" and obj.label_ == "PERSON"
    place = _entity_of(doc, _token(doc, "Nairobi"))
    assert place is not None and place.label_ == "PLACE"
    assert _token(doc, "Nairobi").head == met and _token(doc, "Nairobi").dep_ == "obl"


def test_lemmas_of_event_verbs(nlp):
    doc = nlp("Rebels attacked the town. The police arrested two men.")
    lemmas = {t.text: t.lemma_ for t in doc}
    assert lemmas["attacked"] == "attack"
    assert lemmas["arrested"] == "arrest"
    assert lemmas["men"] == "man"
    assert lemmas["Rebels"] == "rebel"
    assert [s.text for s in doc.sents] == ["Rebels attacked the town.", "The police arrested two men."]


def test_passive_agent(nlp):
    doc = nlp("The minister was arrested by the police.")
    arrested = _token(doc, "arrested")
    assert _token(doc, "minister").dep_ == "nsubj:pass" and _token(doc, "minister").head == arrested
    assert _token(doc, "police").head == arrested and _token(doc, "police").dep_.startswith("obl")
    assert _token(doc, "by").head == _token(doc, "police")
