"""`rag docs list | show | rm` and `rag ask --doc` on a small folder (the real CLI)."""

from __future__ import annotations

import json

import pytest

from rag.cli import main

from .test_formats import DOCX_BLOCKS, PDF_PAGES, make_docx, make_pdf

pytestmark = pytest.mark.slow


@pytest.fixture
def folder(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "report.pdf").write_bytes(make_pdf(PDF_PAGES, title="Bell Report"))
    (docs / "notes.docx").write_bytes(make_docx(DOCX_BLOCKS, title="River Notes"))
    return ["--docs", str(docs), "--index-dir", str(tmp_path / "index"), "--generator", "reader"]


def test_list_show_remove_and_ask_one_document(folder, capsys):
    assert main(["docs", "list", "--json", *folder]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["name"], r["title"], r["format"], r["pages"]) for r in rows] == [
        ("notes.docx", "River Notes", "docx", None),
        ("report.pdf", "Bell Report", "pdf", 3),
    ]

    assert main(["docs", "show", "report.pdf", *folder]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Bell Report\nreport.pdf · pdf · 3 pages · 1 passages")
    assert "--- page 2 ---\nThe bronze bell weighs 4 tonnes" in out

    assert main(["ask", "How much does the bronze bell weigh?", *folder]) == 0
    out = capsys.readouterr().out
    assert "[1] report.pdf, page 2, chars" in out

    assert (
        main(["ask", "How much does the bronze bell weigh?", "--doc", "notes.docx", *folder]) == 0
    )
    assert "report.pdf" not in capsys.readouterr().out

    assert main(["docs", "rm", "report.pdf", *folder]) == 0
    assert capsys.readouterr().out.strip() == "removed report.pdf (1 passages)"
    assert main(["docs", "list", *folder]) == 0
    out = capsys.readouterr().out
    assert "report.pdf" not in out and out.rstrip().endswith("1 documents in " + folder[1])


def test_unknown_document_is_one_line(folder, capsys):
    assert main(["docs", "show", "nope.pdf", *folder]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("error: There is no document named 'nope.pdf'")
    assert main(["docs", "rm", *folder]) == 2
    assert "needs a document name" in capsys.readouterr().err


def test_listing_an_index_that_is_up_to_date_loads_no_embedding_model(folder, capsys):
    assert main(["docs", "list", *folder]) == 0  # indexes the folder: the model loads
    assert "loading the embedding model" in capsys.readouterr().err
    assert main(["docs", "list", *folder]) == 0
    out, err = capsys.readouterr()
    assert "loading the embedding model" not in err
    assert "2 documents in" in out and "1 passages" in out
