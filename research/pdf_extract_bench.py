"""PDF extraction measured on real filings: rag's PDFium extractor against pypdf.

    .venv/bin/python research/pdf_extract_bench.py [--docs ../shared/data/sec-10-q/docs]
                                               [--out eval/results/pdf-extraction.json]

For each PDF: CPU seconds and pages per second of (a) pypdf's `extract_text` (the extractor
rag used before), (b) PDFium's plain page text, (c) rag's whole PDF extraction (PDFium, tables,
running headers, hyphens); files each one refuses and why; table rows emitted. Letters lost:
the words (3+ letters, lowercased) of one text missing from the other, counted with
multiplicity, and the words holding a ligature ("financial", "fiscal", "effective",
"Snowflake") each one spells whole. pypdf is the second extractor: a word it has that rag's
text lacks is a word rag may have lost, and the other way round.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.ingest.formats import extract  # noqa: E402

WORD = re.compile(r"[A-Za-z]{3,}")
LIGATURE = re.compile(r"f[fil]")


def words(text: str) -> Counter:
    return Counter(w.lower() for w in WORD.findall(text))


def pypdf_text(data: bytes) -> tuple[str, int]:
    import io
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(p.extract_text() or "" for p in reader.pages), len(reader.pages)


def pdfium_text(data: bytes) -> tuple[str, int]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc))), len(doc)
    finally:
        doc.close()


def table_rows(name: str, data: bytes) -> int:
    from rag.pdf import drop_running_lines, read_pdf
    from rag.pdf_tables import page_blocks

    pages, _, _ = read_pdf(name, data)
    return sum(
        len(b) for lines in drop_running_lines(pages) for k, b in page_blocks(lines) if k == "table"
    )


def timed(fn, *args):
    t = time.process_time()
    try:
        out = fn(*args)
        return out, time.process_time() - t, None
    except Exception as exc:  # noqa: BLE001 - a refusal is a result here
        return None, time.process_time() - t, f"{type(exc).__name__}: {exc}"[:200]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", default=str(ROOT.parent / "shared/data/sec-10-q/docs"))
    ap.add_argument("--out", default=str(ROOT / "eval/results/pdf-extraction.json"))
    args = ap.parse_args()
    files = sorted(Path(args.docs).glob("*.pdf"))
    rows = []
    totals = Counter()
    lost_rag, lost_pypdf, lig_rag, lig_pypdf = Counter(), Counter(), Counter(), Counter()
    for path in files:
        data = path.read_bytes()
        row: dict = {"file": path.name}
        (pp, pp_s, pp_err) = timed(pypdf_text, data)
        (pf, pf_s, pf_err) = timed(pdfium_text, data)
        (ex, rag_s, rag_err) = timed(extract, path.name, data)
        row["pypdf"] = {"cpu_s": round(pp_s, 3), "error": pp_err}
        row["pdfium_plain"] = {"cpu_s": round(pf_s, 3), "error": pf_err}
        row["rag"] = {"cpu_s": round(rag_s, 3), "error": rag_err}
        pages = pf[1] if pf else (pp[1] if pp else 0)
        row["pages"] = pages
        totals["pages"] += pages
        totals["pypdf_s"] += pp_s
        totals["pdfium_plain_s"] += pf_s
        totals["rag_s"] += rag_s
        totals["pypdf_refused"] += pp_err is not None
        totals["rag_refused"] += rag_err is not None
        if ex is not None:
            row["rag"]["chars"] = len(ex.text)
            row["table_rows"] = table_rows(path.name, data)
            totals["table_rows"] += row["table_rows"]
        if ex is not None and pp is not None:
            ours, theirs = words(ex.text), words(pp[0])
            only_pypdf = theirs - ours
            only_rag = ours - theirs
            row["words_in_pypdf_missing_from_rag"] = sum(only_pypdf.values())
            row["words_in_rag_missing_from_pypdf"] = sum(only_rag.values())
            row["pypdf_words"] = sum(theirs.values())
            row["rag_words"] = sum(ours.values())
            lost_rag.update(only_pypdf)
            lost_pypdf.update(only_rag)
            lig_rag.update({w: n for w, n in ours.items() if LIGATURE.search(w)})
            lig_pypdf.update({w: n for w, n in theirs.items() if LIGATURE.search(w)})
            for k in ("words_in_pypdf_missing_from_rag", "words_in_rag_missing_from_pypdf"):
                totals[k] += row[k]
            totals["pypdf_words"] += row["pypdf_words"]
            totals["rag_words"] += row["rag_words"]
        rows.append(row)
        print(json.dumps(row), flush=True)
    summary = {
        "files": len(files),
        "pages": totals["pages"],
        "cpu_s": {
            "pypdf": round(totals["pypdf_s"], 2),
            "pdfium_plain": round(totals["pdfium_plain_s"], 2),
            "rag": round(totals["rag_s"], 2),
        },
        "pages_per_cpu_s": {
            k: round(totals["pages"] / max(totals[f"{k}_s"], 1e-9), 1)
            for k in ("pypdf", "pdfium_plain", "rag")
        },
        "refused": {
            "pypdf": [r["file"] + ": " + r["pypdf"]["error"] for r in rows if r["pypdf"]["error"]],
            "rag": [r["file"] + ": " + r["rag"]["error"] for r in rows if r["rag"]["error"]],
        },
        "table_rows": totals["table_rows"],
        "words_compared_on_files_both_read": {
            "pypdf_words": totals["pypdf_words"],
            "rag_words": totals["rag_words"],
            "in_pypdf_missing_from_rag": totals["words_in_pypdf_missing_from_rag"],
            "in_rag_missing_from_pypdf": totals["words_in_rag_missing_from_pypdf"],
            "top_in_pypdf_missing_from_rag": lost_rag.most_common(25),
            "top_in_rag_missing_from_pypdf": lost_pypdf.most_common(25),
        },
        "ligature_words": {
            w: {"rag": lig_rag[w], "pypdf": lig_pypdf[w]}
            for w in ("financial", "fiscal", "office", "effective", "flows", "significant")
        },
        "ligature_word_tokens": {
            "rag": sum(lig_rag.values()),
            "pypdf": sum(lig_pypdf.values()),
        },
    }
    out = {"summary": summary, "files": rows}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=1) + "\n")
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
