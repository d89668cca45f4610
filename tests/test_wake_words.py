"""The wake word as whisper hears it: a score where the transcript misses the name (over him, in
the first seconds of longer talk), a pause that wakes the rest of an utterance, the guess made
after it, whisper base (whose score is no use), and the window's microphone.  Real engines, no
sound hardware, as in test_voice."""

from __future__ import annotations

import queue
import time

import numpy as np
import pytest

from jarvis_desktop.voice.asr import AsrOptions, WhisperTranscriber
from jarvis_desktop.voice.audio import SAMPLE_RATE, ArraySink
from jarvis_desktop.voice.pipeline import VoiceOptions, VoicePipeline
from jarvis_desktop.voice.vad import VadOptions
from tests.speech import espeak_says, piper_says, piper_voice, silence, speech_start, utterance
from tests.test_voice import Recorder, feed, in_fan_noise, settle, wake_pipeline


@pytest.fixture(scope="module")
def asr():
    return WhisperTranscriber()


def test_said_over_him_a_wake_word_the_transcript_misses_is_taken_by_its_score(asr):
    """Words said over Jarvis while the wake word is awaited count only with the wake word; over
    his echo whisper writes the name as other words more often still ("Thanks Jarvis", "Can't
    drop this"), so there too its score of "Jarvis" after "Hey" decides.  The recognizer is handed
    such utterances as the listener ends them (the bench measures the whole path on speakers)."""
    from jarvis_desktop.voice.listener import _Ended
    from jarvis_desktop.voice.vad import Speech
    from jarvis_desktop.voice.wake import WAKE_PROMPT, wake_command

    rec = Recorder()
    p, _ = wake_pipeline(asr, rec, headset=True)

    def said_over_him(utterance: int, audio) -> None:
        p._unarmed[utterance] = time.monotonic()  # begun while the wake word was awaited
        p.speech.put(_Ended(Speech("end", utterance, audio), time.monotonic(), over_reply=True))

    try:
        said_over_him(1, in_fan_noise("Hey Travis, could you pass me the salt?", "en-gb", 140, seed=0))
        settle(p, 3.0)
        assert rec.barge.empty() and rec.heard.empty()  # not for him: he goes on
        said = in_fan_noise("Hey Jarvis, what time is it?", "en-us", 140, seed=1)[SAMPLE_RATE * 3 // 10:]
        assert wake_command(asr.transcribe(said, prompt=WAKE_PROMPT).text) is None  # "Any job of this worked time visit."
        said_over_him(2, said)
        assert rec.heard.get(timeout=30).text == "What time is it?"  # the score: 0.91
        assert rec.barge.get(timeout=5)
    finally:
        p.close()


def test_hey_jarvis_and_a_command_said_slowly_in_noise_is_taken_though_its_first_seconds_are_misheard(asr):
    """Talk longer than 2 s while the wake word is awaited is looked at as it goes (peeks); once
    looked at, only its last 3 s were transcribed when it ended.  "Hey Jarvis, open my documents
    folder" said slowly in fan noise: its first 2 s written without the name ("K-jarm is open.")
    and its last 3 s as other words, it was lost (the bench's most common miss; 4 of 10 such
    renderings were, 0 now).  Now whisper's score of the phrase at the start of the first peek
    decides, as for a short utterance."""
    rec = Recorder()
    p, listening = wake_pipeline(asr, rec, headset=True)
    try:
        feed(p, in_fan_noise("Hey Jarvis, open my documents folder.", "en-gb", 140, seed=1))
        assert listening.get(timeout=30) is True  # woken while it was being said
        assert "document" in rec.heard.get(timeout=30).text.lower()
    finally:
        p.close()


def test_only_the_opening_seconds_of_long_talk_are_scored_for_the_wake_word(asr):
    """The score asks whether whisper finds "Hey Jarvis" at the start of what it hears: only the
    first peek of an utterance starts where it began; later windows count only with the name in
    their words (the score there would be of the middle of a sentence).  Talk not for Jarvis is not
    taken by its score either."""
    from jarvis_desktop.voice.listener import _Peek

    rec = Recorder()
    p, listening = wake_pipeline(asr, rec, headset=True)

    def opening(text, voice, speed, seed):
        said = in_fan_noise(text, voice, speed, seed)
        start = max(0, speech_start(said) - int(0.3 * SAMPLE_RATE))  # with the endpointer's pre-roll
        return said[start:start + 2 * SAMPLE_RATE]

    misheard = opening("Hey Jarvis, open my documents folder.", "en-gb", 140, 0)  # "K-JAR this open." (0.92)
    try:
        for n, peek in enumerate((_Peek(1, misheard, opening=False),
                                  _Peek(2, opening("Hey Travis, could you pass me the salt?", "en-gb", 140, 0), opening=True),
                                  _Peek(3, misheard, opening=True)), start=1):
            p._unarmed[n] = time.monotonic()  # begun while the wake word was awaited
            p.speech.put(peek)
        assert listening.get(timeout=30) is True
        assert p._woke == {3} and listening.empty()
    finally:
        p.close()


def test_an_utterance_whose_start_opened_with_the_wake_word_stays_woken_as_it_goes_on(asr):
    """At a pause the words so far are transcribed (speculation); where they open with "Hey Jarvis",
    the utterance is woken there, so the command that follows counts even where whisper, hearing the
    whole, no longer writes the name ("Hey Jarvis. Open my document." at a pause 2.9 s into one the
    bench lost, its end heard as "Open my document, over.").  The recognizer is handed a pause whose
    words open with the phrase, and an end whose words (standing for whisper's change of mind) do not."""
    from jarvis_desktop.voice.listener import _Ended
    from jarvis_desktop.voice.vad import Speech

    rec = Recorder()
    p, listening = wake_pipeline(asr, rec, headset=True)
    try:
        p._unarmed[1] = time.monotonic()
        p.speech.put(Speech("pause", 1, np.concatenate([silence(0.3), piper_says("Hey Jarvis, open my documents.")]), pause=1))
        p.speech.put(Speech("resume", 1))
        later = np.concatenate([silence(0.3), piper_says("Open the documents folder."), silence(0.3)])
        assert "jarvis" not in asr.transcribe(later, prompt="Hey Jarvis.").text.lower()
        p.speech.put(_Ended(Speech("end", 1, later, pause=1), time.monotonic()))
        assert listening.get(timeout=30) is True
        assert "documents folder" in rec.heard.get(timeout=30).text.lower()
    finally:
        p.close()


def test_with_whisper_base_the_wake_word_is_not_taken_by_a_score_set_for_tiny_en():
    """whisper's score of "Hey Jarvis" has its lines set on the bundled tiny.en.  whisper base,
    prompted with the phrase, finds "Jarvis" after a forced "Hey" likely in nearly any speech (the
    bench: 592 wakes in 64.9 min of other speech), so with base (Settings: speech model) only a
    transcript that opens with the name, or the wake model's word, wakes Jarvis."""
    from jarvis_desktop.voice.wake import WAKE_LEAD, WAKE_LIKELY, WAKE_NAME, WAKE_PROMPT

    base = WhisperTranscriber(AsrOptions(model="base"))
    assert not base.wake_scored
    said = utterance("The service was excellent, thank you.", speaker=lambda t: espeak_says(t, "en-gb", 140))
    assert base.wake_check(said, WAKE_PROMPT, WAKE_LEAD, WAKE_NAME, WAKE_LIKELY)[0] > 0.9  # what base makes of it
    rec = Recorder()
    p, listening = wake_pipeline(base, rec, headset=True)
    try:
        feed(p, said)
        settle(p, 3.0)
        assert listening.empty() and rec.heard.empty()
        feed(p, utterance("Hey Jarvis.", after=0.5))  # the wake model's word, unconfirmed with base
        assert listening.get(timeout=30) is True
        settle(p, 0.3)
        feed(p, utterance("Lock the screen.", before=0.3))
        assert "screen" in rec.heard.get(timeout=30).text.lower()
    finally:
        p.close()


def test_near_the_line_whisper_base_listens_again_and_its_transcript_decides(asr):
    """espeak-ng's Caribbean voice in fan noise, the wake bench's most missed: tiny.en writes
    "Hey Jarvis." as "Good job, peace." and scores the name 0.22, under its line of 0.3, where
    other speech scored at most 0.154.  Between 0.2 and the line whisper base, prompted with the
    phrase too, listens again, and only a transcript of it opening with the phrase wakes him;
    with the second listen off (or base not installed) the same words do not."""
    from jarvis_desktop.voice.wake import WAKE_LEAD, WAKE_LIKELY, WAKE_NAME, WAKE_PROMPT, WAKE_SECOND, wake_command
    from tests.test_voice import in_fan_noise

    said = in_fan_noise("Hey Jarvis.", "en-029", 175, seed=0)
    text = asr.transcribe(said, prompt=WAKE_PROMPT).text
    assert wake_command(text) is None
    assert WAKE_SECOND <= asr.wake_check(said, WAKE_PROMPT, WAKE_LEAD, WAKE_NAME, float("inf"))[0] < WAKE_LIKELY
    rec = Recorder()
    p, _ = wake_pipeline(asr, rec, headset=True)
    try:
        assert p._wake_likely(said, text) == ("", "Hey Jarvis.")  # the wake word alone: no command
        # base writes the name of "Hey Jarvis, what time is it?" out of this one: no wake
        missed = in_fan_noise("Hey Jarvis, what time is it?", "en-029", 140, seed=3)
        assert p._wake_likely(missed, asr.transcribe(missed, prompt=WAKE_PROMPT).text)[0] is None
    finally:
        p.close()
    alone = WhisperTranscriber(AsrOptions(wake_second=False))
    p, _ = wake_pipeline(alone, Recorder(), headset=True)
    try:
        assert p._wake_likely(said, text) == (None, text) and alone.second_opinion(said, WAKE_PROMPT) is None
    finally:
        p.close()


def test_after_hey_jarvis_and_a_pause_the_guess_is_the_command_its_end_takes(asr):
    """A pause after "Hey Jarvis" wakes the utterance; the guess at its end (speculation: the reply
    begun before the endpoint) must be the command the end takes, without the name, or the reply
    begun for it is thrown away (a guess "Hey Jarvis. What time is it?" against "What time is it?")."""
    from jarvis_desktop.voice.wake import WakeWord

    rec, guesses = Recorder(), queue.Queue()
    # (a longer endpoint, so that the guess is made before the end, however long whisper takes)
    o = VoiceOptions(hands_free=True, headset=True, vad=VadOptions(silence_s=1.0))
    p = VoicePipeline(asr, piper_voice(), ArraySink(), o, wake=WakeWord(), on_guess=guesses.put, **rec.callbacks()).start()
    say = lambda t: espeak_says(t, "en-gb", 160)  # noqa: E731 (a voice the wake model misses)
    try:
        feed(p, utterance("Hey Jarvis, what time is it?", speaker=say), realtime=True, pace=1.0)  # (a pause at the comma)
        heard = rec.heard.get(timeout=30)
        assert "time" in heard.text.lower() and "jarvis" not in heard.text.lower()
        made = []
        while not guesses.empty():
            made.append(guesses.get_nowait().text)
        assert made and made[-1] == heard.text and heard.speculative
    finally:
        p.close()


def test_the_window_shows_jarvis_listening_from_the_wake_word_until_the_command_or_its_time_is_up(asr):
    """Hands-free with the wake word, the microphone in the window lit at the first "Hey Jarvis" and
    stayed lit for good; it now goes out once the command is heard or nothing was said in time."""
    rec = Recorder()
    p, listening = wake_pipeline(asr, rec, headset=True, listen_timeout_s=2.0)
    try:
        feed(p, utterance("Hey Jarvis.", after=0.5))
        assert listening.get(timeout=30) is True
        settle(p, 0.3)
        feed(p, utterance("Lock the screen.", before=0.3))
        assert "screen" in rec.heard.get(timeout=30).text.lower()
        feed(p, silence(0.3))
        assert listening.get(timeout=10) is False
        feed(p, utterance("Hey Jarvis.", after=0.5))
        assert listening.get(timeout=30) is True
        feed(p, silence(3.0), realtime=True, pace=1.0)  # nothing said in its 2 s
        assert listening.get(timeout=10) is False
        assert rec.heard.empty()
    finally:
        p.close()


def test_the_microphone_lit_by_whisper_is_not_put_out_by_the_audio_threads_earlier_look(asr):
    """The audio thread puts the microphone out when it finds him no longer armed; whisper's thread
    arms and lights it when it hears the wake word.  The audio thread's look may come just before
    whisper arms him: its "out" must then find him armed and leave the light on (it went out, with
    him listening, when the two met)."""
    from jarvis_desktop.voice.wake import WakeWord

    listening = queue.Queue()
    p = VoicePipeline(asr, piper_voice(), ArraySink(), VoiceOptions(hands_free=True), wake=WakeWord(),
                      on_listening=listening.put)  # not started: the two threads' calls made here in turn
    p._show_awake(True)
    p._armed_until = 0.0  # the audio thread looks: lit, not armed ...
    assert listening.get_nowait() is True
    p._woken("whisper")  # ... whisper hears "Hey Jarvis" meanwhile ...
    p._show_awake(False)  # ... and the audio thread puts out what it saw
    assert p._awake_shown and listening.empty()
    p._armed_until = 0.0  # his time to be told the command is up
    p._show_awake(False)
    assert listening.get_nowait() is False and not p._awake_shown
