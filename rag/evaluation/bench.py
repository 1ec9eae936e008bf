"""`rag bench`: the index at 10k to 1M passages, beside the floor measured in the same run.

The floor is what a careful user would write with the libraries alone: sentence-transformers
vectors in the same FAISS index type, bm25s (its "lucene" BM25) for the lexical side, and
reciprocal-rank fusion in a few lines. Both sides get the same passages, the same query
vectors and the same number of candidates per side.

Collections are synthetic but made of real prose: passages are random runs of real sentences
(the seed documents and, when present, SQuAD paragraphs). Embedding a million passages would
take hours here, so each passage's vector is the normalised sum of the real MiniLM vectors of
its sentences, plus noise: real geometry, built in seconds. Questions are real questions with
real vectors. Retrieval (FAISS and BM25) runs for real. Each side builds and serves in its own
process, so peak memory is its own.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class BenchConfig:
    """Every tunable number of the benchmark."""

    queries: int = 200
    top_k: int = 5
    candidates: int = 50  # per side, for both: the retriever's default (Settings)
    min_sentences: int = 3
    max_sentences: int = 7
    noise: float = 0.02
    recall_queries: int = 100
    passes: int = 3  # timed passes over the questions, project and floor interleaved
    # The one-thread floor is a second floor process (7.5 GB at 1M passages): above this, not run.
    one_thread_floor_max_passages: int = 200_000
    passages_per_document: int = 50
    seed: int = 0


_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


def sentence_pool(squad: Path | None) -> tuple[list[str], list[str]]:
    """Real sentences (seeds, and SQuAD paragraphs if the file is there) and real questions."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    questions: list[str] = []
    if squad and squad.is_file():
        data = json.loads(squad.read_text(encoding="utf-8"))["data"]
        for art in data:
            for para in art["paragraphs"]:
                texts.append(para["context"])
                questions.extend(q["question"] for q in para["qas"])
    sentences = []
    for t in texts:
        for block in re.split(r"\n\s*\n", t):
            for s in _SENT.split(" ".join(block.split())):
                if 40 <= len(s) <= 400:
                    sentences.append(s)
    sentences = list(dict.fromkeys(sentences))  # in reading order: runs stay on one topic
    if not questions:  # no SQuAD: questions from sentences' openings
        questions = [" ".join(s.split()[:8]) + "?" for s in sentences[::7]]
    return sentences, questions


def pool_vectors(sentences: list[str], cache: Path, progress: bool = True) -> np.ndarray:
    """Real MiniLM vectors of the pool, cached by the pool's hash."""
    key = hashlib.sha256("\n".join(sentences).encode()).hexdigest()[:16]
    path = cache / f"bench-pool-{key}.npy"
    if path.is_file():
        return np.load(path)
    from rag.store.embed import Embedder

    vecs = Embedder().embed(sentences, batch_size=64, progress=progress)
    cache.mkdir(parents=True, exist_ok=True)
    np.save(path, vecs)
    return vecs


def make_collection(n: int, sentences, vecs, cfg: BenchConfig, folder: Path) -> dict:
    """n passages of real sentences with their vectors, written for the workers."""
    from scipy import sparse

    rng = np.random.default_rng(cfg.seed + n)
    lengths = rng.integers(cfg.min_sentences, cfg.max_sentences + 1, n)
    starts = rng.integers(0, len(sentences) - cfg.max_sentences, n)
    rows = np.repeat(np.arange(n), lengths)
    # Each passage a run of consecutive sentences from one source, as real passages are.
    members = np.repeat(starts, lengths) + (
        np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    )
    m = sparse.csr_matrix((np.ones(len(rows), np.float32), (rows, members)), (n, len(sentences)))
    out = np.asarray(m @ vecs, dtype=np.float32)
    out += cfg.noise * rng.standard_normal(out.shape, dtype=np.float32)
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    np.save(folder / "vectors.npy", out)
    del out
    text_bytes = 0
    with open(folder / "passages.jsonl", "w", encoding="utf-8") as f:
        at = 0
        for i in range(n):
            parts = [sentences[j] for j in members[at : at + lengths[i]]]
            at += lengths[i]
            f.write(json.dumps(parts, ensure_ascii=False) + "\n")
            text_bytes += sum(len(p.encode()) + 1 for p in parts)
    return {"text_mb": text_bytes / 2**20, "vectors_mb": n * vecs.shape[1] * 4 / 2**20}


def _read_passages(folder: Path, cfg: BenchConfig):
    from rag.ingest.chunk import Chunk

    chunks = []
    for i, line in enumerate((folder / "passages.jsonl").open(encoding="utf-8")):
        parts = json.loads(line)
        spans, at = [], 0
        for p in parts:
            spans.append((at, at + len(p)))
            at += len(p) + 1
        doc = f"doc{i // cfg.passages_per_document:06d}.txt"
        chunks.append(Chunk(f"{doc}::{i}", doc, 0, at - 1, " ".join(parts), tuple(spans)))
    return chunks


def _peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: Linux carries ru_maxrss
    over from the parent across fork and exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _percentiles(xs: list[float]) -> tuple[float, float]:
    return float(np.percentile(xs, 50)), float(np.percentile(xs, 95))


def _timed(fn):
    c0, w0 = time.process_time(), time.perf_counter()
    out = fn()
    return out, (time.process_time() - c0) * 1000, (time.perf_counter() - w0) * 1000


# ---- workers (one process each) -------------------------------------------------------------


@dataclass(frozen=True)
class PreEmbedded:
    """What the index needs to know of the embedding model when vectors come ready-made."""

    name: str = "all-MiniLM-L6-v2"
    dim: int = 384
    max_tokens: int = 256


def _store(folder: Path):
    from rag.store.segments import IndexStore

    return IndexStore(folder / "index", PreEmbedded(), 200, 40)


def worker_build(folder: Path, cfg: BenchConfig) -> dict:
    """The project's index: one segment and its manifest, as `rag index` writes them."""
    chunks = _read_passages(folder, cfg)
    vectors = np.load(folder / "vectors.npy")
    store = _store(folder)
    c0, t0 = time.process_time(), time.perf_counter()
    snap = store.write_passages(chunks, vectors, {c.doc: c.doc for c in chunks})
    seconds = time.perf_counter() - t0
    size = sum(p.stat().st_size for p in store.dir.rglob("*") if p.is_file())
    return {
        "build_s": seconds,
        "build_cpu_s": time.process_time() - c0,
        "build_passages_per_s": len(chunks) / seconds,
        "index_disk_mb": size / 2**20,
        "kind": snap.segments[0].kind,
    }


def _serve_questions(search, folder: Path) -> None:
    """Answer the questions as the parent asks: a line with a question's number in, a line
    with its CPU and wall milliseconds out (marked: libraries may print too), until "end"."""
    queries = json.loads((folder / "queries.json").read_text())
    qvecs = np.load(folder / "query_vectors.npy")
    for q, v in zip(queries, qvecs, strict=True):  # warm: first touches of the index's pages
        search(q, v)
    print(_MARK + json.dumps({"ready": True, "peak_rss_mb": _peak_rss_mb()}), flush=True)
    for line in sys.stdin:
        if line.strip() == "end":
            break
        i = int(line)
        _, c, w = _timed(lambda i=i: search(queries[i], qvecs[i]))
        print(f"{_MARK}{c} {w}", flush=True)


_MARK = "@bench "


def worker_serve(folder: Path, cfg: BenchConfig) -> dict:
    """Load the project's index from disk (checksums verified), answer the questions the
    parent sends (in turn with the floor's process), then measure recall."""
    from rag.retrieve import Retriever

    store = _store(folder)
    snap, _, load_ms = _timed(store.load)
    retriever = Retriever(lambda: snap, None, cfg.top_k, candidates=cfg.candidates)
    _serve_questions(lambda q, v: retriever.search(snap, q, v[None, :]), folder)
    qvecs = np.load(folder / "query_vectors.npy")
    recall = None
    seg = snap.segments[0]
    if seg.kind == "ivf":
        hits = 0
        for v in qvecs[: cfg.recall_queries]:
            exact = set(np.argpartition(-(seg.vectors @ v), 10)[:10].tolist())
            found = {k[1] for k, _ in snap.dense(v[None, :], 10)}
            hits += len(exact & found)
        recall = hits / (10 * min(cfg.recall_queries, len(qvecs)))
    return {"load_s": load_ms / 1000, "recall_at_10": recall}


def _floor(folder: Path, cfg: BenchConfig):
    """The floor built over the passages: (search function, passages, build s, build CPU s)."""
    import bm25s

    from rag.store.segment import IndexConfig, dense_index

    texts = [" ".join(json.loads(line)) for line in (folder / "passages.jsonl").open()]
    vectors = np.load(folder / "vectors.npy")
    c0, t0 = time.process_time(), time.perf_counter()
    index = dense_index(vectors, IndexConfig())
    tokens = bm25s.tokenize(texts, stopwords="en", show_progress=False)
    bm25 = bm25s.BM25(method="lucene", k1=1.2, b=0.75)
    bm25.index(tokens, show_progress=False)
    build_s = time.perf_counter() - t0
    build_cpu = time.process_time() - c0
    del vectors, tokens
    vocab = bm25.vocab_dict
    k, pool = cfg.top_k, cfg.candidates

    def one(q, v):
        _, ids = index.search(v[None, :], pool)
        qtok = bm25s.tokenize([q], stopwords="en", show_progress=False, return_ids=False)[0]
        qids = [vocab[t] for t in qtok if t in vocab]
        lexical = []
        if qids:
            scores = bm25.get_scores(qids)
            top = np.argpartition(-scores, pool)[:pool]
            lexical = [int(i) for i in top[np.argsort(-scores[top])] if scores[i] > 0]
        fused: dict[int, float] = {}
        for ranking in (ids[0].tolist(), lexical):
            for r, i in enumerate(ranking):
                fused[i] = fused.get(i, 0.0) + 1 / (61 + r)
        return [texts[i] for i in sorted(fused, key=lambda i: -fused[i])[:k]]

    return one, len(texts), build_s, build_cpu


def machine() -> dict:
    """Cores this process may use and the load average: CPU times on a shared machine grow
    with the load (FAISS's and BLAS's threads spin while waiting for a core)."""
    return {
        "cores": len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }


def worker_floor(folder: Path, cfg: BenchConfig) -> dict:
    """The floor (FAISS of the same kind + bm25s + reciprocal-rank fusion): its build, then
    the questions the parent sends (in turn with the project's process)."""
    floor, n, build_s, build_cpu = _floor(folder, cfg)
    _serve_questions(floor, folder)
    return {"build_s": build_s, "build_cpu_s": build_cpu, "build_passages_per_s": n / build_s}


def _interleaved(folder: Path, cfg: BenchConfig, n_passages: int) -> tuple[dict, dict]:
    """Project and floor, each in its own process (its memory and its threads its own),
    answering every question in turn, `cfg.passes` times: both see the same load on a
    shared machine. Returns each side's figures and the machine's."""
    # The floor twice: with FAISS's default threads, and with one (OMP_NUM_THREADS=1), which
    # spends far less CPU per question on a busy machine. Ratios are to the better of the two.
    sides = {"serve": {}, "floor": {}, "floor1": {"OMP_NUM_THREADS": "1"}}
    n = len(json.loads((folder / "queries.json").read_text()))
    if n_passages > cfg.one_thread_floor_max_passages:
        del sides["floor1"]
    procs = {
        name: subprocess.Popen(
            [
                sys.executable,
                "-m",
                "rag.evaluation.bench",
                "floor" if name == "floor1" else name,
                str(folder),
                json.dumps(asdict(cfg)),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "TOKENIZERS_PARALLELISM": "false", **extra},
        )
        for name, extra in sides.items()
    }

    def reply(name):
        proc = procs[name]
        for line in proc.stdout:
            if line.startswith(_MARK):
                return line[len(_MARK) :]
        raise RuntimeError(f"bench worker {name} failed:\n{proc.stderr.read()[-3000:]}")

    try:
        ready = {name: json.loads(reply(name)) for name in procs}
        before = machine()
        times = {name: ([], []) for name in procs}
        for p in range(cfg.passes):
            for i in range(n):
                # Rotate which side goes first: none always runs right after another.
                names = list(procs)
                first = (i + p) % len(names)
                for name in names[first:] + names[:first]:
                    procs[name].stdin.write(f"{i}\n")
                    procs[name].stdin.flush()
                    c, w = map(float, reply(name).split())
                    times[name][0].append(c)
                    times[name][1].append(w)
        after = machine()
        out = {}
        for name, proc in procs.items():
            proc.stdin.write("end\n")
            proc.stdin.flush()
            out[name] = {
                **json.loads(reply(name)),
                "peak_rss_mb": ready[name]["peak_rss_mb"],
                "retrieval_cpu_ms": _percentiles(times[name][0]),
                "retrieval_wall_ms": _percentiles(times[name][1]),
            }
            proc.wait()
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
    machine_now = {
        "cores": before["cores"],
        "load_avg_1m": [before["load_avg_1m"], after["load_avg_1m"]],
    }
    one = out.get("floor1", {})
    return out["serve"], {
        **out["floor"],
        **machine_now,
        "one_thread_cpu_ms": one.get("retrieval_cpu_ms"),
        "one_thread_wall_ms": one.get("retrieval_wall_ms"),
    }


def worker_add(folder: Path, cfg: BenchConfig) -> dict:
    """Add one real document (embedded for real) to the built index, the store warm as in
    the running app; report the time and what was written."""
    from rag.ingest.documents import Document, file_sha256
    from rag.store.embed import Embedder
    from rag.store.segments import IndexStore

    store = IndexStore(folder / "index", Embedder(), 200, 40)
    t0 = time.perf_counter()
    snap = store.current()  # a cold start: every segment read and its checksums verified
    reopen = time.perf_counter() - t0
    docs = [Document(n, "", m["sha256"]) for n, m in snap.documents.items()]
    unchanged = store.update(docs)  # `rag index` with nothing new, its folder already listed
    text = (ROOT / "seeds" / "002_aa3b978d13dcf21e.txt").read_text(encoding="utf-8")
    new = Document("new-document.txt", text, file_sha256(text.encode()))
    before = {p.name for p in store.dir.iterdir()}
    report = store.update([*docs, new])
    written = sum(
        p.stat().st_size
        for name in {p.name for p in store.dir.iterdir()} - before
        for p in (store.dir / name).rglob("*")
        if p.is_file()
    )
    return {
        "open_s": reopen,
        "unchanged_update_s": unchanged.seconds,
        "add_one_document_s": report.seconds,
        "add_embedded_passages": report.embedded_chunks,
        "add_written_mb": written / 2**20,
    }


WORKERS = {
    "build": worker_build,
    "serve": worker_serve,
    "floor": worker_floor,
    "add": worker_add,
    "ingest": lambda folder, cfg: _ingest_worker(folder, cfg),
}


def _ingest_worker(folder: Path, cfg: BenchConfig) -> dict:
    from rag.evaluation.ingest_bench import worker_ingest

    return worker_ingest(folder, cfg)


def _run_worker(kind: str, folder: Path, cfg: BenchConfig) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "rag.evaluation.bench", kind, str(folder), json.dumps(asdict(cfg))],
        capture_output=True,
        text=True,
        env={**os.environ, "TOKENIZERS_PARALLELISM": "false"},
    )
    if out.returncode != 0:
        raise RuntimeError(f"bench worker {kind} failed:\n{out.stderr[-3000:]}")
    last = [line for line in out.stdout.splitlines() if line.startswith(_MARK)][-1]
    return json.loads(last[len(_MARK) :])


def real_recall(vecs: np.ndarray, queries: np.ndarray, cfg: BenchConfig) -> float:
    """recall@10 of the IVF index (as the project builds it) against exact search, on real
    MiniLM vectors of the sentence pool."""
    from rag.store.segment import IndexConfig, dense_index

    config = IndexConfig(flat_max_passages=1000)
    index = dense_index(vecs, config)
    _, found = index.search(queries, 10)
    exact = np.argsort(-(queries @ vecs.T), axis=1)[:, :10]
    return float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(exact, found, strict=True)]))


def run(
    sizes: list[int],
    cfg: BenchConfig,
    squad: Path | None,
    cache: Path,
    add: bool,
    log,
    progress=True,
):
    from rag.store.embed import Embedder

    sentences, questions = sentence_pool(squad)
    log(f"pool: {len(sentences)} real sentences, {len(questions)} questions")
    vecs = pool_vectors(sentences, cache, progress)
    rng = np.random.default_rng(cfg.seed)
    many = min(cfg.queries, len(questions))
    picked = [questions[i] for i in rng.choice(len(questions), many, replace=False)]
    qvecs = Embedder().embed(picked)
    results = []
    recall_real = real_recall(vecs, qvecs[: cfg.recall_queries], cfg)
    log(f"IVF recall@10 against flat on {len(vecs)} real MiniLM vectors: {recall_real:.3f}")
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix=f"rag-bench-{n}-") as tmp:
            folder = Path(tmp)
            sizes_mb = make_collection(n, sentences, vecs, cfg, folder)
            (folder / "queries.json").write_text(json.dumps(picked))
            np.save(folder / "query_vectors.npy", qvecs)
            log(f"{n} passages: building")
            build = _run_worker("build", folder, cfg)
            log(f"{n} passages: floor building; project and floor answering in turn")
            serve, floor = _interleaved(folder, cfg, n)
            added = _run_worker("add", folder, cfg) if add else {}
        row = {
            "passages": n,
            "index_kind": build["kind"],
            "build_passages_per_s": round(build["build_passages_per_s"], 1),
            "floor_build_passages_per_s": round(floor["build_passages_per_s"], 1),
            "build_cpu_s": round(build["build_cpu_s"], 2),
            "floor_build_cpu_s": round(floor["build_cpu_s"], 2),
            "retrieval_cpu_ms_p50": round(serve["retrieval_cpu_ms"][0], 3),
            "retrieval_cpu_ms_p95": round(serve["retrieval_cpu_ms"][1], 3),
            "retrieval_wall_ms_p50": round(serve["retrieval_wall_ms"][0], 3),
            "retrieval_wall_ms_p95": round(serve["retrieval_wall_ms"][1], 3),
            "floor_cpu_ms_p50": round(floor["retrieval_cpu_ms"][0], 3),
            "floor_cpu_ms_p95": round(floor["retrieval_cpu_ms"][1], 3),
            "floor_wall_ms_p50": round(floor["retrieval_wall_ms"][0], 3),
            "floor_wall_ms_p95": round(floor["retrieval_wall_ms"][1], 3),
            **(
                {
                    "floor_1thread_cpu_ms_p50": round(floor["one_thread_cpu_ms"][0], 3),
                    "floor_1thread_cpu_ms_p95": round(floor["one_thread_cpu_ms"][1], 3),
                    "floor_1thread_wall_ms_p50": round(floor["one_thread_wall_ms"][0], 3),
                    "floor_1thread_wall_ms_p95": round(floor["one_thread_wall_ms"][1], 3),
                }
                if floor["one_thread_cpu_ms"]
                else {}
            ),
            "recall_at_10": None
            if serve["recall_at_10"] is None
            else round(serve["recall_at_10"], 4),
            "recall_at_10_real_vectors": round(recall_real, 4),
            "peak_rss_mb": round(serve["peak_rss_mb"], 1),
            "floor_peak_rss_mb": round(floor["peak_rss_mb"], 1),
            "vectors_plus_text_mb": round(sizes_mb["vectors_mb"] + sizes_mb["text_mb"], 1),
            "index_disk_mb": round(build["index_disk_mb"], 1),
            "load_s": round(serve["load_s"], 2),
            "cores": floor["cores"],
            "load_avg_1m": floor["load_avg_1m"],
            **{k: round(v, 3) if isinstance(v, float) else v for k, v in added.items()},
        }
        results.append(row)
        yield row


def format_row(r: dict) -> str:
    one = "floor_1thread_cpu_ms_p50" in r
    best50 = min(r["floor_cpu_ms_p50"], r.get("floor_1thread_cpu_ms_p50", np.inf))
    best95 = min(r["floor_cpu_ms_p95"], r.get("floor_1thread_cpu_ms_p95", np.inf))
    ratio = r["retrieval_cpu_ms_p50"] / max(1e-9, best50)
    ratio95 = r["retrieval_cpu_ms_p95"] / max(1e-9, best95)
    load = r["load_avg_1m"]
    lines = [
        f"{r['passages']:,} passages ({r['index_kind']} index); {r['cores']} cores, load average"
        f" {load[0]:.2f} before timing, {load[1]:.2f} after",
        f"  build        {r['build_passages_per_s']:>10,.0f} passages/s   floor {r['floor_build_passages_per_s']:,.0f}",
        "  retrieval    CPU p50 / p95 ms     wall p50 / p95 ms   (in turn, one run)",
        f"    project      {r['retrieval_cpu_ms_p50']:6.2f} / {r['retrieval_cpu_ms_p95']:6.2f}"
        f"     {r['retrieval_wall_ms_p50']:6.2f} / {r['retrieval_wall_ms_p95']:6.2f}",
        f"    floor        {r['floor_cpu_ms_p50']:6.2f} / {r['floor_cpu_ms_p95']:6.2f}"
        f"     {r['floor_wall_ms_p50']:6.2f} / {r['floor_wall_ms_p95']:6.2f}",
        *(
            [
                f"    floor, 1 thr {r['floor_1thread_cpu_ms_p50']:6.2f} / {r['floor_1thread_cpu_ms_p95']:6.2f}"
                f"     {r['floor_1thread_wall_ms_p50']:6.2f} / {r['floor_1thread_wall_ms_p95']:6.2f}"
            ]
            if one
            else []
        ),
        f"    project / {'better ' if one else ''}floor, CPU: {ratio:.2f}x p50, {ratio95:.2f}x p95",
        f"  memory       peak RSS {r['peak_rss_mb']:,.0f} MB serving   floor {r['floor_peak_rss_mb']:,.0f} MB"
        f"   vectors + text {r['vectors_plus_text_mb']:,.0f} MB",
        f"  disk         {r['index_disk_mb']:,.0f} MB   load {r['load_s']:.2f} s",
    ]
    if r.get("recall_at_10") is not None:
        lines.append(f"  recall@10    {r['recall_at_10']:.3f} against flat (synthetic vectors)")
    if "add_one_document_s" in r:
        lines.append(
            f"  add one doc  {r['add_one_document_s']:.2f} s ({r['add_embedded_passages']} passages"
            f" embedded, {r['add_written_mb']:.2f} MB written); open cold {r['open_s']:.2f} s,"
            f" update with nothing new {r['unchanged_update_s']:.2f} s"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    kind, folder, cfg_json = sys.argv[1:4]
    result = WORKERS[kind](Path(folder), BenchConfig(**json.loads(cfg_json)))
    print(_MARK + json.dumps(result), flush=True)
