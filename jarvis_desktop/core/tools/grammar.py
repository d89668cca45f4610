"""A GBNF grammar of every valid call to a set of tools, for llama.cpp's constrained sampling.

Once the model has begun a reply with ``call:``, the rest is sampled under this grammar: only
a real tool's name, only its own argument names, each with a value of its kind (a choice
spelt as the tool spells it), each at most once and every required one, and the closing brace.
So a call cannot name a tool that does not exist, leave out what a tool needs, or pass what it
does not take.
"""

from __future__ import annotations

import re

from jarvis_desktop.core.tools.base import Param, Tool

__all__ = ["call_grammar", "STRING_CHARS"]

STRING_CHARS = 60  # a string argument's most characters (a fact, a query): a call stays a few tokens

_VALUES = {
    "number": r'"-"? [0-9]{1,12} ("." [0-9]{1,6})?',
    "integer": r'"-"? [0-9]{1,9}',
    "string": r'"\"" ( [^"\\\x00-\x1f] | "\\" ["\\] ){0,' + str(STRING_CHARS) + r'} "\""',
    "boolean": r'"true" | "false"',
}


def _rule(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _value(tool: Tool, p: Param) -> str:
    if p.kind is str and p.choices:
        return " | ".join(_literal(f'"{c}"') for c in p.choices)
    return {bool: "boolean", int: "integer", float: "number"}.get(p.kind, "string")


def call_grammar(tools) -> str:
    """The grammar of what follows ``call:`` for ``tools``: ``NAME{}`` or ``NAME{key:value,...}``
    with the arguments in the tool's order (the training data's), each at most once, every
    required one present."""
    lines, alternatives = [], []
    for tool in tools:
        t = f"tool-{_rule(tool.name)}"
        alternatives.append(t)
        for p in tool.params:
            lines.append(f'{t}-{_rule(p.name)} ::= {_literal(p.name + ":")} ({_value(tool, p)})')
        sequences = [[]]
        for p in tool.params:  # every in-order choice of the optional ones, the required always
            sequences = [seq + [p] for seq in sequences] + ([] if p.required else sequences)
        bodies = sorted({' "," '.join(f"{t}-{_rule(p.name)}" for p in seq) for seq in sequences})
        inner = " | ".join(f"({b})" if b else '""' for b in bodies)
        lines.append(f'{t} ::= {_literal(tool.name + "{")} ({inner}) "}}"')
    head = [f"root ::= {' | '.join(alternatives)}"]
    return "\n".join(head + lines + [f"{k} ::= {v}" for k, v in _VALUES.items()]) + "\n"
