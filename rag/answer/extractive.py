"""Today's offline fallback without a model: pick the retrieved sentence that best answers.

Hand-scored (meaning, shared words, passage rank); kept behind the trained reader for
collections the reader cannot load for. Its confidence is not calibrated (see issue 9).
"""

from __future__ import annotations

import re

from rag.answer.drafting import Generator
from rag.errors import ConfigError
from rag.retrieve import Passage
from rag.store.embed import Embedder
from rag.text import content_tokens, numbers, stem

# Words a question uses to ask rather than to name what it is about: never "missing".
_QUESTION_WORDS = frozenset(
    """called named call name say says said mention mentioned describe described according
    happen happened take took taken place held hold kind type main list give given tell
    document documents article paper text author wrote written
    number numbers code year years date day month period time percentage percent amount value
    figure total size city cities country countries person people who much many""".split()
)


def vocabulary(texts) -> frozenset[str]:
    """4- and 5-letter prefixes (whole short words, numbers) of the content words of `texts`.

    >>> sorted(vocabulary(["Harbin grows"]))
    ['grow', 'grows', 'harb', 'harbi']
    """
    out = set()
    for t in texts:
        out.update(stem(w, n) for w in content_tokens(t) for n in (4, 5))
    return frozenset(out)


def missing_terms(question: str, vocab: frozenset[str]) -> list[str]:
    """Content words of the question that the texts never use (matched on prefixes).

    A question about the population of a city is rarely answered by passages that never use
    the word; the extractive scorer lowers its confidence for each such word.

    >>> v = vocabulary(["Khabarovsk Krai plans an official visit.", "Trade is growing."])
    >>> missing_terms("What is the population of Khabarovsk?", v)
    ['population']
    >>> missing_terms("Did trade grow?", v)
    []
    """
    return [
        w for w in content_tokens(question) if w not in _QUESTION_WORDS and stem(w, 5) not in vocab
    ]


class ExtractiveGenerator(Generator):
    """No language model: answers with the retrieved sentence(s) that best answer the question."""

    name = "extractive"

    def __init__(
        self,
        embedder: Embedder,
        max_sentences: int = 1,
        second_margin: float = 0.03,
        min_score: float = 0.4,
        missing_term_penalty: float = 0.2,
        synonym_similarity: float = 0.75,
    ):
        if max_sentences < 1:
            raise ConfigError(f"max_sentences={max_sentences}: must be at least 1")
        self.embedder = embedder
        self.min_score = min_score  # below it no sentence answers: say so rather than guess
        self.missing_term_penalty = missing_term_penalty
        self.synonym_similarity = synonym_similarity
        self.max_sentences = max_sentences
        self.second_margin = second_margin

    @classmethod
    def from_settings(cls, settings, embedder: Embedder) -> Generator:
        return cls(embedder, min_score=settings.min_answer_score)

    def stream(self, question: str, passages: list[Passage]):
        yield self.generate(question, passages)

    def rank(self, question: str, passages: list[Passage]) -> list[tuple[float, str]]:
        """(score, sentence) pairs, best first; duplicates from overlapping chunks removed."""
        seen, cands = set(), []
        for p in passages:
            for a, b in p.chunk.sentence_spans():
                key = (p.chunk.doc, p.chunk.start + a)
                if key not in seen:
                    seen.add(key)
                    cands.append((p, p.chunk.text[a:b]))
        if not cands:
            return []
        vecs = self.embedder.embed_cached([question] + [s for _, s in cands])
        sims = vecs[1:] @ vecs[0]
        # Each thing the question asks about that no passage names, not even by a close
        # synonym ("firms" for "enterprises"), lowers every candidate.
        penalty = self.missing_term_penalty * len(self.unknown_terms(question, passages))
        return sorted(
            (
                (score_sentence(question, s, float(sim), p.score) - penalty, s)
                for (p, s), sim in zip(cands, sims, strict=True)
            ),
            reverse=True,
        )

    def unknown_terms(self, question: str, passages: list[Passage]) -> list[str]:
        """Question words no passage uses, nor a word whose embedding is close to it."""
        missing = missing_terms(question, vocabulary(p.chunk.text for p in passages))
        if not missing:
            return []
        words = sorted({w for p in passages for w in content_tokens(p.chunk.text)})
        vecs = self.embedder.embed_cached(missing + words)
        m, w = vecs[: len(missing)], vecs[len(missing) :]
        best = (m @ w.T).max(axis=1) if len(words) else [0.0] * len(missing)
        return [t for t, b in zip(missing, best, strict=True) if b < self.synonym_similarity]

    def generate(self, question: str, passages: list[Passage]) -> str:
        ranked = self.rank(question, passages)
        if not ranked or ranked[0][0] < self.min_score:
            return ""
        chosen = [ranked[0][1]]
        for score, sent in ranked[1 : self.max_sentences]:
            if score >= ranked[0][0] - self.second_margin:
                chosen.append(sent)
        return " ".join(chosen)


_QUANTITY = re.compile(
    r"\b(how (many|much)|what (year|amount|number|percentage|share)|when)\b", re.I
)


def score_sentence(question: str, sentence: str, similarity: float, passage_score: float) -> float:
    """Blend meaning, shared words and passage rank; reward numbers when one is asked for.

    >>> a = score_sentence("How many firms?", "It had 1246 firms.", 0.5, 0.5)
    >>> b = score_sentence("How many firms?", "It had many firms.", 0.5, 0.5)
    >>> a > b
    True
    """
    # Loose prefixes: "Chinese" meets "China"; numbers cut too ("10000" meets "1000").
    q = {stem(w, 4, whole_numbers=False) for w in content_tokens(question)}
    s = {stem(w, 4, whole_numbers=False) for w in content_tokens(sentence)}
    overlap = len(q & s) / len(q) if q else 0.0
    score = 0.6 * similarity + 0.25 * overlap + 0.15 * passage_score
    if _QUANTITY.search(question) and not numbers(sentence) - numbers(question):
        score -= 0.1  # a number is asked for; repeating the question's own is no answer
    if len(sentence) < 25:  # headings and bylines are rarely answers
        score -= 0.1
    if s and s <= q:  # it only repeats the question (a title, say): no answer in it
        score -= 0.3
    return score
