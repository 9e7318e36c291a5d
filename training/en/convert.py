"""Build the spaCy training/dev/test corpora (.spacy) for models/en from the UD/GUM/UNER treebanks."""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from spacy.tokens import Doc, DocBin, Span
from spacy.vocab import Vocab

# GUM entity types -> the project's entity kinds; UNER tags likewise
GUM_KINDS = {"person": "PERSON", "organization": "ORG", "place": "PLACE"}
UNER_KINDS = {"PER": "PERSON", "ORG": "ORG", "LOC": "PLACE"}
SENTS_PER_DOC = 10
# tokens that may link two proper-noun parts of one name ("Bank of England", "Marks & Spencer")
NAME_LINKS = {"ADP", "CCONJ", "DET", "PART"}

OPEN_RE = re.compile(r"\((\d+)-([a-z]+)-[^()]*(\)?)")
CLOSE_RE = re.compile(r"(?<![-\w])(\d+)\)")


@dataclass
class Word:
    """One syntactic word of a CoNLL-U sentence."""

    form: str
    lemma: str
    upos: str
    xpos: str
    feats: str
    head: int  # 0-based index in the sentence, -1 for the root
    deprel: str
    space: bool
    misc: str


@dataclass
class Sentence:
    """A CoNLL-U sentence: its id, its document id and its words."""

    sent_id: str
    doc_id: str
    words: list[Word] = field(default_factory=list)
    ents: list[tuple[int, int, str]] | None = None  # (start, end exclusive, label) or None = unknown


def read_conllu(path: Path) -> list[Sentence]:
    """Parse a CoNLL-U file into sentences of syntactic words (multiword tokens split, empty nodes dropped)."""
    sents: list[Sentence] = []
    doc_id, sent_id = "", ""
    rows: list[list[str]] = []
    mwt_end, mwt_space = -1, True
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("# newdoc id"):
            doc_id = line.split("=", 1)[1].strip()
        elif line.startswith("# sent_id"):
            sent_id = line.split("=", 1)[1].strip()
        elif line.startswith("#"):
            continue
        elif not line.strip():
            if rows:
                sents.append(_sentence(sent_id, doc_id, rows))
            rows, mwt_end = [], -1
        else:
            cols = line.split("\t")
            if "." in cols[0]:
                continue
            if "-" in cols[0]:
                mwt_end = int(cols[0].split("-")[1])
                mwt_space = "SpaceAfter=No" not in cols[9]
                continue
            wid = int(cols[0])
            if wid < mwt_end:
                cols[9] = cols[9] + "|SpaceAfter=No"
            elif wid == mwt_end:
                cols[9] = cols[9] + ("" if mwt_space else "|SpaceAfter=No")
            rows.append(cols)
    return sents


def _sentence(sent_id: str, doc_id: str, rows: list[list[str]]) -> Sentence:
    words = [
        Word(
            form=c[1],
            lemma=c[2],
            upos=c[3],
            xpos=c[4],
            feats="" if c[5] == "_" else c[5],
            head=int(c[6]) - 1,
            deprel=c[7],
            space="SpaceAfter=No" not in c[9].split("|"),
            misc=c[9],
        )
        for c in rows
    ]
    return Sentence(sent_id=sent_id, doc_id=doc_id, words=words)


def gum_mentions(sent: Sentence) -> list[tuple[int, int, str]]:
    """Every GUM entity mention of the sentence as (start, end inclusive, type); mentions may cross sentences."""
    out: list[tuple[int, int, str]] = []
    stack: dict[str, list[tuple[int, str]]] = {}
    for i, w in enumerate(sent.words):
        value = next((p[7:] for p in w.misc.split("|") if p.startswith("Entity=")), "")
        pos = 0
        while pos < len(value):
            m = OPEN_RE.match(value, pos)
            if m:
                if m.group(3):
                    out.append((i, i, m.group(2)))
                else:
                    stack.setdefault(m.group(1), []).append((i, m.group(2)))
                pos = m.end()
                continue
            m = CLOSE_RE.match(value, pos)
            if m:
                opened = stack.get(m.group(1))
                if opened:
                    start, etype = opened.pop()
                    out.append((start, i, etype))
                pos = m.end()
                continue
            raise ValueError(f"{sent.sent_id}: cannot parse Entity={value!r} at {pos}")
    return out


def named_span(sent: Sentence, start: int, end: int) -> tuple[int, int] | None:
    """The name inside a mention: the proper-noun run around the mention's head, or None if not a name."""
    words = sent.words
    inside = range(start, end + 1)
    heads = [i for i in inside if words[i].head not in inside]
    if not heads or words[heads[0]].upos != "PROPN":
        return None
    h = heads[0]
    left = h
    while left - 1 >= start and _name_part(words[left - 1]):
        left -= 1
    right = h
    while right + 1 <= end:
        nxt = words[right + 1]
        if nxt.upos == "PROPN":
            right += 1
            continue
        if nxt.upos in NAME_LINKS and nxt.deprel in {"case", "cc", "det"}:
            j = right + 1
            while j <= end and words[j].upos in NAME_LINKS:
                j += 1
            if j <= end and words[j].upos == "PROPN" and words[j].head in range(left, j):
                right = j
                continue
        break
    return left, right + 1


def _name_part(w: Word) -> bool:
    """A word that can open a name before its head: a proper noun, "United" (VBN), "10th" (Street)."""
    if w.upos == "PROPN" or w.xpos in {"NNP", "NNPS"}:
        return True
    if w.deprel in {"amod", "compound", "nummod"}:
        return (w.upos == "VERB" and w.form[:1].isupper()) or w.form[:1].isdigit()
    return False


def gum_entities(sent: Sentence) -> list[tuple[int, int, str]]:
    """Named PERSON/ORG/PLACE entities of a GUM sentence, outermost first, without overlaps."""
    spans = []
    for start, end, etype in gum_mentions(sent):
        if etype not in GUM_KINDS:
            continue
        span = named_span(sent, start, end)
        if span:
            spans.append((span[0], span[1], GUM_KINDS[etype]))
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    taken: set[int] = set()
    ents = []
    for s, e, label in spans:
        if taken.isdisjoint(range(s, e)):
            ents.append((s, e, label))
            taken.update(range(s, e))
    return sorted(ents)


def read_uner(path: Path) -> dict[str, tuple[list[str], list[tuple[int, int, str]]]]:
    """UNER IOB2 file -> {sent_id: (tokens, entities)}."""
    out: dict[str, tuple[list[str], list[tuple[int, int, str]]]] = {}
    sent_id, toks, tags = "", [], []
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("# sent_id"):
            sent_id = line.split("=", 1)[1].strip()
        elif line.startswith("#"):
            continue
        elif not line.strip():
            if toks:
                out[sent_id] = (toks, iob_spans(tags))
            toks, tags = [], []
        else:
            cols = line.split("\t")
            toks.append(cols[1])
            tags.append(cols[2])
    return out


def iob_spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """IOB2 tags -> (start, end exclusive, kind) spans."""
    spans: list[tuple[int, int, str]] = []
    for i, tag in enumerate(tags):
        if tag.startswith("B-"):
            spans.append((i, i + 1, UNER_KINDS[tag[2:]]))
        elif tag.startswith("I-") and spans and spans[-1][1] == i:
            spans[-1] = (spans[-1][0], i + 1, spans[-1][2])
    return spans


def attach_uner(sents: list[Sentence], uner: dict) -> int:
    """Give EWT sentences the UNER entities of the same sentence; returns how many could not be aligned."""
    missed = 0
    for sent in sents:
        toks, ents = uner.get(sent.sent_id, (None, None))
        if toks is None or toks != [w.form for w in sent.words]:
            missed += 1
            continue
        sent.ents = ents
    return missed


def to_docs(vocab: Vocab, sents: list[Sentence], syntax: bool = True, ner_only: bool = False) -> list[Doc]:
    """Group sentences by document into Docs of up to SENTS_PER_DOC sentences."""
    docs, group = [], []
    for sent in sents:
        if ner_only and sent.ents is None:
            continue
        if group and (group[-1].doc_id != sent.doc_id or len(group) >= SENTS_PER_DOC):
            docs.append(make_doc(vocab, group, syntax))
            group = []
        group.append(sent)
    if group:
        docs.append(make_doc(vocab, group, syntax))
    return docs


def make_doc(vocab: Vocab, sents: list[Sentence], syntax: bool) -> Doc:
    """One Doc from consecutive sentences; entities are left missing unless every sentence has them."""
    words, spaces, tags, pos, morphs, lemmas, heads, deps, starts = [], [], [], [], [], [], [], [], []
    ents: list[tuple[int, int, str]] = []
    for sent in sents:
        off = len(words)
        for i, w in enumerate(sent.words):
            words.append(w.form)
            spaces.append(w.space)
            tags.append(w.xpos)
            pos.append(w.upos)
            morphs.append(w.feats)
            lemmas.append(w.lemma)
            heads.append(off + (i if w.head < 0 else w.head))
            deps.append("ROOT" if w.head < 0 else w.deprel)
            starts.append(i == 0)
        spaces[-1] = True
        for s, e, label in sent.ents or []:
            ents.append((off + s, off + e, label))
    has_ents = all(s.ents is not None for s in sents)
    if not syntax:
        doc = Doc(vocab, words=words, spaces=spaces, sent_starts=starts)
    else:
        doc = Doc(vocab, words=words, spaces=spaces, tags=tags, pos=pos, morphs=morphs,
                  lemmas=lemmas, heads=heads, deps=deps)
    if has_ents:
        doc.set_ents([Span(doc, s, e, label) for s, e, label in ents], default="outside")
    return doc


def build(treebanks: Path, out: Path) -> dict[str, int]:
    """Write train, dev, train-ner, dev-ner, test-ewt and test-gum .spacy files into out; returns doc counts."""
    vocab = Vocab()
    tb = treebanks
    ewt = {s: read_conllu(tb / "en_ewt" / f"en_ewt-ud-{s}.conllu") for s in ("train", "dev", "test")}
    gum = {s: read_conllu(tb / "en_gum" / f"en_gum-ud-{s}.conllu") for s in ("train", "dev", "test")}
    for split in gum.values():
        for sent in split:
            sent.ents = gum_entities(sent)
    uner_dev = read_uner(tb / "uner_en_ewt" / "en_ewt-ud-dev.iob2")
    uner_test = read_uner(tb / "uner_en_ewt" / "en_ewt-ud-test.iob2")
    missed_test = attach_uner(ewt["test"], uner_test)
    # UNER dev is NER training data over EWT dev sentences: a copy of them with entities and no
    # syntax goes to train; EWT dev itself stays in dev with its syntax and no entity annotation
    ewt_dev_ner = [Sentence(s.sent_id, s.doc_id, s.words) for s in ewt["dev"]]
    missed_dev = attach_uner(ewt_dev_ner, uner_dev)
    out.mkdir(parents=True, exist_ok=True)
    corpora = {
        "train": to_docs(vocab, ewt["train"]) + to_docs(vocab, gum["train"])
        + to_docs(vocab, ewt_dev_ner, syntax=False, ner_only=True),
        "dev": to_docs(vocab, ewt["dev"]) + to_docs(vocab, gum["dev"]),
        "test-ewt": to_docs(vocab, ewt["test"]),
        "test-gum": to_docs(vocab, gum["test"]),
    }
    # the entity recognizer has its own tok2vec and trains on the NER-annotated documents only
    corpora["train-ner"] = [d for d in corpora["train"] if d.has_annotation("ENT_IOB")]
    corpora["dev-ner"] = [d for d in corpora["dev"] if d.has_annotation("ENT_IOB")]
    counts = {}
    for name, docs in corpora.items():
        DocBin(docs=docs, store_user_data=False).to_disk(out / f"{name}.spacy")
        counts[name] = len(docs)
    counts["uner_dev_unaligned"] = missed_dev
    counts["uner_test_unaligned"] = missed_test
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--treebanks", type=Path, default=Path("../shared/data/treebanks"))
    ap.add_argument("--out", type=Path, default=Path("training/en/corpus"))
    args = ap.parse_args(argv)
    counts = build(args.treebanks, args.out)
    for name, n in counts.items():
        print(f"{name}\t{n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
