"""The words of questions and the words statements print: periods, synonyms, and the names
analysts give to rows (`rag.answer.tables` reads rows in these terms)."""

from __future__ import annotations

import functools
import re

from rag.answer.base import Outcome
from rag.answer.forms import BREAKDOWN, LOST
from rag.questions import without_glosses
from rag.text import ASKING, MONTH_NAMES, PERIOD_TOKEN, STOPWORDS, content_tokens, periods, stem

# Words naming a period or the filing rather than the figure: they choose the column or the
# document, never the row.
PERIOD_WORDS = {
    stem(w)
    for w in """q1 q2 q3 q4 fy fiscal year years quarter quarters quarterly month months two three
    six nine twelve end ended ending first second third fourth date year-to-date ytd 10-q 10-qs
    filing filings statement statements latest recent newest last current as half h1""".split()
    + MONTH_NAMES.split()
}
# The same figure in the words questions use and the words statements print. Few and generic:
# each key's stems also match the listed stems.
SYNONYMS = {
    "revenu": {"sales"},
    "sales": {"revenu"},
    "earnin": {"income"},
    # "How much did Apple earn per share?": its earnings per share
    "earn": {"earnin", "income"},
    "profit": {"income"},
    "spend": {"expens"},
    "spendi": {"expens"},
    "spent": {"expens"},
    "expend": {"expens"},
    "expens": {"expend"},
    "cost": {"expens"},
    # "How much did the segment lose?": its operating loss
    "lose": {"loss"},
    "lost": {"loss"},
    # "How much interest did Amazon pay?": what it paid or its expense, never its income; a
    # tax paid is the provision for it
    "pay": {"paid", "expens", "provis"},
    "costs": {"expens"},
    # "purchases of property and equipment": "Payments for acquisition of ...", "Additions to"
    "purcha": {"paymen", "acquis", "additi"},
    # "How much did Amazon repay in long-term debt?": its "Repayments of long-term debt" (the
    # six-letter stem cuts "repayments" to "repaym", no derivation of "repay")
    # "How much did Amazon borrow in short-term debt?": its "Proceeds from short-term debt"
    "borrow": {"procee"},
    "repay": {"repaym"},
    "repaid": {"repaym"},
}
# Abbreviations written as one token that the tokeniser splits ("R&D" -> "r", "d"), and the
# names analysts give to what statements print under other words: "capital expenditures" are
# the cash flow statement's purchases (additions, payments for) of property and equipment (read
# as words, "capital" matched "Additional paid-in capital"); "operating cash flow" is its net
# cash provided by (from) operating activities (it matched "Cash paid for operating leases").
ABBREVIATIONS = {
    r"\bR\s*&\s*D\b": "research and development",
    r"\bSG\s*&\s*A\b": "selling general and administrative",
    r"\bEPS\b": "earnings per share",
    r"\bcapex\b|\bcapital (?:expenditures?|spending)\b": "purchases of property and equipment",
    r"\b(?:operating cash flows?|cash flows? (?:from|provided by) operations|cash from operations)\b": (
        "cash from operating activities"
    ),
    # "repurchases" alone: "of common stock" read "Ending common stock" as a buyback
    r"\b(?:share |stock )?buy-?backs?\b|\b(?:buy|buys|bought|buying) back\b": "repurchases",
    # a share is a share of common stock ("Share-based compensation expense" holds "share")
    r"\b(?:share|stock) repurchases?\b": "repurchases of common stock",
    r"\bopex\b": "operating expenses",
    r"\bFX\b": "foreign exchange rates",
    r"\blawsuits?\b|\blitigations?\b|\blegal (?:actions?|cases?|issues?|matters?|disputes?)\b": (
        "legal proceedings"
    ),
    r"\bcurrenc(?:y|ies) (?:movements?|fluctuations?|swings?|changes?)\b": "foreign exchange rates",
    r"\bcash (?:position|balances?|on hand)\b": "cash and cash equivalents",
    # a filing tells its liquidity under "Liquidity and Capital Resources"
    r"\bliquidity (?:position|situation|status|profile)\b": "liquidity and capital resources",
    # a company's cash flows, unqualified, are the statement's net cash provided by (used in)
    # each kind of activity ("cash flows" alone read its "SUPPLEMENTAL CASH FLOW INFORMATION:
    # Cash paid for interest ..." rows); a free cash flow and the statement are their own
    r"(?<!free )\bcash flows?\b(?!\s+(?:statements?|information|hedges?|from|provided|used|"
    r"generated)\b)": "cash flows net cash provided by used in activities",
    # "the change in cash during the nine months": the statement's "Increase/(Decrease) in cash"
    # (a change in cash flows, or in cash from operations, is another figure's)
    r"\b(?:net )?changes? in (?:its |the |[\w.&-]+['’]s? )?cash\b"
    r"(?!\s+(?:flows?|from|used|provided|generated|paid|received)\b)": (
        "increase decrease in cash"
    ),
    r"\bbottom[ -]line\b": "net income",
    # the statement's "Provision for income taxes" ("tax expense" read "Income tax benefit
    # related to share-based compensation expense"); a deferred one is its own row
    r"(?<!deferred )\b(?:income )?tax(?:es)? expense\b": "provision for income taxes",
    # "Other income/(expense), net": "other" is no content word, and "income" alone read
    # "Net income"
    r"\bother income\b(?!\s*[/(]*\s*expense)": "other income expense",
    # what a company made or brought in: its net income, its sales
    r"\bmoney\b(?=[^?]{0,40}\b(?:make|made|makes|earn|earned|earns)\b)|"
    r"\b(?:make|made|makes)\b(?=[^?]{0,20}\b(?:money|profits?)\b)": "net income",
    # "How much did Apple make in Q3 2023?": what it made or earned, no thing named; and what it
    # lost ("How much money did Amazon lose?" had read a money market fund's losses column)
    r"\b(how much (?:more |less )?)(?:money )?((?:did|does|do|has|have) [\w&.'’-]+"
    r"(?: [\w&.'’-]+)?) (?:make|earn)\b(?! per share)": r"\1\2 net income",
    r"\b(?:lose|lost|losing) money\b|\b(how much (?:more |less )?)(?:money )?((?:did|does|do|has|"
    r"have) [\w&.'’-]+(?: [\w&.'’-]+)?) lose\b": r"\1\2 net income",
    r"\b(?:bring|brings|bringing|brought) in\b": "net sales",
    # a profit, unqualified, is the bottom line (not a gross or operating one, nor a margin)
    r"(?<!gross )(?<!operating )(?<!net )\bprofits?\b(?! margins?\b)": "net income",
    r"\btop[ -]line\b": "total revenue",
    r"\bheadcount\b": "employees",
    # what a balance sheet splits off as due after a year: "Long-term debt" (Amazon) or
    # "Non-current liabilities: Term debt" (Apple), never the current part
    r"\blong-term (debt|liabilities|lease liabilities)\b": r"long-term \1 non-current \1",
    # filings say "severance costs ... related to planned role eliminations"
    r"\blay-?offs?\b|\blaid off\b|\bjob cuts\b": "severance role eliminations",
    # a filing's cover says where its "principal executive offices" are (`questions._PRINTED_AS`)
    r"\bheadquarter(?:s|ed)\b|\bHQ\b|\bhead office\b": "principal executive offices",
    r"\bCEO\b": "chief executive officer",
    r"\bCFO\b": "chief financial officer",
}
# Balances a balance sheet splits into what is due within a year and after ("Current
# liabilities: Term debt", "Non-current liabilities: Term debt") and never totals: asked with
# neither part named, their sum answers (`measures.DERIVED`, `tables`).
SPLIT_BALANCES = (
    r"(?:term debt|lease liabilities|operating lease liabilities|finance lease liabilities|"
    r"deferred revenue|unearned revenue)"
)
# A question after a ratio of any kind ("percentage", "share of"), and a row printing one
# ("Research and development: Percentage of total net sales"): such a row answers only such a
# question. (`arithmetic.ASKS_SHARE` is narrower: "what percentage of X did Y ...", computed.)
ASKS_RATIO = re.compile(r"(?i)percent|%|\b(?:share|proportion|ratio|fraction)s? of\b")
SHARE_LABEL = re.compile(r"(?i)\bpercent(?:age)?\b|%")


def with_expansions(text: str) -> str:
    """The text and, after it, the words statements print for its abbreviations (BM25 reads
    "R&D" as "r" and "d"): the question's own words stay.

    >>> with_expansions("What was Amazon's R&D in Q1 2023?")
    "What was Amazon's R&D in Q1 2023? research and development"
    """
    more = [words for rx, words in ABBREVIATIONS.items() if re.search(rx, text, flags=re.I)]
    return " ".join([text, *more])


def expand(text: str) -> str:
    """ "R&D" and "capex" as the words a statement prints (`ABBREVIATIONS`)."""
    for rx, words in ABBREVIATIONS.items():
        text = re.sub(rx, words, text, flags=re.I)
    return text


# "Which quarter had the highest revenue?": which row is the question's other words'; and
# "R&D latest quarter vs earlier ones", "the difference in net sales between ...": what it is
# set against, or how, is no row's word either
_EXTREMES = {
    stem(w)
    for w in "highest lowest largest smallest biggest vs versus earlier previous prior "
    "preceding ones difference differences since".split()
}


# "How much cash did its operations generate ...?": the verb says how the figure came about, and
# the six-letter stem of "generate" is that of "General and administrative".
_HOW_MADE = {"generate", "generated", "generates", "generating"} | {
    # "How much inventory did Amazon hold?": what a balance sheet holds, not a row's word
    "hold",
    "holds",
    "held",
    "carry",
    "carried",
    "keep",
    "kept",
    "make",
    "makes",
    "made",
    # "What movements have Amazon's inventory levels shown?": what the figures show
    "show",
    "shows",
    "shown",
    "showed",
    "exhibit",
    "exhibited",
    "display",
    "displayed",
}
# "How much did Apple invest in R&D in Q1 2023, and where was that spending focused?": the
# second question's words name no row. Only after a question for a figure: "Did Amazon report
# any buybacks, and what was their extent?" is one question, its figure a sentence's.
_SECOND_QUESTION = re.compile(
    r"(?i)^(?P<first>(?:[^,?]{0,60},\s*)?(?:how (?:much|many)|what (?:was|were|is|are))\b.*?),? "
    r"and (?:if so,? )?(?:what|where|which|why|how|when|who)\b.*$|"
    # "... trend across the quarters and what's driving it": what drives it is no row
    r"^(?P<measure>.+?),? and (?:what(?:['’]s| is| are| was| were)? (?:driving|behind|causing)|why"
    # "... changed across these quarters and what might this indicate about their supply chain
    # management?": what it means is said in prose, of no row
    r"|(?:what|how) (?:might|may|could|does|do|did|would|can) (?:this|that|these|it|they|the "
    r"\w+) (?:indicate|suggest|mean|imply|reveal|reflect|say|tell|affect|impact))\b.*$"
)


# "Amazon's International segment": the segment's rows say its name ("International: Operating
# income (loss)"), seldom the word (a fact's row; a summary's sentences do say it)
DIVISION = {stem("segment"), stem("segments")}


# A figure's move asked as a verb ("Did Amazon's net income increase ...?", "How much has
# Apple's debt grown?"): which way it went, not a word of the row ("Net increase (decrease) in
# cash" had answered it); "the net increase in cash" is the row's own noun.
_MOVED = re.compile(
    r"(?i)(?:\b(?:did|does|do|has|have|had|will|would)\b[^?.,;]{0,80}?(?<!\bnet )\b"
    r"(?P<verb>increase|decrease|grow|grown|rise|risen|fall|fallen|decline|drop|change|improve|"
    r"move|moved)"
    r"|(?<!\bnet )\b(?P<past>increased|decreased|grew|rose|fell|declined|dropped|changed)"
    # ... or as the noun asked for: "What movements have Amazon's inventory levels shown?"
    r"|^(?:what|which|any) (?:\w+ )?(?P<noun>movements|changes|shifts|fluctuations|variations)"
    r"(?= (?:have|has|did|do|does|were|are|was|is)\b))\b"
)


def question_terms(question: str, names: set[str]) -> set[str]:
    """The stems a row's label should hold: the question's content words (of its first question
    when it asks two) without those that ask, name a period or name the company (`names`,
    lower-cased)."""
    skip = ASKING | PERIOD_WORDS | _EXTREMES | {stem(n) for n in names}
    out = set()
    m = _SECOND_QUESTION.match(question)
    first = (m["first"] or m["measure"]) if m else question
    skip |= {stem(m["verb"] or m["past"] or m["noun"]) for m in _MOVED.finditer(first)}
    # "revenue growth from Q2 2023 to Q3 2023": the move between the two, no row's word
    if len([p for p in periods(first) if p[0] and p[1]]) > 1:
        skip |= {stem(w) for w in _MOVE_NOUNS}
    whole = BREAKDOWN.sub(" ", first)
    if whole != first:  # "Which segments lost money?": a division's loss is its operating loss
        whole = re.sub(rf"(?i){LOST}", " operating income ", whole)
    # "measure up against earlier quarters": how it is set against them, no row's words
    whole = _SET_AGAINST.sub(" ", whole)
    words = content_tokens(expand(without_glosses(whole)))
    # "How much did Apple spend on share buybacks?": the thing spent on names the row, not the
    # verb ("spend" is an expense's word: it had read "Other expense, net")
    if _SPENT_ON.search(first):
        skip |= {stem(w) for w in ("spend", "spent", "spending")}
    for i, w in enumerate(words):
        w = re.sub(r"['’]s$", "", w)
        if w[0].isdigit() or PERIOD_TOKEN.fullmatch(w) or w.lower() in _HOW_MADE:
            continue
        s = stem(w)
        # "current assets" is a balance sheet's group, not the current period
        of_a_balance = s == _CURRENT and i + 1 < len(words) and _BALANCE_PART.match(words[i + 1])
        if (s not in skip or of_a_balance) and len(s) > 1:
            out.add(s)
    return out


_SET_AGAINST = re.compile(
    r"(?i)\b(?:measures?|measured|stacks?|stacked|lines?|lined|holds?|held) up\b(?: (?:against|to|with)\b)?"
)
_MOVE_NOUNS = ("growth", "change", "increase", "decrease", "decline", "rise", "drop")
_SPENT_ON = re.compile(r"(?i)\b(?:spend|spent|spending)\s+(?:[\w$.,]+\s+){0,3}?on\s+\w")
_CURRENT = stem("current")
_BALANCE_PART = re.compile(r"(?i)(?:assets|liabilities|portion)$")


# "Technology and infrastructure costs include payroll and related expenses for employees
# involved in the research and development of new and existing products": a statement's line
# item defined by what it holds.
_DEFINES = re.compile(
    r"\b(?P<label>[A-Z][a-z]+(?:,? (?:and )?[a-z]+){0,4}) (?P<kind>costs|expenses) "
    r"(?:primarily )?(?:include|includes|consist of|consists of|are comprised of)\b"
    r"(?P<body>[^.]{0,600})"
)
# ... or names its parts: "The primary components of other income (expense), net are ..."
_COMPONENTS = re.compile(
    r"\bThe (?:primary |main |principal |key )?components of (?P<of>[^.]{3,80}?) "
    r"(?:are|were|include)\b(?P<body>[^.]{0,600})"
)


# Words of any line item's definition: "costs incurred", "related expenses".
_ANY_ITEM = {
    stem(w)
    for w in "cost costs expense expenses incurred related include includes other total net "
    "amount amounts primarily certain".split()
}


@functools.lru_cache(maxsize=100_000)
def _definitions(text: str) -> tuple[tuple[str, tuple[str, ...], tuple[str, ...], str], ...]:
    """Each line item a passage defines: (label, its stemmed words, the stemmed words of what
    it holds, "costs" or "expenses"); remembered, as the same passages are read again."""
    out = []
    for d in _DEFINES.finditer(text):
        named = tuple(stem(w) for w in content_tokens(d.group("label")))
        if named:
            body = tuple(stem(w) for w in content_tokens(d.group("body")))
            out.append((d.group("label"), named, body, d.group("kind")))
    return tuple(out)


def renamed(label: str, doc: str, other: str, chunks_of) -> str:
    """The label filing `other` prints `label`'s line item under when it was renamed between
    filings (its group kept): the item `other` defines in nearly the words (`RENAMED_NEAR` of
    them shared) that `doc` defines `label` in, Amazon's "Technology and content costs include
    payroll ... for employees involved in the research and development of ..." and, from
    2023, "Technology and infrastructure costs include payroll ...". "" when none.

    >>> from types import SimpleNamespace as S
    >>> said = " costs include payroll for employees in the research and development of new products."
    >>> of = {"a": [S(text="Technology and content" + said)],
    ...       "b": [S(text="Technology and infrastructure" + said)]}
    >>> renamed("Operating expenses: Technology and content", "a", "b", of.get)
    'Operating expenses: Technology and infrastructure'
    """
    own = {stem(w) for w in content_tokens(label.split(": ")[-1])}
    ours = [
        set(body)
        for c in chunks_of(doc)
        for _, named, body, _ in _definitions(c.text)
        if set(named) == own
    ]
    if not ours:
        return ""
    for c in chunks_of(other):
        for theirs, named, body, _ in _definitions(c.text):
            b = set(body)
            if set(named) != own and any(len(b & x) >= RENAMED_NEAR * len(b | x) for x in ours):
                return label[: label.rfind(": ") + 2] + theirs
    return ""


# Words two definitions share (Jaccard) to be of one line item renamed.
RENAMED_NEAR = 0.8


def _runs(words: list[str], body: tuple[str, ...]) -> list[tuple[int, int]]:
    """(start, end) of each run of two or more consecutive `words` also consecutive in `body`,
    longest first."""
    pairs = set(zip(body, body[1:], strict=False))
    runs, i = [], 0
    while i < len(words) - 1:
        j = i
        while j < len(words) - 1 and (words[j], words[j + 1]) in pairs:
            j += 1
        if j > i:
            runs.append((i, j + 1))
        i = max(j, i + 1)
    return sorted(runs, key=lambda r: r[0] - r[1])


def defined_as(question: str, chunks) -> tuple[str, str]:
    """The question with a thing it names that the documents print under another line item
    written as that item: "What did Amazon spend on R&D?" over a filing whose "Technology and
    infrastructure costs include ... the research and development of new ... products" and
    whose statements have a "Technology and infrastructure" row but none naming research and
    development is read as "What did Amazon spend on technology and infrastructure?", with a
    note saying so (else ""). Only a defined item that is a row label is taken, and never for
    words a row label holds ("stock-based compensation expense" is its own row, though "Sales
    and marketing expenses include ... stock-based compensation expense").

    >>> from types import SimpleNamespace as S
    >>> c = [S(chunk_id="a", doc="d", start=0, end=1, text="Technology and infrastructure costs include "
    ...     "payroll for employees in the research and development of new products."),
    ...    S(chunk_id="b", doc="d", start=9, end=10, text="Operating expenses: Technology and "
    ...     "infrastructure — Three Months Ended March 31, 2023: 20,450")]
    >>> defined_as("What did Amazon spend on R&D in Q1 2023?", c)[0]
    'What did Amazon spend on technology and infrastructure in Q1 2023?'
    >>> defined_as("What were Amazon's payroll costs?", c)
    ("What were Amazon's payroll costs?", '')
    >>> defined_as("What costs were incurred for ACME's business?", c)[1]
    ''
    """
    from rag.answer.rows import document_rows

    text = expand(question)
    tokens = [(m, stem(m.group().lower())) for m in re.finditer(r"[A-Za-z][\w-]*", text)]
    # a name ("Amazon's", "AWS") is what chose the documents, and the words every line item
    # shares ("costs incurred") name none: neither is the thing asked after
    tokens = [
        (m, s)
        for m, s in tokens
        if m.group().islower() and m.group() not in STOPWORDS and s not in _ANY_ITEM and len(s) > 1
    ]
    asked = {s for _, s in tokens}
    labels = None
    for c in chunks:
        for label, named, body, verb in _definitions(c.text):
            if asked.intersection(named):
                continue
            for a, b in _runs([s for _, s in tokens], body):
                if labels is None:
                    labels = [
                        " ".join(stem(w) for w in content_tokens(r.label))
                        for r in document_rows(list(chunks))
                    ]
                phrase = " ".join(s for _, s in tokens[a:b])
                item = " ".join(named)
                if any(phrase in x for x in labels) or not any(item in x for x in labels):
                    continue
                start, end = tokens[a][0].start(), tokens[b - 1][0].end()
                note = (
                    f"Read “{text[start:end]}” as “{label}”: the documents say "
                    f"{label.lower()} {verb} include it."
                )
                return text[:start] + label.lower() + text[end:], note
    return question, ""


def as_printed(question: str, snap, passages) -> tuple[str, str]:
    """The question in the words of the documents of `passages` (`questions.in_their_words`,
    then `defined_as`), and the note to show when a line item stands for what it asked."""
    from rag.questions import in_their_words

    if snap is None:
        return question, ""
    docs = dict.fromkeys(p.chunk.doc for p in passages)
    chunks = [c for d in docs for c in snap.doc_chunks(d)]
    return defined_as(in_their_words(question, [c.text for c in chunks]), chunks)


# "What does Amazon's technology and infrastructure cost include?", "What is included in
# fulfillment costs?": what a line item holds, which its definition says and no row does.
ASKS_MAKEUP = re.compile(
    r"\bwhat (?:does|do|did) (?P<a>.+?) (?:include|consist of|comprise|cover)\b|"
    r"\bwhat (?:is|are|was|were) (?:included|counted) in (?P<b>[^?]+)|"
    r"\bwhat (?:goes|go|went) into (?P<c>[^?]+)|\bwhat makes? up (?P<d>[^?]+)|"
    r"\bwhat (?:is|are|were) the (?:\w+ )?(?:components|parts|elements) of (?P<e>[^?]+)",
    re.I,
)


# A sentence saying what a thing holds: "Technology and infrastructure costs include ...",
# "Services net sales include amortization of ...", "(2) Services net sales include ...".
_MAKEUP = re.compile(
    r"(?P<label>\b[A-Z][\w-]*(?:,? (?:and )?(?!also\b|primarily\b)[a-z][\w-]*){0,5}) "
    r"(?:also )?(?:primarily )?"
    r"(?:include|includes|consist of|consists of|are comprised of|comprise|comprises)\b"
    r"(?P<body>[^.]{0,600})"
)
# ... or names its parts: "The primary components of other income (expense), net are ..."
_COMPONENTS = re.compile(
    r"\bThe (?:primary |main |principal |key )?components of (?P<of>[^.]{3,80}?) "
    r"(?:are|were|include)\b(?P<body>[^.]{0,600})"
)


_COST_WORDS = {stem(w) for w in ("cost", "expense", "charge")}
# Words a line item's name carries or leaves out alike: "Other income (expense), net"
_AMOUNT_WORDS = _COST_WORDS | {stem(w) for w in ("net", "total")}


def what_it_includes(question: str, docs, chunks_of, passage_of) -> Outcome | None:
    """The definition sentence of the line item the question asks the makeup of (its label's
    words those of the thing asked, the company's possessive name aside), in the first
    document of `docs` that defines it, or None."""
    m = ASKS_MAKEUP.search(question)
    if m is None:
        return None

    def words(text: str) -> set[str]:  # "cost" and "costs" meet
        return {stem(w[:-1] if w.endswith("s") and len(w) > 3 else w) for w in content_tokens(text)}

    # "Amazon's technology and infrastructure cost": the thing, not whose it is
    thing = re.sub(r"\b[\w&.-]+['’]s?(?=\s)", " ", next(g for g in m.groups() if g))
    # "net" and "total" are left out only of a parts' sentence ("Total net sales include ..."
    # is not what "cost of sales" includes, once costs' words are left out)
    asked = words(expand(thing)) - _COST_WORDS
    if not asked:
        return None

    def named(text: str, d: re.Match) -> set[str]:
        # the whole name: "Harvard Art Museums comprises ..." defines no "Museums"
        lead = re.search(r"(?:\b[A-Z][\w&-]* )+$", text[max(0, d.start() - 80) : d.start()])
        # "sales and marketing expenses" are its "costs": either names the item
        if "of" in d.groupdict():
            return words(d.group("of")) - _AMOUNT_WORDS
        return words((lead.group() if lead else "") + d.group("label")) - _COST_WORDS

    found = next(
        (
            (c, d)
            for doc in docs
            for c in chunks_of(doc)
            for rx in (_MAKEUP, _COMPONENTS)
            for d in rx.finditer(c.text)
            if named(c.text, d) == (asked - _AMOUNT_WORDS if rx is _COMPONENTS else asked)
        ),
        None,
    )
    if found is None:
        return None
    c, d = found
    a = d.start()
    end = re.compile(r"\.(?=\s|$)").search(c.text, d.start("body"))  # not "$3.2 billion"'s
    b = end.end() if end else d.end()
    return Outcome([(c.text[a:b], passage_of(c), a, b, 1.0)])


# "Which product category sold the most?": which had the highest net sales (it had been read as
# a fact and answered with one category's row); what a division earned or made is its
# operating income
_DID_MOST = re.compile(
    r"(?i)\b(?P<verb>sold|sells|sell|brought in|brings in|generated|generates|earned|earns|made|"
    r"makes)\s+the\s+(?P<most>most|least)\b(?:\s+(?:money|revenue|sales))?"
)


def as_extreme(question: str) -> str:
    """ "Which ... sold (earned) the most?" as "Which ... had the highest net sales (operating
    income)?"; any other question as it is.

    >>> as_extreme("Which Apple product category sold the most in Q3 2023?")
    'Which Apple product category had the highest net sales in Q3 2023?'
    >>> as_extreme("Which of Amazon's segments earned the least money in Q3 2023?")
    "Which of Amazon's segments had the lowest operating income in Q3 2023?"
    >>> as_extreme("Who sold the most?")
    'Who sold the most?'
    """
    if not re.match(r"(?i)\s*which\b", question):
        return question

    def said(m: re.Match) -> str:
        high = "highest" if m["most"].lower() == "most" else "lowest"
        what = (
            "operating income"
            if m["verb"].lower().startswith(("earn", "made", "make"))
            else "net sales"
        )
        return f"had the {high} {what}"

    return _DID_MOST.sub(said, question, count=1)
