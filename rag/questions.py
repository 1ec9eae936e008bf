"""A user's question and history as the pipeline takes them: control characters out, empty
questions refused, long ones shortened (and said so), the history capped."""

from __future__ import annotations

import functools
import json
import re
from collections import Counter

from .errors import BadQuestion
from .text import STOPWORDS, one_edit

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_question(question: str, max_chars: int) -> tuple[str, str]:
    """Strip control characters, refuse empty questions, shorten long ones (and say so).

    >>> clean_question("  Where?\\x07 ", 100)
    ('Where?', '')
    >>> clean_question("x" * 30, 20)[1]
    'Your question was 30 characters long; only the first 20 were used.'
    """
    if not isinstance(question, str):
        raise BadQuestion("The question must be text.")
    text = " ".join(_CONTROL.sub(" ", question).split())
    if not text:
        raise BadQuestion("Please type a question.")
    if len(text) > max_chars:
        return text[:max_chars], (
            f"Your question was {len(text)} characters long; only the first {max_chars} were used."
        )
    return text, ""


def clean_history(history, max_entries: int, max_chars: int) -> list[str]:
    """Earlier questions, checked and capped: only the last `max_entries`, each cut to
    `max_chars` (a long history must not make one question slow for everyone).

    >>> clean_history(["a" * 50, "Where?"], 1, 10)
    ['Where?']
    >>> clean_history(["x" * 50], 5, 10)
    ['xxxxxxxxxx']
    """
    if history is None:
        return []
    if not isinstance(history, list | tuple) or not all(isinstance(h, str) for h in history):
        raise BadQuestion("The history must be a list of earlier questions, each one text.")
    return [" ".join(_CONTROL.sub(" ", h).split())[:max_chars] for h in history[-max_entries:]]


_ACRONYM = re.compile(r"\b[A-Z]{2,5}\b")
_JOINING = r"(?:\s+(?:and|of|&|for|the)\b)*"


def spelled_out(acronym: str, texts) -> str | None:
    """The Title Case words of `texts` whose initials spell `acronym` ("Chief Financial
    Officer" for "CFO"; "and", "of", "for", "the" may join them), the most frequent; None when
    `texts` hold the acronym itself or no such words.

    >>> spelled_out("CFO", ["Tom Berg, Chief Financial Officer", "cash flow of 3"])
    'Chief Financial Officer'
    >>> spelled_out("NRR", ["Net Revenue Retention rose. NRR is 120%."]) is None
    True

    Without such words, words of four letters or more (the first of three) in lower case ("Remaining performance
    obligations were $3.7 billion." for "RPO"), said twice or opening a sentence:

    >>> spelled_out("RPO", ["Remaining performance obligations were $3.7 billion."])
    'remaining performance obligations'
    >>> spelled_out("RPO", ["revenue partly offset it"]) is None
    True
    """
    if any(re.search(rf"\b{acronym}\b", t) for t in texts):
        return None
    words = [rf"{ch}[a-z]+(?:-[A-Za-z]+)?" for ch in acronym]
    rx = re.compile(r"\b" + (_JOINING + r"\s+").join(words) + r"\b")
    found: dict[str, int] = {}
    for t in texts:
        for m in rx.finditer(t):
            phrase = " ".join(m.group().split())
            found[phrase] = found.get(phrase, 0) + 1
    if not found and len(acronym) >= 3:
        first = rf"[{acronym[0]}{acronym[0].lower()}][a-z]{{2,}}"
        rest = [rf"{ch.lower()}[a-z]{{3,}}" for ch in acronym[1:]]
        rx = re.compile(r"\b" + r"\s+".join([first, *rest]) + r"\b")
        for t in texts:
            for m in rx.finditer(t):
                phrase = " ".join(m.group().split())
                found[phrase.lower()] = found.get(phrase.lower(), 0) + 1
                if phrase[0].isupper():  # a sentence opened with it
                    found[phrase.lower()] += 1
        found = {p: n for p, n in found.items() if n >= 2}
    return max(found, key=lambda p: (found[p], p)) if found else None


def spell_out(question: str, texts) -> str:
    """The question with each acronym the passages `texts` never print but spell out written
    as they spell it: "Who is the CFO?" is read as "Who is the Chief Financial Officer?"; the
    reader and the sentence scores know the words, not the letters.

    >>> spell_out("Who is the CFO of Glacier Data?", ["Tom Berg, Chief Financial Officer"])
    'Who is the Chief Financial Officer of Glacier Data?'
    >>> spell_out("What did the EU decide?", ["The EU decided."])
    'What did the EU decide?'
    """

    def write(m: re.Match) -> str:
        return spelled_out(m.group(), texts) or m.group()

    return _ACRONYM.sub(write, question)


_ORDINAL = {"1": "first", "2": "second", "3": "third", "4": "fourth"}
# "Q3 2022", "Q3 fiscal 2024", "Q3 FY24", "Q3": a quarter as a question types it
_QUARTER = re.compile(
    r"\bQ([1-4])(?:\s*(?:of\s+)?(?:(FY|fiscal(?: year)?)\s*)?'?(\d{4}|\d{2})\b)?(?!['’]?\w)",
    re.I,
)
_SPOKEN_QUARTER = re.compile(r"(?i)\b(?:first|second|third|fourth) quarter\b")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n")


def _plain_words(text: str) -> set[str]:
    """The lower-case words of four letters or more, but a quarter's or a year's."""
    return {
        w
        for w in re.findall(r"\b[a-z][a-z-]{3,}\b", text)
        if w not in STOPWORDS
        and w not in ("quarter", "first", "second", "third", "fourth", "fiscal", "year")
    }


def spell_quarters(question: str, texts) -> str:
    """The question with each quarter typed "Q3 2022" written "the third quarter of 2022" when
    the passages `texts` speak of quarters by their words: the reader, trained on prose, finds
    "third quarter product revenue was $334.4 million" for the one and not for the other.

    Only a sentence of the figure asked counts ("third quarter product revenue was ..." for
    revenue, not for the free cash flow said beside it).

    >>> spell_quarters("What was product revenue in Q3 FY22?", ["Third quarter revenue rose."])
    'What was product revenue in the third quarter of fiscal 2022?'
    >>> spell_quarters("What was revenue in Q3 2022?", ["Revenue for the three months rose."])
    'What was revenue in Q3 2022?'
    >>> spell_quarters("What was free cash flow in Q3?", ["Third quarter revenue rose."])
    'What was free cash flow in Q3?'
    """
    asked = _plain_words(_QUARTER.sub(" ", question))
    said = (s for t in texts for s in _SENTENCE_BREAK.split(t) if _SPOKEN_QUARTER.search(s))
    if not any(asked & _plain_words(s) for s in said):
        return question

    def write(m: re.Match) -> str:
        said = f"{_ORDINAL[m[1]]} quarter"
        if m[3]:
            year = m[3] if len(m[3]) == 4 else f"20{m[3]}"
            said += f" of {'fiscal ' if m[2] else ''}{year}"
        before = question[: m.start()].rstrip().lower()
        return said if before.endswith(("the", "a")) else f"the {said}"

    return _QUARTER.sub(write, question)


# What a question calls a thing and what documents print for it: (the question's words, as
# the documents print them, what must be printed and what must not be for the rewrite).
_OFFICES, _HEADQUARTERS = r"\bprincipal executive offices?\b", r"\bheadquarter"
_PRINTED_AS = tuple(
    (re.compile(f"(?i){asked}"), printed, re.compile(f"(?i){present}"), re.compile(f"(?i){absent}"))
    for asked, printed, present, absent in (
        # a filing's cover says where its "principal executive offices" are, not "headquarters"
        (
            r"\bwhere (?:is|are) (.+?) (?:headquartered|based)\b",
            r"where are the principal executive offices of \1",
            _OFFICES,
            _HEADQUARTERS,
        ),
        (
            r"\b(?:headquarters|head office|HQ)\b",
            "principal executive offices",
            _OFFICES,
            _HEADQUARTERS,
        ),
        # its registered securities: a "Trading symbol" on an exchange "on which registered"
        (r"\bticker(?: symbol)?\b", "trading symbol", r"\btrading symbol", r"\bticker\b"),
        (
            r"\b(?:listed|traded)\b",
            "registered",
            r"\bexchange on which registered\b",
            r"\b(?:listed|traded) on\b",
        ),
        # "When did Amazon complete the acquisition of One Medical?": a filing says "we
        # acquired", and the reader doubted a sentence that never says "complete"
        (
            r"\b(?:complete|close|finali[sz]e) (?:the|its) acquisition of\b",
            "acquire",
            r"\bacquired\b",
            r"\b(?:completed|closed|finali[sz]ed) (?:the|its|our) acquisition\b",
        ),
    )
)


def in_their_words(question: str, texts) -> str:
    """The question with what it calls a thing written as the passages `texts` print it, when
    they never use the question's word (`_PRINTED_AS`).

    >>> cover = ["Address of principal executive offices: 12 Harbor Road, Portland"]
    >>> in_their_words("Where is Bell Instruments headquartered?", cover)
    'where are the principal executive offices of Bell Instruments?'
    >>> in_their_words("Where is Bell headquartered?", ["Bell's headquarters are in Portland."])
    'Where is Bell headquartered?'
    >>> in_their_words("When did Bell complete the acquisition of Ames?", ["Bell acquired Ames."])
    'When did Bell acquire Ames?'
    """
    question = as_acronyms(question, texts)
    for asked, printed, present, absent in _PRINTED_AS:
        if (
            asked.search(question)
            and any(present.search(t) for t in texts)
            and not any(absent.search(t) for t in texts)
        ):
            question = asked.sub(printed, question, count=1)
    return question


# A capitalised name of two to five words, with its joining words ("Tax Cuts and Jobs Act").
_SPELLED = re.compile(rf"\b[A-Z][\w-]*(?:{_JOINING}\s+[A-Z][\w-]*)+")


def as_acronyms(question: str, texts) -> str:
    """The question with a name it spells out written as the acronym the passages `texts`
    print instead, when they print the acronym more often than the name: "Amazon Web
    Services" over filings whose rows and discussion say "AWS" (and the name only in a
    subsidiary's legal name) had been read as Amazon's North America rows.

    >>> texts = ["AWS: Operating income — 6,976", "AWS sales increased 12%", "AWS segment",
    ...     "a complaint against Amazon Web Services, Inc."]
    >>> as_acronyms("What was Amazon's operating income for Amazon Web Services?", texts)
    "What was Amazon's operating income for AWS?"
    >>> as_acronyms("What Was The Operating Income For Amazon Web Services In Q3?", texts)
    'What Was The Operating Income For AWS In Q3?'
    >>> as_acronyms("What did the Federal Trade Commission file?", texts)
    'What did the Federal Trade Commission file?'
    """
    runs = list(_SPELLED.finditer(question))
    if not runs:
        return question
    text = "\n".join(texts)
    printed = Counter(re.findall(r"\b[A-Z]{3,5}\b", text))
    out, last = [], 0
    for run in runs:
        words = list(re.finditer(r"[A-Za-z][\w-]*", run.group()))
        capital = [w for w in words if w.group()[0].isupper()]
        found = None
        # the longest window of capitalised words whose initials the passages print
        for size in range(min(5, len(capital)), 1, -1):
            for i in range(len(capital) - size + 1):
                window = capital[i : i + size]
                acronym = "".join(w.group()[0] for w in window)
                if len(acronym) < 3:
                    continue
                spelled = run.group()[window[0].start() : window[-1].end()]
                said = printed.get(acronym, 0)
                if said >= 3 and said > len(re.findall(re.escape(spelled), text, re.I)):
                    found = (run.start() + window[0].start(), run.start() + window[-1].end())
                    break
            if found:
                break
        if found:
            out.append(question[last : found[0]] + acronym)
            last = found[1]
    return "".join(out) + question[last:]


def without_glosses(question: str) -> str:
    """The question with an acronym's spelled-out gloss taken out, the acronym kept: "AWS
    (Amazon Web Services)" and "Amazon Web Services (AWS)" are one thing asked, and counting
    the gloss's words as more words asked for ranks "Net service sales" over "AWS: Net sales".

    >>> without_glosses("Trends in AWS (Amazon Web Services) segment revenue?")
    'Trends in AWS segment revenue?'
    >>> without_glosses("What did Amazon Web Services (AWS) earn?")
    'What did AWS earn?'
    >>> without_glosses("Sales in Q3 (September quarter)?")
    'Sales in Q3 (September quarter)?'
    """

    def spells(acronym: str, words: str) -> bool:
        initials = "".join(w[0] for w in re.findall(r"[A-Za-z][\w-]*", words) if w[0].isupper())
        return initials == acronym

    def after(m: re.Match) -> str:
        return m.group(1) if spells(m.group(1), m.group(2)) else m.group()

    def before(m: re.Match) -> str:
        return m.group(2) if spells(m.group(2), m.group(1)) else m.group()

    words = rf"(?:[A-Z][\w-]*{_JOINING}\s+){{1,5}}[A-Z][\w-]*"
    out = re.sub(rf"\b([A-Z]{{2,6}})\s*\(({words})\)", after, question)
    return re.sub(rf"\b({words})\s*\(([A-Z]{{2,6}})\)", before, out)


_ADDRESS = re.compile(r"\S*(?:www\.|@|\.(?:com|org|net|gov|edu)\b)\S*")
_LOWER_WORD = re.compile(r"\b[a-z][a-z0-9&-]*\b")
# Passages read to see how a word is written: those BM25 ranks first for it, until one writes
# it in lower case. Tables rank first for a word they repeat in every row ("Three Months
# Ended"): the first 50 of the 10-Q filings never wrote "ended" in lower case.
_NAME_PASSAGES = 1000
_KNOWN: dict[tuple[str, str], str | None] = {}  # (generation, word) -> as written, or None


def _as_written(snap, word: str) -> str | None:
    """How the passages holding `word` write it when none writes it in lower case, else None
    (a web or mail address, "investor.apple.com", does not count)."""
    found = None
    for key, _ in snap.lexical(word, _NAME_PASSAGES):
        text = _ADDRESS.sub(" ", snap.chunk(key).text)
        for m in re.finditer(rf"(?i)\b{re.escape(word)}\b", text):
            if m.group()[0].islower():
                return None
            found = found or m.group()
    return found


def known_names(snap, question: str) -> dict[str, str]:
    """The words of `question` typed in lower case that name some but not all documents of
    `snap` (`context.DocumentKeys`) and that no passage holding them writes in lower case
    ("apple" -> "Apple", "aapl" -> "AAPL"; not "one" or "research"), lower case -> as written.
    Read per word asked, so the cost is the question's, not the collection's."""
    if snap is None:
        return {}
    from .context import document_keys

    keys = None
    out = {}
    for word in set(_LOWER_WORD.findall(question)) - STOPWORDS:
        # a local copy: another question's thread may clear the cache meanwhile
        written = _KNOWN.get((snap.generation, word), "")
        if written == "":
            keys = keys if keys is not None else document_keys(snap)
            held = sum(word in k.names for k in keys.values())
            written = _as_written(snap, word) if 0 < held < len(keys) else None
            if len(_KNOWN) > 10_000:
                _KNOWN.clear()
            _KNOWN[(snap.generation, word)] = written
        if written:
            out[word] = written
    return out


def with_known_names(question: str, names: dict[str, str]) -> str:
    """The question with each word typed in lower case that is one of `names` (lower case ->
    as the documents write it) written as they write it: a chat box's "apple opex trend" asks
    about the filings of "Apple", which only a capitalised word names (`context.name_words`).

    >>> with_known_names("apple opex trend vs aapl's margin", {"apple": "Apple", "aapl": "AAPL"})
    "Apple opex trend vs AAPL's margin"
    >>> with_known_names("What did Apple say?", {"apple": "Apple"})
    'What did Apple say?'
    """

    def write(m: re.Match) -> str:
        return names.get(m.group(), m.group())

    return _LOWER_WORD.sub(write, question) if names else question


# Words that never follow an owner in a question: a verb or a joining word ("analysts ask").
_NO_OWNED = frozenset(
    "is are was were be been do does did have has had say says ask asks think expect can could "
    "will would should may might on in at from of for to and or who that which with about "
    "discuss mention".split()
)


def misspelled_names(snap, question: str) -> dict[str, str]:
    """The words of `question` that no document holds and that are no English word
    (`english_words`), one edit (`text.one_edit`) from exactly one name telling documents
    apart (`steering.telling_names`, five letters or more) that the documents always
    capitalise, typed -> as written: "What was Aple's net income?" had been refused as "The
    documents never mention Aple."; "Amazons" (no apostrophe) is "Amazon's"."""
    if snap is None:
        return {}
    from .steering import telling_names

    known = [n for n in telling_names(snap) if len(n) >= 5 and n.isalpha()]
    out = {}
    for typed in dict.fromkeys(re.findall(r"\b[A-Za-z]{4,}\b", question)):
        low = typed.lower()
        # a possessive typed without its apostrophe ("Amazons net income"), though "amazons"
        # is an English word
        owner = low[:-1] if low.endswith("s") and not snap.lexical(low, 1) else ""
        # ... but a plural doing something is no owner ("Which analysts asked ...?" over a
        # call's "Alex Lee -- Big Bank -- Analyst")
        after = re.search(rf"\b{typed}\s+([A-Za-z]+)", question)
        if after and (after[1].lower() in _NO_OWNED or after[1].lower().endswith("ed")):
            owner = ""
        if owner in known and (written := _as_written(snap, owner)):
            out[typed] = f"{written}'s"
            continue
        near = [n for n in known if n != low and one_edit(low, n)]
        # an English word is typed as meant ("match" is not "March", "swims" not "Swiss")
        if len(near) != 1 or english(low) or snap.lexical(low, 1):
            continue
        written = _as_written(snap, near[0])
        if written:
            out[typed] = written
    return out


def with_names(question: str, names: dict[str, str]) -> str:
    """The question with each word of `names` (as typed -> as meant) replaced.

    >>> with_names("What was Aple's net income?", {"Aple": "Apple"})
    "What was Apple's net income?"
    """
    for typed, meant in names.items():
        question = re.sub(rf"\b{re.escape(typed)}\b", meant, question)
    return question


# A word capitalised as title case does it ("Say", "Decision"): a capital then a lower case.
_TITLED_WORD = re.compile(r"\b[A-Z][a-z]+(?:['’]s)?\b")
_CASED: dict[tuple[str, str], bool] = {}  # (generation, word) -> a name, as the documents write it


def title_cased(question: str) -> bool:
    """Whether every word of `question` is capitalised, three at least, and stopwords too
    ("Did", "Is"; "of" and "the" may stay small): then capitals tell no names. A question
    whose words are names anyway ("Who is the Consul General of China?") is not.

    >>> title_cased("What Did Apple Say About The European Commission State Aid Decision?")
    True
    >>> title_cased("What did Apple say about the European Commission State Aid Decision?")
    False
    >>> title_cased("What was AWS net income?"), title_cased("Is iPhone Revenue Up?")
    (False, False)
    >>> title_cased("Who is the Consul General of China in Khabarovsk?")
    False
    """
    words = re.findall(r"[^\W\d_]+", re.sub(r"['’]s\b", "", question))[1:]
    content = [w for w in words if w.lower() not in STOPWORDS]
    titled = [w for w in content if w[0].isupper() and w[1:].islower()]
    small = [w for w in words if w.lower() in STOPWORDS and w[0].isupper() and len(w) > 1]
    return len(titled) >= 3 and bool(small) and all(w[0].isupper() for w in content)


@functools.cache
def english_words() -> frozenset[str]:
    """Whole words of the shipped reader's vocabulary (lower case, 21,745): English words and
    the commonest names, but few companies' or products' ("snowflake", "nvidia" are not)."""
    from .answer.reader import SHIPPED_READER

    vocab = json.loads((SHIPPED_READER / "tokenizer.json").read_text())["model"]["vocab"]
    return frozenset(w for w in vocab if w.isalpha() and w.islower())


def english(word: str) -> bool:
    """Whether a lower-case word is an English word of `english_words` or one inflected
    ("swims", "matches", "reported", "growing").

    >>> english("swims"), english("matches"), english("growing"), english("aple")
    (True, True, True, False)
    """
    words = english_words()
    stems_ = [word]
    for end, back in (("s", ""), ("es", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e")):
        if word.endswith(end) and len(word) > len(end) + 2:
            stems_.append(word[: -len(end)] + back)
    return any(w in words for w in stems_)


def in_sentence_case(snap, question: str) -> str:
    """A title-cased question (`title_cased`) with each capitalised word the documents of
    `snap` do not write capitalised in a sentence in lower case, unless with its neighbour
    they do ("Amazon Web Services"), and each they never hold that is an English word
    (`english_words`): "What did Apple say about the European Commission State Aid Decision?"
    had been refused as "The documents never mention Say." A name the documents never hold
    stays one ("Snowflake")."""
    if snap is None or not title_cased(question):
        return question
    first = re.match(r"\s*\S+", question)
    head, body = question[: first.end() if first else 0], question[first.end() if first else 0 :]
    words = list(_TITLED_WORD.finditer(body))
    name = [False] * len(words)
    # runs of neighbouring words but stopwords, the longest the documents capitalise first
    runs: list[list[int]] = []
    for i, m in enumerate(words):
        if m.group().lower() in STOPWORDS:
            continue
        if runs and runs[-1][-1] == i - 1 and body[words[i - 1].end() : m.start()] == " ":
            runs[-1].append(i)
        else:
            runs.append([i])
    for run in runs:
        for n in range(len(run), 0, -1):
            for at in run[: len(run) - n + 1]:
                if not all(name[at : at + n]) and _cased(snap, _joined(words[at : at + n])):
                    name[at : at + n] = [True] * n
    out, at = [head], 0
    for m, keep in zip(words, name, strict=True):
        out += [body[at : m.start()], m.group() if keep else m.group().lower()]
        at = m.end()
    return "".join([*out, body[at:]])


def _joined(words: list[re.Match]) -> str:
    return " ".join(re.sub(r"['’]s$", "", m.group()) for m in words)


def _cased(snap, words: str) -> bool:
    """Whether the documents write `words` (one, or several) capitalised (`_written_as_name`);
    kept with the snapshot's generation."""
    found = _CASED.get((snap.generation, words))
    if found is None:
        found = _written_as_name(snap, words)
        if len(_CASED) > 10_000:
            _CASED.clear()
        _CASED[(snap.generation, words)] = found
    return found


def _written_as_name(snap, words: str) -> bool:
    """Whether the passages holding `words` capitalise them inside a sentence more often than
    not (a line's or sentence's first word, a table row's label, does not count), or, when none
    holds a single word, whether it is no English word. Read per word asked."""
    lower = upper = 0
    for key, _ in snap.lexical(words.lower(), _NAME_PASSAGES):
        text = _ADDRESS.sub(" ", snap.chunk(key).text)
        for m in re.finditer(rf"(?i)(?<![\w-]){re.escape(words)}(?![\w-])", text):
            if m.group() == words.lower():
                lower += 1
            # after a word in lower case: inside a sentence, not a row's label nor a heading
            elif m.group() == words and re.search(
                r"\b[a-z]+,? $", text[max(0, m.start() - 30) : m.start()]
            ):
                upper += 1
    if lower or upper or " " in words:
        return upper > lower
    return not english(words.lower())


# Words typed into a chat box, not a question ("FX effect on Apple in the latest 10-Q"): no
# question word anywhere, and no verb asking first, not even after a leading phrase ("In the Q2
# 2023 10-Q, did Amazon ...?"; SQuAD asks "Alpha decay is the most familiar effect of what
# force?"). A lookahead, for the form rules (`rag.answer.forms`) to use too.
NO_QUESTION_WORD = (
    r"(?![^?]*\b(?:what|which|who|whom|whose|when|where|why|how)\b)"
    r"(?!(?:[^,?]{0,40}, )?(?:is|are|was|were|do|does|did|can|could|should|would|will|has|have|"
    r"had|any)\b)"
)
_KEYWORDS = re.compile(r"^" + NO_QUESTION_WORD + r"[^?]*$", re.I)


def as_question(text: str) -> str:
    """Words typed as a search ("Birch Foods total net sales in Q1 2023") asked as the question
    the reader was trained on ("What is Birch Foods total net sales in Q1 2023?"); a question,
    or a sentence ending in a full stop, stays as it is.

    >>> as_question("Birch Foods total net sales in Q1 2023")
    'What is Birch Foods total net sales in Q1 2023?'
    >>> as_question("Sales in Q1 2023?"), as_question("List the crops.")
    ('Sales in Q1 2023?', 'List the crops.')
    """
    text = text.strip()
    if not text or text.endswith((".", "!")) or not _KEYWORDS.match(text):
        return text
    return f"What is {text}?"
