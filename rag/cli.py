"""`rag index | ask | eval`: the command line. Library errors become one-line messages here."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from .errors import RagError
from .settings import Settings


def _settings_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("settings (override RAG_* environment variables)")
    g.add_argument("--docs", dest="documents_dir", help="documents folder (default seeds/)")
    g.add_argument("--index-dir", help="where the index is stored (default index/)")
    g.add_argument("--embedding-model", help="sentence-transformers model name or folder")
    g.add_argument("--generator", help="auto, seq2seq, instruct or extractive")
    g.add_argument("--generator-model", help="seq2seq model id or folder")
    g.add_argument("--top-k", type=int, help="passages retrieved per question")
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
        "top_k",
        "chunk_tokens",
        "chunk_overlap_tokens",
        "allow_download",
    )
    return Settings.from_env(**{k: getattr(args, k, None) for k in keys})


def _progress_bar(desc: str):
    from tqdm import tqdm

    bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, desc=desc, unit="passage", file=sys.stderr)
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    return update


def _build(settings: Settings, generator: str | None = None):
    from .generate import ExtractiveGenerator
    from .pipeline import RAG

    if generator == "none":  # `rag index` needs no generator
        from .embed import Embedder

        emb = Embedder(settings.embedding_model, settings.allow_download)
        return RAG(settings, embedder=emb, generator=ExtractiveGenerator(emb))
    return RAG(settings)


def cmd_index(args) -> int:
    settings = settings_from_args(args)
    rag = _build(settings, "none")
    report = rag.refresh(_progress_bar("embedding"))
    for msg in rag.load_errors.values():
        print(f"skipped: {msg}", file=sys.stderr)
    print(report.summary())
    return 0


def cmd_ask(args) -> int:
    settings = settings_from_args(args)
    rag = _build(settings)
    report = rag.refresh(_progress_bar("embedding"))
    if report.touched:
        print(report.summary(), file=sys.stderr)
    answer = rag.ask(args.question)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
        return 0
    if answer.notice:
        print(f"note: {answer.notice}")
    print(answer.answer)
    print(f"\n(generator: {answer.generator}, {answer.seconds:.2f} s)")
    if answer.citations:
        print("\nSources:")
        for c in answer.citations:
            print(f'  [{c.n}] {c.doc} chars {c.start}-{c.end}: "{c.quote}"')
    elif answer.related:
        print("\nRelated passages (not citations):")
        for p in answer.related:
            print(f"  {p.chunk.doc} ({p.score:.2f}): {p.chunk.text[:160]}...")
    return 0


def cmd_eval(args) -> int:
    from .eval import compare_summaries, run_eval

    if args.compare:
        a, b = (json.loads(Path(p).read_text()) for p in args.compare)
        print(compare_summaries(a, b, args.compare[0], args.compare[1]))
        return 0
    if not args.gold:
        raise RagError("rag eval needs --gold PATH (or --compare A B)")
    settings = settings_from_args(args)
    rag = _build(settings)
    rag.refresh(_progress_bar("embedding"))
    summary = run_eval(rag, Path(args.gold), Path(args.out), progress=True)
    print(json.dumps(summary, indent=2))
    print(f"wrote {args.out}/summary.json, results.jsonl, report.md and plots", file=sys.stderr)
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
    _settings_args(p)
    p.set_defaults(func=cmd_ask)
    p = sub.add_parser("eval", help="run a gold question set through the pipeline")
    p.add_argument("--gold", help="gold JSONL file")
    p.add_argument("--out", default="eval/out", help="output folder (default eval/out)")
    p.add_argument("--compare", nargs=2, metavar=("A", "B"), help="compare two summary.json")
    _settings_args(p)
    p.set_defaults(func=cmd_eval)
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
