"""The browser chat and the API for other apps (Gradio).

    python app.py [--host 127.0.0.1] [--port 7860] [--docs seeds] [--index-dir index]

Other apps call the named endpoint `/ask` with gradio_client (see README). Library errors are
turned into short messages here; nothing reaches the user as a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import hmac
import html
import logging
import os
import re
import sys
import threading
import time
from pathlib import Path

T0 = time.perf_counter()
# An offline tool: no usage analytics, no version check against the network.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402

from rag import RAG, Answer, ConfigError, RagError, Settings, apply_offline_policy  # noqa: E402
from rag.background import BackgroundIndexer  # noqa: E402
from rag.ingest import list_document_files  # noqa: E402
from rag.upload import safe_filename  # noqa: E402

log = logging.getLogger("rag.app")

CSS = """
.sources {max-height: 640px; overflow-y: auto}
.source {border: 1px solid #ddd; border-radius: 8px; padding: 8px 10px; margin-bottom: 10px}
.source.focus {border: 2px solid #e8a317; background: #fffaf0}
#chat sup {cursor: pointer; color: #c2410c}
.source h4 {margin: 0 0 6px 0; font-size: 0.95em}
.source mark {background: #ffe066; padding: 0 2px}
.source mark strong.short {text-decoration: underline; text-decoration-thickness: 2px}
.related h4 {color: #666}
.why {color: #666; font-size: 0.9em}
.source .origin {margin: 0 0 6px 0; color: #666; font-size: 0.85em}
"""


# ---- rendering (pure) ----------------------------------------------------------------------


WRITING = "*Writing the answer; it is checked against the documents before it is shown…*"


def chat_steps(rag: RAG, message: str, asked: list[str]):
    """What the chat shows while a question is answered: WRITING once while a drafting model
    writes (never the draft itself: only text that passed attribution reaches the page), then
    the final Answer."""
    writing = False
    for item in rag.ask_stream(message, history=asked):
        if isinstance(item, Answer):
            yield item
        elif not writing:
            writing = True
            yield WRITING


def render_sources(answer: dict | None, focus: int | None = None) -> str:
    """The sources panel: each citation's passage with the cited span marked.

    Document text is escaped: an uploaded file can never inject HTML into the page.
    """
    if not answer:
        return "<div class='sources'><p>Sources of the answer appear here.</p></div>"
    passages = {p["chunk_id"]: p for p in answer.get("passages", [])}
    parts = ["<div class='sources'>"]
    if answer.get("citations"):
        parts.append("<h3>Sources</h3>")
    for c in answer.get("citations", []):
        p = passages.get(c["chunk_id"])
        if p is None:
            continue
        a, b = c["start"] - p["start"], c["end"] - p["start"]
        text = p["text"]
        short = answer.get("short_answer")
        if (
            short
            and short["doc"] == c["doc"]
            and c["start"] <= short["start"] < short["end"] <= c["end"]
        ):
            # The short answer is marked inside its highlighted sentence.
            sa, sb = short["start"] - p["start"], short["end"] - p["start"]
            inner = (
                html.escape(text[a:sa])
                + "<strong class='short'>"
                + html.escape(text[sa:sb])
                + "</strong>"
                + html.escape(text[sb:b])
            )
        else:
            inner = html.escape(text[a:b])
        body = html.escape(text[:a]) + "<mark>" + inner + "</mark>" + html.escape(text[b:])
        cls = "source focus" if focus == c["n"] else "source"
        parts.append(
            f"<div class='{cls}' id='src-{c['n']}'><h4>[{c['n']}] {html.escape(c['doc'])} "
            f"<small>(characters {c['start']}–{c['end']}, {html.escape(c['chunk_id'])})</small>"
            f"</h4><p class='origin'>{html.escape(describe_origin(c.get('origin')))}</p>"
            f"<div style='white-space: pre-wrap'>{body}</div></div>"
        )
    if answer.get("abstained"):
        why = answer.get("why") or ""
        parts.append(f"<p class='why'>Not answered: {html.escape(why)}</p>" if why else "")
        parts.append("<div class='related'><h3>Related passages (not citations)</h3>")
        for p in answer.get("related", []):
            parts.append(
                f"<div class='source'><h4>{html.escape(p['doc'])} <small>(score {p['score']:.2f})"
                f"</small></h4><div style='white-space: pre-wrap'>{html.escape(p['text'])}</div></div>"
            )
        parts.append("</div>")
    parts.append("</div>")
    return "".join(parts)


def describe_origin(origin: dict | None) -> str:
    """Where a cited document came from, in words.

    >>> describe_origin({"origin": "uploaded", "by": "ann", "at": "2026-11-25 18:30"})
    'uploaded by ann on 2026-11-25 18:30'
    >>> describe_origin({"origin": "folder"})
    "from the server's documents folder"
    """
    if not origin or origin.get("origin") != "uploaded":
        return "from the server's documents folder"
    who = f" by {origin['by']}" if origin.get("by") else " through the app"
    return f"uploaded{who} on {origin.get('at', '?')}"


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>:])")
_MARKER = re.compile(r"\[(\d+)\]")


def as_text(text: str) -> str:
    r"""Document text for the chat's Markdown renderer, shown as the characters it is: HTML
    and Markdown syntax escaped, so no link, emphasis or tag comes from a document (a colon
    is escaped too: that stops bare URLs from becoming links).

    >>> print(as_text("It's <b>1.5</b> at https://x.org"))
    It's &lt;b&gt;1\.5&lt;/b&gt; at https\://x\.org
    """
    return _MARKDOWN.sub(r"\\\1", html.escape(text, quote=False))


def linked_markers(text: str) -> str:
    r"""An answer as text, with only our [n] markers live (MARKER_JS focuses source n).

    >>> print(linked_markers("Harbin [sic]. [1]"))
    Harbin \[sic\]\. <sup>[1]</sup>
    """
    parts = _MARKER.split(text)
    out = []
    for k, part in enumerate(parts):
        out.append(f"<sup>[{part}]</sup>" if k % 2 else as_text(part))
    return "".join(out)


# A click on [n] in the latest answer focuses source n in the panel. Older answers' markers do
# nothing: the panel shows the latest answer's sources, and a marker must never point elsewhere.
MARKER_JS = """
() => {
  document.addEventListener('click', (event) => {
    const sup = event.target.closest('#chat sup');
    if (!sup) return;
    const bots = document.querySelectorAll('#chat .bot');
    if (!bots.length || !bots[bots.length - 1].contains(sup)) return;
    const n = sup.textContent.replace(/[^0-9]/g, '');
    const source = document.getElementById('src-' + n);
    if (!source) return;
    document.querySelectorAll('#sources .source.focus').forEach((el) => el.classList.remove('focus'));
    source.classList.add('focus');
    source.scrollIntoView({behavior: 'smooth', block: 'nearest'});
  });
}
"""


def error_result(message: str, generator: str) -> dict:
    """The `/ask` shape for a refused or failed question: same keys, plus `error`."""
    return {
        "error": message,
        "answer": "",
        "abstained": True,
        "generator": generator,
        "citations": [],
        "related": [],
        "notice": "",
        "why": "",
        "reason": "",
        "short_answer": None,
        "confidence": None,
    }


def exposure_warning(host: str, auth) -> str | None:
    """A warning when the app is reachable beyond this machine without a login.

    >>> exposure_warning("127.0.0.1", None) is None, exposure_warning("0.0.0.0", ("u", "p")) is None
    (True, True)
    >>> exposure_warning("0.0.0.0", None)[:30]
    'bound to 0.0.0.0 without a use'
    """
    if host in ("127.0.0.1", "localhost", "::1") or auth is not None:
        return None
    return (
        f"bound to {host} without a username and password: anyone who can reach this "
        "address can read the documents (set RAG_USERNAME and RAG_PASSWORD)"
    )


class LoginGuard:
    """Gradio's `auth` callable: constant-time comparison, and after `max_failures` wrong
    passwords for a user name within `window_s`, every try for it is refused (slowly) until the
    window has passed: guessing stays slow however fast the requests come."""

    def __init__(self, username: str, password: str, max_failures: int = 5, window_s: float = 60):
        self.username, self.password = username, password
        self.max_failures, self.window_s = max_failures, window_s
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def __call__(self, username: str, password: str) -> bool:
        now = time.monotonic()
        with self._lock:
            recent = [t for t in self._failures.get(username, []) if now - t < self.window_s]
            self._failures[username] = recent
            locked = len(recent) >= self.max_failures
        ok = hmac.compare_digest(username.encode(), self.username.encode()) & hmac.compare_digest(
            password.encode(), self.password.encode()
        )
        if ok and not locked:
            return True
        with self._lock:
            self._failures.setdefault(username, []).append(now)
        time.sleep(0.5 if locked else 0.1)
        return False


def login_from_env(env) -> LoginGuard | None:
    """The login the app requires, from RAG_USERNAME and RAG_PASSWORD: both or neither.

    >>> login_from_env({}) is None
    True
    >>> login_from_env({"RAG_USERNAME": "ann"})
    Traceback (most recent call last):
    rag.errors.ConfigError: RAG_USERNAME is set but RAG_PASSWORD is not: set both for a login, or neither
    """
    user, password = env.get("RAG_USERNAME") or "", env.get("RAG_PASSWORD") or ""
    if bool(user) != bool(password):
        have, missing = (
            ("RAG_USERNAME", "RAG_PASSWORD") if user else ("RAG_PASSWORD", "RAG_USERNAME")
        )
        raise ConfigError(f"{have} is set but {missing} is not: set both for a login, or neither")
    return LoginGuard(user, password) if user else None


def api_result(answer: Answer) -> dict:
    """The stable JSON shape of `/ask`."""
    d = answer.to_dict()
    return {
        "answer": d["answer"],
        "abstained": d["abstained"],
        "generator": d["generator"],
        "citations": d["citations"],
        "related": [
            {k: p[k] for k in ("doc", "chunk_id", "start", "end", "score", "text")}
            for p in d["related"]
        ],
        "notice": d["notice"],
        "why": d["why"],
        "reason": d["reason"],
        "short_answer": d["short_answer"],
        "confidence": d["confidence"],
    }


# ---- the app -------------------------------------------------------------------------------


class ByteBudget:
    """At most `per_minute` bytes taken over any 60 seconds (all users together)."""

    def __init__(self, per_minute: int):
        self.per_minute = per_minute
        self._taken: list[tuple[float, int]] = []
        self._lock = threading.Lock()

    def take(self, n: int) -> bool:
        now = time.monotonic()
        with self._lock:
            self._taken = [(t, b) for t, b in self._taken if now - t < 60]
            if sum(b for _, b in self._taken) + n > self.per_minute:
                return False
            self._taken.append((now, n))
            return True


def build_app(rag: RAG, indexer: BackgroundIndexer | None = None) -> gr.Blocks:
    indexer = indexer or BackgroundIndexer(rag)
    budget = ByteBudget(rag.settings.max_upload_bytes_per_minute)

    def status() -> str:
        snap = rag.store.current()
        docs = len(snap.documents) if snap else 0
        chunks = snap.ntotal if snap else 0
        line = (
            f"Answering with **{rag.generator.name}** · embeddings "
            f"**{rag.settings.embedding_model}** · **{docs}** documents, **{chunks}** "
            f"passages indexed"
        )
        busy = indexer.describe()
        return f"{line} · {busy}" if busy else line

    def documents_table() -> list[list]:
        snap = rag.store.current()
        indexed = snap.documents if snap else {}
        rows = [[name, info["chunks"]] for name, info in sorted(indexed.items())]
        try:
            folder = rag.settings.documents_dir
            waiting = [p.relative_to(folder).as_posix() for p in list_document_files(folder)]
        except RagError:
            waiting = []
        rows += [[name, "indexing…"] for name in waiting if name not in indexed]
        return rows

    def ask(question: str, history: list[str] | None = None) -> dict:
        """Answer a question from the indexed documents, with citations.

        history: earlier questions of the conversation, oldest first (for follow-ups).
        """
        try:
            return api_result(rag.ask(question, history=history))
        except RagError as exc:
            return error_result(str(exc), rag.generator.name)
        except Exception:  # noqa: BLE001 - the API answers with a message, never a traceback
            log.exception("ask failed")
            return error_result(
                "Internal error while answering; see the server log.", rag.generator.name
            )

    def chat(message: str, messages: list, asked: list[str]):
        messages = list(messages or [])
        asked = list(asked or [])
        if (message or "").strip():  # an empty bubble helps no one; the reply says what to do
            messages.append({"role": "user", "content": message})
        try:
            final = None
            for item in chat_steps(rag, message or "", asked):
                if isinstance(item, Answer):
                    final = item
                else:
                    yield (
                        messages + [{"role": "assistant", "content": WRITING}],
                        gr.update(),
                        asked,
                        gr.update(),
                        None,
                    )
            d = final.to_dict()
            text = linked_markers(d["answer"])
            text += f"\n\n*{linked_markers(d['notice'])}*" if d["notice"] else ""
            choices = [f"[{c['n']}] {c['doc']}" for c in d["citations"]]
            messages.append({"role": "assistant", "content": text})
            yield (
                messages,
                render_sources(d),
                asked + [final.question],
                gr.update(choices=choices, value=None, visible=bool(choices)),
                d,
            )
        except RagError as exc:
            messages.append({"role": "assistant", "content": str(exc)})
            yield messages, gr.update(), asked, gr.update(), None
        except Exception:  # noqa: BLE001
            log.exception("chat failed")
            messages.append(
                {"role": "assistant", "content": "Something went wrong; see the server log."}
            )
            yield messages, gr.update(), asked, gr.update(), None

    def focus_source(choice: str | None, last: dict | None):
        if not last or not choice:
            return gr.update()
        return render_sources(last, focus=int(choice.split("]")[0].strip("[")))

    policy = rag.settings.upload_policy
    allowed = {u.strip() for u in rag.settings.upload_users.split(",") if u.strip()}
    allowed = allowed or {os.environ.get("RAG_USERNAME", "")} - {""}

    def upload(files, request: gr.Request):
        """Add .txt/.md documents. They are stored at once and indexed in the background."""
        user = getattr(request, "username", None) if request is not None else None
        if policy == "off":
            return "Adding documents is turned off on this server.", documents_table(), status()
        if policy == "users" and user not in allowed:
            return (
                "Only named users may add documents here; log in as one of them.",
                documents_table(),
                status(),
            )
        if not files:
            return "No file chosen.", documents_table(), status()
        paths = [
            Path(f if isinstance(f, str) else f.name)
            for f in (files if isinstance(files, list) else [files])
        ]
        batch, lines = [], []
        limit = rag.settings
        if len(paths) > limit.max_upload_files:
            lines.append(
                f"- only the first {limit.max_upload_files} of {len(paths)} files were taken"
            )
            paths = paths[: limit.max_upload_files]
        for path in paths:
            size = path.stat().st_size  # checked before anything is read
            if size > limit.max_upload_bytes:
                lines.append(
                    f"- refused **{html.escape(path.name)}**: {size:,} bytes is over the limit of {limit.max_upload_bytes:,}"
                )
            elif not budget.take(size):
                lines.append(
                    f"- refused **{html.escape(path.name)}**: too many uploads in the last minute; try again shortly"
                )
            else:
                batch.append((path.name, path.read_bytes()))
        try:
            stored, rejected = rag.store_files(batch, uploader=user)
        except RagError as exc:
            return f"Upload failed: {exc}", documents_table(), status()
        for s in stored:
            if s.status == "duplicate":
                lines.append(f"- **{html.escape(s.original)}** is already indexed as {s.name}")
            elif s.name == safe_filename(s.original):
                lines.append(f"- added **{s.name}**")
            else:
                lines.append(
                    f"- added **{html.escape(s.original)}** as **{s.name}** (the name was taken)"
                )
        lines += [
            f"- refused **{html.escape(n)}**: {html.escape(why)}" for n, why in rejected.items()
        ]
        if any(s.status == "added" for s in stored):
            indexer.request()
            lines.append("\nIndexing in the background; questions are answered meanwhile.")
        return "\n".join(lines), documents_table(), status()

    # Gradio's copies of uploads (refused ones too) are deleted after an hour.
    with gr.Blocks(
        title="Ask your documents", analytics_enabled=False, delete_cache=(600, 3600)
    ) as demo:
        gr.Markdown(
            "## Ask your documents\nAnswers come only from the indexed documents; "
            "every [n] points at the passage that supports it."
        )
        status_md = gr.Markdown(status(), elem_id="status")
        asked = gr.State([])
        last = gr.State(None)
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(
                    label="Chat",
                    height=480,
                    elem_id="chat",
                    feedback_options=None,
                    buttons=["copy"],
                )
                with gr.Row():
                    box = gr.Textbox(
                        placeholder="Ask a question about the documents…",
                        show_label=False,
                        scale=5,
                        elem_id="question",
                        max_length=100_000,
                    )
                    send = gr.Button("Ask", variant="primary", scale=1, elem_id="ask")
                clear = gr.Button("New conversation", size="sm")
            with gr.Column(scale=2):
                pick = gr.Radio([], label="Show source", visible=False, elem_id="pick")
                sources = gr.HTML(render_sources(None), elem_id="sources")
        with gr.Accordion("Documents", open=False, elem_id="documents"):
            files = gr.File(
                label="Add .txt or .md files",
                file_count="multiple",
                file_types=[".txt", ".md"],
                elem_id="upload",
            )
            add = gr.Button("Add to the index", elem_id="add")
            upload_msg = gr.Markdown(elem_id="upload-msg")
            table = gr.Dataframe(
                documents_table(),
                headers=["document", "passages"],
                interactive=False,
                elem_id="doc-table",
            )

        outs = [chatbot, sources, asked, pick, last]
        for trigger in (box.submit, send.click):
            trigger(chat, [box, chatbot, asked], outs, api_visibility="private").then(
                lambda: "", None, box, api_visibility="private"
            )
        pick.change(focus_source, [pick, last], sources, api_visibility="private")
        clear.click(
            lambda: ([], render_sources(None), [], gr.update(choices=[], visible=False), None),
            None,
            outs,
            api_visibility="private",
        )
        add.click(upload, files, [upload_msg, table, status_md], api_name="upload")
        # While indexing runs in the background, the page follows it; otherwise nothing is sent.
        seen = gr.State(None)

        def follow(last):
            snap = rag.store.current()
            key = [snap.generation if snap else "", indexer.describe()]
            if key == last:
                return gr.skip(), gr.skip(), last
            return status(), documents_table(), key

        gr.Timer(2.0).tick(
            follow,
            seen,
            [status_md, table, seen],
            show_progress="hidden",
            concurrency_limit=None,  # never waits behind questions
            api_visibility="private",
        )
        # Computed per page view, not once when the app was built: a fresh page is current.
        demo.load(
            lambda: (status(), documents_table()),
            None,
            [status_md, table],
            api_visibility="private",
        )
        gr.api(ask, api_name="ask")
    return demo


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Ask your documents: the browser app and its API")
    p.add_argument("--host", help="interface to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default 7860)")
    p.add_argument("--docs", dest="documents_dir", help="documents folder")
    p.add_argument("--index-dir", help="index folder")
    p.add_argument("--generator", help="auto, seq2seq, reader, extractive or instruct")
    args = p.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for noisy in ("httpx", "sentence_transformers", "faiss"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        settings = Settings.from_env(
            host=args.host,
            port=args.port,
            documents_dir=args.documents_dir,
            index_dir=args.index_dir,
            generator=args.generator,
        )
        apply_offline_policy(settings.allow_download)
        list_document_files(settings.documents_dir)  # a missing folder stops the start here
        rag = RAG(settings)
        snap = rag.store.current()  # serve the existing index at once, if there is one
        log.info("loading the %s generator", settings.generator)
        rag.generator  # noqa: B018 - load the models before the first question, not during it
    except RagError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    log.info(
        "serving %d passages already indexed; catching up with the documents folder in the "
        "background",
        snap.ntotal if snap else 0,
    )
    indexer = BackgroundIndexer(rag)
    indexer.request()
    try:
        auth = login_from_env(os.environ)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    warning = exposure_warning(settings.host, auth)
    if warning:
        log.warning(warning)
    demo = build_app(rag, indexer)
    demo.queue(default_concurrency_limit=settings.concurrency, max_size=256)
    demo.launch(
        server_name=settings.host,
        server_port=settings.port,
        auth=auth,
        css=CSS,
        js=MARKER_JS,
        max_file_size=settings.max_upload_bytes,
        prevent_thread_lock=True,
        quiet=True,
        footer_links=["api"],
    )
    log.info(
        "ready on http://%s:%d after %.1f s", settings.host, settings.port, time.perf_counter() - T0
    )
    with contextlib.suppress(KeyboardInterrupt):
        demo.block_thread()
    return 0


if __name__ == "__main__":
    sys.exit(main())
