"""Where Jarvis keeps its files.

``JARVIS_HOME`` overrides the user data dir (tests point it at a temporary folder);
``JARVIS_CACHE`` overrides the cache dir (prepared base models, the extracted converter).
The data dir holds the user's conversations and models: only its owner may read it.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["data_dir", "cache_dir", "models_dir", "runs_dir", "assets_dir", "asset", "write_atomic", "xdg_dir",
           "installed_program"]

APP_NAME = "jarvis"


def _base_dir(env_var: str, kind: str, private: bool) -> Path:
    env = os.environ.get(env_var)
    if env:
        path = Path(env).expanduser()
    else:
        import platformdirs

        path = Path(getattr(platformdirs, kind)(APP_NAME, appauthor=False))
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True)
        if private:
            os.chmod(path, 0o700)
    return path


def data_dir() -> Path:
    """The user data dir: interaction log, model registry, logs."""
    return _base_dir("JARVIS_HOME", "user_data_dir", private=True)


def cache_dir() -> Path:
    """Re-creatable files: prepared base models, the llama.cpp converter."""
    return _base_dir("JARVIS_CACHE", "user_cache_dir", private=False)


def _sub(name: str) -> Path:
    path = data_dir() / name
    path.mkdir(exist_ok=True)
    return path


def models_dir() -> Path:
    """The model registry: ``<data dir>/models/<version>/{model.gguf, meta.json}``."""
    return _sub("models")


def runs_dir() -> Path:
    """Working folders of training runs (checkpoints for resuming, staging)."""
    return _sub("runs")


def assets_dir() -> Path:
    """Icons, the persona prompt, the dataset: beside the packages, or inside a PyInstaller bundle."""
    import sys

    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "assets"
    return Path(__file__).resolve().parent.parent / "assets"


def asset(*parts: str) -> Path:
    return assets_dir().joinpath(*parts)


def xdg_dir(var: str, default: str) -> Path:
    """A freedesktop base directory: ``$var`` when it is an absolute path (the spec ignores
    relative ones), else ``~/default`` (``XDG_CONFIG_HOME``, ``.config``)."""
    value = os.environ.get(var, "")
    return Path(value) if value and Path(value).is_absolute() else Path.home() / default


def installed_program(name: str) -> str | None:
    """A console script of this installation: beside this Python (a venv's bin, not a desktop
    bundle's own executable), else on PATH; None when neither has it."""
    import shutil
    import sys

    beside = Path(sys.executable).parent / name
    if beside.is_file() and not getattr(sys, "frozen", False):
        return str(beside)
    return shutil.which(name)


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` so readers see the old file or the new one, never half.

    The file is created by mkstemp: readable by its owner only (conversations, settings).
    """
    import tempfile

    path = Path(path)
    mode = "wb" if isinstance(data, bytes) else "w"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
