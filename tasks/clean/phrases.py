"""Junk phrase families (seeds/junk_phrases.csv), caption/credit shapes, section labels, recurring lines."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from tasks.config import seed_rows
from tasks.clean.units import PHRASE_MAX_CHARS, CONTAINS_MAX_CHARS, Unit, _mark, norm


@dataclass(frozen=True, slots=True)
class _Phrases:
    exact: dict
    prefix: dict  # first word -> ((pattern, row), ...)
    contains: tuple
    regex: tuple  # (compiled, row) for lines up to PHRASE_MAX_CHARS
    caption: tuple  # (compiled, row) for lines of any length


@functools.cache
def _phrases() -> _Phrases:
    """The junk phrase families of seeds/junk_phrases.csv, indexed for fast matching."""
    exact, prefix, contains, regex, caption = {}, {}, [], [], []
    for row in seed_rows("junk_phrases"):
        info = (row["kind"], row["family"], row["scope"] or "line", row["pattern"].strip())
        how = row["match"]
        if how == "regex":
            rx = re.compile(row["pattern"], re.I)
            (caption if row["family"] == "caption" else regex).append((rx, info))
            continue
        pat = norm(row["pattern"])
        if how == "exact":
            exact.setdefault(pat, info)
        elif how == "prefix":
            prefix.setdefault(pat.split(" ", 1)[0], []).append((pat, info))
        elif how == "contains":
            contains.append((pat, info))
    return _Phrases(exact, {k: tuple(v) for k, v in prefix.items()}, tuple(contains), tuple(regex),
                    tuple(caption))


def match_phrase(text: str, key: str | None = None):
    """(kind, family, scope, pattern) of the junk phrase family a line belongs to, or None."""
    p = _phrases()
    n = len(text)
    if n <= PHRASE_MAX_CHARS:
        key = norm(text) if key is None else key
        hit = p.exact.get(key)
        if hit:
            return hit
        first = key.split(" ", 1)[0]
        for pat, info in p.prefix.get(first, ()):
            if key.startswith(pat) and (len(key) == len(pat) or not key[len(pat)].isalnum()):
                return info
        if n <= CONTAINS_MAX_CHARS:
            for pat, info in p.contains:
                if pat in key:
                    return info
        for rx, info in p.regex:
            if rx.search(text) or rx.search(key):
                return info
    for rx, info in p.caption:
        if rx.search(text):
            return info
    return None


@functools.cache
def _sections() -> frozenset[str]:
    """Section labels (World, Politik, ...) that sit above headlines."""
    return frozenset(norm(r["section"]) for r in seed_rows("junk_sections"))



_PHOTO = re.compile(r"photo|picture|\bpic\b|image|getty|\bap\b|afp|reuters|\bepa\b|shutterstock|alamy|foto|bild",
                    re.I)


def _pre_junk(units: list[Unit], boilerplate: frozenset[str]) -> None:
    """Phrase families, captions/credits, recurring lines and empty list markers."""
    if boilerplate:  # a document made mostly of 'recurring' lines is a duplicate article, not a template
        filled = [u for u in units if u.text and u.kind is None]
        hits = sum(1 for u in filled if len(u.text) <= PHRASE_MAX_CHARS and norm(u.text) in boilerplate)
        if hits > 0.5 * len(filled):
            boilerplate = frozenset()
    prev = None
    for u in units:
        if u.kind is not None:  # pre-labelled by page structure; a comment header still ends the article
            if u.kind == "comment" and len(u.text) <= PHRASE_MAX_CHARS:
                hit = match_phrase(u.text)
                if hit and hit[2] == "rest":
                    u.scope = "rest"
            continue
        if not u.text:
            if u.bullet:
                _mark(u, "nav", "nav: empty list item")
            continue
        key = norm(u.text) if len(u.text) <= PHRASE_MAX_CHARS else None
        if boilerplate and key is not None and key in boilerplate:
            _mark(u, "other", "boilerplate: recurs in source")
        else:
            hit = match_phrase(u.text, key)
            if hit:
                kind, family, scope, pattern = hit
                _mark(u, kind, "%s: phrase '%s'" % (kind, pattern[:40]) if family != "caption"
                      else "%s: %s shape" % (kind, kind))
                u.scope = scope
        # a short unpunctuated line right before a credit line is its caption
        if u.kind == "credit" and _PHOTO.search(u.text) and prev is not None and prev.kind is None and not prev.bullet \
                and not prev.text.endswith((".", "!", "?", ":")) and len(prev.text) < 250 and prev.words >= 4:
            _mark(prev, "caption", "caption: line above a photo credit")
        prev = u

