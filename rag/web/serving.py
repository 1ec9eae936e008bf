"""Serving the app safely: the login guard, who may change the library, upload budgets and
limits, the browser's secret, and the page's CSS and JavaScript (files in static/)."""

from __future__ import annotations

import contextlib
import hmac
import os
import secrets
import threading
import time
from pathlib import Path

from rag.background import Backlog
from rag.errors import ConfigError, UploadRejected
from rag.ingest.upload import check_size
from rag.settings import Settings

STATIC = Path(__file__).resolve().parent / "static"


def asset(name: str) -> str:
    """A file of static/ as text (CSS, or a JavaScript function Gradio runs)."""
    return (STATIC / name).read_text(encoding="utf-8")


def exposure_warning(host: str, auth) -> str | None:
    """A warning when the app is reachable beyond this machine without a login.

    >>> exposure_warning("127.0.0.1", None) is None, exposure_warning("0.0.0.0", ("u", "p")) is None
    (True, True)
    >>> exposure_warning("0.0.0.0", None)[:30]
    'bound to 0.0.0.0 without a use'
    """
    if host in ("127.0.0.1", "localhost", "::1") or auth is not None:
        return None
    return (
        f"bound to {host} without a username and password: anyone who can reach this "
        "address can read the documents (set RAG_USERNAME and RAG_PASSWORD)"
    )


class LoginGuard:
    """Gradio's `auth` callable: constant-time comparison, and after `max_failures` wrong
    passwords for a user name within `window_s`, every try for it is refused (slowly) until the
    window has passed: guessing stays slow however fast the requests come."""

    def __init__(self, username: str, password: str, max_failures: int = 5, window_s: float = 60):
        self.username, self.password = username, password
        self.max_failures, self.window_s = max_failures, window_s
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def __call__(self, username: str, password: str) -> bool:
        now = time.monotonic()
        with self._lock:
            recent = [t for t in self._failures.get(username, []) if now - t < self.window_s]
            self._failures[username] = recent
            locked = len(recent) >= self.max_failures
        ok = hmac.compare_digest(username.encode(), self.username.encode()) & hmac.compare_digest(
            password.encode(), self.password.encode()
        )
        if ok and not locked:
            return True
        with self._lock:
            self._failures.setdefault(username, []).append(now)
        time.sleep(0.5 if locked else 0.1)
        return False


def login_from_env(env) -> LoginGuard | None:
    """The login the app requires, from RAG_USERNAME and RAG_PASSWORD: both or neither.

    >>> login_from_env({}) is None
    True
    >>> login_from_env({"RAG_USERNAME": "ann"})
    Traceback (most recent call last):
    rag.errors.ConfigError: RAG_USERNAME is set but RAG_PASSWORD is not: set both for a login, or neither
    """
    user, password = env.get("RAG_USERNAME") or "", env.get("RAG_PASSWORD") or ""
    if bool(user) != bool(password):
        have, missing = (
            ("RAG_USERNAME", "RAG_PASSWORD") if user else ("RAG_PASSWORD", "RAG_USERNAME")
        )
        raise ConfigError(f"{have} is set but {missing} is not: set both for a login, or neither")
    return LoginGuard(user, password) if user else None


class ByteBudget:
    """At most `per_minute` bytes taken over any 60 seconds, per caller: one caller's refused
    junk does not use up everyone's budget."""

    def __init__(self, per_minute: int):
        self.per_minute = per_minute
        self._taken: dict[str | None, list[tuple[float, int]]] = {}
        self._lock = threading.Lock()

    def take(self, n: int, who: str | None = None) -> bool:
        now = time.monotonic()
        with self._lock:
            taken = [(t, b) for t, b in self._taken.get(who, []) if now - t < 60]
            self._taken = {k: v for k, v in self._taken.items() if v and now - v[-1][0] < 60}
            self._taken[who] = taken
            if sum(b for _, b in taken) + n > self.per_minute:
                return False
            taken.append((now, n))
            return True


def browser_secret(folder: Path) -> str:
    """The key that encrypts conversations kept in the browser, kept across restarts (so a
    restart does not lose them) in a file only this user reads."""
    path = Path(folder) / "browser-secret"
    with contextlib.suppress(OSError):
        return path.read_text().strip() or secrets.token_urlsafe(24)
    key = secrets.token_urlsafe(24)
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(key)
    return key


class UploadPolicy:
    """Who may add and remove documents: nobody ("off"), named users ("users": those in
    upload_users, else the login's user) or anyone who reaches the page ("open")."""

    def __init__(self, settings: Settings, env=os.environ):
        self.policy = settings.upload_policy
        allowed = {u.strip() for u in settings.upload_users.split(",") if u.strip()}
        self.allowed = allowed or {env.get("RAG_USERNAME", "")} - {""}

    @property
    def locked(self) -> bool:
        """Nobody may: the page hides the controls."""
        return self.policy == "off"

    def refusal(self, user: str | None) -> str:
        """Why `user` may not add or remove documents ("" if they may)."""
        if self.policy == "off":
            return "Adding and removing documents is turned off on this server."
        if self.policy == "users" and user not in self.allowed:
            return "Only named users may add or remove documents here; log in as one of them."
        return ""


def file_list(files) -> list[tuple[str, Path]]:
    """(name it was sent with, path here) for what Gradio received: paths from the page,
    FileData dicts (one or a list) from the API.

    >>> file_list([{"path": "/tmp/x1", "orig_name": "a.txt"}, "/tmp/b.md"])
    [('a.txt', PosixPath('/tmp/x1')), ('b.md', PosixPath('/tmp/b.md'))]
    """
    if files is None:
        return []
    items = files if isinstance(files, list) else [files]
    out = []
    for f in items:
        if isinstance(f, dict):
            path = Path(f["path"])
            out.append((f.get("orig_name") or path.name, path))
        else:
            path = Path(f if isinstance(f, str) else f.name)
            out.append((path.name, path))
    return out


def take_uploads(
    items: list[tuple[str, Path]],
    settings: Settings,
    budget: ByteBudget,
    who: str | None = None,
    backlog: Backlog | None = None,
    queued: int = 0,
) -> tuple[list[tuple[str, bytes]], list[dict]]:
    """The files of one request this server reads: at most max_upload_files, each within the
    size limit (checked before it is read), the caller's budget and what the indexer can take
    (`queued` bytes wait already). Returns (name, bytes) to store and the refused
    ({"file", "reason"})."""
    limit = settings.max_upload_files
    refused = [
        {"file": n, "reason": f"{n}: only {limit} files can be added at once"}
        for n, _ in items[limit:]
    ]
    batch = []
    for name, path in items[:limit]:
        size = path.stat().st_size
        try:
            check_size(name, size, settings.max_upload_bytes)
        except UploadRejected as exc:
            refused.append({"file": name, "reason": str(exc)})
            continue
        why = backlog.refusal(name, size, queued) if backlog is not None else ""
        if why:
            refused.append({"file": name, "reason": why})
            continue
        if not budget.take(size, who):
            reason = f"{name}: too many uploads in the last minute; try again shortly"
            refused.append({"file": name, "reason": reason})
            continue
        queued += size
        batch.append((name, path.read_bytes()))
    return batch, refused
