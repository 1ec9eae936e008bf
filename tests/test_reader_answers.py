"""The shipped reader, through the whole pipeline, on the seeds and on a small uploaded text."""

import pytest

from rag import RAG, ReaderGenerator, Settings
from rag.answer.reader import SHIPPED_READER
from rag.text import display_text

from .conftest import EXPO, SEEDS, add_files

UMBRELLA = "003_f63e59bf8519bc95.txt"
FESTIVAL = (
    "The Amur Lantern Festival\n\n"
    "The Amur Lantern Festival is held every February on the river bank in Heihe. "
    "It was founded in 1994 by the painter Li Wenhua, who carved the first ice lanterns himself. "
    "Today about forty thousand visitors come each year.\n\n"
    "A bronze bell stands at the centre of the festival grounds. "
    "The bell weighs 12 tonnes and was cast in Harbin in 2001. "
    "Visitors ring it at midnight on the last day."
)
# Markup a plain-text file may carry; the reader reads past it, the citations quote it verbatim.
MARKED_UP = (
    "# **The Amur Lantern Festival**\n\n"
    "## *History*\n\n"
    "The festival was founded in **1994** by the painter <b>Li Wenhua</b>.<sup>1</sup> "
    "Its bronze bell weighs *12 tonnes* and was cast in <i>Harbin</i>.<sup>2</sup>\n\n"
    "<sup>1</sup>Source: the Heihe town records.\n"
)
# Front matter: who wrote it, to whom, where the author works. The reader answered none of
# these before it was also trained on made-up document heads (rag/training/doc_heads.py).
MEMO = (
    "MEMORANDUM\n\n"
    "To: Heihe Ferry Board\n\n"
    "From: Olga Sidorova, Chief Engineer\n\n"
    "Date: 3 October 2022\n\n"
    "Subject: Ice crossing schedule\n\n"
    "The ice road to Blagoveshchensk opens when the ice is 60 centimetres thick. "
    "Trucks must keep 50 metres apart on the ice."
)
PAPER = (
    "# *Timber Exports Through Suifenhe*\n\n"
    "ZHAO, Mingyu\n\n"
    "Associate Professor, School of Economics, Jilin University\n\n"
    "## **Summary**\n\n"
    "Timber exports through Suifenhe fell by a third between 2015 and 2020. "
    "Sawmills moved north to be closer to the forests."
)


def reader_rag(docs, base, embedder) -> RAG:
    settings = Settings(
        documents_dir=docs, index_dir=base / "index", cache_dir=base / "cache", generator="reader"
    )
    rag = RAG(settings, embedder=embedder)
    rag.refresh()
    return rag


@pytest.fixture(scope="module")
def seeds_reader(tmp_path_factory, embedder) -> RAG:
    return reader_rag(SEEDS, tmp_path_factory.mktemp("reader"), embedder)


@pytest.fixture(scope="module")
def festival_reader(tmp_path_factory, embedder) -> RAG:
    base = tmp_path_factory.mktemp("festival")
    (base / "docs").mkdir()
    rag = reader_rag(base / "docs", base, embedder)
    stored, rejected, report = add_files(rag, [("festival.txt", FESTIVAL.encode())])
    assert not rejected and report.added == ["festival.txt"]
    return rag


@pytest.fixture(scope="module")
def marked_up_reader(tmp_path_factory, embedder) -> RAG:
    base = tmp_path_factory.mktemp("markup")
    (base / "docs").mkdir()
    rag = reader_rag(base / "docs", base, embedder)
    add_files(rag, [("notes.txt", MARKED_UP.encode())])
    return rag


@pytest.fixture(scope="module")
def front_matter_reader(tmp_path_factory, embedder) -> RAG:
    base = tmp_path_factory.mktemp("front")
    (base / "docs").mkdir()
    rag = reader_rag(base / "docs", base, embedder)
    add_files(rag, [("memo.txt", MEMO.encode()), ("timber.txt", PAPER.encode())])
    return rag


def check(rag: RAG, answer, docs_dir=SEEDS):
    """Short answer and citation quote the document exactly; the answer holds both."""
    d = answer.to_dict()
    short = d["short_answer"]
    text = (docs_dir / short["doc"]).read_text(encoding="utf-8")
    assert text[short["start"] : short["end"]] == short["text"]
    [c] = answer.citations
    assert text[c.start : c.end] == c.quote
    assert c.start <= short["start"] < short["end"] <= c.end  # the short answer is in its sentence
    # what a user reads has its markup rendered; the citation quotes the stored text
    assert answer.answer.endswith(f"{display_text(c.quote)} [1]")
    # the short answer leads unless it is most of its sentence (then the sentence alone says it)
    assert display_text(short["text"]) in answer.answer
    for shown in (answer.answer, d["citations"][0]["display"]):
        assert not any(m in shown for m in ("<sup>", "**", "# ", "---"))
    return short["text"], c


def test_the_shipped_reader_is_what_auto_loads(tmp_path, embedder):
    assert (SHIPPED_READER / "model.safetensors").stat().st_size < 100 * 1024 * 1024
    assert (SHIPPED_READER / "verifier.json").exists() and (SHIPPED_READER / "NOTICE.md").exists()
    rag = RAG(Settings(documents_dir=SEEDS, index_dir=tmp_path / "i", cache_dir=tmp_path), embedder)
    assert rag._generator is None  # construction loads no generator
    assert isinstance(rag.generator, ReaderGenerator) and rag.generator.name == "reader"


# The reader picks 1246 in "1246 enterprises ... of China ..., as well as 137 enterprises from
# various regions of Russia"; span choice then takes the count whose own words hold "Russia".
@pytest.mark.parametrize(
    "question,history",
    [
        ("How many Russian enterprises took part in the 6th Sino-Russian EXPO?", None),
        ("How many Russian enterprises were represented at the EXPO?", None),
        (
            "And how many Russian ones?",
            ["How many Chinese enterprises took part in the 6th Sino-Russian EXPO?"],
        ),
    ],
)
def test_russian_enterprises_is_137_with_its_sentence(seeds_reader, question, history):
    answer = seeds_reader.ask(question, history)
    assert not answer.abstained and answer.generator == "reader"
    short, c = check(seeds_reader, answer)
    assert short == "137" and c.doc == EXPO and "137 enterprises" in c.quote


def test_chinese_enterprises_stay_1246(seeds_reader):
    answer = seeds_reader.ask(
        "How many Chinese enterprises took part in the 6th Sino-Russian EXPO?"
    )
    short, c = check(seeds_reader, answer)
    assert short == "1246" and c.doc == EXPO


def test_trade_growth_is_not_merged_with_the_2018_question(seeds_reader):
    """Issue 25: joined with the 2018 question (its best cosine alone, 0.273, was under the
    old 0.30) and refused with "The documents never mention 2018."; alone it answers."""
    question = "By how much did trade turnover grow in the first quarter?"
    answer = seeds_reader.ask(question, ["What was the volume of China-Russia trade in 2018?"])
    assert answer.query == question
    assert not answer.abstained and "2018" not in answer.why
    short, c = check(seeds_reader, answer)
    assert "38.7" in short and "increasing by 38.7%" in c.quote


def test_a_question_naming_its_subject_is_not_merged(seeds_reader):
    question = "Where is the EXPO held?"
    answer = seeds_reader.ask(
        question, ["How many more Chinese than Russian enterprises were at the EXPO?"]
    )
    assert answer.query == question and answer.to_dict()["query"] == question
    assert "1246" not in answer.answer  # was: the enterprises sentence of the previous question


def test_a_refusal_names_only_the_users_own_numbers(seeds_reader):
    """Joined with "... trade in 2010?", a follow-up used to be refused with "The documents
    never mention 2010." although the user did not ask about 2010 in it."""
    answer = seeds_reader.ask(
        "And what about Chinese exports?", ["What was the value of China-Russia trade in 2010?"]
    )
    assert answer.query.endswith("in 2010?")  # joined: it opens like a follow-up
    assert "2010" not in answer.why


def test_expo_is_in_harbin_with_the_right_citation(seeds_reader):
    answer = seeds_reader.ask("Where was the 6th Sino-Russian EXPO held?")
    short, c = check(seeds_reader, answer)
    assert "Harbin" in short and c.doc == EXPO and "takes place" in c.quote


def test_population_of_khabarovsk_is_refused_in_plain_words(seeds_reader):
    answer = seeds_reader.ask("What is the population of Khabarovsk?")
    assert answer.abstained and not answer.citations and answer.short_answer is None
    assert answer.reason == "not_confident" and "score" not in answer.why
    assert answer.related and answer.to_dict()["short_answer"] is None


def test_a_name_no_document_holds_is_the_reason_given(seeds_reader):
    """Issue 25: "Who is the CEO of Snowflake?" was refused as "touch on it, but none of them
    states the answer"; the seeds never name Snowflake (nor say "CEO"), and only the proper
    name is reported. Restricted to one document, a name only another holds is missing too."""
    answer = seeds_reader.ask("Who is the CEO of Snowflake?")
    assert answer.abstained and answer.reason == "missing_names"
    assert answer.why == "The documents never mention Snowflake."
    answer = seeds_reader.ask("Who is the governor of Khabarovsk?", documents=[EXPO])
    assert answer.abstained and answer.why == "The documents never mention Khabarovsk."
    # a name the documents hold keeps the reader's own reason
    answer = seeds_reader.ask("What is the population of Khabarovsk?")
    assert answer.reason == "not_confident"


# "this document advocates an 'Umbrella Model'" never names its author: the question is read
# in the document's own voice, in the document whose byline names Guo Li.
def test_guo_li_proposal_is_not_the_byline(seeds_reader):
    answer = seeds_reader.ask("What did Guo Li propose?")
    assert answer.abstained or not answer.citations[0].quote.upper().startswith("GUO")
    assert not answer.abstained
    short, c = check(seeds_reader, answer)
    assert not c.quote.upper().startswith("GUO") and len(c.quote) > 60


def test_the_author_of_the_umbrella_model_paper_is_its_byline(seeds_reader):
    """Issue 25: refused although the reader read "GUO Li" off the byline with a wide margin;
    the verifier looked for the question's words in the byline's line only. A question about
    who wrote a document is judged by the document's opening instead."""
    answer = seeds_reader.ask("Who wrote the paper proposing the Umbrella Model?")
    assert not answer.abstained
    short, c = check(seeds_reader, answer)
    assert short == "GUO Li" and c.doc == UMBRELLA and c.quote.startswith("GUO Li, Deputy")
    # the byline is not taken for other questions about the paper's content
    answer = seeds_reader.ask("What did Guo Li propose?")
    assert answer.abstained or "Heilongjiang" not in answer.short_answer.text


def test_trade_target_for_2024_is_answered(seeds_reader):
    """Reading its passage the reader prefers no answer (margin -9.0: "target" against "goal",
    after a sentence of other dollar figures); the one sentence holding the question's "2024",
    its other words but one and a figure of its own is re-read alone (+9.4, under the sentence
    verifier's bar), and the amount is cut from the clause read on after it."""
    answer = seeds_reader.ask("What is the trade target for 2024?")
    assert not answer.abstained, answer.why
    short, c = check(seeds_reader, answer)
    assert short == "200 billion US dollars" and c.doc == "004_d13358ee2052bdc8.txt"
    # the same words without the year hold no number to find it by: still refused
    assert seeds_reader.ask("What is the trade target?").abstained


def test_a_measure_asked_is_never_answered_with_a_span_stating_none(seeds_reader):
    """ "How long is the bridge over the Amur?" was answered "May" (the month of a forum,
    cited from 004) though no document gives the bridge's length."""
    answer = seeds_reader.ask("How long is the bridge over the Amur?")
    assert answer.abstained and answer.reason == "not_confident"
    assert "may answer it" not in answer.why


MANUAL = (
    "AquaPure 300 Water Purifier - User Manual\n\n"
    "Replacing the Filter\n\n"
    "1. Turn off the water supply and unplug the unit. 2. Open the front cover. "
    "3. Turn the old filter cartridge counterclockwise and pull it out. "
    "4. Insert the new cartridge and turn it clockwise until it clicks. "
    "5. Flush the new filter by running water for 5 minutes before drinking. "
    "The filter should be replaced every 6 months or after 1,500 litres, whichever comes "
    "first.\n\n"
    "Troubleshooting\n\n"
    "E1 means low water pressure: open the inlet valve fully. "
    "E2 means the filter expired: replace the filter cartridge.\n\n"
    "Warranty\n\n"
    "The AquaPure 300 is covered by a two-year limited warranty from the date of purchase. "
    "The warranty does not cover filter cartridges or damage caused by frost.\n"
)


def test_a_measure_asked_is_read_as_the_span_holding_a_figure(tmp_path, embedder):
    """ "How long is the warranty?" over a manual: reading the passage the reader preferred no
    answer, and its warranty sentence alone read "from the date of purchase" (no length, so
    refused). The span read is the best one holding a figure, and the one sentence holding
    the question's words and a figure is re-read alone."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "manual.txt").write_text(MANUAL, encoding="utf-8")
    rag = reader_rag(docs, tmp_path, embedder)
    answer = rag.ask("How long is the warranty?")
    assert not answer.abstained, answer.why
    short, c = check(rag, answer, docs)
    assert "two-year limited warranty" in short and c.quote.startswith(
        "The AquaPure 300 is covered"
    )
    # a question asking no quantity ("How often ...?") is read as before
    assert "6 months" in rag.ask("How often should the filter be replaced?").short_answer.text


def test_the_sentence_re_read_answers_the_trade_target_and_keeps_its_bar(seeds_reader, embedder):
    """`reader_reread_sentences` (opt-in): every passage prefers no answer, the first
    passage's sentences are read alone, and a span so read must pass the sentence verifier
    (verifier-sentence.json, fit on such reads) at its own threshold."""
    rag = RAG(seeds_reader.settings.replace(reader_reread_sentences=True), embedder)
    answer = rag.ask("What is the trade target for 2024?")
    assert not answer.abstained
    short, c = check(rag, answer)
    assert "200 billion" in short and c.doc == "004_d13358ee2052bdc8.txt"
    alone = rag.answerer.sentence_verifier()
    assert alone is not None and answer.confidence >= alone.threshold
    # its sentence read alone offers "19" (the closing day) for the visitors, under the bar
    assert rag.ask("How many visitors attended the 6th EXPO?").abstained


def test_without_a_sentence_verifier_sentences_are_not_re_read(seeds_reader, tmp_path):
    """The re-read is trusted only with its own calibration: a reader folder without
    verifier-sentence.json reads passages whole even with the setting on."""
    folder = tmp_path / "reader"
    folder.mkdir()
    for f in SHIPPED_READER.iterdir():
        if f.name != "verifier-sentence.json":
            (folder / f.name).symlink_to(f)
    settings = seeds_reader.settings.replace(reader_reread_sentences=True, reader_model=str(folder))
    rag = RAG(settings, embedder=seeds_reader.embedder)
    assert rag.answerer.sentence_verifier() is None
    assert rag.ask("What is the trade target for 2024?").abstained


def test_umbrella_model_is_answered(seeds_reader):
    answer = seeds_reader.ask("What is the Umbrella Model?")
    assert not answer.abstained
    short, c = check(seeds_reader, answer)
    assert c.doc == UMBRELLA


@pytest.mark.parametrize(
    "question,expected",
    [
        ("Who founded the festival?", "Li Wenhua"),
        ("How heavy is the bell?", "12 tonnes"),
        ("How much does the bell weigh?", "12 tonnes"),
        ("Where is the Amur Lantern Festival held?", "Heihe"),
    ],
)
def test_uploaded_text_is_answered_from_the_right_sentence(festival_reader, question, expected):
    answer = festival_reader.ask(question)
    assert not answer.abstained, answer.to_dict()
    docs = festival_reader.settings.documents_dir
    short, c = check(festival_reader, answer, docs)
    assert expected in c.quote and expected.split()[0] in short


def test_a_document_that_contradicts_another_is_flagged(tmp_path, embedder):
    import shutil

    shutil.copytree(SEEDS, tmp_path / "docs")
    rag = reader_rag(tmp_path / "docs", tmp_path, embedder)
    add_files(rag, [("claim.txt", b"The 6th Sino-Russian EXPO was held in Moscow in June.")])
    answer = rag.ask("Where was the 6th Sino-Russian EXPO held?")
    assert not answer.abstained
    assert "disagree" in answer.notice and len(answer.citations) == 2
    assert {c.doc for c in answer.citations} == {EXPO, "claim.txt"}


def test_a_sentence_about_something_else_is_not_a_disagreement(tmp_path, embedder):
    """Seen in the browser: "When is the Amur bridge festival held?" was answered, then flagged
    as contradicted by a seed's "...the Amur Region will travel to Heihe at the end of May"."""
    import shutil

    shutil.copytree(SEEDS, tmp_path / "docs")
    rag = reader_rag(tmp_path / "docs", tmp_path, embedder)
    add_files(
        rag,
        [("festival.txt", b"The Amur bridge festival in Blagoveshchensk is held every August 12.")],
    )
    answer = rag.ask("When is the Amur bridge festival held?")
    assert answer.short_answer is not None and answer.short_answer.text == "August 12"
    assert "disagree" not in answer.notice and len(answer.citations) == 1


@pytest.mark.parametrize(
    "question,expected",
    [("Who founded the festival?", "Li Wenhua"), ("Where was the bell cast?", "Harbin")],
)
def test_short_answers_leave_markup_out(marked_up_reader, question, expected):
    # Read with the markup, the reader answered "the painter <b>Li Wenhua" and "<i>Harbin".
    answer = marked_up_reader.ask(question)
    assert not answer.abstained, answer.to_dict()
    short, c = check(marked_up_reader, answer, marked_up_reader.settings.documents_dir)
    assert short == expected and "<" in c.quote
    # the quote carries its own footnote marker, not the one of the sentence before
    assert c.quote.endswith(f".<sup>{1 if expected == 'Li Wenhua' else 2}</sup>")
    assert c.quote.startswith(("The festival", "Its bronze"))


def test_a_refusal_names_the_documents_still_being_indexed(tmp_path, embedder):
    (tmp_path / "docs").mkdir()
    rag = reader_rag(tmp_path / "docs", tmp_path, embedder)
    add_files(rag, [("festival.txt", FESTIVAL.encode())])
    stored, rejected = rag.store_files(
        [("ferry.txt", b"The ferry to Blagoveshchensk runs hourly.")]
    )
    assert stored and not rejected  # on disk, not indexed yet
    answer = rag.ask("How often does the ferry to Blagoveshchensk run?")
    assert answer.abstained
    assert answer.why.endswith(" Not searched yet, still being indexed: ferry.txt.")
    assert rag.arriving_documents() == rag.waiting_documents() == ["ferry.txt"]
    rag.refresh()
    assert rag.arriving_documents() == rag.waiting_documents() == []
    answer = rag.ask("How often does the ferry to Blagoveshchensk run?")
    assert not answer.abstained and answer.citations[0].doc == "ferry.txt"
    # a stored file removed before it was indexed is no longer named
    stored, _ = rag.store_files([("bus.txt", b"The bus to Heihe leaves at noon.")])
    assert rag.arriving_documents() == ["bus.txt"]
    (tmp_path / "docs" / "bus.txt").unlink()
    assert rag.arriving_documents() == []
    # nor is one that fails to load; it is reported as a load error instead
    (tmp_path / "docs" / "broken.pdf").write_bytes(b"not a pdf")
    rag.refresh()
    assert "broken.pdf" in rag.load_errors and rag.arriving_documents() == []


@pytest.mark.parametrize(
    "question,expected,line",
    [
        ("Who wrote the memo about the ice crossing schedule?", "Olga Sidorova", "From: "),
        ("To whom was the memo addressed?", "Heihe Ferry Board", "To: "),
        # two bylines in the collection: the one whose document's head names "timber exports"
        ("Who wrote the paper on timber exports?", "ZHAO, Mingyu", "ZHAO"),
        ("Where does Mingyu Zhao work?", "Jilin University", "Associate Professor"),
        ("How thick must the ice be for the road to open?", "60 centimetres", "The ice road"),
    ],
)
def test_front_matter_is_answered_from_its_line(front_matter_reader, question, expected, line):
    answer = front_matter_reader.ask(question)
    assert not answer.abstained, answer.to_dict()
    short, c = check(front_matter_reader, answer, front_matter_reader.settings.documents_dir)
    assert expected in short and c.quote.startswith(line)


# Two pages of one uploaded text: who runs the company is said, who founded it is not.
NORDVIK = (
    "Nordvik Ferry Lines\n\n"
    "Nordvik Ferry Lines was founded in 1987 and runs four ferries between Bodø and the "
    "Lofoten islands. The crossing takes three hours.\n\n---\n\n## Management\n\n"
    "Amara Okafor has been the chief executive since 2015. Before that she ran the port of "
    "Tromsø."
)


@pytest.fixture(scope="module")
def nordvik_reader(tmp_path_factory, embedder) -> RAG:
    base = tmp_path_factory.mktemp("nordvik")
    (base / "docs").mkdir()
    rag = reader_rag(base / "docs", base, embedder)
    add_files(rag, [("nordvik.txt", NORDVIK.encode()), ("festival.txt", FESTIVAL.encode())])
    return rag


def test_the_ceo_is_answered_within_the_chosen_document(nordvik_reader):
    answer = nordvik_reader.ask("Who is the CEO?", documents=["nordvik.txt"])
    assert not answer.abstained, answer.why
    short, c = check(nordvik_reader, answer, nordvik_reader.settings.documents_dir)
    assert short == "Amara Okafor" and c.doc == "nordvik.txt"


@pytest.mark.parametrize("history", [None, ["When was it founded?"]])
def test_the_founder_is_not_the_ceo_nor_the_year(nordvik_reader, history):
    answer = nordvik_reader.ask("Who founded Nordvik Ferry Lines?", history)
    assert answer.query == "Who founded Nordvik Ferry Lines?"  # names its own subject
    said = answer.short_answer.text if answer.short_answer else ""
    assert "Okafor" not in said and "1987" not in said


def test_a_refusal_shows_first_the_passage_that_may_answer(seeds_reader, embedder):
    """Refused by the verifier (here a bar no answer clears), while the reader prefers its span
    to "no answer": that span's passage is named and shown first, not listed among passages
    that do not answer."""
    strict = RAG(seeds_reader.settings.replace(answer_threshold=0.999), embedder)
    answer = strict.ask("What is the Umbrella Model?")
    assert answer.abstained and answer.reason == "not_confident"
    assert "may answer it" in answer.why and UMBRELLA in answer.why
    assert answer.related[0].chunk.doc == UMBRELLA
    # an unanswerable question whose passages all prefer no answer says the plain reason
    answer = seeds_reader.ask("How many visitors attended the 6th EXPO?")
    assert answer.abstained and "may answer it" not in answer.why


def test_a_short_standalone_question_after_a_comparison_is_not_merged(seeds_reader):
    """Issue 25: "Where is the EXPO held?" after a comparison was merged with it and answered
    with the enterprises sentence. It names its own subject: it is searched alone, and what it
    says (an answer, or a refusal) is about this question only."""
    history = ["How did China-Russia trade change between 2017 and 2018?"]
    answer = seeds_reader.ask("Where is the EXPO held?", history)
    assert answer.query == "Where is the EXPO held?"
    assert "enterprises" not in answer.answer and "2017" not in answer.why
    assert answer.related[0].chunk.doc == EXPO


def test_a_fact_shows_top_k_passages_and_reads_only_the_first(seeds_reader):
    """The sources hold `top_k` passages (where else the documents speak of it); the reader
    reads its `reader_top_k` first, as retrieved."""
    answer = seeds_reader.ask("How many Chinese enterprises took part in the 6th EXPO?")
    s = seeds_reader.settings
    assert not answer.abstained and s.top_k > s.reader_top_k
    shown = [p.chunk.chunk_id for p in answer.passages]
    assert shown == [p.chunk.chunk_id for p in seeds_reader.retriever.run(answer.query, s.top_k)]
    assert {c.chunk_id for c in answer.citations} <= set(shown[: s.reader_top_k])
