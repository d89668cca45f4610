"""The interaction log: every chat turn with its rating, correction and exclude flag, in SQLite.
It stores; what training makes of the ratings is not its business: ``rated_turns`` hands over the
rated turns, each with the chat before it; jarvis_desktop/core/trl.py puts them in TRL's formats
(the History window's copy for the user) and trainer/feedback.py makes a retrain's files of them
(its held-out turns, its sidecars).

Storage: ``<data dir>/interactions.sqlite3``, as core/sqlite_store.py keeps the user's files (WAL,
``synchronous=FULL``, numbered migrations, one transaction a write, 0600, a delete zeroes the text
and truncates the WAL; one connection behind a lock).  Other processes (the retrain child) open
their own log.

Exports left on disk: a retrain exports into ``<data dir>/runs/`` (trainer/feedback.py), writing
beside each JSONL a sidecar ``<name>.turns.json`` that lists, per row, the ids of the turns
whose text the row holds (a row's prompt carries the earlier turns of its conversation).
Deleting or excluding a turn then drops every row holding it from those exports
(``scrub_exports``), so a running or killed retrain never keeps text the user took back."""

from __future__ import annotations

import json
import logging
import math
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from jarvis_desktop.core.errors import JarvisError
from jarvis_desktop.core.paths import data_dir, runs_dir, write_atomic
from jarvis_desktop.core.sqlite_store import SQLiteStore, utc_now
from jarvis_desktop.core.sqlite_store import migrate as _migrate

__all__ = ["Turn", "RatedTurn", "Conversation", "InteractionLog", "LogInputError", "LogNotFoundError",
           "MIGRATIONS", "migrate", "utc_now", "log_path", "scrub_exports",
           "TURNS_SIDECAR"]

_log = logging.getLogger(__name__)

_TURN_COLUMNS = ("id, conversation_id, created, prompt, reply, model_version, first_token_s, "
                 "total_s, tokens, rating, correction, excluded, spoken, rated, tool_call, tool_result, used_memory")

TURNS_SIDECAR = ".turns.json"  # <name>.turns.json beside <name>.jsonl: the turn ids of each row


def log_path() -> Path:
    """The user's interaction log: ``<data dir>/interactions.sqlite3``."""
    return data_dir() / "interactions.sqlite3"


class LogInputError(JarvisError, ValueError):
    """A value handed to the log is not allowed (a rating of 2, a correction on a thumbs-up)."""


class LogNotFoundError(JarvisError, LookupError):
    """No turn or conversation with that id (never made, or deleted)."""


@dataclass
class Turn:
    """One exchange.  ``rating`` 1 up, -1 down, 0 none; ``correction`` (thumbs-down only): what
    Jarvis should have said; ``spoken``: what the voice said before any barge-in (None: not
    spoken); ``rated``: when rated.  Times are ISO-8601 UTC."""

    id: int
    conversation_id: int
    created: str
    prompt: str
    reply: str
    model_version: str
    first_token_s: float | None
    total_s: float | None
    tokens: int | None
    rating: int
    correction: str | None
    excluded: bool
    spoken: str | None
    rated: str | None = None
    tool_call: str | None = None
    tool_result: dict | None = None
    used_memory: bool = False  # the reply drew on the user's memory (notes in its prompt, a memory tool)


@dataclass
class RatedTurn:
    """A rated, not excluded turn as training sees it: ``context`` is the chat before it in its
    conversation as user/assistant messages (excluded turns and empty replies left out, as in
    ``InteractionLog.context``), taken from the turns ``context_ids``.  The text is as logged:
    no placeholders, no hold-out; that is for whoever builds rows from it."""

    id: int
    conversation_id: int
    context: list[dict]
    context_ids: list[int]
    prompt: str
    reply: str
    rating: int
    correction: str | None
    excluded: bool
    created: str
    model_version: str
    rated: str | None
    tool_call: str | None = None  # the call that ran, where a tool answered (the model's, in tool_result["written"], where it differs)
    tool_status: str | None = None  # how it went: ran, failed (the tool's own "cannot"), malformed...
    used_memory: bool = False  # trained on only where the user allows it (Settings, train_on_memory)

    @property
    def text_ids(self) -> list[int]:
        """The turns whose words a row made from this turn holds: its context's and its own."""
        return [*self.context_ids, self.id]


@dataclass
class Conversation:
    """A chat; ``turns`` counts its turns, excluded ones included."""

    id: int
    created: str
    title: str
    turns: int


# Migrations: append new functions; never edit, rename or reorder old ones (names are recorded).
def m001_initial(db: sqlite3.Connection) -> None:
    db.execute("CREATE TABLE conversations (id INTEGER PRIMARY KEY AUTOINCREMENT, "
               "created TEXT NOT NULL, title TEXT NOT NULL DEFAULT '')")
    # AUTOINCREMENT: a deleted turn's id is never reused, so a stale GUI cannot rate another turn.
    db.execute("""CREATE TABLE turns (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        created TEXT NOT NULL, prompt TEXT NOT NULL, reply TEXT NOT NULL,
        model_version TEXT NOT NULL, first_token_s REAL, total_s REAL, tokens INTEGER,
        rating INTEGER NOT NULL DEFAULT 0 CHECK (rating IN (-1, 0, 1)), rated TEXT,
        correction TEXT CHECK (correction IS NULL OR rating = -1),
        excluded INTEGER NOT NULL DEFAULT 0 CHECK (excluded IN (0, 1)), spoken TEXT)""")
    db.execute("CREATE INDEX turns_conversation ON turns(conversation_id, id)")
    db.execute("CREATE INDEX turns_rated ON turns(rated)")


def m002_tool_calls(db: sqlite3.Connection) -> None:
    """The tool call behind a reply and what came of it (JSON), so a rated tool turn can be
    learnt from as the call the model wrote, not as the tool's sentence."""
    db.execute("ALTER TABLE turns ADD COLUMN tool_call TEXT")
    db.execute("ALTER TABLE turns ADD COLUMN tool_result TEXT")


def m003_used_memory(db: sqlite3.Connection) -> None:
    """Whether a reply drew on the user's memory: such turns are trained on only when the user
    allows it (Settings, "train_on_memory")."""
    db.execute("ALTER TABLE turns ADD COLUMN used_memory INTEGER NOT NULL DEFAULT 0")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [m001_initial, m002_tool_calls, m003_used_memory]


def migrate(db: sqlite3.Connection, migrations: list | None = None) -> list[str]:
    """The log's migrations not yet run on ``db`` (core/sqlite_store.migrate)."""
    return _migrate(db, MIGRATIONS if migrations is None else migrations)


def _normalise_time(value: str) -> str:
    """Any ISO-8601 time (naive means UTC) in the log's own format, so comparisons hold."""
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        raise LogInputError(f"{value!r} is not an ISO-8601 time (e.g. 2025-01-31T09:00:00+00:00)") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).isoformat(timespec="microseconds")


def _check_amount(value, name: str, kinds=(int, float)):
    if value is not None and (isinstance(value, bool) or not isinstance(value, kinds)
                              or not math.isfinite(value) or value < 0):
        raise LogInputError(f"{name} must be a number >= 0 or None, not {value!r}")


class InteractionLog(SQLiteStore):
    """The SQLite log of chat turns; safe to share between threads (see the module notes)."""

    what = "interaction log"

    MIGRATIONS = MIGRATIONS

    def __init__(self, path: Path | None = None):
        super().__init__(Path(path) if path is not None else log_path())

    @staticmethod
    def _require(db: sqlite3.Connection, table: str, row_id) -> int:
        if isinstance(row_id, bool) or not isinstance(row_id, int):
            raise LogInputError(f"a {table[:-1]} id must be an integer, not {row_id!r}")
        if db.execute(f"SELECT 1 FROM {table} WHERE id = ?", (row_id,)).fetchone() is None:
            raise LogNotFoundError(f"no {table[:-1]} {row_id} in the interaction log (deleted, or never made)")
        return row_id

    def _delete(self, table: str, row_id) -> None:
        with self._lock:
            with self._tx(write=True) as db:
                self._require(db, table, row_id)
                column = "id" if table == "turns" else "conversation_id"
                gone = [r[0] for r in db.execute(f"SELECT id FROM turns WHERE {column} = ?", (row_id,))]
                db.execute(f"DELETE FROM {table} WHERE id = ?", (row_id,))  # a conversation's turns cascade
            self._truncate_wal()
        _scrub_quietly(gone)

    def new_conversation(self, title: str = "") -> int:
        """Start a conversation; returns its id."""
        with self._tx(write=True) as db:
            return db.execute("INSERT INTO conversations (created, title) VALUES (?, ?)",
                              (utc_now(), str(title))).lastrowid

    def add_turn(self, conversation_id: int, prompt: str, reply: str, model_version: str, *,
                 first_token_s: float | None = None, total_s: float | None = None,
                 tokens: int | None = None, spoken: str | None = None, tool_call: str | None = None,
                 tool_result: dict | None = None, used_memory: bool = False) -> int:
        """Log one turn; returns its id.  ``reply`` may be empty (a barge-in before the first
        word); ``spoken`` is what the voice said, None when the reply was only shown;
        ``tool_call`` and ``tool_result`` (JSON-serialisable) where a tool gave the reply."""
        if not isinstance(prompt, str) or not prompt.strip():
            raise LogInputError("a turn needs the user's prompt (non-empty text)")
        if not isinstance(reply, str) or not (spoken is None or isinstance(spoken, str)):
            raise LogInputError("the reply (and spoken, when given) must be text")
        if not isinstance(model_version, str) or not model_version.strip():
            raise LogInputError("a turn needs the model version that answered (e.g. 'v3')")
        _check_amount(first_token_s, "first_token_s")
        _check_amount(total_s, "total_s")
        _check_amount(tokens, "tokens", (int,))
        if not (tool_call is None or isinstance(tool_call, str)) or (tool_result is not None and tool_call is None):
            raise LogInputError("a tool call must be text, and a tool result needs the call it came from")
        try:
            result = None if tool_result is None else json.dumps(tool_result, ensure_ascii=False, default=str)
        except (TypeError, ValueError) as exc:
            raise LogInputError(f"the tool result cannot be stored as JSON: {exc}") from None
        with self._tx(write=True) as db:
            self._require(db, "conversations", conversation_id)
            return db.execute(
                "INSERT INTO turns (conversation_id, created, prompt, reply, model_version, first_token_s, "
                "total_s, tokens, spoken, tool_call, tool_result, used_memory) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (conversation_id, utc_now(), prompt, reply, model_version, first_token_s, total_s,
                 tokens, spoken, tool_call, result, int(bool(used_memory)))).lastrowid

    def rate(self, turn_id: int, rating: int, correction: str | None = None) -> None:
        """Rate a turn: 1 up, -1 down, 0 clears; a correction (blank = none) goes with -1 only.
        Rating again replaces the rating and correction, and counts as a new rating."""
        if isinstance(rating, bool) or rating not in (-1, 0, 1):
            raise LogInputError(f"a rating is 1 (thumbs up), -1 (thumbs down) or 0 (none), not {rating!r}")
        if correction is not None and not isinstance(correction, str):
            raise LogInputError("a correction must be text")
        correction = correction if correction and correction.strip() else None
        if correction is not None and rating != -1:
            raise LogInputError("a correction (what Jarvis should have said) goes only with a thumbs-down (-1)")
        with self._tx(write=True) as db:
            self._require(db, "turns", turn_id)
            db.execute("UPDATE turns SET rating = ?, correction = ?, rated = ? WHERE id = ?",
                       (rating, correction, utc_now() if rating else None, turn_id))

    def set_excluded(self, turn_id: int, excluded: bool) -> None:
        """Keep a turn out of (or put it back into) training exports and contexts."""
        if not isinstance(excluded, bool):
            raise LogInputError(f"excluded must be True or False, not {excluded!r}")
        with self._tx(write=True) as db:
            self._require(db, "turns", turn_id)
            db.execute("UPDATE turns SET excluded = ? WHERE id = ?", (int(excluded), turn_id))
        if excluded:  # "keep it out of training" holds for an export already on disk too
            _scrub_quietly([turn_id])

    def set_spoken(self, turn_id: int, spoken: str) -> None:
        """Record what the voice said of a turn's reply (all of it, or up to a barge-in)."""
        if not isinstance(spoken, str):
            raise LogInputError(f"spoken must be text, not {spoken!r}")
        with self._tx(write=True) as db:
            self._require(db, "turns", turn_id)
            db.execute("UPDATE turns SET spoken = ? WHERE id = ?", (spoken, turn_id))

    def delete_turn(self, turn_id: int) -> None:
        """Delete a turn for good (its text is overwritten on disk, and rows holding it are
        dropped from retrain exports left in the runs folder: ``scrub_exports``)."""
        self._delete("turns", turn_id)

    def delete_conversation(self, conversation_id: int) -> None:
        """Delete a conversation and all its turns (their text is overwritten on disk)."""
        self._delete("conversations", conversation_id)

    def turn(self, turn_id: int) -> Turn:
        """One turn by id; LogNotFoundError if there is none."""
        with self._tx() as db:
            self._require(db, "turns", turn_id)
            row = db.execute(f"SELECT {_TURN_COLUMNS} FROM turns WHERE id = ?", (turn_id,)).fetchone()
        return _to_turn(row)

    def turns(self, conversation_id: int | None = None, include_excluded: bool = True) -> list[Turn]:
        """Turns in the order they were logged: all of them, or one conversation's."""
        sql, args = f"SELECT {_TURN_COLUMNS} FROM turns WHERE {'1' if include_excluded else 'excluded = 0'}", []
        with self._tx() as db:
            if conversation_id is not None:
                self._require(db, "conversations", conversation_id)
                sql, args = sql + " AND conversation_id = ?", [conversation_id]
            rows = db.execute(sql + " ORDER BY id", args).fetchall()
        return [_to_turn(r) for r in rows]

    def turns_mentioning(self, phrases) -> list[int]:
        """Ids of the turns whose words hold any of ``phrases`` (case ignored): the message, the
        reply, what was spoken, the correction, the tool call and its result."""
        wanted = [p.lower() for p in phrases if isinstance(p, str) and p.strip()]
        if not wanted:
            return []
        columns = ("prompt", "reply", "spoken", "correction", "tool_call", "tool_result")
        test = " OR ".join(f"instr(lower(COALESCE({c}, '')), ?) > 0" for c in columns)
        found: set[int] = set()
        with self._tx() as db:
            for phrase in wanted:
                found.update(r[0] for r in db.execute(f"SELECT id FROM turns WHERE {test}", [phrase] * len(columns)))
        return sorted(found)

    def conversations(self) -> list[Conversation]:
        """All conversations, oldest first, with their turn counts."""
        with self._tx() as db:
            rows = db.execute("SELECT c.id, c.created, c.title, COUNT(t.id) FROM conversations c LEFT JOIN "
                              "turns t ON t.conversation_id = c.id GROUP BY c.id ORDER BY c.id").fetchall()
        return [Conversation(*r) for r in rows]

    def context(self, turn_id: int) -> list[dict]:
        """The chat before this turn in its conversation as user/assistant messages, leaving out
        excluded and deleted turns and empty replies (messages must alternate).  The assistant
        message is the reply as shown, not a later correction: the user went on from it."""
        with self._tx() as db:
            self._require(db, "turns", turn_id)
            rows = db.execute("SELECT t.prompt, t.reply FROM turns t JOIN turns me ON me.id = ? "
                              "WHERE t.conversation_id = me.conversation_id AND t.id < me.id "
                              "AND t.excluded = 0 ORDER BY t.id", (turn_id,)).fetchall()
        return [m for prompt, reply in rows if reply.strip()
                for m in ({"role": "user", "content": prompt}, {"role": "assistant", "content": reply})]

    def rating_counts(self, since: str | None = None) -> dict:
        """Ratings over non-excluded turns: ``{"up", "down", "corrections", "total_rated"}``; with
        ``since`` (ISO-8601, naive = UTC) only those rated strictly after it ("new since retrain?")."""
        sql = ("SELECT COUNT(*), COALESCE(SUM(rating = 1), 0), COALESCE(SUM(rating = -1), 0), "
               "COALESCE(SUM(correction IS NOT NULL), 0) FROM turns WHERE excluded = 0 AND rating != 0")
        args = [] if since is None else [_normalise_time(since)]
        with self._tx() as db:
            total, up, down, corrections = db.execute(sql + (" AND rated > ?" if args else ""), args).fetchone()
        return {"up": up, "down": down, "corrections": corrections, "total_rated": total}

    def rated_turns(self) -> list[RatedTurn]:
        """The rated, not excluded turns, by conversation and then as logged, each with the chat
        before it: what a training export needs, read in one snapshot (nothing changes halfway)."""
        with self._tx() as db:
            rows = db.execute("SELECT id, conversation_id, created, prompt, reply, model_version, rating, "
                              "correction, rated, tool_call, tool_result, used_memory FROM turns WHERE excluded = 0 "
                              "ORDER BY conversation_id, id").fetchall()
        rated: list[RatedTurn] = []
        conversation, context, context_ids = None, [], []
        for turn, cid, created, prompt, reply, version, rating, correction, when, call, result, memory in rows:
            if cid != conversation:
                conversation, context, context_ids = cid, [], []
            if rating:
                status = _load_result(result).get("status") if call else None
                rated.append(RatedTurn(turn, cid, list(context), list(context_ids), prompt, reply, rating,
                                       correction, False, created, version, when, call, status, bool(memory)))
            if reply.strip():  # as context(): an empty reply would break user/assistant alternation
                context += [{"role": "user", "content": prompt}, {"role": "assistant", "content": reply}]
                context_ids.append(turn)
        return rated


def _load_result(text: str | None) -> dict:
    """A stored tool result; {} where there is none (or it cannot be read: a hand-edited log)."""
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _to_turn(row) -> Turn:
    *head, excluded, spoken, rated, call, result, memory = row
    return Turn(*head, bool(excluded), spoken, rated, call, _load_result(result) if call else None, bool(memory))


def scrub_exports(turn_ids, runs_root: Path | None = None) -> list[Path]:
    """Drop every row holding any of ``turn_ids`` from the exports under ``runs_root`` (default
    ``<data dir>/runs``): each JSONL with a ``<name>.turns.json`` sidecar is rewritten
    atomically, sidecar included.  A JSONL whose sidecar is unreadable or does not match it
    row for row is deleted with its sidecar: which rows hold the turns cannot be told, and
    the retrain re-exports anyway.  Returns the JSONL files changed (or deleted)."""
    gone = {int(t) for t in turn_ids}
    root = Path(runs_root) if runs_root is not None else runs_dir(create=False)
    if not gone or not root.is_dir():
        return []
    changed = []
    for sidecar in sorted(root.rglob(f"*{TURNS_SIDECAR}")):
        jsonl = sidecar.with_name(sidecar.name[:-len(TURNS_SIDECAR)] + ".jsonl")
        try:
            held = json.loads(sidecar.read_text(encoding="utf-8"))
            # Rows end in b"\n" only (str.splitlines would also split at U+2028 inside a row).
            lines = jsonl.read_bytes().split(b"\n")[:-1] if jsonl.exists() else []
            if not isinstance(held, list) or len(held) != len(lines):
                raise ValueError(f"{len(held) if isinstance(held, list) else '?'} id lists for {len(lines)} rows")
            keep = [i for i, ids in enumerate(held) if not gone.intersection(ids)]
        except (OSError, ValueError, TypeError) as exc:
            _log.warning("cannot match %s with %s (%s): deleting both", jsonl, sidecar, exc)
            jsonl.unlink(missing_ok=True)
            sidecar.unlink(missing_ok=True)
            changed.append(jsonl)
            continue
        if len(keep) == len(lines):
            continue
        # The JSONL first: a crash between the two writes leaves a mismatch, which the next
        # scrub treats as unreadable (deleted), never a row the user removed.
        write_atomic(jsonl, b"".join(lines[i] + b"\n" for i in keep))
        write_atomic(sidecar, json.dumps([held[i] for i in keep]))
        changed.append(jsonl)
    return changed


def _scrub_quietly(turn_ids: list[int]) -> None:
    """scrub_exports for the log's delete and exclude: the database change is done and stays
    done, so a problem with the runs folder is logged, never raised."""
    try:
        changed = scrub_exports(turn_ids)
    except Exception:  # noqa: BLE001 - best effort by design (see above)
        _log.exception("could not remove turns %s from the retrain exports", turn_ids)
        return
    if changed:
        _log.info("removed turns %s from %d retrain export file(s)", turn_ids, len(changed))
