"""Where passages live: embedding, the FAISS segment store, BM25, Milvus.

`open_store` is the one place that picks a backend; everything else sees `Store`/`Snapshot`
(`rag.store.base`), so a third backend has one protocol to satisfy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rag.settings import Settings
    from rag.store.base import Store
    from rag.store.embed import Embedder


def open_store(settings: Settings, embedder: Embedder) -> Store:
    """The store `settings.store` names ("faiss" or "milvus"), opened lazily."""
    if settings.store == "milvus":
        from rag.store.milvus import MilvusStore

        return MilvusStore(
            settings.milvus_uri or str(settings.index_dir / "milvus.db"),
            embedder,
            settings.chunk_tokens,
            settings.chunk_overlap_tokens,
            settings.milvus_collection,
        )
    from rag.store.segments import IndexStore

    return IndexStore(
        settings.index_dir,
        embedder,
        settings.chunk_tokens,
        settings.chunk_overlap_tokens,
        settings.index_config,
    )
