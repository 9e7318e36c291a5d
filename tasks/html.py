"""HTML -> text blocks in document order, with the structural signals the line classifier reads."""
from __future__ import annotations

import functools
import re
import warnings
from dataclasses import dataclass
from html import unescape

from tasks.config import seed_rows

SKIP = frozenset("script style noscript template svg math iframe object embed select option button "
                 "input textarea canvas video audio map".split())
BLOCK = frozenset("p div h1 h2 h3 h4 h5 h6 li ul ol dl dt dd table thead tbody tfoot tr td th blockquote pre "
                  "article section main header footer aside nav figure figcaption address br hr form fieldset "
                  "legend caption center body html details summary menu title".split())
HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
CONTAINERS = frozenset("div article section main td body blockquote form center".split())
PRUNE_TAGS = {"nav": "nav", "aside": "related", "footer": "footer", "header": "nav", "menu": "nav"}
NEVER_PRUNE = frozenset("html body main article".split())
_SPACE = re.compile(r"\s+")
_SLUG = re.compile(r"(?:category|tag|post-tag|entry-category|entry-tag|entry-author|author|format|topic)[-_]", re.I)
_CONTENT_ATTR = re.compile(r"article|body|content|entry|main|post|story|text|hentry|column|shadow", re.I)


@functools.cache
def _junk_attr() -> re.Pattern:
    """Class/id words of page furniture (seeds/junk_html_attrs.csv), one named group per kind."""
    groups = "|".join("(?P<%s>%s)" % (r["kind"], r["pattern"]) for r in seed_rows("junk_html_attrs"))
    return re.compile(r"(?<![a-z])(?:%s)(?![a-z])" % groups, re.I)


@dataclass(slots=True)
class Block:
    """A run of text between block-level boundaries."""
    text: str
    link_chars: int
    tag: str
    heading: bool
    item: bool
    pruned: tuple[str, str] | None
    box: int = 0  # which container element (div, td, article, ...) holds the text
    content: bool = False  # inside <article>/<main> or an element whose class/id names article content
    depth: int = 0  # how many elements enclose the text


def parse(html: str):
    """The page parsed once with BeautifulSoup + lxml (XML-looking pages too: news sites serve XHTML)."""
    from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        return BeautifulSoup(html, "lxml")


def _junk_kind(el) -> tuple[str, str] | None:
    """(kind, reason) when an element's tag, class or id marks it as page furniture."""
    name = el.name
    if name in NEVER_PRUNE:
        return None
    if name in PRUNE_TAGS:
        return PRUNE_TAGS[name], "html: <%s>" % name
    attrs = el.attrs
    if not attrs:
        return None
    cls = attrs.get("class")
    cls = cls if isinstance(cls, list) else str(cls or "").split()
    key = " ".join(c for c in cls if not _SLUG.match(c)) + " " + str(attrs.get("id") or "")
    if attrs.get("role") in ("navigation", "banner", "contentinfo", "complementary"):
        return "nav", "html: role=%s" % attrs.get("role")
    if not key.strip():
        return None
    key = key.replace("_", "-")
    m = _junk_attr().search(key)
    if not m or _CONTENT_ATTR.search(key):
        return None
    return m.lastgroup, "html: %s '%s'" % (m.lastgroup, m.group(0)[:30])


def _content_marker(el) -> bool:
    """An element whose class or id names article content (article-body, entry-content, story ...)."""
    attrs = el.attrs
    if not attrs:
        return False
    cls = attrs.get("class")
    key = " ".join(cls) if isinstance(cls, list) else str(cls or "")
    key += " " + str(attrs.get("id") or "")
    return bool(key.strip()) and bool(_CONTENT_ATTR.search(key))


def blocks(soup) -> list[Block]:
    """Text blocks of the page in document order (iterative walk: deep nesting cannot overflow)."""
    from bs4 import Comment, NavigableString
    from bs4.element import Declaration, Doctype, ProcessingInstruction
    skip_strings = (Comment, Declaration, Doctype, ProcessingInstruction)
    out: list[Block] = []
    parts: list[str] = []
    state = {"link": 0, "heading": 0, "item": 0, "caption": 0, "content": 0, "depth": 0}
    cur = {"links": 0, "tag": "", "heading": False, "item": False, "box": 0, "content": False, "depth": 0}
    boxes = [0]
    n_boxes = 0
    pruned: list[tuple[str, str]] = []
    total_text = max(1, len(soup.get_text()) if soup is not None else 1)

    def flush():
        if parts:
            text = _SPACE.sub(" ", "".join(parts)).strip()
            if text:
                p = pruned[-1] if pruned else None
                if p is None and state["caption"]:
                    p = ("caption", "html: <figcaption>")
                out.append(Block(text, cur["links"], cur["tag"], cur["heading"], cur["item"], p, cur["box"],
                                 cur["content"], cur["depth"]))
            parts.clear()
        cur["links"] = 0
        cur["heading"] = bool(state["heading"])
        cur["item"] = bool(state["item"])

    stack: list = [(soup, False, None)]
    while stack:
        node, leaving, info = stack.pop()
        if leaving:
            name = node.name
            state["depth"] -= 1
            if info is not None and info[1]:
                state["content"] -= 1
            info = info[0] if info is not None else None
            if name in BLOCK:
                flush()
            if name == "a":
                state["link"] -= 1
            elif name in HEADINGS:
                state["heading"] -= 1
            elif name == "li":
                state["item"] -= 1
            elif name == "figcaption":
                state["caption"] -= 1
            if info is not None:
                flush()
                pruned.pop()
            if name in CONTAINERS:
                boxes.pop()
            continue
        if isinstance(node, NavigableString):
            if isinstance(node, skip_strings):
                continue
            s = str(node)
            if not parts:
                cur["tag"] = node.parent.name if node.parent is not None else ""
                cur["heading"] = bool(state["heading"])
                cur["item"] = bool(state["item"])
                cur["box"] = boxes[-1]
                cur["content"] = state["content"] > 0
                cur["depth"] = state["depth"]
            parts.append(s)
            if state["link"]:
                cur["links"] += len(s.strip())
            continue
        name = node.name
        if name == "title":
            text = node.get_text()
            if len(text) >= 400 and "<" in text:  # a <title> left open swallowed the page
                stack.append((parse(text), False, None))
            continue
        if name in SKIP:
            continue
        junk = _junk_kind(node) if name is not None and name != "[document]" else None
        if junk is not None and len(node.get_text()) > 0.6 * total_text:
            junk = None  # a wrapper holding most of the page is not furniture
        if name in BLOCK or junk is not None:
            flush()
        if name == "a":
            state["link"] += 1
        elif name in HEADINGS:
            state["heading"] += 1
        elif name == "li":
            state["item"] += 1
        elif name == "figcaption":
            state["caption"] += 1
        if junk is not None:
            pruned.append(junk)
        if name in CONTAINERS:
            n_boxes += 1
            boxes.append(n_boxes)
        if name in HEADINGS or name == "li":
            cur["heading"] = bool(state["heading"])
            cur["item"] = bool(state["item"])
        content = name in ("article", "main") or _content_marker(node)
        if content:
            state["content"] += 1
        state["depth"] += 1
        stack.append((node, True, (junk, content)))
        children = getattr(node, "contents", None)
        if children:
            stack.extend((c, False, None) for c in reversed(children))
    flush()
    return out


_SCRIPTS = re.compile(r"(?is)<(script|style|noscript|template)\b.*?</\1\s*>|<!--.*?-->")
_INLINE = re.compile(r"(?i)</?(?:a|span|b|i|em|strong|font|small|big|u|abbr|time|img|sup|sub|cite|q|mark|code)\b[^>]*>")
_TAG = re.compile(r"(?s)<[^>]*>")


def strip_tags(html: str) -> str:
    """Text lines of a page without a parser: inline tags dropped, other tags end a line (approximate blocks)."""
    text = _TAG.sub("\n", _INLINE.sub("", _SCRIPTS.sub(" ", html)))
    return "\n".join(s for s in (_SPACE.sub(" ", unescape(t)).strip() for t in text.split("\n")) if s)
