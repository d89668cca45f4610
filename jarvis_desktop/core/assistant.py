"""One conversation with Jarvis: the persona, the skills and the engine, in one place.

Everything that prompts a model goes through ``Assistant``: the app (``controller.Controller``
wraps it with Qt signals and an engine thread), ``jarvis --ask`` and ``--check``, ``jarvis
chat``, the evaluation and promotion gate (``trainer.evaluate``, with a fixed clock) and the
converter's clean-stop check (``convert.verify``).  So the system prompt, the chat template,
the stop strings and the context fitting are the same wherever Jarvis answers, and the gate
scores what the user gets.  See docs/ARCHITECTURE.md.

    assistant = Assistant(engine, Skills(TimerService()), Persona("sir"))
    reply = assistant.ask("What is 17 times 23?")
    for piece in reply:          # the answer as it is written
        print(piece, end="")
    reply.answer                 # Answer(text=..., source="skill", name="calculator", ...)
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator

from jarvis_desktop.core import persona as _persona
from jarvis_desktop.core.persona import UNSURE
from jarvis_desktop.core.engine import ChatEngine, StreamStats
from jarvis_desktop.core.notes import count_notes, notes_for, with_notes, without_notes
from jarvis_desktop.core.errors import ModelError
from jarvis_desktop.core.skills import SkillResult, Skills
from jarvis_desktop.core.tools import Outcome, Toolbox
from jarvis_desktop.core.tools.beyond import beyond_reply
from jarvis_desktop.core.tools.cues import bears_on
from jarvis_desktop.core.tools.call import (MAX_CALL_CHARS, PREFIX, bare_call_name, is_complete, may_be_bare_call,
                                           may_be_call, with_prefix, words_before_call, call_in_words)
from jarvis_desktop.core.tools.memory import MEMORY_TOOLS, PRIVATE_PROMPT
from jarvis_desktop.core.tools.router import NEVER, UNSURE_FLOOR, call_probability, route, threshold_for

__all__ = ["Assistant", "Answer", "Persona", "Reply", "EVAL_NOW", "SKILL_WAIT_S", "HISTORY_MIN", "HISTORY_CHUNK"]

log = logging.getLogger(__name__)

# A reply in words to a question about the user that the memory may answer is held back to the
# end of its first clause (or OPENING_CHARS): "I'm not certain of that, sir, ..." is then the
# memory's answer instead (Assistant._said).  Speech waits for a first clause anyway.
OPENING_SAID, OPENING_CHARS = re.compile(r"[,.;:!?]"), 60


SKILL_WAIT_S = 2.0  # a skill slower than this (none should be) gets a polite refusal
HISTORY_MIN, HISTORY_CHUNK = 2000, 500  # messages kept in memory, and dropped at a time beyond
# The exchanges of the conversation before a message that the model reads with it.  The training
# rows hold at most three; given the whole conversation, v4 copied its own earlier replies ("...,
# sir. Shall I set a timer for ten minutes?" after every request from the fifth on).  Held-out
# tool requests after 20 earlier turns (50, one run): routing 0.94 -> 0.98, false calls on chat
# 2 -> 0 of 10, arguments 0.974 -> 0.949; after 6 turns (100): routing 0.94 -> 0.95 (two
# exchanges: 0.92, one: 0.91).
HISTORY_TURNS = 3
# The clock of the evaluation, the gate and the converter's checks: a fixed time, so the system
# prompt (which says the date and time) and so the replies are the same on every run.
EVAL_NOW = datetime(2026, 1, 15, 10, 30)  # a Thursday morning


@dataclass(frozen=True)
class Persona:
    """Who Jarvis is in this conversation: how he addresses the user, the user's name, and
    the persona text (``{honorific}`` filled in; None: the shipped ``assets/persona.txt``)."""

    honorific: str = "sir"
    user_name: str = ""
    template: str | None = None

    @classmethod
    def from_file(cls, honorific: str, path: str | Path | None = None) -> Persona:
        """The persona of a text file (the trainer's ``--persona``); None or "": the shipped one."""
        return cls(honorific, "", _persona.read_persona(Path(path)) if path else None)

    @classmethod
    def of(cls, settings) -> Persona:
        """The persona of the app's ``Settings`` (an empty persona text means the shipped one)."""
        return cls(settings.honorific, settings.user_name, settings.persona or None)

    def system_prompt(self, now: datetime) -> str:
        return _persona.system_prompt(self.honorific, now, self.user_name, self.template)


@dataclass(frozen=True)
class Answer:
    """What came of one message: the reply and where it came from.

    ``source`` is "model" (``name``: the version answering), "skill" (``name``: the skill) or
    "tool" (the model called a tool, ``name``; ``tool`` holds the call and its result, and the
    text is the tool's sentence: every number in it is the tool's).
    ``finish_reason``: "stop" (ended by itself; a skill's answer always), "length" (hit the
    reply limit) or "cancelled" (stopped; ``text`` is what was written until then).
    """

    text: str
    source: str
    name: str
    finish_reason: str = "stop"
    first_token_s: float = 0.0
    total_s: float = 0.0
    tokens: int = 0
    tokens_per_s: float = 0.0
    truncated: bool = False  # the message itself was cut to fit the context
    dropped_turns: int = 0  # oldest turns left out to fit the context
    stats: StreamStats | None = field(default=None, repr=False, compare=False)
    skill: SkillResult | None = field(default=None, repr=False, compare=False)
    tool: Outcome | None = field(default=None, repr=False, compare=False)
    version: str = ""  # the model that wrote the reply or the call ("" for a skill)
    notes: int = 0  # facts from the user's memory in the prompt (Assistant.notes)

    @property
    def used_memory(self) -> bool:
        """The reply drew on the user's memory: notes in its prompt, or a memory tool."""
        return bool(self.notes) or (self.tool is not None and self.tool.name in MEMORY_TOOLS)

    def kept_prompt(self, text: str) -> str:
        """The user's message as the conversation and the log keep it: as said, unless the
        reply was a call on words the user asked not to keep (a forget, a refused secret)."""
        return PRIVATE_PROMPT if self.tool is not None and self.tool.private else text

    @property
    def said_nothing(self) -> bool:
        """The model ended its reply before writing a word (not stopped by the user): the app
        answers with ``nothing_said`` rather than an empty bubble.  Evaluations and ``jarvis
        check`` see the empty text as it is."""
        return self.source == "model" and self.finish_reason != "cancelled" and not self.text.strip()

    @property
    def label(self) -> str:
        """The interaction log's version column: the model version, or ``skill:<name>``."""
        return f"skill:{self.name}" if self.source == "skill" else self.version or self.name

    @classmethod
    def of_skill(cls, result: SkillResult) -> Answer:
        return cls(result.reply, "skill", result.skill, skill=result)

    @classmethod
    def of_stream(cls, stats: StreamStats, version: str) -> Answer:
        return cls(stats.text.strip(), "model", version, stats.finish_reason, stats.first_token_s, stats.total_s,
                   stats.completion_tokens, stats.tokens_per_s, stats.truncated, stats.dropped_turns, stats=stats,
                   version=version)


def call_starts(engine: ChatEngine) -> frozenset[int]:
    """The tokens a call may open with: those of ``call:`` as trained, and of ``Call:``, since a
    small model now and then capitalises a reply's first word (the call is then read as written
    in lower case: tools/call.py)."""
    return engine.starting_tokens(PREFIX) | engine.starting_tokens(PREFIX.capitalize())


def nothing_said(honorific: str) -> str:
    """What the app says when the model's reply came out empty: the user is asked to rephrase
    rather than shown an empty bubble (and it is logged, so a correction can teach the reply)."""
    return f"I beg your pardon, {honorific}: the words escaped me. Would you put that another way?"


class Reply:
    """The stream of one answer: iterate for its pieces; ``answer`` once it has ended.

    ``result()`` reads whatever is left and returns the answer.  ``on_end`` (the assistant's)
    is called once with the answer when the stream ends, however it ends.
    """

    def __init__(self, pieces: Iterator[str], finish: Callable[[], Answer],
                 on_end: Callable[[Answer], None] | None = None):
        self._pieces, self._finish, self._on_end = pieces, finish, on_end
        self.answer: Answer | None = None

    def __iter__(self) -> Iterator[str]:
        if self.answer is not None:
            return
        ended = False
        try:
            yield from self._pieces
            ended = True
        except GeneratorExit:
            # The consumer stopped early (closed the stream): the engine's figures then say
            # "cancelled", and the answer is what was written until then.
            ended = True
            raise
        finally:
            if ended:  # an error in the engine has no answer: it goes to the consumer as it is
                self.answer = self._finish()
                if self._on_end is not None:
                    self._on_end(self.answer)

    def result(self) -> Answer:
        for _ in self:
            pass
        if self.answer is None:  # already consumed by someone else: nothing left to read
            raise ModelError("this reply was already read")
        return self.answer


class Assistant:
    """Jarvis answering one conversation: skills first, then the model, with the persona's
    system prompt at ``clock()`` and the conversation so far.

    ``engine`` may be None (skills only, e.g. before a model is loaded); ``skills`` None turns
    the skills off (the evaluation scores the model itself).  ``version`` names the model
    answering, for ``Answer.name`` and the log.
    """

    def __init__(self, engine: ChatEngine | None = None, skills: Skills | None = None,
                 persona: Persona | None = None, clock: Callable[[], datetime] = datetime.now,
                 version: str = "", history: list[dict] | None = None, history_limit: int = HISTORY_MIN,
                 tools: Toolbox | None = None, call_threshold: float | None = None,
                 history_turns: int | None = HISTORY_TURNS):
        self.engine, self.skills, self.clock, self.version = engine, skills, clock, version
        self.tools = tools  # None: a call the model writes is not run (its text is the reply)
        # None: the loaded model's own (calibrated at its retrain: tools/router.threshold_for)
        self.call_threshold = call_threshold
        self.persona = persona or Persona()
        self.history: list[dict] = list(history or [])  # this conversation's user/assistant messages
        self.history_limit = history_limit
        self.history_turns = history_turns  # None: the whole conversation (within the context)

    # --- the prompt -----------------------------------------------------------------------------
    def system_prompt(self) -> str:
        return self.persona.system_prompt(self.clock())

    @property
    def memory(self):
        """The user's MemoryStore (the toolbox's), or None."""
        return self.tools.memory if self.tools is not None else None

    def notes(self, text: str) -> list[str]:
        """The stored facts most relevant to ``text`` that fit the notes' budget, as Jarvis
        would say them ("your car is parked on level 3"); [] without a memory or a match."""
        return notes_for(self.memory, text)

    def messages(self, text: str) -> list[dict]:
        """What the model is sent for ``text``: the system prompt, the conversation, the message
        (after the notes of what the user told Jarvis that bear on it, where there are any:
        ``with_notes``).  The conversation keeps the message without its notes."""
        return [{"role": "system", "content": self.system_prompt()}, *self.context(),
                {"role": "user", "content": with_notes(text, self.notes(text))}]

    def context(self) -> list[dict]:
        """The conversation the model reads before the next message: its last
        ``history_turns`` exchanges (all of it with None)."""
        if self.history_turns is None:
            return list(self.history)
        kept = self.history[max(0, len(self.history) - 2 * self.history_turns):] if self.history_turns > 0 else []
        return kept[1:] if kept and kept[0]["role"] != "user" else kept

    # --- answering -------------------------------------------------------------------------------
    def ask(self, text: str, stop: threading.Event | None = None, remember: bool = True) -> Reply:
        """Answer ``text``: a skill's reply when one applies, else the model's, streamed.  With
        ``remember`` the turn joins the conversation when the reply ends."""
        text = text.strip()
        if not text:
            raise ModelError("nothing to answer: the message is empty")
        on_end = (lambda answer: self.remember(answer.kept_prompt(text), answer.text)) if remember else None
        answer = self.skill_answer(text)
        if answer is not None:
            return Reply(iter([answer.text]), lambda: answer, on_end)
        return self.generate(self.messages(text), stop, on_end)

    def skill_answer(self, text: str, wait_s: float | None = None) -> Answer | None:
        """The skills' answer to ``text``, or None (no skill applies, or skills are off).

        Worked out in a thread: a skill that takes longer than ``wait_s`` (none should:
        arithmetic is bounded before it is computed) gets a polite refusal, so neither the
        window nor the console ever freezes on one; a skill's bug means "no skill"."""
        if self.skills is None:
            return None
        wait_s = SKILL_WAIT_S if wait_s is None else wait_s
        box: list = []
        done = threading.Event()
        honorific = self.persona.honorific

        def work():
            try:
                box.append(self.skills.handle(text, honorific))
            except Exception:  # a skill's bug must not cost the user the conversation
                log.exception("skill failed on %r", text[:200])
                box.append(None)
            done.set()

        threading.Thread(target=work, name="jarvis-skill", daemon=True).start()
        if not done.wait(wait_s):
            log.warning("a skill took over %.1f s on %r; answered that it is too much", wait_s, text[:200])
            return Answer.of_skill(SkillResult(
                f"I'm afraid that would take me far too long to work out, {honorific}.", "calculator"))
        return Answer.of_skill(box[0]) if box[0] is not None else None

    def generate(self, messages: list[dict], stop: threading.Event | None = None,
                 on_end: Callable[[Answer], None] | None = None) -> Reply:
        """The model's reply to ``messages`` (as ``messages()`` builds them), streamed."""
        engine = self.engine
        if engine is None or engine.loaded is None:
            raise ModelError("No model is loaded: load a GGUF first (jarvis-convert registers one)")
        version = self.version or engine.loaded.stem
        if self.tools is None:
            return Reply(engine.stream(messages, stop), lambda: Answer.of_stream(engine.last_stats, version), on_end)

        last = messages[-1]["content"] if messages else ""
        notes = count_notes(last)
        seen: dict = {"message": without_notes(last)}

        def finish() -> Answer:
            answer = replace(Answer.of_stream(seen["stats"] if "stats" in seen else engine.last_stats, version),
                             notes=notes)
            if (beyond := seen.get("beyond")) is not None:  # said without the model: a skill's answer
                return replace(answer, text=beyond, source="skill", name="beyond_reach", finish_reason="stop",
                               version="")
            outcome = seen.get("outcome")
            if outcome is not None:
                return replace(answer, text=outcome.result.reply, source="tool", name=outcome.name,
                               finish_reason="stop", first_token_s=seen["first_s"], total_s=seen["total_s"],
                               tool=outcome)
            if seen.get("call"):  # stopped while writing a call: nothing was said
                return replace(answer, text="", finish_reason="cancelled")
            if (words := seen.get("words")) is not None and call_in_words(answer.text):
                answer = replace(answer, text=words.strip())  # what was said: not the call written after it
            if spent := seen.get("spent_s"):  # a call was written first and set aside (below)
                return replace(answer, first_token_s=(answer.first_token_s or 0.0) + spent,
                               total_s=(answer.total_s or 0.0) + spent)
            return answer

        before = messages[-2]["content"] if len(messages) > 1 and messages[-2]["role"] == "assistant" else ""
        if before and len(messages) > 2 and messages[-3]["role"] == "user":  # what a call may lean on
            seen["earlier"] = f"{without_notes(messages[-3]['content'])}\n{before}"
        if (sure := self.tools.beyond_doubt(seen["message"], before)) is not None:
            # "remember that ...", "whats du": the call the words make, whatever the model would
            # make of them (prose, or a recall or a forget of the same words); the model is not asked
            seen["stats"] = StreamStats()
            return Reply(self._run_sure(sure, stop, seen), finish, on_end)
        if (family := self.tools.beyond_reach(seen["message"])) is not None:
            # "text my wife I'm on my way", "shut down the computer": no tool does it, and the model
            # answered with one that does something else, or claimed it done (tools/beyond.py)
            seen["stats"], seen["beyond"] = StreamStats(), beyond_reply(family, self.persona.honorific)
            return Reply(iter([seen["beyond"]]), finish, on_end)

        def constrained() -> Iterator[str]:  # the rest of a call, only as the tools allow
            return engine.stream(messages, stop, prefix=PREFIX, grammar=self.tools.grammar)

        starts = call_starts(engine)

        threshold = self.call_threshold if self.call_threshold is not None else threshold_for(engine.loaded)

        def decide(logits, token):  # call or prose, by the probability of calling (tools/router.py)
            swap = route(logits, token, starts, threshold, seen=seen)
            if UNSURE_FLOOR <= seen["p_call"] < threshold and (whole := self.tools.read_in_full(seen["message"])):
                seen["unsure"] = whole  # in two minds, on words that make a whole request: see which
                return max(starts, key=lambda t: logits[t])
            return swap

        def prose() -> Iterator[str]:  # the reply in words after all: no call at its first step
            return engine.stream(messages, stop, first=lambda logits, token: route(logits, token, starts, NEVER))

        return Reply(self._call_or_prose(engine.stream(messages, stop, first=decide), stop, seen, constrained, prose),
                     finish, on_end)

    def call_probability(self, text: str) -> float:
        """The probability that the model's reply to ``text`` (as ``ask`` would send it, skills
        aside) begins a tool call: what the router decides on.  Only the first step is run."""
        engine = self.engine
        if engine is None or engine.loaded is None:
            raise ModelError("No model is loaded: load a GGUF first (jarvis-convert registers one)")
        starts, seen, enough = call_starts(engine), {}, threading.Event()

        def look(logits, token):
            seen["p"] = call_probability(logits, starts)
            enough.set()  # the stream stops before its second token
        for _ in engine.stream(self.messages(text.strip()), enough, first=look):
            pass
        return seen["p"]

    def _call_or_prose(self, pieces: Iterator[str], stop: threading.Event | None, seen: dict,
                       constrained: Callable[[], Iterator[str]] | None = None,
                       prose: Callable[[], Iterator[str]] | None = None) -> Iterator[str]:
        """The model's pieces as they come, unless the reply is a tool call: then the call is read
        whole (the first characters are held back until it is clear), the model is stopped at
        its closing brace, the tool runs, and its sentence is the one piece.  With
        ``constrained``, the model is stopped as soon as it has written ``call:`` and the rest
        comes from ``constrained()`` (sampled under the tools' grammar: only real tools and
        arguments).

        A call made because the router was in two minds (``seen["unsure"]``: the tools the words
        make a whole request of) runs only if it is one of those tools, and a call to a tool the
        words say nothing of does not run (``_set_aside_why``); such a call is set aside unsaid
        and the reply is ``prose()``."""
        t0, held, bare = time.perf_counter(), "", False
        for piece in pieces:
            held += piece
            # a call written without its "call:" ("open -app{name:...}") is held back too: it is
            # never said, it is run (or set aside) as a call
            bare = not may_be_call(held) and may_be_bare_call(held)
            if not may_be_call(held) and not bare:
                yield from self._said(held, pieces, seen, t0)  # prose: from here on, as it comes
                return
            if bare and bare_call_name(held) is None:
                continue
            # in two minds, the call is the grammar's from its first character
            started = held.lstrip().lower().startswith(PREFIX) or "unsure" in seen or bare
            if started and (constrained is not None and not bare or is_complete(held) or len(held) > MAX_CALL_CHARS):
                break
        else:
            if not held.lstrip().lower().startswith(PREFIX) and not (bare and bare_call_name(held)):
                yield from self._said(held, iter(()), seen, t0)  # a reply as short as "c", or a few words in lower case
                return
            constrained = None  # the reply ended (max_tokens): what was written is the call
        if bare:
            held, constrained = with_prefix(held), None
            log.info("a call written without its prefix: %r", held[:200])
        pieces.close()  # a call is all the model has to say: stop it at the closing brace
        if constrained is not None and not (stop is not None and stop.is_set()):
            rest = constrained()
            held = PREFIX
            for piece in rest:
                held += piece
                if is_complete(held) or len(held) > MAX_CALL_CHARS:
                    break
            rest.close()
        seen["call"] = held.strip()
        if stop is not None and stop.is_set():
            return
        tool = self.tools.tool_of(held, seen.get("message", ""))  # (a neighbour's, where the words read as one)
        whole = seen.get("unsure")
        if whole is not None and tool not in whole and (named := self.tools.written_whole(seen["message"], whole)):
            # in two minds, the words make a whole request of two tools and name one of them
            # ("countdown to the summer solstice the twenty first of june": a count down, not a
            # weekday), and the model wrote a third (set_timer{seconds:21}): the one they name
            log.info("ran %r instead of %r (p_call %.2f): the words name it of %s", named, held.strip()[:200],
                     seen.get("p_call", 0.0), sorted(whole))
            yield self._ran(named, seen, t0)
            return
        if instead := self._memory_first(tool, seen):
            log.info("ran %r instead of %r (p_call %.2f): the memory surely answers %r", instead, held.strip()[:200],
                     seen.get("p_call", 0.0), seen.get("message", "")[:200])
            yield self._ran(instead, seen, t0)
            return
        why = self._set_aside_why(tool, seen) if prose is not None or bare else ""
        if why:
            log.info("set aside %r (p_call %.2f): %s", held.strip()[:200], seen.get("p_call", 0.0), why)
            seen["call"], seen["spent_s"] = None, time.perf_counter() - t0
            if bare:  # the reply in words was this call: asked again, the model would write it again
                yield f"I'm not sure what you'd like me to do, {self.persona.honorific}; could you put it another way?"
                return
            yield from self._said("", prose(), seen, t0)
            return
        yield self._ran(held.strip(), seen, t0)

    def _run_sure(self, call: str, stop: threading.Event | None, seen: dict) -> Iterator[str]:
        """The call the words make beyond doubt (Toolbox.beyond_doubt), run as the model's would be."""
        t0 = time.perf_counter()
        seen["call"] = call
        if stop is None or not stop.is_set():
            yield self._ran(call, seen, t0)

    def _ran(self, call: str, seen: dict, t0: float) -> str:
        """Run ``call`` for the message in ``seen``; its outcome and timing go into ``seen``, and its
        sentence is returned."""
        outcome = self.tools.run(call, self.persona.honorific, seen.get("message", ""))
        seen["outcome"], seen["first_s"] = outcome, time.perf_counter() - t0
        seen["total_s"] = seen["first_s"]
        return outcome.result.reply

    def _memory_first(self, tool: str | None, seen: dict) -> str | None:
        """A ``recall`` to run instead of a call to ``tool``, where the memory surely answers the
        message and the call is to another tool: in two minds, a tool the words make no whole
        request of (``seen["unsure"]`` holds recall, and the call would be set aside: "What's my
        favourite band?" written as ``now_playing``); sure of a call, a tool the words neither
        request in full nor name (Toolbox.memory_first).  None: the call stands."""
        message, whole = seen.get("message", ""), seen.get("unsure")
        if whole is not None:
            return self.tools.recall_of(message) if "recall" in whole and tool not in whole else None
        return self.tools.memory_first(tool, message)

    def _said(self, held: str, pieces: Iterator[str], seen: dict, t0: float) -> Iterator[str]:
        """A reply in words, ``held`` and then ``pieces`` as they come; where it is watched
        (``_watching``), its first clause is held back (up to the words of his not knowing, where
        they come first), and a reply that opens with Jarvis not knowing is the memory's answer
        instead (``_instead_of_unsure``: the model is stopped; the recall says its fact as the
        answer, or as the nearest noted where it is not sure)."""
        if self._watching(seen):
            while not (UNSURE.search(held) or OPENING_SAID.search(held) or len(held) >= OPENING_CHARS):
                if (piece := next(pieces, None)) is None:
                    break
                held += piece
            if instead := self._instead_of_unsure(held, seen):
                if close := getattr(pieces, "close", None):
                    close()
                yield self._ran(instead, seen, t0)
                return
        said = ""
        for words in words_before_call(pieces, held):  # a call written after words is never said
            said += words
            yield words
        seen["words"] = said

    def _watching(self, seen: dict) -> bool:
        """Whether the opening of a reply in words is held back until its first clause is written:
        where the message is a question about the user that the memory may answer
        (Toolbox.may_remember; decided once a reply)."""
        if "watch" not in seen:
            seen["watch"] = self.tools is not None and self.tools.may_remember(seen.get("message", ""))
        return seen["watch"]

    def _instead_of_unsure(self, held: str, seen: dict) -> str | None:
        """A ``recall`` of the message to run instead of the watched reply ``held`` begins, where its
        first clause says Jarvis does not know: "Is there a herb I can't stand?" beside "I hate
        coriander" was answered "I'm not certain of that, sir, and I'd rather not guess. A quick
        search would settle it properly."  None: the reply stands."""
        opening = held[:m.end()] if (m := OPENING_SAID.search(held)) else held
        if not UNSURE.search(opening):
            return None
        message = seen.get("message", "")
        log.info("a recall instead of the reply %r: the memory may answer %r", opening[:80], message[:200])
        return self.tools.recall_of(message)

    def _set_aside_why(self, tool: str | None, seen: dict) -> str:
        """Why a call to ``tool`` is not to run ("": it runs): made in two minds, to a tool other
        than those the words make a whole request of; or to a tool the words say nothing of
        ("which port is plain imap on" is no request for ``local_ip``: tools/cues.py), unless
        they make a whole request of it after all; or a sum with nothing to work out
        (Toolbox.works_nothing_out); or a call the words give no ground for: a conversion of no
        unit named, the explanation of a command not named (Toolbox.unfounded)."""
        whole, message = seen.get("unsure"), seen.get("message", "")
        if whole is not None and tool not in whole:
            return f"the words make a whole request of {', '.join(sorted(whole))} only"
        if tool is not None and not bears_on(tool, message) and tool not in self.tools.read_in_full(message):
            return f"the words say nothing of {tool}"
        if self.tools.works_nothing_out(seen.get("call") or "", message):
            return "a sum with nothing to work out"
        return self.tools.unfounded(seen.get("call") or "", message, seen.get("earlier", ""))

    def prefill(self) -> int:
        """Evaluate ahead of time what the next reply's prompt starts with: the system prompt and
        the conversation so far (ChatEngine.prefill).  For the moments no one waits on the
        model: after a model loads, and after a reply while it is read or heard.  Returns the
        tokens evaluated; 0 without a model."""
        if self.engine is None or self.engine.loaded is None:
            return 0
        return self.engine.prefill([{"role": "system", "content": self.system_prompt()}, *self.context()])

    # --- the conversation -------------------------------------------------------------------------
    def remember(self, prompt: str, reply: str) -> None:
        """Add a turn.  Turns far outside any context (each message costs the template a few
        tokens) are dropped in chunks: memory stays flat over a days-long conversation, and the
        engine's KV cache survives all but one turn per chunk."""
        self.history += [{"role": "user", "content": prompt}, {"role": "assistant", "content": reply}]
        if len(self.history) > self.history_limit + HISTORY_CHUNK:
            del self.history[:HISTORY_CHUNK]

    def reset(self) -> None:
        """A new conversation."""
        self.history = []

    def forget_words(self, phrases) -> int:
        """Drop every exchange of this conversation that holds one of ``phrases`` (case
        ignored): what the user had forgotten must not reach the model again.  Returns the
        exchanges dropped."""
        wanted = [p.casefold() for p in phrases if p.strip()]
        kept, dropped = [], 0
        for i in range(0, len(self.history) - 1, 2):
            pair = self.history[i:i + 2]
            if any(w in m["content"].casefold() for m in pair for w in wanted):
                dropped += 1
            else:
                kept += pair
        if len(self.history) % 2:
            kept.append(self.history[-1])
        self.history = kept
        return dropped
