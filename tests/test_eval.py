import json

import pytest

from rag import GoldFormatError
from rag.evaluation.runner import (
    GoldSpan,
    compare_summaries,
    contains,
    exact_match,
    first_relevant_rank,
    load_gold,
    run_items,
    score_answer,
    summarize,
    token_f1,
)

from .conftest import EXPO, SEEDS

GOLD_KEYS = {
    "n_questions",
    "generator",
    "embedding_model",
    "retrieval",
    "answer",
    "citations",
    "abstention",
    "latency_s",
}


def row(**kw):
    base = {
        "id": "q1",
        "question": "Where?",
        "answers": ["Harbin"],
        "sources": [{"doc": EXPO, "quote": "in Harbin"}],
        "answerable": True,
    }
    return {**base, **kw}


def write(tmp_path, *rows, raw=None):
    path = tmp_path / "gold.jsonl"
    path.write_text(raw if raw is not None else "".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_answer_metrics_on_known_cases():
    assert token_f1("the cat sat", ["cat sat down"]) == pytest.approx(0.8)
    assert token_f1("Harbin [1]", ["Moscow", "harbin"]) == 1.0
    assert token_f1("", ["Harbin"]) == 0.0
    assert exact_match("The Harbin. [2]", ["harbin"]) == 1.0
    assert exact_match("in Harbin", ["harbin"]) == 0.0
    assert contains("It was held in Harbin, China [1].", ["harbin china"]) == 1.0
    assert contains("It was held in Moscow.", ["Harbin"]) == 0.0
    assert contains("1,246 firms", ["1246"]) == 0.0  # punctuation becomes a space: "1 246"


def test_retrieval_rank_uses_span_overlap_in_the_same_document():
    spans = [GoldSpan("a.txt", 100, 120)]
    passages = [
        {"rank": 1, "doc": "b.txt", "start": 100, "end": 200},  # right span, wrong document
        {"rank": 2, "doc": "a.txt", "start": 0, "end": 100},  # touches but does not overlap
        {"rank": 3, "doc": "a.txt", "start": 110, "end": 300},
    ]
    assert first_relevant_rank(passages, spans) == 3
    assert first_relevant_rank(passages[:2], spans) is None


def _answer(abstained, citations, passages):
    return {
        "abstained": abstained,
        "answer": "Harbin [1]" if not abstained else "no",
        "citations": citations,
        "passages": passages,
    }


def test_summary_on_hand_made_results():
    from rag.evaluation.runner import GoldItem

    span = GoldSpan("a.txt", 10, 20)
    good = {"doc": "a.txt", "start": 15, "end": 30, "quote": "held in Harbin"}
    # not the gold copy, but it quotes q1's key: it counts for q1's key precision only
    bad = {"doc": "a.txt", "start": 50, "end": 60, "quote": "the Harbin fair"}
    p1 = [{"rank": 1, "doc": "a.txt", "start": 0, "end": 40}]
    p2 = [
        {"rank": 1, "doc": "x", "start": 0, "end": 9},
        {"rank": 2, "doc": "a.txt", "start": 0, "end": 40},
    ]
    items = [
        GoldItem("q1", "?", ["Harbin"], [span], True),
        GoldItem("q2", "?", ["Moscow"], [span], True),
        GoldItem("q3", "?", ["Harbin"], [span], True),
        GoldItem("q4", "?", [], [], False),
        GoldItem("q5", "?", [], [], False),
    ]
    answers = [
        _answer(False, [good, bad], p1),
        _answer(False, [bad], p2),
        _answer(True, [], []),
        _answer(True, [], []),
        _answer(False, [good], p1),
    ]
    rows = [
        score_answer(i, a, t)
        for i, a, t in zip(items, answers, [1.0, 2.0, 3.0, 4.0, 5.0], strict=True)
    ]
    s = summarize(rows, "extractive", "m")
    assert s["retrieval"] == {
        "hit_at_1": pytest.approx(1 / 3),
        "hit_at_5": pytest.approx(2 / 3),
        "mrr": pytest.approx((1 + 0.5 + 0) / 3),
    }
    assert s["answer"]["exact_match"] == pytest.approx(1 / 3)  # q1 only; abstained q3 scores 0
    assert s["answer"]["contains"] == pytest.approx(1 / 3)
    assert s["citations"] == {
        "precision": pytest.approx(1 / 3),
        "key_precision": pytest.approx(2 / 3),
        "recall": pytest.approx(1 / 3),
    }
    assert s["abstention"] == {
        "accuracy": pytest.approx(3 / 5),
        "false_abstain_rate": pytest.approx(1 / 3),
        "missed_abstain_rate": pytest.approx(1 / 2),
    }
    assert s["latency_s"] == {"p50": 3.0, "p95": pytest.approx(4.8)}
    assert set(s) == GOLD_KEYS


def test_empty_denominators_are_zero():
    s = summarize([], "g", "m")
    assert s["citations"]["precision"] == 0.0 and s["abstention"]["accuracy"] == 0.0


@pytest.mark.parametrize(
    "bad,message",
    [
        ({k: v for k, v in row().items() if k != "answerable"}, "keys must include"),
        (row(kind=3), "kind must be a non-empty string"),
        (row(form=""), "form must be a non-empty string"),
        (row(answerable="yes"), "answerable must be true or false"),
        (row(answers=[]), "needs answers and sources"),
        (row(answerable=False), "unanswerable row has empty"),
        (row(sources=[{"doc": EXPO, "quote": "in Moscow"}]), "quote not found"),
        (row(sources=[{"doc": "nope.txt", "quote": "x"}]), "'nope.txt' not found"),
        (row(answers="Harbin"), "answers must be a list"),
    ],
)
def test_schema_errors_name_the_row(tmp_path, bad, message):
    path = write(tmp_path, row(id="q0"), {**bad, "id": "q7"})
    with pytest.raises(GoldFormatError, match=message) as err:
        load_gold(path, SEEDS)
    assert "line 2" in str(err.value)


def test_extra_keys_are_kept_and_break_the_summary_down(tmp_path):
    from rag.evaluation.runner import GoldItem

    [item] = load_gold(write(tmp_path, row(kind="single-chunk", note={"by": "hand"})), SEEDS)
    assert item.extra == {"kind": "single-chunk", "note": {"by": "hand"}}
    span = GoldSpan("a.txt", 10, 20)
    p1 = [{"rank": 1, "doc": "a.txt", "start": 0, "end": 40}]
    p3 = [{"rank": 3, "doc": "a.txt", "start": 0, "end": 40}]
    good = {"doc": "a.txt", "start": 15, "end": 30}
    cases = [
        (
            GoldItem("q1", "?", ["Harbin"], [span], True, {"kind": "table"}),
            _answer(False, [good], p1),
        ),
        (GoldItem("q2", "?", ["Harbin"], [span], True, {"kind": "table"}), _answer(True, [], p3)),
        (GoldItem("q3", "?", ["Moscow"], [span], True, {"kind": "text"}), _answer(False, [], p3)),
        (GoldItem("q4", "?", [], [], False, {"kind": "text"}), _answer(False, [], [])),
        (GoldItem("q5", "?", [], [], False), _answer(True, [], [])),  # no kind: overall only
    ]
    rows = [score_answer(i, a, 1.0) for i, a in cases]
    assert [r.get("kind") for r in rows] == ["table", "table", "text", "text", None]
    s = summarize(rows, "extractive", "m")
    assert s["n_questions"] == 5 and set(s["by"]) == {"kind"}
    table, text = s["by"]["kind"]["table"], s["by"]["kind"]["text"]
    assert set(s["by"]["kind"]) == {"table", "text"} and "by" not in table
    assert (table["n_questions"], text["n_questions"]) == (2, 2)
    assert table["retrieval"]["hit_at_1"] == 0.5 and table["retrieval"]["hit_at_5"] == 1.0
    assert table["answer"]["contains"] == 0.5 and table["abstention"]["false_abstain_rate"] == 0.5
    assert text["retrieval"]["hit_at_1"] == 0.0 and text["answer"]["contains"] == 0.0
    assert text["abstention"]["missed_abstain_rate"] == 1.0
    assert s["abstention"]["missed_abstain_rate"] == 0.5  # q4 answered, q5 abstained
    assert "by" not in summarize([r for r in rows if "kind" not in r], "extractive", "m")


def test_bad_json_and_duplicate_ids_name_the_line(tmp_path):
    with pytest.raises(GoldFormatError, match="line 2: not valid JSON"):
        load_gold(write(tmp_path, raw=json.dumps(row()) + "\n{oops\n"), SEEDS)
    with pytest.raises(GoldFormatError, match=r"line 2 \(id q1\): duplicate id"):
        load_gold(write(tmp_path, row(), row()), SEEDS)


def test_quotes_resolve_to_spans(tmp_path):
    [item] = load_gold(write(tmp_path, row()), SEEDS)
    text = (SEEDS / EXPO).read_text(encoding="utf-8")
    [span] = item.spans
    assert text[span.start : span.end] == "in Harbin"


def test_project_gold_set_is_valid_and_covers_the_spec():
    items = load_gold(SEEDS.parent / "eval" / "gold.jsonl", SEEDS)
    assert len(items) >= 40
    assert sum(not i.answerable for i in items) >= 6
    assert {s.doc for i in items for s in i.spans} == {p.name for p in SEEDS.glob("*.txt")}
    assert sum(len({s.doc for s in i.spans}) == 2 for i in items) >= 2


def test_end_to_end_run_writes_every_output(tmp_path, seeds_rag):
    gold = write(
        tmp_path,
        row(id="a1", question="Where was the 6th Sino-Russian EXPO held?", kind="fact"),
        row(
            id="a2",
            question="How many Russian enterprises were at the 6th EXPO?",
            answers=["137"],
            sources=[{"doc": EXPO, "quote": "137 enterprises"}],
            kind="fact",
        ),
        row(
            id="u1",
            question="What is the population of Khabarovsk?",
            answers=[],
            sources=[],
            answerable=False,
            kind="none",
        ),
    )
    out = tmp_path / "out"
    summary = run_items(
        seeds_rag, load_gold(gold, seeds_rag.settings.documents_dir), out, progress=False
    )
    assert set(json.loads((out / "summary.json").read_text())) == GOLD_KEYS | {"by", "cpu_s"}
    assert 0 < summary["cpu_s"]["p50"] <= summary["cpu_s"]["p95"]
    assert {k: v["n_questions"] for k, v in summary["by"]["kind"].items()} == {"fact": 2, "none": 1}
    assert summary["n_questions"] == 3 and summary["generator"] == "extractive"
    assert summary["retrieval"]["hit_at_1"] == 1.0
    assert summary["answer"]["contains"] == 1.0
    lines = [json.loads(x) for x in (out / "results.jsonl").read_text().splitlines()]
    assert [x["id"] for x in lines] == ["a1", "a2", "u1"]
    assert [x["kind"] for x in lines] == ["fact", "fact", "none"]
    assert lines[0]["passages"][0]["rank"] == 1 and "score" in lines[0]["passages"][0]
    report = (out / "report.md").read_text()
    assert "| retrieval | hit_at_1 |" in report
    assert "## By kind" in report and "| n_questions | 2 | 1 |" in report
    assert (out / "per_question.png").stat().st_size > 1000
    text = compare_summaries(summary, {**summary, "answer": {**summary["answer"], "contains": 0.5}})
    assert "answer.contains" in text and "-0.500" in text


def test_report_leaves_correct_refusals_out_of_the_worst_and_plots_short_f1(tmp_path):
    """Issue 25: the worst questions listed a correct refusal; the plot drew whole-answer F1
    and promised grey bars that never appeared."""
    from rag.evaluation.report import (
        ANSWERED,
        ANSWERED_WRONGLY,
        REFUSED_RIGHTLY,
        per_question_bars,
        write_report,
    )

    def d(i, answerable, abstained, short_f1, f1):
        return {
            "id": i,
            "question": f"question {i}?",
            "answer": "" if abstained else f"answer {i}",
            "answerable": answerable,
            "abstained": abstained,
            "short_f1": short_f1,
            "f1": f1,
            "rank": 1 if answerable else None,
            "latency_s": 0.1,
        }

    details = [
        d("good", True, False, 1.0, 0.3),  # right short answer in a long sentence
        d("half", True, False, 0.5, 0.9),
        d("refused", True, True, 0.0, 0.0),
        d("no_ok", False, True, 0.0, 0.0),
        d("no_bad", False, False, 0.0, 0.0),
    ]
    summary = {"n_questions": 5, "generator": "reader", "embedding_model": "m"}
    write_report(summary, details, tmp_path)
    report = (tmp_path / "report.md").read_text()
    worst = report.split("## Worst questions")[1]
    rows = [line.split(" | ")[0].strip("| ") for line in worst.splitlines() if line[:2] == "| "]
    assert rows[1:] == ["refused", "no_bad", "half"]  # after the header
    assert "| half | question half? | True | False | 0.50 |" in worst  # short F1, not 0.90
    assert per_question_bars(details) == [
        ("good", 1.0, ANSWERED),
        ("half", 0.5, ANSWERED),
        ("refused", 0.0, ANSWERED),
        ("no_ok", 1.0, REFUSED_RIGHTLY),
        ("no_bad", 1.0, ANSWERED_WRONGLY),
    ]
    assert (tmp_path / "per_question.png").stat().st_size > 1000
