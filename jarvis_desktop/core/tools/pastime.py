"""A joke, a riddle or a fun fact, from a bank that ships with Jarvis.

"Tell me a joke" is among the first things anyone asks a voice assistant, and the fine-tune could
not: trained to say honestly what it does not know, it answered "A joke is something I can't say,
sir" and "I'm not certain of that" to a riddle.  A 270M model neither keeps jokes nor makes good
ones, so, as for facts and figures, a tool supplies them: ``joke`` picks one from
``assets/data/pastimes/`` (jokes, riddles, fun facts; each with the topics it is about), one not
told lately, about the topic asked where the bank has one, and Jarvis says it.

``pastime_asked`` reads the request from the words where they ask for one and nothing else
("tell me a joke about cats", "got any riddles?", "give us a fun fact"), so the app answers those
without the model (``Toolbox.beyond_doubt``).
"""

from __future__ import annotations

import collections
import functools
import json
import logging
import random
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from jarvis_desktop.core.errors import DataError
from jarvis_desktop.core.paths import asset, write_atomic
from jarvis_desktop.core.tools.base import Context, Param, Tool, ToolFailed, ToolResult

__all__ = ["TOOLS", "TELLER", "KINDS", "Pastime", "load_bank", "topic", "pastime_asked", "kind_told", "Teller",
           "told_id", "ASIDE_FILE"]

log = logging.getLogger(__name__)
ASIDE_FILE = "jokes_set_aside.json"  # in the data dir: the jokes, riddles and facts rated down

KINDS = ("joke", "riddle", "fact")
FILES = {"joke": "jokes.jsonl", "riddle": "riddles.jsonl", "fact": "facts.jsonl"}
TEXT_MAX = 240  # said aloud: a pastime longer than this is a recital


@dataclass(frozen=True)
class Pastime:
    """One entry of the bank: ``answer`` is a riddle's (empty for a joke or a fact)."""

    id: str
    kind: str
    text: str
    about: tuple[str, ...] = ()
    answer: str = ""


def load_bank(kind: str, path: Path | None = None) -> tuple[Pastime, ...]:
    """The bank's entries of ``kind``; DataError naming file:line for a bad line."""
    path = Path(path) if path is not None else asset("data", "pastimes", FILES[kind])
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DataError(path, None, f"the {kind}s cannot be read ({exc.strerror or exc})",
                        "reinstall Jarvis, or restore the file from the release") from None
    entries, seen = [], set()
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            entry = Pastime(str(row["id"]), kind, str(row["text"]).strip(),
                            tuple(topic(str(a)) for a in row.get("about", ())), str(row.get("answer", "")).strip())
        except (ValueError, KeyError, TypeError) as exc:
            raise DataError(path, n, f"not a {kind} ({exc})",
                            'expected {"id", "text", "about": ["topic", ...]' + (', "answer"}' if kind == "riddle" else "}"))\
                from None
        if not entry.text or len(entry.text) > TEXT_MAX:
            raise DataError(path, n, f"a {kind}'s text must be said in one breath (1 to {TEXT_MAX} characters)")
        if kind == "riddle" and not entry.answer:
            raise DataError(path, n, "a riddle needs its answer")
        if entry.id in seen:
            raise DataError(path, n, f"the id {entry.id!r} is used twice")
        seen.add(entry.id)
        entries.append(entry)
    if not entries:
        raise DataError(path, None, f"no {kind}s in the bank")
    return tuple(entries)


@functools.lru_cache(maxsize=None)
def _bank(kind: str) -> tuple[Pastime, ...]:
    return load_bank(kind)


# A topic as the bank tags it: singular, and the usual other names of it.
_SAME = {"computing": "computer", "pc": "computer", "laptop": "computer", "tech": "computer",
         "technology": "computer", "it": "computer", "coding": "programming", "code": "programming",
         "programmer": "programming", "developer": "programming", "software": "programming",
         "math": "maths", "mathematics": "maths", "maths": "maths", "kitty": "cat", "kitten": "cat",
         "puppy": "dog", "animals": "animal", "foods": "food", "cooking": "food", "xmas": "christmas",
         "doctors": "doctor", "medical": "doctor", "sports": "sport", "footy": "football",
         "planet": "space", "astronomy": "space", "star": "space", "universe": "space", "dad": "family",
         "job": "work", "office": "work", "office's": "work", "boss": "work", "books": "book",
         "reading": "book", "wine": "food", "beer": "food", "bread": "food", "ocean": "sea",
         "pun": "word", "puns": "word", "butlers": "butler", "valet": "butler", "english": "word"}


def topic(word: str) -> str:
    """``word`` as the bank's topics are written: "Cats" -> "cat", "coding" -> "programming"."""
    w = word.strip().casefold()
    if w in _SAME:
        return _SAME[w]
    for tail, to in (("ies", "y"), ("sses", "ss"), ("ches", "ch"), ("shes", "sh"), ("s", "")):
        if w.endswith(tail) and len(w) > len(tail) + 2 and not w.endswith(("ss", "us", "is", "ics", "mas", "news", "series", "species")):
            w = w[: -len(tail)] + to
            break
    return _SAME.get(w, w)


class Teller:
    """Chooses what to tell: about the topic where the bank has one, never one of the last
    ``RECENT`` told of its kind (a conversation's "another one!" gets another), never one the
    user rated down (``set_aside``, kept in ``path`` across sessions), at random otherwise.  One
    per app (``TELLER``; the app gives it its file: ``keep_aside_in``); thread-safe."""

    RECENT = 40

    def __init__(self, rng: random.Random | None = None, path: Path | None = None):
        self.rng = rng or random.Random()
        self.told: dict[str, collections.deque] = {k: collections.deque(maxlen=self.RECENT) for k in KINDS}
        self._lock = threading.Lock()
        self.path: Path | None = None
        self.aside: set[str] = set()
        if path is not None:
            self.keep_aside_in(path)

    def keep_aside_in(self, path: Path) -> None:
        """Read the ids set aside from ``path`` (a JSON list; missing: none) and keep them there.
        An unreadable file sets nothing aside and is written afresh at the next change."""
        path = Path(path)
        try:
            aside = {str(i) for i in json.loads(path.read_text(encoding="utf-8"))}
        except FileNotFoundError:
            aside = set()
        except (OSError, ValueError, TypeError) as exc:
            log.warning("the jokes set aside in %s cannot be read (%s): none are", path, exc)
            aside = set()
        with self._lock:
            self.path, self.aside = path, aside

    def set_aside(self, entry_id: str, aside: bool = True) -> bool:
        """Never tell ``entry_id`` again (``aside``), or tell it again; saved at once where the
        app gave a file.  False where it could not be saved (a full disk): it holds for this session."""
        with self._lock:
            (self.aside.add if aside else self.aside.discard)(str(entry_id))
            path, ids = self.path, sorted(self.aside)
        if path is None:
            return True
        try:
            write_atomic(path, json.dumps(ids))
        except OSError as exc:
            log.warning("the jokes set aside cannot be saved in %s: %s", path, exc)
            return False
        return True

    def choose(self, kind: str, about: str = "", bank: tuple[Pastime, ...] | None = None) -> tuple[Pastime, bool]:
        """(the entry, whether it is about ``about``); with no entry about it, any."""
        bank = bank if bank is not None else _bank(kind)
        wanted = topic(about) if about.strip() else ""
        on_topic = [e for e in bank if wanted in e.about] if wanted else []
        with self._lock:
            told = self.told[kind]
            pool = [e for e in on_topic or bank if e.id not in self.aside] or list(on_topic or bank)
            fresh = [e for e in pool if e.id not in told] or [e for e in pool if e.id != (told[-1] if told else "")] \
                or pool
            entry = self.rng.choice(fresh)
            if entry.id in told:
                told.remove(entry.id)
            told.append(entry.id)
        return entry, bool(on_topic)


TELLER = Teller()


def told_id(tool_call: str | None, tool_result: dict | None) -> str:
    """The id of the pastime a logged turn told ("j145"), or "" where the joke tool did not answer it."""
    if not (tool_call or "").startswith("call:joke") or not isinstance(tool_result, dict):
        return ""
    data = tool_result.get("data")
    return str(data.get("id") or "") if isinstance(data, dict) and tool_result.get("status") == "ran" else ""


def kind_told(reply: str) -> str:
    """The kind of pastime ``reply`` told ("joke" where it holds one of the bank's jokes word for
    word), or "" (so "another one" after it asks for another of that kind)."""
    if not reply or len(reply) > 400:
        return ""
    try:
        return next((k for k in KINDS for e in _bank(k) if e.text in reply), "")
    except DataError:
        return ""


_ARTICLES = ("A", "An", "The", "Your", "My", "His", "Her", "Its", "Their", "Our", "Some", "Nothing", "None")


def _spoken(entry: Pastime, about: str, found: bool, c: Context) -> str:
    """Jarvis's sentence: "Here's one, sir. <the joke>", with the riddle's answer after it."""
    lead = {"joke": f"Here's one, {c.honorific}.", "riddle": f"A riddle for you, {c.honorific}.",
            "fact": f"Here's one for you, {c.honorific}."}[entry.kind]
    if about and not found:  # "about car": the topic as the bank writes it reads badly aloud
        plural = {"joke": "jokes", "riddle": "riddles", "fact": "facts"}[entry.kind]
        lead = f"I've no {plural} on that subject to hand, {c.honorific}, but here's one."
    text = f"{lead} {entry.text}"
    if entry.kind == "riddle":
        first = entry.answer.split(" ", 1)[0]  # "A piano." -> "a piano."; "Mount Everest." stays as it is
        answer = entry.answer[:1].lower() + entry.answer[1:] if first in _ARTICLES else entry.answer
        text += f" The answer: {answer}"
    return text


def _joke(args: dict, c: Context) -> ToolResult:
    kind = str(args.get("kind") or "joke").lower()
    about = re.sub(r"\s+", " ", str(args.get("about") or "")).strip()[:40]
    try:
        entry, found = TELLER.choose(kind, about)
    except DataError as exc:
        raise ToolFailed(f"My {kind}s are missing, {c.honorific}: {exc.problem} in {exc.path}. "
                         f"Reinstalling Jarvis would restore them.") from None
    data = {"kind": kind, "id": entry.id, "text": entry.text, "about": list(entry.about)}
    if entry.answer:
        data["answer"] = entry.answer
    if about:
        data["asked_about"], data["on_topic"] = about, found
    return ToolResult(_spoken(entry, about, found, c), data)


# --- the words ---------------------------------------------------------------------------------

_FILLER = r"(?:(?:um+|uh+|erm?|ok(?:ay)?|right|so|ha+|(?:ha)+|ooh+|ah+|lol|(?:very )?good one|nice one|brilliant|go on(?: then)?|come on|hey|oh|jarvis|please|pls|mate|now|" \
          r"can you|could you|would you|will you|would you mind|would you be so kind as to|you)[\s,!.]+)*"
_TAIL = r"(?:[\s,]+(?:please|pls|jarvis|then|mate|now|for me|for us|would you|will you|if you (?:would|like|can)|" \
        r"if you've got one|to cheer me up|to make me laugh|to pass the time|to (?:solve|crack|work out|chew on|think about)" \
        r"|(?:for|with) (?:the|my) (?:kids|children|family|son|daughter|lad|boy|girl|wife|husband|mates|friends)))*" \
        r"[\s?!.]*$"
_NOUN = {"joke": r"jokes?|gags?|puns?|one[- ]liners?|funny(?: one| story)?",
         "riddle": r"riddles?|brain ?teasers?",
         "fact": r"(?:fun|random|interesting|cool|amazing|weird|strange|surprising) facts?|facts?|bits? of trivia|trivia"}
_ABOUT = r"(?:[\s,]+with (?:an? |some )?(?:jokes?|riddles?|facts?|puns?))?" \
         r"(?:[\s,]+(?:about|on|involving) (?:an? |the |some )?(?!(?:me|you|us|myself|yourself|him|her|them)\b)(?P<about>[a-z][a-z'-]+(?: [a-z][a-z'-]+)??))?"
# the asking: "tell me", "hit us with", "have you got", "what's your best", or nothing ("a riddle please")
_ASK = (r"(?:(?:(?:tell|give|crack|share|hit|say|read|find|do|pop|throw|ask|set|test|quiz|challenge|surprise|try)"
        r"(?: (?:me|us))?(?: with)?|(?:have you|do you|you|d'you) (?:got|have|know)|(?:got|have|know|any)"
        r"|(?:i'd like|i want|i need|i fancy|let's (?:have|hear)|how about|what about)|what(?:'s| is) your) )?")
_WHICH = (r"(?:(?:an?|another|one more|some|any|your|the|a few|more) )?(?:(?:good|new|funny|bad|terrible|quick|short|"
          r"clean|silly|cheesy|daft|dad|decent|proper|best|favourite|funniest|worst|tricky|hard|little) )?")
_PASTIME = re.compile(
    r"^\W*" + _FILLER + r"(?:" + _ASK + _WHICH + r"(?:(?!(?:what|which|who|how|why|where|when|that|this|those|these)\b)(?P<topic>[a-z]+) )?(?P<noun>" + "|".join(_NOUN.values()) + r")"
    r"|(?P<laugh>make me (?:laugh|smile|giggle)|i could do with a (?:laugh|giggle)|amuse me|entertain me"
    r"|(?:tell me|say|share) something (?:interesting|funny|i don'?t know|new)|teach me something(?: new)?"
    r"|(?:(?:tell|give|do) (?:me|us) )?(?:another(?: one)?|one more)|(?:got |have you got )?any more)(?=[\s,?!.]|$))" + _ABOUT + _TAIL, re.IGNORECASE)
# "tell me a cat joke" names a topic before the noun; "tell me a funny joke" does not
_NOT_TOPICS = frozenset("good new funny bad terrible quick short clean silly cheesy daft decent proper best "
                        "random fun interesting cool amazing surprising another more some any one something "
                        "what which who how why where when".split())


def pastime_asked(message: str, before: str = "") -> dict | None:
    """The ``joke`` call's arguments where ``message`` asks for a joke, a riddle or a fun fact
    and nothing else ("tell me a joke about cats" -> {"about": "cat"}, "hit me with a riddle" ->
    {"kind": "riddle"}), else None.  "another one" asks for one only where ``before``, the last
    reply, told one (``kind_told``), and for one of its kind."""
    m = _PASTIME.match(message.strip())
    if m is None:
        return None
    noun = (m["noun"] or "").lower()
    laugh = (m["laugh"] or "").lower()
    if noun:
        kind = next(k for k, pattern in _NOUN.items() if re.fullmatch(pattern, noun))
    elif re.search(r"\banother\b|\bone more\b|\bany more\b", laugh):
        kind = kind_told(before)
        if not kind:
            return None
    elif re.match(r"(?:tell me|say|share) something (?:i|new|interesting)|teach", laugh):
        kind = "fact"
    else:
        kind = "joke"
    args: dict = {} if kind == "joke" else {"kind": kind}
    named = m["about"] or (m["topic"] if m["topic"] and m["topic"].lower() not in _NOT_TOPICS else "")
    if named:
        args["about"] = topic(named)
    return args


# Training phrasings (trainer/tool_data.py): none of them is a development or held-out request.
EXAMPLES = (
    ("Tell me a joke.", "call:joke{}"),
    ("tell me a joke", "call:joke{}"),
    ("Do you know any good jokes?", "call:joke{}"),
    ("jarvis crack us a joke", "call:joke{}"),
    ("Go on, make me laugh.", "call:joke{}"),
    ("i need cheering up tell me something funny", "call:joke{}"),
    ("Have you got a joke for me?", "call:joke{}"),
    ("What's your best joke?", "call:joke{}"),
    ("I've had a rotten day; a joke would help.", "call:joke{}"),
    ("hit me with your worst pun", "call:joke{}"),
    ("Tell me a joke about computers.", 'call:joke{about:"computer"}'),
    ("got any dog jokes", 'call:joke{about:"dog"}'),
    ("Jarvis, a joke about coffee, please.", 'call:joke{about:"coffee"}'),
    ("do you know any jokes about programmers", 'call:joke{about:"programming"}'),
    ("Tell me a Christmas joke!", 'call:joke{about:"christmas"}'),
    ("something funny about football please", 'call:joke{about:"football"}'),
    ("Give me a riddle.", 'call:joke{kind:"riddle"}'),
    ("jarvis could you test my brain with a riddle", 'call:joke{kind:"riddle"}'),
    ("Have you got a brain teaser for me?", 'call:joke{kind:"riddle"}'),
    ("set me a riddle to solve", 'call:joke{kind:"riddle"}'),
    ("Tell me a fun fact.", 'call:joke{kind:"fact"}'),
    ("tell me something i don't know", 'call:joke{kind:"fact"}'),
    ("Give me a random bit of trivia.", 'call:joke{kind:"fact"}'),
    ("what's an interesting fact", 'call:joke{kind:"fact"}'),
    ("Surprise me with a fact, Jarvis.", 'call:joke{kind:"fact"}'),
    ("tell me a fun fact about animals", 'call:joke{kind:"fact",about:"animal"}'),
    ("Something interesting about space, please.", 'call:joke{kind:"fact",about:"space"}'),
    ("jarvis whats a cool fact about the sea", 'call:joke{kind:"fact",about:"sea"}'),
)

TOOLS = [
    Tool("joke", "A joke, a riddle or a fun fact from Jarvis's bank, about a topic where it has one.",
         (Param("kind", str, "joke, riddle or fact", required=False, choices=KINDS, default="joke"),
          Param("about", str, "the topic asked for (cats, computers, space)", required=False)),
         _joke, timeout_s=2.0, examples=EXAMPLES),
]
