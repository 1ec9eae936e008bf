"""Load test: N concurrent gradio_client users against a running app on this machine.

    python eval/load.py --url http://127.0.0.1:7860 --users 16 --questions 5 [--upload FILE]

Every user asks a bounded number of questions through the public `/ask` endpoint; one upload
can be sent half-way. Prints requests/s, p50/p95 latency and errors, and checks that answers
to the same question stayed the same during the upload (no corrupted or half-indexed reads).
Exits non-zero when any request failed or was lost.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import threading
import time
from urllib.parse import urlparse

QUESTIONS = [
    "Where was the 6th Sino-Russian EXPO held?",
    "How many Chinese enterprises were at the 6th EXPO?",
    "In what year did China-Russia trade exceed $ 100 billion?",
    "What model of cooperation does Guo Li advocate?",
    "When was the Program of Cooperation ratified?",
    "What is the population of Khabarovsk?",
]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def run(url: str, users: int, questions: int, upload: str | None, timeout: float) -> dict:
    from gradio_client import Client, handle_file

    host = urlparse(url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"refusing to load {host}: only this machine's loopback is a target")
    latencies: list[float] = []
    errors: list[str] = []
    answers: dict[str, set[str]] = {}
    lock = threading.Lock()
    # Users meet the uploader half-way, so the upload lands while questions are in flight.
    done = threading.Barrier(users + 1) if upload and questions >= 2 else None

    def user(u: int) -> None:
        client = Client(url, verbose=False)
        for i in range(questions):
            q = QUESTIONS[(u + i) % len(QUESTIONS)]
            t0 = time.perf_counter()
            try:
                result = client.predict(q, None, api_name="/ask")
                if isinstance(result, str):
                    result = json.loads(result)
                if result.get("error"):
                    raise RuntimeError(result["error"])
                key = (
                    result["answer"]
                    + "|"
                    + ",".join(f"{c['doc']}:{c['start']}-{c['end']}" for c in result["citations"])
                )
                with lock:
                    latencies.append(time.perf_counter() - t0)
                    answers.setdefault(q, set()).add(key)
            except Exception as exc:  # every failure is counted and reported, never hidden
                with lock:
                    errors.append(f"user {u} q{i}: {type(exc).__name__}: {exc}")
            if done is not None and i == questions // 2 - 1:
                with contextlib.suppress(threading.BrokenBarrierError):
                    done.wait(timeout)

    threads = [threading.Thread(target=user, args=(u,), daemon=True) for u in range(users)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    upload_result = None
    if upload:
        if done is not None:
            with contextlib.suppress(threading.BrokenBarrierError):
                done.wait(timeout)
        client = Client(url, verbose=False)
        upload_result = client.predict([handle_file(upload)], api_name="/upload")
    for t in threads:
        t.join(timeout)
    elapsed = time.perf_counter() - t0
    expected = users * questions
    lost = expected - len(latencies) - len(errors)
    # The upload adds an unrelated document: every question must keep one stable answer.
    unstable = {q: sorted(v) for q, v in answers.items() if len(v) > 1}
    return {
        "users": users,
        "requests": expected,
        "ok": len(latencies),
        "errors": len(errors),
        "lost": lost,
        "seconds": round(elapsed, 2),
        "requests_per_s": round(len(latencies) / elapsed, 3) if elapsed else 0.0,
        "latency_p50_s": round(statistics.median(latencies), 3) if latencies else None,
        "latency_p95_s": round(_percentile(latencies, 0.95), 3) if latencies else None,
        "unstable_answers": unstable,
        "upload": upload_result,
        "error_samples": errors[:5],
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--url", default="http://127.0.0.1:7860")
    p.add_argument("--users", type=int, default=16)
    p.add_argument("--questions", type=int, default=5, help="questions per user")
    p.add_argument("--upload", help="a .txt/.md file to upload half-way through")
    p.add_argument("--timeout", type=float, default=600)
    args = p.parse_args(argv)
    if not (1 <= args.users <= 64 and 1 <= args.questions <= 100):
        p.error("--users must be 1..64 and --questions 1..100")
    report = run(args.url, args.users, args.questions, args.upload, args.timeout)
    print(json.dumps(report, indent=2, default=str))
    return (
        0 if report["errors"] == 0 and report["lost"] == 0 and not report["unstable_answers"] else 1
    )


if __name__ == "__main__":
    sys.exit(main())
