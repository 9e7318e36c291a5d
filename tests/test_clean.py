"""The clean stage on real articles: line kinds, headline, byline, captions, boilerplate, JSON bodies."""
from pathlib import Path

import pytest

from tasks.clean import KINDS, byline_names, clean_document, match_phrase, source_key
from tasks.templates import boilerplate_sets
from tasks.config import ARTICLES_DIR
from tasks.records import RawDoc

FIXTURES = Path(__file__).parent / "fixtures" / "clean"


def seed(prefix: str):
    path = next(ARTICLES_DIR.glob(prefix + "_*.txt"))
    return clean_document(RawDoc(path.stem, str(path), "text", path.read_text(encoding="utf-8")))


def by_no(cleaned):
    return {line.line_no: line for line in cleaned.lines}


# (seed, line_no, expected kind or None for "any junk kind", kept)
SEED_LINES = [
    ("000", 1, None, False), ("000", 3, None, False), ("000", 5, "title", False), ("000", 7, "body", True),
    ("000", 9, "title", False), ("000", 10, "title", False), ("000", 18, None, True), ("000", 26, "ad", False),
    ("001", 1, "nav", False), ("001", 3, None, False), ("001", 5, "title", False), ("001", 7, "caption", False),
    ("001", 9, "body", True), ("001", 13, "related", False), ("001", 40, None, False),
    ("002", 1, "title", False), ("002", 21, "related", False), ("002", 23, "body", True),
    ("002", 34, "comment", False), ("002", 36, "comment", False),
    ("003", 1, "subscribe", False), ("003", 5, None, False), ("003", 7, None, False), ("003", 8, "byline", False),
    ("003", 10, "title", False), ("003", 12, "caption", False), ("003", 14, "credit", False),
    ("003", 16, "body", True), ("003", 28, "caption", False), ("003", 44, "subscribe", False),
    ("003", 47, "related", False), ("003", 53, "promo", False), ("003", 55, None, False),
    ("004", 1, None, False), ("004", 3, "title", False), ("004", 5, "caption", False), ("004", 7, "caption", False),
    ("004", 9, "body", True), ("004", 33, None, False), ("004", 36, "nav", False),
]


@pytest.mark.parametrize("prefix,line_no,kind,kept", SEED_LINES)
def test_seed_line_labels(prefix, line_no, kind, kept):
    line = by_no(seed(prefix))[line_no]
    assert line.kept is kept
    if kind is not None:
        assert line.kind == kind
    if not kept:
        assert line.kind not in ("body", "heading") and line.reason


def test_every_line_is_audited_with_its_number():
    path = next(ARTICLES_DIR.glob("001_*.txt"))
    text = path.read_text(encoding="utf-8")
    cleaned = clean_document(RawDoc("d", str(path), "text", text))
    assert [line.line_no for line in cleaned.lines] == list(range(1, len(text.split("\n")) + 1))
    assert {line.kind for line in cleaned.lines} <= set(KINDS)
    for line in cleaned.lines:
        assert line.kept == (line.kind in ("body", "heading"))
        assert line.kind in ("body", "heading", "empty") or line.reason


def test_evening_standard_header_gives_source_section_author():
    cleaned = seed("003")
    assert cleaned.title == "UN Secretary General to visit Moscow next week to meet with Vladimir Putin"
    assert cleaned.source_name == "Evening Standard"
    assert cleaned.section == "World"
    assert cleaned.authors == ["Elly Blake"]


def test_body_text_is_paragraphs_without_title_or_junk():
    cleaned = seed("003")
    paragraphs = cleaned.body_text.split("\n\n")
    assert paragraphs[0].startswith("UN Secretary General Antonio Guterres is due to meet")
    assert paragraphs[-1].startswith("Both Moldova and separatist authorities")
    assert cleaned.title not in cleaned.body_text
    for junk in ("Getty Images", "Sign up to read", "Download the app", "Related Stories"):
        assert junk not in cleaned.body_text


def test_repeated_headline_is_dropped():
    lines = by_no(seed("000"))
    assert lines[9].reason == "repeat of title" and not lines[9].kept
    assert "Amid Ukraine War" not in seed("000").body_text


def test_lynx_dump_blog_post():
    text = (FIXTURES / "lynx_blog.txt").read_text(encoding="utf-8")
    cleaned = clean_document(RawDoc("b", "x/lynx_blog.txt", "text", text))
    lines = by_no(cleaned)
    assert cleaned.title == "Council approves new ferry terminal after two-year delay"
    assert cleaned.authors == ["Maria Jensen", "Tom Hale"]
    assert cleaned.published_raw == "March 4, 2024"
    assert lines[4].kind == "nav" and lines[8].kind == "nav"  # menu bullet, search form
    assert lines[15].kind == "nav" and lines[17].kind == "share"
    assert lines[25].kind == "heading" and lines[25].kept
    assert lines[32].kind == "nav" and lines[31].kind == "related"
    assert lines[37].kind == "comment" and lines[40].kind == "comment"  # reader comments after '3 Comments'
    assert lines[43].kind == "footer"
    assert cleaned.body_text.startswith("The harbour council on Monday approved")
    assert cleaned.body_text.endswith('said one trader.')
    assert "Posted by" not in cleaned.body_text and "character" not in cleaned.body_text


@pytest.mark.parametrize("text,kind", [
    ("(AP Photo/John Minchillo, File)", "credit"),
    ("(Picture: AFP via Getty Images)", "credit"),
    ("Volodymyr Zelensky and Antonio Guterres in 2019 (AFP via Getty Images)", "caption"),
    ("United Nations Secretary-General Antonio Guterres – Photo: REUTERS", "caption"),
    ("United Nations Secretary-General visits Russia, Ukraine - Photo 1.", "caption"),
    ("FILE - A ship leaves the port of Odesa, Ukraine, Aug. 19, 2022. (AP Photo/Nina Lyashonok, File)", "caption"),
    ("Skip to main content", "nav"),
    ("Lesen Sie auch: Die wichtigsten Fakten", "related"),
    ("Abonnez-vous pour lire la suite", "subscribe"),
    ("Leave a Reply", "comment"),
    ("Читайте также", "related"),
    ("52º", "other"),
])
def test_phrase_families_and_caption_shapes(text, kind):
    hit = match_phrase(text)
    assert hit is not None and hit[0] == kind


def test_plain_sentences_match_no_junk_family():
    for text in ("The council said the ferry terminal would open next year.",
                 "Sign language interpreters were present at the meeting.",
                 "Homeowners near the harbour said they were relieved."):
        assert match_phrase(text) is None


def test_byline_names():
    assert byline_names("By Jane Doe and John Roe | 2 May 2021") == ["Jane Doe", "John Roe"]
    assert byline_names("By Adrian Shaw 18/01/2008") == ["Adrian Shaw"]
    assert byline_names("By Tobin Harshaw, Staff Writer") == ["Tobin Harshaw"]
    assert byline_names("Bystanders said the fire spread quickly.") == []


def _doc(i: int, body: str, directory: str = "site") -> RawDoc:
    text = "Harbour Town Gazette\n\nStory number %d about the harbour\n\n%s\n\nRead our sister paper Coast Weekly\n" % (i, body)
    return RawDoc("d%d" % i, "%s/a%d.txt" % (directory, i), "text", text)


def test_boilerplate_learning_marks_recurring_lines():
    bodies = ["The council met on Monday and approved the plan for the terminal after a long debate among members.",
              "Fishermen said the new quay would help them land larger catches during the busy winter season.",
              "The ferry operator said fares would not rise this year despite the higher cost of fuel and wages.",
              "A new bus line will link the station with the harbour from June, the transport office announced."]
    raws = [_doc(i, b) for i, b in enumerate(bodies)]
    learned = boilerplate_sets(raws)
    key = source_key(raws[0])
    assert "read our sister paper coast weekly" in learned[key]
    assert not any("council met" in line for line in learned[key])
    cleaned = clean_document(raws[0], learned[key])
    sister = next(line for line in cleaned.lines if line.text.startswith("Read our sister"))
    assert not sister.kept and sister.reason.startswith("boilerplate: recurs")
    assert "council met on Monday" in cleaned.body_text


def test_boilerplate_needs_several_documents_of_one_source():
    raws = [_doc(0, "One story body sentence that is long enough."), _doc(1, "Another story.", "other")]
    assert boilerplate_sets(raws) == {}


def test_json_body_lines_are_kept_except_junk():
    text = ("The council approved the terminal on Monday.\n\nWork starts in the autumn.\n\n"
            "Advertisement\n\nTraders welcomed the decision.")
    cleaned = clean_document(RawDoc("j", "x.json", "json", text, {"title": "Council approves terminal"}))
    assert [line.line_no for line in cleaned.lines] == list(range(1, 8))
    assert cleaned.body_text == ("The council approved the terminal on Monday.\n\nWork starts in the autumn.\n\n"
                                 "Traders welcomed the decision.")
    assert by_no(cleaned)[5].kind == "ad"


def test_json_body_headline_and_byline_lines():
    text = "Council approves terminal\n\nBy Jane Doe\n\nThe council approved the terminal on Monday."
    cleaned = clean_document(RawDoc("j", "x.json", "json", text, {"title": "Council approves terminal"}))
    assert [line.kind for line in cleaned.lines] == ["title", "empty", "byline", "empty", "body"]
    assert cleaned.authors == ["Jane Doe"]
    assert cleaned.body_text == "The council approved the terminal on Monday."


def test_input_title_marks_its_line():
    text = "Home\n\nCouncil approves terminal\n\nThe council approved the new ferry terminal on Monday after a long and heated debate about its cost."
    cleaned = clean_document(RawDoc("t", "x.txt", "text", text, {"title": "Council approves terminal"}))
    assert by_no(cleaned)[3].kind == "title"
    assert cleaned.body_text.startswith("The council approved")


def test_short_menu_lines_are_a_menu_run():
    text = ("World\nBusiness\nCulture\nTravel\n\n" +
            "The council approved the new ferry terminal on Monday after a long and heated debate about its cost "
            "and about the future of the old fish market next to the quay.\n")
    lines = by_no(clean_document(RawDoc("m", "x.txt", "text", text)))
    assert all(lines[n].reason.startswith("nav: menu run") for n in (1, 2, 3))
    assert all("model p=" in lines[n].reason for n in (1, 2, 3))  # the classifier's explanation is audited
    assert lines[6].kept
