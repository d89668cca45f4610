"""Quantize a GGUF with llama.cpp's own quantizer and say what it really produced.

k-quants need a weight's input dimension divisible by 256; llama.cpp silently uses another
type for the tensors that don't fit (Gemma 270M, width 640: Q4_K -> Q5_0).  We read the
result back and report every such fallback.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from jarvis_desktop.core.errors import ConfigError, ModelError

__all__ = ["QUANT_TYPES", "quantize", "tensor_types", "check_gguf_file"]

# llama.cpp ftype ids, and the tensor types each one aims for.
QUANT_TYPES = {
    "Q8_0": (7, {"Q8_0"}),
    "Q5_K_M": (17, {"Q5_K", "Q6_K"}),
    "Q4_K_M": (15, {"Q4_K", "Q6_K"}),
}


def check_gguf_file(path: Path) -> None:
    """Fail with a clear ModelError if ``path`` is not a complete GGUF file.

    llama.cpp checks too, but a file cut short by a full disk or a killed copy is better
    caught here, before any native code touches it.
    """
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"{path}: no such model file")
    with path.open("rb") as fh:
        if fh.read(4) != b"GGUF":
            raise ModelError(f"{path} is not a GGUF file (bad magic): convert it again")
    from convert.gguf_info import read_gguf_info

    try:
        info = read_gguf_info(path)
        size = path.stat().st_size
        for t in info.tensors:
            if t.data_offset + t.n_bytes > size:
                raise ValueError(f"tensor {t.name} ends past the end of the file")
    except Exception as exc:
        raise ModelError(f"{path} is truncated or corrupt ({exc}): convert it again") from None


def tensor_types(path: Path) -> Counter:
    """Count the GGML types of the 2-D weight tensors in a GGUF."""
    from convert.gguf_info import read_gguf_info

    return Counter(t.type_name for t in read_gguf_info(path).tensors if len(t.shape) >= 2)


def quantize(src: Path, dst: Path, qtype: str, threads: int = 0) -> dict:
    """Quantize ``src`` (F16/F32 GGUF) to ``dst``; return a report with any fallbacks."""
    import llama_cpp

    qtype = qtype.upper()
    if qtype not in QUANT_TYPES:
        raise ConfigError(f"unknown quantization {qtype!r}: use one of {', '.join(QUANT_TYPES)}")
    check_gguf_file(src)
    ftype, aimed = QUANT_TYPES[qtype]
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = ftype
    params.nthread = threads or (os.cpu_count() or 1)
    tmp = Path(dst).with_name(Path(dst).name + ".partial")
    rc = llama_cpp.llama_model_quantize(str(src).encode(), str(tmp).encode(), params)
    if rc != 0 or not tmp.is_file():
        tmp.unlink(missing_ok=True)
        raise ModelError(f"llama.cpp could not quantize {src} to {qtype} (code {rc})")
    os.replace(tmp, dst)
    types = tensor_types(Path(dst))
    # Token embeddings and the output layer may legitimately use other (higher) types.
    others = {t: n for t, n in types.items() if t not in aimed and t not in ("F32", "F16", "BF16")}
    note = ""
    if others:
        used = ", ".join(f"{n} tensors as {t}" for t, n in sorted(others.items()))
        note = (f"{qtype} did not fit every tensor (k-quants need input dims divisible by 256): "
                f"llama.cpp used {used}")
    return {
        "requested": qtype,
        "tensor_types": dict(types),
        "fallbacks": others,
        "note": note,
        "size_mb": round(Path(dst).stat().st_size / 1e6, 1),
    }
