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
from jarvis_desktop.core.tools.clock_examples import EXAMPLES

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
    "the big apple": ("New York", "America/New_York"),
    "big apple": ("New York", "America/New_York"),
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
    Tool("time_now", "The time now.", (), time_now, examples=EXAMPLES["time_now"]),
    Tool("date_today", "Today's date, with its weekday and year.", (), date_today, examples=EXAMPLES["date_today"]),
    Tool("weekday", "The day of the week a date falls on.", (_DATE,), weekday, examples=EXAMPLES["weekday"]),
    Tool("days_until", "How many days from today to a date, or since it where it has passed.",
         (_DATE,), days_until, examples=EXAMPLES["days_until"]),
    Tool("date_in", "The date a number of days (and weeks) from today; negative for ago.",
         (Param("days", int, "days from today; negative for days ago", required=False),
          Param("weeks", int, "weeks from today; negative for weeks ago", required=False)),
         date_in, examples=EXAMPLES["date_in"]),
    Tool("time_in", "The time now in another city, and how far ahead or behind it is.",
         (Param("city", str, 'a city, e.g. "Tokyo", "New York"'),), time_in, examples=EXAMPLES["time_in"]),
)
