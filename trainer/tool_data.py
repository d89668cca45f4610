"""The ``tools`` category of the training data: requests answered with a tool call.

Every tool's example phrasings (``Tool.examples``: typed, spoken, British, casual, paraphrased)
become one-turn examples whose reply is the call, in the canonical form the Assistant parses;
each typed request is added again as a speech transcript would come (lower case, no
punctuation).  Follow-ups ("and in metres?") are two-turn examples whose first reply is what
the user heard: the tool's own sentence, made by running the tool at a fixed clock, so the
model learns to call again from the conversation as it is stored.  When not to call is taught
by the hand-written ``tools_negative.jsonl``.

A request seldom comes first in its conversation, and a model taught requests only alone calls
far less after an earlier turn (on the held-out requests, 0.953 of them routed right alone and
0.793 after one earlier turn: 20 % of the calls missed).  So one phrasing in CONVERSATION_SHARE
is asked after one or two earlier exchanges instead of alone (category
``tools_in_conversation``): another tool's request with the sentence its tool said, or a chat
from the persona data, as the app keeps them.  After a tool's sentence the user often only
reacts ("thanks, that's plenty"): AFTERWORDS teach those as chat, not as another call.  Only
the last reply of such a row is trained on (``LAST_ONLY_CATEGORIES``): the earlier ones are the
conversation as it happened, and a tool's sentence is never the model's to write.  The
follow-ups are such rows too.

The rows live in ``assets/data/persona/tools.jsonl`` and ``tools_conversation.jsonl``
(reviewable, and part of the dataset hash); ``python -m trainer.tool_data`` writes them again
after a tool's examples change, and a test checks the files are what this module makes.
"""

from __future__ import annotations

import argparse
import json
import re
import zlib
from datetime import datetime
from pathlib import Path

from jarvis_desktop.core.paths import asset
from jarvis_desktop.core.persona import to_placeholders
from jarvis_desktop.core.tools import Toolbox, default_tools, parse

__all__ = ["tool_rows", "follow_up_rows", "conversation_rows", "spoken", "write", "TOOLS_FILE", "CATEGORY",
           "CONVERSATION_CATEGORY", "CONVERSATION_FILE", "CONVERSATION_SHARE", "AFTERWORDS"]

CATEGORY = "tools"
TOOLS_FILE = ("data", "persona", "tools.jsonl")
CONVERSATION_CATEGORY = "tools_in_conversation"
CONVERSATION_FILE = ("data", "persona", "tools_conversation.jsonl")
CONVERSATION_SHARE = 4  # one phrasing in this many is asked after earlier turns
# the persona data's one-turn chats that may come before a request (short enough to be a turn)
CHAT_SOURCES = ("greetings.jsonl", "casual.jsonl", "tools_negative.jsonl")
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
    # A joke is chosen at random: its first reply is written here (one of the bank's, as it is said).
    ("Tell me a joke, would you?", "call:joke{}", "ha! another one", "call:joke{}",
     "Here's one, {honorific}. Why did the cat sit on the computer? To keep an eye on the mouse."),
    ("jarvis give us a riddle", 'call:joke{kind:"riddle"}', "go on then one more", 'call:joke{kind:"riddle"}',
     "A riddle for you, {honorific}. What has keys but can't open locks? The answer: a piano."),
    ("Any fun facts?", 'call:joke{kind:"fact"}', "ooh got any more", 'call:joke{kind:"fact"}',
     "Here's one for you, {honorific}. Octopuses have three hearts."),
]

# What a user says after hearing a tool's answer, when it asks for nothing more: chat, not a call.
AFTERWORDS = [
    ("thanks", "You're most welcome, {honorific}."),
    ("Cheers, Jarvis.", "Any time, {honorific}; do shout if you need anything else."),
    ("lovely thank you", "My pleasure, {honorific}."),
    ("That's plenty, thanks.", "Very good, {honorific}. I'll leave it there."),
    ("Blimey, that's more than I thought.", "It does tend to creep up on one, {honorific}."),
    ("ok great", "Splendid, {honorific}. Anything further?"),
    ("Perfect, that's all I needed.", "Glad to be of use, {honorific}."),
    ("hmm that seems a lot", "It may well be, {honorific}; the figure is exactly as the tool gave it, so it's worth a second look."),
    ("Brilliant.", "Happy to help, {honorific}."),
    ("right good to know", "Quite so, {honorific}. I'm here if anything else comes up."),
    ("Ta.", "Not at all, {honorific}."),
    ("that's fine", "Very well, {honorific}."),
    ("Oh, that's not bad at all.", "Rather good, I'd say, {honorific}."),
    ("Great stuff, ta very much.", "Always a pleasure, {honorific}."),
    ("wow ok", "Quite something, isn't it, {honorific}?"),
    ("Good, that's what I thought.", "Your instincts serve you well, {honorific}."),
    ("thank you jarvis that's really helpful", "I'm delighted it helped, {honorific}."),
    ("Hmm, I'll have to think about that.", "Take your time, {honorific}; I'll be here when you've decided."),
    ("Okay, noted.", "Very good, {honorific}."),
    ("nice one", "Thank you, {honorific}. Anything else on your list?"),
    ("Ah, that explains it.", "It often does, {honorific}. Shall I look into anything else?"),
    ("Marvellous, thank you.", "You're very welcome, {honorific}."),
    ("cool", "Glad that's settled, {honorific}."),
    ("Lovely, that's sorted then.", "Sorted indeed, {honorific}."),
    ("that'll do nicely", "Excellent, {honorific}."),
    ("Much obliged.", "The pleasure is mine, {honorific}."),
    ("ok thanks that's all for now", "Very good, {honorific}. Do call on me whenever you need."),
    ("Right, fair enough.", "Indeed, {honorific}."),
    ("Excellent, just what I wanted to hear.", "Then my work here is done, {honorific}."),
    ("brill thanks", "Any time at all, {honorific}."),
    ("Oh dear.", "Not ideal, I grant you, {honorific}. Is there anything I can do to help?"),
    ("gotcha", "Right you are, {honorific}."),
    ("Is that good?", "It sounds perfectly reasonable to me, {honorific}, though you know your needs best."),
    ("fab", "Glad to oblige, {honorific}."),
    ("Ta, that's just the job.", "Glad it fits the bill, {honorific}."),
    ("great that's useful to know", "I thought it might be, {honorific}."),
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
        heard = given[0] if given else _heard(box, call)
        if heard is None:
            raise ValueError(f"FOLLOW_UPS: {call} failed: {box.run(call, 'sir').error}")
        rows.append(_row([{"role": "user", "content": first}, {"role": "assistant", "content": heard},
                          {"role": "user", "content": follow}, {"role": "assistant", "content": again}]))
    return rows


def _heard(box: Toolbox, call: str, request: str = "") -> str | None:
    """The sentence ``call`` makes its tool say (at ``box``'s clock), as the dataset keeps it
    ({honorific}); None where it did not run or failed."""
    outcome = box.run(call, "sir", request)
    return to_placeholders(outcome.result.reply, "sir") if outcome.status == "ran" and outcome.result.ok else None


def _hash(text: str) -> int:
    return zlib.crc32(spoken(text).encode())


def _tool_exchanges() -> list[tuple[str, str, str]]:
    """(request, the sentence its tool said, the tool) for the sums, units and the time here
    and in a city, whose sentence depends only on the request and the clock: an earlier turn
    as the conversation keeps it.  (Not the dates: a request's "since the 9th of April" would
    be heard at FIXED_NOW as a count to come.)"""
    from jarvis_desktop.core.tools import calculator, clock, units

    box = Toolbox(tools=[*calculator.TOOLS, *units.TOOLS, *(t for t in clock.TOOLS if t.name in ("time_now", "time_in"))],
                  clock=lambda: FIXED_NOW)
    found = []
    for tool in box.tools.values():
        for request, call in tool.examples:
            heard = _heard(box, call, request)
            if heard is not None:
                found.append((request, heard, tool.name))
    return found


def _chats() -> list[tuple[str, str]]:
    """One-turn chats of the persona data (CHAT_SOURCES), short enough to be an earlier turn."""
    found = []
    for name in CHAT_SOURCES:
        for line in asset("data", "persona", name).read_text(encoding="utf-8").splitlines():
            turns = json.loads(line)["messages"] if line.strip() else []
            if len(turns) == 2 and not turns[1]["content"].startswith("call:") and len(turns[1]["content"].split()) <= 30:
                found.append((turns[0]["content"], turns[1]["content"]))
    return found


def conversation_rows(alone: list[dict]) -> tuple[list[dict], list[dict]]:
    """``alone`` (one-turn tool rows) split in two: those that stay alone, and one in
    CONVERSATION_SHARE (by a hash of the request, so the choice is stable) asked after one or
    two earlier exchanges, a tool's or a chat, by the hash too; then each of AFTERWORDS after
    a tool's exchange."""
    tools, chats = _tool_exchanges(), _chats()
    stay, moved = [], []
    for row in alone:
        request, call = (m["content"] for m in row["messages"])
        h = _hash(request)
        if h % CONVERSATION_SHARE:
            stay.append(row)
            continue
        name, before = parse(call).name, []
        for j in range(1 + (h >> 8) % 2):
            pick = _hash(f"{request}/{j}")
            if (h >> (10 + j)) & 1:
                others = [t for t in tools if t[2] != name]
                said, heard, _tool = others[pick % len(others)]
            else:
                said, heard = chats[pick % len(chats)]
            before += [{"role": "user", "content": said}, {"role": "assistant", "content": heard}]
        moved.append({"category": CONVERSATION_CATEGORY, "messages": before + row["messages"]})
    for reaction, reply in AFTERWORDS:
        said, heard, _tool = tools[_hash(reaction) % len(tools)]
        moved.append({"category": CONVERSATION_CATEGORY,
                      "messages": [{"role": "user", "content": said}, {"role": "assistant", "content": heard},
                                   {"role": "user", "content": reaction}, {"role": "assistant", "content": reply}]})
    return stay, moved


def all_rows() -> list[dict]:
    """The whole ``tools`` category, in a fixed order (``all_files`` splits it in its files)."""
    return [row for rows in all_files().values() for row in rows]


def all_files() -> dict[tuple[str, ...], list[dict]]:
    """The rows of TOOLS_FILE and CONVERSATION_FILE, each in a fixed order."""
    box = Toolbox(tools=_deterministic(), clock=lambda: FIXED_NOW)
    stay, moved = conversation_rows(tool_rows())
    follow = [{**row, "category": CONVERSATION_CATEGORY} for row in follow_up_rows(box)]
    return {TOOLS_FILE: stay, CONVERSATION_FILE: moved + follow}


def _deterministic():
    """The tools whose sentence depends only on the call and the clock (not on this machine):
    the follow-ups' first replies must be the same wherever the file is written."""
    from jarvis_desktop.core.tools import computer

    machine = {t.name for t in computer.TOOLS}
    return [t for t in default_tools() if t.name not in machine]


def write(folder: Path | None = None) -> list[Path]:
    """Write the two files (in ``assets/data/persona/`` by default, else in ``folder``)."""
    paths = []
    for parts, rows in all_files().items():
        path = Path(folder) / parts[-1] if folder is not None else Path(asset(*parts))
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m trainer.tool_data", description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, help="the folder to write to (default: the shipped dataset's)")
    args = ap.parse_args(argv)
    for path in write(args.out):
        print(f"{path}: {sum(1 for _ in path.open(encoding='utf-8'))} examples")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
