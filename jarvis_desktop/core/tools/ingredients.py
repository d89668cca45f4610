"""What a cup of flour weighs: the kitchen's volume-to-weight conversions, for the convert tool.

A cup is a volume and a gram a weight, so "how many grams in a cup of flour" has no answer
without the ingredient.  The figures are grams per US cup (236.6 ml) of the ingredient as a
recipe measures it (spooned and levelled, brown sugar packed), rounded as the usual kitchen
weight charts give them (King Arthur's ingredient weight chart, the USDA's food data); they vary
with how an ingredient is packed, so Jarvis says "about".  An ingredient not in the table gets
no figure: he says which he knows.
"""

from __future__ import annotations

import re

__all__ = ["CUP_ML", "Ingredient", "ingredient_in", "known_names"]

CUP_ML = 236.5882365  # the US cup, as units.py's "cup"


class Ingredient:
    """One ingredient: the name Jarvis says, its weight per US cup, and whether it is poured
    (an ounce of milk is a fluid ounce; an ounce of flour a weight)."""

    __slots__ = ("name", "grams_per_cup", "liquid")

    def __init__(self, name: str, grams_per_cup: float, liquid: bool = False):
        self.name, self.grams_per_cup, self.liquid = name, grams_per_cup, liquid

    @property
    def grams_per_ml(self) -> float:
        return self.grams_per_cup / CUP_ML

    def __repr__(self) -> str:
        return f"Ingredient({self.name!r}, {self.grams_per_cup})"


# (the name said, grams per US cup, other names).  Longer names are matched first, so "brown
# sugar" is not read as "sugar" and "almond flour" not as "flour".
_TABLE = (
    ("flour", 125, ("plain flour", "all purpose flour", "all-purpose flour", "self raising flour",
                    "self-raising flour", "self rising flour", "strong flour", "bread flour",
                    "white flour", "wholemeal flour", "whole wheat flour", "wholewheat flour")),
    ("sugar", 200, ("white sugar", "granulated sugar", "castor sugar", "caster sugar")),
    ("brown sugar", 220, ("light brown sugar", "dark brown sugar", "soft brown sugar",
                          "muscovado sugar", "demerara sugar")),
    ("icing sugar", 125, ("powdered sugar", "confectioners sugar", "confectioners' sugar")),
    ("butter", 227, ("margarine",)),
    ("water", 237, ()),
    ("milk", 245, ("whole milk", "semi skimmed milk", "semi-skimmed milk", "skimmed milk")),
    ("cream", 240, ("double cream", "single cream", "heavy cream", "whipping cream")),
    ("yoghurt", 245, ("yogurt", "greek yoghurt", "greek yogurt", "natural yoghurt")),
    ("honey", 340, ("golden syrup",)),
    ("maple syrup", 315, ()),
    ("oil", 218, ("olive oil", "vegetable oil", "sunflower oil", "rapeseed oil", "coconut oil")),
    ("rice", 185, ("white rice", "basmati rice", "long grain rice", "arborio rice", "risotto rice")),
    ("oats", 90, ("rolled oats", "porridge oats", "oatmeal")),
    ("cocoa powder", 85, ("cocoa",)),
    ("salt", 290, ("table salt",)),
    ("cornflour", 120, ("cornstarch", "corn starch")),
    ("ground almonds", 100, ("almond flour",)),
    ("chocolate chips", 170, ("choc chips",)),
    ("raisins", 150, ("sultanas", "currants")),
    ("peanut butter", 260, ()),
)

_LIQUIDS = {"water", "milk", "cream", "yoghurt", "honey", "maple syrup", "oil"}


def _key(text: str) -> str:
    """A name as the table is keyed: lower case, no apostrophes, hyphens as spaces."""
    return re.sub(r"[\s-]+", " ", text.lower().replace("'", "").replace("\u2019", "")).strip()


def _entries() -> dict[str, Ingredient]:
    names: dict[str, Ingredient] = {}
    for name, grams, others in _TABLE:
        ingredient = Ingredient(name, float(grams), name in _LIQUIDS)
        for spoken in (name, *others):
            names[_key(spoken)] = ingredient
    return names


_BY_NAME = _entries()
_PATTERN = re.compile(r"\b(" + "|".join(r"[\s-]+".join(re.escape(w) for w in name.split())
                                        for name in sorted(_BY_NAME, key=len, reverse=True)) + r")\b")


def ingredient_in(text: str) -> Ingredient | None:
    """The one ingredient ``text`` names ("a cup of plain flour" -> flour), or None where it
    names none or two different ones ("flour and sugar")."""
    found = {_BY_NAME[_key(m.group(1))] for m in _PATTERN.finditer(_key(text))}
    return found.pop() if len(found) == 1 else None


def known_names() -> list[str]:
    """The ingredients Jarvis knows by their main names, in the table's order."""
    return [name for name, _, _ in _TABLE]
