"""The layers point one way: the core knows no Qt, the trainer and converter build on the core
only, the converter never needs the trainer, and no two modules import each other.

See docs/ARCHITECTURE.md. The import graph is read from the source (every import, including the
ones inside functions), so a lazy import cannot hide a wrong-way dependency.
"""

from __future__ import annotations

import ast
import functools
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("jarvis_desktop", "trainer", "convert")
CORE = "jarvis_desktop.core"


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


@functools.cache
def _import_graph() -> dict[str, set[str]]:
    """The graph, read in a fresh interpreter: CPython 3.11's ``ast`` can be left broken by a
    RecursionError in an earlier test ("AST constructor recursion depth mismatch"), which made
    this test fail after some mixes of other tests in the same process."""
    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); from tests.test_layers import read_graph; "
            "print(json.dumps({k: sorted(v) for k, v in read_graph().items()}))")
    out = subprocess.run([sys.executable, "-c", code, str(ROOT)], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    return {k: set(v) for k, v in json.loads(out.stdout).items()}


def read_graph() -> dict[str, set[str]]:
    """Every module's imports of the project's own modules, from the source."""
    modules = _modules()
    graph = {}
    for name, path in modules.items():
        deps = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                deps.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                base = node.module
                if node.level:  # relative: resolve against this module's package
                    package = name.split(".")[: -node.level if not path.name == "__init__.py" else None]
                    base = ".".join([*package, node.module])
                deps.add(base)
                deps.update(f"{base}.{alias.name}" for alias in node.names)
        graph[name] = {d for d in deps if d in modules and d != name}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_the_graph_reader_sees_cycles_and_lazy_imports():
    # the checks below are only as good as this reader: a two-module cycle is found...
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []
    # ...and an import inside a function counts (retrain imports the converter that way)
    assert "jarvis_desktop.core.registry" in _import_graph()["trainer.retrain"]
    assert "convert.verify" in _import_graph()["trainer.retrain"]


def test_no_import_cycles():
    assert _cycles(_import_graph()) == []


def test_core_imports_only_the_core():
    graph = _import_graph()
    wrong = {name: sorted(d for d in deps if not d.startswith(CORE))
             for name, deps in graph.items() if name.startswith(CORE)}
    assert {name: deps for name, deps in wrong.items() if deps} == {}


def test_trainer_and_convert_use_the_core_not_the_gui_and_convert_not_the_trainer():
    graph = _import_graph()
    gui = {name: sorted(d for d in deps if d.startswith("jarvis_desktop") and not d.startswith(CORE))
           for name, deps in graph.items() if name.startswith(("trainer", "convert"))}
    assert {name: deps for name, deps in gui.items() if deps} == {}
    backwards = {name: sorted(d for d in deps if d.startswith("trainer"))
                 for name, deps in graph.items() if name.startswith("convert")}
    assert {name: deps for name, deps in backwards.items() if deps} == {}


def test_importing_the_core_loads_no_qt():
    core = sorted(name for name in _modules() if name == CORE or name.startswith(CORE + "."))
    assert len(core) > 10
    code = ("import importlib, json, sys\n"
            f"for name in {core!r}: importlib.import_module(name)\n"
            "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == []
