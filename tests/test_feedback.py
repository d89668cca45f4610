"""A retrain's feedback export (trainer/feedback.py): the log hands over rated turns, the trainer
builds the TRL rows in memory, holds one thumbs-down in five back and writes each file once, with
the turn-id sidecars deletion relies on.  Real SQLite logs, real files."""

from __future__ import annotations

import builtins
import hashlib
import json
import os
import stat
from pathlib import Path

import pytest

from jarvis_desktop.core.errors import ConfigError
from jarvis_desktop.core.interactions import InteractionLog
from jarvis_desktop.core.trl import export_copy
from trainer import feedback as fb
from trainer.feedback import HOLDOUT_EVERY, build_feedback, held_out, write_feedback
from trainer.retrain import FEEDBACK_SFT, RetrainOptions, export_feedback


def _user(text):
    return {"role": "user", "content": text}


def _bot(text):
    return {"role": "assistant", "content": text}


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_bytes().decode("utf-8").split("\n") if line]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def _mixed_log(log: InteractionLog) -> None:
    """Ratings, corrections, an exclusion, deletions (a conversation, a turn), an empty reply,
    U+2028, quotes, conversations interleaved (t12 goes back to the first), a duplicate SFT row
    (t13's reply is t14's correction) and a reply the trainer cannot use ("{x}").  Turn ids
    1..15; turns 5 and 10 are thumbs-down: held out."""
    a = log.new_conversation("a")
    t1 = log.add_turn(a, "Good morning", "Good morning, sir. Coffee is ready.", "v1")
    t2 = log.add_turn(a, "EXCLUDED my pin", "EXCLUDED noted, Sir.", "v1")
    t3 = log.add_turn(a, "Sum of 2 and 2?", "Five, Sir.", "v1")
    log.add_turn(a, "Thanks", "Quite, madam.", "v1")  # t4: unrated, context only
    t5 = log.add_turn(a, "And 3 and 3?", "Seven, sir.", "v1")
    t6 = log.add_turn(a, "Hello?", "", "v1")
    b = log.new_conversation("b")
    t7 = log.add_turn(b, "DELETED chat", "DELETED reply, sir.", "v1")
    t8 = log.add_turn(b, "DELETED more", "DELETED again.", "v1")
    c = log.new_conversation("c")
    t9 = log.add_turn(c, "DELETED turn", "DELETED turn reply.", "v1")
    t10 = log.add_turn(c, "Plan\u2028my day", "Très bien, sir: nothing.", "v2")
    t11 = log.add_turn(c, "Weather — tomorrow?", "Rain, sir. \"Bring\" an umbrella.", "v2")
    t12 = log.add_turn(a, "Tea?", "Earl Grey, sir.", "v2")
    t13 = log.add_turn(log.new_conversation("d"), "Hi", "Hello, sir.", "v2")
    t14 = log.add_turn(log.new_conversation("e"), "Hi", "Yo.", "v2")
    t15 = log.add_turn(log.new_conversation("f"), "Format?", "Use {x} here, sir.", "v2")
    for turn, rating, correction in ((t1, 1, None), (t2, -1, "EXCLUDED fix"), (t3, -1, "Four, sir. Sir, I apologise."),
                                     (t5, -1, None), (t6, 1, None), (t7, 1, None), (t8, -1, "DELETED fix"),
                                     (t9, 1, None), (t10, -1, "Certainly, sir.\u2028A quiet day."), (t11, 1, None),
                                     (t12, 1, None), (t13, 1, None), (t14, -1, "Hello, sir."), (t15, 1, None)):
        log.rate(turn, rating, correction)
    log.set_excluded(t2, True)
    log.delete_conversation(b)
    log.delete_turn(t9)


# What InteractionLog.export(folder, "sir", turn_ids=True) wrote for _mixed_log before the split
# (sha256, first 16 hex digits), and with honorific="madam"; the turn-id sidecars in full.
BEFORE_SPLIT = {"sft.jsonl": "24306dd32c3ad42d", "kto.jsonl": "6db48bc63f677843", "dpo.jsonl": "a459fd640d3c1fe2",
                "heldout.jsonl": "d6fb974c0ec7c8f7"}
BEFORE_SPLIT_MADAM = {"sft.jsonl": "1024df05b216cd05", "kto.jsonl": "17231bc0b1d79d79",
                      "dpo.jsonl": "4cbd8e831acaf09a", "heldout.jsonl": "18406d370bb900a4"}
BEFORE_SPLIT_IDS = {"sft": [[1], [1, 3], [1, 3, 4, 5, 12], [10, 11], [13], [14], [15]],
                    "kto": [[1], [1, 3], [1, 3, 4, 5, 12], [10, 11], [13], [14], [15]],
                    "dpo": [[1, 3], [14]], "heldout": [[1, 3, 4, 5], [10]]}
# ... and what the History window's copy (holdout_every=0) and retrain's export_feedback wrote.
BEFORE_SPLIT_USERS_COPY = {"sft.jsonl": "669c95a5835ce9c5", "kto.jsonl": "957ac2b0b2407dd5",
                           "dpo.jsonl": "986c89b53814f261"}
BEFORE_SPLIT_MIX = {0.25: ("7718ea61e9c3d441", [[10, 11], [13, 14]]),
                    10.0: ("41b6ef7979b75bd0", [[1], [1, 3], [1, 3, 4, 5, 12], [10, 11], [13, 14]])}


@pytest.fixture
def log(jarvis_home):
    with InteractionLog() as lg:
        _mixed_log(lg)
        yield lg


def test_the_rows_are_byte_for_byte_what_the_log_exported_before(log, jarvis_home, tmp_path):
    out = jarvis_home / "runs" / "retrain-x" / "export"
    feedback = build_feedback(log.rated_turns(), "sir")
    assert feedback.counts() == {"sft": 7, "kto": 7, "dpo": 2, "heldout": 2}
    assert feedback.ids == BEFORE_SPLIT_IDS
    written = write_feedback(feedback, out)
    assert {name: _sha(out / name) for name in BEFORE_SPLIT} == BEFORE_SPLIT
    assert {name: json.loads((out / f"{name}.turns.json").read_text()) for name in fb.FILES} == BEFORE_SPLIT_IDS
    assert all(written[name] == (out / f"{name}.jsonl").read_bytes() for name in fb.FILES)
    assert all(_read(out / f"{name}.jsonl") == rows for name, rows in feedback.rows.items())
    write_feedback(build_feedback(log.rated_turns(), "madam"), tmp_path / "madam")
    assert {name: _sha(tmp_path / "madam" / name) for name in BEFORE_SPLIT_MADAM} == BEFORE_SPLIT_MADAM
    # the History window's copy: the same rows, nothing held back, no sidecars
    assert export_copy(log, tmp_path / "copy", "sir") == {"sft": 8, "kto": 9, "dpo": 3}
    assert {p.name: _sha(p) for p in (tmp_path / "copy").iterdir()} == BEFORE_SPLIT_USERS_COPY
    everything = build_feedback(log.rated_turns(), "sir", holdout_every=0)
    assert everything.rows["heldout"] == [] and all(
        _read(tmp_path / "copy" / f"{name}.jsonl") == everything.rows[name] for name in ("sft", "kto", "dpo"))
    if os.name == "posix":
        assert {stat.S_IMODE(p.stat().st_mode) for p in out.iterdir()} == {0o600}
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary files left


def test_the_retrain_export_writes_each_file_once_and_reads_none_back(log, jarvis_home, monkeypatch):
    """export_feedback: the same files, mix, counts and hash as before the split; every file
    written once (atomically), none read back: the counts come from the rows in memory."""
    writes, reads = [], []
    real_write, real_open = fb.write_atomic, builtins.open
    real_read_text, real_read_bytes = Path.read_text, Path.read_bytes

    def write(path, data):
        writes.append(Path(path).name)
        real_write(path, data)

    def track(real):
        def read(self, *a, **k):
            reads.append(str(self))
            return real(self, *a, **k)
        return read

    def opened(file, *a, **k):
        reads.append(str(file))
        return real_open(file, *a, **k)

    for share, (mix_sha, mix_ids) in BEFORE_SPLIT_MIX.items():
        folder = jarvis_home / "runs" / f"export-{share}"
        folder.mkdir(parents=True)
        writes.clear()
        reads.clear()
        with monkeypatch.context() as m:
            m.setattr(fb, "write_atomic", write)
            m.setattr(Path, "read_text", track(real_read_text))
            m.setattr(Path, "read_bytes", track(real_read_bytes))
            m.setattr(builtins, "open", opened)
            result = export_feedback(RetrainOptions(feedback="auto", feedback_share=share), folder, 8)
        assert sorted(writes) == sorted(p.name for p in folder.iterdir()) and len(writes) == len(set(writes)) == 10
        assert [r for r in reads if str(folder) in r] == []
        assert result["hash"] == "eef5a2ac2d829f87"  # the training key: a resumed fine-tune still matches
        assert (result["sft"], result["kto"], result["dpo"], result["sft_skipped"]) == (7, 7, 2, 1)
        assert result["sft_used"] == len(mix_ids)
        assert result["summary"].startswith("7 rated replies (5 good, 2 bad, 2 corrected)")
        assert "1 left out (not usable as training text); 2 rated down kept aside" in result["summary"]
        assert {name: _sha(folder / name) for name in BEFORE_SPLIT} == BEFORE_SPLIT
        assert _sha(folder / FEEDBACK_SFT) == mix_sha
        assert json.loads((folder / "feedback_sft.turns.json").read_text()) == mix_ids


def test_deleting_a_turn_reaches_the_retrain_export_and_its_mix(log, jarvis_home):
    """The sidecars written here are the ones scrub_exports goes by: deleting t14 drops its row
    everywhere, and the mix's row it shares with t13 (same words), which t14 helped make."""
    folder = jarvis_home / "runs" / "retrain-x" / "export"
    folder.mkdir(parents=True)
    export_feedback(RetrainOptions(feedback_share=10.0), folder, 8)
    assert "Yo." in (folder / "kto.jsonl").read_text()
    log.delete_turn(14)
    assert "Yo." not in "".join(p.read_text() for p in folder.iterdir())
    assert json.loads((folder / "feedback_sft.turns.json").read_text()) == [[1], [1, 3], [1, 3, 4, 5, 12], [10, 11]]
    assert json.loads((folder / "kto.turns.json").read_text()) == [[1], [1, 3], [1, 3, 4, 5, 12], [10, 11], [13], [15]]
    assert len(_read(folder / FEEDBACK_SFT)) == 4 and len(_read(folder / "dpo.jsonl")) == 1


def test_one_thumbs_down_in_five_is_held_out_of_training(jarvis_home):
    """Turns 5 and 10 (by id) are kept for the gate's win rate: in heldout with their
    correction (or none), and in no training file; the next turns still see them as context."""
    with InteractionLog() as log:
        c = log.new_conversation()
        turns = [log.add_turn(c, f"question {i}", f"Answer {i}.", "v1") for i in range(1, 12)]
        for i, t in enumerate(turns, 1):
            if i in (2, 4, 7):
                log.rate(t, 1)
            else:
                log.rate(t, -1, f"Answer {i}, sir." if i % 2 else "")
        rated = log.rated_turns()
    assert HOLDOUT_EVERY == 5 and [t.id for t in rated if held_out(t)] == [5, 10]
    assert not held_out(rated[1]) and not held_out(rated[4], 0)  # a thumbs-up never is; 0: none
    feedback = build_feedback(rated, "sir")
    held = feedback.rows["heldout"]
    assert feedback.counts()["heldout"] == 2 and [h["rejected"] for h in held] == [[_bot("Answer 5.")], [_bot("Answer 10.")]]
    assert held[0]["chosen"] == [_bot("Answer 5, {honorific}.")] and held[1]["chosen"] is None
    assert held[1]["prompt"][-1] == _user("question 10") and len(held[1]["prompt"]) == 19
    assert feedback.ids["heldout"] == [[1, 2, 3, 4, 5], list(range(1, 11))]
    training = json.dumps([feedback.rows[n] for n in ("sft", "kto", "dpo")])
    assert '"Answer 5, {honorific}."' not in training  # the held-out correction is never trained on
    kto = feedback.rows["kto"]
    assert len(kto) == 9 and kto[-1]["prompt"][-3:] == [_user("question 10"), _bot("Answer 10."), _user("question 11")]
    assert build_feedback(rated, "sir", holdout_every=0).counts() == {"sft": 8, "kto": 11, "dpo": 5, "heldout": 0}


@pytest.mark.parametrize("train_on_memory", [False, True])
def test_the_history_says_of_each_turn_what_the_retrain_export_does_with_it(jarvis_home, train_on_memory):
    """The History view's Training column (``training_use``) and the export agree turn by turn."""
    from jarvis_desktop.core.trl import training_use

    with InteractionLog() as log:
        c = log.new_conversation()
        ids = [log.add_turn(c, f"question {i}", f"Answer {i}.", "v1", used_memory=i == 3) for i in range(1, 8)]
        log.rate(ids[0], 1)
        log.rate(ids[1], -1, "Answer 2, sir.")
        log.rate(ids[2], 1)  # drew on the memory
        log.rate(ids[3], 1)
        log.set_excluded(ids[3], True)
        log.rate(ids[4], -1)  # turn 5: held out for the gate
        # turns 6 and 7: not rated; turn 8: a joke the user did not care for
        joke = log.add_turn(c, "tell me a joke", "Here's one, sir. What's brown and sticky? A stick.", "v1",
                            tool_call="call:joke{}", tool_result={"status": "ran", "data": {"id": "j145"}, "error": ""})
        log.rate(joke, -1)
        said = {t.id: training_use(t, train_on_memory) for t in log.turns(c)}
        feedback = build_feedback(log.rated_turns(), "sir", memory_turns=train_on_memory)
    trained = {i for name in ("sft", "kto", "dpo") for row_ids in feedback.ids[name] for i in row_ids[-1:]}
    judged = {row_ids[-1] for row_ids in feedback.ids["heldout"]}
    assert said == {1: "next retrain", 2: "next retrain, with your correction",
                    3: "next retrain" if train_on_memory else "left out: used your memory", 4: "excluded",
                    5: "judges the next model", 6: "", 7: "", 8: "left out: the joke, not the call"}
    assert {i for i, use in said.items() if use.startswith("next retrain")} == trained
    assert {i for i, use in said.items() if use == "judges the next model"} == judged


def test_placeholders_in_every_file_and_the_honorific_checked(log):
    rows = build_feedback(log.rated_turns(), "sir").rows
    assert rows["heldout"][1] == {"prompt": [_user("Plan\u2028my day")],
                                  "rejected": [_bot("Très bien, {honorific}: nothing.")],
                                  "chosen": [_bot("Certainly, {honorific}.\u2028A quiet day.")]}
    assert rows["dpo"][0]["rejected"] == [_bot("Five, {Honorific}.")]  # capitalised: {Honorific}
    assert rows["kto"][2]["prompt"][5] == _bot("Quite, madam.")  # context replies too; another honorific stays
    madam = build_feedback(log.rated_turns(), "madam").rows
    assert madam["kto"][2]["prompt"][5] == _bot("Quite, {honorific}.") and madam["kto"][2]["prompt"][3] == _bot("Five, Sir.")
    assert all(m["content"] == "Good morning" for m in (rows["sft"][0]["messages"][0], madam["sft"][0]["messages"][0]))
    for bad in ("", "  ", None):
        with pytest.raises(ConfigError, match="honorific"):
            build_feedback(log.rated_turns(), bad)


def test_a_rated_tool_turn_is_learnt_as_the_call_the_model_wrote(jarvis_home):
    ran = {"status": "ran", "data": {"free_gb": 41.2}, "error": ""}
    with InteractionLog() as log:
        c = log.new_conversation()
        up = log.add_turn(c, "how much room is left on my drive", "You have 41.2 GB free, sir.", "v2",
                          tool_call="call:disk_free{}", tool_result=ran)
        down = log.add_turn(c, "and the time in Tokyo?", "It is 7:30 pm in Tokyo, sir.", "v2",
                            tool_call='call:time_in{city:"Sydney"}', tool_result=ran)
        fixed = log.add_turn(c, "what's 5 miles in km", "That comes to 5, sir.", "v2",
                             tool_call='call:calculate{expression:"5"}', tool_result=ran)
        broken = log.add_turn(c, "battery?", "I'm afraid I couldn't work out how to do that, sir.", "v2",
                              tool_call="call:battery{", tool_result={"status": "malformed", "data": {}, "error": "x"})
        log.rate(up, 1)
        log.rate(down, -1)
        log.rate(fixed, -1, "5 miles is 8.05 kilometres, sir.")
        log.rate(broken, 1)  # a thumbs-up on the apology: the broken call is no example
        feedback = build_feedback(log.rated_turns(), "sir", holdout_every=0)
    sft, kto, dpo = feedback.rows["sft"], feedback.rows["kto"], feedback.rows["dpo"]
    # the thumbs-up teaches the call, in the conversation as the user heard it
    assert sft[0]["messages"] == [_user("how much room is left on my drive"), _bot("call:disk_free{}")]
    assert kto[0] == {"prompt": [_user("how much room is left on my drive")],
                      "completion": [_bot("call:disk_free{}")], "label": True}
    # later turns see the tool's sentence, as it was said
    assert kto[1]["prompt"][1] == _bot("You have 41.2 GB free, {honorific}.")
    assert kto[1]["completion"] == [_bot('call:time_in{city:"Sydney"}')] and kto[1]["label"] is False
    # a correction stays the user's words: chosen over the call, never made into a call
    assert sft[1]["messages"][-1] == _bot("5 miles is 8.05 kilometres, {honorific}.")
    assert dpo == [{"prompt": sft[1]["messages"][:-1], "chosen": [_bot("5 miles is 8.05 kilometres, {honorific}.")],
                    "rejected": [_bot('call:calculate{expression:"5"}')]}]
    assert len(sft) == 2 and len(kto) == 3  # nothing from the liked broken call
    assert all("call:battery" not in json.dumps(r) for rows in feedback.rows.values() for r in rows)


def test_a_thumbs_down_on_a_joke_is_about_the_joke_not_the_call_for_one(jarvis_home):
    """The bank chose the joke: a thumbs-down without a correction teaches the model nothing
    (it must not learn to stop calling for jokes); a liked one, and a corrected one, teach as any
    tool's turn does."""
    ran = lambda joke_id: {"status": "ran", "data": {"kind": "joke", "id": joke_id}, "error": ""}  # noqa: E731
    with InteractionLog() as log:
        c = log.new_conversation()
        groan = log.add_turn(c, "tell me a joke", "Here's one, sir. What's brown and sticky? A stick.", "v3",
                             tool_call="call:joke{}", tool_result=ran("j145"))
        liked = log.add_turn(c, "another one", "Here's one, sir. Why did the scarecrow win an award? ...", "v3",
                             tool_call="call:joke{}", tool_result=ran("j131"))
        wanted = log.add_turn(c, "is that a fact?", "Here's one for you, sir. Octopuses have three hearts.", "v3",
                              tool_call='call:joke{kind:"fact"}', tool_result=ran("f001"))
        log.rate(groan, -1)
        log.rate(liked, 1)
        log.rate(wanted, -1, "It is, sir: the scarecrow won fair and square.")
        feedback = build_feedback(log.rated_turns(), "sir", holdout_every=0)
    kto = feedback.rows["kto"]
    assert [row["completion"] for row in kto] == [[_bot("call:joke{}")], [_bot('call:joke{kind:"fact"}')]]
    assert [row["label"] for row in kto] == [True, False]
    assert [row["messages"][-1] for row in feedback.rows["sft"]] == [
        _bot("call:joke{}"), _bot("It is, {honorific}: the scarecrow won fair and square.")]
    assert len(feedback.rows["dpo"]) == 1
