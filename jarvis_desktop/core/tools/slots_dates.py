"""Dates read from the user's words for the clock tools (weekday, days_until, date_in): the
readers of slots.py's table, where the words name one date, or one span of days, for certain."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime

from jarvis_desktop.core.persona import ORDINALS, read_number
from jarvis_desktop.core.tools.slots_desktop import DROP
from jarvis_desktop.core.tools.slots_words import tokens

__all__ = ["NAMED", "one_date", "date_in"]


_PAST = re.compile(r"\b(?:since|ago|last|was|were|did|born|back)\b")


_ORDINALS = {w: n for w, n in ORDINALS.items() if n <= 20 or n == 30}  # the days of a month


def _ordinal_days(s: str) -> str:
    """Days of the month said in words as digits, where a month is named beside them: "the
    fourth of july" -> "the 4th of july", "june twenty first" -> "june 21st"."""
    import jarvis_desktop.core.tools.clock as clock
    months = "|".join(sorted(clock._MONTHS, key=len, reverse=True))
    word = "|".join(sorted(_ORDINALS, key=len, reverse=True))

    def digits(m: re.Match) -> str:
        groups = m.groupdict()
        tens = {"twenty": 20, "thirty": 30}.get(groups.get("t") or groups.get("t2") or "", 0)
        return f"{tens + _ORDINALS[groups.get('o') or groups.get('o2')]}th"
    s = re.sub(rf"\b(?:(?P<t>twenty|thirty)[ -])?(?P<o>{word})\b(?= of (?:{months})\b)", digits, s)
    return re.sub(rf"\b(?P<m>{months}) (?:the )?(?:(?P<t2>twenty|thirty)[ -])?(?P<o2>{word})\b",
                  lambda m: f"{m['m']} {digits(m)}", s)


def _date_mentions(s: str, today: date) -> list[tuple[str, bool]]:
    """The dates named in ``s`` (year-month-day, or month-day for the next such day), in order,
    each with whether its year was said; days gone by ("since Christmas") are the last such day."""
    import jarvis_desktop.core.tools.clock as clock
    s = _ordinal_days(s)
    found: list[tuple[int, int, str, bool]] = []
    past = bool(_PAST.search(s))

    def add(span: tuple[int, int], month: int, day: int, year: str | None) -> None:
        if any(a < span[1] and span[0] < b for a, b, _, _ in found):
            return
        if not year and re.match(r",? (?:eighteen|nineteen|twenty|two thousand)\b", s[span[1]:]):
            found.append((*span, "?", True))  # a year said in words ("nineteen ninety nine"): the model's reading stands
            return
        if year:
            text = f"{int(year):04d}-{month:02d}-{day:02d}"
        elif past:
            when = date(today.year, month, day) if _valid(today.year, month, day) else None
            if when is None or when > today:
                when = date(today.year - 1, month, day) if _valid(today.year - 1, month, day) else None
            if when is None:
                return
            text = when.isoformat()
        else:
            text = f"{month:02d}-{day:02d}"
        found.append((*span, text, bool(year)))

    for pattern, day_group, month_group in ((clock._DAY_MONTH, 1, 2), (clock._MONTH_DAY_WORDS, 2, 1)):
        for m in pattern.finditer(s):
            if re.match(r"[a-z]", s[m.end():m.end() + 1]):
                continue
            month, day = clock._MONTHS.get(m[month_group].lower().rstrip(".")), int(m[day_group])
            if month and _valid(int(m[3]) if m[3] else 2024, month, day):
                add(m.span(), month, day, m[3])
    for m in re.finditer(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{4}))?\b", s):
        if _valid(int(m[3]) if m[3] else 2024, int(m[2]), int(m[1])):
            add(m.span(), int(m[2]), int(m[1]), m[3])
    for name in sorted(NAMED, key=len, reverse=True):
        for m in re.finditer(rf"\b{re.escape(name)}\b(?:,? (\d{{4}})\b)?", s):
            add(m.span(), *NAMED[name], m[1])
    loose = [m for m in re.finditer(r"\b\d{1,2}(?:st|nd|rd|th)\b", s)
             if not any(a <= m.start() < b for a, b, _, _ in found)]
    if found and loose:  # "the 3rd or the 4th of May": which?
        return [(text, year) for _, _, text, year in found] + [("?", False)]
    if not found and (m := re.search(r"\b(?:end of|left in) the month\b", s)):
        found.append((*m.span(), f"{today.month:02d}-{calendar.monthrange(today.year, today.month)[1]:02d}", False))
    if not found and (m := re.search(r"\bthe (\d{1,2})(?:st|nd|rd|th)\b(?! of)", s)):
        day = int(m[1])
        month, year = today.month, today.year
        if past and day > today.day:  # "which day was the 10th": this month's, or last month's
            month, year = (12, year - 1) if month == 1 else (month - 1, year)
        elif not past and day < today.day:
            month, year = (1, year + 1) if month == 12 else (month + 1, year)
        if _valid(year, month, day):
            found.append((*m.span(), date(year, month, day).isoformat() if past else f"{month:02d}-{day:02d}", past))
    return [(text, year) for _, _, text, year in sorted(found)]


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _named_days() -> dict[str, tuple[int, int]]:
    import jarvis_desktop.core.tools.clock as clock
    names = {k: v for k, v in clock._NAMED_DAYS.items()}
    names.update({"may day": (5, 1), "armistice day": (11, 11), "remembrance day": (11, 11),
                  "guy fawkes": (11, 5), "new year's day": (1, 1)})
    return names


NAMED = _named_days()


def one_date(s: str, args: dict, now: datetime) -> dict:
    found = _date_mentions(s, now.date())
    dates = {text for text, _ in found}
    dated = {text for text, year in found if year}
    if dated and all(d[-5:] in {e[-5:] for e in dated} for d in dates):
        dates = dated  # "Armistice Day, 11 November 1918": one day, its year said once
    return {"date": dates.pop()} if len(dates) == 1 and "?" not in dates else {}


_SPAN = re.compile(r"\b(?P<n>[\w.-]+(?: (?:and )?[\w-]+){0,3}?) (?P<u>days?|weeks?|fortnights?)\b")


def date_in(s: str, args: dict, now: datetime) -> dict:
    """"10 days from now", "three weeks ago", "a fortnight back", "tomorrow", "a week today"."""
    readings, back = [], False
    for m in _SPAN.finditer(s):
        back = back or bool(re.match(r"\s*(?:ago|back|before|earlier)\b", s[m.end():]))
        words = tokens(m["n"])
        for k in range(len(words)):  # the number is the words nearest the unit
            read = read_number(words, k)
            if read and read[1] == len(words):
                value = read[0]
                break
        else:
            value = 1 if words[-1:] in (["a"], ["an"], ["one"]) else None
        if value is None or not float(value).is_integer():
            continue
        unit = m["u"].rstrip("s")
        weeks = value * 2 if unit == "fortnight" else value if unit == "week" else 0
        days = value if unit == "day" else 0
        readings.append((int(days), int(weeks)))
    if not readings:
        if re.search(r"\bday after tomorrow\b", s):
            readings = [(2, 0)]
        elif re.search(r"\bday before yesterday\b", s):
            return {"days": -2, "weeks": DROP}
        elif re.search(r"\btomorrow\b", s):
            readings = [(1, 0)]
        elif re.search(r"\byesterday\b", s):
            return {"days": -1, "weeks": DROP}
    back = back or bool(re.search(r"\b(?:ago|previous)\b|\b(?:count|counting|counted|go|going|went|look|looking|"
                                  r"think|thinking|step|stepping) back\b|\bbefore today\b", s))
    if len(readings) != 1 or (readings[0] not in ((1, 0), (2, 0)) and re.search(r"\b(?:tomorrow|yesterday)\b", s)):
        return {}  # "a week tomorrow": the model's sum
    days, weeks = readings[0]
    sign = -1 if back else 1
    return {"days": sign * days if days else DROP, "weeks": sign * weeks if weeks else DROP}
