"""The tools category of the training data (trainer/tool_data.py): the shipped file is what the
tools' examples make, and every call in it is one the Toolbox runs."""

from __future__ import annotations

from pathlib import Path

from jarvis_desktop.core.paths import asset
from jarvis_desktop.core.persona import to_placeholders
from jarvis_desktop.core.tools import Toolbox, default_tools, parse
from jarvis_desktop.core.tools.call import check
from trainer.data import load_examples
from trainer.tool_data import CATEGORY, FIXED_NOW, FOLLOW_UPS, TOOLS_FILE, all_rows, spoken, write


def test_the_shipped_tools_file_is_what_the_tools_examples_make(tmp_path):
    shipped = asset(*TOOLS_FILE)
    fresh = write(tmp_path / "tools.jsonl")
    assert shipped.read_text(encoding="utf-8") == fresh.read_text(encoding="utf-8"), \
        "a tool's examples changed: run `python -m trainer.tool_data` and commit assets/data/persona/tools.jsonl"


def test_every_reply_that_is_a_call_runs_and_every_tool_is_taught():
    tools = {t.name: t for t in default_tools()}
    examples = load_examples(Path(asset(*TOOLS_FILE)))  # the trainer's own checks (roles, placeholders)
    taught = set()
    for ex in examples:
        assert ex.category == CATEGORY
        *context, last = ex.messages
        call = parse(last["content"])
        check(call, tools[call.name])
        taught.add(call.name)
        for m in context:  # a follow-up's first reply: what the user heard, in Jarvis's words
            if m["role"] == "assistant":
                assert "{honorific}" in m["content"] and "call:" not in m["content"]
    assert taught == set(tools)
    requests = [spoken(ex.messages[0]["content"]) for ex in examples if len(ex.messages) == 2]
    assert len(requests) == len(set(requests))  # one example per phrasing


def test_follow_ups_first_replies_are_the_tools_own_sentences():
    box = Toolbox(clock=lambda: FIXED_NOW)
    by_first = {f[0]: f for f in FOLLOW_UPS}
    rows = [r for r in all_rows() if len(r["messages"]) == 4]
    assert len(rows) == len(FOLLOW_UPS) >= 10
    for row in rows:
        _, call, follow, again, *given = by_first[row["messages"][0]["content"]]
        expected = given[0] if given else to_placeholders(box.run(call, "sir").result.reply, "sir")
        assert row["messages"][1]["content"] == expected
        assert [m["content"] for m in row["messages"][2:]] == [follow, again]


def test_the_second_round_of_phrasings_joins_each_tools_own_examples():
    import importlib

    from jarvis_desktop.core.tools import MODULES
    from jarvis_desktop.core.tools.phrasings import MORE

    own = {t.name: t for name in MODULES for t in importlib.import_module(f"jarvis_desktop.core.tools.{name}").TOOLS}
    tools = {t.name: t for t in default_tools()}
    assert set(MORE) <= set(tools) and sum(len(v) for v in MORE.values()) >= 200
    for name, pairs in MORE.items():
        assert all(parse(call).name == name for _, call in pairs), name
        assert tools[name].examples == own[name].examples + pairs  # added once, after the tool's own
        assert not {spoken(r) for r, _ in pairs} & {spoken(r) for r, _ in own[name].examples}, name
    # the machine's tools keep out of the follow-ups' fixed first replies by name, not by identity
    assert [t.name for t in tools.values() if t.name not in MORE] == [t.name for t in own.values() if t.name not in MORE]
