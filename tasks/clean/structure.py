"""Page structure: headline, bylines, datelines, header labels, comment sections and the final line kinds."""
from __future__ import annotations

import re

from tasks.clean.phrases import _sections
from tasks.clean.units import *  # noqa: F403
from tasks.clean.units import _SENTENCE_END, _mark
from tasks.records import CleanDoc, Line

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


def _label(u: Unit, kind: str, reason: str | None) -> None:
    """The kind of a unit the classifier decided (its explanation stays)."""
    u.kind, u.reason = kind, reason


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
            _label(u, "heading" if heading else "body", None)
        elif u.bullet:
            _label(u, "nav", "nav: list item")
        elif u.link_density > MAX_LINK_DENSITY:
            _label(u, "nav", "nav: link text")
        elif i in menu:
            _label(u, "nav", "nav: menu run")
        elif i < first_good:
            _label(u, "nav", "nav: header zone")
        elif i > last_body:
            _label(u, "footer", "footer: after article")
        else:
            _label(u, "other", u.reason or "junk: %s" % (
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
        reason = u.reason
        if u.why:  # a learned decision: its probability and strongest features
            reason = "%s (%s)" % (reason, u.why) if reason and not kept else u.why
        lines.append(Line(u.no, u.raw, u.kind, kept, reason))
    return CleanDoc(lines=lines, body_text="\n\n".join(paras), title=fields["title"],
                    authors=fields["authors"], section=fields["section"], source_name=fields["source_name"],
                    published_raw=fields["published_raw"], meta=meta or {})

