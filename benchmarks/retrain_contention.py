"""A retrain on a busy desktop: fine-tune speed beside another process, and replies during a retrain.

    python benchmarks/retrain_contention.py steps [--steps 10] [--base gemma-3-270m]
    JARVIS_HOME=DIR QT_QPA_PLATFORM=offscreen python benchmarks/retrain_contention.py replies [--turns 8]
    JARVIS_HOME=DIR QT_QPA_PLATFORM=offscreen python benchmarks/retrain_contention.py whole [--minutes 5] [--keep]

steps: seconds per fine-tune step (``jarvis-train sft`` on the real base), idle and with a
  competing process (a busy loop) pinned to core 0: torch's threads fixed at every core (as
  before), and following the free cores (``--threads 0``, the default; trainer/cores.py).
replies: the app's reply speed (first token, tokens/s, as the GUI thread sees them) with no
  retrain, during a retrain with the conversation first (the trainer paused while Jarvis
  answers; jarvis_desktop/trainer_yield.py), and during one that is not paused.  DIR must hold
  a current model (it is copied; DIR is not changed).
whole: the whole retrain (Retrain now, as the app starts it, with DIR's settings of the retrain:
  ``--warm auto`` where DIR's model allows), quiet and with a conversation of ``--minutes``
  during it (a message every 10 s); prints both wall times.  Each runs in a copy of DIR.
Printed, not asserted.  Run nothing else meanwhile: the point is to measure the contention made here.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
HOG = "import os; os.sched_setaffinity(0, {0})\nwhile True: pass"
QUESTIONS = ["Good evening, Jarvis.", "How do I find large files on Linux?", "Tell me about the Thames.",
             "What is a good way to back up my photos?", "Any tips for a long train journey?",
             "What's the difference between RAM and storage?", "Recommend a classic British novel.",
             "Thank you, that's all for now."]


# --- steps ---------------------------------------------------------------------------------------
def sft_steps(base: str, steps: int, threads: int, work: Path, limit_s: float) -> list[float]:
    """Seconds between consecutive fine-tune steps (the first two left out: warm-up), stopping
    the run after ``steps`` steps or ``limit_s`` seconds of stepping."""
    out = work / f"sft-{threads}-{time.monotonic_ns()}"
    cmd = [str(BIN / "jarvis-train"), "sft", "--base", base, "--max-steps", str(steps), "--threads", str(threads),
           "--output", str(out), "--progress", "json", "--save-steps", "100000"]
    proc = subprocess.Popen(cmd, env=dict(os.environ, JARVIS_HOME=str(work / "home")), stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    at: list[float] = []
    first = 0.0
    for line in proc.stdout:
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if event.get("stage") == "sft" and event.get("step"):
            at.append(time.monotonic())
            first = first or at[-1]
            if len(at) >= steps or at[-1] - first > limit_s:
                break
    proc.kill()
    proc.wait()
    shutil.rmtree(out, ignore_errors=True)
    gaps = [b - a for a, b in zip(at, at[1:])]
    return gaps[1:] if len(gaps) > 2 else gaps


def hog():
    return subprocess.Popen([sys.executable, "-c", HOG])


def part_steps(args) -> None:
    work = Path(tempfile.mkdtemp(prefix="jarvis-contention-"))
    rows = []
    for label, threads, busy in (("idle, threads follow free cores", 0, False),
                                 ("idle, 2 threads fixed", 2, False),
                                 ("core 0 busy, 2 threads fixed (before)", 2, True),
                                 ("core 0 busy, threads follow free cores", 0, True)):
        other = hog() if busy else None
        try:
            gaps = sft_steps(args.base, args.steps, threads, work, args.limit)
        finally:
            if other is not None:
                other.kill()
                other.wait()
        rows.append((label, statistics.median(gaps) if gaps else float("nan"), len(gaps)))
    idle = rows[0][1]
    print(f"\n# fine-tune s/step beside a busy core: {args.base}, {os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}")
    print(f"{'condition':42} {'s/step':>8} {'steps':>6} {'vs idle':>8}")
    for label, sec, n in rows:
        print(f"{label:42} {sec:8.2f} {n:6d} {sec / idle:7.2f}x")
    print("goal: busy core, threads following, <= 2.5x idle")
    shutil.rmtree(work, ignore_errors=True)


# --- replies -------------------------------------------------------------------------------------
def _copy_home(src: Path) -> Path:
    dst = Path(tempfile.mkdtemp(prefix="jarvis-contention-home-"))
    for item in src.iterdir():
        if item.name in ("runs", "retrain.lock"):
            continue
        (shutil.copytree if item.is_dir() else shutil.copy2)(item, dst / item.name)
    return dst


class App:
    """The real Controller, offscreen, in a copy of the user's data dir."""

    def __init__(self, home: Path, threads: int, max_tokens: int, retrain_args: list[str]):
        from PySide6.QtCore import QCoreApplication

        os.environ["JARVIS_HOME"] = str(home)
        self.qt = QCoreApplication.instance() or QCoreApplication([])
        from jarvis_desktop.controller import Controller
        from jarvis_desktop.core.settings import load_settings

        settings = load_settings()
        settings.n_threads, settings.max_tokens = threads, max_tokens
        settings.retrain_args = [*settings.retrain_args, *retrain_args]
        self.c = Controller(settings, save=False)
        self.c.start(first_run_training=False)
        self.wait(self.c.model_changed, 300)
        self.pause(1.0)

    def wait(self, signal, seconds: float) -> list:
        from PySide6.QtCore import QEventLoop, QTimer

        loop, got = QEventLoop(), []
        signal.connect(lambda *a: (got.append(a), loop.quit()))
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        loop.exec()
        return got

    def pause(self, seconds: float) -> None:
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        loop.exec()

    def ask(self, text: str) -> tuple[float, float]:
        """(first token s, tokens/s) as the GUI thread sees the reply arrive."""
        arrivals: list[float] = []
        slot = self.c.reply_token.connect(lambda _p: arrivals.append(time.perf_counter()))
        sent = time.perf_counter()
        self.c.send(text)
        self.wait(self.c.reply_finished, 120)
        self.c.reply_token.disconnect(slot)
        if not arrivals:
            return float("nan"), float("nan")
        rate = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0]) if len(arrivals) > 2 else float("nan")
        return arrivals[0] - sent, rate

    def start_retrain(self) -> None:
        assert self.c.retrain_now(), "the retrain did not start"
        while True:  # the fine-tune stage: torch is busy from here on
            got = self.wait(self.c.job_changed, 600)
            if got and got[-1][0].stage == "sft" and got[-1][0].step >= 2:
                return
            if got and not got[-1][0].running:
                raise SystemExit(f"the retrain ended before its fine-tune: {got[-1][0].message}")

    def close(self) -> None:
        self.c.cancel_retrain()
        self.c.shutdown()


def conversation(app: App, turns: int, gap_s: float) -> list[tuple[float, float]]:
    out = []
    for i in range(turns):
        out.append(app.ask(QUESTIONS[i % len(QUESTIONS)]))
        app.pause(gap_s)  # the user reads, then types the next message
    return out


def part_replies(args) -> None:
    src = Path(os.environ.get("JARVIS_HOME", ""))
    if not (src / "models" / "current").is_file():
        sys.exit("JARVIS_HOME must hold a current model")
    rows = []
    # "before": not paused, at the shell's priority, torch on every core, as the app ran it until now
    for label, retrain, yields, extra in (("no retrain", False, True, []),
                                          ("retrain, conversation first", True, True, []),
                                          ("retrain, not paused (before)", True, False,
                                           ["--priority", "normal", "--threads", "2"]),
                                          ("no retrain, again", False, True, [])):  # first in a process: warm-up
        home = _copy_home(src)
        app = App(home, args.threads, args.max_tokens, ["--max-steps", "100000", "--warm", "off", *extra])
        try:
            if not yields:
                app.c.trainer_yield.hold = lambda reason: None  # as before this change
            if retrain:
                app.start_retrain()
            got = conversation(app, args.turns, args.gap)
            paused = app.c.trainer_yield.paused_s
        finally:
            app.close()
            shutil.rmtree(home, ignore_errors=True)
        rows.append((label, statistics.median(g[0] for g in got), statistics.median(g[1] for g in got), paused))
    idle_ft = statistics.mean((rows[0][1], rows[-1][1]))  # before and after: the process warms up
    idle_rate = statistics.mean((rows[0][2], rows[-1][2]))
    print(f"\n# replies during a retrain: {args.turns} turns, {args.gap:.0f} s apart, {args.threads} threads, "
          f"{time.strftime('%Y-%m-%d')}")
    print(f"{'condition':32} {'first token s':>14} {'tokens/s':>9} {'speed vs idle':>14} {'trainer paused s':>17}")
    for label, ft, rate, paused in rows:
        print(f"{label:32} {ft:14.3f} {rate:9.1f} {rate / idle_rate:13.2f}x {paused:17.1f}")
    print("(speed vs idle: against the mean of both idle runs)")
    print("first token vs idle (the mean of both idle runs): "
          + ", ".join(f"{label}: {ft / idle_ft:.2f}x" for label, ft, _, _ in rows[1:-1]))
    print("goal: during a retrain >= 0.8x idle speed")


# --- whole ---------------------------------------------------------------------------------------
def part_whole(args) -> None:
    src = Path(os.environ.get("JARVIS_HOME", ""))
    if not (src / "models" / "current").is_file():
        sys.exit("JARVIS_HOME must hold a current model")
    rows = []
    for label, talk in (("quiet", False), (f"{args.minutes:g} min conversation", True)):
        home = _copy_home(src)
        app = App(home, args.threads, args.max_tokens, args.retrain_args)
        try:
            t0 = time.monotonic()
            assert app.c.retrain_now(), "the retrain did not start"
            turns = 0
            if talk:
                app.pause(60)  # into the fine-tune
                end = time.monotonic() + args.minutes * 60
                while time.monotonic() < end and app.c.job.running:
                    app.ask(QUESTIONS[turns % len(QUESTIONS)])
                    turns += 1
                    app.pause(10)
            while app.c.job.running:
                app.wait(app.c.job_finished, 60)
            wall = time.monotonic() - t0
            paused = app.c.trainer_yield.paused_s
            last = app.c.job.last
        finally:
            app.close()
            if args.keep and talk:
                print(f"(kept the data dir of the run with a conversation: {home})", flush=True)
            else:
                shutil.rmtree(home, ignore_errors=True)
        rows.append((label, wall, turns, paused, last.message))
        if len(rows) == 1:
            print(f"\n# the whole retrain, quiet and with a conversation: {time.strftime('%Y-%m-%d')}")
        print(f"{label:24} {wall / 60:6.1f} min  turns {turns:3d}  trainer paused {paused:6.1f} s  ({last.message[:90]})",
              flush=True)  # each as it ends: a run is a quarter of an hour
    print(f"extra time caused by the conversation: {(rows[1][1] - rows[0][1]) / 60:.1f} min")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("part", choices=("steps", "replies", "whole"))
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--limit", type=float, default=240, help="seconds of stepping at most per run")
    ap.add_argument("--base", default="gemma-3-270m")
    ap.add_argument("--turns", type=int, default=8)
    ap.add_argument("--gap", type=float, default=4.0, help="seconds between a reply and the next message")
    ap.add_argument("--threads", type=int, default=0, help="llama.cpp threads (0: the app's default)")
    ap.add_argument("--max-tokens", type=int, default=96)
    ap.add_argument("--minutes", type=float, default=5)
    ap.add_argument("--keep", action="store_true", help="whole: keep the data dir of the run with a conversation "
                    "(its new model and report, to look at)")
    ap.add_argument("retrain_args", nargs="*", help="whole: more retrain flags (after --)")
    args = ap.parse_args()
    {"steps": part_steps, "replies": part_replies, "whole": part_whole}[args.part](args)


if __name__ == "__main__":
    main()
