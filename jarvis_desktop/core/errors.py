"""The small exception family every part of Jarvis raises.

Messages are written for the person who reads them: what went wrong, where (file and
line for data), and what to do next.  The edges (CLI exit codes, Qt dialogs) turn them
into words; library code never prints.
"""

from __future__ import annotations

__all__ = [
    "JarvisError",
    "DataError",
    "ConfigError",
    "ModelError",
    "NetworkRequiredError",
    "BusyError",
    "VerificationError",
]


class JarvisError(Exception):
    """Base of all errors Jarvis reports to a person."""


class DataError(JarvisError):
    """A dataset line is malformed; names the file and line."""

    def __init__(self, path, line: int | None, problem: str, hint: str = ""):
        self.path, self.line, self.problem, self.hint = str(path), line, problem, hint
        where = f"{self.path}:{line}" if line is not None else self.path
        msg = f"{where}: {problem}"
        if hint:
            msg += f" ({hint})"
        super().__init__(msg)


class ConfigError(JarvisError):
    """A setting, flag or preset name is wrong."""


class ModelError(JarvisError):
    """A model file or folder is missing, truncated or unreadable."""


class NetworkRequiredError(JarvisError):
    """Something needs the internet (a model hub download) and there is none."""


class BusyError(JarvisError):
    """Another retrain (or conversion) holds the lock."""


class VerificationError(JarvisError):
    """A converted model does not behave like the model it was converted from."""
