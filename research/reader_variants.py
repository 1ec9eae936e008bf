"""Weight soups and logit ensembles of trained readers, measured with verifier_study.

    # a uniform soup (Wortsman et al. 2022) of readers fine-tuned from the same weights
    .venv/bin/python research/reader_variants.py soup runs/soup2/model runs/heads2/model runs/tallies14/model
    .venv/bin/rag fit-answerability --squad ../shared/data/squad/squad-train.json --model runs/soup2/model
    VERIFIER_STUDY_CACHE=/tmp/vs-soup2 RAG_READER_MODEL=runs/soup2/model \
        .venv/bin/python research/verifier_study.py cache --split dev
    # an ensemble: start/end logits averaged, each member's answerability head averaged
    ENSEMBLE=runs/heads2/model,runs/tallies14/model VERIFIER_STUDY_CACHE=/tmp/vs-ens2 \
        .venv/bin/python research/reader_variants.py study cache --split dev
    ENSEMBLE=... VERIFIER_STUDY_CACHE=/tmp/vs-ens2 .venv/bin/python research/reader_variants.py study decide

Results: eval/results/tallies.json ("weight soups and an ensemble").
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "research"))


def soup(out: Path, members: list[Path]) -> None:
    import torch
    from safetensors.torch import load_file, save_file

    total = None
    for m in members:
        weights = load_file(m / "model.safetensors")
        if total is None:
            total = {k: v.float().clone() for k, v in weights.items()}
        else:
            for k, v in weights.items():
                total[k] += v.float()
    out.mkdir(parents=True, exist_ok=True)
    mean = {k: (v / len(members)).to(torch.float16).contiguous() for k, v in total.items()}
    save_file(mean, out / "model.safetensors", metadata={"format": "pt"})
    for f in ("config.json", "tokenizer.json", "tokenizer_config.json"):
        shutil.copy(members[0] / f, out / f)
    # fit-answerability and fit-verifier read the article split from training.json
    records = [json.loads((m / "training.json").read_text()) for m in members]
    if any(r["split"] != records[0]["split"] for r in records):
        raise SystemExit("the members were trained on different splits")
    record = dict(records[0], soup_of=[str(m) for m in members])
    (out / "training.json").write_text(json.dumps(record, indent=1) + "\n")
    print(f"wrote {out}: the mean of {len(members)} readers")


def use_ensemble(members: list[str]) -> None:
    """Make every Reader load `members` and average their logits."""
    import torch

    from rag.answer import reader as R

    class Ensemble(torch.nn.Module):
        def __init__(self, models):
            super().__init__()
            self.models = torch.nn.ModuleList(models)

        def forward(self, output_hidden_states=False, **batch):
            outs = [m(**batch, output_hidden_states=output_hidden_states) for m in self.models]
            hidden = None
            if output_hidden_states:
                # the members' [CLS] vectors side by side, read by the averaged head below
                hidden = [torch.cat([o.hidden_states[-1] for o in outs], dim=-1)]
            return SimpleNamespace(
                start_logits=torch.stack([o.start_logits for o in outs]).mean(0),
                end_logits=torch.stack([o.end_logits for o in outs]).mean(0),
                hidden_states=hidden,
            )

    def warm_up(self):
        with self._lock:
            if self._model is not None:
                return
            from transformers import AutoModelForQuestionAnswering, AutoTokenizer

            tok = AutoTokenizer.from_pretrained(members[0], local_files_only=True)
            models = [
                AutoModelForQuestionAnswering.from_pretrained(
                    m, local_files_only=True, dtype=torch.float32
                ).eval()
                for m in members
            ]
            heads = [R.AnswerabilityHead.load(Path(m) / "answerability.json") for m in members]
            n = len(heads)
            self._head = R.AnswerabilityHead(
                mean=[x for h in heads for x in h.mean],
                scale=[x for h in heads for x in h.scale],
                weights=[w / n for h in heads for w in h.weights],
                bias=sum(h.bias for h in heads) / n,
            )
            self._tokenizer, self._model = tok, Ensemble(models).eval()

    R.Reader.warm_up = warm_up


def main(argv: list[str]) -> int:
    if argv[:1] == ["soup"] and len(argv) >= 4:
        soup(Path(argv[1]), [Path(a) for a in argv[2:]])
        return 0
    if argv[:1] == ["study"]:
        use_ensemble(os.environ["ENSEMBLE"].split(","))
        import verifier_study

        return verifier_study.main(argv[1:])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
