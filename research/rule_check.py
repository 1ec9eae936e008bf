"""Does a hand rule still help once the verifier decides? Measured on one split (dev).

    .venv/bin/python research/rule_check.py --results eval/results/reader-squad-dev \
        --squad ../shared/data/squad/squad-train.json --split dev

Rule "missing_numbers": refuse when the question names a number (a year, an ordinal) that no
retrieved passage contains. Reads the per-question decisions of a `rag eval --squad` run and
prints abstention accuracy and false / missed abstention rates with and without the rule.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.answer.abstain import missing_numbers  # noqa: E402
from rag.evaluation.runner import squad_items  # noqa: E402


def rates(rows: list[tuple[bool, bool]]) -> dict:
    ans = [a for a, _ in rows if a]
    return {
        "accuracy": round(sum(a != ab for a, ab in rows) / len(rows), 4),
        "false_abstain_rate": round(sum(ab for a, ab in rows if a) / max(1, len(ans)), 4),
        "missed_abstain_rate": round(
            sum(not ab for a, ab in rows if not a) / max(1, len(rows) - len(ans)), 4
        ),
    }


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--results", required=True, help="a rag eval --squad output folder")
    p.add_argument("--squad", required=True)
    p.add_argument("--split", default="dev")
    args = p.parse_args(argv)
    out = Path(args.results)
    squad_items(Path(args.squad), args.split, out / "corpus")  # the same corpus text
    texts = {f.name: f.read_text(encoding="utf-8") for f in (out / "corpus").glob("*.txt")}
    base, ruled, fired = [], [], 0
    for line in (out / "results.jsonl").read_text().splitlines():
        r = json.loads(line)
        passages = " ".join(texts[p["doc"]][p["start"] : p["end"]] for p in r["passages"])
        rule = bool(missing_numbers(r["question"], passages))
        fired += rule
        base.append((r["answerable"], r["abstained"]))
        ruled.append((r["answerable"], r["abstained"] or rule))
    print(
        json.dumps(
            {
                "without": rates(base),
                "with_missing_numbers": rates(ruled),
                "rule_fired": fired,
                "questions": len(base),
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
