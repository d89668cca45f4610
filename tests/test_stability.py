"""Faults injected into the running app (Controller + window offscreen, the tiny model): each
ends in a clear message, and nothing is lost — turns, models, the current pointer."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading

import pytest

from jarvis_desktop.core.registry import Registry
from jarvis_desktop.app import JarvisApp
from jarvis_desktop.controller import Controller
from jarvis_desktop.core.settings import Settings
from jarvis_desktop.core.skills import Skills
from tests.conftest import ROOT

WAIT = 60_000


def _app(qtbot, **settings):
    s = Settings(n_ctx=512, max_tokens=64, n_threads=1, **settings)
    jarvis = JarvisApp(s, Controller(s, save=False), save=False)
    qtbot.addWidget(jarvis.window)
    return jarvis


@pytest.fixture
def app(qtbot, registered):
    jarvis = _app(qtbot)
    with qtbot.waitSignal(jarvis.controller.model_changed, timeout=WAIT):
        jarvis.controller.start(first_run_training=False)
    yield jarvis
    jarvis.controller.shutdown()


def _ask(qtbot, jarvis, text):
    with qtbot.waitSignal(jarvis.controller.reply_finished, timeout=WAIT) as done:
        jarvis.window.input.setText(text)
        jarvis.window.input.returnPressed.emit()
    return done.args


def _fill_the_disk(log) -> None:
    """A real SQLITE_FULL: the database may not grow by a single page more, and the room left
    in its pages is taken by a filler table (so even a short turn finds no space)."""
    import sqlite3

    db = log._db
    db.execute("CREATE TABLE IF NOT EXISTS filler (x BLOB)")
    db.execute(f"PRAGMA max_page_count={db.execute('PRAGMA page_count').fetchone()[0]}")
    for size in (4000, 1000, 100, 10, 1):
        try:
            while True:
                db.execute("INSERT INTO filler VALUES (zeroblob(?))", (size,))
        except sqlite3.OperationalError as exc:
            assert "full" in str(exc)


def _free_the_disk(log) -> None:
    log._db.execute("PRAGMA max_page_count=1073741823")


def test_a_full_disk_shows_the_reply_says_not_saved_and_the_chat_goes_on(qtbot, app):
    c, w = app.controller, app.window
    first, _, _ = _ask(qtbot, app, "Good morning")
    notices = []
    c.notice.connect(notices.append)
    _fill_the_disk(c.log)
    long_message = "Here is my shopping list for the week: " + "apples, pears, " * 600
    turn, text, _answer = _ask(qtbot, app, long_message)
    # the reply is on screen, the user is told, and the window is not stuck on Stop
    assert turn == 0 and text and w.bubbles[-1].label.text() == text
    assert any(n.startswith("Not saved: the disk is full") for n in notices), notices
    assert not c.busy and not w.busy and not w.bubbles[-1].up.isEnabled()
    # space is freed: the next turn is saved, and nothing before the fault was lost
    _free_the_disk(c.log)
    turn, text, _ = _ask(qtbot, app, "Are you still there?")
    assert turn > first and c.log.turn(turn).reply == text
    assert [t.id for t in c.log.turns()] == [first, turn]
    w.bubbles[-1].up.click()
    assert c.log.turn(turn).rating == 1


def test_a_full_disk_when_starting_a_conversation_is_no_crash(qtbot, app):
    c = app.controller
    _fill_the_disk(c.log)
    for i in range(200):  # fill the free pages too, until a new conversation cannot be written
        c.new_conversation()
        if not c.conversation:
            break
    assert c.conversation == 0
    turn, text, _ = _ask(qtbot, app, "Hello Jarvis " + "x" * 4000)
    assert turn == 0 and text
    _free_the_disk(c.log)
    turn, _, _ = _ask(qtbot, app, "Hello again")
    assert turn and c.conversation and c.log.turn(turn).conversation_id == c.conversation


@pytest.mark.parametrize("damage", ["names a missing version", "garbage", "meta.json gone"])
def test_a_broken_current_pointer_runs_the_newest_complete_version(qtbot, registered, tiny_chain, damage):
    reg = Registry()
    v2 = reg.add(shutil.copy(tiny_chain["f16"], reg.root / "incoming.gguf"), {"base": "tiny", "quant": "F16"})
    reg.promote(v2.name)
    if damage == "names a missing version":
        (reg.root / "current").write_text(json.dumps({"version": "v7", "history": ["v1", "v2"]}))
    elif damage == "garbage":
        (reg.root / "current").write_bytes(b"\x00\x17garbage{")
    else:
        (v2.path / "meta.json").unlink()
    jarvis = _app(qtbot)
    problems = []
    jarvis.controller.problem.connect(problems.append)
    try:
        with qtbot.waitSignal(jarvis.controller.model_changed, timeout=WAIT) as changed:
            jarvis.controller.start()  # first-run training would start if this looked like "no model"
        assert not jarvis.controller.job.running
        expected = "v1" if damage == "meta.json gone" else "v2"
        assert changed.args == [expected] and problems and "pointer" in problems[0], problems
        assert Registry().current().name == expected  # repaired, so the trainer builds on it too
        assert v2.gguf.is_file() and (reg.root / "v1" / "model.gguf").is_file()  # no model was lost
    finally:
        jarvis.controller.shutdown()


def test_a_damaged_model_is_caught_and_the_previous_one_answers(qtbot, registered, tiny_chain):
    reg = Registry()
    v2 = reg.add(shutil.copy(tiny_chain["f16"], reg.root / "incoming.gguf"), {"base": "tiny", "quant": "F16"})
    reg.promote(v2.name)
    size = v2.gguf.stat().st_size
    with open(v2.gguf, "r+b") as fh:  # random bytes inside the tensor data: llama.cpp loads it happily
        fh.seek(size // 2)
        fh.write(os.urandom(min(200_000, size // 4)))
    jarvis = _app(qtbot)
    problems = []
    jarvis.controller.problem.connect(problems.append)
    try:
        with qtbot.waitSignal(jarvis.controller.model_changed, timeout=WAIT,
                              check_params_cb=lambda v: v == "v1"):
            jarvis.controller.start(first_run_training=False)
        assert any("v2" in p and "damaged" in p and "uses v1" in p for p in problems), problems
        turn, text, _ = _ask(qtbot, jarvis, "Hello Jarvis")
        assert text and jarvis.controller.log.turn(turn).model_version == "v1"
        assert Registry().current().name == "v2" and v2.gguf.stat().st_size == size  # nothing deleted
    finally:
        jarvis.controller.shutdown()


def test_the_expression_bomb_gets_an_answer_and_the_window_stays_live(qtbot, app):
    turn, text, answer = _ask(qtbot, app, "what is ((10^1000)^1000)^1000")
    assert (answer.source, answer.name) == ("skill", "calculator") and "too large" in text
    turn, text, _ = _ask(qtbot, app, "what is 2 + 2")
    assert "4" in text


class _StuckSkills(Skills):
    """A skill that never returns (a bug): the guard must answer for it."""

    def __init__(self, *args, release: threading.Event, **kw):
        super().__init__(*args, **kw)
        self.release = release

    def handle(self, text, honorific):
        self.release.wait(30)
        return None


def test_a_stuck_skill_does_not_freeze_the_window(qtbot, app, monkeypatch):
    import jarvis_desktop.core.assistant as assistant

    monkeypatch.setattr(assistant, "SKILL_WAIT_S", 0.3)
    release = threading.Event()
    app.controller.assistant.skills = _StuckSkills(app.controller.timers, release=release)
    try:
        turn, text, answer = _ask(qtbot, app, "what is the meaning of this")
        assert answer.source == "skill" and "too long to work out" in text and turn
    finally:
        release.set()


def test_faulthandler_leaves_a_fatal_error_in_the_private_log(jarvis_home):
    code = ("from jarvis_desktop.app import setup_logging\nimport faulthandler, logging\n"
            "print(setup_logging(), flush=True)\nlogging.getLogger('jarvis').info('about to crash')\n"
            "faulthandler._sigsegv()\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "JARVIS_HOME": str(jarvis_home), "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode != 0
    log = jarvis_home / "logs" / "jarvis.log"
    text = log.read_text()
    assert "about to crash" in text and "Fatal Python error: Segmentation fault" in text and "<string>" in text
    assert oct(log.stat().st_mode & 0o777) == "0o600"
    assert oct(jarvis_home.stat().st_mode & 0o777) == "0o700"


def test_an_older_log_and_data_dir_are_made_private(jarvis_home):
    (jarvis_home / "logs").mkdir(parents=True)
    os.chmod(jarvis_home, 0o755)
    (jarvis_home / "logs" / "jarvis.log").write_text("old line\n")
    os.chmod(jarvis_home / "logs" / "jarvis.log", 0o644)
    code = "from jarvis_desktop.app import setup_logging\nsetup_logging()\n"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=120,
                   env={**os.environ, "JARVIS_HOME": str(jarvis_home)})
    assert oct((jarvis_home / "logs" / "jarvis.log").stat().st_mode & 0o777) == "0o600"
    assert oct(jarvis_home.stat().st_mode & 0o777) == "0o700"
    assert "old line" in (jarvis_home / "logs" / "jarvis.log").read_text()


def test_an_unwritable_data_folder_is_one_line_not_a_traceback(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")  # even root cannot make a folder inside a file
    proc = subprocess.Popen([sys.executable, "-m", "jarvis_desktop.cli"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "JARVIS_HOME": str(blocker / "jarvis"), "QT_QPA_PLATFORM": "offscreen",
                                 "XDG_RUNTIME_DIR": str(tmp_path)})
    try:
        # It prints the reason, then shows it in a dialog and waits for OK: read until the line.
        lines = []
        for line in proc.stderr:
            lines.append(line)
            if line.startswith("jarvis: error:"):
                break
    finally:
        proc.kill()
        proc.wait()
    err = "".join(lines)
    assert "Traceback" not in err and "jarvis: error: cannot" in err, err
    assert str(blocker) in err and "JARVIS_HOME" in err


def test_a_full_disk_at_start_says_so_and_never_that_a_file_is_damaged(tmp_path):
    from jarvis_desktop.core.errors import JarvisError
    from jarvis_desktop.core.interactions import InteractionLog
    from tests.test_paths import tmpfs

    with tmpfs(tmp_path / "small", size="64k") as mount:
        fd = os.open(mount / "ballast", os.O_WRONLY | os.O_CREAT)  # fill it for real
        try:
            while True:
                os.write(fd, b"\0" * 4096)
        except OSError:
            pass
        finally:
            os.close(fd)
        with pytest.raises(JarvisError) as err:
            InteractionLog(mount / "interactions.sqlite3")
    message = str(err.value)
    assert "disk is full" in message and "damaged" not in message and "move it aside" not in message


def test_settings_the_dialog_once_accepted_no_longer_crash_the_start(qtbot, registered, jarvis_home):
    # n_ctx 256 with max_tokens 4096 used to raise ConfigError at every start
    (jarvis_home / "settings.json").write_text(json.dumps({"n_ctx": 256, "max_tokens": 4096, "honorific": "madam",
                                                           "n_threads": 1}))
    jarvis = JarvisApp(save=False)
    qtbot.addWidget(jarvis.window)
    try:
        assert jarvis.settings_notice and jarvis.settings.honorific == "madam"  # the rest is kept
        assert jarvis.settings.max_tokens <= jarvis.settings.n_ctx - 64
        assert list(jarvis_home.glob("settings.json.unreadable-*"))  # the user's file is kept aside
        with qtbot.waitSignal(jarvis.controller.model_changed, timeout=WAIT):
            jarvis.controller.start(first_run_training=False)
        turn, text, _ = _ask(qtbot, jarvis, "Hello Jarvis")
        assert text
    finally:
        jarvis.controller.shutdown()


def test_a_long_paste_is_taken_whole(qtbot):
    from jarvis_desktop.views.chat import ChatWindow

    window = ChatWindow()
    qtbot.addWidget(window)
    sent = []
    window.send_requested.connect(sent.append)
    text = "A log line worth reading. " * 2000  # 52,000 characters: Qt's default cut at 32,767
    window.input.insert(text)  # as a paste does
    window.input.returnPressed.emit()
    assert sent == [text.strip()]
