"""People, organisations and places in a text: capitalised spans, role titles, in-document aliases."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from tasks import gazetteer as gz
from tasks.config import seed_rows

UPPER = "A-Z" + "".join(chr(c) for c in range(0xC0, 0x250) if chr(c).isupper()) + "Α-ΩА-ЯЁЄІЇҐ"
_TOKEN = rf"(?:(?:[{UPPER}]\.){{2,}}|(?:Mr|Mrs|Ms|Dr|St|Gen|Sen|Rep|Gov|Lt|Col|Sgt|Capt|Prof|Rev|Jr|Sr)\.|[{UPPER}]\.(?=[ \u00a0][{UPPER}])|[{UPPER}][\w'’\-]*|\d+[A-Za-z]*(?=[ \u00a0][{UPPER}]))"
_LINK = r"(?:[ \u00a0](?:of(?:[ \u00a0]the)?|de|da|del|der|van|von|bin|ibn|al|el|le|la|du|dos|das|di)(?=[ \u00a0][{UP}]))?" \
        .replace("{UP}", UPPER)
SPAN = re.compile(rf"(?=[{UPPER}0-9])(?<![\w'’\-]){_TOKEN}(?:{_LINK}[ \u00a0]{_TOKEN}|-{_TOKEN})*")
SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*[ \u00a0\t]+(?=[\"“‘'(\[]?[" + UPPER + r"0-9])|\n+|[.!?](?=[\"“‘][" + UPPER + "])")
ABBREVIATIONS = frozenset("mr mrs ms dr st gen sen rep gov lt col sgt capt prof rev jr sr inc co corp ltd no vs jan feb mar "
                          "apr jun jul aug sep sept oct nov dec u.s u.n u.k e.u p.m a.m mt ft fig st".split())
POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
APOSTROPHES = ("'s", "’s", "'", "’")
LOCATIVE_BEFORE = re.compile(r"\b(?:in|at|near|to|from|of|outside|inside|across|around|into|toward|towards)[ \u00a0]+$", re.I)
HEADLINE_VERB = re.compile(r"(?:izes|ises|ed|ing|[^s]s)$")
MIN_BARE_CITY = 100000  # smaller towns count as places only after 'in', 'at', 'near' ...


WORD = re.compile(r"\w[\w'’\-]*")


def word_spans(text: str, pattern: re.Pattern | None = None) -> list[tuple[int, int, str]]:
    """(start, end, lower-case word) of every word, or only of the words pattern knows (see keyword_pattern)."""
    if pattern is None:
        return [(m.start(), m.end(), m.group(0).lower()) for m in WORD.finditer(text)]
    low = text.lower()
    if len(low) != len(text):
        return [(m.start(), m.end(), m.group(0).lower()) for m in WORD.finditer(text)]
    return [(m.start(), m.end(), m.group(0)) for m in pattern.finditer(low)]


def keyword_pattern(words: frozenset[str]) -> re.Pattern:
    """One regex matching any of the lower-case words as a whole word, compiled as a trie (fast to scan)."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        alts = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body
    return re.compile(r"(?<![\w'’\-])" + emit(trie) + r"(?![\w\-])")


@dataclass(slots=True)
class Mention:
    """One entity mention: a contract row in the making plus what alias resolution needs."""
    sentence_id: int
    kind: str
    text: str
    start: int
    end: int
    canonical: str = ""
    role: str | None = None
    country_code: str | None = None
    org: str | None = None
    name_tokens: tuple[str, ...] = ()
    place_kind: str | None = None  # country | region | city | venue
    possessive: bool = False
    media: bool = False

    def row(self) -> dict:
        return {"sentence_id": self.sentence_id, "kind": self.kind, "text": self.text, "canonical": self.canonical,
                "role": self.role, "country_code": self.country_code, "char_start": self.start, "char_end": self.end}


@functools.cache
def function_words() -> frozenset[str]:
    """Lower-case grammatical words that never start a name (The, However, In ...)."""
    return frozenset(r["word"] for r in seed_rows("function_words"))


@functools.cache
def name_words() -> dict[str, str]:
    """Capitalised head words that make a span an ORG, a PLACE or something else (Summit, Prix)."""
    return {r["word"].lower(): r["kind"] for r in seed_rows("name_words")}


@functools.cache
def role_last_words() -> frozenset[str]:
    """Last words of role phrases ('chief', 'president'): where a descriptor may end."""
    return frozenset(gz.fold(r["phrase"]).split()[-1] for r in seed_rows("roles")
                     if r["kind"] in ("title", "descriptor")) | {"leader", "chief", "head"}


PLURAL = re.compile(r"\b(?:the[ \u00a0]+)?(?P<role>presidents|leaders|heads of state|prime ministers|foreign ministers)"
                    r"[ \u00a0]+of[ \u00a0]+(?:the[ \u00a0]+)?(?P<a>[\w’'.]+(?-i:[ \u00a0][A-Z][\w.]+)?)[ \u00a0]+and[ \u00a0]+"
                    r"(?:the[ \u00a0]+)?(?P<b>[\w’'.]+(?-i:[ \u00a0][A-Z][\w.]+)?)", re.I)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of every sentence; paragraphs and lines always end one."""
    out, start = [], 0
    for m in SENTENCE_END.finditer(text):
        at = m.start()
        mark = text[at]
        if mark == ".":
            word = text[max(0, at - 6):at].rsplit(None, 1)[-1:] or [""]
            w = word[0].lstrip("(\"“").lower()
            if w in ABBREVIATIONS or (len(w) == 1 and w.isalpha()) or _DOTTED.fullmatch(w):
                continue
        end = at + 1 if mark in ".!?" else at
        sentence = text[start:end]
        stripped = sentence.lstrip()
        if stripped.rstrip():
            out.append((start + len(sentence) - len(stripped), end))
        start = m.end()
    sentence = text[start:]
    stripped = sentence.lstrip()
    if stripped.rstrip():
        out.append((start + len(sentence) - len(stripped), len(text)))
    return out


_DOTTED = re.compile(r"(?:\w\.)+\w")  # u.s, e.g


def _peel(tokens: list[str]) -> tuple[int, str | None, str | None, str | None, bool]:
    """How many leading tokens are titles/modifiers, and the role, country and org they name."""
    role = country = org = None
    honorific = False
    i, n = 0, len(tokens)
    titles, orgs = gz.titles(), gz.organisations()
    while i < n - 1:
        for size in (4, 3, 2, 1):
            if i + size > n - 1:
                continue
            phrase = gz.fold(" ".join(tokens[i:i + size]))
            bare = POSSESSIVE.sub("", phrase)
            hit = titles.get(phrase)
            if hit:
                if hit["kind"] == "honorific":
                    honorific = True
                elif hit["role"]:
                    role = hit["role"]
                    org = org or hit["org"] or None
                i += size
                break
            code = gz.nationalities().get(bare) or gz.countries().get(bare)
            if code:
                country = country or code
                i += size
                break
            if bare in orgs and (size > 1 or tokens[i].isupper() or bare in ("kremlin", "white house")):
                org = org or orgs[bare]["name"]
                country = country or orgs[bare]["country_code"] or None
                i += size
                break
        else:
            break
    return i, role, country, org, honorific


def find_mentions(text: str, sentences: list[tuple[int, int]]) -> list[Mention]:
    """Capitalised spans of text classified as PERSON / ORG / PLACE (aliases not yet resolved)."""
    out: list[Mention] = []
    sid, n_sent = 0, len(sentences)
    for m in SPAN.finditer(text):
        s = m.start()
        while sid + 1 < n_sent and sentences[sid + 1][0] <= s:
            sid += 1
        sent_start = sentences[sid][0] if sentences else 0
        for so, eo, sub, offs, possessive in _span_pieces(m.group(0)):
            mention = _classify(text, sub, [s + o for o in offs], s + eo, sid, s + so == sent_start)
            if mention:
                mention.possessive = possessive
                out.append(mention)
    return out


@functools.lru_cache(maxsize=1 << 16)
def _span_pieces(span: str) -> tuple[tuple[int, int, tuple[str, ...], tuple[int, ...], bool], ...]:
    """The name candidates in one capitalised span, with offsets relative to it: (start, end, tokens,
    token starts, possessive). They depend on the span's text alone, so each distinct span is cut once."""
    fw = function_words()
    toks = span.split()
    offs, p = [], 0
    for t in toks:
        p = span.find(t, p)
        offs.append(p)
        p += len(t)
    # split at possessives: "Russia’s President Vladimir Putin" -> "Russia", "President Vladimir Putin"
    pieces, start_i = [], 0
    for i, t in enumerate(toks):
        if t.endswith(APOSTROPHES) and len(t) > 2 and i < len(toks) - 1:
            pieces.append((start_i, i + 1))
            start_i = i + 1
    pieces.append((start_i, len(toks)))
    out = []
    for a, b in pieces:
        sub = toks[a:b]
        so = offs[a]
        # leading function words ("The", "In") and sentence-initial verbs are not names
        while sub and sub[0].lower() in fw and not sub[0].isupper() and gz.fold(sub[0]) not in gz.titles():
            so = offs[a + 1] if a + 1 < len(offs) else so
            a += 1
            sub = sub[1:]
        if not sub:
            continue
        eo = offs[a + len(sub) - 1] + len(sub[-1])
        last = sub[-1]
        possessive = False
        if last.endswith(APOSTROPHES) and len(last) > 2:
            cut = 2 if last.endswith(("'s", "’s")) else 1
            eo -= cut
            sub[-1] = last[:-cut]
            possessive = True
        if sub[-1].endswith(".") and not _INITIALS.fullmatch(sub[-1]):
            sub[-1] = sub[-1].rstrip(".")
            eo = offs[a + len(sub) - 1] + len(sub[-1])
        if not sub or not sub[-1]:
            continue
        out.append((so, eo, tuple(sub), tuple(offs[a:a + len(sub)]), possessive))
    return tuple(out)


_INITIALS = re.compile(r"(?:\w\.)+")


def _classify(text: str, tokens: tuple[str, ...], offs: list[int], e: int, sid: int, initial: bool) -> Mention | None:
    """A Mention for one capitalised span (offs: where each token starts), or None when it names nothing."""
    s = offs[0]
    key = tokens
    locative = gz.fold(" ".join(tokens)) in gz.cities() and bool(LOCATIVE_BEFORE.search(text, max(0, s - 12), s))
    label = _label(key, initial, locative)
    if label is None:
        return None
    kind, canonical, role, country, org, place_kind, media, skip, name = label
    start = offs[skip]
    return Mention(sid, kind, text[start:e], start, e, canonical=canonical, role=role, country_code=country, org=org,
                   name_tokens=name, place_kind=place_kind, media=media)


@functools.lru_cache(maxsize=1 << 16)
def _label(tokens: tuple[str, ...], initial: bool, locative: bool) -> tuple | None:
    """(kind, canonical, role, country, org, place kind, media, tokens skipped, name tokens) of a span, or None."""
    words = name_words()
    k, role, country, org, honorific = _peel(list(tokens))
    rest = gz.fold(" ".join(tokens[k:]))
    if rest in gz.titles():
        return None
    if not (role or honorific) and rest not in gz.people():
        k, country, org = 0, None, None
    name = tokens[k:]
    if "MISC" in (words.get(t.lower()) for t in name):
        return None
    if k and name[0] in ("of", "for"):
        return None  # 'Secretary-General of the United Nations': a descriptor, resolved later
    key = gz.fold(" ".join(name))
    head = name[-1].lower()
    titled = bool(role or honorific)

    def out(kind, canonical, place_kind=None, media=False, c=country, r=role, o=org, skip=k, nm=name):
        return kind, canonical, r, c, o, place_kind, media, skip, tuple(nm)

    def person(known, skip=k, nm=name):
        if known:
            return out("PERSON", known["canonical"], r=role or known["role"] or None,
                       c=country or known["country_code"] or None, o=org or known["org"] or None, skip=skip, nm=nm)
        return out("PERSON", ascii_name(" ".join(nm)), skip=skip, nm=nm)

    row = gz.organisations().get(key)
    if row and len(name) == 1 and name[0] not in gz.org_spellings():
        row = None
    if row and not titled:
        if row["kind"] == "VENUE":
            return out("PLACE", row["name"], "venue", c=row["country_code"] or country)
        return out("ORG", row["name"], media=row["kind"] == "MEDIA", c=row["country_code"] or country)
    if not titled and len(name) <= 4:
        pl = gz.place(" ".join(name))
        if pl and pl[2] == "city" and gz.cities()[key.removeprefix("the ")][2] < MIN_BARE_CITY and not locative:
            pl = None
        if pl and not (len(name) == 1 and name[0].isupper() and len(name[0]) > 3 and pl[2] != "country"):
            return out("PLACE", pl[0], pl[2], c=pl[1])
    known = gz.people().get(key)
    if known:
        return person(known)
    for cut in range(1, len(name) - 1):
        tail = gz.fold(" ".join(name[cut:]))
        if tail in gz.people():
            return person(gz.people()[tail], skip=k + cut, nm=name[cut:])  # 'EPA Donald Trump' -> 'Donald Trump'
    kind = words.get(head)
    if not titled and kind == "ORG":
        return out("ORG", " ".join(name), c=country or next((c for t in name if (c := gz.country_of(t))), None))
    if not titled and kind == "EVENT" and len(name) > 1:
        # 'Brazilian Grand Prix', 'BRICS Summit': where something takes place
        code = next((c for t in name if (c := gz.nationalities().get(gz.fold(t)) or gz.countries().get(gz.fold(t)))), None)
        return out("PLACE", " ".join(name), "event", c=code)
    if not titled and kind == "PLACE":
        code = country or next((c for t in name[:-1] if (p := gz.place(t)) and (c := p[1])), None)
        return out("PLACE", " ".join(name), "region", c=code)
    fw = function_words()
    if len(name) == 1 and name[0].lower() in fw:
        return None
    if titled:
        return person(gz.surnames().get(key) if len(name) == 1 else None)
    if any(t.lower() in fw for t in name) or any(ch.isdigit() for ch in key):
        return None
    if all(t.isupper() for t in name):
        if len(name) == 1 and 2 <= len(name[0].replace(".", "")) <= 6 and not initial:
            return out("ORG", name[0])
        if 2 <= len(name) <= 3 and all(len(t) > 2 and t.isalpha() for t in name):
            return person(gz.people().get(key), nm=tuple(t.title() for t in name))  # 'FELIPE MASSA'
        return None
    if any(gz.nationalities().get(gz.fold(t)) for t in name):
        return None
    if len(name) == 1:
        known = gz.surnames().get(key)
        return person(known) if known else out("UNKNOWN", "")
    if len(name) >= 3 and gz.place(name[0]) and not gz.place(" ".join(name[:2])):
        return person(None, skip=k + 1, nm=name[1:])  # 'Croydon Ben Morgan': a place glued to a byline
    if 2 <= len(name) <= 4:
        return person(None)
    return None


def ascii_name(name: str) -> str:
    """The name without accents, keeping case: 'António Guterres' -> 'Antonio Guterres'."""
    import unicodedata
    nfkd = unicodedata.normalize("NFKD", name)
    return "".join(c for c in nfkd if not unicodedata.combining(c))


def add_roles(text: str, mentions: list[Mention]) -> None:
    """Give people the lower-case title written before ('foreign minister X') or after (', the X chief') them."""
    titles = gz.titles()
    for m in mentions:
        if m.kind != "PERSON" or m.role:
            continue
        words = text[max(0, m.start - 45):m.start].split()
        hit = _title_at_end(words, titles)
        if hit is None and text[m.end:m.end + 2] == ", ":
            after = text[m.end + 2:m.end + 70].split(",")[0].split()
            if after[:1] and after[0].lower() == "the":
                after = after[1:]
            hit = _title_inside(after[:6], titles)
        if hit is None:
            continue
        row, mod = hit
        if row["role"]:
            m.role = row["role"]
            m.org = m.org or row["org"] or None
        if mod:
            bare = POSSESSIVE.sub("", gz.fold(mod))
            code = gz.nationalities().get(bare) or gz.countries().get(bare)
            org = gz.organisations().get(bare)
            if code and not m.country_code:
                m.country_code = code
            elif org and not m.org:
                m.org = org["name"]
                m.country_code = m.country_code or org["country_code"] or None


def _title_at_end(words: list[str], titles: dict) -> tuple[dict, str | None] | None:
    """The role phrase that ends the word list ('... Russia's foreign minister'), and the word before it."""
    if words and words[-1].endswith(","):
        words = words[:-1] + [words[-1][:-1]]
    for size in (4, 3, 2, 1):
        if len(words) >= size:
            row = titles.get(gz.fold(" ".join(words[-size:])))
            if row and row["kind"] in ("title", "descriptor") and row["role"]:
                return row, (words[-size - 1] if len(words) > size else None)
    return None


def _title_inside(words: list[str], titles: dict) -> tuple[dict, str | None] | None:
    """The first role phrase among a few words (', the Red Bull team principal')."""
    for i in range(len(words)):
        for size in (4, 3, 2, 1):
            if i + size <= len(words):
                row = titles.get(gz.fold(" ".join(words[i:i + size]).rstrip(".")))
                if row and row["kind"] == "title" and row["role"]:
                    return row, (words[i - 1] if i else None)
    return None


def resolve_aliases(mentions: list[Mention], extra_people: list[Mention] = ()) -> None:
    """Short mentions ('Putin', 'Mr Guterres') take the full name written elsewhere in the document."""
    by_surname: dict[str, list[Mention]] = {}
    for m in list(mentions) + list(extra_people):
        if m.kind == "PERSON" and len(m.name_tokens) >= 2:
            refs = by_surname.setdefault(gz.fold(m.name_tokens[-1]), [])
            if all(r.canonical != m.canonical for r in refs):
                refs.append(m)
    full = {k: v[0] for k, v in by_surname.items()}
    for m in mentions:
        if m.kind == "PERSON" and len(m.name_tokens) >= 2 and m.canonical not in gz.people():
            ref = full.get(gz.fold(m.name_tokens[-1]))
            first = m.name_tokens[0]
            if ref and ref is not m and (first.lower() in function_words() or HEADLINE_VERB.search(first)) \
                    and gz.fold(first) not in gz.fold(" ".join(ref.name_tokens)):
                # a headline word glued to a surname: 'Criticizes Guterres' -> 'Guterres'
                last = m.name_tokens[-1]  # may be re-cased ('SOCCER' -> 'Soccer'): text comes from the span
                m.start = m.end - len(last)
                m.text, m.name_tokens = m.text[len(m.text) - len(last):], (last,)
    for m in mentions:
        if m.kind not in ("PERSON", "UNKNOWN") or len(m.name_tokens) != 1:
            continue
        refs = by_surname.get(gz.fold(m.name_tokens[0]), [])
        ref = next((r for r in refs if m.role and r.role == m.role), refs[0] if refs else None)
        known = gz.surnames().get(gz.fold(m.name_tokens[0]))
        if m.role and known and known["role"] == m.role and (ref is None or ref.role != m.role):
            m.kind, m.canonical = "PERSON", known["canonical"]  # 'President Obama' beside 'Michelle Obama'
            m.country_code = m.country_code or known["country_code"] or None
        elif ref:
            m.kind = "PERSON"
            m.canonical = ref.canonical
            m.role = m.role or ref.role
            m.country_code = m.country_code or ref.country_code
            m.org = m.org or ref.org
        elif m.kind == "PERSON" and not m.canonical:
            m.canonical = ascii_name(m.name_tokens[0])
    for m in mentions:
        if m.kind == "PERSON" and len(m.name_tokens) >= 2:
            ref = full.get(gz.fold(m.name_tokens[-1]))
            if ref and ref is not m:
                m.role = m.role or ref.role
                m.country_code = m.country_code or ref.country_code
                m.org = m.org or ref.org
    # share roles learned on any mention of the same person
    info: dict[str, Mention] = {}
    for m in mentions:
        if m.kind == "PERSON":
            base = info.setdefault(m.canonical, m)
            base.role = base.role or m.role
            base.country_code = base.country_code or m.country_code
            base.org = base.org or m.org
    for m in mentions:
        if m.kind == "PERSON":
            base = info[m.canonical]
            m.role = m.role or base.role
            m.country_code = m.country_code or base.country_code
            m.org = m.org or base.org


def find_descriptors(text: str, sentences: list[tuple[int, int]], people: list[Mention],
                     taken: list[tuple[int, int]], words: list[tuple[int, int, str]]) -> list[Mention]:
    """'the UN chief', 'the Russian President' resolved to a person of the document (or of its title)."""
    out = []
    if not people:
        return out
    titles = gz.titles()
    if "presidents" in text or "leaders" in text or "ministers" in text or "heads of" in text:
        out += _plural(text, sentences, people)
    sid = 0
    hits = _descriptor_spans(text, words)
    for s, e, role_text, mod, of in hits:
        if any(a <= s < b or a < e <= b for a, b in taken):
            continue
        row = titles.get(gz.fold(role_text))
        role = (row or {}).get("role") or role_text.title()
        org = (row or {}).get("org") or None
        country = None
        for part in (mod, of):
            if part:
                bare = POSSESSIVE.sub("", gz.fold(part))
                country = country or gz.nationalities().get(bare) or gz.countries().get(bare)
                o = gz.organisations().get(bare)
                if o:
                    org = o["name"]
        if role in ("Chief", "Head", "Leader") and not org and not country:
            continue
        if not text[s:s + 4].lower().startswith("the") and not (country or org):
            continue
        match = _pick(people, role, country, org, s)
        if match is None:
            continue
        while sid + 1 < len(sentences) and sentences[sid + 1][0] <= s:
            sid += 1
        ms = s + 4 if text[s:s + 4].lower() == "the " else s
        d = Mention(sid, "PERSON", text[ms:e], ms, e, canonical=match.canonical, role=match.role,
                    country_code=match.country_code, org=match.org, name_tokens=match.name_tokens)
        out.append(d)
    return out


OF_TAIL = re.compile(rf"[ \u00a0]+of[ \u00a0]+(?:the[ \u00a0]+)?([{UPPER}][\w.]*(?:[ \u00a0][{UPPER}][\w.]*)*)")
NAME_NEXT = re.compile(rf"[ \u00a0]*[{UPPER}]")
BASE_ROLES = frozenset({"leader", "chief", "head"})


def _descriptor_spans(text: str, words: list[tuple[int, int, str]]) -> list[tuple[int, int, str, str | None, str | None]]:
    """(start, end, role phrase, modifier, 'of' organisation) of 'the [mod] ROLE [of the ORG]' not followed by a name."""
    titles, ends = gz.titles(), role_last_words()
    out = []
    for ws0, we0, w0 in words:
        if w0 not in ends:
            continue
        base = max(0, ws0 - 60)
        local = [(m.start() + base, m.end() + base, m.group(0).lower()) for m in WORD.finditer(text[base:we0])]
        if not local or local[-1][0] != ws0:
            continue
        i, words_ = len(local) - 1, local
        ws, we, w = local[-1]
        j = None
        for size in (4, 3, 2, 1):
            if i - size + 1 >= 0:
                phrase = gz.fold(text[words_[i - size + 1][0]:we])
                row = titles.get(phrase)
                if (row and row["kind"] in ("title", "descriptor")) or (size == 1 and phrase in BASE_ROLES):
                    j = i - size + 1
                    break
        if j is None:
            continue
        end = we
        tail = OF_TAIL.match(text, end)
        of = tail.group(1) if tail else None
        if tail:
            end = tail.end()
        if NAME_NEXT.match(text, end):
            continue
        mod, start = None, words_[j][0]
        back = [words_[k] for k in range(max(0, j - 3), j)]
        if back and back[-1][2] == "the":
            start = back[-1][0]
        elif len(back) >= 2 and back[-2][2] == "the":
            mod, start = text[back[-1][0]:back[-1][1]], back[-2][0]
        elif len(back) == 3 and back[0][2] == "the" and text[back[1][0]].isupper():
            mod, start = text[back[1][0]:back[2][1]], back[0][0]
        elif back and text[back[-1][0]].isupper():
            mod, start = text[back[-1][0]:back[-1][1]], back[-1][0]
        if mod and not re.fullmatch(r"[\w.’'\- \u00a0]+", text[start:words_[j][0]]):
            continue
        out.append((start, end, text[words_[j][0]:we], mod, of))
    return out


def _plural(text: str, sentences: list[tuple[int, int]], people: list[Mention]) -> list[Mention]:
    """'the presidents of Russia and Ukraine' -> one mention per country, resolved to its president."""
    out = []
    for h in PLURAL.finditer(text):
        word = h.group("role").lower()
        role = {"presidents": "President", "prime ministers": "Prime Minister",
                "foreign ministers": "Foreign Minister"}.get(word, "Leader")
        for g in ("a", "b"):
            code = gz.countries().get(gz.fold(h.group(g)))
            match = _pick(people, role, code, None, h.start()) if code else None
            if match:
                s, e = h.span(g)
                sid = sum(1 for a, _ in sentences if a <= s) - 1
                out.append(Mention(max(sid, 0), "PERSON", text[s:e], s, e, canonical=match.canonical, role=match.role,
                                   country_code=match.country_code, org=match.org, name_tokens=match.name_tokens))
    return out


def _pick(people: list[Mention], role: str, country: str | None, org: str | None, pos: int) -> Mention | None:
    def fits(p: Mention) -> bool:
        if role in ("Leader", "Chief", "Head"):
            ok_role = p.role in gz.HEAD_ROLES or (org is not None and p.org == org)
        else:
            ok_role = p.role == role
        if not ok_role:
            return False
        if country and p.country_code != country:
            return False
        if org and p.org and p.org != org:
            return False
        return True
    cands = [p for p in people if fits(p)]
    if not cands:
        return None
    # a known holder of the office beats a spokesperson 'for the Secretary-General'
    holders = [p for p in cands if (gz.people().get(gz.fold(p.canonical)) or {}).get("role") == role]
    cands = holders or cands
    names = {p.canonical for p in cands}
    if len(names) > 1:
        before = [p for p in cands if p.start < pos]
        return before[-1] if before else cands[0]
    return cands[0]
