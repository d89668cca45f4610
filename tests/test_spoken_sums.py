"""Sums said the way people say them (core/spoken_sums.py): the calculator skill answers them,
and the ``calculate`` tool's argument reader writes them, so the model's slip ("two to the
sixteenth" written as 2**6) is put right from the user's own words."""

from __future__ import annotations

from datetime import datetime

import pytest

from jarvis_desktop.core.arith import evaluate
from jarvis_desktop.core.skills import Skills
from jarvis_desktop.core.spoken_sums import digits, infix
from jarvis_desktop.core.timers import TimerService
from jarvis_desktop.core.tools import Toolbox
from jarvis_desktop.core.tools.slots import read_arguments

NOW = datetime(2026, 3, 14, 9, 30)

FORMS = [
    ("three to the fifth", "3**5", 243),
    ("two to the tenth power", "2**10", 1024),
    ("what's ten to the 6th", "10**6", 1_000_000),
    ("cube of four", "4**3", 64),
    ("what's the square of twelve", "12**2", 144),
    ("cube root of 64", "cbrt(64)", 4),
    ("twenty plus ten, all divided by five", "(20+10)/5", 6),
    ("six plus four all times three", "(6+4)*3", 30),
    ("the sum of 45 and 17", "45+17", 62),
    ("what's the product of 12 and 13", "12*13", 156),
    ("the difference between 90 and 35", "90-35", 55),
    ("divide 120 by 8", "120/8", 15),
    ("could you multiply fourteen by six", "14*6", 84),
    ("subtract 19 from 72", "72-19", 53),
    ("take 12 away from 40", "40-12", 28),
    ("add 38 to 55", "38+55", 93),
    ("add up 12.50, 8.99 and 3.25", "12.5+8.99+3.25", 24.74),
    ("what's left of 100 once you take away 37", "100-37", 63),
    ("what's 22 divided by 7 to two decimal places", "round(22/7,2)", 3.14),
    ("250 divided by 3 rounded to the nearest whole number", "round(250/3)", 83),
    ("what's the remainder when 50 is divided by 6", "50%6", 2),
    ("whats the remainder when you divide 100 by seven", "100%7", 2),
    ("half of 348", "348/2", 174),
    ("double 175", "2*175", 350),
    ("a third of 96", "96/3", 32),
    ("two thirds of 90", "2/3*90", 60),
    ("how much is seven eighths", "7/8", 0.875),
    ("what number multiplied by itself gives 144", "sqrt(144)", 12),
    ("jarvis what number times itself makes five hundred and twenty nine", "sqrt(529)", 23),
]


@pytest.mark.parametrize("text,expression,value", FORMS)
def test_the_tool_reads_the_sum_from_the_words(text, expression, value):
    found = read_arguments("calculate", {"expression": "1+1"}, text, NOW)
    assert found["expression"] == expression
    assert evaluate(found["expression"]) == pytest.approx(value)


@pytest.mark.parametrize("text,expression,value", FORMS)
def test_the_skill_answers_the_sum(tmp_path, monkeypatch, text, expression, value):
    monkeypatch.setenv("JARVIS_HOME", str(tmp_path))
    result = Skills(TimerService(clock=lambda: NOW), clock=lambda: NOW).handle(text, "sir")
    assert result is not None and result.skill == "calculator", text
    assert result.data["value"] == pytest.approx(value)


def test_a_models_wrong_sum_is_put_right_from_the_words(tmp_path, monkeypatch):
    monkeypatch.setenv("JARVIS_HOME", str(tmp_path))
    box = Toolbox(clock=lambda: NOW, act=False)
    outcome = box.run('call:calculate{expression:"2**6"}', "sir", "what's two to the sixteenth")
    assert outcome.call.text == 'call:calculate{expression:"2**16"}' and "65,536" in outcome.result.reply
    assert outcome.written == 'call:calculate{expression:"2**6"}'  # the log keeps what the model wrote


@pytest.mark.parametrize("text", [
    "add milk to the shopping list", "double the recipe for tonight", "take the bins away from the door",
    "half of them never turned up", "the sum of all fears is a good film", "divide the class into groups",
    "I came second in the race", "a quarter past six", "what's the difference between a violin and a viola",
    "round up the usual suspects", "is 12 to the dozen right", "multiply the recipe by three",
])
def test_chat_with_the_words_of_a_sum_is_no_sum(tmp_path, monkeypatch, text):
    monkeypatch.setenv("JARVIS_HOME", str(tmp_path))
    assert Skills(TimerService(clock=lambda: NOW), clock=lambda: NOW).handle(text, "sir") is None
    assert "expression" not in read_arguments("calculate", {}, text, NOW)


def test_numbers_in_words_are_written_in_digits_and_the_rest_kept():
    assert digits("three hundred and twelve plus a hundred") == "312 plus 100"
    assert digits("a third of twelve point five") == "a third of 12.5"
    assert infix("nothing to see here") == "nothing to see here"
