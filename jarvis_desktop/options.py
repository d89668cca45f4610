"""One helper for the option dataclasses (settings, engine, voice, trainer): a field with a
default and the help text that forms, flags and docs show."""

from __future__ import annotations

from dataclasses import field

__all__ = ["option"]


def option(default, help: str, **kw):
    """``field(default=…, metadata={"help": help})``; ``kw`` goes to ``field`` (e.g. ``default_factory``)."""
    return field(default=default, metadata={"help": help}, **kw)
