"""Make docs/chat.png: the real app, a real model, a short real conversation.

    xvfb-run -s "-screen 0 1280x900x24" python docs/make_screenshot.py MODEL.gguf
    xvfb-run -s "-screen 0 1280x900x24" python docs/make_screenshot.py --learned DATA_DIR VERSION

The second makes docs/learned.png: the "What Jarvis learned" window of VERSION, as the app shows
it after a retrain, from a copy of a data dir that holds it (e.g. the one
``benchmarks/retrain_contention.py whole --keep`` leaves).

Registers MODEL.gguf in a temporary data dir, opens the chat window on the (virtual) display,
asks a few questions (one answered by a local skill), gives the first reply a thumbs up and
the second a thumbs down with a correction, then saves the window (``widget.grab()``) and the
whole screen (ImageMagick ``import -window root``) for a person to look at.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUESTIONS = ["Good evening, Jarvis.", "How do I see what is using my disk space?", "what is 17 times 23"]


def learned_shot(data_dir: Path, version: str) -> None:
    home = Path(tempfile.mkdtemp(prefix="jarvis-shot-"))
    for item in data_dir.iterdir():  # a copy: the user's own data dir is never changed
        if item.name not in ("runs", "retrain.lock", "logs"):
            (shutil.copytree if item.is_dir() else shutil.copy2)(item, home / item.name)
    os.environ["JARVIS_HOME"] = str(home)
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from jarvis_desktop.app import JarvisApp
    from jarvis_desktop.core.settings import Settings

    qt = QApplication(sys.argv[:1])
    jarvis = JarvisApp(Settings(honorific="sir"), save=False)
    jarvis.open_window()
    dialog = jarvis.open_learned(version)
    if dialog is None:
        sys.exit(f"no report for {version} in {data_dir}")
    dialog.move(40, 40)
    loop = QEventLoop()
    QTimer.singleShot(1500, loop.quit)
    loop.exec()
    out = ROOT / "docs"
    dialog.grab().save(str(out / "learned.png"))
    if shutil.which("import") and os.environ.get("DISPLAY"):
        subprocess.run(["import", "-window", "root", str(out / "learned-screen.png")], check=False)
    print(f"saved {out / 'learned.png'}")
    qt.quit()
    shutil.rmtree(home, ignore_errors=True)


def main() -> None:
    if sys.argv[1:2] == ["--learned"]:
        learned_shot(Path(sys.argv[2]), sys.argv[3])
        return
    gguf = Path(sys.argv[1])
    home = Path(tempfile.mkdtemp(prefix="jarvis-shot-"))
    os.environ["JARVIS_HOME"] = str(home)
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from jarvis_desktop.core.registry import Registry
    from jarvis_desktop.app import JarvisApp
    from jarvis_desktop.core.settings import Settings

    reg = Registry()
    staged = home / "incoming.gguf"
    shutil.copy(gguf, staged)
    reg.promote(reg.add(staged, {"base": "gemma-3-270m", "quant": "Q8_0"}).name)
    qt = QApplication(sys.argv[:1])
    settings = Settings(honorific="sir")
    jarvis = JarvisApp(settings, save=False)
    jarvis.window.resize(620, 720)
    jarvis.open_window()

    def wait(signal, ms=120_000):
        loop = QEventLoop()
        signal.connect(loop.quit)
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    jarvis.controller.start(first_run_training=False)
    wait(jarvis.controller.model_changed)
    for q in QUESTIONS:
        jarvis.window.input.setText(q)
        jarvis.window.input.returnPressed.emit()
        if jarvis.controller.busy:
            wait(jarvis.controller.reply_finished)
    bubbles = [b for b in jarvis.window.bubbles if b.who == "jarvis"]
    bubbles[0].up.click()
    bubbles[1].down.click()
    bubbles[1].correction_edit.setText("Run du -sh * in the folder, sir, or ncdu for a browsable view.")
    loop = QEventLoop()
    QTimer.singleShot(800, loop.quit)
    loop.exec()
    out = ROOT / "docs"
    jarvis.window.grab().save(str(out / "chat.png"))
    if shutil.which("import") and os.environ.get("DISPLAY"):
        subprocess.run(["import", "-window", "root", str(out / "screen.png")], check=False)
    print(f"saved {out / 'chat.png'}")
    jarvis.controller.shutdown()
    qt.quit()


if __name__ == "__main__":
    main()
