"""The model registry: verified GGUF files the app can load, and which one is current.

Layout (docs/ARCHITECTURE.md, "Model registry")::

    <data dir>/models/
        v1/model.gguf, v1/meta.json      meta.json is written last: no meta, not a version
        v2/...
        current                           {"version": "v2", "history": ["v1"]}, replaced atomically

``history`` is the stack of formerly current versions, so ``rollback`` pops it.  ``meta.json``
records the SHA-256 of ``model.gguf`` (``verify_file`` checks it before a load).  Writes that
fail (read-only folder, full disk) raise ``ModelError`` with one line saying what to do.
This module is light (no torch): the desktop app imports it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from jarvis_desktop.core.errors import ConfigError, ModelError
from jarvis_desktop.core.paths import describe_os_error, fsync_dir, models_dir, write_atomic

__all__ = ["ModelVersion", "Registry", "file_sha256", "verify_file", "write_atomic"]

log = logging.getLogger(__name__)
_VERSION_RE = re.compile(r"^v(\d+)$")
META = "meta.json"
GGUF = "model.gguf"
POINTER = "current"
ROLLED_BACK = "rolled_back.json"  # written into a version the user rolled back from
LEFTOVER_AGE_S = 3600  # older than this, a half-made folder's writer is gone (a registration takes seconds)
_BUFFER = 1 << 20


def training_key(meta: dict) -> str:
    """What a version was trained from: persona data, rated feedback, settings and the persona
    text.  Two versions with the same key learnt from the same data (so the second repeats the
    first).  Versions registered before the persona was recorded keep their old keys."""
    config = json.dumps((meta.get("config") or {}).get("sft") or {}, sort_keys=True)
    feedback = (meta.get("feedback") or {}).get("hash", "none")
    key = f"{meta.get('dataset_hash', '?')}:{feedback}:{hash_text(config)}"
    persona = (meta.get("persona") or {}).get("sha256")
    return f"{key}:{persona[:12]}" if persona else key


def hash_text(text: str) -> str:
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


def verify_file(version: ModelVersion | Path | str) -> float:
    """Check ``model.gguf`` against the SHA-256 recorded in ``meta.json`` when it was
    registered; return the seconds the check took.  Raises ModelError naming the file when it
    is missing, unreadable or damaged (a damaged GGUF can load and answer with garbage).

    ``version`` is a ModelVersion or the path of a ``model.gguf`` (its ``meta.json`` beside
    it is read): a loader thread that only has the path can call it.

    Cost: one read of the file.  The default model (253 MB) took 0.18-0.29 s from the page
    cache and 0.22-0.60 s after dropping it, on the 2-core x86-64 dev machine (OpenSSL SHA-256
    with SHA extensions; CPUs without them hash at ~0.5 GB/s, so about 0.5-1 s).  The read also
    warms the page cache that llama.cpp's mmap loads from next.

    Accepted unchecked (0.0 s): versions registered before SHA-256s were recorded (no
    ``sha256`` in meta.json, as they always were) and GGUFs outside the registry.
    """
    if not isinstance(version, ModelVersion):
        gguf = Path(version)
        if gguf.name != GGUF or not _VERSION_RE.match(gguf.parent.name):
            return 0.0  # not in the registry: nothing was recorded for it
        try:
            meta = json.loads((gguf.parent / META).read_text())
        except (OSError, ValueError):
            meta = {}
        version = ModelVersion(gguf.parent.name, gguf.parent, meta if isinstance(meta, dict) else {})
    expected = version.meta.get("sha256")
    if not expected:
        return 0.0
    t0 = time.perf_counter()
    try:
        actual = file_sha256(version.gguf)
    except FileNotFoundError:
        raise ModelError(f"{version.gguf} is missing: model {version.name} cannot run; switch to another "
                         "version (`jarvis-convert models rollback`) or retrain (`jarvis-train retrain`)") from None
    except OSError as exc:
        raise ModelError(f"{describe_os_error(exc, version.gguf, 'read')}; if it persists the disk may be "
                         "failing: switch to another version or retrain") from None
    if actual != expected:
        raise ModelError(f"{version.gguf} is damaged: its SHA-256 differs from the one recorded when {version.name} "
                         "was registered, so it would answer with garbage; roll back (`jarvis-convert models "
                         "rollback`), promote another version, or retrain (`jarvis-train retrain`)")
    return time.perf_counter() - t0


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    buf = bytearray(_BUFFER)
    view = memoryview(buf)
    with open(path, "rb", buffering=0) as fh:
        while n := fh.readinto(buf):
            digest.update(view[:n])
    return digest.hexdigest()


def _copy_hashed(src: Path, dst: Path) -> str:
    """Copy ``src`` to ``dst``, flushed to disk; return its SHA-256 (computed on the way)."""
    digest = hashlib.sha256()
    buf = bytearray(_BUFFER)
    view = memoryview(buf)
    with open(src, "rb", buffering=0) as fin, open(dst, "wb") as fout:
        while n := fin.readinto(buf):
            digest.update(view[:n])
            fout.write(view[:n])
        fout.flush()
        os.fsync(fout.fileno())
    return digest.hexdigest()


@contextmanager
def _writing(what: str, path: Path, exact: bool = True):
    """Turn an OSError of a registry write into one ModelError line (disk full, read-only, ...).
    ``exact``: name ``path`` (not write_atomic's temporary file); else the file the OS named."""
    try:
        yield
    except OSError as exc:
        where = path if exact else (exc.filename2 or exc.filename or path)  # filename2: a copy's target
        raise ModelError(f"{what}: {describe_os_error(exc, where)}") from None


class Registry:
    """Registered versions under ``root`` (default ``<data dir>/models``)."""

    def __init__(self, root: Path | None = None, keep: int = 3):
        try:
            self.root = Path(root) if root is not None else models_dir()
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ModelError(f"cannot open the model registry: {describe_os_error(exc, doing='create')}") from None
        self.keep = keep

    # -- reading -------------------------------------------------------------------
    def versions(self) -> list[ModelVersion]:
        """Complete versions (model.gguf and a readable meta.json), oldest first."""
        found = [_read_version(child)[0] for child in self.root.iterdir() if _VERSION_RE.match(child.name)]
        return sorted((v for v in found if v is not None), key=lambda v: v.number)

    def get(self, name: str) -> ModelVersion:
        for v in self.versions():
            if v.name == name:
                return v
        known = ", ".join(v.name for v in self.versions()) or "none"
        raise ConfigError(f"no model version {name!r} in {self.root} (registered: {known})")

    def _pointer(self) -> dict:
        """The pointer as written, {} when unreadable; ``history`` is always a list of names."""
        try:
            data = json.loads((self.root / POINTER).read_text())
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict):
            return {}
        history = data.get("history")
        data["history"] = [h for h in history if isinstance(h, str)] if isinstance(history, list) else []
        return data

    def current(self) -> ModelVersion | None:
        """The version the pointer names, or None when it is missing, unreadable or names no
        complete version.  Strict: it never guesses.  What to *run* is ``resolve()``, which
        falls back to another version and says what is broken."""
        name = self._pointer().get("version")
        if not name:
            return None
        try:
            return self.get(name)
        except ConfigError:
            return None

    def resolve(self, fix: bool = False) -> tuple[ModelVersion | None, str]:
        """The version to run, and a problem to show the user ("" when all is well).

        A broken pointer (garbage, not an object, naming a missing or incomplete version, or
        missing while complete versions exist) falls back to the newest complete version that
        was neither rolled back from nor turned down by the evaluation gate (else the newest
        complete one), and the message says what is broken, where, and what was done.
        (None, "") means no model is registered yet.

        ``fix=True`` also rewrites the pointer to the fallback (atomically, keeping the
        rollback history that still exists), so the trainer's gate and ``rollback`` see the
        same model the app runs.  The app should fix: it tells the user once, and a pointer
        left broken would make the next retrain skip its comparison ("first model").  Checks
        (``jarvis --check``) and one-off questions do not write.  A failed rewrite (read-only
        disk) is added to the message, never raised.
        """
        path = self.root / POINTER
        broken, pointer = self._pointer_problem(path)
        if not broken:
            return _read_version(self.root / pointer["version"])[0], ""
        versions = self.versions()
        if broken == "is missing" and not versions:
            return None, ""  # a fresh install: nothing registered, nothing broken
        if broken == "is missing":
            broken += f" while {', '.join(v.name for v in versions)} {'is' if len(versions) == 1 else 'are'} registered"
        message = f"the current-model pointer {path} {broken}"
        if not versions:
            return None, message + ", and no complete model version is registered: `jarvis-train retrain` trains one"
        fallback = self._fallback(versions)
        why = "the newest complete version" if fallback is versions[-1] else \
            "the newest complete version not rolled back from or turned down by the evaluation gate"
        message += f"; using {fallback.name}, {why}"
        if not fix:
            return fallback, message + " (`jarvis-convert models repair` makes that permanent)"
        try:
            if not self._repair(path, pointer, fallback, versions, message):
                return self.resolve()  # another process fixed or switched it meanwhile: that wins
        except ModelError as exc:
            return fallback, message + f"; could not rewrite the pointer ({exc})"
        return fallback, message + f"; the pointer now names {fallback.name}"

    def _pointer_problem(self, path: Path) -> tuple[str, dict]:
        """("" and the pointer) when it names a complete version, else (what is wrong, the
        pointer as far as it could be read)."""
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return "is missing", {}
        except (OSError, UnicodeDecodeError) as exc:
            return f"cannot be read ({getattr(exc, 'strerror', None) or exc})", {}
        try:
            data = json.loads(text)
        except ValueError as exc:
            return f"is not valid JSON ({exc})", {}
        if not isinstance(data, dict):
            return f"holds a {type(data).__name__}, not {{\"version\": …}}", {}
        name = data.get("version")
        if not isinstance(name, str) or not name:
            return "names no version", data
        if not _VERSION_RE.match(name):
            return f"names {name!r}, which is not a version name (v1, v2, …)", data
        why = _read_version(self.root / name)[1]
        return (f"names {name}, {why}" if why else ""), data

    @staticmethod
    def _fallback(versions: list[ModelVersion]) -> ModelVersion:
        trusted = [v for v in versions if not v.rolled_back and (v.meta.get("gate") or {}).get("promoted", True)]
        return (trusted or versions)[-1]

    def _repair(self, path: Path, pointer: dict, fallback: ModelVersion, versions: list[ModelVersion],
                problem: str) -> bool:
        """Point at ``fallback``; False when someone else rewrote the pointer meanwhile (a
        promote in another process wins over a repair)."""
        if self._pointer_problem(path)[0] == "":
            return False
        names = {v.name for v in versions}
        history = pointer.get("history") if isinstance(pointer.get("history"), list) else []
        history = [h for h in history if isinstance(h, str) and h in names and h != fallback.name]
        self._write_pointer({"version": fallback.name, "history": history, "switched": _now(),
                             "repaired": problem})
        return True

    def previous(self) -> ModelVersion | None:
        """The version ``rollback`` would switch to."""
        names = {v.name: v for v in self.versions()}
        for name in reversed(self._pointer().get("history", [])):
            if name in names:
                return names[name]
        return None

    def check(self, version: ModelVersion | str) -> float:
        """``verify_file`` for a version or its name: the seconds the SHA-256 check took."""
        return verify_file(version if isinstance(version, ModelVersion) else self.get(version))

    # -- writing -------------------------------------------------------------------
    def add(self, gguf_path: Path, meta: dict, move: bool = True) -> ModelVersion:
        """Register a verified GGUF as a new version (not yet current); its SHA-256 goes in
        meta.json (computed while copying; after a move, by reading it back)."""
        gguf_path = Path(gguf_path)
        if not gguf_path.is_file():
            raise ModelError(f"cannot register {gguf_path}: no such file")
        n = max((v.number for v in self.versions()), default=0) + 1
        while (self.root / f"v{n}").exists():
            n += 1
        name = f"v{n}"
        with _writing(f"cannot register {gguf_path} as {name} (nothing was registered)", self.root):
            staging = Path(tempfile.mkdtemp(dir=self.root, prefix=f".staging-{name}-"))
        try:
            target = staging / GGUF
            with _writing(f"cannot register {gguf_path} as {name} (nothing was registered)", target, exact=False):
                if move:
                    shutil.move(str(gguf_path), target)  # a rename on one file system: nothing to read
                    sha = file_sha256(target)
                    with open(target, "rb") as fh:
                        os.fsync(fh.fileno())
                else:
                    sha = _copy_hashed(gguf_path, target)
                meta = dict(meta, version=name, created=meta.get("created") or _now(), sha256=sha)
                write_atomic(staging / META, json.dumps(meta, indent=2, sort_keys=True, default=str))
                os.replace(staging, self.root / name)
                fsync_dir(self.root)
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
        self._write_pointer({"version": name, "history": history, "switched": _now()},
                            f"cannot make {name} current ({pointer.get('version') or 'the old one'} stays)")
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
        self._write_pointer({"version": target, "history": history, "switched": _now()},
                            f"cannot roll back to {target} ({left} stays current)")
        if left in existing:  # remembered, so the same data is not promoted again blindly
            marker = self.root / left / ROLLED_BACK
            try:
                write_atomic(marker, json.dumps({"when": _now(), "to": target}, indent=2))
            except OSError as exc:  # the switch happened; only the reminder is lost
                log.warning("%s", describe_os_error(exc, marker))
        return self.get(target)

    def rolled_back_with(self, key: str) -> ModelVersion | None:
        """A version the user rolled back from that was trained from the same ``training_key``."""
        for v in reversed(self.versions()):
            if v.rolled_back and training_key(v.meta) == key:
                return v
        return None

    def _write_pointer(self, data: dict, what: str = "cannot switch the current model") -> None:
        path = self.root / POINTER
        with _writing(what, path):
            write_atomic(path, json.dumps(data, indent=2))

    def prune(self) -> list[str]:
        """Delete versions beyond the newest ``keep``, never the current, previous or
        fallback one, and leftovers of interrupted operations (``clean_leftovers``)."""
        protected = {v.name for v in (self.current(), self.previous(), self.resolve()[0]) if v is not None}
        versions = self.versions()
        removed = []
        for v in versions[: max(0, len(versions) - self.keep)]:
            if v.name not in protected:
                shutil.rmtree(v.path, ignore_errors=True)
                removed.append(v.name)
        if removed:
            fsync_dir(self.root)
        return removed + self.clean_leftovers()

    def clean_leftovers(self, min_age_s: float = LEFTOVER_AGE_S) -> list[str]:
        """Remove what killed registry operations left behind; return the paths removed
        (relative to the registry).  Safe at every start, even while a retrain registers:

        - ``.staging-*`` folders (an interrupted ``add``) and ``.*.tmp`` files (an interrupted
          ``write_atomic``, in the registry or a version folder) untouched for ``min_age_s``;
        - version folders without ``meta.json`` or ``model.gguf`` (an interrupted prune, a
          half-deleted folder) untouched for ``min_age_s``.

        A complete version is never removed, nor is a folder whose meta.json is merely damaged
        (its model may be worth saving).  Failures to remove are logged, not raised.
        """
        now = time.time()
        candidates = []
        for child in self.root.iterdir():
            if child.name.startswith(".staging-") and child.is_dir():
                candidates.append(child)
            elif child.name.startswith(".") and child.name.endswith(".tmp") and child.is_file():
                candidates.append(child)
            elif _VERSION_RE.match(child.name) and child.is_dir():
                if not (child / META).is_file() or not (child / GGUF).is_file():
                    candidates.append(child)
                else:
                    candidates.extend(f for f in child.glob(".*.tmp") if f.is_file())
        removed = []
        for path in candidates:
            if now - _last_touched(path) < min_age_s:
                continue  # maybe being written right now
            try:
                shutil.rmtree(path) if path.is_dir() else path.unlink()
            except FileNotFoundError:
                continue  # another process cleaned it first
            except OSError as exc:
                log.warning("cannot remove registry leftover %s: %s", path, exc.strerror or exc)
                continue
            removed.append(str(path.relative_to(self.root)))
        if removed:
            fsync_dir(self.root)
            log.info("removed registry leftovers: %s", ", ".join(removed))
        return removed


def _read_version(folder: Path) -> tuple[ModelVersion | None, str]:
    """(the version, "") when ``folder`` holds a complete one, else (None, why it cannot run)."""
    if not folder.is_dir():
        return None, "which is missing"
    if not (folder / META).is_file():
        return None, f"whose {META} is missing"
    if not (folder / GGUF).is_file():
        return None, f"whose {GGUF} is missing"
    try:
        meta = json.loads((folder / META).read_text())
    except (OSError, ValueError):
        meta = None
    if not isinstance(meta, dict):
        return None, f"whose {META} is damaged"  # an unusable folder, not a broken registry
    return ModelVersion(folder.name, folder, meta), ""


def _last_touched(path: Path) -> float:
    """The newest mtime of a file, or of a folder and its direct entries (now, when unreadable)."""
    try:
        times = [path.stat().st_mtime]
        if path.is_dir():
            times += [entry.stat().st_mtime for entry in os.scandir(path)]
        return max(times)
    except OSError:
        return time.time()  # vanished or unreadable while we looked: leave it for next time


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")
