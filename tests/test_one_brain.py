"""One brain: the promotion gate, the console (`jarvis --ask`, `jarvis chat`) and the app give the
same reply to the same prompt, with the same model, persona and clock: all of them answer
through jarvis_desktop.core.assistant.  On the tiny real model, real llama.cpp and Qt offscreen.
"""

from __future__ import annotations

import io
import sys
from dataclasses import replace

import pytest

from jarvis_desktop.core.assistant import EVAL_NOW, Persona
from jarvis_desktop.core.settings import Settings, save_settings
from tests.conftest import DATA

WAIT = 60_000
PERSONA = (DATA / "tiny_persona.txt").read_text(encoding="utf-8").strip()


def _settings() -> Settings:
    # the tiny model's context is 512 tokens; greedy decoding is set where each path takes it
    return Settings(n_ctx=512, max_tokens=64, n_threads=1, honorific="sir", persona=PERSONA)


@pytest.fixture(scope="module")
def heldout():
    """A held-out single-turn prompt of the tiny data, as the gate scores it."""
    from trainer.evaluate import heldout_prompts

    prompts = [p for p in heldout_prompts([str(DATA / "tiny_chat.jsonl")], "sir") if len(p.messages) == 1]
    assert prompts, "the tiny data holds out no single-turn prompt"
    return prompts[0]


def _gate_reply(gguf, prompt) -> str:
    from trainer.evaluate import run_model

    persona = Persona("sir", "", PERSONA)
    [reply] = run_model(gguf, [prompt], persona, max_tokens=64, n_threads=1, n_ctx=512)
    return reply.text


def _app_reply(qtbot, text: str) -> tuple[str, object]:
    from jarvis_desktop.app import JarvisApp
    from jarvis_desktop.controller import Controller

    settings = _settings()
    app = JarvisApp(settings, Controller(settings, clock=lambda: EVAL_NOW, save=False), save=False)
    qtbot.addWidget(app.window)
    try:
        with qtbot.waitSignal(app.controller.model_changed, timeout=WAIT):
            app.controller.start(first_run_training=False)
        engine = app.controller.worker.engine
        engine.config = replace(engine.config, temperature=0.0, seed=0)  # the app samples at 0.7 otherwise
        app.window.input.setText(text)
        with qtbot.waitSignal(app.controller.reply_finished, timeout=WAIT) as done:
            app.window.input.returnPressed.emit()
        return done.args[1], done.args[2]
    finally:
        app.controller.shutdown()


def test_gate_console_and_app_give_the_same_reply(qtbot, registered, heldout, capsys, monkeypatch):
    from jarvis_desktop.cli import main as jarvis_main

    text = heldout.messages[0]["content"]
    gate = _gate_reply(registered.current().gguf, heldout)
    assert gate

    save_settings(_settings())  # the console reads the user's settings, as the app does
    assert jarvis_main(["--ask", text, "--now", EVAL_NOW.isoformat()]) == 0
    console = capsys.readouterr().out.splitlines()[-1]
    assert console == f"jarvis: {gate}"

    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{text}\n"))
    assert jarvis_main(["chat", "--now", EVAL_NOW.isoformat()]) == 0
    assert capsys.readouterr().out.strip() == f"jarvis: {gate}"

    app, answer = _app_reply(qtbot, text)
    assert (app, answer.source, answer.name) == (gate, "model", "v1")


def test_the_gate_scores_a_skills_answer_as_the_user_gets_it(registered):
    from trainer.evaluate import EvalPrompt, run_model

    prompt = EvalPrompt([{"role": "user", "content": "What is two plus two?"}], "Four, sir.", "math", "4", "test")
    [reply] = run_model(registered.current().gguf, [prompt], Persona("sir", "", PERSONA), max_tokens=64,
                        n_threads=1, n_ctx=512)
    assert reply.source == "skill" and "4" in reply.text and "sir" in reply.text


def test_the_console_answers_a_sum_with_the_calculator_as_the_app_does(registered, capsys):
    from jarvis_desktop.cli import main as jarvis_main

    save_settings(_settings())
    assert jarvis_main(["--ask", "what is 17 times 23"]) == 0
    out = capsys.readouterr().out
    assert "jarvis: " in out and "391" in out and "sir" in out


def test_the_console_says_the_time_of_its_clock(registered, capsys):
    from jarvis_desktop.cli import main as jarvis_main

    save_settings(_settings())
    assert jarvis_main(["--ask", "What time is it?", "--now", "2026-11-26T20:40"]) == 0
    assert "8:40 in the evening" in capsys.readouterr().out


def test_jarvis_chat_holds_a_conversation_from_a_pipe(registered, capsys, monkeypatch):
    from jarvis_desktop.cli import main as jarvis_main

    save_settings(_settings())
    lines = "Hello Jarvis\nwhat is 6 times 7\n/new\nWho are you?\n/quit\nnever read\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(lines))
    assert jarvis_main(["chat", "--honorific", "madam"]) == 0
    out = capsys.readouterr().out.splitlines()
    replies = [line for line in out if line.startswith("jarvis: ")]
    assert len(replies) == 3 and "42" in replies[1] and "madam" in replies[1]
    assert "(a new conversation)" in out
    assert all(line.strip() for line in replies)


def test_jarvis_chat_keeps_the_conversation_between_lines(registered):
    """The second message is sent with the first turn before it (the model sees the chat)."""
    from jarvis_desktop.console import ConsoleOptions, chat, open_assistant

    assistant = open_assistant(_settings(), ConsoleOptions(now=EVAL_NOW))
    try:
        out = io.StringIO()
        assert chat(assistant, io.StringIO("Hello Jarvis\nWho are you?\n"), out) == 0
        assert [m["role"] for m in assistant.history] == ["user", "assistant", "user", "assistant"]
        assert out.getvalue().count("jarvis: ") == 2
    finally:
        assistant.engine.close()


def test_the_console_answers_a_reply_the_model_left_empty_as_the_app_does(registered):
    """The model ended its turn before a word: the console says the app's line (and the
    conversation keeps it), not "jarvis: " and nothing.  The empty reply is injected as the
    engine hands it over; the gate and `jarvis check` still see it empty (Answer.said_nothing)."""
    from jarvis_desktop.console import ConsoleOptions, answer_line, open_assistant
    from jarvis_desktop.core.assistant import Answer, Reply, nothing_said

    assistant = open_assistant(_settings(), ConsoleOptions(now=EVAL_NOW))
    try:
        def ask(text, stop=None, remember=True):
            return Reply(iter([]), lambda: Answer("", "model", "v1"),
                         lambda a: assistant.remember(a.kept_prompt(text), a.text))

        assistant.ask = ask
        out = io.StringIO()
        answer = answer_line(assistant, "Hmm", out)
        assert answer.text == nothing_said("sir") and out.getvalue() == f"jarvis: {answer.text}\n"
        assert assistant.history[-2:] == [{"role": "user", "content": "Hmm"},
                                          {"role": "assistant", "content": answer.text}]
    finally:
        assistant.engine.close()


def test_bad_console_flags_say_what_is_wrong(registered, capsys):
    from jarvis_desktop.cli import main as jarvis_main

    assert jarvis_main(["--ask", "hello", "--now", "teatime"]) == 1
    assert "--now 'teatime': not a date and time; write it as 2026-11-26T20:40" in capsys.readouterr().err
    assert jarvis_main(["chat", "--model", "v9"]) == 1
    assert "v9" in capsys.readouterr().err
