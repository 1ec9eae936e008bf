"""A trained answer checker (Read + Verify, Hu et al. 2019): does this sentence answer this
question with this span? An experiment for the verifier, not shipped unless it helps.

A sequence classifier, initialised from the shipped reader's encoder, reads
"question [SEP] candidate span" against the candidate's sentence. Its training pairs come from
the reader's training articles only: for an answerable question, the gold span's sentence is a
positive, and the reader's own best span is a negative when it misses every gold answer; for
an unanswerable question, the reader's best (non-null) span is a negative, the "plausible
answer" SQuAD 2.0 writers aimed at. Sentences are short, so sequences are 128 tokens and an
epoch takes minutes rather than the reader's half hour.

    .venv/bin/python research/answer_checker.py data  --out runs/checker
    .venv/bin/python research/answer_checker.py train --out runs/checker
    .venv/bin/python research/answer_checker.py dev   --out runs/checker   # AUROC, paragraph given
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

from rag.answer.reader import SHIPPED_READER, Reader
from rag.evaluation.runner import auroc
from rag.ingest.chunk import split_sentences
from rag.training.squad import load_squad

ROOT = Path(__file__).resolve().parents[1]
SQUAD = ROOT.parent / "shared/data/squad/squad-train.json"
MAX_TOKENS = 128
SEED = 13


def sentence_of(text: str, start: int, end: int) -> tuple[int, int]:
    spans = split_sentences(text)
    hit = [(a, b) for a, b in spans if a < end and b > start]
    return (hit[0][0], hit[-1][1]) if hit else (start, end)


def pair(question: str, text: str, start: int, end: int) -> dict:
    a, b = sentence_of(text, start, end)
    return {"first": f"{question} [SEP] {text[start:end]}", "second": text[a:b]}


def overlaps(a0: int, a1: int, b0: int, b1: int) -> float:
    return float(min(a1, b1) > max(a0, b0))


def examples(reader: Reader, questions) -> list[dict]:
    out = []
    for lo in range(0, len(questions), 64):
        chunk = questions[lo : lo + 64]
        spans = reader.read_pairs([q.question for q in chunk], [q.context for q in chunk])
        for q, s in zip(chunk, spans, strict=True):
            hit = any(overlaps(s.start, s.end, st, st + len(t)) for t, st in q.answers)
            row = pair(q.question, q.context, s.start, s.end)
            out.append({"id": q.id, "label": int(hit), "reader": True, **row})
            if q.answers and not hit:
                t, st = q.answers[0]
                out.append(
                    {
                        "id": q.id,
                        "label": 1,
                        "reader": False,
                        **pair(q.question, q.context, st, st + len(t)),
                    }
                )
        print(f"{lo + len(chunk)}/{len(questions)}", file=sys.stderr, flush=True)
    return out


def cmd_data(args) -> None:
    arts = load_squad(SQUAD)
    split = json.loads((SHIPPED_READER / "training.json").read_text())["split"]
    reader = Reader("shipped")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for part in ("train", "dev"):
        qs = [q for t in split[part] for q in arts[t]]
        rows = examples(reader, qs)
        if part == "dev":  # judged as the reader answers: its own span only
            rows = [r for r in rows if r["reader"]]
            ans = {q.id: q.answerable for q in qs}
            for r in rows:
                r["answerable"] = ans[r["id"]]
        (out / f"{part}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
        print(part, len(rows), "positives", sum(r["label"] for r in rows), file=sys.stderr)


def _model(path):
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModelForSequenceClassification.from_pretrained(
        path, num_labels=1, local_files_only=True, dtype=torch.float32
    )
    return tok, model


def _batch(tok, rows):
    return tok(
        [r["first"] for r in rows],
        [r["second"] for r in rows],
        truncation="only_second",
        max_length=MAX_TOKENS,
        padding=True,
        return_tensors="pt",
    )


def scores(tok, model, rows, bs=64) -> np.ndarray:
    import torch

    model.eval()
    out = []
    with torch.inference_mode():
        for lo in range(0, len(rows), bs):
            out.append(model(**_batch(tok, rows[lo : lo + bs])).logits[:, 0].float().numpy())
    return np.concatenate(out) if out else np.zeros(0)


def cmd_train(args) -> None:
    import torch

    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    out = Path(args.out)
    rows = [json.loads(x) for x in (out / "train.jsonl").read_text().splitlines()]
    dev = [json.loads(x) for x in (out / "dev.jsonl").read_text().splitlines()]
    tok, model = _model(args.init or str(SHIPPED_READER))
    steps = int(len(rows) * args.epochs / args.batch)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, s / max(1, 0.06 * steps)) * max(0.0, (steps - s) / steps)
    )
    pos = sum(r["label"] for r in rows)
    weight = torch.tensor((len(rows) - pos) / pos)  # balance the two labels
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=weight)
    rng = random.Random(SEED)
    t0, step, log = time.time(), 0, []
    while step < steps:
        order = list(range(len(rows)))
        rng.shuffle(order)
        for lo in range(0, len(order) - args.batch + 1, args.batch):
            model.train()
            b = [rows[i] for i in order[lo : lo + args.batch]]
            logits = model(**_batch(tok, b)).logits[:, 0]
            loss = loss_fn(logits, torch.tensor([float(r["label"]) for r in b]))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            step += 1
            if step % 50 == 0:
                rate = step * args.batch / (time.time() - t0)
                print(
                    f"step {step}/{steps} loss {loss.item():.3f} {rate:.1f} ex/s",
                    file=sys.stderr,
                    flush=True,
                )
            if step % args.eval_every == 0 or step == steps:
                s = scores(tok, model, dev)
                rec = {
                    "step": step,
                    "minutes": round((time.time() - t0) / 60, 1),
                    "dev_auroc_correct": round(auroc(s, [r["label"] for r in dev]), 4),
                    "dev_auroc_answerable": round(auroc(s, [r["answerable"] for r in dev]), 4),
                }
                log.append(rec)
                print(json.dumps(rec), file=sys.stderr, flush=True)
                model.save_pretrained(out / "model")
                tok.save_pretrained(out / "model")
            if step >= steps:
                break
    (out / "training.json").write_text(
        json.dumps(
            {"args": {k: v for k, v in vars(args).items() if k != "func"}, "curve": log}, indent=1
        )
    )


def cmd_dev(args) -> None:
    """The reader's own signals on the same dev rows, for comparison."""
    arts = load_squad(SQUAD)
    split = json.loads((SHIPPED_READER / "training.json").read_text())["split"]
    qs = [q for t in split["dev"] for q in arts[t]]
    reader = Reader("shipped")
    spans = reader.read_pairs([q.question for q in qs], [q.context for q in qs])
    y = [q.answerable for q in qs]
    print(
        json.dumps(
            {
                "margin_auroc_answerable": round(auroc([s.margin for s in spans], y), 4),
                "head_auroc_answerable": round(auroc([s.answerable for s in spans], y), 4),
            }
        )
    )


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--out", default="runs/checker")
    sub = p.add_subparsers(required=True)
    sub.add_parser("data").set_defaults(func=cmd_data)
    t = sub.add_parser("train")
    t.add_argument("--epochs", type=float, default=2.0)
    t.add_argument("--lr", type=float, default=5e-5)
    t.add_argument("--batch", type=int, default=32)
    t.add_argument("--eval-every", type=int, default=200)
    t.add_argument("--init", default="")
    t.set_defaults(func=cmd_train)
    sub.add_parser("dev").set_defaults(func=cmd_dev)
    args = p.parse_args(argv)
    args.func(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
