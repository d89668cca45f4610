"""Requests beyond Jarvis's reach, read from the words (core/tools/beyond.py), and answered in the
app's path without the model (Assistant.generate)."""

from __future__ import annotations

import json

import pytest

from jarvis_desktop.core.assistant import EVAL_NOW
from jarvis_desktop.core.paths import asset
from jarvis_desktop.core.tools import Toolbox
from jarvis_desktop.core.tools.beyond import FAMILIES, beyond_reach, beyond_reply
from tests.tool_checks import said_in_data


@pytest.mark.parametrize("message, family", [
    # what the tuned model answered with another tool or with a claim (2026-12-06)
    ("shut down the computer", "power"), ("make the screen brighter", "display"),
    ("text my wife that I'm on my way", "message"), ("delete the file on my desktop called notes", "files"),
    ("turn off the lights in the kitchen", "smart_home"), ("book me a table for two at eight", "purchase"),
    ("clear my browser history", "browser_bin"), ("empty my downloads folder", "files"),
    ("forget it", "dismissal"), ("oh never mind, forget I asked", "dismissal"),
    ("thanks jarvis that's all for now", "dismissal"), ("That'll be all, Jarvis.", "dismissal"),
    ("ok that's it thanks", "dismissal"), ("Thank you, that's all. Goodnight.", None),  # a goodnight: the model's
    ("is that all you can do", None), ("that's it, I'm selling this laptop", None),
    ("could you ring the garage for me", "call"), ("Can you install VLC?", "software"),
    ("close all my windows", "windows"), ("connect to the office wifi", "connections"),
    ("take a screenshot", "screenshot"), ("add milk to the shopping list", "calendar_list"),
    # live information: the model answered "what's the weather like today" with a forecast of its own
    ("what's the weather like today", "live_info"), ("um jarvis will it rain later", "live_info"),
    ("forecast for the weekend", "live_info"), ("do I need an umbrella today", "live_info"),
    ("how cold is it outside", "live_info"), ("what are the headlines", "live_info"),
    ("did the spurs win last night", "live_info"), ("how's the traffic on the A40", "live_info"),
    ("what's the price of bitcoin", "live_info"),
    # a message or call asked of someone by name: v5 set a 10-minute timer for the first (2026-12-07)
    ("tell jess i'm running ten minutes late", "message"), ("let mum know I'm on my way", "message"),
    ("please tell sarah that the meeting moved", "message"), ("give my mum a ring", "call"),
    ("tell me a joke", None), ("tell you what, I'm shattered", None), ("tell him off", None),
    ("tell the difference between a crow and a rook", None), ("let me know when it's done", None),
    ("give me a ring at 5", None), ("give it a go", None),
    # music by name, and what is on the screen: v5 ran media{action:"next"} for "queue up Mr Brightside next"
    ("queue up Mr Brightside next", "play_named"), ("play the new Taylor Swift album", "play_named"),
    ("jarvis put on radio four", "play_named"), ("can you play something by Adele", "play_named"),
    ("play", None), ("play the next track", None), ("play it again", None), ("play something", None),
    ("play a game with me", None), ("play back what I told you about the shed", None),
    ("play my music", None), ("play some tunes", None), ("hmm can you see the problem", None),
    ("put on the kettle", "smart_home"), ("send this to the printer", "files"),
    ("what does this error on my screen mean?", "see_screen"), ("have a look at this photo", "see_screen"),
    ("what's on my screen right now", "see_screen"), ("my screen is too bright", None),
    ("what's the screen resolution", None),
    # the web: v5 ran a file search for "reviews" on the first
    ("jarvis search the web for reviews of that new cordless hoover", "web_search"),
    ("google the opening hours for B&Q", "web_search"), ("look it up online", "web_search"),
    ("search for my tax return", None), ("open google", None), ("google is down", None),
    ("how do I search the web privately", None),
    # what a tool does, a question about it, or chat: the model's
    ("turn the volume down", None), ("lock the screen", None), ("open my downloads folder", None),
    ("remind me to text Sam at six", None), ("set a timer for the oven for 20 minutes", None),
    ("how do I shut down from the terminal?", None), ("is it safe to delete my downloads?", None),
    ("call off the eggs", None), ("kill the sound", None), ("phone's on 20 percent, what's 15% of 90", None),
    ("update ubuntu from the command line please", None), ("never mind the weather, what time is it?", None),
    ("cancel that", None), ("forget what I told you about the boiler", None),
    ("Delete the note about the gas meter.", None), ("call it a day", None),
    ("text size is too small", None), ("close call earlier with the car", None), ("quit smoking is hard", None),
    ("ring road is shut again", None), ("pay day is friday", None), ("book club is on tuesday, remember that", None),
    ("Is it worth paying for a weather app?", None), ("The forecast says it'll be below freezing tonight.", None),
    ("what's the temperature of the cpu", None), ("who won the world cup in 2018", None),
    ("any news on my parcel", None), ("what's the news with you", None), ("open the BBC weather page", None),
    ("whats the score in the cricket pop espncricinfo up", None), ("is it going to be a long day", None),
])
def test_what_no_tool_does_is_read_from_the_words(message, family):
    assert beyond_reach(message) == family


def test_no_request_a_tool_does_in_the_data_is_read_as_beyond_reach():
    """Over the user turns of the training data and the requests of the development and
    held-out routing sets: every message read as beyond reach is one the data answers in words
    (a refusal, or the subject dropped), never a tool's request; and most of the development
    set's requests of the families read are."""
    said = said_in_data()
    read = [(m, r) for m, r in said if beyond_reach(m)]
    assert len(read) >= 30
    assert [(m, r) for m, r in read if r.startswith("call:")] == []
    dev = [json.loads(line) for line in asset("data", "dev", "beyond_dev.jsonl").read_text().splitlines()]
    asked = [r for r in dev if r["family"] in FAMILIES]
    assert sum(beyond_reach(r["request"]) == r["family"] for r in asked) >= 0.75 * len(asked)


def test_a_request_beyond_reach_is_answered_without_the_model_and_a_tools_request_is_not(tiny_engine, tmp_path):
    """Through the Assistant with the tiny (untrained) model: "text my wife ..." is said to be
    beyond him, as a skill's answer, whatever the model would write; "remind me to text Sam at
    six" is the model's to answer (a reminder), and a dismissal is acknowledged."""
    from jarvis_desktop.core.assistant import Assistant, Persona
    from jarvis_desktop.core.timers import TimerService

    clock = lambda: EVAL_NOW  # noqa: E731
    box = Toolbox(timers=TimerService(tmp_path / "timers.json", clock=clock), clock=clock, act=False)
    assistant = Assistant(tiny_engine, None, Persona("madam"), clock=clock, tools=box)
    answer = assistant.ask("text my wife that I'm on my way", remember=False).result()
    assert answer.source == "skill" and answer.name == "beyond_reach" and answer.tool is None
    assert answer.text == beyond_reply("message", "madam") and "madam" in answer.text
    answer = assistant.ask("forget it", remember=False).result()
    assert answer.text == "Very good, madam; I'm here when you need me."
    answer = assistant.ask("remind me to text Sam at six", remember=False).result()
    assert answer.source != "skill" and answer.version  # the model's to answer (a reminder, once tuned)
