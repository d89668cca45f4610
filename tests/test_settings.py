"""Settings persist, survive a bad file, share one set of limits with the dialog, and a
failed save says so in one line."""

from __future__ import annotations

import json
import subprocess
from dataclasses import fields

import pytest

from jarvis_desktop.core.errors import ConfigError, JarvisError
from jarvis_desktop.core.settings import (MIN_PROMPT_TOKENS, Settings, load_settings, load_settings_with_notice,
                                     save_settings, settings_path)


def _aside(path) -> list:
    return sorted(path.parent.glob(path.name + ".unreadable-*"))


def test_settings_round_trip_and_corrupt_file(jarvis_home):
    s = Settings(honorific="madam", user_name="Ada", n_ctx=2048, retrain_every_days=14)
    save_settings(s)
    assert load_settings_with_notice() == (s, "")
    path = settings_path()
    path.write_text("{not json")
    settings, notice = load_settings_with_notice()
    assert settings == Settings()  # defaults, and the bad file kept aside for the user
    [first] = _aside(path)
    assert first.read_text() == "{not json" and not path.exists()
    assert "not valid JSON (line 1, column 2)" in notice and str(first) in notice and "default settings" in notice
    path.write_text("[]")  # a second bad file: the first one set aside stays as it was
    assert load_settings() == Settings()
    assert len(_aside(path)) == 2 and first.read_text() == "{not json"
    with pytest.raises(ConfigError):
        Settings(honorific=" ")
    with pytest.raises(ConfigError):
        Settings(n_ctx=10)


DEEP = "[" * 100_000 + "]" * 100_000

BAD_FILES = {  # what a hand edit, a newer Jarvis or a damaged disk leaves; each used to stop the start
    "a list": ("[]", "instead of a JSON object"),
    "null": ("null", "instead of a JSON object"),
    "a number": ("42", "instead of a JSON object"),
    "deeply nested": (DEEP, "nested too deeply"),
    "not UTF-8": (b'{"honorific": "\xff\xfe"}', "not UTF-8 text (a bad byte at offset 15)"),
    "n_ctx text": ('{"n_ctx": "big"}', 'n_ctx must be a whole number, not "big"'),
    "voice text": ('{"voice": "yes"}', 'voice must be true or false, not "yes"'),
    "retrain_args text": ('{"retrain_args": "x"}', "retrain_args must be a list of texts"),
    "retrain_args numbers": ('{"retrain_args": [1, 2]}', "retrain_args must be a list of texts"),
    "honorific null": ('{"honorific": null}', "honorific must be text, not null"),
    "honorific blank": ('{"honorific": "  "}', "honorific cannot be empty"),
    "n_ctx bool": ('{"n_ctx": true}', "n_ctx must be a whole number, not true"),
    "n_ctx float": ('{"n_ctx": 4096.5}', "n_ctx must be a whole number"),
    "n_ctx too small": ('{"n_ctx": 10}', "n_ctx must be between 256 and 131072, not 10"),
    "speech_rate NaN": ('{"speech_rate": NaN}', "speech_rate must be a finite number, not NaN"),
    "silence_s too long": ('{"silence_s": 30}', "silence_s must be between 0.2 and 3.0, not 30"),
    "reply fills context": ('{"n_ctx": 256, "max_tokens": 4096}', "the longest reply (max_tokens 4096)"),
}


@pytest.mark.parametrize("content, expected", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_settings_file_never_stops_the_start(jarvis_home, content, expected):
    from jarvis_desktop.controller import Controller

    path = settings_path()
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    original = path.read_bytes()
    settings, notice = load_settings_with_notice()
    assert expected in notice and "had a problem" in notice, notice
    [aside] = _aside(path)
    assert aside.read_bytes() == original and str(aside) in notice
    # What crashed the app at every start: the engine's config built from these settings.
    controller = Controller(settings, save=False)
    assert controller.worker.engine.config.max_tokens == settings.max_tokens
    controller.shutdown()
    assert load_settings_with_notice()[1] == ""  # the next start is quiet


def test_one_bad_setting_is_reset_and_the_others_kept(jarvis_home):
    path = settings_path()
    path.write_text(json.dumps({"honorific": "madam", "voice": False, "speech_rate": 1, "n_ctx": "big",
                                "max_tokens": 4090, "from_a_newer_jarvis": {"x": 1}}))
    settings, notice = load_settings_with_notice()
    assert (settings.honorific, settings.voice, settings.speech_rate) == ("madam", False, 1.0)
    # n_ctx was bad: with its default (4096) max_tokens 4090 would not fit, so both are reset
    assert (settings.n_ctx, settings.max_tokens) == (4096, 256)
    assert 'n_ctx must be a whole number, not "big" (reset to 4096)' in notice
    assert "n_ctx and max_tokens reset to their defaults" in notice and "other settings are kept" in notice
    assert "from_a_newer_jarvis" in _aside(path)[0].read_text()
    assert load_settings_with_notice() == (settings, "")  # the repaired file was saved in its place
    assert "from_a_newer_jarvis" not in path.read_text()


def test_unknown_keys_alone_are_no_problem(jarvis_home):
    settings_path().write_text(json.dumps({"honorific": "madam", "a_setting_from_2030": True}))
    assert load_settings_with_notice() == (Settings(honorific="madam"), "")
    assert not _aside(settings_path())


def test_a_settings_path_that_is_no_file_is_left_alone(jarvis_home):
    settings_path().mkdir()  # nothing to parse or move: say so, use the defaults
    settings, notice = load_settings_with_notice()
    assert settings == Settings() and settings_path().is_dir()
    assert notice == (f"Jarvis could not read your settings (cannot read {settings_path()}: it is not a regular "
                      "file) and uses the defaults for now.")


def test_settings_refuse_wrong_types_and_conflicts():
    with pytest.raises(ConfigError, match='n_ctx must be a whole number, not "big"'):
        Settings(n_ctx="big")
    with pytest.raises(ConfigError, match=f"leave at least {MIN_PROMPT_TOKENS} tokens"):
        Settings(n_ctx=256, max_tokens=4096)
    with pytest.raises(ConfigError, match="voice must be true or false"):
        Settings(voice="yes")
    assert Settings(n_ctx=256, max_tokens=256 - MIN_PROMPT_TOKENS).max_tokens == 192
    assert Settings(retrain_args=None).retrain_args == []


@pytest.fixture
def full_disk(tmp_path, monkeypatch):
    """A folder on a disk that ``fill()`` makes full: a real 64 KiB tmpfs when mounting works
    (root), else a real ENOSPC from ``os.fsync`` (as a full disk reports it on some filesystems)."""
    import errno
    import os

    folder = tmp_path / "small-disk"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
                             capture_output=True).returncode == 0

    def fill():
        if not mounted:
            def no_space(fd):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            monkeypatch.setattr(os, "fsync", no_space)
            return
        with open(folder / "filler", "wb", buffering=0) as fh:
            try:
                while True:
                    fh.write(b"x" * 4096)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC

    yield folder, fill
    if mounted:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def test_saving_on_a_full_disk_says_so_in_one_line_and_keeps_the_old_file(full_disk):
    folder, fill = full_disk
    path = folder / "settings.json"
    save_settings(Settings(honorific="madam"), path)
    fill()
    with pytest.raises(JarvisError) as caught:
        save_settings(Settings(honorific="Ada"), path)
    message = str(caught.value)
    assert "Could not save your settings" in message and str(path) in message and "\n" not in message
    assert "the disk is full; free some space" in message
    assert "damaged" not in message and "move" not in message
    assert not isinstance(caught.value, OSError)
    assert load_settings_with_notice(path) == (Settings(honorific="madam"), "")  # the old file, whole
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []  # no temp file left


def test_saving_where_no_folder_can_be_says_what_to_check(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(JarvisError, match="^Could not save your settings: cannot write .*a-file/settings.json: ") as caught:
        save_settings(Settings(), blocker / "settings.json")
    assert "\n" not in str(caught.value) and not isinstance(caught.value, OSError)


def test_the_dialogs_ranges_are_the_settings_limits(qtbot, jarvis_home):
    from jarvis_desktop.views.settings_dialog import SettingsDialog

    dialog = SettingsDialog(Settings(), [])
    qtbot.addWidget(dialog)
    limited = [f for f in fields(Settings) if "min" in f.metadata and f.name in dialog.editors]
    assert {f.name for f in limited} >= {"n_ctx", "max_tokens", "speech_rate", "silence_s", "n_threads"}
    for f in limited:
        w = dialog.editors[f.name]
        assert (w.minimum(), w.maximum()) == (f.metadata["min"], f.metadata["max"]), f.name
    # Each within its range, together too much: Save is refused with the reason.
    dialog.editors["n_ctx"].setValue(256)
    dialog.editors["max_tokens"].setValue(4096)
    dialog._accept()
    assert "longest reply (max_tokens 4096)" in dialog.error.text() and dialog.result() == 0
    dialog.editors["max_tokens"].setValue(192)
    dialog._accept()
    assert dialog.result() == 1 and dialog.result_settings().max_tokens == 192


def test_settings_dialog_edits_and_validates(qtbot, jarvis_home):
    from jarvis_desktop.views.settings_dialog import SettingsDialog

    dialog = SettingsDialog(Settings(), ["v1", "v2"])
    qtbot.addWidget(dialog)
    dialog.editors["honorific"].setCurrentText("Alice")
    dialog.editors["model_version"].setCurrentIndex(2)
    dialog.editors["n_ctx"].setValue(8192)
    new = dialog.result_settings()
    assert (new.honorific, new.model_version, new.n_ctx) == ("Alice", "v2", 8192)
    dialog.editors["honorific"].setCurrentText("")
    dialog._accept()
    assert "honorific cannot be empty" in dialog.error.text() and dialog.result() == 0
    # labels: the setting's words without their explanation (which is the tooltip), case kept
    form = dialog.layout().itemAt(0).layout()
    labels = [form.labelForField(w).text() for w in dialog.editors.values()]
    assert "CPU threads for the model" in labels and "How Jarvis addresses you" in labels
    assert "Start Jarvis when you log in" in labels and "Global push-to-talk key" in labels
    assert not [x for x in labels if "(" in x and ")" not in x], labels
    assert dialog.editors["n_threads"].toolTip() == "CPU threads for the model (0: all cores)"


def test_window_geometry_is_saved_on_close(qtbot, registered):
    from jarvis_desktop.app import JarvisApp
    from jarvis_desktop.controller import Controller

    settings = Settings(n_threads=1)
    app = JarvisApp(settings, Controller(settings, save=False), save=True)
    qtbot.addWidget(app.window)
    app.window.resize(700, 500)
    app.window.show()
    app.window.close()
    saved = load_settings()
    assert saved.window_geometry
    again = JarvisApp(saved, Controller(saved, save=False), save=False)
    qtbot.addWidget(again.window)
    assert again.window.size().width() == 700
    app.controller.log.close()
    again.controller.log.close()


def test_a_crash_in_any_thread_is_logged_and_shown(qtbot, jarvis_home, monkeypatch):
    import logging
    import sys
    import threading

    from jarvis_desktop.app import install_crash_handlers, setup_logging

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    root = logging.getLogger()
    before = list(root.handlers)
    setup_logging()
    shown = []
    relay = install_crash_handlers(shown.append)
    worker = threading.Thread(target=lambda: (_ for _ in ()).throw(ValueError("boom in a worker")))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: shown == ["ValueError: boom in a worker"], timeout=5000)
    for h in root.handlers[len(before):]:
        h.flush()
        root.removeHandler(h)
    text = (jarvis_home / "logs" / "jarvis.log").read_text()
    assert "uncaught exception" in text and "ValueError: boom in a worker" in text and "Traceback" in text
    del relay
