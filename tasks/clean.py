"""Clean stage: classify every line of an article into a kind and keep the article body.

One line model serves rendered text, HTML text blocks and JSON bodies: phrase families from
seeds/junk_phrases.csv, caption/credit shapes, a jusText-like paragraph classifier (length,
stopword density in the document's language, link density, bullets) with its context pass,
then document structure: headline, byline, dateline, header/footer zones, comment sections.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from itertools import repeat
from dataclasses import dataclass

from tasks.config import seed_rows
from tasks.records import CleanDoc, Line, RawDoc

KINDS = ("title", "heading", "body", "byline", "dateline", "caption", "credit", "nav", "ad", "promo",
         "subscribe", "related", "share", "comment", "footer", "empty", "other")

LENGTH_LOW, LENGTH_HIGH = 70, 200
STOP_LOW, STOP_HIGH = 0.30, 0.32
DENSE_STOP = 0.15  # stopword density a sentence next to good text still needs
MAX_LINK_DENSITY = 0.2
MAX_HEADING_DISTANCE = 200
MAX_HTML_TAGS = 50_000  # more tags than any article page: tag-stripped text instead of a DOM
SHORT_ARTICLE = 500  # chars of good text below which medium paragraphs count as good
PHRASE_MAX_CHARS = 160
CONTAINS_MAX_CHARS = 100
MAIN_BOX_SHARE = 0.5  # HTML: the container holding this share of the good text is the article's
REST_SHARE = 0.2  # a comment header needs this share of the text above it to end the article
GAP_WORDS = 2  # junk lines shorter than this do not count as distance
MAIN_GAP = 3  # junk units that end a cluster of good paragraphs
FAR_GAP = 8  # a cluster this far from the main text ...
MINOR_SHARE = 0.2  # ... and this small beside it is a teaser, bio or stray box

_BULLET = re.compile(r"^\s*(?:[*+•·◦▪►]|o(?=\s))(?:\s+|$)")
_WORD = re.compile(r"\w+")
STOPLIST_BITS = 10  # a stoplist's count of the (at most 200) sampled words fits in 10 bits
_EDGE = " \t\u00a0*+•·◦▪►-–—|:;>»«›‹.,…!?¡¿\"'“”‘’()[]{}"
_SENTENCE_END = tuple(".!?…\"”»’'")
_SPACES = re.compile(r"\s+")


@dataclass(slots=True)
class Unit:
    """One line (or HTML block) with the signals the classifier reads and the verdict it reaches."""
    no: int
    raw: str
    text: str
    bullet: bool = False
    heading: bool = False
    link_density: float = 0.0
    kind: str | None = None
    reason: str | None = None
    cls: str = ""  # jusText class: bad | short | neargood | good
    cf: str = ""  # context-free class
    scope: str = "line"
    box: int = 0  # HTML: the container element holding the block (0: unknown)
    words: int = 0
    stop: float = 0.0
    tokens: list[str] | None = None  # lower-case words, split once (stoplist choice and features share them)

    def word_list(self) -> list[str]:
        if self.tokens is None:
            self.tokens = _WORD.findall(self.text.lower())
        return self.tokens


def norm(text: str) -> str:
    """Lower-case, unify quotes, collapse spaces and trim marker/punctuation edges."""
    t = unicodedata.normalize("NFKC", text).lower().replace("’", "'").replace("`", "'")
    return _SPACES.sub(" ", t).strip(_EDGE)


# --- phrase families --------------------------------------------------------------------------

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


# --- language: stoplists ----------------------------------------------------------------------

@functools.cache
def _stoplist_index() -> tuple[dict, tuple]:
    """word -> its stoplists as one integer (a count field per stoplist, STOPLIST_BITS apart), and the
    stoplists themselves (justext, loaded once)."""
    import justext
    names = sorted(justext.get_stoplists())
    lists = tuple(frozenset(justext.get_stoplist(n)) for n in names)
    index: dict[str, int] = {}
    for i, words in enumerate(lists):
        for w in words:
            index[w] = index.get(w, 0) + (1 << (STOPLIST_BITS * i))
    return index, lists


def pick_stoplist(words: list[str], sample: int = 200) -> frozenset[str]:
    """The justext stoplist covering most of these (lower-case) words; empty when none fits."""
    index, lists = _stoplist_index()
    total = sum(map(index.get, words[:sample], repeat(0)))
    mask = (1 << STOPLIST_BITS) - 1
    counts = [(total >> (STOPLIST_BITS * i)) & mask for i in range(len(lists))]
    best = max(range(len(lists)), key=counts.__getitem__)
    return lists[best] if counts[best] >= 0.15 * min(len(words), sample) and counts[best] else frozenset()


# --- units from the three input formats -------------------------------------------------------

def text_units(text: str) -> list[Unit]:
    """Units for rendered text: one per line, bullets noted, flush-left lines of lynx dumps as headings."""
    units = []
    for no, line in enumerate(text.split("\n"), 1):
        line = line.rstrip("\r")
        m = _BULLET.match(line)
        body = line[m.end():] if m else line
        units.append(Unit(no, line, body.strip(), bullet=bool(m)))
    filled = [u for u in units if u.text]
    indented = sum(1 for u in filled if u.raw[:1] in " \t")
    if filled and indented >= 0.5 * len(filled):  # lynx: paragraphs indented, <h1>-<h6> flush left
        for u in filled:
            if u.raw[:1] not in " \t":
                u.heading = True
    return units


def html_units(html: str) -> tuple[list[Unit], dict]:
    """Units for a page: its text blocks (furniture pre-labelled by structure) and its declared metadata."""
    from tasks import html as H
    from tasks.fields import html_metadata
    soup = H.parse(html)
    try:
        meta = dict(html_metadata(soup) or {})
    except Exception:  # noqa: BLE001 - metadata is a bonus; the text must still come out
        meta = {}
    units = []
    for no, b in enumerate(H.blocks(soup), 1):
        u = Unit(no, b.text, b.text, heading=b.heading,
                 link_density=b.link_chars / len(b.text), box=b.box)
        if b.pruned is not None:
            u.kind, u.reason = b.pruned
        units.append(u)
    return units, meta


def json_units(text: str) -> list[Unit]:
    """Units for a news-please body: one per line."""
    return [Unit(no, line, line.strip()) for no, line in enumerate(text.split("\n"), 1)]


# --- classification ---------------------------------------------------------------------------

def _features(units: list[Unit], stoplist: frozenset[str]) -> None:
    """Word count and stopword density of each non-empty unit."""
    for u in units:
        if not u.text:
            continue
        words = u.word_list()
        u.words = len(words)
        if stoplist:
            u.stop = sum(map(stoplist.__contains__, words)) / len(words) if words else 0.0
        else:  # no stoplist for this language: sentences count as prose
            u.stop = 0.35 if u.text.endswith(_SENTENCE_END) else 0.0


def _context_free(u: Unit) -> str:
    """jusText's context-free class of one unit."""
    n = len(u.text)
    if u.link_density > MAX_LINK_DENSITY:
        return "bad"
    if "©" in u.text:
        return "bad"
    if u.bullet and (n < 100 or u.stop < STOP_HIGH):
        return "bad"
    if n < LENGTH_LOW:
        return "bad" if u.link_density > 0 else "short"
    if u.stop >= STOP_HIGH:
        return "good" if n > LENGTH_HIGH else "neargood"
    if u.stop >= STOP_LOW:
        return "neargood"
    return "bad"


def _neighbour(seq: list[Unit], i: int, step: int, ignore_neargood: bool) -> str:
    j = i + step
    while 0 <= j < len(seq):
        c = seq[j].cls
        if c in ("good", "bad"):
            return c
        if c == "neargood" and not ignore_neargood:
            return c
        j += step
    return "bad"


def _promote_prose_runs(seq: list[Unit]) -> None:
    """Runs of medium-length prose paragraphs (wire copy) are good even without a long neighbour."""
    run: list[Unit] = []
    for u in seq + [Unit(0, "", "", cls="bad")]:
        if u.cls == "good" or (u.cls == "neargood" and u.text.endswith(_SENTENCE_END)):
            run.append(u)
        elif u.cls != "short":
            if len(run) >= 3 and sum(len(v.text) for v in run) >= 2 * LENGTH_HIGH:
                for v in run:
                    v.cls = "good"
            run = []


def _revise(seq: list[Unit]) -> None:
    """jusText's context pass over the non-empty units."""
    def heading_before_good(i: int) -> bool:
        dist, j = 0, i + 1
        while j < len(seq) and dist <= MAX_HEADING_DISTANCE:
            if seq[j].cls == "good":
                return True
            dist += len(seq[j].text)
            j += 1
        return False

    for i, u in enumerate(seq):
        if u.heading and u.cls == "short" and heading_before_good(i):
            u.cls = "neargood"
    _promote_prose_runs(seq)
    new = {}
    for i, u in enumerate(seq):
        if u.cls != "short":
            continue
        prev, nxt = _neighbour(seq, i, -1, True), _neighbour(seq, i, 1, True)
        if prev == nxt:
            new[i] = prev
        elif (prev == "bad" and _neighbour(seq, i, -1, False) == "neargood") or \
                (nxt == "bad" and _neighbour(seq, i, 1, False) == "neargood"):
            new[i] = "good"
        else:
            new[i] = "bad"
    for i, c in new.items():
        seq[i].cls = c
    for i, u in enumerate(seq):
        if u.cls == "neargood":
            both_bad = _neighbour(seq, i, -1, True) == "bad" and _neighbour(seq, i, 1, True) == "bad"
            u.cls = "bad" if both_bad else "good"
    for i, u in enumerate(seq):
        if u.heading and u.cls == "bad" and u.cf != "bad" and heading_before_good(i):
            u.cls = "good"
    for i, u in enumerate(seq):  # fact-dense sentences (ledes, wire copy) next to good text
        near = (_neighbour(seq, i, -1, True), _neighbour(seq, i, 1, True))
        if u.cls == "bad" and _dense_sentence(u) and "good" in near:
            u.cls = "good"


def _dense_sentence(u: Unit) -> bool:
    """Prose with few stopwords: names and numbers, but sentence-shaped and not a link list."""
    return (u.kind is None and not u.bullet and u.link_density <= MAX_LINK_DENSITY and u.words >= 8
            and len(u.text) >= LENGTH_LOW and u.stop >= DENSE_STOP and u.text.endswith(_SENTENCE_END)
            and "©" not in u.text)




def _main_zone(seq: list[Unit]) -> None:
    """Keep the article's clusters of good paragraphs; small clusters far from the main text are junk."""
    clusters: list[list[int]] = []
    gap = MAIN_GAP + 1
    for i, u in enumerate(seq):
        if u.cls == "good" and u.kind is None:
            if gap > MAIN_GAP or not clusters:
                clusters.append([])
            clusters[-1].append(i)
            gap = 0
        else:
            gap += 1
    if len(clusters) < 2:
        return
    mass = [sum(len(seq[i].text) for i in c) for c in clusters]
    m = max(range(len(clusters)), key=mass.__getitem__)
    keep = {m}
    for direction in (-1, 1):  # grow outwards from the main cluster while pieces stay near or big
        j, edge = m + direction, clusters[m]
        while 0 <= j < len(clusters):
            c = clusters[j]
            lo, hi = (c[-1], edge[0]) if direction < 0 else (edge[-1], c[0])
            dist = sum(1 for v in seq[lo + 1:hi] if v.words >= GAP_WORDS)
            if dist <= FAR_GAP or mass[j] >= MINOR_SHARE * mass[m]:
                keep.add(j)
                edge = c
            j += direction
    for j, c in enumerate(clusters):
        if j not in keep:
            for i in c:
                seq[i].cls = "bad"
                seq[i].reason = "junk: away from the main text"


def _main_container(seq: list[Unit]) -> None:
    """HTML: unlabelled, link-poor blocks inside the element that holds most of the good text are text too."""
    mass: Counter = Counter()
    for u in seq:
        if u.box and u.cls == "good" and u.kind is None:
            mass[u.box] += len(u.text)
    if not mass:
        return
    box, chars = mass.most_common(1)[0]
    if chars < MAIN_BOX_SHARE * sum(mass.values()):
        return
    for u in seq:
        if u.box == box and u.cls != "good" and u.kind is None and u.link_density <= MAX_LINK_DENSITY \
                and not u.heading:
            u.cls = "good"


def _headline_like(u: Unit) -> bool:
    return (not u.bullet and u.kind is None and 3 <= u.words <= 40 and 15 <= len(u.text) <= 300
            and not u.text.endswith((".", ":", ";", ",")) and not byline_names(u.text))


_BYLINE = re.compile(
    r"^(?:by|from|von|par|por|di|door|автор:?|text:?|texte:?)\s+(?P<names>[^\d|•·]+?)"
    r"(?:\s*(?:[|•·,]|\s[-–—]\s|\bon\b|\bat\b|\bupdated\b|\bpublished\b|\d).*)?$", re.I)
_NAME_SPLIT = re.compile(r"\s*(?:,|&|\band\b|\bund\b|\bet\b|\by\b|\be\b|\ben\b|\bи\b)\s*", re.I)
_NAME = re.compile(r"^[A-ZÀ-ÞА-ЯЁ][\w'’.-]*(?:\s+(?:[A-ZÀ-ÞА-ЯЁ][\w'’.-]*|van|von|de|da|der|del|la|le|di|bin|al))"
                   r"{1,3}$")
_ROLES = frozenset("staff writer reporter correspondent editor columnist contributor senior political "
                   "associated press agencies agency news service".split())
_MONTHS = ("jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|"
           "august|september|october|november|december|januar|februar|märz|mai|juni|juli|oktober|dezember|"
           "janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre|enero|febrero|"
           "marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|gennaio|febbraio|"
           "aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|janeiro|fevereiro|março|maio|junho|"
           "julho|setembro|outubro|dezembro|januari|februari|maart|augustus|"
           "января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря")
_DATE = re.compile(
    r"\b(?:\d{4}-\d{2}-\d{2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|(?:%s)\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|"
    r"\d{1,2}(?:st|nd|rd|th|\.)?\s+(?:de\s+)?(?:%s)\.?,?\s+(?:de\s+)?\d{4})\b" % (_MONTHS, _MONTHS), re.I)


def byline_names(text: str) -> list[str]:
    """Author names of a byline ('By Jane Doe and John Roe | 2 May 2021' -> both names)."""
    m = _BYLINE.match(text.strip())
    if not m:
        return []
    names = []
    for part in _NAME_SPLIT.split(m["names"].strip()):
        part = part.strip(" .")
        if part and _NAME.match(part) and not (set(part.lower().split()) & _ROLES):
            names.append(part)
    return names


def _is_name_line(u: Unit, stoplist: frozenset[str]) -> bool:
    t = u.text
    return (not u.bullet and len(t) <= 40 and bool(_NAME.match(t))
            and not any(w.lower() in stoplist for w in t.split()))


_ALPHA_WORD = re.compile(r"[^\W\d_]{2,}")


def _dateline(u: Unit) -> bool:
    """A short line that is mostly a date ('Updated July 23, 2012, 7:10 p.m. ET')."""
    if len(u.text) > 80 or u.words > 14 or not _DATE.search(u.text):
        return False
    return len(_ALPHA_WORD.findall(_DATE.sub(" ", u.text))) <= 5


def _mark(u: Unit, kind: str, reason: str) -> None:
    u.kind, u.reason = kind, reason


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


def _find_title(seq: list[Unit], hint: str | None) -> Unit | None:
    """The headline unit: the hinted title, else the nearest headline-like line above the body."""
    if hint:
        h = norm(hint)
        best = None
        for u in seq:
            if u.kind is not None and u.kind not in ("related", "nav", "other"):
                continue
            k = norm(u.text)
            if k and (k == h or (len(k) >= 0.5 * len(h) and h.startswith(k)) or
                      (k.startswith(h) and len(k) <= 1.6 * len(h))):
                if best is None or (best.bullet and not u.bullet) or (u.heading and not best.heading):
                    best = u
                if k == h and not u.bullet:
                    break
        if best is not None:
            return best
    first_body = next((i for i, u in enumerate(seq) if u.kind is None and u.cls == "good"
                       and (u.cf == "good" or u.text.endswith(_SENTENCE_END))), len(seq))
    window = [u for u in seq[max(0, first_body - 40):first_body] if _headline_like(u)]
    if not window:
        return None
    headings = [u for u in window if u.heading]
    return (headings or window)[-1]


def classify(units: list[Unit], stoplist: frozenset[str], title_hint: str | None = None,
             boilerplate: frozenset[str] = frozenset(), lenient: bool = False) -> dict:
    """Set kind/reason on every unit; returns the document fields found (title, authors, ...).

    lenient: the text is an extracted article body (JSON) — only labelled junk is dropped.
    """
    _features(units, stoplist)
    _pre_junk(units, boilerplate)
    seq = [u for u in units if u.text]
    _paragraph_classes(seq, lenient)
    fields: dict = {"title": None, "authors": [], "section": None, "source_name": None, "published_raw": None}
    title = _find_title(seq, title_hint)
    ti = seq.index(title) if title is not None else -1
    if title is not None:
        fields["title"] = title.text
        if not lenient:
            _drop_above_headline(seq, ti)
        _mark_title(seq, title)
    _bylines_and_dates(seq, ti, fields)
    if ti >= 0:
        _header_labels(seq, ti, stoplist, fields)
    if not lenient:
        _rest_of_page(seq, ti)
    _final_kinds(seq)
    return fields


def _paragraph_classes(seq: list[Unit], lenient: bool) -> None:
    """jusText classes, the context pass and the main-text zone."""
    for u in seq:
        u.cf = "bad" if u.kind is not None else _context_free(u)
        u.cls = "good" if lenient and u.kind is None else u.cf
    if lenient:
        return
    _revise(seq)
    if sum(len(u.text) for u in seq if u.cls == "good") < SHORT_ARTICLE:  # little clear prose:
        for u in seq:  # take the medium paragraphs too
            u.cls = "good" if u.cf == "neargood" or u.cls == "good" else u.cf
        _revise(seq)
    _main_zone(seq)
    _main_container(seq)


def _drop_above_headline(seq: list[Unit], ti: int) -> None:
    """Good-looking text above the headline (teasers, menus with blurbs) when most text follows it."""
    above = sum(len(u.text) for u in seq[:ti] if u.kind is None and u.cls == "good")
    below = sum(len(u.text) for u in seq[ti:] if u.kind is None and u.cls == "good")
    if above and below >= 2 * above:
        for u in seq[:ti]:
            if u.kind is None and u.cls == "good":
                u.cls, u.reason = "bad", "junk: above the headline"


_TITLE_SUFFIX = ("-", "|", ":", "–", "—", "")


def _mark_title(seq: list[Unit], title: Unit) -> None:
    """The headline, and its repeats (breadcrumbs, page-title lines with a site suffix)."""
    _mark(title, "title", "headline")
    tkey = norm(title.text)
    for u in seq:
        if u is title or u.kind not in (None, "nav", "related", "other") or len(u.text) > 2 * len(title.text):
            continue
        k = norm(u.text)
        if k == tkey or (k.startswith(tkey) and len(k) - len(tkey) <= 40
                         and k[len(tkey):][:3].strip(" ") in _TITLE_SUFFIX):
            _mark(u, "title", "repeat of title")


def _bylines_and_dates(seq: list[Unit], ti: int, fields: dict) -> None:
    """'By ...' lines and date lines from the top of the page down to just into the article."""
    first_body = next((i for i, u in enumerate(seq) if u.kind is None and u.cls == "good" and i > ti
                       and (u.cf == "good" or u.text.endswith(_SENTENCE_END))), len(seq))
    for u in seq[:first_body + 3]:
        if u.kind not in (None, "other", "nav") or len(u.text) > 120 or u.cf == "good":
            continue
        names = byline_names(u.text)
        if names:
            fields["authors"] = fields["authors"] or names
            _mark(u, "byline", "byline: 'by' line")
            m = _DATE.search(u.text)
            if m and not fields["published_raw"]:
                fields["published_raw"] = m.group(0)
        elif _dateline(u) and u.kind in (None, "other") and (u.cls != "good" or u.words <= 8):
            fields["published_raw"] = fields["published_raw"] or u.text
            _mark(u, "dateline", "dateline: date line")


def _final_kinds(seq: list[Unit]) -> None:
    """Kinds for the units no rule labelled: good ones are body/heading, the rest junk by position."""
    body_idx = [i for i, u in enumerate(seq) if u.kind is None and u.cls == "good"]
    last_body = body_idx[-1] if body_idx else -1
    first_good = body_idx[0] if body_idx else len(seq)
    menu = _menu_runs(seq)
    for i, u in enumerate(seq):
        if u.kind is not None:
            continue
        if u.cls == "good":
            heading = len(u.text) < 150 and not u.text.endswith(_SENTENCE_END) and u.cf != "good"
            _mark(u, "heading" if heading else "body", None)
        elif u.bullet:
            _mark(u, "nav", "nav: list item")
        elif u.link_density > MAX_LINK_DENSITY:
            _mark(u, "nav", "nav: link text")
        elif i in menu:
            _mark(u, "nav", "nav: menu run")
        elif i < first_good:
            _mark(u, "nav", "nav: header zone")
        elif i > last_body:
            _mark(u, "footer", "footer: after article")
        else:
            _mark(u, "other", u.reason or "junk: %s" % (
                "short line among junk" if u.cf == "short" else "low text density"))


def _menu_runs(seq: list[Unit], min_run: int = 3) -> set[int]:
    """Indexes of runs of short, unpunctuated, unclassified lines (menus rendered one item a line)."""
    out: set[int] = set()
    run: list[int] = []
    for i, u in enumerate(seq + [Unit(0, "", "x" * 99)]):
        if i < len(seq) and u.kind is None and u.cls != "good" and len(u.text) <= 40 \
                and not u.text.endswith(_SENTENCE_END):
            run.append(i)
            continue
        if len(run) >= min_run:
            out.update(run)
        run = []
    return out


def _rest_of_page(seq: list[Unit], ti: int) -> None:
    """After a comment-section marker that follows the article, every remaining line is comment."""
    before = 0
    total = sum(len(u.text) for u in seq[ti + 1:] if u.kind is None and u.cls == "good")
    signed = [i for i, u in enumerate(seq) if i > ti and u.scope == "signature"]
    for i, u in enumerate(seq):
        if i > ti and u.kind is None and u.cls == "good":
            before += len(u.text)
        if len(signed) >= 2 and i == signed[0]:  # comments signed 'Posted by ...' with no section header
            start, run = _comment_start(seq, i), 0
            run = sum(len(v.text) for v in seq[start:i] if v.kind is None and v.cls == "good")
            if before - run >= 400:
                for v in seq[start:]:
                    if v.kind is None or v.kind in ("other", "nav"):
                        _mark(v, "comment", "comment: signed comments follow")
                return
            signed.pop(0)
        if u.scope == "rest" and u.kind and before >= 400 and before >= REST_SHARE * total:
            reason = "%s: after '%s'" % (u.kind, u.text[:40])
            for v in seq[i + 1:]:
                if v.kind is None or v.kind in ("other", "nav"):
                    _mark(v, u.kind, reason)
            return


def _comment_start(seq: list[Unit], sig: int) -> int:
    """Where the comment a signature line closes begins: below the nearest line labelled as page furniture."""
    j = sig - 1
    while j > 0 and seq[j].kind is None:
        j -= 1
    return j + 1


def _header_labels(seq: list[Unit], ti: int, stoplist: frozenset[str], fields: dict) -> None:
    """Source name (doubled logo line), section label and author name lines just around the headline."""
    sections = _sections()
    i = ti - 1
    while i >= max(0, ti - 8):
        u = seq[i]
        free = u.kind in (None, "nav", "other") and not u.bullet and len(u.text) <= 40
        if u.kind in ("byline", "dateline"):
            pass
        elif free and i > 0 and seq[i - 1].text == u.text and u.words <= 5 and not fields["source_name"]:
            fields["source_name"] = u.text
            _mark(u, "other", "source name")
            _mark(seq[i - 1], "other", "source name")
            i -= 1
        elif free and norm(u.text) in sections and not fields["section"]:
            fields["section"] = u.text
            _mark(u, "other", "section label")
        elif free and not fields["authors"] and _is_name_line(u, stoplist) and norm(u.text) not in sections:
            fields["authors"] = [u.text]
            _mark(u, "byline", "byline: name line")
        else:
            break
        i -= 1
    if ti + 1 < len(seq):
        u = seq[ti + 1]
        if u.kind in (None, "nav", "other") and not fields["authors"] and _is_name_line(u, stoplist) \
                and norm(u.text) not in sections:
            fields["authors"] = [u.text]
            _mark(u, "byline", "byline: name line")


def _finish(units: list[Unit], fields: dict, meta: dict | None = None) -> CleanDoc:
    lines, paras = [], []
    for u in units:
        if not u.text and u.kind is None:
            u.kind, u.reason = "empty", None
        kept = u.kind in ("body", "heading")
        if kept:
            paras.append(u.text)
        lines.append(Line(u.no, u.raw, u.kind, kept, u.reason))
    return CleanDoc(lines=lines, body_text="\n\n".join(paras), title=fields["title"],
                    authors=fields["authors"], section=fields["section"], source_name=fields["source_name"],
                    published_raw=fields["published_raw"], meta=meta or {})


def _doc_stoplist(units: list[Unit]) -> frozenset[str]:
    words: list[str] = []
    for u in units:
        if len(u.text) > 60:
            words.extend(u.word_list())
            if len(words) >= 200:
                break
    if len(words) < 40:
        for u in units:
            words.extend(u.word_list())
    return pick_stoplist(words)


def clean_document(raw: RawDoc, boilerplate: frozenset[str] = frozenset()) -> CleanDoc:
    """Classify the lines of one document and keep its article body."""
    try:
        return _clean(raw, boilerplate)
    except RecursionError:
        return _fallback(raw, boilerplate)
    except Exception:  # noqa: BLE001 - a broken page must not stop the run
        if raw.fmt != "html":
            raise
        return _fallback(raw, boilerplate)


def _fallback(raw: RawDoc, boilerplate: frozenset[str]) -> CleanDoc:
    """Tag-stripped text through the same classifier, for pages the parser cannot walk."""
    from tasks.html import strip_tags
    text = strip_tags(raw.text) if raw.fmt == "html" else raw.text
    units = json_units(text)
    for u in units:
        u.reason = None
    fields = classify(units, _doc_stoplist(units), raw.meta.get("title"), boilerplate)
    return _finish(units, fields, {"fallback": "tag-stripped text"} if raw.fmt == "html" else {})


def _clean(raw: RawDoc, boilerplate: frozenset[str]) -> CleanDoc:
    hint = raw.meta.get("title")
    if raw.fmt == "html" and raw.text.count("<") > MAX_HTML_TAGS:
        return _fallback(raw, boilerplate)
    if raw.fmt == "html":
        units, meta = html_units(raw.text)
        fields = classify(units, _doc_stoplist(units), hint or meta.get("title"), boilerplate)
        return _finish(units, fields, meta)
    if raw.fmt == "json":
        units = json_units(raw.text)
        return _finish(units, classify(units, _doc_stoplist(units), hint, boilerplate, lenient=True))
    units = text_units(raw.text)
    return _finish(units, classify(units, _doc_stoplist(units), hint, boilerplate))


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
