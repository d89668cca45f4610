"""The held-out scoring of tool calling (trainer/tool_eval.py): through the app's path on the tiny
real model, and on plain results."""

from __future__ import annotations

import pytest

from jarvis_desktop.core.assistant import Persona
from jarvis_desktop.core.errors import DataError
from tests.conftest import DATA
from trainer.tool_eval import CaseResult, ToolCase, load_cases, run_cases, same_arguments, score_cases


def test_the_held_out_scoring_runs_the_app_path_on_the_tiny_model(tiny_chain):
    # The tiny model was never taught a call: every tool request is missed, every chat one
    # answered in prose, and the scores say exactly that.
    cases = [ToolCase("a", "What is 5 miles in kilometres?", 'call:convert{value:5,from:"mile",to:"km"}', "tool"),
             ToolCase("b", "How long has this computer been on?", "call:uptime{}", "tool"),
             ToolCase("d", "Hello Jarvis", None, "chat"),
             ToolCase("e", "Thank you", None, "chat")]
    results = run_cases(tiny_chain["f16"], cases, Persona.from_file("sir", DATA / "tiny_persona.txt"), n_threads=1)
    s = score_cases(results)
    assert all(r.called is None and r.reply for r in results) and all("sir" in r.reply for r in results[2:])
    assert s["routing_accuracy"] == 0.5 and s["missed_call_rate"] == 1.0 and s["false_call_rate"] == 0.0
    assert s["per_tool"] == {"convert": {"requests": 1, "routed": 0, "arguments": 0},
                             "uptime": {"requests": 1, "routed": 0, "arguments": 0}}


def test_scoring_and_arguments_on_plain_results():
    tool, chat = ToolCase("1", "x", 'call:convert{value:5,from:"mile",to:"km"}', "tool"), ToolCase("2", "y", None, "chat")
    results = [CaseResult(tool, "5 miles is 8.047 kilometres, sir.", 'call:convert{value:5.0,from:"Mile",to:"km"}',
                          "convert", "", True, "ran"),
               CaseResult(chat, "I'm afraid ...", "call:memory{}", "memory", "", True, "ran")]
    s = score_cases(results)
    assert s["routing_accuracy"] == 0.5 and s["false_call_rate"] == 1.0 and s["argument_accuracy"] == 1.0
    assert same_arguments('call:time_in{city:"New York"}', 'call:time_in{city:"new york"}')
    assert not same_arguments('call:convert{value:5,from:"mile",to:"km"}', 'call:convert{value:6,from:"mile",to:"km"}')
    assert not same_arguments("call:memory{}", "call:memory{x:1}")  # an argument memory does not take


def test_the_shipped_held_out_set_loads_and_a_bad_line_is_named(tmp_path):
    cases = load_cases()
    assert len(cases) >= 150 and sum(c.kind == "chat" for c in cases) >= 40
    bad = tmp_path / "held.jsonl"
    bad.write_text('{"id": "1", "request": "hi", "call": null, "kind": "chat"}\n{"id": "2", "request": "x"}\n')
    with pytest.raises(DataError, match="held.jsonl:2"):
        load_cases(bad)
