"""Does a second opinion on the reader's answer help the verifier decide? (Tried, not adopted.)

For each question's candidate answer (the pipeline's own span choice over 3 passages, replayed
from research/verifier_study.py's cache), signals the shipped verifier does not have:

- another trained reader on the same passage: its margin, its "no answer" probability, and
  whether its span overlaps the candidate (an ensemble as features; the readers are folders);
- the shipped reader re-reading the answer's sentence alone (Read + Verify, Hu et al. 2019);
- the embedding cosine of the question and the answer's sentence;
- the reader's margin for a content-free probe question on the same passage.

The verifier (logistic regression, weights fit to "the cited sentence is right", threshold for
abstention accuracy under the 12% false-abstention cap, as shipped) is fit on two dev articles
and tested on the third, each in turn, and 5-fold by question; then, fit on all of dev, once on
the test articles.

    .venv/bin/python research/second_opinion.py cache --split dev --reader r2=runs/reader/model ...
    .venv/bin/python research/second_opinion.py cache --split test --reader ...
    .venv/bin/python research/second_opinion.py study --held-out "+sentence re-read" ... --out F
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
from pathlib import Path

import answer_checker as ac
import numpy as np
import verifier_study as vs

from rag.answer.abstain import FEATURES, choose_threshold, fit_verifier
from rag.answer.reader import Reader
from rag.evaluation.runner import auroc
from rag.store.embed import Embedder
from rag.training.squad import load_squad

CAP = 0.12
PROBES = ("What is it?", "Who?")


def cmd_cache(args) -> None:
    rep = vs.Replay(args.split)
    vs.select_by_margin(rep, False)
    rep.use(None)
    cands = rep.candidates(3)
    others = {k: Reader(p) for k, p in (r.split("=", 1) for r in args.reader)}
    shipped = Reader("shipped")
    live = [(item, c) for item, c in zip(rep.items, cands, strict=True) if c is not None]
    qs = [rep.read[item.id][0] for item, _ in live]
    texts = [c.passage.chunk.text for _, c in live]
    sents = [c.passage.chunk.sentence_spans() for _, c in live]
    quotes = [c.passage.chunk.text[c.start : c.end] for _, c in live]
    extra = [{} for _ in live]
    if args.checker:
        tok, model = ac._model(args.checker)
        pairs = [
            {"first": f"{q} [SEP] {c.span.text}", "second": quote}
            for q, (_, c), quote in zip(qs, live, quotes, strict=True)
        ]
        for x, z in zip(extra, ac.scores(tok, model, pairs), strict=True):
            x["checker_logit"] = float(z)
    if args.checker_only:
        others, live_extra = {}, False
    else:
        live_extra = True
    for name, reader in others.items():
        for x, s, (_, c) in zip(
            extra, reader.read_pairs(qs, texts, sentences=sents), live, strict=True
        ):
            x[f"{name}_margin"], x[f"{name}_null_prob"] = s.margin, s.null_prob
            x[f"{name}_agree"] = ac.overlaps(s.start, s.end, c.span.start, c.span.end)
    if live_extra:
        _sentence_and_probes(shipped, qs, texts, sents, quotes, live, extra)
    rows = [
        {
            "id": item.id,
            "answerable": item.answerable,
            "correct": vs.correct(item, c),
            "features": {**c.features, **x},
        }
        for (item, c), x in zip(live, extra, strict=True)
    ]
    Path(args.cache).mkdir(parents=True, exist_ok=True)
    with open(Path(args.cache) / f"{args.split}.pkl", "wb") as f:
        pickle.dump(rows, f)


def _sentence_and_probes(shipped, qs, texts, sents, quotes, live, extra) -> None:
    alone = shipped.read_pairs(qs, quotes)
    for x, s, (_, c) in zip(extra, alone, live, strict=True):
        x["sentence_margin"] = s.margin
        x["sentence_agree"] = ac.overlaps(
            s.start + c.start, s.end + c.start, c.span.start, c.span.end
        )
    emb = Embedder()
    cos = (emb.embed(qs) * emb.embed(quotes)).sum(1)
    probes = [shipped.read_pairs([p] * len(texts), texts, sentences=sents) for p in PROBES]
    for i, (x, (_, c)) in enumerate(zip(extra, live, strict=True)):
        x["sentence_cosine"] = float(cos[i])
        x["probe_margin"] = max(p[i].margin for p in probes)
        x["margin_over_probe"] = c.features["margin"] - x["probe_margin"]


def variants(readers: list[str], checker: bool = False) -> dict[str, list[str]]:
    base = list(FEATURES)
    second = {r: [f"{r}_margin", f"{r}_null_prob", f"{r}_agree"] for r in readers}
    sentence = ["sentence_margin", "sentence_agree"]
    out = {"shipped (14 signals)": base}
    if checker:
        out["+answer checker"] = base + ["checker_logit"]
        out["answer checker + margin"] = ["margin", "null_prob", "checker_logit"]
        out["answer checker alone"] = ["checker_logit"]
        out["answer checker + margin + retrieval"] = [
            "margin",
            "null_prob",
            "checker_logit",
            "answer_cosine",
            "answer_rank_inv",
        ]
        return out
    out.update({f"+reader {r}": base + s for r, s in second.items()})
    out["+sentence re-read"] = base + sentence
    out["+sentence cosine"] = base + ["sentence_cosine"]
    out["+probe margin"] = base + ["probe_margin", "margin_over_probe"]
    out["+everything"] = base + sum(second.values(), []) + sentence + ["sentence_cosine"]
    return out


def fit(rows, names):
    v = fit_verifier(
        [r["features"] for r in rows],
        [r["correct"] for r in rows],
        CAP,
        fitted_on="study",
        features=names,
    )
    probs = np.array([v.probability(r["features"]) for r in rows])
    v.threshold = choose_threshold(probs, np.array([r["answerable"] for r in rows], int), CAP)
    return v


def score(rows, answered) -> dict:
    y = np.array([r["answerable"] for r in rows])
    d = np.array(answered, dtype=bool)
    right = np.array([r["correct"] for r in rows])
    return {
        "abstention": round(float(np.mean(d == y)), 4),
        "false_abstain": round(float(np.mean(~d[y])), 4),
        "missed_abstain": round(float(np.mean(d[~y])), 4),
        "citation_precision": round(float(right[d & y].mean()), 4),
    }


def cmd_study(args) -> None:
    arts = load_squad(Path(args.squad))
    art_of = {q.id: t for t, qs in arts.items() for q in qs}
    with open(Path(args.cache) / "dev.pkl", "rb") as f:
        dev = pickle.load(f)
    readers = sorted({k[: -len("_agree")] for k in dev[0]["features"] if k.endswith("_agree")})
    readers = [r for r in readers if r != "sentence"]
    checker = "checker_logit" in dev[0]["features"]
    titles = sorted({art_of[r["id"]] for r in dev})
    y = np.array([r["answerable"] for r in dev])
    fold = np.random.default_rng(0).permutation(len(dev)) % 5
    out = {"what": __doc__.split("\n")[0], "dev_articles": titles, "dev": {}, "test": {}}
    for name, names in variants(readers, checker).items():
        by_article, probs, by_fold = {}, {}, {}
        for t in titles:
            v = fit([r for r in dev if art_of[r["id"]] != t], names)
            for r in dev:
                if art_of[r["id"]] == t:
                    probs[r["id"]] = v.probability(r["features"])
                    by_article[r["id"]] = probs[r["id"]] >= v.threshold
        for k in range(5):
            v = fit([r for r, f in zip(dev, fold, strict=True) if f != k], names)
            by_fold.update(
                {
                    r["id"]: v.probability(r["features"]) >= v.threshold
                    for r, f in zip(dev, fold, strict=True)
                    if f == k
                }
            )
        out["dev"][name] = {
            "by_article": score(dev, [by_article[r["id"]] for r in dev]),
            "auroc_by_article": round(auroc(np.array([probs[r["id"]] for r in dev]), y), 4),
            "cv5": score(dev, [by_fold[r["id"]] for r in dev]),
        }
        print(name, json.dumps(out["dev"][name]), file=sys.stderr)
    if args.held_out:
        with open(Path(args.cache) / "test.pkl", "rb") as f:
            test = pickle.load(f)
        for name in ["shipped (14 signals)", *args.held_out]:
            v = fit(dev, variants(readers, checker)[name])
            out["test"][name] = score(
                test, [v.probability(r["features"]) >= v.threshold for r in test]
            )
            print("test", name, json.dumps(out["test"][name]), file=sys.stderr)
        v = fit(dev, list(FEATURES))
        per = {}
        for split, rows in (("dev", dev), ("test", test)):
            for t in sorted({art_of[r["id"]] for r in rows}):
                rr = [r for r in rows if art_of[r["id"]] == t]
                yy = np.array([r["answerable"] for r in rr])
                p = np.array([v.probability(r["features"]) for r in rr])
                per[f"{split}: {t}"] = {
                    "questions": len(rr),
                    "unanswerable": round(1 - float(yy.mean()), 3),
                    "auroc": round(auroc(p, yy), 4),
                    **score(rr, p >= v.threshold),
                }
        out["shipped verifier by article"] = per
    if args.out:
        Path(args.out).write_text(json.dumps(out, indent=1) + "\n")


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--cache", default="/tmp/second-opinion")
    sub = p.add_subparsers(required=True)
    c = sub.add_parser("cache")
    c.add_argument("--split", required=True, choices=["dev", "test"])
    c.add_argument("--reader", nargs="*", default=[], help="NAME=FOLDER of another reader")
    c.add_argument("--checker", help="folder of an answer checker (research/answer_checker.py)")
    c.add_argument("--checker-only", action="store_true", help="no other second opinion")
    c.set_defaults(func=cmd_cache)
    s = sub.add_parser("study")
    s.add_argument("--squad", default=str(vs.ROOT.parent / "shared/data/squad/squad-train.json"))
    s.add_argument("--held-out", nargs="*", default=[], help="variants to score on test, once")
    s.add_argument("--out")
    s.set_defaults(func=cmd_study)
    args = p.parse_args(argv)
    args.func(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
