"""The package layout holds: the runtime loads no evaluation, training or web code."""

import subprocess
import sys

from .conftest import ROOT


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys\n{statement}\nprint('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(out.stdout.split())


def test_pipeline_loads_neither_evaluation_nor_training_nor_gradio():
    loaded = _loaded_after("import rag.pipeline")
    assert "rag.pipeline" in loaded
    banned = ("gradio", "rag.training", "rag.evaluation")
    assert not [m for m in loaded if m.split(".")[0] == "gradio" or m.startswith(banned)]


def test_errors_load_without_the_models():
    loaded = _loaded_after("from rag.errors import RagError")
    assert not {"faiss", "torch", "numpy", "rag.pipeline"} & loaded
