"""The Memory window: every fact Jarvis keeps about the user, when and where it came from;
add, edit, delete, delete all, export.

Unlike the History view it works on the store itself, through ``store_getter`` (the
controller's ``memory``, None while Settings keep the memory off): a refused fact ("it looks
like a password") must be said here, beside the words the user typed, not in a distant
dialog.  Deleting goes through ``MemoryStore.delete``, whose forget hooks let the controller
erase the fact's words from the history and the conversation too.  The app calls
``refresh()`` when the memory changed elsewhere (a fact said in chat, the memory switched off).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QInputDialog,
                               QLabel, QLineEdit, QMessageBox, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout)

from jarvis_desktop.core.errors import JarvisError
from jarvis_desktop.core.memory import MAX_FACT_CHARS, Fact, MemoryRefused, MemoryStore
from jarvis_desktop.core.paths import describe_os_error
from jarvis_desktop.views.chat import icon

__all__ = ["MemoryDialog", "noted_time", "SOURCES"]

COLUMNS = ("Fact", "Noted", "From")
SOURCES = {"chat": "said in chat", "panel": "typed here"}
OFF_TEXT = ("Jarvis's memory is off, so nothing is remembered. Turn on \"Remember what you ask Jarvis to\" "
            "in Settings to keep facts here.")


def noted_time(iso_utc: str) -> str:
    """A fact's timestamp (ISO-8601 UTC) as local 'Mon 3 Nov 2025, 14:05' (facts outlive a year)."""
    try:
        when = datetime.fromisoformat(iso_utc).astimezone()
    except ValueError:
        return iso_utc
    return f"{when:%a} {when.day} {when:%b %Y, %H:%M}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


class MemoryDialog(QDialog):
    """``store_getter()`` -> the MemoryStore, or None when the memory is off."""

    def __init__(self, store_getter: Callable[[], MemoryStore | None], parent=None):
        super().__init__(parent)
        self.store_getter = store_getter
        self.setWindowTitle("Jarvis — memory")
        self.setWindowIcon(icon("jarvis"))
        self.resize(760, 440)
        # Replaceable (tests answer for the user): yes/no, the words of a fact, a file to export to.
        self.confirm: Callable[[str], bool] = self._ask
        self.ask_text: Callable[[str, str, str], str | None] = self._ask_text
        self.ask_export_path: Callable[[], str] = self._ask_path

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.facts = QTreeWidget()
        self.facts.setColumnCount(len(COLUMNS))
        self.facts.setHeaderLabels(COLUMNS)
        self.facts.setRootIsDecorated(False)
        self.facts.setAlternatingRowColors(True)
        self.facts.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.facts.itemSelectionChanged.connect(self._update_buttons)
        self.facts.itemDoubleClicked.connect(lambda *_: self._edit())
        for col, width in enumerate((440, 160)):
            self.facts.setColumnWidth(col, width)
        self.message = QLabel()  # the outcome of the last action, or why it was refused
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)

        self.add_button = QPushButton("Add…")
        self.add_button.setToolTip("Type a fact for Jarvis to remember")
        self.add_button.clicked.connect(self._add)
        self.edit_button = QPushButton("Edit…")
        self.edit_button.clicked.connect(self._edit)
        self.delete_button = QPushButton("Delete")
        self.delete_button.setToolTip("Forget the selected facts, and every turn of the history that mentions them")
        self.delete_button.clicked.connect(self._delete)
        self.delete_all_button = QPushButton("Delete all…")
        self.delete_all_button.clicked.connect(self._delete_all)
        self.export_button = QPushButton("Export…")
        self.export_button.setToolTip("Save every fact to a JSON file")
        self.export_button.clicked.connect(self._export)

        buttons = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.delete_button, self.delete_all_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.facts, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        layout.addWidget(close)
        self.refresh()

    # --- display ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the memory again, keeping the selected facts where they still exist."""
        keep = set(self.selected_facts())
        store = self.store_getter()
        facts: list[Fact] = []
        if store is None:
            self.summary.setText(OFF_TEXT)
        else:
            try:
                facts = store.facts()  # the most recently noted first
            except JarvisError as exc:
                self.summary.setText("Jarvis's memory cannot be read just now.")
                self._say(f"Could not read the memory: {exc}", problem=True)
            else:
                self.summary.setText(
                    f"Jarvis remembers {_plural(len(facts), 'fact')}. They are kept only on this computer "
                    "and never sent anywhere; deleting a fact also removes the turns of the history that "
                    "mention it.")
        self.facts.blockSignals(True)
        self.facts.clear()
        for fact in facts:
            item = QTreeWidgetItem([fact.text, noted_time(fact.updated), SOURCES.get(fact.source, fact.source)])
            tip = fact.text
            if fact.updated != fact.created:
                tip += f"\n\nFirst noted {noted_time(fact.created)}; last noted or changed {noted_time(fact.updated)}."
            for col in range(len(COLUMNS)):
                item.setToolTip(col, tip)
            item.setData(0, Qt.ItemDataRole.UserRole, fact.id)
            self.facts.addTopLevelItem(item)
            item.setSelected(fact.id in keep)
        self.facts.blockSignals(False)
        self._update_buttons()

    def _update_buttons(self) -> None:
        on = self.store_getter() is not None
        chosen = len(self.facts.selectedItems())
        any_facts = self.facts.topLevelItemCount() > 0
        self.add_button.setEnabled(on)
        self.edit_button.setEnabled(on and chosen == 1)
        self.delete_button.setEnabled(on and chosen > 0)
        self.delete_all_button.setEnabled(on and any_facts)
        self.export_button.setEnabled(on and any_facts)

    def selected_facts(self) -> list[int]:
        return [i.data(0, Qt.ItemDataRole.UserRole) for i in self.facts.selectedItems()]

    def shown_facts(self) -> list[str]:
        """The facts' words as listed, top first (for tests and logs)."""
        return [self.facts.topLevelItem(i).text(0) for i in range(self.facts.topLevelItemCount())]

    def _say(self, text: str, problem: bool = False) -> None:
        self.message.setStyleSheet("color: #a4262c;" if problem else "")
        self.message.setText(text)

    # --- actions ---------------------------------------------------------------------------------
    def _add(self) -> None:
        self._write("Remember a fact", "", lambda store, text: store.add(text, source="panel"), "Remembered")

    def _edit(self) -> None:
        store, ids = self.store_getter(), self.selected_facts()
        if store is None or len(ids) != 1:
            return
        try:
            old = store.get(ids[0])
        except JarvisError as exc:  # forgotten meanwhile (by the forget tool)
            self._say(f"Could not edit that fact: {exc}", problem=True)
            self.refresh()
            return
        self._write("Edit a fact", old.text, lambda s, text: s.update(old.id, text), "Changed to")

    def _write(self, title: str, text: str, write: Callable[[MemoryStore, str], Fact], done: str) -> None:
        """Ask for a fact's words and write them; a refused fact asks again with the words kept
        and the reason beside them, until it is kept or the user cancels."""
        reason = ""
        while True:
            answer = self.ask_text(title, text, reason)
            store = self.store_getter()
            if answer is None or store is None:
                if reason:
                    self._say(f"Nothing was saved: {reason}.", problem=True)
                return
            text = answer
            try:
                fact = write(store, text)
            except MemoryRefused as exc:
                reason = str(exc)
                continue
            except JarvisError as exc:
                self._say(f"Could not save the fact: {exc}", problem=True)
                self.refresh()
                return
            self._say(f"{done}: \u201c{fact.text}\u201d.")
            self.refresh()
            self._select(fact.id)
            return

    def _select(self, fact_id: int) -> None:
        self.facts.clearSelection()
        for i in range(self.facts.topLevelItemCount()):
            item = self.facts.topLevelItem(i)
            if item.data(0, Qt.ItemDataRole.UserRole) == fact_id:
                item.setSelected(True)
                self.facts.scrollToItem(item)

    def _delete(self) -> None:
        ids = self.selected_facts()
        these, them = ("this fact", "it") if len(ids) == 1 else (f"these {len(ids)} facts", "them")
        if ids and self.confirm(f"Forget {these} for good? The turns of the history that mention {them} are "
                                "deleted too. This cannot be undone."):
            self._forget(lambda store: store.delete(ids))

    def _delete_all(self) -> None:
        n = self.facts.topLevelItemCount()
        if n and self.confirm(f"Forget all {_plural(n, 'fact')} for good? The turns of the history that mention "
                              "them are deleted too. This cannot be undone."):
            self._forget(lambda store: store.delete_all())

    def _forget(self, delete: Callable[[MemoryStore], list[Fact]]) -> None:
        """Delete through the store, so its forget hooks clear the history and the conversation."""
        store = self.store_getter()
        if store is None:
            return
        try:
            gone = delete(store)
        except JarvisError as exc:
            self._say(f"Could not forget: {exc}", problem=True)
        else:
            self._say(f"Forgot {_plural(len(gone), 'fact')}.")
        self.refresh()

    def _export(self) -> None:
        store = self.store_getter()
        path = self.ask_export_path() if store is not None else ""
        if not path:
            return
        target = Path(path) if Path(path).suffix else Path(path).with_suffix(".json")
        try:
            n = store.export(target)
        except OSError as exc:
            self._say(f"Could not export: {describe_os_error(exc, target)}.", problem=True)
        except JarvisError as exc:
            self._say(f"Could not export: {exc}", problem=True)
        else:
            self._say(f"Exported {_plural(n, 'fact')} to {target}. Keep that file private: it holds what "
                      "Jarvis knows about you.")

    # --- questions to the user (replaced in tests) -------------------------------------------------
    def _ask(self, text: str) -> bool:
        answer = QMessageBox.question(self, "Jarvis", text, QMessageBox.StandardButton.Yes |
                                      QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    def _ask_text(self, title: str, text: str, reason: str) -> str | None:
        label = (f"Jarvis cannot keep that: {reason}.\n\n" if reason else "") + \
            f"One short sentence, in your words (at most {MAX_FACT_CHARS} characters):"
        answer, ok = QInputDialog.getText(self, title, label, QLineEdit.EchoMode.Normal, text)
        return answer if ok else None

    def _ask_path(self) -> str:
        path, _filter = QFileDialog.getSaveFileName(self, "Export the memory", str(Path.home() / "jarvis-memory.json"),
                                                    "JSON files (*.json)")
        return path
