"""report.md and plots for an evaluation run (matplotlib, no display)."""

from __future__ import annotations

from pathlib import Path


def _plots(details: list[dict], out_dir: Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ids = [d["id"] for d in details]
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(max(8, len(ids) * 0.22), 6), sharex=True)
    ax1.bar(
        ids,
        [d["f1"] for d in details],
        color=["#4c72b0" if d["answerable"] else "#bbbbbb" for d in details],
    )
    ax1.set_ylabel("token F1")
    ax1.set_title("Per question: answer F1 (grey: unanswerable) and rank of first relevant passage")
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
    worst = sorted(
        details,
        key=lambda d: (d["abstained"] == d["answerable"], -d["f1"] if d["answerable"] else 0),
        reverse=True,
    )[:10]
    lines += [
        "",
        "## Worst questions",
        "",
        "| id | question | answerable | abstained | F1 | rank | answer |",
        "|---|---|---|---|---|---|---|",
    ]
    for d in worst:
        answer = d["answer"].replace("|", "/").replace("\n", " ")[:120]
        question = d["question"].replace("|", "/")
        lines.append(
            f"| {d['id']} | {question} | {d['answerable']} | {d['abstained']} | "
            f"{d['f1']:.2f} | {d['rank'] or '-'} | {answer} |"
        )
    lines += ["", *[f"![{p}]({p})" for p in pictures], ""]
    (out_dir / "report.md").write_text("\n".join(lines), encoding="utf-8")
