"""Each fine-tune's call threshold: chosen on the development set (trainer/router_calibration.py,
core/tools/router.choose_threshold), kept in the version's meta.json and used by the Assistant;
on made-up probabilities and on the tiny real model."""

from __future__ import annotations

import json
import logging
import shutil
from datetime import datetime

import numpy as np
import pytest

from jarvis_desktop.core.assistant import PREFIX, Assistant, Persona, call_starts
from jarvis_desktop.core.engine import ChatEngine, EngineConfig
from jarvis_desktop.core.errors import DataError
from jarvis_desktop.core.registry import Registry
from jarvis_desktop.core.timers import TimerService
from jarvis_desktop.core.tools import Toolbox
from jarvis_desktop.core.tools.router import (CALL_THRESHOLD, UNSURE_FLOOR, THRESHOLD_BOUNDS, call_probability, choose_threshold,
                                              threshold_for)
from trainer.router_calibration import calibrate, load_dev


# --- choosing the line ----------------------------------------------------------------------------
def test_a_line_that_separates_the_kinds_is_found_between_them():
    threshold, figures = choose_threshold([0.8, 0.85, 0.9, 0.95], [0.1, 0.3, 0.6, 0.7])
    assert 0.7 < threshold <= 0.8
    assert figures["missed"] == 0 and figures["false_calls"] == 0
    assert figures["false_calls_at_default"] == 0.5  # 0.6 and 0.7 were called at 0.5


def test_where_the_kinds_overlap_the_fewest_errors_of_both_win_each_as_a_share_of_its_kind():
    # 10 tool requests and 2 chats: counted as shares, one false call (1/2) outweighs four misses (4/10)
    tools = [0.3, 0.35, 0.4, 0.45, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]
    threshold, figures = choose_threshold(tools, [0.1, 0.5])
    assert 0.45 < threshold <= 0.5 or threshold > 0.5
    assert figures["false_calls"] == 0 and figures["missed"] == 0.4


def test_the_line_stays_within_bounds_and_near_the_default_among_equals():
    lo, hi = THRESHOLD_BOUNDS
    assert choose_threshold([0.99, 0.995], [0.97, 0.98])[0] <= hi
    assert choose_threshold([0.02, 0.03], [0.001, 0.01])[0] >= lo
    # every line between 0.2 and 0.8 separates them: the default is kept
    assert choose_threshold([0.9], [0.1])[0] == CALL_THRESHOLD


def test_calibrating_needs_both_kinds():
    with pytest.raises(ValueError, match="both kinds"):
        choose_threshold([0.9], [])


# --- where it is kept ------------------------------------------------------------------------------
def test_a_version_keeps_its_threshold_in_meta_json_and_a_bad_one_falls_back(tmp_path, caplog):
    gguf = tmp_path / "v1" / "model.gguf"
    gguf.parent.mkdir()
    gguf.write_bytes(b"GGUF")
    assert threshold_for(gguf) == CALL_THRESHOLD  # no meta.json
    assert threshold_for(None) == CALL_THRESHOLD
    meta = gguf.parent / "meta.json"
    meta.write_text(json.dumps({"router": {"call_threshold": 0.62}}))
    assert threshold_for(gguf) == 0.62
    meta.write_text(json.dumps({"base": "x"}))  # registered before calibration existed
    assert threshold_for(gguf) == CALL_THRESHOLD
    meta.write_text("{damaged")
    assert threshold_for(gguf) == CALL_THRESHOLD
    meta.write_text(json.dumps({"router": {"call_threshold": 0.99}}))
    with caplog.at_level(logging.WARNING):
        assert threshold_for(gguf) == CALL_THRESHOLD
    assert "not a number within" in caplog.text
    # asked before every reply: parsed once while the file stays the same
    meta.write_text(json.dumps({"router": {"call_threshold": 0.7}}))
    from jarvis_desktop.core.tools.router import _threshold_in
    misses = _threshold_in.cache_info().misses
    assert [threshold_for(gguf) for _ in range(5)] == [0.7] * 5
    assert _threshold_in.cache_info().misses == misses + 1


def test_a_bad_development_row_is_named_by_file_and_line(tmp_path):
    path = tmp_path / "dev.jsonl"
    path.write_text('{"id": "d1", "request": "hi", "kind": "chat"}\n{"id": "d2", "request": "space?", "kind": "tool"}\n')
    with pytest.raises(DataError) as err:
        load_dev(path)
    assert f"{path}:2" in str(err.value) and "names its tool" in str(err.value)
    path.write_text('{"id": "d1", "request": "hi"\n')
    with pytest.raises(DataError, match=":1"):
        load_dev(path)


# --- on the tiny real model ------------------------------------------------------------------------
CLOCK = datetime(2026, 1, 15, 10, 30)


@pytest.fixture(scope="module")
def engine(tiny_chain):
    eng = ChatEngine(EngineConfig(n_ctx=512, n_threads=2, max_tokens=24, temperature=0.0, seed=0))
    eng.load(tiny_chain["f16"])
    yield eng
    eng.close()


def test_the_probability_of_calling_is_the_first_steps_as_the_router_sees_it(engine):
    assistant = Assistant(engine, None, Persona("sir"), clock=lambda: CLOCK)
    starts, seen = call_starts(engine), {}
    assert engine.starting_tokens(PREFIX) < starts  # "Call:" too

    def look(logits, token):
        seen["p"] = call_probability(np.array(logits), starts)
    for _ in engine.stream(assistant.messages("How much room is left on my drive?"), None, first=look):
        pass
    p = assistant.call_probability("How much room is left on my drive?")
    assert 0.0 <= p <= 1.0 and p == pytest.approx(seen["p"], abs=1e-6)
    assert engine.last_stats.completion_tokens <= 1  # only the first step was run


def test_the_threshold_decides_call_or_prose(engine, tmp_path):
    clock = lambda: CLOCK  # noqa: E731
    tools = Toolbox(timers=TimerService(tmp_path / "timers.json", clock=clock), clock=clock, act=False)
    text = "Tell me something."
    p = Assistant(engine, None, Persona("sir"), clock=clock).call_probability(text)
    always = Assistant(engine, None, Persona("sir"), clock=clock, tools=tools, call_threshold=p / 2)
    never = Assistant(engine, None, Persona("sir"), clock=clock, tools=tools, call_threshold=min(1.0, p * 2) + 1e-9)
    # Below the line the reply must begin a call ("c", "ca", ... whatever the tiny model writes
    # after it); above it, it must not.
    called = always.ask(text, remember=False).result()
    assert called.tool is not None or called.text[:1].lower() == "c", called
    prose = never.ask(text, remember=False).result()
    assert prose.source == "model" and prose.text != called.text


def test_calibration_measures_every_request_and_a_registered_version_is_served_at_its_line(tiny_chain, tmp_path,
                                                                                            jarvis_home):
    dev = tmp_path / "dev.jsonl"
    rows = [("How much room is left on my drive?", "tool", "disk_free"), ("Convert 5 miles to km.", "tool", "convert"),
            ("What time is it in Tokyo?", "tool", "time_in"), ("Good morning, Jarvis.", "chat", None),
            ("Tell me a joke.", "chat", None), ("Thank you, that's all.", "chat", None)]
    dev.write_text("".join(json.dumps({"id": f"d{i}", "request": r, "kind": k, **({"tool": t} if t else {})}) + "\n"
                           for i, (r, k, t) in enumerate(rows)))
    seen = []
    router = calibrate(tiny_chain["f16"], Persona("sir"), n_threads=2, path=dev, progress=lambda d, n: seen.append(d))
    assert seen == list(range(1, len(rows) + 1))
    lo, hi = THRESHOLD_BOUNDS
    assert lo <= router["call_threshold"] <= hi
    assert router["dev"]["tool"] == 3 and router["dev"]["chat"] == 3 and len(router["dev_hash"]) == 16

    reg = Registry()
    tmp = jarvis_home / "incoming.gguf"
    shutil.copy(tiny_chain["f16"], tmp)
    version = reg.add(tmp, {"base": "tiny", "quant": "F16", "router": router})
    assert threshold_for(version.gguf) == router["call_threshold"]


# --- in two minds ---------------------------------------------------------------------------------
def _below_the_line(engine, text, tools, monkeypatch):
    """An Assistant on the tiny model whose line is above ``text``'s probability of calling and
    whose floor is below it: the router is in two minds about ``text``."""
    import jarvis_desktop.core.assistant as assistant_module

    p = Assistant(engine, None, Persona("sir"), clock=lambda: CLOCK).call_probability(text)
    monkeypatch.setattr(assistant_module, "UNSURE_FLOOR", p / 2)
    return Assistant(engine, None, Persona("sir"), clock=lambda: CLOCK, tools=tools,
                     call_threshold=min(1.0, p * 2) + 1e-9)


def test_in_two_minds_words_that_make_a_whole_request_get_its_tool(roomy_engine, monkeypatch):
    from jarvis_desktop.core.tools import default_tools

    text = "what's 15 percent of 80"
    tools = Toolbox([t for t in default_tools() if t.name == "percent"], clock=lambda: CLOCK, act=False)
    answer = _below_the_line(roomy_engine, text, tools, monkeypatch).ask(text, remember=False).result()
    # The tiny model never learnt a call; under the grammar it can write only a percent call, and
    # its arguments are read from the words.
    assert answer.source == "tool" and answer.tool.call.text == "call:percent{percent:15,of:80}"
    assert "12" in answer.text


def test_in_two_minds_a_call_the_words_do_not_make_is_set_aside_unsaid(engine, monkeypatch):
    from jarvis_desktop.core.tools import Param, Tool, ToolResult

    ran = []
    note = Tool("note", "keep a note", (Param("text", str, "what", required=False),),
                lambda args, context: ran.append(args) or ToolResult("Noted, sir."))

    class ReadsAPercent(Toolbox):  # words that read as a percent request, to a toolbox that can only note
        def read_in_full(self, message):
            return frozenset({"percent"})

    text = "what's 15 percent of 80"
    unsure = _below_the_line(engine, text, ReadsAPercent([note], clock=lambda: CLOCK), monkeypatch)
    answer = unsure.ask(text, remember=False).result()
    plain = Assistant(engine, None, Persona("sir"), clock=lambda: CLOCK, tools=Toolbox([note], clock=lambda: CLOCK),
                      call_threshold=unsure.call_threshold).ask(text, remember=False).result()
    # the call was written, not run and not said; the reply is the prose the line alone gives,
    # and its first-token time counts the call set aside
    assert ran == [] and answer.tool is None and answer.source == "model"
    assert answer.text == plain.text and answer.text and not answer.text.lower().startswith("call")
    assert answer.first_token_s > 0


def test_in_two_minds_a_question_the_memory_surely_answers_gets_recall(roomy_engine, monkeypatch, tmp_path):
    from jarvis_desktop.core.memory import MemoryStore
    from jarvis_desktop.core.tools import default_tools

    text = "How do I take my tea?"
    with MemoryStore(tmp_path / "memory.sqlite3") as store:
        store.add("I take my tea strong with one sugar")
        tools = Toolbox([t for t in default_tools() if t.name == "recall"], clock=lambda: CLOCK, memory=store)
        answer = _below_the_line(roomy_engine, text, tools, monkeypatch).ask(text, remember=False).result()
    assert answer.source == "tool" and answer.tool.name == "recall"
    assert answer.text == "You take your tea strong with one sugar, sir; you told me today."


@pytest.fixture
def roomy_engine(tiny_chain):
    """The tiny model, with room for the long arguments it writes (a call cut off by max_tokens
    is set aside)."""
    engine = ChatEngine(EngineConfig(n_ctx=512, n_threads=2, max_tokens=200, temperature=0.0, seed=0))
    engine.load(tiny_chain["f16"])
    yield engine
    engine.close()


def test_a_fact_given_in_so_many_words_is_kept_whatever_the_model_makes_of_it(roomy_engine, tmp_path):
    """"don't let me forget ..." is a remember call even where the model would answer in prose or
    write a forget of the same words (the development set's "don't let me forget the landlord's
    name is Mr Pemberton" -> call:forget{about:"landlord"}, which would have erased a fact)."""
    from jarvis_desktop.core.memory import MemoryStore
    from jarvis_desktop.core.tools import default_tools

    text = "don't let me forget the landlord's name is Mr Pemberton"
    with MemoryStore(tmp_path / "memory.sqlite3") as store:
        store.add("the landlord's phone number is 0117 496 0000")
        tools = Toolbox([t for t in default_tools() if t.name in ("remember", "recall", "forget")],
                        clock=lambda: CLOCK, memory=store)
        assistant = Assistant(roomy_engine, None, Persona("sir"), clock=lambda: CLOCK, tools=tools)
        # the tiny model never learnt a call: left to itself it answers in prose
        assert assistant.call_probability(text) < UNSURE_FLOOR
        answer = assistant.ask(text, remember=False).result()
        kept = [fact.text for fact in store.facts()]
    assert answer.source == "tool" and answer.tool.name == "remember", answer
    assert "the landlord's name is Mr Pemberton" in kept and len(kept) == 2  # nothing forgotten


def test_a_question_about_a_program_of_this_computer_is_explained_whatever_the_model_makes_of_it(roomy_engine):
    """"whats du" (a program on the PATH, asked about by name) is an explain_command call at any
    probability of calling, written under a grammar of that tool alone."""
    from jarvis_desktop.core.tools import default_tools

    text = "whats du"
    tools = Toolbox([t for t in default_tools() if t.name in ("explain_command", "disk_free", "recall")],
                    clock=lambda: CLOCK)
    assistant = Assistant(roomy_engine, None, Persona("sir"), clock=lambda: CLOCK, tools=tools)
    assert assistant.call_probability(text) < UNSURE_FLOOR  # left to itself: prose
    answer = assistant.ask(text, remember=False).result()
    assert answer.source == "tool" and answer.tool.call.text == 'call:explain_command{command:"du"}', answer
    assert tools.beyond_doubt("what is love") is None and tools.beyond_doubt("How big is my disk?") is None


def test_a_conversion_asked_as_one_is_converted_whatever_the_model_makes_of_it(roomy_engine):
    """A conversion the words give in full and ask as one ("whats a hundred fahrenheit in celsius",
    which a model in two minds answered "I can't say with confidence") runs as convert at any
    probability of calling; the same units in a remark are no request."""
    from jarvis_desktop.core.tools import default_tools

    text = "um whats a hundred and ten fahrenheit in celsius"
    tools = Toolbox([t for t in default_tools() if t.name in ("convert", "calculate")], clock=lambda: CLOCK)
    assistant = Assistant(roomy_engine, None, Persona("sir"), clock=lambda: CLOCK, tools=tools)
    assert assistant.call_probability(text) < UNSURE_FLOOR  # left to itself: prose
    answer = assistant.ask(text, remember=False).result()
    assert answer.source == "tool" and answer.tool.name == "convert", answer
    assert answer.tool.result.data["value"] == 110 and "43.33" in answer.text, answer.text
    assert tools.beyond_doubt("six stone in kilos please") is not None  # the unit wanted, last
    for remark in ("I ran 10 miles yesterday and my feet are killing me", "is 30 celsius hot for a holiday",
                   "my 2 litre bottle leaked everywhere"):
        assert tools.beyond_doubt(remark) is None, remark


def test_in_two_minds_a_third_tool_gives_way_to_the_one_the_words_name_of_their_two(roomy_engine, monkeypatch):
    """"countdown to the summer solstice the twenty first of june" reads whole as a weekday and as
    a count down, and names only the count down; in two minds, a call the model writes to a third
    tool (the shipped model wrote set_timer{seconds:21}) runs as the count down, written from the words."""
    from jarvis_desktop.core.tools import default_tools
    from jarvis_desktop.core.tools.grammar import call_grammar

    listed = [t for t in default_tools() if t.name in ("weekday", "days_until", "set_timer")]

    class WritesATimer(Toolbox):  # the model can write only a timer: the call is surely a third tool's
        @property
        def grammar(self):
            return call_grammar([t for t in listed if t.name == "set_timer"])

    text = "countdown to the summer solstice the twenty first of june"
    tools = WritesATimer(listed, clock=lambda: CLOCK, act=False)
    assert tools.read_in_full(text) == {"weekday", "days_until"}
    answer = _below_the_line(roomy_engine, text, tools, monkeypatch).ask(text, remember=False).result()
    assert answer.source == "tool" and answer.tool.call.text == 'call:days_until{date:"06-21"}', answer
    # the words that name both, or neither, leave it to the model
    assert tools.written_whole("what day of the week is christmas", frozenset({"weekday", "days_until"})) \
        == 'call:weekday{date:"12-25"}'
    assert tools.written_whole("what's 15 percent of 80", frozenset({"percent", "calculate"})) is None
