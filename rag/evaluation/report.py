"""report.md and plots for an evaluation run (matplotlib, no display)."""

from __future__ import annotations

from pathlib import Path

ANSWERED = "#4c72b0"  # an answerable question: its short answer's F1 (0 when refused)
REFUSED_RIGHTLY = "#bbbbbb"  # an unanswerable question refused: right, drawn full height
ANSWERED_WRONGLY = "#c44e52"  # an unanswerable question answered: a missed refusal, full height


def per_question_bars(details: list[dict]) -> list[tuple[str, float, str]]:
    """(id, height, colour) of each question's bar: the headline short-answer F1 for an
    answerable question; an unanswerable one is a full-height bar, grey when it was refused
    and red when it was answered (it has no F1 to draw).

    >>> per_question_bars([
    ...     {"id": "a", "answerable": True, "abstained": False, "short_f1": 0.5},
    ...     {"id": "u", "answerable": False, "abstained": True, "short_f1": 0.0},
    ...     {"id": "v", "answerable": False, "abstained": False, "short_f1": 0.0}])
    [('a', 0.5, '#4c72b0'), ('u', 1.0, '#bbbbbb'), ('v', 1.0, '#c44e52')]
    """
    out = []
    for d in details:
        if d["answerable"]:
            out.append((d["id"], float(d["short_f1"]), ANSWERED))
        else:
            out.append((d["id"], 1.0, REFUSED_RIGHTLY if d["abstained"] else ANSWERED_WRONGLY))
    return out


def worst_questions(details: list[dict], n: int = 10) -> list[dict]:
    """The questions the bot got most wrong: unanswerable ones it answered and answerable ones
    it refused first, then answerable ones by their short-answer F1, lowest first. A correct
    refusal is not among them, nor is a short answer with F1 1.

    >>> rows = [
    ...     {"id": "ok", "answerable": True, "abstained": False, "short_f1": 1.0},
    ...     {"id": "low", "answerable": True, "abstained": False, "short_f1": 0.2},
    ...     {"id": "refused", "answerable": True, "abstained": True, "short_f1": 0.0},
    ...     {"id": "right_no", "answerable": False, "abstained": True, "short_f1": 0.0},
    ...     {"id": "missed", "answerable": False, "abstained": False, "short_f1": 0.0}]
    >>> [d["id"] for d in worst_questions(rows)]
    ['refused', 'missed', 'low']
    """
    wrong = [
        d
        for d in details
        if d["abstained"] == d["answerable"] or (d["answerable"] and d["short_f1"] < 1.0)
    ]
    return sorted(wrong, key=lambda d: (d["abstained"] != d["answerable"], d["short_f1"]))[:n]


def _plots(details: list[dict], out_dir: Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    bars = per_question_bars(details)
    ids = [b[0] for b in bars]
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(max(8, len(ids) * 0.22), 6), sharex=True)
    ax1.bar(ids, [b[1] for b in bars], color=[b[2] for b in bars])
    ax1.set_ylabel("short-answer F1")
    ax1.set_ylim(0, 1.05)
    ax1.set_title("Per question: short-answer F1 and rank of first relevant passage")
    ax1.legend(
        handles=[
            Patch(color=ANSWERED, label="answerable: short-answer F1 (0 if refused)"),
            Patch(color=REFUSED_RIGHTLY, label="unanswerable, refused"),
            Patch(color=ANSWERED_WRONGLY, label="unanswerable, answered"),
        ],
        fontsize=7,
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),  # beside the bars, never over them
    )
    ax2.bar(ids, [d["rank"] or 0 for d in details], color="#dd8452")
    ax2.set_ylabel("hit rank (0 = miss)")
    ax2.tick_params(axis="x", rotation=90, labelsize=7)
    fig.tight_layout()
    fig.savefig(out_dir / "per_question.png", dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.hist([d["latency_s"] for d in details], bins=20, color="#55a868")
    ax.set_xlabel("seconds per question")
    ax.set_ylabel("questions")
    ax.set_title("Latency")
    fig.tight_layout()
    fig.savefig(out_dir / "latency.png", dpi=110)
    plt.close(fig)
    return ["per_question.png", "latency.png"]


def write_report(summary: dict, details: list[dict], out_dir: Path) -> None:
    pictures = _plots(details, out_dir)
    lines = [
        f"# Evaluation: {summary['n_questions']} questions",
        "",
        f"Generator `{summary['generator']}`, embeddings `{summary['embedding_model']}`.",
        "",
        "| group | metric | value |",
        "|---|---|---|",
    ]
    for group, values in summary.items():
        if isinstance(values, dict) and group != "by":
            lines += [f"| {group} | {k} | {v:.3f} |" for k, v in values.items()]
    for key, groups in summary.get("by", {}).items():
        # One column per value of the question type, one row per metric.
        names = list(groups)
        lines += ["", f"## By {key}", "", f"| metric | {' | '.join(names)} |"]
        lines.append("|---|" + "---|" * len(names))
        lines.append(
            f"| n_questions | {' | '.join(str(groups[n]['n_questions']) for n in names)} |"
        )
        for group, values in groups[names[0]].items():
            if isinstance(values, dict):
                for k in values:
                    cells = " | ".join(f"{groups[n][group][k]:.3f}" for n in names)
                    lines.append(f"| {group}.{k} | {cells} |")
    worst = worst_questions(details)
    lines += [
        "",
        "## Worst questions",
        "",
        "| id | question | answerable | abstained | short F1 | rank | answer |",
        "|---|---|---|---|---|---|---|",
    ]
    for d in worst:
        answer = d["answer"].replace("|", "/").replace("\n", " ")[:120]
        question = d["question"].replace("|", "/")
        lines.append(
            f"| {d['id']} | {question} | {d['answerable']} | {d['abstained']} | "
            f"{d['short_f1']:.2f} | {d['rank'] or '-'} | {answer} |"
        )
    lines += ["", *[f"![{p}]({p})" for p in pictures], ""]
    (out_dir / "report.md").write_text("\n".join(lines), encoding="utf-8")
