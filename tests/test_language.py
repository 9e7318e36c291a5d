"""Language stage: document language, per-line languages, script narrowing, priors and determinism."""
import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tasks import language as L
from tasks.records import Line

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "language"
VIETNAM_SEED = ROOT / "seeds" / "articles" / "004_f7a9bae844b7ff95.txt"


def sentences() -> list[tuple[str, str]]:
    with open(FIXTURES / "sentences.tsv", encoding="utf-8", newline="") as f:
        return [(r["language"], r["text"]) for r in csv.DictReader(f, delimiter="\t")]


def text_lines(text: str) -> list[Line]:
    """Lines of a fixture: blank lines 'empty', everything else 'body' (the clean stage is not under test)."""
    return [Line(no, t, "body" if t.strip() else "empty", bool(t.strip()))
            for no, t in enumerate(text.split("\n"), 1)]


def tagged(name: str) -> tuple[str, dict[str, str]]:
    """Document language of a fixture and the language tagged on each of its non-empty lines."""
    lines = text_lines((FIXTURES / name).read_text(encoding="utf-8"))
    body = "\n\n".join(l.text for l in lines if l.kept)
    lang, _ = L.document_language(body, None, lines)
    L.tag_lines(lines, lang)
    return lang, {l.text: l.language for l in lines if l.text.strip()}


# --- seeding and determinism --------------------------------------------------------------------

def test_every_public_function_seeds_langdetect():
    from langdetect import DetectorFactory
    L._seeded = False
    DetectorFactory.seed = None
    L.detect_language("The minister said the talks would resume.")
    assert DetectorFactory.seed == 0
    for call in (lambda: L.document_language("", "Title", []), lambda: L.tag_lines([], "en")):
        L._seeded = False
        DetectorFactory.seed = None
        call()
        assert DetectorFactory.seed == 0


_PROBE = """
import csv, json, sys
sys.path.insert(0, %(root)r)
from tasks import language as L
from tasks.records import Line
rows = list(csv.DictReader(open(%(tsv)r, encoding="utf-8"), delimiter="\\t"))
out = [L.detect_language(r["text"]) for r in rows]
out += [L.detect_language(w) for w in ("store forhold", "politiet", "hotel", "real madrid", "浙江")]
lines = [Line(i, t, "body", True) for i, t in enumerate(open(%(seed)r, encoding="utf-8").read().split("\\n"), 1)]
lang = L.document_language("\\n\\n".join(l.text for l in lines[2:]), None, lines)
L.tag_lines(lines, lang[0])
out += [lang, [l.language for l in lines]]
print(json.dumps(out))
"""


def test_two_processes_give_identical_languages_and_confidences():
    code = _PROBE % {"root": str(ROOT), "tsv": str(FIXTURES / "sentences.tsv"), "seed": str(VIETNAM_SEED)}
    procs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONHASHSEED": hash_seed})
             for hash_seed in ("1", "2")]  # set and dict orders differ between the two processes
    runs = []
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0
        runs.append(json.loads(out))
    assert runs[0] == runs[1]
    assert runs[0][-2][0] == "en"


def test_repeated_calls_in_one_process_agree():
    texts = [t for _, t in sentences()] + ["store forhold", "Han er glad", "i dag"]
    assert [L.detect_language(t) for t in texts] == [L.detect_language(t) for t in texts]


# --- detection ----------------------------------------------------------------------------------

@pytest.mark.parametrize("lang,text", sentences())
def test_one_sentence_in_each_language(lang, text):
    got, conf = L.detect_language(text)
    assert got == lang
    assert 0.5 < conf <= 1.0


@pytest.mark.parametrize("text", ["", "   \n\t", "!!! ??? ...", "12345 678", "— – —", "a", "https://example.com/a/b"])
def test_no_letters_no_answer(text):
    assert L.detect_language(text) == ("und", 0.0)


def test_empty_document_is_und():
    assert L.document_language("", None, []) == ("und", 0.0)
    assert L.document_language("  ", "", [Line(1, "***", "other", False)]) == ("und", 0.0)


@pytest.mark.parametrize("text,lang", [
    ("Москва", "ru"), ("Україна", "uk"), ("Αθήνα", "el"), ("서울", "ko"), ("ソニー", "ja"),
    ("浙江", "zh"), ("東京の天気", "ja"), ("नई दिल्ली", "hi"), ("กรุงเทพ", "th"), ("תל אביב", "he"),
])
def test_script_narrows_the_candidates_of_short_words(text, lang):
    assert L.detect_language(text)[0] == lang


def test_cyrillic_languages_are_told_apart_by_their_letters():
    assert L.detect_language("Київ і Львів")[0] == "uk"  # і, ї, є are Ukrainian
    assert L.detect_language("съюз")[0] == "bg"  # ъ inside a word is Bulgarian
    assert L.detect_language("подъезд был закрыт")[0] == "ru"


def test_non_latin_text_wins_over_latin_boilerplate_around_it():
    text = ("Home / Author Archives: Editor (page 12) "
            "یہ بات سنہ 2005 کی ہے جب جنرل پرویز مشرف ہندوستان آئے تھے اور انھوں نے اس وقت")
    assert L.detect_language(text)[0] == "ur"


def test_a_foreign_name_does_not_change_an_english_paragraph():
    text = ("The president met Vladimir Putin (Владимир Путин) in Moscow on Friday and said the two "
            "countries would keep talking about energy, trade and the war in the region.")
    assert L.detect_language(text)[0] == "en"


# --- expected languages -------------------------------------------------------------------------

def test_expected_languages_decide_between_close_languages():
    assert L.detect_language("Han er glad", ("no",))[0] == "no"
    assert L.detect_language("Han er glad", ("da",))[0] == "da"
    assert L.detect_language("bilen er ny", ("da",))[0] == "da"


def test_expected_languages_do_not_overrule_clear_evidence():
    ru = dict((l, t) for l, t in sentences())["ru"]
    fr = dict((l, t) for l, t in sentences())["fr"]
    assert L.detect_language(ru, ("en", "de"))[0] == "ru"
    assert L.detect_language(fr, ("en", "de"))[0] == "fr"


# --- documents ----------------------------------------------------------------------------------

def test_document_language_reads_the_body_not_the_junk():
    lines = [Line(1, "Home | News | Sport | Weather | Login", "nav", False),
             Line(2, "Die Stadt will zwei neue Radwege am Ufer bauen, teilte der Bürgermeister mit.", "body", True)]
    assert L.document_language(lines[1].text, "Home", lines)[0] == "de"


def test_one_line_document_falls_back_to_title_then_lines():
    assert L.document_language("", "Le gouvernement annonce une hausse du salaire minimum", [])[0] == "fr"
    lines = [Line(1, "unterstützung finden", "title", False)]
    assert L.document_language("", None, lines)[0] == "de"


def test_long_body_is_judged_on_a_bounded_sample():
    en = dict(sentences())["en"]
    body = "\n\n".join([en] * 80)
    assert len(L._sample(body)) <= L.SAMPLE_CHARS + 40
    assert L.document_language(body, None, [])[0] == "en"


# --- lines --------------------------------------------------------------------------------------

def test_vietnam_seed_first_line_is_vietnamese_in_an_english_document():
    lines = text_lines(VIETNAM_SEED.read_text(encoding="utf-8"))
    assert lines[0].text == "Thế Giới"
    body = "\n\n".join(l.text for l in lines[1:] if l.kept)
    lang, conf = L.document_language(body, None, lines)
    L.tag_lines(lines, lang)
    assert (lang, lines[0].language) == ("en", "vi")
    assert conf > 0.9
    assert {l.language for l in lines[1:] if l.text.strip()} == {"en"}
    assert all(l.language is None for l in lines if not l.text.strip())


def test_vietnam_seed_through_the_clean_stage():
    from tasks.clean import clean_document
    from tasks.records import RawDoc
    cleaned = clean_document(RawDoc("d", str(VIETNAM_SEED), "text", VIETNAM_SEED.read_text(encoding="utf-8")))
    lang, _ = L.document_language(cleaned.body_text, cleaned.title, cleaned.lines)
    L.tag_lines(cleaned.lines, lang)
    assert lang == "en"
    assert cleaned.lines[0].language == "vi"


def test_mixed_english_document_tags_only_the_lines_that_differ():
    lang, by_text = tagged("mixed_en.txt")
    assert lang == "en"
    langs = list(by_text.values())
    assert langs[0] == "vi"  # Thế Giới
    assert [by_text[t] for t in by_text if t.startswith("«")] == ["ru"]
    assert [by_text[t] for t in by_text if t.startswith("Die Regierung")] == ["de"]
    assert [by_text[t] for t in by_text if t.startswith("Le ministre")] == ["fr"]
    assert [by_text[t] for t in by_text if t.startswith("Team:")] == ["en"]  # names are no language
    assert sum(1 for v in langs if v == "en") == 4


def test_english_junk_line_in_a_german_document():
    lang, by_text = tagged("mixed_de.txt")
    assert lang == "de"
    assert [v for t, v in by_text.items() if t.startswith("Sign up")] == ["en"]
    assert sum(1 for v in by_text.values() if v == "de") == 3


def test_short_english_headlines_stay_english():
    lines = [Line(i, t, "title", False) for i, t in enumerate([
        "Virus poses as Christmas e-mail", "Internet boom for gift shopping", "Deutsche Telekom sees mobile gain",
        "Tsunami 'to hit Sri Lanka banks'", "Stade de France, Paris", "Man Utd v Exeter"], 1)]
    L.tag_lines(lines, "en")
    assert [l.language for l in lines] == ["en"] * len(lines)


def test_lines_of_an_undetermined_document_get_their_own_language():
    lines = [Line(1, "Правительство объявило во вторник", "body", True), Line(2, "", "empty", False)]
    L.tag_lines(lines, "und")
    assert [l.language for l in lines] == ["ru", None]


def test_expected_language_tags_are_normalised():
    assert L.detect_language("bilen er ny", ("nb-NO",))[0] == "no"
    assert L.detect_language("bilen er ny", ("DA",))[0] == "da"
