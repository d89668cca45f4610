"""A call moved to the neighbour its words ask of (jarvis_desktop/core/tools/slots_whole.py,
``neighbour``): among the date tools (today's date, a weekday, a count down, a date n days on), a
percentage with none said, the sound, a note to drop and a reminder; and no request of the data
is moved but those that should be."""

from __future__ import annotations

import json
import re

import pytest

from jarvis_desktop.core.assistant import EVAL_NOW
from jarvis_desktop.core.paths import asset
from jarvis_desktop.core.tools import default_tools
from jarvis_desktop.core.tools.slots_whole import neighbour

@pytest.mark.parametrize("message, moved", [
    ("jarvis is it the weekend yet", True),  # written as weekday{date:"05-15"}: a date never said
    ("is it a school night", True),
    ("what day is it on the 9th", False),
    ("st patricks day lands on what", False),  # a named day, said without its apostrophe
    ("is it a bank holiday on monday", False),
    ("and the one after?", False),  # a follow-up leans on the turn before
])
def test_a_weekday_call_whose_date_the_words_never_give_asks_about_today(message, moved):
    tools = {t.name: t for t in default_tools()}
    got = neighbour("weekday", message, EVAL_NOW, tools, {"date": "05-15"})
    assert (got == ("date_today", {})) is moved, got


def _exchanges():
    """(what the user said, the reply) for every user turn of the shipped tools data."""
    for line in asset("data", "persona", "tools.jsonl").read_text().splitlines():
        turns = json.loads(line)["messages"]
        yield from ((a["content"], b["content"]) for a, b in zip(turns, turns[1:]) if a["role"] == "user")


def _tool_requests() -> list[tuple[str, str | None]]:
    """(request, the tool it asks for) over the training data's calls and the development and
    held-out routing sets (None: a chat)."""
    requests = [(said, reply[5:].split("{")[0]) for said, reply in _exchanges() if reply.startswith("call:")]
    for part in (("dev", "routing_dev.jsonl"), ("eval", "tools_heldout.jsonl")):
        for row in (json.loads(line) for line in asset("data", *part).read_text().splitlines()):
            call = row.get("call") or ""
            requests.append((row["request"], row.get("tool") or (call[5:].split("{")[0] if call else None)))
    return requests


def test_no_weekday_request_of_the_training_or_development_data_is_read_as_today():
    tools = {t.name: t for t in default_tools()}
    requests = [said for said, reply in _exchanges() if reply.startswith("call:weekday")]
    dev = [json.loads(line) for line in asset("data", "dev", "routing_dev.jsonl").read_text().splitlines()]
    requests += [r["request"] for r in dev if r.get("tool") == "weekday"]
    assert len(requests) >= 40
    assert [m for m in requests if (neighbour("weekday", m, EVAL_NOW, tools, {"date": "05-15"}) or ("",))[0]
            == "date_today"] == []


@pytest.mark.parametrize("message, moved", [
    ("how long till payday on the 28th", ("days_until", {"date": "01-28"})),
    ("how many sleeps until christmas", ("days_until", {"date": "12-25"})),
    ("whats the date today is it the 28th", None),  # today's date, asked about
    ("how long ago was the 3rd", None),  # the past: not a count down
    ("how long until lunch", None),  # no date said
])
def test_a_date_today_call_to_a_count_down_to_a_date_said_counts_the_days(message, moved):
    tools = {t.name: t for t in default_tools()}
    assert neighbour("date_today", message, EVAL_NOW, tools, {}) == moved


@pytest.mark.parametrize("message, moved", [
    ("what day of the week is christmas this year", ("weekday", {"date": "12-25"})),
    ("what day was the 1st of january 2000", ("weekday", {"date": "2000-01-01"})),
    ("what day is it today", None), ("what's the date", None),  # today, asked about
])
def test_a_date_today_call_asking_the_weekday_of_a_date_said_is_that_weekday(message, moved):
    tools = {t.name: t for t in default_tools()}
    assert neighbour("date_today", message, EVAL_NOW, tools, {}) == moved


def test_no_request_of_the_data_but_a_weekday_is_moved_from_todays_date_to_one():
    tools = {t.name: t for t in default_tools()}
    requests = _tool_requests()
    moved = [(said, tool) for said, tool in requests
             if (neighbour("date_today", said, EVAL_NOW, tools, {}) or ("",))[0] == "weekday"]
    assert len(moved) >= 10 and [(said, tool) for said, tool in moved if tool != "weekday"] == []


@pytest.mark.parametrize("written", ["time_now", "recall"])
@pytest.mark.parametrize("message, moved", [
    ("how long until guy fawkes night", ("days_until", {"date": "11-05"})),
    ("how many sleeps until christmas", ("days_until", {"date": "12-25"})),
    ("how long until lunch", None),  # no date said: the time, or what the user told
    ("how long till my passport runs out", None),
])
def test_a_count_down_to_a_date_said_written_as_the_time_or_a_recall_counts_the_days(written, message, moved):
    tools = {t.name: t for t in default_tools()}
    assert neighbour(written, message, EVAL_NOW, tools, {}) == moved


@pytest.mark.parametrize("message, moved", [
    ("whats the remainder when you divide 100 by 7", ("calculate", {"expression": "100%7"})),
    ("what's 12 squared", ("calculate", {"expression": "12**2"})),
    ("what's 15 percent of 80", None),  # the percentage's own words
    ("a fifth of 45 quid", None),
    ("nine tenths of seventy", None),  # nine of them: the percentage reads it
])
def test_a_percent_call_on_a_sum_with_no_percentage_is_the_sum(message, moved):
    tools = {t.name: t for t in default_tools()}
    assert neighbour("percent", message, EVAL_NOW, tools, {"percent": 100, "of": 7}) == moved


def test_no_percent_request_of_the_data_is_read_as_a_sum():
    """Every percentage of the training data, as if written as percent, stays a percentage ("nine
    tenths of seventy" too: its own reader reads it): the call is never moved to a sum."""
    tools = {t.name: t for t in default_tools()}
    calls = [(said, reply) for said, reply in _exchanges() if reply.startswith("call:percent{")]
    assert len(calls) >= 30
    assert [m for m, _ in calls if neighbour("percent", m, EVAL_NOW, tools, {"percent": 1, "of": 1})] == []


def test_no_request_of_the_data_but_a_count_of_days_is_moved_from_todays_date():
    tools = {t.name: t for t in default_tools()}
    requests = list(_exchanges())
    for name in ("routing_dev.jsonl",):
        requests += [(r["request"], f"call:{r['tool']}" if r.get("tool") else "")
                     for r in map(json.loads, asset("data", "dev", name).read_text().splitlines())]
    requests += [(r["request"], r.get("call", "")) for r in
                 map(json.loads, asset("data", "eval", "tools_heldout.jsonl").read_text().splitlines())]
    moved = [(m, label) for m, label in requests
             if (neighbour("date_today", m, EVAL_NOW, tools, {}) or ("",))[0] == "days_until"]
    assert len(moved) >= 15
    # written as the time or as a recall, the same requests and no others
    for written in ("time_now", "recall"):
        assert [(m, label) for m, label in requests
                if (neighbour(written, m, EVAL_NOW, tools, {}) or ("",))[0] == "days_until"] == moved
    # (a row may give the reply said from the count's result rather than the call)
    assert [(m, label) for m, label in moved
            if not (label.startswith("call:days_until") or re.search(r"\d+ days until", label))] == []


@pytest.mark.parametrize("message, moved", [
    ("what day was i born on the 3rd of april 1990", ("weekday", {"date": "1990-04-03"})),
    ("which day of the week is the 25th of december", ("weekday", {"date": "12-25"})),
    ("how many days since the 3rd of april 1990", ("days_until", {"date": "1990-04-03"})),
    ("what's the date in ten days", None),  # date_in's own words
])
def test_a_date_n_days_on_where_the_words_give_a_date_goes_to_the_tool_they_ask_of(message, moved):
    tools = {t.name: t for t in default_tools()}
    assert neighbour("date_in", message, EVAL_NOW, tools, {"days": -1}) == moved


def test_the_data_s_date_in_calls_go_to_the_weekday_only_where_it_was_asked():
    """Every request of the training and development data, as if written as date_in: the ones
    moved on to weekday (rather than days_until) all asked for a weekday."""
    tools = {t.name: t for t in default_tools()}
    requests = [(said, reply) for said, reply in _exchanges() if reply.startswith("call:")]
    requests += [(r["request"], f"call:{r['tool']}") for r in
                 map(json.loads, asset("data", "dev", "routing_dev.jsonl").read_text().splitlines()) if r.get("tool")]
    moved = [(m, label, got[0]) for m, label in requests
             if (got := neighbour("date_in", m, EVAL_NOW, tools, {"days": 1}))]
    weekdays = [(m, label) for m, label, tool in moved if tool == "weekday"]
    assert len(weekdays) >= 20 and [x for x in weekdays if not x[1].startswith("call:weekday")] == []


def test_no_request_of_the_data_is_taken_for_the_sound_a_note_to_drop_or_a_reminder_but_those():
    """The media -> volume and remember -> forget / remind_me readings move no request of the
    training, development or held-out data but one of the tool they move to (or, for reminders,
    one the persona data answers in words), and move some of theirs."""
    tools = {t.name: t for t in default_tools()}
    requests = [(said, reply[5:].split("{")[0] if reply.startswith("call:") else None)
                for said, reply in _exchanges()]
    for part in (("dev", "routing_dev.jsonl"), ("eval", "tools_heldout.jsonl")):
        for row in (json.loads(line) for line in asset("data", *part).read_text().splitlines()):
            call = row.get("call") or ""
            requests.append((row["request"], row.get("tool") or (call[5:].split("{")[0] if call else None)))
    moved = {}
    for said, label in requests:
        for tool in ("media", "remember"):
            to = neighbour(tool, said, EVAL_NOW, tools, {})
            if to and to[0] in ("volume", "forget", "remind_me"):
                moved.setdefault(to[0], []).append((said, label))
    assert {label for _said, label in moved.get("volume", [])} == {"volume"}, moved.get("volume")
    assert {label for _said, label in moved.get("forget", [])} == {"forget"}, moved.get("forget")
    assert {label for _said, label in moved.get("remind_me", [])} == {"remind_me"}, moved.get("remind_me")


def test_no_recall_duration_or_timer_request_of_the_data_is_read_as_a_sum_a_bill_or_a_count_down():
    """recall and total_duration have neighbours that compute, and set_timer and uptime count
    down to a date the words say: none of the data's requests of those tools moves."""
    tools = {t.name: t for t in default_tools()}
    requests = _tool_requests()
    mine = [(said, tool) for said, tool in requests if tool in ("recall", "total_duration", "set_timer", "uptime")]
    assert len(mine) >= 200
    assert [(said, tool, moved) for said, tool in mine
            if (moved := neighbour(tool, said, EVAL_NOW, tools, {})) and moved[0] != tool] == []

