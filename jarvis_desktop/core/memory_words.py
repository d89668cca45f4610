"""The words of what Jarvis remembers: what is kept of what the user said, and how it is said back.

``told`` and ``fact_as_told`` turn a message and the model's ``remember`` call into the fact kept,
in the user's own words; ``second_person`` says it back ("your car is ..."); ``secret_kind`` spots
what must never be kept; ``search_terms``, ``relations`` and ``uncovered`` are what the store
(core/memory.py) matches a question against.  Pure functions of text: no store, no model.
"""

from __future__ import annotations

import re

__all__ = ["STOPWORDS", "secret_kind", "second_person", "clean_fact", "told", "fact_as_told", "asks", "is_question", "keeps", "search_terms",
           "relations", "relation_words", "uncovered", "names", "forgets", "asks_own", "invented_details"]

# Words that carry no topic: a search made of the rest ("where did I park my car" -> park, car).
STOPWORDS = frozenset("""
a about above after again all am an and any are as at be been before being below between both but by
can could did do does doing down during each few for from further had has have having he her here hers
him his how i if in into is it its itself just know let me more most my myself no nor not now of off on
once only or other our ours out over own please remember remind said same say she should so some such
tell than that the their theirs them then there these they this those through to too told under until up
very was we were what when where which while who whom why will with would you your yours jarvis sir
madam again ever anything something thing things note noted recall forget forgot um uh er erm hmm
got whos whats wheres hows
""".split())

# --- secrets ---------------------------------------------------------------------------------------

_CARD = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")
_SECRET_WORDS = [
    ("a password", re.compile(r"\b(pass ?words?|passphrase|pwd|login details|credentials)\b", re.I)),
    ("a PIN", re.compile(r"\b(pin(?: number| code)?|passcode)\b\W+(?:is\W+)?\d{3,8}\b", re.I)),
    ("a one-time code", re.compile(r"\b(one[- ]time|verification|security|2fa|otp|auth(?:entication)?|login)"
                                   r" (?:code|pin|number)\b", re.I)),
    ("an access code", re.compile(r"\b(door|gate|alarm|safe|locker|entry|access|security|garage) ?code\b", re.I)),
    ("a bank account number", re.compile(r"\b(sort code|account number|iban)\b", re.I)),
    ("an access key", re.compile(r"\b(api[ _-]?key|secret key|access key|private key|token|seed phrase|"
                                 r"recovery phrase)\b", re.I)),
]
# Key-like strings whatever is said around them: provider prefixes, or a long run of letters and
# digits mixed that no word or number in a sentence looks like.
_KEY = re.compile(r"\b(?:sk-[A-Za-z0-9_-]{16,}|gh[pousr]_[A-Za-z0-9]{20,}|AKIA[0-9A-Z]{16}|xox[bpars]-[A-Za-z0-9-]{10,}"
                  r"|AIza[0-9A-Za-z_-]{30,})")
_TOKEN = re.compile(r"\b(?=[A-Za-z0-9_\-]*\d)(?=[A-Za-z0-9_\-]*[A-Za-z])[A-Za-z0-9_\-]{24,}\b")


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def secret_kind(text: str) -> str:
    """What kind of secret ``text`` looks like ("a password", "a card number", ...), or ""."""
    for match in _CARD.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if 13 <= len(digits) <= 19 and _luhn(digits):
            return "a card number"
    if _KEY.search(text) or _TOKEN.search(text):
        return "an access key"
    for kind, pattern in _SECRET_WORDS:
        if pattern.search(text):
            return kind
    return ""


# --- wording ---------------------------------------------------------------------------------------

_PERSON = {"i": "you", "me": "you", "my": "your", "mine": "yours", "myself": "yourself", "i'm": "you're",
           "i've": "you've", "i'll": "you'll", "i'd": "you'd", "im": "you're", "ive": "you've", "we": "you", "us": "you", "our": "your",
           "ours": "yours", "ourselves": "yourselves", "we're": "you're", "we've": "you've", "we'll": "you'll",
           "am": "are", "was": "were"}
_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")


def second_person(text: str) -> str:
    """The user's first person as Jarvis says it back: "my car is where I left it" -> "your car
    is where you left it".  "was" becomes "were" only after "I" ("I was" -> "you were")."""
    out, last = [], 0
    prev = ""
    for m in _WORD.finditer(text):
        word = m.group()
        key = word.lower().replace("’", "'")
        swap = _PERSON.get(key)
        if key in ("am", "was") and prev not in ("i",):
            swap = None
        if swap is not None:
            if word[0].isupper() and (m.start() == 0 or not key.startswith("i")):
                swap = swap[0].upper() + swap[1:]
            word = swap
        out.append(text[last:m.start()] + word)
        last = m.end()
        prev = key
    return "".join(out) + text[last:]


_LEADS = re.compile(r"^(?:(?:please|jarvis|could you|can you|would you|kindly)\W+)*(?:"
                    r"remember(?: that)?|note(?: that| down)|note:|make a note(?: that| of)?|keep in mind(?: that)?|"
                    r"bear in mind(?: that)?|don't forget(?: that)?|do not forget(?: that)?|jot down(?: that)?)"
                    r"(?:\W+|$)", re.I)


def clean_fact(text: str) -> str:
    """A fact as it is kept: one line, without "remember that", without a closing full stop (or
    the question mark of "could you remember that ...?")."""
    text = " ".join(str(text).split())
    text = _LEADS.sub("", text).strip(" .?!")
    first = text.split(" ", 1)[0]
    # "My car ..." -> "my car ...", as it sits inside Jarvis's sentence; "I", "Tom" stay
    return text[:1].lower() + text[1:] if first.lower() in STOPWORDS and first != "I" else text


_OPENERS = re.compile(r"^(?:(?:um+|uh+|er+|oh|and|right|ok|okay|so|jarvis|please|hey)\b[\s,.!:;-]*)+", re.I)
_CUES = re.compile(r"^(?:for future reference|just so you know|just so you've got it|fyi|for the record|"
                   r"(?:jot|write|log) (?:this|that) down(?: for me)?|log this(?: for me)?|store this|"
                   r"(?:could you |can you |please )?(?:file (?:this |that )?away|keep a record(?: of)?)|"
                   r"something to keep|note to self|write (?:this )?down(?: that)?|mental note(?: for you)?|"
                   r"keep a note(?: of)?|keep hold of this|commit this to memory|add this to what you know|"
                   r"one for the notebook|put (?:it|this) on file|(?:i'll|you'll) (?:need|want) this later|"
                   r"(?:worth knowing|useful|heads up) for later|so i don't lose track|"
                   r"in case it (?:ever )?comes up|(?:don't|do not) let me forget|"
                   # "I'd like you to remember that ...", "Add to your notes that ...", "Save this for later:"
                   r"(?:i'd|i would|i|i'll) (?:like|want|need) you to (?:remember|note|know|keep in mind|bear in mind)|"
                   r"add (?:this |that )?to (?:your|the|my) (?:notes|memory|records?)|save this(?: for later)?|"
                   r"make a note of (?:this|that)|remember this(?: one)?|note(?: down)?)(?:\s+that)?\b[\s,.!:;-]*", re.I)
_TAILS = re.compile(r"(?:[\s,;.!-]+(?:please |jarvis |and |so )*(?:remember that|remember it|keep that in mind|"
                    r"bear that in mind|(?:don't|do not) let me forget|(?:please )?make a note(?: of (?:that|it))?|"
                    r"note that(?: down)?|jot that down|file that away|store that(?: somewhere)?|put it on file|"
                    r"hang on to (?:that|it)|worth remembering|by the way|in case i (?:ever )?need [^,.;]*|"
                    r"keep that somewhere(?: safe)?|you'll need that(?: one day)?|you've got it on file|"
                    r"for future reference|just so you know|for me|for later|please remember|"
                    r"worth remembering in case [^,.;]*|when i ask(?: about (?:it|her|him|them))?|"
                    r"for next time|would you|will you|thanks|thank you|cheers|please))+[\s,;.!?]*$", re.I)


def _opened(message: str) -> str:
    """``message`` on one line without its openers ("um", "right", "jarvis", "hey", ...)."""
    return _OPENERS.sub("", " ".join(str(message).split()))


def told(message: str) -> str:
    """What the user asked to be kept, in their words: ``message`` without the words that ask
    ("um jarvis, for future reference", "remember that", "..., keep that in mind")."""
    text = _opened(message)
    for _ in range(3):  # "right, jarvis, for future reference, jot this down, note that ..."
        text = _OPENERS.sub("", _CUES.sub("", text))
    return clean_fact(_TAILS.sub("", text))


_QUESTION = re.compile(r"^(?:what|where|when|who|whom|whose|which|why|how|is|are|was|were|do|does|did|can|could|"
                       r"should|shall|will|would|have|has|had|am)\b", re.I)
_KEEP = re.compile(r"\b(?:remember|memori[sz]e|note|noting|forget|mind|reference|jot|write (?:this |that |it )?down|"
                   r"store|log|record|file (?:(?:this|that|it) )?away|keep (?:this|that|it|hold)|on file)\b", re.I)


# "Do you remember what I told you about my sister in Sydney?": asked of the memory, for all its
# "remember" (kept as "I told you about my sister in Sydney" beside a memory of 100 facts)
_ASKED_OF_MEMORY = re.compile(r"^(?:do|did|can|could|would|will) you (?:still |happen to |even )?(?:remember|recall) "
                              r"(?:what|where|when|which|who|whom|whose|how|if|whether)\b", re.I)


def asks(message: str) -> bool:
    """Whether ``message`` asks something rather than gives something to keep: a question ("what
    do I put for the postcode now we've moved", "can I have milk in things?") with no word that
    asks for keeping ("can you remember that my car is on level 3?" gives a fact), or one asked
    of the memory ("do you remember what I said about the boiler?")."""
    text = _opened(message)
    return bool(text) and (not _KEEP.search(text) and _questioning(text) or bool(_ASKED_OF_MEMORY.match(text)))


def is_question(message: str) -> bool:
    """Whether ``message`` is put as a question ("what can I safely delete?", "is it a myth that
    goldfish forget everything"), whatever it asks about."""
    return _questioning(_opened(message))


def _questioning(text: str) -> bool:
    return text.endswith("?") or bool(_QUESTION.match(text))


_KEEP_FIRST = re.compile(
    r"^(?:(?:please|can you|could you|would you|will you|i want you to|i need you to|i'd like you to)\s+)?"
    r"(?:remember(?: that| this|:)(?!\s+time\b)|remember(?=\s+(?:my|our|i|i'm|im|i've|ive|we|we're|his|her|their)\b)|"
    # "remember the passports are in the top drawer", "remember dads hearing aid batteries are size 312":
    # a statement of where or what a thing is; never "remember the time we ...", "remember the days when ..."
    r"remember(?=\s+(?:the|(?!(?:this|its|his|is|was|as|us|yes|always|perhaps|unless)\b)[a-z]+'?s)\s+"
    r"(?!(?:time|times|day|days|night|nights|way|ways|moment|one|first|last|summer|holiday|party|trip|good|old|bit)\b)"
    r"(?:[\w'-]+\s+){0,5}(?:is|are|goes|go|comes|come|lives|works|leaves|opens|closes|starts|needs)\b)|"
    r"note(?: that| this| down|:)|note(?=\s+(?:my|our|i|i'm|im|we|we're|the)\b)|make a note(?: of| that)?|note to self|jot (?:this |that |it )?down|"
    r"write (?:this |that |it )?down|keep in mind|bear in mind|(?:don't|do not) (?:let me )?forget(?!\s+to\b)|"
    r"for future reference|for the record|file (?:this |that )?away|store this|log (?:this|that)|"
    r"keep a (?:note|record)(?: of| that)?|commit (?:this|that) to memory|add (?:this |that )?to your notes|"
    r"keep this in your notes)\b", re.I)
_KEEP_LAST = re.compile(r"(?:remember (?:that|it)(?: for me| when i ask(?: about (?:it|her|him|them))?| for later)?|"
                        r"keep that in mind|bear that in mind|(?:don't|dont|do not) let me "
                        r"forget|make a note of (?:that|it)|note that down|jot that down|file that away|"
                        r"worth remembering(?: in case [^,.;!?]*)?|for future reference|hang on to (?:that|this|it)(?: for me)?|"
                        r"store that(?: somewhere)?|one for your notes|[.!,] please remember|"
                        r"just so you know for later)[\s,.!]*$", re.I)


_KEEP_ASKED = re.compile(r"^(?:can|could|would|will) you (?:please )?(?:remember that|remember this|note that|"
                         r"make a note (?:that|of)|keep a (?:note|record) (?:that|of)|jot down that|write down that)\b",
                         re.I)


def keeps(message: str) -> bool:
    """Whether ``message`` gives Jarvis something to keep in so many words: "remember that ...",
    "note that ...", "..., keep that in mind", with a fact of three words or more, and no
    question ("do you remember when we ...?", "remember when we went to Paris?" keep nothing;
    "can you make a note that ...?" is a request, not a question)."""
    text = _opened(message)
    if not text or len(told(message).split()) < 3:
        return False
    if text.endswith("?") or _QUESTION.match(text):  # "can you make a note that ...?" asks to keep
        return bool(_KEEP_ASKED.match(text))
    return bool(_KEEP_FIRST.match(text) or _KEEP_LAST.search(text))


# "Is there anything on file about me?", "what have you got on me": what Jarvis keeps of the user
_KEPT_ABOUT_ME = re.compile(
    r"\b(?:what|whats|what's|anything|everything|all|much|which)\b(?: [\w']+){0,5} "
    r"(?:on file|on record|stored|saved|kept|noted|got|know|knows|remember|remembered|have)"
    r"(?: (?:written|noted|saved|stored|down|so far))? (?:about|on) me\b"
    r"|\b(?:in|on) (?:your|the) (?:notebook|notes|memory|file|files|records?)(?: \w+)? (?:about|on) me\b", re.IGNORECASE)


def lists_kept(message: str) -> bool:
    """Whether ``message`` asks what Jarvis keeps about the user ("Is there anything on file
    about me?", "what do you know about me"): ``list_memories`` in so many words."""
    return bool(_KEPT_ABOUT_ME.search(message)) and not _ANOTHER_KEEPS.search(message)


# someone else's knowing ("what has my wife got on me"), or a wish to erase it all ("forget
# everything you know about me": forget)
_ANOTHER_KEEPS = re.compile(r"\b(?:he|she|they|people|everyone|my \w+|\w+'s)(?: \w+)? (?:know|knows|got|remembers?)\b"
                            r"|\b(?:forget|delete|erase|wipe|remove|clear|scrub)\b", re.IGNORECASE)


# "You can drop the note about the piano tuner": a note of the memory to let go of (a verb
# for dropping it, and the note itself named), never "remember to drop the kids at school"
_DROPS_A_NOTE = re.compile(r"\b(?:delete|erase|remove|scrub|wipe|drop|bin|scrap|ditch|lose|clear|forget)"
                           r"(?: (?:the|that|your|my|this|those|these))? (?:note|notes|memory|memories|entry|record)"
                           r" (?:about|of|on|for|that)\b", re.IGNORECASE)


def drops_a_note(message: str) -> bool:
    """Whether ``message`` asks for a note of the memory to be dropped ("you can drop the note
    about the piano tuner", "delete that memory of the old alarm code")."""
    return bool(_DROPS_A_NOTE.search(message))


# "forget what I said about Ruby's piano teacher", "Forget that Ruby has a piano teacher", "please
# forget my shoe size", "could you wipe what you know about the ladder": a forget asked for first,
# as the whole request (the memory's verbs, or any verb of dropping with a note or what was said
# named); never "forget it", "forget I asked", "forget the weather, what's the time?" (a dismissal,
# and a question after it), "don't forget ...", "I forgot ..." or "forget to ..."
_FORGET_FIRST = re.compile(
    r"^(?:(?:can you|could you|would you|will you|i want you to|i need you to|i'd like you to|you can|you may|"
    r"just|now)\s+)*(?:please\s+)?"
    r"(?:forget(?!\s+(?:to|how|it's|its)\b)|unremember|stop remembering|"
    r"(?:delete|erase|remove|scrub|wipe|drop|bin|scrap|ditch|clear)(?=\s+(?:what|whatever|everything|anything|all)"
    r" (?:i|i've|you|you've)(?: ever)? (?:said|told|mentioned|know|have|got)\b))\b", re.I)
# what follows the verb where it dismisses rather than names a fact ("forget it", "forget that I asked")
_DISMISSED = re.compile(
    r"^(?:about )?(?:it|that|this|them|those|all that|all of (?:it|that)|everything|the whole thing|the lot|"
    r"(?:that |what )?i (?:ever )?(?:asked|said|mentioned|spoke|brought (?:it|that) up)(?: (?:anything|it|that))?|"
    r"(?:it|that|this|about it|about that) then|i asked)(?:\s+(?:then|now|please|sir|madam|mate|jarvis|for now))*"
    r"\s*(?:[,.;!:-].*)?$", re.I | re.S)


def forgets(message: str) -> bool:
    """Whether ``message`` asks, first and as its whole request, for something the user told Jarvis
    to be forgotten ("forget what I said about Ruby's piano teacher", "Forget that Ruby has a
    piano teacher", "wipe what you know about the ladder"), or for a note of the memory to be
    dropped (drops_a_note); not a dismissal ("forget it", "forget I asked"), a question after it
    ("forget the weather, what's the time?") or one that keeps ("don't forget ...")."""
    text = _opened(message)
    if drops_a_note(text) and not text.endswith("?"):
        return True
    if not (asked := _FORGET_FIRST.match(text)):
        return False
    rest = text[asked.end():].strip(" ,.!:;-")
    if not rest or _DISMISSED.match(rest):
        return False
    clause, after = _first_clause(rest)
    after = after.strip(" ,.;:-")
    return "?" not in rest and not _FOR_A_WHILE.search(clause) and not _QUESTION.match(after) \
        and not _ASKS_NEXT.match(after) and bool(search_terms(clause))


# "forget about work for a minute, tell me something cheerful": set aside, not forgotten
_FOR_A_WHILE = re.compile(r"\b(?:for (?:a|the) (?:minute|moment|second|sec|bit|while|day|evening|weekend|night)|for now"
                          r"|for today|for tonight|tonight|today)\b", re.I)
# a request after it ("..., tell me something cheerful", "..., let's talk about the match")
_ASKS_NEXT = re.compile(r"(?:tell|give|let's|lets|let us|talk|play|open|show|put|set|turn|start|read|find|say|sing|"
                        r"make|help|check|look|search|remind|just)\b", re.I)


def _first_clause(text: str) -> tuple[str, str]:
    """``text`` split at its first clause's end: the clause, and what follows the mark ending it."""
    clause, *rest = re.split(r"[,;.!:]|\s-\s", text, maxsplit=1)
    return clause, rest[0] if rest else ""


def _plain(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", text.lower()))


def _covers(text: str, terms: list[str]) -> bool:
    """Whether ``text`` holds every one of ``terms``, the last maybe only begun ("on top of
    the fr")."""
    have = search_terms(text)
    return all(t in have for t in terms[:-1]) and any(h.startswith(terms[-1]) for h in have)


def _copied(words: list[str], text: str):
    """Where ``words`` run in ``text`` one after another (any case, any punctuation between;
    the last maybe only begun), as a match; None where they do not."""
    if not words:
        return None
    return re.search(r"\b" + r"\W+".join(re.escape(w) for w in words), text, re.I)


# Words that carry a detail a fact stands or falls by: counts, days, months (numerals and names
# are found apart).  Not "one" or "second": "the red one", "a second key" are not details told.
_DETAIL_WORDS = frozenset("""two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand
million half quarter first third fourth fifth sixth seventh eighth ninth tenth twice fortnight fortnightly
monday tuesday wednesday thursday friday saturday sunday weekday weekend january february march april may june
july august september october november december""".split())


def _bare(word: str) -> str:
    word = re.sub(r"['’]s$", "", word.lower())
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def invented_details(fact: str, message: str) -> set[str]:
    """The details of ``fact`` (numbers, days, months, names) that ``message`` never said, lower
    case: "the cleaner comes every other Wednesday at ten" for "the cleaner, Dorota, comes on
    Mondays at ten" -> {"wednesday"}."""
    said = {_bare(w) for w in re.findall(r"[^\W_]+", message)}
    words = re.findall(r"[^\W_]+", re.sub(r"['’]s\b", "", fact))
    details = {w.lower() for w in words if any(c.isdigit() for c in w) or _bare(w) in _DETAIL_WORDS} | names(fact)
    return {d for d in details if _bare(d) not in said}


def fact_as_told(fact: str, message: str) -> str:
    """The fact to keep, from the one the model wrote in its call and the user's ``message``.

    The model picks the fact out of the message ("I just got back. For future reference, the
    kids' dentist is Dr Shah."), and where it copied the user's words, where they begin stands.
    But a 270M model also stops short ("... on top of the fr", "... in the loft" for "in the
    loft, behind the water tank") or is cut by the call's length limit and garbles the end
    ("... in Pw"): so the rest of the user's sentence is kept with it (without the words that
    ask to keep it: "..., keep that somewhere safe").
    And it turns names into pronouns ("I borrowed your copy" for "Callum borrowed my copy") or
    keeps a scrap ("I like Sienna"): then the user's sentence that holds every word of
    substance of the model's fact is kept, without the words that ask to keep it (``told``).
    The user's words are kept too where the model's hold nothing of substance ("that"), a
    detail the user never said (a day, a number, a name: "every other Wednesday" for "on
    Mondays"), or mostly words the user never said (a fact from its training data: "the spare house keys are
    in the blue tin" for "I hid the spare charger in the top drawer"); else the model's fact.
    """
    from jarvis_desktop.core.tools.grammar import STRING_CHARS  # here: the tools import this module

    mine, said = clean_fact(fact), told(message) if message else ""
    if not said or not search_terms(said):
        return mine
    terms = search_terms(mine)
    if not terms:
        return said
    words = re.findall(r"[^\W_]+", mine)
    cut = len(fact) >= STRING_CHARS - 1 and len(words) > 1
    if cut:  # stopped by the limit: its last word may be garbled
        words, terms = words[:-1], terms[:-1] if len(terms) > 1 else terms
    sentences = [told(s) for s in re.split(r"(?<=[.!?])\s+", said) if s.strip()]
    for sentence in sentences:
        start = _copied(words, sentence)
        if start is not None:  # the user's words from where the model's begin to the sentence's end
            rest = clean_fact(sentence[start.start():])
            return rest if len(rest) > len(mine) and _plain(rest) != _plain(mine) else mine
    for sentence in sentences:
        if _covers(sentence, terms):  # the model's words, rephrased: the user's sentence
            return mine if len(sentence) < len(mine) else sentence
    if invented_details(" ".join(words), message):  # a day, a number, a name the user never said
        best = max(sentences, key=lambda s: sum(1 for t in terms if t in search_terms(s)))
        return best if any(t in search_terms(best) for t in terms) else said
    have = search_terms(said)
    if 2 * sum(1 for t in terms if t in have) < len(terms):  # mostly words the user never said
        return said
    return mine


def search_terms(text: str) -> list[str]:
    """The words of ``text`` worth searching for, in order, without repeats."""
    seen: list[str] = []
    for word in re.findall(r"[^\W_]+", text.lower()):
        if (len(word) > 1 or word.isdigit()) and word not in STOPWORDS and word not in seen:
            seen.append(word)
    return seen



# People named by their relation to the user; each group's words name one relation.
_KIN = (("mum", "mother", "mam", "mom", "mummy"), ("dad", "father", "daddy"),
        ("nan", "nana", "nanna", "gran", "granny", "grandma", "grandmother"), ("grandad", "granddad", "grandpa", "grandfather"),
        ("wife", "husband", "partner", "spouse", "other half", "missus", "hubby"), ("son",), ("daughter",),
        ("brother",), ("sister",), ("nephew",), ("niece",), ("cousin",), ("aunt", "auntie", "aunty"), ("uncle",),
        ("grandson",), ("granddaughter",), ("boss", "manager"), ("in-law", "in law"))
_KIN_WORDS = [(group[0], re.compile(r"\b(?:" + "|".join(re.escape(w) for w in group) + r")s?\b", re.I))
              for group in _KIN]
# Question words that ask for the fact rather than name it ("what's my locker *number*").
_ASKING = frozenset("""time date day days name called number much many long old big size kind sort type
place get got go put keep kept left leave usually usual last next""".split())


def relations(text: str) -> set[str]:
    """The user's relations ``text`` names ("my mother's birthday" -> {"mum"})."""
    return {name for name, pattern in _KIN_WORDS if pattern.search(text)}


def relation_words(names: set[str]) -> list[str]:
    """Every word that names the relations ``names`` ({"boss"} -> boss, manager)."""
    return [word for group in _KIN if group[0] in names for word in group]


# Capitalised words that name no one the user knows: the calendar, the pronoun, Jarvis himself.
_NOT_NAMES = frozenset("""i jarvis monday tuesday wednesday thursday friday saturday sunday january february march
april may june july august september october november december christmas easter""".split())


def names(fact: str) -> set[str]:
    """The names a kept fact holds, lower-cased: its capitalised words, the first too unless a
    common word opens it ("Noah's swimming teacher is called Bethany Clarke" -> noah, bethany,
    clarke; "The car is..." -> none; a fact kept from speech, all lower case, names none)."""
    words = re.findall(r"[A-Za-z]+", re.sub(r"['’]s\b", "", fact))
    return {w.lower() for n, w in enumerate(words)
            if w[0].isupper() and w.lower() not in _NOT_NAMES and (n or w.lower() not in STOPWORDS)}


def uncovered(question: str, fact: str) -> int:
    """How many words of substance of ``question`` ``fact`` does not hold (by their first five
    letters: "parked" holds "park"; words that only ask, "number", "called", not counted)."""
    have = search_terms(fact)
    return sum(1 for w in search_terms(question)
               if w not in _ASKING and not any(h.startswith(w[:5]) or w.startswith(h[:5]) for h in have))


# A question only what the user told Jarvis answers: their own favourites, habits and tastes,
# and where they left a thing or who has it ("What's my favourite film?", "how do I take my
# tea", "Do I prefer window or aisle?", "who did I lend the ladder to").  Not advice ("what
# should I ...", "how do I reset my password"), and nothing of the computer's.
_OWN = re.compile(
    r"^(?:what|which|who)(?:'s|s| is| are|'re| was| were)? (?:my|our) (?:(?:all[- ]time|absolute|very) )?"
    r"(?:favourite|favorite|fave|usual|preferred|go-to)\b"
    r"|^how do (?:i|we) (?:like|take|have) (?:my|our)\b"
    # "How does my wife take her coffee?" (never told: v4 answered "Ask her, sir: ..."), "how does my
    # dad like his steak done?"
    r"|^how (?:do|does) (?:my|our) [\w' -]{1,30}? (?:like|take|have|drink) (?:his|her|their)\b"
    r"|^do (?:i|we) (?:prefer|like|take)\b"
    r"|^where do (?:i|we) (?:like|prefer) to\b"
    r"|^(?:where|who) did (?:i|we) (?:leave|park|lend|give|hide|stash)\b"
    r"|^who(?: has| has got|'s got|s got| have) (?:my|our)\b(?! back\b)"
    r"|^(?:what|which)(?: [\w']+){1,2} do (?:i|we) (?:like|love|enjoy|prefer|support|follow)\b", re.I)


def asks_own(message: str) -> bool:
    """Whether ``message`` asks what only the user's memory can answer: their own favourites,
    habits and tastes, where they left a thing or who they lent it to (``_OWN``).  The model
    wrote "What's my favourite film?" as an opinion of Jarvis's own ("I'm rather partial to The
    Remains of the Day, sir"): such a question is a ``recall``, which says what was kept, or
    that nothing was."""
    return bool(_OWN.match(_opened(message)))
