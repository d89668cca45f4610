"""The timer and reminder tools (core/tools/timers.py) on a real TimerService in a temporary
folder, at a fixed clock: their replies, what they store (read back from the file), their
failures, and that they say what the skills say for the same request."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from jarvis_desktop.core.skills import Skills
from jarvis_desktop.core.timers import TimerService
from jarvis_desktop.core.tools.base import Context, ToolFailed, ToolResult
from jarvis_desktop.core.tools.call import check, parse
from jarvis_desktop.core.tools.timers import TOOLS
from tests.tool_checks import assert_figures_stored

TOOL = {t.name: t for t in TOOLS}
NOW = datetime(2026, 11, 26, 10, 30)  # a Thursday morning


@pytest.fixture
def service(tmp_path) -> TimerService:
    return TimerService(tmp_path / "timers.json", clock=lambda: NOW)


def run(name: str, args: dict, service: TimerService | None, now: datetime = NOW,
        honorific: str = "sir") -> ToolResult:
    result = TOOL[name].run(args, Context(honorific, now, service))
    assert_figures_stored(result)
    return result


def fails(name: str, args: dict, service: TimerService | None, now: datetime = NOW) -> str:
    with pytest.raises(ToolFailed) as caught:
        TOOL[name].run(args, Context("sir", now, service))
    return str(caught.value)


def saved(service: TimerService) -> list[tuple[str, str, datetime]]:
    """(kind, label, due) of each timer in the file, read back as the app would at start-up."""
    return [(t.kind, t.label, t.due_at) for t in TimerService(service.path).pending()]


# -- set_timer --------------------------------------------------------------------------------

def test_set_timer(service):
    result = run("set_timer", {"minutes": 5}, service)
    assert result.reply == "Very good, sir: a 5 minute timer, due at 10:35 am."
    assert saved(service) == [("timer", "5 minute", NOW + timedelta(minutes=5))]
    assert result.data["seconds"] == 300 and result.data["kind"] == "timer"
    assert result.data["id"] == service.pending()[0].id


def test_set_a_named_timer(service):
    result = run("set_timer", {"minutes": 20, "label": " the Pasta timer "}, service, honorific="madam")
    assert result.reply == "Very good, madam: a Pasta timer for 20 minutes, due at 10:50 am."
    assert saved(service) == [("timer", "Pasta", NOW + timedelta(minutes=20))]


@pytest.mark.parametrize("args, reply, seconds", [
    ({"seconds": 90}, "Very good, sir: a 90 second timer, starting now.", 90),
    ({"hours": 1, "minutes": 30}, "Very good, sir: a 90 minute timer, due at noon.", 5400),
    ({"minutes": 6, "seconds": 30, "label": "eggs"},
     "Very good, sir: an eggs timer for 6 minutes and 30 seconds, due at 10:36 am.", 390),
    ({"hours": 14}, "Very good, sir: a 14 hour timer, due at 12:30 am tomorrow.", 50400),
])
def test_set_timer_lengths(service, args, reply, seconds):
    result = run("set_timer", args, service)
    assert result.reply == reply
    assert saved(service)[0][2] == NOW + timedelta(seconds=seconds)


@pytest.mark.parametrize("args", [{}, {"minutes": 0}, {"hours": 0, "minutes": 0, "seconds": 0},
                                  {"label": "pasta"}])
def test_set_timer_needs_a_length(service, args):
    assert fails("set_timer", args, service) == "Certainly, sir. For how long shall I set it?"
    assert saved(service) == []


def test_set_timer_refuses_negative_and_far_off(service):
    assert "can't run backwards" in fails("set_timer", {"minutes": 10, "seconds": -5}, service)
    assert fails("set_timer", {"hours": 9000}, service) == \
        "I'm afraid that is rather further ahead than I can keep track of, sir."
    assert fails("set_timer", {"minutes": 5, "label": "x" * 61}, service) == \
        "That's rather a long name for a timer, sir; a word or two will do."
    assert saved(service) == []


# -- remind_me --------------------------------------------------------------------------------

def test_remind_in_minutes(service):
    result = run("remind_me", {"task": "call my mum", "in_minutes": 30}, service)
    assert result.reply == "Very good, sir: I'll remind you to call your mum in 30 minutes, at 11 am."
    assert saved(service) == [("reminder", "call my mum", NOW + timedelta(minutes=30))]


@pytest.mark.parametrize("args, reply, due", [
    ({"task": "take the bins out", "at": "19:00"},
     "Very good, sir: I'll remind you to take the bins out at 7 pm.", datetime(2026, 11, 26, 19, 0)),
    ({"task": "to ring the dentist", "at": "09:00", "day": "tomorrow"},
     "Very good, sir: I'll remind you to ring the dentist at 9 am tomorrow.", datetime(2026, 11, 27, 9, 0)),
    ({"task": "water the plants", "at": "9:15"},  # gone today: tomorrow's
     "Very good, sir: I'll remind you to water the plants at 9:15 am tomorrow.", datetime(2026, 11, 27, 9, 15)),
    ({"task": "about the meeting", "at": "14:15", "day": "today"},
     "Very good, sir: I'll remind you about the meeting at 2:15 pm.", datetime(2026, 11, 26, 14, 15)),
    ({"at": "00:00"}, "Very good, sir: I'll remind you at midnight tomorrow.", datetime(2026, 11, 27, 0, 0)),
])
def test_remind_at_a_time(service, args, reply, due):
    result = run("remind_me", args, service)
    assert result.reply == reply
    assert saved(service) == [("reminder", re.sub(r"^to ", "", args.get("task", "")), due)]


def test_remind_needs_one_time_and_a_sensible_one(service):
    assert fails("remind_me", {"task": "call mum"}, service) == \
        "When shall I remind you to call mum, sir? I need a time of day, or how many minutes from now."
    assert "I can only take the one" in fails("remind_me", {"task": "x", "in_minutes": 5, "at": "17:00"}, service)
    assert "things still to come" in fails("remind_me", {"task": "x", "in_minutes": 0}, service)
    assert "things still to come" in fails("remind_me", {"task": "x", "in_minutes": -5}, service)
    assert "further ahead" in fails("remind_me", {"task": "x", "in_minutes": 10 ** 9}, service)
    assert fails("remind_me", {"task": "x", "at": "09:00", "day": "today"}, service) == \
        "It's already past 9 am today, sir; shall I make it tomorrow?"
    assert saved(service) == []


@pytest.mark.parametrize("at", ["25:00", "19:60", "7pm", "1900", "noon", "", "19:00:00", "-1:30"])
def test_remind_refuses_a_bad_at(service, at):
    message = fails("remind_me", {"task": "x", "at": at}, service)
    assert message.startswith("I'm afraid \"") and "24-hour clock, such as 17:30" in message
    assert saved(service) == []


# -- list_timers ------------------------------------------------------------------------------

def test_list_when_there_are_none(service):
    result = run("list_timers", {}, service)
    assert result.reply == "You have no timers running and no reminders set, sir."
    assert result.data == {"timers": []}


def test_list_timers_and_reminders(service):
    run("remind_me", {"task": "call my mum", "at": "17:30"}, service)
    run("set_timer", {"minutes": 4, "seconds": 30, "label": "pasta"}, service)
    run("set_timer", {"hours": 2}, service)
    result = run("list_timers", {}, service, now=NOW + timedelta(seconds=10))
    assert result.reply == ("You have two timers and one reminder, sir: a pasta timer with 4 minutes and 20 "
                            "seconds to go, a 2 hour timer due at 12:30 pm and to call your mum at 5:30 pm.")
    assert [t["label"] for t in result.data["timers"]] == ["pasta", "2 hour", "call my mum"]
    assert len(service.pending()) == 3  # listing takes nothing away


# -- cancel_timer -----------------------------------------------------------------------------

def test_cancel_the_only_one(service):
    run("set_timer", {"minutes": 5, "label": "pasta"}, service)
    result = run("cancel_timer", {}, service)
    assert result.reply == "Very good, sir: I've cancelled the pasta timer."
    assert saved(service) == []


def test_cancel_by_name(service):
    run("set_timer", {"minutes": 5, "label": "pasta"}, service)
    run("set_timer", {"minutes": 7, "label": "eggs"}, service)
    run("remind_me", {"task": "call mum", "at": "17:00"}, service)
    assert run("cancel_timer", {"label": "the eggs timer"}, service).reply == \
        "Very good, sir: I've cancelled the eggs timer."
    result = run("cancel_timer", {"label": "mum", "kind": "reminder"}, service)
    assert result.reply == "Very good, sir: I've cancelled the reminder to call mum at 5 pm."
    assert saved(service) == [("timer", "pasta", NOW + timedelta(minutes=5))]


def test_cancel_asks_which_and_cancels_nothing(service):
    run("set_timer", {"minutes": 5, "label": "pasta"}, service)
    run("remind_me", {"task": "call mum", "at": "17:00"}, service)
    result = run("cancel_timer", {}, service)
    assert not result.ok and result.data["needs"] == "which"
    assert result.reply == ("Which one, sir? You have a pasta timer due at 10:35 am and to call mum at 5 pm. "
                            "Or shall I cancel all of them?")
    result = run("cancel_timer", {"label": "roast"}, service)
    assert not result.ok
    assert result.reply == ("I can't find that timer or reminder, sir. You have a pasta timer due at "
                            "10:35 am and to call mum at 5 pm.")
    assert len(saved(service)) == 2


def test_cancel_all(service):
    for minutes in (5, 10, 15):
        run("set_timer", {"minutes": minutes}, service)
    run("remind_me", {"task": "call mum", "in_minutes": 60}, service)
    assert run("cancel_timer", {"kind": "timer", "all": True}, service).reply == \
        "Very good, sir: I've cancelled three timers."
    assert [kind for kind, _, _ in saved(service)] == ["reminder"]
    run("set_timer", {"minutes": 5}, service)
    assert run("cancel_timer", {"all": True}, service).reply == \
        "Very good, sir: I've cancelled one timer and one reminder."
    assert saved(service) == []


def test_cancel_with_nothing_to_cancel(service):
    assert fails("cancel_timer", {}, service) == "There's no timer or reminder to cancel, sir."
    run("set_timer", {"minutes": 5}, service)
    assert fails("cancel_timer", {"kind": "reminder"}, service) == "There's no reminder to cancel, sir."
    assert len(saved(service)) == 1


# -- no timers here ---------------------------------------------------------------------------

@pytest.mark.parametrize("name, args", [("set_timer", {"minutes": 5}), ("list_timers", {}),
                                        ("remind_me", {"task": "x", "in_minutes": 5}),
                                        ("cancel_timer", {"all": True})])
def test_without_a_timer_service(name, args):
    assert fails(name, args, None).startswith("I'm afraid timers aren't available here, sir")


# -- one voice with the skills ----------------------------------------------------------------

@pytest.mark.parametrize("request_text, name, args", [
    ("set a timer for 5 minutes", "set_timer", {"minutes": 5}),
    ("set a pasta timer for 5 minutes", "set_timer", {"minutes": 5, "label": "pasta"}),
    ("set a timer for 90 seconds", "set_timer", {"seconds": 90}),
    ("set a timer for 3 hours", "set_timer", {"hours": 3}),
    ("set a timer for 9000 hours", "set_timer", {"hours": 9000}),
    ("remind me to call my mum in 30 minutes", "remind_me", {"task": "call my mum", "in_minutes": 30}),
    ("remind me to take the bins out at 19:00", "remind_me", {"task": "take the bins out", "at": "19:00"}),
    ("remind me tomorrow at 9am to ring the dentist", "remind_me",
     {"task": "ring the dentist", "at": "09:00", "day": "tomorrow"}),
])
def test_the_tools_say_what_the_skills_say(tmp_path, request_text, name, args):
    by_skill = TimerService(tmp_path / "skill.json", clock=lambda: NOW)
    by_tool = TimerService(tmp_path / "tool.json", clock=lambda: NOW)
    said = Skills(by_skill, clock=lambda: NOW).handle(request_text, "sir").reply
    try:
        reply = TOOL[name].run(args, Context("sir", NOW, by_tool)).reply
    except ToolFailed as exc:
        reply = str(exc)
    assert reply == said
    assert saved(by_tool) == saved(by_skill)


def test_list_and_cancel_say_what_the_skills_say(tmp_path):
    services = [TimerService(tmp_path / f"{who}.json", clock=lambda: NOW) for who in ("skill", "tool")]
    for s in services:
        s.add(NOW + timedelta(minutes=5), "pasta", "timer")
        s.add(NOW + timedelta(hours=3), "3 hour", "timer")
        s.add(NOW + timedelta(hours=6), "call your mum", "reminder")
    skills = Skills(services[0], clock=lambda: NOW)
    context = Context("sir", NOW, services[1])
    for request_text, name, args in [("list my timers and reminders", "list_timers", {}),
                                     ("cancel the pasta timer", "cancel_timer", {"label": "pasta"}),
                                     ("cancel all timers", "cancel_timer", {"kind": "timer", "all": True})]:
        assert TOOL[name].run(args, context).reply == skills.handle(request_text, "sir").reply
    assert saved(services[1]) == saved(services[0])


# -- the examples -----------------------------------------------------------------------------

@pytest.mark.parametrize("tool", TOOLS, ids=lambda t: t.name)
def test_examples_parse_and_check(tool):
    assert len(tool.examples) >= 10
    assert len({request.lower() for request, _ in tool.examples}) == len(tool.examples)
    for request, text in tool.examples:
        call = parse(text)
        check(call, tool)
        assert call.name == tool.name, request
    assert tool.read_only == (tool.name == "list_timers")


@pytest.mark.parametrize("name", ["set_timer", "remind_me"])
def test_every_example_call_sets_one(tmp_path, name):
    tool = TOOL[name]
    for i, (request, text) in enumerate(tool.examples):
        service = TimerService(tmp_path / f"{i}.json", clock=lambda: NOW)
        result = run(name, check(parse(text), tool), service)
        assert result.ok and len(saved(service)) == 1, request
        assert saved(service)[0][2] > NOW, request


def test_every_example_cancel_runs(tmp_path):
    tool = TOOL["cancel_timer"]
    for i, (request, text) in enumerate(tool.examples):
        service = TimerService(tmp_path / f"{i}.json", clock=lambda: NOW)
        for label in ("pasta", "eggs", "roast", "countdown"):
            service.add(NOW + timedelta(minutes=10), label, "timer")
        for task in ("call mum", "see the dentist"):
            service.add(NOW + timedelta(hours=2), task, "reminder")
        result = run("cancel_timer", check(parse(text), tool), service)
        assert result.reply.startswith(("Very good, sir: I've cancelled", "Which one, sir?")), request


# -- alarms -------------------------------------------------------------------------------------

@pytest.mark.parametrize("message, args", [
    ("set an alarm for 7am", {"at": "07:00", "day": "tomorrow"}),  # 10:30 now: 7 am has passed
    ("wake me up at half six tomorrow", {"task": "wake up", "at": "06:30", "day": "tomorrow"}),  # v4: 6:30 pm
    ("jarvis wake me up at seven please", {"task": "wake up", "at": "07:00", "day": "tomorrow"}),  # waking: morning
    ("Set my alarm for 6:45 tomorrow morning.", {"at": "06:45", "day": "tomorrow"}),
    ("Can you set an alarm for 8:30?", {"at": "20:30", "day": "today"}),  # the next 8:30 to come, as a reminder's
    ("alarm for 3 please", {"at": "15:00", "day": "today"}),
    ("set an alarm for 10pm tonight", {"at": "22:00", "day": "today"}),
    ("set an alarm for 7 in the morning", {"at": "07:00", "day": "tomorrow"}),
    # no time alone after "for", or no time at all: the model's
    ("set an alarm for the bins at 7", None),
    ("set an alarm", None),
    ("wake me up in 20 minutes", None),
    ("my alarm didn't go off this morning", None),
])
def test_an_alarm_asked_for_at_a_time_is_a_reminder_then(message, args):
    from jarvis_desktop.core.tools.timers import alarm_asked

    assert alarm_asked(message, NOW) == args


def test_an_alarm_is_set_without_the_model_and_jarvis_says_when(service):
    from jarvis_desktop.core.tools import Toolbox

    box = Toolbox(timers=service, clock=lambda: NOW)
    call = box.beyond_doubt("wake me up at half six tomorrow")
    assert call == 'call:remind_me{task:"wake up",at:"06:30",day:"tomorrow"}'
    out = box.run(call, "sir", "wake me up at half six tomorrow")
    assert out.status == "ran" and out.result.reply == "Very good, sir: I'll remind you to wake up at 6:30 am tomorrow."
    (timer,) = service.pending("reminder")
    assert timer.due_at == datetime(2026, 11, 27, 6, 30) and timer.label == "wake up"
