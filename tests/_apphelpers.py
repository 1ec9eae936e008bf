"""Start app.py in a subprocess on a free port and wait until it answers."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RunningApp:
    def __init__(self, docs: Path, index_dir: Path, log_path: Path, env: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self._log = open(log_path, "w")  # noqa: SIM115 - closed in stop()
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "app.py",
                "--port",
                str(self.port),
                "--docs",
                str(docs),
                "--index-dir",
                str(index_dir),
            ],
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},  # the default generator: what users get
        )
        self.ready_after = self._wait()

    def _wait(self, timeout: float = 180) -> float:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"app exited: {self.log_path.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as r:
                    # The app serves at once and indexes in the background: tests start once
                    # the first catch-up is done, so that every seed is answerable.
                    if r.status == 200 and (
                        "index updated" in self.log() or "index up to date" in self.log()
                    ):
                        return time.perf_counter() - self.started
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"app not ready in {timeout} s: {self.log_path.read_text()[-2000:]}")

    def log(self) -> str:
        return self.log_path.read_text()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._log.close()


# ---- a real browser (Debian's chromium driven by Playwright) --------------------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
OUT = ROOT / "test-output"  # screenshots, git-ignored
DESKTOP = {"width": 1400, "height": 1000}
PHONE = {"width": 390, "height": 844}
# The app's waiting notes, and Gradio's own placeholder while a chat message renders.
PENDING = ("Looking through the documents", "Writing the answer", "Loading content")


def app_on_seed_copy(base: Path) -> RunningApp:
    """The app over a private copy of the seeds in `base` (its index and log there too)."""
    from .conftest import SEEDS

    shutil.copytree(SEEDS, base / "docs")
    running = RunningApp(base / "docs", base / "index", base / "app.log")
    running.base = base
    return running


def launch(pw):
    """Debian's chromium (the tests skip where it is not installed)."""
    import pytest

    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    return pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def ask(page, question: str, expect: str = "", timeout: float = 60) -> str:
    """Type a question, click Ask, and wait for the final answer (a new bot message that is
    not the waiting note, the Ask button usable again). Returns the answer's text."""
    bots = page.locator("#chat .bot")
    before = bots.count()
    page.locator("#question textarea").fill(question)
    page.locator("#ask").click()
    return wait_answer(page, before, expect, timeout)


def wait_answer(page, before: int, expect: str = "", timeout: float = 60) -> str:
    bots = page.locator("#chat .bot")
    deadline = time.time() + timeout
    while time.time() < deadline:
        if bots.count() > before:
            text = bots.last.inner_text()
            if (
                not any(p in text for p in PENDING)
                and expect in text
                and page.locator("#ask").is_enabled()
            ):
                page.wait_for_timeout(300)  # the sources panel is updated in the same event
                return text
        page.wait_for_timeout(150)
    raise AssertionError(f"no answer containing {expect!r}: {page.locator('#chat').inner_text()}")


def screenshot(page, name: str, full_page: bool = True) -> Path:
    """Save a screenshot under test-output/ (to be looked at, not only to exist)."""
    OUT.mkdir(exist_ok=True)
    path = OUT / name
    page.screenshot(path=str(path), full_page=full_page)
    assert path.stat().st_size > 10_000
    return path
