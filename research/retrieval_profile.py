"""Where one question's retrieval time goes, per stage, beside the floor (issue 27).

    python research/retrieval_profile.py WORK_DIR 10000 100000

Builds `rag bench`'s synthetic collections (real sentences, vectors from their real MiniLM
vectors) under WORK_DIR once, then times per question, in CPU ms: query tokenisation, BM25,
the dense search, fusion, cosines + passage fetch, the whole `Retriever.search`, and the
floor (the bench's), interleaved in one process. Run with OMP_NUM_THREADS=1 to leave out the
CPU that FAISS's idle threads spend spinning (on a busy machine it dwarfs the work).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import numpy as np

from rag.evaluation.bench import (
    ROOT,
    BenchConfig,
    _floor,
    _store,
    make_collection,
    pool_vectors,
    sentence_pool,
    worker_build,
)
from rag.retrieve import Retriever, fuse_ranks
from rag.store.embed import Embedder
from rag.store.lexical import tokenize

STAGES = ("tokenise", "bm25", "dense", "fuse", "fetch", "total", "floor")


def collection(work: Path, n: int, cfg: BenchConfig) -> Path:
    folder = work / f"c{n}"
    if (folder / "index").exists():
        return folder
    squad = ROOT.parent / "shared/data/squad/squad-train.json"
    sentences, questions = sentence_pool(squad)
    vecs = pool_vectors(sentences, work / "cache", False)
    rng = np.random.default_rng(cfg.seed)
    picked = [questions[i] for i in rng.choice(len(questions), cfg.queries, replace=False)]
    folder.mkdir(parents=True, exist_ok=True)
    make_collection(n, sentences, vecs, cfg, folder)
    (folder / "queries.json").write_text(json.dumps(picked))
    np.save(folder / "query_vectors.npy", Embedder().embed(picked))
    worker_build(folder, cfg)
    return folder


def profile(folder: Path, cfg: BenchConfig, passes: int = 3) -> dict[str, np.ndarray]:
    snap = _store(folder).load()
    retriever = Retriever(lambda: snap, None, cfg.top_k, candidates=cfg.candidates)
    floor = _floor(folder, cfg)[0]
    queries = json.loads((folder / "queries.json").read_text())
    qvecs = np.load(folder / "query_vectors.npy")
    k, pool = cfg.top_k, cfg.candidates
    clock = time.process_time_ns
    out: dict[str, list[int]] = {s: [] for s in STAGES}
    for _ in range(passes):
        for q, v in zip(queries, qvecs, strict=True):
            v1 = v[None, :]
            t = clock()
            floor(q, v)
            out["floor"].append(clock() - t)
            t = clock()
            retriever.search(snap, q, v1)
            out["total"].append(clock() - t)
            t0 = clock()
            terms = tokenize(q)
            t1 = clock()
            lexical = dict(snap.lexical(terms, pool))
            t2 = clock()
            cosine = dict(snap.dense(v1, pool))
            t3 = clock()
            order = fuse_ranks(list(cosine), list(lexical))[:k]
            t4 = clock()
            retriever._fill_cosines(snap, cosine, [x for x in order if x not in cosine], v1)
            [snap.chunk(x) for x in order]
            t5 = clock()
            for s, a, b in zip(STAGES[:5], (t0, t1, t2, t3, t4), (t1, t2, t3, t4, t5), strict=True):
                out[s].append(b - a)
    return {s: np.array(x) / 1e6 for s, x in out.items()}


def main() -> None:
    work = Path(sys.argv[1])
    cfg = BenchConfig()
    for n in map(int, sys.argv[2:]):
        ms = profile(collection(work, n, cfg), cfg)
        print(f"{n:,} passages; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
        for s in STAGES:
            print(
                f"  {s:9s} CPU ms p50 {np.percentile(ms[s], 50):7.3f}  p95 {np.percentile(ms[s], 95):7.3f}"
            )


if __name__ == "__main__":
    main()
