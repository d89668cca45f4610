"""The user's data as the app keeps it: the memory of the user and the interaction log.

A mixin of the Controller (jarvis_desktop/controller.py), which owns the signals, the settings,
the log, the memory and the assistant.  Here: opening and closing the memory as Settings say,
what a forgotten fact takes with it, ratings (a joke rated down is set aside for good), what was
heard of a spoken reply, and the history view's exclude, delete and export.
"""

from __future__ import annotations

import errno
import logging
from pathlib import Path

from jarvis_desktop.core.embedder import default_embedder
from jarvis_desktop.core.errors import JarvisError
from jarvis_desktop.core.memory import Fact, MemoryStore, forget_in_files, forget_in_log, said_as
from jarvis_desktop.core.paths import data_dir, is_disk_full
from jarvis_desktop.core.tools.pastime import TELLER, told_id
from jarvis_desktop.core.trl import export_copy

log = logging.getLogger(__name__)

__all__ = ["LogKeeping", "why_not_saved"]


def why_not_saved(exc: Exception) -> str:
    """A failed write in words: a full disk says so (and never that a file is damaged)."""
    if is_disk_full(exc):
        return "the disk is full (free some space and it will be saved again)"
    cause = exc.__cause__ or exc
    text = str(cause).lower()
    if "readonly" in text or "read-only" in text or getattr(cause, "errno", None) in (errno.EACCES, errno.EROFS):
        return f"the data folder cannot be written ({cause})"
    return str(exc)


class LogKeeping:
    """The memory and the interaction log, as the user manages them (mixed into Controller)."""

    # --- memory -------------------------------------------------------------------------------
    def _open_memory(self) -> None:
        """Open the memory when Settings keep it on (and close it when off); a file that cannot
        be opened is said once, and Jarvis answers without a memory."""
        want = self.settings.memory
        if want and self.memory is None:
            try:
                self.memory = self._memory_given or MemoryStore(embedder=default_embedder())
            except JarvisError as exc:
                log.error("memory not available: %s", exc)
                self.problem.emit(f"Jarvis's memory cannot be opened: {exc}")
                return
            self.memory.on_forget.append(self._forgotten)
        elif not want and self.memory is not None:
            self.memory.on_forget.remove(self._forgotten)
            if self.memory is not self._memory_given:
                self.memory.close()
            self.memory = None
        self.assistant.tools.memory = self.memory
        self.memory_changed.emit()

    def _forgotten(self, facts: list[Fact]) -> None:
        """Facts were forgotten (by the forget tool or the Memory window): no turn of the log, no
        line of the app's own log file and no message of this conversation keeps their words."""
        deleted = forget_in_log(self.log, facts)
        forget_in_files(data_dir() / "logs", facts)
        dropped = self.assistant.forget_words(said_as(facts))
        log.info("forgot %d fact(s): %d logged turn(s) and %d exchange(s) of this conversation removed",
                 len(facts), len(deleted), dropped)
        self.log_changed.emit()
        self.memory_changed.emit()

    # --- the conversation as heard, and ratings --------------------------------------------
    def record_spoken(self, turn_id: int, text: str, interrupted: bool) -> None:
        """The voice finished (or was cut off in) a reply: log what was heard.  After a barge-in
        the heard part stands for the reply in the conversation, so Jarvis goes on from what the
        user actually heard rather than from words never said."""
        try:
            self.log.set_spoken(turn_id, text)
        except JarvisError as exc:  # deleted meanwhile: nothing to record
            log.info("spoken text of turn %d not recorded: %s", turn_id, exc)
            return
        try:
            last = self.log.turns(self.conversation)[-1:] if interrupted else []
        except JarvisError:
            last = []
        if last and last[0].id == turn_id and len(self.history) >= 2:
            if text.strip():
                self.history[-1] = {"role": "assistant", "content": text.strip()}
            else:
                del self.history[-2:]  # nothing was heard: as if unanswered

    def rate(self, turn_id: int, rating: int, correction: str | None = None) -> None:
        try:
            self.log.rate(turn_id, rating, correction or None)
        except JarvisError as exc:  # deleted meanwhile, never saved, or the disk is full
            self.notice.emit(f"Rating not saved: {why_not_saved(exc)}.")
            return
        notice = {1: "Thank you: noted as a good reply.", -1: "Noted: Jarvis will learn from it.",
                  0: "Rating cleared."}[rating]
        try:
            turn = self.log.turn(turn_id)
            told = told_id(turn.tool_call, turn.tool_result)
        except JarvisError:
            told = ""
        if told:  # a joke from the bank: a thumbs-down sets it aside for good (a thumbs-up or none, back)
            TELLER.set_aside(told, rating == -1)
            if rating == -1 and not correction:
                notice = "Noted: Jarvis won't tell that one again."
        self.notice.emit(notice)
        self.log_changed.emit()

    # --- the interaction log, as the user manages it ------------------------------------------
    def log_overview(self) -> list[tuple]:
        """[(Conversation, [Turn, ...]), ...] oldest first, for the history view."""
        return [(c, self.log.turns(c.id)) for c in self.log.conversations()]

    def set_excluded(self, turn_ids: list[int], excluded: bool) -> None:
        try:
            for turn_id in turn_ids:
                self.log.set_excluded(turn_id, excluded)
        except JarvisError as exc:
            self.problem.emit(str(exc))
        n = len(turn_ids)
        self.notice.emit(f"{n} turn{'s' * (n != 1)} {'excluded from' if excluded else 'included in'} training.")
        self.log_changed.emit()

    def delete_turns(self, turn_ids: list[int]) -> None:
        ours: set[int] = set()
        try:
            ours = {t.id for t in self.log.turns(self.conversation)} if self.conversation else set()
            for turn_id in turn_ids:
                self.log.delete_turn(turn_id)
        except JarvisError as exc:
            self.problem.emit(str(exc))
        if ours & set(turn_ids):
            self._forget_current("turns of this conversation were deleted")
        self.log_changed.emit()

    def delete_conversation(self, conversation_id: int) -> None:
        try:
            self.log.delete_conversation(conversation_id)
        except JarvisError as exc:
            self.problem.emit(str(exc))
        if conversation_id == self.conversation:
            self._forget_current("this conversation was deleted")
        self.log_changed.emit()

    def _forget_current(self, why: str) -> None:
        # The model must not go on from words the user has deleted: start afresh.
        self.new_conversation()
        self.notice.emit(f"Started a new conversation: {why}.")

    def export_log(self, folder: str) -> dict | None:
        try:
            counts = export_copy(self.log, Path(folder), self.settings.honorific)  # the user's copy: all of it
        except (JarvisError, OSError) as exc:
            self.problem.emit(f"Could not export the history to {folder}: {exc}")
            return None
        self.notice.emit(f"Exported to {folder}: {counts['sft']} SFT examples, {counts['kto']} rated turns, "
                         f"{counts['dpo']} corrected pairs.")
        return counts
