"""The whole path: question -> rewrite -> retrieve -> answer -> locate. `RAG` wires the store,
the retriever, the answerer and the document library (`rag.library`) together."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import replace

from rag.answer import abstain
from rag.answer.abstain import reader_refusing, reason
from rag.answer.arithmetic import ASKS_SHARE, cited_change
from rag.answer.base import Answerer, Model, Outcome
from rag.answer.causes import CAUSES
from rag.answer.cite import Attributor, cited_after, cited_first, number_citations
from rag.answer.comparisons import with_causes
from rag.answer.fields import head_value, period_end
from rag.answer.forms import classify, explained, lines_text
from rag.answer.periods import as_documents_say, periods, series_documents
from rag.answer.reading import Candidate, ReaderGenerator, ReadingAnswerer
from rag.answer.registry import load_generator
from rag.answer.roles import signed
from rag.answer.sections import section_list
from rag.answer.spans import asks_when
from rag.answer.vocabulary import as_extreme, as_printed
from rag.answer.which_docs import which_documents
from rag.context import document_keys
from rag.ingest.formats import Extracted
from rag.steering import ahead_quarters, speaks_ahead, telling_names
from rag.store import open_store
from rag.store.base import Store, UpdateReport
from rag.store.embed import Embedder

from . import compose
from .collection import about_collection
from .errors import ConfigError
from .followup import earlier_pair, rare_in, rewrite, telling_apart
from .library import Library
from .questions import (
    clean_history,
    clean_question,
    in_sentence_case,
    known_names,
    misspelled_names,
    spell_out,
    with_known_names,
    with_names,
)
from .result import Answer
from .retrieve import Passage, Retriever, names_held
from .scope import Scope
from .settings import Settings
from .standalone import resolve
from .text import display_text

log = logging.getLogger(__name__)

ABSTAIN_TEXT = "The documents do not contain an answer to this question."
INDEXING_TEXT = "The documents are still being indexed: ask again in a moment."


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
        generator: Model | None = None,
        retriever: Retriever | None = None,
    ):
        self.settings = settings or Settings.from_env()
        self.embedder = embedder or Embedder(
            self.settings.embedding_model, self.settings.allow_download
        )
        self.store: Store = open_store(self.settings, self.embedder)
        self.retriever = retriever or Retriever(
            self.store.current,
            self.embedder,
            self.settings.top_k,
            self.settings.fusion,
            self.settings.fusion_alpha,
            self.settings.fusion_candidates,
            self.settings.doc_steer,
            self._reranker(),
            self.settings.row_rank_weight,
            self.settings.row_rank_min_score,
        )
        self.attributor = Attributor(
            self.embedder, self.settings.min_support_lexical, self.settings.min_support_semantic
        )
        self.library = Library(self.settings, self.store)
        self.scope = Scope(self.store)
        self.generator_failures: list[str] = []
        self._generator = generator
        self._generator_lock = threading.Lock()
        self._answerer: Answerer | None = None
        self._own_reader = None
        self._in_flight = 0  # questions being answered now (background indexing yields to them)
        self._in_flight_lock = threading.Lock()

    def _reranker(self):
        """The reader as reranker inside steered documents (`rag.rerank`), or None when off."""
        if self.settings.rerank_pool < 1:
            return None
        from rag.rerank import Reranker

        return Reranker(self._reader, self.settings.rerank_pool)

    def _reader(self):
        """The answerer's reader model when it has one, so that it is loaded once; else one
        of the reranker's own, loaded on first use."""
        gen = self.generator
        if isinstance(gen, ReaderGenerator):
            return gen.reader
        with self._generator_lock:
            if self._own_reader is None:
                from rag.answer.reader import Reader

                s = self.settings
                self._own_reader = Reader(s.reader_model, s.allow_download)
        return self._own_reader

    @property
    def questions_in_flight(self) -> int:
        return self._in_flight

    @property
    def generator(self) -> Model:
        """The answer model in use, loaded (with its fallbacks) the first time it is needed."""
        if self._generator is None:
            with self._generator_lock:
                if self._generator is None:
                    gen, self.generator_failures = load_generator(
                        self.settings.generator, self.settings, self.embedder
                    )
                    self._generator = gen
        return self._generator

    @generator.setter
    def generator(self, gen: Model) -> None:
        self._generator = gen

    @property
    def answerer(self) -> Answerer:
        """The answerer deciding with the current model (rebuilt when the model or the
        settings are replaced)."""
        gen = self.generator
        answerer = self._answerer
        if (
            answerer is None
            or answerer.generator is not gen
            or answerer.settings is not self.settings
        ):
            answerer = self._answerer = gen.answerer(self.settings, self.attributor)
        return answerer

    # ---- the document library (rag.library), as the app and the CLI reach it -------------
    @property
    def load_errors(self) -> dict[str, str]:
        return self.library.load_errors

    def refresh(self, progress=None, batch: int = 32, **batching) -> UpdateReport:
        return self.library.refresh(progress, batch, **batching)

    def prepare_documents_dir(self) -> bool:
        return self.library.prepare_documents_dir()

    def layout(self, name: str) -> Extracted | None:
        return self.library.layout(name)

    def documents(self) -> list[dict]:
        return self.library.documents()

    def arriving_documents(self) -> list[str]:
        return self.library.arriving_documents()

    def waiting_documents(self) -> list[str]:
        return self.library.waiting_documents()

    def document(self, name: str) -> dict:
        return self.library.document(name)

    def delete_document(self, name: str) -> dict:
        return self.library.delete_document(name)

    def store_files(self, files: list[tuple[str, bytes]], uploader: str | None = None):
        return self.library.store_files(files, uploader)

    def _locate(self, result: Answer) -> None:
        """Page and section of every citation and passage, from the document's layout."""
        layouts: dict[str, Extracted | None] = {}

        def where(doc: str, offset: int) -> tuple[int | None, str | None]:
            if doc not in layouts:
                layouts[doc] = self.library.layout(doc)
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
        s = self.settings
        current = self.store.current()  # None while the first index is built
        keys = document_keys(current) if current is not None else {}
        text, notice = clean_question(question, s.max_question_chars)
        # "Aple": "Apple", said so
        misspelled = misspelled_names(current, text)
        if misspelled:
            text = with_names(text, misspelled)
            said = ", ".join(f"“{a}” as “{b}”" for a, b in misspelled.items())
            notice = f"{notice} Read {said}.".strip()
        text = with_known_names(text, known_names(current, text))  # "apple": "Apple"
        text = in_sentence_case(current, text)  # "What Did Apple Say About …": "say about"
        history = clean_history(history, s.max_history_entries, s.max_question_chars)
        # "What documents do you have?", "Hello": the library answers, not a passage
        about = about_collection(self.library, text, documents)
        if about is not None:
            said, form = about
            seconds = time.perf_counter() - t0
            yield Answer(
                text, said, False, self.answerer.name, notice=notice, seconds=seconds, form=form
            )
            return
        # "And in Q2 2023?", "And Mac?": the previous question, of Q2 2023 or of the Mac
        known = telling_names(current)
        # "Which was bigger?" after two questions: their answers side by side
        pair = earlier_pair(text, history, known)
        if pair is not None:
            documents = self.library.check_documents(documents)
            labels = list(telling_apart(*pair))
            yield compose.side_by_side(self, labels, list(pair), text, notice, t0, top_k, documents)
            return
        resolved = resolve(text, history, known)
        # a name no document mentions ("And Tesla?" after Apple's net income) is not made one of
        # the previous question's words: asked as typed, it is refused for it
        text = text if resolved != text and self.scope.unmentioned(text) else resolved
        asked = text
        # "the third quarter of fiscal year 2024", "q2 23", "the QoQ change in Q3 2023": the
        # quarters as the documents say them; "Which ... sold the most?": the highest sales
        text = as_extreme(as_documents_say(text, keys))
        documents = self.library.check_documents(documents)
        answerer = self.answerer
        # "Compare Apple's and Amazon's net income": each party's question on its own
        between = compose.between_owners(self, text, asked, notice, t0, top_k, documents)
        if between is not None:
            yield between
            return
        # The form is the user's own question's: a follow-up's words decide it, not the earlier.
        form = classify(text)
        # A list or a comparison draws on more passages (and documents) than one fact does.
        formed = form != "fact" and hasattr(answerer, "answer_form")
        # A fact is read from the reader's few passages (3 read best, `reader_top_k`); `top_k`
        # are retrieved and shown, so the sources say where else the documents speak of it.
        read_k = top_k or answerer.top_k
        k = top_k or max(answerer.top_k, s.form_top_k if formed else s.top_k)
        query = rewrite(
            text,
            history,
            lambda q: self.retriever.run(q, k, documents),
            s.follow_up_min_cosine,
            rare_in(self.store.current()),
            known,
        )
        passages = self.retriever.run(query, k, documents)
        # an acronym the passages only spell out is read as they spell it ("CFO")
        spelled = spell_out(query, [p.chunk.text for p in passages])
        if spelled != query:
            query, passages = spelled, self.retriever.run(spelled, k, documents)
        # what the documents print otherwise ("headquartered": "principal executive offices";
        # "R&D": a line item said to include it) is asked in their words
        snap = self.scope.snap(documents)
        aliased, read_as = as_printed(query, snap, passages)
        if aliased != query:
            text = as_printed(text, snap, passages)[0]
            query, passages = aliased, self.retriever.run(aliased, k, documents)
            notice = f"{notice} {read_as}".strip()
        result = Answer(
            asked,
            "",
            True,
            answerer.name,
            passages=passages,
            notice=notice,
            query=query,
            form=form if formed else "fact",
        )
        if not passages:
            yield self._abstain(result, t0, "no_documents")
            return
        text = spell_out(text, [p.chunk.text for p in passages])
        later = abstain.unreported_periods(text, self.scope.snap(documents), passages)
        if later:
            yield self._abstain(result, t0, "unreported_period", later)
            return
        # A table row, a list, a summary or a comparison is never read by the reader, whose
        # verifier weighs the question's names: a name none of them comes near stops them.
        absent = self.scope.absent(text, passages, documents) if formed else []
        if absent:
            yield self._abstain(result, t0, "missing_names", " or ".join(absent))
            return
        code, unheld = self.scope.unheld(text, documents) if formed else ("", "")
        if code:
            yield self._abstain(result, t0, code, unheld)
            return
        if not formed:
            passages = passages[:read_k]
        # A quarter looked ahead to ("guidance for Q4 2023") is said in sentences, not rows.
        ahead = ahead_quarters(text)
        if ahead and formed:
            passages = [p for p in passages if speaks_ahead(p.chunk.text, ahead)] or passages
        table = (  # "Which accidents ...?": documents; else a table's rows
            None
            if ahead
            else which_documents(text, self.scope.snap(documents), passages)
            or self._from_tables(form if formed else "fact", query, text, passages, documents)
        )
        absent = (
            self.scope.absent(text, passages, documents)
            if table is not None
            else reader_refusing(text, self.scope.unmentioned(text, documents, query), passages)
        )
        if absent:
            yield self._abstain(result, t0, "missing_names", " or ".join(absent))
            return
        if table is not None:
            if table.form == "comparison" and formed and CAUSES.search(text):
                # the rows say how much; each period's sentence saying why follows its figures
                more = self._per_period(query, passages, documents)
                q = self.scope.without_steering(query)
                why = answerer.answer_form("comparison", q, more, self.embedder, text)
                table = with_causes(table, why)
            result.passages = cited_first(result.passages, table)
            result.form = table.form
            yield self._answer(result, table, t0)
            return
        snap, lay, most = self.scope.snap(documents), self.library.layout, s.form_max_items
        # what moved a figure is said in sentences, not listed under the figure's heading
        sectioned = s.section_lists and not (formed and CAUSES.search(text))
        listed = section_list(text, query, snap, lay, passages, most) if sectioned else None
        if listed is not None:
            result.passages = cited_first(result.passages, listed)
            result.form = listed.form or "list"
            yield self._answer(result, listed, t0, documents)
            return
        if formed:
            if form == "comparison":
                passages = result.passages = self._per_period(query, passages, documents)
            rows = [] if ahead else self._form_rows(form, query, passages, documents)
            outcome = answerer.answer_form(
                form, self.scope.without_steering(query), passages, self.embedder, text, rows=rows
            )
            if rows and not outcome.reason:
                result.passages = cited_after(result.passages, outcome)
            yield self._answer(result, outcome, t0, documents)
            return
        for item in answerer.answer(query, passages, text):
            if isinstance(item, Outcome):
                if item.reason == "not_confident":
                    fallback = self._fallback(result, query, passages, documents)
                    if fallback is not None:
                        result.form = fallback.form
                        yield self._answer(result, fallback, t0, documents)
                        return
                yield self._answer(result, item, t0, documents)
                return
            yield item

    def _fallback(self, result: Answer, query: str, passages, documents) -> Outcome | None:
        """A fact question the reader declined: a report's field ("When did the accident
        occur?": "Date: March 3, 2022"), among documents of no period the section it names
        ("the probable cause": "Probable Cause and Findings"), else ("Did Apple report any
        share repurchase ..., and if so, what was the scale ...?") a summary of the same
        passages, in sentences only (10-Q validation: with rows, facts' contains 0.40 ->
        0.35), only among reports known by a period (`fact_fallback="dated"`: over the SQuAD
        dev articles it answered 7 unanswerable questions, abstention 0.698 -> 0.692); None."""
        mode, answerer, question = self.settings.fact_fallback, self.answerer, result.question
        snap, most = self.scope.snap(documents), self.settings.form_max_items
        if head := head_value(question, passages, snap):
            return head
        if self.settings.section_lists and not self.scope.among_dated(query, passages):
            lay = self.library.layout
            if named := section_list(question, query, snap, lay, passages, most, loose=True):
                return named
        if mode == "off" or not hasattr(answerer, "answer_form"):
            return None
        if mode in ("dated", "shaped") and not (
            explained(question) or names_held(query, passages, self.store.current())
        ):
            return None
        if mode == "dated" and not self.scope.among_dated(query, passages):
            return None
        if (
            self.scope.unmentioned(question, documents, query)
            or self.scope.unheld(question, documents)[0]
        ):
            return None  # the names rules refuse it, with their own reason
        # why a figure moved: the figure's rows lead the reader's few passages, and the
        # sentence saying why is further down those retrieved (of the same documents)
        read = passages
        if CAUSES.search(question):
            docs = {p.chunk.doc for p in passages}
            read = [p for p in result.passages if p.chunk.doc in docs]
        outcome = answerer.answer_form(
            "summary", self.scope.without_steering(query), read, self.embedder, question
        )
        return None if outcome.reason else outcome

    def _from_tables(self, form: str, query: str, text: str, passages, documents):
        """A fact, comparison or a list by a division answered from table rows
        (`rag.answer.tables`), or None."""
        s = self.settings
        if not s.table_lookup or form not in ("fact", "comparison", "list"):
            return None
        if form == "fact" and asks_when(text):
            # a row holds amounts, not the day ("When were they paid?"); a cover, its period's
            snap = self.scope.snap(documents)
            return period_end(text, passages, snap) or signed(text, passages, snap)
        if form in ("fact", "list") and CAUSES.search(text) and not ASKS_SHARE.search(text):
            # "What drove the increase in X?", "What factors affected gross margin?": a row
            # says how much, never why
            return None
        from rag.answer.tables import TableSettings, answer_from_tables

        snap = self.scope.snap(documents)
        ts = TableSettings(s.table_min_score)
        return answer_from_tables(form, query, text, passages, snap, ts)

    def _form_rows(self, form: str, query: str, passages, documents) -> list:
        """The table rows a list, summary or comparison reads beside the retrieved sentences
        (`row_lists.form_rows`), or none."""
        s = self.settings
        # Lists read sentences only: on the validation half rows changed no list answer
        # (contains 0.273 either way), and on the test half they crowded out the sentences
        # that explain ("main contributors to net income" listed the "Net income" rows).
        if not s.table_lookup or s.form_row_most <= 0 or form == "list":
            return []
        from rag.answer.row_lists import form_rows

        snap = self.scope.snap(documents)
        # a summary of why a figure moved says the figure once, then the sentences saying why
        most = 1 if form == "summary" and CAUSES.search(query) else s.form_row_most
        return form_rows(form, query, passages, snap, s.form_row_min_score, most)

    def _per_period(self, query: str, passages: list[Passage], documents) -> list[Passage]:
        """A comparison's passages: those retrieved, then the best two of each document of
        the same series (`periods.series_documents`: the same name but its period) not among
        them. Retrieval alone seldom reaches every quarter of a "how has X changed" question."""
        snap = self.store.current()
        names = sorted(snap.documents) if snap else []
        if documents:
            names = [n for n in names if n in documents]
        seen = [p.chunk.doc for p in passages[:3]]
        wanted = series_documents(seen, names, periods(query))
        have = {p.chunk.chunk_id for p in passages}
        out = list(passages)
        for doc in wanted:
            for p in self.retriever.run(query, 2, [doc]):
                if p.chunk.chunk_id not in have:
                    have.add(p.chunk.chunk_id)
                    out.append(replace(p, rank=len(out) + 1))
        return out

    def _answer(self, result: Answer, outcome: Outcome, t0: float, documents=None) -> Answer:
        """The answerer's outcome as the Answer users see: numbered citations, the short
        answer leading its quoted sentence, a disagreement between documents said aloud."""
        result.dropped, result.confidence = outcome.dropped, outcome.confidence
        if outcome.reason in ("not_confident", "form_unsupported"):
            # "Who is the CEO of Snowflake?" on documents that never name Snowflake: say so,
            # with the user's own words of this question only
            missing = self.scope.unmentioned(result.question, documents, result.query)
            if missing:
                return self._abstain(result, t0, "missing_names", " or ".join(missing))
            code, unheld = self.scope.unheld(result.question, documents)
            if code:
                return self._abstain(result, t0, code, unheld)
        if outcome.reason:
            if outcome.reason == "not_confident" and outcome.supports:
                hinted = outcome.supports[0][1]
                result.passages = [hinted, *(p for p in result.passages if p is not hinted)]
                return self._abstain(result, t0, outcome.reason, "", outcome.detail)
            return self._abstain(result, t0, outcome.reason, outcome.detail)
        text, result.citations = number_citations(outcome.supports)
        if outcome.form != "fact":
            text = lines_text(outcome.form, outcome.supports, result.citations, outcome.labels)
        change = cited_change(result.question, outcome, result.citations)
        if outcome.form != "summary" and change:
            text = f"{text}\n- {change}"
        if outcome.notice:
            result.notice = f"{result.notice} {outcome.notice}".strip()
        if outcome.rival is not None:
            _, result.citations = number_citations([*outcome.supports, outcome.rival.support])
            second = result.citations[-1]
            disagree = (
                f"The documents disagree: {second.doc} says “{outcome.rival.text.strip()}” "
                f"[{second.n}]."
            )
            result.notice = f"{result.notice} {disagree}".strip()
        result.answer = text
        result.short_answer = outcome.short_answer
        if outcome.short_answer is not None:
            short = display_text(outcome.short_answer.text)
            if short.strip("$ ") in ("—", "–"):  # a table's dash for the period asked
                short = "None (“—” in the filing)"
            sentence = display_text(outcome.supports[0][0])
            # the short answer leads only when much shorter, else a clause is said twice
            if len(short) <= 0.6 * len(sentence.rstrip(".")) and not change:
                result.answer = f"{short} — {text}"
        result.origins = self.library.origins(result.citations)
        result.abstained = False
        result.seconds = time.perf_counter() - t0
        return result

    def candidate(self, question: str, top_k: int | None = None) -> Candidate | None:
        """The reader's best answer and the verifier's inputs (to fit it); None if no index."""
        answerer = self.answerer
        if not isinstance(answerer, ReadingAnswerer):
            raise ConfigError(f"generator={answerer.name!r}: candidates come from the reader")
        query = clean_question(question, self.settings.max_question_chars)[0]
        passages = self.retriever.run(query, top_k or self.settings.reader_top_k)
        return answerer.candidate(query, passages) if passages else None

    def _abstain(
        self, result: Answer, t0: float, code: str, detail: str = "", may_answer: str = ""
    ) -> Answer:
        if code == "no_documents" and self.library.refreshing:
            # Nothing searchable while a first build or a rebuild runs: not a final "no".
            code = "indexing"
        result.answer = INDEXING_TEXT if code == "indexing" else ABSTAIN_TEXT
        result.abstained = True
        result.reason = code
        result.why = reason("may_answer", may_answer) if may_answer else reason(code, detail)
        waiting = self.library.arriving_documents()
        if waiting:  # a question asked right after an upload must not read as a final "no"
            more = f" and {len(waiting) - 3} more" if len(waiting) > 3 else ""
            result.why += " " + reason("waiting", ", ".join(waiting[:3]) + more)
        result.related = result.passages[:3]
        result.seconds = time.perf_counter() - t0
        return result
