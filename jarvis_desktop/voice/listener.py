"""The voice pipeline's listener: microphone frames, through the echo canceller, the VAD and the
endpointer, become speech events for the recognizer; on the way it hears the wake word, talk
over Jarvis (barge-in, in AEC3's output and in the linear echo path) and the stop phrase.

``Listener`` is a part of ``VoicePipeline`` (its state is made there); it runs on the listener
thread only.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from dataclasses import dataclass

import numpy as np

from jarvis_desktop.voice.audio import FRAME, SAMPLE_RATE
from jarvis_desktop.voice.vad import Speech

log = logging.getLogger("jarvis_desktop.voice.pipeline")

_STOP = object()
# Talk while Jarvis waits for the wake word (or over him, where his echo may keep an utterance
# going until he stops) is checked as it goes: every PEEK_EVERY of it, its last PEEK_WINDOW.
PEEK_EVERY = int(2.0 * SAMPLE_RATE)
PEEK_WINDOW = int(3.0 * SAMPLE_RATE)
# What whisper hears to confirm the wake model's word: its last seconds ("Hey Jarvis" takes about one).
CONFIRM_FRAMES = int(1.5 * SAMPLE_RATE) // FRAME
OVER_PREROLL = int(0.8 * SAMPLE_RATE)  # more of the time before speech said over Jarvis was noticed
# The utterance the VAD begins within OVER_BARGED_S of a voice found over him in the linear path
# (``VoiceOver``) is the one that cut him off.
OVER_BARGED_S = 1.5


class Listener:
    # --- listener: frames -> echo canceller -> VAD -> endpointer -> speech events -----------------
    def _listen_loop(self) -> None:
        while True:
            frame = self.frames.get()
            if frame is _STOP:
                return
            try:
                self._hear(self._clean(frame))
            except Exception:
                log.exception("listener: a frame could not be processed")

    def _clean(self, frame) -> np.ndarray:
        """A frame from a duplex device comes with what was played meanwhile and how much later
        its echo arrives: the canceller takes the echo out.  A bare frame is used as it is."""
        if not isinstance(frame, tuple):
            return frame
        mic, reference, delay_ms = frame
        return mic if self.echo is None else self.echo.process(mic, reference, delay_ms)

    def _may_interrupt(self, linear: bool = False) -> bool:
        """Whether speech may cut Jarvis off now: on speakers, if the canceller had settled before
        the utterance began, or (``linear``: a voice found in the linear echo path) once that path
        tells a voice from his echo (``EchoCanceller.linear_trusted``, about 2 s into his first
        reply on a new device); until then only the stop phrase and the wake word can."""
        if (self.echo is not None and not self.o.headset
                and not self.echo.converged_before(self.o.vad.preroll_s + self.o.vad.min_speech_s + 0.1)
                and not (linear and self.echo.linear_trusted)):
            return False
        return self.o.speech_interrupts(self.echo is not None)

    def _unsuppressed(self, event: Speech) -> Speech:
        """Words said over Jarvis, for whisper, without the canceller's suppressor (which takes
        out much of a voice talking over him): the microphone less the linear echo estimate,
        from OVER_PREROLL earlier (the suppressor also kept the VAD from hearing the first words)."""
        back = self.endpointer.samples_seen - event.start_sample + OVER_PREROLL
        audio = self.echo.said_over(back, len(event.audio) + OVER_PREROLL)
        return event if audio is None else dataclasses.replace(event, audio=audio)

    def _listen_over(self, may_cut: bool) -> float:
        """A voice over Jarvis, heard in the linear path (``VoiceOver``: frames that its VAD calls
        speech and that are louder than his echo estimate, two in a row) cuts him off at once,
        before AEC3's output, whose suppressor thins a voice over his, lets the main VAD hear
        it.  Offline on 30 trials of the bench's rooms and voices: 167 ms
        after the voice began (median) against 262 ms for the VAD on AEC3's output, within
        250 ms in 19 of 30 against 14, and never on 83 s of his echo alone.

        Returns the speech probability of a voice over him in this frame (0 where the frame is
        no louder than his echo): the main VAD, which hears AEC3's output, misses much of such a
        voice, so the endpointer takes the greater (a "Hey Jarvis" said over him is then heard
        as an utterance, which whisper looks at for the wake word)."""
        over = self.echo.over
        if over is None:  # nothing played for a second: its VAD starts afresh next time
            if self._over_heard:
                self.over_vad.reset()
                self._over_heard = False
            self._over_voice.reset()
            return 0.0
        self._over_heard = True
        prob = self.over_vad(over)
        # the endpointer hears it only where the residual itself stands over his echo's level
        # (``above_echo``): with the finer test of ``double_talk``, whose two frames in a row
        # cut him off below, it began utterances on his echo's ring between his words, which
        # cut him off twice in 3 hours of the bench
        said = prob if self.echo.above_echo else 0.0
        if not may_cut or (self.endpointer.active and not self._over_reply):
            self._over_voice.reset()  # (not now, or the utterance under way has cut him off already)
            return said
        if self._over_voice(prob >= self.o.vad.threshold, self.echo) and self._may_interrupt(linear=True):
            log.info("a voice over Jarvis (%.1f dB against his echo, AEC3 removed %s dB): barge-in", self.echo.talk_db,
                     "?" if self.echo.removed_db is None else f"{self.echo.removed_db:.0f}")
            self._over_voice.reset()
            self._over_barged_at = self.endpointer.samples_seen
            # an utterance begun over him when his voice could not yet be told from the user's
            # (the canceller unsettled) is the one that cut him off: the next command
            self._over_reply = False
            self.interrupt()
            self.on_barge_in()
        return said

    def _cut_off(self) -> None:
        """Speech cut Jarvis off: the utterance under way is the next command."""
        self.interrupt()
        self.on_barge_in()
        self._over_reply = False

    def _show_awake(self, on: bool) -> None:
        """``on_listening`` from the wake word until the command is heard or the time to say it has
        passed (the window's microphone; it stayed lit for good after the first "Hey Jarvis")."""
        with self._awake_lock:  # the audio thread puts it out, the speech thread may light it meanwhile
            if not on and time.monotonic() <= self._armed_until:
                return  # armed again since the caller looked (a wake word heard by whisper)
            if on != self._awake_shown:
                self._awake_shown = on
                self.on_listening(on)

    def _confirm_wake(self, audio: np.ndarray) -> bool:
        """Whether the wake model's word, ``audio`` its last seconds, is to be confirmed before
        Jarvis listens (then the confirmation arms him); False: he listens at once."""
        return False

    def _in_unarmed(self) -> bool:
        """Whether the utterance under way began while the wake word was awaited: the wake model
        goes on hearing it, and it is looked at as it goes."""
        return self.endpointer.active and self.endpointer.utterance in self._unarmed

    def _hear(self, frame: np.ndarray) -> None:
        now = time.monotonic()
        self._recent_frames.append(frame)
        speaking = self.speaking.is_set() or not self.texts.empty()
        if self._was_speaking and not speaking and self.wake is not None and self.o.hands_free:
            self._armed_until = max(self._armed_until, now + self.o.follow_up_s)  # a follow-up needs no wake word
        self._was_speaking = speaking
        if self.speaking.is_set() and self.o.hands_free and self.echo is None and not self.o.headset:
            self._quiet_until = now + self.o.echo_tail_s  # Jarvis's own voice, uncancelled: not a command
        if now < self._quiet_until or not self.listening.is_set():
            if self.endpointer.active:  # an utterance cut off unheard: it has ended all the same
                self.on_speech(False)
            self.endpointer.reset()
            self.vad.reset()
            return
        armed = self.wake is None or now <= self._armed_until
        if self._awake_shown and not armed and not self.endpointer.active:
            self._show_awake(False)  # the command was heard, or nothing was said in time
        if not armed and (speaking or not self.endpointer.active or self._in_unarmed()):
            if self.wake.process(frame):
                log.info("wake word heard")
                if speaking and self.o.barge_in:
                    self.interrupt()
                    self.on_barge_in()
                if self.endpointer.active:
                    self.on_speech(False)
                    self.speech.put(_Dropped())
                self.endpointer.reset()  # the wake word itself is not part of the command
                if not speaking and self._confirm_wake(np.concatenate(self._recent_frames)):
                    return  # armed once whisper agrees (the recognizer): what follows waits for it
                self._armed_until = now + self.o.listen_timeout_s
                self._show_awake(True)
                return
            if not speaking and not self.o.wake_transcript:
                return  # waiting for the wake word; while Jarvis speaks, the stop phrase is listened for
        over = self._listen_over(speaking and armed) if self.over_vad is not None else 0.0
        # Only while he speaks, or to the end of an utterance begun over him: in the second after
        # he stops, the room still rings with what the linear filter does not model, against an
        # estimate fading with his voice.  But a user who cut him off goes on talking, and AEC3's
        # output, which thinned that voice, is what the main VAD hears: a soft voice (espeak-ng's
        # en-gb-x-rp at -30 dBFS) lost its command as "too short" once he stopped.  The level
        # floor stays off to the end of such an utterance too: its loudest frames were heard over him.
        over_him = speaking or (self.endpointer.active and self._said_over)
        prob = max(self.vad(frame), over if over_him else 0.0)
        if self._barge_pending is not None:  # begun over him on AEC3's output alone: this frame decides
            pending, self._barge_pending = self._barge_pending, None
            if (speaking and self._over_reply and self.endpointer.active and self.endpointer.utterance == pending
                    and prob >= self.o.vad.threshold):
                self._cut_off()
        for event in self.endpointer.push(frame, prob, floor=not over_him):
            if event.kind == "start":
                log.debug("utterance %d began (armed: %s)", event.utterance, armed)
                barged = (self._over_barged_at is not None
                          and self.endpointer.samples_seen - self._over_barged_at < OVER_BARGED_S * SAMPLE_RATE)
                self._over_barged_at = None
                self._said_over = speaking or barged  # (its first words: the linear path's)
                self._over_reply = speaking and not barged
                self._next_peek = PEEK_EVERY
                if not armed:  # whisper will look for the wake word in it
                    for old in list(self._unarmed):  # (the recognizer pops from it meanwhile: no iterating it)
                        if old <= event.utterance - 8:
                            self._unarmed.pop(old, None)
                    self._unarmed[event.utterance] = now
                else:  # (talk nearby, perhaps a television, does not hold up a retrain: on_speech)
                    self.on_speech(True)
                if speaking and armed and not barged and self._may_interrupt():
                    # On speakers, a frame that only the main VAD calls speech (AEC3's output; the
                    # linear path heard nothing over his echo) cuts him off only if the next one is
                    # speech too: once in 120 fresh starts a single frame of his echo that AEC3 let
                    # through, just settled, reached 0.54.  Offline on 180 users over him, no
                    # barge-in came later for it (2026-12-05).
                    if self.echo is None or self.o.headset or over >= self.o.vad.threshold:
                        self._cut_off()
                    else:
                        self._barge_pending = event.utterance
                continue
            if event.kind != "end" and self._over_reply:
                continue  # no guesses at words said over him: only the whole utterance is checked
            if event.audio is not None and self._said_over and self.echo is not None:
                event = self._unsuppressed(event)
            if event.kind == "end":
                self.on_speech(False)
                event = _Ended(event, time.monotonic(), self._over_reply, self._armed_until)
                self._over_reply = False
                was_unarmed = event.speech.utterance in self._unarmed
                log.debug("utterance %d ended (%s, began unarmed: %s, armed: %s)", event.speech.utterance,
                          "too short" if event.speech.audio is None else "speech", was_unarmed, armed)
                if not self.o.hands_free:
                    self.listening.clear()
                    self.on_listening(False)
                if not event.over_reply and not was_unarmed and event.speech.audio is not None:
                    # the next command needs the wake word again (a click or a breath, too short to be
                    # speech, does not use it up: it once cost the command said just after "Hey Jarvis")
                    self._armed_until = 0.0
            self.speech.put(event)
        if self._in_unarmed() and self.endpointer.heard >= self._next_peek:
            self._next_peek += PEEK_EVERY
            window = self.endpointer.recent(PEEK_WINDOW)
            if self._said_over and self.echo is not None:
                n = min(PEEK_WINDOW, self.endpointer.heard + OVER_PREROLL)
                unsuppressed = self.echo.said_over(n, n)
                window = window if unsuppressed is None else unsuppressed
            self.speech.put(_Peek(self.endpointer.utterance, window, opening=self.endpointer.heard <= PEEK_WINDOW))
        if (not self.o.hands_free and not self.endpointer.active and self._listen_deadline
                and now > self._listen_deadline):
            self._listen_deadline = 0.0
            self.stop_listening()


@dataclass
class _Peek:
    """The last seconds of talk under way that may hold the wake word; ``opening``: they begin
    where the utterance began (its first peek)."""
    utterance: int
    audio: np.ndarray
    opening: bool = False


@dataclass
class _Fired:
    """The wake model fired while Jarvis was quiet: ``audio``, its last seconds, for whisper to confirm."""
    audio: np.ndarray


class _Dropped:
    """The utterance under way was dropped (the wake model fired in it): any guess at it is void."""


@dataclass
class _Ended:
    speech: Speech
    at: float
    over_reply: bool = False  # said while Jarvis spoke, without cutting him off: only a stop phrase counts
    armed_until: float = 0.0  # the wake word's time to listen when it ended (given back if no words were in it)
