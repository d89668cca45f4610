"""The whole loop on the tiny model: ratings in the app's log -> retrain -> a model that
addresses the user more, measured by ``jarvis-train eval``; and the gate's win rate on the
held-out prompts the user rated down, refusing a candidate that ignores the ratings."""

from __future__ import annotations

import json

from jarvis_desktop.core.registry import Registry
from jarvis_desktop.core.interactions import InteractionLog
from tests.conftest import DATA, tiny_flags
from trainer.cli import main as train_main
from trainer.evaluate import EvalPrompt, Reply, judge, loss_p, win_rate, worse_on_rated_down

PLAIN = ["--data", str(DATA / "tiny_chat_plain.jsonl")]


def flags(base):
    """Long enough for the tiny model to say its lines, and F16: Q8_0 blurs a model this small."""
    # every retrain from the base (warm starts, the default, have their own test): what each
    # candidate learns here must come from its own data and ratings alone
    return [*tiny_flags(base, steps=300), "--quant", "F16", "--warm", "off"]


def _pairs():
    sir = [json.loads(x)["messages"] for x in (DATA / "tiny_chat.jsonl").read_text().splitlines()]
    plain = [json.loads(x)["messages"] for x in (DATA / "tiny_chat_plain.jsonl").read_text().splitlines()]
    return [(a[0]["content"], a[1]["content"].replace("{honorific}", "sir"), b[1]["content"])
            for a, b in zip(sir, plain)]


def _eval(model, against, tmp_path, name, capsys) -> dict:
    """``jarvis-train eval MODEL --against AGAINST --rated-down auto`` on every tiny prompt."""
    data = tmp_path / "eval.jsonl"  # each prompt in a category of its own, twice: each is held out
    rows = [json.loads(x) for x in (DATA / "tiny_chat.jsonl").read_text().splitlines()]
    data.write_text("".join(json.dumps({**r, "category": f"c{i}"}) + "\n" for i, r in enumerate(rows) for _ in range(2)))
    capsys.readouterr()
    assert train_main(["eval", str(model), "--against", str(against), "--name", "after", "--against-name", "before",
                       "--data", str(data), "--persona", str(DATA / "tiny_persona.txt"), "--max-tokens", "48",
                       "--rated-down", "auto", "--out", str(tmp_path / name), "--progress", "json"]) == 0
    printed = capsys.readouterr().out
    result = json.loads((tmp_path / name / "eval.json").read_text())
    assert "held-out prompts rated down" in printed
    return result


def test_ratings_raise_the_address_rate_and_the_gate_refuses_a_candidate_that_ignores_them(
        tiny_base, tmp_path, capsys):
    # v1 never addresses the user: trained on replies without the honorific
    assert train_main(["retrain", "--priority", "normal", *flags(tiny_base), *PLAIN, "--progress", "json"]) == 0
    v1 = Registry().current()
    # the user rates: replies without "sir" down (every other one corrected), replies with it up
    log = InteractionLog()
    for i, (prompt, with_sir, plain) in enumerate(_pairs() * 3):
        log.rate(log.add_turn(log.new_conversation(), prompt, with_sir, v1.name), 1)
        log.rate(log.add_turn(log.new_conversation(), prompt, plain, v1.name), -1, with_sir if i % 2 else "")
    log.close()
    capsys.readouterr()

    # v2 learns from them: promoted, and the gate's reason gives its win rate
    assert train_main(["retrain", "--priority", "normal", *flags(tiny_base), *PLAIN, "--feedback-share", "2.0",
                       "--prefs-min-ratings", "16", "--progress", "json"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.startswith("{")]
    export_msg = [x["message"] for x in lines if x["stage"] == "export"][-1]
    assert export_msg.startswith("44 rated replies (24 good, 20 bad, 10 corrected)"), export_msg
    assert "4 rated down kept aside to judge the new model" in export_msg
    done = lines[-1]
    assert done["promoted"] is True and done["version"] == "v2", done
    v2 = Registry().current()
    meta = json.loads((v2.path / "meta.json").read_text())
    held = meta["evaluation"]["rated_down"]
    assert held["prompts"] == 4  # turns 10, 20, 30 and 40: rated down, one in five held out
    assert held["win_rate"] >= 0.5 and f"on {held['prompts']} held-out prompts you rated down" in done["reason"]
    assert meta["feedback"]["kto"] == 44  # 48 rated, 4 held out
    assert meta["memory_trained"] is False  # turns that used the memory: only with --memory-turns

    # measured by jarvis-train eval: the address rate moved the right way
    result = _eval(v2.gguf, v1.gguf, tmp_path, "after", capsys)
    before, after = (result["models"][n]["metrics"] for n in ("before", "after"))
    assert after["address_rate"] > before["address_rate"] and after["address_rate"] >= 0.5, (before, after)
    assert result["rated_down"]["prompts"] == 4 and result["rated_down"]["win_rate"] >= 0.5

    # a broken candidate: its SFT leaves the ratings out (share 0); it loses to v2 where the
    # user rated down (2 of 4 lost, none won: too few to refuse it on alone, a sign test says,
    # see the test below), drops the address the ratings taught, and the gate keeps v2
    capsys.readouterr()
    assert train_main(["retrain", "--priority", "normal", *flags(tiny_base), *PLAIN, "--feedback-share", "0", "--progress", "json"]) == 0
    done = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert done["promoted"] is False and done["version"] == "v3", done
    assert "address_rate" in done["reason"] and "held-out prompts you rated down" in done["reason"], done["reason"]
    assert Registry().current().name == "v2"
    v3 = json.loads((Registry().get("v3").path / "meta.json").read_text())
    assert v3["evaluation"]["rated_down"]["win_rate"] < 0.5


def test_the_judge_prefers_the_persona_then_the_correction():
    sir = EvalPrompt([{"role": "user", "content": "Hello"}], "Good morning, sir.", "rated down", None, "t:1",
                     rejected="Good morning.")
    bare = EvalPrompt(sir.messages, "", "rated down", None, "t:2", rejected="Hiya mate.")

    def reply(text, finish="stop"):
        return Reply(text, finish, 4, 0.1, 10.0)

    assert judge(sir, reply("Good morning, sir."), reply("Good morning."), "sir") == 1.0  # addressed
    assert judge(sir, reply("Good morning, sir."), reply("Good morning, sir.", "length"), "sir") == 1.0  # stopped
    assert judge(sir, reply("Sir, sir, good morning."), reply("Good day, sir."), "sir") == 0.0  # overuse
    assert judge(sir, reply("Good morning, sir."), reply("Good day, sir."), "sir") == 1.0  # closer to correction
    assert judge(bare, reply("Hello, sir."), reply("Hiya mate, sir."), "sir") == 1.0  # further from the rejected
    assert judge(bare, reply("Hello, sir."), reply("Hello, sir."), "sir") == 0.5
    wins = win_rate([sir, bare, bare], [reply("Good morning, sir."), reply("Hello, sir."), reply("Hiya.")],
                    [reply("Good morning."), reply("Hello, sir."), reply("Hello, sir.")], "sir")
    assert wins == {"prompts": 3, "wins": 1, "ties": 1, "losses": 1, "win_rate": 0.5}


def test_the_gate_refuses_on_rated_down_prompts_only_where_the_losses_are_past_chance():
    def wins(w, t, lost):
        n = w + t + lost
        return {"prompts": n, "wins": w, "ties": t, "losses": lost, "win_rate": round((w + t / 2) / n, 3)}
    assert loss_p(0, 3) == 0.125 and loss_p(1, 4) == 6 / 32 and loss_p(0, 0) == 1.0
    # the warm retrain refused on a coin toss (benchmarks/feedback_retrain.py): no longer
    assert not worse_on_rated_down(wins(0, 1, 2))
    assert not worse_on_rated_down(wins(1, 0, 3))  # 3 of 4 lost: p 0.31
    assert not worse_on_rated_down(wins(0, 0, 2))  # too few prompts to gate on
    assert not worse_on_rated_down(wins(4, 0, 6))  # 6 of 10 lost: p 0.38
    assert worse_on_rated_down(wins(0, 0, 3)) and worse_on_rated_down(wins(1, 0, 4))
    assert worse_on_rated_down(wins(0, 5, 3))  # ties do not dilute three losses and no win
    assert worse_on_rated_down(wins(3, 2, 7))  # 7 of 10 decided: p 0.17
