"""Base-model presets and the command-line edges."""

from __future__ import annotations

import pytest

from jarvis_desktop.cli import main as jarvis_main
from jarvis_desktop.core.errors import ConfigError, ModelError, NetworkRequiredError
from trainer.cli import main as train_main
from trainer.presets import PRESETS, get_preset, resolve_base


def test_presets_cover_the_seed_and_small_instruct_models():
    assert {"gemma-3-270m", "phi-2", "mistral-7b", "llama-2-7b-chat",
            "qwen2.5-0.5b-instruct", "qwen2.5-1.5b-instruct"} <= set(PRESETS)
    assert get_preset("gemma-3-270m").quant == "Q8_0"
    assert get_preset("mistral-7b").quant == "Q4_K_M"


def test_unknown_preset_lists_the_known_ones():
    with pytest.raises(ConfigError, match="unknown base model 'gpt-5'.*gemma-3-270m"):
        resolve_base("gpt-5")


def test_missing_local_base_is_a_clear_error(tmp_path):
    with pytest.raises(ModelError, match="not a Hugging Face model folder"):
        resolve_base(str(tmp_path))


def test_hub_preset_without_network_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))  # nothing cached
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(NetworkRequiredError, match="Qwen/Qwen2.5-0.5B-Instruct.*cannot be reached"):
        resolve_base("qwen2.5-0.5b-instruct")


def test_local_folder_keeps_its_own_template_and_turn_token(tiny_base):
    base = resolve_base(str(tiny_base))
    assert base.preset.chat_template is None and base.preset.end_of_turn == "<|im_end|>"


def test_train_cli_unknown_preset_is_one_line(capsys):
    assert train_main(["sft", "--base", "gpt-5", "--progress", "json"]) == 1
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "unknown base model" in captured.err
    assert '"stage": "error"' in captured.out


def test_bad_config_value_is_reported(capsys, tmp_path):
    cfg = tmp_path / "run.yaml"
    cfg.write_text("lora_r: 8\nlearning_rat: 0.1\n")
    assert train_main(["sft", "--config", str(cfg), "--progress", "json"]) == 1
    assert "unknown setting(s) learning_rat" in capsys.readouterr().err


def test_presets_command_lists_bundled_default(capsys):
    assert train_main(["presets"]) == 0
    out = capsys.readouterr().out
    assert "gemma-3-270m" in out and "bundled" in out and "(default)" in out


def test_jarvis_without_a_model_explains_what_to_do(capsys):
    assert jarvis_main(["--ask", "Hello"]) == 1
    assert "jarvis-train retrain" in capsys.readouterr().err
    # the self-test passes on an install with no model yet, and says what to do
    assert jarvis_main(["--check"]) == 0
    out = capsys.readouterr().out
    assert "note model" in out and "jarvis-train retrain" in out and "all checks passed" in out
    for part in ("assets", "qt", "llama.cpp", "voice", "wake word", "tools"):
        assert f"ok   {part}" in out, out


@pytest.fixture
def console_settings(jarvis_home):
    """Settings for the tiny model, whose context is 512 tokens (the defaults suit Gemma's 32k):
    the console reads the user's settings, as the app does."""
    from jarvis_desktop.core.settings import Settings, save_settings

    save_settings(Settings(n_ctx=512, max_tokens=64, n_threads=1))


def test_jarvis_check_answers_with_the_current_model(registered, console_settings, capsys):
    assert jarvis_main(["--check", "--ask", "Hello Jarvis"]) == 0
    out = capsys.readouterr().out
    assert "ok   model        v1" in out and "jarvis: " in out and "tok/s" in out and "all checks passed" in out


def test_jarvis_check_fails_on_a_broken_model(registered, capsys):
    gguf = registered.current().gguf
    gguf.chmod(0o600)
    gguf.write_bytes(gguf.read_bytes()[: gguf.stat().st_size // 2])  # truncated on disk
    assert jarvis_main(["--check"]) == 1
    out = capsys.readouterr().out
    assert "FAIL model" in out and "failed: model" in out


def test_a_question_longer_than_the_context_is_cut_not_a_traceback(registered, console_settings, capsys):
    # 100 KB pasted into --ask used to end in "ValueError: Requested tokens exceed context window"
    question = "Please summarise this log for me. " + "The backup finished without errors. " * 2800
    assert len(question) > 100_000
    assert jarvis_main(["--ask", question]) == 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "was cut to fit" in captured.err
    assert "(100," in captured.out and "jarvis: " in captured.out
