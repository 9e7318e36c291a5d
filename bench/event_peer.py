"""The hand-written event peer of issue 15: trafilatura + langdetect + a spaCy pipeline over every document.

    python bench/event_peer.py CORPUS_DIR [--processes 2] [--model models/en] [--out EVENTS.jsonl] [--json]

What a user would write to get entities and a parse of every article, without newslake. In each
worker of multiprocessing.Pool(processes) (imap over chunks of CHUNKSIZE files):
  read, decode, wrap as HTML, extract and detect the language with bench/peer.py's own process_file;
  trafilatura.extract(html) with its defaults; langdetect.detect() on the text (seeded per worker);
  then nlp.pipe() over the chunk's texts with spaCy's small-CPU architecture: tok2vec (CNN),
  tagger, parser, ner (the project's models/en without its morphologizer and lemmatizer; the
  weights do not change the speed), on EVERY document whatever its language.
The main process writes one JSON line per document (path, language, sentences, tokens, entities).
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
from pathlib import Path

from peer import find_inputs, process_file, seed_worker

CHUNKSIZE = 16
MODEL = Path(__file__).resolve().parent.parent / "models" / "en"
PEER_COMPONENTS = ("tok2vec", "tagger", "parser", "ner")

_NLP = None


def init_worker(model: str) -> None:
    """Seed langdetect and load the spaCy pipeline once per worker."""
    global _NLP
    seed_worker()
    import spacy
    nlp = spacy.load(model)
    _NLP = spacy.load(model, exclude=[name for name in nlp.pipe_names if name not in PEER_COMPONENTS])


def process_chunk(paths: list[str]) -> list[dict]:
    """A chunk of documents: the text peer's extraction and language per file, then nlp.pipe over them all."""
    texts = [process_file((path, False)) for path in paths]
    out = []
    for res, doc in zip(texts, _NLP.pipe([t["text"] for t in texts])):
        out.append({"path": res["path"], "language": res["language"], "sentences": sum(1 for _ in doc.sents),
                    "tokens": len(doc), "entities": [[e.text, e.label_] for e in doc.ents]})
    return out


def run_event_peer(root: str, processes: int, out_path: str | None, model: str = str(MODEL)) -> dict:
    """Run the event peer over every .txt under root; returns counts and timings."""
    started = time.perf_counter()
    files = find_inputs(root)
    chunks = [files[i:i + CHUNKSIZE] for i in range(0, len(files), CHUNKSIZE)]
    langs: dict[str, int] = {}
    tokens = entities = empty = 0
    out = open(out_path, "w", encoding="utf-8") if out_path else None
    try:
        with multiprocessing.Pool(processes, initializer=init_worker, initargs=(model,)) as pool:
            for results in pool.imap(process_chunk, chunks):
                for res in results:
                    langs[res["language"]] = langs.get(res["language"], 0) + 1
                    tokens += res["tokens"]
                    entities += len(res["entities"])
                    empty += not res["tokens"]
                    if out:
                        out.write(json.dumps(res, ensure_ascii=False) + "\n")
    finally:
        if out:
            out.close()
    wall = time.perf_counter() - started
    return {"files": len(files), "documents": len(files), "empty_extractions": empty, "tokens": tokens,
            "entities": entities, "languages": dict(sorted(langs.items(), key=lambda kv: -kv[1])),
            "processes": processes, "model": model, "components": list(PEER_COMPONENTS),
            "inner_wall_seconds": round(wall, 3)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="trafilatura + langdetect + spaCy event peer over .txt articles")
    p.add_argument("corpus")
    p.add_argument("--processes", type=int, default=2)
    p.add_argument("--model", default=str(MODEL), help="spaCy pipeline directory (default: models/en)")
    p.add_argument("--out", default=None, help="JSONL of results (default: none)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    a = p.parse_args(argv)
    try:
        import trafilatura  # noqa: F401
    except ImportError:
        print("event peer: trafilatura is not installed (pip install -e '.[bench]')", file=sys.stderr)
        return 2
    res = run_event_peer(a.corpus, a.processes, a.out, a.model)
    if a.json:
        print(json.dumps(res))
    else:
        print(f"event peer: {res['documents']} documents, {res['tokens']} tokens in {res['inner_wall_seconds']:.1f} s "
              f"({res['documents'] / max(res['inner_wall_seconds'], 1e-9):.1f} docs/s), languages {res['languages']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
