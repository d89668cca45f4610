"""The Memory window offscreen, on a real MemoryStore: every fact with when and where it came
from; add, edit (a secret refused in words, nothing stored), delete, delete all, export; the
memory switched off; and the app's menu and tray opening it, a delete reaching the history."""

from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from jarvis_desktop.app import JarvisApp
from jarvis_desktop.controller import Controller
from jarvis_desktop.core.memory import MemoryStore
from jarvis_desktop.core.settings import Settings
from jarvis_desktop.views.memory import OFF_TEXT, MemoryDialog, noted_time


class User:
    """Answers the window's questions as a person would: the scripted words for each fact
    asked for (None: Cancel), Yes or Cancel to a confirmation, a file to export to.  What it
    was asked is kept, to check the window's wording."""

    def __init__(self, monkeypatch):
        self.texts: list[str | None] = []
        self.yes = True
        self.path = ""
        self.asked: list[str] = []
        self.labels: list[str] = []
        self.prefilled: list[str] = []
        monkeypatch.setattr(QMessageBox, "question", self._question)
        monkeypatch.setattr(QInputDialog, "getText", self._get_text)
        monkeypatch.setattr(QFileDialog, "getSaveFileName", self._save_name)

    def _question(self, _parent, _title, text, *_args):
        self.asked.append(text)
        return QMessageBox.StandardButton.Yes if self.yes else QMessageBox.StandardButton.Cancel

    def _get_text(self, _parent, _title, label, _echo, text):
        self.labels.append(label)
        self.prefilled.append(text)
        answer = self.texts.pop(0)
        return ("", False) if answer is None else (answer, True)

    def _save_name(self, *_args):
        return self.path, "JSON files (*.json)"


@pytest.fixture
def user(monkeypatch):
    return User(monkeypatch)


@pytest.fixture
def store(tmp_path):
    s = MemoryStore(tmp_path / "memory.sqlite3")
    yield s
    s.close()


@pytest.fixture
def dialog(qtbot, store):
    d = MemoryDialog(lambda: store)
    qtbot.addWidget(d)
    return d


def rows(dialog: MemoryDialog) -> list[list[str]]:
    return [[dialog.facts.topLevelItem(i).text(c) for c in range(3)] for i in range(dialog.facts.topLevelItemCount())]


def select(dialog: MemoryDialog, *texts: str) -> None:
    dialog.facts.clearSelection()
    for i in range(dialog.facts.topLevelItemCount()):
        item = dialog.facts.topLevelItem(i)
        item.setSelected(item.text(0) in texts)


def test_every_fact_is_listed_newest_first_with_when_and_where_it_came_from(qtbot, store):
    car = store.add("my car is parked on level 3")
    sister = store.add("my sister's birthday is on 4 May", source="panel")
    dialog = MemoryDialog(lambda: store)
    qtbot.addWidget(dialog)
    assert rows(dialog) == [[sister.text, noted_time(sister.updated), "typed here"],
                            [car.text, noted_time(car.updated), "said in chat"]]
    summary = dialog.summary.text()
    assert "remembers 2 facts" in summary and "only on this computer" in summary
    assert not dialog.edit_button.isEnabled() and not dialog.delete_button.isEnabled()
    assert dialog.add_button.isEnabled() and dialog.delete_all_button.isEnabled() and dialog.export_button.isEnabled()
    select(dialog, car.text)
    assert dialog.edit_button.isEnabled() and dialog.delete_button.isEnabled()
    # a fact said in chat meanwhile: refresh shows it on top and keeps the selection
    store.add("the boiler was serviced in March")
    dialog.refresh()
    assert dialog.shown_facts()[0] == "the boiler was serviced in March" and dialog.selected_facts() == [car.id]
    assert "remembers 3 facts" in dialog.summary.text()


def test_add_and_edit_and_a_secret_is_refused_in_words_and_never_stored(dialog, store, user):
    user.texts = ["Remember that my locker is number 112."]
    dialog.add_button.click()
    fact = store.facts()[0]
    assert (fact.text, fact.source) == ("my locker is number 112", "panel")
    assert dialog.shown_facts() == ["my locker is number 112"] and dialog.selected_facts() == [fact.id]
    assert dialog.message.text() == "Remembered: \u201cmy locker is number 112\u201d."
    assert "typed here" in rows(dialog)[0]

    # a password: the window says why, asks again with the words kept; Cancel keeps nothing
    user.texts = ["my email password is tulip77", None]
    dialog.add_button.click()
    assert "it looks like a password, and secrets are not kept" in user.labels[-1]
    assert user.prefilled[-1] == "my email password is tulip77"
    assert dialog.message.text() == "Nothing was saved: it looks like a password, and secrets are not kept."
    assert store.count() == 1 and "tulip77" not in " ".join(dialog.shown_facts())

    # edit by double-click: the old words are offered; a refused edit, then a fixed one
    item = dialog.facts.topLevelItem(0)
    dialog.facts.clearSelection()
    item.setSelected(True)
    user.texts = ["my locker code is 4455", "my locker is number 114 now"]
    dialog.facts.itemDoubleClicked.emit(item, 0)
    assert user.prefilled[-2] == "my locker is number 112"
    assert "it looks like an access code" in user.labels[-1] and user.prefilled[-1] == "my locker code is 4455"
    assert [f.text for f in store.facts()] == ["my locker is number 114 now"] and store.facts()[0].id == fact.id
    assert dialog.shown_facts() == ["my locker is number 114 now"]
    assert dialog.message.text().startswith("Changed to:")
    # the Edit button does the same; Cancel changes nothing
    user.texts = [None]
    dialog.edit_button.click()
    assert [f.text for f in store.facts()] == ["my locker is number 114 now"]
    # an overlong fact is refused with its length
    user.texts = ["x " * 200, None]
    dialog.add_button.click()
    assert "kept to 300 characters" in user.labels[-1] and store.count() == 1


def test_delete_selected_and_delete_all_go_through_the_store_and_its_forget_hooks(dialog, store, user):
    for text in ("my car is parked on level 3", "the spare key is in the blue vase", "Tom likes green tea"):
        store.add(text)
    heard = []
    store.on_forget.append(lambda facts: heard.append(sorted(f.text for f in facts)))
    dialog.refresh()
    select(dialog, "my car is parked on level 3", "Tom likes green tea")
    user.yes = False  # Cancel: nothing forgotten
    dialog.delete_button.click()
    assert store.count() == 3 and heard == []
    assert "Forget these 2 facts for good?" in user.asked[-1] and "cannot be undone" in user.asked[-1]
    user.yes = True
    dialog.delete_button.click()
    assert heard == [["Tom likes green tea", "my car is parked on level 3"]]
    assert dialog.shown_facts() == ["the spare key is in the blue vase"] and dialog.message.text() == "Forgot 2 facts."
    assert "remembers 1 fact." in dialog.summary.text()
    store.add("the bins go out on Tuesday")
    dialog.refresh()
    dialog.delete_all_button.click()
    assert "Forget all 2 facts for good?" in user.asked[-1]
    assert store.count() == 0 and dialog.shown_facts() == [] and len(heard) == 2
    assert not dialog.delete_all_button.isEnabled() and not dialog.export_button.isEnabled()
    assert dialog.add_button.isEnabled()


def test_export_writes_every_fact_as_json(dialog, store, user, tmp_path):
    store.add("my car is parked on level 3")
    store.add("Tom likes green tea", source="panel")
    dialog.refresh()
    user.path = str(tmp_path / "mine")  # no suffix: .json is added
    dialog.export_button.click()
    saved = json.loads((tmp_path / "mine.json").read_text())
    assert saved["jarvis_memory"] == 1
    assert [(f["text"], f["source"]) for f in saved["facts"]] == [("Tom likes green tea", "panel"),
                                                                    ("my car is parked on level 3", "chat")]
    assert dialog.message.text().startswith(f"Exported 2 facts to {tmp_path / 'mine.json'}.")
    # a folder that is not there: said in words, nothing written
    user.path = str(tmp_path / "no such folder" / "memory.json")
    dialog.export_button.click()
    assert dialog.message.text().startswith("Could not export: ")
    assert str(tmp_path / "no such folder") in dialog.message.text()
    user.path = ""  # Cancel: nothing written, nothing said
    said = dialog.message.text()
    dialog.export_button.click()
    assert dialog.message.text() == said and [p.name for p in tmp_path.glob("*.json")] == ["mine.json"]


def test_with_the_memory_off_the_window_says_so_and_offers_nothing(qtbot, store):
    on = {"store": None}
    dialog = MemoryDialog(lambda: on["store"])
    qtbot.addWidget(dialog)
    assert dialog.summary.text() == OFF_TEXT and "off" in OFF_TEXT and "Settings" in OFF_TEXT
    buttons = (dialog.add_button, dialog.edit_button, dialog.delete_button, dialog.delete_all_button,
               dialog.export_button)
    assert not any(b.isEnabled() for b in buttons) and dialog.shown_facts() == []
    store.add("my car is parked on level 3")
    on["store"] = store  # switched on in Settings: the app refreshes the window
    dialog.refresh()
    assert dialog.shown_facts() == ["my car is parked on level 3"] and dialog.add_button.isEnabled()


def test_the_window_menu_and_the_tray_open_it_and_it_follows_the_controller(qtbot, user):
    settings = Settings()
    jarvis = JarvisApp(settings, Controller(settings, save=False), save=False)
    qtbot.addWidget(jarvis.window)
    c = jarvis.controller
    try:
        menu = jarvis.window.menuBar().actions()[0].menu()
        [action] = [a for a in menu.actions() if a.text() == "Memory…"]
        action.trigger()
        dialog = jarvis.memory_dialog
        assert isinstance(dialog, MemoryDialog) and dialog.isVisible()
        dialog.close()
        jarvis.tray_menu.rebuild()
        assert "Memory…" in jarvis.tray_menu.texts()
        [entry] = [a for a in jarvis.tray_menu.menu.actions() if a.text() == "Memory…"]
        entry.trigger()
        assert jarvis.memory_dialog is dialog and dialog.isVisible()

        # a fact said in chat and its turn; deleting it here deletes the turn too (the controller's hook)
        fact = c.memory.add("my car is parked on level 3")
        turn = c.log.add_turn(c.conversation, "remember my car is parked on level 3",
                              "Noted, sir: your car is parked on level 3.", "v1")
        c.memory.link(fact.id, turn)
        c.memory_changed.emit()
        assert dialog.shown_facts() == ["my car is parked on level 3"]
        select(dialog, "my car is parked on level 3")
        dialog.delete_button.click()
        assert c.memory.count() == 0 and c.log.turns() == []

        c.apply(Settings(memory=False))  # Settings switch the memory off: the window says so at once
        assert dialog.summary.text() == OFF_TEXT and not dialog.add_button.isEnabled()
    finally:
        c.shutdown()
