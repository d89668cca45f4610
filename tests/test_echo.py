"""Hands-free on laptop speakers: the echo canceller (WebRTC AEC3) in the real listening
pipeline, with a laptop in a simulated room (tests/room.py) standing in for the sound device.
The full figures, over more rooms, voices and hours: benchmarks/echo_bench.py."""

from __future__ import annotations

import queue
import threading
import time

import numpy as np
import pytest

from jarvis_desktop.voice.audio import FRAME, SAMPLE_RATE, ArraySink, DuplexDevice, StreamDownsampler
from jarvis_desktop.voice.echo import (LAG,  # LAG: the output is 18 ms late
                                      EchoCanceller, VoiceOver, from_voice, suppress_residual, unexplained,
                                      voice_onset)
from jarvis_desktop.voice.pipeline import VoiceOptions, VoicePipeline
from tests.room import ROOMS, Laptop, SimulatedDuplex, rms_db
from tests.speech import espeak_says, piper_says, piper_voice, utterance
from tests.test_voice import LONG_REPLY, Recorder, feed, settle

SENTENCES = ("Good evening, sir. The forecast for tomorrow is light rain in the morning, clearing by noon.",
             "Your meeting with the design team is at half past two, and I have set a reminder for it.")


@pytest.fixture(scope="module")
def asr():
    from jarvis_desktop.voice.asr import WhisperTranscriber

    return WhisperTranscriber()


def cancel(canceller: EchoCanceller, mic: np.ndarray, reference: np.ndarray, delay_ms: float) -> np.ndarray:
    n = len(mic) - len(mic) % FRAME
    return np.concatenate([canceller.process(mic[s:s + FRAME], reference[s:s + FRAME], delay_ms)
                           for s in range(0, n, FRAME)])


def test_the_canceller_keeps_frames_in_step_and_passes_the_user_through():
    """One 512-sample frame out per frame in; with nothing played, what the microphone hears
    comes out as it went in (AEC3's high-pass aside), less than 20 ms later."""
    canceller = EchoCanceller()
    x = (0.1 * np.random.default_rng(0).standard_normal(2 * SAMPLE_RATE)).astype(np.float32)
    out = cancel(canceller, x, np.zeros_like(x), 0.0)
    assert len(out) == len(x) - len(x) % FRAME
    span = slice(SAMPLE_RATE // 2, SAMPLE_RATE // 2 + SAMPLE_RATE)  # past the start, where AEC3 settles
    match = [np.corrcoef(out[span], x[span.start - lag:span.stop - lag])[0, 1] for lag in range(0, 320)]
    lag = int(np.argmax(match))
    assert lag == LAG and match[lag] > 0.9
    with pytest.raises(ValueError, match="same time"):
        canceller.process(x[:FRAME], x[:FRAME - 1])


def echo_removed_db(room) -> float:
    """One fresh reply (piper's noise makes each synthesis differ) through a fresh canceller:
    the dB of echo taken out after convergence, where there is echo to take out."""
    far = np.concatenate([piper_says(s) for s in (*SENTENCES, LONG_REPLY)])  # 25 s
    laptop = Laptop(room, delay_s=0.08)
    mic = laptop.microphone(far)
    canceller = EchoCanceller()
    first = cancel(canceller, mic[:2 * SAMPLE_RATE], far[:2 * SAMPLE_RATE], 80.0)
    assert not canceller.converged  # 2 s of him: speech may not cut him off yet
    out = np.concatenate([first, cancel(canceller, mic[len(first):], far[len(first):], 80.0)])[LAG:]
    assert canceller.converged and canceller.erle_db > 25
    settled = 4 * SAMPLE_RATE  # after convergence
    active = np.abs(laptop.echo(far)[settled:len(out)]) > 1e-3  # where there is echo to remove
    return float(rms_db(mic[settled:len(out)][active]) - rms_db(out[settled:][active]))


@pytest.mark.parametrize("room", ROOMS, ids=[r.name for r in ROOMS])
def test_the_echo_of_jarvis_is_taken_out_25_db_in_each_room(room):
    """The median of five replies, each synthesised afresh: in the kitchen one reply in about
    twenty keeps a second or two of louder residual (90 replies: median 28.9 dB, 4 under 25, the
    lowest 18.2; a single reply failed the project's CI once), so one reply alone would test
    chance.  None may fall apart altogether."""
    removed = sorted(echo_removed_db(room) for _ in range(5))
    figures = ", ".join(f"{db:.1f}" for db in removed)
    assert removed[2] >= 25.0, f"{room.name}: only {removed[2]:.1f} dB of echo removed in the median reply ({figures})"
    assert removed[0] >= 15.0, f"{room.name}: a reply kept its echo ({figures} dB removed)"


def said_over_figures(room) -> dict:
    """One barge-in (he is cut off 0.3 s in) through a fresh canceller, with a fresh reply:
    how much each path damages the user's first 0.5 s, and what ``suppress_residual`` does to
    his echo's rest alone and to her voice over it (dB)."""
    far = np.concatenate([piper_says(s) for s in SENTENCES])
    said = piper_says("Find the file called budget.")
    at = 6 * SAMPLE_RATE  # (the residual of his echo alone is known by then)
    onset = at + int(np.flatnonzero(np.abs(said) > 0.01 * np.max(np.abs(said)))[0])
    far[onset + int(0.3 * SAMPLE_RATE):] = 0.0  # the barge-in cut him off
    far = far[:at + len(said)]
    laptop = Laptop(room, delay_s=0.06)
    mic = laptop.microphone(far, user=said, user_at=at, user_db=-30.0)
    voice = np.zeros_like(far)
    voice[at:] = laptop.voice(said, -30.0)[:len(far) - at]  # the user alone, as the microphone hears her
    canceller = EchoCanceller()
    out = cancel(canceller, mic, far, 60.0)
    span = slice(onset, onset + SAMPLE_RATE // 2)
    back = len(out) - (span.start + LAG)  # the span in the output's time, back from its end
    unsuppressed = canceller.said_over(back, span.stop - span.start)
    assert unsuppressed is not None and len(unsuppressed) == span.stop - span.start

    def damage(heard):  # dB of error against the user's own voice: lower is better
        return rms_db(heard - voice[span]) - rms_db(voice[span])

    suppressed = out[span.start + LAG:span.stop + LAG]
    ratio = canceller.residual_ratio
    assert ratio is not None and ratio < 0.2
    before = slice(onset - SAMPLE_RATE // 2, onset)  # his echo alone
    levels = []
    for part in (before, span):
        residual, echo = canceller.linear.clean(canceller.linear.samples - LAG - (len(out) - (part.start + LAG)),
                                                part.stop - part.start)
        levels.append((rms_db(residual), rms_db(suppress_residual(residual, echo, ratio))))
    assert canceller.said_over(len(out) + 31 * SAMPLE_RATE, 100) is None  # no longer kept
    (echo_in, echo_out), (_over_in, over_out) = levels
    # whisper's window reaches back before she was noticed (the app's 0.8 s): his echo's rest alone
    # there is silent up to 0.1 s before her voice, and her voice is as whole as above
    lead = slice(onset - int(0.8 * SAMPLE_RATE), span.stop)
    window = canceller.said_over(len(out) - (lead.start + LAG), lead.stop - lead.start)
    before_her = window[:int(0.65 * SAMPLE_RATE)]
    return {"echo taken down": echo_in - echo_out, "voice kept within": abs(over_out - rms_db(voice[span])),
            "linear path": damage(unsuppressed), "better than AEC3 by": damage(suppressed) - damage(unsuppressed),
            "his echo before her, loudest": 20 * np.log10(np.max(np.abs(before_her)) + 1e-12),
            "her voice behind it": damage(window[onset - lead.start:])}


@pytest.mark.parametrize("room", ROOMS, ids=[r.name for r in ROOMS])
def test_words_said_over_jarvis_reach_whisper_whole(room):
    """AEC3's suppressor takes out much of a voice talking over Jarvis.  What is said over him
    is taken instead from the microphone less the linear echo estimate learned while he spoke
    alone: over the first 0.5 s of a barge-in, the user's voice comes through with far less
    damage.  Once the residual of his echo alone is known, what is left of his echo there is
    taken down too (``suppress_residual``), and her voice kept.  The median of three barge-ins,
    each with a fresh reply: one in about 36 here took 2.8 dB off her voice, which one alone
    would test by chance."""
    # measured over 36 barge-ins per room (2026-12-02): the linear path -8.5 to -17.5 dB, 8.5 to
    # 16.1 dB better than AEC3's output; his echo's rest down by 1.1 to 4.5 dB; her voice within
    # 1.1 dB of her voice alone (whisper's word errors on the bench's voices: 0.65 -> 0.52)
    trials = [said_over_figures(room) for _ in range(3)]
    median = {k: float(np.median([t[k] for t in trials])) for k in trials[0]}
    said = f"{room.name}: " + "; ".join(f"{k} {[round(t[k], 1) for t in trials]} dB" for k in median)
    assert median["echo taken down"] >= 0.5, said
    assert median["voice kept within"] <= 2.0, said
    assert median["linear path"] <= -5.0, said
    assert median["better than AEC3 by"] > 4.0, said
    # (where the linear path finds her voice a second early, nothing is silenced: one trial in
    # about nine here, 2026-12-05; the deterministic test below checks the rule itself)
    assert min(t["his echo before her, loudest"] for t in trials) < -100.0, said
    assert median["her voice behind it"] <= -5.0, said


@pytest.mark.parametrize("room", ROOMS, ids=[r.name for r in ROOMS])
def test_a_voice_over_jarvis_is_told_from_his_echo_by_the_linear_path(room):
    """Double talk: the microphone less the linear echo estimate, frame by frame, is far
    quieter than the estimate while he speaks alone and louder once someone talks over him;
    what of it is not the estimate over again (``unexplained``) quieter still alone."""
    far = np.concatenate([piper_says(s) for s in SENTENCES])
    said = piper_says("What time is it in Tokyo?")
    at = 9 * SAMPLE_RATE
    onset = at + int(np.flatnonzero(np.abs(said) > 0.01 * np.max(np.abs(said)))[0])
    far = np.tile(far, 2)[:at + len(said)]  # he speaks to the end (piper's lengths vary run to run)
    laptop = Laptop(room, delay_s=0.06)
    mic = laptop.microphone(far, user=said, user_at=at, user_db=-30.0)
    canceller = EchoCanceller()
    alone, over = [], []
    for s in range(0, len(far) - FRAME + 1, FRAME):
        canceller.process(mic[s:s + FRAME], far[s:s + FRAME], 60.0)
        if s == 6 * SAMPLE_RATE:  # the frame-by-frame estimate is the one whisper's transcript uses
            assert np.allclose(canceller.over, canceller.linear.clean(canceller.linear.samples - FRAME, FRAME)[0],
                               atol=1e-5)
        if canceller.over_db is None:
            continue
        frame = (canceller.over_db, canceller.talk_db, canceller.double_talk)
        if canceller.converged and s + FRAME < at:
            alone.append(frame)
        elif onset <= s < onset + SAMPLE_RATE // 2:
            over.append(frame)
    assert len(alone) > 100 and len(over) > 10
    alone_db, alone_talk, alone_dt = (np.array(x) for x in zip(*alone))
    assert np.all(alone_talk <= alone_db + 0.01)  # the unexplained part is part of the residual
    assert np.median(alone_talk) < np.median(alone_db) - 1.0  # and most of his echo's residual is not

    def twice(flags):  # two frames in a row over the line: what may cut him off (with a VAD)
        flags = np.asarray(flags, bool)
        return bool(np.any(flags[1:] & flags[:-1]))

    assert np.median(alone_db) < -8.0 and not twice(alone_dt), f"{room.name}: {np.sort(alone_talk)[-3:]} dB"
    assert twice([f[2] for f in over]), f"{room.name}: {np.round([f[1] for f in over], 1)} dB"


SOFT_COMMANDS = (("Cancel the timer.", "en-us", 175), ("What time is it?", "en-gb", 160),
                 ("Set a timer for five minutes.", "en-us+f3", 150), ("What is twelve times fifteen?", "en-gb-x-rp", 140),
                 ("Stop.", "en-us", 160), ("Turn the volume down.", "en-gb", 170), ("Pause the music.", "en-us+m3", 160),
                 ("What is the weather tomorrow?", "en-gb-scotland", 150))


def test_a_soft_voice_over_jarvis_is_found_and_his_echo_alone_never():
    """``VoiceOver`` on a settled canceller with the linear path's VAD, as the listener runs it, in
    each room: over 30 s of his echo alone it finds no voice; espeak-ng voices at -30 dBFS (his echo
    is about -26 dBFS) saying eight commands over him are never found before they begin, and of the
    24, at least 17 within 300 ms.  His replies are piper's, which renders them anew each run, so
    the figure varies: 17-24 over 30 runs of each room (2026-12-06); frame by frame (two frames in a
    row over the line, the rule before the pair's mean) 13-19, under 17 in about two runs of three.
    The bench found 26-28 of 30 such users within 300 ms frame by frame, 29 of 30 with the pair."""
    from jarvis_desktop.voice.vad import SileroVad

    said = [espeak_says(text, voice, speed) for text, voice, speed in SOFT_COMMANDS]
    latencies = {}
    for room in ROOMS:
        sentences = [piper_says(s) for s in SENTENCES]
        gap = np.zeros(SAMPLE_RATE // 3, np.float32)
        speech = np.concatenate([np.concatenate([s, gap]) for s in sentences])
        laptop = Laptop(room, delay_s=0.06, seed=11)
        canceller, vad, finder = EchoCanceller(), SileroVad(), VoiceOver()

        def run(far, user=None, at=0):
            mic = laptop.microphone(far, user=user, user_at=at, user_db=-30.0)
            found = []
            for s in range(0, len(far) - FRAME + 1, FRAME):
                canceller.process(mic[s:s + FRAME], far[s:s + FRAME], 60.0)
                if canceller.over is None:
                    vad.reset()
                    finder.reset()
                    continue
                if finder(vad(canceller.over) >= 0.5, canceller) and canceller.converged:
                    found.append(s + FRAME)
                    finder.reset()
            return found

        run(np.tile(speech, 2)[:8 * SAMPLE_RATE])  # AEC3 settles
        assert canceller.converged
        alone = run(np.tile(speech, 6)[:30 * SAMPLE_RATE])
        assert not alone, f"{room.name}: his echo alone taken for a voice at {np.array(alone) / SAMPLE_RATE} s"
        latencies[room.name] = []
        for k, (command, voice) in enumerate(zip(SOFT_COMMANDS, said)):
            at = int((1.5 + 0.5 * (k % 4)) * SAMPLE_RATE)
            onset = at + int(np.flatnonzero(np.abs(voice) > 0.01 * np.max(np.abs(voice)))[0])
            far = np.tile(speech, 2)[:onset + SAMPLE_RATE]
            found = run(far, voice, at)
            assert not found or found[0] >= onset, f"{room.name}: a voice found before {command[0]!r} was said"
            latencies[room.name].append(round((found[0] - onset) / SAMPLE_RATE, 2) if found else None)
            run(np.zeros(SAMPLE_RATE, np.float32))  # he stops, as he would
    soon = sum(lat is not None and lat <= 0.3 for room in latencies.values() for lat in room)
    assert soon >= 17, f"{soon} of 24 found within 300 ms; seconds after the voice began: {latencies}"


def test_what_the_residual_shares_with_the_estimate_is_not_counted_as_a_voice():
    """``unexplained``: a residual that is the estimate scaled (a filter a little off) has
    nothing left; of a voice beside such a residual, nearly all is left."""
    rng = np.random.default_rng(0)
    t = np.arange(FRAME * 8) / SAMPLE_RATE
    echo = sum(np.sin(2 * np.pi * 140 * k * t + k) / k for k in range(1, 24)).astype(np.float32)
    echo *= 0.2 * (1.2 + np.sin(2 * np.pi * 3 * t)).astype(np.float32)  # a voiced, syllable-like estimate
    voice = rng.standard_normal(len(echo)).astype(np.float32) * 0.05
    window = np.hanning(FRAME)

    def energy(x):  # as the function weighs a frame
        return float(np.sum((x * window) ** 2))

    kept = []
    for k in range(8):
        e, v = echo[k * FRAME:(k + 1) * FRAME], voice[k * FRAME:(k + 1) * FRAME]
        assert unexplained(-0.3 * e, e) < 1e-3 and unexplained(1.7 * e, e) < 1e-3
        r = v + 0.2 * e  # what is left is about the voice alone (16 bands' coefficients take ~1/16)
        kept.append(unexplained(r, e) * energy(r) / energy(v))
    assert 0.75 < min(kept) and max(kept) < 1.1 and np.mean(kept) > 0.85, kept
    assert unexplained(np.zeros(FRAME, np.float32), echo[:FRAME]) == 1.0


def test_the_window_for_whisper_opens_where_a_voice_comes_over_his_echo():
    """``voice_onset`` finds where a voice joins a residual that is his echo's estimate scaled,
    and ``from_voice`` silences what comes before it (up to 0.1 s before) and keeps the rest;
    a window with no voice, or with nothing of his echo before the voice, is kept whole."""
    rng = np.random.default_rng(1)
    t = np.arange(2 * SAMPLE_RATE) / SAMPLE_RATE
    echo = sum(np.sin(2 * np.pi * 130 * k * t + k) / k for k in range(1, 24)).astype(np.float32)
    echo *= 0.2 * (1.2 + np.sin(2 * np.pi * 3 * t)).astype(np.float32)
    rest = 0.3 * echo  # his echo's rest alone: the estimate over again
    at = SAMPLE_RATE + 300  # she begins 1 s in
    voice = np.zeros_like(echo)
    level = float(np.sqrt(np.mean(echo ** 2)))
    voice[at:] = rng.standard_normal(len(echo) - at).astype(np.float32) * level  # as loud as his echo
    residual = rest + voice
    onset = voice_onset(residual, echo)
    assert onset is not None and at - FRAME <= onset <= at + FRAME, onset
    audio = rng.standard_normal(len(echo)).astype(np.float32)
    out = from_voice(audio, residual, echo)
    assert not out[:onset - int(0.1 * SAMPLE_RATE)].any()
    assert np.array_equal(out[onset - int(0.05 * SAMPLE_RATE):], audio[onset - int(0.05 * SAMPLE_RATE):])
    assert voice_onset(rest, echo) is None and np.array_equal(from_voice(audio, rest, echo), audio)
    assert voice_onset(voice[at:], np.zeros(len(echo) - at, np.float32)) == 0  # nothing of him before her
    assert np.array_equal(from_voice(audio[at:], voice[at:], np.zeros(len(echo) - at, np.float32)), audio[at:])


def _first_seconds(room, far, user, at):
    """A fresh canceller over his first seconds (a user from ``at``, or none): when the linear
    path became trusted, and the frames where it found a voice before AEC3 settled."""
    mic = Laptop(room, delay_s=0.1, seed=5).microphone(far, user=user, user_at=at, user_db=-30.0)
    canceller = EchoCanceller()
    trusted_at, run, found = None, 0, []
    for s in range(0, len(far) - FRAME + 1, FRAME):
        canceller.process(mic[s:s + FRAME], far[s:s + FRAME], 100.0)
        if canceller.converged:
            break
        if canceller.linear_trusted:
            trusted_at = trusted_at if trusted_at is not None else s / SAMPLE_RATE
            run = run + 1 if canceller.double_talk else 0
            if run >= 2:
                found.append(s)
    return trusted_at, found


@pytest.mark.parametrize("room", ROOMS, ids=[r.name for r in ROOMS])
def test_in_his_first_seconds_the_linear_path_is_trusted_before_aec3_has_settled(room):
    """A new device: AEC3 is trusted only after 4 s of his voice, but the linear path, once its
    residual has stayed well under his echo, tells a voice over him from his echo ~2 s in, so
    the user can cut off his first reply.  Alone, no two frames over the line while trusted.
    Piper says each sentence a little differently each time: five renderings, his echo never
    taken for a voice in any, the path trusted in time in most, the voice found in each of those,
    within 300 ms in all but one.  (Over 15 renderings a room, 2026-12-05: 0.04-0.11 s, and about
    0.27 s in some, in the kitchen two of four in one test; one in the kitchen trusted only at
    3.65 s.  Three renderings needing two within 300 ms failed a fresh-clone CI when one came at
    0.305 s beside an untrusted one.)"""
    at = int(3.2 * SAMPLE_RATE)
    trusted, latencies = [], []
    for _ in range(5):
        far = np.concatenate([piper_says(s) for s in SENTENCES])[:8 * SAMPLE_RATE]
        said = piper_says("What time is it in Tokyo?")
        onset = at + int(np.flatnonzero(np.abs(said) > 0.01 * np.max(np.abs(said)))[0])
        trusted_at, found = _first_seconds(room, far, None, at)
        assert trusted_at is not None, f"{room.name}: the linear path not trusted before AEC3 settled"
        assert not found, f"{room.name}: his echo alone taken for a voice at {np.array(found) / SAMPLE_RATE} s"
        trusted.append(trusted_at)
        if trusted_at < at / SAMPLE_RATE:
            _, found = _first_seconds(room, far, said, at)
            assert found and found[0] >= onset, f"{room.name}: voice at {onset / SAMPLE_RATE:.2f} s, found at " \
                                                f"{np.array(found[:3]) / SAMPLE_RATE} s"
            latencies.append((found[0] - onset) / SAMPLE_RATE)
    assert sum(t < at / SAMPLE_RATE for t in trusted) >= 3, f"{room.name}: trusted at {trusted} s"
    assert sum(lat < 0.3 for lat in latencies) >= len(latencies) - 1 and max(latencies) < 0.6, \
        f"{room.name}: voice found after {latencies} s"


def test_the_duplex_device_hands_the_listener_what_it_played_beside_what_it_heard():
    frames = queue.Queue()
    device = DuplexDevice(frames)
    speech = np.linspace(-0.5, 0.5, 3000).astype(np.float32)
    writer = threading.Thread(target=device.write, args=(speech, SAMPLE_RATE), daemon=True)
    writer.start()
    time.sleep(0.1)
    played, mic = [], []
    for i in range(32):  # 32 blocks of 10 ms
        captured = np.full(160, i / 100, np.float32)
        mic.append(captured)
        played.append(device.exchange(captured, 42.0))
        time.sleep(0.002)
    writer.join(5)
    assert not writer.is_alive()  # the write returned once its samples were nearly all played
    assert np.array_equal(np.concatenate(played)[:3000], speech)
    assert not np.any(np.concatenate(played)[3000:])  # then silence, not a repeat
    got = [frames.get_nowait() for _ in range(frames.qsize())]
    assert len(got) == 32 * 160 // FRAME
    for k, (m, ref, delay) in enumerate(got):
        assert delay == 42.0
        assert np.array_equal(m, np.concatenate(mic)[k * FRAME:(k + 1) * FRAME])
        assert np.array_equal(ref, np.concatenate(played)[k * FRAME:(k + 1) * FRAME])
    device.abort()
    device.close()


def test_a_voice_written_in_50_ms_pieces_plays_at_16_khz_without_seams():
    # piper's 22.05 kHz, written as the player does (50-ms pieces), comes out as one smooth
    # stream: each piece low-passed and resampled on its own dipped at its edges (a 20 Hz flutter)
    frames = queue.Queue()
    device = DuplexDevice(frames)
    rate = 22050
    tone = (0.5 * np.sin(2 * np.pi * 440 * np.arange(rate) / rate)).astype(np.float32)
    played = []

    def play_out():
        while len(played) < 110:
            played.append(device.exchange(np.zeros(160, np.float32), 30.0))
            time.sleep(0.001)

    reader = threading.Thread(target=play_out, daemon=True)
    reader.start()
    for start in range(0, rate, 1102):
        device.write(tone[start:start + 1102], rate)
    reader.join(10)
    start = 160 * next(i for i, block in enumerate(played) if np.any(block))  # blocks before it: silence
    out = np.concatenate(played)[start:]
    assert abs(len(np.trim_zeros(out, "b")) - SAMPLE_RATE) <= 2  # one second in, one second out
    delay = 31 / rate  # the low-pass filter's
    ideal = 0.5 * np.sin(2 * np.pi * 440 * (np.arange(SAMPLE_RATE) / SAMPLE_RATE - delay))
    steady = slice(800, SAMPLE_RATE - 800)
    assert np.max(np.abs(out[steady] - ideal[steady])) < 0.005
    device.abort()  # after a cut, the next write starts a new stream
    device.write(tone[:1102], rate)
    assert np.array_equal(device._queued[0], StreamDownsampler(rate)(tone[:1102]))
    device.close()


def speaking_laptop(asr, rec, room=ROOMS[0], **options):
    """A pipeline hands-free on the speakers of a simulated laptop, echo canceller on."""
    opts = VoiceOptions(hands_free=True, headset=False, **options)
    frames = queue.Queue(maxsize=2000)
    sim = SimulatedDuplex(Laptop(room, delay_s=0.06), frames)
    p = VoicePipeline(asr, piper_voice(), sim.device, opts, echo=EchoCanceller(), **rec.callbacks())
    p.frames = frames
    return p.start(), sim.start()


def say(p, text: str) -> int:
    reply = p.begin_reply()
    p.say(reply, text)
    p.end_reply(reply)
    return reply


def test_on_speakers_jarvis_does_not_interrupt_himself(asr):
    rec = Recorder()
    p, sim = speaking_laptop(asr, rec)
    try:
        reply = say(p, LONG_REPLY)
        r, spoken, interrupted = rec.spoken.get(timeout=90)
    finally:
        p.close()
        sim.close()
    assert (r, spoken, interrupted) == (reply, LONG_REPLY, False)
    assert rec.barge.empty() and rec.heard.empty()
    assert sim.device.played_s > 10


class SpikedVad:
    """The real VAD, except that it calls the frames numbered in ``spikes`` speech (0.9)."""

    def __init__(self, spikes):
        from jarvis_desktop.voice.vad import SileroVad

        self.vad, self.spikes, self.frames = SileroVad(), set(spikes), 0

    def reset(self) -> None:
        self.vad.reset()

    def __call__(self, frame) -> float:
        prob, self.frames = self.vad(frame), self.frames + 1
        return 0.9 if self.frames - 1 in self.spikes else prob


def test_on_speakers_one_frame_the_main_vad_calls_speech_does_not_cut_him_off(asr):
    """Once in 120 fresh starts of the bench, Silero on AEC3's output called one frame of his
    echo speech (0.54), just after AEC3 had settled: an utterance began, and he was cut off.  Now
    a frame only that VAD hears cuts him off if the next one is speech too.  Here the main VAD
    calls one frame 10 s in speech (nothing else hears a voice), then two 13 s in."""
    at = {10 * SAMPLE_RATE // FRAME: 1, 13 * SAMPLE_RATE // FRAME: 2}
    barged = []
    p = VoicePipeline(asr, piper_voice(), ArraySink(), VoiceOptions(hands_free=True, headset=False),
                      echo=EchoCanceller(), vad=SpikedVad([k + i for k, n in at.items() for i in range(n)]),
                      on_barge_in=lambda: barged.append(p.endpointer.samples_seen))
    p.start()
    try:
        far = np.tile(np.concatenate([piper_says(s) for s in SENTENCES]), 3)[:15 * SAMPLE_RATE]
        mic = Laptop(ROOMS[0], delay_s=0.06, seed=2).microphone(far)
        p.speaking.set()  # he speaks all along
        for s in range(0, len(far) - FRAME + 1, FRAME):
            while p.frames.qsize() > 50:
                time.sleep(0.002)
            p.frames.put((mic[s:s + FRAME], far[s:s + FRAME], 60.0))
        while not p.frames.empty():
            time.sleep(0.01)
        time.sleep(0.2)
    finally:
        p.close()
    assert len(barged) == 1 and 13.0 < barged[0] / SAMPLE_RATE < 13.2, \
        f"cut off at {np.array(barged) / SAMPLE_RATE} s (one frame at 10 s, two at 13 s)"


def _cut_off_by_voice(asr, after_s: float = 5.0) -> str:
    """One trial: Jarvis speaks on the simulated laptop, the user talks over him ``after_s`` into
    his first reply; "" where he was cut off in time and the words were heard, else what went wrong."""
    rec = Recorder()
    p, sim = speaking_laptop(asr, rec)
    try:
        reply = say(p, LONG_REPLY)
        assert rec.first.get(timeout=30) == reply
        time.sleep(after_s)
        # piper's voice: whisper tiny.en mishears espeak-ng's through the room even without echo
        # (the bench measures the other voices)
        at = sim.say(piper_says("What time is it in Tokyo?"), level_db=-26)
        try:
            rec.barge.get(timeout=10)
            r, spoken, interrupted = rec.spoken.get(timeout=10)
            heard = rec.heard.get(timeout=30).text.lower()
        except queue.Empty:
            return "no barge-in, or nothing heard, within the time allowed"
    finally:
        p.close()
        sim.close()
    if not (interrupted and LONG_REPLY.startswith(spoken) and len(spoken) < len(LONG_REPLY) * 0.75):
        return f"not cut off as he spoke: {spoken!r}"
    stopped = sim.stopped_playing_after(at)
    if stopped is None or stopped / SAMPLE_RATE >= 0.6:  # the benchmark's figure: within 0.3 s
        return f"stopped {stopped} samples after the voice began"
    return "" if "tokyo" in heard else f"heard {heard!r}"


@pytest.mark.parametrize("after_s", [5.0, 3.2], ids=["AEC3 settled", "the first seconds: the linear path"])
def test_on_speakers_the_user_can_cut_jarvis_off_by_voice(asr, after_s):
    # echo_bench.py measures the rate: one trial alone would fail now and then by chance, so a
    # second is allowed; two misses in a row mean barge-in by voice is broken.  3.2 s into his
    # first reply, before AEC3 has settled (4 s), only the linear echo path may cut him off.
    failed = []
    for _ in range(2):
        why = _cut_off_by_voice(asr, after_s)
        if not why:
            return
        failed.append(why)
    pytest.fail(f"not cut off by voice in two trials: {failed}")


def test_the_stop_phrase_stops_him_with_barge_in_off_and_other_words_do_not(asr):
    """The logic, on a headset (no echo, so the words are heard as said); on speakers the bench
    measures how often the words survive the canceller."""
    rec, sink = Recorder(), ArraySink(realtime=True)
    p = VoicePipeline(asr, piper_voice(), sink, VoiceOptions(hands_free=True, headset=True, barge_in=False),
                      **rec.callbacks()).start()
    try:
        reply = say(p, LONG_REPLY + " " + LONG_REPLY)
        assert rec.first.get(timeout=30) == reply
        feed(p, utterance("I wonder what is for dinner.", before=0.2, after=1.0), realtime=True, pace=1.0)
        settle(p, 1.0)
        assert rec.barge.empty() and rec.spoken.empty()  # words said over him are no command
        feed(p, utterance("Stop, that's enough.", before=0.2, after=1.0), realtime=True, pace=1.0)
        assert rec.barge.get(timeout=10)
        r, spoken, interrupted = rec.spoken.get(timeout=10)
    finally:
        p.close()
    assert interrupted and r == reply and len(spoken) < len(LONG_REPLY)
    assert rec.heard.empty()


def test_stop_phrases_are_matched_whole():
    o = VoiceOptions()
    for said in ("Stop.", "stop!", "That's enough.", "Jarvis, wait.", "THAT\u2019S ENOUGH", "Never mind.",
                 "Stop, that's enough, thank you.", "Okay Jarvis, stop please"):
        assert o.is_stop_phrase(said), said
    for said in ("Stop the music and play jazz", "enough of that, what's the weather", "", "...", "Thank you.",
                 "Jarvis", "wait for me at the station"):
        assert not o.is_stop_phrase(said), said
