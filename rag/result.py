"""What an answer is, as every caller receives it: the one shape of `--json`, `/ask`, the chat
and eval rows (`Answer.to_dict`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from rag.answer.base import ShortAnswer
from rag.answer.cite import Citation
from rag.retrieve import Passage
from rag.text import display_text


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
    reason: str = ""  # the reason code (rag.answer.abstain.REASONS)
    short_answer: ShortAnswer | None = None  # reader answers only
    confidence: float | None = None  # the verifier's probability that the question is answered
    origins: dict[str, dict] = field(default_factory=dict)  # cited document -> where it came from
    query: str = ""  # what was sent to retrieval (after follow-up rewriting)
    seconds: float = 0.0
    form: str = "fact"  # what the question asks for: fact, list, summary or comparison

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "generator": self.generator,
            "citations": [
                {
                    **asdict(c),
                    "display": display_text(c.quote),  # the quote with its markup rendered
                    "origin": self.origins.get(c.doc, {"origin": "folder"}),
                }
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
            "form": self.form,
        }
