"""Local skills that answer before the model: sums, the time and date, timers and reminders.

The model is a 270M-parameter fine-tune: it cannot multiply reliably and does not know what day
it is.  ``Skills.handle`` recognises the few requests it would get wrong and answers them in
Jarvis's voice; ``None`` means "not a skill request: let the model answer".  Recognition is
deliberately narrow (whole-sentence patterns; a sum must be made of nothing but numbers and
operators) so ordinary chat that merely contains numbers still reaches the model.  Sums are
turned into an expression and computed by ``arith.evaluate``, never ``eval``.
"""

from __future__ import annotations

import calendar
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable

from jarvis_desktop.core.arith import ArithmeticError_, evaluate
from jarvis_desktop.core.persona import DAY_NAMES, MONTH_NAMES, ordinal, read_number, spoken_date, spoken_time, with_article
from jarvis_desktop.core.spoken_sums import infix
from jarvis_desktop.core.timers import (DURATION, MAX_AHEAD, Timer, TimerService, bare_tails, clock_due, describe,
                                   duration_seconds, find_clock, half_hours, spoken_duration, spoken_task,
                                   timer_label, timer_name, when_phrase)

__all__ = ["Skills", "SkillResult", "format_number"]


@dataclass
class SkillResult:
    """A reply made without the model; ``skill`` is calculator/time/date/timer/reminder."""

    reply: str
    skill: str
    data: dict = field(default_factory=dict)


def _format(value: int | float) -> tuple[str, bool]:
    """Spoken-friendly text for a number, and whether it was rounded."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value), False
    if value < 0:
        text, approx = _format(-value)
        return f"minus {text}", approx
    if isinstance(value, int) or (value.is_integer() and value < 1e15):
        return f"{int(value):,}", False
    if value >= 1e15:  # a float this large has lost its last digits anyway
        exp = math.floor(math.log10(value))
        return f"{value / 10 ** exp:.4g} times 10 to the power of {exp}", True
    # Four decimals above 1; below 1, four significant digits (0.000123, not 0.0001).
    decimals = 4 if value >= 1 else 3 - math.floor(math.log10(value))
    text = f"{value:,.{decimals}f}".rstrip("0").rstrip(".")
    # 0.1 + 0.2 is 0.30000000000000004 in binary: that is 0.3, not "approximately 0.3".
    return text, not math.isclose(float(text.replace(",", "")), value, rel_tol=1e-9)


def format_number(value: int | float) -> str:
    """391 -> "391", 1296 -> "1,296", 3.0 -> "3", 1/3 -> "0.3333", -5 -> "minus 5"."""
    return _format(value)[0]


# Requests are matched on whole sentences after these are stripped.
_WAKE = re.compile(r"^(?:(?:hey|hi|ok|okay)\s+)?jarvis\b[\s,:.!]*", re.I)
_POLITE = (r"(?:(?:can|could|would|will) you (?:please )?|please |i(?:'d| would) like (?:you to )?"
           r"|i (?:want|need) (?:you to )?)*")

_CALC_PREFIX = re.compile(r"^(?:(?:can|could|would|will) you |please |(?:tell|show|give) me |"
                          r"(?:work|figure) out |calculate |compute |evaluate |solve |"
                          r"what(?:'s|s| is| does| do| are)? |how much (?:is |are |does )?)+")
_CALC_SUFFIX = re.compile(r"(?:\s*=|\s+(?:is|are|equals?|equal to|makes?|comes? to|gives?(?: you)?))+$")
_CALC_PHRASES = [(re.compile(p), r) for p, r in (
    (r"\b(?:raised )?to the power of\b|\^", " ** "),
    (r"\bsquared\b", " ** 2 "),
    (r"\bcubed\b", " ** 3 "),
    (r"\b(?:the )?square root of\b|\bsqrt of\b", " sqrt "),
    (r"\s*(?:%|\bpercent|\bper cent) of\b", " %of "),
    (r"\bmultiplied by\b|\btimes\b|×", " * "),
    (r"\bdivided by\b|\bover\b|÷", " / "),
    (r"\bplus\b|\badded to\b", " + "),
    (r"\bminus\b|\btake away\b|\bnegative\b", " - "),
    (r"\bmod(?:ulo)?\b", " % "),
)]
_CALC_TOKEN = re.compile(r"\s*(?:(?P<num>\d+(?:\.\d+)?|\.\d+)|(?P<op>\*\*|%of|[-+*/%(),])"
                         r"|(?P<word>[a-z]+)|(?P<bad>\S))")

_TIME_Q = re.compile(r"^(?:what(?:'s|s| is) the time(?: now)?|what time is it(?: now| right now)?"
                     r"|what time's it|(?:have you got|do you have|tell me|give me) the time"
                     r"|(?:the )?(?:current )?time(?: now)?)$")
_DATE_Q = re.compile(r"^(?:what(?:'s|s| is) (?:the date|today's date|todays date|the day|today)(?: today)?"
                     r"|(?:what|which) date is it(?: today)?|(?:what|which) day is (?:it|today)(?: today)?"
                     r"|today is what (?:day|date)|(?:today's |todays |the )?date|tell me the date"
                     r"|what day of the week is it)$")
_YEAR_Q = re.compile(r"^(?:what|which) year is it(?: now)?$")
_BOTH_Q = re.compile(r"^what(?:'s|s| is) the (?:time and date|date and time)$")
# The calendar's own facts (v4: "is it a leap year" was not certain; "how many days are there in
# february this year" was the days until 5 February)
_WHICH_YEAR = r"(?P<year>it|this year|next year|last year|\d{4})"
_LEAP_Q = re.compile(rf"^(?:is|was|will) {_WHICH_YEAR}(?: be| going to be)? a leap year$")
_MONTHS = [m.lower() for m in MONTH_NAMES]
_DAYS_IN_Q = re.compile(r"^how many days (?:are there |are |is there |does |do )?in (?:the month of )?"
                        rf"(?P<month>{'|'.join(_MONTHS)}|a year|the year)"
                        r"(?: (?:have|got))?(?: (?P<year>this year|next year|last year|\d{4}))?(?: have)?$")
_WEEKS_Q = re.compile(r"^how many weeks (?:are there |are |is there )?in a year$")
# "what's the date next friday" (v4: today's date): "next" is this coming one to some and the one
# after to others, so both are said
_DAYS = "|".join(d.lower() for d in DAY_NAMES)
_WEEKDAY_DATE_Q = re.compile(rf"^(?:what(?:'s|s| is) the date|what date is(?: it)?) (?:on )?(?P<which>this coming |"
                             rf"this |next |coming )?(?P<day>{_DAYS})(?: coming)?$")
# "what time will it be in 3 hours" (v4: the time now); "what time is it in Tokyo" is another city's
_TIME_AFTER_Q = re.compile(rf"^what(?: time will it be|'s the time|s the time| is the time| time is it) in "
                           rf"(?P<d>{DURATION})(?: from now| time)?$")

_CANCEL = re.compile(rf"^{_POLITE}(?:cancel|stop|clear|delete|remove|dismiss|turn off|switch off|forget)"
                     r"\b(?P<rest>.*\b(?:timers?|reminders?)\b.*)$", re.I)
_LIST = re.compile(rf"^{_POLITE}(?:(?:what|which) (?:timers?|reminders?)\b"
                   r"|(?:what|which)(?:'s|s| is| are) (?:my|the) (?:timers?|reminders?)\b"
                   r"|(?:do|have) i (?:have|got) any (?:timers?|reminders?)\b"
                   r"|(?:are|is) there any (?:timers?|reminders?)\b|any (?:timers?|reminders?)$"
                   r"|(?:list|show)(?: me)?(?: all)?(?: my| the)? (?:timers?|reminders?)\b"
                   r"|how (?:long|much time)(?: is| have i got| do i have)? left"
                   r"(?: on (?:the|my) timers?)?$)", re.I)
_REMIND = re.compile(rf"^{_POLITE}(?:remind me|set (?:me )?a reminder|(?:add|create|make) a reminder"
                     r"|new reminder|reminder)\b(?P<rest>.*)$", re.I)
_SET_TIMER = re.compile(rf"^{_POLITE}(?:(?:set|start|create|make|put|begin|give me)\b.*\btimer\b"
                        rf"|(?:a |an )?timer\b|(?:a |an )?{DURATION} timer$)", re.I)
_CANCEL_FILLER = {"the", "my", "a", "an", "all", "that", "this", "those", "these", "every", "both",
                  "timer", "timers", "reminder", "reminders", "to", "for", "about", "please", "of"}
_TOO_FAR = "I'm afraid that is rather further ahead than I can keep track of, {h}."
_COUNT_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def _count(n: int, noun: str) -> str:
    word = _COUNT_WORDS[n] if n < len(_COUNT_WORDS) else str(n)
    return f"{word} {noun}{'' if n == 1 else 's'}"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


class Skills:
    """Answers sums, time/date questions and timer/reminder requests without the model."""

    def __init__(self, timers: TimerService, clock: Callable[[], datetime] = datetime.now):
        self.timers = timers
        self.clock = clock

    def handle(self, text: str, honorific: str) -> SkillResult | None:
        """A reply for ``text`` addressed with ``honorific`` ("sir", "madam" or a name), or None."""
        h = honorific.strip() or "sir"
        if len(text) > 200:  # a paragraph is conversation, not a command
            return None
        s = self._normalise(text, h)
        if not s:
            return None
        now = self.clock()
        if m := _CANCEL.match(s):
            return self._cancel(m.group("rest"), h, now)
        if _LIST.match(s):
            return self._list(s.lower(), h, now)
        # "remind me what we said" is a question for the model; a reminder goes on with one of these.
        if (m := _REMIND.match(s)) and re.match(r"(?:\s+(?:to|that|about|at|in|on|after|for|by|around|"
                                               r"tomorrow|tonight|this|when)\b|\s*$)", m.group("rest"), re.I):
            return self._remind(m.group("rest"), h, now)
        if _SET_TIMER.match(s):
            return self._set_timer(s, h, now)
        return self._clock(s.lower(), h, now) or self._calculate(s.lower(), h)

    @staticmethod
    def _normalise(text: str, h: str) -> str:
        s = text.strip().replace("\u2019", "'").replace("\u2018", "'")
        s = _WAKE.sub("", s)
        tail = rf"(?:[\s,]+(?:please|jarvis|sir|madam|{re.escape(h)}))*[\s?.!]*$"
        s = re.sub(tail, "", " " + s, flags=re.I).strip()
        s = re.sub(r"^(?:please|and|so|ok|okay)\b[\s,]*", "", s, flags=re.I)
        s = re.sub(r"(?<=[a-z])-(?=[a-z])|(?<=\d)-(?=[a-z])", " ", s, flags=re.I)  # twenty-three, 5-minute
        s = re.sub(r"(?<=\d),(?=\d{3}\b)", "", s)  # 1,296
        s = re.sub(r"[,;!]|(?<!\d):|:(?!\d)", " ", s)
        return re.sub(r"\s+", " ", s).strip()

    # -- calculator ------------------------------------------------------------------------

    def _calculate(self, low: str, h: str) -> SkillResult | None:
        expr = _expression(_CALC_SUFFIX.sub("", _CALC_PREFIX.sub("", low)).strip())
        if expr is None:
            return None
        data = {"expression": expr}
        try:
            value = evaluate(expr)
        except ArithmeticError_ as exc:
            if "division by zero" in str(exc):
                reply = f"I'm afraid dividing by zero is beyond even my talents, {h}."
            elif "large" in str(exc) or "range" in str(exc):
                reply = f"I'm afraid that number is rather too large to put a figure on, {h}."
            else:
                reply = f"I'm afraid I couldn't make that sum out, {h}. Might you put it another way?"
            return SkillResult(reply, "calculator", {**data, "error": str(exc)})
        except (ValueError, TypeError) as exc:  # sqrt of a negative, from math
            return SkillResult(f"I'm afraid that has no real answer, {h}.", "calculator",
                               {**data, "error": str(exc)})
        text, approx = _format(value)
        return SkillResult(f"That comes to {'approximately ' if approx else ''}{text}, {h}.",
                           "calculator", {**data, "value": value})

    # -- time and date ---------------------------------------------------------------------

    @staticmethod
    def _clock(low: str, h: str, now: datetime) -> SkillResult | None:
        data = {"now": now.isoformat(timespec="seconds")}
        if _TIME_Q.match(low):
            return SkillResult(f"It's {spoken_time(now)}, {h}.", "time", data)
        if _DATE_Q.match(low):
            return SkillResult(f"It's {spoken_date(now)}, {h}.", "date", data)
        if _YEAR_Q.match(low):
            return SkillResult(f"It's {now.year}, {h}.", "date", data)
        if _BOTH_Q.match(low):
            return SkillResult(f"It's {spoken_time(now)} on {spoken_date(now)}, {h}.", "time", data)
        if (m := _TIME_AFTER_Q.match(low)) and 0 < (secs := duration_seconds(m["d"])) <= 7 * 86400:
            then = now + timedelta(seconds=secs)
            day = "" if then.date() == now.date() else (" tomorrow" if (then.date() - now.date()).days == 1
                                                       else f" on {spoken_date(then)}")
            return SkillResult(f"In {spoken_duration(secs)} it will be {spoken_time(then)}{day}, {h}.", "time",
                               {**data, "then": then.isoformat(timespec="seconds")})
        if m := _WEEKDAY_DATE_Q.match(low):
            ahead = (_DAYS.split("|").index(m["day"]) - now.weekday() - 1) % 7 + 1  # 1 to 7 days on
            coming, after = now + timedelta(days=ahead), now + timedelta(days=ahead + 7)
            data = {**data, "coming": coming.date().isoformat(), "after": after.date().isoformat()}
            if (m["which"] or "").strip() == "next":
                return SkillResult(f"{spoken_date(coming)} is this coming one, {h}; the one after is the "
                                   f"{ordinal(after.day)} of {MONTH_NAMES[after.month - 1]}.", "date", data)
            return SkillResult(f"It's {spoken_date(coming)}, {h}.", "date", data)
        return _calendar(low, h, now)

    # -- timers and reminders --------------------------------------------------------------

    def _set_timer(self, s: str, h: str, now: datetime) -> SkillResult:
        s = bare_tails(s)  # "an hour twenty" is 80 minutes, not an hour with "twenty" for a name
        found = re.search(DURATION, s, re.I)
        secs = duration_seconds(found.group()) if found else 0
        if not secs:
            return SkillResult(f"Certainly, {h}. For how long shall I set it?", "timer",
                               {"needs": "duration"})
        if secs > MAX_AHEAD.total_seconds():
            return SkillResult(_TOO_FAR.format(h=h), "timer", {"needs": "duration"})
        rest = s[:found.start()] + " " + s[found.end():]
        name = timer_label(rest)
        length = timer_name(secs)
        due = now + timedelta(seconds=secs)
        timer = self.timers.add(due, name or length, "timer")
        what = f"{with_article(name)} timer for {spoken_duration(secs)}" if name else \
            f"{with_article(length)} timer"
        # "due at 2:05 pm" says nothing useful about a 30-second timer.
        when = "starting now" if secs < 120 else f"due {when_phrase(due, now)}"
        return SkillResult(f"Very good, {h}: {what}, {when}.", "timer", _data(timer))

    def _remind(self, rest: str, h: str, now: datetime) -> SkillResult:
        cut: list[tuple[int, int]] = []
        due = None
        rest = half_hours(bare_tails(rest))  # "in an hour twenty to check the oven"; "at half five"
        if rel := re.search(rf"\b(?:in|after) (?:another )?(?P<d>{DURATION})", rest, re.I):
            secs = duration_seconds(rel.group("d"))
            if secs > MAX_AHEAD.total_seconds():
                return SkillResult(_TOO_FAR.format(h=h), "reminder", {"needs": "time"})
            due = now + timedelta(seconds=secs) if secs else None
            cut.append(rel.span())
        else:
            clock = find_clock(rest)
            if isinstance(clock, str):
                return SkillResult(f"I'm afraid {clock} isn't a time I recognise, {h}.", "reminder",
                                   {"needs": "time"})
            day = re.search(r"\b(?:tomorrow|tonight|this (?:morning|afternoon|evening)|in the "
                            r"(?:morning|afternoon|evening))(?: (?:morning|afternoon|evening|night))?\b(?!')",
                            rest, re.I)
            if day:
                cut.append(day.span())
            if clock:
                cut.append(clock.span)
                due = clock_due(now, clock, day.group().lower() if day else "")
        label = rest
        for start, end in sorted(cut, reverse=True):
            label = label[:start] + " " + label[end:]
        label = re.sub(r"\s+", " ", label).strip()
        label = re.sub(r"^(?:to|and|for)\b\s*|\s*\b(?:and|please)$", "", label, flags=re.I).strip()
        if due is None:
            task = f" {spoken_task(label)}" if label else ""
            ask = f"When shall I remind you{task}?" if label else "What shall I remind you of, and when?"
            return SkillResult(f"Certainly, {h}. {ask}", "reminder", {"needs": "time", "label": label})
        timer = self.timers.add(due, label, "reminder")
        task = f" {spoken_task(label)}" if label else ""
        when = when_phrase(due, now)
        if rel:
            when = f"in {spoken_duration((due - now).total_seconds())}, {when}"
        return SkillResult(f"Very good, {h}: I'll remind you{task} {when}.", "reminder", _data(timer))

    def _cancel(self, rest: str, h: str, now: datetime) -> SkillResult:
        low = rest.lower()
        kind = "timer" if re.search(r"\btimers?\b", low) else "reminder"
        pending = self.timers.pending(kind)
        if not pending:
            return SkillResult(f"There's no {kind} to cancel, {h}.", kind, {"cancelled": []})
        if re.search(r"\b(?:timers|reminders|all|every|both)\b", low):
            gone = self.timers.cancel_all(kind)
            return SkillResult(f"Very good, {h}: I've cancelled {_count(len(gone), kind)}.", kind,
                               {"cancelled": [t.id for t in gone]})
        hints = [w for w in re.findall(r"[a-z0-9']+", low) if w not in _CANCEL_FILLER]
        chosen = [t for t in pending if all(w in t.label.lower() for w in hints)]
        if not chosen:
            items = _join([describe(t, now) for t in pending])
            return SkillResult(f"I can't find that {kind}, {h}. You have {items}.", kind,
                               {"cancelled": [], "needs": "which"})
        if len(chosen) > 1:
            items = _join([describe(t, now) for t in chosen])
            return SkillResult(f"Which one, {h}? You have {items}. Or shall I cancel all of them?",
                               kind, {"cancelled": [], "needs": "which"})
        t = chosen[0]
        self.timers.cancel(t.id)
        what = f"the {t.label} timer" if kind == "timer" else \
            f"the reminder {spoken_task(t.label) + ' ' if t.label else ''}{when_phrase(t.due_at, now)}"
        return SkillResult(f"Very good, {h}: I've cancelled {what}.", kind, {"cancelled": [t.id]})

    def _list(self, low: str, h: str, now: datetime) -> SkillResult:
        kinds = [k for k in ("timer", "reminder") if re.search(rf"\b{k}s?\b", low)]
        if not kinds:
            kinds = ["timer"] if low.startswith("how") else ["timer", "reminder"]
        items = [t for k in kinds for t in self.timers.pending(k)]  # timers first, then reminders
        skill = kinds[0] if len(kinds) == 1 else "timer"
        data = {"timers": [_data(t) for t in items]}
        if not items:
            none = {"timer": "no timers running", "reminder": "no reminders set"}
            others = self.timers.pending("reminder") if kinds == ["timer"] else []
            if others:  # "what timers have I got" with an alarm set (a reminder): said, not hidden
                data = {"timers": [_data(t) for t in others]}
                return SkillResult(f"You have no timers running, {h}, but {_count(len(others), 'reminder')}: "
                                   f"{_join([describe(t, now) for t in others])}.", skill, data)
            return SkillResult(f"You have {' or '.join(none[k] for k in kinds)}, {h}.", skill, data)
        said = []
        for t in items:
            left = (t.due_at - now).total_seconds()
            # Within the hour, "with 4 minutes to go" is what one wants to hear, not the clock.
            said.append(f"{with_article(t.label)} timer with {spoken_duration(left)} to go"
                        if t.kind == "timer" and left < 3600 else describe(t, now))
        counts = [_count(sum(t.kind == k for t in items), k) for k in kinds
                  if any(t.kind == k for t in items)]
        return SkillResult(f"You have {' and '.join(counts)}, {h}: {_join(said)}.", skill, data)


def _year(said: str | None, now: datetime) -> int:
    """"next year" -> now.year + 1, "2028" -> 2028, "it" or nothing -> this year."""
    said = said or ""
    return int(said) if said.isdigit() else now.year + {"next year": 1, "last year": -1}.get(said, 0)


def _next_leap(year: int) -> int:
    return next(y for y in range(year + 1, year + 9) if calendar.isleap(y))


def _calendar(low: str, h: str, now: datetime) -> SkillResult | None:
    """Leap years, days in a month or a year, weeks in a year: the calendar's facts."""
    if m := _LEAP_Q.match(low):
        year = _year(m["year"], now)
        data = {"year": year, "leap": calendar.isleap(year)}
        if calendar.isleap(year):
            return SkillResult(f"Yes, {h}: {year} is a leap year, so February has 29 days.", "date", data)
        return SkillResult(f"No, {h}: {year} is not a leap year; the next is {_next_leap(year)}.", "date", data)
    if m := _DAYS_IN_Q.match(low):
        year = _year(m["year"], now)
        if m["month"] in ("a year", "the year"):
            days = 366 if calendar.isleap(year) else 365
            data = {"year": year, "days": days}
            if m["year"]:
                return SkillResult(f"{year} has {days} days, {h}.", "date", data)
            return SkillResult(f"365 days, {h}, or 366 in a leap year; {year} has {days}.", "date", data)
        month = _MONTHS.index(m["month"]) + 1
        days = calendar.monthrange(year, month)[1]
        data = {"year": year, "month": month, "days": days}
        name = m["month"].capitalize()
        if month == 2 and calendar.isleap(year):
            return SkillResult(f"February has 29 days in {year}, {h}: a leap year.", "date", data)
        if month == 2:
            return SkillResult(f"February has 28 days in {year}, {h}; 29 in a leap year, the next being "
                               f"{_next_leap(year)}.", "date", data)
        return SkillResult(f"{name} has {days} days, {h}.", "date", data)
    if _WEEKS_Q.match(low):
        return SkillResult(f"52 weeks and a day, {h}; and two days in a leap year.", "date", {"weeks": 52})
    return None


def _expression(text: str) -> str | None:
    """The words of a sum as an ``arith`` expression, or None if anything else is in them
    (spoken_sums.infix first: "divide 120 by 8", "two to the sixteenth", "... rounded")."""
    text = infix(text)
    for pattern, replacement in _CALC_PHRASES:
        text = pattern.sub(replacement, text)
    tokens = []
    for m in _CALC_TOKEN.finditer(text):
        if m.group("bad"):
            return None  # quotes, underscores, brackets of code: not a sum
        tokens.append(m.group(m.lastgroup))
    out: list[str] = []
    operators = 0
    i = 0
    while i < len(tokens):
        if read := read_number(tokens, i):
            out.append(repr(read[0]))
            i = read[1]
            continue
        t = tokens[i]
        i += 1
        if t in ("round", "cbrt") and tokens[i:i + 1] == ["("]:
            out.append(t)  # written so by spoken_sums: "... rounded", "the cube root of 64"
            operators += 1
        elif t == "sqrt":
            operators += 1
            if i < len(tokens) and tokens[i] == "(":
                out.append("sqrt")
            elif read := read_number(tokens, i + (sign := tokens[i:i + 1] == ["-"])):
                out.append(f"sqrt({'-' if sign else ''}{read[0]!r})")  # sqrt of minus 4: no real answer
                i = read[1]
            else:
                return None
        elif t == "%of":
            out.append("/100*")
            operators += 1
        elif t == ",":
            if "round" not in out:
                return None  # a comma only between round's two arguments
            out.append(",")
        elif t in ("x", "*", "+", "-", "/", "**", "%", "(", ")"):
            if t == "x" and not (out and out[-1][-1] in "0123456789)"):
                return None
            out.append("*" if t == "x" else t)
            operators += t not in "()"
        elif t != "the":
            return None  # a word that is not arithmetic: this is conversation
    return " ".join(out) if operators and out else None


def _data(timer: Timer) -> dict:
    return {"id": timer.id, "due": timer.due, "label": timer.label, "kind": timer.kind}
