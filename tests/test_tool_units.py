"""The convert tool against the real pint: known constants, spoken names, British defaults,
failures, and that every figure in a reply is one stored in its data."""

from __future__ import annotations

import math
import re

import pytest

from jarvis_desktop.core.skills import format_number
from jarvis_desktop.core.tools.base import Context, Tool, ToolFailed, ToolResult
from jarvis_desktop.core.tools.units import CONVERT, TOOLS, registry, round_significant

SIR = Context(honorific="sir")

# -- helpers shared with test_tool_calculator ------------------------------------------------

_VALUE = r'-?\d+(?:\.\d+)?|"(?:[^"\\]|\\.)*"|true|false'
_PAIR = re.compile(r"([a-z][a-z0-9_]*):(%s)" % _VALUE)
_CALL = re.compile(r"call:([a-z][a-z0-9_]*)\{((?:%s(?:,%s)*)?)\}" % (_PAIR.pattern, _PAIR.pattern))


def parse_call(call: str) -> tuple[str, dict]:
    """``call:NAME{key:value,...}`` as (name, args): a local reading of the call syntax
    (numbers, double-quoted strings with \\" and \\\\ escapes, true/false)."""
    match = _CALL.fullmatch(call)
    assert match, f"not a call: {call!r}"
    args = {}
    for key, raw in _PAIR.findall(match.group(2)):
        assert key not in args, f"{key} given twice in {call!r}"
        if raw.startswith('"'):
            args[key] = re.sub(r"\\(.)", r"\1", raw[1:-1])
        elif raw in ("true", "false"):
            args[key] = raw == "true"
        else:
            args[key] = float(raw) if "." in raw else int(raw)
    return match.group(1), args


def check_examples(tool: Tool, minimum: int = 10) -> None:
    """Every example parses as a call of ``tool`` with only its parameters (the required ones
    all there, each of its kind), and runs on the real tool, with its request as the message, to a reply."""
    assert len(tool.examples) >= minimum, f"{tool.name} has {len(tool.examples)} examples"
    assert len({request for request, _ in tool.examples}) == len(tool.examples), "repeated request"
    names = {p.name for p in tool.params}
    for request, call in tool.examples:
        name, args = parse_call(call)
        assert name == tool.name, (request, call)
        assert set(args) <= names, f"{call!r} uses {set(args) - names}"
        assert {p.name for p in tool.params if p.required} <= set(args), call
        for key, value in args.items():
            kind = tool.param(key).kind
            ok = isinstance(value, (int, float)) and not isinstance(value, bool) if kind is float \
                else isinstance(value, kind) and not (kind is int and isinstance(value, bool))
            assert ok, f"{call!r}: {key} should be {kind.__name__}"
        args = {k: float(v) if tool.param(k).kind is float else v for k, v in args.items()}
        result = tool.run(args, Context(honorific="sir", message=request))  # as the app runs a call
        assert result.ok and result.reply.endswith(", sir."), (call, result.reply)


_NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")  # 1,296.5; not the comma of ", sir"


def _numbers(value) -> list:
    if isinstance(value, dict):
        return [n for v in value.values() for n in _numbers(v)]
    if isinstance(value, (list, tuple)):
        return [n for v in value for n in _numbers(v)]
    return [value] if isinstance(value, (int, float)) and not isinstance(value, bool) else []


def assert_numbers_from_data(result: ToolResult, *formats) -> None:
    """Each figure in the reply is a figure of ``result.data`` as ``format_number`` (or one of
    ``formats``) writes it: the reply says nothing the tool did not compute and store."""
    formatters = (format_number, *formats)
    spoken = {token for n in _numbers(result.data) for f in formatters for token in _NUMBER.findall(f(n))}
    said = _NUMBER.findall(result.reply)
    assert said, f"no figure in {result.reply!r}"
    assert set(said) <= spoken, f"{set(said) - spoken} in {result.reply!r} is not in {result.data}"


def convert(value: float, source: str, target: str, context: Context = SIR) -> ToolResult:
    return CONVERT.run({"value": float(value), "from": source, "to": target}, context)


# -- conversions against known constants ----------------------------------------------------

@pytest.mark.parametrize("value, source, target, expected", [
    (1, "mile", "km", 1.609344),
    (5, "miles", "kilometres", 8.04672),
    (1, "yard", "m", 0.9144),
    (12, "inches", "cm", 30.48),
    (1, "nautical mile", "m", 1852),
    (68, "F", "C", 20),
    (-40, "celsius", "fahrenheit", -40),
    (100, "degC", "degF", 212),
    (0, "C", "kelvin", 273.15),
    (300, "K", "degC", 26.85),
    (1, "stone", "kg", 6.35029318),
    (1, "lbs", "g", 453.59237),
    (1, "stone", "lb", 14),
    (1, "ounce", "g", 28.349523125),
    (1, "ton", "kg", 1016.0469088),  # the imperial long ton
    (1, "tonne", "kg", 1000),
    (1, "pint", "ml", 568.26125),  # imperial by default
    (1, "US pint", "ml", 473.176473),
    (1, "gallons", "litres", 4.54609),
    (1, "US gallon", "l", 3.785411784),
    (1, "pint", "fl oz", 20),
    (1, "fluid ounce", "ml", 28.4130625),
    (1, "cup", "tbsp", 16),
    (1, "tablespoon", "teaspoons", 3),
    (1, "metric cup", "ml", 250),
    (1, "mph", "km/h", 1.609344),
    (1, "knot", "km/h", 1.852),
    (1, "m/s", "kph", 3.6),
    (1, "acre", "square metres", 4046.8564224),  # the international acre
    (1, "hectare", "m2", 10000),
    (1, "hectare", "acres", 2.4710538146716532),
    (1, "sq ft", "square metre", 0.09290304),
    (1, "KB", "bytes", 1000),
    (1, "kB", "B", 1000),
    (1, "MB", "KB", 1000),
    (1, "TB", "GB", 1000),
    (1, "KiB", "bytes", 1024),
    (1, "MiB", "KiB", 1024),
    (1, "GiB", "bytes", 1073741824),
    (1, "GiB", "MB", 1073.741824),
])
def test_known_constants(value, source, target, expected):
    result = convert(value, source, target)
    assert result.ok
    assert result.data["exact"] == pytest.approx(expected, rel=1e-9, abs=1e-9)
    assert result.data["result"] == round_significant(result.data["exact"])
    assert f" is {format_number(result.data['result'])} " in result.reply


def test_the_reply_reads_as_a_butler_says_it():
    assert convert(5, "miles", "km").reply == "5 miles is 8.047 kilometres, sir."
    assert convert(1, "mile", "km").reply == "1 mile is 1.609 kilometres, sir."
    assert convert(68, "F", "C").reply == "68 degrees Fahrenheit is 20 degrees Celsius, sir."
    assert convert(-40, "C", "F").reply == "minus 40 degrees Celsius is minus 40 degrees Fahrenheit, sir."
    assert convert(12, "stone", "lb", Context(honorific="madam")).reply == "12 stone is 168 pounds, madam."
    assert convert(10, "miles", "metres").reply == "10 miles is 16,093 metres, sir."  # whole, not 16,090
    assert convert(1, "light year", "km").data["to_name"] == "kilometres"  # a unit only pint knows


@pytest.mark.parametrize("spoken, unit", [
    ("miles", "mile"), ("kilometres", "kilometer"), ("kilometers", "kilometer"), ("kms", "kilometer"),
    ("KM", "kilometer"), ("lbs", "pound"), ("stone", "stone"), ("ounces", "ounce"), ("litres", "liter"),
    ("gallons", "imperial_gallon"), ("mph", "mile / hour"), ("celsius", "degree_Celsius"),
    ("fahrenheit", "degree_Fahrenheit"), ("C", "degree_Celsius"), ("F", "degree_Fahrenheit"),
    ("degrees C", "degree_Celsius"), ("°F", "degree_Fahrenheit"), ("kelvin", "kelvin"),
    ("Kilograms", "kilogram"), ("fl_oz", "imperial_fluid_ounce"), ("square feet", "foot ** 2"),
    ("mb", "megabyte"), ("gigs", "gigabyte"), ("furlongs", "furlong"), ("hours", "hour"),
])
def test_spoken_names_reach_the_right_unit(spoken, unit):
    assert convert(1, spoken, unit).data["from"] == unit


def test_ounces_against_a_volume_are_fluid_ounces():
    result = convert(8, "oz", "ml")
    assert result.data["from"] == "imperial_fluid_ounce"
    assert result.data["exact"] == pytest.approx(8 * 28.4130625)
    assert convert(8, "oz", "g").data["from"] == "ounce"


def test_the_registry_is_made_once():
    assert registry() is registry()


def test_rounding_keeps_four_significant_digits_and_whole_units():
    assert round_significant(8.04672) == 8.047
    assert round_significant(274.15) == 274.2  # half up on the digits as written
    assert round_significant(16093.44) == 16093
    assert round_significant(6.21371192237334e-07) == 6.214e-07
    assert round_significant(-40.000000000000064) == -40
    assert round_significant(0.0) == 0


# -- failures --------------------------------------------------------------------------------

@pytest.mark.parametrize("value, source, target, words", [
    (5, "miles", "kilograms", ("miles", "kilograms", "a length", "a weight")),
    (1, "mph", "acres", ("miles per hour", "acres", "a speed", "an area")),
    (1, "MB", "radian", ("megabytes", "a data size")),  # pint counts bytes as dimensionless
    (5, "blargs", "km", ("'blargs'",)),
    (5, "km", "wibbles", ("'wibbles'",)),
    (1, "km**1000", "m**1000", ("'km**1000'",)),  # pint would overflow
    (1, "", "km", ("unit called",)),
    (1, "x" * 200, "km", ("unit called",)),
    (-500, "degC", "degF", ("minus 500 degrees Celsius", "absolute zero")),
    (math.nan, "m", "km", ("ordinary number",)),
    (math.inf, "m", "km", ("ordinary number",)),
    (1e308, "km", "mm", ("too large",)),
])
def test_failures_are_polite_and_name_the_unit(value, source, target, words):
    with pytest.raises(ToolFailed) as failed:
        convert(value, source, target, Context(honorific="madam"))
    message = str(failed.value)
    assert message.startswith("I'm afraid") and "madam" in message, message
    for word in words:
        assert word in message, message


# -- numbers and examples --------------------------------------------------------------------

@pytest.mark.parametrize("value, source, target", [
    (5, "miles", "km"), (68, "F", "C"), (-40, "C", "F"), (1, "pint", "ml"), (3.14159, "kg", "lb"),
    (1, "mm", "miles"), (1e20, "km", "m"), (1, "GiB", "MB"), (1234.5678, "acres", "hectares"),
    (0, "C", "F"), (-3.5, "m", "ft"), (1, "light year", "km"),
])
def test_every_number_in_the_reply_is_in_the_data(value, source, target):
    assert_numbers_from_data(convert(value, source, target))


def test_examples_are_calls_of_this_tool():
    assert TOOLS == (CONVERT,)
    check_examples(CONVERT)


@pytest.mark.parametrize("written", ["ft^2", "ft2", "ft²", "sq ft"])
def test_a_square_unit_however_written_is_said_as_people_say_it(written):
    # "ft^2" reached pint's own reading and was said "feet squared"
    assert "699.7 square feet" in convert(65, "m^2", written).reply


# -- a volume of an ingredient as a weight ---------------------------------------------------

def _asked(message: str) -> Context:
    return Context(honorific="sir", message=message)


@pytest.mark.parametrize("message, value, source, target, said", [
    ("how many grams in a cup of flour", 1, "cup", "g", "1 cup of flour is about 125 grams, sir."),
    ("200g of caster sugar, how many cups is that", 200, "g", "cup", "200 grams of sugar is about 1 cup, sir."),
    ("2 cups of soft brown sugar in grams", 2, "cups", "grams", "2 cups of brown sugar is about 440 grams, sir."),
    ("a tablespoon of butter in grams", 1, "tbsp", "g", "1 tablespoon of butter is about 14 grams, sir."),
    ("how many ounces is a cup of plain flour", 1, "cup", "oz", "1 cup of flour is about 4.4 ounces, sir."),
    ("half a litre of milk in kilos", 0.5, "l", "kg", "0.5 litres of milk is about 0.52 kilograms, sir."),
])
def test_a_volume_of_an_ingredient_is_weighed_by_what_it_is(message, value, source, target, said):
    result = convert(value, source, target, _asked(message))
    assert result.reply == said
    assert_numbers_from_data(result)


def test_an_ounce_of_a_solid_is_a_weight_and_of_a_liquid_a_fluid_ounce():
    # 8 oz of butter is a cup; 8 fl oz of milk is 227 ml (imperial fluid ounces, as elsewhere)
    assert convert(8, "oz", "cup", _asked("8 oz of butter in cups")).data["result"] == 1.0
    milk = convert(8, "oz", "ml", _asked("8 oz of milk in ml"))
    assert milk.data["to"] == "milliliter" and milk.data["result"] == 227.3 and "ingredient" not in milk.data


def test_the_ingredient_may_be_written_with_the_unit():
    result = CONVERT.run({"value": 3.0, "from": "cups of rice", "to": "g"}, SIR)
    assert result.data["ingredient"] == "rice" and result.data["result"] == 555


def test_a_volume_as_a_weight_without_an_ingredient_asks_for_it():
    with pytest.raises(ToolFailed) as failed:
        convert(1, "cup", "g", _asked("how many grams is a cup"))
    assert str(failed.value) == ("That depends on what's measured, sir: cups are a volume and grams a weight. "
                                 "Tell me the ingredient (flour, sugar, brown sugar, icing sugar, butter, "
                                 "water and so on) and I'll work it out.")
    with pytest.raises(ToolFailed, match="That depends on what's measured"):
        convert(1, "cup", "g", _asked("a cup of flour and sugar mixed, in grams"))  # two: which?


def test_how_many_grams_in_a_cup_of_flour_is_the_tool_beyond_doubt():
    from jarvis_desktop.core.assistant import EVAL_NOW
    from jarvis_desktop.core.tools import Toolbox

    toolbox = Toolbox(act=False, clock=lambda: EVAL_NOW)
    assert toolbox.beyond_doubt("how many grams in a cup of flour") == \
        'call:convert{value:1,from:"cup",to:"grams"}'
    assert toolbox.run(toolbox.beyond_doubt("how many grams in a cup of flour"),
                       message="how many grams in a cup of flour").result.reply == \
        "1 cup of flour is about 125 grams, sir."
    assert toolbox.beyond_doubt("how many grams in a cup") is None  # no ingredient: the model's
