"""``jarvis-train retrain``: data -> export -> sft -> prefs -> merge -> gguf -> quantize -> verify
-> eval -> promote.

export: the user's rated replies from the interaction log (never excluded or deleted turns):
thumbs-up replies and corrections join the SFT data (at most ``feedback_share`` of the persona
examples, so the seed data is never drowned out); every rating feeds the prefs stage (KTO, or
DPO with enough corrected pairs, trainer/prefs.py) on top of the merged SFT model, which runs
only when there is enough feedback.

One at a time (RetrainLock).  Work happens in a run folder; only a verified GGUF reaches the
registry, and only at the very end, so a failure at any stage leaves the current model as it
was.  The run folder is removed on success, on failure and on cancel (SIGTERM/SIGHUP become
an exception: trainer/cli.py); a run killed outright leaves it, and the next start of the app
or of a retrain removes the exported conversations and all but the fine-tune checkpoints
(jarvis_desktop/runs.py ``clean_stale_runs``), so the next retrain with the same data and settings
resumes its fine-tune from the last checkpoint.  ``--keep-work`` keeps a folder until then.

The eval stage is the promotion gate: the candidate is scored on the held-out prompts
(trainer/evaluate.py) against the current model; a candidate that is worse on the persona is
registered with the reason in its meta.json but not made current.  A current model that
llama.cpp cannot load (a damaged or missing file) is treated as absent: the candidate is
judged on its own, as a first model is, and the reason says so (checked before the fine-tune
too, so the user learns of it at once).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from jarvis_desktop.core.assistant import Persona
from jarvis_desktop.core.errors import ConfigError, JarvisError, ModelError
from jarvis_desktop.core.paths import runs_dir, write_atomic
from jarvis_desktop.core.persona import read_persona
from jarvis_desktop.core.registry import ModelVersion, Registry, training_key
from jarvis_desktop.core.retrain_lock import RetrainLock
from jarvis_desktop.core.runs import clean_stale_runs, strip_to_checkpoints
from trainer.data import dataset_hash, load_examples
from trainer.evaluate import GateDecision, eval_persona
from trainer.prefs import PrefsOptions
from trainer.progress import Progress
from trainer.sft_config import SFTOptions

log = logging.getLogger(__name__)

__all__ = ["RetrainOptions", "retrain", "STAGES"]

STAGES = ("data", "export", "sft", "prefs", "merge", "gguf", "quantize", "verify", "eval", "promote")


@dataclass
class RetrainOptions:
    sft: SFTOptions = field(default_factory=SFTOptions)
    quant: str = ""  # "" = the preset's default (Q8_0 for Gemma 270M, Q4_K_M for 1B+)
    keep_work: bool = False
    gate: bool = True  # False: promote a verified model even if it scores worse (--no-gate)
    eval_max_tokens: int = 160
    substance: bool = True  # the gate also scores tool calls and facts (trainer/tool_eval.py)
    memory_turns: bool = False  # rated turns that drew on the user's memory are trained on (Settings)
    feedback: str = "auto"  # auto: the app's interaction log if there is one; off; or a log file
    feedback_share: float = 0.25  # feedback SFT examples: at most this share of the persona examples
    prefs_min_ratings: int = 16  # ratings needed before the prefs stage trains anything
    prefs_learning_rate: float = PrefsOptions.learning_rate
    prefs_epochs: float = PrefsOptions.epochs
    # auto: start from the current model's adapter where it fits (``warm_source``).  Measured on the
    # real data against a cold retrain (README, "Warm starts"): a quarter of the dataset let facts
    # answered wrongly rise by 0.06-0.075 in three runs (refused by the gate); half of it passed the
    # gate on every figure in 13.8 min instead of 46.
    warm: str = "auto"
    warm_replay: float = 0.5  # the share of the dataset a warm start trains on beside the ratings
    # at most this many examples of it (0: no cap): 1,260 of the 3,568 training examples, with the
    # facts among them twice (about 1,357 a pass), is as long a fine-tune as half of the 2,710
    # (1,355) before the tool data grew
    warm_replay_max: int = 1260


class InjectedFailure(JarvisError):
    """Raised where JARVIS_FAIL_AT names a stage: lets tests prove every stage fails safely."""


def _stage(progress: Progress, name: str, message: str) -> None:
    progress.update(name, message=message)
    if os.environ.get("JARVIS_FAIL_AT") == name:
        raise InjectedFailure(f"failure injected at stage {name!r} (JARVIS_FAIL_AT)")


def retrain(opts: RetrainOptions, progress: Progress | None = None,
            registry: Registry | None = None) -> ModelVersion:
    """Run the whole chain; return the newly promoted version or raise a JarvisError."""
    from convert.gguf_export import hf_to_gguf, llama_cpp_version
    from convert.merge import merge_adapter
    from convert.quantize import quantize
    from convert.verify import verify
    from trainer.presets import resolve_base
    from trainer.sft import run_sft

    progress = progress or Progress()
    registry = registry or Registry()
    timings: dict[str, float] = {}
    with RetrainLock():
        clean_stale_runs(lock_held=True)  # conversations a killed run left must not outlive it
        t = time.monotonic()
        _stage(progress, "data", "checking the training data")
        count = sum(len(load_examples(Path(p))) for p in opts.sft.data)
        data_hash = dataset_hash([Path(p) for p in opts.sft.data])
        _warn_if_current_unloadable(registry, progress)
        timings["data"] = time.monotonic() - t
        staging = work = None
        try:  # from here on the run's files (the user's conversations first) go on any exit
            t = time.monotonic()
            _stage(progress, "export", "collecting rated replies from the interaction log")
            staging = Path(tempfile.mkdtemp(prefix="export-", dir=runs_dir()))
            feedback = export_feedback(opts, staging, count)
            warm, why_cold = warm_source(registry, opts, data_hash)
            progress.update("export", message=f"warm start from {warm['from']}" if warm else f"training from the base: {why_cold}")
            key = hashlib.sha256((data_hash + feedback["hash"] + opts.sft.to_json() + opts.quant
                                  + (warm["from"] if warm else "")).encode()).hexdigest()[:12]
            work = runs_dir() / f"retrain-{key}"
            work.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(work / "export", ignore_errors=True)
            shutil.move(str(staging), work / "export")
            progress.update("export", message=feedback["summary"])
            timings["export"] = time.monotonic() - t

            t = time.monotonic()
            extra = [str(work / "export" / FEEDBACK_SFT)] if feedback["sft_used"] else []
            base = resolve_base(opts.sft.base)
            sft_opts = SFTOptions(**{**opts.sft.__dict__, "output": str(work / "sft"),
                                     "data": [*opts.sft.data, *extra]})
            learn_by_prefs = warm is not None and opts.warm_replay == 0
            if learn_by_prefs:  # the current fine-tune as it is: the ratings teach through the prefs stage
                _stage(progress, "sft", f"keeping {warm['from']}'s fine-tune; your ratings and corrections "
                                        "teach through preference tuning")
                adapter = Path(warm["adapter"])
            else:
                if warm is not None:
                    sft_opts.init_adapter, sft_opts.replay = str(warm["adapter"]), opts.warm_replay
                    sft_opts.replay_max = opts.warm_replay_max
                    sft_opts.epochs, sft_opts.max_steps = 1.0, -1
                _stage(progress, "sft", (f"fine-tuning {warm['from']} further on a sample of the {count} examples"
                                         if warm is not None else f"fine-tuning {opts.sft.base} on {count} examples")
                       + (f" + {feedback['sft_used']} from your ratings" if extra else ""))
                adapter = run_sft(sft_opts, progress)
            timings["sft"] = time.monotonic() - t

            t = time.monotonic()
            _stage(progress, "prefs", "preference tuning from your ratings")
            prefs_adapter = None
            if feedback["kto"]:
                merged_sft = merge_adapter(adapter, work / "merged-sft")
                prefs_adapter, feedback["prefs"] = _run_prefs_stage(opts, merged_sft, work, progress,
                                                                    corrections=learn_by_prefs)
            else:
                feedback["prefs"] = "skipped: no rated replies"
            progress.update("prefs", message=feedback["prefs"])
            timings["prefs"] = time.monotonic() - t

            t = time.monotonic()
            _stage(progress, "merge", "merging the adapter into the base")
            if prefs_adapter is None and (work / "merged-sft").is_dir():
                shutil.rmtree(work / "merged", ignore_errors=True)
                merged = (work / "merged-sft").rename(work / "merged")  # already merged for the prefs stage
            else:
                merged = merge_adapter(prefs_adapter or adapter, work / "merged")
            timings["merge"] = time.monotonic() - t

            t = time.monotonic()
            _stage(progress, "gguf", "converting to GGUF (F16)")
            f16 = hf_to_gguf(merged, work / "model-F16.gguf", "f16")
            timings["gguf"] = time.monotonic() - t

            t = time.monotonic()
            qtype = (opts.quant or base.preset.quant).upper()
            _stage(progress, "quantize", f"quantizing to {qtype}")
            if qtype == "F16":
                final, qreport = f16, {"requested": "F16", "note": ""}
            else:
                final = work / f"model-{qtype}.gguf"
                qreport = quantize(f16, final, qtype)
            timings["quantize"] = time.monotonic() - t

            t = time.monotonic()
            _stage(progress, "verify", "checking the GGUF against the tuned model")
            persona = eval_persona(opts.sft.honorific, opts.sft.persona)
            vreport = verify(merged, final, qtype, persona=persona)
            timings["verify"] = time.monotonic() - t

            t = time.monotonic()
            _stage(progress, "eval", "calibrating when the new model calls a tool")
            router = _calibrate_router(final, persona, progress)
            _stage(progress, "eval", "scoring the persona on held-out prompts")
            evaluation, decision = _evaluate_and_gate(final, registry, opts, persona, progress,
                                                      work / "export" / "heldout.jsonl")
            replies = evaluation.pop("replies", []) if evaluation else []  # kept beside the scores, not in meta
            timings["eval"] = time.monotonic() - t

            _stage(progress, "promote", "registering the new model")
            sft_meta = (adapter / "jarvis_sft.json").read_text()
            sft_meta = json.loads(sft_meta)
            meta = {
                "base": sft_meta["base"],
                "preset": sft_meta["preset"],
                "dataset_hash": data_hash,
                "feedback": {k: v for k, v in feedback.items() if k != "summary"},
                "memory_trained": opts.memory_turns,
                "warm_start": ({"from": warm["from"], "chain": warm["chain"], "replay": opts.warm_replay,
                                **({"replay_max": opts.warm_replay_max} if opts.warm_replay_max and opts.warm_replay else {})}
                               if warm else None),
                "quant": qtype,
                "config": {"sft": sft_meta["config"], "quant": qtype},
                "training": ({"steps": 0, "seconds": 0.0, "examples": 0, "kept_from": warm["from"]}
                             if learn_by_prefs else
                             {k: sft_meta[k] for k in ("train_loss", "steps", "seconds", "precision",
                                                       "qlora", "device", "examples")}),
                "conversion": {"quantize": qreport, "llama_cpp_python": llama_cpp_version()},
                "persona": _persona_record(persona, opts.sft.persona),
                "verification": vreport,
                "router": router,
                "evaluation": evaluation,
                "gate": decision.as_dict(),
                "timings_s": {k: round(v, 1) for k, v in timings.items()},
            }
            same = registry.rolled_back_with(training_key(meta)) if decision.promoted else None
            if same is not None and opts.gate:
                decision = GateDecision(False, f"trained from the same data and settings as {same.name}, which "
                                               "was rolled back; rate more replies (or use --no-gate) to try again",
                                        ("rolled_back",), decision.metrics)
                meta["gate"] = decision.as_dict()
            version = registry.add(final, meta)
            keep_adapter(adapter, version.path)
            if evaluation is not None:  # the next retrain compares against this without re-scoring it
                # with its replies: the next version's "What Jarvis learned" shows which changed
                write_atomic(version.path / f"eval-{evaluation['key']}.json",
                             json.dumps({"key": evaluation["key"], "metrics": evaluation["metrics"],
                                         "replies": replies}, indent=2))
                if "substance" in evaluation:
                    sub = evaluation["substance"]
                    write_atomic(version.path / f"substance-{sub['key']}.json", json.dumps(sub, indent=2))
            if decision.promoted:
                registry.promote(version.name)
        except BaseException as exc:  # a failure, Ctrl-C, or a cancel (SIGTERM) alike
            # Quit (SIGUSR1, trainer/cli.py's Postponed; told by its signal, as `python -m trainer.cli`
            # runs that module as __main__, whose classes are not trainer.cli's): the fine-tune's progress stays
            if getattr(exc, "signum", None) == getattr(signal, "SIGUSR1", -1) and work is not None:
                strip_to_checkpoints(work)
                work = None
            for folder in (staging, work):
                if folder is not None:
                    shutil.rmtree(folder, ignore_errors=True)
            raise
        if not opts.keep_work:
            shutil.rmtree(work, ignore_errors=True)
    if decision.promoted:
        progress.update("done", message=f"promoted {version.name}: {decision.reason}",
                        version=version.name, promoted=True, reason=decision.reason)
    else:
        current = registry.current()
        progress.update("done", message=f"{version.name} not promoted ({decision.reason}); "
                        f"{current.name if current else 'no model'} stays current",
                        version=version.name, promoted=False, reason=decision.reason)
    return version


FEEDBACK_SFT = "feedback_sft.jsonl"


ADAPTER = "adapter"  # a version's SFT adapter, kept for the next retrain to start from
WARM_CHAIN_MAX = 6  # warm starts in a row before a retrain goes back to the base (drift stays bounded)
# What must match for a warm start: settings that shape the adapter or what it learns from.
WARM_SAME = ("base", "lora_r", "lora_alpha", "max_length", "honorific", "persona", "head")


def warm_source(registry: Registry, opts: RetrainOptions, data_hash: str) -> tuple[dict | None, str]:
    """({"from": version, "adapter": its folder, "chain": warm starts so far}, "") when this
    retrain may start from the current model's adapter, else (None, why not): it needs the
    adapter kept with the version, the same dataset, base and settings, and fewer than
    WARM_CHAIN_MAX warm starts behind it."""
    if opts.warm == "off":
        return None, "warm starts are off"
    if not 0 <= opts.warm_replay <= 1:
        raise ConfigError(f"warm_replay must be a share from 0 (no fine-tune: the ratings teach through "
                          f"preference tuning alone) to 1, not {opts.warm_replay}")
    if opts.warm_replay_max < 0:
        raise ConfigError(f"warm_replay_max must be 0 (no cap) or a number of examples, not {opts.warm_replay_max}")
    current = registry.current()
    if current is None:
        return None, "there is no current model"
    adapter = current.path / ADAPTER
    if not (adapter / "jarvis_sft.json").is_file():
        return None, f"{current.name} kept no adapter to start from"
    meta = current.meta
    if meta.get("dataset_hash") != data_hash:
        return None, f"the training data changed since {current.name}"
    then = (meta.get("config") or {}).get("sft") or {}
    now = json.loads(opts.sft.to_json())
    changed = [k for k in WARM_SAME if then.get(k) != now.get(k)]
    if changed:
        return None, f"{', '.join(changed)} changed since {current.name}"
    chain = ((meta.get("warm_start") or {}).get("chain") or 0) + 1
    if chain > WARM_CHAIN_MAX:
        return None, f"{WARM_CHAIN_MAX} warm starts in a row: this one starts afresh"
    return {"from": current.name, "adapter": adapter, "chain": chain}, ""


def keep_adapter(adapter: Path, version: Path) -> None:
    """Copy the SFT adapter into the version's folder (whole or not at all), for a warm start."""
    partial = version / (ADAPTER + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        shutil.copytree(adapter, partial)
        partial.rename(version / ADAPTER)
    except OSError as exc:  # a full disk: the model is registered; only the next warm start is lost
        shutil.rmtree(partial, ignore_errors=True)
        log.warning("could not keep the adapter with %s (%s): the next retrain starts from the base", version.name, exc)


def _persona_record(persona: Persona, path: str) -> dict:
    """meta.json's "persona": which persona the model was trained and judged with."""
    text = persona.template if persona.template is not None else read_persona()
    return {"honorific": persona.honorific, "source": str(path) if path else "shipped",
            "sha256": hashlib.sha256(text.strip().encode()).hexdigest(), "text": text.strip()}


def new_ratings(registry: Registry | None = None) -> tuple[bool, str]:
    """(whether there are ratings newer than the current model, a line saying so)."""
    from jarvis_desktop.core.interactions import InteractionLog, log_path

    current = (registry or Registry()).current()
    if current is None:
        return True, "no model yet"
    path = log_path()
    if not path.is_file():
        return False, "no ratings yet"
    since = current.meta.get("created") or None
    with InteractionLog(path) as log:
        counts = log.rating_counts(since=since)
    if not counts["total_rated"]:
        return False, f"no new ratings since {current.name} was made"
    return True, f"{counts['total_rated']} new ratings since {current.name}"


def export_feedback(opts: RetrainOptions, folder: Path, persona_count: int) -> dict:
    """Export the interaction log's ratings into ``folder`` (trainer/feedback.py: sft/kto/dpo/
    heldout.jsonl with their turn-id sidecars) and write the capped SFT mix (FEEDBACK_SFT), each
    file once.  Returns counts, a hash of what was exported and a summary."""
    from jarvis_desktop.core.interactions import InteractionLog, log_path
    from trainer.data import FEEDBACK_CATEGORY, parse_row
    from trainer.feedback import build_feedback, write_feedback, write_rows

    empty = {"source": None, "sft": 0, "sft_used": 0, "sft_skipped": 0, "kto": 0, "dpo": 0,
             "hash": "none", "summary": "no interaction log: training on the persona data alone"}
    if opts.feedback == "off":
        return {**empty, "summary": "ratings left out (--feedback off)"}
    if opts.feedback == "auto":
        path = log_path()
        if not path.is_file():
            return empty
    else:
        path = Path(opts.feedback)
        if not path.is_file():
            raise JarvisError(f"--feedback {path}: no such interaction log")
    with InteractionLog(path) as log:
        feedback = build_feedback(log.rated_turns(), opts.sft.honorific, memory_turns=opts.memory_turns)
    written = write_feedback(feedback, folder)  # with the turn-id sidecars: deleting a turn scrubs these files
    counts = feedback.counts()
    usable, skipped, seen = [], 0, {}
    for n, (row, ids) in enumerate(zip(feedback.rows["sft"], feedback.ids["sft"]), 1):
        try:  # the user's chat can hold anything; a line the trainer cannot use is left out
            parse_row({"category": FEEDBACK_CATEGORY, "messages": row["messages"]}, folder / "sft.jsonl", n)
        except JarvisError:
            skipped += 1
            continue
        key = json.dumps(row["messages"], sort_keys=True)
        if key not in seen:  # a reply liked and also typed as a correction counts once
            seen[key] = len(usable)
            usable.append(({"category": FEEDBACK_CATEGORY, "messages": row["messages"]}, list(ids)))
        else:  # the same words from other turns: deleting any of them drops the row
            usable[seen[key]][1].extend(i for i in ids if i not in usable[seen[key]][1])
    cap = int(opts.feedback_share * persona_count)
    used = usable[-cap:] if cap > 0 else []  # the most recent, when there are more than the cap
    write_rows(folder, Path(FEEDBACK_SFT).stem, [r for r, _ in used], [ids for _, ids in used])
    digest = hashlib.sha256()
    for name in ("sft", "kto", "dpo"):
        digest.update(written[name])
    good = sum(row["label"] is True for row in feedback.rows["kto"])
    summary = (f"{counts['kto']} rated replies ({good} good, {counts['kto'] - good} bad, {counts['dpo']} corrected); "
               f"{len(used)} join the {persona_count} persona examples")
    if len(usable) > len(used):
        summary += f" (capped at {opts.feedback_share:.0%} of them)"
    if skipped:
        summary += f"; {skipped} left out (not usable as training text)"
    if counts.get("heldout"):
        summary += f"; {counts['heldout']} rated down kept aside to judge the new model"
    return {"source": str(path), "sft": counts["sft"], "sft_used": len(used), "sft_skipped": skipped,
            "kto": counts["kto"], "dpo": counts["dpo"], "hash": digest.hexdigest()[:16], "summary": summary}


def _warn_if_current_unloadable(registry: Registry, progress: Progress) -> None:
    """Say before the fine-tune, not after it, that the gate will have nothing to compare with."""
    from trainer.evaluate import load_problem

    current = registry.current()
    problem = load_problem(current.gguf) if current is not None else None
    if problem:
        progress.update("data", message=f"the current model {current.name} could not be loaded ({problem}): "
                                        "the new model will be judged on its own")


def _run_prefs_stage(opts: RetrainOptions, merged_sft: Path, work: Path, progress: Progress,
                     corrections: bool = False):
    """(adapter or None, what happened) for the prefs stage; ``corrections``: KTO also learns the
    user's corrections as desirable replies (when no fine-tune ran to learn them)."""
    from trainer.prefs import NotEnoughFeedback, run_prefs

    prefs = PrefsOptions(model=str(merged_sft), data=str(work / "export"), honorific=opts.sft.honorific,
                         persona=opts.sft.persona, output=str(work / "prefs"), precision=opts.sft.precision,
                         qlora=opts.sft.qlora, min_ratings=opts.prefs_min_ratings, seed=opts.sft.seed,
                         learning_rate=opts.prefs_learning_rate, epochs=opts.prefs_epochs,
                         max_length=opts.sft.max_length, threads=opts.sft.threads, corrections=corrections)
    try:
        adapter = run_prefs(prefs, progress)
    except NotEnoughFeedback as exc:
        return None, f"skipped: {exc}"
    meta = json.loads((adapter / "jarvis_prefs.json").read_text())
    return adapter, f"{meta['method'].upper()} on {meta['rows']} rows, {meta['steps']} steps"


def _calibrate_router(gguf: Path, persona: Persona, progress: Progress) -> dict:
    """The candidate's call threshold, measured on the development set (trainer/router_calibration.py)
    and written to a ``meta.json`` beside it, so the gate scores it as the app will run it."""
    from trainer.router_calibration import calibrate

    def step(done: int, total: int) -> None:
        if done == 1 or done % 50 == 0 or done == total:
            progress.update("eval", message=f"calibrating tool calls: {done} of {total}")
    router = calibrate(gguf, persona, progress=step)
    write_atomic(gguf.parent / "meta.json", json.dumps({"router": router}, indent=2))
    log.info("call threshold %.3f (dev: %s)", router["call_threshold"], router["dev"])
    return router


def _substance(gguf: Path, persona: Persona, progress: Progress, label: str, folder: Path | None = None) -> dict:
    """A model's substance figures (tool calls on the held-out requests, facts right / unsure /
    wrong), read from ``folder``'s cache where that model was scored on the same sets before."""
    from trainer.tool_eval import evaluate_substance, substance_key

    key = substance_key(persona)
    cache = folder / f"substance-{key}.json" if folder is not None else None
    if cache is not None and cache.is_file():
        try:
            return json.loads(cache.read_text())
        except ValueError:
            log.warning("ignoring an unreadable %s", cache)

    def step(done: int, total: int) -> None:
        if done == 1 or done % 20 == 0 or done == total:
            progress.update("eval", message=f"scoring {label} on tool calls and facts: {done} of {total}")
    scores = {"key": key, **evaluate_substance(gguf, persona, progress=step)}
    if cache is not None:
        write_atomic(cache, json.dumps(scores, indent=2))
    return scores


def _substance_gate(decision: GateDecision, candidate: dict, current: dict, best: dict | None = None) -> GateDecision:
    """The persona gate's decision, refused as well where the candidate does worse than the
    current model, or than the best of the models promoted before it (``best``), on tool calls
    or facts (trainer/tool_eval.SUBSTANCE_LIMITS)."""
    from trainer.tool_eval import substance_failures

    worse = substance_failures(candidate, current, best)
    metrics = {**decision.metrics, "substance": candidate}
    if not worse:
        talk = candidate.get("routing_in_conversation")
        line = (f"tool routing {candidate['routing_accuracy']:.2f}"
                + (f" ({talk:.2f} in a conversation)" if talk is not None else "")
                + f", arguments {candidate['argument_accuracy']:.2f}, facts wrong {candidate['facts_wrong_rate'] or 0:.2f}")
        return GateDecision(decision.promoted, f"{decision.reason}; {line}", decision.failures, metrics)
    said = "; ".join(why for _key, why in worse)
    head = "worse than the current model: " if decision.promoted else decision.reason + "; "
    # judged against the line's best alone (no current model's figures): whether that stopped it too
    below_best = bool(best) and any(k != "invalid_calls" for k, _ in substance_failures(candidate, {}, best))
    return GateDecision(False, head + said, (*decision.failures, *(k for k, _ in worse)), metrics,
                        (best.get("since") or "") if below_best else "")


def said_on(prompts: list, replies: list[dict]) -> list[dict]:
    """The held-out prompts (the dataset's, never the user's) with a model's reply to each, as
    kept beside its scores: [{"prompt": the last user turn, "reply": text}]."""
    return [{"prompt": p.messages[-1]["content"], "reply": r["text"]} for p, r in zip(prompts, replies)]


def _evaluate_and_gate(candidate: Path, registry: Registry, opts: RetrainOptions, persona: Persona,
                       progress: Progress, rated_down: Path | None = None) -> tuple[dict | None, GateDecision]:
    """Score the candidate (and the current model, unless its score for the same prompts is
    cached in its folder) on the persona, and both on the held-out prompts the user rated
    down (``rated_down``, the export's heldout.jsonl); with ``opts.substance`` both also on
    the substance sets (tool calls, facts; cached likewise).  Decide whether the candidate may
    be promoted: not worse on the persona or on substance, and not losing more of the
    rated-down prompts than chance explains (trainer.evaluate.worse_on_rated_down)."""
    from trainer.evaluate import (compare_on, evaluate_model, gate, heldout_prompts, load_problem, rated_down_prompts,
                                  worse_on_rated_down)

    honorific = persona.honorific
    prompts = heldout_prompts(opts.sft.data, honorific, opts.sft.holdout)
    if not prompts:
        return None, GateDecision(True, "no held-out prompts to evaluate on (data too small)")
    cand = evaluate_model(candidate, prompts, persona, opts.eval_max_tokens, progress=progress)
    evaluation = {"key": cand["key"], "prompts": len(prompts), "metrics": cand["metrics"],
                  "replies": said_on(prompts, cand["replies"])}
    if opts.substance:
        evaluation["substance"] = _substance(candidate, persona, progress, "the new model")
    current = registry.current()
    if current is None:
        if "substance" in evaluation:  # it begins the line of models whose best the next ones keep to
            from trainer.tool_eval import best_substance

            evaluation["substance_best"] = best_substance(None, evaluation["substance"], "")
        return evaluation, GateDecision(True, "first model", (), cand["metrics"])
    # Checked even when its score is cached: the rated-down comparison loads it, and a damaged
    # current model must not fail the run after the whole fine-tune.  Judged alone instead.
    problem = load_problem(current.gguf)
    try:
        if problem is None:
            cache = current.path / f"eval-{cand['key']}.json"
            if cache.is_file():
                cur_metrics = json.loads(cache.read_text())["metrics"]
            else:
                cur = evaluate_model(current.gguf, prompts, persona, opts.eval_max_tokens, progress=progress)
                cur_metrics = cur["metrics"]
                write_atomic(cache, json.dumps({"key": cur["key"], "metrics": cur_metrics,
                                                "replies": said_on(prompts, cur["replies"])}, indent=2))
            evaluation["against"] = {"version": current.name, "metrics": cur_metrics}
            bad = rated_down_prompts(rated_down, honorific) if rated_down else []
            if bad:  # both models answer afresh: these prompts change with every export
                progress.update("eval", message=f"answering {len(bad)} held-out prompts you rated down, "
                                                "with both models")
                wins = compare_on(bad, candidate, current.gguf, persona, opts.eval_max_tokens, progress=progress)
                evaluation["rated_down"] = wins
    except ModelError as exc:  # loaded for the check, then failed (a file changed underneath)
        problem = str(exc)
    if problem:
        evaluation.pop("against", None)
        evaluation.pop("rated_down", None)
        evaluation["current_unloadable"] = {"version": current.name, "error": problem}
        return evaluation, GateDecision(True, f"the current model {current.name} could not be loaded "
                                              f"({problem}): judged on its own", (), cand["metrics"])
    cur_substance = best = None
    if opts.substance:
        from trainer.tool_eval import best_substance

        try:
            cur_substance = _substance(current.gguf, persona, progress, current.name, current.path)
            evaluation["against"]["substance"] = cur_substance
            # the line's best before the current model, and with it: the candidate joins it if promoted
            before = dict((current.meta.get("evaluation") or {}).get("substance_best") or {}) or None
            if before is not None and not before.get("since"):
                before["since"] = current.name  # the line began with the current model
            best = best_substance(before, cur_substance, current.name)
            evaluation["substance_best"] = best_substance(best, evaluation["substance"], "")
        except ModelError as exc:  # scored on the persona a moment ago: a file changed underneath
            log.warning("the current model could not be scored on substance: %s", exc)
    if not opts.gate:
        return evaluation, GateDecision(True, "gate turned off (--no-gate)", (), cand["metrics"])
    decision = gate(cand["metrics"], cur_metrics)
    if cur_substance is not None:
        decision = _substance_gate(decision, evaluation["substance"], cur_substance, best)
    if bad:
        line = (f"won {wins['win_rate']:.0%} against {current.name} on {wins['prompts']} held-out prompts you "
                f"rated down ({wins['wins']} wins, {wins['ties']} ties, {wins['losses']} losses)")
        metrics = {**decision.metrics, "rated_down": wins}
        if worse_on_rated_down(wins):
            head = "worse than the current model: " if decision.promoted else decision.reason + "; "
            return evaluation, GateDecision(False, head + line.replace("won", "won only", 1),
                                            (*decision.failures, "win_rate"), metrics)
        if wins["win_rate"] is not None and wins["win_rate"] < 0.5:
            line += ": too few lost to tell from chance"
        decision = GateDecision(decision.promoted, f"{decision.reason}; {line}", decision.failures, metrics)
    return evaluation, decision
