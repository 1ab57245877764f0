"""BM25 over our own Vietnamese tokens, across all segments of an index.

The scores are bm25s's default (Lucene) BM25 — idf = ln(1 + (N - df + 0.5) / (df + 0.5)),
tf part = tf / (tf + k1 (1 - b + b |u| / avg|u|)) — computed from each segment's stored
postings with corpus-wide N, df and average length over the live units. A library index
(bm25s) has one vocabulary and must be rebuilt whenever a document is added; postings per
segment let a new segment join without touching the others, and term statistics always
cover exactly the units being searched (tests/index/test_sparse.py checks the scores
against bm25s).
"""

from __future__ import annotations

import math

import numpy as np

from .segment import Segment

K1, B = 1.5, 0.75
# Above this many live units, a term in more than COMMON_SHARE of them is left out of a
# query that also has rarer terms (Lucene's "common terms" idea): at a million units such
# a term adds an idf below ln(11) ~ 2.4 to hundreds of thousands of rows, which was most of
# a query's BM25 time (bench_scale.py, 1,000x: 38 of 81 ms), and hardly reorders the rows
# the rarer terms pick. Smaller indexes count every term.
PRUNE_ABOVE_UNITS = 200_000
COMMON_SHARE = 0.1


class SparseIndex:
    def __init__(self, segments: list[Segment], offsets: np.ndarray, alive: list[np.ndarray | None]):
        """offsets: first global row of each segment; alive: per segment, a mask of live
        units (None: all live)."""
        self._segments, self._offsets, self._alive = segments, offsets, alive
        self.size = sum(s.size for s in segments)
        lengths = [np.maximum(s.units["length"], 1).astype(np.float32) for s in segments]
        live_lengths = [ln if a is None else ln[a] for ln, a in zip(lengths, alive)]
        self.n_live = sum(len(ln) for ln in live_lengths)
        average = (sum(float(ln.sum()) for ln in live_lengths) / self.n_live) if self.n_live else 1.0
        self._norm = [K1 * ((1 - B) + B * ln / average) for ln in lengths]

    def document_frequency(self, term: str) -> int:
        df = 0
        for segment, alive in zip(self._segments, self._alive):
            postings = segment.postings_of(term)
            if postings is not None:
                df += len(postings) if alive is None else int(alive[postings["unit"]].sum())
        return df

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        """BM25 score of every row (dead rows 0) for these query tokens (repeats count)."""
        out = np.zeros(self.size, dtype=np.float32)
        frequency = {token: self.document_frequency(token) for token in set(query_tokens)}
        common = COMMON_SHARE * self.n_live
        if self.n_live >= PRUNE_ABOVE_UNITS and any(0 < df <= common for df in frequency.values()):
            query_tokens = [t for t in query_tokens if frequency[t] <= common]
        for token in query_tokens:
            df = frequency[token]
            if not df:
                continue
            idf = math.log(1 + (self.n_live - df + 0.5) / (df + 0.5))
            for segment, offset, norm in zip(self._segments, self._offsets, self._norm):
                postings = segment.postings_of(token)
                if postings is None or not len(postings):
                    continue
                rows, tf = postings["unit"], postings["tf"]
                out[offset + rows] += idf * tf / (tf + norm[rows])
        for offset, segment, alive in zip(self._offsets, self._segments, self._alive):
            if alive is not None:
                out[offset:offset + segment.size][~alive] = 0
        return out
