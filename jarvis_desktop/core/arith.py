"""A safe arithmetic evaluator: numbers, + - * / // % **, parentheses and a few functions.

Never ``eval``: the expression is parsed with ``ast`` and only the node types below are
walked.  The work is bounded *before* it is done, because the calculator skill runs on the
GUI thread and the dataset validator on every ``check``: one unbounded ``**`` freezes either.

- the text is at most ``MAX_CHARS`` characters and its parse tree ``MAX_DEPTH`` levels deep,
  so neither the parser nor the recursive walk can run out of stack;
- a power's size is estimated from its operands (digits ~ exponent * log10|base|) and refused
  above ``MAX_DIGITS`` without being computed;
- every intermediate integer is at most ``MAX_DIGITS`` digits and every float finite, so a
  chain of multiplications cannot grow without end, and ``%``, ``//``, ``sqrt`` and ``round``
  only ever see bounded operands (``round``'s digits are bounded too);
- the result is at most ``MAX_MAGNITUDE``.

Errors: a refusal (not arithmetic, too long or deep, too large, division by zero) is an
``ArithmeticError_``; its message says "too large" or "out of range" for size, "division by
zero" for that.  A sum with no real answer (``sqrt(-4)``, ``(-8) ** 0.5``) raises a plain
``ValueError`` saying "has no real answer".  Both are ``ValueError``: nothing else escapes.
Used by the dataset validator (it recomputes every math answer) and the calculator skill.
"""

from __future__ import annotations

import ast
import math
import operator

__all__ = ["evaluate", "ArithmeticError_", "FUNCTIONS", "MAX_CHARS", "MAX_DEPTH", "MAX_DIGITS",
           "MAX_EXPONENT", "MAX_MAGNITUDE", "MAX_ROUND_DIGITS"]

FUNCTIONS = {"sqrt": math.sqrt, "cbrt": math.cbrt, "round": round, "abs": abs, "floor": math.floor, "ceil": math.ceil}
_ARITY = {"round": (1, 2)}  # the others take exactly one argument
_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
           ast.Pow: operator.pow}
_UNARY = {ast.UAdd: operator.pos, ast.USub: operator.neg}
MAX_CHARS = 1000  # a sum someone types or a data file's check, with room to spare
MAX_DEPTH = 200  # parse-tree levels (a sum of n terms is n deep): well below the recursion limit of 1000
MAX_DIGITS = 3000  # any integer along the way: big-int work at this size takes microseconds
MAX_EXPONENT = 1000  # a plain rule on top of the size estimate: "2 ** 2000" is refused as before
MAX_MAGNITUDE = 1e100
MAX_ROUND_DIGITS = 100  # round(5, -10**9) would build 10**(10**9) inside int.__round__
_MAX_BITS = math.ceil(MAX_DIGITS * math.log2(10))


class ArithmeticError_(ValueError):
    """The expression is not plain arithmetic, or its value is out of bounds."""


def evaluate(expression: str) -> float | int:
    """Value of an arithmetic expression such as ``"17 * (3 + 4) / 2"`` or ``"sqrt(2)"``.

    Raises ArithmeticError_ when the expression is refused and ValueError when it has no real
    answer (see the module docstring); the work done is bounded whatever the input.
    """
    text = expression.strip()
    if len(text) > MAX_CHARS:
        raise ArithmeticError_(f"the expression is too long to compute ({len(text):,} characters; "
                               f"the limit is {MAX_CHARS:,})")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        if "nested" in str(exc):  # Python's own limit on nested parentheses
            raise _too_deep(text) from None
        raise ArithmeticError_(f"not an arithmetic expression: {_quote(text)}") from None
    except (RecursionError, MemoryError):  # thousands of unary minuses, say
        raise _too_deep(text) from None
    except ValueError:
        raise ArithmeticError_(f"not an arithmetic expression: {_quote(text)}") from None
    if _depth(tree.body) > MAX_DEPTH:
        raise _too_deep(text)
    try:
        value = _walk(tree.body)
    except ZeroDivisionError:
        raise ArithmeticError_(f"division by zero in {_quote(text)}") from None
    except OverflowError:  # a float past 1.8e308, or an integer too big to become one
        raise ArithmeticError_(f"{_quote(text)} is too large to compute") from None
    except RecursionError:  # only when the caller's own stack is nearly full
        raise _too_deep(text) from None
    if abs(value) > MAX_MAGNITUDE:
        raise ArithmeticError_(f"{_quote(text)} is out of range (larger than {MAX_MAGNITUDE:g})")
    return value


def _too_deep(text: str) -> ArithmeticError_:
    return ArithmeticError_(f"{_quote(text)} has too many nested operations (at most {MAX_DEPTH})")


def _quote(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _show(node: ast.AST) -> str:
    """A part of the expression for a message, kept short."""
    return _quote(ast.unparse(node))


def _depth(root: ast.AST) -> int:
    """Levels in the parse tree, counted without recursion (the tree may be very deep)."""
    deepest, stack = 0, [(root, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


def _bounded(value, node: ast.AST):
    """``value`` if it is a real number of bounded size; refuse it otherwise."""
    if isinstance(value, complex):
        raise ValueError(f"{_show(node)} has no real answer")
    if isinstance(value, int) and value.bit_length() > _MAX_BITS:
        raise ArithmeticError_(f"{_show(node)} is too large to compute (more than {MAX_DIGITS:,} digits)")
    if isinstance(value, float) and not math.isfinite(value):
        raise ArithmeticError_(f"{_show(node)} is too large to compute")
    return value


def _check_power(base, exponent, node: ast.AST) -> None:
    """Refuse a power before computing it when the result would be too big."""
    if abs(exponent) > MAX_EXPONENT:
        raise ArithmeticError_(f"{_show(node)} is too large to compute (the exponent is above {MAX_EXPONENT:,})")
    # Only an integer to a non-negative integer power is computed exactly, digit by digit;
    # anything else is a float operation, fast, and its overflow raises OverflowError.
    if isinstance(base, int) and isinstance(exponent, int) and exponent > 0 and abs(base) > 1:
        digits = exponent * math.log10(abs(base))
        if digits > MAX_DIGITS:
            raise ArithmeticError_(f"{_show(node)} is too large to compute (about {digits:,.0f} digits; "
                                   f"the limit is {MAX_DIGITS:,})")


def _call(node: ast.Call):
    name = node.func.id
    low, high = _ARITY.get(name, (1, 1))
    if not low <= len(node.args) <= high:
        raise ArithmeticError_(f"{name} takes {low if low == high else f'{low} or {high}'} "
                               f"argument{'s' if high > 1 else ''}: {_show(node)}")
    args = [_walk(a) for a in node.args]
    if name == "round" and len(args) == 2 and not (isinstance(args[1], int)
                                                   and abs(args[1]) <= MAX_ROUND_DIGITS):
        raise ArithmeticError_(f"round's digits must be a whole number from -{MAX_ROUND_DIGITS} "
                               f"to {MAX_ROUND_DIGITS}: {_show(node)}")
    try:
        return FUNCTIONS[name](*args)
    except ValueError:  # math.sqrt of a negative number ("math domain error")
        raise ValueError(f"{_show(node)} has no real answer") from None


def _walk(node: ast.AST):
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return _bounded(node.value, node)  # 1e999 is inf
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _walk(node.left), _walk(node.right)
        if isinstance(node.op, ast.Pow):
            _check_power(left, right, node)
        elif isinstance(node.op, ast.Mult) and isinstance(left, int) and isinstance(right, int) \
                and left.bit_length() + right.bit_length() > _MAX_BITS + 1:
            raise ArithmeticError_(f"{_show(node)} is too large to compute (more than {MAX_DIGITS:,} digits)")
        return _bounded(_BINARY[type(node.op)](left, right), node)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_walk(node.operand))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS \
            and not node.keywords:
        return _bounded(_call(node), node)
    raise ArithmeticError_(f"{_show(node)} is not allowed: only numbers, + - * / // % **, "
                           f"parentheses and {', '.join(FUNCTIONS)}")
