"""Document fields: title, authors, dates, source and section from input, page metadata and text."""
from __future__ import annotations

from tasks.records import CleanDoc
from tasks.fields.authors import _pick_authors, normalize_authors
from tasks.fields.page import _LANG, _Page, _clean, _home_names, _host, _ld_names, _ld_parts, _ld_text
from tasks.fields.published import (_pick_date, _title_element, find_date, find_dates, page_zone,  # noqa: F401
                                    parse_input_date, stamp_date, url_date)
from tasks.fields.title import _h1_candidates, _pick_title, _site_keys, clean_title, strip_site_name  # noqa: F401


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
