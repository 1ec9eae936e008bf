"""Lines that are no item of a list, summary or comparison though they hold the question's
words: page numbers, running headers, contents lines, headings, sentences leading into a table or
pointing elsewhere, questions asked in the document; and the heading a sentence sits under,
whose words it is about."""

from __future__ import annotations

import re

from rag.text import folded

# A table of contents' line: "2. Management's Discussion ... Operations 14 Item", "Risk
# Factors 20", "Consolidated Balance Sheets — 6", "PART I. FINANCIAL INFORMATION Item 1.".
_ITEM_MARK = re.compile(
    r"^((part [ivx]+\b\W*)?item\b\s*(\d+[a-z]?\.)?|part [ivx]+\b\W*|\d{1,2}[a-z]?\.(?!\d)|[a-z]\))\s*",
    re.I,
)
_TRAILING_MARK = re.compile(
    r"(\s*(—|-|\.{2,})?\s*(?<![\d,.$])\d{1,3}\b)?(\s+(part [ivx]+\W*)?item(\s*\d+[a-z]?\.?)?)?\s*$",
    re.I,
)
_PAGE = re.compile(r"^(page\s*)?\d+(\s*of\s*\d+)?$|\|\s*(page\s*)?\d{1,3}\s*$|^\d{1,3}\s*\|", re.I)


def is_noise(text: str) -> bool:
    """A line that is no answer: a page number or running header, a table of contents' entry,
    a heading in capitals, or a line without words (only numbers).

    >>> [is_noise(t) for t in ("2. Management's Discussion and Analysis of Financial "
    ...     "Condition and Results of Operations 14 Item", "2026 — 3,079", "Apple Inc. | Q3 2022 "
    ...     "Form 10-Q | 5", "Net sales — Q1 2023: $94,836", "Net sales rose 5% in the quarter.",
    ...     "Other Key Information: Risk Factors — Page: 43")]
    [True, True, True, False, False, True]
    """
    t = text.strip()
    if len(re.findall(r"[^\W\d_]{2,}", t)) == 0 or _PAGE.search(t):
        return True
    if t[-1:] in ".!?:;" and not re.search(r"\bitem\s*\d+[a-z]?\.$", t, re.I):
        return False  # a sentence (or "Item 1A." ending a heading run)
    if re.search(r"— pages?: \d+(?: ?- ?\d+)?$", t, re.I):
        return True  # a contents table's row: "Other Key Information: Risk Factors — Page: 43"
    if re.search(r"[$%]|:\s*[\d(]|;", t):
        return False  # a table row's values
    if not re.search(r"[^\W\d_A-Z]", t):
        return True  # a heading in capitals
    if re.search(r"\bpages? \d+( ?- ?\d+)?\b", t, re.I):
        return True  # "Controls and Procedures Page 41", "Pages 33 - 34"
    # Title Case words with a page number or an item's mark: a contents line. Title Case alone
    # is not enough: risk factors are headed by statements ("We Face Significant Inventory Risk").
    lead = _ITEM_MARK.sub("", t, count=1)
    core = _TRAILING_MARK.sub("", lead, count=1)
    if core == t:
        return False
    if lead != t and core != lead:
        return True  # a numbered entry with its page: "a) Statements of Income ... — 3"
    long_words = re.findall(r"[^\W\d_][\w’'-]{3,}", core)
    return not long_words or all(w[0].isupper() for w in long_words)


# a document's part or item ("PART I", "Item 2. Management's Discussion and Analysis of ..."):
# the words of nearly every passage under it, which tell no sentence apart
_PART_OR_ITEM = re.compile(r"^\s*(part\b|item\s+\d)", re.I)


def heading_at(chunk, at: int) -> str:
    """The headings a passage's sentence at `at` sits under: the last heading-like paragraph
    of the passage before it (a short line, no sentence, no row), else the passage's own
    heading path's last heading (its `context`, where the passage starts); with the path's
    heading above that, unless a part or an item: a sentence under "Liquidity and Capital
    Resources › Capital Return Program" is about liquidity too."""
    path = [h.strip() for h in chunk.context.partition("§")[2].partition("|")[0].split("›")]
    path = [h for h in path if h and not _PART_OR_ITEM.match(h)]
    before = [x.strip() for x in _PARAGRAPH.split(chunk.text[:at])[:-1]]
    for para in reversed(before):
        if para and says_nothing(para) and not para.endswith("?"):
            return " ".join([*path[-1:], para])
    return " ".join(path[-2:])


_LEADS_IN = re.compile(r"(:|\bas follows\b\s*(\([^()]*\))?\s*[:.]?)\s*$", re.I)


def introduces_table(text: str) -> bool:
    """A sentence that only leads into the table after it: it ends in a colon or "as follows".

    >>> [introduces_table(t) for t in ("Operating expenses were as follows (dollars in "
    ...     "millions):", "Cash flow information is as follows (in millions).",
    ...     "Net sales rose 5% as follows from higher demand in China.", "Net sales — Q1: 7")]
    [True, True, False, False]
    """
    return bool(_LEADS_IN.search(text.rstrip()))


_POINTS_ELSEWHERE = re.compile(
    r"^[(“\"]?(also )?(see|refer (also )?to|for (a |an |additional |further |more )?(discussion|description|"
    r"information|details)\b[^.]{0,80}?, (see|refer to))\b"
    # "Additional information on our segments is contained in Note 17 ...", "Our reportable
    # segments are described below."
    r"|^(additional |further |more )?(information|details|discussion)\b[^.]{0,80}?\b(is|are) "
    r"(contained|included|provided|presented|discussed|found)\b"
    r"|^[^.]{0,80}\b(is|are) (described|discussed|presented|summarized|set forth) below\.$",
    re.I,
)
# A speaker's signpost: a sentence that only names what comes next ("Now let's turn to
# guidance.", "Turning to Streamline, our platform for building data applications.", "Let me
# spend a few minutes on our industry verticals."). It is a heading said aloud: the sentences
# after it are about its words, and it says nothing itself. A figure makes it a statement.
_SIGNPOST = re.compile(
    r"(?i)^(?:(?:now|next|so|and|finally|lastly|first|with that),?\s+)?(?:(?:let's|let us|let me|"
    r"I'd like to|I would like to|I'll|I will|I want to)\s+(?:now\s+|briefly\s+|quickly\s+|also\s+)?"
    r"(?:turn|move|spend|talk|start|walk|focus|discuss|review|go|cover|shift|touch|highlight|"
    r"take (?:a|a few) (?:moment|minute|minutes)|give (?:you )?(?:a |an )?(?:brief |quick )?update)\b"
    r"|(?:turning|moving|switching|shifting)\s+(?:now\s+)?to\b)"
)


def signpost(text: str) -> bool:
    """A sentence that only names what the speaker turns to next.

    >>> [signpost(t) for t in ("Now let's turn to guidance.", "Turning to Streamline, our "
    ...     "platform for building data applications.", "Let me spend a few minutes on our "
    ...     "industry verticals.", "Turning to margins, operating margin was 4%.",
    ...     "We turned to new suppliers in the quarter.")]
    [True, True, True, False, False]
    """
    t = text.strip()
    return bool(_SIGNPOST.match(t)) and not re.search(r"\d", t) and len(t.split()) <= 16


_PARAGRAPH = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"[.!?][)\"”’']*$")


def says_nothing(text: str) -> bool:
    """A line that is no item of a list or summary though it holds the question's words: a
    question, a sentence leading into a table (`introduces_table`), a cross-reference ("See Note 4 —
    Debt.", "For a discussion of ..., refer to ..."), a speaker's signpost (`signpost`: "Now
    let's turn to guidance."), or a heading (a short line that is
    neither a sentence nor a table row: "Foreign Exchange Risk", "Liquidity and Capital
    Resources"), whose sentences, said instead, are the answer.

    >>> [says_nothing(t) for t in ("See accompanying Notes to Condensed Consolidated Financial "
    ...     "Statements.", "Foreign Exchange Risk", "Note 6 — STOCKHOLDERS’ EQUITY",
    ...     "Net sales — Q1 2023: $94,836", "Net sales rose 5%, see the table.",
    ...     "For a discussion of market risk, refer to Part II, Item 7A of the 2022 Form 10-K.",
    ...     "What are your conclusions on Snowpark adoption so far?",
    ...     "Additional information on our reportable segments is contained in Note 17.",
    ...     "Our reportable segments are described below.")]
    [True, True, True, False, False, True, True, True, True]
    """
    from rag.answer.rows import parse_row

    t = text.strip()
    # a question asked in the document (an analyst's on a call, an FAQ's) answers nothing
    if introduces_table(t) or _POINTS_ELSEWHERE.search(t) or t.endswith("?") or signpost(t):
        return True
    return not _SENTENCE_END.search(t) and len(t.split()) <= 12 and parse_row(t) is None


def without_running_lines(items: list[tuple]) -> list[tuple]:
    """Drop a short line that is not a sentence and recurs at several places of one document:
    a running header or footer the extractor kept ("Apple Inc. Q3 2023 Form 10-Q")."""
    places: dict[tuple[str, str], set[int]] = {}
    for p, a, _, text in items:
        places.setdefault((p.chunk.doc, folded(text)), set()).add(p.chunk.start + a)
    return [
        (p, a, b, text)
        for p, a, b, text in items
        if len(places[(p.chunk.doc, folded(text))]) < 2
        or text.rstrip()[-1:] in ".!?"
        or len(text.split()) > 12
    ]
