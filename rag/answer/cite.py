"""Attribution: which retrieved sentences support which answer sentences. Pure functions.

Markers written by a model are never trusted; citations are derived from support found here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from rag.text import STOPWORDS, WORD, content_tokens, display_text, numbers, stem, strip_markers


def lexical_support(claim: str, source: str) -> float:
    """Share of the claim's content words found in the source (0..1).

    >>> lexical_support("The EXPO was held in Harbin.", "The 6th EXPO takes place in Harbin.")
    1.0
    >>> lexical_support("The EXPO was held in Moscow.", "The 6th EXPO takes place in Harbin.")
    0.5
    """
    claim_words = {stem(w) for w in content_tokens(claim) if w not in {"held"}}
    if not claim_words:
        return 0.0
    source_words = {stem(w) for w in content_tokens(source)}
    return len(claim_words & source_words) / len(claim_words)


@dataclass(frozen=True)
class Support:
    source: int  # index into the candidate source sentences
    lexical: float
    semantic: float


def unsupported_names(claim: str, source: str) -> list[str]:
    """Capitalised words after the claim's first word (names) that the source lacks.

    >>> unsupported_names("The Sino-Russian EXPO was held in Moscow.", "The Sino-Russian EXPO in Harbin.")
    ['Moscow']
    """
    source_words = {stem(w) for w in content_tokens(source)}
    found = []
    for m in list(WORD.finditer(claim))[1:]:
        word = m.group()
        if (
            word[0].isupper()
            and word.lower() not in STOPWORDS
            and stem(word.lower()) not in source_words
        ):
            found.append(word)
    return found


def is_supported(
    claim: str, source: str, semantic: float, min_lexical: float = 0.5, min_semantic: float = 0.55
) -> Support | None:
    """Does `source` back `claim`? Every number in the claim must appear in the source, and the
    words and meaning must both overlap enough. Returns the evidence, or None.

    >>> bool(is_supported("1246 enterprises came.", "1246 enterprises from China came.", 0.9))
    True
    >>> is_supported("1969 enterprises came.", "1246 enterprises from China came.", 0.9) is None
    True
    >>> is_supported("Guo Li heads the Institute of Foreign Affairs.",
    ...              "Guo Li heads the Russian Institute, Heilongjiang University.", 0.9) is None
    True
    """
    if not numbers(claim) <= numbers(source) or unsupported_names(claim, source):
        return None
    lexical = lexical_support(claim, source)
    if lexical >= min_lexical and semantic >= min_semantic:
        return Support(-1, lexical, semantic)
    return None


def best_support(
    claim: str,
    sources: list[str],
    semantic: list[float],
    min_lexical: float = 0.5,
    min_semantic: float = 0.55,
) -> Support | None:
    """The strongest supporting source for one claim, by lexical + semantic score."""
    best: Support | None = None
    for i, (src, sim) in enumerate(zip(sources, semantic, strict=True)):
        s = is_supported(claim, src, sim, min_lexical, min_semantic)
        if s and (best is None or s.lexical + s.semantic > best.lexical + best.semantic):
            best = Support(i, s.lexical, s.semantic)
    return best


# ---- from a draft to numbered citations ----------------------------------------------------


@dataclass(frozen=True)
class Citation:
    n: int
    doc: str
    chunk_id: str
    start: int  # span of the supporting sentence in the document
    end: int
    quote: str  # == document[start:end]
    score: float
    page: int | None = None  # where the span starts in the original: PDF page (from 1)
    section: str | None = None  # the heading path over it ("Background › Trade")


def number_citations(supports) -> tuple[str, list[Citation]]:
    """(sentence, passage, start, end, score) per supported sentence -> text with [n], citations.

    `start`/`end` are offsets into the passage's text. Numbers follow first appearance; the
    same supporting span is cited once under one number. The text shows each sentence with its
    markup rendered (`display_text`) and says a sentence once; the citations quote it exactly.
    """
    citations: list[Citation] = []
    by_span: dict[tuple[str, int, int], int] = {}
    parts, said = [], set()
    for sentence, passage, start, end, score in supports:
        c = passage.chunk
        key = (c.doc, c.start + start, c.start + end)
        if key not in by_span:
            by_span[key] = len(citations) + 1
            citations.append(
                Citation(
                    by_span[key],
                    c.doc,
                    c.chunk_id,
                    key[1],
                    key[2],
                    c.text[start:end],
                    round(score, 4),
                )
            )
        shown = display_text(sentence)
        if shown.lower() in said:
            continue  # the same clause twice reads as a stutter
        said.add(shown.lower())
        parts.append(f"{shown} [{by_span[key]}]")
    return " ".join(parts), citations


class Attributor:
    """Finds, for each sentence of a draft, the retrieved sentence that supports it."""

    def __init__(self, embedder, min_lexical: float, min_semantic: float):
        self.embedder = embedder
        self.min_lexical = min_lexical
        self.min_semantic = min_semantic

    def attribute(self, draft: str, passages):
        """(supports, dropped): supports as `number_citations` takes them; dropped sentences
        are those no retrieved sentence supports (an unsupported tail is cut at a clause)."""
        from rag.ingest.chunk import split_sentences

        clean = strip_markers(draft)
        claims = [clean[a:b] for a, b in split_sentences(clean)]
        sources = []
        for p in passages:
            sources.extend((p, a, b) for a, b in p.chunk.sentence_spans())
        if not claims or not sources:
            return [], claims
        texts = [p.chunk.text[a:b] for p, a, b in sources]
        vecs = self.embedder.embed_cached(claims + texts)
        sims = vecs[: len(claims)] @ vecs[len(claims) :].T
        supports, dropped = [], []
        for i, claim in enumerate(claims):
            best = best_support(
                claim, texts, [float(x) for x in sims[i]], self.min_lexical, self.min_semantic
            )
            if best is None:
                claim, best = self.supported_prefix(claim, texts)
            if best is None:
                dropped.append(claims[i])
                continue
            p, a, b = sources[best.source]
            supports.append((claim, p, a, b, best.semantic))
        return supports, dropped

    def supported_prefix(self, claim: str, texts: list[str]):
        """The longest clause-boundary prefix of `claim` that a source supports.

        Small models append invented details ("..., in 2013."); the supported head is kept and
        the rest dropped, rather than losing the sentence or citing the invention.
        """
        cuts = [m.start() for m in re.finditer(r",|;|\s(?:and|but|which|while)\s", claim)]
        for cut in reversed(cuts):
            head = claim[:cut].rstrip()
            if len(head.split()) < 4:
                break
            vecs = self.embedder.embed_cached([head, *texts])
            best = best_support(
                head,
                texts,
                [float(x) for x in vecs[1:] @ vecs[0]],
                self.min_lexical,
                self.min_semantic,
            )
            if best is not None:
                return head + ".", best
        return claim, None


# ---- the passages an answer cites, among those shown -----------------------------------------


def cited_first(passages: list, outcome) -> list:
    """The passages an answer from table rows or a section cites (`outcome.supports`), then
    the others of `passages`, ranked anew; the supports then name these passages. (A row of a
    steered document may come from a passage retrieval did not bring.)"""
    cited = [x[1] for x in outcome.supports]
    ids = {p.chunk.chunk_id for p in cited}
    ranked = list({p.chunk.chunk_id: p for p in cited}.values()) + [
        p for p in passages if p.chunk.chunk_id not in ids
    ]
    return _rank_as(outcome, [replace(p, rank=i) for i, p in enumerate(ranked, 1)])


def cited_after(passages: list, outcome) -> list:
    """`passages`, then each passage `outcome` cites that they lack (a row cited from a passage
    retrieval did not bring): the ranking stays retrieval's."""
    ranked = list(passages)
    ids = {p.chunk.chunk_id for p in ranked}
    for x in outcome.supports:
        if x[1].chunk.chunk_id not in ids:
            ids.add(x[1].chunk.chunk_id)
            ranked.append(replace(x[1], rank=len(ranked) + 1))
    return _rank_as(outcome, ranked)


def _rank_as(outcome, ranked: list) -> list:
    """`ranked`, with `outcome`'s supports naming those passages (with their new ranks) rather
    than the copies they were built on."""
    at = {p.chunk.chunk_id: p for p in ranked}
    outcome.supports = [(x[0], at[x[1].chunk.chunk_id], *x[2:]) for x in outcome.supports]
    return ranked
