"""The ``convert`` tool: a value from one unit to another, with pint doing the arithmetic.

Spoken and typed names ("miles", "kms", "lbs", "degrees C", "fl oz") are looked up in a table
first; anything else goes to pint's own parser.  Where British and American measures differ,
Jarvis is a British butler and means the British one unless told otherwise:

- pint, quart, gallon and fluid ounce are imperial (568.26125 ml to the pint, 4.54609 l to the
  gallon, 20 fl oz to the pint); "US pint", "US gallon", "US fl oz" are the American ones;
- cup, tablespoon and teaspoon are US customary (236.6 ml, 14.79 ml, 4.929 ml): recipes that
  measure in cups are nearly always American, and this keeps 16 tablespoons to the cup;
  "metric cup" is 250 ml, "imperial cup" 284 ml;
- ton is the imperial long ton (2,240 lb), "tonne" the metric one, "short ton" the American;
  stone is 14 lb; acre is the international acre (4,840 square yards; pint's own is the US
  survey acre, 4e-6 larger);
- data sizes are decimal, as the SI and drive makers count: KB (and kB, kb) is 1,000 bytes,
  MB a million, GB a billion.  Binary sizes are KiB, MiB, GiB, TiB (1,024 bytes to the KiB);
  "mb" and "gb" mean bytes, not bits or pint's millibarn, because that is what people mean.

Temperatures are offset units: ``Quantity(68, degF).to(degC)`` is 20, not 37.8.  pint's
"C" and "F" are the coulomb and the farad, so the table maps them to Celsius and Fahrenheit.

Results are rounded to 4 significant digits, but never below whole units (16,093 metres, not
16,090), and the rounded
figure is what ``data`` stores and the reply says, through ``format_number``.
"""

from __future__ import annotations

import math
import re
import threading
from decimal import ROUND_HALF_UP, Decimal
from dataclasses import dataclass
from typing import TYPE_CHECKING

from jarvis_desktop.core.skills import format_number
from jarvis_desktop.core.tools.base import Context, Param, Tool, ToolFailed, ToolResult
from jarvis_desktop.core.tools.ingredients import Ingredient, ingredient_in, known_names

if TYPE_CHECKING:
    import pint

__all__ = ["TOOLS", "registry", "round_significant"]

SIGNIFICANT = 4
MAX_UNIT_CHARS = 40  # a unit name, even "imperial fluid ounces per hour", is shorter
MAX_POWER = 3  # cubic metres at most: km**1000 would overflow inside pint

_registry: pint.UnitRegistry | None = None
_registry_lock = threading.Lock()


def registry() -> pint.UnitRegistry:
    """The one UnitRegistry, made on first use: parsing pint's definitions takes a moment."""
    global _registry
    with _registry_lock:
        if _registry is None:
            import pint

            ureg = pint.UnitRegistry()
            ureg.define("international_acre = 4840 * yard ** 2")
            ureg.define("metric_cup = 250 * milliliter")
            _registry = ureg
        return _registry


@dataclass(frozen=True)
class _Unit:
    """A unit as pint parses it and as Jarvis says it (one, many)."""

    pint: str
    one: str
    many: str


def _unit(pint_name: str, one: str, many: str | None = None, *aliases: str) -> tuple[_Unit, tuple[str, ...]]:
    return _Unit(pint_name, one, many or one + "s"), aliases


# Names are matched lower-case, "_" read as a space; the spoken names and their American
# spellings (meter, liter) are aliases too.
_TABLE = (
    # length
    _unit("millimeter", "millimetre", None, "mm"),
    _unit("centimeter", "centimetre", None, "cm", "cms"),
    _unit("meter", "metre", None, "m"),
    _unit("kilometer", "kilometre", None, "km", "kms", "klick", "klicks"),
    _unit("inch", "inch", "inches", "in", "ins"),
    _unit("foot", "foot", "feet", "ft"),
    _unit("yard", "yard", None, "yd", "yds"),
    _unit("mile", "mile", None, "mi"),
    _unit("nautical_mile", "nautical mile", None, "nmi"),
    # mass
    _unit("milligram", "milligram", None, "mg", "milligramme", "milligrammes"),
    _unit("gram", "gram", None, "g", "gm", "gms", "grams", "gramme", "grammes"),
    _unit("kilogram", "kilogram", None, "kg", "kgs", "kilo", "kilos", "kilogramme", "kilogrammes"),
    _unit("metric_ton", "tonne", None, "t", "metric ton", "metric tons", "metric tonne"),
    _unit("long_ton", "ton", None, "long ton", "long tons", "imperial ton", "imperial tons", "uk ton"),
    _unit("ton", "short ton", None, "us ton", "us tons", "american ton"),
    _unit("pound", "pound", None, "lb", "lbs", "lb."),
    _unit("ounce", "ounce", None, "oz", "ozs"),
    _unit("stone", "stone", "stone", "st", "stones"),
    # volume and cooking measures
    _unit("milliliter", "millilitre", None, "ml", "mls", "cc", "cubic centimetre", "cubic centimetres"),
    _unit("centiliter", "centilitre", None, "cl"),
    _unit("liter", "litre", None, "l", "ltr", "ltrs", "lt"),
    _unit("meter ** 3", "cubic metre", None, "m3", "m³", "m^3", "cubic meter", "cubic meters"),
    _unit("imperial_pint", "pint", None, "pt", "pts", "imperial pint", "imperial pints", "uk pint",
          "uk pints", "british pint", "british pints"),
    _unit("pint", "US pint", None, "us pt", "american pint", "american pints"),
    _unit("imperial_quart", "quart", None, "qt", "imperial quart", "imperial quarts", "uk quart"),
    _unit("quart", "US quart", None, "us qt"),
    _unit("imperial_gallon", "gallon", None, "gal", "gals", "imperial gallon", "imperial gallons",
          "uk gallon", "uk gallons", "british gallon", "british gallons"),
    _unit("gallon", "US gallon", None, "us gal", "american gallon", "american gallons"),
    _unit("imperial_fluid_ounce", "fluid ounce", None, "fl oz", "floz", "fl. oz", "fl.oz", "fluid oz",
          "imperial fluid ounce", "imperial fluid ounces", "uk fl oz"),
    _unit("fluid_ounce", "US fluid ounce", None, "us fl oz", "us floz", "us fluid oz"),
    _unit("cup", "cup", None, "cups", "us cup", "us cups"),
    _unit("metric_cup", "metric cup", None),
    _unit("imperial_cup", "imperial cup", None, "uk cup", "uk cups"),
    _unit("tablespoon", "tablespoon", None, "tbsp", "tbsps", "tbs", "tbl", "tblsp"),
    _unit("teaspoon", "teaspoon", None, "tsp", "tsps"),
    # temperature (offset units)
    _unit("degree_Celsius", "degree Celsius", "degrees Celsius", "c", "°c", "celsius", "centigrade",
          "degc", "deg c"),
    _unit("degree_Fahrenheit", "degree Fahrenheit", "degrees Fahrenheit", "f", "°f", "fahrenheit",
          "degf", "deg f"),
    _unit("kelvin", "kelvin", "kelvin", "k", "kelvins"),
    # speed
    _unit("mile / hour", "mile per hour", "miles per hour", "mph", "miles an hour", "mile an hour",
          "mi/h"),
    _unit("kilometer / hour", "kilometre per hour", "kilometres per hour", "km/h", "kmh", "kph",
          "km/hr", "kmph", "kilometres an hour", "kilometers an hour", "km per hour"),
    _unit("meter / second", "metre per second", "metres per second", "m/s", "mps", "metres a second",
          "meters a second", "meter per sec", "metres per sec"),
    _unit("knot", "knot", None, "kt", "kts", "kn"),
    # area
    _unit("international_acre", "acre", None, "ac", "acres"),
    _unit("hectare", "hectare", None, "ha"),
    _unit("meter ** 2", "square metre", "square metres", "m2", "m²", "m^2", "sq m", "sqm",
          "square meter", "square meters", "sq metre", "sq metres", "metres squared", "meters squared"),
    _unit("kilometer ** 2", "square kilometre", "square kilometres", "km2", "km²", "km^2", "sq km",
          "square kilometer", "square kilometers"),
    _unit("foot ** 2", "square foot", "square feet", "ft2", "ft²", "ft^2", "sq ft", "sqft", "sq feet",
          "feet squared"),
    _unit("yard ** 2", "square yard", "square yards", "yd2", "yd²", "yd^2", "sq yd", "sq yds"),
    _unit("mile ** 2", "square mile", "square miles", "mi2", "mi²", "mi^2", "sq mi", "sq miles"),
    # data sizes: decimal (KB = 1,000 bytes), binary with "i" (KiB = 1,024 bytes)
    _unit("byte", "byte", None, "b", "bytes"),
    _unit("kilobyte", "kilobyte", None, "kb", "kbyte", "kbytes"),
    _unit("megabyte", "megabyte", None, "mb", "meg", "megs", "mbyte", "mbytes"),
    _unit("gigabyte", "gigabyte", None, "gb", "gig", "gigs", "gbyte", "gbytes"),
    _unit("terabyte", "terabyte", None, "tb", "tbyte", "tbytes"),
    _unit("kibibyte", "kibibyte", None, "kib"),
    _unit("mebibyte", "mebibyte", None, "mib"),
    _unit("gibibyte", "gibibyte", None, "gib"),
    _unit("tebibyte", "tebibyte", None, "tib"),
)


def _key(text: str) -> str:
    """A name as the table is keyed: lower case, "_" as a space, single spaces."""
    return re.sub(r"\s+", " ", text.replace("_", " ").strip().lower())


def _aliases() -> dict[str, _Unit]:
    names: dict[str, _Unit] = {}
    for unit, aliases in _TABLE:
        spoken = (unit.one, unit.many)
        american = tuple(n.replace("metre", "meter").replace("litre", "liter") for n in spoken)
        for name in (*spoken, *american, *aliases):
            names.setdefault(_key(name), unit)
    return names


_ALIASES = _aliases()
_FLUID_OUNCE = _ALIASES["fluid ounce"]
_DEGREES = re.compile(r"^(?:degrees?|deg)\s+(?=\S)")
# What a quantity is, by its dimensions, for "one is a length and the other a weight".
_KINDS = {"[length]": "a length", "[mass]": "a weight", "[length] ** 3": "a volume",
          "[length] ** 2": "an area", "[temperature]": "a temperature", "[time]": "a time",
          "[length] / [time]": "a speed", "[mass] * [length] ** 2 / [time] ** 2": "an energy"}


def _fallback_name(units: pint.Unit, plural: bool) -> str:
    """How to say a unit pint knows and the table does not: "furlongs", "hours per week"."""
    text = re.sub(r"^1 / ", "per ", str(units)).replace(" / ", " per ").replace(" ** 2", " squared").replace(" ** 3", " cubed")
    text = text.replace(" * ", " ").replace("_", " ").replace("meter", "metre").replace("liter", "litre")
    if not plural:
        return text
    first, _, rest = text.partition(" ")
    irregular = {"foot": "feet", "inch": "inches", "century": "centuries", "hertz": "hertz",
                 "kelvin": "kelvin", "stone": "stone"}
    if first == "per":  # "per second": nothing to make plural
        return text
    many = irregular.get(first, first if first.endswith("s") else first + "s")
    return f"{many} {rest}".strip()


def _resolve(text: str, h: str) -> tuple[_Unit, pint.Unit]:
    """The unit ``text`` names, from the table or else pint; ToolFailed naming it if neither knows it."""
    ureg = registry()
    key = _key(text)
    unit = _ALIASES.get(key) or _ALIASES.get(_DEGREES.sub("", key))
    unknown = ToolFailed(f"I'm afraid I don't know a unit called '{text.strip()[:MAX_UNIT_CHARS]}', {h}.")
    if unit is not None:
        return unit, ureg.parse_units(unit.pint)
    if not key or len(text) > MAX_UNIT_CHARS:
        raise unknown
    units = _parse(text.strip()) or _parse(re.sub(r"\s+", "_", text.strip()))  # "light year"
    if units is None:
        raise unknown
    if str(units) == "dimensionless" or any(abs(p) > MAX_POWER for p in dict(units.dimensionality).values()):
        raise unknown
    return _Unit(str(units), _fallback_name(units, False), _fallback_name(units, True)), units


def _parse(text: str) -> pint.Unit | None:
    """pint's reading of a unit name, or None where it has none."""
    try:
        return registry().parse_units(text)
    except Exception:  # noqa: BLE001 - pint's parser raises many kinds for a name it cannot read
        return None


def _kind(units: pint.Unit) -> str:
    if not units.dimensionality:
        return "a data size" if _base(units) == "bit" else "a pure number"
    return _KINDS.get(str(units.dimensionality), "a different kind of quantity")


def _base(units: pint.Unit) -> str:
    return str(registry().Quantity(1, units).to_base_units().units)


def _compatible(a: pint.Unit, b: pint.Unit) -> bool:
    """Whether a converts to b.  pint counts bytes as dimensionless (bit = []), so a megabyte
    would "convert" to radians or percent: dimensionless units must share their base unit too."""
    if a.dimensionality != b.dimensionality:
        return False
    return bool(a.dimensionality) or _base(a) == _base(b)


def round_significant(value: float, digits: int = SIGNIFICANT) -> float:
    """``value`` to ``digits`` significant digits, but whole numbers are kept whole:
    8.04672 -> 8.047, 16093.44 -> 16093 (not 16090), 0.000621371 -> 0.0006214."""
    if value == 0 or not math.isfinite(value):
        return value
    places = digits - 1 - math.floor(math.log10(abs(value)))
    if places <= 0:
        return float(round(value))
    # Half away from zero on the decimal digits as written: 274.15 -> 274.2.  round() works
    # on the binary value, 274.14999..., and would say 274.1.
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))


def _as_volume(unit: _Unit, units: pint.Unit, other: pint.Unit) -> tuple[_Unit, pint.Unit]:
    """An ounce against a volume ("8 oz in ml") is a fluid ounce; any other unit as it is."""
    if unit.pint == "ounce" and _kind(other) == "a volume":
        return _FLUID_OUNCE, registry().parse_units(_FLUID_OUNCE.pint)
    return unit, units


def _name(unit: _Unit, spoken_number: str) -> str:
    return unit.one if spoken_number in ("1", "minus 1") else unit.many


def _convert(args: dict, context: Context) -> ToolResult:
    h = context.honorific
    value = float(args["value"])
    if not math.isfinite(value):
        raise ToolFailed(f"I'm afraid I can only convert an ordinary number, {h}.")
    named = [_unit_and_ingredient(args[key]) for key in ("from", "to")]
    (source, source_units), (target, target_units) = (_resolve(text, h) for text, _ in named)
    what = named[0][1] or named[1][1] or context.message
    ingredient = ingredient_in(what)
    if ingredient is None or ingredient.liquid:  # "8 oz of milk in ml" is fluid ounces; "8 oz of butter" a weight
        source, source_units = _as_volume(source, source_units, target_units)
        target, target_units = _as_volume(target, target_units, source_units)
    if {_kind(source_units), _kind(target_units)} == {"a volume", "a weight"}:
        return _kitchen(value, (source, source_units), (target, target_units), ingredient, h)
    if not _compatible(source_units, target_units):
        raise ToolFailed(f"I'm afraid {source.many} can't be converted to {target.many}, {h}: "
                         f"one is {_kind(source_units)} and the other {_kind(target_units)}.")
    quantity = registry().Quantity(value, source_units)
    spoken_value = format_number(value)
    if _kind(source_units) == "a temperature" and quantity.to("kelvin").magnitude < -1e-9:
        raise ToolFailed(f"I'm afraid {spoken_value} {_name(source, spoken_value)} is colder than "
                         f"absolute zero, {h}.")
    try:
        exact = float(quantity.to(target_units).magnitude)
    except OverflowError:
        exact = math.inf
    if not math.isfinite(exact):
        raise ToolFailed(f"I'm afraid that comes to a number too large to say, {h}.")
    result = round_significant(exact)
    spoken_result = format_number(result)
    data = {"value": value, "from": str(source_units), "to": str(target_units), "result": result,
            "exact": exact, "from_name": _name(source, spoken_value),
            "to_name": _name(target, spoken_result)}
    return ToolResult(f"{spoken_value} {data['from_name']} is {spoken_result} {data['to_name']}, {h}.", data)


def _unit_and_ingredient(text: str) -> tuple[str, str]:
    """A unit written with what it measures, "cup of flour", as ("cup", "flour")."""
    unit, of, what = str(text).partition(" of ")
    return (unit, what) if of and unit.strip() else (str(text), "")


def _kitchen(value: float, source: tuple[_Unit, pint.Unit], target: tuple[_Unit, pint.Unit],
             ingredient: Ingredient | None, h: str) -> ToolResult:
    """A volume as a weight or a weight as a volume, for the ingredient named with the units or
    in the user's words (tools/ingredients.py): "a cup of flour in grams" is about 125.  Said with
    "about" and to 2 significant digits (whole numbers kept whole): a cup of flour weighs what its
    packing makes it, give or take a few per cent."""
    (source, source_units), (target, target_units) = source, target
    spoken_value = format_number(value)
    if ingredient is None:
        known = ", ".join(known_names()[:6])
        raise ToolFailed(f"That depends on what's measured, {h}: {source.many} are "
                         f"{_kind(source_units)} and {target.many} {_kind(target_units)}. Tell me the "
                         f"ingredient ({known} and so on) and I'll work it out.")
    ureg = registry()
    if _kind(source_units) == "a volume":
        grams = ureg.Quantity(value, source_units).to("milliliter").magnitude * ingredient.grams_per_ml
        exact = ureg.Quantity(grams, "gram").to(target_units).magnitude
    else:
        ml = ureg.Quantity(value, source_units).to("gram").magnitude / ingredient.grams_per_ml
        exact = ureg.Quantity(ml, "milliliter").to(target_units).magnitude
    exact = float(exact)
    if not math.isfinite(exact):
        raise ToolFailed(f"I'm afraid that comes to a number too large to say, {h}.")
    result = round_significant(exact, 2)
    spoken_result = format_number(result)
    data = {"value": value, "from": str(source_units), "to": str(target_units), "result": result,
            "exact": exact, "from_name": _name(source, spoken_value), "to_name": _name(target, spoken_result),
            "ingredient": ingredient.name, "grams_per_cup": ingredient.grams_per_cup}
    return ToolResult(f"{spoken_value} {data['from_name']} of {ingredient.name} is about {spoken_result} "
                      f"{data['to_name']}, {h}.", data)


CONVERT = Tool(
    name="convert",
    doc="Convert a value between units: length, weight, volume and cooking measures (a cup of flour "
        "in grams too), temperature, speed, area, data sizes.  British measures by default (imperial "
        "pint and gallon).",
    params=(Param("value", float, "the number to convert, e.g. 5"),
            Param("from", str, 'the unit it is in, e.g. "mile", "degF", "stone", "pint"'),
            Param("to", str, 'the unit wanted, e.g. "km", "degC", "kg", "ml"')),
    run=_convert,
    timeout_s=5.0,  # the first call loads pint's definitions
    examples=(
        ("What's 5 miles in kilometres?", 'call:convert{value:5,from:"mile",to:"km"}'),
        ("how many kilometres is ten miles", 'call:convert{value:10,from:"mile",to:"km"}'),
        ("Convert 68 Fahrenheit to Celsius, please.", 'call:convert{value:68,from:"degF",to:"degC"}'),
        ("its thirty degrees out what is that in fahrenheit", 'call:convert{value:30,from:"degC",to:"degF"}'),
        ("I weigh 12 stone. What's that in kilos?", 'call:convert{value:12,from:"stone",to:"kg"}'),
        ("how many pounds is two and a half kilograms", 'call:convert{value:2.5,from:"kg",to:"lb"}'),
        ("How many millilitres in a pint?", 'call:convert{value:1,from:"pint",to:"ml"}'),
        ("Filled up with 40 litres, how many gallons is that?", 'call:convert{value:40,from:"l",to:"gallon"}'),
        ("seventy mph in kilometres an hour", 'call:convert{value:70,from:"mph",to:"km/h"}'),
        ("The boat does 20 knots. Metres a second?", 'call:convert{value:20,from:"knot",to:"m/s"}'),
        ("how big is an acre in hectares", 'call:convert{value:1,from:"acre",to:"hectare"}'),
        ("How many megabytes make up 2 gigabytes?", 'call:convert{value:2,from:"GB",to:"MB"}'),
        ("3 cups of flour in tablespoons", 'call:convert{value:3,from:"cup",to:"tbsp"}'),
        ("the recipe wants 200 ml, how many fluid ounces is that", 'call:convert{value:200,from:"ml",to:"fl oz"}'),
        ("A 10K run is how far in old money?", 'call:convert{value:10,from:"km",to:"mile"}'),
        ("six foot tall in centimetres", 'call:convert{value:6,from:"ft",to:"cm"}'),
        ("What does 350 square feet come to in metric?", 'call:convert{value:350,from:"sq ft",to:"m2"}'),
        ("um jarvis whats a hundred and eighty degrees celsius in fahrenheit",
         'call:convert{value:180,from:"degC",to:"degF"}'),
        ("The American recipe says bake at 350 F. What's that for my oven in Celsius?",
         'call:convert{value:350,from:"degF",to:"degC"}'),
        ("How many grams is 8 ounces of butter?", 'call:convert{value:8,from:"oz",to:"g"}'),
        ("need 2 tablespoons of vanilla but I've only got a teaspoon measure, how many of those",
         'call:convert{value:2,from:"tbsp",to:"tsp"}'),
        ("half a pound of mince in grams", 'call:convert{value:0.5,from:"lb",to:"g"}'),
        ("how many cups is 500 ml", 'call:convert{value:500,from:"ml",to:"cup"}'),
        ("I'm a hundred and sixty pounds, what's that in stone", 'call:convert{value:160,from:"lb",to:"stone"}'),
        ("How many stone is 80 kilos?", 'call:convert{value:80,from:"kg",to:"stone"}'),
        ("my 2 year old weighs 13 kilos how much is that in pounds", 'call:convert{value:13,from:"kg",to:"lb"}'),
        ("How many pints are there in 2 litres?", 'call:convert{value:2,from:"l",to:"pint"}'),
        ("how many feet in a mile", 'call:convert{value:1,from:"mile",to:"ft"}'),
        ("Six feet is how many inches?", 'call:convert{value:6,from:"ft",to:"in"}'),
        ("the form wants my height in inches and I'm 175 centimetres", 'call:convert{value:175,from:"cm",to:"in"}'),
        ("Driving in France, the sign says 130 km/h. What's that in miles per hour?",
         'call:convert{value:130,from:"km/h",to:"mph"}'),
        ("thirty mph in metres per second", 'call:convert{value:30,from:"mph",to:"m/s"}'),
        ("the flat is 85 square metres how many square feet is that", 'call:convert{value:85,from:"m2",to:"sq ft"}'),
        ("How many acres make 3 hectares?", 'call:convert{value:3,from:"hectare",to:"acre"}'),
        ("the download's 750 megs how many gigs is that", 'call:convert{value:750,from:"MB",to:"GB"}'),
        ("Put a 4 TB disc in gigabytes for me.", 'call:convert{value:4,from:"TB",to:"GB"}'),
        ("body temperature's 98.6 in fahrenheit, what's that in centigrade",
         'call:convert{value:98.6,from:"degF",to:"degC"}'),
        ("jarvis whats a marathon twenty six point two miles in kilometres",
         'call:convert{value:26.2,from:"mile",to:"km"}'),
        ("Jarvis, before I order the rug, could you put 240 centimetres into feet?",
         'call:convert{value:240,from:"cm",to:"ft"}'),
        ("um how many ounces is a hundred and fifty grams", 'call:convert{value:150,from:"g",to:"oz"}'),
        ("3 kg in pounds", 'call:convert{value:3,from:"kg",to:"lb"}'),
        ("the doctor's scales said 72 kilograms but I only understand stone",
         'call:convert{value:72,from:"kg",to:"stone"}'),
        ("Two pints of milk is how many litres?", 'call:convert{value:2,from:"pint",to:"l"}'),
        ("er how many teaspoons in a tablespoon", 'call:convert{value:1,from:"tbsp",to:"tsp"}'),
        ("recipe says 4 fl oz of cream but my jug only does ml", 'call:convert{value:4,from:"fl oz",to:"ml"}'),
        ("it's minus five outside, what would the Americans call that in their degrees",
         'call:convert{value:-5,from:"degC",to:"degF"}'),
        ("Forecast in Florida says 95 F. Is that hot in proper Celsius?",
         'call:convert{value:95,from:"degF",to:"degC"}'),
        ("the garden's about half an acre how many square metres would that be",
         'call:convert{value:0.5,from:"acre",to:"m2"}'),
        ("um jarvis how many gigabytes is one point five terabytes", 'call:convert{value:1.5,from:"TB",to:"GB"}'),
        ("My tank takes 12 gallons; how many litres is that, then?", 'call:convert{value:12,from:"gallon",to:"l"}'),
        ("the wind's gusting 40 knots what's that in miles an hour", 'call:convert{value:40,from:"knot",to:"mph"}'),
    ),
)

TOOLS: tuple[Tool, ...] = (CONVERT,)
