"""LlamaIndex's hybrid retrieval over a collection `rag bench` prepared; run by
research/llamaindex_side_by_side.py in an interpreter that has LlamaIndex (not a dependency of rag).

Same passages, same query vectors, same FAISS index type and probes as the project's index,
50 candidates a side, reciprocal-rank fusion (QueryFusionRetriever), top 5. Prints one JSON line.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import faiss
import numpy as np
from llama_index.core import StorageContext, VectorStoreIndex
from llama_index.core.embeddings import MockEmbedding
from llama_index.core.llms import MockLLM
from llama_index.core.retrievers import QueryFusionRetriever
from llama_index.core.schema import QueryBundle, TextNode
from llama_index.retrievers.bm25 import BM25Retriever
from llama_index.vector_stores.faiss import FaissVectorStore


def main(folder: Path, flat_max: int, nprobe: int) -> dict:
    texts = [" ".join(json.loads(line)) for line in (folder / "passages.jsonl").open()]
    vectors = np.load(folder / "vectors.npy")
    queries = json.loads((folder / "queries.json").read_text())
    qvecs = np.load(folder / "query_vectors.npy")
    n, dim = vectors.shape
    c0, t0 = time.process_time(), time.perf_counter()
    if n <= flat_max:
        index = faiss.IndexFlatIP(dim)
    else:
        index = faiss.IndexIVFFlat(
            faiss.IndexFlatIP(dim), dim, max(16, int(4 * n**0.5)), faiss.METRIC_INNER_PRODUCT
        )
        rng = np.random.default_rng(0)
        index.train(vectors[rng.choice(n, size=min(n, 64 * index.nlist), replace=False)])
        index.nprobe = nprobe
    nodes = [
        TextNode(text=t, id_=str(i), embedding=v.tolist())
        for i, (t, v) in enumerate(zip(texts, vectors, strict=True))
    ]
    store = FaissVectorStore(faiss_index=index)
    vindex = VectorStoreIndex(
        nodes,
        storage_context=StorageContext.from_defaults(vector_store=store),
        embed_model=MockEmbedding(embed_dim=dim),
    )
    bm25 = BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=50)
    fusion = QueryFusionRetriever(
        [vindex.as_retriever(similarity_top_k=50), bm25],
        llm=MockLLM(),
        mode="reciprocal_rerank",
        num_queries=1,
        use_async=False,
        similarity_top_k=5,
    )
    build_s, build_cpu = time.perf_counter() - t0, time.process_time() - c0
    cpu, wall = [], []
    for q, v in zip(queries, qvecs, strict=True):
        bundle = QueryBundle(query_str=q, embedding=v.tolist())
        c, w = time.process_time(), time.perf_counter()
        fusion.retrieve(bundle)
        cpu.append((time.process_time() - c) * 1000)
        wall.append((time.perf_counter() - w) * 1000)
    return {
        "passages": n,
        "build_s": build_s,
        "build_cpu_s": build_cpu,
        "cpu_ms_p50": float(np.percentile(cpu, 50)),
        "cpu_ms_p95": float(np.percentile(cpu, 95)),
        "wall_ms_p50": float(np.percentile(wall, 50)),
    }


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))))
