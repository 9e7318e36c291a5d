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
SPAN = re.compile(rf"(?<![\w'’\-]){_TOKEN}(?:{_LINK}[ \u00a0]{_TOKEN}|-{_TOKEN})*")
SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*[ \u00a0\t]+(?=[\"“‘'(\[]?[" + UPPER + r"0-9])|\n+|[.!?](?=[\"“‘][" + UPPER + "])")
ABBREVIATIONS = frozenset("mr mrs ms dr st gen sen rep gov lt col sgt capt prof rev jr sr inc co corp ltd no vs jan feb mar "
                          "apr jun jul aug sep sept oct nov dec u.s u.n u.k e.u p.m a.m mt ft fig st".split())
POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
LOCATIVE_BEFORE = re.compile(r"\b(?:in|at|near|to|from|of|outside|inside|across|around|into|toward|towards)[ \u00a0]+$", re.I)
MIN_BARE_CITY = 100000  # smaller towns count as places only after 'in', 'at', 'near' ...


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
def role_pattern() -> re.Pattern:
    """A lower-case role title right before a name: 'foreign minister ', 'Kremlin spokesman '."""
    phrases = sorted({r["phrase"] for r in seed_rows("roles") if r["kind"] in ("title", "descriptor")}, key=len, reverse=True)
    alt = "|".join(re.escape(p) for p in phrases)
    return re.compile(rf"(?:(?P<mod>[\w.’'\-]+)[ \u00a0]+)?(?P<role>{alt}),?[ \u00a0]+$", re.I)


@functools.cache
def appositive_pattern() -> re.Pattern:
    """A role given after a name: ', the Red Bull team principal,' / ', Secretary-General of the UN'."""
    phrases = sorted({r["phrase"] for r in seed_rows("roles") if r["kind"] == "title"}, key=len, reverse=True)
    alt = "|".join(re.escape(p) for p in phrases)
    return re.compile(rf"^,[ \u00a0]+(?:the[ \u00a0]+)?(?:(?P<mod>[\w.’'\-]+)[ \u00a0]+){{0,3}}?(?P<role>{alt})\b", re.I)


@functools.cache
def descriptor_pattern() -> re.Pattern:
    """'the UN chief', 'the Russian President', 'the secretary-general' (a person named elsewhere)."""
    phrases = sorted({r["phrase"] for r in seed_rows("roles") if r["kind"] in ("title", "descriptor")}
                     | {"leader", "chief", "head"}, key=len, reverse=True)
    alt = "|".join(re.escape(p) for p in phrases)
    return re.compile(rf"(?:\b[Tt]he[ \u00a0]+|(?=[\w.’'\-]+[ \u00a0]+(?i:{alt})\b))(?:(?P<mod>[\w.’'\-]+(?:[ \u00a0][{UPPER}][\w.]+)?)[ \u00a0]+)??(?P<role>(?i:{alt}))\b"
                      rf"(?:[ \u00a0]+of[ \u00a0]+(?:the[ \u00a0]+)?(?P<of>[{UPPER}][\w.]*(?:[ \u00a0][{UPPER}][\w.]*)*))?"
                      rf"(?![ \u00a0]*[{UPPER}])")


PLURAL = re.compile(r"\b(?:the[ \u00a0]+)?(?P<role>presidents|leaders|heads of state|prime ministers|foreign ministers)"
                    r"[ \u00a0]+of[ \u00a0]+(?:the[ \u00a0]+)?(?P<a>[\w’'.]+(?-i:[ \u00a0][A-Z][\w.]+)?)[ \u00a0]+and[ \u00a0]+"
                    r"(?:the[ \u00a0]+)?(?P<b>[\w’'.]+(?-i:[ \u00a0][A-Z][\w.]+)?)", re.I)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of every sentence; paragraphs and lines always end one."""
    out, start = [], 0
    for m in SENTENCE_END.finditer(text):
        if m.group(0)[0] == ".":
            word = text[max(0, m.start() - 6):m.start()].rsplit(None, 1)[-1:] or [""]
            w = word[0].lstrip("(\"“").lower()
            if w in ABBREVIATIONS or (len(w) == 1 and w.isalpha()) or re.fullmatch(r"(?:\w\.)+\w", w):
                continue
        end = m.start() + (1 if m.group(0)[0] in ".!?" else 0)
        if text[start:end].strip():
            out.append((start, end))
        start = m.end()
    if text[start:].strip():
        out.append((start, len(text)))
    return [(s + len(text[s:e]) - len(text[s:e].lstrip()), e) for s, e in out]


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
    fw, words = function_words(), name_words()
    out: list[Mention] = []
    sid, n_sent = 0, len(sentences)
    for m in SPAN.finditer(text):
        s, e = m.span()
        while sid + 1 < n_sent and sentences[sid + 1][0] <= s:
            sid += 1
        toks = m.group(0).split()
        sent_start = sentences[sid][0] if sentences else 0
        # split at possessives: "Russia’s President Vladimir Putin" -> "Russia", "President Vladimir Putin"
        pieces, offs = [], []
        p = s
        for t in toks:
            p = text.find(t, p)
            offs.append(p)
            p += len(t)
        start_i = 0
        for i, t in enumerate(toks):
            if POSSESSIVE.search(t) and len(t) > 2 and i < len(toks) - 1:
                pieces.append((start_i, i + 1))
                start_i = i + 1
        pieces.append((start_i, len(toks)))
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
            if POSSESSIVE.search(last) and (len(last) > 2):
                cut = len(POSSESSIVE.search(last).group(0))
                eo -= cut
                sub[-1] = last[:-cut]
                possessive = True
            if sub[-1].endswith(".") and not re.fullmatch(r"(?:\w\.)+", sub[-1]):
                sub[-1] = sub[-1].rstrip(".")
                eo = offs[a + len(sub) - 1] + len(sub[-1])
            if not sub or not sub[-1]:
                continue
            mention = _classify(text, sub, so, eo, sid, so == sent_start, words)
            if mention:
                mention.possessive = possessive
                out.append(mention)
    return out


def _classify(text: str, tokens: list[str], s: int, e: int, sid: int, initial: bool, words: dict) -> Mention | None:
    k, role, country, org, honorific = _peel(tokens)
    if gz.fold(" ".join(tokens[k:])) in gz.titles():
        return None
    if not (role or honorific) and gz.fold(" ".join(tokens[k:])) not in gz.people():
        k, country, org = 0, None, None
    name = tokens[k:]
    kinds = [words.get(t.lower()) for t in name]
    if "MISC" in kinds:
        return None
    if k and name[0] in ("of", "for"):
        return None  # 'Secretary-General of the United Nations': a descriptor, resolved later
    ns = text.find(name[0], s) if k else s
    surface = text[ns:e]
    key = gz.fold(" ".join(name))
    orgs = gz.organisations()
    m = Mention(sid, "", surface, ns, e, role=role, country_code=country, org=org, name_tokens=tuple(name))
    head = name[-1].lower()
    row = orgs.get(key)
    if row and len(name) == 1 and name[0] not in gz.org_spellings():
        row = None
    if row and not (role or honorific):
        m.kind, m.canonical = "ORG", row["name"]
        m.country_code = row["country_code"] or country
        m.media = row["kind"] == "MEDIA"
        if row["kind"] == "VENUE":
            m.kind, m.place_kind = "PLACE", "venue"
        return m
    if not (role or honorific):
        pl = gz.place(" ".join(name)) if len(name) <= 4 else None
        if pl and pl[2] == "city" and gz.cities()[gz.fold(" ".join(name))][2] < MIN_BARE_CITY and \
                not LOCATIVE_BEFORE.search(text[max(0, ns - 12):ns]):
            pl = None
        if pl and not (len(name) == 1 and name[0].isupper() and len(name[0]) > 3 and pl[2] != "country"):
            m.kind, m.canonical, m.country_code, m.place_kind = "PLACE", pl[0], pl[1], pl[2]
            return m
    known = gz.people().get(key)
    for cut in range(1, len(name) - 1):
        if known is None and gz.fold(" ".join(name[cut:])) in gz.people():
            # 'EPA Donald Trump' (a credit glued to a name) -> 'Donald Trump'
            name = name[cut:]
            m.start = text.find(name[0], ns)
            m.text, m.name_tokens, key = text[m.start:e], tuple(name), gz.fold(" ".join(name))
            known = gz.people()[key]
    if known:
        return _person(m, known)
    if not (role or honorific) and words.get(head) == "ORG":
        m.kind, m.canonical = "ORG", " ".join(name)
        m.country_code = country or next((c for t in name if (c := gz.country_of(t))), None)
        return m
    if not (role or honorific) and words.get(head) == "PLACE":
        m.kind, m.canonical, m.place_kind = "PLACE", " ".join(name), "region"
        m.country_code = country or next((c for t in name[:-1] if (p := gz.place(t)) and (c := p[1])), None)
        return m
    if len(name) == 1 and name[0].lower() in function_words():
        return None
    if role or honorific:
        m.kind = "PERSON"
        return _person(m, gz.surnames().get(key) if len(name) == 1 else None)
    if any(t.lower() in function_words() for t in name) or any(ch.isdigit() for ch in key):
        return None
    if all(t.isupper() for t in name):
        if len(name) == 1 and 2 <= len(name[0].replace(".", "")) <= 6 and not initial:
            m.kind, m.canonical = "ORG", name[0]
            return m
        return None
    if any(gz.nationalities().get(gz.fold(t)) for t in name):
        return None
    if len(name) == 1:
        known = gz.surnames().get(key)
        if known:
            return _person(m, known)
        m.kind = "UNKNOWN"
        return m
    if 2 <= len(name) <= 4:
        m.kind = "PERSON"
        return _person(m, None)
    return None


def _person(m: Mention, known: dict | None) -> Mention:
    m.kind = "PERSON"
    if known:
        m.canonical = known["canonical"]
        m.role = m.role or known["role"] or None
        m.country_code = m.country_code or known["country_code"] or None
        m.org = m.org or known["org"] or None
    else:
        m.canonical = ascii_name(" ".join(m.name_tokens))
    return m


def ascii_name(name: str) -> str:
    """The name without accents, keeping case: 'António Guterres' -> 'Antonio Guterres'."""
    import unicodedata
    nfkd = unicodedata.normalize("NFKD", name)
    return "".join(c for c in nfkd if not unicodedata.combining(c))


def add_roles(text: str, mentions: list[Mention]) -> None:
    """Give people the lower-case title written before ('foreign minister X') or after (', the X chief') them."""
    before, after = role_pattern(), appositive_pattern()
    titles = gz.titles()
    for m in mentions:
        if m.kind != "PERSON":
            continue
        left = text[max(0, m.start - 45):m.start]
        hit = before.search(left)
        if hit is None:
            hit = after.match(text[m.end:m.end + 70])
        if hit:
            row = titles.get(gz.fold(hit.group("role")))
            if row and row["role"] and not m.role:
                m.role = row["role"]
                m.org = m.org or row["org"] or None
            mod = hit.group("mod")
            if mod:
                bare = POSSESSIVE.sub("", gz.fold(mod))
                code = gz.nationalities().get(bare) or gz.countries().get(bare)
                org = gz.organisations().get(bare)
                if code and not m.country_code:
                    m.country_code = code
                elif org and not m.org:
                    m.org = org["name"]
                    m.country_code = m.country_code or org["country_code"] or None


def resolve_aliases(mentions: list[Mention], extra_people: list[Mention] = ()) -> None:
    """Short mentions ('Putin', 'Mr Guterres') take the full name written elsewhere in the document."""
    full: dict[str, Mention] = {}
    for m in list(mentions) + list(extra_people):
        if m.kind == "PERSON" and len(m.name_tokens) >= 2:
            full.setdefault(gz.fold(m.name_tokens[-1]), m)
    for m in mentions:
        if m.kind == "PERSON" and len(m.name_tokens) >= 2 and m.canonical not in gz.people():
            ref = full.get(gz.fold(m.name_tokens[-1]))
            if ref and ref is not m and gz.fold(m.name_tokens[0]) not in gz.fold(" ".join(ref.name_tokens)):
                # a headline word glued to a surname: 'Criticizes Guterres' -> 'Guterres'
                last = m.name_tokens[-1]
                m.start = m.end - len(last)
                m.text, m.name_tokens = last, (last,)
    for m in mentions:
        if m.kind not in ("PERSON", "UNKNOWN") or len(m.name_tokens) != 1:
            continue
        ref = full.get(gz.fold(m.name_tokens[0]))
        if ref:
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
                     taken: list[tuple[int, int]]) -> list[Mention]:
    """'the UN chief', 'the Russian President' resolved to a person of the document (or of its title)."""
    out = []
    if not people:
        return out
    titles = gz.titles()
    out += _plural(text, sentences, people)
    sid = 0
    for h in descriptor_pattern().finditer(text):
        s, e = h.span()
        if any(a <= s < b or a < e <= b for a, b in taken):
            continue
        row = titles.get(gz.fold(h.group("role")))
        role = (row or {}).get("role") or h.group("role").title()
        org = (row or {}).get("org") or None
        country = None
        for part in (h.group("mod"), h.group("of")):
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
    names = {p.canonical for p in cands}
    if len(names) > 1:
        before = [p for p in cands if p.start < pos]
        return before[-1] if before else cands[0]
    return cands[0]
