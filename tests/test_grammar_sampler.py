"""Greedy decoding under a grammar, likeliest tokens first (core/grammar_sampler.py): the same
calls as llama.cpp's own grammar sampler, on the tiny real model, including the steps where no
likely token is allowed and the whole vocabulary is checked."""

from __future__ import annotations

from jarvis_desktop.core.engine import ChatEngine, EngineConfig
from jarvis_desktop.core.tools import Toolbox
from jarvis_desktop.core.tools.call import check, is_complete, parse

QUESTIONS = ("Hello Jarvis", "What is two plus two?", "Who are you?", "How much disk space is left?")


def _calls(engine: ChatEngine, grammar: str) -> list[str]:
    calls = []
    for question in QUESTIONS:
        text = "call:"
        for piece in engine.stream([{"role": "user", "content": question}], prefix="call:", grammar=grammar):
            text += piece
            if is_complete(text):
                break
        calls.append(text)
    return calls


def test_the_likeliest_tokens_first_give_llama_cpps_greedy_calls(tiny_chain):
    box = Toolbox()
    engine = ChatEngine(EngineConfig(n_ctx=1024, n_threads=1, temperature=0.0, repeat_penalty=1.0, max_tokens=200))
    engine.load(tiny_chain["f16"])
    try:
        engine._llm.fast_grammar = False
        reference = _calls(engine, box.grammar)
        engine._llm.fast_grammar = True
        fast = _calls(engine, box.grammar)
        checked_all = engine._llm.last_grammar.full_checks
    finally:
        engine.close()
    assert fast == reference
    for text in fast:
        call = parse(text)
        check(call, box.tools[call.name])  # a valid call, every time
    # the tiny model never learnt the syntax: some steps needed the whole vocabulary checked
    assert checked_all > 0
