"""Which of the documents: "Which accidents resulted in fatal injuries?", "Which study is
placebo-controlled?", "Which filings mention iRobot?" ask for documents of a folder of look-alike
ones, each named with the line that qualifies it. A question naming the kind of thing the
documents are (their heads say "Accident Number", "Study", "Quarterly Report") is answered with
one cited line per document holding every word that tells the documents apart; a question
after a thing inside the documents ("Which report depicted lesser temperature variations?" of
one article among many) is left to the reader."""

from __future__ import annotations

import functools
import re

from rag.answer.base import Outcome
from rag.answer.forms import question_terms
from rag.answer.noise import is_noise
from rag.answer.periods import doc_order
from rag.context import retrieval_text
from rag.text import SERIES_KINDS, THING_KINDS, content_tokens, kinds_pattern, stem

_KINDS = kinds_pattern((*THING_KINDS, *SERIES_KINDS))
ASKS_WHICH_DOCUMENTS = re.compile(
    rf"(?i)^(?:in )?(?:which|what) (?:of the |one of the )?(?P<kind>{_KINDS})\b(?P<rest>[^?]+)"
)
# what every document of a folder is
_ANY_DOCUMENT = {"document", "file", "filing"}
# the verbs joining the kind to what qualifies it, which every document may say
_LINKING = {
    stem(w)
    for w in "result resulted involve involved happen happened occur occurred have has had "
    "mention mentioned include included contain contained report reported describe described "
    "use used show showed feature featured discuss discussed say said list listed".split()
}


def _singular(word: str) -> str:
    w = word.lower()
    return w[:-3] + "y" if w.endswith("ies") else w[:-1] if w.endswith("s") else w


@functools.lru_cache(maxsize=65536)  # every passage of a folder, asked of again and again
def _stems(text: str) -> frozenset[str]:
    return frozenset(stem(w) for w in content_tokens(text))


def which_documents(question: str, snap, passages) -> Outcome | None:
    """The documents a "Which <kind> ...?" question asks for, as a list citing one line of each,
    or None when the question is of another shape, fewer than two documents are of the kind
    asked (their heads: title, file name and first passage, name it), or none holds every
    word asked that some document holds."""
    m = ASKS_WHICH_DOCUMENTS.match(question.strip())
    if m is None or snap is None:
        return None
    kind = _singular(m["kind"])
    heads = {d: snap.doc_chunks(d)[:1] for d in snap.documents}
    of_kind = [
        d
        for d, first in heads.items()
        if first
        and (
            kind in _ANY_DOCUMENT
            or kind in {_singular(w) for w in content_tokens(f"{retrieval_text(first[0])} {d}")}
        )
    ]
    if len(of_kind) < 2:
        return None
    terms = question_terms(m["rest"]) - _LINKING - {stem(m["kind"]), stem(kind)}
    if not terms:
        return None
    # a word no document uses: none is the one asked for (the reader says so, or finds it
    # said otherwise); a word every document holds tells none apart from the others
    words = {d: [(c, _stems(c.text) & terms) for c in snap.doc_chunks(d)] for d in of_kind}
    held = {t: sum(any(t in w for _, w in words[d]) for d in of_kind) for t in terms}
    if not all(held.values()):
        return None
    # every document may hold each word: then those saying them together are asked for
    wanted = {t for t, n in held.items() if n < len(of_kind)} or terms
    found = []
    for d in of_kind:
        fits = [
            (c, a, b, _stems(c.text[a:b]))
            for c, w in words[d]
            if wanted <= w  # only a passage holding every word asked is read line by line
            for a, b in c.sentence_spans()
            # a form's field ("Injuries: 2 Fatal") qualifies a document as a sentence does
            if not is_noise(c.text[a:b]) and not c.text[a:b].rstrip().endswith("?")
        ]
        fits = [x for x in fits if wanted <= x[3]]
        if fits:
            # the line holding most of the question's words, the first of those
            c, a, b, _ = max(fits, key=lambda x: len(terms & x[3]))
            found.append((d, c, a, b))
    if not found:
        return None
    found.sort(key=lambda x: doc_order(x[0]))
    from rag.retrieve import Passage

    retrieved = {p.chunk.chunk_id: p for p in passages}
    supports = [
        (c.text[a:b], retrieved.get(c.chunk_id) or Passage(0, 0.0, c), a, b, 1.0)
        for _, c, a, b in found
    ]
    # each line named by its document: periods alone would not tell two companies' apart
    return Outcome(supports, form="list", labels=[d for d, *_ in found])
