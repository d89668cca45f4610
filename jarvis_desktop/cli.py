"""``jarvis``: the desktop app, and a console self-check of the current model.

    jarvis            open the desktop app (tray and chat window)
    jarvis --check    headless self-test of the install (Qt, llama.cpp, the voice, the wake word)
                      and of the current model; exit 1 with the reason when a part is broken
    jarvis --ask "…"  ask one question on the console
    jarvis --install-menu-entry   put Jarvis in the applications menu
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from jarvis_desktop.errors import JarvisError, ModelError
from jarvis_desktop.paths import asset

__all__ = ["main"]

PERSONA = asset("persona.txt")


def ask(gguf: Path, question: str, honorific: str = "sir", max_tokens: int = 128) -> dict:
    """One chat turn through the GGUF's own template; returns reply and timings."""
    import llama_cpp

    system = PERSONA.read_text(encoding="utf-8").strip().replace("{honorific}", honorific)
    t0 = time.perf_counter()
    try:
        llm = llama_cpp.Llama(str(gguf), n_ctx=2048, n_threads=os.cpu_count(), verbose=False)
    except Exception as exc:
        raise ModelError(f"llama.cpp cannot load {gguf}: {exc}") from None
    loaded = time.perf_counter()
    try:
        first = None
        parts = []
        finish = None
        stream = llm.create_chat_completion(
            [{"role": "system", "content": system}, {"role": "user", "content": question}],
            max_tokens=max_tokens, temperature=0.0, stream=True)
        for chunk in stream:
            choice = chunk["choices"][0]
            text = choice["delta"].get("content")
            if text:
                first = first or time.perf_counter()
                parts.append(text)
            finish = choice.get("finish_reason") or finish
        done = time.perf_counter()
        n = len(llm.tokenize("".join(parts).encode(), add_bos=False)) if parts else 0
    finally:
        llm.close()
    gen = done - (first or done)
    return {"reply": "".join(parts).strip(), "finish_reason": finish, "load_s": loaded - t0,
            "first_token_s": (first or done) - loaded, "tokens": n,
            "tokens_per_s": (n - 1) / gen if n > 1 and gen > 0 else 0.0}


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
    from convert.registry import Registry

    try:
        current = Registry().current()
        if current is None:
            raise ModelError(NO_MODEL)
        result = ask(current.gguf, args.ask, args.honorific)
    except JarvisError as exc:
        print(f"jarvis: error: {exc}", file=sys.stderr)
        return 1
    print(f"you: {args.ask}")
    print(f"jarvis: {result['reply']}")
    return 0


NO_MODEL = ("no model is registered yet: run `jarvis-train retrain` to train the default (about 13 "
            "minutes on a 2-core CPU), or start Jarvis and it offers to")


def _check(args) -> int:
    """The self-test: every part of the install (jarvis_desktop.selfcheck), then the model."""
    from convert.registry import Registry
    from jarvis_desktop.selfcheck import run_checks

    current = Registry().current()
    answer: dict = {}

    def model() -> str:
        result = ask(current.gguf, args.ask, args.honorific)
        answer.update(result)
        if not result["reply"]:
            raise ModelError("the model gave an empty reply")
        return (f"{current.describe().split('  ')[0]}: load {result['load_s']:.2f} s, first token "
                f"{result['first_token_s']:.2f} s, {result['tokens_per_s']:.1f} tok/s, stop: {result['finish_reason']}")

    t0 = time.perf_counter()
    checks = run_checks(model if current is not None else None)
    for c in checks:
        mark = "ok  " if c.ok else ("FAIL" if c.required else "note")
        print(f"{mark} {c.name:12s} {c.detail}  ({c.seconds:.2f} s)")
    if current is None:
        print(f"note model        {NO_MODEL}")
    elif answer:
        print(f"you: {args.ask}\njarvis: {answer['reply']}")
    failed = [c.name for c in checks if c.required and not c.ok]
    print(f"{'all checks passed' if not failed else 'failed: ' + ', '.join(failed)} in {time.perf_counter() - t0:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
