"""`rag bench --ingest DIR`: indexing a folder of real documents, stage by stage, beside the
floor (sentence-transformers encoding the very same passages, same batch size, same process)."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from rag.evaluation.bench import BenchConfig, _run_worker, machine


def worker_ingest(folder: Path, cfg: BenchConfig) -> dict:
    """Index a folder of real documents as `rag index` does (extraction, chunking, embedding,
    writing, timed per stage), then the floor: sentence-transformers' `encode` alone on the
    very texts the project embedded, with the same batch size, in this process."""
    import dataclasses

    from sentence_transformers import SentenceTransformer

    from rag.cli import _build_light
    from rag.context import embedding_text
    from rag.settings import Settings
    from rag.store.embed import resolve_embedding_model

    spec = json.loads((folder / "ingest.json").read_text())
    settings = dataclasses.replace(
        Settings.from_env(), documents_dir=Path(spec["docs"]), index_dir=folder / "index"
    )
    rag = _build_light(settings)
    rag.embedder.embed(["one passage to load the model"])  # loading is not indexing
    before = machine()
    c0 = time.process_time()
    report = rag.refresh(None, spec["batch"], commit_passages=256)
    cpu = time.process_time() - c0
    texts = [embedding_text(c) for c in rag.store.current().chunks]
    model = SentenceTransformer(
        resolve_embedding_model(settings.embedding_model), device="cpu", local_files_only=True
    )
    model.encode(["one passage to load the model"])
    c1, t1 = time.process_time(), time.perf_counter()
    model.encode(texts, batch_size=spec["batch"], normalize_embeddings=True, convert_to_numpy=True)
    floor_cpu, floor_s = time.process_time() - c1, time.perf_counter() - t1
    return {
        "documents": len(rag.store.current().documents),
        "pages": report.pages,
        "passages": report.embedded_chunks,
        "seconds": report.seconds,
        "cpu_s": cpu,
        "stage_cpu_s": {k: report.cpu.get(k, 0.0) for k in ("extract", "chunk", "embed", "write")},
        "floor_passages": len(texts),
        "floor_embed_s": floor_s,
        "floor_embed_cpu_s": floor_cpu,
        "batch": spec["batch"],
        "cores": before["cores"],
        "load_avg_1m": [before["load_avg_1m"], machine()["load_avg_1m"]],
    }


def run_ingest(docs: Path, batch: int = 32) -> dict:
    """`rag bench --ingest DIR`: the ingest worker in its own process, on a fresh index."""
    with tempfile.TemporaryDirectory(prefix="rag-bench-ingest-") as tmp:
        folder = Path(tmp)
        (folder / "ingest.json").write_text(json.dumps({"docs": str(docs), "batch": batch}))
        return _run_worker("ingest", folder, BenchConfig())


def format_ingest(r: dict) -> str:
    s, fs = max(r["seconds"], 1e-9), max(r["floor_embed_s"], 1e-9)
    cpu = r["stage_cpu_s"]
    embed_ratio = cpu["embed"] / max(r["floor_embed_cpu_s"], 1e-9)
    total_ratio = r["cpu_s"] / max(r["floor_embed_cpu_s"], 1e-9)
    load = r["load_avg_1m"]
    return "\n".join(
        [
            f"ingest: {r['documents']} documents, {r['pages']} pages, {r['passages']} passages;"
            f" {r['cores']} cores, load average {load[0]:.2f} before, {load[1]:.2f} after",
            f"  project      {s:7.1f} s wall  {r['pages'] / s:6.1f} pages/s  {r['passages'] / s:6.1f}"
            f" passages/s  {r['cpu_s']:.1f} CPU-s",
            f"    CPU-s by stage: extract {cpu['extract']:.1f}, chunk {cpu['chunk']:.1f},"
            f" embed {cpu['embed']:.1f}, write {cpu['write']:.1f}"
            # PDFs and office files are read in a sandboxed child process: not counted here.
            + (" (extraction's own process not counted)" if r["pages"] > r["documents"] else ""),
            f"  floor        {fs:7.1f} s wall  {r['pages'] / fs:6.1f} pages/s"
            f"  {r['floor_passages'] / fs:6.1f} passages/s  {r['floor_embed_cpu_s']:.1f} CPU-s"
            f"  (sentence-transformers encode, batch {r['batch']}, the same passages)",
            f"  project / floor CPU: embedding {embed_ratio:.2f}x, everything {total_ratio:.2f}x",
        ]
    )
