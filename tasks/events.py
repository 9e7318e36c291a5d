"""Event candidates of one document: trigger words, who did it to whom, where, when, lead or background."""
from __future__ import annotations

import calendar
import datetime as dt
import functools
import re

from tasks import gazetteer as gz
from tasks.config import seed_rows
from tasks.dates import DateExpr
from tasks.entities import Mention, function_words

MODIFIED = frozenset("spokesman spokeswoman spokesperson official officials minister ministry government forces "
                     "troops army military authorities police leader leaders president embassy delegation".split())
ACCORDING = re.compile(r"\baccording to(?:[ \u00a0]+the)?[ \u00a0]*$", re.I)
SPEAKER = re.compile(r"[ \u00a0]*,?[ \u00a0]*(?:said|says|told|added|wrote|stated)\b")
DATELINE = re.compile(r"[ \u00a0]*(?:[–—]|--?|,[ \u00a0]+[A-Z][a-z]{2}\.?[ \u00a0]+\d)[ \u00a0]?")
SINCE = re.compile(r"\b(?:since|until|before)[ \u00a0]+$", re.I)
MAX_GAP = 100  # characters between an agent and its trigger
SPECIFICITY = {"city": 4, "venue": 3, "region": 2, "country": 1, "event": 0}
LOCATIVE = re.compile(r"(?:\b(?:in|at|near|outside|inside|to|into|across|around|visit|visits|visited|visiting|of)\b)"
                      r"(?:[ \u00a0]+the)?(?:[ \u00a0]+[\w\-]+(?:'s|’s))?"
                      r"(?:[ \u00a0]+(?:north|south|east|west|central|downtown|rural|suburban)(?:ern)?(?:-\w+)?)?[ \u00a0,]*$",
                      re.I)
LEFT_CUT = re.compile(r".*(?:\bthat\b|;|:|\bbut\b|\bafter\b|\bbefore\b|\bwhen\b|\bwhile\b|\bas\b|\bsaid\b|\bsays\b|—|–|“|\")", re.I | re.S)
RIGHT_CUT = re.compile(r";|\band that\b|\bbut\b|, (?:according|said|says)\b|\b(?:said|told|added|according to)\b|\bwho\b|\bwhich\b|\bafter\b|\)|—|–", re.I)
JOINER = re.compile(r"^[ \u00a0]*(?:,|and|, and|as well as|&)[ \u00a0]+(?:the[ \u00a0]+)?(?:[\w\-’'.]+[ \u00a0]+){0,3}$", re.I)
PASSIVE = re.compile(r"\b(?:is|are|was|were|be|been|being)[ \u00a0]+(?:\w+[ \u00a0]+)?$", re.I)
BY = re.compile(r"^[ \u00a0]+by[ \u00a0]+", re.I)
PAIR = re.compile(r"\b(?:the pair|the two(?: men| leaders| sides| presidents)?|both men|both leaders|they)\b", re.I)
VERBAL = frozenset("ACCUSE REQUEST DEMAND REJECT SUPPORT THREATEN INVESTIGATE APPEAL DISAPPROVE".split())
SOCIAL = frozenset("CONSULT AGREE REQUEST DEMAND ACCUSE REJECT SUPPORT COOPERATE THREATEN INVESTIGATE".split())
IRREGULAR_PAST = frozenset("met won lost fell shot beat hit fought sent held began broke struck took gave made "
                           "died killed rammed said told left led ran drove flew threw".split())
DETERMINERS = frozenset("a an the several some many dozens hundreds thousands two three four five six seven eight "
                        "nine ten at".split())
PRONOUNS = frozenset("it he she they we i you this that these those there which who".split())
PREPOSITIONS = frozenset("in on at for with by from to of as after during since about into over under "
                         "and or but than when while if".split())
AUX = re.compile(r"^(?:is|are|was|were|has|have|had|will|would|could|can|may|might|must|should|shall|did|does|do|"
                 r"been|be|being|not|also|then|reportedly|allegedly|set|due|to|expected|planning|plans|later|"
                 r"now|just|already)$", re.I)
BACKGROUND = re.compile(r"\b(?:ago|previously|earlier this (?:month|year)|last (?:year|month)|in (?:his|her|their|its) "
                        r"(?:19|20)\d\d|had (?:\w+ )?(?:been|\w+ed)|in the past|former)\b", re.I)


def split_alternatives(pattern: str) -> list[str]:
    """The top-level '|' alternatives of a pattern ('meet|working (?:lunch|meeting)' -> 2)."""
    out, depth, cur = [], 0, []
    for ch in pattern:
        depth += (ch == "(") - (ch == ")")
        if ch == "|" and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return out


@functools.cache
def triggers() -> dict[str, list[tuple[re.Pattern, dict]]]:
    """First word of a trigger phrase -> (pattern anchored there, its seeds/triggers.csv row), longest first."""
    out: dict[str, list[tuple[re.Pattern, dict]]] = {}
    for row in seed_rows("triggers"):
        for alt in split_alternatives(row["pattern"]):
            first = re.match(r"[A-Za-z\-]+", alt).group(0).lower()
            out.setdefault(first, []).append((re.compile(alt + r"(?![\w\-])", re.I), row))
    return out


def find_triggers(text: str, words: list[tuple[int, int, str]]) -> list[tuple[int, int, dict]]:
    """(start, end, row) of every trigger phrase, the longest at each word, none overlapping."""
    table = triggers()
    out, last_end = [], -1
    for s, _, w in words:
        if s < last_end or w not in table:
            continue
        best = None
        for rx, row in table[w]:
            m = rx.match(text, s)
            if m and (best is None or m.end() > best[1]):
                best = (s, m.end(), row)
        if best:
            out.append(best)
            last_end = best[1]
    return out


def _actor(m: Mention) -> tuple[str, str | None, str | None, str]:
    """(name as the source writes it, role, country, cross-document key) of an actor mention."""
    if m.kind == "PERSON":
        written = m.canonical
        if len(m.name_tokens) >= 2 and gz.fold(" ".join(m.name_tokens)) in gz.people():
            written = " ".join(m.name_tokens)
        return written, m.role, m.country_code, m.canonical
    return m.text, m.role, m.country_code, m.canonical or m.text


def _is_actor(m: Mention, text: str) -> bool:
    if _dateline(m, text):
        return False
    if m.kind == "PERSON":
        return True
    if m.kind == "ORG":
        return not m.media and not _modifier(m, text)
    if m.kind == "PLACE" and m.place_kind in ("country", "venue"):
        left = text[max(0, m.start - 14):m.start]
        return not LOCATIVE.search(left) and not m.possessive and not _modifier(m, text)
    return False


def _dateline(m: Mention, text: str) -> bool:
    """'LONDON -- At least seven ...': the place a story was filed from (all capitals, then a dash or a date)."""
    return m.text.isupper() and len(m.text) > 2 and bool(DATELINE.match(text, m.end))


def _adjectival(m: Mention, text: str) -> bool:
    """'the US presidential election': a country name used as an adjective."""
    if m.place_kind not in ("country", "region"):
        return False
    nxt = text[m.end:m.end + 25].split(None, 1)
    if not nxt or text[m.end:m.end + 1] not in (" ", "\u00a0", "-"):
        return False
    word = re.sub(r"\W+$", "", nxt[0])
    return word[:1].islower() and word.isalpha() and word not in function_words() and not word.endswith(("ed", "s"))


def _modifier(m: Mention, text: str) -> bool:
    """True when the name qualifies what follows ('Kremlin spokesman', 'Russia President Putin')."""
    nxt = text[m.end:m.end + 30].split(None, 2)
    if not nxt or text[m.end:m.end + 1] not in (" ", "\u00a0"):
        return False
    word = nxt[0].strip(",.")
    return word[:1].isupper() or gz.fold(word) in gz.titles() or word.lower() in MODIFIED


def _verbal(trigger: str, left: str) -> bool:
    """True when the trigger reads as a finite verb ('derailed', 'was killed', 'will meet'), not a noun."""
    word = trigger.split()[0].lower()
    before = left.split()[-1:] or [""]
    return word.endswith("ed") or word in IRREGULAR_PAST or bool(AUX.match(before[0])) and before[0].lower() != "to"


def _subject_phrase(left: str) -> str | None:
    """The bare noun phrase before a verb: 'Several people' in 'Several people died'."""
    fw = function_words()
    words = left.replace(",", " ").split()
    while words and AUX.match(words[-1]):
        words.pop()
    if len(words) > 5:
        # junk before the lead ('... Image caption A Chinese boy'): start at the last determiner
        starts = [i for i in range(len(words) - 5, len(words)) if words[i].lower() in DETERMINERS]
        words = words[starts[0]:] if starts else words
    if not words or len(words) > 6 or words[-1].lower() in fw or words[0].lower() in PRONOUNS:
        return None
    if words[0].lower() in PREPOSITIONS and [w.lower() for w in words[:2]] != ["at", "least"]:
        return None
    phrase = " ".join(words).strip(" \"“”'‘’-")
    if not any(w.lower() not in fw and w.isalpha() for w in phrase.split()):
        return None
    return phrase


def _location(sent_places: list[Mention], trigger_pos: int, text: str, used: set[int],
              visit_end: int | None = None) -> Mention | None:
    """The most specific place said to be where it happens ('in', 'at', 'visit' X), nearest the trigger on ties."""
    best, key = None, None
    for p in sent_places:
        if id(p) in used or p.possessive:
            continue
        left = text[max(0, p.start - 20):p.start]
        prep = bool(LOCATIVE.search(left)) and not ACCORDING.search(left)
        if not prep and (p.place_kind == "venue" or _modifier(p, text)):
            continue
        if _dateline(p, text) or _adjectival(p, text):
            continue
        after_visit = visit_end is not None and 0 <= p.start - visit_end <= 3
        if not prep and not after_visit:
            continue
        k = (prep, SPECIFICITY.get(p.place_kind, 0), -abs(p.start - trigger_pos))
        if key is None or k > key:
            best, key = p, k
    return best


def find_candidates(text: str, sentences: list[tuple[int, int]], mentions: list[Mention], dates: list[DateExpr],
                    published: dt.date | None, title: str | None, language: str = "en",
                    words: list[tuple[int, int, str]] | None = None) -> list[dict]:
    """Event candidate rows (without doc_id) for one document, exactly one is_main when any."""
    if language not in ("en", "und", None, ""):
        return []
    from tasks.entities import word_spans
    found = find_triggers(text, words if words is not None else word_spans(text))
    trig_by_sent: dict[int, list] = {}
    si = 0
    for t in found:
        while si + 1 < len(sentences) and sentences[si + 1][0] <= t[0]:
            si += 1
        trig_by_sent.setdefault(si, []).append(t)
    by_sent: dict[int, list[Mention]] = {}
    for m in mentions:
        by_sent.setdefault(m.sentence_id, []).append(m)
    dates_by_sent: dict[int, list[DateExpr]] = {}
    si = 0
    for x in dates:
        while si + 1 < len(sentences) and sentences[si + 1][0] <= x.start:
            si += 1
        dates_by_sent.setdefault(si, []).append(x)
    paragraph_of = _paragraphs(text, sentences)
    out: list[dict] = []
    seen = set()
    prev_actors: tuple | None = None
    for sid, (ss, se) in enumerate(sentences):
        sent = text[ss:se]
        ms = sorted(by_sent.get(sid, []), key=lambda m: m.start)
        actors = [m for m in ms if _is_actor(m, text)]
        places = [m for m in ms if m.kind == "PLACE"]
        sent_dates = dates_by_sent.get(sid, [])
        for ts, te, row in trig_by_sent.get(sid, ()):
            if any(x.start <= ts < x.end for x in sent_dates):
                continue
            cand = _candidate(text, sent, ss, se, ts, te, row, actors, places, prev_actors, sid <= 2)
            if cand is None:
                continue
            for a1, a2, loc in cand:
                key = (sid, a1[3] if a1 else None, a2[3] if a2 else None, row["event_type"])
                if key in seen:
                    continue
                seen.add(key)
                fallback_loc = loc is None
                if loc is None:
                    codes = {a[2] for a in (a1, a2) if a and a[2]}
                    loc = _nearby_place(sid, by_sent, paragraph_of, text, sentences, codes)
                d = _date_for(dates_by_sent.get(sid, []), ts, text)
                rec = _record(len(out), sid, sent, text[ts:te], row, a1, a2, loc, d, published)
                rec["_named"] = bool(a1 and a1[4])
                rec["confidence"] = round(float(row["weight"]) * (1.0 if a2 else 0.8) * (0.9 if fallback_loc else 1.0)
                                          * (1.0 if a1 and a1[4] else 0.8), 3)
                out.append(rec)
            if cand:
                a1, a2, _ = cand[-1]
                if a1 and a2 and a1[4] and a2[4]:
                    prev_actors = (a1, a2)
    if not any(c["sentence_id"] <= 2 for c in out) and sentences:
        fb = _fallback(text, sentences, by_sent, dates_by_sent, published, len(out))
        if fb:
            out.append(fb)
    _choose_main(out, title, mentions)
    _share_within_pair(out)
    _complete_main(out, text, sentences, by_sent, dates_by_sent, published)
    for c in out:
        c.pop("_named", None)
    return out


def _paragraphs(text: str, sentences: list[tuple[int, int]]) -> list[int]:
    """The paragraph number of every sentence."""
    out, para, last_end = [], 0, 0
    for s, e in sentences:
        if "\n\n" in text[last_end:s] or "\n" in text[last_end:s] and last_end:
            para += 1
        out.append(para)
        last_end = e
    return out


def _candidate(text, sent, ss, se, ts, te, row, actors, places, prev_actors, sid_lead=False):
    """(actor1, actor2, place) triples for one trigger: agent on the left, patients on the right, passive swapped."""
    left_text = text[ss:ts]
    cut = LEFT_CUT.match(left_text)
    left_start = ss + (cut.end() if cut else 0)
    right_m = RIGHT_CUT.search(text, te, se)
    right_end = right_m.start() if right_m else se
    left = [a for a in actors if left_start <= a.start and a.end <= ts and ts - a.end <= MAX_GAP]
    right = [a for a in actors if a.start >= te and a.end <= right_end and a.start - te <= 90
             and not (row["cameo_code"] == "042" and a.kind == "PLACE") and not a.possessive
             and not SPEAKER.match(text, a.end)]
    agents, patients = [], []
    if left:
        agents = [left[-1]]
        if len(left) >= 2 and JOINER.match(text[left[-2].end:left[-1].start]) and "," not in text[left[-2].end:left[-1].start]:
            agents = [left[-2]]
            if not right and row["symmetric"] == "1":
                patients = [left[-1]]
    if right and not patients:
        patients = [right[0]]
        for nxt in right[1:]:
            if JOINER.match(text[patients[-1].end:nxt.start]):
                patients.append(nxt)
            else:
                break
    if agents and patients and BY.match(text[te:patients[0].start]) and PASSIVE.search(text[left_start:ts]):
        agents, patients = [patients[0]], agents
    pair = None
    if not agents and prev_actors and PAIR.search(text[left_start:ts]):
        pair = prev_actors
    used = {id(m) for m in agents + patients}
    loc = _location(places, ts, text, used, te if row["cameo_code"] == "042" else None)
    if pair:
        return [(pair[0], pair[1], loc)]
    a1 = (*_actor(agents[0]), True) if agents else None
    if a1 is None:
        if row["event_type"] in SOCIAL and len(patients) < 2:
            return None
        phrase = _subject_phrase(text[left_start:ts]) \
            if sid_lead and _verbal(text[ts:te], text[left_start:ts]) else None
        if phrase is None and not patients and ss == 0 and row["event_type"] not in SOCIAL:
            return [(None, None, loc)]
        if phrase is None and not patients:
            return None
        a1 = (phrase, None, None, phrase, False) if phrase else None
    if not patients:
        return [(a1, None, loc)] if a1 else None
    out = []
    for p in patients:
        a2 = (*_actor(p), True)
        if a1 and a2[3] == a1[3]:
            continue
        out.append((a1, a2, loc) if a1 else (a2, None, loc))
    return out or None


def _nearby_place(sid, by_sent, paragraph_of, text, sentences, codes):
    """A place from the sentence before (same paragraph) or after, when it fits an actor's country."""
    order = []
    if sid > 0 and paragraph_of[sid - 1] == paragraph_of[sid]:
        order.append(sid - 1)
    if sid + 1 < len(sentences):
        order.append(sid + 1)
    for o in order:
        places = [m for m in by_sent.get(o, []) if m.kind == "PLACE" and not m.possessive]
        loc = _location(places, sentences[o][0], text, set())
        if loc and (not codes or loc.country_code in codes):
            return loc
    return None


def _date_for(exprs: list[DateExpr], pos: int, text: str = "") -> DateExpr | None:
    usable = [x for x in exprs if x.kind != "time" and not x.text.lower().startswith("since")
              and not SINCE.search(text, max(0, x.start - 10), x.start)]
    usable = usable or [x for x in exprs if x.kind == "time"]
    if not usable:
        return None
    return min(usable, key=lambda x: (x.kind == "year", x.text.endswith(("'s", "’s")), abs(x.start - pos)))


def _record(no, sid, sent, trigger, row, a1, a2, loc, d, published) -> dict:
    background = False
    if d and d.date and published:
        end = d.date
        if d.precision == "month":
            end = d.date.replace(day=calendar.monthrange(d.date.year, d.date.month)[1])
        elif d.precision == "year":
            end = dt.date(d.date.year, 12, 31)
        background = (published - end).days > 10
    elif d and d.kind in ("year", "monthyear") and not re.search(r"\b(?:will|next|plans?|expected)\b", sent, re.I):
        background = True
    if BACKGROUND.search(sent):
        background = True
    return {
        "candidate_no": no, "sentence_id": sid, "trigger": trigger, "event_type": row["event_type"],
        "cameo_code": row["cameo_code"] or None,
        "actor1": a1[0] if a1 else None, "actor1_role": a1[1] if a1 else None, "actor1_country": a1[2] if a1 else None,
        "actor2": a2[0] if a2 else None, "actor2_role": a2[1] if a2 else None, "actor2_country": a2[2] if a2 else None,
        "location": loc.text if loc else None, "location_country": loc.country_code if loc else None,
        "event_date": d.date if d else None, "event_date_raw": d.text if d else None,
        "date_precision": d.precision if d and d.date else None,
        "evidence": sent.strip(), "confidence": 0.5, "is_main": False, "is_background": background,
    }


def _fallback(text, sentences, by_sent, dates_by_sent, published, no) -> dict | None:
    """A generic event from the lead sentence when no trigger fired there: its actors, place and date."""
    lead = [i for i in range(min(3, len(sentences)))]
    ents = [m for i in lead for m in sorted(by_sent.get(i, []), key=lambda m: m.start) if _is_actor(m, text)]
    places = [m for i in lead for m in by_sent.get(i, []) if m.kind == "PLACE" and not m.possessive]
    if not ents:
        return None
    a1 = (*_actor(ents[0]), True)
    a2 = next(((*_actor(m), True) for m in ents[1:] if _actor(m)[3] != a1[3]), None)
    loc = _location(places, ents[0].start, text, {id(ents[0])})
    d = next((x for i in lead for x in dates_by_sent.get(i, []) if x.kind != "time"), None)
    sid = ents[0].sentence_id
    s, e = sentences[sid]
    rec = _record(no, sid, text[s:e], None, {"event_type": "OTHER", "cameo_code": ""}, a1, a2, loc, d, published)
    rec["confidence"] = 0.3
    return rec


def _share_within_pair(cands: list[dict]) -> None:
    """Current records of one actor pair in one story are one event: the place said once holds for all."""
    first: dict[tuple, dict] = {}
    for c in cands:
        if c["is_background"] or not (c["actor1"] and c["actor2"]):
            continue
        key = (c["event_type"], frozenset((_surname(c["actor1"]), _surname(c["actor2"]))))
        ref = first.setdefault(key, c)
        if ref is c:
            continue
        if not c["location"] and ref["location"]:
            c["location"], c["location_country"] = ref["location"], ref["location_country"]
        elif c["location"] and not ref["location"]:
            first[key] = c
    for c in cands:
        if c["is_background"] or not (c["actor1"] and c["actor2"]) or c["location"]:
            continue
        ref = first.get((c["event_type"], frozenset((_surname(c["actor1"]), _surname(c["actor2"])))))
        if ref and ref["location"]:
            c["location"], c["location_country"] = ref["location"], ref["location_country"]


def _surname(name: str) -> str:
    return gz.fold(name).split()[-1] if name and name.split() else ""


def _most_named_place(mentions: list[Mention], codes: set) -> Mention | None:
    """The place a story names most often (cities and venues over countries on ties), as a last resort."""
    counts: dict[str, list] = {}
    for m in sorted(mentions, key=lambda m: m.start):
        if m.kind == "PLACE" and m.place_kind != "event" and (not codes or m.country_code in codes):
            counts.setdefault(m.canonical, [0, m])[0] += 1
    if not counts:
        return None
    best = max(counts.values(), key=lambda v: (v[0], SPECIFICITY.get(v[1].place_kind, 0), -v[1].start))
    return best[1]


def _complete_main(cands, text, sentences, by_sent, dates_by_sent, published) -> None:
    """The lead event borrows what its sentence lacks from the lead paragraph: place, then date."""
    main = next((c for c in cands if c["is_main"]), None)
    if main is None:
        return
    lead = range(min(max(3, main["sentence_id"] + 2), len(sentences)))
    if not main["location"] and main["event_type"] not in VERBAL:
        codes = {main["actor1_country"], main["actor2_country"]} - {None}
        for i in lead:
            places = [m for m in by_sent.get(i, []) if m.kind == "PLACE" and not m.possessive]
            loc = _location(places, sentences[i][0], text, set())
            if loc and (not codes or loc.country_code in codes):
                main["location"], main["location_country"] = loc.text, loc.country_code
                break
    if not main["location"] and main["event_type"] not in VERBAL:
        past = {c["sentence_id"] for c in cands if c["is_background"] and c["date_precision"] in ("month", "year")}
        loc = _most_named_place([m for i, ms in by_sent.items() if i not in past for m in ms], codes)
        if loc:
            main["location"], main["location_country"] = loc.text, loc.country_code
    if main["event_date"] is None and not main["is_background"] and published is not None:
        # the lead's day nearest publication (a story of Sunday's news says 'on Saturday', not 'Tuesday's vote')
        near = [x for i in range(min(max(8, main["sentence_id"] + 2), len(sentences)))
                for x in dates_by_sent.get(i, [])
                if x.date and x.precision == "day" and x.kind != "time" and not x.text.lower().startswith("since")
                and not SINCE.search(text, max(0, x.start - 10), x.start) and abs((published - x.date).days) <= 7]
        x = min(near, key=lambda x: (abs((published - x.date).days), x.start)) if near else None
        if x is not None:
            main["event_date"], main["event_date_raw"], main["date_precision"] = x.date, x.text, x.precision
        else:
            main["event_date"], main["date_precision"] = published, "day"


def _choose_main(cands: list[dict], title: str | None, mentions: list[Mention]) -> None:
    if not cands:
        return
    tw = set(re.findall(r"\w+", gz.fold(title or "")))

    def score(c: dict) -> float:
        sid = c["sentence_id"]
        s = c["confidence"] - 0.12 * min(sid, 3) - 0.03 * max(0, min(sid, 20) - 3)
        for a in (c["actor1"], c["actor2"]):
            if a and set(re.findall(r"\w+", gz.fold(a))) & tw:
                s += 0.35
        trig = gz.fold(c["trigger"] or "")[:4]
        named = c.get("_named", True)
        if trig and named and any(w.startswith(trig) for w in tw):
            s += 0.3
        if c["is_background"]:
            s -= 1.0
        if c["location"]:
            s += 0.1
        return s
    best = max(range(len(cands)), key=lambda i: (score(cands[i]), -i))
    cands[best]["is_main"] = True
