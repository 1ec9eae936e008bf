"""Batch evaluation against a gold question set: metrics (pure functions) and the runner.

Gold rows (JSONL)::

    {"id": "q001", "question": "...", "answers": ["..."],
     "sources": [{"doc": "002_aa3b978d13dcf21e.txt", "quote": "verbatim text"}], "answerable": true}

Other keys in a row (a question's type: "kind", "chunk_type", "form", ...) are kept in
`GoldItem.extra` and copied into the result rows; every metric is also reported per value of
each of `BREAKDOWN` a row carries.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from rag.errors import ConfigError, GoldFormatError
from rag.ingest.formats import extract
from rag.text import normalize_answer, token_f1

_KEYS = ("id", "question", "answers", "sources", "answerable")
# Question-type keys a gold row may carry: the summary breaks every metric down by their values.
# "answer_form": the form the bot chose (rag.answer.forms), beside the gold row's "form".
BREAKDOWN = ("kind", "chunk_type", "form", "answer_form")


@dataclass(frozen=True)
class GoldSpan:
    doc: str
    start: int
    end: int


@dataclass(frozen=True)
class GoldItem:
    id: str
    question: str
    answers: list[str]
    spans: list[GoldSpan]
    answerable: bool
    extra: dict = field(default_factory=dict, compare=False)  # a row's other keys, as read


# ---- loading -------------------------------------------------------------------------------


def _check_row(row, where: str) -> None:
    if not isinstance(row, dict) or not set(_KEYS) <= set(row):
        keys = sorted(row) if isinstance(row, dict) else type(row).__name__
        raise GoldFormatError(f"{where}: keys must include {list(_KEYS)}, got {keys}")
    for key in BREAKDOWN:
        if key in row and (not isinstance(row[key], str) or not row[key]):
            raise GoldFormatError(f"{where}: {key} must be a non-empty string")
    if not isinstance(row["id"], str) or not row["id"]:
        raise GoldFormatError(f"{where}: id must be a non-empty string")
    if not isinstance(row["question"], str) or not row["question"].strip():
        raise GoldFormatError(f"{where}: question must be a non-empty string")
    if not isinstance(row["answerable"], bool):
        raise GoldFormatError(f"{where}: answerable must be true or false")
    answers, sources = row["answers"], row["sources"]
    if not isinstance(answers, list) or not all(isinstance(a, str) and a.strip() for a in answers):
        raise GoldFormatError(f"{where}: answers must be a list of non-empty strings")
    if not isinstance(sources, list) or not all(
        isinstance(s, dict)
        and set(s) == {"doc", "quote"}
        and all(isinstance(v, str) and v for v in s.values())
        for s in sources
    ):
        raise GoldFormatError(f'{where}: sources must be a list of {{"doc", "quote"}} strings')
    if row["answerable"] and not (answers and sources):
        raise GoldFormatError(f"{where}: an answerable row needs answers and sources")
    if not row["answerable"] and (answers or sources):
        raise GoldFormatError(f"{where}: an unanswerable row has empty answers and sources")


def load_gold(path: Path, documents_dir: Path) -> list[GoldItem]:
    """Read and check a gold file; each quote is located in its document (first occurrence)."""
    texts: dict[str, str | None] = {}
    items: list[GoldItem] = []
    seen: set[str] = set()
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise GoldFormatError(f"{path}: not UTF-8 text (a gold file is JSON lines)") from None
    except OSError as exc:
        raise GoldFormatError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path} line {n}"
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise GoldFormatError(f"{where}: not valid JSON ({exc.msg})") from None
        _check_row(row, where)
        where = f"{where} (id {row['id']})"
        if row["id"] in seen:
            raise GoldFormatError(f"{where}: duplicate id")
        seen.add(row["id"])
        spans = []
        for src in row["sources"]:
            if src["doc"] not in texts:
                file = Path(documents_dir) / src["doc"]
                try:
                    data = file.read_bytes() if file.is_file() else None
                except OSError as exc:
                    raise GoldFormatError(
                        f"{where}: document {src['doc']!r} cannot be read ({exc.strerror})"
                    ) from None
                # The text citations point into: extracted, whatever the document's format.
                texts[src["doc"]] = None if data is None else extract(src["doc"], data).text
            text = texts[src["doc"]]
            if text is None:
                raise GoldFormatError(f"{where}: document {src['doc']!r} not found")
            at = text.find(src["quote"])
            if at < 0:
                raise GoldFormatError(
                    f"{where}: quote not found in {src['doc']}: {src['quote'][:60]!r}"
                )
            spans.append(GoldSpan(src["doc"], at, at + len(src["quote"])))
        extra = {k: v for k, v in row.items() if k not in _KEYS}
        items.append(
            GoldItem(row["id"], row["question"], row["answers"], spans, row["answerable"], extra)
        )
    if not items:
        raise GoldFormatError(f"{path}: no questions")
    return items


# ---- metrics (pure) ------------------------------------------------------------------------


def exact_match(prediction: str, golds: list[str]) -> float:
    """1.0 when the normalised prediction equals a normalised gold answer.

    >>> exact_match("Harbin.", ["harbin", "Moscow"])
    1.0
    """
    p = normalize_answer(prediction)
    return float(any(p == normalize_answer(g) for g in golds))


def auroc(scores: list[float], labels: list[bool]) -> float:
    """Probability that a random positive scores above a random negative (ties count half).

    >>> auroc([0.9, 0.8, 0.1, 0.8], [True, True, False, False])
    0.875
    """
    s = np.asarray(scores, dtype=float)
    y = np.asarray(labels, dtype=bool)
    pos, neg = s[y], s[~y]
    if not len(pos) or not len(neg):
        return float("nan")
    greater = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(greater / (len(pos) * len(neg)))


def contains(prediction: str, golds: list[str]) -> float:
    """Some normalised gold answer is a substring of the normalised prediction.

    >>> contains("It was held in Harbin [1].", ["Harbin"])
    1.0
    """
    p = normalize_answer(prediction)
    return float(any(normalize_answer(g) and normalize_answer(g) in p for g in golds))


def spans_overlap(doc: str, start: int, end: int, spans: list[GoldSpan]) -> bool:
    """Does [start, end) in `doc` share a character with a gold span of the same document?

    >>> spans_overlap("a", 5, 10, [GoldSpan("a", 9, 20)]), spans_overlap("b", 5, 10, [GoldSpan("a", 9, 20)])
    (True, False)
    """
    return any(s.doc == doc and start < s.end and s.start < end for s in spans)


def quotes_a_key(quote: str, golds: list[str]) -> bool:
    """Whether a cited quote holds a gold key whole (not inside a longer number or word):
    the gold set marks one copy of each key, a filing prints a figure in several places
    ("AWS: Net sales" in the segment note, "Net Sales: AWS" in the sales by product).

    >>> quotes_a_key("AWS: Net sales — Q3 2023: $23,059", ["23,059"])
    True
    >>> quotes_a_key("Total — $123,059; 2.85%", ["23,059", "2.8"])
    False
    """
    return any(
        g and re.search(rf"(?<![\w.,]){re.escape(g)}(?![\w]|[.,]\d)", quote, re.I) for g in golds
    )


def first_relevant_rank(passages: list[dict], spans: list[GoldSpan]) -> int | None:
    """Rank (1-based) of the first retrieved passage overlapping a gold span, or None."""
    for p in passages:
        if spans_overlap(p["doc"], p["start"], p["end"], spans):
            return p["rank"]
    return None


def reciprocal_rank(rank: int | None) -> float:
    """1/rank of the first relevant passage, 0 when none was retrieved.

    >>> reciprocal_rank(4), reciprocal_rank(None)
    (0.25, 0.0)
    """
    return 1.0 / rank if rank else 0.0


def hit_at_k(rank: int | None, k: int) -> float:
    """1.0 when the first relevant passage is within the top k.

    >>> hit_at_k(3, 5), hit_at_k(3, 1), hit_at_k(None, 5)
    (1.0, 0.0, 0.0)
    """
    return float(rank is not None and rank <= k)


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile; 0.0 for no values.

    >>> percentile([1.0, 2.0, 3.0, 4.0], 50)
    2.5
    """
    return float(np.percentile(values, q)) if values else 0.0


def _mean(values: list[float]) -> float:
    return float(sum(values) / len(values)) if values else 0.0


def summarize(rows: list[dict], generator: str, embedding_model: str, by_type: bool = True) -> dict:
    """Per-question rows -> the summary. Ratios with an empty denominator are 0.0.

    Each row has: answerable, abstained, rank (first relevant), em, f1, contains, short_em,
    short_f1, citations_total, citations_correct, latency_s.
    """
    ans = [r for r in rows if r["answerable"]]
    unans = [r for r in rows if not r["answerable"]]
    cited = sum(r["citations_total"] for r in ans)
    correct = sum(r["citations_correct"] for r in ans)
    # Per question type (BREAKDOWN keys the rows carry): the same metrics over each value's rows.
    by = {
        key: {
            value: {
                k: v
                for k, v in summarize(
                    [r for r in rows if r.get(key) == value], generator, embedding_model, False
                ).items()
                if k not in ("generator", "embedding_model")
            }
            for value in sorted({r[key] for r in rows if key in r})
        }
        for key in BREAKDOWN
        # the bot's own form only when it chose more than one: one group repeats the totals
        if by_type
        and any(key in r for r in rows)
        and (key != "answer_form" or len({r.get(key) for r in rows}) > 1)
    }
    return {
        "n_questions": len(rows),
        "generator": generator,
        "embedding_model": embedding_model,
        "retrieval": {
            "hit_at_1": _mean([hit_at_k(r["rank"], 1) for r in ans]),
            "hit_at_5": _mean([hit_at_k(r["rank"], 5) for r in ans]),
            "mrr": _mean([reciprocal_rank(r["rank"]) for r in ans]),
        },
        "answer": {
            "exact_match": _mean([r["em"] for r in ans]),
            "token_f1": _mean([r["f1"] for r in ans]),
            "contains": _mean([r["contains"] for r in ans]),
            # SQuAD's EM / F1 of the short answer (the whole answer for generators that give
            # none); an abstention scores 0.
            "short_exact_match": _mean([r["short_em"] for r in ans]),
            "short_token_f1": _mean([r["short_f1"] for r in ans]),
        },
        "citations": {
            "precision": correct / cited if cited else 0.0,
            # a citation counts when it quotes a gold key as well as when it is the gold copy
            "key_precision": (
                sum(r.get("citations_with_key", r["citations_correct"]) for r in ans) / cited
                if cited
                else 0.0
            ),
            "recall": _mean([float(r["citations_correct"] > 0) for r in ans]),
        },
        "abstention": {
            "accuracy": _mean([float(r["abstained"] != r["answerable"]) for r in rows]),
            "false_abstain_rate": _mean([float(r["abstained"]) for r in ans]),
            "missed_abstain_rate": _mean([float(not r["abstained"]) for r in unans]),
        },
        "latency_s": {
            "p50": percentile([r["latency_s"] for r in rows], 50),
            "p95": percentile([r["latency_s"] for r in rows], 95),
        },
        # CPU seconds per question (this process, all threads): on a shared machine the wall
        # time measures the other jobs as much as this one.
        **(
            {
                "cpu_s": {
                    "p50": percentile([r["cpu_s"] for r in rows], 50),
                    "p95": percentile([r["cpu_s"] for r in rows], 95),
                }
            }
            if rows and all("cpu_s" in r for r in rows)
            else {}
        ),
        **({"by": by} if by else {}),
    }


def score_answer(item: GoldItem, answer: dict, latency: float) -> dict:
    """One question's result (Answer.to_dict()) scored against its gold item."""
    rank = first_relevant_rank(answer["passages"], item.spans) if item.answerable else None
    text = "" if answer["abstained"] else answer["answer"]
    short = answer.get("short_answer")
    short_text = short["text"] if short else text
    cites = answer["citations"] if item.answerable and not answer["abstained"] else []
    return {
        **item.extra,
        "id": item.id,
        "question": item.question,
        "answerable": item.answerable,
        "abstained": answer["abstained"],
        "answer_form": answer.get("form", "fact"),
        "rank": rank,
        "em": exact_match(text, item.answers) if item.answerable else 0.0,
        "f1": token_f1(text, item.answers) if item.answerable else 0.0,
        "contains": contains(text, item.answers) if item.answerable else 0.0,
        "short_em": exact_match(short_text, item.answers) if item.answerable and text else 0.0,
        "short_f1": token_f1(short_text, item.answers) if item.answerable and text else 0.0,
        "citations_total": len(cites),
        "citations_correct": sum(
            spans_overlap(c["doc"], c["start"], c["end"], item.spans) for c in cites
        ),
        "citations_with_key": sum(
            spans_overlap(c["doc"], c["start"], c["end"], item.spans)
            or quotes_a_key(c["quote"], item.answers)
            for c in cites
        ),
        "latency_s": latency,
    }


# ---- running -------------------------------------------------------------------------------


def run_items(rag, items: list[GoldItem], out_dir: Path, progress: bool = True) -> dict:
    from tqdm import tqdm

    from rag.evaluation.report import write_report

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows, details = [], []
    for item in tqdm(items, desc="questions", unit="q", disable=not progress):
        t0, c0 = time.perf_counter(), time.process_time()
        answer = rag.ask(item.question).to_dict()
        row = score_answer(item, answer, time.perf_counter() - t0)
        row["cpu_s"] = time.process_time() - c0
        rows.append(row)
        passages = [{k: v for k, v in p.items() if k != "text"} for p in answer["passages"]]
        details.append(
            {
                **row,
                "answer": answer["answer"],
                "short_answer": answer["short_answer"],
                "confidence": answer["confidence"],
                "why": answer["why"],
                "gold_answers": item.answers,
                "gold_spans": [asdict(s) for s in item.spans],
                "citations": answer["citations"],
                "passages": passages,
            }
        )
    summary = summarize(rows, rag.generator.name, rag.settings.embedding_model)
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    with open(out_dir / "results.jsonl", "w", encoding="utf-8") as f:
        for d in details:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    write_report(summary, details, out_dir)
    return summary


def squad_items(squad_path: Path, split: str, corpus_dir: Path, limit: int = 0) -> list[GoldItem]:
    """Write the articles of one split of a SQuAD-format file into `corpus_dir` (one document
    per article) and return its questions as gold items whose spans are the answers."""
    from rag.training.squad import build_collection, load_squad, select

    try:
        articles = load_squad(squad_path)
    except UnicodeDecodeError:
        raise GoldFormatError(f"{squad_path}: not a usable SQuAD file (not UTF-8 text)") from None
    except OSError as exc:
        raise GoldFormatError(f"{squad_path}: cannot be read ({exc.strerror or exc})") from None
    except json.JSONDecodeError as exc:
        raise GoldFormatError(
            f"{squad_path}: not a usable SQuAD file (not JSON: {exc.msg} at line {exc.lineno})"
        ) from None
    except KeyError as exc:
        raise GoldFormatError(f"{squad_path}: not a usable SQuAD file (no key {exc})") from None
    except (ValueError, TypeError, AttributeError) as exc:
        raise GoldFormatError(f"{squad_path}: not a usable SQuAD file ({exc})") from None
    try:
        titles = select(articles, split)
    except ValueError as exc:  # an unknown split name
        raise ConfigError(str(exc)) from None
    except (TypeError, AttributeError) as exc:
        raise GoldFormatError(f"{squad_path}: not a usable SQuAD file ({exc})") from None
    try:
        coll = build_collection(articles, titles)
    except (TypeError, AttributeError, AssertionError) as exc:
        raise GoldFormatError(f"{squad_path}: not a usable SQuAD file ({exc})") from None
    if not coll.questions:
        raise GoldFormatError(f"{squad_path}: no questions (split {split!r})")
    corpus_dir = Path(corpus_dir)
    corpus_dir.mkdir(parents=True, exist_ok=True)
    for old in corpus_dir.glob("*.txt"):
        if old.name not in coll.documents:
            old.unlink()
    for name, text in coll.documents.items():
        target = corpus_dir / name
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
    questions = coll.questions[:limit] if limit else coll.questions
    return [
        GoldItem(
            q.id,
            q.question,
            list(dict.fromkeys(t for t, _ in q.answers)),
            [GoldSpan(coll.doc_of[q.id], a, b) for a, b in coll.spans[q.id]],
            q.answerable,
        )
        for q in questions
    ]


def _leaves(d: dict, prefix: str = "") -> dict[str, object]:
    out: dict[str, object] = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(_leaves(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def compare_summaries(a: dict, b: dict, name_a: str = "A", name_b: str = "B") -> str:
    """Two summaries side by side, every leaf, with B - A for numbers."""
    la, lb = _leaves(a), _leaves(b)
    keys = list(dict.fromkeys([*la, *lb]))
    width = max((len(k) for k in keys), default=len("metric"))
    lines = [f"{'metric':<{width}}  {name_a[-24:]:>24}  {name_b[-24:]:>24}  {'B - A':>8}"]
    for k in keys:
        va, vb = la.get(k, "-"), lb.get(k, "-")
        num = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (va, vb))
        diff = f"{vb - va:+.3f}" if num else ""
        fa = f"{va:.3f}" if isinstance(va, float) else str(va)
        fb = f"{vb:.3f}" if isinstance(vb, float) else str(vb)
        lines.append(f"{k:<{width}}  {fa[-24:]:>24}  {fb[-24:]:>24}  {diff:>8}")
    return "\n".join(lines)
