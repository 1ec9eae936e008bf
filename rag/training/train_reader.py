"""`rag train-reader`: fine-tune the packaged MiniLM into an extractive reader on SQuAD 2.0.

Seeded, resumable (a checkpoint every `checkpoint_every` steps, written atomically), with a
progress bar. Articles are split into train / dev / test (never questions): dev is for choosing
thresholds and fitting the abstention verifier, test only for reporting.

Windows are balanced the way the SQuAD 2.0 literature finds necessary for small models: every
window that holds an answer, plus at most `negative_ratio` times as many empty windows
(windows of unanswerable questions first), so the model does not learn to always say "no".
Two kinds of made-up "no answer" questions can be added on top (`swap_negatives`,
`other_negatives`): a question with one word swapped, and a question read against another
paragraph of its article.
"""

from __future__ import annotations

import json
import logging
import math
import os
import random
import re
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from rag.answer.reader import decode_window, encode
from rag.errors import ConfigError
from rag.text import STOPWORDS
from rag.training.squad import FOLDS, Question, load_squad, split_articles

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainConfig:
    """Every tunable number of a training run, in one place."""

    base_model: str = "all-MiniLM-L6-v2"
    seed: int = 13
    max_tokens: int = 256  # shorter than answering (320): SQuAD paragraphs rarely need more
    stride: int = 96
    batch_size: int = 16
    lr: float = 1.5e-4
    weight_decay: float = 0.01
    warmup: float = 0.06
    epochs: float = 2.0
    negative_ratio: float = 0.6
    data_fraction: float = 1.0  # share of training questions used (the learning curve)
    dev_articles: int = 3
    test_articles: int = 3
    checkpoint_every: int = 100
    eval_at: tuple[float, ...] = (0.25, 0.5, 1.0)  # of the first epoch, and each epoch's end
    max_steps: int = 0  # >0 stops early (smoke tests)
    limit_questions: int = 0  # >0 keeps only this many training questions (smoke tests)
    dev_limit: int = 0
    init_from: str = ""  # a trained reader folder to continue from (a second stage)
    swap_negatives: float = 0.0  # synthetic unanswerable questions per answerable one
    other_negatives: float = 0.0  # share of questions also read against a similar paragraph
    leave_out_fold: int = -1  # >=0: train without that fold of the training articles (squad.FOLDS)
    doc_heads: int = 0  # made-up document heads (bylines, memo headers) added, see doc_heads.py
    tallies: int = 0  # made-up sentences counting several groups added, see tallies.py
    rewordings: int = 0  # of each kind of reworded pair added, see rewordings.py (issue 25)

    def __post_init__(self):
        for name in ("swap_negatives", "other_negatives"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ConfigError(f"{name}={getattr(self, name)!r}: give a share from 0 to 1")
        for name in ("doc_heads", "tallies", "rewordings"):
            if getattr(self, name) < 0:
                raise ConfigError(f"{name}={getattr(self, name)!r}: give a count of 0 or more")
        if not -1 <= self.leave_out_fold < FOLDS:
            raise ConfigError(
                f"leave_out_fold={self.leave_out_fold!r}: give a fold from 0 to {FOLDS - 1}"
            )
        if self.init_from and not (Path(self.init_from) / "config.json").is_file():
            raise ConfigError(
                f"init_from={self.init_from!r}: not a trained reader folder (no config.json)"
            )


# ---- data ----------------------------------------------------------------------------------

# Not text.WORD: hyphenated names stay whole here, so a swap replaces "Jin-dynasty" rather than
# half of it; and the recorded run (3,607 questions, eval/results/reader-stage3.json) used this.
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*|\d[\d,.]*\d|\d")


def _kind(word: str) -> str | None:
    """Swaps stay within a kind, so the changed question still reads as a question."""
    if word[0].isdigit():
        return "number"
    if word.lower() in STOPWORDS or len(word) < 3:
        return None
    if word[0].isupper():
        return "name"
    if len(word) < 5:
        return None
    ending = next((e for e in ("ing", "ed", "ly", "s") if word.endswith(e)), "")
    return f"word-{ending}"


def swap_unanswerable(
    questions: list[Question], share: float, rng: random.Random
) -> list[Question]:
    """Unanswerable questions made from answerable ones by swapping one of the question's
    words that its paragraph contains (a name, a number, else a content word) for a word of the
    same kind from elsewhere in the article that the paragraph never uses.

    About a fifth of SQuAD 2.0's unanswerable questions are of this kind ("entity swap",
    Rajpurkar, Jia and Liang 2018, table 2), and it is the kind of miss issue 9 saw on held-out
    articles: the reader answered as if "Europe" were "southern Italy". The paragraph lacks
    the new word, so no span of it answers the changed question.
    """
    by_article: dict[str, set[str]] = {}
    for q in questions:
        by_article.setdefault(q.article, set()).update(_WORD.findall(q.context))
    pools: dict[tuple[str, str], list[str]] = {}
    for art, words in by_article.items():
        for w in sorted(words):
            k = _kind(w)
            if k:
                pools.setdefault((art, k), []).append(w)
    out = []
    answerable = [q for q in questions if q.answerable]
    for q in rng.sample(answerable, min(len(answerable), round(share * len(answerable)))):
        para = {w.lower() for w in _WORD.findall(q.context)}
        asked = {w.lower() for w in _WORD.findall(q.question)}
        spots = [
            (m, _kind(m.group()))
            for m in list(_WORD.finditer(q.question))[1:]
            if _kind(m.group()) and m.group().lower() in para
        ]
        spots.sort(key=lambda s: s[1].startswith("word"))  # names and numbers first
        for m, kind in spots[:2]:
            pool = [
                w
                for w in pools.get((q.article, kind), [])
                if w.lower() not in para and w.lower() not in asked
            ]
            if pool:
                new = rng.choice(pool)
                text = q.question[: m.start()] + new + q.question[m.end() :]
                out.append(Question(f"{q.id}-swap", q.article, text, q.context, []))
                break
    return out


def other_paragraph_negatives(
    questions: list[Question], share: float, rng: random.Random, embed
) -> list[Question]:
    """A share of the questions, each paired with the other paragraph of its article that is
    most similar to it (`embed`: texts -> unit vectors, the retriever's own model) and labelled
    "no answer"; a paragraph that holds one of the question's answers is never used.

    In the pipeline the reader reads the top passages of a search, most of which do not hold
    the answer; trained on the answer's own paragraph only, it never learns to refuse those
    (the multi-passage readers of Wang et al. 2019 and DPR, Karpukhin et al. 2020, train on
    retrieved passages for this reason).
    """
    paragraphs: dict[str, list[str]] = {}
    for q in questions:
        paras = paragraphs.setdefault(q.article, [])
        if q.context not in paras:
            paras.append(q.context)
    chosen = rng.sample(questions, min(len(questions), round(share * len(questions))))
    out = []
    for art in sorted({q.article for q in chosen}):
        paras = paragraphs[art]
        if len(paras) < 2:
            continue
        qs = [q for q in chosen if q.article == art]
        sims = embed([q.question for q in qs]) @ embed(paras).T
        for q, row in zip(qs, sims, strict=True):
            for k in np.argsort(-row):
                other = paras[k]
                if other != q.context and not any(a in other for a, _ in q.answers):
                    out.append(Question(f"{q.id}-other", art, q.question, other, []))
                    break
    return out


def encode_questions(tokenizer, questions: list[Question], cfg: TrainConfig):
    """Windows of (question, paragraph) pairs, as training and its evaluation see them."""
    return encode(
        tokenizer,
        [q.question for q in questions],
        [q.context for q in questions],
        cfg.max_tokens,
        cfg.stride,
    )


def featurize(tokenizer, questions: list[Question], cfg: TrainConfig, rng: random.Random):
    """Training windows: (input_ids, token_type_ids, start, end), balanced as the module says."""
    enc = encode_questions(tokenizer, questions, cfg)
    pos, neg_null, neg_other, neg_swap, neg_para = [], [], [], [], []
    for w in range(len(enc["input_ids"])):
        q = questions[enc["overflow_to_sample_mapping"][w]]
        seq = enc.sequence_ids(w)
        offs = enc["offset_mapping"][w]
        ctx = [t for t, s in enumerate(seq) if s == 1]
        row = (enc["input_ids"][w], enc["token_type_ids"][w])
        label = None
        if q.answerable:
            text, a = q.answers[0]
            z = a + len(text)
            if offs[ctx[0]][0] <= a and offs[ctx[-1]][1] >= z:
                st = next(t for t in ctx if offs[t][1] > a)
                en = next(t for t in reversed(ctx) if offs[t][0] < z)
                label = (st, en)
        if label:
            pos.append((*row, *label))
        elif q.id.endswith("-swap"):
            neg_swap.append((*row, 0, 0))
        elif q.id.endswith("-other"):
            neg_para.append((*row, 0, 0))
        elif q.answerable:
            neg_other.append((*row, 0, 0))
        else:
            neg_null.append((*row, 0, 0))
    rng.shuffle(neg_null)
    rng.shuffle(neg_other)
    keep = int(cfg.negative_ratio * len(pos))
    negs = (neg_null + neg_other)[:keep]
    stats = {
        "questions": len(questions),
        "answer_windows": len(pos),
        "empty_windows_kept": len(negs),
        "empty_windows_dropped": len(neg_null) + len(neg_other) - len(negs),
    }
    # On top of the balance: they are what the reader must learn to refuse.
    if neg_swap:
        stats["swapped_question_windows"] = len(neg_swap)
    if neg_para:
        stats["other_paragraph_windows"] = len(neg_para)
    return pos + negs + neg_swap + neg_para, stats


def batches(windows, batch_size: int, rng: random.Random):
    """Length-bucketed batches in a seeded order: little padding, still shuffled."""
    order = list(range(len(windows)))
    rng.shuffle(order)
    chunks = [order[i : i + batch_size * 50] for i in range(0, len(order), batch_size * 50)]
    out = []
    for c in chunks:
        c.sort(key=lambda i: len(windows[i][0]))
        out.extend(c[i : i + batch_size] for i in range(0, len(c), batch_size))
    rng.shuffle(out)
    return out


def collate(windows, idx, pad_id: int):
    import torch

    n = max(len(windows[i][0]) for i in idx)
    ids = torch.full((len(idx), n), pad_id, dtype=torch.long)
    tt = torch.zeros((len(idx), n), dtype=torch.long)
    mask = torch.zeros((len(idx), n), dtype=torch.long)
    for r, i in enumerate(idx):
        a, t, _, _ = windows[i]
        ids[r, : len(a)] = torch.tensor(a)
        tt[r, : len(t)] = torch.tensor(t)
        mask[r, : len(a)] = 1
    starts = torch.tensor([windows[i][2] for i in idx])
    ends = torch.tensor([windows[i][3] for i in idx])
    return {"input_ids": ids, "token_type_ids": tt, "attention_mask": mask}, starts, ends


# ---- metrics (SQuAD's normalisation) -------------------------------------------------------


def evaluate_given_paragraph(model, tokenizer, questions: list[Question], cfg: TrainConfig) -> dict:
    """Reader alone, paragraph given: F1/EM of the best span on answerable questions, and how
    well the margin (span - null) separates answerable from unanswerable (AUROC)."""
    import torch

    from rag.evaluation.runner import auroc, exact_match, token_f1

    model.eval()
    enc = encode_questions(tokenizer, questions, cfg)
    best: dict[int, tuple[float, str]] = {}
    n = len(enc["input_ids"])
    for lo in range(0, n, 32):
        rows = list(range(lo, min(n, lo + 32)))
        batch = tokenizer.pad(
            {
                k: [enc[k][r] for r in rows]
                for k in ("input_ids", "attention_mask", "token_type_ids")
            },
            return_tensors="pt",
        )
        with torch.inference_mode():
            out = model(**batch)
        starts, ends = out.start_logits.float().numpy(), out.end_logits.float().numpy()
        for b, r in enumerate(rows):
            k = enc["overflow_to_sample_mapping"][r]
            got = decode_window(enc, r, starts[b], ends[b], questions[k].context)
            if got is None:
                continue
            _, _, a, z, score, null, _ = got
            text = questions[k].context[a:z]
            if k not in best or score - null > best[k][0]:
                best[k] = (score - null, text)
    model.train()
    f1, em, margins, labels = [], [], [], []
    for k, q in enumerate(questions):
        margin, text = best.get(k, (-1e9, ""))
        margins.append(margin)
        labels.append(q.answerable)
        if q.answerable:
            gold = [a for a, _ in q.answers]
            f1.append(token_f1(text, gold))
            em.append(exact_match(text, gold))
    return {
        "has_answer_f1": round(float(np.mean(f1)), 4) if f1 else None,
        "has_answer_em": round(float(np.mean(em)), 4) if em else None,
        "margin_auroc": round(auroc(margins, labels), 4),
        "questions": len(questions),
    }


# ---- training ------------------------------------------------------------------------------


def _seed_all(seed: int) -> None:
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _save_atomic(folder: Path, writer) -> None:
    tmp = folder.with_name(f".{folder.name}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    writer(tmp)
    old = folder.with_name(f".{folder.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        os.replace(folder, old)
    os.replace(tmp, folder)
    shutil.rmtree(old, ignore_errors=True)


def train(squad: Path, out: Path, cfg: TrainConfig, progress: bool = True) -> dict:
    """Train (or resume) into `out`; returns the run summary also written to `out`."""
    import torch
    from tqdm import tqdm
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer

    from rag.store.embed import resolve_embedding_model

    torch.set_num_threads(max(1, os.cpu_count() or 1))
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    _seed_all(cfg.seed)
    articles = load_squad(squad)
    split = split_articles(articles, cfg.dev_articles, cfg.test_articles)
    if cfg.leave_out_fold >= 0:
        left_out = set(split[f"fold{cfg.leave_out_fold}"])
        split["train"] = [t for t in split["train"] if t not in left_out]
    train_q = [q for t in split["train"] for q in articles[t]]
    rng = random.Random(cfg.seed)
    rng.shuffle(train_q)
    if cfg.data_fraction < 1.0:
        train_q = train_q[: max(1, int(len(train_q) * cfg.data_fraction))]
    if cfg.limit_questions:
        train_q = train_q[: cfg.limit_questions]
    dev_q = [q for t in split["dev"] for q in articles[t]]
    if cfg.dev_limit:
        dev_q = dev_q[: cfg.dev_limit]

    base = (
        resolve_embedding_model(cfg.base_model)
        if cfg.base_model == "all-MiniLM-L6-v2"
        else cfg.base_model
    )
    if cfg.init_from:
        base = cfg.init_from
    tokenizer = AutoTokenizer.from_pretrained(base, local_files_only=True)
    # Both kinds of made-up negatives come from the real questions, never from each other.
    added: list[Question] = []
    if cfg.swap_negatives:
        added += swap_unanswerable(train_q, cfg.swap_negatives, random.Random(cfg.seed + 1))
    if cfg.other_negatives:
        from rag.store.embed import Embedder

        embed = Embedder(cfg.base_model).embed
        added += other_paragraph_negatives(
            train_q, cfg.other_negatives, random.Random(cfg.seed + 2), embed
        )
    # Made-up documents wrap real training prose, so the reader keeps reading prose.
    prose = sorted({q.context for q in train_q})
    if cfg.doc_heads:
        from rag.training.doc_heads import doc_head_questions

        added += doc_head_questions(prose, cfg.doc_heads, cfg.seed + 3)
    if cfg.tallies:
        from rag.training.tallies import tally_questions

        added += tally_questions(prose, cfg.tallies, cfg.seed + 4)
    if cfg.rewordings:
        from rag.training.rewordings import reworded_questions

        added += reworded_questions(train_q, cfg.rewordings, cfg.seed + 5)
    train_q = train_q + added
    windows, stats = featurize(tokenizer, train_q, cfg, random.Random(cfg.seed))
    steps_per_epoch = math.ceil(len(windows) / cfg.batch_size)
    total = math.ceil(steps_per_epoch * cfg.epochs)
    if cfg.max_steps:
        total = min(total, cfg.max_steps)
    model = AutoModelForQuestionAnswering.from_pretrained(
        base, local_files_only=True, dtype=torch.float32
    )
    model.train()
    no_decay = ("bias", "LayerNorm.weight")
    groups = [
        {
            "params": [p for n, p in model.named_parameters() if not any(x in n for x in no_decay)],
            "weight_decay": cfg.weight_decay,
        },
        {
            "params": [p for n, p in model.named_parameters() if any(x in n for x in no_decay)],
            "weight_decay": 0.0,
        },
    ]
    opt = torch.optim.AdamW(groups, lr=cfg.lr)
    warm = max(1, int(cfg.warmup * total))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm)))
    )
    ckpt = out / "checkpoint"
    state = {"step": 0, "curve": [], "seconds": 0.0}
    if (ckpt / "state.json").exists():
        state = json.loads((ckpt / "state.json").read_text())
        saved = torch.load(ckpt / "train.pt", weights_only=False)
        model.load_state_dict(saved["model"])
        opt.load_state_dict(saved["opt"])
        sched.load_state_dict(saved["sched"])
        torch.set_rng_state(saved["torch_rng"])
        log.warning("resuming from step %d", state["step"])

    def save_checkpoint():
        def write(tmp: Path):
            torch.save(
                {
                    "model": model.state_dict(),
                    "opt": opt.state_dict(),
                    "sched": sched.state_dict(),
                    "torch_rng": torch.get_rng_state(),
                },
                tmp / "train.pt",
            )
            (tmp / "state.json").write_text(json.dumps(state))

        _save_atomic(ckpt, write)

    eval_steps = {
        min(total, max(1, round(f * steps_per_epoch))): f"epoch 1 x {f:g}" for f in cfg.eval_at
    }
    for e in range(2, math.ceil(cfg.epochs) + 1):
        eval_steps.setdefault(min(total, round(e * steps_per_epoch)), f"epoch {e}")
    eval_steps.setdefault(total, "end")
    plan = []  # the whole run's batch order: epoch e uses a generator seeded by (seed, e)
    for e in range(math.ceil(total / steps_per_epoch)):
        plan.extend(batches(windows, cfg.batch_size, random.Random(cfg.seed * 1000 + e)))
    bar = tqdm(
        total=total,
        initial=state["step"],
        desc="training reader",
        unit="step",
        disable=not progress,
    )
    t0 = time.time() - state["seconds"]
    pad = tokenizer.pad_token_id
    loss_avg = None
    while state["step"] < total:
        step = state["step"]
        inputs, starts, ends = collate(windows, plan[step], pad)
        out_ = model(**inputs, start_positions=starts, end_positions=ends)
        out_.loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        opt.zero_grad(set_to_none=True)
        state["step"] = step + 1
        state["seconds"] = time.time() - t0
        loss_avg = (
            out_.loss.item() if loss_avg is None else 0.98 * loss_avg + 0.02 * out_.loss.item()
        )
        bar.update(1)
        bar.set_postfix(loss=f"{loss_avg:.3f}")
        if state["step"] in eval_steps and dev_q:
            m = evaluate_given_paragraph(model, tokenizer, dev_q, cfg)
            m.update(
                step=state["step"],
                at=eval_steps[state["step"]],
                windows_seen=state["step"] * cfg.batch_size,
                minutes=round(state["seconds"] / 60, 1),
            )
            state["curve"].append(m)
            bar.write(json.dumps(m))
        if state["step"] % cfg.checkpoint_every == 0 or state["step"] == total:
            save_checkpoint()
    bar.close()

    def export(tmp: Path):
        model.half().save_pretrained(tmp, safe_serialization=True)
        tokenizer.save_pretrained(tmp)
        model.float()

    summary = {
        "config": asdict(cfg),
        "split": split,
        "data": stats,
        "windows": len(windows),
        "steps": state["step"],
        "train_minutes": round(state["seconds"] / 60, 1),
        "windows_per_second": round(
            state["step"] * cfg.batch_size / max(1e-9, state["seconds"]), 2
        ),
        "curve": state["curve"],
    }
    _save_atomic(out / "model", export)
    (out / "model" / "training.json").write_text(json.dumps(summary, indent=2))
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    return summary


def fit_answerability(
    model_dir: Path, squad: Path, limit: int = 0, l2: float = 10.0, progress: bool = True
) -> dict:
    """Fit the answerability head on the reader's [CLS] vectors of the training articles'
    questions (paragraph given), check it on the dev articles, and save it beside the model."""
    from tqdm import tqdm

    from rag.answer.abstain import fit_logistic
    from rag.answer.reader import AnswerabilityHead, Reader
    from rag.evaluation.runner import auroc

    articles = load_squad(squad)
    record = Path(model_dir) / "training.json"
    # The reader's own split: its training articles, never the ones it is checked on.
    split = (
        json.loads(record.read_text())["split"] if record.is_file() else split_articles(articles)
    )
    reader = Reader(str(model_dir))
    reader.warm_up()
    reader._head = None  # features of the bare reader, whatever head was there before

    def vectors(part: str, n: int):
        qs = [q for t in split[part] for q in articles[t]]
        random.Random(0).shuffle(qs)
        qs = qs[:n] if n else qs
        xs, ys, margins = [], [], []
        for lo in tqdm(range(0, len(qs), 64), desc=f"reading {part}", disable=not progress):
            chunk = qs[lo : lo + 64]
            spans, cls = reader.read_pairs(
                [q.question for q in chunk], [q.context for q in chunk], with_cls=True
            )
            for span, vec in zip(spans, cls, strict=True):
                xs.append(vec)
                ys.append(chunk[span.passage].answerable)
                margins.append(span.margin)
        return np.array(xs), np.array(ys, dtype=float), margins

    x, y, _ = vectors("train", limit)
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    w, b = fit_logistic((x - mean) / scale, y, l2=l2)
    head = AnswerabilityHead(mean.tolist(), scale.tolist(), w.tolist(), b)
    dx, dy, dmargins = vectors("dev", 0)
    logits = [head.logit(v) for v in dx]
    report = {
        "train_questions": len(y),
        "dev_questions": len(dy),
        "dev_auroc_head": round(auroc(logits, list(dy.astype(bool))), 4),
        "dev_auroc_margin": round(auroc(dmargins, list(dy.astype(bool))), 4),
        "l2": l2,
    }
    head.save(Path(model_dir) / "answerability.json")
    return report
