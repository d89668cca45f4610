"""Text checks of a Jarvis reply, shared by the dataset validator and the evaluation.

Each function looks at one reply and answers a plain question: does it address the user
(and how often), does it hide behind an AI disclaimer, does it slip into American spelling,
does it repeat itself, is it sized for speech, does it carry markdown.  No model needed.
"""

from __future__ import annotations

import re

__all__ = [
    "address_count",
    "has_ai_disclaimer",
    "american_spellings",
    "repetition",
    "sentence_count",
    "word_count",
    "has_markdown",
    "contains_number",
    "opening",
]

# The evaluation's rates (trainer/evaluate.py) and which of them a better model lowers; the
# report (trainer/eval_report.py) reads the same table to colour its deltas.
RATE_METRICS = ("address_rate", "overuse_rate", "disclaimer_rate", "american_rate", "clean_stop_rate",
                "degenerate_rate", "speech_rate", "math_exact")
LOWER_IS_BETTER = frozenset({"overuse_rate", "disclaimer_rate", "american_rate", "degenerate_rate",
                             "first_token_s"})

_DISCLAIMER = re.compile(
    r"\b(as an? (ai|a\.i\.|artificial intelligence|language model|large language model|virtual assistant)"
    r"|i(?: am|'m) (just |only |merely )?(an? )?(ai|a\.i\.|language model|large language model|chatbot)\b"
    r"|i(?: am|'m) not able to have (personal )?(feelings|opinions)"
    r"|i do ?n[o']t have (personal )?(feelings|opinions|emotions|beliefs)"
    r"|(trained|developed|created|made) by (openai|google deepmind|anthropic|meta ai))",
    re.IGNORECASE,
)

# American spellings a British butler would not use: unambiguous words and their inflections
# (not "program", "check", "tire" or "license", which British English uses too), plus the
# -ize/-ization family with the genuine -ize words left alone.
_AMERICAN_WORDS = {
    "color", "colors", "colored", "colorful", "favor", "favors", "favorite", "favorites", "favorable",
    "honor", "honors", "honored", "humor", "humorous", "labor", "neighbor", "neighbors",
    "neighborhood", "behavior", "behaviors", "flavor", "flavors", "harbor", "rumor", "vapor",
    "endeavor", "armor", "parlor", "center", "centers", "centered", "theater", "theaters", "liter",
    "liters", "fiber", "caliber", "somber", "gray", "aluminum", "traveling", "traveled", "traveler",
    "canceled", "canceling", "modeling", "modeled", "labeled", "labeling", "fueled", "jewelry",
    "counselor", "defense", "offense", "practicing", "practiced", "cozy", "mom", "math",
    "pajamas", "plow", "skeptical", "sulfur", "fulfill", "enroll", "installment", "maneuver",
    "pediatric", "anemia", "gotten", "percent", "catalog", "dialog", "analyze", "analyzed",
    "analyzing", "paralyze", "paralyzed",
}
_IZE = re.compile(r"\b([a-z]+?)(iz(e|es|ed|ing|ation|ations|er|ers))\b")
_IZE_OK = {"size", "sizes", "sized", "sizing", "prize", "prizes", "seize", "seized", "seizes", "seizing",
           "capsize", "capsized", "citizen", "citizens", "wizard", "wizards", "baize", "maize", "ize",
           "resize", "resized", "resizing", "oversize", "oversized", "downsize", "downsizing", "bizarre",
           "breeze", "freeze", "frizzy", "authorized_keys", "upsize", "outsize", "outsized",
           "lifesize", "supersize", "dozen"}
_WORD = re.compile(r"[A-Za-z_]+")


def address_count(reply: str, honorific: str) -> int:
    """How many times the reply addresses the user by the honorific (word match, any case)."""
    return len(re.findall(rf"(?<![A-Za-z]){re.escape(honorific)}(?![A-Za-z])", reply, re.IGNORECASE))


def has_ai_disclaimer(reply: str) -> bool:
    return bool(_DISCLAIMER.search(reply))


def american_spellings(text: str) -> list[str]:
    """American spellings in ``text`` (names with underscores, such as authorized_keys, aside)."""
    found = []
    for word in _WORD.findall(text):
        low = word.lower()
        if "_" in low:
            continue
        m = _IZE.fullmatch(low)
        if low in _AMERICAN_WORDS or (m and low not in _IZE_OK and len(m.group(1)) >= 3):
            found.append(word)
    return found


def repetition(reply: str, n: int = 3) -> float:
    """Share of the reply's word n-grams that repeat an earlier one (0: none, near 1: a loop)."""
    words = reply.lower().split()
    grams = [tuple(words[i:i + n]) for i in range(len(words) - n + 1)]
    if not grams:
        return 0.0
    return 1.0 - len(set(grams)) / len(grams)


def sentence_count(reply: str) -> int:
    parts = [p for p in re.split(r"(?<=[.!?])\s+", reply.strip()) if re.search(r"[A-Za-z0-9]", p)]
    return len(parts)


def words(text: str) -> list[str]:
    """Lower-case words (letters and digits), for comparing replies."""
    return re.findall(r"[a-z0-9']+", text.lower())


def word_count(reply: str) -> int:
    return len(reply.split())


def has_markdown(reply: str) -> bool:
    """Tables, bullets, headings, emphasis or code fences: things a voice should not read out."""
    return bool(re.search(r"(^|\n)\s*([-*+] |#{1,6} |\|)|\n\s*\d+\. |\*\*|__|```|`[^`]+`", reply))


def contains_number(reply: str, answer: str) -> bool:
    """Whether ``answer`` (say "1,081" or "6.21") appears in the reply as a number."""
    want = answer.replace(",", "")
    for token in re.findall(r"-?\d[\d,]*(?:\.\d+)?", reply):
        if token.replace(",", "") == want:
            return True
    return False


def opening(reply: str, words: int = 4) -> str:
    """The reply's first few words, normalised: used to measure variety of openings."""
    return " ".join(re.sub(r"[^\w{}' ]", "", reply.lower()).split()[:words])
