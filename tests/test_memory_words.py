"""The memory's readers of the user's words (jarvis_desktop/core/memory_words.py): a request to
list what is kept, or a question only the user's memory answers, is taken beyond doubt
(``Toolbox.beyond_doubt``), and no message of the data is read as one but those that are."""

from __future__ import annotations

import pytest

from jarvis_desktop.core.assistant import EVAL_NOW
from jarvis_desktop.core.memory import MemoryStore
from jarvis_desktop.core.memory_words import asks_own, lists_kept
from jarvis_desktop.core.tools import Toolbox
from jarvis_desktop.core.tools.call import format_call
from tests.tool_checks import said_in_data


@pytest.mark.parametrize("message, call", [
    ("Is there anything on file about me?", "call:list_memories{}"),
    ("what do you know about me", "call:list_memories{}"),
    ("so what have you got on me then", "call:list_memories{}"),
    ("what has my wife got on me", None),  # someone else's knowing
    ("Forget everything you know about me.", 'call:forget{about:"everything"}'),  # a forget (the tool says to use Delete all)
    ("what do you think about me", None),
    ("what on earth is sed", 'call:explain_command{command:"sed"}'),
    ("what on earth is going on", None),
    # a fact to keep with a time in it is kept (v4 answered "remember that I'm having an eye test at
    # Specsavers on 11 May at 10am" in prose); with words asking for a reminder, or a thing to do,
    # it is the model's to call a fact or a reminder
    ("note that the dentist is at 3 tomorrow", 'call:remember{fact:"the dentist is at 3 tomorrow"}'),
    ("remember that I'm having an eye test at Specsavers on 11 May at 10am",
     'call:remember{fact:"I\'m having an eye test at Specsavers on 11 May at 10am"}'),
    ("remember I need to leave at 5", None),
    ("remember I've got to ring the bank at 4", None),
    ("Remember I've got a haircut at Ruby's on Friday at 4.",
     'call:remember{fact:"I\'ve got a haircut at Ruby\'s on Friday at 4"}'),
    ("don't let me forget the recycling at half six this evening", None),
    ("Don't let me forget that Grace's parents' evening is Wednesday at 5:40.", None),
    ("note that the dentist is on Tuesday", 'call:remember{fact:"the dentist is on Tuesday"}'),
])
def test_what_is_kept_about_the_user_or_what_a_program_is_is_asked_beyond_doubt(message, call):
    assert Toolbox(act=False, clock=lambda: EVAL_NOW).beyond_doubt(message) == call


def test_no_message_of_the_data_but_a_list_of_what_is_kept_is_read_as_one():
    said = said_in_data()
    read = [(message, reply) for message, reply in said if lists_kept(message)]
    assert len(read) >= 10
    assert [(m, r) for m, r in read if not r.startswith("call:list_memories")] == []


@pytest.mark.parametrize("message, about", [
    ("What's my favourite film?", "favourite film"),
    ("um jarvis how do I take my tea", "take tea"),
    ("Do I prefer window or aisle?", "prefer window aisle"),
    ("who did I lend the garden cutters to", "lend garden cutters"),
    ("where did I leave my specs", "leave specs"),
    ("Which team do I support?", "team support"),
    ("whos got my drill", "drill"), ("who has got our ladder", "ladder"),
    ("How does my wife take her coffee?", "wife take coffee"),
])
def test_a_question_only_the_users_memory_answers_is_a_recall_beyond_doubt(tmp_path, message, about):
    """Asked "What's my favourite film?", the model gave an opinion of Jarvis's own; such a
    question is a recall whatever the memory holds (it says when nothing was kept)."""
    with MemoryStore(tmp_path / "m.sqlite3") as store:
        toolbox = Toolbox(act=False, clock=lambda: EVAL_NOW, memory=store)
        assert toolbox.beyond_doubt(message) == format_call("recall", {"about": about})
        reply = toolbox.run(toolbox.beyond_doubt(message), "sir", message).result.reply
        assert "haven't told me" in reply  # nothing kept: said so, nothing invented
    assert Toolbox(act=False, clock=lambda: EVAL_NOW).beyond_doubt(message) is None  # no memory: the model's


@pytest.mark.parametrize("message", [
    "what should I get my wife for her birthday", "how do I reset my password", "What's your favourite film?",
    "where did I save the budget spreadsheet", "what's my IP address", "do I need an umbrella today",
    "Where's my favourite place in Bristol to eat, any ideas?",
    "who has my back when it all goes wrong", "who has the best fish and chips round here",
    "how does my laptop have so little space", "how do my kids like it when I sing",
])
def test_advice_the_computer_or_jarvis_own_tastes_are_not_read_as_a_question_of_the_users_memory(message):
    assert not asks_own(message)


def test_no_message_of_the_data_but_a_recall_is_read_as_a_question_only_the_memory_answers():
    read = [(message, reply) for message, reply in said_in_data() if asks_own(message)]
    assert len(read) >= 5
    assert [(m, r) for m, r in read if not r.startswith("call:recall")] == []


def test_every_fact_to_keep_read_beyond_doubt_is_kept_in_the_data_too():
    """A fact given to keep in so many words, a time in it or not, is a ``remember`` beyond doubt:
    over every user turn of the data and the routing sets it reads 97 messages (89 before a time
    in the fact counted, 93 before "remember the passports are in ..." and "..., please remember"),
    each answered there with a ``remember`` call."""
    from jarvis_desktop.core.notes import without_notes

    toolbox = Toolbox(act=False, clock=lambda: EVAL_NOW)
    read = [(message, reply) for message, reply in said_in_data()
            if (toolbox.beyond_doubt(without_notes(message)) or "").startswith("call:remember")]
    assert len(read) >= 95
    assert [(m, r) for m, r in read if not r.startswith("call:remember")] == []
