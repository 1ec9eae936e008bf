"""Retrieval that knows the document, measured on the 10-Q filings (issue 24, item 3).

Scores retrieval variants on a gold set whose rows name their source documents (`sources`)
and gold keys (`answers`): document hit@k (one of the top k passages is from a source
document) and passage hit@k (one of them is from a source document and holds a key verbatim,
case and spacing folded). Choose on eval/sec10q/gold-validation.jsonl; the seeds gold set is
the held-out regression check, run once through `rag eval`.

Variants reuse vectors embedded once (branch `context`'s eval/context_check.py caches: an
index of the filings without context, `idx-plain`, and with it, `idx-context`), so that only
the BM25 terms and the steering change here:
  plain   vectors and BM25 of the passage text alone
  both    vectors and BM25 of context + text
  bm25    vectors of the text, BM25 of context + text
  embed   vectors of context + text, BM25 of the text
  bm25short  vectors of the text, BM25 of "title | file-name words" + text
Steering: off, prefer (all of the named documents' passages first), prefer with
STEER_SEVERAL off (a question naming several documents' periods or names is not steered),
prefer with PREFER_SLOTS (only the first slots go to the named documents).

    python research/context_check.py --cache /tmp/context --work /tmp/ctx/cc \\
        --gold eval/sec10q/gold-validation.jsonl --out eval/results/context-check.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rag import context, retrieve, steering  # noqa: E402
from rag.ingest.chunk import Chunk  # noqa: E402
from rag.retrieve import Retriever  # noqa: E402
from rag.store.embed import Embedder  # noqa: E402
from rag.store.segments import IndexStore  # noqa: E402

_SEP = " | "


def cached(folder: Path) -> tuple[list[Chunk], np.ndarray]:
    """The passages and vectors of a cached one-segment index."""
    [seg] = sorted(folder.glob("seg-*"))
    lines = (seg / "chunks.jsonl").read_text(encoding="utf-8").splitlines()
    return [Chunk.from_dict(json.loads(x)) for x in lines], np.load(seg / "vectors.npy")


def short(chunks: list[Chunk]) -> list[Chunk]:
    """Context cut to the document's title and file-name words (no heading path, no page)."""
    out = []
    for c in chunks:
        words = context.file_words(c.doc)
        parts = c.context.split(_SEP)
        head = parts[0] if parts and parts[0] != words else ""
        out.append(replace(c, context=_SEP.join(p for p in (head, words) if p)))
    return out


def build(name: str, cache: Path, work: Path, embedder) -> IndexStore:
    if name == "files":  # file-name words only, embedded (built by embedding `plain` again)
        store = IndexStore(cache / "idx-files", embedder, 200, 40)
        store.load()
        return store
    folder = work / f"idx-{name}"
    store = IndexStore(folder, embedder, 200, 40)
    if (folder / "CURRENT").exists():
        store.load()
        return store
    plain, pvec = cached(cache / "idx-plain")
    ctx, cvec = cached(cache / "idx-context")
    assert [c.chunk_id for c in plain] == [c.chunk_id for c in ctx]
    chunks, vectors, lexical = {
        "plain": (plain, pvec, False),
        "both": (ctx, cvec, True),
        "bm25": (ctx, pvec, True),
        "embed": (ctx, cvec, False),
        "bm25short": (short(ctx), pvec, True),
    }[name]
    context.LEXICAL_CONTEXT = lexical
    try:
        store.write_passages(chunks, vectors, {c.doc: c.doc for c in chunks})
    finally:
        context.LEXICAL_CONTEXT = True
    return store


def _fold(s: str) -> str:
    return " ".join(s.lower().split())


def score(retriever: Retriever, rows: list[dict]) -> dict:
    n = len(rows)
    d1 = d5 = p1 = p3 = p5 = keyed = 0
    for row in rows:
        targets = {s["doc"] for s in row.get("sources", ())}
        passages = retriever.run(row["question"], 5)
        docs = [p.chunk.doc for p in passages]
        d1 += bool(docs) and docs[0] in targets
        d5 += any(d in targets for d in docs)
        keys = [_fold(k) for k in row.get("answers") or ()]
        if keys:
            keyed += 1
            hits = [
                p.chunk.doc in targets and any(k in _fold(p.chunk.text) for k in keys)
                for p in passages
            ]
            p1 += bool(hits) and hits[0]
            p3 += any(hits[:3])  # the reader reads the first 3 (Settings.reader_top_k)
            p5 += any(hits)
    return {
        "n": n,
        "doc_hit@1": round(d1 / n, 3),
        "doc_hit@5": round(d5 / n, 3),
        "hit@1": round(p1 / keyed, 3),
        "hit@3": round(p3 / keyed, 3),
        "hit@5": round(p5 / keyed, 3),
    }


STEERING = {
    "off": ("off", True, None),
    "prefer": ("prefer", True, None),
    "prefer-single": ("prefer", False, None),
    "prefer-2slots": ("prefer", True, 2),
    "prefer-single-2slots": ("prefer", False, 2),
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", type=Path, default=Path("/tmp/context"))
    ap.add_argument("--work", type=Path, default=Path("/tmp/ctx/cc"))
    ap.add_argument("--gold", type=Path, default=Path("eval/sec10q/gold-validation.jsonl"))
    ap.add_argument("--variants", default="plain,both,bm25,embed,bm25short,files")
    ap.add_argument("--steer", default=",".join(STEERING))
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    embedder = Embedder("all-MiniLM-L6-v2")
    rows = [json.loads(x) for x in args.gold.read_text().splitlines() if x.strip()]
    results = []
    for variant in args.variants.split(","):
        store = build(variant, args.cache, args.work, embedder)
        for steer in args.steer.split(","):
            mode, several, slots = STEERING[steer]
            steering.STEER_SEVERAL, retrieve.PREFER_SLOTS = several, slots
            r = Retriever(store.current, embedder, 5, doc_steer=mode)
            c0 = time.process_time()
            res = {"variant": variant, "steer": steer, **score(r, rows)}
            res["cpu_s"] = round(time.process_time() - c0, 1)
            print(json.dumps(res), flush=True)
            results.append(res)
    steering.STEER_SEVERAL, retrieve.PREFER_SLOTS = True, None
    if args.out:
        args.out.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
