"""``jarvis-train eval MODEL.gguf [--against OTHER.gguf]``: does the persona hold?

The held-out prompts (trainer/data.py ``split_examples``: never trained on) are answered by the
app's own ``Assistant`` (jarvis_desktop.core.assistant: the same system prompt, skills, chat
template, stop strings and context fitting), greedy and with a fixed clock (``EVAL_NOW``), so
two runs agree and the gate scores what the user gets: a sum the calculator answers in the app
is answered by it here too (``Reply.source`` says which; ``skill_rate`` counts them).  Each reply is scored by trainer/persona_metrics.py; the figures per model are:

  address_rate     replies that address the user by the honorific
  overuse_rate     replies that use it twice or more
  disclaimer_rate  "as an AI language model" and the like
  american_rate    replies with an American spelling
  clean_stop_rate  replies that end by themselves within the token limit
  degenerate_rate  replies that loop (over 20% of their word trigrams repeated)
  speech_rate      replies of 1-4 sentences without markdown (sized to be spoken)
  math_exact       math prompts whose reply states the checked answer
  skill_rate       replies the app's skills gave (a sum, the time), as the user gets them
  words_median, first_token_s, tokens_per_s (of the model's replies)

``persona_score`` averages the persona figures (1 is perfect); ``gate`` compares two models
for the retrain chain: a candidate worse than the current model is not promoted.

The win rate is measured on held-out prompts the user rated down (the interaction log's
``heldout.jsonl``: never trained on): both models answer each, and ``judge`` prefers the reply
that passes more of the persona checks (``reply_checks``), then, as the tie-break, the one
closer to the user's correction (word F1), or, with no correction, the one further from the
reply the user rated down.  Wins count 1, ties 1/2.
"""

from __future__ import annotations

import hashlib
import json
import math
import statistics
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from jarvis_desktop.core.assistant import EVAL_NOW, Assistant, Persona
from jarvis_desktop.core.engine import ChatEngine, EngineConfig
from jarvis_desktop.core.errors import DataError, ModelError
from jarvis_desktop.core.skills import Skills
from jarvis_desktop.core.timers import TimerService
from jarvis_desktop.core.tools import Toolbox
from trainer import persona_metrics as pm
from trainer.data import Example, fill_honorific, load_examples, split_examples
from trainer.cores import free_cores_now

__all__ = ["EvalPrompt", "Reply", "heldout_prompts", "run_model", "score", "persona_score", "gate",
           "evaluate_model", "write_report", "eval_key", "rated_down_prompts", "reply_checks", "judge",
           "win_rate", "compare_on", "MIN_WIN_PROMPTS", "LOSS_P", "loss_p", "worse_on_rated_down", "load_problem", "eval_persona", "eval_system",
           "EVAL_NOW", "GateDecision"]

RATE_METRICS, LOWER_IS_BETTER = pm.RATE_METRICS, pm.LOWER_IS_BETTER
DEGENERATE = 0.2
MIN_WIN_PROMPTS = 3  # fewer held-out rated-down prompts than this: the win rate is shown, not gated on
# Two fine-tunes of the same data answer most prompts alike, and the word-F1 tie-break then
# decides on a word or two: with a few prompts, a win rate under one half is a coin toss (a
# warm retrain that changed nothing was refused on 0 wins, 1 tie and 2 losses).  So the gate
# refuses only where the losses are unlikely to be chance: a sign test over the prompts that
# were not ties (one-sided, p <= LOSS_P: all of 3 lost, 4 of 5, 6 of 8, 7 of 10, ...).
LOSS_P = 0.2


def loss_p(wins: int, losses: int) -> float:
    """The chance of at least ``losses`` losses in ``wins + losses`` fair coin tosses."""
    n = wins + losses
    return sum(math.comb(n, k) for k in range(losses, n + 1)) / 2 ** n if n else 1.0


def worse_on_rated_down(wins: dict) -> bool:
    """Whether a ``win_rate`` result shows the candidate worse where the user rated down: enough
    prompts (MIN_WIN_PROMPTS), under half won, and more losses than chance gives (LOSS_P)."""
    return (wins["prompts"] >= MIN_WIN_PROMPTS and wins["win_rate"] is not None and wins["win_rate"] < 0.5
            and loss_p(wins["wins"], wins["losses"]) <= LOSS_P)


@dataclass
class EvalPrompt:
    messages: list[dict]  # the conversation up to (and including) the last user turn
    reference: str  # the dataset's reply, for the report
    category: str
    answer: str | None  # math: the checked answer
    source: str
    rejected: str = ""  # a held-out thumbs-down turn: the reply the user rated down


@dataclass
class Reply:
    text: str
    finish_reason: str
    tokens: int
    first_token_s: float
    tokens_per_s: float
    source: str = "model"  # or "skill": the app's skills answered, as they would for the user


# Categories whose replies are tool calls: what the user hears is the tool's sentence, so they
# say nothing of the persona; the substance sets (trainer/tool_eval.py) score the calls.
CALL_CATEGORIES = ("tools",)


def heldout_prompts(data: list, honorific: str, holdout: float = 0.1, limit: int = 0) -> list[EvalPrompt]:
    """The persona prompts: each category's held-out examples, but CALL_CATEGORIES'."""
    examples: list[Example] = [ex for p in data for ex in load_examples(Path(p))]
    _, held = split_examples(examples, holdout)
    prompts = []
    for ex in held:
        msgs = [m for m in ex.messages if m["role"] != "system"]
        if ex.category in CALL_CATEGORIES or (msgs[-1]["content"].startswith("call:") and not ex.check):
            continue  # a call with no checked answer says nothing of the persona
        context = [{"role": m["role"], "content": fill_honorific(m["content"], honorific)} for m in msgs[:-1]]
        prompts.append(EvalPrompt(context, fill_honorific(msgs[-1]["content"], honorific), ex.category,
                                  (ex.check or {}).get("answer"), ex.source))
    return prompts[:limit] if limit else prompts


def rated_down_prompts(path: Path, honorific: str) -> list[EvalPrompt]:
    """The held-out thumbs-down turns (trainer/feedback.py's heldout.jsonl) as prompts:
    ``reference`` is the correction ("" without one), ``rejected`` the reply rated down."""
    path = Path(path)
    if not path.is_file():
        return []
    prompts = []
    # Split at "\n" only: str.splitlines() also splits at U+2028, which JSON leaves unescaped.
    for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            msgs = [{"role": m["role"], "content": fill_honorific(m["content"], honorific)} for m in row["prompt"]]
            rejected = fill_honorific(row["rejected"][-1]["content"], honorific)
            chosen = fill_honorific(row["chosen"][-1]["content"], honorific) if row.get("chosen") else ""
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise DataError(path, n, f"not a held-out row ({type(exc).__name__}: {exc})",
                            "export the interaction log again (jarvis-train retrain does)") from None
        prompts.append(EvalPrompt(msgs, chosen, "rated down", None, f"{path}:{n}", rejected))
    return prompts


def _degenerate(text: str) -> bool:
    return pm.repetition(text) > DEGENERATE


def _sized_for_speech(text: str) -> bool:
    return 1 <= pm.sentence_count(text) <= 4 and not pm.has_markdown(text)


def reply_checks(text: str, finish_reason: str, honorific: str) -> int:
    """How many of the persona checks one reply passes (0-6): addressed once, no disclaimer,
    British spelling, not looping, sized to be spoken, ended by itself."""
    return sum((pm.address_count(text, honorific) == 1, not pm.has_ai_disclaimer(text),
                not pm.american_spellings(text), not _degenerate(text), _sized_for_speech(text),
                finish_reason == "stop"))


def _f1(a: str, b: str) -> float:
    wa, wb = pm.words(a), pm.words(b)
    common = sum(min(wa.count(w), wb.count(w)) for w in set(wa))
    return 0.0 if not common else 2 * common / (len(wa) + len(wb))


def judge(prompt: EvalPrompt, a: Reply, b: Reply, honorific: str) -> float:
    """1 when reply ``a`` is better than ``b`` for a prompt the user rated down, 0 when worse,
    0.5 for a tie (see the module notes)."""
    checks = reply_checks(a.text, a.finish_reason, honorific) - reply_checks(b.text, b.finish_reason, honorific)
    if checks:
        return 1.0 if checks > 0 else 0.0
    if prompt.reference:
        closer = _f1(a.text, prompt.reference) - _f1(b.text, prompt.reference)
    else:
        closer = _f1(b.text, prompt.rejected) - _f1(a.text, prompt.rejected)
    return 0.5 if abs(closer) < 1e-9 else float(closer > 0)


def compare_on(prompts: list[EvalPrompt], candidate: Path, current: Path, persona: Persona,
               max_tokens: int = 160, n_threads: int = 0, progress=None) -> dict:
    """Both models answer ``prompts`` (rated down); the candidate's ``win_rate`` against the other."""
    return win_rate(prompts, run_model(candidate, prompts, persona, max_tokens, n_threads, progress=progress),
                    run_model(current, prompts, persona, max_tokens, n_threads, progress=progress),
                    persona.honorific)


def win_rate(prompts: list[EvalPrompt], candidate: list[Reply], current: list[Reply], honorific: str) -> dict:
    """The candidate's win rate against the current model's replies to the same prompts."""
    verdicts = [judge(p, a, b, honorific) for p, a, b in zip(prompts, candidate, current)]
    n = len(verdicts)
    return {"prompts": n, "wins": verdicts.count(1.0), "ties": verdicts.count(0.5), "losses": verdicts.count(0.0),
            "win_rate": round(sum(verdicts) / n, 3) if n else None}


def eval_key(prompts: list[EvalPrompt], system: str, max_tokens: int) -> str:
    """Identifies an evaluation setting: results with the same key are comparable (and cached)."""
    blob = json.dumps([[p.messages for p in prompts], system, max_tokens])
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _engine(gguf: Path, n_ctx: int, max_tokens: int, n_threads: int = 0) -> ChatEngine:
    """The app's engine over ``gguf``, greedy and seeded; ModelError saying why it cannot load
    (missing, not a GGUF llama.cpp can load, no embedded chat template)."""
    engine = ChatEngine(EngineConfig(n_ctx=n_ctx, n_threads=free_cores_now(n_threads), max_tokens=max_tokens,
                                     temperature=0.0, seed=0))
    engine.load(Path(gguf))
    return engine


def load_problem(gguf: Path) -> str | None:
    """Why ``gguf`` cannot be evaluated (missing, not loadable by llama.cpp, no chat template),
    or None when it can.  A full load with a small context; the weights are memory-mapped, so
    it costs little.  Damage inside the tensor data still loads and is not found here."""
    try:
        _engine(gguf, n_ctx=256, max_tokens=16).close()
    except ModelError as exc:
        return str(exc)
    return None


def eval_persona(honorific: str, persona: str | Path = "") -> Persona:
    """The persona the evaluation answers with: the shipped text, or the user's file."""
    return Persona.from_file(honorific, persona)


def eval_system(persona: Persona) -> str:
    """The system prompt every evaluation prompt gets (at ``EVAL_NOW``): part of the cache key."""
    return persona.system_prompt(EVAL_NOW)


def run_model(gguf: Path, prompts: list[EvalPrompt], persona: Persona, max_tokens: int = 160,
              n_threads: int = 0, n_ctx: int = 2048, progress=None) -> list[Reply]:
    """Greedy replies through the app's Assistant (skills on, clock at ``EVAL_NOW``), with timings."""
    gguf = Path(gguf)
    engine = _engine(gguf, n_ctx, max_tokens, n_threads)
    clock = lambda: EVAL_NOW  # noqa: E731
    try:
        with tempfile.TemporaryDirectory(prefix="jarvis-eval-") as tmp:  # a timer asked for is set here, not in the app
            timers = TimerService(Path(tmp) / "timers.json", clock=clock)
            skills, tools = Skills(timers, clock=clock), Toolbox(timers=timers, clock=clock, act=False)
            replies = []
            for i, p in enumerate(prompts):
                assistant = Assistant(engine, skills, persona, clock=clock, version=gguf.stem,
                                      history=p.messages[:-1], tools=tools)
                a = assistant.ask(p.messages[-1]["content"], remember=False).result()
                replies.append(Reply(a.text, a.finish_reason, a.tokens, round(a.first_token_s, 4),
                                     round(a.tokens_per_s, 1), a.source))
                if progress:
                    progress.update("eval", i + 1, len(prompts), gguf.name)
        return replies
    finally:
        engine.close()


def score(prompts: list[EvalPrompt], replies: list[Reply], honorific: str) -> dict:
    n = max(1, len(replies))
    addressed = [pm.address_count(r.text, honorific) for r in replies]
    maths = [(p, r) for p, r in zip(prompts, replies) if p.answer]
    metrics = {
        "prompts": len(replies),
        "address_rate": sum(c >= 1 for c in addressed) / n,
        "overuse_rate": sum(c >= 2 for c in addressed) / n,
        "disclaimer_rate": sum(pm.has_ai_disclaimer(r.text) for r in replies) / n,
        "american_rate": sum(bool(pm.american_spellings(r.text)) for r in replies) / n,
        "clean_stop_rate": sum(r.finish_reason == "stop" for r in replies) / n,
        "degenerate_rate": sum(_degenerate(r.text) for r in replies) / n,
        "speech_rate": sum(_sized_for_speech(r.text) for r in replies) / n,
        "math_exact": (sum(pm.contains_number(r.text, p.answer) for p, r in maths) / len(maths)) if maths else None,
        "math_prompts": len(maths),
        "skill_rate": round(sum(r.source == "skill" for r in replies) / n, 3),
        "words_median": statistics.median([pm.word_count(r.text) for r in replies]) if replies else 0,
        "first_token_s": round(statistics.median([r.first_token_s for r in replies if r.source == "model"] or [0]), 3),
        "tokens_per_s": round(statistics.median([r.tokens_per_s for r in replies if r.tokens > 1] or [0]), 1),
    }
    for k in RATE_METRICS:
        if metrics[k] is not None:
            metrics[k] = round(metrics[k], 3)
    metrics["persona_score"] = persona_score(metrics)
    return metrics


def persona_score(m: dict) -> float:
    """One number for the persona (1 is perfect): the mean of the persona figures, each as a
    share of good replies.  Math and speed are reported but are not persona."""
    parts = [m["address_rate"] - m["overuse_rate"], 1 - m["disclaimer_rate"], 1 - m["american_rate"],
             m["clean_stop_rate"], 1 - m["degenerate_rate"], m["speech_rate"]]
    return round(sum(parts) / len(parts), 3)


@dataclass(frozen=True)
class GateDecision:
    """Whether a candidate is promoted, why (one sentence for the user), and on what figures.

    ``failures`` names the figures that stopped it ("persona_score", "clean_stop_rate",
    "win_rate", ...; empty when promoted); ``metrics`` holds the candidate's figures and, under
    "against", the current model's.  ``below_best`` names the version whose line's best figures
    it fell too far below (trainer/tool_eval.best_substance), where that stopped it.
    ``as_dict()`` is what meta.json's "gate" holds.
    """

    promoted: bool
    reason: str
    failures: tuple[str, ...] = ()
    metrics: dict = field(default_factory=dict, compare=False)
    below_best: str = ""

    def as_dict(self) -> dict:
        out = {"promoted": self.promoted, "reason": self.reason, "failures": list(self.failures)}
        return {**out, "below_best": self.below_best} if self.below_best else out


# (figure, how much worse than the current model refuses the candidate): negative for figures
# a better model raises, positive for those it lowers.
GATE_LIMITS = (("clean_stop_rate", -0.05), ("address_rate", -0.1), ("disclaimer_rate", 0.05))


def gate(candidate: dict, current: dict, tolerance: float = 0.02) -> GateDecision:
    """Whether a candidate is not worse than the current model on the persona; and why."""
    reasons, failures = [], []
    if candidate["persona_score"] < current["persona_score"] - tolerance:
        failures.append("persona_score")
        reasons.append(f"persona score {candidate['persona_score']:.3f} < current {current['persona_score']:.3f}")
    for key, worse_by in GATE_LIMITS:
        delta = candidate[key] - current[key]
        if (worse_by < 0 and delta < worse_by) or (worse_by > 0 and delta > worse_by):
            failures.append(key)
            reasons.append(f"{key} {candidate[key]:.3f} vs current {current[key]:.3f}")
    metrics = {**candidate, "against": current}
    if reasons:
        return GateDecision(False, "worse than the current model: " + "; ".join(reasons), tuple(failures), metrics)
    return GateDecision(True, f"persona score {candidate['persona_score']:.3f} vs current "
                              f"{current['persona_score']:.3f} (address {candidate['address_rate']:.2f}, "
                              f"clean stops {candidate['clean_stop_rate']:.2f})", (), metrics)


def evaluate_model(gguf: Path, prompts: list[EvalPrompt], persona: Persona,
                   max_tokens: int = 160, n_threads: int = 0, progress=None) -> dict:
    replies = run_model(gguf, prompts, persona, max_tokens, n_threads, progress=progress)
    h = persona.honorific
    return {"model": str(gguf), "key": eval_key(prompts, eval_system(persona), max_tokens), "honorific": h,
            "metrics": score(prompts, replies, h), "replies": [asdict(r) for r in replies]}


def write_report(results: dict[str, dict], prompts: list[EvalPrompt], out: Path, samples: int = 12) -> dict:
    """eval.json, report.md and chart.png in ``out``; returns their paths."""
    from trainer.eval_report import render

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    data = {"prompts": [asdict(p) for p in prompts], "models": results}
    (out / "eval.json").write_text(json.dumps(data, indent=2, ensure_ascii=False))
    render(results, prompts, out, samples)
    return {"json": str(out / "eval.json"), "report": str(out / "report.md"), "chart": str(out / "chart.png")}
