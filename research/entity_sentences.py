"""Would the near-duplicate entity rule (issue 26 M7) refuse a correct SQuAD answer? No model:
for every answerable question of a split, the gold answer's own sentence (its paragraph as the
passage) is checked with `names_other`; a flag there would refuse an answer that is right.

    .venv/bin/python research/entity_sentences.py [SQUAD_FILE] [--split dev]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.answer.abstain import entity_pairs, names_other  # noqa: E402
from rag.ingest.chunk import split_sentences  # noqa: E402
from rag.training.squad import load_squad, select  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "squad", nargs="?", default=str(ROOT.parent / "shared/data/squad/squad-train.json")
    )
    ap.add_argument("--split", default="dev")
    a = ap.parse_args()
    titles = set(select(load_squad(Path(a.squad)), a.split))
    raw = json.loads(Path(a.squad).read_text(encoding="utf-8"))["data"]
    n = with_pairs = 0
    flagged = []
    for art in raw:
        if art["title"] not in titles:
            continue
        for para in art["paragraphs"]:
            ctx = para["context"]
            sentences = split_sentences(ctx)
            for qa in para["qas"]:
                if qa.get("is_impossible") or not qa["answers"]:
                    continue
                n += 1
                pairs = entity_pairs(qa["question"])
                if not pairs:
                    continue
                with_pairs += 1
                at = qa["answers"][0]["answer_start"]
                sent = next((ctx[x:y] for x, y in sentences if x <= at < y), ctx)
                other = names_other(pairs, sent, ctx)
                if other:
                    flagged.append([qa["question"], other, sent[:160]])
    out = {
        "split": a.split,
        "answerable": n,
        "naming_an_entity": with_pairs,
        "gold_sentence_flagged": len(flagged),
        "flagged": flagged[:20],
    }
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
