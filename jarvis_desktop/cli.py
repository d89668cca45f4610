"""``jarvis``: the desktop app, and a console self-check of the current model.

    jarvis            open the desktop app (tray and chat window)
    jarvis --check    headless self-test of the install (Qt, llama.cpp, the voice, the wake word)
                      and of the current model; exit 1 with the reason when a part is broken
    jarvis --ask "…"  ask one question on the console
    jarvis --install-menu-entry   put Jarvis in the applications menu
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from jarvis_desktop.core.errors import JarvisError, ModelError

if TYPE_CHECKING:
    from jarvis_desktop.core.registry import ModelVersion
    from jarvis_desktop.selfcheck import Check

__all__ = ["main"]


def ask(gguf: Path, question: str, honorific: str = "sir", max_tokens: int = 128) -> dict:
    """One chat turn through the app's engine (the GGUF's own template, the app's system
    prompt); returns reply and timings.  A question too long for the context is cut to fit,
    and the reply says so (the engine's note), instead of failing."""
    from datetime import datetime

    from jarvis_desktop.core.engine import ChatEngine, EngineConfig
    from jarvis_desktop.core.persona import system_prompt

    system = system_prompt(honorific, datetime.now())
    t0 = time.perf_counter()
    engine = ChatEngine(EngineConfig(n_ctx=2048, max_tokens=max_tokens, temperature=0.0, seed=0))
    engine.load(gguf)
    loaded = time.perf_counter()
    try:
        reply = "".join(engine.stream([{"role": "system", "content": system}, {"role": "user", "content": question}]))
        stats = engine.last_stats
    finally:
        engine.close()
    return {"reply": reply.strip(), "finish_reason": stats.finish_reason, "load_s": loaded - t0,
            "first_token_s": stats.first_token_s, "tokens": stats.completion_tokens,
            "tokens_per_s": stats.tokens_per_s, "truncated": stats.truncated}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="jarvis", description="Jarvis, your desktop assistant.")
    p.add_argument("--check", action="store_true", help="headless self-test of the install and the current model")
    p.add_argument("--ask", default=None, help="ask one question on the console")
    p.add_argument("--honorific", default="sir", help="how Jarvis addresses you")
    p.add_argument("--install-menu-entry", action="store_true",
                   help="put Jarvis in the applications menu (~/.local/share/applications/jarvis.desktop)")
    args = p.parse_args(argv)
    if args.install_menu_entry:
        from jarvis_desktop.desktop import install_menu_entry

        print(f"menu entry written: {install_menu_entry()}")
        return 0
    if not args.check and args.ask is None:
        from jarvis_desktop.app import main as app_main

        return app_main()
    args.ask = args.ask or "Good morning, Jarvis. What can you do for me?"
    if args.check:
        return _check(args)
    from jarvis_desktop.core.registry import Registry, verify_file

    try:
        current, problem = Registry().resolve()
        if problem:  # a broken pointer: answer with the fallback, and say so
            print(f"jarvis: warning: {problem}", file=sys.stderr)
        if current is None:
            raise ModelError(NO_MODEL)
        verify_file(current)
        result = ask(current.gguf, args.ask, args.honorific)
    except JarvisError as exc:
        print(f"jarvis: error: {exc}", file=sys.stderr)
        return 1
    shown = args.ask if len(args.ask) <= 300 else f"{args.ask[:300]}… ({len(args.ask):,} characters)"
    print(f"you: {shown}")
    if result["truncated"]:
        print("jarvis: note: the question was too long for the model's context and was cut to fit", file=sys.stderr)
    print(f"jarvis: {result['reply']}")
    return 0


NO_MODEL = ("no model is registered yet: run `jarvis-train retrain` to train the default (about 13 "
            "minutes on a 2-core CPU), or start Jarvis and it offers to")


def _model_to_check() -> tuple[ModelVersion | None, Check | None]:
    """(the version ``--check`` tests, a failed "registry" Check or None).  A broken
    current-model pointer fails the self-test, and the fallback the app would run is still
    tested; ``--check`` never rewrites the pointer (``jarvis-convert models repair`` does)."""
    from jarvis_desktop.core.registry import Registry
    from jarvis_desktop.selfcheck import Check

    t0 = time.perf_counter()
    try:
        current, problem = Registry().resolve()
    except JarvisError as exc:
        current, problem = None, str(exc)
    return current, (Check("registry", False, problem, time.perf_counter() - t0) if problem else None)


def _check(args) -> int:
    """The self-test: every part of the install (jarvis_desktop.selfcheck), then the model."""
    from jarvis_desktop.core.registry import verify_file
    from jarvis_desktop.selfcheck import run_checks

    current, pointer_check = _model_to_check()
    answer: dict = {}

    def model() -> str:
        checked = verify_file(current)
        result = ask(current.gguf, args.ask, args.honorific)
        answer.update(result)
        if not result["reply"]:
            raise ModelError("the model gave an empty reply")
        return (f"{current.name}: SHA-256 {checked:.2f} s, load {result['load_s']:.2f} s, "
                f"first token {result['first_token_s']:.2f} s, {result['tokens_per_s']:.1f} tok/s, "
                f"stop: {result['finish_reason']}")

    t0 = time.perf_counter()
    checks = run_checks(model if current is not None else None)
    if pointer_check is not None:  # listed just before the model it fell back to
        at = next((i for i, c in enumerate(checks) if c.name == "model"), len(checks))
        checks.insert(at, pointer_check)
    for c in checks:
        mark = "ok  " if c.ok else ("FAIL" if c.required else "note")
        print(f"{mark} {c.name:12s} {c.detail}  ({c.seconds:.2f} s)")
    if current is None and pointer_check is None:
        print(f"note model        {NO_MODEL}")
    elif answer:
        print(f"you: {args.ask}\njarvis: {answer['reply']}")
    failed = [c.name for c in checks if c.required and not c.ok]
    print(f"{'all checks passed' if not failed else 'failed: ' + ', '.join(failed)} in {time.perf_counter() - t0:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
