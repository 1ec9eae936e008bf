"""Issue 26 M3 measured at full size: while a 10 MB text is being embedded (default settings,
the real embedder, one process), how long a delete of another indexed document takes to
return, whether its passages stop being searched at once, how long a small upload takes to
become searchable, and how long deleting the large document itself takes to stop the work.

    python research/delete_during_indexing.py /tmp/dir [--mb 10]
"""

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rag import RAG, Settings  # noqa: E402
from rag.background import BackgroundIndexer  # noqa: E402


def big_text(mb: float) -> str:
    parts, size, i = [], 0, 0
    while size < mb * 1024 * 1024:
        s = f"Ledger entry {i} records that crate {i * 7} left warehouse {i % 13} on day {i}.\n\n"
        parts.append(s)
        size += len(s)
        i += 1
    return "".join(parts)


def until(cond, timeout=600.0):
    t0 = time.monotonic()
    while not cond():
        if time.monotonic() - t0 > timeout:
            return None
        time.sleep(0.01)
    return time.monotonic() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", type=Path)
    ap.add_argument("--mb", type=float, default=10.0)
    a = ap.parse_args()
    docs = a.dir / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "old.txt").write_text("The lighthouse keeper of Skarvik is Tomas Brenn.")
    s = Settings(documents_dir=docs, index_dir=a.dir / "index", cache_dir=a.dir / "cache")
    rag = RAG(s)
    rag.refresh()
    (docs / "big.txt").write_text(big_text(a.mb))
    out = {"big_mb": round((docs / "big.txt").stat().st_size / 2**20, 2)}
    indexer = BackgroundIndexer(rag)
    indexer.request()
    until(lambda: indexer.done >= 64)
    out["passages_embedded_before_delete"] = indexer.done

    def docs_now():
        snap = rag.store.current()
        return set(snap.documents) if snap else set()

    t0 = time.monotonic()
    rag.delete_document("old.txt")
    out["delete_other_returns_s"] = round(time.monotonic() - t0, 3)
    hits = rag.retriever.run("Who is the lighthouse keeper of Skarvik?", 5)
    out["deleted_still_searched"] = any(h.chunk.doc == "old.txt" for h in hits)
    t0 = time.monotonic()
    rag.store_files([("small.txt", b"The harbour pilot of Nordvik is Ingrid Vale.")])
    indexer.request()
    took = until(lambda: "small.txt" in docs_now())
    out["small_upload_searchable_s"] = None if took is None else round(took + 0, 2)
    out["big_indexed_when_small_searchable"] = "big.txt" in docs_now()
    t0 = time.monotonic()
    rag.delete_document("big.txt")
    out["delete_big_returns_s"] = round(time.monotonic() - t0, 3)
    indexer.request()
    indexer.wait(600)
    out["big_work_stopped_after_s"] = round(time.monotonic() - t0, 2)
    out["documents_at_end"] = sorted(docs_now())
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
