"""Requests the user's words make whole (tools/slots.py reads their arguments): a call the model
made to one tool read as its neighbour's, and the tools a message is a whole request for, for a
router in two minds (tools/router.py) and the calls beyond doubt (Toolbox.beyond_doubt).
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Mapping

from jarvis_desktop.core.memory_words import asks, drops_a_note, keeps
from jarvis_desktop.core.tools.cues import asks_of_jarvis, is_follow_up, named_instead
from jarvis_desktop.core.tools.base import Tool
from jarvis_desktop.core.tools.slots import _NUDGE, DROP, READERS, _cancel_timer
from jarvis_desktop.core.tools.slots_dates import NAMED
from jarvis_desktop.core.tools.slots_desktop import TIME_ASKED
from jarvis_desktop.core.tools.slots_words import plain as _plain

log = logging.getLogger(__name__)

__all__ = ["neighbour", "read_in_full", "reminder_time_said", "NEIGHBOURS", "IN_FULL", "ASKED", "TIMER_WORDS"]


# -- a neighbour's call, where the words are one in full ---------------------------------------

# Tools the small model takes for one another, and the neighbours a call to the first may be read
# as: "how many litres does a 5 gallon drum hold" written as a sum, "what's tomorrow's date" as
# today's date, "the remainder when you divide 100 by 7" as a percentage, "which app is eating all the memory" (and "a 256 gig phone how many megabytes is
# that") as the memory in use, "show me my music
# folder" as an app or as what Jarvis remembers, "how many days till the 28th" as 28 days on, "eight of
# us on a 400 pound dinner with 15 percent on top" as the tip alone.  (And a ``remember`` of a question, "can I have
# milk in things?", is asked of the memory as ``recall``: a question is never a fact to keep.)
# Only where the chosen tool's own reader reads nothing from the words and the
# neighbour's reads every argument it needs (a whole conversion: an amount, a unit and a unit it
# converts to), so a call the words fit is never moved.
# Whatever in the words may give a date: a number, a month, an ordinal, a day or a time of year,
# a day named relative to today ("tomorrow", "next friday"), or one of the user's own days
_DATE_SAID = re.compile(
    r"\d|\b(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\b|\bmay\b|"
    r"\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|[a-z]+teenth|"
    r"twentieth|thirtieth|[a-z]+ first|[a-z]+ second|[a-z]+ third)\b|"
    r"\b(?:tomorrow|yesterday|tonight|next|last|coming|following|after|before|ago|since|until|till|in a|"
    r"weeks?|fortnight|month|year|birthday|anniversary|eve|day of|holiday|bank|half term|term|new year)\b|"
    r"\b(?:christmas|xmas|easter|valentine|bonfire|halloween|hogmanay|burns|patrick|george|andrew|david|mother|"
    r"father|pancake|shrove|solstice|equinox|guy fawkes|armistice|remembrance|boxing)")


def _named_said(s: str) -> bool:
    return any(re.search(rf"\b{re.escape(name)}", s) for name in NAMED)


NEIGHBOURS: dict[str, tuple[str, ...]] = {
    "calculate": ("convert", "percent", "split_bill"), "disk_free": ("convert",),
    "date_today": ("date_in",), "days_until": ("date_in",), "date_in": ("days_until",),
    "percent": ("split_bill", "calculate"),
    "cpu_load": ("top_processes",), "memory": ("top_processes", "convert"),
    "open_app": ("open_folder",), "list_memories": ("open_folder",),
    # "Me, my brother and my dad are buying mum a £150 gift between us. What does each of us put
    # in?" as a recall, "We're three and the tab is 58.40." as 3 times 58.4 minutes
    "recall": ("split_bill", "percent", "calculate"), "total_duration": ("split_bill", "percent", "calculate"),
}


def _found(tool: str, s: str, now: datetime) -> dict:
    """What ``tool``'s reader reads from the plain words ``s`` on its own (no model's call)."""
    return {k: v for k, v in READERS[tool](s, {}, now).items() if v is not DROP}


_HOW_LONG_TILL = re.compile(r"\bhow (?:long|many (?:days|weeks|sleeps))\b.*\b(?:till|until|til|to|before)\b"
                            r"|\bdays? (?:left|to go)\b|\bcount ?down (?:to|till|until)\b")
_WEEKDAY_ASKED = re.compile(r"\b(?:what|which) (?:day|weekday)\b|\bday of the week\b")
# the tools a count down to a date said in the words was written as ("how long until guy fawkes
# night" as the time now, or after an earlier turn as the computer's uptime; "countdown to the
# summer solstice the twenty first of june" as a 21-second timer)
_COUNTED_FROM = ("date_today", "time_now", "recall", "uptime", "set_timer")
TIMER_WORDS = re.compile(r"\b(?:timers?|reminders?|countdowns?|alarms?)\b", re.I)
# Turning the sound up or down in so many words ("bring it down a touch"), where a media call's
# action is named nowhere
_LOUDNESS = re.compile(r"\b(?:(?P<up>louder|(?:turn|crank|pump|whack) (?:it|that|this|things) up|up a (?:touch|notch|bit|tad|little|smidge))"
                       r"|quieter|softer|(?:turn|bring) (?:it|that|this|things) down|down a (?:touch|notch|bit|tad|little|smidge))\b")
# A reminder asked for, in the words of the data's reminders (plain words, as _plain leaves them)
REMIND_ASKED = re.compile(
    _NUDGE.pattern + r"|\bremind(?:er|ers|ing)?\b|\btell me (?:to|about|when)\b|\btap me\b|\bmake sure (?:i|we)\b"
    r"|\bshout at me\b|\bprompt me\b|\bjog my memory\b|\b(?:alert|warn|wake) me\b|\blet me know (?:to|when)\b")


def neighbour(tool: str, message: str, now: datetime, tools: Mapping[str, Tool],
              args: Mapping | None = None) -> tuple[str, dict] | None:
    """The neighbour of ``tool`` among ``tools`` that ``message`` reads as in full, with its
    arguments (``args``: the model's, where a neighbour takes one of them over), or None."""
    if tool == "remember" and "recall" in tools and asks(message):
        return "recall", {}  # a question is never a fact to keep: it is asked of the memory
    s = _plain(message)
    if tool == "media" and "volume" in tools and not READERS["media"](s, {}, now) \
            and (louder := _LOUDNESS.search(s)) and asks_of_jarvis(message):
        # "could you bring it down a touch" written as media{action:"stop"}: the sound, not the music
        return "volume", {"action": "up" if louder["up"] else "down"}
    if tool in ("remember", "cancel_timer") and "forget" in tools and drops_a_note(message) \
            and not TIMER_WORDS.search(message) \
            and "about" in (found := _found("forget", s, now)):
        # "You can drop the note about the piano tuner" asks for a note to go, not for one to keep
        return "forget", found
    if tool == "remember" and "remind_me" in tools and not keeps(message) and REMIND_ASKED.search(s) \
            and {"in_minutes", "at"} & (found := _found("remind_me", s, now)).keys() and "task" in found:
        # "remind me to call mum at six" asks for a reminder at a time, not for a fact to keep
        # (as "note that ..." with a reminder's time: Toolbox._said_in_full)
        return "remind_me", found
    if tool == "forget" and "cancel_timer" in tools and TIMER_WORDS.search(message):
        # "Forget about the pasta countdown": the memory keeps facts, not timers; a forget here
        # would erase every fact about pasta and leave the timer running
        found = _cancel_timer(s, {}, now)
        label = " ".join(w for w in str((args or {}).get("about", "")).split() if not TIMER_WORDS.fullmatch(w))
        if label and "all" not in found:
            found["label"] = label
        if re.search(r"\breminders?\b", message, re.I) and not re.search(r"\btimers?\b", message, re.I):
            found.setdefault("kind", "reminder")
        return "cancel_timer", {k: v for k, v in found.items() if v is not DROP}
    if tool == "recall" and "remind_me" in tools and _NUDGE.search(s):
        # "could you give me a nudge tomorrow at 10 to renew my passport" is no question for the memory
        found = _found("remind_me", s, now)
        if "in_minutes" in found or "at" in found:
            return "remind_me", found
    if tool == "weekday" and "date_today" in tools and not _DATE_SAID.search(s) and not _named_said(s) \
            and not is_follow_up(message):
        # "is it the weekend yet" written as weekday{date:"05-15"}: a date the words never gave, so the
        # day asked about is today
        return "date_today", {}
    if tool == "date_today" and "weekday" in tools and _WEEKDAY_ASKED.search(s) and _DATE_SAID.search(s) \
            and (found := _found("weekday", s, now)).get("date"):
        # "what day of the week is christmas this year" written as today's date: the weekday of the
        # date the words give
        return "weekday", found
    if tool in _COUNTED_FROM and "days_until" in tools and _HOW_LONG_TILL.search(s) \
            and (found := _found("days_until", s, now)).get("date"):
        # "how long till payday on the 28th" is no question of today's date, the time or the memory
        return "days_until", found
    if tool == "uptime" and "list_timers" in tools and TIMER_WORDS.search(message):
        return "list_timers", {}  # "How long until the timer goes off?" is no question about the computer
    if (other := named_instead(tool, message)) is not None and other in tools:
        # "jarvis power level" written as the processor's load: the battery; "is my birthday on
        # the 9th far away" written as its weekday: how far off (the date as the words say it)
        taken = {k: v for k, v in (args or {}).items() if any(p.name == k for p in tools[other].params)}
        return other, {**taken, **(_found(other, s, now) if other in READERS else {})}
    if tool not in NEIGHBOURS or not message.strip():
        return None
    try:
        if tool in READERS and READERS[tool](s, {}, now):
            return None  # the words fit the model's choice
        for other in (name for name in NEIGHBOURS[tool] if name in tools):
            required = [p.name for p in tools[other].params if p.required]
            found = _found(other, s, now)
            if found and all(name in found for name in required):
                # "what day was I born on the 3rd of April 1990" written as a date N days on: the
                # words give a date, which is days_until's to read, but they ask its weekday
                third = named_instead(other, message)
                if third in tools and third in READERS and (also := _found(third, s, now)) \
                        and all(p.name in also for p in tools[third].params if p.required):
                    other, found = third, also
                # the words are read in lower case: a value the model wrote as said keeps its capitals
                return other, {k: args[k] if isinstance(v, str) and str((args or {}).get(k, "")).casefold() == v
                               else v for k, v in found.items()}
    except Exception:  # noqa: BLE001 - as read_arguments: the model's call stands
        log.exception("reading %r as a neighbour of %s failed", message[:200], tool)
    return None


# -- a request the words answer in full, for a router in two minds --------------------------------

# Tools whose answer the words can carry whole, and what a reading must hold for it to be a
# whole request: a sum, a percentage, a bill and the people sharing it, a conversion (an amount,
# a unit and the unit wanted), a date, a span of days, a reminder's time, a city whose time is
# asked, a program on this computer.  All but remind_me only compute or read; a reminder is the
# one thing done, and it says what it set and is cancelled in a word.
# Nothing here has a reading that a chat about the subject would give by chance ("ten minutes
# early", "next week", "all day" read as a timer, a skip, a cancellation: those tools are left out).
IN_FULL: dict[str, tuple[tuple[str, ...], ...]] = {
    "calculate": (("expression",),), "percent": (("percent", "of"),), "split_bill": (("total", "people"),),
    "total_duration": (("count", "minutes"),), "convert": (("value", "from", "to"),),
    "weekday": (("date",),), "days_until": (("date",),), "date_in": (("days",), ("weeks",)),
    "remind_me": (("in_minutes",), ("at",)), "time_in": (("city",),), "explain_command": (("command",),),
}
# What else the words must say for these to be whole: the time asked somewhere, not a city named
# beside a time ("what time do the shops in Madrid open?"); a reminder asked for, not a time said
# ("What's a sensible time to go to bed if I get up at 6?" had read as a whole reminder at 18:00).
# explain_command's reading is already a question about a program on this computer ("what does chmod do").
ASKED: dict[str, re.Pattern] = {"time_in": TIME_ASKED, "remind_me": REMIND_ASKED}


def reminder_time_said(message: str, now: datetime) -> bool:
    """Whether ``message`` says a reminder's time ("at 3 tomorrow", "in 20 minutes"), asked for
    as a reminder or not: "don't let me forget the recycling at half six" is the model's to call
    a fact or a reminder (Toolbox._said_in_full)."""
    return bool({"in_minutes", "at"} & _found("remind_me", _plain(message), now).keys())


def read_in_full(message: str, now: datetime, tools: Mapping[str, Tool]) -> frozenset[str]:
    """The tools of IN_FULL among ``tools`` whose reader reads ``message`` as a whole request."""
    if not message.strip():
        return frozenset()
    s, whole = _plain(message), set()
    for name, needs in IN_FULL.items():
        if name not in tools:
            continue
        try:
            found = _found(name, s, now)
        except Exception:  # noqa: BLE001 - as read_arguments: nothing is read
            log.exception("reading %r as %s failed", message[:200], name)
            continue
        if any(all(k in found for k in keys) for keys in needs) and (name not in ASKED or ASKED[name].search(s)):
            whole.add(name)
    return frozenset(whole)
