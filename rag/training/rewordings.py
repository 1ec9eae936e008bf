"""Made-up pairs for reader training where the question and the answer's sentence do not share
their words (issue 25): a question that says "target" of a sentence that says "goal", a
number asked for after a sentence of other numbers of the same unit, and "What did <author>
propose?" or "Who wrote the paper on <topic>?" of a paper whose byline names the author and
whose abstract says "this paper advocates ...".

A reader trained on SQuAD alone leans on shared words: SQuAD's crowd workers wrote their
questions looking at the sentence, so most questions repeat its key noun and verb. Three kinds
of pair, all seeded and generic (no outside data, no word of the seed collection's documents or
questions is needed):

- `synonym_questions`: a SQuAD training question whose word (from a small general lexicon)
  also occurs in its paragraph has that word swapped for a synonym the paragraph never uses;
  the answer stays.
- `distractor_questions`: a SQuAD training question whose answer is an amount ("$12 million",
  "40%", "3,000 soldiers") gets a sentence with other amounts of the same unit just before the
  answer's sentence; the answer stays, shifted.
- `proposal_questions`: a paper's front matter (title, byline, affiliation, abstract) built from
  templates with invented names and topics around real training prose, asked what its author
  proposed, who wrote the paper on its topic, and what a person it does not name proposed (no
  answer).
"""

from __future__ import annotations

import random
import re

from rag.training.doc_heads import _CITIES, _ORGS, _ROLES, _UNITS, _Head, _person, _prose
from rag.training.squad import Question

# Each line: forms that can stand for one another at the same inflection.
_LEXICON = """
target goal aim objective
targets goals aims objectives
propose advocate suggest recommend
proposed advocated suggested recommended
proposes advocates suggests recommends
proposal suggestion recommendation
grow increase rise
grew increased rose
decline drop decrease
declined dropped decreased
begin start commence
began started commenced
build construct erect
built constructed erected
buy purchase acquire
bought purchased acquired
main primary principal chief
famous renowned celebrated
largest biggest
end finish conclude
ended finished concluded
help assist aid
helped assisted aided
show demonstrate reveal
showed demonstrated revealed
reduce decrease lower
reduced decreased lowered
allow permit enable
allowed permitted enabled
need require
needed required
receive obtain
received obtained
establish found create
established founded created
important significant major
method approach technique
methods approaches techniques
company firm business
companies firms businesses
country nation
countries nations
plan scheme strategy
plans schemes strategies
amount quantity volume
reason cause
result outcome
results outcomes
argue contend claim
argued contended claimed
support back endorse
supported backed endorsed
emphasize stress highlight
emphasized stressed highlighted
reach attain
reached attained
expand extend enlarge
expanded extended enlarged
total overall
income earnings revenue
cost expense
costs expenses
job occupation profession
area region zone
areas regions zones
""".strip().splitlines()
_SYNONYMS: dict[str, list[str]] = {}
for _line in _LEXICON:
    _forms = _line.split()
    for _w in _forms:
        _SYNONYMS.setdefault(_w, []).extend(f for f in _forms if f != _w)

_WORD = re.compile(r"[A-Za-z][A-Za-z-]*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


_ABBREVIATIONS = {
    "co",
    "inc",
    "ltd",
    "mr",
    "mrs",
    "ms",
    "dr",
    "st",
    "jr",
    "sr",
    "no",
    "vs",
    "e.g",
    "i.e",
}


def _sentence_ends(before: str) -> bool:
    """Whether the stop at the end of `before` ends a sentence ("Co." and "S." do not)."""
    last = before.rsplit(None, 1)[-1].rstrip(".!?").lower() if before.strip() else ""
    return len(last) > 1 and last not in _ABBREVIATIONS


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def _reword(question: str, context: str, rng: random.Random) -> str | None:
    """The question with one lexicon word its paragraph shares swapped for a synonym the
    paragraph lacks, or None."""
    para = _words(context)
    spots = [
        m
        for m in _WORD.finditer(question)
        if m.group().lower() in _SYNONYMS and m.group().lower() in para
    ]
    rng.shuffle(spots)
    for m in spots:
        pool = [s for s in _SYNONYMS[m.group().lower()] if s not in para]
        if pool:
            new = rng.choice(pool)
            if m.group()[0].isupper():
                new = new[0].upper() + new[1:]
            return question[: m.start()] + new + question[m.end() :]
    return None


def synonym_questions(questions: list[Question], n: int, rng: random.Random) -> list[Question]:
    out = []
    for q in rng.sample(questions, len(questions)):
        if len(out) >= n:
            break
        if q.answerable and (text := _reword(q.question, q.context, rng)):
            out.append(Question(f"{q.id}-syn", q.article, text, q.context, q.answers[:1]))
    return out


# An amount: a number with its scale word and its unit, as the answer writes it.
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_YEAR = re.compile(r"^(1[0-9]|20)\d\d$")
# A number with its unit after it: "$12 million", "40%", "3,000 soldiers"; not "1350" or "3.7".
_AMOUNT = re.compile(
    r"^(?:(?:about|around|over|nearly|some|approximately|more than|less than|up to) )?"
    r"[$£€¥]?\d[\d,.]*\s*(?:%|[A-Za-z])"
)
_DISTRACTORS = (
    "By comparison, estimates for the neighbouring region gave {a} and {b}.",
    "Earlier surveys, made on a different basis, put the figure at {a}, and later at {b}.",
    "A wider count, covering the whole district, reached {a} in {y1} and {b} in {y2}.",
    "Other sources cite {a}, or even {b}, for a larger area.",
    "For the previous period the corresponding figures were {a} and {b}.",
)


def _other_amount(answer: str, rng: random.Random) -> str:
    """The answer with each of its numbers changed, in the same format."""

    def change(m: re.Match) -> str:
        raw = m.group()
        decimals = len(raw.split(".")[1]) if "." in raw else 0
        value = float(raw.replace(",", ""))
        factor = rng.choice([rng.uniform(0.2, 0.8), rng.uniform(1.3, 4.0)])
        new = max(value * factor, 1.0 if decimals == 0 else 0.1)
        text = f"{new:,.{decimals}f}" if "," in raw else f"{new:.{decimals}f}"
        return text if text != raw else str(int(value) + 1)

    return _NUMBER.sub(change, answer)


def distractor_questions(questions: list[Question], n: int, rng: random.Random) -> list[Question]:
    out = []
    for q in rng.sample(questions, len(questions)):
        if len(out) >= n:
            break
        if not q.answerable:
            continue
        text, at = q.answers[0]
        # An amount with its unit; a year is not one, and a range of years neither.
        if not _AMOUNT.match(text) or any(_YEAR.match(x) for x in _NUMBER.findall(text)):
            continue
        starts = [0] + [
            m.end()
            for m in _SENTENCE_END.finditer(q.context)
            if _sentence_ends(q.context[: m.start()])
        ]
        begin = max(s for s in starts if s <= at)
        a, b = _other_amount(text, rng), _other_amount(text, rng)
        if a == b or a in q.context or b in q.context:
            continue
        y1 = rng.randint(1950, 2015)
        sentence = rng.choice(_DISTRACTORS).format(a=a, b=b, y1=y1, y2=y1 + rng.randint(1, 6))
        context = q.context[:begin] + sentence + " " + q.context[begin:]
        shift = len(sentence) + 1
        question = q.question
        if rng.random() < 0.4:  # both lessons at once, as users ask
            question = _reword(question, context, rng) or question
        assert context[at + shift : at + shift + len(text)] == text
        out.append(Question(f"{q.id}-dis", q.article, question, context, [(text, at + shift)]))
    return out


# Topics and proposal names are invented here; none is a topic of the seed collection.
_TOPICS = (
    "grain shipments;river ports;rail freight;cross-border tourism;fisheries cooperation;"
    "power grids;coal imports;soybean farming;container traffic;pipeline gas;water management;"
    "air links;student exchange;medical tourism;parcel delivery;wind power;fertilizer supply;"
    "dairy farming;seaport logistics;road tolls;forest fires;urban housing;rural clinics;"
    "fish farming;textile exports;tea imports;steel prices;bus networks;wetland protection"
).split(";")
_SHAPES = ("Ladder Bridge Mosaic Lantern Harbour Compass Anchor Relay Spiral Keystone Delta "
           "Lattice Mirror Tandem Pendulum Beacon Orchard Weaver").split()  # fmt: skip
_KINDS = ("Model", "Framework", "Plan", "Scheme", "Approach")
_PROPOSE = ("advocates", "proposes", "puts forward", "recommends", "argues for", "suggests")
_ASK = ("propose", "advocate", "suggest", "recommend")
_PAPER_TITLES = ("{T} Through {c}", "{T} in the {c} Region", "Rethinking {T}",
                 "{T} and the Border Economy", "A Proposal on {T}", "The Future of {T} in {c}")  # fmt: skip


def _paper(rng: random.Random, prose: str) -> tuple[str, list[tuple[str, tuple | None]]]:
    topic = rng.choice(_TOPICS)
    city = rng.choice(_CITIES)
    title = rng.choice(_PAPER_TITLES).format(T=topic[0].upper() + topic[1:], c=city)
    h = _Head()
    h.add(rng.choice([title, f"# *{title}*", f"# {title}", title.upper()]))
    written, spoken = _person(rng)
    role = rng.choice(_ROLES)
    unit = rng.choice(_UNITS).format(
        f=rng.choice(["Economics", "Geography", "Law", "Trade Policy"])
    )
    org = rng.choice(_ORGS).format(c=rng.choice(_CITIES))
    h.add(written, name=written)
    h.add(rng.choice([f"{role}, {unit}, {org}", f"{role}, {org}"]))
    h.add(rng.choice(["Abstract", "Summary", "## **Summary**", "## Abstract", "Introduction"]))
    kind = rng.choice(_KINDS)
    shape = rng.choice(_SHAPES)
    proposal = rng.choice(
        [f"the {shape} {kind}", f"a {shape} {kind}", f"the {shape} {kind} of {topic}"]
    )
    lead = rng.choice(["This paper", "This document", "The article", "This study", "The author"])
    says = (
        f"{lead} {rng.choice(_PROPOSE)} {proposal}, "
        + rng.choice(["under which", "in which", "so that"])
        + f" {topic} {rng.choice(['would be', 'is', 'can be'])} "
        + rng.choice(["managed jointly", "planned region by region", "opened step by step"])
        + "."
    )
    at = prose.find(". ") + 2 if rng.random() < 0.5 and ". " in prose else 0
    h.add((prose[:at] + says + " " + prose[at:]).strip())
    start = h.text.index(says) + says.index(proposal)
    p = h.parts
    answer = (proposal, start)
    about = rng.choice([f"the paper on {topic}", f"the article about {topic}", title])
    stranger = _person(rng)[1]
    qs = [
        (f"What did {spoken} {rng.choice(_ASK)}?", answer),
        (
            rng.choice(
                [
                    f"What does {about} {rng.choice(_ASK)}?",
                    f"Which {kind.lower()} does {about} propose?",
                ]
            ),
            answer,
        ),
        (
            rng.choice(
                [
                    f"Who wrote {about}?",
                    f"Who is the author of {about}?",
                    f"Who wrote the paper proposing {proposal}?",
                ]
            ),
            p["name"],
        ),
        (rng.choice([f"Who proposed {proposal}?", f"Who advocates {proposal}?"]), p["name"]),
    ]
    rng.shuffle(qs)
    qs = qs[:3]
    if rng.random() < 0.4:
        qs.append((f"What did {stranger} {rng.choice(_ASK)}?", None))
    return h.text, qs


def proposal_questions(paragraphs: list[str], n: int, rng: random.Random) -> list[Question]:
    out = []
    for k in range(n):
        text, qs = _paper(rng, _prose(rng.choice(paragraphs), rng))
        for j, (question, answer) in enumerate(qs):
            answers = [answer] if answer else []
            for a_text, a_at in answers:
                assert text[a_at : a_at + len(a_text)] == a_text, (text, a_text)
            out.append(Question(f"prop{k}-{j}", f"prop{k}", question, text, answers))
    return out


def reworded_questions(questions: list[Question], n: int, seed: int) -> list[Question]:
    """About `n` of each kind of pair (`n // 3` papers, about three questions each), made from
    the training questions and their paragraphs only."""
    rng = random.Random(seed)
    prose = sorted({q.context for q in questions})
    return (
        synonym_questions(questions, n, rng)
        + distractor_questions(questions, n, rng)
        + proposal_questions(prose, n // 3, rng)
    )
