"""Arguments of the memory's tools read from the user's words (tools/slots.py reads the others):
what to forget, where the model wrote words the user never said."""

from __future__ import annotations

import re
from datetime import datetime

from jarvis_desktop.core.memory_words import search_terms

__all__ = ["READERS"]


# what a forget is asked with; what to forget follows it
_FORGET = re.compile(r"\b(?:forget(?: all)?(?: about| that| what i (?:told|said to) you about)?|stop remembering"
                     r"|unremember|(?:delete|erase|remove|scrub|wipe|drop|bin|scrap|ditch|lose|strike|scratch)(?: (?:the|that|your|my) (?:note|notes|memory|memories"
                     r"|fact|facts))?(?: (?:about|of|on))?)\b")
_VAGUE = frozenset({"details", "info", "stuff", "thing", "bit", "note", "notes"})  # "the MOT date": the MOT
_NOT_FORGET = re.compile(r"\b(?:don't|dont|do not|never|not|won't) (?:let me |you )?forget\b")


def _forget(s: str, args: dict, now: datetime) -> dict:
    """What to forget, read from the words where the model wrote words the user never said
    ("stop remembering ollie's kit size" written as about:"all kit size", which would forget
    nothing asked, or the wrong thing): the search words of the request's object up to the end of
    its clause ("forget the MOT details, I sold the car": mot).  The model's words stand where
    they are the user's."""
    if _NOT_FORGET.search(s) or not (asked := _FORGET.search(s)):
        return {}
    written = search_terms(str(args.get("about") or ""))
    if written and set(written) <= set(search_terms(s)):
        return {}
    said = re.split(r"[,;.!?:]| (?:so|because|as|since|now|it's|she's|he's|they've|we've)\b", s[asked.end():])[0]
    terms = [t for t in search_terms(said) if t not in _VAGUE]
    return {"about": " ".join(terms)} if terms else {}


READERS = {"forget": _forget}
