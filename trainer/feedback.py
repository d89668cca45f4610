"""A retrain's feedback export: the interaction log's rated turns (``InteractionLog.rated_turns``)
as TRL rows, built in memory and written once, with the training policy the log knows nothing of.

- One thumbs-down turn in ``HOLDOUT_EVERY`` (by turn id, so the same ones each time) is kept out
  of training, in ``heldout.jsonl``, for the retrain gate's win rate (trainer/evaluate.py
  ``rated_down_prompts``): ``{"prompt", "rejected", "chosen"}``, chosen null when not corrected.
- The rest are ``sft.jsonl``, ``kto.jsonl`` and ``dpo.jsonl`` in TRL's formats, the rows the
  History window's copy has (``trl_rows``; read by trainer/prefs.py and, through the capped
  mix, trainer/sft.py).
- Beside each JSONL, ``<name>.turns.json`` lists per row the turns whose words it holds, so that
  deleting or excluding a turn scrubs it from a run folder (``scrub_exports``).  It is written
  first: a JSONL never exists without the ids to scrub it by.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from jarvis_desktop.core.errors import ConfigError
from jarvis_desktop.core.interactions import TURNS_SIDECAR, RatedTurn
from jarvis_desktop.core.trl import HOLDOUT_EVERY, held_out, trl_rows
from jarvis_desktop.core.paths import write_atomic

__all__ = ["HOLDOUT_EVERY", "FILES", "Feedback", "held_out", "build_feedback", "write_feedback", "write_rows",
           "jsonl_text"]

FILES = ("sft", "kto", "dpo", "heldout")


@dataclass
class Feedback:
    """The rows of each file (``FILES``) and, row for row, the ids of the turns each holds."""

    rows: dict[str, list[dict]] = field(default_factory=lambda: {name: [] for name in FILES})
    ids: dict[str, list[list[int]]] = field(default_factory=lambda: {name: [] for name in FILES})

    def add(self, name: str, row: dict, ids: list[int]) -> None:
        self.rows[name].append(row)
        self.ids[name].append(ids)

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in self.rows.items()}


def build_feedback(turns: Iterable[RatedTurn], honorific: str, holdout_every: int = HOLDOUT_EVERY,
                   memory_turns: bool = False) -> Feedback:
    """Rated turns (in the log's order) as the export's rows, the held-out ones apart.  Turns that
    drew on the user's memory are left out unless ``memory_turns`` (the user's Settings allow it)."""
    if not isinstance(honorific, str) or not honorific.strip():
        raise ConfigError("the honorific to replace must be non-empty text, e.g. --honorific sir")
    out = Feedback()
    turns = [t for t in turns if memory_turns or not t.used_memory]
    for turn, rows in trl_rows(turns, honorific):
        if not rows["kto"]:
            continue  # an empty reply: no rows, and nothing to judge a model on either
        if held_out(turn, holdout_every):  # its kto row has the prompt and the reply, its dpo the correction
            out.add("heldout", {"prompt": rows["kto"][0]["prompt"], "rejected": rows["kto"][0]["completion"],
                                "chosen": rows["dpo"][0]["chosen"] if rows["dpo"] else None}, turn.text_ids)
            continue
        for name in ("sft", "kto", "dpo"):
            for row in rows[name]:
                out.add(name, row, turn.text_ids)
    return out


def jsonl_text(rows: list[dict]) -> bytes:
    """Rows as JSONL, UTF-8: one line each, ended by "\\n" (readers split there only, since
    JSON leaves U+2028 in the user's text unescaped)."""
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode("utf-8")


def write_rows(folder: Path, name: str, rows: list[dict], ids: list[list[int]]) -> bytes:
    """``<name>.jsonl`` and its sidecar in ``folder``, each written atomically and owner-only;
    the sidecar first (see the module notes).  Returns the JSONL's bytes."""
    if len(ids) != len(rows):
        raise ValueError(f"{name}: {len(ids)} id lists for {len(rows)} rows")
    data = jsonl_text(rows)
    write_atomic(Path(folder) / f"{name}{TURNS_SIDECAR}", json.dumps(ids))
    write_atomic(Path(folder) / f"{name}.jsonl", data)
    return data


def write_feedback(feedback: Feedback, folder: Path) -> dict[str, bytes]:
    """Every file of ``feedback`` into ``folder`` (made if missing), once each.  Returns each
    JSONL's bytes by name, for a hash of what was written without reading it back."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    return {name: write_rows(folder, name, feedback.rows[name], feedback.ids[name]) for name in FILES}
