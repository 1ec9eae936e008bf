"""Hybrid retrieval over the live index snapshot: dense (FAISS) fused with BM25 (`lexical`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from rag import steering
from rag.answer.causes import asks_why, asks_why_moved, says_why_of
from rag.answer.tables import asked_names, row_passages
from rag.answer.vocabulary import with_expansions
from rag.context import document_keys, document_names
from rag.ingest.chunk import Chunk
from rag.steering import dated, identified, steer, within_query
from rag.store.base import Snapshot
from rag.store.embed import Embedder

from .errors import ConfigError
from .settings import FUSIONS, Settings
from .text import DATE, dates, display_text, names

# How many places a passage of a preferred document moves up the fused ranking ("prefer"
# mode); None puts them all first. Chosen on the validation half (research/context_check.py,
# answer passage in the top 5: 0.30 / 0.31 / 0.35 / 0.37 moved up 2 / 5 / 10 / 20, 0.41 first).
PREFER_LIFT: int | None = None
# How many of the first slots the preferred documents' passages take (None: all of theirs).
PREFER_SLOTS: int | None = None


def prefer(order: list, snap, docs: set[str] | None, lift: int | None = None) -> list:
    """The fused candidates, those of the preferred documents moved up `lift` places (all
    first when None); otherwise in their order."""
    if not docs:
        return order
    lift = PREFER_LIFT if lift is None else lift
    if lift is None:
        first = [key for key in order if snap.chunk(key).doc in docs]
        if PREFER_SLOTS is not None:
            # only the first slots go to the named documents; the rest keep their order
            first = first[:PREFER_SLOTS]
            placed = set(first)
            return first + [key for key in order if key not in placed]
        return first + [key for key in order if snap.chunk(key).doc not in docs]
    at = {
        key: i - (lift + 0.5 if snap.chunk(key).doc in docs else 0) for i, key in enumerate(order)
    }
    return sorted(order, key=at.__getitem__)


@dataclass(frozen=True)
class Passage:
    rank: int  # 1-based
    score: float  # cosine similarity of question and passage
    chunk: Chunk
    page: int | None = None  # where the passage starts in the original (see rag.ingest.formats)
    section: str | None = None
    # a filing's risk factors or forward-looking statements, put after the others (`run`)
    hypothetical: bool = False
    # holds the rare names (or days) the question gives (`Retriever.with_rare_names`): a list
    # or summary of "What did Amazon say about the FTC lawsuit?" reads only such passages
    named: bool = False

    def to_dict(self) -> dict:
        c = self.chunk
        return {
            "rank": self.rank,
            "score": round(self.score, 4),
            "doc": c.doc,
            "chunk_id": c.chunk_id,
            "start": c.start,
            "end": c.end,
            "text": c.text,
            "display": display_text(c.text),  # markup rendered, for reading only
            "page": self.page,
            "section": self.section,
        }


def fuse_ranks(*rankings: list[int], k: int = 60) -> list[int]:
    """Reciprocal-rank fusion of several rankings (lists of ids, best first).

    >>> fuse_ranks([1, 2, 3], [3, 1, 2])
    [1, 3, 2]
    """
    score: dict[int, float] = {}
    for ranking in rankings:
        for r, i in enumerate(ranking):
            score[i] = score.get(i, 0.0) + 1.0 / (k + r + 1)
    return sorted(score, key=lambda i: (-score[i], i))


def fuse_convex(dense: dict, lexical: dict, alpha: float) -> list:
    """Convex combination of min-max normalised scores (Bruch et al., "An Analysis of Fusion
    Functions for Hybrid Retrieval", 2023): alpha * dense + (1 - alpha) * lexical, a passage
    missing from one side scoring that side's minimum.

    >>> fuse_convex({1: 0.9, 2: 0.5}, {2: 7.0, 3: 1.0}, 0.3)
    [2, 1, 3]
    """

    def norm(scores: dict) -> dict:
        if not scores:
            return {}
        lo, hi = min(scores.values()), max(scores.values())
        return {i: (x - lo) / (hi - lo) if hi > lo else 1.0 for i, x in scores.items()}

    d, lx = norm(dense), norm(lexical)
    total = {i: alpha * d.get(i, 0.0) + (1 - alpha) * lx.get(i, 0.0) for i in {*d, *lx}}
    return sorted(total, key=lambda i: (-total[i], i))


# A filing's risk factors say what might happen ("As a result of future acquisitions ... we
# might need to issue additional equity"), and they share the words of most questions about
# what did happen ("Did Amazon report any acquisitions?"): they lead the ranking of such
# questions and crowd out the note that answers ("we entered into an agreement to acquire
# iRobot"). 10-Q validation: contains 0.634 -> 0.648. So do the forward-looking statements
# ("Actual results and outcomes could differ materially for a variety of reasons, including
# ... risks of inventory management ...").
_RISK_HEADING = re.compile(r"\brisk factors?\b", re.I)
# ... only where the passage itself speaks of them: a heading the extractor missed after the
# note ("Highlights from the first quarter ...") leaves the note's heading on what follows.
_FORWARD = re.compile(r"\bforward[- ]looking statements?\b|\bdiffer materially\b", re.I)
ASKS_RISK = re.compile(
    r"\b(risks?|uncertaint\w*|threats?|exposures?|contingenc\w*|proceedings?|litigation)\b",
    re.I,
)
# A filing's "Item 1A. Risk Factors" runs to its next item's heading line ("Item 2.
# Management's ...", not a line wrapped before "Item 1A of the 2022 Form 10-K"), under
# sub-headings of its own ("We Face Significant Inventory Risk") that a passage's heading path
# keeps instead of it.
_ITEM = re.compile(r"(?m)^[ \t]*(?:ITEM|Item)[ \t]+\d+[A-Z]?\b\.?[ \t]*[—–:-]?[ \t]*[A-Z]")
_RISK_ITEM = re.compile(
    r"(?i)[ \t]*item[ \t]+1a\b\.?[ \t]*[—–:-]?[ \t]*risk factors[ \t]*\.?[ \t]*$", re.M
)


_AND_WHY = re.compile(r"\band (?:why|what (?:drove|caused|explains))\b", re.I)


def hypothetical(passage: Passage, inside: frozenset[str] = frozenset()) -> bool:
    """Whether a passage stands under a heading naming risk factors, or forward-looking
    statements and speaks of them, or is one of `inside` (`risk_items`).

    >>> ctx = "f | § Item 2 › Note About Forward-Looking Statements"
    >>> p = lambda text: Passage(1, 0.5, Chunk("f::0", "f", 0, len(text), text, context=ctx))
    >>> hypothetical(p("We undertake no obligation to update forward-looking statements."))
    True
    >>> hypothetical(p("Highlights: Microsoft Cloud revenue increased 24%."))
    False
    """
    c = passage.chunk
    return (
        c.chunk_id in inside
        or bool(_RISK_HEADING.search(c.context))
        or bool(_FORWARD.search(c.context) and _FORWARD.search(c.text))
    )


def risk_items(chunks: list[Chunk]) -> frozenset[str]:
    r"""The ids of the passages of one filing's risk factors item: from its "Item 1A. Risk
    Factors" heading line to the next item's (a passage counts by its middle).

    >>> c = lambda n, text: Chunk(f"f::{n}", "f", 100 * n, 100 * n + len(text), text)
    >>> sorted(risk_items([c(0, "Item 1A. Risk Factors 34\nItem 2. MD&A"),
    ...     c(1, "Sales rose sharply this quarter.\nItem 1A. Risk Factors"), c(2, "We face risks."),
    ...     c(3, "See Part I,\nItem 1A of the 2022 Form 10-K."), c(4, "Item 5. Other Information")]))
    ['f::2', 'f::3']
    """
    heads = sorted(
        (c.start + m.start(), bool(_RISK_ITEM.match(c.text, m.start())))
        for c in chunks
        for m in _ITEM.finditer(c.text)
    )
    spans = [
        (at, next((b for b, risk in heads if b > at and not risk), float("inf")))
        for at, risk in heads
        if risk
    ]
    return frozenset(
        c.chunk_id for c in chunks if any(a <= (c.start + c.end) / 2 < b for a, b in spans)
    )


# A question's name held by at most this many passages is rare: those passages come first.
RARE_NAME_HITS = 3


def rare_names(query: str, snap) -> list[str]:
    """The question's names (capitalised words after its first) that are not a document's
    name (those choose documents), of four letters or more or an acronym ("FTC")."""
    known = document_names(snap)
    # a possessive is its name's ("Amazon's investment": Amazon, which chose the documents)
    said = dict.fromkeys(re.sub(r"['’]s$", "", w) for w in names(query))
    return [
        w
        for w in said
        if (len(w) >= 4 or w.isalpha() and w.isupper() and len(w) > 1) and w.lower() not in known
    ]


def rare_hits(query: str, snap) -> dict[str, dict]:
    """Each of the question's `rare_names` that at most RARE_NAME_HITS passages of `snap`
    hold, with those passages' keys and BM25 scores."""
    out = {}
    for name in rare_names(query, snap):
        hits = dict(snap.lexical(name, RARE_NAME_HITS + 1))
        if len(hits) <= RARE_NAME_HITS:
            out[name] = hits
    out.update(rare_phrases(query, snap))
    return out


# A name of several words is rare when each document holding it holds it in at most this many
# passages: a law or a matter each quarter's filing names once ("the Digital Markets Act"),
# not a measure that every table and discussion repeats ("Total Net Sales").
RARE_PHRASE_PER_DOCUMENT = 2


def rare_phrases(query: str, snap) -> dict[str, dict]:
    """The question's names of several words (`phrases.name_runs`: "Digital Markets Act", each
    word common on its own) that few passages of each document holding them hold, with those
    passages' keys and BM25 scores."""
    from rag.answer.phrases import name_runs

    out = {}
    for run in name_runs(query, document_names(snap)):
        phrase = " ".join(run)
        pool = snap.lexical(phrase, 16 * RARE_NAME_HITS)
        hits = {
            k: v for k, v in pool if phrase.lower() in " ".join(snap.chunk(k).text.lower().split())
        }
        per_doc: dict[str, int] = {}
        for k in hits:
            doc = snap.chunk(k).doc
            per_doc[doc] = per_doc.get(doc, 0) + 1
        # every passage of the pool holding it: there may be more than the pool holds
        if hits and len(hits) < len(pool) and max(per_doc.values()) <= RARE_PHRASE_PER_DOCUMENT:
            out[phrase] = hits
    return out


def names_held(query: str, passages: list[Passage], snap) -> bool:
    """Whether the question names something rare (`rare_names`, held by at most
    RARE_NAME_HITS passages) that the first passage holds: "What is Amazon's investment in
    Anthropic?". What the reader declines of it, the sentences naming it may say."""
    if snap is None or not passages:
        return False
    rare = list(rare_hits(query, snap))
    text = passages[0].chunk.text.lower()
    return bool(rare) and all(n.lower() in text for n in rare)


# The passages of a steered document searched for the sentence saying why a figure moved.
CAUSE_POOL = 30


def causes_first(query: str, ranked: list[Passage]) -> list[Passage]:
    """`ranked` with the passages holding a sentence saying why the question's figure moved
    (`causes.says_why_of`) first, each group in its order. "Why did Apple's Services revenue
    change in Q2 2023?": the filing's "Services net sales increased ... due primarily to ..."
    was 22nd, after the net sales tables and the segments' sentences."""
    first = [p for p in ranked if says_why_of(query, p.chunk.text, p.chunk.sentence_spans())]
    if not first:
        return ranked
    ids = {p.chunk.chunk_id for p in first}
    return first + [p for p in ranked if p.chunk.chunk_id not in ids]


# The reciprocal-rank constant of `Retriever.with_rows`.
ROW_FUSION_K = 60


class Retriever:
    """Ranks passages of the current snapshot for a query: dense (FAISS) and BM25 candidates,
    fused (`fusion`: "rrf", "convex", or one side alone)."""

    def __init__(
        self,
        snapshot: Callable[[], Snapshot | None],
        embedder: Embedder,
        top_k: int = 5,
        fusion: str = Settings.fusion,
        alpha: float = Settings.fusion_alpha,
        candidates: int = Settings.fusion_candidates,
        doc_steer: str = Settings.doc_steer,
        reranker=None,
        row_weight: float = Settings.row_rank_weight,
        row_min_score: float = Settings.row_rank_min_score,
    ):
        if top_k < 1:
            raise ConfigError(f"top_k={top_k}: must be at least 1")
        if fusion not in FUSIONS:
            raise ConfigError(f"fusion={fusion!r}: choose one of {', '.join(FUSIONS)}")
        if not 0.0 <= alpha <= 1.0:
            raise ConfigError(f"fusion_alpha={alpha}: must be in [0, 1]")
        if candidates < 1:
            raise ConfigError(f"fusion_candidates={candidates}: must be at least 1")
        self._snapshot = snapshot
        self.embedder = embedder
        self.top_k = top_k
        self.fusion = fusion
        self.alpha = alpha
        self.candidates = candidates
        self.doc_steer = doc_steer
        # `rag.rerank.Reranker` (or None): reorders each steered document's candidates
        self.reranker = reranker
        # Inside steered documents, the passages of the table rows whose labels the question
        # names join the fused order (`with_rows`); 0 is off.
        self.row_weight = row_weight
        self.row_min_score = row_min_score
        self._risk_cache: tuple[str, dict[str, frozenset[str]]] = ("", {})

    def run(
        self, query: str, top_k: int | None = None, documents: list[str] | None = None
    ) -> list[Passage]:
        """The best passages for `query`; `documents` (names) limits the search to those.
        Passages of a filing's risk factors or forward-looking statements come after the others
        unless the question asks about risk (`hypothetical`); a passage holding a name the
        question gives that few passages hold comes first (`with_rare_names`)."""
        return self.with_rare_names(query, self._ranked(query, top_k, documents), documents)

    def _ranked(self, query: str, top_k: int | None, documents: list[str] | None) -> list[Passage]:
        found = self._run(query, top_k, documents)
        if ASKS_RISK.search(query):
            return found
        inside = self._risk_items({p.chunk.doc for p in found})
        if not any(hypothetical(p, inside) for p in found):
            return found
        # searched again for more, not cut from one deeper search: inside steered documents
        # the passages are taken from each in turn, so the first k of 2k are not those of k
        k = top_k or self.top_k
        more = self._run(query, 2 * k, documents)
        inside = self._risk_items({p.chunk.doc for p in more})
        risky = [hypothetical(p, inside) for p in more]
        ranked = [p for p, r in zip(more, risky, strict=True) if not r] + [
            p for p, r in zip(more, risky, strict=True) if r
        ]
        return [
            replace(p, rank=r, hypothetical=hypothetical(p, inside))
            for r, p in enumerate(ranked[:k], 1)
        ]

    def with_rare_names(self, query: str, found: list[Passage], documents) -> list[Passage]:
        """`found` with the passages holding every rare name of the question first: a name
        (`rare_names`) held by at most RARE_NAME_HITS passages of the searched documents, the
        passages of the dated reports the question is steered to. "How much did Amazon invest in
        Anthropic?": inside the four filings, taken in turn, the one passage saying so was
        not among the first five, and the answer was refused."""
        snap = self._snapshot()
        if snap is not None and documents:
            snap = snap.restricted(documents)
        if snap is None or not found:
            return found
        held: dict | None = None  # key -> its best BM25 score for a rare name
        for hits in rare_hits(query, snap).values():
            held = hits if held is None else {k: v for k, v in held.items() if k in hits}
        days = list(DATE.finditer(query))
        if not held and not days:
            return found  # most questions: no steering worked out again
        # only among look-alike reports the question is steered to: over the SQuAD dev
        # articles the same rule lowered hit@1 0.860 -> 0.856 and contains 0.791 -> 0.786 (the
        # passage answering about a name often calls it "he" or "the company")
        _, preferred = steer(snap, query, self.doc_steer)
        if not preferred or not dated(snap, preferred):
            return found
        # So is a day few passages of those reports name: "shares outstanding as of July 21,
        # 2023" is the cover's line, not a balance sheet's column (each names its own days)
        inside = snap.restricted(sorted(preferred))
        for m in days:
            day = dates(m.group())
            pool = inside.lexical(m.group(), 4 * RARE_NAME_HITS)
            hits = {k: v for k, v in pool if day & dates(inside.chunk(k).text)}
            if not hits or len(hits) > RARE_NAME_HITS:
                continue
            held = hits if held is None else {k: v for k, v in held.items() if k in hits}
        if not held:
            return found
        chunks = {k: snap.chunk(k) for k in held}
        ids = {c.chunk_id: k for k, c in chunks.items() if c.doc in preferred}
        have = {p.chunk.chunk_id for p in found}
        # those retrieved keep their order; the others follow by their BM25 score
        new = sorted((k for i, k in ids.items() if i not in have), key=lambda k: -held[k])
        if not ids:
            return found
        cos = dict(zip(new, snap.cosines(new, self.embedder.embed_cached([query])), strict=True))
        first = [replace(p, named=True) for p in found if p.chunk.chunk_id in ids]
        first += [Passage(0, float(cos[k]), chunks[k], named=True) for k in new]
        rest = [p for p in found if p.chunk.chunk_id not in ids]
        return [replace(p, rank=r) for r, p in enumerate((first + rest)[: len(found)], 1)]

    def _risk_items(self, docs: set[str]) -> frozenset[str]:
        """`risk_items` of the documents `docs`, worked out once per document and generation."""
        snap = self._snapshot()
        if snap is None:
            return frozenset()
        if self._risk_cache[0] != snap.generation:
            self._risk_cache = (snap.generation, {})
        known = self._risk_cache[1]
        for d in docs - known.keys():
            known[d] = risk_items(snap.doc_chunks(d)) if d in snap.documents else frozenset()
        return frozenset().union(*(known[d] for d in docs))

    def _run(self, query: str, top_k: int | None, documents: list[str] | None) -> list[Passage]:
        snap = self._snapshot()
        if snap is not None and documents:
            snap = snap.restricted(documents)
        if snap is None or snap.ntotal == 0 or not query.strip():
            return []
        snap, preferred = steer(snap, query, self.doc_steer)
        if preferred and (dated(snap, preferred) or identified(snap, query, preferred)):
            return self.within(snap, query, sorted(preferred), top_k)
        # Cached: the answer path embeds the same question again (extractive scoring).
        return self.search(snap, query, self.embedder.embed_cached([query]), top_k, preferred)

    def within(
        self, snap: Snapshot, query: str, docs: list[str], top_k: int | None = None
    ) -> list[Passage]:
        """The best passages of the documents `docs` for a question steered to them: ranked
        inside them (not across the collection, where their passages compete with every other
        document's) for the question without the words that chose them
        (`steering.within_query`), dense-weighted; several documents searched one by one and
        their passages taken in turn (fewer than `top_k` when they have fewer). The
        passages holding the table rows whose labels best match the question join each
        document's order (`with_rows`). With a reranker, each document's first
        `reranker.pool` are read and reordered first."""
        k = top_k or self.top_k
        rr = self.reranker
        pool = max(k, rr.pool) if rr is not None else k
        keys = document_keys(snap)
        inner = within_query(query, keys)
        # a quarter looked ahead to is spoken of in prose, never in a table of what was
        ahead = steering.ahead_quarters(query)
        within_alpha = steering.WITHIN_ALPHA
        # nor is why a figure moved ("Why did AWS operating income change?"): its rows, which
        # name the figure as the question does, had filled the passages read ("What were X's
        # sales and why did they change?" wants both)
        rows_too = (
            self.row_weight > 0
            and not ahead
            and not (asks_why(query) and not _AND_WHY.search(query))
        )
        names = asked_names(query, keys) if rows_too else set()
        # why a figure moved is said in a sentence of one shape; the passages ranked first
        # hold the figure's rows and the other figures' sentences (`causes_first`)
        why = asks_why_moved(query)
        # One batch: the question (the scores reported are its cosines) and what is searched.
        both = self.embedder.embed_cached([query, inner])
        asked, vec = both[:1], both[1:]
        groups = [docs] if not steering.PER_DOCUMENT or len(docs) == 1 else [[d] for d in docs]
        lists = []
        for g in groups:
            sub = snap.restricted(g)
            if not rows_too:
                # what is looked ahead to is in the words the question uses ("expected",
                # "fourth quarter"), which the collection's own balance weighs as it does
                # (a longer order, for those that speak of it to come first: below)
                alpha, n = (
                    (self.alpha, max(pool, self.candidates)) if ahead else (within_alpha, pool)
                )
                if why:
                    n = max(n, CAUSE_POOL)
                ranked = self.search(sub, inner, vec, n, alpha=alpha, scored=asked)
                if why:
                    ranked = causes_first(query, ranked)[: max(pool, n if ahead else pool)]
                lists.append(ranked)
                continue
            # a longer fused order, so that a row passage it ranks lower still counts there
            fused = self.search(
                sub,
                inner,
                vec,
                max(pool, self.candidates),
                alpha=steering.WITHIN_ALPHA,
                scored=asked,
            )
            chunks = [c for d in g for c in sub.doc_chunks(d)]
            rows = row_passages(query, chunks, names, self.row_min_score)
            lists.append(self.with_rows(sub, fused, rows, asked, pool))
        if rr is not None:
            lists = [rr.rerank(query, ranked, k) for ranked in lists]
        if ahead:
            lists = [steering.looking_ahead_first(ranked, ahead)[:pool] for ranked in lists]
        out, seen = [], set()
        for i in range(k):  # in turn: every document's best, then every second best, ...
            for ranked in lists:
                if i < len(ranked) and ranked[i].chunk.chunk_id not in seen:
                    seen.add(ranked[i].chunk.chunk_id)
                    out.append(ranked[i])
        # Fewer than wanted (a short transcript): no other document's passages follow. They are
        # of another period than the one asked, and the reader read them: "How many customers
        # in Q1 FY2023?" over three two-passage calls answered from the Q3 call.
        return [replace(p, rank=r) for r, p in enumerate(out[:k], 1)]

    def with_rows(
        self,
        snap: Snapshot,
        fused: list[Passage],
        rows: list[tuple[float, Chunk]],
        asked: np.ndarray,
        k: int,
    ) -> list[Passage]:
        """The fused order and the row passages' order (`tables.row_passages`, best row
        first) combined by weighted reciprocal rank, the first `k`: a statement's passages read
        alike to the embedding and to BM25, the row's label tells them apart. A row passage
        the fused order lacks gets its cosine with `asked` (1 x dim) as its score."""
        if not rows:
            return fused[:k]
        c = ROW_FUSION_K
        score: dict[str, float] = {}
        for r, p in enumerate(fused):
            score[p.chunk.chunk_id] = 1.0 / (c + r + 1)
        for r, (_, chunk) in enumerate(rows):
            cid = chunk.chunk_id
            score[cid] = score.get(cid, 0.0) + self.row_weight / (c + r + 1)
        have = {p.chunk.chunk_id: p for p in fused}
        of_rows = {chunk.chunk_id: chunk for _, chunk in rows}
        top = sorted(score, key=lambda i: -score[i])[:k]
        missing = [i for i in top if i not in have]
        if missing:
            # every passage of the (one or few) documents: their cosines, by passage id
            cos = {snap.chunk(key).chunk_id: x for key, x in snap.dense(asked, snap.ntotal)}
            for i in missing:
                have[i] = Passage(0, cos.get(i, 0.0), of_rows[i])
        return [replace(have[i], rank=r) for r, i in enumerate(top, 1)]

    def search(
        self,
        snap: Snapshot,
        query: str,
        vec: np.ndarray,
        top_k: int | None = None,
        preferred: set[str] | None = None,
        alpha: float | None = None,
        scored: np.ndarray | None = None,
    ) -> list[Passage]:
        """Rank with the query vector given (1 x dim); `alpha`: the convex fusion's dense
        weight when not the retriever's own. The passage score reported stays the cosine
        similarity, whatever the fusion: with `scored` (1 x dim) when given, else `vec`."""
        k = top_k or self.top_k
        pool = min(max(k, self.candidates), snap.ntotal)
        # A store that fuses itself (Milvus) answers `hybrid`; the others return None.
        want = pool if preferred else k
        hybrid = self.fusion == "rrf"
        order = snap.hybrid(with_expansions(query), vec, want, pool) if hybrid else None
        if order is not None:
            order = prefer(order, snap, preferred)[:k]
            at = vec if scored is None else scored
            return [
                Passage(rank, float(snap.vector(key) @ at[0]), snap.chunk(key))
                for rank, key in enumerate(order, 1)
            ]
        cosine = dict(snap.dense(vec, pool)) if self.fusion != "bm25" else {}
        lexical = dict(snap.lexical(with_expansions(query), pool)) if self.fusion != "dense" else {}
        if self.fusion == "rrf":
            order = fuse_ranks(list(cosine), list(lexical))
        elif self.fusion == "convex":
            # Exact cosines of lexical-only candidates: cheap, and fairer than a zero.
            self._fill_cosines(snap, cosine, [key for key in lexical if key not in cosine], vec)
            order = fuse_convex(cosine, lexical, self.alpha if alpha is None else alpha)
        else:
            order = list(cosine or lexical)
        order = prefer(order, snap, preferred)[:k]
        if scored is not None:
            cosine = dict(zip(order, snap.cosines(order, scored), strict=True))
        # Lexical hits outside the dense pool: score them too.
        self._fill_cosines(snap, cosine, [key for key in order if key not in cosine], vec)
        return [Passage(rank, cosine[key], snap.chunk(key)) for rank, key in enumerate(order, 1)]

    @staticmethod
    def _fill_cosines(snap: Snapshot, cosine: dict, keys: list, vec: np.ndarray) -> None:
        if keys:
            cosine.update(zip(keys, snap.cosines(keys, vec), strict=True))
