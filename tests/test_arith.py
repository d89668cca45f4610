"""The arithmetic evaluator bounds its work before doing it: every bomb is a clean refusal.

A hang here would freeze the chat window (the calculator skill runs on the GUI thread) or
``jarvis-train data validate``; each bomb test carries a short pytest timeout so a regression
fails in seconds instead of hanging the run.  No timing is asserted.
"""

from __future__ import annotations

import pytest

from jarvis_desktop.core.arith import MAX_CHARS, MAX_DEPTH, ArithmeticError_, evaluate
from jarvis_desktop.core.skills import Skills
from jarvis_desktop.core.timers import TimerService

BIG = "9" * 300  # a 300-digit literal: three fit in the text limit
E999 = "(10 ** 999)"  # a 1,000-digit integer, the biggest building block a short text makes


@pytest.mark.parametrize("expr, value", [
    ("17 * (3 + 4) / 2", 59.5),
    ("2 ** 10 - sqrt(16)", 1020),
    ("round(10 / 3, 2)", 3.33),
    ("round(1234, -2)", 1200),
    ("2 ** 332", 2 ** 332),  # just under MAX_MAGNITUDE (1e100)
    ("2 ** -1000", 2.0 ** -1000),
    ("-" * 150 + "7", 7),  # an even chain of unary minuses
    ("(" * 150 + "1" + ")" * 150, 1),  # parentheses alone add no levels
    ("+".join(["1"] * 150), 150),
    pytest.param(f"{BIG} % 7", int(BIG) % 7, id="big % 7"),  # big operands: exact, and quick
    pytest.param(f"{BIG} * {BIG} // {BIG} % 1000", 999, id="big * big // big % 1000"),
    pytest.param(f"{E999} * {E999} * {E999} % 7", 10 ** 2997 % 7, id="2998-digit intermediate"),
    ("floor(2.7) + ceil(2.1) + abs(-3)", 8),
])
def test_ordinary_sums_are_computed(expr, value):
    assert evaluate(expr) == value


@pytest.mark.timeout(30)
@pytest.mark.parametrize("expr, words", [
    # the issue's bomb: (10**1000)**1000 is refused from its operands' sizes, before computing
    ("((10 ** 1000) ** 1000) ** 1000", "'(10 ** 1000) ** 1000' is too large to compute (about 1,000,000 digits"),
    ("9 ** 9 ** 9", "too large to compute (the exponent is above 1,000)"),
    ("(10 ** 999) ** 999", "too large to compute (about 998,001 digits"),
    (f"{E999} ** 4", "too large to compute (about 3,996 digits; the limit is 3,000)"),
    # a chain of multiplications stops at MAX_DIGITS, refused before the product is made
    (f"{E999} * {E999} * {E999} * {E999}", "too large to compute (more than 3,000 digits)"),
    (f"({E999} * {E999} * {E999}) * ({E999} + {E999})", "too large to compute (more than 3,000 digits)"),
    (f"{E999} * {E999} * {E999} * 10000", "too large to compute (more than 3,000 digits)"),
    # int.__round__ with a huge negative digit count would build 10**(10**9)
    ("round(5, -10 ** 9)", "round's digits must be a whole number from -100 to 100"),
    ("round(2.5, 10 ** 9)", "round's digits must be a whole number from -100 to 100"),
    ("round(2.5, 1.5)", "round's digits must be a whole number"),
    (f"sqrt({E999})", "too large to compute"),  # a float cannot hold it
    (f"{E999} / 3", "too large to compute"),
    (f"{E999} % 7.5", "too large to compute"),
    (f"{BIG} * {BIG} * {BIG}", "out of range (larger than 1e+100)"),
    ("1e999", "too large to compute"),  # inf, as a literal
    ("1e308 * 10 - 1e308 * 10", "'1e+308 * 10' is too large to compute"),  # inf - inf would be nan
    ("10.0 ** 400", "too large to compute"),
    ("2 ** 333", "is out of range (larger than 1e+100)"),
    ("1 / 0", "division by zero in '1 / 0'"),
    ("0 ** -1", "division by zero"),
    ("5 % 0.0", "division by zero"),
    # the parser and the walk never run out of stack
    ("(" * 300 + "1" + ")" * 300, f"has too many nested operations (at most {MAX_DEPTH})"),
    ("-" * 900 + "1", f"has too many nested operations (at most {MAX_DEPTH})"),
    ("+".join(["1"] * 300), f"has too many nested operations (at most {MAX_DEPTH})"),
    ("1+" * 600 + "1", f"the expression is too long to compute (1,201 characters; the limit is {MAX_CHARS:,})"),
    ("sqrt(1, 2)", "sqrt takes 1 argument"),
    ("round()", "round takes 1 or 2 arguments"),
    ("__import__('os').getcwd()", "is not allowed"),
    ("(1).real", "is not allowed"),
    ("True + 1", "'True' is not allowed"),
    ("[1, 2]", "is not allowed"),
    ("x + 1", "'x' is not allowed"),
    ("1 +", "not an arithmetic expression"),
    ("1\x00", "not an arithmetic expression"),
])
def test_bombs_and_nonsense_are_refused_with_a_plain_message(expr, words):
    with pytest.raises(ArithmeticError_) as info:
        evaluate(expr)
    assert words in str(info.value)
    assert len(str(info.value)) < 200  # one readable line, even for a 1,000-character expression
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("expr, part", [("sqrt(-4)", "'sqrt(-4)'"), ("(-8) ** 0.5", "'(-8) ** 0.5'"),
                                        ("2 * sqrt(3 - 5)", "'sqrt(3 - 5)'")])
def test_no_real_answer_is_a_value_error_that_says_so(expr, part):
    # Not an ArithmeticError_: the calculator skill answers "that has no real answer" for these.
    with pytest.raises(ValueError) as info:
        evaluate(expr)
    assert not isinstance(info.value, ArithmeticError_)
    assert str(info.value) == f"{part} has no real answer"


@pytest.mark.timeout(30)
@pytest.mark.parametrize("text", ["what is ((10^1000)^1000)^1000",
                                  "what is 10 to the power of 1000 to the power of 1000",
                                  "calculate ((10 to the power of 1000) to the power of 1000) to the power of 1000"])
def test_the_calculator_skill_answers_the_bomb_politely(text):
    # the skill as the chat window calls it (the test's JARVIS_HOME holds the timer store)
    result = Skills(TimerService()).handle(text, "madam")
    assert result is not None and result.skill == "calculator"
    assert result.reply == "I'm afraid that number is rather too large to put a figure on, madam."
    assert "too large to compute" in result.data["error"]
