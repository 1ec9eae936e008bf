"""A list of bullets, each saying one measure (rag.answer.spans.bullet_of_subject), read with
the real reader: the question naming one measure is answered from its bullet, not the first."""

from __future__ import annotations

import pytest

from rag.answer.reading import ReaderGenerator
from tests.conftest import rag_over

GUIDANCE = (
    "These forward-looking statements reflect Amazon.com’s expectations as of October 26, 2023, and "
    "are subject to substantial uncertainty. Our results are inherently unpredictable and may "
    "be materially affected by many factors, such as fluctuations in foreign exchange rates, "
    "changes in global economic and geopolitical conditions and customer demand and spending "
    "(including the impact of recessionary fears), inflation, interest rates, regional labor "
    "market constraints, world events, the rate of growth of the Internet, online commerce, "
    "cloud services, and new and emerging technologies, as well as those outlined in Item 1A "
    "of Part II, “Risk Factors.” Fourth Quarter 2023 Guidance • Net sales are expected to be "
    "between $160.0 billion and $167.0 billion, or to grow between 7% and 12% compared with "
    "fourth quarter 2022. This guidance anticipates a favorable impact of approximately 40 "
    "basis points from foreign exchange rates.\n\n"
    "• Operating income is expected to be between $7.0 billion and $11.0 billion, compared with "
    "$2.7 billion in fourth quarter 2022. • This guidance assumes, among other things, that no "
    "additional business acquisitions, restructurings, or legal settlements are concluded.\n\n"
    "Item 3. Quantitative and Qualitative Disclosures About Market Risk\n\n"
    "We are exposed to market risk for the effect of interest rate changes, foreign currency "
    "fluctuations, and changes in the market values of our investments. Information relating "
    "to quantitative and qualitative disclosures about market risk is set forth below.\n\n"
    "Interest Rate Risk\n\nOur exposure to market risk for changes in interest rates relates "
    "primarily to our investment portfolio and our debt.\n"
)


@pytest.fixture(scope="module")
def rag(tmp_path_factory, embedder):
    return rag_over(
        tmp_path_factory.mktemp("guidance"),
        {"2023 Q3 AMZN.txt": GUIDANCE},
        embedder,
        ReaderGenerator("shipped"),
    )


def test_the_bullet_of_the_measure_asked_answers(rag):
    """ "What does Amazon expect its operating income to be in Q4 2023?" had been answered with
    the net sales bullet, read first and naming "Fourth Quarter 2023"."""
    a = rag.ask("What does Amazon expect its operating income to be in Q4 2023?")
    assert not a.abstained, a.why
    assert a.citations[0].quote.startswith("• Operating income is expected"), a.answer
    assert "$7.0 billion" in a.short_answer.text
    # the figure of the year asked, not last year's in the same bullet
    c = rag.ask("What operating income does Amazon expect for the fourth quarter of 2023?")
    assert c.short_answer.text == "between $7.0 billion and $11.0 billion", c.answer
    b = rag.ask("What are Amazon's net sales expected to be in Q4 2023?")
    assert "Net sales are expected" in b.citations[0].quote, b.answer
