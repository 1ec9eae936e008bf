"""The browser chat, its document library, and the API for other apps (Gradio).

    python app.py [--host 127.0.0.1] [--port 7860] [--docs data] [--index-dir index]

Settings come from the environment (RAG_*, see README); these flags override them. The app
itself is rag/web/ (layout and wiring in rag/web/app.py).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time

T0 = time.perf_counter()  # "ready after" counts the imports too


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

    from rag.errors import RagError
    from rag.settings import Settings
    from rag.web.app import serve

    hf_logging.disable_progress_bar()  # the log says what loads; no bar for weights in memory
    try:
        settings = Settings.from_env(
            host=args.host,
            port=args.port,
            documents_dir=args.documents_dir,
            index_dir=args.index_dir,
            generator=args.generator,
        )
    except RagError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return serve(settings, T0)


if __name__ == "__main__":
    sys.exit(main())
