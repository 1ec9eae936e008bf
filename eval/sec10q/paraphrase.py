"""The validation half asked in other words: `gold-validation-paraphrased.jsonl` and
`gold-validation-chat.jsonl`.

Every rule that reads a question's words (its form, the change or period it asks about, the
measure it names) was written on the validation questions, so the validation figures also
measure how closely those rules fit that wording. The same questions reworded
(`paraphrases-validation.tsv`: id, tab, the question in other words; written by hand with other
verbs and nouns: "shift", "movement", "vary", "outline", "measure up against", "newest", "tie
in with"), and as people type into a chat box (`chat-validation.tsv`: "Apple opex trend across
the quarters and what's driving it", "FX impact on Amazon, per period") keep the gold answers,
quotes, kinds and forms of the originals, so a rule that holds only for the original wording
shows as a gap between the runs.

Rerun: python eval/sec10q/paraphrase.py
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent


SETS = {
    "paraphrases-validation.tsv": "gold-validation-paraphrased.jsonl",
    "chat-validation.tsv": "gold-validation-chat.jsonl",
}


def reword(questions: Path, out: Path) -> int:
    """Writes the validation rows with the questions of `questions` to `out`; their number."""
    reworded = {}
    for line in questions.read_text(encoding="utf-8").splitlines():
        if line.strip():
            qid, question = line.split("\t")
            reworded[qid] = question.strip()
    rows = []
    for line in (HERE / "gold-validation.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["id"] not in reworded:
            raise SystemExit(f"{questions.name}: {row['id']} has no question")
        rows.append({**row, "question": reworded.pop(row["id"]), "original": row["question"]})
    if reworded:
        raise SystemExit(f"{questions.name}: unknown ids {', '.join(sorted(reworded))}")
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return len(rows)


def main() -> None:
    for questions, out in SETS.items():
        n = reword(HERE / questions, HERE / out)
        print(f"{n} questions -> {HERE / out}")


if __name__ == "__main__":
    main()
