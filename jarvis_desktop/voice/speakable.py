"""Turn chat replies into text a TTS voice reads aloud naturally, and cut streams into chunks.

The language model writes for a screen: markdown, digits, symbols, URLs and emoji.  An
English piper voice reads much of that literally ("asterisk asterisk", "one four colon
three zero") or mangles it, which breaks the butler illusion.  :func:`speakable` rewrites
a reply into plain British-English prose; :class:`SentenceSplitter` cuts a reply that is
still streaming in into sentence-sized chunks, so speech starts long before generation
ends.  Standard library only: it sits on the audio path and must import instantly.
"""

from __future__ import annotations

import re

__all__ = ["speakable", "SentenceSplitter"]

CODE_SENTENCE = "The code is in the window."
LINK_PHRASE = "the link in the window"

# ---------------------------------------------------------------- numbers to words
_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
         "fourteen fifteen sixteen seventeen eighteen nineteen").split()
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (1000, "thousand"))
_ORDINAL = {"one": "first", "two": "second", "three": "third", "five": "fifth",
            "eight": "eighth", "nine": "ninth", "twelve": "twelfth"}
_MONTHS = ("January February March April May June July August September October November "
           "December").split()
_CURRENCY = {"£": ("pound", "pounds", "penny", "pence"), "$": ("dollar", "dollars", "cent", "cents"),
             "€": ("euro", "euros", "cent", "cents")}
_SCALE_WORD = {"k": "thousand", "m": "million", "bn": "billion", "b": "billion",
               "C": " Celsius", "F": " Fahrenheit"}
# Plural is "s" on the first word, except hertz; "_" stands for a space.
_UNITS = dict(pair.split(":") for pair in (
    "km/h:kilometre_per_hour mph:mile_per_hour km:kilometre cm:centimetre mm:millimetre "
    "kg:kilogram mg:milligram KB:kilobyte kB:kilobyte MB:megabyte GB:gigabyte TB:terabyte "
    "Hz:hertz kHz:kilohertz MHz:megahertz GHz:gigahertz ms:millisecond s:second sec:second "
    "secs:second min:minute mins:minute h:hour hr:hour hrs:hour").split())


def _below_100(n: int) -> str:
    return _ONES[n] if n < 20 else _TENS[n // 10] + ("-" + _ONES[n % 10] if n % 10 else "")


def _below_1000(n: int) -> str:
    if n < 100:
        return _below_100(n)
    return _ONES[n // 100] + " hundred" + (" and " + _below_100(n % 100) if n % 100 else "")


def _digits(text: str) -> str:
    return " ".join(_ONES[int(d)] for d in text)


def _int_words(n: int) -> str:
    """British cardinal: "and" after hundreds and before a final group under 100."""
    if n < 0:
        return "minus " + _int_words(-n)
    if n >= 10**15:  # nobody says "quadrillion"; digit by digit is clearer when spoken
        return _digits(str(n))
    parts = [_below_1000(count) + " " + name for value, name in _SCALES if (count := n // value % 1000)]
    if n % 1000 or not parts:
        parts.append(("and " if parts and n % 1000 < 100 else "") + _below_1000(n % 1000))
    return " ".join(parts)


def _ordinal_words(n: int) -> str:
    return re.sub(r"[a-z]+$", lambda m: _ORDINAL.get(m[0]) or (
        m[0][:-1] + "ieth" if m[0].endswith("y") else m[0] + "th"), _int_words(n))


def _year_words(n: int) -> str:
    high, low = divmod(n, 100)
    if 2000 <= n < 2010:  # "two thousand and five", never "twenty oh five"
        return _int_words(n)
    if low == 0:
        return _below_100(high) + " hundred"
    return _below_100(high) + (" oh " + _ONES[low] if low < 10 else " " + _below_100(low))


def _num(text: str) -> str:
    """A number as written ("1,234", "-3.14", "007") to words."""
    sign = "minus " if text[0] in "-−" else ""
    whole, _, frac = text.lstrip("-−").replace(",", "").partition(".")
    # Leading zeros mean an identifier ("007"), not a quantity.
    words = _digits(whole) if len(whole) > 1 and whole[0] == "0" else _int_words(int(whole or 0))
    return sign + words + (" point " + _digits(frac) if frac else "")


def _plural(number: str, one: str, many: str) -> str:
    return one if number.lstrip("+") in ("1", "1.0") else many


def _money(m: re.Match) -> str:
    symbol, whole, frac, scale = m.groups()
    one, many, sub_one, sub_many = _CURRENCY[symbol]
    if scale or frac and len(frac) > 2:  # "£1.5m", "$0.125": a decimal amount, no pence
        scale = " " + _SCALE_WORD.get(scale.lower(), scale.lower()) if scale else ""
        return f"{_num(whole + ('.' + frac if frac else ''))}{scale} {many}"
    units, cents = int(whole.replace(",", "")), int((frac or "0").ljust(2, "0"))
    money, sub = f"{_int_words(units)} {one if units == 1 else many}", sub_one if cents == 1 else sub_many
    if not cents or not units:
        return money if not cents else f"{_int_words(cents)} {sub}"
    if symbol == "$":  # Americans say the cents; Britons just say "five pounds fifty"
        return f"{money} and {_int_words(cents)} {sub}"
    return f"{money} {_int_words(cents)}"


def _time(m: re.Match) -> str:
    hour, minute, suffix = int(m[1]), int(m[2] or 0), f" {m[3].lower()} m" if m[3] else ""
    if minute:
        return f"{_int_words(hour)} {'oh ' + _ONES[minute] if minute < 10 else _below_100(minute)}{suffix}"
    if suffix or not hour:
        return _int_words(hour) + suffix if suffix else "midnight"
    return _int_words(hour) + (" hundred" if hour > 12 else " o'clock")  # 24-hour "fourteen hundred"


def _date(m: re.Match) -> str:
    """ISO "2024-01-05" as a Briton says it: "the fifth of January twenty twenty-four"."""
    year = _year_words(int(m[1])) if 1100 <= int(m[1]) <= 2099 else _int_words(int(m[1]))
    return f"the {_ordinal_words(int(m[3]))} of {_MONTHS[int(m[2]) - 1]} {year}"


def _decade(m: re.Match) -> str:
    words = _year_words(int(m[1])) if m[1] else _below_100(int(m[2]))
    return words[:-1] + "ies" if words.endswith("y") else words + "s"


def _unit(m: re.Match) -> str:
    first, _, rest = _UNITS[m.group(2)].partition("_")
    if _plural(m.group(1), "", "s") and not first.endswith("z"):
        first += "s"
    return " ".join([_num(m.group(1)), first] + rest.split("_"))


_NUM = r"[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_UNIT_ALT = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))

# Order matters: each rule must run before a later, more general one eats its digits.
_RULES: list[tuple[re.Pattern, object]] = [(re.compile(p), r) for p, r in (
    (r"\b([Ee])\.g\b\.?", lambda m: "For example" if m.group(1) == "E" else "for example"),
    (r"\b([Ii])\.e\b\.?", lambda m: "That is" if m.group(1) == "I" else "that is"),
    (r"\betc\.(?=\s+[A-Z]|\s*$)", "et cetera."),  # it also ended the sentence: keep the stop
    (r"\betc\b\.?", "et cetera"),
    (r"\bvs\b\.?", "versus"),
    (r"\bapprox\b\.?", "approximately"),
    (r"\b(Mrs|Mr|Ms|Dr)(?:\.|(?=\s+[A-Z]))",
     lambda m: {"Mrs": "Missus", "Mr": "Mister", "Ms": "Miz", "Dr": "Doctor"}[m.group(1)]),
    (r"\bSt\.?(?=\s+[A-Z])", "Saint"),
    (r"(?:\b[Nn]o\.|#)\s?(?=\d)", "number "),
    (r"\band/or\b", "and or"),
    (r"\s*&\s*", " and "),
    (r"~\s?(?=\d)", "about "),
    (r"(?<=[\w%)])\s*\+\s*(?=[\w(])", " plus "),
    (r"(?<=\d)\s*[*×]\s*(?=\d)", " times "),
    (r"\s*=+\s*", " equals "),
    (r"\s*→\s*", " to "),
    # Versions: "3.11.7" is "three point eleven point seven", not a decimal.
    (r"(?<![\w.])\d+(?:\.\d+){2,}(?![\w]|\.\d)",
     lambda m: " point ".join(_num(p) for p in m.group(0).split("."))),
    (r"(?<![\w.-])(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?![\w-])", _date),
    # Ranges become "A to B" text so the rules below read both ends in context ("3-5%").
    (r"(?<![\w.,:/-])(\d{1,2}:\d\d|\d+(?:\.\d+)?)(?:-|\s?–\s?)(\d{1,2}:\d\d|\d+(?:\.\d+)?)"
     r"(?![\d-]|[.,:]\d)", r"\1 to \2"),
    (r"([£$€])\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?:\s?((?i:thousand|million|billion|"
     r"trillion|bn|k|m|b))\b)?", _money),
    (rf"(?<![\w.])({_NUM})\s?°(?:\s?([CF])\b)?", lambda m: f"{_num(m[1])} "
     f"{_plural(m[1], 'degree', 'degrees')}{_SCALE_WORD.get(m[2] or '', '')}"),
    (r"(?<![\w:.])([01]?\d|2[0-3]):([0-5]\d)(?![\d:])(?:\s?([AaPp])\.?[Mm]\b(?:\.(?=\s+[a-z]))?)?",
     _time),
    (r"(?<![\w:.])(1[0-2]|0?[1-9])()\s?([AaPp])\.?[Mm]\b(?:\.(?=\s+[a-z]))?", _time),
    (rf"(?<![\w.])({_NUM})\s?%", lambda m: _num(m.group(1)) + " percent"),
    (r"(?<![\w.,])(?:(1[1-9]\d0|20\d0)|'([2-9]0))s\b", _decade),
    (rf"(?<![\w.])({_NUM})\s?({_UNIT_ALT})(?![\w/])", _unit),
    (r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(?:st|nd|rd|th)\b",
     lambda m: _ordinal_words(int(m.group(1).replace(",", "")))),
    # A bare 4-digit number from 1100 to 2099 is taken to be a year.
    (r"(?<![\w.,−-])(1[1-9]\d\d|20\d\d)(?!\w|[.,]\d)", lambda m: _year_words(int(m[1]))),
    (r"(?<![\w.,])(?:(?<![^\s(\[])[-−])?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?!\w|[.,]\d)",
     lambda m: _num(m[0])),
)]

# ---------------------------------------------------------------- markdown to prose
_EMOJI_RE = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2300-\u23FF\u2B00-\u2BFF"
                       "\uFE00-\uFE0F\u200D\u20E3\U000E0020-\U000E007F]")
_FENCE_RE = re.compile(r"(```|~~~).*?(?:\1|\Z)", re.S)
_LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_URL_RE = re.compile(r"<?\b(?:https?://|www\.)[^\s<>\"']*[^\s<>\"'.,;:!?)\]]>?")
_RULE_RE = re.compile(r"^(?:([-*_])(?:\s*\1){2,}|\|?(?:\s*:?-+:?\s*\|)+\s*:?-*:?\s*)$")
_LINE_PREFIX_RE = re.compile(r"^(?:#{1,6}\s+|>\s*|[-*+•]\s+|\d{1,3}[.)]\s+)+")
_EMPHASIS = [(re.compile(p), r"\1") for p in (
    r"\*\*(.+?)\*\*", r"__(.+?)__", r"~~(.+?)~~",
    r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])",
    r"(?<![\w_])_(?!\s)(.+?)(?<!\s)_(?![\w_])",  # not snake_case
)]
_ENDED_RE = re.compile(r"[.!?:;,…][\"'”’)\]]*$")


def _inline(line: str) -> str:
    # Inline code is split out first so "__init__" is not mistaken for bold.
    parts = re.split(r"(`[^`\n]+`)", line)
    for i in range(0, len(parts), 2):
        for pattern, repl in _EMPHASIS:
            parts[i] = pattern.sub(repl, parts[i])
    return "".join(part[1:-1] if i % 2 else part.replace("**", "") for i, part in enumerate(parts))


def _flatten(text: str) -> str:
    text = _FENCE_RE.sub("\n" + CODE_SENTENCE + "\n", text)
    text = _LINK_RE.sub(r"\1", text)
    text = _URL_RE.sub(LINK_PHRASE, text)
    text = _EMOJI_RE.sub("", text)
    sentences = []
    for line in text.splitlines():
        line = line.strip()
        if not line or _RULE_RE.match(line):
            continue
        if line.startswith("|") or line.endswith("|"):
            line = ", ".join(cell.strip() for cell in line.strip("|").split("|") if cell.strip())
        line = _inline(_LINE_PREFIX_RE.sub("", line)).strip()
        if line:
            sentences.append(line)
    # A list item or heading has no stop of its own; without one the voice runs the lines
    # together into one breathless sentence.  The last line needs none to be read right.
    return " ".join(line if _ENDED_RE.search(line) else line + "." for line in sentences[:-1]
                    ) + " " + (sentences[-1] if sentences else "")


# Control characters (C0 and DEL, but not tab or newline): a model's reply may hold bytes that are
# no text ("\x00" among them, from an untrained or damaged model), and espeak-ng's bridge in piper
# refuses a string with a NUL in it (ValueError: embedded null character): the sentence went unsaid.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def speakable(text: str) -> str:
    """Rewrite an LLM reply (markdown allowed) as plain English for a TTS voice."""
    text = _CONTROL_RE.sub(" ", text or "")
    if not text.strip():
        return ""
    text = _flatten(text)
    for pattern, repl in _RULES:
        text = pattern.sub(repl, text)
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"\s+([,.;:!?])", r"\1", text).strip()


# ---------------------------------------------------------------- streaming splitter
# A stop, with any closing quotes, brackets or markdown emphasis after it.
_MARK_RE = re.compile(r"```|\n|[.!?…]+[\"')\]}”’*_]*")
_NEVER_ENDS = {"e.g", "i.e", "mr", "mrs", "ms", "dr", "st", "vs", "approx", "prof", "cf", "jr", "sr"}
_CLAUSE_RE = re.compile(r"[,;:](?=\s)|[ \t][—–-](?=\s)")
_NEXT_RE = re.compile(r"\s*(\S)")


class SentenceSplitter:
    """Cut a streamed reply into chunks that can be spoken while the rest is generated.

    Every decision depends only on the text seen so far, in the order a character-by-character
    stream would reveal it, so the chunks are the same however the stream is sliced.
    """

    def __init__(self, first_clause_chars: int = 24, min_chars: int = 12):
        self.first_clause_chars = first_clause_chars
        self.min_chars = min_chars
        self.reset()

    def reset(self) -> None:
        self._buf = ""
        self._first = True  # the first chunk may end at a clause, to start audio early
        self._bol = True  # the buffer starts at the beginning of a line

    def feed(self, piece: str) -> list[str]:
        self._buf += piece
        chunks = []
        while True:
            rest = self._buf.lstrip()
            self._bol = self._bol or "\n" in self._buf[: len(self._buf) - len(rest)]
            self._buf = rest
            if (end := self._next_end()) is None:
                return chunks
            chunks.append(self._buf[:end].strip())
            self._buf, self._first, self._bol = self._buf[end:], False, False

    def flush(self) -> list[str]:
        rest = self._buf.strip()
        self.reset()
        return [rest] if rest else []

    def _next_end(self) -> int | None:
        buf = self._buf
        if self._first:
            # Pick whichever boundary a char-by-char stream would confirm first.
            best = next(((trigger, end) for end, trigger, _ in self._ends(buf)), None)
            clause = self._clause(buf)
            if clause and (best is None or clause[0] < best[0]):
                best = clause
            return best[1] if best and best[0] <= len(buf) else None
        for end, _, hard in self._ends(buf):
            if hard or len(buf[:end].strip()) >= self.min_chars:
                return end
        return None

    def _clause(self, buf: str) -> tuple[int, int] | None:
        fence = buf.find("```")
        for m in _CLAUSE_RE.finditer(buf if fence < 0 else buf[:fence]):
            if m.end() - 1 >= 8:
                return max(self.first_clause_chars, m.end() + 1), m.end()
        return None

    def _ends(self, buf: str):
        """Yield (end, trigger, hard) for confirmed boundaries; trigger = length that confirms."""
        in_fence = False
        for m in _MARK_RE.finditer(buf):
            i, j = m.span()
            if m[0] == "```":
                in_fence = not in_fence
            elif in_fence:
                continue
            elif m[0] == "\n":
                k = len(buf[:i].rstrip(" \t\r"))
                yield i, j, k > 0 and buf[k - 1] == "\n"  # blank line: paragraph end
            elif j == len(buf):
                return  # the next character decides; wait for it
            elif buf[j].isspace():
                trigger = self._ends_sentence(buf, i, j)
                if trigger is None:
                    return
                if trigger:
                    yield j, trigger, False

    def _ends_sentence(self, buf: str, i: int, j: int) -> int | None:
        """Trigger length if the stop at i ends a sentence, 0 if not, None if undecidable."""
        if buf[i] != "." or j - i > 1 and buf[i + 1] == ".":
            return j + 1
        k = i
        while k > 0 and (buf[k - 1].isalnum() or buf[k - 1] == "."):
            k -= 1
        word = buf[k:i]
        if word.lower() in _NEVER_ENDS:
            return 0
        if len(word) == 1 and word.isupper() and word != "I":  # an initial: "J. R. R."
            return 0
        line_start = buf.rfind("\n", 0, k)
        if word.isdigit() and not buf[line_start + 1:k].strip() and (line_start >= 0 or self._bol):
            return 0  # a numbered list item, "1. "
        if word.lower() in ("etc", "a.m", "p.m", "no"):
            nxt = _NEXT_RE.match(buf, j)
            if not nxt:
                return None
            # "etc. and so on" runs on, "etc. Then" does not; "No. 5" is a number, "No. I" a reply.
            ends = not nxt[1].isdigit() if word.lower() == "no" else not nxt[1].islower()
            return nxt.end() if ends else 0
        return j + 1
