"""The project's hybrid retrieval beside LlamaIndex's (FAISS + BM25, reciprocal-rank fusion)
and the floor (FAISS + bm25s), on the same collections, query vectors and machine, one run.

LlamaIndex is not a dependency of rag: install it in its own environment and name its Python:

    python3 -m venv /tmp/li && /tmp/li/bin/pip install llama-index-core \
        llama-index-retrievers-bm25 llama-index-vector-stores-faiss faiss-cpu
    .venv/bin/python research/llamaindex_side_by_side.py --python /tmp/li/bin/python \
        --passages 10000 100000 --out eval/results/llamaindex-side-by-side.json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.evaluation.bench import (  # noqa: E402
    BenchConfig,
    _run_worker,
    make_collection,
    pool_vectors,
    sentence_pool,
)
from rag.settings import Settings  # noqa: E402
from rag.store.embed import Embedder  # noqa: E402
from rag.store.segment import IndexConfig  # noqa: E402


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--python", required=True, help="an interpreter with LlamaIndex installed")
    p.add_argument("--passages", type=int, nargs="+", default=[10_000, 100_000])
    p.add_argument("--queries", type=int, default=200)
    p.add_argument("--squad", default=str(ROOT.parent / "shared/data/squad/squad-train.json"))
    p.add_argument("--out")
    args = p.parse_args(argv)
    cfg = BenchConfig(queries=args.queries)
    sentences, questions = sentence_pool(Path(args.squad))
    vecs = pool_vectors(sentences, Settings().cache_dir)
    rng = np.random.default_rng(cfg.seed)
    many = min(cfg.queries, len(questions))
    picked = [questions[i] for i in rng.choice(len(questions), many, replace=False)]
    qvecs = Embedder().embed(picked)
    index_cfg = IndexConfig()
    rows = []
    for n in args.passages:
        with tempfile.TemporaryDirectory(prefix=f"rag-li-{n}-") as tmp:
            folder = Path(tmp)
            make_collection(n, sentences, vecs, cfg, folder)
            (folder / "queries.json").write_text(json.dumps(picked))
            np.save(folder / "query_vectors.npy", qvecs)
            _run_worker("build", folder, cfg)
            ours = _run_worker("serve", folder, cfg)
            floor = _run_worker("floor", folder, cfg)
            out = subprocess.run(
                [
                    args.python,
                    str(ROOT / "research" / "llamaindex_worker.py"),
                    str(folder),
                    str(index_cfg.flat_max_passages),
                    str(index_cfg.ivf_nprobe),
                ],
                capture_output=True,
                text=True,
            )
            if out.returncode:
                print(out.stderr[-3000:], file=sys.stderr)
                return 1
            li = json.loads(out.stdout.strip().splitlines()[-1])
        row = {
            "passages": n,
            "project_cpu_ms_p50": round(ours["retrieval_cpu_ms"][0], 3),
            "llamaindex_cpu_ms_p50": round(li["cpu_ms_p50"], 3),
            "floor_cpu_ms_p50": round(floor["retrieval_cpu_ms"][0], 3),
            "project_cpu_ms_p95": round(ours["retrieval_cpu_ms"][1], 3),
            "llamaindex_cpu_ms_p95": round(li["cpu_ms_p95"], 3),
            "llamaindex_build_s": round(li["build_s"], 1),
        }
        row["llamaindex_over_project"] = round(
            row["llamaindex_cpu_ms_p50"] / row["project_cpu_ms_p50"], 2
        )
        rows.append(row)
        print(
            f"{n:>9,} passages   project {row['project_cpu_ms_p50']:.2f} ms   LlamaIndex "
            f"{row['llamaindex_cpu_ms_p50']:.2f} ms   floor {row['floor_cpu_ms_p50']:.2f} ms   "
            f"LlamaIndex / project {row['llamaindex_over_project']:.2f}x  (CPU per question, p50)"
        )
    if args.out:
        Path(args.out).write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
