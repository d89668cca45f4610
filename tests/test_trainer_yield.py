"""The conversation comes first: the retrain's process is paused while Jarvis answers, and the
trainer uses only the cores other processes leave free.  Real processes, real signals, real Qt."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import psutil
import pytest

from jarvis_desktop.trainer_yield import TrainerYield
from jarvis_desktop.workers import RetrainJob, resume_stopped_trainer

STOPPED, RUNS = psutil.STATUS_STOPPED, "not stopped"
pytestmark = pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="POSIX signals and CPU affinity")

# A trainer-shaped child: prints JSON progress lines, and starts a child of its own (as the
# retrain starts llama.cpp's converter), so pausing must reach the whole tree.
CHILD = textwrap.dedent("""
    import json, subprocess, sys, time
    grandchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    print(json.dumps({"stage": "sft", "message": f"grandchild {grandchild.pid}"}), flush=True)
    step = 0
    while True:
        step += 1
        print(json.dumps({"stage": "sft", "step": step, "total": 10**6}), flush=True)
        time.sleep(0.02)
""")


def _status(pid: int, want: str | None = None) -> str:
    """The process's state; with ``want``, once it is that (a signal takes effect when the process
    is next scheduled), or what it is after 5 s."""
    deadline = time.monotonic() + 5
    while True:
        status = psutil.Process(pid).status()
        if want is None or (status == psutil.STATUS_STOPPED) == (want == psutil.STATUS_STOPPED) \
                or time.monotonic() > deadline:
            return status
        time.sleep(0.02)


@pytest.fixture
def job(qtbot, tmp_path):
    script = tmp_path / "trainer.py"
    script.write_text(CHILD)
    job = RetrainJob()
    events = []
    job.progress.connect(events.append)
    job.start([sys.executable, str(script)])
    qtbot.waitUntil(lambda: len(events) >= 3, timeout=20_000)
    job.events = events
    job.grandchild = int(events[0].message.split()[-1])
    yield job
    job.cancel()
    try:
        psutil.Process(job.grandchild).kill()
    except psutil.Error:
        pass


def test_pause_stops_the_whole_trainer_tree_and_resume_continues_it(qtbot, job):
    pid = int(job.proc.processId())
    assert job.pause() and job.paused
    assert not job.pause()  # already paused
    assert _status(pid, STOPPED) == STOPPED and _status(job.grandchild, STOPPED) == STOPPED
    seen = len(job.events)
    time.sleep(0.3)
    qtbot.wait(100)
    assert len(job.events) <= seen + 1  # a line already in the pipe at most: the trainer stands still
    assert job.resume() and not job.paused
    assert _status(pid, RUNS) != STOPPED and _status(job.grandchild, RUNS) != STOPPED
    qtbot.waitUntil(lambda: len(job.events) > seen + 5, timeout=10_000)  # and goes on where it was
    steps = [e.step for e in job.events[1:]]
    assert steps == list(range(1, len(steps) + 1))


def test_cancel_of_a_paused_trainer_ends_it(qtbot, job):
    assert job.pause()
    with qtbot.waitSignal(job.finished, timeout=15_000) as done:
        job.cancel()  # a stopped process acts on SIGTERM only once continued: cancel continues it
    ok, message, _ = done.args
    assert not ok and "cancelled" in message
    assert not job.running and not job.paused


def test_yield_holds_while_anything_holds_and_resumes_after_the_grace(qtbot, job):
    y = TrainerYield(job, grace_s=0.2)
    changes = []
    y.changed.connect(changes.append)
    y.hold("reply")
    assert job.paused and changes == [True]
    y.hold("speech")  # the reply is spoken while it is still written
    y.release("reply")
    qtbot.wait(400)
    assert job.paused  # the voice still speaks
    y.release("speech")
    assert job.paused  # the grace: the prefill of the next prompt, a quick follow-up
    qtbot.waitUntil(lambda: not job.paused, timeout=5_000)
    assert changes == [True, False] and y.paused_s >= 0.4
    y.hold("user")
    y.release("user")
    y.hold("reply")  # within the grace: one pause, not two
    assert job.paused and changes == [True, False, True]
    y.resume_now()
    assert not job.paused and not y.holds


def test_a_stale_hold_never_starves_the_retrain(qtbot, job):
    now = [100.0]
    y = TrainerYield(job, grace_s=0.1, longest_s=60, clock=lambda: now[0])
    y.hold("speech")  # say the voice never reports the end of a reply
    assert job.paused
    now[0] += 61
    y._drop_stale()  # the watchdog's tick
    assert not job.paused and not y.holds


def test_a_trainer_left_paused_by_a_crashed_app_is_continued_at_the_next_start(tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "retrain"])
    try:
        lock = tmp_path / "retrain.lock"
        lock.write_text(json.dumps({"pid": proc.pid, "started": "2026-11-30 12:00:00"}))
        assert resume_stopped_trainer(lock) == 0  # running: not touched
        proc.send_signal(signal.SIGSTOP)  # as the app's pause
        assert _status(proc.pid, STOPPED) == STOPPED
        assert resume_stopped_trainer(lock) == proc.pid
        assert _status(proc.pid, RUNS) != STOPPED
        lock.write_text("")  # no holder (the lock is free)
        assert resume_stopped_trainer(lock) == 0
        assert resume_stopped_trainer(tmp_path / "missing.lock") == 0
    finally:
        proc.kill()
        proc.wait()


def test_only_a_trainer_is_continued(tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        proc.send_signal(signal.SIGSTOP)
        lock = tmp_path / "retrain.lock"
        lock.write_text(json.dumps({"pid": proc.pid}))  # a stale lock naming a reused pid
        assert _status(proc.pid, STOPPED) == STOPPED
        assert resume_stopped_trainer(lock) == 0
        assert _status(proc.pid) == STOPPED
    finally:
        proc.kill()
        proc.wait()


# --- the trainer's share of the CPU ------------------------------------------------------------------
BUSY = "import os, sys; os.sched_setaffinity(0, {int(sys.argv[1])})\nwhile True: pass"


def test_free_cores_sees_another_process_take_a_core():
    from trainer.cores import FreeCores

    cores = FreeCores()
    hog = subprocess.Popen([sys.executable, "-c", BUSY, "0"])
    try:
        cores.threads()  # start of the interval
        time.sleep(1.5)
        threads = cores.threads()
        assert cores.others >= 0.6, cores.others  # one core spinning (less what the OS gave it)
        assert threads == max(1, cores.cores - 1)
    finally:
        hog.kill()
        hog.wait()
    time.sleep(0.2)
    cores.threads()
    assert cores.threads() == threads  # called again at once: too soon to measure, the last answer


def test_the_trainers_llama_engines_take_the_free_cores():
    # calibration and the gate's evaluations load llama.cpp with this many threads
    from trainer.cores import free_cores_now

    assert free_cores_now(3) == 3  # set: as given, nothing measured
    hog = subprocess.Popen([sys.executable, "-c", BUSY, "0"])
    try:
        time.sleep(0.5)
        assert free_cores_now() == max(1, (os.cpu_count() or 1) - 1)
    finally:
        hog.kill()
        hog.wait()


def test_following_sets_torch_threads_to_the_free_cores():
    torch = pytest.importorskip("torch")
    from transformers import TrainerCallback

    from trainer.cores import FollowFreeCores

    before = torch.get_num_threads()
    follow = FollowFreeCores(TrainerCallback, most=2)
    hog = subprocess.Popen([sys.executable, "-c", BUSY, "0"])
    try:
        time.sleep(1.5)
        follow.on_step_begin(None, None, None)
        assert torch.get_num_threads() == max(1, min(2, follow.cores.cores - 1))
    finally:
        hog.kill()
        hog.wait()
        torch.set_num_threads(before)


def test_a_low_priority_trainer_is_niced(tmp_path):
    code = "from trainer.cores import lower_priority, NICE; import os; lower_priority(); print(os.nice(0), NICE)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    nice, wanted = map(int, out.stdout.split())
    assert nice >= wanted
