"""Arithmetic as people say it, rewritten as the infix sum the calculator reads.

The calculator skill and the ``calculate`` tool's argument reader (tools/slots.py) read a sum
said in order: "17 times 23", "144 divided by 12", "nine cubed".  People also say sums the other
way round or in set phrases, and the fine-tune then writes the wrong expression for them ("two
to the sixteenth" as ``2**6``, "twelve plus eight, all divided by four" as ``12*4``).  ``infix``
rewrites those forms so the same reader takes them:

  * verbs first: "divide 120 by 8", "multiply 14 by 6", "subtract 19 from 72", "take 12 away
    from 40", "add 38 to 55", "add up 12.50, 8.99 and 3.25", "what's left of 100 once you take
    away 37";
  * named results: "the sum of 45 and 17", "the product of", "the difference between", "the
    remainder when you divide 100 by 7";
  * powers and roots: "two to the sixteenth (power)", "the cube of 4", "the square of twelve",
    "the cube root of 64", "what number times itself makes 529";
  * parts: "half of 348", "a third of 96", "two thirds of 90", "seven eighths", "double 175";
  * grouping and rounding: "twelve plus eight, all divided by four" is (12+8)/4; "... rounded to
    the nearest whole number", "... to two decimal places".

Only whole forms are rewritten, with numbers for every operand; anything else is left as it was,
and the reader then finds a word that is no arithmetic and reads nothing.  The text comes in
lower case with commas gone (Skills._normalise); numbers said in words are written in digits
first ("three hundred and twelve" -> 312).
"""

from __future__ import annotations

import re

from jarvis_desktop.core.persona import _TENS, ORDINALS as _ORDINALS, read_number

__all__ = ["infix", "digits", "PARTS", "priced_items"]

_N = r"-?\d+(?:\.\d+)?"  # an operand, once written in digits

# a part of a whole: "a third", "two thirds", "seven eighths" ("second" is no part: "a second" is time)
PARTS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fifth": 5,
          "fifths": 5, "sixth": 6, "sixths": 6, "seventh": 7, "sevenths": 7, "eighth": 8, "eighths": 8,
          "ninth": 9, "ninths": 9, "tenth": 10, "tenths": 10}
_PART = "|".join(sorted(PARTS, key=len, reverse=True))


def _ordinal(word: str) -> int | None:
    """16 for "sixteenth" or "16th", 21 for "twenty first" (as one string), else None."""
    if m := re.fullmatch(r"(\d+)(?:st|nd|rd|th)", word):
        return int(m.group(1))
    parts = word.split()
    if len(parts) == 2 and parts[0] in _TENS and _ORDINALS.get(parts[1], 10) < 10:
        return _TENS[parts[0]] + _ORDINALS[parts[1]]
    return _ORDINALS.get(word) if len(parts) == 1 else None


def digits(text: str) -> str:
    """``text`` with every number said in words written in digits ("three hundred and twelve"
    -> "312", "twelve point five" -> "12.5"); "a" and "an" stay words unless a scale follows
    ("a hundred" -> "100")."""
    words = list(re.finditer(r"[a-z]+|\d+(?:\.\d+)?", text))
    tokens = [w.group() for w in words]
    out, last, i = [], 0, 0
    while i < len(tokens):
        read = read_number(tokens, i)
        if read is None or all(t[0].isdigit() for t in tokens[i:read[1]]):
            i = read[1] if read else i + 1
            continue
        value, j = read
        out += [text[last:words[i].start()], repr(int(value) if float(value).is_integer() else value)]
        last, i = words[j - 1].end(), j
    return "".join(out) + text[last:]


_OF = r"(?:the )?"
_ORD = (r"(?:\d+(?:st|nd|rd|th)|(?:(?:" + "|".join(_TENS) + r") )?(?:" + "|".join(_ORDINALS) + r"))")

# (pattern, replacement) over the whole text, in this order; \N are operands
_FORMS = [(re.compile(p), r) for p, r in (
    # what's left once part is taken away
    (rf"^(?:what's |whats |what is )?left (?:of|from) ({_N}) (?:once|when|if|after) (?:you )?"
     rf"(?:take away|take off|subtract|remove|spend) ({_N})$", r"\1 - \2"),
    # the remainder of a division
    (rf"^{_OF}remainder (?:when|if|after) (?:you )?divid(?:e|ing) ({_N}) by ({_N})$", r"\1 % \2"),
    (rf"^{_OF}remainder (?:when|if|after) ({_N}) is divided by ({_N})$", r"\1 % \2"),
    (rf"^{_OF}remainder of ({_N}) (?:divided by|over) ({_N})$", r"\1 % \2"),
    # verbs first
    (rf"^divide ({_N}) by ({_N})", r"\1 / \2"),
    (rf"^multiply ({_N}) by ({_N})", r"\1 * \2"),
    (rf"^(?:subtract|deduct) ({_N}) from ({_N})", r"\2 - \1"),
    (rf"^take (?:away )?({_N}) (?:away )?from ({_N})", r"\2 - \1"),
    (rf"^add ({_N}) to ({_N})", r"\1 + \2"),
    # named results
    (rf"^{_OF}(?:sum|total) of ({_N}) and ({_N})$", r"\1 + \2"),
    (rf"^{_OF}product of ({_N}) and ({_N})$", r"\1 * \2"),
    (rf"^{_OF}difference between ({_N}) and ({_N})$", r"\1 - \2"),
    # the number that times itself makes N: its square root
    (rf"^(?:what |which )?(?:number|figure)? ?(?:when )?(?:times itself|multiplied by itself|squared) "
     rf"(?:makes|gives(?: you)?|is|equals|comes to) ({_N})$", r"sqrt(\1)"),
    # powers and roots
    (rf"\b{_OF}cube root of ({_N})", r"cbrt(\1)"),
    (rf"\b{_OF}(square|cube) of ({_N})", lambda m: f"{m.group(2)} ** {2 if m.group(1) == 'square' else 3}"),
    (rf"\b({_N}) to the ({_ORD})(?: power)?\b", lambda m: f"{m.group(1)} ** {_ordinal(m.group(2))}"),
    # parts of a whole and multiples
    (rf"\b(?:a|one) ({_PART})(?: of)? ({_N})\b", lambda m: f"{m.group(2)} / {PARTS[m.group(1)]}"),
    (rf"\bhalf(?: of)? ({_N})\b", r"\1 / 2"),
    (rf"\b({_N}) ({_PART})(?: of ({_N}))?\b",
     lambda m: f"{m.group(1)} / {PARTS[m.group(2)]}" + (f" * {m.group(3)}" if m.group(3) else "")),
    (rf"\b(?:double|twice) ({_N})\b", r"2 * \1"),
    (rf"\b(?:triple|treble) ({_N})\b", r"3 * \1"),
)]
_ADD_UP = re.compile(rf"^(?:add(?: up| together)?|tot up|total(?: up)?|sum(?: up)?) ({_N}(?:(?: and)? {_N})+)$")
_GROUP = re.compile(r"^(.+?) all (?=(?:divided by|over|times|multiplied by|plus|minus|squared|cubed)\b)")
_ROUNDED = re.compile(r"^(.+?) (?:rounded|round)(?: off)?(?: to the nearest (?:whole number|integer|unit|one))?$"
                      r"|^(.+?) to the nearest (?:whole number|integer)$")
_PLACES = re.compile(rf"^(.+?) (?:rounded |correct )?to ({_N}) (?:decimal places?|dp|decimals?|places?)$")


def infix(text: str) -> str:
    """``text`` (lower case, no commas) with the spoken forms above written as infix sums, and
    numbers in digits; ``text`` otherwise as it was (in digits)."""
    s = re.sub(r"\s+", " ", digits(text)).strip()
    rounding = None
    if m := _PLACES.match(s):
        s, rounding = m.group(1), m.group(2)
    elif m := _ROUNDED.match(s):
        s, rounding = m.group(1) or m.group(2), ""
    if m := _ADD_UP.match(s):
        s = " + ".join(re.findall(_N, m.group(1)))
    for pattern, replacement in _FORMS:
        s = pattern.sub(replacement, s)
    s = _GROUP.sub(r"( \1 ) ", s)
    if rounding is not None:
        s = f"round( {s} {', ' + rounding if rounding else ''})"
    return s


# "3 at £4.99", "two coffees at 2.80 each", "a sandwich @ £4.50": a count of things at a price each
_COUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
           "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_NOT_THINGS = (r"and|or|but|then|so|was|were|is|are|be|in|out|on|off|back|by|till|until|left|got|get|came|come|"
               r"went|go|arrived|started|start|finished|leave|leaving|left|set|met|meet|from|to")
_PRICED = re.compile(r"(?<![\w.£$€])(?P<n>\d+|" + "|".join(_COUNTS) + r")(?: (?!(?:" + _NOT_THINGS
                     + r")\b)[a-z]+){0,2}? (?:at|@) [£$€]?"
                     r"(?P<p>\d+(?:\.\d+)?)(?!\w|\.\d)(?: each| a (?:piece|go|time|pop))?")
_TOTAL = re.compile(r"\b(?:total|altogether|all together|in all|come to|comes to|how much|owe|spend|spent|cost|bill)\b")


def priced_items(s: str) -> str | None:
    """The total of things bought at a price each, where the words ask for it and say nothing
    else with a number: "I bought 3 at £4.99 and 2 at £12.50. What's the total?" -> 3*4.99+2*12.5."""
    if not _TOTAL.search(s) or re.search(r"\b(?:time|times|o'clock|am|pm|hours?|minutes?|mins?)\b", s):
        return None  # "in at 9 and out at 11": clock times, not prices
    items, spans = [], []
    for m in _PRICED.finditer(s):
        count = int(m["n"]) if m["n"].isdigit() else _COUNTS[m["n"]]
        if count <= 0:
            return None
        price = float(m["p"])
        items.append(f"{count}*{int(price) if price.is_integer() else price}")
        spans.append(m.span())
    rest = s
    for start, end in reversed(spans):
        rest = rest[:start] + " " + rest[end:]
    if not items or re.search(r"\d", rest):  # another number in the words: not only these things
        return None
    return "+".join(items)
