"""Speech in and out: microphone, VAD endpointing, faster-whisper, piper, barge-in.

Each engine is imported lazily by the class that uses it, so ``import jarvis_desktop.voice``
is cheap and the app starts fast; sound hardware is optional (``probe_audio``).
"""

from jarvis_desktop.voice.audio import (AudioChunk, AudioUnavailable, ArraySink, Microphone, SoundDeviceSink,
                                        frames_of, probe_audio, resample)
from jarvis_desktop.voice.pipeline import Heard, VoiceOptions, VoicePipeline
from jarvis_desktop.voice.vad import Endpointer, SileroVad, VadOptions

__all__ = ["AudioChunk", "AudioUnavailable", "ArraySink", "Microphone", "SoundDeviceSink", "frames_of",
           "probe_audio", "resample", "Heard", "VoiceOptions", "VoicePipeline", "Endpointer", "SileroVad",
           "VadOptions"]
