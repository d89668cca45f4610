"""Settings: a form built from the Settings dataclass's fields, their help texts and limits.

The spin boxes take their ranges from the fields' ``min``/``max`` (the limits ``Settings``
checks); what a range cannot say (settings that must fit together) ``Settings`` checks when
the dialog builds the result, and Save is refused with its message.
"""

from __future__ import annotations

import re
from dataclasses import fields, replace

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout,
                               QLabel, QLineEdit, QPlainTextEdit, QSpinBox, QVBoxLayout)

from jarvis_desktop.core.errors import ConfigError
from jarvis_desktop.core.settings import Settings

__all__ = ["SettingsDialog"]

HIDDEN = {"last_retrain", "retrain_stopped", "retrain_args", "window_geometry", "muted"}  # (muted: the speaker button)


def field_range(f, default: tuple) -> tuple:
    """A spin box's range: the field's own limits, ``default`` where it has none."""
    return f.metadata.get("min", default[0]), f.metadata.get("max", default[1])


def field_label(help_text: str) -> str:
    """A form label from a setting's help text: the words before its first explanation
    (": …", "; …", " (…"), first letter capitalised; the whole text is the tooltip."""
    head = re.split(r":|;| \(", help_text, maxsplit=1)[0].strip()
    return head[:1].upper() + head[1:]


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, versions: list[str], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Jarvis settings")
        self.settings = settings
        self.editors = {}
        form = QFormLayout()
        for f in fields(Settings):
            if f.name in HIDDEN:
                continue
            value = getattr(settings, f.name)
            if f.name == "honorific":
                w = QComboBox()
                w.setEditable(True)
                w.addItems(["sir", "madam"])
                w.setCurrentText(value)
            elif f.name == "model_version":
                w = QComboBox()
                w.addItem("(current)", "")
                for v in versions:
                    w.addItem(v, v)
                w.setCurrentIndex(max(0, w.findData(value)))
            elif f.name == "persona":
                w = QPlainTextEdit(value)
                w.setPlaceholderText("empty: Jarvis's own persona prompt; {honorific} is filled in")
                w.setFixedHeight(80)
            elif isinstance(value, bool):
                w = QCheckBox()
                w.setChecked(value)
            elif isinstance(value, float):
                w = QDoubleSpinBox()
                w.setRange(*field_range(f, (0.0, 10.0)))
                w.setSingleStep(0.05)
                w.setValue(value)
            elif isinstance(value, int):
                w = QSpinBox()
                w.setRange(*field_range(f, (0, 10**6)))
                w.setValue(value)
            else:
                w = QLineEdit(str(value))
            w.setToolTip(f.metadata.get("help", ""))
            self.editors[f.name] = w
            form.addRow(field_label(f.metadata.get("help", f.name)), w)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b3261e")
        self.error.setWordWrap(True)  # a refusal names the settings and what to do: a sentence or two
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def values(self) -> dict:
        out = {}
        for name, w in self.editors.items():
            if isinstance(w, QComboBox):
                out[name] = w.currentData() if name == "model_version" else w.currentText().strip()
            elif isinstance(w, QPlainTextEdit):
                out[name] = w.toPlainText().strip()
            elif isinstance(w, QCheckBox):
                out[name] = w.isChecked()
            elif isinstance(w, (QSpinBox, QDoubleSpinBox)):
                out[name] = w.value()
            else:
                out[name] = w.text().strip()
        return out

    def result_settings(self) -> Settings:
        """The edited settings; ConfigError when they break a limit or do not fit together."""
        return replace(self.settings, **self.values())

    def _accept(self) -> None:
        try:
            self.result_settings()
        except ConfigError as exc:
            text = str(exc)
            self.error.setText(text[:1].upper() + text[1:])  # a sentence on screen
            return
        self.accept()
