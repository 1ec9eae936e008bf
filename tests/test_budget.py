"""Parsing under a budget (issue 26): hostile files are refused in plain words, within limits of
size, memory and time, and never stop the other files."""

from __future__ import annotations

import io
import os
import time
import zipfile

import pytest

from rag.errors import IngestError, UploadRejected
from rag.ingest import formats
from rag.ingest.documents import load_documents
from rag.ingest.formats import extract
from rag.ingest.upload import store_upload

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_with_body(chunks) -> bytes:
    """A real .docx (python-docx's template) whose word/document.xml body is the chunks."""
    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename != "word/document.xml":
                dst.writestr(item, src.read(item.filename))
        info = zipfile.ZipInfo("word/document.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with dst.open(info, "w") as f:
            f.write(f"<w:document {W}><w:body>".encode())
            for chunk in chunks:
                f.write(chunk)
            f.write(b"</w:body></w:document>")
    return out.getvalue()


def paragraphs(texts) -> bytes:
    return b"".join(b"<w:p><w:r><w:t>%s</w:t></w:r></w:p>" % t for t in texts)


@pytest.fixture
def small_workers(monkeypatch):
    """Workers started afresh under a low memory limit, and afresh again afterwards."""
    formats.stop_workers()
    monkeypatch.setattr(formats, "EXTRACT_MEMORY_BYTES", 150 * 1024 * 1024)
    yield
    formats.stop_workers()


def test_a_docx_bomb_is_refused_before_it_is_unpacked():
    block = paragraphs(b"Paragraph %d of the bomb." % i for i in range(300))
    bomb = docx_with_body(block for _ in range((60 << 20) // len(block)))  # 60 MiB of XML
    assert len(bomb) < 1 << 20
    t0 = time.monotonic()
    with pytest.raises(IngestError, match=r"^bomb.docx: its part word/document.xml unpacks to "):
        extract("bomb.docx", bomb)
    assert time.monotonic() - t0 < 20  # refused from the zip's directory, not by parsing
    # Under the size cap, but compressed far more than text ever is.
    one_run = docx_with_body([b"<w:p><w:r><w:t>", b"a" * (8 << 20), b"</w:t></w:r></w:p>"])
    with pytest.raises(IngestError, match=r"is compressed \d+:1, over the limit of 100:1"):
        extract("run.docx", one_run)


def test_text_longer_than_the_upload_limit_is_refused(tmp_path):
    words = (b"word%d harbour ferry cargo " % i for i in range(8000))
    data = docx_with_body([paragraphs(words)])  # ~230,000 characters in a ~70 kB file
    with pytest.raises(IngestError, match=r"holds more than 100,000 characters of text"):
        extract("long.docx", data, max_chars=100_000)
    with pytest.raises(UploadRejected, match=r"^long.docx holds more than 200,000 characters"):
        store_upload(tmp_path, "long.docx", data, max_bytes=200_000)
    assert not list(tmp_path.glob("*.docx"))


def test_html_nested_100000_deep_is_read():
    deep = b"<html><body>" + b"<div>" * 100_000 + b"Deep text at the bottom." + b"</div>" * 100_000
    assert extract("deep.html", deep).text == "Deep text at the bottom."


def test_random_bytes_are_refused_as_not_the_format_they_claim():
    junk = os.urandom(50_000)
    with pytest.raises(IngestError, match=r"^junk.html is not an HTML file: it holds binary data$"):
        extract("junk.html", junk)
    with pytest.raises(IngestError, match=r"^junk.docx could not be opened .* not a .docx file$"):
        extract("junk.docx", junk)
    with pytest.raises(IngestError, match=r"^junk.md (looks like a binary file|is not UTF-8)"):
        extract("junk.md", junk)
    # Valid UTF-8 full of control characters is not text either.
    with pytest.raises(IngestError, match="looks like a binary file"):
        extract("ctl.md", bytes(range(1, 9)) * 5000)
    # A page in another encoding than UTF-8 is still HTML.
    page = "<p>Le café de la gare ouvre à sept heures, été comme hiver.</p>".encode("latin-1")
    assert "café" in extract("fr.html", page).text
    page = '<meta charset="gbk"><p>哈尔滨冰雪节每年一月举行。</p>'.encode("gbk")
    assert extract("zh.html", page).text == "哈尔滨冰雪节每年一月举行。"


def test_a_parser_out_of_memory_is_a_refusal_and_the_next_file_is_read(small_workers):
    # 30 MB of XML in a 15 MB file: within the zip limits; its tree needs more than 150 MB.
    texts = (os.urandom(8).hex().encode() for _ in range(600_000))
    data = docx_with_body([paragraphs(texts)])
    with pytest.raises(IngestError, match=r"^big.docx needs more than 150 MB of memory to read"):
        extract("big.docx", data)
    assert (
        extract("ok.md", b"# Ferry\n\nThe ferry runs daily.").text
        == "Ferry\n\nThe ferry runs daily."
    )


def test_a_parser_past_its_time_is_stopped_and_the_next_file_is_read():
    page = b"<html><body>" + b"<p><b>cargo</b> <i>ship</i></p>" * 50_000 + b"</body></html>"
    with pytest.raises(IngestError, match=r"^slow.html took longer than 0.05 s to read and was"):
        extract("slow.html", page, timeout=0.05)
    assert extract("ok.html", b"<p>The ferry runs daily.</p>").text == "The ferry runs daily."


def test_a_folder_of_hostile_files_loads_the_good_ones_with_a_reason_for_each_other(tmp_path):
    (tmp_path / "good.txt").write_text("The ferry crosses the Amur at dawn.")
    (tmp_path / "deep.html").write_bytes(b"<div>" * 100_000 + b"Deep." + b"</div>" * 100_000)
    (tmp_path / "junk.html").write_bytes(os.urandom(20_000))
    (tmp_path / "junk.docx").write_bytes(b"PK\x03\x04" + os.urandom(20_000))
    block = paragraphs(b"Paragraph %d." % i for i in range(300))
    (tmp_path / "bomb.docx").write_bytes(
        docx_with_body(block for _ in range((60 << 20) // len(block)))
    )
    loaded = load_documents(tmp_path)
    assert sorted(d.name for d in loaded.documents) == ["deep.html", "good.txt"]
    assert set(loaded.errors) == {"junk.html", "junk.docx", "bomb.docx"}
    assert "not an HTML file" in loaded.errors["junk.html"]
    assert loaded.errors["junk.docx"] == "junk.docx could not be opened as a Word (.docx) document"
    assert "decompression bomb" in loaded.errors["bomb.docx"]


@pytest.mark.parametrize(
    "given, stored",
    [
        ("été.txt", "été.txt"),
        ("تقرير الميناء.txt", "تقرير الميناء.txt"),
        ("🚢 ferry.txt", "🚢 ferry.txt"),
        ("../.hidden\x00name.txt", "hidden_name.txt"),
    ],
)
def test_uploaded_file_names_keep_their_letters(tmp_path, given, stored):
    got = store_upload(tmp_path, given, b"The ferry crosses the Amur at dawn.", 10_000)
    assert (got.name, got.status) == (stored, "added")
    assert (tmp_path / stored).read_bytes() == b"The ferry crosses the Amur at dawn."


def test_an_upload_racing_a_delete_is_stored(tmp_path, monkeypatch):
    import rag.ingest.upload

    (tmp_path / "old.txt").write_text("The old note about the ferry.")
    listed = rag.ingest.upload.list_document_files

    def listing_then_deleted(folder):
        paths = listed(folder)
        for p in paths:
            p.unlink()  # a delete lands between the listing and the duplicate check
        return paths

    monkeypatch.setattr(rag.ingest.upload, "list_document_files", listing_then_deleted)
    got = store_upload(tmp_path, "new.txt", b"The new note about the bridge.", 10_000)
    assert (got.name, got.status) == ("new.txt", "added")
    assert (tmp_path / "new.txt").read_text() == "The new note about the bridge."


def test_a_text_stored_before_the_cap_is_not_served_again(tmp_path):
    from rag.ingest.documents import TextStore, file_sha256
    from rag.ingest.formats import Extracted

    docs, texts = tmp_path / "docs", TextStore(tmp_path / "texts")
    docs.mkdir()
    block = paragraphs(b"Paragraph %d." % i for i in range(300))
    bomb = docx_with_body(block for _ in range((60 << 20) // len(block)))
    (docs / "bomb.docx").write_bytes(bomb)
    # What the uncapped extractor stored for it (the issue's: 104,771,950 characters).
    huge = Extracted("Paragraph 1.\n\n" * 800_000, "docx")
    texts.put(TextStore.key(file_sha256(bomb), "docx"), huge)
    loaded = load_documents(docs, texts)
    assert loaded.documents == [] and "decompression bomb" in loaded.errors["bomb.docx"]


def pdf_with_stream(content: bytes) -> bytes:
    """A one-page PDF whose content stream is `content`, compressed."""
    import zlib

    stream = zlib.compress(content, 9)
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out


def test_a_pdf_stream_bomb_is_refused_before_pdfium_unpacks_it():
    # PDFium held the 300 MB page stream unpacked, and a copy: 624 MB for a 300 kB file.
    bomb = pdf_with_stream(b"BT /F1 12 Tf 72 712 Td (Hello) Tj ET\n" + b" " * (300 << 20))
    assert len(bomb) < 1 << 20
    with pytest.raises(IngestError, match=r"^bomb.pdf: one of its streams unpacks to more than"):
        extract("bomb.pdf", bomb)
    # under the limit per stream, a page is read
    lines = b"".join(
        b"BT /F1 12 Tf 72 %d Td (Line %d: the pilot is Ingrid Vale.) Tj ET\n" % (700 - 14 * i, i)
        for i in range(40)
    )
    text = extract("page.pdf", pdf_with_stream(lines + b" " * (40 << 20))).text
    # (each "Line N: ..." is a captioned line of its own: whitespace aside, the page's text)
    assert " ".join(text.split()).startswith("Line 0: the pilot is Ingrid Vale. Line 1:")


def deep_page_tree_pdf(depth: int) -> bytes:
    """A one-page PDF whose page sits under `depth` nested /Pages nodes."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for i in range(depth):
        parent = b" /Parent %d 0 R" % (1 + i) if i else b""
        objs.append(b"<< /Type /Pages /Kids [%d 0 R] /Count 1%s >>" % (3 + i, parent))
    page = 2 + depth
    objs.append(
        b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
        b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (page - 1, page + 1, page + 2)
    )
    body = b"".join(
        b"BT /F1 12 Tf 72 %d Td (Line %d: the pilot is Ingrid Vale.) Tj ET\n" % (700 - 14 * i, i)
        for i in range(40)
    )
    objs.append(b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream")
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    parts, offsets, size = [b"%PDF-1.4\n"], [], 9
    for i, obj in enumerate(objs, 1):
        offsets.append(size)
        parts.append(b"%d 0 obj\n" % i + obj + b"\nendobj\n")
        size += len(parts[-1])
    parts.append(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    parts += [b"%010d 00000 n \n" % o for o in offsets]
    parts.append(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, size)
    )
    return b"".join(parts)


def test_a_pdf_page_tree_100000_deep_is_a_refusal_and_a_shallow_one_is_read():
    # pypdf raised LimitReachedError (a traceback) on a deep page tree (issue 26, minor).
    assert extract("ok.pdf", deep_page_tree_pdf(50)).text.startswith("Line 0: the pilot is")
    with pytest.raises(IngestError, match=r"^deep.pdf could not be read as a PDF"):
        extract("deep.pdf", deep_page_tree_pdf(100_000))
