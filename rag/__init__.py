"""Offline retrieval-augmented question answering with verifiable citations."""

import os as _os

# Offline mode is applied by the entry points from the settings (settings.apply_offline_policy);
# every loader also passes local_files_only unless downloads are allowed.
_os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from .chunk import Chunk, chunk_document, split_sentences
from .cite import Citation
from .embed import Embedder
from .errors import (
    BadQuestion,
    ConfigError,
    DocumentNotFound,
    GeneratorUnavailable,
    GoldFormatError,
    IndexCorrupt,
    IngestError,
    RagError,
    UploadRejected,
)
from .extractive import ExtractiveGenerator
from .followup import rewrite
from .generate import (
    GENERATORS,
    Generator,
    InstructGenerator,
    ReaderGenerator,
    Seq2SeqGenerator,
    build_prompt,
    load_generator,
)
from .index import IndexSnapshot, IndexStore, UpdateReport
from .ingest import Document, load_documents
from .pipeline import RAG, Answer, ShortAnswer
from .reader import Reader
from .retrieve import Passage, Retriever
from .settings import Settings, apply_offline_policy

__all__ = [
    "RAG",
    "Answer",
    "BadQuestion",
    "Chunk",
    "Citation",
    "ConfigError",
    "DocumentNotFound",
    "Document",
    "Embedder",
    "ExtractiveGenerator",
    "Generator",
    "GENERATORS",
    "GeneratorUnavailable",
    "GoldFormatError",
    "IndexCorrupt",
    "IndexSnapshot",
    "IndexStore",
    "IngestError",
    "InstructGenerator",
    "Passage",
    "Reader",
    "ReaderGenerator",
    "RagError",
    "Retriever",
    "Seq2SeqGenerator",
    "Settings",
    "ShortAnswer",
    "UpdateReport",
    "UploadRejected",
    "apply_offline_policy",
    "build_prompt",
    "chunk_document",
    "rewrite",
    "load_documents",
    "load_generator",
    "split_sentences",
]
