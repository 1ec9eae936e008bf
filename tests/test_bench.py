"""`rag bench` end to end on a small collection of the seeds' sentences."""

import json
import os
import subprocess
import sys

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow


def test_bench_json_reports_the_project_beside_the_floor(tmp_path):
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "rag.cli",
            "bench",
            "--passages",
            "500",
            "--queries",
            "20",
            "--squad",
            str(tmp_path / "none.json"),
            "--json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        env={**os.environ, "RAG_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert out.returncode == 0, out.stderr[-2000:]
    (row,) = [json.loads(line) for line in out.stdout.splitlines()]
    assert row["passages"] == 500 and row["index_kind"] == "flat"
    for key in (
        "retrieval_cpu_ms_p50",
        "floor_cpu_ms_p50",
        "floor_1thread_cpu_ms_p50",
        "build_passages_per_s",
        "peak_rss_mb",
        "floor_peak_rss_mb",
    ):
        assert row[key] > 0, key
    # Both sides answered in turn within one run, on the machine named here.
    assert row["cores"] >= 1 and len(row["load_avg_1m"]) == 2
    assert row["add_embedded_passages"] >= 1  # a real document was embedded and added
    assert row["index_disk_mb"] > 0 and row["recall_at_10"] is None  # flat: exact


def test_bench_refuses_a_tiny_collection():
    out = subprocess.run(
        [sys.executable, "-m", "rag.cli", "bench", "--passages", "5"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert out.returncode == 2 and "--passages 5" in out.stderr


def test_ingest_bench_embeds_the_same_passages_as_its_floor(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    seed = sorted((ROOT / "seeds").glob("*.txt"))[0]
    (docs / seed.name).write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "rag.cli", "bench", "--ingest", str(docs), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        env={**os.environ, "RAG_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert out.returncode == 0, out.stderr[-2000:]
    row = json.loads(out.stdout.splitlines()[-1])
    assert row["documents"] == 1 and row["passages"] >= 1
    assert row["floor_passages"] == row["passages"]  # the floor encodes exactly those passages
    assert set(row["stage_cpu_s"]) == {"extract", "chunk", "embed", "write"}
    assert row["floor_embed_cpu_s"] > 0 and row["batch"] == 32
