"""A retrain that fails anywhere, or collides with another, leaves the current model alone."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import multiprocessing
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jarvis_desktop.core.registry import Registry
from jarvis_desktop.core.errors import BusyError
from jarvis_desktop.core.interactions import InteractionLog
from jarvis_desktop.core.retrain_lock import RetrainLock
from jarvis_desktop.core.runs import clean_stale_runs, interrupted_run
from tests.conftest import DATA, ROOT, TINY_THREADS, tiny_flags
from trainer.cli import main as train_main
from trainer.retrain import STAGES

POSIX = pytest.mark.skipif(os.name != "posix", reason="POSIX signals and file modes")


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
    code = train_main(["retrain", "--priority", "normal", *tiny_flags(tiny_base, steps=steps), "--progress", "json"])
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
    code = train_main(["retrain", "--priority", "normal", *tiny_flags(tiny_base, steps=2), "--learning-rate", "1e-7",
                       "--progress", "json"])
    err = capsys.readouterr().err
    assert code == 1
    assert "stopped by themselves" in err and "not registered" in err
    assert _fingerprint(Registry()) == before


def test_second_retrain_is_refused_while_one_runs(tiny_base, capsys):
    with RetrainLock():
        code = train_main(["retrain", "--priority", "normal", *tiny_flags(tiny_base, steps=2), "--progress", "json"])
    err = capsys.readouterr().err
    assert code == 1
    assert "already running" in err and f"pid {os.getpid()}" in err


def _hold_lock_forever(home: str, ready) -> None:
    os.environ["JARVIS_HOME"] = home
    lock = RetrainLock().acquire()  # noqa: F841 - kept alive: closing the file would unlock
    ready.set()
    time.sleep(600)


@contextlib.contextmanager
def _lock_held_by_another_process(home):
    """A spawned process holding the RetrainLock (as a running retrain does) until the block
    ends; then it is killed outright, as a crashed run would be.  Yields its pid."""
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    child = ctx.Process(target=_hold_lock_forever, args=(str(home), ready))
    child.start()
    try:
        assert ready.wait(60)
        yield child.pid
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.join()


def test_lock_left_by_a_killed_run_is_recovered(jarvis_home):
    with _lock_held_by_another_process(jarvis_home) as pid:
        with pytest.raises(BusyError, match=f"pid {pid}"):
            RetrainLock().acquire()
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
                      batch_size=4, precision="fp32", threads=TINY_THREADS)
    with pytest.raises(KeyboardInterrupt):
        run_sft(opts, Interrupt("json", stream=open(os.devnull, "w")))
    assert (tmp_path / "run" / "checkpoints" / "checkpoint-5").is_dir()
    adapter = run_sft(opts, Progress("json", stream=open(os.devnull, "w")))
    meta = json.loads((adapter / "jarvis_sft.json").read_text())
    assert meta["resumed_from"].endswith("checkpoint-5")
    assert meta["steps"] == 10


@POSIX
def test_retrain_lock_is_private(jarvis_home):
    jarvis_home.mkdir(parents=True, exist_ok=True)
    old = os.umask(0)  # even a permissive umask gets an owner-only file
    try:
        with RetrainLock() as lock:
            assert stat.S_IMODE(lock.path.stat().st_mode) == 0o600
    finally:
        os.umask(old)
    os.chmod(lock.path, 0o644)  # one made by an older version
    with RetrainLock():
        assert stat.S_IMODE(lock.path.stat().st_mode) == 0o600


def _killed_run(runs: Path, name: str, age_s: float) -> Path:
    """A run folder as a retrain SIGKILLed after its prefs stage leaves it."""
    run = runs / name
    (run / "export").mkdir(parents=True)
    (run / "export" / "kto.jsonl").write_text('{"prompt": [{"role": "user", "content": "PRIVATE"}]}\n')
    (run / "export" / "kto.turns.json").write_text("[[7]]")
    checkpoint = run / "sft" / "checkpoints" / "checkpoint-5"
    checkpoint.mkdir(parents=True)
    (checkpoint / "trainer_state.json").write_text('{"global_step": 5}')
    (run / "merged-sft").mkdir()
    (run / "merged-sft" / "model.safetensors").write_bytes(b"weights")
    (run / "model-F16.gguf").write_bytes(b"GGUF")
    when = time.time() - age_s
    os.utime(run, (when, when))
    return run


def test_stale_runs_lose_their_conversations_but_not_while_a_retrain_runs(jarvis_home):
    runs = jarvis_home / "runs"
    newest = _killed_run(runs, "retrain-newest", 60)
    older = _killed_run(runs, "retrain-older", 3600)
    staging = runs / "export-x1y2"  # an export staged by a run killed before it moved it
    staging.mkdir()
    (staging / "sft.jsonl").write_text('{"messages": []}\n')
    mine = runs / "sft-20250101-000000"  # a `jarvis-train sft` output: the user's own
    mine.mkdir()

    with _lock_held_by_another_process(jarvis_home):
        assert clean_stale_runs() == []  # a retrain is running: its folder is in use
        assert (newest / "export" / "kto.jsonl").is_file() and older.is_dir() and staging.is_dir()
        assert interrupted_run() is None  # nor is it an interrupted one

    removed = clean_stale_runs()
    assert newest / "export" in removed and older in removed and staging in removed
    assert sorted(p.name for p in runs.iterdir()) == ["retrain-newest", "sft-20250101-000000"]
    # the newest run keeps only its checkpoints, for the next retrain to resume from
    assert [p.name for p in newest.iterdir()] == ["sft"]
    assert (newest / "sft" / "checkpoints" / "checkpoint-5" / "trainer_state.json").is_file()
    assert not [p for p in runs.rglob("*") if p.suffix == ".jsonl" or p.name.endswith(".turns.json")]
    assert clean_stale_runs() == []  # nothing left to do
    RetrainLock().acquire().release()  # and the lock was released
    assert interrupted_run() == newest  # the app takes it up again (test_app)
    (newest / "sft" / "checkpoints" / "checkpoint-5" / "trainer_state.json").unlink()
    assert interrupted_run() is None  # a checkpoint cut short is nothing to go on from


def test_cancel_during_the_fine_tune_removes_the_exported_conversations(tiny_base, jarvis_home, tmp_path):
    """The app's Cancel (SIGTERM) while torch trains: the run folder, with the conversations
    exported into it, is removed, and the trainer says so in one line."""
    with InteractionLog() as log:
        c = log.new_conversation()
        for i in range(3):
            log.rate(log.add_turn(c, f"PRIVATE-{i}, what time is it?", f"Noon, sir ({i}).", "v1"), 1)
    left = jarvis_home / "runs" / "retrain-killed" / "export"  # a killed run's leftover
    left.mkdir(parents=True)
    (left / "sft.jsonl").write_text('{"messages": []}\n')
    err_file = tmp_path / "stderr.txt"
    proc, _ = _retrain_until_sft_step(tiny_base, jarvis_home, err_file, 1)
    exported = list((jarvis_home / "runs").glob("retrain-*/export/*.jsonl"))
    assert "PRIVATE-0" in "".join(p.read_text() for p in exported)  # the export is really there
    assert not left.parent.exists()  # the retrain removed the killed run's leftover before it began
    out = _stop_with(proc, signal.SIGTERM)
    assert proc.returncode == 128 + signal.SIGTERM
    last = err_file.read_text().strip().splitlines()[-1]
    assert last == ("jarvis-train: cancelled (SIGTERM); the current model is unchanged and the run folder "
                    "was removed")
    assert json.loads(out.strip().splitlines()[-1])["stage"] == "error"
    assert list((jarvis_home / "runs").iterdir()) == []  # no retrain-*, no export-*


def _stop_with(proc, sig) -> str:
    """Send ``sig`` to a retrain child and wait for its end; its remaining stdout."""
    try:
        proc.send_signal(sig)
        out, _ = proc.communicate(timeout=600)  # a safety net, not a timing check
        return out
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _retrain_until_sft_step(base, home, err_file, step: int, extra=()):
    """A real ``jarvis-train retrain`` child, read until its fine-tune reports ``step``; returns
    the process and the first step it reported (a resumed run starts past its checkpoint)."""
    env = {**os.environ, "JARVIS_HOME": str(home)}
    with open(err_file, "w") as err:  # a file, not a pipe: a full stderr pipe would stall the child
        proc = subprocess.Popen([sys.executable, "-m", "trainer.cli", "retrain", *tiny_flags(base, steps=100000),
                                 "--save-steps", "3", *extra, "--progress", "json"], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=err, text=True)
    first = 0
    for line in proc.stdout:
        row = json.loads(line) if line.startswith("{") else {}
        if row.get("stage") == "sft" and row.get("step", 0) >= 1:
            first = first or row["step"]
            if row["step"] >= step:
                return proc, first
    proc.wait()
    raise AssertionError(err_file.read_text()[-3000:])


@POSIX
def test_quit_keeps_the_fine_tunes_progress_and_the_next_retrain_resumes_it(tiny_base, jarvis_home, tmp_path):
    """The app's Quit (SIGUSR1) during the fine-tune: the exported conversations go, the
    checkpoints stay, and the next retrain with the same data goes on from them."""
    with InteractionLog() as log:
        c = log.new_conversation()
        for i in range(3):
            log.rate(log.add_turn(c, f"PRIVATE-{i}, what time is it?", f"Noon, sir ({i}).", "v1"), 1)
    err_file = tmp_path / "stderr.txt"
    proc, _ = _retrain_until_sft_step(tiny_base, jarvis_home, err_file, 5)
    _stop_with(proc, signal.SIGUSR1)
    assert proc.returncode == 128 + signal.SIGUSR1
    last = err_file.read_text().strip().splitlines()[-1]
    assert last.startswith("jarvis-train: stopped for now (SIGUSR1); the current model is unchanged, and the "
                           "fine-tune's progress is kept"), last
    (run,) = (jarvis_home / "runs").iterdir()
    assert [p.name for p in run.iterdir()] == ["sft"]
    kept = sorted(p.name for p in (run / "sft" / "checkpoints").glob("checkpoint-*"))
    assert kept, "no checkpoint kept"
    assert "PRIVATE" not in "".join(p.read_text(errors="ignore") for p in run.rglob("*") if p.is_file()
                                    and p.stat().st_size < 1 << 20)
    saved = max(int(name.split("-")[1]) for name in kept)
    proc, first = _retrain_until_sft_step(tiny_base, jarvis_home, err_file, saved + 2)
    _stop_with(proc, signal.SIGTERM)
    assert first > saved, (first, saved)  # went on from the checkpoint, not from step 1


def test_a_current_model_that_cannot_load_does_not_stop_the_gate(tiny_chain, jarvis_home, tmp_path):
    from trainer.evaluate import eval_persona
    from trainer.progress import Progress
    from trainer.retrain import RetrainOptions, _evaluate_and_gate, _warn_if_current_unloadable
    from trainer.sft_config import SFTOptions

    garbage = tmp_path / "damaged.gguf"
    garbage.write_bytes(b"GGUF" + os.urandom(20000))  # the magic, then nothing llama.cpp can parse
    reg = Registry()
    reg.promote(reg.add(garbage, {"base": "tiny", "quant": "F16"}).name)
    opts = RetrainOptions(sft=SFTOptions(data=[str(DATA / "tiny_chat.jsonl")], persona=str(DATA / "tiny_persona.txt")),
                          eval_max_tokens=8)
    out = io.StringIO()
    progress = Progress("json", stream=out)
    _warn_if_current_unloadable(reg, progress)  # said before the fine-tune
    early = json.loads(out.getvalue().splitlines()[-1])
    assert early["stage"] == "data" and early["message"].startswith("the current model v1 could not be loaded (")
    persona = eval_persona("sir", DATA / "tiny_persona.txt")
    evaluation, decision = _evaluate_and_gate(tiny_chain["f16"], reg, opts, persona, progress)
    assert decision.promoted is True and decision.failures == ()
    assert decision.reason.startswith("the current model v1 could not be loaded (llama.cpp cannot load ")
    assert decision.reason.endswith("): judged on its own")
    assert evaluation["metrics"]["prompts"] == 1 and evaluation["current_unloadable"]["version"] == "v1"
    assert "against" not in evaluation
