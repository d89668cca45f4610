"""Preference tuning (KTO/DPO) from the app's exported ratings, on the tiny model."""

from __future__ import annotations

import json

import pytest
import torch

from convert.merge import merge_adapter
from jarvis_desktop.core.errors import DataError
from jarvis_desktop.core.interactions import InteractionLog
from jarvis_desktop.core.trl import export_copy
from trainer.cli import main as train_main
from trainer.prefs import NotEnoughFeedback, PrefsOptions, kto_weights, load_preferences, run_prefs
from trainer.progress import Progress
from tests.conftest import DATA, TINY_THREADS

PERSONA = str(DATA / "tiny_persona.txt")


def _pairs():
    """(prompt, reply with the honorific, reply without) from the tiny datasets."""
    sir = [json.loads(x)["messages"] for x in (DATA / "tiny_chat.jsonl").read_text().splitlines()]
    plain = [json.loads(x)["messages"] for x in (DATA / "tiny_chat_plain.jsonl").read_text().splitlines()]
    return [(a[0]["content"], a[1]["content"].replace("{honorific}", "sir"), b[1]["content"])
            for a, b in zip(sir, plain)]


def _export_ratings(folder, good_is_plain=True, copies=3):
    """Ratings logged by the real interaction log, exported as the app does."""
    log = InteractionLog(folder / "log.sqlite")
    for _ in range(copies):
        for prompt, with_sir, plain in _pairs():
            conv = log.new_conversation()
            good, bad = (plain, with_sir) if good_is_plain else (with_sir, plain)
            log.rate(log.add_turn(conv, prompt, good, "v1"), 1)
            conv = log.new_conversation()
            log.rate(log.add_turn(conv, prompt, bad, "v1"), -1, good)
    counts = export_copy(log, folder / "export")  # all of it: this is about the prefs stage alone
    log.close()
    return folder / "export", counts


def _margin(model_dir, pairs) -> float:
    """Mean log-probability of the plain reply minus that of the honorific one."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32).eval()
    system = (DATA / "tiny_persona.txt").read_text().strip().replace("{honorific}", "sir")

    def logp(prompt, reply):
        chat = [{"role": "system", "content": system}, {"role": "user", "content": prompt}]
        head = tok.apply_chat_template(chat, tokenize=False, add_generation_prompt=True)
        full = tok.apply_chat_template(chat + [{"role": "assistant", "content": reply}], tokenize=False)
        h = tok(head, add_special_tokens=False)["input_ids"]
        ids = tok(full, add_special_tokens=False)["input_ids"]
        with torch.no_grad():
            out = model(torch.tensor([ids])).logits[0].log_softmax(-1)
        return sum(out[i - 1, ids[i]].item() for i in range(len(h), len(ids)))

    return sum(logp(p, plain) - logp(p, sir) for p, sir, plain in pairs) / len(pairs)


def test_kto_from_exported_ratings_moves_the_model_toward_the_liked_replies(tiny_chain, tmp_path):
    export, counts = _export_ratings(tmp_path)
    assert counts["kto"] == 48 and counts["dpo"] == 24
    opts = PrefsOptions(model=str(tiny_chain["merged"]), data=str(export), method="auto", persona=PERSONA,
                        output=str(tmp_path / "prefs"), learning_rate=5e-3, max_steps=24, precision="fp32",
                        threads=TINY_THREADS, min_pairs=100)  # 24 pairs < 100: auto picks KTO
    adapter = run_prefs(opts, Progress("json", stream=open(tmp_path / "progress.log", "w")))
    meta = json.loads((adapter / "jarvis_prefs.json").read_text())
    assert meta["method"] == "kto" and meta["rows"] == 48 and meta["steps"] == 24
    assert meta["weights"] == {"desirable": 1.15, "undesirable": 1.0}  # 24 good, 24 bad
    tuned = merge_adapter(adapter, tmp_path / "merged")
    before, after = _margin(tiny_chain["merged"], _pairs()), _margin(tuned, _pairs())
    assert after > before + 1.0, (before, after)
    lines = (tmp_path / "progress.log").read_text().splitlines()
    assert any('"stage": "prefs"' in x and '"total": 24' in x for x in lines)


def test_dpo_when_there_are_enough_corrected_pairs(tiny_chain, tmp_path):
    export, _ = _export_ratings(tmp_path)
    opts = PrefsOptions(model=str(tiny_chain["merged"]), data=str(export), persona=PERSONA,
                        output=str(tmp_path / "prefs"), learning_rate=5e-3, max_steps=12, precision="fp32",
                        threads=TINY_THREADS, min_pairs=16)
    adapter = run_prefs(opts, Progress("json", stream=open(tmp_path / "progress.log", "w")))
    assert json.loads((adapter / "jarvis_prefs.json").read_text())["method"] == "dpo"
    tuned = merge_adapter(adapter, tmp_path / "merged")
    assert _margin(tuned, _pairs()) > _margin(tiny_chain["merged"], _pairs()) + 1.0


def test_too_little_feedback_trains_nothing_and_says_how_much(tiny_chain, tmp_path, capsys):
    export, _ = _export_ratings(tmp_path, copies=1)  # 16 ratings, 8 pairs
    opts = PrefsOptions(model=str(tiny_chain["merged"]), data=str(export), min_ratings=20, persona=PERSONA)
    with pytest.raises(NotEnoughFeedback, match=r"16 rated replies \(8 good, 8 bad\).*needs 20"):
        run_prefs(opts)
    code = train_main(["prefs", "--model", str(tiny_chain["merged"]), "--data", str(export),
                       "--min-ratings", "20", "--progress", "json"])
    assert code == 0
    done = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert done["stage"] == "done" and done["skipped"] is True and "16 rated replies" in done["message"]
    only_good = tmp_path / "good.jsonl"
    only_good.write_text("\n".join(json.dumps({"prompt": [{"role": "user", "content": f"q{i}"}],
                                               "completion": [{"role": "assistant", "content": "a"}],
                                               "label": True}) for i in range(30)))
    with pytest.raises(NotEnoughFeedback, match="30 good, 0 bad"):
        run_prefs(PrefsOptions(model=str(tiny_chain["merged"]), data=str(only_good)))


def test_bad_preference_files_name_file_and_line(tmp_path):
    cases = {
        '{"prompt": [{"role": "user", "content": "hi"}], "completion": "hello", "label": true}': "completion",
        '{"prompt": [{"role": "user", "content": "hi"}], "completion": [{"role": "assistant", '
        '"content": "x"}], "label": "yes"}': "label",
        '{"prompt": [{"role": "assistant", "content": "hi"}], "completion": [{"role": "assistant", '
        '"content": "x"}], "label": false}': "end with a user",
        '{"prompt": [{"role": "user", "content": "hi"}], "chosen": [{"role": "assistant", '
        '"content": "x"}], "rejected": [{"role": "assistant", "content": "y"}]}': "keep one kind per file",
        '{"question": "hi"}': "expected",
        "not json": "not valid JSON",
    }
    good = '{"prompt": [{"role": "user", "content": "hi"}], "completion": [{"role": "assistant", "content": "x"}], "label": true}'
    for bad, needle in cases.items():
        path = tmp_path / "kto.jsonl"
        path.write_text(good + "\n" + bad + "\n")
        with pytest.raises(DataError, match=needle) as info:
            load_preferences(path)
        assert f"{path}:2" in str(info.value)
    with pytest.raises(DataError, match="no such file"):
        load_preferences(tmp_path / "missing.jsonl")


@pytest.mark.parametrize("good,bad", [(30, 10), (10, 30), (5, 5), (100, 3)])
def test_kto_weights_fall_in_trls_recommended_range(good, bad):
    desirable, undesirable = kto_weights(good, bad)
    ratio = desirable * good / (undesirable * bad)
    assert 1.0 <= ratio <= 4 / 3


def test_retrain_learns_from_the_apps_ratings_and_keeps_private_turns_out(tiny_base, jarvis_home, capsys):
    from jarvis_desktop.core.registry import Registry
    from jarvis_desktop.core.paths import runs_dir
    from tests.conftest import tiny_flags

    log = InteractionLog()  # the app's own log in the data dir, as a user leaves it
    for prompt, with_sir, plain in _pairs() * 2:
        conv = log.new_conversation()
        log.rate(log.add_turn(conv, prompt, with_sir, "v1"), 1)
        conv = log.new_conversation()
        log.rate(log.add_turn(conv, prompt, plain, "v1"), -1, with_sir)
    secret = log.add_turn(log.new_conversation(), "my bank PIN is 4711", "Noted, sir.", "v1")
    log.rate(secret, 1)
    log.set_excluded(secret, True)
    gone = log.add_turn(log.new_conversation(), "delete me: 0xDEADBEEF", "Very good, sir.", "v1")
    log.rate(gone, 1)
    log.delete_turn(gone)
    log.close()
    args = ["retrain", "--priority", "normal", *tiny_flags(tiny_base), "--prefs-min-ratings", "16", "--feedback-share", "1.0",
            "--keep-work", "--progress", "json"]
    assert train_main(args) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.startswith("{")]
    export_msg = [x["message"] for x in lines if x["stage"] == "export"][-1]
    # turns 10, 20 and 30 (rated down) are kept aside for the gate's win rate
    assert export_msg.startswith("29 rated replies (16 good, 13 bad, 13 corrected)")
    assert "3 rated down kept aside to judge the new model" in export_msg
    meta = json.loads((Registry().current().path / "meta.json").read_text())
    fb = meta["feedback"]
    assert fb["kto"] == 29 and fb["dpo"] == 13 and fb["sft_used"] == 8  # 8 different SFT rows, capped at 1.0 x 8
    assert fb["prefs"].startswith("KTO on 29 rows")
    work = next(runs_dir().glob("retrain-*"))
    exported = "".join(p.read_text() for p in (work / "export").glob("*.jsonl"))
    assert "4711" not in exported and "DEADBEEF" not in exported and "Noted" not in exported
    assert "{honorific}" in exported and "sir" not in exported.replace("{honorific}", "")


def test_retrain_without_a_log_or_with_feedback_off_uses_the_persona_data_alone(tiny_base, capsys):
    from jarvis_desktop.core.registry import Registry
    from tests.conftest import tiny_flags

    assert train_main(["retrain", "--priority", "normal", *tiny_flags(tiny_base), "--progress", "json"]) == 0
    out = capsys.readouterr().out
    assert "no interaction log" in out and "skipped: no rated replies" in out
    fb = json.loads((Registry().current().path / "meta.json").read_text())["feedback"]
    assert fb["kto"] == 0 and fb["sft_used"] == 0


def test_a_rolled_back_model_is_marked_and_the_same_data_is_not_promoted_again(tiny_base, capsys):
    from convert.cli import main as convert_main
    from jarvis_desktop.core.registry import Registry
    from tests.conftest import tiny_flags

    assert train_main(["retrain", "--priority", "normal", *tiny_flags(tiny_base), "--progress", "json"]) == 0      # v1
    assert train_main(["retrain", "--priority", "normal", *tiny_flags(tiny_base, steps=190), "--progress", "json"]) == 0  # v2
    reg = Registry()
    if reg.current().name != "v2":  # the gate may find v2 a shade worse; the user switches anyway
        reg.promote("v2")
    assert convert_main(["models", "rollback"]) == 0
    reg = Registry()
    assert reg.current().name == "v1" and reg.get("v2").rolled_back["to"] == "v1"
    assert "(rolled back)" in reg.get("v2").describe() and reg.get("v1").rolled_back is None
    capsys.readouterr()
    # the same data and settings again: registered, not promoted, and the reason says why
    assert train_main(["retrain", "--priority", "normal", *tiny_flags(tiny_base, steps=190), "--progress", "json"]) == 0
    done = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert done["promoted"] is False and "same data and settings as v2" in done["reason"]
    assert Registry().current().name == "v1"


def test_schedule_prints_installs_and_removes_a_user_timer(tmp_path, monkeypatch, capsys):
    from trainer.schedule import systemd_user_dir

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("PATH", str(tmp_path))  # no systemctl here: the command to run is printed
    assert train_main(["schedule"]) == 0
    out = capsys.readouterr().out
    assert "OnCalendar=monthly" in out and "Persistent=true" in out
    assert "retrain --if-new-ratings --progress json" in out and "JARVIS_HOME=" in out
    assert train_main(["schedule", "--every", "weekly", "--cron"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("0 3 * * 1 JARVIS_HOME=")
    assert train_main(["schedule", "--install"]) == 0
    out = capsys.readouterr().out
    folder = systemd_user_dir()
    assert (folder / "jarvis-retrain.timer").is_file() and (folder / "jarvis-retrain.service").is_file()
    assert "systemctl --user daemon-reload && systemctl --user enable --now jarvis-retrain.timer" in out
    assert train_main(["schedule", "--remove"]) == 0
    assert not list(folder.iterdir())
    assert train_main(["schedule", "--every", "hourly"]) == 1
    assert "--every must be one of monthly, weekly, daily" in capsys.readouterr().err


def test_if_new_ratings_skips_until_there_are_ratings_newer_than_the_model(registered, capsys):
    import time

    from trainer.retrain import new_ratings

    assert train_main(["retrain", "--priority", "normal", "--if-new-ratings", "--progress", "json"]) == 0
    done = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert done["skipped"] is True and "no ratings yet" in done["message"]
    log = InteractionLog()
    old = log.add_turn(log.new_conversation(), "Hello", "Good day, sir.", "v1")
    assert new_ratings() == (False, "no new ratings since v1 was made")
    time.sleep(1.1)  # the registry's times have whole seconds
    log.rate(old, 1)
    log.close()
    assert new_ratings() == (True, "1 new ratings since v1")


def test_a_rating_late_in_a_long_conversation_keeps_the_context_that_fits(tiny_chain):
    # Found by the soak: after a 100-turn chat every preference row was longer than
    # max_length, the trainer dropped them all, and the retrain failed with "num_samples=0".
    from transformers import AutoTokenizer

    from trainer.prefs import _tokens, fit_context

    tokenizer = AutoTokenizer.from_pretrained(tiny_chain["merged"])
    system = {"role": "system", "content": "You are Jarvis."}
    turns = []
    for i in range(100):
        turns += [{"role": "user", "content": f"Note {i}: the kettle is on."},
                  {"role": "assistant", "content": "Very good, sir."}]
    prompt = [system, *turns, {"role": "user", "content": "And the last note?"}]
    answers = [[{"role": "assistant", "content": "Note 99, sir."}], [{"role": "assistant", "content": "No idea."}]]
    kept = fit_context(prompt, answers, tokenizer, 256)
    assert kept[0] == system and kept[-1] == prompt[-1] and kept[-2] == prompt[-2]  # newest turns kept
    assert [m["role"] for m in kept[1:]] == ["user", "assistant"] * ((len(kept) - 2) // 2) + ["user"]
    assert all(_tokens(tokenizer, kept + a) <= 256 for a in answers)
    # as many turns as fit: one more would not
    more = [system, *prompt[len(prompt) - len(kept) - 1:]]
    assert any(_tokens(tokenizer, more + a) > 256 for a in answers) or len(kept) == len(prompt)
    short = [system, {"role": "user", "content": "Hello"}]
    assert fit_context(short, answers, tokenizer, 256) == short
