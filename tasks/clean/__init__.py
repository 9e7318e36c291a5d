"""Clean stage: classify every line of an article into a kind and keep the article body.

One line model serves rendered text, HTML text blocks and JSON bodies: units (units.py) get the signals
of phrase families (phrases.py), jusText's paragraph classes and a learned line/block classifier
(classify.py); page structure (structure.py) then finds headline, byline, dateline, header labels and
comment sections. Per-source boilerplate templates are learned in tasks/templates.py.
"""
from __future__ import annotations

from tasks.clean.classify import model_for, predict
from tasks.clean.sources import source_key
from tasks.clean.paragraphs import justext_classes
from tasks.clean.phrases import _pre_junk, match_phrase
from tasks.clean.rules import _paragraph_classes
from tasks.clean.structure import (_bylines_and_dates, _drop_above_headline, _final_kinds, _find_title,
                                   _finish, _header_labels, _mark_title, _rest_of_page, byline_names)
from tasks.clean.units import (KINDS, MAX_HTML_TAGS, Unit, _doc_stoplist, _features, html_units, json_units,
                               norm, pick_stoplist, text_units)
from tasks.records import CleanDoc, RawDoc

__all__ = ["KINDS", "Unit", "byline_names", "classify", "clean_document", "match_phrase",
           "norm", "pick_stoplist", "source_key"]


def classify(units: list[Unit], stoplist: frozenset[str], title_hint: str | None = None,
             boilerplate: frozenset[str] = frozenset(), lenient: bool = False, fmt: str = "text") -> dict:
    """Set kind/reason on every unit; returns the document fields found (title, authors, ...).

    lenient: the text is an extracted article body (JSON) — only labelled junk is dropped.
    fmt: 'text' or 'html', which weights of the learned classifier decide (rules when none).
    """
    _features(units, stoplist)
    _pre_junk(units, boilerplate)
    seq = [u for u in units if u.text]
    model = None if lenient else model_for(fmt)
    if model is None:
        _paragraph_classes(seq, lenient)
    else:
        _learned_classes(seq, model)
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


def _learned_classes(seq: list[Unit], model: dict) -> None:
    """jusText's classes, the hand rules' classes and the page's signals as features; the model decides.

    The rules' verdict stands unless the model is confident against it (p below `low` drops a unit the
    rules keep, p above `high` keeps one they drop). A label set before (phrase family, page structure,
    recurrence) is a feature: the model may keep such a unit, otherwise the label names the junk kind; a line
    recurring across the source's documents stays boilerplate."""
    _paragraph_classes(seq, False)
    if _plain_article(seq):
        return
    for u in seq:
        u.rule = u.cls
    justext_classes(seq)
    predict(seq, model)
    low, high = model["low"], model["high"]
    for u in seq:
        recurring = u.kind is not None and (u.reason or "").startswith("boilerplate")
        if not recurring and (u.p >= high or (u.rule == "good" and u.p >= low)):
            u.kind, u.reason, u.cls = None, None, "good"
        else:
            u.cls = "bad"


def _plain_article(seq: list[Unit]) -> bool:
    """Nothing but prose (a headline line at most): no junk for the model to find, the rules' verdict stands."""
    odd = [i for i, u in enumerate(seq) if u.cls != "good" or u.kind is not None]
    return len(odd) <= 1 and all(i < 3 and seq[i].kind is None for i in odd)


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
        fields = classify(units, _doc_stoplist(units), hint or meta.get("title"), boilerplate, fmt="html")
        return _finish(units, fields, meta)
    if raw.fmt == "json":
        units = json_units(raw.text)
        return _finish(units, classify(units, _doc_stoplist(units), hint, boilerplate, lenient=True))
    units = text_units(raw.text)
    return _finish(units, classify(units, _doc_stoplist(units), hint, boilerplate))

