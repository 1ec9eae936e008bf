"""Questions about the collection itself, not about what its documents say: "What documents do
you have?", "How many files are there?", "What can you do?", "Hello".

Searched as any question, they had been answered from whatever passage held their words ("What
can you do?" quoted an award agreement's "Disablement" clause, "List the documents." an
agreement's consent to electronic delivery). What the collection holds is the library's to
say, not a passage's: the documents by name (and title, when it tells more), none cited.
"""

from __future__ import annotations

import re

_DOCS = r"(?:documents?|files?|reports?|filings?|sources|pdfs?|papers?)"
# (one document asked about is the overview's: "What is this document about?")
_PLACE = r"(?:the|this|these|your|my) (?:collection|library|index|corpus|documents|files|folder)"
_ASKS_LIST = re.compile(
    r"(?i)^(?:"
    rf"(?:what|which) {_DOCS} (?:do you have|have you got|are (?:there|loaded|indexed|available|"
    rf"in {_PLACE})|can you (?:see|read|access|search)|(?:did|have) (?:i|you) (?:uploaded?|"
    r"indexed|loaded))(?: access to)?|"
    rf"(?:list|show(?: me)?|name) (?:all )?(?:of )?(?:the |your |my )?{_DOCS}(?: you have| in {_PLACE})?|"
    rf"how many {_DOCS} (?:are there|do you have|are (?:loaded|indexed|in {_PLACE}))|"
    rf"what(?:['’]s| is) (?:in )?{_PLACE}(?: about)?|what (?:is|are) {_PLACE} about|"
    rf"which (?:companies|firms|organi[sz]ations)(?:['’])?(?: {_DOCS})? (?:are|do you have)"
    rf"(?: in {_PLACE})?"
    r")\s*[?.!]*$"
)
_ASKS_HELP = re.compile(
    r"(?i)^(?:hi|hello|hey|help|what can you do|what do you do|how do(?:es)? (?:this|it|you) "
    r"work|what can i ask(?: you)?|what (?:kind|sort) of questions can i ask(?: you)?)"
    r"(?: there)?\s*[?.!]*$"
)
# a long collection is listed in part
MOST_LISTED = 50


def asks_about_collection(question: str) -> str | None:
    """ "list" for a question asking what the collection holds, "help" for a greeting or a
    question asking what the bot does, else None.

    >>> [asks_about_collection(q) for q in ("What documents do you have?", "Hello!",
    ...     "How many files are in the collection?", "What documents did Apple file?")]
    ['list', 'help', 'list', None]
    """
    q = " ".join(question.split())
    if _ASKS_LIST.match(q):
        return "list"
    if _ASKS_HELP.match(q):
        return "help"
    return None


def collection_answer(kind: str, rows: list[dict], unread: list[str] = ()) -> str:
    """The answer to a question about the collection (`asks_about_collection`), from the
    library's rows (`Library.documents`: name, title, status, pages): what it holds, by name.

    >>> print(collection_answer("list", [{"name": "a.pdf", "title": "Annual report 2023",
    ...     "status": "indexed", "pages": 12}, {"name": "b.txt", "title": None,
    ...     "status": "indexing", "pages": None}]))
    The collection holds 2 documents:
    - a.pdf — Annual report 2023 (12 pages)
    - b.txt (being indexed)
    >>> print(collection_answer("list", [], ["c.pdf could not be read as a PDF"]))
    The collection holds no documents yet: add files to the folder or upload them.
    <BLANKLINE>
    Not read:
    - c.pdf could not be read as a PDF
    """
    if not rows:
        said = "The collection holds no documents yet: add files to the folder or upload them."
    else:
        n = len(rows)
        items = []
        for r in rows[:MOST_LISTED]:
            item = r["name"]
            # (a title that is the file name again tells nothing more)
            if r.get("title") and r["title"].casefold() not in (
                r["name"].casefold(),
                r["name"].rsplit(".", 1)[0].casefold(),
            ):
                item += f" — {r['title']}"
            if r.get("status") == "indexing":
                item += " (being indexed)"
            elif r.get("pages"):
                item += f" ({r['pages']} page{'s' if r['pages'] != 1 else ''})"
            items.append(f"- {item}")
        if n > MOST_LISTED:
            items.append(f"- and {n - MOST_LISTED} more")
        said = f"The collection holds {n} document{'s' if n != 1 else ''}:\n" + "\n".join(items)
    if unread:  # files of the folder that could not be read, each with its reason
        said += "\n\nNot read:\n" + "\n".join(f"- {m}" for m in unread)
    if kind == "help":
        return (
            "Ask me a question about these documents: I answer from their text only, quoting "
            "and citing the passages each answer comes from, and say so when they do not "
            "answer it.\n\n" + said
        )
    return said


def about_collection(library, question: str, documents) -> tuple[str, str] | None:
    """(answer, form) when the question asks about the collection (of `documents`, names, when
    given: the library's rows of those), else None."""
    kind = asks_about_collection(question)
    if kind is None:
        return None
    documents = library.check_documents(documents)
    rows = library.documents()
    rows = [r for r in rows if r["name"] in documents] if documents else rows
    unread = [] if documents else sorted(library.load_errors.values())
    return collection_answer(kind, rows, unread), "list" if kind == "list" else "fact"
