"""The routing development set (assets/data/dev/routing_dev.jsonl): single-turn requests, each
marked "tool" (with the tool it needs) or "chat", on which a model's call-or-prose threshold is
chosen.  It must be neither trained on nor the promotion gate's held-out set, or the threshold
would be fitted to the data that judges it; so no request may copy, or nearly copy, a tool's
example, a user turn of the persona dataset, or a held-out request."""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import lru_cache

from jarvis_desktop.core.paths import asset
from tests.dev_checks import near_copies, plain
from jarvis_desktop.core.tools import default_tools

PATH = asset("data", "dev", "routing_dev.jsonl")
HELDOUT = asset("data", "eval", "tools_heldout.jsonl")
TOOLS = {t.name: t for t in default_tools()}
KINDS = ("tool", "chat")
MIN_TOOL, MIN_CHAT, MIN_PER_TOOL = 150, 110, 3
# Tools whose arguments vary most get more requests, as in the held-out set.
BUSY_TOOLS = ("convert", "calculate", "time_in", "disk_free", "days_until", "remember", "recall")
MIN_PER_BUSY_TOOL = 6


@lru_cache(maxsize=1)
def rows() -> tuple[dict, ...]:
    with open(PATH, encoding="utf-8") as f:
        return tuple(json.loads(line) for line in f)


def _user_turns(path) -> list[str]:
    """The user messages of a persona dataset file (one conversation a line)."""
    with open(path, encoding="utf-8") as f:
        return [m["content"] for line in f if line.strip() for m in json.loads(line).get("messages", [])
                if m.get("role") == "user" and isinstance(m.get("content"), str)]


def _protected() -> dict[str, list[str]]:
    """What no dev request may copy, by where it comes from: each tool's examples, each persona
    file's user turns (tools.jsonl and tools_negative.jsonl among them), the held-out requests."""
    sources = {f"{name} tool examples": [request for request, _ in tool.examples] for name, tool in TOOLS.items()}
    for path in sorted(asset("data", "persona").glob("*.jsonl")):
        sources[f"persona/{path.name}"] = _user_turns(path)
    with open(HELDOUT, encoding="utf-8") as f:
        sources["eval/tools_heldout.jsonl"] = [json.loads(line)["request"] for line in f if line.strip()]
    return sources


def test_the_file_is_one_object_per_line_ending_with_a_newline():
    raw = PATH.read_text(encoding="utf-8")
    assert raw.endswith("\n"), f"{PATH} must end with a newline"
    for n, line in enumerate(raw.splitlines(), 1):
        row = json.loads(line)
        assert isinstance(row, dict), f"{PATH}:{n}: not an object"
        assert isinstance(row.get("id"), str) and re.fullmatch(r"d\d{3,}", row["id"]), f"{PATH}:{n}: id {row.get('id')!r}"
        assert isinstance(row.get("request"), str) and row["request"].strip() == row["request"] != "", \
            f"{PATH}:{n}: the request must be a non-empty string without surrounding spaces"
        assert row.get("kind") in KINDS, f"{PATH}:{n}: kind {row.get('kind')!r}, not one of {KINDS}"
        wanted = {"id", "request", "kind", "tool"} if row["kind"] == "tool" else {"id", "request", "kind"}
        assert set(row) == wanted, f"{PATH}:{n}: keys {sorted(row)}, {sorted(wanted)} wanted"


def test_ids_and_requests_are_unique():
    ids = Counter(r["id"] for r in rows())
    assert not [i for i, n in ids.items() if n > 1], f"ids used twice: {[i for i, n in ids.items() if n > 1]}"
    requests = Counter(plain(r["request"]) for r in rows())
    assert not [q for q, n in requests.items() if n > 1], f"requests asked twice: {[q for q, n in requests.items() if n > 1]}"


def test_each_tool_request_names_a_real_tool():
    unknown = {r["id"]: r["tool"] for r in rows() if r["kind"] == "tool" and r["tool"] not in TOOLS}
    assert not unknown, f"no such tool in default_tools(): {unknown}"


def test_there_are_enough_requests_of_each_kind_and_tool():
    kinds = Counter(r["kind"] for r in rows())
    assert kinds["tool"] >= MIN_TOOL and kinds["chat"] >= MIN_CHAT, kinds
    per_tool = Counter(r["tool"] for r in rows() if r["kind"] == "tool")
    for name in TOOLS:
        wanted = MIN_PER_BUSY_TOOL if name in BUSY_TOOLS else MIN_PER_TOOL
        assert per_tool[name] >= wanted, f"{name} has {per_tool[name]} requests, {wanted} wanted"


def test_no_request_copies_or_nearly_copies_a_trained_or_held_out_request():
    sources = _protected()
    assert len(sources["persona/tools.jsonl"]) > 100 and sources["eval/tools_heldout.jsonl"], "a source was not read"
    mine = [(r["id"], r["request"]) for r in rows()]
    copies = []
    for source, texts in sources.items():
        for row_id, request, text in near_copies(mine, texts):
            # A held-out request is not quoted: whoever rewrites the row need not read the eval set.
            said = "a held-out request" if source.startswith("eval/") else repr(text)
            copies.append(f"{row_id} {request!r} nearly copies {said} ({source})")
    assert not copies, "dev requests too close to trained or held-out ones:\n" + "\n".join(copies)

