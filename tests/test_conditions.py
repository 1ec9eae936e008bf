"""What to do, or what happens, in a case the question names (rag.answer.conditions): the
sentence opening with that case."""

from __future__ import annotations

from rag.answer.reading import ReaderGenerator
from tests.test_forms import one_document
from tests.test_sections import MANUAL_TXT


def test_what_to_do_in_a_case_is_the_sentence_opening_with_it(tmp_path, embedder):
    """The reader had read "flush" off a step of another section."""
    rag = one_document(tmp_path, "manual.txt", MANUAL_TXT, embedder, ReaderGenerator("shipped"))
    a = rag.ask("What should I do if water leaks from the base?")
    assert not a.abstained, a.why
    assert [c.quote for c in a.citations] == [
        "If water leaks from the base, check that the\nO-ring is in place and not damaged."
    ]
    assert a.short_answer.text == "check that the\nO-ring is in place and not damaged"
    # a case no sentence opens with is read as before: no sentence of another case answers
    b = rag.ask("What should I do if the unit makes a grinding noise?")
    assert not any(c.quote.startswith("If water leaks") for c in b.citations)
