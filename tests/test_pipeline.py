import json
import os
import subprocess
import sys

import pytest

from rag import BadQuestion, ConfigError, Generator, Settings
from rag.pipeline import ABSTAIN_TEXT

from .conftest import EXPO, ROOT, SEEDS


class Scripted(Generator):
    """A generator that writes a fixed draft: attribution is tested on known text."""

    name = "scripted"

    def __init__(self, draft: str):
        self.draft = draft

    def stream(self, question, passages):
        yield self.draft


def test_retrieval_ranks_the_expo_article_first(seeds_rag):
    passages = seeds_rag.retriever.run("Where was the 6th Sino-Russian EXPO held?")
    assert len(passages) == 5
    assert passages[0].chunk.doc == EXPO
    assert [p.rank for p in passages] == [1, 2, 3, 4, 5]
    assert passages[0].score >= passages[-1].score


def test_answer_cites_the_expo_article_with_harbin(seeds_rag):
    answer = seeds_rag.ask("Where was the 6th Sino-Russian EXPO held?")
    assert not answer.abstained
    first = answer.citations[0]
    assert first.doc == EXPO and "Harbin" in first.quote
    text = (SEEDS / EXPO).read_text(encoding="utf-8")
    assert text[first.start : first.end] == first.quote
    assert first.chunk_id in {p.chunk.chunk_id for p in answer.passages}


def test_supported_sentence_gets_exact_span_and_invented_one_is_dropped(make_rag, tiny_dir):
    rag = make_rag(
        tiny_dir,
        generator=Scripted(
            "Harbin hosted the 6th EXPO [3]. The EXPO was opened by 5000 astronauts from Mars."
        ),
    )
    answer = rag.ask("Which city hosted the EXPO?")
    assert not answer.abstained
    assert answer.answer == "Harbin hosted the 6th EXPO. [1]"  # the model's own [3] is ignored
    [c] = answer.citations
    assert (c.n, c.doc, c.chunk_id, c.start, c.end) == (1, "alpha.txt", "alpha.txt::0", 0, 27)
    assert c.quote == "Harbin hosted the 6th EXPO."
    assert answer.dropped == ["The EXPO was opened by 5000 astronauts from Mars."]


def test_wrong_number_is_not_cited(make_rag, tiny_dir):
    rag = make_rag(
        tiny_dir, generator=Scripted("In 2019, China-Russia trade exceeded $ 100 billion.")
    )
    answer = rag.ask("How large was China-Russia trade in 2018?")
    assert answer.abstained and answer.citations == []
    assert answer.related  # the closest passages are still shown, apart from citations


def test_invented_tail_is_cut_at_a_clause(make_rag, tiny_dir):
    rag = make_rag(
        tiny_dir, generator=Scripted("Harbin hosted the 6th EXPO, from June 15 to 19, 2013.")
    )
    answer = rag.ask("Which city hosted the EXPO?")
    assert answer.answer == "Harbin hosted the 6th EXPO. [1]"
    assert answer.citations[0].quote == "Harbin hosted the 6th EXPO."


def test_unanswerable_question_abstains_with_related_passages(seeds_rag):
    answer = seeds_rag.ask("What is the population of Khabarovsk?")
    assert answer.abstained
    assert answer.answer == ABSTAIN_TEXT
    assert answer.citations == []
    assert answer.related and all(p.chunk.chunk_id for p in answer.related)
    assert answer.to_dict()["abstained"] is True


def test_off_topic_question_abstains(seeds_rag):
    assert seeds_rag.ask("How do I bake sourdough bread at home?").abstained


def test_follow_up_uses_the_previous_question(seeds_rag):
    first = "How many Chinese enterprises were at the 6th EXPO?"
    answer = seeds_rag.ask("And how many Russian ones?", history=[first])
    assert answer.query == f"And how many Russian ones? {first}"
    assert answer.passages[0].chunk.doc == EXPO
    assert any("137" in c.quote for c in answer.citations)


@pytest.mark.parametrize("bad", ["", "   \n\t", "\x00\x07"])
def test_empty_question_is_refused(seeds_rag, bad):
    with pytest.raises(BadQuestion, match="type a question"):
        seeds_rag.ask(bad)


def test_very_long_question_is_shortened_and_says_so(seeds_rag):
    answer = seeds_rag.ask("Where was the 6th Sino-Russian EXPO held? " + "x" * 100_000)
    assert "only the first 2000" in answer.notice
    assert len(answer.question) == 2000


def test_mixed_scripts_and_emoji_are_answered_not_crashed(seeds_rag):
    answer = seeds_rag.ask("哈尔滨 Харбин EXPO 🎉 where was it held?")
    assert isinstance(answer.answer, str) and answer.answer


def test_settings_from_env_and_bad_values_name_the_value(tmp_path):
    s = Settings.from_env({"RAG_TOP_K": "3", "RAG_GENERATOR": "extractive"}, top_k=4)
    assert (s.top_k, s.generator) == (4, "extractive")
    with pytest.raises(ConfigError, match="RAG_TOP_K='many'"):
        Settings.from_env({"RAG_TOP_K": "many"})
    with pytest.raises(ConfigError, match="generator='gpt'"):
        Settings(generator="gpt")
    with pytest.raises(ConfigError, match="chunk_tokens=400"):
        Settings(chunk_tokens=400)


@pytest.mark.slow
def test_cli_ask_json_cites_the_expo_article(tmp_path):
    env = {**os.environ, "RAG_INDEX_DIR": str(tmp_path / "index"), "RAG_CACHE_DIR": str(tmp_path)}
    cmd = [
        sys.executable,
        "-m",
        "rag.cli",
        "ask",
        "Where was the 6th Sino-Russian EXPO held?",
        "--json",
        "--docs",
        str(SEEDS),
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["citations"][0]["doc"] == EXPO
    assert "Harbin" in result["citations"][0]["quote"]
    assert result["generator"]
    bad = subprocess.run(
        [*cmd[:4], "--top-k", "0", "q"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    assert bad.returncode == 2 and "top_k=0" in bad.stderr and "Traceback" not in bad.stderr


@pytest.mark.parametrize("min_lexical,cited", [(0.7, True), (0.8, False)])
def test_support_thresholds_come_from_the_settings(make_rag, tiny_dir, min_lexical, cited):
    # Three of the claim's four content words are in the source ("host" is not "hosted").
    rag = make_rag(
        tiny_dir,
        generator=Scripted("Harbin was the host of the 6th EXPO."),
        min_support_lexical=min_lexical,
    )
    answer = rag.ask("Which city hosted the EXPO?")
    assert bool(answer.citations) is cited
    if cited:
        assert answer.citations[0].quote == "Harbin hosted the 6th EXPO."
