"""The desktop app offscreen with the tiny model: chat, ratings, stop, hot swap, Retrain now."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from jarvis_desktop.core.assistant import Answer, nothing_said
from jarvis_desktop.core.registry import Registry
from jarvis_desktop.app import JarvisApp
from jarvis_desktop.views import chat as chat_view
from jarvis_desktop.controller import Controller
from jarvis_desktop.core.settings import Settings
from tests.conftest import tiny_flags

WAIT = 60_000


@pytest.fixture(scope="module")
def rambling_gguf(tiny_base, tmp_path_factory):
    """The untrained tiny model: it never ends its turn by itself (for stopping it)."""
    from convert.gguf_export import hf_to_gguf

    return hf_to_gguf(tiny_base, tmp_path_factory.mktemp("raw") / "raw-F16.gguf", "f16")


@pytest.fixture
def app(qtbot, registered):
    settings = Settings(n_ctx=512, max_tokens=64, n_threads=1)  # spinning threads crawl on a busy 2-core box
    jarvis = JarvisApp(settings, Controller(settings, save=False), save=False)
    qtbot.addWidget(jarvis.window)
    with qtbot.waitSignal(jarvis.controller.model_changed, timeout=WAIT):
        jarvis.controller.start(first_run_training=False)
    yield jarvis
    jarvis.controller.shutdown()


def _ask(qtbot, jarvis, text):
    pieces = []
    jarvis.controller.reply_token.connect(pieces.append)
    jarvis.window.input.setText(text)
    with qtbot.waitSignal(jarvis.controller.reply_finished, timeout=WAIT) as done:
        jarvis.window.input.returnPressed.emit()
    jarvis.controller.reply_token.disconnect(pieces.append)
    return done.args, pieces


def test_send_a_message_and_see_the_reply_stream_in(qtbot, app):
    assert app.window.model_label.text() == "model v1"
    (turn, text, answer), pieces = _ask(qtbot, app, "Hello Jarvis")
    assert pieces and "".join(pieces).strip() == text  # (token by token: see the stop test)
    assert (answer.source, answer.name, answer.finish_reason) == ("model", "v1", "stop") and text
    bubbles = app.window.bubbles
    assert [b.who for b in bubbles] == ["user", "jarvis"]
    assert bubbles[1].label.text() == text and bubbles[1].up.isEnabled()
    logged = app.controller.log.turn(turn)
    assert logged.prompt == "Hello Jarvis" and logged.reply == text and logged.model_version == "v1"
    # the follow-up reuses the conversation (and the KV cache)
    (turn2, _, answer2), _ = _ask(qtbot, app, "Who are you?")
    assert answer2.stats.cached_tokens > 0
    assert [t.id for t in app.controller.log.turns(app.controller.conversation)] == [turn, turn2]


def test_rating_and_correction_reach_the_log(qtbot, app):
    (turn, _, _), _ = _ask(qtbot, app, "Good morning")
    bubble = app.window.bubbles[-1]
    bubble.down.click()
    assert bubble.correction.isVisible() or not app.window.isVisible()
    assert app.controller.log.turn(turn).rating == -1
    bubble.correction_edit.setText("Good morning, sir. The kettle is on.")
    bubble.correction_save.click()
    logged = app.controller.log.turn(turn)
    assert logged.rating == -1 and logged.correction == "Good morning, sir. The kettle is on."
    bubble.up.click()
    assert app.controller.log.turn(turn).rating == 1


def test_a_reply_rated_down_without_a_correction_is_asked_about_again_at_a_quiet_moment(qtbot, app, monkeypatch):
    monkeypatch.setattr(chat_view, "QUIET_MS", 200)
    (first, first_text, _), _ = _ask(qtbot, app, "Good morning")
    app.window.bubbles[-1].down.click()  # no correction typed
    (second, _, _), _ = _ask(qtbot, app, "Tell me about the weather")
    w = app.window
    assert w.uncorrected == [(first, first_text)]
    w.input.setText("half-typed")  # the user is typing: not a quiet moment
    assert w.offer_correction() is None and w.offer is None
    w.input.clear()
    qtbot.waitUntil(lambda: w.offer is not None, timeout=5000)  # the quiet timer fires by itself
    offer = w.offer
    assert offer.who == "note" and first_text[:40] in offer.label.text() and offer.turn_id == first
    offer.correction_edit.setText("Good morning, sir. The kettle is on.")
    offer.correction_save.click()
    logged = app.controller.log.turn(first)
    assert logged.rating == -1 and logged.correction == "Good morning, sir. The kettle is on."
    assert w.offer is None and w.uncorrected == [] and w.offer_correction() is None  # asked once only
    rated = next(b for b in w.bubbles if b.who == "jarvis" and b.turn_id == first)
    assert rated.correction_edit.text() == logged.correction and rated.correction_save.text() == "Saved"
    assert not offer.correction_edit.isEnabled() and offer.correction_save.text() == "Saved"
    # "Not now": nothing saved, and it is not asked again
    next(b for b in w.bubbles if b.who == "jarvis" and b.turn_id == second).down.click()
    qtbot.waitUntil(lambda: w.offer is not None, timeout=5000)
    skipped = w.offer
    assert skipped.turn_id == second
    skipped.skip.click()
    assert w.offer is None and w.uncorrected == [] and not skipped.skip.isEnabled()
    assert app.controller.log.turn(second).rating == -1 and not app.controller.log.turn(second).correction


def test_a_skill_answers_arithmetic_in_persona(qtbot, app):
    (turn, text, answer), _ = _ask(qtbot, app, "what is 17 times 23")
    assert (answer.source, answer.name) == ("skill", "calculator") and "391" in text and "sir" in text
    assert app.controller.log.turn(turn).model_version == "skill:calculator"


def test_stop_ends_a_generation_at_once(qtbot, app, rambling_gguf):
    reg = Registry()
    raw = reg.add(shutil.copy(rambling_gguf, reg.root / "incoming.gguf"), {"base": "tiny-untrained"})
    with qtbot.waitSignal(app.controller.model_changed, timeout=WAIT):
        app.controller.switch_model(raw.name)
    app.controller.worker.engine.config.max_tokens = 200  # (the tiny tokenizer makes the persona prompt long)
    pieces, shown = [], []

    def on_token(piece):
        pieces.append(piece)
        shown.append(app.window.bubbles[-1].label.text())
        if len(pieces) == 4:
            app.window.send_button.click()  # the Stop button, mid-reply

    app.controller.reply_token.connect(on_token)
    for _ in range(3):
        pieces.clear()
        shown.clear()
        app.window.input.setText("Tell me everything")
        with qtbot.waitSignal(app.controller.reply_finished, timeout=WAIT) as done:
            app.window.input.returnPressed.emit()
        stats = done.args[2].stats
        # The untrained model samples its end-of-turn token now and then: when
        # that came before the click reached the engine, the reply ended by itself: ask again.
        if not (stats.finish_reason == "stop" and stats.completion_tokens < 10):
            break
    app.controller.reply_token.disconnect(on_token)
    assert stats.finish_reason == "cancelled" and 4 <= stats.completion_tokens < 200, (stats, pieces)
    # the reply streamed in token by token: the bubble grew while it was being written
    assert len(set(shown)) >= 3, shown
    assert not app.window.busy


def test_hot_swap_between_two_models_mid_session(qtbot, app, rambling_gguf):
    _ask(qtbot, app, "Hello Jarvis")
    reg = Registry()
    v2 = reg.add(shutil.copy(rambling_gguf, reg.root / "incoming.gguf"), {"base": "tiny-untrained"})
    with qtbot.waitSignal(app.controller.model_changed, timeout=WAIT) as changed:
        app.controller.switch_model(v2.name)
    assert changed.args == ["v2"] and app.window.model_label.text() == "model v2"
    (turn, _, _), _ = _ask(qtbot, app, "And now?")
    assert app.controller.log.turn(turn).model_version == "v2"
    with qtbot.waitSignal(app.controller.model_changed, timeout=WAIT) as back:
        app.controller.rollback()
    assert back.args == ["v1"] and Registry().current().name == "v1"
    # a broken model file: the old model stays and the user is told why
    bad = reg.add(shutil.copy(rambling_gguf, reg.root / "incoming.gguf"), {"base": "broken"})
    with open(bad.gguf, "r+b") as fh:
        fh.truncate(4096)
    with qtbot.waitSignal(app.controller.problem, timeout=WAIT) as problem:
        app.controller.load_version(bad.name)
    assert "could not be loaded" in problem.args[0] and "still using v1" in problem.args[0]
    (turn, text, _), _ = _ask(qtbot, app, "Still there?")
    assert text and app.controller.log.turn(turn).model_version == "v1"


def test_retrain_now_end_to_end_hot_swaps_and_the_tray_shows_the_job(qtbot, app, tiny_base):
    flags = tiny_flags(tiny_base)
    at = flags.index("--persona")
    persona = Path(flags[at + 1]).read_text()
    del flags[at:at + 2]
    app.settings.retrain_args = [*flags, "--no-gate"]  # the gate has its own tests
    app.settings.persona = persona  # the user's own persona, from Settings: it must reach training
    seen_running, paused_states, paused_while_answering = [], [], []

    def on_job(state):
        paused_states.append(state.paused)
        if state.paused:  # the progress bar says why the retrain stands still
            assert "waiting while Jarvis answers" in app.window.job_bar.format()
        if state.running and state.stage == "sft":
            app.tray_menu.rebuild()  # as when the user opens the menu
            seen_running.append(app.tray_menu.texts())
            if not paused_while_answering and not app.controller.busy:
                app.controller.send("Good evening")  # the user chats during the retrain

    app.controller.job_changed.connect(on_job)
    # The conversation comes first: the trainer is stopped while the reply is written.
    app.controller.reply_token.connect(lambda piece: paused_while_answering.append(app.controller.job.paused))
    changes = []
    app.controller.model_changed.connect(changes.append)
    with qtbot.waitSignal(app.controller.job_finished, timeout=300_000) as done:
        assert app.controller.retrain_now()
        app.tray_menu.rebuild()
        assert "Cancel retrain" in app.tray_menu.texts()
    ok, message = done.args
    assert ok, message
    qtbot.waitUntil(lambda: changes == ["v2"], timeout=WAIT)  # hot swap to the new model
    # What Jarvis learned: shown when the retrain ends, both models' held-out replies kept to compare
    dialog = app.learned_dialogs.get("v2")
    assert dialog is not None and dialog.isVisible()
    report = dialog.report
    assert report.version == "v2" and report.against == "v1" and report.figures and not report.missing
    assert dialog.rollback_button is not None
    assert app.open_learned("v2") is dialog  # asked again (tray, window menu): the same window, raised
    dialog.close()  # deleted on close: the next ask opens a new one
    qtbot.waitUntil(lambda: "v2" not in app.learned_dialogs, timeout=WAIT)
    again = app.open_learned("v2")
    assert again is not None and again is not dialog and again.report.version == "v2"
    again.close()
    assert Registry().current().name == "v2"
    trained_with = Path(Registry().current().meta["config"]["sft"]["persona"])
    assert trained_with.read_text().strip() == persona.strip()
    assert any(any(t.startswith("Retraining: sft") for t in texts) for texts in seen_running)
    assert paused_while_answering and all(paused_while_answering)
    assert True in paused_states and paused_states[-1] is False  # shown as waiting, then going on
    assert app.controller.trainer_yield.paused_s > 0
    app.tray_menu.rebuild()
    texts = app.tray_menu.texts()
    assert "Retrain now" in texts and "Models/Current: v2" in texts and "Models/Switch to v1" in texts
    assert "Models/What v2 learned…" in texts and "Models/What v1 learned…" in texts
    (turn, text, _), _ = _ask(qtbot, app, "Hello Jarvis")
    assert text and app.controller.log.turn(turn).model_version == "v2"


def test_a_failing_retrain_leaves_the_model_in_place(qtbot, app, tiny_base, monkeypatch):
    app.settings.retrain_args = tiny_flags(tiny_base, steps=5)
    with qtbot.waitSignal(app.controller.job_finished, timeout=300_000) as done:
        app.controller.retrain_now(env={"JARVIS_FAIL_AT": "verify"})
    ok, message = done.args
    assert not ok and "failure injected at stage 'verify'" in message
    assert Registry().current().name == "v1" and app.controller.version == "v1"
    (turn, text, _), _ = _ask(qtbot, app, "Hello Jarvis")
    assert text


def test_schedule_retrains_only_when_due_and_rated(qtbot, registered, tiny_base):
    from datetime import datetime, timedelta, timezone

    settings = Settings(retrain_every_days=30, last_retrain="2026-01-01T00:00:00+00:00",
                        retrain_args=tiny_flags(tiny_base, steps=2))
    c = Controller(settings, save=False)
    started = []
    c.retrain_now = lambda env=None: started.append(1) or True  # the real job is tested above
    now = datetime(2026, 3, 1, tzinfo=timezone.utc)
    suits = lambda: ""  # noqa: E731 - the machine's state: tested below and in test_when_to_train
    assert not c.check_schedule(now, suits)  # due, but nothing rated since
    turn = c.log.add_turn(c.conversation, "hi", "Hello.", "v1")
    c.log.rate(turn, -1, "Hello, sir.")
    assert not c.check_schedule(datetime.fromisoformat(settings.last_retrain) + timedelta(days=3), suits)  # too soon
    assert c.check_schedule(now, suits) and started == [1]
    c.log.close()


def test_the_schedule_waits_for_mains_power_and_a_quiet_machine_and_says_so(qtbot, registered):
    from datetime import datetime, timezone

    settings = Settings(retrain_every_days=30, last_retrain="2026-01-01T00:00:00+00:00")
    c = Controller(settings, save=False)
    started, notices = [], []
    c.retrain_now = lambda env=None: started.append(1) or True
    c.notice.connect(notices.append)
    c.log.rate(c.log.add_turn(c.conversation, "hi", "Hello.", "v1"), 1)
    now = datetime(2026, 3, 1, tzinfo=timezone.utc)
    on_battery = lambda: "the computer is on battery power (40 %)"  # noqa: E731
    assert not c.check_schedule(now, on_battery) and not c.check_schedule(now, on_battery)
    assert notices == ["The monthly retrain is waiting: the computer is on battery power (40 %). "
                       "It starts when that changes."]  # said once, not every hour
    assert c.check_schedule(now, lambda: "") and started == [1]
    assert notices[-1] == "Monthly retrain: learning from your latest ratings."
    c.log.close()


def test_a_retrain_stopped_by_quit_goes_on_at_the_next_start(qtbot, registered, tmp_path):
    """Quit during a retrain stops it for now (SIGUSR1, so the trainer keeps its checkpoints:
    test_retrain_safety) and records it; the next start takes it up again when the machine suits,
    even with no new rating and long before the monthly date."""
    import stat
    import sys

    trainer = tmp_path / "jarvis-train"
    trainer.write_text(f"#!{sys.executable}\nimport json, time\n"
                       "print(json.dumps({'stage': 'sft', 'step': 1, 'total': 100}), flush=True)\n"
                       "time.sleep(600)\n")
    trainer.chmod(trainer.stat().st_mode | stat.S_IXUSR)
    settings = Settings(n_ctx=512, max_tokens=64, n_threads=1, trainer_command=str(trainer))
    c = Controller(settings, save=False)
    with qtbot.waitSignal(c.job_changed, timeout=WAIT, check_params_cb=lambda s: s.stage == "sft"):
        assert c.retrain_now()
    pid = int(c.job.proc.processId())
    c.shutdown()  # Quit
    assert not c.job.running and settings.retrain_stopped
    with pytest.raises(OSError):
        os.kill(pid, 0)  # the trainer has ended
    again = Controller(settings, save=False)
    started = []
    again.retrain_now = lambda env=None: started.append(1) or True
    notices = []
    again.notice.connect(notices.append)
    assert again.check_schedule(why_not=lambda: "") and started == [1]
    assert notices == ["The interrupted retrain goes on from where it was."]
    again.log.close()


def test_a_retrain_cut_short_by_a_crash_goes_on_at_the_next_start(qtbot, registered):
    """A crash or power loss after the fine-tune's first checkpoint: the next start keeps the
    checkpoint (and nothing with the user's words) and takes the retrain up again, as after Quit."""
    from jarvis_desktop.core.paths import runs_dir

    run = runs_dir() / "retrain-20261130-220000-abcd"
    (run / "export").mkdir(parents=True)
    (run / "export" / "sft.jsonl").write_text('{"messages": [{"role": "user", "content": "PRIVATE"}]}\n')
    checkpoint = run / "sft" / "checkpoints" / "checkpoint-5"
    checkpoint.mkdir(parents=True)
    (checkpoint / "trainer_state.json").write_text('{"global_step": 5}')
    settings = Settings(n_ctx=512, max_tokens=64, n_threads=1)
    c = Controller(settings, save=False)
    with qtbot.waitSignal(c.model_changed, timeout=WAIT):
        c.start(first_run_training=False)
    try:
        assert settings.retrain_stopped and checkpoint.is_dir() and not (run / "export").exists()
        started = []
        c.retrain_now = lambda env=None: started.append(1) or True
        assert c.check_schedule(why_not=lambda: "") and started == [1]
    finally:
        c.shutdown()


def test_first_run_trains_a_model_with_progress_then_loads_it(qtbot, tiny_base):
    settings = Settings(n_ctx=512, max_tokens=64, n_threads=1, retrain_args=tiny_flags(tiny_base))
    jarvis = JarvisApp(settings, Controller(settings, save=False), save=False)
    qtbot.addWidget(jarvis.window)
    notices, etas = [], []
    jarvis.controller.notice.connect(notices.append)
    jarvis.controller.job_changed.connect(lambda st: etas.append(st.eta_s) if st.stage == "sft" else None)
    try:
        assert Registry().current() is None
        with qtbot.waitSignal(jarvis.controller.model_changed, timeout=300_000) as changed:
            jarvis.controller.start()  # no model registered: training starts by itself
            assert jarvis.controller.job.running and "No model yet" in notices[0]
        assert changed.args == ["v1"] and jarvis.window.model_label.text() == "model v1"
        assert any(e for e in etas)  # the progress carried an estimate of the time left
        (turn, text, _), _ = _ask(qtbot, jarvis, "Hello Jarvis")
        assert text
    finally:
        jarvis.controller.shutdown()


def test_history_view_excludes_deletes_and_exports(qtbot, app, tmp_path):
    (first, _, _), _ = _ask(qtbot, app, "Good evening")
    (second, _, _), _ = _ask(qtbot, app, "Tell me about the weather")
    app.controller.rate(first, 1)
    app.controller.rate(second, -1, "Rain later, sir; take an umbrella.")
    history = app.open_history()
    history.confirm = lambda _text: True  # the user answers "Yes"
    assert "2 turns in 1 conversations" in history.summary.text()
    assert "1 rated good, 1 rated bad" in history.summary.text()
    rows = [history.turns.topLevelItem(i) for i in range(history.turns.topLevelItemCount())]
    assert [r.text(1) for r in rows] == ["Good evening", "Tell me about the weather"]
    assert [r.text(3) for r in rows] == ["good", "bad"]
    # which rated turns the next retrain will learn from (turns 1 and 2: neither is one held out)
    assert [r.text(4) for r in rows] == ["next retrain", "next retrain, with your correction"]
    assert "2 will teach the next retrain" in history.summary.text()
    # exclude the first from training: the log and the view both say so
    rows[0].setSelected(True)
    assert history.exclude_button.text() == "Exclude from training"
    history.exclude_button.click()
    assert app.controller.log.turn(first).excluded
    assert history.turns.topLevelItem(0).text(4) == "excluded" and "1 excluded" in history.summary.text()
    history.turns.topLevelItem(0).setSelected(True)
    assert history.exclude_button.text() == "Include in training"
    # export: the excluded turn is nowhere, the corrected one is a DPO pair
    history.export_requested.emit(str(tmp_path / "export"))
    kto = (tmp_path / "export" / "kto.jsonl").read_text().splitlines()
    dpo = (tmp_path / "export" / "dpo.jsonl").read_text().splitlines()
    assert len(kto) == 1 and "Good evening" not in kto[0] and len(dpo) == 1 and "umbrella" in dpo[0]
    # deleting a turn of the conversation on screen starts a new one: Jarvis forgets it too
    history.turns.clearSelection()
    history.turns.topLevelItem(1).setSelected(True)
    with qtbot.waitSignal(app.controller.conversation_reset, timeout=WAIT):
        history.delete_button.click()
    assert [t.id for t in app.controller.log.turns()] == [first]
    assert app.controller.history == [] and app.window.bubbles == []
    history.delete_conv_button.click()
    assert app.controller.log.turns() == [] and history.turns.topLevelItemCount() == 0
    assert "History…" in app.tray_menu.texts()


def test_engine_settings_apply_at_once_without_a_restart(qtbot, app):
    from dataclasses import replace

    before = app.controller.worker.engine.model_info()["n_ctx"]
    new = replace(app.settings, n_ctx=before - 128, max_tokens=48)
    with qtbot.waitSignal(app.controller.model_changed, timeout=WAIT) as changed:
        app.apply_settings(new)  # what Save in the Settings dialog does
    assert changed.args == ["v1"]
    engine = app.controller.worker.engine
    assert engine.model_info()["n_ctx"] == before - 128 and engine.config.max_tokens == 48
    (turn, text, answer), _ = _ask(qtbot, app, "Hello Jarvis")
    assert text and answer.stats.prompt_tokens + 48 <= before - 128


def test_a_new_honorific_name_and_persona_apply_from_the_next_reply(qtbot, app):
    from dataclasses import replace

    new = replace(app.settings, honorific="madam", user_name="Alice",
                  persona="You are Jarvis, a butler. Address the user as {honorific}.")
    app.apply_settings(new)
    system = app.controller.assistant.messages("Hello")[0]["content"]
    assert system.startswith("You are Jarvis, a butler. Address the user as madam.")
    assert "The user's name is Alice." in system
    (turn, text, answer), _ = _ask(qtbot, app, "what is 6 times 7")
    assert "42" in text and "madam" in text and answer.source == "skill"


def test_a_guessed_reply_is_one_handle_shown_only_when_confirmed(qtbot, app):
    c = app.controller
    shown, started = [], []
    c.user_message.connect(shown.append)
    c.reply_started.connect(started.append)
    assert c.guess("what is 6 times 7") is None  # a skill answers at once: never a guess
    shown.clear(), started.clear()
    before = len(c.log.turns())
    guess = c.guess("Hello Jarvis")
    assert guess is not None and guess.text == "Hello Jarvis" and guess.source == "model"
    qtbot.waitUntil(lambda: guess.answer is not None, timeout=WAIT)  # written, not shown
    assert guess.draft and "".join(guess.draft).strip() == guess.answer.text
    assert shown == [] and started == [] and len(c.log.turns()) == before and c.busy
    with qtbot.waitSignal(c.reply_finished, timeout=WAIT) as done:
        guess.confirm()
    assert shown == ["Hello Jarvis"] and started == [True] and done.args[1] == guess.answer.text
    assert c.log.turn(done.args[0]).prompt == "Hello Jarvis" and not c.busy
    guess.confirm()  # a second confirm does nothing
    assert len(c.log.turns()) == before + 1

    dropped = c.guess("Who are you?")
    dropped.discard()
    qtbot.waitUntil(lambda: not c.busy, timeout=WAIT)
    assert shown == ["Hello Jarvis"] and len(c.log.turns()) == before + 1
    assert c.history[-1]["content"] == guess.answer.text  # the dropped guess left no turn


def test_a_reply_the_model_left_empty_is_a_line_asking_to_rephrase(qtbot, app):
    """A model may end its turn before a word (its end-of-turn token first; CI's tiny model did
    on one long message): the user gets a line asking to rephrase, shown, spoken, logged and
    rateable, never an empty bubble.  Injected as the engine worker hands such a reply over."""
    c, w = app.controller, app.window
    pieces, drafts = [], []
    c.reply_token.connect(pieces.append)
    c.draft_token.connect(drafts.append)  # what the voice speaks
    c.user_message.emit("Hmm")
    c._pending_prompt = "Hmm"
    c.reply_started.emit(False)
    with qtbot.waitSignal(c.reply_finished, timeout=WAIT) as done:
        c._finished(c._request, Answer("", "model", "v1", "stop", version="v1"))
    turn, text, answer = done.args
    assert text == nothing_said("sir") and answer.source == "model" and pieces == [text]
    assert drafts == [text]  # spoken too: a spoken question got silence and this line on screen
    assert w.bubbles[-1].label.text() == text and w.bubbles[-1].up.isEnabled()
    assert c.log.turn(turn).reply == text and c.history[-1]["content"] == text
    # stopped by the user before a word: nothing is made up
    assert not Answer("", "model", "v1", "cancelled").said_nothing
    assert not Answer("", "skill", "calculator").said_nothing


def test_a_joke_rated_down_is_never_told_again_and_the_user_is_told_so(qtbot, app):
    """A thumbs-down on a joke sets it aside for good (in the data dir, so across sessions);
    clearing the rating brings it back.  The retrain learns nothing from it (test_feedback)."""
    import json

    from jarvis_desktop.core.paths import data_dir
    from jarvis_desktop.core.tools.pastime import ASIDE_FILE, TELLER, Teller

    (turn, text, answer), _ = _ask(qtbot, app, "tell me a joke")
    assert answer.source == "tool" and answer.tool.name == "joke" and text.startswith("Here's one, sir. ")
    told = app.controller.log.turn(turn).tool_result["data"]["id"]
    notices = []
    app.controller.notice.connect(notices.append)
    app.controller.rate(turn, -1)
    assert notices[-1] == "Noted: Jarvis won't tell that one again."
    path = data_dir() / ASIDE_FILE
    assert json.loads(path.read_text()) == [told] and Teller(path=path).aside == {told}  # the next session's
    assert all(TELLER.choose("joke")[0].id != told for _ in range(300))
    app.controller.rate(turn, 0)
    assert json.loads(path.read_text()) == [] and notices[-1] == "Rating cleared."
    # rated down in the window: set aside, and no correction is asked for later
    app.window.bubbles[-1].down.click()
    assert json.loads(path.read_text()) == [told] and app.window.uncorrected == []
