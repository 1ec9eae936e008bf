"""The one interface the pipeline answers through.

An `Answerer` reads the retrieved passages and yields the draft as it is written (drafting
models only), then one `Outcome`: what to cite, the short answer, the confidence, another
document's differing answer, or why it abstains. The pipeline turns an outcome into an
`Answer` without knowing which answerer ran. `Model` is what an answer model provides; each kind
says which answerer decides for it (`Model.answerer`).
"""

from __future__ import annotations

import abc
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from rag.answer.cite import Attributor
    from rag.retrieve import Passage
    from rag.settings import Settings
    from rag.store.embed import Embedder

# (sentence, passage, start, end, score): one cited sentence, as `cite.number_citations` takes it
Support = tuple


@dataclass(frozen=True)
class ShortAnswer:
    """The reader's answer span: `document[start:end] == text`."""

    text: str
    doc: str
    start: int
    end: int


@dataclass(frozen=True)
class Rival:
    """Another document's different answer, and the sentence that gives it."""

    text: str
    support: Support


@dataclass
class Outcome:
    """What an answerer decided. `reason` (a code of `abstain.REASONS`) set: it abstains."""

    supports: list[Support] = field(default_factory=list)
    short_answer: ShortAnswer | None = None
    confidence: float | None = None  # the verifier's probability that the question is answered
    rival: Rival | None = None
    reason: str = ""
    detail: str = ""
    dropped: list[str] = field(default_factory=list)  # draft sentences no passage supports
    form: str = "fact"  # the answer's form (rag.answer.forms.FORMS)
    labels: list[str] = field(default_factory=list)  # a comparison: each line's period
    notice: str = ""  # said beside the answer (e.g. a comparison found one period only)
    said_why: int = 0  # the last supports say why a figure moved: no arithmetic reads them


class Answerer(Protocol):
    name: str  # reported in every answer
    top_k: int  # passages it reads when the caller does not say
    generator: Model  # the model it decides with
    settings: Settings

    def warm_up(self) -> None: ...

    def answer(
        self, question: str, passages: list[Passage], asked: str = ""
    ) -> Iterator[str | Outcome]:
        """The draft so far (str, drafting models only), then exactly one Outcome. `question`
        is what is read (a follow-up joined with the previous question); `asked`, when given,
        is the user's own question: a reason names only its words."""
        ...


class Model(abc.ABC):
    """An answer model, chosen by name (`rag.answer.registry`). `name` is reported in every
    result; `answerer` gives the answerer that decides with it."""

    name = "model"

    @classmethod
    def from_settings(cls, settings, embedder: Embedder) -> Model:
        return cls()

    def warm_up(self) -> None:  # noqa: B027 - optional hook: models without weights need none
        """Load the model; raises GeneratorUnavailable with the reason."""

    @abc.abstractmethod
    def answerer(self, settings: Settings, attributor: Attributor) -> Answerer: ...
