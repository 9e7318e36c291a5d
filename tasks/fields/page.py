"""A parsed page's metadata sources: meta tags, JSON-LD objects, markers, hosts, and text helpers."""
from __future__ import annotations

import functools
import html as htmllib
import json
import re
import unicodedata

from tasks.config import seed_rows


def _fold(s: str) -> str:
    """Lower-case without accents (for month names and site names)."""
    s = unicodedata.normalize("NFKD", s.casefold())
    return "".join(c for c in s if not unicodedata.combining(c))



# ---------------------------------------------------------------- text helpers

_WS = re.compile(r"\s+")
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060\ufeff]")


def _clean(s) -> str:
    """Unescaped, invisible characters removed, whitespace collapsed."""
    if not isinstance(s, str):
        return ""
    if "&" in s:
        s = htmllib.unescape(s)
    return _WS.sub(" ", _INVISIBLE.sub("", s)).strip()


_SEP = re.compile(r"\s+(?:[|\u2013\u2014\u00b7\u2022\u00bb\u00ab\u203a\u2039:~/\\\u2012>]|-{1,2}|::|//)\s+|\s*\|\s*")
_STRONG_SEP = re.compile(r"\s+[|\u00bb\u203a>]\s+|\s*\|\s*")
_TRAIL_SEPS = ("\u00bb", "\u203a", ">")
_SEP_MATCH = re.compile(_SEP.pattern + r"|:\s+")


def _segments(title: str) -> list[str]:
    """A <title>-like string split at its separators (' | ', ' - ', ' » ', ...)."""
    return [p for p in (s.strip() for s in _SEP.split(title)) if p]



# ---------------------------------------------------------------- page metadata

_ARTICLE_TYPE = re.compile(r"article$|blogposting$|^report$|liveblogposting|newsarticle|posting$", re.I)
_PAGE_TYPE = re.compile(r"webpage$|^itempage$|^aboutpage$|^collectionpage$", re.I)
_ORG_TYPE = re.compile(r"organization$|^newsmediaorganization$|^website$|^corporation$", re.I)
_BYLINE_CLASS = re.compile(r"byline|author|autor|writer|verfasser|journalist|creator", re.I)
_DATE_CLASS = re.compile(r"date|datum|time|publish|posted|dateline|meta-info|entry-meta|post-meta|article-meta", re.I)
_SKIP_CLASS = re.compile(
    r"(?:^|\s)(?:comments?|kommentar\w*|related|sidebar|widget(?! Blog\b)|footer|recommend\w*|popular|avatar|most-read)"
    r"(?![-_]?(?:off|none|left|right|wrap|layout|sticky))", re.I)
_SITE_H1 = re.compile(r"logo|site-?title|site-?name|blog-?title|brand|masthead", re.I)
_AUTHOR_LABEL = re.compile(r"written|author|autor|verfasst|geschrieben|écrit|escrito|by\b|von\b", re.I)
_LANG = re.compile(r"^([a-z]{2,3})(?:[-_][a-z0-9]+)*$", re.I)


def _ld_objects(text: str) -> list:
    """The JSON values in one ld+json script (tolerates comments, CDATA and trailing junk)."""
    s = text.strip()
    s = re.sub(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$|^\s*<!--|-->\s*$", "", s).strip().rstrip(";")
    try:
        return [json.loads(s, strict=False)]
    except ValueError:
        pass
    out, dec, pos = [], json.JSONDecoder(strict=False), 0
    while pos < len(s):
        start = min((i for i in (s.find("{", pos), s.find("[", pos)) if i >= 0), default=-1)
        if start < 0:
            break
        try:
            obj, pos = dec.raw_decode(s, start)
            out.append(obj)
        except ValueError:
            pos = start + 1
    return out


def _ld_nodes(obj, out: list, depth: int = 0) -> None:
    """Every dict inside a JSON-LD value (through lists and @graph), in document order."""
    if depth > 6:
        return
    if isinstance(obj, list):
        for x in obj:
            _ld_nodes(x, out, depth + 1)
    elif isinstance(obj, dict):
        out.append(obj)
        for k, v in obj.items():
            if isinstance(v, (list, dict)) and k not in ("author", "publisher", "creator"):
                _ld_nodes(v, out, depth + 1)


def _types(node: dict) -> list[str]:
    """The @type strings of a JSON-LD node."""
    t = node.get("@type")
    return [x for x in (t if isinstance(t, list) else [t]) if isinstance(x, str)]


def _ld_names(value, ids: dict) -> list[str]:
    """Names in a JSON-LD author/publisher value (string, object, @id reference or list)."""
    out = []
    for v in value if isinstance(value, list) else [value]:
        if isinstance(v, dict):
            if "name" not in v and isinstance(v.get("@id"), str):
                v = ids.get(v["@id"], v)
            name = v.get("name")
            if isinstance(name, list):
                name = " ".join(x for x in name if isinstance(x, str))
            if isinstance(name, dict):
                name = name.get("@value")
            if not name and (v.get("givenName") or v.get("familyName")):
                name = " ".join(str(v.get(k) or "") for k in ("givenName", "familyName"))
            if isinstance(name, str) and _clean(name):
                out.append(_clean(name))
        elif isinstance(v, str) and _clean(v) and not v.startswith("http"):
            out.append(_clean(v))
    return out


def _ld_text(value) -> str:
    """A JSON-LD value as clean text (first string of a list, name of an object)."""
    if isinstance(value, list):
        value = next((x for x in value if isinstance(x, str)), "")
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or ""
    return _clean(value) if isinstance(value, str) else ""


@functools.cache
def _meta_keys() -> dict[str, tuple[str, ...]]:
    """Meta tag keys per field, in priority order (seeds/fields_meta_keys.csv)."""
    out: dict[str, list[str]] = {}
    for r in seed_rows("fields_meta_keys"):
        out.setdefault(r["field"], []).append(r["key"])
    return {k: tuple(v) for k, v in out.items()}


_MARKER_HINTS = ("by", "aut", "writ", "verf", "journ", "creat", "dat", "time", "publ", "post", "meta")


@functools.lru_cache(maxsize=8192)
def _marker_kind(marker: str) -> tuple[bool, bool]:
    """(byline-like, date-like) for a class/id string (cached: templates repeat them)."""
    low = marker.lower()
    if not any(w in low for w in _MARKER_HINTS):
        return False, False
    if _SKIP_CLASS.search(marker):
        return False, False
    return bool(_BYLINE_CLASS.search(marker)), bool(_DATE_CLASS.search(marker))


@functools.lru_cache(maxsize=8192)
def _skip_marker(marker: str) -> bool:
    """Whether a class/id string marks comments, related links, sidebars or footers (cached)."""
    return bool(_SKIP_CLASS.search(marker))


_ARCHIVE_PREFIX = re.compile(r"^(?:https?:)?//web\.archive\.org/web/\d+[a-z_]*/", re.I)
_ROOT_HREF = re.compile(r"^(?:(?:https?:)?//[^/?#]+)?/?(?:index\.(?:html?|php))?$", re.I)


def _home_names(page: "_Page", host: str) -> list[str]:
    """Texts (or logo alts) of links to the site's home page: what the site calls itself."""
    out = []
    for a in page.home_links:
        href = _ARCHIVE_PREFIX.sub("", str(a.get("href") or "").strip())
        h = _host(href)
        if not href or (h and (not host or h.removeprefix("www.") != host.removeprefix("www."))):
            continue
        text = _clean(a.get_text(" "))
        if not text:
            img = a.find("img")
            text = _clean(img.get("alt")) if img is not None else ""
        if 2 <= len(text) <= 60 and text.casefold() not in ("home", "startseite", "accueil", "inicio", "start") and not (
                "://" in text or text.startswith("www.")):
            out.append(text)
    return out


class _Page:
    """What one pass over a parsed page collects: meta tags, JSON-LD, headings, bylines, times."""

    def __init__(self, soup):
        self.metas: dict[str, list[str]] = {}
        self.ld: list[dict] = []
        self.title_tag = ""
        self.canonical = ""
        self.lang = ""
        self.h1s: list = []
        self.headings: list = []
        self.times: list = []
        self.itemprops: list = []
        self.bylines: list = []
        self.dated: list = []
        self.rel_authors: list = []
        self.home_links: list = []
        html_el = getattr(soup, "html", None) or soup.find("html")
        if html_el is not None:
            self.lang = str(html_el.get("lang") or html_el.get("xml:lang") or "")
        for el in soup.find_all(True):
            try:
                self._visit(el)
            except Exception:  # odd markup never stops the rest of the page
                continue

    def _visit(self, el) -> None:
        name, attrs = el.name, el.attrs
        if name == "meta":
            key = attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or attrs.get("http-equiv")
            content = attrs.get("content")
            if content is None:
                content = attrs.get("value")
            if isinstance(key, str) and isinstance(content, str) and content.strip():
                self.metas.setdefault(key.strip().lower(), []).append(content.strip())
            return
        if name == "script":
            if "ld+json" in str(attrs.get("type") or "").lower():
                for obj in _ld_objects(el.string or el.get_text() or ""):
                    _ld_nodes(obj, self.ld)
            return
        if name == "link":
            rel = attrs.get("rel") or []
            rel = [r.lower() for r in (rel if isinstance(rel, list) else [rel])]
            if "canonical" in rel and not self.canonical:
                self.canonical = str(attrs.get("href") or "").strip()
            return
        if name == "title":
            if not self.title_tag and el.find_parent("svg") is None:
                self.title_tag = _clean(el.get_text(" "))
            return
        if name in ("h1", "h2", "h3", "h4", "h5", "h6") and len(self.headings) < 60:
            self.headings.append(el)
        if name == "h1":
            self.h1s.append(el)
        elif name == "time":
            self.times.append(el)
        elif name == "a":
            rel = attrs.get("rel")
            if rel and "author" in (rel if isinstance(rel, list) else [rel]):
                self.rel_authors.append(el)
            if len(self.home_links) < 8 and _ROOT_HREF.match(_ARCHIVE_PREFIX.sub("", str(attrs.get("href") or "").strip())):
                self.home_links.append(el)
        if "itemprop" in attrs:
            self.itemprops.append(el)
        cls, ident = attrs.get("class"), attrs.get("id")
        if cls or ident:
            byline, dated = _marker_kind((" ".join(cls) if isinstance(cls, list) else str(cls or "")) + " " + str(ident or ""))
            if byline and len(self.bylines) < 20:
                self.bylines.append(el)
            if dated and len(self.dated) < 30:
                self.dated.append(el)

    def meta(self, field: str) -> list[tuple[str, str]]:
        """(key, value) pairs of the meta tags that may carry `field`, in priority order."""
        return [(k, v) for k in _meta_keys().get(field, ()) for v in self.metas.get(k, ())]

    def first_meta(self, field: str) -> str:
        return next((_clean(v) for _, v in self.meta(field) if _clean(v)), "")


def _ld_parts(page: _Page) -> tuple[list[dict], list[dict], list[dict], dict]:
    """JSON-LD nodes split into (articles, pages, organisations/sites) plus an @id index."""
    ids = {n["@id"]: n for n in page.ld if isinstance(n.get("@id"), str) and len(n) > 2}
    arts, pages, orgs = [], [], []
    for n in page.ld:
        ts = _types(n)
        if any(_ARTICLE_TYPE.search(t) for t in ts):
            arts.append(n)
        elif any(_PAGE_TYPE.search(t) for t in ts):
            pages.append(n)
        elif any(_ORG_TYPE.search(t) for t in ts):
            orgs.append(n)
    return arts, pages, orgs, ids


def _host(url: str) -> str:
    """The lower-cased host of an absolute or protocol-relative URL."""
    m = re.match(r"^(?:https?:)?//([^/:?#]+)", url or "", re.I)
    return m[1].lower() if m else ""



def _marker(el) -> str:
    """An element's class and id as one string."""
    cls = el.get("class")
    return (" ".join(cls) if isinstance(cls, list) else str(cls or "")) + " " + str(el.get("id") or "")



def _norm(s: str) -> str:
    """A title folded the way titles are compared (quotes, dashes, case, spaces)."""
    s = unicodedata.normalize("NFKC", s)
    s = re.sub("[\u2010-\u2015\u2212]", "-", s)
    s = re.sub("[\"'`\u00ab\u00bb\u2018-\u201f\u2039\u203a]", '"', s)
    return _WS.sub(" ", s.casefold()).strip(' "')



def _in_skipped(el) -> bool:
    """Whether an element sits in comments, related links, a sidebar or a footer."""
    for i, p in enumerate(el.parents):
        if i > 6 or p is None or p.name in ("body", "html"):
            break
        if (p.get("class") or p.get("id")) and _skip_marker(_marker(p)):
            return True
    return False


