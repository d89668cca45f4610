"""The Qt binding does not lose references to True/False/None on signals (PySide6 6.12.0 did:
the app died with "Fatal Python error: bool_dealloc" after ~410 turns)."""

from __future__ import annotations

import os
import subprocess
import sys

from jarvis_desktop.qt_binding import PINNED, binding_leaks, check_binding
from tests.conftest import ROOT


def test_signals_to_python_slots_keep_every_reference():
    lost = binding_leaks(3000)
    # The bug loses one reference per emission (3,000 here); a sound binding loses none.
    assert lost == {"True": 0, "False": 0, "None": 0}, lost
    assert "no references lost" in check_binding(500)


def test_the_pin_is_the_version_installed_and_the_one_checked():
    import PySide6

    pyproject = (ROOT / "pyproject.toml").read_text()
    assert f'"PySide6-Essentials=={PINNED}"' in pyproject
    assert PySide6.__version__ == PINNED


def test_a_fresh_interpreter_survives_many_emissions():
    # Far more emissions than there are references to True in a bare interpreter: a binding
    # with the bug aborts this child with bool_dealloc instead of printing the counts.
    code = ("import sys\nfrom PySide6.QtCore import QCoreApplication, QObject, Signal\n"
            "app = QCoreApplication([])\n"
            "class O(QObject):\n    s = Signal(int, str)\n"
            "o = O(); o.s.connect(lambda i, t: None); before = sys.getrefcount(True)\n"
            "for _ in range(20000): o.s.emit(1, 'x')\n"
            "print(before, sys.getrefcount(True))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr[-2000:]
    before, after = map(int, done.stdout.split())
    assert after >= before
