"""How many table rows of the 10-Q filings carry their column headers (document side, no
questions): a row read as "Retained earnings — 20,360; 10,171" answers no question that names
a period, "Retained earnings — October 29, 2023: 20,360; January 29, 2023: 10,171" does.

    .venv/bin/python research/table_headers.py [--docs ../shared/data/sec-10-q/docs]
        [--out eval/results/table-headers.json] [--label after]

Every PDF is read with the checkout's extractor (`rag.ingest.pdf`, `rag.ingest.pdf_tables`);
a row is a table line "label — ..." holding a digit, headed when a value carries a header
("header: value"). Per company (the file name's last word) and in all; `--rows` keeps each
file's rows, to diff two checkouts' extraction.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.ingest.pdf import read_pdf  # noqa: E402
from rag.ingest.pdf_tables import page_blocks  # noqa: E402


def rows_of(path: Path) -> list[str]:
    pages, _, _ = read_pdf(path.name, path.read_bytes())
    out = []
    for k, lines in enumerate(pages):
        for kind, block in page_blocks(lines):
            if kind == "table":
                out += [f"p{k + 1} {r}" for r in block if " — " in r and re.search(r"\d", r)]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", default=str(ROOT.parent / "shared" / "data" / "sec-10-q" / "docs"))
    ap.add_argument("--out", default=str(ROOT / "eval" / "results" / "table-headers.json"))
    ap.add_argument("--label", default="after", help="the key this run is saved under")
    ap.add_argument("--rows", help="also write every file's rows to this JSON file")
    args = ap.parse_args()
    total: Counter = Counter()
    headed: Counter = Counter()
    rows = {}
    for path in sorted(Path(args.docs).glob("*.pdf")):
        company = path.stem.split()[-1]
        rows[path.name] = rows_of(path)
        for r in rows[path.name]:
            total[company] += 1
            headed[company] += ":" in r.split(" — ", 1)[1]
    result = {
        c: {"rows": total[c], "headed": headed[c], "share": round(headed[c] / total[c], 3)}
        for c in sorted(total)
    }
    n, h = sum(total.values()), sum(headed.values())
    result["all"] = {"rows": n, "headed": h, "share": round(h / n, 3)}
    for c, v in result.items():
        print(f"{c:5s} rows {v['rows']:5d} headed {v['headed']:5d} share {v['share']:.3f}")
    out = Path(args.out)
    saved = json.loads(out.read_text()) if out.exists() else {}
    saved[args.label] = result
    out.write_text(json.dumps(saved, indent=1) + "\n")
    if args.rows:
        Path(args.rows).write_text(json.dumps(rows, indent=0))


if __name__ == "__main__":
    main()
