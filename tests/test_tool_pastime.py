"""The joke tool: a joke, a riddle or a fun fact from the bank, read from the words where they ask
for one and nothing else, never the same one twice in a row (tools/pastime.py)."""

from __future__ import annotations

import json
import random
import re

import pytest

from jarvis_desktop.core.assistant import EVAL_NOW
from jarvis_desktop.core.errors import DataError
from jarvis_desktop.core.paths import asset
from jarvis_desktop.core.tools import Toolbox, default_tools, format_call
from jarvis_desktop.core.tools.pastime import KINDS, Teller, kind_told, load_bank, pastime_asked, topic

from tests.tool_checks import assert_numbers_from_data, said_in_data


def box() -> Toolbox:
    return Toolbox([t for t in default_tools() if t.name == "joke"], clock=lambda: EVAL_NOW)


# --- the bank ----------------------------------------------------------------------------------

@pytest.mark.parametrize("kind, least", [("joke", 120), ("riddle", 40), ("fact", 80)])
def test_the_bank_is_whole_unrepeated_and_short_enough_to_say(kind, least):
    bank = load_bank(kind)
    assert len(bank) >= least
    texts = [re.sub(r"\W+", " ", e.text.lower()) for e in bank]
    assert len(set(texts)) == len(texts), "a pastime told twice under two ids"
    assert all(e.text[-1] in ".?!'\"" for e in bank), "each ends as a sentence does"
    assert all(e.about and all(t == topic(t) for t in e.about) for e in bank), "topics as topic() writes them"
    if kind == "riddle":
        assert all(e.answer for e in bank)
    # the address is Jarvis's to add ("Here's one, sir."), and speech reads no markup
    assert not [e.id for e in bank if re.search(r"\b(?:sir|madam)\b|[*_#\[\]<>]", e.text, re.IGNORECASE)]


def test_the_topics_users_ask_for_most_have_jokes_enough_for_an_evening():
    counts = {}
    for e in load_bank("joke"):
        for t in e.about:
            counts[t] = counts.get(t, 0) + 1
    assert all(counts.get(t, 0) >= 3 for t in ("computer", "programming", "animal", "food", "science", "christmas",
                                                  "coffee", "space", "music", "sport", "maths", "doctor")), counts


def test_a_bad_line_of_a_bank_names_its_file_and_line(tmp_path):
    path = tmp_path / "riddles.jsonl"
    path.write_text('{"id": "r1", "text": "What has keys but opens no locks?", "answer": "A piano.", "about": []}\n'
                    '{"id": "r2", "text": "What has a neck but no head?", "about": ["thing"]}\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"riddles\.jsonl:2: a riddle needs its answer"):
        load_bank("riddle", path)
    path.write_text('{"id": "j1", "text": "one"}\n{"id": "j1", "text": "two"}\n', encoding="utf-8")
    with pytest.raises(DataError, match=r":2: the id 'j1' is used twice"):
        load_bank("joke", path)
    path.write_text('{"id": "j1", "text": "' + "ha" * 200 + '"}\n', encoding="utf-8")
    with pytest.raises(DataError, match=r":1: .*one breath"):
        load_bank("joke", path)


# --- choosing ----------------------------------------------------------------------------------

def test_a_conversation_of_jokes_never_hears_one_twice_until_the_bank_runs_low():
    teller, bank = Teller(random.Random(7)), load_bank("joke")
    told = [teller.choose("joke")[0].id for _ in range(Teller.RECENT)]
    assert len(set(told)) == Teller.RECENT
    # past the memory of what was told, still never the last one again
    more = [teller.choose("joke", bank=bank[:3])[0].id for _ in range(30)]
    assert all(a != b for a, b in zip(more, more[1:]))


def test_a_topic_asked_for_is_kept_where_the_bank_has_it_and_said_where_it_has_not():
    teller = Teller(random.Random(1))
    for about in ("cats", "Computers", "coding", "the sea"):
        entry, found = teller.choose("joke" if about != "the sea" else "fact", about.removeprefix("the "))
        assert found and topic(about.removeprefix("the ")) in entry.about, (about, entry)
    entry, found = teller.choose("joke", "quantum chromodynamics")
    assert not found and entry.text
    said = box().run('call:joke{about:"quantum chromodynamics"}').result.reply
    assert said.startswith("I've no jokes on that subject to hand, sir, but here's one.")


def test_what_jarvis_says_is_the_banks_entry_with_the_riddles_answer_after_it():
    b = box()
    joke = b.run("call:joke{}", honorific="madam")
    assert joke.status == "ran" and joke.result.reply == f"Here's one, madam. {joke.result.data['text']}"
    riddle = b.run('call:joke{kind:"riddle"}').result
    assert riddle.reply.startswith("A riddle for you, sir. " + riddle.data["text"] + " The answer: ")
    assert riddle.reply.lower().endswith(riddle.data["answer"].lower())
    fact = b.run('call:joke{kind:"fact",about:"space"}').result
    assert "space" in fact.data["about"] and fact.data["text"] in fact.reply
    for result in (joke.result, riddle, fact):
        assert_numbers_from_data(result)  # a fact's figures are the bank's
        assert kind_told(result.reply) == result.data["kind"]


# --- the words ---------------------------------------------------------------------------------

@pytest.mark.parametrize("message, args", [
    ("tell me a joke", {}),
    ("Tell me a joke, Jarvis.", {}),
    ("um jarvis tell us a joke please", {}),
    ("got any good jokes?", {}),
    ("do you know any jokes about cats", {"about": "cat"}),
    ("tell me a computer joke", {"about": "computer"}),
    ("crack a joke about coding", {"about": "programming"}),
    ("go on then, make me laugh", {}),
    ("tell me a funny joke", {}),  # "funny" is how, not what about
    ("hit me with a riddle", {"kind": "riddle"}),
    ("give me a brain teaser", {"kind": "riddle"}),
    ("give us a fun fact", {"kind": "fact"}),
    ("tell me a random fact about space", {"kind": "fact", "about": "space"}),
    ("tell me something interesting", {"kind": "fact"}),
    ("teach me something new", {"kind": "fact"}),
])
def test_a_request_for_a_pastime_and_nothing_else_is_read_from_the_words(message, args):
    assert pastime_asked(message) == args
    assert box().beyond_doubt(message) == format_call("joke", args)


@pytest.mark.parametrize("message", [
    "that's the worst joke I've ever heard", "are you joking?", "it's no joke, the traffic was awful",
    "don't make me laugh, my lip is split", "my son tells the worst jokes", "is that a fact?",
    "what's the difference between a riddle and a puzzle", "tell me a joke about my boss's haircut so I can "
    "tell it at work tomorrow and get sacked", "write me a poem", "tell me about your day",
    "another coffee please", "one more thing: remind me at five", "the facts are these: I was late",
])
def test_words_that_mention_a_pastime_but_ask_for_none_are_left_to_the_model(message):
    assert pastime_asked(message, "Here's one, sir. " + load_bank("joke")[0].text) is None


def test_another_one_asks_for_another_of_the_kind_just_told_and_nothing_otherwise():
    b = box()
    riddle = b.run('call:joke{kind:"riddle"}').result.reply
    assert b.beyond_doubt("another one!", before=riddle) == 'call:joke{kind:"riddle"}'
    assert b.beyond_doubt("go on, one more", before=b.run("call:joke{}").result.reply) == "call:joke{}"
    assert b.beyond_doubt("another one", before="It's 4:15 am in New York, sir.") is None
    assert b.beyond_doubt("another one") is None


def test_no_message_of_the_data_or_the_routing_sets_is_read_as_a_pastime_unless_it_asks_for_one():
    read = [(said, answer) for said, answer in said_in_data() if pastime_asked(said) is not None]
    # answered by a call, or by what its tool said (the first turn of a follow-up)
    wrong = [(said, answer) for said, answer in read if not answer.startswith("call:joke") and not kind_told(answer)]
    assert len(read) >= 20 and wrong == []


def test_the_dev_and_held_out_requests_are_kept_apart_and_read_as_their_sets_say_where_the_words_are_sure():
    rows = {}
    for where in (("dev", "pastime_dev.jsonl"), ("eval", "pastime_heldout.jsonl")):
        rows[where[0]] = [json.loads(line) for line in asset("data", *where).read_text(encoding="utf-8").splitlines()]
    plain = lambda r: re.sub(r"\W+", " ", r["request"].lower()).strip()  # noqa: E731
    assert not {plain(r) for r in rows["dev"]} & {plain(r) for r in rows["eval"]}
    b = box()
    for row in rows["dev"] + rows["eval"]:
        call = b.beyond_doubt(row["request"])
        assert call is None or call == row["call"], row  # never a chat, never the wrong kind


def test_every_kind_can_be_called_and_only_those():
    assert box().run('call:joke{kind:"limerick"}').status == "arguments"
    assert {k for k in KINDS} == {"joke", "riddle", "fact"}


def test_through_the_assistant_a_joke_asked_for_is_the_banks_and_another_follows_it(tiny_engine):
    """The app's path with the tiny (untrained) model: "tell me a joke" runs the joke tool from the
    words, whatever the model would write; "another one!" after it is another joke, kept in the
    conversation as the app keeps it; "another one" with no joke before is the model's."""
    from jarvis_desktop.core.assistant import Assistant, Persona

    assistant = Assistant(tiny_engine, None, Persona("madam"), clock=lambda: EVAL_NOW, tools=box())
    first = assistant.ask("tell me a joke about cats").result()
    assert first.source == "tool" and first.tool.call.text == 'call:joke{about:"cat"}'
    assert "cat" in first.tool.result.data["about"] and first.text.startswith("Here's one, madam. ")
    second = assistant.ask("haha, another one!").result()
    assert second.source == "tool" and second.tool.name == "joke"
    assert second.tool.result.data["id"] != first.tool.result.data["id"]
    assert [m["content"] for m in assistant.history[1::2]] == [first.text, second.text]
    assistant.reset()
    alone = assistant.ask("another one", remember=False).result()
    assert alone.tool is None or alone.tool.name != "joke"


def test_what_is_set_aside_is_kept_in_its_file_and_an_unreadable_file_sets_nothing_aside(tmp_path, caplog):
    path = tmp_path / "aside.json"
    teller = Teller(random.Random(3), path=path)
    bank = load_bank("riddle")[:3]
    assert teller.set_aside(bank[0].id) and teller.set_aside(bank[1].id)
    assert {teller.choose("riddle", bank=bank)[0].id for _ in range(20)} == {bank[2].id}
    assert Teller(path=path).aside == {bank[0].id, bank[1].id}
    teller.set_aside(bank[0].id, False)
    assert json.loads(path.read_text()) == [bank[1].id]
    # everything set aside: still one is told rather than none
    for e in bank:
        teller.set_aside(e.id)
    assert teller.choose("riddle", bank=bank)[0] in bank
    path.write_text("{not json", encoding="utf-8")
    assert Teller(path=path).aside == set() and "cannot be read" in caplog.text
    assert Teller(path=tmp_path / "missing.json").aside == set()
