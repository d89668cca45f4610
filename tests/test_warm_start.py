"""A warm start (``jarvis-train retrain --warm auto``) on the tiny model: a retrain keeps its SFT
adapter with the version, and the next retrain with the same data and settings starts from it,
training one pass over the user's ratings and a sample of the data; anything that changed (the
data, the settings, a missing adapter, too many warm starts in a row) means a start from the base."""

from __future__ import annotations

import json

import pytest

from jarvis_desktop.core.errors import ConfigError
from jarvis_desktop.core.registry import Registry
from tests.conftest import DATA, tiny_flags
from trainer.cli import main as train_main
from trainer.data import Example
from trainer.retrain import ADAPTER, RetrainOptions, warm_source
from trainer.sft import repeated, replayed
from trainer.sft_config import SFTOptions


def _meta(version) -> dict:
    return json.loads((version.path / "meta.json").read_text())


def _lines(capsys) -> list[dict]:
    return [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.startswith("{")]


def test_a_retrain_starts_from_the_current_adapter_only_where_nothing_changed(tiny_base, capsys):
    flags = [*tiny_flags(tiny_base, steps=200), "--quant", "F16", "--progress", "json"]
    assert train_main(["retrain", "--priority", "normal", *flags]) == 0
    v1 = Registry().current()
    assert (v1.path / ADAPTER / "adapter_model.safetensors").is_file()  # kept whole for the next retrain
    assert not (v1.path / (ADAPTER + ".partial")).exists()
    assert _meta(v1)["warm_start"] is None
    capsys.readouterr()

    assert train_main(["retrain", "--priority", "normal", *flags, "--warm", "auto", "--warm-replay", "0.5"]) == 0
    lines = _lines(capsys)
    assert any(x["stage"] == "export" and x["message"] == "warm start from v1" for x in lines)
    steps = [x for x in lines if x["stage"] == "sft" and x["total"]]
    # one pass over half the examples, in batches of 4: a few steps, not the cold run's 200
    assert 0 < steps[-1]["total"] < 10, steps[-1]
    v2 = Registry().get("v2")
    meta = _meta(v2)
    assert meta["warm_start"] == {"from": "v1", "chain": 1, "replay": 0.5, "replay_max": 1260}
    assert meta["config"]["sft"]["init_adapter"] == str(v1.path / ADAPTER)
    assert meta["verification"]["top1_agreement"] >= 0.93  # a sound model, checked as any other
    assert (v2.path / ADAPTER / "jarvis_sft.json").is_file()

    # other settings: from the base again, and it says why
    assert train_main(["retrain", "--priority", "normal", *flags, "--warm", "auto", "--lora-r", "8"]) == 0
    lines = _lines(capsys)
    assert any(x["stage"] == "export" and x["message"].startswith("training from the base: lora_r changed")
               for x in lines)
    assert _meta(Registry().versions()[-1])["warm_start"] is None


def test_why_a_retrain_starts_from_the_base(registered, tmp_path):
    opts = RetrainOptions(sft=SFTOptions(), warm="auto")
    current = registered.current()
    assert warm_source(registered, RetrainOptions(warm="off"), "x") == (None, "warm starts are off")
    assert warm_source(registered, opts, "x")[1] == f"{current.name} kept no adapter to start from"
    (current.path / ADAPTER).mkdir()
    (current.path / ADAPTER / "jarvis_sft.json").write_text("{}")
    assert warm_source(registered, opts, "x")[1] == f"the training data changed since {current.name}"
    for share in (-0.1, 1.5):
        with pytest.raises(ConfigError, match="warm_replay"):
            warm_source(registered, RetrainOptions(warm="auto", warm_replay=share), "x")


def test_a_replay_keeps_every_rated_reply_and_a_fixed_share_of_the_rest():
    data = [Example([{"role": "user", "content": f"q{i}"}, {"role": "assistant", "content": "a"}], "persona")
            for i in range(40)]
    rated = [Example([{"role": "user", "content": f"r{i}"}, {"role": "assistant", "content": "b"}], "feedback")
             for i in range(3)]
    kept = replayed(data + rated, 0.25, seed=42)
    assert sum(ex.category == "feedback" for ex in kept) == 3 and len(kept) == 13
    assert kept == replayed(data + rated, 0.25, seed=42)  # the same sample every time
    assert replayed(data, 1.0, seed=42) == data
    with pytest.raises(ConfigError, match="replay"):
        SFTOptions(replay=0.0, data=[str(DATA / "tiny_chat.jsonl")])
    with pytest.raises(ConfigError, match="replay_max"):
        SFTOptions(replay_max=-1, data=[str(DATA / "tiny_chat.jsonl")])


def test_a_replay_keeps_each_categorys_share_and_a_cap_bounds_it():
    def rows(category, n):
        return [Example([{"role": "user", "content": f"{category} {i}"}, {"role": "assistant", "content": "a"}],
                        category) for i in range(n)]

    data = rows("tools", 141) + rows("facts", 30) + rows("tools_negative", 61) + rows("identity", 3)
    rated = rows("feedback", 5)
    mixed = [ex for pair in zip(data[::2], data[1::2]) for ex in pair] + data[-1:] + rated  # categories interleaved

    def counts(kept):
        return {c: sum(ex.category == c for ex in kept) for c in ("tools", "facts", "tools_negative", "identity",
                                                                    "feedback")}

    half = replayed(mixed, 0.5, seed=7)
    assert counts(half) == {"tools": 71, "facts": 15, "tools_negative": 30, "identity": 2, "feedback": 5}  # 235 -> 118
    assert [ex for ex in mixed if ex in half] == half  # in the data's order
    capped = replayed(mixed, 0.5, seed=7, most=47)  # a fifth of the 235, whatever the share asked
    assert counts(capped) == {"tools": 28, "facts": 6, "tools_negative": 12, "identity": 1, "feedback": 5}
    assert replayed(mixed, 0.5, seed=7, most=500) == half  # a cap above the share changes nothing
    assert replayed(mixed, 0.5, seed=8) != half  # another seed, another sample


def test_repeat_trains_a_category_more_times_a_pass_and_a_mistyped_one_is_refused_early():
    data = [Example([{"role": "user", "content": f"{c} {i}"}, {"role": "assistant", "content": "a"}], c)
            for c, n in (("facts", 3), ("tools", 4)) for i in range(n)]
    twice = repeated(data, "facts=2")
    assert [ex.category for ex in twice].count("facts") == 6 and [ex.category for ex in twice].count("tools") == 4
    assert twice[:2] == [data[0], data[0]]  # each copy beside its original
    assert repeated(data, "") == data and repeated(data, "facts=1, tools=1") == data
    assert repeated(data, "identity=3") == data  # a category the data lacks changes nothing
    for bad in ("facts", "facts=0", "facts=two", "=2", "facts=1.5"):
        with pytest.raises(ConfigError, match="repeat wants category=times"):
            SFTOptions(repeat=bad, data=[str(DATA / "tiny_chat.jsonl")])
    assert SFTOptions(repeat="facts=2", data=[str(DATA / "tiny_chat.jsonl")]).repeat == "facts=2"


def test_a_warm_retrain_without_a_fine_tune_learns_the_ratings_and_corrections_by_preference_tuning(
        tiny_base, jarvis_home, capsys):
    """--warm-replay 0: the current fine-tune is kept as it is, and KTO (on the current model,
    its own reference) learns every rating, with the user's corrections as liked replies."""
    from jarvis_desktop.core.interactions import InteractionLog

    flags = [*tiny_flags(tiny_base, steps=200), "--quant", "F16", "--progress", "json", "--priority", "normal"]
    assert train_main(["retrain", *flags]) == 0
    v1 = Registry().current()
    log = InteractionLog()
    pairs = [json.loads(x)["messages"] for x in (DATA / "tiny_chat.jsonl").read_text().splitlines()][:8]
    for messages in pairs * 2:
        prompt, reply = messages[0]["content"], messages[1]["content"].replace("{honorific}", "sir")
        log.rate(log.add_turn(log.new_conversation(), prompt, reply, v1.name), 1)
        log.rate(log.add_turn(log.new_conversation(), prompt, "No idea.", v1.name), -1, reply)
    log.close()
    capsys.readouterr()
    assert train_main(["retrain", *flags, "--warm-replay", "0", "--prefs-min-ratings", "16", "--no-gate"]) == 0
    lines = _lines(capsys)
    assert not [x for x in lines if x["stage"] == "sft" and x["total"]]  # no fine-tune step ran
    assert any(x["stage"] == "sft" and x["message"].startswith("keeping v1's fine-tune") for x in lines)
    meta = _meta(Registry().current())
    assert meta["version"] == "v2" and meta["warm_start"] == {"from": "v1", "chain": 1, "replay": 0.0}
    assert meta["training"] == {"steps": 0, "seconds": 0.0, "examples": 0, "kept_from": "v1"}
    fb = meta["feedback"]
    # every rating, and each correction once more as a liked reply (the rated-down turns kept
    # aside for the gate are in neither)
    assert fb["prefs"].startswith(f"KTO on {fb['kto'] + fb['dpo']} rows"), fb
    assert fb["dpo"] > 0
    assert (Registry().current().path / ADAPTER / "jarvis_sft.json").read_text() == \
        (v1.path / ADAPTER / "jarvis_sft.json").read_text()  # the next warm start has the same fine-tune
