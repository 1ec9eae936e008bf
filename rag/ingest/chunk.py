"""Sentence-aware chunking with overlap, measured in the embedding model's own tokens."""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from rag.errors import ConfigError

TokenCounter = Callable[[str], int]  # word pieces of a text, without special tokens

_PARAGRAPH = re.compile(r"\n\s*\n")
# A footnote marker written straight after a sentence's full stop ("Harbin.<sup>1</sup> Its",
# "grew.¹ Exports") belongs to that sentence; the segmenter puts it at the start of the next.
_FOOTNOTE = re.compile(r"(?:<sup>[^<>\n]{1,8}</sup>|[¹²³⁴⁵⁶⁷⁸⁹⁰]+)\s*")


@dataclass(frozen=True)
class Chunk:
    chunk_id: str  # "<doc>::<n>", n counting from 0 within the document
    doc: str
    start: int  # character offsets into the document text: text == document[start:end]
    end: int
    text: str
    # Sentence spans within `text`, computed when the index is written (not per question).
    sentences: tuple[tuple[int, int], ...] = field(default=(), compare=False, repr=False)
    # The document's title, file name, heading path and page (rag.context): searched with the
    # passage, never part of `text`, so never quoted.
    context: str = field(default="", compare=False, repr=False)

    def sentence_spans(self) -> list[tuple[int, int]]:
        """Spans of the sentences of `text`: stored at index time, else split now."""
        return list(self.sentences) if self.sentences else split_sentences(self.text)

    def to_dict(self) -> dict:
        return {
            "chunk_id": self.chunk_id,
            "doc": self.doc,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "sentences": [list(s) for s in self.sentence_spans()],
            **({"context": self.context} if self.context else {}),
        }

    @classmethod
    def from_dict(cls, d: dict) -> Chunk:
        return cls(
            d["chunk_id"],
            d["doc"],
            d["start"],
            d["end"],
            d["text"],
            tuple((a, b) for a, b in d.get("sentences", ())),
            d.get("context", ""),
        )


_local = threading.local()


def _segmenter():
    # pysbd keeps the text being split on the Segmenter object: one per thread, or
    # concurrent requests corrupt each other's sentences.
    seg = getattr(_local, "segmenter", None)
    if seg is None:
        import pysbd  # rule-based, ships its rules: nothing downloads

        seg = _local.segmenter = pysbd.Segmenter(language="en", clean=False)
    return seg


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of `text` (see `_split_sentences`); the same passages
    are read question after question, so results are remembered."""
    return list(_split_cached(text))


@functools.lru_cache(maxsize=4096)
def _split_cached(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(_split_sentences(text))


def _split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of `text`, whitespace trimmed, in order.

    Paragraph breaks always end a sentence, so headings stay apart from body text.

    >>> t = "The U.S. trade exceeded $ 100 billion. Project No. 11JJDGJW0004 ended."
    >>> [t[a:b] for a, b in split_sentences(t)]
    ['The U.S. trade exceeded $ 100 billion.', 'Project No. 11JJDGJW0004 ended.']
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    for para in _PARAGRAPH.split(text):
        para_start = text.find(para, pos) if para else pos
        pos = para_start + len(para)
        if not para.strip():
            continue
        cursor, first = para_start, len(spans)
        for wa, wb in _windows(para, SEGMENT_WINDOW):
            for sent in _segmenter().segment(para[wa:wb]):
                stripped = sent.strip()
                if not stripped:
                    continue
                # pysbd can drop or alter characters; locate the sentence in the original to
                # keep offsets exact, and fall back to the gaps if it cannot be found.
                at = text.find(stripped, cursor, para_start + wb)
                if at < 0:
                    continue
                spans.append((at, at + len(stripped)))
                cursor = at + len(stripped)
        spans.extend(_gaps(text, spans[first:], para_start, pos))
    return _wrapped_back(text, _footnotes_back(text, _merge_sorted(spans)))


# Between two pieces of one sentence a text file wrapped at a fixed width: one line break.
_WRAP = re.compile(r"[ \t]*\n[ \t]*")
# A line ending with one of these words goes on, whatever the next starts with ("check that
# the\nO-ring is in place").
_GOES_ON = frozenset(
    "the a an of to and or nor but in on at for with from by that is are was were be as if "
    "than its their our your this these those not no".split()
)


def _wrapped_back(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    r"""Join a sentence a text file's hard wrap cut: a line ending with no sentence's end, the
    next going on in lower case ("failure to maintain directional\ncontrol during landing.") or
    the line ending with a word that never ends one ("check that the\nO-ring is in place").
    A heading, a list's item or a table's row starts its line with a capital, a figure or a
    mark, and stays apart.

    >>> t = "It failed to maintain directional\ncontrol in the gusts. Check the\nO-ring.\nTotal 12"
    >>> [t[a:b] for a, b in split_sentences(t)]
    ['It failed to maintain directional\ncontrol in the gusts.', 'Check the\nO-ring.', 'Total 12']
    """
    out: list[tuple[int, int]] = []
    for a, b in spans:
        last = text[out[-1][0] : out[-1][1]].rsplit(None, 1)[-1] if out else ""
        if (
            out
            and (text[a : a + 1].islower() or last in _GOES_ON)
            and _WRAP.fullmatch(text, out[-1][1], a)
            and text[out[-1][1] - 1] not in ".!?:;"
        ):
            out[-1] = (out[-1][0], b)
            continue
        out.append((a, b))
    return out


def _footnotes_back(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Move a footnote marker that starts a sentence, with no space between it and the end of
    the sentence before, back onto that sentence.

    >>> t = "Cast in Harbin.<sup>1</sup> Its bell is old.<sup>2</sup>"
    >>> [t[a:b] for a, b in split_sentences(t)]
    ['Cast in Harbin.<sup>1</sup>', 'Its bell is old.<sup>2</sup>']
    """
    out: list[tuple[int, int]] = []
    for a, b in spans:
        m = _FOOTNOTE.match(text, a, b)
        if out and m and out[-1][1] == a:
            mark_end = a + len(m.group().rstrip())
            out[-1] = (out[-1][0], mark_end)
            if m.end() >= b:
                continue
            a = m.end()
        out.append((a, b))
    return out


# pysbd's time grows with the square of the text it is given: long paragraphs are cut into
# windows of at most this many characters first, at a sentence end where there is one.
SEGMENT_WINDOW = 4000
_SENTENCE_END = re.compile(r"[.!?。！？][\"')\]]*\s+")


def _windows(para: str, size: int) -> list[tuple[int, int]]:
    """Cut a paragraph into consecutive windows of at most `size` characters: after the last
    sentence end in the second half of a window, else at the last whitespace, else hard.

    >>> _windows("One. Two. Three.", 10)
    [(0, 10), (10, 16)]
    >>> _windows("x" * 25, 10)
    [(0, 10), (10, 20), (20, 25)]
    """
    out, start = [], 0
    while len(para) - start > size:
        window = para[start : start + size]
        cut = 0
        for m in _SENTENCE_END.finditer(window, size // 2):
            cut = m.end()
        if not cut:
            cut = max(window.rfind(" ", size // 2), window.rfind("\n", size // 2)) + 1
        if cut <= 0:
            cut = size
        out.append((start, start + cut))
        start += cut
    out.append((start, len(para)))
    return out


def _gaps(text: str, covered: list[tuple[int, int]], start: int, end: int):
    """Spans for the non-blank text in [start, end) that no sentence in `covered` covers."""
    cursor = start
    for a, b in [*sorted(covered), (end, end)]:
        gap = text[cursor:a]
        if gap.strip():
            lead = len(gap) - len(gap.lstrip())
            yield (cursor + lead, cursor + len(gap.rstrip()))
        cursor = max(cursor, b)


def _merge_sorted(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _split_long(text: str, start: int, end: int, count: TokenCounter, limit: int):
    """Split one over-long sentence at word boundaries into pieces of at most `limit` tokens;
    a single word longer than that is cut every `limit` characters (a word piece covers at
    least one character, so such a piece never holds more than `limit` tokens)."""
    words = []
    for m in re.finditer(r"\S+", text[start:end]):
        a, b = m.start() + start, m.end() + start
        if b - a > limit and count(text[a:b]) > limit:
            words.extend((x, min(b, x + limit)) for x in range(a, b, limit))
        else:
            words.append((a, b))
    piece_start, last_end = None, None
    for a, b in words:
        if piece_start is None:
            piece_start = a
        elif count(text[piece_start:b]) > limit:
            yield piece_start, last_end
            piece_start = a
        last_end = b
    if piece_start is not None:
        yield piece_start, last_end


def chunk_document(
    doc: str, text: str, count: TokenCounter, max_tokens: int, overlap_tokens: int
) -> list[Chunk]:
    """Pack whole sentences into chunks of at most `max_tokens` word pieces.

    Consecutive chunks share trailing sentences worth at most `overlap_tokens` tokens, so an
    answer that straddles a boundary is still whole in one chunk.
    """
    if max_tokens < 8 or not 0 <= overlap_tokens < max_tokens:
        raise ConfigError(f"max_tokens={max_tokens}, overlap_tokens={overlap_tokens}: invalid")
    units: list[tuple[int, int, int]] = []  # (start, end, tokens)
    for a, b in split_sentences(text):
        n = count(text[a:b])
        if n <= max_tokens:
            units.append((a, b, n))
        else:
            units.extend(
                (pa, pb, count(text[pa:pb]))
                for pa, pb in _split_long(text, a, b, count, max_tokens)
            )
    chunks: list[Chunk] = []
    i = 0
    while i < len(units):
        j, total = i, 0
        while j < len(units) and total + units[j][2] <= max_tokens:
            total += units[j][2]
            j += 1
        j = max(j, i + 1)
        # The sum of sentence counts is an estimate; the joined text is what gets embedded.
        while j > i + 1 and count(text[units[i][0] : units[j - 1][1]]) > max_tokens:
            j -= 1
        start, end = units[i][0], units[j - 1][1]
        chunks.append(Chunk(f"{doc}::{len(chunks)}", doc, start, end, text[start:end]))
        if j >= len(units):
            break
        # Step back over trailing sentences that fit in the overlap, never back to i itself.
        # Overlap only if the next sentence still fits beside it, so every chunk adds new text.
        k, back = j, 0
        while (
            k - 1 > i
            and back + units[k - 1][2] <= overlap_tokens
            and back + units[k - 1][2] + units[j][2] <= max_tokens
        ):
            back += units[k - 1][2]
            k -= 1
        i = k
    return chunks
