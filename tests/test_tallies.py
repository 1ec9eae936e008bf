"""Made-up tallies for reader training (rag/training/tallies.py)."""

import re

import pytest

from rag.errors import ConfigError
from rag.training.tallies import tally_questions
from rag.training.train_reader import TrainConfig

PROSE = [
    "The river freezes in November. Ferries stop until April. Trucks cross on the ice.",
    "The bridge opened in 2019. It carries rail and road traffic. Tolls fund its upkeep.",
]


def test_every_answer_is_a_count_at_its_offset_inside_the_tally():
    qs = tally_questions(PROSE, 300, seed=1)
    real = {s.strip() + "." for p in PROSE for s in p.split(".") if s.strip()}
    assert len({q.article for q in qs}) == 300
    for q in qs:
        for text, at in q.answers:
            assert q.context[at : at + len(text)] == text
            assert re.fullmatch(r"\d[\d,]*|[a-z]+", text), text
            # the count is in the made-up sentence, not in the real prose around it
            sentence = next(
                m.group() for m in re.finditer(r"[^.]+\.", q.context) if m.end() > at
            ).strip()
            assert sentence not in real, sentence


def test_each_count_of_a_tally_is_asked_and_a_group_it_does_not_count_has_no_answer():
    qs = tally_questions(PROSE, 300, seed=2)
    by_tally: dict[str, list] = {}
    for q in qs:
        by_tally.setdefault(q.article, []).append(q)
    places_asked_without_answer = 0
    for group in by_tally.values():
        starts = [q.answers[0][1] for q in group if q.answerable]
        assert len(starts) == len(set(starts)) >= 2  # every count asked once
        for q in group:
            if not q.answerable:
                # the group asked about is named nowhere in the text
                asked = re.search(r"(?:from|did|came from) (?:the )?([A-Z]\w+)", q.question)
                adj = re.search(r"many ([A-Z]\w+)|number of ([A-Z]\w+)", q.question)
                name = asked.group(1) if asked else next(g for g in adj.groups() if g)
                assert name not in q.context, (q.question, q.context)
                places_asked_without_answer += 1
    assert places_asked_without_answer > 100
    share = sum(not q.answerable for q in qs) / len(qs)
    assert 0.1 < share < 0.35


def test_tallies_are_seeded():
    def texts(seed):
        return [(q.question, q.context) for q in tally_questions(PROSE, 20, seed)]

    assert texts(3) == texts(3)
    assert texts(3) != texts(4)


def test_tallies_never_name_what_the_seed_collection_counts():
    # The seeds' "1246 enterprises … of China …, as well as 137 enterprises … of Russia" is a
    # test of the shipped reader; the generator must not show it that pair or those words.
    blob = " ".join(q.question + " " + q.context for q in tally_questions(PROSE, 3000, seed=17))
    for word in ("Russia", "China", "Chinese", "enterprise", "EXPO", "Expo", "Sino"):
        assert word not in blob


def test_a_negative_count_is_refused_with_its_value():
    with pytest.raises(ConfigError, match="tallies=-1"):
        TrainConfig(tallies=-1)
