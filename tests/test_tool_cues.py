"""A call to a tool the user's words say nothing of is set aside (tools/cues.py): "which port is
plain imap on" is no request for the local IP address, and the reply is the model's prose."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jarvis_desktop.core.assistant import Assistant, Persona
from jarvis_desktop.core.paths import asset
from jarvis_desktop.core.tools import Param, Tool, Toolbox, ToolResult
from jarvis_desktop.core.tools.cues import _WHY, CUES, REASONS, about_the_user, bears_on


def _requests_for(tools):
    """(tool, the user's words) for every call in the persona dataset to one of ``tools``."""
    for name in ("tools.jsonl", "tools_conversation.jsonl", "memory_context.jsonl", "multi_turn.jsonl"):
        for line in asset("data", "persona", name).read_text(encoding="utf-8").splitlines():
            messages = json.loads(line)["messages"]
            for before, message in zip(messages, messages[1:]):
                if message["role"] == "assistant" and message["content"].startswith("call:"):
                    tool = message["content"][len("call:"):].split("{")[0]
                    if tool in tools:
                        yield tool, before["content"]


def test_every_request_the_fine_tune_learns_bears_on_its_tool():
    seen, worded = {}, {*CUES, "recall", "forget"}
    for tool, words in _requests_for(worded):
        assert bears_on(tool, words), (tool, words)
        seen[tool] = seen.get(tool, 0) + 1
    assert set(seen) == worded and min(seen.values()) >= 20


def test_every_development_and_spoken_request_bears_on_its_tool():
    # neither set was used to choose the words
    worded = {*CUES, "forget"}
    dev = [json.loads(line) for line in asset("data", "dev", "routing_dev.jsonl").read_text().splitlines()]
    checked = [(r["tool"], r["request"]) for r in dev if r["kind"] == "tool" and r["tool"] in worded]
    for line in (Path(__file__).parent / "data" / "spoken_arguments.jsonl").read_text().splitlines():
        row = json.loads(line)
        tool = row["call"][len("call:"):].split("{")[0]
        if tool in worded:
            checked.append((tool, row["request"]))
    memory = [json.loads(line) for line in asset("data", "dev", "memory_dev.jsonl").read_text().splitlines()]
    asks = [("recall", ask) for row in memory for ask in row.get("asks", [])]
    assert len(checked) >= 18 and len(asks) >= 150
    assert [c for c in checked if not bears_on(*c)] == []
    # one generic "you" meaning the user is the price: the memory's own search keeps it (below)
    assert [a for a in asks if not bears_on(*a)] == [("recall", "what slot should you book for the groceries")]


@pytest.mark.parametrize("tool, words", [
    ("local_ip", "which port is plain imap on"),
    ("find_files", "Where does the Chancellor of the Exchequer live?"),
    ("folder_size", "When people say my files are in the cloud, where are they really?"),  # development set
    ("now_playing", "which element has the symbol Sn"),
    ("os_info", "What file extension does a PowerPoint presentation have?"),
    ("open_app", "What's the shortcut to select all?"),
    ("open_file", "my son wants to learn to code where should he start"),
    ("recall", "which part of your body do you see with"),
    ("recall", "What do you call the first meal of the day?"),
    ("top_processes", "where did I leave my specs"),
    ("cancel_timer", "Turning it off and on again fixes everything, doesn't it?"),
    ("volume", "have you tried turning it off and on again"),  # a chat, not the desktop's sound
    ("volume", "can you learn?"),
    # a question asks, it erases nothing (the first was written as forget{about:"phone"})
    ("forget", "My phone keeps nagging that it's full; what can I safely delete?"),
    ("forget", "Is it a myth that goldfish forget everything in seconds?"),
    ("explain_command", "which element has the symbol K"),  # a fact, not a program
    ("explain_command", "anything on file about my sister?"),  # "about" is the memory's, not a manual's
    ("list_timers", "What's the shortcut to select all?"),
])
def test_questions_that_only_sound_like_requests_bear_on_no_tool(tool, words):
    assert not bears_on(tool, words)


@pytest.mark.parametrize("tool, words", [
    ("local_ip", "what number does the network know this computer by"),
    ("now_playing", "ooh i like this what is it called"),
    ("os_info", "is this pc on windows ten or eleven"),
    ("open_app", "I need to jot something down."),
    ("open_file", "Display the scan of my driving licence."),
    ("recall", "when does the cleaner come"),  # no "you": about the user's own things
    ("recall", "what did you say the gate code was"),
    ("recall", "which shoe size did you note for Arlo's wellies"),
    ("top_processes", "the machine's crawling, who's the culprit, which program"),
    ("top_processes", "who's behind the cpu's racket"),  # a word said with "'s"
    ("cancel_timer", "Never mind the eggs."),  # a word for calling it off, and no timer named
    ("cancel_timer", "the dentist has moved me to next month so bin the reminder"),
    ("local_ip", "what's this box called in the router’s eyes"),  # or a curly one
    ("local_ip", "and on the wifi?"),  # a follow-up leans on the turn before
    ("now_playing", "what about the one before?"),
    ("volume", "I can't make out a word the presenter says."),
    ("volume", "it's all gone a bit noisy in here, shh"),
    ("explain_command", "never heard of tmux whats that"),
    ("list_timers", "is the lasagne nearly ready"),
    ("forget", "Could you forget my shoe size?"),  # a question put to Jarvis asks for it
    ("forget", "um jarvis will you delete what you know about my ladder"),
    ("media", "the doorbell's ringing"),  # tools not listed are never vetoed
    ("lock_screen", "I'm stepping away for a minute"),
])
def test_requests_in_their_own_words_bear_on_their_tool(tool, words):
    assert bears_on(tool, words)


def _ip_tool(ran):
    return Tool("local_ip", "the local IP address", (), lambda args, context: ran.append(args) or
                ToolResult("Your local IP address is 192.0.2.2, sir."))


def _stream(*pieces):
    yield from pieces


def test_a_call_the_words_say_nothing_of_is_set_aside_and_the_reply_is_prose():
    ran = []
    assistant = Assistant(tools=Toolbox([_ip_tool(ran)]), persona=Persona("sir"))
    prose = lambda: _stream("I'm not certain, sir.")  # noqa: E731
    seen = {"message": "which port is plain imap on"}
    pieces = list(assistant._call_or_prose(_stream("call:local_ip{}"), None, seen, prose=prose))
    assert pieces == ["I'm not certain, sir."] and ran == [] and "outcome" not in seen and seen["call"] is None
    assert seen["spent_s"] >= 0  # the call written and set aside counts in the first-token time
    # the same call where the words ask for it runs
    seen = {"message": "whats my local ip"}
    pieces = list(assistant._call_or_prose(_stream("call:local_ip{}"), None, seen, prose=prose))
    assert pieces == ["Your local IP address is 192.0.2.2, sir."] and ran == [{}]


def test_a_recall_the_memory_surely_answers_is_kept_whatever_the_words():
    ran = []
    recall = Tool("recall", "what the user told", (Param("about", str, "what about", required=False),),
                  lambda args, context: ran.append(args) or ToolResult("Thursday, 7 to 8 pm, sir."))

    class Sure(Toolbox):  # as where the memory's search surely holds the answer
        def read_in_full(self, message):
            return frozenset({"recall"})

    words = "what slot should you book for the groceries"  # a generic "you" that means the user
    assert not bears_on("recall", words)
    for box, said in ((Toolbox([recall]), ["prose"]), (Sure([recall]), ["Thursday, 7 to 8 pm, sir."])):
        pieces = list(Assistant(tools=box, persona=Persona("sir"))._call_or_prose(
            _stream('call:recall{about:"groceries"}'), None, {"message": words}, prose=lambda: _stream("prose")))
        assert pieces == said
    assert len(ran) == 1


@pytest.mark.parametrize("words, about", [
    ("What's my project called?", True), ("how long is my colleague off for", True),
    ("What is Tom's address", True), ("the kids' doctor", True), ("did I tell you the code", True),
    ("What's the battery at?", False), ("whats the cpu doing", False), ("it's late, what's the uptime", False),
])
def test_about_the_user_reads_the_user_and_their_people_not_a_contraction(words, about):
    assert about_the_user(words) is about


def test_a_call_to_another_tool_gives_way_to_recall_where_the_memory_surely_answers_about_the_user(tmp_path):
    """"What's my project called?" written as hostname, beside "the project I'm leading this quarter
    is called Bluebell" (the development memory set's miss): the recall runs, with the real store."""
    from jarvis_desktop.core.memory import MemoryStore
    from jarvis_desktop.core.tools import default_tools

    prose = lambda: _stream("prose")  # noqa: E731
    with MemoryStore(tmp_path / "memory.sqlite3") as store:  # by words: sure where a fact holds them all
        store.add("the project I'm leading this quarter is called Bluebell")
        store.add("the hostname of the garage printer is inkwell")
        box = Toolbox([t for t in default_tools() if t.name in ("hostname", "local_ip", "recall")], memory=store)
        assistant = Assistant(tools=box, persona=Persona("sir"))

        def reply(call, words, **seen):
            pieces = list(assistant._call_or_prose(_stream(call), None, {"message": words, **seen}, prose=prose))
            return pieces, seen
        assert box.memory_answers("What's my project called?")
        said, _ = reply("call:hostname{}", "What's my project called?")
        assert said == ["The project you're leading this quarter is called Bluebell, sir; you told me today."]
        # not about the user: the computer's own name, whatever the memory holds of hostnames
        said, _ = reply("call:hostname{}", "what's the hostname of the garage printer")
        assert box.memory_answers("what's the hostname of the garage printer") and "inkwell" not in said[0]
        # in two minds, where the memory surely answers: a call to a tool the words make no whole
        # request of is the recall, where it would have been set aside
        said, _ = reply("call:local_ip{}", "What's my project called?", unsure=frozenset({"recall"}))
        assert "Bluebell" in said[0]
        # the memory holds nothing of it: the call stands
        said, _ = reply("call:hostname{}", "what's my computer called")
        assert not box.memory_answers("what's my computer called") and "Bluebell" not in said[0]


@pytest.mark.parametrize("message, bears", [
    ("Forget it, it doesn't matter.", False), ("oh never mind, forget I asked", False), ("just forget about it", False),
    ("Forget what I just said.", False),
    ("forget what I said about my car", True), ("forget the dentist", True), ("forget it, the locker code", True),
])
def test_dropping_the_subject_is_no_forget(message, bears):
    assert bears_on("forget", message) is bears
    if not bears:  # nor a request of any other tool, even one without words of its own
        assert not any(bears_on(tool, message) for tool in ("media", "volume", "recall", "open_app"))


def test_every_request_for_the_machines_state_or_a_dates_day_names_something_of_its_tool():
    """The words of STATUS and DATES hold every training and development request of their tool, so a right
    call is never moved to another (status_of)."""
    from jarvis_desktop.core.tools.cues import CLOCK, DATES, NAMES, STATUS

    cues = {**STATUS, **DATES, **NAMES, **CLOCK}
    checked = [(tool, words) for tool, words in _requests_for(set(cues))]
    dev = [json.loads(line) for line in asset("data", "dev", "routing_dev.jsonl").read_text().splitlines()]
    checked += [(r["tool"], r["request"]) for r in dev if r["kind"] == "tool" and r["tool"] in cues]
    assert len(checked) >= 10 * 30
    assert [c for c in checked if not cues[c[0]].search(c[1])] == []


@pytest.mark.parametrize("tool, words, other", [
    ("cpu_load", "jarvis power level", "battery"),
    ("battery", "has the laptop been on since yesterday", "uptime"),
    ("uptime", "is this machine knackered, how hard is it working", "cpu_load"),
    ("uptime", "how much ram is left", "memory"),
    ("cpu_load", "is the cpu busy", None),  # the words are its own
    ("cpu_load", "the ram's nearly full isn't it", "memory"),  # a word said with "'s" is the word
    ("memory", "the battery's on its last legs", "battery"),
    ("battery", "how is the computer doing", None),  # nothing of any: the call stands
    ("memory", "is it charging, and how busy is the processor", None),  # two others: which?
    ("cpu_load", "and the battery?", None),  # a follow-up leans on the turn before
    ("disk_free", "how many gigs of ram has this laptop got", "memory"),
    ("memory", "is the hard drive nearly full", "disk_free"),
    ("disk_free", "how much memory is left on the usb stick", None),  # its own words too: the call stands
])
def test_a_call_for_the_machines_state_runs_as_the_one_its_words_name(tool, words, other):
    from jarvis_desktop.core.tools.cues import named_instead
    from jarvis_desktop.core.tools.slots_whole import neighbour
    from jarvis_desktop.core.tools import default_tools
    from jarvis_desktop.core.assistant import EVAL_NOW

    assert named_instead(tool, words) == other
    moved = neighbour(tool, words, EVAL_NOW, {t.name: t for t in default_tools()})
    assert moved == ((other, {}) if other else None)


@pytest.mark.parametrize("tool, words, other, args", [
    ("weekday", "is the fourth of july far off", "days_until", {"date": "07-04"}),
    ("weekday", "how many sleeps till christmas", "days_until", {"date": "12-25"}),
    ("days_until", "is boxing day a sunday this year", "weekday", {"date": "12-26"}),
    ("weekday", "what day of the week is the 9th of may", None, None),  # its own words
    ("days_until", "how long until the weekend", None, None),  # both: which?
    ("local_ip", "the file sharing wants this laptop's name", "hostname", {}),
    ("hostname", "which ip has it got on the lan", "local_ip", {}),
    ("time_now", "is it the weekend yet or not", "date_today", {}),  # the day, not the hour
    ("date_today", "how late is it, roughly", "time_now", {}),
    ("time_now", "what time does the weekend start", None, None),  # its own words: the call stands
    ("date_today", "am I late for the first of the month", None, None),  # both: which?
])
def test_a_call_about_a_date_runs_as_the_one_its_words_ask(tool, words, other, args):
    from jarvis_desktop.core.tools.cues import named_instead
    from jarvis_desktop.core.tools.slots_whole import neighbour
    from jarvis_desktop.core.tools import default_tools
    from jarvis_desktop.core.assistant import EVAL_NOW

    assert named_instead(tool, words) == other
    moved = neighbour(tool, words, EVAL_NOW, {t.name: t for t in default_tools()}, {"date": "01-01"})
    assert moved == ((other, args) if other else None)


@pytest.mark.parametrize("pieces", [
    ("open", " -", "app", '{name:"', 'firefox"}'),  # as a tuned model wrote it when held to prose
    ("local", "_ip", "{}"),
    ("local ip", "{"),  # cut off by the token limit: unreadable, and still never said
])
def test_a_call_written_without_its_prefix_is_never_said(pieces):
    ran = []
    app = Tool("open_app", "open an application", (Param("name", str, "which"),),
               lambda args, context: ran.append(args) or ToolResult(f"Opening {args['name'].title()}, sir."))
    assistant = Assistant(tools=Toolbox([_ip_tool(ran), app]), persona=Persona("sir"))
    message = {"open": "open firefox", "local": "whats my local ip"}.get(pieces[0], "whats my local ip")
    said = list(assistant._call_or_prose(_stream(*pieces), None, {"message": message}, prose=lambda: _stream("prose")))
    assert len(said) == 1 and "{" not in said[0] and "app" not in said[0].replace("application", "")
    if pieces[-1].endswith("}"):
        assert ran == [{"name": "firefox"}] if pieces[0] == "open" else ran == [{}]
        assert said[0] in ("Opening Firefox, sir.", "Your local IP address is 192.0.2.2, sir.")


def test_a_call_without_its_prefix_that_the_words_say_nothing_of_is_not_run_nor_said():
    ran = []
    assistant = Assistant(tools=Toolbox([_ip_tool(ran)]), persona=Persona("sir"))
    said = list(assistant._call_or_prose(_stream("local_ip", "{}"), None, {"message": "which port is plain imap on"},
                                         prose=lambda: _stream("local_ip{}")))
    assert ran == [] and said == ["I'm not sure what you'd like me to do, sir; could you put it another way?"]


@pytest.mark.parametrize("pieces", [("Very", " good, sir."), ("ok", ", sir."), ("iPhone", "s are fine, sir.")])
def test_prose_in_lower_case_is_still_said_as_it_comes(pieces):
    assistant = Assistant(tools=Toolbox([_ip_tool([])]), persona=Persona("sir"))
    said = list(assistant._call_or_prose(_stream(*pieces), None, {"message": "hello"}, prose=lambda: _stream("x")))
    assert "".join(said) == "".join(pieces)


def test_not_knowing_something_about_the_user_gives_way_to_what_the_memory_holds(tmp_path):
    """"Is there a herb I can't stand?" beside "I hate coriander" was answered "I'm not certain of
    that, sir, and I'd rather not guess. A quick search would settle it properly." (of the
    development memory set's asks, 11 got such a reply with their fact kept).  A reply in words
    to a question about the user that the memory has something near is held back to its first
    clause; where it opens with Jarvis not knowing, the model is stopped and the recall answers.
    The real store and embedding model; the model's pieces as the tuned model wrote them."""
    from convert.embedder import prepare_embedder
    from jarvis_desktop.core.embedder import Embedder
    from jarvis_desktop.core.memory import MemoryStore
    from jarvis_desktop.core.tools import default_tools

    embedder = Embedder(prepare_embedder())
    unsure = ("I'm", " not", " certain", " of", " that", ",", " sir", ", and I'd rather not guess.")
    with MemoryStore(tmp_path / "memory.sqlite3", embedder=embedder) as store:
        store.add("I hate coriander")
        store.add("the boiler was serviced in March")
        box = Toolbox([t for t in default_tools() if t.name == "recall"], memory=store)
        assistant = Assistant(tools=box, persona=Persona("sir"))
        stopped = []

        def model(pieces):
            try:
                yield from pieces
            finally:
                stopped.append(len(pieces))

        def reply(words, pieces):
            seen = {"message": words}
            return list(assistant._call_or_prose(model(pieces), None, seen)), seen

        said, seen = reply("Is there a herb I can't stand?", unsure)
        assert len(said) == 1 and "you hate coriander" in said[0] and seen["outcome"].name == "recall"
        assert stopped  # the model was stopped, its "I'd rather not guess" never said
        # a question that names someone the fact found names (a name in either, as told or as said)
        store.add("Ruby's piano teacher is called Mr Hargreaves")
        store.add("ollie is allergic to cats")
        for question, fact in (("Who teaches Ruby the piano?", "Ruby's piano teacher is called Mr Hargreaves"),
                               ("which animals set Ollie off", "ollie is allergic to cats")):
            said, seen = reply(question, unsure)
            assert seen["outcome"].name == "recall" and seen["outcome"].result.data["facts"][0] == fact, question
        # not about the user: his not knowing stands ("capital" is near nothing kept, either way)
        said, seen = reply("What's the capital of Burkina Faso?", unsure)
        assert "".join(said) == "".join(unsure) and "outcome" not in seen
        # about the user, but he answers: the words as they came, the first clause held back only
        # (and each last word until the next piece: it may begin a call written after the words)
        said, seen = reply("Do I like coriander?", ("No", ",", " sir", "; you hate it."))
        assert said == ["No,", " sir; you hate it."] and "outcome" not in seen
        # nothing kept near it: his not knowing stands
        store.delete([f.id for f in store.facts()])
        said, seen = reply("Is there a herb I can't stand?", unsure)
        assert "".join(said) == "".join(unsure) and "outcome" not in seen
    embedder.close()


@pytest.mark.parametrize("message, bears", [
    ("delete the spreadsheet with last year's budget", False), ("Hide Teams, it's distracting me.", False),
    ("get rid of that game off this laptop", False),
    ("Gary's retired, so delete the boiler engineer's details.", True), ("wipe the thing about the late shift", True),
    ("erase the restaurant i told you about", True), ("please stop keeping my gym membership on file", True),
])
def test_a_forget_stands_only_where_the_words_name_the_memory(message, bears):
    """A forget erases what the user told Jarvis; "delete the spreadsheet ..." asks nothing of the
    memory (the tuned model wrote such requests, beyond its reach, as forgets)."""
    assert bears_on("forget", message) is bears


@pytest.mark.parametrize("words", [
    # written as calls for another by the tuned model (v3, development set)
    "Is that a fact?", "ok I give up, what's the answer to the riddle", "No more jokes please, I'm trying to concentrate.",
    "can you explain that joke", "are you joking?", "was that even true",
])
def test_words_about_a_joke_told_or_turning_more_down_ask_for_no_other(words):
    assert not bears_on("joke", words)


@pytest.mark.parametrize("words", ["tell me a riddle but don't give the answer away", "another fact please",
                                   "is there a joke about cats", "I could do with a laugh"])
def test_a_joke_asked_for_bears_on_the_joke_tool(words):
    assert bears_on("joke", words)


def test_a_question_of_why_bears_on_no_tool_but_those_that_give_reasons():
    # v2: "why does my phone say 128 GB but only show 110 available" was disk_free
    assert not bears_on("disk_free", "why does my phone say 128 GB but only show 110 available")
    assert not bears_on("total_duration", "and why are there sixty minutes in an hour?")  # a follow-up too
    assert not bears_on("explain_command", "remind me why RAM matters for gaming")
    assert bears_on("top_processes", "Why is everything so sluggish? Which program's to blame?")
    assert bears_on("recall", "why is the car at the garage?")
    # no request for any other tool asks why: of the data, the development and held-out sets
    from tests.tool_checks import said_in_data

    asked = [(said.rsplit("\n", 1)[-1], answer[len("call:"):].split("{")[0])
             for said, answer in said_in_data() if answer.startswith("call:")]
    assert len(asked) > 1000
    assert [(said, tool) for said, tool in asked if tool not in REASONS and _WHY.search(said)] == []


@pytest.mark.parametrize("message, leans", [
    ("and in Celsius?", True), ("What about 80?", True), ("ok and Tokyo", True), ("same for the documents folder", True),
    ("Android phones: how much storage do they need?", False), ("What time is it in Tokyo?", False),
    ("Sort out the volume", False), ("Also known as what?", True),
])
def test_a_follow_up_is_told_by_its_opening_words(message, leans):
    # it leans on the turn before, so no cue judges it: a conversion asked as "and in Celsius?" bears on convert
    from jarvis_desktop.core.tools.cues import is_follow_up

    assert is_follow_up(message) is leans
    if leans:
        assert bears_on("convert", message) and bears_on("time_in", message)
