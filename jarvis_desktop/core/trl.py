"""Rated turns in TRL's formats: the rows a retrain trains on and the user's own copy.

``trl_rows`` turns ``InteractionLog.rated_turns`` into ``sft`` ``{"messages"}``, ``kto``
``{"prompt", "completion", "label"}`` and ``dpo`` ``{"prompt", "chosen", "rejected"}`` rows
(docs/ARCHITECTURE.md, "Training data formats").  ``export_copy`` writes the History window's
"Export for training…" copy (every rated turn, nothing held back, no sidecars); a retrain's
export, with held-out turns and turn-id sidecars, is trainer/feedback.py's.  Here, in the core,
because the desktop app carries no trainer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Iterator

from jarvis_desktop.core.interactions import InteractionLog, LogInputError, RatedTurn
from jarvis_desktop.core.paths import write_atomic
from jarvis_desktop.core.persona import to_placeholders

__all__ = ["trl_rows", "export_copy", "write_jsonl", "check_honorific", "UNREADABLE_CALL", "HOLDOUT_EVERY",
           "held_out", "training_use"]

UNREADABLE_CALL = ("malformed", "unknown", "arguments")  # Outcome.status of a call no tool could run
# Tools whose sentence is chosen from a bank, not made from the call: a thumbs-down on a joke is
# about the joke, and must not teach the model to stop calling for one (tools/pastime.py)
BANK_TOOLS = ("joke",)
HOLDOUT_EVERY = 5  # one thumbs-down turn in 5 is kept out of training, to judge the next model on


def held_out(turn, holdout_every: int = HOLDOUT_EVERY) -> bool:
    """Whether a turn (a RatedTurn or a logged Turn) is kept for the gate: a thumbs-down whose id
    is a multiple of ``holdout_every`` (0: none is)."""
    return turn.rating == -1 and holdout_every > 0 and turn.id % holdout_every == 0


def training_use(turn, train_on_memory: bool = False) -> str:
    """What the next retrain does with a logged turn, as the History view says it: "" (not rated:
    nothing), "excluded", "left out: used your memory", "judges the next model" (held out for
    the gate), "left out: the joke, not the call" (a thumbs-down on what the joke tool's bank
    chose), "next retrain, with your correction" or "next retrain"."""
    if not turn.rating:
        return ""
    if turn.excluded:
        return "excluded"
    if turn.used_memory and not train_on_memory:
        return "left out: used your memory"
    if not turn.reply.strip():
        return ""
    if _bank_choice_rated_down(turn):
        return "left out: the joke, not the call"
    if held_out(turn):
        return "judges the next model"
    return "next retrain, with your correction" if turn.correction else "next retrain"


def write_jsonl(path: Path, rows: list[dict]) -> None:
    """Rows as JSONL, written atomically and owner-only (they are conversations)."""
    write_atomic(path, "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))


def export_copy(log: InteractionLog, out_dir: Path, honorific: str = "sir") -> dict:
    """The user's own copy: every rated turn in TRL's formats as ``sft.jsonl``, ``kto.jsonl`` and
    ``dpo.jsonl`` in ``out_dir``, written atomically and owner-only.  Returns the row counts."""
    check_honorific(honorific)
    rows: dict[str, list[dict]] = {"sft": [], "kto": [], "dpo": []}
    for _, turn_rows in trl_rows(log.rated_turns(), honorific):
        for name, data in turn_rows.items():
            rows[name] += data
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    for name, data in rows.items():
        write_jsonl(Path(out_dir) / f"{name}.jsonl", data)
    return {name: len(data) for name, data in rows.items()}


def check_honorific(honorific) -> None:
    if not isinstance(honorific, str) or not honorific.strip():
        raise LogInputError("the honorific to replace must be non-empty text, e.g. 'sir'")


def _bank_choice_rated_down(turn) -> bool:
    """A thumbs-down, uncorrected, on a turn a BANK_TOOLS tool answered ('call:joke{kind:"riddle"}')."""
    call = getattr(turn, "tool_call", None) or ""
    return turn.rating == -1 and not turn.correction and call.startswith("call:") \
        and call[len("call:"):].split("{", 1)[0] in BANK_TOOLS


def trl_rows(turns: Iterable[RatedTurn], honorific: str) -> Iterator[tuple[RatedTurn, dict[str, list[dict]]]]:
    """Each rated turn with its rows in TRL's formats, ``{"sft": [...], "kto": [...], "dpo": [...]}``:

    sft ``{"messages"}``: a thumbs-up reply, or a thumbs-down's correction; kto ``{"prompt",
    "completion", "label"}``: every rating; dpo ``{"prompt", "chosen", "rejected"}``: a
    thumbs-down with a correction.  Prompts carry the chat before the turn (no system message:
    the trainer adds the persona); the literal ``honorific`` in assistant text becomes
    {honorific}/{Honorific}.  An empty reply gives no rows: nothing to learn from.

    Where a tool gave the reply, what the model wrote was the call, so the call is what is
    learnt (the tool's sentence stays the reply in later turns' context, as the user heard it):
    a thumbs-up on a call that ran is an SFT example of that call; a thumbs-down makes it an
    undesirable completion (kto) and, with a correction, the rejected side of a pair whose
    chosen side is the correction as the user wrote it (never made into a call the user did not
    confirm).  A call the tools could not read (malformed, unknown, wrong arguments) is never a
    good example, whatever the rating; a thumbs-down without a correction on a call to a tool
    of BANK_TOOLS (a joke the user did not care for) teaches nothing."""
    done: dict[str, dict] = {}  # this conversation's replies as messages: each made once, shared by its rows

    def said(text: str) -> list[dict]:
        if text not in done:
            done[text] = {"role": "assistant", "content": to_placeholders(text, honorific)}
        return [done[text]]

    conversation = None
    for turn in turns:
        if turn.conversation_id != conversation:
            conversation = turn.conversation_id
            done.clear()
        rows: dict[str, list[dict]] = {"sft": [], "kto": [], "dpo": []}
        if turn.rating and turn.reply.strip():
            prompt = [m if m["role"] == "user" else said(m["content"])[0] for m in turn.context]
            prompt.append({"role": "user", "content": turn.prompt})
            wrote = [{"role": "assistant", "content": turn.tool_call}] if turn.tool_call else said(turn.reply)
            if turn.rating == 1 and turn.tool_status in UNREADABLE_CALL:
                yield turn, rows  # liked the apology for a broken call: nothing to learn from
                continue
            if _bank_choice_rated_down(turn):
                yield turn, rows  # disliked the joke the bank gave, not the call for one
                continue
            if turn.rating == 1:
                rows["sft"].append({"messages": prompt + wrote})
            if turn.rating == -1 and turn.correction:
                rows["sft"].append({"messages": prompt + said(turn.correction)})
                rows["dpo"].append({"prompt": prompt, "chosen": said(turn.correction), "rejected": wrote})
            rows["kto"].append({"prompt": prompt, "completion": wrote, "label": turn.rating == 1})
        yield turn, rows
