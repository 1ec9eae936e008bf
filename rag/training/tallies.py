"""Made-up tallies for reader training: one sentence gives two or three counts, each tied to
a different group ("… 412 firms from Japan took part, as well as 58 from Finland"), and the
questions ask for one group's count, often naming the group the other way ("How many
Finnish firms …?").

A reader trained on SQuAD alone takes the first number of such a sentence whatever group the
question names: SQuAD has few sentences that count several groups, and reports do little
else. Every group is asked about, in every position, so the lesson is to match the group, not
to prefer a place in the sentence; a group the sentence does not count has no answer. The
tallies sit between sentences of real training prose. Seeded, no outside data.

The lists leave out the countries, nouns and events of the seed collection's counting
sentences (China, Russia, enterprises, EXPO), so what the shipped reader does there is a
test of what it learned, not of what it was shown.
"""

from __future__ import annotations

import random
import re

from rag.training.squad import Question

# (place, its adjective): the text names a group one way, the question often the other.
_GROUPS = (
    "Japan:Japanese;Korea:Korean;Mongolia:Mongolian;Kazakhstan:Kazakh;Finland:Finnish;"
    "Sweden:Swedish;Norway:Norwegian;Poland:Polish;Germany:German;France:French;Italy:Italian;"
    "Spain:Spanish;Canada:Canadian;Brazil:Brazilian;India:Indian;Vietnam:Vietnamese;"
    "Turkey:Turkish;Egypt:Egyptian;Kenya:Kenyan;Chile:Chilean;Peru:Peruvian;Mexico:Mexican;"
    "Austria:Austrian;Hungary:Hungarian;Greece:Greek;Portugal:Portuguese;Ireland:Irish;"
    "Denmark:Danish;Thailand:Thai;Indonesia:Indonesian;Australia:Australian;"
    "Morocco:Moroccan;Belgium:Belgian;the Netherlands:Dutch;Scotland:Scottish;Wales:Welsh;"
    "Bavaria:Bavarian;Catalonia:Catalan;Quebec:Quebecois;Sicily:Sicilian"
)
_PLACES = [tuple(g.split(":")) for g in _GROUPS.split(";")]
_NOUNS = (
    "companies firms exhibitors delegates students athletes teams ships vessels schools farms "
    "visitors workers scientists films projects universities banks hospitals artists "
    "journalists engineers investors manufacturers suppliers"
).split()
_EVENTS = (
    "trade fair;congress;summit;festival;championship;conference;games;forum;regatta;"
    "book fair;film festival;science fair;investment forum;industry show"
).split(";")
# (as the tally says it, as a question asks it)
_VERBS = (("took part", "took part in {e}"), ("were present", "were present at {e}"),
          ("were represented", "were represented at {e}"), ("attended", "attended {e}"),
          ("were registered", "were registered at {e}"))  # fmt: skip
_KINDS = (  # two kinds of one thing: "Of the 230 schools, 140 were public and 90 private."
    ("public", "private", "schools"),
    ("full-time", "part-time", "workers"),
    ("domestic", "foreign", "visitors"),
    ("permanent", "temporary", "staff"),
    ("male", "female", "athletes"),
    ("new", "used", "vessels"),
    ("state-owned", "private", "banks"),
    ("rural", "urban", "hospitals"),
    ("undergraduate", "graduate", "students"),
    ("passenger", "cargo", "ships"),
)
_WORDS = "two three four five six seven eight nine ten eleven twelve".split()


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _write(v: int, rng: random.Random) -> str:
    """A count as written: digits, thousands with a comma, or a small number in words."""
    if v <= 12 and rng.random() < 0.5:
        return _WORDS[v - 2]
    if v >= 1000 and rng.random() < 0.5:
        return f"{v:,}"
    return str(v)


def _counts(rng: random.Random, k: int) -> list[int]:
    return rng.sample(range(2, 1500), k)


def _event(rng: random.Random, counted: list) -> tuple[str, str]:
    """(as the text names it, as a question names it); hosted by a place not `counted`, so a
    question about an uncounted group never finds it named"""
    kind = rng.choice(_EVENTS)
    place, adj = rng.choice([p for p in _PLACES if p not in counted])
    named = rng.choice(
        [f"the {_ordinal(rng.randint(2, 30))} {adj} {kind}", f"the {rng.randint(1995, 2024)} "
         f"{adj} {kind}", f"this year's {kind}", f"the {kind} in {place}"]
    )  # fmt: skip
    return named, rng.choice([named, f"the {kind}"])


class _Sentence:
    """A sentence being written, with the character span of each count in it."""

    def __init__(self):
        self.text = ""
        self.at: dict[int, tuple[str, int]] = {}

    def say(self, *parts: str | tuple[int, str]) -> None:
        for part in parts:
            if isinstance(part, tuple):
                i, count = part
                self.at[i] = (count, len(self.text))
                part = count
            self.text += part


def _groups_tally(rng: random.Random):
    """Counts of one noun by place: the text names each place by name or adjective."""
    k = rng.choice([2, 2, 3])
    places = rng.sample(_PLACES, k + 1)  # the last is never counted: its question has no answer
    noun, (verb, asked_verb) = rng.choice(_NOUNS), rng.choice(_VERBS)
    event, asked_event = _event(rng, places)
    values = _counts(rng, k)
    shape = rng.randrange(5)
    if shape == 4:  # "While 412 … , only 58 …"
        values.sort(reverse=True)
    n = [_write(v, rng) for v in values]
    s = _Sentence()

    def group(i: int, first: bool) -> list:
        place, adj = places[i]
        if rng.random() < 0.5:
            return [(i, n[i]), f" {noun} from {place}" if first else f" from {place}"]
        return [(i, n[i]), f" {adj} {noun}" if first else f" {adj} ones"]

    def joiner(i: int) -> str:
        return ", " if i < k - 1 else rng.choice([" and ", ", and "])

    if shape == 0:
        s.say(f"At {event}, ", *group(0, True), f" {verb}, as well as ", *group(1, False))
        for i in range(2, k):
            s.say(" and ", *group(i, False))
    elif shape == 1:
        s.say(f"{event} drew ", *group(0, True))
        for i in range(1, k):
            s.say(joiner(i), *group(i, False))
    elif shape == 2:
        total = _write(sum(values) + rng.randint(0, 300), rng)
        s.say(f"Of the {total} {noun} at {event}, ", (0, n[0]), f" came from {places[0][0]}")
        for i in range(1, k):
            s.say(joiner(i), (i, n[i]), f" from {places[i][0]}")
    elif shape == 3:
        s.say(f"{places[0][0]} sent ", (0, n[0]), f" {noun} to {event}")
        for i in range(1, k):
            s.say("; " if i < k - 1 else rng.choice(["; ", ", while "]))
            s.say(f"{places[i][0]} sent ", (i, n[i]))
    else:
        s.say("While ", *group(0, True), f" {asked_verb.format(e=event)}, ")
        for i in range(1, k):
            s.say("only " if i == 1 else "and ", (i, n[i]), f" came from {places[i][0]}")
            if i < k - 1:
                s.say(" ")
    s.text = s.text[0].upper() + s.text[1:] + "."

    def ask(place: str, adj: str) -> str:
        return rng.choice(
            [
                f"How many {adj} {noun} {asked_verb.format(e=asked_event)}?",
                f"How many {noun} from {place} were at {asked_event}?",
                f"How many {noun} did {place} send to {asked_event}?",
                f"What was the number of {adj} {noun} at {asked_event}?",
                f"How many of the {noun} came from {place}?",
            ]
        )

    qs = [(ask(*places[i]), i) for i in range(k)]
    qs.append((ask(*places[k]), None))
    return s, qs


def _kinds_tally(rng: random.Random):
    """A total split into two kinds: "Of the 230 schools, 140 were public and 90 private." """
    kind1, kind2, noun = rng.choice(_KINDS)
    where = rng.choice(_PLACES)[0]
    a, b = _counts(rng, 2)
    total, a, b = (_write(v, rng) for v in (a + b, a, b))
    s = _Sentence()
    if rng.random() < 0.5:
        s.say("Of the ", (2, total), f" {noun} in {where}, ", (0, a), f" were {kind1} and ")
        s.say((1, b), f" {kind2}.")
    else:
        s.say(f"{where} had ", (0, a), f" {kind1} {noun} and ", (1, b), f" {kind2} ones, ")
        s.say((2, total), " in all.")
    qs = [
        (f"How many {kind1} {noun} were there in {where}?", 0),
        (f"How many {noun} in {where} were {kind2}?", 1),
        (
            rng.choice(
                [
                    f"How many {noun} were there in {where} in total?",
                    f"What was the total number of {noun} in {where}?",
                ]
            ),
            2,
        ),
    ]
    return s, qs


def tally_questions(paragraphs: list[str], n: int, seed: int) -> list[Question]:
    """`n` made-up tally sentences, each between sentences of one of `paragraphs` (real
    prose), with a question for every count; a question about a group the sentence does not
    count has no answers."""
    rng = random.Random(seed)
    out = []
    for k in range(n):
        sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z])", rng.choice(paragraphs).strip())
        cut = rng.randint(0, min(2, len(sentences)))
        before = " ".join(sentences[:cut])
        after = " ".join(sentences[cut : cut + rng.randint(0, 2)])
        s, qs = (_groups_tally if rng.random() < 0.75 else _kinds_tally)(rng)
        offset = len(before) + 1 if before else 0
        context = " ".join(p for p in (before, s.text, after) if p)
        for j, (question, i) in enumerate(qs):
            answers = []
            if i is not None:
                count, at = s.at[i]
                answers = [(count, offset + at)]
                assert context[offset + at : offset + at + len(count)] == count, (context, count)
            out.append(Question(f"tally{k}-{j}", f"tally{k}", question, context, answers))
    return out
