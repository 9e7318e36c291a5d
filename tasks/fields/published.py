"""Published dates: the date grammar of page metadata and text, time zones, and the page's date pick."""
from __future__ import annotations

import datetime as dt
import functools
import re

from bs4.element import NavigableString

from tasks.config import seed_rows
from tasks.fields.page import _ARCHIVE_PREFIX, _Page, _clean, _fold, _host, _in_skipped, _ld_text, _norm


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


