"""The reader's building blocks, training (smoke), the verifier and SQuAD collections."""

import json
from dataclasses import replace

import numpy as np
import pytest

from rag.answer.abstain import (
    FEATURES,
    VERIFIER_FEATURES,
    choose_threshold,
    fit_logistic,
    fit_verifier,
    reason,
)
from rag.answer.reader import Reader, best_span, encode
from rag.answer.spans import choose_span
from rag.errors import ConfigError
from rag.store.embed import resolve_embedding_model
from rag.training.doc_heads import doc_head_questions
from rag.training.squad import FOLDS, Question, build_collection, load_squad, select, split_articles
from rag.training.tallies import tally_questions
from rag.training.train_reader import (
    TrainConfig,
    featurize,
    fit_answerability,
    other_paragraph_negatives,
    swap_unanswerable,
    train,
)

CONTEXT = (
    "The Black Death reached Sicily in October 1347, carried by twelve Genoese galleys. "
    "From Italy the disease spread northwest across Europe."
)


def tiny_squad(path, articles=4):
    """A SQuAD 2.0 file with a few articles, answerable and unanswerable questions."""
    data = []
    for i in range(articles):
        ctx = f"Article {i}. " + CONTEXT
        at = ctx.index("October 1347")
        data.append(
            {
                "title": f"Article_{i}",
                "paragraphs": [
                    {
                        "context": ctx,
                        "qas": [
                            {
                                "id": f"{i}a",
                                "question": "When did the Black Death reach Sicily?",
                                "answers": [{"text": "October 1347", "answer_start": at}],
                                "is_impossible": False,
                            },
                            {
                                "id": f"{i}b",
                                "question": "When did the Black Death reach Norway?",
                                "answers": [],
                                "is_impossible": True,
                            },
                        ],
                    }
                ],
            }
        )
    path.write_text(json.dumps({"version": "v2.0", "data": data}))
    return path


@pytest.fixture(scope="module")
def tokenizer():
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(resolve_embedding_model("all-MiniLM-L6-v2"))


def brute_force_span(start, end, mask, max_len):
    best = (0, 0, -np.inf)
    for i in range(len(start)):
        for j in range(i, min(len(start), i + max_len)):
            if mask[i] and mask[j] and start[i] + end[j] > best[2]:
                best = (i, j, start[i] + end[j])
    return best


def test_best_span_matches_a_brute_force_search():
    rng = np.random.default_rng(0)
    for _ in range(50):
        n = int(rng.integers(5, 40))
        start, end = rng.normal(size=n), rng.normal(size=n)
        mask = rng.random(n) > 0.3
        mask[0] = False
        if not mask.any():
            continue
        i, j, score, null = best_span(start, end, mask, max_answer_tokens=7)
        bi, bj, bscore = brute_force_span(start, end, mask, 7)
        assert (i, j) == (bi, bj) and score == pytest.approx(bscore)
        assert null == pytest.approx(start[0] + end[0])


def test_spans_stay_inside_one_sentence_when_sentences_are_given():
    rng = np.random.default_rng(3)
    for _ in range(30):
        n = 30
        start, end = rng.normal(size=n), rng.normal(size=n)
        mask = np.ones(n, dtype=bool)
        mask[0] = False
        segments = np.repeat(np.arange(6), 5)
        i, j, score, _ = best_span(start, end, mask, 30, segments)
        assert segments[i] == segments[j]
        best = max(
            start[a] + end[b]
            for a in range(1, n)
            for b in range(a, n)
            if segments[a] == segments[b]
        )
        assert score == pytest.approx(best)


def test_windows_cover_a_long_context_and_offsets_point_into_it(tokenizer):
    context = " ".join(f"Sentence {i} names the city of Harbin." for i in range(120))
    enc = encode(tokenizer, ["Which city?"], [context], max_tokens=128, stride=32)
    assert len(enc["input_ids"]) > 5 and all(len(x) <= 128 for x in enc["input_ids"])
    covered = set()
    for w in range(len(enc["input_ids"])):
        seq = enc.sequence_ids(w)
        for t, (a, b) in enumerate(enc["offset_mapping"][w]):
            if seq[t] == 1:
                piece = tokenizer.convert_ids_to_tokens(enc["input_ids"][w][t]).removeprefix("##")
                assert context[a:b].lower() == piece
                covered.add(a)
    assert min(covered) == 0 and max(covered) == len(context) - 1  # the final "."


def test_the_reader_reads_past_markup_at_the_same_offsets(tokenizer):
    context = "## **Summary**\nTrade grew<sup>1</sup> by 3 * 4 per cent in <i>Harbin</i>."
    enc = encode(tokenizer, ["Where?"], [context], max_tokens=128, stride=32)
    seq, pieces = enc.sequence_ids(0), []
    for t, (a, b) in enumerate(enc["offset_mapping"][0]):
        if seq[t] == 1:
            piece = tokenizer.convert_ids_to_tokens(enc["input_ids"][0][t]).removeprefix("##")
            assert context[a:b].lower() == piece
            pieces.append(piece)
    assert pieces == [
        "summary", "trade", "grew", "1", "by", "3", "*", "4", "per", "cent", "in", "ha", "rbin", ".",
    ]  # fmt: skip


def test_training_windows_label_the_answer_tokens(tokenizer, tmp_path):
    arts = load_squad(tiny_squad(tmp_path / "s.json", 1))
    windows, stats = featurize(
        tokenizer, arts["Article_0"], TrainConfig(), __import__("random").Random(0)
    )
    assert stats == {
        "questions": 2,
        "answer_windows": 1,
        "empty_windows_kept": 0,  # at most 0.6 x 1 answer window
        "empty_windows_dropped": 1,
    }
    ids, _, s, e = windows[0]
    assert tokenizer.decode(ids[s : e + 1]) == "october 1347"


def test_swapped_questions_name_what_their_paragraph_lacks():
    other = "Norway was spared until 1349, when a ship from England arrived in Bergen."
    qs = [
        Question("a", "Plague", "When did the Black Death reach Sicily?", CONTEXT, [("x", 0)]),
        Question("b", "Plague", "Where did the disease spread?", CONTEXT, [("y", 0)]),
        Question("c", "Plague", "Who was spared until 1349?", other, [("Norway", 0)]),
        Question("d", "Plague", "When did it reach Iceland?", CONTEXT, []),
    ]
    made = swap_unanswerable(qs, 1.0, __import__("random").Random(0))
    assert sorted(q.id for q in made) == ["a-swap", "b-swap", "c-swap"]  # answerable ones only
    source = {q.id: q for q in qs}
    for q in made:
        old = source[q.id.removesuffix("-swap")]
        assert not q.answerable and q.context == old.context
        before, after = old.question.rstrip("?").split(), q.question.rstrip("?").split()
        changed = [(x, y) for x, y in zip(before, after, strict=True) if x != y]
        assert len(changed) == 1  # one word swapped
        was, now = changed[0]
        assert was in old.context and now not in old.context
        assert was[0].isupper() == now[0].isupper() and was[0].isdigit() == now[0].isdigit()
    by_id = {q.id: q for q in made}
    # Names and numbers go first; a plain word only when the question has neither.
    assert by_id["a-swap"].question.split()[3] in {"Norway", "England", "Bergen"}
    assert "until" in by_id["b-swap"].question  # the other paragraph's only plain word
    assert "1349" not in by_id["c-swap"].question


def test_other_paragraph_negatives_are_the_most_similar_paragraph_without_the_answer(embedder):
    norway = "The Black Death reached Norway in 1349, when a ship from England arrived in Bergen."
    bergen = "Bergen is a port city on the west coast of Norway, founded around 1070."
    sicily = "Sicily was struck in October 1347; the Black Death came with Genoese galleys."
    qs = [
        Question("a", "Plague", "When did the Black Death reach Sicily?", CONTEXT, [("Oct", 0)]),
        Question("b", "Plague", "What was founded around 1070?", norway, []),
        Question("x", "Plague", "Which coast is Bergen on?", bergen, [("west coast", 0)]),
        Question("c", "Other", "What is the capital?", "Rome is the capital.", []),
    ]
    rng = __import__("random").Random(0)
    made = {q.id: q for q in other_paragraph_negatives(qs, 1.0, rng, embedder.embed)}
    assert sorted(made) == ["a-other", "b-other", "x-other"]  # "Other" has one paragraph
    assert not any(q.answerable for q in made.values())
    assert made["a-other"].context == norway and made["a-other"].question == qs[0].question
    assert made["b-other"].context == bergen
    assert made["x-other"].context == norway
    # A paragraph that holds the answer is never a negative, however similar.
    qs[0] = Question("a", "Plague", qs[0].question, CONTEXT, [("October 1347", 0)])
    qs.append(Question("s", "Plague", "Which galleys?", sicily, [("Genoese", 0)]))
    made = {q.id: q for q in other_paragraph_negatives(qs, 1.0, rng, embedder.embed)}
    assert made["a-other"].context == norway


def test_training_continues_from_a_trained_reader_with_added_negatives(tmp_path):
    squad = tiny_squad(tmp_path / "s.json", 8)
    data = json.loads(squad.read_text())
    for art in data["data"]:  # a second paragraph gives the swaps words to draw on
        para = "Norway was spared until 1349, when a ship from England arrived."
        qa = {"id": art["title"] + "n", "question": "Who was spared until 1349?"}
        qa.update(answers=[{"text": "Norway", "answer_start": 0}], is_impossible=False)
        art["paragraphs"].append({"context": para, "qas": [qa]})
    squad.write_text(json.dumps(data))
    cfg = TrainConfig(batch_size=2, max_steps=1, dev_articles=1, test_articles=1)
    train(squad, tmp_path / "first", cfg, progress=False)
    second = TrainConfig(**{**cfg.__dict__, "init_from": str(tmp_path / "first" / "model")})
    added = {"swap_negatives": 1.0, "other_negatives": 1.0, "doc_heads": 3, "tallies": 2}
    second = TrainConfig(**{**second.__dict__, **added})
    summary = train(squad, tmp_path / "second", second, progress=False)
    assert summary["data"]["swapped_question_windows"] == 12  # one per answerable question
    assert summary["data"]["other_paragraph_windows"] == 18  # one per question, 6 articles
    arts = load_squad(squad)
    prose = sorted({q.context for t in summary["split"]["train"] for q in arts[t]})
    heads = doc_head_questions(prose, 3, second.seed + 3)
    tallies = tally_questions(prose, 2, second.seed + 4)
    assert summary["data"]["questions"] == 18 + 12 + 18 + len(heads) + len(tallies)
    assert summary["config"]["init_from"].endswith("first/model")
    from rag.errors import ConfigError

    with pytest.raises(ConfigError, match="'nowhere': not a trained reader folder"):
        TrainConfig(init_from="nowhere")
    with pytest.raises(ConfigError, match="swap_negatives=2.0"):
        TrainConfig(swap_negatives=2.0)
    with pytest.raises(ConfigError, match="other_negatives=-1"):
        TrainConfig(other_negatives=-1)
    with pytest.raises(ConfigError, match="doc_heads=-2"):
        TrainConfig(doc_heads=-2)


def test_split_is_by_article_and_keeps_unanswerable_articles_for_dev_and_test(tmp_path):
    arts = load_squad(tiny_squad(tmp_path / "s.json", 8))
    parts = split_articles(arts, dev=2, test=3)
    assert [len(parts[k]) for k in ("train", "dev", "test")] == [3, 2, 3]
    assert set(parts["train"]) | set(parts["dev"]) | set(parts["test"]) == set(arts)
    assert split_articles(arts, dev=2, test=3) == parts  # deterministic
    assert select(arts, "dev") == split_articles(arts)["dev"]
    # the folds deal out the training articles, each once
    folds = [parts[f"fold{k}"] for k in range(FOLDS)]
    assert sorted(t for f in folds for t in f) == parts["train"]
    assert [len(f) for f in folds] == [1, 1, 1]
    assert select(arts, "fold1") == split_articles(arts)["fold1"]


def test_a_reader_can_leave_one_fold_of_articles_out(tmp_path):
    squad = tiny_squad(tmp_path / "s.json", 8)
    cfg = TrainConfig(batch_size=2, max_steps=1, dev_articles=1, test_articles=1)
    full = train(squad, tmp_path / "all", cfg, progress=False)
    part = train(squad, tmp_path / "fold1", replace(cfg, leave_out_fold=1), progress=False)
    left_out = full["split"]["fold1"]
    assert left_out and part["split"]["fold1"] == left_out
    assert part["split"]["train"] == [t for t in full["split"]["train"] if t not in left_out]
    assert part["data"]["questions"] == full["data"]["questions"] - 2 * len(left_out)
    record = json.loads((tmp_path / "fold1" / "model" / "training.json").read_text())
    assert record["split"]["train"] == part["split"]["train"]  # what fit-answerability reads
    with pytest.raises(ConfigError, match=f"leave_out_fold={FOLDS}: give a fold from 0"):
        TrainConfig(leave_out_fold=FOLDS)


def test_collection_spans_are_exact(tmp_path):
    arts = load_squad(tiny_squad(tmp_path / "s.json", 2))
    coll = build_collection(arts, sorted(arts))
    for q in coll.questions:
        text = coll.documents[coll.doc_of[q.id]]
        assert [text[a:b] for a, b in coll.spans[q.id]] == [t for t, _ in q.answers]


def test_training_smoke_run_saves_a_loadable_reader_and_resumes(tmp_path):
    squad = tiny_squad(tmp_path / "s.json", 8)
    cfg = TrainConfig(
        batch_size=2, max_steps=2, checkpoint_every=1, dev_articles=1, test_articles=1
    )
    out = tmp_path / "run"
    first = train(squad, out, cfg, progress=False)
    assert first["steps"] == 2 and first["split"]["dev"] and first["curve"]
    assert (out / "checkpoint" / "state.json").exists()
    again = train(squad, out, TrainConfig(**{**cfg.__dict__, "max_steps": 3}), progress=False)
    assert again["steps"] == 3  # resumed from step 2, one more step
    assert json.loads((out / "model" / "training.json").read_text())["steps"] == 3
    reader = Reader(str(out / "model"))
    [span] = reader.read("When did the Black Death reach Sicily?", [CONTEXT])
    assert CONTEXT[span.start : span.end] == span.text and span.text
    assert span.answerable == 0.0  # no answerability head yet

    report = fit_answerability(out / "model", squad, progress=False)
    assert report["train_questions"] == 12 and report["dev_questions"] == 2
    [span] = Reader(str(out / "model")).read("When did the Black Death reach Sicily?", [CONTEXT])
    assert span.answerable != 0.0


def test_logistic_fit_matches_scikit_learn():
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(1)
    x = rng.normal(size=(300, 3))
    y = (x @ [1.5, -2.0, 0.3] + rng.normal(size=300) > 0).astype(float)
    w, b = fit_logistic(x, y, l2=1.0)
    ref = LogisticRegression(C=1.0, tol=1e-10, max_iter=1000).fit(x, y)
    assert np.allclose(w, ref.coef_[0], atol=1e-4) and b == pytest.approx(
        ref.intercept_[0], abs=1e-4
    )


def test_verifier_threshold_respects_the_false_abstention_cap():
    rng = np.random.default_rng(2)
    rows, labels = [], []
    for i in range(200):
        answerable = i % 3 != 0
        rows.append(
            {
                f: float(rng.normal() + (1.0 if answerable and f == "margin" else 0))
                for f in FEATURES
            }
        )
        labels.append(answerable)
    v = fit_verifier(rows, labels, max_false_abstain=0.1)
    probs = np.array([v.probability(r) for r in rows])
    refused = (probs < v.threshold) & np.array(labels)
    assert refused.sum() / sum(labels) <= 0.1
    assert v.features == list(VERIFIER_FEATURES)  # the default inputs, in their order
    assert v.weights[v.features.index("margin")] > 0
    two = ("margin", "null_prob")  # a verifier on fewer signals needs only those
    few = fit_verifier([{f: r[f] for f in two} for r in rows], labels, 0.1, features=two)
    assert few.features == list(two) and len(few.weights) == 2 and few.weights[0] > 0
    assert choose_threshold(np.array([0.9, 0.1]), np.array([1, 0]), 0.0) == 0.5


def test_choose_span_weighs_the_question_words_in_the_sentence():
    from types import SimpleNamespace as S

    q = "When did the plague reach Sicily?"  # content words: plague, reach, sicily
    sentences = ["Genoa traded with Caffa.", "The plague reached Sicily in 1347."]
    # share of the question's words: 0 and 2/3 ("reached" folds to "reache", not "reach")
    assert choose_span(q, [S(margin=2.0), S(margin=0.0)], sentences) == 1  # 2.0 < 0 + 4 * 2/3
    assert choose_span(q, [S(margin=2.7), S(margin=0.0)], sentences) == 0  # 2.7 > 2.667
    assert choose_span(q, [S(margin=-1.0)], ["Anything."]) == 0
    # a question without content words: every sentence shares "all" of them, margin decides
    assert choose_span("What is it?", [S(margin=1.0), S(margin=1.5)], ["a b", "c d"]) == 1


def test_verifier_weights_follow_targets_threshold_follows_answerable():
    rng = np.random.default_rng(3)
    rows, labels, targets = [], [], []
    for i in range(300):
        answerable, right = i % 3 != 0, i % 3 == 1  # a third answerable but cited wrongly
        rows.append({f: float(rng.normal()) for f in FEATURES})
        rows[-1]["margin"] += 1.0 if answerable else 0.0
        rows[-1]["words_in_sentence"] += 1.5 if right else 0.0
        labels.append(answerable)
        targets.append(right)
    plain = fit_verifier(rows, labels, max_false_abstain=0.5)
    v = fit_verifier(rows, labels, max_false_abstain=0.5, targets=targets)
    i = v.features.index("words_in_sentence")
    assert v.weights[i] > plain.weights[i] + 1.0  # words_in_sentence tells right from wrong
    refused = np.array([v.probability(r) < v.threshold for r in rows]) & np.array(labels)
    assert refused.sum() / sum(labels) <= 0.5
    assert fit_verifier(rows, labels, 0.5, targets=None).weights == plain.weights


def test_every_reason_reads_as_plain_words():
    from rag.answer.abstain import REASONS

    for code in REASONS:
        text = reason(code, "2010")
        assert text.endswith(".") and "score" not in text and "{" not in text


def test_fit_verifier_reads_each_fold_with_the_reader_that_left_it_out(tmp_path, capsys):
    from rag.answer.reader import SHIPPED_READER
    from rag.cli import main

    squad = tiny_squad(tmp_path / "s.json", 8)  # 3 dev articles, 2 training ones in folds
    out = tmp_path / "verifier.json"
    argv = ["fit-verifier", "--squad", str(squad), "--work", str(tmp_path / "w")]
    argv += ["--out", str(out), "--fold-reader", f"fold0={SHIPPED_READER}"]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert json.loads(printed[: printed.rindex("}") + 1])["questions"] == 3 * 2 + 1 * 2
    assert json.loads(out.read_text())["fitted_on"] == "s.json:dev+fold0"
    assert (tmp_path / "w" / "fold0" / "corpus").is_dir()  # the fold's own corpus and index
    assert main([*argv[:-1], "dev=somewhere"]) == 2
    assert "--fold-reader 'dev=somewhere': give FOLD=READER" in capsys.readouterr().err
