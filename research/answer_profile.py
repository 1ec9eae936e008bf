"""Where a question's time goes, stage by stage, over a gold file (issue 27).

    python research/answer_profile.py GOLD DOCS INDEX_DIR OUT.json [--cprofile OUT.prof]

Loads the models once, answers every question as `rag eval` does, and times each stage with
`time.perf_counter` (exclusive time: a stage called inside another is not counted twice), plus
CPU time per question, the reader's windows and word pieces, and the sentences the answer forms
embed. Writes per-question rows and a per-stage summary (median, p95, mean, share of the total).
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

_stack: list[list] = []  # [stage, started, child time]
_row: dict = defaultdict(float)


def timed(stage: str, fn):
    @functools.wraps(fn)
    def wrapper(*a, **kw):
        entry = [stage, time.perf_counter(), 0.0]
        _stack.append(entry)
        try:
            return fn(*a, **kw)
        finally:
            _stack.pop()
            spent = time.perf_counter() - entry[1]
            _row[stage] += spent - entry[2]
            if _stack:
                _stack[-1][2] += spent

    return wrapper


def patch(obj, name: str, stage: str) -> None:
    setattr(obj, name, timed(stage, getattr(obj, name)))


def instrument(rag) -> None:
    import rag.answer.abstain as abstain
    import rag.answer.forms as forms
    import rag.answer.reader as reader
    import rag.answer.reading as reading
    import rag.pipeline as pipeline
    import rag.retrieve as retrieve

    gen = rag.generator
    rd = gen.reader
    rd.warm_up()
    emb = rag.embedder
    patch(emb, "embed", "encode (embedding model)")
    patch(retrieve, "steer", "steering (documents named)")
    patch(retrieve.Retriever, "search", "retrieval (BM25 + dense + fusion + fetch)")
    patch(pipeline, "rewrite", "follow-up rewrite")
    patch(pipeline, "classify", "form classify")
    patch(pipeline.RAG, "_per_period", "comparison: per-period retrieval")
    if hasattr(pipeline.RAG, "_from_tables"):  # the table-row stage, where merged
        patch(pipeline.RAG, "_from_tables", "table rows (rag.answer.tables)")
    patch(reading, "known_text", "numbers rule (known_text)")
    patch(reading, "missing_numbers", "numbers rule (missing_numbers)")

    orig_encode = reader.encode

    def counting_encode(tok, questions, contexts, max_tokens, stride):
        enc = orig_encode(tok, questions, contexts, max_tokens, stride)
        _row["windows"] += len(enc["input_ids"])
        _row["tokens"] += sum(len(x) for x in enc["input_ids"])
        _row["passage chars read"] += sum(len(c) for c in contexts)
        return enc

    reader.encode = timed("reader: tokenise", counting_encode)
    patch(reader, "decode_window", "reader: decode spans")
    model = rd._model
    model.forward = timed("reader: model forward", model.forward)
    patch(rd._tokenizer, "pad", "reader: pad batch")
    patch(reader.Reader, "read_pairs", "reader: other")
    patch(reading, "choose_span", "span choice")
    patch(reading, "bound_number", "span choice")
    patch(reading, "trim_span", "span choice")
    patch(reading.ReadingAnswerer, "features", "verifier features")
    patch(abstain.Verifier, "probability", "verifier probability")
    patch(reading.ReadingAnswerer, "_rival", "rival check")
    orig_score = forms.score_lines

    def counting_score(question, passages, embedder, lexical_weight):
        lines = orig_score(question, passages, embedder, lexical_weight)
        _row["form sentences"] += len(lines)
        return lines

    forms.score_lines = timed("forms: score sentences", counting_score)
    patch(forms, "extract", "forms: choose lines")
    patch(pipeline, "number_citations", "citations: number")
    patch(pipeline, "lines_text", "citations: number")
    patch(pipeline.RAG, "_locate", "citations: locate page/section")
    patch(rag.library, "origins", "citations: origins")


def pct(xs, q):
    return float(np.percentile(xs, q)) if xs else 0.0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("gold")
    ap.add_argument("docs")
    ap.add_argument("index_dir")
    ap.add_argument("out")
    ap.add_argument("--cprofile", default="")
    args = ap.parse_args()

    from rag.evaluation.runner import load_gold
    from rag.pipeline import RAG
    from rag.settings import Settings

    settings = Settings.from_env().replace(
        documents_dir=Path(args.docs), index_dir=Path(args.index_dir)
    )
    items = load_gold(Path(args.gold), settings.documents_dir)
    rag = RAG(settings)
    rag.refresh()
    rag.ask("What is this about?")  # models loaded, first-call costs paid
    instrument(rag)
    prof = None
    if args.cprofile:
        import cProfile

        prof = cProfile.Profile()
    rows = []
    for item in items:
        _row.clear()
        c0, t0 = time.process_time(), time.perf_counter()
        if prof:
            prof.enable()
        ans = timed("total", rag.ask)(item.question)
        if prof:
            prof.disable()
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        row = dict(_row)
        row["pipeline (rest)"] = row.pop("total")
        rows.append(
            {
                "id": item.id,
                "form": ans.form,
                "abstained": ans.abstained,
                "answer": ans.answer,
                "citations": [(c.doc, c.start, c.end) for c in ans.citations],
                "wall": wall,
                "cpu": cpu,
                **row,
            }
        )
    if prof:
        prof.dump_stats(args.cprofile)
    stages = sorted(
        {k for r in rows for k in r if k not in ("id", "form", "abstained", "answer", "citations")}
    )
    total = sum(r["wall"] for r in rows)
    summary = {}
    for s in stages:
        xs = [r.get(s, 0.0) for r in rows]
        summary[s] = {
            "p50": pct(xs, 50),
            "p95": pct(xs, 95),
            "mean": float(np.mean(xs)),
            "share": float(sum(xs) / total)
            if s not in ("windows", "tokens", "passage chars read", "form sentences", "cpu")
            else None,
        }
    by_form = defaultdict(list)
    for r in rows:
        by_form[r["form"]].append(r["wall"])
    summary["by_form"] = {
        f: {"n": len(v), "p50": pct(v, 50), "p95": pct(v, 95)} for f, v in by_form.items()
    }
    Path(args.out).write_text(json.dumps({"summary": summary, "rows": rows}, indent=1) + "\n")
    for s in stages:
        v = summary[s]
        share = f"{v['share']:.1%}" if v["share"] is not None else ""
        print(f"{s:45s} p50 {v['p50']:8.3f} p95 {v['p95']:8.3f} mean {v['mean']:8.3f} {share}")
    print(json.dumps(summary["by_form"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
