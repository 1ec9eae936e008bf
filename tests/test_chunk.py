from pathlib import Path

import pytest

from rag import ConfigError, chunk_document, load_documents, split_sentences
from rag.ingest.formats import decode_text

from .conftest import SEEDS, TINY


def sentences(text):
    return [text[a:b] for a, b in split_sentences(text)]


def test_hard_sentences_stay_whole():
    text = (
        "The U.S. delegation came. Project No. 11JJDGJW0004 was funded. "
        "In 2018, China-Russia trade exceeded $ 100 billion, setting a new historical record. "
        'Both ratified the "Program of Cooperation (2009-2018)" in September 2009.'
    )
    assert sentences(text) == [
        "The U.S. delegation came.",
        "Project No. 11JJDGJW0004 was funded.",
        "In 2018, China-Russia trade exceeded $ 100 billion, setting a new historical record.",
        'Both ratified the "Program of Cooperation (2009-2018)" in September 2009.',
    ]


def test_a_footnote_marker_stays_with_the_sentence_it_follows():
    text = (
        "Cast in <i>Harbin</i>.<sup>1</sup> Its bell weighs 12 tonnes.<sup>2</sup>\n\n"
        "Trade grew by 38.7%.¹ Exports rose.\n\n<sup>1</sup>Source: the town records."
    )
    assert sentences(text) == [
        "Cast in <i>Harbin</i>.<sup>1</sup>",
        "Its bell weighs 12 tonnes.<sup>2</sup>",
        "Trade grew by 38.7%.¹",
        "Exports rose.",
        "<sup>1</sup>Source: the town records.",  # a footnote's own text keeps its marker
    ]


def test_paragraph_breaks_end_sentences_and_spans_are_exact():
    text = TINY["beta.md"]
    spans = split_sentences(text)
    assert spans == [(0, 7), (9, 60), (61, 96)]
    assert [text[a:b] for a, b in spans] == [
        "# Trade",
        "In 2018, China-Russia trade exceeded $ 100 billion.",
        "Project No. 11JJDGJW0004 funded it.",
    ]


def test_tiny_corpus_chunk_ids_and_spans(embedder):
    text = TINY["alpha.txt"]
    one = chunk_document("alpha.txt", text, embedder.count_tokens, 200, 0)
    assert [(c.chunk_id, c.start, c.end) for c in one] == [("alpha.txt::0", 0, len(text))]
    # A limit that fits one sentence at a time gives one chunk per sentence.
    small = chunk_document("alpha.txt", text, embedder.count_tokens, 10, 0)
    assert [(c.chunk_id, c.start, c.end) for c in small] == [
        ("alpha.txt::0", 0, 27),
        ("alpha.txt::1", 28, 54),
        ("alpha.txt::2", 56, 81),
    ]
    assert small[0].text == "Harbin hosted the 6th EXPO."


@pytest.mark.parametrize("max_tokens,overlap", [(200, 40), (64, 16), (32, 0)])
def test_seed_chunks_fit_window_are_verbatim_and_overlap(embedder, max_tokens, overlap):
    docs = load_documents(SEEDS).documents
    assert len(docs) == 5
    for doc in docs:
        chunks = chunk_document(doc.name, doc.text, embedder.count_tokens, max_tokens, overlap)
        assert chunks, doc.name
        for c in chunks:
            assert doc.text[c.start : c.end] == c.text
            # With [CLS] and [SEP], what the model sees stays within the configured limit.
            assert embedder.count_tokens(c.text) <= max_tokens
        for prev, nxt in zip(chunks, chunks[1:], strict=False):
            assert nxt.start > prev.start
            if nxt.start < prev.end:  # shared text is whole trailing sentences within budget
                assert overlap and embedder.count_tokens(doc.text[nxt.start : prev.end]) <= overlap
            elif overlap:  # no overlap only when the last sentence is over the budget or
                # would leave no room for the next one
                a, b = split_sentences(prev.text)[-1]
                a2, b2 = split_sentences(nxt.text)[0]
                last = embedder.count_tokens(prev.text[a:b])
                first = embedder.count_tokens(nxt.text[a2:b2])
                assert last > overlap or last + first > max_tokens
        # Every sentence that fits the limit lands whole in some chunk.
        for a, b in split_sentences(doc.text):
            if embedder.count_tokens(doc.text[a:b]) <= max_tokens:
                assert any(c.start <= a and b <= c.end for c in chunks), doc.text[a:b]


def test_overlap_repeats_trailing_sentences(embedder):
    text = " ".join(f"Sentence number {i} is about the city of Harbin." for i in range(30))
    chunks = chunk_document("d.txt", text, embedder.count_tokens, 60, 25)
    assert len(chunks) > 2
    shared = [prev.end - nxt.start for prev, nxt in zip(chunks, chunks[1:], strict=False)]
    assert all(s > 0 for s in shared)
    for prev, nxt in zip(chunks, chunks[1:], strict=False):
        assert embedder.count_tokens(text[nxt.start : prev.end]) <= 25


def test_overlong_sentence_is_split_under_the_limit(embedder):
    text = "word " * 600
    chunks = chunk_document("long.txt", text.strip(), embedder.count_tokens, 100, 0)
    assert len(chunks) >= 6
    assert all(embedder.count_tokens(c.text) <= 100 for c in chunks)
    assert "".join(c.text.replace(" ", "") for c in chunks) == "word" * 600


def test_bad_chunk_settings_name_the_value(embedder):
    with pytest.raises(ConfigError, match="overlap_tokens=50"):
        chunk_document("x", "text", embedder.count_tokens, 50, 50)


def test_bad_file_is_named_and_others_still_load(tmp_path: Path):
    (tmp_path / "good.txt").write_text("Harbin is a city.", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe caf\xe9")
    (tmp_path / "crlf.md").write_bytes(b"one\r\ntwo")
    (tmp_path / "broken.pdf").write_bytes(b"%PDF")
    (tmp_path / "ignored.xlsx").write_bytes(b"PK")
    result = load_documents(tmp_path)
    assert [d.name for d in result.documents] == ["crlf.md", "good.txt"]
    assert result.documents[0].text == "one\ntwo"
    assert list(result.errors) == ["bad.txt", "broken.pdf"]
    assert result.errors["bad.txt"] == "bad.txt is not valid UTF-16 text; save it as UTF-8"
    assert result.errors["broken.pdf"].startswith("broken.pdf could not be read as a PDF")


def test_decode_rejects_binary_and_empty():
    with pytest.raises(Exception, match="binary"):
        decode_text("x.txt", b"ab\x00cd")
    with pytest.raises(Exception, match="empty"):
        decode_text("x.txt", b"  \n ")


def test_sentence_splitting_is_thread_safe():
    """The app answers several users at once; pysbd must not mix their texts."""
    import threading

    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    expected = [split_sentences(t) for t in texts]
    mismatches = []

    def work():
        for _ in range(10):
            for text, want in zip(texts, expected, strict=True):
                if split_sentences(text) != want:
                    mismatches.append(text[:30])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert mismatches == []
