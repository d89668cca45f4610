"""The tool-call syntax: what the model writes instead of prose to use a tool.

    call:disk_free{}
    call:convert{value:5,from:"mile",to:"km"}

A name, then arguments in braces: ``key:value`` pairs separated by commas; a value is a number
(5, -2.5, 1e3), a double-quoted string (``\\"`` and ``\\\\`` escape) or true/false.  A few tokens,
so the call costs the model little to write and the engine can tell it from prose by its first
five characters.  ``parse`` refuses anything else with a CallError saying what and where;
``check`` holds a parsed call against its tool's parameters.  ``format_call`` writes the one
canonical form (the training data's), so ``parse(format_call(n, a))`` gives back ``n`` and ``a``.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from dataclasses import dataclass

from jarvis_desktop.core.tools.base import Tool

__all__ = ["PREFIX", "ToolCall", "CallError", "parse", "check", "format_call", "is_complete", "may_be_call",
           "words_before_call", "call_in_words"]

PREFIX = "call:"
MAX_CALL_CHARS = 400  # a call longer than this is not a call but a runaway
_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
_NUMBER = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class CallError(ValueError):
    """A call that cannot be run: malformed, or not what its tool takes.  The message says what
    and at which character."""


@dataclass(frozen=True)
class ToolCall:
    name: str
    args: dict
    text: str  # as the model wrote it

    def __str__(self) -> str:
        return format_call(self.name, self.args)


def may_be_call(text: str) -> bool:
    """Whether a reply that starts with ``text`` (leading space ignored) may still be a call:
    used while streaming, to hold back the first characters until it is clear."""
    head = text.lstrip().lower()  # "Call:": a small model sometimes capitalises its first word
    return head.startswith(PREFIX) or PREFIX.startswith(head)


_BARE_NAME = r"[a-z][a-z_ -]{0,31}"  # "disk_free", "open -app": the name as a slip writes it
_BARE_HEAD = re.compile(_BARE_NAME)
_BARE_CALL = re.compile(rf"\s*(?P<name>{_BARE_NAME}?)\s*\{{")


# A call the model writes after words of its own ("pip install -r requirements.txt\ncall:install_exe{...}",
# seen in the gate's replies of v5) or in a form of its own ("calling:open_app{name:"audacity"}", v4):
# a line that begins "call:", or a word and a colon before a name and its brace.  "A last call: ..."
# in a sentence is neither.
# So is a name glued to its brace with nothing or an argument in it ("Run python3 -m os.os_info{}",
# v4 to "how do I check my python version": "Run python3 -m os." is said): no prose or command
# writes a word, "{" and "}" or "x:".
_CALL_IN_WORDS = re.compile(r"(?:^|\n)[ \t]*call:|\b[a-z_]+:[a-z_][a-z0-9_]*[ \t]*\{|(?<=:)[ \t]*[a-z_][a-z0-9_]*\{"
                            r"|\b[a-z_][a-z0-9_]*\{(?:\}|[a-z_]+:)", re.IGNORECASE)
# the end of the words so far that may yet become one (its last word, and a colon and a name after
# it): held back until the next piece tells
_MAY_BECOME = re.compile(r"\s*\b[a-z_][a-z0-9_]*\{[a-z_]*$|\s*\b[a-z_]*(?::[ \t]*[a-z0-9_]*[ \t]*)?$|\s+$",
                         re.IGNORECASE)


def call_in_words(text: str) -> bool:
    """Whether a reply in words has a call written after them (``words_before_call`` cut it)."""
    return _CALL_IN_WORDS.search(text) is not None


def words_before_call(pieces, start: str = ""):
    """The pieces of a reply in words as they come (``start``, then ``pieces``), up to a call
    written after them: the call and what follows are never said, and ``pieces`` is closed there
    (the model stops)."""
    said = held = ""
    for piece in itertools.chain((start,), pieces):
        held += piece
        if found := _CALL_IN_WORDS.search(held):
            if words := held[:found.start()].rstrip(" \t\n:")[len(said):]:
                yield words
            if close := getattr(pieces, "close", None):
                close()
            return
        keep = m.start() if (m := _MAY_BECOME.search(held)) else len(held)
        if keep > len(said):
            yield held[len(said):keep]
            said = held[:keep]
    if held[len(said):]:
        yield held[len(said):]


def bare_call_name(text: str) -> str | None:
    """The tool name of a call written without its ``call:`` ("open -app{name:"firefox"}",
    "disk_free{}"), with its pieces joined by underscores ("open_app"); None if ``text`` is not
    one.  A small model, held to prose at its first step, sometimes writes the call anyway."""
    m = _BARE_CALL.match(text)
    return re.sub(r"[\s_-]+", "_", m["name"].strip(" _-")) if m else None


def may_be_bare_call(text: str) -> bool:
    """Whether a reply that starts with ``text`` may be a call without its prefix: lower-case
    letters, spaces, hyphens and underscores so far (a reply in words begins with a capital or
    soon shows punctuation), or such a name and its opening brace."""
    head = text.lstrip()
    return bool(_BARE_HEAD.fullmatch(head)) or bare_call_name(head) is not None


def with_prefix(text: str) -> str:
    """A call written without its prefix, as ``call:name{...}``."""
    return PREFIX + str(bare_call_name(text)) + text[text.index("{"):].rstrip()


def is_complete(text: str) -> bool:
    """Whether ``text`` (a call being streamed) has reached its closing brace, outside strings."""
    depth, in_string, escaped = 0, False, False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth <= 0:
                return True
    return False


def parse(text: str) -> ToolCall:
    """The call in ``text`` (surrounding space allowed, nothing else); CallError otherwise."""
    src = text.strip()
    if len(src) > MAX_CALL_CHARS:
        raise CallError(f"the call is {len(src)} characters long (at most {MAX_CALL_CHARS})")
    if not src.lower().startswith(PREFIX):
        raise CallError(f"a call starts with {PREFIX!r}")
    src = PREFIX + src[len(PREFIX):]  # "Call:" read as "call:"
    at = len(PREFIX)
    m = _NAME.match(src, at)
    if not m:
        raise CallError(f"character {at + 1}: a tool name (lower case letters, digits, _) is expected")
    name, at = m.group(), m.end()
    if src[at:at + 1] != "{":
        raise CallError(f"character {at + 1}: '{{' is expected after the tool name {name!r}")
    at += 1
    args: dict = {}
    if src[at:at + 1] == "}":
        at += 1
    else:
        while True:
            key = _WORD.match(src, at)
            if not key:
                raise CallError(f"character {at + 1}: an argument name is expected")
            at = key.end()
            if src[at:at + 1] != ":":
                raise CallError(f"character {at + 1}: ':' is expected after {key.group()!r}")
            if key.group() in args:
                raise CallError(f"the argument {key.group()!r} is given twice")
            args[key.group()], at = _value(src, at + 1)
            if src[at:at + 1] == ",":
                at += 1
            elif src[at:at + 1] == "}":
                at += 1
                break
            else:
                raise CallError(f"character {at + 1}: ',' or '}}' is expected")
    if at != len(src):
        raise CallError(f"character {at + 1}: nothing may follow the call's closing brace")
    return ToolCall(name, args, src)


def _value(src: str, at: int):
    if src[at:at + 1] == '"':
        out, i = [], at + 1
        while i < len(src):
            ch = src[i]
            if ch == "\\" and i + 1 < len(src) and src[i + 1] in '"\\':
                out.append(src[i + 1])
                i += 2
            elif ch == '"':
                return "".join(out), i + 1
            else:
                out.append(ch)
                i += 1
        raise CallError(f"character {at + 1}: the string is not closed")
    if src.startswith("true", at) or src.startswith("false", at):
        word = "true" if src.startswith("true", at) else "false"
        return word == "true", at + len(word)
    m = _NUMBER.match(src, at)
    if not m:
        raise CallError(f"character {at + 1}: a number, a \"string\", true or false is expected")
    text = m.group()
    value = float(text) if any(c in text for c in ".eE") else int(text)
    if isinstance(value, float) and not math.isfinite(value):
        raise CallError(f"character {at + 1}: {text} is not a finite number")
    return value, m.end()


def check(call: ToolCall, tool: Tool) -> dict:
    """The call's arguments as ``tool`` takes them: every one known, every required one given,
    each of its kind (an int where a float is wanted is fine; 5.0 for an int is 5), a choice
    spelt as the tool spells it.  CallError saying which argument is wrong otherwise."""
    if call.name != tool.name:
        raise CallError(f"the call is to {call.name!r}, not {tool.name!r}")
    out = {}
    for key, value in call.args.items():
        param = tool.param(key)
        if param is None:
            known = ", ".join(p.name for p in tool.params) or "none"
            raise CallError(f"{tool.name} takes no argument {key!r} (it takes: {known})")
        out[key] = _coerce(tool.name, param, value)
    missing = [p.name for p in tool.params if p.required and p.name not in out]
    if missing:
        raise CallError(f"{tool.name} needs {', '.join(missing)}")
    for p in tool.params:
        if p.name not in out and p.default is not None:
            out[p.name] = p.default
    return out


def _coerce(tool: str, param, value):
    kind, where = param.kind, f"{tool}'s {param.name}"
    if kind is bool:
        if not isinstance(value, bool):
            raise CallError(f"{where} is true or false, not {value!r}")
        return value
    if kind in (int, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise CallError(f"{where} is a number, not {value!r}")
        if kind is int:
            if isinstance(value, float) and not value.is_integer():
                raise CallError(f"{where} is a whole number, not {value}")
            return int(value)
        return float(value)
    if not isinstance(value, str):
        raise CallError(f"{where} is a \"string\", not {value!r}")
    if param.choices:
        choice = next((c for c in param.choices if c.casefold() == value.strip().casefold()), None)
        if choice is None:
            raise CallError(f"{where} is one of {', '.join(param.choices)}, not {value!r}")
        return choice
    return value


def format_call(name: str, args: dict | None = None) -> str:
    """The canonical text of a call (the training data's): no spaces, arguments in the order
    given, strings JSON-quoted, whole floats without ".0"."""
    parts = []
    for key, value in (args or {}).items():
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, (int, float)):
            text = str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))
        else:
            text = json.dumps(str(value), ensure_ascii=False)
        parts.append(f"{key}:{text}")
    return f"{PREFIX}{name}{{{','.join(parts)}}}"
