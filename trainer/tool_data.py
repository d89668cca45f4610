"""The ``tools`` category of the training data: requests answered with a tool call.

Every tool's example phrasings (``Tool.examples``: typed, spoken, British, casual, paraphrased)
become one-turn examples whose reply is the call, in the canonical form the Assistant parses;
each typed request is added again as a speech transcript would come (lower case, no
punctuation).  Follow-ups ("and in metres?") are two-turn examples whose first reply is what
the user heard: the tool's own sentence, made by running the tool at a fixed clock, so the
model learns to call again from the conversation as it is stored.  When not to call is taught
by the hand-written ``tools_negative.jsonl``.

The rows live in ``assets/data/persona/tools.jsonl`` (reviewable, and part of the dataset hash);
``python -m trainer.tool_data`` writes it again after a tool's examples change, and a test
checks the file is what this module makes.
"""

from __future__ import annotations

import argparse
import json
import re
from datetime import datetime
from pathlib import Path

from jarvis_desktop.core.paths import asset
from jarvis_desktop.core.persona import to_placeholders
from jarvis_desktop.core.tools import Toolbox, default_tools, parse

__all__ = ["tool_rows", "follow_up_rows", "spoken", "write", "TOOLS_FILE", "CATEGORY"]

CATEGORY = "tools"
TOOLS_FILE = ("data", "persona", "tools.jsonl")
FIXED_NOW = datetime(2026, 3, 14, 9, 30)  # the clock the follow-ups' first replies are made at

# (first request, its call, the follow-up, its call[, the first reply]): the first reply is the
# tool's sentence, made by running it, unless given.
FOLLOW_UPS = [
    ("Convert 5 miles to kilometres.", 'call:convert{value:5,from:"mile",to:"km"}',
     "and in metres?", 'call:convert{value:5,from:"mile",to:"m"}'),
    ("What's 68 Fahrenheit in Celsius?", 'call:convert{value:68,from:"degF",to:"degC"}',
     "what about 80?", 'call:convert{value:80,from:"degF",to:"degC"}'),
    ("How many pounds is 3 kilos?", 'call:convert{value:3,from:"kg",to:"lb"}',
     "and in stone", 'call:convert{value:3,from:"kg",to:"stone"}'),
    ("What time is it in Tokyo?", 'call:time_in{city:"Tokyo"}',
     "And in New York?", 'call:time_in{city:"New York"}'),
    ("whats the time in sydney", 'call:time_in{city:"Sydney"}',
     "what about los angeles", 'call:time_in{city:"Los Angeles"}'),
    ("How many days until Christmas?", 'call:days_until{date:"12-25"}',
     "and until new year's day?", 'call:days_until{date:"01-01"}'),
    ("What's 15% of 80?", 'call:percent{percent:15,of:80}',
     "and 20 percent?", 'call:percent{percent:20,of:80}'),
    ("What's 17 times 23?", 'call:calculate{expression:"17*23"}',
     "now divide that by 7", 'call:calculate{expression:"391/7"}'),
    ("Split 90 between three of us.", 'call:split_bill{total:90,people:3}',
     "what if we add a 10 percent tip", 'call:split_bill{total:90,people:3,tip_percent:10}'),
    ("What's the date in 10 days?", 'call:date_in{days:10}',
     "and in three weeks?", 'call:date_in{weeks:3}'),
    # The computer's tools answer with this machine's figures: their first reply is written here.
    ("How much free space have I got?", 'call:disk_free{}', "and how much memory am I using?", 'call:memory{}',
     "You have 41.2 GB free of 98.3 GB on the main disk, which holds your home folder, {honorific}."),
    ("How long has this computer been on?", 'call:uptime{}', "how busy is the processor", 'call:cpu_load{}',
     "Your computer has been running for 3 days and 2 hours, {honorific}."),
]

_PUNCT = re.compile(r"[?!.,;:()\"“”]")


def spoken(text: str) -> str:
    """A request as a speech transcript may come: lower case, no punctuation."""
    return " ".join(_PUNCT.sub(" ", text).lower().split())


def _row(messages: list[dict]) -> dict:
    return {"category": CATEGORY, "messages": messages}


def tool_rows(tools=None) -> list[dict]:
    """One example per phrasing: the request, and the call as its reply.  (The examples hold
    spoken forms of their own; a typed one and its transcript would be near-duplicates, which
    the dataset's quality check refuses.)"""
    rows, seen = [], set()
    for tool in tools if tools is not None else default_tools():
        for request, call in tool.examples:
            if spoken(request) in seen:  # "What time is it?" and "what time is it": one is enough
                continue
            seen.add(spoken(request))
            rows.append(_row([{"role": "user", "content": request}, {"role": "assistant", "content": call}]))
    return rows


def follow_up_rows(box: Toolbox | None = None) -> list[dict]:
    """Two-turn examples: a request, the tool's sentence the user heard, a follow-up and its call."""
    box = box or Toolbox(clock=lambda: FIXED_NOW)
    known = {t.name for t in default_tools()}
    rows = []
    for first, call, follow, again, *given in FOLLOW_UPS:
        for text in (call, again):  # written by hand: refuse a typo here, not in training
            if parse(text).name not in known:
                raise ValueError(f"FOLLOW_UPS: no tool is called {parse(text).name!r}")
        if given:
            heard = given[0]
        else:
            outcome = box.run(call, "sir")
            if not outcome.result.ok:
                raise ValueError(f"FOLLOW_UPS: {call} failed: {outcome.error}")
            heard = to_placeholders(outcome.result.reply, "sir")
        rows.append(_row([{"role": "user", "content": first}, {"role": "assistant", "content": heard},
                          {"role": "user", "content": follow}, {"role": "assistant", "content": again}]))
    return rows


def all_rows() -> list[dict]:
    """The whole ``tools`` category, in a fixed order."""
    return tool_rows() + follow_up_rows(Toolbox(tools=_deterministic(), clock=lambda: FIXED_NOW))


def _deterministic():
    """The tools whose sentence depends only on the call and the clock (not on this machine):
    the follow-ups' first replies must be the same wherever the file is written."""
    from jarvis_desktop.core.tools import computer

    machine = {t.name for t in computer.TOOLS}
    return [t for t in default_tools() if t.name not in machine]


def write(path: Path | None = None) -> Path:
    """Write the category's file (``assets/data/persona/tools.jsonl`` by default)."""
    path = Path(path) if path is not None else asset(*TOOLS_FILE)
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in all_rows())
    path.write_text(text, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m trainer.tool_data", description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, help="where to write (default: the shipped dataset's tools.jsonl)")
    args = ap.parse_args(argv)
    path = write(args.out)
    print(f"{path}: {sum(1 for _ in path.open(encoding='utf-8'))} examples")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
