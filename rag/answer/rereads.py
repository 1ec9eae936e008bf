"""Which sentence of a passage the reader re-reads alone (`ReadingAnswerer._reread`): one
that holds what the question asks, whose answer the reader declines when it reads the sentences
around it too."""

from __future__ import annotations

from rag.answer.spans import MEASURE, asks_measure, has_figure
from rag.retrieve import Passage
from rag.text import numbers, stems


def numbered_sentence(question: str, passage: Passage) -> bool:
    """Whether one sentence alone of `passage` holds every number of the question, all of its
    content words but one, and a figure of its own: "What is the trade target for 2024?" over
    "... the goal ... on the volume of trade turnover in the amount of 200 billion US dollars by
    2024 ..." (read with the sentence before it, of other dollar figures, the reader prefers no
    answer; alone, it reads "200 billion US dollars"). Such a sentence is re-read alone
    (`ReadingAnswerer._reread`) by default, under the sentence verifier's bar.

    >>> from rag.ingest.chunk import Chunk
    >>> t = "Exports grew 47%. The goal of trade of 200 billion dollars by 2024 will be met."
    >>> numbered_sentence("What is the trade target for 2024?", Passage(1, 0.5, Chunk("a::0", "a", 0, len(t), t)))
    True
    >>> numbered_sentence("What is the trade target?", Passage(1, 0.5, Chunk("a::0", "a", 0, len(t), t)))
    False
    """
    asked = numbers(question)
    if not asked:
        return False
    from rag.answer.forms import question_terms

    words = {w for w in question_terms(question) if not w[0].isdigit()}
    text = passage.chunk.text
    held = [
        (a, b)
        for a, b in passage.chunk.sentence_spans()
        if asked <= numbers(text[a:b])
        and numbers(text[a:b]) - asked
        and len(words - stems(text[a:b])) <= 1
        and len(words) >= 2
    ]
    return len(held) == 1


def measure_sentence(question: str, passage: Passage) -> bool:
    """Whether a question asking a quantity ("How long is the warranty?") has one sentence
    alone of `passage` holding every content word of the question and a figure: "The AquaPure
    300 is covered by a two-year limited warranty ..." (read with the manual's filter steps
    before it, the reader prefers no answer; alone, "two-year limited warranty"). Re-read like
    `numbered_sentence`'s.

    >>> from rag.ingest.chunk import Chunk
    >>> t = "Flush it for 5 minutes. It has a two-year warranty. The warranty excludes frost."
    >>> p = Passage(1, 0.5, Chunk("a::0", "a", 0, len(t), t))
    >>> measure_sentence("How long is the warranty?", p), measure_sentence("Who gives the warranty?", p)
    (True, False)
    >>> measure_sentence("How long is the filter flush?", p)
    False
    """
    if not asks_measure(question):
        return False
    from rag.answer.forms import question_terms

    words = question_terms(MEASURE.sub(" ", question))
    text = passage.chunk.text
    held = [
        (a, b)
        for a, b in passage.chunk.sentence_spans()
        if not words - stems(text[a:b]) and has_figure(text[a:b])
    ]
    return bool(words) and len(held) == 1
