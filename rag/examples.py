"""Example questions for the first page: drawn from the loaded documents, kept only if the bot
answers them.

No model writes them: a few sentence shapes are turned into questions by rule, each knowing
the words it asks for (the answer it took out). A candidate is kept only when the bot, asked it
like any user would (the whole collection, no history), answers, cites the document the
sentence came from, and its answer is those words. Different documents are preferred.

    "On June 15, the 2nd Forum was held in Harbin."  ->  "When was the 2nd Forum held?"  (June 15)
    "In January 2007 the Russian government laid out the Program, and ..."
        ->  "Who laid out the Program in January 2007?"  (the Russian government)
        ->  "When did the Russian government lay out the Program?"  (January 2007)
    "Exports from China to Russia amounted to 24 billion US dollars, an increase of 47%."
        ->  "How much did exports from China to Russia amount to?"  (24 billion US dollars)
    "Within the program more than 200 projects have been specified."
        ->  "How many projects have been specified within the program?"  (more than 200)
    a title line and an author line  ->  "Who wrote “Title”?"  (the author)

Asking takes the reader a fraction of a second per candidate, so the result is remembered per
index generation (`snap.generation`): the first page pays once per change of the documents.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import weakref
from collections.abc import Iterable
from dataclasses import dataclass

from rag.store.base import Snapshot
from rag.text import normalize_answer, token_f1

log = logging.getLogger(__name__)

# Candidates asked at most per call, and per document in the first pass.
MAX_ASKS = 18
MAX_TRIES_PER_DOC = 4
# Documents whose sentences are turned into candidates (a large collection: the first ones
# by name; the question is still answered from the whole collection).
MAX_DOCUMENTS = 12
MAX_QUESTION_WORDS = 22
# Stop asking after this long (a drafting generator takes seconds per question).
MAX_SECONDS = 20.0

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
DATE = re.compile(
    rf"\b(?:(?:early|late|mid-|the end of|the beginning of)\s*)?"
    rf"(?:{_MONTH}\s+{_DAY}(?:\s*(?:-|–|to)\s*{_DAY})?(?:,?\s+\d{{4}})?|{_MONTH}\s+\d{{4}}|"
    rf"(?:1[5-9]|20)\d{{2}})\b"
)
# A leading adverbial ("In 2018,", "On June 15,", "At the current EXPO,") set off by a comma,
# or a bare date ("In January 2007 the government ...").
_FRONT = re.compile(
    r"^(?P<adv>(?:In|On|At|During|Since|By|Within|Through|After|Before|Until|From)\s"
    r"[^,;:“”\"]{2,90}?),\s+(?P<rest>.+)$"
)
_FRONT_DATE = re.compile(rf"^(?P<adv>(?:In|On|By|Since)\s+{DATE.pattern})\s+(?P<rest>[a-zA-Z].+)$")
_FRONT_BARE = re.compile(
    r"^(?P<adv>(?:In|Within|At|During|Under)\s+(?:the|this|that|its)\s+\w+)\s+"
    r"(?P<rest>(?:more than |over |about |nearly |almost |some |around )?\d.+)$"
)
_NUMBER = re.compile(
    r"^(?P<num>(?:(?:more than|over|about|nearly|almost|some|around|at least)\s+)?"
    r"\$?\s?\d[\d,.]*(?:\s*%)?(?:\s+(?:million|billion|trillion|thousand|hundred))?)"
    r"\s+(?P<noun>[a-z][a-z-]+s)\b(?P<tail>.*)$"
)
_QUANTITY = re.compile(
    r"^(?P<amount>(?:(?:more than|over|about|nearly|almost|around)\s+)?[$€£¥]?\s?\d[\d,.]*"
    r"(?:\s*%)?(?:\s+(?:million|billion|trillion|thousand))?(?:\s+(?:US\s+)?(?:dollars|"
    r"euros|yuan|rubles|roubles|tons|tonnes|people|percent))?)"
)

DISCOURSE = {
    "in particular", "in turn", "in addition", "in fact", "at the same time", "in general",
    "in short", "on the other hand", "by contrast", "in other words", "in contrast",
    "at present", "in practice", "in this case", "in any case", "on the whole",
}  # fmt: skip
AUX_BE = {"is", "are", "was", "were"}
AUX = AUX_BE | {"has", "have", "had", "will", "would", "can", "could", "may", "might", "must"}
IRREGULAR = {
    "held": "hold", "took": "take", "made": "make", "laid": "lay", "set": "set",
    "built": "build", "gave": "give", "sent": "send", "met": "meet", "began": "begin",
    "became": "become", "won": "win", "wrote": "write", "led": "lead", "paid": "pay",
    "said": "say", "went": "go", "came": "come", "grew": "grow", "rose": "rise",
    "fell": "fall", "saw": "see", "found": "find", "brought": "bring", "bought": "buy",
    "sold": "sell", "told": "tell", "kept": "keep", "left": "leave", "lost": "lose",
    "spent": "spend", "taught": "teach", "thought": "think", "chose": "choose",
    "drew": "draw", "drove": "drive", "ran": "run", "struck": "strike", "shot": "shoot",
    "spoke": "speak", "stood": "stand", "understood": "understand", "put": "put",
}  # fmt: skip
PRESENT = {
    "takes": "take", "holds": "hold", "covers": "cover", "includes": "include",
    "contains": "contain", "plans": "plan", "aims": "aim", "provides": "provide",
    "lies": "lie", "runs": "run", "owns": "own", "produces": "produce",
}  # fmt: skip
# Participles and -ed words that are adjectives far more often than verbs after a subject.
NOT_VERBS = {"based", "limited", "related", "united", "advanced", "so-called", "detailed"}
MEASURE_VERBS = {
    "amounted to": "amount to", "reached": "reach", "exceeded": "exceed",
    "totaled": "total", "totalled": "total", "rose to": "rise to", "grew to": "grow to",
    "fell to": "fall to", "increased to": "increase to", "decreased to": "decrease to",
}  # fmt: skip
PRONOUNS = {
    "it", "they", "this", "these", "those", "that", "he", "she", "we", "i", "you", "which",
    "who", "there", "its", "their", "his", "her", "our", "such", "another", "other",
}  # fmt: skip
PERSONISH = {
    "government", "president", "minister", "ministry", "council", "committee", "leaders",
    "leader", "author", "authors", "company", "university", "parliament", "court", "king",
    "queen", "emperor", "officials", "delegation", "delegations", "team", "people", "party",
    "countries", "states", "sides", "governor", "mayor", "army", "consulate", "consul",
}  # fmt: skip
CONJUNCTIONS = {
    "although", "though", "while", "when", "if", "because", "since", "as", "after", "before",
    "and", "but", "so", "yet", "however", "thus", "also", "then", "once", "unless", "whereas",
}  # fmt: skip
# A question holding one of these leans on a sentence the reader does not see.
DANGLING = {"it", "this", "these", "those", "they", "them", "he", "she", "him", "such", "here"}
POSSESSIVE = {"its", "his", "her", "their"}
PREPOSITIONS = {"in", "on", "at", "within", "during", "since", "by", "for", "from", "under"}
_FAMILY_WEIGHT = {"when_where": 3.0, "measure": 3.0, "how_many": 2.5, "dated": 2.5, "who": 2.0,
                  "author": 2.0}  # fmt: skip


@dataclass(frozen=True)
class Candidate:
    question: str
    answer: str  # the words the question asks for
    doc: str
    family: str
    order: int  # position of the sentence in its document

    @property
    def score(self) -> float:
        words = len(self.question.split())
        return _FAMILY_WEIGHT[self.family] - 0.1 * max(0, words - 12) - 0.002 * self.order


# ---- sentences -----------------------------------------------------------------------------

_MARKUP = re.compile(r"<sup>.*?</sup>|<[^>]+>|[*_#`]+|[¹²³⁴⁵⁶⁷⁸⁹⁰]+")


def clean(text: str) -> str:
    """Markdown emphasis, headings, HTML tags and footnote marks removed; spaces collapsed.

    >>> clean("# *A New Model*<sup>1</sup> for  you¹")
    'A New Model for you'
    """
    return " ".join(_MARKUP.sub("", text).split())


def sentences(chunks) -> list[str]:
    """The document's sentences, in order, each once (passages overlap), cleaned."""
    seen: set[int] = set()
    out = []
    for c in chunks:
        for a, b in c.sentence_spans():
            if c.start + a in seen:
                continue
            seen.add(c.start + a)
            out.append(c.text[a:b])
    return out


# ---- words ---------------------------------------------------------------------------------


# Stems (past tense less "ed") that take an "e" back, and ones that surely do not; any other
# ending is a guess ("outlined" or "joined"?), and no "When did ...?" is made from it.
_E_BACK = re.compile(
    r"(?:at|ut|iz|is|yz|nc|rg|dg|v|u|as|os|us|ps|ur|bl|pl|tl|gl|id|ak|ok|ot|it|ar|ir)$"
)
_NO_E = re.compile(
    r"(?:sh|ch|ck|st|ct|pt|rt|nt|nd|ld|rd|rm|rn|wn|ss|ll|er|en|gn|ain|oin|ect|eal|ail|oil|ow|ay|"
    r"ey|oy|rk|lk|sk|mp|lp|ft|xt|aim|eem|oom|eet|eat|oat|eak|ook|eed|ord|ield|ert|orm|uct|ump|ount)$"
)
_E_EXCEPT = {"visit", "limit", "edit", "exhibit", "credit", "audit", "inherit", "prohibit",
             "deposit", "profit", "vomit", "orbit", "appear", "clear", "occur"}  # fmt: skip


def lemma(verb: str) -> str | None:
    """The base form of a past-tense verb by rule, or None when the rule would be a guess.

    >>> [lemma(v) for v in ("held", "ratified", "created", "planned", "signed", "issued")]
    ['hold', 'ratify', 'create', 'plan', 'sign', 'issue']
    >>> lemma("visited"), lemma("outlined")
    ('visit', None)
    """
    v = verb.lower()
    if v in IRREGULAR:
        return IRREGULAR[v]
    if v in PRESENT:
        return PRESENT[v]
    if v.endswith("ied"):
        return v[:-3] + "y"
    if v.endswith("eed"):
        return v[:-1]
    if not v.endswith("ed"):
        return None
    stem = v[:-2]
    if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "lsfz":
        return stem[:-1]
    if stem in ("creat", "repeat"):
        return {"creat": "create", "repeat": "repeat"}[stem]
    if stem in _E_EXCEPT or _NO_E.search(stem):
        return stem
    if _E_BACK.search(stem):
        return stem + "e"
    return None


def _is_verb(token: str) -> bool:
    w = token.lower().strip(",;:")
    if not w.isalpha() and "-" not in w:
        return False
    if w in AUX or w in IRREGULAR or w in PRESENT:
        return token[0].islower()
    return token[0].islower() and w.endswith("ed") and len(w) > 4 and w not in NOT_VERBS


_TRAILING = re.compile(r"(?:^|\s+)(?:including|such as|as follows|namely|as well as)$", re.I)


def _trim(predicate: str) -> str:
    """The predicate up to the first clause break outside quotes (comma, semicolon, dash)."""
    depth = 0
    for i, ch in enumerate(predicate):
        if ch in "“(":
            depth += 1
        elif ch in "”)":
            depth = max(0, depth - 1)
        elif ch == '"':
            depth = 1 - depth if depth <= 1 else depth
        elif depth == 0 and (ch in ";:" or (ch == "," and i > 0) or predicate[i : i + 3] == " – "
                             or predicate[i : i + 3] == " — "):  # fmt: skip
            return _TRAILING.sub("", predicate[:i].strip())
    return _TRAILING.sub("", predicate.strip().rstrip('.!?”"').strip())


def _lower_first(phrase: str, proper: set[str]) -> str:
    """Lowercase the first word unless it is a name (capitalised mid-sentence in the document)
    or an acronym."""
    first, _, rest = phrase.partition(" ")
    if first in ("The", "A", "An"):
        return f"{first.lower()} {rest}"
    bare = re.split(r"['’]", first)[0]
    if (
        bare in proper
        or (len(first) > 1 and first[1].isupper())
        or any(ch.isdigit() for ch in first)
        or rest[:1].isupper()  # "Sir Muhammad", "New York"
    ):
        return phrase
    return f"{first[0].lower()}{first[1:]}{' ' if rest else ''}{rest}"


def _adverbial(adv: str, proper: set[str]) -> str:
    """A leading adverbial moved to the end: its preposition lowercased."""
    first, _, rest = adv.partition(" ")
    if first.lower() in PREPOSITIONS:
        return f"{first.lower()} {rest}"
    return _lower_first(adv, proper)


def _finish(question: str) -> str:
    q = " ".join(question.replace(" ,", ",").split()).rstrip(",;:.")
    return f"{q[0].upper()}{q[1:]}?"


# ---- candidate questions -------------------------------------------------------------------


def _split_clause(sentence: str) -> tuple[str, str]:
    """(leading adverbial or "", the clause after it). Of two ("In particular, in September
    2009 both ..."), the one naming a date is kept, else the last."""
    adv, rest = "", sentence.lstrip("“\"'‘(")
    for _ in range(3):
        head = rest[:1].upper() + rest[1:]
        for pattern in (_FRONT_DATE, _FRONT, _FRONT_BARE):
            m = pattern.match(head)
            if m:
                found = m.group("adv")
                if found.lower() in DISCOURSE:
                    pass  # "In particular," says nothing the question needs
                elif not (DATE.search(adv) and not DATE.search(found)):
                    adv = rest[: len(found)]
                rest = m.group("rest")
                break
        else:
            break
    return adv, rest


def _subject_verb(clause: str, max_subject: int = 10) -> tuple[str, list[str], str] | None:
    """(subject, verb group, predicate) of a simple declarative clause, or None."""
    tokens = clause.split()
    for i in range(1, min(len(tokens), max_subject + 1)):
        if not _is_verb(tokens[i]):
            continue
        subject = " ".join(tokens[:i])
        first = tokens[0].lower()
        if "," in subject or first in PRONOUNS | PREPOSITIONS | CONJUNCTIONS:
            return None
        verbs = [tokens[i]]
        j = i + 1
        # auxiliaries chain: "have been specified", "will be held", "was (recently) visited";
        # an adverb inside it is dropped
        while j < len(tokens):
            last = verbs[-1].lower()
            if last not in AUX | {"been", "be"}:
                break
            if tokens[j].lower() in {"been", "be"} or _is_verb(tokens[j]):
                verbs.append(tokens[j])
                j += 1
            elif (
                tokens[j].endswith("ly")
                and j + 1 < len(tokens)
                and (tokens[j + 1].lower() in {"been", "be"} or _is_verb(tokens[j + 1]))
            ):
                j += 1
            else:
                break
        if verbs[-1].lower() in AUX and len(verbs) == 1:
            return None  # "X is ...": a copula, no action to ask about
        return subject, verbs, " ".join(tokens[j:])
    return None


def candidates_from_sentence(sentence: str, doc: str, order: int, proper: set[str]):
    s = clean(sentence)
    words = s.split()
    if not 5 <= len(words) <= 120 or s.endswith("?"):
        return
    adv, clause = _split_clause(s)
    adv_l = f" {_adverbial(adv, proper)}" if adv else ""
    adv_date = DATE.search(adv) if adv else None

    # "How many": a number starts the subject ("more than 200 projects have been specified").
    m = _NUMBER.match(clause)
    if m:
        sv = _subject_verb(m.group("noun") + m.group("tail"), max_subject=14)
        if sv:
            subject, verbs, predicate = sv
            rest = _trim(predicate)
            q = f"How many {subject} {' '.join(verbs)} {rest}{adv_l}"
            yield Candidate(_finish(q), m.group("num"), doc, "how_many", order)
        return

    sv = _subject_verb(clause)
    if not sv:
        return
    subject, verbs, predicate = sv
    if re.fullmatch(r"(?:the|The)\s+[a-z-]+", subject):
        return  # "the group": which one, the sentence before says
    subj_l = _lower_first(subject, proper)
    v0 = verbs[0].lower()
    rest = _trim(predicate)

    # Measures: "Exports amounted to 24 billion US dollars" -> "How much did exports amount to?"
    verb_phrase = " ".join([v0, *predicate.split()[:1]]).lower()
    for key in (verb_phrase, v0):
        if key in MEASURE_VERBS and len(verbs) == 1:
            after = predicate.split(" ", 1)[1] if key == verb_phrase else predicate
            qm = _QUANTITY.match(after.strip())
            if qm and any(ch.isdigit() for ch in qm.group("amount")):
                amount = qm.group("amount").strip()
                q = f"How much did {subj_l} {MEASURE_VERBS[key]}{adv_l}"
                yield Candidate(_finish(q), amount, doc, "measure", order)
            break

    # Passive or "take place": when / where.
    be = v0 in AUX_BE or (v0 == "will" and len(verbs) > 2)
    participle = verbs[-1]
    if (be and len(verbs) >= 2 and participle.lower().endswith(("ed", "held", "built", "set"))) or (
        len(verbs) == 1 and v0 == "takes" and predicate.startswith("place")
    ):
        if v0 == "takes":
            head, tail = f"does {subj_l} take place", predicate[len("place") :]
        elif v0 == "will":
            head, tail = f"will {subj_l} be {participle}", predicate
        else:
            head, tail = f"{v0} {subj_l} {' '.join(verbs[1:])}", predicate
        by = re.match(r"by\s+(?P<agent>.+)$", _trim(tail))
        if by and be and v0 != "will" and len(by.group("agent").split()) <= 16:
            q = f"Who {participle} {subj_l}{adv_l}"
            yield Candidate(_finish(q), by.group("agent"), doc, "who", order)
        date = adv_date or DATE.search(_trim(tail))
        if date:
            yield Candidate(_finish(f"When {head}"), date.group(), doc, "when_where", order)
        place = re.search(
            r"\b(?:in|at)\s+((?:the\s+)?[A-Z][\w’'-]+(?:\s+(?:of\s+)?[A-Z][\w’'-]+)*)", tail
        )
        if place and not DATE.fullmatch(place.group(1)):
            yield Candidate(_finish(f"Where {head}"), place.group(1), doc, "when_where", order)
        return

    if len(verbs) != 1 or v0 in AUX or not rest or len(rest.split()) > 14:
        return
    # A dated action: "In January 2007 the government laid out X" -> "When did ... lay out X?"
    base = lemma(v0)
    if adv_date and base:
        q = f"When did {subj_l} {base} {rest}"
        yield Candidate(_finish(q), adv_date.group(), doc, "dated", order)
    # Who / what did it: the subject is the answer.
    head = subject.split()[-1].lower().strip(",")
    names = [w for w in subject.split() if w[0].isupper()]
    who = head in PERSONISH or (len(names) >= 2 and len(names) == len(subject.split()))
    if (who or adv_date) and not rest.startswith("by "):
        wh = "Who" if who else "What"
        yield Candidate(_finish(f"{wh} {verbs[0]} {rest}{adv_l}"), subject, doc, "who", order)


_AUTHOR = re.compile(r"^(?:Author|By|Written by)\s*:?\s*(?P<name>.+)$", re.I)


def author_candidate(lines: list[str], doc: str) -> Candidate | None:
    """ "Who wrote “Title”?" from a title line followed, within three lines, by an author line
    (a short line of capitalised words, or "Author: ...")."""
    lines = [clean(x) for x in lines if clean(x)]
    lines = [x for x in lines if x.lower() not in {"posted on", "summary", "abstract"}]
    if len(lines) < 2:
        return None
    title = lines[0].rstrip(".")
    if not 3 <= len(title.split()) <= 14 or title.endswith("?"):
        return None
    for line in lines[1:4]:
        m = _AUTHOR.match(line)
        name = m.group("name").rstrip(".") if m else line
        words = name.replace(",", " ").split()
        if m or (2 <= len(words) <= 4 and all(w[0].isupper() for w in words)):
            return Candidate(f"Who wrote “{title}”?", name, doc, "author", -1)
    return None


def readable(c: Candidate) -> bool:
    """Short enough, and no word that points outside the question ("this", "it"; "his" when
    its owner is the answer taken out).

    >>> readable(Candidate("Who led it in 1989?", "Madani", "d", "who", 0))
    False
    """
    words = [w.lower().strip("?,.;:“”\"'") for w in c.question.split()]
    if len(words) > MAX_QUESTION_WORDS or DANGLING & set(words):
        return False
    return not (c.family == "who" and POSSESSIVE & set(words))


def candidates(snap: Snapshot, names: Iterable[str]) -> list[Candidate]:
    out: list[Candidate] = []
    for name in names:
        chunks = snap.doc_chunks(name)
        if not chunks:
            continue
        sents = sentences(chunks)
        text = " ".join(sents)
        proper = {
            m.group()
            for m in re.finditer(r"(?<=[a-z,] )[A-Z][\w’'-]*", text)  # capitalised mid-sentence
        }
        first = chunks[0].text.split("\n")[:8]
        a = author_candidate(first, name)
        if a:
            out.append(a)
        seen = {c.question for c in out}
        for i, s in enumerate(sents):
            for c in candidates_from_sentence(s, name, i, proper):
                if c.question not in seen and readable(c):
                    seen.add(c.question)
                    out.append(c)
    return out


# ---- checking with the bot -----------------------------------------------------------------


def answers_match(said: str, expected: str) -> bool:
    """The bot's short answer is the words the question asks for (one within the other, or a
    token F1 of at least 0.5).

    >>> answers_match("June 15", "On June 15"), answers_match("President Putin", "Guo, Li")
    (True, False)
    >>> answers_match("China", "the secretary of the Party Committee of China")
    False
    """
    s, e = normalize_answer(said), normalize_answer(expected)
    if not s or not e:
        return False
    if e in s or token_f1(said, [expected]) >= 0.5:
        return True
    # a part of a longer answer ("Robert Gates" of "U.S. Defense Secretary Robert Gates"), but
    # not one word of many ("China" of "the secretary of ... of China")
    return f" {s} " in f" {e} " and len(s.split()) >= min(2, len(e.split()))


def check(rag, c: Candidate) -> bool:
    """The bot answers `c.question`, cites `c.doc` first, and its answer is `c.answer`."""
    try:
        a = rag.ask(c.question)
    except Exception:  # an example is optional: never let one break the first page
        log.exception("example question %r failed", c.question)
        return False
    if a.abstained or not a.citations or a.citations[0].doc != c.doc:
        return False
    if a.short_answer is None:  # a drafting generator: the answer must say it
        return normalize_answer(c.answer) in normalize_answer(a.answer)
    return a.short_answer.doc == c.doc and answers_match(a.short_answer.text, c.answer)


def _choose(rag, pool: list[Candidate], n: int, max_asks: int) -> list[Candidate]:
    t0 = time.perf_counter()
    pool = sorted(pool, key=lambda c: (-c.score, c.doc, c.order))
    chosen: list[Candidate] = []
    tried: set[str] = set()
    asks = 0
    for distinct in (True, False):  # first one per document, then any
        per_doc: dict[str, int] = {}
        for c in pool:
            if len(chosen) >= n or asks >= max_asks or time.perf_counter() - t0 > MAX_SECONDS:
                break
            used = {x.doc for x in chosen}
            if c.question in tried or (distinct and c.doc in used):
                continue
            if distinct and per_doc.get(c.doc, 0) >= MAX_TRIES_PER_DOC:
                continue
            tried.add(c.question)
            per_doc[c.doc] = per_doc.get(c.doc, 0) + 1
            asks += 1
            if check(rag, c):
                chosen.append(c)
    return chosen


_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def example_questions(rag, n: int = 3, max_asks: int = MAX_ASKS) -> list[str]:
    """Up to `n` questions drawn from the indexed documents that the bot answers, each cited
    in the document it came from, from different documents when there are enough. Remembered
    per index generation ([] when nothing is indexed or nothing qualifies)."""
    return [c.question for c in example_candidates(rag, n, max_asks)]


def example_candidates(rag, n: int = 3, max_asks: int = MAX_ASKS) -> list[Candidate]:
    """`example_questions` with each question's document and expected answer."""
    snap = rag.store.current()
    if snap is None or not snap.documents:
        return []
    key = (snap.generation, n, max_asks)
    with _lock:
        memo = _cache.setdefault(rag, {})
        if key in memo:
            return list(memo[key])
        t0 = time.perf_counter()
        names = sorted(snap.documents)[:MAX_DOCUMENTS]
        chosen = _choose(rag, candidates(snap, names), n, max_asks)
        memo.clear()  # an older generation's examples are stale
        memo[key] = chosen
        log.info(
            "example questions: %d in %.1fs (%s)",
            len(chosen),
            time.perf_counter() - t0,
            snap.generation,
        )
        return list(chosen)
