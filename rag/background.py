"""Indexing off the request path: uploads are acknowledged once stored, and one worker thread
brings the index in line with the folder while questions are answered from the previous
generation (the switch to the new one is atomic, see IndexStore)."""

from __future__ import annotations

import logging
import sys
import threading
import time

from rag.store.base import UpdateReport

from .errors import RagError

log = logging.getLogger(__name__)


# A PDF's bytes are mostly fonts, images and layout: on the 20 10-Q filings a byte held 0.15
# characters of text (0.04-0.44 by filing). What a PDF costs to index is counted as a quarter
# of its bytes, still cautious for most, so that two filings chosen together are both taken.
PDF_TEXT_SHARE = 0.25


class Backlog:
    """What the indexer can take: uploads are refused while the files stored but not indexed
    yet would take it more than `horizon_s` to index at the rate it last measured (before any
    measure, a cautious 20 kB/s: MiniLM on one core embeds about 10-30 passages a second).
    Sizes are counted as `work`: text-like bytes. One file always fits when nothing waits, so
    the largest allowed upload is never refused forever."""

    def __init__(self, horizon_s: float = 120.0, bytes_per_s: float = 20_000.0):
        self.horizon_s = horizon_s
        self.bytes_per_s = bytes_per_s

    @staticmethod
    def work(name: str, size: int) -> float:
        """What indexing the file `name` of `size` bytes costs, in text-like bytes.

        >>> Backlog.work("a.pdf", 1000), Backlog.work("a.txt", 1000)
        (250.0, 1000.0)
        """
        return size * (PDF_TEXT_SHARE if name.lower().endswith(".pdf") else 1.0)

    def measured(self, work: float, seconds: float) -> None:
        """A finished run indexed files of `work` (text-like bytes) in `seconds`."""
        if work > 0 and seconds > 0.5:
            self.bytes_per_s = work / seconds

    def refusal(self, name: str, size: int, queued: float) -> str:
        """Why `name` cannot be taken now ("" if it can), with a retry hint; `queued` is the
        work already waiting."""
        limit = self.bytes_per_s * self.horizon_s
        work = self.work(name, size)
        if queued == 0 or queued + work <= limit:
            return ""
        wait = max(5, int((queued + work - limit) / self.bytes_per_s))
        return f"{name}: the server is still indexing earlier uploads; try again in about {wait} s"


class BackgroundIndexer:
    """`request()` asks for a refresh; requests that arrive while one runs are merged into one
    more run. The worker thread exists only while there is work."""

    def __init__(self, rag):
        self.rag = rag
        self._cv = threading.Condition()
        self._requested = False
        self._running = False
        self.done = 0  # passages embedded so far in the current run
        self.total = 0
        self.docs_done = 0  # documents committed so far in the current run, of docs_total
        self.docs_total = 0
        # Each commit holds about this many passages (the first, one document): what is
        # indexed is searchable at once, and newer requests pass between commits.
        self.commit_passages = 256
        self.backlog = Backlog()  # what uploads may queue: follows the measured rate
        self.last: UpdateReport | None = None
        self.error = ""
        # Small batches with a pause between them while questions are being answered: on two
        # cores a 1 MB upload otherwise doubles the answer time of everyone asking meanwhile.
        self.yield_s = 2.0
        self.batch = 8

    def request(self) -> None:
        with self._cv:
            self._requested = True
            if not self._running:
                self._running = True
                threading.Thread(target=self._work, name="indexer", daemon=True).start()

    @property
    def busy(self) -> bool:
        with self._cv:
            return self._running

    def wait(self, timeout: float | None = None) -> bool:
        """Block until no run is pending or running; False if `timeout` passed first."""
        with self._cv:
            return self._cv.wait_for(lambda: not self._running, timeout)

    def _progress(self, done: int, total: int) -> None:
        """Called between embedding batches: questions go first. While any question is being
        answered, the worker waits (up to `yield_s` per batch), so a large upload slows
        answers as little as it can on two cores."""
        self.done, self.total = done, total
        deadline = time.monotonic() + self.yield_s
        while self.rag.questions_in_flight and time.monotonic() < deadline:
            time.sleep(0.02)

    def _measure(self, report) -> None:
        """The rate uploads are admitted at: file bytes indexed per second by this run."""
        folder = self.rag.settings.documents_dir
        work = 0.0
        for n in (*report.added, *report.changed):
            try:
                work += self.backlog.work(n, (folder / n).stat().st_size)
            except OSError:
                continue
        if report.embedded_chunks:
            self.backlog.measured(work, report.seconds)

    def _newer_request(self) -> bool:
        """After a commit: end this run if more was asked meanwhile (an upload, a delete), so
        that the next run lists the folder again and takes the smallest documents first."""
        with self._cv:
            return self._requested

    def _documents(self, done: int, total: int) -> None:
        self.docs_done, self.docs_total = done, total

    def _work(self) -> None:
        import torch

        # This thread embeds with one core; question threads set their own count (see
        # RAG.ask_stream), so a large upload leaves a core to the people asking.
        torch.set_num_threads(1)
        # Chunking a large file is pure Python: hand the interpreter back to question threads
        # more often than every 5 ms, or each of their many short native calls waits for it.
        # The interval is process-wide: restored (under the lock, before another worker can
        # start) when there is nothing left to do.
        interval = sys.getswitchinterval()
        sys.setswitchinterval(0.0005)
        while True:
            with self._cv:
                if not self._requested:
                    sys.setswitchinterval(interval)
                    self._running = False
                    self._cv.notify_all()
                    return
                self._requested = False
            self.done = self.total = self.docs_done = self.docs_total = 0
            try:
                self.last = self.rag.refresh(
                    self._progress,
                    self.batch,
                    commit_passages=self.commit_passages,
                    should_yield=self._newer_request,
                    on_documents=self._documents,
                )
                self.error = ""
                log.info(self.last.summary())
                self._measure(self.last)
            except RagError as exc:
                self.error = str(exc)
                log.warning("indexing failed: %s", exc)
            except Exception:  # noqa: BLE001 - the worker must survive to index the next upload
                self.error = "indexing failed; see the server log"
                log.exception("indexing failed")

    def describe(self) -> str:
        """One line for the status bar; "" when idle."""
        if not self.busy:
            return f"indexing failed: {self.error}" if self.error else ""
        if self.docs_total:
            return (
                f"indexing {self.docs_done} of {self.docs_total} documents "
                f"({self.done} passages embedded)"
            )
        if self.total:
            return f"indexing: {self.done} of {self.total} new passages embedded"
        return "indexing: reading the documents"
