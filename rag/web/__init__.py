"""The browser app and its API (Gradio): rag.web.app lays out the page and wires it to
rag.web.handlers (plain functions, tested without a server), rag.web.render (HTML and
Markdown) and rag.web.serving (login, upload limits, static files). Importing this package
loads nothing; only rag.web.app imports Gradio."""
