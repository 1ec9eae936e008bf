"""A verifier for spans read from a sentence alone (`ReadingAnswerer._reread`, issue 25).

The shipped verifier was fit on whole-passage reads; a sentence read alone has a wider margin
than any it saw, so its probability is not calibrated there. This study collects the
candidates the re-read produces (questions where every passage prefers no answer and one
sentence of the first passage, read alone, prefers an answer), fits a second logistic verifier
on the training articles' ones, and chooses its threshold on the dev articles'.

    # 1. rows: every question whose answer the re-read would change (train: a sample)
    .venv/bin/python research/reread_study.py rows --split dev --squad ../shared/data/squad/squad-train.json --work /tmp/reread5/dev
    .venv/bin/python research/reread_study.py rows --split train --limit 3000 --squad ... --work /tmp/reread5/train
    # 2. fit on train, threshold on dev; writes verifier-sentence.json and the study's figures
    .venv/bin/python research/reread_study.py fit --train /tmp/reread5/train/rows.jsonl --dev /tmp/reread5/dev/rows.jsonl

Each row carries the passage-read decision too (what the pipeline does without the re-read),
so the threshold is chosen for what the re-read changes: answers gained that are right, minus
unanswerable questions answered, minus right answers replaced by wrong ones.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.answer.abstain import FEATURES, Verifier, fit_verifier, missing_numbers  # noqa: E402
from rag.context import known_text  # noqa: E402
from rag.evaluation.runner import spans_overlap, squad_items  # noqa: E402
from rag.pipeline import RAG  # noqa: E402
from rag.questions import clean_question  # noqa: E402
from rag.settings import Settings  # noqa: E402

# What a sentence read alone adds to the passage verifier's inputs (`ReadingAnswerer.candidate`)
SENTENCE = ("passage_margin", "first_passage_margin", "sentence_gap", "sentences_log")


def correct(item, cand) -> bool:
    c = cand.passage.chunk
    return bool(
        item.answerable
        and spans_overlap(c.doc, c.start + cand.start, c.start + cand.end, item.spans)
    )


def cmd_rows(args) -> None:
    work = Path(args.work)
    items = squad_items(Path(args.squad), args.split, work / "corpus")
    if args.limit and len(items) > args.limit:
        items = random.Random(0).sample(items, args.limit)
    settings = Settings.from_env(
        documents_dir=work / "corpus", index_dir=work / "index", generator="reader"
    )
    rag = RAG(settings)
    rag.refresh()
    answerer = rag.answerer
    verifier = answerer.verifier()
    t0, fired = time.time(), 0
    with open(work / "rows.jsonl", "w") as out:
        for n, item in enumerate(items):
            query = clean_question(item.question, settings.max_question_chars)[0]
            passages = rag.retriever.run(query, settings.reader_top_k)
            if not passages or missing_numbers(query, known_text(passages)):
                continue
            try:
                cand = answerer.candidate(query, passages, reread=True)
            except StopIteration:  # a bug of candidate's near-duplicate check, not the re-read's
                print(f"candidate failed: {item.question!r}", file=sys.stderr)
                continue
            if cand is None or not cand.reread or cand.other:
                continue
            fired += 1
            base = answerer.candidate(query, passages, reread=False)
            base_p = verifier.probability(base.features)
            row = {
                "id": item.id,
                "question": item.question,
                "answerable": bool(item.answerable),
                "correct": correct(item, cand),
                "short": cand.span.text,
                "features": cand.features,
                "base_answers": bool(base_p >= verifier.threshold and not base.other),
                "base_correct": correct(item, base),
                "base_p": base_p,
            }
            out.write(json.dumps(row) + "\n")
            if fired % 20 == 0:
                print(f"{n}/{len(items)} fired {fired} {time.time() - t0:.0f}s", file=sys.stderr)
    print(f"{len(items)} questions, re-read fired on {fired}", file=sys.stderr)


def load(path) -> list[dict]:
    return [json.loads(line) for line in open(path)]


def gain(rows: list[dict], probs: np.ndarray, t: float) -> dict:
    """What answering the rows with p >= t changes against the passage reads' decisions:
    abstention (answered or not, against answerable or not) and right citations."""
    answer = probs >= t
    out = {"answered": int(answer.sum()), "changed": 0, "abstention": 0, "right": 0}
    for r, a in zip(rows, answer, strict=True):
        now_answers, now_right = (
            (True, r["correct"])
            if a
            else (r["base_answers"], r["base_correct"] and r["base_answers"])
        )
        was_right = r["base_correct"] and r["base_answers"]
        if now_answers != r["base_answers"]:
            out["changed"] += 1
            out["abstention"] += 1 if now_answers == r["answerable"] else -1
        out["right"] += int(now_right) - int(was_right)
    return out


def choose(rows: list[dict], probs: np.ndarray) -> tuple[float, dict]:
    """The threshold whose change is best: abstention and right citations both no worse,
    the most right answers gained (ties: fewer answers). 1.0 (never) when none helps."""
    best, best_g = 1.0, gain(rows, probs, 1.01)
    for t in sorted(set(np.round(probs, 4))):
        g = gain(rows, probs, float(t))
        if (
            g["abstention"] >= 0
            and g["right"] >= 0
            and ((g["right"], g["abstention"]) > (best_g["right"], best_g["abstention"]))
        ):
            best, best_g = float(t), g
    return best, best_g


def cmd_fit(args) -> None:
    train, dev = load(args.train), load(args.dev)
    report = {"train_rows": len(train), "dev_rows": len(dev), "trials": {}}
    for name, feats in (
        ("passage features", FEATURES),
        ("+ sentence features", FEATURES + SENTENCE),
    ):
        for label in ("correct", "answerable"):
            v = fit_verifier(
                [r["features"] for r in train],
                [r["answerable"] for r in train],
                0.12,
                l2=args.l2,
                fitted_on="squad-train.json:train(reread)",
                targets=[r[label] for r in train],
                features=tuple(feats),
            )
            probs = np.array([v.probability(r["features"]) for r in dev])
            t, g = choose(dev, probs)
            v.threshold = t
            key = f"{name}, fit to {label}"
            report["trials"][key] = {"threshold": t, "dev": g}
            if args.probe:  # the seeds' re-read candidates (not used to choose): p of each
                probe = json.loads(Path(args.probe).read_text())
                report["trials"][key]["seeds"] = {
                    q: round(v.probability(c["features"]), 3) for q, c in probe.items()
                }
            print(key, json.dumps(report["trials"][key]), file=sys.stderr)
            if key == args.keep:
                kept = v
    shipped = Verifier.load(ROOT / "rag/models/minilm-squad2-reader/verifier.json")
    probs = np.array([shipped.probability(r["features"]) for r in dev])
    report["trials"]["shipped verifier at 0.5 (before)"] = {"dev": gain(dev, probs, 0.5)}
    kept.fitted_on = "squad-train.json:train(reread); threshold: dev(reread)"
    report["kept"] = args.keep
    if args.out:
        kept.save(Path(args.out))
    Path(args.report).write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("rows")
    r.add_argument("--split", required=True)
    r.add_argument("--squad", default=str(ROOT.parent / "shared/data/squad/squad-train.json"))
    r.add_argument("--work", required=True)
    r.add_argument("--limit", type=int, default=0)
    f = sub.add_parser("fit")
    f.add_argument("--train", required=True)
    f.add_argument("--dev", required=True)
    f.add_argument("--l2", type=float, default=1.0)
    f.add_argument("--keep", default="+ sentence features, fit to correct")
    f.add_argument("--out", default="")
    f.add_argument("--probe", default="", help="json of seed re-read candidates' features")
    f.add_argument("--report", default=str(ROOT / "eval/results/reread-study.json"))
    args = ap.parse_args()
    {"rows": cmd_rows, "fit": cmd_fit}[args.cmd](args)


if __name__ == "__main__":
    main()
