"""The held-out tool-calling set (assets/data/eval/tools_heldout.jsonl): requests the fine-tune is
never trained on, which the promotion gate scores routing on (call or chat, which tool, which
arguments).  Checked here: its shape and coverage, that every call is canonical and valid for its
tool, that it runs on this machine at the evaluation's clock, and that no request copies (or
nearly copies) a request the fine-tune is trained on."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime
from functools import lru_cache

import pytest

from jarvis_desktop.core.assistant import EVAL_NOW
from jarvis_desktop.core.paths import asset
from jarvis_desktop.core.timers import TimerService
from jarvis_desktop.core.memory import MemoryStore
from jarvis_desktop.core.tools import Toolbox, default_tools
from jarvis_desktop.core.tools.call import check, format_call, parse

PATH = asset("data", "eval", "tools_heldout.jsonl")
CLOCK = datetime(2026, 1, 15, 10, 30)  # a Thursday morning: the relative dates assume it
TOOLS = {t.name: t for t in default_tools()}
KINDS = ("tool", "chat")
MIN_ROWS, MIN_TOOL, MIN_CHAT, MIN_PER_TOOL = 150, 110, 45, 4
# Tools whose arguments vary most get more requests.
MIN_PER_BUSY_TOOL = {"convert": 8, "calculate": 8, "time_in": 8, "disk_free": 8, "days_until": 8}
NEAR_COPY_JACCARD = 0.5  # word-bigram overlap with a training request that counts as a copy
# Units the training examples never write; listed so a change of spelling convention is seen.
UNITS_BEYOND_EXAMPLES = {"g", "m", "oz", "tsp", "TB"}


@lru_cache(maxsize=1)
def rows() -> tuple[dict, ...]:
    with open(PATH, encoding="utf-8") as f:
        return tuple(json.loads(line) for line in f)


def tool_rows() -> list[dict]:
    return [r for r in rows() if r["kind"] == "tool"]


def _plain(text: str) -> str:
    """Lower case, punctuation and apostrophes dropped, single spaces."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower().replace("'", "").replace("\u2019", "")))


def _bigrams(text: str) -> set[tuple[str, ...]]:
    words = _plain(text).split()
    return {tuple(words[i:i + 2]) for i in range(len(words) - 1)} or {tuple(words)}


def _training_requests() -> list[str]:
    """What the fine-tune is trained on: the tools' examples and every user turn of the persona
    dataset (assets/data/persona, tool data and its negatives included)."""
    taught = [request for tool in TOOLS.values() for request, _ in tool.examples]
    for path in sorted(asset("data", "persona").glob("*.jsonl")):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    taught += [m["content"] for m in json.loads(line).get("messages", [])
                               if m.get("role") == "user" and isinstance(m.get("content"), str)]
    return taught


def test_the_file_is_one_object_per_line_ending_with_a_newline():
    raw = PATH.read_text(encoding="utf-8")
    assert raw.endswith("\n"), f"{PATH} must end with a newline"
    for n, line in enumerate(raw.splitlines(), 1):
        row = json.loads(line)
        assert isinstance(row, dict), f"{PATH}:{n}: not an object"
        assert set(row) <= {"id", "request", "call", "kind", "note"}, f"{PATH}:{n}: unknown keys {set(row)}"
        assert isinstance(row["id"], str) and re.fullmatch(r"t\d{3,}", row["id"]), f"{PATH}:{n}: id {row['id']!r}"
        assert isinstance(row["request"], str) and row["request"].strip() == row["request"] != "", f"{PATH}:{n}"
        assert row["kind"] in KINDS, f"{PATH}:{n}: kind {row['kind']!r}"
        assert isinstance(row.get("note", ""), str), f"{PATH}:{n}: note"
        if row["kind"] == "tool":
            assert isinstance(row["call"], str), f"{PATH}:{n}: a tool request needs a call"
        else:
            assert row["call"] is None, f"{PATH}:{n}: a chat request has call null"


def test_ids_and_requests_are_unique():
    ids = Counter(r["id"] for r in rows())
    assert not [i for i, n in ids.items() if n > 1], "ids used twice"
    requests = Counter(_plain(r["request"]) for r in rows())
    assert not [q for q, n in requests.items() if n > 1], "requests asked twice"


def test_there_are_enough_requests_of_each_kind_and_tool():
    kinds = Counter(r["kind"] for r in rows())
    assert len(rows()) >= MIN_ROWS
    assert kinds["tool"] >= MIN_TOOL and kinds["chat"] >= MIN_CHAT, kinds
    per_tool = Counter(parse(r["call"]).name for r in tool_rows())
    for name in TOOLS:
        wanted = MIN_PER_BUSY_TOOL.get(name, MIN_PER_TOOL)
        assert per_tool[name] >= wanted, f"{name} has {per_tool[name]} requests, {wanted} wanted"


@pytest.mark.parametrize("row", tool_rows(), ids=lambda r: r["id"])
def test_each_call_is_canonical_and_fits_its_tool(row):
    call = parse(row["call"])
    assert call.name in TOOLS, f"{row['id']}: no tool is called {call.name!r}"
    assert format_call(call.name, call.args) == row["call"], f"{row['id']}: not the canonical form"
    args = check(call, TOOLS[call.name])
    defaults = {p.name: p.default for p in TOOLS[call.name].params if p.default is not None and p.name not in call.args}
    assert args == {**call.args, **defaults} or format_call(call.name, args) == format_call(call.name, {**call.args, **defaults}), \
        f"{row['id']}: check changed an argument"


def test_convert_spells_units_as_the_training_examples_do():
    taught = {unit for _, text in TOOLS["convert"].examples
              for key, unit in parse(text).args.items() if key in ("from", "to")}
    used = {parse(r["call"]).args[key] for r in tool_rows() if r["call"].startswith("call:convert{")
            for key in ("from", "to")}
    assert used - taught <= UNITS_BEYOND_EXAMPLES, f"units spelt in a new way: {used - taught - UNITS_BEYOND_EXAMPLES}"


def test_no_request_is_trained_on_or_nearly_copies_a_training_request():
    taught = _training_requests()
    assert len(taught) > sum(len(t.examples) for t in TOOLS.values()), "the persona dataset was not read"
    plain = {_plain(t) for t in taught}
    shingles = [(t, _bigrams(t)) for t in taught]
    for row in rows():
        assert _plain(row["request"]) not in plain, f"{row['id']} is trained on: {row['request']!r}"
        mine = _bigrams(row["request"])
        for text, theirs in shingles:
            overlap = len(mine & theirs) / len(mine | theirs)
            assert overlap < NEAR_COPY_JACCARD, f"{row['id']} {row['request']!r} nearly copies {text!r}"


def test_the_set_was_written_for_the_evaluation_clock():
    assert EVAL_NOW == CLOCK and CLOCK.strftime("%A") == "Thursday"


@pytest.fixture(scope="module")
def toolbox(tmp_path_factory) -> Toolbox:
    timers = TimerService(tmp_path_factory.mktemp("timers") / "timers.json", clock=lambda: CLOCK)
    memory = MemoryStore(tmp_path_factory.mktemp("memory") / "memory.sqlite3")
    # act=False: never open the apps (or lock the screen) of the machine it runs on
    return Toolbox(timers=timers, clock=lambda: CLOCK, act=False, memory=memory)


# Read-only tools that need what a test machine may lack; there they must say so.
MAY_LACK = {"battery": "battery", "now_playing": "media player", "program_version": "isn't installed"}


@pytest.mark.parametrize("row", tool_rows(), ids=lambda r: r["id"])
def test_each_call_runs_at_the_evaluation_clock(row, toolbox, tmp_path, monkeypatch):
    if row["call"].startswith("call:folder_size"):  # a home with the user folder named
        for name in ("Downloads", "Pictures", "Documents", "Videos"):
            (tmp_path / name).mkdir()
        monkeypatch.setenv("HOME", str(tmp_path))
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / ".config"))
    outcome = toolbox.run(row["call"], message=row["request"])  # as the app runs it: "a cup of sugar" weighs
    assert outcome.call is not None and outcome.name in TOOLS, f"{row['id']}: {outcome.error}"
    assert ", sir" in outcome.result.reply, f"{row['id']}: {outcome.result.reply!r}"
    if outcome.name in MAY_LACK and not outcome.result.ok:  # a machine without one says so
        assert outcome.error.startswith(f"{outcome.name}:") and MAY_LACK[outcome.name] in outcome.result.reply.lower()
        return
    assert outcome.result.ok, f"{row['id']} {row['call']}: {outcome.error or outcome.result.reply}"
    assert outcome.result.data, f"{row['id']}: the tool stored no result"
