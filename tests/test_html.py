"""HTML pages: structural pruning, blocks in document order, page metadata, pathological markup."""
from pathlib import Path

import pytest

from tasks import clean
from tasks.clean import clean_document
from tasks.html import blocks, parse
from tasks.records import RawDoc

PAGE = (Path(__file__).parent / "fixtures" / "clean" / "article_page.html").read_text(encoding="utf-8")


def page_doc():
    return clean_document(RawDoc("h", "x/article_page.html", "html", PAGE))


def test_article_body_survives_and_furniture_is_pruned():
    cleaned = page_doc()
    assert cleaned.body_text.split("\n\n") == [
        "The harbour council on Monday approved plans for a new ferry terminal, ending a two-year dispute "
        "over the cost of the project and its effect on the old fish market.",
        "Councillors voted nine to four in favour of the scheme, which will replace the current terminal "
        "building with a larger hall and a covered walkway to the town centre.",
        "Work is expected to begin in the autumn and to last about eighteen months, the council said in a "
        "statement after the meeting.",
    ]


def test_blocks_carry_kinds_and_reasons():
    kinds = {line.text: (line.kind, line.reason) for line in page_doc().lines}
    assert kinds["News"][0] == "nav"
    assert kinds["Council approves new ferry terminal"][0] == "title"
    assert kinds["By Maria Jensen"][0] == "byline"
    assert kinds["The current terminal building in 2023. (Photo: Harbour Town Gazette)"][0] == "caption"
    assert kinds["Advertisement"][0] == "ad"
    assert kinds["Facebook Twitter Email"][0] == "share"
    assert kinds["Fish market to get new roof"][0] == "related"
    assert kinds["Leave a Reply"][0] == "comment"
    assert kinds["© 2024 Harbour Town Gazette. All rights reserved."][0] == "footer"
    assert not any("tracking" in text for text in kinds)  # script text never becomes a block
    assert all(reason for kind, reason in kinds.values() if kind not in ("body", "heading"))


def test_blocks_are_numbered_in_document_order():
    lines = page_doc().lines
    assert [line.line_no for line in lines] == list(range(1, len(lines) + 1))
    texts = [line.text for line in lines]
    assert texts.index("Council approves new ferry terminal") < texts.index("Privacy policy")


def test_page_metadata_lands_in_meta_and_title():
    cleaned = page_doc()
    assert cleaned.meta.get("title") == "Council approves new ferry terminal"
    assert cleaned.title == "Council approves new ferry terminal"
    assert cleaned.authors == ["Maria Jensen"]


def test_link_density_is_measured():
    b = blocks(parse("<div><p>Read <a href='#'>this story</a> now</p></div>"))
    assert b[0].text == "Read this story now" and b[0].link_chars == len("this story")


def test_open_title_tag_swallowing_the_page_is_unwrapped():
    html = ("<html><head><title>Broken</titl></head><body><p>" +
            "The council approved the ferry terminal on Monday after a long debate. " * 8 + "</p></body></html>")
    assert "council approved" in clean_document(RawDoc("t", "t.html", "html", html)).body_text


SENTENCE = "The council approved the ferry terminal on Monday after a long and heated debate. "


@pytest.mark.parametrize("html", [
    "<html><body>" + "<div>" * 3000 + "<p>" + SENTENCE * 4 + "</p>" + "</div>" * 3000 + "</body></html>",
    "<html><body>" + "<div><span><b>" * 2000 + SENTENCE * 4,
    "<html><head><title>Cut</title></head><body><p>" + SENTENCE * 4 + "and then the page was cut off in the midd",
    "<html><body><p>" + SENTENCE * 5000 + "</p></body></html>",
    "",
    "<<<>>><!-- <![CDATA[ x",
    "\x00\x01<p>\udcff odd bytes</p>",
])
def test_pathological_html_never_raises(html):
    cleaned = clean_document(RawDoc("p", "p.html", "html", html))
    assert isinstance(cleaned.body_text, str)
    if SENTENCE.strip() in html:
        assert SENTENCE.strip() in cleaned.body_text


def test_too_many_tags_fall_back_to_tag_stripping(monkeypatch):
    monkeypatch.setattr(clean, "MAX_HTML_TAGS", 100)
    html = "<html><body>" + "<div>" * 200 + "<p>" + SENTENCE * 4 + "</p>" + "</div>" * 200 + "</body></html>"
    cleaned = clean_document(RawDoc("p", "p.html", "html", html))
    assert cleaned.meta.get("fallback") and SENTENCE.strip() in cleaned.body_text


def test_boilerplate_is_learned_from_pages_like_their_blocks():
    from tasks.clean import source_key
    from tasks.templates import boilerplate_sets
    pages = [RawDoc("p%d" % i, "site/p%d.html" % i, "html",
                    "<html><body><div class='promo-box'>Get <b>our</b> weekly digest</div><p>Story %d: %s</p></body></html>"
                    % (i, SENTENCE)) for i in range(4)]
    learned = boilerplate_sets(pages)[source_key(pages[0])]
    assert "get our weekly digest" in learned
    cleaned = clean_document(pages[0], learned)
    digest = next(line for line in cleaned.lines if line.text == "Get our weekly digest")
    assert not digest.kept and digest.reason.startswith("boilerplate")


def test_category_slugs_in_class_names_do_not_prune_the_article():
    html = ("<html><body><nav><a href='/'>Home</a></nav>"
            "<div class='post category-social-media tag-comments'><h1>Police use Facebook</h1>"
            "<p>" + SENTENCE * 3 + "</p><p>" + SENTENCE * 2 + "</p></div>"
            "<div class='sidebar'><p>" + "Other story teaser text that is long enough to look like prose. " * 5 + "</p></div>"
            "</body></html>")
    cleaned = clean_document(RawDoc("s", "s.html", "html", html))
    assert cleaned.body_text.count(SENTENCE.strip()) == 5
    assert "teaser" not in cleaned.body_text
