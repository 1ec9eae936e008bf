"""Study of the reader's answer decision (the verifier) without re-running the model.

    # 1. read once: retrieval (top 6) and the reader's best span of every passage, cached
    .venv/bin/python research/verifier_study.py cache --split dev  --squad ../shared/data/squad/squad-train.json
    .venv/bin/python research/verifier_study.py cache --split test --squad ../shared/data/squad/squad-train.json
    .venv/bin/python research/verifier_study.py cache --split gold
    # 2. replay the whole pipeline (`RAG.ask`: rule, candidate, verifier, rival, citations)
    #    from the cache, with variants of the decision; verifiers are fit on dev only
    .venv/bin/python research/verifier_study.py study

The replay gives a real `RAG` a retriever that returns the cached passages and a reader that
returns the cached spans (subclasses of the public `Retriever` and `ReaderGenerator`), so every
decision is the pipeline's own code; scores are `rag.evaluation.runner`'s.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import pickle
import re
import sys
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

# choose_span's weight under study (Settings.reader_select_words_weight), the verifier's inputs
# under study (None: the shipped abstain.VERIFIER_FEATURES), and whether the exploratory
# features below are computed too.
STUDY = {"weight": 4.0, "features": None, "extra": False}
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.answer import abstain  # noqa: E402
from rag.answer.abstain import Verifier, choose_threshold, fit_verifier  # noqa: E402
from rag.answer.reading import ReaderGenerator, ReadingAnswerer  # noqa: E402
from rag.evaluation.runner import load_gold, score_answer, spans_overlap, squad_items, summarize  # noqa: E402
from rag.pipeline import RAG  # noqa: E402
from rag.questions import clean_question  # noqa: E402
from rag.retrieve import Retriever  # noqa: E402
from rag.settings import Settings  # noqa: E402

# One cache per reader: RAG_READER_MODEL picks the reader, VERIFIER_STUDY_CACHE its cache.
CACHE = Path(os.environ.get("VERIFIER_STUDY_CACHE", "/tmp/verifier-study"))
K = 6  # passages cached per question (the pipeline reads reader_top_k = 3)


def _settings(split: str, squad: str | None, cache: Path | None = None):
    work = (CACHE if split == "gold" else cache or CACHE) / split
    if split == "gold":
        settings = Settings.from_env(
            documents_dir=ROOT / "seeds", index_dir=work / "index", generator="reader"
        )
        items = load_gold(ROOT / "eval" / "gold.jsonl", settings.documents_dir)
    elif squad:
        items = squad_items(Path(squad), split, work / "corpus")
        settings = Settings.from_env(
            documents_dir=work / "corpus", index_dir=work / "index", generator="reader"
        )
    else:
        items = None
        settings = Settings.from_env(
            documents_dir=work / "corpus", index_dir=work / "index", generator="reader"
        )
    return settings, items


def _rag(split: str, squad: str | None):
    settings, items = _settings(split, squad)
    return RAG(settings), items


def cmd_cache(args) -> None:
    rag, items = _rag(args.split, args.squad)
    rag.refresh()
    gen = rag.generator
    out = {}
    t0 = time.time()
    for n, item in enumerate(items):
        query = clean_question(item.question, rag.settings.max_question_chars)[0]
        passages = rag.retriever.run(query, K)
        spans = gen.read(query, passages) if passages else []
        out[item.id] = (query, passages, spans)
        if n % 100 == 0:
            print(f"{n}/{len(items)} {time.time() - t0:.0f}s", file=sys.stderr)
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / f"{args.split}.pkl", "wb") as f:
        pickle.dump({"items": items, "read": out}, f)


# ---- replay ---------------------------------------------------------------------------------


class CachedRetriever(Retriever):
    """The passages retrieved once for each query (the cache), best first."""

    def __init__(self, by_query: dict, settings: Settings):
        super().__init__(lambda: None, None, settings.top_k)
        self.by_query = by_query

    def run(self, query, top_k=None, documents=None):
        return list(self.by_query[query][0][: top_k or 3])


class CachedReader(ReaderGenerator):
    """The reader's spans read once for each query; decisions by the replay's answerer."""

    def __init__(self, replay: Replay, settings: Settings):
        super().__init__(settings.reader_model)  # its model loads lazily, never here
        self.replay = replay

    def read(self, query, passages):
        ps, spans = self.replay.by_query[query]
        where = {p.chunk.chunk_id: i for i, p in enumerate(ps)}
        return [
            dataclasses.replace(spans[where[p.chunk.chunk_id]], passage=i)
            for i, p in enumerate(passages)
        ]

    def answerer(self, settings, attributor=None):
        return StudyAnswerer(self, settings, self.replay)


class StudyAnswerer(ReadingAnswerer):
    """The pipeline's reader decision with the verifier and the features under study."""

    def __init__(self, generator, settings, replay: Replay):
        super().__init__(generator, settings)
        self.replay = replay

    def verifier(self):
        return self.replay._current

    def features(self, question, spans, passages, best, sentence):
        feats = abstain.reader_features(question, spans, passages, best, sentence)
        if STUDY["extra"]:
            feats = {**feats, **extra_features(question, spans, passages, best, sentence)}
        return feats


class Replay:
    """A real RAG whose retrieval and reading come from the cache of one split."""

    def __init__(self, split: str, cache: Path | None = None):
        cache = cache or CACHE
        with open(cache / f"{split}.pkl", "rb") as f:
            data = pickle.load(f)
        self.items, self.read = data["items"], data["read"]
        self.by_query = {q: (ps, sp) for q, ps, sp in self.read.values()}
        settings = _settings(split, None, cache)[0]
        self.gen = CachedReader(self, settings)
        self.rag = RAG(
            settings, generator=self.gen, retriever=CachedRetriever(self.by_query, settings)
        )
        self._default = self._per = self._current = None

    def use(self, verifier, k: int = 3, per_item=None):
        """Decide with `verifier` (or per_item[id] -> verifier), reading k passages."""
        self.rag.settings = self.rag.settings.replace(reader_top_k=k)
        self._default, self._per, self._current = verifier, per_item, verifier

    def candidates(self, k: int = 3):
        rows = []
        for item in self.items:
            q, ps, _ = self.read[item.id]
            cand = self.rag.answerer.candidate(q, ps[:k]) if ps else None
            rows.append(cand)
        return rows

    def evaluate(self, keep_rows: bool = False):
        rows, details = [], []
        for item in self.items:
            self._current = self._per[item.id] if self._per else self._default
            answer = self.rag.ask(item.question).to_dict()
            row = score_answer(item, answer, 0.0)
            rows.append(row)
            if keep_rows:
                details.append((item, answer, row))
        s = summarize(rows, "reader", "")
        return (brief(s), details) if keep_rows else brief(s)


def brief(s: dict) -> dict:
    return {
        "short_f1": round(s["answer"]["short_token_f1"], 4),
        "contains": round(s["answer"]["contains"], 4),
        "citation_precision": round(s["citations"]["precision"], 4),
        "abstention": round(s["abstention"]["accuracy"], 4),
        "false_abstain": round(s["abstention"]["false_abstain_rate"], 4),
        "missed_abstain": round(s["abstention"]["missed_abstain_rate"], 4),
    }


def correct(item, cand) -> bool:
    """The candidate's quoted sentence overlaps a gold answer span (its citation is right)."""
    c = cand.passage.chunk
    return item.answerable and spans_overlap(
        c.doc, c.start + cand.start, c.start + cand.end, item.spans
    )


def fit_on(
    replay: Replay,
    k: int = 3,
    ids=None,
    max_false: float = 0.12,
    l2: float = 1.0,
    label="answerable",
    cands=None,
):
    """A verifier fit on the split's candidates. label "answerable" is `rag fit-verifier`'s;
    "correct" fits the weights to "answerable and the cited sentence is right" (the threshold
    is still chosen for abstention accuracy under the false-abstention cap)."""
    ids = {it.id for it in replay.items} if ids is None else ids
    return _pooled_fit([(replay, cands or replay.candidates(k), ids)], max_false, l2, label)


def _pooled_fit(parts, cap: float = 0.12, l2: float = 1.0, label: str = "correct"):
    """`fit_on` over candidates pooled from several (replay, candidates, ids) parts."""
    rows, fit_y, labels = [], [], []
    for replay, cands, ids in parts:
        for item, cand in zip(replay.items, cands, strict=True):
            if cand is not None and item.id in ids:
                rows.append(cand.features)
                fit_y.append(correct(item, cand) if label == "correct" else item.answerable)
                labels.append(item.answerable)
    v = fit_verifier(rows, fit_y, cap, l2=l2, fitted_on="study", features=STUDY["features"])
    if label != "answerable":
        probs = np.array([v.probability(r) for r in rows])
        v.threshold = choose_threshold(probs, np.array(labels, dtype=int), cap)
    return v


def cross_validated(replay: Replay, k: int = 3, folds: int = 5, **kw):
    """Each question decided by a verifier fit (and thresholded) on the other folds (random
    folds of questions, seed 0): an estimate free of the in-sample fit's optimism."""
    rng = np.random.default_rng(0)
    ids = [it.id for it in replay.items]
    fold_of = dict(zip(ids, rng.permutation(len(ids)) % folds, strict=True))
    per, cands = {}, replay.candidates(k)
    for f in range(folds):
        train = {i for i in ids if fold_of[i] != f}
        v = fit_on(replay, k, train, cands=cands, **kw)
        per.update({i: v for i in ids if fold_of[i] == f})
    return per


# ---- the span choice under study ------------------------------------------------------------


def select_by_margin(replay: Replay, on: bool = True) -> None:
    """The span answered with: the best margin (weight 0, as before the study), or the
    pipeline's choose_span with the weight under study."""
    weight = 0.0 if on else STUDY["weight"]
    replay.rag.settings = replay.rag.settings.replace(reader_select_words_weight=weight)


# Exploratory features (tried, not kept): answer-type agreement and others.
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_DATE = re.compile(
    rf"\d|\b({_MONTHS}|century|centuries|decades?|years?|era|period|dynasty|reign|bc|ad)\b", re.I
)
_NUM = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|hundreds?|thousands?|millions?|billions?|dozens?|half|several|both|once|twice|"
    r"first|second|third)\b",
    re.I,
)


def expected_type(question: str) -> str:
    q = question.lower()
    if re.search(
        r"\bhow (many|much|long|far|old|large|big|high|tall|often|fast|wide|deep|heavy)\b|"
        r"\bwhat (percentage|percent|proportion|number|amount|fraction)\b",
        q,
    ):
        return "number"
    if re.search(
        r"\bwhen\b|\b(what|which) (year|years|century|decade|date|day|month|era|period)\b", q
    ):
        return "date"
    return "who" if re.search(r"\b(who|whom|whose)\b", q) else ""


def extra_features(question, spans, passages, best, sentence) -> dict[str, float]:
    from rag.evaluation.runner import normalize_answer
    from rag.text import WORD, content_tokens, stem, stems

    span = spans[best].text
    kind = expected_type(question)
    if kind == "number":
        mismatch = not _NUM.search(span)
    elif kind == "date":
        mismatch = not _DATE.search(span)
    elif kind == "who":
        mismatch = not any(w[0].isupper() for w in WORD.findall(span))
    else:
        mismatch = False
    q_st, sp_st = stems(question), stems(span)
    key = set(normalize_answer(span).split())
    agree = 0.0
    for i, x in enumerate(spans):
        other = set(normalize_answer(x.text).split())
        if i != best and key and other and len(key & other) / len(key | other) >= 0.5:
            agree += 1
    read = set().union(*(stems(p.chunk.text) for p in passages))
    qs = [stem(w) for w in content_tokens(question)]
    ss = [stem(w) for w in content_tokens(sentence)]
    q_bi, s_bi = set(zip(qs, qs[1:], strict=False)), set(zip(ss, ss[1:], strict=False))
    return {
        "type_mismatch": float(mismatch),
        "span_in_question": len(sp_st & q_st) / len(sp_st) if sp_st else 0.0,
        "agree": agree,
        "words_in_read": len(q_st & read) / len(q_st) if q_st else 1.0,
        "bigrams_in_sentence": len(q_bi & s_bi) / len(q_bi) if q_bi else 1.0,
        "q_words_log": math.log(1 + len(q_st)),
    }


EXTRA = (
    "type_mismatch",
    "span_in_question",
    "agree",
    "words_in_read",
    "bigrams_in_sentence",
    "q_words_log",
)


def with_features(names, extra: bool) -> None:
    STUDY["features"] = tuple(names)
    STUDY["extra"] = extra


_BASE = abstain.FEATURES


def trial(replay: Replay, cv: bool = True, k: int = 3, **kw) -> dict:
    replay.use(None, k=k)
    v = fit_on(replay, k, **kw)
    replay.use(v, k=k)
    out = {"threshold": v.threshold, "in_sample": replay.evaluate()}
    if cv:
        replay.use(None, k=k, per_item=cross_validated(replay, k, **kw))
        out["cv5"] = replay.evaluate()
    return out


def cmd_study(args) -> None:
    shipped = Verifier.load(ROOT / "rag/models/minilm-squad2-reader/verifier.json")
    dev = Replay("dev")
    report = {"dev": {}, "held_out": {}}
    dev.use(shipped)
    report["dev"]["shipped verifier"] = dev.evaluate()

    def run(name, features=_BASE, extra=False, margin=True, **kw):
        with_features(features, extra)
        select_by_margin(dev, margin)
        report["dev"][name] = trial(dev, **kw)
        print(name, json.dumps(report["dev"][name]), file=sys.stderr)

    run("refit, as shipped (margin picks the span, label answerable)")
    for f in ("type_mismatch", "bigrams_in_sentence", "words_in_read", "agree"):
        run(f"+ feature {f}", _BASE + (f,), True)
    run("+ all exploratory features", _BASE + EXTRA, True)
    for w in (2.0, 4.0, 6.0, 10.0):
        STUDY["weight"] = w
        run(f"choose_span weight {w:g}", margin=False)
    STUDY["weight"] = 4.0
    run("label correct (margin picks)", label="correct")
    run("KEPT: choose_span weight 4 + label correct", margin=False, label="correct")
    run("choose_span 4 + label correct, 5 passages read", margin=False, label="correct", k=5)
    # held out: the kept change, fit on dev once, and the shipped state; each reported once
    with_features(_BASE, False)
    select_by_margin(dev, False)
    dev.use(None)
    kept = fit_on(dev, label="correct")
    kept.fitted_on = "squad-train.json:dev (research/verifier_study.py, label correct)"
    kept.save(ROOT / "eval/results/verifier-study-verifier.json")
    for split in ("test", "gold"):
        r = Replay(split)
        select_by_margin(r, True)
        r.use(shipped)
        before = r.evaluate()
        select_by_margin(r, False)
        r.use(kept)
        report["held_out"][split] = {"shipped": before, "kept": r.evaluate()}
        print(split, json.dumps(report["held_out"][split]), file=sys.stderr)
    report["kept_verifier"] = asdict(kept)
    out = ROOT / "eval/results/verifier-study.json"
    out.write_text(json.dumps(report, indent=1) + "\n")
    print(f"wrote {out}", file=sys.stderr)


def cmd_decide(args) -> None:
    """The shipped decision (choose_span, weights fit to "correct", cap on false abstentions)
    refit on this reader's dev answers, 5-fold cross-validated: how readers are compared."""
    dev = Replay("dev")
    select_by_margin(dev, False)
    out = {"reader": os.environ.get("RAG_READER_MODEL", "shipped"), "dev": {}}
    for cap in args.caps:
        out["dev"][f"cap {cap:g}"] = trial(dev, max_false=cap, label="correct")
        print(cap, json.dumps(out["dev"][f"cap {cap:g}"]), file=sys.stderr)
    if args.out:
        Path(args.out).write_text(json.dumps(out, indent=1) + "\n")


def cmd_articles(args) -> None:
    """Which signals the verifier should use, judged the way it is used: fit on two dev
    articles, tested on the third, each in turn (the 5-fold split by question above shares
    articles between fit and test, which flatters signals that differ between articles)."""
    from rag.training.squad import load_squad

    arts = load_squad(Path(args.squad))
    art_of = {q.id: t for t, qs in arts.items() for q in qs}
    dev = Replay("dev")
    select_by_margin(dev, False)
    ids = [it.id for it in dev.items]
    titles = sorted({art_of[i] for i in ids})
    everything = abstain.FEATURES
    variants = {
        "all 14 signals (shipped before)": everything,
        "no retrieval scores": tuple(
            f for f in everything if f not in ("top_cosine", "answer_cosine", "answer_rank_inv")
        ),
        "no answerability head": tuple(f for f in everything if f != "answerable_logit"),
        "reader signals (VERIFIER_FEATURES)": abstain.VERIFIER_FEATURES,
        "margin, negation, words and names": (
            "margin",
            "question_negated",
            "words_in_sentence",
            "names_in_sentence",
        ),
    }
    out = {"reader": os.environ.get("RAG_READER_MODEL", "shipped"), "articles": titles}
    cands = dev.candidates(3)
    for name, names in variants.items():
        for l2 in (1.0, 10.0):
            STUDY["features"] = names
            per = {}
            for t in titles:
                fit_ids = {i for i in ids if art_of[i] != t}
                v = fit_on(dev, 3, fit_ids, cands=cands, l2=l2, label="correct")
                per.update({i: v for i in ids if art_of[i] == t})
            dev.use(None, per_item=per)
            out[f"{name}, l2 {l2:g}"] = dev.evaluate()
            print(name, l2, json.dumps(out[f"{name}, l2 {l2:g}"]), file=sys.stderr)
    STUDY["features"] = None
    if args.out:
        Path(args.out).write_text(json.dumps(out, indent=1) + "\n")


def cmd_pool(args) -> None:
    """Does fitting the verifier on many more articles carry over better? Out-of-sample
    answers of readers that left a fold of training articles out (`--leave-out-fold`), pooled
    with the shipped reader's dev answers; always judged on dev articles the fit never saw,
    answered by the shipped reader."""
    from rag.training.squad import load_squad

    arts = load_squad(Path(args.squad))
    art_of = {q.id: t for t, qs in arts.items() for q in qs}
    dev = Replay("dev")
    select_by_margin(dev, False)
    dev.use(None)
    dev_c = dev.candidates(3)
    dev_ids = [it.id for it in dev.items]
    titles = sorted({art_of[i] for i in dev_ids})
    folds = []
    for spec in args.fold:
        split, cache = spec.split("=", 1)
        r = Replay(split, Path(cache))
        select_by_margin(r, False)
        r.use(None)
        folds.append((r, r.candidates(3), {it.id for it in r.items}))
    n_fold_articles = len({art_of[it.id] for r, _, _ in folds for it in r.items})
    out = {"dev_articles": titles, "fold_articles": n_fold_articles, "dev": {}}

    def judge(name, fit_parts_for):
        per = {}
        for t in titles:
            v = fit_parts_for(t)
            per.update({i: v for i in dev_ids if art_of[i] == t})
        dev.use(None, per_item=per)
        out["dev"][name] = dev.evaluate()
        print(name, json.dumps(out["dev"][name]), file=sys.stderr)

    def others(t):
        return {i for i in dev_ids if art_of[i] != t}

    judge("2 dev articles (as shipped)", lambda t: _pooled_fit([(dev, dev_c, others(t))]))
    fold_fit = _pooled_fit(folds)
    judge(f"{n_fold_articles} fold articles", lambda t: fold_fit)
    judge(
        f"{n_fold_articles} fold articles + 2 dev articles",
        lambda t: _pooled_fit([*folds, (dev, dev_c, others(t))]),
    )
    # The same comparison judged on every article (fold and dev), each left out in turn.
    every = [(dev, dev_c, set(dev_ids)), *folds]
    all_titles = sorted({art_of[it.id] for r, _, _ in every for it in r.items})

    def without(t):
        return [(r, c, {i for i in ids if art_of[i] != t}) for r, c, ids in every]

    dev_only = {t: _pooled_fit([(dev, dev_c, others(t))]) for t in titles}
    all_dev = _pooled_fit([(dev, dev_c, set(dev_ids))])
    for name, fit_for in (
        ("fit on dev articles only (as shipped)", lambda t: dev_only.get(t, all_dev)),
        ("fit on all other articles", lambda t: _pooled_fit(without(t))),
    ):
        rows, per_article = [], {}
        verifiers = {t: fit_for(t) for t in all_titles}
        for r, _, _ in every:
            r.use(None, per_item={it.id: verifiers[art_of[it.id]] for it in r.items})
            _, details = r.evaluate(keep_rows=True)
            rows += [row for _, _, row in details]
            for item, _, row in details:
                per_article.setdefault(art_of[item.id], []).append(row)
        out.setdefault("every_article", {})[name] = {
            "all": brief(summarize(rows, "reader", "")),
            "by_article": {
                t: brief(summarize(v, "reader", ""))["abstention"]
                for t, v in sorted(per_article.items())
            },
        }
        print(name, json.dumps(out["every_article"][name]), file=sys.stderr)
    if args.held_out:
        shipped = Verifier.load(ROOT / "rag/models/minilm-squad2-reader/verifier.json")
        pooled = _pooled_fit([*folds, (dev, dev_c, set(dev_ids))])
        pooled.fitted_on = f"{n_fold_articles} fold articles (fold readers) + dev (shipped reader)"
        if args.save:
            pooled.save(Path(args.save))
        for split in ("test", "gold"):
            r = Replay(split)
            select_by_margin(r, False)
            res = {}
            for name, v in (("shipped", shipped), ("pooled", pooled)):
                r.use(v)
                res[name] = r.evaluate()
            out.setdefault("held_out", {})[split] = res
            print(split, json.dumps(res), file=sys.stderr)
    if args.out:
        Path(args.out).write_text(json.dumps(out, indent=1) + "\n")


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(required=True)
    c = sub.add_parser("cache")
    c.add_argument("--split", required=True)
    c.add_argument("--squad", default=str(ROOT.parent / "shared/data/squad/squad-train.json"))
    c.set_defaults(func=cmd_cache)
    sub.add_parser("study").set_defaults(func=cmd_study)
    d = sub.add_parser("decide")
    d.add_argument("--caps", type=float, nargs="+", default=[0.12])
    d.add_argument("--out")
    d.set_defaults(func=cmd_decide)
    a = sub.add_parser("articles")
    a.add_argument("--squad", default=str(ROOT.parent / "shared/data/squad/squad-train.json"))
    a.add_argument("--out")
    a.set_defaults(func=cmd_articles)
    pl = sub.add_parser("pool")
    pl.add_argument("--squad", default=str(ROOT.parent / "shared/data/squad/squad-train.json"))
    pl.add_argument("--fold", nargs="+", required=True, help="SPLIT=CACHE of a fold reader")
    pl.add_argument("--held-out", action="store_true", help="then test and gold, once")
    pl.add_argument("--save", help="where to write the pooled verifier")
    pl.add_argument("--out")
    pl.set_defaults(func=cmd_pool)
    args = p.parse_args(argv)
    args.func(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
