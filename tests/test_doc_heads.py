"""Made-up document heads for reader training (rag/training/doc_heads.py)."""

import json
import re
from pathlib import Path

from rag.training.doc_heads import doc_head_questions

PROSE = [
    "The river freezes in November. Ferries stop until April. Trucks cross on the ice.",
    "The bridge opened in 2019. It carries rail and road traffic. Tolls fund its upkeep.",
]
ROOT = Path(__file__).resolve().parents[1]


def test_every_answer_is_the_text_at_its_offset_and_some_questions_have_none():
    qs = doc_head_questions(PROSE, 200, seed=1)
    assert len({q.article for q in qs}) == 200
    for q in qs:
        for text, at in q.answers:
            assert q.context[at : at + len(text)] == text
    share = sum(not q.answerable for q in qs) / len(qs)
    assert 0.15 < share < 0.45


def test_a_question_about_a_missing_part_has_no_answer():
    for q in doc_head_questions(PROSE, 300, seed=2):
        if q.question.startswith("Who translated"):
            assert q.answerable == ("Translated by" in q.context), q.context
        if "grant number" in q.question and not q.answerable:
            assert "Grant No." not in q.context and "Project No." not in q.context


def test_heads_are_seeded():
    def texts(seed):
        return [(q.question, q.context) for q in doc_head_questions(PROSE, 20, seed)]

    assert texts(3) == texts(3)
    assert texts(3) != texts(4)


def test_heads_never_contain_an_answer_of_the_sets_we_measure_on():
    heads = {q.context for q in doc_head_questions(PROSE, 3000, seed=13)}
    for prose in PROSE:
        heads = {h.replace(prose, "") for h in heads}
    blob = "\n".join(heads).lower()
    for gold in (ROOT / "eval" / "gold.jsonl", ROOT / "eval" / "structured" / "gold.jsonl"):
        for row in map(json.loads, gold.read_text().splitlines()):
            for answer in row["answers"]:
                # One word ("Harbin", "2013") or a date is common; a name, title or code is not.
                if re.fullmatch(r"(\d{1,2} )?[A-Z][a-z]+ \d{4}", answer):
                    continue
                if len(answer.split()) > 1 or any(c.isdigit() for c in answer) and len(answer) > 6:
                    assert answer.lower() not in blob, (row["id"], answer)
