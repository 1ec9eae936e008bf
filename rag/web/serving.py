"""Serving the app safely: the login guard, who may change the library, upload budgets and
limits, the browser's secret, and the page's CSS and JavaScript (files in static/)."""

from __future__ import annotations

import contextlib
import hmac
import os
import secrets
import threading
import time
from dataclasses import dataclass
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
    """Gradio's `auth` callable: a constant-time comparison, nothing else. It never sleeps
    (Gradio calls it inside its async login route, where a sleep stalls every user) and never
    locks an account (a stranger's wrong tries would lock the real user out): the throttle is
    per address, in `Gate`, before Gradio sees the request."""

    def __init__(self, username: str, password: str):
        self.username, self.password = username, password

    def __call__(self, username: str, password: str) -> bool:
        return hmac.compare_digest(username.encode(), self.username.encode()) & hmac.compare_digest(
            password.encode(), self.password.encode()
        )


LOOPBACK = ("127.0.0.1", "::1", "localhost")
FORWARDING = ("x-forwarded-for", "forwarded", "x-real-ip")


@dataclass(frozen=True)
class Caller:
    """Who sent a request: the login's user (if any), the address it came from, and whether
    a proxy forwarded it (then it is not from this machine, whatever the socket says)."""

    user: str | None = None
    address: str = ""
    forwarded: bool = False

    @property
    def key(self) -> str:
        """What budgets count by: the user, else the address."""
        return f"user:{self.user}" if self.user else f"address:{self.address}"

    @classmethod
    def of(cls, who) -> Caller:
        return who if isinstance(who, Caller) else cls(user=who or None)


def client_address(host: str, headers) -> tuple[str, bool]:
    """(the caller's address, whether a proxy forwarded the request), from the socket's peer
    and the request's headers (a Mapping with lower-case names). A forwarding header is
    believed only from a proxy on this machine, and then its last hop (the one that proxy
    added): anyone else could write any address there.

    >>> client_address("127.0.0.1", {"x-forwarded-for": "6.6.6.6, 10.0.0.7"})
    ('10.0.0.7', True)
    >>> client_address("10.1.1.1", {"x-forwarded-for": "127.0.0.1"})
    ('10.1.1.1', True)
    >>> client_address("127.0.0.1", {"forwarded": "for=192.0.2.60;proto=http"})
    ('192.0.2.60', True)
    >>> client_address("::1", {})
    ('::1', False)
    """
    forwarded = any(headers.get(h) for h in FORWARDING)
    if host not in LOOPBACK or not forwarded:
        return host, forwarded
    if headers.get("x-forwarded-for"):
        hop = headers["x-forwarded-for"].split(",")[-1].strip()
    elif headers.get("forwarded"):
        last = headers["forwarded"].split(",")[-1]
        fors = [p.split("=", 1)[1] for p in last.split(";") if p.strip().lower().startswith("for=")]
        hop = fors[0].strip().strip('"') if fors else ""
    else:
        hop = headers.get("x-real-ip", "").strip()
    return hop or host, True


def caller_of(request) -> Caller:
    """The Caller of a Gradio request (None: a direct Python call, as in the tests)."""
    if request is None:
        return Caller()
    client = getattr(request, "client", None)
    host = getattr(client, "host", "") or ""
    headers = {k.lower(): v for k, v in dict(getattr(request, "headers", {}) or {}).items()}
    address, forwarded = client_address(host, headers)
    return Caller(getattr(request, "username", None), address, forwarded)


class AddressThrottle:
    """After `max_failures` failed logins from one address within `window_s`, that address is
    refused at once (no waiting anywhere) until the window has passed; other addresses, and
    the real user, log in as before."""

    def __init__(self, max_failures: int = 5, window_s: float = 60, keep: int = 100_000):
        self.max_failures, self.window_s, self.keep = max_failures, window_s, keep
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def locked(self, address: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            recent = [t for t in self._failures.get(address, []) if now - t < self.window_s]
            if recent:
                self._failures[address] = recent
            else:
                self._failures.pop(address, None)
            return len(recent) >= self.max_failures

    def failed(self, address: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            self._failures.setdefault(address, []).append(now)
            while len(self._failures) > self.keep:  # a flood of addresses cannot grow it
                self._failures.pop(next(iter(self._failures)))

    def succeeded(self, address: str) -> None:
        with self._lock:
            self._failures.pop(address, None)


class DeviceCookies:
    """A signed cookie a browser gets with a successful login: its later logins are throttled
    by that browser, not by its address (OWASP's "device cookies"). A flood of wrong logins
    from the user's own address (loopback, one NAT, one proxy) then locks that address for
    whoever has never logged in from it, the attacker included, but not a browser that has:
    the account is never locked. A cookie is had only by knowing the password, and is itself
    held to the same budget of failures.

    >>> d = DeviceCookies(b"k")
    >>> token = d.issue(now=1000.0)
    >>> d.device(f"a=1; rag-device={token}", now=2000.0) == token.split(".")[0]
    True
    >>> d.device(f"rag-device={token[:-1]}x"), d.device(f"rag-device={token}", now=1e9)
    (None, None)
    """

    NAME = "rag-device"

    def __init__(self, key: bytes, max_age_s: float = 30 * 86400):
        self.key, self.max_age_s = key, max_age_s

    def _sign(self, device: str) -> str:
        return hmac.new(self.key, device.encode(), "sha256").hexdigest()[:32]

    def issue(self, now: float | None = None) -> str:
        device = f"{int(time.time() if now is None else now)}-{secrets.token_hex(8)}"
        return f"{device}.{self._sign(device)}"

    def device(self, cookie_header: str, now: float | None = None) -> str | None:
        """The device a request's Cookie header names, if its signature holds and is recent."""
        now = time.time() if now is None else now
        for part in (cookie_header or "").split(";"):
            name, _, value = part.strip().partition("=")
            if name != self.NAME:
                continue
            device, _, sig = value.partition(".")
            born = device.split("-")[0]
            if (
                hmac.compare_digest(sig.encode(), self._sign(device).encode())
                and born.isdigit()
                and now - int(born) < self.max_age_s
            ):
                return device
        return None

    def header(self, secure: bool) -> tuple[bytes, bytes]:
        value = (
            f"{self.NAME}={self.issue()}; Max-Age={int(self.max_age_s)}; Path=/; HttpOnly; "
            f"SameSite=Strict{'; Secure' if secure else ''}"
        )
        return b"set-cookie", value.encode()


async def _reply(send, status: int, text: str) -> None:
    body = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class Gate:
    """ASGI middleware in front of Gradio's routes: the login throttle by address, Gradio's
    upload route closed when uploads are off (and capped when on), and a cap on every other
    request's body (a 400 MB `/ask` history is refused before it is read)."""

    def __init__(
        self,
        app,
        throttle: AddressThrottle | None = None,
        uploads_open: bool = True,
        max_upload_body: int = 0,
        max_body: int = 1_000_000,
        devices: DeviceCookies | None = None,
    ):
        self.app, self.throttle, self.devices = app, throttle, devices
        self.uploads_open, self.max_upload_body, self.max_body = (
            uploads_open,
            max_upload_body,
            max_body,
        )

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") != "POST":
            return await self.app(scope, receive, send)
        path = scope.get("path", "").rstrip("/")
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if path.endswith("/upload"):
            if not self.uploads_open:
                return await _reply(send, 403, "Adding documents is turned off on this server.")
            limit = self.max_upload_body
        else:
            limit = self.max_body
        try:
            declared = int(headers.get("content-length") or 0)
        except ValueError:
            declared = 0
        if limit and declared > limit:
            return await _reply(send, 413, f"The request is too large (over {limit:,} bytes).")
        if limit:
            receive = _capped(receive, limit)
        if path.endswith("/login") and self.throttle is not None:
            return await self._login(scope, receive, send, headers)
        try:
            return await self.app(scope, receive, send)
        except _TooLarge:
            return await _reply(send, 413, f"The request is too large (over {limit:,} bytes).")

    async def _login(self, scope, receive, send, headers):
        address, _ = client_address((scope.get("client") or ("", 0))[0], headers)
        device = self.devices.device(headers.get("cookie", "")) if self.devices else None
        # A browser that logged in before counts its own failures, apart from its address's.
        key = f"device:{device}" if device else address
        if self.throttle.locked(key):
            return await _reply(
                send, 429, "Too many failed logins from this address; try again in a minute."
            )
        status = {}

        async def watch(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                if message["status"] == 200 and self.devices is not None and device is None:
                    cookie = self.devices.header(scope.get("scheme") == "https")
                    message = {**message, "headers": [*message.get("headers", []), cookie]}
            await send(message)

        await self.app(scope, receive, watch)
        if status.get("code") == 400:
            self.throttle.failed(key)
        elif status.get("code") == 200:
            self.throttle.succeeded(key)


class _TooLarge(Exception):
    pass


def _capped(receive, limit: int):
    """`receive` that stops a body (sent without a length, or longer than it said) at `limit`."""
    seen = 0

    async def wrapped():
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _TooLarge
        return message

    return wrapped


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
    """At most `per_minute` bytes taken over any 60 seconds by each caller (a user, else an
    address): one caller's junk does not use up everyone's budget."""

    def __init__(self, per_minute: int, keep: int = 10_000):
        self.per_minute, self.keep = per_minute, keep
        self._taken: dict[str, list[tuple[float, int]]] = {}
        self._lock = threading.Lock()

    def take(self, n: int, who: str = "") -> bool:
        now = time.monotonic()
        with self._lock:
            taken = [(t, b) for t, b in self._taken.pop(who, []) if now - t < 60]
            ok = sum(b for _, b in taken) + n <= self.per_minute
            if ok:
                taken.append((now, n))
            if taken:
                self._taken[who] = taken  # most recent caller last
            while len(self._taken) > self.keep:
                self._taken.pop(next(iter(self._taken)))
            return ok


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
    upload_users, else the login's user) or anyone who reaches the page ("open").

    "auto" is "open" on a loopback address only, and a request a proxy forwarded is not from
    this machine: a reverse proxy on 127.0.0.1 would otherwise open the library to anyone."""

    def __init__(self, settings: Settings, env=os.environ):
        self.policy = settings.upload_policy
        self.auto = settings.uploads == "auto"
        allowed = {u.strip() for u in settings.upload_users.split(",") if u.strip()}
        self.allowed = allowed or {env.get("RAG_USERNAME", "")} - {""}

    @property
    def locked(self) -> bool:
        """Nobody may: the page hides the controls."""
        return self.policy == "off"

    def refusal(self, who) -> str:
        """Why `who` (a Caller, or a user name) may not add or remove documents ("" if they
        may)."""
        caller = Caller.of(who)
        if self.policy == "off":
            return "Adding and removing documents is turned off on this server."
        if self.policy == "open" and self.auto and caller.forwarded:
            return (
                "Adding and removing documents is open only to this machine, and this request "
                "came through a proxy (set RAG_UPLOADS=open or users to allow it)."
            )
        if self.policy == "users" and caller.user not in self.allowed:
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
    who: str = "",
    backlog: Backlog | None = None,
    queued: float = 0,
) -> tuple[list[tuple[str, bytes]], list[dict]]:
    """The files of one request this server reads: at most max_upload_files, each within the
    size limit (checked before it is read), the caller's budget and what the indexer can take
    (`queued`: the work already waiting, `Backlog.work`). Returns (name, bytes) to store and
    the refused ({"file", "reason"})."""
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
        queued += backlog.work(name, size) if backlog is not None else size
        batch.append((name, path.read_bytes()))
    return batch, refused


def port_in_use(host: str, port: int) -> bool:
    """Whether another process listens on (host, port): checked before any model loads, so a
    second start says so in one line at once."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        return False
    for family, kind, proto, _, addr in infos:
        with socket.socket(family, kind, proto) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(addr)
            except OSError:
                return True
    return False


def clean_upload_folder(folder: Path, older_than_s: float = 0) -> int:
    """Delete what Gradio's upload route left in `folder` (files older than `older_than_s`,
    and the folders they leave empty); the number of files removed. Gradio deletes only the
    files of its own run: a restart would otherwise keep every earlier upload forever."""
    folder = Path(folder)
    if not folder.is_dir():
        return 0
    now = time.time()
    removed = 0
    for path in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):
            if path.is_symlink() or path.is_file():
                if now - path.lstat().st_mtime >= older_than_s:
                    path.unlink()
                    removed += 1
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    return removed
