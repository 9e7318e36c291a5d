"""Language stage: document language from the cleaned body, and per-line languages.

One deterministic scorer serves documents and single lines: the letters' scripts narrow the
candidates (seeds/lang_scripts.csv), then a naive-Bayes sum over langdetect's own character
n-gram profiles (every 1-3-gram of the text, no random sampling) plus justext stopword hits
(seeds/lang_stoplists.csv) and optional priors (expected languages, the document's language
for its lines) picks the language. Documents are judged on a bounded sample of the body.
"""
from __future__ import annotations

import bisect
import functools
import json
import math
import os
import re
from collections import Counter
from dataclasses import dataclass

from tasks.config import seed_rows
from tasks.records import Line

ALPHA = 2e-5  # smoothing of langdetect's n-gram probabilities
NGRAM_WEIGHTS = (1.0, 1.0, 1.5)  # weight of 1-, 2- and 3-gram evidence
STOP_WEIGHT = 12.0  # nats per stopword of a language found in the text
DENSE_MIN = 6  # n-grams known in this many languages are summed as dense rows (faster)
EXPECTED_PRIOR = 4.0  # nats in favour of the configured expected languages
LINE_PRIOR = 3.0  # nats in favour of the document's language when judging one line
LINE_MIN_CONFIDENCE = 0.9  # a line differs from its document only this surely
MIN_LETTERS = 2
SCRIPT_SHARE = 0.3  # a non-Latin script this share of the letters outweighs Latin junk around it
SAMPLE_CHARS = 1000  # characters of the body judged (stopwords): from its longest paragraphs
NGRAM_CHARS = 300  # characters of that sample whose n-grams are scored
MAX_CHARS = 10000  # longer texts are judged on their beginning (as langdetect does)
ALPHABET_MIN_PROB = 1e-4  # a letter belongs to a language's alphabet above this unigram probability
UND = ("und", 0.0)

_seeded = False


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

    def __init__(self, starts: list[int], ends: list[int], codes: list[str]):
        super().__init__()
        self.starts, self.ends, self.codes = starts, ends, codes

    def __missing__(self, code: int) -> str | None:
        i = bisect.bisect_right(self.starts, code) - 1
        self[code] = ch = self.codes[i] if i >= 0 and code <= self.ends[i] else None
        return ch


@dataclass(frozen=True, slots=True)
class _Script:
    name: str
    code: str  # one character standing for the script in translated text
    languages: tuple[str, ...]
    columns: tuple[int, ...]  # profile columns of its languages that have a profile
    other_letters: re.Pattern  # runs of characters outside this script


@dataclass(frozen=True, slots=True)
class _Model:
    codes: tuple[str, ...]  # profile column -> ISO 639-1 code (zh-cn, zh-tw -> zh)
    dense: dict  # common n-gram -> nats for every column
    sparse: dict  # other n-gram -> ((column, nats), ...)
    stopwords: dict  # lower-case word -> (column, ...)
    alphabets: dict  # code -> frozenset of its letters
    columns: dict  # code -> (column, ...)
    scripts: dict  # script code character -> _Script
    script_table: _ScriptTable
    normaliser: _Normaliser


def _profiles_dir() -> str:
    import langdetect
    return os.path.join(os.path.dirname(langdetect.__file__), "profiles")


@functools.cache
def _model() -> _Model:
    """Read langdetect's profiles, justext's stoplists and the script table (once per process)."""
    seed_langdetect()
    folder = _profiles_dir()
    names = sorted(os.listdir(folder))
    codes = tuple(n.split("-")[0] for n in names)
    table: dict[str, list] = {}
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
            table.setdefault(gram, []).append((col, NGRAM_WEIGHTS[n - 1] * math.log1p(p / ALPHA)))
            if n == 1 and p >= ALPHABET_MIN_PROB:
                letters.update((gram, gram.lower(), gram.upper()))
    columns: dict[str, list[int]] = {}
    for col, code in enumerate(codes):
        columns.setdefault(code, []).append(col)
    stopwords = _stopword_index(columns)
    scripts, starts, ends, script_codes = {}, [], [], []
    ranges = []
    for i, row in enumerate(seed_rows("lang_scripts")):
        code = chr(0xE000 + i)  # private use: never a letter of the text itself
        spans = [tuple(int(x, 16) for x in r.split("-")) for r in row["ranges"].split()]
        langs = tuple(row["languages"].split())
        cols = tuple(c for lang in langs for c in columns.get(lang, ()))
        other = re.compile("[^\\s%s]+" % "".join("\\u%04x-\\u%04x" % s for s in spans))
        scripts[code] = _Script(row["script"], code, langs, cols, other)
        ranges.extend((lo, hi, code) for lo, hi in spans)
    for lo, hi, code in sorted(ranges):
        starts.append(lo)
        ends.append(hi)
        script_codes.append(code)
    dense, sparse = {}, {}
    for gram, entries in table.items():
        if len(entries) >= DENSE_MIN:
            row = [0.0] * len(codes)
            for col, nats in entries:
                row[col] = nats
            dense[gram] = tuple(row)
        else:
            sparse[gram] = tuple(entries)
    return _Model(codes, dense, sparse, stopwords,
                  {c: frozenset(a) for c, a in alphabets.items()},
                  {c: tuple(v) for c, v in columns.items()}, scripts,
                  _ScriptTable(starts, ends, script_codes), _Normaliser())


def _stopword_index(columns: dict[str, list[int]]) -> dict[str, tuple[int, ...]]:
    """Lower-case stopword -> profile columns of the languages whose justext stoplist has it."""
    import justext
    index: dict[str, list[int]] = {}
    for row in seed_rows("lang_stoplists"):
        for word in justext.get_stoplist(row["stoplist"]):
            index.setdefault(word, []).extend(columns.get(row["language"], ()))
    return {w: tuple(c) for w, c in index.items()}


# --- scoring ------------------------------------------------------------------------------------

_URL = re.compile(r"https?://\S+|www\.\S+|[-_.0-9A-Za-z]{1,64}@[-_.0-9A-Za-z]{1,255}")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


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
    """Naive-Bayes nats of every profile column for the 1-3-grams of these normalised words."""
    padded = " %s " % " ".join(words)
    size = len(padded)
    grams = Counter(padded)
    grams.update([padded[i:i + 2] for i in range(size - 1)])
    grams.update([padded[i:i + 3] for i in range(size - 2)])
    score = [0.0] * len(m.codes)
    rows = []
    dense, sparse = m.dense.get, m.sparse.get
    n = 0
    for gram, k in grams.items():
        row = dense(gram)
        if row is not None:
            n += k
            rows.extend((row,) * k)
            continue
        entry = sparse(gram)
        if entry:
            n += k
            for col, nats in entry:
                score[col] += k * nats
    if rows:
        score = [a + b for a, b in zip(score, map(sum, zip(*rows)))]
    return score, n


def _scores(text: str, m: _Model, priors: dict[str, float],
            ngram_chars: int = NGRAM_CHARS) -> tuple[dict[str, float], int, _Script | None]:
    """Log-score of each candidate language (best column per code), evidence count, and the script."""
    text = _URL.sub(" ", text)
    script, mixed = _script_of(text, m)
    if script is None:
        return {}, 0, None
    if not script.columns:
        return {lang: 0.0 for lang in script.languages[:1]}, 1, script
    if mixed:
        text = script.other_letters.sub(" ", text)
    words = _WORD.findall(text)
    if len(script.columns) == 1:
        return {m.codes[script.columns[0]]: 0.0}, len(words), script
    from langdetect.utils.ngram import NGram
    norm = _cut(NGram.normalize_vi(text), ngram_chars).translate(m.normaliser).split()
    if sum(1 for w in norm if len(w) > 1 and w.isupper()) * 2 > len(norm):
        norm = [w.lower() for w in norm]
    else:
        norm = [w for w in norm if len(w) == 1 or not w.isupper()]
    score, n = _ngram_scores(norm, m)
    stop = m.stopwords.get
    for w in words:
        cols = stop(w.lower())
        if cols:
            n += 1
            for col in cols:
                score[col] += STOP_WEIGHT
    best: dict[str, float] = {}
    for col in script.columns:
        code = m.codes[col]
        s = score[col] + priors.get(code, 0.0)
        if s > best.get(code, -math.inf):
            best[code] = s
    return best, n, script


def _decide(best: dict[str, float], n: int) -> tuple[str, float]:
    """The top language and its posterior probability among the candidates."""
    if not best or n == 0:
        return UND
    top = max(best, key=lambda c: (best[c], c))
    z = sum(math.exp(s - best[top]) for s in best.values())
    return top, round(1.0 / z, 4)


def _priors(expected: tuple[str, ...] | None, extra: str | None = None) -> dict[str, float]:
    priors = {code: EXPECTED_PRIOR for code in (expected or ())}
    if extra:
        priors[extra] = priors.get(extra, 0.0) + LINE_PRIOR
    return priors


def detect_language(text: str, expected: tuple[str, ...] = ()) -> tuple[str, float]:
    """ISO 639-1 code and confidence of `text`; ('und', 0.0) when too short or unsure."""
    seed_langdetect()
    if not text or not text.strip():
        return UND
    best, n, _ = _scores(text[:MAX_CHARS], _model(), _priors(expected))
    return _decide(best, n)


# --- documents ----------------------------------------------------------------------------------

def _sample(body: str, limit: int = SAMPLE_CHARS) -> str:
    """At most about `limit` characters of the body: its longest paragraphs, in document order."""
    if len(body) <= limit:
        return body
    paras = [p.strip() for p in body.split("\n\n")]
    order = sorted(range(len(paras)), key=lambda i: (-len(paras[i]), i))
    chosen, size = [], 0
    for i in order:
        if size >= limit:
            break
        chosen.append(i)
        size += len(paras[i])
    text = "\n\n".join(paras[i] for i in sorted(chosen))
    return text if len(text) <= limit else _cut(text, limit)


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

def _differs(text: str, doc_language: str, m: _Model) -> bool:
    """Cheap test: letters foreign to the document's alphabet, or more stopwords of another language."""
    alphabet = m.alphabets.get(doc_language)
    if alphabet is None:
        return True
    if any(c.isalpha() and c not in alphabet for c in set(text)):
        return True
    own = m.columns[doc_language]
    hits: Counter = Counter()
    for w in _WORD.findall(text):
        cols = m.stopwords.get(w.lower())
        if cols:
            hits.update(cols)
    if not hits:
        return False
    mine = max(hits.get(c, 0) for c in own)
    return any(k >= 2 and k > mine for c, k in hits.items() if c not in own)


def tag_lines(lines: list[Line], doc_language: str, expected: tuple[str, ...] = ()) -> None:
    """Set Line.language on every non-empty line: the document's, unless a line surely differs."""
    seed_langdetect()
    m = _model()
    known = doc_language in m.alphabets
    priors = _priors(expected, doc_language if known else None)
    for line in lines:
        text = line.text
        if not text.strip():
            line.language = None
            continue
        line.language = doc_language
        if known and not _differs(text, doc_language, m):
            continue
        best, n, _ = _scores(text, m, priors)
        lang, conf = _decide(best, n)
        if lang != "und" and lang != doc_language and (conf >= LINE_MIN_CONFIDENCE or not known):
            line.language = lang
