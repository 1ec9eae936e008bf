"""Does follow-up rewriting help? The whole pipeline on follow-up pairs, three ways.

    .venv/bin/python research/followup_eval.py --out eval/results/followups.json

Each row of eval/followups.jsonl is an earlier question and a follow-up typed after it (kind
"followup", answered by the earlier question's document), or a standalone question about another
document (kind "switch", which must not be pulled back to the earlier topic). Every follow-up
is answered with the reader, from the query each variant sends:

    none     the question alone (no history)
    old      today's rule: the previous question prepended to a pronoun, a leading
             "and"/"what about", or a question of at most four words (a frozen copy of
             rag.pipeline.contextualize as it was before rag.followup, so the baseline stays put)
    rewrite  rag.followup.rewrite (a leading "And"/"What about", else retrieval decides; the
             question first, the previous question after)
    always   reference only: every question followed by the previous one

Per split (validation: where the rule and threshold were chosen; test: reported, untouched):

    hit@1      the first retrieved passage is in the gold document
    answer     the answer text contains a gold answer (SQuAD-normalised), not abstaining
    F1         SQuAD token F1 of the reader's short answer against the gold answers (0 abstaining)
    citation   a citation points into the gold document
    rewritten  share of questions whose query is not the question alone
    kept       (switches) the query is the question alone: the topic switch is respected
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag import RAG, Settings  # noqa: E402
from rag.evaluation.runner import contains, token_f1  # noqa: E402
from rag.followup import (  # noqa: E402
    FOLLOW_UP_OPENING,
    MIN_STANDALONE_COSINE,
    POINTING,
    decide,
    own_subject,
    rare_in,
)

PAIRS = ROOT / "eval" / "followups.jsonl"
STANDALONE = ROOT / "eval" / "followups-standalone.jsonl"
KINDS = ("followup", "switch", "standalone")
SPLITS = ("validation", "test")
KEYS = {"id", "kind", "split", "previous", "question", "answers", "doc", "quote"}

# rag.pipeline.contextualize as of commit 7a9be59 (the rule before rag.followup).
_OLD_FOLLOW_UP = re.compile(
    r"^(and|but|also|what about|how about|so)\b|\b(it|its|they|them|their|those|these|"
    r"that|there|ones|he|she|his|her)\b",
    re.I,
)


def old_rule(question: str, previous: str) -> str:
    if previous.strip() and (_OLD_FOLLOW_UP.search(question) or len(question.split()) <= 4):
        return f"{previous.strip()} {question}"
    return question


def same_document_rule(question: str, previous: str, retrieve, min_cosine: float = 0.30) -> str:
    """rag.followup.decide as of commit 832721a (before issue 25): joined on a follow-up
    opening, on the same first document as the previous question, or when weak alone."""
    if previous.strip().lower() == question.strip().lower():
        return question
    joined = f"{question} {previous}"
    if FOLLOW_UP_OPENING.match(question.strip()):
        return joined
    alone, earlier = retrieve(question), retrieve(previous)
    if not alone or not earlier:
        return question
    if alone[0].chunk.doc == earlier[0].chunk.doc or max(p.score for p in alone) < min_cosine:
        return joined
    return question


def load_pairs(path: Path, documents: Path) -> list[dict]:
    """Read the pairs and check them: keys, kinds, splits, and that every quote is an exact
    substring of its document and holds one of the answers."""
    texts = {p.name: p.read_text(encoding="utf-8") for p in documents.iterdir() if p.is_file()}
    rows, seen = [], set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        r = json.loads(line)
        where = f"{path.name}:{n}"
        if set(r) != KEYS:
            raise ValueError(f"{where}: keys must be {sorted(KEYS)}, got {sorted(r)}")
        if r["id"] in seen:
            raise ValueError(f"{where}: duplicate id {r['id']}")
        seen.add(r["id"])
        if r["kind"] not in KINDS or r["split"] not in SPLITS:
            raise ValueError(f"{where}: bad kind or split")
        if r["quote"] not in texts.get(r["doc"], ""):
            raise ValueError(f"{where}: quote is not in {r['doc']}")
        if not any(a.lower() in r["quote"].lower() for a in r["answers"]):
            raise ValueError(f"{where}: no answer is in the quote")
        rows.append(r)
    return rows


def run(rag: RAG, rows: list[dict]) -> tuple[list[dict], dict]:
    """Every pair under every variant; answers cached by query (variants often agree)."""
    asked: dict[str, dict] = {}

    def ask(query: str) -> dict:
        if query not in asked:
            a = rag.ask(query)
            asked[query] = {
                "top_doc": a.passages[0].chunk.doc if a.passages else None,
                "abstained": a.abstained,
                "answer": a.answer,
                "short": a.short_answer.text if a.short_answer else "",
                "cited": sorted({c.doc for c in a.citations}),
            }
        return asked[query]

    records, rewrite_ms = [], []
    for r in rows:
        q, prev = r["question"], r["previous"]
        t0 = time.perf_counter()
        rare = rare_in(rag.store.current())
        rewritten, why = decide(q, [prev], rag.retriever.run, MIN_STANDALONE_COSINE, rare)
        rewrite_ms.append((time.perf_counter() - t0) * 1000)
        queries = {
            "none": q,
            "old": old_rule(q, prev),
            "same_doc": same_document_rule(q, prev, rag.retriever.run),
            "rewrite": rewritten,
            "always": f"{q} {prev}",
        }
        rec = {k: r[k] for k in ("id", "kind", "split", "previous", "question", "doc")}
        alone, earlier = rag.retriever.run(q), rag.retriever.run(prev)
        rec["why"] = why
        rec["alone_cosine"] = round(max(p.score for p in alone), 4)
        rec["same_document"] = alone[0].chunk.doc == earlier[0].chunk.doc
        rec["opening"] = bool(FOLLOW_UP_OPENING.match(q))
        rec["own_subject"] = own_subject(q)
        rec["pointing"] = bool(POINTING.search(q))
        for name, query in queries.items():
            a = ask(query)
            rec[name] = {
                "query": query,
                "rewritten": query != q,
                "hit1": a["top_doc"] == r["doc"],
                "answer": not a["abstained"] and bool(contains(a["answer"], r["answers"])),
                "short_f1": 0.0 if a["abstained"] else round(token_f1(a["short"], r["answers"]), 3),
                "citation": r["doc"] in a["cited"],
                "said": a["answer"][:160],
            }
        records.append(rec)
    rewrite_ms.sort()
    timing = {
        "rewrite_ms_median": round(rewrite_ms[len(rewrite_ms) // 2], 2),
        "rewrite_ms_max": round(rewrite_ms[-1], 2),
    }
    return records, timing


VARIANTS = ("none", "old", "same_doc", "rewrite", "always")


def summarise(records: list[dict]) -> dict:
    out: dict = {}
    for split in SPLITS:
        out[split] = {}
        fu = [r for r in records if r["split"] == split and r["kind"] == "followup"]
        sw = [r for r in records if r["split"] == split and r["kind"] == "switch"]
        sa = [r for r in records if r["split"] == split and r["kind"] == "standalone"]
        for v in VARIANTS:

            def share(rows, key, v=v):
                return round(sum(r[v][key] for r in rows) / max(1, len(rows)), 3)

            out[split][v] = {
                "followups": {
                    "n": len(fu),
                    **{k: share(fu, k) for k in ("hit1", "answer", "short_f1", "citation")},
                    "rewritten": share(fu, "rewritten"),
                },
                "switches": {
                    "n": len(sw),
                    "kept": round(sum(not r[v]["rewritten"] for r in sw) / max(1, len(sw)), 3),
                    **{k: share(sw, k) for k in ("hit1", "answer", "citation")},
                },
                "standalone": {
                    "n": len(sa),
                    "false_merges": round(sum(r[v]["rewritten"] for r in sa) / max(1, len(sa)), 3),
                    **{k: share(sa, k) for k in ("hit1", "answer", "short_f1", "citation")},
                },
            }
    return out


def sweep(records: list[dict], split: str = "validation") -> list[dict]:
    """The rule of rag.followup with other thresholds, on one split: a question is joined with
    the previous one (the "always" query) when it opens like a follow-up, shares the previous
    question's first document or its best cosine alone is below the threshold; else it is
    asked alone ("none")."""
    rows = [r for r in records if r["split"] == split]
    out = []
    for t in (0.0, 0.2, 0.25, 0.28, 0.29, 0.3, 0.31, 0.32, 0.35, 0.4, 0.5):

        def pick(r, t=t):
            joined = r["opening"] or (
                not r["own_subject"] and (r["pointing"] or r["alone_cosine"] < t)
            )
            return r["always" if joined else "none"]

        fu = [pick(r) for r in rows if r["kind"] == "followup"]
        sw = [pick(r) for r in rows if r["kind"] == "switch"]
        sa = [pick(r) for r in rows if r["kind"] == "standalone"]
        out.append(
            {
                "threshold": t,
                "followup_answer": sum(x["answer"] for x in fu),
                "followup_citation": sum(x["citation"] for x in fu),
                "switches_kept": sum(not x["rewritten"] for x in sw),
                "false_merges": sum(x["rewritten"] for x in sa),
                "standalone_answer": sum(x["answer"] for x in sa),
                "of": [len(fu), len(sw), len(sa)],
            }
        )
    return out


def table(summary: dict) -> str:
    head = (
        f"{'split':10} {'variant':8} | {'n':>3} {'hit@1':>6} {'answer':>6} {'F1':>6} "
        f"{'cite':>6} {'rewr':>6} | {'n':>3} {'kept':>6} {'hit@1':>6} {'answer':>6} "
        f"| {'n':>3} {'merged':>6} {'answer':>6}"
    )
    lines = [
        " " * 20 + "| follow-ups" + " " * 34 + "| topic switches" + " " * 16 + "| standalone",
        head,
        "-" * len(head),
    ]
    for split, variants in summary.items():
        for v, m in variants.items():
            f, s = m["followups"], m["switches"]
            lines.append(
                f"{split:10} {v:8} | {f['n']:>3} {f['hit1']:>6.3f} {f['answer']:>6.3f} "
                f"{f['short_f1']:>6.3f} {f['citation']:>6.3f} {f['rewritten']:>6.3f} | "
                f"{s['n']:>3} {s['kept']:>6.3f} {s['hit1']:>6.3f} {s['answer']:>6.3f} | "
                f"{m['standalone']['n']:>3} {m['standalone']['false_merges']:>6.3f} "
                f"{m['standalone']['answer']:>6.3f}"
            )
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pairs", default=str(PAIRS))
    p.add_argument("--standalone", default=str(STANDALONE), help="standalone pairs ('' for none)")
    p.add_argument("--documents", default=str(ROOT / "seeds"))
    p.add_argument("--out", default=str(ROOT / "eval" / "results" / "followups.json"))
    p.add_argument("--check", action="store_true", help="only check the pairs file")
    args = p.parse_args(argv)
    rows = load_pairs(Path(args.pairs), Path(args.documents))
    if args.standalone:
        rows += load_pairs(Path(args.standalone), Path(args.documents))
    if args.check:
        print(f"{len(rows)} pairs, every quote found in its document")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        s = Settings(
            documents_dir=Path(args.documents),
            index_dir=Path(tmp) / "index",
            cache_dir=Path(tmp) / "cache",
            generator="reader",
        )
        rag = RAG(s)
        rag.refresh()
        t0 = time.perf_counter()
        records, timing = run(rag, rows)
        seconds = time.perf_counter() - t0
    summary = summarise(records)
    result = {
        "pairs": Path(args.pairs).name,
        "generator": "reader",
        "summary": summary,
        "threshold_sweep_validation": sweep(records),
        "timing": {**timing, "seconds_total": round(seconds, 1)},
        "records": records,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(summary))
    print(f"rewrite: median {timing['rewrite_ms_median']} ms, max {timing['rewrite_ms_max']} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
