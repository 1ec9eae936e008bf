"""The command line's rough edges: one-line errors, empty folders, the progress bar, what loads.

Most tests call `rag.cli.main` in-process on problems found before any model loads; those
marked slow run the real command in a subprocess and read its stderr.
"""

import json
import os
import re
import subprocess
import sys

import pytest

from rag.cli import _progress_bar, main

from .conftest import ROOT

# Messages about reaching (or failing to reach) a model hub: none belongs in offline use.
HUB = re.compile(
    r"huggingface\.co|hf\.co/|couldn't connect|unauthenticated|offline mode|HF_TOKEN", re.I
)
NO_DOCUMENTS = "add .txt, .md, .pdf, .docx or .html files"
GOLD_ROW = {
    "id": "q1",
    "question": "Which city hosted the 6th EXPO?",
    "answers": ["Harbin"],
    "sources": [{"doc": "alpha.txt", "quote": "Harbin hosted the 6th EXPO."}],
    "answerable": True,
}


def one_error(capsys) -> str:
    """The run's stderr is exactly one `error: ...` line; it is returned."""
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


def bar_counts(err: str) -> list[tuple[int, int]]:
    """Every (done, total) the embedding bar drew, in order."""
    return [(int(d), int(t)) for d, t in re.findall(r"embedding:[^\r\n]*?(\d+)/(\d+)", err)]


def run_cli(*args: str, tmp_path, env: dict | None = None) -> subprocess.CompletedProcess:
    """The real command in a subprocess; `env` adds to the environment (a cache under tmp_path)."""
    env = {**os.environ, "RAG_CACHE_DIR": str(tmp_path / "cache"), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "rag.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
    )


# ---- --gold, --compare, --squad: one plain line and exit code 2 ------------------------------


@pytest.mark.parametrize(
    "content,message",
    [
        (None, "no such file"),
        ("folder", "no such file"),
        (b"\xff\xfe{}\n", "not UTF-8 text"),
        (b"{oops\n", "line 1: not valid JSON"),
        (b'{"id": "q1"}\n', "line 1: keys must include"),
        (b"\n\n", "no questions"),
        (
            json.dumps({**GOLD_ROW, "sources": [{"doc": "zeta.txt", "quote": "x"}]}).encode(),
            "not found",
        ),
    ],
)
def test_gold_file_problems_are_one_line(tmp_path, tiny_dir, capsys, content, message):
    gold = tmp_path / "gold.jsonl"
    if content == "folder":
        gold.mkdir()
    elif content is not None:
        gold.write_bytes(content)
    argv = ["eval", "--gold", str(gold), "--docs", str(tiny_dir), "--out", str(tmp_path / "o")]
    assert main([*argv, "--index-dir", str(tmp_path / "index")]) == 2
    line = one_error(capsys)
    assert str(gold) in line and message in line
    assert not (tmp_path / "index").exists()  # refused before any model loaded


@pytest.mark.parametrize(
    "content,message",
    [
        (None, "cannot be read (No such file or directory)"),
        ("folder", "cannot be read"),
        ("{oops", "not a summary.json"),
        ("[1, 2]", "not a summary.json (not a JSON object)"),
        ('{"a": 1}\n{"a": 2}\n', "not a summary.json"),  # results.jsonl given by mistake
    ],
)
def test_compare_file_problems_are_one_line(tmp_path, capsys, content, message):
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps({"answer": {"token_f1": 0.5}}))
    if content == "folder":
        bad.mkdir()
    elif content is not None:
        bad.write_text(content)
    assert main(["eval", "--compare", str(good), str(bad)]) == 2
    line = one_error(capsys)
    assert line.startswith(f"error: --compare {bad}: ") and message in line


def test_compare_prints_the_two_summaries(tmp_path, capsys):
    a, b, empty = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "empty.json"
    a.write_text(json.dumps({"answer": {"token_f1": 0.5}}))
    b.write_text(json.dumps({"answer": {"token_f1": 0.75}}))
    empty.write_text("{}")
    assert main(["eval", "--compare", str(a), str(b)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"answer\.token_f1\s+0\.500\s+0\.750\s+\+0\.250", out)
    assert main(["eval", "--compare", str(empty), str(empty)]) == 0
    assert capsys.readouterr().out.startswith("metric")


@pytest.mark.parametrize(
    "content,split,message",
    [
        (None, "all", "cannot be read (No such file or directory)"),
        ("folder", "all", "cannot be read"),
        (b"\xff\xfe", "all", "not a usable SQuAD file (not UTF-8 text)"),
        (b"{oops", "all", "not a usable SQuAD file (not JSON"),
        (b'{"version": 2}', "all", "not a usable SQuAD file (no key 'data')"),
        (b"[1, 2]", "all", "not a usable SQuAD file"),
        (
            b'{"data": [{"title": "t", "paragraphs": [{"context": "c", "qas": [1]}]}]}',
            "all",
            "not a usable SQuAD file",
        ),
        (b'{"data": []}', "all", "no questions"),
        (b'{"data": []}', "nope", "split='nope': choose train, dev, test"),
    ],
)
def test_squad_file_problems_are_one_line(tmp_path, capsys, content, split, message):
    squad = tmp_path / "squad.json"
    if content == "folder":
        squad.mkdir()
    elif content is not None:
        squad.write_bytes(content)
    argv = ["eval", "--squad", str(squad), "--split", split, "--out", str(tmp_path / "o")]
    assert main(argv) == 2
    assert message in one_error(capsys)
    assert not (tmp_path / "o" / "index").exists()


# ---- the documents folder --------------------------------------------------------------------


@pytest.mark.parametrize("command", [["index"], ["ask", "Which city hosted the EXPO?"]])
def test_a_folder_without_documents_says_so(tmp_path, capsys, command):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "table.csv").write_text("a,b\n1,2\n")  # not a document kind
    (docs / ".hidden.txt").write_text("hidden files are not documents")
    argv = [*command, "--docs", str(docs), "--index-dir", str(tmp_path / "index")]
    assert main(argv) == 2
    assert one_error(capsys) == f"error: no documents in {docs}: {NO_DOCUMENTS}"
    assert not (tmp_path / "index").exists()


def test_the_default_folder_starts_from_the_seeds_but_a_named_one_must_exist(
    tmp_path, capsys, monkeypatch
):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "table.csv").write_text("a,b\n")  # copied documents only: the copy is empty
    data = tmp_path / "data"
    monkeypatch.setenv("RAG_DOCUMENTS_DIR", str(data))
    monkeypatch.setenv("RAG_SEED_DIR", str(seeds))
    assert main(["index", "--index-dir", str(tmp_path / "index")]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [
        f"created {data} from the seed documents in {seeds}",
        f"error: no documents in {data}: {NO_DOCUMENTS}",
    ]
    named = tmp_path / "typo"
    assert main(["index", "--docs", str(named), "--index-dir", str(tmp_path / "index")]) == 2
    assert one_error(capsys) == f"error: documents folder {str(named)!r} does not exist"
    assert not named.exists()


def test_a_missing_folder_is_one_line(tmp_path, capsys):
    missing = tmp_path / "nowhere"
    assert main(["index", "--docs", str(missing), "--index-dir", str(tmp_path / "index")]) == 2
    assert one_error(capsys) == f"error: documents folder {str(missing)!r} does not exist"


def test_an_empty_question_fails_before_anything_loads(tmp_path, tiny_dir, capsys):
    assert main(["ask", "  ", "--docs", str(tiny_dir), "--index-dir", str(tmp_path / "i")]) == 2
    assert one_error(capsys) == "error: Please type a question."


def test_a_folder_that_is_not_a_model_is_one_line(tmp_path, tiny_dir, capsys):
    folder = tmp_path / "not-a-model"
    folder.mkdir()
    argv = ["index", "--docs", str(tiny_dir), "--index-dir", str(tmp_path / "index")]
    assert main([*argv, "--embedding-model", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert (
        err.strip()
        .splitlines()[-1]
        .startswith(f"error: embedding_model={str(folder)!r}: cannot be loaded")
    )


# ---- the progress bar ------------------------------------------------------------------------


def test_progress_bar_ends_at_its_total(capsys):
    update = _progress_bar("embedding")
    for done in (0, 32, 64, 70):
        update(done, 70)
    counts = bar_counts(capsys.readouterr().err)
    assert counts[0] == (0, 70) and counts[-1] == (70, 70)
    assert {t for _, t in counts} == {70} and max(d for d, _ in counts) == 70
    update(0, 3)  # a second refresh draws a new bar of its own
    update(3, 3)
    counts = bar_counts(capsys.readouterr().err)
    assert counts[0] == (0, 3) and counts[-1] == (3, 3) and {t for _, t in counts} == {3}


@pytest.mark.parametrize("store", ["faiss", pytest.param("milvus", marks=pytest.mark.slow)])
def test_progress_counts_only_the_passages_embedded(make_rag, tiny_dir, store):
    rag = make_rag(tiny_dir, store=store)
    before = rag.store.current().ntotal
    (tiny_dir / "gamma.txt").write_text(
        " ".join(f"Sentence {i} about the fair in Harbin." for i in range(120)), encoding="utf-8"
    )
    calls: list[tuple[int, int]] = []
    report = rag.refresh(lambda done, total: calls.append((done, total)))
    n = report.embedded_chunks
    assert n == rag.store.current().ntotal - before > 1  # the new document's passages only
    assert calls[0] == (0, n) and calls[-1] == (n, n)
    assert {t for _, t in calls} == {n}
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    calls.clear()
    rag.refresh(lambda done, total: calls.append((done, total)))
    assert calls == []  # nothing to embed: no bar at all


# ---- the real command: what it loads, and no word about a hub --------------------------------


@pytest.mark.slow
def test_ask_says_what_it_loads_on_stderr_only(tmp_path, tiny_dir):
    out = run_cli(
        "ask",
        "Which city hosted the 6th EXPO?",
        "--json",
        "--generator",
        "reader",
        "--docs",
        str(tiny_dir),
        "--index-dir",
        str(tmp_path / "index"),
        tmp_path=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["answer"]  # stdout is the JSON alone
    err = out.stderr
    assert "Traceback" not in err and not HUB.search(err), err
    assert "loading the embedding model all-MiniLM-L6-v2..." in err
    assert "loading the reader..." in err
    n = int(re.search(r"embedded (\d+) of \1 passages", err).group(1))
    counts = bar_counts(err)
    assert counts[0] == (0, n) and counts[-1] == (n, n) and {t for _, t in counts} == {n}


@pytest.mark.slow
def test_the_default_generator_chain_says_nothing_about_a_hub(tmp_path, tiny_dir):
    out = run_cli(
        "ask",
        "Which city hosted the 6th EXPO?",
        "--docs",
        str(tiny_dir),
        "--index-dir",
        str(tmp_path / "index"),
        tmp_path=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr and not HUB.search(out.stderr), out.stderr


@pytest.mark.slow
def test_eval_runs_a_gold_file_and_says_what_it_loads(tmp_path, tiny_dir):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(GOLD_ROW) + "\n", encoding="utf-8")
    out = run_cli(
        "eval",
        "--gold",
        str(gold),
        "--out",
        str(tmp_path / "out"),
        "--generator",
        "reader",
        "--docs",
        str(tiny_dir),
        "--index-dir",
        str(tmp_path / "index"),
        tmp_path=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["n_questions"] == 1
    assert "Traceback" not in out.stderr and not HUB.search(out.stderr), out.stderr
    assert "loading the embedding model" in out.stderr and "loading the reader..." in out.stderr
    assert (tmp_path / "out" / "summary.json").is_file()


def test_the_real_command_prints_one_line_for_a_missing_gold_file(tmp_path):
    out = run_cli("eval", "--gold", str(tmp_path / "missing.jsonl"), tmp_path=tmp_path)
    assert out.returncode == 2
    assert out.stderr.strip() == f"error: --gold {tmp_path / 'missing.jsonl'}: no such file"
