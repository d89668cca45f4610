"""The chat engine: llama.cpp running the registered GGUF, streaming replies token by token.

Plain Python, no Qt: the app runs it in a worker thread.  One generation runs at a time (a
second concurrent ``stream`` raises BusyError); a stream's ``stop`` event may be set from any
thread and is checked between tokens.  ``load``/``swap``/``close`` wait for a running stream
to end (set its stop event first), and raise BusyError if it does not end within a minute.

Prompts are rendered with the GGUF's *own* chat template (the one it was tuned with) in a
Jinja sandbox: a model file must not be able to run code or read files.  Follow-up turns
reuse llama.cpp's KV cache: the prompt of turn n+1 starts with exactly the tokens of turn n's
prompt and reply, so only the new tokens are evaluated.  Where the prompt changes inside (a new
minute in the system prompt, the oldest turns dropped to fit the context) the cache is spliced
(kv_cache.py); after each reply ``prefill`` evaluates the next turn's opening while the user
reads, so a turn evaluates little more than its message however long the conversation.
"""

from __future__ import annotations

import bisect
import codecs
import contextlib
import functools
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from jarvis_desktop.core import kv_cache
from jarvis_desktop.core.chat_template import CONVERT_HINT, ChatTemplate
from jarvis_desktop.core.errors import BusyError, ConfigError, ModelError
from jarvis_desktop.core.options import option as _f

__all__ = ["EngineConfig", "StreamStats", "ChatEngine", "ChatTemplate"]

CUT_NOTE = "\n\n[Note: this message was too long for the model's context and was cut here.]"
LOCK_WAIT_S = 60.0
PROBE_WORDS = 24  # a typical message, as prefill() makes room for the next one
MAX_PAUSE_S = 2.0  # a reply's pauses through may_run, in all: a stuck voice must not stall it


@dataclass
class EngineConfig:
    n_ctx: int = _f(4096, "context length in tokens (capped at the model's training length)")
    n_threads: int = _f(0, "CPU threads (0: all cores)")
    n_gpu_layers: int = _f(0, "layers offloaded to the GPU (-1: all; needs a GPU build of llama.cpp)")
    max_tokens: int = _f(256, "longest reply in tokens")
    temperature: float = _f(0.7, "sampling temperature (0: always the most likely token)")
    top_p: float = _f(0.9, "nucleus sampling: keep the likeliest tokens up to this probability mass")
    repeat_penalty: float = _f(1.1, "penalty on recently used tokens (1: none)")
    seed: int = _f(-1, "random seed (-1: a new one each time)")

    def __post_init__(self):
        if self.n_ctx < 64:
            raise ConfigError(f"n_ctx must be at least 64 tokens, not {self.n_ctx}")
        if not 0 < self.max_tokens < self.n_ctx:
            raise ConfigError(f"max_tokens must be between 1 and n_ctx - 1 ({self.n_ctx - 1}), not {self.max_tokens}")
        if self.temperature < 0 or not 0 < self.top_p <= 1 or self.repeat_penalty <= 0:
            raise ConfigError("temperature must be >= 0, top_p in (0, 1] and repeat_penalty > 0")


@dataclass
class StreamStats:
    """Figures of the last ``stream`` call."""

    prompt_tokens: int = 0       # tokens of the prompt as sent (after dropping turns)
    cached_tokens: int = 0       # of those, reused from the KV cache (measured, not evaluated again)
    completion_tokens: int = 0   # reply tokens, the end-of-turn token excluded
    first_token_s: float = 0.0   # from the call to the first sampled token
    total_s: float = 0.0
    tokens_per_s: float = 0.0    # decode speed after the first token
    finish_reason: str = "stop"  # "stop" | "length" | "cancelled"
    text: str = ""               # the reply: exactly the yielded pieces, joined
    dropped_turns: int = 0       # oldest user/assistant turns left out to fit the context
    truncated: bool = False      # the latest message itself was cut to fit
    shifted_tokens: int = 0      # tokens cut out of the KV cache in place (dropped turns, an old minute)
    refreshed_tokens: int = 0    # changed tokens evaluated in place inside the cache (the new minute)


class ChatEngine:
    """llama.cpp chat over one GGUF at a time, with hot swap and KV-cache reuse."""

    # False: dropped turns make llama.cpp evaluate the kept ones again (only the shared start of
    # the prompt stays cached), as when a model's cache cannot shift; benchmarks compare the two.
    context_shift = True

    def __init__(self, config: EngineConfig | None = None, may_run: threading.Event | None = None):
        """``may_run``: while it is clear, generation pauses between tokens (the voice clears
        it while piper makes the first sound of a reply, so the two do not share the cores at
        the moment latency is counted); one reply pauses for ``MAX_PAUSE_S`` in all at most."""
        self.config = config or EngineConfig()
        self.may_run = may_run
        self.last_stats: StreamStats | None = None
        self._lock = threading.Lock()  # held while a stream runs and while the model changes
        self._llm = self._template = self._path = None
        self._info: dict = {}
        self._n_ctx = self._last_drop = 0
        self._grammars: dict = {}  # GBNF source -> llama_cpp.LlamaGrammar
        self._starts: dict = {}  # (model, text) -> the tokens a reply beginning with text opens with
        self._drop_pinned = False  # the cache holds the conversation with _last_drop turns dropped by prefill()
        self._segments: list[tuple[str, list[int]]] = []  # texts of the last turn with their exact tokens
        self._piece: Callable[[int], bytes] | None = None  # token -> its text, as the cache is read back

    @property
    def loaded(self) -> Path | None:
        """The GGUF in use, or None."""
        return self._path

    def model_info(self) -> dict:
        """What is loaded (empty if nothing): path, name, architecture, quant, n_params,
        n_ctx_train, n_ctx, chat_template (present), stop_strings."""
        return dict(self._info)

    def load(self, gguf: Path) -> None:
        """Load ``gguf``; on failure raise ModelError and keep the current model (if any).

        Both models are in memory for a moment; ``swap`` avoids that for big models.
        """
        with self._locked():
            self._install(*self._open(Path(gguf)))

    def swap(self, new_gguf: Path) -> None:
        """Close the current model, then load ``new_gguf``; if that fails, reload the old one.

        Raises ModelError saying the new model failed and the old one is back (or, should the
        old one fail to reload too, that nothing is loaded).
        """
        with self._locked():
            old = self._path
            self._close()
            try:
                opened = self._open(Path(new_gguf))
            except Exception as exc:
                if old is None:
                    raise
                try:
                    self._install(*self._open(old))
                except Exception as again:
                    raise ModelError(f"{exc}\nThe previous model {old} could not be reloaded either ({again}): "
                                     "no model is loaded.") from None
                raise ModelError(f"The new model failed to load, so the previous one ({old.name}) is back "
                                 f"in use.\nReason: {exc}") from None
            self._install(*opened)

    def close(self) -> None:
        """Free the model."""
        with self._locked():
            self._close()

    @contextlib.contextmanager
    def _locked(self):
        if not self._lock.acquire(timeout=LOCK_WAIT_S):
            raise BusyError("A reply is still being generated: stop it before changing the model")
        try:
            yield
        finally:
            self._lock.release()

    def _open(self, path: Path):
        """Load and check a GGUF without touching the current model."""
        import llama_cpp

        if not path.is_file():
            raise ModelError(f"{path}: no such model file")
        with path.open("rb") as fh:
            if fh.read(4) != b"GGUF":
                raise ModelError(f"{path} is not a GGUF file: {CONVERT_HINT}")
        cfg = self.config
        threads = cfg.n_threads or os.cpu_count() or 1
        # docs/DESIGN.md's AMX guard, use_extra_bufts=False, is no Llama argument in llama-cpp-python
        # 0.3.36 (it would vanish into **kwargs): the portable build of .ci/setup.sh is the guard.
        n_ctx = cfg.n_ctx
        for _ in range(2):  # a second time only to cap n_ctx at the model's training length
            try:
                llm = _llama_class()(str(path), n_ctx=n_ctx, n_threads=threads, n_threads_batch=threads,
                                      n_gpu_layers=cfg.n_gpu_layers, verbose=False)
            except Exception as exc:
                raise ModelError(f"llama.cpp cannot load {path} ({exc}): the file is truncated, corrupt or of "
                                 f"an architecture this llama.cpp does not know; {CONVERT_HINT}") from None
            train = int(llama_cpp.llama_model_n_ctx_train(llm.model))
            if not 0 < train < n_ctx:
                break
            llm.close()  # beyond its training length a model's replies fall apart
            n_ctx = train
        try:
            # Llama(seed=0) would mean "random"; set_seed takes it as it is.
            llm.set_seed(llama_cpp.LLAMA_DEFAULT_SEED if cfg.seed < 0 else cfg.seed)
            md = llm.metadata
            if not md.get("tokenizer.chat_template"):
                raise ModelError(f"{path} has no chat template, so Jarvis cannot tell how to prompt it; {CONVERT_HINT}")
            vocab = llama_cpp.llama_model_get_vocab(llm.model)

            def text(tok: int) -> str:
                return llama_cpp.llama_vocab_get_text(vocab, tok).decode("utf-8", "replace") if tok >= 0 else ""

            template = ChatTemplate(md["tokenizer.chat_template"], text(llm.token_bos()), text(llm.token_eos()),
                                    origin=str(path))
            if n_ctx - cfg.max_tokens < 32:
                raise ConfigError(f"{path.name} has a context of {n_ctx} tokens: max_tokens {cfg.max_tokens} "
                                  "leaves no room for the conversation; lower max_tokens")
            ftype = llama_cpp.llama_model_ftype(llm.model)
            quant = next((k.split("_", 3)[-1] for k, v in vars(llama_cpp).items()  # LLAMA_FTYPE_MOSTLY_Q8_0
                          if k.startswith(("LLAMA_FTYPE_MOSTLY_", "LLAMA_FTYPE_ALL_")) and v == ftype), str(ftype))
            info = {"path": str(path), "name": md.get("general.name") or path.stem,
                    "architecture": md.get("general.architecture", ""), "quant": quant,
                    "n_params": int(llama_cpp.llama_model_n_params(llm.model)), "n_ctx_train": train,
                    "n_ctx": n_ctx, "chat_template": True, "stop_strings": list(template.stop_strings)}
        except Exception:
            llm.close()
            raise
        return llm, template, info, path

    def _install(self, llm, template, info, path):
        self._close()
        self._llm, self._template, self._info, self._path = llm, template, info, path
        self._n_ctx = info["n_ctx"]
        self._piece = kv_cache.piece_reader(llm)

    def _close(self):
        if self._llm is not None:
            self._llm.close()
        self._llm = self._template = self._path = None
        self._info, self._n_ctx, self._segments, self._last_drop, self._piece = {}, 0, [], 0, None

    def _tokenize(self, text: str, cache: Callable[[], kv_cache.CachedText] | None = None) -> list[int]:
        """The prompt's tokens, as far as can be those the KV cache holds.  ``cache``: a function
        giving what the cache holds, read only where the last turn's tokens do not serve whole."""
        # Where the new prompt starts with the last prompt (and reply), reuse their exact
        # tokens: re-tokenizing a reply need not give back the tokens the model sampled, and
        # any difference would end the KV-cache match there.
        tokens, reused = None, 0
        for i, (seg_text, seg_tokens) in enumerate(self._segments):
            if text.startswith(seg_text):
                tokens = seg_tokens + self._llm.tokenize(text[len(seg_text):].encode(), add_bos=False, special=True)
                if i == 0 or cache is None:
                    return tokens
                reused = len(seg_tokens)
                break
        if cache is not None:
            # A trimmed reply, a new minute in the system prompt, old turns dropped: reuse what
            # is cached, as far as the text repeats it (unless the tokens as the last prompt was
            # sent match more of the cache).
            aligned, n = kv_cache.align(text, cache(), self._tokenize_bytes, reuse_runs=self.context_shift)
            if n > reused:
                return aligned
        # No BOS of our own: the template writes it where the model wants one (as in training).
        return tokens if tokens is not None else self._tokenize_bytes(text.encode())

    def _tokenize_bytes(self, data: bytes) -> list[int]:
        return self._llm.tokenize(data, add_bos=False, special=True)

    def _fit(self, messages: list[dict]) -> tuple[str, list[int], int, bool]:
        """The prompt (text, tokens) that leaves max_tokens free, dropping old turns if need be."""
        budget = self._n_ctx - self.config.max_tokens
        system = list(messages[:1]) if messages[0].get("role") == "system" and len(messages) > 1 else []
        middle, last = list(messages[len(system):-1]), dict(messages[-1])
        # A turn starts at a user message: dropping whole turns keeps the roles alternating.
        cuts = [i for i in range(1, len(middle)) if middle[i].get("role") == "user"] + [len(middle)] if middle else []

        cached = functools.cache(lambda: kv_cache.read_cache(self._llm, self._piece))  # read once per prompt

        def build(drop: int, last_msg=last, aligned=True):
            text = self._template.render(system + middle[cuts[drop - 1] if drop else 0:] + [last_msg])
            return text, self._tokenize(text, cached if aligned else None)

        if 0 < self._last_drop <= len(cuts) and self._drop_pinned:  # prefill() dropped them: keep that
            text, tokens = build(self._last_drop)
            if len(tokens) <= budget:
                return text, tokens, self._last_drop, False
        # After turns were dropped, the whole conversation rarely fits again: count its tokens
        # before aligning them with the cache (which costs more).
        text, tokens = build(0, aligned=not self._last_drop)
        if len(tokens) <= budget:
            return (*(build(0) if self._last_drop else (text, tokens)), 0, False)
        # Dropping as many turns as last time keeps the start of the prompt, and so the KV
        # cache.  Otherwise drop a quarter of the budget more than needed: the next turns
        # then fit the same way instead of moving the start (and re-evaluating) every turn.
        if 0 < self._last_drop <= len(cuts):
            text, tokens = build(self._last_drop)
            if len(tokens) <= budget:
                return text, tokens, self._last_drop, False
        # The fewest turns to drop, found by bisection: the prompt only shrinks as more are
        # dropped, and a conversation of thousands of turns must not cost thousands of renders.
        built = functools.cache(build)
        drops = range(1, len(cuts) + 1)
        for limit in (budget - budget // 4, budget):
            i = bisect.bisect_left(drops, True, key=lambda k: len(built(k)[1]) <= limit)
            if i < len(drops):
                return (*built(drops[i]), drops[i], False)
        return (*self._cut_last(build, len(cuts), last, budget), len(cuts), True)

    def _cut_last(self, build, drop: int, last: dict, budget: int) -> tuple[str, list[int]]:
        """Cut the latest message so that the system prompt and it fit; the message says so."""
        _, base = build(drop, {**last, "content": CUT_NOTE.strip()})
        if budget - len(base) < 8:
            raise ConfigError(f"The system prompt alone ({len(base)} tokens) nearly fills the context of "
                              f"{self._n_ctx} tokens with max_tokens {self.config.max_tokens}: shorten the "
                              "persona prompt, lower max_tokens or raise n_ctx")
        words = self._llm.tokenize(str(last.get("content", "")).encode(), add_bos=False, special=False)
        keep = min(len(words), budget - len(base))
        while True:  # detokenizing and re-rendering may shift a few tokens: shrink until it fits
            head = self._llm.detokenize(words[:keep]).decode("utf-8", "ignore")
            text, tokens = build(drop, {**last, "content": head + CUT_NOTE})
            if len(tokens) <= budget or keep == 0:
                return text, tokens
            keep = max(0, keep - max(4, len(tokens) - budget))

    def prefill(self, conversation: str | list[dict]) -> int:
        """Evaluate ahead of time what the next prompt starts with, so that the next reply does
        not pay for it: after a model loads, the template's opening and the system prompt (a
        str); after a reply, while the user reads or hears it, the conversation so far
        (system prompt and turns, as ``stream`` takes them) and the opening of the next user
        message.  Where a message of PROBE_WORDS words would not fit, old turns are dropped now,
        so the context shift happens then too.  Returns the tokens evaluated (0: nothing to
        do, or busy)."""
        if isinstance(conversation, str):
            conversation = [{"role": "system", "content": conversation}]
        if self._llm is None or not self._lock.acquire(blocking=False):
            return 0
        try:
            (text, ta, drop, cut), (_, tb, _, _) = (
                self._fit([*conversation, {"role": "user", "content": " ".join([word] * PROBE_WORDS)}])
                for word in ("A", "Z"))
            shared = next((i for i, (x, y) in enumerate(zip(ta, tb)) if x != y), min(len(ta), len(tb)))
            prefix, llm = ta[:shared], self._llm
            if not prefix or cut:
                return 0
            self._last_drop, self._drop_pinned = drop, bool(drop)
            if self.context_shift:
                kv_cache.splice(llm, prefix)
            kv_cache.check_window(llm, prefix)
            reuse = kv_cache.common_start(llm._input_ids, prefix)
            if reuse < len(prefix):
                llm.n_tokens = reuse  # eval() drops the cache's cells from here on
                llm.eval(prefix[reuse:])
            seen = b"".join(self._piece(t) for t in prefix).decode("utf-8", "replace")
            self._segments = [(seen, prefix)] if text.startswith(seen) else []
            return len(prefix) - reuse
        finally:
            self._lock.release()

    def stream(self, messages: list[dict], stop: threading.Event | None = None, prefix: str = "",
               grammar: str | None = None, first: Callable | None = None) -> Iterator[str]:
        """Yield the reply to ``messages`` ({"role", "content"} dicts) piece by piece.

        Ends on the model's end-of-generation token, a template stop string, max_tokens, or at
        once when ``stop`` is set; then ``last_stats`` holds the figures and the text.  Pass
        the reply back as the assistant message of the next turn: the KV cache is reused.
        ``prefix``: the reply's start, given (not yielded); ``grammar``: a GBNF grammar the rest
        of the reply is sampled under (tools/grammar.py: a tool call).  ``first(logits, token)``
        sees the first step's logits (a float32 array over the vocabulary) and the token sampled
        from them, and may return another token to begin the reply with (None: keep it): the
        Assistant decides there whether a reply is a tool call (core/tools/router.py).
        """
        if not messages:
            raise ModelError("stream() needs at least one message")
        if not self._lock.acquire(blocking=False):
            raise BusyError("A reply is already being generated: wait for it or stop it first")
        try:
            yield from self._generate(messages, stop, prefix, grammar, first)
        finally:
            self._lock.release()

    def starting_tokens(self, text: str) -> frozenset[int]:
        """The tokens a reply beginning ``text`` may open with: each single token that spells a
        non-empty start of it, with or without a leading space ("c", "ca", " call", ...)."""
        llm = self._llm
        if llm is None:
            raise ModelError("No model is loaded: load a GGUF first (jarvis-convert registers one)")
        key = (str(self.loaded), text)
        if key not in self._starts:
            found = set()
            for n in range(1, len(text) + 1):
                for head in (text[:n], " " + text[:n]):
                    ids = llm.tokenize(head.encode(), add_bos=False, special=False)
                    if len(ids) == 1 and llm.detokenize(ids).decode("utf-8", "replace") == head:
                        found.add(ids[0])
            self._starts[key] = frozenset(found)
        return self._starts[key]

    def _generate(self, messages, stop, prefix: str = "", grammar: str | None = None, first=None):
        import llama_cpp

        llm, cfg = self._llm, self.config
        if llm is None:
            raise ModelError("No model is loaded: load a GGUF first (jarvis-convert registers one)")
        t0 = time.perf_counter()
        prompt_text, tokens, dropped, cut = self._fit(messages)
        if prefix:
            prompt_text, tokens = prompt_text + prefix, tokens + self._tokenize_bytes(prefix.encode())
        self._last_drop, self._drop_pinned = dropped, False
        stats = self.last_stats = StreamStats(prompt_tokens=len(tokens), dropped_turns=dropped, truncated=cut,
                                              finish_reason="cancelled")
        if self.context_shift:
            done = kv_cache.splice(llm, tokens)
            stats.shifted_tokens, stats.refreshed_tokens = done.cut, done.fresh
        kv_cache.check_window(llm, tokens)
        vocab, stops = llama_cpp.llama_model_get_vocab(llm.model), self._template.stop_strings
        limit = min(cfg.max_tokens, self._n_ctx - len(tokens))
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        reply, shown, pending, seen, sampled = [], [], "", b"", 0
        t_first = t_last = gen = None
        pause_left = MAX_PAUSE_S
        def sampling(prompt: list[int]):
            return llm.generate(prompt, temp=cfg.temperature, top_p=cfg.top_p, repeat_penalty=cfg.repeat_penalty,
                                grammar=self._grammar(grammar) if grammar else None)

        try:
            before = llm.evaluated
            gen = sampling(tokens)
            while True:
                # Checked before asking for the next token: llama.cpp does its work in next().
                if stop is not None and stop.is_set():
                    break
                if len(reply) >= limit:
                    stats.finish_reason = "length"
                    break
                if self.may_run is not None and not self.may_run.is_set() and pause_left > 0:
                    t_pause = time.monotonic()
                    if not self._pause(stop, pause_left):
                        break
                    pause_left -= time.monotonic() - t_pause
                token = next(gen)
                if first is not None and sampled == 0:
                    # The first step's logits are the context's until the next token is evaluated.
                    logits = np.ctypeslib.as_array(llm._ctx.get_logits_ith(-1), shape=(llm.n_vocab(),))
                    other = first(logits, token)
                    if other is not None and other != token:  # begin with it, and sample on from there
                        gen.close()
                        token, gen = other, sampling(tokens + [other])
                sampled, t_last = sampled + 1, time.perf_counter()
                if t_first is None:
                    t_first, stats.cached_tokens = t_last, max(0, len(tokens) - (llm.evaluated - before))
                if llama_cpp.llama_vocab_is_eog(vocab, token):
                    stats.finish_reason = "stop"
                    break
                reply.append(token)
                full = llm.detokenize(reply)  # whole reply: a piece alone can split a UTF-8 character
                pending, seen = pending + decoder.decode(full[len(seen):]), full
                hit = min((i for i in (pending.find(s) for s in stops) if i >= 0), default=-1)
                if hit >= 0:
                    pending, stats.finish_reason = pending[:hit], "stop"
                    break
                # Hold back a tail that may be the start of a stop string.
                hold = max((n for s in stops for n in range(len(s) - 1, 0, -1) if pending.endswith(s[:n])), default=0)
                if len(pending) > hold:
                    piece, pending = pending[:len(pending) - hold], pending[len(pending) - hold:]
                    shown.append(piece)
                    yield piece
            tail = pending + decoder.decode(b"", final=True)
            if tail and stats.finish_reason != "cancelled":  # cancelled: what was shown is the reply
                shown.append(tail)
                yield tail
        finally:
            if gen is not None:
                gen.close()
            end = time.perf_counter()
            stats.text, stats.completion_tokens, stats.total_s = "".join(shown), len(reply), end - t0
            stats.first_token_s = (t_first or end) - t0
            if sampled > 1 and t_last > t_first:
                stats.tokens_per_s = (sampled - 1) / (t_last - t_first)
            self._segments = [(prompt_text, tokens)]
            if llm.detokenize(reply).decode("utf-8", "replace") == stats.text:
                self._segments.insert(0, (prompt_text + stats.text, tokens + reply))

    def _grammar(self, source: str):
        """llama.cpp's compiled grammar for ``source``, kept (compiling the tools' takes a while)."""
        from llama_cpp import LlamaGrammar

        if self._grammars.get(source) is None:
            try:
                self._grammars[source] = LlamaGrammar.from_string(source, verbose=False)
            except ValueError as exc:
                raise ConfigError(f"not a GBNF grammar llama.cpp can use: {exc}") from None
        return self._grammars[source]

    def _pause(self, stop: threading.Event | None, longest: float) -> bool:
        """Wait for ``may_run``, at most ``longest`` s; False when ``stop`` was set meanwhile."""
        deadline = time.monotonic() + longest
        while not self.may_run.wait(0.01) and time.monotonic() < deadline:
            if stop is not None and stop.is_set():
                return False
        return not (stop is not None and stop.is_set())


@functools.cache
def _llama_class():
    """llama_cpp.Llama that counts the tokens it evaluates (imported lazily: it is heavy)."""
    import llama_cpp
    from llama_cpp import _internals

    class CountingLlama(llama_cpp.Llama):
        # Llama.generate skips the prefix it finds in the KV cache and eval()s the rest:
        # counting here measures the reuse instead of re-deriving generate's logic.
        evaluated = 0
        fast_grammar = True  # False: llama.cpp's own grammar sampler (for comparison)
        last_grammar = None

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            # A second sequence, in which kv_cache.splice evaluates changed tokens inside the
            # cache; one unified cache, so each sequence still has the whole context.  (Llama
            # takes no such argument: its context is made again, before anything ran in it.)
            params = self.context_params
            params.n_seq_max, params.kv_unified = 2, True
            self._ctx.close()
            self._ctx = self._stack.enter_context(contextlib.closing(
                _internals.LlamaContext(model=self._model, params=params, verbose=self.verbose)))

        def eval(self, tokens):
            self.evaluated += len(tokens)
            super().eval(tokens)

        def _init_sampler(self, *args, grammar=None, **kwargs):
            # Under a grammar (a tool call): greedy, the likeliest allowed tokens checked first
            # (core/grammar_sampler.py) rather than the whole vocabulary at every step.
            if grammar is None or not self.fast_grammar:
                return super()._init_sampler(*args, grammar=grammar, **kwargs)
            from jarvis_desktop.core.grammar_sampler import GrammarGreedy

            fast = GrammarGreedy(self._model.vocab, grammar._grammar, grammar._root)
            sampler = _internals.LlamaSampler()
            sampler.add_custom(fast.apply)
            sampler.jarvis_grammar = self.last_grammar = fast  # lives as long as the sampler
            return sampler

    return CountingLlama
