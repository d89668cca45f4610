"""The voice pipeline: four threads joined by queues, in the shape of GLaDOS's.

    frames ─▶ Listener (VAD, endpointing, wake word, barge-in) ─▶ speech ─▶ Recognizer (whisper)
          ─▶ on_heard(Heard)            the app sends the text to the LLM, then:
    say(reply, piece) ─▶ texts ─▶ Speaker (sentences, speakable text, piper) ─▶ audio ─▶ Player
          ─▶ sink; on_spoken(reply, words actually heard, interrupted)

Everything is handed in through the constructor: the engines (any ``Transcriber`` /
``Synthesizer``), the sink, the VAD; so each stage runs alone in a test with injected audio.
Callbacks run on the stage threads: the Qt side turns them into queued signals.

Barge-in (``interrupt``): every reply up to the current one is cancelled at once, the queues
are emptied, the sink's buffer dropped, and the player reports the words that were heard:
whole sentences played, plus the played share of the sentence it was cut in.
"""

from __future__ import annotations

import collections
import logging
import queue
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from jarvis_desktop.core.options import option as _f
from jarvis_desktop.voice.audio import FRAME, AudioChunk
from jarvis_desktop.voice.echo import VoiceOver
from jarvis_desktop.voice.listener import (_STOP, CONFIRM_FRAMES, PEEK_EVERY, PEEK_WINDOW, Listener, _Dropped, _Ended,
                                           _Fired, _Peek)
from jarvis_desktop.voice.speakable import SentenceSplitter, speakable
from jarvis_desktop.voice.vad import Endpointer, SileroVad, Speech, VadOptions
from jarvis_desktop.voice.wake import (WAKE_CONFIRMED, WAKE_LEAD, WAKE_LIKELY, WAKE_NAME, WAKE_PROMPT, WAKE_SECOND,
                                       wake_command, wake_within)

__all__ = ["VoiceOptions", "Heard", "VoicePipeline"]

log = logging.getLogger(__name__)

PLAY_BLOCK_S = 0.05  # the unit playback is written in: how late a barge-in can cut
# The first chunk of a reply may end at a clause boundary after 10 characters ("Certainly, sir,"
# / "The hour is 10:42,"): the sooner it is whole, the sooner Jarvis is heard.
FIRST_CLAUSE_CHARS = 10


@dataclass
class VoiceOptions:
    hands_free: bool = _f(False, "listen all the time (else: push-to-talk, one utterance per press)")
    headset: bool = _f(False, "you use a headset: Jarvis cannot hear himself, so speech may interrupt him")
    barge_in: bool = _f(True, "speaking (or the talk key) while Jarvis speaks stops him")
    echo_cancel: bool = _f(True, "hands-free on speakers: take Jarvis's own voice out of what the microphone "
                                 "hears (WebRTC's AEC3), so your voice may interrupt him")
    stop_phrases: tuple = _f(("stop", "that's enough", "that will do", "enough", "quiet", "be quiet",
                              "wait", "hold on", "cancel", "never mind", "shush", "shut up"),
                             "said while Jarvis speaks, these stop him even with barge-in off")
    follow_up_s: float = _f(5.0, "with the wake word: speech this soon after a reply needs no \"Hey Jarvis\"")
    wake_transcript: bool = _f(True, "with the wake word: whisper also checks whether what is said begins with "
                                     "\"Jarvis\" (hears voices the wake model misses; transcribes all nearby speech)")
    listen_timeout_s: float = _f(8.0, "push-to-talk: stop listening if nothing is said for this long")
    echo_tail_s: float = _f(0.3, "hands-free on speakers without echo cancellation: deaf this long after "
                                 "Jarvis stops")
    vad: VadOptions = field(default_factory=VadOptions)

    def speech_interrupts(self, echo_cancelled: bool = False) -> bool:
        """Whether new speech may cut Jarvis off.  In hands-free mode on speakers only with the
        echo taken out: else the microphone hears the speaker, and Jarvis would interrupt himself
        (the top complaint about voice assistants that try it)."""
        return self.barge_in and (self.headset or not self.hands_free or echo_cancelled)

    def is_stop_phrase(self, text: str) -> bool:
        """Whether ``text`` is nothing but stop phrases, give or take "Jarvis", "please", "thanks"
        ("Stop.", "Jarvis, that's enough, thank you."): a sentence that goes on ("stop the music
        and play jazz") is not."""
        words = " ".join(w for w in _words(text) if w not in _FILLERS)
        phrases = sorted({" ".join(_words(p)) for p in self.stop_phrases} - {""}, key=len, reverse=True)
        return bool(words) and bool(phrases) and re.fullmatch(
            "(?:(?:" + "|".join(map(re.escape, phrases)) + ") ?)+", words + " ") is not None


_FILLERS = {"jarvis", "please", "thanks", "thank", "you", "ok", "okay", "now", "oh", "sir"}


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower().replace("\u2019", "'"))


@dataclass
class Heard:
    text: str
    audio_s: float  # length of the utterance
    asr_s: float  # transcription time
    speculative: bool  # transcribed during the trailing silence, before the endpoint
    end_at: float  # time.monotonic() when the endpoint was found
    transcribed_at: float  # time.monotonic() when the text was ready


class VoicePipeline(Listener):
    def __init__(self, transcriber, synthesizer, sink, options: VoiceOptions | None = None, *,
                 on_heard: Callable[[Heard], None] = lambda h: None,
                 on_spoken: Callable[[int, str, bool], None] = lambda r, t, i: None,
                 on_barge_in: Callable[[], None] = lambda: None,
                 on_listening: Callable[[bool], None] = lambda on: None,
                 on_first_audio: Callable[[int, float], None] = lambda r, t: None,
                 on_guess: Callable[[Heard], None] | None = None,
                 on_guess_void: Callable[[], None] = lambda: None,
                 on_speech: Callable[[bool], None] = lambda on: None,
                 vad=None, wake=None, echo=None, llm_may_run: threading.Event | None = None,
                 over_vad=None):
        self.o = options or VoiceOptions()
        self.transcriber, self.synthesizer, self.sink = transcriber, synthesizer, sink
        self.on_heard, self.on_spoken, self.on_barge_in = on_heard, on_spoken, on_barge_in
        self.on_listening, self.on_first_audio = on_listening, on_first_audio
        # Speculation: the transcript made during the trailing silence is offered at once, so
        # the reply can be written (and its audio made, held back) while the silence timeout runs
        self.on_guess, self.on_guess_void = on_guess, on_guess_void
        self.on_speech = on_speech  # the user began (True) or ended (False) an utterance
        self.vad = vad or SileroVad()
        self.wake = wake  # optional: a WakeWord; hands-free then waits for it
        self.echo = echo  # optional: an EchoCanceller, for frames that come with what was played
        # Talk over Jarvis is listened for in the microphone less the linear echo estimate
        # (``EchoCanceller.over``), which AEC3's suppressor has not thinned: a VAD of its own.
        self.over_vad = over_vad or (SileroVad() if echo is not None else None)
        self._over_voice = VoiceOver()  # finds a voice over him in the linear path
        self._over_heard = False  # whether over_vad has heard since its last reset
        self._over_barged_at: int | None = None  # input sample where such a voice cut him off
        # Cleared while the first chunk of a reply is synthesized: the LLM (ChatEngine's may_run)
        # pauses meanwhile, so piper has the cores when the first sound is due.  On 2 cores
        # that chunk took 0.25 s next to a decoding LLM, 0.09 s alone.
        self.llm_may_run = llm_may_run
        self._first_made = 0  # the newest reply whose first chunk was made
        self.microphone = None  # set by whoever feeds ``frames`` from a device; closed with us
        self.endpointer = Endpointer(self.o.vad)
        self.frames: queue.Queue = queue.Queue(maxsize=2000)  # ~64 s: the mic never blocks
        self.speech: queue.Queue = queue.Queue()
        self.texts: queue.Queue = queue.Queue()
        self.audio: queue.Queue = queue.Queue(maxsize=64)
        self.listening = threading.Event()
        self.speaking = threading.Event()
        self.closed = threading.Event()
        self._lock = threading.Lock()
        self._reply = 0  # the newest reply
        self._cancelled = 0  # replies up to this one are void
        self._voided: set[int] = set()  # and these (a guess that was wrong)
        self._held: set[int] = set()  # replies whose audio waits for the endpoint
        self._quiet_until = 0.0
        self._listen_deadline = 0.0
        self._armed_until = 0.0
        self._awake_shown = False  # the window shows him listening for a command after the wake word
        self._awake_lock = threading.Lock()  # _show_awake: the audio and the speech threads
        self._was_speaking = False
        self._over_reply = False  # the utterance under way began while Jarvis spoke, without cutting him off
        self._barge_pending = None  # an utterance begun over him by AEC3's output alone: its next frame decides
        self._unarmed: dict[int, float] = {}  # utterances begun while the wake word was awaited: when
        self._said_over = False  # the utterance under way began while Jarvis spoke
        self._next_peek = PEEK_EVERY
        self._recent_frames: collections.deque = collections.deque(maxlen=CONFIRM_FRAMES)  # for _confirm_wake
        self._woke: set[int] = set()  # utterances a peek found the wake word in
        self._peeked: set[int] = set()  # and those it did not
        self._threads = [threading.Thread(target=fn, name=f"jarvis-{name}", daemon=True)
                         for name, fn in (("listener", self._listen_loop), ("recognizer", self._recognize_loop),
                                          ("speaker", self._speak_loop), ("player", self._play_loop))]
        if self.o.hands_free:
            self.listening.set()

    # --- control, from any thread -------------------------------------------------------------
    def start(self) -> "VoicePipeline":
        for t in self._threads:
            t.start()
        if self.wake is not None and self.o.wake_transcript and self._scorer() is not None \
                and (prepare := getattr(self.transcriber, "prepare_second_opinion", None)):
            prepare()  # whisper base, for a wake word near the line (_wake_likely)
        return self

    def close(self) -> None:
        if self.microphone is not None:
            self.microphone.close()
        self.closed.set()
        self.interrupt(report=False)
        for q in (self.frames, self.speech, self.texts):
            q.put(_STOP)
        self._put_audio(_STOP)
        for t in self._threads:
            if t.is_alive():
                t.join(5)
        self.sink.close()

    def listen_once(self) -> None:
        """Push-to-talk: listen for one utterance.  Pressed while Jarvis speaks, it cuts him off."""
        if self.speaking.is_set() or not self.texts.empty():
            self.interrupt()
            self.on_barge_in()
        self._listen_deadline = time.monotonic() + self.o.listen_timeout_s
        self.listening.set()
        self.on_listening(True)

    def stop_listening(self) -> None:
        if not self.o.hands_free:
            self.listening.clear()
            self.endpointer.reset()
            self.on_listening(False)
            self.on_speech(False)

    def await_wake(self) -> None:
        """With the wake word: wait for it again before the next command (as after a command)."""
        self._armed_until = 0.0

    def begin_reply(self, held: bool = False) -> int:
        """A new reply; ``held``: its audio is made but not played until ``release``."""
        with self._lock:
            self._reply += 1
            if held:
                self._held.add(self._reply)
            return self._reply

    def release(self, reply: int) -> None:
        self._held.discard(reply)

    def cancel(self, reply: int) -> None:
        """Drop one reply (a guess that turned out wrong), quietly."""
        self._voided.add(reply)
        self._held.discard(reply)

    def say(self, reply: int, piece: str) -> None:
        self.texts.put((reply, piece))

    def end_reply(self, reply: int) -> None:
        self.texts.put((reply, None))

    def interrupt(self, report: bool = True) -> None:
        """Stop speaking now: void every reply so far, empty the queues, drop the sink's buffer."""
        with self._lock:
            self._cancelled = self._reply
        for q in (self.texts, self.audio):
            _drain(q)
        self.sink.abort()
        if report:
            self._put_audio(("cut", self._cancelled))

    def _void(self, reply: int) -> bool:
        return reply <= self._cancelled or reply in self._voided

    # --- recognizer: speech events -> text ------------------------------------------------------------
    def _recognize_loop(self) -> None:
        early: dict[tuple[int, int], tuple] = {}
        guessed = False
        while True:
            event = self.speech.get()
            if event is _STOP:
                return
            try:
                if isinstance(event, Speech) and event.kind == "pause":
                    if self._wake_needed(event.utterance) and len(event.audio) > PEEK_WINDOW:
                        continue  # long talk not (yet) for Jarvis: the peeks look at it, no guesses
                    result, done_at = self._transcribe(event.audio, self._wake_needed(event.utterance)
                                                       or event.utterance in self._woke)  # (as its end will be)
                    early = {(event.utterance, event.pause): (result, done_at)}
                    command = self._command(event.utterance, result.text.strip())
                    if (command is not None and self._wake_needed(event.utterance) and event.utterance not in self._woke
                            and self._scorer() is not None):
                        # its start opens with the wake phrase: if it goes on, it stays woken (the
                        # peeks and its end need not find the phrase again in its later words).  Not
                        # with whisper base, which writes the prompt's phrase over a pause of other talk
                        self._woke.add(event.utterance)
                        self._woken("whisper, at a pause")
                    if self.on_guess is not None and command and _has_words(command) and self.speech.empty():
                        guessed = True
                        self.on_guess(Heard(command, result.audio_s, result.seconds, True, done_at, done_at))
                elif isinstance(event, (Speech, _Dropped)) and getattr(event, "kind", "resume") == "resume":
                    if isinstance(event, _Dropped):
                        self._woke.clear()
                        self._peeked.clear()
                    early.clear()
                    if guessed:
                        guessed = False
                        self.on_guess_void()
                elif isinstance(event, _Peek):
                    self._peek(event)
                elif isinstance(event, _Fired):
                    self._confirm(event.audio)
                elif isinstance(event, _Ended):
                    guessed = False
                    self._finish(event, early.pop((event.speech.utterance, event.speech.pause), None))
                    early.clear()
            except Exception:
                log.exception("recognizer: an utterance could not be transcribed")

    def _wake_needed(self, utterance: int) -> bool:
        """Whether the utterance must begin with the wake word to count: it began while Jarvis
        waited for one, and no wake word heard since (in the utterance before) has armed him."""
        began = self._unarmed.get(utterance)
        return began is not None and began > self._armed_until

    def _scorer(self):
        """whisper's score of the wake phrase (``wake_check``), where its lines were set for the
        model in use (the bundled tiny.en): whisper base, prompted with the phrase, finds "Jarvis"
        after a forced "Hey" likely in nearly any speech (592 wakes in the bench's 64.9 min of other
        speech), so with it only a transcript that opens with the name counts, and the wake model's
        word is not confirmed."""
        if not getattr(self.transcriber, "wake_scored", True):
            return None
        return getattr(self.transcriber, "wake_check", None)

    def _confirm_wake(self, audio) -> bool:
        """The wake model's word is confirmed by whisper where it can score the phrase (``_confirm``):
        the model alone once woke Jarvis on "Hey Travis, could you pass me the salt?"."""
        if self._scorer() is None or not self.o.wake_transcript:
            return False
        self.speech.put(_Fired(audio))
        return True

    def _confirm(self, audio) -> None:
        """Jarvis listens where whisper finds "Jarvis" after "Hey" at least WAKE_CONFIRMED likely in
        the last seconds the wake model fired on; what was said since it fired then counts as the
        command (``_wake_needed``: it began before he was armed)."""
        try:
            p, _ = self.transcriber.wake_check(audio, WAKE_PROMPT, WAKE_LEAD, WAKE_NAME, float("inf"))
        except Exception:  # noqa: BLE001 - whisper failing must not make the wake word deaf
            log.exception("confirming the wake word failed: taken as heard")
            p = 1.0
        if p < WAKE_CONFIRMED:
            log.info("the wake model fired, but whisper finds no \"Hey Jarvis\" there (p %.3f)", p)
            return
        self._woken(f"wake model, p {p:.2f}")

    def _wake_likely(self, audio, text: str) -> tuple[str | None, str]:
        """Where the transcript of something said while the wake word was awaited does not begin
        with it: whether whisper finds "Hey Jarvis" likely at its start all the same (in noise it
        writes the name as other words: "K-jaw this", "This open might document folder" for "Hey
        Jarvis, open my documents folder"), and then the command and the transcript heard with
        the phrase; else (None, ``text``)."""
        check = self._scorer()
        if check is None:
            return None, text
        try:
            p, heard = check(audio, WAKE_PROMPT, WAKE_LEAD, WAKE_NAME, WAKE_LIKELY)
            if heard is None and p >= WAKE_SECOND and (second := getattr(self.transcriber, "second_opinion", None)):
                # near the line: whisper base listens again, and its transcript decides (wake.py)
                heard = second(audio, WAKE_PROMPT)
                log.info("wake word near the line (p %.2f) in %r: whisper base heard %r", p, text, heard)
        except Exception:  # noqa: BLE001 - a failed check is the wake word not heard
            log.exception("checking for the wake word failed")
            return None, text
        if heard is None or (command := wake_command(heard)) is None:
            return None, text
        log.info("wake word likely (p %.2f) in %r, heard as %r", p, text, heard)
        return command, heard

    def _transcribe(self, audio, wake: bool = False):
        result = self.transcriber.transcribe(audio, prompt=WAKE_PROMPT) if wake else self.transcriber.transcribe(audio)
        return result, time.monotonic()

    def _command(self, utterance: int, text: str) -> str | None:
        """The command in a guess: all of it, or, where the wake word was needed, what follows it
        ("" for the wake word alone; None when it was not said).  In an utterance woken as it went
        (a pause after "Hey Jarvis", a peek) what follows the phrase, as its end will take it: a
        guess of "Hey Jarvis. What time is it?" never matched the command heard, and the reply
        begun for it was thrown away."""
        if self._wake_needed(utterance):
            return wake_command(text)
        command = wake_within(text) if utterance in self._woke else None
        return text if command is None else command

    def _peek(self, peek: "_Peek") -> None:
        if peek.utterance in self._woke or not self._wake_needed(peek.utterance):
            return  # already woken, or armed since (by the utterance before)
        result, _ = self._transcribe(peek.audio, True)
        # An utterance's first seconds: whisper's score of "Hey Jarvis" at their start decides too, as
        # where it ends before a peek.  Once peeked, only its last seconds are transcribed when it
        # ends, so "Hey Jarvis, open my documents folder" said slowly, its first 2 s written as "KJAR
        # this open might not" (or by whisper base, prompted with the phrase, as "Open my door"), was
        # lost with its command.
        if wake_within(result.text) is None and not (peek.opening and self._wake_likely(peek.audio, result.text)[0]
                                                      is not None):
            self._peeked.add(peek.utterance)
            return
        log.info("wake word heard in talk under way: %r", result.text)
        self._woke.add(peek.utterance)
        if self.speaking.is_set() or not self.texts.empty():
            self.interrupt()
            self.on_barge_in()
        self._woken("whisper")

    def _woken(self, how: str) -> None:
        log.info("wake word heard (%s)", how)
        self._armed_until = time.monotonic() + self.o.listen_timeout_s
        self._show_awake(True)

    def _finish(self, ended: "_Ended", early) -> None:
        utterance = ended.speech.utterance
        woke, peeked = utterance in self._woke, utterance in self._peeked
        self._woke.discard(utterance)
        self._peeked.discard(utterance)
        if ended.speech.audio is None:
            self._unarmed.pop(utterance, None)
            return  # too short to be speech
        needs_wake = self._wake_needed(utterance) and not woke
        # said over Jarvis without cutting him off: only a stop phrase or "Jarvis, ..." counts, unless
        # the wake word, heard in the utterance before (still being transcribed when this began), armed him
        over = ended.over_reply and not woke and (utterance not in self._unarmed or needs_wake)
        prompt = woke or needs_wake or (over and self.wake is not None)
        speculative = early is not None and ended.speech.pause > 0
        audio = ended.speech.audio
        # long talk looked at as it went, without the wake word: only its last seconds are new
        tail = peeked and (needs_wake or over) and len(audio) > PEEK_WINDOW and not speculative
        if tail:
            audio = audio[-PEEK_WINDOW:]
        result, done_at = early if speculative else self._transcribe(audio, prompt)
        text = result.text.strip()
        self._unarmed.pop(utterance, None)
        if not _has_words(text):
            log.info("heard nothing to act on (%r)", text)
            if not needs_wake:  # a cough after "Hey Jarvis": he still listens for the command
                self._armed_until = max(self._armed_until, ended.armed_until)
            return
        find = wake_within if tail else wake_command
        if woke:
            command = wake_within(text)
            if command is None:  # (woken by its first seconds' score, say): the command after a forced phrase
                command, text = self._wake_likely(audio, text)
                command = text if command is None else command
        else:
            command = find(text) if needs_wake else text
            if command is None and not tail and not over:
                command, text = self._wake_likely(audio, text)
        if over:
            if not tail and self.o.is_stop_phrase(text):
                log.info("stop phrase heard over the reply: %r", text)
                self.interrupt()
                self.on_barge_in()
                return
            command = find(text) if self.wake is not None else None
            if command is None and self.wake is not None and not tail:
                # over his echo whisper writes the name as other words more often still ("Thanks
                # Jarvis", "Here's Jarvis", "Can't drop this" for "Hey Jarvis, ..."): its score
                # decides, as where he is quiet
                command, text = self._wake_likely(audio, text)
            if command is None:
                log.info("words said over the reply, not a command: %r", text)
                return
            log.info("wake word said over the reply: %r", text)  # "Jarvis, ...": he stops and takes it
            self.interrupt()
            self.on_barge_in()
        if command is None:
            log.info("not for Jarvis (no wake word): %r", text)
            return
        if not _has_words(command):
            self._woken("whisper")
            return
        self._armed_until = 0.0  # the next command needs the wake word again
        self.on_heard(Heard(command, result.audio_s, result.seconds, speculative, ended.at, max(done_at, ended.at)))

    # --- speaker: reply text -> sentences -> audio --------------------------------------------------------
    def _speak_loop(self) -> None:
        splitter, current = SentenceSplitter(FIRST_CLAUSE_CHARS), 0
        while True:
            item = self.texts.get()
            if item is _STOP:
                return
            reply, piece = item
            try:
                if reply != current:
                    splitter, current = SentenceSplitter(FIRST_CLAUSE_CHARS), reply
                if self._void(reply):
                    continue
                chunks = splitter.flush() if piece is None else splitter.feed(piece)
                for chunk in chunks:
                    self._synthesize(reply, chunk)
                if piece is None:
                    self._put_audio(("end", reply))
            except Exception:
                log.exception("speaker: could not speak part of reply %d", reply)

    def _synthesize(self, reply: int, text: str) -> None:
        words = speakable(text)
        if not words or self._void(reply):
            return
        pause = self.llm_may_run if reply > self._first_made else None  # the reply's first chunk
        self._first_made = max(self._first_made, reply)
        if pause is not None:
            pause.clear()
        try:
            chunk = self.synthesizer.synthesize(words)
        finally:
            if pause is not None:
                pause.set()
        if not self._void(reply):
            self._put_audio(AudioChunk(chunk.samples, chunk.rate, text, reply))

    def _put_audio(self, item) -> None:
        while not self.closed.is_set() or item is _STOP:
            try:
                self.audio.put(item, timeout=0.1)
                return
            except queue.Full:
                if item is _STOP:
                    _drain(self.audio)

    # --- player: audio -> sink, keeping track of what was heard ----------------------------------------
    def _play_loop(self) -> None:
        heard: dict[int, list[str]] = {}
        first: set[int] = set()
        reported: set[int] = set()
        while True:
            item = self.audio.get()
            if item is _STOP:
                return
            try:
                if isinstance(item, AudioChunk):
                    while item.reply in self._held and not self._void(item.reply) and not self.closed.is_set():
                        time.sleep(0.005)  # made ahead; waits for the endpoint to confirm the guess
                    if self._void(item.reply):
                        continue
                    self.speaking.set()
                    if item.reply not in first:
                        first.add(item.reply)
                        self.on_first_audio(item.reply, time.monotonic())
                    heard.setdefault(item.reply, []).append(self._play(item))
                else:
                    kind, reply = item
                    for r in sorted(heard) if kind == "cut" else [reply]:
                        if r not in reported and (kind == "cut" or not self._void(r)):
                            reported.add(r)
                            self.on_spoken(r, " ".join(w for w in heard.pop(r, []) if w), kind == "cut")
                if self.audio.empty():
                    self.speaking.clear()
            except Exception:
                log.exception("player: playback failed")
                self.speaking.clear()

    def _play(self, chunk: AudioChunk) -> str:
        """Plays one sentence; returns the words of it that were heard."""
        step = max(FRAME, int(chunk.rate * PLAY_BLOCK_S))
        played = 0
        for start in range(0, len(chunk.samples), step):
            if self._void(chunk.reply):
                break
            block = chunk.samples[start:start + step]
            self.sink.write(block, chunk.rate)
            played += len(block)
        if played >= len(chunk.samples):
            return chunk.text
        words = chunk.text.split()
        return " ".join(words[:int(len(words) * played / max(1, len(chunk.samples)))])


def _drain(q: queue.Queue) -> None:
    while True:
        try:
            item = q.get_nowait()
        except queue.Empty:
            return
        if item is _STOP:  # closing wins over draining
            q.put(_STOP)
            return


def _has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)
