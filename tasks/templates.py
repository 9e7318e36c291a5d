"""Per-source boilerplate templates: learned over every stored document of a source, not per chunk.

A document contributes the set of its short normalised lines (`template_lines`); a source's template
is the lines that recur in at least max(MIN_DOCS, SHARE * documents of the source) of its documents.
The counts are taken over the lake's stored raw documents plus this run's, so the result does not
depend on chunk or batch boundaries, worker count or input order. A template's id is a hash of the
source key and its lines; each document records the id it was cleaned with.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass

import pyarrow as pa

from tasks.clean import source_key
from tasks.clean.units import PHRASE_MAX_CHARS, norm
from tasks.records import RawDoc
from tasks.schema import RAW_DOCUMENTS, TEMPLATES

MIN_DOCS = 3
SHARE = 0.2
NO_TEMPLATE = "none"


@dataclass(frozen=True)
class Template:
    """The boilerplate lines learned for one source, and the id naming that state."""
    source_key: str
    lines: frozenset[str]
    n_docs: int = 0

    @property
    def template_id(self) -> str:
        if not self.lines:
            return NO_TEMPLATE
        h = hashlib.sha256(self.source_key.encode("utf-8", "surrogatepass"))
        for line in sorted(self.lines):
            h.update(b"\0" + line.encode("utf-8", "surrogatepass"))
        return h.hexdigest()[:16]


def template_lines(raw: RawDoc) -> list[str]:
    """The distinct normalised short lines of one document, sorted (what it contributes to learning)."""
    text = raw.text
    if raw.fmt == "html":
        from tasks.html import strip_tags
        try:
            text = strip_tags(raw.text)
        except Exception:  # noqa: BLE001 - a page the stripper cannot read contributes nothing
            return []
    found = {norm(t) for t in text.split("\n") if 0 < len(t.strip()) <= PHRASE_MAX_CHARS}
    found.discard("")
    return sorted(found)


def learn(docs: list[tuple[str, str, list[str]]]) -> dict[str, Template]:
    """Templates per source from (doc_id, source_key, template_lines) of distinct documents (in any order)."""
    seen: dict[str, tuple[str, list[str]]] = {}
    for doc_id, key, lines in docs:
        seen.setdefault(doc_id, (key, lines))
    groups: dict[str, list[list[str]]] = {}
    for key, lines in seen.values():
        groups.setdefault(key, []).append(lines)
    out = {}
    for key, members in groups.items():
        out[key] = from_counts(key, len(members), Counter(line for lines in members for line in set(lines)))
    return out


def from_counts(key: str, n_docs: int, counts: Counter | dict) -> Template:
    """The template of a source with n_docs documents whose lines occur in counts[line] of them."""
    if n_docs < MIN_DOCS:
        return Template(key, frozenset(), n_docs)
    need = max(MIN_DOCS, SHARE * n_docs)
    return Template(key, frozenset(k for k, n in counts.items() if n >= need), n_docs)


def learn_from_raws(raws: list[RawDoc]) -> dict[str, Template]:
    """Templates learned from the given documents alone (tests and single-chunk callers)."""
    return learn([(r.doc_id, source_key(r), template_lines(r)) for r in raws])


def boilerplate_sets(raws: list[RawDoc]) -> dict[str, frozenset[str]]:
    """Source key -> its boilerplate lines, for the sources of these documents that have any."""
    return {k: t.lines for k, t in learn_from_raws(raws).items() if t.lines}


def raw_table(raws: list[RawDoc], run_id: str) -> pa.Table:
    """The raw_documents rows of decoded documents: what re-extraction and template learning read.
    Text that Parquet cannot hold (lone surrogates from JSON escapes) is stored with U+FFFD instead."""
    cols: dict[str, list] = {name: [] for name in RAW_DOCUMENTS.names}
    for r in raws:
        cols["doc_id"].append(r.doc_id)
        cols["source_uri"].append(_storable(r.source_uri))
        cols["fmt"].append(r.fmt)
        cols["text"].append(_storable(r.text))
        cols["meta"].append(_storable(json.dumps(r.meta, sort_keys=True, default=str, ensure_ascii=False)))
        cols["source_key"].append(_storable(source_key(r)))
        cols["template_lines"].append([_storable(x) for x in template_lines(r)])
        cols["run_id"].append(run_id)
    return pa.Table.from_pydict(cols, schema=RAW_DOCUMENTS)


def raws_from_table(table: pa.Table) -> tuple[list[RawDoc], dict[str, str]]:
    """RawDocs back from raw_documents rows, and the run that first loaded each."""
    d = table.select(["doc_id", "source_uri", "fmt", "text", "meta", "run_id"]).to_pydict()
    raws = [RawDoc(i, u, f, t, json.loads(m) if m else {})
            for i, u, f, t, m in zip(d["doc_id"], d["source_uri"], d["fmt"], d["text"], d["meta"])]
    return raws, dict(zip(d["doc_id"], d["run_id"]))


def _storable(s: str) -> str:
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        return "".join(c if not 0xD800 <= ord(c) <= 0xDFFF else "\ufffd" for c in s)


def learn_from_parquet(lake: str, paths: list[str], keys: list[str]) -> dict[str, Template]:
    """Templates of the given source keys, counted over the raw_documents parts at `paths` (each
    distinct document once), with DuckDB so that memory stays bounded however many documents."""
    if not paths or not keys:
        return {}
    import duckdb
    from tasks import models
    con = duckdb.connect(config=models.duckdb_config(lake))
    try:
        con.register("wanted_keys", pa.table({"source_key": sorted(set(keys))}))
        rows = con.execute(f"""
            with docs as (
                select doc_id, min(source_key) as source_key, min(template_lines) as lines
                from read_parquet(?) group by doc_id
            ),
            wanted as (select * from docs semi join wanted_keys using (source_key)),
            sizes as (select source_key, count(*) as n from wanted group by 1 having count(*) >= {MIN_DOCS}),
            counts as (
                select source_key, line, count(*) as k
                from (select source_key, unnest(list_distinct(lines)) as line
                      from wanted semi join sizes using (source_key))
                group by 1, 2
            )
            select s.source_key, s.n, list(c.line) filter (where c.k >= greatest({MIN_DOCS}, {SHARE} * s.n))
            from sizes as s left join counts as c using (source_key)
            group by 1, 2""", [[str(p) for p in paths]]).fetchall()
    finally:
        con.close()
    return {key: Template(key, frozenset(lines or ()), n) for key, n, lines in rows}


def template_table(learned: dict[str, Template]) -> pa.Table:
    """templates rows of the learned states that hold lines."""
    ts = sorted((t for t in learned.values() if t.lines), key=lambda t: t.source_key)
    return pa.Table.from_pydict({"template_id": [t.template_id for t in ts], "source_key": [t.source_key for t in ts],
                                 "n_docs": [t.n_docs for t in ts], "lines": [sorted(t.lines) for t in ts]},
                                schema=TEMPLATES)


def stored_templates(paths: list[str], ids: set[str]) -> dict[str, frozenset[str]]:
    """template_id -> lines of the stored template states named in ids."""
    import pyarrow.parquet as pq
    out: dict[str, frozenset[str]] = {}
    for p in paths:
        t = pq.read_table(p, columns=["template_id", "lines"]).to_pydict()
        for tid, lines in zip(t["template_id"], t["lines"]):
            if tid in ids:
                out.setdefault(tid, frozenset(lines or ()))
    return out
