"""Load test: N concurrent gradio_client users against a running app on this machine.

    python eval/load.py --url http://127.0.0.1:7860 --users 16 --questions 5 [--upload FILE]
    python eval/load.py --users 32 --questions 3 --uploaders 4 --big-upload-kb 1024

Every user asks a bounded number of questions through the public `/ask` endpoint; one upload
can be sent half-way. Prints requests/s, p50/p95 latency and errors, and checks that answers
to the same question stayed the same during the upload (no corrupted or half-indexed reads).

With `--uploaders K` the same question load runs twice: once alone (baseline), then while K
uploaders each add a document (the first one `--big-upload-kb` large), which the app indexes in
the background. It reports question latency in both phases side by side, and checks that every
acknowledged upload becomes answerable (`lost_files`). Exits non-zero when any request failed
or was lost.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import threading
import time
from pathlib import Path
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


TOWNS = [
    "Quillmarsh",
    "Brackenford",
    "Vellington",
    "Dunharrow",
    "Ostermoor",
    "Pellucid",
    "Marrowgate",
    "Thistlewick",
    "Cobblemere",
    "Ravensholt",
    "Wyndcliff",
    "Elderbrook",
    "Fernhollow",
    "Grimsby Vale",
    "Hollowmere",
    "Ivorydale",
]


def _fact(i: int) -> tuple[str, str, str]:
    """A unique fact for uploader i: (file text's key sentence, question, expected word)."""
    town = TOWNS[i]
    return (
        f"The festival bell of {town} weighs {40 + i} tonnes and was cast in 1897.",
        f"How heavy is the festival bell of {town}?",
        f"{40 + i}",
    )


def _document(i: int, size_kb: int) -> str:
    """Uploader i's document: its fact, padded with varied prose up to `size_kb`."""
    fact = _fact(i)[0]
    filler = []
    n = 0
    while sum(len(x) + 1 for x in filler) < size_kb * 1024:
        filler.append(
            f"Section {n} of the river survey notes that barge traffic near pier {n % 97} "
            f"changed by {n % 13} percent in season {n % 7}, according to inspector {n % 31}."
        )
        n += 1
    body = "\n\n".join(" ".join(filler[k : k + 6]) for k in range(0, len(filler), 6))
    return f"{fact}\n\n{body}\n" if filler else f"{fact}\n"


DOOMED = (
    "doomed.txt",
    "The lighthouse keeper of Saltmere Point is Oswin Tarrant.",
    "Who is the lighthouse keeper of Saltmere Point?",
)


def _indexed(client, name: str, timeout: float) -> bool:
    deadline = time.time() + timeout
    while time.time() < deadline:
        rows = client.predict(api_name="/documents")
        if any(d["name"] == name and d["status"] == "indexed" for d in rows):
            return True
        time.sleep(1)
    return False


def delete_during(url: str, delay: float, timeout: float, out: dict) -> None:
    """The deleter: `delay` s into the load, delete DOOMED (indexed before the load) and check
    that it is gone at once: its fact is no longer cited and /document no longer serves it."""
    from gradio_client import Client

    client = Client(url, verbose=False)
    time.sleep(delay)
    t0 = time.perf_counter()
    try:
        reply = client.predict(DOOMED[0], api_name="/delete")
        out["delete_s"] = round(time.perf_counter() - t0, 3)
        out["delete_error"] = reply.get("error", "") if isinstance(reply, dict) else str(reply)
        after = client.predict(DOOMED[2], None, api_name="/ask")
        out["cited_after_delete"] = any(c["doc"] == DOOMED[0] for c in after["citations"])
        served = client.predict(DOOMED[0], api_name="/document")
        out["served_after_delete"] = not served.get("error")
    except Exception as exc:  # reported, never hidden
        out["delete_error"] = f"{type(exc).__name__}: {exc}"


def run_with_uploads(
    url: str,
    users: int,
    questions: int,
    uploaders: int,
    big_kb: int,
    timeout: float,
    deleter: bool = False,
) -> dict:
    """Baseline question load, then the same load while `uploaders` documents are added (and,
    with `deleter`, one indexed document is deleted)."""
    import tempfile

    from gradio_client import Client, handle_file

    baseline = run(url, users, questions, None, timeout)
    deleted: dict = {}
    if deleter:
        folder = Path(tempfile.mkdtemp(prefix="load-doomed-"))
        (folder / DOOMED[0]).write_text(DOOMED[1] + "\n", encoding="utf-8")
        c = Client(url, verbose=False)
        c.predict([handle_file(str(folder / DOOMED[0]))], api_name="/upload")
        deleted["indexed_before"] = _indexed(c, DOOMED[0], timeout)
    folder = Path(tempfile.mkdtemp(prefix="load-uploads-"))
    paths = []
    for i in range(uploaders):
        path = folder / f"survey-{i}.txt"
        path.write_text(_document(i, big_kb if i == 0 else 1), encoding="utf-8")
        paths.append(path)
    replies: dict[int, object] = {}

    def uploader(i: int) -> None:
        try:
            replies[i] = Client(url, verbose=False).predict(
                [handle_file(str(paths[i]))], api_name="/upload"
            )
        except Exception as exc:  # counted below, never hidden
            replies[i] = f"error: {type(exc).__name__}: {exc}"

    ups = [threading.Thread(target=uploader, args=(i,), daemon=True) for i in range(uploaders)]
    if deleter:
        ups.append(threading.Thread(target=delete_during, args=(url, 5.0, timeout, deleted)))
    for t in ups:
        t.start()
    during = run(url, users, questions, None, timeout)
    for t in ups:
        t.join(timeout)
    acknowledged = [
        i for i in range(uploaders) if isinstance(r := replies.get(i), dict) and r.get("added")
    ]
    # Every acknowledged file must be in the index once background indexing catches up.
    client = Client(url, verbose=False)
    lost, deadline = set(acknowledged), time.time() + timeout
    while lost and time.time() < deadline:
        rows = {
            d["name"]: d["passages"]
            for d in client.predict(api_name="/documents")
            if d["status"] == "indexed"
        }
        lost = {i for i in lost if paths[i].name not in rows}
        if lost:
            time.sleep(2)
    answered = []
    for i in acknowledged:
        _, question, word = _fact(i)
        result = client.predict(question, None, api_name="/ask")
        answered.append(not result.get("abstained") and word in result.get("answer", ""))
    ratio = (
        during["latency_p95_s"] / baseline["latency_p95_s"]
        if baseline["latency_p95_s"] and during["latency_p95_s"]
        else None
    )
    return {
        "users": users,
        "questions_per_user": questions,
        "uploaders": uploaders,
        "big_upload_kb": big_kb,
        "baseline": baseline,
        "during_uploads": during,
        "p95_during_over_baseline": round(ratio, 2) if ratio else None,
        "uploads_acknowledged": len(acknowledged),
        "upload_errors": [str(r) for r in replies.values() if str(r).startswith("error")],
        "deleter": deleted,
        "lost_files": sorted(lost),
        "uploaded_facts_answered": f"{sum(answered)} of {len(answered)}",
        "errors": baseline["errors"] + during["errors"],
        "lost": baseline["lost"] + during["lost"],
        "unstable_answers": {**baseline["unstable_answers"], **during["unstable_answers"]},
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--url", default="http://127.0.0.1:7860")
    p.add_argument("--users", type=int, default=16)
    p.add_argument("--questions", type=int, default=5, help="questions per user")
    p.add_argument("--upload", help="a .txt/.md file to upload half-way through")
    p.add_argument("--uploaders", type=int, default=0, help="concurrent uploaders (phase 2)")
    p.add_argument("--big-upload-kb", type=int, default=1024, help="size of the first upload")
    p.add_argument("--deleter", action="store_true", help="delete an indexed document (phase 2)")
    p.add_argument("--timeout", type=float, default=600)
    args = p.parse_args(argv)
    if not (1 <= args.users <= 64 and 1 <= args.questions <= 100 and 0 <= args.uploaders <= 16):
        p.error("--users must be 1..64, --questions 1..100 and --uploaders 0..16")
    if args.uploaders:
        report = run_with_uploads(
            args.url,
            args.users,
            args.questions,
            args.uploaders,
            args.big_upload_kb,
            args.timeout,
            args.deleter,
        )
    else:
        report = run(args.url, args.users, args.questions, args.upload, args.timeout)
    print(json.dumps(report, indent=2, default=str))
    ok = report["errors"] == 0 and report["lost"] == 0 and not report["unstable_answers"]
    d = report.get("deleter") or {}
    ok = ok and not d.get("delete_error") and not d.get("cited_after_delete")
    ok = ok and not d.get("served_after_delete")
    return 0 if ok and not report.get("lost_files") and not report.get("upload_errors") else 1


if __name__ == "__main__":
    sys.exit(main())
