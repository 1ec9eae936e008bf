"""Derive a scored gold set from the SEC 10-Q development data (issue 24).

    .venv/bin/python eval/sec10q/derive.py [--data ../shared/data/sec-10-q] [--cache /tmp/gold]

Reads `qna_data.csv` (195 analysts' questions with prose answers) and the 20 filings, and writes
beside this script:

- `gold.jsonl`: every verified row, in the project's gold format (`rag/eval.py`) plus `kind`,
  `chunk_type`, `form`, `split` and `company`;
- `gold-validation.jsonl`, `gold-test.jsonl`: the same rows split by company (for `rag eval --gold`);
- `unverified.jsonl`: the rows kept out of the scored set, each with its reason.

Every question keeps its id `sec-NNN` (CSV order, from 001) in one of the files. Scoring a half:

    .venv/bin/python -m rag.cli eval --gold eval/sec10q/gold-validation.jsonl \
        --docs ../shared/data/sec-10-q/docs --out eval/out/sec10q-validation

The keys and quotes are checked against the extractor of the checkout that runs this script:
rerun it whenever PDF extraction changes (the loader refuses a quote it cannot find).

Rules, kept simple so a reader can check any row by hand:

1. Text. Each filing is read with the project's own extractor (`rag.ingest.formats.extract`), so rerunning
   after the extractor changes re-verifies every key against the text the bot indexes. Extracted
   texts are cached under `--cache`, keyed by the PDF's and the extractor module's hashes.
   A filing the extractor refuses contributes no keys (its rows may still verify on the others).
2. Source documents: the CSV's `Source Docs` glob over the file names.
3. Keys (`answers`), all verified verbatim in a source document's extracted text (compared modulo
   whitespace runs; the stored key is the document's exact substring):
   - figures: numbers in the answer with a thousands comma or a decimal point, or of three or more
     digits that are not a year, or two-digit percentages ("82,959", "15.7", "408", "18%"),
     absent from the question, found in a
     source document as a whole number (not inside a longer one); "$23.198 billion" is looked
     for first as "23,198" (the tables' millions). Computed figures ("up 8%",
     "$117.2 billion" from "117,154") are not in the filing and drop out by this check.
   - phrases, for Text rows and rows with no figure key: the longest runs of 3 to 8 answer words
     beginning and ending on a content word, found in a source document (case-insensitive,
     quotes folded, within one paragraph), holding at least two content
     words that are not in the question and not period words (months, quarter, ended, ...), and
     found in at most 4 of the 20 filings (boilerplate shared across companies is no key).
     At most 4 phrases per row, those with the most such content words first.
   A row whose answer says the filings do not state the thing, and that has no figure key, is
   unverified ("answer says not stated"); a row with no key left is unverified ("no verifiable key").
4. Sources: for each key, the occurrence that best matches the answer's sentence holding the key
   (shared content words with it and the question; ties to the document the sentence names,
   then to CSV glob order). The quote is the extracted sentence holding it when that is at most
   400 characters (a table row read as "label — header: value; ..." is one sentence); otherwise
   (a table flowed into one paragraph) the table row: the row label
   words before the key and the run of numbers around it. The loader finds a quote with
   `text.find(quote)`; that first occurrence is checked to hold the key.
5. `kind`: Single-Doc Single-Chunk -> single-chunk, Single-Doc Multi-Chunk -> multi-chunk,
   Multi-Doc -> multi-doc. `chunk_type`: table / text from `Source Chunk Type`.
6. `form`, the answer form the question wants, first rule that fires, on the question's words
   (and the answer's layout):
   - comparison: compare, trend, over time, across, differ, versus/vs, evolve, stack up,
     fluctuated, year-over-year, "how has/did ... change", "changed over/across/between",
     "each (reported) period/quarter", "separately for each", "prior/previous quarters";
   - list: list, "what/which (up to 3 words) factors/risks/segments/proceedings/...", or an
     answer of three or more bullet or numbered lines;
   - summary: summarize, describe, explain, discuss, why, "how does/did/might/...", impact, effect,
     implication, outlook, strategy, overview, "changes in", correlate, relate, align, examine,
     assess;
   - fact: otherwise.
7. Split by company (whole filings never straddle the halves, so no filing's wording is tuned on
   and then reported on): validation = AAPL + AMZN (81 questions: 30 multi-doc, 21 multi-chunk,
   30 single-chunk; 47 table, 34 text), test = INTC + MSFT + NVDA (114: 35 / 33 / 46; 67 table,
   47 text). Of the two-company validation choices this is the one whose type mix is closest to
   the whole set's (58% table either way) and leaves the larger half, three companies, for the
   reported figures. MSFT's two filings that today's pypdf extractor refuses fall in test, where
   an extractor fix shows as more verified rows rather than a moved validation set.
"""

from __future__ import annotations

import argparse
import csv
import fnmatch
import hashlib
import inspect
import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from rag.ingest.formats import extract  # noqa: E402

VALIDATION = ("AAPL", "AMZN")
TICKERS = ("AAPL", "AMZN", "INTC", "MSFT", "NVDA")
KIND = {
    "Single-Doc Single-Chunk RAG": "single-chunk",
    "Single-Doc Multi-Chunk RAG": "multi-chunk",
    "Multi-Doc RAG": "multi-doc",
}

STOP = set(
    """a an the of in on at to for from by with and or but as is are was were be been being has
    have had do does did it its this that these those which who whom what when where why how
    than then there their they them he she his her we our us you your i not no so such also
    into over under about between during after before within per each any all other more most
    less least very can could may might will would should shall company companys company's
    provided based documents document reported report quarter quarters ended period periods
    three six nine months month fiscal year years first second third fourth q1 q2 q3 q4
    january february march april may june july august september october november december
    million billion thousand percent approximately total net 2021 2022 2023 2024 10-q form""".split()
)
NOT_STATED = re.compile(
    r"(do(es)? not (contain|provide|mention|specify|include|disclose|state|have)|"
    r"(is|are|was|were) not (mentioned|provided|specified|disclosed|stated|available)|"
    r"no (explicit|specific|direct) (details|information|data|mention)|cannot be determined|"
    r"not possible to determine|unable to (determine|provide))",
    re.I,
)
FIGURE = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+|\d{3,}|\d\d ?%)(?![\w]|[.,]\d)"
)
BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s", re.M)
FORM_RULES = (
    (
        "comparison",
        r"\b(compare\w*|comparison|trends?|over time|across|differ\w*|versus|vs|evolv\w*|"
        r"year-over-year|quarter-over-quarter|stacks? up|fluctuated|"
        r"how (has|have|did) [^?]{0,60}\bchang\w*|chang\w* (over|across|between)|"
        r"each (reported |reporting )?(period|quarter)|separately for each|"
        r"(prior|previous|preceding) (quarters|periods|years))\b",
    ),
    (
        "list",
        r"\b(list|(what|which) (\w+ ){0,3}(factors|risks|segments|products|initiatives|"
        r"acquisitions|items|drivers|contributors|components|types|categories|areas|programs|"
        r"proceedings|issues|liabilities|contingencies))\b",
    ),
    (
        "summary",
        r"\b(summar\w*|describe|explain|discuss|why|how (does|did|do|might|could|will|would|is|"
        r"are|has|have|was|were)|impact|effects?|implications?|outlook|strategy|overview|"
        r"changes in|correlat\w*|relate|align|examine|assess)\b",
    ),
)
MOJIBAKE = {"â€™": "’", "â€˜": "‘", "â€œ": "“", "â€\x9d": "”", "â€”": "—", "â€“": "–", "Â ": " "}
FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "—": "-", "–": "-", "\u00a0": " "})


# ---- text ----------------------------------------------------------------------------------


def fix_mojibake(s: str) -> str:
    for bad, good in MOJIBAKE.items():
        s = s.replace(bad, good)
    return s


def folded(text: str) -> tuple[str, list[int]]:
    """Text with whitespace runs as one space, lower case, quotes and dashes folded, and each
    folded character's offset in `text` (every fold is one character for one)."""
    out: list[str] = []
    where: list[int] = []
    space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if not space and out:
                out.append(" ")
                where.append(i)
            space = True
            continue
        space = False
        low = ch.lower().translate(FOLD)
        if len(low) != 1:
            low = ch.translate(FOLD)
        out.append(low)
        where.append(i)
    return "".join(out), where


def fold_query(s: str) -> str:
    return folded(s)[0].strip()


class Doc:
    def __init__(self, name: str, text: str):
        self.name, self.text = name, text
        self.folded, self.where = folded(text)

    def find_all(self, needle: str, whole_number: bool = False) -> list[tuple[int, int]]:
        """Spans in `text` (exact offsets) of every folded occurrence of `needle`."""
        q = fold_query(needle)
        if not q or q.rstrip("%").rstrip() not in self.folded:
            return []
        if whole_number:
            body = re.escape(q[:-1].rstrip()) + " ?%" if q.endswith("%") else re.escape(q)
            pat = re.compile(r"(?<![\d,.])" + body + r"(?![\d]|[.,]\d)")
        else:
            pat = re.compile(r"(?<!\w)" + re.escape(q) + r"(?!\w)")
        spans = [
            (self.where[m.start()], self.where[m.end() - 1] + 1) for m in pat.finditer(self.folded)
        ]
        # A key within one paragraph: a match across a paragraph break joins a heading to text.
        return [(a, b) for a, b in spans if "\n" not in self.text[a:b]]


def cached_extract(pdf: Path, cache: Path) -> tuple[str | None, str | None]:
    """(text, None) or (None, the extractor's refusal) for one filing, cached on disk."""
    import rag.ingest.formats as formats

    data = pdf.read_bytes()
    # The extractor's code: every module of the ingest package (formats, parsers, pdf, ...).
    src = b"".join(
        p.read_bytes() for p in sorted(Path(inspect.getsourcefile(formats)).parent.glob("*.py"))
    )
    key = hashlib.sha256(data).hexdigest()[:16] + "-" + hashlib.sha256(src).hexdigest()[:12]
    path = cache / "extract" / f"{key}.json"
    if path.exists():
        d = json.loads(path.read_text(encoding="utf-8"))
    else:
        try:
            d = {"ok": extract(pdf.name, data).to_dict()}
        except Exception as exc:  # noqa: BLE001 - any refusal is recorded as the row's reason
            d = {"error": f"{type(exc).__name__}: {exc}"}
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    return (d["ok"]["text"], None) if "ok" in d else (None, d["error"])


# ---- quotes --------------------------------------------------------------------------------

_SENT_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(“\"$•])")
_NUMERIC = re.compile(r"^[($—–-]*[\d,.]+%?\)?$|^[$—–-]$|^\(?\d+\)?%?$")


def quote_at(text: str, start: int, end: int) -> str:
    """The extracted sentence holding text[start:end], or its table row when the 'sentence' is a
    table flowed into one paragraph."""
    p0 = text.rfind("\n", 0, start) + 1
    p1 = text.find("\n", end)
    p1 = len(text) if p1 < 0 else p1
    s0, s1 = p0, p1
    for m in _SENT_END.finditer(text, p0, p1):
        if m.end() <= start:
            s0 = m.end()
        elif m.start() >= end:
            s1 = m.start()
            break
    if s1 - s0 <= 400:
        return text[s0:s1].strip()
    # A table row: numbers around the key, and the label words before the first of them.
    toks = [(m.start(), m.end()) for m in re.finditer(r"\S+", text[p0:p1])]
    toks = [(a + p0, b + p0) for a, b in toks]
    k = next(i for i, (a, b) in enumerate(toks) if b > start)
    lo = k
    while lo > 0 and _NUMERIC.match(text[toks[lo - 1][0] : toks[lo - 1][1]]):
        lo -= 1
    words = 0
    while lo > 0 and words < 10:
        t = text[toks[lo - 1][0] : toks[lo - 1][1]]
        if _NUMERIC.match(t) or t.endswith(":"):
            break
        lo -= 1
        words += 1
    hi = next(i for i, (a, b) in enumerate(toks) if b >= end)
    while (
        hi + 1 < len(toks)
        and hi - k < 8
        and _NUMERIC.match(text[toks[hi + 1][0] : toks[hi + 1][1]])
    ):
        hi += 1
    return text[toks[lo][0] : toks[hi][1]]


# ---- keys ----------------------------------------------------------------------------------


def content_words(s: str) -> set[str]:
    return {w for w in re.findall(r"[a-z][a-z'&-]+", fold_query(s)) if w not in STOP}


def answer_sentences(answer: str) -> list[str]:
    parts = re.split(r"\n+|(?<=[.!?])\s+(?=[A-Z(\"“-])", answer)
    return [p.strip() for p in parts if p.strip()]


def clean_answer(answer: str) -> str:
    answer = fix_mojibake(answer)
    answer = re.sub(r"SOURCE\(S\):.*", "", answer)
    answer = re.sub(r"\((?:SOURCE:?\s*)?\"?[^()]*?\.pdf\"?\)", "", answer)
    return answer


def figure_candidates(answer: str, question: str) -> list[tuple[tuple[str, ...], str]]:
    """(figure's printed forms, the answer sentence holding it), first mention order, figures in
    the question and years left out. "$23.198 billion" is tried first as "23,198", the millions
    the filings' tables print."""
    out: dict[tuple[str, ...], str] = {}
    for sent in answer_sentences(answer):
        if re.search(r"\.pdf\b|SOURCE", sent):
            sent = re.sub(r"\S*\.pdf\S*", " ", sent)
        for m in FIGURE.finditer(sent):
            fig = m.group(1)
            if re.fullmatch(r"(19|20)\d\d", fig) or fig in question:
                continue
            forms: tuple[str, ...] = (fig,)
            bn = re.fullmatch(r"(\d{1,3})\.(\d{3})", fig)
            if bn and re.match(r"\s*billion", sent[m.end() :]):
                forms = (f"{bn[1]},{bn[2]}", fig)
            out.setdefault(forms, sent)
    return list(out.items())


def phrase_candidates(answer: str, question: str, docs: list[Doc]) -> list[tuple[str, str]]:
    """(phrase, its answer sentence): longest answer word runs (3-10 words) found in a doc."""
    qwords = content_words(question)
    found: list[tuple[int, str, str]] = []
    for sent in answer_sentences(answer):
        words = sent.split()
        i = 0
        while i < len(words):
            best = None
            for n in range(min(8, len(words) - i), 2, -1):
                run = [w.strip(".,;:()\"“”'’-*•") for w in words[i : i + n]]
                if not run[0] or not run[-1] or run[0].lower() in STOP or run[-1].lower() in STOP:
                    continue  # a key starts and ends on a content word
                phrase = " ".join(words[i : i + n]).strip(".,;:()\"“”'’-*•")
                useful = content_words(phrase) - qwords
                if len(useful) < 2 or len(phrase) < 12:
                    continue
                if any(d.find_all(phrase) for d in docs):
                    best = (n, phrase, useful)
                    break
            if best:
                n, phrase, useful = best
                found.append((len(useful), phrase, sent))
                i += n
            else:
                i += 1
    found.sort(key=lambda t: -t[0])
    out: dict[str, str] = {}
    for _, phrase, sent in found:
        if not any(phrase.lower() in p.lower() or p.lower() in phrase.lower() for p in out):
            out[phrase] = sent
    return list(out.items())


def locate(key: str, sent: str, question: str, docs: list[Doc], whole_number: bool):
    """Best (doc, start, end) of `key` in the source docs for the answer sentence `sent`."""
    want = content_words(sent) | content_words(question)
    best, best_score = None, None
    for order, d in enumerate(docs):
        named = d.name.removesuffix(".pdf") in sent
        for a, b in d.find_all(key, whole_number):
            q = quote_at(d.text, a, b)
            score = (len(content_words(q) & want), named, -order, -a)
            if best_score is None or score > best_score:
                best, best_score = (d, a, b, q), score
    return best


def form_of(question: str, answer: str) -> str:
    q = question.lower()
    for form, rule in FORM_RULES:
        if re.search(rule, q):
            return form
        if form == "list" and len(BULLET.findall(answer)) >= 3:
            return form
    return "fact"


# ---- rows ----------------------------------------------------------------------------------


def derive_row(n: int, row: dict, names: list[str], docs: dict[str, Doc], refused: dict) -> dict:
    question = " ".join(fix_mojibake(row["Question"]).split())
    answer = clean_answer(row["Answer"])
    glob = row["Source Docs"].strip()
    company = next((t for t in TICKERS if t in glob), "")
    matched = [
        nm for nm in names if fnmatch.fnmatch(nm, glob) or fnmatch.fnmatch(nm, glob + ".pdf")
    ]
    chunk_type = row["Source Chunk Type"].strip().lower()
    base = {
        "id": f"sec-{n:03d}",
        "question": question,
        "kind": KIND[row["Question Type"].strip()],
        "chunk_type": chunk_type,
        "form": form_of(question, row["Answer"]),
        "split": "validation" if company in VALIDATION else "test",
        "company": company,
    }
    readable = [docs[nm] for nm in matched if nm in docs]
    if not matched:
        return {**base, "reason": f"no filing matches {glob!r}"}
    if not readable:
        why = "; ".join(refused[nm] for nm in matched)
        return {**base, "reason": f"source filing cannot be extracted ({why})"}
    located = []
    for forms, sent in figure_candidates(answer, question)[:8]:
        loc = next(filter(None, (locate(f, sent, question, readable, True) for f in forms)), None)
        if loc:
            located.append((forms[0], loc))
    if not located and NOT_STATED.search(" ".join(answer_sentences(answer)[:2])):
        return {**base, "reason": "answer says not stated"}
    if chunk_type == "text" or not located:
        for phrase, sent in phrase_candidates(answer, question, readable):
            spread = sum(bool(d.find_all(phrase)) for d in docs.values())
            if spread > 4:
                continue
            loc = locate(phrase, sent, question, readable, False)
            if loc:
                located.append((phrase, loc))
            if sum(1 for k, _ in located if not FIGURE.fullmatch(k)) >= 4:
                break
    if not located:
        return {**base, "reason": "no verifiable key"}
    answers: list[str] = []
    sources: list[dict] = []
    for _, (d, a, b, quote) in located:
        exact = d.text[a:b]
        at = d.text.find(quote)
        # The loader keeps the quote's first occurrence; it must hold the key too.
        assert at >= 0 and exact in d.text[at : at + len(quote)], (base["id"], exact, quote)
        if exact not in answers:
            answers.append(exact)
        src = {"doc": d.name, "quote": quote}
        if src not in sources:
            sources.append(src)
    return {
        "id": base["id"],
        "question": question,
        "answers": answers,
        "sources": sources,
        "answerable": True,
        **{k: base[k] for k in ("kind", "chunk_type", "form", "split", "company")},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "sec-10-q"))
    ap.add_argument("--cache", default="/tmp/gold")
    ap.add_argument("--out", default=str(HERE))
    args = ap.parse_args(argv)
    data, out, cache = Path(args.data), Path(args.out), Path(args.cache)

    names = sorted(p.name for p in (data / "docs").glob("*.pdf"))
    docs: dict[str, Doc] = {}
    refused: dict[str, str] = {}
    for nm in names:
        text, err = cached_extract(data / "docs" / nm, cache)
        if text is None:
            refused[nm] = err
        else:
            docs[nm] = Doc(nm, text)
    with open(data / "qna_data.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))

    gold, unverified = [], []
    for n, row in enumerate(rows, 1):
        r = derive_row(n, row, names, docs, refused)
        (unverified if "reason" in r else gold).append(r)

    def write(path: Path, items: list[dict]) -> None:
        with open(path, "w", encoding="utf-8") as f:
            for it in items:
                f.write(json.dumps(it, ensure_ascii=False) + "\n")

    out.mkdir(parents=True, exist_ok=True)
    write(out / "gold.jsonl", gold)
    write(out / "gold-validation.jsonl", [g for g in gold if g["split"] == "validation"])
    write(out / "gold-test.jsonl", [g for g in gold if g["split"] == "test"])
    write(out / "unverified.jsonl", unverified)

    print(f"filings: {len(docs)} read, {len(refused)} refused {sorted(refused)}")
    print(f"rows: {len(rows)} derived, {len(gold)} verified, {len(unverified)} unverified")
    reasons = Counter(re.sub(r" \(.*", "", u["reason"]) for u in unverified)
    for reason, c in reasons.most_common():
        print(f"  unverified: {reason}: {c}")
    for field in ("split", "company", "kind", "chunk_type", "form"):
        ver = Counter(g[field] for g in gold)
        unv = Counter(u[field] for u in unverified)
        cells = ", ".join(f"{k} {ver[k]}/{ver[k] + unv[k]}" for k in sorted(set(ver) | set(unv)))
        print(f"  {field} (verified/all): {cells}")
    kinds = Counter(
        "figure" if FIGURE.fullmatch(a) else "phrase" for g in gold for a in g["answers"]
    )
    print(f"keys: {sum(kinds.values())} ({dict(kinds)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
