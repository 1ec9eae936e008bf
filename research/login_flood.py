"""Login flood (issue 26 M2): a logged-in user's /ask latency while clients send wrong logins.

    .venv/bin/python research/login_flood.py --docs seeds --index-dir /tmp/x/idx --out f.json

Starts app.py with a login (RAG_USERNAME / RAG_PASSWORD), logs one user in with
gradio_client, measures its /ask latency alone, then while `--flooders` threads POST wrong
passwords to /login for `--seconds`; reports both p50/p95, the wrong logins sent and how they
were answered, and whether the real user can still log in afterwards (the account is never
locked, only the flooding address).
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests._apphelpers import RunningApp  # noqa: E402

QUESTIONS = ["Where was the 6th Sino-Russian EXPO held?", "What is the population of Khabarovsk?"]


def ask_latencies(client, n: int) -> list[float]:
    out = []
    for i in range(n):
        t0 = time.perf_counter()
        client.predict(QUESTIONS[i % 2], None, api_name="/ask")
        out.append(time.perf_counter() - t0)
    return out


def summary(xs: list[float]) -> dict:
    xs = sorted(xs)
    return {
        "n": len(xs),
        "p50_s": round(statistics.median(xs), 3),
        "p95_s": round(xs[min(len(xs) - 1, int(0.95 * len(xs)))], 3),
    }


def main() -> int:
    from gradio_client import Client

    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", default=str(ROOT / "seeds"))
    ap.add_argument("--index-dir", required=True)
    ap.add_argument("--flooders", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--questions", type=int, default=10)
    ap.add_argument(
        "--same-address",
        action="store_true",
        help="flood from the real user's own address (127.0.0.1) rather than 127.0.0.2",
    )
    ap.add_argument("--out", type=Path)
    a = ap.parse_args()
    log = Path(a.index_dir).parent / "login-flood-app.log"
    env = {"RAG_USERNAME": "ann", "RAG_PASSWORD": "correct horse"}
    app = RunningApp(Path(a.docs), Path(a.index_dir), log, env)
    try:
        user = Client(app.url, auth=("ann", "correct horse"), verbose=False)
        alone = ask_latencies(user, a.questions)
        stop = time.monotonic() + a.seconds
        source = "127.0.0.1" if a.same_address else "127.0.0.2"
        device = {k: v for k, v in user.cookies.items() if k == "rag-device"}
        codes: dict[str, int] = {}
        lock = threading.Lock()

        def flood() -> None:
            # From another loopback address than the real user's (the throttle locks the
            # address that fails, never the account), or from the same one (a browser that
            # logged in before still logs in: its device cookie).
            body = urllib.parse.urlencode({"username": "ann", "password": "wrong"})
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
            while time.monotonic() < stop:
                conn = http.client.HTTPConnection(
                    "127.0.0.1", app.port, timeout=30, source_address=(source, 0)
                )
                try:
                    conn.request("POST", "/login", body, headers)
                    code = str(conn.getresponse().status)
                except OSError as e:
                    code = type(e).__name__
                finally:
                    conn.close()
                with lock:
                    codes[code] = codes.get(code, 0) + 1

        threads = [threading.Thread(target=flood, daemon=True) for _ in range(a.flooders)]
        for t in threads:
            t.start()
        during = []
        while time.monotonic() < stop:
            during += ask_latencies(user, 1)
        for t in threads:
            t.join(60)

        def log_in_again(cookies: dict) -> float | str:
            # As a browser logs in: the login form's POST, with the cookies it holds (the
            # client's own login would not send them), then a question.
            import httpx

            t0 = time.perf_counter()
            r = httpx.post(
                urllib.parse.urljoin(app.url, "login/"),
                data={"username": "ann", "password": "correct horse"},
                cookies=cookies,
            )
            if not r.is_success:  # refused: reported, not hidden
                return f"refused: HTTP {r.status_code} {r.text[:80]}"
            jar = {**cookies, **dict(r.cookies)}
            again = Client(app.url, verbose=False, httpx_kwargs={"cookies": jar})
            again.predict(QUESTIONS[0], None, api_name="/ask")
            return round(time.perf_counter() - t0, 2)

        after = log_in_again(device)
        new_browser = log_in_again({})
        report = {
            "flooders": a.flooders,
            "flood_seconds": a.seconds,
            "wrong_logins_sent": sum(codes.values()),
            "wrong_login_replies": codes,
            "ask_alone": summary(alone),
            "ask_during_flood": summary(during),
            "flood_from": source,
            "device_cookie_given": bool(device),
            "real_user_logs_in_after_flood_s": after,
            "new_browser_logs_in_after_flood_s": new_browser,
        }
    finally:
        app.stop()
    print(json.dumps(report, indent=1))
    if a.out:
        a.out.write_text(json.dumps(report, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
