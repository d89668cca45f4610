"""A global push-to-talk key, where the desktop allows one.

pynput listens to the X server, so it works on X11; under Wayland a global key is the
compositor's business.  Where it cannot run, ``start``
returns a sentence saying why and the in-window button and tray entry remain.
"""

from __future__ import annotations

import logging
import os
from typing import Callable

__all__ = ["GlobalHotkey"]

log = logging.getLogger(__name__)


class GlobalHotkey:
    def __init__(self, keys: str, on_press: Callable[[], None]):
        self.keys, self.on_press = keys, on_press
        self._listener = None

    def start(self) -> str:
        """"" when listening; else why not (for the status bar)."""
        if not self.keys:
            return ""
        if not os.environ.get("DISPLAY"):
            return ("no global talk key: this desktop is not X11; use the microphone button "
                    "(Ctrl+Space in the window) or the tray's Talk entry")
        try:
            from pynput import keyboard

            self._listener = keyboard.GlobalHotKeys({self.keys: self.on_press})
            self._listener.daemon = True
            self._listener.start()
        except Exception as exc:  # ImportError, Xlib errors, a malformed key string (ValueError)
            self._listener = None
            return f"the global talk key {self.keys} could not be set up ({exc})"
        log.info("global talk key: %s", self.keys)
        return ""

    def close(self) -> None:
        if self._listener is not None:
            self._listener.stop()
            self._listener = None
