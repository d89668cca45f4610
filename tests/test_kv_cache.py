"""Reusing the KV cache when the prompt changes inside (jarvis_desktop/core/kv_cache.py): dropped
turns cut out, a new minute in the system prompt evaluated in place, the next turn prefilled,
on the tiny real model and real llama.cpp; the alignment and the plan on plain data."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from jarvis_desktop.core import kv_cache
from jarvis_desktop.core.assistant import EVAL_NOW, Persona
from jarvis_desktop.core.engine import ChatEngine
from tests.test_engine import QUESTIONS, SYSTEM, chat, config

PERSONA = Persona("sir", "", "You are Jarvis. Address the user as {honorific}.")


@pytest.fixture(scope="module")
def gguf(tiny_chain) -> Path:
    return tiny_chain["f16"]


def fresh_reply(gguf: Path, messages: list[dict], dropped: int) -> str:
    """The reply of an engine with nothing cached to ``messages`` less the ``dropped`` oldest turns."""
    eng = ChatEngine(config(max_tokens=32))
    eng.load(gguf)
    try:
        reply = "".join(eng.stream([messages[0], *messages[1 + 2 * dropped:]]))
        assert eng.last_stats.dropped_turns == 0 and eng.last_stats.cached_tokens == 0
        return reply
    finally:
        eng.close()


def overflowing_conversation(eng: ChatEngine, gguf: Path, questions: list[str], messages=None) -> list:
    """Ask ``questions`` in one conversation; at each turn that drops more turns than the last,
    check that the reply is the one a fresh evaluation gives.  Returns (stats, llama.cpp's
    evaluated token count) per turn."""
    import llama_cpp

    messages, turns = messages if messages is not None else [SYSTEM], []
    for question in questions:
        messages.append({"role": "user", "content": question})
        perf0 = llama_cpp.llama_perf_context(eng._llm.ctx)
        reply = "".join(eng.stream(messages))
        perf1 = llama_cpp.llama_perf_context(eng._llm.ctx)
        s = eng.last_stats
        assert s.finish_reason in ("stop", "length") and reply == s.text and s.prompt_tokens + 32 <= 512
        if s.dropped_turns > (turns[-1][0].dropped_turns if turns else 0):
            assert reply == fresh_reply(gguf, messages, s.dropped_turns)  # greedy: the same reply
        turns.append((s, (perf1.n_p_eval + perf1.n_eval) - (perf0.n_p_eval + perf0.n_eval)))
        messages.append({"role": "assistant", "content": reply})
    return turns


def test_dropped_turns_are_cut_out_of_the_kv_cache_and_the_kept_ones_reused(gguf):
    # The turn that drops old turns cuts their tokens out of the cache and shifts the kept
    # turns down (llama.cpp's context shift): it evaluates only what is new, as other turns do,
    # not the whole remaining conversation again.  Replies stay those of a fresh evaluation.
    eng = ChatEngine(config(max_tokens=32))
    eng.load(gguf)
    system = eng.prefill(SYSTEM["content"])  # the start every conversation shares
    turns = overflowing_conversation(eng, gguf, QUESTIONS * 4)
    shifts = declined = 0
    for (prev, _), (s, evaluated) in zip(turns, turns[1:]):
        if s.dropped_turns > prev.dropped_turns and s.shifted_tokens == 0:
            # splice declines where what it would cut outweighs what it keeps (the module's note
            # on quality): the prompt is evaluated after the start it shares, and the reply is
            # still a fresh evaluation's (overflowing_conversation checks it)
            declined += 1
            assert system <= s.cached_tokens
            assert evaluated == s.prompt_tokens - s.cached_tokens + s.completion_tokens - (s.finish_reason == "length")
        elif s.dropped_turns > prev.dropped_turns:
            shifts += 1
            # all that was cached but the dropped turns is reused: far more than the system prompt
            # (a reply cut off at max_tokens: its last token was sampled, never evaluated)
            unevaluated = prev.finish_reason == "length"
            assert s.cached_tokens == prev.prompt_tokens + prev.completion_tokens - unevaluated - s.shifted_tokens
            assert s.cached_tokens - system >= s.shifted_tokens and s.prompt_tokens - s.cached_tokens <= 40
            # llama.cpp's own counters agree: the new prompt tokens, then one decode per reply token
            assert evaluated == s.prompt_tokens - s.cached_tokens + s.completion_tokens - (s.finish_reason == "length")
        else:
            assert s.shifted_tokens == 0
    assert shifts >= 4 and declined <= shifts // 4  # most drops are cut out in place
    eng.close()


def test_where_the_cache_is_not_shifted_the_system_prompt_stays_cached(gguf):
    # What happens for a model whose cache cannot shift (llama_memory_can_shift false):
    # the dropped turns' prompt is evaluated again after the start it shares with the cache.
    eng = ChatEngine(config(max_tokens=32))
    eng.context_shift = False
    eng.load(gguf)
    system = eng.prefill(SYSTEM["content"])
    turns = overflowing_conversation(eng, gguf, QUESTIONS * 2)
    drops = [s for (prev, _), (s, _) in zip(turns, turns[1:]) if s.dropped_turns > prev.dropped_turns]
    assert drops
    for s in drops:
        assert s.shifted_tokens == 0 and system <= s.cached_tokens < s.prompt_tokens - 200
    eng.close()


def test_when_most_of_the_cache_would_be_cut_it_is_evaluated_afresh(gguf):
    # A long message makes most of the conversation go: the few kept turns' cache was computed
    # mostly in view of what is cut (engine.py, _shift: replies drifted from a fresh evaluation),
    # so they are evaluated again after the shared start.
    eng = ChatEngine(config(max_tokens=32))
    eng.load(gguf)
    system = eng.prefill(SYSTEM["content"])
    messages = [SYSTEM]
    overflowing_conversation(eng, gguf, QUESTIONS, messages)
    long = "Tell me about the Thames and the river's history, from the Tower to Westminster. " * 5
    (s, _), = overflowing_conversation(eng, gguf, [long], messages)
    assert s.dropped_turns >= 4 and s.shifted_tokens == 0
    assert system <= s.cached_tokens < s.prompt_tokens - 150
    eng.close()


def test_the_cache_of_another_conversation_is_never_shifted_into_place(gguf):
    # Only the conversation the cache holds is shifted: another long one (a conversation
    # reopened) that must drop turns is evaluated after the start it shares, and answers right.
    eng = ChatEngine(config(max_tokens=32))
    eng.load(gguf)
    overflowing_conversation(eng, gguf, QUESTIONS * 2)
    other = [SYSTEM]
    for i in range(24):
        other += [{"role": "user", "content": f"Note {i}: the kettle is on."},
                  {"role": "assistant", "content": "Very good, sir."}]
    other.append({"role": "user", "content": "Hello Jarvis"})
    reply = "".join(eng.stream(other))
    s = eng.last_stats
    assert s.dropped_turns > 0 and s.shifted_tokens == 0 and s.cached_tokens < s.prompt_tokens - 200
    assert reply == fresh_reply(gguf, other, s.dropped_turns)
    eng.close()


def test_a_reply_cut_short_keeps_the_part_the_cache_holds(gguf):
    # A reply stopped part-way (the user spoke over it) comes back shorter than what the model
    # sampled: the next prompt reuses the cached reply as far as the text repeats it.
    eng = ChatEngine(config())
    eng.load(gguf)
    messages = chat("Hello Jarvis")
    reply = "".join(eng.stream(messages))
    first = eng.last_stats
    messages += [{"role": "assistant", "content": reply[:len(reply) // 2]}, {"role": "user", "content": "Who are you?"}]
    again = "".join(eng.stream(messages))
    assert eng.last_stats.cached_tokens > first.prompt_tokens
    eng.close()
    fresh = ChatEngine(config())
    fresh.load(gguf)
    assert "".join(fresh.stream(messages)) == again
    fresh.close()




def evaluated_by_llama(eng: ChatEngine, run) -> int:
    """Tokens llama.cpp evaluated (prompt and decode) while ``run()`` ran."""
    import llama_cpp

    before = llama_cpp.llama_perf_context(eng._llm.ctx)
    run()
    after = llama_cpp.llama_perf_context(eng._llm.ctx)
    return (after.n_p_eval + after.n_eval) - (before.n_p_eval + before.n_eval)


def new_turn_tokens(eng: ChatEngine, messages: list[dict]) -> int:
    """Tokens of what the last message adds to the prompt (with the end of the reply before
    it, which the cache holds without its end mark), give or take one."""
    text = eng._template.render(messages)
    before = eng._template.render(messages[:-1], add_generation_prompt=False)
    end_mark = eng._template.render([{"role": "assistant", "content": "A"}], add_generation_prompt=False).split("A")[-1]
    return len(eng._llm.tokenize((end_mark + text[len(before):]).encode(), add_bos=False, special=True)) + 1


def test_a_new_minute_in_the_system_prompt_is_evaluated_in_place(gguf):
    # The app's system prompt states the time to the minute: a message in a new minute changes
    # a token near the start of the prompt.  Only that token is evaluated again (in place), with
    # the new message; not the whole conversation after it.  Replies: those of a fresh evaluation.
    eng = ChatEngine(config(max_tokens=32))
    eng.load(gguf)
    messages = [SYSTEM]
    prev = None
    for i, question in enumerate(QUESTIONS[:6]):
        messages[0] = {"role": "system", "content": PERSONA.system_prompt(EVAL_NOW + timedelta(minutes=7 * i))}
        messages.append({"role": "user", "content": question})
        box = []
        evaluated = evaluated_by_llama(eng, lambda: box.append("".join(eng.stream(messages))))
        s = eng.last_stats
        if prev is not None:
            assert 1 <= s.refreshed_tokens <= kv_cache.FRESH_MAX and s.dropped_turns == 0
            assert s.cached_tokens >= prev.prompt_tokens + prev.completion_tokens - s.shifted_tokens - 1
            assert s.prompt_tokens - s.cached_tokens <= new_turn_tokens(eng, messages)
            assert evaluated == s.prompt_tokens - s.cached_tokens + s.refreshed_tokens + s.completion_tokens
            assert box[0] == fresh_reply(gguf, messages, 0)
        messages.append({"role": "assistant", "content": box[0]})
        prev = s
    eng.close()


def test_a_changed_persona_is_not_spliced_but_evaluated_afresh(gguf):
    # More than a few changed tokens (the persona edited in Settings): the kept turns were
    # computed in view of the old text, so everything after the change is evaluated again.
    eng = ChatEngine(config(max_tokens=32))
    eng.load(gguf)
    messages = [SYSTEM]
    overflowing_conversation(eng, gguf, QUESTIONS[:3], messages)
    other = Persona("sir", "", "You are Jarvis, a butler of long standing who keeps the household's "
                    "accounts, its diary and its secrets. Address the user as {honorific}.")
    messages[0] = {"role": "system", "content": other.system_prompt(EVAL_NOW)}
    messages.append({"role": "user", "content": "Good morning"})
    reply = "".join(eng.stream(messages))
    s = eng.last_stats
    assert s.refreshed_tokens == 0 and s.shifted_tokens == 0 and s.cached_tokens < 20
    assert reply == fresh_reply(gguf, messages, 0)
    eng.close()


def test_prefill_after_a_reply_leaves_only_the_message_to_evaluate(gguf):
    # While the reply is read or heard, the app prefills the conversation so far and the opening
    # of the next user message: the next turn evaluates only its message and the reply's opening.
    eng, plain = ChatEngine(config()), ChatEngine(config())
    eng.load(gguf)
    plain.load(gguf)
    messages = chat("Hello Jarvis")
    for question in ["Who are you?", "Good morning"]:
        reply = "".join(eng.stream(messages))
        assert reply == "".join(plain.stream(messages))
        messages.append({"role": "assistant", "content": reply})
        assert eng.prefill(messages) > 0  # the end of the reply's turn, the next turn's opening
        assert eng.prefill(messages) == 0  # already there
        messages.append({"role": "user", "content": question})
    reply = "".join(eng.stream(messages))
    s, p = eng.last_stats, plain
    assert reply == "".join(p.stream(messages))
    assert s.prompt_tokens - s.cached_tokens < plain.last_stats.prompt_tokens - plain.last_stats.cached_tokens
    message = eng._template.render(messages)[len(eng._template.render(messages[:-1], add_generation_prompt=False)):]
    opening = eng._template.render([{"role": "user", "content": "A"}], add_generation_prompt=False).split("A")[0]
    assert message.startswith(opening)  # prefilled; what is left is the message and the reply's opening
    assert s.prompt_tokens - s.cached_tokens <= len(eng._llm.tokenize(message[len(opening):].encode(), add_bos=False)) + 1
    eng.close()
    plain.close()


def test_prefill_drops_old_turns_before_the_next_message_comes(gguf):
    # Where the next message would not fit, prefill drops old turns (and shifts the cache)
    # while the user reads the reply; the turn itself then keeps that cache.
    eng = ChatEngine(config(max_tokens=32))
    eng.load(gguf)
    messages, early = [SYSTEM], 0
    for question in QUESTIONS * 3:
        messages.append({"role": "user", "content": question})
        before = eng._last_drop
        reply = "".join(eng.stream(messages))
        s = eng.last_stats
        assert s.finish_reason in ("stop", "length") and reply == fresh_reply(gguf, messages, s.dropped_turns)
        if s.dropped_turns and s.dropped_turns == before:
            early += 1
            assert s.shifted_tokens == 0 and s.prompt_tokens - s.cached_tokens <= new_turn_tokens(eng, messages)
        messages.append({"role": "assistant", "content": reply})
        eng.prefill(messages)
    assert early >= 2 and eng._last_drop > 0
    eng.close()


def pieces_cache(pieces: list[bytes]) -> kv_cache.CachedText:
    offsets = [0]
    for p in pieces:
        offsets.append(offsets[-1] + len(p))
    return kv_cache.CachedText(b"".join(pieces), list(range(len(pieces))), offsets)


def by_byte(data: bytes) -> list[int]:
    return [1000 + b for b in data]  # "tokens" that are not the cache's


def test_align_reuses_the_cache_after_a_changed_digit_and_past_a_short_false_match():
    # The clock's digit changed; the rest repeats the cache.  A short run of the same text
    # earlier in the cache ("0 am (morning)...") must not end the alignment.
    words = [b"It", b" is", b" 9", b":", b"3", b"9", b" am", b" (", b"morning", b")."]
    chat_ = [b" Good", b" morning", b",", b" Jarvis", b"."] * 2
    false = [b" 1", b"0", b" am", b" (", b"morning", b").", b" Good", b" morning", b",", b" Jarvis", b".", b" Bye"]
    tail = [f" word{i}".encode() for i in range(30)]
    cache = pieces_cache(words + chat_ + false + tail)
    text = (b"It is 9:40 am (morning)." + b"".join(chat_ + false + tail) + b" new message").decode()
    tokens, reused = kv_cache.align(text, cache, by_byte)
    assert tokens[:4] == [0, 1, 2, 3]  # "It is 9:" shared
    assert tokens[4:6] == by_byte(b"40")  # the changed digits, tokenized
    assert tokens[6:6 + len(cache.ids) - 6] == cache.ids[6:]  # then the cache's own tokens to its end
    assert tokens[len(cache.ids):] == by_byte(b" new message")
    assert reused == len(cache.ids) - 2
    # Without reuse past the change (a model whose cache cannot shift): the shared start only.
    tokens, reused = kv_cache.align(text, cache, by_byte, reuse_runs=False)
    assert reused == 4 and tokens[4:] == by_byte(text.encode()[len(b"It is 9:"):])


def test_the_plan_takes_the_fewest_changed_tokens_then_the_longest_run():
    ids = np.arange(100, dtype=np.intc)
    # cache 0..99; the prompt: 0..9, two new tokens, 12..99, then a new message
    new = np.concatenate([ids[:10], [500, 501], ids[12:], [600, 601]]).astype(np.intc)
    assert kv_cache._plan(ids, new, 10) == [(12, 12, 88)]
    # turns 10..39 dropped: a cut, no new tokens
    new = np.concatenate([ids[:10], ids[40:], [600]]).astype(np.intc)
    assert kv_cache._plan(ids, new, 10) == [(40, 10, 60)]
    # nothing long enough to reuse
    new = np.concatenate([ids[:10], np.arange(700, 720)]).astype(np.intc)
    assert kv_cache._plan(ids, new, 10) == []
