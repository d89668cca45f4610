"""The optional "Hey Jarvis" wake word, heard two ways:

* frame by frame by microWakeWord's hey_jarvis model, shipped with its own TFLite library by the
  ``pymicro-wakeword`` package (Apache-2.0), on 16 kHz 16-bit mono.  Quick (it fires as the word
  ends) and never fooled by other speech in our runs, but deaf to many voices: it missed every
  one of 48 espeak-ng utterances of "Hey Jarvis" and 2 of 6 of piper's;
* in the transcript: while Jarvis waits for the wake word, each thing said is transcribed when
  it ends with "Hey Jarvis." as whisper's prompt (the previous text it conditions on), and taken
  when it begins with the wake phrase (``wake_command``).  Without the prompt, whisper tiny.en
  wrote the name as "Darvis", "Garamis", "darkness" for espeak-ng's voices; with it, "Jarvis"
  (benchmarks/wake_bench.py measures both ways over voices, speeds, noise and an hour of other
  speech).  "Hey Jarvis, what time is it?" said in one breath is then the command "what time is it?".
  Longer talk is looked at as it goes (the pipeline's peeks: the last 3 s every 2 s), where the
  phrase may come anywhere (``wake_within``).
"""

from __future__ import annotations

import re

import numpy as np

from jarvis_desktop.core.errors import ConfigError
from jarvis_desktop.voice.audio import to_pcm16

__all__ = ["WakeWord", "WAKE_CONFIRMED", "WAKE_LEAD", "WAKE_LIKELY", "WAKE_NAME", "WAKE_PROMPT", "WAKE_SECOND", "wake_command",
           "wake_within"]

WAKE_PROMPT = "Hey Jarvis."
# Where a transcript does not begin with the wake phrase: whisper's probability of " Jarvis" after
# a forced " Hey" (WhisperTranscriber.wake_check).  Over 272 sentences of other speech in 15
# voices, clean and at 10 dB SNR, it was at most 0.083; of 135 "Hey Jarvis" whose transcripts
# missed 37, it reached this line in 27 of them.
WAKE_LEAD, WAKE_NAME, WAKE_LIKELY = " Hey", " Jarvis", 0.3
# Between this and WAKE_LIKELY whisper base, prompted with the phrase too, has a second listen
# (WhisperTranscriber.second_opinion), and the transcript it writes decides: on the wake bench's
# 135 "Hey Jarvis" tiny.en left 9 under the line (espeak-ng's Caribbean and RP voices in noise),
# 5 of them at 0.2-0.29, and base wrote 4 of those 5 as "Hey Jarvis, ...".  Base alone writes the
# phrase into other talk ("Hey Jarvis. What in the world?" for "Hey Siri, what is the weather?"):
# asked only here, where tiny.en too finds the name likely, and other speech scored at most
# 0.154 on 1,488 checks of the bench's hour of it.
WAKE_SECOND = 0.2
# The wake model's word is confirmed at this (the same score, on its last 1.5 s): its one false
# accept in an hour of other speech, piper's "Hey Travis, could you pass me the salt?", scored
# 0.002; piper's "Hey Jarvis" at three speeds, clean and in noise, 0.36 or more.
WAKE_CONFIRMED = 0.05
# What may come before the name: "Hey Jarvis", "OK Jarvis", "Right, Jarvis", or nothing
_LEAD = ("hey", "hi", "hello", "ok", "okay", "oh", "right", "so", "um", "uh", "er", "excuse me")
_WAKE = re.compile(r"\W*(?:(?:" + "|".join(_LEAD) + r")\b\W*)?jarvis\b[\s,.!?;:\-\u2014]*", re.IGNORECASE)


_WAKE_WITHIN = re.compile(r"(?:\b(?:hey|hi|hello|ok|okay)\W+jarvis\b|(?:^|[.!?]\s+)jarvis\b)[\s,.!?;:\-\u2014]*",
                          re.IGNORECASE)


def wake_within(text: str) -> str | None:
    """Like ``wake_command`` for a transcript of the last seconds of longer talk, where the wake
    phrase may come anywhere: "Hey Jarvis" (or "OK Jarvis") anywhere, or "Jarvis" opening a
    sentence; what follows it, or None."""
    return _after(text, _WAKE.match(text) or _WAKE_WITHIN.search(text))


def wake_command(text: str) -> str | None:
    """What follows the wake phrase when ``text`` begins with one ("Hey Jarvis, what time is it?"
    -> "What time is it?"; "Jarvis." -> ""), else None ("Hey Travis, come here.", "Ask Jarvis"):
    the name must open the sentence, so talk about Jarvis does not wake him."""
    return _after(text, _WAKE.match(text))


def _after(text: str, match) -> str | None:
    """What follows the wake phrase ``match`` found in ``text``, capitalised; None for no match."""
    if match is None:
        return None
    rest = text[match.end():].strip()
    return rest[:1].upper() + rest[1:]


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
        pcm = to_pcm16(frame)
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
