"""What Jarvis learned in a retrain, in plain words: from a version's meta.json and eval files.

A retrain records what it trained on (``feedback``: the ratings and corrections used), the
gate's figures for the new model and the one it was measured against (``evaluation``: the
persona on held-out prompts, and tool calls and facts on the substance set), the gate's
verdict (``gate``), and, beside its scores, the new model's reply to each held-out prompt
(``eval-<key>.json``).  ``learned(registry, name)`` puts these together for the "What Jarvis
learned" window (views/learned.py): what was used, each figure before and after and whether
that is better, the held-out prompts whose reply changed most, and the verdict said plainly.
Nothing here runs a model; a version from before these records says what it lacks.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from jarvis_desktop.core.registry import ModelVersion, Registry

__all__ = ["Learned", "Figure", "Change", "learned", "FIGURES"]

log = logging.getLogger(__name__)

# (key, where in the evaluation, plain words, higher is better, shown as a percentage)
FIGURES = (
    ("persona_score", "metrics", "keeps the butler's manner (persona score)", True, False),
    ("address_rate", "metrics", "addresses you as he should", True, True),
    ("clean_stop_rate", "metrics", "ends his replies cleanly", True, True),
    ("disclaimer_rate", "metrics", "\"as an AI\" disclaimers", False, True),
    ("american_rate", "metrics", "American spellings", False, True),
    ("routing_accuracy", "substance", "picks the right tool, or none", True, True),
    ("routing_in_conversation", "substance", "the same, mid-conversation", True, True),
    ("false_call_rate", "substance", "uses a tool when none was asked for", False, True),
    ("argument_accuracy", "substance", "fills in the tool's details right", True, True),
    ("result_fidelity", "substance", "repeats the tool's numbers faithfully", True, True),
    ("facts_right_rate", "substance", "answers factual questions right", True, True),
    ("facts_wrong_rate", "substance", "answers factual questions wrongly", False, True),
)
_WORDS = {key: words for key, _where, words, _up, _pct in FIGURES}
_WORDS.update(win_rate="wins on replies you rated down", invalid_calls="writes tool calls that do not parse")
CHANGES_SHOWN = 5


@dataclass(frozen=True)
class Figure:
    key: str
    words: str
    before: float | None
    after: float | None
    higher_is_better: bool
    percent: bool

    @property
    def verdict(self) -> str:
        """"better", "worse", "same", or "" where one side is missing."""
        if self.before is None or self.after is None:
            return ""
        delta = self.after - self.before
        if abs(delta) < 0.005 or self.shown(self.before) == self.shown(self.after):
            return "same"  # (as shown: "96%" and "96%" are not "worse")
        return "better" if (delta > 0) == self.higher_is_better else "worse"

    def shown(self, value: float | None) -> str:
        if value is None:
            return "–"
        return f"{value:.0%}" if self.percent else f"{value:.3f}"


@dataclass(frozen=True)
class Change:
    prompt: str
    before: str
    after: str


@dataclass
class Learned:
    version: str
    against: str  # the version it was measured against ("" for a first model)
    created: str
    promoted: bool
    current: bool
    verdict: str  # the gate's decision in plain words
    used: list[str] = field(default_factory=list)  # what it learned from, a line each
    figures: list[Figure] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # what this version's records lack

    @property
    def headline(self) -> str:
        if self.promoted:
            return f"{self.version} is " + ("the current model" if self.current else "a kept model (not current now)")
        return f"{self.version} was not made current: {self.against or 'the model before'} stayed"


def _eval_file(version: ModelVersion, key: str) -> dict:
    path = version.path / f"eval-{key}.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _used(meta: dict) -> list[str]:
    fb = meta.get("feedback") or {}
    if not fb:
        return ["the persona dataset only (no ratings were recorded for this version)"]
    lines = []
    rated = fb.get("kto", fb.get("sft", 0))
    if rated:
        lines.append(f"{rated} of your rated replies"
                     + (f", {fb['dpo']} of them with a correction you typed" if fb.get("dpo") else ""))
    if fb.get("sft_used"):
        lines.append(f"{fb['sft_used']} liked replies and corrections joined the fine-tune")
    if fb.get("prefs") and lines:  # (without ratings it only says it was skipped)
        lines.append(f"preference tuning: {fb['prefs']}")
    warm = meta.get("warm_start")
    if warm:
        lines.append(f"started from {warm['from']} (a warm start: your ratings and a quarter of the dataset)")
    if not lines:
        lines.append("the persona dataset only: there were no new ratings")
    elif not rated and not fb.get("sft_used"):
        lines.insert(0, "the persona dataset: there were no new ratings")
    if meta.get("memory_trained"):
        lines.append("rated turns that used your memory (switched on in Settings)")
    return lines


def _verdict(meta: dict) -> str:
    gate = meta.get("gate") or {}
    reason = gate.get("reason", "")
    if gate.get("promoted", True):
        if reason == "first model":
            return "The first model: there was nothing to compare it with."
        return "It was as good as or better than the model before on every checked figure, so it was made current."
    worse = [_WORDS.get(k, k.replace("_", " ")) for k in gate.get("failures", [])]
    said = "; ".join(worse) if worse else reason
    # several retrains each a little worse must not add up: the best of the line counts too
    best = gate.get("below_best")
    than = f"the model before, or too far below the best one since {best}," if best else "the model before"
    return (f"It was worse than {than} at: {said}. So the model before stays, and nothing changed "
            f"for you. (The check: {reason}.)")


def _changes(version: ModelVersion, registry: Registry, meta: dict, missing: list[str]) -> list[Change]:
    ev = meta.get("evaluation") or {}
    key = ev.get("key")
    against = (ev.get("against") or {}).get("version")
    if not key or not against:
        if (meta.get("gate") or {}).get("reason") == "first model":
            missing.append("there was no model before this one to compare its replies with")
        return []
    after = _eval_file(version, key).get("replies")
    try:
        before = _eval_file(registry.get(against), key).get("replies")
    except Exception:  # noqa: BLE001 - the older version was pruned or is damaged
        before = None
    if not after or not before:
        missing.append(f"the replies of {against if not before else version.name} on the held-out prompts "
                       "were not kept, so no replies are compared")
        return []
    old = {r["prompt"]: r["reply"] for r in before}
    pairs = [(r["prompt"], old[r["prompt"]], r["reply"]) for r in after if r["prompt"] in old]
    # the most changed first: what the ratings moved
    pairs.sort(key=lambda t: SequenceMatcher(None, t[1], t[2]).ratio())
    return [Change(p, b, a) for p, b, a in pairs[:CHANGES_SHOWN] if b.strip() != a.strip()]


def learned(registry: Registry, name: str) -> Learned:
    """The report of version ``name`` (KeyError-free: a version without records says so)."""
    version = registry.get(name)
    meta = version.meta
    ev = meta.get("evaluation") or {}
    against = ev.get("against") or {}
    current = registry.current()
    gate = meta.get("gate") or {}
    report = Learned(version=name, against=against.get("version", ""), created=meta.get("created", ""),
                     promoted=bool(gate.get("promoted", True)),
                     current=current is not None and current.name == name, verdict=_verdict(meta))
    report.used = _used(meta)
    if not ev:
        report.missing.append("this version was registered without the gate's figures")
    for key, where, words, up, pct in FIGURES:
        after = (ev.get(where) or {}).get(key)
        before = (against.get(where) or {}).get(key)
        if after is None and before is None:
            continue
        report.figures.append(Figure(key, words, before, after, up, pct))
    rated = ev.get("rated_down")
    if rated:
        report.used.append(f"compared with {report.against} on {rated['prompts']} replies you rated down: "
                           f"{rated['wins']} better, {rated['ties']} alike, {rated['losses']} worse")
    report.changes = _changes(version, registry, meta, report.missing)
    return report
