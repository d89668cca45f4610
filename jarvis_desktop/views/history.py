"""The interaction log as the user sees it: conversations, turns, ratings; exclude, delete, export.

Like the other views it only displays and emits: ``fetch()`` returns the data, the app turns
the signals into log operations and calls ``refresh()`` when the log changed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QLabel,
                               QListWidget, QListWidgetItem, QMessageBox, QPushButton, QSplitter, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from jarvis_desktop.core.interactions import Conversation, Turn
from jarvis_desktop.core.trl import training_use
from jarvis_desktop.views.chat import icon

__all__ = ["HistoryDialog", "local_time"]

COLUMNS = ("When", "You said", "Jarvis said", "Rating", "Training", "Model")


def local_time(iso_utc: str) -> str:
    """A log timestamp (ISO-8601 UTC) as local 'Mon 3 Nov 14:05'."""
    try:
        when = datetime.fromisoformat(iso_utc).astimezone()
    except ValueError:
        return iso_utc
    return f"{when:%a} {when.day} {when:%b %H:%M}"


def _one_line(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class HistoryDialog(QDialog):
    """``fetch()`` -> [(Conversation, [Turn, ...]), ...], oldest first."""

    exclude_requested = Signal(list, bool)        # turn ids, exclude?
    delete_turns_requested = Signal(list)         # turn ids
    delete_conversation_requested = Signal(int)   # conversation id
    export_requested = Signal(str)                # folder

    def __init__(self, fetch: Callable[[], list[tuple[Conversation, list[Turn]]]], parent=None,
                 train_on_memory: Callable[[], bool] = lambda: False):
        super().__init__(parent)
        self.fetch = fetch
        self.train_on_memory = train_on_memory  # the Settings switch: rated turns that used the memory
        self.setWindowTitle("Jarvis — history")
        self.setWindowIcon(icon("jarvis"))
        self.resize(1000, 520)
        self._data: dict[int, tuple[Conversation, list[Turn]]] = {}
        self.confirm: Callable[[str], bool] = self._ask  # replaceable (tests answer for the user)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.conversations = QListWidget()
        self.conversations.currentItemChanged.connect(lambda *_: self._show_turns())
        self.turns = QTreeWidget()
        self.turns.setColumnCount(len(COLUMNS))
        self.turns.setHeaderLabels(COLUMNS)
        self.turns.setRootIsDecorated(False)
        self.turns.setAlternatingRowColors(True)
        self.turns.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.turns.itemSelectionChanged.connect(self._update_buttons)
        for col, width in enumerate((115, 170, 280, 70, 75)):
            self.turns.setColumnWidth(col, width)

        self.exclude_button = QPushButton("Exclude from training")
        self.exclude_button.setToolTip("Keep these turns in the history but never train on them")
        self.exclude_button.clicked.connect(self._toggle_excluded)
        self.delete_button = QPushButton("Delete turns")
        self.delete_button.clicked.connect(self._delete_turns)
        self.delete_conv_button = QPushButton("Delete conversation")
        self.delete_conv_button.clicked.connect(self._delete_conversation)
        self.export_button = QPushButton("Export for training…")
        self.export_button.setToolTip("Write sft.jsonl, kto.jsonl and dpo.jsonl (TRL formats) to a folder")
        self.export_button.clicked.connect(self._export)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.conversations)
        split.addWidget(self.turns)
        split.setSizes([220, 680])
        buttons = QHBoxLayout()
        for b in (self.exclude_button, self.delete_button, self.delete_conv_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        bar = QWidget()
        bar.setLayout(buttons)
        layout.addWidget(bar)
        layout.addWidget(close)
        self.refresh()

    # --- display ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the log again, keeping the selected conversation where it still exists."""
        keep = self.selected_conversation()
        data = [(c, ts) for c, ts in self.fetch() if ts]  # empty conversations are not worth a row
        self._data = {c.id: (c, ts) for c, ts in data}
        turns = [t for _c, ts in data for t in ts]
        up = sum(t.rating == 1 for t in turns)
        down = sum(t.rating == -1 for t in turns)
        excluded = sum(t.excluded for t in turns)
        on_memory = self.train_on_memory()
        teach = sum(training_use(t, on_memory).startswith("next retrain") for t in turns)
        self.summary.setText(
            f"{len(turns)} turns in {len(data)} conversations · {up} rated good, {down} rated bad · "
            f"{excluded} excluded from training · {teach} will teach the next retrain (the Training column "
            f"says what it does with each).  Only rated turns that are not excluded are used; "
            f"deleted turns are gone for good.")
        self.conversations.blockSignals(True)
        self.conversations.clear()
        for conv, ts in reversed(data):  # newest first
            title = conv.title or ts[0].prompt
            item = QListWidgetItem(f"{local_time(conv.created)}\n{_one_line(title, 40)} ({len(ts)})")
            item.setData(Qt.ItemDataRole.UserRole, conv.id)
            self.conversations.addItem(item)
            if conv.id == keep:
                self.conversations.setCurrentItem(item)
        if self.conversations.currentItem() is None and self.conversations.count():
            self.conversations.setCurrentRow(0)
        self.conversations.blockSignals(False)
        self._show_turns()

    def _show_turns(self) -> None:
        self.turns.clear()
        cid = self.selected_conversation()
        on_memory = self.train_on_memory()  # once per refresh, not per row
        for t in self._data.get(cid, (None, []))[1]:
            rating = {1: "good", -1: "bad"}.get(t.rating, "")
            item = QTreeWidgetItem([local_time(t.created), _one_line(t.prompt), _one_line(t.reply), rating,
                                    training_use(t, on_memory), t.model_version])
            if t.rating:
                item.setIcon(3, icon("thumb_up_on" if t.rating == 1 else "thumb_down_on"))
            tip = f"You: {t.prompt}\n\nJarvis: {t.reply}"
            if t.correction:
                tip += f"\n\nShould have said: {t.correction}"
            for col in range(len(COLUMNS)):
                item.setToolTip(col, tip)
            item.setData(0, Qt.ItemDataRole.UserRole, t.id)
            item.setData(1, Qt.ItemDataRole.UserRole, t.excluded)
            self.turns.addTopLevelItem(item)
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self.turns.selectedItems()
        self.exclude_button.setEnabled(bool(chosen))
        self.delete_button.setEnabled(bool(chosen))
        self.delete_conv_button.setEnabled(self.selected_conversation() is not None)
        self.export_button.setEnabled(bool(self._data))
        all_excluded = bool(chosen) and all(i.data(1, Qt.ItemDataRole.UserRole) for i in chosen)
        self.exclude_button.setText("Include in training" if all_excluded else "Exclude from training")

    def selected_conversation(self) -> int | None:
        item = self.conversations.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def selected_turns(self) -> list[int]:
        return [i.data(0, Qt.ItemDataRole.UserRole) for i in self.turns.selectedItems()]

    # --- actions: they only emit ------------------------------------------------------------------
    def _toggle_excluded(self) -> None:
        chosen = self.turns.selectedItems()
        exclude = not all(i.data(1, Qt.ItemDataRole.UserRole) for i in chosen)
        self.exclude_requested.emit(self.selected_turns(), exclude)

    def _ask(self, text: str) -> bool:
        answer = QMessageBox.question(self, "Jarvis", text, QMessageBox.StandardButton.Yes |
                                      QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    def _delete_turns(self) -> None:
        ids = self.selected_turns()
        if ids and self.confirm(f"Delete {len(ids)} turn{'s' * (len(ids) != 1)} for good? "
                                 "This cannot be undone."):
            self.delete_turns_requested.emit(ids)

    def _delete_conversation(self) -> None:
        cid = self.selected_conversation()
        if cid is not None and self.confirm("Delete this whole conversation for good? This cannot be undone."):
            self.delete_conversation_requested.emit(cid)

    def _export(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export the rated turns to a folder")
        if folder:
            self.export_requested.emit(folder)
