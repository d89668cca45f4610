"""The tools category of the training data (trainer/tool_data.py): the shipped file is what the
tools' examples make, and every call in it is one the Toolbox runs."""

from __future__ import annotations

from pathlib import Path

from jarvis_desktop.core.paths import asset
from jarvis_desktop.core.persona import to_placeholders
from jarvis_desktop.core.tools import Toolbox, default_tools, parse
from jarvis_desktop.core.tools.call import check
from trainer.data import load_examples
from trainer.tool_data import (AFTERWORDS, CATEGORY, CONVERSATION_CATEGORY, CONVERSATION_FILE, CONVERSATION_SHARE, FIXED_NOW,
                               FOLLOW_UPS, TOOLS_FILE, all_files, spoken, write)


def test_the_shipped_tools_files_are_what_the_tools_examples_make(tmp_path):
    for fresh in write(tmp_path):
        shipped = asset("data", "persona", fresh.name)
        assert shipped.read_text(encoding="utf-8") == fresh.read_text(encoding="utf-8"), \
            f"a tool's examples changed: run `python -m trainer.tool_data` and commit {shipped}"


def test_every_reply_that_is_a_call_runs_and_every_tool_is_taught():
    tools = {t.name: t for t in default_tools()}
    examples = [ex for parts in (TOOLS_FILE, CONVERSATION_FILE)
                for ex in load_examples(Path(asset(*parts)))]  # the trainer's own checks (roles, placeholders)
    taught, prose = set(), 0
    for ex in examples:
        assert ex.category in (CATEGORY, CONVERSATION_CATEGORY)
        assert (len(ex.messages) == 2) == (ex.category == CATEGORY)
        *context, last = ex.messages
        if ex.category == CONVERSATION_CATEGORY and not last["content"].startswith("call:"):
            prose += 1  # a reaction to a tool's answer: chat
            assert (context[-1]["content"], last["content"]) in AFTERWORDS
            continue
        call = parse(last["content"])
        check(call, tools[call.name])
        taught.add(call.name)
        for m in context:  # an earlier reply: what the user heard, in Jarvis's words, never a call
            if m["role"] == "assistant":
                assert m["content"].strip() and "call:" not in m["content"]
    assert taught == set(tools) and prose == len(AFTERWORDS)
    requests = [spoken(ex.messages[-2]["content"]) for ex in examples if ex.messages[-1]["content"].startswith("call:")
                and ex.messages[-2]["content"] not in {f[2] for f in FOLLOW_UPS}]
    assert len(requests) == len(set(requests))  # one example per phrasing, alone or in a conversation


def test_one_phrasing_in_four_is_asked_after_earlier_turns_a_tools_or_a_chat():
    from trainer.data import LAST_ONLY_CATEGORIES
    from trainer.tool_data import _chats, _tool_exchanges

    assert CONVERSATION_CATEGORY in LAST_ONLY_CATEGORIES  # the turns before are context, not targets
    files = all_files()
    alone, talk = files[TOOLS_FILE], files[CONVERSATION_FILE]
    follow_ups = {f[2] for f in FOLLOW_UPS}
    asked_after = [r for r in talk if r["messages"][-1]["content"].startswith("call:")
                   and r["messages"][-2]["content"] not in follow_ups]
    share = len(asked_after) / (len(asked_after) + len(alone))
    assert 1 / CONVERSATION_SHARE - 0.03 < share < 1 / CONVERSATION_SHARE + 0.03
    assert {len(r["messages"]) // 2 - 1 for r in asked_after} == {1, 2}  # one or two earlier exchanges
    tools = {(said, heard) for said, heard, _tool in _tool_exchanges()}
    chats = set(_chats())
    earlier = [(m["content"], n["content"]) for r in asked_after for m, n in zip(r["messages"][:-2:2], r["messages"][1:-2:2])]
    assert all(e in tools or e in chats for e in earlier)
    assert sum(e in tools for e in earlier) > 150 and sum(e in chats for e in earlier) > 150
    # an earlier request of another tool is never the tool then called
    by_request = {said: tool for said, _heard, tool in _tool_exchanges()}
    for r in asked_after:
        called = parse(r["messages"][-1]["content"]).name
        assert all(by_request.get(m["content"]) != called for m in r["messages"][:-2:2])


def test_follow_ups_first_replies_are_the_tools_own_sentences():
    box = Toolbox(clock=lambda: FIXED_NOW)
    by_first = {f[0]: f for f in FOLLOW_UPS}
    pairs = {(f[0], f[2]) for f in FOLLOW_UPS}
    rows = [r for r in all_files()[CONVERSATION_FILE]
            if len(r["messages"]) == 4 and (r["messages"][0]["content"], r["messages"][2]["content"]) in pairs]
    assert len(rows) == len(FOLLOW_UPS) >= 10
    for row in rows:
        _, call, follow, again, *given = by_first[row["messages"][0]["content"]]
        expected = given[0] if given else to_placeholders(box.run(call, "sir").result.reply, "sir")
        assert row["messages"][1]["content"] == expected
        assert [m["content"] for m in row["messages"][2:]] == [follow, again]


def test_the_later_rounds_of_phrasings_join_each_tools_own_examples():
    import importlib

    from jarvis_desktop.core.tools import MODULES
    from jarvis_desktop.core.tools.phrasings import FOURTH, MORE, THIRD

    rounds = (MORE, THIRD, FOURTH)
    named = set().union(*rounds)
    own = {t.name: t for name in MODULES for t in importlib.import_module(f"jarvis_desktop.core.tools.{name}").TOOLS}
    tools = {t.name: t for t in default_tools()}
    assert named <= set(tools) and sum(len(v) for v in MORE.values()) >= 200
    assert sum(len(v) for v in THIRD.values()) >= 25 and sum(len(v) for v in FOURTH.values()) >= 75
    everyone = [spoken(r) for r in rounds for pairs in r.values() for r, _ in pairs]
    assert len(everyone) == len(set(everyone))  # no round repeats another's request
    for name in named:
        pairs = sum((r.get(name, ()) for r in rounds), ())
        assert all(parse(call).name == name for _, call in pairs), name
        assert tools[name].examples == own[name].examples + pairs  # added once, after the tool's own
        assert not {spoken(r) for r, _ in pairs} & {spoken(r) for r, _ in own[name].examples}, name
    # the machine's tools keep out of the follow-ups' fixed first replies by name, not by identity
    assert [t.name for t in tools.values() if t.name not in named] == \
        [t.name for t in own.values() if t.name not in named]
