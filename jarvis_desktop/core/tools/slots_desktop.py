"""Arguments read from the user's own words: the computer and the desktop (tools/slots.py).

The readers of paths ("slash media slash usb"), file names said aloud ("notes dot txt"), cities
("my mate in denver"), commands ("what does chmod do"), what the busiest programs are ranked
by, and folders ("show me my music"), with the same contract as the number, date and timer
readers in slots.py: each returns only what the words say for certain, and {} otherwise.
"""

from __future__ import annotations

import re
from datetime import datetime

from jarvis_desktop.core.tools.reference import service_named
from jarvis_desktop.core.tools.shortcuts import desktop_named

__all__ = ["DROP", "FILLERS", "READERS", "TIME_ASKED", "spoken_paths"]

DROP = None  # a reading's value that removes the model's argument of that name (slots.py uses it too)


def spoken_paths(s: str) -> str:
    """A path said aloud written as one: "slash home slash james" -> "/home/james"."""
    return re.sub(r"\bslash ([\w.-]+(?: slash [\w.-]+)*)", lambda m: "/" + m[1].replace(" slash ", "/"), s)


def _disk_free(s: str, args: dict, now: datetime) -> dict:
    s = spoken_paths(s)
    paths = set(re.findall(r"(?<![\w/~])(~?/[\w./-]*\w|/)(?=[\s?.!,;]|$)", s))
    if len(paths) == 1:
        return {"path": paths.pop()}
    if not paths and re.search(r"\broot (?:partition|drive|disk|filesystem|file system)\b", s):
        return {"path": "/"}
    written = str(args.get("path") or "").strip()
    if written and not paths and not re.search(r"[/\\~:]", written):
        return {"path": DROP}  # "is there space for a 50 GB game" written as path "50": no place was said
    if written and not paths and not _place_said(written, s):
        return {"path": DROP}  # "how much free disk space do I have?" written as ~/Documents: the home disk was meant
    return {}


def _place_said(path: str, s: str) -> bool:
    """Whether the words ``s`` name the folder or drive ``path`` is: one of its parts ("D" of
    "D:\\", "downloads" of "~/Downloads", "usb" of "/media/usb") or a word for it ("docs" for
    ~/Documents).  The root ("/") and the home folder ("~") name nothing and are kept."""
    parts = [p.casefold() for p in re.split(r"[/\\:]+", path.lstrip("~")) if p]
    if not parts:
        return True
    words = set(re.findall(r"[\w.-]+", s))
    folders = {_FOLDER_PLACES[w] for w in words if w in _FOLDER_PLACES}
    return any(p in words or p in folders for p in parts)


def _open_file(s: str, args: dict, now: datetime) -> dict:
    name = str(args.get("name") or "").strip()
    m = re.search(r"\b([\w'-]+) dot ([a-z0-9]{2,5})\b", s)
    if m and name.lower().endswith(m[1]) and "." not in name:
        return {"name": f"{name}.{m[2]}"}
    return _file_named(s, name)


def _file_named(s: str, name: str) -> dict:
    """The one file name the words give whole ("where on earth is holiday.jpg"), where the model
    wrote a part of it ("holiday"): the search for the whole name finds that file, not every
    file about holidays."""
    named = set(re.findall(r"(?<![\w/.~-])([\w-]+\.[a-z0-9]{2,5})(?=[\s?!,;]|\.?$|\.\s)", s))
    if len(named) != 1 or "/" in name:
        return {}
    whole = named.pop()
    part = name.casefold()
    if not part or "." in part or part not in whole.casefold() or re.fullmatch(r"\d+(?:\.\d+)?", whole):
        return {}
    return {"name": whole}


# What is looked for, after the words asking for a search, up to what says it is a file
_SOUGHT = re.compile(
    r"\b(?:find|locate|search for|look for|hunt for|hunt down|track down|dig out|dig up|where(?:'s|s| is| are)|"
    r"where did (?:i|we) (?:put|save|leave|store))(?: me)?(?: (?:my|the|that|those|these|a|an|any|all|our))? "
    r"(?P<x>.+?)(?= (?:files?|documents?|docs?|pdfs?|spreadsheets?|i |that i|which|from|on this|on my|on the|"
    r"somewhere|anywhere|please|would you|for me|again|is|are|went|got|ended)\b|[?.!,]|$)")


def _shares_a_word(value: str, s: str) -> bool:
    """Whether a word of ``value`` is in the words ``s`` (one the start of the other: "recipe", "recipes")."""
    said = re.findall(r"[a-z0-9]+", s)
    return any(w.startswith(v) or v.startswith(w) for v in re.findall(r"[a-z0-9]+", value.casefold()) if len(v) > 2
               for w in said if len(w) > 2)


def _find_files(s: str, args: dict, now: datetime) -> dict:
    name = str(args.get("name") or "").strip()
    if name and not _shares_a_word(name, s) and (m := _SOUGHT.search(s)) and m["x"].strip():
        # a name the words never said, from an earlier turn ("find my tax return file" after the
        # Downloads folder was opened, written as name:"~/Downloads"): what the words look for
        return {"name": m["x"].strip()}
    return _file_named(s, name)


# -- a city's time, a command, the busiest programs, a folder -----------------------------------

# Zone place names that are also everyday words or first names ("that's nice", "the central
# line", "Victoria said"): read as a city only where the model wrote them.
_NOT_PLACES = {"nice", "central", "center", "eastern", "pacific", "atlantic", "mountain", "continental", "universal",
               "general", "factory", "zulu", "north", "south", "east", "west", "easter", "christmas", "wake",
               "virgin", "resolute", "oral", "yap", "navajo", "midway", "troll", "palmer", "casey", "davis",
               "victoria", "regina", "stanley", "wallis", "johnston", "knox", "beulah", "marengo", "vevay",
               "chatham", "norfolk", "eucla", "creston", "mendoza", "greenwich", "local", "here", "home"}

_CITY_BEFORE = re.compile(r"in|with|for|of|to|at|is|and|phone|ring|call")


def _places(s: str) -> dict[str, str]:
    """The cities ``s`` names (after "in", "with", "for", ...: "the time in rio de janeiro",
    "my mate in denver"), each as the clock tool says it, by the words that named it."""
    from jarvis_desktop.core.tools.clock import find_zone

    words = re.findall(r"[a-z]+(?:'[a-z]+)?|[.,;:?!]", s)
    found: dict[str, str] = {}
    i = 0
    while i < len(words):
        for n in (3, 2, 1):  # the longest name first: "mexico city", not "mexico"
            span = words[i:i + n]
            if len(span) < n or not all(w[0].isalpha() for w in span):
                continue
            name = " ".join(span)
            before = words[max(0, i - 2):i]
            if n == 1 and (name in _NOT_PLACES or len(name) <= 3 and name != "nz") or not before or not (
                    _CITY_BEFORE.fullmatch(before[-1]) or before[-1] == "the" and _CITY_BEFORE.fullmatch(before[0])):
                continue
            zone = find_zone(name)
            if zone is not None:
                found[name] = zone[0]
                i += n - 1
                break
        i += 1
    return found


# What asks the time somewhere ("what time is it in ...", "how many hours ahead", "is it night
# in ..."), not what merely names a time and a city ("what time do the shops in Madrid open").
TIME_ASKED = re.compile(
    r"\bwhat time is it\b|\bwhat(?:'s|s| is)? the (?:time|hour)\b(?! (?:of|when|to)\b)"
    r"|\b(?:current|local) time\b|\btime difference\b|\bhours? (?:ahead|behind)\b|\bhow far (?:ahead|behind)\b"
    r"|\bhow late is it\b|\bis it (?:day|night|morning|evening|afternoon|daytime|night ?time|dark|light)(?:time)? "
    r"(?:yet |now |right now |already )?(?:in|over)\b")


def _time_in(s: str, args: dict, now: datetime) -> dict:
    places = set(_places(s).values())
    return {"city": places.pop()} if len(places) == 1 else {}


_X = r"(?P<x>[a-z0-9_.+]*[a-z0-9_+])"  # a program's name as _plain leaves it (no "-": "ssh keygen")
# "the" only before "command" ("what's the man command for"): "what's the date", "what's the
# time for my niece" name programs (date, time) but ask no such thing
_CX = r"(?:(?:the )?(?P<y>[a-z0-9_.+]*[a-z0-9_+]) (?:command|program|utility|tool)|" + _X + ")"
_WHATS = r"what(?:'s|s| is)"
_COMMAND_ASKED = tuple(re.compile(p) for p in (
    r"\bwhat (?:does|do) " + _CX + r"(?: -[\w-]+)* (?:actually |exactly |even )?do\b",
    r"\b" + _WHATS + r" " + _CX + r" (?:(?:used |good |meant )?for|about)\b",
    r"\b(?:explain|tell me about|tell me what) (?:what )?" + _CX + r"(?: is| does)?(?: (?:used )?for)?"
    r"(?=,|[?.!]|$| like\b| please\b| to me\b| for me\b| in (?:plain|simple)\b)",
    r"\b(?:the |a )?(?P<y>[a-z0-9_.+]*[a-z0-9_+]) command\b",
    # "whats du", "what on earth is sed": the whole message asks what a program is
    r"^(?:\w+ )?(?:jarvis )?what(?: on earth| in the world| the heck| the hell)?(?:'s|s| is) " + _CX
    + r"(?:,? exactly)?[?.!]*$",
    r"^" + _X + r",? what (?:does|do) (?:that|it|that one|this) do\b",
    r"\bwhat (?:is|does) " + _CX + r"(?: do)?,? exactly\b",
))
_NOT_COMMANDS = {"it", "this", "that", "he", "she", "they", "you", "one", "a", "an", "the", "my", "your",
                 "which", "what", "who", "there", "here", "all", "thing", "jarvis", "is", "does", "do"}


def _explain_command(s: str, args: dict, now: datetime) -> dict:
    """The command ``s`` asks about, where it is a program on this computer ("what does chmod
    do", "whats the man command for", "explain rm")."""
    import shutil

    said = {m.groupdict().get("x") or m["y"] for pattern in _COMMAND_ASKED if (m := pattern.search(s))} - _NOT_COMMANDS
    on_path = {x for x in said if shutil.which(x)}
    return {"command": on_path.pop()} if len(on_path) == 1 else {}


_PROGRAMS = r"(?:apps?|programs?|process(?:es)?|applications?|tasks?)"
_WHICH_PROGRAMS = re.compile(
    r"\b(?:which|what)(?: \w+){0,3} " + _PROGRAMS + r"\b"
    r"|\b" + _WHATS + r" (?:eating|hogging|using|taking|chewing|guzzling|gobbling|hammering|maxing|pinning|working)\b"
    r"|\b" + _PROGRAMS + r"\b.* (?:most|hardest|heaviest|hungriest|greediest|sorted by)\b"
    r"|\b(?:top|biggest|hungriest|heaviest|busiest|greediest)(?: three| 3| five| 5)? (?:cpu |memory |ram )?"
    r"(?:processes|programs|apps|applications|users)\b")


_USE_THE_MOST = re.compile(r"\b(?:most|biggest|heaviest|hungriest|greediest|busiest|top|demanding|eating|hogging"
                           r"|using|taking|chewing|guzzling|gobbling)\b")


_MEMORY_SAID = re.compile(r"\b(?:memory|ram)\b")


def _top_processes(s: str, args: dict, now: datetime) -> dict:
    """What the programs are ranked by, where the words ask which programs use the most of it."""
    if not _WHICH_PROGRAMS.search(s):
        return {}
    memory = bool(_MEMORY_SAID.search(s))
    cpu = bool(re.search(r"\b(?:cpu|processor|work|busy|load|hardest|fans?|heat|hot)\b", s))
    if memory == cpu:  # both, or neither ("the three biggest programs"): the tool's own default
        return {"by": DROP} if not memory and _USE_THE_MOST.search(s) else {}
    return {"by": "memory"} if memory else {"by": "cpu"}


# Arguments the words name for a call the model made, where its reader (above) finds no whole
# request: what they fill in is no sign that the words ask for the tool (slots_whole's neighbours
# read only READERS), so "how much memory is left" stays a question for ``memory``.

def _ranked_by(s: str, args: dict, now: datetime) -> dict:
    """The one of memory and the processor the words name ("What's making the processor so busy?"
    was top_processes{}, ranked by memory)."""
    memory = bool(_MEMORY_SAID.search(s))
    if memory == bool(re.search(r"\b(?:cpu|processor)\b", s)):
        return {}
    return {"by": "memory"} if memory else {"by": "cpu"}


def _desktop(s: str, args: dict, now: datetime) -> dict:
    """The desktop the words name ("Is there a shortcut for pasting on a Mac?" was shortcut{action:
    "paste"}, answered for this computer's desktop), where the call names none."""
    if args.get("desktop"):
        return {}
    desktop = desktop_named(s)
    return {"desktop": desktop} if desktop else {}


def _service(s: str, args: dict, now: datetime) -> dict:
    """The one service the words name, where the call's is not said ("my postgres server, which port
    does it normally use" was port{service:"777.77.77.77"})."""
    written = str(args.get("service") or "").strip()
    named = service_named(s)
    if not named or not written or written.lower() in s.lower() or service_named(written) == named:
        return {}
    return {"service": named}


_FOLDER_PLACES = {"home": "home", "desktop": "desktop", "documents": "documents", "document": "documents",
                  "docs": "documents", "downloads": "downloads", "download": "downloads", "music": "music",
                  "pictures": "pictures", "picture": "pictures", "photos": "pictures", "images": "pictures",
                  "videos": "videos", "video": "videos", "movies": "videos", "films": "videos",
                  "templates": "templates", "public": "public"}
_SHOW = r"\b(?:open|show|display|bring up|pull up|take me to|go to|browse|see|look in|pop open|back to)\b"
_FOLDER_SAID = re.compile(_SHOW + r"(?: [\w']+){0,4}? (?:my |the |your )?(?P<p>" + "|".join(_FOLDER_PLACES)
                          + r") (?:folder|directory|dir)\b"
                          r"|" + _SHOW + r"(?: me)? my (?P<q>" + "|".join(_FOLDER_PLACES)
                          + r")(?=[\s,]*(?:$|[?.!]|please\b|would you\b|for me\b))")
_OTHER_FOLDER = re.compile(r"\b(?!(?:my|the|your|that|this|a|new|" + "|".join(_FOLDER_PLACES)
                           + r")\b)[a-z]+ (?:folder|directory)\b")
_PATH_SAID = re.compile(_SHOW + r"(?: up)?(?: me)?(?: the folder| the directory| folder| directory)?(?: at| in)? "
                        r"(?P<path>~(?:/[\w.-]+)*/?|/[\w./-]*)(?=[\s?.!,;]|$)")


def _open_folder(s: str, args: dict, now: datetime) -> dict:
    """The user folder ("show me my music folder") or the path ("open ~/projects/website") ``s``
    asks to open: one of them, and no other folder named ("the scripts directory in my home
    folder"), and no file ("open ~/documents/letter.odt")."""
    s = spoken_paths(s)
    if re.search(r"\bdot [a-z]", s):
        return {}  # "open dot config in my home folder": a hidden folder said aloud, the model's to write
    paths = {m["path"].rstrip(".") or "/" for m in _PATH_SAID.finditer(s)}
    if any(re.search(r"[^/.]\.[a-z0-9]{1,5}$", path) for path in paths) or _OTHER_FOLDER.search(s):
        return {}
    said = {_FOLDER_PLACES[m["p"] or m["q"]] for m in _FOLDER_SAID.finditer(s)} | paths
    if len(said) != 1:
        return {}
    name = said.pop()
    # the words are lower case: a path the model wrote as said keeps its capitals
    return {} if str(args.get("name", "")).casefold().rstrip("/") == name.rstrip("/") else {"name": name}


# -- media and volume -------------------------------------------------------------------------

_MEDIA = (("toggle", r"\b(?:toggle|flip)\b|\b(?:start|play) or (?:stop|pause)\b"), ("next", r"\b(?:skip|next)\b"),
          ("previous", r"\b(?:previous|go back|last (?:song|track))\b"),
          ("pause", r"\bpause\b"), ("play", r"\b(?:play|resume|unpause|carry on)\b"))


def _media(s: str, args: dict, now: datetime) -> dict:
    said = [action for action, pattern in _MEDIA if re.search(pattern, s)]
    if said[:1] == ["toggle"]:
        return {"action": "toggle"}
    return {"action": said[0]} if len(said) == 1 else {}


READERS = {"media": _media, "disk_free": _disk_free, "open_file": _open_file, "find_files": _find_files, "time_in": _time_in, "explain_command": _explain_command,
           "top_processes": _top_processes, "open_folder": _open_folder}
FILLERS = {"top_processes": _ranked_by, "shortcut": _desktop, "port": _service}
