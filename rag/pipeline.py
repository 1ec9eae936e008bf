"""The whole path: question -> retrieval -> draft -> verified citations -> Answer."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

from .chunk import split_sentences
from .cite import best_support, missing_numbers, strip_markers
from .embed import Embedder
from .errors import BadQuestion, UploadRejected
from .generate import NOT_IN_DOCUMENTS, Generator, load_generator
from .index import IndexStore, UpdateReport
from .ingest import load_documents
from .retrieve import Passage, Retriever
from .settings import Settings
from .upload import StoredUpload, store_upload

log = logging.getLogger(__name__)

ABSTAIN_TEXT = "The documents do not contain an answer to this question."
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_FOLLOW_UP = re.compile(
    r"^(and|but|also|what about|how about|so)\b|\b(it|its|they|them|their|those|these|"
    r"that|there|ones|he|she|his|her)\b",
    re.I,
)


@dataclass(frozen=True)
class Citation:
    n: int
    doc: str
    chunk_id: str
    start: int  # span of the supporting sentence in the document
    end: int
    quote: str
    score: float


@dataclass
class Answer:
    question: str
    answer: str
    abstained: bool
    generator: str
    citations: list[Citation] = field(default_factory=list)
    related: list[Passage] = field(default_factory=list)  # shown when abstaining, never cited
    passages: list[Passage] = field(default_factory=list)  # everything retrieved, ranked
    dropped: list[str] = field(default_factory=list)  # draft sentences no passage supports
    notice: str = ""  # e.g. the question was shortened
    why: str = ""  # why it abstained
    query: str = ""  # what was sent to retrieval (after follow-up rewriting)
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "generator": self.generator,
            "citations": [asdict(c) for c in self.citations],
            "related": [p.to_dict() for p in self.related],
            "passages": [p.to_dict() for p in self.passages],
            "dropped": self.dropped,
            "notice": self.notice,
            "why": self.why,
            "query": self.query,
            "seconds": round(self.seconds, 3),
        }


def clean_question(question: str, max_chars: int) -> tuple[str, str]:
    """Strip control characters, refuse empty questions, shorten long ones (and say so).

    >>> clean_question("  Where?\\x07 ", 100)
    ('Where?', '')
    >>> clean_question("x" * 30, 20)[1]
    'Your question was 30 characters long; only the first 20 were used.'
    """
    if not isinstance(question, str):
        raise BadQuestion("The question must be text.")
    text = " ".join(_CONTROL.sub(" ", question).split())
    if not text:
        raise BadQuestion("Please type a question.")
    if len(text) > max_chars:
        return text[:max_chars], (
            f"Your question was {len(text)} characters long; only the first {max_chars} were used."
        )
    return text, ""


def contextualize(question: str, history: list[str]) -> str:
    """The retrieval query for a turn: a follow-up is joined with the previous question.

    >>> contextualize("And how many Russian ones?", ["How many Chinese firms came?"])
    'How many Chinese firms came? And how many Russian ones?'
    >>> contextualize("Where was the EXPO held?", ["How many Chinese firms came?"])
    'Where was the EXPO held?'
    """
    previous = [h for h in history if h and h.strip()]
    if previous and (_FOLLOW_UP.search(question) or len(question.split()) <= 4):
        return f"{previous[-1].strip()} {question}"
    return question


def number_citations(
    supports: list[tuple[str, Passage, int, int, float]],
) -> tuple[str, list[Citation]]:
    """(sentence, passage, start, end, score) per supported sentence -> text with [n], citations.

    Numbers follow first appearance; the same supporting span is cited once under one number.
    """
    citations: list[Citation] = []
    by_span: dict[tuple[str, int, int], int] = {}
    parts = []
    for sentence, passage, start, end, score in supports:
        c = passage.chunk
        key = (c.doc, c.start + start, c.start + end)
        if key not in by_span:
            by_span[key] = len(citations) + 1
            citations.append(
                Citation(
                    by_span[key],
                    c.doc,
                    c.chunk_id,
                    key[1],
                    key[2],
                    c.text[start:end],
                    round(score, 4),
                )
            )
        parts.append(f"{sentence} [{by_span[key]}]")
    return " ".join(parts), citations


class RAG:
    """Owns the models, the index and the generator; `ask` answers one question."""

    def __init__(
        self,
        settings: Settings | None = None,
        embedder: Embedder | None = None,
        generator: Generator | None = None,
    ):
        self.settings = settings or Settings.from_env()
        self.embedder = embedder or Embedder(
            self.settings.embedding_model, self.settings.allow_download
        )
        self.store = IndexStore(
            self.settings.index_dir,
            self.embedder,
            self.settings.chunk_tokens,
            self.settings.chunk_overlap_tokens,
        )
        self.retriever = Retriever(lambda: self.store.snapshot, self.embedder, self.settings.top_k)
        self.generator_failures: list[str] = []
        if generator is None:
            generator, self.generator_failures = load_generator(
                self.settings.generator, self.settings, self.embedder
            )
        self.generator = generator
        self.load_errors: dict[str, str] = {}

    def refresh(self, progress=None) -> UpdateReport:
        """Bring the index in line with the documents folder, embedding only what changed."""
        loaded = load_documents(self.settings.documents_dir)
        self.load_errors = loaded.errors
        for msg in loaded.errors.values():
            log.warning("skipped: %s", msg)
        return self.store.update(loaded.documents, progress)

    def add_files(self, files: list[tuple[str, bytes]], progress=None):
        """Store uploads, then index only what is new. Returns (stored, rejected, report).

        A file is acknowledged (in `stored`) only once it is safely on disk; the index update
        after it can be interrupted and is redone from the folder at the next start.
        """
        stored: list[StoredUpload] = []
        rejected: dict[str, str] = {}
        for filename, data in files:
            try:
                stored.append(
                    store_upload(
                        self.settings.documents_dir, filename, data, self.settings.max_upload_bytes
                    )
                )
            except UploadRejected as exc:
                rejected[filename] = str(exc)
        report = self.refresh(progress) if any(s.status == "added" for s in stored) else None
        return stored, rejected, report

    def ask(
        self, question: str, history: list[str] | None = None, top_k: int | None = None
    ) -> Answer:
        answer = None
        for item in self.ask_stream(question, history, top_k):
            if isinstance(item, Answer):
                answer = item
        assert answer is not None
        return answer

    def ask_stream(
        self, question: str, history: list[str] | None = None, top_k: int | None = None
    ) -> Iterator[str | Answer]:
        """Yields the draft as it is written (str), then the verified Answer."""
        t0 = time.perf_counter()
        text, notice = clean_question(question, self.settings.max_question_chars)
        query = contextualize(text, history or [])
        passages = self.retriever.run(query, top_k)
        result = Answer(
            text, "", True, self.generator.name, passages=passages, notice=notice, query=query
        )
        why = self._unanswerable(query, passages)
        if why:
            yield self._abstain(result, t0, why)
            return
        draft = ""
        for piece in self.generator.stream(query, passages):
            draft += piece
            yield draft
        if not draft.strip() or NOT_IN_DOCUMENTS.search(draft):
            yield self._abstain(result, t0, "no passage answers the question")
            return
        supports, dropped = self._attribute(draft, passages)
        result.dropped = dropped
        if not supports:
            yield self._abstain(result, t0, "no sentence of the draft answer is supported")
            return
        result.answer, result.citations = number_citations(supports)
        result.abstained = False
        result.seconds = time.perf_counter() - t0
        yield result

    def _unanswerable(self, query: str, passages: list[Passage]) -> str:
        """Why retrieval shows the documents cannot answer, or "" if they might."""
        if not passages:
            return "no documents are indexed"
        if passages[0].score < self.settings.min_retrieval_score:
            return f"no passage is relevant enough (best score {passages[0].score:.2f})"
        numbers = missing_numbers(query, " ".join(p.chunk.text for p in passages))
        if numbers:
            return f"no retrieved passage mentions {', '.join(sorted(numbers))}"
        return ""

    def _abstain(self, result: Answer, t0: float, why: str) -> Answer:
        result.answer, result.abstained, result.why = ABSTAIN_TEXT, True, why
        result.related = result.passages[:3]
        result.seconds = time.perf_counter() - t0
        return result

    def _attribute(self, draft: str, passages: list[Passage]):
        """Split the draft into sentences; keep those a retrieved sentence supports."""
        clean = strip_markers(draft)
        claims = [clean[a:b] for a, b in split_sentences(clean)]
        sources: list[tuple[Passage, int, int]] = []
        for p in passages:
            sources.extend((p, a, b) for a, b in split_sentences(p.chunk.text))
        if not claims or not sources:
            return [], claims
        texts = [p.chunk.text[a:b] for p, a, b in sources]
        vecs = self.embedder.embed_cached(claims + texts)
        sims = vecs[: len(claims)] @ vecs[len(claims) :].T
        supports, dropped = [], []
        for i, claim in enumerate(claims):
            best = best_support(claim, texts, [float(x) for x in sims[i]], *self._support)
            if best is None:
                claim, best = self._supported_prefix(claim, texts)
            if best is None:
                dropped.append(claims[i])
                continue
            p, a, b = sources[best.source]
            supports.append((claim, p, a, b, best.semantic))
        return supports, dropped

    @property
    def _support(self) -> tuple[float, float]:
        return self.settings.min_support_lexical, self.settings.min_support_semantic

    def _supported_prefix(self, claim: str, texts: list[str]):
        """The longest clause-boundary prefix of `claim` that a source supports.

        Small models append invented details ("..., in 2013."); the supported head is kept and
        the rest dropped, rather than losing the sentence or citing the invention.
        """
        cuts = [m.start() for m in re.finditer(r",|;|\s(?:and|but|which|while)\s", claim)]
        for cut in reversed(cuts):
            head = claim[:cut].rstrip()
            if len(head.split()) < 4:
                break
            vecs = self.embedder.embed_cached([head, *texts])
            best = best_support(head, texts, [float(x) for x in vecs[1:] @ vecs[0]], *self._support)
            if best is not None:
                return head + ".", best
        return claim, None
