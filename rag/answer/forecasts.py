"""Forecasts are not what was: a fact asking what a figure was ("How much did product revenue
grow in Q3?") is not read off a sentence saying what is expected ("For the fourth quarter, we
expect product revenue between ..."), which a call's or a report's outlook sets beside the
quarter's results."""

from __future__ import annotations

import re
from dataclasses import replace

from rag.answer.spans import choose_span
from rag.context import AHEAD

# A sentence saying what is to come ("For the fourth quarter, we expect product revenue between
# ...", "Revenue is expected to be ..."), and a question asking what was ("How much did product
# revenue grow in Q3?", "What was the operating margin?"), not what will be.
_FORECAST = re.compile(
    r"(?i)\b(?:we|i|they|management|the company) (?:now |currently |still )?(?:expect|"
    r"anticipate|forecast|project|guide)\w*\b|\b(?:is|are) (?:expected|projected|anticipated|"
    r"forecast) to\b|\bguidance\b|\boutlook\b"
)
_ASKS_WHAT_WAS = re.compile(r"(?i)\b(?:did|was|were|had)\b")
_SAYS_WHAT_WAS = re.compile(r"(?i)\b(?:was|were)\b")
# what is to come asked beside the words of an outlook (`context.AHEAD`)
_LATER = re.compile(r"(?i)\b(?:will|plan\w*|next|coming|future|upcoming)\b")


def _text(passages, at: tuple[int, int, int]) -> str:
    k, a, b = at
    return passages[k].chunk.text[a:b]


def asks_what_was_of_a_forecast(question: str, sentence: str) -> bool:
    """Whether a span's sentence is a forecast and the question asks what was: a call's "For
    the fourth quarter, we expect product revenue between $716 million and $721 million,
    representing year-over-year growth between 29% and 30%" is not how much revenue grew in
    the third.

    >>> asks_what_was_of_a_forecast("How much did revenue grow in Q3?",
    ...     "For the fourth quarter, we expect revenue growth between 29% and 30%.")
    True
    >>> asks_what_was_of_a_forecast("How much unrecognized cost did Apple have?",
    ...     "The cost was $20.9 billion, which the Company expects to recognize over 2.7 years.")
    False
    """
    return bool(
        _FORECAST.search(sentence)
        # "... was $20.9 billion, which the Company expects to recognize over 2.7 years" says
        # what was, and what is expected of it
        and not _SAYS_WHAT_WAS.search(sentence)
        and _ASKS_WHAT_WAS.search(question)
        and not (AHEAD.search(question) or _LATER.search(question))
    )


def not_a_forecast(reader, query, passages, spans, bounds, texts, best, weight):
    """(spans, bounds, texts, best) with `best` moved off a forecast's sentence
    (`asks_what_was_of_a_forecast`) to the best span of the sentences of the passages read
    that forecast nothing, each read alone (a passage's one span was the forecast's, or
    another figure's: "Adjusted free cash flow was $61 million" for the operating margin);
    unmoved when the reader holds none of them an answer."""
    sents = [
        (k, a, b)
        for k, p in enumerate(passages)
        for a, b in p.chunk.sentence_spans()
        if p.chunk.text[a:b].strip() and not _FORECAST.search(p.chunk.text[a:b])
    ]
    read = reader.read(query, [passages[k].chunk.text[a:b] for k, a, b in sents])
    held = [s for s in read if s.margin > 0]
    if not held:
        return spans, bounds, texts, best
    sub = choose_span(query, held, [_text(passages, sents[s.passage]) for s in held], weight)
    s = held[sub]
    k, a, b = sents[s.passage]
    span = replace(s, passage=k, start=s.start + a, end=s.end + a)
    # The new span stands for its passage, and a forecast's span is no rival answer: kept,
    # its wide margin would weigh against the answer in the verifier's margin gap.
    keep = [i for i, x in enumerate(spans) if x.passage != k and not _FORECAST.search(texts[i])]
    return (
        [*(spans[i] for i in keep), span],
        [*(bounds[i] for i in keep), (a, b)],
        [*(texts[i] for i in keep), passages[k].chunk.text[a:b]],
        len(keep),
    )
