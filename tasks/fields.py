"""Document fields: title, authors, dates, source and section from input, page metadata and text."""
from __future__ import annotations

import datetime as dt
import functools
import html as htmllib
import json
import re
import unicodedata

from bs4.element import NavigableString

from tasks.config import seed_rows
from tasks.records import CleanDoc

# ---------------------------------------------------------------- dates

_DATE_RE = re.compile(
    r"(?<![\d])(?P<iy>(?:19|20)\d\d)(?P<isep>[-/.])(?P<im>\d{1,2})(?P=isep)(?P<id>\d{1,2})(?!\d)"
    r"|(?<![\d.])(?P<dd>\d{1,2})\.\s?(?P<dm>\d{1,2})\.\s?(?P<dy>(?:19|20)\d\d|\d\d)(?![\d]|\.\d)"
    r"|(?<![\d/])(?P<sa>\d{1,2})[/-](?P<sb>\d{1,2})[/-](?P<sy>(?:19|20)\d\d)(?!\d)"
    r"|(?<!\d)(?P<td>\d{1,2})(?:st|nd|rd|th|er|e|º|°)?\.?\s*(?:de\s+|of\s+)?(?P<tm>[^\W\d_]{3,})\.?,?\s*"
    r"(?:de\s+|del\s+)?(?P<ty>(?:19|20)\d\d)(?!\d)"
    r"|(?P<um>[^\W\d_]{3,})\.?\s+(?P<ud>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<uy>(?:19|20)\d\d)(?!\d)"
    r"|(?P<cy>(?:19|20)\d\d)\s*[年년]\s*(?P<cm>\d{1,2})\s*[月월]\s*(?P<cd>\d{1,2})",
    re.I,
)
_COMPACT = re.compile(r"^\s*((?:19|20)\d\d)(\d\d)(\d\d)(?:T?\d{4,6})?(?:Z|[+-]\d{2}:?\d{2})?\s*$")
_EPOCH = re.compile(r"^\s*(\d{10}|\d{13})(?:\.\d+)?\s*$")
_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/_-]?(0[1-9]|1[0-2])[/_-]?(0[1-9]|[12]\d|3[01])(?:/|[-_]|\.|$)")


def _fold(s: str) -> str:
    """Lower-case without accents (for month names and site names)."""
    s = unicodedata.normalize("NFKD", s.casefold())
    return "".join(c for c in s if not unicodedata.combining(c))


@functools.cache
def _months() -> dict[str, int]:
    """Month names and their unambiguous prefixes (>= 3 letters), accent-folded."""
    full = {_fold(r["name"]): int(r["month"]) for r in seed_rows("fields_months")}
    prefixes: dict[str, set[int]] = {}
    for name, month in full.items():
        for i in range(3, len(name)):
            prefixes.setdefault(name[:i], set()).add(month)
    out = {p: next(iter(ms)) for p, ms in prefixes.items() if len(ms) == 1}
    out.update(full)
    return out


def _valid(y: int, m: int, d: int) -> dt.date | None:
    """The date if it exists and is plausible for a publication (1900 .. tomorrow)."""
    try:
        day = dt.date(y, m, d)
    except ValueError:
        return None
    if y < 1900 or day > dt.date.today() + dt.timedelta(days=1):
        return None
    return day


def _year(s: str) -> int:
    """A four-digit year from a two- or four-digit one (an impossible year when it cannot be this century)."""
    y = int(s)
    if y < 100:  # '19.10.19': only this century, else it is more likely a version or phone number
        y += 2000 if y <= dt.date.today().year % 100 + 1 else -10000
    return y


def _from_match(m: re.Match, dayfirst: bool) -> dt.date | None:
    """The date a _DATE_RE match spells, if valid."""
    g = m.groupdict()
    if g["iy"]:
        return _valid(int(g["iy"]), int(g["im"]), int(g["id"]))
    if g["dd"]:
        return _valid(_year(g["dy"]), int(g["dm"]), int(g["dd"]))
    if g["sa"]:
        a, b = int(g["sa"]), int(g["sb"])
        if a > 12 or (dayfirst and b <= 12):
            a, b = b, a
        return _valid(int(g["sy"]), a, b)
    if g["tm"]:
        month = _months().get(_fold(g["tm"]))
        return _valid(int(g["ty"]), month, int(g["td"])) if month else None
    if g["um"]:
        month = _months().get(_fold(g["um"]))
        return _valid(int(g["uy"]), month, int(g["ud"])) if month else None
    return _valid(int(g["cy"]), int(g["cm"]), int(g["cd"]))


def find_dates(text: str, dayfirst: bool = False):
    """(start, end, date) of every plausible calendar date written in `text`."""
    pos = 0
    while True:
        m = _DATE_RE.search(text, pos)
        if not m:
            return
        day = _from_match(m, dayfirst)
        if day:
            yield m.start(), m.end(), day
            pos = m.end()
        else:
            pos = m.start() + 1


def find_date(text: str, dayfirst: bool = False) -> dt.date | None:
    """The first plausible calendar date written in `text` (numeric, named-month or CJK forms)."""
    return next((d for _, _, d in find_dates(text, dayfirst)), None)


def parse_input_date(value, dayfirst: bool = False) -> dt.date | None:
    """A date from an input field ('2016-11-09 00:00:00', ISO 8601, RFC 2822, '19 October 2019', ...)."""
    if isinstance(value, dt.datetime):
        return _valid(value.year, value.month, value.day)
    if isinstance(value, dt.date):
        return _valid(value.year, value.month, value.day)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        value = str(int(value))
    if not isinstance(value, str):
        return None
    s = value.strip()[:200]
    if not s:
        return None
    m = _COMPACT.match(s)
    if m:
        return _valid(int(m[1]), int(m[2]), int(m[3]))
    m = _EPOCH.match(s)
    if m:
        secs = int(m[1]) / (1000 if len(m[1]) == 13 else 1)
        try:
            day = dt.datetime.fromtimestamp(secs, dt.timezone.utc).date()
        except (OverflowError, OSError, ValueError):
            return None
        return _valid(day.year, day.month, day.day)
    return find_date(s, dayfirst)


def url_date(url: str | None) -> dt.date | None:
    """A date written in a URL path (/2019/10/19/, /2019-10-19-, /20191019/)."""
    m = _URL_DATE.search(url or "")
    return _valid(int(m[1]), int(m[2]), int(m[3])) if m else None


_UTC_STAMP = re.compile(
    r"^\s*((?:19|20)\d\d)-(\d\d)-(\d\d)[T ](\d\d):(\d\d)(?::\d\d(?:\.\d+)?)?\s*(?:Z|[+-]00:?00|UTC|GMT)\s*$", re.I)


@functools.cache
def _zones() -> dict[str, tuple[float, str]]:
    """Likely UTC offset (hours, DST rule) per page language or country TLD (seeds/fields_timezones.csv)."""
    return {r["key"]: (float(r["offset_hours"]), r["dst"]) for r in seed_rows("fields_timezones")}


def _last_sunday(year: int, month: int) -> dt.date:
    """The last Sunday of a month."""
    d = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    return d - dt.timedelta(days=(d.weekday() + 1) % 7)


def _nth_sunday(year: int, month: int, n: int) -> dt.date:
    """The n-th Sunday of a month."""
    d = dt.date(year, month, 1)
    return d + dt.timedelta(days=(6 - d.weekday()) % 7 + 7 * (n - 1))


def _dst(utc: dt.datetime, rule: str) -> bool:
    """Whether summer time (EU or US rule) is in force on that day."""
    day = utc.date()
    if rule == "eu":
        return _last_sunday(day.year, 3) <= day < _last_sunday(day.year, 10)
    if rule == "us":
        return _nth_sunday(day.year, 3, 2) <= day < _nth_sunday(day.year, 11, 1)
    return False


def page_zone(lang: str | None, url: str | None) -> tuple[float, str] | None:
    """The publisher's likely time zone, from the country TLD, the language region or the language."""
    zones = _zones()
    host = _host(_ARCHIVE_PREFIX.sub("", url or ""))
    tld = host.rsplit(".", 1)[-1] if "." in host else ""
    parts = re.split(r"[-_]", (lang or "").lower())
    region = {"gb": "uk"}.get(parts[1], parts[1]) if len(parts) > 1 else ""
    for key in ("tld:" + tld, "tld:" + region, "lang:" + parts[0]):
        if key in zones:
            return zones[key]
    return None


def stamp_date(value, zone: tuple[float, str] | None, dayfirst: bool = False) -> dt.date | None:
    """The local publication date of a timestamp; times given in UTC are moved into the page's zone."""
    if zone and isinstance(value, str):
        m = _UTC_STAMP.match(value)
        if m:
            try:
                utc = dt.datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5]))
            except ValueError:
                return None
            local = utc + dt.timedelta(hours=zone[0] + (1 if _dst(utc, zone[1]) else 0))
            return _valid(local.year, local.month, local.day)
    return parse_input_date(value, dayfirst)


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


_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"})
_LEGAL = frozenset("www e v ev gmbh ag kg online blog de com net org at ch info eu uk co io fr it es nl pl".split())


def _tokens(s: str) -> tuple[str, ...]:
    """Folded word tokens, legal forms and TLDs dropped (to compare site names)."""
    t = tuple(re.findall(r"[^\W_]+", _fold(s.translate(_TRANSLIT))))
    core = tuple(x for x in t if x not in _LEGAL)
    return core or t


_SECOND_LEVEL = frozenset("co com org net gov gv ac or ne edu".split())
_PLATFORMS = frozenset("wordpress blogspot tumblr substack wixsite github medium typepad livejournal".split())


def _site_keys(names: list[str], url: str) -> list[tuple[str, ...]]:
    """Token forms of the site's names and of its domain label (to recognise title suffixes)."""
    keys = [_tokens(n) for n in names if n]
    domains = [n for n in names if n and re.fullmatch(r"(?:https?://)?[\w.-]+\.[a-z]{2,}/?", n.strip(), re.I)]
    for host in [_host(_ARCHIVE_PREFIX.sub("", url or ""))] + [_host("//" + re.sub(r"^https?://", "", d)) for d in domains]:
        labels = [p for p in host.split(".") if p not in ("www", "m", "amp", "mobile")]
        if len(labels) >= 2:
            label = labels[-3] if labels[-2] in _SECOND_LEVEL and len(labels) > 2 else labels[-2]
            if label in _PLATFORMS and len(labels) > 2:
                label = labels[labels.index(label) - 1] if labels.index(label) > 0 else label
            keys.append(tuple(label.split("-")))
    out = []
    for k in keys:
        if len("".join(k)) >= 2 and k not in out:
            out.append(k)
    return out


def _contains(seq: tuple, sub: tuple) -> bool:
    """Whether `sub` occurs as a contiguous run in `seq`."""
    n = len(sub)
    return n > 0 and any(seq[i:i + n] == sub for i in range(len(seq) - n + 1))


def _is_site(segment: str, keys: list[tuple[str, ...]], strict: bool = False) -> bool:
    """Whether a title segment names the site (equal to, or containing, a site name or domain label)."""
    t = _tokens(segment)
    if not t:
        return True
    joined = "".join(t)
    for k in keys:
        if joined == "".join(k):
            return True
        if strict or len("".join(k)) < 3:
            continue
        if len(t) <= len(k) + 2 and _contains(t, k):
            return True
        if len(joined) >= 4 and _contains(k, t):
            return True
    return False


_SITE_COLON = re.compile(r"^([^:]{2,40}?):\s+(.{8,})$")
_COLON_SITE = re.compile(r"^(.{8,}):\s+([^:]{2,40})$")


def strip_site_name(title: str, site_keys: list[str]) -> str:
    """The title without leading/trailing segments that name the site (' | Site', 'Site - ')."""
    title = _clean(title)
    if not site_keys or not title:
        return title
    parts = _SEP.split(title)
    seps = _SEP.findall(title)
    lo, hi = 0, len(parts)
    while hi - lo > 1 and _is_site(parts[hi - 1], site_keys):
        hi -= 1
    while hi - lo > 1 and _is_site(parts[lo], site_keys):
        lo += 1
    out = parts[lo]
    for i in range(lo + 1, hi):
        out += seps[i - 1] + parts[i]
    m = _SITE_COLON.match(out)
    if m and _is_site(m[1], site_keys, strict=True):
        out = m[2]
    m = _COLON_SITE.match(out)
    if m and _is_site(m[2], site_keys, strict=True):
        out = m[1]
    return out.strip()


_KICKER_CLASS = re.compile(r"kicker|roofline|overline|dachzeile|topline|eyebrow|visually-hidden|sr-only|screen-reader|colon|label|category|rubric|toptitle|subtitle|supertitle|spitzmarke", re.I)
_HEADLINE_CLASS = re.compile(r"headline|title|heading|entry|post|article|story", re.I)


def _home_link(a, host: str) -> bool:
    """Whether a link points at the site's home page (a logo/site-name header)."""
    href = _ARCHIVE_PREFIX.sub("", str(a.get("href") or "").strip().lower())
    if href in ("", "/", "./", "#", "index.html", "index.php", "/index.html", "/index.php"):
        return True
    h = _host(href)
    return bool(h) and re.sub(r"^(?:https?:)?//[^/]+", "", href) in ("", "/", "/index.html", "/index.php") and (
        not host or h.removeprefix("www.") == host.removeprefix("www.") or "archive.org" in host or not host)


def _marker(el) -> str:
    """An element's class and id as one string."""
    cls = el.get("class")
    return (" ".join(cls) if isinstance(cls, list) else str(cls or "")) + " " + str(el.get("id") or "")


def _h1_candidates(page: _Page, host: str) -> list[tuple[str, bool, object]]:
    """(headline text, has a headline class) for the page's <h1>s, kickers and site-name headers removed."""
    out = []
    for h in page.h1s[:8]:
        marker = _marker(h)
        parent = h.parent
        if parent is not None and parent.name not in ("body", "[document]"):
            marker += " " + _marker(parent)
        if _SITE_H1.search(marker) or _in_skipped(h):
            continue
        links = h.find_all("a", limit=3)
        full = _clean(h.get_text(" "))
        if len(links) == 1 and _home_link(links[0], host) and _clean(links[0].get_text(" ")) == full:
            continue
        parts = []
        for c in h.children:
            if getattr(c, "name", None) is None:
                parts.append(_clean(str(c)))
            elif not _KICKER_CLASS.search(_marker(c)):
                parts.append(_clean(c.get_text(" ")))
        text = _clean(" ".join(p for p in parts if p)) or full
        if len(text) < 3 or not any(ch.isalpha() for ch in text):
            continue
        hint = bool(_HEADLINE_CLASS.search(marker)) or str(h.get("itemprop") or "").lower() == "headline" or any(
            _HEADLINE_CLASS.search(_marker(c)) for c in h.find_all(True, limit=3))
        out.append((text, hint, h))
        if text != full:
            out.append((full, False, h))
    return out


def _norm(s: str) -> str:
    """A title folded the way titles are compared (quotes, dashes, case, spaces)."""
    s = unicodedata.normalize("NFKC", s)
    s = re.sub("[\u2010-\u2015\u2212]", "-", s)
    s = re.sub("[\"'`\u00ab\u00bb\u2018-\u201f\u2039\u203a]", '"', s)
    return _WS.sub(" ", s.casefold()).strip(' "')


def _forms(title: str, keys: list[str]) -> list[str]:
    """A declared title, without site name, and every run of its segments (to match an <h1>)."""
    parts = _SEP_MATCH.split(title)
    seps = _SEP_MATCH.findall(title)
    out = [title, strip_site_name(title, keys)]
    n = len(parts)
    if n > 1:
        for i in range(n):
            run = parts[i]
            out.append(run)
            for j in range(i + 1, min(n, i + 4)):
                run += seps[j - 1] + parts[j]
                out.append(run)
    return [o.strip() for o in out if o.strip()]


def _words(s: str) -> set[str]:
    """Lower-cased words of three letters or more."""
    return {w for w in re.findall(r"[^\W_]{3,}", s.casefold())}


def _extends(longer: str, prefix: str) -> bool:
    """Whether `longer` is `prefix` followed by more words (a truncated or shortened title)."""
    return len(prefix) >= 8 and len(longer) > len(prefix) and longer.startswith(prefix) and not longer[len(prefix)].isalnum()


def _pick_title(page: _Page, arts: list[dict], keys: list, host: str) -> str:
    """The headline: an <h1> confirmed by meta/<title> or marked as headline, else cleaned meta, else <title>."""
    metas = [_clean(v) for _, v in page.meta("title")]
    lds = [_ld_text(a.get("headline") or a.get("name")) for a in arts]
    props = [_clean(el.get("content") or el.get_text(" ")) for el in page.itemprops
             if str(el.get("itemprop")).lower() == "headline"]
    declared = [t for t in lds + props + metas if t and len(t) < 400]
    tag = page.title_tag
    h1s = [(h, hint) for h, hint, _ in _h1_candidates(page, host) if len(h) < 400]
    if not h1s and _post_title(page):
        h1s = [(_post_title(page), True)]
    declared_forms = {_norm(f) for t in declared for f in _forms(t, keys)}
    tag_forms = {_norm(f) for f in _forms(tag, keys)} if tag else set()
    tag_clean = strip_site_name(tag, keys) if tag else ""
    for forms in (declared_forms, tag_forms):
        for h, _ in h1s:
            nh = _norm(h)
            if nh in forms and (len(h.split()) > 1 or nh == _norm(tag_clean) or nh in {_norm(d) for d in declared}):
                return h
    for h, _ in h1s:
        nh = _norm(h)
        if len(h.split()) > 1 and any(_extends(nh, k) for k in declared_forms | tag_forms):
            return h
    words = {w for t in declared + [tag] for w in _words(t)}
    for h, hint in h1s:
        if hint and len(h.split()) > 1 and not _is_site(h, keys) and (not words or words & _words(h)):
            return h
    for h, hint in h1s[:1]:
        if len(h.split()) > 1 and not _is_site(h, keys) and (not words or words & _words(h)):
            return h
    for t in declared:
        cleaned = strip_site_name(t, keys)
        if cleaned and not _is_site(cleaned, keys):
            truncated = _extends(_norm(tag_clean), _norm(cleaned)) and not _SEP_MATCH.match(tag_clean[len(cleaned):])
            return tag_clean if truncated else cleaned
    if tag:
        segs = _segments(tag_clean)
        h1_norms = {_norm(_clean(h.get_text(" "))) for h in page.h1s[:8]}
        rest = [s for s in segs if _norm(s) not in h1_norms and not _is_site(s, keys)]
        if len(segs) > 1 and rest and len(rest) < len(segs):
            return max(rest, key=len)
        strong = _STRONG_SEP.split(tag_clean)
        if len(strong) > 1:
            parts = [p.strip() for p in strong if len(p.strip().split()) > 1] or [p.strip() for p in strong]
            return parts[-1] if _STRONG_SEP.search(tag_clean)[0].strip() in _TRAIL_SEPS else parts[0]
        if tag_clean and not (_is_site(tag_clean, keys) and _post_title(page)):
            return tag_clean
    return (h1s[0][0] if h1s else "") or _post_title(page) or tag_clean


_POST_TITLE_CLASS = re.compile(r"entry-title|post-title|posttitle|headline|article-title|story-title|news-title", re.I)


def _post_title(page: _Page) -> str:
    """The first h2/h3 marked as a post or article title (blogs whose <title> is only the blog's name)."""
    for el in page.headings:
        if el.name in ("h2", "h3") and (_POST_TITLE_CLASS.search(_marker(el)) or any(
                _POST_TITLE_CLASS.search(_marker(c)) for c in el.find_all(True, limit=2))) and not _in_skipped(el):
            text = _clean(el.get_text(" "))
            if len(text.split()) > 1:
                return text
    return ""


_DATE_ORDER = ("meta", "ld")


def _window(el, forward: bool, limit: int) -> str:
    """Visible text just after (or before) an element, up to `limit` characters."""
    parts, n = [], 0
    it = el.next_elements if forward else el.previous_elements
    for i, node in enumerate(it):
        if i > 300 or n >= limit:
            break
        if type(node) is NavigableString and node.parent is not None and node.parent.name not in _INVISIBLE_TAGS:
            t = str(node).strip()
            if t:
                parts.append(t)
                n += len(t) + 1
    if not forward:
        parts.reverse()
    text = " ".join(parts)
    return text[:limit] if forward else text[-limit:]


_INVISIBLE_TAGS = frozenset(("script", "style", "noscript", "template", "head", "title", "option"))


def _title_element(page: _Page, title: str):
    """The heading element that shows the chosen title (where bylines and dates usually sit)."""
    if not title:
        return None
    nt = _norm(title)
    for el in page.headings:
        text = _norm(_clean(el.get_text(" ")))
        if text and (text == nt or (len(nt) > 10 and nt in text and len(text) < len(nt) + 60)):
            return el
    return None


def _pick_date(page: _Page, arts: list[dict], pages: list[dict], url: str, lang: str,
               h1: object | None) -> tuple[dt.date | None, str]:
    """The publication date and where it came from."""
    dayfirst = lang[:2] != "en"
    zone = page_zone(lang, url)
    for source in _DATE_ORDER:
        if source == "ld":
            for a in arts:
                d = stamp_date(_ld_text(a.get("datePublished")) or _ld_text(a.get("dateCreated")), zone, dayfirst)
                if d:
                    return d, "ld"
        else:
            for k, v in page.meta("published"):
                d = stamp_date(v, zone, dayfirst)
                if d:
                    return d, "meta:" + k
    for el in page.itemprops:
        if str(el.get("itemprop")).lower() in ("datepublished", "datecreated"):
            value = el.get("content") or el.get("datetime") or el.get("title") or el.get_text(" ")
            d = stamp_date(value, zone, dayfirst)
            if d:
                return d, "itemprop"
    for p in pages:
        d = stamp_date(_ld_text(p.get("datePublished")), zone, dayfirst)
        if d:
            return d, "ld-page"
    d = url_date(url)
    if d:
        return d, "url"
    for el in page.times[:10]:
        if (el.has_attr("pubdate") or "publish" in " ".join(el.get("class") or []).lower()) and not _in_skipped(el):
            d = stamp_date(el.get("datetime") or el.get_text(" "), zone, dayfirst)
            if d:
                return d, "time-pub"
    for el in page.dated:
        if el.name == "abbr" and el.get("title") and "published" in (el.get("class") or []):
            d = stamp_date(el["title"], zone, dayfirst)
            if d:
                return d, "abbr-published"
    if h1 is not None:
        after = next(((start, d) for start, _, d in find_dates(_window(h1, True, 400), dayfirst)), None)
        before_text = _window(h1, False, 150)
        before = [(len(before_text) - end, d) for _, end, d in find_dates(before_text, dayfirst)]
        near = min(([after] if after else []) + before[-1:], default=None, key=lambda x: x[0])
        if near:
            return near[1], "near-title"
    for el in page.times[:3]:
        if _in_skipped(el):
            continue
        d = stamp_date(el.get("datetime") or el.get_text(" "), zone, dayfirst)
        if d:
            return d, "time"
    for el in page.dated:
        if _in_skipped(el):
            continue
        text = _clean(el.get_text(" "))[:200]
        d = find_date(text, dayfirst) if text else None
        if d:
            return d, "dated-el"
    for a in arts + pages:
        d = stamp_date(_ld_text(a.get("dateModified")), zone, dayfirst)
        if d:
            return d, "ld-modified"
    for k, v in page.meta("modified"):
        d = stamp_date(v, zone, dayfirst)
        if d:
            return d, "meta-modified"
    return None, ""


def _in_skipped(el) -> bool:
    """Whether an element sits in comments, related links, a sidebar or a footer."""
    for i, p in enumerate(el.parents):
        if i > 6 or p is None or p.name in ("body", "html"):
            break
        if (p.get("class") or p.get("id")) and _skip_marker(_marker(p)):
            return True
    return False


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


def html_metadata(soup) -> dict:
    """Metadata a parsed page declares: title, authors, published_at, source_name, section, url, language."""
    try:
        return {k: v for k, v in _html_metadata(soup).items() if not k.startswith("_")}
    except Exception:  # never let odd markup stop a document
        return {}


def _html_metadata(soup) -> dict:
    page = _Page(soup)
    arts, pages, orgs, ids = _ld_parts(page)
    out: dict = {}
    url = page.canonical if page.canonical.startswith("http") else ""
    url = url or page.first_meta("url") or next((_ld_text(a.get("url")) for a in arts if _ld_text(a.get("url"))), "")
    if url.startswith("http"):
        out["url"] = url
    site = page.first_meta("source_name")
    publishers = [n for a in arts for n in _ld_names(a.get("publisher"), ids)]
    site = site or (publishers[0] if publishers else "") or next((_ld_text(o.get("name")) for o in orgs if _ld_text(o.get("name"))), "")
    if site:
        out["source_name"] = site
    lang = page.lang or page.first_meta("language")
    m = _LANG.match(lang.strip()) if lang else None
    if m:
        out["language"] = m[1].lower()
    keys = _site_keys([site] + publishers + [page.first_meta("source_name")] + _home_names(page, _host(url)), url)
    title = _pick_title(page, arts, keys, _host(url))
    if title:
        out["title"] = title
    h1 = _title_element(page, title) or next((el for _, _, el in _h1_candidates(page, _host(url))), None)
    authors, author_src = _pick_authors(page, arts, ids, h1, keys)
    if authors:
        out["authors"] = authors
        out["_author_src"] = author_src
    day, origin = _pick_date(page, arts, pages, url, lang.strip() if lang else "", h1)
    if day:
        out["published_at"] = day.isoformat()
        out["_date_src"] = origin
    section = page.first_meta("section") or next((_ld_text(a.get("articleSection")) for a in arts if _ld_text(a.get("articleSection"))), "")
    if section:
        out["section"] = section
    return out


# ---------------------------------------------------------------- merge


def clean_title(title, source_name: str | None = None, url: str | None = None) -> str | None:
    """A title with collapsed whitespace and without a trailing/leading site name."""
    t = _clean(title)
    if not t:
        return None
    return strip_site_name(t, _site_keys([source_name or ""], url or "")) or t


def resolve_fields(meta: dict, cleaned: CleanDoc) -> dict:
    """title, authors, section, source_name, url, published_at, published_at_origin: input > page metadata > text."""
    meta = meta or {}
    page = cleaned.meta or {}
    source_name = _clean(meta.get("source_name")) or _clean(page.get("source_name")) or _clean(cleaned.source_name) or None
    url = _clean(meta.get("url")) or _clean(page.get("url")) or None
    title = None
    for t in (meta.get("title"), page.get("title"), cleaned.title):
        title = clean_title(t, source_name, url)
        if title:
            break
    authors = []
    for a in (meta.get("authors"), page.get("authors"), cleaned.authors):
        authors = normalize_authors(a) if a else []
        if authors:
            break
    published, origin = parse_input_date(meta.get("published_at")), "input"
    if published is None:
        dayfirst = (page.get("language") or meta.get("language")) != "en"
        for v in (page.get("published_at"), cleaned.published_raw):
            published = parse_input_date(v, dayfirst)
            if published:
                break
        origin = "text"
    if published is None:
        published, origin = url_date(url), "text"
    return {
        "title": title,
        "authors": authors,
        "section": _clean(meta.get("section")) or _clean(page.get("section")) or _clean(cleaned.section) or None,
        "source_name": source_name,
        "url": url,
        "published_at": published,
        "published_at_origin": origin if published else None,
    }
