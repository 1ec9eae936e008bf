"""Shared fixtures: the real embedding model (loaded once), seed copies and a tiny corpus."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rag import RAG, Embedder, ExtractiveGenerator, Settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
EXPO = "002_aa3b978d13dcf21e.txt"

# A tiny corpus whose ids and spans the tests assert exactly.
TINY = {
    "alpha.txt": "Harbin hosted the 6th EXPO. It ran from June 15 to 19.\n\nThe U.S. was not a guest.",
    "beta.md": "# Trade\n\nIn 2018, China-Russia trade exceeded $ 100 billion. Project No. 11JJDGJW0004 funded it.",
}


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return Embedder("all-MiniLM-L6-v2")


@pytest.fixture
def seeds_dir(tmp_path) -> Path:
    """A private copy of the seed documents, safe to add to or change."""
    target = tmp_path / "docs"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture
def tiny_dir(tmp_path) -> Path:
    target = tmp_path / "tiny"
    target.mkdir()
    for name, text in TINY.items():
        (target / name).write_text(text, encoding="utf-8")
    return target


def build_rag(docs: Path, base: Path, embedder, generator=None, **settings) -> RAG:
    """A RAG over `docs`, its index and caches under `base`, extractive unless told."""
    s = Settings(
        documents_dir=docs,
        index_dir=base / "index",
        cache_dir=base / "cache",
        generator="extractive",
        **settings,
    )
    generator = generator or ExtractiveGenerator(embedder, min_score=s.min_answer_score)
    rag = RAG(s, embedder=embedder, generator=generator)
    rag.refresh()
    return rag


def rag_over(base: Path, files: dict[str, str], embedder, generator=None, **settings) -> RAG:
    """A RAG over a folder `base/docs` holding `files` (name -> text), built as `build_rag`."""
    docs = base / "docs"
    docs.mkdir()
    for name, text in files.items():
        (docs / name).write_text(text, encoding="utf-8")
    return build_rag(docs, base, embedder, generator, **settings)


@pytest.fixture
def make_rag(tmp_path, embedder):
    """Build a RAG over a folder with the extractive generator (or the one given)."""

    def make(docs: Path, generator=None, **settings) -> RAG:
        return build_rag(docs, tmp_path, embedder, generator, **settings)

    return make


@pytest.fixture(scope="session")
def seeds_rag(tmp_path_factory, embedder) -> RAG:
    """One read-only RAG over the seeds, shared by tests that only ask questions."""
    return build_rag(SEEDS, tmp_path_factory.mktemp("seeds_rag"), embedder)


def add_files(rag: RAG, files, progress=None):
    """Store uploads, then index what is new, as the app does: (stored, rejected, report)."""
    stored, rejected = rag.store_files(list(files))
    report = rag.refresh(progress) if any(x.status == "added" for x in stored) else None
    return stored, rejected, report
