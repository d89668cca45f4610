"""Arguments read from the user's own words, where the words say them for certain.

The fine-tune chooses the tool well but copies numbers, units, dates and clock times poorly: it
writes 320 for "three hundred and twelve", 17:00 for "half six this evening", converts "180
degrees C in F" the wrong way round and puts St George's Day in March.  Those are exactly the
things the app already reads reliably with code (the skills' spoken numbers and sums, the timers'
durations and clock times, the clock tool's dates, the units table).  So after the model has
chosen a tool, ``read_arguments`` reads that tool's arguments from the request; what it finds
for certain replaces the model's, and everything else is the model's as written.

It never changes which tool runs, and it reads nothing it cannot find: a request whose words are
ambiguous (two dates, three units, a follow-up such as "and in Celsius?") gives no reading and
the model's call stands.  The interaction log keeps both the call that ran and, where they
differ, the one the model wrote (``Outcome.written``).
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Callable

from jarvis_desktop.core.persona import read_number
from jarvis_desktop.core.spoken_sums import PARTS, priced_items
from jarvis_desktop.core.timers import (DURATION, TIMER_FILLER, bare_tails, clock_due, duration_seconds, find_clock,
                                        half_hours)
from jarvis_desktop.core.tools.slots_dates import date_in as _date_in, one_date as _one_date
from jarvis_desktop.core.tools.slots_desktop import DROP, FILLERS, READERS as DESKTOP_READERS
from jarvis_desktop.core.tools.slots_memory import READERS as MEMORY_READERS
from jarvis_desktop.core.tools.slots_words import (number as _number, numbers as _numbers, plain as _plain,
                                                   tokens as _tokens, with_digits as _with_digits)

log = logging.getLogger(__name__)

__all__ = ["read_arguments", "unit_mentions", "READERS", "DROP"]



def read_arguments(tool: str, args: dict, message: str, now: datetime) -> dict:
    """``args`` with what ``message`` says for certain of ``tool``'s arguments put in their place."""
    readers = [r for r in (READERS.get(tool), FILLERS.get(tool)) if r is not None]
    if not readers or not message.strip():
        return args
    for reader in readers:  # a filler sees what the reader made of the call
        try:
            found = reader(_plain(message), args, now)
        except Exception:  # noqa: BLE001 - a reader's slip must cost the model's call nothing
            log.exception("reading the arguments of %s from %r failed", tool, message[:200])
            return args
        if found:
            args = {k: v for k, v in {**args, **found}.items() if v is not DROP}
    return args


# -- sums -------------------------------------------------------------------------------------

def _calculate(s: str, args: dict, now: datetime) -> dict:
    from jarvis_desktop.core.skills import Skills, _CALC_PREFIX, _CALC_SUFFIX, _expression
    s = re.sub(r"^(?:(?:um+|uh+|erm?|ok|okay|right|so|jarvis)\b[\s,]*)+", "", s)
    words = _tokens(s)
    if expr := _mean(words) or _speed(words) or _interest(words):
        return {"expression": expr}
    low = Skills._normalise(s, "sir").lower()
    expr = _expression(_CALC_SUFFIX.sub("", _CALC_PREFIX.sub("", low)).strip()) or priced_items(s)
    return {"expression": expr.replace(" ", "")} if expr else {}


# An average of a list ("average of 12, 15, 19, 22 and 27", "my scores were 68 74 81 and 90, whats
# my average") and a speed from a distance and a time ("drove 150 miles in two and a half hours, what
# was my average speed?"): the data writes (12+15+19+22+27)/5 and 150/2.5; v4 wrote the sum, the
# product ("mean of 3, 5 and 10": 150) and 150/240.
_BETWEEN = {"and", "&"}
_BEFORE_LIST = {"of", "for", "the", "numbers", "these", "those", "scores", "marks"}
_AFTER_MEAN = {"please", "jarvis", "score", "scores", "mark", "marks", "then", "be", "is", "come", "comes", "to"}
_DISTANCE = {"mile", "miles", "km", "kms", "kilometres", "kilometers", "kilometre", "kilometer"}
_HOURS = {"hour": 1, "hours": 1, "hr": 1, "hrs": 1, "minutes": 60, "minute": 60, "mins": 60, "min": 60}


def _mean(tokens: list[str]) -> str:
    """The average of the one list of numbers the words give, where they ask for its average."""
    said = [i for i, t in enumerate(tokens)  # "mean of ...": "what does 127.0.0.1 mean" is no sum
            if t == "average" or t == "mean" and tokens[i + 1:i + 2] in (["of"], ["for"])]
    nums = _numbers(tokens)
    if len(said) != 1 or len(nums) < 2 or "load" in tokens:  # the processor's load average
        return ""
    if any(set(tokens[j:i]) - _BETWEEN for (_v, _i, j), (_w, i, _j) in zip(nums, nums[1:])):
        return ""  # numbers apart: not one list
    at, first, last = said[0], nums[0][1], nums[-1][2]
    before = at < first and set(tokens[at + 1:first]) <= _BEFORE_LIST and (at == 0 or tokens[at - 1] != "i")
    after = at >= last and set(tokens[at + 1:]) <= _AFTER_MEAN
    if not (before or after):
        return ""
    return f"({'+'.join(str(_number(v)) for v, _i, _j in nums)})/{len(nums)}"


def _speed(tokens: list[str]) -> str:
    """A distance over a time ("150 miles in two and a half hours"), where the words ask the speed."""
    if not ({"speed", "mph", "fast"} & set(tokens)):
        return ""
    nums = _numbers(tokens)
    if len(nums) != 2:
        return ""
    (d, _i, j), (t, k, m) = nums
    if tokens[j:j + 1] and tokens[j] in _DISTANCE and tokens[j + 1:k] == ["in"] and tokens[m:m + 1] \
            and tokens[m] in _HOURS and t > 0:
        per = _HOURS[tokens[m]]
        return f"{_number(d)}/{_number(t)}" if per == 1 else f"{_number(d)}/({_number(t)}/{per})"
    return ""


# the total the sum grows to, where the words ask for it; otherwise the interest alone ("simple
# interest on 1200 pounds at 3.5 percent over two years?", as the data answers it)
_GROWN = re.compile(r"\b(?:end up with|end up|in total|altogether|total|will i have|would i have|will it be|"
                    r"be worth|grow to|come to|comes to|have at the end|all in)\b")
_YEARS = {"year": 1, "years": 1, "yrs": 1, "months": 12, "month": 12}


def _interest(tokens: list[str]) -> str:
    """Simple or compound interest on a sum at a rate for a time ("£5,000 at 4% simple interest for
    3 years, how much do I end up with": v4 wrote 5000/0.11), the total or, asked so, the interest."""
    kind = {"simple", "compound", "compounded"} & set(tokens)
    nums = _numbers(tokens)
    if "interest" not in tokens or len(kind) != 1 or len(nums) != 3:
        return ""
    rate = [(v, i) for v, i, j in nums if tokens[j:j + 1] in (["percent"], ["%"])]
    span = [(v, _YEARS[tokens[j]]) for v, i, j in nums if tokens[j:j + 1] and tokens[j] in _YEARS]
    if len(rate) != 1 or len(span) != 1:
        return ""
    (r, _), (n, per) = rate[0], span[0]
    sums = [v for v, i, j in nums if v != r and (v, per) != span[0] and v > 0]
    if len(sums) != 1:
        return ""
    p, r, n = _number(sums[0]), _number(r), _number(n) if per == 1 else f"{_number(n)}/{per}"
    earned = _GROWN.search(" ".join(tokens)) is None
    if kind == {"simple"}:
        return f"{p}*{r}/100*{n}" if earned else f"{p}*(1+{r}/100*{n})"
    total = f"{p}*(1+{r}/100)**({n})" if per != 1 else f"{p}*(1+{r}/100)**{n}"
    return f"{total}-{p}" if earned else total


# what may stand between a percentage and its amount: "a 15 percent tip on 60"; "20% off £45" where
# the words ask for the saving, not for what is left to pay
_SAVING = re.compile(r"\b(?:sav(?:e|es|ed|ing|ings)|discount|discounted|knock(?:s|ed|ing)?|reduction|how much off)\b")
_PAID = re.compile(r"\b(?:pay|paying|paid|cost|costs|price|left|come to|comes to|total|new)\b")
_PERCENT_OF = frozenset({"tip", "service", "discount", "rise", "raise", "increase", "interest", "vat", "extra",
                         "gratuity", "cut", "charge", "commission", "deposit", "pay", "more", "less", "fee"})
# "a quarter of 84": 25 percent (the parts that are a whole percentage: a half, quarter, fifth, tenth)
_PARTS_OF = {part: 100 // n for part, n in PARTS.items() if not part.endswith("s") and 100 % n == 0}
# how many of them: "three quarters", "nine tenths"
_COUNTS = {w: n for n, w in enumerate("a two three four five six seven eight nine".split(), 1)} | {"one": 1}


def _percent(s: str, args: dict, now: datetime) -> dict:
    tokens = _tokens(s)
    nums = _numbers(tokens)
    for k, (value, i, j) in enumerate(nums):
        if tokens[j:j + 1] not in (["percent"], ["%"]) or k + 1 >= len(nums):
            continue
        between = tokens[j + 1:nums[k + 1][1]]
        words = [w for w in between if w not in ("a", "the", "my", "£")]
        joins = (["of"], ["on"], ["off"]) if _SAVING.search(s) and not _PAID.search(s) else (["of"], ["on"])
        if words[-1:] in joins and len(words) <= 3 and set(words[:-1]) <= _PERCENT_OF:
            return {"percent": _number(value), "of": _number(nums[k + 1][0])}
    for k, (value, i, j) in enumerate(nums):  # "a quarter of 84", "three quarters of eighty"
        if i >= 2 and tokens[i - 1] == "of" and tokens[i - 2].rstrip("s") in _PARTS_OF:
            part, count = tokens[i - 2].rstrip("s"), tokens[i - 3] if i >= 3 else ""
            times = _COUNTS.get(count, 1 if part == "half" else 0)
            if times and (times == 1) == (tokens[i - 2] == part):
                return {"percent": _PARTS_OF[part] * times, "of": _number(value)}
    return {}


_SHARED = re.compile(r"\b(?:split|share|sharing|bill|each|halves|tab|ways|divide|divided|owe|pays?|paying)\b")
# the people sharing, named ("me and my mate owe 67 between us", "me, my brother and my dad are
# buying mum a £150 gift between us"), where the words say they share it
_SHARERS = re.compile(r"\b(?:me|myself)(?P<others>(?:, (?:my )?[a-z]+)*),? and (?:my )?[a-z]+\b"
                      r"(?=.*\b(?:between us|each of us|each|my half|my share|our share|halves)\b)")
_TIP_SAID = re.compile(r"\b(?:tip|tips|tipping|service|gratuity|percent|per cent)\b|%")
_AFTER_TOTAL = frozenset({"ways", "between", "among", "with", "plus", "and", "please", "each", "for", "split",
                          "tip", "no", "including", "inc", "what", "how"})


_TOTAL_IS = [[noun, verb] for noun in ("bill", "tab", "total", "meal", "dinner") for verb in ("is", "was", "came")] \
    + [["came", "to"], ["comes", "to"]]


def _split_bill(s: str, args: dict, now: datetime) -> dict:
    tokens = _tokens(s)
    total = people = tip = None
    loose = []  # numbers nothing marks: the total, where only one is left
    for value, i, j in _numbers(tokens):
        before, after = tokens[max(0, i - 2):i], tokens[j:j + 2]
        if after[:1] == ["percent"] or after[:1] == ["%"]:
            tip = value if tip is None else False
        elif before[-1:] == ["£"] or after[:1] in (["pounds"], ["quid"], ["pound"]) or before[-2:] in _TOTAL_IS:
            total = value if total is None else False
        elif after[:1] in (["ways"], ["people"], ["of"]) or before[-2:] in (["each", "of"], ["between", "the"],
                                                                           ["we", "are"], ["there", "are"]) \
                or before[-1:] in (["between"], ["among"], ["we're"]):
            people = value if people is None and float(value).is_integer() else False
        elif not after[:1] or not after[0].isalpha() or after[0] in _AFTER_TOTAL or read_number(tokens, j):
            loose.append(value)  # (not "5 miles": a number with a unit of its own is no bill)
    if people is None and re.search(r"\b(?:go|going|split(?: it)?(?: in)?) halves\b", s):
        people = 2
    if people is None and len(loose) + (total is not None) == 1 and (named := _SHARERS.search(s)):
        people = 2 + len(re.findall(r",", named["others"]))  # "me, my brother and my dad": three
    if total is None and people and len(loose) == 1 and _SHARED.search(s):
        total = loose[0]  # "split 120 four ways"
    # a tip the words never speak of is one the model made up ("we are three and the tab is 58.40"
    # had been written with tip_percent 1.5)
    unsaid = {"tip_percent": DROP} if tip is None and not _TIP_SAID.search(s) else {}
    if not total or not people:  # None (not said) or False (said twice): the model's reading stands
        return unsaid
    return {"total": _number(total), "people": int(people), **({"tip_percent": _number(tip)} if tip else unsaid)}


def _total_duration(s: str, args: dict, now: datetime) -> dict:
    s = _with_digits(s)
    spans = [m.span() for m in re.finditer(DURATION, s)]
    if len(spans) != 1:
        return {}
    seconds = duration_seconds(s[spans[0][0]:spans[0][1]])
    rest = s[:spans[0][0]] + " | " + s[spans[0][1]:]
    counts = [n for n in _numbers(_tokens(rest)) if float(n[0]).is_integer() and n[0] > 0]
    if not seconds or len(counts) != 1:
        return {}
    return {"count": int(counts[0][0]), "minutes": _number(seconds / 60)}


# -- units ------------------------------------------------------------------------------------

# Unit names that are also everyday words or letters: a unit only straight after a number (or,
# for a temperature's letter, after "degrees", "in" or "to").
_AMBIGUOUS = {"in", "a", "t", "b", "k", "st", "ha", "mi", "pt", "l", "c", "f", "m", "g", "kn", "lt", "ac", "kt",
              "ins", "gal", "cup", "tb", "ton", "pound", "pounds"}
_TEMPERATURE_LETTERS = {"c": "degC", "f": "degF", "°c": "degC", "°f": "degF"}


def unit_mentions(tokens: list[str], numbers: list[tuple[float, int, int]]) -> list[tuple[int, int, str]]:
    """Where units are named: (first token, token after, the name as the converter takes it)."""
    from jarvis_desktop.core.tools.units import _ALIASES
    ends = {j for _, _, j in numbers}
    found, i = [], 0
    while i < len(tokens):
        degrees = tokens[i] in ("degree", "degrees")
        start = i + degrees
        for n in (3, 2, 1):
            words = tokens[start:start + n]
            if len(words) < n:
                continue
            key = " ".join(words)
            if key in _TEMPERATURE_LETTERS and (degrees or i in ends or tokens[i - 1:i] in (["in"], ["to"], ["into"])):
                found.append((i, start + n, _TEMPERATURE_LETTERS[key]))
                break
            if key in _ALIASES and (n > 1 or key not in _AMBIGUOUS or i in ends
                                    or (key in ("cup", "gal", "ton", "pound", "pounds")
                                        and tokens[i - 1:i] in (["a"], ["an"], ["in"], ["many"], ["to"], ["into"],
                                                                ["quarter"], ["quarters"], ["half"]))):
                found.append((i, start + n, key))
                break
        else:
            i += 1
            continue
        i = found[-1][1]
    return found


def _quantity(tokens: list[str], start: int, numbers: list[tuple[float, int, int]]) -> float | None:
    """The amount said just before the unit at ``start``: "5", "minus forty", "a" (1), "half a"
    (0.5), "a quarter of a" (0.25), "one and a half"; None where no amount is said."""
    for value, i, j in numbers:
        if j == start:
            if tokens[j - 2:j] == ["and", "a"]:
                continue
            return value
    before = tokens[max(0, start - 4):start]
    if before[-2:] in (["half", "a"], ["half", "an"]):
        return 0.5
    if before[-4:] in (["a", "quarter", "of", "a"], ["a", "quarter", "of", "an"]) or before[-3:] == ["quarter", "of", "a"]:
        return 0.25
    if before[-4:] == ["three", "quarters", "of", "a"] or before[-2:] == ["three", "quarters"]:
        return 0.75  # "three quarters of a cup", "three quarters cup"
    if before[-2:] in (["a", "quarter"], ["one", "quarter"]):
        return 0.25  # "a quarter cup"
    if before[-2:] in (["a", "half"], ["one", "half"]):
        return 0.5  # "a half cup"
    if before[-2:-1] == ["of"]:  # "two thirds of a cup": a part not read here, so no amount
        return None
    if before[-1:] in (["a"], ["an"], ["one"]):
        return 1.5 if tokens[start + 1:start + 4] == ["and", "a", "half"] else 1.0
    return None


_A_RACE = re.compile(r"\b(?:race|run|running|runs|jog|jogging|parkrun|walk|ride|cycle|swim|marathon)\b")


# A height or a weight said in two units, the larger first: "5 foot 9", "11 stone 4", "2 pounds 3
# ounces": (the larger unit's words, the smaller's, how many of the smaller make one, its name).
_COMPOUNDS = ((("foot", "feet", "ft"), ("inches", "inch", "in"), 12, "in"),
              (("stone", "st"), ("pounds", "pound", "lb", "lbs"), 14, "lb"),
              (("pounds", "pound", "lb", "lbs"), ("ounces", "ounce", "oz"), 16, "oz"))


def _compound(tokens: list[str], numbers: list[tuple[float, int, int]]) -> tuple[float, str, int, int] | None:
    """A quantity said in two units ("5 foot 9 in centimetres"), as (its value in the smaller unit,
    that unit's name, its first token, the token after it), or None.  "in" after the second number
    is the smaller unit only where no unit follows it ("5 ft 9 in" but not "5 foot 9 in cm")."""
    for (v1, i1, j1), (v2, i2, j2) in zip(numbers, numbers[1:]):
        for big, small, per, name in _COMPOUNDS:
            if tokens[j1:j1 + 1] and tokens[j1] in big and i2 == j1 + 1 and 0 <= v2 < per and v1 >= 0:
                end = j2
                if tokens[j2:j2 + 1] and tokens[j2] in small and not (
                        tokens[j2] == "in" and len(tokens) > j2 + 1 and tokens[j2 + 1] not in ("please", "jarvis")):
                    end = j2 + 1
                return v1 * per + v2, name, i1, end
    return None


def _convert(s: str, args: dict, now: datetime) -> dict:
    from jarvis_desktop.core.tools.units import _compatible, _resolve
    tokens = _tokens(s)
    numbers = _numbers(tokens)
    mentions = unit_mentions(tokens, numbers)
    if _A_RACE.search(s):  # "a 5k race", "my 10k run": kilometres, not kelvin
        mentions = [(i, j, "km" if name == "k" else name) for i, j, name in mentions]
    if (two := _compound(tokens, numbers)) is not None:  # "5 foot 9 in centimetres": 69 inches
        value, name, start, end = two
        rest = [m for m in mentions if not start <= m[0] < end and not (m[0] == end and tokens[end] == "in")]
        if len(rest) != 1 or _quantity(tokens, rest[0][0], numbers) is not None:
            return {}
        try:
            a, b = _resolve(name, "sir")[1], _resolve(rest[0][2], "sir")[1]
        except Exception:  # noqa: BLE001 - a name the converter does not take: no reading
            return {}
        return {"value": _number(value), "from": name, "to": rest[0][2]} if _compatible(a, b) and a != b else {}
    if len(mentions) != 2:
        return {}
    amounts = [_quantity(tokens, start, numbers) for start, _, _ in mentions]
    said = [k for k, a in enumerate(amounts) if a is not None]
    if len(said) != 1:
        return {}
    source, target = mentions[said[0]][2], mentions[1 - said[0]][2]
    try:
        a, b = _resolve(source, "sir")[1], _resolve(target, "sir")[1]
    except Exception:  # noqa: BLE001 - a name the converter does not take: no reading
        return {}
    if a == b or not (_compatible(a, b) or _weighed(a, b, s)):
        return {}
    return {"value": _number(amounts[said[0]]), "from": source, "to": target}


def _weighed(a, b, s: str) -> bool:
    """A volume against a weight where the words name what is measured: "how many grams in a
    cup of flour" (the tool reads the ingredient from the words)."""
    from jarvis_desktop.core.tools.ingredients import ingredient_in
    from jarvis_desktop.core.tools.units import _kind
    return {_kind(a), _kind(b)} == {"a volume", "a weight"} and ingredient_in(s) is not None


# -- timers and reminders ---------------------------------------------------------------------

def _duration(s: str) -> tuple[int, tuple[int, int]] | None:
    spans = [m for m in re.finditer(DURATION, s) if duration_seconds(m.group())]
    if len(spans) != 1:
        return None
    return duration_seconds(spans[0].group()), spans[0].span()


_UNIT_WORD = r"(?:hours?|hrs?|minutes?|mins?|seconds?|secs?|\d+)"


# How the words ask to be told when the time is up ("Shout when three minutes have gone." was
# set_timer{minutes:3,label:"shout"}): never the timer's name.
_TELL_ME = frozenset({"shout", "ping", "buzz", "beep", "alert", "tell", "nudge", "holler", "let", "know", "when",
                      "done", "gone", "finished"})


def _set_timer(s: str, args: dict, now: datetime) -> dict:
    s = bare_tails(_with_digits(s))
    found = _duration(s)
    if found is None:
        return {}
    total, span = found
    written = sum(int(args.get(k) or 0) * n for k, n in (("hours", 3600), ("minutes", 60), ("seconds", 1)))
    reading: dict = {}
    if written != total:
        pieces = re.findall(r"\b(?:hours?|hrs?|minutes?|mins?|seconds?|secs?)\b", s[span[0]:span[1]])
        unit = {"h": ("hours", 3600), "m": ("minutes", 60), "s": ("seconds", 1)}[pieces[0][0]] if pieces else None
        if len(pieces) == 1 and total % unit[1] == 0:  # "ninety minutes": as said
            reading = {"hours": DROP, "minutes": DROP, "seconds": DROP, unit[0]: total // unit[1]}
        else:
            hours, rest = divmod(total, 3600)
            minutes, seconds = divmod(rest, 60)
            reading = {"hours": hours or DROP, "minutes": minutes or DROP, "seconds": seconds or DROP}
    label = str(args.get("label") or "")
    said = s[:span[0]] + " " + s[span[1]:]
    words = re.findall(r"[a-z0-9']+", label.lower())  # "45" for "give me 45 seconds" is no name
    if words and (all(w in TIMER_FILLER or w in _TELL_ME or w in ("minute", "minutes", "hour", "hours", "second",
                                                                   "seconds") for w in words)
                  or not all(re.search(rf"\b{re.escape(w)}\b", said) for w in words)):
        reading["label"], label = DROP, ""  # "countdown", "three minutes", "shout": no name the user gave
    if not label and (m := re.search(r"\bfor (?:the|my|our) ([a-z]+)(?=\s*(?:$|[,.!?]|please|jarvis))", said)):
        reading["label"] = m[1]
    elif not label and (m := re.search(r"\b([a-z']+) (?:timer|countdown)\b", said)) \
            and m[1] not in TIMER_FILLER and not re.fullmatch(_UNIT_WORD, m[1]):
        reading["label"] = m[1]  # "pasta timer eleven minutes"
    return reading


_DAY_WORDS = re.compile(r"\b(?:tomorrow|tonight|today|this (?:morning|afternoon|evening))\b")


_IN_SPAN = re.compile(rf"\b(?:in|after) (?:another )?(?P<d>{DURATION})")  # "in 20 minutes": a reminder's time

# what a reminder is asked with; the task follows it ("give me a nudge to phone my mum")
_NUDGE = re.compile(r"\b(?:remind me|give me a (?:nudge|shout|prod|buzz|reminder)|nudge me|ping me|prod me|"
                    r"(?:do not|don't|dont) let me forget|set (?:me )?a reminder|(?:add|create|make) a reminder)"
                    r"(?:\s+(?:to|that)\b)?")


def _task(s: str) -> str:
    """The task a reminder is asked for in the words ``s`` (plain, numbers in digits): what
    follows the asking ("remind me to", "don't let me forget"), less its time ("in 20 minutes",
    "at half past 6", "this evening"); "" where the words hold none."""
    asked = _NUDGE.search(s)
    if asked is None:
        return ""
    rest = s[asked.end():]
    cut = [m.span() for m in _IN_SPAN.finditer(rest)]
    cut += [m.span() for m in _DAY_WORDS.finditer(rest)]
    clock = find_clock(rest)
    if clock is not None and not isinstance(clock, str):
        cut.append(clock.span)
    for start, end in sorted(cut, reverse=True):
        rest = rest[:start] + " " + rest[end:]
    rest = re.sub(r"[^\w' ]+", " ", rest)
    rest = re.sub(r"^\s*(?:to|and|for)\b|\b(?:and|please|jarvis|thanks|thank you)\s*$", "", rest.strip())
    return re.sub(r"\s+", " ", rest).strip()


def _said(task: str, s: str) -> bool:
    """Whether every word of the model's ``task`` is in the user's words ``s`` ("phone mum" for
    "phone my mum" is; "remind_me{task:" is not)."""
    words = re.findall(r"[a-z0-9']+", task.lower())
    return bool(words) and set(words) <= set(re.findall(r"[a-z0-9']+", s))


def _remind_me(s: str, args: dict, now: datetime) -> dict:
    s = half_hours(bare_tails(_with_digits(s)))  # "half six": half past six, in Britain
    return {**_remind_time(s, args, now), **_remind_task(s, args)}


def _remind_task(s: str, args: dict) -> dict:
    """The task from the words, where the model wrote one the user never said (a slip such as
    ``task:"remind_me{task:"``) or none though the words give one; the model's wording stands
    where its words are the user's."""
    written = str(args.get("task") or "")
    if written and _said(written, s):
        # "to water the plants": the asking's "to" is no part of the task ("remind you to to ...")
        bare = re.sub(r"^\s*to\s+(?=\S)", "", written, flags=re.IGNORECASE)
        return {"task": bare} if bare != written else {}
    task = _task(s)
    return {"task": task} if task else {}


def _remind_time(s: str, args: dict, now: datetime) -> dict:
    rel = _IN_SPAN.search(s)
    clock = find_clock(s)
    if clock is not None and not isinstance(clock, str) and find_clock(s[clock.span[1]:]) is not None:
        return {}  # "the plumber comes at 3, so remind me at 2:30": which is it?
    if rel and clock is not None:
        return {}
    if rel:
        seconds = duration_seconds(rel["d"])
        if not seconds:
            return {}
        return {"in_minutes": max(1, round(seconds / 60)), "at": DROP, "day": DROP}
    if clock is None or isinstance(clock, str):
        return {}
    day = _DAY_WORDS.search(s)
    said = day.group() if day else ""
    at = clock_due(now, clock, said).strftime("%H:%M")
    written = re.fullmatch(r"(\d{1,2})[:.](\d\d)", str(args.get("at") or "").strip())
    if not clock.exact and written and (int(written[1]) % 12, int(written[2])) == (clock.hour % 12, clock.minute):
        at = f"{int(written[1]):02d}:{written[2]}"  # "at 8:15", morning or evening: the model's reading stands
    return {"at": at, "in_minutes": DROP,
            "day": ("tomorrow" if said == "tomorrow" else "today") if said else DROP}


def _cancel_timer(s: str, args: dict, now: datetime) -> dict:
    """Only "all of them" is read (with which kind, where the words say one): a single timer's
    kind and name are the model's."""
    every = re.search(r"\b(?:all|every|everything|the lot|both)\b", s)
    if not every:
        from jarvis_desktop.core.skills import _CANCEL_FILLER
        label = re.findall(r"[a-z0-9']+", str(args.get("label") or "").lower())
        # "never mind that timer" written with label "timer": a kind, not a name the user gave
        if label and all(w in _CANCEL_FILLER for w in label):
            return {"label": DROP}
        named = [w for w in label if w not in ("timer", "timers", "reminder", "reminders")]
        return {"label": " ".join(named)} if named != label else {}  # "the egg timer" is the egg one
    kinds = re.findall(r"\b(timer|reminder)s?\b", s[every.start():]) or re.findall(r"\b(timer|reminder)s?\b", s)
    both = "both" in s or len(set(kinds)) > 1 and re.search(r"\b(?:timers?|reminders?) and (?:timers?|reminders?)\b", s)
    return {"all": True, "label": DROP, "kind": DROP if both or not kinds else kinds[0]}


# -- volume (media's reader is in slots_desktop.py) ------------------------------------------

def _volume(s: str, args: dict, now: datetime) -> dict:
    tokens = _tokens(s)
    level = None
    for value, i, j in _numbers(tokens):
        if tokens[j:j + 1] in (["percent"], ["%"]) or tokens[i - 1:i] in (["to"], ["at"]):
            level = value if level is None else -1
    if level is None and re.search(r"\b(?:to|at) half\b|\bhalf volume\b", s):
        level = 50
    direction = re.search(r"\b(?:up|down|louder|quieter|softer|raise|lower|turn)\b", s)
    if level is not None and 0 <= level <= 100 and not direction:
        return {"action": "set", "level": int(level)}
    return {}


READERS: dict[str, Callable[[str, dict, datetime], dict]] = {
    "calculate": _calculate, "percent": _percent, "split_bill": _split_bill, "total_duration": _total_duration,
    "convert": _convert, "weekday": _one_date, "days_until": _one_date, "date_in": _date_in,
    "set_timer": _set_timer, "remind_me": _remind_me, "cancel_timer": _cancel_timer,
    "volume": _volume, **DESKTOP_READERS, **MEMORY_READERS,
}
