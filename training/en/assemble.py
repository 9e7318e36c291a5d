"""Assemble models/en: the tagger/morphologizer/lemmatizer/parser pipeline plus the separately trained NER."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path


def assemble(main_model: Path, ner_model: Path, out: Path) -> list[str]:
    """Replace the main pipeline's ner with the ner (and its own tok2vec) of ner_model; save to out."""
    import spacy
    nlp = spacy.load(main_model)
    ner_nlp = spacy.load(ner_model)
    if "ner" in nlp.pipe_names:
        nlp.remove_pipe("ner")
    nlp.add_pipe("ner", source=ner_nlp, last=True)
    nlp.meta["name"] = "newslake_en"
    nlp.meta["version"] = "1.0.0"
    nlp.meta["description"] = ("English tokens, PTB tags, UPOS+features, lemmas, UD dependencies and "
                               "PERSON/ORG/PLACE entities, trained on UD English-EWT, GUM (CC-BY genres) "
                               "and UNER English-EWT dev; see README.md")
    nlp.meta["license"] = "CC BY-SA 4.0"
    perf = dict(nlp.meta.get("performance") or {})
    for key, value in (ner_nlp.meta.get("performance") or {}).items():
        if key.startswith("ents_") or key == "ner_loss":
            perf[key] = value
    nlp.meta["performance"] = perf
    shutil.rmtree(out, ignore_errors=True)
    nlp.to_disk(out)
    return nlp.pipe_names


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("main_model", type=Path)
    ap.add_argument("ner_model", type=Path)
    ap.add_argument("out", type=Path)
    args = ap.parse_args(argv)
    print(" ".join(assemble(args.main_model, args.ner_model, args.out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
