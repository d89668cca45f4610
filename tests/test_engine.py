"""The chat engine on the tiny real model: streaming, stop, KV reuse, overflow, hot swap, template safety."""

from __future__ import annotations

import queue
import shutil
import threading
from pathlib import Path

import pytest

from jarvis_desktop.core.assistant import EVAL_NOW, Persona
from jarvis_desktop.core.engine import ChatEngine, ChatTemplate, EngineConfig
from jarvis_desktop.core.errors import BusyError, ConfigError, ModelError

# The app's system prompt for the tiny model's persona: the persona text, then the date and time.
SYSTEM = {"role": "system", "content": Persona("sir", "", "You are Jarvis. Address the user as {honorific}.")
          .system_prompt(EVAL_NOW)}
QUESTIONS = ["Hello Jarvis", "Who are you?", "What is two plus two?", "Good morning",
             "What time is it?", "Hello Jarvis", "Who are you?", "Good morning"]
CHATML = ("{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] | trim }}<|im_end|>\n"
          "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")


def config(**kw) -> EngineConfig:
    # Greedy: the tiny model then gives the same short reply every time.  One thread: with
    # two, llama.cpp's spinning threads slowed these tests 100-fold on a busy 2-core machine.
    return EngineConfig(**{"n_ctx": 512, "n_threads": 1, "temperature": 0.0, "seed": 0, "max_tokens": 48, **kw})


def chat(text: str) -> list[dict]:
    return [SYSTEM, {"role": "user", "content": text}]


def copy_gguf(src: Path, dst: Path, template: str | None) -> Path:
    """A copy of ``src`` with every tensor and metadata key, but ``template`` as its chat template."""
    from convert.gguf_export import copy_with_template

    return copy_with_template(src, dst, template)


@pytest.fixture(scope="module")
def gguf(tiny_chain) -> Path:
    return tiny_chain["f16"]


@pytest.fixture(scope="module")
def engine(gguf):
    """One loaded engine for the tests that only read from it."""
    eng = ChatEngine(config())
    eng.load(gguf)
    yield eng
    eng.close()


def test_stream_pieces_join_to_the_reply_and_stop_by_themselves(engine):
    pieces = list(engine.stream(chat("Hello Jarvis")))
    stats = engine.last_stats
    assert len(pieces) > 1 and all(pieces)
    assert "".join(pieces) == stats.text
    assert "sir" in stats.text
    assert stats.finish_reason == "stop"
    assert 0 < stats.completion_tokens < engine.config.max_tokens
    assert stats.prompt_tokens > 0 and stats.dropped_turns == 0 and not stats.truncated


def test_model_info(engine, gguf):
    info = engine.model_info()
    assert info["path"] == str(gguf) and engine.loaded == gguf
    assert info["quant"] == "F16" and info["architecture"] == "llama"
    assert info["chat_template"] is True and info["n_ctx_train"] == 512 and info["n_ctx"] == 512
    assert info["stop_strings"] == ["<|im_end|>", "<|im_start|>user"]


def test_stop_from_another_thread_ends_the_stream_at_once(engine):
    """The app's shape: a worker thread streams, the GUI thread sets the stop event."""
    stop, ack, pieces = threading.Event(), threading.Event(), queue.Queue()

    def worker():
        for piece in engine.stream(chat("Who are you?"), stop=stop):
            pieces.put(piece)
            ack.wait(timeout=10)  # hold the worker until the main thread has reacted: no races
            ack.clear()
        pieces.put(None)

    t = threading.Thread(target=worker, daemon=True)
    t.start()
    first = pieces.get(timeout=30)
    stop.set()
    ack.set()
    t.join(timeout=30)
    assert pieces.get_nowait() is None  # nothing after the first piece
    stats = engine.last_stats
    assert stats.finish_reason == "cancelled"
    assert stats.text == first and stats.completion_tokens == 1


def test_stop_set_before_start_generates_nothing(engine):
    stop = threading.Event()
    stop.set()
    assert list(engine.stream(chat("Hello Jarvis"), stop=stop)) == []
    assert engine.last_stats.finish_reason == "cancelled" and engine.last_stats.completion_tokens == 0


def _held_stream(engine, messages, stop=None):
    """A worker streaming ``messages`` that waits for ``ack`` after each piece: the main
    thread acts between two pieces, with no race."""
    ack, pieces = threading.Event(), queue.Queue()

    def worker():
        for piece in engine.stream(messages, stop=stop):
            pieces.put(piece)
            ack.wait(timeout=10)
            ack.clear()
        pieces.put(None)

    t = threading.Thread(target=worker, daemon=True)
    t.start()
    return t, ack, pieces


def test_may_run_pauses_the_reply_between_tokens_and_resumes_it(gguf):
    """The voice clears may_run while piper makes a reply's first sound: no token is decoded
    meanwhile, and the reply then goes on unchanged (greedy: the same as without a pause)."""
    may_run = threading.Event()
    may_run.set()
    eng = ChatEngine(config(), may_run)
    eng.load(gguf)
    try:
        expected = "".join(eng.stream(chat("Who are you?")))
        t, ack, pieces = _held_stream(eng, chat("Who are you?"))
        first = pieces.get(timeout=30)
        may_run.clear()
        ack.set()
        with pytest.raises(queue.Empty):
            pieces.get(timeout=0.5)  # paused: not one more piece
        may_run.set()
        rest = []
        while (piece := pieces.get(timeout=30)) is not None:
            rest.append(piece)
            ack.set()
        t.join(timeout=30)
        assert first + "".join(rest) == expected and eng.last_stats.finish_reason == "stop"

        stop = threading.Event()  # Stop while paused ends the reply at once
        t, ack, pieces = _held_stream(eng, chat("Who are you?"), stop)
        first = pieces.get(timeout=30)
        may_run.clear()
        stop.set()
        ack.set()
        assert pieces.get(timeout=30) is None
        t.join(timeout=30)
        assert eng.last_stats.finish_reason == "cancelled" and eng.last_stats.text == first
    finally:
        may_run.set()
        eng.close()


def test_a_pause_that_never_ends_only_delays_the_reply(gguf, monkeypatch):
    """A voice stuck with may_run clear costs a reply MAX_PAUSE_S in all, not per token."""
    import jarvis_desktop.core.engine as engine_module

    monkeypatch.setattr(engine_module, "MAX_PAUSE_S", 0.2)
    may_run = threading.Event()  # never set
    eng = ChatEngine(config(), may_run)
    eng.load(gguf)
    pauses = []
    real_pause = eng._pause
    eng._pause = lambda stop, longest: pauses.append(longest) or real_pause(stop, longest)
    try:
        reply = "".join(eng.stream(chat("Hello Jarvis")))
        assert eng.last_stats.finish_reason == "stop" and eng.last_stats.completion_tokens > 3
        assert "sir" in reply
        assert pauses == [0.2]  # one wait, then the budget is spent
    finally:
        eng.close()


def test_prefill_evaluates_the_shared_start_once_and_the_first_reply_reuses_it(gguf):
    eng = ChatEngine(config())
    eng.load(gguf)
    try:
        n = eng.prefill(SYSTEM["content"])
        assert n > 10  # the template's opening and the system prompt
        assert eng.prefill(SYSTEM["content"]) == 0  # already there
        expected = ChatEngine(config())
        expected.load(gguf)
        reference = "".join(expected.stream(chat("Hello Jarvis")))
        expected.close()
        assert "".join(eng.stream(chat("Hello Jarvis"))) == reference  # same reply, greedy
        assert eng.last_stats.cached_tokens == n  # not evaluated again
    finally:
        eng.close()


def test_one_generation_at_a_time(engine):
    first = engine.stream(chat("Hello Jarvis"))
    next(first)
    with pytest.raises(BusyError):
        next(engine.stream(chat("Good morning")))
    first.close()  # an abandoned stream frees the engine
    assert list(engine.stream(chat("Good morning")))


def test_stop_strings_are_cut_and_never_shown_in_part(gguf):
    eng = ChatEngine(config())
    eng.load(gguf)
    eng._template.stop_strings = (", sir",)  # a stop string inside the tiny model's usual reply
    pieces = list(eng.stream(chat("Hello Jarvis")))
    assert eng.last_stats.finish_reason == "stop"
    assert "".join(pieces) == eng.last_stats.text and "," not in eng.last_stats.text
    eng.close()


def test_follow_up_turns_reuse_the_kv_cache(gguf):
    import llama_cpp

    eng = ChatEngine(config())
    eng.load(gguf)
    messages, prev = [SYSTEM], None
    for i, question in enumerate(QUESTIONS):
        messages.append({"role": "user", "content": question})
        perf0 = llama_cpp.llama_perf_context(eng._llm.ctx)
        reply = "".join(eng.stream(messages))
        perf1 = llama_cpp.llama_perf_context(eng._llm.ctx)
        s = eng.last_stats
        assert s.finish_reason == "stop" and reply == s.text
        new = s.prompt_tokens - s.cached_tokens
        if prev is None:
            assert s.cached_tokens == 0 and new == s.prompt_tokens
        else:
            # Everything of the last turn, prompt and reply, is reused; only the closing of
            # the reply and the new question are evaluated.
            assert s.cached_tokens == prev.prompt_tokens + prev.completion_tokens
            assert s.cached_tokens > prev.cached_tokens
            assert new <= 40, f"turn {i + 1} evaluated {new} prompt tokens"
            # llama.cpp's own counters agree: prompt tokens evaluated + one decode per reply token.
            done = (perf1.n_p_eval + perf1.n_eval) - (perf0.n_p_eval + perf0.n_eval)
            assert done == new + s.completion_tokens
        messages.append({"role": "assistant", "content": reply})
        prev = s
    assert prev.prompt_tokens > 3 * (prev.prompt_tokens - prev.cached_tokens)
    eng.close()


def test_overflow_drops_old_turns_and_still_answers(gguf):
    eng = ChatEngine(config(n_ctx=256, max_tokens=32))
    eng.load(gguf)
    messages, stats = [SYSTEM], []
    for question in QUESTIONS * 2:
        messages.append({"role": "user", "content": question})
        reply = "".join(eng.stream(messages))
        s = eng.last_stats
        # (the tiny model's words blur deep into a dropped conversation: that is the model;
        # what this checks is that every turn still fits, ends by itself and says something)
        assert s.finish_reason == "stop" and reply.strip()
        assert s.prompt_tokens + eng.config.max_tokens <= 256
        stats.append(s)
        messages.append({"role": "assistant", "content": reply})
    dropped = [s.dropped_turns for s in stats]
    assert dropped[0] == 0 and dropped[-1] > 0
    assert dropped == sorted(dropped)  # the same history never loses fewer turns later
    # Turns are dropped with slack: the turn after a drop keeps the same start and reuses
    # the whole previous prompt and reply from the KV cache.
    reused = [b for a, b in zip(stats, stats[1:])
              if b.dropped_turns == a.dropped_turns > 0 and b.cached_tokens == a.prompt_tokens + a.completion_tokens]
    assert len(reused) >= 3
    eng.close()


def test_overflow_cuts_a_message_too_long_for_the_context(gguf):
    eng = ChatEngine(config(n_ctx=256, max_tokens=32))
    eng.load(gguf)
    long = "Tell me about the Thames. " * 200
    reply = "".join(eng.stream([SYSTEM, {"role": "user", "content": "Hello Jarvis"},
                                {"role": "assistant", "content": "Good morning, sir."},
                                {"role": "user", "content": long}]))
    s = eng.last_stats
    assert s.truncated and s.dropped_turns == 1
    assert s.prompt_tokens + 32 <= 256 and s.finish_reason in ("stop", "length") and reply == s.text
    eng.close()


def test_swap_to_a_corrupt_file_keeps_the_old_model(gguf, tmp_path):
    good = shutil.copy(gguf, tmp_path / "v1.gguf")
    broken = tmp_path / "v2.gguf"
    broken.write_bytes(Path(gguf).read_bytes()[: Path(gguf).stat().st_size // 2])
    eng = ChatEngine(config())
    eng.load(good)
    with pytest.raises(ModelError, match="previous one .*v1.gguf.* is back"):
        eng.swap(broken)
    assert eng.loaded == good
    assert "sir" in "".join(eng.stream(chat("Hello Jarvis")))
    with pytest.raises(ModelError, match="truncated, corrupt"):
        eng.load(broken)  # load() keeps the old model too
    assert eng.loaded == good and "".join(eng.stream(chat("Good morning")))
    v3 = shutil.copy(gguf, tmp_path / "v3.gguf")
    eng.swap(v3)
    assert eng.loaded == v3 and "sir" in "".join(eng.stream(chat("Hello Jarvis")))
    eng.close()
    assert eng.loaded is None and eng.model_info() == {}
    with pytest.raises(ModelError, match="No model is loaded"):
        list(eng.stream(chat("Hello Jarvis")))


def test_missing_or_non_gguf_files(tmp_path):
    eng = ChatEngine(config())
    with pytest.raises(ModelError, match="no such model file"):
        eng.load(tmp_path / "nope.gguf")
    (tmp_path / "x.gguf").write_text("not a model")
    with pytest.raises(ModelError, match="not a GGUF"):
        eng.swap(tmp_path / "x.gguf")
    assert eng.loaded is None


def test_a_model_without_chat_template_is_refused(gguf, tmp_path):
    bare = copy_gguf(gguf, tmp_path / "bare.gguf", None)
    eng = ChatEngine(config())
    with pytest.raises(ModelError, match="no chat template.*jarvis-convert gguf"):
        eng.load(bare)
    assert eng.loaded is None


def test_a_copy_with_a_good_template_works(gguf, tmp_path):
    """The copying helper itself keeps a working model (so the refusals below are about templates)."""
    eng = ChatEngine(config())
    eng.load(copy_gguf(gguf, tmp_path / "same.gguf", CHATML))
    assert "sir" in "".join(eng.stream(chat("Hello Jarvis")))
    eng.close()


MALICIOUS = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}",
    "{% include '/etc/passwd' %}",
]


@pytest.mark.parametrize("evil", MALICIOUS, ids=["subclasses", "popen", "include"])
def test_a_model_with_a_malicious_template_is_refused(gguf, tmp_path, evil):
    marker = tmp_path / "pwned"
    bad = copy_gguf(gguf, tmp_path / "evil.gguf", CHATML + evil.replace("{marker}", str(marker)))
    eng = ChatEngine(config())
    eng.load(gguf)
    with pytest.raises(ModelError, match="unsafe chat template"):
        eng.swap(bad)
    assert not marker.exists()
    assert eng.loaded == gguf and "sir" in "".join(eng.stream(chat("Hello Jarvis")))
    eng.close()


def test_an_escape_hidden_until_render_time_is_stopped_then(gguf, tmp_path):
    """Names built at run time pass the static check; the sandbox stops them when rendered."""
    marker = tmp_path / "pwned"
    evil = ("{% if messages[-1]['content'] == 'open sesame' %}"
            "{{ (cycler|attr('_' ~ '_init_' ~ '_')|attr('_' ~ '_globals_' ~ '_'))['os'].popen('touch "
            + str(marker) + "').read() }}{% endif %}")
    eng = ChatEngine(config())
    eng.load(copy_gguf(gguf, tmp_path / "sleeper.gguf", evil + CHATML))
    assert "sir" in "".join(eng.stream(chat("Hello Jarvis")))
    with pytest.raises(ModelError, match="unsafe chat template"):
        list(eng.stream(chat("open sesame")))
    assert not marker.exists()
    assert "".join(eng.stream(chat("Good morning")))  # the engine is not left busy
    eng.close()


@pytest.mark.parametrize("source", [
    "{{ ''|attr('__class__') }}",
    "{{ messages.append({'role': 'user'}) }}",
    "{{ '{0.__class__}'.format('') }}",
    "{{ lipsum['__glo' ~ 'bals__'] }}",
    "{% import 'os' as os %}",
    "{% extends '/etc/passwd' %}",
    "{% from 'x' import y %}",
    "{{ self._TemplateReference__context }}",
])
def test_template_sandbox_refuses_escapes(source):
    with pytest.raises(ModelError, match="unsafe chat template"):
        ChatTemplate(source).render([{"role": "user", "content": "hi"}])


def test_template_renders_like_transformers():
    t = ChatTemplate("{{ bos_token }}{% for m in messages %}{% generation %}{{ m.content }}{% endgeneration %}"
                     "{% if not loop.last %}|{% endif %}{% endfor %}{{ eos_token }}", bos_token="<s>", eos_token="</s>")
    assert t.render([{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]) == "<s>a|b</s>"
    with pytest.raises(ModelError, match="refused this conversation: roles must alternate"):
        ChatTemplate("{{ raise_exception('roles must alternate') }}").render([])
    with pytest.raises(ModelError, match="not valid Jinja"):
        ChatTemplate("{% for %}")


def test_stop_strings_come_from_the_template():
    from trainer import chat_templates as ct

    assert ChatTemplate(ct.CHATML).stop_strings == ("<|im_end|>", "<|im_start|>user")
    assert ChatTemplate(ct.GEMMA, bos_token="<bos>").stop_strings == ("<end_of_turn>", "<start_of_turn>user")
    assert ChatTemplate(ct.PLAIN, eos_token="</s>").stop_strings == ("</s>", "User:")
    needs_system = ("{% if messages[0]['role'] != 'system' %}{{ raise_exception('system first') }}{% endif %}"
                    + CHATML)
    assert ChatTemplate(needs_system).stop_strings == ("<|im_end|>", "<|im_start|>user")


def test_config_is_checked():
    with pytest.raises(ConfigError):
        EngineConfig(n_ctx=256, max_tokens=256)
    with pytest.raises(ConfigError):
        EngineConfig(temperature=-1)
    assert EngineConfig().n_ctx == 4096 and EngineConfig().seed == -1


LOOP_BOMB = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"


def test_a_model_with_a_loop_bomb_template_is_refused_and_the_old_one_kept(gguf, tmp_path):
    """Nested range(100000) loops hung the load (the template is probed there) for good."""
    bomb = copy_gguf(gguf, tmp_path / "bomb.gguf", LOOP_BOMB + CHATML)
    fresh = ChatEngine(config())
    with pytest.raises(ModelError, match=r"bomb.gguf takes too long to render \(over 250,000 loop steps") as caught:
        fresh.load(bomb)
    assert "source you trust" in str(caught.value) and fresh.loaded is None
    eng = ChatEngine(config())
    eng.load(gguf)
    with pytest.raises(ModelError, match="takes too long to render"):
        eng.swap(bomb)
    assert eng.loaded == gguf and "sir" in "".join(eng.stream(chat("Hello Jarvis")))
    eng.close()


def test_a_bomb_set_off_by_one_message_stops_that_turn_only(gguf, tmp_path):
    sleeper = "{% if messages[-1]['content'] == 'boom' %}" + LOOP_BOMB + "{% endif %}" + CHATML
    eng = ChatEngine(config())
    eng.load(copy_gguf(gguf, tmp_path / "sleeper.gguf", sleeper))
    with pytest.raises(ModelError, match="takes too long to render"):
        list(eng.stream(chat("boom")))
    assert "sir" in "".join(eng.stream(chat("Hello Jarvis")))  # the engine is not left busy
    eng.close()


BOMBS = {
    "nested loops over text": "{% for a in 'x' * 99999 %}{% for b in 'x' * 99999 %}{% endfor %}{% endfor %}",
    "output": "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
    "recursive loop": "{% for a in ['x' * 9999] recursive %}{% if loop.depth < 4 %}{{ loop('x' * 9999) }}"
                      "{% endif %}{% endfor %}",
    "macro": "{% macro m(n) %}{% if n %}{{ m(n - 1) }}{{ m(n - 1) }}{% endif %}{% endmacro %}{{ m(60) }}",
    "repetition": "{{ 'x' * 10000000000 }}",
    "list repetition": "{{ ([1] * 100000) * 100000 }}",
    "power": "{{ 10 ** 100000 }}",
    "doubling with ~": "{% set ns = namespace(s='x') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}"
                       "{% endfor %}",
    "doubling with +": "{% set ns = namespace(s='x') %}{% for i in range(60) %}{% set ns.s = ns.s + ns.s %}"
                       "{% endfor %}",
    "join": "{{ range(100000) | join('x' * 100000) }}",
    "str.join": "{{ ('x' * 100000).join(range(100000) | map('string')) }}",
    "replace": "{{ ('x' * 100000) | replace('x', 'y' * 100000) }}",
    "str.replace": "{{ ('x' * 100000).replace('x', 'y' * 100000) }}",
    "padding": "{{ 'x'.ljust(10000000000) }}",
    "center": "{{ 'x' | center(10000000000) }}",
    "format width": "{{ '{:>10000000000}'.format(1) }}",
    "% width": "{{ '%*s' % (10000000000, 'x') }}",
    "indent": "{{ ('\n' * 100000) | indent(100000, blank=true) }}",
    "slice": "{{ [1] | slice(10000000000) | list }}",
    "lipsum": "{{ lipsum(100000, max=100000) }}",
    "tojson indent": "{{ messages | tojson(indent=1000000000) }}",
}


@pytest.mark.parametrize("bomb", BOMBS.values(), ids=BOMBS.keys())
def test_template_work_is_bounded(bomb):
    with pytest.raises(ModelError, match="chat template of bombs.gguf takes too long to render"):
        ChatTemplate(bomb + CHATML, origin="bombs.gguf")


def test_the_deadline_stops_steps_that_are_each_costly(monkeypatch):
    from jarvis_desktop.core import template_limits

    template = ChatTemplate(CHATML)
    monkeypatch.setattr(template_limits, "MAX_RENDER_S", -1.0)  # as if the clock had run out at once
    with pytest.raises(ModelError, match=r"takes too long to render \(over -1 s\)"):
        template.render(chat("hi"))


LLAMA3 = ("{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = "
          "'<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + "
          "'<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}"
          "{{ content }}{% endfor %}{% if add_generation_prompt %}"
          "{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}")
GEMMA_HF = ("{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not "
            "supported') }}{% endif %}{% for message in messages %}{% if (message['role'] == 'user') != "
            "(loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate "
            "user/assistant/user/assistant/...') }}{% endif %}{% if (message['role'] == 'assistant') %}"
            "{% set role = 'model' %}{% else %}{% set role = message['role'] %}{% endif %}"
            "{{ '<start_of_turn>' + role + '\n' + message['content'] | trim + '<end_of_turn>\n' }}{% endfor %}"
            "{% if add_generation_prompt %}{{'<start_of_turn>model\n'}}{% endif %}")


def test_real_templates_render_exactly_as_without_the_budget():
    """Gemma's, Llama 3's, ChatML and the trainer's own: byte for byte what the plain sandbox
    renders, a conversation of 2,500 long messages (more text than the size limit) included."""
    from jinja2.ext import loopcontrols
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from trainer import chat_templates as ct

    plain = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
    turns = [{"role": "user" if i % 2 == 0 else "assistant", "content": f" turn {i}: " + "words " * 350}
             for i in range(2500)]
    short = [{"role": "user", "content": "Hello"}, {"role": "assistant", "content": "Good evening, sir."},
             {"role": "user", "content": "Tea, please."}]
    system = [{"role": "system", "content": "You are Jarvis."}]
    cases = [(src, convo) for src in (ct.GEMMA, ct.CHATML, ct.MISTRAL, ct.LLAMA2, ct.PHI, ct.PLAIN, LLAMA3)
             for convo in (short, system + short, system + turns)] + [(GEMMA_HF, short), (GEMMA_HF, turns)]
    for source, convo in cases:
        for gen in (True, False):
            kw = {"bos_token": "<s>", "eos_token": "</s>"}
            expected = plain.from_string(source).render(messages=convo, add_generation_prompt=gen, **kw)
            assert ChatTemplate(source, **kw).render(convo, add_generation_prompt=gen) == expected
    assert len(expected) > 4_000_000  # the long conversation is over the size limit for a template's own values


def test_a_conversation_of_thousands_of_turns_costs_a_few_renders_per_reply(gguf):
    # A days-long conversation: finding which old turns to drop is a bisection, not one
    # render of the whole history per turn dropped (3,000 turns took 3,000 renders).
    eng = ChatEngine(config(n_ctx=512, max_tokens=32))
    eng.load(gguf)
    history = [SYSTEM]
    for i in range(3000):
        history += [{"role": "user", "content": f"Note {i}: the kettle is on."},
                    {"role": "assistant", "content": "Very good, sir."}]
    renders = []
    render = eng._template.render
    eng._template.render = lambda messages, **kw: renders.append(len(messages)) or render(messages, **kw)
    reply = "".join(eng.stream([*history, {"role": "user", "content": "Which note came last?"}]))
    s = eng.last_stats
    assert reply == s.text and s.dropped_turns > 2900 and s.prompt_tokens + 32 <= 512
    assert len(renders) <= 30, len(renders)
    # the dropped turns are the oldest: the latest note is still in the prompt
    assert s.prompt_tokens > 100
    eng.close()


def test_the_first_hook_sees_the_first_logits_and_may_begin_the_reply_otherwise(engine):
    plain = "".join(engine.stream(chat("Hello Jarvis")))
    seen = {}

    def keep(logits, token):
        seen.update(argmax=int(logits.argmax()), token=token, size=len(logits))
        return None

    assert "".join(engine.stream(chat("Hello Jarvis"), first=keep)) == plain  # greedy: nothing changes
    assert seen["size"] == engine._llm.n_vocab() and seen["token"] == seen["argmax"]
    # Begin with another token: the reply starts with it, and the model writes on from there.
    other = engine._llm.tokenize(b" Indeed", add_bos=False, special=False)[0]
    text = "".join(engine.stream(chat("Hello Jarvis"), first=lambda logits, token: other))
    assert text.startswith(engine._llm.detokenize([other]).decode().strip()) and text != plain
    assert engine.last_stats.text == text and engine.last_stats.completion_tokens >= 1


def test_the_tokens_that_can_begin_a_call(engine):
    starts = engine.starting_tokens("call:")
    llm = engine._llm
    assert starts and all("call:".startswith(llm.detokenize([t]).decode().lstrip()) for t in starts)
    assert llm.tokenize(b"c", add_bos=False, special=False)[0] in starts
    assert engine.starting_tokens("call:") is starts  # worked out once per model
