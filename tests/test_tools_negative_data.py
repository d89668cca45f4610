"""The tools_negative rows: ordinary chat that mentions numbers, times, units, the computer,
cities or money, answered in Jarvis's voice without a tool call.

The fine-tune learns when to write ``call:...`` from tools.jsonl; these rows teach the other
half, that a number or the word "memory" in a message is not by itself a request for a tool.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from jarvis_desktop.core.paths import asset
from jarvis_desktop.core.tools import default_tools
from trainer import persona_metrics as pm
from trainer.data import LAST_ONLY_CATEGORIES, load_examples
from trainer.data_quality import check_files

PATH = Path(asset("data", "persona", "tools_negative.jsonl"))

# What a reply must never do: call a tool, or state a figure about the user's machine
# (disk space, memory, battery), which only a tool's result may give.
MACHINE_FIGURE = re.compile(r"\d\s*(GB|MB|TB|GiB|MiB|%|per ?cent)", re.IGNORECASE)
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
SPOKEN = re.compile(r"[a-z0-9 ]+")  # a transcript: lower case, no punctuation

# Each theme the brief names, as words a user message on it would use; every theme needs rows.
THEMES = {
    "numbers": r"\d|\bnumber|maths\b",
    "times and dates": r"\b(time|bed|tomorrow|birthday|june|january|saturday|friday|tuesday|minutes|hours|"
                       r"weekend|week|month|year|years|christmas|clocks|nap|morning|seven)\b",
    "units and cooking": r"\b(miles?|kilos?|pounds|litres|degrees|cups|grams|pint|oven|recipe|egg|rice|"
                         r"cakes?|foot|10k|marathon|sourdough)\b",
    "apps and files": r"\b(files?|app|apps|folder|tabs|zip|spotify|word|docs|emails|excel|vim|emacs|"
                      r"spreadsheet|downloaded)\b",
    "the computer": r"\b(computers?|laptop'?s?|pc|disk|drive|ram|memory|cpu|battery|wifi|router|ip|ssd|"
                    r"keyboard|linux|broadband|internet|storage)\b",
    "cities and travel": r"\b(tokyo|manchester|paris|edinburgh|rome|sydney|york|berlin|dublin|lisbon|"
                         r"cornwall|abroad|flights?|flying|passport|jet|m25|drive|train)\b",
    "money and bills": r"\b(bill|pay|paid|rent|money|quid|pounds|expensive|fortune|mortgage|insurance|"
                       r"fine|credit|tip|takeaways|service|afford)\b",
}


def _norm(text: str) -> str:
    """A message as lower-case words, so "What's my IP?" and "whats my ip" compare equal."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower().replace("'", "")))


@pytest.fixture(scope="module")
def examples():
    return load_examples(PATH)  # checks the row format and that only {honorific}/{Honorific} appear


@pytest.fixture(scope="module")
def pairs(examples):
    return [(ex.messages[0]["content"], ex.messages[1]["content"]) for ex in examples]


def test_rows_are_single_turns_of_the_right_category_and_size(examples):
    assert 600 <= len(examples) <= 900
    assert {ex.category for ex in examples} == {"tools_negative"}
    assert all([m["role"] for m in ex.messages] == ["user", "assistant"] for ex in examples)


def test_every_reply_uses_the_honorific_once_and_fits_speech(pairs):
    for user, reply in pairs:
        assert reply.count("{honorific}") + reply.count("{Honorific}") == 1, reply
        assert pm.word_count(reply) <= 40, reply
        assert 1 <= pm.sentence_count(reply) <= 2, reply


def test_no_reply_calls_a_tool_or_invents_a_figure(pairs):
    for user, reply in pairs:
        assert "call:" not in reply, reply
        assert not MACHINE_FIGURE.search(reply), reply
        # A figure in digits may only repeat the user's own (their 5 miles, their 640K).
        said = {n.replace(",", "") for n in NUMBER.findall(user)}
        invented = {n.replace(",", "") for n in NUMBER.findall(reply)} - said
        assert not invented, (reply, invented)


def test_the_file_passes_the_dataset_quality_checks():
    report = check_files([PATH])
    assert not report.findings, [str(f) for f in report.findings]  # spelling, markdown, disclaimers, duplicates


def test_user_messages_are_unique_and_never_a_tool_request(pairs):
    users = [_norm(user) for user, _ in pairs]
    assert [u for u, n in Counter(users).items() if n > 1] == []
    requests = {_norm(request): tool.name for tool in default_tools() for request, _ in tool.examples}
    assert len(requests) > 100  # the tools' own examples really were read
    assert {u: requests[u] for u in users if u in requests} == {}


def test_no_other_persona_file_answers_the_same_message_differently(pairs):
    ours = {_norm(user) for user, _ in pairs}
    for other in sorted(PATH.parent.glob("*.jsonl")):
        if other == PATH:
            continue
        # (a row trained on its last reply alone keeps earlier turns as heard: only its last request counts)
        clash = {m["content"] for ex in load_examples(other)
                 for m in (ex.messages[-2:] if ex.category in LAST_ONLY_CATEGORIES else ex.messages)
                 if m["role"] == "user" and _norm(m["content"]) in ours}
        assert not clash, (other.name, clash)


def test_a_third_are_spoken_transcripts(pairs):
    spoken = sum(bool(SPOKEN.fullmatch(user)) for user, _ in pairs)
    assert 0.25 <= spoken / len(pairs) <= 0.45, spoken


def test_openings_vary(pairs):
    replies = [reply for _, reply in pairs]
    first_words = Counter(re.sub(r"\W", "", r.split()[0]).lower() for r in replies)
    word, count = first_words.most_common(1)[0]
    assert count <= 0.1 * len(replies), (word, count)
    assert len({pm.opening(r) for r in replies}) >= 0.95 * len(replies)


@pytest.mark.parametrize("theme", THEMES)
def test_every_theme_is_covered(pairs, theme):
    hits = [user for user, _ in pairs if re.search(THEMES[theme], user, re.IGNORECASE)]
    assert len(hits) >= 10, (theme, hits)
