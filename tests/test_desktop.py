"""Desktop integration: one Jarvis per user, the menu entry, starting at login."""

from __future__ import annotations

import configparser
import json
import os
import socket
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from jarvis_desktop.app import JarvisApp
from jarvis_desktop.controller import Controller
from jarvis_desktop.desktop import (SingleInstance, autostart_path, desktop_entry, install_menu_entry,
                                    launch_command, menu_entry_path, set_autostart, socket_path)
from jarvis_desktop.core.paths import data_dir
from jarvis_desktop.core.settings import Settings


@pytest.fixture
def xdg(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path


def _entry(path: Path) -> dict:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive
    parser.read_string(path.read_text())
    return dict(parser["Desktop Entry"])


def test_a_second_claim_wakes_the_first(qtbot):
    first, second = SingleInstance("jarvis-test-claim"), SingleInstance("jarvis-test-claim")
    assert first.path == str(data_dir() / "run" / "jarvis-test-claim")
    try:
        assert first.claim() is True
        with qtbot.waitSignal(first.activated, timeout=5000):
            assert second.claim() is False
        assert second.server is None
    finally:
        first.close()
    third = SingleInstance("jarvis-test-claim")  # once the first has quit, the next one runs
    assert third.claim() is True
    third.close()


@pytest.mark.skipif(sys.platform == "win32", reason="a Unix domain socket file")
def test_a_socket_left_by_a_crashed_jarvis_is_taken_over(qtbot):
    instance = SingleInstance("jarvis-test-stale")
    path = Path(instance.path)
    dead = socket.socket(socket.AF_UNIX)
    dead.bind(str(path))  # bound, never listening: what a killed process leaves behind
    dead.close()
    assert path.exists()
    try:
        assert instance.claim() is True and instance.server.isListening()
    finally:
        instance.close()


def test_the_socket_lives_in_a_folder_only_we_may_enter(tmp_path, monkeypatch):
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    path = Path(socket_path())
    assert path == data_dir() / "run" / "jarvis.sock" and (path.parent.stat().st_mode & 0o777) == 0o700
    runtime = Path(tempfile.mkdtemp(prefix="xdg-"))  # 0700, and short like /run/user/1000
    try:
        monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))  # the session's own folder: used
        assert Path(socket_path()).parent == runtime and Path(socket_path()).name.startswith("jarvis-")
        runtime.chmod(0o755)  # others may enter it: not used
        assert Path(socket_path()).parent == data_dir() / "run"
    finally:
        runtime.rmdir()
    monkeypatch.setenv("JARVIS_HOME", str(tmp_path / ("long-" * 20)))  # too long a path for a socket
    fallback = Path(tempfile.gettempdir()) / f"jarvis-{os.getuid()}"
    made = not fallback.exists()
    path = Path(socket_path())
    assert path.parent == fallback and path.name.startswith("jarvis-")
    assert (fallback.stat().st_mode & 0o777) == 0o700
    if made:
        fallback.rmdir()


def test_a_squatter_on_the_old_tmp_name_does_not_stop_jarvis(qtbot):
    """Another user used to be able to create /tmp/jarvis-<hash> first: Jarvis then said
    "already running", exited, and sent that user "show"."""
    import hashlib

    old = Path(tempfile.gettempdir()) / ("jarvis-" + hashlib.sha256(f"{os.getuid()}:{data_dir()}".encode())
                                        .hexdigest()[:16])
    old.unlink(missing_ok=True)
    squatter = socket.socket(socket.AF_UNIX)
    squatter.bind(str(old))
    squatter.listen(1)
    squatter.setblocking(False)
    instance = SingleInstance()
    try:
        assert instance.claim() is True and instance.server.isListening()
        with pytest.raises(BlockingIOError):
            squatter.accept()  # nobody knocked
    finally:
        instance.close()
        squatter.close()
        old.unlink(missing_ok=True)


as_root = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                             reason="acting as another user (chown, setuid) needs root")
NOBODY = 65534


@as_root
def test_a_socket_file_of_another_user_at_our_path_is_replaced(qtbot, caplog):
    instance = SingleInstance()
    squatter = socket.socket(socket.AF_UNIX)
    squatter.bind(instance.path)
    squatter.listen(1)
    squatter.setblocking(False)
    os.chown(instance.path, NOBODY, NOBODY)
    try:
        assert instance.claim() is True and instance.server.isListening()
        assert os.stat(instance.path).st_uid == os.getuid()
        with pytest.raises(BlockingIOError):
            squatter.accept()  # not even asked
        assert "is not a socket of ours (owner uid 65534): ignored and replaced" in caplog.text
    finally:
        instance.close()
        squatter.close()


@as_root
def test_a_listener_running_as_another_user_is_not_told_to_show(qtbot, caplog):
    """A socket file of ours, but the process on it runs as someone else: no "show" for it."""
    instance = SingleInstance()
    listener = subprocess.Popen([sys.executable, "-c", (
        "import os, socket\n"
        f"s = socket.socket(socket.AF_UNIX); s.bind({instance.path!r})\n"
        f"os.setgid({NOBODY}); os.setuid({NOBODY})\n"
        "s.listen(1); print('ready', flush=True); s.settimeout(30)\n"
        "conn, _ = s.accept(); conn.settimeout(30); print(repr(conn.recv(100)), flush=True)\n")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert listener.stdout.readline().strip() == "ready"
        assert instance.claim() is True and instance.server.isListening()
        out, _ = listener.communicate(timeout=30)
        assert out.strip() == "b''"  # connected, checked, hung up: nothing sent
        assert "runs as uid 65534, not as us: not told to show" in caplog.text
    finally:
        instance.close()
        listener.kill()
        listener.wait()


@as_root
def test_a_connection_from_another_user_is_ignored(qtbot, caplog):
    folder = Path(tempfile.mkdtemp(prefix="jarvis-test-"))
    try:
        folder.chmod(0o711)  # so that the other user can reach the socket at all
        path = str(folder / "sock")
        first = SingleInstance(path)
        assert first.claim() is True
        os.chmod(path, 0o777)
        shown = []
        first.activated.connect(lambda: shown.append(1))
        other = subprocess.Popen([sys.executable, "-c", (
            "import os, socket\n"
            f"os.setgid({NOBODY}); os.setuid({NOBODY})\n"
            f"s = socket.socket(socket.AF_UNIX); s.connect({path!r}); s.settimeout(30)\n"
            "try:\n    s.sendall(b'show\\n'); s.recv(10)\n"  # until the server hangs up
            "except ConnectionError:\n    pass\n")])  # (it may hang up before "show" is even sent)
        qtbot.waitUntil(lambda: other.poll() is not None, timeout=30000)
        assert other.returncode == 0 and shown == []
        assert "ignored a connection from uid 65534" in caplog.text
        with qtbot.waitSignal(first.activated, timeout=5000):
            assert SingleInstance(path).claim() is False  # we still may
        assert shown == [1]
        first.close()
    finally:
        shutil.rmtree(folder)


def test_starting_jarvis_again_focuses_the_running_one(registered, jarvis_home, qtbot):
    """Two real processes: the second exits at once and says so; the first goes on."""
    from PySide6.QtNetwork import QLocalSocket

    (jarvis_home / "settings.json").write_text(json.dumps({"voice": False}))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "JARVIS_HOME": str(jarvis_home)}
    cmd = [sys.executable, "-m", "jarvis_desktop.cli"]
    first = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        probe, deadline = QLocalSocket(), time.monotonic() + 60
        while True:  # until the first one listens
            probe.connectToServer(socket_path())
            if probe.waitForConnected(200):
                probe.disconnectFromServer()
                break
            assert first.poll() is None and time.monotonic() < deadline, first.stdout.read()
            time.sleep(0.2)
        second = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
        assert second.returncode == 0, second.stderr
        assert "already running" in second.stdout
        time.sleep(0.5)
        assert first.poll() is None  # still running
    finally:
        first.terminate()
        first.wait(30)
    log = (jarvis_home / "logs" / "jarvis.log").read_text()
    assert "already running: asked it to show its window" in log


def test_menu_entry_and_icon(xdg):
    path = install_menu_entry(["/opt/jarvis bundle/jarvis"])
    assert path == menu_entry_path() == xdg / "share" / "applications" / "jarvis.desktop"
    entry = _entry(path)
    assert entry["Type"] == "Application" and entry["Name"] == "Jarvis" and entry["Icon"] == "jarvis"
    assert entry["Exec"] == '"/opt/jarvis bundle/jarvis"' and entry["Terminal"] == "false"
    assert entry["StartupWMClass"] == "Jarvis"  # what xprop shows as the class of Jarvis's windows
    icon = xdg / "share" / "icons" / "hicolor" / "scalable" / "apps" / "jarvis.svg"
    assert icon.read_text().lstrip().startswith("<")
    assert "X-GNOME-Autostart-enabled" not in entry


def test_exec_lines_follow_the_desktop_entry_spec():
    assert "Exec=/usr/bin/jarvis\n" in desktop_entry(["/usr/bin/jarvis"])
    assert "Exec=jarvis --ask \"100%% sure?\"\n" in desktop_entry(["jarvis", "--ask", "100% sure?"])
    assert 'Exec="/a\\\\\\\\b" "say \\\\"hi\\\\""\n' in desktop_entry(["/a\\b", 'say "hi"'])
    assert launch_command()[0]  # the installed script or python -m jarvis_desktop.cli


def test_start_at_login_writes_and_removes_the_autostart_entry(qtbot, xdg, registered):
    jarvis = JarvisApp(Settings(voice=False), Controller(Settings(voice=False), save=False), save=False)
    qtbot.addWidget(jarvis.window)
    jarvis.settings.start_at_login = True
    jarvis.apply_start_at_login()
    path = autostart_path()
    assert path == xdg / "config" / "autostart" / "jarvis.desktop"
    entry = _entry(path)
    assert entry["X-GNOME-Autostart-enabled"] == "true" and entry["Name"] == "Jarvis"
    assert "start when you log in" in jarvis.window.statusBar().currentMessage()
    jarvis.settings.start_at_login = False
    jarvis.apply_start_at_login()
    assert not path.exists()
    assert set_autostart(False) == path  # removing what is not there is fine
    jarvis.controller.shutdown()


def test_a_bundle_finds_the_trainer_or_says_how_to_get_one(monkeypatch, tmp_path, qtbot):
    """The bundle has no PyTorch: it runs the jarvis-train the set-up recorded, one on PATH or
    the one in Settings; with none it says how to get one instead of failing obscurely."""
    from jarvis_desktop.core.errors import JarvisError
    from jarvis_desktop.workers import recorded_trainer, trainer_command

    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    with pytest.raises(JarvisError, match="setup.sh install"):
        trainer_command()
    controller = Controller(Settings(voice=False), save=False)
    problems = []
    controller.problem.connect(problems.append)
    assert controller.retrain_now() is False and "training environment" in problems[0]
    trainer = tmp_path / "venv" / "bin" / "jarvis-train"
    trainer.parent.mkdir(parents=True)
    trainer.write_text("#!/bin/sh\n")
    recorded_trainer().parent.mkdir(parents=True)
    recorded_trainer().write_text(f"{trainer}\n")  # what .ci/setup.sh install writes
    assert trainer_command() == [str(trainer)]
    assert trainer_command("/opt/jt --flag") == ["/opt/jt", "--flag"]  # Settings win


@pytest.mark.skipif(sys.platform == "win32", reason="a shell script stands in for the trainer")
def test_the_trainer_started_from_a_bundle_gets_the_systems_libraries(monkeypatch, tmp_path, qtbot):
    """PyInstaller's loader sets LD_LIBRARY_PATH to the bundle's own libraries; the trainer
    (another Python, with its own torch) must not inherit it."""
    from jarvis_desktop.workers import RetrainJob

    trainer = tmp_path / "jarvis-train"  # reports the library path it was given, as a progress line
    trainer.write_text('#!/bin/sh\necho "{\\"stage\\": \\"done\\", \\"message\\": \\"[${LD_LIBRARY_PATH:-unset}]\\"}"\n')
    trainer.chmod(0o755)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    for original, expected in (("", "[unset]"), ("/opt/mine", "[/opt/mine]")):
        monkeypatch.setenv("LD_LIBRARY_PATH", "/opt/jarvis/_internal")
        if original:
            monkeypatch.setenv("LD_LIBRARY_PATH_ORIG", original)
        job = RetrainJob()
        with qtbot.waitSignal(job.finished, timeout=10000) as done:
            job.start([str(trainer)])
        ok, message, _ = done.args
        assert ok and message == expected, (ok, message)
