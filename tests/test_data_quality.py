"""The dataset validator catches each kind of bad example, and the shipped dataset is clean."""

from __future__ import annotations

import json

import pytest

from jarvis_desktop.core.arith import ArithmeticError_, evaluate
from trainer.cli import main as train_main
from trainer.data import load_examples, split_examples
from trainer.data_quality import check_files, dataset_stats
from trainer.sft_config import default_data


def _msg(user, reply, **extra):
    return {"category": "casual", "messages": [{"role": "user", "content": user},
                                               {"role": "assistant", "content": reply}], **extra}


GOOD = [
    _msg("Morning, Jarvis.", "Good morning, {honorific}. The kettle awaits your command."),
    _msg("What is a kilobyte?", "A kilobyte is a thousand bytes, {honorific}, or 1,024 in the older binary sense."),
    {**_msg("What's 17 times 23?", "That comes to 391, {honorific}."), "category": "math",
     "check": {"expr": "17 * 23", "answer": "391"}},
    {**_msg("10k in miles?", "About 6.21 miles, {honorific}."), "category": "math",
     "check": {"expr": "10 / 1.609344", "answer": "6.21"}},
    # the request answered with a call: the call is run, and its result must give the answer
    {**_msg("what's 1000 divided by 7", 'call:calculate{expression:"1000/7"}'), "category": "math",
     "check": {"expr": "1000 / 7", "answer": "142.86"}},
]


def _write(tmp_path, rows, name="data.jsonl"):
    path = tmp_path / name
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


@pytest.mark.parametrize("bad, problem", [
    ({**_msg("What's 12 times 12?", "That is 124, {honorific}."), "category": "math",
      "check": {"expr": "12 * 12", "answer": "124"}}, "wrong answer: 12 * 12 = 144"),
    ({**_msg("Half of 9?", "4.5, {honorific}."), "category": "math"}, "without a 'check'"),
    ({**_msg("10 km in miles", 'call:convert{value:10,from:"mile",to:"km"}'), "category": "math",
      "check": {"expr": "10 / 1.609344", "answer": "6.21"}}, "not the checked answer 6.21"),
    ({**_msg("12 km in parsnips", 'call:convert{value:12,from:"km",to:"parsnip"}'), "category": "math",
      "check": {"expr": "12", "answer": "12"}}, "does not run"),
    ({**_msg("Root of 2?", "About 1.41, {honorific}."), "category": "math",
      "check": {"expr": "__import__('os').getcwd()", "answer": "1.41"}}, "is not allowed"),
    ({"category": "casual", "messages": [{"role": "user", "content": "Hi"}]}, "last message must be the assistant"),
    ({"messages": [{"role": "assistant", "content": "Hello"}, {"role": "user", "content": "Hi"}]}, "bad role order"),
    (_msg("Anything?", "   "), "is empty"),
    ({"category": "casual"}, "no 'messages'"),
    (GOOD[0], "duplicate of"),
    (_msg("Morning Jarvis!", "Good morning, {honorific}. The kettle awaits your command."), "near-duplicate of"),
])
def test_validator_names_each_bad_example_by_file_and_line(tmp_path, capsys, bad, problem):
    path = _write(tmp_path, [*GOOD, bad])
    assert train_main(["data", "validate", str(path)]) == 1
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if problem in ln)
    assert line.startswith(f"{path}:{len(GOOD) + 1}: error: "), line


def test_validator_warns_about_style_and_passes_good_data(tmp_path, capsys):
    path = _write(tmp_path, GOOD)
    assert train_main(["data", "validate", str(path)]) == 0
    styled = _write(tmp_path, [_msg("Colours?", "My favorite color is gray, sir."),
                               _msg("List?", "**Yes**, {honorific}:\n1. one\n2. two"),
                               _msg("Who?", "As an AI language model, I cannot say, {honorific}.")], "style.jsonl")
    report = check_files([styled])
    text = "\n".join(str(f) for f in report.warnings)
    assert "American spelling: favorite, color, gray" in text
    assert "says sir/madam literally" in text and "markdown" in text and "AI disclaimer" in text
    assert not report.errors
    assert train_main(["data", "validate", "--strict", str(styled)]) == 1


def test_shipped_persona_dataset_meets_the_brief():
    report = check_files(default_data())
    assert not report.errors, [str(f) for f in report.errors[:5]]
    stats = dataset_stats(report.examples)
    cats = {k: v["examples"] for k, v in stats["per_category"].items()}
    seed = {"greetings": 50, "technical": 100, "math": 50, "casual": 50,
            "error_handling": 30, "proactive": 20, "multi_turn": 40, "identity": 20}
    # casual chat grew a second file (small_talk: opinions, advice, small verses), and the jokes it
    # told went to the joke tool's bank
    cats["casual"] = cats.get("casual", 0) + cats.get("small_talk", 0)
    for cat, need in seed.items():
        assert cats.get(cat, 0) >= need, (cat, cats.get(cat))
    # The brief's 100 general-knowledge examples: the explanations ("why is the sky blue") and the
    # checkable facts, which are taught from what the base knows (trainer/facts.py, R-Tuning)
    assert cats.get("general_knowledge", 0) >= 40 and cats.get("general_knowledge", 0) + cats.get("facts", 0) >= 100
    assert stats["multi_turn_3plus"] >= 40
    assert stats["near_duplicate_pairs"] == 0
    assert stats["distinct_openings_share"] >= 0.9
    assert stats["american_spellings"] == 0 and stats["markdown_replies"] == 0
    assert stats["replies_1_to_4_sentences"] >= 0.95


def test_split_is_fixed_disjoint_and_covers_every_category(tmp_path, capsys):
    examples = [ex for f in default_data() for ex in load_examples(f)]
    train, held = split_examples(examples)
    again_train, again_held = split_examples(list(reversed(examples)))
    assert {ex.to_json() for ex in held} == {ex.to_json() for ex in again_held}
    assert not {ex.to_json() for ex in held} & {ex.to_json() for ex in train}
    assert {ex.category for ex in held} == {ex.category for ex in examples}
    assert 0.08 <= len(held) / len(examples) <= 0.12
    assert train_main(["data", "split", "--out", str(tmp_path)]) == 0
    assert len(load_examples(tmp_path / "heldout.jsonl")) == len(held)
    assert len(load_examples(tmp_path / "train.jsonl")) == len(train)


def test_import_takes_seed_and_trl_formats(tmp_path):
    seed = _write(tmp_path, [{"instruction": "Hello Jarvis", "response": "Good evening, sir. Sir, shall I?"}],
                  "seed.jsonl")
    trl = _write(tmp_path, [{"messages": [{"role": "system", "content": "You are helpful."},
                                          {"role": "user", "content": "Hi"},
                                          {"role": "assistant", "content": "Hello, madam."}]}], "trl.jsonl")
    out = tmp_path / "imported.jsonl"
    assert train_main(["data", "import", str(seed), str(trl), "--out", str(out), "--category", "greetings"]) == 0
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert rows[0]["messages"][1]["content"] == "Good evening, {honorific}. {Honorific}, shall I?"
    assert rows[1]["messages"] == [{"role": "user", "content": "Hi"},
                                   {"role": "assistant", "content": "Hello, {honorific}."}]
    assert {r["category"] for r in rows} == {"greetings"}
    assert len(load_examples(out)) == 2


def test_arithmetic_is_computed_without_eval():
    assert evaluate("17 * (3 + 4) / 2") == 59.5
    assert evaluate("2 ** 10 - sqrt(16)") == 1020
    assert evaluate("round(10 / 3, 2)") == 3.33
    for bad in ("__import__('os')", "open('x')", "(1).real", "9 ** 9 ** 9", "1 / 0", "x + 1", "[1, 2]"):
        with pytest.raises(ArithmeticError_):
            evaluate(bad)


@pytest.mark.timeout(60)  # the bomb used to hang validate: a regression fails here, not at the 900-s default
@pytest.mark.parametrize("expr, problem", [
    ("((10 ** 1000) ** 1000) ** 1000",
     "'(10 ** 1000) ** 1000' is too large to compute (about 1,000,000 digits; the limit is 3,000)"),
    ("round(5, -10 ** 9)", "round's digits must be a whole number from -100 to 100"),
    ("-(" * 300 + "1" + ")" * 300, "has too many nested operations (at most 200)"),
    ("sqrt(-1)", "'sqrt(-1)' has no real answer"),
    ("1e308 * 10 - 1e308 * 10", "'1e+308 * 10' is too large to compute"),
])
def test_an_expression_bomb_in_a_check_is_a_finding_not_a_hang(tmp_path, capsys, expr, problem):
    bomb = {**_msg("And this one?", "That is 7, {honorific}."), "category": "math",
            "check": {"expr": expr, "answer": "7"}}
    path = _write(tmp_path, [*GOOD, bomb])
    assert train_main(["data", "validate", str(path)]) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    where = f"{path}:{len(GOOD) + 1}: "
    line = next(ln for ln in out.splitlines() if ln.startswith(where))
    assert line.startswith(f"{where}error: check expression: ") and problem in line, line
    assert len(line) < 300
    assert err.startswith("jarvis-train: error: ") and err.count("\n") == 1


def test_the_honest_not_certain_rows_are_a_set_by_design_not_near_duplicates(tmp_path, capsys):
    from trainer.facts import UNSURE_REPLIES

    honest = [{**_msg(q, UNSURE_REPLIES[0]), "category": "facts"}
              for q in ("What's the capital of Mongolia?", "Who painted The Night Watch?")]
    path = _write(tmp_path, [*GOOD, *honest])
    assert train_main(["data", "validate", str(path)]) == 0, capsys.readouterr().out
    same = [{**_msg(q, UNSURE_REPLIES[0]), "category": "casual"} for q in ("Hmm, Mongolia?", "Hmm, Mongolia!")]
    assert train_main(["data", "validate", str(_write(tmp_path, [*GOOD, *same], "casual.jsonl"))]) == 1
    assert "near-duplicate" in capsys.readouterr().out
