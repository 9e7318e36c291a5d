"""Language stage: document language from the cleaned body, and per-line languages.

One deterministic scorer serves documents and single lines:
  1. the letters' scripts narrow the candidates (seeds/lang_scripts.csv): Hangul is Korean,
     kana Japanese, Cyrillic one of bg/mk/ru/uk, ...; a script with a single language decides;
  2. a naive-Bayes sum over langdetect's own character 1-3-gram profiles (every n-gram of a
     bounded window of the text, no random sampling, so no seed is needed for it);
  3. justext stopwords found in the text (seeds/lang_stoplists.csv);
  4. when the first three leave two languages close (short text), word frequencies from the
     `wordfreq` package's lists (seeds/lang_wordlists.csv; skipped if it is not installed);
  5. priors: the configured expected languages, and the document's language for its lines.
Documents are judged on a bounded sample of the body (its longest paragraphs).
"""
from __future__ import annotations

import bisect
import functools
import json
import math
import os
import re
import string
import unicodedata
from itertools import repeat
from dataclasses import dataclass

from tasks.config import seed_rows
from tasks.records import Line

ALPHA = 2e-5  # smoothing of langdetect's n-gram probabilities
NGRAM_WEIGHTS = (1.0, 1.0, 1.5)  # weight of 1-, 2- and 3-gram evidence
SCALE = 1000  # n-gram nats are summed as integers in thousandths (exact, so order-independent)
FIELD_BITS = 32  # each language's sum occupies this many bits of one packed integer
STOP_WEIGHT = 12.0  # nats per stopword of a language found in the text
STOP_SHARED = 4  # a stopword of more languages than this counts for less, in proportion
STOP_DECISIVE = 200.0  # nats: a stopword lead this wide settles the language without n-grams
WORD_MARGIN = 25.0  # word frequencies are consulted when the two best are closer than this (nats)
WORD_WEIGHT = 4.0  # nats per decade of a word's frequency in a language's word list
WORD_FLOOR = 8  # decades: a listed word scores WORD_WEIGHT * (log10(frequency) + WORD_FLOOR)
WORDS_PER_LIST = 20000  # most frequent words read from each list
WORD_BITS = 10  # centibels above the floor (0..800) of one language in a word's packed integer
UNLISTED_STOPWORD = 5.0  # decades credited to a language without a word list for one of its stopwords
UNLISTED_WORD = 0.8  # ... and for any other word
EXPECTED_PRIOR = 20.0  # nats in favour of the configured expected languages
LINE_PRIOR = 4.0  # nats in favour of the document's language when judging one of its lines ...
LINE_PRIOR_SAME_ALPHABET = 12.0  # ... or one written in that language's alphabet
LINE_MIN_CONFIDENCE = 0.8  # a line differs from its document only this surely
SUSPECT_ONE_IN = 6  # a line is judged when one in this many of its words are other languages' stopwords
MIN_LETTERS = 2
SCRIPT_SHARE = 0.3  # a non-Latin script this share of the letters outweighs Latin junk around it
SAMPLE_CHARS = 1000  # characters of the body judged (stopwords): from its longest paragraphs
NGRAM_CHARS = 300  # characters of the text whose n-grams are scored
MAX_CHARS = 10000  # longer texts are judged on their beginning (as langdetect does)
ALPHABET_MIN_PROB = 1e-4  # a letter belongs to a language's alphabet above this unigram probability
CONFIDENCE_TEMPERATURE = 8.0  # nats: naive Bayes is over-sure; this calibrates it on short texts
SCRIPT_CONFIDENCE = 0.99  # when the script alone names the language
UND = ("und", 0.0)
WORD_CACHE_SIZE = 200_000  # words whose n-gram evidence is kept per process
_ALIASES = {"nb": "no", "nn": "no"}  # langdetect's Norwegian profile covers both written forms

_seeded = False
_WORD_GRAMS: dict[str, tuple[int, int]] = {}


def seed_langdetect() -> None:
    """Make langdetect deterministic in this process (must run before its first use)."""
    global _seeded
    if not _seeded:
        from langdetect import DetectorFactory
        DetectorFactory.seed = 0
        _seeded = True


# --- the model: profiles, stopwords, scripts (loaded once per process) --------------------------

class _Normaliser(dict):
    """str.translate table mapping a character as langdetect's NGram.normalize does (filled lazily)."""

    def __missing__(self, code: int) -> str:
        from langdetect.utils.ngram import NGram
        self[code] = ch = NGram.normalize(chr(code))
        return ch


class _ScriptTable(dict):
    """str.translate table mapping a letter to its script's one-character code, others deleted."""

    def __init__(self, spans: list[tuple[int, int, str]]):
        super().__init__()
        self.starts = [lo for lo, _, _ in spans]
        self.spans = spans

    def __missing__(self, code: int) -> str | None:
        i = bisect.bisect_right(self.starts, code) - 1
        self[code] = ch = self.spans[i][2] if i >= 0 and code <= self.spans[i][1] else None
        return ch


@dataclass(frozen=True, slots=True)
class _Script:
    name: str
    code: str  # private-use character standing for the script in translated text
    languages: tuple[str, ...]
    columns: tuple[int, ...]  # profile columns of its languages that have a profile
    open: bool  # too many letters to list (Han): any of them belongs to its languages' alphabets
    foreign: re.Pattern  # runs of characters outside this script (and spaces)


@dataclass(frozen=True, slots=True)
class _Model:
    codes: tuple[str, ...]  # profile column -> ISO 639-1 code (zh-cn, zh-tw -> zh)
    packed: dict  # n-gram -> its thousandths of nats for every column, packed FIELD_BITS apart
    stopwords: dict  # lower-case word -> codes of the languages whose stoplist has it
    stop_packed: dict  # stopword -> its thousandths of nats for every column, packed FIELD_BITS apart
    alphabets: dict  # code -> frozenset of its letters (both cases)
    open_scripts: dict  # code -> script code characters whose every letter is native to it
    scripts: dict  # script code character -> _Script
    script_table: _ScriptTable
    normaliser: _Normaliser


@functools.cache
def _model() -> _Model:
    """Read langdetect's profiles, justext's stoplists and the script table (once per process)."""
    import langdetect
    seed_langdetect()
    folder = os.path.join(os.path.dirname(langdetect.__file__), "profiles")
    names = sorted(os.listdir(folder))
    codes = tuple(n.split("-")[0] for n in names)
    table: dict[str, int] = {}
    alphabets: dict[str, set] = {}
    for col, name in enumerate(names):
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            profile = json.load(f)
        totals = profile["n_words"]
        letters = alphabets.setdefault(codes[col], set())
        for gram, count in profile["freq"].items():
            n = len(gram)
            if not 1 <= n <= 3:
                continue
            p = count / totals[n - 1]
            nats = NGRAM_WEIGHTS[n - 1] * math.log1p(p / ALPHA)
            table[gram] = table.get(gram, 0) + (round(nats * SCALE) << (FIELD_BITS * col))
            if n == 1 and p >= ALPHABET_MIN_PROB:
                letters.update((gram, gram.lower(), gram.upper()))
    scripts, spans = _scripts(codes)
    table_of_scripts = _ScriptTable(spans)
    own_scripts = {lang: {s.code for s in scripts.values() if lang in s.languages} for lang in alphabets}
    alphabets = {lang: frozenset(ch for ch in letters if ch.translate(table_of_scripts) in own_scripts[lang])
                 for lang, letters in alphabets.items()}
    open_scripts = {lang: frozenset(c for c in own_scripts[lang] if scripts[c].open) for lang in alphabets}
    stopwords = _stopwords()
    return _Model(codes, table, stopwords, _pack_stopwords(stopwords, codes), alphabets, open_scripts, scripts,
                  table_of_scripts, _Normaliser())


def _scripts(codes: tuple[str, ...]) -> tuple[dict, list]:
    """The scripts of seeds/lang_scripts.csv, and their code point spans in order."""
    scripts, spans = {}, []
    for i, row in enumerate(seed_rows("lang_scripts")):
        code = chr(0xE000 + i)
        ranges = [tuple(int(x, 16) for x in r.split("-")) for r in row["ranges"].split()]
        langs = tuple(row["languages"].split())
        cols = tuple(col for lang in langs for col, c in enumerate(codes) if c == lang)
        foreign = re.compile("[^\\s%s]+" % "".join("\\u%04x-\\u%04x" % r for r in ranges))
        scripts[code] = _Script(row["script"], code, langs, cols, row["open"] == "yes", foreign)
        spans.extend((lo, hi, code) for lo, hi in ranges)
    return scripts, sorted(spans)


def _stopwords() -> dict[str, tuple[str, ...]]:
    """Lower-case stopword -> codes of the languages whose justext stoplist has it."""
    import justext
    index: dict[str, list[str]] = {}
    for row in seed_rows("lang_stoplists"):
        for word in justext.get_stoplist(row["stoplist"]):
            index.setdefault(word, []).append(row["language"])
    return {w: tuple(c) for w, c in index.items()}


def _pack_stopwords(stopwords: dict[str, tuple[str, ...]], codes: tuple[str, ...]) -> dict[str, int]:
    """Stopword -> the nats it gives each profile column (STOP_WEIGHT, less when many languages share
    it), in thousandths packed FIELD_BITS apart like the n-grams: a text's sum is one C-level sum."""
    columns: dict[str, list[int]] = {}
    for col, code in enumerate(codes):
        columns.setdefault(code, []).append(col)
    packed = {}
    for word, langs in stopwords.items():
        nats = round(STOP_WEIGHT * min(1.0, STOP_SHARED / len(langs)) * SCALE)
        packed[word] = sum(nats << (FIELD_BITS * col) for lang in langs for col in columns.get(lang, ()))
    return packed


@functools.cache
def _word_lists() -> tuple[dict[str, int], dict[str, int]] | None:
    """wordfreq's lists as: lower-case word -> centibels above the floor for every listed language,
    packed WORD_BITS apart into one integer; and each language's shift. None without wordfreq."""
    try:
        import wordfreq
    except ImportError:
        return None
    index: dict[str, int] = {}
    shifts: dict[str, int] = {}
    for i, row in enumerate(seed_rows("lang_wordlists")):
        shifts[row["language"]] = shift = WORD_BITS * i
        n = 0
        for centibels, words in enumerate(wordfreq.get_frequency_list(row["wordlist"], "small")):
            value = WORD_FLOOR * 100 - centibels
            if n >= WORDS_PER_LIST or value <= 0:
                break
            for word in words:
                index[word] = index.get(word, 0) | (value << shift)
            n += len(words)
    wordfreq.get_frequency_list.cache_clear()  # the full lists: only the top words are kept
    return index, shifts


# --- scoring ------------------------------------------------------------------------------------

_URL = re.compile(r"https?://\S+|www\.\S+|[-_.0-9A-Za-z]{1,64}@[-_.0-9A-Za-z]{1,255}")

_PUNCTUATION_BLOCKS = ((0x20, 0x7F), (0xA0, 0xBF), (0x2000, 0x206F), (0x3000, 0x303F), (0xFF00, 0xFF65))
_EDGES = "".join(chr(c) for lo, hi in _PUNCTUATION_BLOCKS for c in range(lo, hi)
                 if unicodedata.category(chr(c))[0] in "PSZ") + "0123456789،؛؟۔।॥։"


def _tokens(text: str) -> list[str]:
    """The words of a text, split at spaces and trimmed of punctuation (combining marks kept)."""
    return [*filter(None, map(str.strip, text.split(), repeat(_EDGES)))]


def _script_of(text: str, m: _Model) -> tuple[_Script | None, bool]:
    """The script the text is written in (None without letters) and whether other scripts mix in."""
    marks = text.translate(m.script_table)
    if len(marks) < MIN_LETTERS:
        return None, False
    present = {c: marks.count(c) for c in set(marks)}
    by_name = {m.scripts[c].name: c for c in present}
    if "han" in by_name and ("kana" in by_name or "hangul" in by_name):
        joined = by_name.get("kana") or by_name["hangul"]
        present[joined] += present.pop(by_name["han"])
    latin = by_name.get("latin")
    others = [c for c in present if c != latin]
    best = max(others, key=lambda c: (present[c], c)) if others else latin
    if latin is not None and best != latin and present[best] < SCRIPT_SHARE * len(marks):
        best = latin
    return m.scripts[best], len(present) > 1


def _ngram_scores(words: list[str], m: _Model) -> tuple[list[float], int]:
    """Naive-Bayes nats of every profile column for the 1-3-grams of these normalised words.

    langdetect's n-grams never span two words (its profiles hold no gram with an inner space), so
    the sum is taken word by word, each word's packed evidence computed once per process."""
    cache = _WORD_GRAMS
    total = known = 0
    for w in words:
        hit = cache.get(w)
        if hit is None:
            if len(cache) >= WORD_CACHE_SIZE:
                cache.clear()
            hit = cache[w] = _word_grams(w, m)
        total += hit[0]
        known += hit[1]
    return [_nats(total, col) for col in range(len(m.codes))], known


_FIELD_MASK = (1 << FIELD_BITS) - 1


def _nats(packed: int, col: int) -> float:
    """One profile column's nats out of a packed sum of thousandths (n-grams, stopwords)."""
    return ((packed >> (FIELD_BITS * col)) & _FIELD_MASK) / SCALE


def _word_grams(word: str, m: _Model) -> tuple[int, int]:
    """The packed n-gram evidence of one word, as langdetect pads it with spaces, and its known grams."""
    padded = f" {word} "
    size = len(padded)
    grams = list(word)
    grams += [padded[i:i + 2] for i in range(size - 1)]
    grams += [padded[i:i + 3] for i in range(size - 2)]
    known = [v for v in map(m.packed.get, grams) if v]
    return sum(known), len(known)


def _normalised_words(text: str, m: _Model, limit: int) -> list[str]:
    """The first `limit` characters as langdetect sees them, all-capital words (acronyms) left out."""
    from langdetect.utils.ngram import NGram
    words = _cut(NGram.normalize_vi(text), limit).translate(m.normaliser).split()
    if sum(1 for w in words if len(w) > 1 and w.isupper()) * 2 > len(words):
        return [w.lower() for w in words]
    return [w for w in words if len(w) == 1 or not w.isupper()]


def _scores(text: str, m: _Model, priors: dict[str, float],
            ngram_chars: int = NGRAM_CHARS) -> tuple[dict[str, float], int]:
    """Log-score of each candidate language and the amount of evidence behind them."""
    text = _URL.sub(" ", text)
    script, mixed = _script_of(text, m)
    if script is None:
        return {}, 0
    if mixed:
        text = script.foreign.sub(" ", text)
    words = _tokens(text.lower())
    if not script.columns:
        return {script.languages[0]: 0.0}, len(words)
    if len(script.columns) == 1:
        return {m.codes[script.columns[0]]: 0.0}, len(words)
    packed = sum(map(m.stop_packed.get, words, repeat(0)))
    stop = {m.codes[col]: _nats(packed, col) for col in script.columns}
    n = sum(map(m.stopwords.__contains__, words))
    best: dict[str, float] = {}
    if len(stop) < 2 or _margin(stop) < STOP_DECISIVE:  # else n-grams could not overturn the verdict
        score, grams = _ngram_scores(_normalised_words(text, m, ngram_chars), m)
        n += grams
        for col in script.columns:
            code = m.codes[col]
            if score[col] > best.get(code, -math.inf):
                best[code] = score[col]
    for lang, nats in stop.items():
        best[lang] = best.get(lang, 0.0) + nats
    for lang, nats in priors.items():
        if lang in best:
            best[lang] += nats
    if n and len(best) > 1 and _margin(best) < WORD_MARGIN:
        _add_word_evidence(best, words, m)
    return best, n


def _margin(best: dict[str, float]) -> float:
    first, second = sorted(best.values())[-2:][::-1]
    return first - second


def _add_word_evidence(best: dict[str, float], words: list[str], m: _Model) -> None:
    """Add each word's frequency in each candidate's word list (stopwords stand in where none)."""
    lists = _word_lists()
    if not lists or not words:
        return
    index, shifts = lists
    mask = (1 << WORD_BITS) - 1
    for w in words[:50]:
        packed = index.get(w, 0)
        stop = m.stopwords.get(w, ())
        as_stop = max(UNLISTED_WORD, UNLISTED_STOPWORD * min(1.0, STOP_SHARED / len(stop))) if stop else 0.0
        for lang in best:
            shift = shifts.get(lang)
            if shift is not None:
                best[lang] += WORD_WEIGHT * ((packed >> shift) & mask) / 100
            else:
                best[lang] += WORD_WEIGHT * (as_stop if lang in stop else UNLISTED_WORD)


def _decide(best: dict[str, float], n: int) -> tuple[str, float]:
    """The top language and its confidence: a softened posterior among the candidates."""
    if not best or n == 0:
        return UND
    top = max(best, key=lambda c: (best[c], c))
    if len(best) == 1:
        return top, SCRIPT_CONFIDENCE
    z = sum(math.exp((s - best[top]) / CONFIDENCE_TEMPERATURE) for s in best.values())
    return top, round(1.0 / z, 4)


def _code(tag: str) -> str:
    """A configured language tag as this stage writes it: 'nb-NO' -> 'no', 'zh_CN' -> 'zh'."""
    code = tag.strip().lower().replace("_", "-").split("-")[0]
    return _ALIASES.get(code, code)


def _priors(expected: tuple[str, ...] | None, own: str | None = None) -> dict[str, float]:
    """Nats in favour of the expected languages (and of `own`, the document's, for its lines)."""
    priors = {_code(tag): EXPECTED_PRIOR for tag in (expected or ()) if tag}
    if own:
        priors[own] = priors.get(own, 0.0) + LINE_PRIOR
    return priors


def detect_language(text: str, expected: tuple[str, ...] = ()) -> tuple[str, float]:
    """ISO 639-1 code and confidence of `text`; ('und', 0.0) when too short or unsure."""
    seed_langdetect()
    if not text or not text.strip():
        return UND
    return _decide(*_scores(text[:MAX_CHARS], _model(), _priors(expected)))


# --- documents ----------------------------------------------------------------------------------

def _sample(body: str, limit: int = SAMPLE_CHARS) -> str:
    """At most about `limit` characters of the body: its longest paragraphs, in document order."""
    if len(body) <= limit:
        return body
    paras = body.split("\n\n")
    order = sorted(range(len(paras)), key=lambda i: (-len(paras[i]), i))
    chosen, size = [], 0
    for i in order:
        if size >= limit:
            break
        chosen.append(i)
        size += len(paras[i])
    return _cut("\n\n".join(paras[i] for i in sorted(chosen)), limit)


def _cut(text: str, limit: int) -> str:
    """`text` cut at the first space after `limit` characters (at `limit` when none follows soon)."""
    if len(text) <= limit:
        return text
    end = text.find(" ", limit, limit + 40)
    return text[:end if end >= 0 else limit]


def document_language(body_text: str, title: str | None, lines: list[Line],
                      expected: tuple[str, ...] = ()) -> tuple[str, float]:
    """The document's language: from the body, else the title, else all its lines."""
    seed_langdetect()
    body = (body_text or "").strip()
    if len(body) < 40 and title:
        body = (body + "\n\n" + title.strip()).strip()
    if not body:
        body = "\n".join(line.text for line in lines if line.text.strip())
    return detect_language(_sample(body), expected)


# --- lines --------------------------------------------------------------------------------------

def _suspect(text: str, own: str, m: _Model) -> str | None:
    """Why a line may not be in its document's language (cheap tests only): 'letters' foreign to
    that language's alphabet, 'words' (many stopwords of other languages, not of it), or None."""
    alphabet, open_scripts = m.alphabets[own], m.open_scripts[own]
    if not (text.isascii() and _ascii_native(own, alphabet)):
        odd = set(text).difference(alphabet)
        if odd and any(c.isalpha() and c.translate(m.normaliser) not in alphabet
                       and c.translate(m.script_table) not in open_scripts for c in odd):
            return "letters"
    words = _tokens(text.lower())
    sides = sum(map(_stopword_sides(own).get, words, repeat(0)))
    mine, theirs = sides & _SIDE_MASK, sides >> _SIDE_BITS
    if theirs >= 2 and 2 * theirs >= mine and theirs * SUSPECT_ONE_IN >= len(words):
        return "words"
    return None


_SIDE_BITS = 32
_SIDE_MASK = (1 << _SIDE_BITS) - 1


@functools.cache
def _stopword_sides(own: str) -> dict[str, int]:
    """Every stopword: 1 when it is one of `own`'s, 1 << _SIDE_BITS when only other languages have it
    (a line's sum counts both at once)."""
    return {w: 1 if own in langs else 1 << _SIDE_BITS for w, langs in _model().stopwords.items()}


@functools.cache
def _ascii_native(lang: str, alphabet: frozenset[str]) -> bool:
    """Every ASCII letter belongs to the language's alphabet (then an ASCII line has no foreign letter)."""
    return frozenset(string.ascii_letters) <= alphabet


def _speaks(text: str, lang: str, own: str, m: _Model) -> bool:
    """A line of the document's alphabet reads as `lang`: prose (mostly lower-case words, not a list
    of names) with at least two stopwords of `lang` that the document's language lacks."""
    words = _tokens(text)
    if sum(1 for w in words if w[0].islower()) * 2 < len(words):
        return False
    hits = [m.stopwords.get(w.lower(), ()) for w in words]
    theirs = sum(1 for langs in hits if lang in langs and own not in langs)
    return theirs >= 2


def tag_lines(lines: list[Line], doc_language: str, expected: tuple[str, ...] = ()) -> None:
    """Set Line.language on every non-empty line: the document's, unless a line surely differs."""
    seed_langdetect()
    m = _model()
    known = doc_language in m.alphabets
    priors = _priors(expected, doc_language if known else None)
    strict = {**priors, doc_language: priors.get(doc_language, 0.0) + LINE_PRIOR_SAME_ALPHABET - LINE_PRIOR}
    for line in lines:
        text = line.text
        if not text.strip():
            line.language = None
            continue
        line.language = doc_language
        why = _suspect(text, doc_language, m) if known else "unknown"
        if why is None:
            continue
        best, n = _scores(text[:MAX_CHARS], m, strict if why == "words" else priors)
        lang, conf = _decide(best, n)
        if lang == "und" or lang == doc_language:
            continue
        if not known or doc_language not in best:  # another script: the document's language is out
            line.language = lang
        elif conf >= LINE_MIN_CONFIDENCE and (why == "letters" or _speaks(text, lang, doc_language, m)):
            line.language = lang
