"""The browser chat, its document library, and the API for other apps (Gradio).

    python app.py [--host 127.0.0.1] [--port 7860] [--docs data] [--index-dir index]

Other apps call the named endpoints `/ask`, `/documents`, `/document`, `/upload` and `/delete`
with gradio_client (see README). Library errors are turned into short messages here; nothing
reaches the user as a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import hmac
import html
import logging
import os
import re
import secrets
import sys
import threading
import time
import typing
from pathlib import Path
from typing import NotRequired, TypedDict

T0 = time.perf_counter()
# An offline tool: no usage analytics, no version check against the network.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402
from gradio.data_classes import FileData  # noqa: E402

from rag import RAG, Answer, ConfigError, RagError, Settings, apply_offline_policy  # noqa: E402
from rag.background import BackgroundIndexer  # noqa: E402
from rag.ingest.documents import list_document_files, seed_documents_dir  # noqa: E402
from rag.ingest.upload import human_bytes  # noqa: E402

log = logging.getLogger("rag.app")

SECTION_SEP = " › "  # as rag.ingest.formats joins a heading path

# Colours come from variables: one set for the light theme, one for the dark (Gradio puts the
# class "dark" on the page), so highlights and the focused source stay readable in both.
CSS = """
:root {--rag-mark: #ffe066; --rag-mark-text: #1a1a1a; --rag-focus-bg: #fff7e0;
  --rag-focus-border: #c77700; --rag-border: #d4d4d4; --rag-marker: #b23c00;
  --rag-muted: #555; --rag-heading: #1a1a1a; --rag-badge: #eef2f7; --rag-badge-text: #334}
.dark {--rag-mark: #6b5200; --rag-mark-text: #fff3c4; --rag-focus-bg: #2a2213;
  --rag-focus-border: #f0b341; --rag-border: #4a4a52; --rag-marker: #ffab70;
  --rag-muted: #b8b8c0; --rag-heading: #f2f2f2; --rag-badge: #2c3340; --rag-badge-text: #d6def0}
.sources {max-height: 640px; overflow-y: auto}
.source {border: 1px solid var(--rag-border); border-radius: 8px; padding: 8px 10px;
  margin-bottom: 10px}
.source.focus {border: 2px solid var(--rag-focus-border); background: var(--rag-focus-bg)}
.source h4 {margin: 0 0 4px 0; font-size: 0.95em}
.source .where, .source .origin, .why, .doc-head .facts {margin: 0 0 6px 0;
  color: var(--rag-muted); font-size: 0.85em}
.rag-text {white-space: pre-wrap; overflow-wrap: anywhere}
.rag-text mark {background: var(--rag-mark); color: var(--rag-mark-text); padding: 0 2px}
.rag-text mark strong.short {text-decoration: underline; text-decoration-thickness: 2px}
.rag-text .heading {font-weight: 700; color: var(--rag-heading)}
.rag-text .page-mark, .rag-text .passage-mark {display: inline-block; font-size: 0.75em;
  padding: 0 6px; margin: 0 4px 0 0; border-radius: 6px; background: var(--rag-badge);
  color: var(--rag-badge-text); white-space: nowrap}
.rag-text .page-mark {display: block; width: fit-content; margin: 8px 0 4px 0}
.related-head {color: var(--rag-muted)}
#chat sup {cursor: pointer; color: var(--rag-marker); font-weight: 600}
#chat sup:focus-visible {outline: 2px solid var(--rag-focus-border); outline-offset: 1px}
#chat .meta {color: var(--rag-muted); font-size: 0.8em}
#chat .placeholder-content {padding: 0 20px}
#doc-view {max-height: 720px; overflow-y: auto}
"""


# ---- rendering (pure) ----------------------------------------------------------------------


THINKING = "*Looking through the documents…*"
WRITING = "*Writing the answer; it is checked against the documents before it is shown…*"
KEEP_MESSAGES = 200  # of a conversation, kept in the browser across reloads
FORMAT_NAMES = {"pdf": "PDF", "docx": "Word", "html": "HTML", "md": "Markdown", "txt": "Text"}


def plural(n: int, word: str) -> str:
    """A count and its noun.

    >>> plural(1, "document"), plural(3, "passage")
    ('1 document', '3 passages')
    """
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def status_line(docs: list[dict], busy: str = "") -> str:
    """The one line under the title: what is loaded, in plain words.

    >>> status_line([{"status": "indexed"}] * 5)
    '5 documents · answers come only from them'
    >>> status_line([{"status": "indexed"}], "indexing: reading the documents")
    '1 document · answers come only from it · indexing: reading the documents'
    >>> status_line([])
    'No documents yet · add some in the Documents tab'
    """
    n = sum(d.get("status") == "indexed" for d in docs)
    if n:
        line = f"{plural(n, 'document')} · answers come only from {'it' if n == 1 else 'them'}"
    else:
        line = "No documents yet · add some in the Documents tab"
    return f"{line} · {busy}" if busy else line


def where(page: int | None, section: str | None) -> str:
    """Where a passage is in the original.

    >>> where(4, None), where(None, "Background › Trade"), where(2, "Methods"), where(None, None)
    ('page 4', 'Background › Trade', 'page 2 · Methods', '')
    """
    return " · ".join(x for x in (f"page {page}" if page else "", section or "") if x)


def welcome(docs: list[dict], has_examples: bool, limit: int = 8) -> str:
    """The empty chat's first words (Markdown): what is loaded and what to do.

    >>> print(welcome([{"title": "A *B*", "status": "indexed"}], False))
    **1 document is loaded; answers come only from it:**
    <BLANKLINE>
    - A \\*B\\*
    <BLANKLINE>
    Ask a question about it below.
    """
    ready = [d for d in docs if d.get("status") == "indexed"]
    if not ready:
        return (
            "**No documents are loaded yet.**\n\nAdd PDF, Word, HTML, Markdown or text files "
            "in the **Documents** tab; answers will come only from them."
        )
    n = len(ready)
    head = (
        "**1 document is loaded; answers come only from it:**"
        if n == 1
        else f"**{n} documents are loaded; answers come only from them:**"
    )
    items = [f"- {as_text(d.get('title') or d.get('name', ''))}" for d in ready[:limit]]
    if n > limit:
        items.append(f"- and {n - limit} more (see the **Documents** tab)")
    tail = (
        "Ask a question below, or try one of these:"
        if has_examples
        else f"Ask a question about {'it' if n == 1 else 'them'} below."
    )
    return "\n".join([head, "", *items, "", tail])


def document_rows(docs: list[dict]) -> list[list]:
    """The library table: title, file, type, pages or size, passages, added.

    >>> document_rows([{"name": "a.pdf", "title": "Trade", "format": "pdf", "pages": 4,
    ...   "bytes": 9000, "passages": 7, "added": "2026-01-02 10:00", "status": "indexed"}])
    [['Trade', 'a.pdf', 'PDF', '4 pages', 7, '2026-01-02 10:00']]
    """
    rows = []
    for d in docs:
        size = plural(d["pages"], "page") if d.get("pages") else human_bytes(d.get("bytes", 0))
        passages = d.get("passages", 0) if d.get("status") == "indexed" else "indexing…"
        fmt = FORMAT_NAMES.get(d.get("format", ""), d.get("format", ""))
        rows.append([d.get("title") or d["name"], d["name"], fmt, size, passages, d.get("added")])
    return rows


def document_choices(docs: list[dict]) -> list[tuple[str, str]]:
    """(label, name) pairs for the pickers: titles first, the file name where titles repeat.

    >>> document_choices([{"name": "a.txt", "title": "T", "status": "indexed"},
    ...                   {"name": "b.txt", "title": "T", "status": "indexed"},
    ...                   {"name": "c.txt", "title": "C", "status": "indexing"}])
    [('T (a.txt)', 'a.txt'), ('T (b.txt)', 'b.txt')]
    """
    ready = [d for d in docs if d.get("status") == "indexed"]
    seen: dict[str, int] = {}
    for d in ready:
        seen[d["title"]] = seen.get(d["title"], 0) + 1
    return [
        (f"{d['title']} ({d['name']})" if seen[d["title"]] > 1 else d["title"], d["name"])
        for d in ready
    ]


def markup(text: str, spans: list[tuple[int, int, str, str]]) -> str:
    """`text` as escaped HTML with tags around character spans (start, end, open, close).

    Spans may nest or cross (a crossing span is closed and reopened, so the HTML stays well
    formed); an empty span (start == end) puts its tags at that point. Document text is always
    escaped: an uploaded file can never inject HTML into the page.

    >>> markup("a <b> c", [(2, 5, "<mark>", "</mark>")])
    'a <mark>&lt;b&gt;</mark> c'
    >>> markup("abcdef", [(0, 4, "<i>", "</i>"), (2, 6, "<b>", "</b>"), (3, 3, "<br>", "")])
    '<i>ab<b>c<br>d</b></i><b>ef</b>'
    """
    n = len(text)
    spans = [(max(0, a), min(n, b), o, c) for a, b, o, c in spans if 0 <= a <= b <= n]
    points: dict[int, list[str]] = {}
    ranges = []
    for k, (a, b, o, c) in enumerate(spans):
        if a == b:
            points.setdefault(a, []).append(o + c)
        else:
            ranges.append((a, -b, k, o, c))
    ranges.sort()
    cuts = sorted({0, n, *points, *(a for a, *_ in ranges), *(-nb for _, nb, *_ in ranges)})
    out: list[str] = []
    open_now: list[tuple] = []
    for i, pos in enumerate(cuts):
        nxt = cuts[i + 1] if i + 1 < len(cuts) else None
        active = [r for r in ranges if nxt is not None and r[0] <= pos and -r[1] >= nxt]
        keep = 0
        while keep < min(len(open_now), len(active)) and open_now[keep] is active[keep]:
            keep += 1
        out.extend(r[4] for r in reversed(open_now[keep:]))
        out.extend(points.get(pos, []))
        out.extend(r[3] for r in active[keep:])
        open_now = active
        if nxt is not None:
            out.append(html.escape(text[pos:nxt]))
    return "".join(out)


def heading_spans(text: str, sections, offset: int = 0) -> list[tuple[int, int]]:
    """The spans of `text` (which starts at document offset `offset`) that are headings, from
    a document's sections [(start, "A › B"), ...]: each heading is the path's last part.

    >>> heading_spans("Intro\\n\\nTrade grew.", [(10, "Intro")], offset=10)
    [(0, 5)]
    """
    spans = []
    for start, path in sections or ():
        a = start - offset
        heading = path.split(SECTION_SEP)[-1]
        b = a + len(heading)
        if a >= 0 and b <= len(text) and text[a:b] == heading:
            spans.append((a, b))
    return spans


def render_sources(
    answer: dict | None, focus: int | None = None, library: dict | None = None
) -> str:
    """The sources panel: each citation's passage with the cited span marked, the title of its
    document, its page and section; for a question not answered, the related passages (most
    relevant first, numbered so that the chat's [n] points at them).

    `library` maps document names to {"title", "sections"} (titles and headings to show).
    """
    library = library or {}
    if not answer:
        return "<div class='sources'><p>Sources of the answer appear here.</p></div>"

    def title(doc: str) -> str:
        return (library.get(doc) or {}).get("title") or doc

    def body(p: dict, marks: list) -> str:
        heads = heading_spans(p["text"], (library.get(p["doc"]) or {}).get("sections"), p["start"])
        spans = [(a, b, "<span class='heading'>", "</span>") for a, b in heads]
        return f"<div class='rag-text'>{markup(p['text'], spans + marks)}</div>"

    def head(n: int, doc: str, extra: str, page, section, cls: str) -> str:
        loc = where(page, section)
        facts = " · ".join(x for x in (html.escape(doc), html.escape(loc), extra) if x)
        return (
            f"<div class='{cls}{' focus' if focus == n else ''}' id='src-{n}'>"
            f"<h4>[{n}] {html.escape(title(doc))}</h4><p class='where'>{facts}</p>"
        )

    passages = {p["chunk_id"]: p for p in answer.get("passages", [])}
    parts = ["<div class='sources'>"]
    if answer.get("citations"):
        parts.append("<h3>Sources</h3>")
    for c in answer.get("citations", []):
        p = passages.get(c["chunk_id"])
        if p is None:
            continue
        a, b = c["start"] - p["start"], c["end"] - p["start"]
        marks = [(a, b, "<mark>", "</mark>")]
        short = answer.get("short_answer")
        if (
            short
            and short["doc"] == c["doc"]
            and c["start"] <= short["start"] < short["end"] <= c["end"]
        ):
            sa, sb = short["start"] - p["start"], short["end"] - p["start"]
            marks.append((sa, sb, "<strong class='short'>", "</strong>"))
        parts.append(
            head(
                c["n"],
                c["doc"],
                f"characters {c['start']}–{c['end']}",
                c.get("page"),
                c.get("section"),
                "source",
            )
            + f"<p class='origin'>{html.escape(describe_origin(c.get('origin')))}</p>"
            + body(p, marks)
            + "</div>"
        )
    if answer.get("abstained"):
        why = answer.get("why") or ""
        if why:
            parts.append(f"<p class='why'>Not answered: {html.escape(why)}</p>")
        related = sorted_related(answer.get("related", []))
        if related:
            parts.append(
                "<h3 class='related-head'>Related passages, most relevant first "
                "(they do not answer the question)</h3>"
            )
        for n, p in enumerate(related, 1):
            parts.append(
                head(n, p["doc"], "", p.get("page"), p.get("section"), "source related")
                + body(p, [])
                + "</div>"
            )
    parts.append("</div>")
    return "".join(parts)


def sorted_related(related: list[dict]) -> list[dict]:
    """Related passages, most relevant first (retrieval rank, else score).

    >>> [p["doc"] for p in sorted_related([{"doc": "b", "rank": 2}, {"doc": "a", "rank": 1}])]
    ['a', 'b']
    """
    return sorted(related, key=lambda p: (p.get("rank") or 1e9, -(p.get("score") or 0)))


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


def chat_reply(d: dict, library: dict | None = None) -> str:
    """The chat message for an answer (Answer.to_dict()): the answer with live [n] markers, a
    notice if any, and which model wrote it in how long. A question not answered says why, and
    points at the related passages that might help.

    >>> print(chat_reply({"answer": "Harbin. [1]", "abstained": False, "notice": "",
    ...                   "generator": "reader", "seconds": 0.091}))
    Harbin\\. <sup>[1]</sup>
    <BLANKLINE>
    <span class='meta'>reader · 0.09 s</span>
    >>> print(chat_reply({"answer": "137. [1]", "question": "And Russian ones?",
    ...   "query": "And Russian ones? How many Chinese firms?", "generator": "reader",
    ...   "seconds": 0.2}))
    137\\. <sup>[1]</sup>
    <BLANKLINE>
    <span class='meta'>reader · 0.20 s · searched as “And Russian ones? How many Chinese firms?”</span>
    >>> print(chat_reply({"answer": "Not in the documents.", "abstained": True, "why": "No luck.",
    ...   "related": [{"doc": "b.txt", "rank": 2, "page": 3}, {"doc": "a.txt", "rank": 1}],
    ...   "notice": "", "generator": "reader", "seconds": 0.5}, {"a.txt": {"title": "A"}}))
    Not in the documents\\. No luck\\.
    <BLANKLINE>
    These passages might help, most relevant first: A <sup>[1]</sup> · b\\.txt <sup>[2]</sup> \\(page 3\\)
    <BLANKLINE>
    <span class='meta'>reader · 0.50 s</span>
    """
    library = library or {}
    text = linked_markers(d["answer"])
    if d.get("abstained"):
        if d.get("why"):
            text += " " + as_text(d["why"])
        groups: dict[str, list[str]] = {}  # a document's passages together, best first
        for n, p in enumerate(sorted_related(d.get("related", [])), 1):
            name = (library.get(p["doc"]) or {}).get("title") or p["doc"]
            loc = where(p.get("page"), p.get("section"))
            groups.setdefault(name, []).append(
                f"<sup>[{n}]</sup>" + (f" \\({as_text(loc)}\\)" if loc else "")
            )
        if groups:
            text += "\n\nThese passages might help, most relevant first: " + " · ".join(
                f"{as_text(name)} {' '.join(marks)}" for name, marks in groups.items()
            )
    if d.get("notice"):
        text += f"\n\n*{linked_markers(d['notice'])}*"
    if d.get("generator"):
        meta = f"{html.escape(d['generator'])} · {d.get('seconds', 0):.2f} s"
        if d.get("query") and d.get("question") and d["query"] != d["question"]:
            # A follow-up is searched together with the question before it: say so.
            meta += f" · searched as “{as_text(d['query'])}”"
        text += f"\n\n<span class='meta'>{meta}</span>"
    return text


def source_choices(d: dict, library: dict | None = None) -> list[tuple[str, str]]:
    """The "Show source" choices of an answer: its citations, or for a question not answered
    its related passages.

    >>> d = {"citations": [{"n": 1, "doc": "a.txt", "page": 2}]}
    >>> source_choices(d, {"a.txt": {"title": "A"}})
    [('[1] A, page 2', '1')]
    """
    library = library or {}

    def label(n, doc, page, section):
        name = (library.get(doc) or {}).get("title") or doc
        name = name if len(name) <= 60 else name[:59].rsplit(" ", 1)[0] + "…"
        return f"[{n}] {name}" + (f", page {page}" if page else "")

    if d.get("citations"):
        return [
            (label(c["n"], c["doc"], c.get("page"), c.get("section")), str(c["n"]))
            for c in d["citations"]
        ]
    related = sorted_related(d.get("related", [])) if d.get("abstained") else []
    return [
        (label(n, p["doc"], p.get("page"), p.get("section")), str(n))
        for n, p in enumerate(related, 1)
    ]


def message_text(message: dict) -> str:
    """A chat message's text, whether its content is a string or Gradio's list of parts.

    >>> message_text({"role": "user", "content": [{"type": "text", "text": "Hi"}]})
    'Hi'
    """
    content = message.get("content") if isinstance(message, dict) else None
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


def compact(d: dict) -> dict:
    """An answer as kept in the browser: only the passages the sources panel shows.

    >>> compact({"citations": [{"chunk_id": "a::1"}], "passages": [{"chunk_id": "a::1"},
    ...          {"chunk_id": "a::2"}]})["passages"]
    [{'chunk_id': 'a::1'}]
    """
    cited = {c["chunk_id"] for c in d.get("citations", [])}
    return {**d, "passages": [p for p in d.get("passages", []) if p["chunk_id"] in cited]}


def render_document(doc: dict, max_chars: int = 400_000) -> str:
    """One document whole (rag.document()): its facts, then its text with its headings, where
    each page starts, and a badge where each passage (what retrieval finds and cites) starts.

    >>> page = render_document({"name": "a.md", "title": "A", "format": "md", "pages": None,
    ...   "bytes": 20, "passages": [{"chunk_id": "a.md::0", "start": 0, "end": 13}], "added": "",
    ...   "text": "Intro\\n\\nHi <b>.", "sections": [[0, "Intro"]], "page_starts": [],
    ...   "origin": {"origin": "folder"}})
    >>> print(page.split("</p></div>")[0].split("<p class='facts'>")[1])
    a.md · Markdown · 20 bytes · 1 passage · from the server&#x27;s documents folder
    >>> print(page.split("</p></div>")[1])
    <div class='rag-text'><span class='passage-mark' title='a.md::0 · characters 0–13'>passage 1</span><span class='heading'>Intro</span>
    <BLANKLINE>
    Hi &lt;b&gt;.</div>
    """
    text = doc.get("text", "")
    cut = len(text) > max_chars
    shown = text[:max_chars]
    spans = [
        (a, b, "<span class='heading'>", "</span>")
        for a, b in heading_spans(shown, doc.get("sections"))
    ]
    for start, page in doc.get("page_starts") or ():
        spans.append((start, start, f"<span class='page-mark'>page {int(page)}</span>", ""))
    for k, p in enumerate(doc.get("passages") or (), 1):
        tip = html.escape(f"{p['chunk_id']} · characters {p['start']}–{p['end']}", quote=True)
        spans.append(
            (
                p["start"],
                p["start"],
                f"<span class='passage-mark' title='{tip}'>passage {k}</span>",
                "",
            )
        )
    passages = doc.get("passages") or []
    size = plural(doc["pages"], "page") if doc.get("pages") else human_bytes(doc.get("bytes", 0))
    facts = [
        doc["name"],
        FORMAT_NAMES.get(doc.get("format", ""), doc.get("format", "")),
        size,
        plural(len(passages), "passage"),
        f"added {doc['added']}" if doc.get("added") else "",
        describe_origin(doc.get("origin")),
    ]
    head = (
        f"<div class='doc-head'><h3>{html.escape(doc.get('title') or doc['name'])}</h3>"
        f"<p class='facts'>{html.escape(' · '.join(f for f in facts if f))}</p></div>"
    )
    more = (
        f"<p class='why'>The first {max_chars:,} of {len(text):,} characters are shown.</p>"
        if cut
        else ""
    )
    return f"{head}<div class='rag-text'>{markup(shown, spans)}</div>{more}"


def upload_message(result: dict) -> str:
    """What the page says after an upload (Markdown), in plain words.

    >>> print(upload_message({"added": [{"file": "a b.txt", "name": "a_b.txt"}],
    ...   "duplicates": [{"file": "c.txt", "name": "old.txt"}],
    ...   "refused": [{"file": "x.png", "reason": "x.png: this kind of file cannot be added"}],
    ...   "error": ""}))
    - Added **a b\\.txt** \\(stored as a\\_b\\.txt\\)\\.
    - **c\\.txt** is already here, as old\\.txt\\.
    - Not added: x\\.png\\: this kind of file cannot be added\\.
    <BLANKLINE>
    It is being indexed now; questions are answered meanwhile and it is searched once indexed.
    """
    if result.get("error"):
        return as_text(result["error"])
    lines = []
    for a in result.get("added", []):
        renamed = f" \\(stored as {as_text(a['name'])}\\)" if a["name"] != a["file"] else ""
        lines.append(f"- Added **{as_text(a['file'])}**{renamed}\\.")
    for d in result.get("duplicates", []):
        lines.append(f"- **{as_text(d['file'])}** is already here, as {as_text(d['name'])}\\.")
    for r in result.get("refused", []):
        reason = r["reason"] if r["reason"].endswith(".") else r["reason"] + "."
        lines.append(f"- Not added: {as_text(reason)}")
    if result.get("added"):
        what = "It is" if len(result["added"]) == 1 else "They are"
        lines.append(
            f"\n{what} being indexed now; questions are answered meanwhile and "
            f"{'it is' if what == 'It is' else 'they are'} searched once indexed."
        )
    return "\n".join(lines) or "No file chosen."


# A click on [n] in the latest answer (or Enter/Space on it: markers are keyboard stops) focuses
# source n in the panel. Older answers' markers do nothing and are not tab stops: the panel
# shows the latest answer's sources, and a marker must never point elsewhere. The sources panel
# is a polite live region, so a screen reader announces new sources.
MARKER_JS = """
() => {
  const latestBot = () => {
    const bots = document.querySelectorAll('#chat .bot');
    return bots.length ? bots[bots.length - 1] : null;
  };
  const show = (sup) => {
    const latest = latestBot();
    if (!latest || !latest.contains(sup)) return;
    const n = sup.textContent.replace(/[^0-9]/g, '');
    const source = document.getElementById('src-' + n);
    if (!source) return;
    document.querySelectorAll('#sources .source.focus').forEach((el) => el.classList.remove('focus'));
    source.classList.add('focus');
    source.setAttribute('tabindex', '-1');
    source.scrollIntoView({behavior: 'smooth', block: 'nearest'});
    source.focus({preventScroll: true});
  };
  document.addEventListener('click', (event) => {
    const sup = event.target.closest && event.target.closest('#chat sup');
    if (sup) show(sup);
  });
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    const sup = event.target.closest && event.target.closest('#chat sup');
    if (!sup) return;
    event.preventDefault();
    show(sup);
  });
  let queued = false;
  const tune = () => {
    queued = false;
    const latest = latestBot();
    document.querySelectorAll('#chat sup').forEach((sup) => {
      const live = latest && latest.contains(sup);
      if (live && sup.getAttribute('tabindex') !== '0') {
        sup.setAttribute('tabindex', '0');
        sup.setAttribute('role', 'button');
        sup.setAttribute('aria-label', 'Show source ' + sup.textContent.replace(/[^0-9]/g, ''));
      } else if (!live && sup.hasAttribute('tabindex')) {
        sup.removeAttribute('tabindex');
        sup.removeAttribute('role');
      }
    });
    const sources = document.getElementById('sources');
    if (sources && sources.getAttribute('aria-live') !== 'polite') {
      sources.setAttribute('aria-live', 'polite');
      sources.setAttribute('role', 'region');
      sources.setAttribute('aria-label', 'Sources of the answer');
    }
  };
  new MutationObserver(() => {
    if (!queued) { queued = true; requestAnimationFrame(tune); }
  }).observe(document.body, {childList: true, subtree: true, characterData: true});
  tune();
}
"""


# Deleting asks first; a "no" sends no name, and nothing happens.
CONFIRM_DELETE_JS = """
(name, scope) => [
  confirm('Delete this document? It will no longer be searched.') ? name : null, scope
]
"""


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


# ---- the API's shapes ----------------------------------------------------------------------


class CitationDict(TypedDict):
    n: int
    doc: str  # the document's name (its file, relative to the documents folder)
    chunk_id: str
    start: int  # character offsets into the document's extracted text
    end: int
    quote: str  # == text[start:end]
    score: float
    page: int | None  # PDF page the span starts on
    section: str | None  # heading path over it, "Background › Trade"
    origin: dict[str, str]


class RelatedDict(TypedDict):
    doc: str
    chunk_id: str
    start: int
    end: int
    score: float
    text: str
    page: int | None
    section: str | None


class ShortAnswerDict(TypedDict):
    text: str
    doc: str
    start: int
    end: int


class AskResult(TypedDict):
    answer: str
    abstained: bool
    generator: str
    citations: list[CitationDict]
    related: list[RelatedDict]
    notice: str
    why: str
    reason: str
    short_answer: ShortAnswerDict | None
    confidence: float | None
    seconds: float
    error: NotRequired[str]


class DocumentInfo(TypedDict):
    name: str
    title: str
    format: str  # pdf, docx, html, md or txt
    pages: int | None
    bytes: int
    passages: int
    added: str  # "YYYY-MM-DD HH:MM"
    status: str  # "indexed" or "indexing"
    origin: dict[str, str]


class PassageSpan(TypedDict):
    chunk_id: str
    start: int
    end: int


class DocumentText(TypedDict, total=False):
    name: str
    title: str
    format: str
    pages: int | None
    bytes: int
    added: str
    origin: dict[str, str]
    text: str  # what every citation's start and end point into
    passages: list[PassageSpan]
    sections: list[tuple[int, str]]  # (offset where a heading starts, its path)
    page_starts: list[tuple[int, int]]  # (offset where a page starts, page number)
    error: str


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


def typed(fn):
    """Resolve a function's annotations (this module defers them) so that gr.api documents its
    parameters and return type."""
    fn.__annotations__ = typing.get_type_hints(fn)
    return fn


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
        "seconds": 0.0,
    }


def api_result(answer: Answer) -> dict:
    """The stable JSON shape of `/ask`."""
    d = answer.to_dict()
    return {
        "answer": d["answer"],
        "abstained": d["abstained"],
        "generator": d["generator"],
        "citations": d["citations"],
        "related": [
            {
                k: p.get(k)
                for k in ("doc", "chunk_id", "start", "end", "score", "text", "page", "section")
            }
            for p in sorted_related(d["related"])
        ],
        "notice": d["notice"],
        "why": d["why"],
        "reason": d["reason"],
        "short_answer": d["short_answer"],
        "confidence": d["confidence"],
        "seconds": d["seconds"],
    }


# ---- serving -------------------------------------------------------------------------------


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


def browser_secret(folder: Path) -> str:
    """The key that encrypts conversations kept in the browser, kept across restarts (so a
    restart does not lose them) in a file only this user reads."""
    path = Path(folder) / "browser-secret"
    with contextlib.suppress(OSError):
        return path.read_text().strip() or secrets.token_urlsafe(24)
    key = secrets.token_urlsafe(24)
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(key)
    return key


class Library:
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
    asks the bot, so it runs in a thread, once per index generation, never on a request."""

    def __init__(self, rag: RAG, indexer: BackgroundIndexer, n: int = 3):
        self.rag, self.indexer, self.n = rag, indexer, n
        self._for = None  # the generation the questions are for
        self._questions: list[str] = []
        self._running = False
        self._lock = threading.Lock()

    def get(self) -> list[str]:
        """The questions for the current generation; [] until they are ready (then a thread
        is started if none runs)."""
        snap = self.rag.store.current()
        gen = snap.generation if snap else None
        with self._lock:
            if self._for == gen:
                return self._questions
            if self._running or gen is None or self.indexer.busy:
                return []
            self._running = True
        threading.Thread(target=self._work, args=(gen,), name="examples", daemon=True).start()
        return []

    def _work(self, gen) -> None:
        questions: list[str] = []
        try:
            from rag.examples import example_questions

            questions = list(example_questions(self.rag, self.n))[: self.n]
        except Exception:  # noqa: BLE001 - examples are a help; the page works without them
            log.exception("finding example questions failed")
        with self._lock:
            self._for, self._questions, self._running = gen, questions, False


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


# ---- the app -------------------------------------------------------------------------------


def build_app(rag: RAG, indexer: BackgroundIndexer | None = None) -> gr.Blocks:
    indexer = indexer or BackgroundIndexer(rag)
    budget = ByteBudget(rag.settings.max_upload_bytes_per_minute)
    library = Library(rag, indexer)
    examples = Examples(rag, indexer)
    tickets = Tickets()
    policy = rag.settings.upload_policy
    allowed = {u.strip() for u in rag.settings.upload_users.split(",") if u.strip()}
    allowed = allowed or {os.environ.get("RAG_USERNAME", "")} - {""}

    def status() -> str:
        return status_line(library.docs(), indexer.describe())

    def details() -> str:
        snap = rag.store.current()
        return (
            f"{plural(snap.ntotal if snap else 0, 'passage')} indexed · answers written by "
            f"**{rag.generator.name}** · embeddings **{rag.settings.embedding_model}**"
        )

    def chat_update():
        qs = examples.get()
        return gr.update(
            placeholder=welcome(library.docs(), bool(qs)),
            examples=[{"text": q} for q in qs] or None,
        )

    def page_state():
        """Everything on the page that follows the documents."""
        docs = library.docs()
        choices = document_choices(docs)
        return (
            status(),
            document_rows(docs),
            details(),
            chat_update(),
            gr.update(choices=choices),
            gr.update(choices=choices),
        )

    def may_change(request) -> str:
        """Why this user may not add or remove documents ("" if they may)."""
        user = getattr(request, "username", None) if request is not None else None
        if policy == "off":
            return "Adding and removing documents is turned off on this server."
        if policy == "users" and user not in allowed:
            return "Only named users may add or remove documents here; log in as one of them."
        return ""

    # ---- asking

    def answer_api(
        question: str, history: list[str] | None = None, documents: list[str] | None = None
    ) -> AskResult:
        """Answer a question from the indexed documents, with citations.

        history: earlier questions of the conversation, oldest first (for follow-ups).
        documents: names of the documents to search (see /documents); all when empty.
        """
        try:
            return api_result(rag.ask(question, history=history, documents=documents or None))
        except RagError as exc:
            return error_result(str(exc), rag.generator.name)
        except Exception:  # noqa: BLE001 - the API answers with a message, never a traceback
            log.exception("ask failed")
            return error_result(
                "Internal error while answering; see the server log.", rag.generator.name
            )

    def start(message: str, messages: list, busy: bool):
        """The question appears at once, with a note that the answer is on its way, and gets a
        ticket: `respond` answers each ticket once. While a question is being answered, another
        click or Enter (a double-click) changes nothing, so nothing is asked twice."""
        skip = (gr.skip(),) * 5
        if busy:
            return skip
        if not (message or "").strip():
            gr.Warning("Type a question first.", duration=4)
            return skip
        messages = list(messages or []) + [
            {"role": "user", "content": message},
            {"role": "assistant", "content": THINKING},
        ]
        ticket = {"id": tickets.new(), "question": message}
        return messages, "", ticket, True, gr.update(interactive=False)

    def respond(ticket: dict | None, messages: list, asked: list[str], scope: list[str] | None):
        if not isinstance(ticket, dict) or not tickets.claim(ticket.get("id")):
            yield (gr.skip(),) * 8  # a second click's chain: its question is answered already
            return
        question = ticket["question"]
        messages = list(messages or [])
        asked = list(asked or [])
        if messages and message_text(messages[-1]) == THINKING:
            messages.pop()  # the "looking" note

        def reply(content, sources=gr.update(), pick=gr.update(), last=gr.update(), done=True):
            convo = gr.update()
            shown = messages + [{"role": "assistant", "content": content}]
            if done:
                convo = {  # kept in the browser: the latest turns only
                    "messages": shown[-KEEP_MESSAGES:],
                    "asked": asked,
                    "last": last if isinstance(last, dict) else None,
                }
            return (
                shown,
                sources,
                asked,
                pick,
                last,
                not done,
                gr.update(interactive=done),
                convo,
            )

        try:
            final = None
            for item in chat_steps(rag, question or "", asked, scope):
                if isinstance(item, Answer):
                    final = item
                else:
                    yield reply(WRITING, done=False)
            d = compact(final.to_dict())
            names = [c["doc"] for c in d["citations"]] + [p["doc"] for p in d["related"]]
            lookup = library.lookup(names)
            choices = source_choices(d, lookup)
            asked.append(final.question)
            yield reply(
                chat_reply(d, lookup),
                render_sources(d, library=lookup),
                gr.update(choices=choices, value=None, visible=bool(choices)),
                d,
            )
        except RagError as exc:
            yield reply(as_text(str(exc)), last=None)
        except Exception:  # noqa: BLE001
            log.exception("chat failed")
            yield reply("Something went wrong; see the server log.", last=None)

    def focus_source(choice: str | None, last: dict | None):
        if not last or not choice:
            return gr.update()
        names = [c["doc"] for c in last.get("citations", [])] + [
            p["doc"] for p in last.get("related", [])
        ]
        return render_sources(last, focus=int(choice), library=library.lookup(names))

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
        """A reloaded page shows the conversation it had (kept in the browser)."""
        convo = convo if isinstance(convo, dict) else {}
        last = convo.get("last") if isinstance(convo.get("last"), dict) else None
        messages = [
            m
            for m in convo.get("messages") or []
            if isinstance(m, dict) and m.get("role") in ("user", "assistant")
        ]
        asked = [q for q in convo.get("asked") or [] if isinstance(q, str)]
        if not last:
            return messages, render_sources(None), asked, gr.update(visible=False), None
        try:
            names = [c["doc"] for c in last.get("citations", [])] + [
                p["doc"] for p in last.get("related", [])
            ]
            lookup = library.lookup(names)
            choices = source_choices(last, lookup)
            sources = render_sources(last, library=lookup)
        except (KeyError, TypeError, ValueError):
            return messages, render_sources(None), asked, gr.update(visible=False), None
        return (
            messages,
            sources,
            asked,
            gr.update(choices=choices, value=None, visible=bool(choices)),
            last,
        )

    # ---- the library

    def file_list(files) -> list[tuple[str, Path]]:
        """(name it was sent with, path here) for what Gradio received: paths from the page,
        FileData dicts (one or a list) from the API."""
        if files is None:
            return []
        items = files if isinstance(files, list) else [files]
        out = []
        for f in items:
            if isinstance(f, dict):
                path = Path(f["path"])
                out.append((f.get("orig_name") or path.name, path))
            else:
                path = Path(f if isinstance(f, str) else f.name)
                out.append((path.name, path))
        return out

    def add_documents(files, request) -> dict:
        result = {"added": [], "duplicates": [], "refused": [], "documents": [], "error": ""}
        refusal = may_change(request)
        items = file_list(files)
        if refusal:
            result["error"] = refusal
            result["refused"] = [{"file": n, "reason": refusal} for n, _ in items]
        elif not items:
            result["error"] = "No file was sent."
        else:
            limit = rag.settings
            extra = items[limit.max_upload_files :]
            result["refused"] += [
                {
                    "file": n,
                    "reason": f"{n}: only {limit.max_upload_files} files can be added at once",
                }
                for n, _ in extra
            ]
            batch = []
            for name, path in items[: limit.max_upload_files]:
                size = path.stat().st_size  # checked before anything is read
                if size > limit.max_upload_bytes:
                    reason = (
                        f"{name} is {human_bytes(size)}, over this server's limit of "
                        f"{human_bytes(limit.max_upload_bytes)}"
                    )
                elif not budget.take(size):
                    reason = f"{name}: too many uploads in the last minute; try again shortly"
                else:
                    batch.append((name, path.read_bytes()))
                    continue
                result["refused"].append({"file": name, "reason": reason})
            try:
                user = getattr(request, "username", None) if request is not None else None
                stored, rejected = rag.store_files(batch, uploader=user)
            except RagError as exc:
                result["error"] = f"The upload failed: {exc}"
                stored, rejected = [], {}
            for s in stored:
                key = "added" if s.status == "added" else "duplicates"
                result[key].append({"file": s.original, "name": s.name})
            result["refused"] += [{"file": n, "reason": why} for n, why in rejected.items()]
            if result["added"]:
                indexer.request()
        result["documents"] = list_documents()
        return result

    def list_documents() -> list[DocumentInfo]:
        """Every document: name (what /ask's `documents` and /delete take), title, format, pages
        (PDF) or bytes, passages, when it was added, and whether it is indexed yet."""
        return [{k: d.get(k) for k in DocumentInfo.__annotations__} for d in library.docs()]

    def document_api(name: str) -> DocumentText:
        """One document whole: its facts, the extracted text every citation's span points into
        (text[start:end] == quote), its passages' spans, and where its pages and sections
        start. `error` says why not (an unknown name)."""
        try:
            d = rag.document(name)
        except RagError as exc:
            return {"error": str(exc)}
        return {**{k: d.get(k) for k in DocumentText.__annotations__}, "error": ""}

    def delete_api(name: str, request: gr.Request) -> DeleteResult:
        """Remove a document by name: its file is deleted and its passages are no longer
        searched (at once, and after a restart)."""
        refusal = may_change(request)
        if refusal:
            return {"deleted": None, "documents": list_documents(), "error": refusal}
        try:
            entry = rag.delete_document(name)
        except RagError as exc:
            return {"deleted": None, "documents": list_documents(), "error": str(exc)}
        return {
            "deleted": {k: entry.get(k) for k in DocumentInfo.__annotations__},
            "documents": list_documents(),
            "error": "",
        }

    def upload_api(files: list[FileData] | FileData, request: gr.Request) -> UploadResult:
        """Add documents (PDF, DOCX, HTML, Markdown, text): one file or a list. Each is stored
        at once and indexed in the background; `refused` says why a file was not taken."""
        return add_documents(files, request)

    def upload_page(files, request: gr.Request):
        result = add_documents(files, request)
        docs = library.docs()
        return (
            upload_message(result),
            None,
            status(),
            document_rows(docs),
            gr.update(choices=document_choices(docs)),
        )

    def open_document(name: str | None):
        if not name:
            return "", gr.update(visible=False)
        try:
            return render_document(rag.document(name)), gr.update(visible=not locked)
        except RagError as exc:
            return f"<p class='why'>{html.escape(str(exc))}</p>", gr.update(visible=False)

    def pick_row(evt: gr.SelectData):
        rows = document_rows(library.docs())
        row = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
        return rows[row][1] if isinstance(row, int) and 0 <= row < len(rows) else gr.update()

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
            status(),
            document_rows(docs),
            gr.update(visible=False) if not result["error"] else gr.update(),
        )

    locked = policy == "off"  # hides the controls when nobody may use them

    # Gradio's copies of uploads (refused ones too) are deleted after an hour.
    with gr.Blocks(
        title="Ask your documents", analytics_enabled=False, delete_cache=(600, 3600)
    ) as demo:
        gr.Markdown("## Ask your documents")
        status_md = gr.Markdown(status(), elem_id="status")
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
                info = gr.Markdown(details(), elem_id="library-info")
                files = gr.File(
                    label="Add documents: drop PDF, Word (.docx), HTML, Markdown or text files",
                    file_count="multiple",
                    # No file_types: a file of another kind is sent, and refused with a reason
                    # in plain words (Gradio's own filter drops it without a word).
                    elem_id="upload",
                    visible=policy != "off",
                )
                upload_msg = gr.Markdown(
                    "Adding and removing documents is turned off on this server."
                    if policy == "off"
                    else "",
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
        demo.load(restore, convo, [chatbot, sources, asked, pick, last], api_visibility="private")

        # The library.
        files.upload(
            upload_page,
            files,
            [upload_msg, files, status_md, table, doc_pick],
            api_visibility="private",
        )
        table.select(pick_row, None, doc_pick, api_visibility="private")
        doc_pick.change(open_document, doc_pick, [doc_view, delete], api_visibility="private")
        delete.click(
            delete_page,
            [doc_pick, scope],
            [doc_msg, doc_pick, doc_view, scope, status_md, table, delete],
            js=CONFIRM_DELETE_JS,
            api_visibility="private",
        )

        # While indexing runs in the background (or example questions are being found), the
        # page follows; otherwise the tick returns nothing.
        seen = gr.State(None)
        page_outs = [status_md, table, info, chatbot, scope, doc_pick]

        def follow(seen):
            key = [*library.key(), len(examples.get())]
            if key == seen:
                return (*(gr.skip() for _ in page_outs), seen)
            return (*page_state(), key)

        gr.Timer(2.0).tick(
            follow,
            seen,
            [*page_outs, seen],
            show_progress="hidden",
            concurrency_limit=None,  # never waits behind questions
            api_visibility="private",
        )
        # Computed per page view, not once when the app was built: a fresh page is current.
        demo.load(page_state, None, page_outs, api_visibility="private")

        gr.api(typed(answer_api), api_name="ask")
        gr.api(typed(list_documents), api_name="documents", concurrency_limit=None)
        gr.api(typed(upload_api), api_name="upload")
        gr.api(typed(document_api), api_name="document", concurrency_limit=None)
        gr.api(typed(delete_api), api_name="delete")
    return demo


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Ask your documents: the browser app and its API")
    p.add_argument("--host", help="interface to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default 7860)")
    p.add_argument("--docs", dest="documents_dir", help="documents folder (default data/)")
    p.add_argument("--index-dir", help="index folder")
    p.add_argument("--generator", help="auto, seq2seq, reader, extractive or instruct")
    args = p.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for noisy in ("httpx", "sentence_transformers", "faiss"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # the log says what loads; no bar for weights in memory
    try:
        settings = Settings.from_env(
            host=args.host,
            port=args.port,
            documents_dir=args.documents_dir,
            index_dir=args.index_dir,
            generator=args.generator,
        )
        apply_offline_policy(settings.allow_download)
        rag = RAG(settings)
        if rag.prepare_documents_dir():
            log.info("created %s from the seed documents", settings.documents_dir)
        # The default data folder starts as a copy of the seeds; a missing folder the user
        # named stops the start here.
        seed_documents_dir(settings.documents_dir, settings.seed_dir)
        list_document_files(settings.documents_dir)
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
