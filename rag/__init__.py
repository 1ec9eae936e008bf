"""Offline retrieval-augmented question answering with verifiable citations.

Packages by job: `rag.ingest` (files to text and passages), `rag.store` (embedding, the FAISS
segment store, BM25, Milvus), `rag.answer` (the answerers, the reader, citations, abstention),
`rag.pipeline` (question to answer, `rag.result` its shape), `rag.evaluation` and `rag.training` (never imported by the
runtime). The names below load on first use, so `from rag.errors import ...` loads no faiss.
"""

import importlib as _importlib
import os as _os

# Offline mode is applied by the entry points from the settings (settings.apply_offline_policy);
# every loader also passes local_files_only unless downloads are allowed.
_os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# OpenMP threads (torch's, FAISS's) that wait for work sleep rather than spin: on a shared
# machine the spinning cost a question's encoding 30x its CPU time (issue 27, docs/benchmarks.md).
# Read when the OpenMP runtime loads, so before torch or faiss is imported.
_os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

_EXPORTS = {
    "RAG": "rag.pipeline",
    "Answer": "rag.result",
    "ShortAnswer": "rag.answer.base",
    "BadQuestion": "rag.errors",
    "ConfigError": "rag.errors",
    "DocumentNotFound": "rag.errors",
    "GeneratorUnavailable": "rag.errors",
    "GoldFormatError": "rag.errors",
    "IndexCorrupt": "rag.errors",
    "IngestError": "rag.errors",
    "RagError": "rag.errors",
    "UploadRejected": "rag.errors",
    "Chunk": "rag.ingest.chunk",
    "chunk_document": "rag.ingest.chunk",
    "split_sentences": "rag.ingest.chunk",
    "Document": "rag.ingest.documents",
    "load_documents": "rag.ingest.documents",
    "Citation": "rag.answer.cite",
    "Embedder": "rag.store.embed",
    "ExtractiveGenerator": "rag.answer.extractive",
    "GENERATORS": "rag.answer.registry",
    "Generator": "rag.answer.drafting",
    "InstructGenerator": "rag.answer.generative",
    "ReaderGenerator": "rag.answer.reading",
    "Seq2SeqGenerator": "rag.answer.generative",
    "build_prompt": "rag.answer.generative",
    "load_generator": "rag.answer.registry",
    "IndexSnapshot": "rag.store.snapshot",
    "IndexStore": "rag.store.segments",
    "UpdateReport": "rag.store.base",
    "Reader": "rag.answer.reader",
    "Passage": "rag.retrieve",
    "Retriever": "rag.retrieve",
    "rewrite": "rag.followup",
    "Settings": "rag.settings",
    "apply_offline_policy": "rag.settings",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    # PEP 562: import the defining module on first access only.
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'rag' has no attribute {name!r}")
    value = getattr(_importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS))
