"""Jarvis's voice outside the model: the system prompt, and the spoken forms of times and dates.

The model is a small fine-tune that knows nothing of the present, so each turn's system prompt
is the persona prompt (``assets/persona.txt``, the one training used) plus one short sentence of
context: the date, the time and, where it differs from the honorific, the user's name.  Every
token of it is re-read on each turn by a tiny model on a small CPU, so it stays one line.

The helpers below (``spoken_clock``, ``spoken_date``, ``spoken_time``, ``read_number``) are
shared by the local skills and the timer announcements, so that Jarvis says (and hears) times
and numbers the same way everywhere.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from jarvis_desktop.core.errors import ConfigError
from jarvis_desktop.core.paths import asset

__all__ = [
    "UNSURE",
    "persona_file",
    "read_persona",
    "DAY_NAMES",
    "MONTH_NAMES",
    "fill_honorific",
    "capitalised",
    "part_of_day",
    "context_sentence",
    "system_prompt",
    "ordinal",
    "spoken_clock",
    "spoken_time",
    "spoken_date",
    "with_article",
    "read_number",
    "NUMBER_WORDS", "to_placeholders",
]



# How Jarvis's honest "I'm not certain" reads (the training data's unsure replies, trainer/facts.py,
# and their usual variants): the gate grades a factual reply by it, and the Assistant looks for it
# at the start of a reply to a question about the user, which the memory may answer after all.
UNSURE = re.compile(r"\b(?:not (?:certain|sure|confident)|don'?t know|do not know|can'?t say|cannot say|"
                    r"rather not guess|shan'?t guess|won'?t guess|no idea|not entirely sure|unsure)\b",
                    re.IGNORECASE)


def persona_file() -> Path:
    """The shipped persona prompt, ``assets/persona.txt`` (inside the bundle too)."""
    return asset("persona.txt")


def read_persona(path: Path | None = None) -> str:
    """The persona text holding ``{honorific}``: the user's own file, or the shipped one."""
    path = Path(path) if path else persona_file()
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read the persona prompt {path}: {exc.strerror or exc}; "
                          + ("reinstall Jarvis or restore assets/persona.txt" if path == persona_file()
                             else "fix the file, or clear the persona in Settings to use the shipped one")) from None

# English names rather than strftime's %A / %B: Qt calls setlocale() at start-up, after which
# strftime would put "Donnerstag" into an English sentence on a German desktop.
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")


def capitalised(honorific: str) -> str:
    """The honorific at the start of a sentence: "sir" -> "Sir"; a name keeps its own capitals."""
    return honorific[:1].upper() + honorific[1:]


def fill_honorific(text: str, honorific: str) -> str:
    """``{honorific}`` -> "sir" and ``{Honorific}`` -> "Sir" (same rule as the trainer's data)."""
    return text.replace("{honorific}", honorific).replace("{Honorific}", capitalised(honorific))


def to_placeholders(text: str, honorific: str) -> str:
    """The literal honorific (whole word, any case) becomes ``{honorific}``, or ``{Honorific}``
    where capitalised: "Sir" -> {Honorific}, "sir" -> {honorific}, "sirloin" stays."""
    def swap(m: re.Match) -> str:
        word = m.group(0)
        return "{Honorific}" if word != honorific and word[0].isupper() else "{honorific}"

    return re.sub(rf"(?<!\w){re.escape(honorific)}(?!\w)", swap, text, flags=re.IGNORECASE)


def part_of_day(now: datetime) -> str:
    """"morning" (5-12), "afternoon" (12-17), "evening" (17-22) or "night"."""
    if 5 <= now.hour < 12:
        return "morning"
    if 12 <= now.hour < 17:
        return "afternoon"
    if 17 <= now.hour < 22:
        return "evening"
    return "night"


def _twelve_hour(now: datetime) -> tuple[int, str]:
    return (now.hour % 12 or 12), ("am" if now.hour < 12 else "pm")


def context_sentence(now: datetime) -> str:
    """"It is Thursday 26 November 2026, 2:05 pm (afternoon)." for the system prompt."""
    hour, suffix = _twelve_hour(now)
    return (f"It is {DAY_NAMES[now.weekday()]} {now.day} {MONTH_NAMES[now.month - 1]} {now.year}, "
            f"{hour}:{now.minute:02d} {suffix} ({part_of_day(now)}).")


def system_prompt(honorific: str, now: datetime, user_name: str = "",
                  template: str | None = None) -> str:
    """The persona prompt with the honorific filled in, then the date/time and the user's name.

    ``template`` is persona text holding ``{honorific}``; by default ``assets/persona.txt``.
    """
    if template is None:
        template = read_persona()
    text = template
    parts = [fill_honorific(text.strip(), honorific), context_sentence(now)]
    name = user_name.strip()
    # "Address the user as Alice." already names her; saying it twice only costs tokens.
    if name and name.casefold() != honorific.strip().casefold():
        parts.append(f"The user's name is {name}.")
    return " ".join(parts)


def ordinal(n: int) -> str:
    """1 -> "1st", 22 -> "22nd", 13 -> "13th"."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def spoken_clock(t: datetime) -> str:
    """A clock time as written for speech: "2:05 pm", "3 pm", "noon", "midnight"."""
    if t.minute == 0 and t.hour in (0, 12):
        return "midnight" if t.hour == 0 else "noon"
    hour, suffix = _twelve_hour(t)
    return f"{hour} {suffix}" if t.minute == 0 else f"{hour}:{t.minute:02d} {suffix}"


def spoken_time(t: datetime) -> str:
    """The time of day the British way: "2:05 in the afternoon", "3 o'clock in the morning"."""
    if t.minute == 0 and t.hour in (0, 12):
        return spoken_clock(t)
    hour = t.hour % 12 or 12
    clock = f"{hour} o'clock" if t.minute == 0 else f"{hour}:{t.minute:02d}"
    # "2 in the morning" is what people say, though the prompt calls 2 am "night".
    if t.hour < 12:
        return f"{clock} in the morning"
    if t.hour < 17:
        return f"{clock} in the afternoon"
    if t.hour < 22:
        return f"{clock} in the evening"
    return f"{clock} at night"


def spoken_date(d: datetime, year: bool = False) -> str:
    """"Thursday the 26th of November" (with ", 2026" when ``year``)."""
    text = f"{DAY_NAMES[d.weekday()]} the {ordinal(d.day)} of {MONTH_NAMES[d.month - 1]}"
    return f"{text}, {d.year}" if year else text


def with_article(phrase: str) -> str:
    """"a 5 minute", "an 8 minute", "an 11 minute", "an 18.5 per cent", "an egg": the article as
    it is spoken."""
    first = phrase.split(" ", 1)[0].lower()
    digits = first.replace(",", "").split(".", 1)[0]  # "18.5": "eighteen point five"
    if digits.isdigit():
        # Spoken "eight", "eleven", "eighteen", "eighty..." start with a vowel sound.
        vowel = digits.startswith("8") or digits in ("11", "18") or (
            len(digits) == 5 and digits[:2] in ("11", "18"))  # "eleven thousand"
    else:
        vowel = first[:1] in "aeio" or first.startswith("hour")
    return f"{'an' if vowel else 'a'} {phrase}"


# -- numbers as people say them (the calculator and timer durations both read these) ----------

_UNITS = {w: n for n, w in enumerate("zero one two three four five six seven eight nine ten eleven "
                                     "twelve thirteen fourteen fifteen sixteen seventeen eighteen "
                                     "nineteen".split())}
_TENS = {w: 10 * n for n, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)}
_SCALES = {"thousand": 10 ** 3, "million": 10 ** 6, "billion": 10 ** 9}
# "first" .. "nineteenth", "twentieth" .. "ninetieth", "hundredth"
ORDINALS = {w: n for n, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth "
    "fifteenth sixteenth seventeenth eighteenth nineteenth".split(), 1)} | {
    w: 10 * n for n, w in enumerate("twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth "
                                    "ninetieth".split(), 2)} | {"hundredth": 100}
NUMBER_WORDS = frozenset([*_UNITS, *_TENS, *_SCALES, "hundred"])


def read_number(tokens: list[str], i: int = 0) -> tuple[int | float, int] | None:
    """The number spelt from ``tokens[i]`` on and the index after it, or None.

    Reads "17", "seventeen", "twenty three", "a hundred and five", "2 million", "twelve point five".
    """
    total, current, last, j = 0, 0, None, i
    while j < len(tokens):
        w, nxt = tokens[j], (tokens[j + 1] if j + 1 < len(tokens) else "")
        if last is None and re.fullmatch(r"\d+(?:\.\d+)?|\.\d+", w):
            current, last = (float(w) if "." in w else int(w)), "digit"
        elif last is None and w in ("a", "an") and (nxt == "hundred" or nxt in _SCALES):
            current, last = 1, "unit"
        elif w in _UNITS and (last in (None, "hundred", "scale", "and")
                              or (last == "ten" and 0 < _UNITS[w] < 10)):
            current, last = current + _UNITS[w], "unit"
        elif w in _TENS and last in (None, "hundred", "scale", "and"):
            current, last = current + _TENS[w], "ten"
        elif w == "hundred" and last in ("unit", "digit") and 0 < current < 100:
            current, last = current * 100, "hundred"
        elif w in _SCALES and last in ("unit", "ten", "hundred", "digit"):
            total, current, last = total + current * _SCALES[w], 0, "scale"
        elif w == "and" and last in ("hundred", "scale") and (nxt in _UNITS or nxt in _TENS):
            last = "and"
        elif w == "point" and last in ("unit", "ten") and _UNITS.get(nxt, 10) < 10:
            digits = ""
            while j + 1 < len(tokens) and _UNITS.get(tokens[j + 1], 10) < 10:
                j += 1
                digits += str(_UNITS[tokens[j]])
            return total + current + float("0." + digits), j + 1
        else:
            break
        j += 1
    return (total + current, j) if last is not None else None
