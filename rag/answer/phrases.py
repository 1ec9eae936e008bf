"""Names of several words a question asks about ("Digital Markets Act", "Tax Cuts and Jobs
Act"): each word is common on its own, so whether the documents hold the name is whether they
hold its words together."""

from __future__ import annotations

import re
from itertools import pairwise

from rag.text import PERIOD_TOKEN, STOPWORDS

# A name of several capitalised words ("Digital Markets Act"), its possessive dropped.
_NAME_RUN = re.compile(
    r"(?<![\w&.-])[A-Z][\w&.-]*(?:['’]s\b)?(?:[ \t]+(?:(?:and|of|&)[ \t]+)?[A-Z][\w&.-]*(?:['’]s\b)?)+"
)
# One word of it, with the joining word before it ("and Jobs" of "Tax Cuts and Jobs Act").
_RUN_WORD = re.compile(r"(?:(?:and|of|&)[ \t]+)?[A-Z][\w&.-]*(?:['’]s\b)?")


_KIND_WORDS = frozenset(
    "segment segments division divisions group groups business businesses unit units region "
    "regions category categories line lines revenue revenues sales income results company "
    "inc corp corporation report reports".split()
)


def name_runs(question: str, known: frozenset[str] = frozenset()) -> list[list[str]]:
    """The question's names of two capitalised words or more after its first word, split
    where a period or a stopword stands, and without the `known` words (lower-cased: the
    documents' own names, "apple") they start with: "Bell's Mac", "Amazon Web Services".

    >>> name_runs("What did Apple say about the Digital Markets Act?", frozenset({"apple"}))
    [['Digital', 'Markets', 'Act']]
    >>> name_runs("How did Apple Services Revenue change in Q3 2023?", frozenset({"apple"}))
    []
    >>> name_runs("What Were Apple's Total Net Sales?", frozenset({"apple"}))
    [['Total', 'Net']]
    >>> name_runs("Did Apple mention the Tax Cuts and Jobs Act?", frozenset({"apple", "act"}))
    [['Tax', 'Cuts', 'and Jobs', 'Act']]
    >>> name_runs("Compare Bell's Mac and iPad sales", frozenset({"bell"}))
    []
    >>> name_runs("Trends in the Data Center Group and the Mobileye Segment?")
    [['Data', 'Center']]
    """
    out = []
    first = len(question) - len(question.lstrip())
    for m in _NAME_RUN.finditer(question):
        words = [w.group() for w in _RUN_WORD.finditer(m.group())]
        # the question's first word is capitalised anyway
        words = words[1:] if m.start() == first else words
        run: list[str] = []
        for w in [*words, ""]:
            w = re.sub(r"['’]s$", "", w).strip(".")
            own = w.split()[-1] if w else ""
            low = own.lower()
            if (
                own
                and not (low in known and not run)
                and low not in STOPWORDS
                and not PERIOD_TOKEN.fullmatch(own)
            ):
                run.append(w if run else own)  # a run starts at a name, not "and"
                continue
            # what kind of thing a name is ("Mobileye Segment", "Data Center Group") is said
            # otherwise by the documents, or not at all: the name is the rest
            while run and run[-1].split()[-1].lower() in _KIND_WORDS:
                run.pop()
            while run and run[0].lower() in _KIND_WORDS:
                run.pop(0)
            if len(run) > 1:
                out.append(run)
            run = []
    return out


def unheld_runs(runs: list[list[str]], text: str) -> list[str]:
    """The `name_runs` of which `text` (lower-cased, its spaces collapsed) holds no two
    neighbouring words together: "Digital Markets Act" over filings that never say "digital
    markets" nor "markets act". A title-cased question ("Total Net Sales") shares a pair. Of
    a run joined by "and" or "of", each part is a name of its own too ("Wearables and
    Services" are two things).

    >>> unheld_runs([["Digital", "Markets", "Act"], ["Net", "Sales"]], "net sales rose")
    ['Digital Markets Act']
    >>> unheld_runs([["Tax", "Cuts", "and Jobs", "Act"]], "the cuts and jobs of the year")
    []
    >>> unheld_runs([["Wearables", "and Services"]], "wearables rose. services rose")
    []
    >>> unheld_runs([["Tax", "Cuts", "and Jobs", "Act"]], "tax rate; jobs; act")
    ['Tax Cuts and Jobs Act']
    >>> unheld_runs([["Data", "Center", "Group"]], "datacenter and ai revenue")
    []
    """

    def held(words: list[str]) -> bool:
        if len(words) == 1:
            return re.search(rf"\b{re.escape(words[0].lower())}\b", text) is not None
        # a pair written as one word or hyphenated is held too ("Data Center": "datacenter")
        return any(
            f"{a}{gap}{b}" in text
            for a, b in pairwise(w.lower() for w in words)
            for gap in (" ", "", "-")
        )

    def parts(run: list[str]) -> list[list[str]]:
        out: list[list[str]] = [[]]
        for w in run:
            if " " in w:  # "and Jobs": a new part starts
                out.append([])
            out[-1].append(w.split()[-1])
        return out

    return [
        " ".join(run)
        for run in runs
        if not held(run) and not (len(parts(run)) > 1 and all(held(p) for p in parts(run)))
    ]
