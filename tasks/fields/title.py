"""Titles: site names stripped, headline candidates (h1, og/ld titles) picked."""
from __future__ import annotations

import re

from tasks.fields.page import _ARCHIVE_PREFIX, _Page, _SEP, _SEP_MATCH, _SITE_H1, _STRONG_SEP, _TRAIL_SEPS, _clean, _fold, _host, _in_skipped, _ld_text, _marker, _norm, _segments


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



# ---------------------------------------------------------------- merge


def clean_title(title, source_name: str | None = None, url: str | None = None) -> str | None:
    """A title with collapsed whitespace and without a trailing/leading site name."""
    t = _clean(title)
    if not t:
        return None
    return strip_site_name(t, _site_keys([source_name or ""], url or "")) or t


