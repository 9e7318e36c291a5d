"""Property tests: arbitrary unicode and HTML never make clean or extract raise; entity offsets always hold."""
import datetime as dt

from hypothesis import HealthCheck, given, settings, strategies as st

from tasks import clean, extract
from tasks.records import Document, RawDoc

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=400)
WORDS = st.lists(st.sampled_from(["Putin", "met", "Guterres", "in", "Moscow", "on", "Tuesday", "April", "26",
                                  "the", "UN", "chief", "President", "said", ".", ",", "\n", "\n\n", "Mr",
                                  "Kyiv", "2022", "visit", "talks", "«", "Зеленский", "–", "(AP Photo)"]),
                 max_size=80).map(" ".join)
TAGS = st.sampled_from(["p", "div", "span", "h1", "nav", "script", "a", "li", "ul", "table", "td", "br", "aside"])


@st.composite
def html_pages(draw):
    parts = []
    for _ in range(draw(st.integers(0, 25))):
        tag = draw(TAGS)
        body = draw(st.one_of(TEXT, WORDS))
        closed = draw(st.booleans())
        parts.append(f"<{tag}>{body}" + (f"</{tag}>" if closed else ""))
    return "<html><head><title>" + draw(TEXT) + "</title></head><body>" + "".join(parts)


FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.one_of(TEXT, WORDS))
def test_clean_never_raises_on_arbitrary_text(text):
    cleaned = clean.clean_document(RawDoc("d", "x.txt", "text", text))
    assert all(line.kind for line in cleaned.lines)
    assert isinstance(cleaned.body_text, str)


@FAST
@given(html_pages())
def test_clean_never_raises_on_arbitrary_html(page):
    cleaned = clean.clean_document(RawDoc("d", "x.html", "html", page))
    assert isinstance(cleaned.body_text, str)


def _doc(body, published=None):
    return Document("d", "x.txt", None, None, "A title", [], None, published, None, "en", 0.9, body, 1, 1, "r")


@FAST
@given(st.one_of(TEXT, WORDS), st.one_of(st.none(), st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31))))
def test_extract_offsets_always_point_at_the_entity_text(body, published):
    ext = extract.extract_document(_doc(body, published))
    for e in ext.entities:
        assert body[e["char_start"]:e["char_end"]] == e["text"]
    assert sum(1 for c in ext.candidates if c.get("is_main")) == (1 if ext.candidates else 0)
