"""The retrain's progress lines as typed values: what the trainer writes, the app reads back."""

from __future__ import annotations

import io
import json

from jarvis_desktop.core.progress_event import JobState, ProgressEvent
from trainer.progress import Progress


def test_the_trainers_lines_read_back_as_the_events_written():
    out = io.StringIO()
    progress = Progress("json", stream=out)
    progress.update("sft", 3, 300, "loss 1.234")
    progress.update("done", message="promoted v4: better", version="v4", promoted=True, reason="better")
    rows = out.getvalue().splitlines()
    # the line format other programs read stays as it is
    assert json.loads(rows[0]) == {"stage": "sft", "step": 3, "total": 300, "message": "loss 1.234", "eta_s": 0}
    sft, done = (ProgressEvent.from_json(r) for r in rows)
    assert (sft.stage, sft.step, sft.total, sft.message, sft.eta_s) == ("sft", 3, 300, "loss 1.234", 0)
    assert not sft.done and done.done and done.promoted and done.version == "v4"
    assert done.extra == {"version": "v4", "promoted": True, "reason": "better"}
    assert json.loads(done.to_json()) == json.loads(rows[1])


def test_lines_that_are_not_progress_are_skipped_not_fatal():
    for line in (b"", b"Loading weights: 100%", b"[1, 2]", b'{"step": 3}', b'{"stage": 7}', b"\xff\xfe"):
        assert ProgressEvent.from_json(line) is None
    odd = ProgressEvent.from_json(b'{"stage": "sft", "step": "x", "total": true, "eta_s": "soon"}')
    assert (odd.step, odd.total, odd.eta_s) == (0, 0, None)


def test_a_refused_candidate_and_an_error_say_so():
    refused = ProgressEvent.from_json('{"stage": "done", "promoted": false, "version": "v5", "reason": "worse"}')
    assert refused.done and not refused.promoted
    error = ProgressEvent.from_json(ProgressEvent("error", message="disk full").to_json())
    assert error.failed and error.message == "disk full"


def test_the_app_state_reads_through_to_the_event():
    state = JobState(True, ProgressEvent("sft", 30, 300, "loss 1.0", 540))
    assert (state.running, state.stage, state.step, state.total, state.eta_s) == (True, "sft", 30, 300, 540)
    assert JobState(False).stage == "idle"
