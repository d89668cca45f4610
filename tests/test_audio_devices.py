"""The real sound-device code (PortAudio through sounddevice) on ALSA's null device: no sound
card is needed, and the streams open, run and close as they would on one.  The null device is
unclocked, so this is a smoke test of the code paths, not of timing.  It runs in a child
process: PortAudio reads the ALSA configuration once, when it starts."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = r"""
import queue, sys, time
import numpy as np
from jarvis_desktop.voice.audio import Microphone, SoundDeviceSink, probe_audio

assert probe_audio() == "", probe_audio()

frames = queue.Queue(maxsize=20)
mic = Microphone(frames)
mic.start()
frame = frames.get(timeout=10)
assert frame.shape == (512,) and frame.dtype == np.float32, (frame.shape, frame.dtype)
time.sleep(0.3)  # the queue fills: the callback must drop frames, never block the audio thread
mic.close()
print("microphone ok, frames dropped while the queue was full:", mic.dropped)

sink = SoundDeviceSink()
sink.write(np.zeros(2205, np.float32), 22050)
sink.abort()  # drops the buffer and restarts the stream
sink.write(np.zeros(1102, np.float32), 22050)
sink.write(np.zeros(800, np.float32), 16000)  # another rate: the stream is reopened
sink.close()
print("speaker ok")

# the app's own wiring: microphone -> VAD -> whisper, piper -> speaker
from jarvis_desktop.core.settings import Settings
from jarvis_desktop.voice_service import build_pipeline

pipeline = build_pipeline(Settings(hands_free=True)).start()
deadline = time.monotonic() + 10
while pipeline.microphone is not None and pipeline.frames.qsize() == 0 and time.monotonic() < deadline:
    time.sleep(0.01)
reply = pipeline.begin_reply()
pipeline.say(reply, "Very good, sir.")
pipeline.end_reply(reply)
time.sleep(1.0)
pipeline.close()
print("pipeline ok")
"""


def test_the_sound_device_code_runs_on_alsas_null_device(tmp_path):
    (tmp_path / ".asoundrc").write_text("pcm.!default {\n    type null\n}\n")
    env = {**os.environ, "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "microphone ok" in done.stdout and "speaker ok" in done.stdout and "pipeline ok" in done.stdout


def test_no_sound_device_says_why(tmp_path):
    """ALSA with no device at all: probe_audio says so in one sentence, and nothing crashes."""
    (tmp_path / ".asoundrc").write_text("pcm.!default {\n    type hw\n    card 97\n}\n")
    env = {**os.environ, "HOME": str(tmp_path)}
    code = ("from jarvis_desktop.voice.audio import probe_audio; "
            "r = probe_audio(); print(r); assert r.startswith('no sound device was found'), r")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    assert "Jarvis works text-only" in done.stdout
