"""Bounds on the work one chat-template render may do.

A GGUF's chat template is a program from the model file.  The sandbox (engine.py) stops it
from reaching files and code; this module stops it from spinning or filling memory: nested
``{% for i in range(100000) %}`` loops hung the app at load (where the template is probed) and
at every turn.  Each render gets a budget:

* steps: every item of every ``for`` loop (the loops are rewritten to count, whatever they run
  over), every call (macros, methods, ``loop()`` of a recursive loop) and every filter; at most
  ``MAX_STEPS``, with a deadline of ``MAX_RENDER_S`` checked at each step as a backstop for
  steps that are each costly;
* size: a value built by ``*``, ``+``, ``~``, ``%``, ``join``, ``replace``, padding, indenting
  and the like, and the output itself, stay under ``MAX_CHARS`` plus twice the conversation's
  own text (so any real conversation renders as before); an operation whose result would be
  over is refused *before* it runs, where its size can be known beforehand;
* integers: ``**`` and ``*`` stop at ``MAX_INT_BITS`` bits.

Over budget, the render raises ``OverBudget``; the engine turns it into a ModelError naming the
model.  Templates that stay within the budget render exactly as they would without it.  This
is a bound on honest mistakes and crude bombs, not a jail: a model from an untrusted source
can still waste a few seconds of CPU per turn.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import inspect
import math
import re
import time

from jinja2 import nodes, pass_context
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import generate_lorem_ipsum
from jinja2.visitor import NodeTransformer

__all__ = ["OverBudget", "BoundedSandbox", "render_budget", "MAX_STEPS", "MAX_RENDER_S", "MAX_CHARS",
           "MAX_INT_BITS"]

# A real template takes a few steps per message and the app keeps ~2,500 messages at most.
MAX_STEPS = 250_000
MAX_RENDER_S = 5.0
MAX_CHARS = 4_000_000
MAX_INT_BITS = 4096

# Filter names a template cannot write (they hold spaces): the rewrite of loops and of ``~`` uses them.
_COUNT = "jarvis count"
_SIZED = "jarvis sized"


class OverBudget(Exception):
    """A render went over its budget; ``why`` says which limit, in words."""

    def __init__(self, why: str):
        super().__init__(why)
        self.why = why


class _Budget:
    def __init__(self, input_chars: int = 0):
        self.steps = 0
        self.deadline = time.monotonic() + MAX_RENDER_S
        self.max_chars = MAX_CHARS + 2 * input_chars

    def step(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise OverBudget(f"over {MAX_STEPS:,} loop steps and calls")
        if time.monotonic() > self.deadline:
            raise OverBudget(f"over {MAX_RENDER_S:g} s")

    def size(self, n: int) -> None:
        if n > self.max_chars:
            raise OverBudget(f"a value of {n:,} characters or items, over the limit of {self.max_chars:,}")

    def bits(self, n: int) -> None:
        if n > MAX_INT_BITS:
            raise OverBudget(f"a number of about {n:,} bits, over the limit of {MAX_INT_BITS:,}")

    def check(self, value):
        """``value`` if it is within the limits."""
        if isinstance(value, (str, list, tuple, dict)):
            self.size(len(value))
        elif isinstance(value, int):
            self.bits(value.bit_length())
        return value


_current: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("jarvis_template_budget", default=None)


def _budget() -> _Budget:
    # Outside a render (Jinja folding constants while it compiles) each operation gets a
    # fresh budget: still bounded in size, never refused for what earlier ones did.
    return _current.get() or _Budget()


@contextlib.contextmanager
def render_budget(input_chars: int):
    """The budget of one render, for the BoundedSandbox templates rendered inside the block;
    ``input_chars``: the conversation's own text, which the size limits allow twice over."""
    token = _current.set(_Budget(input_chars))
    try:
        yield
    finally:
        _current.reset(token)


def _counted(iterable):
    budget = _budget()
    for item in iterable:
        budget.step()
        yield item


@pass_context  # pass_context: never folded into a constant at compile time
def _count_filter(_context, value):
    return _counted(value)


@pass_context
def _sized_filter(_context, value):
    return _budget().check(value)


class _Limiter(NodeTransformer):
    """Rewrites a parsed template: each ``for`` counts its items, each ``~`` checks its result."""

    def visit_For(self, node):
        self.generic_visit(node)
        node.iter = nodes.Filter(node.iter, _COUNT, [], [], None, None, lineno=node.lineno)
        return node

    def visit_Concat(self, node):
        self.generic_visit(node)
        return nodes.Filter(node, _SIZED, [], [], None, None, lineno=node.lineno)


_WIDTHS = re.compile(r"%[-#0 +]*(\d*)(?:\.(\d*))?|\{[^{}:]*:([^{}]*)\}")


def _check_format(budget: _Budget, fmt: str, values) -> None:
    """A %- or {}-format whose widths or precisions would pad beyond the limits."""
    for value in values:
        if isinstance(value, int) and not isinstance(value, bool):
            budget.size(abs(value) if abs(value).bit_length() < 64 else 1 << 64)  # a "*" width
    for match in _WIDTHS.finditer(fmt):
        for digits in re.findall(r"\d+", "".join(g or "" for g in match.groups())):
            budget.size(int(digits) if len(digits) < 19 else 1 << 64)


def _format_values(right) -> tuple:
    return tuple(right.values()) if isinstance(right, dict) else right if isinstance(right, tuple) else (right,)


def _check_str_method(budget: _Budget, s: str, name: str, args: tuple, kwargs: dict) -> tuple:
    """Refuse a str method call whose result would be over the limits; returns its args
    (a generator passed to ``join`` is read once here, and handed on as a list)."""
    if name in ("center", "ljust", "rjust", "zfill"):
        width = args[0] if args else kwargs.get("width", 0)
        if isinstance(width, int):
            budget.size(width)
    elif name == "expandtabs":
        tab = args[0] if args else kwargs.get("tabsize", 8)
        if isinstance(tab, int):
            budget.size(len(s) + s.count("\t") * tab)
    elif name == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
        budget.size(_replaced_size(s, *args[:3]))
    elif name == "translate" and args and isinstance(args[0], dict):
        longest = max((len(v) for v in args[0].values() if isinstance(v, str)), default=1)
        budget.size(len(s) * longest)
    elif name == "join" and args:
        items = list(_counted(args[0]))
        budget.size(sum(len(x) for x in items if isinstance(x, str)) + len(s) * max(0, len(items) - 1))
        args = (items, *args[1:])
    elif name in ("format", "format_map"):
        _check_format(budget, s, (*args, *kwargs.values()) if name == "format" else _format_values(args[0]))
    return args


def _replaced_size(s: str, old: str, new: str, count=None) -> int:
    hits = s.count(old) if old else len(s) + 1
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    return len(s) + hits * max(0, len(new) - len(old))


def _joined_size(items: list, sep: str) -> int:
    return sum(len(x if isinstance(x, str) else str(x)) for x in items) + len(sep) * max(0, len(items) - 1)


# Filters whose result can be far bigger than what they are given: checked before they run.
# Each gets the bound arguments and may replace them (``join`` reads a generator once).
def _pre_join(budget, a):
    a["value"] = items = list(_counted(a["value"]))
    budget.size(_joined_size(items, str(a.get("d", ""))))


def _pre_replace(budget, a):
    budget.size(_replaced_size(str(a["s"]), str(a["old"]), str(a["new"]), a.get("count")))


def _pre_center(budget, a):
    if isinstance(a.get("width"), int):
        budget.size(a["width"])


def _pre_indent(budget, a):
    width = a.get("width", 4)
    s = str(a["s"])
    budget.size(len(s) + (s.count("\n") + 1) * (width if isinstance(width, int) else len(str(width))))


def _pre_wordwrap(budget, a):
    s, width, wrap = str(a["s"]), a.get("width", 79), a.get("wrapstring") or "\n"
    lines = len(s) // max(1, width) + 1 if isinstance(width, int) else len(s)
    budget.size(len(s) + lines * len(str(wrap)))


def _pre_format(budget, a):
    _check_format(budget, str(a["value"]), (*a.get("args", ()), *a.get("kwargs", {}).values()))


def _pre_batch(budget, a):
    if isinstance(a.get("linecount"), int):
        budget.size(a["linecount"])


def _pre_slice(budget, a):
    if isinstance(a.get("slices"), int):
        budget.size(a["slices"])


def _pre_sum(budget, a):
    start = a.get("start", 0)
    if isinstance(start, (str, list, tuple)):  # adding sequences: each sum copies all before it
        a["iterable"] = items = list(_counted(a["iterable"]))
        total = len(start) + sum(len(x) for x in items if isinstance(x, (str, list, tuple)))
        budget.size(total * max(1, len(items)))


def _pre_tojson(budget, a):  # engine.py's tojson: each line of the JSON is indented by this much
    indent = a.get("indent")
    width = len(indent) if isinstance(indent, str) else indent if isinstance(indent, int) else 0
    if width > 64:
        raise OverBudget(f"a JSON indent of {width:,}")


_PRECHECKS = {"tojson": _pre_tojson, "join": _pre_join, "replace": _pre_replace, "center": _pre_center,
              "indent": _pre_indent, "wordwrap": _pre_wordwrap, "format": _pre_format, "batch": _pre_batch,
              "slice": _pre_slice, "sum": _pre_sum}


def _guarded(name: str, func):
    """``func`` (a filter) counted as a step, its result checked, and pre-checked if listed."""
    precheck = _PRECHECKS.get(name)
    signature = inspect.signature(func) if precheck else None  # the signature of the function it wraps
    # Jinja's async_variant adds an eval context in front of a filter that takes none.
    extra = int(getattr(func, "jinja_pass_arg", None) is not None
                and getattr(inspect.unwrap(func), "jinja_pass_arg", None) is None)

    @functools.wraps(func)  # keeps pass_context & co (an attribute in __dict__)
    def guarded(*args, **kwargs):
        budget = _budget()
        budget.step()
        if precheck is not None:
            bound = signature.bind(*args[extra:], **kwargs)
            precheck(budget, bound.arguments)
            args, kwargs = (*args[:extra], *bound.args), bound.kwargs
        return budget.check(func(*args, **kwargs))

    return guarded


def _lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:  # noqa: A002 - Jinja's names
    _budget().size(n * max if isinstance(n, int) and isinstance(max, int) else 0)
    return generate_lorem_ipsum(n, html, min, max)


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with a work budget per render (see the module's doc).

    Register filters, then pass each parsed template through ``limit`` before compiling it;
    render inside ``render_budget``.
    """

    # The operators that can build a huge value in one step; intercepting them also keeps
    # Jinja from computing them while it compiles.
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.globals["lipsum"] = _lipsum
        self.concat = self._concat  # joins the output, and macro and block bodies
        self._guarded = False

    def limit(self, tree: nodes.Template) -> nodes.Template:
        """``tree`` with counting loops; also guards the filters registered so far (once)."""
        if not self._guarded:
            self.filters = {name: _guarded(name, f) for name, f in self.filters.items()}
            self.filters.update({_COUNT: _count_filter, _SIZED: _sized_filter})
            self._guarded = True
        tree = _Limiter().visit(tree)
        tree.set_environment(self)
        return tree

    @staticmethod
    def _concat(pieces) -> str:
        budget, total, out = _budget(), 0, []
        for piece in pieces:
            total += len(piece)
            budget.size(total)
            out.append(piece)
        return "".join(out)

    def call_binop(self, context, operator, left, right):
        budget = _budget()
        ints = isinstance(left, int) and isinstance(right, int)
        if operator == "**" and ints and right > 0 and abs(left) > 1:
            budget.bits(int(right * math.log2(abs(left))) + 1)
        elif operator == "*" and ints:
            budget.bits(left.bit_length() + right.bit_length())
        elif operator == "*":
            seq, n = (left, right) if isinstance(right, int) else (right, left)
            if isinstance(seq, (str, list, tuple)) and isinstance(n, int):
                budget.size(len(seq) * n)
        elif operator == "+" and isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
            budget.size(len(left) + len(right))
        elif operator == "%" and isinstance(left, str):
            _check_format(budget, left, _format_values(right))
        return budget.check(super().call_binop(context, operator, left, right))

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own spelling
        budget = _budget()
        budget.step()
        if isinstance(__obj, LoopContext) and args:  # loop(children) in a recursive for: count them too
            args = (_counted(args[0]), *args[1:])
        owner = getattr(getattr(__obj, "__wrapped__", __obj), "__self__", None)
        if isinstance(owner, str):
            args = _check_str_method(budget, owner, getattr(__obj, "__name__", ""), args, kwargs)
        return budget.check(super().call(__context, __obj, *args, **kwargs))
