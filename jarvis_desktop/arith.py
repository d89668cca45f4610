"""A safe arithmetic evaluator: numbers, + - * / // % **, parentheses and a few functions.

Never ``eval``: the expression is parsed with ``ast`` and only the node types below are
walked.  Exponents and results are bounded so "9 ** 9 ** 9" cannot hang the app.  Used by
the dataset validator (it recomputes every math answer) and the app's calculator skill.
"""

from __future__ import annotations

import ast
import math
import operator

__all__ = ["evaluate", "ArithmeticError_", "FUNCTIONS"]

FUNCTIONS = {"sqrt": math.sqrt, "round": round, "abs": abs, "floor": math.floor, "ceil": math.ceil}
_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
           ast.Pow: operator.pow}
_UNARY = {ast.UAdd: operator.pos, ast.USub: operator.neg}
MAX_EXPONENT = 1000
MAX_MAGNITUDE = 1e100


class ArithmeticError_(ValueError):
    """The expression is not plain arithmetic, or its value is out of bounds."""


def evaluate(expression: str) -> float | int:
    """Value of an arithmetic expression such as ``"17 * (3 + 4) / 2"`` or ``"sqrt(2)"``."""
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        raise ArithmeticError_(f"not an arithmetic expression: {expression!r}") from None
    try:
        value = _walk(tree.body)
    except ZeroDivisionError:
        raise ArithmeticError_(f"division by zero in {expression!r}") from None
    except OverflowError:
        raise ArithmeticError_(f"{expression!r} is too large to compute") from None
    if isinstance(value, complex) or abs(value) > MAX_MAGNITUDE:
        raise ArithmeticError_(f"{expression!r} is out of range")
    return value


def _walk(node):
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _walk(node.left), _walk(node.right)
        if isinstance(node.op, ast.Pow) and abs(right) > MAX_EXPONENT:
            raise ArithmeticError_(f"exponent {right} is too large")
        return _BINARY[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_walk(node.operand))
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS
            and not node.keywords and 1 <= len(node.args) <= 2):
        return FUNCTIONS[node.func.id](*(_walk(a) for a in node.args))
    raise ArithmeticError_(f"{ast.dump(node)[:60]} is not allowed: only numbers, + - * / // % **, "
                           f"parentheses and {', '.join(FUNCTIONS)}")
