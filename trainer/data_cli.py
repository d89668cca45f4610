"""The ``jarvis-train data …`` and ``jarvis-train eval`` subcommands (thin: the work is in
trainer/data_quality.py and trainer/evaluate.py)."""

from __future__ import annotations

import json
import time
from pathlib import Path

from jarvis_desktop.core.errors import ConfigError, DataError, JarvisError
from jarvis_desktop.core.paths import write_atomic
from jarvis_desktop.core.persona import to_placeholders
from trainer.feedback import HOLDOUT_EVERY

__all__ = ["run_data_command", "run_eval_command", "to_placeholder"]


def _files(args) -> list[str]:
    from trainer.sft_config import default_data

    return list(args.files) or default_data()


def to_placeholder(text: str) -> str:
    """Literal sir/madam in a reply become {honorific} ({Honorific} where capitalised)."""
    return to_placeholders(to_placeholders(text, "sir"), "madam")


def run_data_command(args) -> int:
    cmd = args.data_command
    if cmd == "validate":
        from trainer.data_quality import check_files

        report = check_files(_files(args))
        for f in report.findings:
            print(f)
        failed = report.errors or (args.strict and report.warnings)
        print(f"{len(report.examples)} examples: {len(report.errors)} error(s), {len(report.warnings)} warning(s)")
        if failed:
            raise DataError(report.findings[0].where.split(":")[0], None,
                            f"{len(report.errors)} error(s) and {len(report.warnings)} warning(s) (listed above)",
                            "fix the lines named above and run validate again")
        return 0
    if cmd == "stats":
        from trainer.data_quality import check_files, dataset_stats

        report = check_files(_files(args))
        stats = dataset_stats(report.examples)
        if args.json:
            print(json.dumps(stats, indent=2))
            return 0
        print(f"{'category':20} {'examples':>8} {'held out':>8}")
        for cat, row in stats["per_category"].items():
            print(f"{cat:20} {row['examples']:>8} {row['held_out']:>8}")
        print(f"{'total':20} {stats['examples']:>8} {stats['held_out']:>8}")
        for key, value in stats.items():
            if key not in ("per_category", "examples", "held_out"):
                print(f"{key.replace('_', ' ')}: {value}")
        return 0
    if cmd == "split":
        from trainer.data import load_examples, split_examples

        examples = [ex for f in _files(args) for ex in load_examples(Path(f))]
        train, held = split_examples(examples, args.holdout)
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        for name, rows in (("train.jsonl", train), ("heldout.jsonl", held)):
            write_atomic(out / name, "".join(ex.to_json() + "\n" for ex in rows))
        print(f"{out / 'train.jsonl'}: {len(train)} examples; {out / 'heldout.jsonl'}: {len(held)} examples")
        return 0
    if cmd == "import":
        return _import(args)
    raise JarvisError(f"unknown data command {cmd!r}")


def _import(args) -> int:
    from trainer.data import parse_row, read_rows

    out_rows = []
    for f in args.files:
        path = Path(f)
        for lineno, row in read_rows(path):  # DataError (file:line) on a line that is not UTF-8 JSON
            if isinstance(row, dict) and args.category and "category" not in row:
                row["category"] = args.category
            ex = parse_row(row, path, lineno)  # seed {"instruction", "response"} or TRL {"messages"}
            ex.messages = [m for m in ex.messages if m["role"] != "system"]  # the persona prompt is ours
            if not args.keep_honorific:
                for m in ex.messages:
                    if m["role"] == "assistant":
                        m["content"] = to_placeholder(m["content"])
            out_rows.append(ex)
    if not out_rows:
        raise DataError(", ".join(args.files), None, "no examples to import (the files are empty)",
                        "each line must be one JSON object")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, "".join(ex.to_json() + "\n" for ex in out_rows))
    print(f"{out}: {len(out_rows)} examples written; check them with `jarvis-train data validate {out}`")
    return 0


def run_eval_command(args) -> int:
    from jarvis_desktop.core.paths import data_dir
    from trainer.eval_report import metrics_table
    from trainer.evaluate import eval_persona, evaluate_model, heldout_prompts, write_report
    from trainer.progress import Progress
    from trainer.sft_config import default_data

    progress = Progress(args.progress, stream=__import__("sys").stderr)
    prompts = heldout_prompts(args.data or default_data(), args.honorific, limit=args.limit)
    if not prompts:
        raise DataError((args.data or default_data())[0], None, "no held-out prompts in the data",
                        "each category needs at least 2 examples for one to be held out")
    persona = eval_persona(args.honorific, args.persona)
    models = []
    if args.against:
        models.append((args.against_name or Path(args.against).stem, Path(args.against)))
    models.append((args.name or Path(args.model).stem, Path(args.model)))
    if len({n for n, _ in models}) < len(models):
        models = [(f"{n} ({i + 1})", p) for i, (n, p) in enumerate(models)]
    results = {}
    for name, path in models:
        results[name] = evaluate_model(path, prompts, persona, args.max_tokens,
                                       args.threads, progress)
    wins = _rated_down_win_rate(args, persona, progress) if args.rated_down else None
    substance = {} if args.no_substance else _substance(models, persona, args.threads, progress)
    progress.close()
    out = Path(args.out) if args.out else data_dir() / "evals" / time.strftime("%Y%m%d-%H%M%S")
    paths = write_report(results, prompts, out)
    print(metrics_table(results))
    if substance:
        data = json.loads(Path(paths["json"]).read_text())
        data["substance"] = substance
        Path(paths["json"]).write_text(json.dumps(data, indent=2, ensure_ascii=False))
        print("\n" + substance_table(substance))
    if wins is not None:
        data = json.loads(Path(paths["json"]).read_text())
        data["rated_down"] = wins
        Path(paths["json"]).write_text(json.dumps(data, indent=2, ensure_ascii=False))
        if wins["prompts"]:
            print(f"\nwin rate of {models[-1][0]} against {models[0][0]} on {wins['prompts']} held-out prompts rated "
                  f"down: {wins['win_rate']:.3f} ({wins['wins']} wins, {wins['ties']} ties, {wins['losses']} losses)")
        else:
            print(f"\nno held-out prompts rated down in {wins['log']} (one thumbs-down in "
                  f"{HOLDOUT_EVERY} is held out, by turn number)")
    print(f"\nreport: {paths['report']}\njson:   {paths['json']}")
    return 0


SUBSTANCE_ROWS = ("routing_accuracy", "routing_in_conversation", "false_call_rate", "missed_call_rate", "argument_accuracy", "result_fidelity",
                  "invalid_calls", "facts_right_rate", "facts_unsure_rate", "facts_wrong_rate", "seconds")


def _substance(models, persona, threads: int, progress) -> dict:
    """Each model's tool-call and facts figures on their held-out sets (trainer/tool_eval.py)."""
    from trainer.tool_eval import evaluate_substance

    out = {}
    for name, path in models:
        def step(done, total, name=name):
            progress.update("eval", done, total, f"{name}: tool calls and facts")
        out[name] = evaluate_substance(path, persona, threads, progress=step)
    return out


def substance_table(substance: dict[str, dict]) -> str:
    """A markdown table of the substance figures, one column per model."""
    lines = ["| substance | " + " | ".join(substance) + " |", "|---|" + "---|" * len(substance)]
    for key in SUBSTANCE_ROWS:
        lines.append(f"| {key} | " + " | ".join(str(m.get(key)) for m in substance.values()) + " |")
    return "\n".join(lines)


def _rated_down_win_rate(args, persona, progress) -> dict:
    """MODEL against --against on the held-out thumbs-down turns of an interaction log."""
    import tempfile

    from jarvis_desktop.core.interactions import InteractionLog, log_path
    from trainer.evaluate import compare_on, rated_down_prompts
    from trainer.feedback import build_feedback, write_rows

    if not args.against:
        raise ConfigError("--rated-down needs --against: the win rate compares two models")
    log = log_path() if args.rated_down == "auto" else Path(args.rated_down)
    if not log.is_file():
        raise ConfigError(f"--rated-down {log}: no such interaction log")
    with InteractionLog(log) as il:
        feedback = build_feedback(il.rated_turns(), args.honorific)
    with tempfile.TemporaryDirectory() as tmp:  # the held-out turns hold the user's words: gone afterwards
        write_rows(Path(tmp), "heldout", feedback.rows["heldout"], feedback.ids["heldout"])
        prompts = rated_down_prompts(Path(tmp) / "heldout.jsonl", args.honorific)
    if not prompts:
        return {"log": str(log), "prompts": 0}
    return {"log": str(log), **compare_on(prompts, Path(args.model), Path(args.against), persona,
                                          args.max_tokens, args.threads, progress)}
