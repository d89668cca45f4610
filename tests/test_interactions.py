"""The interaction log: real SQLite, a real SIGKILLed writer process, real exported files."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from jarvis_desktop.core.errors import JarvisError
from jarvis_desktop.core.interactions import (MIGRATIONS, Conversation, InteractionLog, LogInputError,
                                              LogNotFoundError, RatedTurn, Turn, migrate)
from jarvis_desktop.core.persona import to_placeholders
from jarvis_desktop.core.trl import export_copy

ROOT = Path(__file__).resolve().parent.parent
POSIX = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes and signals")


@pytest.fixture
def log(jarvis_home):
    with InteractionLog() as lg:
        yield lg


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _user(text):
    return {"role": "user", "content": text}


def _bot(text):
    return {"role": "assistant", "content": text}


def _retrain_export(log, folder: Path) -> None:
    """What a retrain writes into its run folder: the rows with their turn-id sidecars."""
    from trainer.feedback import build_feedback, write_feedback

    write_feedback(build_feedback(log.rated_turns(), "sir"), folder)


def test_default_path_is_in_the_data_dir(log, jarvis_home):
    assert log.path == jarvis_home / "interactions.sqlite3" and log.path.is_file()
    db = sqlite3.connect(log.path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_add_rate_correct_exclude_delete_and_read_back(log):
    c = log.new_conversation("Morning")
    a = log.add_turn(c, "What time is it?", "It is nine o'clock, sir.", "v1",
                     first_token_s=0.06, total_s=0.8, tokens=9, spoken="It is nine o'clock, sir.")
    b = log.add_turn(c, "Weather?", "Rain, I fear.", "v2", spoken="Rain,")  # barge-in after one word
    t = log.turn(a)
    assert isinstance(t, Turn)
    assert (t.conversation_id, t.prompt, t.reply, t.model_version) == (c, "What time is it?",
                                                                      "It is nine o'clock, sir.", "v1")
    assert (t.first_token_s, t.total_s, t.tokens, t.rating, t.correction, t.excluded, t.rated) == \
        (0.06, 0.8, 9, 0, None, False, None)
    assert t.created.endswith("+00:00") and log.turn(b).spoken == "Rain,"
    assert log.turn(b).first_token_s is None and log.turn(b).tokens is None

    log.rate(a, 1)
    log.rate(b, -1, "Light rain until noon, sir; an umbrella would be wise.")
    assert log.turn(a).rating == 1 and log.turn(a).rated is not None
    assert log.turn(b).correction.startswith("Light rain")
    log.rate(b, -1)  # thumbs down again without a correction: the correction goes
    assert log.turn(b).correction is None and log.turn(b).rating == -1
    log.rate(a, 0)  # clearing a rating
    assert (log.turn(a).rating, log.turn(a).rated) == (0, None)

    log.set_excluded(b, True)
    assert log.turn(b).excluded is True
    assert [x.id for x in log.turns(c)] == [a, b]
    assert [x.id for x in log.turns(c, include_excluded=False)] == [a]
    log.set_excluded(b, False)
    assert log.turn(b).excluded is False

    c2 = log.new_conversation()
    d = log.add_turn(c2, "Hello", "Good evening.", "v2")
    assert log.conversations() == [Conversation(c, log.conversations()[0].created, "Morning", 2),
                                   Conversation(c2, log.conversations()[1].created, "", 1)]
    assert [x.id for x in log.turns()] == [a, b, d]

    log.delete_turn(a)
    with pytest.raises(LogNotFoundError, match=f"no turn {a}"):
        log.turn(a)
    assert [x.id for x in log.turns(c)] == [b]
    log.delete_conversation(c)
    assert [x.id for x in log.turns()] == [d]
    assert [cv.id for cv in log.conversations()] == [c2]
    assert log.add_turn(c2, "Again", "Indeed.", "v2") > d  # ids are never reused


def test_migrations_recorded_and_not_rerun(jarvis_home):
    with InteractionLog() as lg:
        assert lg.applied_migrations == [fn.__name__ for fn in MIGRATIONS] == ["m001_initial", "m002_tool_calls", "m003_used_memory"]
        path = lg.path
        lg.add_turn(lg.new_conversation(), "hi", "Hello.", "v1")
    db = sqlite3.connect(path)
    first = db.execute("SELECT name, applied FROM migrations").fetchall()
    db.close()
    with InteractionLog(path) as lg:
        assert lg.applied_migrations == []  # a reopen runs nothing
        assert len(lg.turns()) == 1  # and the data is still there
    db = sqlite3.connect(path, isolation_level=None)
    assert db.execute("SELECT name, applied FROM migrations").fetchall() == first

    def m009_add_note(conn):  # a later schema change is one more function
        conn.execute("ALTER TABLE turns ADD COLUMN note TEXT")

    assert migrate(db, MIGRATIONS + [m009_add_note]) == ["m009_add_note"]
    assert migrate(db, MIGRATIONS + [m009_add_note]) == []
    assert [r[0] for r in db.execute("SELECT name FROM migrations ORDER BY name")] == \
        ["m001_initial", "m002_tool_calls", "m003_used_memory", "m009_add_note"]
    db.close()
    with InteractionLog(path) as lg:  # the app still opens a log migrated further
        assert lg.applied_migrations == [] and lg.turns()[0].reply == "Hello."


@POSIX
def test_files_are_private(log, tmp_path):
    c = log.new_conversation()
    t = log.add_turn(c, "secret?", "Quite safe, sir.", "v1")
    log.rate(t, 1)
    for suffix in ("", "-wal", "-shm"):
        f = Path(f"{log.path}{suffix}")
        assert f.exists(), f
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
    export_copy(log, tmp_path / "out")
    for name in ("sft", "kto", "dpo"):
        assert stat.S_IMODE((tmp_path / "out" / f"{name}.jsonl").stat().st_mode) == 0o600
    assert not [p for p in (tmp_path / "out").iterdir() if "partial" in p.name]


@POSIX
def test_an_existing_readable_file_is_made_private(tmp_path):
    path = tmp_path / "old.sqlite3"
    path.touch(mode=0o644)
    os.chmod(path, 0o644)
    with InteractionLog(path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_context_leaves_out_excluded_and_deleted_turns(log):
    c = log.new_conversation()
    other = log.new_conversation()
    t1 = log.add_turn(c, "one", "First reply.", "v1")
    t2 = log.add_turn(c, "two", "Second reply.", "v1")
    log.add_turn(other, "elsewhere", "Other chat.", "v1")
    t3 = log.add_turn(c, "three", "", "v1")  # barged in before the first word
    t4 = log.add_turn(c, "four", "Fourth reply.", "v1")
    t5 = log.add_turn(c, "five", "Fifth reply.", "v1")
    assert log.context(t1) == []
    assert log.context(t4) == [_user("one"), _bot("First reply."), _user("two"), _bot("Second reply.")]
    log.set_excluded(t2, True)
    log.delete_turn(t1)
    assert log.context(t5) == [_user("four"), _bot("Fourth reply.")]
    assert log.context(t3) == []


def _privacy_log(log):
    """Three conversations: rated turns to export, an excluded and a deleted turn with markers."""
    c = log.new_conversation("kept")
    a = log.add_turn(c, "Good morning", "Good morning, sir. Coffee is ready.", "v1")
    x = log.add_turn(c, "EXCLUDED-PROMPT my bank pin", "EXCLUDED-REPLY noted, Sir.", "v1")
    b = log.add_turn(c, "Sum of 2 and 2?", "Five, sir.", "v1")
    log.rate(a, 1)
    log.rate(x, -1, "EXCLUDED-CORRECTION")
    log.rate(b, -1, "Four, sir. Sir, I do apologise.")
    log.set_excluded(x, True)
    gone = log.new_conversation("deleted")
    g = log.add_turn(gone, "DELETED-PROMPT", "DELETED-REPLY", "v1")
    log.rate(g, 1)
    c3 = log.new_conversation("one turn deleted")
    d = log.add_turn(c3, "DELETED-TURN-PROMPT", "DELETED-TURN-REPLY", "v1")
    e = log.add_turn(c3, "And then?", "Then the sirloin, madam.", "v1")
    log.rate(d, 1)
    log.rate(e, -1)
    log.delete_conversation(gone)
    log.delete_turn(d)
    return a, b, e


def test_rated_turns_are_what_training_needs(log):
    """Rated, not excluded, not deleted turns, by conversation, each with the chat before it as
    logged (no placeholders): excluded turns and empty replies are not context either."""
    a, b, e = _privacy_log(log)
    c = log.turn(a).conversation_id
    u = log.add_turn(c, "Unrated", "", "v2")  # an empty reply: not context for what follows
    f = log.add_turn(c, "Later?", "Later, sir.", "v2")
    log.rate(f, 1)
    rated = log.rated_turns()
    assert all(isinstance(t, RatedTurn) and t.excluded is False for t in rated)
    assert [t.id for t in rated] == [a, b, f, e]  # by conversation, then as logged
    first, second, later, other = rated
    assert (first.context, first.context_ids, first.text_ids) == ([], [], [a])
    assert second.context == [_user("Good morning"), _bot("Good morning, sir. Coffee is ready.")]  # x excluded
    assert (second.prompt, second.reply, second.rating, second.correction) == \
        ("Sum of 2 and 2?", "Five, sir.", -1, "Four, sir. Sir, I do apologise.")
    assert later.context_ids == [a, b] and later.text_ids == [a, b, f] and len(later.context) == 4
    assert (later.model_version, other.context) == ("v2", [])  # e's deleted predecessor is gone
    assert later.created == log.turn(f).created and later.rated == log.turn(f).rated
    assert u not in [t.id for t in rated]
    log.rate(f, 0)  # a cleared rating is not a rating
    assert f not in [t.id for t in log.rated_turns()]


def test_export_formats_and_placeholders(log, tmp_path):
    """The History window's copy: every rated turn in TRL's formats, nothing held back."""
    _privacy_log(log)
    counts = export_copy(log, tmp_path / "out")
    assert counts == {"sft": 2, "kto": 3, "dpo": 1}
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == ["dpo.jsonl", "kto.jsonl", "sft.jsonl"]
    good = [_user("Good morning"), _bot("Good morning, {honorific}. Coffee is ready.")]
    ctx = good + [_user("Sum of 2 and 2?")]
    fixed = _bot("Four, {honorific}. {Honorific}, I do apologise.")
    assert _read(out / "sft.jsonl") == [{"messages": good}, {"messages": ctx + [fixed]}]
    assert _read(out / "kto.jsonl") == [
        {"prompt": good[:1], "completion": good[1:], "label": True},
        {"prompt": ctx, "completion": [_bot("Five, {honorific}.")], "label": False},
        {"prompt": [_user("And then?")], "completion": [_bot("Then the sirloin, madam.")], "label": False},
    ]
    assert _read(out / "dpo.jsonl") == [{"prompt": ctx, "chosen": [fixed], "rejected": [_bot("Five, {honorific}.")]}]
    # Another honorific: "madam" is replaced, "sir" kept as written.
    export_copy(log, tmp_path / "madam", honorific="madam")
    assert _read(tmp_path / "madam" / "kto.jsonl")[2]["completion"] == [_bot("Then the sirloin, {honorific}.")]
    assert "Good morning, sir." in (tmp_path / "madam" / "sft.jsonl").read_text()


def test_export_never_leaks_excluded_or_deleted_turns(log, tmp_path):
    _privacy_log(log)
    export_copy(log, tmp_path / "out")
    _retrain_export(log, tmp_path / "retrain")
    text = "".join(p.read_text() for folder in ("out", "retrain") for p in (tmp_path / folder).iterdir())
    text += repr(log.rated_turns())
    for marker in ("EXCLUDED", "DELETED", "bank pin"):
        assert marker not in text
    # Deleted words are gone from the database file and its WAL too, not just hidden.
    raw = b"".join(Path(f"{log.path}{s}").read_bytes() for s in ("", "-wal") if Path(f"{log.path}{s}").exists())
    assert b"DELETED" not in raw and b"EXCLUDED" in raw  # excluded turns stay, for the user to see


def test_deleting_a_turn_scrubs_it_from_exports_left_in_runs(log, jarvis_home, tmp_path):
    """A retrain's export (with turn-id sidecars) left in runs/ loses every row holding a turn
    the user deletes or excludes, as context too; the rest stays readable by the trainer."""
    from trainer.prefs import load_preferences

    c = log.new_conversation()
    t1 = log.add_turn(c, "MY-SECRET\u2028plan", "Noted, sir.", "v1")  # U+2028: a row is one \n-ended line
    t2 = log.add_turn(c, "And the weather?", "Rain, sir.", "v1")
    other = log.new_conversation()
    t3 = log.add_turn(other, "Good morning", "Good morning, sir.", "v1")
    t4 = log.add_turn(other, "OTHER-CHAT again", "Indeed, sir.", "v1")
    for t in (t1, t2, t3, t4):
        log.rate(t, 1)
    export = jarvis_home / "runs" / "retrain-abc" / "export"
    _retrain_export(log, export)
    assert json.loads((export / "kto.turns.json").read_text()) == [[t1], [t1, t2], [t3], [t3, t4]]
    export_copy(log, tmp_path / "users-copy")  # the History window's export needs no sidecar
    assert not list((tmp_path / "users-copy").glob("*.turns.json"))

    log.delete_turn(t1)  # t2's rows carry t1 as context: they go too
    text = "".join(p.read_text() for p in export.iterdir())
    assert "MY-SECRET" not in text and "Rain" not in text and "OTHER-CHAT" in text
    assert json.loads((export / "kto.turns.json").read_text()) == [[t3], [t3, t4]]
    kind, rows = load_preferences(export / "kto.jsonl")  # still the trainer's format
    assert kind == "kto" and [r["prompt"][-1]["content"] for r in rows] == ["Good morning", "OTHER-CHAT again"]
    if os.name == "posix":
        assert stat.S_IMODE((export / "kto.jsonl").stat().st_mode) == 0o600

    log.set_excluded(t4, True)  # "keep it out of training" reaches the export too
    assert len(_read(export / "sft.jsonl")) == 1 and "OTHER-CHAT" not in (export / "sft.jsonl").read_text()
    log.delete_conversation(other)
    assert all(p.read_text() in ("", "[]") for p in export.iterdir())
    assert len(log.turns()) == 1  # t2 stays in the log: only the export lost it


def test_a_sidecar_that_does_not_match_its_export_deletes_both(log, jarvis_home):
    c = log.new_conversation()
    t = log.add_turn(c, "hello", "Hello, sir.", "v1")
    log.rate(t, 1)
    export = jarvis_home / "runs" / "retrain-abc" / "export"
    _retrain_export(log, export)
    (export / "sft.turns.json").write_text("[[1], [2]]")  # two id lists for one row: cannot tell which
    (export / "kto.turns.json").write_text("not json")
    u = log.add_turn(c, "unrelated", "Quite, sir.", "v1")
    log.delete_turn(u)
    assert not (export / "sft.jsonl").exists() and not (export / "kto.jsonl").exists()
    assert (export / "dpo.jsonl").exists()  # matched, and held nothing deleted: untouched


def test_deleting_is_not_stopped_by_the_runs_folder(log, jarvis_home, caplog):
    c = log.new_conversation()
    log.delete_turn(log.add_turn(c, "hi", "Hello, sir.", "v1"))  # no runs folder at all
    export = jarvis_home / "runs" / "retrain-abc" / "export"
    (export / "kto.jsonl").mkdir(parents=True)  # a folder where the export should be: cannot be fixed
    (export / "kto.turns.json").write_text("[[1]]")
    log.add_turn(c, "and then?", "Then nothing, sir.", "v1")
    log.delete_conversation(c)  # the log's delete is done and stays done; the problem is logged
    assert log.conversations() == []
    assert "could not remove turns" in caplog.text


def test_to_placeholders():
    assert to_placeholders("Yes, sir. Sir, the SIR file; sirloin, Sirius.", "sir") == \
        "Yes, {honorific}. {Honorific}, the {Honorific} file; sirloin, Sirius."
    assert to_placeholders("Right away, Tony. tony?", "Tony") == "Right away, {honorific}. {honorific}?"
    assert to_placeholders("Madam, sir.", "madam") == "{Honorific}, sir."


def test_rating_counts_since(log):
    c = log.new_conversation()
    ids = [log.add_turn(c, f"q{i}", f"a{i}", "v1") for i in range(6)]
    assert log.rating_counts() == {"up": 0, "down": 0, "corrections": 0, "total_rated": 0}
    log.rate(ids[0], 1)
    log.rate(ids[1], -1, "better")
    cut = log.turn(ids[1]).rated  # "the last retrain" happened right after this rating
    assert log.rating_counts(since=cut) == {"up": 0, "down": 0, "corrections": 0, "total_rated": 0}
    log.rate(ids[2], 1)
    log.rate(ids[3], -1)
    log.rate(ids[4], 1)
    log.set_excluded(ids[4], True)  # excluded turns do not count
    log.rate(ids[0], -1, "re-rated after the cut")
    assert log.rating_counts(since=cut) == {"up": 1, "down": 2, "corrections": 1, "total_rated": 3}
    assert log.rating_counts() == {"up": 1, "down": 3, "corrections": 2, "total_rated": 4}
    assert log.rating_counts(since="2000-01-01T00:00:00Z")["total_rated"] == 4
    assert log.rating_counts(since="2000-01-01 00:00:00")["total_rated"] == 4  # naive means UTC
    assert log.rating_counts(since="2999-01-01T00:00:00+00:00")["total_rated"] == 0


def test_bad_input_raises_clear_errors(log, tmp_path):
    c = log.new_conversation()
    t = log.add_turn(c, "q", "a", "v1")
    with pytest.raises(ValueError, match="a rating is 1"):
        log.rate(t, 2)
    with pytest.raises(LogInputError, match="a rating is 1"):
        log.rate(t, True)
    with pytest.raises(ValueError, match="goes only with a thumbs-down"):
        log.rate(t, 1, "a correction on a thumbs-up")
    with pytest.raises(LogNotFoundError, match="no turn 999"):
        log.rate(999, 1)
    for call in (lambda: log.turn(999), lambda: log.set_excluded(999, True), lambda: log.delete_turn(999),
                 lambda: log.context(999)):
        with pytest.raises(LookupError, match="no turn 999"):
            call()
    with pytest.raises(LogNotFoundError, match="no conversation 42"):
        log.add_turn(42, "q", "a", "v1")
    with pytest.raises(LogNotFoundError, match="no conversation 42"):
        log.delete_conversation(42)
    with pytest.raises(LogInputError, match="id must be an integer"):
        log.turn("1")
    with pytest.raises(LogInputError, match="user's prompt"):
        log.add_turn(c, "  ", "a", "v1")
    with pytest.raises(LogInputError, match="model version"):
        log.add_turn(c, "q", "a", "")
    with pytest.raises(LogInputError, match="total_s"):
        log.add_turn(c, "q", "a", "v1", total_s=-1)
    with pytest.raises(LogInputError, match="tokens"):
        log.add_turn(c, "q", "a", "v1", tokens=1.5)
    with pytest.raises(LogInputError, match="True or False"):
        log.set_excluded(t, 1)
    with pytest.raises(LogInputError, match="ISO-8601"):
        log.rating_counts(since="last tuesday")
    with pytest.raises(LogInputError, match="honorific"):
        export_copy(log, tmp_path / "x", honorific="")
    assert not hasattr(log, "export")  # the store stores: TRL rows are core/trl.py's and the trainer's
    assert isinstance(LogInputError("x"), JarvisError) and isinstance(LogNotFoundError("x"), JarvisError)
    assert [x.id for x in log.turns()] == [t] and log.turn(t).rating == 0  # nothing half-written
    log.close()
    with pytest.raises(JarvisError, match="is closed"):
        log.turns()


def test_a_damaged_file_gives_a_clear_error(tmp_path):
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(JarvisError, match="cannot open the interaction log .*move it aside"):
        InteractionLog(bad)


def test_worker_thread_writes_while_gui_thread_reads(log):
    c = log.new_conversation()
    written, errors = [], []

    def worker(n):
        try:
            for i in range(50):
                t = log.add_turn(c, f"w{n} q{i}", f"w{n} a{i}", "v1")
                log.rate(t, 1)
                written.append(t)
        except Exception as exc:  # surfaced below: an assertion in a thread would be lost
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(3)]
    for th in threads:
        th.start()
    while any(th.is_alive() for th in threads):  # the "GUI" reads all the while
        assert len(log.turns(c)) <= 150
        log.rating_counts()
    for th in threads:
        th.join()
    assert not errors
    assert sorted(written) == [t.id for t in log.turns(c)] and len(written) == 150


_WRITER = """
import sys
sys.path.insert(0, {root!r})
from pathlib import Path
from jarvis_desktop.core.interactions import InteractionLog
log = InteractionLog(Path({path!r}))
cid = log.new_conversation("crash test")
i = 0
while True:
    tid = log.add_turn(cid, "prompt %d" % i, "reply %d " % i + "x" * 500, "v1", total_s=0.1, tokens=7)
    if i % 3 == 0:
        log.rate(tid, 1)
    print(tid, flush=True)  # printed only after add_turn returned: committed
    i += 1
"""


@POSIX
def test_sigkill_loses_no_committed_turn(tmp_path):
    path = tmp_path / "crash.sqlite3"
    committed: set[int] = set()
    for _round in range(3):  # each round appends to the log the last one was killed over
        proc = subprocess.Popen([sys.executable, "-c", _WRITER.format(root=str(ROOT), path=str(path))],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        seen = 0
        while seen < 100:
            line = proc.stdout.readline()
            if not line:
                proc.wait()
                pytest.fail(f"the writer died early: {proc.stderr.read()}")
            committed.add(int(line))
            seen += 1
        os.kill(proc.pid, signal.SIGKILL)  # mid-loop: most likely inside a transaction
        proc.wait()
        committed.update(int(x) for x in proc.stdout.read().split())  # printed before the kill
        proc.stdout.close()
        proc.stderr.close()
        assert proc.returncode == -signal.SIGKILL

        with InteractionLog(path) as lg:
            present = {t.id for t in lg.turns()}
            assert committed <= present
            assert len(lg.conversations()) == _round + 1
            assert lg.rating_counts()["up"] >= len(committed) // 3
        db = sqlite3.connect(path)
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        db.close()


def test_desktop_log_stays_light():
    code = ("import sys; import jarvis_desktop.core.interactions; "
            "bad = [m for m in ('torch', 'transformers', 'trl', 'peft') if m in sys.modules]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_a_log_from_before_tool_calls_is_migrated_with_its_turns_kept(tmp_path):
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    migrate(db, MIGRATIONS[:1])  # the log as the app wrote it before tools existed
    db.execute("INSERT INTO conversations (created, title) VALUES ('2026-01-01T00:00:00+00:00', '')")
    db.execute("INSERT INTO turns (conversation_id, created, prompt, reply, model_version, rating, rated) "
               "VALUES (1, '2026-01-01T00:00:00+00:00', 'hi', 'Hello, sir.', 'v1', 1, '2026-01-01T00:00:01+00:00')")
    db.close()
    with InteractionLog(path) as lg:
        assert lg.applied_migrations == ["m002_tool_calls", "m003_used_memory"]
        (turn,) = lg.turns()
        assert turn.reply == "Hello, sir." and turn.tool_call is None and turn.tool_result is None
        assert lg.rated_turns()[0].tool_call is None


def test_a_tool_turn_keeps_the_call_and_what_came_of_it(log):
    c = log.new_conversation()
    record = {"status": "ran", "data": {"free_gb": 41.2}, "error": ""}
    t = log.add_turn(c, "how much space is left", "You have 41.2 GB free, sir.", "v2",
                     tool_call="call:disk_free{}", tool_result=record)
    assert log.turn(t).tool_call == "call:disk_free{}" and log.turn(t).tool_result == record
    log.rate(t, 1)
    (rated,) = log.rated_turns()
    assert rated.tool_call == "call:disk_free{}" and rated.tool_status == "ran"
    with pytest.raises(LogInputError, match="needs the call"):
        log.add_turn(c, "x", "y", "v2", tool_result=record)
    loop: dict = {}
    loop["self"] = loop
    with pytest.raises(LogInputError, match="JSON"):
        log.add_turn(c, "x", "y", "v2", tool_call="call:x{}", tool_result=loop)
    assert len(log.turns(c)) == 1  # nothing half-written
