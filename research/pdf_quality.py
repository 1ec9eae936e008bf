"""The bot on PDFs made from the seeds, beside the .txt originals; and PDF ingestion speed.

    .venv/bin/python research/pdf_quality.py [--out eval/results/pdf-vs-txt.json]

1. Each seed document is printed to a PDF (fpdf2, DejaVu Sans 11 pt, A4, its paragraphs as
   they are), as a user would save a text as PDF.
2. The gold questions (`eval/gold.jsonl`) are asked of both collections through the whole
   pipeline. A gold quote is relocated in the PDF's extracted text ignoring whitespace (lines
   are rewrapped in a PDF); a quote that cannot be found is counted and its question left out
   of both sides, so the two columns score the same questions.
3. Ingestion: a 50-page PDF (the seeds' text, repeated) is extracted and indexed; CPU and wall
   seconds of each step, pages per second.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag import RAG, Settings  # noqa: E402
from rag.evaluation.runner import load_gold, run_items  # noqa: E402
from rag.ingest.formats import extract  # noqa: E402


def font_path() -> str:
    import matplotlib

    return str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf")


def to_pdf(text: str, title: str | None = None) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", fname=font_path())
    pdf.set_font("DejaVu", size=11)
    pdf.set_auto_page_break(True, margin=15)
    if title:
        pdf.set_title(title)
    pdf.add_page()
    for para in re.split(r"\n\s*\n", text):
        para = " ".join(para.split())
        if para:
            pdf.multi_cell(0, 5.5, para)
            pdf.ln(3)
    return bytes(pdf.output())


def relocate(quote: str, text: str) -> int | None:
    """Where `quote` is in `text` with any run of whitespace matching any other; None if not."""
    words = quote.split()
    if not words:
        return None
    m = re.search(r"\s+".join(re.escape(w) for w in words), text)
    return m.start() if m else None


def pdf_gold(gold: Path, pdf_dir: Path, out: Path) -> tuple[Path, list[str]]:
    """The gold file rewritten for the PDFs: doc names and quotes as the PDFs' text has them.
    Returns the new file and the ids left out (a quote not found)."""
    texts = {p.name: extract(p.name, p.read_bytes()).text for p in pdf_dir.glob("*.pdf")}
    rows, dropped = [], []
    for line in gold.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        sources, ok = [], True
        for src in row["sources"]:
            name = Path(src["doc"]).with_suffix(".pdf").name
            at = relocate(src["quote"], texts[name])
            if at is None:
                ok = False
                break
            m = re.search(r"\s+".join(re.escape(w) for w in src["quote"].split()), texts[name])
            sources.append({"doc": name, "quote": m.group(0)})
        if ok:
            rows.append({**row, "sources": sources})
        else:
            dropped.append(row["id"])
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    return out, dropped


def timed(fn):
    c0, w0 = time.process_time(), time.perf_counter()
    out = fn()
    return out, time.process_time() - c0, time.perf_counter() - w0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=str(ROOT / "eval/results/pdf-vs-txt.json"))
    ap.add_argument("--work", default=str(ROOT / "runs/pdf-quality"))
    ap.add_argument("--gold", default=str(ROOT / "eval/gold.jsonl"))
    ap.add_argument("--generator", default="reader")
    args = ap.parse_args()
    work = Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    txt_dir, pdf_dir = work / "txt", work / "pdf"
    shutil.copytree(ROOT / "seeds", txt_dir)
    pdf_dir.mkdir(parents=True)
    for p in sorted(txt_dir.glob("*.txt")):
        (pdf_dir / f"{p.stem}.pdf").write_bytes(to_pdf(p.read_text(encoding="utf-8")))
    pages = {p.name: extract(p.name, p.read_bytes()).page_count for p in pdf_dir.glob("*.pdf")}

    gold_pdf, dropped = pdf_gold(Path(args.gold), pdf_dir, work / "gold-pdf.jsonl")
    keep = {json.loads(x)["id"] for x in gold_pdf.read_text().splitlines()}
    result: dict = {"pdf_pages": pages, "gold_questions_left_out": dropped}
    rag_txt = None
    for kind, folder, gold in (
        ("txt", txt_dir, Path(args.gold)),
        ("pdf", pdf_dir, gold_pdf),
    ):
        s = Settings(documents_dir=folder, index_dir=work / f"index-{kind}", seed_dir=None)
        rag = RAG(s.replace(generator=args.generator), embedder=rag_txt and rag_txt.embedder)
        rag.refresh()
        rag_txt = rag_txt or rag
        items = [i for i in load_gold(gold, folder) if i.id in keep]
        result[kind] = run_items(rag, items, work / f"eval-{kind}", progress=False)

    # Ingestion throughput: one 50-page PDF.
    seeds_text = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(txt_dir.glob("*.txt")))
    body, data = seeds_text, to_pdf(seeds_text)
    while extract("x.pdf", data).page_count < 50:
        body += "\n\n" + seeds_text
        data = to_pdf(body)
    big_dir = work / "big"
    big_dir.mkdir()
    (big_dir / "fifty.pdf").write_bytes(data)
    ex, ex_cpu, ex_wall = timed(lambda: extract("fifty.pdf", data))
    s = Settings(documents_dir=big_dir, index_dir=work / "index-big", seed_dir=None)
    rag = RAG(s, embedder=rag_txt.embedder)
    report, ix_cpu, ix_wall = timed(rag.refresh)
    result["ingest_50_pages"] = {
        "pages": ex.page_count,
        "bytes": len(data),
        "characters": len(ex.text),
        "passages": report.embedded_chunks,
        "extract_cpu_s": round(ex_cpu, 2),
        "extract_wall_s": round(ex_wall, 2),
        "index_cpu_s": round(ix_cpu, 2),  # extraction again + chunking + embedding + writing
        "index_wall_s": round(ix_wall, 2),
        "pages_per_s_extract": round(ex.page_count / ex_wall, 1),
        "pages_per_s_total": round(ex.page_count / ix_wall, 2),
    }
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    keys = [
        ("answer contains", ("answer", "contains")),
        ("short F1", ("answer", "short_token_f1")),
        ("citation precision", ("citations", "precision")),
        ("abstention accuracy", ("abstention", "accuracy")),
        ("retrieval hit@1", ("retrieval", "hit_at_1")),
        ("p50 s", ("latency_s", "p50")),
    ]
    print(f"{len(keep)} gold questions (left out: {dropped or 'none'})")
    print(f"{'':22} {'txt':>7} {'pdf':>7}")
    for label, (a, b) in keys:
        print(f"{label:22} {result['txt'][a][b]:7.3f} {result['pdf'][a][b]:7.3f}")
    print(json.dumps(result["ingest_50_pages"], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
