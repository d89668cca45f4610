"""Training data: read, check and tokenize chat examples.

On disk (docs/ARCHITECTURE.md, "Training data formats"): JSONL, one example a line, either TRL's ``{"messages": [...]}`` (with an
optional ``"category"``) or the seed guide's ``{"instruction", "response"}``.  Assistant text
may hold ``{honorific}`` / ``{Honorific}``, filled from the user's setting so one dataset serves
sir, madam or a name.  Every problem is reported as ``file:line: what (what to do)``.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Iterator

from jarvis_desktop.core.errors import DataError
from jarvis_desktop.core.persona import fill_honorific

__all__ = [
    "Example",
    "load_examples",
    "read_rows",
    "parse_row",
    "fill_honorific",
    "dataset_hash",
    "training_clock",
    "training_system",
    "tokenize_chat",
    "split_examples",
    "example_key",
]

ROLES = ("system", "user", "assistant")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_ALLOWED_PLACEHOLDERS = {"honorific", "Honorific"}


@dataclass
class Example:
    messages: list[dict]
    category: str = "general"
    source: str = ""  # "file:line", for error messages downstream
    check: dict | None = None  # math examples: {"expr": "17 * 23", "answer": "391"}

    def to_json(self) -> str:
        row = {"category": self.category, "messages": self.messages}
        if self.check:
            row["check"] = self.check
        return json.dumps(row, ensure_ascii=False)


def read_rows(path: Path, errors: list | None = None) -> Iterator[tuple[int, object]]:
    """``(line number, parsed JSON)`` for each non-blank line of a JSONL file.

    A line that is not UTF-8 or not JSON raises DataError naming file:line, or with an
    ``errors`` list is appended there and skipped.  Text that is not UTF-8 ends the file's
    reading: it is the wrong encoding, not one bad line, and a binary file would otherwise
    yield one error per "line".  Nesting is bounded by the JSON parser's recursion limit; a
    line past it is an error, never a RecursionError.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(path, None, "no such file")

    def fail(exc: DataError) -> None:
        if errors is None:
            raise exc
        errors.append(exc)

    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, 1):
            try:
                # utf-8-sig: an editor's byte-order mark at the start is harmless, not an error
                text = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                fail(DataError(path, lineno, f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at column "
                                             f"{exc.start + 1})", "save the file as UTF-8"))
                return
            if not text.strip():
                continue
            try:
                row = json.loads(text)
            except json.JSONDecodeError as exc:
                fail(DataError(path, lineno, f"not valid JSON ({exc.msg} at column {exc.colno})",
                               "each line must be one JSON object"))
                continue
            except RecursionError:
                fail(DataError(path, lineno, "JSON nested too deeply",
                               "each line must be one example object; an example needs only a few levels"))
                continue
            except ValueError:  # an integer of more than 4,300 digits: Python refuses to read it
                fail(DataError(path, lineno, "not valid JSON (a number too long to read)",
                               "write long numbers as strings"))
                continue
            yield lineno, row


def load_examples(path: Path, errors: list | None = None, allow_empty: bool = False) -> list[Example]:
    """Read and check a JSONL dataset; raise DataError naming file:line on the first problem.

    With an ``errors`` list, every bad line's DataError is appended there and the line skipped
    instead (``jarvis-train data validate`` reports them all at once).  A file with no example
    at all (empty, or only blank lines) is an error either way, unless ``allow_empty`` (the
    fine-tune reads several files: the feedback one may lose its last rows when the user deletes
    turns during a retrain).
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(path, None, "no such dataset file")
    examples = []
    found = len(errors) if errors is not None else 0
    for lineno, row in read_rows(path, errors):
        try:
            examples.append(parse_row(row, path, lineno))
        except DataError as exc:
            if errors is None:
                raise
            errors.append(exc)
    if not examples and not allow_empty and (errors is None or len(errors) == found):  # bad lines: reported
        empty = DataError(path, None, "the dataset is empty", "add at least one example, one JSON object a line")
        if errors is None:
            raise empty
        errors.append(empty)
    return examples


def parse_row(row, path, lineno) -> Example:
    """One parsed JSONL line as an Example; DataError naming ``path:lineno`` if it is not one."""
    if not isinstance(row, dict):
        raise DataError(path, lineno, "a line must be a JSON object")
    category = row.get("category", "general")
    if not isinstance(category, str) or not category.strip():
        raise DataError(path, lineno, "'category' must be a non-empty string", 'e.g. "category": "math"')
    if "messages" in row:
        messages = row["messages"]
    elif "instruction" in row or "response" in row:
        for key in ("instruction", "response"):
            if not isinstance(row.get(key), str) or not row[key].strip():
                raise DataError(path, lineno, f"missing or empty {key!r}",
                                "seed-format lines need both 'instruction' and 'response'")
        prompt = row["instruction"].strip()
        if isinstance(row.get("input"), str) and row["input"].strip():
            prompt += "\n\n" + row["input"].strip()
        messages = [{"role": "user", "content": prompt},
                    {"role": "assistant", "content": row["response"]}]
    else:
        raise DataError(path, lineno, "no 'messages' (or 'instruction'/'response') field",
                        'expected {"messages": [{"role": "user", ...}, {"role": "assistant", ...}]}')
    check_messages(messages, path, lineno)
    check = row.get("check")
    if check is not None and not (isinstance(check, dict) and isinstance(check.get("expr"), str)
                                  and isinstance(check.get("answer"), str)):
        raise DataError(path, lineno, "'check' must be {\"expr\": \"<arithmetic>\", \"answer\": \"<as in the reply>\"}")
    if check is not None:  # only the two fields: anything else in it would be carried along unread
        check = {"expr": check["expr"], "answer": check["answer"]}
    return Example([{"role": m["role"], "content": m["content"]} for m in messages],
                   category, f"{path}:{lineno}", check)


def check_messages(messages, path, lineno) -> None:
    if not isinstance(messages, list) or not messages:
        raise DataError(path, lineno, "'messages' must be a non-empty list")
    for i, m in enumerate(messages):
        if not isinstance(m, dict) or "role" not in m or "content" not in m:
            raise DataError(path, lineno, f"message {i + 1} needs 'role' and 'content'")
        if m["role"] not in ROLES:
            role = repr(m["role"])[:40] if isinstance(m["role"], str) else f"of type {type(m['role']).__name__}"
            raise DataError(path, lineno, f"message {i + 1} has unknown role {role}",
                            "roles are system, user, assistant")
        if not isinstance(m["content"], str) or not m["content"].strip():
            raise DataError(path, lineno, f"message {i + 1} ({m['role']}) is empty")
        for name in _PLACEHOLDER.findall(m["content"]):
            if name not in _ALLOWED_PLACEHOLDERS:
                raise DataError(path, lineno, f"unknown placeholder {{{name}}} in message {i + 1}",
                                "only {honorific} and {Honorific} are filled in")
    turns = messages[1:] if messages[0]["role"] == "system" else messages
    expected = "user"
    for i, m in enumerate(turns):
        if m["role"] != expected:
            raise DataError(path, lineno, f"bad role order: expected {expected} but got {m['role']} "
                            f"at message {i + 1 + (len(messages) - len(turns))}",
                            "turns alternate user/assistant after an optional system message")
        expected = "assistant" if expected == "user" else "user"
    if turns[-1]["role"] != "assistant":
        raise DataError(path, lineno, "the last message must be the assistant's reply")


# A part of the day a conversation names, and an hour in it.
_DAY_PARTS = (("morning", 9), ("afternoon", 15), ("evening", 19), ("tonight", 21), ("night", 23))


def training_clock(texts: list[str]) -> datetime:
    """The time the system prompt of a training conversation states (the app says the date and
    time in every system prompt, so training does too: one prompt for serving, training and
    evaluation).  Deterministic, a hash of the conversation; and it agrees with any part of the
    day the conversation names ("Good evening, sir" trains at an evening hour), so the model
    learns to read the context sentence rather than to contradict it."""
    digest = int(hashlib.sha256("\x1e".join(texts).encode("utf-8")).hexdigest(), 16)
    low = " ".join(texts).lower()
    hour = next((h for word, h in _DAY_PARTS if re.search(rf"\b{word}\b", low)), 7 + (digest >> 16) % 15)
    return datetime(2026, 1, 1, hour, (digest >> 32) % 60) + timedelta(days=digest % 365)


def training_system(persona, messages: list[dict]) -> str:
    """``persona``'s system prompt (a core ``Persona``) for one training conversation."""
    return persona.system_prompt(training_clock([m["content"] for m in messages if m["role"] != "system"]))


def dataset_hash(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for p in sorted(Path(x) for x in paths):
        digest.update(p.read_bytes())
    return digest.hexdigest()[:16]


def tokenize_chat(tokenizer, messages: list[dict], max_length: int | None = None, last_only: bool = False) -> dict:
    """Token ids of a rendered chat plus a mask of the tokens that carry loss.

    Only assistant replies (and the end-of-turn marker that closes each) carry loss; with
    ``last_only`` only the last one (a rated reply: the earlier ones are context the user
    may never have rated, or rated down).  The
    spans come from rendering growing prefixes of the conversation with the chat template:
    the text an assistant message adds after the generation prompt is its span.  The whole
    text is then tokenized at once, as llama.cpp will at inference, and tokens are assigned
    to spans by their character offsets.
    """
    spans: list[tuple[int, int]] = []
    last = max((i for i, m in enumerate(messages) if m["role"] == "assistant"), default=-1)
    for i, m in enumerate(messages):
        if m["role"] != "assistant" or (last_only and i != last):
            continue
        prompt = tokenizer.apply_chat_template(messages[:i], tokenize=False, add_generation_prompt=True)
        full = tokenizer.apply_chat_template(messages[: i + 1], tokenize=False)
        if not full.startswith(prompt):
            raise DataError("<chat template>", None,
                            f"the chat template is not prefix-stable at message {i + 1}",
                            "a template must render earlier turns the same way when a turn is added")
        spans.append((len(prompt), len(full)))
    text = tokenizer.apply_chat_template(messages, tokenize=False)
    enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    ids = enc["input_ids"]
    mask = [int(any(a <= start < b for a, b in spans)) for start, _ in enc["offset_mapping"]]
    if max_length is not None and len(ids) > max_length:
        ids, mask = ids[:max_length], mask[:max_length]
    return {"input_ids": ids, "assistant_masks": mask}


def example_key(example: Example) -> str:
    """A stable identity for an example: a hash of its conversation text."""
    text = "\x1e".join(f"{m['role']}:{m['content'].strip()}" for m in example.messages)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


FEEDBACK_CATEGORY = "feedback"  # the user's own rated replies: trained on in full, never held out
# Rows whose earlier replies are the conversation as it happened, not targets: a rated reply's
# chat before it, and a tool request asked after earlier turns (trainer/tool_data.py), whose
# earlier replies include a tool's sentences, never the model's to write
LAST_ONLY_CATEGORIES = (FEEDBACK_CATEGORY, "tools_in_conversation")


def split_examples(examples: list[Example], share: float = 0.1) -> tuple[list[Example], list[Example]]:
    """A fixed held-out split: per category, the ``share`` of examples with the lowest hashes.

    Fixed because it depends only on each example's own text: the same examples are held out
    on every machine and every run, and adding examples moves few others across the line.
    Per category, so the held-out prompts cover every kind of request (at least one each).
    """
    if share <= 0:
        return list(examples), []
    by_cat: dict[str, list[Example]] = {}
    for ex in examples:
        by_cat.setdefault(ex.category, []).append(ex)
    held: set[int] = set()
    for cat, group in by_cat.items():
        if len(group) < 2 or cat == FEEDBACK_CATEGORY:
            continue
        ranked = sorted(group, key=example_key)
        take = max(1, round(len(group) * share))
        held.update(id(ex) for ex in ranked[:take])
    train = [ex for ex in examples if id(ex) not in held]
    heldout = [ex for ex in examples if id(ex) in held]
    return train, heldout
