"""Reworded training pairs for the reader (rag/training/rewordings.py, issue 25)."""

import json
import random
import re
from pathlib import Path

from rag.training.rewordings import (
    distractor_questions,
    proposal_questions,
    synonym_questions,
)
from rag.training.squad import Question

ROOT = Path(__file__).resolve().parents[1]
CONTEXT = (
    "The port was built in 1932 by Acme Co. and handled 4 million tonnes in its first year. "
    "Its goal is to handle 12 million tonnes by 2030. The harbour master proposed a new quay."
)
QUESTIONS = [
    Question(
        "a", "Port", "What is the port's goal for 2030?", CONTEXT, [("12 million tonnes", 109)]
    ),
    Question("b", "Port", "Who proposed a new quay?", CONTEXT, [("The harbour master", 136)]),
    Question("c", "Port", "When was the port built?", CONTEXT, [("1932", 22)]),
]


def test_questions_hold_their_answers():
    for q in QUESTIONS:
        text, at = q.answers[0]
        assert CONTEXT[at : at + len(text)] == text


def test_a_synonym_replaces_a_word_the_paragraph_shares_and_the_answer_stays():
    got = {q.id: q for q in synonym_questions(QUESTIONS, 10, random.Random(1))}
    assert got["a-syn"].question.split()[4] in {"target", "aim", "objective"}
    assert got["b-syn"].question.split()[1] in {"advocated", "suggested", "recommended"}
    assert got["a-syn"].answers == QUESTIONS[0].answers
    assert got["c-syn"].question.split()[-1] in {"constructed?", "erected?"}


def test_a_distractor_sentence_of_the_same_unit_precedes_the_answer_sentence():
    made = [
        q for seed in range(20) for q in distractor_questions(QUESTIONS, 5, random.Random(seed))
    ]
    assert len(made) >= 10  # a draw that repeats a figure of the paragraph is dropped
    first = CONTEXT[: CONTEXT.index("Its goal")]
    for q in made:
        text, at = q.answers[0]
        assert q.context[at : at + len(text)] == text == "12 million tonnes"
        before = q.context[:at]
        # the new sentence sits right before "Its goal ...", after the whole first sentence
        assert before.startswith(first) and before.endswith(". Its goal is to handle ")
        added = before[len(first) : -len("Its goal is to handle ")]
        assert added.count("million tonnes") == 2 and "12 million" not in added


def test_papers_answer_who_wrote_them_and_what_they_propose():
    qs = proposal_questions(["Rivers freeze. Ferries stop."], 200, random.Random(3))
    assert len({q.article for q in qs}) == 200
    for q in qs:
        for text, at in q.answers:
            assert q.context[at : at + len(text)] == text
        if q.question.startswith("Who"):
            assert q.answerable and "\n\n" + q.answers[0][0] + "\n\n" in q.context
        elif q.answerable:
            assert (
                q.answers[0][0].split()[-1] in {"Model", "Framework", "Plan", "Scheme", "Approach"}
                or " of " in q.answers[0][0]
            )
    assert 0.05 < sum(not q.answerable for q in qs) / len(qs) < 0.25


def test_papers_never_contain_an_answer_of_the_seed_gold():
    qs = proposal_questions(["Rivers freeze. Ferries stop."], 2000, random.Random(13))
    blob = "\n".join({q.context for q in qs}).lower()
    for row in map(json.loads, (ROOT / "eval" / "gold.jsonl").read_text().splitlines()):
        for answer in row["answers"]:
            if len(answer.split()) > 1:
                found = re.search(rf"\b{re.escape(answer.lower())}\b", blob)
                assert not found, (row["id"], answer)
