"""What the page shows, as Markdown and HTML strings: pure functions of an answer's or a
document's dict (Answer.to_dict(), rag.document(), rag.documents()), no Gradio, no state.

Document text is always escaped: an uploaded file can never inject HTML into the page.
"""

from __future__ import annotations

import html
import re

from rag.ingest.formats import SECTION_SEP
from rag.ingest.upload import human_bytes
from rag.text import markup_spans

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

    A long path (a filing's "PART I — … › Item 2. … › Liquidity …") shows its last two
    headings; the API's `section` keeps it whole.

    >>> where(9, "PART I — FINANCIAL INFORMATION › Item 2. Management’s Discussion › Liquidity")
    'page 9 · … › Item 2. Management’s Discussion › Liquidity'
    """
    if section and section.count(SECTION_SEP) > 1:
        section = "…" + SECTION_SEP + SECTION_SEP.join(section.split(SECTION_SEP)[-2:])
    return " · ".join(x for x in (f"page {page}" if page else "", section or "") if x)


def welcome(docs: list[dict], has_examples: bool, limit: int = 8, preparing: bool = False) -> str:
    """The empty chat's first words (Markdown): what is loaded and what to do.

    >>> print(welcome([{"title": "A *B*", "status": "indexed"}], False))
    **1 document is loaded; answers come only from it:**
    <BLANKLINE>
    - A \\*B\\*
    <BLANKLINE>
    Ask a question about it below.
    >>> print(welcome([{"title": "A", "status": "indexed"}], False, preparing=True).split("\\n")[-1])
    Ask a question about it below (example questions are being prepared…).
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
        else f"Ask a question about {'it' if n == 1 else 'them'} below"
        + (" (example questions are being prepared…)." if preparing else ".")
    )
    return "\n".join([head, "", *items, "", tail])


def document_rows(docs: list[dict]) -> list[list]:
    """The library table: title, file, type, pages or size, passages, added.

    >>> document_rows([{"name": "a.pdf", "title": "Trade", "format": "pdf", "pages": 4,
    ...   "bytes": 9000, "passages": 7, "added": "2026-01-02 10:00", "status": "indexed"}])
    [['Trade', 'a.pdf', 'PDF', '4 pages', 7, '2026-01-02 10:00']]
    """
    rows = []
    # Newest first (a new upload is the first row, never hidden below the table's scroll);
    # files still being indexed are newest of all. Equal times keep the library's name order.
    for d in sorted(
        docs, key=lambda d: (d.get("status") != "indexed", d.get("added") or ""), reverse=True
    ):
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


def markup(text: str, spans: list[tuple[int, int, str, str]], hidden=()) -> str:
    """`text` as escaped HTML with tags around character spans (start, end, open, close),
    leaving out the `hidden` spans (sorted, not overlapping: markup such as `**`, `# `,
    `<sup>1</sup>`, which a reader should see rendered, never as characters).

    Spans may nest or cross (a crossing span is closed and reopened, so the HTML stays well
    formed); an empty span (start == end) puts its tags at that point. Document text is always
    escaped: an uploaded file can never inject HTML into the page.

    >>> markup("a <b> c", [(2, 5, "<mark>", "</mark>")])
    'a <mark>&lt;b&gt;</mark> c'
    >>> markup("abcdef", [(0, 4, "<i>", "</i>"), (2, 6, "<b>", "</b>"), (3, 3, "<br>", "")])
    '<i>ab<b>c<br>d</b></i><b>ef</b>'
    >>> markup("a **b** c", [(2, 7, "<mark>", "</mark>")], hidden=[(2, 4), (5, 7)])
    'a <mark>b</mark> c'
    """
    hidden = list(hidden)
    h = 0

    def shown(a: int, b: int) -> str:
        nonlocal h
        while h < len(hidden) and hidden[h][1] <= a:
            h += 1
        parts, k = [], h
        while a < b:
            if k < len(hidden) and hidden[k][0] < b:
                ha, hb = hidden[k]
                if ha > a:
                    parts.append(text[a:ha])
                a = max(a, hb)
                k += 1
            else:
                parts.append(text[a:b])
                break
        return html.escape("".join(parts))

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
            out.append(shown(pos, nxt))
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
        # Markup is shown rendered (what a reader sees); offsets stay the stored text's.
        shown = markup(p["text"], spans + marks, markup_spans(p["text"]))
        return f"<div class='rag-text'>{shown}</div>"

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


def chat_reply(
    d: dict, library: dict | None = None, scope: list[str] | None = None, typed: str = ""
) -> str:
    """The chat message for an answer (Answer.to_dict()): the answer with live [n] markers, a
    notice if any, and which model wrote it in how long. A question not answered says why, and
    points at the related passages that might help. A follow-up read as a question of its own
    (`typed` is what the user wrote) says as which.

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
    >>> print(chat_reply({"answer": "No.", "generator": "reader", "seconds": 0.1},
    ...   {"a.txt": {"title": "A"}}, scope=["a.txt", "b.txt"]))
    No\\.
    <BLANKLINE>
    <span class='meta'>reader · 0.10 s · searched only A, b\\.txt</span>
    >>> print(chat_reply({"answer": "7,735. [1]", "question": "What was Mac revenue?",
    ...   "query": "What was Mac revenue?", "generator": "reader", "seconds": 0.1}, typed="And Mac?"))
    7,735\\. <sup>[1]</sup>
    <BLANKLINE>
    <span class='meta'>reader · 0.10 s · read as “What was Mac revenue?”</span>
    >>> print(chat_reply({"answer": "- Rice [1]\\n- Tea. [2]", "form": "list"}))
    - Rice <sup>[1]</sup>
    - Tea\\. <sup>[2]</sup>
    """
    library = library or {}
    text = linked_markers(d["answer"])
    if not d.get("abstained") and d.get("form") in ("list", "comparison"):
        # one "- item [n]" line per item (rag.answer.forms.lines_text): a Markdown bullet list
        lines = d["answer"].split("\n")
        text = "\n".join(
            f"- {linked_markers(x[2:])}" if x.startswith("- ") else linked_markers(x) for x in lines
        )
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
        if typed and d.get("question") and " ".join(typed.split()) != d["question"]:
            # "And Mac?" was the previous question of the Mac: say which question was answered
            meta += f" · read as “{as_text(d['question'])}”"
        if d.get("query") and d.get("question") and d["query"] != d["question"]:
            # A follow-up is searched together with the question before it: say so.
            meta += f" · searched as “{as_text(d['query'])}”"
        if scope:
            # "Search in" was set: the answer (or refusal) is about those documents only.
            names = ", ".join(as_text((library.get(n) or {}).get("title") or n) for n in scope)
            meta += f" · searched only {names}"
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
    ...   "text": "Intro\\n\\nHi <b>1</b> <x>.", "sections": [[0, "Intro"]], "page_starts": [],
    ...   "origin": {"origin": "folder"}})
    >>> print(page.split("</p></div>")[0].split("<p class='facts'>")[1])
    a.md · Markdown · 20 bytes · 1 passage · from the server&#x27;s documents folder
    >>> print(page.split("</p></div>")[1])
    <div class='rag-text'><span class='passage-mark' title='a.md::0 · characters 0–13'>passage 1</span><span class='heading'>Intro</span>
    <BLANKLINE>
    Hi 1 &lt;x&gt;.</div>
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
    return f"{head}<div class='rag-text'>{markup(shown, spans, markup_spans(shown))}</div>{more}"


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


INDEXING_NOTE = "being indexed now; questions are answered meanwhile"


def settle_upload_message(message: str | None, indexing: bool) -> str | None:
    """The upload message once indexing has ended: its "being indexed now" note replaced by
    "indexed"; None when nothing changes.

    >>> m = upload_message({"added": [{"file": "a.txt", "name": "a.txt"}]})
    >>> print(settle_upload_message(m, False))
    - Added **a\\.txt**\\.
    <BLANKLINE>
    Indexed: it is searched now.
    >>> settle_upload_message(m, True) is None, settle_upload_message("", False) is None
    (True, True)
    """
    if indexing or not message or INDEXING_NOTE not in message:
        return None
    head, _, note = message.rpartition("\n")
    return f"{head}\nIndexed: {'it is' if note.startswith('It is') else 'they are'} searched now."
