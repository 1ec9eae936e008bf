"""Follow-up rewriting (rag.followup): exact queries on a tiny corpus, real embedder."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from rag.followup import MIN_STANDALONE_COSINE, decide, previous_question, rewrite
from rag.ingest.chunk import Chunk
from rag.retrieve import Passage

ROOT = Path(__file__).resolve().parent.parent

DOCS = {
    "expo.txt": (
        "The 6th Sino-Russian EXPO took place in Harbin from June 15 to 19. At the EXPO, 1246 "
        "enterprises from China were represented, as well as 137 enterprises from various "
        "regions of Russia. Guangdong Province was the honored guest."
    ),
    "bridge.txt": (
        "The road bridge between Heihe and Blagoveshchensk crosses the Amur River. It is about "
        "one kilometre long and opened to freight traffic in 2022."
    ),
    "bread.txt": (
        "Sourdough bread rises slowly. The dough needs between four and twelve hours to rise, "
        "depending on the temperature of the kitchen and the strength of the starter."
    ),
}
EXPO_Q = "Where was the 6th Sino-Russian EXPO held?"
BRIDGE_Q = "How long is the bridge between Heihe and Blagoveshchensk?"


@pytest.fixture
def retrieve(tmp_path, make_rag):
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in DOCS.items():
        (docs / name).write_text(text, encoding="utf-8")
    return make_rag(docs).retriever.run


def test_a_question_naming_its_subject_is_never_joined(retrieve):
    # issue 25: "By how much did trade turnover grow ...?" was searched with the 2018 question
    q = "How many Russian enterprises took part?"
    assert decide(q, [EXPO_Q], retrieve) == (q, "own_subject")
    assert decide("When did it open in 2022?", [EXPO_Q], retrieve)[1] == "own_subject"


def test_a_pointing_word_without_a_subject_joins(retrieve):
    q = "How long is it?"
    assert decide(q, [BRIDGE_Q], retrieve) == (f"{q} {BRIDGE_Q}", "pointing")


def test_a_question_asking_why_of_nothing_named_joins(retrieve):
    # "What drove the change?" after Amazon's AWS net sales had been searched alone, and
    # answered from Intel's filing: it holds no name nor pointing word, only what it asks
    q = "What drove the change?"
    assert decide(q, [BRIDGE_Q], retrieve) == (f"{q} {BRIDGE_Q}", "names_nothing")
    q = "What drove the change in bread?"
    assert decide(q, [BRIDGE_Q], retrieve)[1] != "names_nothing"


def test_question_too_weak_to_stand_alone_joins_the_previous_question(retrieve):
    # No subject, no pointing word: "What is the length?" (of what?) matches everything weakly.
    q = "What is the length?"
    assert max(p.score for p in retrieve(q)) < MIN_STANDALONE_COSINE
    assert decide(q, [BRIDGE_Q], retrieve) == (f"{q} {BRIDGE_Q}", "weak_alone")


@pytest.mark.parametrize(
    ("previous", "question"),
    [
        (EXPO_Q, "How long does sourdough bread need to rise?"),
        (BRIDGE_Q, "How many enterprises came from Russia?"),
    ],
)
def test_topic_switch_is_not_rewritten(retrieve, previous, question):
    assert decide(question, [previous], retrieve)[0] == question


def test_follow_up_opening_joins_without_retrieving():
    def never(query):
        raise AssertionError("no retrieval needed")

    first = "How many Chinese enterprises were at the 6th EXPO?"
    q = "And how many Russian ones?"
    assert decide(q, [first], never) == (f"{q} {first}", "opening")
    assert (
        rewrite("What about 2019?", ["Trade in 2018?"], never) == "What about 2019? Trade in 2018?"
    )


def test_only_the_last_non_blank_question_counts(retrieve):
    q = "And how many Russian ones?"
    assert rewrite(q, [BRIDGE_Q, EXPO_Q, "  "], retrieve) == f"{q} {EXPO_Q}"
    assert previous_question([" Where  was\nit? ", ""]) == "Where was it?"


def _passage(doc: str, score: float) -> Passage:
    return Passage(1, score, Chunk(f"{doc}::0", doc, 0, 4, "text"))


def test_no_history_same_question_or_empty_index_keep_the_question():
    calls: list[str] = []

    def never(query):
        calls.append(query)
        return []

    assert decide("Where?", [], never) == ("Where?", "no_history")
    assert decide("Where?", None, never) == ("Where?", "no_history")
    assert decide("Where?", ["", "   "], never) == ("Where?", "no_history")
    assert decide("Where?", ["where?"], never) == ("Where?", "same_question")
    assert calls == []  # nothing retrieved for these
    assert decide("Where?", ["When?"], never) == ("Where?", "nothing_retrieved")


def test_rule_on_scores_alone():
    """Retrieval stubbed: a strong match stands alone, whatever its document; a weak one joins."""
    ranked = {
        "prev": [_passage("a.txt", 0.7)],
        "same": [_passage("a.txt", 0.9), _passage("b.txt", 0.2)],
        "strong": [_passage("b.txt", MIN_STANDALONE_COSINE + 0.01)],
        "weak": [_passage("b.txt", MIN_STANDALONE_COSINE - 0.01)],
    }
    assert rewrite("same", ["prev"], ranked.__getitem__) == "same"
    assert rewrite("strong", ["prev"], ranked.__getitem__) == "strong"
    assert rewrite("weak", ["prev"], ranked.__getitem__) == "weak prev"


def test_follow_up_pairs_are_well_formed():
    """Every quote of eval/followups.jsonl is verbatim in its seed document (no model)."""
    spec = importlib.util.spec_from_file_location(
        "followup_eval", ROOT / "research" / "followup_eval.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows = module.load_pairs(ROOT / "eval" / "followups.jsonl", ROOT / "seeds")
    kinds = [r["kind"] for r in rows]
    assert kinds.count("followup") >= 40 and kinds.count("switch") >= 10
    for kind in ("followup", "switch"):
        splits = [r["split"] for r in rows if r["kind"] == kind]
        assert abs(splits.count("validation") - splits.count("test")) <= 1


def test_a_question_whose_rare_words_find_another_document_stands_alone(tmp_path, make_rag):
    """Issue 25's rule in a library of a manual beside other documents: "What is the maximum
    operating temperature?" matches the manual's passage weakly as a whole (its specification
    row among warnings and steps) and was joined with a question on another document. Two of
    its words in that passage, one held by no more than two passages, in another document than
    the previous question's: its own subject."""
    from rag.followup import rare_in

    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("expo.txt", "bridge.txt"):
        (docs / name).write_text(DOCS[name], encoding="utf-8")
    (docs / "manual.txt").write_text(
        "AquaPure 300 Water Purifier - User Manual\n\nSafety Warnings\n\nDo not connect the "
        "purifier to a hot water supply. Unplug the unit before replacing any filter.\n\n"
        "Specifications\n\nOperating temperature — 5 to 38 C\n\nFlow rate — 1.5 litres per "
        "minute\n\nReplacing the Filter\n\n1. Turn off the water supply and unplug the unit. "
        "2. Open the front cover by pressing the release button. 3. Turn the old filter "
        "cartridge counterclockwise and pull it out. 4. Insert the new cartridge and turn it "
        "clockwise until it clicks. 5. Flush the new filter by running water for 5 minutes "
        "before drinking.\n\nWarranty\n\nThe AquaPure 300 is covered by a two-year limited "
        "warranty from the date of purchase.\n",
        encoding="utf-8",
    )
    rag = make_rag(docs)
    q = "What is the maximum operating temperature?"
    # among 461 passages of filings and calls its best cosine was 0.21; here it is higher, so
    # the bar is raised over it to stand for the same weak match
    weak = max(p.score for p in rag.retriever.run(q)) + 0.01
    rare = rare_in(rag.store.current())
    assert decide(q, [EXPO_Q], rag.retriever.run, weak) == (f"{q} {EXPO_Q}", "weak_alone")
    assert decide(q, [EXPO_Q], rag.retriever.run, weak, rare) == (q, "anchored")
    # an ellipsis still leans on the previous question
    length = "What is the length?"
    assert decide(length, [BRIDGE_Q], rag.retriever.run, weak, rare)[1] == "weak_alone"


def test_a_follow_up_naming_only_another_period_asks_the_previous_question_of_it(
    tmp_path, embedder
):
    """ "And in Q2 2023?" after a list by segment was read as a fact holding both quarters and
    refused; it is the previous question asked of Q2 2023, in its form, from that filing."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for q, (a, b) in (("Q1", ("60", "5")), ("Q2", ("70", "-3"))):
        (docs / f"2023 {q} BELL.txt").write_text(
            f"Bell Instruments quarterly report for {q} 2023.\n\n"
            "Information on our reportable segments is as follows (in millions):\n\n"
            f"Scales: Operating income — Three Months Ended {q} 2023: {a}\n"
            f"Meters: Operating income — Three Months Ended {q} 2023: {b}\n",
            encoding="utf-8",
        )
    from rag.answer.reading import ReaderGenerator
    from tests.conftest import build_rag

    rag = build_rag(docs, tmp_path, embedder, ReaderGenerator("shipped"))
    first = "What was Bell's operating income by segment in Q1 2023?"
    a = rag.ask(first)
    assert a.form == "list" and {c.doc for c in a.citations} == {"2023 Q1 BELL.txt"}
    b = rag.ask("And in Q2 2023?", history=[first])
    assert b.question == "What was Bell's operating income by segment in Q2 2023?"
    assert b.form == "list" and not b.abstained, b.why
    assert b.answer.splitlines() == [
        "- Scales: Operating income — Three Months Ended Q2 2023: 70 [1]",
        "- Meters: Operating income — Three Months Ended Q2 2023: -3 [2]",
    ]
    assert {c.doc for c in b.citations} == {"2023 Q2 BELL.txt"}


def test_a_follow_up_naming_only_another_thing_asks_the_previous_question_of_it(tmp_path, embedder):
    """ "And Meters?" after the scales' operating income was read with both questions' words
    and answered the scales again; "And its net sales?" two turns on is the meters' net sales
    of the same quarter; the turn before is read as it stood alone."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "2023 Q1 BELL.txt").write_text(
        "Bell Instruments quarterly report for Q1 2023.\n\n"
        "Information on our reportable segments is as follows (in millions):\n\n"
        "Scales: Operating income — Three Months Ended Q1 2023: 60\n"
        "Meters: Operating income — Three Months Ended Q1 2023: 5\n"
        "Scales: Net sales — Three Months Ended Q1 2023: 400\n"
        "Meters: Net sales — Three Months Ended Q1 2023: 90\n",
        encoding="utf-8",
    )
    from rag.answer.reading import ReaderGenerator
    from tests.conftest import build_rag

    rag = build_rag(docs, tmp_path, embedder, ReaderGenerator("shipped"))
    history = ["What was Bell's Scales operating income in Q1 2023?"]
    assert rag.ask(history[0]).short_answer.text == "60"
    b = rag.ask("And Meters?", history=history)
    assert b.question == "What was Bell's Meters operating income in Q1 2023?"
    assert b.short_answer.text == "5"
    history.append("And Meters?")
    c = rag.ask("And its net sales?", history=history)
    assert c.question == "What was Bell's Meters net sales in Q1 2023?"
    assert c.short_answer.text == "90"
    # a name no document mentions is not made the previous question's: it is refused for it
    d = rag.ask("And Pumps?", history=history)
    assert d.question == "And Pumps?"
    assert d.abstained and d.why == "The documents never mention Pumps.", d.answer


def test_which_was_bigger_sets_the_two_answers_before_it_side_by_side(tmp_path, embedder):
    """ "Which was bigger?" after the scales' and the meters' net sales had been joined with the
    previous question and answered the meters' again; it is each earlier question answered,
    one cited line each, and the higher of the two. "What's the difference?" computes it."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "2023 Q1 BELL.txt").write_text(
        "Bell Instruments quarterly report for Q1 2023.\n\n"
        "Information on our reportable segments is as follows (in millions):\n\n"
        "Scales: Net sales — Three Months Ended Q1 2023: 400\n"
        "Meters: Net sales — Three Months Ended Q1 2023: 90\n",
        encoding="utf-8",
    )
    from rag.answer.reading import ReaderGenerator
    from tests.conftest import build_rag

    rag = build_rag(docs, tmp_path, embedder, ReaderGenerator("shipped"))
    history = ["What were Bell's Scales net sales in Q1 2023?", "And Meters?"]
    a = rag.ask("Which was bigger?", history=history)
    assert not a.abstained, a.why
    assert a.form == "comparison"
    assert a.answer.splitlines() == [
        "- Scales: Net sales — Three Months Ended Q1 2023: 400 [1]",
        "- Meters: Net sales — Three Months Ended Q1 2023: 90 [2]",
        "- Higher: Scales, 400 [1]",
    ]
    b = rag.ask("What's the difference?", history=history)
    assert b.answer.splitlines()[-1].startswith("- Change: from 400 to 90, -310")
    # one question before: nothing to set beside it, and it is no comparison of two answers
    c = rag.ask("Which was bigger?", history=history[:1])
    assert c.form != "comparison"


def test_it_standing_for_the_company_asked_before_is_that_company(tmp_path, embedder):
    """ "What did it report for Q1 2023 net sales?" after a question about Bell names its own
    period and figure, so it stood alone, was asked of no company, and the other company's
    report, which says "report" and "net sales" more, answered it."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "2023 Q1 BELL.txt").write_text(
        "Bell Instruments quarterly report for Q1 2023.\n\n"
        "Bell expects net sales to grow next quarter.\n\n"
        "Total net sales — Three Months Ended Q1 2023: 400\n",
        encoding="utf-8",
    )
    (docs / "2023 Q1 BIRCH.txt").write_text(
        "Birch Foods quarterly report for Q1 2023.\n\n"
        "We report net sales for each quarter. Our report of net sales for Q1 2023 follows.\n\n"
        "Total net sales — Three Months Ended Q1 2023: 95\n",
        encoding="utf-8",
    )
    from rag.answer.reading import ReaderGenerator
    from tests.conftest import build_rag

    rag = build_rag(docs, tmp_path, embedder, ReaderGenerator("shipped"))
    history = ["What does Bell expect for its net sales?"]
    a = rag.ask("What did it report for Q1 2023 net sales?", history=history)
    assert a.question == "What did Bell report for Q1 2023 net sales?"
    assert not a.abstained, a.why
    assert {c.doc for c in a.citations} == {"2023 Q1 BELL.txt"}
    assert a.short_answer.text == "400"


def test_how_the_figure_asked_before_moved_is_asked_of_that_figure_and_period(tmp_path, embedder):
    """ "How did it change?" after "What were Bell's total net sales in Q3 2023?" read the
    quarter's row again: it asks how that figure moved in that quarter, against the same
    quarter a year before."""
    from rag.answer.reading import ReaderGenerator
    from tests.conftest import build_rag

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "2023 Q3 BELL.txt").write_text(
        "Bell Instruments quarterly report.\n\nTotal net sales — Three Months Ended July 1, "
        "2023: 9,900; Three Months Ended June 25, 2022: 9,000\n",
        encoding="utf-8",
    )
    rag = build_rag(docs, tmp_path, embedder, ReaderGenerator("shipped"))
    history = ["What were Bell's total net sales in Q3 2023?"]
    for q, asked in (
        ("How did they change?", "How did Bell's total net sales change in Q3 2023?"),
        ("Did they increase?", "Did Bell's total net sales increase in Q3 2023?"),
    ):
        a = rag.ask(q, history=history)
        assert a.question == asked
        assert a.answer.splitlines()[-1] == (
            "- Change: from 9,000 to 9,900, +900 (+10.0%), computed from [1] and [2]"
        ), a.answer


def test_a_question_naming_nothing_after_a_report_is_asked_of_that_report(tmp_path, embedder):
    """ "What were the main risks?" after "Summarize Bell's Q1 2023 10-Q." had been asked of
    every report and answered from Birch's; "How much did it spend on research?" too."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, company, risk, spent in (
        ("2023 Q1 BELL.txt", "Bell Instruments", "supply of glass", "400"),
        ("2023 Q1 BIRCH.txt", "Birch Foods", "main risks of drought and main risks of frost", "95"),
    ):
        (docs / name).write_text(
            f"{company} quarterly report for Q1 2023.\n\nRisk Factors\n\nThe main risks we face "
            f"are the {risk}.\n\nResearch and development — Three Months Ended March 31, 2023: "
            f"{spent}\n",
            encoding="utf-8",
        )
    from rag.answer.reading import ReaderGenerator
    from tests.conftest import build_rag

    rag = build_rag(docs, tmp_path, embedder, ReaderGenerator("shipped"))
    history = ["Summarize Bell's Q1 2023 10-Q."]
    a = rag.ask("What were the main risks?", history=history)
    assert a.question == "What were the main risks in Bell's Q1 2023 10-Q?"
    assert {c.doc for c in a.citations} == {"2023 Q1 BELL.txt"}, a.answer
    b = rag.ask("How much did it spend on research and development?", history=history)
    assert b.question == "How much did Bell spend on research and development in Q1 2023?"
    assert b.short_answer.text == "400"
