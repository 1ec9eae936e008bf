"""`rag train-reader`, `rag fit-answerability`, `rag fit-verifier`: the training commands.

The CLI imports this module only when one of them runs, so the runtime never loads training code.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rag.cli import _build, _load_generator, _progress_bar, settings_from_args
from rag.errors import RagError


def _verifier_rows(args, split: str, work: Path, reader_model: str | None = None):
    """The reader's candidate answers to one split's questions: the verifier's inputs, whether
    each question is answerable, and whether the cited sentence holds the answer."""
    from tqdm import tqdm

    from rag.evaluation.runner import spans_overlap, squad_items

    items = squad_items(Path(args.squad), split, work / "corpus", args.limit)
    settings = settings_from_args(args).replace(
        documents_dir=work / "corpus", index_dir=work / "index", generator="reader"
    )
    if reader_model:
        settings = settings.replace(reader_model=reader_model)
    rag = _build(settings)
    rag.refresh(_progress_bar("embedding"))
    _load_generator(rag)
    rows, labels, targets = [], [], []
    for item in tqdm(items, desc=f"reading {split}", unit="q", file=sys.stderr):
        cand = rag.candidate(item.question)
        if cand is not None:
            rows.append(cand.features)
            labels.append(item.answerable)
            # The weights learn "answerable and the cited sentence holds the answer": a span
            # in the wrong sentence counts against answering (research/verifier_study.py). The
            # threshold is still chosen on answerable or not.
            c = cand.passage.chunk
            targets.append(
                item.answerable
                and spans_overlap(c.doc, c.start + cand.start, c.start + cand.end, item.spans)
            )
    return settings, rows, labels, targets


def cmd_fit_verifier(args) -> int:
    """Fit the abstention verifier on the reader's answers to one split's questions, and on
    the answers of readers that left a fold of training articles out to that fold's."""
    from rag.answer.abstain import fit_verifier
    from rag.answer.reader import resolve_reader_model

    work = Path(args.work)
    folds = []
    for spec in args.fold_reader or []:
        split, _, model = spec.partition("=")
        if not split.startswith("fold") or not model:
            raise RagError(f"--fold-reader {spec!r}: give FOLD=READER, e.g. fold0=runs/fold0/model")
        folds.append((split, model))
    settings, rows, labels, targets = _verifier_rows(args, args.split, work)
    for split, model in folds:
        _, r, lab, tar = _verifier_rows(args, split, work / split, model)
        rows, labels, targets = rows + r, labels + lab, targets + tar
    verifier = fit_verifier(
        rows,
        labels,
        args.max_false_abstain,
        fitted_on=f"{Path(args.squad).name}:{'+'.join([args.split, *(f for f, _ in folds)])}",
        targets=targets,
    )
    out = Path(args.out) if args.out else Path(resolve_reader_model(settings.reader_model))
    out = out / "verifier.json" if out.is_dir() else out
    verifier.save(out)
    print(
        json.dumps(
            {
                "questions": len(rows),
                "threshold": verifier.threshold,
                "weights": dict(zip(verifier.features, verifier.weights, strict=True)),
            },
            indent=2,
        )
    )
    print(f"wrote {out}", file=sys.stderr)
    return 0


def cmd_train_reader(args) -> int:
    import dataclasses

    from rag.training.train_reader import TrainConfig, train

    if not Path(args.squad).is_file():
        raise RagError(f"--squad {args.squad}: no such file")
    overrides = {
        f.name: getattr(args, f.name)
        for f in dataclasses.fields(TrainConfig)
        if getattr(args, f.name, None) is not None
    }
    summary = train(Path(args.squad), Path(args.out), TrainConfig(**overrides))
    print(
        json.dumps({k: summary[k] for k in ("data", "steps", "train_minutes", "curve")}, indent=2)
    )
    print(f"wrote {args.out}/model (fp16 weights, tokenizer, training.json)", file=sys.stderr)
    return 0


def cmd_fit_answerability(args) -> int:
    from rag.answer.reader import resolve_reader_model
    from rag.training.train_reader import fit_answerability

    folder = Path(resolve_reader_model(args.model))
    report = fit_answerability(folder, Path(args.squad), args.limit, args.l2)
    print(json.dumps(report, indent=2))
    print(f"wrote {folder / 'answerability.json'}", file=sys.stderr)
    return 0
