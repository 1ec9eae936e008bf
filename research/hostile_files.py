"""Hostile documents (issue 26, M1 and the parser crashes): built here, extracted one per child
process, time and peak memory measured.

    python research/hostile_files.py build /tmp/hostile          # write the files
    python research/hostile_files.py run /tmp/hostile [--code DIR] [--only NAME] [--timeout S]

`run` extracts each file in a fresh `python` whose working directory is DIR (the code under
test: this checkout, or an old one from `git archive`), and prints one JSON line per file:
outcome, wall seconds, CPU seconds of the process tree and its peak RSS (ru_maxrss of the child
and of its own children, the extraction worker included; also each apart).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_with_body(body_chunks, total_bytes: int | None = None) -> bytes:
    """A real .docx (python-docx's template) whose word/document.xml is the streamed chunks."""
    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for item in src.infolist():
            if item.filename == "word/document.xml":
                info = zipfile.ZipInfo("word/document.xml")
                info.compress_type = zipfile.ZIP_DEFLATED
                with dst.open(info, "w", force_zip64=True) as f:
                    f.write(f"<w:document {W}><w:body>".encode())
                    for chunk in body_chunks:
                        f.write(chunk)
                    f.write(b"</w:body></w:document>")
            else:
                dst.writestr(item, src.read(item.filename))
    return out.getvalue()


def paragraphs_bomb(xml_bytes: int) -> bytes:
    """Many small paragraphs (the issue's 0.83 MB file held 256 MiB of them)."""
    block = b"".join(
        b"<w:p><w:r><w:t>Paragraph %d of the bomb.</w:t></w:r></w:p>" % i for i in range(300)
    )
    return docx_with_body(block for _ in range(xml_bytes // len(block)))


def one_run_bomb(text_bytes: int) -> bytes:
    """One paragraph, one run, one text node of `text_bytes` letters."""
    piece = b"a" * (1 << 20)

    def chunks():
        yield b"<w:p><w:r><w:t>"
        for _ in range(text_bytes // len(piece)):
            yield piece
        yield b"</w:t></w:r></w:p>"

    return docx_with_body(chunks())


def nested_html(depth: int) -> bytes:
    return b"<html><body>" + b"<div>" * depth + b"deep text" + b"</div>" * depth + b"</body></html>"


def _pdf_stream_bomb(n: int) -> bytes:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from test_budget import pdf_with_stream

    return pdf_with_stream(b"BT /F1 12 Tf 72 712 Td (Hello) Tj ET\n" + b" " * n)


FILES = {
    "bomb-256mib.docx": lambda: paragraphs_bomb(256 << 20),
    "one-run-1gib.docx": lambda: one_run_bomb(1 << 30),
    "nested-100k.html": lambda: nested_html(100_000),
    "stream-bomb.pdf": lambda: _pdf_stream_bomb(300 << 20),
    "random.html": lambda: os.urandom(200_000),
    "random.docx": lambda: os.urandom(200_000),
    "random.md": lambda: os.urandom(200_000),
}

_CHILD = """
import json, resource, sys, time
t0 = time.time()
from rag.ingest.formats import extract
name, path = sys.argv[1], sys.argv[2]
data = open(path, "rb").read()
try:
    ex = extract(name, data)
    out = {"outcome": "stored", "chars": len(ex.text)}
except Exception as exc:  # the outcome is what is measured
    out = {"outcome": type(exc).__name__, "message": str(exc)[:300]}
out["wall_s"] = round(time.time() - t0, 2)
try:
    from rag.ingest import formats
    formats.stop_workers()  # the worker's usage counts once it is waited for
except (ImportError, AttributeError):
    pass
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
out["cpu_s"] = round(me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime, 2)
out["peak_rss_mb"] = round(max(me.ru_maxrss, kids.ru_maxrss) / 1024)
out["main_rss_mb"] = round(me.ru_maxrss / 1024)  # this process (the caller's side)
out["worker_rss_mb"] = round(kids.ru_maxrss / 1024)  # the extraction worker
print(json.dumps(out))
"""


def main() -> None:
    cmd, folder = sys.argv[1], Path(sys.argv[2])
    args = sys.argv[3:]
    opt = {args[i]: args[i + 1] for i in range(0, len(args), 2)}
    if cmd == "build":
        folder.mkdir(parents=True, exist_ok=True)
        for name, make in FILES.items():
            if "--only" in opt and opt["--only"] != name:
                continue
            data = make()
            (folder / name).write_bytes(data)
            print(name, len(data), "bytes", flush=True)
        return
    code = Path(opt.get("--code", Path(__file__).resolve().parents[1]))
    timeout = float(opt.get("--timeout", 600))
    for name in FILES:
        if "--only" in opt and opt["--only"] != name:
            continue
        t0 = time.time()
        try:
            proc = subprocess.run(
                [sys.executable, "-c", _CHILD, name, str(folder / name)],
                cwd=code,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
            lines = proc.stdout.strip().splitlines()
            row = json.loads(lines[-1]) if lines else {"outcome": "crashed"}
            if not lines:
                row["stderr"] = proc.stderr[-300:]
                row["returncode"] = proc.returncode
        except subprocess.TimeoutExpired:
            row = {"outcome": f"unfinished after {timeout:.0f} s"}
        row["file"] = name
        row["bytes"] = (folder / name).stat().st_size
        row["total_wall_s"] = round(time.time() - t0, 1)
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
