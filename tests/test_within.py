"""Ranking inside the documents a question is steered to (rag.retrieve.Retriever.within)."""

import pytest

from rag import RAG, Settings
from rag.context import document_keys
from rag.steering import dated, steer, within_query

# Each report: a cover/certification page that repeats the company, the period and "quarterly
# report" (what a question names to pick the report), and two pages of content.
COVER = (
    "<p>Certification. I have reviewed this quarterly report of {co} for {period}. This {co} "
    "quarterly report for {period} is signed. {co} {period} quarterly report.</p>"
)
PAGES = (
    "<p>Research and development expense was $ {rd} million, driven by engineering "
    "headcount and new product programs.</p>"
    "<p>Operating margin was {margin} percent of revenue, after higher freight costs.</p>"
    "{more}"
)
# Only the latest report discusses its margin twice: searched across the company's reports
# together, both of its passages would come before the earlier report's one.
MORE = (
    "<p>Our operating margin is expected to change over time, as operating margin gains from "
    "pricing offset freight.</p>"
)
REPORTS = {
    "2022 Q1 ACME.html": ("Acme", "Q1 2022", {"rd": 410, "margin": 5, "more": ""}),
    "2023 Q1 ACME.html": ("Acme", "Q1 2023", {"rd": 520, "margin": 9, "more": MORE}),
    "2023 Q1 ZETA.html": ("Zeta", "Q1 2023", {"rd": 990, "margin": 31, "more": ""}),
}


def build(tmp_path, embedder) -> RAG:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, (co, period, facts) in REPORTS.items():
        body = COVER.format(co=co, period=period) + PAGES.format(**facts)
        (docs / name).write_text(
            f"<html><head><title>{co} {period} report</title></head><body>{body}</body></html>",
            encoding="utf-8",
        )
    # small passages: the cover and each content paragraph are passages of their own
    s = Settings(
        documents_dir=docs,
        index_dir=tmp_path / "index",
        cache_dir=tmp_path / "cache",
        chunk_tokens=40,
        chunk_overlap_tokens=0,
    )
    rag = RAG(s, embedder=embedder)
    rag.refresh()
    return rag


@pytest.fixture(scope="module")
def reports(tmp_path_factory, embedder) -> RAG:
    return build(tmp_path_factory.mktemp("within"), embedder)


def test_the_words_that_chose_the_report_are_not_searched_inside_it(reports):
    keys = document_keys(reports.store.current())
    question = "What drove Acme's spending on engineering in its Q1 2023 quarterly report?"
    assert within_query(question, keys) == "What drove spending on engineering in its?"
    passages = reports.retriever.run(question, 3)
    # the content page of the report named, not its cover, which repeats every word naming it
    assert passages[0].chunk.doc == "2023 Q1 ACME.html"
    assert "Research and development expense was $ 520" in passages[0].chunk.text
    assert "Certification" not in passages[0].chunk.text
    # the score reported stays the cosine of the whole question (what the verifier reads)
    snap = reports.store.current()
    vec = reports.embedder.embed_cached([question])
    cosine = {snap.chunk(key).chunk_id: x for key, x in snap.dense(vec, snap.ntotal)}
    assert passages[0].score == pytest.approx(cosine[passages[0].chunk.chunk_id], abs=1e-5)


def test_a_question_over_the_quarters_reads_each_report_of_the_company(reports):
    passages = reports.retriever.run("How has Acme's operating margin changed over time?", 4)
    # one report after the other: each report's margin page among the first two
    firsts = passages[:2]
    assert {p.chunk.doc for p in firsts} == {"2022 Q1 ACME.html", "2023 Q1 ACME.html"}
    assert all("perating margin" in p.chunk.text for p in firsts)
    assert all(p.chunk.doc != "2023 Q1 ZETA.html" for p in passages)


def test_naming_the_kind_of_filing_is_no_missing_number(reports):
    # "10-Q" names the kind of report; its passages never repeat it
    answer = reports.ask(
        "How much was research and development expense in the Q1 2023 10-Q of Acme?"
    )
    assert answer.reason != "missing_numbers", answer.why
    assert not answer.abstained, answer.why
    assert answer.citations[0].doc == "2023 Q1 ACME.html"
    assert "$ 520" in answer.citations[0].quote


def test_only_reports_known_by_a_period_are_ranked_inside(reports, tmp_path, embedder):
    # articles: a name steering the question is what it asks about; their passages keep the
    # collection's ranking (steered documents first), the words of the question all searched
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, city, fact in (
        ("harbin.html", "Harbin", "The Harbin fair hosted 137 Russian firms in June."),
        ("khabarovsk.html", "Khabarovsk", "The Consul General in Khabarovsk met the governor."),
    ):
        (docs / name).write_text(
            f"<html><head><title>Notes</title></head><body><p>{city} news.</p><p>{fact}</p>"
            "</body></html>",
            encoding="utf-8",
        )
    s = Settings(documents_dir=docs, index_dir=tmp_path / "index", cache_dir=tmp_path / "cache")
    rag = RAG(s, embedder=embedder)
    rag.refresh()
    snap = rag.store.current()
    _, steered = steer(snap, "Who did the Consul General in Khabarovsk meet?", "prefer")
    assert steered == {"khabarovsk.html"}
    assert not dated(snap, steered)
    assert rag.retriever.run("Who did the Consul General in Khabarovsk meet?", 1)[0].chunk.doc == (
        "khabarovsk.html"
    )
    reports_snap = reports.store.current()
    assert dated(reports_snap, {"2023 Q1 ACME.html", "2022 Q1 ACME.html"})


def test_a_name_few_passages_hold_brings_them_first(tmp_path, embedder):
    """Inside the four filings of one company, taken in turn, the one passage naming
    "Anthropic" was not among the first five; a rare name's passages now come first, and only
    those of the documents the question is steered to."""
    docs = tmp_path / "docs"
    docs.mkdir()
    invest = (
        "Acme invested {x} million in property and equipment during the quarter. Acme's "
        "investments in equipment grew, and Acme expects to invest more next year."
    )
    for n, period in enumerate(("Q1 2023", "Q2 2023", "Q3 2023")):
        paras = [f"Acme quarterly report for {period}.", invest.format(x=100 + n)]
        paras += [f"Acme invested in warehouses in region {r} this quarter." for r in "ABCD"]
        if period == "Q3 2023":
            paras.append("In September 2023 a note from Nordvik Labs was bought for 40 million.")
        (docs / f"{period[3:]} {period[:2]} ACME.txt").write_text("\n\n".join(paras))
    cover = "Zeta quarterly report for Q3 2023. " + "Zeta makes pumps and valves. " * 8
    (docs / "2023 Q3 ZETA.txt").write_text(
        f"{cover}\n\nZeta sold Nordvik Labs shares for 9 million."
    )
    rag = RAG(
        Settings(
            documents_dir=docs,
            index_dir=tmp_path / "index",
            generator="extractive",
            chunk_tokens=40,
            chunk_overlap_tokens=0,
        ),
        embedder=embedder,
    )
    rag.refresh()
    got = rag.retriever.run("How much did Acme invest in Nordvik Labs?", 5)
    assert "Nordvik" in got[0].chunk.text and got[0].chunk.doc == "2023 Q3 ACME.txt"
    assert all(p.chunk.doc != "2023 Q3 ZETA.txt" for p in got)
    # the company's possessive is its name, not a rare one no passage holds beside the other
    # ("What is Amazon's investment in Anthropic?" had not lifted it)
    got = rag.retriever.run("What is Acme's investment in Nordvik Labs?", 5)
    assert "Nordvik" in got[0].chunk.text and got[0].chunk.doc == "2023 Q3 ACME.txt"


def test_a_rare_name_the_reader_declines_is_answered_by_the_sentences_naming_it(tmp_path, embedder):
    """ "What is Amazon's investment in Anthropic?" was refused though the passage retrieved
    first said "we invested $1.25 billion in a note from Anthropic": among dated reports, a
    fact about a rare name that the reader declines falls back to the sentences naming it
    (`names_held`; here the reader itself answers, from the same sentence)."""
    from rag.answer.reading import ReaderGenerator
    from rag.retrieve import names_held
    from tests.conftest import rag_over

    filler = "Acme sold pumps and valves to utilities in the quarter. " * 3
    files = {
        f"2023 {q} ACME.txt": f"Acme quarterly report for {q} 2023.\n\n{filler}\n\n"
        + (
            "In September 2023, we invested in a $40 million note from Nordvik Labs, which "
            "is convertible to equity. We have an agreement to invest up to an additional $60 "
            "million in a second note."
            if q == "Q3"
            else "Acme invested in new warehouses."
        )
        for q in ("Q1", "Q2", "Q3")
    }
    files["2023 Q3 ZETA.txt"] = "Zeta quarterly report for Q3 2023.\n\nZeta makes valves."
    rag = rag_over(
        tmp_path,
        files,
        embedder,
        ReaderGenerator("shipped"),
        chunk_tokens=40,
        chunk_overlap_tokens=0,
    )
    q = "What is Acme's investment in Nordvik Labs?"
    passages = rag.retriever.run(q, 5)
    assert names_held(q, passages, rag.store.current())
    assert not names_held("What is Acme's investment in warehouses?", passages, rag.store.current())
    a = rag.ask(q)
    assert not a.abstained, a.why
    assert "Nordvik Labs" in a.citations[0].quote


def test_a_summary_of_a_rare_name_or_acronym_reads_the_passages_naming_it(reports, embedder):
    """ "What did Amazon say about the FTC lawsuit?" had summarized every lawsuit sentence of
    the four filings, the FTC's last: an acronym is a rare name too ("Q1" is a period), and a
    list or summary reads only the passages the retriever found naming the question's rare
    names (`Passage.named`), when there are any."""
    from rag.answer.forms import FormSettings, extract
    from rag.ingest.chunk import Chunk
    from rag.retrieve import Passage, rare_names

    snap = reports.store.current()
    assert rare_names("What did Acme say about the FTC lawsuit in Q1 2023?", snap) == ["FTC"]
    suits = (
        "Dealers filed a lawsuit against Acme in 2021 seeking damages and costs.",
        "The FTC filed a similar lawsuit against Acme in September 2023 over its pricing.",
    )
    passages = [
        Passage(i + 1, 0.5, Chunk(f"d::{i}", "d", 100 * i, 100 * i + len(t), t), named=bool(i))
        for i, t in enumerate(suits)
    ]
    q = "What did Acme say about the FTC lawsuit?"
    out = extract("summary", q, passages, embedder, FormSettings(floor=0.0))
    assert [x[0] for x in out.supports] == [suits[1]]
    # with no passage naming them, every passage's sentences are read as before
    plain = [Passage(p.rank, p.score, p.chunk) for p in passages]
    out = extract("summary", q, plain, embedder, FormSettings(floor=0.0))
    assert [x[0] for x in out.supports] == list(suits)
