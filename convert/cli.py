"""``jarvis-convert``: merge, GGUF, quantize, verify, and the model registry.

    jarvis-convert merge ADAPTER --out DIR
    jarvis-convert gguf HF_DIR --out FILE [--outtype f16|bf16|f32]
    jarvis-convert quantize SRC.gguf --out DST.gguf [--type Q8_0|Q5_K_M|Q4_K_M]
    jarvis-convert verify HF_DIR FILE.gguf --type Q8_0
    jarvis-convert models list | promote VERSION | rollback | repair | check [VERSION]
    jarvis-convert setup [--sdist FILE]     extract llama.cpp's converter, make the memory's embedding model (installer)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from jarvis_desktop.core.errors import JarvisError

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="jarvis-convert", description="Turn a fine-tune into a verified GGUF.")
    sub = p.add_subparsers(dest="command", required=True)
    m = sub.add_parser("merge", help="fold a LoRA adapter into its base (HF safetensors)")
    m.add_argument("adapter", type=Path)
    m.add_argument("--out", type=Path, required=True)
    g = sub.add_parser("gguf", help="HF folder -> GGUF with llama.cpp's converter")
    g.add_argument("hf_dir", type=Path)
    g.add_argument("--out", type=Path, required=True)
    g.add_argument("--outtype", default="f16", choices=("f16", "bf16", "f32"))
    q = sub.add_parser("quantize", help="quantize an F16/F32 GGUF")
    q.add_argument("src", type=Path)
    q.add_argument("--out", type=Path, required=True)
    q.add_argument("--type", default="Q8_0", help="Q8_0 (default), Q5_K_M or Q4_K_M")
    v = sub.add_parser("verify", help="compare a GGUF with its HF model")
    v.add_argument("hf_dir", type=Path)
    v.add_argument("gguf", type=Path)
    v.add_argument("--type", required=True, help="the GGUF's type: F32, F16, Q8_0, Q5_K_M, Q4_K_M")
    v.add_argument("--no-stop-check", action="store_true",
                   help="check conversion fidelity only, not that chat replies stop by themselves")
    models = sub.add_parser("models", help="the model registry")
    msub = models.add_subparsers(dest="models_command", required=True)
    msub.add_parser("list", help="registered versions; * marks the current one")
    pr = msub.add_parser("promote", help="make a version current")
    pr.add_argument("version")
    msub.add_parser("rollback", help="switch back to the previous version")
    msub.add_parser("repair", help="rewrite a broken current-model pointer to the newest complete version")
    ck = msub.add_parser("check", help="compare model files with the SHA-256 recorded when they were registered")
    ck.add_argument("version", nargs="?", help="one version (default: all)")
    s = sub.add_parser("setup", help="extract llama.cpp's HF->GGUF converter for the installed llama-cpp-python, "
                                     "and make the memory's embedding model (tuned on its search pairs where "
                                     "PyTorch is installed: about two minutes on 2 cores)")
    s.add_argument("--sdist", type=Path, help="a downloaded llama-cpp-python sdist (else pip downloads it)")
    s.add_argument("--untuned", action="store_true", help="the memory's embedding model as shipped, not tuned (a tuned one made before is removed)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except JarvisError as exc:
        print(f"jarvis-convert: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # a full disk, a read-only folder: still one line, never a traceback
        from jarvis_desktop.core.paths import describe_os_error

        print(f"jarvis-convert: error: {describe_os_error(exc, doing='access')}", file=sys.stderr)
        return 1


def _check_models(reg, name: str | None) -> int:
    """One line per version: intact, damaged, or registered before SHA-256s were recorded."""
    versions = [reg.get(name)] if name else reg.versions()
    damaged = 0
    for v in versions:
        if not v.meta.get("sha256"):
            print(f"{v.name}: no SHA-256 recorded (registered before checks existed): not checked")
            continue
        try:
            print(f"{v.name}: intact ({reg.check(v):.2f} s)")
        except JarvisError as exc:
            damaged += 1
            print(f"{v.name}: {exc}")
    return 1 if damaged else 0


def _run(args) -> int:
    if args.command == "models":
        from jarvis_desktop.core.registry import Registry

        reg = Registry()
        if args.models_command == "list":
            current, problem = reg.resolve()
            versions = reg.versions()
            if not versions:
                print("no models registered yet: run `jarvis-train retrain`")
            for v in versions:  # * marks the version the app runs (the fallback, when the pointer is broken)
                mark = "*" if current and v.name == current.name else " "
                print(f"{mark} {v.describe()}")
            if problem:
                print(f"jarvis-convert: warning: {problem}", file=sys.stderr)
        elif args.models_command == "promote":
            print(f"current model: {reg.promote(args.version).describe()}")
        elif args.models_command == "repair":
            current, problem = reg.resolve(fix=True)
            print(problem or (f"nothing to repair: the pointer names {current.name}" if current
                              else "nothing to repair: no model is registered yet"))
            return 1 if reg.resolve()[1] else 0  # still broken: nothing to fall back to, or unwritable
        elif args.models_command == "check":
            return _check_models(reg, args.version)
        else:
            print(f"rolled back to: {reg.rollback().describe()}")
        return 0
    if args.command == "setup":
        from convert.embedder import prepare_embedder
        from convert.gguf_export import ensure_converter

        print(ensure_converter(args.sdist))
        try:  # the memory's embedding model: without it the memory searches by words alone
            print(prepare_embedder(tune=not args.untuned, progress=lambda line: print(line, file=sys.stderr)))
        except JarvisError as exc:
            print(f"jarvis-convert: warning: {exc}", file=sys.stderr)
    elif args.command == "merge":
        from convert.merge import merge_adapter

        print(merge_adapter(args.adapter, args.out))
    elif args.command == "gguf":
        from convert.gguf_export import hf_to_gguf

        print(hf_to_gguf(args.hf_dir, args.out, args.outtype))
    elif args.command == "quantize":
        from convert.quantize import quantize

        report = quantize(args.src, args.out, args.type)
        if report["note"]:
            print(f"note: {report['note']}", file=sys.stderr)
        print(json.dumps(report, indent=2))
    elif args.command == "verify":
        from convert.verify import verify

        try:
            report = verify(args.hf_dir, args.gguf, args.type, require_stop=not args.no_stop_check)
        except JarvisError as exc:
            if getattr(exc, "report", None):
                print(json.dumps(exc.report, indent=2))
            raise
        print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
