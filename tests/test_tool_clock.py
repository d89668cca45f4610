"""The clock and calendar tools (core/tools/clock.py) at fixed clocks, against the real tz
database through zoneinfo; the local zone is set with TZ and time.tzset where a test needs a
known one."""

from __future__ import annotations

import json
import os
import re
import time
import zoneinfo
from datetime import date, datetime, timedelta

import pytest

from jarvis_desktop.core.persona import spoken_clock
from jarvis_desktop.core.skills import format_number
from jarvis_desktop.core.tools.base import Context, ToolFailed, ToolResult
from jarvis_desktop.core.tools.clock import CITY_ALIASES, TOOLS, easter, find_zone, parse_date

TOOL = {t.name: t for t in TOOLS}
THURSDAY = datetime(2026, 11, 26, 14, 5)


def run(name: str, args: dict | None = None, now: datetime = THURSDAY, honorific: str = "sir") -> ToolResult:
    return TOOL[name].run(args or {}, Context(honorific, now))


@pytest.fixture
def local_zone():
    """Sets the process's local zone (what a naive ``astimezone()`` uses); restores it after."""
    saved = os.environ.get("TZ")

    def use(key: str) -> None:
        os.environ["TZ"] = key
        time.tzset()

    yield use
    if saved is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = saved
    time.tzset()


# -- time and date ----------------------------------------------------------------------------

def test_time_now_reads_the_context_clock():
    assert run("time_now").reply == "It's 2:05 pm, sir."
    assert run("time_now", now=datetime(1999, 12, 31, 12, 0), honorific="madam").reply == "It's noon, madam."
    assert run("time_now", now=datetime(2026, 1, 1, 0, 0)).reply == "It's midnight, sir."


def test_date_today_has_weekday_and_year():
    result = run("date_today")
    assert result.reply == "It's Thursday the 26th of November, 2026, sir."
    assert result.data["date"] == "2026-11-26" and result.data["weekday"] == "Thursday"


# -- weekday ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("2026-12-25", date(2026, 12, 25)),
    ("1969-07-20", date(1969, 7, 20)),
    ("2000-01-01", date(2000, 1, 1)),
    ("12-25", date(2026, 12, 25)),   # still to come this year
    ("01-01", date(2027, 1, 1)),     # gone this year: next year's
    ("11-26", date(2026, 11, 26)),   # today is the next such day
    ("02-29", date(2028, 2, 29)),    # 2026 and 2027 have none: the next leap year
    ("7-4", date(2027, 7, 4)),
])
def test_weekday_of_known_dates(text, expected):
    result = run("weekday", {"date": text})
    day = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")[expected.weekday()]
    assert result.data["date"] == expected.isoformat()
    assert result.reply.endswith(f" a {day}, sir.")
    assert (" was " in result.reply) == (expected < THURSDAY.date())
    assert (str(expected.year) in result.reply) == (expected.year != 2026)


def test_weekday_phrasing():
    assert run("weekday", {"date": "2026-12-25"}).reply == "The 25th of December is a Friday, sir."
    assert run("weekday", {"date": "1969-07-20"}).reply == "The 20th of July, 1969 was a Sunday, sir."


# -- days_until -------------------------------------------------------------------------------

def test_days_until_christmas():
    result = run("days_until", {"date": "12-25"})
    assert result.data["days"] == 29
    assert result.reply == "It's 29 days until Friday the 25th of December, sir."


def test_days_until_across_the_year_end():
    new_year_eve_eve = datetime(2026, 12, 30, 23, 59)
    result = run("days_until", {"date": "01-02"}, now=new_year_eve_eve)
    assert result.data["date"] == "2027-01-02" and result.data["days"] == 3
    assert result.reply == "It's 3 days until Saturday the 2nd of January, 2027, sir."
    assert run("days_until", {"date": "12-31"}, now=new_year_eve_eve).reply == \
        "It's 1 day until Thursday the 31st of December, sir."


def test_days_until_a_past_date_says_how_long_ago():
    result = run("days_until", {"date": "2026-12-31"}, now=datetime(2027, 1, 1, 9, 0))
    assert result.data["days"] == -1
    assert result.reply == "Thursday the 31st of December, 2026 was 1 day ago, sir."
    result = run("days_until", {"date": "2000-01-01"})
    assert result.data["days"] == -(THURSDAY.date() - date(2000, 1, 1)).days
    assert "9,826 days ago" in result.reply


def test_days_until_today():
    assert run("days_until", {"date": "11-26"}).reply == "Thursday the 26th of November is today, sir."


# -- date_in ----------------------------------------------------------------------------------

def test_date_in_days_forward_and_back():
    assert run("date_in", {"days": 10}).reply == "10 days from today is Sunday the 6th of December, sir."
    result = run("date_in", {"days": -30}, now=datetime(2026, 1, 10, 8, 0))
    assert result.data["date"] == "2025-12-11"
    assert result.reply == "30 days ago was Thursday the 11th of December, 2025, sir."


def test_date_in_weeks_and_mixed():
    assert run("date_in", {"weeks": 2}).reply == "2 weeks from today is Thursday the 10th of December, sir."
    assert run("date_in", {"weeks": -1}).reply == "1 week ago was Thursday the 19th of November, sir."
    assert run("date_in", {"days": 2, "weeks": 3}).data["date"] == "2026-12-19"
    assert run("date_in", {"days": 2, "weeks": 3}).reply.startswith("3 weeks and 2 days from today is ")
    mixed = run("date_in", {"days": -3, "weeks": 2})  # signs differ: said as a count of days
    assert mixed.data["total_days"] == 11 and mixed.reply.startswith("11 days from today is ")
    assert run("date_in", {"days": 0}).reply == "Today is Thursday the 26th of November, sir."


def test_date_in_too_far_fails_politely():
    with pytest.raises(ToolFailed, match="further than I can reckon, sir"):
        run("date_in", {"days": 10 ** 9})
    assert run("date_in", {"days": -36_525}).data["date"] == (THURSDAY.date() - timedelta(days=36_525)).isoformat()


# -- bad dates --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["weekday", "days_until"])
@pytest.mark.parametrize("text", ["2026-02-30", "next-ish", "13-01", "", "2026-12-25T10:00", "0000-01-01"])
def test_bad_dates_say_the_form_expected(name, text):
    with pytest.raises(ToolFailed) as failed:
        run(name, {"date": text}, honorific="madam")
    message = str(failed.value)
    assert f'"{text}"' in message and ", madam;" in message
    assert "year-month-day, such as 2026-12-25" in message and "month-day, such as 12-25" in message


# -- time_in ----------------------------------------------------------------------------------

def test_time_in_tokyo_matches_zoneinfo_in_the_system_zone():
    now = datetime(2026, 6, 1, 12, 0)
    here = now.astimezone()
    there = here.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
    result = run("time_in", {"city": "Tokyo"}, now=now)
    gap = (there.utcoffset() - here.utcoffset()).total_seconds() / 3600
    assert result.data["zone"] == "Asia/Tokyo" and result.data["time"] == spoken_clock(there)
    assert result.reply.startswith(f"It's {spoken_clock(there)}")
    assert result.data["hours_apart"] == abs(gap)
    if gap:
        assert f"{format_number(abs(gap))} hour" in result.reply


def test_time_in_from_london_with_summer_time(local_zone):
    local_zone("Europe/London")
    assert run("time_in", {"city": "Tokyo"}, now=datetime(2026, 6, 1, 12, 0)).reply == \
        "It's 8 pm in Tokyo, sir, 8 hours ahead of here."
    assert run("time_in", {"city": "Tokyo"}, now=datetime(2026, 1, 15, 12, 0)).reply == \
        "It's 9 pm in Tokyo, sir, 9 hours ahead of here."


def test_time_in_between_the_american_and_british_clock_changes(local_zone):
    """America springs forward on 8 March 2026, Britain on 29 March: for three weeks New York
    is 4 hours behind London, not 5."""
    local_zone("Europe/London")
    assert run("time_in", {"city": "New York"}, now=datetime(2026, 3, 20, 12, 0)).reply == \
        "It's 8 am in New York, sir, 4 hours behind here."
    assert run("time_in", {"city": "New York"}, now=datetime(2026, 3, 30, 12, 0)).data["hours_apart"] == 5
    assert run("time_in", {"city": "New York"}, now=datetime(2026, 3, 1, 12, 0)).data["hours_apart"] == 5


def test_time_in_says_the_day_where_it_differs(local_zone):
    local_zone("Europe/London")
    assert run("time_in", {"city": "Tokyo"}, now=datetime(2026, 11, 26, 20, 0)).reply == \
        "It's 5 am on Friday in Tokyo, sir, 9 hours ahead of here."
    assert run("time_in", {"city": "Los Angeles"}, now=datetime(2026, 11, 26, 3, 0)).reply == \
        "It's 7 pm on Wednesday in Los Angeles, sir, 8 hours behind here."
    assert run("time_in", {"city": "London"}).reply == "It's 2:05 pm in London, sir, the same time as here."
    assert run("time_in", {"city": "Mumbai"}).reply == "It's 7:35 pm in Mumbai, sir, 5.5 hours ahead of here."


@pytest.mark.parametrize("asked, said, key", [
    ("tokyo", "Tokyo", "Asia/Tokyo"),
    ("NEW YORK", "New York", "America/New_York"),
    ("new_york", "New York", "America/New_York"),
    ("Asia/Tokyo", "Tokyo", "Asia/Tokyo"),
    ("  san   francisco ", "San Francisco", "America/Los_Angeles"),
    ("Beijing", "Beijing", "Asia/Shanghai"),
    ("Edinburgh", "Edinburgh", "Europe/London"),
    ("Ho Chi Minh", "Ho Chi Minh", "Asia/Ho_Chi_Minh"),
    ("buenos aires", "Buenos Aires", "America/Argentina/Buenos_Aires"),
    ("Sydney", "Sydney", "Australia/Sydney"),
    ("St. Petersburg", "St Petersburg", "Europe/Moscow"),
    ("the Hague", "The Hague", "Europe/Amsterdam"),
])
def test_city_names(asked, said, key):
    found = find_zone(asked)
    assert found is not None and found[0] == said
    # Links (America/Buenos_Aires) name the same zone: compare what the zones say.
    probe = datetime(2026, 7, 1, 12, 0, tzinfo=zoneinfo.ZoneInfo("UTC"))
    assert probe.astimezone(zoneinfo.ZoneInfo(found[1])).utcoffset() == \
        probe.astimezone(zoneinfo.ZoneInfo(key)).utcoffset()


def test_every_alias_is_a_real_zone():
    known = zoneinfo.available_timezones()
    assert len(CITY_ALIASES) >= 40
    for place, (said, key) in CITY_ALIASES.items():
        assert key in known, place
        assert place == place.lower() and said[:1].isupper()


@pytest.mark.parametrize("city", ["Atlantis", "Gotham", "", "GMT+5"])
def test_unknown_city_fails_naming_it(city):
    with pytest.raises(ToolFailed) as failed:
        run("time_in", {"city": city})
    message = str(failed.value)
    assert message.startswith("I'm afraid I don't know which time zone") and ", sir;" in message
    assert (city or "that") in message


# -- every figure said is the tool's ----------------------------------------------------------

_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_CALL = re.compile(r"call:([a-z][a-z0-9_]*)\{(.*)\}")
_ARG = re.compile(r'([a-z][a-z0-9_]*):("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false)')


def _data_numbers(data: dict) -> set[str]:
    """The figures in ``data`` as a reply would write them: numbers through format_number,
    text as it stands."""
    found: set[str] = set()
    for value in data.values():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = format_number(value)
        found.update(_NUMBER.findall(str(value)))
    return found


def _parse_example(call: str) -> tuple[str, dict]:
    """A small stand-in for tools/call.py: enough to read the examples' calls."""
    m = _CALL.fullmatch(call)
    assert m, call
    args, body = {}, m[2]
    while body:
        a = _ARG.match(body)
        assert a, call
        args[a[1]] = json.loads(a[2])
        body = body[a.end():]
        assert body == "" or body.startswith(","), call
        body = body[1:]
    return m[1], args


CASES = [(name, args) for name, args in [
    ("time_now", {}), ("date_today", {}), ("weekday", {"date": "1969-07-20"}),
    ("days_until", {"date": "2000-01-01"}), ("days_until", {"date": "12-25"}),
    ("date_in", {"days": -400}), ("date_in", {"days": 2, "weeks": 3}), ("date_in", {"days": -3, "weeks": 2}),
    ("time_in", {"city": "Kathmandu"}), ("time_in", {"city": "Mumbai"}), ("time_in", {"city": "Honolulu"}),
]] + [_parse_example(call) for tool in TOOLS for _, call in tool.examples]


@pytest.mark.parametrize("now", [THURSDAY, datetime(2026, 12, 31, 23, 59), datetime(2027, 3, 29, 1, 30)])
def test_every_number_said_is_in_the_data(now):
    for name, args in CASES:
        result = run(name, args, now=now)
        assert result.ok and (result.reply.endswith(", sir.") or ", sir," in result.reply)
        json.dumps(result.data)  # logged with the turn
        missing = set(_NUMBER.findall(result.reply)) - _data_numbers(result.data)
        assert not missing, (name, args, result.reply, result.data)


def test_examples_are_calls_to_their_own_tool():
    for tool in TOOLS:
        assert len(tool.examples) >= 10, tool.name
        assert tool.read_only
        requests = [request for request, _ in tool.examples]
        assert len(set(requests)) == len(requests), tool.name
        names = {p.name for p in tool.params}
        required = {p.name for p in tool.params if p.required}
        for request, call in tool.examples:
            name, args = _parse_example(call)
            assert name == tool.name, call
            assert set(args) <= names and required <= set(args), call
            assert all(isinstance(v, next(p.kind for p in tool.params if p.name == k)) for k, v in args.items())
            assert tool.run(args, Context("sir", THURSDAY)).ok, call
    # Spoken-transcript examples (lower case, no punctuation) are there for every tool.
    for tool in TOOLS:
        assert any(r == r.lower() and not re.search(r"[?.,!']", r) for r, _ in tool.examples), tool.name


# -- dates as people say them -------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("25 December", date(2026, 12, 25)), ("the 3rd of March 2027", date(2027, 3, 3)),
    ("March 3rd", date(2027, 3, 3)), ("sept 5", date(2027, 9, 5)), ("on the 4th of July", date(2027, 7, 4)),
    ("25/12", date(2026, 12, 25)), ("1/2/2027", date(2027, 2, 1)),  # day first, as in Britain
    ("Christmas", date(2026, 12, 25)), ("boxing day", date(2026, 12, 26)), ("New Year's Day", date(2027, 1, 1)),
    ("Bonfire Night", date(2027, 11, 5)), ("Easter", date(2027, 3, 28)), ("29th February", date(2028, 2, 29)),
    ("tomorrow", date(2026, 11, 27)), ("today", date(2026, 11, 26)),
    ("friday", date(2026, 11, 27)), ("next Thursday", date(2026, 12, 3)), ("this Thursday", date(2026, 11, 26)),
])
def test_a_date_as_people_say_it_reads_like_its_numbers(text, expected):
    # The context clock is Thursday 26 November 2026: a call that copies the user's words
    # ("days until Christmas" -> date:"Christmas") means the same as the worked-out one.
    assert parse_date(text, date(2026, 11, 26), "sir") == expected


def test_easter_follows_the_computus():
    assert [easter(y) for y in (2024, 2025, 2026, 2027, 2038)] == [
        date(2024, 3, 31), date(2025, 4, 20), date(2026, 4, 5), date(2027, 3, 28), date(2038, 4, 25)]


@pytest.mark.parametrize("text", ["31 June", "the 40th of May", "Smarch 3", "next week-ish", "13/13"])
def test_a_spoken_date_that_is_not_one_still_fails_politely(text):
    with pytest.raises(ToolFailed, match="isn't a date I can read"):
        parse_date(text, date(2026, 11, 26), "sir")
