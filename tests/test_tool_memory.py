"""The remember / recall / forget / list_memories tools (core/tools/memory.py) through the
Toolbox, on a real memory file: what the user hears, what is kept, and what is never invented."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from jarvis_desktop.core.memory import MemoryStore
from jarvis_desktop.core.memory_words import clean_fact, fact_as_told
from jarvis_desktop.core.tools import Toolbox, default_tools
from jarvis_desktop.core.tools.call import parse
from jarvis_desktop.core.tools.memory import LISTED, PRIVATE_PROMPT, noted_when
from tests.tool_checks import assert_numbers_from_data, said_in_data


@pytest.fixture
def store(tmp_path):
    with MemoryStore(tmp_path / "memory.sqlite3") as s:
        yield s


def run(store, call, message=""):
    return Toolbox(memory=store).run(call, "sir", message)


def test_remember_keeps_the_fact_and_says_it_back_in_the_second_person(store):
    out = run(store, 'call:remember{fact:"my car is parked on level 3"}', "Remember that my car is parked on level 3.")
    assert out.status == "ran" and out.result.reply == "Noted, sir: your car is parked on level 3."
    assert_numbers_from_data(out.result)
    assert [f.text for f in store.facts()] == ["my car is parked on level 3"]
    assert out.log_record()["tool_result"]["data"]["fact"] == "my car is parked on level 3"


def test_a_secret_is_refused_kept_nowhere_and_its_words_are_not_logged(store):
    out = run(store, 'call:remember{fact:"my password is hunter2"}', "remember my password is hunter2")
    assert out.result.reply == ("I'd rather not keep that, sir: it looks like a password, and secrets are safer in "
                                "a password manager than in my notes.")
    assert store.count() == 0 and out.private
    assert "hunter2" not in str(out.log_record())


def test_recall_finds_the_fact_in_a_later_conversation_from_the_question_itself(tmp_path):
    path = tmp_path / "memory.sqlite3"
    with MemoryStore(path) as first:
        run(first, 'call:remember{fact:"my car is parked on level 3"}')
        run(first, "call:remember{fact:\"my wife's birthday is 3 June\"}")
    with MemoryStore(path) as later:  # the app started again
        out = run(later, 'call:recall{about:"car"}', "Where did I leave the car?")
        assert out.result.reply == "Your car is parked on level 3, sir; you told me today."
        assert_numbers_from_data(out.result)
        # the call's words may miss: the message's own words still find it
        out = run(later, "call:recall{}", "when is my wife's birthday again")
        assert out.result.reply.startswith("Your wife's birthday is 3 June, sir")


def test_recall_with_nothing_stored_says_so_and_never_guesses(store):
    out = run(store, 'call:recall{about:"car"}', "Where did I park my car?")
    assert out.result.reply == "You haven't told me anything about your car that I've kept, sir."
    assert out.result.data == {"facts": [], "sure": False}
    run(store, "call:remember{fact:\"my wife's birthday is 3 June\"}")
    out = run(store, 'call:recall{about:"car"}', "Where did I park my car?")
    assert "birthday" not in out.result.reply and out.result.data == {"facts": [], "sure": False}


def test_a_fact_that_may_not_answer_is_said_as_the_nearest_noted(store):
    run(store, "call:remember{fact:\"mum's birthday is on 14 March\"}")
    out = run(store, 'call:recall{about:"nephew birthday"}', "when is my nephew's birthday")
    assert out.result.reply == "The nearest I have noted, sir: mum's birthday is on 14 March; you told me today."
    assert out.result.data["sure"] is False
    assert_numbers_from_data(out.result)
    out = run(store, 'call:recall{about:"mum birthday"}', "when is mum's birthday")
    assert out.result.reply == "Mum's birthday is on 14 March, sir; you told me today." and out.result.data["sure"]


def test_recall_says_several_matching_facts(store):
    run(store, 'call:remember{fact:"the boiler was serviced in March"}')
    run(store, 'call:remember{fact:"the boiler engineer is called Dave"}')
    out = run(store, 'call:recall{about:"boiler"}', "what did I tell you about the boiler")
    assert out.result.reply.count("boiler") == 2 and "You also told me" in out.result.reply


def test_forget_removes_the_fact_without_repeating_it_and_tells_the_hooks(store):
    run(store, 'call:remember{fact:"my car is parked on level 3"}')
    run(store, 'call:remember{fact:"my bike is in the shed"}')
    told = []
    store.on_forget.append(told.append)
    out = run(store, 'call:forget{about:"car"}', "forget what I said about my car")
    assert out.result.reply == "Done, sir: I've forgotten it."
    assert "level" not in out.result.reply and out.private
    assert [f.text for f in told[0]] == ["my car is parked on level 3"]
    assert [f.text for f in store.facts()] == ["my bike is in the shed"]
    assert out.log_record() == {"tool_call": "call:forget{}",
                                "tool_result": {"status": "ran", "data": {"private": True}, "error": ""}}
    again = run(store, 'call:forget{about:"car"}', "forget my car")
    assert again.result.reply == "I have nothing about that to forget, sir."
    everything = run(store, 'call:forget{about:"everything"}', "forget everything")
    assert "Delete all in the Memory window" in everything.result.reply and store.count() == 1


def test_list_memories_says_the_latest_and_counts_the_rest(store):
    out = run(store, "call:list_memories{}")
    assert out.result.reply.startswith("I've nothing noted about you yet, sir")
    for n in range(LISTED + 2):
        store.add(f"note number {n} is kept")
    out = run(store, "call:list_memories{}")
    assert out.result.reply.startswith("I have 7 things noted, sir: note number 6 is kept; note number 5")
    assert out.result.reply.endswith("There are 2 more in the Memory window.")


def test_with_the_memory_off_each_tool_says_so():
    out = Toolbox(memory=None).run('call:recall{about:"car"}')
    assert out.status == "failed" and "my memory is switched off in Settings" in out.result.reply


def test_a_dry_run_keeps_nothing(store):
    out = Toolbox(memory=store, act=False).run('call:remember{fact:"my car is parked on level 3"}')
    assert out.status == "dry_run" and store.count() == 0


def test_when_a_fact_was_noted_is_said_as_a_day():
    now = datetime(2026, 6, 10, 9, 0)
    at = lambda d: (now - timedelta(days=d)).astimezone(timezone.utc).isoformat()  # noqa: E731
    assert [noted_when(at(d), now) for d in (0, 1, 7)] == ["today", "yesterday", "on 3 June"]
    assert noted_when(at(400), now) == "on 6 May 2025"
    assert PRIVATE_PROMPT == "(asked to forget something)"


def test_a_toolbox_may_let_only_the_memory_act(store):
    box = Toolbox(memory=store, act={"remember"})
    assert box.run('call:remember{fact:"my car is parked on level 3"}').status == "ran"
    assert box.run('call:open_app{name:"firefox"}').status == "dry_run" and store.count() == 1


def test_remember_keeps_the_users_whole_words_when_the_call_falls_short(store):
    out = run(store, 'call:remember{fact:"that"}', "remember that sophie is allergic to peanuts and kiwi")
    assert out.result.reply == "Noted, sir: sophie is allergic to peanuts and kiwi."
    out = run(store, 'call:remember{fact:"my gp is dr alan whitfield"}',
              "my gp is dr alan whitfield at riverside surgery keep that in mind")
    assert sorted(f.text for f in store.facts()) == ["my gp is dr alan whitfield at riverside surgery",
                                                     "sophie is allergic to peanuts and kiwi"]


@pytest.mark.parametrize("about, message, said", [
    ("car parked", "Where did I park my car?", "your car"),
    ("boiler", "what did I tell you about the boiler", "the boiler"),
    ("kids dentist", "who's the kids' dentist again", "the kids' dentist"),
    ("wife birthday", "when is my wife's birthday", "your wife's birthday"),
    ("sister", "Where does my older sister live?", "your older sister"),
    ("multi-storey", "which floor of which multi-storey is my vehicle on", "that"),  # no phrase of its own
    ("", "where did I leave it", "that"),
])
def test_a_recall_that_finds_nothing_names_the_subject_in_the_users_words(store, about, message, said):
    out = run(store, f'call:recall{{about:"{about}"}}' if about else "call:recall{}", message)
    assert out.result.reply == f"You haven't told me anything about {said} that I've kept, sir."


def test_every_remember_example_is_kept_as_its_call_says():
    """The fact a training example's call holds is what the memory keeps from its message: the
    cue words ("Keep a note:", "..., keep that somewhere safe") are not kept, nothing is cut."""
    remember = {t.name: t for t in default_tools()}["remember"]
    for message, call in remember.examples:
        fact = parse(call).args["fact"]
        assert fact_as_told(fact, message) == clean_fact(fact), (message, fact)


def test_recall_answers_the_users_own_question_before_the_models_keywords(store):
    run(store, 'call:remember{fact:"I take my tea strong with one sugar"}')
    run(store, 'call:remember{fact:"I like my steak medium rare"}')
    # the model named the wrong thing; the question itself is surely answered by a fact
    out = run(store, 'call:recall{about:"steak"}', "How do I take my tea?")
    assert out.result.reply == "You take your tea strong with one sugar, sir; you told me today."
    assert out.result.data["sure"]
    # a question the memory does not surely answer alone is searched with the model's words too
    out = run(store, 'call:recall{about:"steak"}', "what did I say about that")
    assert "steak" in out.result.reply


def test_a_question_the_memory_surely_answers_is_a_whole_request_for_recall(store):
    run(store, 'call:remember{fact:"I take my tea strong with one sugar"}')
    box = Toolbox(memory=store)
    assert "recall" in box.read_in_full("How do I take my tea?")
    assert "recall" not in box.read_in_full("I fancy a cup of coffee")
    assert "recall" not in Toolbox().read_in_full("How do I take my tea?")  # no memory: nothing to recall
    assert box.read_in_full("what's 15 percent of 80") == {"percent", "calculate"}


@pytest.mark.parametrize("question", [
    "can I have milk in things",
    "what do I put for the postcode on forms now we've moved",
    "um jarvis, where did I leave the bike?",
    "Do you remember what I told you about my sister in Sydney?",  # its "remember" asks, it keeps nothing
    "can you recall where I said the stopcock was",
])
def test_a_question_written_as_remember_is_asked_of_the_memory_and_never_kept(store, question):
    run(store, 'call:remember{fact:"I am lactose intolerant"}')
    out = run(store, f'call:remember{{fact:"{question}"}}', question)
    assert out.call.text == "call:recall{}" and out.status == "ran"
    assert out.log_record()["tool_result"]["written"] == f'call:remember{{fact:"{question}"}}'
    assert not out.result.reply.startswith("Noted")
    assert [f.text for f in store.facts()] == ["I am lactose intolerant"]


@pytest.mark.parametrize("told", [
    "Can you remember that my car is on level 3?",
    "Could you file away that the bleed key for the radiators is in the toolbox?",
    "my wife's birthday is 3 June",
])
def test_a_fact_given_in_a_question_or_a_statement_is_kept(store, told):
    out = run(store, f'call:remember{{fact:"{told}"}}', told)
    assert out.call.name == "remember" and out.result.reply.startswith("Noted") and store.count() == 1


def test_every_remember_and_recall_example_is_told_from_asked():
    """asks() over the shipped examples: no remember example reads as a question (the move to
    recall never undoes one), and most recall examples do."""
    from jarvis_desktop.core.memory_words import asks

    import json

    from jarvis_desktop.core.paths import asset

    tools = {t.name: t for t in default_tools()}
    pairs = [(name, m) for name in ("remember", "recall") for m, _ in tools[name].examples]
    for line in asset("data", "persona", "tools.jsonl").read_text(encoding="utf-8").splitlines():
        turns = json.loads(line)["messages"]
        pairs += [(turns[i]["content"][5:].split("{")[0], turns[i - 1]["content"]) for i in range(1, len(turns))
                  if turns[i]["role"] == "assistant" and turns[i]["content"].startswith(("call:remember", "call:recall"))]
    assert not [m for name, m in pairs if name == "remember" and asks(m)]
    asked = [asks(m) for name, m in pairs if name == "recall"]
    assert len(asked) > 100 and sum(asked) >= len(asked) * 0.6, asked


@pytest.mark.parametrize("message, whole", [
    ("note that the stopcock is under the kitchen sink", True),
    ("Remember that I take my tea strong with one sugar.", True),
    ("um jarvis remember my locker at the gym is number 112", True),
    ("Can you make a note that the car's MOT is due in October?", True),  # a request, not a question
    ("the spare key is under the blue pot, keep that in mind", True),
    ("um remember im lactose intolerant", True),  # as whisper writes it
    ("note the electricity meter reading was 48213 on Sunday", True),
    ("don't let me forget the landlord's name is Mr Pemberton", True),
    ("remember the passports are in the top drawer of the desk", True),  # a statement after "remember"
    ("remember dads hearing aid batteries are size 312", True),
    ("Our host in Seville is called Lucia Romero. Please remember.", True),
    ("The roofer was Callum Reid, worth remembering in case the gutters leak again.", True),
    ("My train leaves King's Cross at 10:00 from platform 4, please remember that for me.", True),
    ("our window cleaner Gareth comes on Wednesdays, just so you know for later", True),
    ("the bins go out on tuesday nights dont let me forget", True),
    # small talk about remembering, a question, a reminder: nothing to keep
    ("Remember when we went to Paris?", False),
    ("Remember that time we got lost in the Lake District? What a day.", False),
    ("Remember, remember the fifth of November!", False),
    ("do you remember what I said about the boiler", False),
    ("don't let me forget to move the car in an hour", False),
    ("remember that", False),  # no fact
    ("remember the days when kids played outside all summer", False),
    ("remember the time the car broke down on the M5", False),
    ("remember the old house was on a hill", False),  # not a thing's place or kind now: reminiscence
])
def test_a_fact_given_in_so_many_words_is_a_whole_request_to_remember(message, whole):
    from jarvis_desktop.core.memory_words import keeps

    assert keeps(message) is whole
    assert ("remember" in Toolbox().read_in_full(message)) is whole


def test_a_reminder_with_its_time_is_no_fact_to_keep():
    box = Toolbox()
    said = "don't let me forget the recycling at half six this evening"
    assert box.read_in_full(said) == {"remind_me"}  # its time read: a reminder, and not a fact as well


def test_forgetting_a_timer_cancels_it_and_erases_no_fact(tmp_path, store):
    """"Forget about the pasta countdown" written as a forget would erase every fact about pasta
    and leave the timer running: words that name a timer, a reminder or a countdown make it a
    cancel_timer, with the forget's subject as the timer's name."""
    from datetime import datetime, timedelta

    from jarvis_desktop.core.timers import TimerService

    now = datetime(2026, 11, 26, 18, 0)
    timers = TimerService(tmp_path / "timers.json", clock=lambda: now)
    timers.add(now + timedelta(minutes=9), "pasta")
    timers.add(now + timedelta(hours=2), "ring the garage", kind="reminder")
    store.add("my favourite pasta is cacio e pepe")
    box = Toolbox(timers=timers, clock=lambda: now, memory=store)
    out = box.run('call:forget{about:"pasta countdown"}', "sir", "Forget about the pasta countdown.")
    assert out.call.name == "cancel_timer" and out.status == "ran", out
    assert [t.label for t in timers.pending()] == ["ring the garage"]
    assert [f.text for f in store.facts()] == ["my favourite pasta is cacio e pepe"]
    out = box.run('call:forget{about:"garage"}', "sir", "forget the reminder about the garage")
    assert out.call.name == "cancel_timer" and out.call.args == {"label": "garage", "kind": "reminder"}
    assert timers.pending() == []
    # a forget of a fact stays one
    out = box.run('call:forget{about:"pasta"}', "sir", "forget what I said about pasta")
    assert out.call.name == "forget" and store.facts() == []


@pytest.mark.parametrize("message, about", [
    ("forget what I said about Ruby's piano teacher", "ruby piano teacher"),
    ("forget what I told you about the boiler", "boiler"),
    ("Forget that Ruby has a piano teacher", "ruby piano teacher"),
    ("could you wipe what you know about the ladder", "ladder"),
    ("The Leeds trip is off, so bin the note about the train.", "train"),
    ("Drop what I told you about the window cleaner; we've let him go.", "window cleaner"),
    # a dismissal, a subject set aside, a question or a request after it, a keep, a timer: no forget
    ("forget it", None), ("Forget it, it doesn't matter.", None), ("oh never mind, forget I asked", None),
    ("Forget that I said anything.", None), ("Forget what I just said.", None),
    ("forget about work for a minute, tell me something cheerful", None),
    ("Forget the weather, what's the time?", None), ("don't forget the milk", None),
    ("forget to call mum", None), ("I forgot my keys", None), ("delete the file report.txt", None),
    ("Forget about the pasta countdown.", None),
])
def test_a_forget_asked_first_in_so_many_words_is_beyond_doubt(message, about):
    """"forget what I said about Ruby's piano teacher" was written by the tuned model as a recall
    of it, and answered with the fact it was asked to forget."""
    call = Toolbox(clock=lambda: datetime(2026, 11, 26, 18, 0)).beyond_doubt(message)
    assert call == (None if about is None else f'call:forget{{about:"{about}"}}')


def test_no_message_of_the_data_but_a_forget_of_a_fact_is_read_as_one_beyond_doubt():
    """Over every user turn of the training data and the requests of the development and
    held-out routing sets, the forgets read beyond doubt are all forgets of a fact (none a
    dismissal, a timer's cancel or chat), and they are most of the data's forgets."""
    said = said_in_data()
    box = Toolbox(clock=lambda: datetime(2026, 11, 26, 18, 0))
    read = [(m, r) for m, r in said if (box.beyond_doubt(m) or "").startswith("call:forget")]
    forgets = [(m, r) for m, r in said if r.startswith("call:forget")]
    assert [(m, r) for m, r in read if not r.startswith("call:forget")] == []
    assert len(read) >= 25 and 2 * len(read) > len(forgets)


def test_a_forget_in_so_many_words_forgets_whatever_the_model_would_write(tmp_path, tiny_engine):
    """Through the Assistant with a real (tiny, untrained) model: the words decide the call, and
    the fact is gone from the store; the model is not asked."""
    from jarvis_desktop.core.assistant import Assistant, Persona

    with MemoryStore(tmp_path / "memory.sqlite3") as store:
        store.add("Ruby's piano teacher is called Mr Hargreaves")
        store.add("the boiler was serviced in March")
        assistant = Assistant(tiny_engine, None, Persona("sir"), tools=Toolbox(memory=store))
        answer = assistant.ask("forget what I said about Ruby's piano teacher", remember=False).result()
        assert answer.tool.name == "forget" and answer.text == "Done, sir: I've forgotten it."
        assert [f.text for f in store.facts()] == ["the boiler was serviced in March"]
