"""Tools the fine-tune calls for what a 270M model cannot know or do: sums and units, the clock and
the calendar, timers, the computer itself, apps and files, media and volume, what a command does
(docs/ARCHITECTURE.md, "Tools").

``Toolbox.run(text)`` takes what the model wrote (``call:convert{value:5,from:"mile",to:"km"}``),
parses and checks it, runs the tool in a thread with the tool's time limit, and returns an
``Outcome`` whose ``result.reply`` is what Jarvis says.  Whatever goes wrong (a malformed call,
an unknown tool, a wrong argument, a tool that fails or hangs) ends in a polite sentence: a call
never reaches the user as text.  Each tool is a small module's ``TOOLS``.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import logging
import math
import re
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Iterable

from jarvis_desktop.core.arith import ArithmeticError_, evaluate
from jarvis_desktop.core.memory_words import asks_own, forgets, keeps, lists_kept, names, search_terms, told
from jarvis_desktop.core.tools.base import Context, Param, Tool, ToolFailed, ToolResult
from jarvis_desktop.core.tools.beyond import beyond_reach
from jarvis_desktop.core.tools.call import PREFIX, CallError, ToolCall, check, format_call, parse
from jarvis_desktop.core.tools.clock import CITY_ALIASES, find_zone
from jarvis_desktop.core.tools.computer import ip_asked
from jarvis_desktop.core.tools.desktop import app_named
from jarvis_desktop.core.tools.cues import CUES, about_the_user, bears_on, is_follow_up, named_among
from jarvis_desktop.core.tools.grammar import call_grammar
from jarvis_desktop.core.tools.folder_size import folder_size_asked
from jarvis_desktop.core.tools.media import commanded
from jarvis_desktop.core.tools.memory import MEMORY_TOOLS
from jarvis_desktop.core.tools.pastime import pastime_asked
from jarvis_desktop.core.tools.reference import reference_asked
from jarvis_desktop.core.tools.slots import read_arguments, unit_mentions
from jarvis_desktop.core.tools.slots_whole import REMIND_ASKED, TIMER_WORDS, neighbour, read_in_full, reminder_time_said
from jarvis_desktop.core.tools.shortcuts import shortcut_asked
from jarvis_desktop.core.tools.timers import alarm_asked
from jarvis_desktop.core.tools.versions import version_asked
from jarvis_desktop.core.tools.slots_words import OPENING, numbers, plain, tokens

__all__ = ["Toolbox", "Outcome", "Tool", "Param", "ToolResult", "ToolFailed", "Context", "ToolCall",
           "CallError", "PREFIX", "format_call", "parse", "default_tools", "MODULES"]

log = logging.getLogger(__name__)

MODULES = ("calculator", "units", "clock", "timers", "computer", "desktop", "files", "media", "explain", "memory",
           "pastime", "shortcuts", "folder_size", "versions", "reference")


def default_tools() -> tuple[Tool, ...]:
    """Every tool of the modules in MODULES, in that order, with the phrasings of tools/phrasings.py."""
    from jarvis_desktop.core.tools.phrasings import with_more

    tools: list[Tool] = []
    for name in MODULES:
        tools += importlib.import_module(f"jarvis_desktop.core.tools.{name}").TOOLS
    return with_more(tools)


@dataclass(frozen=True)
class Outcome:
    """What came of a call: ``call`` None where the text was not a valid call; ``error`` says
    what went wrong (for the log; the user hears ``result.reply``)."""

    call: ToolCall | None
    result: ToolResult
    error: str = ""
    seconds: float = 0.0
    # ran | dry_run (act=False: checked, not run) | failed (the tool's own "cannot") | malformed |
    # unknown | arguments | timeout | error
    status: str = "ran"
    written: str = ""  # the call as the model wrote it (logged with the turn, malformed or not);
    # ``call`` is the one that ran: the model's, with what the user's words say for certain (slots.py)

    @property
    def name(self) -> str:
        return self.call.name if self.call is not None else "unknown"

    @property
    def private(self) -> bool:
        """The call holds words the user asked not to keep (a forget, a refused secret): the log
        keeps neither them nor the message (tools/memory.py)."""
        return bool(self.result.data.get("private"))

    def log_record(self) -> dict:
        """What the interaction log keeps of it: ``tool_call`` and ``tool_result`` (of a private
        one, the tool's name and what came of it, without its words)."""
        if self.private:
            return {"tool_call": f"{PREFIX}{self.name}{{}}",
                    "tool_result": {"status": self.status, "data": {"private": True}, "error": ""}}
        ran = self.call.text if self.call is not None else self.written
        result = {"status": self.status, "data": self.result.data, "error": self.error}
        if self.written and self.written != ran:
            result["written"] = self.written  # the model's call, where the user's words corrected it
        return {"tool_call": ran, "tool_result": result}


# Tools whose reading of the words (slots_whole.read_in_full) is itself beyond doubt (Toolbox.beyond_doubt).
BEYOND_DOUBT = ("explain_command",)
# A conversion read in full is beyond doubt where it is also asked as one: begun as a question of
# how many or what ("whats a hundred fahrenheit in celsius", answered "I can't say with
# confidence" by a model in two minds), or ended with the unit wanted ("..., in kilos?"); "I walked
# 10 miles yesterday and my feet are killing me" reads in full but asks nothing.
ASKED_AS_CONVERSION = re.compile(
    rf"^\W*{OPENING}(?:convert|conversion|what(?:'s|s| is| are)|"
    r"how (?:many|much|far|long|heavy|hot|cold|big|tall|fast))\b"
    r"|\b(?:in|into|to|as)\s+(?:degrees\s+)?[a-z°/^²³]+(?:\s+[a-z]+)?\s*(?:please|jarvis)?\W*$", re.IGNORECASE)


# "what would the Americans call that in their degrees": a temperature named without its scale
_DEGREES = re.compile(r"\b(?:degrees?|fahrenheit|celsius|centigrade)\b", re.IGNORECASE)


# The arguments a request for the tool says in its own words (a file's name, a city, a reminder's
# task, what to forget): every such request of the data names one of their words ("the mortgage
# letter" for mortgage), the development and held-out sets too.  Written from nothing said, the call
# answers another question: "I deleted a file by accident, how do I get it back?" was
# find_files{name:"backup"}, "what time should a grown man be in bed by" time_in{city:"London"}.
SAID_ARGUMENTS = {"find_files": "name", "time_in": "city", "remind_me": "task", "forget": "about"}
_SMALL_WORDS = frozenset("the a an of to in on at for my me i it is and or by with from this that".split())


def _content_words(text: str) -> set[str]:
    """The words of ``text`` that say something, lower case, without a plural's "s"."""
    return {w.removesuffix("s") for w in re.findall(r"[a-z0-9]+", plain(text)) if w not in _SMALL_WORDS}


def _city_nicknamed(city: str, message: str) -> bool:
    """Whether ``message`` names ``city`` by another name the clock knows ("the big apple")."""
    zone = find_zone(city)
    said = f" {' '.join(re.findall(r'[a-z]+', plain(message)))} "
    return zone is not None and any(f" {name} " in said and place[1] == zone[1] for name, place in CITY_ALIASES.items())


# A thing to do rather than a fact ("remember I need to leave at 5"): with a time, maybe a reminder
_A_TASK = re.compile(r"^(?:i|we|i've|we've|ive) (?:need to|have to|must|should|ought to|(?:have )?got to)\b"
                     r"|^(?:to|i'm to|im to)\b", re.I)  # "I've got a dentist appointment at 3:40" is a fact


class Toolbox:
    """The tools the model may call, and running them safely."""

    def __init__(self, tools: Iterable[Tool] | None = None, timers=None,
                 clock: Callable[[], datetime] = datetime.now, act: bool | Iterable[str] = True,
                 memory=None):
        """``act`` False: a tool that changes something (opens an app, pauses the music) is
        checked but not run, and the reply says what would have been done; the evaluation
        and the gate score calls so, and never open the user's apps; a set of tool names: only
        those act (the memory benchmark keeps facts, and opens nothing).  ``memory``: the
        user's MemoryStore (None: the memory tools say it is off)."""
        listed = tuple(tools) if tools is not None else default_tools()
        self.tools = {t.name: t for t in listed}
        if len(self.tools) != len(listed):
            raise ValueError("two tools share a name")
        self.timers, self.clock, self.memory = timers, clock, memory
        self.act = act if isinstance(act, bool) else frozenset(act)

    @functools.cached_property
    def grammar(self) -> str:
        """The GBNF grammar of every valid call to these tools (after ``call:``)."""
        return call_grammar(self.tools.values())

    def beyond_doubt(self, message: str, before: str = "") -> str | None:
        """The call ``message`` asks for beyond doubt, written from its words alone, or None:
        ``remember`` of the user's words for a fact given to keep in so many words ("note that
        ...": keeps, a time in it too unless a reminder is asked for), ``explain_command`` of the program a question names
        ("whats du", "what on earth is sed", where it is on the PATH), ``list_memories`` where the
        words ask what is kept about the user ("Is there anything on file about me?": lists_kept), ``forget``
        where they ask first of all for something told to be forgotten ("forget what I said about
        the boiler": memory_words.forgets; not a timer's "forget the pasta countdown"), ``joke`` where
        they ask for a joke, a riddle or a fun fact and nothing else ("tell me a joke about cats";
        "another one" after ``before``, the last reply, told one: tools/pastime.py), ``recall`` where
        they ask what only the user's memory answers ("What's my favourite film?", "who did I lend
        the ladder to": memory_words.asks_own; with a memory), ``volume`` and ``lock_screen`` where the
        message is nothing but such a command ("turn the volume up", "lock the screen": media.commanded),
        ``shortcut`` where it asks for the keys of an everyday thing ("how do I take a screenshot",
        "keyboard shortcut for undo": shortcuts.shortcut_asked), ``folder_size`` where it asks how much
        room a folder takes ("how big is my downloads folder": folder_size.folder_size_asked),
        ``program_version`` where it asks which version of a program is installed ("how do I check
        my python version": versions.version_asked), ``local_ip`` where it asks how to find the IP
        address (computer.ip_asked), ``country``, ``element`` and ``port`` where it asks what their
        data holds ("capital of kenya", "symbol for silver", "what port does dns use":
        reference.reference_asked), ``remind_me`` of an alarm at a time
        ("set an alarm for 7am", "wake me up at half six tomorrow": timers.alarm_asked).  Neither reading took a single message of another
        kind for one: over the 3,123 user turns of the training data and the 679 requests of the
        development and held-out routing sets, and the 200 factual questions of their facts sets."""
        if not message.strip():
            return None
        now = self.clock()
        whole = self._said_in_full(message, now)
        if "remember" in whole:
            return format_call("remember", {"fact": told(message)})
        if "list_memories" in self.tools and lists_kept(message):
            return format_call("list_memories", {})  # "Is there anything on file about me?"
        if "forget" in self.tools and forgets(message) and not TIMER_WORDS.search(message) \
                and (about := read_arguments("forget", {}, message, now).get("about")):
            # "forget what I said about Ruby's piano teacher", written by the model as a recall of it
            return format_call("forget", {"about": about})
        if "recall" in self.tools and self.memory is not None and asks_own(message):
            return self.recall_of(message)  # "What's my favourite film?": no opinion of Jarvis's own
        if "joke" in self.tools and (asked := pastime_asked(message, before)) is not None:
            return format_call("joke", asked)  # "tell me a joke": the model answered "a joke is something I can't say"
        for name in BEYOND_DOUBT:
            if name in whole:
                return format_call(name, read_arguments(name, {}, message, now))
        if "convert" in whole and ASKED_AS_CONVERSION.search(message):
            return format_call("convert", read_arguments("convert", {}, message, now))
        if "open_app" in self.tools and (app := app_named(message)) is not None:
            return format_call("open_app", {"name": app.name})  # "open firefox", where Firefox is installed
        if "remind_me" in self.tools and (alarm := alarm_asked(message, now)) is not None:
            return format_call("remind_me", alarm)  # "set an alarm for 7am": v4 answered in words
        if "shortcut" in self.tools and (keys := shortcut_asked(message)) is not None:
            return format_call("shortcut", keys)  # "how do I take a screenshot": v4 made keys up
        if "folder_size" in self.tools and (folder := folder_size_asked(message)) is not None:
            return format_call("folder_size", folder)  # "how much space is my home folder using"
        if "program_version" in self.tools and (program := version_asked(message)) is not None:
            return format_call("program_version", program)  # "how do I check my python version": v4 "Run python3 -m os."
        if (looked_up := reference_asked(message)) is not None and looked_up[0] in self.tools:
            return format_call(*looked_up)  # "capital of kenya", "what port does dns use": v1 "Sydney, sir", "80, sir"
        if "local_ip" in self.tools and ip_asked(message):
            return format_call("local_ip", {})  # "how do I find my ip address on linux": the address and the command
        if (command := commanded(message)) is not None and command[0] in self.tools:
            return format_call(*command)  # "turn the volume up", "lock the screen": answered in prose mid-conversation
        return None

    def beyond_reach(self, message: str) -> str | None:
        """What ``message`` asks for in so many words that no tool does ("text my wife I'm on my
        way", "shut down the computer": tools/beyond.py), as Jarvis says it is beyond him; None
        where it asks for no such thing, or the words make a tool's request (``beyond_doubt``, or
        one read in full: "turn the oven timer off in 5 minutes")."""
        if (family := beyond_reach(message)) is None or self._said_in_full(message, self.clock()):
            return None
        return family

    def _said_in_full(self, message: str, now: datetime) -> frozenset[str]:
        """The tools the words alone make a whole request of (slots_whole.read_in_full), and ``remember``
        where they give a fact to keep in so many words (memory_words.keeps), unless with a
        reminder's time they ask for a reminder too or name a thing to do (_A_TASK)."""
        whole = read_in_full(message, now, self.tools)
        if "remember" in self.tools and keeps(message) and not ("remind_me" in self.tools and reminder_time_said(
                message, now) and (REMIND_ASKED.search(plain(message)) or _A_TASK.match(told(message)))):
            # "note that ...": a fact to keep, a time in it too ("remember that I'm having an eye test
            # on 11 May at 10am": v4 answered in prose); "don't let me forget the recycling at half
            # six", "remember I need to leave at 5" ask for a reminder as well, and are the model's
            whole |= {"remember"}
        return whole

    def read_in_full(self, message: str) -> frozenset[str]:
        """The tools ``message`` is surely a whole request for: those whose arguments it says in
        full (slots_whole.read_in_full: "what's 15 percent of 80" is a whole percent request, "15
        percent of what?" is not), and ``recall`` where the memory surely holds its answer
        ("How do I take my tea?" beside "I like my tea strong with one sugar": MemoryStore.recall),
        and ``remember`` where it gives a fact to keep in so many words ("note that the stopcock is
        under the sink": memory_words.keeps; see _said_in_full)."""
        whole = self._said_in_full(message, self.clock())
        return whole | {"recall"} if self.memory_answers(message) else whole

    def memory_answers(self, message: str) -> bool:
        """Whether the user's memory surely holds the answer to ``message`` (MemoryStore.recall;
        False without a memory or the recall tool, or where the search fails)."""
        if self.memory is None or "recall" not in self.tools or not message.strip():
            return False
        try:
            return self.memory.recall(message, limit=1).sure
        except Exception:  # noqa: BLE001 - the memory must never cost the user a reply
            log.exception("searching the memory for %r failed", message[:200])
            return False

    def memory_first(self, tool: str | None, message: str) -> str | None:
        """A ``recall`` of ``message``'s words to run instead of a call to ``tool``, or None.

        Where the memory surely answers the message, the user is asking about what they told
        Jarvis, and a call the model made to another tool answers something else: "What's my
        project called?" beside "the project I'm leading is called Bluebell" is no request for
        the computer's name, "how long is my colleague off for" none for the timers.  The call
        stands where the words make a whole request of its tool (slots_whole.read_in_full), or name
        what its tool is about (tools/cues.py: "what's the IP of the printer" is the network's), and
        where they do not name the user or someone they know: "What's the battery at?" is the
        laptop's, whatever the memory holds of hearing-aid batteries."""
        if tool is None or tool in MEMORY_TOOLS or (tool in CUES and bears_on(tool, message)) \
                or not about_the_user(message):
            return None
        if tool in self._said_in_full(message, self.clock()) or not self.memory_answers(message):
            return None
        return self.recall_of(message)

    def may_remember(self, message: str) -> bool:
        """Whether the memory holds anything near ``message``, a question about the user or someone
        they know (cues.about_the_user), or one that shares a name with the fact found ("Who takes
        Noah in the pool?" beside "Noah's swimming teacher is called Bethany Clarke", "which foods
        give Sophie a reaction" beside "sophie is allergic to peanuts": memory_words.names): then
        a reply of "I'm not certain" to it is to be looked at before it is said (Assistant._said).
        False without a memory or the recall tool."""
        if self.memory is None or "recall" not in self.tools or not message.strip():
            return False
        words = lambda text: set(re.findall(r"[a-z]+", text.lower()))  # noqa: E731
        said, named = words(message), names(message)
        shares_a_name = lambda fact: bool(names(fact) & said or named & words(fact))  # noqa: E731
        about = about_the_user(message)
        try:
            # a name is a word in common: where no fact sharing a word shares a name, the reply
            # is not watched, and the message is not embedded for it
            if not about and not any(shares_a_name(f.text) for f in self.memory.search(message, limit=20)):
                return False
            found = self.memory.recall(message, limit=1)
        except Exception:  # noqa: BLE001 - the memory must never cost the user a reply
            log.exception("searching the memory for %r failed", message[:200])
            return False
        return bool(found) and (about or shares_a_name(found.facts[0].text))

    def written_whole(self, message: str, whole: frozenset[str]) -> str | None:
        """The call, written from the words, to the one tool of ``whole`` (the tools ``message``
        is a whole request for, read_in_full) that the words name (cues.named_among); None where
        they name none or several."""
        name = named_among(whole, message)
        return format_call(name, read_arguments(name, {}, message, self.clock())) if name in self.tools else None

    @staticmethod
    def recall_of(message: str) -> str:
        """A ``recall`` call written from the words of ``message`` (its first few search terms)."""
        return format_call("recall", {"about": " ".join(search_terms(message)[:4])})

    def tool_of(self, text: str, message: str = "") -> str | None:
        """The tool the call ``text`` would run in answer to ``message`` (a neighbour's, where the
        words read as one: slots_whole.neighbour), or None where ``text`` is no call."""
        try:
            call = parse(text)
        except CallError:
            return None
        moved = neighbour(call.name, message, self.clock(), self.tools)
        return moved[0] if moved else call.name

    def works_nothing_out(self, text: str, message: str = "") -> bool:
        """Whether the call ``text`` is a sum with nothing to work out: ``calculate`` of a bare
        number, or of one number by 1 or with 0, as the words leave it ("how many sides does a
        50p have" was calculate{expression:"50/1"}, said as "That comes to 50, sir").  No call of
        the data is one."""
        try:
            call = parse(text)
        except CallError:
            return False
        if call.name != "calculate":
            return False
        if "calculate" in self.read_in_full(message):
            return False  # "what's fifty divided by one": the words ask that very sum
        expression = str(read_arguments("calculate", dict(call.args), message, self.clock()).get("expression", ""))
        numbers = [float(n) for n in re.findall(r"\d+(?:\.\d+)?", expression)]
        if not numbers or len([n for n in numbers if n not in (0.0, 1.0)]) > 1:
            return False
        try:
            value = evaluate(expression)
        except ArithmeticError_:
            return False
        return any(math.isclose(value, n) for n in numbers)

    def unfounded(self, text: str, message: str, earlier: str = "") -> str:
        """Why the call ``text`` has no ground in the words of ``message`` or of the conversation
        just before it (``earlier``: the last request and reply) ("": it has): a conversion where
        they name no unit ("Is a resting pulse of 55 normal?" was convert{value:55,from:"min",to:"s"}),
        an explanation of a command they do not name ("What is the Linux kernel, in plain
        English?" was explain_command{command:"linux-内核"}), a file, a city, a reminder's task or
        a thing to forget they say no word of (SAID_ARGUMENTS).  A follow-up ("what about 80?")
        leans on the turn before and is not judged.  Every request for these tools in the data,
        the development and held-out sets names its unit, command or argument."""
        try:
            call = parse(text)
        except CallError:
            return ""
        if is_follow_up(message):
            return ""
        words = f"{earlier}\n{message}" if earlier else message
        if call.name == "convert":
            said = tokens(plain(words))
            if not unit_mentions(said, numbers(said)) and not _DEGREES.search(words):
                return "the words name no unit"
        elif call.name == "explain_command":
            command = re.sub(r"[\s-]+", "", str(call.args.get("command", ""))).lower()
            if command and command not in re.sub(r"[\s-]+", "", words.lower()):
                return f"the words name no command {command!r}"
        elif (key := SAID_ARGUMENTS.get(call.name)) and isinstance(value := call.args.get(key), str) and value:
            if not (_content_words(value) & _content_words(words)) \
                    and not (call.name == "time_in" and _city_nicknamed(value, words)):
                return f"the words say nothing of {key} {value!r}"
        return ""

    def run(self, text: str, honorific: str = "sir", message: str = "") -> Outcome:
        """Run the call ``text`` the model wrote in answer to the user's ``message``."""
        return dataclasses.replace(self._check_and_run(text, honorific, message), written=text.strip())

    def _check_and_run(self, text: str, honorific: str, message: str = "") -> Outcome:
        t0 = time.perf_counter()
        sorry = ToolResult(f"I'm afraid I couldn't work out how to do that, {honorific}.", ok=False)
        try:
            call = parse(text)
        except CallError as exc:
            log.warning("malformed tool call %r: %s", text[:200], exc)
            return Outcome(None, sorry, f"malformed call: {exc}", time.perf_counter() - t0, "malformed")
        if moved := neighbour(call.name, message, self.clock(), self.tools, call.args):
            log.info("%s read as %s from the words %r", call.name, moved[0], message[:200])
            call = parse(format_call(*moved))
        tool = self.tools.get(call.name)
        if tool is None:
            log.warning("call to an unknown tool %r", call.name)
            return Outcome(call, sorry, f"no tool is called {call.name!r}", time.perf_counter() - t0, "unknown")
        try:
            args = check(call, tool)
        except CallError as exc:
            log.warning("bad arguments in %r: %s", text[:200], exc)
            return Outcome(call, sorry, str(exc), time.perf_counter() - t0, "arguments")
        call, args = self._as_said(call, tool, args, message)
        acts = self.act if isinstance(self.act, bool) else tool.name in self.act
        if not (acts or tool.read_only):
            said = ", ".join(f"{k} {v!r}" for k, v in args.items())
            result = ToolResult(f"Dry run, {honorific}: {tool.name}{' with ' + said if said else ''} not done.",
                                {"dry_run": True, **args})
            return Outcome(call, result, "", time.perf_counter() - t0, "dry_run")
        context = Context(honorific, self.clock(), self.timers, self.memory, message)
        result, error, status = self._run(tool, args, context)
        if tool.name == "find_files" and status == "ran" and result.data.get("count") == 0:
            result = self._noted_beside(result, context)
        return Outcome(call, result, error, time.perf_counter() - t0, status)

    def _noted_beside(self, result: ToolResult, context: Context) -> ToolResult:
        """``result`` (a search of the files that found none) with what the memory holds near the
        user's question after it: "Where are the Christmas decs stored?" was read as a search of
        the home folder for "christmas", where the user had told Jarvis "I keep the Christmas
        decorations in the loft".  The memory's answer comes first where it is sure.  ``result``
        alone where the memory holds nothing near."""
        if self.memory is None or "recall" not in self.tools or not context.message.strip():
            return result
        noted, _, status = self._run(self.tools["recall"], {"about": ""}, context)  # its time limit, its errors
        if status != "ran" or not noted.data.get("facts"):  # the memory never costs the user the files' answer
            return result
        said = (noted.reply, result.reply) if noted.data.get("sure") else (result.reply, noted.reply)
        return ToolResult(" ".join(said), {**result.data, "noted": noted.data}, result.ok)

    def _as_said(self, call: ToolCall, tool: Tool, args: dict, message: str) -> tuple[ToolCall, dict]:
        """The call with the arguments the user's words say for certain (tools/slots.py: "three
        hundred and twelve" is 312, "half six this evening" 18:30), checked like the model's."""
        read = read_arguments(tool.name, args, message, self.clock()) if message else args
        if read == args:
            return call, args
        try:
            better = parse(format_call(tool.name, {p.name: read[p.name] for p in tool.params if p.name in read}))
            return better, check(better, tool)
        except CallError as exc:  # a reading the tool would refuse: the model's call stands
            log.warning("the arguments read from %r do not fit %s: %s", message[:200], tool.name, exc)
            return call, args

    def _run(self, tool: Tool, args: dict, context: Context) -> tuple[ToolResult, str, str]:
        """Run ``tool`` in a thread: a tool that hangs (a stuck disk, D-Bus) costs the reply
        ``tool.timeout_s`` at most, and the conversation goes on."""
        box: list = []
        done = threading.Event()

        def work():
            try:
                box.append((tool.run(args, context), "", "ran"))
            except ToolFailed as exc:
                box.append((ToolResult(str(exc), ok=False), f"{tool.name}: {exc}", "failed"))
            except Exception as exc:  # a tool's bug must not cost the user the conversation
                log.exception("tool %s failed on %r", tool.name, args)
                box.append((ToolResult(f"I'm afraid that didn't work, {context.honorific}: something went "
                                       "wrong on my side.", ok=False), f"{tool.name}: {type(exc).__name__}: {exc}",
                            "error"))
            done.set()

        threading.Thread(target=work, name=f"jarvis-tool-{tool.name}", daemon=True).start()
        if not done.wait(tool.timeout_s):
            log.warning("tool %s took over %.1f s on %r", tool.name, tool.timeout_s, args)
            return (ToolResult(f"I'm sorry, {context.honorific}, that is taking far too long; do ask again "
                               "in a moment.", ok=False), f"{tool.name}: over {tool.timeout_s} s", "timeout")
        return box[0]
