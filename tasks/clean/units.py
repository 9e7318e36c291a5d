"""Clean stage units: lines of rendered text, HTML text blocks, JSON body lines, with their words and stoplist."""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from itertools import repeat

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
    tag: str = ""  # HTML: the element the block's text starts in
    content: bool = False  # HTML: inside <article>/<main> or a content-named element
    depth: int = 0  # HTML: nesting depth
    jt: str = ""  # jusText's class after its context pass
    rule: str = ""  # the hand rules' class (rules.py), a feature of the learned classifier
    p: float = -1.0  # the learned classifier's probability of article text (-1: not asked)
    why: str = ""  # the classifier's strongest features for its decision

    def word_list(self) -> list[str]:
        if self.tokens is None:
            self.tokens = _WORD.findall(self.text.lower())
        return self.tokens


def norm(text: str) -> str:
    """Lower-case, unify quotes, collapse spaces and trim marker/punctuation edges."""
    t = unicodedata.normalize("NFKC", text).lower().replace("’", "'").replace("`", "'")
    return _SPACES.sub(" ", t).strip(_EDGE)


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
                 link_density=b.link_chars / len(b.text), box=b.box, tag=b.tag, content=b.content,
                 depth=b.depth)
        if b.pruned is not None:
            u.kind, u.reason = b.pruned
        units.append(u)
    return units, meta


def json_units(text: str) -> list[Unit]:
    """Units for a news-please body: one per line."""
    return [Unit(no, line, line.strip()) for no, line in enumerate(text.split("\n"), 1)]


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


def _mark(u: Unit, kind: str, reason: str) -> None:
    """A rule's verdict (it replaces the classifier's explanation)."""
    u.kind, u.reason, u.why = kind, reason, ""

