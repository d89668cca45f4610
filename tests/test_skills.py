"""The persona layer: system prompt, local skills (sums, time, timers, reminders) and timer store.

Every test runs on an injected clock (Thursday 26 November 2026, 2:05 pm unless it says
otherwise): nothing sleeps, nothing depends on when the suite runs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta

import pytest

from jarvis_desktop.core.arith import ArithmeticError_, evaluate
from jarvis_desktop.core.persona import (persona_file, fill_honorific, part_of_day, read_number,
                                    spoken_time, system_prompt)
from jarvis_desktop.core.skills import SkillResult, Skills, format_number
from jarvis_desktop.core.timers import Timer, TimerService, announcement, duration_seconds

NOW = datetime(2026, 11, 26, 14, 5)  # a Thursday afternoon


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = NOW):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def timers(clock):
    return TimerService(clock=clock)  # data_dir() is the test's own JARVIS_HOME


@pytest.fixture
def skills(timers, clock):
    return Skills(timers, clock=clock)


def ask(skills: Skills, text: str, honorific: str = "sir") -> SkillResult:
    result = skills.handle(text, honorific)
    assert result is not None, f"{text!r} was not recognised as a skill request"
    return result


# -- system prompt -----------------------------------------------------------------------------

def test_system_prompt_carries_persona_time_and_honorific():
    prompt = system_prompt("madam", NOW)
    assert prompt.startswith(fill_honorific(persona_file().read_text(encoding="utf-8").strip(), "madam"))
    assert "Address the user as madam." in prompt and "{honorific}" not in prompt
    assert "It is Thursday 26 November 2026, 2:05 pm (afternoon)." in prompt
    assert "name" not in prompt.split("(afternoon).")[1]
    # The tiny model re-reads this every turn: it must stay a couple of sentences.
    assert len(prompt.split()) < 70


def test_system_prompt_names_the_user_only_when_the_honorific_does_not():
    assert system_prompt("sir", NOW, user_name="Tony").endswith("The user's name is Tony.")
    assert "user's name" not in system_prompt("Alice", NOW, user_name="alice")
    custom = system_prompt("Alice", datetime(2026, 1, 1, 0, 30), template="Hello {Honorific}.")
    assert custom == "Hello Alice. It is Thursday 1 January 2026, 12:30 am (night)."


def test_fill_honorific_capitalises_at_sentence_start_and_keeps_names():
    assert fill_honorific("{Honorific}, {honorific}.", "sir") == "Sir, sir."
    assert fill_honorific("{Honorific}, {honorific}.", "de Vries") == "De Vries, de Vries."


@pytest.mark.parametrize("hour,part", [(5, "morning"), (11, "morning"), (12, "afternoon"),
                                       (16, "afternoon"), (17, "evening"), (21, "evening"),
                                       (22, "night"), (0, "night"), (4, "night")])
def test_part_of_day(hour, part):
    assert part_of_day(NOW.replace(hour=hour)) == part


def test_the_persona_layer_stays_light():
    code = ("import sys, jarvis_desktop.core.skills; "
            "print(sorted(m for m in ('torch', 'transformers', 'trl', 'peft') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -- calculator --------------------------------------------------------------------------------

@pytest.mark.parametrize("text,reply", [
    ("what's 17 times 23", "That comes to 391, sir."),
    ("Hey Jarvis, what's 48 times 27?", "That comes to 1,296, sir."),
    ("calculate 2 to the power of 10", "That comes to 1,024, sir."),
    ("what is 15% of 80", "That comes to 12, sir."),
    ("what's 7 percent of 250", "That comes to 17.5, sir."),
    ("square root of 144", "That comes to 12, sir."),
    ("what is the square root of 2", "That comes to approximately 1.4142, sir."),
    ("12.5 divided by 4", "That comes to 3.125, sir."),
    ("what is seventeen times twenty-three", "That comes to 391, sir."),
    ("what is a hundred and five plus two", "That comes to 107, sir."),
    ("what is two thousand three hundred and forty five minus one", "That comes to 2,344, sir."),
    ("what is twelve point five times two", "That comes to 25, sir."),
    ("how much is 1,296 divided by 6", "That comes to 216, sir."),
    ("2+2", "That comes to 4, sir."),
    ("2+2=?", "That comes to 4, sir."),
    ("what's 3 x 4", "That comes to 12, sir."),
    ("what's 5 minus 12", "That comes to minus 7, sir."),
    ("what does 5 plus 5 equal", "That comes to 10, sir."),
    ("tell me what 6 times 7 is", "That comes to 42, sir."),
    ("what's 99 squared", "That comes to 9,801, sir."),
    ("what is one over three", "That comes to approximately 0.3333, sir."),
    ("what is 0.1 plus 0.2", "That comes to 0.3, sir."),
    ("(2 + 3) * 4", "That comes to 20, sir."),
])
def test_calculator(skills, text, reply):
    result = ask(skills, text)
    assert (result.reply, result.skill) == (reply, "calculator")


def test_calculator_uses_the_honorific(skills):
    assert ask(skills, "what's 17 times 23", "madam").reply == "That comes to 391, madam."
    assert ask(skills, "what's 17 times 23 Alice", "Alice").reply == "That comes to 391, Alice."


@pytest.mark.parametrize("text", [
    "I have 2 cats", "remind me what we talked about", "what happened in 1066", "what is 1066",
    "call me in 5 minutes", "what's the capital of France", "what is love", "what's up",
    "I'll be back in 10 minutes", "what is 2 and 2", "my timer went off", "what time is it in Tokyo",
    "how long is left in the match", "tell me about the year 2000", "meet me at 3pm",
    "what day is Christmas", "remind me of your name", "", "   ",
])
def test_ordinary_chat_is_left_to_the_model(skills, timers, text):
    assert skills.handle(text, "sir") is None
    assert timers.pending() == []


def test_division_by_zero_gets_a_polite_reply(skills):
    result = ask(skills, "what's 10 divided by 0", "madam")
    assert result.skill == "calculator" and "zero" in result.reply and result.reply.endswith("madam.")
    assert "error" in result.data and "value" not in result.data
    assert "no real answer" in ask(skills, "what is the square root of minus 4").reply
    assert "too large" in ask(skills, "calculate 2 to the power of 2000").reply


def test_code_is_never_executed(skills, tmp_path):
    marker = tmp_path / "pwned"
    attempts = ["calculate __import__('os')",
                f"calculate __import__('os').system('touch {marker}')",
                "what is (1).__class__", "2 + open('x')", "calculate exec('1')"]
    for text in attempts:
        result = skills.handle(text, "sir")
        assert result is None or "couldn't" in result.reply, text
    assert not marker.exists()
    with pytest.raises(ArithmeticError_):
        evaluate(f"__import__('os').system('touch {marker}')")
    assert not marker.exists()


@pytest.mark.parametrize("value,text", [(391, "391"), (1296, "1,296"), (3.0, "3"), (2.5, "2.5"),
                                        (1 / 3, "0.3333"), (0.000123, "0.000123"), (-5, "minus 5"),
                                        (1234567.891, "1,234,567.891"), (-0.0, "0")])
def test_format_number(value, text):
    assert format_number(value) == text


@pytest.mark.parametrize("words,value", [("seventeen", 17), ("twenty three", 23),
                                         ("a hundred and five", 105), ("two thousand and twenty six", 2026),
                                         ("fifteen hundred", 1500), ("2 million", 2_000_000),
                                         ("twelve point five", 12.5), ("one million two hundred thousand", 1_200_000)])
def test_number_words(words, value):
    tokens = words.split()
    assert read_number(tokens) == (value, len(tokens))


# -- time and date -----------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["what time is it", "What's the time?", "jarvis, what time is it now",
                                  "have you got the time"])
def test_time(skills, text):
    result = ask(skills, text)
    assert (result.reply, result.skill) == ("It's 2:05 in the afternoon, sir.", "time")


@pytest.mark.parametrize("text", ["what's the date", "what day is it today", "What's today's date?",
                                  "what is the date today", "which day is it", "today is what day jarvis",
                                  "date please"])
def test_date(skills, text):
    result = ask(skills, text, "madam")
    assert (result.reply, result.skill) == ("It's Thursday the 26th of November, madam.", "date")


@pytest.mark.parametrize("when,said", [((0, 0), "midnight"), ((12, 0), "noon"),
                                       ((9, 0), "9 o'clock in the morning"),
                                       ((2, 30), "2:30 in the morning"), ((19, 45), "7:45 in the evening"),
                                       ((23, 10), "11:10 at night")])
def test_time_is_said_the_british_way(when, said):
    assert spoken_time(NOW.replace(hour=when[0], minute=when[1])) == said


def test_year_and_ordinals(skills, clock):
    assert ask(skills, "what year is it").reply == "It's 2026, sir."
    clock.now = datetime(2026, 12, 22, 10, 0)
    assert ask(skills, "what's the date").reply == "It's Tuesday the 22nd of December, sir."


# -- timers ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,reply,due", [
    ("set a timer for 5 minutes", "Very good, sir: a 5 minute timer, due at 2:10 pm.", (14, 10, 0)),
    ("timer for 90 seconds", "Very good, sir: a 90 second timer, starting now.", (14, 6, 30)),
    ("set a 10 minute timer", "Very good, sir: a 10 minute timer, due at 2:15 pm.", (14, 15, 0)),
    ("set an 8 minute timer", "Very good, sir: an 8 minute timer, due at 2:13 pm.", (14, 13, 0)),
    ("can you set a timer for five minutes please", "Very good, sir: a 5 minute timer, due at 2:10 pm.",
     (14, 10, 0)),
    ("set a timer for half an hour", "Very good, sir: a 30 minute timer, due at 2:35 pm.", (14, 35, 0)),
    ("set a timer for 1 hour and 30 minutes", "Very good, sir: a 90 minute timer, due at 3:35 pm.",
     (15, 35, 0)),
    ("set a timer for 1 hour", "Very good, sir: a 1 hour timer, due at 3:05 pm.", (15, 5, 0)),
    ("set a timer for 5 minutes for the pasta",
     "Very good, sir: a pasta timer for 5 minutes, due at 2:10 pm.", (14, 10, 0)),
    ("hey jarvis set me a 3 minute egg timer",
     "Very good, sir: an egg timer for 3 minutes, due at 2:08 pm.", (14, 8, 0)),
    # a number after the hours or minutes is their minutes or seconds, not the timer's name
    ("set a timer for an hour twenty for the roast",
     "Very good, sir: a roast timer for 1 hour and 20 minutes, due at 3:25 pm.", (15, 25, 0)),
    ("timer for one minute thirty", "Very good, sir: a 90 second timer, starting now.", (14, 6, 30)),
    ("timer for 2 hours forty five please", "Very good, sir: a 2 hour 45 minute timer, due at 4:50 pm.",
     (16, 50, 0)),
    ("set a timer for 10 minutes for two eggs",
     "Very good, sir: a two eggs timer for 10 minutes, due at 2:15 pm.", (14, 15, 0)),
])
def test_set_timer(skills, timers, text, reply, due):
    result = ask(skills, text)
    assert (result.reply, result.skill) == (reply, "timer")
    [timer] = timers.pending()
    assert timer.kind == "timer" and timer.due_at == NOW.replace(hour=due[0], minute=due[1], second=due[2])
    assert result.data["id"] == timer.id


@pytest.mark.parametrize("text", ["set a timer", "timer", "start a timer for the eggs"])
def test_incomplete_timer_request_asks_how_long(skills, timers, text):
    result = ask(skills, text, "madam")
    assert result.reply == "Certainly, madam. For how long shall I set it?"
    assert result.data == {"needs": "duration"} and timers.pending() == []


@pytest.mark.parametrize("text", ["5 minutes", "an hour and 30 minutes", "half an hour", "90s",
                                  "one minute and a half", "2 hrs"])
def test_duration_seconds(text):
    assert duration_seconds(text) == {"5 minutes": 300, "an hour and 30 minutes": 5400,
                                      "half an hour": 1800, "90s": 90, "one minute and a half": 90,
                                      "2 hrs": 7200}[text]


# -- reminders ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text,reply,due", [
    ("remind me in 20 minutes to check the oven",
     "Very good, sir: I'll remind you to check the oven in 20 minutes, at 2:25 pm.", NOW.replace(minute=25)),
    ("remind me at 3pm to call Bob", "Very good, sir: I'll remind you to call Bob at 3 pm.",
     NOW.replace(hour=15, minute=0)),
    ("remind me to call Bob at 3", "Very good, sir: I'll remind you to call Bob at 3 pm.",
     NOW.replace(hour=15, minute=0)),
    ("remind me at 15:30 to ring my mum", "Very good, sir: I'll remind you to ring your mum at 3:30 pm.",
     NOW.replace(hour=15, minute=30)),
    ("set a reminder for 3pm to call Bob", "Very good, sir: I'll remind you to call Bob at 3 pm.",
     NOW.replace(hour=15, minute=0)),
    ("remind me at half past four to leave", "Very good, sir: I'll remind you to leave at 4:30 pm.",
     NOW.replace(hour=16, minute=30)),
    ("remind me tonight at 10 to lock up", "Very good, sir: I'll remind you to lock up at 10 pm.",
     NOW.replace(hour=22, minute=0)),
    ("remind me tomorrow at 9 to buy milk", "Very good, sir: I'll remind you to buy milk at 9 am tomorrow.",
     datetime(2026, 11, 27, 9, 0)),
    ("remind me in 5 minutes", "Very good, sir: I'll remind you in 5 minutes, at 2:10 pm.",
     NOW.replace(minute=10)),
    ("remind me in an hour twenty to check the oven",  # not "to twenty to check the oven" in an hour
     "Very good, sir: I'll remind you to check the oven in 1 hour and 20 minutes, at 3:25 pm.",
     NOW.replace(hour=15, minute=25)),
    ("remind me in 1 hour 20 to ring Bob",
     "Very good, sir: I'll remind you to ring Bob in 1 hour and 20 minutes, at 3:25 pm.",
     NOW.replace(hour=15, minute=25)),
])
def test_reminders(skills, timers, text, reply, due):
    result = ask(skills, text)
    assert (result.reply, result.skill) == (reply, "reminder")
    [timer] = timers.pending()
    assert timer.kind == "reminder" and timer.due_at == due


@pytest.mark.parametrize("text,due", [("remind me at 1pm to eat", datetime(2026, 11, 27, 13, 0)),
                                      ("remind me at 09:00 to stretch", datetime(2026, 11, 27, 9, 0)),
                                      ("remind me at noon", datetime(2026, 11, 27, 12, 0)),
                                      ("remind me at 14:05 to blink", datetime(2026, 11, 27, 14, 5))])
def test_a_clock_time_that_has_passed_rolls_over_to_tomorrow(skills, timers, text, due):
    assert "tomorrow" in ask(skills, text).reply
    assert timers.pending()[0].due_at == due


def test_incomplete_reminders_ask_rather_than_guess(skills, timers):
    assert ask(skills, "remind me").reply == "Certainly, sir. What shall I remind you of, and when?"
    asked = ask(skills, "remind me to call my mum", "madam")
    assert asked.reply == "Certainly, madam. When shall I remind you to call your mum?"
    assert ask(skills, "remind me at 25:00 to sleep").reply == "I'm afraid 25:00 isn't a time I recognise, sir."
    too_far = "I'm afraid that is rather further ahead than I can keep track of, sir."
    assert ask(skills, "set a timer for a billion hours").reply == too_far
    assert ask(skills, "remind me in 2 million minutes to retire").reply == too_far
    assert timers.pending() == []


# -- the calendar's facts -------------------------------------------------------------------------

@pytest.mark.parametrize("text, reply", [
    ("is it a leap year", "No, sir: 2026 is not a leap year; the next is 2028."),
    ("Is 2028 a leap year?", "Yes, sir: 2028 is a leap year, so February has 29 days."),
    ("will next year be a leap year", "No, sir: 2027 is not a leap year; the next is 2028."),
    ("how many days are there in february this year",  # v4: the days until 5 February
     "February has 28 days in 2026, sir; 29 in a leap year, the next being 2028."),
    ("how many days in february 2028", "February has 29 days in 2028, sir: a leap year."),
    ("How many days in April?", "April has 30 days, sir."),
    ("how many days are there in a year", "365 days, sir, or 366 in a leap year; 2026 has 365."),
    ("how many weeks in a year", "52 weeks and a day, sir; and two days in a leap year."),
])
def test_the_calendars_facts_are_answered_from_the_calendar(skills, text, reply):
    assert ask(skills, text).reply == reply


@pytest.mark.parametrize("text, reply", [
    ("what time will it be in 3 hours", "In 3 hours it will be 5:05 in the evening, sir."),  # v4: the time now
    ("What's the time in 45 minutes?", "In 45 minutes it will be 2:50 in the afternoon, sir."),
    ("what time will it be in 12 hours", "In 12 hours it will be 2:05 in the morning tomorrow, sir."),
])
def test_the_time_after_so_long_is_the_clock_moved_on(skills, text, reply):
    assert ask(skills, text).reply == reply


@pytest.mark.parametrize("text, reply", [  # NOW is Thursday 26 November
    ("what's the date next friday",  # v4: today's date; "next" is the coming one to some, the one after to others
     "Friday the 27th of November is this coming one, sir; the one after is the 4th of December."),
    ("what date is this saturday", "It's Saturday the 28th of November, sir."),
    ("whats the date on thursday", "It's Thursday the 3rd of December, sir."),  # today's is no question
])
def test_the_date_of_a_weekday_is_the_calendars(skills, text, reply):
    assert ask(skills, text).reply == reply


def test_other_questions_of_days_are_not_the_calendars_facts(skills):
    assert skills.handle("what time is it in tokyo", "sir") is None  # another city's: time_in
    assert skills.handle("how many days until christmas", "sir") is None
    assert skills.handle("how many days in a row have I run", "sir") is None


def test_a_reminder_at_half_an_hour_the_british_way_is_half_past(skills, timers):
    # "half five" is half past five (it asked "When shall I remind you to at half five to ...?")
    assert ask(skills, "remind me at half five to pick up the kids").reply == \
        "Very good, sir: I'll remind you to pick up the kids at 5:30 pm."
    assert [t.label for t in timers.pending("reminder")] == ["pick up the kids"]


def test_timers_asked_for_with_only_a_reminder_set_say_the_reminder(skills):
    """An alarm is a reminder ("set an alarm for 7am"): "what timers do I have" says it, not nothing."""
    ask(skills, "remind me at 3pm to call Bob")
    assert ask(skills, "what timers do I have").reply == \
        "You have no timers running, sir, but one reminder: to call Bob at 3 pm."


def test_list_and_cancel(skills, timers):
    assert ask(skills, "what timers do I have").reply == "You have no timers running, sir."
    ask(skills, "set a timer for 5 minutes")
    ask(skills, "set a pasta timer for 10 minutes")
    ask(skills, "remind me at 3pm to call Bob")
    assert ask(skills, "what timers do I have").reply == (
        "You have two timers, sir: a 5 minute timer with 5 minutes to go and "
        "a pasta timer with 10 minutes to go.")
    assert ask(skills, "what reminders do I have").reply == "You have one reminder, sir: to call Bob at 3 pm."
    which = ask(skills, "cancel the timer")
    assert which.data["needs"] == "which" and "Which one, sir?" in which.reply
    assert len(timers.pending("timer")) == 2
    assert ask(skills, "cancel the pasta timer").reply == "Very good, sir: I've cancelled the pasta timer."
    assert ask(skills, "stop the timer").reply == "Very good, sir: I've cancelled the 5 minute timer."
    assert ask(skills, "cancel the timer").reply == "There's no timer to cancel, sir."
    ask(skills, "remind me in 20 minutes to check the oven")
    assert ask(skills, "cancel my reminders").reply == "Very good, sir: I've cancelled two reminders."
    assert timers.pending() == []


# -- the timer store ---------------------------------------------------------------------------

def test_timers_survive_a_restart(clock, jarvis_home):
    first = TimerService(clock=clock)
    skills = Skills(first, clock=clock)
    ask(skills, "remind me at 3pm to call Bob")
    ask(skills, "set a timer for 5 minutes")
    saved = json.loads((jarvis_home / "timers.json").read_text())
    assert [t["kind"] for t in saved["timers"]] == ["reminder", "timer"]
    assert not list(jarvis_home.glob("*.tmp"))  # written to a temporary name, then renamed

    second = TimerService(clock=clock)
    assert second.pending() == first.pending()
    assert [t.label for t in second.pending()] == ["5 minute", "call Bob"]
    assert second.next_due().label == "5 minute"


def test_pop_due_returns_each_timer_exactly_once(timers, clock):
    timers.add(NOW + timedelta(minutes=5), "5 minute", "timer")
    timers.add(NOW + timedelta(minutes=1), "call Bob", "reminder")
    assert timers.pop_due() == []
    clock.now = NOW + timedelta(minutes=2)
    [due] = timers.pop_due()
    assert due.label == "call Bob"
    assert timers.pop_due() == [] and TimerService(clock=clock).pop_due() == []  # gone from disk too
    [due] = timers.pop_due(NOW + timedelta(minutes=10))
    assert due.label == "5 minute" and timers.pending() == [] and timers.next_due() is None


def test_cancel_by_id_and_bad_kind(timers):
    timer = timers.add(NOW + timedelta(minutes=5), "5 minute")
    assert timers.cancel("nope") is False
    assert timers.cancel(timer.id) is True and timers.pending() == []
    with pytest.raises(ValueError):
        timers.add(NOW, "x", "alarm")


def test_an_unreadable_store_is_set_aside_not_fatal(jarvis_home, clock):
    jarvis_home.mkdir(parents=True, exist_ok=True)
    (jarvis_home / "timers.json").write_text("{not json")
    service = TimerService(clock=clock)
    assert service.pending() == [] and service.recovered_from.read_text() == "{not json"
    service.add(NOW + timedelta(minutes=1), "tea")
    assert TimerService(clock=clock).pending()[0].label == "tea"


# -- announcements -----------------------------------------------------------------------------

def _timer(kind: str, label: str, due: datetime = NOW) -> Timer:
    return Timer(id="t1", due=due.isoformat(), label=label, kind=kind, created=NOW.isoformat())


@pytest.mark.parametrize("honorific,timer_text,reminder_text", [
    ("sir", "Sir, your 5 minute timer is up.",
     "Excuse me, sir: you asked me to remind you to call the bank."),
    ("madam", "Madam, your 5 minute timer is up.",
     "Excuse me, madam: you asked me to remind you to call the bank."),
    ("Alice", "Alice, your 5 minute timer is up.",
     "Excuse me, Alice: you asked me to remind you to call the bank."),
])
def test_announcements(honorific, timer_text, reminder_text):
    assert announcement(_timer("timer", "5 minute"), honorific) == timer_text
    assert announcement(_timer("reminder", "call the bank"), honorific) == reminder_text


def test_announcements_speak_to_the_user_and_admit_lateness():
    mum = _timer("reminder", "ring my mum")
    assert announcement(mum, "sir") == "Excuse me, sir: you asked me to remind you to ring your mum."
    assert announcement(_timer("reminder", ""), "madam") == "Excuse me, madam: this is the reminder you asked for."
    # The app was closed when these fell due: the first poll after start-up announces them late.
    late = announcement(_timer("reminder", "call the bank", NOW.replace(hour=9, minute=0)), "sir", now=NOW)
    assert late == "Excuse me, sir: this is rather late, but you asked me to remind you to call the bank at 9 am."
    assert announcement(_timer("timer", "pasta", NOW.replace(hour=9, minute=0)), "Alice", now=NOW) == \
        "Alice, your pasta timer ran out at 9 am, while I was away."
    assert announcement(_timer("timer", "pasta"), "sir", now=NOW + timedelta(seconds=1)) == \
        "Sir, your pasta timer is up."
