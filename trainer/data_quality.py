"""Dataset checks beyond the schema, and statistics: ``jarvis-train data validate | stats``.

Errors (the data must be fixed): schema problems, a math answer that does not recompute (or a
math request's tool call whose result does not give it),
duplicate and near-duplicate examples.  Warnings (worth a look): American spelling, markdown
in a spoken reply, an AI disclaimer, the honorific written literally or more than once,
replies too long to speak comfortably.  Every finding names ``file:line``.
"""

from __future__ import annotations

import functools
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from jarvis_desktop.core.arith import evaluate
from jarvis_desktop.core.errors import DataError
from jarvis_desktop.core.tools import Toolbox, calculator, units
from jarvis_desktop.core.tools.call import PREFIX as CALL_PREFIX
from trainer import persona_metrics as pm
from trainer.facts import CATEGORY as FACTS_CATEGORY
from trainer.facts import UNSURE_REPLIES
from trainer.data import LAST_ONLY_CATEGORIES, Example, load_examples, split_examples

__all__ = ["Finding", "QualityReport", "check_files", "near_duplicates", "math_problem", "dataset_stats"]

NEAR_DUPLICATE_JACCARD = 0.6  # word-bigram overlap of two whole examples
MAX_SENTENCES = 4


@dataclass
class Finding:
    where: str  # file:line
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.where}: {self.severity}: {self.message}"


@dataclass
class QualityReport:
    examples: list[Example] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]


def _replies(ex: Example) -> list[str]:
    return [m["content"] for m in ex.messages if m["role"] == "assistant"]


def _trained(ex: Example) -> list[str]:
    """The replies the example trains on: all, or the last alone (LAST_ONLY_CATEGORIES)."""
    replies = _replies(ex)
    return replies[-1:] if ex.category in LAST_ONLY_CATEGORIES else replies


def math_problem(ex: Example) -> str | None:
    """Why a math example's answer is wrong, or None when it recomputes."""
    if not ex.check:
        return "math example without a 'check' ({\"expr\", \"answer\"}): its answer cannot be verified"
    expr, answer = ex.check["expr"], ex.check["answer"]
    try:
        value = float(evaluate(expr))  # bounded work: a "check" of ((10**1000)**1000)**1000 is refused
    except ValueError as exc:  # ArithmeticError_ (refused) or no real answer (sqrt of a negative)
        return f"check expression: {exc}"
    text = answer.replace(",", "")
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        return f"check answer {answer!r} is not a plain number"
    decimals = len(text.split(".")[1]) if "." in text else 0
    tolerance = 0.5 * 10 ** -decimals + 1e-9
    if abs(value - float(text)) > tolerance:
        return f"wrong answer: {expr} = {value:.6g}, but the example says {answer}"
    reply = _replies(ex)[-1]
    if reply.startswith(CALL_PREFIX):  # the model calls a tool: its result must give the answer
        said = _toolbox().run(reply).result
        if not said.ok:
            return f"the call {reply} does not run: {said.reply}"
        numbers = [float(t.replace(",", "")) for t in re.findall(r"-?\d[\d,]*(?:\.\d+)?", said.reply)]
        if not any(abs(n - float(text)) <= tolerance for n in numbers):
            return f"the call {reply} answers {said.reply!r}, not the checked answer {answer}"
        return None
    if not pm.contains_number(reply, answer):
        return f"the reply does not state the checked answer {answer}"
    return None


@functools.cache
def _toolbox() -> Toolbox:
    """The sums and units tools, at a fixed clock: a math example's call is run to check it."""
    return Toolbox(tools=[*calculator.TOOLS, *units.TOOLS], act=False)


def _shingles(ex: Example) -> set[tuple[str, str]]:
    """Word bigrams of what the example teaches: the whole conversation, or where only its last
    reply is trained on (LAST_ONLY_CATEGORIES) the user's messages and that reply: the replies
    before it are other rows' as they were heard, not copies to train twice."""
    said = ([m for m in ex.messages[:-1] if m["role"] == "user"] + ex.messages[-1:]
            if ex.category in LAST_ONLY_CATEGORIES else ex.messages)
    words = re.findall(r"[a-z0-9']+", " ".join(m["content"] for m in said).lower())
    return set(zip(words, words[1:]))


def _honest_template(ex: Example) -> bool:
    """An R-Tuning "I'm not certain" row (trainer/facts.py): its reply is one of a fixed few by
    design, so two of them differ only in the question and are not near-duplicates to fix."""
    return ex.category == FACTS_CATEGORY and _replies(ex)[-1] in UNSURE_REPLIES


def near_duplicates(examples: list[Example], threshold: float = NEAR_DUPLICATE_JACCARD):
    """Pairs (a, b, similarity) of examples whose word-bigram Jaccard similarity is >= threshold
    (the honest "not certain" rows of the facts category left out: their replies are a set)."""
    examples = [ex for ex in examples if not _honest_template(ex)]
    sets = [_shingles(ex) for ex in examples]
    index: dict[tuple[str, str], list[int]] = {}
    for i, s in enumerate(sets):
        for g in s:
            index.setdefault(g, []).append(i)
    pairs = []
    for i, s in enumerate(sets):
        shared = Counter(j for g in s for j in index[g] if j > i)
        for j, common in shared.items():
            sim = common / len(s | sets[j]) if s or sets[j] else 1.0
            if sim >= threshold:
                pairs.append((examples[i], examples[j], sim))
    return pairs


def check_examples(examples: list[Example]) -> list[Finding]:
    findings = []
    for ex in examples:
        if ex.category == "math" or ex.check:
            problem = math_problem(ex)
            if problem:
                findings.append(Finding(ex.source, problem))
        for reply in _replies(ex):
            if reply.startswith(CALL_PREFIX):  # a tool call, not a spoken reply: tools/call.py checks it
                continue
            if re.search(r"(?<![A-Za-z{])(sir|madam)(?![A-Za-z}])", reply, re.IGNORECASE):
                findings.append(Finding(ex.source, "the reply says sir/madam literally; write {honorific} "
                                        "so the user's own setting is used", "warning"))
            if reply.count("{honorific}") + reply.count("{Honorific}") > 1:
                findings.append(Finding(ex.source, "the honorific appears more than once in one reply", "warning"))
            slips = pm.american_spellings(reply)
            if slips:
                findings.append(Finding(ex.source, f"American spelling: {', '.join(slips)}", "warning"))
            if pm.has_markdown(reply):
                findings.append(Finding(ex.source, "markdown in a spoken reply", "warning"))
            if pm.has_ai_disclaimer(reply):
                findings.append(Finding(ex.source, "AI disclaimer in the reply", "warning"))
            if pm.sentence_count(reply) > MAX_SENTENCES:
                findings.append(Finding(ex.source, f"{pm.sentence_count(reply)} sentences: long for speech "
                                        f"(aim for 1-{MAX_SENTENCES})", "warning"))
    seen: dict[str, Example] = {}
    for ex in examples:
        key = ex.to_json()
        if key in seen:
            findings.append(Finding(ex.source, f"duplicate of {seen[key].source}"))
        else:
            seen[key] = ex
    unique = list(seen.values())
    for a, b, sim in near_duplicates(unique):
        findings.append(Finding(b.source, f"near-duplicate of {a.source} (similarity {sim:.2f}); "
                                "reword it or remove one"))
    return findings


def check_files(paths: list) -> QualityReport:
    report = QualityReport()
    for path in paths:
        errors: list[DataError] = []
        report.examples += load_examples(Path(path), errors)
        report.findings += [Finding(f"{e.path}:{e.line}" if e.line else str(e.path), e.problem + (
            f" ({e.hint})" if e.hint else "")) for e in errors]
    report.findings += check_examples(report.examples)
    return report


def dataset_stats(examples: list[Example], holdout: float = 0.1) -> dict:
    """Counts per category and the quality figures the issue asks to report.  The reply figures
    are of spoken replies: a tool call (``call:...``, the tools category) is counted apart, and
    the share of distinct openings leaves out the facts category's honest "not certain" set."""
    replies = [r for ex in examples for r in _trained(ex) if not r.startswith(CALL_PREFIX)]
    calls = sum(r.startswith(CALL_PREFIX) for ex in examples for r in _trained(ex))
    train, held = split_examples(examples, holdout)
    per_cat: dict[str, dict] = {}
    for ex in examples:
        row = per_cat.setdefault(ex.category, {"examples": 0, "held_out": 0})
        row["examples"] += 1
    for ex in held:
        per_cat[ex.category]["held_out"] += 1
    # The honest "not certain" replies are a fixed set by design: their openings repeat.
    openings = [pm.opening(r) for r in replies if r not in UNSURE_REPLIES]
    words = [pm.word_count(r) for r in replies]
    return {
        "examples": len(examples),
        "train": len(train),
        "held_out": len(held),
        "replies": len(replies),
        "tool_calls": calls,
        "multi_turn_3plus": sum(1 for ex in examples if len(_replies(ex)) >= 3),
        "per_category": dict(sorted(per_cat.items())),
        "distinct_openings_share": round(len(set(openings)) / max(1, len(openings)), 3),
        "near_duplicate_pairs": len(near_duplicates(examples)),
        "reply_words_median": statistics.median(words) if words else 0,
        "reply_words_max": max(words, default=0),
        "replies_1_to_4_sentences": round(sum(1 <= pm.sentence_count(r) <= MAX_SENTENCES for r in replies)
                                          / max(1, len(replies)), 3),
        "honorific_share": round(sum(("{honorific}" in r or "{Honorific}" in r) for r in replies)
                                 / max(1, len(replies)), 3),
        "american_spellings": sum(bool(pm.american_spellings(r)) for r in replies),
        "markdown_replies": sum(pm.has_markdown(r) for r in replies),
    }
