"""Everyday requests Jarvis should simply do, scored through the app's Assistant for refusals
(benchmarks/chat_refusals.py).

Taught to say "I'm not certain" to the facts it cannot know (trainer/facts.py), the tuned model
said it to much else: "what's your favourite colour", "what's a good name for a goldfish" and
"write me a short poem about autumn" were answered "I'm not certain of that, sir, and I'd rather
not guess" or "out of my reach, I've no connection to the internet".  Nothing there needs a fact
or a tool: an opinion, advice, a suggestion, a couplet or a kind word is the butler's to give.

The sets: assets/data/dev/chat_dev.jsonl (to look at while changing the data) and
assets/data/eval/chat_heldout.jsonl (to report), rows ``{"id", "request", "kind"}`` with kind one
of KINDS.  A reply is graded by its words (``grade``): ``refused`` where it says it does not
know, cannot or is not able (the honest reply to a fact, wrong here), ``acted`` where a tool
answered, ``answered`` otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from jarvis_desktop.core.errors import DataError
from jarvis_desktop.core.paths import asset
from jarvis_desktop.core.persona import UNSURE
from trainer.eval_rows import eval_rows

__all__ = ["ChatCase", "CHAT_DEV", "CHAT_HELDOUT", "KINDS", "GRADES", "load_chat", "grade", "run_chat",
           "score_chat"]

CHAT_DEV = ("data", "dev", "chat_dev.jsonl")
CHAT_HELDOUT = ("data", "eval", "chat_heldout.jsonl")
KINDS = ("opinion", "advice", "suggestion", "creative", "small_talk")
GRADES = ("answered", "refused", "acted")


@dataclass(frozen=True)
class ChatCase:
    id: str
    request: str
    kind: str
    where: str  # file:line


def load_chat(kind: tuple[str, ...] = CHAT_HELDOUT, path: Path | None = None) -> list[ChatCase]:
    """The cases of a set; a bad row is a DataError naming its file:line and what to fix."""
    path = Path(path) if path is not None else asset(*kind)
    cases = []
    for row, n in eval_rows(path, ("id", "request", "kind"), '{"id": "ch001", "request": "...", "kind": "opinion"}'):
        if row["kind"] not in KINDS:
            raise DataError(path, n, f"kind {row['kind']!r} is not one of {', '.join(KINDS)}")
        cases.append(ChatCase(str(row["id"]), str(row["request"]), str(row["kind"]), f"{path}:{n}"))
    return cases


_APOSTROPHE = str.maketrans({"\u2019": "'", "\u2018": "'"})
# Saying it cannot: "out of my reach", "I've no connection to the internet", "is something I can't
# say", "I've no way into the jokes themselves", "beyond what I can vouch for"
_CANNOT = re.compile(
    r"\b(?:can't|cannot|can not|unable|not able|out of my (?:reach|league|depth)|beyond (?:me|my|what i)|"
    r"no (?:way|connection|internet|access)|(?:i've|i have) no (?:way|connection|internet|access|means)|"
    r"a (?:quick )?search|look it up|reliable reference|encyclopaedia)\b", re.IGNORECASE)


def grade(text: str, tool_ran: bool) -> str:
    """``acted`` where a tool answered, ``refused`` where the words say he does not know or
    cannot, ``answered`` otherwise (judged by the words only: a dull answer is still answered)."""
    if tool_ran:
        return "acted"
    said = text.translate(_APOSTROPHE)
    return "refused" if UNSURE.search(said) or _CANNOT.search(said) else "answered"


def run_chat(gguf: Path, cases: list[ChatCase], persona, n_threads: int = 0,
             progress=None) -> list[tuple[ChatCase, str, str]]:
    """Each case alone through the Assistant (trainer/tool_eval.answering: tools on as a dry run,
    greedy, at EVAL_NOW): (case, reply, grade)."""
    from trainer.tool_eval import answering

    out = []
    with answering(gguf, persona, n_threads, max_tokens=64) as ask:
        for i, case in enumerate(cases):
            answer = ask(case.request).result()
            out.append((case, answer.text, grade(answer.text, answer.tool is not None)))
            if progress:
                progress(i + 1, len(cases))
    return out


def score_chat(results: list[tuple[ChatCase, str, str]]) -> dict:
    """The share of each grade, over all and by kind of request."""
    def shares(rows):
        n = len(rows)
        return {"n": n, **{g: round(sum(r[2] == g for r in rows) / n, 3) if n else 0.0 for g in GRADES}}

    return {"all": shares(results), **{k: shares([r for r in results if r[0].kind == k]) for k in KINDS}}
