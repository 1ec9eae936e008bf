"""Answers in the form the question needs: a fact (the reader's short span, `reading.py`), a
list or a summary (the few retrieved sentences that support it, in document order), or a
comparison (one line per document or period, in period order).

The form is chosen by a transparent rule over the question's words (`classify`), written on the
validation questions of the 10-Q gold set (eval/sec10q/gold-validation.jsonl) and the seeds'
questions (all facts). Sentences are chosen by signals already at hand: the embedding similarity
of sentence and question, and the question's content words the sentence shares (weighted by how
rare each is among the retrieved sentences). A sentence that shares none is never said.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from rag.answer.base import Outcome
from rag.answer.causes import CAUSES, GOES_ON, SAYS_WHY
from rag.answer.noise import heading_at, is_noise, says_nothing, signpost, without_running_lines
from rag.answer.periods import doc_order
from rag.answer.risks import MANAGES_RISK, of_the_risk, risk_kind
from rag.context import section_words
from rag.questions import NO_QUESTION_WORD, without_glosses
from rag.text import (
    ASKING,
    CHANGED,
    SERIES_KINDS,
    TELLING,
    THING_KINDS,
    content_tokens,
    folded,
    kinds_pattern,
    stem,
)

FORMS = ("fact", "list", "summary", "comparison")

# First rule that fires wins; otherwise a fact. Only words that ASK for a list, an account or a
# comparison decide: a question that merely starts "Why", "How did" or "What types" usually has
# one span for its answer (on the SQuAD dev articles, 10% of questions were sent to a list or
# summary by such words, and the SQuAD test's citation precision fell from 0.847 to 0.720). An
# asking verb counts only when it asks: "Describe/Explain ..." leading the question, "how ...
# compare/relate/reflect/correlate", "compared to previous ...", not "What is used to describe
# X?", "... when compared to whom?", "What type of outlook ...?" (SQuAD dev: 26 of 1,005
# questions sent to a form before, 2 now, both "What are some other factors ...", a list). On
# the 10-Q validation half the accuracy against its labels stays 0.915. A summary needs a verb
# or phrase asking for an account, not a noun alone: the seeds ask "What is the name of Russia's
# eastward-looking strategy?" and "Who translated ... the Jiang Zhenjun summary?", both facts.
# "Which segment grew fastest?", "Which product categories declined?": every division's row,
# then which moved (`movers`)
MOVED = r"(?:grew|grow|increased|rose|declined|decreased|fell|dropped|shrank)\b"
# "... segment had the highest ...": a division's verb, then a superlative ("What is the region
# called that is the largest conurbation?" names a place, no list)
_HAD_EXTREME = (
    r"(?:had|has|have|saw|showed|reported|generated|recorded|posted|contributed|brought)\b"
    r"[^?]{0,40}\b(?:highest|lowest|largest|smallest|biggest)\b|(?:[\w'’()]+ ){0,3}?" + MOVED
)
# "X vs the Y discussion": a figure set against a part of the report, a relation to give
# an account of, not periods to compare ("inventory changes vs the supply chain discussion",
# "liquidity section vs operating cash flow changes")
_PART = r"(discussion|section|commentary|narrative|notes|disclosures?|statements|reporting|md&a)"
# ... but not "the notes on debt in Q1 vs Q2", "vs the prior quarter"
_VS = (
    r"(vs\.?|versus)\s(?!(the |its )?(q[1-4]|fy|\d{4}|previous|prior|last|earlier|same|preceding))"
)
RULES = (
    (
        "summary",
        rf"\b{_PART}\b[^?]{{0,60}}\b{_VS}|\b{_VS}[^?]{{0,60}}\b{_PART}\b",
    ),
    (
        "comparison",
        r"\b(comparison|trends?|over time|versus|vs|year-over-year|quarter-over-quarter|"
        r"(^|[,;:] )(please )?compare|how (?!many|much|long|far|old|often)[^?]{0,120}\bcompar\w*|"
        r"(compar\w* (to|with|against)|relative to) (the )?(previous|prior|preceding|last|earlier|"
        r"past|same|other)|"
        # "iPhone net sales in Q1 2023 compared to Q1 2022": a period set against another
        r"compar\w* (to|with|against) (the )?(q[1-4]|(first|second|third|fourth) (fiscal )?quarter|"
        r"fiscal|fy|(19|20)\d\d)|"
        # "How did Greater China net sales change in Q2 2023?": against the same period a year
        # before, which the period's report prints beside it
        r"how (did|does|do) [^?]{0,80}\b"
        + CHANGED
        + r"\s+(in|during|for|over) (the )?(q[1-4]|(first|second|third|fourth) (fiscal )?quarter|"
        r"fiscal|fy|(19|20)\d\d|(first )?(three|six|nine|twelve) months)|"
        # "Did Amazon's net sales increase in Q3 2023?": the same, asked yes or no
        r"^(did|has|have) [^?]{0,80}\b(increas|decreas|grow|grew|declin|rise|rose|fall|fell|drop|"
        r"improv)\w*\s+(in|during|for|over) (the )?(q[1-4]|(first|second|third|fourth) (fiscal )?"
        r"quarter|fiscal|fy|(19|20)\d\d|(first )?(three|six|nine|twelve) months)|"
        r"(how|in what ways?) (has|have) [^?]{0,60}\b"
        + CHANGED
        # "How did net revenue retention change?": as "how has it changed", over the reports
        # (not "How did Luther want people to bring about change?", nor a follow-up's "it")
        + r"|^how did (?!(it|they|that|this|these|those) )(?![^?]*\babout change)[^?]{0,60}\b"
        r"(change|evolve)(?=\s*\??$)"
        + r"|chang\w* (over|across|between)|"
        # "shift materially over the quarters reported", "alterations ... during these quarters"
        + CHANGED
        + r"\b[^?]{0,60}?\b(over|across|throughout|during|between) (the |these |its )?"
        r"(reported |reporting )?"
        r"(quarters|periods|reports|filings|10-qs|timeframe)|"
        r"patterns?\b[^?]{0,80}\b(over|across|throughout|during) |"
        r"from (one )?(quarter|period|year) to (the next|another|(quarter|period|year)\b)|"
        r"(quarter|period)[- ](to|on)[- ](quarter|period)|"
        r"how (did|does|do|was|were) [^?]{0,80}\bchang\w* from [^?]{1,60}\bto|"
        # "What was Apple's revenue growth from Q2 2023 to Q3 2023?": two quarters' figures
        r"\b(growth|chang\w*|increase|decrease|decline|rise|drop)\b[^?]{0,80}\bfrom (the )?"
        r"(q[1-4]|(first|second|third|fourth) (fiscal )?quarter)\b[^?]{0,40}\bto (the )?"
        r"(q[1-4]|(first|second|third|fourth) (fiscal )?quarter)\b|"
        r"how much (did|has|have) (?:(?!will )[^?]){0,80}\b(chang|grow|grew|increas|decreas|declin|"
        r"rise|rose|fall|fell|drop)"
        r"\w* (from|between) [^?]{1,60}\b(to|and)\b|"
        r"(each|every|per|both( of)?( the)?) (reported |reporting )?(periods?|quarters?|"
        + kinds_pattern((*THING_KINDS, *SERIES_KINDS))
        + r")|"
        r"separately for each|"
        # as typed into a chat box: "net sales over the last few quarters", "iPhone revenue by
        # quarter", "inventory quarter by quarter"
        r"over the (last|past) ((few|several|two|three|four|\d+) )?(quarters|periods)|"
        r"by (quarter|period)\b(?! (?:was|were|is|are|had|has)\b)|quarter by quarter|"
        r"how (they|it|these|those) (have |has )?" + CHANGED + r"|"
        r"from (period|quarter|year) to (period|quarter|year)|"
        r"(prior|previous|preceding) (quarters|periods|years)|"
        r"differences? (in|of) [^?]{0,60}\bbetween|how [^?]{0,80}\bfluctuat\w*|stacks? up|"
        # "the difference between Amazon's net sales in Q3 2022 and Q3 2023", "How much more
        # did Amazon earn in Q3 2023 than in Q2 2023?": two periods of one figure
        r"differences? between [^?]{0,80}\b(q[1-4]|(19|20)\d\d)\b[^?]{0,20}\band\b|"
        r"how much (more|less|higher|lower|bigger|smaller) [^?]{0,60}\bthan (in |during |for )?"
        r"(the )?(q[1-4]|(first|second|third|fourth) quarter|(19|20)\d\d)|"
        r"(measures?|measured|lines?|lined) up (against|to|with)|fares? against|"
        r"across (\w+ ){0,2}(quarters|periods|years|reports|filings|10-qs|offerings)|"
        # "Which quarter had the highest revenue?": the series, then its extreme
        r"(which|what) (quarter|period|fiscal quarter)s? (had|has|saw|showed|was|were|did)\b"
        r"[^?]{0,40}\b(highest|lowest|largest|smallest|biggest|strongest|weakest))\b",
    ),
    (
        "list",
        # ("total liabilities" is one figure)
        # ("What were the key legal proceedings ...?": a qualifier or two before the items)
        r"\b(list|enumerate|(what|which) ([\w'’]+ ){0,3}"
        r"(?:(?:legal|pending|material|significant|major|main|key) )?(?<!total )(factors|risk factors|risks|"
        # ("Apple's Products gross margin" is one figure of the Products line)
        r"segments|products(?! (?:gross|net|sales|revenue|margin|operating|costs?)\b)|"
        r"initiatives|acquisitions|drivers|contributors|programs|proceedings|liabilities|"
        r"contingencies|commitments|verticals|steps|lawsuits|suits|cases|claims|sources|(?<=legal )matters|"
        r"(?<=accounting )(?:estimates|policies)|"
        r"investigations|disputes)|(what|which) ([\w'’]+ ){1,3}elements|"
        r"(what|which) (are|were) the (\w+ )?(main|key|primary|principal|major) (causes|reasons)|"
        r"(what|which) [^?]{0,40}\bcritical accounting (estimates|policies)|"
        r"split (among|across|between|by) |"
        r"(which|what) (of [\w'’]+ )?([\w'’]+ ){0,2}?(segment|region|categor(y|ie)|product|"
        r"business|division)s?(?:['’]s?)? (?=" + _HAD_EXTREME + r")|"
        r"(by|for each|per|across (its |the )?\w*) (segment|region|geograph\w*|category|"
        r"product|business|division|line of business|service)s?\b(?! (?:was|were|is|are|had|has)\b)|"
        # a chat box's "Apple legal proceedings in the Q2 2023 10-Q", no question word before
        r"^" + NO_QUESTION_WORD + r"[^?]{0,80}\b(legal (?:proceedings|matters)|lawsuits|"
        r"risk factors|acquisitions)\b|breakdown|"
        # "Break down Apple's total operating expenses", "Can you break it down?": its parts
        r"^((please|can you|could you|would you) )?break (down|[^?.!]{1,80} down)\b)\b",
    ),
    (
        "summary",
        r"\b(summariz\w*|summarise\w*|sum up|"
        r"(^|[,;:] )(please |can you |could you )?(describe|explain|discuss|correlate|outline|"
        r"detail|elaborate on)|"
        # "What are the terms of Amazon's credit facility?": told in sentences
        r"what (are|were|is|was) the (\w+ )?terms (of|for|on)\b|"
        r"(describe|explain) (how|why)|how (do|does|did) [^?]{0,40}\b(describe|characteri[sz]e|explain|"
        r"discuss|portray|recogni[sz]e|account for|value|measure|estimate|allocate)\b|"
        r"what (changes|modifications|amendments) (did|has|have|does|do) [^?]{0,60}\bmake\b|(?<!type of )(?<!kind of )(outlook|guidance)|overview|"
        r"implications?|consequences|what (do|does|did) [^?]{0,60}\b(expect|anticipate|forecast)s? (for|in)\b|"
        r"(^|[,;:] )(please |can you |could you )?(tell (me|us) (more )?about|walk (me|us) through)|"
        r"examine|assess|analy[sz]e|correlat\w* (between|with)|(how (?!many|much|long|far|old|often)|in what ways )[^?]{0,120}\b("
        r"relate[sd]?|correlat\w*|reflect\w*|align\w*|correspond\w*|connect\w*|ties? in|tied in|"
        r"link(s|ed)? (to|with)|mirror\w*)|combine the|align the|match the|(^|[,;:] )bring together|"
        r"(what|any|notable|significant|key|major|material|considerable|substantial|about) "
        r"(changes|shifts|alterations|modifications|movements|variations) (in|to|of)|"
        r"(changes|shifts|alterations|modifications|movements|variations) (have |has )?"
        r"(occurred|happened|taken place|been (made|observed|seen|reported)) (in|to)|"
        r"what (do|does|did) [^?]{0,80}\b(say|suggest|indicate|reveal|tell( us| me)?) about|"
        r"how did [^?]{0,60}\b(affect|impact|influence)|what (effects?|impacts?) (did|have|has|had)|"
        + MANAGES_RISK
        + r"|"
        r"in what ways (do|does|did|is|are|was|were|can|could|might)|"
        r"what insights? (can|could|do|does|did|are|were|might|about|into|from)|"
        r"(what|any) details\b[^?]{0,40}\b(about|on|regarding)|"
        # a state told in sentences, not one figure ("What is Apple's liquidity position?")
        # "What were the highlights of Apple's Q1 2023 quarter?"
        r"(the|key|main) (highlights|takeaways)|"
        # "Give me a summary of the call.", "What were the main themes?", "What was discussed
        # on the call?": an account of the whole
        r"\b(a|an) (brief |short |quick )?(summary|recap|synopsis|rundown) of|tl;? ?dr|"
        r"(key|main) (points|themes|topics|ideas)|(key|main|major|principal) (findings|conclusions|"
        r"results|lessons)|"
        r"^what (was|were) (discussed|covered|talked about) (on|in|during|at)\b|"
        # "What is Amazon's exposure to interest rate risk?": an account, not one figure
        r"^what (is|are|was|were) [^?]{0,40}\bexposures? to\b|"
        r"(?<!of )(liquidity|capital|competitive) (position|situation|condition|profile|health|"
        r"standing)|"
        # "What is Apple's policy on dividends?": the policy's sentences
        r"polic(y|ies) (on|for|regarding|towards?|about))\b|"
        r"^what (is|was|are|were) (the |an? )?[^?]{1,80}\babout\s*\??$|"
        r"^" + NO_QUESTION_WORD + r"[^?]{0,80}\b(effects?|impacts?|changes|exposure|strateg\w*)\b",
    ),
)


def classify(question: str) -> str:
    """The form a question wants: "fact", "list", "summary" or "comparison".

    >>> classify("How has Apple's total net sales changed over time?")
    'comparison'
    >>> classify("What verticals were discussed in the call?")
    'list'
    >>> classify("Summarize the conclusions on Snowpark")
    'summary'
    >>> classify("What is the name of Russia's eastward-looking strategy?")
    'fact'
    >>> classify("What were Apple's total liabilities?"), classify("What liabilities does it list?")
    ('fact', 'list')
    """
    q = question.strip().lower()
    for form, rule in RULES:
        if re.search(rule, q):
            return form
    return "fact"


# A fact question whose answer is a sentence or two rather than a span: a yes/no opener ("Did
# Apple report any share repurchase ...?", also after a framing phrase: "In the Q2 2023 10-Q,
# did Amazon ...?"), a question after causes or meaning ("what was the
# primary driver", "principal influences", "what do ... suggest"), or two questions joined by
# "and" ("..., and what was the extent ...?"). Only these fall back to a summary when the reader
# declines (`Pipeline._fallback`).
EXPLAINED = re.compile(
    r"(^|^[^?]{0,60}?, )(are|is|was|were|does|do|did|has|have|had|any)\b|"
    r"\b(dr[io]ve\w*|drivers?|influenc\w*|factors?|reasons?|caus(e|es|ed)|why|suggests?|"
    r"relationship)\b|"
    # what was said on a call: "What did the CFO say about operating margin?"
    r"\b(say|said|comment\w*|remark\w*|talk\w*|discuss\w*|report\w*|state\w*|disclos\w*) "
    r"(about|on|regarding)\b|"
    # "What did Amazon record for its investment in Rivian?": the gains and losses it tells
    r"\brecord(ed)? (for|on)\b|"
    r"\band (if so,? )?(what|how|which|why|where)\b(?! else)",
    re.I,
)


def explained(question: str) -> bool:
    """Whether a fact question may be answered by a sentence or two (`EXPLAINED`).

    >>> explained("Did Apple report any share repurchases, and if so, what was their scale?")
    True
    >>> explained("In the Q2 2023 10-Q, did Amazon announce any acquisitions?")
    True
    >>> explained("What did the CFO say about operating margin?")
    True
    >>> explained("What was Apple's gross margin in Q3 2023?")
    False
    """
    return bool(EXPLAINED.search(question.strip()))


# ---- choosing sentences -----------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One candidate sentence: `passage.chunk.text[start:end]`."""

    passage: object
    start: int
    end: int
    text: str
    score: float
    shared: int  # question content words it holds
    row: object = None  # the table row (`rows.Row`) when the line is one
    words: frozenset = frozenset()  # the question's words it holds


# The sections of a filing that are formalities: "Exhibit 31.1 › CERTIFICATION", "SIGNATURES",
# "Item 6. Exhibits" (not a museum's "Exhibits"); and a question asking about them.
_FORMALITIES = re.compile(
    r"(?i)\bexhibits?\s+\d|\bitem\s+\d+[a-z]?\W+exhibits\b|\bsignatures?\b|\bcertify\b"
)
_ASKS_FORMALITIES = re.compile(r"(?i)\b(?:certif\w*|signatures?|signed|exhibits?)\b")


# "by segment", "for each region": how a list is divided, not what its rows are called
# ("Operating income (loss): AWS").
# "Which segments lost money?", "... were unprofitable", "... had an operating loss": a
# division's operating income below (or above) nothing
LOST = (
    r"(?:lost money|los(?:e|es|ing) money|(?:were|was|is|are) (?:not |un)?profitable|"
    r"(?:had|have|has|posted|reported|recorded|made) (?:an? )?(?:operating )?(?:loss|losses)\b)"
)
BREAKDOWN = re.compile(
    r"\b(?:"
    # "Which segment had the highest operating income?": every segment's row, then the highest
    r"(?:which|what) (?:of [\w'’]+ )?(?:[\w'’]+ ){0,2}?(?:segments?|regions?|categor(?:y|ies)|"
    r"products?|business(?:es)?|divisions?)(?:['’]s?)? (?=" + _HAD_EXTREME + "|" + LOST + r")|"
    r"(?:(?:by|for each|per) |across (?:[\w'’]+ ){0,3}?|"
    r"(?:split|divided|broken down) (?:among|across|between|by|into) (?:[\w'’]+ ){0,3}?)"
    r"(?:segments?|regions?|geograph\w*|"
    r"categor(?:y|ies)|products?|business(?:es)?|divisions?|(?:service |product )?offerings|"
    r"(?:revenue )?streams|(?:product|service|business) lines|(?<=by )services?)|"
    # "the revenue breakdown": the measure's word stays the question's
    r"(?:(?<=revenue )|(?<=sales )|(?<=income )|(?<=expense )|(?<=expenses )|(?<=cost ))breakdown)\b",
    re.I,
)


def question_terms(question: str) -> set[str]:
    question = BREAKDOWN.sub(" ", question)
    return {stem(w) for w in content_tokens(without_glosses(question))} - ASKING - TELLING


def score_lines(
    question: str,
    passages,
    embedder,
    lexical_weight: float,
    rows=(),
    asked: str = "",
    by_label: bool = False,
) -> list[Line]:
    """Every sentence of the passages that holds a question word, scored: cosine with the
    question + `lexical_weight` x the share of the question's words it holds, each word weighted
    by its rarity among all the sentences. `rows`: (passage, table row) pairs of the documents
    asked about (`row_lists.form_rows`), scored the same way beside the sentences; a row line's
    words are its label's (its column headers name periods, not what is asked). `asked`: the
    user's own words, whose periods choose the cell a row is read at (`cells.read_value`)."""
    from rag.answer.cells import read_value
    from rag.answer.row_lists import label_holds
    from rag.answer.rows import chunk_rows
    from rag.answer.vocabulary import expand

    items = []
    formal = not _ASKS_FORMALITIES.search(asked or question)
    before: dict[tuple[str, int], str] = {}  # a sentence going on from the one before: that one
    for p in passages:
        prev, topic, end = "", "", 0
        for a, b in p.chunk.sentence_spans():
            text = p.chunk.text[a:b]
            if "\n\n" in p.chunk.text[end:a]:
                topic = ""  # a signpost names what its own paragraph goes on to say
            lent = [prev] if prev and GOES_ON.match(text) else []
            if topic:
                lent.append(topic)
            if lent:
                before[(p.chunk.chunk_id, a)] = " ".join(lent)
            if signpost(text):
                topic = text
            prev, end = text, b
            # a filing's certifications, signatures and exhibit index say the company's name
            # and the report's, never what the report tells
            if formal and _FORMALITIES.search(f"{section_words(p.chunk)} {heading_at(p.chunk, a)}"):
                continue
            # a heading, a page number or a contents line says nothing on its own, nor does
            # a sentence that only leads into a table ("... were as follows (in millions):")
            # or points elsewhere ("See Note 4 ...")
            if len(text.split()) >= 3 and not is_noise(text) and not says_nothing(text):
                items.append((p, a, b, text))
    items = without_running_lines(items)
    row_at: dict[tuple[str, int, int], object] = {}
    for p in {id(p): p for p in passages}.values():
        for r in chunk_rows(p.chunk):
            row_at[(p.chunk.chunk_id, r.start, r.end)] = r
    for p, r in rows:
        row_at[(p.chunk.chunk_id, r.start, r.end)] = r
        items.append((p, r.start, r.end, p.chunk.text[r.start : r.end]))
    # a row whose cell for the period asked is empty ("Gross profit — —; (1,206)") says nothing
    empty = {k for k, r in row_at.items() if not read_value(r, asked or question)}
    items = [x for x in items if (x[0].chunk.chunk_id, x[1], x[2]) not in empty]
    # a row of a retrieved passage comes both ways: once
    items = list({(p.chunk.chunk_id, a, b): (p, a, b, t) for p, a, b, t in items}.values())
    if not items:
        return []
    terms = question_terms(expand(question))

    def holds(p, a, b, text) -> set[str]:
        row = row_at.get((p.chunk.chunk_id, a, b))
        if row is not None:
            return label_holds(terms, row.label)
        # a sentence under "Liquidity and Capital Resources" is about liquidity
        about = f"{text} {heading_at(p.chunk, a)} {before.get((p.chunk.chunk_id, a), '')}"
        return {stem(w) for w in content_tokens(about)} & terms

    words = [holds(*item) for item in items]
    n = len(items)
    # The share is of the question's words that some candidate holds: a long question's words
    # no sentence or row has ("supply chain efficiency") would otherwise sink every candidate.
    terms = {t for t in terms if any(t in w for w in words)}
    idf = {t: math.log(1 + n / (1 + sum(t in w for w in words))) for t in terms}
    total = sum(idf.values()) or 1.0
    # Only a sentence sharing a question word is ever said (`extract`): embedding the others,
    # most of a table's rows, was most of a list's or comparison's time (issue 27).
    shared = [(item, w) for item, w in zip(items, words, strict=True) if w]
    if not shared:
        return []
    # `by_label`: a row is embedded by its label: its dates and figures only blur what it is
    # about ("Current assets: Inventories" against an inventory question: cosine 0.33, its
    # whole line 0.24).
    said = [
        (by_label and getattr(row_at.get((p.chunk.chunk_id, a, b)), "label", None)) or t
        for (p, a, b, t), _ in shared
    ]
    vecs = embedder.embed_cached([question] + said)
    sims = vecs[1:] @ vecs[0]
    return [
        Line(
            p,
            a,
            b,
            t,
            float(s) + lexical_weight * sum(idf[x] for x in w) / total,
            len(w),
            row_at.get((p.chunk.chunk_id, a, b)),
            frozenset(w),
        )
        for ((p, a, b, t), w), s in zip(shared, sims, strict=True)
    ]


def _dedupe(lines: list[Line], near: float = 1.0) -> list[Line]:
    """Best first; a sentence said already (same words, or the same place of the document,
    read in an overlapping passage) is dropped, and so is one sharing at least `near` of its
    words with a kept one (the same sentence re-worded slightly in the next quarter's filing)."""
    kept: list[Line] = []
    seen: set[str] = set()
    spans: list[tuple[str, int, int]] = []
    words: list[set[str]] = []
    labels: set[tuple[str, str]] = set()
    for line in sorted(lines, key=lambda x: -x.score):
        c = line.passage.chunk
        doc, a, b = c.doc, c.start + line.start, c.start + line.end
        k = folded(line.text)
        # passages overlap, and may cut the same sentence differently: any overlap is the same
        if k in seen or any(d == doc and s < b and a < e for d, s, e in spans):
            continue
        # a row a filing prints in two tables ("Net cash provided by (used in) financing
        # activities" in the statement and beside its free cash flow) is one thing of a list
        label = (doc, folded(line.row.label)) if line.row is not None and near < 1.0 else None
        if label in labels:
            continue
        w = set(k.split())
        if near < 1.0 and any(len(w & v) >= near * len(w | v) for v in words):
            continue
        seen.add(k)
        if label:
            labels.add(label)
        spans.append((doc, a, b))
        words.append(w)
        kept.append(line)
    return kept


def _causes_over_rows(lines: list[Line]) -> list[Line]:
    """The lines of a list or summary asking why a figure moved: when some sentence says a
    cause ("... due primarily to ..."), the figure's rows say how much, never why: the best
    row stays (the figure asked about), the others go."""
    if not any(x.row is None and SAYS_WHY.search(x.text) for x in lines):
        return lines
    best = max((x for x in lines if x.row is not None), key=lambda x: x.score, default=None)
    return [x for x in lines if x.row is None or x is best]


# "What segments does Apple report?": the divisions themselves, no figure of theirs named
ASKS_DIVISIONS = re.compile(
    r"(?i)^(?!.*\b(?:sales|revenues?|income|profits?|loss(?:es)?|margins?|expens\w*|costs?|assets|"
    r"earnings|cash|growth|performance)\b).*\b(?:segments|divisions|business units)\b"
)


def in_document_order(lines: list[Line]) -> list[Line]:
    return sorted(
        lines, key=lambda x: (doc_order(x.passage.chunk.doc), x.passage.chunk.start + x.start)
    )


def as_support(line: Line) -> tuple:
    return (line.text, line.passage, line.start, line.end, round(line.score, 4))


# A question a table row never answers: after what is ahead ("What did Apple say about its
# gross margin outlook?"), how a thing is done ("How does Amazon recognize revenue from
# AWS?"), what was changed ("What changes did Apple make to its repurchase program?")
_HOW_DONE = re.compile(
    r"(?i)\bhow (?:do|does|did) [^?]{0,60}\b(?:recogni[sz]e|account for|value|measure|estimate|"
    r"allocate)\b|\bterms (?:of|for|on)\b"
)
_NO_ROWS = re.compile(
    r"(?i)\b(?:outlook|guidance|forecast\w*|expect\w*|anticipat\w*)\b|"
    + _HOW_DONE.pattern.removeprefix("(?i)")
    + r"|\bwhat (?:changes|modifications|amendments) (?:did|has|have|does|do) [^?]{0,60}\bmake\b"
)

# Words shared (Jaccard) from which two sentences of a list or summary are one.
NEAR_DUPLICATE = 0.8


@dataclass(frozen=True)
class FormSettings:
    lexical_weight: float = 0.25
    floor: float = 0.45  # score a sentence needs to be said
    max_items: int = 5
    max_per_period: int = 1
    # a list's or summary's item scores at most this below its best: past a fall-off the
    # items share the question's words but not its subject
    max_drop: float = 1.0
    # taken off the score of a sentence of a filing's risk factors or forward-looking
    # statements when the question does not ask about risk (`Passage.hypothetical`): they say
    # what might happen and share the words of what did ("changes in inventory levels")
    hypothetical_penalty: float = 1.0


def extract(
    form: str, question: str, passages, embedder, fs: FormSettings, rows=(), asked: str = ""
) -> Outcome:
    """A list, summary or comparison answer from the passages (and the table `rows` given,
    `row_lists.form_rows`), or an abstention with its reason. Supports are (sentence, passage,
    start, end, score) as `number_citations` takes them; for a comparison `labels` gives each
    line's period or document. `asked`: the user's own words (the periods a row's cells are
    split by; `question` may have lost them to steering)."""
    lines = [
        x
        for x in score_lines(
            question, passages, embedder, fs.lexical_weight, rows, asked, form != "comparison"
        )
        if x.shared and x.score >= fs.floor
    ]
    if fs.hypothetical_penalty:
        from rag.answer.forecasts import asks_what_was_of_a_forecast
        from rag.retrieve import _FORWARD, ASKS_RISK  # "These forward-looking statements ..."

        said = not ASKS_RISK.search(question)  # under another heading too (Amazon's "Guidance")
        lines = [
            replace(x, score=x.score - fs.hypothetical_penalty)
            if x.passage.hypothetical
            or (said and _FORWARD.search(x.text))
            # a comparison of what was, not of what is expected ("For the fourth quarter, we
            # expect ..."); a summary may say what is planned ("We expect to fund ...")
            or (
                form == "comparison"
                and x.row is None
                and asks_what_was_of_a_forecast(asked or question, x.text)
            )
            else x
            for x in lines
        ]
        # what might happen is said only when nothing that happened is: beside such a
        # sentence it is filler ("During today's call, we will make forward-looking
        # statements, including statements related to our guidance ...")
        lines = [x for x in lines if x.score >= fs.floor] or lines
    if form != "comparison" and CAUSES.search(asked or question):
        lines = _causes_over_rows(lines)
    if form != "comparison":  # what is said of the rare name asked, from where it is named
        lines = [x for x in lines if x.passage.named] or lines
    if form != "comparison" and _NO_ROWS.search(asked or question):  # a row prints what was
        # (and never how a thing is done: rows alone are no answer to it)
        kept = [x for x in lines if x.row is None]
        lines = kept if kept or _HOW_DONE.search(asked or question) else lines
    if form == "summary" and (kind := risk_kind(asked or question)):
        # "How does Amazon mitigate credit risk?": sentences of that risk, none of market risk
        # nor of credit cards
        lines = [x for x in lines if of_the_risk(kind, x.text)]
    # A comparison wants the same sentence from each period; a list says each thing once.
    lines = _dedupe(lines, 1.0 if form == "comparison" else NEAR_DUPLICATE)
    if not lines:
        return Outcome(form=form, reason="form_unsupported", detail=form)
    if form != "comparison":
        kept = [x for x in lines[: fs.max_items] if x.score >= lines[0].score - fs.max_drop]
        chosen = in_document_order(kept)
        return Outcome([as_support(x) for x in chosen], form=form)
    from rag.answer.comparisons import compare

    return compare(lines, question, asked, fs)


def lines_text(form: str, supports, citations, labels: list[str]) -> str:
    """The answer's text: a list or a comparison as one "- " line per support ("- Q3 2022:
    ... [1]"), a summary as its sentences in a row; each with its [n]."""
    from rag.text import display_text

    number = {(c.doc, c.start, c.end): c.n for c in citations}
    parts = []
    for i, (sentence, passage, start, end, _) in enumerate(supports):
        c = passage.chunk
        n = number[(c.doc, c.start + start, c.start + end)]
        # a bullet the document printed is the list's own ("- • Operating income ...")
        said = re.sub(r"^[•▪◦●‣]\s*", "", display_text(sentence))
        label = labels[i] if i < len(labels) and labels[i] else ""
        # a row that names it already ("AWS: Operating income — ...") is not labelled twice
        label = f"{label}: " if label and not said.lower().startswith(label.lower()) else ""
        parts.append(f"{label}{said} [{n}]")
    if form == "summary":
        return " ".join(parts)
    return "\n".join(f"- {p}" for p in parts)
