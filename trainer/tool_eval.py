"""Scoring a model's tool calling on the held-out requests (assets/data/eval/tools_heldout.jsonl).

Every request goes through the app's Assistant with the tools on and the skills off (the model
itself is scored: a regex skill that answers a sum first would hide its routing), at the
evaluation's fixed clock ``EVAL_NOW``.  Per request: did the model call the right tool (or,
for chat, none), with the right arguments, and does the reply say what the tool said.

    routing_accuracy   requests answered the right way: the expected tool, or prose for chat
    false_call_rate    chat requests answered with a call
    missed_call_rate   tool requests answered in prose
    argument_accuracy  of the calls to the right tool, those with the expected arguments
                       (numbers equal to 1e-6, strings compared without case or spaces; for
                       tools whose answer is the call's and the clock's alone, a call that
                       gives the same sentence as the expected one: "Christmas" for "12-25";
                       a timer by its length).  The call scored is the one that ran: the
                       model's, with the arguments the request's words say for certain read
                       in (tools/slots.py), as the user gets it
    model_argument_accuracy  the same of the calls as the model wrote them
    result_fidelity    tool answers whose text is the tool's own sentence (the Assistant says
                       nothing else: anything below 1.0 is a bug)
    invalid_calls      calls the Toolbox could not parse, to no tool, or with wrong arguments
    routing_in_conversation  routing_accuracy of every CONVERSATION_EVERY-th request asked after
                       one earlier turn of its conversation (one of CONVERSATION_VARIETY development
                       requests to a read-only tool, or of as many chats, answered whole as the
                       app keeps it, once for all the requests after it): a model can route
                       requests alone well and badly once something came before (0.956 alone,
                       0.636 after one turn, 2026-12-04), which the user meets every day

With the factual questions no tool answers (trainer/facts.py: right, honestly unsure, wrong),
these are the gate's substance figures (``evaluate_substance``, ``substance_failures``): a
candidate worse on them than the current model is not promoted, as on the persona.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import math
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from jarvis_desktop.core.assistant import EVAL_NOW, Answer, Assistant, Persona
from jarvis_desktop.core.engine import ChatEngine, EngineConfig
from jarvis_desktop.core.errors import DataError
from jarvis_desktop.core.paths import asset
from jarvis_desktop.core.timers import TimerService
from jarvis_desktop.core.tools import Toolbox, default_tools, parse
from trainer.cores import free_cores_now
from jarvis_desktop.core.tools.base import Context
from jarvis_desktop.core.tools.call import CallError, check
from jarvis_desktop.core import assistant as assistant_module
from jarvis_desktop.core import memory_words
from jarvis_desktop.core.tools import slots
from trainer.facts import HELDOUT as FACTS_HELDOUT
from trainer.facts import Fact, grade, load_facts, score_facts

__all__ = ["ToolCase", "CaseResult", "load_cases", "run_cases", "run_facts", "score_cases", "evaluate_substance",
           "substance_failures", "best_substance", "substance_key", "conversation_before", "last_kind", "HELDOUT",
           "ROUTING_DEV", "SUBSTANCE_LIMITS", "CONVERSATION_EVERY", "CONVERSATION_VARIETY"]

HELDOUT = ("data", "eval", "tools_heldout.jsonl")
ROUTING_DEV = ("data", "dev", "routing_dev.jsonl")  # the earlier turns of a conversation come from it
CONVERSATION_EVERY = 3  # the gate asks every third held-out request after an earlier turn too,
CONVERSATION_VARIETY = 12  # one of 12 tool requests' or 12 chats' (each answered once, then reused)


@dataclass(frozen=True)
class ToolCase:
    id: str
    request: str
    call: str | None  # the expected call; None: chat, no tool
    kind: str         # "tool" | "chat"


@dataclass(frozen=True)
class CaseResult:
    case: ToolCase
    reply: str
    called: str | None  # the call that ran (the model's, with what the words say: tools/slots.py), or None
    tool: str | None    # the tool it named
    error: str          # why the call was not run ("" when it was, or for prose)
    faithful: bool      # a tool answer whose text is the tool's sentence (True for prose)
    status: str = "prose"  # or the Toolbox's Outcome.status
    written: str | None = None  # the call as the model wrote it


def load_cases(path: Path | None = None) -> list[ToolCase]:
    """The held-out requests; DataError naming file:line for a bad line."""
    path = Path(path) if path is not None else asset(*HELDOUT)
    cases = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            case = ToolCase(str(row["id"]), str(row["request"]), row.get("call"), str(row["kind"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise DataError(path, n, f"not a held-out request ({exc})",
                            'expected {"id", "request", "call": "call:..." or null, "kind": "tool" or "chat"}') from None
        if (case.call is None) != (case.kind == "chat"):
            raise DataError(path, n, "a chat request has no call and a tool request has one")
        cases.append(case)
    return cases


@contextlib.contextmanager
def answering(gguf: Path, persona: Persona, n_threads: int = 0, max_tokens: int = 64,
              call_threshold: float | None = None, memory=None):
    """A function answering one message alone through the Assistant (tools on, dry run for
    tools that change something, skills off, greedy, at EVAL_NOW): ``ask(text) -> Reply``.
    ``call_threshold`` None: the model's own (its meta.json's, as the app reads it).  ``memory``:
    a MemoryStore the memory tools and the notes in context read (None: no memory, as the gate)."""
    engine = ChatEngine(EngineConfig(n_ctx=1024, n_threads=free_cores_now(n_threads), max_tokens=max_tokens,
                                     temperature=0.0, seed=0))
    engine.load(Path(gguf))
    clock = lambda: EVAL_NOW  # noqa: E731
    try:
        with tempfile.TemporaryDirectory(prefix="jarvis-tool-eval-") as tmp:
            tools = Toolbox(timers=TimerService(Path(tmp) / "timers.json", clock=clock), clock=clock, act=False,
                            memory=memory)

            heard: dict[tuple[str, ...], list[dict]] = {}  # earlier turns, answered once each

            def assistant(history=None):
                return Assistant(engine, None, persona, clock=clock, version=Path(gguf).stem, tools=tools,
                                 call_threshold=call_threshold, history=history)

            def ask(text: str, before: Sequence[str] = ()):
                if tuple(before) not in heard:  # a conversation so far, kept as the app keeps it
                    earlier = assistant()
                    for said in before:
                        earlier.ask(said).result()
                    heard[tuple(before)] = list(earlier.history)
                return assistant(heard[tuple(before)]).ask(text, remember=False)
            yield ask
    finally:
        engine.close()


def memory_holding(memory_set: Path, path: Path, embedder=None):
    """A MemoryStore at ``path`` holding what each tell of the memory set ``memory_set``
    (assets/data/dev/memory_dev.jsonl's kind) keeps, as the remember tool keeps the user's words
    (memory_words.told): a user's memory to score routing beside (benchmarks/tool_routing.py)."""
    from jarvis_desktop.core.memory import MemoryStore

    store = MemoryStore(path, embedder=embedder)
    for n, line in enumerate(Path(memory_set).read_text(encoding="utf-8").splitlines(), 1):
        try:
            row = json.loads(line) if line.strip() else {}
            if row.get("kind") == "pair":
                store.add(memory_words.told(row["tell"]), source="chat")
        except (ValueError, KeyError, TypeError) as exc:
            store.close()
            raise DataError(memory_set, n, f"not a memory set's row ({type(exc).__name__}: {exc})",
                            "each line is a JSON object: kind \"pair\" with a tell, or another kind") from None
    return store


def _dev_requests() -> tuple[list[str], list[str]]:
    """The development set's requests to read-only tools (their answers are the same wherever
    they run, and nothing is done) and its chats."""
    read_only = {t.name for t in default_tools() if t.read_only}
    rows = [json.loads(line) for line in asset(*ROUTING_DEV).read_text(encoding="utf-8").splitlines() if line.strip()]
    return ([r["request"] for r in rows if r.get("tool") in read_only],
            [r["request"] for r in rows if r["kind"] == "chat"])


def last_kind(i: int, n: int) -> str:
    """Whether the turn just before the i-th request of ``conversation_before(n)`` is a tool
    request ("tool") or a chat ("chat")."""
    return "tool" if (i + n - 1) % 2 == 0 else "chat"


def conversation_before(n: int, variety: int = 0) -> Callable[[int], list[str]]:
    """before(i): the n development requests the i-th held-out request comes after, a tool
    request and a chat by turns (the same ones on every run; none of them held out).
    ``variety``: drawn from only that many of each (0: all), spread over the set."""
    tools, chats = _dev_requests()
    if variety:
        tools, chats = (pool[::max(1, len(pool) // variety)][:variety] for pool in (tools, chats))

    def before(i: int) -> list[str]:
        said = []
        for j in range(n):
            pool = tools if (i + j) % 2 == 0 else chats
            k = (i * n + j) // 2 if variety else (i * n + j) * 7  # a few: each in turn
            said.append(pool[k % len(pool)])
        return said
    return before


def first_answer(reply) -> Answer:
    """The answer as far as routing goes: a call's whole outcome, or a reply's first words once
    they are surely prose (the rest is not generated: the gate needs only which way it went)."""
    pieces = iter(reply)
    next(pieces, None)
    pieces.close()
    return reply.answer


def run_cases(gguf: Path, cases: list[ToolCase], persona: Persona, n_threads: int = 0,
              max_tokens: int = 64, progress=None, whole_replies: bool = True,
              call_threshold: float | None = None, memory=None,
              before: Callable[[int], Sequence[str]] | None = None) -> list[CaseResult]:
    """Each request, alone, through the Assistant (tools on, skills off, greedy, at EVAL_NOW).
    ``whole_replies`` False: prose is cut once it is surely prose (routing and arguments are
    scored the same; only the chat replies' text is short).  ``memory``: as ``answering``.
    ``before(i)``: the messages the i-th request comes after in its conversation (answered
    first, whole, by the same Assistant); None: each alone."""
    results = []
    with answering(gguf, persona, n_threads, max_tokens, call_threshold, memory) as ask:
        for i, case in enumerate(cases):
            reply = ask(case.request, before(i) if before else ())
            results.append(_result(case, reply.result() if whole_replies else first_answer(reply)))
            if progress:
                progress(i + 1, len(cases))
    return results


def run_facts(gguf: Path, facts: list[Fact], persona: Persona, n_threads: int = 0, max_tokens: int = 24,
              progress=None) -> list[tuple[Fact, str, str]]:
    """Each held-out question through the Assistant as ``run_cases`` asks: (fact, reply, grade).
    Graded on the reply's first ``max_tokens``: the data puts the fact (or the honest "not
    certain") first, and what follows is wit, not substance."""
    results = []
    with answering(gguf, persona, n_threads, max_tokens) as ask:
        for i, fact in enumerate(facts):
            text = ask(fact.question).result().text
            results.append((fact, text, grade(text, fact.answers)))
            if progress:
                progress(i + 1, len(facts))
    return results


# The code between the model and a scored reply: routing (assistant.py: the router's line, the
# two-minds band, calls set aside), the tools and how arguments are read from the words
# (tools/*.py), what the memory reads as a question or a fact.  A change to any of it scores the
# current model again, so that a candidate is never compared with figures the old code gave.
ANSWERING_CODE = (Path(assistant_module.__file__), Path(memory_words.__file__),
                  *sorted(Path(slots.__file__).parent.glob("*.py")))


def substance_key(persona: Persona) -> str:
    """What a substance score depends on: the held-out files, the system prompt, the tools' grammar,
    the code that answers (ANSWERING_CODE) and how answers are compared (SCORING)."""
    h = hashlib.sha256(SCORING.encode())
    for path in ANSWERING_CODE:
        h.update(path.name.encode() + path.read_bytes())
    for part in (HELDOUT, FACTS_HELDOUT, ROUTING_DEV):
        h.update(Path(asset(*part)).read_bytes())
    h.update(persona.system_prompt(EVAL_NOW).encode())
    h.update(Toolbox().grammar.encode())
    return h.hexdigest()[:16]


def evaluate_substance(gguf: Path, persona: Persona, n_threads: int = 0, progress=None) -> dict:
    """The gate's substance figures for one model: the tool figures (``score_cases``, without
    ``per_tool``), routing in a conversation (``routing_in_conversation``) and the factual ones
    (``score_facts``), with the seconds they took."""
    t0 = time.perf_counter()
    cases, facts = load_cases(), load_facts(kind=FACTS_HELDOUT)
    # grouped by the earlier turn, so that each group's prompts share its start in the KV cache
    first = conversation_before(1, CONVERSATION_VARIETY)
    talked = sorted(((first(i), case) for i, case in enumerate(cases[::CONVERSATION_EVERY])), key=lambda p: p[0])
    total = len(cases) + len(talked) + len(facts)

    def after(offset: int):
        return (lambda done, _n: progress(offset + done, total)) if progress else None
    results = run_cases(gguf, cases, persona, n_threads, progress=after(0), whole_replies=False)
    in_talk = run_cases(gguf, [case for _b, case in talked], persona, n_threads, progress=after(len(cases)),
                        whole_replies=False, before=lambda i: talked[i][0])
    graded = run_facts(gguf, facts, persona, n_threads, progress=after(len(cases) + len(talked)))
    scores = {k: v for k, v in score_cases(results).items() if k != "per_tool"}
    scores["routing_in_conversation"] = score_cases(in_talk)["routing_accuracy"]
    return {**scores, **score_facts([g for _f, _t, g in graded]), "seconds": round(time.perf_counter() - t0, 1)}


# (figure, how much worse than the current model refuses the candidate): negative for figures a
# better model raises, positive for those it lowers.  A few requests' worth of slack (one of
# 169 tool requests is 0.006): greedy replies of two fine-tunes differ by a little noise.
SUBSTANCE_LIMITS = (("routing_accuracy", -0.03), ("argument_accuracy", -0.03), ("false_call_rate", 0.03),
                    ("result_fidelity", -0.001), ("facts_wrong_rate", 0.05), ("routing_in_conversation", -0.05))


def substance_failures(candidate: dict, current: dict, best: dict | None = None) -> list[tuple[str, str]]:
    """[(figure, why)] for each substance figure on which the candidate is worse than allowed:
    than the current model, or (``best``: the best figures of the models promoted before it,
    ``best_substance``) than the best of them, so that promotions each a little worse than the
    last cannot add up to a model much worse than the best the user had."""
    out = []
    for key, worse_by in SUBSTANCE_LIMITS:
        if candidate.get(key) is None:
            continue
        for than, label in ((current, "current"), (best or {}, f"the best since {(best or {}).get('since')}")):
            if than.get(key) is None:
                continue
            delta = candidate[key] - than[key]
            if (worse_by < 0 and delta < worse_by) or (worse_by > 0 and delta > worse_by):
                out.append((key, f"{key.replace('_', ' ')} {candidate[key]:.3f} vs {label} {than[key]:.3f}"))
                break
    if candidate.get("invalid_calls", 0) > current.get("invalid_calls", 0):
        out.append(("invalid_calls", f"{candidate['invalid_calls']} invalid calls vs current "
                                     f"{current['invalid_calls']}"))
    return out


def best_substance(before: dict | None, scores: dict, version: str) -> dict:
    """The best of each substance figure over a line of promoted models: ``before`` (the line's
    best so far, as the current model's meta.json keeps it; ignored where it was scored with
    other sets or code, ``key``) and ``scores`` (the figures of ``version``, which joins the
    line).  Kept in each promoted version's meta.json ("evaluation", "substance_best")."""
    same = before is not None and before.get("key") == scores.get("key")
    out = {"key": scores.get("key"), "since": before.get("since") if same else version}
    for key, worse_by in SUBSTANCE_LIMITS:
        values = [v for v in ((before or {}).get(key) if same else None, scores.get(key)) if v is not None]
        if values:
            out[key] = max(values) if worse_by < 0 else min(values)
    return out


def _result(case: ToolCase, answer: Answer) -> CaseResult:
    outcome = answer.tool
    if outcome is None:
        return CaseResult(case, answer.text, None, None, "", True)
    ran = outcome.call.text if outcome.call is not None else answer.stats.text.strip() if answer.stats else ""
    return CaseResult(case, answer.text, ran, outcome.call.name if outcome.call else None, outcome.error,
                      answer.text == outcome.result.reply, outcome.status, outcome.written or ran)


@functools.cache
def _tools() -> dict:
    return {t.name: t for t in default_tools()}


SCORING = ("7: the call that ran; set_timer by its length; whole requests called when in two minds; in conversation; "
           "reference tools by their answer")  # changed: cached scores are stale

# Tools whose answer depends on nothing but the call and the clock (and, for the reference tools,
# on tables that do not change while an evaluation runs: the atlas, the periodic table, this
# computer's /etc/services): two calls to one of them that give the user the same sentence at the
# evaluation's clock carry the same arguments, however they are spelt ("mile" or "miles", "12-25"
# or "Christmas", "12.50" or "12.5", "postgres" or "postgresql", "UK" or "United Kingdom").
SAME_ANSWER_TOOLS = frozenset({"calculate", "percent", "split_bill", "total_duration", "convert", "weekday",
                               "days_until", "date_in", "time_in", "country", "element", "port"})


@functools.lru_cache(maxsize=1)
def same_answer(expected: str, got: str, message: str = "") -> bool:
    """Whether two calls to one of SAME_ANSWER_TOOLS both run and say the same, at EVAL_NOW, in
    answer to ``message`` (a cup of flour in grams needs the words that say it is flour).  The
    tools alone run each call as written: Toolbox.run would read the message's words into both."""
    tools, context = _tools(), Context("sir", EVAL_NOW, message=message)
    replies = []
    for text in (expected, got):
        try:
            call = parse(text)
            replies.append((call.name, tools[call.name].run(check(call, tools[call.name]), context).reply))
        except Exception:  # noqa: BLE001 - malformed, unknown, refused or failed: not the same answer
            return False
    return replies[0] == replies[1]


def same_arguments(expected: str, got: str, message: str = "") -> bool:
    """Whether two calls to the same tool carry the same arguments, as the tool takes them (for
    SAME_ANSWER_TOOLS: or give the same answer to ``message``)."""
    tools = _tools()
    try:
        a, b = parse(expected), parse(got)
        a_args, b_args = check(a, tools[a.name]), check(b, tools[b.name])
    except (CallError, KeyError):
        return False
    if a.name != b.name:
        return False
    if a.name in SAME_ANSWER_TOOLS and same_answer(expected, got, message):
        return True
    if a.name == "set_timer":  # 90 minutes or an hour and 30: the same timer
        length = lambda args: sum(int(args.pop(k, 0) or 0) * n for k, n in (("hours", 3600), ("minutes", 60), ("seconds", 1)))  # noqa: E731
        a_args, b_args = dict(a_args), dict(b_args)
        if length(a_args) != length(b_args):
            return False
    if set(a_args) != set(b_args):
        return False
    for key, x in a_args.items():
        y = b_args[key]
        if isinstance(x, (int, float)) and not isinstance(x, bool):
            if not math.isclose(float(x), float(y), rel_tol=1e-6, abs_tol=1e-9):
                return False
        elif isinstance(x, str):
            if "".join(x.split()).casefold() != "".join(str(y).split()).casefold():
                return False
        elif x != y:
            return False
    return True


def score_cases(results: list[CaseResult]) -> dict:
    """The figures of the module's docstring, overall and per tool (``per_tool``: requests,
    routed right, arguments right)."""
    tool_cases = [r for r in results if r.case.kind == "tool"]
    chat_cases = [r for r in results if r.case.kind == "chat"]
    routed = [r for r in results if (r.tool == parse(r.case.call).name if r.case.call else r.called is None)]
    right_tool = [r for r in tool_cases if r in routed]
    args_right = [r for r in right_tool if r.called and same_arguments(r.case.call, r.called, r.case.request)]
    as_written = [r for r in right_tool if r.written and same_arguments(r.case.call, r.written, r.case.request)]
    called = [r for r in results if r.called is not None]
    per_tool: dict[str, dict] = {}
    for r in tool_cases:
        row = per_tool.setdefault(parse(r.case.call).name, {"requests": 0, "routed": 0, "arguments": 0})
        row["requests"] += 1
        row["routed"] += r in right_tool
        row["arguments"] += r in args_right

    def share(part, whole):
        return round(len(part) / len(whole), 3) if whole else 0.0

    return {
        "requests": len(results), "tool_requests": len(tool_cases), "chat_requests": len(chat_cases),
        "routing_accuracy": share(routed, results),
        "false_call_rate": share([r for r in chat_cases if r.called is not None], chat_cases),
        "missed_call_rate": share([r for r in tool_cases if r.called is None], tool_cases),
        "argument_accuracy": share(args_right, right_tool),
        "model_argument_accuracy": share(as_written, right_tool),  # before the words were read (slots.py)
        "result_fidelity": share([r for r in called if r.faithful], called) if called else 1.0,
        "invalid_calls": sum(r.status in ("malformed", "unknown", "arguments") for r in called),
        "per_tool": dict(sorted(per_tool.items())),
    }
