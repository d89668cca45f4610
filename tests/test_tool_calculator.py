"""calculate, percent, split_bill and total_duration: their sums, phrasing, failures, and that
every figure in a reply is one stored in its data."""

from __future__ import annotations

import math

import pytest

from jarvis_desktop.core.arith import MAX_CHARS
from jarvis_desktop.core.tools.base import Context, ToolFailed, ToolResult
from jarvis_desktop.core.tools.calculator import TOOLS, format_money
from tests.test_tool_units import assert_numbers_from_data, check_examples

SIR = Context(honorific="sir")
BY_NAME = {tool.name: tool for tool in TOOLS}


def run(name: str, context: Context = SIR, **args) -> ToolResult:
    return BY_NAME[name].run(args, context)


def failure(name: str, **args) -> str:
    with pytest.raises(ToolFailed) as failed:
        run(name, Context(honorific="madam"), **args)
    message = str(failed.value)
    assert message.startswith("I'm afraid") and "madam" in message, message
    return message


# -- calculate -------------------------------------------------------------------------------

@pytest.mark.parametrize("expression, value, reply", [
    ("17*23", 391, "That comes to 391, sir."),
    ("2**10", 1024, "That comes to 1,024, sir."),
    ("2^10", 1024, "That comes to 1,024, sir."),
    ("(3 + 4) × 5", 35, "That comes to 35, sir."),
    ("3 x 4", 12, "That comes to 12, sir."),
    ("100 ÷ 8", 12.5, "That comes to 12.5, sir."),
    ("0.1 + 0.2", 0.30000000000000004, "That comes to 0.3, sir."),  # binary noise is not "approximately"
    ("1/3", 1 / 3, "That comes to approximately 0.3333, sir."),
    ("sqrt(2)", math.sqrt(2), "That comes to approximately 1.4142, sir."),
    ("5 - 20", -15, "That comes to minus 15, sir."),
])
def test_calculate(expression, value, reply):
    result = run("calculate", expression=expression)
    assert result.data["value"] == pytest.approx(value)
    assert result.reply == reply
    assert_numbers_from_data(result)


@pytest.mark.parametrize("expression, words", [
    ("1/0", "dividing by zero"),
    ("sqrt(-4)", "no real answer"),
    ("9 ** 9 ** 9", "too large"),
    ("__import__('os').system('true')", "couldn't make that sum out"),
    ("open('/etc/passwd')", "couldn't make that sum out"),
    ("", "couldn't make that sum out"),
    ("1+" * MAX_CHARS + "1", "couldn't make that sum out"),
])
def test_calculate_refuses_politely(expression, words):
    assert words in failure("calculate", expression=expression)


# -- percent ---------------------------------------------------------------------------------

def test_percent():
    result = run("percent", percent=15.0, of=80.0)
    assert result.reply == "15 per cent of 80 is 12, sir."
    assert result.data["result"] == 12
    assert run("percent", percent=12.5, of=84.5).reply == "12.5 per cent of 84.5 is 10.5625, sir."
    assert run("percent", percent=3.0, of=1_500_000.0).reply == "3 per cent of 1,500,000 is 45,000, sir."
    assert "is about 0.3333" in run("percent", percent=100 / 3, of=1.0).reply
    for percent, of in ((15, 80), (12.5, 84.5), (100 / 3, 1), (-20, 50), (0.5, 12000)):
        assert_numbers_from_data(run("percent", percent=float(percent), of=float(of)))


def test_percent_refuses_what_is_not_a_figure():
    assert "percentage" in failure("percent", percent=math.nan, of=80.0)
    assert "amount" in failure("percent", percent=15.0, of=math.inf)


# -- split_bill ------------------------------------------------------------------------------

def test_split_bill_with_a_tip():
    result = run("split_bill", total=84.5, people=3, tip_percent=12.5)
    # 84.50 + 12.5% = 95.0625 -> 95.06; a third is 31.6866... -> 31.69 (rounded up: covers the bill)
    assert result.data == {"total": 84.5, "people": 3, "tip_percent": 12.5, "tip": 10.56,
                           "total_with_tip": 95.06, "share": 31.69}
    assert result.reply == "That's 31.69 each for 3 people, 95.06 in all with a 12.5 per cent tip, sir."
    assert_numbers_from_data(result, format_money)


def test_split_bill_says_the_article_as_the_tip_is_spoken():
    # "an eighteen per cent tip", "an eleven", "an eight point five", but "a twelve point five"
    for tip, article in ((18, "an"), (11, "an"), (8.5, "an"), (80, "an"), (12.5, "a"), (1, "a"), (15, "a")):
        reply = run("split_bill", total=60.0, people=2, tip_percent=float(tip)).reply
        assert f" in all with {article} {tip:g} per cent tip, sir." in reply, reply


def test_split_bill_shares_always_cover_it():
    for total, people, tip in ((100, 3, 0), (84.5, 3, 12.5), (47.8, 7, 15), (0.01, 2, 0), (999.99, 11, 10)):
        result = run("split_bill", total=float(total), people=people, tip_percent=float(tip))
        share, owed = result.data["share"], result.data["total_with_tip"]
        assert owed <= share * people < owed + people * 0.01 + 1e-9, result.data
        assert_numbers_from_data(result, format_money)


def test_split_bill_phrasing():
    assert run("split_bill", total=100.0, people=3).reply == "That's 33.34 each for 3 people, sir."
    assert run("split_bill", total=120.0, people=4).reply == "That's 30 each for 4 people, sir."
    assert run("split_bill", total=84.5, people=2).reply == "That's 42.25 each for 2 people, sir."
    assert run("split_bill", total=81.0, people=2).reply == "That's 40.50 each for 2 people, sir."
    assert run("split_bill", total=84.5, people=1, tip_percent=10.0).reply == \
        "That's 92.95 with a 10 per cent tip for you alone, sir."
    assert format_money(84.5) == "84.50" and format_money(1296.0) == "1,296" and format_money(1296.1) == "1,296.10"


@pytest.mark.parametrize("args, words", [
    ({"total": 84.5, "people": 0}, "between 1 and 1,000 people"),
    ({"total": 84.5, "people": 5000}, "between 1 and 1,000 people"),
    ({"total": 0.0, "people": 2}, "no bill"),
    ({"total": -10.0, "people": 2}, "no bill"),
    ({"total": 50.0, "people": 2, "tip_percent": -5.0}, "between 0 and 100 per cent"),
    ({"total": 50.0, "people": 2, "tip_percent": 150.0}, "between 0 and 100 per cent"),
    ({"total": math.nan, "people": 2}, "that bill"),
])
def test_split_bill_refuses_politely(args, words):
    assert words in failure("split_bill", **args)


# -- total_duration --------------------------------------------------------------------------

@pytest.mark.parametrize("count, minutes, reply", [
    (3, 45, "3 lots of 45 minutes come to 2 hours and 15 minutes, sir."),
    (8, 50, "8 lots of 50 minutes come to 6 hours and 40 minutes, sir."),
    (2, 30, "2 lots of 30 minutes come to 1 hour, sir."),
    (1, 1, "1 lot of 1 minute comes to 1 minute, sir."),
    (3, 2.5, "3 lots of 2.5 minutes come to 7 minutes and 30 seconds, sir."),  # seconds under 10 minutes
    (3, 7.5, "3 lots of 7.5 minutes come to about 23 minutes, sir."),  # 22.5: to the minute from 10 up
    (2, 0.25, "2 lots of 0.25 minutes come to 30 seconds, sir."),
    (40, 1440, "40 lots of 1,440 minutes come to 960 hours, sir."),
])
def test_total_duration(count, minutes, reply):
    result = run("total_duration", count=count, minutes=float(minutes))
    assert result.reply == reply
    assert result.data["total_minutes"] == count * minutes
    parts = result.data["parts"]
    assert abs(parts["hours"] * 60 + parts["minutes"] + parts["seconds"] / 60 - count * minutes) <= 0.5
    assert_numbers_from_data(result)


@pytest.mark.parametrize("args, words", [
    ({"count": 0, "minutes": 45.0}, "at least one"),
    ({"count": 3, "minutes": -5.0}, "at least one"),
    ({"count": 1000, "minutes": 60.0}, "a thousand hours"),
    ({"count": 3, "minutes": math.inf}, "that length"),
])
def test_total_duration_refuses_politely(args, words):
    assert words in failure("total_duration", **args)


# -- examples --------------------------------------------------------------------------------

def test_tools_and_their_examples():
    assert list(BY_NAME) == ["calculate", "percent", "split_bill", "total_duration"]
    for tool in TOOLS:
        check_examples(tool)


def test_an_average_a_speed_or_interest_read_from_the_data_comes_to_the_datas_answer():
    """Every message of the data (training, development and held-out requests) whose words read as
    an average, a speed or interest is a calculate request whose answer is the same number."""
    from jarvis_desktop.core.arith import evaluate
    from jarvis_desktop.core.tools.call import parse
    from jarvis_desktop.core.tools.slots import _interest, _mean, _plain, _speed, _tokens
    from tests.tool_checks import said_in_data

    read = []
    for said, answer in said_in_data():
        words = _tokens(_plain(said))
        if expression := _mean(words) or _speed(words) or _interest(words):
            read.append((said, answer, expression))
    assert len(read) >= 5
    for said, answer, expression in read:
        assert answer.startswith("call:calculate"), (said, answer)
        data = parse(answer).args["expression"]
        assert abs(evaluate(expression) - evaluate(data)) < 1e-9, (said, expression, data)
