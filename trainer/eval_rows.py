"""The rows of an evaluation set (one JSON object a line, each with an id), read with the errors
every set gives alike: file:line, what is wrong and what to write instead."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

from jarvis_desktop.core.errors import DataError

__all__ = ["eval_rows"]


def eval_rows(path: Path, keys: tuple[str, ...], example: str) -> Iterator[tuple[dict, int]]:
    """(row, its line number) for each row of ``path`` that has every one of ``keys`` non-empty and an
    id not used before; DataError naming the line otherwise (``example``: a good row), or for a
    file without rows."""
    seen, any_row = set(), False
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(path, n, f"not JSON ({exc.msg})", "each line is one object") from None
        missing = [k for k in keys if not str(row.get(k, "")).strip()]
        if missing:
            raise DataError(path, n, f"missing {', '.join(missing)}", f"a row is {example}")
        if row["id"] in seen:
            raise DataError(path, n, f"id {row['id']!r} is used twice", "give each row its own id")
        seen.add(row["id"])
        any_row = True
        yield row, n
    if not any_row:
        raise DataError(path, None, "no cases", "one JSON object a line")
