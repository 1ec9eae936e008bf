"""Does the near-duplicate entity rule (issue 26 M7) cost correct answers? Runs `rag eval` once
with the rule on and records every question where it changed the reader's choice: the span
the reader would have answered with before, what it answers now, and the gold answers.

    .venv/bin/python research/entity_check.py --out /tmp/x/squad-dev -- \
        --squad ../shared/data/squad/squad-train.json --split dev --out /tmp/x/squad-dev

Everything after `--` is passed to `rag eval`. Writes `entity-check.json` into --out: the
number of questions, how many the rule touched (switched to another passage's sentence, or
refused), and for each touched one whether the earlier span held a gold answer (a loss if
the new answer does not).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.answer import reading  # noqa: E402
from rag.cli import main as cli_main  # noqa: E402
from rag.text import normalize_answer  # noqa: E402

EVENTS: dict[str, dict] = {}


def instrument() -> None:
    original_candidate = reading.ReadingAnswerer.candidate
    original_choose = reading.choose_span

    def candidate(self, query, passages, asked=""):
        calls = []

        def choose(question, spans, sentences, weight=4.0):
            i = original_choose(question, spans, sentences, weight)
            calls.append(spans[i].text)
            return i

        reading.choose_span = choose
        try:
            cand = original_candidate(self, query, passages, asked)
        finally:
            reading.choose_span = original_choose
        if cand is not None and (len(calls) > 1 or cand.other):
            EVENTS[asked or query] = {
                "before": calls[0],
                "after": "" if cand.other else cand.span.text,
                "refused": cand.other,
            }
        return cand

    reading.ReadingAnswerer.candidate = candidate


def holds(text: str, golds: list[str]) -> bool:
    t = normalize_answer(text)
    return bool(t) and any(normalize_answer(g) and normalize_answer(g) in t for g in golds)


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    cut = argv.index("--")
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    args = p.parse_args(argv[:cut])
    instrument()
    cli_main(["eval", *argv[cut + 1 :]])
    rows = [json.loads(x) for x in (Path(args.out) / "results.jsonl").open()]
    touched = []
    for r in rows:
        e = EVENTS.get(r["question"])
        if e is None:
            continue
        golds = r.get("gold_answers") or []
        touched.append(
            {
                **e,
                "question": r["question"],
                "answerable": r.get("answerable"),
                "gold": golds[:3],
                "before_held_gold": holds(e["before"], golds),
                "now_contains": r.get("contains"),
                "now_abstained": r["abstained"],
            }
        )
    out = {
        "questions": len(rows),
        "touched": len(touched),
        "refused": sum(bool(t["refused"]) for t in touched),
        "switched": sum(not t["refused"] for t in touched),
        "lost": sum(t["before_held_gold"] and not t["now_contains"] for t in touched),
        "rows": touched,
    }
    (Path(args.out) / "entity-check.json").write_text(json.dumps(out, indent=1) + "\n")
    print(json.dumps({k: v for k, v in out.items() if k != "rows"}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
