"""Voice for the app: joins the voice pipeline (plain threads) to the controller (Qt).

Spoken text goes to ``Controller.send`` as if typed (so it shows as the user's turn and is
logged alike); the reply's tokens go to the pipeline as they stream, so Jarvis speaks the
first sentence while the model writes the rest.  Barge-in stops the generation, and what was
actually heard is written to the turn's ``spoken`` (and stands for the reply in the
conversation the model sees next).

Loading whisper and piper takes about a second: it happens in a thread after the window is
up.  No sound hardware, PortAudio missing, a model that does not load: ``unavailable`` says
why, once, and Jarvis works text-only.
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from jarvis_desktop.core.errors import JarvisError
from jarvis_desktop.core.settings import Settings

__all__ = ["VoiceService", "build_pipeline"]

log = logging.getLogger(__name__)


def voice_options(settings: Settings):
    from jarvis_desktop.voice.pipeline import VoiceOptions
    from jarvis_desktop.voice.vad import VadOptions

    return VoiceOptions(hands_free=settings.hands_free, headset=settings.headset, echo_cancel=settings.echo_cancel,
                        wake_transcript=settings.wake_by_whisper,
                        follow_up_s=5.0 if settings.follow_up else 0.0, vad=VadOptions(silence_s=settings.silence_s))


def build_pipeline(settings: Settings, **callbacks):
    """The real thing: microphone, whisper, piper, the default sound device.  Raises
    AudioUnavailable / ConfigError (both JarvisError) with a sentence for the user."""
    from jarvis_desktop.voice.asr import AsrOptions, WhisperTranscriber
    from jarvis_desktop.voice.audio import AudioUnavailable, DuplexDevice, Microphone, SoundDeviceSink, probe_audio
    from jarvis_desktop.voice.pipeline import VoicePipeline
    from jarvis_desktop.voice.tts import PiperSynthesizer, TtsOptions

    reason = probe_audio()
    if reason:
        raise AudioUnavailable(reason)
    wake = None
    if settings.hands_free and settings.wake_word:
        from jarvis_desktop.voice.wake import WakeWord
        wake = WakeWord()
    options = voice_options(settings)
    asr = WhisperTranscriber(AsrOptions(model=settings.asr_model))
    tts = PiperSynthesizer(TtsOptions(voice=settings.tts_voice, speed=settings.speech_rate))
    if options.hands_free and not options.headset and options.echo_cancel:
        # On speakers: one duplex stream, so the canceller gets what was played beside what was heard
        try:
            from jarvis_desktop.voice.echo import EchoCanceller
            echo = EchoCanceller()
            frames: queue.Queue = queue.Queue(maxsize=2000)
            duplex = DuplexDevice(frames)
            duplex.start()
        except JarvisError as exc:
            log.warning("echo cancellation is off (%s): Jarvis cannot be interrupted by voice on speakers", exc)
        else:
            pipeline = VoicePipeline(asr, tts, duplex, options, wake=wake, echo=echo, **callbacks)
            pipeline.frames = frames
            pipeline.microphone = duplex
            return pipeline
    pipeline = VoicePipeline(asr, tts, SoundDeviceSink(), options, wake=wake, **callbacks)
    pipeline.microphone = Microphone(pipeline.frames)
    pipeline.microphone.start()
    return pipeline


class VoiceService(QObject):
    ready = Signal()
    unavailable = Signal(str)  # why Jarvis is text-only (shown once)
    listening_changed = Signal(bool)
    muted_changed = Signal(bool)
    _built = Signal(object, str)
    _heard = Signal(object)
    _guess_heard = Signal(object)
    _guess_void = Signal()
    _spoken = Signal(int, str, bool)
    _barge_in = Signal()
    _listening = Signal(bool)
    _speech = Signal(bool)  # the user is talking (the listener thread's VAD)
    _talk_key = Signal()  # the global key, pressed (pynput's thread)

    def __init__(self, settings: Settings, controller, build: Callable | None = None):
        super().__init__()
        self.settings, self.controller = settings, controller
        self._build = build or build_pipeline
        self.pipeline = None
        self.reason = ""
        self.listening = False
        self._reply = 0  # the pipeline's id of the reply being spoken (0: none)
        self._turn_of: dict[int, int] = {}  # pipeline reply id -> logged turn id
        self._spoken_of: dict[int, tuple[str, bool]] = {}
        self._pending = ""  # heard while the last reply was still being written
        self._guess = None  # the controller's Guess the model is answering now, unconfirmed
        self._hotkey = None
        self._built.connect(self._on_built)
        self._heard.connect(self._on_heard)
        self._guess_heard.connect(self._on_guess)
        self._guess_void.connect(self._drop_guess)
        self._spoken.connect(self._on_spoken)
        self._barge_in.connect(controller.stop)
        self._listening.connect(self._on_listening)
        self._talk_key.connect(self.talk)
        self._speech.connect(self._on_speech)
        self._voiced: set[int] = set()  # replies begun for speaking and not yet spoken or dropped
        c = controller
        c.reply_started.connect(self._reply_started)
        c.draft_token.connect(self._reply_token)
        c.reply_finished.connect(self._reply_finished)
        c.reply_failed.connect(self._reply_failed)
        c.engine_free.connect(self._send_pending)
        c.announcement.connect(self.speak)
        c.conversation_reset.connect(self.interrupt)

    # --- life cycle ----------------------------------------------------------------------------
    def start(self) -> None:
        if not self.settings.voice:
            self._on_built(None, "it is switched off in Settings; Jarvis works text-only")
            return
        callbacks = dict(on_heard=self._heard.emit, on_guess=self._guess_heard.emit, on_guess_void=self._guess_void.emit,
                         on_spoken=self._spoken.emit, on_speech=self._speech.emit,
                         on_barge_in=self._barge_in.emit, on_listening=self._listening.emit,
                         llm_may_run=self.controller.may_run)

        def build():
            try:
                self._built.emit(self._build(self.settings, **callbacks), "")
            except JarvisError as exc:
                self._built.emit(None, str(exc))
            except Exception as exc:  # a broken engine install must not take the app down
                log.exception("voice could not start")
                self._built.emit(None, f"voice could not start ({type(exc).__name__}: {exc}); Jarvis works text-only")

        threading.Thread(target=build, name="jarvis-voice-load", daemon=True).start()

    def _on_built(self, pipeline, reason: str) -> None:
        if pipeline is None:
            self.reason = reason
            log.warning("voice unavailable: %s", reason)
            self.unavailable.emit(reason)
            return
        self.pipeline = pipeline.start()
        from jarvis_desktop.voice.hotkey import GlobalHotkey

        self._hotkey = GlobalHotkey(self.settings.talk_hotkey, self._talk_key.emit)
        why = self._hotkey.start()
        if why:
            self.controller.notice.emit(why)
        self.ready.emit()

    def close(self) -> None:
        if self._hotkey is not None:
            self._hotkey.close()
            self._hotkey = None
        if self.pipeline is not None:
            self.pipeline.close()
            self.pipeline = None
        self._reply, self._guess, self._pending = 0, None, ""
        self._turn_of.clear()
        self._spoken_of.clear()
        self._voiced.clear()
        self.controller.trainer_yield.release("speech")
        self.controller.trainer_yield.release("user")

    # --- what the user does ----------------------------------------------------------------------
    @property
    def available(self) -> bool:
        return self.pipeline is not None

    def talk(self) -> None:
        """Push-to-talk (the button, the tray entry, the global key): listen for one utterance;
        while Jarvis speaks, it cuts him off first."""
        if self.pipeline is None:
            self.controller.notice.emit(self.reason or "voice is still starting")
            return
        self.pipeline.listen_once()

    def interrupt(self) -> None:
        if self.pipeline is not None:
            self.pipeline.interrupt()

    def set_muted(self, muted: bool) -> None:
        self.settings.muted = bool(muted)
        if muted:
            self.interrupt()
        self.muted_changed.emit(self.settings.muted)

    def speak(self, text: str) -> None:
        """Say something that is not a reply (a timer's announcement)."""
        if self.pipeline is not None and not self.settings.muted:
            reply = self.pipeline.begin_reply()
            self.pipeline.say(reply, text)
            self.pipeline.end_reply(reply)

    # --- from the pipeline (queued onto the GUI thread) ----------------------------------------------
    def _on_listening(self, on: bool) -> None:
        self.listening = on
        self.listening_changed.emit(on)

    def _on_guess(self, heard) -> None:
        """Speculation: answer the words transcribed during the trailing silence right away; the
        audio is made but held until the endpoint confirms them (``_on_heard``)."""
        if self._guess is not None or self.controller.busy or self.pipeline is None:
            return
        reply = 0 if self.settings.muted else self.pipeline.begin_reply(held=True)
        self._reply = reply
        self._voicing(reply)
        self._guess = self.controller.guess(heard.text)
        if self._guess is None:
            self._reply = 0
            if reply:
                self.pipeline.cancel(reply)
                self._voiced_done(reply)

    def _drop_guess(self) -> None:
        if self._guess is not None:
            guess, self._guess = self._guess, None
            guess.discard()
            if self._reply:
                self.pipeline.cancel(self._reply)
                self._voiced_done(self._reply)
                self._reply = 0

    def _on_heard(self, heard) -> None:
        if self._guess is not None:
            if heard.text == self._guess.text:  # the guess was right: show it, speak it
                guess, self._guess = self._guess, None
                if self._reply:
                    self.pipeline.release(self._reply)
                guess.confirm()
                return
            self._drop_guess()  # the user said more: answer all of it once the guess has stopped
        if self.controller.busy:  # barge-in has asked the model to stop; send when it has
            self._pending = heard.text
            self.controller.stop()
            return
        self._send(heard.text)

    def _send(self, text: str) -> None:
        self.controller.send(text, spoken=True)

    def _on_spoken(self, reply: int, text: str, interrupted: bool) -> None:
        self._spoken_of[reply] = (text, interrupted)
        self._record(reply)
        self._voiced_done(reply)

    # --- the retrain waits while Jarvis speaks or the user talks (trainer_yield.py) ---------------------
    def _voicing(self, reply: int) -> None:
        if reply:
            self._voiced.add(reply)
            self.controller.trainer_yield.hold("speech")

    def _voiced_done(self, reply: int) -> None:
        self._voiced.discard(reply)
        if not self._voiced:
            self.controller.trainer_yield.release("speech")

    def _on_speech(self, talking: bool) -> None:
        if talking:
            self.controller.trainer_yield.hold("user")
        else:
            self.controller.trainer_yield.release("user")

    def _record(self, reply: int) -> None:
        if reply in self._turn_of and reply in self._spoken_of:
            text, interrupted = self._spoken_of.pop(reply)
            self.controller.record_spoken(self._turn_of.pop(reply), text, interrupted)

    # --- from the controller ---------------------------------------------------------------------------
    def _reply_started(self, spoken: bool) -> None:
        if self._reply and spoken:
            return  # a confirmed guess: its reply is already being spoken
        self._reply = 0
        if self.pipeline is None or self.settings.muted:
            return
        if spoken or self.settings.speak_typed:
            self._reply = self.pipeline.begin_reply()
            self._voicing(self._reply)

    def _reply_token(self, piece: str) -> None:
        if self._reply:
            self.pipeline.say(self._reply, piece)

    def _reply_finished(self, turn: int, text: str, stats) -> None:
        if self._reply:
            self.pipeline.end_reply(self._reply)
            self._turn_of[self._reply] = turn
            self._record(self._reply)
            self._reply = 0
        self._send_pending()

    def _reply_failed(self, reason: str) -> None:
        if self._reply:
            self.pipeline.end_reply(self._reply)
            self._reply = 0
        self._send_pending()

    def _send_pending(self) -> None:
        if self._pending:
            text, self._pending = self._pending, ""
            QTimer.singleShot(0, lambda: self._send(text))
