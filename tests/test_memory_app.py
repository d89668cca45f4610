"""The memory in the app's own path: the controller keeps what the remember tool noted, links it
to its turn, hears it back in a later conversation, and after a forget the words are in no file
of the data dir -- the log, the memory, the retrain's exports -- and not in the conversation."""

from __future__ import annotations

import pytest

from jarvis_desktop.controller import Controller
from jarvis_desktop.core.assistant import Answer, Assistant
from jarvis_desktop.core.notes import count_notes, with_notes, without_notes
from jarvis_desktop.core.memory import MemoryStore
from jarvis_desktop.core.paths import runs_dir
from jarvis_desktop.core.settings import Settings
from jarvis_desktop.core.tools import Toolbox
from jarvis_desktop.core.tools.memory import PRIVATE_PROMPT

SECRET_WORD = b"zanzibarquux"


def tool_turn(controller: Controller, text: str, call: str) -> Answer:
    """One turn as the Assistant ends it when the model answers ``text`` with ``call``: the
    real Toolbox runs the call, and the controller logs and remembers the answer."""
    controller._pending_prompt = text
    outcome = controller.assistant.tools.run(call, "sir", text)
    answer = Answer(outcome.result.reply, "tool", outcome.name, tool=outcome, version="v1")
    controller._finished(controller._request, answer)
    return answer


def chat_turn(controller: Controller, text: str, reply: str) -> int:
    turn = controller._log_turn(text, reply, "v1")
    controller.assistant.remember(text, reply)
    return turn


@pytest.fixture
def controller(qtbot, jarvis_home):
    c = Controller(Settings(), save=False)
    yield c
    c.shutdown()


def test_a_remembered_fact_is_linked_to_its_turn_and_recalled_later(controller):
    told = tool_turn(controller, "Remember that my car is parked on level 3",
                     'call:remember{fact:"my car is parked on level 3"}')
    assert told.text == "Noted, sir: your car is parked on level 3." and told.used_memory
    fact = controller.memory.facts()[0]
    turn = controller.log.turns(controller.conversation)[-1]
    assert fact.turn_id == turn.id and turn.used_memory and turn.tool_call.startswith("call:remember")
    controller.new_conversation()
    heard = tool_turn(controller, "where did I leave the car?", 'call:recall{about:"car"}')
    assert heard.text == "Your car is parked on level 3, sir; you told me today."
    # and the fact is in the next prompt about the car, before the message, not in the history
    messages = controller.assistant.messages("is the car far?")
    assert messages[-1]["content"] == "[Noted: your car is parked on level 3]\nis the car far?"
    assert count_notes(messages[-1]["content"]) == 1
    assert controller.assistant.messages("hello there")[-1]["content"] == "hello there"


def test_after_forget_the_words_are_in_no_file_of_the_data_dir_nor_the_conversation(controller, jarvis_home):
    from trainer.feedback import build_feedback, write_feedback

    tool_turn(controller, "Remember that the Zanzibarquux key is under the mat",
              'call:remember{fact:"the Zanzibarquux key is under the mat"}')
    chat_turn(controller, "thanks", "A pleasure, sir.")
    recall = tool_turn(controller, "where's the zanzibarquux key", 'call:recall{about:"zanzibarquux key"}')
    assert "under the mat" in recall.text
    for turn in controller.log.turns():
        controller.log.rate(turn.id, 1)
    # a retrain's export of the ratings, as a running retrain leaves it in the runs folder
    feedback = build_feedback(controller.log.rated_turns(), "sir", memory_turns=True)
    write_feedback(feedback, runs_dir() / "retrain-test" / "export")
    assert any(SECRET_WORD in p.read_bytes().lower() for p in (runs_dir() / "retrain-test").rglob("*.jsonl"))

    logs = jarvis_home / "logs"
    logs.mkdir()
    (logs / "jarvis.log").write_text("INFO voice: heard 'remember that the zanzibarquux key is under the mat'\n"
                                     "INFO engine: loaded v1\n")
    forgot = tool_turn(controller, "forget what I told you about the zanzibarquux key",
                       'call:forget{about:"zanzibarquux key"}')
    assert forgot.text == "Done, sir: I've forgotten it."
    assert [t.prompt for t in controller.log.turns()] == ["thanks", PRIVATE_PROMPT]
    assert not any(SECRET_WORD.decode() in m["content"].lower() for m in controller.assistant.history)
    assert controller.memory.count() == 0
    controller.shutdown()  # the files as they are left on disk
    files = [p for p in jarvis_home.rglob("*") if p.is_file()]
    assert any(p.name == "memory.sqlite3" for p in files) and any(p.name == "interactions.sqlite3" for p in files)
    for path in files:
        assert SECRET_WORD not in path.read_bytes().lower(), path
    assert (logs / "jarvis.log").read_text() == "INFO engine: loaded v1\n"


def test_a_refused_secret_leaves_no_trace_in_the_log(controller):
    answer = tool_turn(controller, "remember my password is hunter2", 'call:remember{fact:"my password is hunter2"}')
    assert "looks like a password" in answer.text
    turn = controller.log.turns()[-1]
    assert turn.prompt == PRIVATE_PROMPT and "hunter2" not in str(turn) and controller.memory.count() == 0
    assert controller.assistant.history[-2]["content"] == PRIVATE_PROMPT


def test_turns_that_used_the_memory_are_trained_on_only_when_allowed(controller):
    from trainer.feedback import build_feedback

    tool_turn(controller, "Remember that my car is parked on level 3", 'call:remember{fact:"my car is parked on level 3"}')
    chat_turn(controller, "good morning", "Good morning, sir.")
    for turn in controller.log.turns():
        controller.log.rate(turn.id, 1)
    assert build_feedback(controller.log.rated_turns(), "sir").counts()["kto"] == 1
    assert build_feedback(controller.log.rated_turns(), "sir", memory_turns=True).counts()["kto"] == 2
    assert "--memory-turns" not in controller.retrain_arguments()
    controller.settings.train_on_memory = True
    assert "--memory-turns" in controller.retrain_arguments()


def test_switching_the_memory_off_in_settings_closes_it_and_the_tools_say_so(controller):
    off = Settings(memory=False)
    controller.apply(off)
    assert controller.memory is None and controller.assistant.memory is None
    outcome = controller.assistant.tools.run('call:recall{about:"car"}')
    assert "switched off in Settings" in outcome.result.reply
    controller.apply(Settings(memory=True))
    assert controller.memory is not None and controller.assistant.tools.memory is controller.memory


def test_notes_stay_within_their_budget_and_out_of_the_users_words(tmp_path):
    with MemoryStore(tmp_path / "m.sqlite3") as store:
        for n in range(1000):
            store.add(f"fact {n} is about the garden shed number {n}")
        store.add("my car is parked on level 3")
        assistant = Assistant(tools=Toolbox(memory=store))
        notes = assistant.notes("where is the car")
        assert notes == ["your car is parked on level 3"]
        many = assistant.notes("the garden shed")
        assert 1 <= len(many) <= 2 and sum(len(n) + 2 for n in many) <= 160
    content = with_notes("where is the car", notes)
    assert without_notes(content) == "where is the car" and without_notes("plain") == "plain"


def test_the_console_opens_the_users_memory_when_settings_keep_it(jarvis_home):
    from jarvis_desktop.console import open_memory

    said = []
    store = open_memory(Settings(), said.append)
    assert isinstance(store, MemoryStore) and store.path == jarvis_home / "memory.sqlite3" and not said
    store.close()
    assert open_memory(Settings(memory=False), said.append) is None
    (jarvis_home / "memory.sqlite3").write_bytes(b"not a database" * 200)
    for side in ("-wal", "-shm"):
        (jarvis_home / f"memory.sqlite3{side}").unlink(missing_ok=True)
    assert open_memory(Settings(), said.append) is None
    assert said and said[0].startswith("memory not available: cannot open the memory")
