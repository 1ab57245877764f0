"""BM25 over our own Vietnamese tokens (bm25s' tokenizer drops "9-10%" and one-letter words)."""

from __future__ import annotations

import logging

import bm25s
import numpy as np

# bm25s logs "Building index from tokens" at debug level through its own handler.
logging.getLogger("bm25s").setLevel(logging.WARNING)


class SparseIndex:
    """Built from token lists at load time: tokens are stored in the docstore, so
    rebuilding is a sparse-matrix pass (milliseconds here) and needs no pickle."""

    def __init__(self, token_lists: list[list[str]]):
        self.size = len(token_lists)
        self._bm25 = bm25s.BM25()
        if self.size:
            self._bm25.index([tokens or [""] for tokens in token_lists], show_progress=False)

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        known = [t for t in query_tokens if t in self._bm25.vocab_dict] if self.size else []
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)
