"""Every answer model by name, loaded only when chosen: the one list `Settings` checks
`generator` against, and the fallback chain."""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING

from rag.errors import GeneratorUnavailable

if TYPE_CHECKING:
    from rag.answer.base import Model
    from rag.store.embed import Embedder

log = logging.getLogger(__name__)

# name -> "module:class", imported on first use.
GENERATORS = {
    "seq2seq": "rag.answer.generative:Seq2SeqGenerator",
    "reader": "rag.answer.reading:ReaderGenerator",
    "extractive": "rag.answer.extractive:ExtractiveGenerator",
    "instruct": "rag.answer.generative:InstructGenerator",
}


def generator_class(name: str) -> type[Model]:
    module, _, cls = GENERATORS[name].partition(":")
    return getattr(importlib.import_module(module), cls)


# Order tried by "auto": a seq2seq model the user supplied, the trained reader, the hand-scored
# sentence picker, the small instruct model (measured weakest on the gold set).
CHAIN = ("seq2seq", "reader", "extractive", "instruct")


def load_generator(kind: str, settings, embedder: Embedder) -> tuple[Model, list[str]]:
    """The first generator that loads, starting at `kind`, and why each earlier one did not."""
    order = list(CHAIN) if kind == "auto" else [kind] + [k for k in CHAIN if k != kind]
    failures: list[str] = []
    for k in order:
        try:
            gen = generator_class(k).from_settings(settings, embedder)
            gen.warm_up()
        except GeneratorUnavailable as exc:
            quiet = kind == "auto" and exc.absent
            level = logging.INFO if quiet else logging.WARNING
            log.log(level, "generator %s unavailable, falling back: %s", k, exc)
            failures.append(str(exc))
            continue
        return gen, failures
    raise GeneratorUnavailable("; ".join(failures))
