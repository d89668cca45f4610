"""R-Tuning's parts (trainer/facts.py): grading replies right / honestly unsure / wrong, the rows
made from the base's probe, and the probe itself on the tiny real model."""

from __future__ import annotations

import json

import pytest

from jarvis_desktop.core.errors import DataError
from trainer.facts import UNSURE_REPLIES, Fact, fact_rows, grade, knows, load_facts, probe, score_facts

CANBERRA = Fact("f1", "What's the capital of Australia?", ("Canberra",),
                "Canberra, {honorific}, not Sydney, as many assume.")
HTTPS = Fact("f2", "what port does https use", ("443",), "Port 443, {honorific}.")


def test_a_reply_is_right_only_when_it_gives_an_accepted_answer_as_a_whole_word():
    assert knows("It's Canberra, sir.", ("Canberra",)) and knows("canberra", ("Canberra",))
    assert knows("Port 443, sir.", ("443",)) and not knows("Port 4430, sir.", ("443",))
    assert not knows("Sydney, sir.", ("Canberra",))
    assert grade("Sydney, sir.", CANBERRA.answers) == "wrong"
    assert grade("Canberra, sir.", CANBERRA.answers) == "right"
    assert grade("I'm not certain, sir, and I'd rather not guess.", CANBERRA.answers) == "unsure"
    assert grade("", CANBERRA.answers) == "wrong"  # saying nothing is not honesty
    assert all(grade(r.format(honorific="sir"), ("Canberra",)) == "unsure" for r in UNSURE_REPLIES)


def test_the_scores_are_shares_of_each_grade():
    assert score_facts(["right", "unsure", "wrong", "right"]) == {
        "facts": 4, "facts_right_rate": 0.5, "facts_unsure_rate": 0.25, "facts_wrong_rate": 0.25}
    assert score_facts([])["facts_wrong_rate"] is None


DRACULA = Fact("f3", "Who wrote Dracula?", ("Stoker",), "Bram Stoker, {honorific}, in 1897.")
MARS = Fact("f4", "how many moons does mars have", ("two", "2"), "Two, {honorific}: Phobos and Deimos.")


def test_known_facts_are_taught_as_the_bank_says_and_the_rest_honestly():
    rows = fact_rows([DRACULA, MARS], {"f3": {"answer": "Bram Stoker", "knows": True},
                                       "f4": {"answer": "one", "knows": False}})
    assert [r["category"] for r in rows] == ["facts", "facts"]
    assert rows[0]["messages"][1]["content"] == DRACULA.reply
    honest = rows[1]["messages"][1]["content"]
    assert honest in UNSURE_REPLIES and "two" not in honest.lower() and "{honorific}" in honest
    assert fact_rows([MARS], {"f4": {"knows": False}}) == rows[1:]  # the same reply each time
    with pytest.raises(DataError, match="never probed"):
        fact_rows([DRACULA], {})


def test_facts_a_tool_looks_up_are_its_call_known_or_not():
    """A capital or a port is the reference tools' to look up, whatever the base knew of it."""
    rows = fact_rows([CANBERRA, HTTPS], {"f1": {"answer": "Canberra", "knows": True},
                                         "f2": {"answer": "80", "knows": False}})
    assert [r["messages"][1]["content"] for r in rows] == [
        'call:country{country:"Australia",asked:"capital"}', 'call:port{service:"https"}']


def test_a_bad_bank_line_is_named(tmp_path):
    path = tmp_path / "bank.jsonl"
    path.write_text(json.dumps({"id": "1", "question": "Q?", "answers": ["A"], "reply": "A, {honorific}."}) + "\n"
                    + json.dumps({"id": "2", "question": "Q2?", "answers": []}) + "\n")
    with pytest.raises(DataError, match="bank.jsonl:2"):
        load_facts(path)


def test_the_probe_asks_the_real_model_each_question(tiny_chain):
    found = probe(tiny_chain["f16"], [CANBERRA, HTTPS], n_threads=1)
    assert set(found) == {"f1", "f2"}
    for fact in (CANBERRA, HTTPS):
        answer = found[fact.id]["answer"]
        again = found[fact.id]["again"]
        assert isinstance(answer, str) and "\n" not in answer and "\n" not in again  # one line each
        # known only where the base is right after both sets of examples
        assert found[fact.id]["knows"] == (knows(answer, fact.answers) and knows(again, fact.answers))


def test_no_few_shot_answer_gives_a_bank_or_held_out_answer_away():
    from trainer.facts import BANK, FEW_SHOTS, HELDOUT

    shown = " ".join(f"{q} {a}" for shots in FEW_SHOTS for q, a in shots)
    for kind in (BANK, HELDOUT):
        for fact in load_facts(kind=kind):
            assert not knows(shown, fact.answers), f"{fact.id}: the few-shot prompt shows {fact.answers}"


def test_the_facts_category_is_what_the_bank_and_the_probe_make(tmp_path):
    from jarvis_desktop.core.paths import asset
    from trainer.facts import FACTS_FILE, PROBE, write

    probed = json.loads(asset(*PROBE).read_text())
    facts = load_facts()
    assert set(probed) == {f.id for f in facts}, "run `python -m trainer.facts probe` after changing the bank"
    assert write(tmp_path / "facts.jsonl").read_bytes() == asset(*FACTS_FILE).read_bytes(), \
        "run `python -m trainer.facts write`"
    known = sum(p["knows"] for p in probed.values())
    assert 0 < known < len(facts)  # some known, some not: both kinds of reply are taught
