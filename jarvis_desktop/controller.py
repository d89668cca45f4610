"""The app's brain, without widgets: the core's ``Assistant`` with Qt signals and threads, plus
the log, the memory, the models and retraining (the log and memory in
jarvis_desktop/log_keeping.py, retraining in jarvis_desktop/retraining.py).

Widgets call its methods and listen to its signals; it never touches a widget.  What a message
gets for an answer is the ``Assistant``'s business (jarvis_desktop.core.assistant: persona,
skills, engine), the same as on the console and in the promotion gate; this class adds the
engine's QThread (workers.EngineWorker), the retrain child process (workers.RetrainJob) and
their results, which come back here as queued signals on the GUI thread.
"""

from __future__ import annotations

import functools
import logging
import threading
from dataclasses import fields, replace
from datetime import datetime, timezone

from PySide6.QtCore import QObject, QThread, QTimer, Signal

from jarvis_desktop.core.assistant import HISTORY_MIN, Answer, Assistant, Persona, nothing_said
from jarvis_desktop.core.engine import EngineConfig
from jarvis_desktop.core.errors import JarvisError
from jarvis_desktop.core.interactions import InteractionLog
from jarvis_desktop.core.memory import MemoryStore
from jarvis_desktop.core.paths import data_dir
from jarvis_desktop.core.registry import Registry
from jarvis_desktop.core.settings import Settings, save_settings
from jarvis_desktop.core.skills import Skills
from jarvis_desktop.core.timers import TimerService, announcement
from jarvis_desktop.core.tools import Toolbox
from jarvis_desktop.core.tools.pastime import ASIDE_FILE, TELLER
from jarvis_desktop.log_keeping import LogKeeping, why_not_saved
from jarvis_desktop.retraining import Retraining
from jarvis_desktop.workers import EngineWorker, resume_stopped_trainer

__all__ = ["Controller", "Guess"]

log = logging.getLogger(__name__)

SHUTDOWN_WAIT_MS = 15_000
ENGINE_SETTINGS = ("n_ctx", "n_threads", "n_gpu_layers", "max_tokens")


class Guess:
    """A reply being written to a guess at what the user is saying: the handle
    ``Controller.guess`` returns.  ``draft`` holds the pieces so far, ``answer`` the Answer once
    the reply has ended (still unconfirmed); ``confirm()`` shows and logs it as the user's turn,
    ``discard()`` drops it (nothing was shown or logged).  Either is a no-op once one was called."""

    source = "model"  # skills answer at once, so a guess only ever goes to the model

    def __init__(self, controller: Controller, text: str):
        self._controller, self.text = controller, text
        self.draft: list[str] = []
        self.answer: Answer | None = None

    def confirm(self) -> None:
        self._controller._confirm(self)

    def discard(self) -> None:
        self._controller._discard(self)


class Controller(Retraining, LogKeeping, QObject):
    user_message = Signal(str)
    reply_started = Signal(bool)  # True when the user spoke the message (the voice speaks the reply)
    reply_token = Signal(str)
    draft_token = Signal(str)  # every piece of the reply being written, confirmed or not (the voice's feed)
    engine_free = Signal()  # a discarded guess has wound down (replies finish with reply_finished)
    reply_finished = Signal(int, str, object)  # turn id, text, Answer (source, figures)
    reply_failed = Signal(str)
    model_changed = Signal(str)  # version now answering ("" when none)
    notice = Signal(str)  # one line for the status bar
    problem = Signal(str)  # something the user must read (a dialog)
    job_changed = Signal(object)  # JobState: running, and the latest ProgressEvent
    job_finished = Signal(bool, str)
    learned_ready = Signal(str)  # a retrain registered this version (made current or not): its report
    announcement = Signal(str)
    conversation_reset = Signal()
    log_changed = Signal()  # turns excluded or deleted (rating shows in place)
    memory_changed = Signal()  # a fact kept, edited or forgotten, or the memory switched on or off
    _load = Signal(str, str, object)
    _generate = Signal(int, object)
    _prefill = Signal(object)
    _configure = Signal(object)

    def __init__(self, settings: Settings, registry: Registry | None = None,
                 interactions: InteractionLog | None = None, clock=datetime.now, save=True,
                 memory: MemoryStore | None = None):
        super().__init__()
        self.settings, self.clock, self._save = settings, clock, save
        self.registry = registry or Registry()
        self.log = interactions or InteractionLog()
        self._memory_given = memory
        self.memory: MemoryStore | None = None
        self.timers = TimerService(clock=clock)
        TELLER.keep_aside_in(data_dir() / ASIDE_FILE)  # the jokes you rated down are never told again
        self.skills = Skills(self.timers, clock=clock)
        self.conversation = self._open_conversation()
        self._busy = False  # the model is answering (``busy``)
        self._request = 0
        self._pending_prompt = ""
        self._pending_version = ""
        self._guess: Guess | None = None  # the reply is to a guess at what was said: not shown or logged yet
        self._dropped = 0  # request of a discarded guess still winding down
        self._tried: set[str] = set()  # versions asked to load: a fallback never loops
        self._setup_retraining()
        self._thread = QThread()
        self._thread.setObjectName("jarvis-engine")
        # Set: the model may decode.  The voice clears it for the moment piper makes a reply's
        # first sound (VoicePipeline.llm_may_run).
        self.may_run = threading.Event()
        self.may_run.set()
        self.worker = EngineWorker(self._engine_config(), self.may_run)
        # The assistant answers; its model part runs in the engine thread (worker.generate).
        self.assistant = Assistant(self.worker.engine, self.skills, Persona.of(settings), clock,
                                   history_limit=max(HISTORY_MIN, settings.n_ctx),
                                   tools=Toolbox(timers=self.timers, clock=clock))
        self._open_memory()
        self.worker.assistant = self.assistant
        self.worker.moveToThread(self._thread)
        self._load.connect(self.worker.load)
        self._generate.connect(self.worker.generate)
        self._prefill.connect(self.worker.prefill)
        self._configure.connect(self.worker.configure)
        self.worker.loaded.connect(self._loaded)
        self.worker.load_failed.connect(self._load_failed)
        self.worker.token.connect(self._token)
        self.worker.finished.connect(self._finished)
        self.worker.failed.connect(self._failed)
        self._tick = QTimer(self)
        self._tick.timeout.connect(self._poll_timers)
        self._schedule = QTimer(self)
        self._schedule.timeout.connect(self.check_schedule)

    # --- life cycle -------------------------------------------------------------------------
    def start(self, first_run_training: bool = True) -> None:
        self._thread.start()
        self._tick.start(1000)
        self._schedule.start(3600 * 1000)
        resume_stopped_trainer(data_dir() / "retrain.lock")
        self._tidy()
        self._go_on_with_an_interrupted_retrain()
        version = self._model_to_run()
        if version is not None:
            self.load_version(version.name)
        elif first_run_training:
            self.notice.emit("No model yet: training the default Jarvis model (Gemma 3 270M + the persona "
                             "data). This takes 30 to 90 minutes on a 2-core CPU (the less with bf16 "
                             "instructions); progress is shown here.")
            self.retrain_now()
        else:
            self.notice.emit("No model is registered yet: choose Retrain now to train one.")

    @property
    def busy(self) -> bool:
        """The model is answering (a reply, or a guess at one): the retrain waits meanwhile."""
        return self._busy

    @busy.setter
    def busy(self, on: bool) -> None:
        self._busy = on
        if on:
            self.trainer_yield.hold("reply")
        else:
            self.trainer_yield.release("reply")

    def shutdown(self) -> None:
        self.worker.stop_event.set()
        self._quitting = True
        if self.job.postpone(SHUTDOWN_WAIT_MS):  # its fine-tune's progress is kept for the next start
            self.settings.retrain_stopped = datetime.now(timezone.utc).isoformat(timespec="seconds")
            self._persist()
        self._tick.stop()
        self._schedule.stop()
        self._thread.quit()
        if self._thread.wait(SHUTDOWN_WAIT_MS):
            self.worker.engine.close()
        else:  # stuck in llama.cpp: leave it to the process's exit rather than hang the quit
            log.error("the engine thread did not stop within %d s; quitting without waiting for it",
                      SHUTDOWN_WAIT_MS // 1000)
        self.log.close()
        if self.memory is not None and self.memory is not self._memory_given:
            self.memory.close()

    @property
    def version(self) -> str:
        """The model version answering now ("" when none)."""
        return self.assistant.version

    @property
    def history(self) -> list[dict]:
        """This conversation's user/assistant messages (the assistant's)."""
        return self.assistant.history

    @property
    def stuck(self) -> bool:
        """The engine thread is still running after shutdown (the app then exits at once)."""
        return self._thread.isRunning()

    def _tidy(self) -> None:
        """What killed runs leave behind: registry leftovers, and run folders holding exported
        conversations (a retrain that was killed outright never removed them)."""
        from jarvis_desktop.core.runs import clean_stale_runs  # light: no torch

        try:
            removed = [*self.registry.clean_leftovers(), *clean_stale_runs()]
        except (JarvisError, OSError) as exc:
            log.warning("could not tidy the data folder: %s", exc)
            return
        if removed:
            log.info("removed leftovers of interrupted work: %s", ", ".join(map(str, removed)))

    def _model_to_run(self):
        if self.settings.model_version:
            try:
                return self.registry.get(self.settings.model_version)
            except JarvisError:
                log.warning("model %s from settings is gone; using the current one", self.settings.model_version)
        version, problem = self.registry.resolve(fix=True)
        if problem:  # a damaged pointer must not look like "no model" (and start a first-run retrain)
            self.problem.emit(problem)
        return version

    # --- models --------------------------------------------------------------------------------
    def load_version(self, name: str) -> None:
        version = self.registry.get(name)
        self._pending_version = name
        self._tried.add(name)
        self.notice.emit(f"Loading model {name}…")
        # The worker checks the file's SHA-256 first (a second or so, off the GUI thread).
        self._load.emit(str(version.gguf), name, functools.partial(self.registry.check, version))

    def _engine_config(self) -> EngineConfig:
        s = self.settings
        return EngineConfig(n_ctx=s.n_ctx, n_threads=s.n_threads, n_gpu_layers=s.n_gpu_layers, max_tokens=s.max_tokens)

    def apply(self, new: Settings) -> None:
        """Take the settings the user saved, each where it belongs, at once: the persona, name
        and honorific from the next reply; context size, threads, GPU layers or reply length
        in the engine (in its thread, after any reply under way), reloading the model answering
        now with them (close-then-load; the old one stays if that fails); another model version
        is loaded.  The voice and start-at-login are the app's (``JarvisApp.apply_settings``)."""
        old = self.settings
        changed_model = bool(new.model_version) and new.model_version != old.model_version
        changed_engine = any(getattr(new, k) != getattr(old, k) for k in ENGINE_SETTINGS)
        if new is not old:
            for f in fields(Settings):
                setattr(old, f.name, getattr(new, f.name))
        self.assistant.persona = Persona.of(old)
        self.assistant.history_limit = max(HISTORY_MIN, old.n_ctx)
        if (self.memory is not None) != old.memory:
            self._open_memory()
        if changed_engine:
            self._configure.emit(self._engine_config())
            if not changed_model and self.version:
                self.load_version(self.version)
        if changed_model:
            self.load_version(old.model_version)

    def switch_model(self, name: str) -> None:
        """Run another registered version (and make it current, so the trainer builds on it)."""
        self.registry.promote(name)
        self.settings.model_version = ""
        self._persist()
        self.load_version(name)

    def rollback(self) -> str:
        version = self.registry.rollback()
        self.load_version(version.name)
        return version.name

    def _loaded(self, version: str, path: str) -> None:
        self._tried = set()
        self.model_changed.emit(version)
        self.notice.emit(f"Model {version} ready.")
        self._prefill_next()  # the next reply starts from a warm cache

    def _load_failed(self, version: str, reason: str) -> None:
        fallback = None if self.version else self._fallback()
        if fallback is not None:  # nothing runs yet: the newest version not yet tried
            self.problem.emit(f"Model {version} could not be loaded, so Jarvis uses {fallback.name} instead "
                              f"(switch back from the Models menu once it is fixed, or retrain).\n\n{reason}")
            self.load_version(fallback.name)
            return
        self.problem.emit(f"Model {version} could not be loaded; "
                          f"{'still using ' + self.version if self.version else 'no model is loaded'}.\n\n{reason}")
        self.model_changed.emit(self.version)

    def _fallback(self):
        previous = self.registry.previous()
        candidates = ([previous] if previous else []) + list(reversed(self.registry.versions()))
        return next((v for v in candidates if v.name not in self._tried), None)

    # --- conversation ----------------------------------------------------------------------------
    def new_conversation(self) -> None:
        self.stop()
        self.assistant.reset()
        self.conversation = self._open_conversation()
        self.conversation_reset.emit()

    def _open_conversation(self) -> int:
        """A new conversation in the log; 0 when the log cannot be written (a full disk): the
        first turn that can be saved opens it then."""
        try:
            return self.log.new_conversation()
        except JarvisError as exc:
            log.error("no new conversation in the log: %s", exc)
            return 0

    def send(self, text: str, spoken: bool = False) -> bool:
        """Answer ``text``; True when the model was asked.  ``spoken``: the user said it (the
        voice then speaks the reply; ``reply_started`` carries it)."""
        return self._ask(text, spoken, guess=False) is not None

    def guess(self, text: str) -> Guess | None:
        """Start answering a guess at what the user is saying (transcribed while the voice
        waits for the end of speech): the model writes, but nothing is shown or logged until
        the handle's ``confirm()``; ``discard()`` drops it.  None when the model is not asked
        (busy, no model, or a skill would answer: skills answer at once anyway)."""
        return self._ask(text, True, guess=True)

    def _ask(self, text: str, spoken: bool, guess: bool):
        text = text.strip()
        if not text:
            return None
        if self.busy:
            self.notice.emit("Jarvis is still answering: stop him first.")
            return None
        skill = self.assistant.skill_answer(text)
        if guess and (skill is not None or not self.version):
            return None
        if not guess:
            self.user_message.emit(text)
        if skill is not None:
            turn = self._log_turn(text, skill.text, skill.label)
            self.assistant.remember(text, skill.text)
            self.reply_started.emit(spoken)
            self.reply_token.emit(skill.text)
            self.draft_token.emit(skill.text)
            self.reply_finished.emit(turn, skill.text, skill)
            if self.version and not self.busy:
                self._prefill_next()
            return None
        if not self.version:
            self.reply_failed.emit("No model is loaded yet." + (" Training is under way." if self.job.running else ""))
            return None
        messages = self.assistant.messages(text)
        self._request += 1
        self._pending_prompt = text
        self.busy = True
        self._guess = Guess(self, text) if guess else None
        if not guess:
            self.reply_started.emit(spoken)
        self._generate.emit(self._request, messages)
        return self._guess or True

    def _confirm(self, guess: Guess) -> None:
        """The guess was what the user said: show it, and the reply so far, and go on."""
        if guess is not self._guess:
            return
        self._guess = None
        self.user_message.emit(guess.text)
        self.reply_started.emit(True)
        for piece in guess.draft:
            self.reply_token.emit(piece)
        if guess.answer is not None:
            self._finished(self._request, guess.answer)

    def _discard(self, guess: Guess) -> None:
        """The guess was wrong (the user went on speaking): stop it; nothing was shown or logged."""
        if guess is not self._guess:
            return
        self._guess = None
        if guess.answer is not None:
            self.busy = False
            return
        self._dropped = self._request
        self._request += 1  # its remaining pieces and its end are ignored
        self.worker.stop_event.set()

    def stop(self) -> None:
        if self.busy:
            self.worker.stop_event.set()

    def _token(self, request: int, piece: str) -> None:
        if request == self._request:
            self.draft_token.emit(piece)
            if self._guess is not None:
                self._guess.draft.append(piece)
            else:
                self.reply_token.emit(piece)

    def _wound_down(self, request: int) -> bool:
        """A discarded guess's generation has ended: free the engine for what came next."""
        if request != self._dropped:
            return False
        self._dropped, self.busy = 0, False
        self.engine_free.emit()
        return True

    def _finished(self, request: int, answer: Answer) -> None:
        if request != self._request:
            self._wound_down(request)
            return
        if self._guess is not None:
            self._guess.answer = answer
            return
        self.busy = False
        if answer.said_nothing:
            answer = replace(answer, text=nothing_said(self.assistant.persona.honorific))
            self.reply_token.emit(answer.text)  # shown,
            self.draft_token.emit(answer.text)  # and spoken as any reply (the voice speaks the drafts)
        prompt = answer.kept_prompt(self._pending_prompt)
        turn = self._log_turn(prompt, answer.text, answer.label, first_token_s=answer.first_token_s,
                              total_s=answer.total_s, tokens=answer.tokens, used_memory=answer.used_memory,
                              **(answer.tool.log_record() if answer.tool is not None else {}))
        self.assistant.remember(prompt, answer.text)
        self._noted(answer, turn)
        self.reply_finished.emit(turn, answer.text, answer)
        if self.version:
            self._prefill_next()

    def _noted(self, answer: Answer, turn: int) -> None:
        """A fact the remember tool kept: record the turn it came from (forgetting it deletes
        that turn too), and let the Memory window show it."""
        outcome = answer.tool
        if outcome is None or outcome.name != "remember" or outcome.status != "ran" or self.memory is None:
            return
        fact_id = outcome.result.data.get("fact_id")
        if turn and isinstance(fact_id, int):
            try:
                self.memory.link(fact_id, turn)
            except JarvisError as exc:
                log.warning("could not link fact %s to turn %s: %s", fact_id, turn, exc)
        self.memory_changed.emit()

    def _prefill_next(self) -> None:
        """While the reply is read or heard, let the engine thread evaluate what the next prompt
        starts with (the conversation so far): the next reply then evaluates only the message."""
        self._prefill.emit([{"role": "system", "content": self.assistant.system_prompt()}, *self.assistant.context()])

    def _log_turn(self, prompt: str, reply: str, version: str, **figures) -> int:
        """Log a turn; 0 when it could not be saved (the user is told, and the chat goes on)."""
        try:
            if not self.conversation:
                self.conversation = self.log.new_conversation()
            return self.log.add_turn(self.conversation, prompt, reply, version, **figures)
        except JarvisError as exc:
            log.error("turn not saved: %s", exc)
            self.notice.emit(f"Not saved: {why_not_saved(exc)}. Jarvis goes on answering; this reply "
                             "cannot be rated.")
            return 0

    def _failed(self, request: int, reason: str) -> None:
        if self._wound_down(request):
            return
        if request == self._request:
            self.busy = False
            if self._guess is not None:
                self._guess = None
                self.user_message.emit(self._pending_prompt)
            self.reply_failed.emit(reason)

    # --- timers ---------------------------------------------------------------------------------
    def _poll_timers(self) -> None:
        for timer in self.timers.pop_due():
            self.announcement.emit(announcement(timer, self.settings.honorific, self.clock()))

    def _persist(self) -> None:
        if self._save:
            try:
                save_settings(self.settings)
            except JarvisError as exc:  # a full disk: the previous settings file stays as it was
                log.error("%s", exc)
                self.notice.emit(str(exc))
