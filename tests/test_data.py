"""Reading and checking training data: every bad line is named by file:line."""

from __future__ import annotations

import json

import pytest
from transformers import AutoTokenizer

from jarvis_desktop.errors import DataError
from trainer.cli import main as train_main
from trainer.data import fill_honorific, load_examples, tokenize_chat

GOOD = {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello, {honorific}."}]}


def _write(tmp_path, *rows):
    path = tmp_path / "data.jsonl"
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n")
    return path


@pytest.mark.parametrize("bad, problem", [
    ("{not json", "not valid JSON"),
    ({"text": "hello"}, "no 'messages'"),
    ({"instruction": "Hi"}, "missing or empty 'response'"),
    ({"messages": [{"role": "user", "content": "Hi"}]}, "last message must be the assistant"),
    ({"messages": [{"role": "assistant", "content": "Hi"}]}, "bad role order"),
    ({"messages": [{"role": "user", "content": "a"}, {"role": "user", "content": "b"}]}, "bad role order"),
    ({"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "  "}]}, "is empty"),
    ({"messages": [{"role": "user", "content": "Hi"}, {"role": "butler", "content": "x"}]}, "unknown role"),
    ({"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hi {name}"}]},
     "unknown placeholder {name}"),
    ({"messages": [{"role": "user"}]}, "needs 'role' and 'content'"),
])
def test_bad_line_is_reported_with_file_and_line(tmp_path, bad, problem):
    path = _write(tmp_path, GOOD, GOOD, bad)
    with pytest.raises(DataError) as info:
        load_examples(path)
    assert str(info.value).startswith(f"{path}:3: ")
    assert problem in str(info.value)
    assert info.value.line == 3


def test_seed_format_and_messages_format_both_load(tmp_path):
    path = _write(tmp_path, GOOD, {"instruction": "Add 2 and 3", "response": "Five, {honorific}."},
                  "", {"instruction": "Summarise", "input": "Tea is nice.", "response": "Tea: nice."})
    examples = load_examples(path)
    assert len(examples) == 3
    assert examples[1].messages == [{"role": "user", "content": "Add 2 and 3"},
                                    {"role": "assistant", "content": "Five, {honorific}."}]
    assert examples[2].messages[0]["content"] == "Summarise\n\nTea is nice."
    assert examples[2].source == f"{path}:4"


def test_empty_and_missing_files_are_errors(tmp_path):
    with pytest.raises(DataError, match="empty"):
        load_examples(_write(tmp_path, ""))
    with pytest.raises(DataError, match="no such dataset file"):
        load_examples(tmp_path / "nope.jsonl")


def test_honorific_fills_both_cases():
    text = "{Honorific}, the tea is ready. Shall I pour, {honorific}?"
    assert fill_honorific(text, "madam") == "Madam, the tea is ready. Shall I pour, madam?"
    assert fill_honorific(text, "Dr Watson") == "Dr Watson, the tea is ready. Shall I pour, Dr Watson?"


def test_persona_dataset_is_valid():
    from trainer.sft_config import default_data

    examples = [e for f in default_data() for e in load_examples(f)]
    assert len(examples) >= 460
    assert len({e.category for e in examples}) >= 9


def test_only_assistant_replies_and_their_end_token_carry_loss(tiny_base):
    tok = AutoTokenizer.from_pretrained(tiny_base)
    messages = [{"role": "system", "content": "Be Jarvis."}, {"role": "user", "content": "Hello"},
                {"role": "assistant", "content": "Good day, sir."}, {"role": "user", "content": "Thanks"},
                {"role": "assistant", "content": "Welcome."}]
    row = tokenize_chat(tok, messages)
    assert len(row["input_ids"]) == len(row["assistant_masks"])
    trained = tok.decode([i for i, m in zip(row["input_ids"], row["assistant_masks"]) if m])
    assert trained.replace(" ", "") == "Goodday,sir.<|im_end|>\nWelcome.<|im_end|>\n".replace(" ", "")
    # the ids are those of tokenizing the whole rendered chat at once, as llama.cpp does
    text = tok.apply_chat_template(messages, tokenize=False)
    assert row["input_ids"] == tok(text, add_special_tokens=False)["input_ids"]
    # a rated reply from the log: only it is a target, not the (maybe rated-down) replies before it
    last = tokenize_chat(tok, messages, last_only=True)
    assert last["input_ids"] == row["input_ids"]
    trained = tok.decode([i for i, m in zip(last["input_ids"], last["assistant_masks"]) if m])
    assert trained.replace(" ", "") == "Welcome.<|im_end|>\n".replace(" ", "")


def test_a_feedback_row_trains_only_its_rated_reply(tiny_base):
    from trainer.data import FEEDBACK_CATEGORY, Example
    from trainer.sft import build_rows

    tok = AutoTokenizer.from_pretrained(tiny_base)
    messages = [{"role": "user", "content": "Hello"}, {"role": "assistant", "content": "Hiya mate."},
                {"role": "user", "content": "Thanks"}, {"role": "assistant", "content": "Welcome, {honorific}."}]
    rows = {cat: build_rows([Example(messages, cat, "t.jsonl:1")], tok, "Be Jarvis.", "sir", 256)[0]
            for cat in (FEEDBACK_CATEGORY, "greetings")}
    trained = {cat: tok.decode([i for i, m in zip(r["input_ids"], r["assistant_masks"]) if m]) for cat, r in rows.items()}
    assert "Hiya" not in trained[FEEDBACK_CATEGORY] and "Welcome, sir." in trained[FEEDBACK_CATEGORY]
    assert "Hiya" in trained["greetings"] and "Welcome, sir." in trained["greetings"]


def test_cli_validate_reports_file_line(tmp_path, capsys):
    path = _write(tmp_path, GOOD, "{oops")
    assert train_main(["data", "validate", str(path)]) == 1
    assert f"{path}:2: error: not valid JSON" in capsys.readouterr().out
    assert train_main(["data", "validate", str(_write(tmp_path, GOOD))]) == 0
