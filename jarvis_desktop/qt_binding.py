"""Is this Qt binding safe to run Jarvis on?  A check for a known reference-counting bug.

PySide6 6.12.0 drops one reference to ``True`` on every signal emission that reaches a Python
slot, and on every ``Signal.disconnect``.  CPython's ``True`` is immortal only from 3.12 on;
on 3.10/3.11 its count falls by one per emission until it reaches zero and the interpreter
aborts with "Fatal Python error: bool_dealloc" (the app died after ~410 turns: each streamed
token is several emissions).  6.11.3 loses none, so pyproject.toml pins it.

``binding_leaks`` measures the loss for real (a QObject, a signal, a Python slot), so the
test suite, the bundle build and ``jarvis --check`` refuse a binding with the bug whatever
its version number says.  Light: imports only QtCore, and needs no display.
"""

from __future__ import annotations

import gc
import sys

from jarvis_desktop.core.errors import JarvisError

__all__ = ["PINNED", "binding_leaks", "check_binding"]

PINNED = "6.11.3"  # keep in step with pyproject.toml


def binding_leaks(emissions: int = 2000) -> dict[str, int]:
    """References to ``True``, ``False`` and ``None`` lost over ``emissions`` signal emissions to a
    Python slot and as many connect/disconnect pairs: ``{"True": n, "False": n, "None": n}``; all
    zero on a sound binding.

    Safe on a binding with the bug: the emissions go in rounds of at most a quarter of the
    references ``True`` has (a bare interpreter holds ~150), it stops at the first round that
    loses any, and it gives back what was lost (``_give_back``), so the
    measuring process does not itself die of it later."""
    from PySide6.QtCore import QCoreApplication, QObject, Signal

    class _Probe(QObject):
        fired = Signal(int, str)
        flag = Signal(bool)

    QCoreApplication.instance() or QCoreApplication([])  # signals need a Qt application object
    probe = _Probe()
    seen = []

    def slot(*args):
        seen.append(len(args))

    lost = {"True": 0, "False": 0, "None": 0}
    left = emissions
    while left > 0 and not any(lost.values()):
        n = max(1, min(left, sys.getrefcount(True) // 4, sys.getrefcount(False) // 4))
        gc.collect()
        before = _counts()
        probe.fired.connect(slot)
        probe.flag.connect(slot)
        for i in range(n):
            probe.fired.emit(i, "x")
            probe.flag.emit(i % 2 == 0)
        probe.fired.disconnect(slot)
        probe.flag.disconnect(slot)
        seen.clear()
        gc.collect()
        after = _counts()
        for name, obj in _SINGLETONS:
            gone = max(0, before[name] - after[name])
            _give_back(obj, gone)
            if gone >= max(3, n // 4):  # the bug loses one per emission; other threads make a little noise
                lost[name] += gone
        left -= n
    return lost


_SINGLETONS = (("True", True), ("False", False), ("None", None))


def _give_back(obj, n: int) -> None:
    """Add ``n`` references to ``obj`` for good (never released, not even at exit): they make
    up for the ones a faulty binding took, which would otherwise end the process."""
    import ctypes

    for _ in range(n):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(obj))


def _counts() -> dict[str, int]:
    return {name: sys.getrefcount(obj) for name, obj in _SINGLETONS}


def check_binding(emissions: int = 2000) -> str:
    """A line describing the binding; JarvisError when it loses references (it would crash the
    app after a few hundred turns)."""
    import PySide6

    lost = binding_leaks(emissions)
    if any(lost.values()):
        raise JarvisError(
            f"PySide6 {PySide6.__version__} loses a Python reference on every Qt signal "
            f"({', '.join(f'{k}: {v}' for k, v in lost.items())} references lost): Jarvis would "
            f"crash after a few hundred turns. Install the tested version: pip install 'PySide6-Essentials=={PINNED}'")
    return f"PySide6 {PySide6.__version__}: no references lost over {emissions} signal emissions"
