"""The scorer's metrics on hand-made replies, and the promotion gate's decisions."""

from __future__ import annotations

from trainer import persona_metrics as pm
from trainer.evaluate import EvalPrompt, Reply, gate, score


def test_reply_level_checks():
    assert pm.address_count("Very good, sir. Sir, the tea.", "sir") == 2
    assert pm.address_count("Sirius is a star, madam.", "sir") == 0
    assert pm.address_count("Of course, Alice.", "Alice") == 1
    assert pm.has_ai_disclaimer("As an AI language model, I cannot.")
    assert pm.has_ai_disclaimer("I'm just an AI, I don't have feelings.")
    assert not pm.has_ai_disclaimer("I run on this computer, sir, and rather enjoy it.")
    assert pm.american_spellings("The color of the center is gray; I organized it.") == \
        ["color", "center", "gray", "organized"]
    assert pm.american_spellings("The colour of the centre is grey; check the program size and authorized_keys.") == []
    assert pm.repetition("the tea is ready the tea is ready the tea is ready") > 0.5
    assert pm.repetition("The tea is ready, sir.") == 0
    assert pm.sentence_count("One. Two! Three? Four.") == 4
    assert pm.has_markdown("Here:\n- one\n- two") and pm.has_markdown("**bold**")
    assert not pm.has_markdown("1914. Britain declared war that August.")
    assert pm.contains_number("That comes to 1,081, sir.", "1081")
    assert not pm.contains_number("That comes to 10810, sir.", "1081")


def _prompt(category="casual", answer=None):
    return EvalPrompt([{"role": "user", "content": "x"}], "ref", category, answer, "f:1")


def _reply(text, finish="stop"):
    return Reply(text, finish, len(text.split()), 0.05, 40.0)


def test_score_on_hand_made_replies():
    prompts = [_prompt(), _prompt(), _prompt(), _prompt("math", "391"), _prompt()]
    replies = [
        _reply("Good evening, sir. The fire is lit."),
        _reply("Sir, sir, sir, the color is ready."),  # overuse + American spelling
        _reply("As an AI language model I cannot help."),  # no address + disclaimer
        _reply("That comes to 391, sir."),
        _reply("yes yes yes yes yes yes yes yes yes yes", finish="length"),  # loops and never stops
    ]
    m = score(prompts, replies, "sir")
    assert m["address_rate"] == 0.6 and m["overuse_rate"] == 0.2
    assert m["disclaimer_rate"] == 0.2 and m["american_rate"] == 0.2
    assert m["clean_stop_rate"] == 0.8 and m["degenerate_rate"] == 0.2
    assert m["math_exact"] == 1.0 and m["math_prompts"] == 1
    assert m["speech_rate"] == 1.0
    assert 0 < m["persona_score"] < 1


def test_gate_refuses_a_worse_candidate_and_says_why():
    good = {"persona_score": 0.9, "clean_stop_rate": 1.0, "address_rate": 0.9, "disclaimer_rate": 0.0}
    same = dict(good, persona_score=0.89)
    broken = dict(good, persona_score=0.5, clean_stop_rate=0.2)
    passed = gate(same, good)
    assert passed.promoted and passed.failures == () and passed.metrics["against"] == good
    refused = gate(broken, good)
    assert not refused.promoted and refused.failures == ("persona_score", "clean_stop_rate")
    assert "persona score 0.500 < current 0.900" in refused.reason  # and it says so in words
    assert refused.as_dict() == {"promoted": False, "reason": refused.reason,
                                 "failures": ["persona_score", "clean_stop_rate"]}
