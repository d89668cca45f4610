"""Reading and checking training data: every bad line is named by file:line."""

from __future__ import annotations

import json

import pytest
from transformers import AutoTokenizer

from jarvis_desktop.core.errors import DataError
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
    from jarvis_desktop.core.assistant import Persona
    from trainer.data import FEEDBACK_CATEGORY, Example
    from trainer.sft import build_rows

    tok = AutoTokenizer.from_pretrained(tiny_base)
    messages = [{"role": "user", "content": "Hello"}, {"role": "assistant", "content": "Hiya mate."},
                {"role": "user", "content": "Thanks"}, {"role": "assistant", "content": "Welcome, {honorific}."}]
    rows = {cat: build_rows([Example(messages, cat, "t.jsonl:1")], tok, Persona("sir", "", "Be Jarvis."), 256)[0]
            for cat in (FEEDBACK_CATEGORY, "tools_in_conversation", "greetings")}
    trained = {cat: tok.decode([i for i, m in zip(r["input_ids"], r["assistant_masks"]) if m]) for cat, r in rows.items()}
    for cat in (FEEDBACK_CATEGORY, "tools_in_conversation"):  # the turns before: context, as heard
        assert "Hiya" not in trained[cat] and "Welcome, sir." in trained[cat]
    assert "Hiya" in trained["greetings"] and "Welcome, sir." in trained["greetings"]


def test_cli_validate_reports_file_line(tmp_path, capsys):
    path = _write(tmp_path, GOOD, "{oops")
    assert train_main(["data", "validate", str(path)]) == 1
    assert f"{path}:2: error: not valid JSON" in capsys.readouterr().out
    assert train_main(["data", "validate", str(_write(tmp_path, GOOD))]) == 0


def _validate(capsys, *paths) -> tuple[int, str, str]:
    """Run `jarvis-train data validate PATHS` in this process: (exit code, stdout, stderr)."""
    code = train_main(["data", "validate", *map(str, paths)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_a_file_that_is_not_utf8_is_named_by_line_not_a_traceback(tmp_path, capsys):
    path = tmp_path / "latin1.jsonl"
    row = json.dumps({"messages": [{"role": "user", "content": "Café?"},
                                   {"role": "assistant", "content": "Très bien, {honorific}."}]},
                     ensure_ascii=False)
    path.write_bytes(json.dumps(GOOD).encode() + b"\n" + row.encode("latin-1") + b"\n")
    with pytest.raises(DataError) as info:
        load_examples(path)
    assert str(info.value) == f"{path}:2: not UTF-8 text (byte 0xe9 at column 47) (save the file as UTF-8)"
    code, out, err = _validate(capsys, path)
    assert code == 1
    assert f"{path}:2: error: not UTF-8 text (byte 0xe9 at column 47) (save the file as UTF-8)" in out.splitlines()
    assert err.startswith("jarvis-train: error: ") and err.count("\n") == 1
    # a binary file gives one finding, not one per "line"
    blob = tmp_path / "model.gguf"
    blob.write_bytes(b"GGUF\x03\x00\xff\xfe\n" * 500)
    code, out, _ = _validate(capsys, blob)
    assert code == 1 and out.count("not UTF-8") == 1


def test_a_byte_order_mark_is_not_an_error(tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(GOOD).encode() + b"\n")
    assert [ex.messages for ex in load_examples(path)] == [GOOD["messages"]]


def test_deeply_nested_json_is_a_data_error_not_a_recursion_error(tmp_path, capsys):
    path = _write(tmp_path, GOOD, "[" * 100000, GOOD)
    errors: list[DataError] = []
    assert len(load_examples(path, errors)) == 2  # the lines after it are still read
    assert [str(e) for e in errors] == [f"{path}:2: JSON nested too deeply (each line must be one example "
                                        "object; an example needs only a few levels)"]
    code, out, err = _validate(capsys, path)
    assert code == 1 and f"{path}:2: error: JSON nested too deeply" in out
    assert err.count("\n") == 1
    # nesting the parser accepts is still refused where the example keeps it
    deep = {"category": json.loads("[" * 200 + "]" * 200), "messages": GOOD["messages"]}
    role = {"messages": [{"role": "user", "content": "Hi"}, {"role": json.loads("[" * 200 + "]" * 200),
                                                             "content": "x"}]}
    odd_check = {**GOOD, "check": {"expr": "1 + 1", "answer": "2", "extra": json.loads("[" * 200 + "]" * 200)}}
    path = _write(tmp_path, deep, role, odd_check)
    errors = []
    examples = load_examples(path, errors)
    assert [str(e) for e in errors] == [
        f"{path}:1: 'category' must be a non-empty string (e.g. \"category\": \"math\")",
        f"{path}:2: message 2 has unknown role of type list (roles are system, user, assistant)"]
    assert examples[0].check == {"expr": "1 + 1", "answer": "2"}  # only the fields that are read


def test_a_number_too_long_for_python_is_a_data_error(tmp_path):
    path = _write(tmp_path, '{"messages": ' + "1" * 5000 + "}")
    with pytest.raises(DataError, match=f"^{path}:1: not valid JSON \\(a number too long to read\\)"):
        load_examples(path)


@pytest.mark.parametrize("text", ["", "\n\n  \n", "\ufeff\n"])
def test_validate_fails_an_empty_dataset(tmp_path, capsys, text):
    path = tmp_path / "empty.jsonl"
    path.write_text(text, encoding="utf-8")
    code, out, err = _validate(capsys, path)
    assert code == 1
    assert f"{path}: error: the dataset is empty (add at least one example, one JSON object a line)" in out
    assert "0 examples: 1 error(s)" in out
    assert err.startswith(f"jarvis-train: error: {path}: 1 error(s)") and err.count("\n") == 1
    # one good file does not hide an empty one
    code, out, _ = _validate(capsys, _write(tmp_path, GOOD), path)
    assert code == 1 and f"{path}: error: the dataset is empty" in out


def test_import_reports_a_bad_file_in_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"instruction": "Hi", "response": "Hello, sir."}\n\xff\xfe\n')
    assert train_main(["data", "import", str(bad), "--out", str(tmp_path / "out.jsonl")]) == 1
    err = capsys.readouterr().err
    assert err == f"jarvis-train: error: {bad}:2: not UTF-8 text (byte 0xff at column 1) (save the file as UTF-8)\n"
    assert not (tmp_path / "out.jsonl").exists()
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    assert train_main(["data", "import", str(empty), "--out", str(tmp_path / "out.jsonl")]) == 1
    assert "no examples to import" in capsys.readouterr().err
    assert not (tmp_path / "out.jsonl").exists()
