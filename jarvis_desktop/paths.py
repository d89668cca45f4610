"""Where Jarvis keeps its files.

``JARVIS_HOME`` overrides the user data dir (tests point it at a temporary folder);
``JARVIS_CACHE`` overrides the cache dir (prepared base models, the extracted converter).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["data_dir", "cache_dir", "models_dir", "runs_dir"]

APP_NAME = "jarvis"


def data_dir() -> Path:
    """The user data dir: interaction log, model registry, logs."""
    env = os.environ.get("JARVIS_HOME")
    if env:
        path = Path(env).expanduser()
    else:
        import platformdirs

        path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir() -> Path:
    """Re-creatable files: prepared base models, the llama.cpp converter."""
    env = os.environ.get("JARVIS_CACHE")
    if env:
        path = Path(env).expanduser()
    else:
        import platformdirs

        path = Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def models_dir() -> Path:
    """The model registry: ``<data dir>/models/<version>/{model.gguf, meta.json}``."""
    path = data_dir() / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path


def runs_dir() -> Path:
    """Working folders of training runs (checkpoints for resuming, staging)."""
    path = data_dir() / "runs"
    path.mkdir(parents=True, exist_ok=True)
    return path
