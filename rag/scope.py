"""What a question searches: the live snapshot narrowed to the documents asked about, whether
those are look-alike dated reports, and the question's names none of them mentions."""

from __future__ import annotations

from rag.answer.abstain import absent_names, unmentioned_in
from rag.context import document_keys
from rag.steering import dated, period_documents, steer, within_query
from rag.store.base import Store


class Scope:
    """The store's live snapshot seen from one question (the store swaps snapshots as
    documents arrive, so each call reads the current one)."""

    def __init__(self, store: Store):
        self.store = store

    def without_steering(self, query: str) -> str:
        """The question without the words that chose its documents (`steering.within_query`:
        periods, the names the documents are known by, "10-Q", "report"): every sentence of
        those documents shares them, so a sentence sharing only them ("I, Timothy D. Cook,
        certify ...", "... include the accounts of Apple Inc.") must not count as support."""
        snap = self.store.current()
        # Only among look-alike dated documents (the named ones, or all when the name is every
        # document's: one company's filings); among articles a name is often what is asked.
        if snap is None or not self.among_dated(query):
            return query
        return within_query(query, document_keys(snap))

    def among_dated(self, query: str, passages=()) -> bool:
        """Whether the documents `query` is steered to (else those of the first `passages`, or
        all) are look-alike reports known by a period (`steering.dated`)."""
        snap = self.store.current()
        if snap is None:
            return False
        snap, docs = steer(snap, query, "prefer")
        docs = docs or period_documents(query, document_keys(snap))  # a comparison's
        return dated(snap, docs or [p.chunk.doc for p in passages[:3]] or list(snap.documents))

    def unmentioned(self, question: str, documents=None, query: str = "") -> list[str]:
        """The names of `question` no searched document mentions (`abstain.unmentioned_in`)."""
        snap = self.snap(documents)
        return [] if snap is None else unmentioned_in(snap, question, query)

    def absent(self, question: str, passages, documents) -> list[str]:
        """The names of `question` that no searched document holds, nor anything like them in
        the passages (`absent_names`): "NVIDIA" over Microsoft's filing, whose rows and
        sentences are another company's. (An all-caps word is often a role or a measure, "CEO":
        never one of them.) Not applied to the reader's own answers: on the SQuAD test
        articles it refused 4 answerable questions there ("What Columbia President went to
        Harvard?") for 2 unanswerable ones."""
        missing = [w for w in self.unmentioned(question, documents) if not w.isupper()]
        return absent_names(missing, [p.chunk.text for p in passages]) if missing else []

    def snap(self, documents):
        """The live snapshot, searching only `documents` when given."""
        snap = self.store.current()
        return snap.restricted(documents) if snap is not None and documents else snap
