"""Timers and reminders that survive a restart, and the words Jarvis says when they fall due.

State lives in ``<data dir>/timers.json``, rewritten whole (temporary file, then ``os.replace``)
after every change, so a crash leaves either the old list or the new one, never half of each.
The app polls ``pop_due()`` once a second from a QTimer and speaks ``announcement()`` for each
timer it returns; a timer that fell due while the app was closed is returned on the first poll
and announced as late.  Times are naive local ``datetime``s, as ``datetime.now()`` gives.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable

from jarvis_desktop.core.errors import DataError
from jarvis_desktop.core.paths import data_dir, write_atomic
from jarvis_desktop.core.persona import (NUMBER_WORDS, capitalised, read_number, spoken_clock,
                                    spoken_date, with_article)

__all__ = [
    "Timer",
    "TimerService",
    "KINDS",
    "MAX_AHEAD",
    "announcement",
    "describe",
    "when_phrase",
    "spoken_duration",
    "second_person",
    "spoken_task",
    "timer_name",
    "DURATION",
    "bare_tails",
    "TIMER_FILLER",
    "timer_label",
    "ClockTime",
    "duration_seconds",
    "find_clock",
    "clock_due",
    "half_hours",
]

log = logging.getLogger(__name__)

KINDS = ("timer", "reminder")
# A timer announced more than this after it fell due is announced as late (the app was closed).
LATE_AFTER = timedelta(minutes=2)
# Longer than this is a calendar's job (and "a billion hours" would overflow datetime).
MAX_AHEAD = timedelta(days=366)


@dataclass(frozen=True)
class Timer:
    """One timer or reminder.  ``due`` and ``created`` are ISO 8601 local times.

    ``label`` is what the user called it: "5 minute" or "pasta" for a timer ("your pasta timer
    is up"), the task for a reminder ("call the bank"; "about ..."/"that ..." kept whole).
    """

    id: str
    due: str
    label: str
    kind: str
    created: str

    @property
    def due_at(self) -> datetime:
        """``due`` as a ``datetime``."""
        return datetime.fromisoformat(self.due)


class TimerService:
    """The pending timers and reminders, persisted as JSON; safe to call from several threads."""

    def __init__(self, path: Path | None = None, clock: Callable[[], datetime] = datetime.now):
        self.path = Path(path) if path is not None else data_dir() / "timers.json"
        self.clock = clock
        # Set when an unreadable file was moved aside at start-up, so the app can say so.
        self.recovered_from: Path | None = None
        # The GUI thread polls while the voice thread adds and cancels.
        self._lock = threading.Lock()
        self._timers: list[Timer] = self._load()

    def add(self, due: datetime, label: str, kind: str = "timer") -> Timer:
        """Schedule a timer or reminder due at ``due`` and save it."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        # Full precision: a 5-minute timer set at 14:05:00.7 must not ring at 14:10:00.
        timer = Timer(id=uuid.uuid4().hex[:8], due=due.isoformat(),
                      label=label.strip(), kind=kind,
                      created=self.clock().isoformat(timespec="seconds"))
        with self._lock:
            self._timers.append(timer)
            self._save()
        return timer

    def cancel(self, timer_id: str) -> bool:
        """Remove one timer by id; False if there was none with that id."""
        with self._lock:
            kept = [t for t in self._timers if t.id != timer_id]
            if len(kept) == len(self._timers):
                return False
            self._timers = kept
            self._save()
        return True

    def cancel_all(self, kind: str | None = None) -> list[Timer]:
        """Remove every timer (or every one of ``kind``) and return those removed."""
        with self._lock:
            gone = [t for t in self._timers if kind is None or t.kind == kind]
            if gone:
                self._timers = [t for t in self._timers if t not in gone]
                self._save()
        return sorted(gone, key=lambda t: t.due_at)

    def pending(self, kind: str | None = None) -> list[Timer]:
        """Timers not yet announced, soonest first (only ``kind`` when given)."""
        with self._lock:
            items = [t for t in self._timers if kind is None or t.kind == kind]
        return sorted(items, key=lambda t: t.due_at)

    def next_due(self) -> Timer | None:
        """The soonest pending timer, or None."""
        items = self.pending()
        return items[0] if items else None

    def pop_due(self, now: datetime | None = None) -> list[Timer]:
        """Remove and return the timers due at ``now`` (default: the clock), soonest first.

        Each timer is returned by exactly one call, so it is announced once.
        """
        now = now or self.clock()
        with self._lock:
            due = [t for t in self._timers if t.due_at <= now]
            if due:
                self._timers = [t for t in self._timers if t not in due]
                self._save()
        return sorted(due, key=lambda t: t.due_at)

    def _load(self) -> list[Timer]:
        if not self.path.exists():
            return []
        try:
            rows = json.loads(self.path.read_text(encoding="utf-8"))["timers"]
            timers = [Timer(**{k: row[k] for k in ("id", "due", "label", "kind", "created")})
                      for row in rows]
            for t in timers:
                t.due_at  # noqa: B018 - a bad date must fail here, not in the GUI's poll
        except (OSError, ValueError, KeyError, TypeError) as exc:
            # Losing a few timers beats an app that will not start: keep the file for a look.
            aside = self.path.with_name(self.path.name + ".unreadable")
            try:
                os.replace(self.path, aside)
            except OSError as move_exc:
                raise DataError(self.path, None, f"cannot read the saved timers ({exc}) nor move "
                                f"them aside ({move_exc})", "check the file's permissions, or "
                                "delete it to start with no timers") from None
            log.warning("%s could not be read (%s); moved it to %s and started with no timers",
                        self.path, exc, aside)
            self.recovered_from = aside
            return []
        return timers

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"version": 1, "timers": [asdict(t) for t in self._timers]}
        write_atomic(self.path, json.dumps(payload, indent=1))


def second_person(text: str) -> str:
    """The user's words said back to them: "call my mum" -> "call your mum"."""
    swaps = {"my": "your", "me": "you", "i": "you", "i'm": "you're", "myself": "yourself",
             "mine": "yours", "i've": "you've", "i'll": "you'll"}
    return " ".join(swaps.get(w.lower(), w) for w in text.split())


def spoken_duration(seconds: float) -> str:
    """"4 minutes and 30 seconds", "1 hour and 5 minutes", "20 seconds"."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(hours, "hour"), (minutes, "minute")]
    # Seconds matter in the last few minutes of a timer, not in the third hour of one.
    if hours == 0 and minutes < 10:
        parts.append((secs, "second"))
    words = [f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in parts if n]
    if not words:
        return "0 seconds"
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def when_phrase(due: datetime, now: datetime) -> str:
    """"at 3 pm", "at 3 pm tomorrow", "at 3 pm yesterday", "on Friday the 27th of November at 3 pm"."""
    days = (due.date() - now.date()).days
    if days == 0:
        return f"at {spoken_clock(due)}"
    if days == 1:
        return f"at {spoken_clock(due)} tomorrow"
    if days == -1:  # a late announcement, after a night with the app closed
        return f"at {spoken_clock(due)} yesterday"
    return f"on {spoken_date(due)} at {spoken_clock(due)}"


def spoken_task(label: str) -> str:
    """A reminder's task as Jarvis says it: "to call your mum", "about the meeting"."""
    label = second_person(label)
    return label if label.split(" ", 1)[0].lower() in ("about", "that") else f"to {label}"


def describe(timer: Timer, now: datetime) -> str:
    """A timer as one list item: "a 5 minute timer due at 2:10 pm", "to call Bob at 3 pm"."""
    if timer.kind == "timer":
        return f"{with_article(timer.label)} timer due {when_phrase(timer.due_at, now)}"
    if not timer.label:
        return f"a reminder {when_phrase(timer.due_at, now)}"
    return f"{spoken_task(timer.label)} {when_phrase(timer.due_at, now)}"


def announcement(timer: Timer, honorific: str, now: datetime | None = None) -> str:
    """What Jarvis says when ``timer`` falls due, e.g. "Sir, your 5 minute timer is up."

    Pass ``now`` to have a timer that fell due long ago (the app was closed) announced as late.
    """
    late = now is not None and now - timer.due_at > LATE_AFTER
    at = when_phrase(timer.due_at, now) if late else ""
    if timer.kind == "timer":
        if late:
            return f"{capitalised(honorific)}, your {timer.label} timer ran out {at}, while I was away."
        return f"{capitalised(honorific)}, your {timer.label} timer is up."
    if not timer.label:
        ask = f"you asked me for a reminder {at}" if late else "this is the reminder you asked for"
        return f"Excuse me, {honorific}: {ask}."
    task = spoken_task(timer.label)
    if late:
        return f"Excuse me, {honorific}: this is rather late, but you asked me to remind you {task} {at}."
    return f"Excuse me, {honorific}: you asked me to remind you {task}."


# -- reading when: durations and clock times as people say them ----------------------------

_NUMWORD = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))  # longest first: "seventeen"
_NUM = (rf"(?:\d+(?:\.\d+)?(?: (?:hundred|thousand|million)\b)?"
        rf"|(?:an?|{_NUMWORD})\b(?:[ -](?:and )?(?:{_NUMWORD})\b)*)")
_UNIT = r"(?:h(?:ours?|rs?)?|m(?:in(?:ute)?s?)?|s(?:ec(?:ond)?s?)?)\b"
_SPECIALS = [(re.compile(p), secs) for p, secs in (
    (r"half an hour|half hour", 1800), (r"three quarters of an hour", 2700),
    (r"(?:a |one )?quarter (?:of an )?hour", 900),
    (r"(?:an|one) hour and a half|one and a half hours", 5400),
    (r"(?:a|one) minute and a half|one and a half minutes", 90))]
_ONE = rf"{_NUM} ?{_UNIT}"
DURATION = rf"\b(?:{'|'.join(p.pattern for p, _ in _SPECIALS)}|{_ONE}(?:(?:,? and |, | ){_ONE})*)"
_ONE_RE = re.compile(rf"(?P<n>{_NUM}) ?(?P<u>{_UNIT})", re.I)


# "an hour twenty", "one minute thirty": the number after the unit is of the next unit down
_TAIL_WORD = (r"(?:(?:twenty|thirty|forty|fifty)(?:[ -](?:one|two|three|four|five|six|seven|eight|nine))?"
              r"|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|five)")
_BARE_TAIL = re.compile(r"\b(?P<n>(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve) "
                        r"(?P<u>hours?|hrs?|minutes?|mins?)) (?:and )?(?P<m>[1-5]?\d|" + _TAIL_WORD + r")"
                        r"(?=\s*(?:$|[,.!?;]|(?:please|for|on|to|timer|countdown|jarvis|then|thanks|would|could|"
                        r"will|can|if|so)\b))")


def bare_tails(s: str) -> str:
    """"1 hour 20" as 1 hour 20 minutes, "one minute thirty" as one minute thirty seconds (where
    nothing after the number makes it a count of something else: "10 minutes 2 eggs"); the
    words stay words."""
    return _BARE_TAIL.sub(lambda m: f"{m['n']} {m['m']} {'minutes' if m['u'][0] == 'h' else 'seconds'}", s)


# the words of a request to set a timer that are not its name ("set me a quick timer for ...")
TIMER_FILLER = frozenset({
    "set", "start", "create", "make", "put", "on", "begin", "give", "please", "can", "could", "would", "will",
    "you", "me", "a", "an", "the", "my", "timer", "for", "of", "called", "named", "now", "up", "going", "new",
    "another", "quick", "just", "countdown", "and", "to", "i", "need", "want", "like", "i'd", "with"})


def timer_label(said: str) -> str:
    """The name a user gave a timer in what is left of the request once its length is cut out
    ("set a pasta timer for" -> "pasta"); "" when there is none."""
    return " ".join(w for w in re.findall(r"[A-Za-z']+", said) if w.lower() not in TIMER_FILLER)


def duration_seconds(text: str) -> int:
    """Seconds in "5 minutes", "an hour and 30 minutes", "half an hour", "90s"; 0 if unreadable."""
    low = text.lower().strip()
    for pattern, secs in _SPECIALS:
        if pattern.fullmatch(low):
            return secs
    total = 0.0
    for m in _ONE_RE.finditer(low):
        words = re.split(r"[ -]+", m.group("n"))
        read = (1, 1) if words in (["a"], ["an"]) else read_number(words)
        if not read or read[1] != len(words):
            return 0
        total += read[0] * {"h": 3600, "m": 60, "s": 1}[m.group("u")[0]]
    return round(total)


@dataclass
class ClockTime:
    """A clock time read from a request; ``span`` is where it stood in the text."""

    hour: int
    minute: int
    exact: bool  # am/pm or 24-hour given; a bare "3" is settled by clock_due
    span: tuple[int, int]


_HOURS = {w: n for n, w in enumerate(
    "one two three four five six seven eight nine ten eleven twelve".split(), 1)}
_FRACTIONS = {"half": 30, "quarter": 15, "twenty five": 25, "twenty": 20, "ten": 10, "five": 5}
_CLOCK_RE = re.compile(
    r"\b(?P<prep>at|for|by|around) (?:(?P<noon>noon|midday|midnight)\b|"
    r"(?:(?P<frac>half|quarter|twenty five|twenty|ten|five|\d{1,2}) (?P<dir>past|to) )?"
    rf"(?P<h>\d{{1,2}}(?!\d)|(?:{'|'.join(_HOURS)})\b)(?:[:.](?P<m>\d\d)(?!\d))?"
    r"(?P<oclock> ?o'?clock\b)?(?: ?(?P<ap>[ap])\.?m\b\.?)?)", re.I)


_HALF_HOUR = re.compile(r"\bhalf (one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2})\b"
                        r"(?! (?:past|hours?|minutes?))", re.I)


def half_hours(text: str) -> str:
    """"half six" as find_clock reads it, "half past six" (in Britain; "half an hour", "half past",
    "half six hours" stay as they are)."""
    return _HALF_HOUR.sub(r"half past \1", text)


def find_clock(text: str) -> ClockTime | str | None:
    """The first clock time in ``text`` ("at 3pm", "at 15:30", "at half past four", "at noon");
    the words themselves when they name no real time ("25:00"); None when there is none."""
    for m in _CLOCK_RE.finditer(text):
        g = {k: (v or "").lower() for k, v in m.groupdict().items()}
        if g["noon"]:
            return ClockTime(0 if g["noon"] == "midnight" else 12, 0, True, m.span())
        # "food for 2 people" is not a time: only "at" may stand before a bare number.
        if g["prep"] != "at" and not (g["ap"] or g["m"] or g["oclock"] or g["frac"]):
            continue
        hour = int(g["h"]) if g["h"].isdigit() else _HOURS[g["h"]]
        minute = int(g["m"] or 0)
        if g["frac"]:
            f = int(g["frac"]) if g["frac"].isdigit() else _FRACTIONS[g["frac"]]
            minute, hour = (f, hour) if g["dir"] == "past" else (60 - f, (hour - 1) or 12)
        if hour > 23 or minute > 59:
            return m.group()[len(g["prep"]) + 1:]
        exact = bool(g["ap"]) or hour > 12 or hour == 0 or g["h"].startswith("0")
        if g["ap"] == "p" and hour < 12:
            hour += 12
        elif g["ap"] == "a" and hour == 12:
            hour = 0
        return ClockTime(hour, minute, exact, m.span())
    return None


def clock_due(now: datetime, clock: ClockTime, day: str = "") -> datetime:
    """When a clock time next comes round: today, or tomorrow if it has passed (or was asked for).

    ``day`` is "tomorrow", "tonight", "this morning"...; a bare hour (no am/pm) is read as the
    daytime one ("at 3" is 3 pm, "at 9" is 9 am), or the evening one if that is still to come.
    """
    tomorrow = day.startswith("tomorrow")
    hour, exact = clock.hour, clock.exact
    if not exact and day and day != "tomorrow":
        pm = any(p in day for p in ("tonight", "afternoon", "evening", "night"))
        hour, exact = hour % 12 + (12 if pm else 0), True

    def at(days: int, hr: int) -> datetime:
        return (now + timedelta(days=days)).replace(hour=hr, minute=clock.minute, second=0,
                                                    microsecond=0)

    if exact:
        return at(1, hour) if tomorrow or at(0, hour) <= now else at(0, hour)
    guess = hour % 12 + (12 if hour % 12 <= 6 else 0)
    other = (guess + 12) % 24
    if tomorrow or at(0, guess) > now:
        return at(1 if tomorrow else 0, guess)
    if other >= 12 and at(0, other) > now:
        return at(0, other)
    return at(1, guess)


def timer_name(secs: int) -> str:
    """How a timer's length names it: "90 second", "5 minute", "2 hour", "1 hour 30 minute"."""
    if secs < 120:
        return f"{secs} second"
    minutes, s = divmod(secs, 60)
    if s:
        return f"{minutes} minute {s} second"
    if minutes % 60 == 0:
        return f"{minutes // 60} hour"
    return f"{minutes} minute" if minutes < 120 else f"{minutes // 60} hour {minutes % 60} minute"
