"""Offline retrieval-augmented question answering with verifiable citations."""

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
    "RAG", "Answer", "BadQuestion", "Chunk", "Citation", "ConfigError", "Document", "Embedder",
    "ExtractiveGenerator", "Generator", "GeneratorUnavailable", "GoldFormatError", "IndexCorrupt",
    "IndexSnapshot", "IndexStore", "IngestError", "InstructGenerator", "Passage", "RagError",
    "Retriever", "Seq2SeqGenerator", "Settings", "UpdateReport", "UploadRejected",
    "build_prompt", "chunk_document", "contextualize", "load_documents", "load_generator",
    "split_sentences",
]
