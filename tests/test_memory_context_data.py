"""The memory_context category of the training data (assets/data/persona/memory_context.jsonl):
a message with the user's stored facts in front of it, as the Assistant sends it, and the reply
the model should learn.  An ask a note answers is a recall call (the model never says the fact
itself); a message that tells something new is a remember call in the user's own words; chat is a
short reply in prose; anything else is the call of the tool it needs.  Checked here: every row is
in the form the Assistant makes (``with_notes``), and every call is one the real tools take."""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import pytest

from jarvis_desktop.core.notes import NOTES_CHARS, NOTES_CLOSE, NOTES_MAX, NOTES_OPEN, count_notes, \
    with_notes, without_notes
from jarvis_desktop.core.memory import MAX_FACT_CHARS
from jarvis_desktop.core.memory_words import clean_fact, fact_as_told, search_terms, secret_kind
from jarvis_desktop.core.paths import asset
from jarvis_desktop.core.tools import Toolbox, default_tools
from jarvis_desktop.core.tools.call import check, format_call, parse
from jarvis_desktop.core.tools.memory import MEMORY_TOOLS
from trainer.data import load_examples

PATH = Path(asset("data", "persona", "memory_context.jsonl"))
CATEGORY = "memory_context"
TOOLS = {t.name: t for t in default_tools()}
FACT_CHARS = 80  # one note, as the brief for this data has it
MIN_RECALL, MIN_PROSE, MIN_OTHER_TOOL, MIN_REMEMBER = 60, 25, 20, 10
MIN_ASKS_SHARING_NO_WORD = 30  # asks worded apart from the fact: the border the model fails on
MIN_TWO_NOTE_RECALLS = 8  # two notes, only one of which answers
FIRST_PERSON = {"i", "me", "my", "mine", "myself", "i'm", "i've", "i'll", "i'd", "we", "us", "our", "ours"}
# Tools whose result depends only on the call and the clock: their calls are run here.
PURE_TOOLS = {"calculate", "percent", "split_bill", "total_duration", "convert", "weekday", "days_until",
              "date_in", "time_in"}
CLOCK = datetime(2026, 1, 15, 10, 30)


@lru_cache(maxsize=1)
def rows() -> tuple[dict, ...]:
    with open(PATH, encoding="utf-8") as f:
        return tuple(json.loads(line) for line in f if line.strip())


def _user(row: dict) -> str:
    return row["messages"][0]["content"]


def _reply(row: dict) -> str:
    return row["messages"][-1]["content"]


def _notes(row: dict) -> list[str]:
    """The facts of a row's notes, as ``with_notes`` joined them."""
    return _user(row)[len(NOTES_OPEN):].split(NOTES_CLOSE, 1)[0].split("; ")


def _calls(name: str | None = None, other: bool = False) -> list[tuple[dict, object]]:
    """(row, parsed call) for the rows whose reply calls ``name`` (or any tool but the memory's)."""
    out = []
    for row in rows():
        if _reply(row).startswith("call:"):
            call = parse(_reply(row))
            if (other and call.name not in MEMORY_TOOLS) or call.name == name:
                out.append((row, call))
    return out


def _stems(text: str) -> set[str]:
    """The words of substance in ``text`` (the memory's own search terms), cut to 4 letters."""
    return {word[:4] for word in search_terms(text)}


def test_every_row_parses_in_the_trainers_own_checks():
    raw = PATH.read_text(encoding="utf-8")
    assert raw.endswith("\n") and "\n\n" not in raw
    examples = load_examples(PATH)  # roles, placeholders, shape: raises on a bad row
    assert len(examples) == len(rows()) >= MIN_RECALL + MIN_PROSE + MIN_OTHER_TOOL + MIN_REMEMBER
    for row in rows():
        assert row["category"] == CATEGORY
        assert [m["role"] for m in row["messages"]] == ["user", "assistant"], row
    users = [without_notes(_user(r)).lower() for r in rows()]
    assert len(set(zip(users, map(_reply, rows())))) == len(rows()), "a message and reply are written twice"


def test_every_message_has_notes_as_the_assistant_writes_them():
    for row in rows():
        content = _user(row)
        assert content.startswith(NOTES_OPEN) and NOTES_CLOSE in content, content
        notes, text = _notes(row), without_notes(content)
        assert 1 <= count_notes(content) == len(notes) <= NOTES_MAX, content
        assert with_notes(text, notes) == content, content  # the exact form, "; " between facts
        assert text.strip() and "\n" not in text and "[Noted" not in text, content
        assert len("; ".join(notes)) <= NOTES_CHARS, content
        for fact in notes:
            assert fact == fact.strip() and 0 < len(fact) <= FACT_CHARS, fact
            words = set(re.findall(r"[a-z']+", fact.lower()))
            assert not words & FIRST_PERSON, f"a note is said in the second person: {fact!r}"
            assert not secret_kind(fact), f"a note that looks like a secret is never kept: {fact!r}"


def test_every_call_parses_is_canonical_and_fits_the_real_tool():
    for row in rows():
        reply = _reply(row)
        if reply.startswith("call:"):
            call = parse(reply)
            assert call.name in TOOLS, reply
            check(call, TOOLS[call.name])
            assert format_call(call.name, call.args) == reply, "the call is written as the training data writes it"


def test_the_pure_tools_calls_run_and_answer():
    box = Toolbox(act=False, clock=lambda: CLOCK)
    ran = 0
    for row, call in _calls(other=True):
        if call.name in PURE_TOOLS:
            outcome = box.run(_reply(row), "sir")
            assert outcome.result.ok, (_reply(row), outcome.result.reply)
            ran += 1
    assert ran >= 5


def test_each_kind_is_taught_often_enough():
    recalls, others, remembers = _calls("recall"), _calls(other=True), _calls("remember")
    prose = [r for r in rows() if not _reply(r).startswith("call:")]
    assert len(recalls) >= MIN_RECALL
    assert len(prose) >= MIN_PROSE
    assert len(others) >= MIN_OTHER_TOOL
    assert len(remembers) >= MIN_REMEMBER
    assert len({call.name for _, call in others}) >= 10, "the other tools' rows cover many tools"
    assert sum(len(_notes(r)) == 2 for r, _ in recalls) >= MIN_TWO_NOTE_RECALLS


def test_a_recall_names_its_subject_in_the_notes_words():
    for row, call in _calls("recall"):
        about = call.args.get("about", "")
        assert 1 <= len(about.split()) <= 3, f"about is 1-3 key words: {about!r}"
        stems = _stems(about)
        assert stems, f"about holds a word of substance: {about!r}"
        assert stems & _stems(" ".join(_notes(row))), f"{about!r} shares no word with the notes {_notes(row)}"


def test_many_asks_share_no_word_with_the_fact_they_ask_about():
    apart = [row for row, _ in _calls("recall")
             if not _stems(without_notes(_user(row))) & _stems(" ".join(_notes(row)))]
    assert len(apart) >= MIN_ASKS_SHARING_NO_WORD


@pytest.mark.parametrize("row", [r for r in rows() if not _reply(r).startswith("call:")],
                         ids=lambda r: without_notes(_user(r))[:40])
def test_prose_replies_are_spoken_with_the_honorific_and_no_call(row):
    reply = _reply(row)
    assert reply.count("{honorific}") + reply.count("{Honorific}") == 1, reply
    assert "call:" not in reply and "[Noted" not in reply, reply
    assert not re.search(r"\b(sir|madam)\b", reply, re.I), reply


def test_a_remember_keeps_the_users_own_words_whole():
    def plain(text: str) -> str:
        return " ".join(re.findall(r"[a-z0-9_']+", text.lower()))

    for row, call in _calls("remember"):
        fact, message = call.args["fact"], without_notes(_user(row))
        assert plain(fact) in plain(message), f"{fact!r} is not in the user's words: {message!r}"
        assert len(search_terms(fact)) >= 2 and len(fact) <= MAX_FACT_CHARS, fact
        assert fact_as_told(fact, message) == clean_fact(fact), f"the memory would not keep {fact!r} as written"
        assert not secret_kind(fact), fact
        assert not re.match(r"(remember|note|make a note|keep in mind|jot)\b", fact, re.I), fact
