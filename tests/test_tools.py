"""The tool-call syntax, the Toolbox that runs calls safely, and a streamed reply that is a call
(jarvis_desktop/core/tools/)."""

from __future__ import annotations

import threading
import time
from datetime import datetime

import pytest

from jarvis_desktop.core.assistant import Assistant, Persona
from jarvis_desktop.core.tools import Outcome, Param, Tool, Toolbox, ToolFailed, ToolResult, default_tools
from jarvis_desktop.core.tools.call import CallError, check, format_call, is_complete, may_be_call, parse


def echo(args, context):
    return ToolResult(f"You said {args.get('word', 'nothing')}, {context.honorific}.", dict(args))


ECHO = Tool("echo", "say a word back", (Param("word", str, "the word", required=False),
                                      Param("times", int, "how often", required=False),
                                      Param("loud", bool, "shout", required=False),
                                      Param("size", float, "how big", required=False),
                                      Param("mood", str, "a mood", required=False, choices=("Calm", "Cross"))), echo)


def test_a_call_parses_and_formats_back_the_same():
    call = parse(' call:convert{value:5,from:"mile",to:"km"} ')
    assert (call.name, call.args) == ("convert", {"value": 5, "from": "mile", "to": "km"})
    assert format_call(call.name, call.args) == 'call:convert{value:5,from:"mile",to:"km"}'
    assert parse("call:disk_free{}").args == {}
    odd = {"text": 'say "hi" \\ there', "n": -2.5, "big": 1e3, "yes": True, "no": False}
    assert parse(format_call("echo", odd)).args == {**odd, "big": 1000}
    assert format_call("x", {"v": 2.0}) == "call:x{v:2}"


@pytest.mark.parametrize("text, where", [
    ("convert{}", "starts with 'call:'"),
    ("call:Convert{}", "character 6"),
    ("call:convert", "character 13"),
    ("call:convert{value 5}", "character 19"),
    ('call:convert{value:"5}', "not closed"),
    ("call:convert{value:five}", "character 20"),
    ("call:convert{value:5,value:6}", "given twice"),
    ("call:convert{value:5} and more", "nothing may follow"),
    ("call:convert{value:5;to:1}", "character 21"),
    ("call:x{" + "a:1," * 120 + "}", "characters long"),
])
def test_a_malformed_call_is_refused_saying_where(text, where):
    with pytest.raises(CallError, match=where):
        parse(text)


def test_check_holds_a_call_to_its_tools_parameters():
    assert check(parse('call:echo{word:"hi",times:3.0,size:2,mood:"calm"}'), ECHO) == \
        {"word": "hi", "times": 3, "size": 2.0, "mood": "Calm"}
    for text, why in [('call:echo{colour:"red"}', "takes no argument 'colour'"),
                      ("call:echo{times:2.5}", "whole number"), ('call:echo{size:"big"}', "is a number"),
                      ("call:echo{word:5}", "is a \"string\""), ("call:echo{loud:1}", "true or false"),
                      ('call:echo{mood:"glum"}', "one of Calm, Cross")]:
        with pytest.raises(CallError, match=why):
            check(parse(text), ECHO)
    needs = Tool("needs", "", (Param("a", int, "a"),), echo)
    with pytest.raises(CallError, match="needs a"):
        check(parse("call:needs{}"), needs)


def test_a_streamed_call_is_recognised_from_its_first_characters_and_ends_at_its_brace():
    assert may_be_call("") and may_be_call("  ca") and may_be_call("call:disk")
    assert not may_be_call("Certainly") and not may_be_call("can do, sir")
    assert not is_complete('call:echo{word:"}"') and is_complete('call:echo{word:"}"}')
    assert is_complete("call:disk_free{}") and not is_complete("call:disk_free{")


def test_the_toolbox_always_answers_politely_and_says_what_went_wrong():
    slow = Tool("slow", "", (), lambda a, c: time.sleep(5), timeout_s=0.2)
    broken = Tool("broken", "", (), lambda a, c: 1 / 0)
    refusing = Tool("refusing", "", (), lambda a, c: (_ for _ in ()).throw(ToolFailed("Not today, sir.")))
    box = Toolbox([ECHO, slow, broken, refusing], clock=lambda: datetime(2026, 1, 15, 10, 30))
    ok = box.run('call:echo{word:"hello"}', "madam")
    assert ok.result.reply == "You said hello, madam." and ok.result.ok and not ok.error and ok.name == "echo"
    cases = {"call:echo{word:": "malformed call", "call:nothing{}": "no tool is called 'nothing'",
             "call:echo{times:1.5}": "whole number", "call:slow{}": "over 0.2 s",
             "call:broken{}": "ZeroDivisionError", "call:refusing{}": "Not today"}
    for text, error in cases.items():
        t0 = time.perf_counter()
        out = box.run(text)
        assert isinstance(out, Outcome) and not out.result.ok and error in out.error
        assert "call:" not in out.result.reply and "sir" in out.result.reply
        assert time.perf_counter() - t0 < 4  # the slow tool is not waited for
    assert box.run("call:refusing{}").result.reply == "Not today, sir."


def test_a_dry_run_checks_a_call_that_changes_something_but_does_not_run_it(tmp_path):
    done = []
    act = Tool("act", "", (Param("what", str, "what to do"),), lambda a, c: done.append(a) or ToolResult("Done, sir."),
               read_only=False)
    dry = Toolbox([ECHO, act], act=False)
    out = dry.run('call:act{what:"open"}', "madam")
    assert done == [] and out.status == "dry_run" and out.result.ok and out.result.data["dry_run"] is True
    assert out.result.reply == "Dry run, madam: act with what 'open' not done."
    assert dry.run('call:act{}').status == "arguments"  # still checked
    assert dry.run('call:echo{word:"hi"}').result.reply == "You said hi, sir."  # read-only tools run
    assert Toolbox([act]).run('call:act{what:"open"}').result.reply == "Done, sir." and done == [{"what": "open"}]


def test_every_tool_has_examples_that_are_valid_calls():
    tools = default_tools()
    assert len({t.name for t in tools}) == len(tools) >= 15
    for tool in tools:
        assert len(tool.examples) >= 10, tool.name
        for request, text in tool.examples:
            call = parse(text)
            assert call.name == tool.name, (request, text)
            check(call, tool)  # raises where an example would teach a wrong call
            assert format_call(call.name, call.args) == text, "examples are written in the canonical form"


def stream(*pieces: str, after: list[str] | None = None):
    """A model's reply as the engine yields it; ``after`` records what was read past the call."""
    for piece in pieces:
        if after is not None and piece.startswith("~"):
            after.append(piece)
        yield piece


def test_a_reply_that_is_a_call_becomes_the_tools_sentence_and_the_model_is_stopped():
    box = Toolbox([ECHO])
    assistant = Assistant(tools=box, persona=Persona("sir"))
    seen, after = {}, []
    pieces = list(assistant._call_or_prose(stream("ca", "ll:echo{word:", '"tea"}', "~more", after=after), None, seen))
    assert pieces == ["You said tea, sir."] and after == []  # nothing read past the brace
    assert seen["outcome"].call.args == {"word": "tea"} and seen["call"] == 'call:echo{word:"tea"}'
    # "Call:" (the first word capitalised, as a small model now and then writes it) is a call too:
    # it must never reach the user as text
    seen = {}
    assert list(assistant._call_or_prose(stream("Call", ':echo{word:"tea"}'), None, seen)) == ["You said tea, sir."]
    assert seen["outcome"].call.text == 'call:echo{word:"tea"}'
    # prose streams through as it comes (the first piece held only while it could be a call; words
    # in lower case, until they show they are no tool's name written without "call:"; and the last
    # word until the next piece, as it may begin a call written after the words)
    seen = {}
    assert list(assistant._call_or_prose(stream("C", "an do", ", sir."), None, seen)) == ["Can", " do, sir."]
    assert list(assistant._call_or_prose(stream("c", "an do", ", sir."), None, seen)) == ["can do, sir."]
    assert "outcome" not in seen
    # a call cut off by the end of the reply (max_tokens) is malformed: an apology, never the text
    seen = {}
    pieces = list(assistant._call_or_prose(stream("call:echo{word:", '"te'), None, seen))
    assert pieces == ["I'm afraid I couldn't work out how to do that, sir."] and "malformed" in seen["outcome"].error
    # stopped by the user while the call was written: nothing is run, nothing said
    stop, seen = threading.Event(), {}
    stop.set()
    assert list(assistant._call_or_prose(stream("call:echo{word:", '"tea"}'), stop, seen)) == []
    assert "outcome" not in seen and seen["call"]


def test_a_call_written_after_words_is_never_said_and_the_model_is_stopped_there():
    """v5 answered "pip install a specific version of a package" in the gate with
    "pip install -r requirements.txt" and, on the next line, call:install_exe{...}: the words
    are said, the call and what follows are not, and the model is read no further."""
    assistant = Assistant(tools=Toolbox([ECHO]), persona=Persona("sir"))
    seen, after = {}, []
    pieces = list(assistant._call_or_prose(
        stream("Pip in", "stall -r requirements.txt", "\nca", "ll:install_exe{", 'name:"pip"}', "~more", after=after),
        None, seen))
    assert "".join(pieces) == "Pip install -r requirements.txt" and after == []
    assert seen["words"] == "Pip install -r requirements.txt" and "outcome" not in seen
    # on one line, with its name and brace, as well; "call:" in a sentence is words
    said = "".join(assistant._call_or_prose(stream("Done", ", sir. call:echo", '{word:"x"}'), None, {}))
    assert said == "Done, sir."
    # or in a form of its own, glued to a word, or after a colon (v4: 'calling:open_app{name:"audacity"}')
    assert "".join(assistant._call_or_prose(stream("Calling", ':open_app{name:"audacity"}'), None, {})) == ""
    said = "".join(assistant._call_or_prose(stream("Very well, sir: ", 'echo{word:"x"}'), None, {}))
    assert said == "Very well, sir"
    said = "".join(assistant._call_or_prose(stream("Run awk '{print $1}'", " on it, sir."), None, {}))
    assert said == "Run awk '{print $1}' on it, sir."
    said = "".join(assistant._call_or_prose(stream("Last ", "call", ": the bar shuts at eleven, sir."), None, {}))
    assert said == "Last call: the bar shuts at eleven, sir."
    # or a name glued to its brace, with nothing or an argument in it (v4: "Run python3 -m os.os_info{}")
    said = "".join(assistant._call_or_prose(stream("Run python3 -m os", ".os_info", "{", "}"), None, {}))
    assert said == "Run python3 -m os."
    said = "".join(assistant._call_or_prose(stream("Try ", 'echo{word:', '"x"} now'), None, {}))
    assert said == "Try"
    said = "".join(assistant._call_or_prose(stream("Use ${HOME} or a dict {a: 1}", " in it, sir."), None, {}))
    assert said == "Use ${HOME} or a dict {a: 1} in it, sir."


def test_a_left_out_argument_with_a_default_is_the_same_call():
    ranked = Tool("rank", "", (Param("by", str, "what by", required=False, choices=("memory", "cpu"),
                                     default="memory"),), echo)
    assert check(parse("call:rank{}"), ranked) == check(parse('call:rank{by:"Memory"}'), ranked) == {"by": "memory"}


def test_under_the_tools_grammar_any_model_writes_only_valid_calls(tiny_chain):
    # The tiny model never learnt a call; sampled under the grammar after "call:", whatever it
    # writes is a call to a real tool with arguments that tool takes, each of its kind.
    from jarvis_desktop.core.engine import ChatEngine, EngineConfig
    from jarvis_desktop.core.tools.grammar import call_grammar

    box = Toolbox(tools=[ECHO, *default_tools()])
    grammar = call_grammar(box.tools.values())
    assert grammar == box.grammar
    for temperature in (0.0, 1.0):
        eng = ChatEngine(EngineConfig(n_ctx=1024, n_threads=1, temperature=temperature, seed=7, max_tokens=400))
        eng.load(tiny_chain["f16"])
        try:
            for question in ("Hello Jarvis", "What is two plus two?", "Who are you?"):
                text = "call:"
                for piece in eng.stream([{"role": "user", "content": question}], prefix="call:", grammar=grammar):
                    text += piece
                    if is_complete(text):
                        break
                call = parse(text)
                check(call, box.tools[call.name])  # raises for a required argument left out
        finally:
            eng.close()


def test_the_grammar_names_every_tool_and_argument_and_compiles():
    from llama_cpp import LlamaGrammar

    from jarvis_desktop.core.tools.grammar import call_grammar

    tools = [ECHO, *default_tools()]
    source = call_grammar(tools)
    for tool in tools:
        assert f'"{tool.name}{{' in source
        assert all(f'"{p.name}:"' in source for p in tool.params)
    assert '"\\"Calm\\""' in source  # a choice is a literal
    LlamaGrammar.from_string(source, verbose=False)


def test_once_call_is_written_the_rest_comes_from_the_constrained_sampler():
    assistant = Assistant(tools=Toolbox([ECHO]), persona=Persona("sir"))
    seen, after = {}, []
    pieces = list(assistant._call_or_prose(stream("call", ":", "~free", after=after), None, seen,
                                           lambda: stream("echo{word:", '"tea"}', "~past")))
    assert pieces == ["You said tea, sir."] and after == [] and seen["call"] == 'call:echo{word:"tea"}'


@pytest.mark.parametrize("call, message, idle", [
    ('call:calculate{expression:"50/1"}', "how many sides does a 50p have", True),  # v4: "That comes to 50, sir."
    ('call:calculate{expression:"7"}', "how many wonders of the world are there", True),
    ('call:calculate{expression:"50/1"}', "whats fifty divided by one", False),  # the words ask that very sum
    ('call:calculate{expression:"1+1"}', "what's one and one", False),
    ('call:calculate{expression:"17*23"}', "how many sides does a 50p have", False),
    ('call:percent{percent:50,of:1}', "how many sides does a 50p have", False),  # another tool: its own checks
])
def test_a_sum_with_nothing_to_work_out_is_set_aside(call, message, idle):
    assert Toolbox(act=False).works_nothing_out(call, message) is idle


def _said_for(call: str, message: str, words: str) -> tuple[list[str], dict]:
    """What the Assistant says when the model writes ``call`` for ``message``, where the reply in
    words would be ``words``; and what it saw."""
    assistant = Assistant(tools=Toolbox(act=False), persona=Persona("sir"))
    seen = {"message": message}
    return list(assistant._call_or_prose(stream(call), None, seen, prose=lambda: stream(words))), seen


def test_a_sum_with_nothing_to_work_out_gives_the_reply_in_words():
    said, seen = _said_for('call:calculate{expression:"50/1"}', "how many sides does a 50p have",
                           "I'm not certain of that, sir.")
    assert said == ["I'm not certain of that, sir."] and "outcome" not in seen
    said, _ = _said_for('call:calculate{expression:"50/1"}', "whats 50 divided by 1", "I'm not certain of that, sir.")
    assert said == ["That comes to 50, sir."]


def test_no_calculate_call_of_the_data_works_nothing_out():
    from tests.tool_checks import said_in_data

    box = Toolbox(act=False)
    sums = [(said, answer) for said, answer in said_in_data() if answer.startswith("call:calculate")]
    assert len(sums) >= 100
    assert [(said, answer) for said, answer in sums if box.works_nothing_out(answer, said)] == []


@pytest.mark.parametrize("call, message, grounded", [
    # v2: "Is a resting pulse of 55 normal?" was a conversion of minutes to seconds
    ('call:convert{value:55,from:"min",to:"s"}', "Is a resting pulse of 55 normal?", False),
    ('call:convert{value:5,from:"mile",to:"km"}', "5 miles in km please", True),
    ('call:convert{value:80,from:"degF",to:"degC"}', "what about 80?", True),  # a follow-up leans on the turn before
    ('call:convert{value:-5,from:"degC",to:"degF"}', "what would the Americans call minus five in their degrees", True),
    # v2: "What is the Linux kernel, in plain English?" was the explanation of a command named nowhere
    ('call:explain_command{command:"linux-内核"}', "What is the Linux kernel, in plain English?", False),
    ('call:explain_command{command:"chmod"}', "what does chmod do", True),
    ('call:explain_command{command:"ls"}', "um what's ls -la for", True),
    ('call:disk_free{}', "Is a resting pulse of 55 normal?", True),  # other tools: their own checks
    # the held-out set's false calls of v2: a file and a city the words never name
    ('call:find_files{name:"backup"}', "I deleted a file by accident, how do I get it back?", False),
    ('call:find_files{name:"mortgage"}', "Where have I saved the mortgage letter?", True),
    ('call:find_files{name:"holiday photos"}', "where did my photo from the holiday go", True),
    ('call:time_in{city:"London"}', "what time should a grown man be in bed by", False),
    ('call:time_in{city:"New York"}', "Is it rush hour in the Big Apple yet?", True),  # a nickname the clock knows
    ('call:time_in{city:"Tokyo"}', "and in tokyo?", True),
    ('call:remind_me{task:"call the bank",in_minutes:30}', "what's a good time to call", True),
    ('call:remind_me{task:"water the plants",in_minutes:30}', "is it too late for a coffee", False),
    ('call:forget{about:"locker number"}', "forget my locker", True),
    ('call:forget{about:"bike lock code"}', "forget what I said about it", False),
])
def test_a_call_the_words_give_no_ground_for_is_unfounded(call, message, grounded):
    assert (Toolbox(act=False).unfounded(call, message) == "") is grounded


def test_no_call_of_the_data_is_unfounded():
    from tests.tool_checks import said_in_data

    box = Toolbox(act=False)
    calls = [(said.rsplit("\n", 1)[-1], answer) for said, answer in said_in_data()
             if answer.startswith(("call:convert", "call:explain_command", "call:find_files", "call:time_in",
                                   "call:remind_me", "call:forget"))]
    assert len(calls) >= 450
    assert [(said, answer) for said, answer in calls if box.unfounded(answer, said)] == []


def test_a_call_may_lean_on_the_conversation_before():
    box = Toolbox(act=False)
    call = 'call:remind_me{task:"call the bank",at:"15:00",day:"today"}'
    assert box.unfounded(call, "remind me to do that at 3") != ""
    assert box.unfounded(call, "remind me to do that at 3", "I must call the bank\nShall I remind you, sir?") == ""


def test_an_unfounded_call_gives_the_reply_in_words():
    said, seen = _said_for('call:convert{value:55,from:"min",to:"s"}', "Is a resting pulse of 55 normal?",
                           "A resting pulse of 55 is on the low side of normal, sir.")
    assert said == ["A resting pulse of 55 is on the low side of normal, sir."] and "outcome" not in seen
