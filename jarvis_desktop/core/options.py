"""One helper for the option dataclasses (settings, engine, voice, trainer): a field with a
default and the help text that forms, flags and docs show, and optionally its limits."""

from __future__ import annotations

from dataclasses import field

__all__ = ["option"]


def option(default, help: str, *, min=None, max=None, **kw):  # noqa: A002 - the words forms show
    """``field(default=…, metadata={"help": help})``; ``kw`` goes to ``field`` (e.g. ``default_factory``).

    ``min``/``max`` (inclusive) are stored in the metadata too, where both the validation and
    the settings form read them: one set of limits, not one per place that needs them.
    """
    metadata = {"help": help}
    if min is not None:
        metadata["min"] = min
    if max is not None:
        metadata["max"] = max
    return field(default=default, metadata=metadata, **kw)
