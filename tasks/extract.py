"""Extract stage: entities, dates and event candidates of one document."""
from __future__ import annotations

import functools

from tasks import dates as D
from tasks import entities as E
from tasks import events as V
from tasks import gazetteer as gz
from tasks.records import Document, Extraction


def extract_document(doc: Document) -> Extraction:
    """Entities and event candidates found in doc.body_text, and the publication date (inferred if missing)."""
    text = doc.body_text or ""
    sentences = E.split_sentences(text)
    words = E.word_spans(text, keywords())
    mentions = E.find_mentions(text, sentences)
    E.add_roles(text, mentions)
    title_people = _title_people(doc.title)
    E.resolve_aliases(mentions, title_people)
    people = [m for m in mentions if m.kind == "PERSON"] + title_people
    taken = [(m.start, m.end) for m in mentions if m.kind == "PERSON"]
    described = E.find_descriptors(text, sentences, people, taken, words)
    spans = [(d.start, d.end) for d in described]
    mentions = [m for m in mentions if m.kind in ("PERSON", "ORG", "PLACE")
                and not any(a <= m.start < b for a, b in spans) and not _acronym_gloss(text, m)] + described
    mentions.sort(key=lambda m: m.start)

    exprs = D.find_dates(text, words)
    sent_of = _sentence_index(sentences, [x.start for x in exprs])
    tense = {i: D.is_future(text[sentences[i][0]:sentences[i][1]]) for i in set(sent_of)} if sentences else {}
    future = [tense.get(i, False) for i in sent_of]
    published, origin = doc.published_at, doc.published_at_origin
    if published is None:
        extra = getattr(doc, "aux_text", "") or ""  # dropped caption lines, when the pipeline passes them
        hints = D.find_dates(extra) if extra else []
        published = D.infer_published(exprs + hints, future + [D.is_future(extra)] * len(hints))
        origin = "inferred" if published else None
    for x, fut in zip(exprs, future):
        D.resolve(x, published, fut)

    rows = [m.row() for m in mentions]
    rows += [{"sentence_id": i, "kind": "DATE", "text": x.text, "canonical": x.date.isoformat() if x.date else None,
              "role": x.precision, "country_code": None, "char_start": x.start, "char_end": x.end}
             for x, i in zip(exprs, sent_of)]
    rows.sort(key=lambda r: (r["char_start"], r["char_end"]))
    candidates = V.find_candidates(text, sentences, mentions, exprs, published, doc.title, doc.language, words)
    if not candidates:
        candidates = headline_candidates(doc.title or _first_sentence(text, sentences), published, doc.language)
    return Extraction(entities=rows, candidates=candidates, published_at=published, published_at_origin=origin)


def headline_candidates(headline: str, published, language: str) -> list[dict]:
    """A main event from the headline when the body gave none, so every article has a lead record.

    Its sentence_id is NULL (the headline is not in body_text) and its confidence low; when no
    trigger fires, a generic OTHER event with the headline's first actor (if any) is returned.
    """
    headline = (headline or "").strip()
    if not headline:
        return []
    sentences = E.split_sentences(headline) or [(0, len(headline))]
    mentions = E.find_mentions(headline, sentences)
    E.add_roles(headline, mentions)
    exprs = D.find_dates(headline)
    for x in exprs:
        D.resolve(x, published, D.is_future(headline))
    found = V.find_candidates(headline, sentences, mentions, exprs, published, None, language)
    if not found:
        actors = [m for m in mentions if m.kind in ("PERSON", "ORG")]
        places = [m for m in mentions if m.kind == "PLACE"]
        found = [{
            "candidate_no": 0, "trigger": None, "event_type": "OTHER", "cameo_code": None,
            "actor1": (actors[0].canonical or actors[0].text) if actors else None,
            "actor1_role": actors[0].role if actors else None,
            "actor1_country": actors[0].country_code if actors else None,
            "actor2": None, "actor2_role": None, "actor2_country": None,
            "location": places[0].text if places else None,
            "location_country": places[0].country_code if places else None,
            "event_date": None, "event_date_raw": None, "date_precision": None,
            "is_main": True, "is_background": False,
        }]
    for no, c in enumerate(found):
        c.update(candidate_no=no, sentence_id=None, evidence=headline,
                 confidence=round(0.5 * float(c.get("confidence") or 0.2), 3))
    return found


def _first_sentence(text: str, sentences: list[tuple[int, int]]) -> str:
    return text[sentences[0][0]:sentences[0][1]] if sentences else text[:300]


@functools.cache
def keywords():
    """The words any later lookup starts from: trigger first words, date words, role titles."""
    return E.keyword_pattern(frozenset(V.triggers()) | D.ANCHORS | D.UNITS | E.role_last_words())


def _title_people(title: str | None) -> list[E.Mention]:
    """People named in the title (they resolve 'the Russian President' when the body gives no name)."""
    if not title:
        return []
    found = []
    for m in E.find_mentions(title, E.split_sentences(title)):
        for tok in m.name_tokens:
            known = gz.surnames().get(gz.fold(tok))
            if known:
                found.append(E.Mention(0, "PERSON", tok, m.start, m.end, canonical=known["canonical"],
                                       role=known["role"] or None, country_code=known["country_code"] or None,
                                       org=known["org"] or None, name_tokens=tuple(known["canonical"].split())))
    return found


def _acronym_gloss(text: str, m: E.Mention) -> bool:
    """'(UN)' right after the name it abbreviates."""
    return m.kind == "ORG" and text[m.start - 1:m.start] == "(" and text[m.end:m.end + 1] == ")" and m.text.isupper()


def _sentence_index(sentences: list[tuple[int, int]], positions: list[int]) -> list[int]:
    out, si = [], 0
    for p in positions:
        while si + 1 < len(sentences) and sentences[si + 1][0] <= p:
            si += 1
        out.append(si)
    return out
