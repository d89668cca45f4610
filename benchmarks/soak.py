"""The long soak: the real app (Controller + chat window, offscreen) with the tiny model for
10,000 turns — typed messages, skills, ratings and corrections, deletions, new conversations,
model switches and a retrain while chatting — and the figures a days-long session depends on.

    QT_QPA_PLATFORM=offscreen python benchmarks/soak.py [--turns 10000] [--retrain-at 2000]

Prints turns/s, RSS at the start (after a warm-up) and the end, its growth, the peak, and the
references to True at both ends (PySide6 6.12.0 drained them until the app died at ~410
turns).  Printed, not asserted; tests/test_soak.py asserts the bounds.  Uses a fresh
JARVIS_HOME in a temporary folder; nothing of the user's is touched.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def build_model(work: Path) -> Path:
    """The tests' tiny Llama, taught to answer briefly (60 steps), as an F16 GGUF."""
    from convert.gguf_export import hf_to_gguf
    from convert.merge import merge_adapter
    from tests.tiny_model import build_tiny_llama
    from trainer.progress import Progress
    from trainer.sft import run_sft
    from trainer.sft_config import SFTOptions

    data = ROOT / "tests" / "data"
    base = build_tiny_llama(work / "tiny-llama")
    opts = SFTOptions(base=str(base), data=[str(data / "tiny_chat.jsonl")], persona=str(data / "tiny_persona.txt"),
                      output=str(work / "sft"), max_steps=60, learning_rate=5e-3, micro_batch_size=4,
                      batch_size=4, max_length=256, precision="fp32", save_steps=1000)
    adapter = run_sft(opts, Progress("json", stream=open(os.devnull, "w")))
    return hf_to_gguf(merge_adapter(adapter, work / "merged"), work / "model-F16.gguf", "f16"), base


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--turns", type=int, default=10_000)
    p.add_argument("--retrain-at", type=int, default=2000, help="turn at which Retrain now starts (-1: none)")
    p.add_argument("--warmup", type=int, default=200)
    args = p.parse_args()

    work = Path(tempfile.mkdtemp(prefix="jarvis-soak-"))
    os.environ["JARVIS_HOME"] = str(work / "home")
    try:
        from PySide6.QtWidgets import QApplication

        from jarvis_desktop.core.registry import Registry
        from jarvis_desktop.app import JarvisApp
        from jarvis_desktop.controller import Controller
        from jarvis_desktop.core.settings import Settings
        from tests.conftest import tiny_flags
        from tests.soak import rss_mb, soak

        t0 = time.perf_counter()
        gguf, base = build_model(work)
        reg = Registry()
        names = []
        for _ in range(2):
            v = reg.add(shutil.copy(gguf, work / "incoming.gguf"), {"base": "tiny", "quant": "F16"})
            names.append(v.name)
        reg.promote(names[0])
        print(f"tiny model built and registered in {time.perf_counter() - t0:.0f} s", flush=True)

        qt = QApplication.instance() or QApplication([])
        settings = Settings(n_ctx=512, max_tokens=64, n_threads=1)
        jarvis = JarvisApp(settings, Controller(settings, save=False), save=False)
        ready = []
        jarvis.controller.model_changed.connect(ready.append)
        jarvis.controller.start(first_run_training=False)
        while not ready:
            qt.processEvents()
            time.sleep(0.01)

        def report(n, fig):
            print(f"  {n:6d} turns  RSS {rss_mb():7.1f} MiB  True refs {sys.getrefcount(True)}", flush=True)

        retrain = [*tiny_flags(base, steps=10), "--no-gate"] if args.retrain_at >= 0 else None
        fig = soak(jarvis, args.turns, names, retrain_args=retrain, retrain_at=args.retrain_at,
                   warmup=args.warmup, progress=report, every=1000)
        jarvis.controller.shutdown()
        logged = None
        from jarvis_desktop.core.interactions import InteractionLog

        with InteractionLog() as log:
            logged = len(log.turns())
        print()
        print(f"turns sent            {fig.turns} ({fig.model_turns} to the model, {fig.skill_turns} to skills)")
        print(f"turns in the log      {logged} (sent {fig.turns} - deleted {fig.deleted} = {fig.turns - fig.deleted})")
        print(f"failed / not saved    {fig.failed} / {fig.not_saved}")
        print(f"ratings, conversations, model switches: {fig.ratings}, {fig.conversations}, {fig.swaps}")
        print(f"retrain while chatting: {fig.retrain or 'none'}")
        print(f"speed                 {fig.turns_per_s:.1f} turns/s over {fig.timed_turns} turns after the warm-up "
              f"({fig.seconds:.0f} s)")
        print(f"RSS                   {fig.rss_start_mb:.1f} -> {fig.rss_end_mb:.1f} MiB "
              f"(growth {fig.rss_growth_mb:+.1f} MiB, {1024 * fig.rss_growth_mb / max(1, fig.timed_turns):+.2f} KiB "
              f"per turn), peak {fig.rss_peak_mb:.1f} MiB")
        print(f"references to True    {fig.true_refs_start} -> {fig.true_refs_end}")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
