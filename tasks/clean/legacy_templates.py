"""Per-source boilerplate learned within a batch (lines recurring in many documents of one source)."""
from __future__ import annotations

from collections import Counter

from tasks.clean.units import PHRASE_MAX_CHARS, norm
from tasks.records import RawDoc

def learn_boilerplate(raws: list[RawDoc], min_docs: int = 3, share: float = 0.2) -> dict[str, frozenset[str]]:
    """Normalised lines that recur in many documents of one source within this batch."""
    from tasks.html import strip_tags
    groups: dict[str, list[RawDoc]] = {}
    for r in raws:
        groups.setdefault(source_key(r), []).append(r)
    out = {}
    for key, docs in groups.items():
        if len(docs) < min_docs:
            continue
        counts: Counter = Counter()
        for r in docs:
            text = r.text if r.fmt != "html" else strip_tags(r.text)
            counts.update({norm(t) for t in text.split("\n") if 0 < len(t.strip()) <= PHRASE_MAX_CHARS} - {""})
        need = max(min_docs, share * len(docs))
        common = frozenset(k for k, n in counts.items() if n >= need)
        if common:
            out[key] = common
    return out


def source_key(raw: RawDoc) -> str:
    """The key documents share when they come from one source/template."""
    return raw.meta.get("source_name") or raw.source_uri.rsplit("/", 1)[0]
