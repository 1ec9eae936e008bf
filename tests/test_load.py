"""The load script, run once against a real app with a small number of users."""

import json
import shutil
import subprocess
import sys

import pytest

from rag.web import serving as app_module

from ._apphelpers import ROOT, RunningApp
from .conftest import SEEDS

pytestmark = pytest.mark.slow


def run_load_script(tmp_path, *args: str) -> dict:
    """Start the app over a copy of the seeds, run eval/load.py against it, return its report."""
    shutil.copytree(SEEDS, tmp_path / "docs")
    app = RunningApp(tmp_path / "docs", tmp_path / "index", tmp_path / "app.log")
    try:
        out = subprocess.run(
            [sys.executable, "eval/load.py", "--url", app.url, *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        app.stop()
    assert out.returncode == 0, out.stdout + out.stderr
    return json.loads(out.stdout)


def test_load_script_small_run_with_an_upload(tmp_path):
    doc = tmp_path / "note.txt"
    doc.write_text("The Zeya hydroelectric dam lies on the Zeya river.", "utf-8")
    report = run_load_script(tmp_path, "--users", "4", "--questions", "3", "--upload", str(doc))
    assert report["requests"] == 12 and report["ok"] == 12
    assert report["errors"] == 0 and report["lost"] == 0 and report["unstable_answers"] == {}
    assert report["latency_p95_s"] >= report["latency_p50_s"] > 0
    assert [a["name"] for a in report["upload"]["added"]] == ["note.txt"]


def test_load_script_with_concurrent_uploaders_loses_no_file(tmp_path):
    report = run_load_script(
        tmp_path, "--users", "3", "--questions", "2", "--uploaders", "2", "--big-upload-kb", "200"
    )
    assert report["uploads_acknowledged"] == 2 and report["lost_files"] == []
    assert report["baseline"]["ok"] == report["during_uploads"]["ok"] == 6
    assert report["p95_during_over_baseline"] > 0


def test_load_script_refuses_other_hosts():
    out = subprocess.run(
        [
            sys.executable,
            "eval/load.py",
            "--url",
            "http://10.1.2.3:7860",
            "--users",
            "1",
            "--questions",
            "1",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode != 0 and "only this machine's loopback" in out.stderr


def test_wide_binding_without_login_warns():
    assert app_module.exposure_warning("0.0.0.0", None).startswith("bound to 0.0.0.0")
    assert app_module.exposure_warning("0.0.0.0", ("u", "p")) is None
    assert app_module.exposure_warning("127.0.0.1", None) is None
