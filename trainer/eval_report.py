"""The evaluation report a person reads: a Markdown page with a before/after bar chart
(matplotlib, rendered to PNG without a display) and side-by-side sample replies."""

from __future__ import annotations

import time
from pathlib import Path

__all__ = ["render", "metrics_table"]

LABELS = {
    "address_rate": "addresses the user",
    "overuse_rate": "honorific overused",
    "disclaimer_rate": "AI disclaimers",
    "american_rate": "American spellings",
    "clean_stop_rate": "stops by itself",
    "degenerate_rate": "repetition loops",
    "speech_rate": "sized for speech",
    "math_exact": "math exact",
    "persona_score": "persona score",
    "words_median": "words per reply (median)",
    "first_token_s": "first token (s, median)",
    "tokens_per_s": "tokens/s (median)",
}
CHART = ("address_rate", "clean_stop_rate", "speech_rate", "math_exact", "disclaimer_rate",
         "american_rate", "degenerate_rate", "persona_score")


def _fmt(v) -> str:
    if v is None:
        return "n/a"
    return f"{v:.3f}".rstrip("0").rstrip(".") if isinstance(v, float) else str(v)


def metrics_table(results: dict[str, dict]) -> str:
    """A Markdown table: one row per metric, one column per model (plus the change for two)."""
    from trainer.persona_metrics import LOWER_IS_BETTER

    names = list(results)
    head = "| metric | " + " | ".join(names) + (" | change |" if len(names) == 2 else " |")
    lines = [head, "|---" * (len(names) + 1 + (len(names) == 2)) + "|"]
    for key, label in LABELS.items():
        vals = [results[n]["metrics"].get(key) for n in names]
        row = f"| {label} | " + " | ".join(_fmt(v) for v in vals)
        if len(names) == 2:
            a, b = vals
            if a is None or b is None:
                row += " | "
            else:
                d = b - a
                better = (d < 0) if key in LOWER_IS_BETTER else (d > 0)
                mark = "" if abs(d) < 1e-9 else (" (better)" if better else " (worse)")
                row += f" | {d:+.3f}{mark}"
        lines.append(row + " |")
    return "\n".join(lines)


def _chart(results: dict[str, dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(results)
    keys = [k for k in CHART if all(results[n]["metrics"].get(k) is not None for n in names)]
    width = 0.8 / len(names)
    fig, ax = plt.subplots(figsize=(10, 4.2), dpi=110)
    colours = ["#9aa5b1", "#1f5f8b", "#c77d2e", "#4b8b3b"]
    for i, n in enumerate(names):
        xs = [j + (i - (len(names) - 1) / 2) * width for j in range(len(keys))]
        vals = [results[n]["metrics"][k] for k in keys]
        bars = ax.bar(xs, vals, width, label=n, color=colours[i % len(colours)])
        ax.bar_label(bars, labels=[f"{v:.2f}" for v in vals], fontsize=7, padding=1)
    ax.set_xticks(range(len(keys)), [LABELS[k] for k in keys], rotation=20, ha="right", fontsize=8)
    ax.set_ylim(0, 1.12)
    ax.set_ylabel("share of held-out replies")
    ax.set_title("Jarvis persona evaluation (held-out prompts; lower is better for disclaimers, "
                 "American spellings, loops)", fontsize=9)
    ax.legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _cell(text: str, limit: int = 220) -> str:
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render(results: dict[str, dict], prompts, out: Path, samples: int = 12) -> None:
    names = list(results)
    _chart(results, out / "chart.png")
    first = results[names[0]]
    lines = [
        "# Jarvis evaluation",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M')} · {len(prompts)} held-out prompts (never trained on) · "
        f"greedy decoding, seed 0 · honorific \"{first['honorific']}\" · eval key `{first['key']}`",
        "",
        "Models: " + "; ".join(f"**{n}** = `{results[n]['model']}`" for n in names),
        "",
        metrics_table(results),
        "",
        "![persona metrics](chart.png)",
        "",
        "## Sample replies",
        "",
        "| prompt | " + " | ".join(names) + " |",
        "|---" * (len(names) + 1) + "|",
    ]
    # a spread of categories: take prompts round-robin by category
    by_cat: dict[str, list[int]] = {}
    for i, p in enumerate(prompts):
        by_cat.setdefault(p.category, []).append(i)
    order = []
    while len(order) < min(samples, len(prompts)):
        for idxs in by_cat.values():
            if idxs and len(order) < samples:
                order.append(idxs.pop(0))
    for i in order:
        p = prompts[i]
        cells = [_cell(results[n]["replies"][i]["text"]) +
                 ("" if results[n]["replies"][i]["finish_reason"] == "stop" else " *(cut off)*") for n in names]
        lines.append(f"| *{p.category}*: {_cell(p.messages[-1]['content'], 120)} | " + " | ".join(cells) + " |")
    (out / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
