"""The per-document path over a chunk: languages without an extraction model get no event records."""
from pathlib import Path

from tasks import pipeline
from tasks.records import RawDoc

SEED = sorted((Path(__file__).resolve().parent.parent / "seeds" / "articles").glob("*.txt"))[0]


def _chunk():
    return pipeline.process_chunk([RawDoc("d1", str(SEED), "text", SEED.read_text(encoding="utf-8"))], "run-1")


def test_a_language_with_a_model_gets_event_candidates():
    result = _chunk()
    assert result.tables["event_candidates"].num_rows > 0
    assert result.no_model == {}


def test_a_language_without_a_model_gets_none_and_is_counted(monkeypatch):
    monkeypatch.setattr(pipeline, "EXTRACT_LANGUAGES", frozenset({"xx"}))
    result = _chunk()
    assert result.tables["event_candidates"].num_rows == 0
    assert result.tables["documents"].num_rows == 1  # the document itself is kept
    assert result.no_model == {"en": 1}
