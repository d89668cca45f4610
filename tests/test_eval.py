"""Evaluation end to end on the tiny model, and the gate inside the retrain chain."""

from __future__ import annotations

import json

from jarvis_desktop.core.registry import Registry
from tests.conftest import DATA, tiny_flags
from trainer.cli import main as train_main


def test_eval_cli_writes_a_report_and_is_deterministic(tiny_chain, tmp_path, capsys):
    gguf = tiny_chain["f16"]
    args = ["eval", str(gguf), "--against", str(gguf), "--name", "tuned", "--against-name", "same",
            "--data", str(DATA / "tiny_chat.jsonl"), "--persona", str(DATA / "tiny_persona.txt"),
            "--max-tokens", "48", "--progress", "json"]
    assert train_main([*args, "--out", str(tmp_path / "a")]) == 0
    out = capsys.readouterr().out
    assert "| addresses the user |" in out and "report:" in out
    assert train_main([*args, "--out", str(tmp_path / "b")]) == 0
    a = json.loads((tmp_path / "a" / "eval.json").read_text())
    b = json.loads((tmp_path / "b" / "eval.json").read_text())
    texts = lambda d: {n: [r["text"] for r in m["replies"]] for n, m in d["models"].items()}  # noqa: E731
    assert texts(a) == texts(b)  # greedy and seeded: the same replies every run
    assert texts(a)["tuned"] == texts(a)["same"]
    metrics = a["models"]["tuned"]["metrics"]
    assert metrics["prompts"] == len(a["prompts"]) >= 1
    assert 0 <= metrics["persona_score"] <= 1 and metrics["tokens_per_s"] > 0
    report = (tmp_path / "a" / "report.md").read_text()
    assert "![persona metrics](chart.png)" in report and "## Sample replies" in report
    assert (tmp_path / "a" / "chart.png").read_bytes()[:4] == b"\x89PNG"


def test_a_candidate_worse_on_the_persona_is_not_promoted(tiny_base, capsys, jarvis_home):
    # v1: trained to say "sir"; promoted (first model)
    assert train_main(["retrain", "--priority", "normal", *tiny_flags(tiny_base), "--progress", "json"]) == 0
    capsys.readouterr()
    reg = Registry()
    v1 = reg.current()
    v1_eval = json.loads((v1.path / "meta.json").read_text())["evaluation"]
    meta1 = json.loads((v1.path / "meta.json").read_text())
    assert meta1["gate"] == {"promoted": True, "reason": "first model", "failures": []}
    # the persona it was trained and judged with is recorded (the tiny one, from --persona)
    assert meta1["persona"]["source"].endswith("tiny_persona.txt") and meta1["persona"]["honorific"] == "sir"
    assert meta1["persona"]["text"] == (DATA / "tiny_persona.txt").read_text().strip()
    # its own score is kept with it, so the next retrain does not score it again
    cached = json.loads((v1.path / f"eval-{v1_eval['key']}.json").read_text())
    assert cached["metrics"] == v1_eval["metrics"]
    # v2: the same prompts, replies that never address the user: verified, but worse
    plain = ["--data", str(DATA / "tiny_chat_plain.jsonl")]
    assert train_main(["retrain", "--priority", "normal", *tiny_flags(tiny_base), *plain, "--progress", "json"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.startswith("{")]
    done = lines[-1]
    assert done["stage"] == "done" and done["promoted"] is False and done["version"] == "v2"
    assert "address_rate" in done["reason"] or "persona score" in done["reason"]
    reg = Registry()
    assert reg.current().name == "v1"
    meta = json.loads((reg.get("v2").path / "meta.json").read_text())
    assert meta["gate"]["promoted"] is False and set(meta["gate"]["failures"]) & {"persona_score", "address_rate"}
    against = meta["evaluation"]["against"]
    assert {k: against[k] for k in ("version", "metrics")} == {"version": "v1", "metrics": v1_eval["metrics"]}
    # both were scored on substance too (tool calls, facts): v1's score is kept with it
    key = meta["evaluation"]["substance"]["key"]
    assert against["substance"] == json.loads((v1.path / f"substance-{key}.json").read_text())
    assert v1_eval["substance"] == against["substance"] and against["substance"]["requests"] >= 150
    assert (reg.get("v2").path / f"substance-{key}.json").is_file()
    # the first model began the line whose best figures a candidate keeps to (tool_eval.best_substance)
    assert meta1["evaluation"]["substance_best"]["routing_accuracy"] == v1_eval["substance"]["routing_accuracy"]
    best = meta["evaluation"]["substance_best"]
    assert best["key"] == key and best["since"] == "v1"
    assert best["routing_accuracy"] == max(meta["evaluation"]["substance"]["routing_accuracy"],
                                           against["substance"]["routing_accuracy"])
    assert meta["evaluation"]["metrics"]["address_rate"] < meta["evaluation"]["against"]["metrics"]["address_rate"]
    assert "not promoted" in reg.get("v2").describe()
