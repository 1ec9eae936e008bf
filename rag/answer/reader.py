"""The extractive reader: a question-answering model that finds the answer span in passages.

One source of truth for how a question and a passage become model input (`encode`) and how
start/end logits become a character span (`best_span`); training (`rag.training.train_reader`) and
answering both use them. The model is any `AutoModelForQuestionAnswering` by folder (the
project ships one trained on SQuAD 2.0 questions, see `rag/models/`) or hub id.

The "no answer" score follows the SQuAD 2.0 convention of BERT (Devlin et al. 2019): the
[CLS] position's start + end logits; `margin = best span score - null score`.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from rag.answer.spans import has_figure
from rag.errors import GeneratorUnavailable

log = logging.getLogger(__name__)

SHIPPED_READER = Path(__file__).parent.parent / "models" / "minilm-squad2-reader"
READER_MAX_TOKENS = 320  # question + passage word pieces per window
READER_STRIDE = 96  # tokens shared by consecutive windows of one long passage
MAX_ANSWER_TOKENS = 30
MAX_QUESTION_TOKENS = 64


def resolve_reader_model(name: str) -> str:
    """ "shipped" (or "") -> the folder inside the package; anything else is passed on."""
    if name in ("", "shipped"):
        return str(SHIPPED_READER)
    return str(Path(name).expanduser()) if Path(name).expanduser().is_dir() else name


# Markup a plain-text file may carry (markdown headings and emphasis, HTML tags such as
# <sup>1</sup>). The reader was trained on prose without it and otherwise answers with it
# ("sup>1</sup").
_MARKUP = re.compile(
    r"</?(?:a|b|i|u|s|em|strong|sup|sub|small|mark|code|span|font|br|p|div|h[1-6]|li|ul|ol"
    r"|hr|img|blockquote|table|tr|td|th)\b[^<>\n]*>"  # an HTML tag (not "<Uyless Black, 1991>")
    r"|^[ \t]{0,3}#{1,6}(?=[ \t])"  # a markdown heading's hashes
    r"|(?P<stars>\*{1,3})(?=[^\s*])[^*\n]*?[^\s*](?P=stars)",  # *emphasis*, not "grade II*"
    re.M | re.I,
)


def _blank(m: re.Match) -> str:
    if not m.group("stars"):
        return " " * len(m.group())
    n = len(m.group("stars"))
    return " " * n + m.group()[n:-n] + " " * n


# A paragraph that ends in a word, a number or a closing bracket: a title, byline, heading or
# memo line. The tokenizer drops line breaks, so without a stop it would run into the next
# paragraph ("JIANG, Zhenjun Deputy Director and Professor, ...") and the reader, trained on
# prose, seldom answered from it.
_UNSTOPPED_BREAK = re.compile(r"(?:(?<=[\w%])|(?<=[^.!?…][)\]}\"'”’]))[ \t]*\n[ \t]*\n")


def _stop(m: re.Match) -> str:
    return "." + m.group()[1:]


def reader_view(text: str) -> str:
    """`text` with markup blanked to spaces and a full stop after each paragraph that lacks
    one: the same length, so every character offset the reader finds is an offset into `text`
    itself and citations stay exact.

    >>> reader_view("## **Summary**<sup>1</sup> grade II* and 3 * 4")
    '     Summary       1       grade II* and 3 * 4'
    >>> reader_view("GUO, Li\\n\\nDirector, Heilongjiang University\\n\\nIt grew,\\n\\nby 3%.\\n\\nEnd.")
    'GUO, Li.\\nDirector, Heilongjiang University.\\nIt grew,\\n\\nby 3%.\\n\\nEnd.'
    >>> reader_view('[Translated by ERINA]\\n\\nHe said "no."\\n\\nEnd')
    '[Translated by ERINA].\\nHe said "no."\\n\\nEnd'
    """
    return _UNSTOPPED_BREAK.sub(_stop, _MARKUP.sub(_blank, text))


def encode(tokenizer, questions: list[str], contexts: list[str], max_tokens: int, stride: int):
    """Question/context pairs -> overlapping windows (a BatchEncoding with offsets).

    `overflow_to_sample_mapping` says which pair each window came from; tokens whose
    `sequence_ids` is 1 belong to the context. Long questions are cut to MAX_QUESTION_TOKENS
    so that a window always holds some context. The model reads `reader_view` of each context;
    offsets are the same in both.
    """
    short = []
    for q in questions:
        ids = tokenizer(q, add_special_tokens=False)["input_ids"]
        short.append(
            q if len(ids) <= MAX_QUESTION_TOKENS else tokenizer.decode(ids[:MAX_QUESTION_TOKENS])
        )
    return tokenizer(
        short,
        [reader_view(c) for c in contexts],
        truncation="only_second",
        max_length=max_tokens,
        stride=stride,
        return_overflowing_tokens=True,
        return_offsets_mapping=True,
        padding=False,
    )


def best_span(
    start_logits: np.ndarray,
    end_logits: np.ndarray,
    context: np.ndarray,
    max_answer_tokens: int = MAX_ANSWER_TOKENS,
    segments: np.ndarray | None = None,
    needed: np.ndarray | None = None,
) -> tuple[int, int, float, float]:
    """(start token, end token, span score, null score) for one window.

    `context` is a boolean mask of the tokens a span may use; the null score is position 0.
    With `segments` (a sentence number per token), a span stays inside one sentence: the
    answer is then always inside the one sentence that is quoted as its citation. With
    `needed` (a boolean per token), a span holds at least one such token.

    >>> s = np.array([5.0, 0.0, 3.0, 1.0]); e = np.array([5.0, 0.0, 0.5, 2.0])
    >>> best_span(s, e, np.array([False, True, True, True]))
    (2, 3, 5.0, 10.0)
    >>> best_span(s, e, np.array([False, True, True, True]), needed=np.array([0, 1, 0, 0]) > 0)
    (1, 3, 2.0, 10.0)
    """
    null = float(start_logits[0] + end_logits[0])
    idx = np.flatnonzero(context)
    if not len(idx):
        return 0, 0, -np.inf, null
    s, e = start_logits[idx], end_logits[idx]
    scores = s[:, None] + e[None, :]
    pos = idx[:, None], idx[None, :]
    valid = (pos[1] >= pos[0]) & (pos[1] - pos[0] < max_answer_tokens)
    if segments is not None:
        valid &= segments[idx][:, None] == segments[idx][None, :]
    if needed is not None:
        # tokens needed up to each position: a span [i, j] holds one when the count grows
        held = np.concatenate([[0], np.cumsum(needed[idx])])
        n = len(idx)
        valid &= held[1:][None, :] - held[:n][:, None] > 0
    if not valid.any():
        return 0, 0, -np.inf, null
    scores = np.where(valid, scores, -np.inf)
    i, j = np.unravel_index(int(np.argmax(scores)), scores.shape)
    return int(idx[i]), int(idx[j]), float(scores[i, j]), null


def widen_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow [start, end) so that it neither starts nor ends inside a word (a span may begin
    at a word piece such as "##rbin").

    >>> t = "Harbin is in China"; a, b = widen_to_words(t, 2, 9); t[a:b]
    'Harbin is'

    Nor inside a number: the word pieces of "92,711" are "92", ",", "711", and "711" alone
    had answered how many employees a company had.

    >>> t = "capital: 92,711; rate 4.25%"; [t[slice(*widen_to_words(t, t.index(x), t.index(x) + len(x)))] for x in ("711", "92", "25")]
    ['92,711', '92,711', '4.25']
    """

    def part(i: int) -> bool:  # text[i] belongs to a word or a number
        return text[i].isalnum() or (
            text[i] in ",."
            and 0 < i < len(text) - 1
            and text[i - 1].isdigit()
            and text[i + 1].isdigit()
        )

    while start > 0 and part(start - 1) and part(start):
        start -= 1
    while end < len(text) and part(end - 1) and part(end):
        end += 1
    return start, end


def decode_window(
    enc,
    r: int,
    start_logits: np.ndarray,
    end_logits: np.ndarray,
    text: str,
    cuts=None,
    figure: bool = False,
) -> tuple[int, int, int, int, float, float, np.ndarray] | None:
    """The best span of window `r` of `encode`'s output: (start token, end token, start char,
    end char, span score, null score, context mask), the characters widened to whole words of
    `text`; None when the window holds no context (or, with `figure`, no span holding a
    figure). With `cuts` (sorted character offsets of sentence ends and markup starts), a span
    never crosses one; with `figure`, it holds a digit or a number's word (the question asks
    "How long/many ...?"). Used by the reader and by training's evaluation alike."""
    seq = enc.sequence_ids(r)
    length = len(enc["input_ids"][r])
    mask = np.array([seq[t] == 1 for t in range(length)])
    if not mask.any():
        return None
    offsets = enc["offset_mapping"][r]
    segments = None
    if cuts is not None:
        segments = np.searchsorted(cuts, [offsets[t][0] for t in range(length)], side="right")
    needed = None
    if figure:
        needed = np.array(
            [
                bool(mask[t]) and has_figure(text[slice(*widen_to_words(text, *offsets[t]))])
                for t in range(length)
            ]
        )
    i, j, score, null = best_span(
        start_logits[:length], end_logits[:length], mask, segments=segments, needed=needed
    )
    if score == -np.inf:
        return None
    a, z = widen_to_words(text, offsets[i][0], offsets[j][1])
    return i, j, a, z, score, null, mask


def _softmax_at0(logits: np.ndarray, allowed: np.ndarray) -> float:
    """Softmax probability of position 0 among the allowed positions."""
    x = logits[allowed]
    m = x.max()
    return float(np.exp(logits[0] - m) / np.exp(x - m).sum())


@dataclass(frozen=True)
class Span:
    """The reader's best answer in one passage."""

    passage: int  # index into the passages read
    start: int  # character offsets into that passage's text
    end: int
    text: str
    score: float  # start + end logit
    null: float  # the "no answer" score of the window the span came from
    null_prob: float = 0.0  # softmax mass of "no answer" at start times at end, that window
    tokens: int = 1  # length of the span in word pieces
    answerable: float = 0.0  # the answerability head's logit for that window (0 without one)

    @property
    def margin(self) -> float:
        return self.score - self.null


@dataclass
class AnswerabilityHead:
    """Logistic regression on the reader's [CLS] vector: does this window answer the question?

    Fit by `rag fit-answerability` on the training articles (never dev or test); its logit is
    one of the verifier's signals. The null score is a single direction of the same vector,
    learned only as a by-product of span training; this head is trained for the decision.
    """

    mean: list[float]
    scale: list[float]
    weights: list[float]
    bias: float

    def logit(self, vec: np.ndarray) -> float:
        x = (vec - np.asarray(self.mean)) / np.asarray(self.scale)
        return float(x @ np.asarray(self.weights) + self.bias)

    def save(self, path: Path) -> None:
        Path(path).write_text(json.dumps(asdict(self)) + "\n")

    @classmethod
    def load(cls, path: Path) -> AnswerabilityHead:
        return cls(**json.loads(Path(path).read_text()))


class Reader:
    """Loads the QA model on first use; `read` returns the best span of each passage."""

    def __init__(self, model: str = "shipped", allow_download: bool = False, batch_size: int = 16):
        self.model_name = model or "shipped"
        self.allow_download = allow_download
        self.batch_size = batch_size
        self._model = None
        self._tokenizer = None
        self._head: AnswerabilityHead | None = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            import torch
            from transformers import AutoModelForQuestionAnswering, AutoTokenizer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # a library loading a model prints nothing

            path = resolve_reader_model(self.model_name)
            try:
                tok = AutoTokenizer.from_pretrained(path, local_files_only=not self.allow_download)
                model = AutoModelForQuestionAnswering.from_pretrained(
                    path, local_files_only=not self.allow_download, dtype=torch.float32
                )
            except (OSError, ValueError) as exc:
                hint = (
                    ""
                    if self.allow_download
                    else " (downloads are off: RAG_ALLOW_DOWNLOAD=1 allows them)"
                )
                raise GeneratorUnavailable(
                    f"reader model {self.model_name!r} cannot be loaded{hint}: {str(exc).splitlines()[0]}"
                ) from None
            if not getattr(tok, "is_fast", False):
                raise GeneratorUnavailable(
                    f"reader model {self.model_name!r}: needs a fast tokenizer (character offsets)"
                )
            model.eval()
            head = Path(path) / "answerability.json"
            self._head = AnswerabilityHead.load(head) if head.is_file() else None
            self._tokenizer, self._model = tok, model

    def read(
        self,
        question: str,
        texts: list[str],
        sentences: list[list[tuple[int, int]]] | None = None,
        figure: bool = False,
    ) -> list[Span]:
        """The best span of every text (one per text, in order; a text with no span allowed
        is left out), with its null score; with `sentences` (each text's sentence spans),
        spans never cross a sentence boundary or the start of inline markup; with `figure`,
        every span holds a figure (`decode_window`)."""
        return self.read_pairs([question] * len(texts), texts, sentences=sentences, figure=figure)

    def read_pairs(
        self,
        questions: list[str],
        texts: list[str],
        with_cls: bool = False,
        sentences: list[list[tuple[int, int]]] | None = None,
        figure: bool = False,
    ):
        """The best span for each (question, text) pair; with `with_cls`, also the [CLS]
        vector of the window the span came from (to fit the answerability head); `figure` as
        in `read`."""
        import torch

        self.warm_up()
        if not texts:
            return ([], []) if with_cls else []
        tok = self._tokenizer
        enc = encode(tok, questions, texts, READER_MAX_TOKENS, READER_STRIDE)
        if sentences is not None:
            # A span neither crosses a sentence end nor starts outside inline markup and ends
            # inside it: "the painter <b>Li Wenhua</b>" answers "Li Wenhua".
            cuts = [
                sorted({e for _, e in sent} | {m.start() for m in _MARKUP.finditer(text)})
                for sent, text in zip(sentences, texts, strict=True)
            ]
        n = len(enc["input_ids"])
        head = self._head
        hidden = with_cls or head is not None
        best: dict[int, Span] = {}
        cls: dict[int, np.ndarray] = {}
        for lo in range(0, n, self.batch_size):
            rows = list(range(lo, min(n, lo + self.batch_size)))
            batch = tok.pad(
                {
                    k: [enc[k][r] for r in rows]
                    for k in ("input_ids", "attention_mask", "token_type_ids")
                    if k in enc
                },
                return_tensors="pt",
            )
            with torch.inference_mode():
                out = self._model(**batch, output_hidden_states=hidden)
            starts = out.start_logits.float().numpy()
            ends = out.end_logits.float().numpy()
            vecs = out.hidden_states[-1][:, 0].float().numpy() if hidden else None
            for b, r in enumerate(rows):
                k = enc["overflow_to_sample_mapping"][r]
                got = decode_window(
                    enc,
                    r,
                    starts[b],
                    ends[b],
                    texts[k],
                    cuts[k] if sentences is not None else None,
                    figure,
                )
                if got is None:
                    continue
                i, j, a, z, score, null, mask = got
                length = len(mask)
                allowed = mask.copy()
                allowed[0] = True
                p_null = _softmax_at0(starts[b, :length], allowed) * _softmax_at0(
                    ends[b, :length], allowed
                )
                answerable = head.logit(vecs[b]) if head is not None else 0.0
                span = Span(k, a, z, texts[k][a:z], score, null, p_null, j - i + 1, answerable)
                # Over several windows of one text: the best span, judged by its own margin.
                if k not in best or span.margin > best[k].margin:
                    best[k] = span
                    if with_cls:
                        cls[k] = vecs[b]
        keys = sorted(best)
        spans = [best[k] for k in keys]
        return (spans, [cls[k] for k in keys]) if with_cls else spans
