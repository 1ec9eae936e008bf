import os
import subprocess
import sys
from pathlib import Path

import pytest

from rag import (
    GENERATORS,
    ExtractiveGenerator,
    GeneratorUnavailable,
    InstructGenerator,
    ReaderGenerator,
    Seq2SeqGenerator,
    Settings,
    build_prompt,
    load_generator,
)
from rag import settings as settings_module
from rag.answer.registry import CHAIN
from rag.store.embed import resolve_embedding_model

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
    tok.model_max_length = 512  # flan-t5's window
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


def test_seq2seq_prompt_keeps_the_question_inside_a_512_token_window(tiny_t5, seeds_rag):
    gen = Seq2SeqGenerator(str(tiny_t5))
    gen.warm_up()
    assert gen.max_input_tokens == 512
    q = "How many Russian enterprises took part in the 6th Sino-Russian EXPO?"
    passages = seeds_rag.retriever.run(q, 5)
    # Cut by characters, the five passages overflow the window: the old bug's situation.
    assert len(gen.tokenizer(build_prompt(q, passages))["input_ids"]) > 512
    prompt = gen.prompt(q, passages)
    assert len(gen.tokenizer(prompt)["input_ids"]) <= 512
    assert prompt.endswith(f"Question: {q}\nAnswer:")
    assert "[1] " in prompt and "137 enterprises" in prompt  # the best passage is kept
    # A question longer than the window keeps the whole question, with no passage at all.
    long_q = "Which " + "very " * 600 + "long question?"
    prompt = build_prompt(long_q, passages, lambda t: len(gen.tokenizer(t)["input_ids"]), 512)
    assert prompt.endswith(f"Question: {long_q}\nAnswer:") and "[1]" not in prompt


def test_allow_download_flag_reaches_the_loaders(monkeypatch):
    import huggingface_hub.constants as hub

    from rag.cli import build_parser, settings_from_args

    monkeypatch.setattr(hub, "HF_HUB_OFFLINE", hub.HF_HUB_OFFLINE)  # restored afterwards
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        monkeypatch.delenv(var, raising=False)
    s = settings_from_args(build_parser().parse_args(["ask", "q", "--allow-download"]))
    assert s.allow_download and os.environ["HF_HUB_OFFLINE"] == "0" and not hub.HF_HUB_OFFLINE
    assert Seq2SeqGenerator.from_settings(s, None).allow_download
    assert ReaderGenerator.from_settings(s, None).reader.allow_download
    s = settings_from_args(build_parser().parse_args(["ask", "q"]))
    assert not s.allow_download and os.environ["HF_HUB_OFFLINE"] == "1" and hub.HF_HUB_OFFLINE
    assert not ReaderGenerator.from_settings(s, None).reader.allow_download


def test_importing_rag_does_not_decide_the_offline_policy():
    code = "import os, rag; print(os.environ.get('HF_HUB_OFFLINE'))"
    env = {k: v for k, v in os.environ.items() if "OFFLINE" not in k}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "None", out.stderr


def test_missing_seq2seq_model_falls_back_to_the_reader_and_says_why(tmp_path, embedder):
    settings = Settings(
        generator="seq2seq",
        generator_model=str(tmp_path / "no-such-model"),
        cache_dir=tmp_path / "cache",
    )
    gen, failures = load_generator("seq2seq", settings, embedder)
    assert isinstance(gen, ReaderGenerator) and gen.name == "reader"
    assert len(failures) == 1 and "no-such-model" in failures[0]
    with pytest.raises(GeneratorUnavailable, match="no-such-model"):
        Seq2SeqGenerator(str(tmp_path / "no-such-model")).warm_up()


def test_missing_reader_falls_back_to_the_sentence_picker(tmp_path, embedder):
    settings = Settings(reader_model=str(tmp_path / "no-reader"), cache_dir=tmp_path / "cache")
    gen, failures = load_generator("reader", settings, embedder)
    assert isinstance(gen, ExtractiveGenerator)
    assert "no-reader" in failures[0] and "downloads are off" in failures[0]


def test_auto_order_and_registry_match_the_settings():
    assert CHAIN == ("seq2seq", "reader", "extractive", "instruct")
    assert set(GENERATORS) == set(settings_module.GENERATORS) - {"auto"}


def test_hub_id_is_not_downloaded_when_downloads_are_off():
    with pytest.raises(GeneratorUnavailable, match="downloads are off"):
        Seq2SeqGenerator("google/flan-t5-base", allow_download=False).warm_up()


def test_result_names_the_generator_actually_used(make_rag, seeds_dir, tmp_path):
    rag = make_rag(seeds_dir)
    answer = rag.ask("Where was the 6th Sino-Russian EXPO held?")
    assert answer.generator == "extractive"
    assert answer.to_dict()["generator"] == "extractive"


@pytest.mark.slow
def test_embedded_instruct_model_answers_with_a_valid_citation(tmp_path_factory, seeds_rag):
    cache = tmp_path_factory.mktemp("model-cache")
    gen = InstructGenerator(cache)
    assert not (cache / "smollm2-135m-instruct").exists()  # nothing loads in __init__
    gen.warm_up()
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
