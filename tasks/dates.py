"""Date expressions in news text: find them, resolve them against the publication date, infer that date."""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
NUMBERS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())}
NUMBERS.update({"a": 1, "an": 1, "several": 3, "few": 3})
UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}

_MONTH = r"(?P<{g}>(?:January|February|March|April|May|June|July|August|September|October|November|December)\b" \
         r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?)"
_WD = r"(?P<{g}>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY = r"(?P<{g}>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<{g}>(?:19|20)\d\d)"
_PART = r"(?:\s+(?:morning|afternoon|evening|night))"

PATTERN = re.compile("|".join([
    # Tuesday, April 5, 2022 / April 26 / Nov. 10
    r"(?P<md>(?:(?i:on|late|early)\s+)?(?:{wd1},?\s+)?{mon1}\s+{day1}\b(?!\s*%|,\d)(?:,?\s+{year1}\b)?)".format(
        wd1=_WD.format(g="wd1"), mon1=_MONTH.format(g="mon1"), day1=_DAY.format(g="day1"),
        year1=_YEAR.format(g="year1")),
    # Tuesday 26 April 2022 / 24 February
    r"(?P<dm>(?:(?i:on|late|early)\s+)?(?:{wd2},?\s+)?(?:the\s+)?{day2}\s+(?:of\s+)?{mon2}(?:,?\s+{year2}\b)?)".format(
        wd2=_WD.format(g="wd2"), day2=r"\b" + _DAY.format(g="day2"), mon2=_MONTH.format(g="mon2"),
        year2=_YEAR.format(g="year2")),
    # March 2014
    r"(?P<my>(?:(?i:early|late|mid-?)\s*)?{mon3},?\s+{year3}\b)".format(
        mon3=_MONTH.format(g="mon3"), year3=_YEAR.format(g="year3")),
    # in March (month alone needs a preposition: 'May' is also a verb)
    r"(?P<mo>\b(?i:in|since|last|next|this|early|late|mid-|until|by|through)\s+{mon4}(?!\s+\d))".format(
        mon4=_MONTH.format(g="mon4")),
    # Thursday / last Wednesday / Sunday morning / Sunday's
    r"(?P<wd>\b(?:(?i:on|last|next|this|late|early|until|by|since|from)\s+(?:on\s+)?)?{wd5}(?:'s|’s)?{part})".format(
        wd5=_WD.format(g="wd5"), part=_PART + "?"),
    # two months ago / last month / earlier this week / today
    r"(?P<rel>\b(?i:(?P<num>\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a|several|a few)\s+"
    r"(?P<unit>day|week|month|year)s?\s+ago"
    r"|(?:earlier|later)\s+this\s+(?P<unit2>week|month|year)"
    r"|(?P<which>last|next|this|past)\s+(?P<unit3>night|week|month|year|weekend|morning|afternoon|evening)"
    r"|(?P<word>[Tt]oday|[Yy]esterday|[Tt]omorrow|[Tt]onight))\b)",
    # in 2019 / 2022 visit
    r"(?P<yr>(?<![\d.,$£€#-]){year6}(?![\d,.]\d|\s*(?:%|km|kg|g\b|ml|bars?\b)|-\d))".format(
        year6=r"\b" + _YEAR.format(g="year6")),
    # at around 6am / 6.10am / 11:30pm local time
    r"(?P<tm>\b(?:(?:at|by|around|about|from|until|before|after)\s+)?(?:(?:around|about|approximately)\s+)?"
    r"[0-2]?\d(?:[.:][0-5]\d)?\s*(?:am|pm|a\.m\.|p\.m\.)(?:\s+local\s+time)?)",
]))

FUTURE = re.compile(r"\b(?:will|shall|'ll|is to|are to|set to|due to|plans? to|planned|expected to|going to|"
                    r"scheduled|next|upcoming|hopes? to|aims? to|intends? to|would)\b", re.I)


@dataclass(slots=True)
class DateExpr:
    """One date expression: where it is, what it says, and what it resolves to."""
    start: int
    end: int
    text: str
    kind: str  # full | monthday | monthyear | month | year | weekday | relative | time
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    which: str | None = None  # last | next | this | past
    offset_days: int | None = None
    unit: str | None = None
    date: dt.date | None = None
    precision: str | None = None


def _month(s: str) -> int:
    return MONTHS.get(s.rstrip(".").lower(), 0)


ANCHORS = frozenset(MONTHS) | frozenset(WEEKDAYS) | frozenset("today tonight tomorrow yesterday ago am pm".split())
UNITS = frozenset("week month year weekend night morning afternoon evening".split())
DEICTIC = frozenset("last next this past".split())


NUMERIC_ANCHOR = re.compile(r"(?=\d)(?<!\d)(?:(?:19|20)\d\d(?!\d)|\d{1,2}(?:[.:]\d\d)?\s?(?:am|pm|a\.m\.|p\.m\.))", re.I)


def _anchors(text: str, words: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
    out = []
    for s, e, w in words:
        if w in ANCHORS or (w in UNITS and text[max(0, s - 6):s].split()[-1:] and
                            text[max(0, s - 6):s].split()[-1].lower() in DEICTIC):
            out.append((s, e))
    out += [m.span() for m in NUMERIC_ANCHOR.finditer(text)]
    out.sort()
    return out


PRIOR_WORDS = re.compile(r"[\w'’.]+[ \u00a0,]*")


def _matches(text: str, anchors: list[tuple[int, int]]) -> list[re.Match]:
    """The longest date match covering each anchor, tried from the anchor and the few words before it."""
    out: list[re.Match] = []
    for s, e in anchors:
        if out and out[-1].end() >= e:
            continue
        base = max(0, s - 24, out[-1].end() if out else 0)
        starts = [m.start() + base for m in PRIOR_WORDS.finditer(text[base:s])][-3:] + [s]
        best = None
        for st in starts:
            m = PATTERN.match(text, st)
            if m and m.end() >= e and (best is None or m.end() > best.end()):
                best = m
        if best:
            out.append(best)
    return out


def find_dates(text: str, words: list[tuple[int, int, str]] | None = None) -> list[DateExpr]:
    """Every date expression in text, unresolved, in order (the pattern runs only around anchor words)."""
    from tasks.entities import word_spans
    out = []
    for m in _matches(text, _anchors(text, words if words is not None else word_spans(text))):
        g = m.groupdict()
        s, e = m.span()
        raw = m.group(0)
        lead = raw[:len(raw) - len(raw.lstrip())]
        s += len(lead)
        raw = raw.strip()
        e = s + len(raw)  # the text stripped at the end too: the span must hold exactly raw
        if g["md"] or g["dm"]:
            k = "1" if g["md"] else "2"
            day = int(g["day" + k])
            month = _month(g["mon" + k])
            if not 1 <= day <= 31:
                continue
            year = int(g["year" + k]) if g["year" + k] else None
            wd = g["wd" + k]
            out.append(DateExpr(s, e, raw, "full" if year else "monthday", year, month, day,
                                WEEKDAYS[wd.lower()] if wd else None))
        elif g["my"]:
            out.append(DateExpr(s, e, raw, "monthyear", int(g["year3"]), _month(g["mon3"])))
        elif g["mo"]:
            which = raw.split()[0].lower().rstrip("-")
            out.append(DateExpr(s, e, raw, "month", None, _month(g["mon4"]), which=which))
        elif g["wd"]:
            which = raw.split()[0].lower()
            out.append(DateExpr(s, e, raw, "weekday", weekday=WEEKDAYS[g["wd5"].lower()],
                                which=which if which in ("last", "next", "this") else None))
        elif g["rel"]:
            out.append(_relative(s, e, raw, g))
        elif g["yr"]:
            out.append(DateExpr(s, e, raw, "year", int(g["year6"])))
        elif g["tm"]:
            out.append(DateExpr(s, e, raw, "time"))
    return out


def _relative(s: int, e: int, raw: str, g: dict) -> DateExpr:
    word = (g["word"] or "").lower()
    if word:
        off = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[word]
        return DateExpr(s, e, raw, "relative", offset_days=off, unit="day")
    if g["unit"]:
        n = int(g["num"]) if g["num"].isdigit() else NUMBERS.get(g["num"].split()[-1].lower(), 1)
        return DateExpr(s, e, raw, "relative", offset_days=-n * UNIT_DAYS[g["unit"].lower()], unit=g["unit"].lower())
    if g["unit2"]:
        return DateExpr(s, e, raw, "relative", offset_days=0, unit=g["unit2"].lower(), which="this")
    unit = g["unit3"].lower()
    which = g["which"].lower()
    if unit in ("night", "morning", "afternoon", "evening"):
        return DateExpr(s, e, raw, "relative", offset_days=-1 if which == "last" else 0, unit="day")
    step = {"last": -1, "past": -1, "next": 1, "this": 0}[which]
    unit = "week" if unit == "weekend" else unit
    return DateExpr(s, e, raw, "relative", offset_days=step * UNIT_DAYS[unit], unit=unit, which=which)


def _safe(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def resolve(x: DateExpr, ref: dt.date | None, future: bool = False) -> DateExpr:
    """Set x.date / x.precision from the expression and the reference (publication) date."""
    try:
        return _resolve(x, ref, future)
    except (OverflowError, ValueError):  # a reference date at the edge of the calendar
        x.date, x.precision = None, None
        return x


def _resolve(x: DateExpr, ref: dt.date | None, future: bool) -> DateExpr:
    if x.kind == "full":
        x.date, x.precision = _safe(x.year, x.month, x.day), "day"
    elif x.kind == "monthyear":
        x.date, x.precision = _safe(x.year, x.month, 1), "month"
    elif x.kind == "year":
        x.date, x.precision = dt.date(x.year, 1, 1), "year"
    elif ref is None:
        return x
    elif x.kind == "monthday":
        d = _safe(ref.year, x.month, x.day)
        if d and not future and (d - ref).days > 31:
            d = _safe(ref.year - 1, x.month, x.day)
        elif d and future and (ref - d).days > 60:
            d = _safe(ref.year + 1, x.month, x.day)
        x.date, x.precision = d, "day" if d else None
    elif x.kind == "month":
        year = ref.year
        if x.which in ("last", "since") or (not future and x.month > ref.month):
            year -= x.month >= ref.month
        elif x.which == "next" or (future and x.month < ref.month):
            year += 1
        x.date, x.precision = dt.date(year, x.month, 1), "month"
    elif x.kind == "weekday":
        delta = (x.weekday - ref.weekday()) % 7
        if x.which == "next" or (future and x.which != "last"):
            x.date = ref + dt.timedelta(days=delta or (7 if x.which == "next" else 0))
        else:
            back = (ref.weekday() - x.weekday) % 7
            x.date = ref - dt.timedelta(days=back or (7 if x.which == "last" else 0))
        x.precision = "day"
    elif x.kind == "relative":
        d = ref + dt.timedelta(days=x.offset_days or 0)
        if x.unit == "day":
            x.date, x.precision = d, "day"
        elif x.unit == "month":
            x.date, x.precision = d.replace(day=1), "month"
        elif x.unit == "year":
            x.date, x.precision = dt.date(d.year, 1, 1), "year"
        else:
            x.date, x.precision = None, None
    elif x.kind == "time":
        x.date, x.precision = ref, "day"
    return x


def is_future(sentence: str) -> bool:
    """True when the sentence speaks of something still to come (will, is to, set to, next ...)."""
    return bool(FUTURE.search(sentence))


@dataclass(frozen=True, slots=True)
class InferredDate:
    """A date a text's own dates point at, how precise it is, and what it was taken from."""
    date: dt.date
    precision: str  # day | month | year
    origin: str  # dateline | full date | weekday and year | month and year | year


BACKGROUND = re.compile(r"(?:\b(?:since|until|till|before|back\s+in|as\s+early\s+as|as\s+far\s+back\s+as|"
                        r"ever\s+since|previous(?:ly)?|former(?:ly)?|last\s+time\s+in|founded\s+in|born\s+in|"
                        r"established\s+in|in\s+the\s+past)\s+(?:\w+\s+)?$)", re.I)


def is_background(text: str, x: DateExpr) -> bool:
    """True when the words just before x set it in the past of the story ('since 2005', 'back in
    March 2003', 'born in 1961'): such a date is context, never the date of the story."""
    return bool(BACKGROUND.search(text[max(0, x.start - 40):x.start]))


def infer_date(exprs: list[DateExpr], sentences_future: list[bool], today: dt.date | None = None,
               text: str | None = None) -> InferredDate | None:
    """The date a text's own dates point at, with its precision and origin (None when it names none).

    Day anchors first (see infer_published): a dateline (a full date in the first 80 characters), the
    latest full date, or a month-day whose weekday fits one year. Without one, the latest month of a
    year and then the latest year the text mentions, skipping future-tense sentences, years after
    today and (given the text) background dates ('since 2005', 'back in 2003').
    """
    today = today or dt.date.today()
    day = _day_anchor(exprs, sentences_future, today)
    if day:
        return day
    coarse = [(x.year, x.month or 0, x) for x, fut in zip(exprs, sentences_future)
              if x.kind in ("monthyear", "year") and not fut and x.year <= today.year
              and not (text is not None and is_background(text, x))]
    if not coarse:
        return None
    year, month, x = max(coarse, key=lambda c: (c[0], c[1]))
    if month:
        return InferredDate(dt.date(year, month, 1), "month", "month and year")
    return InferredDate(dt.date(year, 1, 1), "year", "year")


def _day_anchor(exprs: list[DateExpr], sentences_future: list[bool], today: dt.date) -> InferredDate | None:
    years = [x.year for x in exprs if x.kind in ("year", "monthyear", "full") and x.year <= today.year]
    floor = max(years) if years else None
    anchors: list[tuple[dt.date, bool, str]] = []
    for x, fut in zip(exprs, sentences_future):
        if x.kind == "full":
            d = _safe(x.year, x.month, x.day)
            if d and (x.weekday is None or d.weekday() == x.weekday):
                anchors.append((d, fut, "dateline" if x.start < 80 else "full date"))
        elif x.kind == "monthday" and x.weekday is not None:
            fits = [y for y in range(today.year, 1990, -1)
                    if (d := _safe(y, x.month, x.day)) and d.weekday() == x.weekday]
            if floor:
                fits = sorted(y for y in fits if y >= floor)[:1] or fits
            if fits:
                anchors.append((_safe(fits[0], x.month, x.day), fut, "weekday and year"))
    if not anchors:
        return None
    d, fut, origin = max(anchors)
    return InferredDate(d - dt.timedelta(days=1) if fut else d, "day", origin)


def infer_published(exprs: list[DateExpr], sentences_future: list[bool], today: dt.date | None = None) -> dt.date | None:
    """A publication date guessed from the dates a text mentions (None when nothing pins the day).

    exprs come with their sentence's tense (sentences_future). Anchors are full dates and month-days
    whose weekday fits one year (the first such year not before the latest year mentioned, else the
    latest past one): 'Tuesday April 26' => 2022 after a mention of 2019. The latest anchor wins; an
    anchor in a future-tense sentence puts publication the day before it.
    """
    day = _day_anchor(exprs, sentences_future, today or dt.date.today())
    return day.date if day else None
