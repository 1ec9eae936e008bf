"""Answers to a question asking when (rag.answer.spans.asks_when, state_for_when): a day
something happened, never a row's amount nor the day a figure stood, with the real reader."""

from __future__ import annotations

import pytest

from rag.answer.reading import ReaderGenerator
from tests.conftest import build_rag


@pytest.fixture(scope="module")
def reader():
    return ReaderGenerator("shipped")


def test_when_something_happened_is_no_rows_amount(tmp_path, embedder, reader):
    """ "When were the dividends paid?" had been answered with the dividend row's $0.24: a
    row holds amounts, and a question asking when is read from the sentences."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "report.txt").write_text(
        "Bell Instruments quarterly report.\n\n"
        "Dividends declared per share — Three Months Ended July 1, 2023: $0.24; Three Months "
        "Ended June 25, 2022: $0.23\n\n"
        "The dividends declared per share were paid on August 17, 2023 to shareholders of "
        "record as of August 14, 2023.\n",
        encoding="utf-8",
    )
    rag = build_rag(docs, tmp_path, embedder, reader)
    a = rag.ask("When were the dividends declared per share paid?")
    assert not a.abstained, a.why
    assert a.short_answer.text.startswith("August 17")
    assert "paid on August 17, 2023" in a.citations[0].quote


def test_when_something_happened_is_not_the_day_a_figure_stood(tmp_path, embedder, reader):
    """ "When was the dividend paid?" had been answered "July 1" from "As of July 1, 2023, the
    quarterly cash dividend was $0.24": the day a figure stood, not when anything happened."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "report.txt").write_text(
        "Bell Instruments quarterly report.\n\n"
        "As of July 1, 2023, the Company's quarterly cash dividend was $0.24 per share. The "
        "Company intends to increase its dividend on an annual basis.\n",
        encoding="utf-8",
    )
    rag = build_rag(docs, tmp_path, embedder, reader)
    a = rag.ask("When was the quarterly cash dividend paid?")
    assert a.abstained, a.answer
    b = rag.ask("What was the quarterly cash dividend as of July 1, 2023?")
    assert b.short_answer.text == "$0.24 per share"
