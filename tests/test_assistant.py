"""The one place Jarvis answers: skills first, then the model, with the persona's prompt and the
conversation so far (jarvis_desktop.core.assistant), on the tiny real model."""

from __future__ import annotations

import threading
import time
from datetime import datetime

import pytest

from jarvis_desktop.core.assistant import Answer, Assistant, Persona
from jarvis_desktop.core.engine import ChatEngine, EngineConfig
from jarvis_desktop.core.errors import ModelError
from jarvis_desktop.core.skills import Skills
from jarvis_desktop.core.timers import TimerService

EVENING = datetime(2026, 11, 26, 20, 40)


def clock():
    return EVENING


@pytest.fixture(scope="module")
def engine(tiny_chain):
    eng = ChatEngine(EngineConfig(n_ctx=512, n_threads=1, temperature=0.0, seed=0, max_tokens=48))
    eng.load(tiny_chain["f16"])
    yield eng
    eng.close()


def assistant(engine, skills=True, **kw) -> Assistant:
    return Assistant(engine, Skills(TimerService(clock=clock), clock=clock) if skills else None,
                     kw.pop("persona", Persona("sir")), clock=clock, version="v-test", **kw)


def test_a_sum_is_answered_by_the_calculator_and_joins_the_conversation(engine):
    a = assistant(engine)
    reply = a.ask("what is 17 times 23")
    pieces = list(reply)
    answer = reply.answer
    assert "".join(pieces) == answer.text and "391" in answer.text and "sir" in answer.text
    assert (answer.source, answer.name, answer.label, answer.finish_reason) == ("skill", "calculator",
                                                                                "skill:calculator", "stop")
    assert a.history == [{"role": "user", "content": "what is 17 times 23"},
                         {"role": "assistant", "content": answer.text}]


def test_the_model_answers_the_rest_streamed_with_its_figures(engine):
    a = assistant(engine)
    reply = a.ask("Hello Jarvis")
    pieces = list(reply)
    answer = reply.answer
    assert len(pieces) > 1 and "".join(pieces).strip() == answer.text
    assert (answer.source, answer.name, answer.label, answer.finish_reason) == ("model", "v-test", "v-test", "stop")
    assert 0 < answer.tokens < 48 and answer.first_token_s > 0 and answer.stats is engine.last_stats
    assert a.history[-1] == {"role": "assistant", "content": answer.text}
    # the next turn is sent with this one before it, after the persona's prompt at the clock's time
    sent = a.messages("And who are you?")
    assert [m["role"] for m in sent] == ["system", "user", "assistant", "user"]
    assert "Thursday 26 November 2026, 8:40 pm (evening)" in sent[0]["content"]


def test_the_persona_and_the_users_name_shape_the_system_prompt(engine):
    a = assistant(engine, persona=Persona("madam", "Alice", "You are Jarvis, the butler. Call the user {honorific}."))
    system = a.system_prompt()
    assert system.startswith("You are Jarvis, the butler. Call the user madam.")
    assert "The user's name is Alice." in system and "8:40 pm" in system


def test_without_skills_the_model_answers_even_a_sum(engine):
    answer = assistant(engine, skills=False).ask("what is 17 times 23").result()
    assert answer.source == "model"


def test_stopping_the_stream_early_keeps_what_was_written(engine):
    a = assistant(engine)
    reply = a.ask("Tell me about the weather in London today")
    stream = iter(reply)
    first = next(stream)
    stream.close()
    assert reply.answer.finish_reason == "cancelled"
    assert reply.answer.text == first.strip()
    assert a.history[-1]["content"] == reply.answer.text  # what the user saw is the turn


def test_a_stop_event_ends_the_reply(engine):
    stop = threading.Event()
    stop.set()
    answer = assistant(engine).ask("Hello Jarvis", stop=stop).result()
    assert answer.finish_reason == "cancelled" and answer.text == ""


def test_without_a_model_skills_still_answer_and_the_rest_says_why(tmp_path):
    a = Assistant(ChatEngine(), Skills(TimerService(clock=clock), clock=clock), clock=clock)
    assert "391" in a.ask("what is 17 times 23").result().text
    with pytest.raises(ModelError, match="No model is loaded"):
        a.ask("Hello Jarvis")
    with pytest.raises(ModelError, match="empty"):
        a.ask("   ")


def test_a_failed_stream_has_no_answer_and_leaves_the_conversation_alone(engine):
    a = assistant(engine)
    held = engine.stream([{"role": "user", "content": "Hello"}])
    next(held)  # the engine is busy with another reply
    try:
        reply = a.ask("Hello Jarvis")
        with pytest.raises(Exception, match="already being generated"):
            list(reply)
        assert reply.answer is None and a.history == []
    finally:
        held.close()


class SlowSkills(Skills):
    def handle(self, text, honorific):
        time.sleep(1.0)
        return super().handle(text, honorific)


def test_a_slow_skill_gets_a_polite_refusal_instead_of_a_frozen_window(engine):
    a = Assistant(engine, SlowSkills(TimerService(clock=clock), clock=clock), clock=clock)
    answer = a.skill_answer("what is 2 plus 2", wait_s=0.1)
    assert isinstance(answer, Answer) and "far too long" in answer.text and answer.source == "skill"


def test_history_stays_bounded_over_a_long_conversation(engine):
    a = assistant(engine, history_limit=10)
    for i in range(40):
        a.remember(f"question {i}", f"answer {i}")
    assert len(a.history) <= 10 + 500
    a = assistant(engine, history_limit=4)
    for i in range(600):
        a.remember(f"q{i}", f"a{i}")
    assert len(a.history) <= 504 and a.history[-1] == {"role": "assistant", "content": "a599"}
    a.reset()
    assert a.history == []


def test_the_model_reads_only_the_last_exchanges_of_a_long_conversation(engine):
    """Given the whole conversation, the tuned model copied its own earlier replies into new
    ones; it reads the last HISTORY_TURNS exchanges (the training rows' most), and the
    conversation itself is kept whole, for the window, the log and a later switch of the window."""
    from jarvis_desktop.core.assistant import HISTORY_TURNS

    a = assistant(engine, skills=False)
    for i in range(12):
        a.remember(f"question {i}", f"answer {i}")
    sent = a.messages("and now?")
    assert sent[0]["role"] == "system" and sent[-1] == {"role": "user", "content": "and now?"}
    assert [m["content"] for m in sent[1:-1]] == [x for i in range(12 - HISTORY_TURNS, 12)
                                                 for x in (f"question {i}", f"answer {i}")]
    assert len(a.history) == 24 and a.context() == sent[1:-1]
    a.ask("what next?").result()  # answered with the window: the prompt fits, and the reply joins the whole
    assert len(a.history) == 26 and a.history[-2]["content"] == "what next?"
    a.history_turns = None  # the whole conversation, as before
    assert len(a.messages("x")) == 1 + 26 + 1
    a.history_turns = 0
    assert len(a.messages("x")) == 2
    a.history_turns, a.history = 2, a.history[:-1]  # an unanswered message last: the window starts at a question
    assert [m["role"] for m in a.context()] == ["user", "assistant", "user"]
    a.history_turns, a.history = 3, a.history[:4]  # a conversation shorter than the window: all of it
    assert a.context() == a.history[:4] and len(a.context()) == 4
    a.history = a.history[:1]
    assert a.context() == a.history


def test_persona_of_settings_uses_the_shipped_text_when_none_is_written():
    from jarvis_desktop.core.settings import Settings

    p = Persona.of(Settings(honorific="madam", user_name="Alice", persona=""))
    assert p == Persona("madam", "Alice", None)
    assert "madam" in p.system_prompt(EVENING)
