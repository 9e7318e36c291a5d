"""Score a trained pipeline on the held-out test corpora and time it on news text (words/s, one core)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

SPLITS = {"ewt-test": "test-ewt.spacy", "gum-test": "test-gum.spacy"}
KEYS = ("tag_acc", "pos_acc", "morph_acc", "lemma_acc", "dep_uas", "dep_las", "sents_f",
        "ents_p", "ents_r", "ents_f")


def score(nlp, path: Path) -> dict:
    """spaCy's scores of the pipeline against one gold corpus (entities only where annotated)."""
    from spacy.training import Corpus
    examples = list(Corpus(str(path))(nlp))
    scores = nlp.evaluate(examples)
    out = {k: round(scores[k], 4) for k in KEYS if scores.get(k) is not None}
    out["ents_per_type"] = {label: {k: round(v, 4) for k, v in prf.items()}
                            for label, prf in sorted((scores.get("ents_per_type") or {}).items())}
    out["words"] = sum(len(eg.reference) for eg in examples)
    return out


def news_texts(folder: Path, limit: int) -> list[str]:
    """The article texts of a folder of .txt files (UTF-8, else latin-1), sorted by name."""
    texts = []
    for p in sorted(folder.glob("*.txt"))[:limit]:
        data = p.read_bytes()
        try:
            texts.append(data.decode("utf-8"))
        except UnicodeDecodeError:
            texts.append(data.decode("latin-1"))
    return texts


def speed(nlp, texts: list[str]) -> dict:
    """Words per CPU second of the full pipeline over the texts in one process (after a warm-up).

    CPU time of this process (one thread), not wall time: the figure holds on a shared, loaded machine."""
    list(nlp.pipe(texts[:20]))
    started, cpu_started = time.perf_counter(), time.process_time()
    words = sum(len(doc) for doc in nlp.pipe(texts, batch_size=64))
    cpu, wall = time.process_time() - cpu_started, time.perf_counter() - started
    return {"docs": len(texts), "words": words, "cpu_seconds": round(cpu, 2), "wall_seconds": round(wall, 2),
            "words_per_s": round(words / cpu), "load_avg": round(os.getloadavg()[0], 2)}


def markdown(res: dict) -> str:
    """The scores as the Markdown tables of models/en/README.md."""
    rows = ["| split | words | XPOS | UPOS | morph | lemma | UAS | LAS | sentence F | NER P | NER R | NER F |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    pct = lambda v: "–" if v is None else f"{100 * v:.1f}"  # noqa: E731
    for name, s in res["splits"].items():
        rows.append(f"| {name} | {s['words']:,} | " + " | ".join(pct(s.get(k)) for k in KEYS) + " |")
    rows += ["", "| split | type | P | R | F |", "|---|---|---:|---:|---:|"]
    for name, s in res["splits"].items():
        for label, prf in s["ents_per_type"].items():
            rows.append(f"| {name} | {label} | {pct(prf['p'])} | {pct(prf['r'])} | {pct(prf['f'])} |")
    if "speed" in res:
        sp = res["speed"]
        rows += ["", f"Speed: {sp['words_per_s']:,} words/s ({sp['docs']} articles, {sp['words']:,} tokens, "
                 f"{sp['cpu_seconds']} CPU s in one process with OMP_NUM_THREADS=1; wall {sp['wall_seconds']} s "
                 f"at load average {sp['load_avg']})."]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("model", type=Path)
    ap.add_argument("--corpus", type=Path, default=Path("training/en/corpus"))
    ap.add_argument("--news", type=Path, default=Path("../shared/data/throughput/inputs"))
    ap.add_argument("--news-docs", type=int, default=500)
    ap.add_argument("--out", type=Path, default=None, help="write the scores as JSON here")
    args = ap.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import spacy
    spacy.prefer_gpu = lambda *a, **k: False  # CPU only
    nlp = spacy.load(args.model)
    res = {"splits": {name: score(nlp, args.corpus / fname) for name, fname in SPLITS.items()}}
    if args.news.is_dir():
        res["speed"] = speed(nlp, news_texts(args.news, args.news_docs))
    text = json.dumps(res, indent=2)
    print(markdown(res))
    if args.out:
        args.out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
