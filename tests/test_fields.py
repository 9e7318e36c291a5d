"""Document fields: page metadata (og, JSON-LD, bylines), input dates, author/title normalisation and the merge."""
import datetime as dt
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tasks import fields as F
from tasks.records import CleanDoc

FIXTURES = Path(__file__).parent / "fixtures" / "fields"


def page(name: str) -> dict:
    return F.html_metadata(BeautifulSoup((FIXTURES / name).read_text(encoding="utf-8"), "lxml"))


def soup(html: str):
    return BeautifulSoup(html, "lxml")


# --- html_metadata -------------------------------------------------------------------------------

def test_jsonld_graph_gives_headline_author_by_id_date_section_and_site():
    md = page("yoast_graph.html")
    assert md["title"] == "Stadtrat beschließt neuen Radweg am Ufer"
    assert md["authors"] == ["Anna Beispiel"]  # resolved through the @graph @id reference
    assert md["published_at"] == "2021-03-14"
    assert md["section"] == "Lokales"
    assert md["source_name"] == "Lokalblatt Musterstadt"
    assert md["url"] == "https://www.lokalblatt-musterstadt.de/2021/03/14/stadtrat-radweg-ufer/"
    assert md["language"] == "de"
    assert set(md) <= {"title", "authors", "published_at", "source_name", "section", "url", "language"}


def test_site_name_header_h1_is_not_the_title_and_sidebar_dates_are_ignored():
    md = page("yoast_graph.html")
    assert md["title"] != "Lokalblatt Musterstadt"
    assert md["published_at"] != "2020-01-01"


def test_kicker_dropped_from_h1_and_byline_near_title_beats_site_named_author():
    md = page("kicker_byline.html")
    assert md["title"] == "Pegel in Flussheim sinkt langsam, Entwarnung noch nicht in Sicht"
    assert md["authors"] == ["Max Mustermann"]  # meta author is the site itself, comment author ignored
    assert md["published_at"] == "2022-01-27"  # only written next to the byline


def test_og_title_site_suffix_and_utc_timestamp_moved_to_publisher_zone():
    md = page("og_utc.html")
    assert md["title"] == "Council approves budget after late-night session"
    assert md["authors"] == ["JANE DOE", "John Smith"]
    # 02:25 UTC is the evening before on the US east coast, where an English .com page most likely lives
    assert md["published_at"] == "2020-02-24"


def test_outlet_named_author_gives_way_to_a_person_byline():
    html = ('<html><head><meta name="author" content="L-MAG – Das Magazin für Lesben"><title>Gedenken in Köln</title>'
            '</head><body><h1>Gedenken in Köln</h1><p>Von Claudia Lindner</p><p>27.1.2022 - Bei der Erinnerung</p>'
            '</body></html>')
    md = F.html_metadata(soup(html))
    assert md["authors"] == ["Claudia Lindner"]
    assert md["published_at"] == "2022-01-27"


def test_outlet_named_author_kept_when_nothing_better():
    html = '<html><head><meta name="author" content="TVT-Redaktion"><title>Ein Film</title></head><body></body></html>'
    assert F.html_metadata(soup(html))["authors"] == ["TVT-Redaktion"]


def test_rel_author_outside_sidebar_only():
    html = ('<html><head><title>Storm hits coast</title></head><body><h1>Storm hits coast</h1>'
            '<p class="byline">by <a rel="author" href="/a/jf">James Fallows</a></p><p>Text.</p>'
            '<div class="sidebar"><a rel="author" href="/a/mb">Molly Ball</a></div>'
            '<a rel="author" href="https://plus.google.com/123">Google+</a></body></html>')
    assert F.html_metadata(soup(html))["authors"] == ["James Fallows"]


def test_comment_bylines_are_not_authors():
    html = ('<html><head><title>Explosion levels home</title></head><body><h1>Explosion levels home</h1>'
            '<p>An early morning blast leveled a house.</p><div id="comments"><dl><dt class="author">'
            'by Passing_trucker July 24, 2012 3:06 PM EDT</dt></dl></div></body></html>')
    assert "authors" not in F.html_metadata(soup(html))


def test_blogger_post_title_author_and_published_abbr():
    md = page("blogger.html")
    assert md["title"] == "Tomaten im Februar vorziehen"  # the post title (h3), not the blog name
    assert md["authors"] == ["der Michel"]
    assert md["published_at"] == "2020-04-28"


def test_title_tag_suffix_stripped_when_it_names_the_site():
    html = ('<html><head><title>Neue Brücke eröffnet | Tagesblatt Nord</title>'
            '<meta property="og:site_name" content="Tagesblatt Nord"></head><body><p>x</p></body></html>')
    assert F.html_metadata(soup(html))["title"] == "Neue Brücke eröffnet"


def test_title_prefix_naming_the_domain_is_stripped():
    html = ('<html><head><title>DVGW e.V.: Welche Heizung ist klimafreundlich?</title>'
            '<link rel="canonical" href="https://www.dvgw.de/themen/heizung"></head><body></body></html>')
    assert F.html_metadata(soup(html))["title"] == "Welche Heizung ist klimafreundlich?"


def test_h1_confirmed_by_title_segments_wins_over_longer_title():
    html = ('<html><head><title>Chapter 1: Prologue - Murdered - Melas | Royal Road</title>'
            '<meta property="og:site_name" content="Royal Road"></head>'
            '<body><h1>Chapter 1: Prologue - Murdered</h1></body></html>')
    assert F.html_metadata(soup(html))["title"] == "Chapter 1: Prologue - Murdered"


def test_url_date_used_when_page_declares_none():
    html = '<html><head><link rel="canonical" href="https://blog.example.org/2019/10/19/a-post/"></head></html>'
    assert F.html_metadata(soup(html))["published_at"] == "2019-10-19"


@pytest.mark.parametrize("html", [
    "",
    "<html>",
    "<<<>>>&&&",
    "<meta property='og:title' content>",
    "<script type='application/ld+json'>{{{{</script>",
    "<script type='application/ld+json'>" + "[" * 500 + "]" * 500 + "</script>",
    "<div>" * 400 + "text",
    "<html lang='\x00'><h1>\ufeff</h1><time datetime='31/31/3131'>x</time>",
])
def test_odd_markup_never_raises(html):
    assert isinstance(F.html_metadata(soup(html)), dict)


def test_broken_fixture_keeps_what_is_usable():
    md = page("broken.html")
    assert "published_at" not in md  # 0001-01-01, 9999-99-99 and 31.02.2021 are all rejected
    assert "authors" not in md  # a byline class around body text is no name
    assert md["title"].startswith("Senador califica a Biden")


# --- dates ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("2016-11-09 00:00:00", dt.date(2016, 11, 9)),
    ("2019-10-19T23:30:00-05:00", dt.date(2019, 10, 19)),
    ("2019-10-19T08:00:00.000Z", dt.date(2019, 10, 19)),
    ("Sat, 19 Oct 2019 10:00:00 +0000", dt.date(2019, 10, 19)),
    ("19 October 2019", dt.date(2019, 10, 19)),
    ("Oct. 19, 2019", dt.date(2019, 10, 19)),
    ("October 19th, 2019", dt.date(2019, 10, 19)),
    ("19.10.2019", dt.date(2019, 10, 19)),
    ("19. Oktober 2019", dt.date(2019, 10, 19)),
    ("Di., 25.01.2022 - 14:45", dt.date(2022, 1, 25)),
    ("30 septembre 2018", dt.date(2018, 9, 30)),
    ("5 de mayo de 2022", dt.date(2022, 5, 5)),
    ("21 marca 2020", dt.date(2020, 3, 21)),
    ("2019年10月19日", dt.date(2019, 10, 19)),
    ("20191019", dt.date(2019, 10, 19)),
    ("1571443200", dt.date(2019, 10, 19)),
    (dt.datetime(2019, 10, 19, 12, 0), dt.date(2019, 10, 19)),
    (dt.date(2019, 10, 19), dt.date(2019, 10, 19)),
])
def test_parse_input_date_formats(value, expected):
    assert F.parse_input_date(value) == expected


@pytest.mark.parametrize("value", ["", None, "yesterday", "0001-01-01", "1850-05-01", "31.02.2021", "2019-13-01",
                                   str(dt.date.today().year + 3) + "-01-01", [], {"a": 1}, True, float("nan"),
                                   10 ** 30, "9" * 13])
def test_parse_input_date_rejects_absurd_or_invalid(value):
    assert F.parse_input_date(value) is None


def test_two_digit_years_only_this_century():
    assert F.parse_input_date("am 19.10.19 um 10 Uhr") == dt.date(2019, 10, 19)
    assert F.find_date("Version 1.2.30 released") is None


def test_slash_dates_follow_dayfirst_unless_unambiguous():
    assert F.parse_input_date("10/05/2022") == dt.date(2022, 10, 5)
    assert F.parse_input_date("10/05/2022", dayfirst=True) == dt.date(2022, 5, 10)
    assert F.parse_input_date("25/12/2021") == dt.date(2021, 12, 25)


def test_utc_stamp_shifted_by_page_zone_with_dst():
    berlin = F.page_zone("de", "https://www.example.de/x")
    assert F.stamp_date("2022-11-06T23:00:00.000Z", berlin) == dt.date(2022, 11, 7)  # CET, +1
    assert F.stamp_date("2022-07-06T22:30:00Z", berlin) == dt.date(2022, 7, 7)  # CEST, +2
    assert F.stamp_date("2022-07-06T21:30:00Z", berlin) == dt.date(2022, 7, 6)
    assert F.stamp_date("2022-07-06T23:30:00+02:00", berlin) == dt.date(2022, 7, 6)  # local time kept as written


# --- authors and titles ---------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("By Jane Doe and John Smith", ["Jane Doe", "John Smith"]),
    ("Von Max Mustermann und Erika Musterfrau", ["Max Mustermann", "Erika Musterfrau"]),
    ("Par Loïc Le Clerc", ["Loïc Le Clerc"]),
    ("Jane Doe, Staff Writer", ["Jane Doe"]),
    ("Jane Doe (jane@example.com) @janedoe", ["Jane Doe"]),
    (["Anna Beispiel", "anna beispiel", "Bernd Test"], ["Anna Beispiel", "Bernd Test"]),
    ("Glen Owen; Brendan Carlin", ["Glen Owen", "Brendan Carlin"]),
    ("admin", []),
    ("https://www.facebook.com/somepage", []),
    ("freeman1984", ["freeman1984"]),
    ("By Glen Owen And Brendan Carlin For The Mail On Sunday", ["Glen Owen", "Brendan Carlin"]),
    ("Jörg Staff", ["Jörg Staff"]),  # a surname that is also a role word stays
    ("Eingestellt von der Michel", ["der Michel"]),
    ("© Kathrin Führes", ["Kathrin Führes"]),
    ("Redaktion: Eberhard Fuhr (Pressesprecher)", ["Eberhard Fuhr"]),
    ("Obi Felten, Director of Consumer Marketing", ["Obi Felten"]),
    ("Anna Leiter", ["Anna Leiter"]),  # a role word as surname stays
    ("Google+", []),
])
def test_normalize_authors(raw, expected):
    assert F.normalize_authors(raw) == expected


def test_clean_title_strips_site_suffix_and_whitespace():
    assert F.clean_title("  Pegel sinkt \n langsam  - Kreisbote Online", "Kreisbote Online") == "Pegel sinkt langsam"
    assert F.clean_title("Sazerac - alles über den Klassiker", "watson.ch") == "Sazerac - alles über den Klassiker"
    assert F.clean_title("   ") is None


# --- resolve_fields ----------------------------------------------------------------------------------

def test_input_metadata_wins_with_origin_input():
    cleaned = CleanDoc(lines=[], body_text="", title="Text Title", published_raw="3. März 2020",
                       meta={"title": "Page Title", "published_at": "2020-03-02", "authors": ["Page Author"]})
    f = F.resolve_fields({"title": "Input Title", "published_at": "2020-03-01 00:00:00", "authors": ["By In Put"]},
                         cleaned)
    assert (f["title"], f["authors"]) == ("Input Title", ["In Put"])
    assert (f["published_at"], f["published_at_origin"]) == (dt.date(2020, 3, 1), "input")


def test_page_metadata_then_text_with_origin_text():
    cleaned = CleanDoc(lines=[], body_text="", title="Text Title", published_raw="3. März 2020",
                       meta={"title": "Page Title", "published_at": "2020-03-02", "source_name": "Blatt"})
    f = F.resolve_fields({}, cleaned)
    assert (f["title"], f["source_name"]) == ("Page Title", "Blatt")
    assert (f["published_at"], f["published_at_origin"]) == (dt.date(2020, 3, 2), "text")
    f = F.resolve_fields({}, CleanDoc(lines=[], body_text="", title="Text Title", published_raw="3. März 2020"))
    assert (f["title"], f["published_at"], f["published_at_origin"]) == ("Text Title", dt.date(2020, 3, 3), "text")


def test_odd_input_values_never_raise():
    f = F.resolve_fields({"title": ["x"], "authors": {"a": 1}, "published_at": float("inf"), "url": 5},
                         CleanDoc(lines=[], body_text="", authors=["By"], meta={"authors": "Von ", "title": None}))
    assert f["title"] is None and f["authors"] == [] and f["published_at"] is None


def test_nothing_known_gives_nones():
    f = F.resolve_fields({}, CleanDoc(lines=[], body_text=""))
    assert f == {"title": None, "authors": [], "section": None, "source_name": None, "url": None,
                 "published_at": None, "published_at_origin": None}
