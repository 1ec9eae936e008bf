from pathlib import Path

import pytest

from rag import (
    ExtractiveGenerator,
    GeneratorUnavailable,
    InstructGenerator,
    Seq2SeqGenerator,
    Settings,
    load_generator,
)
from rag.embed import resolve_embedding_model

from .conftest import EXPO, SEEDS


@pytest.fixture(scope="module")
def tiny_t5(tmp_path_factory) -> Path:
    """A random-weight T5 with MiniLM's word-piece tokenizer, saved like any local model."""
    import torch
    from transformers import AutoTokenizer, T5Config, T5ForConditionalGeneration

    torch.manual_seed(0)  # random weights, but the same ones every run
    folder = tmp_path_factory.mktemp("tiny-t5")
    tok = AutoTokenizer.from_pretrained(resolve_embedding_model("all-MiniLM-L6-v2"))
    config = T5Config(
        vocab_size=len(tok),
        d_model=32,
        d_ff=64,
        d_kv=8,
        num_layers=1,
        num_decoder_layers=1,
        num_heads=2,
        pad_token_id=tok.pad_token_id,
        eos_token_id=tok.sep_token_id,
        decoder_start_token_id=tok.pad_token_id,
    )
    T5ForConditionalGeneration(config).save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


def check_citations(answer):
    """Every citation resolves to a retrieved passage and quotes the document at its span."""
    retrieved = {p.chunk.chunk_id: p.chunk for p in answer.passages}
    for c in answer.citations:
        chunk = retrieved[c.chunk_id]
        assert chunk.doc == c.doc
        assert chunk.start <= c.start < c.end <= chunk.end
        text = (SEEDS / c.doc).read_text(encoding="utf-8")
        assert text[c.start : c.end] == c.quote
        assert f"[{c.n}]" in answer.answer


def test_seq2seq_path_runs_end_to_end_on_a_tiny_t5(tiny_t5, seeds_rag):
    gen = Seq2SeqGenerator(str(tiny_t5), max_new_tokens=12)
    assert gen.name == f"seq2seq:{tiny_t5}"
    passages = seeds_rag.retriever.run("Where was the 6th Sino-Russian EXPO held?")
    draft = gen.generate("Where was the 6th Sino-Russian EXPO held?", passages)
    assert isinstance(draft, str) and draft.strip()
    pieces = list(gen.stream("Where was the EXPO?", passages))
    assert len(pieces) >= 1

    seeds_rag.generator, saved = gen, seeds_rag.generator
    try:
        answer = seeds_rag.ask("Where was the 6th Sino-Russian EXPO held?")
    finally:
        seeds_rag.generator = saved
    assert answer.generator == gen.name
    # Random weights write nonsense: it must be dropped, never cited.
    assert answer.abstained or answer.citations
    check_citations(answer)


def test_missing_seq2seq_model_falls_back_and_says_why(tmp_path, embedder):
    settings = Settings(
        generator="seq2seq",
        generator_model=str(tmp_path / "no-such-model"),
        cache_dir=tmp_path / "cache",
    )
    gen, failures = load_generator("seq2seq", settings, embedder)
    assert isinstance(gen, ExtractiveGenerator)
    assert len(failures) == 1 and "no-such-model" in failures[0]
    with pytest.raises(GeneratorUnavailable, match="no-such-model"):
        Seq2SeqGenerator(str(tmp_path / "no-such-model"))


def test_hub_id_is_not_downloaded_when_downloads_are_off():
    with pytest.raises(GeneratorUnavailable, match="downloads are off"):
        Seq2SeqGenerator("google/flan-t5-base", allow_download=False)


def test_result_names_the_generator_actually_used(make_rag, seeds_dir, tmp_path):
    rag = make_rag(seeds_dir)
    answer = rag.ask("Where was the 6th Sino-Russian EXPO held?")
    assert answer.generator == "extractive"
    assert answer.to_dict()["generator"] == "extractive"


@pytest.mark.slow
def test_embedded_instruct_model_answers_with_a_valid_citation(tmp_path_factory, seeds_rag):
    cache = tmp_path_factory.mktemp("model-cache")
    gen = InstructGenerator(cache)
    assert (cache / "smollm2-135m-instruct" / "config.json").exists()  # converted once, cached
    seeds_rag.generator, saved = gen, seeds_rag.generator
    try:
        answer = seeds_rag.ask("Where was the 6th Sino-Russian EXPO held?")
    finally:
        seeds_rag.generator = saved
    assert answer.generator == "instruct:SmolLM2-135M-Instruct"
    assert not answer.abstained, answer.to_dict()
    assert answer.citations[0].doc == EXPO
    assert "Harbin" in answer.answer
    check_citations(answer)
