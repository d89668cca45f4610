"""The real default base: Gemma 3 270M from PyPI, a few LoRA steps, GGUF verified in llama.cpp."""

from __future__ import annotations

import os

import pytest

pytestmark = pytest.mark.slow


def test_gemma_few_steps_converts_and_verifies(tmp_path):
    from convert.gguf_export import hf_to_gguf
    from convert.merge import merge_adapter
    from convert.quantize import quantize
    from convert.verify import verify
    from trainer.progress import Progress
    from trainer.sft import run_sft
    from trainer.sft_config import SFTOptions

    opts = SFTOptions(output=str(tmp_path / "run"), max_steps=3, save_steps=1000)
    adapter = run_sft(opts, Progress("json", stream=open(os.devnull, "w")))
    merged = merge_adapter(adapter, tmp_path / "merged")
    assert (merged / "tokenizer.model").is_file()
    f16 = hf_to_gguf(merged, tmp_path / "F16.gguf")
    q8 = tmp_path / "Q8_0.gguf"
    report = quantize(f16, q8, "Q8_0")
    assert report["tensor_types"].get("Q8_0", 0) > 100
    # three steps do not teach the base to end its turn, so only fidelity is checked here
    result = verify(merged, q8, "Q8_0", require_stop=False)  # the shipped persona
    assert result["tokenizer_agreement"] == 1.0
    assert result["top1_agreement"] >= 0.93
