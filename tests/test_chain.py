"""The whole retrain chain on a tiny real Llama: data -> ... -> promote -> llama.cpp reply."""

from __future__ import annotations

import json

import llama_cpp
from safetensors.torch import load_file

from jarvis_desktop.core.registry import Registry
from jarvis_desktop.core.tools.router import threshold_for
from tests.conftest import TINY_STEPS, tiny_flags
from trainer.cli import main as train_main
from trainer.retrain import STAGES


def test_retrain_end_to_end_registers_a_model_that_stops(tiny_base, capsys, jarvis_home):
    code = train_main(["retrain", "--priority", "normal", *tiny_flags(tiny_base), "--progress", "json"])
    out = capsys.readouterr().out
    assert code == 0, out
    lines = [json.loads(ln) for ln in out.splitlines() if ln.startswith("{")]
    seen = [ln["stage"] for ln in lines]
    # every stage reported, in order, and SFT steps counted up to the total
    order = [s for s in dict.fromkeys(seen) if s in STAGES]
    assert order == list(STAGES)
    sft_steps = [ln for ln in lines if ln["stage"] == "sft" and ln["total"]]
    assert sft_steps[-1]["step"] == sft_steps[-1]["total"] == TINY_STEPS
    assert lines[-1] == {**lines[-1], "stage": "done", "version": "v1"}

    reg = Registry()
    current = reg.current()
    assert current.name == "v1"
    meta = json.loads((current.path / "meta.json").read_text())
    for key in ("base", "dataset_hash", "config", "verification", "conversion", "training"):
        assert meta[key] is not None, key
    assert meta["quant"] == "Q8_0"
    assert meta["verification"]["top1_agreement"] >= 0.93
    assert meta["config"]["sft"]["lora_r"] == 16
    # its call threshold was calibrated on the development set, and is what the app will use
    assert meta["router"]["dev"]["tool"] >= 150 and meta["router"]["dev"]["chat"] >= 110
    assert threshold_for(current.gguf) == meta["router"]["call_threshold"]
    # the run folder is cleaned up after success
    assert not list((jarvis_home / "runs").glob("retrain-*"))

    llm = llama_cpp.Llama(str(current.gguf), n_ctx=512, verbose=False)
    try:
        assert llm.metadata["tokenizer.chat_template"]
        reply = llm.create_chat_completion(
            [{"role": "system", "content": "You are Jarvis. Address the user as sir."},
             {"role": "user", "content": "Hello Jarvis"}], max_tokens=64, temperature=0.0)
    finally:
        llm.close()
    assert reply["choices"][0]["finish_reason"] == "stop"
    assert reply["choices"][0]["message"]["content"].strip()


def test_lora_training_changed_the_adapter_weights(tiny_chain):
    weights = load_file(str(tiny_chain["adapter"] / "adapter_model.safetensors"))
    lora_b = [t for name, t in weights.items() if "lora_B" in name]
    assert lora_b, "no LoRA B matrices saved"
    # PEFT initialises B to zero: non-zero B means the optimiser really updated the adapter
    assert all(float(t.abs().max()) > 0 for t in lora_b)
    meta = json.loads((tiny_chain["adapter"] / "jarvis_sft.json").read_text())
    assert meta["steps"] == TINY_STEPS and meta["train_loss"] > 0
    assert meta["config"]["lora_alpha"] == 32 and meta["config"]["learning_rate"] == 5e-3


def test_fixed_seed_makes_training_repeatable(tiny_base, tmp_path):
    import os

    from tests.conftest import DATA, TINY_THREADS
    from trainer.progress import Progress
    from trainer.sft import run_sft
    from trainer.sft_config import SFTOptions

    def train(folder):
        opts = SFTOptions(base=str(tiny_base), data=[str(DATA / "tiny_chat.jsonl")],
                          persona=str(DATA / "tiny_persona.txt"), output=str(tmp_path / folder),
                          max_steps=5, learning_rate=5e-3, micro_batch_size=2, batch_size=4,
                          precision="fp32", save_steps=1000, threads=TINY_THREADS)
        adapter = run_sft(opts, Progress("json", stream=open(os.devnull, "w")))
        return load_file(str(adapter / "adapter_model.safetensors"))

    first, second = train("a"), train("b")
    assert first.keys() == second.keys()
    assert all((first[k] == second[k]).all() for k in first)
