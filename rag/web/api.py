"""The JSON shapes of the API (`/ask`, `/documents`, `/document`, `/upload`, `/delete`).

One source of truth: `/ask` returns `Answer.to_dict()` less the keys that are internal to a run,
and its types are derived here from the `Answer`, `Citation`, `ShortAnswer` and `Passage`
dataclasses, so a field added to the answer reaches the API and its documentation together.
A document's shape is the library's entry (`RAG.documents()`); `DocumentText` is derived from it.
"""

from __future__ import annotations

import dataclasses
import typing
from typing import TypedDict

from rag.answer.base import ShortAnswer
from rag.answer.cite import Citation
from rag.ingest.chunk import Chunk
from rag.result import Answer
from rag.retrieve import Passage

from .render import sorted_related

# Keys of Answer.to_dict() that stay in the process: the question as typed, every passage
# retrieved and the draft sentences dropped (the page uses them; the API never had them). The
# query the documents were searched with (a follow-up's rewrite) is part of the API.
INTERNAL = ("question", "passages", "dropped")
# A related passage's rank is its place in the list the API returns.
RELATED_INTERNAL = ("rank",)
# Keys to_dict() derives rather than stores: their types.
DERIVED = {"display": str}  # the text with its markup rendered, for reading only


def _hints(*classes) -> dict[str, object]:
    out: dict[str, object] = {}
    for cls in classes:
        out.update(typing.get_type_hints(cls))
    return out


def _blank(cls):
    """An instance with empty required fields: its to_dict() names the keys, in order."""
    empty = {str: "", int: 0, float: 0.0, bool: False}
    hints = typing.get_type_hints(cls)
    return cls(
        **{
            f.name: empty.get(hints[f.name])
            for f in dataclasses.fields(cls)
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        }
    )


CitationDict = TypedDict(
    "CitationDict",
    {
        **{f.name: typing.get_type_hints(Citation)[f.name] for f in dataclasses.fields(Citation)},
        **DERIVED,
        "origin": dict[str, str],  # where the cited document came from (uploaded, or the folder)
    },
)
ShortAnswerDict = TypedDict(
    "ShortAnswerDict",
    {f.name: typing.get_type_hints(ShortAnswer)[f.name] for f in dataclasses.fields(ShortAnswer)},
)
_PASSAGE_KEYS = list(Passage(rank=1, score=0.0, chunk=_blank(Chunk)).to_dict())
RelatedDict = TypedDict(
    "RelatedDict",
    {
        k: {**_hints(Chunk, Passage), **DERIVED}[k]
        for k in _PASSAGE_KEYS
        if k not in RELATED_INTERNAL
    },
)
_NESTED = {
    "citations": list[CitationDict],
    "related": list[RelatedDict],
    "short_answer": ShortAnswerDict | None,
}
ASK_KEYS = [k for k in _blank(Answer).to_dict() if k not in INTERNAL]
AskResult = TypedDict(
    "AskResult",
    {
        **{k: _NESTED.get(k, _hints(Answer)[k]) for k in ASK_KEYS},
        "error": str,  # "" for an answer (a refusal too); why, when the question was not taken
    },
)


class DocumentInfo(TypedDict):
    """One entry of the library, as `RAG.documents()` returns it."""

    name: str  # what /ask's `documents`, /document and /delete take
    title: str
    format: str  # pdf, docx, html, md or txt
    pages: int | None
    bytes: int
    passages: int
    added: str  # "YYYY-MM-DD HH:MM"
    status: str  # "indexed" or "indexing"
    origin: dict[str, str]


_NOT_IN_TEXT = ("status", "passages")


class PassageSpan(TypedDict):
    chunk_id: str
    start: int
    end: int


# A document whole has its passages' spans instead of their count; `status` is always indexed.
_ENTRY = {k: v for k, v in typing.get_type_hints(DocumentInfo).items() if k not in _NOT_IN_TEXT}
DocumentText = TypedDict(
    "DocumentText",
    {
        **_ENTRY,
        "text": str,  # what every citation's start and end point into
        "passages": list[PassageSpan],
        # JSON has no tuples: each is a list of two, [offset where a heading starts, its path]
        "sections": list[list[int | str]],
        "page_starts": list[list[int]],  # [offset where a page starts, page number]
        "error": str,
    },
    total=False,
)


class AddedFile(TypedDict):
    file: str  # the name it was sent with
    name: str  # the document's name here


class RefusedFile(TypedDict):
    file: str
    reason: str  # plain words


class UploadResult(TypedDict):
    added: list[AddedFile]
    duplicates: list[AddedFile]  # name: the document that already has these bytes
    refused: list[RefusedFile]
    documents: list[DocumentInfo]
    error: str  # "" unless the whole request was refused


class DeleteResult(TypedDict):
    deleted: DocumentInfo | None
    documents: list[DocumentInfo]
    error: str


def ask_result(answer: Answer) -> AskResult:
    """The `/ask` shape of an answer: its dict less the internal keys, related passages most
    relevant first."""
    d = answer.to_dict()
    out = {k: d[k] for k in ASK_KEYS}
    out["related"] = [
        {k: p[k] for k in RelatedDict.__annotations__} for p in sorted_related(d["related"])
    ]
    out["error"] = ""
    return out  # type: ignore[return-value]


def error_result(message: str, generator: str) -> AskResult:
    """The `/ask` shape for a refused or failed question: an empty answer, plus `error`.

    >>> sorted(error_result("No.", "reader")) == sorted([*ASK_KEYS, "error"])
    True
    """
    empty = Answer(question="", answer="", abstained=True, generator=generator)
    return {**ask_result(empty), "error": message}


def document_text(doc: dict) -> DocumentText:
    """The `/document` shape of `RAG.document(name)`."""
    return {**{k: doc.get(k) for k in DocumentText.__annotations__}, "error": ""}  # type: ignore[return-value]


def typed(fn):
    """Resolve a function's annotations (modules here defer them) so that gr.api documents
    its parameters and return type."""
    fn.__annotations__ = typing.get_type_hints(fn)
    return fn


def parameter_help(fn) -> dict[str, str]:
    """Each parameter's help from a docstring's "Parameters:" section ("name: words", a line
    indented deeper continues it).

    >>> def f(a, b):
    ...     \"\"\"Do it.
    ...
    ...     Parameters:
    ...         a: the first
    ...             one
    ...         b: the other
    ...     \"\"\"
    >>> parameter_help(f)
    {'a': 'the first one', 'b': 'the other'}
    """
    import inspect

    doc = inspect.getdoc(fn) or ""
    lines = doc.split("\n")
    out: dict[str, str] = {}
    names = set(inspect.signature(fn).parameters)
    inside, current = False, None
    for line in lines:
        if line.strip() in ("Parameters:", "Args:"):
            inside = True
            continue
        if not inside:
            continue
        if not line.strip() or line.strip() == "Returns:":
            break
        name, colon, rest = line.strip().partition(":")
        if colon and name in names and not line.startswith(" " * 8):
            current = name
            out[name] = rest.strip()
        elif current:
            out[current] += " " + line.strip()
    return out
