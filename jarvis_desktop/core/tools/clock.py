"""The clock and the calendar: the time, today's date, the weekday of a date, the days until a
date, the date N days away, and the time in another city.

Every time is read from ``context.now``, the assistant's clock (fixed in the evaluation), never
from the system clock, so a reply can be checked.  ``context.now`` is naive local time; for
another city it is taken as the system zone's local time (``astimezone()``) and converted with
the tz database through ``zoneinfo``.  Replies are phrased with persona.py's spoken times and
dates, and are built from ``ToolResult.data`` so every figure said is one the tool stored.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import date, timedelta
from functools import lru_cache

from jarvis_desktop.core.persona import DAY_NAMES, MONTH_NAMES, ordinal, spoken_clock, spoken_date
from jarvis_desktop.core.skills import format_number
from jarvis_desktop.core.tools.base import Context, Param, Tool, ToolFailed, ToolResult

__all__ = ["TOOLS", "parse_date", "easter", "find_zone", "CITY_ALIASES"]

# -- dates ------------------------------------------------------------------------------------

_FULL_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_MONTH_DAY = re.compile(r"(\d{1,2})-(\d{1,2})")
_MAX_SPAN_DAYS = 36_525  # date_in reaches a century either way; beyond that is a typo, not a plan


_MONTHS = {name.lower(): n for n, name in enumerate(MONTH_NAMES, 1)}
_MONTHS.update({name[:3].lower(): n for name, n in list(_MONTHS.items())} | {"sept": 9})
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(\d{4}))?"
_DAY_MONTH = re.compile(rf"(?:the\s+)?{_DAY}(?:\s+of)?\s+{_MONTH}{_YEAR}", re.I)
_MONTH_DAY_WORDS = re.compile(rf"{_MONTH}\s+(?:the\s+)?{_DAY}{_YEAR}", re.I)
_SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})(?:/(\d{4}))?")  # day first, as in Britain
_WEEKDAY = re.compile(r"(?:(this|next|on)\s+)?(" + "|".join(d.lower() for d in DAY_NAMES) + ")", re.I)
# Days the calendar names, as a month and a day (Easter moves: worked out apart).
_NAMED_DAYS = {
    "christmas": (12, 25), "christmas day": (12, 25), "xmas": (12, 25), "christmas eve": (12, 24),
    "boxing day": (12, 26), "new year's eve": (12, 31), "new years eve": (12, 31), "hogmanay": (12, 31),
    "new year": (1, 1), "new year's day": (1, 1), "new years day": (1, 1), "new year's": (1, 1),
    "burns night": (1, 25), "valentine's day": (2, 14), "valentines day": (2, 14), "valentine's": (2, 14),
    "st david's day": (3, 1), "st patrick's day": (3, 17), "st george's day": (4, 23), "halloween": (10, 31),
    "bonfire night": (11, 5), "guy fawkes night": (11, 5), "st andrew's day": (11, 30),
}


def easter(year: int) -> date:
    """Easter Sunday of ``year`` (the Gregorian computus, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _next_on_or_after(today: date, month: int, day: int) -> date | None:
    """The next ``month``-``day`` from ``today`` (today included); 29 February: its next leap year."""
    for year in range(today.year, today.year + 9):
        try:
            found = date(year, month, day)
        except ValueError:
            continue
        if found >= today:
            return found
    return None


def _spoken_form(s: str, today: date) -> date | None:
    """A date as people say it: "25 December", "the 3rd of March 2027", "March 3rd", "25/12",
    "Christmas", "Easter", "next Friday", "tomorrow"; None for anything else.  Without a year,
    the next such day from ``today``; a weekday is the next one after today ("this Friday":
    today, if it is Friday)."""
    text = " ".join(s.lower().replace("’", "'").split()).removeprefix("on ").removeprefix("the ")
    if text in ("today", "tonight"):
        return today
    if text == "tomorrow":
        return today + timedelta(days=1)
    if text in ("easter", "easter sunday", "easter day"):
        found = easter(today.year)
        return found if found >= today else easter(today.year + 1)
    if text in _NAMED_DAYS or f"{text} day" in _NAMED_DAYS:
        return _next_on_or_after(today, *_NAMED_DAYS.get(text) or _NAMED_DAYS[f"{text} day"])
    if m := _WEEKDAY.fullmatch(text):
        ahead = (DAY_NAMES.index(m[2].capitalize()) - today.weekday()) % 7
        return today + timedelta(days=ahead if (ahead or m[1] == "this") else 7)
    for pattern, day_group, month_group in ((_DAY_MONTH, 1, 2), (_MONTH_DAY_WORDS, 2, 1)):
        if m := pattern.fullmatch(text):
            day, month, year = int(m[day_group]), _MONTHS[m[month_group].lower()], m[3]
            break
    else:
        if not (m := _SLASHED.fullmatch(text)):
            return None
        day, month, year = int(m[1]), int(m[2]), m[3]
    if year:
        try:
            return date(int(year), month, day)
        except ValueError:
            return None
    return _next_on_or_after(today, month, day)


def parse_date(text: str, today: date, honorific: str) -> date:
    """"2026-12-25" as it is; "12-25" as the next such day from ``today`` (today included);
    and the forms people say (``_spoken_form``: "25th of December", "Christmas", "next Friday"),
    so a call that copies the user's words reads as well as one the model worked out.

    A month-day that does not exist this year (29 February) is the next year it does.
    Anything else raises ToolFailed saying which forms are understood.
    """
    s = text.strip()
    if m := _FULL_DATE.fullmatch(s):
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    elif m := _MONTH_DAY.fullmatch(s):
        found = _next_on_or_after(today, int(m[1]), int(m[2])) if 1 <= int(m[1]) <= 12 else None
        if found is not None:
            return found
    elif (found := _spoken_form(s, today)) is not None:
        return found
    shown = s if len(s) <= 40 else s[:40] + "…"
    raise ToolFailed(f"I'm afraid \"{shown}\" isn't a date I can read, {honorific}; I need it as "
                     "year-month-day, such as 2026-12-25, or month-day, such as 12-25.")


def _spoken_day(d: date, today: date) -> str:
    """"Friday the 25th of December", with the year only where it is not this one."""
    return spoken_date(d, year=d.year != today.year)  # type: ignore[arg-type]  # date suffices


def _day_of_month(d: date, today: date) -> str:
    """"the 25th of December" (", 2027" where not this year): a date without its weekday."""
    text = f"the {ordinal(d.day)} of {MONTH_NAMES[d.month - 1]}"
    return f"{text}, {d.year}" if d.year != today.year else text


def _count(n: int, noun: str) -> str:
    """3 -> "3 days", 1 -> "1 day", with format_number's digits (1,000)."""
    return f"{format_number(n)} {noun}{'' if n == 1 else 's'}"


def _date_data(d: date, spoken: str) -> dict:
    return {"date": d.isoformat(), "weekday": DAY_NAMES[d.weekday()], "spoken": spoken}


# -- the tools' functions ---------------------------------------------------------------------

def time_now(args: dict, context: Context) -> ToolResult:
    """"It's 2:05 pm, sir."."""
    clock = spoken_clock(context.now)
    return ToolResult(f"It's {clock}, {context.honorific}.",
                      {"time": clock, "now": context.now.isoformat(timespec="seconds")})


def date_today(args: dict, context: Context) -> ToolResult:
    """"It's Thursday the 26th of November, 2026, sir."."""
    today = context.now.date()
    spoken = spoken_date(context.now, year=True)
    return ToolResult(f"It's {spoken}, {context.honorific}.", _date_data(today, spoken))


def weekday(args: dict, context: Context) -> ToolResult:
    """"The 25th of December is a Friday, sir."; "was" for a day gone by."""
    today = context.now.date()
    d = parse_date(args["date"], today, context.honorific)
    spoken = _day_of_month(d, today)
    data = _date_data(d, spoken)
    verb = "was" if d < today else "is"
    return ToolResult(f"{spoken[:1].upper()}{spoken[1:]} {verb} a {data['weekday']}, {context.honorific}.",
                      data)


def days_until(args: dict, context: Context) -> ToolResult:
    """Days from today to a date: "It's 29 days until Friday the 25th of December, sir."; a
    full date already gone says how long ago it was."""
    today = context.now.date()
    d = parse_date(args["date"], today, context.honorific)
    spoken = _spoken_day(d, today)
    days = (d - today).days
    data = {**_date_data(d, spoken), "days": days}
    h = context.honorific
    if days == 0:
        reply = f"{spoken} is today, {h}."
    elif days > 0:
        reply = f"It's {_count(days, 'day')} until {spoken}, {h}."
    else:
        reply = f"{spoken} was {_count(-days, 'day')} ago, {h}."
    return ToolResult(reply, data)


def _span(days: int, weeks: int) -> str:
    """How far date_in went, as asked: "3 weeks", "2 weeks and 3 days", else in days."""
    if weeks and days and (weeks > 0) == (days > 0):
        return f"{_count(abs(weeks), 'week')} and {_count(abs(days), 'day')}"
    if weeks and not days:
        return _count(abs(weeks), "week")
    return _count(abs(days + 7 * weeks), "day")


def date_in(args: dict, context: Context) -> ToolResult:
    """The date ``days`` (and ``weeks``) from today, or ago where negative:
    "10 days from today is Sunday the 6th of December, sir."."""
    days, weeks = args.get("days", 0), args.get("weeks", 0)
    total = days + 7 * weeks
    h = context.honorific
    if abs(total) > _MAX_SPAN_DAYS:
        raise ToolFailed(f"I'm afraid that is rather further than I can reckon, {h}; "
                         "I keep to within a hundred years of today.")
    today = context.now.date()
    d = today + timedelta(days=total)
    spoken = _spoken_day(d, today)
    data = {**_date_data(d, spoken), "days": days, "weeks": weeks, "total_days": total}
    if total == 0:
        reply = f"Today is {spoken}, {h}."
    elif total > 0:
        reply = f"{_span(days, weeks)} from today is {spoken}, {h}."
    else:
        reply = f"{_span(days, weeks)} ago was {spoken}, {h}."
    return ToolResult(reply, data)


# -- other cities -----------------------------------------------------------------------------

# Places people ask about whose names are not in the tz database (which names one city per
# zone): the place as said -> (how Jarvis says it, the zone).
CITY_ALIASES: dict[str, tuple[str, str]] = {
    "san francisco": ("San Francisco", "America/Los_Angeles"),
    "la": ("Los Angeles", "America/Los_Angeles"),
    "san diego": ("San Diego", "America/Los_Angeles"),
    "seattle": ("Seattle", "America/Los_Angeles"),
    "portland": ("Portland", "America/Los_Angeles"),
    "las vegas": ("Las Vegas", "America/Los_Angeles"),
    "silicon valley": ("Silicon Valley", "America/Los_Angeles"),
    "salt lake city": ("Salt Lake City", "America/Denver"),
    "dallas": ("Dallas", "America/Chicago"),
    "houston": ("Houston", "America/Chicago"),
    "austin": ("Austin", "America/Chicago"),
    "minneapolis": ("Minneapolis", "America/Chicago"),
    "new orleans": ("New Orleans", "America/Chicago"),
    "nyc": ("New York", "America/New_York"),
    "new york city": ("New York", "America/New_York"),
    "washington": ("Washington", "America/New_York"),
    "washington dc": ("Washington", "America/New_York"),
    "boston": ("Boston", "America/New_York"),
    "philadelphia": ("Philadelphia", "America/New_York"),
    "atlanta": ("Atlanta", "America/New_York"),
    "miami": ("Miami", "America/New_York"),
    "orlando": ("Orlando", "America/New_York"),
    "montreal": ("Montreal", "America/Toronto"),
    "ottawa": ("Ottawa", "America/Toronto"),
    "calgary": ("Calgary", "America/Edmonton"),
    "rio de janeiro": ("Rio de Janeiro", "America/Sao_Paulo"),
    "rio": ("Rio de Janeiro", "America/Sao_Paulo"),
    "edinburgh": ("Edinburgh", "Europe/London"),
    "glasgow": ("Glasgow", "Europe/London"),
    "manchester": ("Manchester", "Europe/London"),
    "birmingham": ("Birmingham", "Europe/London"),
    "liverpool": ("Liverpool", "Europe/London"),
    "leeds": ("Leeds", "Europe/London"),
    "bristol": ("Bristol", "Europe/London"),
    "cardiff": ("Cardiff", "Europe/London"),
    "oxford": ("Oxford", "Europe/London"),
    "cambridge": ("Cambridge", "Europe/London"),
    "munich": ("Munich", "Europe/Berlin"),
    "frankfurt": ("Frankfurt", "Europe/Berlin"),
    "hamburg": ("Hamburg", "Europe/Berlin"),
    "cologne": ("Cologne", "Europe/Berlin"),
    "milan": ("Milan", "Europe/Rome"),
    "venice": ("Venice", "Europe/Rome"),
    "florence": ("Florence", "Europe/Rome"),
    "naples": ("Naples", "Europe/Rome"),
    "barcelona": ("Barcelona", "Europe/Madrid"),
    "seville": ("Seville", "Europe/Madrid"),
    "geneva": ("Geneva", "Europe/Zurich"),
    "lyon": ("Lyon", "Europe/Paris"),
    "marseille": ("Marseille", "Europe/Paris"),
    "nice": ("Nice", "Europe/Paris"),
    "the hague": ("The Hague", "Europe/Amsterdam"),
    "st petersburg": ("St Petersburg", "Europe/Moscow"),
    "saint petersburg": ("St Petersburg", "Europe/Moscow"),
    "tel aviv": ("Tel Aviv", "Asia/Jerusalem"),
    "abu dhabi": ("Abu Dhabi", "Asia/Dubai"),
    "doha": ("Doha", "Asia/Qatar"),
    "mumbai": ("Mumbai", "Asia/Kolkata"),
    "delhi": ("Delhi", "Asia/Kolkata"),
    "new delhi": ("New Delhi", "Asia/Kolkata"),
    "bangalore": ("Bangalore", "Asia/Kolkata"),
    "bengaluru": ("Bengaluru", "Asia/Kolkata"),
    "chennai": ("Chennai", "Asia/Kolkata"),
    "hyderabad": ("Hyderabad", "Asia/Kolkata"),
    "beijing": ("Beijing", "Asia/Shanghai"),
    "shenzhen": ("Shenzhen", "Asia/Shanghai"),
    "guangzhou": ("Guangzhou", "Asia/Shanghai"),
    "osaka": ("Osaka", "Asia/Tokyo"),
    "kyoto": ("Kyoto", "Asia/Tokyo"),
    "hanoi": ("Hanoi", "Asia/Bangkok"),
    "canberra": ("Canberra", "Australia/Sydney"),
    "wellington": ("Wellington", "Pacific/Auckland"),
    "cape town": ("Cape Town", "Africa/Johannesburg"),
}

# The tz database's continents and oceans: their zones are the cities; a bare name ("Japan",
# "GB") or a legacy group ("US/Pacific", "Etc/UTC") only counts where no city has the name.
_REGIONS = ("Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe",
            "Indian", "Pacific")


def _normalise(place: str) -> str:
    """"  New_York " -> "new york"; "Asia/Tokyo" -> "tokyo"; "St. Petersburg" -> "st petersburg"."""
    last = place.strip().rsplit("/", 1)[-1]
    return " ".join(last.replace("_", " ").replace(".", " ").lower().split())


def _zone_rank(key: str) -> tuple[int, int, str]:
    region = key.split("/", 1)[0]
    return (0 if region in _REGIONS else 1 if "/" not in key else 2, key.count("/"), key)


@lru_cache(maxsize=1)
def _zones_by_place() -> dict[str, str]:
    """Every tz database zone by its place name: "new york" -> "America/New_York".

    Zones with digits (Etc/GMT+5, whose sign is backwards, EST5EDT) and the database's own
    files (localtime, Factory) are left out.
    """
    places: dict[str, str] = {}
    for key in sorted(zoneinfo.available_timezones(), key=_zone_rank):
        if any(c.isdigit() for c in key) or key in ("localtime", "Factory", "posixrules"):
            continue
        places.setdefault(_normalise(key), key)
    return places


def find_zone(place: str) -> tuple[str, str] | None:
    """(how to say the place, its tz key) for a city as asked, or None where none is known."""
    name = _normalise(place)
    if name.startswith("the ") and name not in CITY_ALIASES:
        name = name[4:]
    if name in CITY_ALIASES:
        return CITY_ALIASES[name]
    key = _zones_by_place().get(name)
    if key is None:
        return None
    return key.rsplit("/", 1)[-1].replace("_", " "), key


def _hours(seconds: float) -> int | float:
    hours = seconds / 3600
    return int(hours) if hours.is_integer() else hours


def time_in(args: dict, context: Context) -> ToolResult:
    """The time in another city and how far ahead or behind it is:
    "It's 5 am on Friday in Tokyo, sir, 9 hours ahead of here."."""
    h = context.honorific
    found = find_zone(args["city"])
    if found is None:
        shown = " ".join(args["city"].split())[:40]
        raise ToolFailed(f"I'm afraid I don't know which time zone {shown or 'that'} is in, {h}; "
                         "do try the nearest large city.")
    city, key = found
    here = context.now.astimezone()  # naive: the system zone's local time
    there = here.astimezone(zoneinfo.ZoneInfo(key))
    gap = _hours((there.utcoffset() - here.utcoffset()).total_seconds())
    clock = spoken_clock(there)
    data = {"city": city, "zone": key, "time": clock, "local": there.isoformat(timespec="minutes"),
            "weekday": DAY_NAMES[there.weekday()], "same_day": there.date() == here.date(),
            "hours_apart": abs(gap), "direction": "ahead" if gap > 0 else "behind" if gap < 0 else "same"}
    day = "" if data["same_day"] else f" on {data['weekday']}"
    if gap == 0:
        return ToolResult(f"It's {clock} in {city}, {h}, the same time as here.", data)
    return ToolResult(f"It's {clock}{day} in {city}, {h}, "
                      f"{_count(abs(gap), 'hour')} {'ahead of' if gap > 0 else 'behind'} here.", data)


# -- the tools --------------------------------------------------------------------------------

_DATE = Param("date", str, 'a date: "YYYY-MM-DD", or "MM-DD" for its next coming')

TOOLS: tuple[Tool, ...] = (
    Tool("time_now", "The time now.", (), time_now, examples=(
        ("What time is it?", "call:time_now{}"),
        ("what time is it", "call:time_now{}"),
        ("Have you got the time?", "call:time_now{}"),
        ("whats the time jarvis", "call:time_now{}"),
        ("Could you tell me the time, please?", "call:time_now{}"),
        ("how late is it", "call:time_now{}"),
        ("What does the clock say?", "call:time_now{}"),
        ("Time check.", "call:time_now{}"),
        ("am i running late what hour is it", "call:time_now{}"),
        ("Where are we on the clock?", "call:time_now{}"),
        ("tell me the current time", "call:time_now{}"),
        ("um jarvis whats the time now", "call:time_now{}"),
        ("What time do you make it?", "call:time_now{}"),
        ("Did I miss the 3 o'clock call? What's the time?", "call:time_now{}"),
        ("have i overslept what hour have we got to", "call:time_now{}"),
        ("Quick one, Jarvis: what's the time at the moment?", "call:time_now{}"),
        ("jarvis what time have we got", "call:time_now{}"),
        ("Would you be so good as to tell me the hour?", "call:time_now{}"),
        ("Is it lunchtime yet? What's the clock saying?", "call:time_now{}"),
        ("um jarvis is it gone midnight yet", "call:time_now{}"),
        ("What time is it here, locally?", "call:time_now{}"),
        ("Can you remind me what time it is?", "call:time_now{}"),
        ("is it too late to phone anyone whats the time", "call:time_now{}"),
        ("Have I got time for a cuppa before the meeting? What time do we have now?", "call:time_now{}"),
        ("jarvis the time please", "call:time_now{}"),
    )),
    Tool("date_today", "Today's date, with its weekday and year.", (), date_today, examples=(
        ("What's the date today?", "call:date_today{}"),
        ("what day is it", "call:date_today{}"),
        ("Which day of the week is it today?", "call:date_today{}"),
        ("whats todays date", "call:date_today{}"),
        ("What year is it?", "call:date_today{}"),
        ("Could you tell me today's date, please?", "call:date_today{}"),
        ("I've lost track of the days, what is it today?", "call:date_today{}"),
        ("where are we in the month", "call:date_today{}"),
        ("Today's date, please.", "call:date_today{}"),
        ("what month are we in", "call:date_today{}"),
        ("Is it Friday yet?", "call:date_today{}"),
        ("Signing a cheque: what date do I write on it?", "call:date_today{}"),
        ("um jarvis what's the date", "call:date_today{}"),
        ("Rent's due on the 1st. Is it the 1st today?", "call:date_today{}"),
        ("which day of the month is it", "call:date_today{}"),
        ("I need to put the date on this letter; what is it today?", "call:date_today{}"),
        ("have we got to saturday or is today still a working day", "call:date_today{}"),
        ("What's the full date today, year included?", "call:date_today{}"),
        ("Which month is it now? I've completely lost track.", "call:date_today{}"),
        ("um jarvis is today monday or tuesday", "call:date_today{}"),
        ("Could you confirm today's day and date for the minutes?", "call:date_today{}"),
        ("what number day of the month are we on", "call:date_today{}"),
        ("Are we still in January?", "call:date_today{}"),
        ("jarvis what date do i put on this form today", "call:date_today{}"),
        ("Good morning. Which day have we got today, please?", "call:date_today{}"),
    )),
    Tool("weekday", "The day of the week a date falls on.", (_DATE,), weekday, examples=(
        ("What day of the week is Christmas this year?", 'call:weekday{date:"12-25"}'),
        ("what day does the 4th of july fall on", 'call:weekday{date:"07-04"}'),
        ("Which day was 1 January 2000?", 'call:weekday{date:"2000-01-01"}'),
        ("what day of the week was the 20th of july 1969", 'call:weekday{date:"1969-07-20"}'),
        ("Is Bonfire Night on a weekend this year?", 'call:weekday{date:"11-05"}'),
        ("New Year's Day 2027, what day is that?", 'call:weekday{date:"2027-01-01"}'),
        ("my birthday is march the 14th what day is it on", 'call:weekday{date:"03-14"}'),
        ("Will Valentine's Day be a Saturday?", 'call:weekday{date:"02-14"}'),
        ("What day will 31 December 2026 be?", 'call:weekday{date:"2026-12-31"}'),
        ("which weekday is the 1st of september", 'call:weekday{date:"09-01"}'),
        ("Halloween: is that a school night?", 'call:weekday{date:"10-31"}'),
        ("st patricks day lands on what", 'call:weekday{date:"03-17"}'),
        ("What day of the week is Christmas Eve?", 'call:weekday{date:"12-24"}'),
        ("what day was the 3rd of april 1995", 'call:weekday{date:"1995-04-03"}'),
        ("um jarvis what day does bonfire night fall on this year", 'call:weekday{date:"11-05"}'),
        ("I was born on the 9th of October 1987. Which day of the week was that?", 'call:weekday{date:"1987-10-09"}'),
        ("Is St Andrew's Day a Monday this year?", 'call:weekday{date:"11-30"}'),
        ("new years eve is it a friday or a saturday", 'call:weekday{date:"12-31"}'),
        ("Our anniversary is April 3rd; what day will it land on?", 'call:weekday{date:"04-03"}'),
        ("which day of the week was the twenty first of june nineteen ninety nine", 'call:weekday{date:"1999-06-21"}'),
        ("Will Boxing Day fall on a working day?", 'call:weekday{date:"12-26"}'),
        ("what days the 14th of february 2030", 'call:weekday{date:"2030-02-14"}'),
        ("Tell me the weekday for 2 August 2028, please.", 'call:weekday{date:"2028-08-02"}'),
        ("mums birthday is the twenty second of may what day is that this year", 'call:weekday{date:"05-22"}'),
        ("Was 11 September 2001 a Tuesday?", 'call:weekday{date:"2001-09-11"}'),
        ("St George's Day: weekend or not?", 'call:weekday{date:"04-23"}'),
        ("the gigs on the 19th of march 2027 is that a friday night", 'call:weekday{date:"2027-03-19"}'),
        ("Which day will Halloween 2031 be?", 'call:weekday{date:"2031-10-31"}'),
        ("They've offered me an interview on the 3rd of March. Is that a weekday?", 'call:weekday{date:"03-03"}'),
        ("the wedding is on the 22nd of august what day does that fall on", 'call:weekday{date:"08-22"}'),
        ("The cup final is on 16 May 2026; which day of the week is that?", 'call:weekday{date:"2026-05-16"}'),
        ("um jarvis my dentist appointment is on the fifth of february what day is that", 'call:weekday{date:"02-05"}'),
        ("Our flight leaves on 9 June. Is that a Tuesday or a Wednesday?", 'call:weekday{date:"06-09"}'),
        ("my sisters hen do is on the 18th of july is that a saturday", 'call:weekday{date:"07-18"}'),
        ("Parents' evening is the 2nd of October. Which weekday does it land on?", 'call:weekday{date:"10-02"}'),
        ("what day of the week was the 6th of june 1944", 'call:weekday{date:"1944-06-06"}'),
        ("The report's deadline is 27 February. What day would that be?", 'call:weekday{date:"02-27"}'),
        ("jarvis the match on the 12th of april is it on a sunday", 'call:weekday{date:"04-12"}'),
    )),
    Tool("days_until", "How many days from today to a date, or since it where it has passed.",
         (_DATE,), days_until, examples=(
        ("How many days until Christmas?", 'call:days_until{date:"12-25"}'),
        ("how long till new year", 'call:days_until{date:"01-01"}'),
        ("How many sleeps till my birthday on the 3rd of June?", 'call:days_until{date:"06-03"}'),
        ("days left until halloween", 'call:days_until{date:"10-31"}'),
        ("How long ago was 1 January 2000?", 'call:days_until{date:"2000-01-01"}'),
        ("How many days have passed since the 1st of March 2026?", 'call:days_until{date:"2026-03-01"}'),
        ("Count down to Valentine's Day for me.", 'call:days_until{date:"02-14"}'),
        ("how far off is bonfire night", 'call:days_until{date:"11-05"}'),
        ("How long must I wait for Burns Night?", 'call:days_until{date:"01-25"}'),
        ("the wedding is on 12 september 2027 how many days is that", 'call:days_until{date:"2027-09-12"}'),
        ("How much longer until the 1st of April?", 'call:days_until{date:"04-01"}'),
        ("Is the 30th of June far off?", 'call:days_until{date:"06-30"}'),
        ("How many days until Christmas Eve?", 'call:days_until{date:"12-24"}'),
        ("how many days since the 3rd of april 2024", 'call:days_until{date:"2024-04-03"}'),
        ("How long ago was the 20th of July 1969?", 'call:days_until{date:"1969-07-20"}'),
        ("um jarvis how many sleeps till bonfire night", 'call:days_until{date:"11-05"}'),
        ("How many days have I got until St Andrew's Day?", 'call:days_until{date:"11-30"}'),
        ("my birthdays april the third how long have i got to wait", 'call:days_until{date:"04-03"}'),
        ("New Year's Eve: how many days off is it?", 'call:days_until{date:"12-31"}'),
        ("We moved in on 14 August 2021. How many days ago was that?", 'call:days_until{date:"2021-08-14"}'),
        ("Days to go until Valentine's?", 'call:days_until{date:"02-14"}'),
        ("how many days has it been since the twelfth of march twenty twenty", 'call:days_until{date:"2020-03-12"}'),
        ("The exam is on the 9th of June 2027. How long do I have to revise?", 'call:days_until{date:"2027-06-09"}'),
        ("Is Halloween close? How many days away?", 'call:days_until{date:"10-31"}'),
        ("how long since i started the job on the 1st of september 2025", 'call:days_until{date:"2025-09-01"}'),
        ("Number of days from today to the 5th of January 2027?", 'call:days_until{date:"2027-01-05"}'),
        ("payday is the 28th of december how many days do i have to hold out", 'call:days_until{date:"12-28"}'),
        ("St Patrick's Day, how far away are we?", 'call:days_until{date:"03-17"}'),
        ("My son was born on 2 December 2025. How many days old is he now?", 'call:days_until{date:"2025-12-02"}'),
        ("how many weeks till the summer holidays start on the 22nd of july", 'call:days_until{date:"07-22"}'),
        ("Is Dad's birthday on 2 April still ages away?", 'call:days_until{date:"04-02"}'),
        ("um jarvis how far away is the twentieth of march", 'call:days_until{date:"03-20"}'),
        ("Our holiday starts on 4 August. How long have I got to wait?", 'call:days_until{date:"08-04"}'),
        ("we got married on the 10th of june 2017 how many days ago is that now", 'call:days_until{date:"2017-06-10"}'),
        ("The puppy came home on 1 November 2025; how many days have we had her?", 'call:days_until{date:"2025-11-01"}'),
        ("Mum's seventieth is on the 30th of September. How many days to go?", 'call:days_until{date:"09-30"}'),
        ("How many weeks have I got before my driving test on 19 March?", 'call:days_until{date:"03-19"}'),
        ("jarvis how many days old am i if i was born on the 4th of may 1990", 'call:days_until{date:"1990-05-04"}'),
    )),
    Tool("date_in", "The date a number of days (and weeks) from today; negative for ago.",
         (Param("days", int, "days from today; negative for days ago", required=False),
          Param("weeks", int, "weeks from today; negative for weeks ago", required=False)),
         date_in, examples=(
        ("What's the date in 10 days?", "call:date_in{days:10}"),
        ("what date will it be a fortnight from now", "call:date_in{weeks:2}"),
        ("What was the date 30 days ago?", "call:date_in{days:-30}"),
        ("Which day is 100 days from today?", "call:date_in{days:100}"),
        ("six weeks from today what date is that", "call:date_in{weeks:6}"),
        ("What was the date a week ago?", "call:date_in{weeks:-1}"),
        ("If it takes 3 weeks and 2 days to arrive, when will it come?", "call:date_in{days:2,weeks:3}"),
        ("whats the date the day after tomorrow", "call:date_in{days:2}"),
        ("What was yesterday's date?", "call:date_in{days:-1}"),
        ("90 days on, when's that?", "call:date_in{days:90}"),
        ("the warranty lasts 8 weeks when does it run out", "call:date_in{weeks:8}"),
        ("Forty-five days hence lands on which date?", "call:date_in{days:45}"),
        ("What will the date be three weeks from today?", "call:date_in{weeks:3}"),
        ("whats the date after 21 days", "call:date_in{days:21}"),
        ("um six weeks ago what date was that", "call:date_in{weeks:-6}"),
        ("If I start the course today and it runs twelve weeks, when does it finish?", "call:date_in{weeks:12}"),
        ("The invoice is due in 30 days; which date is that?", "call:date_in{days:30}"),
        ("What was the date ten days back?", "call:date_in{days:-10}"),
        ("if the parcel takes four more days which date does it turn up", "call:date_in{days:4}"),
        ("The return window is 28 days. Until when can I send it back?", "call:date_in{days:28}"),
        ("three hundred and sixty five days from today what date will it be", "call:date_in{days:365}"),
        ("Could you work out the date 2 weeks and 4 days from now?", "call:date_in{days:4,weeks:2}"),
        ("when's 1000 days from today", "call:date_in{days:1000}"),
        ("What date is it exactly one week from today?", "call:date_in{weeks:1}"),
        ("the plant needs repotting in ten weeks what date is that", "call:date_in{weeks:10}"),
        ("What was the date 100 days ago?", "call:date_in{days:-100}"),
        ("What day of the week will it be in 10 days?", "call:date_in{days:10}"),
        ("my leave starts in a fortnight which date is that", "call:date_in{weeks:2}"),
        ("A fortnight today: which date does that come to?", "call:date_in{weeks:2}"),
        ("in 90 days what will the date be", "call:date_in{days:90}"),
        ("I got the letter 12 days ago. What date would that have been?", "call:date_in{days:-12}"),
        ("jarvis whats the date seven weeks from now", "call:date_in{weeks:7}"),
        ("If the visa takes 60 days to come through, when should I expect it?", "call:date_in{days:60}"),
        ("um what date was it three weeks ago today", "call:date_in{weeks:-3}"),
        ("The baby's due in 16 weeks. What date does that make it?", "call:date_in{weeks:16}"),
        ("counting forward 200 days from today what date do i land on", "call:date_in{days:200}"),
        ("My notice period is four weeks from today; what will my last day be?", "call:date_in{weeks:4}"),
        ("Nine days from now, what will the date be?", "call:date_in{days:9}"),
    )),
    Tool("time_in", "The time now in another city, and how far ahead or behind it is.",
         (Param("city", str, 'a city, e.g. "Tokyo", "New York"'),), time_in, examples=(
        ("What time is it in Tokyo?", 'call:time_in{city:"Tokyo"}'),
        ("whats the time in new york", 'call:time_in{city:"New York"}'),
        ("Is it night-time in Sydney right now?", 'call:time_in{city:"Sydney"}'),
        ("what time is it over in los angeles", 'call:time_in{city:"Los Angeles"}'),
        ("If I rang my sister in Mumbai now, would I wake her?", 'call:time_in{city:"Mumbai"}'),
        ("Current time in Paris, please.", 'call:time_in{city:"Paris"}'),
        ("how late is it in dubai", 'call:time_in{city:"Dubai"}'),
        ("Is the Hong Kong office still open?", 'call:time_in{city:"Hong Kong"}'),
        ("whats the hour in san francisco", 'call:time_in{city:"San Francisco"}'),
        ("Time check for Berlin?", 'call:time_in{city:"Berlin"}'),
        ("how far ahead is singapore", 'call:time_in{city:"Singapore"}'),
        ("Would it be too early to phone Auckland?", 'call:time_in{city:"Auckland"}'),
        ("What time is it in Lisbon right now?", 'call:time_in{city:"Lisbon"}'),
        ("um jarvis whats the time over in chicago", 'call:time_in{city:"Chicago"}'),
        ("my boss is in toronto has she finished her working day", 'call:time_in{city:"Toronto"}'),
        ("Is it bedtime yet in Melbourne?", 'call:time_in{city:"Melbourne"}'),
        ("how many hours ahead is bangkok", 'call:time_in{city:"Bangkok"}'),
        ("Can I ring my cousin in Vancouver now, or is it the middle of the night there?",
         'call:time_in{city:"Vancouver"}'),
        ("the match kicks off at 8 in buenos aires whats the time there now", 'call:time_in{city:"Buenos Aires"}'),
        ("My friend in Cape Town just texted me; is it evening there?", 'call:time_in{city:"Cape Town"}'),
        ("My brother's in Toronto. Would he still be asleep?", 'call:time_in{city:"Toronto"}'),
        ("is it too late to ring my aunt in perth", 'call:time_in{city:"Perth"}'),
        ("What's the time where my son is, in Dubai?", 'call:time_in{city:"Dubai"}'),
        ("um jarvis is the new york office open yet", 'call:time_in{city:"New York"}'),
        ("My daughter's on a year abroad in Seoul; is it a sensible hour to video call her?", 'call:time_in{city:"Seoul"}'),
        ("jarvis my mate in adelaide wants a chat is he still up", 'call:time_in{city:"Adelaide"}'),
        ("I've a call with a supplier in Johannesburg at their lunchtime. What time is it there now?",
         'call:time_in{city:"Johannesburg"}'),
        ("grandma lives in auckland would she have had her breakfast yet", 'call:time_in{city:"Auckland"}'),
        ("Before I message my colleague in Denver, what time is it for him?", 'call:time_in{city:"Denver"}'),
        ("are the shops in istanbul shut by now", 'call:time_in{city:"Istanbul"}'),
        ("Is it morning yet in Los Angeles? My sister is flying home from there today.", 'call:time_in{city:"Los Angeles"}'),
        ("i want to call my uncle in karachi when he wakes up is he up now", 'call:time_in{city:"Karachi"}'),
        ("Would my penfriend in Reykjavik be having her dinner about now?", 'call:time_in{city:"Reykjavik"}'),
        ("Has the Tokyo team gone home for the day yet?", 'call:time_in{city:"Tokyo"}'),
        ("um jarvis whats the time for my niece in mexico city", 'call:time_in{city:"Mexico City"}'),
        ("I promised to ring my old flatmate in Athens after work; is it evening there yet?", 'call:time_in{city:"Athens"}'),
    )),
)
