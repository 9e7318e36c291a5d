"""Authors: bylines in page markup and JSON-LD, cleaned into a list of person names."""
from __future__ import annotations

import functools
import re

from bs4.element import NavigableString

from tasks.config import seed_rows
from tasks.fields.page import _AUTHOR_LABEL, _Page, _clean, _in_skipped, _ld_names
from tasks.fields.published import _INVISIBLE_TAGS, find_dates
from tasks.fields.title import _is_site


# ---------------------------------------------------------------- authors

@functools.cache
def _author_noise() -> tuple[re.Pattern, frozenset[str], frozenset[str], frozenset[str]]:
    """(prefix regex, role phrases, non-name values, job-title words) from seeds/fields_author_noise.csv."""
    rows = seed_rows("fields_author_noise")
    prefixes = sorted((r["text"] for r in rows if r["kind"] == "prefix"), key=len, reverse=True)
    alternatives = "|".join(re.escape(p[:-1]) + r"\s*:" if p.endswith(":") else re.escape(p) + r"\b\s*:?" for p in prefixes)
    prefix_re = re.compile(r"^(?:%s)\s*" % alternatives, re.I)
    roles = frozenset(r["text"] for r in rows if r["kind"] == "role")
    role_words = frozenset(r["text"] for r in rows if r["kind"] == "roleword")
    drops = frozenset(r["text"] for r in rows if r["kind"] == "drop")
    return prefix_re, roles, drops, role_words


_AUTHOR_SPLIT = re.compile(r"\s*(?:[,;/|\u00b7\u2022]|\s(?:and|und|&|et|y|e|i|en|og|och|oraz|a)\s)\s*", re.I)
_EMAIL = re.compile(r"\S+@\S+\.\w+|https?://\S+|www\.\S+|(?<!\w)@\w+")
_FOR_OUTLET = re.compile(r"^(\S+\s+\S+.*?)\s+(?:for|f\u00fcr|pour|para)\s+\S.*$", re.I)
_BRACKETS = re.compile(r"\((?:[^()]*)\)|\[[^\]]*\]")


def _job_title(words: list[str], role_words: frozenset[str]) -> bool:
    """Whether a name part is a job title ('Director of Marketing', 'Chief People Officer'), not a name."""
    low = [w.casefold() for w in words]
    if low[0] in role_words:
        return True
    return any(w in role_words for w in low) and any(w[0].islower() for w in words)


def normalize_authors(values) -> list[str]:
    """Person names from author strings: prefixes, roles, e-mails and handles removed, split, deduplicated."""
    if isinstance(values, str) or not isinstance(values, (list, tuple)):
        values = [values]
    prefix_re, roles, drops, role_words = _author_noise()
    out, seen = [], set()
    for v in values:
        s = _clean(v)
        if not s:
            continue
        s = _EMAIL.sub(" ", s)
        s = _BRACKETS.sub(" ", s)
        s = re.split(r"\s[-\u2013\u2014|]\s|\s{2,}|\n", s)[0] if len(s) > 40 else s
        for part in _AUTHOR_SPLIT.split(s):
            name = part.strip(" .:-\u2013\u2014'\"\u201c\u201d()[]*\u00a9")
            for _ in range(2):
                name = prefix_re.sub("", name).strip(" .:-")
            name = _FOR_OUTLET.sub(r"\1", name)
            low = name.casefold()
            if not name or low in drops or low in roles or low.rstrip("s") in roles or (
                    " " in name and any(c.isdigit() for c in name)):
                continue
            for role in (r for r in roles if " " in r):
                for form in (role, role + "s"):
                    if low.endswith(" " + form):
                        name = name[: -len(form) - 1].strip(" ,-")
                        low = name.casefold()
            words = name.split()
            if not words or len(words) > 5 or len(name) > 60 or low in drops or _job_title(words, role_words):
                continue
            if low not in seen:
                seen.add(low)
                out.append(name)
    return out



_BY_MARKER = re.compile(
    r"(?:^|(?<=[\s(|\u2022\u00b7]))(?:ein (?:artikel|beitrag|text|kommentar) von|eingestellt von|erstellt von|geschrieben von"
    r"|verfasst von|ver\u00f6ffentlicht von|written by|posted by|reported by|story by|words by|text(?: von)?:|autor(?:in|en)?:"
    r"|autor(?:in)?(?=\s*$)|author(?:s)?:|redaktion:|\u00e9crit par|publi\u00e9 par|escrito por|von:?|by:?|par:?|por:?|door:?|przez:?|av:?)(?:\s+|$)",
    re.I)
_BYLINE_CUT = re.compile(
    r"\s+(?:am|on|le|el|il|den|vom|um|at|en|[Uu]pdated|[Aa]ktualisiert|[Pp]ublished|[Vv]er\u00f6ffentlicht|[Pp]ubli\u00e9|mis \u00e0 jour)(?:\s|$)"
    r"|\s*(?:[|\u2022\u00b7\u2013\u2014/\(]|//)|\s-\s|(?:^|\s)\d")
_PARTICLES = frozenset("von van der den de da di del della le la du ten ter bin al el dos das".split())


def _lead_names(text: str, strict: bool | None) -> list[str]:
    """Names at the start of a byline remainder, cut at dates, times and separators."""
    first_date = next(find_dates(text), None)
    if first_date:
        text = text[:first_date[0]]
    text = _BYLINE_CUT.split(text, maxsplit=1)[0].strip(" ,:;.")
    if not text or len(text) > 80:
        return []
    names = normalize_authors(text)
    return [n for n in names if _name_like(n, strict)] if strict is not None else names


def _name_like(name: str, strict: bool) -> bool:
    """A person-like name: up to 4 capitalised words (particles allowed); one bare word passes unless strict."""
    words = name.split()
    if len(words) == 1:
        return not strict
    return len(words) <= 4 and any(w[0].isupper() for w in words) and all(
        w[0].isupper() or w.lower() in _PARTICLES for w in words)


def _byline_names(text: str) -> list[str]:
    """Author names from a byline text ('Von Max Muster | 19.10.2019', 'By A and B, Reporters')."""
    m = _BY_MARKER.search(text)
    if m:
        return _lead_names(text[m.end():], None)
    return _lead_names(text, False)


def _text_nodes(el, forward: bool, max_nodes: int, max_chars: int) -> list[str]:
    """Visible text nodes after (or before, in document order) an element."""
    nodes, n = [], 0
    for i, node in enumerate(el.next_elements if forward else el.previous_elements):
        if i > 200 or n > max_chars or len(nodes) >= max_nodes:
            break
        if type(node) is NavigableString and node.parent is not None and node.parent.name not in _INVISIBLE_TAGS:
            t = _clean(str(node))
            if t:
                nodes.append(t)
                n += len(t)
    return nodes if forward else nodes[::-1]


def _marked_names(nodes: list[str]) -> list[str]:
    """Names after the first byline marker ('Von', 'By:', 'Autor') found at the start of a text node."""
    for i, t in enumerate(nodes):
        m = _BY_MARKER.match(t.lstrip(" -\u2013\u2014|\u2022\u00b7,;:"))
        if not m:
            continue
        rest, strict = t.lstrip(" -\u2013\u2014|\u2022\u00b7,;:")[m.end():].strip(), True
        if not rest and i + 1 < len(nodes):
            strict = False  # the name is an element of its own: a one-word user name is fine
            rest = nodes[i + 1]
            if i + 2 < len(nodes) and re.match(r"^(?:,|und|and|&)$", nodes[i + 2]) and i + 3 < len(nodes):
                rest += " und " + nodes[i + 3]
        names = _lead_names(rest, strict)
        if names:
            return names
    return []


def _near_title_bylines(el) -> list[str]:
    """Names from a 'Von X' / 'By X' text node shortly after (or just before) the title element."""
    return _marked_names(_text_nodes(el, True, 25, 2000)) or _marked_names(_text_nodes(el, False, 6, 300))


def _rel_author_names(links: list) -> list[str]:
    """Names of the first rel=author link outside comments/sidebars and of its siblings in the same byline."""
    links = [a for a in links[:12] if "plus.google" not in str(a.get("href") or "") and not _in_skipped(a)]
    if not links:
        return []
    first = links[0]
    box = first.parent.parent if first.parent is not None and first.parent.parent is not None else first.parent
    same = [a for a in links if a is first or (box is not None and any(p is box for p in a.parents))]
    return normalize_authors([_clean(a.get_text(" ")) for a in same[:4]])


def _author_candidates(page: _Page, arts: list[dict], ids: dict, title_el):
    """(names, source) in priority order: JSON-LD, meta tags, itemprop, rel=author, bylines near the title, byline classes."""
    for a in arts:
        yield normalize_authors(_ld_names(a.get("author"), ids) + _ld_names(a.get("creator"), ids)), "ld"
    done = set()
    for k, v in page.meta("author"):
        if k in done or (k == "article:author" and re.search(r"^https?:|^www\.|/", v)):
            continue
        done.add(k)
        yield normalize_authors([x for kk, x in page.meta("author") if kk == k]), "meta:" + k
    for i in ("1", "2"):
        label = (page.metas.get("twitter:label" + i) or [""])[0]
        data = (page.metas.get("twitter:data" + i) or [""])[0]
        if label and data and _AUTHOR_LABEL.search(label):
            yield normalize_authors(data), "twitter-label"
    for el in page.itemprops:
        if str(el.get("itemprop")).lower() in ("author", "creator") and not _in_skipped(el):
            inner = el.find(attrs={"itemprop": "name"})
            src = inner if inner is not None else el
            yield normalize_authors(src.get("content") or _clean(src.get_text(" "))), "itemprop"
    yield _rel_author_names(page.rel_authors), "rel"
    if title_el is not None:
        yield _near_title_bylines(title_el), "near-title"
    for el in page.bylines:
        text = _clean(el.get_text(" "))
        if 1 < len(text) <= 120 and not _in_skipped(el):
            yield _byline_names(text), "byline-class"
    creator = (page.metas.get("twitter:creator") or [""])[0]
    if creator and not creator.startswith("@"):
        yield normalize_authors(creator), "twitter-creator"


@functools.cache
def _org_words() -> frozenset[str]:
    """Words that mark an organisation or agency rather than a person (seeds/fields_author_noise.csv, kind org)."""
    return frozenset(r["text"] for r in seed_rows("fields_author_noise") if r["kind"] == "org")


def _org_like(name: str) -> bool:
    """Whether an author value names an outlet, agency or team rather than a person."""
    return any(w in _org_words() for w in re.findall(r"[\w.]+", name.casefold()))


def _pick_authors(page: _Page, arts: list[dict], ids: dict, title_el, keys: list) -> tuple[list[str], str]:
    """The first author names found that are people, not the site itself (else the site-named author)."""
    fallback = ([], "")
    for names, source in _author_candidates(page, arts, ids, title_el):
        if not names:
            continue
        if all(_is_site(n, keys) or _org_like(n) for n in names):
            fallback = fallback if fallback[0] else (names, source)
            continue
        return names, source
    return fallback


