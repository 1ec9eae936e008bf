"""One typed settings object. Defaults < RAG_ environment variables < explicit overrides (CLI flags)."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path

from .answer.registry import GENERATORS as _REGISTERED
from .errors import ConfigError

# "auto" walks the fallback chain; the others are the registry's names (rag.answer.registry).
GENERATORS = ("auto", *_REGISTERED)
# How dense and BM25 rankings combine (rag.retrieve): fused, or one side alone.
FUSIONS = ("rrf", "convex", "dense", "bm25")


def _default_embedding_model() -> str:
    return "all-MiniLM-L6-v2"


@dataclass(frozen=True)
class Settings:
    """Every knob of the pipeline. Construct with keyword arguments; values are checked here.

    >>> Settings(top_k=3).top_k
    3
    """

    # Uploads land here, never in the repository's seeds/; git-ignored.
    documents_dir: Path = Path("data")
    # Copied into a documents folder that does not exist yet: the starting collection.
    # None (RAG_SEED_DIR=none) starts empty.
    seed_dir: Path | None = Path("seeds")
    index_dir: Path = Path("index")
    cache_dir: Path = field(default_factory=lambda: Path.home() / ".cache" / "rag")
    embedding_model: str = field(default_factory=_default_embedding_model)
    # "auto" walks the chain seq2seq -> reader -> extractive -> instruct; the first that loads.
    generator: str = "auto"
    generator_model: str = "google/flan-t5-base"
    # The extractive reader: "shipped" is the model trained by `rag train-reader` that ships
    # in rag/models/; any AutoModelForQuestionAnswering folder or hub id replaces it.
    reader_model: str = "shipped"
    # Passages the reader reads: 3 beat 5 and 8 on the dev articles (short F1 0.629 / 0.621 /
    # 0.610, research/reader_sweep.py, eval/results/reader-dev-sweep.json), and reads faster.
    reader_top_k: int = 3
    # Which read span answers: the reader's margin plus this weight times the share of the
    # question's content words in the span's sentence. The margin alone often prefers a span in
    # a sentence about something else (dev articles: 32 of the 83 answers citing a wrong
    # sentence had the right one in another passage read). Chosen on the dev articles among
    # 0, 2, 4, 6, 10 (research/verifier_study.py, eval/results/verifier-study.json).
    reader_select_words_weight: float = 4.0
    # Without a verifier beside the reader model: answer when span - null score >= this.
    reader_min_margin: float = 0.0
    # When the reader prefers no answer in every passage, read the first passage's sentences
    # one by one: a sentence after others of the same kind ("... 200 billion US dollars by
    # 2024", after a sentence of other dollar figures) is often answered alone. A span read so
    # is decided by its own verifier (verifier-sentence.json beside the model, fit on re-read
    # spans of the training articles, threshold 0.21 chosen on the dev articles' ones; without
    # the file there is no re-read); `reader_reread_min_confidence` overrides its threshold.
    # Off: with it on, the SQuAD test articles (run once) went abstention accuracy 0.632 ->
    # 0.616 and citation precision 0.848 -> 0.840 (contains 0.790 -> 0.795), and the seeds
    # answered one unanswerable question (eval/results/reread-sentence-verifier.json).
    reader_reread_sentences: bool = False
    reader_reread_min_confidence: float | None = None
    # Another document's answer is reported as a disagreement only if its sentence holds every
    # name and number of the question and at least this share of its content words.
    rival_min_words: float = 0.5
    # Lists, summaries and comparisons (rag.answer.forms): passages retrieved for them, the
    # weight of shared question words beside the embedding cosine, the score a sentence needs
    # to be said, and the most items said. Chosen on the 51 10-Q validation questions answered
    # in a form among 5/8/12 x 0/0.25/0.5/1 x 0.3-0.6 x 2/3/5/8 (research/form_sweep.py,
    # eval/results/form-sweep.json), then 5 or 8 items again once near-duplicates were dropped
    # (form-sweep-dedupe.json): contains 0.314 -> 0.392, citation precision 0.066 -> 0.085,
    # false abstentions 0.059 both; 12 passages or a 0.3 floor refuse less but cite worse.
    form_top_k: int = 8
    form_lexical_weight: float = 0.25
    form_floor: float = 0.45
    form_max_items: int = 5
    # A list's or summary's items score at most this below its best (1.0: no limit). Off: on
    # the 10-Q validation questions 0.2/0.15/0.1 raised citation precision 0.188 to
    # 0.193/0.209/0.213 but lost keys (contains 0.493 to 0.465/0.465/0.451; docs/evaluation.md).
    form_max_drop: float = 1.0
    # A list question naming a heading ("What legal proceedings ...") is answered by the first
    # sentence of each paragraph under it (rag.answer.sections). 10-Q validation: contains
    # 0.577 -> 0.620 (lists 2 -> 5 of 7).
    section_lists: bool = True
    # Facts and comparisons answered from table rows (rag.answer.tables) when a row's label
    # scores at least this against the question; otherwise the reader decides. Chosen on the
    # 10-Q validation questions.
    table_lookup: bool = True
    table_min_score: float = 0.4
    # Lists, summaries and comparisons also read the table rows of the documents asked about
    # whose label scores at least `form_row_min_score` (the `form_row_most` best), scored
    # beside the sentences (0 rows: sentences only). Chosen on the 10-Q validation questions
    # among 0/0.1/0.2/0.3 x 10/20: contains 0.366 -> 0.437, citation precision 0.185 -> 0.188.
    form_row_min_score: float = 0.1
    form_row_most: int = 10
    # A fact question the reader declines is answered as a summary of the same passages when
    # one is supported (`RAG._fallback`): "off"; "dated": questions `forms.explained` accepts
    # ("Did ... report any ..., and if so ...?", "what was the primary driver ...") among
    # reports known by a period; "shaped": those questions anywhere; "all": any fact. Chosen
    # on the 10-Q validation half (facts' false abstentions 0.65 -> 0.15, contains 0.25 ->
    # 0.40), restricted to reports by the SQuAD dev articles ("shaped" answered 7 of their
    # unanswerable questions; "all" 147).
    fact_fallback: str = "dated"
    # The verifier's probability needed to answer; None uses the threshold fitted with it.
    answer_threshold: float | None = None
    # Hub downloads are off unless asked for: a hidden download breaks offline use.
    allow_download: bool = False
    chunk_tokens: int = 200
    chunk_overlap_tokens: int = 40
    # Passages retrieved and shown for a fact (the reader reads the first `reader_top_k`).
    top_k: int = 5
    # Retrieval: how dense and BM25 candidates are fused ("rrf", "convex", "dense", "bm25"),
    # the dense weight for "convex", and the candidates each side contributes. Chosen on
    # SQuAD validation articles (research/fusion_sweep.py, MRR@5 0.839 vs 0.785 for RRF).
    fusion: str = "convex"
    fusion_alpha: float = 0.6
    fusion_candidates: int = 50
    # Periods and names in the question that only some documents' titles, file names or first
    # passages carry steer retrieval to those documents (rag.context): "off", "prefer" (their
    # passages first), "restrict" (only theirs). Chosen on the validation half of the 10-Q
    # questions (research/context_check.py).
    doc_steer: str = "prefer"
    # Inside the documents a question is steered to, each document's first this many fused
    # passages are read by the reader and reordered by its answerability head, fused with
    # their order by reciprocal rank (rag.rerank); 0 is off. Off by default: on the 10-Q
    # validation half, 5 moved hit@1 0.268 -> 0.310 and hit@5 0.507 -> 0.521 but no answer
    # (contains 0.380 both; facts' hit@5 0.45 -> 0.40) for 3x the CPU a question (p50 0.24 ->
    # 0.66 s, busy machine); 10 gained less and cost more (research/rerank_check.py).
    rerank_pool: int = 0
    # Inside the documents a question is steered to, the passages holding the table rows whose
    # labels score at least `row_rank_min_score` against the question (rag.answer.tables)
    # join each document's fused order by reciprocal rank at this weight (rag.retrieve
    # `Retriever.with_rows`); 0 is off. Chosen on the 10-Q validation half among weights
    # 0.25-4 x floors 0.1-0.6 (research/row_rank_sweep.py, eval/results/row-rank-sweep.json):
    # retrieval alone hit@1 0.183 -> 0.254, hit@5 0.479 -> 0.549 (text questions unchanged);
    # through `rag eval` hit@5 0.507 -> 0.521, contains 0.549 -> 0.535, citation precision
    # 0.171 -> 0.179. Test, once: hit@5 0.343 -> 0.363, contains 0.265 both.
    row_rank_weight: float = 2.0
    row_rank_min_score: float = 0.4
    # Index layout (rag.store.segments.IndexConfig): exact search per segment up to this many passages,
    # IVF above it; lists probed per question; merges.
    flat_max_passages: int = 50_000
    ivf_nprobe: int = 32
    max_segments: int = 8
    # Where passages live: "faiss" (the index folder) or "milvus" (Milvus Lite file, Milvus
    # Lite server, Standalone or cluster; `milvus_uri` a path or http://host:19530).
    store: str = "faiss"
    milvus_uri: str = ""  # empty: <index_dir>/milvus.db
    milvus_collection: str = "rag"
    max_question_chars: int = 2000  # also the cap on each earlier question in `history`
    max_history_entries: int = 20
    # A follow-up whose best passage alone has a lower cosine is joined with the previous
    # question (rag/followup.py). Chosen on the validation halves of eval/followups.jsonl and
    # eval/followups-standalone.jsonl by research/followup_eval.py: 0.25 keeps every follow-up
    # answer of 0.30 and merges no standalone question (0.28-0.30 merge one, "By what
    # percentage did trade turnover grow ...?" at 0.261; 0.20 loses a follow-up answer); the
    # scale is all-MiniLM-L6-v2's.
    follow_up_min_cosine: float = 0.25
    max_upload_bytes: int = 10 * 1024 * 1024  # one file
    max_upload_files: int = 20  # files in one upload
    max_upload_bytes_per_minute: int = 50 * 1024 * 1024  # all uploads of the app together
    min_retrieval_score: float = 0.25
    min_answer_score: float = 0.4  # extractive: best sentence score below this -> abstain
    # An answer sentence is cited only if a retrieved sentence shares this share of its words
    # and this much meaning (cosine); set on the gold set with the instruct model's drafts.
    min_support_lexical: float = 0.7
    min_support_semantic: float = 0.45
    host: str = "127.0.0.1"
    # Who may add documents: "off", "open" (anyone who reaches the app), "users" (the logged-in
    # users named in upload_users). "auto": open on this machine's loopback only, else off.
    uploads: str = "auto"
    upload_users: str = ""  # comma-separated; empty means the login's user
    port: int = 7860
    concurrency: int = 2

    @property
    def index_config(self):
        from rag.store.segment import IndexConfig

        return IndexConfig(
            flat_max_passages=self.flat_max_passages,
            ivf_nprobe=self.ivf_nprobe,
            max_segments=self.max_segments,
        )

    @property
    def upload_policy(self) -> str:
        """ "off", "open" or "users", with "auto" resolved from the host.

        >>> Settings().upload_policy, Settings(host="0.0.0.0").upload_policy
        ('open', 'off')
        """
        if self.uploads != "auto":
            return self.uploads
        return "open" if self.host in ("127.0.0.1", "localhost", "::1") else "off"

    def __post_init__(self) -> None:
        for name in ("documents_dir", "index_dir", "cache_dir"):
            object.__setattr__(self, name, Path(getattr(self, name)))
        if self.seed_dir is not None:
            object.__setattr__(self, "seed_dir", Path(self.seed_dir))
        if self.generator not in GENERATORS:
            raise ConfigError(
                f"generator={self.generator!r}: choose one of {', '.join(GENERATORS)}"
            )
        if not 32 <= self.chunk_tokens <= 254:
            # all-MiniLM-L6-v2 silently truncates past 256 word pieces.
            raise ConfigError(
                f"chunk_tokens={self.chunk_tokens}: must be between 32 and 254 (256 word pieces less [CLS] and [SEP])"
            )
        if not 0 <= self.chunk_overlap_tokens < self.chunk_tokens // 2:
            raise ConfigError(
                f"chunk_overlap_tokens={self.chunk_overlap_tokens}: must be >= 0 and "
                f"less than half of chunk_tokens ({self.chunk_tokens})"
            )
        for name in ("top_k", "reader_top_k", "form_top_k"):
            if not 1 <= getattr(self, name) <= 50:
                raise ConfigError(f"{name}={getattr(self, name)}: must be between 1 and 50")
        if self.answer_threshold is not None and not 0.0 <= self.answer_threshold <= 1.0:
            raise ConfigError(f"answer_threshold={self.answer_threshold}: must be in [0, 1]")
        if not 0.0 <= self.rival_min_words <= 1.0:
            raise ConfigError(f"rival_min_words={self.rival_min_words}: must be in [0, 1]")
        if self.uploads not in ("auto", "off", "open", "users"):
            raise ConfigError(f"uploads={self.uploads!r}: choose auto, off, open or users")
        if not 1 <= self.port <= 65535:
            raise ConfigError(f"port={self.port}: must be between 1 and 65535")
        if self.max_question_chars < 10:
            raise ConfigError(f"max_question_chars={self.max_question_chars}: must be at least 10")
        if not 1 <= self.max_history_entries <= 1000:
            raise ConfigError(
                f"max_history_entries={self.max_history_entries}: must be between 1 and 1000"
            )
        for name in ("max_upload_bytes", "max_upload_files", "max_upload_bytes_per_minute"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name}={getattr(self, name)}: must be positive")
        if not -1.0 <= self.min_retrieval_score <= 1.0:
            raise ConfigError(f"min_retrieval_score={self.min_retrieval_score}: must be in [-1, 1]")
        if not -1.0 <= self.min_answer_score <= 2.0:
            raise ConfigError(f"min_answer_score={self.min_answer_score}: must be in [-1, 2]")
        for name in ("min_support_lexical", "min_support_semantic"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ConfigError(f"{name}={getattr(self, name)}: must be in [0, 1]")
        if self.store not in ("faiss", "milvus"):
            raise ConfigError(f"store={self.store!r}: choose faiss or milvus")
        if self.fusion not in FUSIONS:
            raise ConfigError(
                f"fusion={self.fusion!r}: choose {', '.join(FUSIONS[:-1])} or {FUSIONS[-1]}"
            )
        if not 0.0 <= self.fusion_alpha <= 1.0:
            raise ConfigError(f"fusion_alpha={self.fusion_alpha}: must be in [0, 1]")
        if not 1 <= self.fusion_candidates <= 1000:
            raise ConfigError(
                f"fusion_candidates={self.fusion_candidates}: must be between 1 and 1000"
            )
        if self.fact_fallback not in ("off", "dated", "shaped", "all"):
            raise ConfigError(
                f"fact_fallback={self.fact_fallback!r}: choose off, dated, shaped or all"
            )
        if not 0 <= self.rerank_pool <= 100:
            raise ConfigError(f"rerank_pool={self.rerank_pool}: must be between 0 and 100")
        if self.row_rank_weight < 0:
            raise ConfigError(f"row_rank_weight={self.row_rank_weight}: must be at least 0")
        if self.doc_steer not in ("off", "prefer", "restrict"):
            raise ConfigError(f"doc_steer={self.doc_steer!r}: choose off, prefer or restrict")
        self.index_config  # noqa: B018  (checks its numbers)
        if not 1 <= self.concurrency <= 16:
            raise ConfigError(f"concurrency={self.concurrency}: must be between 1 and 16")

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides) -> Settings:
        """Read `RAG_<FIELD>` variables, then apply non-None overrides.

        >>> Settings.from_env({"RAG_TOP_K": "7"}).top_k
        7
        """
        env = os.environ if env is None else env
        values: dict = {}
        for f in dataclasses.fields(cls):
            raw = env.get(f"RAG_{f.name.upper()}")
            if raw is not None:
                values[f.name] = _parse(f.name, f.type, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def replace(self, **changes) -> Settings:
        return dataclasses.replace(self, **changes)


def apply_offline_policy(allow_download: bool) -> None:
    """Turn the model hubs' offline mode on (the default) or off, at an entry point.

    Called by the CLI and the app once settings are known: importing `rag` changes nothing, so
    `--allow-download` and `Settings(allow_download=True)` do reach the loaders. The hub reads
    the variable when it is imported; if it already was, its constant is updated too.
    """
    import sys

    value = "0" if allow_download else "1"
    os.environ["HF_HUB_OFFLINE"] = value
    os.environ["TRANSFORMERS_OFFLINE"] = value
    constants = sys.modules.get("huggingface_hub.constants")
    if constants is not None:
        constants.HF_HUB_OFFLINE = not allow_download


def _parse(name: str, type_name, raw: str):
    type_name = str(type_name)
    if type_name.endswith(" | None"):
        if raw.strip().lower() in ("", "none"):
            return None
        type_name = type_name.removesuffix(" | None")
    try:
        if type_name == "int":
            return int(raw)
        if type_name == "float":
            return float(raw)
        if type_name == "bool":
            lowered = raw.strip().lower()
            if lowered in ("1", "true", "yes", "on"):
                return True
            if lowered in ("0", "false", "no", "off", ""):
                return False
            raise ValueError(raw)
    except ValueError:
        raise ConfigError(f"RAG_{name.upper()}={raw!r}: expected {type_name}") from None
    return raw
