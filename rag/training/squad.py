"""SQuAD-format files: questions by article, a fixed split by article, and a document
collection made from them for end-to-end evaluation (`rag eval --squad`).

The split is shared by training (`rag train-reader`), fitting the verifier (dev) and reporting
(test), so no question of an article ever crosses from one part to another.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

DEV_ARTICLES = 3
TEST_ARTICLES = 3
# The training articles in folds, for readers that each leave one fold out
# (`rag train-reader --leave-out-fold K`): their answers to the left-out fold are out of
# sample, so a verifier can be fit on many articles rather than the 3 of dev.
FOLDS = 3


@dataclass
class Question:
    id: str
    article: str
    question: str
    context: str
    answers: list[tuple[str, int]] = field(default_factory=list)  # (text, char start)

    @property
    def answerable(self) -> bool:
        return bool(self.answers)


def load_squad(path: Path) -> dict[str, list[Question]]:
    """Article title -> its questions (the official SQuAD 2.0 JSON format)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    out: dict[str, list[Question]] = {}
    for art in data["data"]:
        rows = out.setdefault(art["title"], [])
        for para in art["paragraphs"]:
            ctx = para["context"]
            for qa in para["qas"]:
                answers = []
                if not qa.get("is_impossible", False):
                    for a in qa["answers"]:
                        s = int(a["answer_start"])
                        if ctx[s : s + len(a["text"])] == a["text"]:
                            answers.append((a["text"], s))
                rows.append(Question(qa["id"], art["title"], qa["question"], ctx, answers))
    return out


def split_articles(
    articles: dict[str, list[Question]], dev: int = DEV_ARTICLES, test: int = TEST_ARTICLES
) -> dict[str, list[str]]:
    """Deterministic split by article. Dev and test take articles that have unanswerable
    questions (SQuAD 2.0 ones), ordered by a hash of the title, so both measure abstention.
    The training articles are also dealt into FOLDS folds ("fold0", ...), in the same hash
    order, those with unanswerable questions first, so every fold has some.

    >>> a = {f"t{i}": [Question(str(i), f"t{i}", "q", "c")] for i in range(8)}
    >>> s = split_articles(a, 1, 1); [len(s[k]) for k in ("train", "dev", "test", "fold0")]
    [6, 1, 1, 2]
    """

    def by_hash(titles):
        return sorted(titles, key=lambda t: hashlib.sha1(t.encode()).hexdigest())

    nulls = {t for t, qs in articles.items() if any(not q.answerable for q in qs)}
    has_null = by_hash(nulls)
    test_t, dev_t = has_null[:test], has_null[test : test + dev]
    train_t = sorted(t for t in articles if t not in set(test_t) | set(dev_t))
    dealt = by_hash(t for t in train_t if t in nulls) + by_hash(
        t for t in train_t if t not in nulls
    )
    folds = {f"fold{k}": sorted(dealt[k::FOLDS]) for k in range(FOLDS)}
    return {"train": train_t, "dev": sorted(dev_t), "test": sorted(test_t), **folds}


def article_filename(title: str) -> str:
    """A safe file name for an article.

    >>> article_filename("Fresno,_California")
    'Fresno_California.txt'
    """
    return re.sub(r"[^A-Za-z0-9]+", "_", title).strip("_")[:80] + ".txt"


@dataclass
class Collection:
    """Articles written out as documents, and each question's answers as document spans."""

    documents: dict[str, str]  # file name -> text
    questions: list[Question]
    doc_of: dict[str, str]  # question id -> file name
    spans: dict[str, list[tuple[int, int]]]  # question id -> answer spans in its document


def build_collection(articles: dict[str, list[Question]], titles: list[str]) -> Collection:
    """One document per article: its paragraphs in order, separated by blank lines."""
    documents, questions, doc_of, spans = {}, [], {}, {}
    for title in titles:
        name = article_filename(title)
        offsets: dict[str, int] = {}
        parts, pos = [], 0
        for q in articles[title]:
            if q.context not in offsets:
                offsets[q.context] = pos
                parts.append(q.context)
                pos += len(q.context) + 2
        text = "\n\n".join(parts)
        documents[name] = text
        for q in articles[title]:
            base = offsets[q.context]
            found = [(base + s, base + s + len(t)) for t, s in q.answers]
            assert all(text[a:b] == t for (a, b), (t, _) in zip(found, q.answers, strict=True))
            questions.append(q)
            doc_of[q.id] = name
            spans[q.id] = found
    return Collection(documents, questions, doc_of, spans)


def select(articles: dict[str, list[Question]], split: str) -> list[str]:
    """The titles of one part: train, dev, test, fold0..., all, or several joined by "+"
    ("train+dev")."""
    if split == "all":
        return sorted(articles)
    parts = split_articles(articles)
    names = split.split("+")
    for name in names:
        if name not in parts:
            raise ValueError(f"split={split!r}: choose train, dev, test, all or e.g. train+dev")
    return sorted(t for name in names for t in parts[name])
