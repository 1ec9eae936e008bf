"""Full disk on a real small filesystem (issue 26 M4): the CLI and the upload path on a tmpfs.

    mount -t tmpfs -o size=20m tmpfs /tmp/x/disk     # as root
    .venv/bin/python research/full_disk.py --disk /tmp/x/disk --out eval/results/full-disk.json

Documents, index and caches all live on the small disk; a ballast file leaves about
`--free-mb` free once the documents are there, so that indexing them runs out of space. Then:
index (must refuse in plain words and leave nothing half-written), ask, upload (refused in
plain words, no temporaries left), delete documents with `rag docs rm` on the full disk, index
again (must recover with the documents left) and ask about one of them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def free_mb(path: Path) -> float:
    st = os.statvfs(path)
    return round(st.f_bavail * st.f_frsize / 2**20, 2)


def cli(disk: Path, *args: str) -> dict:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "RAG_DOCUMENTS_DIR": str(disk / "docs"),
        "RAG_INDEX_DIR": str(disk / "index"),
        "RAG_CACHE_DIR": str(disk / "cache"),
        "RAG_GENERATOR": "reader",
    }
    t0 = time.perf_counter()
    p = subprocess.run([PY, "-m", "rag.cli", *args], env=env, capture_output=True, text=True)
    lines = [ln.split("\r")[-1] for ln in p.stderr.split("\n")]  # a bar's last state
    err = [
        ln
        for ln in lines
        if ln.strip() and "Loading weights" not in ln and "%|" not in ln and "loading" not in ln
    ]
    return {
        "args": list(args),
        "rc": p.returncode,
        "seconds": round(time.perf_counter() - t0, 1),
        "stdout": p.stdout.strip()[-400:],
        "stderr": err[-5:],
        "traceback": "Traceback" in p.stderr,
        "free_mb": free_mb(disk),
    }


def leftovers(disk: Path) -> list[str]:
    """Temporaries and segments no generation names."""
    out = [p.name for p in (disk / "docs").glob(".upload-*")]
    out += [str(p.relative_to(disk)) for p in disk.rglob("*.tmp")]
    idx = disk / "index"
    if (idx / "CURRENT").exists():
        gen = idx / (idx / "CURRENT").read_text().strip() / "manifest.json"
        named = (
            {s["name"] for s in json.loads(gen.read_text())["segments"]} if gen.exists() else set()
        )
        out += [p.name for p in idx.glob("seg-*") if p.name not in named]
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--disk", required=True, type=Path)
    ap.add_argument("--docs", type=int, default=6)
    ap.add_argument("--doc-kb", type=int, default=150)
    ap.add_argument("--free-mb", type=float, default=1.0)
    ap.add_argument("--out", type=Path)
    a = ap.parse_args()
    disk = a.disk
    for p in disk.iterdir():
        shutil.rmtree(p) if p.is_dir() else p.unlink()
    (disk / "docs").mkdir()
    steps: dict[str, object] = {"disk_mb": round(os.statvfs(disk).f_blocks * 4096 / 2**20, 1)}
    for k in range(a.docs):
        lines, i = [], 0
        while sum(map(len, lines)) < a.doc_kb * 1024:
            lines.append(
                f"Manifest {k} line {i}: vessel V{k}x{i} carried {i * 13 % 997} tonnes of timber "
                f"to berth {i % 41} for consignee number {k * 10000 + i}.\n\n"
            )
            i += 1
        (disk / "docs" / f"manifest-{k}.txt").write_text("".join(lines))
    (disk / "docs" / "pilot.txt").write_text("The harbour pilot on duty is Ingrid Vale.\n")
    ballast = disk / "ballast.bin"
    size = int((free_mb(disk) - a.free_mb) * 2**20)
    with ballast.open("wb") as f:
        f.write(b"\0" * max(0, size))
    steps["free_before_mb"] = free_mb(disk)
    steps["index_full"] = cli(disk, "index")
    steps["leftovers_after_index"] = leftovers(disk)
    steps["ask_full"] = cli(disk, "ask", "Who is the harbour pilot on duty?")
    # the upload path of the app and the API
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1])\n"
        "from pathlib import Path\n"
        "from rag import RAG, Settings\n"
        "d = Path(sys.argv[2])\n"
        "r = RAG(Settings(documents_dir=d/'docs', index_dir=d/'index', cache_dir=d/'cache'))\n"
        "s, rej = r.store_files([('late.txt', b'x' * 3_000_000)])\n"
        "print(json.dumps([[x.name for x in s], [str(x) for x in rej]]))\n"
    )
    p = subprocess.run([PY, "-c", code, str(ROOT), str(disk)], capture_output=True, text=True)
    steps["upload_full"] = {
        "rc": p.returncode,
        "out": p.stdout.strip()[-400:],
        "traceback": "Traceback" in p.stderr,
        "leftovers": leftovers(disk),
    }
    deleted = []
    for k in range(a.docs - 2):
        r = cli(disk, "docs", "rm", f"manifest-{k}.txt")
        deleted.append({k: v for k, v in r.items() if k in ("rc", "seconds", "stderr", "free_mb")})
    steps["deletes_full"] = deleted
    steps["index_after_deletes"] = cli(disk, "index")
    steps["leftovers_after_recovery"] = leftovers(disk)
    steps["ask_after"] = cli(disk, "ask", "Who is the harbour pilot on duty?")
    steps["list_after"] = cli(disk, "docs", "list")
    ballast.unlink()  # space freed by hand: the index must recover with no other step
    steps["free_after_ballast_mb"] = free_mb(disk)
    steps["ask_after_freeing"] = cli(disk, "ask", "What did vessel V5x3 carry?")
    steps["leftovers_at_end"] = leftovers(disk)
    print(json.dumps(steps, indent=1))
    if a.out:
        a.out.write_text(json.dumps(steps, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
