"""Calibrating when a fine-tune calls a tool, on a development set of its own.

The router (jarvis_desktop/core/tools/router.py) calls a tool when the probability of the
reply beginning ``call:`` reaches a threshold.  Where that line separates requests needing a
tool from chat differs from one fine-tune to the next (a model trained on more tool rows calls
more readily), so each retrain measures it: every request of ``assets/data/dev/routing_dev.jsonl``
(never trained on, and not the gate's held-out set, which must stay a fair test) is sent as the
app sends it, only the first step is run, and ``choose_threshold`` picks the line.  The result
goes into the version's ``meta.json`` ("router"), where the Assistant reads it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from jarvis_desktop.core.assistant import EVAL_NOW, Assistant, Persona
from jarvis_desktop.core.engine import ChatEngine, EngineConfig
from jarvis_desktop.core.errors import DataError
from jarvis_desktop.core.paths import asset
from jarvis_desktop.core.tools.router import choose_threshold
from trainer.cores import free_cores_now

__all__ = ["DEV", "DevRequest", "load_dev", "probabilities", "calibrate"]

DEV = ("data", "dev", "routing_dev.jsonl")


@dataclass(frozen=True)
class DevRequest:
    id: str
    request: str
    kind: str  # "tool" | "chat"
    tool: str | None = None


def load_dev(path: Path | None = None) -> list[DevRequest]:
    """The development requests; DataError naming file:line for a bad line."""
    path = Path(path) if path is not None else asset(*DEV)
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            req = DevRequest(str(row["id"]), str(row["request"]), str(row["kind"]), row.get("tool"))
        except (ValueError, KeyError, TypeError) as exc:
            raise DataError(path, n, f"not a development request ({exc})",
                            'expected {"id", "request", "kind": "tool" or "chat", "tool": the tool\'s name}') from None
        if req.kind not in ("tool", "chat") or (req.kind == "tool") != bool(req.tool):
            raise DataError(path, n, f"kind {req.kind!r} with tool {req.tool!r}",
                            'a "tool" request names its tool; a "chat" request names none')
        rows.append(req)
    return rows


def probabilities(gguf: Path, requests: list[DevRequest], persona: Persona, n_threads: int = 0,
                  progress=None) -> list[float]:
    """Each request's probability of being answered with a call by the model ``gguf``: the
    request alone, as the app sends it (persona prompt at EVAL_NOW, no memory)."""
    engine = ChatEngine(EngineConfig(n_ctx=1024, n_threads=free_cores_now(n_threads), max_tokens=8,
                                     temperature=0.0, seed=0))
    engine.load(Path(gguf))
    try:
        assistant = Assistant(engine, None, persona, clock=lambda: EVAL_NOW)
        out = []
        for i, req in enumerate(requests):
            out.append(assistant.call_probability(req.request))
            if progress:
                progress(i + 1, len(requests))
        return out
    finally:
        engine.close()


def calibrate(gguf: Path, persona: Persona, n_threads: int = 0, path: Path | None = None, progress=None) -> dict:
    """The router's calibration for ``gguf``: {"call_threshold", "dev": figures at it and at the
    default, "dev_hash"}, for the version's meta.json."""
    path = Path(path) if path is not None else asset(*DEV)
    requests = load_dev(path)
    probs = probabilities(gguf, requests, persona, n_threads, progress)
    tool_p = [p for r, p in zip(requests, probs) if r.kind == "tool"]
    chat_p = [p for r, p in zip(requests, probs) if r.kind == "chat"]
    threshold, figures = choose_threshold(tool_p, chat_p)
    return {"call_threshold": threshold, "dev": figures,
            "dev_hash": hashlib.sha256(path.read_bytes()).hexdigest()[:16]}
