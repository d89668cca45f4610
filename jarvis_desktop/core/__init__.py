"""Jarvis's core: everything that answers a message, stores it and keeps the models, without Qt.

The app (``jarvis_desktop``), the console (``jarvis chat``), the trainer and the converter all
build on this package; importing it never loads PySide6 (``tests/test_layers.py`` checks). See
``docs/ARCHITECTURE.md`` for the layout and the data flow.
"""
