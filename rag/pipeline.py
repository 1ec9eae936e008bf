"""The whole path: question -> retrieval -> draft -> verified citations -> Answer."""

from __future__ import annotations

import calendar
import logging
import os
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from .abstain import Verifier, choose_span, missing_numbers, reader_features, reason
from .chunk import split_sentences
from .cite import Attributor, Citation, number_citations
from .embed import Embedder
from .errors import BadQuestion, ConfigError, DocumentNotFound, UploadRejected
from .eval import normalize_answer
from .followup import rewrite
from .formats import Extracted, format_of
from .generate import NOT_IN_DOCUMENTS, Generator, ReaderGenerator, load_generator
from .index import IndexStore, UpdateReport
from .ingest import TextStore, list_document_files, load_documents, seed_documents_dir
from .reader import Span
from .retrieve import Passage, Retriever
from .settings import Settings
from .text import WORD, numbers
from .upload import (
    StoredUpload,
    forget_origin,
    origin_of,
    remove_stale_temporaries,
    store_upload,
)

log = logging.getLogger(__name__)

ABSTAIN_TEXT = "The documents do not contain an answer to this question."
INDEXING_TEXT = "The documents are still being indexed: ask again in a moment."
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class ShortAnswer:
    """The reader's answer span: `document[start:end] == text`."""

    text: str
    doc: str
    start: int
    end: int


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
    why: str = ""  # why it abstained, in plain words
    reason: str = ""  # the reason code (rag.abstain.REASONS)
    short_answer: ShortAnswer | None = None  # reader answers only
    confidence: float | None = None  # the verifier's probability that the question is answered
    origins: dict[str, dict] = field(default_factory=dict)  # cited document -> where it came from
    query: str = ""  # what was sent to retrieval (after follow-up rewriting)
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "generator": self.generator,
            "citations": [
                {**asdict(c), "origin": self.origins.get(c.doc, {"origin": "folder"})}
                for c in self.citations
            ],
            "related": [p.to_dict() for p in self.related],
            "passages": [p.to_dict() for p in self.passages],
            "dropped": self.dropped,
            "notice": self.notice,
            "why": self.why,
            "reason": self.reason,
            "short_answer": asdict(self.short_answer) if self.short_answer else None,
            "confidence": None if self.confidence is None else round(self.confidence, 4),
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


def clean_history(history, max_entries: int, max_chars: int) -> list[str]:
    """Earlier questions, checked and capped: only the last `max_entries`, each cut to
    `max_chars` (a long history must not make one question slow for everyone).

    >>> clean_history(["a" * 50, "Where?"], 1, 10)
    ['Where?']
    >>> clean_history(["x" * 50], 5, 10)
    ['xxxxxxxxxx']
    """
    if history is None:
        return []
    if not isinstance(history, list | tuple) or not all(isinstance(h, str) for h in history):
        raise BadQuestion("The history must be a list of earlier questions, each one text.")
    return [" ".join(_CONTROL.sub(" ", h).split())[:max_chars] for h in history[-max_entries:]]


def sentence_around(
    text: str, start: int, end: int, sentences: list[tuple[int, int]] | None = None
) -> tuple[int, int]:
    """The span of the sentence(s) of `text` (spans given, or split now) that hold [start, end).

    >>> t = "Harbin hosted it. It had 137 firms from Russia. Done."
    >>> a, b = sentence_around(t, t.index("137"), t.index("137") + 3); t[a:b]
    'It had 137 firms from Russia.'
    """
    spans = [
        (a, b)
        for a, b in (split_sentences(text) if sentences is None else sentences)
        if a < end and b > start
    ]
    if not spans:
        return start, end
    return spans[0][0], spans[-1][1]


@dataclass(frozen=True)
class Candidate:
    """The reader's best span and the sentence (`passage.chunk.text[start:end]`) holding it."""

    span: Span
    passage: Passage
    start: int
    end: int
    features: dict[str, float]
    rival: Span | None = None  # another document's different answer, if the reader sees one


def _use_all_cores() -> None:
    """Torch's thread count is per thread here: a question uses every core, whatever a
    background indexing thread set for itself."""
    import sys

    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(os.cpu_count() or 1)


class RAG:
    """Owns the index, the retriever and the generator; `ask` answers one question.

    Construction is light: the generator (and the reader's model) load on first use.
    """

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
        if self.settings.store == "milvus":
            from .milvus import MilvusStore

            self.store = MilvusStore(
                self.settings.milvus_uri or str(self.settings.index_dir / "milvus.db"),
                self.embedder,
                self.settings.chunk_tokens,
                self.settings.chunk_overlap_tokens,
                self.settings.milvus_collection,
            )
        else:
            self.store = IndexStore(
                self.settings.index_dir,
                self.embedder,
                self.settings.chunk_tokens,
                self.settings.chunk_overlap_tokens,
                self.settings.index_config,
            )
        self.retriever = Retriever(
            self.store.current,
            self.embedder,
            self.settings.top_k,
            self.settings.fusion,
            self.settings.fusion_alpha,
            self.settings.fusion_candidates,
        )
        self.attributor = Attributor(
            self.embedder, self.settings.min_support_lexical, self.settings.min_support_semantic
        )
        # Extracted texts beside the index: what every citation's span points into.
        self.texts = TextStore(self.settings.index_dir / "texts")
        self._layouts: dict[str, Extracted] = {}
        self._layouts_lock = threading.Lock()
        self.generator_failures: list[str] = []
        self._generator = generator
        self._generator_lock = threading.Lock()
        self._verifiers: dict[str, Verifier | None] = {}
        self.load_errors: dict[str, str] = {}
        # Files handed over (stored uploads, or listed by a refresh) and maybe not indexed yet:
        # what a refusal names, without walking the folder (0.19-0.30 s at 10,000 files).
        self._arriving: set[str] = set()
        self._arriving_lock = threading.Lock()
        self._refreshing = 0  # refreshes running now (a first build or a rebuild among them)
        self._in_flight = 0  # questions being answered now (background indexing yields to them)
        self._in_flight_lock = threading.Lock()

    @property
    def questions_in_flight(self) -> int:
        return self._in_flight

    @property
    def generator(self) -> Generator:
        """The generator in use, loaded (with its fallbacks) the first time it is needed."""
        if self._generator is None:
            with self._generator_lock:
                if self._generator is None:
                    gen, self.generator_failures = load_generator(
                        self.settings.generator, self.settings, self.embedder
                    )
                    self._generator = gen
        return self._generator

    @generator.setter
    def generator(self, gen: Generator) -> None:
        self._generator = gen

    def verifier(self, gen: ReaderGenerator) -> Verifier | None:
        """The verifier stored beside the reader's model (None: decide by margin alone)."""
        from .reader import resolve_reader_model

        folder = resolve_reader_model(gen.reader.model_name)
        if folder not in self._verifiers:
            self._verifiers[folder] = Verifier.load(Path(folder) / "verifier.json")
        return self._verifiers[folder]

    def refresh(self, progress=None) -> UpdateReport:
        """Bring the index in line with the documents folder, embedding only what changed.

        The folder is listed under the index's writer lock (see IndexStore.update).
        """
        self.prepare_documents_dir()
        removed = remove_stale_temporaries(self.settings.documents_dir)
        if removed:
            log.info("removed %d upload temporaries left by an interrupted upload", len(removed))
        keys: set[str] = set()

        def listing():
            loaded = load_documents(self.settings.documents_dir, self.texts)
            self.load_errors = loaded.errors
            for msg in loaded.errors.values():
                log.warning("skipped: %s", msg)
            keys.update(self._text_key(d.name, d.sha256) for d in loaded.documents)
            with self._arriving_lock:
                self._arriving.update(d.name for d in loaded.documents)
            return loaded.documents

        with self._arriving_lock:
            self._refreshing += 1
        try:
            report = self.store.update(listing, progress)
        finally:
            with self._arriving_lock:
                self._refreshing -= 1
        self.texts.prune(keys)
        return report

    def prepare_documents_dir(self) -> bool:
        """Create the documents folder from the seed collection if it does not exist yet.
        Returns whether it was created."""
        s = self.settings
        return seed_documents_dir(s.documents_dir, s.seed_dir)

    # ---- the document library ------------------------------------------------------------
    @staticmethod
    def _text_key(name: str, sha256: str) -> str:
        return TextStore.key(sha256, format_of(name) or "txt")

    def layout(self, name: str) -> Extracted | None:
        """A document's extracted text with its pages and sections (None if not indexed)."""
        snap = self.store.current()
        meta = snap.documents.get(name) if snap else None
        if meta is None:
            return None
        key = self._text_key(name, meta["sha256"])
        with self._layouts_lock:
            found = self._layouts.get(key)
        if found is None:
            found = self.texts.get(key)
            if found is None:
                return None
            with self._layouts_lock:
                if len(self._layouts) >= 64:
                    self._layouts.pop(next(iter(self._layouts)))
                self._layouts[key] = found
        return found

    def _entry(self, name: str, meta: dict | None) -> dict:
        """One row of the library: what a user sees of a document before opening it."""
        info = self.texts.meta(self._text_key(name, meta["sha256"])) if meta else None
        if info is None:
            path = self.settings.documents_dir / name
            info = {
                "title": None,
                "format": format_of(name) or "txt",
                "pages": None,
                "bytes": path.stat().st_size if path.exists() else 0,
            }
        added = (meta or {}).get("added") or ""
        if added:
            try:
                stamp = time.strptime(added, "%Y-%m-%dT%H:%M:%SZ")
                added = time.strftime("%Y-%m-%d %H:%M", time.localtime(calendar.timegm(stamp)))
            except ValueError:
                pass
        return {
            "name": name,
            "title": info["title"] or name,
            "format": info["format"],
            "pages": info["pages"],
            "bytes": info["bytes"],
            "passages": int(meta["chunks"]) if meta else 0,
            "added": added,
            "status": "indexed" if meta else "indexing",
            "origin": origin_of(self.settings.documents_dir, name),
        }

    def documents(self) -> list[dict]:
        """Every document: those indexed, then files of the folder still waiting to be indexed
        (status "indexing"), by name."""
        snap = self.store.current()
        table = snap.documents if snap else {}
        rows = {name: self._entry(name, meta) for name, meta in table.items()}
        rows.update((name, self._entry(name, None)) for name in self.waiting_documents())
        return [rows[n] for n in sorted(rows)]

    def arriving_documents(self) -> list[str]:
        """Files stored or listed by this RAG that are not indexed yet (and did not fail to
        load), by name: `waiting_documents` without walking the folder, for every refusal."""
        snap = self.store.current()
        table = snap.documents if snap else {}
        folder = self.settings.documents_dir
        with self._arriving_lock:
            self._arriving = {
                n
                for n in self._arriving
                if n not in table and n not in self.load_errors and (folder / n).is_file()
            }
            return sorted(self._arriving)

    def waiting_documents(self) -> list[str]:
        """Files of the folder not indexed yet (an upload being indexed, a file just added),
        by name; files that failed to load are not waiting."""
        snap = self.store.current()
        table = snap.documents if snap else {}
        folder = self.settings.documents_dir
        if not folder.is_dir():
            return []
        names = (p.relative_to(folder).as_posix() for p in list_document_files(folder))
        return [n for n in names if n not in table and n not in self.load_errors]

    def document(self, name: str) -> dict:
        """One indexed document whole: its library row, the extracted text its citations
        point into, its passages' spans, and where its pages and sections start."""
        snap = self.store.current()
        if not isinstance(name, str) or snap is None or name not in snap.documents:
            raise DocumentNotFound(self._not_found(name))
        ex = self.layout(name)
        if ex is None:
            raise DocumentNotFound(f"{name}: its text is not stored yet; index it again")
        return {
            **self._entry(name, snap.documents[name]),
            "text": ex.text,
            "passages": [
                {"chunk_id": c.chunk_id, "start": c.start, "end": c.end}
                for c in snap.doc_chunks(name)
            ],
            "sections": [list(x) for x in ex.sections],
            "page_starts": [list(x) for x in ex.pages],
        }

    def delete_document(self, name: str) -> dict:
        """Remove a document: its file is deleted and its passages leave the index before
        this returns (a restart does not bring it back)."""
        folder = self.settings.documents_dir.resolve()
        path = (folder / name).resolve() if isinstance(name, str) else None
        snap = self.store.current()
        meta = snap.documents.get(name) if snap and path else None
        waiting = path is not None and path.is_file() and format_of(path.name) is not None
        if path is None or folder not in path.parents or (meta is None and not waiting):
            raise DocumentNotFound(self._not_found(name))
        entry = self._entry(name, meta)
        path.unlink(missing_ok=True)
        forget_origin(folder, name)
        self.refresh()
        return entry

    def _not_found(self, name) -> str:
        snap = self.store.current()
        known = sorted(snap.documents) if snap else []
        hint = f" (documents: {', '.join(known[:8])}{', …' if len(known) > 8 else ''})"
        return f"There is no document named {name!r}{hint if known else ''}."

    def _check_documents(self, documents) -> list[str] | None:
        if documents is None:
            return None
        if isinstance(documents, str):
            documents = [documents]
        if not isinstance(documents, list | tuple) or not all(
            isinstance(d, str) for d in documents
        ):
            raise BadQuestion("documents must be a list of document names.")
        if not documents:
            return None
        snap = self.store.current()
        for d in documents:
            if snap is None or d not in snap.documents:
                raise DocumentNotFound(self._not_found(d))
        return list(documents)

    def _locate(self, result: Answer) -> None:
        """Page and section of every citation and passage, from the document's layout."""
        layouts: dict[str, Extracted | None] = {}

        def where(doc: str, offset: int) -> tuple[int | None, str | None]:
            if doc not in layouts:
                layouts[doc] = self.layout(doc)
            ex = layouts[doc]
            return (ex.page_at(offset), ex.section_at(offset)) if ex else (None, None)

        result.citations = [
            replace(c, **dict(zip(("page", "section"), where(c.doc, c.start), strict=True)))
            for c in result.citations
        ]
        located = {}
        for p in result.passages:
            page, section = where(p.chunk.doc, p.chunk.start)
            located[p.chunk.chunk_id] = replace(p, page=page, section=section)
        result.passages = [located[p.chunk.chunk_id] for p in result.passages]
        result.related = [located.get(p.chunk.chunk_id, p) for p in result.related]

    def store_files(self, files: list[tuple[str, bytes]], uploader: str | None = None):
        """Store uploads (checked, under a free name). Returns (stored, rejected).

        A file is acknowledged (in `stored`) only once it is safely on disk; indexing it can be
        interrupted and is redone from the folder at the next refresh.
        """
        stored: list[StoredUpload] = []
        rejected: dict[str, str] = {}
        for filename, data in files:
            try:
                stored.append(
                    store_upload(
                        self.settings.documents_dir,
                        filename,
                        data,
                        self.settings.max_upload_bytes,
                        uploader,
                        self.texts,
                    )
                )
            except UploadRejected as exc:
                rejected[filename] = str(exc)
        with self._arriving_lock:
            self._arriving.update(s.name for s in stored)
        return stored, rejected

    def add_files(self, files: list[tuple[str, bytes]], progress=None):
        """Store uploads, then index only what is new. Returns (stored, rejected, report)."""
        stored, rejected = self.store_files(files)
        report = self.refresh(progress) if any(s.status == "added" for s in stored) else None
        return stored, rejected, report

    def ask(
        self,
        question: str,
        history: list[str] | None = None,
        top_k: int | None = None,
        documents: list[str] | None = None,
    ) -> Answer:
        """Answer from the indexed documents (only from `documents`, names, when given)."""
        answer = None
        for item in self.ask_stream(question, history, top_k, documents):
            if isinstance(item, Answer):
                answer = item
        assert answer is not None
        return answer

    def ask_stream(
        self,
        question: str,
        history: list[str] | None = None,
        top_k: int | None = None,
        documents: list[str] | None = None,
    ) -> Iterator[str | Answer]:
        """Yields the draft as it is written (str, drafting generators only), then the Answer."""
        with self._in_flight_lock:
            self._in_flight += 1
        _use_all_cores()
        try:
            for item in self._ask_stream(question, history, top_k, documents):
                if isinstance(item, Answer):
                    self._locate(item)
                yield item
        finally:
            with self._in_flight_lock:
                self._in_flight -= 1

    def _ask_stream(self, question, history, top_k, documents) -> Iterator[str | Answer]:
        t0 = time.perf_counter()
        text, notice = clean_question(question, self.settings.max_question_chars)
        documents = self._check_documents(documents)
        s = self.settings
        gen = self.generator
        reading = isinstance(gen, ReaderGenerator)
        k = top_k or (self.settings.reader_top_k if reading else self.settings.top_k)
        query = rewrite(
            text,
            clean_history(history, s.max_history_entries, s.max_question_chars),
            lambda q: self.retriever.run(q, k, documents),
            s.follow_up_min_cosine,
        )
        passages = self.retriever.run(query, k, documents)
        result = Answer(text, "", True, gen.name, passages=passages, notice=notice, query=query)
        if not passages:
            yield self._abstain(result, t0, "no_documents")
            return
        if reading:
            # The one hand rule kept for the reader: it helped on the dev articles
            # (eval/rule_check.py: abstention accuracy 0.675 -> 0.679, no answer lost).
            missing = missing_numbers(query, " ".join(p.chunk.text for p in passages))
            if missing:
                yield self._abstain(result, t0, "missing_numbers", ", ".join(sorted(missing)))
            else:
                yield self._read(gen, result, query, passages, t0)
            return
        code, detail = self._unanswerable(query, passages)
        if code:
            yield self._abstain(result, t0, code, detail)
            return
        draft = ""
        for piece in gen.stream(query, passages):
            draft += piece
            yield draft
        if not draft.strip() or NOT_IN_DOCUMENTS.search(draft):
            yield self._abstain(result, t0, "model_declined")
            return
        supports, dropped = self.attributor.attribute(draft, passages)
        result.dropped = dropped
        if not supports:
            yield self._abstain(result, t0, "unsupported")
            return
        result.answer, result.citations = number_citations(supports)
        result.origins = self._origins(result.citations)
        result.abstained = False
        result.seconds = time.perf_counter() - t0
        yield result

    def candidate(self, question: str, top_k: int | None = None) -> Candidate | None:
        """The reader's best answer to a question and the verifier's inputs, before deciding
        (used to fit the verifier). None when nothing is indexed."""
        gen = self.generator
        if not isinstance(gen, ReaderGenerator):
            raise ConfigError(f"generator={gen.name!r}: candidates come from the reader")
        query = clean_question(question, self.settings.max_question_chars)[0]
        passages = self.retriever.run(query, top_k or self.settings.reader_top_k)
        return self._candidate(gen, query, passages) if passages else None

    def _candidate(self, gen: ReaderGenerator, query: str, passages) -> Candidate | None:
        spans = gen.read(query, passages)
        if not spans:
            return None
        bounds = [
            sentence_around(
                passages[s.passage].chunk.text,
                s.start,
                s.end,
                passages[s.passage].chunk.sentence_spans(),
            )
            for s in spans
        ]
        texts = [
            passages[s.passage].chunk.text[a:b] for s, (a, b) in zip(spans, bounds, strict=True)
        ]
        best = choose_span(query, spans, texts, self.settings.reader_select_words_weight)
        span = spans[best]
        passage = passages[span.passage]
        a, b = bounds[best]
        feats = reader_features(query, spans, passages, best, texts[best])
        return Candidate(span, passage, a, b, feats, self._rival(gen, query, spans, passages, span))

    def _rival(self, gen, query, spans, passages, best) -> Span | None:
        """Another document's answer that the bot would also give on its own (the verifier
        accepts it), whose sentence names every name and number of the question, and that
        gives a different number or name: the documents disagree, and the answer must say so
        rather than pick one silently."""
        doc = passages[best.passage].chunk.doc
        key = normalize_answer(best.text)
        verifier = self.verifier(gen)
        for i in sorted(range(len(spans)), key=lambda i: -spans[i].margin):
            s = spans[i]
            other = normalize_answer(s.text)
            if (
                passages[s.passage].chunk.doc == doc
                or not other
                or other in key
                or key in other
                or not (numbers(s.text) or any(w[0].isupper() for w in WORD.findall(s.text)))
            ):
                continue
            chunk = passages[s.passage].chunk
            text = chunk.text
            a, b = sentence_around(text, s.start, s.end, chunk.sentence_spans())
            feats = reader_features(query, spans, passages, i, text[a:b])
            if (
                feats["names_in_sentence"] < 1.0
                or feats["words_in_sentence"] < self.settings.rival_min_words
            ):
                continue  # about something else: the question's names or most of its words miss
            if verifier is None:
                ok = s.margin >= self.settings.reader_min_margin
            else:
                ok = verifier.probability(feats) >= self._threshold(verifier)
            if ok:
                return s
        return None

    def _threshold(self, verifier: Verifier) -> float:
        t = self.settings.answer_threshold
        return verifier.threshold if t is None else t

    def _read(self, gen: ReaderGenerator, result: Answer, query: str, passages, t0) -> Answer:
        """The reader's best span, its sentence cited verbatim, if the verifier lets it answer."""
        cand = self._candidate(gen, query, passages)
        if cand is None:
            return self._abstain(result, t0, "not_confident")
        verifier = self.verifier(gen)
        if verifier is not None:
            result.confidence = verifier.probability(cand.features)
            ok = result.confidence >= self._threshold(verifier)
        else:
            ok = cand.span.margin >= self.settings.reader_min_margin
        if not ok:
            return self._abstain(result, t0, "not_confident")
        span, passage, c = cand.span, cand.passage, cand.passage.chunk
        result.short_answer = ShortAnswer(
            span.text, c.doc, c.start + span.start, c.start + span.end
        )
        sentence = c.text[cand.start : cand.end]
        score = result.confidence if result.confidence is not None else 1.0
        supports = [(sentence, passage, cand.start, cand.end, score)]
        text, result.citations = number_citations(supports)
        if cand.rival is not None:
            other = passages[cand.rival.passage]
            ra, rb = sentence_around(
                other.chunk.text, cand.rival.start, cand.rival.end, other.chunk.sentence_spans()
            )
            _, result.citations = number_citations(
                [*supports, (other.chunk.text[ra:rb], other, ra, rb, score)]
            )
            second = result.citations[-1]
            disagree = (
                f"The documents disagree: {second.doc} says “{cand.rival.text.strip()}” "
                f"[{second.n}]."
            )
            result.notice = f"{result.notice} {disagree}".strip()
        short = span.text.strip()
        # The sentence is quoted verbatim so that its citation stays exact; the short answer
        # leads when it says less than the whole sentence.
        same = short.rstrip(".").strip() == sentence.rstrip(".").strip()
        result.answer = text if same else f"{short} — {text}"
        result.origins = self._origins(result.citations)
        result.abstained = False
        result.seconds = time.perf_counter() - t0
        return result

    def _origins(self, citations: list[Citation]) -> dict[str, dict]:
        return {c.doc: origin_of(self.settings.documents_dir, c.doc) for c in citations}

    def _unanswerable(self, query: str, passages: list[Passage]) -> tuple[str, str]:
        """Hand rules for drafting generators: (reason code, detail), or ("", "")."""
        if passages[0].score < self.settings.min_retrieval_score:
            return "not_relevant", ""
        numbers = missing_numbers(query, " ".join(p.chunk.text for p in passages))
        if numbers:
            return "missing_numbers", ", ".join(sorted(numbers))
        return "", ""

    def _abstain(self, result: Answer, t0: float, code: str, detail: str = "") -> Answer:
        if code == "no_documents" and self._refreshing:
            # Nothing searchable while a first build or a rebuild runs: not a final "no".
            code = "indexing"
        result.answer = INDEXING_TEXT if code == "indexing" else ABSTAIN_TEXT
        result.abstained = True
        result.reason, result.why = code, reason(code, detail)
        waiting = self.arriving_documents()
        if waiting:  # a question asked right after an upload must not read as a final "no"
            more = f" and {len(waiting) - 3} more" if len(waiting) > 3 else ""
            result.why += " " + reason("waiting", ", ".join(waiting[:3]) + more)
        result.related = result.passages[:3]
        result.seconds = time.perf_counter() - t0
        return result
