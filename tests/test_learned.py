""""What Jarvis learned": the report from a real registry's records, and its window offscreen.

A retrain writes these records (tests/test_app.py's Retrain-now test checks that the window
opens after a real one); here the records are written as the retrain writes them, to check
each part of the report: what was used, the figures and their verdicts, the replies that
changed, the gate's refusal in plain words, and the rollback offered only where it applies."""

from __future__ import annotations

import json
import shutil

import pytest

from jarvis_desktop.core.learned import CHANGES_SHOWN, learned
from jarvis_desktop.core.registry import Registry

KEY = "abc123"
PROMPTS = [f"Held-out question {i}?" for i in range(8)]


def _version(reg: Registry, gguf, meta: dict, replies: list[str] | None):
    staged = reg.root.parent / "incoming.gguf"
    shutil.copy(gguf, staged)
    v = reg.add(staged, meta)
    if replies is not None:
        (v.path / f"eval-{KEY}.json").write_text(json.dumps({
            "key": KEY, "metrics": {}, "replies": [{"prompt": p, "reply": r} for p, r in zip(PROMPTS, replies)]}))
    return v


def _metrics(persona, address, facts_wrong, routing):
    return ({"persona_score": persona, "address_rate": address, "clean_stop_rate": 1.0, "disclaimer_rate": 0.0,
             "american_rate": 0.0},
            {"routing_accuracy": routing, "false_call_rate": 0.05, "argument_accuracy": 0.7, "result_fidelity": 1.0,
             "facts_right_rate": 0.1, "facts_wrong_rate": facts_wrong})


@pytest.fixture
def two(tiny_chain, jarvis_home):
    """v1 (the first model) and v2 trained on ratings, measured against v1, as a retrain records them."""
    reg = Registry()
    p1, s1 = _metrics(0.990, 0.93, 0.20, 0.80)
    old = ["Good evening, sir.", "The Thames runs through London, sir.", "I would suggest a backup, sir.",
           "Certainly.", "Very good, sir.", "Paris, sir.", "It is raining.", "Indeed, sir."]
    v1 = _version(reg, tiny_chain["f16"], {"evaluation": {"key": KEY, "metrics": p1, "substance": s1},
                                           "gate": {"promoted": True, "reason": "first model", "failures": []}}, old)
    reg.promote(v1.name)
    p2, s2 = _metrics(0.995, 0.98, 0.25, 0.84)
    new = list(old)
    new[3] = "Certainly, sir: the report is on your desk."  # changed a lot
    new[6] = "It is raining, sir."  # changed a little
    meta = {"evaluation": {"key": KEY, "metrics": p2, "substance": s2,
                           "against": {"version": "v1", "metrics": p1, "substance": s1},
                           "rated_down": {"prompts": 3, "wins": 2, "ties": 1, "losses": 0, "win_rate": 0.83}},
            "feedback": {"kto": 29, "dpo": 13, "sft_used": 16, "prefs": "KTO on 29 rows, 8 steps"},
            "warm_start": {"from": "v1", "chain": 1, "replay": 0.25},
            "gate": {"promoted": True, "reason": "persona score 0.995 vs current 0.990", "failures": []}}
    v2 = _version(reg, tiny_chain["f16"], meta, new)
    reg.promote(v2.name)
    return reg


def test_the_report_says_what_was_used_what_moved_and_which_replies_changed(two):
    r = learned(two, "v2")
    assert r.promoted and r.current and r.against == "v1"
    assert r.headline == "v2 is the current model"
    assert r.used == ["29 of your rated replies, 13 of them with a correction you typed",
                      "16 liked replies and corrections joined the fine-tune",
                      "preference tuning: KTO on 29 rows, 8 steps",
                      "started from v1 (a warm start: your ratings and a quarter of the dataset)",
                      "compared with v1 on 3 replies you rated down: 2 better, 1 alike, 0 worse"]
    by = {f.key: f for f in r.figures}
    assert by["address_rate"].verdict == "better" and by["address_rate"].shown(0.98) == "98%"
    assert by["facts_wrong_rate"].verdict == "worse"  # lower is better: 0.20 -> 0.25
    assert by["routing_accuracy"].verdict == "better" and by["clean_stop_rate"].verdict == "same"
    assert [c.prompt for c in r.changes] == [PROMPTS[3], PROMPTS[6]]  # the most changed first; unchanged left out
    assert r.changes[0].before == "Certainly." and r.changes[0].after.startswith("Certainly, sir")
    assert len(r.changes) <= CHANGES_SHOWN and not r.missing


def test_a_refused_candidate_says_why_in_plain_words(two, tiny_chain):
    p, s = _metrics(0.995, 0.98, 0.30, 0.84)
    meta = {"evaluation": {"key": KEY, "metrics": p, "substance": s,
                           "against": {"version": "v2", "metrics": p, "substance": {**s, "facts_wrong_rate": 0.2}}},
            "gate": {"promoted": False, "failures": ["facts_wrong_rate"],
                     "reason": "worse than the current model: facts wrong rate 0.300 vs current 0.200"}}
    _version(two, tiny_chain["f16"], meta, None)
    r = learned(two, "v3")
    assert not r.promoted and not r.current
    assert r.headline == "v3 was not made current: v2 stayed"
    assert r.verdict.startswith("It was worse than the model before at: answers factual questions wrongly. "
                                "So the model before stays, and nothing changed for you.")
    assert r.changes == [] and r.missing == ["the replies of v3 on the held-out prompts were not kept, "
                                             "so no replies are compared"]
    assert r.used == ["the persona dataset only (no ratings were recorded for this version)"]


def test_a_candidate_refused_against_the_best_of_the_line_says_so(two, tiny_chain):
    p, s = _metrics(0.995, 0.98, 0.30, 0.84)
    meta = {"evaluation": {"key": KEY, "metrics": p, "substance": s,
                           "against": {"version": "v2", "metrics": p, "substance": s}},
            "gate": {"promoted": False, "failures": ["routing_accuracy"],
                     "reason": "worse than the current model: routing accuracy 0.840 vs the best since v1 0.910",
                     "below_best": "v1"}}
    _version(two, tiny_chain["f16"], meta, None)
    assert learned(two, "v3").verdict.startswith(
        "It was worse than the model before, or too far below the best one since v1, at: ")


def test_a_first_model_has_nothing_to_compare(two):
    r = learned(two, "v1")
    assert r.verdict == "The first model: there was nothing to compare it with."
    assert all(f.before is None and f.verdict == "" for f in r.figures) and r.changes == []
    assert r.missing == ["there was no model before this one to compare its replies with"]
    assert r.used[0].startswith("the persona dataset")


def test_the_window_shows_it_and_offers_rollback_only_where_it_applies(qtbot, two):
    from jarvis_desktop.views.learned import LearnedDialog

    d = LearnedDialog(learned(two, "v2"), can_rollback=True)
    qtbot.addWidget(d)
    assert d.figures.rowCount() == len(d.report.figures)
    rows = {d.figures.item(i, 0).text(): [d.figures.item(i, c).text() for c in (1, 2, 3)]
            for i in range(d.figures.rowCount())}
    assert rows["addresses you as he should"] == ["93%", "98%", "better"]
    assert "Certainly, sir: the report is on your desk." in d.changes.toPlainText()
    assert d.rollback_button is not None and d.rollback_button.text() == "Roll back to v1"
    with qtbot.waitSignal(d.rollback_requested, timeout=2000):
        d.rollback_button.click()
    old = LearnedDialog(learned(two, "v1"), can_rollback=True)  # not the current one: nothing to roll back
    qtbot.addWidget(old)
    assert old.rollback_button is None
