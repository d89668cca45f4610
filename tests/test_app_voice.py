"""Voice in the desktop app, offscreen, with the tiny model, whisper tiny.en and piper: spoken
questions become logged turns answered aloud; barge-in logs what was heard; no sound, no crash."""

from __future__ import annotations

import re
import shutil
import sys

import numpy as np
import pytest
from PySide6.QtCore import QTimer

from jarvis_desktop.core.registry import Registry
from jarvis_desktop.app import JarvisApp
from jarvis_desktop.controller import Controller
from jarvis_desktop.core.settings import Settings
from jarvis_desktop.voice.asr import WhisperTranscriber
from jarvis_desktop.voice.audio import ArraySink, frames_of, resample
from jarvis_desktop.voice.pipeline import VoicePipeline
from jarvis_desktop.voice_service import voice_options
from tests.speech import piper_says, piper_voice, utterance
from tests.test_app import rambling_gguf  # noqa: F401 - a fixture

WAIT = 60_000


@pytest.fixture(scope="module")
def asr():
    return WhisperTranscriber()


@pytest.fixture
def voiced(qtbot, registered, asr):
    """The app with real engines and no devices: the test speaks into ``frames``, the sink records."""
    settings = Settings(n_ctx=512, max_tokens=64, n_threads=1)
    sink = ArraySink(realtime=True)

    def build(settings, **callbacks):
        return VoicePipeline(asr, piper_voice(), sink, voice_options(settings), **callbacks)

    jarvis = JarvisApp(settings, Controller(settings, save=False), save=False, build_voice=build)
    jarvis.sink = sink
    qtbot.addWidget(jarvis.window)
    with qtbot.waitSignal(jarvis.controller.model_changed, timeout=WAIT):
        jarvis.controller.start(first_run_training=False)
    with qtbot.waitSignal(jarvis.voice.ready, timeout=WAIT):
        jarvis.voice.start()
    yield jarvis
    jarvis.voice.close()
    jarvis.controller.shutdown()


def say(jarvis, text):
    jarvis.voice.talk()  # push-to-talk, as the button or the hotkey does
    for frame in frames_of(utterance(text)):
        jarvis.voice.pipeline.frames.put(frame)


def spoken_of(qtbot, jarvis, turn):
    qtbot.waitUntil(lambda: jarvis.controller.log.turn(turn).spoken is not None, timeout=WAIT)
    return jarvis.controller.log.turn(turn).spoken


def words(text):
    return re.findall(r"[a-z0-9']+", text.lower())


def test_a_spoken_question_is_answered_aloud_and_logged(qtbot, voiced, asr):
    voiced.tray_menu.rebuild()  # (as when the menu opens)
    assert voiced.window.talk_button.isEnabled() and "Talk" in voiced.tray_menu.texts()
    with qtbot.waitSignal(voiced.controller.reply_finished, timeout=WAIT) as done:
        say(voiced, "What is twelve times twelve?")
    turn, reply, _ = done.args
    prompt = voiced.controller.log.turn(turn).prompt
    assert words(prompt) in (["what", "is", "twelve", "times", "twelve"], ["what", "is", "12", "times", "12"])
    assert [b.who for b in voiced.window.bubbles] == ["user", "jarvis"]
    assert voiced.window.bubbles[0].label.text() == prompt  # the transcript is the user's turn
    assert "144" in reply
    assert spoken_of(qtbot, voiced, turn) == reply
    heard_back = asr.transcribe(resample(voiced.sink.audio(), piper_voice().sample_rate)).text
    assert "144" in heard_back or "hundred and forty" in heard_back.lower()

    # the model answers the next one; it is spoken as it streams, and logged as spoken.  The tiny
    # model samples, and now and then says only bytes that are no words (nothing to say aloud):
    # then, once that has been logged as said, ask again
    for _ in range(4):
        voiced.sink.played.clear()
        with qtbot.waitSignal(voiced.controller.reply_finished, timeout=WAIT) as done:
            say(voiced, "Hello Jarvis.")
        turn, reply, answer = done.args
        assert answer.source == "model" and reply  # the model, not a skill
        spoken = spoken_of(qtbot, voiced, turn)
        assert words(spoken) == words(reply)
        if words(reply):
            break
    assert words(reply), "the tiny model said no words in four replies"
    assert len(voiced.sink.audio()) > 0


def test_typed_messages_are_not_spoken_unless_asked(qtbot, voiced):
    with qtbot.waitSignal(voiced.controller.reply_finished, timeout=WAIT) as done:
        voiced.controller.send("What is two plus two?")
    qtbot.wait(500)
    assert voiced.controller.log.turn(done.args[0]).spoken is None and not voiced.sink.played


def test_barge_in_logs_only_what_was_heard(qtbot, voiced, rambling_gguf):  # noqa: F811
    reg = Registry()
    raw = reg.add(shutil.copy(rambling_gguf, reg.root / "incoming.gguf"), {"base": "tiny-untrained"})
    with qtbot.waitSignal(voiced.controller.model_changed, timeout=WAIT):
        voiced.controller.switch_model(raw.name)
    voiced.settings.speak_typed = True
    voiced.controller.worker.engine.config.max_tokens = 200  # a long reply to cut
    log = voiced.controller.log
    for _ in range(6):
        voiced.sink.played.clear()
        with qtbot.waitSignal(voiced.controller.reply_finished, timeout=WAIT) as done:
            voiced.controller.send("Tell me everything")
        turn, reply, _ = done.args
        # a long reply, still being said after two seconds of speech, to cut.  The untrained model
        # now and then ends its reply sooner, or rambles in bytes that are no words: then, once it
        # has been said, ask again
        if len(words(reply)) >= 15:
            qtbot.waitUntil(lambda: len(voiced.sink.played) > 40 or log.turn(turn).spoken is not None,
                            timeout=WAIT)
            if log.turn(turn).spoken is None:
                break
        spoken_of(qtbot, voiced, turn)
    else:
        pytest.fail("the untrained model gave no reply long enough to cut in six tries")
    before = list(voiced.controller.history)  # ... ending with this request and its whole reply
    voiced.window.talk_button.click()  # cut him off
    spoken = spoken_of(qtbot, voiced, turn)
    assert len(words(spoken)) < len(words(reply)) and words(reply)[:len(words(spoken))] == words(spoken)
    history = voiced.controller.history
    if spoken.strip():  # what the model sees next is what the user heard
        assert history == before[:-1] + [{"role": "assistant", "content": spoken.strip()}]
    else:  # nothing heard: as if unanswered
        assert history == before[:-2]
    assert voiced.voice.listening  # and he listens for what the user says instead


def test_without_sound_jarvis_says_why_once_and_works_text_only(qtbot, registered, monkeypatch):
    monkeypatch.setitem(sys.modules, "sounddevice", None)  # as if the package could not be imported
    settings = Settings(n_ctx=512, max_tokens=64, n_threads=1)
    jarvis = JarvisApp(settings, Controller(settings, save=False), save=False)
    qtbot.addWidget(jarvis.window)
    with qtbot.waitSignal(jarvis.voice.unavailable, timeout=WAIT) as why:
        jarvis.voice.start()
    assert "text-only" in why.args[0]
    notes = [b for b in jarvis.window.bubbles if b.who == "note"]
    assert len(notes) == 1 and "Voice is off" in notes[0].label.text()
    jarvis.tray_menu.rebuild()
    assert not jarvis.window.talk_button.isEnabled() and "Talk" not in jarvis.tray_menu.texts()
    jarvis.voice.talk()  # the global key or a stale button: a notice, not a crash
    with qtbot.waitSignal(jarvis.controller.model_changed, timeout=WAIT):
        jarvis.controller.start(first_run_training=False)
    with qtbot.waitSignal(jarvis.controller.reply_finished, timeout=WAIT) as done:
        jarvis.controller.send("Hello Jarvis")
    assert done.args[1]
    jarvis.controller.shutdown()


@pytest.mark.quarantined  # CI 2026-12-04 (9e72593): once, the guess "Hello Jarvis" was confirmed as the whole
# turn though only 0.3 s of silence followed it; passes alone and in three CI runs before. The frames are
# fed at a microphone's pace by a Qt timer: under load the end of the utterance may be judged by wall time.
def test_a_guess_overtaken_by_more_speech_leaves_one_whole_turn(qtbot, voiced):
    from tests.speech import silence

    # a pause of ~0.6 s, under a 1-s silence timeout: the guess is made in it, then voided
    voiced.voice.close()
    voiced.settings.silence_s = 1.0
    with qtbot.waitSignal(voiced.voice.ready, timeout=WAIT):
        voiced.voice.start()
    audio = np.concatenate([silence(0.5), piper_says("Hello Jarvis."), silence(0.3),
                            piper_says("Tell me about yourself."), silence(1.5)])
    voiced.voice.talk()
    frames = list(frames_of(audio))

    def speak_in_real_time():  # the guess is made during the pause only at a microphone's pace
        if frames and voiced.voice.pipeline is not None:
            voiced.voice.pipeline.frames.put(frames.pop(0))
            QTimer.singleShot(32, speak_in_real_time)

    with qtbot.waitSignal(voiced.controller.reply_finished, timeout=WAIT) as done:
        speak_in_real_time()
    turn = voiced.controller.log.turn(done.args[0])
    assert "hello" in words(turn.prompt) and "yourself" in words(turn.prompt)
    assert len(voiced.controller.log.turns(voiced.controller.conversation)) == 1
    assert [b.who for b in voiced.window.bubbles] == ["user", "jarvis"]
    assert spoken_of(qtbot, voiced, turn.id) is not None
