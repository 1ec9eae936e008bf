"""What the page and the API do, as plain functions of the pipeline (`RAG`) and the library:
no Gradio here, so each is tested without a server (tests/test_web_handlers.py). rag.web.app
wires them to the page's components.
"""

from __future__ import annotations

import contextlib
import html
import json
import logging
import secrets
import threading
import time
from dataclasses import dataclass, field

from rag.background import BackgroundIndexer
from rag.errors import RagError
from rag.pipeline import RAG
from rag.result import Answer

from .api import (
    AskResult,
    DeleteResult,
    DocumentInfo,
    DocumentText,
    UploadResult,
    ask_result,
    document_text,
    error_result,
)
from .render import (
    KEEP_MESSAGES,
    THINKING,
    WRITING,
    as_text,
    chat_reply,
    compact,
    document_rows,
    message_text,
    plural,
    render_document,
    render_sources,
    source_choices,
    status_line,
)
from .serving import ByteBudget, Caller, UploadPolicy, file_list, take_uploads

log = logging.getLogger("rag.app")


class LibraryView:
    """The documents as the page shows them, recomputed only when the index or the indexer's
    state changes (every page polls it)."""

    def __init__(self, rag: RAG, indexer: BackgroundIndexer):
        self.rag, self.indexer = rag, indexer
        self._key = None
        self._docs: list[dict] = []
        self._lock = threading.Lock()

    def key(self) -> tuple:
        snap = self.rag.store.current()
        return (snap.generation if snap else "", self.indexer.describe())

    def docs(self) -> list[dict]:
        key = self.key()
        with self._lock:
            if key == self._key:
                return self._docs
        try:
            docs = self.rag.documents()
        except RagError as exc:
            log.warning("listing the documents failed: %s", exc)
            docs = []
        with self._lock:
            self._key, self._docs = key, docs
        return docs

    def lookup(self, names) -> dict:
        """{name: {"title", "sections"}} for the documents an answer shows."""
        titles = {d["name"]: d["title"] for d in self.docs()}
        out = {}
        for name in set(names):
            layout = self.rag.layout(name) if name in titles else None
            out[name] = {
                "title": titles.get(name, name),
                "sections": list(layout.sections) if layout else [],
            }
        return out


class Examples:
    """Three example questions the bot answers, drawn from the loaded documents. Finding them
    asks the bot (~25 s on the seeds), so it runs in a thread, never on a request: started when
    the app is built (`start`), for the index being served even while a catch-up runs, and
    remembered on disk per index generation, so a restart shows them at once. While new ones
    are found, the last ones stay on the page."""

    def __init__(self, rag: RAG, indexer: BackgroundIndexer, n: int = 3):
        self.rag, self.indexer, self.n = rag, indexer, n
        self.path = rag.settings.cache_dir / "example-questions.json"
        self._for = None  # the generation the questions are for
        self._questions: list[str] = self._load()
        self._running = False
        self._lock = threading.Lock()

    def _generation(self):
        snap = self.rag.store.current()
        return None if snap is None else str(snap.generation)

    def _load(self) -> list[str]:
        try:
            kept = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        if not isinstance(kept, dict) or kept.get("generation") != self._generation():
            return []
        questions = kept.get("questions")
        if isinstance(questions, list) and all(isinstance(q, str) for q in questions):
            self._for = kept["generation"]
            return questions[: self.n]
        return []

    def _save(self, gen, questions: list[str]) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"generation": gen, "questions": questions}), "utf-8")
            tmp.replace(self.path)
        except OSError as exc:  # a help only: the next start finds them again
            log.warning("could not keep the example questions: %s", exc)

    @property
    def pending(self) -> bool:
        """Questions are being found (the page says so)."""
        with self._lock:
            return self._running or (self._for is None and not self._questions)

    def start(self) -> None:
        self.get()

    def get(self) -> list[str]:
        """The questions for the current generation, or the last ones found while new ones are
        being found (a thread is started if none runs)."""
        gen = self._generation()
        with self._lock:
            if self._for == gen or self._running or gen is None:
                return self._questions
            if self._questions and self.indexer.busy:
                return self._questions  # renewed once indexing ends, not at every batch
            self._running = True
        threading.Thread(target=self._work, args=(gen,), name="examples", daemon=True).start()
        return self._questions

    def _work(self, gen) -> None:
        questions: list[str] | None = None
        try:
            from rag.examples import example_questions

            questions = list(example_questions(self.rag, self.n))[: self.n]
        except Exception:  # noqa: BLE001 - examples are a help; the page works without them
            log.exception("finding example questions failed")
        if questions is not None and self._generation() == gen:
            self._save(gen, questions)
        with self._lock:
            if questions is not None:
                self._for, self._questions = gen, questions
            else:
                self._for = gen  # not retried for this generation
            self._running = False

    def wait(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not self._running:
                    return True
            time.sleep(0.05)
        return False


class Tickets:
    """One ticket per question put on the page; `claim` is true once per ticket, so however
    many event chains a double-click starts, the question is answered once.

    >>> t = Tickets(); a = t.new()
    >>> t.claim(a), t.claim(a), t.claim("unknown")
    (True, False, False)
    """

    def __init__(self, keep: int = 10_000):
        self.keep = keep
        self._open: dict[str, None] = {}  # issued, not yet claimed (oldest first)
        self._lock = threading.Lock()

    def new(self) -> str:
        ticket = secrets.token_hex(8)
        with self._lock:
            self._open[ticket] = None
            while len(self._open) > self.keep:
                self._open.pop(next(iter(self._open)))
        return ticket

    def claim(self, ticket) -> bool:
        with self._lock:
            return self._open.pop(ticket, False) is None


# ---- the page's facts


def status(library: LibraryView) -> str:
    """The line under the title."""
    return status_line(library.docs(), library.indexer.describe())


def details(rag: RAG) -> str:
    """The Documents tab's first line: passages indexed, which models answer and embed."""
    snap = rag.store.current()
    return (
        f"{plural(snap.ntotal if snap else 0, 'passage')} indexed · answers written by "
        f"**{rag.generator.name}** · embeddings **{rag.settings.embedding_model}**"
    )


def cited_names(d: dict) -> list[str]:
    """The documents an answer (a dict) shows: cited, then related."""
    return [c["doc"] for c in d.get("citations", [])] + [p["doc"] for p in d.get("related", [])]


# ---- asking


def chat_steps(rag: RAG, message: str, asked: list[str], documents: list[str] | None = None):
    """What the chat shows while a question is answered: WRITING once while a drafting model
    writes (never the draft itself: only text that passed attribution reaches the page), then
    the final Answer."""
    writing = False
    for item in rag.ask_stream(message, history=asked, documents=documents or None):
        if isinstance(item, Answer):
            yield item
        elif not writing:
            writing = True
            yield WRITING


def ask(
    rag: RAG, question: str, history: list[str] | None = None, documents: list[str] | None = None
) -> AskResult:
    """`/ask`: an answer, or the same shape with `error` (never a traceback)."""
    too_big = oversized(history, "history") or oversized(documents, "documents")
    if too_big:
        return error_result(too_big, rag.generator.name)
    try:
        return ask_result(rag.ask(question, history=history, documents=documents or None))
    except RagError as exc:
        return error_result(str(exc), rag.generator.name)
    except Exception:  # noqa: BLE001 - the API answers with a message, never a traceback
        log.exception("ask failed")
        return error_result(
            "Internal error while answering; see the server log.", rag.generator.name
        )


MAX_LIST_ITEMS = 1000  # earlier questions (only the last few are used) or document names
MAX_LIST_CHARS = 200_000


def oversized(items, what: str) -> str:
    """Why a list sent with a question is refused ("" when it is not): a request never holds
    more than a bounded amount of text, whatever a client sends.

    >>> oversized(["a"] * 1001, "history")
    'history has 1001 entries; at most 1000 are taken.'
    >>> oversized(["x" * 200_001], "history"), oversized(None, "history")
    ('history is 200,001 characters long; at most 200,000 are taken.', '')
    """
    if not isinstance(items, list | tuple):
        return ""
    if len(items) > MAX_LIST_ITEMS:
        return f"{what} has {len(items)} entries; at most {MAX_LIST_ITEMS} are taken."
    size = sum(len(x) if isinstance(x, str) else 0 for x in items)
    if size > MAX_LIST_CHARS:
        return f"{what} is {size:,} characters long; at most {MAX_LIST_CHARS:,} are taken."
    return ""


def start_question(tickets: Tickets, message: str, messages: list) -> tuple[list, dict] | None:
    """The question shown at once with a note that the answer is on its way, and its ticket;
    None for a blank question."""
    if not (message or "").strip():
        return None
    shown = list(messages or []) + [
        {"role": "user", "content": message},
        {"role": "assistant", "content": THINKING},
    ]
    return shown, {"id": tickets.new(), "question": message}


@dataclass
class Turn:
    """One state of the chat while a question is answered."""

    messages: list[dict]  # the conversation as shown
    asked: list[str]  # the questions asked so far (the history of follow-ups)
    state: str  # "writing", "answered" or "failed"
    sources: str = ""  # answered: the sources panel
    choices: list[tuple[str, str]] = field(default_factory=list)  # answered: "Show source"
    last: dict | None = None  # answered: the answer, as kept in the browser

    @property
    def done(self) -> bool:
        return self.state != "writing"

    def kept(self) -> dict:
        """The conversation kept in the browser: the latest turns only."""
        return {"messages": self.messages[-KEEP_MESSAGES:], "asked": self.asked, "last": self.last}


def answer_turn(
    rag: RAG,
    library: LibraryView,
    tickets: Tickets,
    ticket: dict | None,
    messages: list,
    asked: list[str],
    scope: list[str] | None = None,
):
    """The Turns of answering a ticket's question; nothing for a ticket already claimed (a
    second click's chain: its question is answered already)."""
    if not isinstance(ticket, dict) or not tickets.claim(ticket.get("id")):
        return
    messages = list(messages or [])
    asked = list(asked or [])
    if messages and message_text(messages[-1]) == THINKING:
        messages.pop()  # the "looking" note

    def turn(content: str, state: str, **kw) -> Turn:
        shown = messages + [{"role": "assistant", "content": content}]
        return Turn(shown, list(asked), state, **kw)

    try:
        final = None
        for item in chat_steps(rag, ticket["question"] or "", asked, scope):
            if isinstance(item, Answer):
                final = item
            else:
                yield turn(WRITING, "writing")
        d = compact(final.to_dict())
        lookup = library.lookup(cited_names(d))
        asked.append(final.question)
        scoped = [n for n in scope or [] if isinstance(n, str)]
        lookup = {**library.lookup(scoped), **lookup} if scoped else lookup
        yield turn(
            chat_reply(d, lookup, scoped, ticket["question"] or ""),
            "answered",
            sources=render_sources(d, library=lookup),
            choices=source_choices(d, lookup),
            last=d,
        )
    except RagError as exc:
        yield turn(as_text(str(exc)), "failed")
    except Exception:  # noqa: BLE001
        log.exception("chat failed")
        yield turn("Something went wrong; see the server log.", "failed")


def focus_source(library: LibraryView, last: dict | None, choice: str | None) -> str | None:
    """The sources panel with source `choice` highlighted; None leaves it as it is."""
    if not last or not choice:
        return None
    return render_sources(last, focus=int(choice), library=library.lookup(cited_names(last)))


@dataclass
class Restored:
    messages: list[dict]
    sources: str
    asked: list[str]
    choices: list[tuple[str, str]] | None  # None: no "Show source" picker
    last: dict | None


def restore(library: LibraryView, convo: dict | None) -> Restored:
    """A reloaded page shows the conversation it had (kept in the browser, so checked)."""
    convo = convo if isinstance(convo, dict) else {}
    last = convo.get("last") if isinstance(convo.get("last"), dict) else None
    messages = [
        m
        for m in convo.get("messages") or []
        if isinstance(m, dict) and m.get("role") in ("user", "assistant")
    ]
    asked = [q for q in convo.get("asked") or [] if isinstance(q, str)]
    if last:
        try:
            lookup = library.lookup(cited_names(last))
            choices = source_choices(last, lookup)
            return Restored(messages, render_sources(last, library=lookup), asked, choices, last)
        except (KeyError, TypeError, ValueError):
            pass
    return Restored(messages, render_sources(None), asked, None, None)


# ---- the library


def list_documents(library: LibraryView) -> list[DocumentInfo]:
    """`/documents`: every document (the library's entries)."""
    return list(library.docs())  # type: ignore[return-value]


def document(rag: RAG, name: str) -> DocumentText:
    """`/document`: one document whole, or `error` (an unknown name)."""
    try:
        return document_text(rag.document(name))
    except RagError as exc:
        return {"error": str(exc)}


def document_page(rag: RAG, name: str | None) -> tuple[str, bool]:
    """A document as the Documents tab shows it, and whether it opened."""
    if not name:
        return "", False
    try:
        return render_document(rag.document(name)), True
    except RagError as exc:
        return f"<p class='why'>{html.escape(str(exc))}</p>", False


def row_name(library: LibraryView, row) -> str | None:
    """The document of a row of the library table (None: no such row)."""
    rows = document_rows(library.docs())
    return rows[row][1] if isinstance(row, int) and 0 <= row < len(rows) else None


def delete(
    rag: RAG, library: LibraryView, policy: UploadPolicy, name: str, user: Caller | str | None
) -> DeleteResult:
    """`/delete`: remove a document by name, if this caller may."""
    refusal = policy.refusal(user)
    if refusal:
        return {"deleted": None, "documents": list_documents(library), "error": refusal}
    try:
        entry = rag.delete_document(name)
    except RagError as exc:
        return {"deleted": None, "documents": list_documents(library), "error": str(exc)}
    library.indexer.request()  # the next commit removes it from the index for good
    return {"deleted": entry, "documents": list_documents(library), "error": ""}  # type: ignore[typeddict-item]


def add_documents(
    rag: RAG,
    library: LibraryView,
    policy: UploadPolicy,
    budget: ByteBudget,
    files,
    user: Caller | str | None,
) -> UploadResult:
    """`/upload` and the page's upload: store what may be stored (checked, named safely) and
    start indexing it in the background; `refused` says why a file was not taken."""
    result: UploadResult = {
        "added": [],
        "duplicates": [],
        "refused": [],
        "documents": [],
        "error": "",
    }
    caller = Caller.of(user)
    refusal = policy.refusal(caller)
    items = file_list(files)
    if refusal:
        result["error"] = refusal
        result["refused"] = [{"file": n, "reason": refusal} for n, _ in items]
    elif not items:
        result["error"] = "No file was sent."
    else:
        backlog = getattr(library.indexer, "backlog", None)
        queued = 0.0
        if backlog is not None:
            folder = rag.settings.documents_dir
            for n in rag.arriving_documents():
                with contextlib.suppress(OSError):
                    queued += backlog.work(n, (folder / n).stat().st_size)
        batch, result["refused"] = take_uploads(
            items, rag.settings, budget, caller.key, backlog, queued
        )
        try:
            stored, rejected = rag.store_files(batch, uploader=caller.user)
        except RagError as exc:
            result["error"] = f"The upload failed: {exc}"
            stored, rejected = [], {}
        for s in stored:
            key = "added" if s.status == "added" else "duplicates"
            result[key].append({"file": s.original, "name": s.name})
        result["refused"] += [{"file": n, "reason": why} for n, why in rejected.items()]
        if result["added"]:
            library.indexer.request()
    result["documents"] = list_documents(library)
    return result
