"""Start app.py in a subprocess on a free port and wait until it answers."""

from __future__ import annotations

import os
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
