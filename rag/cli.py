"""`rag index | ask | eval`: the command line. Library errors become one-line messages here."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from .errors import DiskFull, RagError
from .settings import Settings, apply_offline_policy


def _settings_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("settings (override RAG_* environment variables)")
    g.add_argument(
        "--docs",
        dest="documents_dir",
        help="documents folder (default data/, first a copy of seeds/)",
    )
    g.add_argument("--index-dir", help="where the index is stored (default index/)")
    g.add_argument("--embedding-model", help="sentence-transformers model name or folder")
    g.add_argument("--generator", help="auto, seq2seq, reader, extractive or instruct")
    g.add_argument("--generator-model", help="seq2seq model id or folder")
    g.add_argument(
        "--reader-model", help="question-answering model folder or id (default: shipped)"
    )
    g.add_argument("--reader-top-k", type=int, help="passages the reader reads")
    g.add_argument("--top-k", type=int, help="passages retrieved per question")
    g.add_argument(
        "--rerank-pool",
        type=int,
        help="passages of each steered document the reader reads to reorder them (0: off)",
    )
    g.add_argument("--chunk-tokens", type=int, help="max word pieces per passage")
    g.add_argument("--chunk-overlap-tokens", type=int, help="word pieces shared by neighbours")
    g.add_argument(
        "--allow-download",
        action="store_const",
        const=True,
        help="allow fetching models from a hub (off by default)",
    )
    g.add_argument("-v", "--verbose", action="store_true", help="log progress and fallbacks")


def settings_from_args(args: argparse.Namespace) -> Settings:
    keys = (
        "documents_dir",
        "index_dir",
        "embedding_model",
        "generator",
        "generator_model",
        "reader_model",
        "reader_top_k",
        "top_k",
        "rerank_pool",
        "chunk_tokens",
        "chunk_overlap_tokens",
        "allow_download",
    )
    settings = Settings.from_env(**{k: getattr(args, k, None) for k in keys})
    apply_offline_policy(settings.allow_download)
    return settings


def _say(message: str) -> None:
    """A line about what is happening, on stderr: stdout carries only the result (or JSON)."""
    print(message, file=sys.stderr, flush=True)


def _progress_bar(desc: str):
    """A `progress(done, total)` callback drawing a bar of passages embedded so far."""
    from tqdm import tqdm

    bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, desc=desc, unit="passage", file=sys.stderr)
        bar.update(min(done, total) - bar.n)  # update(), not n=: tqdm then times the rate
        if done >= total:
            bar.close()
            bar = None  # a later refresh draws a bar of its own

    return update


def _no_documents(folder: Path) -> str:
    from rag.ingest.documents import SUFFIXES

    kinds = [s for s in (".txt", ".md", ".pdf", ".docx", ".html") if s in SUFFIXES]
    listed = ", ".join(kinds[:-1]) + f" or {kinds[-1]}" if len(kinds) > 1 else kinds[0]
    return f"no documents in {folder}: add {listed} files"


def _require_documents(settings: Settings, args) -> None:
    """Refuse at once, before any model loads, a documents folder that is missing or empty.

    The default folder starts as a copy of the seed documents the first time, as in the app;
    a folder named with --docs must exist (a typo does not make a new collection).
    """
    from rag.ingest.documents import list_document_files, seed_documents_dir

    from .errors import IngestError

    if args.documents_dir is None and seed_documents_dir(settings.documents_dir, settings.seed_dir):
        _say(f"created {settings.documents_dir} from the seed documents in {settings.seed_dir}")
    if not list_document_files(settings.documents_dir):  # raises if the folder is missing
        raise IngestError(_no_documents(settings.documents_dir))


def _require_passages(rag, report) -> None:
    """After a refresh: refuse an index with nothing to search, saying why."""
    from .errors import IngestError

    if report.total_chunks:
        return
    folder = rag.settings.documents_dir
    if rag.load_errors:
        n = len(rag.load_errors)
        raise IngestError(f"no readable documents in {folder}: {n} skipped (see above)")
    raise IngestError(_no_documents(folder))


def _build(settings: Settings):
    _say(f"loading the embedding model {settings.embedding_model}...")
    from .pipeline import RAG

    return RAG(settings)  # light: the generator loads on the first question


class _LazyEmbedder:
    """The embedding model's name and sizes read from its folder's config files; the model
    itself (seconds to load) only when something must be embedded. `rag docs` over an index
    that is up to date never embeds."""

    def __init__(self, settings: Settings):
        from rag.store.embed import resolve_embedding_model

        self._settings = settings
        self.name = settings.embedding_model
        folder = Path(resolve_embedding_model(self.name, settings.allow_download))
        try:
            self.max_tokens = int(
                json.loads((folder / "sentence_bert_config.json").read_text())["max_seq_length"]
            )
            self.dim = int(
                json.loads((folder / "1_Pooling" / "config.json").read_text())[
                    "word_embedding_dimension"
                ]
            )
        except (OSError, ValueError, KeyError, TypeError):
            self._load()  # another layout: ask the model

    def _load(self):
        if "_model" not in self.__dict__:
            from rag.store.embed import Embedder

            _say(f"loading the embedding model {self.name}...")
            model = Embedder(self.name, self._settings.allow_download)
            self.__dict__["_model"] = model
            self.max_tokens, self.dim = model.max_tokens, model.dim
        return self.__dict__["_model"]

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return getattr(self._load(), attr)


def _build_light(settings: Settings):
    """A RAG for the library's commands: the embedding model loads only if needed."""
    from .pipeline import RAG

    return RAG(settings, embedder=_LazyEmbedder(settings))


def _load_generator(rag) -> None:
    """Load the generator now, saying so, rather than silently inside the first question."""
    s = rag.settings
    what = {
        "reader": "the reader",
        "seq2seq": f"the seq2seq model {s.generator_model}",
        "instruct": "the instruct model",
        "extractive": "",
    }.get(s.generator, "the answer model")
    if what:
        _say(f"loading {what}...")
    _ = rag.generator


def cmd_index(args) -> int:
    settings = settings_from_args(args)
    _require_documents(settings, args)
    rag = _build(settings)
    bars = _index_bars()
    report = rag.refresh(bars.passages, commit_passages=256, on_documents=bars.documents)
    bars.close()
    for msg in rag.load_errors.values():
        print(f"skipped: {msg}", file=sys.stderr)
    print(report.summary())
    if report.embedded_chunks:
        print(_throughput(report))
    _require_passages(rag, report)
    return 0


def _throughput(report) -> str:
    """Pages and passages per second, and which stage's CPU time bounds them.

    >>> from rag.store.base import UpdateReport
    >>> r = UpdateReport(embedded_chunks=300, seconds=10.0, pages=50,
    ...                  cpu={"extract": 1.0, "chunk": 2.0, "embed": 30.0, "write": 0.5})
    >>> print(_throughput(r))
    50 pages, 300 passages in 10.0 s: 5.0 pages/s, 30.0 passages/s
    CPU seconds: extract 1.0, chunk 2.0, embed 30.0, write 0.5 (bound by embed: 90%)
    """
    s = max(report.seconds, 1e-9)
    line = (
        f"{report.pages} pages, {report.embedded_chunks} passages in {report.seconds:.1f} s: "
        f"{report.pages / s:.1f} pages/s, {report.embedded_chunks / s:.1f} passages/s"
    )
    cpu = {k: report.cpu.get(k, 0.0) for k in ("extract", "chunk", "embed", "write")}
    total = sum(cpu.values())
    if not total:
        return line
    top = max(cpu, key=cpu.get)
    parts = ", ".join(f"{k} {v:.1f}" for k, v in cpu.items())
    return f"{line}\nCPU seconds: {parts} (bound by {top}: {cpu[top] / total:.0%})"


class _index_bars:
    """Two bars for `rag index`: documents committed (searchable) and passages embedded."""

    def __init__(self):
        from tqdm import tqdm

        self._tqdm = tqdm
        self.docs = self.chunks = None

    def documents(self, done: int, total: int) -> None:
        if self.docs is None:
            self.docs = self._tqdm(
                total=total, desc="documents", unit="doc", file=sys.stderr, position=0
            )
        self.docs.total = total
        self.docs.update(done - self.docs.n)

    def passages(self, done: int, total: int) -> None:
        if self.chunks is None:
            self.chunks = self._tqdm(
                total=total, desc="passages", unit="passage", file=sys.stderr, position=1
            )
        self.chunks.total = total  # grows as documents are read
        self.chunks.update(min(done, total) - self.chunks.n)

    def close(self) -> None:
        for bar in (self.docs, self.chunks):
            if bar is not None:
                bar.close()


def cmd_ask(args) -> int:
    from .questions import clean_question
    from .text import display_text

    settings = settings_from_args(args)
    clean_question(args.question, settings.max_question_chars)  # an empty one fails at once
    _require_documents(settings, args)
    rag = _build(settings)
    try:
        report = rag.refresh(_progress_bar("embedding"))
    except DiskFull as exc:  # what is indexed still answers
        _say(f"note: {exc}; answering from what is indexed")
        from rag.store.base import UpdateReport

        snap = rag.store.current()
        report = UpdateReport(total_chunks=snap.ntotal if snap else 0)
    if report.touched:
        print(report.summary(), file=sys.stderr)
    _require_passages(rag, report)
    _load_generator(rag)
    answer = rag.ask(args.question, documents=args.doc)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
        return 0
    if answer.notice:
        print(f"note: {answer.notice}")
    print(answer.answer)
    if answer.abstained and answer.why:
        print(answer.why)
    print(f"\n(generator: {answer.generator}, {answer.seconds:.2f} s)")
    if answer.citations:
        print("\nSources:")
        for c in answer.citations:
            where = "".join(f", {x}" for x in (c.page and f"page {c.page}", c.section) if x)
            print(f'  [{c.n}] {c.doc}{where}, chars {c.start}-{c.end}: "{c.quote}"')
    elif answer.related:
        print("\nRelated passages (not citations):")
        for p in answer.related:
            print(f"  {p.chunk.doc} ({p.score:.2f}): {display_text(p.chunk.text)[:160]}...")
    return 0


def cmd_eval(args) -> int:
    from rag.evaluation.runner import compare_summaries, load_gold, run_items, squad_items

    if args.compare:
        summaries = []
        for path in args.compare:
            try:
                summary = json.loads(Path(path).read_text(encoding="utf-8"))
            except OSError as exc:
                raise RagError(f"--compare {path}: cannot be read ({exc.strerror})") from None
            except ValueError as exc:
                raise RagError(f"--compare {path}: not a summary.json ({exc})") from None
            if not isinstance(summary, dict):
                raise RagError(f"--compare {path}: not a summary.json (not a JSON object)")
            summaries.append(summary)
        print(compare_summaries(*summaries, args.compare[0], args.compare[1]))
        return 0
    if args.squad:
        out = Path(args.out)
        items = squad_items(Path(args.squad), args.split, out / "corpus", args.limit)
        settings = settings_from_args(args).replace(
            documents_dir=out / "corpus", index_dir=out / "index"
        )
        rag = _build(settings)
        _require_passages(rag, rag.refresh(_progress_bar("embedding")))
        _load_generator(rag)
        summary = run_items(rag, items, out, progress=True)
    else:
        if not args.gold:
            raise RagError("rag eval needs --gold PATH or --squad FILE (or --compare A B)")
        if not Path(args.gold).is_file():
            raise RagError(f"--gold {args.gold}: no such file")
        settings = settings_from_args(args)
        _require_documents(settings, args)
        items = load_gold(Path(args.gold), settings.documents_dir)  # checked before models load
        rag = _build(settings)
        _require_passages(rag, rag.refresh(_progress_bar("embedding")))
        _load_generator(rag)
        summary = run_items(rag, items, Path(args.out), progress=True)
    print(json.dumps(summary, indent=2))
    print(f"wrote {args.out}/summary.json, results.jsonl, report.md and plots", file=sys.stderr)
    return 0


def _training(name: str):
    """A training command, imported when it runs (the runtime never loads training code)."""

    def run(args) -> int:
        from rag.training import commands

        return getattr(commands, name)(args)

    return run


def cmd_bench(args) -> int:
    from rag.evaluation.bench import BenchConfig, format_row, run
    from rag.evaluation.ingest_bench import format_ingest, run_ingest

    settings = Settings.from_env()
    apply_offline_policy(settings.allow_download)
    if args.ingest:
        if not Path(args.ingest).is_dir():
            print(f"error: --ingest {args.ingest}: not a folder", file=sys.stderr)
            return 2
        row = run_ingest(Path(args.ingest))
        print(json.dumps(row) if args.json else format_ingest(row), flush=True)
        return 0
    if any(n < 100 for n in args.passages):
        print(f"error: --passages {min(args.passages)}: at least 100", file=sys.stderr)
        return 2
    cfg = BenchConfig(queries=args.queries)
    squad = Path(args.squad) if args.squad else None
    log = (lambda m: None) if args.json else (lambda m: print(m, file=sys.stderr))
    for row in run(
        args.passages, cfg, squad, settings.cache_dir, not args.no_add, log, not args.json
    ):
        print(json.dumps(row) if args.json else format_row(row), flush=True)
    return 0


def _size(entry: dict) -> str:
    from rag.ingest.upload import human_bytes

    return f"{entry['pages']} pages" if entry.get("pages") else human_bytes(entry.get("bytes") or 0)


def cmd_docs(args) -> int:
    """`rag docs list | show NAME | rm NAME`: the document library."""
    settings = settings_from_args(args)
    rag = _build_light(settings)
    if args.action == "rm" and args.name:
        # First: a delete frees space, so it must not wait for (or fail with) a refresh that
        # needs it.
        return _remove(rag, args.name)
    try:
        rag.refresh(_progress_bar("embedding"))
    except DiskFull as exc:  # the library as indexed is still listed and shown
        _say(f"note: {exc}")
    if args.action == "list":
        rows = rag.documents()
        if args.json:
            print(json.dumps(rows, ensure_ascii=False, indent=2))
            return 0
        if not rows:
            print(f"no documents in {settings.documents_dir}")
            return 0
        for d in rows:
            print(
                f"{d['name']}  [{d['format']}, {_size(d)}, {d['passages']} passages, "
                f"added {d['added'] or '-'}]\n    {d['title']}"
            )
        print(f"{len(rows)} documents in {settings.documents_dir}")
        return 0
    if not args.name:
        raise RagError(f"rag docs {args.action} needs a document name (see `rag docs list`)")
    if args.action == "show":
        d = rag.document(args.name)
        if args.json:
            print(json.dumps(d, ensure_ascii=False, indent=2))
            return 0
        print(
            f"{d['title']}\n{d['name']} · {d['format']} · {_size(d)} · {len(d['passages'])} passages"
        )
        sections = {a: s for a, s in d["sections"]}
        pages = {a: p for a, p in d["page_starts"]}
        text, out, last = d["text"], [], 0
        for at in sorted({*sections, *pages}):
            out.append(text[last:at])
            if at in pages:
                out.append(f"\n--- page {pages[at]} ---\n")
            last = at
        out.append(text[last:])
        print("\n" + "".join(out))
        return 0
    return _remove(rag, args.name)


def _remove(rag, name: str) -> int:
    removed = rag.delete_document(name)
    print(f"removed {removed['name']} ({removed['passages']} passages)")
    # The index forgets it now, not at the next `rag index`; only that is written (no other
    # document is indexed here), so a delete on a full disk is quick and frees space.
    commit = getattr(rag.store, "commit_deletions", None)
    try:
        commit() if commit is not None else rag.refresh()
    except DiskFull as exc:  # deleted all the same: the next refresh drops its passages
        _say(f"note: {exc}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rag", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("index", help="build or refresh the index")
    _settings_args(p)
    p.set_defaults(func=cmd_index)
    p = sub.add_parser("ask", help="answer one question with sources")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="print the machine-readable result")
    p.add_argument(
        "--doc",
        action="append",
        metavar="NAME",
        help="search only this document (repeat for several; default: all)",
    )
    _settings_args(p)
    p.set_defaults(func=cmd_ask)
    p = sub.add_parser("docs", help="the document library: list, show or remove documents")
    p.add_argument("action", choices=("list", "show", "rm"))
    p.add_argument("name", nargs="?", help="document name (as `rag docs list` prints it)")
    p.add_argument("--json", action="store_true", help="print the machine-readable result")
    _settings_args(p)
    p.set_defaults(func=cmd_docs)
    p = sub.add_parser("eval", help="run a gold question set through the pipeline")
    p.add_argument("--gold", help="gold JSONL file")
    p.add_argument("--out", default="eval/out", help="output folder (default eval/out)")
    p.add_argument("--compare", nargs=2, metavar=("A", "B"), help="compare two summary.json")
    p.add_argument("--squad", help="a SQuAD-format JSON file: its contexts become the corpus")
    p.add_argument("--split", default="all", help="with --squad: train, dev, test or all")
    p.add_argument("--limit", type=int, default=0, help="with --squad: only the first N questions")
    _settings_args(p)
    p.set_defaults(func=cmd_eval)
    p = sub.add_parser("bench", help="retrieval speed, memory and recall beside the floor")
    p.add_argument(
        "--passages", type=int, nargs="+", default=[10_000], help="collection sizes (10000)"
    )
    p.add_argument("--queries", type=int, default=200, help="questions per size (200)")
    p.add_argument(
        "--squad",
        default=str(
            Path(__file__).resolve().parent.parent.parent / "shared/data/squad/squad-train.json"
        ),
        help="SQuAD-format file for real sentences and questions (seeds alone if missing)",
    )
    p.add_argument("--no-add", action="store_true", help="skip the add-one-document timing")
    p.add_argument(
        "--ingest",
        metavar="DIR",
        help="instead: index the documents in DIR (a fresh index) and compare with "
        "sentence-transformers encoding the same passages",
    )
    p.add_argument("--json", action="store_true", help="one JSON object per size")
    p.add_argument("-v", "--verbose", action="store_true")
    p.set_defaults(func=cmd_bench)
    p = sub.add_parser(
        "fit-answerability", help="fit the reader's answerability head on the training articles"
    )
    p.add_argument("--squad", required=True, help="SQuAD-format JSON file")
    p.add_argument("--model", default="shipped", help="reader model folder (default: shipped)")
    p.add_argument("--limit", type=int, default=0, help="at most N training questions")
    p.add_argument("--l2", type=float, default=10.0)
    p.add_argument("-v", "--verbose", action="store_true")
    p.set_defaults(func=_training("cmd_fit_answerability"))
    p = sub.add_parser("fit-verifier", help="fit the reader's abstention verifier on a split")
    p.add_argument("--squad", required=True, help="SQuAD-format JSON file")
    p.add_argument("--split", default="dev", help="train, dev, test or all (default dev)")
    p.add_argument("--work", default="runs/verifier", help="corpus and index folder")
    p.add_argument("--out", help="verifier.json path (default: beside the reader model)")
    p.add_argument("--limit", type=int, default=0)
    p.add_argument("--max-false-abstain", type=float, default=0.12)
    p.add_argument(
        "--fold-reader",
        action="append",
        metavar="FOLD=READER",
        help="also fit on FOLD's questions read by a reader trained without them "
        "(train-reader --leave-out-fold); repeatable",
    )
    _settings_args(p)
    p.set_defaults(func=_training("cmd_fit_verifier"))
    p = sub.add_parser("train-reader", help="fine-tune the extractive reader on SQuAD 2.0 data")
    p.add_argument("--squad", required=True, help="SQuAD-format JSON file")
    p.add_argument("--out", required=True, help="run folder (checkpoints; resumes if present)")
    for name, typ in (
        ("epochs", float),
        ("lr", float),
        ("batch_size", int),
        ("seed", int),
        ("data_fraction", float),
        ("max_steps", int),
        ("limit_questions", int),
        ("dev_limit", int),
        ("max_tokens", int),
        ("checkpoint_every", int),
        ("swap_negatives", float),
        ("other_negatives", float),
        ("init_from", str),
        ("leave_out_fold", int),
        ("doc_heads", int),
        ("tallies", int),
        ("rewordings", int),
    ):
        p.add_argument(f"--{name.replace('_', '-')}", dest=name, type=typ)
    p.add_argument("-v", "--verbose", action="store_true")
    p.set_defaults(func=_training("cmd_train_reader"))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if not args.verbose:
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
    try:
        return args.func(args)
    except RagError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
