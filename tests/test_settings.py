"""Settings persist, survive a corrupt file, and round-trip through the settings dialog."""

from __future__ import annotations

import pytest

from jarvis_desktop.errors import ConfigError
from jarvis_desktop.settings import Settings, load_settings, save_settings, settings_path


def test_settings_round_trip_and_corrupt_file(jarvis_home):
    s = Settings(honorific="madam", user_name="Ada", n_ctx=2048, retrain_every_days=14)
    save_settings(s)
    assert load_settings() == s
    settings_path().write_text("{not json")
    assert load_settings() == Settings()  # defaults, and the bad file kept aside for the user
    assert settings_path().with_name("settings.json.unreadable").read_text() == "{not json"
    with pytest.raises(ConfigError):
        Settings(honorific=" ")
    with pytest.raises(ConfigError):
        Settings(n_ctx=10)


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
