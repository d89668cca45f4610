"""Shared fixtures: a fresh JARVIS_HOME per test, a tiny real Llama, one tiny trained chain."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
sys.path.insert(0, str(ROOT))

# Tests never reach a model hub; the real cache dir (converter, prepared Gemma) is kept.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# Qt without a display (CI has none); pytest-qt's qtbot drives the real widgets.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The tiny models the fixtures train must come out the same on every x86 CPU: torch's AVX-512
# kernels (and MKL's and oneDNN's) add up in another order than the AVX2 ones, and on a 2-layer
# model that moves greedy replies ("Goodning, sir." for "Good morning, sir.") and what a few
# ratings teach it.  On a CPU with AVX-512, the kernels are held to AVX2 (a no-op elsewhere).
def _has_avx2() -> bool:
    try:
        return " avx2 " in f" {Path('/proc/cpuinfo').read_text(errors='replace')} ".replace("\n", " ")
    except OSError:
        return False


if _has_avx2():
    for _name, _value in (("ATEN_CPU_CAPABILITY", "avx2"), ("MKL_ENABLE_INSTRUCTIONS", "AVX2"),
                          ("ONEDNN_MAX_CPU_ISA", "AVX2")):
        os.environ.setdefault(_name, _value)


@pytest.fixture(autouse=True)
def jarvis_home(tmp_path, monkeypatch):
    home = tmp_path / "jarvis-home"
    monkeypatch.setenv("JARVIS_HOME", str(home))
    monkeypatch.delenv("JARVIS_FAIL_AT", raising=False)
    return home


@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory) -> Path:
    from tests.tiny_model import build_tiny_llama

    return build_tiny_llama(tmp_path_factory.mktemp("tiny") / "tiny-llama")


# Training steps of the tiny model: enough that it answers "sir" and stops whatever date and time
# the system prompt states (training gives each example its own; 60 steps only learnt those).
TINY_STEPS = 200


# torch's thread count changes the order of its sums, so the trained weights: following the free
# cores (the default) made the tiny model's replies depend on what else the machine ran (CI failed
# on a reply that came out without "sir").  Tests train with a set count.
TINY_THREADS = 2


def tiny_flags(base: Path, steps: int = TINY_STEPS) -> list[str]:
    """Flags that teach the tiny model to answer briefly and stop, in a few seconds."""
    return ["--base", str(base), "--data", str(DATA / "tiny_chat.jsonl"),
            "--persona", str(DATA / "tiny_persona.txt"), "--max-steps", str(steps),
            "--learning-rate", "5e-3", "--micro-batch-size", "4", "--batch-size", "4",
            "--max-length", "256", "--precision", "fp32", "--save-steps", "1000", "--threads", str(TINY_THREADS)]


@pytest.fixture(scope="session")
def tiny_chain(tiny_base, tmp_path_factory) -> dict:
    """sft -> merge -> F16 GGUF of the tiny model, once per session (read-only for tests)."""
    return train_tiny_chain(tiny_base, DATA / "tiny_chat.jsonl", tmp_path_factory.mktemp("chain"))


@pytest.fixture
def tiny_engine(tiny_chain):
    """The tiny chain's model loaded in llama.cpp (greedy, 16 tokens a reply), for the app's path
    where the words decide what is said whatever the untrained model would write."""
    from jarvis_desktop.core.engine import ChatEngine, EngineConfig

    engine = ChatEngine(EngineConfig(n_ctx=512, n_threads=2, max_tokens=16, temperature=0.0, seed=0))
    engine.load(tiny_chain["f16"])
    yield engine
    engine.close()


def train_tiny_chain(tiny_base: Path, data: Path, work: Path) -> dict:
    """sft on ``data`` -> merge -> F16 GGUF of the tiny model, in ``work``."""
    from convert.gguf_export import hf_to_gguf
    from convert.merge import merge_adapter
    from trainer.progress import Progress
    from trainer.sft import run_sft
    from trainer.sft_config import SFTOptions

    opts = SFTOptions(base=str(tiny_base), data=[str(data)],
                      persona=str(DATA / "tiny_persona.txt"), output=str(work / "sft"),
                      max_steps=TINY_STEPS, learning_rate=5e-3, micro_batch_size=4, batch_size=4,
                      max_length=256, precision="fp32", save_steps=1000, threads=TINY_THREADS)
    adapter = run_sft(opts, Progress("json", stream=open(os.devnull, "w")))
    merged = merge_adapter(adapter, work / "merged")
    f16 = hf_to_gguf(merged, work / "model-F16.gguf", "f16")
    return {"adapter": adapter, "merged": merged, "f16": f16, "work": work}


@pytest.fixture
def registered(tiny_chain, jarvis_home):
    """A registry whose current model (v1) is the tiny chain's F16 GGUF."""
    from jarvis_desktop.core.registry import Registry

    reg = Registry()
    tmp = jarvis_home / "incoming.gguf"
    shutil.copy(tiny_chain["f16"], tmp)
    v = reg.add(tmp, {"base": "tiny", "quant": "F16"})
    reg.promote(v.name)
    return reg
