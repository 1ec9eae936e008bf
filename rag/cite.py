"""Attribution: which retrieved sentences support which answer sentences. Pure functions.

Markers written by a model are never trusted; citations are derived from support found here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"[^\W_]+(?:[.,'’][^\W_]+)*", re.UNICODE)
_NUMBER = re.compile(r"\d[\d,.]*")
_MARKER = re.compile(r"\s*\[\d+(?:\s*,\s*\d+)*\]")
STOPWORDS = frozenset(
    """a an the and or but of in on at to for from by with as is are was were be been being has
    have had do does did it its this that these those there their they them he she his her
    we our you your i me my not no so than then which who whom whose what when where why how
    will would can could should may might must shall into over under about also such both
    each more most other some any all only very just up out if while during between after
    before because through per via one ones many much""".split()
)


def normalize_number(token: str) -> str:
    """'1,246' -> '1246'; '53.845' stays; a trailing '.' or ',' is dropped."""
    return token.rstrip(".,").replace(",", "")


def content_tokens(text: str) -> list[str]:
    """Lowercased words minus stopwords, numbers normalised.

    >>> content_tokens("The 6th EXPO hosted 1,246 enterprises.")
    ['6th', 'expo', 'hosted', '1246', 'enterprises']
    """
    out = []
    for m in _WORD.finditer(text.lower()):
        w = m.group()
        if w[0].isdigit():
            w = normalize_number(w)
        if w not in STOPWORDS:
            out.append(w)
    return out


def numbers(text: str) -> set[str]:
    """The numbers in a text, normalised.

    >>> sorted(numbers("In 2018 trade exceeded $ 100 billion, 1,246 firms."))
    ['100', '1246', '2018']
    """
    return {normalize_number(m.group()) for m in _NUMBER.finditer(text)} - {""}


def _stem(w: str) -> str:
    # Crude suffix folding so "enterprise"/"enterprises" and "cooperate"/"cooperation" meet.
    return w[:6] if len(w) > 6 and not w[0].isdigit() else w


def lexical_support(claim: str, source: str) -> float:
    """Share of the claim's content words found in the source (0..1).

    >>> lexical_support("The EXPO was held in Harbin.", "The 6th EXPO takes place in Harbin.")
    1.0
    >>> lexical_support("The EXPO was held in Moscow.", "The 6th EXPO takes place in Harbin.")
    0.5
    """
    claim_words = {_stem(w) for w in content_tokens(claim) if w not in {"held"}}
    if not claim_words:
        return 0.0
    source_words = {_stem(w) for w in content_tokens(source)}
    return len(claim_words & source_words) / len(claim_words)


def strip_markers(text: str) -> str:
    """Remove [n] citation markers.

    >>> strip_markers("Harbin [1]. Also [2, 3] here.")
    'Harbin. Also here.'
    """
    return _MARKER.sub("", text).strip()


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
    source_words = {_stem(w) for w in content_tokens(source)}
    found = []
    for m in list(_WORD.finditer(claim))[1:]:
        word = m.group()
        if (
            word[0].isupper()
            and word.lower() not in STOPWORDS
            and _stem(word.lower()) not in source_words
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


# Words a question uses to ask rather than to name what it is about: never "missing".
_QUESTION_WORDS = frozenset(
    """called named call name say says said mention mentioned describe described according
    happen happened take took taken place held hold kind type main list give given tell
    document documents article paper text author wrote written
    number numbers code year years date day month period time percentage percent amount value
    figure total size city cities country countries person people who much many""".split()
)


def _prefix(word: str) -> str:
    return word[:5] if len(word) > 5 and not word[0].isdigit() else word


def vocabulary(texts) -> frozenset[str]:
    """4- and 5-letter prefixes (whole short words, numbers) of the content words of `texts`.

    >>> sorted(vocabulary(["Harbin grows"]))
    ['grow', 'grows', 'harb', 'harbi']
    """
    out = set()
    for t in texts:
        for w in content_tokens(t):
            if w[0].isdigit() or len(w) <= 4:
                out.add(w)
            else:
                out.update((w[:4], w[:5]))
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
        w for w in content_tokens(question) if w not in _QUESTION_WORDS and _prefix(w) not in vocab
    ]


def missing_numbers(question: str, text: str) -> set[str]:
    """Numbers (years, ordinals) the question names that the text does not contain.

    >>> missing_numbers("What was trade in 2010?", "In 2018, trade exceeded $ 100 billion.")
    {'2010'}
    >>> missing_numbers("Where was the 6th EXPO?", "The 6th EXPO takes place in Harbin.")
    set()
    """
    asked = {w for w in content_tokens(question) if w[0].isdigit()}
    present = set(content_tokens(text))
    return {w for w in asked if w not in present}
