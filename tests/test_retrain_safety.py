"""A retrain that fails anywhere, or collides with another, leaves the current model alone."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import signal
import time

import pytest

from convert.registry import Registry
from jarvis_desktop.errors import BusyError
from tests.conftest import tiny_flags
from trainer.cli import main as train_main
from trainer.lock import RetrainLock
from trainer.retrain import STAGES


def _fingerprint(reg: Registry) -> tuple:
    cur = reg.current()
    digest = hashlib.sha256(cur.gguf.read_bytes()).hexdigest()
    return cur.name, digest, (cur.path / "meta.json").read_text(), [v.name for v in reg.versions()]


@pytest.mark.parametrize("stage", STAGES)
def test_failure_at_each_stage_keeps_the_current_model(stage, registered, tiny_base, monkeypatch,
                                                       capsys, jarvis_home):
    before = _fingerprint(registered)
    monkeypatch.setenv("JARVIS_FAIL_AT", stage)
    steps = 60 if stage == "promote" else 4  # promote is reached only by a model that verifies
    code = train_main(["retrain", *tiny_flags(tiny_base, steps=steps), "--progress", "json"])
    captured = capsys.readouterr()
    assert code == 1
    assert _fingerprint(Registry()) == before
    # one-line reason on stderr, and a final JSON error line for the app
    reason = captured.err.strip().splitlines()[-1]
    assert reason.startswith("jarvis-train: error: ") and stage in reason
    last = json.loads(captured.out.strip().splitlines()[-1])
    assert last["stage"] == "error" and stage in last["message"]
    # temporary files removed
    assert not list((jarvis_home / "runs").glob("retrain-*"))
    assert not list(registered.root.glob(".staging-*"))


def test_a_tune_that_does_not_stop_is_never_registered(registered, tiny_base, capsys, jarvis_home):
    before = _fingerprint(registered)
    # 2 steps at a negligible learning rate leave the random tiny model unable to close its
    # turn: verify must refuse it
    code = train_main(["retrain", *tiny_flags(tiny_base, steps=2), "--learning-rate", "1e-7",
                       "--progress", "json"])
    err = capsys.readouterr().err
    assert code == 1
    assert "stopped by themselves" in err and "not registered" in err
    assert _fingerprint(Registry()) == before


def test_second_retrain_is_refused_while_one_runs(tiny_base, capsys):
    with RetrainLock():
        code = train_main(["retrain", *tiny_flags(tiny_base, steps=2), "--progress", "json"])
    err = capsys.readouterr().err
    assert code == 1
    assert "already running" in err and f"pid {os.getpid()}" in err


def _hold_lock_forever(home: str, ready) -> None:
    os.environ["JARVIS_HOME"] = home
    lock = RetrainLock().acquire()  # noqa: F841 - kept alive: closing the file would unlock
    ready.set()
    time.sleep(600)


def test_lock_left_by_a_killed_run_is_recovered(jarvis_home):
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    child = ctx.Process(target=_hold_lock_forever, args=(str(jarvis_home), ready))
    child.start()
    try:
        assert ready.wait(60)
        with pytest.raises(BusyError, match=f"pid {child.pid}"):
            RetrainLock().acquire()
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.join()
    lock = RetrainLock().acquire()  # the kernel released the dead holder's lock
    lock.release()


def test_interrupted_sft_resumes_from_its_checkpoint(tiny_base, tmp_path):
    from trainer.progress import Progress
    from trainer.sft import run_sft
    from trainer.sft_config import SFTOptions

    class Interrupt(Progress):
        def update(self, stage, step=0, total=0, message="", **extra):
            if stage == "sft" and step == 7:
                raise KeyboardInterrupt  # as if the user quit mid-run
            super().update(stage, step, total, message, **extra)

    from tests.conftest import DATA

    opts = SFTOptions(base=str(tiny_base), data=[str(DATA / "tiny_chat.jsonl")],
                      persona=str(DATA / "tiny_persona.txt"), output=str(tmp_path / "run"),
                      max_steps=10, save_steps=5, learning_rate=5e-3, micro_batch_size=4,
                      batch_size=4, precision="fp32")
    with pytest.raises(KeyboardInterrupt):
        run_sft(opts, Interrupt("json", stream=open(os.devnull, "w")))
    assert (tmp_path / "run" / "checkpoints" / "checkpoint-5").is_dir()
    adapter = run_sft(opts, Progress("json", stream=open(os.devnull, "w")))
    meta = json.loads((adapter / "jarvis_sft.json").read_text())
    assert meta["resumed_from"].endswith("checkpoint-5")
    assert meta["steps"] == 10
