"""``jarvis``: the desktop app, and a console self-check of the current model.

    jarvis            open the desktop app (tray and chat window)
    jarvis --check    headless self-test of the install (Qt, llama.cpp, the voice, the wake word)
                      and of the current model; exit 1 with the reason when a part is broken
    jarvis --ask "…"  ask one question on the console (the app's skills, persona and model)
    jarvis chat       a conversation on the console: one message a line, replies streamed
    jarvis --install-menu-entry   put Jarvis in the applications menu
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING

from jarvis_desktop.console import NO_MODEL
from jarvis_desktop.core.errors import ConfigError, JarvisError, ModelError

if TYPE_CHECKING:
    from jarvis_desktop.core.registry import ModelVersion
    from jarvis_desktop.selfcheck import Check

__all__ = ["main"]


def _settings():
    """The user's settings, as the app reads them (a damaged file: the defaults, and why)."""
    from jarvis_desktop.core.settings import load_settings_with_notice

    settings, notice = load_settings_with_notice()
    if notice:
        print(f"jarvis: note: {notice}", file=sys.stderr)
    return settings


def _console_options(args):
    from jarvis_desktop.console import ConsoleOptions, parse_now

    if args.temperature < 0:
        raise ConfigError(f"--temperature must be 0 or more, not {args.temperature}")
    return ConsoleOptions(honorific=args.honorific or "", model=args.model or "", temperature=args.temperature,
                          now=parse_now(args.now) if args.now else None)


def _warn(text: str) -> None:
    print(f"jarvis: warning: {text}", file=sys.stderr)


def ask(question: str, args, warn=_warn) -> dict:
    """One message through the app's assistant (skills, persona, the current model); the
    reply and its figures.  A question too long for the context is cut to fit, and a note
    says so, instead of failing."""
    from jarvis_desktop.console import open_assistant

    t0 = time.perf_counter()
    assistant = open_assistant(_settings(), _console_options(args), warn)
    loaded = time.perf_counter()
    try:
        answer = assistant.ask(question).result()
    finally:
        assistant.engine.close()
    return {"reply": answer.text, "answer": answer, "load_s": loaded - t0}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="jarvis", description="Jarvis, your desktop assistant.",
                                epilog="jarvis chat: a conversation on the console (jarvis chat --help)")
    p.add_argument("--check", action="store_true", help="headless self-test of the install and the current model")
    p.add_argument("--ask", default=None, help="ask one question on the console")
    p.add_argument("--install-menu-entry", action="store_true",
                   help="put Jarvis in the applications menu (~/.local/share/applications/jarvis.desktop)")
    _console_flags(p)
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["chat"]:
        c = argparse.ArgumentParser(prog="jarvis chat", description="A conversation with Jarvis on the console: "
                                    "one message a line (from the keyboard or a pipe), the reply streamed back.")
        _console_flags(c)
        return _chat(c.parse_args(argv[1:]))
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
    try:
        result = ask(args.ask, args)
    except JarvisError as exc:
        print(f"jarvis: error: {exc}", file=sys.stderr)
        return 1
    shown = args.ask if len(args.ask) <= 300 else f"{args.ask[:300]}… ({len(args.ask):,} characters)"
    print(f"you: {shown}")
    if result["answer"].truncated:
        print("jarvis: note: the question was too long for the model's context and was cut to fit", file=sys.stderr)
    print(f"jarvis: {result['reply']}")
    return 0


def _console_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--honorific", default="", help="how Jarvis addresses you (default: as in Settings)")
    p.add_argument("--model", default="", help="a registered model version (default: the current one)")
    p.add_argument("--temperature", type=float, default=0.0,
                   help="sampling temperature (default 0: the same answer each time; the app samples at 0.7)")
    p.add_argument("--now", default="", help="answer as if it were this time, e.g. 2026-11-26T20:40 (reproducible runs)")


def _chat(args) -> int:
    from jarvis_desktop.console import chat, open_assistant

    try:
        assistant = open_assistant(_settings(), _console_options(args), _warn)
    except JarvisError as exc:
        print(f"jarvis: error: {exc}", file=sys.stderr)
        return 1
    try:
        return chat(assistant)
    finally:
        assistant.engine.close()


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
        args.model = current.name  # the version resolved above (a fallback, when the pointer is broken)
        result = ask(args.ask, args, warn=lambda _: None)  # the pointer has its own line
        answer.update(result)
        a = result["answer"]
        if not a.text:
            raise ModelError("the model gave an empty reply")
        if a.source != "model":
            return f"{current.name}: SHA-256 {checked:.2f} s, load {result['load_s']:.2f} s; answered by the {a.name} skill"
        return (f"{current.name}: SHA-256 {checked:.2f} s, load {result['load_s']:.2f} s, "
                f"first token {a.first_token_s:.2f} s, {a.tokens_per_s:.1f} tok/s, stop: {a.finish_reason}")

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
