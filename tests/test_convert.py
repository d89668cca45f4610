"""GGUF conversion, quantization and verification on tiny real models and llama.cpp."""

from __future__ import annotations

import shutil

import pytest

from convert.cli import main as convert_main
from convert.gguf_export import hf_to_gguf
from convert.quantize import check_gguf_file, quantize
from convert.verify import verify
from jarvis_desktop.core.assistant import EVAL_NOW, Persona
from jarvis_desktop.core.errors import ModelError, VerificationError

TINY = Persona("sir", "", "You are Jarvis. Address the user as {honorific}.")


@pytest.mark.parametrize("qtype", ["F16", "Q8_0", "Q4_K_M"])
def test_each_type_verifies_against_the_merged_model(tiny_chain, tmp_path, qtype):
    gguf = tiny_chain["f16"]
    if qtype != "F16":
        gguf = tmp_path / f"m-{qtype}.gguf"
        report = quantize(tiny_chain["f16"], gguf, qtype)
        assert report["note"] == "" and report["fallbacks"] == {}  # width 256 fits k-quants
    result = verify(tiny_chain["merged"], gguf, qtype, persona=TINY)
    assert result["top1_agreement"] >= result["thresholds"]["min_top1"]
    assert result["p99_abs_logit_delta"] <= result["thresholds"]["p99_abs_logit_delta"]
    assert result["p99_abs_logit_delta"] <= result["max_abs_logit_delta"]
    assert result["clean_stops"] == "3/3"
    assert result["tokenizer_agreement"] == 1.0


def test_f32_conversion_matches_almost_exactly(tiny_chain, tmp_path):
    f32 = hf_to_gguf(tiny_chain["merged"], tmp_path / "m-f32.gguf", "f32")
    result = verify(tiny_chain["merged"], f32, "F32", persona=TINY)
    assert result["top1_agreement"] >= 0.99 and result["max_abs_logit_delta"] < 0.05
    assert result["top1_agreement_with_ties"] >= 0.99  # an exact conversion does not even flip near-ties


def test_shared_system_prompt_is_counted_once_and_the_reply_is_compared(tiny_chain):
    """The six prompts share the system prompt: its positions are one measurement, not six.
    The model's own reply is compared as well, so there are more positions than the prompts' own."""
    from transformers import AutoTokenizer

    from convert.verify import REPLY_TOKENS, VERIFY_PROMPTS

    result = verify(tiny_chain["merged"], tiny_chain["f16"], "F16", persona=TINY)
    tok = AutoTokenizer.from_pretrained(tiny_chain["merged"])
    lengths = []
    for prompt in VERIFY_PROMPTS:
        chat = [{"role": "system", "content": TINY.system_prompt(EVAL_NOW)}, {"role": "user", "content": prompt}]
        text = tok.apply_chat_template(chat, tokenize=False, add_generation_prompt=True)
        lengths.append(len(tok(text, add_special_tokens=False)["input_ids"]))
    assert max(lengths) < result["positions"] < sum(lengths) + len(lengths) * REPLY_TOKENS
    assert result["positions"] > sum(lengths) - (len(lengths) - 1) * min(lengths)  # the replies count
    assert 0 <= result["near_ties"] < result["positions"]


def test_a_failed_check_points_to_a_more_precise_type():
    from convert.verify import _higher_precision

    assert _higher_precision("Q4_K_M") == "Try a higher-precision type (Q5_K_M or Q8_0)."
    assert _higher_precision("Q8_0") == "Try a higher-precision type (F16 or F32)."
    assert "conversion itself is at fault" in _higher_precision("F32")


def test_quantize_reports_what_did_not_fit(tmp_path):
    from tests.tiny_model import build_tiny_llama

    hf = build_tiny_llama(tmp_path / "w320", hidden=320)  # 320 is not a multiple of 256
    f16 = hf_to_gguf(hf, tmp_path / "w320.gguf")
    report = quantize(f16, tmp_path / "w320-q4.gguf", "Q4_K_M")
    assert report["fallbacks"], report
    assert "did not fit" in report["note"] and "llama.cpp used" in report["note"]


def test_a_gguf_of_another_model_fails_verification(tiny_chain, tmp_path):
    from tests.tiny_model import build_tiny_llama

    other = build_tiny_llama(tmp_path / "other", seed=7)  # same shape and vocab, other weights
    gguf = hf_to_gguf(other, tmp_path / "other.gguf")
    with pytest.raises(VerificationError, match="does not match the tuned model") as info:
        verify(tiny_chain["merged"], gguf, "F16")
    assert info.value.report["top1_agreement"] < 0.97


def test_corrupt_and_truncated_gguf_are_refused(tiny_chain, tmp_path):
    good = tiny_chain["f16"]
    truncated = tmp_path / "truncated.gguf"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    garbage = tmp_path / "garbage.gguf"
    garbage.write_bytes(b"GGUF" + b"\xff" * 4096)
    not_gguf = tmp_path / "model.gguf"
    not_gguf.write_text("hello")
    with pytest.raises(ModelError, match="truncated or corrupt"):
        check_gguf_file(truncated)
    with pytest.raises(ModelError, match="truncated or corrupt"):
        check_gguf_file(garbage)
    with pytest.raises(ModelError, match="not a GGUF file"):
        check_gguf_file(not_gguf)
    with pytest.raises(ModelError, match="truncated or corrupt"):
        verify(tiny_chain["merged"], truncated, "F16")
    with pytest.raises(ModelError, match="truncated or corrupt"):
        quantize(truncated, tmp_path / "q.gguf", "Q8_0")
    assert not (tmp_path / "q.gguf").exists()


def test_convert_cli_chain(tiny_chain, tmp_path, capsys):
    merged = tmp_path / "merged"
    assert convert_main(["merge", str(tiny_chain["adapter"]), "--out", str(merged)]) == 0
    assert (merged / "model.safetensors").is_file() and (merged / "tokenizer.model").is_file()
    f16 = tmp_path / "m.gguf"
    assert convert_main(["gguf", str(merged), "--out", str(f16)]) == 0
    q = tmp_path / "m-q8.gguf"
    assert convert_main(["quantize", str(f16), "--out", str(q), "--type", "Q8_0"]) == 0
    assert convert_main(["verify", str(merged), str(q), "--type", "Q8_0"]) == 0
    assert '"top1_agreement"' in capsys.readouterr().out
    assert convert_main(["quantize", str(f16), "--out", str(q), "--type", "Q3_X"]) == 1
    assert "unknown quantization 'Q3_X'" in capsys.readouterr().err


def test_merge_refuses_an_unfinished_adapter(tiny_chain, tmp_path):
    from convert.merge import merge_adapter

    partial = tmp_path / "adapter"
    shutil.copytree(tiny_chain["adapter"], partial)
    (partial / "jarvis_sft.json").unlink()  # the marker is written last: no marker, no adapter
    with pytest.raises(ModelError, match="not a finished Jarvis adapter"):
        merge_adapter(partial, tmp_path / "out")


def test_fast_header_reader_agrees_with_gguf_py(tiny_chain, tmp_path):
    from gguf import GGUFReader

    from convert.gguf_info import ARRAY_KEEP, GGUFFormatError, read_gguf_info

    q8 = tmp_path / "m-q8.gguf"
    quantize(tiny_chain["f16"], q8, "Q8_0")
    for path in (tiny_chain["f16"], q8):
        ours, ref = read_gguf_info(path), GGUFReader(str(path))
        assert [(t.name, t.shape, t.type_name, t.data_offset, t.n_bytes) for t in ours.tensors] == [
            (t.name, tuple(int(d) for d in t.shape), t.tensor_type.name, t.data_offset, int(t.n_bytes))
            for t in ref.tensors]
        assert set(ours.metadata) == {k for k in ref.fields if not k.startswith("GGUF.")}
        for key, value in ours.metadata.items():
            want = ref.fields[key].contents()
            if isinstance(value, tuple):  # a long array: skipped, its length kept
                assert value[2] == len(want) > ARRAY_KEEP
            elif isinstance(value, float):
                assert value == pytest.approx(want)
            else:
                assert value == want, key
    # a header cut anywhere is a format error, never anything else
    data = q8.read_bytes()
    cut = tmp_path / "cut.gguf"
    for end in (30, 200, 1000, ours.data_start - 40):  # (padding is under 32 bytes)
        cut.write_bytes(data[:end])
        with pytest.raises(GGUFFormatError):
            read_gguf_info(cut)
