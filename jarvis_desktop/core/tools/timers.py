"""Timers and reminders as tools: set a timer, set a reminder, list them, cancel them.

The skills (core/skills.py) catch the exact phrasings ("set a timer for 5 minutes"); these
tools let the model reach the same timers from anything else ("eggs need six and a half
minutes").  The app's ``TimerService`` (core/timers.py) comes in as ``context.timers``; it stores
and announces, and its helpers (``timer_name``, ``spoken_duration``, ``when_phrase``,
``describe``, ``clock_due``) phrase and place every timer.  The replies are worded as the skills
word them (tests/test_tool_timers.py holds the two to the same sentences), so the user hears one
voice whichever way a timer was set.  Every time is reckoned from ``context.now``.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from jarvis_desktop.core.persona import spoken_clock, with_article
from jarvis_desktop.core.timers import (MAX_AHEAD, ClockTime, Timer, TimerService, clock_due, describe,
                                        find_clock, half_hours, spoken_duration, spoken_task, timer_name,
                                        when_phrase)
from jarvis_desktop.core.tools.base import Context, Param, Tool, ToolFailed, ToolResult

__all__ = ["TOOLS", "alarm_asked"]

MAX_LABEL_CHARS = 60
MAX_TASK_CHARS = 200
_TOO_FAR = "I'm afraid that is rather further ahead than I can keep track of, {h}."  # as skills.py
_AT = re.compile(r"(\d{1,2}):(\d{2})")
_COUNT_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
# Words that say which kind of thing, not which one: "the pasta timer" is found by "pasta".
_NOT_A_NAME = {"the", "my", "a", "an", "that", "this", "timer", "timers", "reminder", "reminders",
               "to", "for", "about", "of"}


# -- helpers ----------------------------------------------------------------------------------

def _service(context: Context) -> TimerService:
    if context.timers is None:
        raise ToolFailed(f"I'm afraid timers aren't available here, {context.honorific}; the "
                         "desktop app keeps them.")
    return context.timers


def _count(n: int, noun: str) -> str:
    """3 -> "three timers", 1 -> "one reminder": counts in words, as the skills say them."""
    word = _COUNT_WORDS[n] if n < len(_COUNT_WORDS) else str(n)
    return f"{word} {noun}{'' if n == 1 else 's'}"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _stored(timer: Timer) -> dict:
    """A timer as ``data`` holds it (the same fields as the skills' results)."""
    return {"id": timer.id, "due": timer.due, "label": timer.label, "kind": timer.kind}


def _counts(timers: list[Timer]) -> str:
    """"one timer and two reminders": only the kinds there are."""
    return " and ".join(_count(n, kind) for kind in ("timer", "reminder")
                        if (n := sum(t.kind == kind for t in timers)))


def _clean(text: str) -> str:
    return " ".join(text.split()).strip(" .,;:!?\"'")


def _timer_label(text: str, h: str) -> str:
    """"the pasta timer" -> "pasta": the name a timer is called by."""
    words = _clean(text).split()
    while words and words[0].lower() in ("the", "my", "a", "an"):
        words = words[1:]
    while words and words[-1].lower() in ("timer", "countdown"):
        words = words[:-1]
    label = " ".join(words)
    if len(label) > MAX_LABEL_CHARS:
        raise ToolFailed(f"That's rather a long name for a timer, {h}; a word or two will do.")
    return label


def _seconds_ahead(seconds: int, h: str) -> int:
    if seconds > MAX_AHEAD.total_seconds():
        raise ToolFailed(_TOO_FAR.format(h=h))
    return seconds


# -- the tools' functions ---------------------------------------------------------------------

def set_timer(args: dict, context: Context) -> ToolResult:
    """"Very good, sir: a 5 minute timer, due at 10:35 am."; named: "a pasta timer for 5 minutes"."""
    h, timers = context.honorific, _service(context)
    parts = [args.get(k, 0) for k in ("hours", "minutes", "seconds")]
    if any(n < 0 for n in parts):
        raise ToolFailed(f"I'm afraid a timer can't run backwards, {h}; tell me how long it should run.")
    secs = _seconds_ahead(parts[0] * 3600 + parts[1] * 60 + parts[2], h)
    if secs == 0:
        raise ToolFailed(f"Certainly, {h}. For how long shall I set it?")
    name = _timer_label(args.get("label", ""), h)
    now = context.now
    length, due = timer_name(secs), now + timedelta(seconds=secs)
    timer = timers.add(due, name or length, "timer")
    what = f"{with_article(name)} timer for {spoken_duration(secs)}" if name else \
        f"{with_article(length)} timer"
    # "due at 2:05 pm" says nothing useful about a 30-second timer.
    when = "starting now" if secs < 120 else f"due {when_phrase(due, now)}"
    data = {**_stored(timer), "seconds": secs, "what": what, "when": when}
    return ToolResult(f"Very good, {h}: {what}, {when}.", data)


def _due_at(at: str, day: str, now: datetime, h: str) -> datetime:
    """"17:30" (24-hour) today, or tomorrow where it has passed or ``day`` says so."""
    m = _AT.fullmatch(at.strip())
    if not m or int(m[1]) > 23 or int(m[2]) > 59:
        shown = " ".join(at.split())[:20]
        raise ToolFailed(f"I'm afraid \"{shown}\" isn't a time I can read, {h}; I need it on the "
                         "24-hour clock, such as 17:30.")
    due = clock_due(now, ClockTime(int(m[1]), int(m[2]), exact=True, span=(0, 0)), day)
    if day == "today" and due.date() != now.date():
        raise ToolFailed(f"It's already past {spoken_clock(due)} today, {h}; shall I make it tomorrow?")
    return due


# "set an alarm for 7am", "wake me up at half six tomorrow", "alarm for 6:45 please": a whole message
# asking for an alarm at a time (v4 answered the first in words, "Set an alarm for 7am, sir. I'll be
# here when you wake up", and set the second for 6:30 pm)
_ALARM = re.compile(
    r"^(?:(?:um|uh|er|ok|okay|right|hey|jarvis|please|could you|can you|would you|will you)[\s,]+)*"
    r"(?:(?:set|make|put|create|add|give me|stick|pop)(?: me| up| on)? (?:an?|my|the) alarm(?: clock)?(?: on)?"
    r"|alarm|(?P<wake>wake me(?: up)?|get me up))"
    r" (?:for|at) (?P<when>.+?)(?:[\s,]+(?:please|thanks|thank you|jarvis|then))*[\s.!?]*$", re.I)
_ALARM_DAY = re.compile(r"^(?P<clock>.+?)(?:\s+(?P<day>tomorrow(?: morning)?|in the morning|this (?:morning|afternoon|evening)"
                        r"|tonight))?$", re.I)


def alarm_asked(message: str, now: datetime) -> dict | None:
    """The ``remind_me`` call's arguments for an alarm ``message`` asks for in so many words, or
    None: the time of day (the morning one for "wake me up at 7", or where "morning" is said; else
    the next one to come, as for a reminder), today or tomorrow, and the task "wake up" where the
    words ask to be woken.  Jarvis speaks up at that time while he is running."""
    m = _ALARM.match(" ".join(message.split()))
    if m is None or (parts := _ALARM_DAY.match(m["when"])) is None:
        return None
    said = "at " + half_hours(re.sub(r"^(?:at|for)\s+", "", parts["clock"], flags=re.I))  # "half six"
    clock = find_clock(said)
    if not isinstance(clock, ClockTime) or clock.span != (0, len(said)):
        return None  # the words after "for" are no time alone ("an alarm for the bins at 7")
    day = (parts["day"] or "").lower()
    if (m["wake"] or "morning" in day) and not clock.exact:
        day = "tomorrow morning" if day.startswith("tomorrow") else "morning"
    due = clock_due(now, clock, day)
    args = {"task": "wake up"} if m["wake"] else {}
    return {**args, "at": due.strftime("%H:%M"), "day": "tomorrow" if due.date() > now.date() else "today"}


def remind_me(args: dict, context: Context) -> ToolResult:
    """"Very good, sir: I'll remind you to call your mum in 30 minutes, at 11 am."."""
    h, timers = context.honorific, _service(context)
    task = re.sub(r"^(?:remind me |me )?to\s+", "", _clean(args.get("task", "")), flags=re.I)
    if len(task) > MAX_TASK_CHARS:
        raise ToolFailed(f"That's rather a lot to remember in one go, {h}; could you put it in a few "
                         "words?")
    said_task = f" {spoken_task(task)}" if task else ""
    minutes, at, now = args.get("in_minutes"), args.get("at"), context.now
    if minutes is None and at is None:
        raise ToolFailed(f"When shall I remind you{said_task}, {h}? I need a time of day, or how "
                         "many minutes from now.")
    if minutes is not None and at is not None:
        raise ToolFailed(f"Shall I remind you{said_task} in so many minutes or at a time of day, {h}? "
                         "I can only take the one.")
    if minutes is not None:
        if minutes <= 0:
            raise ToolFailed(f"I can only remind you of things still to come, {h}; how many minutes "
                             "from now?")
        secs = _seconds_ahead(minutes * 60, h)
        due = now + timedelta(seconds=secs)
        when = f"in {spoken_duration(secs)}, {when_phrase(due, now)}"
    else:
        due = _due_at(at, args.get("day") or "", now, h)
        when = when_phrase(due, now)
    timer = timers.add(due, task, "reminder")
    return ToolResult(f"Very good, {h}: I'll remind you{said_task} {when}.",
                      {**_stored(timer), "task": said_task.strip(), "when": when})


def _said(timer: Timer, now: datetime) -> str:
    """Within the hour a timer is "a pasta timer with 4 minutes to go"; the rest as describe() has it."""
    left = (timer.due_at - now).total_seconds()
    if timer.kind == "timer" and left < 3600:
        return f"{with_article(timer.label)} timer with {spoken_duration(left)} to go"
    return describe(timer, now)


def list_timers(args: dict, context: Context) -> ToolResult:
    """"You have one timer and one reminder, sir: a pasta timer with 4 minutes to go and ..."."""
    h, timers = context.honorific, _service(context)
    items = timers.pending("timer") + timers.pending("reminder")  # timers first, as the skills list
    said = [_said(t, context.now) for t in items]
    data = {"timers": [{**_stored(t), "said": s} for t, s in zip(items, said)]}
    if not items:
        return ToolResult(f"You have no timers running and no reminders set, {h}.", data)
    return ToolResult(f"You have {_counts(items)}, {h}: {_join(said)}.", data)


def cancel_timer(args: dict, context: Context) -> ToolResult:
    """Cancels the one named (or the only one), or all: "Very good, sir: I've cancelled the pasta
    timer."; where it cannot tell which, it says what there is and cancels nothing."""
    h, timers, now = context.honorific, _service(context), context.now
    kind = args.get("kind")
    noun = kind or "timer or reminder"
    pending = timers.pending(kind)
    if not pending:
        raise ToolFailed(f"There's no {noun} to cancel, {h}.")
    hints = [w for w in re.findall(r"[a-z0-9']+", args.get("label", "").lower()) if w not in _NOT_A_NAME]
    chosen = [t for t in pending if all(w in t.label.lower() for w in hints)]
    if args.get("all") and chosen:
        gone = timers.cancel_all(kind) if not hints else [t for t in chosen if timers.cancel(t.id)]
        return ToolResult(f"Very good, {h}: I've cancelled {_counts(gone)}.",
                          {"cancelled": [_stored(t) for t in gone]})
    listed = chosen if len(chosen) > 1 else pending
    data = {"cancelled": [], "pending": [{**_stored(t), "said": describe(t, now)} for t in listed]}
    items = _join([describe(t, now) for t in listed])
    if not chosen:
        return ToolResult(f"I can't find that {noun}, {h}. You have {items}.", {**data, "needs": "which"},
                          ok=False)
    if len(chosen) > 1:
        return ToolResult(f"Which one, {h}? You have {items}. Or shall I cancel all of them?",
                          {**data, "needs": "which"}, ok=False)
    t = chosen[0]
    timers.cancel(t.id)
    what = f"the {t.label} timer" if t.kind == "timer" else \
        f"the reminder {spoken_task(t.label) + ' ' if t.label else ''}{when_phrase(t.due_at, now)}"
    return ToolResult(f"Very good, {h}: I've cancelled {what}.", {"cancelled": [_stored(t)], "what": what})


# -- the tools --------------------------------------------------------------------------------

_KIND = Param("kind", str, "only timers or only reminders", required=False, choices=("timer", "reminder"))

TOOLS: tuple[Tool, ...] = (
    Tool("set_timer", "Start a countdown timer, optionally named (\"pasta\").",
         (Param("hours", int, "hours to run", required=False),
          Param("minutes", int, "minutes to run", required=False),
          Param("seconds", int, "seconds to run", required=False),
          Param("label", str, 'what it is for, e.g. "pasta"', required=False)),
         set_timer, read_only=False, examples=(
        ("Set a timer for ten minutes.", "call:set_timer{minutes:10}"),
        ("set a timer for 5 minutes", "call:set_timer{minutes:5}"),
        ("Start a 20-minute pasta timer, please.", 'call:set_timer{minutes:20,label:"pasta"}'),
        ("timer ninety seconds", "call:set_timer{seconds:90}"),
        ("Could you time an hour and a half for me?", "call:set_timer{hours:1,minutes:30}"),
        ("the eggs need six and a half minutes", 'call:set_timer{minutes:6,seconds:30,label:"eggs"}'),
        ("Put the kettle timer on for three minutes.", 'call:set_timer{minutes:3,label:"kettle"}'),
        ("Count down two hours for the roast.", 'call:set_timer{hours:2,label:"roast"}'),
        ("Let me know when 45 seconds are up.", "call:set_timer{seconds:45}"),
        ("start a 25 minute pomodoro", 'call:set_timer{minutes:25,label:"pomodoro"}'),
        ("I'm putting the bread in, forty minutes please", 'call:set_timer{minutes:40,label:"bread"}'),
        ("give us a quarter of an hour on the clock", "call:set_timer{minutes:15}"),
        ("give me 5 minutes for the pasta", 'call:set_timer{minutes:5,label:"pasta"}'),
        ("timer for 10 minutes", "call:set_timer{minutes:10}"),
        ("um jarvis can you time twelve minutes for the rice", 'call:set_timer{minutes:12,label:"rice"}'),
        ("The tea needs to brew for four minutes.", 'call:set_timer{minutes:4,label:"tea"}'),
        ("Tell me when 20 minutes are up, I'm having a power nap.", 'call:set_timer{minutes:20,label:"power nap"}'),
        ("two and a half hours on the clock for the slow cooker",
         'call:set_timer{hours:2,minutes:30,label:"slow cooker"}'),
        ("Could you set a countdown of 90 minutes?", "call:set_timer{minutes:90}"),
        ("plank for thirty seconds go", 'call:set_timer{seconds:30,label:"plank"}'),
        ("Pizza's in the oven: fifteen minutes, please.", 'call:set_timer{minutes:15,label:"pizza"}'),
        ("three minute egg timer please", 'call:set_timer{minutes:3,label:"egg"}'),
        ("Start a one hour countdown for my practice exam.", 'call:set_timer{hours:1,label:"practice exam"}'),
        ("buzz me after 45 minutes", "call:set_timer{minutes:45}"),
        ("The cookies bake for 11 minutes; shout when they're done.", 'call:set_timer{minutes:11,label:"cookies"}'),
        ("air fryer chips need eighteen minutes", 'call:set_timer{minutes:18,label:"chips"}'),
        ("set one for an hour and ten minutes", "call:set_timer{hours:1,minutes:10}"),
        ("I'm taking a 10 minute tea break, time it for me.", 'call:set_timer{minutes:10,label:"tea break"}'),
        ("jarvis put fifteen minutes on the clock for the potatoes", 'call:set_timer{minutes:15,label:"potatoes"}'),
        ("Time eight minutes for the steak to rest, please.", 'call:set_timer{minutes:8,label:"steak"}'),
        ("the nail varnish needs twenty minutes to dry time it for me", 'call:set_timer{minutes:20,label:"nail varnish"}'),
        ("Start a timer: 2 minutes 30 seconds for the noodles.", 'call:set_timer{minutes:2,seconds:30,label:"noodles"}'),
        ("Can you count down 40 seconds while I hold this stretch?", "call:set_timer{seconds:40}"),
        ("jarvis an hour on the timer for the washing machine", 'call:set_timer{hours:1,label:"washing machine"}'),
        ("Time my meditation, would you? Twelve minutes.", 'call:set_timer{minutes:12,label:"meditation"}'),
        ("um jarvis three hours countdown for the brisket", 'call:set_timer{hours:3,label:"brisket"}'),
        ("er jarvis set me a timer for seven minutes", "call:set_timer{minutes:7}"),
        ("countdown 50 seconds", "call:set_timer{seconds:50}"),
        ("Jarvis, I've just put the lasagne in and it wants 35 minutes; could you keep an eye on the time?",
         'call:set_timer{minutes:35,label:"lasagne"}'),
        ("Hair dye needs 30 minutes to take; give me a shout when it's done.", 'call:set_timer{minutes:30,label:"hair dye"}'),
        ("the jam has to boil for four minutes exactly", 'call:set_timer{minutes:4,label:"jam"}'),
        ("I've got a call at three, so give me a 25 minute timer to finish this first.", "call:set_timer{minutes:25}"),
        ("Parking runs out in 2 hours; time it, would you?", 'call:set_timer{hours:2,label:"parking"}'),
        ("um jarvis one minute thirty on the clock", "call:set_timer{minutes:1,seconds:30}"),
        ("Could you possibly start a countdown for three quarters of an hour?", "call:set_timer{minutes:45}"),
        ("the kids get half an hour on the ipad start the clock", 'call:set_timer{minutes:30,label:"ipad"}'),
        ("Rice: 17 minutes.", 'call:set_timer{minutes:17,label:"rice"}'),
        ("Let the dough prove for an hour and a quarter, then let me know.",
         'call:set_timer{hours:1,minutes:15,label:"dough"}'),
        ("jarvis ten minute warning for the bath please", 'call:set_timer{minutes:10,label:"bath"}'),
        ("I need to leave in 12 minutes, count it down.", "call:set_timer{minutes:12}"),
        ("stick the timer on for eight minutes", "call:set_timer{minutes:8}"),
        ("Jarvis, the scones need another 12 minutes; can you time them while I put the kettle on?",
         'call:set_timer{minutes:12,label:"scones"}'),
        ("um set a timer for one hour twenty", "call:set_timer{hours:1,minutes:20}"),
        ("A minute and a half for the porridge.", 'call:set_timer{minutes:1,seconds:30,label:"porridge"}'),
    )),
    Tool("remind_me", "Set a reminder: in so many minutes, or at a time of day (24-hour) today "
         "or tomorrow.",
         (Param("task", str, 'what to remind of, e.g. "call mum"', required=False),
          Param("in_minutes", int, "minutes from now", required=False),
          Param("at", str, 'a time of day, 24-hour "HH:MM", e.g. "17:30"', required=False),
          Param("day", str, "the day of an at time", required=False, choices=("today", "tomorrow"))),
         remind_me, read_only=False, examples=(
        ("Remind me to take the bins out at 7pm.", 'call:remind_me{task:"take the bins out",at:"19:00"}'),
        ("remind me to call mum in half an hour", 'call:remind_me{task:"call mum",in_minutes:30}'),
        ("Remind me tomorrow at 9 am to ring the dentist.",
         'call:remind_me{task:"ring the dentist",at:"09:00",day:"tomorrow"}'),
        ("dont let me forget to hang the washing out in 40 minutes",
         'call:remind_me{task:"hang the washing out",in_minutes:40}'),
        ("Nudge me about the meeting at quarter past two this afternoon.",
         'call:remind_me{task:"about the meeting",at:"14:15",day:"today"}'),
        ("at half five remind me to pick up the kids", 'call:remind_me{task:"pick up the kids",at:"17:30"}'),
        ("In two hours, remind me to check the oven.", 'call:remind_me{task:"check the oven",in_minutes:120}'),
        ("Set an alarm for 6:30 tomorrow morning.", 'call:remind_me{at:"06:30",day:"tomorrow"}'),
        ("wake me up at seven tomorrow", 'call:remind_me{task:"wake up",at:"07:00",day:"tomorrow"}'),
        ("Could you pop an alarm on for quarter to five?", 'call:remind_me{at:"16:45"}'),
        ("set a reminder for noon tomorrow to pay the gas bill",
         'call:remind_me{task:"pay the gas bill",at:"12:00",day:"tomorrow"}'),
        ("Remind me that the parcel's coming, at ten tonight.",
         'call:remind_me{task:"that the parcel\'s coming",at:"22:00",day:"today"}'),
        ("ping me in 5 minutes to stretch", 'call:remind_me{task:"stretch",in_minutes:5}'),
        ("could you remind me at 8:15 to take my tablets", 'call:remind_me{task:"take my tablets",at:"08:15"}'),
        ("Jog my memory at 23:00: lock the back door.", 'call:remind_me{task:"lock the back door",at:"23:00"}'),
        ("remind me to take the chicken out of the freezer at 4pm",
         'call:remind_me{task:"take the chicken out of the freezer",at:"16:00"}'),
        ("Remind me about the vet appointment in 45 minutes.",
         'call:remind_me{task:"about the vet appointment",in_minutes:45}'),
        ("um jarvis remind me to phone the garage tomorrow at half eight",
         'call:remind_me{task:"phone the garage",at:"08:30",day:"tomorrow"}'),
        ("In ten minutes, tell me to take the pizza out.", 'call:remind_me{task:"take the pizza out",in_minutes:10}'),
        ("give me a shout at 6 this evening to water the tomatoes",
         'call:remind_me{task:"water the tomatoes",at:"18:00",day:"today"}'),
        ("Set a reminder for 9:45 tomorrow morning: team stand-up.",
         'call:remind_me{task:"team stand-up",at:"09:45",day:"tomorrow"}'),
        ("don't let me forget to move the car in an hour", 'call:remind_me{task:"move the car",in_minutes:60}'),
        ("At midday remind me to ring the bank", 'call:remind_me{task:"ring the bank",at:"12:00"}'),
        ("could you remind me in twenty five minutes to hang up the laundry",
         'call:remind_me{task:"hang up the laundry",in_minutes:25}'),
        ("Remind me to lock up the shed at nine tonight.",
         'call:remind_me{task:"lock up the shed",at:"21:00",day:"today"}'),
        ("tomorrow at seven am remind me to go for a run",
         'call:remind_me{task:"go for a run",at:"07:00",day:"tomorrow"}'),
        ("Can you remind me to send Dad a birthday card at quarter to five?",
         'call:remind_me{task:"send Dad a birthday card",at:"16:45"}'),
        ("remind me in three hours to check on the dough", 'call:remind_me{task:"check on the dough",in_minutes:180}'),
        ("Tap me on the shoulder in 15 minutes about my meeting with Priya.",
         'call:remind_me{task:"about my meeting with Priya",in_minutes:15}'),
        ("at 13:30 remind me to take my antibiotics", 'call:remind_me{task:"take my antibiotics",at:"13:30"}'),
        ("The plumber comes at 3, so remind me at 2:30 to clear under the sink.",
         'call:remind_me{task:"clear under the sink",at:"14:30"}'),
        ("In a quarter of an hour, tell me to bring the washing in.",
         'call:remind_me{task:"bring the washing in",in_minutes:15}'),
        ("jarvis tell me to switch the immersion off in forty minutes",
         'call:remind_me{task:"switch the immersion off",in_minutes:40}'),
        ("Give me a shout at quarter to six so I can start on dinner.",
         'call:remind_me{task:"start on dinner",at:"17:45"}'),
        ("nudge me in ten minutes to check the bath", 'call:remind_me{task:"check the bath",in_minutes:10}'),
        ("Make sure I call the surgery tomorrow at 8:30.",
         'call:remind_me{task:"call the surgery",at:"08:30",day:"tomorrow"}'),
        ("um jarvis at three oclock tell me to put the kettle on", 'call:remind_me{task:"put the kettle on",at:"15:00"}'),
        ("Tomorrow morning at seven, tell me to put the recycling out.",
         'call:remind_me{task:"put the recycling out",at:"07:00",day:"tomorrow"}'),
        ("make sure i leave for the train in 25 minutes", 'call:remind_me{task:"leave for the train",in_minutes:25}'),
        ("Give me a nudge at 16:20 to pick Oliver up from football.",
         'call:remind_me{task:"pick Oliver up from football",at:"16:20"}'),
        ("in an hour and a half tell me to turn the heating down",
         'call:remind_me{task:"turn the heating down",in_minutes:90}'),
        ("Jarvis, could you tell me to take the cake out in 35 minutes?",
         'call:remind_me{task:"take the cake out",in_minutes:35}'),
        ("shout at me at half eleven tonight to go to bed", 'call:remind_me{task:"go to bed",at:"23:30",day:"today"}'),
        ("er jarvis remind me in twenty minutes to turn the oven off",
         'call:remind_me{task:"turn the oven off",in_minutes:20}'),
        ("Jarvis, before I forget, could you remind me to renew the car tax at five this afternoon?",
         'call:remind_me{task:"renew the car tax",at:"17:00",day:"today"}'),
        ("I've got a meeting at three so remind me at ten to three to grab my notes",
         'call:remind_me{task:"grab my notes",at:"14:50"}'),
        ("Reminder in 15 minutes: feed the cat.", 'call:remind_me{task:"feed the cat",in_minutes:15}'),
        ("um can you give me a nudge in an hour and a quarter about the parking",
         'call:remind_me{task:"about the parking",in_minutes:75}'),
        ("I'll never remember to ring Grandad, so prompt me at 7:30 tonight.",
         'call:remind_me{task:"ring Grandad",at:"19:30",day:"today"}'),
        ("jog my memory tomorrow at eleven in the morning to book the mot",
         'call:remind_me{task:"book the mot",at:"11:00",day:"tomorrow"}'),
        ("At 21:15 tell me to start the dishwasher.", 'call:remind_me{task:"start the dishwasher",at:"21:15"}'),
        ("remind me about the school run at twenty past three",
         'call:remind_me{task:"about the school run",at:"15:20"}'),
        ("Set a reminder for ten past nine tomorrow to chase the invoice.",
         'call:remind_me{task:"chase the invoice",at:"09:10",day:"tomorrow"}'),
        ("in fifty minutes remind me that the car park closes",
         'call:remind_me{task:"that the car park closes",in_minutes:50}'),
        ("Remind me about the match at quarter to eight tonight, would you?",
         'call:remind_me{task:"about the match",at:"19:45",day:"today"}'),
        ("four hours from now remind me to take more paracetamol",
         'call:remind_me{task:"take more paracetamol",in_minutes:240}'),
        ("Bins out, tomorrow at 6 am: remind me.", 'call:remind_me{task:"bins out",at:"06:00",day:"tomorrow"}'),
        ("I'm off out in a bit, so in ten minutes remind me to grab my keys",
         'call:remind_me{task:"grab my keys",in_minutes:10}'),
        ("jarvis remind me to put the heating on at six tomorrow evening",
         'call:remind_me{task:"put the heating on",at:"18:00",day:"tomorrow"}'),
        ("Could you remind me at quarter past four to collect the dry cleaning?",
         'call:remind_me{task:"collect the dry cleaning",at:"16:15"}'),
        ("nudge me in 90 minutes to move the car", 'call:remind_me{task:"move the car",in_minutes:90}'),
        ("um remind me at nine tonight to charge my phone",
         'call:remind_me{task:"charge my phone",at:"21:00",day:"today"}'),
    )),
    Tool("list_timers", "The timers and reminders still to come, and how long each has to go.", (),
         list_timers, examples=(
        ("How long's left on the pasta timer?", "call:list_timers{}"),
        ("what timers have i got", "call:list_timers{}"),
        ("Do I have any reminders set?", "call:list_timers{}"),
        ("how much time is left", "call:list_timers{}"),
        ("Are there any timers running?", "call:list_timers{}"),
        ("What have you got me down for?", "call:list_timers{}"),
        ("list my reminders", "call:list_timers{}"),
        ("When will the roast be done?", "call:list_timers{}"),
        ("is the egg timer still going", "call:list_timers{}"),
        ("What did I ask you to remind me about?", "call:list_timers{}"),
        ("Show me everything that's counting down.", "call:list_timers{}"),
        ("how long till the eggs are ready", "call:list_timers{}"),
        ("Which countdowns are still ticking?", "call:list_timers{}"),
        ("um jarvis what reminders have i got", "call:list_timers{}"),
        ("is there still time on the pizza", "call:list_timers{}"),
        ("Are any of my timers still going, Jarvis?", "call:list_timers{}"),
        ("how much longer have the potatoes got", "call:list_timers{}"),
        ("jarvis have i got anything counting down", "call:list_timers{}"),
        ("What's left on the clock for the chicken?", "call:list_timers{}"),
        ("um jarvis how many minutes are left on the rice", "call:list_timers{}"),
        ("Have I set any reminders for this afternoon?", "call:list_timers{}"),
        ("Is anything still ticking away?", "call:list_timers{}"),
        ("Run me through my timers and reminders, please.", "call:list_timers{}"),
        ("is my pomodoro nearly up", "call:list_timers{}"),
        ("When's my next reminder due?", "call:list_timers{}"),
        ("read out everything youre timing for me", "call:list_timers{}"),
        ("Which countdowns have I got on the go?", "call:list_timers{}"),
        ("er jarvis how am i doing for time on the timer", "call:list_timers{}"),
        ("Anything pending, timer-wise?", "call:list_timers{}"),
        ("have i got anything coming up that youre reminding me about", "call:list_timers{}"),
        ("Is the lasagne nearly ready?", "call:list_timers{}"),
        ("Which reminders have I got lined up? Remind me.", "call:list_timers{}"),
        ("my timers please", "call:list_timers{}"),
        ("um jarvis whats still on the go", "call:list_timers{}"),
        ("How much longer on the clock for the bread, roughly?", "call:list_timers{}"),
        ("Did I set a reminder for the dentist, or did I dream it?", "call:list_timers{}"),
        ("Jarvis, is anything due to go off soon?", "call:list_timers{}"),
        ("whats the countdown at", "call:list_timers{}"),
        ("Before I nip out, have I got any timers running that I'd miss?", "call:list_timers{}"),
        ("how many minutes left till my tea break ends", "call:list_timers{}"),
        ("Give me a rundown of my reminders for today.", "call:list_timers{}"),
        ("how's the pizza getting on much longer", "call:list_timers{}"),
        ("Any timers on?", "call:list_timers{}"),
        ("Have I got anything counting down at the moment?", "call:list_timers{}"),
        ("Jarvis, I've lost track: what have you got set for me, timers or reminders?", "call:list_timers{}"),
    )),
    Tool("cancel_timer", "Cancel a timer or reminder: the one named, the only one, or all.",
         (Param("label", str, 'its name or task, e.g. "pasta"', required=False), _KIND,
          Param("all", bool, "cancel every one (of that kind)", required=False)),
         cancel_timer, read_only=False, examples=(
        ("Cancel the timer.", "call:cancel_timer{}"),
        ("stop the pasta timer", 'call:cancel_timer{label:"pasta"}'),
        ("Cancel all my timers.", 'call:cancel_timer{kind:"timer",all:true}'),
        ("forget the reminder about the dentist", 'call:cancel_timer{label:"dentist",kind:"reminder"}'),
        ("Never mind the eggs.", 'call:cancel_timer{label:"eggs"}'),
        ("clear everything youve got counting down", "call:cancel_timer{all:true}"),
        ("I don't need reminding to call mum any more.", 'call:cancel_timer{label:"call mum",kind:"reminder"}'),
        ("scrap that timer", "call:cancel_timer{}"),
        ("Turn off the roast timer, it's done.", 'call:cancel_timer{label:"roast"}'),
        ("delete all reminders", 'call:cancel_timer{kind:"reminder",all:true}'),
        ("Call off the countdown.", "call:cancel_timer{}"),
        ("Cancel my reminder, please.", 'call:cancel_timer{kind:"reminder"}'),
        ("The roast's out of the oven, you can stop its timer.", 'call:cancel_timer{label:"roast"}'),
        ("the dentist has moved me to next month so bin the reminder", 'call:cancel_timer{label:"dentist",kind:"reminder"}'),
        ("Forget all my reminders, please.", 'call:cancel_timer{kind:"reminder",all:true}'),
        ("wipe every timer and reminder", "call:cancel_timer{all:true}"),
        ("Mum already rang, so you can cancel that reminder.", 'call:cancel_timer{label:"mum",kind:"reminder"}'),
        ("pastas done early kill the timer", 'call:cancel_timer{label:"pasta"}'),
        ("Stop counting down.", "call:cancel_timer{}"),
        ("Abort the egg timer.", 'call:cancel_timer{label:"egg"}'),
        ("i dont need any of the timers now clear them", 'call:cancel_timer{kind:"timer",all:true}'),
        ("Scrap the pasta timer; I've drained it already.", 'call:cancel_timer{label:"pasta"}'),
        ("ive rung mum already so never mind that reminder", 'call:cancel_timer{label:"mum",kind:"reminder"}'),
        ("jarvis call off the countdown for the eggs theyre done", 'call:cancel_timer{label:"eggs"}'),
        ("um jarvis scrap the timer", "call:cancel_timer{}"),
        ("The roast came out early, so there's no need for its timer now.", 'call:cancel_timer{label:"roast"}'),
        ("Drop the dentist reminder, would you? I've rebooked.", 'call:cancel_timer{label:"dentist",kind:"reminder"}'),
        ("cancel every reminder i have set", 'call:cancel_timer{kind:"reminder",all:true}'),
        ("Get rid of all the timers but leave my reminders alone.", 'call:cancel_timer{kind:"timer",all:true}'),
        ("jarvis knock the roast timer on the head", 'call:cancel_timer{label:"roast"}'),
        ("Never mind the reminder about calling Mum, please.", 'call:cancel_timer{label:"mum",kind:"reminder"}'),
        ("er jarvis stop the timer", "call:cancel_timer{}"),
        ("Belay the countdown, Jarvis.", "call:cancel_timer{}"),
        ("jarvis forget the timer i dont need it", "call:cancel_timer{}"),
        ("Cancel the lot.", "call:cancel_timer{all:true}"),
        ("I've changed my mind about the pasta, so cancel its timer.", 'call:cancel_timer{label:"pasta"}'),
        ("um cancel the dentist reminder jarvis", 'call:cancel_timer{label:"dentist",kind:"reminder"}'),
        ("boiled the eggs early stop the countdown", 'call:cancel_timer{label:"eggs"}'),
        ("Stop all the timers, would you?", 'call:cancel_timer{kind:"timer",all:true}'),
        ("No more reminders today, thanks; clear them all.", 'call:cancel_timer{kind:"reminder",all:true}'),
        ("Bin the roast timer.", 'call:cancel_timer{label:"roast"}'),
        ("Mum's on the phone now, so drop the reminder to call her.", 'call:cancel_timer{label:"mum",kind:"reminder"}'),
        ("Actually, forget the reminder.", 'call:cancel_timer{kind:"reminder"}'),
        ("panic over the roasts out stop its timer", 'call:cancel_timer{label:"roast"}'),
        ("Clear down everything, timers and reminders both.", "call:cancel_timer{all:true}"),
        ("the dentist rang to cancel so i wont need reminding", 'call:cancel_timer{label:"dentist",kind:"reminder"}'),
        ("the pasta's ready already so knock that timer off", 'call:cancel_timer{label:"pasta"}'),
        ("Scrub all my reminders, Jarvis.", 'call:cancel_timer{kind:"reminder",all:true}'),
        ("Sorry Jarvis, scrap the reminder to phone Mum.", 'call:cancel_timer{label:"mum",kind:"reminder"}'),
        ("um jarvis call off the eggs", 'call:cancel_timer{label:"eggs"}'),
        ("no need for the countdown now ta", "call:cancel_timer{}"),
    )),
)
