"""The optional "Hey Jarvis" wake word: microWakeWord's hey_jarvis model, shipped with its own
TFLite library by the ``pymicro-wakeword`` package (Apache-2.0); runs on 16 kHz 16-bit mono."""

from __future__ import annotations

import numpy as np

from jarvis_desktop.core.errors import ConfigError

__all__ = ["WakeWord"]


class WakeWord:
    """``process(frame)`` is True on the frame where "Hey Jarvis" has just been said."""

    def __init__(self, name: str = "hey_jarvis"):
        try:
            from pymicro_wakeword import MicroWakeWord, MicroWakeWordFeatures, Model
        except (ImportError, OSError) as exc:
            raise ConfigError("the wake word needs the packages pymicro-wakeword and pymicro-features: "
                              f"pip install pymicro-wakeword pymicro-features ({exc})") from exc
        try:
            model = Model(name)
        except ValueError as exc:
            raise ConfigError(f"no built-in wake word {name!r}; choose one of "
                              f"{', '.join(m.value for m in Model)}") from exc
        try:
            self._model = MicroWakeWord.from_builtin(model)
        except (OSError, ValueError) as exc:  # its model file or TensorFlow Lite library is missing
            raise ConfigError(f"the wake word {name!r} could not be loaded ({exc}); reinstall "
                              "pymicro-wakeword") from exc
        self._features = MicroWakeWordFeatures()
        self.name = name

    def process(self, frame: np.ndarray) -> bool:
        pcm = (np.clip(frame, -1.0, 1.0) * 32767).astype("<i2").tobytes()
        hit = False
        for features in self._features.process_streaming(pcm):
            hit = self._model.process_streaming(features) or hit
        if hit:
            self.reset()
        return hit

    def reset(self) -> None:
        self._model.reset()
        self._features.reset()

    def close(self) -> None:
        self._model.close()
