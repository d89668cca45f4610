"""The user's words made plain for the argument readers (slots.py): lower case, tokens, and
numbers said in words read as digits."""

from __future__ import annotations

import re

from jarvis_desktop.core.persona import read_number

__all__ = ["plain", "tokens", "numbers", "with_digits", "number", "one_line", "OPENING"]

# What a request said in so many words may open with before it asks ("um jarvis", "ok so",
# "quick one:"): the readers of such requests (versions, folder_size, computer, reference, the
# conversions of tools/__init__) match it, then their own words.
OPENING = r"(?:(?:um+|uh+|erm?|so|ok|okay|right|jarvis|hey|hey jarvis|quick one|quick question)\W+)*"


def one_line(message: str) -> str:
    """``message`` on one line, single-spaced, without its closing "?", "!" or ".": what the
    readers of a request in so many words match whole ("how big is my downloads folder?")."""
    return re.sub(r"\s+", " ", re.sub(r"[?!.]+\s*$", "", message.strip())).strip()


def plain(message: str) -> str:
    """The request in lower case, with curly quotes, thousands commas and hyphens between words
    made plain ("twenty-three", "half-hour", "1,296"), and "per cent" as one word."""
    s = message.lower().replace("\u2019", "'").replace("\u2018", "'")
    s = re.sub(r"(?<=\d),(?=\d{3}\b)", "", s)
    s = re.sub(r"(?<=[a-z])-(?=[a-z])|(?<=\d)-(?=[a-z])", " ", s)
    s = re.sub(r"\bper cent\b", "percent", s)
    return re.sub(r"\s+", " ", s).strip()


_TOKEN = re.compile(r"-?\d+(?:\.\d+)?|°[cf]|[a-z]+(?:'[a-z]+)?|[£%]")


def tokens(s: str) -> list[str]:
    return _TOKEN.findall(s)


def numbers(tokens: list[str]) -> list[tuple[float, int, int]]:
    """Every number in ``tokens`` as (value, first token, token after): "312", "three hundred and
    twelve", "minus forty", "12.5"; "one and a half" and "N and a half" read as N.5."""
    found, i = [], 0
    while i < len(tokens):
        sign = tokens[i] in ("minus", "negative")
        read = read_number(tokens, i + sign) if i + sign < len(tokens) else None
        if read is None:
            i += 1
            continue
        value, j = read
        if tokens[j:j + 3] == ["and", "a", "half"]:
            value, j = value + 0.5, j + 3
        found.append((-value if sign else value, i, j))
        i = j
    return found


_QUARTERS = ((re.compile(r"\b(?:an|one) hour and a quarter\b"), "75 minutes"),
             (re.compile(r"\b(?:an|one) hour and three quarters\b"), "105 minutes"),
             (re.compile(r"\bthree quarters of an hour\b"), "45 minutes"))  # not "3 quarters of 1 hour"


def with_digits(s: str) -> str:
    """``s`` with numbers spelt in words written in digits ("an hour and ten minutes" -> "an hour
    and 10 minutes", "two and a half hours" -> "2.5 hours"), for the patterns that read digits."""
    for pattern, said in _QUARTERS:
        s = pattern.sub(said, s)
    words = list(re.finditer(r"[a-z]+|\d+(?:\.\d+)?", s))
    tokens = [w.group() for w in words]
    out, last = [], 0
    for value, i, j in numbers(tokens):
        if tokens[i] in ("minus", "negative") or all(t[0].isdigit() for t in tokens[i:j]):
            continue
        out += [s[last:words[i].start()], str(number(value))]
        last = words[j - 1].end()
    return "".join(out) + s[last:]


def number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value
