"""Check that a GGUF behaves like the HF model it came from, before it is ever registered.

1. The file is a complete GGUF and llama.cpp loads it; its chat template is embedded.
2. Next-token logits, llama.cpp vs transformers, on chat prompts (same token ids for both):
   top-1 agreement, |delta logit| (99th percentile) and mean KL must meet the thresholds of the quant type.
3. A chat reply stops by itself within the token limit: asked through the app's own
   ``Assistant`` (the persona's system prompt at a fixed clock, the embedded template, the
   engine's stop strings), so "stops by itself" means what it will mean in the app.
"""

from __future__ import annotations

from pathlib import Path

from jarvis_desktop.core.assistant import EVAL_NOW, Assistant, Persona
from jarvis_desktop.core.engine import ChatEngine, EngineConfig
from jarvis_desktop.core.errors import ModelError, VerificationError
from convert.quantize import check_gguf_file

__all__ = ["verify", "THRESHOLDS", "VERIFY_PROMPTS"]

# (minimum top-1 agreement, maximum p99 |delta logit|, maximum mean KL divergence) per GGUF type.
# The |delta logit| figure is, per position, the largest difference on the reference model's
# top-10 tokens, and the gate takes its 99th percentile over all positions: the single worst
# position is one outlier of ~400 (two fine-tunes of the same data and the same Q8_0 gave
# maxima of 2.07 and 3.10 with the same KL, 0.0057 and 0.0059), while a real conversion fault
# moves every position.  The maximum is still reported.
# F16/F32 must match almost exactly; quantized types are allowed the noise quantization
# brings, and no more.  KL(HF || GGUF) of the next-token distributions is the measure
# llama.cpp's own perplexity tool uses for quantization damage.
THRESHOLDS = {
    "F32": (0.99, 0.05, 1e-4),
    "F16": (0.97, 1.0, 2e-3),
    "BF16": (0.95, 2.0, 5e-3),
    "Q8_0": (0.93, 3.0, 0.02),
    "Q5_K_M": (0.85, 6.0, 0.06),
    "Q4_K_M": (0.80, 8.0, 0.12),
}
# The first positions (BOS and the token after it) are attention sinks with outsized logits
# that nothing is ever sampled from; on Gemma 3 270M Q8_0 the whole max |delta| (3.3 against a
# median of 0.35) sat at position 1 of every prompt.  They count for top-1 and KL, not for the
# max |delta|.
SINK_POSITIONS = 2

VERIFY_PROMPTS = [
    "Good morning, Jarvis.",
    "What is 12 times 7?",
    "How do I list files in a folder on Linux?",
    "Who are you?",
    "Tell me something about the Thames.",
    "Remind me what we were talking about.",
]
STOP_PROMPTS = VERIFY_PROMPTS[:3]
TOP_K = 10  # max |delta logit| is taken over the reference model's top-10 tokens per position


def verify(hf_dir: Path, gguf_path: Path, gguf_type: str, persona: Persona | None = None,
           max_tokens: int = 160, n_threads: int = 0, require_stop: bool = True) -> dict:
    """Run all checks; return the figures, or raise VerificationError with the first failure.

    ``persona``: whose system prompt the prompts carry (default: the shipped persona, "sir").

    ``require_stop=False`` checks conversion fidelity only (for a base or barely trained model,
    which has not learnt to end its turn yet).
    """
    import llama_cpp
    import numpy as np
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    check_gguf_file(gguf_path)
    persona = persona or Persona()
    system = persona.system_prompt(EVAL_NOW)
    gguf_type = gguf_type.upper()
    min_top1, max_delta, max_kl = THRESHOLDS.get(gguf_type, THRESHOLDS["Q4_K_M"])
    tokenizer = AutoTokenizer.from_pretrained(hf_dir)
    model = AutoModelForCausalLM.from_pretrained(hf_dir, dtype=torch.float32).eval()
    try:
        llm = llama_cpp.Llama(str(gguf_path), n_ctx=1024, logits_all=True, verbose=False,
                              n_threads=n_threads or None, seed=0)
    except Exception as exc:
        raise ModelError(f"llama.cpp cannot load {gguf_path}: {exc}") from None
    try:
        template = llm.metadata.get("tokenizer.chat_template", "")
        if not template:
            raise VerificationError(f"{gguf_path} has no embedded chat template")
        agree = total = 0
        worst_all = 0.0
        kls, per_position = [], []
        token_match = 0
        for prompt in VERIFY_PROMPTS:
            chat = [{"role": "system", "content": system}, {"role": "user", "content": prompt}]
            text = tokenizer.apply_chat_template(chat, tokenize=False, add_generation_prompt=True)
            ids = llm.tokenize(text.encode(), add_bos=False, special=True)
            token_match += ids == tokenizer(text, add_special_tokens=False)["input_ids"]
            llm.reset()
            llm.eval(ids)
            ours = np.asarray(llm.scores[: len(ids)], dtype=np.float32)
            with torch.no_grad():
                theirs = model(torch.tensor([ids])).logits[0].float().numpy()
            vocab = min(ours.shape[1], theirs.shape[1])
            ours, theirs = ours[:, :vocab], theirs[:, :vocab]
            agree += int((ours.argmax(-1) == theirs.argmax(-1)).sum())
            total += len(ids)
            # The delta that matters is on the tokens the model would actually pick: its top
            # candidates.  The maximum over a whole 262k vocabulary is dominated by tokens
            # whose logits are far below any chance of being sampled; it is reported too.
            top = np.argpartition(-theirs, TOP_K, axis=-1)[:, :TOP_K]
            rows = np.arange(len(ids))[:, None]
            deltas = np.abs(ours[rows, top] - theirs[rows, top]).max(-1)
            per_position.extend(deltas[SINK_POSITIONS:].tolist())
            worst_all = max(worst_all, float(np.abs(ours - theirs).max()))
            ref, got = _log_softmax(theirs), _log_softmax(ours)
            kls.extend((np.exp(ref) * (ref - got)).sum(-1).tolist())
        top1 = agree / total
        kl = float(np.mean(kls))
        p99 = float(np.percentile(per_position, 99))
        worst = max(per_position)
    finally:
        llm.close()
    stops, sample = _clean_stops(gguf_path, persona, max_tokens, n_threads)
    report = {
        "type": gguf_type,
        "top1_agreement": round(top1, 4),
        "p99_abs_logit_delta": round(p99, 4),
        "max_abs_logit_delta": round(worst, 4),
        "max_abs_logit_delta_all_vocab": round(worst_all, 4),
        "mean_kl_divergence": round(kl, 6),
        "positions": total,
        "tokenizer_agreement": round(token_match / len(VERIFY_PROMPTS), 3),
        "clean_stops": f"{sum(stops)}/{len(stops)}",
        "thresholds": {"min_top1": min_top1, "p99_abs_logit_delta": max_delta, "max_mean_kl": max_kl},
        "sample_reply": sample,
    }
    if top1 < min_top1 or p99 > max_delta or kl > max_kl:
        raise _failed(report,
            f"{gguf_path.name} ({gguf_type}) does not match the tuned model: top-1 agreement "
            f"{top1:.3f} (needs >= {min_top1}), |delta logit| on the top-{TOP_K} tokens {p99:.3f} at the "
            f"99th percentile (needs <= {max_delta}; worst position {worst:.3f}), "
            f"mean KL {kl:.4f} (needs <= {max_kl}); "
            "it was not registered. Try a higher-precision type (Q8_0 or F16)."
        )
    if require_stop and not all(stops):
        raise _failed(report, 
            f"{gguf_path.name}: {sum(stops)} of {len(stops)} chat replies stopped by themselves within "
            f"{max_tokens} tokens; the tune did not learn to end its turn. Train longer or check the "
            "end-of-turn token; it was not registered."
        )
    return report


def _clean_stops(gguf_path: Path, persona: Persona, max_tokens: int, n_threads: int) -> tuple[list[bool], str]:
    """Whether each of STOP_PROMPTS gets a reply that ends by itself, asked as the app asks
    (greedy, skills off: the model is what is checked); and the last reply, as a sample."""
    engine = ChatEngine(EngineConfig(n_ctx=1024, n_threads=n_threads, max_tokens=max_tokens, temperature=0.0, seed=0))
    engine.load(Path(gguf_path))
    try:
        assistant = Assistant(engine, None, persona, clock=lambda: EVAL_NOW, version=Path(gguf_path).stem)
        answers = [assistant.ask(prompt, remember=False).result() for prompt in STOP_PROMPTS]
    finally:
        engine.close()
    return [a.finish_reason == "stop" for a in answers], answers[-1].text


def _log_softmax(x):
    import numpy as np

    x = x.astype(np.float64)
    m = x.max(-1, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(-1, keepdims=True))


def _failed(report: dict, message: str) -> VerificationError:
    err = VerificationError(message)
    err.report = report  # the figures travel with the error for logs and benchmarks
    return err
