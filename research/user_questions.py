"""Questions written as a user would ask them in the chat, over the 10-Q filings of the
validation companies (Apple, Amazon): no gold keys, the answers read by eye. Records each
question's form, whether it was refused and why, and the answer, so two versions of the code
can be set side by side. A line "Q1 || Q2 || ..." is one conversation: each turn is asked with
the turns before it as its history.

    .venv/bin/python research/user_questions.py --index-dir /tmp/sec/index \
        --questions eval/sec10q/user-questions.txt --out /tmp/after.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rag import RAG, Settings


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=Path, default=Path("../shared/data/sec-10-q/docs"))
    ap.add_argument("--index-dir", type=Path, required=True)
    ap.add_argument("--questions", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    rag = RAG(Settings(documents_dir=args.docs, index_dir=args.index_dir, generator="reader"))
    rows = []
    for line in args.questions.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        # "Q1 || Q2 || Q3": one conversation, each turn asked after the earlier ones
        turns = [t.strip() for t in line.split(" || ")]
        for i, q in enumerate(turns):
            a = rag.ask(q, history=turns[:i])
            rows.append(
                {
                    "question": q,
                    **({"history": turns[:i], "asked_as": a.question} if i else {}),
                    "form": a.form,
                    "abstained": a.abstained,
                    "why": a.why,
                    "answer": a.answer,
                    "cited": [c.doc for c in a.citations],
                }
            )
    refused = sum(r["abstained"] for r in rows)
    args.out.write_text(
        json.dumps({"questions": len(rows), "refused": refused, "rows": rows}, indent=1),
        encoding="utf-8",
    )
    print(f"{len(rows)} questions, {refused} refused -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
