"""The browser page and the API endpoints (Gradio): layout and wiring only. What each event
does is in rag.web.handlers; how it looks is in rag.web.render and static/.

Other apps call the named endpoints `/ask`, `/documents`, `/document`, `/upload` and `/delete`
with gradio_client (see README). Library errors are turned into short messages; nothing
reaches the user as a traceback.
"""

from __future__ import annotations

import contextlib
import hmac
import logging
import os
import sys
import time
import typing

# An offline tool: no usage analytics, no version check against the network.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402
from fastapi.middleware import Middleware  # noqa: E402
from gradio.data_classes import FileData  # noqa: E402

from rag.background import BackgroundIndexer  # noqa: E402
from rag.errors import RagError  # noqa: E402
from rag.ingest.documents import list_document_files  # noqa: E402
from rag.pipeline import RAG  # noqa: E402
from rag.settings import Settings, apply_offline_policy  # noqa: E402

from . import handlers as h  # noqa: E402
from .api import (  # noqa: E402
    AskResult,
    DeleteResult,
    DocumentInfo,
    DocumentText,
    UploadResult,
    parameter_help,
    typed,
)
from .render import (  # noqa: E402
    as_text,
    document_choices,
    document_rows,
    render_sources,
    settle_upload_message,
    upload_message,
    welcome,
)
from .serving import (  # noqa: E402
    AddressThrottle,
    ByteBudget,
    DeviceCookies,
    Gate,
    UploadPolicy,
    asset,
    browser_secret,
    caller_of,
    clean_upload_folder,
    exposure_warning,
    login_from_env,
    port_in_use,
)

log = logging.getLogger("rag.app")

UPLOAD_TMP_AGE_S = 900
# Any request but an upload: a question with its history and document names is far smaller.
MAX_REQUEST_BYTES = 1_000_000

# A click on [n] in the latest answer (or Enter/Space on it: markers are keyboard stops) focuses
# source n in the panel. Older answers' markers do nothing and are not tab stops: the panel
# shows the latest answer's sources, and a marker must never point elsewhere. The sources panel
# is a polite live region, so a screen reader announces new sources.
MARKER_JS = asset("markers.js")
# Deleting asks first; a "no" sends no name, and nothing happens.
CONFIRM_DELETE_JS = asset("confirm_delete.js")
CSS = asset("style.css")


def theme() -> gr.themes.Base:
    """Gradio's default theme with whole fonts: it ships Source Sans Pro's semibold (600) as a
    55-glyph subset without lower case, so headings and buttons at 600 mixed two fonts (the
    "A" of "Ask" and of "AAPL" from one, the other letters from another). Above regular, the
    full bold file serves."""
    sans = gr.themes.LocalFont("Source Sans Pro", weights=(400, 700))
    return gr.themes.Default(font=[sans, "ui-sans-serif", "system-ui", "sans-serif"])


def _user(request):
    return caller_of(request)


def described(dep, demo: gr.Blocks) -> None:
    """A gr.api endpoint's parameters named and explained (from its function's "Parameters:"
    section), instead of Gradio's "1st", "2nd" and no help."""
    block_fn = demo.fns[dep["id"]]
    helps = parameter_help(dep.fn)
    names = [n for n in typing.get_type_hints(dep.fn) if n not in ("return", "request")]
    for comp, name in zip(block_fn.inputs, names, strict=False):
        comp.label = name
        comp._api_info = {**comp._api_info, "additional_description": helps.get(name, "")}


def build_app(rag: RAG, indexer: BackgroundIndexer | None = None) -> gr.Blocks:
    indexer = indexer or BackgroundIndexer(rag)
    budget = ByteBudget(rag.settings.max_upload_bytes_per_minute)
    library = h.LibraryView(rag, indexer)
    examples = h.Examples(rag, indexer)
    examples.start()  # in the background now, not when the first page asks
    tickets = h.Tickets()
    policy = UploadPolicy(rag.settings)
    locked = policy.locked  # hides the controls when nobody may use them

    def chat_update():
        qs = examples.get()
        return gr.update(
            placeholder=welcome(library.docs(), bool(qs), preparing=examples.pending),
            examples=[{"text": q} for q in qs] or None,
        )

    def page_state():
        """Everything on the page that follows the documents."""
        docs = library.docs()
        choices = document_choices(docs)
        return (
            h.status(library),
            document_rows(docs),
            h.details(rag),
            chat_update(),
            gr.update(choices=choices),
            gr.update(choices=choices),
        )

    # ---- asking

    def answer_api(
        question: str, history: list[str] | None = None, documents: list[str] | None = None
    ) -> AskResult:
        """Answer a question from the indexed documents, with citations.

        Parameters:
            question: the question, in plain words (at most 2,000 characters are used)
            history: earlier questions of this conversation, oldest first: a follow-up such as
                "And in 2019?" is searched together with the one before it
            documents: names of the documents to search (as /documents lists them); all when
                empty
        """
        return h.ask(rag, question, history, documents)

    def start(message: str, messages: list, busy: bool):
        """The question appears at once, with a note that the answer is on its way, and gets a
        ticket: `respond` answers each ticket once. While a question is being answered, another
        click or Enter (a double-click) changes nothing, so nothing is asked twice."""
        skip = (gr.skip(),) * 5
        if busy:
            return skip
        started = h.start_question(tickets, message, messages)
        if started is None:
            gr.Warning("Type a question first.", duration=4)
            return skip
        shown, ticket = started
        return shown, "", ticket, True, gr.update(interactive=False)

    def respond(ticket: dict | None, messages: list, asked: list[str], scope: list[str] | None):
        answered = False
        for t in h.answer_turn(rag, library, tickets, ticket, messages, asked, scope):
            answered = True
            ok = t.state == "answered"
            yield (
                t.messages,
                t.sources if ok else gr.update(),
                t.asked,
                gr.update(choices=t.choices, value=None, visible=bool(t.choices))
                if ok
                else gr.update(),
                t.last if t.done else gr.update(),
                not t.done,
                gr.update(interactive=t.done),
                t.kept() if t.done else gr.update(),
            )
        if not answered:
            yield (gr.skip(),) * 8  # a second click's chain: its question is answered already

    def focus_source(choice: str | None, last: dict | None):
        shown = h.focus_source(library, last, choice)
        return gr.update() if shown is None else shown

    def example_text(evt: gr.SelectData) -> str:
        return evt.value.get("text", "") if isinstance(evt.value, dict) else ""

    def reset():
        return (
            [],
            render_sources(None),
            [],
            gr.update(choices=[], value=None, visible=False),
            None,
            False,
            gr.update(interactive=True),
            {"messages": [], "asked": [], "last": None},
        )

    def restore(convo: dict | None):
        r = h.restore(library, convo)
        pick = (
            gr.update(visible=False)
            if r.choices is None
            else gr.update(choices=r.choices, value=None, visible=bool(r.choices))
        )
        return r.messages, r.sources, r.asked, pick, r.last

    # ---- the library

    def list_documents() -> list[DocumentInfo]:
        """Every document: name (what /ask's `documents` and /delete take), title, format, pages
        (PDF) or bytes, passages, when it was added, and whether it is indexed yet."""
        return h.list_documents(library)

    def document_api(name: str) -> DocumentText:
        """One document whole: its facts, the extracted text every citation's span points into
        (text[start:end] == quote), its passages' spans, and where its pages and sections
        start. `error` says why not (an unknown name).

        Parameters:
            name: the document's name, as /documents lists it
        """
        return h.document(rag, name)

    def delete_api(name: str, request: gr.Request) -> DeleteResult:
        """Remove a document by name: its file is deleted and its passages are no longer
        searched (at once, and after a restart).

        Parameters:
            name: the document's name, as /documents lists it
        """
        return h.delete(rag, library, policy, name, _user(request))

    def upload_api(files: list[FileData] | FileData, request: gr.Request) -> UploadResult:
        """Add documents (PDF, DOCX, HTML, Markdown, text): one file or a list. Each is stored
        at once and indexed in the background; `refused` says why a file was not taken.

        Parameters:
            files: the files to add, one or a list (gradio_client: handle_file(path))
        """
        return h.add_documents(rag, library, policy, budget, files, _user(request))

    def upload_page(files, request: gr.Request):
        result = h.add_documents(rag, library, policy, budget, files, _user(request))
        docs = library.docs()
        return (
            upload_message(result),
            None,
            h.status(library),
            document_rows(docs),
            gr.update(choices=document_choices(docs)),
        )

    def open_document(name: str | None):
        shown, opened = h.document_page(rag, name)
        return shown, gr.update(visible=opened and not locked)

    def pick_row(evt: gr.SelectData):
        row = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
        name = h.row_name(library, row)
        return gr.update() if name is None else name

    def delete_page(name: str | None, scope: list[str] | None, request: gr.Request):
        if not name:
            return (gr.update(),) * 7
        result = delete_api(name, request)
        if result["error"]:
            message = as_text(result["error"])
        else:
            message = (
                f"Removed **{as_text(result['deleted']['title'])}**; it is no longer searched."
            )
        docs = library.docs()
        choices = document_choices(docs)
        names = {n for _, n in choices}
        return (
            message,
            gr.update(choices=choices, value=None),
            "" if not result["error"] else gr.update(),
            gr.update(choices=choices, value=[n for n in scope or [] if n in names]),
            h.status(library),
            document_rows(docs),
            gr.update(visible=False) if not result["error"] else gr.update(),
        )

    # Gradio's copies of uploads (refused ones too) are deleted after UPLOAD_TMP_AGE_S.
    with gr.Blocks(
        title="Ask your documents",
        analytics_enabled=False,
        delete_cache=(UPLOAD_TMP_AGE_S // 3, UPLOAD_TMP_AGE_S),
    ) as demo:
        gr.Markdown("## Ask your documents", elem_id="title")
        status_md = gr.Markdown(h.status(library), elem_id="status")
        asked = gr.State([])
        last = gr.State(None)
        busy = gr.State(False)
        pending = gr.State(None)  # the ticket of the question being asked
        convo = gr.BrowserState(
            {"messages": [], "asked": [], "last": None},
            storage_key="rag-conversation",
            secret=browser_secret(rag.settings.cache_dir),
        )
        with gr.Tabs(elem_id="tabs"):
            with gr.Tab("Chat", id="chat-tab", elem_id="chat-tab"), gr.Row(equal_height=False):
                with gr.Column(scale=3, min_width=320):
                    chatbot = gr.Chatbot(
                        label="Conversation",
                        height=520,
                        elem_id="chat",
                        feedback_options=None,
                        buttons=["copy"],
                        placeholder=welcome(library.docs(), False),
                    )
                    box = gr.Textbox(
                        label="Your question",
                        placeholder="Ask a question about the documents…",
                        elem_id="question",
                        max_length=100_000,
                        lines=1,
                    )
                    with gr.Row():
                        send = gr.Button("Ask", variant="primary", elem_id="ask", scale=2)
                        clear = gr.Button("New conversation", elem_id="new", scale=1)
                    scope = gr.Dropdown(
                        choices=document_choices(library.docs()),
                        value=[],
                        multiselect=True,
                        label="Search in",
                        info="Leave empty to search all documents.",
                        elem_id="scope",
                    )
                with gr.Column(scale=2, min_width=320):
                    pick = gr.Radio([], label="Show source", visible=False, elem_id="pick")
                    sources = gr.HTML(render_sources(None), elem_id="sources")
            with gr.Tab("Documents", id="library-tab", elem_id="library-tab"):
                info = gr.Markdown(h.details(rag), elem_id="library-info")
                files = gr.File(
                    label="Add documents: drop PDF, Word (.docx), HTML, Markdown or text files",
                    file_count="multiple",
                    # No file_types: a file of another kind is sent, and refused with a reason
                    # in plain words (Gradio's own filter drops it without a word).
                    elem_id="upload",
                    visible=not locked,
                )
                upload_msg = gr.Markdown(
                    policy.refusal(None) if locked else "",
                    elem_id="upload-msg",
                )
                table = gr.Dataframe(
                    document_rows(library.docs()),
                    headers=["title", "file", "type", "pages or size", "passages", "added"],
                    interactive=False,
                    elem_id="doc-table",
                    wrap=True,
                    column_widths=[440, 230, 80, 110, 90, 150],  # pixels: a phone scrolls the table
                    max_height=420,
                )
                with gr.Row(equal_height=True):
                    doc_pick = gr.Dropdown(
                        choices=document_choices(library.docs()),
                        value=None,
                        label="Open a document",
                        elem_id="doc-pick",
                        scale=4,
                    )
                    delete = gr.Button(
                        "Delete this document",
                        variant="stop",
                        elem_id="delete",
                        visible=False,
                        scale=1,
                    )
                doc_msg = gr.Markdown(elem_id="doc-msg")
                doc_view = gr.HTML("", elem_id="doc-view")

        # Asking: the question shows at once (start), then the answer (respond).
        ask_outs = [chatbot, sources, asked, pick, last, busy, send, convo]
        start_outs = [chatbot, box, pending, busy, send]

        def asking(listen) -> None:
            """`listen(fn, ...)` runs `start` (the question shows at once), then the answer."""
            listen(
                start,
                [box, chatbot, busy],
                start_outs,
                api_visibility="private",
                concurrency_limit=None,
                show_progress="hidden",
            ).then(respond, [pending, chatbot, asked, scope], ask_outs, api_visibility="private")

        for trigger in (box.submit, send.click):
            asking(trigger)
        picked = chatbot.example_select(
            example_text, None, box, api_visibility="private", concurrency_limit=None
        )
        asking(picked.then)
        pick.change(focus_source, [pick, last], sources, api_visibility="private")
        # The chat's own trash button and "New conversation" reset the same things.
        for trigger in (clear.click, chatbot.clear):
            trigger(reset, None, ask_outs, api_visibility="private", concurrency_limit=None)
        demo.load(
            restore,
            convo,
            [chatbot, sources, asked, pick, last],
            api_visibility="private",
            show_progress="hidden",
        )

        # The library.
        # No "0.0s" timer flashes over the status line or the table: every event that
        # updates them hides Gradio's progress display.
        files.upload(
            upload_page,
            files,
            [upload_msg, files, status_md, table, doc_pick],
            api_visibility="private",
            show_progress="hidden",
        )
        table.select(pick_row, None, doc_pick, api_visibility="private")
        doc_pick.change(open_document, doc_pick, [doc_view, delete], api_visibility="private")
        delete.click(
            delete_page,
            [doc_pick, scope],
            [doc_msg, doc_pick, doc_view, scope, status_md, table, delete],
            js=CONFIRM_DELETE_JS,
            api_visibility="private",
            show_progress="hidden",
        )

        # While indexing runs in the background (or example questions are being found), the
        # page follows; otherwise the tick returns nothing.
        seen = gr.State(None)
        page_outs = [status_md, table, info, chatbot, scope, doc_pick]

        def follow(seen, message):
            key = [*library.key(), len(examples.get()), examples.pending]
            # "being indexed now" under the upload goes once indexing has ended.
            settled = settle_upload_message(message, library.indexer.busy)
            note = gr.skip() if settled is None else settled
            if key == seen:
                return (*(gr.skip() for _ in page_outs), seen, note)
            return (*page_state(), key, note)

        gr.Timer(2.0).tick(
            follow,
            [seen, upload_msg],
            [*page_outs, seen, upload_msg],
            show_progress="hidden",
            concurrency_limit=None,  # never waits behind questions
            api_visibility="private",
        )
        # Computed per page view, not once when the app was built: a fresh page is current.
        demo.load(page_state, None, page_outs, api_visibility="private", show_progress="hidden")

        described(gr.api(typed(answer_api), api_name="ask"), demo)
        described(gr.api(typed(list_documents), api_name="documents", concurrency_limit=None), demo)
        described(gr.api(typed(upload_api), api_name="upload"), demo)
        described(gr.api(typed(document_api), api_name="document", concurrency_limit=None), demo)
        described(gr.api(typed(delete_api), api_name="delete"), demo)
    return demo


def serve(settings: Settings, t0: float | None = None) -> int:
    """Start the app with `settings` and serve until interrupted; 2 if it cannot start.

    The documents folder is seeded (if it does not exist) and indexed once, in the background,
    while the existing index is served at once."""
    t0 = time.perf_counter() if t0 is None else t0
    if port_in_use(settings.host, settings.port):
        print(
            f"error: port {settings.port} on {settings.host} is in use (is the app already "
            "running?); choose another with --port or RAG_PORT",
            file=sys.stderr,
        )
        return 2
    try:
        apply_offline_policy(settings.allow_download)
        rag = RAG(settings)
        if rag.prepare_documents_dir():
            log.info("created %s from the seed documents", settings.documents_dir)
        list_document_files(settings.documents_dir)  # a missing folder stops the start here
        snap = rag.store.current()  # serve the existing index at once, if there is one
        log.info("loading the %s generator", settings.generator)
        rag.generator  # noqa: B018 - load the models before the first question, not during it
        auth = login_from_env(os.environ)
    except RagError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    log.info(
        "serving %d passages already indexed; catching up with the documents folder in the "
        "background",
        snap.ntotal if snap else 0,
    )
    # Gradio's copies of uploads go to a folder of this app, emptied at every start (and
    # after UPLOAD_TMP_AGE_S within a run): a restart never keeps earlier ones.
    uploads_tmp = settings.cache_dir / "gradio-uploads"
    os.environ["GRADIO_TEMP_DIR"] = str(uploads_tmp)
    removed = clean_upload_folder(uploads_tmp)
    if removed:
        log.info("removed %d upload copies left by an earlier run", removed)
    indexer = BackgroundIndexer(rag)
    indexer.request()
    warning = exposure_warning(settings.host, auth)
    if warning:
        log.warning(warning)
    demo = build_app(rag, indexer)
    demo.queue(default_concurrency_limit=settings.concurrency, max_size=256)
    policy = UploadPolicy(settings)
    gate = Middleware(
        Gate,
        throttle=AddressThrottle() if auth else None,
        # Keyed apart from the conversations' secret: one never serves as the other.
        devices=DeviceCookies(
            hmac.new(browser_secret(settings.cache_dir).encode(), b"device", "sha256").digest()
        )
        if auth
        else None,
        uploads_open=not policy.locked,
        # One request's files, plus room for the multipart headers.
        max_upload_body=settings.max_upload_bytes * settings.max_upload_files + 1_000_000,
        max_body=MAX_REQUEST_BYTES,
    )
    try:
        demo.launch(
            server_name=settings.host,
            server_port=settings.port,
            auth=auth,
            css=CSS,
            theme=theme(),
            js=MARKER_JS,
            max_file_size=1 if policy.locked else settings.max_upload_bytes,
            prevent_thread_lock=True,
            quiet=True,
            footer_links=["api"],
            app_kwargs={"middleware": [gate]},
        )
    except OSError as exc:  # the port was taken between the check and now
        print(f"error: cannot serve on {settings.host}:{settings.port}: {exc}", file=sys.stderr)
        return 2
    log.info(
        "ready on http://%s:%d after %.1f s", settings.host, settings.port, time.perf_counter() - t0
    )
    with contextlib.suppress(KeyboardInterrupt):
        demo.block_thread()
    return 0
