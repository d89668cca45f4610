"""The chat window: it displays and emits, nothing more (the Controller does the work)."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QLineEdit, QMainWindow, QProgressBar,
                               QPushButton, QScrollArea, QSizePolicy, QToolButton, QVBoxLayout, QWidget)

from jarvis_desktop.core.paths import asset
from jarvis_desktop.core.tools.pastime import kind_told

__all__ = ["ChatWindow", "MessageBubble", "icon", "MAX_BUBBLES", "MAX_INPUT_CHARS"]

MAX_BUBBLES = 200  # messages kept on screen
MAX_INPUT_CHARS = 1_000_000  # a pasted document; the engine cuts what the context cannot hold
# A reply rated down with no correction is offered for one once the chat has been quiet this long
# (no reply being written, nothing typed): the correction is what a retrain learns most from.
QUIET_MS = 45_000


def icon(name: str) -> QIcon:
    return QIcon(str(asset("icons", f"{name}.svg")))


class MessageBubble(QFrame):
    """One message (``who``: user, jarvis, or note for the app's own remarks).  Jarvis's carry
    thumbs up/down and, after a thumbs down, a box for what Jarvis should have said."""

    rated = Signal(int, int, str)  # turn id, rating, correction

    def __init__(self, who: str, text: str = "", parent=None):
        super().__init__(parent)
        self.who, self.turn_id, self.rating = who, None, 0
        self.setObjectName("bubble_" + who)
        self.setStyleSheet(
            f"#bubble_{who} {{ background: {dict(user='#dbe9f6', jarvis='#f4f1ea').get(who, '#eeeeee')}; "
            "border-radius: 10px; }")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 8, 12, 8)
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        outer.addWidget(self.label)
        self.up = self.down = self.correction = None
        if who == "jarvis":
            row = QHBoxLayout()
            row.addStretch(1)
            self.up, self.down = self._thumb("thumb_up", "Good reply"), self._thumb("thumb_down", "Bad reply")
            row.addWidget(self.up)
            row.addWidget(self.down)
            outer.addLayout(row)
            self.up.setEnabled(False)
            self.down.setEnabled(False)
            self.correction = QWidget()
            crow = QHBoxLayout(self.correction)
            crow.setContentsMargins(0, 0, 0, 0)
            self.correction_edit = QLineEdit()
            self.correction_edit.setPlaceholderText("What should Jarvis have said? (optional)")
            self.correction_save = QPushButton("Save")
            crow.addWidget(self.correction_edit)
            crow.addWidget(self.correction_save)
            self.correction.hide()
            outer.addWidget(self.correction)
            self.up.clicked.connect(lambda: self._rate(1))
            self.down.clicked.connect(lambda: self._rate(-1))
            self.correction_save.clicked.connect(self._save_correction)
            self.correction_edit.returnPressed.connect(self._save_correction)

    def _thumb(self, name: str, tip: str) -> QToolButton:
        b = QToolButton()
        b.setIcon(icon(name))
        b.setIconSize(QSize(18, 18))
        b.setToolTip(tip)
        b.setAutoRaise(True)
        b.setObjectName(name)
        return b

    def append(self, piece: str) -> None:
        self.label.setText(self.label.text() + piece)

    def finish(self, turn_id: int | None, text: str | None = None) -> None:
        if text is not None:
            self.label.setText(text)
        self.turn_id = turn_id
        if self.up is not None and turn_id:  # 0: the turn could not be saved, so it cannot be rated
            self.up.setEnabled(True)
            self.down.setEnabled(True)

    def _rate(self, rating: int) -> None:
        rating = 0 if rating == self.rating else rating  # a second click takes the rating back
        self.rating = rating
        self.up.setIcon(icon("thumb_up_on" if rating == 1 else "thumb_up"))
        self.down.setIcon(icon("thumb_down_on" if rating == -1 else "thumb_down"))
        self.correction.setVisible(rating == -1)
        if rating == -1:
            self.correction_edit.setFocus()
        self.rated.emit(self.turn_id, rating, "")

    def _save_correction(self) -> None:
        text = self.correction_edit.text().strip()
        if text and self.rating == -1:
            self.rated.emit(self.turn_id, -1, text)
            self.show_saved(text)

    def show_saved(self, text: str) -> None:
        """The correction as saved: shown in its box, which is spent."""
        self.correction_edit.setText(text)
        self.correction_edit.setEnabled(False)
        self.correction_save.setText("Saved")
        self.correction_save.setEnabled(False)


class CorrectionOffer(MessageBubble):
    """A reply rated down without a correction, asked about once more at a quiet moment: the
    reply, a box for what Jarvis should have said, Save and Not now.  ``answered`` carries the
    correction ("" for Not now); after either, the offer stays on screen, spent."""

    answered = Signal(int, str)  # turn id, correction ("": not now)

    def __init__(self, turn_id: int, reply: str, parent=None):
        shown = reply if len(reply) <= 160 else reply[:159] + "…"
        super().__init__("note", f"Earlier you rated this reply down: “{shown}” "
                                 "What should Jarvis have said? It is what he learns most from.", parent)
        self.turn_id = turn_id
        self.label.setStyleSheet("color: #555;")
        row = QHBoxLayout()
        self.correction_edit, self.correction_save, self.skip = QLineEdit(), QPushButton("Save"), QPushButton("Not now")
        self.correction_edit.setPlaceholderText("What Jarvis should have said")
        for w in (self.correction_edit, self.correction_save, self.skip):
            row.addWidget(w)
        self.layout().addLayout(row)
        self.correction_save.clicked.connect(self._save)
        self.correction_edit.returnPressed.connect(self._save)
        self.skip.clicked.connect(lambda: self._done(""))

    def _save(self) -> None:
        if text := self.correction_edit.text().strip():
            self._done(text)

    def _done(self, text: str) -> None:
        for w in (self.correction_edit, self.correction_save, self.skip):
            w.setEnabled(False)
        if text:
            self.correction_save.setText("Saved")
        self.answered.emit(self.turn_id, text)


class ChatWindow(QMainWindow):
    send_requested = Signal(str)
    stop_requested = Signal()
    rate_requested = Signal(int, int, str)
    new_conversation_requested = Signal()
    retrain_requested = Signal()
    settings_requested = Signal()
    history_requested = Signal()
    memory_requested = Signal()
    learned_requested = Signal()  # the current model's "What Jarvis learned"
    talk_requested = Signal()
    mute_toggled = Signal(bool)
    closing = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Jarvis")
        self.setWindowIcon(icon("jarvis"))
        self.resize(560, 680)
        self.bubbles: list[MessageBubble] = []
        self._current: MessageBubble | None = None
        self.busy = False
        self.uncorrected: list[tuple[int, str]] = []  # (turn id, reply) rated down with no correction yet
        self.offer: CorrectionOffer | None = None  # the correction asked for again, at a quiet moment
        self._quiet = QTimer(self)
        self._quiet.setSingleShot(True)
        self._quiet.timeout.connect(self.offer_correction)

        self.area = QScrollArea()
        self.area.setWidgetResizable(True)
        self.area.setFrameShape(QFrame.Shape.NoFrame)
        inner = QWidget()
        self.column = QVBoxLayout(inner)
        self.column.setContentsMargins(12, 12, 12, 12)
        self.column.setSpacing(8)
        self.column.addStretch(1)
        self.area.setWidget(inner)
        self.area.verticalScrollBar().rangeChanged.connect(
            lambda _lo, hi: self.area.verticalScrollBar().setValue(hi))

        self.input = QLineEdit()
        self.input.setPlaceholderText("Ask Jarvis…")
        # Qt's default cuts pasted text at 32,767 characters without a word; take it all (the
        # engine fits a message too long for the model's context and says where it was cut).
        self.input.setMaxLength(MAX_INPUT_CHARS)
        self.input.returnPressed.connect(self._send_or_stop)
        self.input.textEdited.connect(self._postpone_offer)  # typing is not a quiet moment
        self.send_button = QToolButton()
        self.send_button.setIconSize(QSize(22, 22))
        self.send_button.clicked.connect(self._send_or_stop)
        self.talk_button = QToolButton()
        self.talk_button.setIconSize(QSize(22, 22))
        self.talk_button.setIcon(icon("mic"))
        self.talk_button.setToolTip("Talk (Ctrl+Space)")
        self.talk_button.clicked.connect(self.talk_requested.emit)
        self.mute_button = QToolButton()
        self.mute_button.setIconSize(QSize(22, 22))
        self.mute_button.setCheckable(True)
        self.mute_button.toggled.connect(self._mute_toggled)
        self._mute_toggled(False, emit=False)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(12, 0, 12, 12)
        bottom.addWidget(self.input)
        bottom.addWidget(self.send_button)
        bottom.addWidget(self.talk_button)
        bottom.addWidget(self.mute_button)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.area, 1)
        layout.addLayout(bottom)
        self.setCentralWidget(central)

        self.model_label = QLabel("no model")
        self.job_bar = QProgressBar()
        self.job_bar.setMaximumWidth(160)
        self.job_bar.hide()
        self.statusBar().addPermanentWidget(self.job_bar)
        self.statusBar().addPermanentWidget(self.model_label)

        menu = self.menuBar().addMenu("&Jarvis")
        for text, signal, keys in (("New conversation", self.new_conversation_requested, QKeySequence.StandardKey.New),
                                   ("Talk", self.talk_requested, QKeySequence("Ctrl+Space")),
                                   ("History…", self.history_requested, QKeySequence("Ctrl+H")),
                                   ("Memory…", self.memory_requested, QKeySequence("Ctrl+M")),
                                   ("Retrain now", self.retrain_requested, None),
                                   ("What Jarvis learned…", self.learned_requested, None),
                                   ("Settings…", self.settings_requested, QKeySequence.StandardKey.Preferences)):
            action = QAction(text, self)
            if keys is not None:
                action.setShortcut(keys)
            action.triggered.connect(signal.emit)
            menu.addAction(action)
        self.set_busy(False)

    # --- display (called by the app's wiring) ---------------------------------------------------
    def add_user(self, text: str) -> MessageBubble:
        return self._add(MessageBubble("user", text))

    def start_reply(self, spoken: bool = False) -> None:
        """A reply begins (``spoken``: to something said aloud; shown the same either way)."""
        self._current = self._add(MessageBubble("jarvis"))
        # Signal to signal: a bound ``emit`` as the slot left a small object behind per bubble
        # in PySide6 (seen over a 4,000-turn soak); Qt's own signal chaining keeps nothing.
        self._current.rated.connect(self.rate_requested)
        self._current.rated.connect(self._rated)
        self.set_busy(True)

    def append_reply(self, piece: str) -> None:
        if self._current is not None:
            self._current.append(piece)

    def finish_reply(self, turn_id: int, text: str) -> None:
        if self._current is not None:
            self._current.finish(turn_id, text)
        self._current = None
        self.set_busy(False)
        self._postpone_offer()

    # --- a correction asked for again ------------------------------------------------------------
    @Slot(int, int, str)
    def _rated(self, turn_id: int, rating: int, correction: str) -> None:
        bubble = self.sender()
        self.uncorrected = [(t, r) for t, r in self.uncorrected if t != turn_id]
        if rating == -1 and not correction and turn_id and isinstance(bubble, MessageBubble) \
                and not kind_told(bubble.label.text()):  # a joke from the bank: set aside, nothing to correct
            self.uncorrected.append((turn_id, bubble.label.text()))
            self._postpone_offer()

    def _postpone_offer(self, *_args) -> None:
        if self.uncorrected:
            self._quiet.start(QUIET_MS)

    def offer_correction(self) -> CorrectionOffer | None:
        """At a quiet moment, ask once more what Jarvis should have said instead of the newest
        reply rated down without a correction (each is asked about once)."""
        if self.busy or self.input.text().strip() or self.offer is not None:
            self._postpone_offer()
            return None
        if not self.uncorrected:
            return None
        offer = self._add(CorrectionOffer(*self.uncorrected.pop()))
        offer.answered.connect(self._offer_answered)
        self.offer = offer
        return offer

    def _offer_answered(self, turn_id: int, text: str) -> None:
        if text:
            self.rate_requested.emit(turn_id, -1, text)
            for b in self.bubbles:  # the rated reply, if still on screen, shows it saved too
                if b.who == "jarvis" and b.turn_id == turn_id and b.correction is not None:
                    b.show_saved(text)
        self.offer = None

    def fail_reply(self, reason: str) -> None:
        if self._current is not None and not self._current.label.text():
            self._current.label.setText(f"({reason})")
        elif self._current is None:
            self._add(MessageBubble("jarvis", f"({reason})"))
        self._current = None
        self.set_busy(False)

    def announce(self, text: str) -> None:
        self._add(MessageBubble("jarvis", text))

    def clear(self) -> None:
        for b in self.bubbles:
            b.setParent(None)
            b.deleteLater()
        self.bubbles = []
        self._current = None
        self.uncorrected, self.offer = [], None
        self._quiet.stop()

    def set_model(self, version: str) -> None:
        self.model_label.setText(f"model {version}" if version else "no model")

    def set_job(self, state) -> None:
        """The retrain's progress bar from a ``JobState`` (jarvis_desktop.core.progress_event)."""
        if not state.running:
            self.job_bar.hide()
            return
        self.job_bar.show()
        self.job_bar.setRange(0, state.total)
        self.job_bar.setValue(state.step)
        eta = state.eta_s
        if state.paused:  # the conversation comes first (trainer_yield.py)
            self.job_bar.setFormat(f"{state.stage} %p% · waiting while Jarvis answers")
        else:
            self.job_bar.setFormat(f"{state.stage} %p%" + (f" · {eta // 60} min left" if eta else ""))
        self.job_bar.setToolTip(state.message)

    def set_listening(self, on: bool) -> None:
        self.talk_button.setIcon(icon("mic_on" if on else "mic"))
        self.talk_button.setToolTip("Listening… (Ctrl+Space)" if on else "Talk (Ctrl+Space)")
        if on:
            self.statusBar().showMessage("Listening…", 3000)

    def set_voice(self, available: bool, reason: str = "") -> None:
        """Voice ready, or why Jarvis is text-only (said once, in the conversation)."""
        self.talk_button.setEnabled(available)
        self.mute_button.setEnabled(available)
        if not available:
            self.talk_button.setToolTip(reason)
            note = self._add(MessageBubble("note", f"Voice is off: {reason}." if reason else "Voice is off."))
            note.label.setStyleSheet("color: #555;")

    def set_muted(self, muted: bool) -> None:
        if self.mute_button.isChecked() != muted:
            self.mute_button.setChecked(muted)

    def _mute_toggled(self, muted: bool, emit: bool = True) -> None:
        self.mute_button.setIcon(icon("muted" if muted else "speaker"))
        self.mute_button.setToolTip("Unmute: speak replies" if muted else "Mute: answer in the window only")
        if emit:
            self.mute_toggled.emit(muted)

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.send_button.setIcon(icon("stop" if busy else "send"))
        self.send_button.setToolTip("Stop" if busy else "Send")

    # --- internals --------------------------------------------------------------------------------
    def _add(self, bubble: MessageBubble) -> MessageBubble:
        self.column.addWidget(bubble)
        self.bubbles.append(bubble)
        # A days-long conversation must not grow the window without end: older messages leave
        # the screen (the History view keeps them all).
        while len(self.bubbles) > MAX_BUBBLES:
            old = self.bubbles.pop(0)
            if old is self.offer:
                self.offer = None
            old.setParent(None)
            old.deleteLater()
        return bubble

    def _send_or_stop(self) -> None:
        if self.busy:
            self.stop_requested.emit()
            return
        text = self.input.text().strip()
        if text:
            self.input.clear()
            self.send_requested.emit(text)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.closing.emit()
        super().closeEvent(event)
