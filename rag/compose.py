"""Answers composed of several questions: a question asked of each party it names, two earlier
answers set side by side. Each takes the `RAG` it asks through and returns the `Answer` users
see."""

from __future__ import annotations

from rag.answer.base import Outcome
from rag.result import Answer


def between_owners(rag, text, asked, notice, t0, top_k, documents) -> Answer | None:
    """A question about two or more of the parties the dated documents are told apart by
    answered as each party's own question, one cited line each (`rag.answer.owners`); None
    for any other question."""
    from rag.answer.owners import owners_of

    found = owners_of(text, rag.scope.snap(documents))
    if found is None:
        return None
    return side_by_side(rag, *found, asked, notice, t0, top_k, documents)


def side_by_side(rag, owners, asks, asked, notice, t0, top_k, documents) -> Answer:
    """Each of `asks` answered on its own, one cited line each labelled by `owners`: a party's
    or an earlier question's."""
    from rag.answer.owners import side_by_side as lines

    answers = [rag.ask(q, top_k=top_k, documents=documents) for q in asks]
    supports, passages, refused = lines(owners, answers)
    result = Answer(asked, "", True, rag.answerer.name, passages=passages, notice=notice)
    result.query, result.form = " ".join(asks), "comparison"
    if not supports:
        return rag._abstain(result, t0, "each_unanswered", "; ".join(refused))
    labels = [o for o in owners if not any(r.startswith(f"{o}: ") for r in refused)]
    said = f"Not answered for {'; '.join(refused)}." if refused else ""
    outcome = Outcome(supports, form="comparison", labels=labels, notice=said)
    return rag._answer(result, outcome, t0, documents)
