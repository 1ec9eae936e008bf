# ruff: noqa: E402
"""Is ONNX Runtime a faster runtime for the embedding model (issue 27)? Measured, not adopted.

    OMP_WAIT_POLICY=PASSIVE python research/onnx_embedding.py        # plain export, then fused
    EAGER=1 R1=0 OMP_WAIT_POLICY=PASSIVE python research/onnx_embedding.py   # export, fuse
    OPTFILE=<work>/minilm-opt1.onnx R1=0 OMP_WAIT_POLICY=PASSIVE python research/onnx_embedding.py

Exports all-MiniLM-L6-v2 from the installed package (offline: torch's TorchScript exporter;
EAGER=1 exports eager attention, which onnxruntime's BERT fusion recognises), runs it in
onnxruntime (2 intra-op threads, no spinning, all graph optimisations, mean pooling and
normalisation in numpy) and times it against sentence-transformers' `encode` (torch, sdpa
attention) on 1,200-character windows of two Apple 10-Q filings, batch 32, interleaved in one
process. Output: eval/results/onnx-embedding.txt. WORK (default /tmp/onnx-embedding) keeps the
.onnx files. Needs `onnxruntime` and `onnx`, which the project does not install.
"""

import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent))
WORK = os.environ.get("WORK", "/tmp/onnx-embedding")
os.makedirs(WORK, exist_ok=True)
from sentence_transformers import SentenceTransformer

from rag.store.embed import resolve_embedding_model

path = resolve_embedding_model("all-MiniLM-L6-v2")
st = SentenceTransformer(path, device="cpu", local_files_only=True)
bert = st[0].auto_model.eval()
if os.environ.get("EAGER"):
    bert.set_attn_implementation("eager")
tok = st.tokenizer
out = WORK + "/minilm{}.onnx".format(os.environ.get("EAGER", ""))
if not os.path.exists(out):
    enc = tok(["hello world", "a longer sentence here"], padding=True, return_tensors="pt")

    class Wrap(torch.nn.Module):
        def __init__(s, m):
            super().__init__()
            s.m = m

        def forward(s, input_ids, attention_mask, token_type_ids):
            return s.m(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    t0 = time.time()
    torch.onnx.export(
        Wrap(bert),
        (enc["input_ids"], enc["attention_mask"], enc["token_type_ids"]),
        out,
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["last_hidden_state"],
        dynamic_axes={
            k: {0: "b", 1: "t"}
            for k in ["input_ids", "attention_mask", "token_type_ids", "last_hidden_state"]
        },
        opset_version=17,
        dynamo=False,
    )
    print("export s", time.time() - t0, os.path.getsize(out))
import onnxruntime as ort

so = ort.SessionOptions()
so.intra_op_num_threads = int(os.environ.get("NT", "2"))
so.inter_op_num_threads = 1
so.add_session_config_entry("session.intra_op.allow_spinning", "0")
so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
sess = ort.InferenceSession(out, so, providers=["CPUExecutionProvider"])


def ort_encode(texts, bs=32):
    order = np.argsort([-len(t) for t in texts])
    res = [None] * len(texts)
    for i in range(0, len(texts), bs):
        idx = order[i : i + bs]
        e = tok(
            [texts[j] for j in idx],
            padding=True,
            truncation=True,
            max_length=st.max_seq_length,
            return_tensors="np",
        )
        h = sess.run(
            None,
            {k: e[k].astype(np.int64) for k in ("input_ids", "attention_mask", "token_type_ids")},
        )[0]
        m = e["attention_mask"][..., None].astype(np.float32)
        v = (h * m).sum(1) / np.clip(m.sum(1), 1e-9, None)
        v /= np.linalg.norm(v, axis=1, keepdims=True)
        for j, x in zip(idx, v, strict=False):
            res[j] = x
    return np.vstack(res).astype(np.float32)


# texts: passages of the index
import glob
from pathlib import Path

from rag.ingest.formats import extract

texts = []
for f in sorted(glob.glob(os.environ.get("DOCS", "/work/shared/data/sec-10-q/docs") + "/*AAPL*"))[
    :2
]:
    ex = extract(os.path.basename(f), Path(f).read_bytes())
    texts += [ex.text[i : i + 1200] for i in range(0, len(ex.text), 1100)]
texts = texts[:300]
print(len(texts), "texts")
for _rep in range(int(os.environ.get("R1", "2"))):
    c0 = time.process_time()
    t0 = time.perf_counter()
    a = st.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
    print(
        "st  cpu",
        round(time.process_time() - c0, 2),
        "wall",
        round(time.perf_counter() - t0, 2),
        flush=True,
    )
    c0 = time.process_time()
    t0 = time.perf_counter()
    b = ort_encode(texts)
    print(
        "ort cpu",
        round(time.process_time() - c0, 2),
        "wall",
        round(time.perf_counter() - t0, 2),
        flush=True,
    )
if os.environ.get("R1", "2") != "0":
    print("max abs diff", float(np.abs(a - b).max()), "min cos", float((a * b).sum(1).min()))
from onnxruntime.transformers import optimizer

opt = os.environ.get("OPTFILE") or WORK + "/minilm-opt{}.onnx".format(os.environ.get("EAGER", ""))
if not os.path.exists(opt):
    m = optimizer.optimize_model(
        out,
        model_type="bert",
        num_heads=12,
        hidden_size=384,
        opt_level=int(os.environ.get("OL", "1")),
    )
    m.save_model_to_file(opt)
    print("fused ops", m.get_fused_operator_statistics(), flush=True)
sess = ort.InferenceSession(opt, so, providers=["CPUExecutionProvider"])
for _rep in range(3):
    c0 = time.process_time()
    t0 = time.perf_counter()
    b = ort_encode(texts)
    print(
        "ort-opt cpu",
        round(time.process_time() - c0, 2),
        "wall",
        round(time.perf_counter() - t0, 2),
        flush=True,
    )
    c0 = time.process_time()
    t0 = time.perf_counter()
    a = st.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
    print(
        "st  cpu",
        round(time.process_time() - c0, 2),
        "wall",
        round(time.perf_counter() - t0, 2),
        flush=True,
    )
print("opt max abs diff", float(np.abs(a - b).max()), "min cos", float((a * b).sum(1).min()))
