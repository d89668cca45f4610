"""Sums the model cannot do in its head: ``calculate``, ``percent``, ``split_bill``, ``total_duration``.

``calculate`` hands the expression to ``arith.evaluate`` (bounded, never ``eval``) and phrases
the answer as the calculator skill does ("That comes to 391, sir.").  Numbers are said with
``skills.format_number``; money with ``format_money`` (two decimals, "95.10", since pence are
said that way); durations with ``timers.spoken_duration``.  Each reply's figures are stored in
``data`` as they are said.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from jarvis_desktop.core.arith import ArithmeticError_, evaluate
from jarvis_desktop.core.persona import with_article
from jarvis_desktop.core.skills import format_number
from jarvis_desktop.core.timers import spoken_duration
from jarvis_desktop.core.tools.base import Context, Param, Tool, ToolFailed, ToolResult

__all__ = ["TOOLS", "format_money"]

MAX_AMOUNT = 1e12  # a bill or a percentage base beyond this is a slip of the tongue
MAX_PEOPLE = 1000
MAX_HOURS = 1000  # spoken_duration says "1000 hours" without a comma; more is no diary's total


def format_money(amount: float) -> str:
    """84.5 -> "84.50", 1296 -> "1,296", 1296.1 -> "1,296.10": pence always as two digits."""
    if amount == int(amount):
        return format_number(int(amount))
    return f"{amount:,.2f}"


def _is_rounded(value: float | int, spoken: str) -> bool:
    """Whether ``format_number`` had to round ``value`` to say it as ``spoken``."""
    plain = spoken.removeprefix("minus ").replace(",", "")
    try:
        return not math.isclose(float(plain), abs(value), rel_tol=1e-9)
    except ValueError:  # "1.23 times 10 to the power of 20": four digits of a longer number
        return True


def _finite(value: float, what: str, h: str) -> float:
    if not math.isfinite(value) or abs(value) > MAX_AMOUNT:
        raise ToolFailed(f"I'm afraid {what} is not a figure I can work with, {h}.")
    return value


# -- calculate ---------------------------------------------------------------------------------

# The model writes sums as typed: "17 × 23", "2^10", "100 ÷ 4".
_SYMBOLS = (("×", "*"), ("÷", "/"), ("^", "**"), ("−", "-"))


def _calculate(args: dict, context: Context) -> ToolResult:
    h = context.honorific
    expression = args["expression"].strip()
    for symbol, operator in _SYMBOLS:
        expression = expression.replace(symbol, operator)
    expression = re.sub(r"(?<=[\d)])\s*x\s*(?=[\d(])", "*", expression)  # "3 x 4"
    try:
        value = evaluate(expression)
    except ArithmeticError_ as exc:
        if "division by zero" in str(exc):
            raise ToolFailed(f"I'm afraid dividing by zero is beyond even my talents, {h}.") from None
        if "large" in str(exc) or "range" in str(exc):
            raise ToolFailed(f"I'm afraid that number is rather too large to put a figure on, {h}.") from None
        raise ToolFailed(f"I'm afraid I couldn't make that sum out, {h}. "
                         f"Might you put it another way?") from None
    except ValueError:  # sqrt(-4): arith's "has no real answer"
        raise ToolFailed(f"I'm afraid that has no real answer, {h}.") from None
    spoken = format_number(value)
    approx = "approximately " if _is_rounded(value, spoken) else ""
    return ToolResult(f"That comes to {approx}{spoken}, {h}.", {"expression": expression, "value": value})


# -- percent -----------------------------------------------------------------------------------

def _percent(args: dict, context: Context) -> ToolResult:
    h = context.honorific
    percent = _finite(float(args["percent"]), "that percentage", h)
    of = _finite(float(args["of"]), "that amount", h)
    result = percent * of / 100
    spoken = format_number(result)
    verb = "is about" if _is_rounded(result, spoken) else "is"
    return ToolResult(f"{format_number(percent)} per cent of {format_number(of)} {verb} {spoken}, {h}.",
                      {"percent": percent, "of": of, "result": result})


# -- split_bill --------------------------------------------------------------------------------

def _pennies(amount: float, rounding: str = ROUND_HALF_UP) -> float:
    """``amount`` to the penny, rounded from its decimal digits as written: 10.5625 -> 10.56,
    0.125 -> 0.13 (round() would give 0.12, half to even); ROUND_CEILING: 31.6866 -> 31.69."""
    return float(Decimal(repr(amount)).quantize(Decimal("0.01"), rounding))


def _split_bill(args: dict, context: Context) -> ToolResult:
    """Each person's share, rounded *up* to the penny so the shares always cover the bill
    (100 between 3 is 33.34 each, not 33.33, which would leave the table a penny short)."""
    h = context.honorific
    total = _finite(float(args["total"]), "that bill", h)
    people = int(args["people"])
    tip_percent = _finite(float(args.get("tip_percent", 0.0)), "that tip", h)
    if total <= 0:
        raise ToolFailed(f"I'm afraid there is no bill to split, {h}.")
    if not 1 <= people <= MAX_PEOPLE:
        raise ToolFailed(f"I'm afraid a bill needs between 1 and {MAX_PEOPLE:,} people to split it, {h}.")
    if not 0 <= tip_percent <= 100:
        raise ToolFailed(f"I'm afraid a tip must be between 0 and 100 per cent, {h}.")
    tip = _pennies(total * tip_percent / 100)
    with_tip = _pennies(total + tip)
    share = _pennies(with_tip / people, ROUND_CEILING)
    data = {"total": total, "people": people, "tip_percent": tip_percent, "tip": tip,
            "total_with_tip": with_tip, "share": share}
    tip_words = f"with {with_article(format_number(tip_percent))} per cent tip"
    if people == 1:  # no sharing: the bill with its tip
        reply = f"That's {format_money(share)}{' ' + tip_words if tip else ''} for you alone, {h}."
    else:
        in_all = f", {format_money(with_tip)} in all {tip_words}" if tip else ""
        reply = f"That's {format_money(share)} each for {format_number(people)} people{in_all}, {h}."
    return ToolResult(reply, data)


# -- total_duration ----------------------------------------------------------------------------

def _total_duration(args: dict, context: Context) -> ToolResult:
    """``count`` lots of ``minutes``, said as spoken_duration says a timer.  It leaves seconds
    out from 10 minutes up, so such totals are first rounded to the minute ("about")."""
    h = context.honorific
    count = int(args["count"])
    minutes = _finite(float(args["minutes"]), "that length", h)
    if count < 1 or minutes <= 0:
        raise ToolFailed(f"I'm afraid I need at least one thing of some length to add up, {h}.")
    exact = count * minutes * 60
    seconds = math.floor(exact + 0.5)
    if seconds >= 600:
        seconds = math.floor(exact / 60 + 0.5) * 60
    if seconds >= MAX_HOURS * 3600:
        raise ToolFailed(f"I'm afraid that comes to a thousand hours or more, {h}; "
                         f"might you check the figures?")
    hours, rest = divmod(seconds, 3600)
    data = {"count": count, "minutes": minutes, "total_minutes": count * minutes,
            "parts": {"hours": hours, "minutes": rest // 60, "seconds": rest % 60}}
    about = "about " if not math.isclose(seconds, exact, abs_tol=1e-6) else ""
    lots = f"{format_number(count)} lot{'' if count == 1 else 's'}"
    length = f"{format_number(minutes)} minute{'' if minutes == 1 else 's'}"
    verb = "comes" if count == 1 else "come"
    return ToolResult(f"{lots} of {length} {verb} to {about}{spoken_duration(seconds)}, {h}.", data)


TOOLS: tuple[Tool, ...] = (
    Tool(
        name="calculate",
        doc="Work out an arithmetic expression: numbers, + - * / // % **, parentheses, "
            "sqrt, round, abs, floor, ceil.",
        params=(Param("expression", str, 'the sum as Python-style arithmetic, e.g. "17*23", "sqrt(2)"'),),
        run=_calculate,
        examples=(
            ("What's 17 times 23?", 'call:calculate{expression:"17*23"}'),
            ("whats 144 divided by 12", 'call:calculate{expression:"144/12"}'),
            ("Could you work out 2 to the power of 10?", 'call:calculate{expression:"2**10"}'),
            ("square root of two", 'call:calculate{expression:"sqrt(2)"}'),
            ("what does 1,296 minus 587 come to", 'call:calculate{expression:"1296-587"}'),
            ("(3 + 4) × 5?", 'call:calculate{expression:"(3+4)*5"}'),
            ("Add up 12.50, 8.99 and 3.25 for me.", 'call:calculate{expression:"12.5+8.99+3.25"}'),
            ("how much is seven eighths as a decimal", 'call:calculate{expression:"7/8"}'),
            ("Be a dear and tot up 45 and 67.", 'call:calculate{expression:"45+67"}'),
            ("nineteen squared", 'call:calculate{expression:"19**2"}'),
            ("what's left of 100 once you take away 37", 'call:calculate{expression:"100-37"}'),
            ("If 6 boxes hold 48 apiece, how many in all?", 'call:calculate{expression:"6*48"}'),
            ("jarvis add six hundred and forty three to two hundred and seventy",
             'call:calculate{expression:"643+270"}'),
            ("Could you multiply 56 by 34 for me, please?", 'call:calculate{expression:"56*34"}'),
            ("four pints at 5.60 each, what's the damage", 'call:calculate{expression:"4*5.6"}'),
            ("I've got 1200 to last me 30 days. How much a day is that?", 'call:calculate{expression:"1200/30"}'),
            ("eight cubed", 'call:calculate{expression:"8**3"}'),
            ("Sharing 50 sweets among 6 kids, how many are left over?", 'call:calculate{expression:"50%6"}'),
            ("average of 12 15 and 21", 'call:calculate{expression:"(12+15+21)/3"}'),
            ("paid with a fifty for something at 19.99, what change do I get",
             'call:calculate{expression:"50-19.99"}'),
            ("Round 3.14159 to two decimal places.", 'call:calculate{expression:"round(3.14159,2)"}'),
            ("the kids want to know what seven eights are", 'call:calculate{expression:"7*8"}'),
            ("Drove 240 miles on 8 gallons; how many miles is that to the gallon?",
             'call:calculate{expression:"240/8"}'),
            ("3 kilos of apples at 1.20 a kilo, what do I pay", 'call:calculate{expression:"3*1.2"}'),
            ("nine thousand over seven", 'call:calculate{expression:"9000/7"}'),
            ("Minus 15 plus 40?", 'call:calculate{expression:"-15+40"}'),
            ("what's the square root of 169 then", 'call:calculate{expression:"sqrt(169)"}'),
            ("jarvis whats three hundred and twelve times nine", 'call:calculate{expression:"312*9"}'),
            ("er what's eighty four take away nineteen", 'call:calculate{expression:"84-19"}'),
            ("Jarvis, before I forget, could you work out what 38 lots of 14 comes to?",
             'call:calculate{expression:"38*14"}'),
            ("my maths has gone to pot, how many times does 7 go into 91", 'call:calculate{expression:"91/7"}'),
            ("times 12 by 11", 'call:calculate{expression:"12*11"}'),
            ("I've had 3 coffees at 3.40 and a croissant at 2.75 so what's that all in",
             'call:calculate{expression:"3*3.4+2.75"}'),
            ("um jarvis two to the eighth", 'call:calculate{expression:"2**8"}'),
            ("root 625?", 'call:calculate{expression:"sqrt(625)"}'),
            ("The meter read 4,812 last quarter and 5,390 now. How many units have we used?",
             'call:calculate{expression:"5390-4812"}'),
            ("thirty six quid a month for twelve months comes to what", 'call:calculate{expression:"36*12"}'),
            ("sum of 19, 23, 31 and 47", 'call:calculate{expression:"19+23+31+47"}'),
            ("a hundred divided by three to two decimal places", 'call:calculate{expression:"round(100/3,2)"}'),
            ("Can't do this in my head, I'm afraid: 2.5 times 4.8?", 'call:calculate{expression:"2.5*4.8"}'),
        ),
    ),
    Tool(
        name="percent",
        doc="A percentage of an amount: 15 per cent of 80.",
        params=(Param("percent", float, "the percentage, e.g. 15 for 15%"),
                Param("of", float, "the amount it is a percentage of")),
        run=_percent,
        examples=(
            ("What's 15% of 80?", "call:percent{percent:15,of:80}"),
            ("fifteen percent of eighty", "call:percent{percent:15,of:80}"),
            ("What's a 20 per cent tip on £45?", "call:percent{percent:20,of:45}"),
            ("VAT at 20% on 350 pounds, how much is that?", "call:percent{percent:20,of:350}"),
            ("how much is twelve and a half percent of two hundred", "call:percent{percent:12.5,of:200}"),
            ("What is 3 percent of 1.5 million?", "call:percent{percent:3,of:1500000}"),
            ("knock 25% off 60, how much is the discount", "call:percent{percent:25,of:60}"),
            ("what's 7 per cent interest on 5000 a year", "call:percent{percent:7,of:5000}"),
            ("If I put aside a tenth of my 2400 wage, what's that?", "call:percent{percent:10,of:2400}"),
            ("half of 90", "call:percent{percent:50,of:90}"),
            ("What's 0.5% of 12,000?", "call:percent{percent:0.5,of:12000}"),
            ("jarvis give me a quarter of 84", "call:percent{percent:25,of:84}"),
            ("um jarvis whats three quarters of eighty", "call:percent{percent:75,of:80}"),
            ("Could you tell me what 8 per cent of 650 is?", "call:percent{percent:8,of:650}"),
            ("my pay's going up 4 percent on 31,000 how much extra is that",
             "call:percent{percent:4,of:31000}"),
            ("A fifth of 45 quid?", "call:percent{percent:20,of:45}"),
            ("how much is seventeen and a half per cent of four hundred", "call:percent{percent:17.5,of:400}"),
            ("The shop's taking 30% off a £120 coat. How much do I save?", "call:percent{percent:30,of:120}"),
            ("half of two thousand five hundred", "call:percent{percent:50,of:2500}"),
            ("I'm 40 percent through a 350 page book, how many pages have I read",
             "call:percent{percent:40,of:350}"),
            ("service is 12.5% on an 88 pound bill, what does that add on",
             "call:percent{percent:12.5,of:88}"),
            ("Of the 1,200 people invited, 65 per cent said yes. How many is that?",
             "call:percent{percent:65,of:1200}"),
            ("what's one percent of a million", "call:percent{percent:1,of:1000000}"),
            ("phone's on 20 percent anyway what's 15 per cent of 90", "call:percent{percent:15,of:90}"),
            ("The deposit's a tenth of the 240,000 asking price. What's that come to?",
             "call:percent{percent:10,of:240000}"),
            ("Is 150 per cent of 60 more than 80?", "call:percent{percent:150,of:60}"),
            ("jarvis what's ten percent of three hundred and forty", "call:percent{percent:10,of:340}"),
            ("20 percent of 75 quick", "call:percent{percent:20,of:75}"),
            ("Jarvis, before I pop out, could you tell me what a 5 per cent deposit on 18,000 would be?",
             "call:percent{percent:5,of:18000}"),
            ("the council tax went up 4.99 percent on 1,800 how much more do I pay",
             "call:percent{percent:4.99,of:1800}"),
            ("Knocking 15 per cent off for the trade on a £640 invoice, what's the discount worth?",
             "call:percent{percent:15,of:640}"),
            ("um what's two percent of fifty thousand", "call:percent{percent:2,of:50000}"),
            ("I've burned through 35 per cent of my 40 gig data allowance, how much have I used?",
             "call:percent{percent:35,of:40}"),
            ("three percent commission on a 275,000 house sale", "call:percent{percent:3,of:275000}"),
            ("Americans tip 18 percent, so what would that be on a 62 dollar check",
             "call:percent{percent:18,of:62}"),
            ("five per cent of twenty", "call:percent{percent:5,of:20}"),
            ("My savings earn 4.5% and there's 8,000 in there; how much interest is that?",
             "call:percent{percent:4.5,of:8000}"),
            ("nine tenths of seventy", "call:percent{percent:90,of:70}"),
            ("er jarvis what is eighty percent of one hundred and twenty five", "call:percent{percent:80,of:125}"),
        ),
    ),
    Tool(
        name="split_bill",
        doc="Split a bill between people, with an optional tip; each share is rounded up to the penny.",
        params=(Param("total", float, "the bill before any tip"),
                Param("people", int, "how many people share it"),
                Param("tip_percent", float, "the tip as a percentage of the bill", required=False)),
        run=_split_bill,
        examples=(
            ("Split 84.50 three ways with a 12.5% tip.", "call:split_bill{total:84.5,people:3,tip_percent:12.5}"),
            ("we owe 120 between four of us", "call:split_bill{total:120,people:4}"),
            ("divide a bill of 230 pounds among 5 people and add 10 percent",
             "call:split_bill{total:230,people:5,tip_percent:10}"),
            ("Dinner came to 96 quid for the two of us, plus 15% service.",
             "call:split_bill{total:96,people:2,tip_percent:15}"),
            ("how much each if six of us share a 300 bill", "call:split_bill{total:300,people:6}"),
            ("split a 47.80 tab between 2 no tip", "call:split_bill{total:47.8,people:2}"),
            ("The bill's 150, there are 4 of us and we'd like to leave 20 percent.",
             "call:split_bill{total:150,people:4,tip_percent:20}"),
            ("go halves on 38.60", "call:split_bill{total:38.6,people:2}"),
            ("What does each of three pay for a £72 meal?", "call:split_bill{total:72,people:3}"),
            ("three of us 64 pounds plus a ten per cent gratuity",
             "call:split_bill{total:64,people:3,tip_percent:10}"),
            ("um jarvis there's five of us and the bill is two hundred and ten pounds how much each",
             "call:split_bill{total:210,people:5}"),
            ("Could you split £58.40 between the two of us, please?", "call:split_bill{total:58.4,people:2}"),
            ("curry for six came to 132 quid with 10 percent on top for the waiter",
             "call:split_bill{total:132,people:6,tip_percent:10}"),
            ("we're going dutch on a 75 pound dinner, three of us", "call:split_bill{total:75,people:3}"),
            ("Our table of 8 owes 412.60 and we'd like to add 15% service. What's each share?",
             "call:split_bill{total:412.6,people:8,tip_percent:15}"),
            ("the four of us are sharing a 96 pound taxi what do I owe", "call:split_bill{total:96,people:4}"),
            ("pub tab's 63.75 between three", "call:split_bill{total:63.75,people:3}"),
            ("what's a 15 percent tip on 60 and then split between two of us",
             "call:split_bill{total:60,people:2,tip_percent:15}"),
            ("Me and my mate went halves on a 27 quid pizza. What do I owe him?",
             "call:split_bill{total:27,people:2}"),
            ("a table of twelve a 540 pound bill plus twelve and a half per cent service",
             "call:split_bill{total:540,people:12,tip_percent:12.5}"),
            ("How much per head for a 300 bill with ten people, no tip?", "call:split_bill{total:300,people:10}"),
            ("We had the 3 course menu for 2 at 64 pounds; what's my half with a 10% tip?",
             "call:split_bill{total:64,people:2,tip_percent:10}"),
            ("seven of us had lunch it was 149.80 what does everyone chip in",
             "call:split_bill{total:149.8,people:7}"),
            ("Four friends chipping in for a £180 present, how much is each?",
             "call:split_bill{total:180,people:4}"),
            ("jarvis split two hundred and forty between six", "call:split_bill{total:240,people:6}"),
            ("Right, the bill's come: 186.40 for five, and let's add twelve and a half per cent.",
             "call:split_bill{total:186.4,people:5,tip_percent:12.5}"),
            ("split 90 four ways", "call:split_bill{total:90,people:4}"),
            ("um we had the tasting menu er three hundred and twenty quid for four plus ten percent",
             "call:split_bill{total:320,people:4,tip_percent:10}"),
            ("Jarvis, before the waiter comes back, what's each of us paying on 143.20 between 3 with a 15% tip?",
             "call:split_bill{total:143.2,people:3,tip_percent:15}"),
            ("The stag weekend cottage is 1,350 for nine lads; what's everyone's share?",
             "call:split_bill{total:1350,people:9}"),
            ("we're chipping in for the boss's leaving present 85 between 7",
             "call:split_bill{total:85,people:7}"),
            ("the round was 34.50 but we said we'd go fifty fifty", "call:split_bill{total:34.5,people:2}"),
            ("how much each if 11 of us split 495 and tip 10 percent",
             "call:split_bill{total:495,people:11,tip_percent:10}"),
            ("Petrol for the road trip came to 96.30 and there were three of us in the car, so what do we each owe?",
             "call:split_bill{total:96.3,people:3}"),
            ("split it five ways, the bill's 212.75", "call:split_bill{total:212.75,people:5}"),
            ("brunch for two was forty two fifty add a twenty percent tip",
             "call:split_bill{total:42.5,people:2,tip_percent:20}"),
            ("Could you divvy up a 57 pound takeaway between the three of us, please?",
             "call:split_bill{total:57,people:3}"),
        ),
    ),
    Tool(
        name="total_duration",
        doc="How long a number of equal stretches last in all: 3 meetings of 45 minutes.",
        params=(Param("count", int, "how many there are"),
                Param("minutes", float, "how long each one lasts, in minutes")),
        run=_total_duration,
        examples=(
            ("3 meetings of 45 minutes, how long is that in total?", "call:total_duration{count:3,minutes:45}"),
            ("how long are 8 lessons of 50 minutes", "call:total_duration{count:8,minutes:50}"),
            ("four episodes at 22 minutes each how long altogether", "call:total_duration{count:4,minutes:22}"),
            ("If I do 12 sets of 2.5 minutes, what's the total time?",
             "call:total_duration{count:12,minutes:2.5}"),
            ("Total time for 6 sessions of 90 minutes?", "call:total_duration{count:6,minutes:90}"),
            ("ten 15 minute calls back to back how long is that", "call:total_duration{count:10,minutes:15}"),
            ("How long will 5 films of two hours take?", "call:total_duration{count:5,minutes:120}"),
            ("two 40 minute halves", "call:total_duration{count:2,minutes:40}"),
            ("Three lectures of an hour and a quarter each, all told?",
             "call:total_duration{count:3,minutes:75}"),
            ("a fortnight of half-hour walks adds up to what", "call:total_duration{count:14,minutes:30}"),
            ("um how long is nine twenty minute episodes", "call:total_duration{count:9,minutes:20}"),
            ("Could you add up 5 meetings of 35 minutes for me?", "call:total_duration{count:5,minutes:35}"),
            ("4 loads of washing at 55 minutes a go, how long will I be at it",
             "call:total_duration{count:4,minutes:55}"),
            ("a week of forty five minute runs how much time is that altogether",
             "call:total_duration{count:7,minutes:45}"),
            ("Three podcasts of an hour and a half: how long in total?", "call:total_duration{count:3,minutes:90}"),
            ("twenty 3 minute songs on the playlist how long does it run", "call:total_duration{count:20,minutes:3}"),
            ("I'm working four twelve-hour shifts this week. How long's that altogether?",
             "call:total_duration{count:4,minutes:720}"),
            ("um jarvis three night shifts of ten hours each whats the total",
             "call:total_duration{count:3,minutes:600}"),
            ("Six pomodoros of twenty-five minutes: how much time is that?", "call:total_duration{count:6,minutes:25}"),
            ("if i binge eight episodes at forty five minutes each how long will that take",
             "call:total_duration{count:8,minutes:45}"),
            ("A box set of 10 episodes, 58 minutes apiece: how long to watch the lot?",
             "call:total_duration{count:10,minutes:58}"),
            ("jarvis 12 physio sessions of 40 minutes how much time altogether",
             "call:total_duration{count:12,minutes:40}"),
            ("What's the total for 15 piano lessons of 30 minutes?", "call:total_duration{count:15,minutes:30}"),
            ("I've got 3 flights of two and a half hours. How long in the air, all in?",
             "call:total_duration{count:3,minutes:150}"),
            ("seven 8 minute rounds how long is the workout", "call:total_duration{count:7,minutes:8}"),
            ("Add up nine meetings of an hour each for me.", "call:total_duration{count:9,minutes:60}"),
            ("two shifts of seven and a half hours whats that in total", "call:total_duration{count:2,minutes:450}"),
            ("If my daughter has 4 swimming lessons of 45 minutes, how long is she in the pool?",
             "call:total_duration{count:4,minutes:45}"),
            ("jarvis how long is six forty minute meetings", "call:total_duration{count:6,minutes:40}"),
            ("Five 25-minute slots back to back, how long's that?", "call:total_duration{count:5,minutes:25}"),
            ("twelve episodes at twenty two minutes", "call:total_duration{count:12,minutes:22}"),
            ("I've got 5 interviews of 50 minutes tomorrow so how long will I be stuck in that room",
             "call:total_duration{count:5,minutes:50}"),
            ("Jarvis, before I book the hall, what do 7 talks of 18 minutes add up to?",
             "call:total_duration{count:7,minutes:18}"),
            ("um three ninety minute football matches how long is that", "call:total_duration{count:3,minutes:90}"),
            ("total for 16 tracks of 4.5 minutes", "call:total_duration{count:16,minutes:4.5}"),
            ("If the kids read for 30 minutes a day for 10 days, how much reading is that?",
             "call:total_duration{count:10,minutes:30}"),
            ("two hour-long calls", "call:total_duration{count:2,minutes:60}"),
            ("a course of eight 75-minute classes, total hours please", "call:total_duration{count:8,minutes:75}"),
            ("er jarvis fifteen ten minute breaks over the week how much time is that",
             "call:total_duration{count:15,minutes:10}"),
            ("The audiobook comes in three parts of six hours each. How long overall?",
             "call:total_duration{count:3,minutes:360}"),
            ("the trilogy's three films at 2 hours 40 apiece, how long would a marathon take",
             "call:total_duration{count:3,minutes:160}"),
        ),
    ),
)
