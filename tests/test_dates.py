"""Date expressions kept raw, resolved against the publication date, and the date inferred when missing."""
import datetime as dt

from tasks import dates as D

FRIDAY = dt.date(2022, 4, 22)


def resolved(text: str, ref=FRIDAY) -> list[tuple[str, dt.date | None, str | None]]:
    out = []
    for x in D.find_dates(text):
        D.resolve(x, ref, D.is_future(text))
        out.append((x.text, x.date, x.precision))
    return out


def test_weekday_with_date_and_raw_text_kept():
    assert resolved("The pair will hold talks at the Kremlin in Moscow on Tuesday April 26.") == [
        ("on Tuesday April 26", dt.date(2022, 4, 26), "day")]


def test_bare_weekday_follows_the_tense():
    assert resolved("Guterres will head Thursday to Ukraine.") == [("Thursday", dt.date(2022, 4, 28), "day")]
    assert resolved("Guterres appealed Tuesday for a pause.") == [("Tuesday", dt.date(2022, 4, 19), "day")]
    assert resolved("Trump met Obama on Friday.") == [("on Friday", FRIDAY, "day")]


def test_month_day_without_year_takes_the_publication_year():
    assert resolved("Russia launched the invasion on February 24.") == [("on February 24", dt.date(2022, 2, 24), "day")]
    # a past December seen in January belongs to the year before
    assert resolved("The talks ended on December 30.", dt.date(2023, 1, 5))[0][1] == dt.date(2022, 12, 30)


def test_relative_expressions():
    got = dict((t, (d, p)) for t, d, p in resolved(
        "Last month, Zelenskyy told the council. It began two months ago. Yesterday officials met. Earlier this week"))
    assert got["Last month"] == (dt.date(2022, 3, 1), "month")
    assert got["two months ago"] == (dt.date(2022, 2, 1), "month")
    assert got["Yesterday"] == (dt.date(2022, 4, 21), "day")
    assert got["Earlier this week"] == (None, None)


def test_explicit_dates_need_no_reference():
    got = resolved("Ban Ki-moon went to Moscow in March 2014, and on Tuesday, April 5, 2022 and in 2019.", ref=None)
    assert ("March 2014", dt.date(2014, 3, 1), "month") in got
    assert ("on Tuesday, April 5, 2022", dt.date(2022, 4, 5), "day") in got
    assert ("2019", dt.date(2019, 1, 1), "year") in got


def test_numbers_that_are_not_years_or_dates():
    assert resolved("It cut 400g bars to 360g and 2,000 marchers walked 2022km; a 2016-17 season.") == []
    assert resolved("Some 60 excavators were used.") == []


def test_times_resolve_to_the_publication_day():
    assert resolved("The tram derailed at around 6am.") == [("at around 6am", FRIDAY, "day")]
    assert resolved("The attack happened at around 11:30pm local time.")[0][0] == "at around 11:30pm local time"


def test_infer_year_from_weekday_consistency():
    exprs = D.find_dates("The pair will hold talks on Tuesday April 26.")
    assert D.infer_published(exprs, [True], today=dt.date(2026, 1, 1)) == dt.date(2022, 4, 25)
    # a year mentioned earlier pushes the choice to the first fitting year after it
    exprs = D.find_dates("In 2012 they met. They meet again on Tuesday April 26.")
    assert D.infer_published(exprs, [False, True], today=dt.date(2026, 1, 1)) == dt.date(2016, 4, 25)


def test_infer_from_full_dates_and_nothing_from_bare_weekdays():
    exprs = D.find_dates("The letter was sent on November 8, 2016, and published on Nov. 9, 2016.")
    assert D.infer_published(exprs, [False, False]) == dt.date(2016, 11, 9)
    assert D.infer_published(D.find_dates("He will arrive on Thursday."), [True]) is None


def test_infer_date_gives_precision_and_origin():
    today = dt.date(2026, 1, 1)
    text = "WASHINGTON, April 28, 2009 - The rule was revoked. It had been adopted on December 11, 2008."
    got = D.infer_date(D.find_dates(text), [False, False], today, text)
    assert got == D.InferredDate(dt.date(2009, 4, 28), "day", "dateline")
    text = "The quake struck in October 2009, the worst since 2004."
    got = D.infer_date(D.find_dates(text), [False, False], today, text)
    assert got == D.InferredDate(dt.date(2009, 10, 1), "month", "month and year")


def test_background_and_future_years_are_never_the_story_date():
    today = dt.date(2026, 1, 1)
    text = "He has played for the club since 2005. The final was won in 2008. A rematch is planned."
    exprs = D.find_dates(text)
    assert D.is_background(text, exprs[0]) and not D.is_background(text, exprs[1])
    assert D.infer_date(exprs, [False, False], today, text).date == dt.date(2008, 1, 1)
    text = "The tournament was first held back in 2001. It will return in 2030."
    exprs = D.find_dates(text)
    assert D.infer_date(exprs, [False, True], today, text) is None
    assert D.infer_date(D.find_dates("Nothing dated here."), [], today) is None
