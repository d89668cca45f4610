"""The "What Jarvis learned" window: after a retrain (and from the Models menu for any version),
what it learned from, each checked figure before and after, the replies that changed, the
gate's verdict in plain words, and a rollback right there.  Data: core/learned.py."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHeaderView, QLabel, QPushButton, QTableWidget,
                               QTableWidgetItem, QTextBrowser, QVBoxLayout)

from jarvis_desktop.core.learned import Learned
from jarvis_desktop.views.chat import icon

__all__ = ["LearnedDialog"]

_COLOURS = {"better": "#1b7f3b", "worse": "#b3261e", "same": "#555555", "": "#555555"}


class LearnedDialog(QDialog):
    """Shows one ``Learned`` report; ``rollback_requested`` when the user asks to go back (offered
    only where the report's version is the current one and ``can_rollback``)."""

    rollback_requested = Signal()

    def __init__(self, report: Learned, can_rollback: bool = False, parent=None):
        super().__init__(parent)
        self.report = report
        self.setWindowTitle(f"What Jarvis learned — {report.version}")
        self.setWindowIcon(icon("jarvis"))
        self.resize(720, 640)
        lay = QVBoxLayout(self)
        self.headline = QLabel(f"<b>{escape(report.headline)}</b>")
        self.verdict = QLabel(escape(report.verdict))
        self.verdict.setWordWrap(True)
        lay.addWidget(self.headline)
        lay.addWidget(self.verdict)
        used = "".join(f"<li>{escape(line)}</li>" for line in report.used)
        self.used = QLabel(f"Learned from:<ul style='margin-top:2px'>{used}</ul>")
        self.used.setWordWrap(True)
        lay.addWidget(self.used)
        self.figures = QTableWidget(len(report.figures), 4)
        before = report.against or "before"
        self.figures.setHorizontalHeaderLabels(["Checked on held-out requests", before, report.version, ""])
        if not any(f.verdict for f in report.figures):
            self.figures.setColumnHidden(3, True)  # nothing compared (a first model): no empty column
        for row, f in enumerate(report.figures):
            cells = (f.words, f.shown(f.before), f.shown(f.after), f.verdict)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                if col == 3:
                    item.setForeground(QColor(_COLOURS[f.verdict]))
                self.figures.setItem(row, col, item)
        head = self.figures.horizontalHeader()
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3):
            head.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.figures.verticalHeader().hide()
        self.figures.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.figures.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.figures.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        lay.addWidget(self.figures, 3)
        self.changes = QTextBrowser()
        self.changes.setHtml(self._changes_html())
        lay.addWidget(QLabel("Replies that changed most (prompts Jarvis never trained on):"))
        lay.addWidget(self.changes, 2 if report.changes else 0)
        if not report.changes:
            self.changes.setMaximumHeight(4 * self.fontMetrics().height())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.rollback_button: QPushButton | None = None
        if report.current and report.promoted and can_rollback:
            self.rollback_button = buttons.addButton(f"Roll back to {report.against or 'the model before'}",
                                                     QDialogButtonBox.ButtonRole.ActionRole)
            self.rollback_button.clicked.connect(self._rollback)
        lay.addWidget(buttons)

    def _changes_html(self) -> str:
        r = self.report
        if not r.changes:
            why = "; ".join(r.missing) if r.missing else "no held-out reply changed"
            return f"<p style='color:#555'>{escape(why[:1].upper() + why[1:])}.</p>"
        out = []
        for c in r.changes:
            out.append(f"<p><b>“{escape(c.prompt)}”</b><br>"
                       f"<span style='color:#555'>{escape(r.against or 'before')}:</span> {escape(c.before)}<br>"
                       f"<span style='color:#555'>{escape(r.version)}:</span> {escape(c.after)}</p>")
        return "".join(out)

    def _rollback(self) -> None:
        self.rollback_requested.emit()
        self.accept()
