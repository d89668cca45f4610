"""Checks the tools' tests share: every number a reply says is one the tool stored, and what the
user says in the shipped data with what answers it."""

from __future__ import annotations

import json
import re

from jarvis_desktop.core.paths import asset
from jarvis_desktop.core.skills import format_number
from jarvis_desktop.core.tools.base import ToolResult

NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")


def numbers_in_data(data) -> set[str]:
    """Every number the data could be read out as: numeric values through format_number, and
    the numbers inside its strings (an IP address, a kernel version, a file's name) as they are."""
    if isinstance(data, dict):
        return set().union(set(), *(numbers_in_data(v) for v in data.values()))
    if isinstance(data, (list, tuple)):
        return set().union(set(), *(numbers_in_data(v) for v in data))
    if isinstance(data, bool) or data is None:
        return set()
    if isinstance(data, (int, float)):
        return {format_number(data)}
    return set(NUMBER.findall(str(data)))


def assert_numbers_from_data(result: ToolResult) -> None:
    """Every number in the reply is one of ``numbers_in_data(result.data)``."""
    missing = set(NUMBER.findall(result.reply)) - numbers_in_data(result.data)
    assert not missing, f"{missing} said but not in data {result.data}: {result.reply}"


def assert_figures_stored(result: ToolResult) -> None:
    """Every figure said (times and dates too: "10:35", "3.5") is written in the stored data."""
    stored = json.dumps(result.data)
    for number in re.findall(r"\d+(?:[.,:]\d+)*", result.reply):
        assert number in stored, (number, result.reply, result.data)


def said_in_data() -> list[tuple[str, str]]:
    """(what the user said, what answers it) for every user turn of the persona data (the reply:
    a call or words) and every request of the development and held-out routing sets (its call,
    ``call:<tool>{}`` where the set names only the tool, or "(words)" for a chat)."""
    said = []
    for path in sorted(asset("data", "persona").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            turns = json.loads(line)["messages"]
            said += [(a["content"], b["content"]) for a, b in zip(turns, turns[1:]) if a["role"] == "user"]
    for part in (("dev", "routing_dev.jsonl"), ("eval", "tools_heldout.jsonl")):
        for row in (json.loads(line) for line in asset("data", *part).read_text().splitlines()):
            said.append((row["request"], row.get("call") or (f"call:{row['tool']}{{}}" if row.get("tool")
                                                             else "(words)")))
    return said


def plain(text: str) -> str:
    """A message as its lower-case words, so "What's up?" and "whats up" compare close."""
    return " ".join(re.findall(r"[a-z0-9']+", text.lower()))


def trained_messages() -> set[str]:
    """Every user message of the persona data, ``plain``: what an evaluation set must not ask."""
    trained = set()
    for path in asset("data", "persona").glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            trained |= {plain(m["content"]) for m in json.loads(line)["messages"] if m["role"] == "user"}
    return trained
