"""The model registry: verified GGUF files the app can load, and which one is current.

Layout (DESIGN.md)::

    <data dir>/models/
        v1/model.gguf, v1/meta.json      meta.json is written last: no meta, not a version
        v2/...
        current                           {"version": "v2", "history": ["v1"]}, replaced atomically

``history`` is the stack of formerly current versions, so ``rollback`` pops it.  This module
is light (no torch): the desktop app imports it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from jarvis_desktop.errors import ConfigError, ModelError
from jarvis_desktop.paths import models_dir, write_atomic

__all__ = ["ModelVersion", "Registry", "write_atomic"]

_VERSION_RE = re.compile(r"^v(\d+)$")
META = "meta.json"
GGUF = "model.gguf"
ROLLED_BACK = "rolled_back.json"  # written into a version the user rolled back from


def training_key(meta: dict) -> str:
    """What a version was trained from: persona data, rated feedback and settings.  Two
    versions with the same key learnt from the same data (so the second repeats the first)."""
    config = json.dumps((meta.get("config") or {}).get("sft") or {}, sort_keys=True)
    feedback = (meta.get("feedback") or {}).get("hash", "none")
    return f"{meta.get('dataset_hash', '?')}:{feedback}:{hash_text(config)}"


def hash_text(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class ModelVersion:
    """One registered model: a folder holding ``model.gguf`` and ``meta.json``."""

    name: str
    path: Path
    meta: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def gguf(self) -> Path:
        return self.path / GGUF

    @property
    def rolled_back(self) -> dict | None:
        """{"when", "to"} if the user rolled back from this version, else None."""
        marker = self.path / ROLLED_BACK
        try:
            return json.loads(marker.read_text()) if marker.is_file() else None
        except (OSError, ValueError):
            return {"when": "?", "to": "?"}

    @property
    def number(self) -> int:
        return int(_VERSION_RE.match(self.name).group(1))

    def describe(self) -> str:
        m = self.meta
        quant = m.get("quant", "?")
        base = m.get("base", "?")
        when = m.get("created", "")
        size = self.gguf.stat().st_size / 1e6 if self.gguf.exists() else 0
        line = f"{self.name}  {base}  {quant}  {size:.0f} MB  {when}"
        score = ((m.get("evaluation") or {}).get("metrics") or {}).get("persona_score")
        if score is not None:
            line += f"  persona {score:.3f}"
        gate = m.get("gate") or {}
        if gate and not gate.get("promoted", True):
            line += f"  (not promoted: {gate.get('reason', '')})"
        if self.rolled_back:
            line += "  (rolled back)"
        return line


class Registry:
    """Registered versions under ``root`` (default ``<data dir>/models``)."""

    def __init__(self, root: Path | None = None, keep: int = 3):
        self.root = Path(root) if root is not None else models_dir()
        self.root.mkdir(parents=True, exist_ok=True)
        self.keep = keep

    # -- reading -------------------------------------------------------------------
    def versions(self) -> list[ModelVersion]:
        """Complete versions (meta.json present), oldest first."""
        found = []
        for child in self.root.iterdir():
            if _VERSION_RE.match(child.name) and (child / META).is_file():
                try:
                    meta = json.loads((child / META).read_text())
                except (OSError, json.JSONDecodeError):
                    continue  # a damaged meta.json makes the folder unusable, not the registry
                found.append(ModelVersion(child.name, child, meta))
        return sorted(found, key=lambda v: v.number)

    def get(self, name: str) -> ModelVersion:
        for v in self.versions():
            if v.name == name:
                return v
        known = ", ".join(v.name for v in self.versions()) or "none"
        raise ConfigError(f"no model version {name!r} in {self.root} (registered: {known})")

    def _pointer(self) -> dict:
        try:
            data = json.loads((self.root / "current").read_text())
            return data if isinstance(data, dict) else {}
        except (OSError, json.JSONDecodeError):
            return {}

    def current(self) -> ModelVersion | None:
        """The version the app runs, or None when none is registered."""
        name = self._pointer().get("version")
        if not name:
            return None
        try:
            return self.get(name)
        except ConfigError:
            return None

    def previous(self) -> ModelVersion | None:
        """The version ``rollback`` would switch to."""
        names = {v.name: v for v in self.versions()}
        for name in reversed(self._pointer().get("history", [])):
            if name in names:
                return names[name]
        return None

    # -- writing -------------------------------------------------------------------
    def add(self, gguf_path: Path, meta: dict, move: bool = True) -> ModelVersion:
        """Register a verified GGUF as a new version (not yet current)."""
        gguf_path = Path(gguf_path)
        if not gguf_path.is_file():
            raise ModelError(f"cannot register {gguf_path}: no such file")
        n = max((v.number for v in self.versions()), default=0) + 1
        while (self.root / f"v{n}").exists():
            n += 1
        name = f"v{n}"
        staging = Path(tempfile.mkdtemp(dir=self.root, prefix=f".staging-{name}-"))
        try:
            target = staging / GGUF
            if move:
                shutil.move(str(gguf_path), target)
            else:
                shutil.copy2(gguf_path, target)
            with open(target, "rb") as fh:
                os.fsync(fh.fileno())
            meta = dict(meta, version=name, created=meta.get("created") or _now())
            write_atomic(staging / META, json.dumps(meta, indent=2, sort_keys=True, default=str))
            os.replace(staging, self.root / name)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return ModelVersion(name, self.root / name, meta)

    def promote(self, name: str) -> ModelVersion:
        """Make ``name`` current; the old current goes on the rollback stack."""
        version = self.get(name)
        pointer = self._pointer()
        old = pointer.get("version")
        history = [h for h in pointer.get("history", []) if h != name]
        if old and old != name:
            history.append(old)
        self._write_pointer({"version": name, "history": history, "switched": _now()})
        self.prune()
        return version

    def rollback(self) -> ModelVersion:
        """Switch back to the version that was current before this one."""
        pointer = self._pointer()
        existing = {v.name for v in self.versions()}
        history = [h for h in pointer.get("history", []) if h in existing]
        if not history:
            raise ConfigError("nothing to roll back to: no earlier model version is registered")
        target = history.pop()
        left = pointer.get("version")
        self._write_pointer({"version": target, "history": history, "switched": _now()})
        if left in existing:  # remembered, so the same data is not promoted again blindly
            write_atomic(self.root / left / ROLLED_BACK, json.dumps({"when": _now(), "to": target}, indent=2))
        return self.get(target)

    def rolled_back_with(self, key: str) -> ModelVersion | None:
        """A version the user rolled back from that was trained from the same ``training_key``."""
        for v in reversed(self.versions()):
            if v.rolled_back and training_key(v.meta) == key:
                return v
        return None

    def _write_pointer(self, data: dict) -> None:
        write_atomic(self.root / "current", json.dumps(data, indent=2))

    def prune(self) -> list[str]:
        """Delete versions beyond the newest ``keep``, never the current or previous one,
        and leftovers of interrupted registrations."""
        protected = {v.name for v in (self.current(), self.previous()) if v is not None}
        versions = self.versions()
        removed = []
        for v in versions[: max(0, len(versions) - self.keep)]:
            if v.name not in protected:
                shutil.rmtree(v.path, ignore_errors=True)
                removed.append(v.name)
        for child in self.root.glob(".staging-*"):
            if time.time() - child.stat().st_mtime > 3600:  # an hour old: its writer is gone
                shutil.rmtree(child, ignore_errors=True)
        return removed


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")
