"""The desktop app's speed: tokens/s in the app vs plain llama-cpp-python on the same GGUF,
time to first token at turn 1 and turn 8, app start to window shown, idle memory.

    QT_QPA_PLATFORM=offscreen python benchmarks/app_speed.py MODEL.gguf [--threads 2]

Printed, not asserted.  The app side is measured where the user sees it: the GUI thread's
arrival times of the streamed pieces (engine thread + Qt signals included).  Turn 1 is asked
1 s after the model is ready, as a person would; the app prefills the system prompt meanwhile.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
QUESTIONS = ["Good morning, Jarvis.", "How do I find large files on Linux?", "Tell me about the Thames.",
             "What is a good way to back up my photos?", "Any tips for a long train journey?",
             "What's the difference between RAM and storage?", "Recommend a classic British novel.",
             "Thank you, that's all for now."]
STARTUP = """
import time, sys
t0 = time.perf_counter()
from PySide6.QtWidgets import QApplication
app = QApplication([])
from jarvis_desktop.app import JarvisApp
from jarvis_desktop.core.settings import Settings
j = JarvisApp(Settings(), save=False)
j.open_window()
app.processEvents()
j.controller.start(first_run_training=False)
app.processEvents()
shown = time.perf_counter() - t0
import psutil
print(f"{shown:.3f} {psutil.Process().memory_info().rss / 2**20:.0f}")
j.controller.shutdown()
"""


def plain(gguf: Path, threads: int, max_tokens: int) -> float:
    """The same system prompt and questions, straight through llama-cpp-python."""
    from datetime import datetime

    import llama_cpp

    from jarvis_desktop.core.persona import system_prompt

    system = system_prompt("sir", datetime.now())
    llm = llama_cpp.Llama(str(gguf), n_ctx=4096, n_threads=threads, verbose=False, seed=0)
    rates = []
    for q in QUESTIONS[:4]:
        times = []
        for chunk in llm.create_chat_completion([{"role": "system", "content": system},
                                                 {"role": "user", "content": q}], max_tokens=max_tokens,
                                                temperature=0.7, top_p=0.9, repeat_penalty=1.1, stream=True):
            if chunk["choices"][0]["delta"].get("content"):
                times.append(time.perf_counter())
        if len(times) > 2:
            rates.append((len(times) - 1) / (times[-1] - times[0]))
    llm.close()
    return sum(rates) / len(rates)


def in_app(gguf: Path, threads: int, max_tokens: int) -> tuple[float, list[float]]:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from jarvis_desktop.core.registry import Registry
    from jarvis_desktop.controller import Controller
    from jarvis_desktop.core.settings import Settings

    qt = QApplication.instance() or QApplication([])
    reg = Registry()
    staged = reg.root / "incoming.gguf"
    shutil.copy(gguf, staged)
    reg.promote(reg.add(staged, {"base": "bench"}).name)
    c = Controller(Settings(n_threads=threads, max_tokens=max_tokens), save=False)

    def wait(signal):
        loop = QEventLoop()
        signal.connect(loop.quit)
        QTimer.singleShot(300_000, loop.quit)
        loop.exec()

    c.start(first_run_training=False)
    wait(c.model_changed)
    settle = QEventLoop()  # a person reads "Model ready" before asking: the system prompt is prefilled meanwhile
    QTimer.singleShot(1000, settle.quit)
    settle.exec()
    arrivals: list[float] = []
    c.reply_token.connect(lambda _p: arrivals.append(time.perf_counter()))
    rates, ttft = [], []
    for q in QUESTIONS:
        arrivals.clear()
        sent = time.perf_counter()
        c.send(q)
        wait(c.reply_finished)
        ttft.append(arrivals[0] - sent)
        if len(arrivals) > 2:
            rates.append((len(arrivals) - 1) / (arrivals[-1] - arrivals[0]))
    c.shutdown()
    del qt
    return sum(rates[:4]) / len(rates[:4]), ttft


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("gguf", type=Path)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--max-tokens", type=int, default=128)
    args = ap.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["JARVIS_HOME"] = tempfile.mkdtemp(prefix="jarvis-appbench-")
    env = dict(os.environ, JARVIS_HOME=tempfile.mkdtemp(prefix="jarvis-appbench-empty-"))
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", STARTUP], env=env, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    shown, rss = out.stdout.split()[-2:] if out.returncode == 0 else ("?", "?")
    p = plain(args.gguf, args.threads, args.max_tokens)
    a, ttft = in_app(args.gguf, args.threads, args.max_tokens)
    print(f"\n# Jarvis app speed: {args.gguf.name}, {args.threads} threads, {time.strftime('%Y-%m-%d')}")
    print(f"tokens/s, plain llama-cpp-python: {p:.1f}")
    print(f"tokens/s, in the app (GUI thread):  {a:.1f}   ratio {a / p:.3f} (goal >= 0.95)")
    print(f"time to first token, turn 1: {ttft[0]:.3f} s; turn 8: {ttft[-1]:.3f} s "
          f"(all turns: {', '.join(f'{t:.2f}' for t in ttft)})")
    print(f"app start to window shown (no model): {shown} s in-process, {wall:.2f} s with Python's start")
    print(f"idle memory without a model: {rss} MB RSS")


if __name__ == "__main__":
    main()
