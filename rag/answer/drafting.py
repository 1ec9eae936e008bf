"""Drafting models (`Generator`: they write text) and their decision: hand rules first
(retrieval gate, missing numbers), then the draft, kept only where `cite.Attributor` finds a
passage that supports it."""

from __future__ import annotations

import abc
from collections.abc import Iterator

from rag.answer.abstain import NOT_IN_DOCUMENTS, unanswerable
from rag.answer.base import Answerer, Model, Outcome
from rag.answer.cite import Attributor
from rag.retrieve import Passage
from rag.settings import Settings


class Generator(Model):
    """A drafting generator: it writes text, cited afterwards."""

    name = "generator"
    streams = False

    def generate(self, question: str, passages: list[Passage]) -> str:
        return "".join(self.stream(question, passages))

    @abc.abstractmethod
    def stream(self, question: str, passages: list[Passage]) -> Iterator[str]:
        """Yield the draft as it is written."""

    def answerer(self, settings: Settings, attributor: Attributor) -> Answerer:
        """The answerer that decides for this model: a draft, then its attributed citations."""
        return DraftingAnswerer(self, settings, attributor)


class DraftingAnswerer:
    def __init__(self, generator: Generator, settings: Settings, attributor: Attributor):
        self.generator = generator
        self.name = generator.name
        self.settings = settings
        self.attributor = attributor
        self.top_k = settings.top_k

    def warm_up(self) -> None:
        self.generator.warm_up()

    def answer(
        self, question: str, passages: list[Passage], asked: str = ""
    ) -> Iterator[str | Outcome]:
        code, detail = unanswerable(asked or question, passages, self.settings.min_retrieval_score)
        if code:
            yield Outcome(reason=code, detail=detail)
            return
        draft = ""
        for piece in self.generator.stream(question, passages):
            draft += piece
            yield draft
        if not draft.strip() or NOT_IN_DOCUMENTS.search(draft):
            yield Outcome(reason="model_declined")
            return
        supports, dropped = self.attributor.attribute(draft, passages)
        yield Outcome(supports, dropped=dropped, reason="" if supports else "unsupported")
