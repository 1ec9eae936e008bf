"""Offline retrieval-augmented question answering with verifiable citations."""

import os as _os

# Nothing may reach a model hub behind the user's back: offline unless downloads are allowed.
if _os.environ.get("RAG_ALLOW_DOWNLOAD", "").strip().lower() not in ("1", "true", "yes", "on"):
    _os.environ.setdefault("HF_HUB_OFFLINE", "1")
    _os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
_os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from .chunk import Chunk, chunk_document, split_sentences
from .embed import Embedder
from .errors import (
    BadQuestion,
    ConfigError,
    GeneratorUnavailable,
    GoldFormatError,
    IndexCorrupt,
    IngestError,
    RagError,
    UploadRejected,
)
from .generate import (
    ExtractiveGenerator,
    Generator,
    InstructGenerator,
    Seq2SeqGenerator,
    build_prompt,
    load_generator,
)
from .index import IndexSnapshot, IndexStore, UpdateReport
from .ingest import Document, load_documents
from .pipeline import RAG, Answer, Citation, contextualize
from .retrieve import Passage, Retriever
from .settings import Settings

__all__ = [
    "RAG",
    "Answer",
    "BadQuestion",
    "Chunk",
    "Citation",
    "ConfigError",
    "Document",
    "Embedder",
    "ExtractiveGenerator",
    "Generator",
    "GeneratorUnavailable",
    "GoldFormatError",
    "IndexCorrupt",
    "IndexSnapshot",
    "IndexStore",
    "IngestError",
    "InstructGenerator",
    "Passage",
    "RagError",
    "Retriever",
    "Seq2SeqGenerator",
    "Settings",
    "UpdateReport",
    "UploadRejected",
    "build_prompt",
    "chunk_document",
    "contextualize",
    "load_documents",
    "load_generator",
    "split_sentences",
]
