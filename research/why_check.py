"""Questions asking why a figure moved, over the 10-Q filings of the validation companies
(Apple, Amazon), each with the start of the filing's own sentence saying why
(`eval/sec10q/why-questions.tsv`, verified verbatim in the extracted text). Scores whether the
answer quotes that sentence (with its [n]), how many sentences it cites and how many of them
say a cause, per half: settings are chosen on "choose" and reported on "check".

    .venv/bin/python research/why_check.py --index-dir /tmp/sec/index --out /tmp/why.json
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

from rag import RAG, Settings
from rag.answer.causes import SAYS_WHY


def _norm(text: str) -> str:
    return " ".join(text.split()).lower()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=Path, default=Path("../shared/data/sec-10-q/docs"))
    ap.add_argument("--index-dir", type=Path, required=True)
    ap.add_argument("--questions", type=Path, default=Path("eval/sec10q/why-questions.tsv"))
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    rag = RAG(Settings(documents_dir=args.docs, index_dir=args.index_dir, generator="reader"))
    rows = []
    with open(args.questions, encoding="utf-8") as f:
        for item in csv.DictReader(f, delimiter="\t"):
            a = rag.ask(item["question"])
            key = _norm(item["cause sentence starts"])
            quotes = [c.quote for c in a.citations]
            rows.append(
                {
                    "question": item["question"],
                    "half": item["half"],
                    "form": a.form,
                    "abstained": a.abstained,
                    "found": any(key in _norm(q) for q in quotes),
                    "cited": len(quotes),
                    "causes": sum(bool(SAYS_WHY.search(q)) for q in quotes),
                    "answer": a.answer,
                }
            )
    summary = {}
    for half in sorted({r["half"] for r in rows}):
        got = [r for r in rows if r["half"] == half]
        cited = sum(r["cited"] for r in got)
        summary[half] = {
            "questions": len(got),
            "cause_sentence_quoted": round(sum(r["found"] for r in got) / len(got), 3),
            "refused": sum(r["abstained"] for r in got),
            "citations_per_answer": round(cited / len(got), 2),
            "citations_saying_why": round(sum(r["causes"] for r in got) / cited, 3)
            if cited
            else 0.0,
        }
    args.out.write_text(json.dumps({"summary": summary, "rows": rows}, indent=1) + "\n")
    json.dump(summary, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
